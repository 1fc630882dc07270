package main

import "strings"

// splitter accumulates input lines and cuts complete statements off at
// semicolons outside string literals, quoted identifiers, dollar quotes
// and comments. It scans each byte once: its lexical state carries over
// from one line to the next.
type splitter struct {
	buf        []byte
	pos        int // next byte of buf to scan
	start      int // start of the current statement in buf
	mode       lexMode
	depth      int    // block comment nesting
	tag        string // dollar-quote tag, "$tag$"
	sawContent bool   // the current statement has something besides space and comments
}

type lexMode int

const (
	lexNormal lexMode = iota
	lexString
	lexEString
	lexIdent
	lexDollar
	lexLineComment
	lexBlockComment
)

// feed adds a line (without its newline) and returns the statements it
// completed, each ending with its semicolon.
func (s *splitter) feed(line string) []string {
	s.buf = append(s.buf, line...)
	s.buf = append(s.buf, '\n')
	var out []string
	for s.pos < len(s.buf) {
		if stmt, ok := s.step(); ok {
			out = append(out, stmt)
		}
	}
	return out
}

// empty reports whether no statement text is pending (only space or
// comments).
func (s *splitter) empty() bool { return !s.sawContent && s.mode == lexNormal }

// pending returns the unterminated statement (at end of input) and
// resets.
func (s *splitter) pending() (string, bool) {
	stmt := strings.TrimSpace(string(s.buf[s.start:]))
	ok := s.sawContent
	s.reset()
	return stmt, ok
}

func (s *splitter) reset() { *s = splitter{} }

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// step scans one token-ish unit; it returns a statement when it passes a
// terminating semicolon.
func (s *splitter) step() (string, bool) {
	b, i := s.buf, s.pos
	c := b[i]
	next := byte(0)
	if i+1 < len(b) {
		next = b[i+1]
	}
	switch s.mode {
	case lexNormal:
		switch {
		case c == ';':
			s.pos = i + 1
			stmt := strings.TrimSpace(string(b[s.start:s.pos]))
			ok := s.sawContent
			s.buf = append(s.buf[:0], b[s.pos:]...)
			s.pos, s.start, s.sawContent = 0, 0, false
			return stmt, ok
		case c == '-' && next == '-':
			s.mode = lexLineComment
			s.pos = i + 2
			return "", false
		case c == '/' && next == '*':
			s.mode, s.depth = lexBlockComment, 1
			s.pos = i + 2
			return "", false
		case c == '\'':
			s.mode = lexString
			if i > 0 && (b[i-1] == 'e' || b[i-1] == 'E') && (i < 2 || !isIdentByte(b[i-2])) {
				s.mode = lexEString
			}
		case c == '"':
			s.mode = lexIdent
		case c == '$' && (i == 0 || !isIdentByte(b[i-1])):
			j := i + 1
			for j < len(b) && isIdentByte(b[j]) && b[j] != '$' {
				j++
			}
			if j < len(b) && b[j] == '$' && !(j > i+1 && b[i+1] >= '0' && b[i+1] <= '9') {
				s.tag = string(b[i : j+1])
				s.mode = lexDollar
				s.sawContent = true
				s.pos = j + 1
				return "", false
			}
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			s.sawContent = true
		}
		s.pos = i + 1
	case lexString, lexIdent:
		quote := byte('\'')
		if s.mode == lexIdent {
			quote = '"'
		}
		if c == quote {
			if next == quote {
				s.pos = i + 2
				return "", false
			}
			s.mode = lexNormal
		}
		s.pos = i + 1
	case lexEString:
		switch {
		case c == '\\':
			s.pos = i + 2
			return "", false
		case c == '\'' && next == '\'':
			s.pos = i + 2
			return "", false
		case c == '\'':
			s.mode = lexNormal
		}
		s.pos = i + 1
	case lexDollar:
		if c == '$' && strings.HasPrefix(string(b[i:min(len(b), i+len(s.tag))]), s.tag) {
			s.mode = lexNormal
			s.pos = i + len(s.tag)
			return "", false
		}
		s.pos = i + 1
	case lexLineComment:
		if c == '\n' {
			s.mode = lexNormal
		}
		s.pos = i + 1
	case lexBlockComment:
		switch {
		case c == '/' && next == '*':
			s.depth++
			s.pos = i + 2
		case c == '*' && next == '/':
			s.depth--
			if s.depth == 0 {
				s.mode = lexNormal
			}
			s.pos = i + 2
		default:
			s.pos = i + 1
		}
	}
	if s.pos > len(s.buf) {
		s.pos = len(s.buf)
	}
	return "", false
}
