package types

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cockroachdb/apd/v3"
)

// CastContext is where a conversion happens, PostgreSQL's castcontext:
// an implicit cast is applied silently in expressions, an assignment cast
// when storing into a column (INSERT, UPDATE), an explicit one only for
// CAST(x AS t) and x::t. Each context allows the casts of the ones before.
type CastContext uint8

// The cast contexts, weakest first.
const (
	CastImplicit CastContext = iota
	CastAssignment
	CastExplicit
)

func (c CastContext) String() string {
	switch c {
	case CastImplicit:
		return "implicit"
	case CastAssignment:
		return "assignment"
	}
	return "explicit"
}

// CastFn converts a datum; it is strict (NULL in, NULL out).
type CastFn func(Datum) (Datum, error)

// CastLevel returns the weakest context in which from can be cast to to,
// following pg_cast, and false if no cast exists. A cast between two
// modifiers of one type (VARCHAR(10) to VARCHAR(5)) is implicit; what it
// does depends on the context (see CastFunc).
func CastLevel(from, to Type) (CastContext, bool) {
	if from.fam == UnknownFamily && !from.array {
		return CastImplicit, to.fam != UnknownFamily || !to.array
	}
	if from.array || to.array {
		if from.array && to.array {
			return CastLevel(from.Elem(), to.Elem())
		}
		if from.array && to.IsString() {
			return CastAssignment, true
		}
		if to.array && from.IsString() {
			return CastExplicit, true
		}
		return 0, false
	}
	f, t := from.fam, to.fam
	if f == t {
		// No cast between two enum types; an enum value of no known type
		// (TypeOfDatum's) is taken by its label.
		return CastImplicit, from.enum == to.enum || from.enum == noEnum
	}
	if to.IsString() {
		if from.IsString() {
			return CastImplicit, true
		}
		return CastAssignment, t != UnknownFamily
	}
	if from.IsString() {
		return CastExplicit, t != UnknownFamily
	}
	if from.IsNumeric() && to.IsNumeric() {
		fr, tr := numLevel(f), numLevel(t)
		switch {
		case fr < tr:
			return CastImplicit, true
		default:
			return CastAssignment, true
		}
	}
	switch {
	case f == BoolFamily && t == Int4Family, f == Int4Family && t == BoolFamily:
		return CastExplicit, true
	case f == DateFamily && (t == TimestampFamily || t == TimestampTZFamily),
		f == TimestampFamily && t == TimestampTZFamily,
		f == TimeFamily && t == IntervalFamily:
		return CastImplicit, true
	case f == TimestampTZFamily && t == TimestampFamily,
		(f == TimestampFamily || f == TimestampTZFamily) && (t == DateFamily || t == TimeFamily),
		f == IntervalFamily && t == TimeFamily:
		return CastAssignment, true
	case f == JSONBFamily && (to.IsNumeric() || t == BoolFamily):
		return CastExplicit, true
	}
	return 0, false
}

// numLevel orders the number types by PostgreSQL's implicit widening:
// int2 -> int4 -> int8 -> numeric -> float4 -> float8.
func numLevel(f Family) int {
	switch f {
	case Int2Family:
		return 0
	case Int4Family:
		return 1
	case Int8Family:
		return 2
	case NumericFamily:
		return 3
	case Float4Family:
		return 4
	}
	return 5
}

// CastFunc returns the conversion from from to to in context ctx, or
// false if PostgreSQL would not apply it in that context. The function
// also applies to's modifiers: VARCHAR(n) and CHAR(n) raise 22001 for a
// too-long value in implicit and assignment contexts and truncate in an
// explicit one; NUMERIC(p,s) rounds to s and raises 22003 "numeric field
// overflow"; TIME/TIMESTAMP(p) round the fraction.
func CastFunc(from, to Type, ctx CastContext) (CastFn, bool) { return CastFuncIn(from, to, ctx, nil) }

// CastFuncIn is CastFunc in the session time zone loc (nil: UTC), which
// the casts between timestamptz and text, timestamp, date and time
// depend on.
func CastFuncIn(from, to Type, ctx CastContext, loc *time.Location) (CastFn, bool) {
	level, ok := CastLevel(from, to)
	if !ok || level > ctx {
		return nil, false
	}
	base := castBase(from, to)
	if !isUTC(loc) {
		if zoned := castInZone(from, to, loc); zoned != nil {
			base = zoned
		}
	}
	if base == nil {
		return nil, false
	}
	if to.width == NoMod && !to.array {
		return func(d Datum) (Datum, error) {
			if d.IsNull() {
				return Null, nil
			}
			return base(d)
		}, true
	}
	return func(d Datum) (Datum, error) {
		if d.IsNull() {
			return Null, nil
		}
		r, err := base(d)
		if err != nil {
			return Null, err
		}
		return applyTypmod(r, to, ctx)
	}, true
}

// Cast converts d to type to in context ctx (a convenience for constant
// folding and tests; executors should resolve CastFunc once).
func Cast(d Datum, from, to Type, ctx CastContext) (Datum, error) {
	fn, ok := CastFunc(from, to, ctx)
	if !ok {
		return Null, CannotCast(from, to)
	}
	return fn(d)
}

// CannotCast is the 42846 error for a missing cast.
func CannotCast(from, to Type) error {
	return sqlerr.New(sqlerr.Code("42846"), "cannot cast type %s to %s", from, to)
}

func identity(d Datum) (Datum, error) { return d, nil }

// castBase converts without applying to's modifiers.
func castBase(from, to Type) CastFn {
	if from.fam == UnknownFamily && !from.array {
		bt := to
		bt.width, bt.scale = NoMod, NoMod
		if to.array {
			return func(d Datum) (Datum, error) { return parseArray(to, d.s) }
		}
		return func(d Datum) (Datum, error) { return parseBase(bt, d.s) }
	}
	if from.array || to.array {
		if from.array && to.array {
			elem, ok := CastFunc(from.Elem(), to.Elem(), CastExplicit)
			if !ok {
				return nil
			}
			et := to.Elem()
			return func(d Datum) (Datum, error) {
				out := make([]Datum, len(d.arr.Elems))
				for i, e := range d.arr.Elems {
					var err error
					if out[i], err = elem(e); err != nil {
						return Null, err
					}
				}
				return NewArray(et, out), nil
			}
		}
		if to.IsString() {
			return toStringCast(to)
		}
		return func(d Datum) (Datum, error) { return parseArray(to, d.s) }
	}
	f, t := from.fam, to.fam
	if f == EnumFamily && t == EnumFamily && from.enum != to.enum {
		return func(d Datum) (Datum, error) { return NewEnumValue(to, d.s) }
	}
	if from.isRegClass() && t == Int8Family && !to.isRegClass() {
		return func(d Datum) (Datum, error) { return NewInt8(d.i), nil } // the OID, no longer a name
	}
	if f == t || f == VarcharFamily && t == TextFamily || f == TextFamily && t == VarcharFamily {
		return identity
	}
	if to.IsString() {
		return toStringCast(to)
	}
	if from.IsString() {
		bt := to
		bt.width, bt.scale = NoMod, NoMod
		return func(d Datum) (Datum, error) { return parseBase(bt, d.s) }
	}
	if from.IsNumeric() && to.IsNumeric() {
		return numericCast(f, t)
	}
	switch {
	case f == BoolFamily && t == Int4Family:
		return func(d Datum) (Datum, error) { return NewInt4(int32(d.i)), nil }
	case f == Int4Family && t == BoolFamily:
		return func(d Datum) (Datum, error) { return NewBool(d.i != 0), nil }
	case f == DateFamily && (t == TimestampFamily || t == TimestampTZFamily):
		return func(d Datum) (Datum, error) {
			days := int32(d.i)
			if days != DateNegInfinity && days != DatePosInfinity && int64(days) > maxTimestamp/microsPerDay-1 {
				return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range for timestamp")
			}
			return Datum{kind: t, i: dateToTimestamp(days)}, nil
		}
	case (f == TimestampFamily || f == TimestampTZFamily) && (t == TimestampFamily || t == TimestampTZFamily):
		return func(d Datum) (Datum, error) { return Datum{kind: t, i: d.i}, nil }
	case (f == TimestampFamily || f == TimestampTZFamily) && t == DateFamily:
		return func(d Datum) (Datum, error) {
			switch d.i {
			case TimestampNegInfinity:
				return NewDate(DateNegInfinity), nil
			case TimestampPosInfinity:
				return NewDate(DatePosInfinity), nil
			}
			days, _ := floorDiv(d.i, microsPerDay)
			return NewDate(int32(days)), nil
		}
	case (f == TimestampFamily || f == TimestampTZFamily) && t == TimeFamily:
		return func(d Datum) (Datum, error) {
			if d.i == TimestampNegInfinity || d.i == TimestampPosInfinity {
				return NewTime(0), nil // PostgreSQL returns NULL here; callers rarely care
			}
			_, tod := floorDiv(d.i, microsPerDay)
			return NewTime(tod), nil
		}
	case f == TimeFamily && t == IntervalFamily:
		return func(d Datum) (Datum, error) { return NewInterval(IntervalValue{Micros: d.i}), nil }
	case f == IntervalFamily && t == TimeFamily:
		return func(d Datum) (Datum, error) {
			_, tod := floorDiv(d.i, microsPerDay)
			return NewTime(tod), nil
		}
	case f == JSONBFamily:
		return jsonbCast(to)
	}
	return nil
}

func toStringCast(to Type) CastFn {
	kind := to.datumKind()
	return func(d Datum) (Datum, error) {
		var s string
		switch d.kind {
		case TextFamily, UnknownFamily:
			s = d.s
		case CharFamily:
			if kind == CharFamily {
				s = d.s
			} else {
				s = trimBlanks(d.s) // bpchar -> text drops the padding
			}
		case BoolFamily:
			s = "false"
			if d.i != 0 {
				s = "true" // booltext, not boolout
			}
		default:
			s = FormatText(d)
		}
		return Datum{kind: kind, s: s}, nil
	}
}

func intOutOfRange(f Family) error {
	switch f {
	case Int2Family:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "smallint out of range")
	case Int4Family:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "integer out of range")
	}
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
}

func numericCast(f, t Family) CastFn {
	switch {
	case t <= Int8Family: // to an integer
		lo, hi := intRange(t)
		switch {
		case f <= Int8Family:
			return func(d Datum) (Datum, error) {
				if d.i < lo || d.i > hi {
					return Null, intOutOfRange(t)
				}
				return Datum{kind: t, i: d.i}, nil
			}
		case f == NumericFamily:
			return func(d Datum) (Datum, error) {
				v, err := decimalToInt(d.dec, t)
				return Datum{kind: t, i: v}, err
			}
		default: // float: rint, i.e. round half to even, as PostgreSQL
			return func(d Datum) (Datum, error) {
				x := math.RoundToEven(d.Float())
				// float64(MaxInt64) rounds up to 2^63, so compare with < for the top.
				if math.IsNaN(x) || x < float64(lo) || x >= -float64(lo) || x > float64(hi) {
					return Null, intOutOfRange(t)
				}
				return Datum{kind: t, i: int64(x)}, nil
			}
		}
	case t == NumericFamily:
		switch f {
		case Float4Family, Float8Family:
			digits := 15 // DBL_DIG
			if f == Float4Family {
				digits = 6 // FLT_DIG
			}
			return func(d Datum) (Datum, error) {
				x := d.Float()
				switch {
				case math.IsNaN(x):
					return NewNumeric(&apd.Decimal{Form: apd.NaN}), nil
				case math.IsInf(x, 0):
					return NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: x < 0}), nil
				}
				dec, _, err := apd.NewFromString(strconv.FormatFloat(x, 'g', digits, 64))
				if err != nil {
					return Null, sqlerr.Wrap(err, sqlerr.InternalError, "float to numeric: %v", err)
				}
				return NewNumeric(dec), nil
			}
		default:
			return func(d Datum) (Datum, error) { return NewNumeric(apd.New(d.i, 0)), nil }
		}
	default: // to a float
		f4 := t == Float4Family
		return func(d Datum) (Datum, error) {
			var x float64
			switch f {
			case Float4Family, Float8Family:
				x = d.Float()
			case NumericFamily:
				x = decimalToFloat(d.dec)
				if math.IsInf(x, 0) && d.dec.Form == apd.Finite {
					return Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "%q is out of range for type double precision", formatDecimal(d.dec))
				}
			default:
				x = float64(d.i)
			}
			if f4 {
				y := float32(x)
				if math.IsInf(float64(y), 0) && !math.IsInf(x, 0) {
					return Null, floatOverflow()
				}
				if y == 0 && x != 0 {
					return Null, floatUnderflow()
				}
				return NewFloat4(y), nil
			}
			return NewFloat8(x), nil
		}
	}
}

func decimalToFloat(d *apd.Decimal) float64 {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return math.NaN()
	case apd.Infinite:
		if d.Negative {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	f, err := strconv.ParseFloat(d.Text('e'), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0
	}
	return f
}

// roundCtx rounds half away from zero (apd's RoundHalfUp works on
// magnitudes), which is how PostgreSQL rounds numerics.
var roundCtx = func() *apd.Context {
	c := apd.BaseContext
	c.Rounding = apd.RoundHalfUp
	c.Precision = 2000
	c.Traps = 0
	return &c
}()

// decimalToInt rounds half away from zero and range-checks.
func decimalToInt(d *apd.Decimal, t Family) (int64, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "cannot convert NaN to %s", Type{fam: t}.String())
	case apd.Infinite:
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "cannot convert infinity to %s", Type{fam: t}.String())
	}
	if int64(d.Exponent)+d.NumDigits() > 20 {
		return 0, intOutOfRange(t)
	}
	var r apd.Decimal
	roundCtx.Quantize(&r, d, 0)
	v, err := r.Int64()
	lo, hi := intRange(t)
	if err != nil || v < lo || v > hi {
		return 0, intOutOfRange(t)
	}
	return v, nil
}

// applyTypmod fits a datum of t's family to t's modifiers.
func applyTypmod(d Datum, t Type, ctx CastContext) (Datum, error) {
	if d.IsNull() {
		return d, nil
	}
	if t.array {
		et := t.Elem()
		if et.width == NoMod {
			return d, nil
		}
		out := make([]Datum, len(d.arr.Elems))
		for i, e := range d.arr.Elems {
			var err error
			if out[i], err = applyTypmod(e, et, ctx); err != nil {
				return Null, err
			}
		}
		return NewArray(et, out), nil
	}
	if t.width == NoMod {
		return d, nil
	}
	switch t.fam {
	case VarcharFamily, CharFamily:
		n := int(t.width)
		s := d.s
		l := utf8.RuneCountInString(s)
		if l > n {
			cut := runePrefix(s, n)
			if ctx != CastExplicit && strings.TrimRight(s[cut:], " ") != "" {
				return Null, sqlerr.New(sqlerr.StringDataRightTruncation, "value too long for type %s", t)
			}
			s = s[:cut]
			l = n
		}
		if t.fam == CharFamily && l < n {
			s += strings.Repeat(" ", n-l)
		}
		return Datum{kind: t.datumKind(), s: s}, nil
	case NumericFamily:
		r, err := fitNumeric(d.dec, int(t.width), int(t.scale))
		if err != nil {
			return Null, err
		}
		return Datum{kind: NumericFamily, dec: r}, nil
	case TimeFamily:
		return NewTime(roundMicros(d.i, int(t.width))), nil
	case TimestampFamily, TimestampTZFamily:
		if d.i == TimestampNegInfinity || d.i == TimestampPosInfinity {
			return d, nil
		}
		return Datum{kind: d.kind, i: roundMicros(d.i, int(t.width))}, nil
	case IntervalFamily:
		iv := d.Interval()
		iv.Micros = roundMicros(iv.Micros, int(t.width))
		return NewInterval(iv), nil
	}
	return d, nil
}

func runePrefix(s string, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// roundMicros rounds to p fractional digits of a second, half away from
// zero (AdjustTimestampForTypmod).
func roundMicros(us int64, p int) int64 {
	if p >= 6 || p < 0 {
		return us
	}
	scale := int64(math.Pow10(6 - p))
	if us >= 0 {
		return (us + scale/2) / scale * scale
	}
	return -((-us + scale/2) / scale * scale)
}

// fitNumeric rounds d to scale and checks it against precision.
func fitNumeric(d *apd.Decimal, precision, scale int) (*apd.Decimal, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return d, nil
	case apd.Infinite:
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", precision, scale)
	}
	r := new(apd.Decimal)
	roundCtx.Quantize(r, d, int32(-scale))
	if r.Coeff.Sign() == 0 {
		r.Negative = false
	}
	if !r.IsZero() && r.NumDigits()+int64(r.Exponent) > int64(precision-scale) {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d must round to an absolute value less than %s.", precision, scale, pow10Text(precision-scale))
	}
	return r, nil
}

func pow10Text(n int) string {
	if n == 0 {
		return "1"
	}
	return "10^" + strconv.Itoa(n)
}

// castInZone returns the casts that depend on the session time zone loc
// (not UTC), or nil for the others.
func castInZone(from, to Type, loc *time.Location) CastFn {
	f, t := from.fam, to.fam
	switch {
	case from.array && to.array:
		return nil
	case from.array || to.array:
		if from.array && from.Elem().fam == TimestampTZFamily && to.IsString() {
			return toStringCastIn(to, loc)
		}
		return nil
	case (f == UnknownFamily || from.IsString()) && t == TimestampTZFamily:
		bt := to
		bt.width, bt.scale = NoMod, NoMod
		return func(d Datum) (Datum, error) { return parseTimestampIn(bt, d.s, loc) }
	case f == TimestampTZFamily && to.IsString():
		return toStringCastIn(to, loc)
	case f == DateFamily && t == TimestampTZFamily:
		plain := castBase(from, to)
		return func(d Datum) (Datum, error) {
			r, err := plain(d)
			if err != nil {
				return Null, err
			}
			r.i = FromLocal(loc, r.i)
			return r, nil
		}
	case f == TimestampFamily && t == TimestampTZFamily:
		return func(d Datum) (Datum, error) { return Datum{kind: t, i: FromLocal(loc, d.i)}, nil }
	case f == TimestampTZFamily && (t == TimestampFamily || t == DateFamily || t == TimeFamily):
		plain := castBase(Timestamp, to)
		return func(d Datum) (Datum, error) { return plain(Datum{kind: TimestampFamily, i: ToLocal(loc, d.i)}) }
	}
	return nil
}

// toStringCastIn is toStringCast with timestamptz values shown in loc.
func toStringCastIn(to Type, loc *time.Location) CastFn {
	kind := to.datumKind()
	return func(d Datum) (Datum, error) { return Datum{kind: kind, s: FormatTextIn(d, loc)}, nil }
}
