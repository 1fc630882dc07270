package fts

import (
	"fmt"
	"testing"

	"github.com/cairndb/cairn/internal/mvcc"
)

// TestConjunctionSkips: a top-k search for words that must all be in a
// document (AND, a phrase) checks only documents at or after every word's
// current posting, not the union of their postings: "rare common", with
// "common" in every document and "rare" in five, checks about five
// candidates, merged or pending, in two fields; so do a search without a
// limit and Match.
func TestConjunctionSkips(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "english", "title", "body")
	add := func(from, to int) {
		update(t, db, func(txn *mvcc.Txn) error {
			for i := from; i < to; i++ {
				body := "a common word"
				if i%400 == 7 {
					body = "a rare common word"
				}
				if err := ix.Add(txn, []byte(fmt.Sprintf("d%05d", i)), []string{"title common", body}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	add(0, 1500)
	merge(t, db, ix)
	add(1500, 2000) // pending
	txn := view(t, db)
	for _, q := range []string{"rare common", `"rare common"`, "rare AND (common OR word)"} {
		var st SearchStats
		hits, err := ix.Search(txn, q, SearchOptions{Limit: 10, Stats: &st})
		must(t, err)
		if len(hits) != 5 {
			t.Fatalf("%s: %d hits, want 5", q, len(hits))
		}
		if st.Candidates > 10 {
			t.Fatalf("%s: %d candidates for 5 matches among 2000 documents", q, st.Candidates)
		}
		// Every match, fully scored, and the matching ids: the same.
		all, err := ix.Search(txn, q, SearchOptions{Stats: &st})
		must(t, err)
		if len(all) != 5 || st.Candidates > 10 {
			t.Fatalf("%s without a limit: %d hits, %d candidates", q, len(all), st.Candidates)
		}
		ids, err := ix.Match(txn, q)
		must(t, err)
		if len(ids) != 5 {
			t.Fatalf("%s: Match found %d", q, len(ids))
		}
	}
}
