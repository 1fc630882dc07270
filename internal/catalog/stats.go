package catalog

import (
	"encoding/binary"
	"encoding/json"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Table statistics live apart from the descriptors ('c' 't' id -> row
// count, uint64 BE), so that refreshing them changes no schema version
// and conflicts with no transaction that read a descriptor: they are
// hints for the planner, not part of the schema.

func statsKey(id uint32) []byte { return binary.BigEndian.AppendUint32([]byte("ct"), id) }

// PutRowCount records a table's row count.
func PutRowCount(txn *mvcc.Txn, id uint32, rows int64) error {
	return txn.Put(statsKey(id), binary.BigEndian.AppendUint64(nil, uint64(rows)))
}

// RowCounts returns every table's recorded row count.
func RowCounts(txn *mvcc.Txn) (map[uint32]int64, error) {
	start := []byte("ct")
	it := txn.Scan(start, []byte("cu"))
	out := map[uint32]int64{}
	for it.Next() {
		k, v := it.Key(), it.Value()
		if len(k) != 6 || len(v) != 8 {
			it.Close()
			return nil, sqlerr.New(sqlerr.DataCorrupted, "catalog: statistics entry %q is malformed", k)
		}
		out[binary.BigEndian.Uint32(k[2:])] = int64(binary.BigEndian.Uint64(v))
	}
	return out, it.Close()
}

// Column statistics ('c' 's' id -> JSON of TableStats), written by
// ANALYZE beside the row count: what the planner estimates selectivity
// from, and what pg_stats shows.

// ColumnStats describe one column's values, from a sample of the table's
// rows. Values are in their text form (the column's type parses them).
type ColumnStats struct {
	ColumnID uint32 `json:"id"`
	// NullFrac is the fraction of rows where the column is NULL.
	NullFrac float64 `json:"null_frac"`
	// Distinct estimates the number of distinct non-NULL values in the
	// whole table.
	Distinct float64 `json:"n_distinct"`
	// MCV are the most common values, most common first, and MCF their
	// frequencies (fractions of all rows).
	MCV []string  `json:"mcv,omitempty"`
	MCF []float64 `json:"mcf,omitempty"`
	// Histogram holds the bounds of equal-population buckets over the
	// non-NULL values other than the MCV, ascending.
	Histogram []string `json:"histogram,omitempty"`
}

// TableStats are a table's column statistics and the rows they were
// computed over.
type TableStats struct {
	Rows    int64         `json:"rows"`
	Sampled int64         `json:"sampled"`
	Columns []ColumnStats `json:"columns"`
}

// Column returns the statistics of column id, or nil.
func (s *TableStats) Column(id uint32) *ColumnStats {
	if s == nil {
		return nil
	}
	for i := range s.Columns {
		if s.Columns[i].ColumnID == id {
			return &s.Columns[i]
		}
	}
	return nil
}

func columnStatsKey(id uint32) []byte { return binary.BigEndian.AppendUint32([]byte("cs"), id) }

// PutTableStats records a table's column statistics.
func PutTableStats(txn *mvcc.Txn, id uint32, s *TableStats) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return txn.Put(columnStatsKey(id), b)
}

// AllTableStats returns every table's recorded column statistics.
func AllTableStats(txn *mvcc.Txn) (map[uint32]*TableStats, error) {
	it := txn.Scan([]byte("cs"), []byte("ct"))
	out := map[uint32]*TableStats{}
	for it.Next() {
		k := it.Key()
		var s TableStats
		if len(k) != 6 || json.Unmarshal(it.Value(), &s) != nil {
			it.Close()
			return nil, sqlerr.New(sqlerr.DataCorrupted, "catalog: column statistics entry %q is malformed", k)
		}
		out[binary.BigEndian.Uint32(k[2:])] = &s
	}
	return out, it.Close()
}
