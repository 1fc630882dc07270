package jsonb

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cockroachdb/apd/v3"
)

// JSONPath is a compiled SQL/JSON path expression: the subset of
// PostgreSQL's jsonpath made of $, @, $variables, .key, ."quoted key",
// .*, [n], [n to m], [last], [*], filters ? (...) with == != <> < <= > >=
// && || !, exists(...), like_regex, starts with, (...) is unknown, + - *
// / % on numbers, the item methods .type() .size() .double() .ceiling()
// .floor() .abs() .keyvalue(), and string, number, true, false and null
// literals; lax (the default) or strict mode. .datetime() is refused
// (0A000).
type JSONPath struct {
	strict bool
	root   *pathExpr
}

type exprKind uint8

const (
	exRoot     exprKind = iota // $
	exCurrent                  // @
	exVar                      // $name
	exLiteral                  // lit
	exLast                     // last
	exKey                      // base.key
	exAnyKey                   // base.*
	exIndex                    // base[subs]
	exAnyIndex                 // base[*]
	exFilter                   // base ? (pred)
	exCompare                  // l op r
	exAnd
	exOr
	exNot
	exExists
	exLikeRegex
	exArith
	exNeg
	exStartsWith // l starts with r
	exIsUnknown  // (l) is unknown
	exMethod     // base.name()
)

// pathMethods are the item methods PostgreSQL 15's jsonpath has.
var pathMethods = map[string]bool{
	"type": true, "size": true, "double": true, "ceiling": true, "floor": true,
	"abs": true, "keyvalue": true, "datetime": true,
}

type pathExpr struct {
	kind   exprKind
	base   *pathExpr // accessor's input, nil for the chain's start
	l, r   *pathExpr
	op     string
	name   string // key or variable name
	lit    Value
	subs   [][2]*pathExpr // index subscripts; [1] is the "to" bound or nil
	re     *regexp.Regexp
	strict bool
}

func pathSyntax(src string, pos int, near string) error {
	if near == "" {
		return sqlerr.New(sqlerr.SyntaxError, "syntax error at end of jsonpath input").
			WithDetail("at character %d of %q", utf8.RuneCountInString(src[:pos])+1, src)
	}
	return sqlerr.New(sqlerr.SyntaxError, "syntax error at or near \"%s\" of jsonpath input", near).
		WithDetail("at character %d of %q", utf8.RuneCountInString(src[:pos])+1, src)
}

// ParsePath compiles a jsonpath. Syntax errors are 42601, with the
// character position within the path in the detail.
func ParsePath(src string) (*JSONPath, error) {
	p := &pathParser{src: src}
	p.next()
	jp := &JSONPath{}
	if p.tok == "lax" || p.tok == "strict" {
		jp.strict = p.tok == "strict"
		p.next()
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.tok != "" || p.err != nil {
		return nil, p.fail()
	}
	jp.root = e
	return jp, nil
}

type pathParser struct {
	src      string
	pos      int // after the current token
	tokStart int
	tok      string // current token ("" at end); strings are kinded below
	isStr    bool
	str      string // a string token's value
	err      error
}

func (p *pathParser) fail() error {
	if p.err != nil {
		return p.err
	}
	return pathSyntax(p.src, p.tokStart, p.tok)
}

// next reads a token: punctuation, a word (letters, digits, _), a
// number, a "string", or $ followed by a word.
func (p *pathParser) next() {
	p.isStr = false
	for p.pos < len(p.src) && strings.IndexByte(" \t\n\r\f", p.src[p.pos]) >= 0 {
		p.pos++
	}
	p.tokStart = p.pos
	if p.pos >= len(p.src) {
		p.tok = ""
		return
	}
	s := p.src[p.pos:]
	for _, op := range []string{"==", "!=", "<>", "<=", ">=", "&&", "||"} {
		if strings.HasPrefix(s, op) {
			p.tok, p.pos = op, p.pos+2
			return
		}
	}
	c := s[0]
	switch {
	case c == '"':
		v, n, err := pathString(s)
		if err != nil {
			p.err = err
			p.tok, p.pos = s[:1], len(p.src)
			return
		}
		p.tok, p.str, p.isStr, p.pos = s[:n], v, true, p.pos+n
		return
	case c >= '0' && c <= '9':
		n := 0
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.' && n+1 < len(s) && s[n+1] >= '0' && s[n+1] <= '9') {
			n++
		}
		if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
			m := n + 1
			if m < len(s) && (s[m] == '+' || s[m] == '-') {
				m++
			}
			if m < len(s) && s[m] >= '0' && s[m] <= '9' {
				for m < len(s) && s[m] >= '0' && s[m] <= '9' {
					m++
				}
				n = m
			}
		}
		p.tok, p.pos = s[:n], p.pos+n
		return
	case c == '$' || isPathWord(c):
		n := 1
		for n < len(s) && isPathWord(s[n]) {
			n++
		}
		p.tok, p.pos = s[:n], p.pos+n
		return
	}
	_, size := utf8.DecodeRuneInString(s)
	p.tok, p.pos = s[:size], p.pos+size
}

func isPathWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// pathString reads a double-quoted jsonpath string with JSON escapes.
func pathString(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				break
			}
			i++
			switch e := s[i]; e {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			case 'u':
				if i+4 >= len(s) {
					return "", 0, sqlerr.New(sqlerr.SyntaxError, "invalid Unicode escape sequence in jsonpath input")
				}
				v, err := strconv.ParseUint(s[i+1:i+5], 16, 32)
				if err != nil {
					return "", 0, sqlerr.New(sqlerr.SyntaxError, "invalid Unicode escape sequence in jsonpath input")
				}
				b.WriteRune(rune(v))
				i += 4
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, sqlerr.New(sqlerr.SyntaxError, "unterminated quoted string in jsonpath input")
}

func (p *pathParser) expect(tok string) error {
	if p.tok != tok || p.isStr {
		return p.fail()
	}
	p.next()
	return nil
}

func (p *pathParser) or() (*pathExpr, error) {
	l, err := p.and()
	for err == nil && p.tok == "||" {
		p.next()
		var r *pathExpr
		if r, err = p.and(); err == nil {
			l = &pathExpr{kind: exOr, l: l, r: r}
		}
	}
	return l, err
}

func (p *pathParser) and() (*pathExpr, error) {
	l, err := p.not()
	for err == nil && p.tok == "&&" {
		p.next()
		var r *pathExpr
		if r, err = p.not(); err == nil {
			l = &pathExpr{kind: exAnd, l: l, r: r}
		}
	}
	return l, err
}

func (p *pathParser) not() (*pathExpr, error) {
	if p.tok == "!" && !p.isStr {
		p.next()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &pathExpr{kind: exNot, l: x}, nil
	}
	return p.compare()
}

func (p *pathParser) compare() (*pathExpr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	switch {
	case p.isStr:
	case p.tok == "==" || p.tok == "!=" || p.tok == "<>" || p.tok == "<" || p.tok == "<=" || p.tok == ">" || p.tok == ">=":
		op := p.tok
		if op == "<>" {
			op = "!="
		}
		p.next()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &pathExpr{kind: exCompare, op: op, l: l, r: r}, nil
	case p.tok == "starts":
		p.next()
		if p.tok != "with" || p.isStr {
			return nil, p.fail()
		}
		p.next()
		var r *pathExpr
		switch {
		case p.isStr:
			r = &pathExpr{kind: exLiteral, lit: StringValue(p.str)}
		case strings.HasPrefix(p.tok, "$") && len(p.tok) > 1:
			r = &pathExpr{kind: exVar, name: p.tok[1:]}
		default:
			return nil, p.fail()
		}
		p.next()
		return &pathExpr{kind: exStartsWith, l: l, r: r}, nil
	case p.tok == "like_regex":
		p.next()
		if !p.isStr {
			return nil, p.fail()
		}
		pattern := p.str
		p.next()
		flags := ""
		if p.tok == "flag" && !p.isStr {
			p.next()
			if !p.isStr {
				return nil, p.fail()
			}
			flags = p.str
			p.next()
		}
		prefix := ""
		for _, f := range flags {
			switch f {
			case 'i', 's', 'm':
				prefix += string(f)
			case 'q':
				pattern = regexp.QuoteMeta(pattern)
			case 'x':
			default:
				return nil, sqlerr.New(sqlerr.SyntaxError, "invalid input syntax for type jsonpath").
					WithDetail("Unrecognized flag character \"%c\" in LIKE_REGEX predicate.", f)
			}
		}
		if prefix != "" {
			pattern = "(?" + prefix + ")" + pattern
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, sqlerr.New(sqlerr.InvalidRegularExpression, "invalid regular expression: %v", err)
		}
		return &pathExpr{kind: exLikeRegex, l: l, re: re}, nil
	}
	return l, nil
}

func (p *pathParser) additive() (*pathExpr, error) {
	l, err := p.multiplicative()
	for err == nil && !p.isStr && (p.tok == "+" || p.tok == "-") {
		op := p.tok
		p.next()
		var r *pathExpr
		if r, err = p.multiplicative(); err == nil {
			l = &pathExpr{kind: exArith, op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *pathParser) multiplicative() (*pathExpr, error) {
	l, err := p.unary()
	for err == nil && !p.isStr && (p.tok == "*" || p.tok == "/" || p.tok == "%") {
		op := p.tok
		p.next()
		var r *pathExpr
		if r, err = p.unary(); err == nil {
			l = &pathExpr{kind: exArith, op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *pathParser) unary() (*pathExpr, error) {
	if !p.isStr && (p.tok == "-" || p.tok == "+") {
		neg := p.tok == "-"
		p.next()
		x, err := p.unary()
		if err != nil || !neg {
			return x, err
		}
		return &pathExpr{kind: exNeg, l: x}, nil
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	return p.accessors(x)
}

func (p *pathParser) primary() (*pathExpr, error) {
	if p.isStr {
		e := &pathExpr{kind: exLiteral, lit: StringValue(p.str)}
		p.next()
		return e, nil
	}
	tok := p.tok
	switch {
	case tok == "$":
		p.next()
		return &pathExpr{kind: exRoot}, nil
	case tok == "@":
		p.next()
		return &pathExpr{kind: exCurrent}, nil
	case strings.HasPrefix(tok, "$"):
		p.next()
		return &pathExpr{kind: exVar, name: tok[1:]}, nil
	case tok == "true" || tok == "false":
		p.next()
		return &pathExpr{kind: exLiteral, lit: BoolValue(tok == "true")}, nil
	case tok == "null":
		p.next()
		return &pathExpr{kind: exLiteral, lit: NullValue}, nil
	case tok == "last":
		p.next()
		return &pathExpr{kind: exLast}, nil
	case tok == "exists":
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return &pathExpr{kind: exExists, l: x}, nil
	case tok == "(":
		p.next()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		if p.tok == "is" && !p.isStr && isPredicate(x) {
			p.next()
			if p.tok != "unknown" || p.isStr {
				return nil, p.fail()
			}
			p.next()
			return &pathExpr{kind: exIsUnknown, l: x}, nil
		}
		return x, nil
	case tok != "" && tok[0] >= '0' && tok[0] <= '9':
		n, err := NumberText(tok)
		if err != nil {
			return nil, p.fail()
		}
		p.next()
		return &pathExpr{kind: exLiteral, lit: Value{Kind: Number, Str: n}}, nil
	}
	return nil, p.fail()
}

func (p *pathParser) accessors(x *pathExpr) (*pathExpr, error) {
	for !p.isStr {
		switch p.tok {
		case ".":
			// A key may be any word, keywords included, or a string.
			p.next()
			switch {
			case p.isStr:
				x = &pathExpr{kind: exKey, base: x, name: p.str}
			case p.tok == "*":
				x = &pathExpr{kind: exAnyKey, base: x}
			case p.tok != "" && isPathWord(p.tok[0]) && !(p.tok[0] >= '0' && p.tok[0] <= '9'):
				name := p.tok
				p.next()
				if p.tok != "(" || p.isStr {
					x = &pathExpr{kind: exKey, base: x, name: name}
					continue
				}
				// A word followed by ( is an item method call.
				if !pathMethods[name] {
					return nil, p.fail()
				}
				if name == "datetime" {
					return nil, sqlerr.New(sqlerr.FeatureNotSupported, "jsonpath item method .datetime() is not supported")
				}
				p.next()
				if err := p.expect(")"); err != nil {
					return nil, err
				}
				x = &pathExpr{kind: exMethod, base: x, name: name}
				continue
			default:
				return nil, p.fail()
			}
			p.next()
		case "[":
			p.next()
			if p.tok == "*" && !p.isStr {
				p.next()
				if err := p.expect("]"); err != nil {
					return nil, err
				}
				x = &pathExpr{kind: exAnyIndex, base: x}
				continue
			}
			e := &pathExpr{kind: exIndex, base: x}
			for {
				from, err := p.additive()
				if err != nil {
					return nil, err
				}
				var to *pathExpr
				if p.tok == "to" && !p.isStr {
					p.next()
					if to, err = p.additive(); err != nil {
						return nil, err
					}
				}
				e.subs = append(e.subs, [2]*pathExpr{from, to})
				if p.tok == "," && !p.isStr {
					p.next()
					continue
				}
				if err := p.expect("]"); err != nil {
					return nil, err
				}
				break
			}
			x = e
		case "?":
			p.next()
			if err := p.expect("("); err != nil {
				return nil, err
			}
			pred, err := p.or()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			x = &pathExpr{kind: exFilter, base: x, l: pred}
		default:
			return x, nil
		}
	}
	return x, nil
}

// Evaluation.

type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

type pathEval struct {
	kvObjects int // objects keyvalue() has numbered
	strict    bool
	root      Value
	vars      Value
	hasVar    bool
}

// jsonPathError is a structural error that lax mode, or silent, hides.
func jsonPathError(code sqlerr.Code, format string, args ...any) error {
	return sqlerr.New(code, format, args...)
}

// Query is jsonb_path_query: every item the path yields. silent
// suppresses the structural and type errors strict mode raises (missing
// keys, subscripts out of range, comparisons of a string to a number).
func (jp *JSONPath) Query(doc, vars Doc, silent bool) ([]Doc, error) {
	items, err := jp.run(doc, vars)
	if err != nil {
		if silent && isSuppressible(err) {
			return nil, nil
		}
		return nil, err
	}
	out := make([]Doc, len(items))
	for i, it := range items {
		if out[i], err = Encode(it); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Exists is jsonb_path_exists; known is false when the answer is SQL
// NULL (an error under silent).
func (jp *JSONPath) Exists(doc, vars Doc, silent bool) (ok, known bool, err error) {
	items, err := jp.run(doc, vars)
	if err != nil {
		if silent && isSuppressible(err) {
			return false, false, nil
		}
		return false, false, err
	}
	return len(items) > 0, true, nil
}

// Match is jsonb_path_match: the path must yield one boolean (or null,
// which is SQL NULL).
func (jp *JSONPath) Match(doc, vars Doc, silent bool) (ok, known bool, err error) {
	items, err := jp.run(doc, vars)
	if err != nil {
		if silent && isSuppressible(err) {
			return false, false, nil
		}
		return false, false, err
	}
	if len(items) == 1 {
		switch items[0].Kind {
		case Bool:
			return items[0].Bool, true, nil
		case Null:
			return false, false, nil
		}
	}
	if silent {
		return false, false, nil
	}
	return false, false, sqlerr.New("22038", "single boolean result is expected")
}

func isSuppressible(err error) bool {
	se, ok := err.(*sqlerr.Error)
	return ok && se.Code.Class() == "22" && se.Code != "22038"
}

func (jp *JSONPath) run(doc, vars Doc) ([]Value, error) {
	ev := &pathEval{strict: jp.strict, root: doc.Value()}
	if vars != "" {
		if vars.Kind() != Object {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "\"vars\" argument is not an object").
				WithDetail("Jsonpath parameters should be encoded as key-value pairs of \"vars\" object.")
		}
		ev.vars, ev.hasVar = vars.Value(), true
	}
	if isPredicate(jp.root) {
		t, err := ev.pred(jp.root, ev.root)
		if err != nil {
			return nil, err
		}
		if t == triUnknown {
			return []Value{NullValue}, nil
		}
		return []Value{BoolValue(t == triTrue)}, nil
	}
	return ev.eval(jp.root, ev.root, nil)
}

func isPredicate(e *pathExpr) bool {
	switch e.kind {
	case exCompare, exAnd, exOr, exNot, exExists, exLikeRegex, exStartsWith, exIsUnknown:
		return true
	}
	return false
}

// eval returns the items e yields with cur as @; last is the size of the
// innermost array being subscripted (for "last").
func (ev *pathEval) eval(e *pathExpr, cur Value, arr *Value) ([]Value, error) {
	switch e.kind {
	case exRoot:
		return []Value{ev.root}, nil
	case exCurrent:
		return []Value{cur}, nil
	case exVar:
		if ev.hasVar {
			if v, ok := ev.vars.Find(e.name); ok {
				return []Value{v}, nil
			}
		}
		return nil, sqlerr.New(sqlerr.UndefinedObject, "could not find jsonpath variable \"%s\"", e.name)
	case exLiteral:
		return []Value{e.lit}, nil
	case exLast:
		if arr == nil {
			return nil, sqlerr.New(sqlerr.SyntaxError, "LAST is allowed only in array subscripts")
		}
		return []Value{{Kind: Number, Str: strconv.Itoa(len(arr.Elems) - 1)}}, nil
	case exCompare, exAnd, exOr, exNot, exExists, exLikeRegex, exStartsWith, exIsUnknown:
		t, err := ev.pred(e, cur)
		if err != nil {
			return nil, err
		}
		if t == triUnknown {
			return []Value{NullValue}, nil
		}
		return []Value{BoolValue(t == triTrue)}, nil
	case exArith, exNeg:
		v, err := ev.arith(e, cur)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
	in, err := ev.eval(e.base, cur, arr)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, v := range in {
		if out, err = ev.access(e, v, out, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// access applies one accessor to an item. In lax mode an array met by a
// key accessor or a filter is unwrapped (one level), and a non-array met
// by a subscript is treated as a one-element array.
func (ev *pathEval) access(e *pathExpr, v Value, out []Value, unwrap bool) ([]Value, error) {
	lax := !ev.strict
	switch e.kind {
	case exKey:
		switch {
		case v.Kind == Object:
			if x, ok := v.Find(e.name); ok {
				return append(out, x), nil
			}
			if lax {
				return out, nil
			}
			return nil, jsonPathError("2203A", "JSON object does not contain key \"%s\"", e.name)
		case lax && unwrap && v.Kind == Array:
			return ev.unwrapped(e, v, out)
		case lax:
			return out, nil
		}
		return nil, jsonPathError("2203A", "jsonpath member accessor can only be applied to an object")
	case exAnyKey:
		switch {
		case v.Kind == Object:
			return append(out, v.Elems...), nil
		case lax && unwrap && v.Kind == Array:
			return ev.unwrapped(e, v, out)
		case lax:
			return out, nil
		}
		return nil, jsonPathError("2203C", "jsonpath wildcard member accessor can only be applied to an object")
	case exAnyIndex:
		switch {
		case v.Kind == Array:
			return append(out, v.Elems...), nil
		case lax:
			return append(out, v), nil
		}
		return nil, jsonPathError("22039", "jsonpath wildcard array accessor can only be applied to an array")
	case exIndex:
		arr := v
		if v.Kind != Array {
			if !lax {
				return nil, jsonPathError("22039", "jsonpath array accessor can only be applied to an array")
			}
			arr = ArrayValue([]Value{v})
		}
		for _, s := range e.subs {
			from, err := ev.subscript(s[0], v, &arr)
			if err != nil {
				return nil, err
			}
			to := from
			if s[1] != nil {
				if to, err = ev.subscript(s[1], v, &arr); err != nil {
					return nil, err
				}
			}
			n := len(arr.Elems)
			if from < 0 || to >= n || from > to {
				if !lax {
					return nil, jsonPathError("22033", "jsonpath array subscript is out of bounds")
				}
				from, to = max(from, 0), min(to, n-1)
			}
			for i := from; i <= to; i++ {
				out = append(out, arr.Elems[i])
			}
		}
		return out, nil
	case exMethod:
		// Every method but type() and size() applies to an array's
		// elements in lax mode.
		if lax && unwrap && v.Kind == Array && e.name != "type" && e.name != "size" {
			return ev.unwrapped(e, v, out)
		}
		return ev.method(e.name, v, out)
	case exFilter:
		if lax && unwrap && v.Kind == Array {
			return ev.unwrapped(e, v, out)
		}
		t, err := ev.pred(e.l, v)
		if err != nil {
			return nil, err
		}
		if t == triTrue {
			out = append(out, v)
		}
		return out, nil
	}
	return out, nil
}

func (ev *pathEval) unwrapped(e *pathExpr, v Value, out []Value) ([]Value, error) {
	var err error
	for _, x := range v.Elems {
		if out, err = ev.access(e, x, out, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (ev *pathEval) subscript(e *pathExpr, cur Value, arr *Value) (int, error) {
	vs, err := ev.eval(e, cur, arr)
	if err != nil {
		return 0, err
	}
	if len(vs) != 1 || vs[0].Kind != Number {
		return 0, jsonPathError("22033", "jsonpath array subscript is not a single numeric value")
	}
	d, _, err := apd.NewFromString(vs[0].Str)
	if err != nil {
		return 0, err
	}
	var i apd.Decimal
	if _, err := apd.BaseContext.RoundToIntegralValue(&i, d); err != nil {
		return 0, err
	}
	n, err := i.Int64()
	if err != nil || n > 1<<31 || n < -(1<<31) {
		return 0, jsonPathError("22033", "jsonpath array subscript is out of integer range")
	}
	return int(n), nil
}

// operand evaluates a comparison operand; lax mode unwraps arrays.
func (ev *pathEval) operand(e *pathExpr, cur Value) ([]Value, error) {
	vs, err := ev.eval(e, cur, nil)
	if err != nil || ev.strict {
		return vs, err
	}
	var out []Value
	for _, v := range vs {
		if v.Kind == Array {
			out = append(out, v.Elems...)
		} else {
			out = append(out, v)
		}
	}
	return out, nil
}

func (ev *pathEval) pred(e *pathExpr, cur Value) (tri, error) {
	switch e.kind {
	case exAnd, exOr:
		l, err := ev.pred(e.l, cur)
		if err != nil {
			return 0, err
		}
		if e.kind == exAnd && l == triFalse || e.kind == exOr && l == triTrue {
			return l, nil
		}
		r, err := ev.pred(e.r, cur)
		if err != nil {
			return 0, err
		}
		if l == triUnknown {
			if e.kind == exAnd && r == triFalse || e.kind == exOr && r == triTrue {
				return r, nil
			}
			return triUnknown, nil
		}
		return r, nil
	case exNot:
		t, err := ev.pred(e.l, cur)
		if err != nil || t == triUnknown {
			return t, err
		}
		return 1 - t, nil
	case exExists:
		vs, err := ev.eval(e.l, cur, nil)
		if err != nil {
			if isSuppressible(err) {
				return triUnknown, nil
			}
			return 0, err
		}
		if len(vs) > 0 {
			return triTrue, nil
		}
		return triFalse, nil
	case exIsUnknown:
		t, err := ev.pred(e.l, cur)
		if err != nil {
			return 0, err
		}
		if t == triUnknown {
			return triTrue, nil
		}
		return triFalse, nil
	case exStartsWith:
		vs, err := ev.operand(e.l, cur)
		if err == nil {
			var ps []Value
			if ps, err = ev.operand(e.r, cur); err == nil {
				if len(ps) != 1 || ps[0].Kind != String {
					return triUnknown, nil
				}
				res := triFalse
				for _, v := range vs {
					if v.Kind != String {
						res = triUnknown
						if ev.strict {
							return res, nil
						}
						continue
					}
					if strings.HasPrefix(v.Str, ps[0].Str) {
						if !ev.strict {
							return triTrue, nil
						}
						if res == triFalse {
							res = triTrue
						}
					}
				}
				return res, nil
			}
		}
		if isSuppressible(err) {
			return triUnknown, nil
		}
		return 0, err
	case exLikeRegex:
		vs, err := ev.operand(e.l, cur)
		if err != nil {
			if isSuppressible(err) {
				return triUnknown, nil
			}
			return 0, err
		}
		res := triFalse
		for _, v := range vs {
			if v.Kind != String {
				res = triUnknown
				continue
			}
			if e.re.MatchString(v.Str) {
				return triTrue, nil
			}
		}
		return res, nil
	case exCompare:
		ls, err := ev.operand(e.l, cur)
		if err == nil {
			var rs []Value
			if rs, err = ev.operand(e.r, cur); err == nil {
				res := triFalse
				for _, l := range ls {
					for _, r := range rs {
						switch compareItems(e.op, l, r) {
						case triTrue:
							if !ev.strict {
								return triTrue, nil
							}
							if res == triFalse {
								res = triTrue
							}
						case triUnknown:
							if ev.strict {
								return triUnknown, nil
							}
							res = triUnknown
						}
					}
				}
				if res == triUnknown && !ev.strict {
					return triUnknown, nil
				}
				return res, nil
			}
		}
		if isSuppressible(err) {
			return triUnknown, nil
		}
		return 0, err
	}
	// A non-predicate used as a predicate (a filter "? (@.a)"): PostgreSQL
	// rejects it at parse time; here it is unknown.
	return triUnknown, nil
}

// compareItems compares two items as jsonpath does: null equals only
// null (and is unequal to everything else), other types compare only
// with their own type, and arrays and objects not at all.
func compareItems(op string, a, b Value) tri {
	if a.Kind != b.Kind {
		if a.Kind == Null || b.Kind == Null {
			if op == "!=" {
				return triTrue
			}
			return triFalse
		}
		return triUnknown
	}
	var c int
	switch a.Kind {
	case Null:
		c = 0
	case Bool:
		c = boolCmp(a.Bool, b.Bool)
	case Number:
		c = compareNumbers(a.Str, b.Str)
	case String:
		c = strings.Compare(a.Str, b.Str)
	default:
		return triUnknown
	}
	var ok bool
	switch op {
	case "==":
		ok = c == 0
	case "!=":
		ok = c != 0
	case "<":
		ok = c < 0
	case "<=":
		ok = c <= 0
	case ">":
		ok = c > 0
	case ">=":
		ok = c >= 0
	}
	if ok {
		return triTrue
	}
	return triFalse
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

var pathCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(1000)
	return c
}()

// arith evaluates + - * / % and unary minus on single numbers.
func (ev *pathEval) arith(e *pathExpr, cur Value) ([]Value, error) {
	single := func(x *pathExpr, side string) (*apd.Decimal, error) {
		vs, err := ev.operand(x, cur)
		if err != nil {
			return nil, err
		}
		if len(vs) != 1 || vs[0].Kind != Number {
			return nil, jsonPathError("22038", "%s operand of jsonpath operator %s is not a single numeric value", side, e.op)
		}
		d, _, err := apd.NewFromString(vs[0].Str)
		return d, err
	}
	if e.kind == exNeg {
		vs, err := ev.operand(e.l, cur)
		if err != nil {
			return nil, err
		}
		out := make([]Value, 0, len(vs))
		for _, v := range vs {
			if v.Kind != Number {
				return nil, jsonPathError("22038", "operand of unary jsonpath operator - is not a numeric value")
			}
			n, _ := NumberText("-" + v.Str)
			if strings.HasPrefix(v.Str, "-") {
				n = v.Str[1:]
			}
			out = append(out, Value{Kind: Number, Str: n})
		}
		return out, nil
	}
	l, err := single(e.l, "left")
	if err != nil {
		return nil, err
	}
	r, err := single(e.r, "right")
	if err != nil {
		return nil, err
	}
	var res apd.Decimal
	switch e.op {
	case "+":
		_, err = pathCtx.Add(&res, l, r)
	case "-":
		_, err = pathCtx.Sub(&res, l, r)
	case "*":
		_, err = pathCtx.Mul(&res, l, r)
	case "/", "%":
		if r.IsZero() {
			return nil, sqlerr.New(sqlerr.DivisionByZero, "division by zero")
		}
		if e.op == "/" {
			_, err = apd.BaseContext.WithPrecision(20).Quo(&res, l, r)
		} else {
			_, err = pathCtx.Rem(&res, l, r)
		}
	}
	if err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: %v", err)
	}
	n, err := NumberText(res.Text('f'))
	if err != nil {
		return nil, fmt.Errorf("jsonpath arithmetic: %w", err)
	}
	return []Value{{Kind: Number, Str: n}}, nil
}

// method applies an item method to one item (after lax mode's unwrapping
// of arrays, for the methods that unwrap).
func (ev *pathEval) method(name string, v Value, out []Value) ([]Value, error) {
	switch name {
	case "type":
		t := [...]string{Null: "null", Bool: "boolean", Number: "number", String: "string", Array: "array", Object: "object"}[v.Kind]
		return append(out, StringValue(t)), nil
	case "size":
		if v.Kind == Array {
			return append(out, Value{Kind: Number, Str: strconv.Itoa(len(v.Elems))}), nil
		}
		if !ev.strict {
			return append(out, Value{Kind: Number, Str: "1"}), nil
		}
		return nil, jsonPathError("22039", "jsonpath item method .size() can only be applied to an array")
	case "double":
		var f float64
		switch v.Kind {
		case Number:
			var err error
			if f, err = strconv.ParseFloat(v.Str, 64); err != nil || math.IsInf(f, 0) {
				return nil, jsonPathError("2203B", "numeric argument of jsonpath item method .double() is out of range for type double precision")
			}
		case String:
			var err error
			f, err = strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, jsonPathError("2203B", "string argument of jsonpath item method .double() is not a valid representation of a double precision number")
			}
		default:
			return nil, jsonPathError("2203B", "jsonpath item method .double() can only be applied to a string or numeric value")
		}
		// As PostgreSQL's float8_numeric: DBL_DIG significant digits.
		n, err := NumberText(strconv.FormatFloat(f, 'g', 15, 64))
		if err != nil {
			return nil, fmt.Errorf("jsonpath .double(): %w", err)
		}
		return append(out, Value{Kind: Number, Str: n}), nil
	case "ceiling", "floor", "abs":
		if v.Kind != Number {
			return nil, jsonPathError("2203B", "jsonpath item method .%s() can only be applied to a numeric value", name)
		}
		d, _, err := apd.NewFromString(v.Str)
		if err != nil {
			return nil, fmt.Errorf("jsonpath .%s(): %w", name, err)
		}
		var res apd.Decimal
		switch name {
		case "ceiling":
			_, err = pathCtx.Ceil(&res, d)
		case "floor":
			_, err = pathCtx.Floor(&res, d)
		default:
			_, err = pathCtx.Abs(&res, d)
		}
		if err != nil {
			return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: %v", err)
		}
		n, err := NumberText(res.Text('f'))
		if err != nil {
			return nil, fmt.Errorf("jsonpath .%s(): %w", name, err)
		}
		return append(out, Value{Kind: Number, Str: n}), nil
	case "keyvalue":
		if v.Kind != Object {
			return nil, jsonPathError("2203C", "jsonpath item method .keyvalue() can only be applied to an object")
		}
		// PostgreSQL's id is the object's offset in its binary document;
		// here it is the object's number in the order keyvalue() met
		// objects, 0 for the first: the same for the pairs of one object
		// and different for different objects, which is what it is for.
		id := Value{Kind: Number, Str: strconv.Itoa(ev.kvObjects)}
		ev.kvObjects++
		for i, k := range v.Keys {
			out = append(out, ObjectValue([]string{"id", "key", "value"}, []Value{id, StringValue(k), v.Elems[i]}))
		}
		return out, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "jsonpath item method .%s() is not supported", name)
}
