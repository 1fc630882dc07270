package fts

import (
	"math"
	"slices"
	"testing"

	"github.com/cairndb/cairn/internal/mvcc"
)

// TestRankingByHand checks BM25 scores against values worked out by hand
// on a three-document corpus, before and after a merge (the statistics
// must agree), and with field weights.
//
//	d1 title "apple"          body "apple banana apple"          (1, 3 tokens)
//	d2 title "banana split"   body "banana cherry"               (2, 2)
//	d3 title "cherry"         body "cherry cherry cherry apple"  (1, 4)
//
// N = 3; avglen(title) = 4/3, avglen(body) = 9/3 = 3; k1 = 1.2, b = 0.75.
//
//	idf(n) = ln(1 + (N - n + 0.5) / (n + 0.5))
//	tfn(tf, len, avg) = tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg))
//
// Query "apple" (every field): body df = 2, title df = 1.
//
//	d1 = idf(2) * tfn(2, 3, 3) + idf(1) * tfn(1, 1, 4/3)
//	   = ln(1.6) * 4.4 / 3.2 + ln(2.0) * 2.2 / (1 + 1.2 * 0.8125)
//	d3 = idf(2) * tfn(1, 4, 3) = ln(1.6) * 2.2 / 2.5
func TestRankingByHand(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "simple", "title", "body")
	docs := [][3]string{
		{"d1", "apple", "apple banana apple"},
		{"d2", "banana split", "banana cherry"},
		{"d3", "cherry", "cherry cherry cherry apple"},
	}
	update(t, db, func(txn *mvcc.Txn) error {
		for _, d := range docs {
			if err := ix.Add(txn, []byte(d[0]), []string{d[1], d[2]}); err != nil {
				return err
			}
		}
		return nil
	})
	const k1, b = 1.2, 0.75
	idf := func(n float64) float64 { return math.Log(1 + (3-n+0.5)/(n+0.5)) }
	tfn := func(tf, l, avg float64) float64 { return tf * (k1 + 1) / (tf + k1*(1-b+b*l/avg)) }
	cases := []struct {
		q       string
		weights map[string]float64
		want    map[string]float64
	}{
		{"apple", nil, map[string]float64{
			"d1": idf(2)*tfn(2, 3, 3) + idf(1)*tfn(1, 1, 4.0/3),
			"d3": idf(2) * tfn(1, 4, 3),
		}},
		{"body:apple", nil, map[string]float64{
			"d1": math.Log(1.6) * 4.4 / 3.2,
			"d3": math.Log(1.6) * 2.2 / 2.5,
		}},
		{"cherry OR split", nil, map[string]float64{
			// cherry: body df 2, title df 1; split: title df 1.
			"d2": idf(2)*tfn(1, 2, 3) + idf(1)*tfn(1, 2, 4.0/3),
			"d3": idf(2)*tfn(3, 4, 3) + idf(1)*tfn(1, 1, 4.0/3),
		}},
		{"banana -split", map[string]float64{"title": 2, "body": 0.5}, map[string]float64{
			"d1": 0.5 * idf(2) * tfn(1, 3, 3),
		}},
		{`body:"cherry apple"`, nil, map[string]float64{
			"d3": idf(2)*tfn(3, 4, 3) + idf(2)*tfn(1, 4, 3),
		}},
	}
	check := func(stage string) {
		txn := view(t, db)
		for _, c := range cases {
			hits, err := ix.Search(txn, c.q, SearchOptions{Weights: c.weights})
			must(t, err)
			if len(hits) != len(c.want) {
				t.Fatalf("%s: %q: %d hits %v, want %d", stage, c.q, len(hits), hits, len(c.want))
			}
			for i, h := range hits {
				w, ok := c.want[string(h.ID)]
				if !ok || math.Abs(h.Score-w) > 1e-9 {
					t.Errorf("%s: %q: hit %s scored %.12f, want %.12f", stage, c.q, h.ID, h.Score, w)
				}
				if i > 0 && hits[i-1].Score < h.Score {
					t.Errorf("%s: %q: hits not sorted by score: %v", stage, c.q, hits)
				}
				s, ok, err := ix.Score(txn, c.q, h.ID, c.weights)
				must(t, err)
				if !ok || s != h.Score {
					t.Errorf("%s: %q: Score(%s) = %v, %v; Search said %v", stage, c.q, h.ID, s, ok, h.Score)
				}
			}
		}
	}
	check("pending")
	if st := mergeSome(t, db, ix, 1); st.Added != 1 || st.Pending != 2 {
		t.Fatalf("merge of one: %+v", st)
	}
	check("one merged")
	if st := merge(t, db, ix); st.Added != 2 || st.Pending != 0 {
		t.Fatalf("merge: %+v", st)
	}
	check("merged")
	// The pure BM25 helpers agree with the formula in the comment.
	if got, want := IDF(3, 2), math.Log(1.6); math.Abs(got-want) > 1e-15 {
		t.Errorf("IDF(3, 2) = %v, want %v", got, want)
	}
}

// TestDeleteUpdate: deleted documents vanish at once and after a merge;
// updates replace the text; Match, Search and Score agree.
func TestDeleteUpdate(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "english", "body")
	add := func(id, text string) {
		update(t, db, func(txn *mvcc.Txn) error { return ix.Add(txn, []byte(id), []string{text}) })
	}
	matchIs := func(q string, want ...string) {
		t.Helper()
		got, err := ix.Match(view(t, db), q)
		must(t, err)
		if !slices.Equal(ids(got), want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("Match(%q) = %q, want %q", q, ids(got), want)
		}
	}
	add("a", "the running fox")
	add("b", "a sleeping dog")
	merge(t, db, ix)
	add("c", "foxes and dogs")
	matchIs("fox", "a", "c")
	matchIs("dogs", "b", "c")
	update(t, db, func(txn *mvcc.Txn) error { return ix.Delete(txn, []byte("a")) }) // merged
	update(t, db, func(txn *mvcc.Txn) error { return ix.Delete(txn, []byte("c")) }) // pending
	matchIs("fox")
	matchIs("dog", "b")
	update(t, db, func(txn *mvcc.Txn) error {
		if err := ix.Delete(txn, []byte("a")); !errorsIsNotFound(err) {
			t.Errorf("second delete: %v", err)
		}
		return ix.Update(txn, []byte("b"), []string{"a running cat"})
	})
	matchIs("dog")
	matchIs("run", "b")
	if st := merge(t, db, ix); st.Purged != 2 || st.Added != 1 {
		t.Fatalf("merge: %+v", st)
	}
	matchIs("run", "b")
	matchIs("fox")
	txn := view(t, db)
	if n, err := ix.Pending(txn); err != nil || n != 0 {
		t.Fatalf("pending after merge: %d, %v", n, err)
	}
	// Purged: no block, dictionary entry or record of the deleted docs.
	for _, tag := range []byte{tagPending, tagChange} {
		s, e := ix.tagRange(tag)
		it := txn.Scan(s, e)
		for it.Next() {
			t.Errorf("left after merge: %q", it.Key())
		}
		must(t, it.Close())
	}
	s, e := ix.tagRange(tagTerm)
	it := txn.Scan(s, e)
	var terms []string
	for it.Next() {
		terms = append(terms, string(it.Key()[len(ix.prefix)+2:]))
	}
	must(t, it.Close())
	if !slices.Equal(terms, []string{"cat", "run"}) {
		t.Errorf("dictionary after merge: %q", terms)
	}
	update(t, db, func(txn *mvcc.Txn) error {
		if err := ix.Add(txn, []byte("b"), []string{"x"}); err == nil {
			t.Errorf("duplicate Add succeeded")
		}
		return nil
	})
}
