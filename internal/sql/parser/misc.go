package parser

import (
	"github.com/cairndb/cairn/internal/sql/ast"
)

// txModes parses transaction modes, separated by optional commas.
func (p *parser) txModes() ast.TxModes {
	var m ast.TxModes
	for {
		switch {
		case p.acceptKw(ast.KwIsolation):
			p.expectKw(ast.KwLevel)
			switch {
			case p.acceptKw(ast.KwSerializable):
				m.Isolation = "serializable"
			case p.acceptKw(ast.KwRepeatable):
				p.expectKw(ast.KwRead)
				m.Isolation = "repeatable read"
			case p.acceptKw(ast.KwRead):
				if p.acceptKw(ast.KwCommitted) {
					m.Isolation = "read committed"
				} else {
					p.expectKw(ast.KwUncommitted)
					m.Isolation = "read uncommitted"
				}
			default:
				p.syntaxError()
			}
		case p.acceptKw(ast.KwRead):
			if p.acceptKw(ast.KwOnly) {
				m.Access = ast.ReadOnly
			} else {
				p.expectKw(ast.KwWrite)
				m.Access = ast.ReadWrite
			}
		case p.acceptKw(ast.KwDeferrable):
			m.Deferrable = 1
		case p.isKw(ast.KwNot) && tokIsKw(p.peek(1), ast.KwDeferrable):
			p.next()
			p.next()
			m.Deferrable = -1
		default:
			return m
		}
		p.acceptOp(",")
	}
}

func (p *parser) begin() ast.Statement {
	b := &ast.Begin{Pos: p.pos()}
	if p.acceptKw(ast.KwStart) {
		p.expectKw(ast.KwTransaction)
	} else {
		p.expectKw(ast.KwBegin)
		if !p.acceptKw(ast.KwWork) {
			p.acceptKw(ast.KwTransaction)
		}
	}
	b.Modes = p.txModes()
	return b
}

func (p *parser) chain() bool {
	if p.acceptKw(ast.KwAnd) {
		if p.acceptKw(ast.KwNo) {
			p.expectKw(ast.KwChain)
			return false
		}
		p.expectKw(ast.KwChain)
		return true
	}
	return false
}

func (p *parser) commit() ast.Statement {
	c := &ast.Commit{Pos: p.pos()}
	p.next() // COMMIT or END
	if !p.acceptKw(ast.KwWork) {
		p.acceptKw(ast.KwTransaction)
	}
	c.Chain = p.chain()
	return c
}

func (p *parser) rollback() ast.Statement {
	r := &ast.Rollback{Pos: p.pos()}
	p.expectKw(ast.KwRollback)
	if !p.acceptKw(ast.KwWork) {
		p.acceptKw(ast.KwTransaction)
	}
	if p.acceptKw(ast.KwTo) {
		p.acceptKw(ast.KwSavepoint)
		r.Savepoint = p.ident()
		return r
	}
	if p.chain() {
		p.fail(int32(r.Pos), CodeSyntaxError, "ROLLBACK AND CHAIN is not supported")
	}
	return r
}

// varName parses a configuration parameter name: word[.word...].
func (p *parser) varName() string {
	name := p.colLabel()
	for p.acceptOp(".") {
		name += "." + p.colLabel()
	}
	return name
}

// varValue parses one value of SET: a literal, a signed number, or a word
// (which becomes a string literal).
func (p *parser) varValue() ast.Expr {
	pos := p.pos()
	switch p.tok.kind {
	case tString, tInt, tNumeric:
		return p.primary()
	case tOp:
		if p.isOp("-") || p.isOp("+") {
			return p.prefix()
		}
	case tIdent, tQIdent:
		s := p.tok.str
		p.next()
		return &ast.Literal{Pos: pos, Kind: ast.LitString, Val: s}
	}
	p.syntaxError()
	return nil
}

func (p *parser) set() ast.Statement {
	pos := p.pos()
	p.expectKw(ast.KwSet)
	if p.acceptKw(ast.KwTransaction) {
		return &ast.SetTransaction{Pos: pos, Modes: p.txModes()}
	}
	if p.isWord("constraints") && (tokIsKw(p.peek(1), ast.KwAll) || p.peek(1).kind == tIdent) && !tokIsOp(p.peek(1), "=") {
		p.next()
		s := &ast.SetConstraints{Pos: pos}
		if !p.acceptKw(ast.KwAll) {
			s.Names = []string{p.ident()}
			for p.acceptOp(",") {
				s.Names = append(s.Names, p.ident())
			}
		}
		if p.acceptWord("deferred") {
			s.Deferred = true
		} else {
			p.expectWord("immediate")
		}
		return s
	}
	if p.isKw(ast.KwSession) && p.peek(1).kind == tIdent && p.peek(1).str == "characteristics" && tokIsKw(p.peek(2), ast.KwAs) {
		p.next()
		p.next()
		p.expectKw(ast.KwAs)
		p.expectKw(ast.KwTransaction)
		s := &ast.SetTransaction{Pos: pos, Session: true, Modes: p.txModes()}
		if s.Modes == (ast.TxModes{}) {
			p.syntaxError()
		}
		return s
	}
	s := &ast.SetVar{Pos: pos}
	if p.acceptKw(ast.KwLocal) {
		s.Local = true
	} else if p.isKw(ast.KwSession) && !tokIsOp(p.peek(1), "=") && !tokIsKw(p.peek(1), ast.KwTo) {
		p.next()
	}
	if p.isWord("time") && tokIsKw(p.peek(1), ast.KwZone) {
		p.next()
		p.next()
		s.Name = "timezone"
		switch {
		case p.acceptKw(ast.KwDefault):
			s.Default = true
		case p.isKw(ast.KwLocal):
			p.next()
			s.Default = true
		default:
			s.Values = []ast.Expr{p.varValue()}
		}
		return s
	}
	s.Name = p.varName()
	if !p.acceptKw(ast.KwTo) {
		p.expectOp("=")
	}
	if p.acceptKw(ast.KwDefault) {
		s.Default = true
		return s
	}
	s.Values = []ast.Expr{p.varValue()}
	for p.acceptOp(",") {
		s.Values = append(s.Values, p.varValue())
	}
	return s
}

// showName parses the parameter of SHOW and RESET.
func (p *parser) showName() string {
	switch {
	case p.acceptKw(ast.KwAll):
		return "all"
	case p.isWord("time") && tokIsKw(p.peek(1), ast.KwZone):
		p.next()
		p.next()
		return "timezone"
	case p.isKw(ast.KwTransaction) && tokIsKw(p.peek(1), ast.KwIsolation):
		p.next()
		p.next()
		p.expectKw(ast.KwLevel)
		return "transaction_isolation"
	}
	return p.varName()
}

func (p *parser) show() ast.Statement {
	s := &ast.Show{Pos: p.pos()}
	p.expectKw(ast.KwShow)
	s.Name = p.showName()
	return s
}

func (p *parser) reset() ast.Statement {
	r := &ast.Reset{Pos: p.pos()}
	p.expectKw(ast.KwReset)
	r.Name = p.showName()
	return r
}

// explainable reports whether stmt may follow EXPLAIN.
func explainable(s ast.Statement) bool {
	switch s.(type) {
	case *ast.Query, *ast.Insert, *ast.Update, *ast.Delete, *ast.CreateTable, *ast.CreateView, *ast.Execute:
		return true
	}
	return false
}

func (p *parser) explain() ast.Statement {
	e := &ast.Explain{Pos: p.pos()}
	p.expectKw(ast.KwExplain)
	if p.isOp("(") && !p.queryAhead() {
		p.next()
		for {
			o := p.option()
			switch {
			case o.Name == "analyze" && o.Value == nil:
				e.Analyze = true
			case o.Name == "verbose" && o.Value == nil:
				e.Verbose = true
			default:
				e.Options = append(e.Options, o)
			}
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
		if len(e.Options) == 0 {
			// Print back in the bare form; nothing is lost.
			e.Options = nil
		}
	} else {
		e.Analyze = p.acceptKw(ast.KwAnalyze) || p.acceptKw(ast.KwAnalyse)
		e.Verbose = p.acceptKw(ast.KwVerbose)
	}
	pos := p.pos()
	e.Stmt = p.statement()
	if !explainable(e.Stmt) {
		p.fail(int32(pos), CodeSyntaxError, "syntax error at or near \""+p.src[pos:p.tokEndOf(pos)]+"\"")
	}
	return e
}

// tokEndOf returns the end of the word starting at pos, for messages.
func (p *parser) tokEndOf(pos ast.Pos) int {
	l := lexer{src: p.src, pos: int(pos)}
	t := l.next()
	return int(t.end)
}

// option parses name [value] of EXPLAIN (...) and COPY ... WITH (...).
func (p *parser) option() ast.Option {
	if p.tok.kind != tIdent && p.tok.kind != tQIdent {
		p.syntaxError()
	}
	o := ast.Option{Name: p.tok.str}
	p.next()
	if p.isOp(",") || p.isOp(")") {
		return o
	}
	pos := p.pos()
	// COPY's FORCE_QUOTE * and FORCE_NOT_NULL (a, b): all columns, or a
	// list of them.
	if p.isOp("*") {
		p.next()
		o.Value = &ast.Star{}
		return o
	}
	if p.isOp("(") {
		var cols []ast.Expr
		for _, c := range p.parenIdentList() {
			cols = append(cols, &ast.ColumnRef{Name: c})
		}
		o.Value = &ast.RowExpr{Pos: pos, Exprs: cols}
		return o
	}
	switch p.tok.kind {
	case tIdent, tQIdent:
		switch p.tok.kw {
		case ast.KwTrue, ast.KwFalse:
			o.Value = &ast.Literal{Pos: pos, Kind: ast.LitBool, Val: p.tok.str}
		default:
			o.Value = &ast.Literal{Pos: pos, Kind: ast.LitString, Val: p.tok.str}
		}
		p.next()
	default:
		o.Value = p.varValue()
	}
	return o
}

func (p *parser) analyze() ast.Statement {
	a := &ast.Analyze{Pos: p.pos()}
	p.next()
	p.acceptKw(ast.KwVerbose)
	if p.isIdent() {
		t := p.tableName()
		a.Table = &t
	}
	return a
}

// vacuum parses VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] [(options)]
// [table [(columns)], ...]. Its options are accepted and dropped: the
// engine's VACUUM compacts the tables' storage whatever they say.
func (p *parser) vacuum() ast.Statement {
	a := &ast.Analyze{Pos: p.pos(), Vacuum: true}
	p.next()
	if p.isOp("(") {
		p.next()
		for !p.isOp(")") {
			if p.isOp(",") {
				p.next()
				continue
			}
			p.option()
		}
		p.next()
	}
	for p.isWord("full") || p.isWord("freeze") || p.isKw(ast.KwVerbose) || p.isKw(ast.KwAnalyze) || p.isKw(ast.KwAnalyse) {
		if p.isKw(ast.KwAnalyze) || p.isKw(ast.KwAnalyse) {
			a.VacuumAnalyze = true
		}
		p.next()
	}
	for p.isIdent() {
		t := p.tableName()
		a.Tables = append(a.Tables, t)
		if p.isOp("(") {
			p.parenIdentList()
		}
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return a
}

func (p *parser) copyStmt() ast.Statement {
	c := &ast.Copy{Pos: p.pos()}
	p.expectKw(ast.KwCopy)
	if p.isOp("(") {
		p.next()
		c.Query = p.query()
		p.expectOp(")")
	} else {
		c.Table = p.tableName()
		if p.isOp("(") {
			c.Columns = p.parenIdentList()
		}
	}
	switch {
	case p.acceptKw(ast.KwFrom) && c.Query == nil:
		c.From = true
		if !p.acceptWord("stdin") {
			if p.tok.kind != tString {
				p.syntaxError()
			}
			c.File = p.tok.str
			p.next()
		}
	case p.acceptKw(ast.KwTo):
		if !p.acceptWord("stdout") {
			if p.tok.kind != tString {
				p.syntaxError()
			}
			c.File = p.tok.str
			p.next()
		}
	default:
		p.syntaxError()
	}
	with := p.acceptKw(ast.KwWith)
	if p.isOp("(") {
		p.next()
		for {
			c.Options = append(c.Options, p.option())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
		return c
	}
	// The pre-9.0 syntax: WITH CSV HEADER DELIMITER AS ',' NULL AS ''.
	for {
		pos := p.pos()
		switch {
		case p.acceptWord("csv"):
			c.Options = append(c.Options, ast.Option{Name: "format", Value: &ast.Literal{Pos: pos, Kind: ast.LitString, Val: "csv"}})
		case p.acceptWord("binary"):
			c.Options = append(c.Options, ast.Option{Name: "format", Value: &ast.Literal{Pos: pos, Kind: ast.LitString, Val: "binary"}})
		case p.acceptWord("header"):
			c.Options = append(c.Options, ast.Option{Name: "header"})
		case p.acceptWord("delimiter"), p.isKw(ast.KwNull):
			name := "delimiter"
			if p.acceptKw(ast.KwNull) {
				name = "null"
			}
			p.acceptKw(ast.KwAs)
			if p.tok.kind != tString {
				p.syntaxError()
			}
			c.Options = append(c.Options, ast.Option{Name: name, Value: &ast.Literal{Pos: p.pos(), Kind: ast.LitString, Val: p.tok.str}})
			p.next()
		default:
			if with && len(c.Options) == 0 {
				p.syntaxError()
			}
			return c
		}
	}
}

func (p *parser) prepare() ast.Statement {
	pr := &ast.Prepare{Pos: p.pos()}
	p.expectKw(ast.KwPrepare)
	pr.Name = p.ident()
	if p.acceptOp("(") {
		for {
			pr.Types = append(pr.Types, p.typeName())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	p.expectKw(ast.KwAs)
	pos := p.pos()
	pr.Stmt = p.statement()
	switch pr.Stmt.(type) {
	case *ast.Query, *ast.Insert, *ast.Update, *ast.Delete:
	default:
		p.fail(int32(pos), CodeSyntaxError, "syntax error at or near \""+p.src[pos:p.tokEndOf(pos)]+"\"")
	}
	return pr
}

func (p *parser) execute() ast.Statement {
	e := &ast.Execute{Pos: p.pos()}
	p.expectKw(ast.KwExecute)
	e.Name = p.ident()
	if p.acceptOp("(") {
		e.Params = p.exprList()
		p.expectOp(")")
	}
	return e
}

func (p *parser) deallocate() ast.Statement {
	d := &ast.Deallocate{Pos: p.pos()}
	p.expectKw(ast.KwDeallocate)
	p.acceptKw(ast.KwPrepare)
	if p.acceptKw(ast.KwAll) {
		return d
	}
	d.Name = p.ident()
	return d
}

// grant parses GRANT and REVOKE: of privileges on tables (ON ...) or of
// role membership (no ON), told apart as in PostgreSQL's grammar by what
// follows the list of privileges or roles.
func (p *parser) grant() ast.Statement {
	pos := p.pos()
	revoke := p.isKw(ast.KwRevoke)
	p.next()
	grantFor, adminFor := false, false
	if revoke {
		switch {
		case p.isKw(ast.KwGrant) && tokIsKw(p.peek(1), ast.KwOption):
			p.next()
			p.next()
			p.expectKw(ast.KwFor)
			grantFor = true
		case p.isWord("admin") && tokIsKw(p.peek(1), ast.KwOption):
			p.next()
			p.next()
			p.expectKw(ast.KwFor)
			adminFor = true
		}
	}
	all := false
	var privs []ast.Privilege
	plain := true // no keyword-only privilege and no column list: may be role names
	if p.isKw(ast.KwAll) {
		p.next()
		p.acceptKw(ast.KwPrivileges)
		all = true
	} else {
		for {
			switch {
			case p.tok.kind == tQIdent:
			case p.tok.kind != tIdent:
				p.syntaxError()
			case p.tok.kw == ast.KwSelect || p.tok.kw == ast.KwReferences:
				plain = false
			case p.tok.kw.Category() == ast.Reserved:
				p.syntaxError()
			}
			pr := ast.Privilege{Name: p.tok.str}
			p.next()
			if p.isOp("(") {
				pr.Columns = p.parenIdentList()
				plain = false
			}
			privs = append(privs, pr)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if !p.isKw(ast.KwOn) && !all && plain && !grantFor && (p.isKw(ast.KwTo) && !revoke || p.isKw(ast.KwFrom) && revoke) {
		g := &ast.GrantRole{Pos: pos, Revoke: revoke, AdminOption: adminFor}
		for _, pr := range privs {
			g.Roles = append(g.Roles, pr.Name)
		}
		p.next()
		g.Members = p.grantees()
		if !revoke && p.isKw(ast.KwWith) {
			p.next()
			p.expectWord("admin")
			p.expectKw(ast.KwOption)
			g.AdminOption = true
		}
		g.Cascade = revoke && p.dropBehavior()
		return g
	}
	if adminFor {
		p.syntaxError()
	}
	g := &ast.Grant{Pos: pos, Revoke: revoke, Privileges: privs, GrantOption: grantFor}
	p.expectKw(ast.KwOn)
	switch {
	case p.acceptKw(ast.KwSchema):
		g.Object = "SCHEMA"
	case p.acceptWord("sequence"):
		g.Object = "SEQUENCE"
	case p.acceptWord("database"):
		g.Object = "DATABASE"
	}
	if g.Object != "" {
		for {
			n := p.tableName()
			g.Objects = append(g.Objects, n.Name)
			if !p.acceptOp(",") {
				break
			}
		}
	} else if p.isKw(ast.KwAll) {
		p.next()
		p.expectWord("tables")
		p.expectKw(ast.KwIn)
		p.expectKw(ast.KwSchema)
		g.Schemas = p.identList()
	} else {
		p.acceptKw(ast.KwTable)
		g.Tables = p.tableNameList()
	}
	if g.Revoke {
		p.expectKw(ast.KwFrom)
	} else {
		p.expectKw(ast.KwTo)
	}
	g.Roles = p.grantees()
	if !g.Revoke && p.acceptKw(ast.KwWith) {
		p.expectKw(ast.KwGrant)
		p.expectKw(ast.KwOption)
		g.GrantOption = true
	}
	g.Cascade = g.Revoke && p.dropBehavior()
	return g
}

// grantees parses the role list of GRANT ... TO / REVOKE ... FROM.
func (p *parser) grantees() []string {
	var roles []string
	for {
		p.acceptKw(ast.KwGroup)
		roles = append(roles, p.colLabel())
		if !p.acceptOp(",") {
			return roles
		}
	}
}

// dropBehavior parses an optional CASCADE or RESTRICT, reporting CASCADE.
func (p *parser) dropBehavior() bool {
	if p.acceptKw(ast.KwCascade) {
		return true
	}
	p.acceptKw(ast.KwRestrict)
	return false
}
