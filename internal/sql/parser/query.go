package parser

import (
	"github.com/cairndb/cairn/internal/sql/ast"
)

// query parses [WITH ...] body [ORDER BY] [LIMIT/OFFSET/FETCH] [FOR UPDATE].
func (p *parser) query() *ast.Query {
	p.enter()
	defer p.leave()
	pos := p.pos()
	var w *ast.With
	if p.isKw(ast.KwWith) {
		w = p.with()
	}
	return p.queryAfterWith(pos, w)
}

func (p *parser) with() *ast.With {
	w := &ast.With{Pos: p.pos()}
	p.expectKw(ast.KwWith)
	w.Recursive = p.acceptKw(ast.KwRecursive)
	for {
		c := &ast.CTE{Pos: p.pos(), Name: p.ident()}
		if p.isOp("(") {
			c.Columns = p.parenIdentList()
		}
		p.expectKw(ast.KwAs)
		if p.acceptKw(ast.KwNot) {
			p.expectWord("materialized")
		} else {
			p.acceptWord("materialized")
		}
		p.expectOp("(")
		switch {
		case p.isKw(ast.KwInsert):
			c.Query = p.insert(nil)
		case p.isKw(ast.KwUpdate):
			c.Query = p.update(nil)
		case p.isKw(ast.KwDelete):
			c.Query = p.delete(nil)
		default:
			c.Query = p.query()
		}
		p.expectOp(")")
		w.CTEs = append(w.CTEs, c)
		if !p.acceptOp(",") {
			return w
		}
	}
}

func (p *parser) queryAfterWith(pos ast.Pos, w *ast.With) *ast.Query {
	q := &ast.Query{Pos: pos, With: w}
	q.Body = p.setExpr(0)
	if p.isKw(ast.KwOrder) {
		p.next()
		p.expectKw(ast.KwBy)
		q.OrderBy = p.orderItems()
	}
	for {
		switch {
		case p.isKw(ast.KwLimit) && q.Limit == nil:
			p.next()
			if !p.acceptKw(ast.KwAll) {
				q.Limit = p.expr()
				// SQLite's LIMIT offset, count.
				if q.Offset == nil && p.acceptOp(",") {
					q.Offset = q.Limit
					q.Limit = p.expr()
				}
			}
		case p.isKw(ast.KwOffset) && q.Offset == nil:
			p.next()
			q.Offset = p.expr()
			if !p.acceptKw(ast.KwRow) {
				p.acceptKw(ast.KwRows)
			}
		case p.isKw(ast.KwFetch) && q.Limit == nil:
			p.next()
			if !p.acceptKw(ast.KwFirst) {
				p.expectKw(ast.KwNext)
			}
			if p.isKw(ast.KwRow) || p.isKw(ast.KwRows) {
				q.Limit = &ast.Literal{Pos: p.pos(), Kind: ast.LitInt, Val: "1"}
			} else {
				q.Limit = p.exprPrec(ast.PrecUnary)
			}
			if !p.acceptKw(ast.KwRow) {
				p.expectKw(ast.KwRows)
			}
			if p.acceptKw(ast.KwWith) {
				p.expectKw(ast.KwTies)
				q.WithTies = true
			} else {
				p.expectKw(ast.KwOnly)
			}
		case p.isKw(ast.KwFor):
			q.Locking = append(q.Locking, p.locking())
		default:
			return q
		}
	}
}

func (p *parser) locking() ast.Locking {
	p.expectKw(ast.KwFor)
	var l ast.Locking
	switch {
	case p.acceptKw(ast.KwUpdate):
		l.Strength = ast.ForUpdate
	case p.acceptKw(ast.KwNo):
		p.expectKw(ast.KwKey)
		p.expectKw(ast.KwUpdate)
		l.Strength = ast.ForNoKeyUpdate
	case p.acceptWord("share"):
		l.Strength = ast.ForShare
	case p.acceptKw(ast.KwKey):
		p.expectWord("share")
		l.Strength = ast.ForKeyShare
	default:
		p.syntaxError()
	}
	if p.acceptKw(ast.KwOf) {
		l.Of = p.tableNameList()
	}
	switch {
	case p.acceptWord("nowait"):
		l.Wait = ast.LockNoWait
	case p.acceptWord("skip"):
		p.expectWord("locked")
		l.Wait = ast.LockSkipLocked
	}
	return l
}

func setOpOf(t token) (ast.SetOpKind, bool) {
	if t.kind != tIdent {
		return 0, false
	}
	switch t.kw {
	case ast.KwUnion:
		return ast.Union, true
	case ast.KwIntersect:
		return ast.Intersect, true
	case ast.KwExcept:
		return ast.Except, true
	}
	return 0, false
}

// setExpr parses set operations by precedence climbing: INTERSECT binds
// tighter than UNION and EXCEPT, which associate to the left.
func (p *parser) setExpr(min int) ast.QueryExpr {
	p.enter()
	defer p.leave()
	left := p.setPrimary()
	for {
		op, ok := setOpOf(p.tok)
		if !ok || op.Precedence() < min {
			return left
		}
		pos := p.pos()
		p.next()
		all := p.acceptKw(ast.KwAll)
		if !all {
			p.acceptKw(ast.KwDistinct)
		}
		right := p.setExpr(op.Precedence() + 1)
		left = &ast.SetOp{Pos: pos, Op: op, All: all, Left: left, Right: right}
	}
}

func (p *parser) setPrimary() ast.QueryExpr {
	switch {
	case p.isKw(ast.KwSelect):
		return p.selectCore()
	case p.isKw(ast.KwValues):
		return p.values()
	case p.isKw(ast.KwTable):
		pos := p.pos()
		p.next()
		tpos := p.pos()
		return &ast.Select{Pos: pos, Targets: []ast.Target{{Pos: pos, Expr: &ast.Star{Pos: pos}}},
			From: []ast.TableExpr{&ast.TableRef{Pos: tpos, Name: p.tableName()}}}
	case p.isOp("("):
		p.next()
		inner := p.query()
		p.expectOp(")")
		if inner.With == nil && inner.OrderBy == nil && inner.Limit == nil && inner.Offset == nil && inner.Locking == nil {
			return inner.Body
		}
		return inner
	}
	p.syntaxError()
	return nil
}

func (p *parser) values() *ast.Values {
	v := &ast.Values{Pos: p.pos()}
	p.expectKw(ast.KwValues)
	for {
		p.expectOp("(")
		v.Rows = append(v.Rows, p.exprList())
		p.expectOp(")")
		if !p.acceptOp(",") {
			return v
		}
	}
}

// endsTargetList reports whether the current token cannot start a select
// list item, so the list is empty (SELECT FROM t is legal).
func (p *parser) endsTargetList() bool {
	switch p.tok.kind {
	case tEOF:
		return true
	case tOp:
		return p.tok.str == ";" || p.tok.str == ")"
	case tIdent:
		switch p.tok.kw {
		case ast.KwFrom, ast.KwWhere, ast.KwGroup, ast.KwHaving, ast.KwWindow, ast.KwUnion,
			ast.KwIntersect, ast.KwExcept, ast.KwOrder, ast.KwLimit, ast.KwOffset, ast.KwFetch,
			ast.KwFor, ast.KwInto:
			return true
		}
	}
	return false
}

func (p *parser) selectCore() *ast.Select {
	s := &ast.Select{Pos: p.pos()}
	p.expectKw(ast.KwSelect)
	if p.acceptKw(ast.KwDistinct) {
		s.Distinct = true
		if p.acceptKw(ast.KwOn) {
			p.expectOp("(")
			s.DistinctOn = p.exprList()
			p.expectOp(")")
		}
	} else {
		p.acceptKw(ast.KwAll)
	}
	if !p.endsTargetList() {
		s.Targets = p.targets()
	}
	if p.acceptKw(ast.KwInto) {
		s.Into = &ast.SelectInto{}
		switch {
		case p.acceptKw(ast.KwTemp), p.acceptKw(ast.KwTemporary):
			s.Into.Temp = true
		case p.acceptWord("unlogged"):
		}
		p.acceptKw(ast.KwTable)
		s.Into.Name = p.tableName()
	}
	if p.acceptKw(ast.KwFrom) {
		s.From = p.fromList()
	}
	if p.acceptKw(ast.KwWhere) {
		s.Where = p.expr()
	}
	if p.isKw(ast.KwGroup) {
		p.next()
		p.expectKw(ast.KwBy)
		if p.acceptKw(ast.KwDistinct) {
			s.GroupByDistinct = true
		} else {
			p.acceptKw(ast.KwAll)
		}
		s.GroupBy = p.groupingList()
	}
	if p.acceptKw(ast.KwHaving) {
		s.Having = p.expr()
	}
	if p.acceptKw(ast.KwWindow) {
		for {
			name := p.ident()
			p.expectKw(ast.KwAs)
			s.Windows = append(s.Windows, ast.WindowDef{Name: name, Spec: p.windowSpec()})
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return s
}

// groupingList parses the grouping elements of GROUP BY or GROUPING SETS.
func (p *parser) groupingList() []ast.Expr {
	list := []ast.Expr{p.groupingElem()}
	for p.acceptOp(",") {
		list = append(list, p.groupingElem())
	}
	return list
}

// groupingElem parses an expression, (), ROLLUP (...), CUBE (...) or
// GROUPING SETS (...). As in PostgreSQL, rollup( and cube( at the start of
// an element are the grouping constructs, not function calls.
func (p *parser) groupingElem() ast.Expr {
	pos := p.pos()
	if p.tok.kind == tIdent {
		switch {
		case (p.tok.str == "rollup" || p.tok.str == "cube") && tokIsOp(p.peek(1), "("):
			g := &ast.GroupingSet{Pos: pos, Kind: ast.GroupingRollup}
			if p.tok.str == "cube" {
				g.Kind = ast.GroupingCube
			}
			p.next()
			p.next()
			g.Exprs = p.exprList()
			p.expectOp(")")
			return g
		case p.tok.str == "grouping" && p.peek(1).kind == tIdent && p.peek(1).str == "sets" && tokIsOp(p.peek(2), "("):
			p.enter()
			defer p.leave()
			p.next()
			p.next()
			p.next()
			g := &ast.GroupingSet{Pos: pos, Kind: ast.GroupingSets, Exprs: p.groupingList()}
			p.expectOp(")")
			return g
		}
	}
	if p.isOp("(") && tokIsOp(p.peek(1), ")") {
		p.next()
		p.next()
		return &ast.GroupingSet{Pos: pos, Kind: ast.GroupingEmpty}
	}
	return p.expr()
}

// targets parses a select list or RETURNING list.
func (p *parser) targets() []ast.Target {
	var ts []ast.Target
	for {
		t := ast.Target{Pos: p.pos()}
		if p.isOp("*") {
			p.next()
			t.Expr = &ast.Star{Pos: t.Pos}
		} else {
			t.Expr = p.expr()
			if p.acceptKw(ast.KwAs) {
				t.Alias = p.colLabel()
			} else if p.tok.kind == tQIdent || p.tok.kind == tIdent && p.tok.kw == ast.KwNone {
				t.Alias = p.tok.str
				p.next()
			}
		}
		ts = append(ts, t)
		if !p.acceptOp(",") {
			return ts
		}
	}
}

func (p *parser) fromList() []ast.TableExpr {
	list := []ast.TableExpr{p.tableExpr()}
	for p.acceptOp(",") {
		list = append(list, p.tableExpr())
	}
	return list
}

// tableExpr parses a FROM item with any joins. Joins associate to the
// left, but as in PostgreSQL's grammar (table_ref JOIN table_ref
// join_qual, where the right table_ref may itself be a joined_table) the
// right operand of a join that still needs its ON or USING extends over
// any further joins: a JOIN b JOIN c ON p1 ON p2 is a JOIN (b JOIN c ON
// p1) ON p2, the ON clauses binding inside-out. CROSS and NATURAL joins
// need no qualifier, so their right operand is a single table.
func (p *parser) tableExpr() ast.TableExpr {
	p.enter()
	defer p.leave()
	left := p.tablePrimary()
	for {
		natural := p.acceptKw(ast.KwNatural)
		var typ ast.JoinType
		switch {
		case p.acceptKw(ast.KwCross):
			if natural {
				p.syntaxError()
			}
			typ = ast.CrossJoin
		case p.acceptKw(ast.KwInner):
			typ = ast.InnerJoin
		case p.acceptKw(ast.KwLeft):
			typ = ast.LeftJoin
			p.acceptKw(ast.KwOuter)
		case p.acceptKw(ast.KwRight):
			typ = ast.RightJoin
			p.acceptKw(ast.KwOuter)
		case p.acceptKw(ast.KwFull):
			typ = ast.FullJoin
			p.acceptKw(ast.KwOuter)
		case p.isKw(ast.KwJoin):
			typ = ast.InnerJoin
		default:
			if natural {
				p.syntaxError()
			}
			return left
		}
		p.expectKw(ast.KwJoin)
		j := &ast.JoinExpr{Pos: left.Position(), Type: typ, Natural: natural, Left: left}
		if typ != ast.CrossJoin && !natural {
			j.Right = p.tableExpr()
			switch {
			case p.acceptKw(ast.KwOn):
				j.On = p.expr()
			case p.acceptKw(ast.KwUsing):
				j.Using = p.parenIdentList()
			default:
				p.syntaxError()
			}
		} else {
			j.Right = p.tablePrimary()
		}
		left = j
	}
}

// alias parses [AS] name [(cols)]; without AS only a plain word or quoted
// identifier can be an alias.
func (p *parser) alias() *ast.Alias {
	a := p.aliasName()
	if a != nil && p.isOp("(") {
		a.Columns = p.parenIdentList()
	}
	return a
}

// aliasName parses [AS] name, nil when there is none.
func (p *parser) aliasName() *ast.Alias {
	if p.isWord("tablesample") {
		return nil // a keyword in PostgreSQL's grammar, never an alias
	}
	switch {
	case p.acceptKw(ast.KwAs):
		return &ast.Alias{Name: p.ident()}
	case p.tok.kind == tQIdent || p.tok.kind == tIdent && p.tok.kw == ast.KwNone:
		a := &ast.Alias{Name: p.tok.str}
		p.next()
		return a
	}
	return nil
}

// funcAlias is alias for a function in FROM, whose column list may
// define the columns of a function returning records: [AS] [name]
// (col type, ...), the name optional after AS.
func (p *parser) funcAlias() *ast.Alias {
	if p.isKw(ast.KwAs) && p.peek(1).kind == tOp && p.peek(1).str == "(" {
		p.next()
		a := &ast.Alias{}
		p.columnDefs(a)
		return a
	}
	a := p.aliasName()
	if a != nil && p.isOp("(") {
		p.columnDefs(a)
	}
	return a
}

// columnDefs parses (col type, ...) into a, or a plain (col, ...) list
// when the first name has no type after it.
func (p *parser) columnDefs(a *ast.Alias) {
	p.expectOp("(")
	for {
		a.Columns = append(a.Columns, p.ident())
		if len(a.Columns) == 1 && (p.isOp(",") || p.isOp(")")) {
			for p.acceptOp(",") {
				a.Columns = append(a.Columns, p.ident())
			}
			p.expectOp(")")
			return
		}
		if len(a.Types) != len(a.Columns)-1 {
			p.syntaxError()
		}
		a.Types = append(a.Types, p.typeName())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
}

func (p *parser) tablePrimary() ast.TableExpr {
	pos := p.pos()
	lateral := p.acceptKw(ast.KwLateral)
	if p.isOp("(") {
		var subErr *Error
		if p.queryAhead() {
			var sq *ast.SubqueryRef
			err := p.try(func() {
				p.next()
				q := p.query()
				p.expectOp(")")
				sq = &ast.SubqueryRef{Pos: pos, Lateral: lateral, Query: q, Alias: p.alias()}
			})
			if err == nil {
				return sq
			}
			if lateral {
				panic(bailout{err})
			}
			subErr = err
		}
		if lateral {
			p.syntaxError()
		}
		var inner ast.TableExpr
		perr := p.try(func() {
			p.next()
			inner = p.tableExpr()
			p.expectOp(")")
		})
		if perr != nil {
			panic(bailout{further(subErr, perr)})
		}
		if a := p.alias(); a != nil {
			switch t := inner.(type) {
			case *ast.JoinExpr:
				if t.Alias == nil {
					t.Alias = a
					return t
				}
			case *ast.TableRef:
				if t.Alias == nil {
					t.Alias = a
					return t
				}
			}
			p.fail(int32(pos), CodeSyntaxError, "syntax error at or near \"(\"")
		}
		return inner
	}
	only := p.acceptKw(ast.KwOnly)
	name := p.tableName()
	if p.isOp("(") && !only {
		f, ok := p.funcCall(pos, name).(*ast.FuncCall)
		if !ok || f.Over != nil || f.Filter != nil {
			p.syntaxError()
		}
		ref := &ast.FuncRef{Pos: pos, Lateral: lateral, Func: f}
		if p.isKw(ast.KwWith) && p.peek(1).kind == tIdent && p.peek(1).kw == ast.KwOrdinality {
			p.next()
			p.next()
			ref.WithOrdinality = true
		}
		ref.Alias = p.funcAlias()
		return ref
	}
	if lateral {
		p.syntaxError()
	}
	ref := &ast.TableRef{Pos: pos, Name: name, Only: only, Alias: p.alias()}
	if p.isWord("tablesample") {
		s := &ast.TableSample{Pos: p.pos()}
		p.next()
		s.Method = p.ident()
		p.expectOp("(")
		s.Args = p.exprList()
		p.expectOp(")")
		if p.acceptWord("repeatable") {
			p.expectOp("(")
			s.Repeatable = p.expr()
			p.expectOp(")")
		}
		ref.Sample = s
	}
	return ref
}
