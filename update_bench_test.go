package cairn

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkUpdateByID is the doc-update workload in small: $inc of one
// field by _id on a collection of 10,000 documents with an index on a
// path and a GIN index, in memory.
func BenchmarkUpdateByID(b *testing.B) {
	ctx := context.Background()
	db := openMem(b)
	c := db.Collection("docs")
	if err := c.CreateIndex(ctx, "address.city", false); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, "CREATE INDEX docs_gin ON docs USING gin (doc)"); err != nil {
		b.Fatal(err)
	}
	const n = 10000
	docs := make([]any, n)
	for i := range docs {
		docs[i] = fmt.Sprintf(`{"_id": "d%05d", "age": %d, "name": "person %d", "address": {"city": "city-%d", "zip": "%05d"}, "tags": ["a%d", "b%d"]}`, i, i%90, i, i%100, i, i%7, i%11)
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("d%05d", (i*7919)%n)
		if m, _, err := c.UpdateOne(ctx, `{"_id": "`+id+`"}`, `{"$inc": {"age": 1}}`); err != nil || m != 1 {
			b.Fatal(m, err)
		}
	}
}
