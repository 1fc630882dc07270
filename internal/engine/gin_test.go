package engine

import (
	"fmt"
	"maps"
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
// an unindexed copy returns, for an index of either term layout: new
// indexes group their terms by path, those made before keep theirs.
func TestGINDifferential(t *testing.T) {
	for _, layout := range []jsonb.TermLayout{jsonb.TermsByPath, jsonb.TermsHashed} {
		t.Run(fmt.Sprint("layout", layout), func(t *testing.T) { testGINDifferential(t, layout) })
	}
}

func testGINDifferential(t *testing.T, layout jsonb.TermLayout) {
	s, r, seed, exec := newRandomSession(t)
	exec("CREATE TABLE gi (id INT PRIMARY KEY, doc JSONB)")
	exec("CREATE TABLE gp (id INT PRIMARY KEY, doc JSONB)")
	exec("CREATE INDEX gi_doc ON gi USING gin (doc)")
	gi := func() (*catalog.Descriptor, *mvcc.Txn) {
		t.Helper()
		txn, err := s.e.db.Begin(mvcc.TxnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := catalog.Get(txn, "gi")
		if err != nil {
			t.Fatal(err)
		}
		return d, txn
	}
	if d, txn := gi(); d.Indexes[0].Terms != uint8(jsonb.TermsByPath) {
		t.Fatalf("a new GIN index has term layout %d, want %d", d.Indexes[0].Terms, jsonb.TermsByPath)
	} else if layout != jsonb.TermsByPath {
		// An index made before the layout was recorded: as it is stored.
		d.Indexes[0].Terms = uint8(layout)
		if err := catalog.Update(txn, d); err != nil {
			t.Fatal(err)
		}
		if err := txn.Commit(); err != nil {
			t.Fatal(err)
		}
	} else {
		txn.Rollback()
	}
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
	// The index holds the entries of the rows' documents, laid out as
	// its layout says, and no others: an entry left behind by an update
	// would go unseen by the queries (they recheck each row), so count
	// the terms.
	want := map[string]int{}
	for _, row := range exec("SELECT doc FROM gi WHERE doc IS NOT NULL")[0].Rows {
		doc := row[0].Doc()
		for _, term := range jsonb.KeyTerms(jsonb.LeafTerms(nil, doc, layout), doc) {
			want[string(term)]++
		}
	}
	d, txn := gi()
	defer txn.Rollback()
	prefix := catalog.IndexPrefix(nil, d.ID, d.Indexes[0].ID)
	it := txn.Scan(prefix, catalog.IndexPrefix(nil, d.ID, d.Indexes[0].ID+1))
	got := map[string]int{}
	for it.Next() {
		got[string(it.Key()[len(prefix):len(prefix)+jsonb.TermSize])]++
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("the GIN index holds %d distinct terms, the documents have %d (seed %d)", len(got), len(want), seed)
	}
}
