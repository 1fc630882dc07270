package catalog

import (
	"encoding/binary"

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
