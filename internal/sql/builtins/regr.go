package builtins

import (
	"math"

	"github.com/cairndb/cairn/internal/sql/types"
)

// The statistical aggregates of two variables (PostgreSQL's section
// 9.21, table 9.60): corr, covar_pop, covar_samp and the regr_* family,
// each of (Y, X) over the rows where neither is NULL. The sums are kept
// as PostgreSQL keeps them (float8_regr_accum, the Youngs-Cramer
// updates): N, the sums of X and Y, and the sums of squared and crossed
// deviations from the running means, which lose far less precision than
// sums of squares do.

type regrAgg struct {
	fn                       string
	n, sx, sy, sxx, syy, sxy float64
}

func (s *regrAgg) Add(a []types.Datum) error {
	y, x := a[0].Float(), a[1].Float()
	s.n++
	s.sx += x
	s.sy += y
	if s.n > 1 {
		tx, ty := x*s.n-s.sx, y*s.n-s.sy
		scale := 1 / (s.n * (s.n - 1))
		s.sxx += tx * tx * scale
		s.syy += ty * ty * scale
		s.sxy += tx * ty * scale
	}
	return nil
}

func (s *regrAgg) Result() (types.Datum, error) {
	if s.fn == "regr_count" {
		return types.NewInt8(int64(s.n)), nil
	}
	if s.n == 0 {
		return types.Null, nil
	}
	f := func(v float64) (types.Datum, error) { return types.NewFloat8(v), nil }
	switch s.fn {
	case "covar_pop":
		return f(s.sxy / s.n)
	case "covar_samp":
		if s.n < 2 {
			return types.Null, nil
		}
		return f(s.sxy / (s.n - 1))
	case "corr":
		if s.sxx == 0 || s.syy == 0 {
			return types.Null, nil
		}
		return f(s.sxy / math.Sqrt(s.sxx*s.syy))
	case "regr_avgx":
		return f(s.sx / s.n)
	case "regr_avgy":
		return f(s.sy / s.n)
	case "regr_sxx":
		return f(s.sxx)
	case "regr_syy":
		return f(s.syy)
	case "regr_sxy":
		return f(s.sxy)
	case "regr_slope":
		if s.sxx == 0 {
			return types.Null, nil
		}
		return f(s.sxy / s.sxx)
	case "regr_intercept":
		if s.sxx == 0 {
			return types.Null, nil
		}
		return f((s.sy - s.sx*s.sxy/s.sxx) / s.n)
	case "regr_r2":
		if s.sxx == 0 {
			return types.Null, nil
		}
		if s.syy == 0 {
			return f(1)
		}
		return f(s.sxy * s.sxy / (s.sxx * s.syy))
	}
	return types.Null, nil
}

func init() {
	F8 := types.Float8
	for _, name := range []string{"corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count",
		"regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy"} {
		ret := F8
		if name == "regr_count" {
			ret = types.Int8
		}
		registerAgg(name, &overload{params: []param{p(F8), p(F8)}, ret: ret, newAgg: func([]types.Type) func() AggState {
			return func() AggState { return &regrAgg{fn: name} }
		}})
	}
}
