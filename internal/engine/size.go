package engine

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
)

// relationSize answers the size functions (builtins.EvalContext's
// RelationSize) from the store's estimate of the key ranges the relation
// takes (mvcc.DB.ApproximateSize): a table's rows are its primary index,
// each other index a range of its own, all under the table's prefix.
// The relation is looked up in the session's transaction, if one is
// open (a table it created counts), else in a snapshot of its own; what
// a transaction has written but not committed is not in the store yet
// and counts nothing.
func (s *Session) relationSize(oid int64, part builtins.SizePart) (int64, bool) {
	tableID, indexID, isIndex, ok := plan.RelationOID(oid)
	if !ok {
		return 0, false
	}
	txn := s.txn
	if txn == nil {
		t, err := s.e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
		if err != nil {
			return 0, false
		}
		defer t.Rollback()
		txn = t
	}
	d, err := catalog.ByID(txn, tableID)
	if err != nil {
		return 0, false
	}
	size := func(start []byte) int64 {
		end := append([]byte(nil), start...)
		// The prefixes are fixed-length ids: the next id's prefix ends the range.
		for i := len(end) - 1; i >= 0; i-- {
			if end[i]++; end[i] != 0 {
				break
			}
		}
		return int64(s.e.db.ApproximateSize(start, end))
	}
	if isIndex && indexID == catalog.PrimaryIndexID {
		// The primary key holds the rows: its size is theirs.
		isIndex, part = false, builtins.SizeMain
	}
	if isIndex {
		for _, ix := range d.Indexes {
			if ix.ID == indexID {
				if part == builtins.SizeIndexes {
					return 0, true
				}
				return size(catalog.IndexPrefix(nil, d.ID, ix.ID)), true
			}
		}
		return 0, false
	}
	switch part {
	case builtins.SizeMain:
		return size(catalog.IndexPrefix(nil, d.ID, catalog.PrimaryIndexID)), true
	case builtins.SizeIndexes:
		var n int64
		for _, ix := range d.Indexes {
			if ix.ID != catalog.PrimaryIndexID {
				n += size(catalog.IndexPrefix(nil, d.ID, ix.ID))
			}
		}
		return n, true
	}
	return size(catalog.TablePrefix(nil, d.ID)), true
}
