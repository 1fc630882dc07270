package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/mvcc"
)

// randDoc returns a small random JSON document over few keys and
// values, so containment and key existence often hold.
func randDoc(r *rand.Rand, depth int) string {
	scalars := []string{`1`, `2.0`, `2`, `"a"`, `"b"`, `true`, `null`, `"k"`}
	k := r.IntN(10)
	if depth > 2 {
		k = r.IntN(4)
	}
	switch {
	case k < 4:
		return scalars[r.IntN(len(scalars))]
	case k < 6:
		var parts []string
		for range r.IntN(4) {
			parts = append(parts, randDoc(r, depth+1))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		var parts []string
		for range r.IntN(4) {
			parts = append(parts, fmt.Sprintf("%q: %s", []string{"a", "b", "k", "x"}[r.IntN(4)], randDoc(r, depth+1)))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
}

// TestGINDifferential checks that queries answered through a GIN index
// (after inserts, updates and deletes) return exactly the rows a scan of
// an unindexed copy returns.
func TestGINDifferential(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	s := newTestSession(t)
	ctx := context.Background()
	exec := func(sql string) []Result {
		t.Helper()
		res, err := s.Execute(ctx, sql, nil)
		if err != nil {
			t.Fatalf("%s: %v (seed %d)", sql, err, seed)
		}
		return res
	}
	exec("CREATE TABLE gi (id INT PRIMARY KEY, doc JSONB)")
	exec("CREATE TABLE gp (id INT PRIMARY KEY, doc JSONB)")
	exec("CREATE INDEX gi_doc ON gi USING gin (doc)")
	both := func(format string, args ...any) {
		for _, tb := range []string{"gi", "gp"} {
			exec(fmt.Sprintf(strings.ReplaceAll(format, "TB", tb), args...))
		}
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	for i := range 300 {
		doc := "NULL"
		if r.IntN(10) > 0 {
			doc = quote(randDoc(r, 0))
		}
		both("INSERT INTO TB VALUES (%d, %s)", i, doc)
	}
	for range 60 {
		both("UPDATE TB SET doc = %s WHERE id = %d", quote(randDoc(r, 0)), r.IntN(300))
		// Updates of one member, which change a few of a document's
		// terms (the index writes only those).
		both("UPDATE TB SET doc = jsonb_set(doc, '{%s}', %s) WHERE id %% 10 = %d AND jsonb_typeof(doc) = 'object'",
			[]string{"a", "b", "k"}[r.IntN(3)], quote(randDoc(r, 1)), r.IntN(10))
		both("UPDATE TB SET doc = doc || %s WHERE id %% 10 = %d AND jsonb_typeof(doc) = 'object'",
			quote(`{"x": `+randDoc(r, 2)+`}`), r.IntN(10))
		both("UPDATE TB SET doc = doc - %s WHERE id %% 20 = %d AND jsonb_typeof(doc) = 'object'", quote([]string{"a", "x"}[r.IntN(2)]), r.IntN(20))
		both("DELETE FROM TB WHERE id = %d", r.IntN(300))
	}
	ids := func(sql string) string {
		res := exec(sql)
		var b strings.Builder
		for _, row := range res[0].Rows {
			fmt.Fprintf(&b, "%v,", row[0])
		}
		return b.String()
	}
	used := 0
	for range 400 {
		var cond string
		switch r.IntN(4) {
		case 0:
			cond = "doc @> " + quote(randDoc(r, 1))
		case 1:
			cond = "doc ? " + quote([]string{"a", "b", "k", "x"}[r.IntN(4)])
		case 2:
			cond = "doc ?| ARRAY['a', " + quote([]string{"b", "k", "x"}[r.IntN(3)]) + "]"
		default:
			cond = "doc ?& ARRAY['a', " + quote([]string{"b", "k", "x"}[r.IntN(3)]) + "]"
		}
		got := ids("SELECT id FROM gi WHERE " + cond + " ORDER BY id")
		want := ids("SELECT id FROM gp WHERE " + cond + " ORDER BY id")
		if got != want {
			t.Fatalf("%s: with the GIN index %s, without %s (seed %d)", cond, got, want, seed)
		}
		if plan := exec("EXPLAIN SELECT id FROM gi WHERE " + cond); strings.Contains(fmt.Sprint(plan[0].Rows), "gi_doc") {
			used++
		}
	}
	if used < 300 {
		t.Fatalf("the index served only %d of 400 queries", used)
	}
	// The index holds the entries of the rows' documents and no others:
	// an entry left behind by an update would go unseen by the queries
	// (they recheck each row), so count them.
	want := 0
	for _, row := range exec("SELECT doc FROM gi WHERE doc IS NOT NULL")[0].Rows {
		doc := row[0].Doc()
		want += len(jsonb.KeyTerms(jsonb.LeafTerms(nil, doc), doc))
	}
	txn, err := s.e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	d, err := catalog.Get(txn, "gi")
	if err != nil {
		t.Fatal(err)
	}
	prefix := catalog.IndexPrefix(nil, d.ID, d.Indexes[0].ID)
	it := txn.Scan(prefix, catalog.IndexPrefix(nil, d.ID, d.Indexes[0].ID+1))
	got := 0
	for it.Next() {
		got++
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("the GIN index holds %d entries, the documents have %d terms (seed %d)", got, want, seed)
	}
}
