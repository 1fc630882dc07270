package jsonb

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// TestTermsCoverContainment checks the property the inverted index
// relies on: when a @> b, every leaf term of b is one of a's, and when
// a ? k, k's key term is one of a's. Documents are small and drawn from
// few keys and values, so containment is common.
func TestTermsCoverContainment(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	gen := func() Doc {
		var b strings.Builder
		randText(r, &b, 1)
		return mustParse(t, b.String())
	}
	set := func(terms [][]byte) map[string]bool {
		m := map[string]bool{}
		for _, x := range terms {
			if len(x) != TermSize {
				t.Fatalf("term of %d bytes", len(x))
			}
			m[string(x)] = true
		}
		return m
	}
	contained, existed := 0, 0
	for range 20000 {
		a, b := gen(), gen()
		if Contains(a, b) {
			contained++
			for _, layout := range []TermLayout{TermsHashed, TermsByPath} {
				have := set(LeafTerms(nil, a, layout))
				for _, x := range LeafTerms(nil, b, layout) {
					if !have[string(x)] {
						t.Fatalf("%s @> %s, but the leaf term %x (layout %d) of the right is not among the left's", a, b, x, layout)
					}
				}
			}
		}
		keys := set(KeyTerms(nil, a))
		for _, k := range []string{"a", "b", "aa", "", "c"} {
			if Exists(a, k) {
				existed++
				if !keys[string(KeyTerm(k))] {
					t.Fatalf("%s ? %q, but its key term is missing", a, k)
				}
			}
		}
	}
	if contained < 1000 || existed < 1000 {
		t.Fatalf("too few positive cases: %d containments, %d existences", contained, existed)
	}
	// Equal numbers in different spellings give one term.
	if x, y := LeafTerms(nil, mustParse(t, `{"a": 1.0}`), TermsByPath), LeafTerms(nil, mustParse(t, `{"a": 1}`), TermsByPath); string(x[0]) != string(y[0]) {
		t.Fatal("1.0 and 1 have different leaf terms")
	}
}

// TestLeafTermsStable: leaf terms are stored in indexes, so their hashes
// must not change: LeafTerms equals the first implementation (path and
// sort key of each scalar as a document of its own, hashed afresh) on
// random documents, in TermsHashed layout, and in TermsByPath the path's
// hash's first 16 bits and that hash's first 48.
func TestLeafTermsStable(t *testing.T) {
	reference := func(d Doc, layout TermLayout) [][]byte {
		var dst [][]byte
		seen := map[uint64]bool{}
		var walk func(h *xxhash.Digest, path []byte, n node)
		walk = func(h *xxhash.Digest, path []byte, n node) {
			switch {
			case n[0] == tagObject:
				for i := range n.count() {
					p := append(append(append(path[:len(path):len(path)], 'k'), n.key(i)...), 0)
					walk(h, p, n.value(i))
				}
			case n[0] == tagArray:
				for i := range n.count() {
					walk(h, path, n.elem(i))
				}
			default:
				h.Reset()
				h.Write(path)
				h.Write([]byte{1})
				h.Write(AppendSortKey(nil, docOf(n)))
				sum := h.Sum64()
				if layout == TermsByPath {
					sum = xxhash.Sum64(path)>>48<<48 | sum>>16
				}
				if !seen[sum] {
					seen[sum] = true
					dst = append(dst, term('v', sum))
				}
			}
		}
		walk(xxhash.New(), nil, d.root())
		return dst
	}
	r := rand.New(rand.NewSource(2))
	for range 5000 {
		var b strings.Builder
		randText(r, &b, 1)
		d := mustParse(t, b.String())
		for _, layout := range []TermLayout{TermsHashed, TermsByPath} {
			if got, want := LeafTerms(nil, d, layout), reference(d, layout); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: leaf terms (layout %d)\n got %x\nwant %x", d, layout, got, want)
			}
		}
	}
	d := mustParse(t, `{"a": {"b": [1, "x", {"c": null}], "d": true}, "e": [[2.50]]}`)
	for _, layout := range []TermLayout{TermsHashed, TermsByPath} {
		if got, want := LeafTerms(nil, d, layout), reference(d, layout); fmt.Sprint(got) != fmt.Sprint(want) || len(got) != 5 {
			t.Fatalf("%s: leaf terms (layout %d)\n got %x\nwant %x", d, layout, got, want)
		}
	}
	// By path, the terms of a path share their first 16 bits.
	byPath := LeafTerms(nil, mustParse(t, `{"a": {"b": [1, "x", 2.5, true]}, "c": 1}`), TermsByPath)
	if string(byPath[0][:3]) != string(byPath[3][:3]) || string(byPath[0][:3]) == string(byPath[4][:3]) {
		t.Fatalf("terms by path %x: a.b's do not share their group, or c's does", byPath)
	}
}

// TestTermsDiff: the difference TermsDiff returns is the set difference
// of the two documents' terms as LeafTerms and KeyTerms list them, on
// random pairs that are often alike (a document and an edit of it).
func TestTermsDiff(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	gen := func() Doc {
		var b strings.Builder
		randText(r, &b, 0)
		d, err := Parse(b.String())
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	set := func(d Doc, layout TermLayout) map[string]bool {
		m := map[string]bool{}
		for _, x := range KeyTerms(LeafTerms(nil, d, layout), d) {
			m[string(x)] = true
		}
		return m
	}
	minus := func(a, b map[string]bool) []string {
		var out []string
		for x := range a {
			if !b[x] {
				out = append(out, x)
			}
		}
		slices.Sort(out)
		return out
	}
	strs := func(ts [][]byte) []string {
		out := []string{}
		for _, x := range ts {
			out = append(out, string(x))
		}
		slices.Sort(out)
		return out
	}
	changed := 0
	for range 3000 {
		a := gen()
		b := gen()
		if r.Intn(3) > 0 {
			// An edit: a member at a random depth set to another value.
			var path []string
			for n := a.root(); n[0] == tagObject && n.count() > 0 && (len(path) == 0 || r.Intn(3) > 0); {
				i := r.Intn(n.count())
				path = append(path, n.key(i))
				n = n.value(i)
			}
			if len(path) > 0 {
				var err error
				if b, err = Set(a, path, make([]bool, len(path)), gen(), true); err != nil {
					t.Fatal(err)
				}
			}
		}
		layout := TermLayout(r.Intn(2))
		removed, added := TermsDiff(a, b, layout)
		sa, sb := set(a, layout), set(b, layout)
		if want, got := minus(sa, sb), strs(removed); !slices.Equal(want, got) && !(len(want) == 0 && len(got) == 0) {
			t.Fatalf("TermsDiff(%s, %s) removed %x, want %x", a.String(), b.String(), got, want)
		}
		if want, got := minus(sb, sa), strs(added); !slices.Equal(want, got) && !(len(want) == 0 && len(got) == 0) {
			t.Fatalf("TermsDiff(%s, %s) added %x, want %x", a.String(), b.String(), got, want)
		}
		if len(removed)+len(added) > 0 {
			changed++
		}
	}
	if changed < 1000 {
		t.Fatalf("only %d of 3000 pairs differ: the test is too easy", changed)
	}
}
