package cairn

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkFindEq is the doc-find-eq workload in small: Find by an
// indexed path matching 10 documents of about 1 KB, of a collection of
// 20,000, in memory; every document's text is read. As in the bench,
// VACUUM after the load: the documents are read from tables, not the
// memtable.
func BenchmarkFindEq(b *testing.B) {
	ctx := context.Background()
	db := openMem(b)
	c := db.Collection("docs")
	if err := c.CreateIndex(ctx, "address.city", false); err != nil {
		b.Fatal(err)
	}
	const n, perCity = 20000, 10
	bio := strings.Repeat("lorem ipsum dolor sit amet ", 30)
	docs := make([]any, 0, 1000)
	for i := range n {
		docs = append(docs, fmt.Sprintf(`{"_id": "u%06d", "name": "ann berg", "email": "ann.%d@example.com", "age": %d, "active": true, `+
			`"address": {"street": "%d Elm St", "city": "city-%05d", "zip": "%05d"}, "tags": ["t%d", "t%d"], `+
			`"orders": [{"sku": "sku-%05d", "qty": 3, "price": 12.5}], "bio": "%s"}`,
			i, i, 18+i%60, i%200, i%(n/perCity), i%977, i%100, i%37, i, bio))
		if len(docs) == cap(docs) {
			if _, err := c.InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	if _, err := db.Exec(ctx, "VACUUM"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var bytes int
	for i := 0; b.Loop(); i++ {
		cur, err := c.Find(ctx, fmt.Sprintf(`{"address.city": "city-%05d"}`, (i*7919)%(n/perCity)), nil)
		if err != nil {
			b.Fatal(err)
		}
		k := 0
		for cur.Next(ctx) {
			bytes += len(cur.Raw())
			k++
		}
		if err := cur.Err(); err != nil || k != perCity {
			b.Fatal(k, err)
		}
		cur.Close()
	}
	_ = bytes
}
