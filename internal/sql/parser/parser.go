package parser

import (
	"github.com/cairndb/cairn/internal/sql/ast"
)

// maxDepth bounds the nesting of expressions and subqueries, so hostile
// input cannot exhaust the stack.
const maxDepth = 1000

// Parse parses one or more statements separated by semicolons. Empty
// statements (";;") are skipped. On error it returns a *Error.
func Parse(sql string) (stmts []ast.Statement, err error) {
	p := newParser(sql)
	defer p.recover(&err)
	p.next()
	for {
		for p.isOp(";") {
			p.next()
		}
		if p.tok.kind == tEOF {
			return stmts, nil
		}
		stmts = append(stmts, p.statement())
		if p.tok.kind != tEOF && !p.isOp(";") {
			p.syntaxError()
		}
	}
}

// ParseOne parses exactly one statement (a trailing semicolon is allowed).
func ParseOne(sql string) (stmt ast.Statement, err error) {
	p := newParser(sql)
	defer p.recover(&err)
	p.next()
	for p.isOp(";") {
		p.next()
	}
	if p.tok.kind == tEOF {
		return nil, &Error{Code: CodeSyntaxError, Message: "syntax error at end of input", Pos: len(sql)}
	}
	stmt = p.statement()
	for p.isOp(";") {
		p.next()
	}
	if p.tok.kind != tEOF {
		p.syntaxError()
	}
	return stmt, nil
}

// ParseExpr parses a single scalar expression.
func ParseExpr(sql string) (e ast.Expr, err error) {
	p := newParser(sql)
	defer p.recover(&err)
	p.next()
	e = p.expr()
	if p.tok.kind != tEOF {
		p.syntaxError()
	}
	return e, nil
}

// ParseTypeName parses a type name such as "varchar(20)[]".
func ParseTypeName(sql string) (t *ast.TypeName, err error) {
	p := newParser(sql)
	defer p.recover(&err)
	p.next()
	t = p.typeName()
	if p.tok.kind != tEOF {
		p.syntaxError()
	}
	return t, nil
}

// ParseTableName parses a relation name as SQL writes one: public.t,
// T (t), "T" (T). nextval('...') and to_regclass('...') read names so.
func ParseTableName(sql string) (n ast.TableName, err error) {
	p := newParser(sql)
	defer p.recover(&err)
	p.next()
	n = p.tableName()
	if p.tok.kind != tEOF {
		p.syntaxError()
	}
	return n, nil
}

// ParseQualifiedName parses a dotted name as SQL writes one (a.b.c,
// "A".b) into its parts.
func ParseQualifiedName(sql string) (parts []string, err error) {
	p := newParser(sql)
	defer p.recover(&err)
	p.next()
	parts = append(parts, p.ident())
	for p.acceptOp(".") {
		parts = append(parts, p.colLabel())
	}
	if p.tok.kind != tEOF {
		p.syntaxError()
	}
	return parts, nil
}

type parser struct {
	src     string
	lex     lexer
	tok     token
	ahead   [3]token
	nahead  int
	nparams int // SQLite-style ? placeholders seen so far
	depth   int
}

// bailout carries a parse error up the stack to the entry point's recover.
// Only bailouts are recovered: any other panic is a bug and must surface.
type bailout struct{ err *Error }

func newParser(sql string) *parser {
	// The caller primes the first token once its recover is deferred:
	// lexing it can fail.
	return &parser{src: sql, lex: lexer{src: sql}}
}

func (p *parser) recover(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(bailout)
		if !ok {
			panic(r)
		}
		*err = b.err
	}
}

// state is a snapshot for backtracking.
type state struct {
	lex     lexer
	tok     token
	ahead   [3]token
	nahead  int
	nparams int
	depth   int
}

func (p *parser) save() state {
	return state{p.lex, p.tok, p.ahead, p.nahead, p.nparams, p.depth}
}

func (p *parser) restore(s state) {
	p.lex, p.tok, p.ahead, p.nahead, p.nparams, p.depth = s.lex, s.tok, s.ahead, s.nahead, s.nparams, s.depth
}

// try runs f; if it fails, it restores the parser and returns the error.
func (p *parser) try(f func()) (err *Error) {
	s := p.save()
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			p.restore(s)
			err = b.err
		}
	}()
	f()
	return nil
}

// further returns, of the errors of two failed readings of the same
// text (a may be nil), the one that got further: that is the one the
// user's mistake is at, e.g. the subquery's in "IN (SELECT 1 FROM t
// WHERE)" rather than the expression list's at SELECT.
func further(a, b *Error) *Error {
	if a != nil && a.Pos > b.Pos {
		return a
	}
	return b
}

func (p *parser) next() {
	if p.nahead > 0 {
		p.tok = p.ahead[0]
		copy(p.ahead[:], p.ahead[1:p.nahead])
		p.nahead--
	} else {
		p.tok = p.lex.next()
	}
	if p.tok.kind == tError {
		p.lexError(p.tok)
	}
}

// peek returns the token i places after the current one (i >= 1).
func (p *parser) peek(i int) token {
	for p.nahead < i {
		t := p.lex.next()
		if t.kind == tError {
			// Report lexical errors only when the token becomes current.
			t = token{kind: tError, kw: t.kw, str: t.str, pos: t.pos, end: t.end}
		}
		p.ahead[p.nahead] = t
		p.nahead++
	}
	return p.ahead[i-1]
}

func (p *parser) pos() ast.Pos { return ast.Pos(p.tok.pos) }

func (p *parser) fail(pos int32, code, msg string) {
	panic(bailout{&Error{Code: code, Message: msg, Pos: int(pos)}})
}

func (p *parser) lexError(t token) {
	if t.kw != 0 {
		p.fail(t.pos, CodeSyntaxError, t.str)
	}
	near := p.src[t.pos:]
	p.fail(t.pos, CodeSyntaxError, t.str+" at or near \""+near+"\"")
}

// syntaxError fails at the current token.
func (p *parser) syntaxError() {
	if p.tok.kind == tEOF {
		p.fail(p.tok.pos, CodeSyntaxError, "syntax error at end of input")
	}
	p.fail(p.tok.pos, CodeSyntaxError, "syntax error at or near \""+p.src[p.tok.pos:p.tok.end]+"\"")
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok.pos, CodeStackDepthLimit, "statement is too deeply nested")
	}
}

func (p *parser) leave() { p.depth-- }

// isKw reports whether the current token is the (unquoted) keyword kw.
func (p *parser) isKw(kw ast.Keyword) bool { return p.tok.kind == tIdent && p.tok.kw == kw }

func (p *parser) acceptKw(kw ast.Keyword) bool {
	if p.isKw(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKw(kw ast.Keyword) {
	if !p.acceptKw(kw) {
		p.syntaxError()
	}
}

// isWord reports whether the current token is the unquoted non-keyword
// word w (lower case): contextual words like STDIN or PASSWORD-less options.
func (p *parser) isWord(w string) bool {
	return p.tok.kind == tIdent && p.tok.str == w
}

func (p *parser) acceptWord(w string) bool {
	if p.isWord(w) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectWord(w string) {
	if !p.acceptWord(w) {
		p.syntaxError()
	}
}

func (p *parser) isOp(op string) bool { return p.tok.kind == tOp && p.tok.str == op }

func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectOp(op string) {
	if !p.acceptOp(op) {
		p.syntaxError()
	}
}

func tokIsKw(t token, kw ast.Keyword) bool { return t.kind == tIdent && t.kw == kw }
func tokIsOp(t token, op string) bool      { return t.kind == tOp && t.str == op }

// isIdent reports whether the current token can be an identifier: a plain
// word, an unreserved keyword, or a quoted identifier.
func (p *parser) isIdent() bool { return tokIsIdent(p.tok) }

func tokIsIdent(t token) bool {
	switch t.kind {
	case tQIdent:
		return true
	case tIdent:
		return t.kw == ast.KwNone || t.kw.Category() == ast.Unreserved
	}
	return false
}

// ident consumes an identifier and returns its (folded) name.
func (p *parser) ident() string {
	if !p.isIdent() {
		p.syntaxError()
	}
	s := p.tok.str
	p.next()
	return s
}

// colLabel consumes any identifier or keyword: the names allowed after AS
// and after a dot.
func (p *parser) colLabel() string {
	if p.tok.kind != tIdent && p.tok.kind != tQIdent {
		p.syntaxError()
	}
	s := p.tok.str
	p.next()
	return s
}

func (p *parser) identList() []string {
	names := []string{p.ident()}
	for p.acceptOp(",") {
		names = append(names, p.ident())
	}
	return names
}

// parenIdentList parses ( a, b, ... ).
func (p *parser) parenIdentList() []string {
	p.expectOp("(")
	names := p.identList()
	p.expectOp(")")
	return names
}

// tableName parses name or schema.name.
func (p *parser) tableName() ast.TableName {
	n := p.ident()
	if p.isOp(".") {
		p.next()
		return ast.TableName{Schema: n, Name: p.colLabel()}
	}
	return ast.TableName{Name: n}
}

func (p *parser) tableNameList() []ast.TableName {
	names := []ast.TableName{p.tableName()}
	for p.acceptOp(",") {
		names = append(names, p.tableName())
	}
	return names
}

// statement parses one statement.
func (p *parser) statement() ast.Statement {
	if p.tok.kind == tOp && p.tok.str == "(" {
		return p.query()
	}
	if p.tok.kind != tIdent {
		p.syntaxError()
	}
	if p.isWord("comment") && tokIsKw(p.peek(1), ast.KwOn) {
		return p.comment()
	}
	switch {
	case p.isWord("listen"):
		l := &ast.Listen{Pos: p.pos()}
		p.next()
		l.Channel = p.ident()
		return l
	case p.isWord("unlisten"):
		u := &ast.Unlisten{Pos: p.pos()}
		p.next()
		if !p.acceptOp("*") {
			u.Channel = p.ident()
		}
		return u
	case p.isWord("notify"):
		n := &ast.Notify{Pos: p.pos()}
		p.next()
		n.Channel = p.ident()
		if p.acceptOp(",") {
			if p.tok.kind != tString {
				p.syntaxError()
			}
			n.Payload = p.tok.str
			p.next()
		}
		return n
	}
	if p.isWord("refresh") {
		r := &ast.Refresh{Pos: p.pos()}
		p.next()
		p.expectWord("materialized")
		p.expectKw(ast.KwView)
		p.acceptKw(ast.KwConcurrently)
		r.Name = p.tableName()
		if p.acceptKw(ast.KwWith) {
			r.NoData = p.acceptKw(ast.KwNo)
			p.expectWord("data")
		}
		return r
	}
	switch p.tok.kw {
	case ast.KwSelect, ast.KwValues, ast.KwTable:
		q := p.query()
		if sel, ok := q.Body.(*ast.Select); ok && sel.Into != nil {
			// SELECT ... INTO t is CREATE TABLE t AS SELECT ...
			into := sel.Into
			s := *sel
			s.Into = nil
			c := *q
			c.Body = &s
			return &ast.CreateTable{Pos: q.Pos, Temp: into.Temp, Name: into.Name, AsQuery: &c}
		}
		return q
	case ast.KwWith:
		return p.withStatement()
	case ast.KwInsert:
		return p.insert(nil)
	case ast.KwUpdate:
		return p.update(nil)
	case ast.KwDelete:
		return p.delete(nil)
	case ast.KwCreate:
		return p.create()
	case ast.KwDrop:
		return p.drop()
	case ast.KwAlter:
		return p.alter()
	case ast.KwTruncate:
		return p.truncate()
	case ast.KwBegin, ast.KwStart:
		return p.begin()
	case ast.KwCommit, ast.KwEnd:
		return p.commit()
	case ast.KwRollback:
		return p.rollback()
	case ast.KwSavepoint:
		pos := p.pos()
		p.next()
		return &ast.Savepoint{Pos: pos, Name: p.ident()}
	case ast.KwRelease:
		pos := p.pos()
		p.next()
		p.acceptKw(ast.KwSavepoint)
		return &ast.Release{Pos: pos, Name: p.ident()}
	case ast.KwSet:
		return p.set()
	case ast.KwShow:
		return p.show()
	case ast.KwReset:
		return p.reset()
	case ast.KwExplain:
		return p.explain()
	case ast.KwAnalyze, ast.KwAnalyse:
		return p.analyze()
	case ast.KwCopy:
		return p.copyStmt()
	case ast.KwPrepare:
		return p.prepare()
	case ast.KwExecute:
		return p.execute()
	case ast.KwDeallocate:
		return p.deallocate()
	case ast.KwGrant, ast.KwRevoke:
		return p.grant()
	case ast.KwDo:
		return p.doBlock()
	}
	if p.isWord("vacuum") {
		return p.vacuum()
	}
	if p.isWord("call") {
		return p.call()
	}
	if p.isWord("lock") {
		return p.lock()
	}
	if p.isWord("reindex") || p.isWord("cluster") {
		return p.maintain()
	}
	if p.isWord("abort") {
		pos := p.pos()
		p.next()
		p.acceptKw(ast.KwWork)
		p.acceptKw(ast.KwTransaction)
		return &ast.Rollback{Pos: pos}
	}
	p.syntaxError()
	return nil
}

// withStatement parses WITH ... followed by SELECT, INSERT, UPDATE or DELETE.
func (p *parser) withStatement() ast.Statement {
	w := p.with()
	switch {
	case p.isKw(ast.KwInsert):
		return p.insert(w)
	case p.isKw(ast.KwUpdate):
		return p.update(w)
	case p.isKw(ast.KwDelete):
		return p.delete(w)
	}
	q := p.queryAfterWith(w.Pos, w)
	return q
}
