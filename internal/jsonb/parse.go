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
	p := parser{s: text}
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
	// Parse's: scratch holds the members encoded so far of the
	// container open at each depth; keys and ends are the open
	// objects' keys and where each member ends in its scratch (each
	// container's from its start mark); order is an object's members in
	// key order.
	scratch [][]byte
	keys    []string
	ends    []int
	order   []int
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
	elems := []Value{}
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return Value{Kind: Array, Elems: elems}, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		elems = append(elems, v)
		closed, err := p.afterMember(']')
		if err != nil {
			return Value{}, err
		}
		if closed {
			return Value{Kind: Array, Elems: elems}, nil
		}
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

// memberKey reads an object member's key and the colon after it, the
// value's start then at pos; first: the object's first member, where a
// closing brace could also have come.
func (p *parser) memberKey(first bool) (string, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return "", p.more()
	}
	if p.s[p.pos] != '"' {
		if first {
			return "", p.syntax("Expected string or \"}\", but found \"%s\".", p.token())
		}
		return "", p.syntax("Expected string, but found \"%s\".", p.token())
	}
	k, err := p.str()
	if err != nil {
		return "", err
	}
	p.skipSpace()
	if p.pos >= len(p.s) {
		return "", p.more()
	}
	if p.s[p.pos] != ':' {
		return "", p.syntax("Expected \":\", but found \"%s\".", p.token())
	}
	p.pos++
	p.skipSpace()
	return k, nil
}

func (p *parser) object(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, tooDeep()
	}
	p.pos++ // {
	var keys []string
	var vals []Value
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return ObjectValue(nil, nil), nil
	}
	for first := true; ; first = false {
		k, err := p.memberKey(first)
		if err != nil {
			return Value{}, err
		}
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		keys = append(keys, k)
		vals = append(vals, v)
		closed, err := p.afterMember('}')
		if err != nil {
			return Value{}, err
		}
		if closed {
			return ObjectValue(keys, vals), nil
		}
	}
}

// str reads a string literal at pos (which holds the opening quote).
func (p *parser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes. Eight bytes at a time while none of them
	// ends the string or needs a closer look (as printing scans).
	for p.pos+8 <= len(p.s) && !needsEscape8(p.s[p.pos:p.pos+8]) {
		p.pos += 8
	}
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

// nonZero reports whether the digits s hold one that is not 0.
func nonZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return true
		}
	}
	return false
}

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
	hasExp := i < len(s) && (s[i] == 'e' || s[i] == 'E')
	if hasExp {
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
	if !hasExp && (!neg || nonZero(intPart) || nonZero(frac)) {
		// The common case: no exponent, and not a negative zero. The
		// grammar allows no leading zeros, so the text is canonical.
		return s, nil
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
