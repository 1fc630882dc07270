// Package query parses the full-text query language into a syntax tree.
// It knows nothing of analyzers or indexes: words stay as typed, and the
// index package analyzes them (a word may become several terms, a phrase,
// or none if it is a stop word).
//
// Grammar (keywords are upper case; lower-case "or" is a word):
//
//	query   = or
//	or      = and { "OR" and }
//	and     = unary { [ "AND" ] unary }          adjacent terms: AND
//	unary   = ( "-" | "NOT" ) primary | primary
//	primary = "(" or ")"
//	        | [ field ":" ] word [ "*" | "~" [ "0" | "1" | "2" ] ]
//	        | [ field ":" ] '"' phrase '"'
//	field   = letter or "_", then letters, digits or "_", directly
//	          followed by ":" and a term
//	word    = a run of characters other than space and ( ) " * ~
//
// A "-" starts a negation only at the beginning of a word ("e-mail" is
// one word). A bare "~" means edit distance 2, as in Lucene.
//
// Every error is a *sqlerr.Error with SQLSTATE 42601 and the 1-based
// character (not byte) position of the offending text in the query
// string. Queries that could only match by exclusion (only negated terms,
// or a negated term as an OR alternative) are errors: evaluating them
// would need the set of all documents, and they are almost always
// mistakes.
package query

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Node is a node of the query tree.
type Node interface {
	// Pos is the 1-based character position of the node in the query.
	Pos() int
	String() string
	node()
}

// Term is a word, possibly a prefix or fuzzy.
type Term struct {
	Field  string // "" = every field of the index
	Text   string // as typed
	Prefix bool   // word*
	// Fuzzy is the maximum edit distance (word~1, word~2); 0 = exact.
	Fuzzy int
	At    int
}

// Phrase is a quoted phrase: its words must appear consecutively.
type Phrase struct {
	Field string
	Text  string // between the quotes, as typed
	At    int
}

// And matches documents matching every child.
type And struct {
	Children []Node
	At       int
}

// Or matches documents matching any child.
type Or struct {
	Children []Node
	At       int
}

// Not excludes documents matching Child; it only appears as a child of an
// And that has a child that is not a Not.
type Not struct {
	Child Node
	At    int
}

func (n *Term) Pos() int   { return n.At }
func (n *Phrase) Pos() int { return n.At }
func (n *And) Pos() int    { return n.At }
func (n *Or) Pos() int     { return n.At }
func (n *Not) Pos() int    { return n.At }

func (*Term) node()   {}
func (*Phrase) node() {}
func (*And) node()    {}
func (*Or) node()     {}
func (*Not) node()    {}

func fieldPrefix(f string) string {
	if f == "" {
		return ""
	}
	return f + ":"
}

func (n *Term) String() string {
	s := fieldPrefix(n.Field) + n.Text
	switch {
	case n.Prefix:
		s += "*"
	case n.Fuzzy > 0:
		s += "~" + strconv.Itoa(n.Fuzzy)
	}
	return s
}

func (n *Phrase) String() string { return fieldPrefix(n.Field) + strconv.Quote(n.Text) }
func (n *And) String() string    { return list("AND", n.Children) }
func (n *Or) String() string     { return list("OR", n.Children) }
func (n *Not) String() string    { return "(NOT " + n.Child.String() + ")" }

func list(op string, ns []Node) string {
	var b strings.Builder
	b.WriteString("(" + op)
	for _, n := range ns {
		b.WriteString(" " + n.String())
	}
	return b.String() + ")"
}

// Parse parses a query.
func Parse(q string) (Node, error) {
	p := &parser{src: []rune(q)}
	p.skipSpace()
	if p.eof() {
		return nil, p.errAt(1, "empty full-text query")
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		if p.peek() == ')' {
			return nil, p.errAt(p.pos(), "unmatched ')'")
		}
		return nil, p.errAt(p.pos(), "unexpected %q", string(p.peek()))
	}
	if err := validate(n, true); err != nil {
		return nil, err
	}
	return n, nil
}

type parser struct {
	src []rune
	i   int
}

func (p *parser) eof() bool  { return p.i >= len(p.src) }
func (p *parser) peek() rune { return p.src[p.i] }
func (p *parser) pos() int   { return p.i + 1 }

func (p *parser) skipSpace() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.i++
	}
}

func (p *parser) errAt(pos int, format string, args ...any) error {
	return sqlerr.New(sqlerr.SyntaxError, "syntax error in full-text query at character %d: %s",
		pos, fmt.Sprintf(format, args...)).WithPosition(pos)
}

// keyword reports whether the input at the cursor is the keyword kw as a
// whole word (followed by space, a parenthesis, a quote or the end).
func (p *parser) keyword(kw string) bool {
	n := len(kw)
	if p.i+n > len(p.src) || string(p.src[p.i:p.i+n]) != kw {
		return false
	}
	return p.i+n == len(p.src) || isBreak(p.src[p.i+n])
}

func isBreak(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"'
}

func isWordRune(r rune) bool {
	return !isBreak(r) && r != '*' && r != '~'
}

func (p *parser) or() (Node, error) {
	at := p.pos()
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	kids := []Node{first}
	for {
		p.skipSpace()
		if !p.keyword("OR") {
			break
		}
		orAt := p.pos()
		p.i += 2
		p.skipSpace()
		if p.eof() || p.peek() == ')' || p.keyword("OR") || p.keyword("AND") {
			return nil, p.errAt(orAt, "OR must be followed by a term")
		}
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &Or{Children: flatten[*Or](kids, func(o *Or) []Node { return o.Children }), At: at}, nil
}

func (p *parser) and() (Node, error) {
	p.skipSpace()
	at := p.pos()
	var kids []Node
	for {
		p.skipSpace()
		if p.keyword("OR") && len(kids) == 0 {
			return nil, p.errAt(p.pos(), "OR must follow a term")
		}
		if p.eof() || p.peek() == ')' || p.keyword("OR") {
			break
		}
		if p.keyword("AND") {
			andAt := p.pos()
			if len(kids) == 0 {
				return nil, p.errAt(andAt, "AND must follow a term")
			}
			p.i += 3
			p.skipSpace()
			if p.eof() || p.peek() == ')' || p.keyword("OR") || p.keyword("AND") {
				return nil, p.errAt(andAt, "AND must be followed by a term")
			}
		}
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	switch len(kids) {
	case 0:
		if p.eof() {
			return nil, p.errAt(p.pos(), "expected a term at the end of the query")
		}
		return nil, p.errAt(p.pos(), "expected a term before %q", string(p.peek()))
	case 1:
		return kids[0], nil
	}
	return &And{Children: flatten[*And](kids, func(a *And) []Node { return a.Children }), At: at}, nil
}

// flatten merges children of the same kind into their parent: (a b) c is
// a b c.
func flatten[T Node](kids []Node, children func(T) []Node) []Node {
	var out []Node
	for _, k := range kids {
		if t, ok := k.(T); ok {
			out = append(out, children(t)...)
			continue
		}
		out = append(out, k)
	}
	return out
}

func (p *parser) unary() (Node, error) {
	at := p.pos()
	neg := false
	switch {
	case p.keyword("NOT"):
		p.i += 3
		p.skipSpace()
		neg = true
	case p.peek() == '-':
		p.i++
		if p.eof() || unicode.IsSpace(p.peek()) || p.peek() == ')' {
			return nil, p.errAt(at, "'-' must be followed by a term")
		}
		neg = true
	}
	if neg {
		if p.eof() || p.peek() == ')' || p.keyword("OR") || p.keyword("AND") {
			return nil, p.errAt(at, "NOT must be followed by a term")
		}
		if p.keyword("NOT") || p.peek() == '-' {
			return nil, p.errAt(p.pos(), "double negation")
		}
		n, err := p.primary()
		if err != nil {
			return nil, err
		}
		return &Not{Child: n, At: at}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Node, error) {
	at := p.pos()
	switch r := p.peek(); r {
	case '(':
		p.i++
		p.skipSpace()
		if !p.eof() && p.peek() == ')' {
			return nil, p.errAt(p.pos(), "empty parentheses")
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.eof() {
			return nil, p.errAt(at, "unclosed '('")
		}
		p.i++ // ')': or stops only there or at the end
		return n, nil
	case ')':
		return nil, p.errAt(at, "unmatched ')'")
	case '"':
		return p.phrase("", at)
	case '*', '~':
		return nil, p.errAt(at, "%q must follow a word", string(r))
	}
	field := p.field()
	if field != "" && !p.eof() && p.peek() == '"' {
		return p.phrase(field, at)
	}
	start := p.i
	for !p.eof() && isWordRune(p.peek()) {
		p.i++
	}
	t := &Term{Field: field, Text: string(p.src[start:p.i]), At: at}
	if t.Text == "" {
		return nil, p.errAt(p.pos(), "expected a word after %q", field+":")
	}
	if !p.eof() {
		switch p.peek() {
		case '*':
			p.i++
			t.Prefix = true
		case '~':
			tildeAt := p.pos()
			p.i++
			t.Fuzzy = 2
			if !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
				d := p.peek()
				p.i++
				if d > '2' || (!p.eof() && p.peek() >= '0' && p.peek() <= '9') {
					return nil, p.errAt(tildeAt+1, "edit distance must be 0, 1 or 2")
				}
				t.Fuzzy = int(d - '0')
			}
		}
		if !p.eof() && !isBreak(p.peek()) {
			return nil, p.errAt(p.pos(), "unexpected %q after %s", string(p.peek()), t)
		}
	}
	return t, nil
}

// field consumes "name:" when the cursor is at a field reference: an
// identifier directly followed by ':' and then a word or a quote.
// Otherwise it consumes nothing and the ':' is part of a word ("12:30").
func (p *parser) field() string {
	j := p.i
	for j < len(p.src) && (p.src[j] == '_' || unicode.IsLetter(p.src[j]) || (j > p.i && unicode.IsDigit(p.src[j]))) {
		j++
	}
	if j == p.i || j+1 >= len(p.src) || p.src[j] != ':' || !(p.src[j+1] == '"' || isWordRune(p.src[j+1])) {
		return ""
	}
	name := string(p.src[p.i:j])
	p.i = j + 1
	return name
}

func (p *parser) phrase(field string, at int) (Node, error) {
	open := p.pos()
	p.i++
	start := p.i
	for !p.eof() && p.peek() != '"' {
		p.i++
	}
	if p.eof() {
		return nil, p.errAt(open, "unterminated phrase")
	}
	text := string(p.src[start:p.i])
	p.i++
	if strings.TrimSpace(text) == "" {
		return nil, p.errAt(open, "empty phrase")
	}
	if !p.eof() && !isBreak(p.peek()) {
		return nil, p.errAt(p.pos(), "unexpected %q after a phrase", string(p.peek()))
	}
	return &Phrase{Field: field, Text: text, At: at}, nil
}

// validate rejects trees that could only match by exclusion.
func validate(n Node, root bool) error {
	switch n := n.(type) {
	case *Not:
		if root {
			return exclusionErr(n, "a query of only negated terms")
		}
	case *And:
		positive := false
		for _, k := range n.Children {
			if _, ok := k.(*Not); !ok {
				positive = true
			}
			if err := validate(k, false); err != nil {
				return err
			}
		}
		if !positive {
			return exclusionErr(n, "a group of only negated terms")
		}
	case *Or:
		for _, k := range n.Children {
			if neg, ok := k.(*Not); ok {
				return exclusionErr(neg, "a negated term as an OR alternative")
			}
			if err := validate(k, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func exclusionErr(n Node, what string) error {
	return sqlerr.New(sqlerr.SyntaxError,
		"syntax error in full-text query at character %d: %s would match every document except some; add a term to match",
		n.Pos(), what).WithPosition(n.Pos())
}

// Caret renders the query with a caret under the error's position (one
// column per character), for tests and tools.
func Caret(q string, pos int) string {
	if pos < 1 {
		return q
	}
	return q + "\n" + strings.Repeat(" ", pos-1) + "^"
}
