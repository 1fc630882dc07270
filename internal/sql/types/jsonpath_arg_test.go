package types

import (
	"fmt"
	"slices"
	"testing"
)

// TestSimpleTextArray: the fast parse of simple path literals gives what
// the array input function gives, and declines the others.
func TestSimpleTextArray(t *testing.T) {
	conv, ok := CastFunc(Unknown, textArray, CastExplicit)
	if !ok {
		t.Fatal("no cast from unknown to text[]")
	}
	for _, s := range []string{
		`{}`, `{a}`, `{a,b}`, `{"a","b"}`, `{"address","city"}`, `{x,1,a}`, `{"a b","c,d","{e}"}`, `{-1}`, `{"", a}`,
		`{a,NULL}`, `{a,null}`, `{"NULL"}`, `{a, b}`, `{ a}`, `{"a\"b"}`, `{"a\\b"}`, `{a,}`, `{,a}`, `{a,,b}`,
		`{{a}}`, `{"a"b}`, `{"a",}`, `a`, `{a`, `{"a}`, `{é,ü}`, `{a"b}`,
	} {
		got, ok := simpleTextArray(s)
		d, err := conv(NewUnknown(s))
		if !ok {
			continue // the input function's to parse (or reject)
		}
		if err != nil {
			t.Fatalf("%s: fast parse %q, input function: %v", s, got, err)
		}
		var want []string
		for _, e := range d.Array().Elems {
			if e.IsNull() {
				t.Fatalf("%s: fast parse %q, input function has a NULL", s, got)
			}
			want = append(want, e.Str())
		}
		if !slices.Equal(got, want) || got == nil {
			t.Fatalf("%s: fast parse %s, input function %s", s, fmt.Sprintf("%q", got), fmt.Sprintf("%q", want))
		}
	}
	for _, s := range []string{`{a,NULL}`, `{a, b}`, `{"a\"b"}`, `{a,}`, `{{a}}`, `{"a"b}`} {
		if got, ok := simpleTextArray(s); ok {
			t.Fatalf("%s: fast parse took it as %q", s, got)
		}
	}
}
