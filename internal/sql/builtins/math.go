package builtins

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cockroachdb/apd/v3"
)

type fn = func(args []types.Datum) (types.Datum, error)

func errOverflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: overflow")
}
func errUnderflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: underflow")
}
func errDivZero() error { return sqlerr.New(sqlerr.DivisionByZero, "division by zero") }
func errInputRange() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "input is out of range")
}
func errLogZero() error {
	return sqlerr.New(sqlerr.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
}
func errLogNeg() error {
	return sqlerr.New(sqlerr.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
}
func errSqrtNeg() error {
	return sqlerr.New(sqlerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
}

func intOutOfRange(f types.Family) error {
	switch f {
	case types.Int2Family:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "smallint out of range")
	case types.Int4Family:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "integer out of range")
	}
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
}

// float1 wraps a float8 -> float8 function with PostgreSQL's
// check_float8_val: a finite input must not give an infinite result.
func float1(f func(x float64) (float64, error)) fn {
	return func(a []types.Datum) (types.Datum, error) {
		x := a[0].Float()
		r, err := f(x)
		if err != nil {
			return types.Null, err
		}
		if math.IsInf(r, 0) && !math.IsInf(x, 0) {
			return types.Null, errOverflow()
		}
		return types.NewFloat8(r), nil
	}
}

func trig(f func(float64) float64, domain func(float64) bool) fn {
	return float1(func(x float64) (float64, error) {
		if math.IsNaN(x) {
			return x, nil
		}
		if domain != nil && !domain(x) || math.IsInf(x, 0) {
			return 0, errInputRange()
		}
		return f(x), nil
	})
}

// dec returns a numeric datum of d.
func dec(d *apd.Decimal) types.Datum { return types.NewNumeric(d) }

func isNaN(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }

// weight10000 is PostgreSQL's base-10000 weight of a numeric.
func weight10000(d *apd.Decimal) int64 {
	if d.Form != apd.Finite || d.IsZero() {
		return 0
	}
	adj := d.NumDigits() + int64(d.Exponent) - 1
	w := adj / 4
	if adj < 0 && adj%4 != 0 {
		w--
	}
	return w
}

// dscale is a numeric's display scale.
func dscale(d *apd.Decimal) int64 {
	if d.Form != apd.Finite || d.Exponent >= 0 {
		return 0
	}
	return int64(-d.Exponent)
}

func clampScale(s int64) int64 { return min(max(s, 0), 1000) }

// roundTo rounds d half away from zero to scale digits.
func roundTo(d *apd.Decimal, scale int64) (*apd.Decimal, error) {
	c := apd.BaseContext
	c.Rounding = apd.RoundHalfUp
	c.Precision = 3000
	c.Traps = 0
	c.MaxExponent, c.MinExponent = 1000000, -1000000
	r := new(apd.Decimal)
	if _, err := c.Quantize(r, d, int32(-scale)); err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	if r.Form == apd.NaN {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return r, nil
}

// workCtx computes a transcendental function with enough digits for a
// result rounded to rscale whose integer part has intDigits digits.
func workCtx(rscale, intDigits int64) *apd.Context {
	c := apd.BaseContext
	c.Precision = uint32(max(rscale+max(intDigits, 1), 1) + 12)
	c.Rounding = apd.RoundHalfEven
	c.Traps = 0
	c.MaxExponent, c.MinExponent = 1000000, -1000000
	return &c
}

// lnDweight estimates the decimal weight of ln(x), PostgreSQL's
// estimate_ln_dweight.
func lnDweight(x *apd.Decimal) int64 {
	one := apd.New(1, 0)
	if x.Cmp(apd.New(9, -1)) >= 0 && x.Cmp(apd.New(11, -1)) <= 0 {
		var d apd.Decimal
		c := apd.BaseContext
		c.Precision = 3000
		c.Sub(&d, x, one)
		if d.IsZero() {
			return 0
		}
		return d.NumDigits() + int64(d.Exponent) - 1
	}
	// ln(x) ~ ln(leading digits) + exponent * ln(10)
	nd := x.NumDigits()
	lead := new(apd.Decimal).Set(x)
	exp10 := int64(0)
	if nd > 15 {
		exp10 = nd - 15
		lead.Exponent -= int32(exp10)
	}
	f, _ := lead.Float64()
	lnx := math.Log(f) + float64(exp10)*math.Ln10
	if lnx == 0 {
		return 0
	}
	return int64(math.Log10(math.Abs(lnx))) // truncation toward zero, as (int) in C
}

func checkLogArg(x *apd.Decimal) error {
	switch {
	case x.Form == apd.Finite && x.IsZero():
		return errLogZero()
	case x.Negative:
		return errLogNeg()
	}
	return nil
}

func numericLn(x *apd.Decimal) (types.Datum, error) {
	if isNaN(x) {
		return dec(&apd.Decimal{Form: apd.NaN}), nil
	}
	if err := checkLogArg(x); err != nil {
		return types.Null, err
	}
	if x.Form == apd.Infinite {
		return dec(&apd.Decimal{Form: apd.Infinite}), nil
	}
	rscale := clampScale(max(16-lnDweight(x), dscale(x)))
	r := new(apd.Decimal)
	workCtx(rscale, 8).Ln(r, x)
	out, err := roundTo(r, rscale)
	if err != nil {
		return types.Null, err
	}
	return dec(out), nil
}

func numericLog(base, x *apd.Decimal) (types.Datum, error) {
	if isNaN(x) || isNaN(base) {
		return dec(&apd.Decimal{Form: apd.NaN}), nil
	}
	if err := checkLogArg(base); err != nil {
		return types.Null, err
	}
	if err := checkLogArg(x); err != nil {
		return types.Null, err
	}
	if base.Form == apd.Infinite || x.Form == apd.Infinite {
		f := math.Log(decFloat(x)) / math.Log(decFloat(base))
		return types.Cast(types.NewFloat8(f), types.Float8, types.Decimal, types.CastExplicit)
	}
	if base.Cmp(apd.New(1, 0)) == 0 {
		return types.Null, errDivZero()
	}
	rscale := clampScale(max(16-(lnDweight(x)-lnDweight(base)), dscale(base), dscale(x)))
	c := workCtx(rscale, 8)
	c.Precision += 10
	var lb, lx, q apd.Decimal
	c.Ln(&lb, base)
	c.Ln(&lx, x)
	c.Quo(&q, &lx, &lb)
	out, err := roundTo(&q, rscale)
	if err != nil {
		return types.Null, err
	}
	return dec(out), nil
}

func decFloat(d *apd.Decimal) float64 {
	switch {
	case isNaN(d):
		return math.NaN()
	case d.Form == apd.Infinite && d.Negative:
		return math.Inf(-1)
	case d.Form == apd.Infinite:
		return math.Inf(1)
	}
	f, _ := d.Float64()
	return f
}

func numericSqrt(x *apd.Decimal) (types.Datum, error) {
	if isNaN(x) {
		return dec(&apd.Decimal{Form: apd.NaN}), nil
	}
	if x.Negative && !(x.Form == apd.Finite && x.IsZero()) {
		return types.Null, errSqrtNeg()
	}
	if x.Form == apd.Infinite {
		return dec(&apd.Decimal{Form: apd.Infinite}), nil
	}
	sweight := (weight10000(x)+1)*4/2 - 1
	rscale := clampScale(max(16-sweight, dscale(x)))
	r := new(apd.Decimal)
	workCtx(rscale, x.NumDigits()+int64(x.Exponent)).Sqrt(r, x)
	out, err := roundTo(r, rscale)
	if err != nil {
		return types.Null, err
	}
	return dec(out), nil
}

func numericExp(x *apd.Decimal) (types.Datum, error) {
	if isNaN(x) {
		return dec(&apd.Decimal{Form: apd.NaN}), nil
	}
	if x.Form == apd.Infinite {
		if x.Negative {
			return dec(new(apd.Decimal)), nil
		}
		return dec(&apd.Decimal{Form: apd.Infinite}), nil
	}
	v := decFloat(x) * 0.434294481903252
	v = max(min(v, 1000), -1000)
	if decFloat(x) > 6000 {
		return types.Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	rscale := clampScale(max(16-int64(v), dscale(x)))
	r := new(apd.Decimal)
	workCtx(rscale, int64(max(v, 0))+1).Exp(r, x)
	out, err := roundTo(r, rscale)
	if err != nil {
		return types.Null, err
	}
	return dec(out), nil
}

// numericRound rounds (or truncates) to s digits after the point; s may
// be negative. The result's scale is max(s, 0).
func numericRound(x *apd.Decimal, s int64, trunc bool) (types.Datum, error) {
	if x.Form != apd.Finite {
		return dec(new(apd.Decimal).Set(x)), nil
	}
	s = max(min(s, 1000), -1000)
	c := apd.BaseContext
	c.Rounding = apd.RoundHalfUp
	if trunc {
		c.Rounding = apd.RoundDown
	}
	c.Precision = 3000
	c.Traps = 0
	c.MaxExponent, c.MinExponent = 1000000, -1000000
	r := new(apd.Decimal)
	c.Quantize(r, x, int32(-s))
	if s < 0 {
		// 1234 rounded to -2 is 1200 with scale 0.
		r2 := new(apd.Decimal)
		c.Quantize(r2, r, 0)
		r = r2
	}
	return dec(r), nil
}

// intAbs returns abs for an integer family.
func intAbs(f types.Family) fn {
	lo := map[types.Family]int64{types.Int2Family: math.MinInt16, types.Int4Family: math.MinInt32, types.Int8Family: math.MinInt64}[f]
	return func(a []types.Datum) (types.Datum, error) {
		v := a[0].Int()
		if v == lo {
			return types.Null, intOutOfRange(f)
		}
		if v < 0 {
			v = -v
		}
		return types.NewInt(f, v), nil
	}
}

func binop(op types.Op, l, r types.Type) fn {
	f, _, err := types.BinaryOpFunc(op, l, r)
	if err != nil {
		panic(err) // a registration bug, found by the tests
	}
	return func(a []types.Datum) (types.Datum, error) { return f(a[0], a[1]) }
}

func gcd64(a, b int64) (int64, bool) {
	for b != 0 {
		if b == -1 { // a % -1 overflows for MinInt64
			a, b = b, 0
			break
		}
		a, b = b, a%b
	}
	if a < 0 {
		if a == math.MinInt64 {
			return 0, false
		}
		a = -a
	}
	return a, true
}

func init() {
	F8, N := types.Float8, types.Decimal
	for _, t := range []types.Type{types.Int2, types.Int4, types.Int8} {
		register("abs", &overload{params: []param{p(t)}, ret: t, fn: intAbs(t.Family())})
	}
	register("abs", &overload{params: []param{p(types.Float4)}, ret: types.Float4, fn: func(a []types.Datum) (types.Datum, error) {
		return types.NewFloat4(float32(math.Abs(a[0].Float()))), nil
	}})
	register("abs", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) { return math.Abs(x), nil })})
	register("abs", &overload{params: []param{p(N)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		return dec(new(apd.Decimal).Abs(a[0].Decimal())), nil
	}})

	floatAndNumeric := func(name string, ff func(float64) (float64, error), nf func(*apd.Decimal) (types.Datum, error)) {
		register(name, &overload{params: []param{p(F8)}, ret: F8, fn: float1(ff)})
		register(name, &overload{params: []param{p(N)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) { return nf(a[0].Decimal()) }})
	}
	integral := func(mode apd.Rounder, ff func(float64) float64) (func(float64) (float64, error), func(*apd.Decimal) (types.Datum, error)) {
		return func(x float64) (float64, error) { return ff(x), nil },
			func(x *apd.Decimal) (types.Datum, error) {
				if x.Form != apd.Finite {
					return dec(new(apd.Decimal).Set(x)), nil
				}
				c := apd.BaseContext
				c.Rounding = mode
				c.Precision = 3000
				c.Traps = 0
				r := new(apd.Decimal)
				c.Quantize(r, x, 0)
				return dec(r), nil
			}
	}
	for _, n := range []string{"ceil", "ceiling"} {
		ff, nf := integral(apd.RoundCeiling, math.Ceil)
		floatAndNumeric(n, ff, nf)
	}
	ff, nf := integral(apd.RoundFloor, math.Floor)
	floatAndNumeric("floor", ff, nf)
	ff, nf = integral(apd.RoundHalfUp, math.RoundToEven) // float8 round is rint
	floatAndNumeric("round", ff, nf)
	ff, nf = integral(apd.RoundDown, math.Trunc)
	floatAndNumeric("trunc", ff, nf)
	register("round", &overload{params: []param{p(N), p(types.Int4)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		return numericRound(a[0].Decimal(), a[1].Int(), false)
	}})
	register("trunc", &overload{params: []param{p(N), p(types.Int4)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		return numericRound(a[0].Decimal(), a[1].Int(), true)
	}})
	floatAndNumeric("sign", func(x float64) (float64, error) {
		switch {
		case x > 0:
			return 1, nil
		case x < 0:
			return -1, nil
		}
		return x * 0, nil // keeps NaN
	}, func(x *apd.Decimal) (types.Datum, error) {
		if isNaN(x) {
			return dec(&apd.Decimal{Form: apd.NaN}), nil
		}
		s := int64(0)
		if x.Form == apd.Infinite || !x.IsZero() {
			s = 1
			if x.Negative {
				s = -1
			}
		}
		return dec(apd.New(s, 0)), nil
	})
	floatAndNumeric("sqrt", func(x float64) (float64, error) {
		if x < 0 {
			return 0, errSqrtNeg()
		}
		return math.Sqrt(x), nil
	}, numericSqrt)
	register("cbrt", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) { return math.Cbrt(x), nil })})
	// dsqrt and dcbrt are the float8-only functions behind the |/ and
	// ||/ operators (so |/ 25.0 is 5, not numeric's 5.000000000000000).
	register("dsqrt", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) {
		if x < 0 {
			return 0, errSqrtNeg()
		}
		return math.Sqrt(x), nil
	})})
	register("dcbrt", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) { return math.Cbrt(x), nil })})
	for _, n := range []string{"power", "pow"} {
		register(n, &overload{params: []param{p(F8), p(F8)}, ret: F8, fn: binop(types.OpPow, F8, F8)})
		register(n, &overload{params: []param{p(N), p(N)}, ret: N, fn: binop(types.OpPow, N, N)})
	}
	floatAndNumeric("exp", func(x float64) (float64, error) {
		r := math.Exp(x)
		if r == 0 && !math.IsInf(x, 0) {
			return 0, errUnderflow()
		}
		return r, nil
	}, numericExp)
	floatLog := func(f func(float64) float64) func(float64) (float64, error) {
		return func(x float64) (float64, error) {
			switch {
			case x == 0:
				return 0, errLogZero()
			case x < 0:
				return 0, errLogNeg()
			}
			return f(x), nil
		}
	}
	floatAndNumeric("ln", floatLog(math.Log), numericLn)
	for _, n := range []string{"log", "log10"} {
		floatAndNumeric(n, floatLog(math.Log10), func(x *apd.Decimal) (types.Datum, error) { return numericLog(apd.New(10, 0), x) })
	}
	register("log", &overload{params: []param{p(N), p(N)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		return numericLog(a[0].Decimal(), a[1].Decimal())
	}})
	for _, t := range []types.Type{types.Int2, types.Int4, types.Int8, N} {
		register("mod", &overload{params: []param{p(t), p(t)}, ret: t, fn: binop(types.OpMod, t, t)})
	}
	register("div", &overload{params: []param{p(N), p(N)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		x, y := a[0].Decimal(), a[1].Decimal()
		if isNaN(x) || isNaN(y) {
			return dec(&apd.Decimal{Form: apd.NaN}), nil
		}
		if y.Form == apd.Finite && y.IsZero() {
			return types.Null, errDivZero()
		}
		if x.Form != apd.Finite || y.Form != apd.Finite {
			if x.Form == apd.Infinite && y.Form == apd.Infinite {
				return dec(&apd.Decimal{Form: apd.NaN}), nil
			}
			if y.Form == apd.Infinite {
				return dec(new(apd.Decimal)), nil
			}
			return dec(&apd.Decimal{Form: apd.Infinite, Negative: x.Negative != y.Negative}), nil
		}
		c := apd.BaseContext
		c.Traps = 0
		c.Precision = uint32(max(x.NumDigits()+int64(x.Exponent)-int64(y.Exponent), 1) + 2)
		r := new(apd.Decimal)
		c.QuoInteger(r, x, y)
		return dec(r), nil
	}})
	for _, t := range []types.Type{types.Int4, types.Int8} {
		f := t.Family()
		register("gcd", &overload{params: []param{p(t), p(t)}, ret: t, fn: func(a []types.Datum) (types.Datum, error) {
			g, ok := gcd64(a[0].Int(), a[1].Int())
			if !ok || f == types.Int4Family && g > math.MaxInt32 {
				return types.Null, intOutOfRange(f)
			}
			return types.NewInt(f, g), nil
		}})
		register("lcm", &overload{params: []param{p(t), p(t)}, ret: t, fn: func(a []types.Datum) (types.Datum, error) {
			x, y := a[0].Int(), a[1].Int()
			if x == 0 || y == 0 {
				return types.NewInt(f, 0), nil
			}
			g, ok := gcd64(x, y)
			if !ok {
				return types.Null, intOutOfRange(f)
			}
			q := x / g
			r := q * y
			if r/y != q || r == math.MinInt64 {
				return types.Null, intOutOfRange(f)
			}
			if r < 0 {
				r = -r
			}
			if f == types.Int4Family && r > math.MaxInt32 {
				return types.Null, intOutOfRange(f)
			}
			return types.NewInt(f, r), nil
		}})
	}
	register("pi", &overload{ret: F8, fn: func([]types.Datum) (types.Datum, error) { return types.NewFloat8(math.Pi), nil }})
	// random() draws from the session's generator, which setseed seeds
	// (so a session repeats its sequence after the same seed).
	register("random", &overload{ret: F8, volatile: true, ctxFn: func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		if ctx != nil && ctx.Random != nil {
			return types.NewFloat8(ctx.Random()), nil
		}
		return types.NewFloat8(rand.Float64()), nil
	}})
	register("setseed", &overload{params: []param{p(F8)}, ret: types.Text, volatile: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		x := a[0].Float()
		if x < -1 || x > 1 || math.IsNaN(x) {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "setseed parameter %s is out of allowed range [-1,1]", strconv.FormatFloat(x, 'g', -1, 64))
		}
		if ctx == nil || ctx.SetSeed == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "setseed needs a session")
		}
		ctx.SetSeed(x)
		return text(""), nil // void
	}})
	register("degrees", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) { return x * (180 / math.Pi), nil })})
	register("radians", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) { return x * (math.Pi / 180), nil })})
	unit := func(x float64) bool { return x >= -1 && x <= 1 }
	register("sin", &overload{params: []param{p(F8)}, ret: F8, fn: trig(math.Sin, nil)})
	register("cos", &overload{params: []param{p(F8)}, ret: F8, fn: trig(math.Cos, nil)})
	register("tan", &overload{params: []param{p(F8)}, ret: F8, fn: trig(math.Tan, nil)})
	register("cot", &overload{params: []param{p(F8)}, ret: F8, fn: trig(func(x float64) float64 { return 1 / math.Tan(x) }, nil)})
	register("asin", &overload{params: []param{p(F8)}, ret: F8, fn: trig(math.Asin, unit)})
	register("acos", &overload{params: []param{p(F8)}, ret: F8, fn: trig(math.Acos, unit)})
	register("atan", &overload{params: []param{p(F8)}, ret: F8, fn: float1(func(x float64) (float64, error) { return math.Atan(x), nil })})
	register("atan2", &overload{params: []param{p(F8), p(F8)}, ret: F8, fn: func(a []types.Datum) (types.Datum, error) {
		return types.NewFloat8(math.Atan2(a[0].Float(), a[1].Float())), nil
	}})
}
