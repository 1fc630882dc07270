package builtins

import (
	"math"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cockroachdb/apd/v3"
)

// AggState accumulates one group's rows. Add receives the arguments
// already cast to Agg.ArgTypes, NULLs included (the state skips them
// itself); Result may be called once at the end, or repeatedly between
// Adds (a window's running aggregate).
type AggState interface {
	Add(args []types.Datum) error
	Result() (types.Datum, error)
}

// Agg is a resolved aggregate.
type Agg struct {
	Name     string
	Return   types.Type
	ArgTypes []types.Type // nil for count(*)
	// Distinct: New's states drop rows whose arguments equal an earlier
	// row's (see doc.go).
	Distinct bool
	// New returns an empty state for one group.
	New func() AggState
}

var aggRegistry = map[string][]*overload{}

// aggDef is registered as an overload whose newAgg builds states.
func registerAgg(name string, o *overload) { aggRegistry[name] = append(aggRegistry[name], o) }

// IsAggregate reports whether name is an aggregate function (the binder
// uses it to tell aggregate calls from scalar ones).
func IsAggregate(name string) bool {
	_, ok := aggRegistry[normalizeName(name)]
	return ok
}

// LookupAggregate resolves an aggregate call; args is nil for count(*).
// Errors: 42883 when nothing matches, 42725 when ambiguous.
func LookupAggregate(name string, args []types.Type, distinct bool) (*Agg, error) {
	return LookupAggregateIn(name, args, distinct, nil)
}

// zoned is an aggregate state whose result depends on the session time
// zone (jsonb_agg prints timestamptz values in it).
type zoned interface{ setZone(*time.Location) }

// LookupAggregateIn is LookupAggregate in the session time zone zone
// (nil: UTC).
func LookupAggregateIn(name string, args []types.Type, distinct bool, zone *time.Location) (*Agg, error) {
	name = normalizeName(name)
	if args == nil && name == "count" {
		return &Agg{Name: "count", Return: types.Int8, New: func() AggState { return &countStar{} }}, nil
	}
	if args == nil {
		return nil, undefinedFunction(name, nil, true)
	}
	o, argTypes, err := resolve(name, aggRegistry[name], args, false)
	if err != nil {
		return nil, err
	}
	a := &Agg{Name: name, Return: o.ret, ArgTypes: argTypes, Distinct: distinct}
	if o.retFn != nil {
		a.Return = o.retFn(argTypes)
	}
	mk := o.newAgg(argTypes)
	strict := !o.nonStrct
	a.New = func() AggState {
		var s AggState = mk()
		if z, ok := s.(zoned); ok && zone != nil {
			z.setZone(zone)
		}
		if strict {
			s = &skipNulls{inner: s}
		}
		if distinct {
			s = &distinctState{inner: s, seen: map[string]struct{}{}}
		}
		return s
	}
	return a, nil
}

type skipNulls struct{ inner AggState }

func (s *skipNulls) Add(args []types.Datum) error {
	for _, a := range args {
		if a.IsNull() {
			return nil
		}
	}
	return s.inner.Add(args)
}
func (s *skipNulls) Result() (types.Datum, error) { return s.inner.Result() }

// distinctState drops repeated argument lists, keyed by the datums'
// canonical hash keys (equal keys for values that compare equal within
// a type).
type distinctState struct {
	inner AggState
	seen  map[string]struct{}
	buf   []byte
}

func (s *distinctState) Add(args []types.Datum) error {
	s.buf = s.buf[:0]
	for _, a := range args {
		s.buf = types.AppendHashKey(s.buf, a)
	}
	if _, ok := s.seen[string(s.buf)]; ok {
		return nil
	}
	s.seen[string(s.buf)] = struct{}{}
	return s.inner.Add(args)
}
func (s *distinctState) Result() (types.Datum, error) { return s.inner.Result() }

type countStar struct{ n int64 }

func (c *countStar) Add([]types.Datum) error      { c.n++; return nil }
func (c *countStar) Result() (types.Datum, error) { return types.NewInt8(c.n), nil }

// intSum sums integers in an int64, moving to a numeric on overflow.
type intSum struct {
	n        int64
	sum      int64
	big      *apd.Decimal
	toNumber bool // result is numeric (sum(int8)) rather than bigint
}

var sumCtx = func() *apd.Context {
	c := apd.BaseContext
	c.Traps = 0
	c.Precision = 0
	return &c
}()

func (s *intSum) Add(a []types.Datum) error {
	v := a[0].Int()
	s.n++
	if s.big != nil {
		sumCtx.Add(s.big, s.big, apd.New(v, 0))
		return nil
	}
	r := s.sum + v
	if v > 0 && r < s.sum || v < 0 && r > s.sum {
		if !s.toNumber {
			return intOutOfRange(types.Int8Family)
		}
		s.big = apd.New(s.sum, 0)
		sumCtx.Add(s.big, s.big, apd.New(v, 0))
		return nil
	}
	s.sum = r
	return nil
}

func (s *intSum) total() *apd.Decimal {
	if s.big != nil {
		return s.big
	}
	return apd.New(s.sum, 0)
}

func (s *intSum) Result() (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	if s.toNumber {
		return dec(new(apd.Decimal).Set(s.total())), nil
	}
	return types.NewInt8(s.sum), nil
}

type floatSum struct {
	n   int64
	sum float64
	f4  bool
	avg bool
}

func (s *floatSum) Add(a []types.Datum) error {
	x := a[0].Float()
	r := s.sum + x
	if math.IsInf(r, 0) && !math.IsInf(s.sum, 0) && !math.IsInf(x, 0) {
		return errOverflow()
	}
	s.sum = r
	s.n++
	return nil
}

func (s *floatSum) Result() (types.Datum, error) {
	switch {
	case s.n == 0:
		return types.Null, nil
	case s.avg:
		return types.NewFloat8(s.sum / float64(s.n)), nil
	case s.f4:
		return types.NewFloat4(float32(s.sum)), nil
	}
	return types.NewFloat8(s.sum), nil
}

// numSum sums numerics exactly; avg divides with numeric division.
type numSum struct {
	n   int64
	sum types.Datum
	avg bool
	is  *intSum // for sum/avg over integers
}

func (s *numSum) Add(a []types.Datum) error {
	if s.is != nil {
		s.n++
		return s.is.Add(a)
	}
	s.n++
	if s.sum.IsNull() {
		s.sum = a[0]
		return nil
	}
	r, err := types.EvalBinary(types.OpAdd, s.sum, a[0])
	if err != nil {
		return err
	}
	s.sum = r
	return nil
}

func (s *numSum) Result() (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	sum := s.sum
	if s.is != nil {
		sum = dec(new(apd.Decimal).Set(s.is.total()))
	}
	if !s.avg {
		return sum, nil
	}
	return types.EvalBinary(types.OpDiv, sum, dec(apd.New(s.n, 0)))
}

// intervalSum sums intervals; avg divides by the count.
type intervalSum struct {
	n   int64
	sum types.Datum
	avg bool
}

func (s *intervalSum) Add(a []types.Datum) error {
	s.n++
	if s.sum.IsNull() {
		s.sum = a[0]
		return nil
	}
	r, err := types.EvalBinary(types.OpAdd, s.sum, a[0])
	s.sum = r
	return err
}

func (s *intervalSum) Result() (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	if !s.avg {
		return s.sum, nil
	}
	return types.EvalBinary(types.OpDiv, s.sum, types.NewFloat8(float64(s.n)))
}

type minMax struct {
	v   types.Datum
	max bool
}

func (s *minMax) Add(a []types.Datum) error {
	if s.v.IsNull() {
		s.v = a[0]
		return nil
	}
	c := types.Compare(a[0], s.v)
	if s.max && c > 0 || !s.max && c < 0 {
		s.v = a[0]
	}
	return nil
}
func (s *minMax) Result() (types.Datum, error) { return s.v, nil }

type count struct{ n int64 }

func (c *count) Add([]types.Datum) error      { c.n++; return nil }
func (c *count) Result() (types.Datum, error) { return types.NewInt8(c.n), nil }

// bitAgg is bit_and, bit_or or bit_xor of integers (NULL for none).
type bitAgg struct {
	op  func(v, x int64) int64
	f   types.Family
	v   int64
	any bool
}

func (s *bitAgg) Add(a []types.Datum) error {
	x := a[0].Int()
	if s.any {
		x = s.op(s.v, x)
	}
	s.v, s.any = x, true
	return nil
}

func (s *bitAgg) Result() (types.Datum, error) {
	if !s.any {
		return types.Null, nil
	}
	return types.NewInt(s.f, s.v), nil
}

type boolAgg struct {
	v   types.Tri
	any bool
	or  bool
}

func (s *boolAgg) Add(a []types.Datum) error {
	t := types.TriOf(a[0])
	if !s.any {
		s.v, s.any = t, true
	} else if s.or {
		s.v = types.Or(s.v, t)
	} else {
		s.v = types.And(s.v, t)
	}
	return nil
}
func (s *boolAgg) Result() (types.Datum, error) {
	if !s.any {
		return types.Null, nil
	}
	return s.v.Datum(), nil
}

type stringAgg struct {
	b     strings.Builder
	any   bool
	bytea bool
}

func (s *stringAgg) Add(a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	if s.any && !a[1].IsNull() {
		s.b.WriteString(a[1].Str())
	}
	s.any = true
	s.b.WriteString(a[0].Str())
	return nil
}
func (s *stringAgg) Result() (types.Datum, error) {
	if !s.any {
		return types.Null, nil
	}
	if s.bytea {
		return types.NewByteaString(s.b.String()), nil
	}
	return text(s.b.String()), nil
}

type arrayAgg struct {
	elem  types.Type
	elems []types.Datum
}

func (s *arrayAgg) Add(a []types.Datum) error { s.elems = append(s.elems, a[0]); return nil }
func (s *arrayAgg) Result() (types.Datum, error) {
	if len(s.elems) == 0 {
		return types.Null, nil
	}
	return types.NewArray(s.elem, append([]types.Datum(nil), s.elems...)), nil
}

// floatVar is Welford's running variance over float8.
type floatVar struct {
	n            float64
	mean, m2     float64
	samp, stddev bool
}

func (s *floatVar) Add(a []types.Datum) error {
	x := a[0].Float()
	s.n++
	d := x - s.mean
	s.mean += d / s.n
	s.m2 += d * (x - s.mean)
	return nil
}

func (s *floatVar) Result() (types.Datum, error) {
	div := s.n
	if s.samp {
		div--
	}
	if s.n == 0 || div <= 0 {
		return types.Null, nil
	}
	v := s.m2 / div
	if math.IsNaN(v) || v < 0 {
		v = max(v, 0)
	}
	if s.stddev {
		v = math.Sqrt(v)
	}
	return types.NewFloat8(v), nil
}

// numVar is PostgreSQL's numeric variance: (N*sum(x^2) - sum(x)^2) /
// (N*(N-1)), divided at numeric division's scale; stddev is its root at
// the same scale.
type numVar struct {
	n            int64
	sum, sumSq   *apd.Decimal
	samp, stddev bool
}

func (s *numVar) Add(a []types.Datum) error {
	var x *apd.Decimal
	if a[0].Kind() == types.NumericFamily {
		x = a[0].Decimal()
	} else {
		x = apd.New(a[0].Int(), 0)
	}
	if isNaN(x) || x.Form != apd.Finite {
		return sqlerr.New(sqlerr.FeatureNotSupported, "variance of non-finite numerics is not supported")
	}
	if s.sum == nil {
		s.sum, s.sumSq = new(apd.Decimal), new(apd.Decimal)
	}
	s.n++
	sumCtx.Add(s.sum, s.sum, x)
	var sq apd.Decimal
	sumCtx.Mul(&sq, x, x)
	sumCtx.Add(s.sumSq, s.sumSq, &sq)
	return nil
}

func (s *numVar) Result() (types.Datum, error) {
	if s.n == 0 || s.samp && s.n == 1 {
		return types.Null, nil
	}
	n := apd.New(s.n, 0)
	var num, t apd.Decimal
	sumCtx.Mul(&num, n, s.sumSq)
	sumCtx.Mul(&t, s.sum, s.sum)
	sumCtx.Sub(&num, &num, &t)
	if num.Sign() <= 0 {
		return dec(new(apd.Decimal)), nil
	}
	den := apd.New(s.n, 0)
	if s.samp {
		sumCtx.Mul(den, den, apd.New(s.n-1, 0))
	} else {
		sumCtx.Mul(den, den, n)
	}
	q, err := types.EvalBinary(types.OpDiv, dec(&num), dec(den))
	if err != nil || !s.stddev {
		return q, err
	}
	rscale := dscale(q.Decimal())
	c := workCtx(rscale, num.NumDigits())
	var exact, root apd.Decimal
	c.Quo(&exact, &num, den)
	c.Sqrt(&root, &exact)
	out, err := roundTo(&root, rscale)
	if err != nil {
		return types.Null, err
	}
	return dec(out), nil
}

func orderable(t types.Type) bool {
	switch t.Family() {
	case types.BoolFamily, types.JSONBFamily, types.UUIDFamily, types.ByteaFamily:
		return false
	}
	return true
}

func init() {
	I2, I4, I8, F4, F8, N, IV := types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Decimal, types.Interval
	reg := func(name string, params []param, ret types.Type, mk func([]types.Type) func() AggState) *overload {
		o := &overload{params: params, ret: ret, newAgg: mk}
		registerAgg(name, o)
		return o
	}
	reg("count", []param{pAny}, I8, func([]types.Type) func() AggState { return func() AggState { return &count{} } })
	for _, t := range []types.Type{I2, I4} {
		reg("sum", []param{p(t)}, I8, func([]types.Type) func() AggState { return func() AggState { return &intSum{} } })
	}
	reg("sum", []param{p(I8)}, N, func([]types.Type) func() AggState { return func() AggState { return &intSum{toNumber: true} } })
	reg("sum", []param{p(F4)}, F4, func([]types.Type) func() AggState { return func() AggState { return &floatSum{f4: true} } })
	reg("sum", []param{p(F8)}, F8, func([]types.Type) func() AggState { return func() AggState { return &floatSum{} } })
	reg("sum", []param{p(N)}, N, func([]types.Type) func() AggState { return func() AggState { return &numSum{} } })
	reg("sum", []param{p(IV)}, IV, func([]types.Type) func() AggState { return func() AggState { return &intervalSum{} } })
	for _, t := range []types.Type{I2, I4, I8} {
		reg("avg", []param{p(t)}, N, func([]types.Type) func() AggState {
			return func() AggState { return &numSum{avg: true, is: &intSum{toNumber: true}} }
		})
	}
	reg("avg", []param{p(N)}, N, func([]types.Type) func() AggState { return func() AggState { return &numSum{avg: true} } })
	for _, t := range []types.Type{F4, F8} {
		reg("avg", []param{p(t)}, F8, func([]types.Type) func() AggState { return func() AggState { return &floatSum{avg: true} } })
	}
	reg("avg", []param{p(IV)}, IV, func([]types.Type) func() AggState { return func() AggState { return &intervalSum{avg: true} } })
	for _, name := range []string{"min", "max"} {
		isMax := name == "max"
		o := reg(name, []param{pElem}, types.Type{}, func([]types.Type) func() AggState {
			return func() AggState { return &minMax{max: isMax} }
		})
		o.retFn = func(a []types.Type) types.Type { return a[0] }
		o.accept = orderable
		o = reg(name, []param{pArr}, types.Type{}, func([]types.Type) func() AggState {
			return func() AggState { return &minMax{max: isMax} }
		})
		o.retFn = func(a []types.Type) types.Type { return a[0] }
	}
	for _, name := range []string{"bool_and", "every"} {
		reg(name, []param{p(types.Bool)}, types.Bool, func([]types.Type) func() AggState { return func() AggState { return &boolAgg{} } })
	}
	reg("bool_or", []param{p(types.Bool)}, types.Bool, func([]types.Type) func() AggState { return func() AggState { return &boolAgg{or: true} } })
	for _, t := range []types.Type{I2, I4, I8} {
		for name, op := range map[string]func(v, x int64) int64{
			"bit_and": func(v, x int64) int64 { return v & x },
			"bit_or":  func(v, x int64) int64 { return v | x },
			"bit_xor": func(v, x int64) int64 { return v ^ x },
		} {
			reg(name, []param{p(t)}, t, func([]types.Type) func() AggState {
				return func() AggState { return &bitAgg{op: op, f: t.Family()} }
			})
		}
	}
	o := reg("string_agg", []param{p(types.Text), p(types.Text)}, types.Text, func([]types.Type) func() AggState {
		return func() AggState { return &stringAgg{} }
	})
	o.nonStrct = true
	o = reg("string_agg", []param{p(types.Bytea), p(types.Bytea)}, types.Bytea, func([]types.Type) func() AggState {
		return func() AggState { return &stringAgg{bytea: true} }
	})
	o.nonStrct = true
	o = reg("array_agg", []param{pElem}, types.Type{}, func(a []types.Type) func() AggState {
		return func() AggState { return &arrayAgg{elem: a[0]} }
	})
	o.nonStrct = true
	o.retFn = func(a []types.Type) types.Type { return types.ArrayOf(a[0]) }
	for _, v := range []struct {
		name         string
		samp, stddev bool
	}{
		{"stddev", true, true}, {"stddev_samp", true, true}, {"stddev_pop", false, true},
		{"variance", true, false}, {"var_samp", true, false}, {"var_pop", false, false},
	} {
		v := v
		for _, t := range []types.Type{I2, I4, I8, N} {
			reg(v.name, []param{p(t)}, N, func([]types.Type) func() AggState {
				return func() AggState { return &numVar{samp: v.samp, stddev: v.stddev} }
			})
		}
		for _, t := range []types.Type{F4, F8} {
			reg(v.name, []param{p(t)}, F8, func([]types.Type) func() AggState {
				return func() AggState { return &floatVar{samp: v.samp, stddev: v.stddev} }
			})
		}
	}
}
