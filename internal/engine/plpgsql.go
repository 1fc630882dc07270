package engine

import (
	"context"
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/plan"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// DO blocks and LANGUAGE plpgsql functions run a subset of PL/pgSQL,
// the part migrations, ORMs and trigger functions write:
//
//	[DECLARE name [CONSTANT] type [NOT NULL] [{:= | = | DEFAULT} expr]; ...]
//	BEGIN statements [EXCEPTION WHEN condition [OR condition] THEN
//	statements ...] END
//
// where a statement is an SQL statement (SELECT ... INTO [STRICT]
// targets and INSERT/UPDATE/DELETE ... RETURNING ... INTO targets
// included), target := expr, a nested block, IF condition THEN ...
// [ELSIF ... THEN ...] [ELSE ...] END IF, CASE [expr] WHEN ... THEN ...
// [ELSE ...] END CASE, GET DIAGNOSTICS v = ROW_COUNT, LOOP, WHILE cond
// LOOP, FOR i
// IN [REVERSE] a..b [BY n] LOOP, FOR rec IN query LOOP (each ... END
// LOOP), FOREACH v IN ARRAY expr LOOP, EXIT [WHEN cond], CONTINUE [WHEN
// cond], NULL, PERFORM query,
// EXECUTE text (dynamic SQL), RAISE [level] 'format' [, expression
// ...], RETURN [expr], RETURN NEXT [expr] and RETURN QUERY query (in a
// set-returning function). A declaration's type may be x%TYPE of a
// variable or a table's column, or t%ROWTYPE (a record of t's columns). Expressions and conditions are SQL; variables
// (and a function's parameters, and a record's fields as rec.field)
// are named parameters of the statements they appear in, which a
// column of the same name hides. FOUND says whether the last SQL
// statement found or wrote a row. A block with an EXCEPTION clause runs
// in a savepoint: an error undoes the block's work and runs the first
// handler whose condition names the error's SQLSTATE (OTHERS: any
// error but a cancel); an error no handler takes goes on up. The rest
// of the language (cursors, labels, FOREACH ... SLICE, GET STACKED
// DIAGNOSTICS) is refused with 0A000.

type plStmt interface{}

type (
	plSQL struct {
		sql    string
		into   []string // SELECT ... INTO targets, lower case ("rec.f" for a field)
		strict bool
	}
	plBlock struct {
		decls    []plDecl
		body     []plStmt
		handlers []plHandler
	}
	plDecl struct {
		name, typ, def    string
		constant, notNull bool
		// typeOf is the variable or table.column of name%TYPE, or the
		// table of name%ROWTYPE (rowType).
		typeOf  string
		rowType bool
	}
	// plGetDiag is GET [CURRENT] DIAGNOSTICS target = ROW_COUNT, ...
	plGetDiag struct{ targets []string }
	plAssign  struct{ target, expr string }
	// plLoop is LOOP (kind "loop"), WHILE cond LOOP ("while"), FOR v IN
	// lo..hi [BY by] LOOP ("fori") or FOR v IN query LOOP ("forq").
	plLoop struct {
		kind       string
		cond       string
		v          string
		lo, hi, by string
		reverse    bool
		query      string
		body       []plStmt
	}
	plExit struct {
		cont bool // CONTINUE
		cond string
	}
	plHandler struct {
		conds []string // condition names, lower case, or "sqlstate:" and a code
		body  []plStmt
	}
	plIf struct {
		conds  []string // SQL boolean expressions, one per IF / ELSIF
		bodies [][]plStmt
		els    []plStmt
		// caseStmt: a CASE statement, which fails (20000) when no WHEN
		// matches and it has no ELSE (hasElse).
		caseStmt, hasElse bool
	}
	plRaise struct {
		level, format string
		args          []string
	}
	plExecute struct{ expr string }
	plReturn  struct{ expr string }
	// plReturnNext is RETURN NEXT [expr] or RETURN QUERY query: rows
	// added to a set-returning function's result.
	plReturnNext struct {
		expr  string
		query bool
	}
)

// plToken is a token of a block's text: a word (lower-cased in word), a
// string constant, a quoted identifier, a number or a symbol; depth is
// the parenthesis depth it is at.
type plToken struct {
	word       string
	start, end int
	depth      int
}

// plLex splits a block's text into tokens, skipping comments; strings
// ('...', E'...', $tag$...$tag$) and quoted identifiers are one token.
func plLex(src string) ([]plToken, error) {
	var toks []plToken
	depth := 0
	for i := 0; i < len(src); {
		c := src[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, plSyntax("unterminated /* comment")
			}
			i += end + 4
			continue
		case c == '\'' || (c == 'E' || c == 'e') && i+1 < len(src) && src[i+1] == '\'':
			if c != '\'' {
				i++
			}
			i++
			for {
				if i >= len(src) {
					return nil, plSyntax("unterminated quoted string")
				}
				if src[i] == '\\' && c != '\'' {
					i += 2
					continue
				}
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i += 2
						continue
					}
					i++
					break
				}
				i++
			}
		case c == '"':
			i++
			for {
				if i >= len(src) {
					return nil, plSyntax("unterminated quoted identifier")
				}
				if src[i] == '"' {
					if i+1 < len(src) && src[i+1] == '"' {
						i += 2
						continue
					}
					i++
					break
				}
				i++
			}
		case c == '$' && i+1 < len(src) && (src[i+1] == '$' || isPlWordStart(src[i+1])):
			j := i + 1
			for j < len(src) && src[j] != '$' && isPlWordChar(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '$' {
				tag := src[i : j+1]
				end := strings.Index(src[j+1:], tag)
				if end < 0 {
					return nil, plSyntax("unterminated dollar-quoted string")
				}
				i = j + 1 + end + len(tag)
			} else {
				i = j // $1, a parameter
			}
		case isPlWordStart(c):
			for i < len(src) && isPlWordChar(src[i]) {
				i++
			}
			toks = append(toks, plToken{word: strings.ToLower(src[start:i]), start: start, end: i, depth: depth})
			continue
		case c >= '0' && c <= '9':
			for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.') {
				i++
			}
		case c == '(':
			toks = append(toks, plToken{start: i, end: i + 1, depth: depth})
			depth++
			i++
			continue
		case c == ')':
			depth--
			i++
		case c == ':' && i+1 < len(src) && src[i+1] == '=':
			i += 2
		default:
			i++
		}
		toks = append(toks, plToken{start: start, end: i, depth: depth})
	}
	return toks, nil
}

func isPlWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isPlWordChar(c byte) bool { return isPlWordStart(c) || c >= '0' && c <= '9' || c == '$' }

func plSyntax(msg string) error {
	return sqlerr.New(sqlerr.SyntaxError, "PL/pgSQL: %s", msg)
}

// plParser parses a block's tokens.
type plParser struct {
	src  string
	toks []plToken
	i    int
}

func (p *plParser) word() string {
	if p.i < len(p.toks) && p.toks[p.i].depth == 0 {
		return p.toks[p.i].word
	}
	return ""
}

func (p *plParser) text(t plToken) string { return p.src[t.start:t.end] }

func (p *plParser) isSym(s string) bool {
	return p.i < len(p.toks) && p.toks[p.i].word == "" && p.text(p.toks[p.i]) == s
}

func (p *plParser) expectWord(w string) error {
	if p.word() != w {
		return p.errHere("expected " + strings.ToUpper(w))
	}
	p.i++
	return nil
}

func (p *plParser) errHere(msg string) error {
	if p.i >= len(p.toks) {
		return plSyntax(msg + " at end of block")
	}
	return plSyntax(msg + " at or near \"" + p.text(p.toks[p.i]) + "\"")
}

// until returns the text from the current token to the first token at
// depth 0 that is the symbol ";" (sym) or the word stop, and moves to it.
func (p *plParser) until(stop string) (string, error) {
	start := p.i
	for p.i < len(p.toks) {
		t := p.toks[p.i]
		if t.depth == 0 && (stop == ";" && t.word == "" && p.text(t) == ";" || t.word == stop) {
			if p.i == start {
				return "", p.errHere("expected an expression")
			}
			return p.src[p.toks[start].start:p.toks[p.i-1].end], nil
		}
		p.i++
	}
	return "", plSyntax("missing \"" + strings.ToUpper(stop) + "\" at end of block")
}

// block parses BEGIN ... END (the BEGIN current).
func (p *plParser) block() (*plBlock, error) {
	b := &plBlock{}
	var err error
	if p.word() == "declare" {
		p.i++
		for p.i < len(p.toks) && p.word() != "begin" {
			d, err := p.decl()
			if err != nil {
				return nil, err
			}
			b.decls = append(b.decls, d)
		}
	}
	if err := p.expectWord("begin"); err != nil {
		return nil, err
	}
	if b.body, err = p.stmts("end", "exception"); err != nil {
		return nil, err
	}
	if p.word() == "exception" {
		p.i++
		for p.word() == "when" {
			p.i++
			h := plHandler{}
			for {
				switch w := p.word(); {
				case w == "sqlstate":
					p.i++
					if p.i >= len(p.toks) || p.toks[p.i].word != "" {
						return nil, p.errHere("expected a SQLSTATE code")
					}
					h.conds = append(h.conds, "sqlstate:"+strings.ToUpper(strings.Trim(p.text(p.toks[p.i]), "'")))
					p.i++
				case w != "" && w != "then":
					h.conds = append(h.conds, w)
					p.i++
				default:
					return nil, p.errHere("expected a condition name")
				}
				if p.word() != "or" {
					break
				}
				p.i++
			}
			if err := p.expectWord("then"); err != nil {
				return nil, err
			}
			if h.body, err = p.stmts("when", "end"); err != nil {
				return nil, err
			}
			b.handlers = append(b.handlers, h)
		}
		if len(b.handlers) == 0 {
			return nil, p.errHere("expected WHEN")
		}
	}
	if err := p.expectWord("end"); err != nil {
		return nil, err
	}
	if w := p.word(); w != "" && w != "if" { // END label
		p.i++
	}
	return b, nil
}

// decl parses one declaration of a DECLARE section and its ";".
func (p *plParser) decl() (plDecl, error) {
	var d plDecl
	if d.name = p.word(); d.name == "" {
		return d, p.errHere("expected a variable name")
	}
	p.i++
	if p.word() == "constant" {
		d.constant = true
		p.i++
	}
	if w := p.word(); w == "alias" || w == "cursor" || w == "refcursor" {
		return d, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: %s declarations are not supported", strings.ToUpper(w))
	}
	start := p.i
	for p.i < len(p.toks) {
		t := p.toks[p.i]
		if t.depth == 0 && (p.isSym(";") || p.isSym(":=") || p.isSym("=") || t.word == "default" || t.word == "not" || t.word == "collate") {
			break
		}
		if p.isSym("%") {
			if p.i+1 < len(p.toks) && p.i > start && (p.toks[p.i+1].word == "type" || p.toks[p.i+1].word == "rowtype") {
				d.typeOf = p.src[p.toks[start].start:p.toks[p.i-1].end]
				d.rowType = p.toks[p.i+1].word == "rowtype"
				p.i += 2
				continue
			}
			return d, p.errHere("expected %TYPE or %ROWTYPE")
		}
		p.i++
	}
	if p.i == start || p.i >= len(p.toks) {
		return d, p.errHere("expected a type")
	}
	d.typ = p.src[p.toks[start].start:p.toks[p.i-1].end]
	if p.word() == "collate" {
		p.i += 2
	}
	if p.word() == "not" {
		p.i++
		if err := p.expectWord("null"); err != nil {
			return d, err
		}
		d.notNull = true
	}
	if p.isSym(":=") || p.isSym("=") || p.word() == "default" {
		p.i++
		def, err := p.until(";")
		if err != nil {
			return d, err
		}
		d.def = def
	} else if d.notNull || d.constant {
		return d, sqlerr.New(sqlerr.SyntaxError, "PL/pgSQL: variable %q must have a default value, since it's declared %s", d.name,
			map[bool]string{true: "CONSTANT", false: "NOT NULL"}[d.constant])
	}
	return d, p.semicolon()
}

// target reads an assignment or INTO target: name or rec.field.
func (p *plParser) target() (string, bool) {
	w := p.word()
	if w == "" {
		return "", false
	}
	if p.i+2 < len(p.toks) && p.toks[p.i+1].word == "" && p.text(p.toks[p.i+1]) == "." && p.toks[p.i+2].word != "" && p.toks[p.i+2].depth == 0 {
		p.i += 3
		return w + "." + p.toks[p.i-1].word, true
	}
	p.i++
	return w, true
}

// loopBody parses a loop's statements and END LOOP [label] ;.
func (p *plParser) loopBody() ([]plStmt, error) {
	body, err := p.stmts("end")
	if err != nil {
		return nil, err
	}
	p.i++
	if err := p.expectWord("loop"); err != nil {
		return nil, err
	}
	if w := p.word(); w != "" { // END LOOP label
		p.i++
	}
	return body, p.semicolon()
}

// stmts parses statements up to one of the stop words.
func (p *plParser) stmts(stops ...string) ([]plStmt, error) {
	var out []plStmt
	for {
		if p.i >= len(p.toks) {
			return nil, plSyntax("missing END at end of block")
		}
		w := p.word()
		for _, s := range stops {
			if w == s {
				return out, nil
			}
		}
		if p.isSym(";") {
			p.i++ // an empty statement
			continue
		}
		st, err := p.stmt()
		if err != nil {
			return nil, err
		}
		if st != nil {
			out = append(out, st)
		}
	}
}

func (p *plParser) semicolon() error {
	if !p.isSym(";") {
		return p.errHere("expected \";\"")
	}
	p.i++
	return nil
}

// elseEnd parses the end of an IF or a CASE: an optional ELSE and its
// statements, then END kw and the ";".
func (p *plParser) elseEnd(kw string) (els []plStmt, hasElse bool, err error) {
	if p.word() == "else" {
		p.i++
		hasElse = true
		if els, err = p.stmts("end"); err != nil {
			return nil, false, err
		}
	}
	if err := p.expectWord("end"); err != nil {
		return nil, false, err
	}
	if err := p.expectWord(kw); err != nil {
		return nil, false, err
	}
	return els, hasElse, p.semicolon()
}

// stmt parses one statement and its ";".
func (p *plParser) stmt() (plStmt, error) {
	switch w := p.word(); w {
	case "begin", "declare":
		b, err := p.block()
		if err != nil {
			return nil, err
		}
		return b, p.semicolon()
	case "if":
		p.i++
		s := &plIf{}
		for {
			cond, err := p.until("then")
			if err != nil {
				return nil, err
			}
			p.i++
			body, err := p.stmts("elsif", "elseif", "else", "end")
			if err != nil {
				return nil, err
			}
			s.conds, s.bodies = append(s.conds, cond), append(s.bodies, body)
			if w := p.word(); w == "elsif" || w == "elseif" {
				p.i++
				continue
			}
			break
		}
		var err error
		s.els, _, err = p.elseEnd("if")
		return s, err
	case "null":
		p.i++
		return nil, p.semicolon()
	case "return":
		p.i++
		if w := p.word(); w == "next" || w == "query" {
			p.i++
			if w == "query" && p.word() == "execute" {
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: RETURN QUERY EXECUTE is not supported")
			}
			x := ""
			if !p.isSym(";") {
				var err error
				if x, err = p.until(";"); err != nil {
					return nil, err
				}
			}
			p.i++
			return plReturnNext{expr: x, query: w == "query"}, nil
		}
		if p.isSym(";") {
			p.i++
			return plReturn{}, nil
		}
		x, err := p.until(";")
		if err != nil {
			return nil, err
		}
		p.i++
		return plReturn{expr: x}, nil
	case "loop":
		p.i++
		body, err := p.loopBody()
		return &plLoop{kind: "loop", body: body}, err
	case "while":
		p.i++
		cond, err := p.until("loop")
		if err != nil {
			return nil, err
		}
		p.i++
		body, err := p.loopBody()
		return &plLoop{kind: "while", cond: cond, body: body}, err
	case "for":
		p.i++
		l := &plLoop{}
		if l.v = p.word(); l.v == "" {
			return nil, p.errHere("expected a loop variable")
		}
		p.i++
		if err := p.expectWord("in"); err != nil {
			return nil, err
		}
		if p.word() == "reverse" {
			l.reverse = true
			p.i++
		}
		if p.word() == "execute" {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: FOR ... IN EXECUTE is not supported")
		}
		isQuery := p.word() == "select" || p.word() == "with" || p.word() == "values" || p.word() == "table"
		rng, err := p.until("loop")
		if err != nil {
			return nil, err
		}
		p.i++
		if isQuery && !l.reverse {
			l.kind, l.query = "forq", rng
		} else {
			l.kind = "fori"
			lo, rest, ok := strings.Cut(rng, "..")
			if !ok {
				return nil, plSyntax("expected lower..upper in FOR loop")
			}
			l.lo, l.hi = strings.TrimSpace(lo), strings.TrimSpace(rest)
			if toks, _ := plLex(rest); len(toks) > 0 {
				for _, t := range toks {
					if t.depth == 0 && t.word == "by" {
						l.hi, l.by = strings.TrimSpace(rest[:t.start]), strings.TrimSpace(rest[t.end:])
						break
					}
				}
			}
		}
		l.body, err = p.loopBody()
		return l, err
	case "exit", "continue":
		p.i++
		x := plExit{cont: w == "continue"}
		if lw := p.word(); lw != "" && lw != "when" {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: loop labels are not supported")
		}
		if p.word() == "when" {
			p.i++
			cond, err := p.until(";")
			if err != nil {
				return nil, err
			}
			x.cond = cond
		}
		return x, p.semicolon()
	case "perform":
		p.i++
		q, err := p.until(";")
		if err != nil {
			return nil, err
		}
		p.i++
		return plSQL{sql: "SELECT " + q}, nil
	case "execute":
		p.i++
		x, err := p.until(";")
		if err != nil {
			return nil, err
		}
		p.i++
		if strings.Contains(strings.ToLower(x), " into ") || strings.Contains(strings.ToLower(x), " using ") {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: EXECUTE ... INTO/USING is not supported")
		}
		return plExecute{expr: x}, nil
	case "raise":
		p.i++
		r := &plRaise{level: "exception"}
		switch p.word() {
		case "debug", "log", "info", "notice", "warning", "exception":
			r.level = p.word()
			p.i++
		}
		if p.i >= len(p.toks) || p.toks[p.i].word != "" || !strings.ContainsAny(p.text(p.toks[p.i])[:1], "'Ee$") {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: RAISE takes a format string here (RAISE level 'text %%', args)")
		}
		rest, err := p.until(";")
		if err != nil {
			return nil, err
		}
		p.i++
		parts := splitTopLevel(rest)
		r.format, r.args = parts[0], parts[1:]
		return r, nil
	case "get":
		p.i++
		if p.word() == "current" {
			p.i++
		}
		if p.word() == "stacked" {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: GET STACKED DIAGNOSTICS is not supported")
		}
		if err := p.expectWord("diagnostics"); err != nil {
			return nil, err
		}
		g := plGetDiag{}
		for {
			t, ok := p.target()
			if !ok || !(p.isSym("=") || p.isSym(":=")) {
				return nil, p.errHere("expected target = ROW_COUNT")
			}
			p.i++
			if p.word() != "row_count" {
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: GET DIAGNOSTICS gives ROW_COUNT only")
			}
			p.i++
			g.targets = append(g.targets, t)
			if !p.isSym(",") {
				break
			}
			p.i++
		}
		return g, p.semicolon()
	case "case":
		p.i++
		s := &plIf{caseStmt: true}
		subject := ""
		if p.word() != "when" {
			x, err := p.until("when")
			if err != nil {
				return nil, err
			}
			subject = x
		}
		for p.word() == "when" {
			p.i++
			cond, err := p.until("then")
			if err != nil {
				return nil, err
			}
			p.i++
			if subject != "" {
				cond = "(" + subject + ") IN (" + cond + ")"
			}
			body, err := p.stmts("when", "else", "end")
			if err != nil {
				return nil, err
			}
			s.conds, s.bodies = append(s.conds, cond), append(s.bodies, body)
		}
		if len(s.conds) == 0 {
			return nil, p.errHere("expected WHEN")
		}
		var err error
		s.els, s.hasElse, err = p.elseEnd("case")
		return s, err
	case "foreach":
		// FOREACH v IN ARRAY expr LOOP ... END LOOP.
		p.i++
		l := &plLoop{kind: "foreach"}
		if l.v = p.word(); l.v == "" {
			return nil, p.errHere("expected a loop variable")
		}
		p.i++
		if p.word() == "slice" {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: FOREACH ... SLICE is not supported")
		}
		if err := p.expectWord("in"); err != nil {
			return nil, err
		}
		if err := p.expectWord("array"); err != nil {
			return nil, err
		}
		x, err := p.until("loop")
		if err != nil {
			return nil, err
		}
		p.i++
		l.query = x
		l.body, err = p.loopBody()
		return l, err
	case "open", "fetch", "close", "assert", "call", "commit", "rollback":
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: %s is not supported", strings.ToUpper(w))
	}
	if p.isSym("<") && p.i+1 < len(p.toks) && p.text(p.toks[p.i+1]) == "<" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: labels (<<name>>) are not supported")
	}
	// target := expr (or =).
	at := p.i
	if t, ok := p.target(); ok && (p.isSym(":=") || p.isSym("=")) {
		p.i++
		x, err := p.until(";")
		if err != nil {
			return nil, err
		}
		p.i++
		return &plAssign{target: t, expr: x}, nil
	}
	p.i = at
	return p.sqlStmt()
}

// sqlStmt parses an SQL statement up to its ";", taking out an INTO
// clause: SELECT's first INTO, or the INTO after a DML statement's
// RETURNING.
func (p *plParser) sqlStmt() (plStmt, error) {
	start := p.i
	if _, err := p.until(";"); err != nil {
		return nil, err
	}
	end := p.i
	p.i++
	st := plSQL{}
	first := p.toks[start].word
	intoAt := -1
	afterReturning := false
	for i := start; i < end; i++ {
		t := p.toks[i]
		if t.depth != 0 {
			continue
		}
		if t.word == "returning" {
			afterReturning = true
		}
		if t.word == "into" && (first == "select" || first == "with" || afterReturning) && i > start {
			intoAt = i
			break
		}
	}
	if intoAt < 0 {
		st.sql = p.src[p.toks[start].start:p.toks[end-1].end]
		return st, nil
	}
	q := &plParser{src: p.src, toks: p.toks[:end], i: intoAt + 1}
	if q.word() == "strict" {
		st.strict = true
		q.i++
	}
	for {
		t, ok := q.target()
		if !ok {
			return nil, q.errHere("expected an INTO target")
		}
		st.into = append(st.into, t)
		if !q.isSym(",") {
			break
		}
		q.i++
	}
	st.sql = p.src[p.toks[start].start:p.toks[intoAt].start]
	if q.i < end {
		st.sql += " " + p.src[p.toks[q.i].start:p.toks[end-1].end]
	}
	return st, nil
}

// splitTopLevel splits s at the commas outside parentheses and quotes.
func splitTopLevel(s string) []string {
	toks, err := plLex(s)
	if err != nil {
		return []string{s}
	}
	var out []string
	from := 0
	for _, t := range toks {
		if t.depth == 0 && t.word == "" && s[t.start:t.end] == "," {
			out = append(out, strings.TrimSpace(s[from:t.start]))
			from = t.end
		}
	}
	return append(out, strings.TrimSpace(s[from:]))
}

// plConditions are the condition names a handler may use, by SQLSTATE
// (a class's code ends in 000 and takes the class's errors).
var plConditions = map[string]string{
	"duplicate_object": "42710", "duplicate_table": "42P07", "duplicate_column": "42701", "duplicate_schema": "42P06",
	"duplicate_function": "42723", "duplicate_database": "42P04", "duplicate_alias": "42712",
	"unique_violation": "23505", "foreign_key_violation": "23503", "not_null_violation": "23502",
	"check_violation": "23514", "exclusion_violation": "23P01", "integrity_constraint_violation": "23000",
	"undefined_table": "42P01", "undefined_object": "42704", "undefined_column": "42703", "undefined_function": "42883",
	"invalid_text_representation": "22P02", "division_by_zero": "22012", "numeric_value_out_of_range": "22003",
	"string_data_right_truncation": "22001", "data_exception": "22000", "invalid_parameter_value": "22023",
	"feature_not_supported": "0A000", "raise_exception": "P0001", "insufficient_privilege": "42501",
	"serialization_failure": "40001", "deadlock_detected": "40P01", "syntax_error": "42601",
	"datatype_mismatch": "42804", "wrong_object_type": "42809", "invalid_table_definition": "42P16",
	"dependent_objects_still_exist": "2BP01", "object_in_use": "55006", "lock_not_available": "55P03",
	"syntax_error_or_access_rule_violation": "42000", "invalid_column_reference": "42P10",
}

// plMatches reports whether a handler's condition takes an error of
// SQLSTATE code.
func plMatches(cond, code string) (bool, error) {
	if cond == "others" {
		return code != "57014", nil // not a cancel
	}
	want, ok := plConditions[cond]
	if code, isCode := strings.CutPrefix(cond, "sqlstate:"); isCode {
		want, ok = code, len(code) == 5
	}
	if !ok {
		return false, sqlerr.New(sqlerr.UndefinedObject, "unrecognized exception condition %q", strings.TrimPrefix(cond, "sqlstate:"))
	}
	if strings.HasSuffix(want, "000") {
		return strings.HasPrefix(code, want[:2]), nil
	}
	return code == want, nil
}

// errPlReturn ends a block's run early (RETURN).
type errPlReturn struct{}

func (errPlReturn) Error() string { return "RETURN" }

// runDo runs a DO block in txn.
func (e *Engine) runDo(ctx context.Context, txn *mvcc.Txn, st *ast.Do, ec *builtins.EvalContext, notes *Session) (Result, error) {
	b, err := parsePL(st.Body)
	if err != nil {
		return Result{}, err
	}
	r := &plRunner{e: e, ctx: ctx, txn: txn, ec: ec, notes: notes}
	r.vars = append(r.vars, plVar{name: "found", typ: types.Bool, val: types.NewBool(false)})
	if err := r.run(b); err != nil {
		return Result{}, err
	}
	return Result{Tag: "DO"}, nil
}

// parsePL parses a block's text.
func parsePL(src string) (*plBlock, error) {
	toks, err := plLex(src)
	if err != nil {
		return nil, err
	}
	p := &plParser{src: src, toks: toks}
	b, err := p.block()
	if err != nil {
		return nil, err
	}
	if p.isSym(";") {
		p.i++
	}
	if p.i < len(p.toks) {
		return nil, p.errHere("expected the end of the block")
	}
	return b, nil
}

// plVar is a variable of a running block: a declared variable, a
// function's parameter, FOUND, or a field of a record (name
// "rec.field").
type plVar struct {
	name     string
	typ      types.Type
	val      types.Datum
	constant bool
	notNull  bool
}

type plRunner struct {
	e     *Engine
	ctx   context.Context
	txn   *mvcc.Txn
	ec    *builtins.EvalContext
	notes *Session
	// vars are the variables in scope, outermost first: a name means
	// the last variable of that name (an inner block's hides an outer
	// one's), and variable i is parameter $i+1 of each statement.
	vars []plVar
	// ret is what RETURN returned (retSet: a RETURN with an expression
	// ran), retExpr its text (a trigger function's RETURN NEW).
	ret     types.Datum
	retType types.Type
	retSet  bool
	retExpr string
	// wantRet is the function's result type when the runner evaluates
	// RETURN expressions (nil type for a DO block or a trigger).
	wantRet types.Type
	// For a set-returning function: its columns (outVars: RETURNS
	// TABLE's, which are variables too, from the variable outAt on) and
	// the rows RETURN NEXT and RETURN QUERY added.
	setCols []builtins.RoutineCol
	outVars bool
	outAt   int
	setRows [][]types.Datum
	// rowCount is the rows the last SQL statement returned or wrote
	// (GET DIAGNOSTICS ... ROW_COUNT).
	rowCount int64
}

// returnNext is RETURN NEXT [expr] and RETURN QUERY query.
func (r *plRunner) returnNext(s plReturnNext) error {
	if r.setCols == nil {
		return sqlerr.New(sqlerr.Code("42804"), "cannot use RETURN NEXT in a non-SETOF function")
	}
	add := func(row []types.Datum, ts []types.Type) error {
		if len(row) != len(r.setCols) {
			return sqlerr.New(sqlerr.DatatypeMismatch, "structure of query does not match function result type").
				WithDetail("Number of returned columns (%d) does not match expected column count (%d).", len(row), len(r.setCols))
		}
		out := make([]types.Datum, len(row))
		for i, v := range row {
			out[i] = v
			if !v.IsNull() && !types.Equivalent(ts[i], r.setCols[i].Type) {
				var err error
				if out[i], err = types.Cast(v, ts[i], r.setCols[i].Type, types.CastAssignment); err != nil {
					return err
				}
			}
		}
		r.setRows = append(r.setRows, out)
		return nil
	}
	switch {
	case s.query:
		res, err := r.exec(s.expr, true)
		if err != nil {
			return err
		}
		ts := make([]types.Type, len(res.Columns))
		for i, c := range res.Columns {
			ts[i] = c.Type
		}
		for _, row := range res.Rows {
			if err := add(row, ts); err != nil {
				return err
			}
		}
		return nil
	case s.expr == "" && r.outVars:
		row := make([]types.Datum, len(r.setCols))
		ts := make([]types.Type, len(r.setCols))
		for i := range r.setCols {
			row[i], ts[i] = r.vars[r.outAt+i].val, r.vars[r.outAt+i].typ
		}
		return add(row, ts)
	case s.expr == "":
		return sqlerr.New(sqlerr.SyntaxError, "RETURN NEXT must have a parameter")
	case len(r.setCols) != 1:
		return sqlerr.New(sqlerr.FeatureNotSupported, "RETURN NEXT of an expression in a function returning rows of %d columns is not supported; use RETURN QUERY", len(r.setCols))
	}
	v, t, err := r.typedValue(s.expr, r.setCols[0].Type)
	if err != nil {
		return err
	}
	return add([]types.Datum{v}, []types.Type{t})
}

// errPlExit is EXIT or CONTINUE on its way to the innermost loop.
type errPlExit struct{ cont bool }

func (errPlExit) Error() string { return "EXIT outside a loop" }

// run runs a top-level block: RETURN ends it.
func (r *plRunner) run(b *plBlock) error {
	err := r.block(b)
	switch err.(type) {
	case errPlReturn:
		return nil
	case errPlExit:
		return sqlerr.New(sqlerr.SyntaxError, "PL/pgSQL: EXIT or CONTINUE cannot be used outside a loop")
	}
	return err
}

func (r *plRunner) block(b *plBlock) error {
	depth := len(r.vars)
	defer func() { r.vars = r.vars[:depth] }()
	for _, d := range b.decls {
		if err := r.declare(d); err != nil {
			return err
		}
	}
	if len(b.handlers) == 0 {
		return r.stmts(b.body)
	}
	sp := r.txn.Savepoint()
	err := r.stmts(b.body)
	if err == nil || r.ctx.Err() != nil {
		return err
	}
	switch err.(type) {
	case errPlReturn, errPlExit:
		return err
	}
	code := string(sqlerr.CodeOf(err))
	for _, h := range b.handlers {
		for _, c := range h.conds {
			ok, cerr := plMatches(c, code)
			if cerr != nil {
				return cerr
			}
			if ok {
				if rerr := r.txn.RollbackTo(sp); rerr != nil {
					return rerr
				}
				return r.stmts(h.body)
			}
		}
	}
	return err
}

// declare adds a DECLARE section's variable, set to its default.
func (r *plRunner) declare(d plDecl) error {
	v := plVar{name: d.name, constant: d.constant, notNull: d.notNull, val: types.Null}
	if strings.EqualFold(strings.TrimSpace(d.typ), "record") {
		v.typ = types.Unknown // a record: its fields are set by SELECT INTO or FOR
		r.vars = append(r.vars, v)
		return nil
	}
	if d.rowType {
		// A record with the table's columns as its fields, NULL.
		t, err := catalog.Get(r.txn, strings.ToLower(strings.TrimSpace(d.typeOf)))
		if err != nil {
			return err
		}
		var cols []Column
		for i := range t.Columns {
			c := &t.Columns[i]
			if c.Hidden {
				continue
			}
			ct, err := plan.ColumnType(c)
			if err != nil {
				return err
			}
			cols = append(cols, Column{Name: c.Name, Type: ct})
		}
		v.typ = types.Unknown
		r.vars = append(r.vars, v)
		r.setRecord(d.name, cols, nil)
		return nil
	}
	var err error
	if d.typeOf != "" {
		if v.typ, err = r.typeOf(d.typeOf); err != nil {
			return err
		}
	} else {
		tn, err := parser.ParseTypeName(d.typ)
		if err != nil {
			return err
		}
		if v.typ, err = plan.NewBinder(r.txn, d.typ, nil).ResolveType(tn); err != nil {
			return err
		}
	}
	if d.def != "" {
		if v.val, err = r.value(d.def, v.typ); err != nil {
			return err
		}
	}
	if v.notNull && v.val.IsNull() {
		return sqlerr.New(sqlerr.NullValueNotAllowed, "null value cannot be assigned to variable %q declared NOT NULL", d.name)
	}
	r.vars = append(r.vars, v)
	return nil
}

// typeOf is the type x%TYPE names: a variable's, or a table column's
// (table.column).
func (r *plRunner) typeOf(x string) (types.Type, error) {
	x = strings.ToLower(strings.TrimSpace(x))
	if i := r.lookup(x); i >= 0 && r.vars[i].typ.Family() != types.UnknownFamily {
		return r.vars[i].typ, nil
	}
	table, col, ok := strings.Cut(x, ".")
	if !ok {
		return types.Type{}, sqlerr.New(sqlerr.UndefinedObject, "variable %q does not exist", x)
	}
	d, err := catalog.Get(r.txn, table)
	if err != nil {
		return types.Type{}, err
	}
	c := d.Column(col)
	if c == nil {
		return types.Type{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", col, table)
	}
	return plan.ColumnType(c)
}

// lookup returns the index of the variable named name, -1 for none.
func (r *plRunner) lookup(name string) int {
	for i := len(r.vars) - 1; i >= 0; i-- {
		if r.vars[i].name == name {
			return i
		}
	}
	return -1
}

// assign sets a variable (or a record's field) from a value of type t.
func (r *plRunner) assign(target string, v types.Datum, t types.Type) error {
	i := r.lookup(target)
	if i < 0 {
		if rec, _, ok := strings.Cut(target, "."); ok && r.lookup(rec) >= 0 {
			return sqlerr.New(sqlerr.UndefinedColumn, "record %q has no field %q", rec, target[len(rec)+1:])
		}
		return sqlerr.New(sqlerr.SyntaxError, "PL/pgSQL: %q is not a known variable", target)
	}
	x := &r.vars[i]
	if x.constant {
		return sqlerr.New(sqlerr.Code("22005"), "variable %q is declared CONSTANT", target)
	}
	if x.typ.Family() == types.UnknownFamily {
		return sqlerr.New(sqlerr.FeatureNotSupported, "PL/pgSQL: assigning to record %q as a whole is not supported; use SELECT ... INTO %s", target, target)
	}
	if !v.IsNull() && !types.Equivalent(t, x.typ) {
		var err error
		if v, err = types.Cast(v, t, x.typ, types.CastAssignment); err != nil {
			return err
		}
	}
	if x.notNull && v.IsNull() {
		return sqlerr.New(sqlerr.NullValueNotAllowed, "null value cannot be assigned to variable %q declared NOT NULL", target)
	}
	x.val = v
	return nil
}

// setRecord makes rec's fields the given columns' values (nil vals:
// NULLs).
func (r *plRunner) setRecord(rec string, cols []Column, vals []types.Datum) {
	prefix := rec + "."
	kept := r.vars[:0]
	for _, v := range r.vars {
		if !strings.HasPrefix(v.name, prefix) {
			kept = append(kept, v)
		}
	}
	r.vars = kept
	for i, c := range cols {
		v := types.Null
		if vals != nil {
			v = vals[i]
		}
		r.vars = append(r.vars, plVar{name: prefix + strings.ToLower(c.Name), typ: c.Type, val: v})
	}
}

func (r *plRunner) setFound(found bool) {
	if i := r.lookup("found"); i >= 0 {
		r.vars[i].val = types.NewBool(found)
	}
}

func (r *plRunner) stmts(body []plStmt) error {
	for _, s := range body {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		var err error
		switch s := s.(type) {
		case *plBlock:
			err = r.block(s)
		case plSQL:
			err = r.sqlInto(s)
		case *plAssign:
			err = r.assignStmt(s)
		case plExecute:
			var v types.Datum
			if v, err = r.value(s.expr, types.Text); err == nil {
				if v.IsNull() {
					err = sqlerr.New(sqlerr.NullValueNotAllowed, "query string argument of EXECUTE is null")
				} else {
					_, err = r.exec(v.Str(), false)
				}
			}
		case *plIf:
			err = r.ifStmt(s)
		case *plLoop:
			err = r.loop(s)
		case plExit:
			err = r.exitStmt(s)
		case *plRaise:
			err = r.raise(s)
		case plReturn:
			err = r.returnStmt(s)
		case plReturnNext:
			err = r.returnNext(s)
		case plGetDiag:
			for _, t := range s.targets {
				if err = r.assign(t, types.NewInt8(r.rowCount), types.Int8); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// params returns the statements' parameters: the variables' names,
// types and values.
func (r *plRunner) params() (map[string]int, []types.Type, []types.Datum) {
	names := make(map[string]int, len(r.vars))
	ts := make([]types.Type, len(r.vars))
	vals := make([]types.Datum, len(r.vars))
	for i, v := range r.vars {
		if v.name != "" && v.typ.Family() != types.UnknownFamily {
			names[v.name] = i + 1
		}
		ts[i], vals[i] = v.typ, v.val
		if v.typ.Family() == types.UnknownFamily {
			ts[i] = types.Text // a record, unreferenced as a whole
		}
	}
	return names, ts, vals
}

// exec runs the SQL statements of text with the variables as named
// parameters (none for dynamic SQL, literal), returning the last one's
// result.
func (r *plRunner) exec(text string, withVars bool) (Result, error) {
	cache := cacheOf(r.ctx)
	if !withVars {
		cache = nil // dynamic SQL: its text changes
	}
	stmts, err := cache.parse(text)
	if err != nil {
		return Result{}, err
	}
	var names map[string]int
	var ts []types.Type
	var vals []types.Datum
	var pnames []string
	if withVars {
		names, ts, vals = r.params()
		pnames = make([]string, len(r.vars))
		for i, v := range r.vars {
			if v.typ.Family() != types.UnknownFamily {
				pnames[i] = v.name
			}
		}
	}
	var res Result
	for i, stmt := range stmts {
		key := text
		if len(stmts) > 1 {
			key = strconv.Itoa(i) + "\x00" + text
		}
		if res, err = r.e.runNamed(r.ctx, r.txn, stmt, planKey(key, ts, pnames), ts, vals, names, r.ec, r.notes); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// sqlInto runs an SQL statement, its first row going INTO its targets.
func (r *plRunner) sqlInto(s plSQL) error {
	res, err := r.exec(s.sql, true)
	if err != nil {
		return err
	}
	r.rowCount = max(int64(len(res.Rows)), res.RowsAffected)
	found := len(res.Rows) > 0 || res.RowsAffected > 0
	if len(s.into) == 0 {
		r.setFound(found)
		return nil
	}
	switch {
	case s.strict && len(res.Rows) == 0:
		return sqlerr.New(sqlerr.Code("P0002"), "query returned no rows")
	case s.strict && len(res.Rows) > 1:
		return sqlerr.New(sqlerr.Code("P0003"), "query returned more than one row")
	}
	var row []types.Datum
	if len(res.Rows) > 0 {
		row = res.Rows[0]
	}
	if len(s.into) == 1 {
		if i := r.lookup(s.into[0]); i >= 0 && r.vars[i].typ.Family() == types.UnknownFamily {
			r.setRecord(s.into[0], res.Columns, row)
			r.setFound(len(res.Rows) > 0)
			return nil
		}
	}
	for i, t := range s.into {
		v, vt := types.Null, types.Unknown
		if i < len(res.Columns) {
			vt = res.Columns[i].Type
			if row != nil {
				v = row[i]
			}
		}
		if err := r.assign(t, v, vt); err != nil {
			return err
		}
	}
	r.setFound(len(res.Rows) > 0)
	return nil
}

// value evaluates an SQL expression as type t (any type for Unknown).
func (r *plRunner) value(expr string, t types.Type) (types.Datum, error) {
	v, _, err := r.typedValue(expr, t)
	return v, err
}

func (r *plRunner) typedValue(expr string, t types.Type) (types.Datum, types.Type, error) {
	q := "SELECT (" + expr + ")"
	if t.Family() != types.UnknownFamily {
		q += "::" + t.String()
	}
	res, err := r.exec(q, true)
	if err != nil {
		return types.Null, types.Type{}, err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return types.Null, types.Type{}, sqlerr.New(sqlerr.Code("21000"), "query %q returned %d rows", expr, len(res.Rows))
	}
	return res.Rows[0][0], res.Columns[0].Type, nil
}

func (r *plRunner) assignStmt(s *plAssign) error {
	i := r.lookup(s.target)
	if i < 0 {
		return r.assign(s.target, types.Null, types.Unknown) // the error
	}
	v, vt, err := r.typedValue(s.expr, r.vars[i].typ)
	if err != nil {
		return err
	}
	return r.assign(s.target, v, vt)
}

// returnStmt is RETURN [expr]: a function's result (a trigger
// function's NEW, OLD or NULL is kept as text for the trigger).
func (r *plRunner) returnStmt(s plReturn) error {
	r.retExpr = strings.TrimSpace(s.expr)
	if s.expr != "" && r.wantRet.Family() != types.UnknownFamily {
		v, vt, err := r.typedValue(s.expr, r.wantRet)
		if err != nil {
			return err
		}
		r.ret, r.retType, r.retSet = v, vt, true
	}
	return errPlReturn{}
}

func (r *plRunner) exitStmt(s plExit) error {
	if s.cond != "" {
		v, err := r.value(s.cond, types.Bool)
		if err != nil {
			return err
		}
		if v.IsNull() || !v.Bool() {
			return nil
		}
	}
	return errPlExit{cont: s.cont}
}

// maxLoopIterations guards against a loop that never ends while its
// context never ends either (an embedded caller without a deadline):
// PostgreSQL would run it until cancelled.
const maxLoopIterations = 100_000_000

// loop runs LOOP, WHILE and FOR; EXIT leaves it, CONTINUE starts its
// next iteration.
func (r *plRunner) loop(l *plLoop) error {
	iteration := func() (bool, error) {
		err := r.stmts(l.body)
		if x, ok := err.(errPlExit); ok {
			return !x.cont, nil
		}
		return false, err
	}
	switch l.kind {
	case "loop", "while":
		for n := 0; n < maxLoopIterations; n++ {
			if l.kind == "while" {
				v, err := r.value(l.cond, types.Bool)
				if err != nil {
					return err
				}
				if v.IsNull() || !v.Bool() {
					return nil
				}
			}
			if stop, err := iteration(); stop || err != nil {
				return err
			}
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		return sqlerr.New(sqlerr.Code("54000"), "PL/pgSQL: loop ran %d times", maxLoopIterations)
	case "fori":
		lo, err := r.value(l.lo, types.Int8)
		if err != nil {
			return err
		}
		hi, err := r.value(l.hi, types.Int8)
		if err != nil {
			return err
		}
		by := types.NewInt8(1)
		if l.by != "" {
			if by, err = r.value(l.by, types.Int8); err != nil {
				return err
			}
		}
		if lo.IsNull() || hi.IsNull() || by.IsNull() {
			return sqlerr.New(sqlerr.NullValueNotAllowed, "lower bound, upper bound and BY value of FOR loop cannot be null")
		}
		if by.Int() <= 0 {
			return sqlerr.New(sqlerr.InvalidParameterValue, "BY value of FOR loop must be greater than zero")
		}
		depth := len(r.vars)
		defer func() { r.vars = r.vars[:depth] }()
		r.vars = append(r.vars, plVar{name: l.v, typ: types.Int4})
		step := by.Int()
		if l.reverse {
			step = -step
		}
		ran := false
		for i := lo.Int(); l.reverse && i >= hi.Int() || !l.reverse && i <= hi.Int(); i += step {
			ran = true
			r.vars[depth].val = types.NewInt4(int32(i))
			if stop, err := iteration(); stop || err != nil {
				r.setFound(true)
				return err
			}
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		r.setFound(ran)
		return nil
	}
	if l.kind == "foreach" {
		arr, err := r.value(l.query, types.Unknown)
		if err != nil {
			return err
		}
		if arr.IsNull() {
			return sqlerr.New(sqlerr.NullValueNotAllowed, "FOREACH expression must not be null")
		}
		if arr.Array() == nil {
			return sqlerr.New(sqlerr.DatatypeMismatch, "FOREACH expression must yield an array, not type %s", types.TypeOfDatum(arr))
		}
		at := types.TypeOfDatum(arr)
		for _, el := range arr.Array().Elems {
			if err := r.assign(l.v, el, at.Elem()); err != nil {
				return err
			}
			if stop, err := iteration(); stop || err != nil {
				return err
			}
		}
		return nil
	}
	// FOR rec IN query: the rows are read first, then the body runs
	// once per row with rec's fields set.
	res, err := r.exec(l.query, true)
	if err != nil {
		return err
	}
	if i := r.lookup(l.v); i < 0 || r.vars[i].typ.Family() != types.UnknownFamily {
		if i < 0 {
			return sqlerr.New(sqlerr.SyntaxError, "PL/pgSQL: loop variable of loop over rows must be a record variable")
		}
		// A scalar loop variable takes the first column.
		for _, row := range res.Rows {
			if err := r.assign(l.v, row[0], res.Columns[0].Type); err != nil {
				return err
			}
			if stop, err := iteration(); stop || err != nil {
				return err
			}
		}
		r.setFound(len(res.Rows) > 0)
		return nil
	}
	for _, row := range res.Rows {
		r.setRecord(l.v, res.Columns, row)
		if stop, err := iteration(); stop || err != nil {
			r.setFound(true)
			return err
		}
	}
	r.setFound(len(res.Rows) > 0)
	return nil
}

func (r *plRunner) ifStmt(s *plIf) error {
	for i, c := range s.conds {
		v, err := r.value(c, types.Bool)
		if err != nil {
			return err
		}
		if !v.IsNull() && v.Bool() {
			return r.stmts(s.bodies[i])
		}
	}
	if s.caseStmt && !s.hasElse {
		return sqlerr.New(sqlerr.Code("20000"), "case not found").WithHint("CASE statement is missing ELSE part.")
	}
	return r.stmts(s.els)
}

// raise is RAISE: EXCEPTION fails with P0001 and the formatted message
// (each % the next argument's text, %% a %); NOTICE, WARNING and INFO
// send it to the client as a notice; LOG and DEBUG go nowhere (below
// client_min_messages, as PostgreSQL's default).
func (r *plRunner) raise(s *plRaise) error {
	severity := map[string]string{"notice": "NOTICE", "warning": "WARNING", "info": "INFO"}[s.level]
	if s.level != "exception" && severity == "" {
		return nil
	}
	f, err := r.value(s.format, types.Text)
	if err != nil {
		return err
	}
	var b strings.Builder
	args := s.args
	format := f.Str()
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			b.WriteByte(format[i])
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		if len(args) == 0 {
			return sqlerr.New(sqlerr.SyntaxError, "too few parameters specified for RAISE")
		}
		v, err := r.value(args[0], types.Text)
		if err != nil {
			return err
		}
		args = args[1:]
		if v.IsNull() {
			b.WriteString("<NULL>")
		} else {
			b.WriteString(v.Str())
		}
	}
	if len(args) > 0 {
		return sqlerr.New(sqlerr.SyntaxError, "too many parameters specified for RAISE")
	}
	if severity != "" {
		code := sqlerr.Code("00000")
		if severity == "WARNING" {
			code = "01000"
		}
		r.ec.SendNotice(severity, code, "%s", b.String())
		return nil
	}
	return sqlerr.New(sqlerr.Code("P0001"), "%s", b.String())
}
