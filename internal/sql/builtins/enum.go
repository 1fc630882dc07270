package builtins

import (
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// The enum support functions: enum_first, enum_last and enum_range take
// a value of an enum type (usually NULL::t) and answer from the type
// alone.
func init() {
	isEnum := func(t types.Type) bool { return t.IsEnum() }
	value := func(t types.Type, l types.EnumLabel) types.Datum {
		d, _ := types.NewEnumValue(t, l.Label) // a label of t
		return d
	}
	ends := func(last bool) func([]types.Type) func([]types.Datum) (types.Datum, error) {
		return func(ts []types.Type) func([]types.Datum) (types.Datum, error) {
			t := ts[0]
			labels := t.EnumLabels()
			return func([]types.Datum) (types.Datum, error) {
				if len(labels) == 0 {
					return types.Null, sqlerr.New(sqlerr.Code("55000"), "enum %s contains no values", t)
				}
				if last {
					return value(t, labels[len(labels)-1]), nil
				}
				return value(t, labels[0]), nil
			}
		}
	}
	same := func(a []types.Type) types.Type { return a[0] }
	register("enum_first", &overload{params: []param{pElem}, retFn: same, nonStrct: true, accept: isEnum, mk: ends(false)})
	register("enum_last", &overload{params: []param{pElem}, retFn: same, nonStrct: true, accept: isEnum, mk: ends(true)})
	// enum_range(e) is every value in order; enum_range(lo, hi) those
	// from lo to hi, a NULL bound leaving that end open.
	rng := func(ts []types.Type) func([]types.Datum) (types.Datum, error) {
		t := ts[0]
		labels := t.EnumLabels()
		return func(a []types.Datum) (types.Datum, error) {
			out := []types.Datum{}
			for _, l := range labels {
				if len(a) == 2 && (!a[0].IsNull() && l.Sort < a[0].EnumSort() || !a[1].IsNull() && l.Sort > a[1].EnumSort()) {
					continue
				}
				out = append(out, value(t, l))
			}
			return types.NewArray(t, out), nil
		}
	}
	arrayOf := func(a []types.Type) types.Type { return types.ArrayOf(a[0]) }
	register("enum_range", &overload{params: []param{pElem}, retFn: arrayOf, nonStrct: true, accept: isEnum, mk: rng})
	register("enum_range", &overload{params: []param{pElem, pElem}, retFn: arrayOf, nonStrct: true, accept: isEnum, mk: rng})
}
