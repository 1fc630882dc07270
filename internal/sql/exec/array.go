package exec

import (
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

func (c *Ctx) compileArrayCtor(e *plan.ArrayCtor) (evalFn, error) {
	elems, err := c.compileAll(e.Elems)
	if err != nil {
		return nil, err
	}
	t := e.Typ
	return func(row Row) (types.Datum, error) {
		vals := make([]types.Datum, len(elems))
		for i, el := range elems {
			v, err := el(row)
			if err != nil {
				return types.Null, err
			}
			vals[i] = v
		}
		return types.NewArray(t, vals), nil
	}, nil
}

// compileSubscript evaluates x[i] and x[lo:hi] with PostgreSQL's
// one-based subscripts: an element out of range is NULL; a slice is
// clipped to the array.
func (c *Ctx) compileSubscript(e *plan.Subscript) (evalFn, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	var lo, hi evalFn
	if e.Index != nil {
		if lo, err = c.compile(e.Index); err != nil {
			return nil, err
		}
	}
	if e.Upper != nil {
		if hi, err = c.compile(e.Upper); err != nil {
			return nil, err
		}
	}
	slice, t := e.Slice, e.Typ
	bound := func(f evalFn, row Row, def int64) (int64, bool, error) {
		if f == nil {
			return def, true, nil
		}
		v, err := f(row)
		if err != nil || v.IsNull() {
			return 0, false, err
		}
		return v.Int(), true, nil
	}
	return func(row Row) (types.Datum, error) {
		a, err := x(row)
		if err != nil || a.IsNull() {
			return types.Null, err
		}
		elems := a.Array().Elems
		n := int64(len(elems))
		l, ok, err := bound(lo, row, 1)
		if err != nil || !ok {
			return types.Null, err
		}
		if !slice {
			if l < 1 || l > n {
				return types.Null, nil
			}
			return elems[l-1], nil
		}
		h, ok, err := bound(hi, row, n)
		if err != nil || !ok {
			return types.Null, err
		}
		l, h = max(l, 1), min(h, n)
		if l > h {
			return types.NewArray(t, nil), nil
		}
		return types.NewArray(t, append([]types.Datum(nil), elems[l-1:h]...)), nil
	}, nil
}

// compileAnyArray evaluates x op ANY|ALL (array) with three-valued logic.
func (c *Ctx) compileAnyArray(e *plan.AnyArray) (evalFn, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	arr, err := c.compile(e.Arr)
	if err != nil {
		return nil, err
	}
	cmp, all := e.Cmp, e.All
	return func(row Row) (types.Datum, error) {
		a, err := arr(row)
		if err != nil || a.IsNull() {
			return types.Null, err
		}
		v, err := x(row)
		if err != nil {
			return types.Null, err
		}
		elems := a.Array().Elems
		res := types.TriBool(all)
		if len(elems) > 0 && v.IsNull() {
			return types.Null, nil
		}
		for _, w := range elems {
			t := types.TriNull
			if !w.IsNull() {
				m, err := cmp(v, w)
				if err != nil {
					return types.Null, err
				}
				t = types.TriOf(m)
			}
			if all {
				if res = types.And(res, t); res == types.TriFalse {
					break
				}
			} else if res = types.Or(res, t); res == types.TriTrue {
				break
			}
		}
		return res.Datum(), nil
	}, nil
}
