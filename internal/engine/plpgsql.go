package engine

import (
	"context"
	"strings"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// DO blocks run a subset of PL/pgSQL, the part migrations and ORMs
// write (Drizzle wraps each enum and foreign key in one):
//
//	[DECLARE is refused] BEGIN statements [EXCEPTION WHEN condition [OR
//	condition] THEN statements ...] END
//
// where a statement is an SQL statement, a nested block, IF condition
// THEN ... [ELSIF ... THEN ...] [ELSE ...] END IF, NULL, PERFORM query,
// EXECUTE text (dynamic SQL), RAISE [level] 'format' [, expression ...]
// or RETURN. Conditions of IF are SQL boolean expressions. A block with
// an EXCEPTION clause runs in a savepoint: an error undoes the block's
// work and runs the first handler whose condition names the error's
// SQLSTATE (OTHERS: any error but a cancel); an error no handler takes
// goes on up. Variables, loops and the rest of the language are refused
// with 0A000.

type plStmt interface{}

type (
	plSQL   struct{ sql string }
	plBlock struct {
		body     []plStmt
		handlers []plHandler
	}
	plHandler struct {
		conds []string // condition names, lower case, or "sqlstate:" and a code
		body  []plStmt
	}
	plIf struct {
		conds  []string // SQL boolean expressions, one per IF / ELSIF
		bodies [][]plStmt
		els    []plStmt
	}
	plRaise struct {
		level, format string
		args          []string
	}
	plExecute struct{ expr string }
	plReturn  struct{}
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
	return sqlerr.New(sqlerr.SyntaxError, "DO block: %s", msg)
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
	if p.word() == "declare" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DO block: DECLARE (variables) is not supported; cairn runs blocks of SQL statements, IF, RAISE and EXCEPTION handlers")
	}
	if err := p.expectWord("begin"); err != nil {
		return nil, err
	}
	b := &plBlock{}
	var err error
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
		if p.word() == "else" {
			p.i++
			var err error
			if s.els, err = p.stmts("end"); err != nil {
				return nil, err
			}
		}
		if err := p.expectWord("end"); err != nil {
			return nil, err
		}
		if err := p.expectWord("if"); err != nil {
			return nil, err
		}
		return s, p.semicolon()
	case "null":
		p.i++
		return nil, p.semicolon()
	case "return":
		p.i++
		return plReturn{}, p.semicolon()
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
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DO block: EXECUTE ... INTO/USING is not supported")
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
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DO block: RAISE takes a format string here (RAISE level 'text %%', args)")
		}
		rest, err := p.until(";")
		if err != nil {
			return nil, err
		}
		p.i++
		parts := splitTopLevel(rest)
		r.format, r.args = parts[0], parts[1:]
		return r, nil
	case "loop", "for", "while", "foreach", "exit", "continue", "case", "get", "open", "fetch", "close", "assert", "call", "commit", "rollback":
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DO block: %s is not supported; cairn runs blocks of SQL statements, IF, RAISE and EXCEPTION handlers", strings.ToUpper(w))
	}
	if p.i+1 < len(p.toks) && p.toks[p.i+1].word == "" && p.text(p.toks[p.i+1]) == ":=" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DO block: variables are not supported")
	}
	q, err := p.until(";")
	if err != nil {
		return nil, err
	}
	p.i++
	return plSQL{sql: q}, nil
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
	if err := r.block(b); err != nil {
		if _, ok := err.(errPlReturn); !ok {
			return Result{}, err
		}
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

type plRunner struct {
	e     *Engine
	ctx   context.Context
	txn   *mvcc.Txn
	ec    *builtins.EvalContext
	notes *Session
}

func (r *plRunner) block(b *plBlock) error {
	if len(b.handlers) == 0 {
		return r.stmts(b.body)
	}
	sp := r.txn.Savepoint()
	err := r.stmts(b.body)
	if err == nil || r.ctx.Err() != nil {
		return err
	}
	if _, ok := err.(errPlReturn); ok {
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
			err = r.sql(s.sql)
		case plExecute:
			var v types.Datum
			if v, err = r.value(s.expr, types.Text); err == nil {
				if v.IsNull() {
					err = sqlerr.New(sqlerr.NullValueNotAllowed, "query string argument of EXECUTE is null")
				} else {
					err = r.sql(v.Str())
				}
			}
		case *plIf:
			err = r.ifStmt(s)
		case *plRaise:
			err = r.raise(s)
		case plReturn:
			err = errPlReturn{}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sql runs one SQL statement of the block.
func (r *plRunner) sql(text string) error {
	stmts, err := parser.Parse(text)
	if err != nil {
		return err
	}
	for _, stmt := range stmts {
		switch stmt.(type) {
		case *ast.Begin, *ast.Commit, *ast.Rollback, *ast.Savepoint, *ast.Release:
			return sqlerr.New(sqlerr.FeatureNotSupported, "DO block: transaction control (%s) is not supported", statementName(stmt))
		}
		if _, err := r.e.run(r.ctx, r.txn, stmt, nil, r.ec, r.notes); err != nil {
			return err
		}
	}
	return nil
}

// value evaluates an SQL expression of the block as type t.
func (r *plRunner) value(expr string, t types.Type) (types.Datum, error) {
	q, err := parser.ParseOne("SELECT (" + expr + ")::" + t.String())
	if err != nil {
		return types.Null, err
	}
	res, err := r.e.run(r.ctx, r.txn, q, nil, r.ec, r.notes)
	if err != nil {
		return types.Null, err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return types.Null, sqlerr.New(sqlerr.Code("21000"), "query %q returned %d rows", expr, len(res.Rows))
	}
	return res.Rows[0][0], nil
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
