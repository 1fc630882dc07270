package cairn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/jsonb"
)

// The collection API works on documents, filters and updates as a small
// JSON value model rather than map[string]any: objects keep their member
// order (a $sort or $project stage means its keys in the order written),
// and numbers stay decimal text (json.Number), never float64, so 2^60 and
// 0.1 survive a round trip. A value is one of nil, bool, json.Number,
// string, []any or object.

// member is one key/value pair of an object.
type member struct {
	k string
	v any
}

// object is a JSON object in the order its members were written.
type object []member

func (o object) get(k string) (any, bool) {
	for _, m := range o {
		if m.k == k {
			return m.v, true
		}
	}
	return nil, false
}

func (o object) set(k string, v any) object {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, member{k, v})
}

func (o object) del(k string) (object, bool) {
	for i := range o {
		if o[i].k == k {
			return append(o[:i:i], o[i+1:]...), true
		}
	}
	return o, false
}

// errInvalid is SQLSTATE 22023 (invalid parameter value): a filter,
// update or document with a value of the wrong shape.
func errInvalid(format string, args ...any) error {
	return &Error{Code: "22023", Message: fmt.Sprintf(format, args...)}
}

// errSyntax is SQLSTATE 42601: an unknown operator.
func errSyntax(format string, args ...any) error {
	return &Error{Code: "42601", Message: fmt.Sprintf(format, args...)}
}

// toValue turns a caller's document, filter or update into the value
// model: JSON text (json.RawMessage, []byte, string) is parsed, anything
// else goes through encoding/json first (so struct tags apply).
func toValue(x any) (any, error) {
	switch x := x.(type) {
	case nil:
		return nil, nil
	case object:
		return x, nil
	}
	data, err := jsonBytes(x)
	if err != nil {
		return nil, err
	}
	return parseJSON(data)
}

// jsonBytes is x as JSON text: JSON text (json.RawMessage, []byte,
// string) as it is, the value model's objects written out, anything else
// through encoding/json (so struct tags apply).
func jsonBytes(x any) ([]byte, error) {
	switch x := x.(type) {
	case json.RawMessage:
		return x, nil
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	case object:
		return jsonText(x), nil
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, errInvalid("cannot encode %T as JSON: %v", x, err)
	}
	return b, nil
}

// parseJSON parses one JSON value, keeping object member order and
// numbers in canonical form.
func parseJSON(data []byte) (any, error) {
	if utf8.Valid(data) {
		p := valueParser{b: data}
		if v, ok := p.parse(); ok {
			return v, nil
		}
	}
	return decodeJSON(data)
}

// decodeJSON is parseJSON through encoding/json's decoder: the reference
// the fast valueParser must agree with, and what reports malformed input
// (and decodes invalid UTF-8, as U+FFFD).
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, errInvalid("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errInvalid("invalid JSON: data after the value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("unexpected end of input")
		}
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				// JSON with duplicate keys keeps the last, as jsonb does.
				o = o.set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		return canonicalNumber(t)
	}
	return t, nil
}

// valueParser parses well-formed JSON in valid UTF-8 into the value
// model, as decodeJSON does but several times faster: filters and updates
// are parsed on every call. Anything it does not accept (malformed input,
// deep nesting) makes parse report false, and decodeJSON then gives the
// answer, or the error.
type valueParser struct {
	b     []byte
	pos   int
	depth int
}

func (p *valueParser) parse() (any, bool) {
	p.space()
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.pos == len(p.b)
}

func (p *valueParser) space() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *valueParser) value() (any, bool) {
	if p.pos >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	return nil, false
}

func (p *valueParser) literal(word string) bool {
	if end := p.pos + len(word); end > len(p.b) || string(p.b[p.pos:end]) != word {
		return false
	}
	p.pos += len(word)
	return true
}

// enter and leave bound the nesting (encoding/json's own limit is
// higher; past this decodeJSON takes over).
func (p *valueParser) enter() bool {
	p.depth++
	p.pos++
	p.space()
	return p.depth <= 1000
}

func (p *valueParser) object() (any, bool) {
	if !p.enter() {
		return nil, false
	}
	o := object{}
	if p.empty('}') {
		return o, true
	}
	for {
		if p.pos >= len(p.b) || p.b[p.pos] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.space()
		if p.pos >= len(p.b) || p.b[p.pos] != ':' {
			return nil, false
		}
		p.pos++
		p.space()
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		// Duplicate keys keep the last value, as jsonb does.
		o = o.set(k, v)
		if more, ok := p.next('}'); !more {
			return o, ok
		}
	}
}

func (p *valueParser) array() (any, bool) {
	if !p.enter() {
		return nil, false
	}
	a := []any{}
	if p.empty(']') {
		return a, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if more, ok := p.next(']'); !more {
			return a, ok
		}
	}
}

// empty reads the close of a container closed right after it opened.
func (p *valueParser) empty(close byte) bool {
	if p.pos < len(p.b) && p.b[p.pos] == close {
		p.pos++
		p.depth--
		return true
	}
	return false
}

// next reads what follows a member or an element: a comma (more is true)
// or the container's close; anything else is malformed (ok false).
func (p *valueParser) next(close byte) (more, ok bool) {
	p.space()
	if p.pos >= len(p.b) {
		return false, false
	}
	switch p.b[p.pos] {
	case ',':
		p.pos++
		p.space()
		return true, true
	case close:
		p.pos++
		p.depth--
		return false, true
	}
	return false, false
}

// str reads the string literal at pos. One with escapes is decoded by
// encoding/json, whose handling of odd \u escapes (lone surrogates become
// U+FFFD) it must match.
func (p *valueParser) str() (string, bool) {
	start := p.pos
	p.pos++
	escaped := false
	for p.pos < len(p.b) {
		switch c := p.b[p.pos]; {
		case c == '"':
			p.pos++
			if !escaped {
				return string(p.b[start+1 : p.pos-1]), true
			}
			var s string
			if json.Unmarshal(p.b[start:p.pos], &s) != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			escaped = true
			p.pos += 2
		case c < 0x20:
			return "", false
		default:
			p.pos++
		}
	}
	return "", false
}

// number reads a number literal; a plain integer is already in canonical
// form, anything else goes through canonicalNumber.
func (p *valueParser) number() (any, bool) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.b) && '0' <= p.b[p.pos] && p.b[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.b[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	if n := digits(); n == 0 || n > 1 && p.b[intStart] == '0' {
		return nil, false
	}
	plain := true
	if p.pos < len(p.b) && p.b[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, false
		}
		plain = false
	}
	if p.pos < len(p.b) && (p.b[p.pos] == 'e' || p.b[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.b) && (p.b[p.pos] == '+' || p.b[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, false
		}
		plain = false
	}
	text := string(p.b[start:p.pos])
	if plain && text != "-0" {
		return json.Number(text), true
	}
	n, err := canonicalNumber(json.Number(text))
	return n, err == nil
}

// canonicalNumber spells a number the one way cairn stores it: plain
// decimal, no exponent, no trailing fractional zeros (3.0 is 3). Equal
// numbers must be spelled alike because a jsonb index key carries the
// spelling: an index probe for 3 would not find a stored 3.0.
func canonicalNumber(n json.Number) (json.Number, error) {
	d, _, err := apd.NewFromString(string(n))
	if err != nil {
		return "", fmt.Errorf("invalid number %q", string(n))
	}
	if d.Exponent > 1000 || d.Exponent < -1000 {
		return "", fmt.Errorf("number %q is out of range", string(n))
	}
	d.Reduce(d)
	s := d.Text('f')
	if s == "-0" {
		s = "0"
	}
	return json.Number(s), nil
}

// writeJSON appends v's JSON text. Strings are quoted as jsonb prints
// them (PostgreSQL's escapes), not as encoding/json does (no \u003c for
// "<"): the same JSON value, and without encoding/json's reflection per
// string, which was most of an update's cost of writing a document back.
func writeJSON(b *bytes.Buffer, v any) {
	b.Write(appendJSON(b.AvailableBuffer(), v))
}

func appendJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if v {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case json.Number:
		return append(b, v...)
	case string:
		return jsonb.AppendQuoted(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case object:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonb.AppendQuoted(b, m.k)
			b = append(b, ':')
			b = appendJSON(b, m.v)
		}
		return append(b, '}')
	}
	// Unreachable for values built by parseJSON.
	s, _ := json.Marshal(v)
	return append(b, s...)
}

func jsonText(v any) json.RawMessage { return appendJSON(nil, v) }

// toJSONB is v as a jsonb value, as jsonb.Parse of jsonText(v) would
// read it (numbers in NumberText's spelling), without the text in
// between: an update writes its document back so.
func toJSONB(v any) (jsonb.Value, error) {
	switch v := v.(type) {
	case nil:
		return jsonb.NullValue, nil
	case bool:
		return jsonb.BoolValue(v), nil
	case json.Number:
		t, err := jsonb.NumberText(string(v))
		if err != nil {
			return jsonb.Value{}, err
		}
		return jsonb.Value{Kind: jsonb.Number, Str: t}, nil
	case string:
		return jsonb.StringValue(v), nil
	case []any:
		elems := make([]jsonb.Value, len(v))
		for i, e := range v {
			var err error
			if elems[i], err = toJSONB(e); err != nil {
				return jsonb.Value{}, err
			}
		}
		return jsonb.ArrayValue(elems), nil
	case object:
		keys := make([]string, len(v))
		vals := make([]jsonb.Value, len(v))
		for i, m := range v {
			keys[i] = m.k
			var err error
			if vals[i], err = toJSONB(m.v); err != nil {
				return jsonb.Value{}, err
			}
		}
		return jsonb.ObjectValue(keys, vals), nil
	}
	// Unreachable for values built by parseJSON.
	return jsonb.Value{}, fmt.Errorf("cairn: %T in a document value", v)
}

// fromJSONB turns a stored document's value into the value model, as
// parseJSON of its text would (members in jsonb's key order, numbers as
// their canonical text).
func fromJSONB(v jsonb.Value) any {
	switch v.Kind {
	case jsonb.String:
		return v.Str
	case jsonb.Number:
		return json.Number(v.Str)
	case jsonb.Bool:
		return v.Bool
	case jsonb.Array:
		a := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			a[i] = fromJSONB(e)
		}
		return a
	case jsonb.Object:
		o := make(object, len(v.Keys))
		for i, k := range v.Keys {
			o[i] = member{k, fromJSONB(v.Elems[i])}
		}
		return o
	}
	return nil
}

// sortedText is v's JSON text with object keys sorted, so two documents
// that jsonb considers the same (member order aside) compare equal.
func sortedText(v any) string {
	var b bytes.Buffer
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case object:
			o := append(object(nil), v...)
			sort.Slice(o, func(i, j int) bool { return o[i].k < o[j].k })
			b.WriteByte('{')
			for i, m := range o {
				if i > 0 {
					b.WriteByte(',')
				}
				b.Write(jsonb.AppendQuoted(b.AvailableBuffer(), m.k))
				b.WriteByte(':')
				walk(m.v)
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range v {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(e)
			}
			b.WriteByte(']')
		default:
			writeJSON(&b, v)
		}
	}
	walk(v)
	return b.String()
}

// isOperatorObject reports whether v is an object whose keys all start
// with "$" ({"$gt": 1}); a mix of operators and fields is an error.
func isOperatorObject(v any) (object, bool, error) {
	o, ok := v.(object)
	if !ok || len(o) == 0 {
		return nil, false, nil
	}
	ops := 0
	for _, m := range o {
		if strings.HasPrefix(m.k, "$") {
			ops++
		}
	}
	switch ops {
	case 0:
		return nil, false, nil
	case len(o):
		return o, true, nil
	}
	return nil, false, errInvalid("cannot mix operators and fields in %s", jsonText(v))
}

// splitPath splits a dotted path ("a.b.0") into its components.
func splitPath(path string) ([]string, error) {
	if path == "" {
		return nil, errInvalid("empty field path")
	}
	comps := strings.Split(path, ".")
	for _, c := range comps {
		if c == "" {
			return nil, errInvalid("field path %q has an empty component", path)
		}
		if strings.HasPrefix(c, "$") {
			return nil, errInvalid("field path %q has a component starting with '$'", path)
		}
	}
	return comps, nil
}

// arrayIndex reports whether a path component names an array position:
// decimal digits without a leading zero (MongoDB's rule), at most 9 of
// them.
func arrayIndex(c string) (int, bool) {
	if c == "" || len(c) > 9 || (len(c) > 1 && c[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return 0, false
		}
		n = n*10 + int(c[i]-'0')
	}
	return n, true
}
