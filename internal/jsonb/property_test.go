package jsonb

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// randText writes a random JSON document, with odd spacing, duplicate
// keys and numbers in several spellings.
func randText(r *rand.Rand, b *strings.Builder, depth int) {
	k := r.Intn(8)
	if depth > 3 {
		k = r.Intn(5)
	}
	switch k {
	case 0:
		b.WriteString("null")
	case 1:
		b.WriteString([]string{"true", "false"}[r.Intn(2)])
	case 2:
		b.WriteString([]string{`"a"`, `""`, `"b"`, `"\u00e9"`, `"a\nb"`, `"aa"`}[r.Intn(6)])
	case 3, 4:
		b.WriteString([]string{"0", "1", "1.0", "-1", "2.50", "1e2", "100", "-0.001", "12345678901234567890"}[r.Intn(9)])
	case 5, 6:
		b.WriteString("[ ")
		for i := range r.Intn(4) {
			if i > 0 {
				b.WriteString(",")
			}
			randText(r, b, depth+1)
		}
		b.WriteString("]")
	default:
		b.WriteString("{")
		for i := range r.Intn(4) {
			if i > 0 {
				b.WriteString(" , ")
			}
			fmt.Fprintf(b, "%q:", []string{"a", "b", "aa", "", "c"}[r.Intn(5)])
			randText(r, b, depth+1)
		}
		b.WriteString("}")
	}
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// TestRoundTripAndOrder: parse → encode → decode → text → parse gives
// the same document; Compare is a total order that agrees with the sort
// key's bytewise order and with equality of hash keys.
func TestRoundTripAndOrder(t *testing.T) {
	const seed = 20240917
	r := rand.New(rand.NewSource(seed))
	var docs []Doc
	for range 2000 {
		var b strings.Builder
		randText(r, &b, 0)
		d, err := Parse(b.String())
		if err != nil {
			t.Fatalf("seed %d: Parse(%s): %v", seed, b.String(), err)
		}
		dec, err := Decode([]byte(d))
		if err != nil || dec != d {
			t.Fatalf("seed %d: Decode(%s): %v", seed, b.String(), err)
		}
		if again, err := Parse(dec.String()); err != nil || again != d {
			t.Fatalf("seed %d: text round trip of %s: %v", seed, b.String(), err)
		}
		if v, err := Encode(d.Value()); err != nil || v != d {
			t.Fatalf("seed %d: Value round trip of %s: %v", seed, b.String(), err)
		}
		docs = append(docs, d)
	}
	for i := range 20000 {
		a, b := docs[r.Intn(len(docs))], docs[r.Intn(len(docs))]
		c := sign(Compare(a, b))
		if sign(Compare(b, a)) != -c {
			t.Fatalf("seed %d: Compare(%s, %s) not antisymmetric", seed, a, b)
		}
		ka, kb := AppendSortKey(nil, a), AppendSortKey(nil, b)
		if k := sign(bytes.Compare(ka, kb)); k != c {
			t.Fatalf("seed %d #%d: Compare(%s, %s) = %d, sort keys %d", seed, i, a, b, c, k)
		}
		sa, sb := AppendStorageKey(nil, a), AppendStorageKey(nil, b)
		if k := sign(bytes.Compare(sa, sb)); c != 0 && k != c {
			t.Fatalf("seed %d: storage keys of %s, %s order %d, Compare %d", seed, a, b, k, c)
		}
	}
	// Transitivity: after sorting, every adjacent pair is in order.
	slices.SortFunc(docs, Compare)
	for i := 1; i < len(docs); i++ {
		if Compare(docs[i-1], docs[i]) > 0 {
			t.Fatalf("seed %d: sorted order broken at %s, %s", seed, docs[i-1], docs[i])
		}
	}
}

func TestJSONPath(t *testing.T) {
	doc := mustParse(t, `{"a": [1, 2, 3, 4, 5], "o": {"x": "abc", "y": null}, "s": "str", "n": 1.5}`)
	for _, c := range []struct{ path, want string }{
		{`$.a[*] ? (@ > 2)`, `[3, 4, 5]`},
		{`$.a[0]`, `[1]`},
		{`$.a[last]`, `[5]`},
		{`$.a[1 to 2, 4]`, `[2, 3, 5]`},
		{`$.o.*`, `["abc", null]`},
		{`$."o"."x"`, `["abc"]`},
		{`$.s[0]`, `["str"]`},
		{`$.a.x`, `[]`},
		{`$.a ? (@ == 2 || @ == 4)`, `[2, 4]`},
		{`$.a ? (!(@ < 4))`, `[4, 5]`},
		{`$.o ? (exists(@.x))`, `[{"x": "abc", "y": null}]`},
		{`$.o ? (@.y == null).x`, `["abc"]`},
		{`$.o.x ? (@ like_regex "^a.c$")`, `["abc"]`},
		{`$.n * 2`, `[3.0]`},
		{`$.a[*] ? (@ > $.n)`, `[2, 3, 4, 5]`},
		{`$.s == "str"`, `[true]`},
		{`$.s > 1`, `[null]`},
		{`-$.a[0]`, `[-1]`},
	} {
		p, err := ParsePath(c.path)
		if err != nil {
			t.Errorf("ParsePath(%s): %v", c.path, err)
			continue
		}
		items, err := p.Query(doc, "", false)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		var parts []string
		for _, it := range items {
			parts = append(parts, it.String())
		}
		if got := "[" + strings.Join(parts, ", ") + "]"; got != c.want {
			t.Errorf("%s: got %s, want %s", c.path, got, c.want)
		}
	}
	for _, bad := range []string{`$.`, `$[`, `$ ? (@ >`, `$.a )`, `@@`, `"x`} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%s) succeeded", bad)
		}
	}
	strict, _ := ParsePath(`strict $.a.x`)
	if _, err := strict.Query(doc, "", false); err == nil {
		t.Error("strict member access on an array did not fail")
	}
	if items, err := strict.Query(doc, "", true); err != nil || len(items) != 0 {
		t.Errorf("silent: %v %v", items, err)
	}
}
