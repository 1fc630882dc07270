package plan

import (
	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// aggregateNames are the functions that aggregate (see lookupAggregate).
var aggregateNames = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true,
}

// lookupAggregate resolves an aggregate over argument types.
func lookupAggregate(name string, args []types.Type) (func() AggState, types.Type, error) {
	switch name {
	case "count":
		return func() AggState { return &countAgg{} }, types.Int8, nil
	case "min", "max":
		if len(args) != 1 {
			break
		}
		t := args[0]
		if t.Family() == types.UnknownFamily {
			t = types.Text
		}
		return func() AggState { return &minMaxAgg{max: name == "max"} }, t, nil
	case "sum":
		if len(args) != 1 {
			break
		}
		switch args[0].Family() {
		case types.Int2Family, types.Int4Family:
			return func() AggState { return &sumAgg{t: types.Int8} }, types.Int8, nil
		case types.Int8Family, types.NumericFamily:
			return func() AggState { return &sumAgg{t: types.Decimal} }, types.Decimal, nil
		case types.Float4Family, types.Float8Family:
			return func() AggState { return &sumAgg{t: types.Float8} }, types.Float8, nil
		}
	case "avg":
		if len(args) != 1 {
			break
		}
		switch args[0].Family() {
		case types.Int2Family, types.Int4Family, types.Int8Family, types.NumericFamily:
			return func() AggState { return &avgAgg{t: types.Decimal} }, types.Decimal, nil
		case types.Float4Family, types.Float8Family:
			return func() AggState { return &avgAgg{t: types.Float8} }, types.Float8, nil
		}
	case "bool_and", "every", "bool_or":
		if len(args) == 1 && args[0].Family() == types.BoolFamily {
			return func() AggState { return &boolAgg{or: name == "bool_or"} }, types.Bool, nil
		}
	}
	return nil, types.Type{}, sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, typeList(args)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

func typeList(ts []types.Type) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.String()
	}
	return s
}

type countAgg struct{ n int64 }

func (a *countAgg) Add(args []types.Datum) error {
	if len(args) == 0 || !args[0].IsNull() {
		a.n++
	}
	return nil
}
func (a *countAgg) Result() (types.Datum, error) { return types.NewInt8(a.n), nil }

type minMaxAgg struct {
	max  bool
	have bool
	v    types.Datum
}

func (a *minMaxAgg) Add(args []types.Datum) error {
	d := args[0]
	if d.IsNull() {
		return nil
	}
	if !a.have {
		a.v, a.have = d, true
		return nil
	}
	c := types.Compare(d, a.v)
	if (a.max && c > 0) || (!a.max && c < 0) {
		a.v = d
	}
	return nil
}
func (a *minMaxAgg) Result() (types.Datum, error) {
	if !a.have {
		return types.Null, nil
	}
	return a.v, nil
}

// sumAgg sums in the result type: bigint for small ints (overflow is an
// error), numeric for bigint and numeric, double for floats.
type sumAgg struct {
	t    types.Type
	have bool
	i    int64
	f    float64
	d    apd.Decimal
}

var decCtx = apd.BaseContext.WithPrecision(1000)

func (a *sumAgg) Add(args []types.Datum) error {
	d := args[0]
	if d.IsNull() {
		return nil
	}
	a.have = true
	switch a.t.Family() {
	case types.Int8Family:
		s := a.i + d.Int()
		if (d.Int() > 0 && s < a.i) || (d.Int() < 0 && s > a.i) {
			return sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
		}
		a.i = s
	case types.Float8Family:
		a.f += d.Float()
	default:
		var x apd.Decimal
		if d.Kind() == types.NumericFamily {
			x.Set(d.Decimal())
		} else {
			x.SetInt64(d.Int())
		}
		if _, err := decCtx.Add(&a.d, &a.d, &x); err != nil {
			return sqlerr.Wrap(err, sqlerr.NumericValueOutOfRange, "numeric overflow")
		}
	}
	return nil
}

func (a *sumAgg) Result() (types.Datum, error) {
	if !a.have {
		return types.Null, nil
	}
	switch a.t.Family() {
	case types.Int8Family:
		return types.NewInt8(a.i), nil
	case types.Float8Family:
		return types.NewFloat8(a.f), nil
	}
	var d apd.Decimal
	d.Set(&a.d)
	return types.NewNumeric(&d), nil
}

type avgAgg struct {
	t   types.Type
	sum sumAgg
	n   int64
}

func (a *avgAgg) Add(args []types.Datum) error {
	if args[0].IsNull() {
		return nil
	}
	a.n++
	if a.t.Family() == types.Float8Family {
		a.sum.t = types.Float8
	} else {
		a.sum.t = types.Decimal
	}
	return a.sum.Add(args)
}

func (a *avgAgg) Result() (types.Datum, error) {
	if a.n == 0 {
		return types.Null, nil
	}
	if a.t.Family() == types.Float8Family {
		return types.NewFloat8(a.sum.f / float64(a.n)), nil
	}
	// Numeric division picks PostgreSQL's result scale.
	var sum, n apd.Decimal
	sum.Set(&a.sum.d)
	n.SetInt64(a.n)
	return types.EvalBinary(types.OpDiv, types.NewNumeric(&sum), types.NewNumeric(&n))
}

type boolAgg struct {
	or   bool
	have bool
	v    bool
}

func (a *boolAgg) Add(args []types.Datum) error {
	d := args[0]
	if d.IsNull() {
		return nil
	}
	if !a.have {
		a.v, a.have = d.Bool(), true
	} else if a.or {
		a.v = a.v || d.Bool()
	} else {
		a.v = a.v && d.Bool()
	}
	return nil
}

func (a *boolAgg) Result() (types.Datum, error) {
	if !a.have {
		return types.Null, nil
	}
	return types.NewBool(a.v), nil
}
