package cairn

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// $text searches the documents' strings through the collection's fts
// index, and "$textScore" sorts by relevance.
func TestCollectionText(t *testing.T) {
	db, err := Open(MemoryDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	c := db.Collection("articles")
	docs := []any{
		map[string]any{"_id": "a", "title": "Storage engines", "body": "An LSM tree keeps a write-ahead log", "tags": []any{"db"}},
		map[string]any{"_id": "b", "title": "Cooking", "body": "Pasta with tomato sauce"},
		map[string]any{"_id": "c", "title": "Logs", "body": "Every storage engine logs; the log is replayed", "meta": map[string]any{"note": "storage storage"}},
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	find := func(filter string, sort ...string) []string {
		t.Helper()
		cur, err := c.Find(ctx, filter, &FindOptions{Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		if err := cur.All(ctx, &out); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range out {
			ids = append(ids, d["_id"].(string))
		}
		return ids
	}
	// Without an index each document is matched as it is read.
	if got := find(`{"$text": {"$search": "storage"}}`); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("without an index: %v", got)
	}
	if err := c.CreateTextIndex(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if got := find(`{"$text": {"$search": "storage"}}`); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("with the index: %v", got)
	}
	if got := find(`{"$text": {"$search": "storage log"}, "tags": "db"}`); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("with another condition: %v", got)
	}
	if got := find(`{"$text": {"$search": "storage"}}`, "$textScore"); !slices.Equal(got, []string{"c", "a"}) {
		t.Fatalf("by score: %v", got)
	}
	plan, err := c.Explain(ctx, `{"$text": {"$search": "storage"}}`, nil)
	if err != nil || !strings.Contains(strings.Join(plan, "\n"), "FTS Scan") {
		t.Fatalf("EXPLAIN: %v %v", plan, err)
	}
	if _, err := c.Find(ctx, `{"$text": {"$search": 3}}`, nil); err == nil {
		t.Fatal("a non-string $search was accepted")
	}
}
