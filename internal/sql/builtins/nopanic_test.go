package builtins

import (
	"math"
	"testing"

	"github.com/cairndb/cairn/internal/sql/types"
)

// TestNoPanic calls every scalar overload with edge values of its
// parameter types: errors are fine, panics are not.
func TestNoPanic(t *testing.T) {
	pool := map[types.Family][]types.Datum{
		types.Int2Family:        {types.NewInt2(math.MinInt16), types.NewInt2(0), types.NewInt2(-1)},
		types.Int4Family:        {i4(math.MinInt32), i4(math.MaxInt32), i4(0), i4(-1), i4(3)},
		types.Int8Family:        {i8(math.MinInt64), i8(math.MaxInt64), i8(0), i8(-1)},
		types.Float4Family:      {types.NewFloat4(-1), types.NewFloat4(float32(math.Inf(1)))},
		types.Float8Family:      {f8(math.NaN()), f8(math.Inf(-1)), f8(0), f8(-1), f8(1e308), f8(0.5)},
		types.NumericFamily:     {num("NaN"), num("Infinity"), num("-Infinity"), num("0"), num("-1"), num("1e-900"), num("99999999999999999999999"), num("0.5")},
		types.TextFamily:        {tx(""), tx("a(b"), tx("é%"), tx("%1$s %-3I %L"), tx("x")},
		types.ByteaFamily:       {types.NewBytea([]byte{0, 255})},
		types.DateFamily:        {date("infinity"), date("-infinity"), date("2000-02-29")},
		types.TimeFamily:        {typed(types.Time, "24:00:00")},
		types.TimestampFamily:   {ts("infinity"), ts("-infinity"), ts("0001-01-01 BC"), ts("2000-01-01 12:00:00")},
		types.TimestampTZFamily: {tstz("infinity"), tstz("1999-12-31 23:59:59.999999+00")},
		types.IntervalFamily:    {ival("-1 year -2 days"), ival("178000000 years")},
		types.BoolFamily:        {types.DTrue},
	}
	arr := []types.Datum{types.NewArray(types.Int4, []types.Datum{types.Null}), types.NewArray(types.Int4, nil)}
	for name, os := range registry {
		for _, o := range os {
			choices := make([][]types.Datum, len(o.params))
			argTypes := make([]types.Type, len(o.params))
			for i, p := range o.params {
				switch p.poly {
				case anyArray:
					choices[i], argTypes[i] = arr, types.ArrayOf(types.Int4)
				case anyElement, anyArg:
					choices[i], argTypes[i] = pool[types.Int4Family], types.Int4
				default:
					choices[i], argTypes[i] = pool[p.t.Family()], p.t
					if p.t.IsArray() {
						choices[i] = arr
					}
				}
				choices[i] = append(choices[i], types.Null)
			}
			f, err := Lookup(name, argTypes)
			if err != nil {
				continue
			}
			var rec func(i int, args []types.Datum)
			rec = func(i int, args []types.Datum) {
				if i == len(choices) {
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s(%s) panicked: %v", name, argString(args), r)
							}
						}()
						_, _ = f.Fn(args)
					}()
					return
				}
				for _, d := range choices[i] {
					rec(i+1, append(args, d))
				}
			}
			rec(0, nil)
		}
	}
}
