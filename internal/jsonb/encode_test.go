package jsonb

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// viaTree is Parse the long way: the Value tree, then Encode.
func viaTree(text string) (Doc, error) {
	v, err := ParseValue(text)
	if err != nil {
		return "", err
	}
	return Encode(v)
}

// TestParseDirect: Parse, which encodes as it reads, gives the bytes and
// the errors of parsing into a Value tree and encoding that: for random
// documents (duplicate keys, objects of many keys out of order, nesting,
// escapes, every number spelling randText writes), for those documents
// damaged (a byte cut, changed or inserted), and for edge cases.
func TestParseDirect(t *testing.T) {
	check := func(text string) {
		t.Helper()
		got, gerr := Parse(text)
		want, werr := viaTree(text)
		if fmt.Sprint(gerr) != fmt.Sprint(werr) || got != want {
			t.Fatalf("Parse(%q):\n got %x, %v\nwant %x, %v", text, got, gerr, want, werr)
		}
	}
	r := rand.New(rand.NewSource(11))
	damage := []string{"{", "}", "[", "]", ",", ":", `"`, "\\", " ", "x", "1", "\x01", "\xff"}
	for range 20000 {
		var b strings.Builder
		randText(r, &b, 0)
		text := b.String()
		check(text)
		if len(text) > 0 {
			i := r.Intn(len(text))
			check(text[:i])
			check(text[:i] + damage[r.Intn(len(damage))] + text[i+1:])
			check(text[:i] + damage[r.Intn(len(damage))] + text[i:])
		}
	}
	// Objects wider than the insertion sort's 64 keys, with duplicates.
	var wide strings.Builder
	wide.WriteString("{")
	for i := range 300 {
		if i > 0 {
			wide.WriteString(",")
		}
		fmt.Fprintf(&wide, `"k%d": [%d, {"z": 1, "a": %d}]`, (i*37)%250, i, i)
	}
	wide.WriteString("}")
	check(wide.String())
	for _, text := range []string{``, ` `, `{}`, `[]`, ` { } `, `[[]]`, `{"":{}}`, `"\ud83d\ude00"`, `"\ud83d"`, `-0.0e-3`,
		`[1,]`, `{"a":1,"a":2}`, `{"b":1,"a":2,"b":3,"a":4}`, `{"a" 1}`, `{1:2}`, `[1 2]`, `tru`, `nul`, `01`, `1.`, `[1]x`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
		strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), benchDoc(3)} {
		check(text)
	}
}
