package jsonb

import (
	"fmt"
	"strings"
	"testing"
)

// benchDoc is a document like the doc-* workloads' (~1 KB): nested
// objects, an array of objects, strings, numbers, booleans.
func benchDoc(i int) string {
	var tags []string
	for j := range 5 {
		tags = append(tags, fmt.Sprintf(`"tag%d"`, (i+j)%17))
	}
	var orders []string
	for j := range 4 {
		orders = append(orders, fmt.Sprintf(`{"sku": "SKU-%06d", "qty": %d, "price": %d.%02d, "shipped": %t}`, i*7+j, j+1, 10+j, i%100, j%2 == 0))
	}
	return fmt.Sprintf(`{"_id": "doc%08d", "name": "Person Number %d", "email": "person%d@example.com", "age": %d, "active": %t,
"address": {"street": "%d Long Street Name", "city": "City%03d", "zip": "%05d", "country": "Norway"},
"tags": [%s], "orders": [%s], "notes": "%s"}`, i, i, i, 18+i%60, i%3 == 0, i, i%200, i%100000,
		strings.Join(tags, ", "), strings.Join(orders, ", "), strings.Repeat("lorem ipsum dolor ", 12))
}

func BenchmarkParse(b *testing.B) {
	docs := make([]string, 64)
	size := 0
	for i := range docs {
		docs[i] = benchDoc(i)
		size += len(docs[i])
	}
	b.SetBytes(int64(size / len(docs)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDocs is 64 of benchDoc's documents, encoded.
func benchDocs(b *testing.B) []Doc {
	docs := make([]Doc, 64)
	for i := range docs {
		d, err := Parse(benchDoc(i))
		if err != nil {
			b.Fatal(err)
		}
		docs[i] = d
	}
	return docs
}

func BenchmarkLeafTerms(b *testing.B) {
	docs := benchDocs(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		LeafTerms(nil, docs[i%len(docs)], TermsByPath)
	}
}

// BenchmarkAppendText is a stored document's text, as a find returns it.
func BenchmarkAppendText(b *testing.B) {
	docs := benchDocs(b)
	size := 0
	for _, d := range docs {
		size += len(d.TextBytes())
	}
	b.SetBytes(int64(size / len(docs)))
	b.ReportAllocs()
	var buf []byte
	for i := 0; b.Loop(); i++ {
		buf = docs[i%len(docs)].AppendText(buf[:0])
	}
}

// BenchmarkDecodeStored is the check of every row a query reads.
func BenchmarkDecodeStored(b *testing.B) {
	docs := benchDocs(b)
	size := 0
	for _, d := range docs {
		size += len(d)
	}
	b.SetBytes(int64(size / len(docs)))
	for i := 0; b.Loop(); i++ {
		if _, err := DecodeStored(string(docs[i%len(docs)])); err != nil {
			b.Fatal(err)
		}
	}
}
