package cairn

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/jsonb"
)

// parseCases are JSON texts, well-formed or not, that the fast parser must
// read as encoding/json does (or leave to it).
var parseCases = []string{
	`{}`, `[]`, ` { } `, `{"a":1}`, `{"a": {"b": [1, 2.50, -0, -0.0, 1e3, 1E-2, 0.1e1, -12]}}`,
	`{"a": 1, "a": 2, "b": 3, "a": 4}`, `"x"`, `"a\"b\\c\/d\n\t\u00e9\ud83d\ude00"`, `"\ud800"`,
	`"\u0000"`, `true`, `false`, `null`, `[true,false,null,"",{}]`, `123456789012345678901234567890`,
	`0.000000000001`, `1.5e300`, `1e1001`, `{"$inc": {"age": 1}}`, `{"_id": "doc-000123"}`,
	`{"a":[{"b":{"c":[[],[{}]]}}]}`, "\t\n\r {\"k\"\n:\r\"v\"\t}\n",
	// Malformed: decodeJSON's errors.
	``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1 2]`, `01`, `-`, `1.`, `.5`, `1e`,
	`1e+`, `+1`, `tru`, `truex`, `nul`, `"abc`, "\"a\x01b\"", `"\x"`, `"\u12"`, `{"a":1}x`, `[1]]`,
	"\"\xff\"", "{\"\xfe\": 1}", `NaN`, `[1,2`, `{"a":{"b":}}`,
}

func TestValueParserMatchesDecoder(t *testing.T) {
	check := func(text string) {
		t.Helper()
		want, wantErr := decodeJSON([]byte(text))
		got, err := parseJSON([]byte(text))
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("parseJSON(%q) error %v, encoding/json %v", text, err, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parseJSON(%q) = %#v, encoding/json %#v", text, got, want)
		}
	}
	for _, c := range parseCases {
		check(c)
	}
	// The fast path itself handles the well-formed cases (else this test
	// would only compare decodeJSON with itself).
	for _, c := range []string{`{"a": 1, "a": 2}`, `[1.50, -0, 1e3]`, `"\u00e9"`, `{"x": [true, null]}`} {
		p := valueParser{b: []byte(c)}
		if _, ok := p.parse(); !ok {
			t.Errorf("the fast parser gave up on %q", c)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		text := randomJSON(rng, 0)
		check(text)
		// And damaged: a byte dropped, changed or the text cut short.
		b := []byte(text)
		if len(b) > 0 {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b = append(b[:i:i], b[i+1:]...)
			case 1:
				b[i] = "{}[]\",:0-e.\\ ax"[rng.IntN(15)]
			default:
				b = b[:i]
			}
		}
		check(string(b))
	}
}

func randomJSON(rng *rand.Rand, depth int) string {
	ws := func() string { return []string{"", " ", "\n\t", ""}[rng.IntN(4)] }
	n := rng.IntN(10)
	if depth > 4 {
		n = rng.IntN(6) + 4
	}
	switch n {
	case 0, 1:
		var parts []string
		for range rng.IntN(4) {
			parts = append(parts, ws()+randomString(rng)+ws()+":"+ws()+randomJSON(rng, depth+1))
		}
		return "{" + strings.Join(parts, ",") + ws() + "}"
	case 2, 3:
		var parts []string
		for range rng.IntN(4) {
			parts = append(parts, ws()+randomJSON(rng, depth+1)+ws())
		}
		return "[" + strings.Join(parts, ",") + "]"
	case 4, 5:
		return randomString(rng)
	case 6, 7:
		return []string{"0", "-0", "7", "-12", "1.50", "3.0", "2e2", "-1.5E-3", "100", "0.0", "12345678901234567890"}[rng.IntN(11)]
	}
	return []string{"true", "false", "null"}[rng.IntN(3)]
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteByte('"')
	for range rng.IntN(6) {
		b.WriteString([]string{"a", "é", "_id", `\"`, `\\`, `\n`, `\u0041`, `\ud83d\ude00`, " ", "$", "k"}[rng.IntN(11)])
	}
	b.WriteByte('"')
	return fmt.Sprint(b.String())
}

// TestJSONTextRoundTrips: jsonText writes what parseJSON reads back.
func TestJSONTextRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		v, err := parseJSON([]byte(randomJSON(rng, 0)))
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseJSON(jsonText(v))
		if err != nil || !reflect.DeepEqual(back, v) {
			t.Fatalf("%s read back as %#v (%v), want %#v", jsonText(v), back, err, v)
		}
	}
}

// TestToJSONBMatchesParse: a value encoded directly is the document
// jsonb.Parse makes of its text.
func TestToJSONBMatchesParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for range 3000 {
		v, err := parseJSON([]byte(randomJSON(rng, 0)))
		if err != nil {
			t.Fatal(err)
		}
		want, werr := jsonb.Parse(string(jsonText(v)))
		jv, err := toJSONB(v)
		var got jsonb.Doc
		if err == nil {
			got, err = jsonb.Encode(jv)
		}
		if (err == nil) != (werr == nil) || got != want {
			t.Fatalf("%s: toJSONB gives %q (%v), Parse %q (%v)", jsonText(v), got, err, want, werr)
		}
	}
	for _, n := range []string{"1e2", "1.50", "-0", "0.000", "12345678901234567890.10"} {
		v := object{{"n", json.Number(n)}, {"b", object{{"z", true}, {"a", nil}}}}
		want, _ := jsonb.Parse(string(jsonText(v)))
		jv, _ := toJSONB(v)
		if got, err := jsonb.Encode(jv); err != nil || got != want {
			t.Fatalf("%s: %q, want %q (%v)", jsonText(v), got, want, err)
		}
	}
}
