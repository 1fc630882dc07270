package cairn

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestIndexNamesUnchanged: index names and path literals are built
// without fmt and rune by rune no more, and must still be byte for byte
// what earlier versions made: databases hold indexes by these names.
func TestIndexNamesUnchanged(t *testing.T) {
	oldIndexName := func(coll, path string, unique bool) string {
		h := fnv.New32a()
		h.Write([]byte(path))
		var b strings.Builder
		for _, r := range path {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
			if b.Len() >= 20 {
				break
			}
		}
		suffix := "idx"
		if unique {
			suffix = "key"
		}
		c := coll
		for i := range c {
			if i > 20 {
				c = c[:i]
				break
			}
		}
		return fmt.Sprintf("%s_%s_%08x_%s", c, b.String(), h.Sum32(), suffix)
	}
	oldLiteral := func(comps []string) string {
		var b strings.Builder
		b.WriteString("'{")
		for i, c := range comps {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('"')
			for _, r := range c {
				switch r {
				case '\\', '"':
					b.WriteByte('\\')
				case '\'':
					b.WriteByte('\'')
				}
				b.WriteRune(r)
			}
			b.WriteByte('"')
		}
		b.WriteString("}'")
		return b.String()
	}
	rng := rand.New(rand.NewPCG(3, 9))
	alphabet := []string{"a", "Z", "7", ".", "_", "$", "é", "東", "'", "\"", "\\", " ", "-"}
	word := func() string {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 5000 {
		coll, path := word(), word()
		for _, unique := range []bool{false, true} {
			if got, want := indexName(coll, path, unique), oldIndexName(coll, path, unique); got != want {
				t.Fatalf("indexName(%q, %q, %v) = %q, want %q", coll, path, unique, got, want)
			}
		}
		comps := strings.Split(path, ".")
		if got, want := textArrayLiteral(comps), oldLiteral(comps); got != want {
			t.Fatalf("textArrayLiteral(%q) = %q, want %q", comps, got, want)
		}
	}
}

// BenchmarkWhere is a find's filter compiled to SQL, on a collection with
// an index on the path.
func BenchmarkWhere(b *testing.B) {
	ctx := context.Background()
	c := openMem(b).Collection("docs")
	if _, err := c.Insert(ctx, `{"address": {"city": "x"}}`); err != nil {
		b.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "address.city", false); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, err := c.where(ctx, fmt.Sprintf(`{"address.city": "city-%05d"}`, i%10000)); err != nil {
			b.Fatal(err)
		}
	}
}
