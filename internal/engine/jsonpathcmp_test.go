package engine

import (
	"fmt"
	"strings"
	"testing"
)

// TestJSONPathCompare: doc #> path compared with a jsonb value, which
// the executor compares where the value lies in the document, answers as
// the operators one after the other do (the CASE hides the #> from that
// shortcut), NULLs included, for paths from a column, typed constants
// and untyped literals.
func TestJSONPathCompare(t *testing.T) {
	_, r, seed, exec := newRandomSession(t)
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	paths := []string{`{}`, `{a}`, `{a,b}`, `{k,0}`, `{x,1,a}`, `{b,k}`, `{a,NULL}`, `{0}`, `{-1}`}
	exec("CREATE TABLE pc (id INT PRIMARY KEY, doc JSONB, p TEXT[])")
	for i := range 200 {
		doc := "NULL"
		if r.IntN(10) > 0 {
			doc = quote(randDoc(r, 0))
		}
		exec(fmt.Sprintf("INSERT INTO pc VALUES (%d, %s, %s)", i, doc, quote(paths[r.IntN(len(paths))])))
	}
	// Queries until 1500 comparisons gave a non-NULL answer: how many
	// that takes depends on the seed (a NULL value or a path that misses
	// most documents answers NULL for every row), so a fixed number of
	// queries would sometimes test too little.
	checked := 0
	for q := 0; checked < 1500; q++ {
		if q == 600 {
			t.Fatalf("only %d non-NULL comparisons in %d queries: the test is too easy (seed %d)", checked, q, seed)
		}
		// A column, a typed constant, an untyped literal (as filters
		// write paths).
		path := []string{"p", quote(paths[r.IntN(len(paths))]) + "::text[]", quote(paths[r.IntN(len(paths))])}[r.IntN(3)]
		val := "NULL::jsonb"
		if r.IntN(8) > 0 {
			val = quote(randDoc(r, 1)) + "::jsonb"
		}
		op := []string{"=", "<>", "<", "<=", ">", ">="}[r.IntN(6)]
		query := fmt.Sprintf("SELECT id, doc #> %[1]s %[2]s %[3]s, (CASE WHEN id >= 0 THEN doc #> %[1]s END) %[2]s %[3]s FROM pc ORDER BY id", path, op, val)
		for _, row := range exec(query)[0].Rows {
			if got, want := row[1], row[2]; got.IsNull() != want.IsNull() || !got.IsNull() && got.Bool() != want.Bool() {
				t.Fatalf("%s: row %v: %v, the operators one by one %v (seed %d)", query, row[0], got, want, seed)
			}
			if !row[1].IsNull() {
				checked++
			}
		}
	}
}
