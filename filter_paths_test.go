package cairn

import (
	"context"
	"fmt"
	"testing"
)

// TestPathCache: a filter compiles to the same SQL whether its paths'
// spellings are made or come from the DB's cache, which keeps each path
// once and at most maxCachedPaths of them.
func TestPathCache(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("docs")
	if _, err := c.Insert(ctx, `{"a": {"b": [1, {"c": 2}]}}`); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "a.b", false); err != nil {
		t.Fatal(err)
	}
	filters := []string{
		`{"a.b": 1}`,
		`{"a.b": {"$gt": 0, "$lt": 5}}`,
		`{"a.b.1.c": 2, "a.b": {"$in": [1, 2]}}`,
		`{"$or": [{"a.b": {"$elemMatch": {"c": 2}}}, {"x.0": null}]}`,
		`{"a.b": {"$size": 2}, "a": {"$exists": true}}`,
	}
	for _, f := range filters {
		uncached := &filterCompiler{}
		indexed, err := c.indexedPaths(ctx, mustValue(t, f))
		if err != nil {
			t.Fatal(err)
		}
		uncached.indexed = indexed
		want, err := uncached.compile(mustValue(t, f), "doc", true)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // made, then from the cache
			got, _, err := c.where(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("%s compiles to\n%s\nwith the cache, to\n%s\nwithout", f, got, want)
			}
		}
		if n := len(findIDs(t, c, f, nil)); n != 1 {
			t.Fatalf("%s finds %d documents, want 1", f, n)
		}
	}
	before := db.paths.n.Load()
	if _, _, err := c.where(ctx, filters[0]); err != nil || db.paths.n.Load() != before {
		t.Fatalf("a cached path was added again: %d paths, had %d (%v)", db.paths.n.Load(), before, err)
	}
	for i := range maxCachedPaths + 10 {
		if _, _, err := c.where(ctx, fmt.Sprintf(`{"p%d": 1}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := db.paths.n.Load(); n != maxCachedPaths {
		t.Fatalf("%d paths cached, want the %d at most", n, maxCachedPaths)
	}
}

func mustValue(t *testing.T, f string) any {
	t.Helper()
	v, err := toValue(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
