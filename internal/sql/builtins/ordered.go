package builtins

import (
	"math"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Ordered-set aggregates: percentile_cont, percentile_disc and mode,
// written f(direct) WITHIN GROUP (ORDER BY x). The binder passes them the
// sorted value first and the direct argument after it, each row in the
// WITHIN GROUP order (an aggregate's ORDER BY): percentile_cont(x, 0.5
// ORDER BY x). Their states keep the non-NULL values.

// IsOrderedSet reports whether name is an ordered-set aggregate (called
// only with WITHIN GROUP).
func IsOrderedSet(name string) bool {
	switch normalizeName(name) {
	case "percentile_cont", "percentile_disc", "mode":
		return true
	}
	return false
}

type orderedSet struct {
	vals     []types.Datum
	fraction types.Datum // the direct argument, from the first row
	seen     bool
	cont     bool // percentile_cont (interpolates), else percentile_disc
	mode     bool
	elem     types.Type // percentile_disc's and mode's value type
}

func (s *orderedSet) Add(a []types.Datum) error {
	if !s.seen && len(a) > 1 {
		s.fraction, s.seen = a[1], true
	}
	if !a[0].IsNull() {
		s.vals = append(s.vals, a[0])
	}
	return nil
}

func (s *orderedSet) Result() (types.Datum, error) {
	if len(s.vals) == 0 {
		return types.Null, nil
	}
	if s.mode {
		// The most frequent value; on a tie the first in the order.
		best, bestN, n := 0, 0, 0
		for i := range s.vals {
			if i > 0 && types.Compare(s.vals[i], s.vals[i-1]) == 0 {
				n++
			} else {
				n = 1
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		return s.vals[best], nil
	}
	if s.fraction.IsNull() {
		return types.Null, nil
	}
	if s.fraction.Array() != nil {
		fs := s.fraction.Array().Elems
		out := make([]types.Datum, len(fs))
		for i, f := range fs {
			if f.IsNull() {
				continue
			}
			v, err := s.at(f.Float())
			if err != nil {
				return types.Null, err
			}
			out[i] = v
		}
		t := types.Float8
		if !s.cont {
			t = s.elem
		}
		return types.NewArray(t, out), nil
	}
	return s.at(s.fraction.Float())
}

// at is the percentile f of the values.
func (s *orderedSet) at(f float64) (types.Datum, error) {
	if f < 0 || f > 1 || math.IsNaN(f) {
		return types.Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "percentile value %g is not between 0 and 1", f)
	}
	n := len(s.vals)
	if !s.cont {
		// The first value whose position in the order reaches f.
		i := int(math.Ceil(f*float64(n))) - 1
		return s.vals[max(i, 0)], nil
	}
	pos := f * float64(n-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	a, b := s.vals[lo].Float(), s.vals[hi].Float()
	return types.NewFloat8(a + (pos-float64(lo))*(b-a)), nil
}

func init() {
	F8, F8A := types.Float8, types.ArrayOf(types.Float8)
	reg := func(name string, params []param, ret types.Type, mk func([]types.Type) func() AggState) *overload {
		o := &overload{params: params, ret: ret, newAgg: mk, nonStrct: true}
		registerAgg(name, o)
		return o
	}
	reg("percentile_cont", []param{p(F8), p(F8)}, F8, func([]types.Type) func() AggState {
		return func() AggState { return &orderedSet{cont: true} }
	})
	reg("percentile_cont", []param{p(F8), p(F8A)}, F8A, func([]types.Type) func() AggState {
		return func() AggState { return &orderedSet{cont: true} }
	})
	o := reg("percentile_disc", []param{pElem, p(F8)}, types.Type{}, func(a []types.Type) func() AggState {
		return func() AggState { return &orderedSet{elem: a[0]} }
	})
	o.retFn = func(a []types.Type) types.Type { return a[0] }
	o = reg("percentile_disc", []param{pElem, p(F8A)}, types.Type{}, func(a []types.Type) func() AggState {
		return func() AggState { return &orderedSet{elem: a[0]} }
	})
	o.retFn = func(a []types.Type) types.Type { return types.ArrayOf(a[0]) }
	o = reg("mode", []param{pElem}, types.Type{}, func(a []types.Type) func() AggState {
		return func() AggState { return &orderedSet{mode: true, elem: a[0]} }
	})
	o.retFn = func(a []types.Type) types.Type { return a[0] }
}
