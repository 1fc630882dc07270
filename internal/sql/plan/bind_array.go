package plan

import (
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// bindArray binds ARRAY[...] (elements converted to their common type)
// and ARRAY(subquery).
func (b *Binder) bindArray(s *scope, e *ast.ArrayExpr) (Expr, error) {
	if e.Query != nil {
		x, err := b.bindSubquery(s, e.Query, SubArray, nil, e, false)
		if err != nil {
			return nil, err
		}
		sq := x.(*Subquery)
		cols := sq.Plan.Columns()
		if len(cols) != 1 {
			return nil, b.errAt(e, sqlerr.SyntaxError, "subquery must return only one column")
		}
		t := cols[0].Type
		if t.Family() == types.UnknownFamily {
			t = types.Text
		}
		if t.IsArray() {
			return nil, b.errAt(e, sqlerr.FeatureNotSupported, "multidimensional arrays are not supported")
		}
		sq.Typ = types.ArrayOf(t)
		return sq, nil
	}
	if len(e.Elems) == 0 {
		return nil, b.errAt(e, sqlerr.Code("42P18"), "cannot determine type of empty array").
			WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
	}
	elems := make([]Expr, len(e.Elems))
	ts := make([]types.Type, len(e.Elems))
	for i, el := range e.Elems {
		if _, nested := el.(*ast.ArrayExpr); nested {
			return nil, b.errAt(el, sqlerr.FeatureNotSupported, "multidimensional arrays are not supported")
		}
		x, err := b.bindExpr(s, el)
		if err != nil {
			return nil, err
		}
		elems[i], ts[i] = x, x.Type()
	}
	t := commonType(ts)
	if t.Family() == types.UnknownFamily {
		t = types.Text
	}
	for i := range elems {
		var err error
		if elems[i], err = b.convert(e, elems[i], t); err != nil {
			return nil, err
		}
	}
	return &ArrayCtor{Elems: elems, Typ: types.ArrayOf(t)}, nil
}

// bindSubscript binds x[i] and x[lo:hi]; subscripts are integers.
func (b *Binder) bindSubscript(s *scope, e *ast.Subscript) (Expr, error) {
	x, err := b.bindExpr(s, e.Expr)
	if err != nil {
		return nil, err
	}
	if x.Type().IsString() && !e.Slice && e.Index != nil {
		// PostgreSQL's name type subscripts to its characters from 0
		// (pg_dump's typname[0] = '_'); cairn's catalogs have names as
		// text, so text does too.
		one := &ast.Literal{Pos: e.Pos, Kind: ast.LitInt, Val: "1"}
		return b.bindExpr(s, &ast.FuncCall{Pos: e.Pos, Name: ast.TableName{Name: "substr"},
			Args: []ast.Expr{e.Expr, &ast.BinaryExpr{Pos: e.Pos, Op: ast.OpAdd, Left: e.Index, Right: one}, one}})
	}
	if !x.Type().IsArray() {
		return nil, b.errAt(e, sqlerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", x.Type())
	}
	out := &Subscript{X: x, Slice: e.Slice, Typ: x.Type().Elem()}
	if e.Slice {
		out.Typ = x.Type()
	}
	bound := func(a ast.Expr) (Expr, error) {
		if a == nil {
			return nil, nil
		}
		v, err := b.bindExpr(s, a)
		if err != nil {
			return nil, err
		}
		if v, err = b.cast(a, v, types.Int4, types.CastAssignment); err != nil {
			return nil, b.errAt(a, sqlerr.DatatypeMismatch, "array subscript must have type integer")
		}
		return v, nil
	}
	if out.Index, err = bound(e.Index); err != nil {
		return nil, err
	}
	if out.Upper, err = bound(e.Upper); err != nil {
		return nil, err
	}
	return out, nil
}

// bindAnyArray binds x op ANY|ALL (array expression).
func (b *Binder) bindAnyArray(s *scope, e *ast.QuantifiedExpr, x Expr, op types.Op) (Expr, error) {
	arr, err := b.bindExpr(s, e.Right)
	if err != nil {
		return nil, err
	}
	at := arr.Type()
	if at.Family() == types.UnknownFamily && !at.IsArray() {
		// '{1,2}' takes the array type of the left side.
		et := x.Type()
		if et.Family() == types.UnknownFamily {
			et = types.Text
		}
		if arr, err = b.cast(e.Right, arr, types.ArrayOf(et), types.CastImplicit); err != nil {
			return nil, err
		}
		at = arr.Type()
	}
	if !at.IsArray() {
		return nil, b.errAt(e, sqlerr.DatatypeMismatch, "op ANY/ALL (array) requires array on right side")
	}
	if x, err = b.coerce(e, x, at.Elem()); err != nil {
		return nil, err
	}
	fn, _, err := types.BinaryOpFunc(op, x.Type(), at.Elem())
	if err != nil {
		return nil, withPos(err, b.charPos(int(e.Position())))
	}
	return &AnyArray{X: x, Arr: arr, Cmp: fn, All: e.Quant == ast.QuantAll, Op: opSymbol(op)}, nil
}
