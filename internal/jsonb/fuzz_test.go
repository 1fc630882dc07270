package jsonb

import (
	"bytes"
	"fmt"
	"testing"
)

// FuzzParse: any text either fails to parse with an error or gives a
// document whose printed text parses back to the same encoding, which
// Decode accepts and which equals itself; either way Parse agrees with
// parsing into a Value tree and encoding that.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.50, "x"], "b": {"c": null}}`, `[]`, `"\ud83d\ude00"`, `-0.0e-3`, `[1,]`, `{"a":1,"a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		// The direct encoder gives the tree path's bytes and errors.
		if want, werr := viaTree(s); fmt.Sprint(err) != fmt.Sprint(werr) || d != want {
			t.Fatalf("Parse(%q) = %x, %v; the tree path gives %x, %v", s, d, err, want, werr)
		}
		if err != nil {
			return
		}
		text := d.String()
		d2, err := Parse(text)
		if err != nil {
			t.Fatalf("printed text %q does not parse: %v", text, err)
		}
		if d2 != d {
			t.Fatalf("round trip of %q changed the encoding", s)
		}
		if _, err := Decode([]byte(d)); err != nil {
			t.Fatalf("Decode of Parse(%q): %v", s, err)
		}
		if Compare(d, d) != 0 {
			t.Fatalf("%q does not equal itself", s)
		}
		if _, err := Parse(d.Pretty()); err != nil {
			t.Fatalf("pretty text of %q does not parse: %v", s, err)
		}
	})
}

// FuzzDecode: arbitrary bytes are rejected with an error or accepted as
// the one canonical encoding of their value; either way nothing panics
// or loops.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.50, "x"], "b": {"c": null}}`, `[]`, `"x"`, `1.5`, `[true, false, null]`} {
		d, err := Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(d))
	}
	f.Add([]byte{1, 5, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(d.Value())
		if err != nil {
			t.Fatalf("re-encoding a valid document: %v", err)
		}
		if !bytes.Equal([]byte(again), b) {
			t.Fatalf("valid encoding %x re-encodes as %x", b, again)
		}
		_ = d.String()
		_ = d.Pretty()
		if got, err := DecodeStorageKey(AppendStorageKey(nil, d)); err != nil || got != d {
			t.Fatalf("storage key round trip: %v", err)
		}
	})
}

// FuzzDecodeStored: whatever DecodeStored accepts (which skips the UTF-8,
// canonical-number and key-order checks) can be printed, compared, navigated,
// searched, indexed and edited without a panic or a loop.
func FuzzDecodeStored(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.50, "x"], "b": {"c": null}}`, `[]`, `"x"`, `1.5`, `[true, false, null]`, `{"a": {"b": [1, {"c": -2e5}]}}`} {
		d, err := Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(d))
	}
	other := MustEncode(ObjectValue([]string{"a"}, []Value{{Kind: Number, Str: "1"}}))
	var paths []*JSONPath
	for _, src := range []string{`$.a[*] ? (@ > 1)`, `$.b.c ? (@ == "x")`, `$[*] ? (@.c < -1.5)`} {
		jp, err := ParsePath(src)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, jp)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeStored(string(b))
		if err != nil {
			return
		}
		_, _ = d.String(), d.Pretty()
		_ = d.Value()
		_ = d.TextBytes()
		_, _ = Compare(d, other), Compare(other, d)
		_ = Compare(d, d)
		_ = AppendSortKey(nil, d)
		_, _ = Contains(d, other), Contains(d, d)
		_, _ = Exists(d, "a"), d.Len()
		_, _ = d.Path([]string{"a", "0", "b"})
		_, _ = d.KeyPath([]string{"a", "b"})
		_ = LeafTerms(nil, d, TermsHashed)
		_ = LeafTerms(nil, d, TermsByPath)
		_ = KeyTerms(nil, d)
		_, _ = TermsDiff(d, other, TermsHashed)
		_, _ = TermsDiff(d, other, TermsByPath)
		_, _ = ReplaceValue(d, []string{"a"}, other)
		_, _ = Concat(d, other)
		_, _ = StripNulls(d)
		_, _ = Set(d, []string{"a"}, []bool{false}, other, true)
		_, _ = Each(d)
		_, _ = EachText(d)
		_, _ = ArrayElementsText(d)
		for _, jp := range paths {
			_, _ = jp.Query(d, "", true)
			_, _, _ = jp.Exists(d, "", true)
		}
	})
}

// FuzzParsePath: any text either fails to parse with an error or
// compiles to a path that runs over a document, in both modes, without
// a panic or a loop.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{`$.a[*] ? (@ > 1)`, `strict $.a.size()`, `$.keyvalue().key`, `$[last - 1 to last]`,
		`$ ? (@ starts with "x")`, `$.a ? ((@.b == 1) is unknown)`, `$.a.double() * 2`, `$[*].type()`, `-$.a.abs().floor()`,
		`$.* ? (exists (@.x ? (@ like_regex "^a" flag "i")))`} {
		f.Add(s)
	}
	doc, err := Parse(`{"a": [1, "x", -2.5, {"b": 1}, [true, null]], "b": {"c": "xyz"}, "size": 3}`)
	if err != nil {
		f.Fatal(err)
	}
	vars, err := Parse(`{"p": "x", "n": 2}`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		jp, err := ParsePath(src)
		if err != nil {
			return
		}
		_, _ = jp.Query(doc, vars, false)
		_, _ = jp.Query(doc, vars, true)
		_, _, _ = jp.Exists(doc, "", true)
		_, _, _ = jp.Match(doc, vars, true)
	})
}
