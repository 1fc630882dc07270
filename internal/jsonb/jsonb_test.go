package jsonb

import (
	"errors"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func mustParse(t testing.TB, s string) Doc {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return d
}

func TestParseFormat(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{`{"a":1,"b":[1,2,"x"]}`, `{"a": 1, "b": [1, 2, "x"]}`},
		{`1.0`, `1.0`},
		{`1e2`, `100`},
		{`1.5e-3`, `0.0015`},
		{`-0`, `0`},
		{`-0.0`, `0.0`},
		{`-1.50E+1`, `-15.0`},
		{`0.1e1`, `1`},
		{`12e-1`, `1.2`},
		// Decimals without an exponent are kept as written, but for a
		// negative zero's sign.
		{`10.42`, `10.42`},
		{`-0.50`, `-0.50`},
		{`-0.000`, `0.000`},
		{`-10.00`, `-10.00`},
		{`0.0015`, `0.0015`},
		{`-7`, `-7`},
		{` [ ] `, `[]`},
		{`{}`, `{}`},
		{`{"bb":1,"a":2,"c":3,"a":4}`, `{"a": 4, "c": 3, "bb": 1}`},
		{`"a\"b\\c\n\u0001\u00e9\ud83d\ude00/"`, `"a\"b\\c\n\u0001é😀/"`},
		{`[null,true,false]`, `[null, true, false]`},
		{`{"a":{"b":{"c":[]}}}`, `{"a": {"b": {"c": []}}}`},
	} {
		d := mustParse(t, c.in)
		if got := d.String(); got != c.out {
			t.Errorf("%s: got %s, want %s", c.in, got, c.out)
		}
		// The encoding survives Decode, and the text round-trips.
		d2, err := Decode([]byte(d))
		if err != nil {
			t.Fatalf("%s: Decode: %v", c.in, err)
		}
		if d2 != d || mustParse(t, c.out) != d {
			t.Errorf("%s: round trip changed the encoding", c.in)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in     string
		code   sqlerr.Code
		detail string
	}{
		{`{"a":}`, sqlerr.InvalidTextRepresentation, `Expected JSON value, but found "}".`},
		{`{"a" 1}`, sqlerr.InvalidTextRepresentation, `Expected ":", but found "1".`},
		{`[1,2`, sqlerr.InvalidTextRepresentation, `The input string ended unexpectedly.`},
		{`[1 2]`, sqlerr.InvalidTextRepresentation, `Expected "," or "]", but found "2".`},
		{`{1:2}`, sqlerr.InvalidTextRepresentation, `Expected string or "}", but found "1".`},
		{`{"a":1,}`, sqlerr.InvalidTextRepresentation, `Expected string, but found "}".`},
		{`[1,]`, sqlerr.InvalidTextRepresentation, `Expected JSON value, but found "]".`},
		{`tru`, sqlerr.InvalidTextRepresentation, `Token "tru" is invalid.`},
		{`01`, sqlerr.InvalidTextRepresentation, `Token "01" is invalid.`},
		{`1.`, sqlerr.InvalidTextRepresentation, `Token "1." is invalid.`},
		{`NaN`, sqlerr.InvalidTextRepresentation, `Token "NaN" is invalid.`},
		{`1 2`, sqlerr.InvalidTextRepresentation, `Expected end of input, but found "2".`},
		{"\"a\nb\"", sqlerr.InvalidTextRepresentation, `Character with value 0x0a must be escaped.`},
		{`"\x"`, sqlerr.InvalidTextRepresentation, `Escape sequence "\x" is invalid.`},
		{`"\u12"`, sqlerr.InvalidTextRepresentation, `"\u" must be followed by four hexadecimal digits.`},
		{`"\ud800"`, sqlerr.InvalidTextRepresentation, `Unicode low surrogate must follow a high surrogate.`},
		{`"\u0000"`, sqlerr.UntranslatableCharacter, `\u0000 cannot be converted to text.`},
		{``, sqlerr.InvalidTextRepresentation, `The input string ended unexpectedly.`},
		{`1e1001`, sqlerr.InvalidTextRepresentation, ``},
	} {
		_, err := Parse(c.in)
		var se *sqlerr.Error
		if !errors.As(err, &se) || se.Code != c.code || se.Detail != c.detail {
			t.Errorf("Parse(%q) = %v (%+v), want %s %q", c.in, err, se, c.code, c.detail)
		}
	}
}

func TestLimits(t *testing.T) {
	deep := ""
	for range MaxDepth {
		deep += "["
	}
	for range MaxDepth {
		deep += "]"
	}
	if _, err := Parse(deep); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	_, err := Parse("[" + deep + "]")
	var se *sqlerr.Error
	if !errors.As(err, &se) || se.Code != sqlerr.ProgramLimitExceeded {
		t.Fatalf("depth %d: %v", MaxDepth+1, err)
	}
	big := make([]byte, MaxSize+1)
	for i := range big {
		big[i] = ' '
	}
	big[0] = '1'
	if _, err := Parse(string(big)); !errors.As(err, &se) || se.Code != sqlerr.ProgramLimitExceeded {
		t.Fatalf("size: %v", err)
	}
}

func TestPretty(t *testing.T) {
	d := mustParse(t, `{"a": [1, {"b": []}, {}], "c": "x"}`)
	want := "{\n    \"a\": [\n        1,\n        {\n            \"b\": [\n            ]\n        },\n        {\n        }\n    ],\n    \"c\": \"x\"\n}"
	if got := d.Pretty(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := mustParse(t, `"x"`).Pretty(); got != `"x"` {
		t.Errorf("scalar: %s", got)
	}
}

func TestAccess(t *testing.T) {
	d := mustParse(t, `{"a": {"b": [10, 20, {"c": "x"}]}, "n": null}`)
	if v, ok := d.Field("a"); !ok || v.String() != `{"b": [10, 20, {"c": "x"}]}` {
		t.Errorf("->a: %v %v", v, ok)
	}
	if _, ok := d.Field("z"); ok {
		t.Error("->z found")
	}
	if v, ok := d.Path([]string{"a", "b", "-1", "c"}); !ok || v.String() != `"x"` {
		t.Errorf("#>: %v %v", v, ok)
	}
	if _, ok := d.Path([]string{"a", "b", "x"}); ok {
		t.Error("#> with a non-integer array step found something")
	}
	if v, _ := d.Field("n"); func() bool { _, ok := v.Text(); return ok }() {
		t.Error("->> of null is not NULL")
	}
}

func TestContains(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1, "b":2}`, `{"b":2}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`[1,2,3]`, `[3,1]`, true},
		{`[1,2,3]`, `[1,1]`, true},
		{`[1,2,[1,3]]`, `[1,3]`, false},
		{`[1,2,[1,3]]`, `[[1,3]]`, true},
		{`{"product": "PostgreSQL", "version": 9.4, "jsonb": true}`, `{"version": 9.4}`, true},
		{`["foo", "bar"]`, `"foo"`, true},
		{`"foo"`, `"foo"`, true},
		{`"foo"`, `["foo"]`, false},
		{`{"a":[1,2]}`, `{"a":[2]}`, true},
		{`{"a":{"b":1}}`, `{"a":[]}`, false},
		{`1.0`, `1`, true},
		{`[{"a":1,"b":2}]`, `[{"a":1}]`, true},
		{`{"a":1}`, `[]`, false},
	} {
		if got := Contains(mustParse(t, c.a), mustParse(t, c.b)); got != c.want {
			t.Errorf("%s @> %s = %v", c.a, c.b, got)
		}
	}
}

func TestEdits(t *testing.T) {
	p := func(s string) Doc { return mustParse(t, s) }
	check := func(name string, d Doc, err error, want string) {
		t.Helper()
		if err != nil {
			if err.Error() != want {
				t.Errorf("%s: %v, want %s", name, err, want)
			}
			return
		}
		if d.String() != want {
			t.Errorf("%s: got %s, want %s", name, d, want)
		}
	}
	d, err := Concat(p(`["a", "b"]`), p(`["a", "d"]`))
	check("concat", d, err, `["a", "b", "a", "d"]`)
	d, err = Concat(p(`{"a": "b"}`), p(`{"c": "d"}`))
	check("concat", d, err, `{"a": "b", "c": "d"}`)
	d, err = Concat(p(`[1, 2]`), p(`3`))
	check("concat", d, err, `[1, 2, 3]`)
	d, err = Concat(p(`{"a": "b"}`), p(`42`))
	check("concat", d, err, `[{"a": "b"}, 42]`)
	d, err = DeleteKey(p(`{"a": "b", "c": "d"}`), "a")
	check("delete", d, err, `{"c": "d"}`)
	d, err = DeleteKey(p(`["a", "b", "c", "b"]`), "b")
	check("delete", d, err, `["a", "c"]`)
	d, err = DeleteKeys(p(`{"a": "b", "c": "d"}`), []string{"a", "c"})
	check("delete", d, err, `{}`)
	d, err = DeleteIndex(p(`["a", "b"]`), 1)
	check("delete", d, err, `["a"]`)
	d, err = DeleteIndex(p(`["a", "b"]`), -1)
	check("delete", d, err, `["a"]`)
	d, err = DeleteIndex(p(`{"a": 1}`), 1)
	check("delete", d, err, `cannot delete from object using integer index`)
	d, err = DeleteKey(p(`1`), "a")
	check("delete", d, err, `cannot delete from scalar`)
	d, err = DeletePath(p(`["a", {"b":1}]`), []string{"1", "b"}, nil)
	check("#-", d, err, `["a", {}]`)
	d, err = Set(p(`[{"f1":1,"f2":null},2,null,3]`), []string{"0", "f1"}, nil, p(`[2,3,4]`), false)
	check("set", d, err, `[{"f1": [2, 3, 4], "f2": null}, 2, null, 3]`)
	d, err = Set(p(`[{"f1":1,"f2":null},2]`), []string{"0", "f3"}, nil, p(`[2,3,4]`), true)
	check("set", d, err, `[{"f1": 1, "f2": null, "f3": [2, 3, 4]}, 2]`)
	d, err = Set(p(`[1,2]`), []string{"-5"}, nil, p(`0`), true)
	check("set", d, err, `[0, 1, 2]`)
	d, err = Set(p(`[1,2]`), []string{"9"}, nil, p(`0`), true)
	check("set", d, err, `[1, 2, 0]`)
	d, err = Set(p(`[1,2]`), []string{"x"}, nil, p(`0`), true)
	check("set", d, err, `path element at position 1 is not an integer: "x"`)
	d, err = Insert(p(`{"a": [0,1,2]}`), []string{"a", "1"}, nil, p(`"new_value"`), false)
	check("insert", d, err, `{"a": [0, "new_value", 1, 2]}`)
	d, err = Insert(p(`{"a": [0,1,2]}`), []string{"a", "1"}, nil, p(`"new_value"`), true)
	check("insert", d, err, `{"a": [0, 1, "new_value", 2]}`)
	d, err = Insert(p(`{"a": 1}`), []string{"a"}, nil, p(`2`), true)
	check("insert", d, err, `cannot replace existing key`)
	d, err = StripNulls(p(`[{"f1":1, "f2":null}, 2, null, 3]`))
	check("strip", d, err, `[{"f1": 1}, 2, null, 3]`)
}
