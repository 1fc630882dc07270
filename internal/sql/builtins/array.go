package builtins

import (
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Array functions of PostgreSQL (section 9.19) for one-dimensional
// arrays with lower bound 1.
func init() {
	I4 := types.Int4
	bound := func(upper bool) func(a []types.Datum) (types.Datum, error) {
		return func(a []types.Datum) (types.Datum, error) {
			n := len(a[0].Array().Elems)
			if a[1].Int() != 1 || n == 0 {
				return types.Null, nil
			}
			if upper {
				return int4(n), nil
			}
			return int4(1), nil
		}
	}
	register("array_upper", &overload{params: []param{pArr, p(I4)}, ret: I4, fn: bound(true)})
	register("array_lower", &overload{params: []param{pArr, p(I4)}, ret: I4, fn: bound(false)})
	register("array_ndims", &overload{params: []param{pArr}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		if len(a[0].Array().Elems) == 0 {
			return types.Null, nil
		}
		return int4(1), nil
	}})
	arrOf := func(args []types.Type) types.Type {
		for _, t := range args {
			if t.IsArray() {
				return t
			}
		}
		return types.ArrayOf(args[0])
	}
	// array_append and array_prepend keep a NULL array as empty, as
	// PostgreSQL does.
	register("array_append", &overload{params: []param{pArr, pElem}, nonStrct: true, retFn: arrOf, mk: func(args []types.Type) func([]types.Datum) (types.Datum, error) {
		t := arrOf(args)
		return func(a []types.Datum) (types.Datum, error) {
			var elems []types.Datum
			if !a[0].IsNull() {
				elems = append(elems, a[0].Array().Elems...)
			}
			return types.NewArray(t, append(elems, a[1])), nil
		}
	}})
	register("array_prepend", &overload{params: []param{pElem, pArr}, nonStrct: true, retFn: arrOf, mk: func(args []types.Type) func([]types.Datum) (types.Datum, error) {
		t := arrOf(args)
		return func(a []types.Datum) (types.Datum, error) {
			elems := []types.Datum{a[0]}
			if !a[1].IsNull() {
				elems = append(elems, a[1].Array().Elems...)
			}
			return types.NewArray(t, elems), nil
		}
	}})
	register("array_cat", &overload{params: []param{pArr, pArr}, nonStrct: true, retFn: arrOf, mk: func(args []types.Type) func([]types.Datum) (types.Datum, error) {
		t := arrOf(args)
		return func(a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() {
				return a[1], nil
			}
			if a[1].IsNull() {
				return a[0], nil
			}
			elems := append(append([]types.Datum(nil), a[0].Array().Elems...), a[1].Array().Elems...)
			return types.NewArray(t, elems), nil
		}
	}})
	register("array_position", &overload{params: []param{pArr, pElem}, nonStrct: true, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		for i, e := range a[0].Array().Elems {
			if (e.IsNull() && a[1].IsNull()) || (!e.IsNull() && !a[1].IsNull() && types.Compare(e, a[1]) == 0) {
				return int4(i + 1), nil
			}
		}
		return types.Null, nil
	}})
	register("trim_array", &overload{params: []param{pArr, p(I4)}, retFn: arrOf, mk: func(args []types.Type) func([]types.Datum) (types.Datum, error) {
		t := arrOf(args)
		return func(a []types.Datum) (types.Datum, error) {
			elems := a[0].Array().Elems
			n := a[1].Int()
			if n < 0 || n > int64(len(elems)) {
				return types.Null, sqlerr.New(sqlerr.ArraySubscriptError, "number of elements to trim must be between 0 and %d", len(elems))
			}
			return types.NewArray(t, elems[:int64(len(elems))-n:int64(len(elems))-n]), nil
		}
	}})
	register("array_remove", &overload{params: []param{pArr, pElem}, nonStrct: true, retFn: arrOf, mk: func(args []types.Type) func([]types.Datum) (types.Datum, error) {
		t := arrOf(args)
		return func(a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() {
				return types.Null, nil
			}
			var out []types.Datum
			for _, e := range a[0].Array().Elems {
				same := (e.IsNull() && a[1].IsNull()) || (!e.IsNull() && !a[1].IsNull() && types.Compare(e, a[1]) == 0)
				if !same {
					out = append(out, e)
				}
			}
			return types.NewArray(t, out), nil
		}
	}})
}
