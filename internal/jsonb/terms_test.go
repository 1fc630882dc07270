package jsonb

import (
	"math/rand"
	"strings"
	"testing"
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
			have := set(LeafTerms(nil, a))
			for _, x := range LeafTerms(nil, b) {
				if !have[string(x)] {
					t.Fatalf("%s @> %s, but the leaf term %x of the right is not among the left's", a, b, x)
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
	if x, y := LeafTerms(nil, mustParse(t, `{"a": 1.0}`)), LeafTerms(nil, mustParse(t, `{"a": 1}`)); string(x[0]) != string(y[0]) {
		t.Fatal("1.0 and 1 have different leaf terms")
	}
}
