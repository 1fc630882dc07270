package jsonb

import (
	"math/rand"
	"strings"
	"testing"
)

// TestReplaceValueMatchesSet: on random documents, replacing the value at
// a random path gives Set's bytes when every step is an existing object
// key, and declines otherwise (missing keys, array steps, scalars).
func TestReplaceValueMatchesSet(t *testing.T) {
	const seed = 20261126
	r := rand.New(rand.NewSource(seed))
	replaced := 0
	for i := range 20000 {
		var b strings.Builder
		randText(r, &b, 0)
		d, err := Parse(b.String())
		if err != nil {
			t.Fatal(err)
		}
		b.Reset()
		randText(r, &b, 2)
		nv, err := Parse(b.String())
		if err != nil {
			t.Fatal(err)
		}
		// A path through the document's objects, its last step sometimes
		// a key that is not there or a subscript.
		var path []string
		n := d.root()
		objectsOnly := true
		for n.isContainer() && r.Intn(4) != 0 {
			if n[0] == tagArray {
				if n.count() == 0 {
					break
				}
				k := r.Intn(n.count())
				path = append(path, []string{"0", "1", "2"}[k%3])
				n = n.elem(k % 3 % n.count())
				objectsOnly = false
				continue
			}
			if n.count() == 0 || r.Intn(8) == 0 {
				path = append(path, "zz")
				objectsOnly = false
				break
			}
			k := r.Intn(n.count())
			path = append(path, n.key(k))
			n = n.value(k)
		}
		got, ok := ReplaceValue(d, path, nv)
		want := ok && len(path) > 0 && objectsOnly
		if ok != want && !(len(path) > 0 && objectsOnly && d.root()[0] != tagObject) {
			t.Fatalf("%d: ReplaceValue(%s, %q) ok = %v, want %v", i, d, path, ok, want)
		}
		if !ok {
			continue
		}
		replaced++
		set, err := Set(d, path, nil, nv, false)
		if err != nil {
			t.Fatalf("%d: Set(%s, %q): %v", i, d, path, err)
		}
		if got != set {
			t.Fatalf("%d: ReplaceValue(%s, %q, %s) = %s, Set gives %s", i, d, path, nv, got, set)
		}
		if _, err := Decode([]byte(got)); err != nil {
			t.Fatalf("%d: ReplaceValue(%s, %q, %s) is not a valid encoding: %v", i, d, path, nv, err)
		}
	}
	if replaced < 1000 {
		t.Fatalf("only %d of the random cases replaced a value", replaced)
	}
}

func TestReplaceValueDeclines(t *testing.T) {
	d, _ := Parse(`{"a": {"b": [1, {"c": 2}]}, "n": 1}`)
	one, _ := Parse(`7`)
	for _, path := range [][]string{nil, {"x"}, {"a", "x"}, {"a", "b", "0"}, {"a", "b", "1", "c"}, {"n", "x"}} {
		if got, ok := ReplaceValue(d, path, one); ok {
			t.Errorf("ReplaceValue(%q) = %s, true; want false", path, got)
		}
	}
	got, ok := ReplaceValue(d, []string{"a", "b"}, one)
	if !ok || got.String() != `{"a": {"b": 7}, "n": 1}` {
		t.Errorf("ReplaceValue(a.b) = %s, %v", got, ok)
	}
}
