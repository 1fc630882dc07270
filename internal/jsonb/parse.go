package jsonb

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// ParseValue reads JSON text into a Value (see Parse).
func ParseValue(text string) (Value, error) {
	if len(text) > MaxSize {
		return Value{}, tooLarge()
	}
	if !utf8.ValidString(text) {
		return Value{}, invalidUTF8()
	}
	// The member stacks start at about the document's count of values
	// (a few bytes of text each), so they seldom grow.
	p := parser{s: text, vals: make([]Value, 0, min(len(text)/16+4, 1024)), keys: make([]string, 0, min(len(text)/24+4, 1024))}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return Value{}, p.syntax("Expected end of input, but found \"%s\".", p.token())
	}
	return v, nil
}

type parser struct {
	s   string
	pos int
	// vals and keys are stacks of the members of the containers being
	// parsed (each from its start mark): a finished container copies its
	// own into a slice of exactly its size, instead of growing one from
	// nothing by doubling.
	vals []Value
	keys []string
	// valSlab and keySlab are where finished containers' slices are
	// carved from: one allocation for the members of many containers.
	valSlab []Value
	keySlab []string
	// Parse's: scratch holds the members encoded so far of the
	// container open at each depth; ends are where they end in it;
	// order is an object's members in key order.
	scratch [][]byte
	ends    []int
	order   []int
}

// carve copies src into a slice of exactly its length carved from slab.
func carve[T any](slab *[]T, src []T) []T {
	n := len(src)
	if cap(*slab)-len(*slab) < n {
		*slab = make([]T, 0, max(n, 32))
	}
	s := *slab
	out := s[len(s) : len(s)+n : len(s)+n]
	copy(out, src)
	*slab = s[:len(s)+n]
	return out
}

func invalidUTF8() error {
	return sqlerr.New(sqlerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
}

func (p *parser) syntax(format string, args ...any) error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail(format, args...)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// token is the text of the token at pos, for messages: a punctuation
// character, or a run of word characters, as PostgreSQL's lexer reports.
func (p *parser) token() string {
	if p.pos >= len(p.s) {
		return ""
	}
	end := p.pos
	for end < len(p.s) && isWordByte(p.s[end]) {
		end++
	}
	if end == p.pos {
		_, size := utf8.DecodeRuneInString(p.s[p.pos:])
		end = p.pos + size
	}
	return p.s[p.pos:end]
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '+' || c == '-' || c >= 0x80
}

func (p *parser) more() error { return p.syntax("The input string ended unexpectedly.") }

func (p *parser) value(depth int) (Value, error) {
	if p.pos >= len(p.s) {
		return Value{}, p.more()
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return Value{Kind: String, Str: s}, err
	case c == '-' || c >= '0' && c <= '9':
		tok := p.token()
		num, err := NumberText(tok)
		if err != nil {
			if _, ok := err.(*sqlerr.Error); ok && !isGrammarError(err) {
				return Value{}, err
			}
			return Value{}, p.syntax("Token \"%s\" is invalid.", tok)
		}
		p.pos += len(tok)
		return Value{Kind: Number, Str: num}, nil
	default:
		tok := p.token()
		switch tok {
		case "true":
			p.pos += 4
			return TrueValue, nil
		case "false":
			p.pos += 5
			return FalseValue, nil
		case "null":
			p.pos += 4
			return NullValue, nil
		}
		if isWordByte(c) {
			return Value{}, p.syntax("Token \"%s\" is invalid.", tok)
		}
		return Value{}, p.syntax("Expected JSON value, but found \"%s\".", tok)
	}
}

func (p *parser) array(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, tooDeep()
	}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return Value{Kind: Array, Elems: []Value{}}, nil
	}
	mark := len(p.vals)
	defer func() { p.vals = p.vals[:mark] }()
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		p.vals = append(p.vals, v)
		closed, err := p.afterMember(']')
		if err != nil {
			return Value{}, err
		}
		if !closed {
			continue
		}
		return Value{Kind: Array, Elems: carve(&p.valSlab, p.vals[mark:])}, nil
	}
}

// afterMember reads what follows a container's member: a comma (closed
// false) or the container's closing bracket (closed true).
func (p *parser) afterMember(close byte) (closed bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return false, p.more()
	}
	switch p.s[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case close:
		p.pos++
		return true, nil
	}
	return false, p.syntax("Expected \",\" or \"%c\", but found \"%s\".", close, p.token())
}

func (p *parser) object(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, tooDeep()
	}
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return ObjectValue(nil, nil), nil
	}
	first := true
	mark, kmark := len(p.vals), len(p.keys)
	defer func() { p.vals, p.keys = p.vals[:mark], p.keys[:kmark] }()
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return Value{}, p.more()
		}
		if p.s[p.pos] != '"' {
			if first {
				return Value{}, p.syntax("Expected string or \"}\", but found \"%s\".", p.token())
			}
			return Value{}, p.syntax("Expected string, but found \"%s\".", p.token())
		}
		first = false
		k, err := p.str()
		if err != nil {
			return Value{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.s) {
			return Value{}, p.more()
		}
		if p.s[p.pos] != ':' {
			return Value{}, p.syntax("Expected \":\", but found \"%s\".", p.token())
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		p.keys = append(p.keys, k)
		p.vals = append(p.vals, v)
		closed, err := p.afterMember('}')
		if err != nil {
			return Value{}, err
		}
		if !closed {
			continue
		}
		return ownedObjectValue(carve(&p.keySlab, p.keys[kmark:]), carve(&p.valSlab, p.vals[mark:])), nil
	}
}

// str reads a string literal at pos (which holds the opening quote).
func (p *parser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			s := p.s[start:p.pos]
			p.pos++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.pos])
	for {
		if p.pos >= len(p.s) {
			return "", p.more()
		}
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.syntax("Character with value 0x%02x must be escaped.", c)
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.s) {
			return "", p.more()
		}
		e := p.s[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
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
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			switch {
			case r == 0:
				return "", sqlerr.New(sqlerr.UntranslatableCharacter, "unsupported Unicode escape sequence").WithDetail("\\u0000 cannot be converted to text.")
			case utf16.IsSurrogate(r) && r < 0xdc00:
				if p.pos+1 >= len(p.s) || p.s[p.pos] != '\\' || p.s[p.pos+1] != 'u' {
					return "", p.syntax("Unicode low surrogate must follow a high surrogate.")
				}
				p.pos += 2
				lo, err := p.hex4()
				if err != nil {
					return "", err
				}
				if lo < 0xdc00 || lo > 0xdfff {
					if lo >= 0xd800 && lo < 0xdc00 {
						return "", p.syntax("Unicode high surrogate must not follow a high surrogate.")
					}
					return "", p.syntax("Unicode low surrogate must follow a high surrogate.")
				}
				b.WriteRune(utf16.DecodeRune(r, lo))
			case utf16.IsSurrogate(r):
				return "", p.syntax("Unicode low surrogate must follow a high surrogate.")
			default:
				b.WriteRune(r)
			}
		default:
			_, size := utf8.DecodeRuneInString(p.s[p.pos-1:])
			return "", p.syntax("Escape sequence \"\\%s\" is invalid.", p.s[p.pos-1:p.pos-1+size])
		}
	}
}

func (p *parser) hex4() (rune, error) {
	if p.pos+4 > len(p.s) {
		return 0, p.syntax("\"\\u\" must be followed by four hexadecimal digits.")
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil || strings.ContainsAny(p.s[p.pos:p.pos+4], "+-") {
		return 0, p.syntax("\"\\u\" must be followed by four hexadecimal digits.")
	}
	p.pos += 4
	return rune(v), nil
}

// errNumberGrammar marks text that is not a JSON number at all (as
// opposed to a number out of numeric's range).
type errNumberGrammar struct{ s string }

func (e errNumberGrammar) Error() string { return fmt.Sprintf("not a JSON number: %q", e.s) }

func isGrammarError(err error) bool { _, ok := err.(errNumberGrammar); return ok }

// maxExponent bounds a number's decimal exponent, as PostgreSQL's numeric
// input does (NUMERIC_MAX_PRECISION).
const maxExponent = 1000

// NumberText checks that s is a JSON number and returns it as
// PostgreSQL's numeric output prints it: the exponent applied (1e2 is
// 100, 1.5e-3 is 0.0015), the display scale kept (1.50 stays 1.50), no
// sign on zero. That canonical text is what documents store.
func NumberText(s string) (string, error) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	if i < len(s) && s[i] == '0' {
		i++
	} else {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i == intStart {
		return "", errNumberGrammar{s}
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == fs {
			return "", errNumberGrammar{s}
		}
		frac = s[fs:i]
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if exp <= maxExponent {
				exp = exp*10 + int(s[i]-'0')
			}
			i++
		}
		if i == es {
			return "", errNumberGrammar{s}
		}
		if exp > maxExponent {
			return "", sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: \"%s\"", s)
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return "", errNumberGrammar{s}
	}
	if frac == "" && exp == 0 && !neg && (intPart != "0" || len(s) == 1) {
		return s, nil // the common case: a plain non-negative integer
	}
	digits := intPart + frac
	scale := len(frac) - exp // digits after the point
	var b strings.Builder
	if scale <= 0 {
		digits += strings.Repeat("0", -scale)
		digits = strings.TrimLeft(digits, "0")
		if digits == "" {
			return "0", nil
		}
		if neg {
			b.WriteByte('-')
		}
		b.WriteString(digits)
		return b.String(), nil
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	ip := strings.TrimLeft(digits[:len(digits)-scale], "0")
	if ip == "" {
		ip = "0"
	}
	fp := digits[len(digits)-scale:]
	if neg && (ip != "0" || strings.Trim(fp, "0") != "") {
		b.WriteByte('-')
	}
	b.WriteString(ip)
	b.WriteByte('.')
	b.WriteString(fp)
	return b.String(), nil
}
