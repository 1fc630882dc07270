package parser

import (
	"strconv"

	"github.com/cairndb/cairn/internal/sql/ast"
)

// expr parses a full expression.
func (p *parser) expr() ast.Expr { return p.exprPrec(ast.PrecOr) }

func (p *parser) exprList() []ast.Expr {
	list := []ast.Expr{p.expr()}
	for p.acceptOp(",") {
		list = append(list, p.expr())
	}
	return list
}

// binaryOps maps operator tokens to binary operators.
func binaryOp(s string) (ast.BinaryOp, bool) {
	switch s {
	case "=":
		return ast.OpEq, true
	case "<":
		return ast.OpLt, true
	case ">":
		return ast.OpGt, true
	case "+":
		return ast.OpAdd, true
	case "-":
		return ast.OpSub, true
	case "*":
		return ast.OpMul, true
	case "/":
		return ast.OpDiv, true
	}
	return ast.BinaryOpFromSymbol(s)
}

// exprPrec parses an expression whose operators all bind at least as
// tightly as min (precedence climbing).
func (p *parser) exprPrec(min int) ast.Expr {
	p.enter()
	left := p.prefix()
	for {
		t := p.tok
		switch t.kind {
		case tOp:
			switch t.str {
			case ",", ")", ";", "]", "(":
				p.leave()
				return left
			case "::":
				if ast.PrecPostfix < min {
					p.leave()
					return left
				}
				p.next()
				left = &ast.CastExpr{Pos: left.Position(), Expr: left, Type: p.typeName(), Style: ast.CastColons}
				continue
			case "[":
				if ast.PrecPostfix < min {
					p.leave()
					return left
				}
				left = p.subscript(left)
				continue
			}
			op, ok := binaryOp(t.str)
			if !ok {
				p.leave()
				return left
			}
			prec := op.Precedence()
			if prec < min {
				p.leave()
				return left
			}
			p.next()
			if p.tok.kind == tIdent && (p.tok.kw == ast.KwAny || p.tok.kw == ast.KwAll || p.tok.kw == ast.KwSome) && tokIsOp(p.peek(1), "(") {
				left = p.quantified(left, op)
				continue
			}
			right := p.exprPrec(prec + 1)
			left = &ast.BinaryExpr{Pos: left.Position(), Op: op, Left: left, Right: right}
		case tIdent:
			var ok bool
			left, ok = p.keywordInfix(left, min)
			if !ok {
				p.leave()
				return left
			}
		default:
			p.leave()
			return left
		}
	}
}

// keywordInfix parses an infix construct introduced by a keyword (AND, OR,
// IS, BETWEEN, IN, LIKE, ...). It returns false when the current token does
// not continue the expression at precedence min.
func (p *parser) keywordInfix(left ast.Expr, min int) (ast.Expr, bool) {
	pos := left.Position()
	if p.tok.kind == tIdent && p.tok.str == "operator" && tokIsOp(p.peek(1), "(") {
		// OPERATOR([schema.]op): an operator named explicitly, as psql
		// writes OPERATOR(pg_catalog.~).
		s := p.save()
		p.next()
		p.next()
		if p.tok.kind == tIdent && tokIsOp(p.peek(1), ".") {
			p.next()
			p.next()
		}
		op, ok := binaryOp(p.tok.str)
		if p.tok.kind != tOp || !ok {
			p.restore(s)
			return left, false
		}
		if op.Precedence() < min {
			p.restore(s)
			return left, false
		}
		p.next()
		p.expectOp(")")
		if p.tok.kind == tIdent && (p.tok.kw == ast.KwAny || p.tok.kw == ast.KwAll || p.tok.kw == ast.KwSome) && tokIsOp(p.peek(1), "(") {
			return p.quantified(left, op), true // OPERATOR(pg_catalog.=) ANY (array), as pg_dump writes
		}
		right := p.exprPrec(op.Precedence() + 1)
		return &ast.BinaryExpr{Pos: pos, Op: op, Left: left, Right: right}, true
	}
	switch p.tok.kw {
	case ast.KwOr, ast.KwAnd:
		op, prec := ast.OpOr, ast.PrecOr
		if p.tok.kw == ast.KwAnd {
			op, prec = ast.OpAnd, ast.PrecAnd
		}
		if prec < min {
			return left, false
		}
		p.next()
		return &ast.BinaryExpr{Pos: pos, Op: op, Left: left, Right: p.exprPrec(prec + 1)}, true
	case ast.KwIs:
		if ast.PrecIs < min {
			return left, false
		}
		p.next()
		e := &ast.IsExpr{Pos: pos, Expr: left, Not: p.acceptKw(ast.KwNot)}
		switch {
		case p.acceptKw(ast.KwNull):
			e.Kind = ast.IsNull
		case p.acceptKw(ast.KwTrue):
			e.Kind = ast.IsTrue
		case p.acceptKw(ast.KwFalse):
			e.Kind = ast.IsFalse
		case p.acceptWord("unknown"):
			e.Kind = ast.IsUnknown
		case p.acceptKw(ast.KwDistinct):
			p.expectKw(ast.KwFrom)
			e.Kind = ast.IsDistinctFrom
			e.Right = p.exprPrec(ast.PrecIs + 1)
		default:
			p.syntaxError()
		}
		return e, true
	case ast.KwIsnull, ast.KwNotnull:
		if ast.PrecIs < min {
			return left, false
		}
		not := p.tok.kw == ast.KwNotnull
		p.next()
		return &ast.IsExpr{Pos: pos, Expr: left, Not: not, Kind: ast.IsNull}, true
	case ast.KwNot:
		// Only NOT BETWEEN / IN / LIKE / ILIKE / SIMILAR continue an expression.
		nt := p.peek(1)
		if nt.kind != tIdent {
			return left, false
		}
		switch nt.kw {
		case ast.KwBetween, ast.KwIn, ast.KwLike, ast.KwIlike, ast.KwSimilar:
		default:
			return left, false
		}
		if ast.PrecLike < min {
			return left, false
		}
		p.next()
		return p.likeFamily(left, true), true
	case ast.KwBetween, ast.KwIn, ast.KwLike, ast.KwIlike, ast.KwSimilar:
		if ast.PrecLike < min {
			return left, false
		}
		return p.likeFamily(left, false), true
	case ast.KwAt:
		if ast.PrecAt < min || !(p.peek(1).kind == tIdent && p.peek(1).str == "time") {
			return left, false
		}
		p.next()
		p.next()
		p.expectKw(ast.KwZone)
		return &ast.AtTimeZone{Pos: pos, Expr: left, Zone: p.exprPrec(ast.PrecAt + 1)}, true
	case ast.KwCollate:
		if ast.PrecCollate < min {
			return left, false
		}
		p.next()
		coll := p.ident()
		if p.acceptOp(".") {
			// A schema-qualified collation (pg_catalog.default, as psql
			// writes it): the name may be a keyword.
			if p.tok.kind != tIdent && p.tok.kind != tQIdent {
				p.syntaxError()
			}
			coll = coll + "." + p.tok.str
			p.next()
		}
		return &ast.CollateExpr{Pos: pos, Expr: left, Collation: coll}, true
	case ast.KwOverlaps:
		if l, ok := left.(*ast.RowExpr); ok {
			return p.overlaps(l), true
		}
	}
	return left, false
}

// overlaps parses row OVERLAPS row after the left row, rewriting it to
// overlaps(a, b, c, d) as PostgreSQL does.
func (p *parser) overlaps(left *ast.RowExpr) ast.Expr {
	p.expectKw(ast.KwOverlaps)
	rt := p.tok
	if !p.isOp("(") && !(p.isKw(ast.KwRow) && tokIsOp(p.peek(1), "(")) {
		p.syntaxError()
	}
	right, ok := p.primary().(*ast.RowExpr)
	if !ok {
		p.fail(rt.pos, CodeSyntaxError, "syntax error at or near \""+p.src[rt.pos:rt.end]+"\"")
	}
	if len(left.Exprs) != 2 {
		p.fail(int32(left.Pos), CodeSyntaxError, "wrong number of parameters on left side of OVERLAPS expression")
	}
	if len(right.Exprs) != 2 {
		p.fail(rt.pos, CodeSyntaxError, "wrong number of parameters on right side of OVERLAPS expression")
	}
	return &ast.FuncCall{Pos: left.Pos, Name: ast.TableName{Name: "overlaps"},
		Args: []ast.Expr{left.Exprs[0], left.Exprs[1], right.Exprs[0], right.Exprs[1]}}
}

// likeFamily parses BETWEEN, IN, LIKE, ILIKE, SIMILAR TO after the
// (already consumed) NOT, if any.
func (p *parser) likeFamily(left ast.Expr, not bool) ast.Expr {
	pos := left.Position()
	operand := func() ast.Expr { return p.exprPrec(ast.PrecLike + 1) }
	switch p.tok.kw {
	case ast.KwBetween:
		p.next()
		e := &ast.BetweenExpr{Pos: pos, Expr: left, Not: not}
		if p.acceptKw(ast.KwSymmetric) {
			e.Symmetric = true
		} else {
			p.acceptKw(ast.KwAsymmetric)
		}
		e.Low = operand()
		p.expectKw(ast.KwAnd)
		e.High = operand()
		return e
	case ast.KwIn:
		p.next()
		e := &ast.InExpr{Pos: pos, Expr: left, Not: not}
		if !p.isOp("(") {
			p.syntaxError()
		}
		var subErr *Error
		if p.queryAhead() {
			if subErr = p.try(func() {
				p.next()
				e.Query = p.query()
				p.expectOp(")")
			}); subErr == nil {
				return e
			}
			// Not a subquery after all: (SELECT 2), 1 is a list whose
			// first element is a scalar subquery.
			e.Query = nil
		}
		if err := p.try(func() {
			p.expectOp("(")
			e.List = p.exprList()
			p.expectOp(")")
		}); err != nil {
			panic(bailout{further(subErr, err)})
		}
		return e
	default:
		e := &ast.LikeExpr{Pos: pos, Expr: left, Not: not}
		switch p.tok.kw {
		case ast.KwIlike:
			e.Op = ast.ILike
		case ast.KwSimilar:
			e.Op = ast.SimilarTo
			p.next()
			if !p.isKw(ast.KwTo) {
				p.syntaxError()
			}
		}
		p.next()
		if e.Op != ast.SimilarTo && p.tok.kind == tIdent && (p.tok.kw == ast.KwAny || p.tok.kw == ast.KwAll || p.tok.kw == ast.KwSome) && tokIsOp(p.peek(1), "(") {
			// x LIKE ANY (patterns), as PostgreSQL's subquery_Op.
			q := p.quantified(e.Expr, ast.OpEq).(*ast.QuantifiedExpr)
			e.Quantified, e.Quant, e.Pattern = true, q.Quant, q.Right
			return e
		}
		e.Pattern = operand()
		if p.acceptKw(ast.KwEscape) {
			e.Escape = operand()
		}
		return e
	}
}

// quantified parses ANY|ALL|SOME ( subquery | array ) after op.
func (p *parser) quantified(left ast.Expr, op ast.BinaryOp) ast.Expr {
	e := &ast.QuantifiedExpr{Pos: left.Position(), Op: op, Left: left}
	if p.tok.kw == ast.KwAll {
		e.Quant = ast.QuantAll
	}
	p.next() // ANY / ALL / SOME
	if p.queryAhead() {
		pos := p.pos()
		if err := p.try(func() {
			p.next()
			e.Right = &ast.Subquery{Pos: pos, Query: p.query()}
			p.expectOp(")")
		}); err == nil {
			return e
		}
	}
	p.expectOp("(")
	e.Right = p.expr()
	p.expectOp(")")
	return e
}

func (p *parser) subscript(base ast.Expr) ast.Expr {
	p.expectOp("[")
	s := &ast.Subscript{Pos: base.Position(), Expr: base}
	if !p.isOp(":") {
		s.Index = p.expr()
	}
	if p.acceptOp(":") {
		s.Slice = true
		if !p.isOp("]") {
			s.Upper = p.expr()
		}
	}
	p.expectOp("]")
	return s
}

// prefix parses a primary expression with any prefix operators.
func (p *parser) prefix() ast.Expr {
	pos := p.pos()
	if p.tok.kind == tOp {
		var op ast.UnaryOp
		switch p.tok.str {
		case "-":
			op = ast.OpNeg
		case "+":
			op = ast.OpPlus
		case "~":
			op = ast.OpBitNot
		case "@", "|/", "||/":
			op = map[string]ast.UnaryOp{"@": ast.OpAbs, "|/": ast.OpSqrt, "||/": ast.OpCbrt}[p.tok.str]
			p.next()
			return &ast.UnaryExpr{Pos: pos, Op: op, Expr: p.exprPrec(ast.PrecAdd)}
		default:
			return p.primary()
		}
		p.next()
		operand := p.exprPrec(ast.PrecUnary)
		if lit, ok := operand.(*ast.Literal); ok && op == ast.OpNeg &&
			(lit.Kind == ast.LitInt || lit.Kind == ast.LitNumeric) && lit.Val[0] != '-' {
			return &ast.Literal{Pos: pos, Kind: lit.Kind, Val: "-" + lit.Val}
		}
		return &ast.UnaryExpr{Pos: pos, Op: op, Expr: operand}
	}
	if p.isKw(ast.KwNot) {
		p.next()
		return &ast.UnaryExpr{Pos: pos, Op: ast.OpNot, Expr: p.exprPrec(ast.PrecNot)}
	}
	return p.primary()
}

// queryAhead reports whether the current "(" opens a query: after any
// number of further "(", the next token is SELECT, VALUES, WITH or TABLE.
func (p *parser) queryAhead() bool {
	l := p.lex
	i := 0
	for {
		var t token
		if i < p.nahead {
			t = p.ahead[i]
			i++
		} else {
			t = l.next()
		}
		if tokIsOp(t, "(") {
			continue
		}
		return startsQuery(t)
	}
}

func startsQuery(t token) bool {
	if t.kind != tIdent {
		return false
	}
	switch t.kw {
	case ast.KwSelect, ast.KwValues, ast.KwWith, ast.KwTable:
		return true
	}
	return false
}

func (p *parser) primary() ast.Expr {
	pos := p.pos()
	t := p.tok
	switch t.kind {
	case tInt:
		p.next()
		return &ast.Literal{Pos: pos, Kind: ast.LitInt, Val: t.str}
	case tNumeric:
		p.next()
		return &ast.Literal{Pos: pos, Kind: ast.LitNumeric, Val: t.str}
	case tString:
		p.next()
		return &ast.Literal{Pos: pos, Kind: ast.LitString, Val: t.str}
	case tBits:
		p.next()
		return &ast.Literal{Pos: pos, Kind: ast.LitBits, Val: t.str}
	case tHex:
		p.next()
		return &ast.Literal{Pos: pos, Kind: ast.LitHex, Val: t.str}
	case tParam:
		n, err := strconv.Atoi(t.str)
		if err != nil || n < 1 || n > 65535 {
			p.fail(t.pos, CodeSyntaxError, "there is no parameter $"+t.str)
		}
		p.next()
		return &ast.Placeholder{Pos: pos, Index: n}
	case tOp:
		switch t.str {
		case "?":
			p.next()
			p.nparams++
			return &ast.Placeholder{Pos: pos, Index: p.nparams}
		case "(":
			return p.parenExpr()
		}
	case tQIdent:
		return p.nameExpr()
	case tIdent:
		switch t.kw {
		case ast.KwNone:
			return p.nameExpr()
		case ast.KwTrue, ast.KwFalse:
			p.next()
			return &ast.Literal{Pos: pos, Kind: ast.LitBool, Val: t.str}
		case ast.KwNull:
			p.next()
			return &ast.Literal{Pos: pos, Kind: ast.LitNull}
		case ast.KwDefault:
			p.next()
			return &ast.DefaultExpr{Pos: pos}
		case ast.KwCase:
			return p.caseExpr()
		case ast.KwCast:
			p.next()
			p.expectOp("(")
			e := p.expr()
			p.expectKw(ast.KwAs)
			ty := p.typeName()
			p.expectOp(")")
			return &ast.CastExpr{Pos: pos, Expr: e, Type: ty, Style: ast.CastFunc}
		case ast.KwExists:
			if tokIsOp(p.peek(1), "(") {
				p.next()
				p.expectOp("(")
				q := p.query()
				p.expectOp(")")
				return &ast.ExistsExpr{Pos: pos, Query: q}
			}
		case ast.KwArray:
			return p.arrayExpr()
		case ast.KwRow:
			if tokIsOp(p.peek(1), "(") {
				p.next()
				p.next()
				r := &ast.RowExpr{Pos: pos, Explicit: true}
				if !p.isOp(")") {
					r.Exprs = p.exprList()
				}
				p.expectOp(")")
				return r
			}
		case ast.KwCurrentDate, ast.KwCurrentUser, ast.KwSessionUser, ast.KwUser,
			ast.KwCurrentRole, ast.KwCurrentCatalog:
			p.next()
			return &ast.SpecialFunc{Pos: pos, Kind: t.kw}
		case ast.KwCurrentSchema:
			if !tokIsOp(p.peek(1), "(") {
				p.next()
				return &ast.SpecialFunc{Pos: pos, Kind: t.kw}
			}
			p.next()
			return p.funcCall(pos, ast.TableName{Name: t.str})
		case ast.KwCurrentTime, ast.KwCurrentTimestamp, ast.KwLocaltime, ast.KwLocaltimestamp:
			p.next()
			f := &ast.SpecialFunc{Pos: pos, Kind: t.kw}
			if p.acceptOp("(") {
				f.Precision = p.expr()
				p.expectOp(")")
			}
			return f
		}
		switch t.kw.Category() {
		case ast.Unreserved:
			return p.nameExpr()
		case ast.TypeFuncName:
			if tokIsOp(p.peek(1), "(") {
				p.next()
				return p.funcCall(pos, ast.TableName{Name: t.str})
			}
		}
	}
	p.syntaxError()
	return nil
}

// parenExpr parses ( subquery ), ( expr ) or the row ( expr, expr ... ).
func (p *parser) parenExpr() ast.Expr {
	pos := p.pos()
	if p.queryAhead() {
		var e ast.Expr
		err := p.try(func() {
			p.next()
			q := p.query()
			p.expectOp(")")
			e = &ast.Subquery{Pos: pos, Query: q}
		})
		if err == nil {
			return e
		}
		if err2 := p.try(func() { e = p.parenExprList(pos) }); err2 == nil {
			return e
		} else if err2.Pos > err.Pos {
			err = err2
		}
		panic(bailout{err})
	}
	return p.parenExprList(pos)
}

func (p *parser) parenExprList(pos ast.Pos) ast.Expr {
	p.expectOp("(")
	e := p.expr()
	if p.isOp(",") {
		r := &ast.RowExpr{Pos: pos, Exprs: []ast.Expr{e}}
		for p.acceptOp(",") {
			r.Exprs = append(r.Exprs, p.expr())
		}
		p.expectOp(")")
		return r
	}
	p.expectOp(")")
	return e
}

// nameExpr parses a column reference, t.*, a function call, or a typed
// literal (DATE '2024-01-01').
func (p *parser) nameExpr() ast.Expr {
	pos := p.pos()
	first := p.tok
	if first.kind == tIdent && p.multiWordTypeAhead() {
		t := p.typeName()
		if len(t.ArrayBounds) > 0 || p.tok.kind != tString {
			p.syntaxError()
		}
		return p.typedLiteral(t)
	}
	p.next()
	if p.tok.kind == tString {
		t := &ast.TypeName{Pos: pos, Name: first.str}
		return p.typedLiteral(t)
	}
	if p.isOp("(") {
		e := p.funcCall(pos, ast.TableName{Name: first.str})
		if f, ok := e.(*ast.FuncCall); ok && p.typeModsAhead(first, f) {
			// NUMERIC(10, 2) '1.5', TIMESTAMP(3) WITH TIME ZONE '...':
			// what read as a call was a type with modifiers.
			t := &ast.TypeName{Pos: pos, Name: first.str, Args: f.Args}
			if p.tok.kind != tString {
				if p.isKw(ast.KwWith) {
					t.Name += " with time zone"
				} else {
					t.Name += " without time zone"
				}
				p.next()
				p.next()
				p.next()
			}
			return p.typedLiteral(t)
		}
		return e
	}
	if !p.isOp(".") {
		return &ast.ColumnRef{Pos: pos, Name: first.str}
	}
	p.next()
	if p.acceptOp("*") {
		return &ast.Star{Pos: pos, Table: ast.TableName{Name: first.str}}
	}
	second := p.colLabel()
	if p.isOp("(") {
		return p.funcCall(pos, ast.TableName{Schema: first.str, Name: second})
	}
	if !p.isOp(".") {
		return &ast.ColumnRef{Pos: pos, Table: ast.TableName{Name: first.str}, Name: second}
	}
	p.next()
	tbl := ast.TableName{Schema: first.str, Name: second}
	if p.acceptOp("*") {
		return &ast.Star{Pos: pos, Table: tbl}
	}
	return &ast.ColumnRef{Pos: pos, Table: tbl, Name: p.colLabel()}
}

// typedLiteral finishes a typed literal (DATE '2024-01-01') whose type
// has been read; the current token is the string. An INTERVAL literal
// may carry its field qualifier after the string: INTERVAL '1' DAY.
func (p *parser) typedLiteral(t *ast.TypeName) ast.Expr {
	lit := &ast.Literal{Pos: p.pos(), Kind: ast.LitString, Val: p.tok.str}
	p.next()
	if t.Name == "interval" && t.Schema == "" && len(t.Args) == 0 {
		p.intervalQualifier(t)
	}
	return &ast.CastExpr{Pos: t.Pos, Expr: lit, Type: t, Style: ast.CastPrefix}
}

// multiWordTypeAhead reports whether the current (unquoted) word starts a
// multi-word type name used as a typed literal: DOUBLE PRECISION '1.5',
// CHARACTER VARYING 'x', TIMESTAMP WITH TIME ZONE '...'.
func (p *parser) multiWordTypeAhead() bool {
	switch p.tok.str {
	case "double":
		n := p.peek(1)
		return n.kind == tIdent && n.str == "precision" && p.peek(2).kind == tString
	case "character", "char", "bit":
		n := p.peek(1)
		if n.kind != tIdent || n.str != "varying" {
			return false
		}
		n = p.peek(2)
		return n.kind == tString || tokIsOp(n, "(")
	case "time", "timestamp":
		n := p.peek(1)
		return (tokIsKw(n, ast.KwWith) || tokIsKw(n, ast.KwWithout)) && p.peek(2).kind == tIdent && p.peek(2).str == "time"
	}
	return false
}

// typeModsAhead reports whether the call f just read is in fact a type
// with modifiers starting a typed literal: a plain call followed by a
// string, or (for TIME and TIMESTAMP) by WITH[OUT] TIME ZONE and a string.
func (p *parser) typeModsAhead(first token, f *ast.FuncCall) bool {
	if f.Star || f.Distinct || f.Variadic || f.OrderBy != nil || f.Filter != nil || f.Over != nil || len(f.Args) == 0 {
		return false
	}
	if p.tok.kind == tString {
		return true
	}
	if first.kind != tIdent || first.str != "time" && first.str != "timestamp" {
		return false
	}
	return (p.isKw(ast.KwWith) || p.isKw(ast.KwWithout)) && p.peek(1).kind == tIdent && p.peek(1).str == "time" &&
		tokIsKw(p.peek(2), ast.KwZone) && p.peek(3).kind == tString
}

// intervalField ranks the fields of an interval qualifier; 0 for a word
// that is not one.
func intervalField(t token) int {
	if t.kind != tIdent {
		return 0
	}
	switch t.str {
	case "year":
		return 1
	case "month":
		return 2
	case "day":
		return 3
	case "hour":
		return 4
	case "minute":
		return 5
	case "second":
		return 6
	}
	return 0
}

// intervalQualifier parses the optional field qualifier of an INTERVAL:
// YEAR | MONTH | DAY | HOUR | MINUTE | SECOND [(p)] | YEAR TO MONTH |
// DAY TO HOUR|MINUTE|SECOND [(p)] | HOUR TO MINUTE|SECOND [(p)] |
// MINUTE TO SECOND [(p)], as in PostgreSQL's opt_interval.
func (p *parser) intervalQualifier(t *ast.TypeName) {
	from := intervalField(p.tok)
	if from == 0 {
		return
	}
	if len(t.Args) > 0 {
		p.syntaxError() // INTERVAL(3) DAY: the precision goes after SECOND
	}
	fields := p.tok.str
	p.next()
	last := from
	if p.isKw(ast.KwTo) && from != 2 && from != 6 {
		p.next()
		to := intervalField(p.tok)
		if from == 1 && to != 2 || from > 1 && (to <= from || from < 3) {
			p.syntaxError()
		}
		fields += " to " + p.tok.str
		last = to
		p.next()
	}
	if last == 6 && p.acceptOp("(") {
		if p.tok.kind != tInt {
			p.syntaxError()
		}
		t.Args = []ast.Expr{&ast.Literal{Pos: p.pos(), Kind: ast.LitInt, Val: p.tok.str}}
		p.next()
		p.expectOp(")")
	}
	t.IntervalFields = fields
}

func (p *parser) caseExpr() ast.Expr {
	c := &ast.CaseExpr{Pos: p.pos()}
	p.expectKw(ast.KwCase)
	if !p.isKw(ast.KwWhen) {
		c.Operand = p.expr()
	}
	for p.isKw(ast.KwWhen) {
		w := ast.When{Pos: p.pos()}
		p.next()
		w.Cond = p.expr()
		p.expectKw(ast.KwThen)
		w.Result = p.expr()
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		p.syntaxError()
	}
	if p.acceptKw(ast.KwElse) {
		c.Else = p.expr()
	}
	p.expectKw(ast.KwEnd)
	return c
}

func (p *parser) arrayExpr() ast.Expr {
	pos := p.pos()
	p.expectKw(ast.KwArray)
	if p.isOp("(") {
		p.next()
		q := p.query()
		p.expectOp(")")
		return &ast.ArrayExpr{Pos: pos, Query: q}
	}
	return p.arrayBrackets(pos)
}

// arrayBrackets parses [elem, ...] where an element may itself be a
// bracketed list (ARRAY[[1,2],[3,4]]).
func (p *parser) arrayBrackets(pos ast.Pos) ast.Expr {
	p.enter()
	defer p.leave()
	p.expectOp("[")
	a := &ast.ArrayExpr{Pos: pos}
	for !p.isOp("]") {
		if len(a.Elems) > 0 {
			p.expectOp(",")
		}
		if p.isOp("[") {
			a.Elems = append(a.Elems, p.arrayBrackets(p.pos()))
		} else {
			a.Elems = append(a.Elems, p.expr())
		}
	}
	p.next()
	return a
}

// funcCall parses the argument list and trailing clauses of a call; the
// current token is "(".
func (p *parser) funcCall(pos ast.Pos, name ast.TableName) ast.Expr {
	p.expectOp("(")
	f := &ast.FuncCall{Pos: pos, Name: name}
	if name.Schema == "" {
		if e := p.specialCallSyntax(f); e != nil {
			return e
		}
	}
	switch {
	case p.isOp("*"):
		p.next()
		f.Star = true
	case p.isOp(")"):
	default:
		if p.acceptKw(ast.KwDistinct) {
			f.Distinct = true
		} else {
			p.acceptKw(ast.KwAll)
		}
		p.funcArgs(f)
		if p.isKw(ast.KwOrder) {
			p.next()
			p.expectKw(ast.KwBy)
			f.OrderBy = p.orderItems()
		}
	}
	p.expectOp(")")
	return p.funcTail(f)
}

// funcArgs parses the arguments of a call: expressions, perhaps named
// (name => value, name := value), the last perhaps VARIADIC.
func (p *parser) funcArgs(f *ast.FuncCall) {
	named := false
	for {
		if p.isKw(ast.KwVariadic) && !f.Distinct {
			p.next()
			f.Variadic = true
		}
		pos := p.tok.pos
		var a ast.Expr
		if (p.isIdent() || p.tok.kind == tIdent && p.tok.kw.Category() == ast.TypeFuncName) &&
			(tokIsOp(p.peek(1), "=>") || tokIsOp(p.peek(1), ":=")) {
			n := &ast.NamedArg{Pos: p.pos(), Name: p.tok.str}
			p.next()
			p.next()
			n.Value = p.expr()
			a = n
			named = true
		} else {
			a = p.expr()
			if named {
				p.fail(pos, CodeSyntaxError, "positional argument cannot follow named argument")
			}
		}
		f.Args = append(f.Args, a)
		if f.Variadic || !p.acceptOp(",") {
			return
		}
	}
}

// funcTail parses WITHIN GROUP (ORDER BY ...), FILTER (WHERE ...) and
// OVER ... after a call.
func (p *parser) funcTail(f *ast.FuncCall) ast.Expr {
	if p.isWord("within") && tokIsKw(p.peek(1), ast.KwGroup) {
		pos := p.tok.pos
		p.next()
		p.next()
		p.expectOp("(")
		p.expectKw(ast.KwOrder)
		p.expectKw(ast.KwBy)
		keys := p.orderItems()
		p.expectOp(")")
		switch {
		case f.OrderBy != nil:
			p.fail(pos, CodeSyntaxError, "cannot use multiple ORDER BY clauses with WITHIN GROUP")
		case f.Distinct:
			p.fail(pos, CodeSyntaxError, "cannot use DISTINCT with WITHIN GROUP")
		case f.Variadic:
			p.fail(pos, CodeSyntaxError, "cannot use VARIADIC with WITHIN GROUP")
		}
		f.OrderBy, f.WithinGroup = keys, true
	}
	if p.isKw(ast.KwFilter) && tokIsOp(p.peek(1), "(") {
		p.next()
		p.next()
		p.expectKw(ast.KwWhere)
		f.Filter = p.expr()
		p.expectOp(")")
	}
	if p.isKw(ast.KwOver) {
		p.next()
		if p.isOp("(") {
			f.Over = p.windowSpec()
		} else {
			pos := p.pos()
			f.Over = &ast.WindowSpec{Pos: pos, Ref: p.ident(), RefOnly: true}
		}
	}
	return f
}

// specialCallSyntax handles the SQL-standard argument syntaxes of EXTRACT,
// SUBSTRING, POSITION and TRIM, rewriting them to plain calls. It returns
// nil (consuming nothing) when the call uses ordinary syntax.
func (p *parser) specialCallSyntax(f *ast.FuncCall) ast.Expr {
	switch f.Name.Name {
	case "extract":
		if (p.tok.kind == tIdent || p.tok.kind == tString) && tokIsKw(p.peek(1), ast.KwFrom) {
			field := &ast.Literal{Pos: p.pos(), Kind: ast.LitString, Val: p.tok.str}
			p.next()
			p.next()
			f.Args = []ast.Expr{field, p.expr()}
			p.expectOp(")")
			return p.funcTail(f)
		}
	case "position":
		if p.isOp(")") {
			return nil
		}
		s := p.save()
		a := p.exprPrec(ast.PrecLike + 1)
		if !p.acceptKw(ast.KwIn) {
			p.restore(s)
			return nil
		}
		f.Args = []ast.Expr{a, p.expr()}
		p.expectOp(")")
		return p.funcTail(f)
	case "substring":
		if p.isOp(")") {
			return nil
		}
		s := p.save()
		a := p.expr()
		if !p.isKw(ast.KwFrom) && !p.isKw(ast.KwFor) {
			p.restore(s)
			return nil
		}
		var from, forExpr ast.Expr
		if p.acceptKw(ast.KwFrom) {
			from = p.expr()
		}
		if p.acceptKw(ast.KwFor) {
			forExpr = p.expr()
		}
		if from == nil {
			from = &ast.Literal{Pos: a.Position(), Kind: ast.LitInt, Val: "1"}
		}
		f.Args = []ast.Expr{a, from}
		if forExpr != nil {
			f.Args = append(f.Args, forExpr)
		}
		p.expectOp(")")
		return p.funcTail(f)
	case "overlay":
		// overlay(s PLACING r FROM n [FOR m]) is overlay(s, r, n [, m]).
		if p.isOp(")") {
			return nil
		}
		s := p.save()
		a := p.expr()
		if !p.acceptWord("placing") {
			p.restore(s)
			return nil
		}
		r := p.expr()
		p.expectKw(ast.KwFrom)
		f.Args = []ast.Expr{a, r, p.expr()}
		if p.acceptKw(ast.KwFor) {
			f.Args = append(f.Args, p.expr())
		}
		p.expectOp(")")
		return p.funcTail(f)
	case "trim":
		name := "btrim"
		switch {
		case p.acceptKw(ast.KwBoth):
		case p.acceptKw(ast.KwLeading):
			name = "ltrim"
		case p.acceptKw(ast.KwTrailing):
			name = "rtrim"
		}
		f.Name.Name = name
		var chars ast.Expr
		if !p.isKw(ast.KwFrom) {
			chars = p.expr()
		}
		if p.acceptKw(ast.KwFrom) {
			str := p.expr()
			f.Args = []ast.Expr{str}
			if chars != nil {
				f.Args = append(f.Args, chars)
			}
		} else {
			if chars == nil {
				p.syntaxError()
			}
			f.Args = []ast.Expr{chars}
			for p.acceptOp(",") {
				f.Args = append(f.Args, p.expr())
			}
		}
		p.expectOp(")")
		return p.funcTail(f)
	}
	return nil
}

func (p *parser) orderItems() []ast.OrderItem {
	var items []ast.OrderItem
	for {
		o := ast.OrderItem{Expr: p.expr()}
		switch {
		case p.acceptKw(ast.KwDesc):
			o.Desc = true
		case p.acceptKw(ast.KwUsing):
			// USING < is ASC and USING > DESC: the ordering operators of
			// the types' default order, the only ones cairn has.
			switch {
			case p.acceptOp("<"):
			case p.acceptOp(">"):
				o.Desc = true
			default:
				p.syntaxError()
			}
		default:
			p.acceptKw(ast.KwAsc)
		}
		if p.acceptKw(ast.KwNulls) {
			switch {
			case p.acceptKw(ast.KwFirst):
				o.Nulls = ast.NullsFirst
			case p.acceptKw(ast.KwLast):
				o.Nulls = ast.NullsLast
			default:
				p.syntaxError()
			}
		}
		items = append(items, o)
		if !p.acceptOp(",") {
			return items
		}
	}
}

// windowSpec parses ( [name] [PARTITION BY ...] [ORDER BY ...] [frame] ).
func (p *parser) windowSpec() *ast.WindowSpec {
	w := &ast.WindowSpec{Pos: p.pos()}
	p.expectOp("(")
	if p.isIdent() && !p.isKw(ast.KwPartition) && !p.isKw(ast.KwRange) && !p.isKw(ast.KwRows) && !p.isKw(ast.KwGroups) {
		w.Ref = p.ident()
	}
	if p.acceptKw(ast.KwPartition) {
		p.expectKw(ast.KwBy)
		w.PartitionBy = p.exprList()
	}
	if p.acceptKw(ast.KwOrder) {
		p.expectKw(ast.KwBy)
		w.OrderBy = p.orderItems()
	}
	if p.isKw(ast.KwRange) || p.isKw(ast.KwRows) || p.isKw(ast.KwGroups) {
		f := &ast.WindowFrame{}
		switch p.tok.kw {
		case ast.KwRows:
			f.Mode = ast.FrameRows
		case ast.KwGroups:
			f.Mode = ast.FrameGroups
		}
		p.next()
		if p.acceptKw(ast.KwBetween) {
			f.Start = p.frameBound()
			p.expectKw(ast.KwAnd)
			end := p.frameBound()
			f.End = &end
		} else {
			f.Start = p.frameBound()
		}
		if p.acceptKw(ast.KwExclude) {
			switch {
			case p.acceptKw(ast.KwCurrent):
				p.expectKw(ast.KwRow)
				f.Exclude = ast.ExcludeCurrentRow
			case p.acceptKw(ast.KwGroup):
				f.Exclude = ast.ExcludeGroup
			case p.acceptKw(ast.KwTies):
				f.Exclude = ast.ExcludeTies
			case p.acceptKw(ast.KwNo):
				p.expectKw(ast.KwOthers)
			default:
				p.syntaxError()
			}
		}
		w.Frame = f
	}
	p.expectOp(")")
	return w
}

func (p *parser) frameBound() ast.FrameBound {
	switch {
	case p.acceptKw(ast.KwUnbounded):
		if p.acceptKw(ast.KwPreceding) {
			return ast.FrameBound{Kind: ast.UnboundedPreceding}
		}
		p.expectKw(ast.KwFollowing)
		return ast.FrameBound{Kind: ast.UnboundedFollowing}
	case p.isKw(ast.KwCurrent) && tokIsKw(p.peek(1), ast.KwRow):
		p.next()
		p.next()
		return ast.FrameBound{Kind: ast.CurrentRow}
	}
	e := p.expr()
	if p.acceptKw(ast.KwPreceding) {
		return ast.FrameBound{Kind: ast.OffsetPreceding, Offset: e}
	}
	p.expectKw(ast.KwFollowing)
	return ast.FrameBound{Kind: ast.OffsetFollowing, Offset: e}
}

// typeName parses a type: name [(mods)] [WITH[OUT] TIME ZONE] [[]...].
func (p *parser) typeName() *ast.TypeName {
	t := &ast.TypeName{Pos: p.pos()}
	if !p.isIdent() {
		p.syntaxError()
	}
	quoted := p.tok.kind == tQIdent
	t.Name = p.ident()
	if p.isOp(".") {
		p.next()
		t.Schema, t.Name = t.Name, p.colLabel()
		quoted = true // qualified names never take the multi-word forms
	}
	if !quoted {
		switch t.Name {
		case "double":
			if p.acceptWord("precision") {
				t.Name = "double precision"
			}
		case "character", "char", "bit":
			if p.acceptWord("varying") {
				t.Name += " varying"
			}
		}
	}
	if p.acceptOp("(") {
		t.Args = p.exprList()
		p.expectOp(")")
	}
	if !quoted && t.Name == "interval" {
		p.intervalQualifier(t)
	}
	if !quoted && (t.Name == "time" || t.Name == "timestamp") {
		if (p.isKw(ast.KwWith) || p.isKw(ast.KwWithout)) && p.peek(1).kind == tIdent && p.peek(1).str == "time" && tokIsKw(p.peek(2), ast.KwZone) {
			if p.isKw(ast.KwWith) {
				t.Name += " with time zone"
			} else {
				t.Name += " without time zone"
			}
			p.next()
			p.next()
			p.next()
		}
	}
	for {
		if p.isOp("[") {
			p.next()
			b := -1
			if p.tok.kind == tInt {
				n, err := strconv.Atoi(p.tok.str)
				if err != nil || n > 1<<30 {
					p.syntaxError()
				}
				b = n
				p.next()
			}
			p.expectOp("]")
			t.ArrayBounds = append(t.ArrayBounds, b)
			continue
		}
		if p.isKw(ast.KwArray) {
			p.next()
			b := -1
			if p.acceptOp("[") {
				if p.tok.kind != tInt {
					p.syntaxError()
				}
				n, err := strconv.Atoi(p.tok.str)
				if err != nil || n > 1<<30 {
					p.syntaxError()
				}
				b = n
				p.next()
				p.expectOp("]")
			}
			t.ArrayBounds = append(t.ArrayBounds, b)
			continue
		}
		return t
	}
}
