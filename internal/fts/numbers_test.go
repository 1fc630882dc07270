package fts

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/cairndb/cairn/internal/mvcc"
)

// docNumber returns the number id's id entry holds.
func docNumber(t *testing.T, db *mvcc.DB, ix *Index, id string) uint64 {
	t.Helper()
	txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	must(t, err)
	defer txn.Rollback()
	v, found, err := txn.Get(ix.extKey([]byte(id)))
	must(t, err)
	if !found || len(v) != 8 {
		t.Fatalf("no id entry for %q", id)
	}
	return binary.BigEndian.Uint64(v)
}

// TestNumbers: with Numbers, new documents get consecutive pending
// numbers; a range is taken only where no pending document is (here, one
// an earlier run of the process left: a fresh Numbers that first picks
// the same place moves on to the next it picks); merges and searches
// work the same.
func TestNumbers(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "simple", "body")
	picks := func(places ...uint64) func() uint64 {
		return func() uint64 {
			p := places[0]
			places = places[1:]
			return p
		}
	}
	ix.SetNumbers(&Numbers{pick: picks(7)})
	add := func(ids ...string) {
		update(t, db, func(txn *mvcc.Txn) error {
			for _, id := range ids {
				if err := ix.Add(txn, []byte(id), []string{"common words " + id}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	add("a", "b", "c")
	base := pendingBit | 7<<numberRangeBits
	for i, id := range []string{"a", "b", "c"} {
		if got := docNumber(t, db, ix, id); got != base+uint64(i) {
			t.Errorf("%s: number %#x, want %#x", id, got, base+uint64(i))
		}
	}
	// A restart: the range at 7 holds pending documents.
	ix.SetNumbers(&Numbers{pick: picks(7, 9)})
	add("d")
	if got, want := docNumber(t, db, ix, "d"), pendingBit|9<<numberRangeBits; got != want {
		t.Errorf("d: number %#x, want %#x (the range at 7 is in use)", got, want)
	}
	if got := matchIDs(t, db, ix, "common"); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("before a merge: %q", got)
	}
	merge(t, db, ix)
	add("e")
	if got := matchIDs(t, db, ix, "common"); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("after a merge: %q", got)
	}
	if got, want := docNumber(t, db, ix, "e"), pendingBit|9<<numberRangeBits+1; got != want {
		t.Errorf("e: number %#x, want %#x", got, want)
	}
}

// matchIDs returns the ids of the documents matching q, sorted.
func matchIDs(t *testing.T, db *mvcc.DB, ix *Index, q string) []string {
	t.Helper()
	got, err := ix.Match(view(t, db), q)
	must(t, err)
	s := ids(got)
	slices.Sort(s)
	return s
}
