package plan

import (
	"fmt"
	"github.com/cairndb/cairn/internal/sql/parser"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// aggContext is set while binding the expressions above an aggregation:
// they may use the GROUP BY expressions and aggregates, nothing else of
// the input.
type aggContext struct {
	input   *scope         // the scope below the aggregation
	groups  map[string]int // formatted GROUP BY expression -> ordinal
	nGroups int
	aggs    []AggCall
	aggText map[string]int
	// sets says, with grouping sets, which group keys each set has
	// (sets[s][key]); setCol is the aggregation's set number column.
	sets   [][]bool
	setCol int
}

func (b *Binder) errAt(e ast.Node, code sqlerr.Code, format string, args ...any) *sqlerr.Error {
	return sqlerr.New(code, format, args...).WithPosition(b.charPos(int(e.Position())))
}

// charPos converts a byte offset in the statement to PostgreSQL's 1-based
// character position.
func (b *Binder) charPos(off int) int {
	if off < 0 || off > len(b.sql) {
		return 0
	}
	return len([]rune(b.sql[:off])) + 1
}

// bindExpr binds an expression in scope s.
func (b *Binder) bindExpr(s *scope, e ast.Expr) (Expr, error) {
	if ac := b.agg; ac != nil && s == b.aggScope {
		text := ast.Format(e)
		if i, ok := ac.groups[text]; ok {
			return &ColRef{Idx: i, Typ: s.cols[i].Type, Name: s.cols[i].Name}, nil
		}
		if fc, ok := e.(*ast.FuncCall); ok && fc.Over == nil && builtins.IsAggregate(strings.ToLower(fc.Name.Name)) {
			return b.bindAggregate(s, fc, text)
		}
		if fc, ok := e.(*ast.FuncCall); ok && fc.Over == nil && strings.EqualFold(fc.Name.Name, "grouping") {
			return b.bindGrouping(fc)
		}
	}
	switch e := e.(type) {
	case *ast.Literal:
		return b.bindLiteral(e)
	case *ast.Placeholder:
		return b.bindParam(e)
	case *ast.ColumnRef:
		return b.bindColumn(s, e)
	case *ast.UnaryExpr:
		return b.bindUnary(s, e)
	case *ast.BinaryExpr:
		return b.bindBinary(s, e)
	case *ast.IsExpr:
		return b.bindIs(s, e)
	case *ast.BetweenExpr:
		return b.bindBetween(s, e)
	case *ast.InExpr:
		return b.bindIn(s, e)
	case *ast.CaseExpr:
		return b.withoutSRF(func() (Expr, error) { return b.bindCase(s, e) })
	case *ast.CollateExpr:
		// cairn has one collation, "C": COLLATE changes nothing.
		return b.bindExpr(s, e.Expr)
	case *ast.CastExpr:
		if r, ok, err := b.regClass(s, e); ok || err != nil {
			return r, err
		}
		t, err := b.resolveType(e.Type)
		if err != nil {
			return nil, err
		}
		if a, ok := e.Expr.(*ast.ArrayExpr); ok && a.Query == nil && len(a.Elems) == 0 && t.IsArray() {
			// ARRAY[]::t[]: the cast gives the empty array its type.
			return &Const{Val: types.NewArray(t, nil), Typ: t}, nil
		}
		x, err := b.bindExpr(s, e.Expr)
		if err != nil {
			return nil, err
		}
		return b.cast(e, x, t, types.CastExplicit)
	case *ast.Subquery:
		return b.bindSubquery(s, e.Query, SubScalar, nil, nil, false)
	case *ast.ExistsExpr:
		return b.bindSubquery(s, e.Query, SubExists, nil, nil, false)
	case *ast.QuantifiedExpr:
		return b.bindQuantified(s, e)
	case *ast.LikeExpr:
		return b.bindLike(s, e)
	case *ast.AtTimeZone:
		// PostgreSQL's timezone(zone, x).
		return b.bindFunc(s, &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: "timezone"}, Args: []ast.Expr{e.Zone, e.Expr}})
	case *ast.FuncCall:
		return b.bindFunc(s, e)
	case *ast.SpecialFunc:
		return b.bindSpecial(s, e)
	case *ast.ArrayExpr:
		return b.bindArray(s, e)
	case *ast.Subscript:
		return b.bindSubscript(s, e)
	}
	return nil, b.errAt(e, sqlerr.FeatureNotSupported, "expression %s is not supported yet", ast.Format(e))
}

func (b *Binder) bindLiteral(e *ast.Literal) (Expr, error) {
	switch e.Kind {
	case ast.LitNull:
		return &Const{Val: types.Null, Typ: types.Unknown}, nil
	case ast.LitBool:
		return &Const{Val: types.NewBool(e.Val == "true"), Typ: types.Bool}, nil
	case ast.LitInt:
		n, err := strconv.ParseInt(e.Val, 10, 64)
		if err == nil {
			if n >= -1<<31 && n < 1<<31 {
				return &Const{Val: types.NewInt4(int32(n)), Typ: types.Int4}, nil
			}
			return &Const{Val: types.NewInt8(n), Typ: types.Int8}, nil
		}
		fallthrough
	case ast.LitNumeric:
		d, _, err := apd.NewFromString(e.Val)
		if err != nil {
			return nil, b.errAt(e, sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: %q", e.Val)
		}
		return &Const{Val: types.NewNumeric(d), Typ: types.Decimal}, nil
	case ast.LitString:
		return &Const{Val: types.NewUnknown(e.Val), Typ: types.Unknown}, nil
	}
	return nil, b.errAt(e, sqlerr.FeatureNotSupported, "literal %s is not supported yet", ast.Format(e))
}

func (b *Binder) bindParam(e *ast.Placeholder) (Expr, error) {
	if in := b.inline; in != nil {
		if e.Index < 1 || e.Index > len(in.args) {
			return nil, b.errAt(e, sqlerr.UndefinedParameter, "there is no parameter $%d", e.Index)
		}
		return in.args[e.Index-1], nil
	}
	for e.Index > len(b.params) && e.Index <= b.maxParams {
		b.params = append(b.params, types.Unknown)
	}
	if e.Index < 1 || e.Index > len(b.params) {
		return nil, b.errAt(e, sqlerr.UndefinedParameter, "there is no parameter $%d", e.Index)
	}
	return &Param{N: e.Index, Typ: b.params[e.Index-1]}, nil
}

func (b *Binder) bindColumn(s *scope, e *ast.ColumnRef) (Expr, error) {
	depth, idx, col, err := s.resolve(e.Table.Name, e.Name, b.charPos(int(e.Position())))
	if err != nil && b.agg != nil && s == b.aggScope {
		// A column of the aggregated input used outside an aggregate.
		if _, i, _, ierr := b.agg.input.resolve(e.Table.Name, e.Name, 0); ierr == nil {
			in := b.agg.input.cols[i]
			return nil, b.errAt(e, sqlerr.GroupingError, "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function", in.Table, in.Name)
		}
	}
	if err != nil {
		if in := b.inline; in != nil && e.Table.Schema == "" {
			name := e.Name
			if e.Table.Name != "" {
				name = e.Table.Name + "." + e.Name
			}
			if n, ok := in.names[name]; ok {
				return in.args[n-1], nil
			}
		}
		if n, ok := b.namedParam(e); ok {
			return &Param{N: n, Typ: b.params[n-1]}, nil
		}
		return nil, err
	}
	if depth == 0 {
		return &ColRef{Idx: idx, Typ: col.Type, Name: col.Name}, nil
	}
	return &OuterRef{Depth: depth, Idx: idx, Typ: col.Type, Name: col.Name}, nil
}

// namedParam returns the parameter a column reference names
// (ParamNames), if any.
func (b *Binder) namedParam(e *ast.ColumnRef) (int, bool) {
	if b.ParamNames == nil {
		return 0, false
	}
	name := e.Name
	if e.Table.Name != "" {
		if e.Table.Schema != "" {
			return 0, false
		}
		name = e.Table.Name + "." + e.Name
	}
	n, ok := b.ParamNames[name]
	return n, ok && n >= 1 && n <= len(b.params)
}

// boolean checks that e is boolean (an unknown literal becomes one).
func (b *Binder) boolean(n ast.Node, e Expr, what string) (Expr, error) {
	switch e.Type().Family() {
	case types.BoolFamily:
		return e, nil
	case types.UnknownFamily:
		return b.cast(n, e, types.Bool, types.CastImplicit)
	}
	return nil, b.errAt(n, sqlerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", what, e.Type())
}

func (b *Binder) bindUnary(s *scope, e *ast.UnaryExpr) (Expr, error) {
	if fn, ok := unaryFuncOps[e.Op]; ok {
		return b.bindFunc(s, &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: fn}, Args: []ast.Expr{e.Expr}})
	}
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	var op types.UnaryOp
	switch e.Op {
	case ast.OpNot:
		x, err := b.boolean(e, x, "NOT")
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case ast.OpNeg:
		op = types.OpNeg
	case ast.OpPlus:
		op = types.OpPlus
	case ast.OpBitNot:
		op = types.OpBitNot
	}
	if x.Type().Family() == types.UnknownFamily {
		if x, err = b.cast(e, x, types.Decimal, types.CastImplicit); err != nil {
			return nil, err
		}
	}
	fn, t, err := types.UnaryOpFunc(op, x.Type())
	if err != nil {
		return nil, withPos(err, b.charPos(int(e.Position())))
	}
	return b.fold(&UnOp{Op: op, X: x, Fn: fn, Typ: t})
}

func withPos(err error, pos int) error {
	if se, ok := err.(*sqlerr.Error); ok && se.Position == 0 {
		c := *se
		c.Position = pos
		return &c
	}
	return err
}

var binaryOps = map[ast.BinaryOp]types.Op{
	ast.OpEq: types.OpEq, ast.OpNe: types.OpNe, ast.OpLt: types.OpLt, ast.OpLe: types.OpLe,
	ast.OpGt: types.OpGt, ast.OpGe: types.OpGe, ast.OpAdd: types.OpAdd, ast.OpSub: types.OpSub,
	ast.OpMul: types.OpMul, ast.OpDiv: types.OpDiv, ast.OpMod: types.OpMod, ast.OpPow: types.OpPow,
	ast.OpConcat: types.OpConcat, ast.OpBitAnd: types.OpBitAnd, ast.OpBitOr: types.OpBitOr,
	ast.OpBitXor: types.OpBitXor, ast.OpShiftLeft: types.OpShiftLeft, ast.OpShiftRight: types.OpShiftRight,
}

// regexOps are the regular expression operators, bound as calls of the
// functions PostgreSQL implements them with.
var regexOps = map[ast.BinaryOp]string{
	ast.OpRegMatch: "textregexeq", ast.OpRegIMatch: "texticregexeq",
	ast.OpNotRegMatch: "textregexne", ast.OpNotRegIMatch: "texticregexne",
	ast.OpStartsWith: "starts_with", // not a regex, but bound the same way
}

// unaryFuncOps are the prefix operators that are their function.
var unaryFuncOps = map[ast.UnaryOp]string{ast.OpAbs: "abs", ast.OpSqrt: "dsqrt", ast.OpCbrt: "dcbrt"}

// likeFuncs are the functions PostgreSQL implements LIKE and ILIKE with
// (the operators ~~, ~~*, !~~, !~~*), by op and NOT; SIMILAR TO is the
// regular expression match of its translated pattern.
var likeFuncs = map[ast.LikeOp][2]string{
	ast.Like:      {"textlike", "textnlike"},
	ast.ILike:     {"texticlike", "texticnlike"},
	ast.SimilarTo: {"textregexeq", "textregexne"},
}

// bindLike binds x [NOT] LIKE|ILIKE|SIMILAR TO p [ESCAPE e] as PostgreSQL
// does: a call of the operator's function, with p rewritten by
// like_escape(p, e) or similar_to_escape(p [, e]); and x [NOT] LIKE
// ANY|ALL (array or subquery) as the quantified comparison with that
// function.
func (b *Binder) bindLike(s *scope, e *ast.LikeExpr) (Expr, error) {
	names := likeFuncs[e.Op]
	name := names[0]
	if e.Not {
		name = names[1]
	}
	pat := e.Pattern
	switch {
	case e.Quantified:
		return b.bindLikeQuantified(s, e, name)
	case e.Op == ast.SimilarTo:
		args := []ast.Expr{pat}
		if e.Escape != nil {
			args = append(args, e.Escape)
		}
		pat = &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: "similar_to_escape"}, Args: args}
	case e.Escape != nil:
		pat = &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: "like_escape"}, Args: []ast.Expr{pat, e.Escape}}
	}
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	p, err := b.bindExpr(s, pat)
	if err != nil {
		return nil, err
	}
	f, err := b.likeFunc(e, name, x.Type(), p.Type())
	if err != nil {
		return nil, err
	}
	if x, err = b.convert(e, x, f.ArgTypes[0]); err != nil {
		return nil, err
	}
	if p, err = b.convert(e, p, f.ArgTypes[1]); err != nil {
		return nil, err
	}
	return b.fold(&Func{Name: name, Args: []Expr{x, p}, Fn: f.Fn, Strict: f.Strict, Typ: types.Bool})
}

// likeFunc resolves a LIKE's function for its operand types, with
// PostgreSQL's error for operands that are not text (42883).
func (b *Binder) likeFunc(e *ast.LikeExpr, name string, x, p types.Type) (*builtins.Func, error) {
	f, err := builtins.Lookup(name, []types.Type{x, p})
	if err != nil {
		op := map[string]string{"textlike": "~~", "textnlike": "!~~", "texticlike": "~~*", "texticnlike": "!~~*", "textregexeq": "~", "textregexne": "!~"}[name]
		return nil, b.errAt(e, sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", x, op, p).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
	}
	return f, nil
}

// bindLikeQuantified binds x [NOT] LIKE|ILIKE ANY|ALL (array or
// subquery).
func (b *Binder) bindLikeQuantified(s *scope, e *ast.LikeExpr, name string) (Expr, error) {
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	f, err := b.likeFunc(e, name, x.Type(), types.Text)
	if err != nil {
		return nil, err
	}
	if x, err = b.convert(e, x, f.ArgTypes[0]); err != nil {
		return nil, err
	}
	fn := f.Fn
	cmp := func(a, p types.Datum) (types.Datum, error) { return fn([]types.Datum{a, p}) }
	kind := SubAny
	if e.Quant == ast.QuantAll {
		kind = SubAll
	}
	if sub, ok := e.Pattern.(*ast.Subquery); ok {
		q, err := b.bindSubquery(s, sub.Query, kind, x, e, false)
		if err != nil {
			return nil, err
		}
		sq := q.(*Subquery)
		if _, err := b.likeFunc(e, name, x.Type(), sq.Plan.Columns()[0].Type); err != nil {
			return nil, err
		}
		sq.Cmp = cmp
		return sq, nil
	}
	arr, err := b.bindExpr(s, e.Pattern)
	if err != nil {
		return nil, err
	}
	if arr, err = b.cast(e.Pattern, arr, types.ArrayOf(types.Text), types.CastImplicit); err != nil {
		return nil, err
	}
	return &AnyArray{X: x, Arr: arr, Cmp: cmp, All: e.Quant == ast.QuantAll, Op: name}, nil
}

func (b *Binder) bindBinary(s *scope, e *ast.BinaryExpr) (Expr, error) {
	switch e.Op {
	case ast.OpLike, ast.OpNotLike, ast.OpILike, ast.OpNotILike:
		// The operators behind LIKE and ILIKE, written as operators.
		l := &ast.LikeExpr{Pos: e.Pos, Expr: e.Left, Pattern: e.Right, Not: e.Op == ast.OpNotLike || e.Op == ast.OpNotILike}
		if e.Op == ast.OpILike || e.Op == ast.OpNotILike {
			l.Op = ast.ILike
		}
		return b.bindLike(s, l)
	}
	if l, ok := e.Left.(*ast.RowExpr); ok && e.Op.IsComparison() {
		if r, ok := e.Right.(*ast.RowExpr); ok {
			x, err := rowComparison(e, l, r)
			if err != nil {
				return nil, b.errAt(e, sqlerr.SyntaxError, "%v", err)
			}
			return b.bindExpr(s, x)
		}
	}
	if e.Op == ast.OpTextMatch {
		return b.bindTextMatch(s, e)
	}
	if e.Op == ast.OpJSONPathExists {
		// doc @? path is jsonb_path_exists(doc, path, '{}', true): its
		// errors (a missing key in strict mode) are NULL, not raised.
		return b.bindFunc(s, &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: "jsonb_path_exists"}, Args: []ast.Expr{e.Left, e.Right,
			&ast.Literal{Kind: ast.LitString, Val: "{}"}, &ast.Literal{Kind: ast.LitBool, Val: "true"}}})
	}
	if fn, ok := regexOps[e.Op]; ok {
		return b.bindFunc(s, &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: fn}, Args: []ast.Expr{e.Left, e.Right}})
	}
	l, err := b.bindExpr(s, e.Left)
	if err != nil {
		return nil, err
	}
	r, err := b.bindExpr(s, e.Right)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case ast.OpAnd, ast.OpOr:
		name := "AND"
		if e.Op == ast.OpOr {
			name = "OR"
		}
		if l, err = b.boolean(e.Left, l, name); err != nil {
			return nil, err
		}
		if r, err = b.boolean(e.Right, r, name); err != nil {
			return nil, err
		}
		return &Logic{And: e.Op == ast.OpAnd, Args: []Expr{l, r}}, nil
	}
	op, ok := binaryOps[e.Op]
	if !ok {
		return nil, b.errAt(e, sqlerr.FeatureNotSupported, "operator %s is not supported yet", e.Op)
	}
	return b.binOp(e, op, l, r)
}

// binOp resolves a binary operator, folding it when both sides are
// constant.
func (b *Binder) binOp(n ast.Node, op types.Op, l, r Expr) (Expr, error) {
	// A parameter of unknown type takes the other operand's type, as
	// PostgreSQL infers it.
	var err error
	if isUnknownParam(l) && r.Type().Family() != types.UnknownFamily {
		if l, err = b.cast(n, l, r.Type(), types.CastImplicit); err != nil {
			return nil, err
		}
	} else if isUnknownParam(r) && l.Type().Family() != types.UnknownFamily {
		if r, err = b.cast(n, r, l.Type(), types.CastImplicit); err != nil {
			return nil, err
		}
	}
	if b.Zone != nil && op == types.OpConcat {
		// text || timestamptz prints it with its output function: in the
		// session time zone, as its cast to text.
		zoned := func(x, other Expr) bool {
			return x.Type().Family() == types.TimestampTZFamily && !x.Type().IsArray() &&
				(other.Type().IsString() || other.Type().Family() == types.UnknownFamily) && !other.Type().IsArray()
		}
		if zoned(l, r) {
			if l, err = b.cast(n, l, types.Text, types.CastExplicit); err != nil {
				return nil, err
			}
		} else if zoned(r, l) {
			if r, err = b.cast(n, r, types.Text, types.CastExplicit); err != nil {
				return nil, err
			}
		}
	}
	if b.Zone != nil && op.IsComparison() {
		// An untyped literal compared with a timestamptz is one, read in
		// the session zone (BinaryOpFunc would parse it in UTC).
		if l, r, err = b.zonedOperands(n, l, r); err != nil {
			return nil, err
		}
	}
	fn, t, err := types.BinaryOpFunc(op, l.Type(), r.Type())
	if err != nil {
		return nil, withPos(err, b.charPos(int(n.Position())))
	}
	if zoned := types.ZonedOpFunc(op, l.Type(), r.Type(), b.Zone); zoned != nil {
		fn = zoned
	}
	return b.fold(&BinOp{Op: op, L: l, R: r, Fn: fn, Typ: t})
}

// zonedOperands casts an untyped constant operand to timestamptz when
// the other operand is one.
func (b *Binder) zonedOperands(n ast.Node, l, r Expr) (Expr, Expr, error) {
	untyped := func(e Expr) bool {
		c, ok := e.(*Const)
		return ok && c.Typ.Family() == types.UnknownFamily && !c.Typ.IsArray()
	}
	tstz := func(e Expr) bool { return e.Type().Family() == types.TimestampTZFamily && !e.Type().IsArray() }
	var err error
	switch {
	case untyped(l) && tstz(r):
		l, err = b.cast(n, l, types.TimestampTZ, types.CastImplicit)
	case untyped(r) && tstz(l):
		r, err = b.cast(n, r, types.TimestampTZ, types.CastImplicit)
	}
	return l, r, err
}

// regclassArgFuncs are the functions whose first parameter is a
// regclass, which a string literal names.
var regclassArgFuncs = map[string]bool{
	"pg_relation_size": true, "pg_total_relation_size": true, "pg_table_size": true, "pg_indexes_size": true,
	"pg_relation_filenode": true, "pg_relation_filepath": true, "pg_partition_tree": true, "pg_partition_ancestors": true,
}

// printsAny are the functions that take arguments of any type and print
// them as text.
var printsAny = map[string]bool{"concat": true, "concat_ws": true, "format": true}

func isUnknownParam(e Expr) bool {
	p, ok := e.(*Param)
	return ok && p.Typ.Family() == types.UnknownFamily
}

func (b *Binder) bindIs(s *scope, e *ast.IsExpr) (Expr, error) {
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	switch e.Kind {
	case ast.IsNull:
		return &IsNull{X: x, Not: e.Not}, nil
	case ast.IsTrue, ast.IsFalse:
		if x, err = b.boolean(e, x, "IS TRUE"); err != nil {
			return nil, err
		}
		return &IsBool{X: x, Value: e.Kind == ast.IsTrue, Not: e.Not}, nil
	case ast.IsDistinctFrom:
		r, err := b.bindExpr(s, e.Right)
		if err != nil {
			return nil, err
		}
		eq, _, err := types.BinaryOpFunc(types.OpEq, x.Type(), r.Type())
		if err != nil {
			return nil, withPos(err, b.charPos(int(e.Position())))
		}
		return &IsDistinct{L: x, R: r, Not: e.Not, Eq: eq}, nil
	}
	return nil, b.errAt(e, sqlerr.FeatureNotSupported, "%s is not supported yet", ast.Format(e))
}

func (b *Binder) bindBetween(s *scope, e *ast.BetweenExpr) (Expr, error) {
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	lo, err := b.bindExpr(s, e.Low)
	if err != nil {
		return nil, err
	}
	hi, err := b.bindExpr(s, e.High)
	if err != nil {
		return nil, err
	}
	between := func(lo, hi Expr) (Expr, error) {
		ge, err := b.binOp(e, types.OpGe, x, lo)
		if err != nil {
			return nil, err
		}
		le, err := b.binOp(e, types.OpLe, x, hi)
		if err != nil {
			return nil, err
		}
		return &Logic{And: true, Args: []Expr{ge, le}}, nil
	}
	out, err := between(lo, hi)
	if err != nil {
		return nil, err
	}
	if e.Symmetric {
		rev, err := between(hi, lo)
		if err != nil {
			return nil, err
		}
		out = &Logic{Args: []Expr{out, rev}}
	}
	if e.Not {
		out = &Not{X: out}
	}
	return out, nil
}

func (b *Binder) bindIn(s *scope, e *ast.InExpr) (Expr, error) {
	if row, ok := e.Expr.(*ast.RowExpr); ok && e.Query == nil {
		// (a, b) IN ((1, 2), (3, 4)): an OR of row equalities.
		var any ast.Expr
		for _, item := range e.List {
			r, ok := item.(*ast.RowExpr)
			if !ok {
				r = &ast.RowExpr{Pos: e.Pos, Exprs: []ast.Expr{item}}
			}
			eq, err := rowComparison(&ast.BinaryExpr{Pos: e.Pos, Op: ast.OpEq}, row, r)
			if err != nil {
				return nil, b.errAt(e, sqlerr.SyntaxError, "%v", err)
			}
			if any == nil {
				any = eq
			} else {
				any = &ast.BinaryExpr{Pos: e.Pos, Op: ast.OpOr, Left: any, Right: eq}
			}
		}
		if e.Not {
			any = &ast.UnaryExpr{Pos: e.Pos, Op: ast.OpNot, Expr: any}
		}
		return b.bindExpr(s, any)
	}
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	if e.Query != nil {
		return b.bindSubquery(s, e.Query, SubIn, x, e, e.Not)
	}
	list := make([]Expr, len(e.List))
	for i, item := range e.List {
		if list[i], err = b.bindExpr(s, item); err != nil {
			return nil, err
		}
	}
	// The comparison type: the first known type among x and the list.
	t := x.Type()
	for _, it := range list {
		if t.Family() != types.UnknownFamily {
			break
		}
		t = it.Type()
	}
	if t.Family() == types.UnknownFamily {
		t = types.Text
	}
	if x, err = b.coerce(e, x, t); err != nil {
		return nil, err
	}
	for i := range list {
		if list[i], err = b.coerce(e, list[i], t); err != nil {
			return nil, err
		}
	}
	eq, _, err := types.BinaryOpFunc(types.OpEq, x.Type(), list[0].Type())
	if err != nil {
		return nil, withPos(err, b.charPos(int(e.Position())))
	}
	return &InList{X: x, List: list, Not: e.Not, Eq: eq}, nil
}

// coerce converts an unknown-typed expression to t; other types are left
// for the operator to reconcile.
func (b *Binder) coerce(n ast.Node, e Expr, t types.Type) (Expr, error) {
	if e.Type().Family() != types.UnknownFamily || t.Family() == types.UnknownFamily {
		return e, nil
	}
	return b.cast(n, e, t, types.CastImplicit)
}

// commonType is the type a set of branches (CASE, COALESCE, UNION...)
// resolves to, as PostgreSQL's select_common_type does: unknowns become
// text unless a known type is present; numeric types widen.
func commonType(ts []types.Type) types.Type {
	var out types.Type
	have := false
	for _, t := range ts {
		if t.Family() == types.UnknownFamily {
			continue
		}
		if !have {
			out, have = t, true
			continue
		}
		if out.Family() == t.Family() {
			continue
		}
		if rank(t) > rank(out) && rank(out) > 0 {
			out = t
		} else if rank(out) == 0 || rank(t) == 0 {
			// Non-numeric mixes: prefer one that the other casts to
			// implicitly.
			if lvl, ok := types.CastLevel(out, t); ok && lvl == types.CastImplicit {
				out = t
			}
		}
	}
	if !have {
		return types.Text
	}
	return out
}

func rank(t types.Type) int {
	switch t.Family() {
	case types.Int2Family:
		return 1
	case types.Int4Family:
		return 2
	case types.Int8Family:
		return 3
	case types.NumericFamily:
		return 4
	case types.Float4Family:
		return 5
	case types.Float8Family:
		return 6
	}
	return 0
}

func (b *Binder) bindCase(s *scope, e *ast.CaseExpr) (Expr, error) {
	var operand Expr
	var err error
	if e.Operand != nil {
		if operand, err = b.bindExpr(s, e.Operand); err != nil {
			return nil, err
		}
	}
	c := &Case{}
	var resultTypes []types.Type
	for _, w := range e.Whens {
		cond, err := b.bindExpr(s, w.Cond)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = b.binOp(w.Cond, types.OpEq, operand, cond); err != nil {
				return nil, err
			}
		} else if cond, err = b.boolean(w.Cond, cond, "CASE/WHEN"); err != nil {
			return nil, err
		}
		res, err := b.bindExpr(s, w.Result)
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, CaseWhen{Cond: cond, Result: res})
		resultTypes = append(resultTypes, res.Type())
	}
	if e.Else != nil {
		if c.Else, err = b.bindExpr(s, e.Else); err != nil {
			return nil, err
		}
		resultTypes = append(resultTypes, c.Else.Type())
	}
	c.Typ = commonType(resultTypes)
	for i := range c.Whens {
		if c.Whens[i].Result, err = b.convert(e, c.Whens[i].Result, c.Typ); err != nil {
			return nil, err
		}
	}
	if c.Else != nil {
		if c.Else, err = b.convert(e, c.Else, c.Typ); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// convert casts e to t implicitly when the types differ (for branches of
// a common type).
func (b *Binder) convert(n ast.Node, e Expr, t types.Type) (Expr, error) {
	if types.Equivalent(e.Type(), t) {
		return e, nil
	}
	return b.cast(n, e, t, types.CastImplicit)
}

// cast converts e to t in context ctx, folding constants.
func (b *Binder) cast(n ast.Node, e Expr, t types.Type, ctx types.CastContext) (Expr, error) {
	if p, ok := e.(*Param); ok && p.Typ.Family() == types.UnknownFamily {
		b.params[p.N-1] = t
		p.Typ = t
		return p, nil
	}
	fn, ok := types.CastFuncIn(e.Type(), t, ctx, b.Zone)
	if !ok {
		if ctx == types.CastExplicit {
			return nil, withPos(types.CannotCast(e.Type(), t), b.charPos(int(n.Position())))
		}
		return nil, b.errAt(n, sqlerr.DatatypeMismatch, "cannot convert type %s to %s", e.Type(), t)
	}
	return b.fold(&Cast{X: e, Fn: fn, Typ: t})
}

func (b *Binder) bindQuantified(s *scope, e *ast.QuantifiedExpr) (Expr, error) {
	x, err := b.bindExpr(s, e.Left)
	if err != nil {
		return nil, err
	}
	op, ok := binaryOps[e.Op]
	if !ok || !e.Op.IsComparison() {
		return nil, b.errAt(e, sqlerr.FeatureNotSupported, "operator %s ANY/ALL is not supported", e.Op)
	}
	sub, ok := e.Right.(*ast.Subquery)
	if !ok {
		return b.bindAnyArray(s, e, x, op)
	}
	kind := SubAny
	if e.Quant == ast.QuantAll {
		kind = SubAll
	}
	q, err := b.bindSubquery(s, sub.Query, kind, x, e, false)
	if err != nil {
		return nil, err
	}
	sq := q.(*Subquery)
	cols := sq.Plan.Columns()
	fn, _, err := types.BinaryOpFunc(op, x.Type(), cols[0].Type)
	if err != nil {
		return nil, withPos(err, b.charPos(int(e.Position())))
	}
	sq.Cmp = fn
	return sq, nil
}

// bindSubquery binds a subquery expression with s as its outer scope.
func (b *Binder) bindSubquery(s *scope, q *ast.Query, kind SubqueryKind, x Expr, n ast.Node, not bool) (Expr, error) {
	child := &scope{parent: s, marker: true}
	saved, savedScope := b.agg, b.aggScope
	b.agg, b.aggScope = nil, nil
	node, err := b.bindQuery(q, child)
	b.agg, b.aggScope = saved, savedScope
	if err != nil {
		return nil, err
	}
	cols := node.Columns()
	sq := &Subquery{Kind: kind, Plan: node, X: x, Not: not, Correlated: child.correlated, Typ: types.Bool}
	switch kind {
	case SubScalar:
		if len(cols) != 1 {
			return nil, b.errAt(q, sqlerr.SyntaxError, "subquery must return only one column")
		}
		sq.Typ = cols[0].Type
	case SubIn:
		if len(cols) != 1 {
			return nil, b.errAt(n, sqlerr.SyntaxError, "subquery has too many columns")
		}
		fn, _, err := types.BinaryOpFunc(types.OpEq, x.Type(), cols[0].Type)
		if err != nil {
			return nil, withPos(err, b.charPos(int(n.Position())))
		}
		sq.Cmp = fn
	}
	return sq, nil
}

func (b *Binder) bindFunc(s *scope, e *ast.FuncCall) (Expr, error) {
	name := strings.ToLower(e.Name.Name)
	if e.Over != nil {
		return b.bindWindowCall(s, e)
	}
	if builtins.IsAggregate(name) {
		where := "here"
		if b.clause != "" {
			where = "in " + b.clause
		}
		return nil, b.errAt(e, sqlerr.GroupingError, "aggregate functions are not allowed %s", where)
	}
	switch name {
	case "fts_rank":
		return b.bindFTSRank(s, e)
	case "fts_snippet":
		return b.bindFTSSnippet(s, e)
	}
	if _, user := b.Functions[name]; !user && isSetFunc(name) {
		return b.bindSetFunc(s, e, name)
	}
	if x, ok, err := b.description(s, e, name); ok {
		return x, err
	}
	e = b.wholeRowArgs(s, e, name)
	if regclassArgFuncs[name] && len(e.Args) > 0 {
		// Their first parameter is a regclass: a string names the
		// relation, as 'name'::regclass does.
		if lit, ok := e.Args[0].(*ast.Literal); ok && lit.Kind == ast.LitString {
			c := *e
			c.Args = append([]ast.Expr{&ast.CastExpr{Pos: lit.Pos, Expr: lit, Type: &ast.TypeName{Pos: lit.Pos, Name: "regclass"}}}, e.Args[1:]...)
			e = &c
		}
	}
	if name == "make_interval" {
		var err error
		if e, err = b.makeIntervalArgs(e); err != nil {
			return nil, err
		}
	} else if hasNamedArg(e) {
		var err error
		if e, err = b.namedUserArgs(e, name); err != nil {
			return nil, err
		}
	}
	args := make([]Expr, len(e.Args))
	bindArgs := func() (Expr, error) {
		for i, a := range e.Args {
			var err error
			if args[i], err = b.bindExpr(s, a); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	var err error
	switch name {
	case "coalesce", "greatest", "least", "nullif":
		// Conditional: PostgreSQL allows no set-returning function in
		// them.
		_, err = b.withoutSRF(bindArgs)
	default:
		_, err = bindArgs()
	}
	if err != nil {
		return nil, err
	}
	argTypes := func() []types.Type {
		ts := make([]types.Type, len(args))
		for i, a := range args {
			ts[i] = a.Type()
		}
		return ts
	}
	switch name {
	case "coalesce", "greatest", "least":
		t := commonType(argTypes())
		for i := range args {
			var err error
			if args[i], err = b.convert(e, args[i], t); err != nil {
				return nil, err
			}
		}
		if name == "coalesce" {
			return &Coalesce{Args: args, Typ: t}, nil
		}
		return &MinMax{Greatest: name == "greatest", Args: args, Typ: t}, nil
	case "nullif":
		if len(args) != 2 {
			break
		}
		t := commonType(argTypes())
		l, err := b.convert(e, args[0], t)
		if err != nil {
			return nil, err
		}
		r, err := b.convert(e, args[1], t)
		if err != nil {
			return nil, err
		}
		eq, _, err := types.BinaryOpFunc(types.OpEq, t, t)
		if err != nil {
			return nil, err
		}
		return &NullIf{L: l, R: r, Eq: eq, Typ: t}, nil
	}
	if seq := b.sequenceFunc(e, name, args); seq != nil {
		return seq, nil
	}
	if f, ok, err := b.catalogFunc(e, name, args); ok || err != nil {
		return f, err
	}
	if b.Zone != nil && printsAny[name] {
		// These print their arguments with the output functions: a
		// timestamptz in the session time zone, as its cast to text.
		for i, a := range args {
			if t := a.Type(); t.Family() == types.TimestampTZFamily || t.IsArray() && t.Elem().Family() == types.TimestampTZFamily {
				if args[i], err = b.cast(e, a, types.Text, types.CastExplicit); err != nil {
					return nil, err
				}
			}
		}
	}
	var f *builtins.Func
	if hf, ok := b.Functions[name]; ok {
		f, err = builtins.Resolve(hf, argTypes())
	} else {
		f, err = builtins.Lookup(name, argTypes())
	}
	if err != nil {
		if uf, ok, uerr := b.userFunc(e, name, args); ok || uerr != nil {
			return uf, uerr
		}
		return nil, withPos(err, b.charPos(int(e.Position())))
	}
	for i := range args {
		if i < len(f.ArgTypes) {
			if args[i], err = b.convert(e, args[i], f.ArgTypes[i]); err != nil {
				return nil, err
			}
		}
	}
	if f.ZoneOnly {
		// Bound in the session's zone (UTC for a table's stored
		// expressions), it is a plain function: immutable, foldable.
		out := &Func{Name: name, Args: args, Fn: f.ForZone(b.Zone), Strict: f.Strict, Typ: f.Return}
		out.Zoned = f.Return.Family() == types.TimestampTZFamily
		for _, a := range args {
			out.Zoned = out.Zoned || a.Type().Family() == types.TimestampTZFamily
		}
		return b.fold(out)
	}
	out := &Func{Name: name, Args: args, Fn: f.Fn, CtxFn: f.CtxFn, Strict: f.Strict, Typ: f.Return, Volatile: f.Volatile || f.CtxFn != nil}
	if f.Volatile || f.CtxFn != nil {
		return out, nil
	}
	return b.fold(out)
}

// bindAggregate binds an aggregate call above an aggregation, registering
// it with the aggregation.
func (b *Binder) bindAggregate(s *scope, fc *ast.FuncCall, text string) (Expr, error) {
	ac := b.agg
	if i, ok := ac.aggText[text]; ok {
		return &ColRef{Idx: ac.nGroups + i, Typ: ac.aggs[i].Typ}, nil
	}
	name := strings.ToLower(fc.Name.Name)
	fc = b.wholeRowArgs(ac.input, fc, name)
	if ordered := builtins.IsOrderedSet(name); ordered != fc.WithinGroup {
		if ordered {
			return nil, b.errAt(fc, sqlerr.WrongObjectType, "WITHIN GROUP is required for ordered-set aggregate %s", name)
		}
		return nil, b.errAt(fc, sqlerr.WrongObjectType, "%s is not an ordered-set aggregate, so it cannot have WITHIN GROUP", name)
	} else if ordered {
		// f(direct) WITHIN GROUP (ORDER BY x) is the aggregate of x and
		// the direct arguments, fed in x's order (builtins' ordered.go).
		if len(fc.OrderBy) != 1 {
			return nil, b.errAt(fc, sqlerr.UndefinedFunction, "ordered-set aggregate %s takes one WITHIN GROUP (ORDER BY ...) key", name)
		}
		c := *fc
		c.Args = append([]ast.Expr{fc.OrderBy[0].Expr}, fc.Args...)
		c.WithinGroup = false
		fc = &c
	}
	// Arguments are bound below the aggregation, with no aggregates
	// inside (42803 for nested aggregates).
	saved, savedScope := b.agg, b.aggScope
	b.agg, b.aggScope = nil, nil
	defer func() { b.agg, b.aggScope = saved, savedScope }()
	var args []Expr
	var argTypes []types.Type
	if _, err := b.withoutSRF(func() (Expr, error) {
		for _, a := range fc.Args {
			x, err := b.bindExpr(ac.input, a)
			if err != nil {
				return nil, err
			}
			if x.Type().Family() == types.UnknownFamily {
				if x, err = b.cast(a, x, types.Text, types.CastImplicit); err != nil {
					return nil, err
				}
			}
			args = append(args, x)
			argTypes = append(argTypes, x.Type())
		}
		return nil, nil
	}); err != nil {
		return nil, err
	}
	if fc.Star {
		argTypes = nil
	}
	agg, err := builtins.LookupAggregateIn(name, argTypes, false, b.Zone)
	if err != nil {
		return nil, withPos(err, b.charPos(int(fc.Position())))
	}
	for i := range args {
		if i < len(agg.ArgTypes) {
			if args[i], err = b.convert(fc, args[i], agg.ArgTypes[i]); err != nil {
				return nil, err
			}
		}
	}
	// DISTINCT is applied by the executor before the state sees a value.
	call := AggCall{Name: name, Args: args, Distinct: fc.Distinct, Star: fc.Star, New: agg.New, Typ: agg.Return}
	for _, o := range fc.OrderBy {
		x, err := b.bindExpr(ac.input, o.Expr)
		if err != nil {
			return nil, err
		}
		nullsFirst := o.Desc
		switch o.Nulls {
		case ast.NullsFirst:
			nullsFirst = true
		case ast.NullsLast:
			nullsFirst = false
		}
		call.OrderBy = append(call.OrderBy, SortKey{Expr: x, Desc: o.Desc, NullsFirst: nullsFirst})
	}
	if call.Distinct && len(call.OrderBy) == 0 && listsInOrder[name] {
		// PostgreSQL drops a DISTINCT aggregate's duplicates by sorting
		// its input, so array_agg(DISTINCT x) lists the values in
		// order, and applications count on it.
		for _, a := range args {
			call.OrderBy = append(call.OrderBy, SortKey{Expr: a})
		}
	}
	if fc.Filter != nil {
		f, err := b.bindExpr(ac.input, fc.Filter)
		if err != nil {
			return nil, err
		}
		if call.Filter, err = b.boolean(fc.Filter, f, "FILTER"); err != nil {
			return nil, err
		}
	}
	ac.aggs = append(ac.aggs, call)
	ac.aggText[text] = len(ac.aggs) - 1
	return &ColRef{Idx: ac.nGroups + len(ac.aggs) - 1, Typ: agg.Return}, nil
}

// listsInOrder are the aggregates whose result shows the order of their
// input.
var listsInOrder = map[string]bool{"array_agg": true, "string_agg": true, "json_agg": true, "jsonb_agg": true,
	"json_object_agg": true, "jsonb_object_agg": true}

// sequenceFunc binds nextval(name), currval(name) and setval(name, v),
// which read the statement's sequences at run time.
func (b *Binder) sequenceFunc(e *ast.FuncCall, name string, args []Expr) Expr {
	if name != "nextval" && name != "currval" && name != "setval" {
		return nil
	}
	if name == "setval" && len(args) != 2 && len(args) != 3 || name != "setval" && len(args) != 1 {
		return nil
	}
	for i := range args {
		// The sequence by name, or by its OID ('s'::regclass, as
		// pg_dump writes a serial column's default).
		want := types.Text
		if i == 0 && args[0].Type().Family() == types.Int8Family {
			if seq, ok := b.relationName(args[0]); ok {
				args[0] = &Const{Val: types.NewText(seq), Typ: types.Text}
				continue
			}
		}
		switch i {
		case 1:
			want = types.Int8
		case 2:
			want = types.Bool
		}
		x, err := b.cast(e, args[i], want, types.CastImplicit)
		if err != nil {
			return nil
		}
		args[i] = x
	}
	fn := func(ec *builtins.EvalContext, a []types.Datum) (types.Datum, error) {
		seqs := ec.Sequences
		if seqs == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "%s is not available here", name)
		}
		switch name {
		case "nextval":
			v, err := seqs.NextVal(a[0].Str())
			return types.NewInt8(v), err
		case "currval":
			v, err := seqs.CurrVal(a[0].Str())
			return types.NewInt8(v), err
		}
		called := len(a) < 3 || a[2].Bool()
		return a[1], seqs.SetVal(a[0].Str(), a[1].Int(), called)
	}
	return &Func{Name: name, Args: args, CtxFn: fn, Strict: true, Typ: types.Int8, Volatile: true}
}

// bindSpecial binds CURRENT_TIMESTAMP and its kin (keywords that are
// function calls without parentheses).
func (b *Binder) bindSpecial(s *scope, e *ast.SpecialFunc) (Expr, error) {
	name := strings.ToLower(ast.Format(e))
	if i := strings.IndexByte(name, '('); i > 0 {
		name = name[:i]
	}
	cast := types.Type{}
	switch name {
	case "current_date":
		name, cast = "now", types.Date
	case "localtimestamp":
		name, cast = "now", types.Timestamp
	case "current_time", "localtime":
		name, cast = "now", types.Time
	}
	x, err := b.bindFunc(s, &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: name}})
	if err != nil {
		return nil, err
	}
	if cast.IsZero() {
		return x, nil
	}
	return b.cast(e, x, cast, types.CastExplicit)
}

// rowToJSON names the functions that take a whole row (to_jsonb(t),
// jsonb_agg(t)...), each with the object builder a row becomes for it.
var rowToJSON = map[string]string{
	"to_jsonb": "jsonb_build_object", "jsonb_agg": "jsonb_build_object",
	"to_json": "jsonb_build_object", "row_to_json": "jsonb_build_object", "json_agg": "jsonb_build_object",
}

// wholeRowArgs rewrites the whole-row arguments of a JSON function, t or
// t.* where t is a FROM item and not a column, into the object of the
// row's columns (jsonb_build_object('id', t.id, ...)): cairn has no
// composite types, and these calls are what whole rows are mostly
// passed to. Other calls are returned as they are.
func (b *Binder) wholeRowArgs(s *scope, fc *ast.FuncCall, name string) *ast.FuncCall {
	builder, ok := rowToJSON[name]
	if !ok {
		return fc
	}
	var out *ast.FuncCall
	for i, a := range fc.Args {
		var table string
		switch a := a.(type) {
		case *ast.ColumnRef:
			if a.Table.Name == "" {
				table = a.Name
			}
		case *ast.Star:
			table = a.Table.Name
		}
		if table == "" {
			continue
		}
		obj := rowObject(s, a, table, builder)
		if obj == nil {
			continue
		}
		if out == nil {
			c := *fc
			c.Args = append([]ast.Expr{}, fc.Args...)
			out = &c
		}
		out.Args[i] = obj
	}
	if out == nil {
		return fc
	}
	return out
}

// rowObject builds the object of the visible columns of FROM item table
// in the nearest scope that has it, or nil when a column of that name
// comes first (t is then that column, as in PostgreSQL) or no item is
// named so.
func rowObject(s *scope, at ast.Expr, table, builder string) ast.Expr {
	_, star := at.(*ast.Star)
	for sc := s; sc != nil; sc = sc.parent {
		if !star && findCol(sc.cols, table) >= 0 {
			return nil
		}
		var args []ast.Expr
		for _, c := range sc.cols {
			if c.Table == table && !c.Hidden {
				args = append(args, &ast.Literal{Kind: ast.LitString, Val: c.Name},
					&ast.ColumnRef{Pos: at.Position(), Table: ast.TableName{Name: table}, Name: c.Name})
			}
		}
		if len(args) > 0 {
			return &ast.FuncCall{Pos: at.Position(), Name: ast.TableName{Name: builder}, Args: args}
		}
	}
	return nil
}

// rowComparison rewrites a comparison of two row constructors as
// PostgreSQL evaluates it: = and <> pairwise (AND, OR), and the ordering
// operators lexicographically, the first unequal pair deciding:
// (a, b) < (x, y) is a < x OR (a = x AND b < y). An ordering comparison
// also states what it implies of the first pair, a <= x, which decides
// nothing more but gives the planner a range on an index leading with
// a: keyset pagination's WHERE (created, id) > ($1, $2).
func rowComparison(e *ast.BinaryExpr, l, r *ast.RowExpr) (ast.Expr, error) {
	n := len(l.Exprs)
	if n != len(r.Exprs) {
		return nil, fmt.Errorf("unequal number of entries in row expressions")
	}
	if n == 0 {
		return nil, fmt.Errorf("cannot compare rows of zero length")
	}
	bin := func(op ast.BinaryOp, a, b ast.Expr) ast.Expr {
		return &ast.BinaryExpr{Pos: e.Pos, Op: op, Left: a, Right: b}
	}
	join := func(op ast.BinaryOp, cmp ast.BinaryOp) ast.Expr {
		out := bin(cmp, l.Exprs[0], r.Exprs[0])
		for i := 1; i < n; i++ {
			out = bin(op, out, bin(cmp, l.Exprs[i], r.Exprs[i]))
		}
		return out
	}
	switch e.Op {
	case ast.OpEq:
		return join(ast.OpAnd, ast.OpEq), nil
	case ast.OpNe:
		return join(ast.OpOr, ast.OpNe), nil
	}
	strict, weak := e.Op, e.Op
	switch e.Op {
	case ast.OpLt, ast.OpLe:
		strict, weak = ast.OpLt, ast.OpLe
	case ast.OpGt, ast.OpGe:
		strict, weak = ast.OpGt, ast.OpGe
	default:
		return nil, fmt.Errorf("operator %s is not supported for rows", e.Op)
	}
	out := bin(e.Op, l.Exprs[n-1], r.Exprs[n-1])
	for i := n - 2; i >= 0; i-- {
		out = bin(ast.OpOr, bin(strict, l.Exprs[i], r.Exprs[i]), bin(ast.OpAnd, bin(ast.OpEq, l.Exprs[i], r.Exprs[i]), out))
	}
	if n > 1 {
		out = bin(ast.OpAnd, bin(weak, l.Exprs[0], r.Exprs[0]), out)
	}
	return out, nil
}

// bindGrouping binds GROUPING(a, ...) above an aggregation: its
// arguments must be group keys; the value has a bit per argument, set
// when the row's grouping set lacks it (0 without grouping sets).
func (b *Binder) bindGrouping(fc *ast.FuncCall) (Expr, error) {
	ac := b.agg
	if len(fc.Args) == 0 || len(fc.Args) > 31 || fc.Star || fc.Distinct || len(fc.OrderBy) > 0 || fc.Filter != nil {
		return nil, b.errAt(fc, sqlerr.SyntaxError, "GROUPING takes 1 to 31 grouping expressions")
	}
	keys := make([]int, len(fc.Args))
	for i, a := range fc.Args {
		k, ok := ac.groups[ast.Format(a)]
		if !ok {
			return nil, b.errAt(a, sqlerr.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
		}
		keys[i] = k
	}
	if ac.sets == nil {
		return &Const{Val: types.NewInt4(0), Typ: types.Int4}, nil
	}
	return groupingValue(keys, ac.sets, &ColRef{Idx: ac.setCol, Typ: types.Int8, Name: "?set?"}), nil
}

// description binds obj_description(oid [, catalog]) and
// col_description(table oid, column number) as the scalar subqueries of
// pg_description they stand for (COMMENT ON's texts). ok is false for
// other calls.
func (b *Binder) description(s *scope, e *ast.FuncCall, name string) (Expr, bool, error) {
	var sql string
	switch {
	case (name == "obj_description" || name == "pg_catalog.obj_description") && (len(e.Args) == 1 || len(e.Args) == 2):
		sql = "(SELECT description FROM pg_catalog.pg_description WHERE objoid = (" + ast.Format(e.Args[0]) + ")::int8 AND objsubid = 0 LIMIT 1)"
	case (name == "col_description" || name == "pg_catalog.col_description") && len(e.Args) == 2:
		sql = "(SELECT description FROM pg_catalog.pg_description WHERE objoid = (" + ast.Format(e.Args[0]) + ")::int8 AND objsubid = (" + ast.Format(e.Args[1]) + ")::int4 LIMIT 1)"
	default:
		return nil, false, nil
	}
	x, err := parser.ParseExpr(sql)
	if err != nil {
		return nil, true, err
	}
	r, err := b.bindExpr(s, x)
	return r, true, err
}

// makeIntervalParams are make_interval's parameters, each 0 by default.
var makeIntervalParams = []string{"years", "months", "weeks", "days", "hours", "mins", "secs"}

// makeIntervalArgs puts make_interval's arguments in place: positional
// ones first, then named ones (days => 3), the rest 0, as PostgreSQL's
// defaults for the function have it.
func (b *Binder) makeIntervalArgs(e *ast.FuncCall) (*ast.FuncCall, error) {
	named := false
	for _, a := range e.Args {
		_, ok := a.(*ast.NamedArg)
		named = named || ok
	}
	if !named && len(e.Args) == len(makeIntervalParams) {
		return e, nil
	}
	args := make([]ast.Expr, len(makeIntervalParams))
	for i, a := range e.Args {
		na, ok := a.(*ast.NamedArg)
		if !ok {
			if named && i > 0 {
				if _, prev := e.Args[i-1].(*ast.NamedArg); prev {
					return nil, b.errAt(a, sqlerr.SyntaxError, "positional argument cannot follow named argument")
				}
			}
			if i >= len(args) {
				return nil, b.errAt(e, sqlerr.UndefinedFunction, "function make_interval has at most %d arguments", len(args))
			}
			args[i] = a
			continue
		}
		at := slices.Index(makeIntervalParams, strings.ToLower(na.Name))
		if at < 0 {
			return nil, b.errAt(na, sqlerr.UndefinedFunction, "function make_interval has no parameter named %q", na.Name)
		}
		if args[at] != nil {
			return nil, b.errAt(na, sqlerr.Code("42601"), "argument name %q used more than once", na.Name)
		}
		args[at] = na.Value
	}
	for i := range args {
		if args[i] == nil {
			args[i] = &ast.Literal{Kind: ast.LitInt, Val: "0"}
		}
	}
	c := *e
	c.Args = args
	return &c, nil
}

// bindClause binds e, an expression of the clause named (WHERE, JOIN
// conditions), which errors name as PostgreSQL's do.
func (b *Binder) bindClause(s *scope, e ast.Expr, clause string) (Expr, error) {
	saved := b.clause
	b.clause = clause
	defer func() { b.clause = saved }()
	return b.bindExpr(s, e)
}
