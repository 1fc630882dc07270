package parser

import (
	"strings"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/ast"
)

type tokKind uint8

const (
	tEOF     tokKind = iota
	tIdent           // unquoted word; kw set when it is a keyword
	tQIdent          // "quoted identifier"
	tInt             // 123
	tNumeric         // 1.5, 1e10
	tString          // 'text', E'text', $$text$$
	tBits            // B'0101'
	tHex             // X'1F'
	tParam           // $1
	tOp              // operators and punctuation; str holds the text
	tError           // a lexical error; str holds the message, kw != 0 if it is complete
)

// token is one lexical token. str is a substring of the input whenever
// possible (keywords use the keyword table's string), so lexing a statement
// of lower-case identifiers and keywords allocates nothing.
type token struct {
	kind tokKind
	kw   ast.Keyword
	str  string // identifier value (folded), literal value, operator text
	pos  int32  // byte offset of the first byte
	end  int32  // byte offset after the last byte
}

type lexer struct {
	src string
	pos int
}

// multiOps lists the multi-character operators, longest first for each
// first character; anything else lexes one character at a time, so that
// a=-1 reads as a = -1.
var multiOps = [...]string{
	"!~~*",
	"->>", "#>>", "!~*", "!~~", "~~*", "||/",
	"->", "#>", "|/", "^@", "#-", "@>", "@?", "=>", ":=", "<@", "?|", "?&", "@@", "<=", ">=", "<>", "!=", "||", "::", "~~", "~*", "!~", "<<", ">>", "&&",
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) errTok(start int, msg string) token {
	return token{kind: tError, str: msg, pos: int32(start), end: int32(start)}
}

// fullErrTok is an error token whose message is complete: the parser adds
// no "at or near".
func fullErrTok(pos int, msg string) token {
	return token{kind: tError, kw: 1, str: msg, pos: int32(pos), end: int32(pos)}
}

// skipSpace skips white space and comments; it returns an error token for
// an unterminated block comment.
func (l *lexer) skipSpace() (token, bool) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '-' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '-':
			i := strings.IndexByte(l.src[l.pos:], '\n')
			if i < 0 {
				l.pos = len(l.src)
			} else {
				l.pos += i + 1
			}
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '*':
			start := l.pos
			depth := 0
			for {
				if l.pos+1 >= len(l.src) {
					l.pos = len(l.src)
					return l.errTok(start, "unterminated /* comment"), false
				}
				if l.src[l.pos] == '/' && l.src[l.pos+1] == '*' {
					depth++
					l.pos += 2
				} else if l.src[l.pos] == '*' && l.src[l.pos+1] == '/' {
					depth--
					l.pos += 2
					if depth == 0 {
						break
					}
				} else {
					l.pos++
				}
			}
		default:
			return token{}, true
		}
	}
	return token{}, true
}

// next returns the next token.
func (l *lexer) next() token {
	if t, ok := l.skipSpace(); !ok {
		return t
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: int32(start), end: int32(start)}
	}
	c := l.src[l.pos]
	switch {
	case (c == 'e' || c == 'E') && l.peekByte(1) == '\'':
		l.pos++
		return l.escapeString(start)
	case (c == 'b' || c == 'B') && l.peekByte(1) == '\'':
		l.pos++
		return l.bitString(start, tBits)
	case (c == 'x' || c == 'X') && l.peekByte(1) == '\'':
		l.pos++
		return l.bitString(start, tHex)
	case (c == 'u' || c == 'U') && l.peekByte(1) == '&' && l.peekByte(2) == '\'':
		return l.unicodeString(start)
	case (c == 'n' || c == 'N') && l.peekByte(1) == '\'':
		l.pos++
		t := l.quotedString(start)
		return t
	case isIdentStart(c):
		return l.word(start)
	case isDigit(c) || c == '.' && isDigit(l.peekByte(1)):
		return l.number(start)
	case c == '\'':
		return l.quotedString(start)
	case c == '"':
		return l.quotedIdent(start)
	case c == '$':
		n := l.peekByte(1)
		if isDigit(n) {
			l.pos++
			for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
				l.pos++
			}
			return token{kind: tParam, str: l.src[start+1 : l.pos], pos: int32(start), end: int32(l.pos)}
		}
		if n == '$' || isIdentStart(n) {
			return l.dollarString(start)
		}
	}
	switch c {
	case '(', ')', ',', ';', '[', ']', '.':
		l.pos++
		return token{kind: tOp, str: l.src[start:l.pos], pos: int32(start), end: int32(l.pos)}
	}
	for _, op := range multiOps {
		// An operator ending in / never takes the / of a comment's /*.
		if op[0] == c && strings.HasPrefix(l.src[l.pos:], op) && !(op[len(op)-1] == '/' && strings.HasPrefix(l.src[l.pos+len(op):], "*")) {
			l.pos += len(op)
			return token{kind: tOp, str: op, pos: int32(start), end: int32(l.pos)}
		}
	}
	switch c {
	case '(', ')', ',', ';', '[', ']', '.', ':', '+', '-', '*', '/', '%', '^', '<', '>', '=', '~', '!', '@', '#', '&', '|', '?':
		l.pos++
		return token{kind: tOp, str: l.src[start:l.pos], pos: int32(start), end: int32(l.pos)}
	}
	_, size := utf8.DecodeRuneInString(l.src[l.pos:])
	l.pos += size
	return token{kind: tOp, str: l.src[start:l.pos], pos: int32(start), end: int32(l.pos)}
}

func (l *lexer) peekByte(off int) byte {
	if l.pos+off < len(l.src) {
		return l.src[l.pos+off]
	}
	return 0
}

func (l *lexer) word(start int) token {
	upper := false
	for l.pos < len(l.src) && isIdentCont(l.src[l.pos]) {
		if c := l.src[l.pos]; c >= 'A' && c <= 'Z' {
			upper = true
		}
		l.pos++
	}
	text := l.src[start:l.pos]
	t := token{kind: tIdent, pos: int32(start), end: int32(l.pos)}
	if kw := ast.LookupKeyword(text); kw != ast.KwNone {
		t.kw = kw
		t.str = kw.Lower()
		return t
	}
	if upper {
		b := []byte(text)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		text = string(b)
	}
	t.str = text
	return t
}

func (l *lexer) number(start int) token {
	kind := tInt
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	// A '.' followed by a second '.' is not part of the number (1..2 is
	// not valid SQL anyway, but keep the lexer predictable).
	if l.pos < len(l.src) && l.src[l.pos] == '.' && l.peekByte(1) != '.' {
		kind = tNumeric
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		n := l.peekByte(1)
		if isDigit(n) || (n == '+' || n == '-') && isDigit(l.peekByte(2)) {
			kind = tNumeric
			l.pos += 2
			for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
				l.pos++
			}
		}
	}
	return token{kind: kind, str: l.src[start:l.pos], pos: int32(start), end: int32(l.pos)}
}

// quotedString lexes '...' with ” for a quote, starting at the opening
// quote; start is where the token began (before any prefix letter).
func (l *lexer) quotedString(start int) token {
	l.pos++ // opening quote
	from := l.pos
	var b []byte // only allocated when the text contains ''
	for {
		i := strings.IndexByte(l.src[l.pos:], '\'')
		if i < 0 {
			l.pos = len(l.src)
			return l.errTok(start, "unterminated quoted string")
		}
		l.pos += i
		if l.peekByte(1) == '\'' {
			b = append(b, l.src[from:l.pos+1]...)
			l.pos += 2
			from = l.pos
			continue
		}
		var s string
		if b == nil {
			s = l.src[from:l.pos]
		} else {
			s = string(append(b, l.src[from:l.pos]...))
		}
		l.pos++
		return token{kind: tString, str: s, pos: int32(start), end: int32(l.pos)}
	}
}

// unicodeString lexes U&'...' [UESCAPE 'c']: a standard string in which
// escape-char XXXX and escape-char +XXXXXX are Unicode code points (UTF-16
// surrogate pairs combine) and a doubled escape char stands for itself.
// The escape char is a backslash unless UESCAPE names another.
func (l *lexer) unicodeString(start int) token {
	l.pos += 2 // U&
	body := l.pos + 1
	t := l.quotedString(start)
	if t.kind == tError {
		return t
	}
	bodyEnd := l.pos - 1
	esc := byte('\\')
	after := l.pos
	if _, ok := l.skipSpace(); ok && l.atWord("uescape") {
		l.pos += len("uescape")
		if _, ok := l.skipSpace(); !ok || l.pos >= len(l.src) || l.src[l.pos] != '\'' {
			if l.pos >= len(l.src) {
				return fullErrTok(l.pos, "UESCAPE must be followed by a simple string literal at end of input")
			}
			cp := *l
			nt := cp.next()
			return fullErrTok(l.pos, "UESCAPE must be followed by a simple string literal at or near \""+l.src[nt.pos:max(nt.end, nt.pos)]+"\"")
		}
		spos := l.pos
		e := l.quotedString(spos)
		if e.kind == tError {
			return e
		}
		if len(e.str) != 1 || hexVal(e.str[0]) >= 0 || strings.IndexByte("+'\" \t\n\r\f\v", e.str[0]) >= 0 {
			return fullErrTok(spos, "invalid Unicode escape character at or near \""+l.src[spos:l.pos]+"\"")
		}
		esc = e.str[0]
	} else {
		l.pos = after
	}
	src := l.src[body:bodyEnd]
	var b []byte
	hexAt := func(i, n int) (int, bool) {
		if i+n > len(src) {
			return 0, false
		}
		v := 0
		for _, c := range []byte(src[i : i+n]) {
			if hexVal(c) < 0 {
				return 0, false
			}
			v = v*16 + hexVal(c)
		}
		return v, true
	}
	// escape reads the escape at src[i] (the escape char), returning the
	// code point and the length of the escape.
	escape := func(i int) (int, int, bool) {
		if v, ok := hexAt(i+1, 4); ok {
			return v, 5, true
		}
		if i+1 < len(src) && src[i+1] == '+' {
			if v, ok := hexAt(i+2, 6); ok {
				return v, 8, true
			}
		}
		return 0, 0, false
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\'' && i+1 < len(src) && src[i+1] == '\'':
			b = append(b, '\'')
			i += 2
			continue
		case c != esc:
			b = append(b, c)
			i++
			continue
		case i+1 < len(src) && src[i+1] == esc:
			b = append(b, esc)
			i += 2
			continue
		}
		v, n, ok := escape(i)
		if !ok {
			return fullErrTok(body+i, "invalid Unicode escape")
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if i+n >= len(src) || src[i+n] != esc {
				return fullErrTok(body+i, "invalid Unicode surrogate pair")
			}
			lo, m, ok := escape(i + n)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return fullErrTok(body+i+n, "invalid Unicode surrogate pair")
			}
			v = 0x10000 + (v-0xD800)<<10 + (lo - 0xDC00)
			n += m
		case v >= 0xDC00 && v <= 0xDFFF:
			return fullErrTok(body+i, "invalid Unicode surrogate pair")
		case v == 0 || v > utf8.MaxRune:
			return fullErrTok(body+i, "invalid Unicode escape value")
		}
		b = utf8.AppendRune(b, rune(v))
		i += n
	}
	return token{kind: tString, str: string(b), pos: int32(start), end: int32(l.pos)}
}

// atWord reports whether the input at l.pos is the word w (lower case),
// in any case, not followed by another identifier character.
func (l *lexer) atWord(w string) bool {
	if len(l.src)-l.pos < len(w) || !strings.EqualFold(l.src[l.pos:l.pos+len(w)], w) {
		return false
	}
	return l.pos+len(w) == len(l.src) || !isIdentCont(l.src[l.pos+len(w)])
}

func (l *lexer) bitString(start int, kind tokKind) token {
	t := l.quotedString(start)
	if t.kind == tError {
		return t
	}
	for i := 0; i < len(t.str); i++ {
		c := t.str[i]
		ok := c == '0' || c == '1'
		if kind == tHex {
			ok = isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		}
		if !ok {
			if kind == tHex {
				return l.errTok(start, `"`+string(c)+`" is not a valid hexadecimal digit`)
			}
			return l.errTok(start, `"`+string(c)+`" is not a valid binary digit`)
		}
	}
	t.kind = kind
	return t
}

// escapeString lexes E'...' with C-style backslash escapes.
func (l *lexer) escapeString(start int) token {
	l.pos++ // opening quote
	var b []byte
	for {
		if l.pos >= len(l.src) {
			return l.errTok(start, "unterminated quoted string")
		}
		c := l.src[l.pos]
		switch {
		case c == '\'' && l.peekByte(1) == '\'':
			b = append(b, '\'')
			l.pos += 2
		case c == '\'':
			l.pos++
			return token{kind: tString, str: string(b), pos: int32(start), end: int32(l.pos)}
		case c == '\\' && l.pos+1 < len(l.src):
			l.pos++
			e := l.src[l.pos]
			l.pos++
			switch e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'x':
				v, n := 0, 0
				for n < 2 && l.pos < len(l.src) && hexVal(l.src[l.pos]) >= 0 {
					v = v*16 + hexVal(l.src[l.pos])
					l.pos++
					n++
				}
				if n == 0 {
					b = append(b, 'x')
				} else {
					b = append(b, byte(v))
				}
			case 'u', 'U':
				digits := 4
				if e == 'U' {
					digits = 8
				}
				v := 0
				for n := 0; n < digits; n++ {
					if l.pos >= len(l.src) || hexVal(l.src[l.pos]) < 0 {
						return l.errTok(start, "invalid Unicode escape")
					}
					v = v*16 + hexVal(l.src[l.pos])
					l.pos++
				}
				if v > utf8.MaxRune || v == 0 {
					return l.errTok(start, "invalid Unicode escape value")
				}
				b = utf8.AppendRune(b, rune(v))
			default:
				if e >= '0' && e <= '7' {
					v, n := int(e-'0'), 1
					for n < 3 && l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '7' {
						v = v*8 + int(l.src[l.pos]-'0')
						l.pos++
						n++
					}
					b = append(b, byte(v))
				} else {
					b = append(b, e)
				}
			}
		default:
			b = append(b, c)
			l.pos++
		}
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// dollarString lexes $tag$...$tag$ (tag may be empty).
func (l *lexer) dollarString(start int) token {
	i := l.pos + 1
	for i < len(l.src) && l.src[i] != '$' {
		if !isIdentCont(l.src[i]) {
			// Not a dollar quote after all: a lone '$'.
			l.pos++
			return token{kind: tOp, str: "$", pos: int32(start), end: int32(l.pos)}
		}
		i++
	}
	if i >= len(l.src) {
		l.pos++
		return token{kind: tOp, str: "$", pos: int32(start), end: int32(l.pos)}
	}
	delim := l.src[l.pos : i+1]
	body := i + 1
	j := strings.Index(l.src[body:], delim)
	if j < 0 {
		l.pos = len(l.src)
		return l.errTok(start, "unterminated dollar-quoted string")
	}
	l.pos = body + j + len(delim)
	return token{kind: tString, str: l.src[body : body+j], pos: int32(start), end: int32(l.pos)}
}

func (l *lexer) quotedIdent(start int) token {
	l.pos++
	from := l.pos
	var b []byte
	for {
		i := strings.IndexByte(l.src[l.pos:], '"')
		if i < 0 {
			l.pos = len(l.src)
			return l.errTok(start, "unterminated quoted identifier")
		}
		l.pos += i
		if l.peekByte(1) == '"' {
			b = append(b, l.src[from:l.pos+1]...)
			l.pos += 2
			from = l.pos
			continue
		}
		var s string
		if b == nil {
			s = l.src[from:l.pos]
		} else {
			s = string(append(b, l.src[from:l.pos]...))
		}
		l.pos++
		if s == "" {
			return l.errTok(start, "zero-length delimited identifier")
		}
		return token{kind: tQIdent, str: s, pos: int32(start), end: int32(l.pos)}
	}
}
