package types

import (
	"math"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cockroachdb/apd/v3"
)

// Op is a binary operator of the types layer. The binder maps the
// parser's operators onto it (types must not import ast).
type Op uint8

// The binary operators.
const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpPow // ^
	OpConcat
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpBitAnd     // &
	OpBitOr      // |
	OpBitXor     // #
	OpShiftLeft  // <<
	OpShiftRight // >>
	numOps
)

var opText = [numOps]string{"+", "-", "*", "/", "%", "^", "||", "=", "<>", "<", "<=", ">", ">=", "&", "|", "#", "<<", ">>"}

func (op Op) String() string {
	if op < numOps {
		return opText[op]
	}
	if isJSONOp(op) {
		return jsonOpText[op-OpJSONGet]
	}
	if op == OpOverlap {
		return "&&"
	}
	return "?op?"
}

// IsComparison reports whether op is one of = <> < <= > >=.
func (op Op) IsComparison() bool { return op >= OpEq && op <= OpGe }

// UnaryOp is a prefix operator.
type UnaryOp uint8

// The unary operators.
const (
	OpNeg    UnaryOp = iota // -
	OpPlus                  // +
	OpBitNot                // ~
)

// BinaryFn evaluates a binary operator; it is strict (a NULL operand gives
// NULL) and is resolved once per expression by BinaryOpFunc.
type BinaryFn func(a, b Datum) (Datum, error)

// UnaryFn evaluates a unary operator; strict.
type UnaryFn func(a Datum) (Datum, error)

func noOperator(op Op, l, r Type) error {
	return sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", l, op, r).
		WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

// BinaryOpResultType returns the result type of l op r, PostgreSQL's
// operator resolution for the built-in operators, or false if there is
// no such operator.
func BinaryOpResultType(op Op, l, r Type) (Type, bool) {
	_, t, err := BinaryOpFunc(op, l, r)
	return t, err == nil
}

// EvalBinary evaluates a op b using the datums' own kinds as types (for
// constant folding and tests; executors resolve BinaryOpFunc once). Two
// NULLs or a NULL and an UNKNOWN give NULL.
func EvalBinary(op Op, a, b Datum) (Datum, error) {
	lt, rt := TypeOfDatum(a), TypeOfDatum(b)
	if a.IsNull() {
		lt = rt
	}
	if b.IsNull() {
		rt = lt
	}
	if lt.IsZero() {
		return Null, nil
	}
	fn, _, err := BinaryOpFunc(op, lt, rt)
	if err != nil {
		return Null, err
	}
	return fn(a, b)
}

// TypeOfDatum returns the unmodified type of a datum's kind (TEXT for
// VARCHAR values); the zero Type for NULL.
func TypeOfDatum(d Datum) Type {
	switch d.kind {
	case nullFamily:
		return Type{}
	case ArrayFamily:
		return ArrayOf(d.arr.Elem)
	}
	return Type{fam: d.kind, width: NoMod, scale: NoMod}
}

// strict wraps fn with the NULL check.
func strict(fn BinaryFn) BinaryFn {
	return func(a, b Datum) (Datum, error) {
		if a.kind == nullFamily || b.kind == nullFamily {
			return Null, nil
		}
		return fn(a, b)
	}
}

// BinaryOpFunc resolves l op r once, at plan time: the function to call
// per row and the result type. UNKNOWN operands (untyped literals) take
// the other side's type, or the operator's only fitting type (timestamp +
// unknown is timestamp + interval), as PostgreSQL resolves them; the
// function parses them at run time (binders should fold such constants).
// Errors: 42883 when no operator matches.
func BinaryOpFunc(op Op, l, r Type) (BinaryFn, Type, error) {
	if fn, t, ok, err := arrayOpFunc(op, l, r); ok {
		return fn, t, err
	}
	if fn, t, ok, err := jsonbOpFunc(op, l, r); ok {
		return fn, t, err
	}
	if l.fam == UnknownFamily && !l.array || r.fam == UnknownFamily && !r.array {
		return resolveUnknown(op, l, r)
	}
	fn, t := binaryOp(op, l, r)
	if fn == nil {
		return nil, Type{}, noOperator(op, l, r)
	}
	return strict(fn), t, nil
}

func resolveUnknown(op Op, l, r Type) (BinaryFn, Type, error) {
	lu, ru := l.fam == UnknownFamily && !l.array, r.fam == UnknownFamily && !r.array
	var candidates []Type
	switch {
	case lu && ru:
		candidates = []Type{Text}
	case lu:
		candidates = []Type{baseOf(r), Interval, Int4, Text}
	default:
		candidates = []Type{baseOf(l), Interval, Int4, Text}
	}
	for _, c := range candidates {
		nl, nr := l, r
		if lu {
			nl = c
		}
		if ru {
			nr = c
		}
		fn, t := binaryOp(op, nl, nr)
		if fn == nil {
			continue
		}
		return strict(parsingUnknowns(unknownParser(lu, nl), unknownParser(ru, nr), fn)), t, nil
	}
	return nil, Type{}, noOperator(op, l, r)
}

func baseOf(t Type) Type {
	if t.array {
		return ArrayOf(Type{fam: t.fam, width: NoMod, scale: NoMod, enum: t.enum})
	}
	return Type{fam: t.fam, width: NoMod, scale: NoMod, enum: t.enum}
}

// unknownParser returns the conversion of an untyped literal operand to
// t (nil if is is false). It remembers its last conversion: the operand
// is nearly always a constant of the query (doc #> '{a,b}', k < '10'),
// and parsing it again for every row cost as much as the operator.
// parsingUnknowns is fn with untyped operands parsed first, the left by
// lp and the right by rp (either nil for an operand that is typed).
func parsingUnknowns(lp, rp CastFn, fn BinaryFn) BinaryFn {
	if lp == nil && rp == nil {
		return fn
	}
	return func(a, b Datum) (Datum, error) {
		var err error
		if lp != nil && a.kind == UnknownFamily {
			if a, err = lp(a); err != nil {
				return Null, err
			}
		}
		if rp != nil && b.kind == UnknownFamily {
			if b, err = rp(b); err != nil {
				return Null, err
			}
		}
		return fn(a, b)
	}
}

func unknownParser(is bool, t Type) CastFn {
	if !is {
		return nil
	}
	fn, _ := CastFunc(Unknown, t, CastExplicit)
	return memoCast(fn)
}

// memoCast is conv remembering its last input and result (safe for
// concurrent use).
func memoCast(conv CastFn) CastFn {
	type memo struct {
		in  string
		out Datum
	}
	var last atomic.Pointer[memo]
	return func(d Datum) (Datum, error) {
		if m := last.Load(); m != nil && m.in == d.s {
			return m.out, nil
		}
		out, err := conv(d)
		if err == nil {
			last.Store(&memo{d.s, out})
		}
		return out, err
	}
}

// numericResult is the type PostgreSQL picks for an arithmetic operator
// on two numbers: the wider integer, numeric if either is numeric and
// neither a float, real only for real op real, else double precision.
func numericResult(l, r Family) Family {
	if l == Float4Family && r == Float4Family {
		return Float4Family
	}
	if l == Float4Family || l == Float8Family || r == Float4Family || r == Float8Family {
		return Float8Family
	}
	if l == NumericFamily || r == NumericFamily {
		return NumericFamily
	}
	return max(l, r) // Int2 < Int4 < Int8 in the Family numbering
}

// promote converts a number datum to family f (never narrowing).
func promote(d Datum, f Family) Datum {
	if d.kind == f {
		return d
	}
	switch f {
	case NumericFamily:
		return Datum{kind: f, dec: apd.New(d.i, 0)}
	case Float8Family, Float4Family:
		return Datum{kind: f, i: int64(math.Float64bits(toFloat(d)))}
	}
	return Datum{kind: f, i: d.i}
}

func binaryOp(op Op, l, r Type) (BinaryFn, Type) {
	if op.IsComparison() {
		return comparisonOp(op, l, r)
	}
	if op == OpConcat {
		return concatOp(l, r)
	}
	if l.array || r.array {
		return nil, Type{}
	}
	lf, rf := l.fam, r.fam
	if l.IsNumeric() && r.IsNumeric() {
		return numberOp(op, lf, rf)
	}
	return dateTimeOp(op, l, r)
}

func comparisonOp(op Op, l, r Type) (BinaryFn, Type) {
	if !Comparable(l, r) {
		// date/timestamp against timestamptz and the like are covered by
		// Comparable; anything else needs a cast first.
		return nil, Type{}
	}
	var fn BinaryFn
	switch op {
	case OpEq:
		fn = func(a, b Datum) (Datum, error) { return NewBool(Compare(a, b) == 0), nil }
	case OpNe:
		fn = func(a, b Datum) (Datum, error) { return NewBool(Compare(a, b) != 0), nil }
	case OpLt:
		fn = func(a, b Datum) (Datum, error) { return NewBool(Compare(a, b) < 0), nil }
	case OpLe:
		fn = func(a, b Datum) (Datum, error) { return NewBool(Compare(a, b) <= 0), nil }
	case OpGt:
		fn = func(a, b Datum) (Datum, error) { return NewBool(Compare(a, b) > 0), nil }
	case OpGe:
		fn = func(a, b Datum) (Datum, error) { return NewBool(Compare(a, b) >= 0), nil }
	}
	// Same-kind integers are the hot path: skip Compare's dispatch.
	if l.IsInteger() && r.IsInteger() {
		switch op {
		case OpEq:
			fn = func(a, b Datum) (Datum, error) { return NewBool(a.i == b.i), nil }
		case OpLt:
			fn = func(a, b Datum) (Datum, error) { return NewBool(a.i < b.i), nil }
		case OpGt:
			fn = func(a, b Datum) (Datum, error) { return NewBool(a.i > b.i), nil }
		}
	}
	return fn, Bool
}

func concatOp(l, r Type) (BinaryFn, Type) {
	switch {
	case l.array && r.array:
		if l.fam != r.fam {
			return nil, Type{}
		}
		return func(a, b Datum) (Datum, error) {
			out := make([]Datum, 0, len(a.arr.Elems)+len(b.arr.Elems))
			out = append(append(out, a.arr.Elems...), b.arr.Elems...)
			return NewArray(a.arr.Elem, out), nil
		}, baseOf(l)
	case l.array && !r.array && r.fam == l.fam:
		return func(a, b Datum) (Datum, error) {
			out := make([]Datum, 0, len(a.arr.Elems)+1)
			out = append(append(out, a.arr.Elems...), b)
			return NewArray(a.arr.Elem, out), nil
		}, baseOf(l)
	case r.array && !l.array && r.fam == l.fam:
		return func(a, b Datum) (Datum, error) {
			out := make([]Datum, 0, len(b.arr.Elems)+1)
			out = append(append(out, a), b.arr.Elems...)
			return NewArray(b.arr.Elem, out), nil
		}, baseOf(r)
	case l.fam == ByteaFamily && r.fam == ByteaFamily && !l.array && !r.array:
		return func(a, b Datum) (Datum, error) { return NewByteaString(a.s + b.s), nil }, Bytea
	case l.IsString() || r.IsString():
		// text || text, and textanycat / anytextcat for a non-array other side.
		if l.array || r.array {
			return nil, Type{}
		}
		return func(a, b Datum) (Datum, error) {
			return NewText(concatText(a) + concatText(b)), nil
		}, Text
	}
	return nil, Type{}
}

func concatText(d Datum) string {
	switch d.kind {
	case TextFamily, UnknownFamily:
		return d.s
	case CharFamily:
		return trimBlanks(d.s)
	case BoolFamily:
		// The other side is cast to text (textanycat is $1 || $2::text),
		// and a boolean's cast to text is true or false, not t or f.
		if d.Bool() {
			return "true"
		}
		return "false"
	}
	return FormatText(d)
}

func numberOp(op Op, lf, rf Family) (BinaryFn, Type) {
	res := numericResult(lf, rf)
	conv := func(fn BinaryFn) BinaryFn {
		if lf == res && rf == res {
			return fn
		}
		return func(a, b Datum) (Datum, error) { return fn(promote(a, res), promote(b, res)) }
	}
	switch op {
	case OpPow:
		if res == NumericFamily {
			return conv(numericPow), Decimal
		}
		return func(a, b Datum) (Datum, error) { return floatPow(toFloat(a), toFloat(b)) }, Float8
	case OpBitAnd, OpBitOr, OpBitXor:
		if res > Int8Family {
			return nil, Type{}
		}
		return conv(intBitOp(op, res)), Type{fam: res, width: NoMod, scale: NoMod}
	case OpShiftLeft, OpShiftRight:
		if lf > Int8Family || rf > Int4Family {
			return nil, Type{}
		}
		return intShift(op, lf), Type{fam: lf, width: NoMod, scale: NoMod}
	}
	var fn BinaryFn
	switch res {
	case Int2Family, Int4Family, Int8Family:
		fn = intOp(op, res)
	case NumericFamily:
		fn = numericOp(op)
	default:
		fn = floatOp(op, res == Float4Family)
	}
	if fn == nil {
		return nil, Type{}
	}
	return conv(fn), Type{fam: res, width: NoMod, scale: NoMod}
}

func intOp(op Op, f Family) BinaryFn {
	lo, hi := intRange(f)
	check := func(v int64) (Datum, error) {
		if v < lo || v > hi {
			return Null, intOutOfRange(f)
		}
		return Datum{kind: f, i: v}, nil
	}
	switch op {
	case OpAdd:
		return func(a, b Datum) (Datum, error) {
			s := a.i + b.i
			if (s > a.i) != (b.i > 0) { // int64 wrap
				return Null, intOutOfRange(f)
			}
			return check(s)
		}
	case OpSub:
		return func(a, b Datum) (Datum, error) {
			s := a.i - b.i
			if (s < a.i) != (b.i > 0) {
				return Null, intOutOfRange(f)
			}
			return check(s)
		}
	case OpMul:
		return func(a, b Datum) (Datum, error) {
			r := a.i * b.i
			if a.i != 0 && (r/a.i != b.i || a.i == -1 && b.i == math.MinInt64) {
				return Null, intOutOfRange(f)
			}
			return check(r)
		}
	case OpDiv:
		return func(a, b Datum) (Datum, error) {
			if b.i == 0 {
				return Null, divisionByZero()
			}
			if b.i == -1 {
				if a.i == lo {
					return Null, intOutOfRange(f)
				}
				return Datum{kind: f, i: -a.i}, nil
			}
			return Datum{kind: f, i: a.i / b.i}, nil
		}
	case OpMod:
		return func(a, b Datum) (Datum, error) {
			if b.i == 0 {
				return Null, divisionByZero()
			}
			if b.i == -1 {
				return Datum{kind: f, i: 0}, nil
			}
			return Datum{kind: f, i: a.i % b.i}, nil
		}
	}
	return nil
}

func intBitOp(op Op, f Family) BinaryFn {
	return func(a, b Datum) (Datum, error) {
		var v int64
		switch op {
		case OpBitAnd:
			v = a.i & b.i
		case OpBitOr:
			v = a.i | b.i
		default:
			v = a.i ^ b.i
		}
		return Datum{kind: f, i: v}, nil
	}
}

func intShift(op Op, f Family) BinaryFn {
	width := uint(64)
	switch f {
	case Int2Family:
		width = 16
	case Int4Family:
		width = 32
	}
	return func(a, b Datum) (Datum, error) {
		// C shifts modulo the width on the platforms PostgreSQL runs on.
		n := uint(b.i) % width
		var v int64
		if op == OpShiftLeft {
			v = a.i << n
			switch width { // keep the result in the type, as C's wraparound does
			case 16:
				v = int64(int16(v))
			case 32:
				v = int64(int32(v))
			}
		} else {
			v = a.i >> n
		}
		return Datum{kind: f, i: v}, nil
	}
}

func divisionByZero() error { return sqlerr.New(sqlerr.DivisionByZero, "division by zero") }
func floatOverflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: overflow")
}
func floatUnderflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: underflow")
}

// floatOp is float8pl & co: IEEE arithmetic, with an error when a finite
// computation overflows to infinity or a non-zero product underflows to
// zero (check_float8_val). REAL op REAL is computed in float32.
func floatOp(op Op, f4 bool) BinaryFn {
	mk := NewFloat8
	fix := func(x float64) float64 { return x }
	if f4 {
		mk = func(x float64) Datum { return NewFloat4(float32(x)) }
		fix = func(x float64) float64 { return float64(float32(x)) }
	}
	checked := func(r, a, b float64, zeroOK bool) (Datum, error) {
		r = fix(r)
		if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
			return Null, floatOverflow()
		}
		if !zeroOK && r == 0 && a != 0 {
			return Null, floatUnderflow()
		}
		return mk(r), nil
	}
	switch op {
	case OpAdd:
		return func(x, y Datum) (Datum, error) { a, b := x.Float(), y.Float(); return checked(a+b, a, b, true) }
	case OpSub:
		return func(x, y Datum) (Datum, error) { a, b := x.Float(), y.Float(); return checked(a-b, a, b, true) }
	case OpMul:
		return func(x, y Datum) (Datum, error) {
			a, b := x.Float(), y.Float()
			return checked(a*b, a, b, b == 0)
		}
	case OpDiv:
		return func(x, y Datum) (Datum, error) {
			a, b := x.Float(), y.Float()
			if b == 0 && !math.IsNaN(a) {
				return Null, divisionByZero()
			}
			return checked(a/b, a, b, math.IsInf(b, 0))
		}
	}
	return nil
}

func powError(msg string) error { return sqlerr.New(sqlerr.Code("2201F"), "%s", msg) }

func floatPow(a, b float64) (Datum, error) {
	if a == 0 && b < 0 {
		return Null, powError("zero raised to a negative power is undefined")
	}
	if a < 0 && b != math.Trunc(b) && !math.IsInf(b, 0) {
		return Null, powError("a negative number raised to a non-integer power yields a complex result")
	}
	r := math.Pow(a, b)
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return Null, floatOverflow()
	}
	if r == 0 && a != 0 && !math.IsInf(b, 0) {
		return Null, floatUnderflow()
	}
	return NewFloat8(r), nil
}

// exactCtx does exact addition, subtraction and multiplication (apd's
// precision 0); conditions are handled by hand, so nothing traps.
var exactCtx = func() *apd.Context {
	c := apd.BaseContext
	c.Traps = 0
	c.Rounding = apd.RoundHalfUp
	return &c
}()

func nanDecimal() *apd.Decimal { return &apd.Decimal{Form: apd.NaN} }

func numericOp(op Op) BinaryFn {
	switch op {
	case OpAdd, OpSub, OpMul:
		return func(a, b Datum) (Datum, error) {
			x, y := a.dec, b.dec
			if isNaNDecimal(x) || isNaNDecimal(y) {
				return NewNumeric(nanDecimal()), nil
			}
			r := new(apd.Decimal)
			var err error
			switch op {
			case OpAdd:
				_, err = exactCtx.Add(r, x, y)
			case OpSub:
				_, err = exactCtx.Sub(r, x, y)
			default:
				_, err = exactCtx.Mul(r, x, y)
			}
			if err != nil {
				return Null, numericOverflow()
			}
			return NewNumeric(r), nil
		}
	case OpDiv:
		return func(a, b Datum) (Datum, error) { return numericDiv(a.dec, b.dec) }
	case OpMod:
		return func(a, b Datum) (Datum, error) { return numericMod(a.dec, b.dec) }
	}
	return nil
}

func numericOverflow() error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
}

// dscale is a finite numeric's display scale (digits after the point).
func dscale(d *apd.Decimal) int64 {
	if d.Form != apd.Finite || d.Exponent >= 0 {
		return 0
	}
	return int64(-d.Exponent)
}

// weight10000 returns PostgreSQL's base-10000 weight of a non-zero
// finite numeric and its first base-10000 digit.
func weight10000(d *apd.Decimal) (int64, int64) {
	nd := d.NumDigits()
	adj := nd + int64(d.Exponent) - 1 // decimal exponent of the leading digit
	w, _ := floorDiv(adj, 4)
	lead := adj - 4*w + 1 // 1..4 digits in the first base-10000 digit
	s := d.Coeff.String()
	for int64(len(s)) < lead {
		s += "0"
	}
	var first int64
	for i := int64(0); i < lead; i++ {
		first = first*10 + int64(s[i]-'0')
	}
	return w, first
}

// numericDiv divides with PostgreSQL's result scale (select_div_scale):
// at least 16 significant digits, at least either operand's scale.
func numericDiv(x, y *apd.Decimal) (Datum, error) {
	if isNaNDecimal(x) || isNaNDecimal(y) {
		return NewNumeric(nanDecimal()), nil
	}
	if y.Form == apd.Finite && y.IsZero() {
		return Null, divisionByZero()
	}
	if x.Form == apd.Infinite {
		if y.Form == apd.Infinite {
			return NewNumeric(nanDecimal()), nil
		}
		return NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: x.Negative != y.Negative}), nil
	}
	if y.Form == apd.Infinite {
		return NewNumeric(new(apd.Decimal)), nil
	}
	var rscale int64
	if x.IsZero() {
		rscale = max(16, dscale(x), dscale(y))
	} else {
		w1, f1 := weight10000(x)
		w2, f2 := weight10000(y)
		qweight := w1 - w2
		if f1 <= f2 {
			qweight--
		}
		rscale = max(16-qweight*4, dscale(x), dscale(y), 0)
	}
	rscale = min(rscale, 1000)
	// Truncate at a few guard digits, then round half away from zero at
	// rscale: truncation cannot turn a below-half tail into a half.
	intDigits := (x.NumDigits() + int64(x.Exponent)) - (y.NumDigits() + int64(y.Exponent)) + 2
	prec := max(intDigits, 1) + rscale + 8
	c := *exactCtx
	c.Precision = uint32(prec)
	c.Rounding = apd.RoundDown
	q := new(apd.Decimal)
	if _, err := c.Quo(q, x, y); err != nil {
		return Null, numericOverflow()
	}
	r := new(apd.Decimal)
	if _, err := roundCtx.Quantize(r, q, int32(-rscale)); err != nil {
		return Null, numericOverflow()
	}
	return NewNumeric(r), nil
}

func numericMod(x, y *apd.Decimal) (Datum, error) {
	if isNaNDecimal(x) || isNaNDecimal(y) {
		return NewNumeric(nanDecimal()), nil
	}
	if y.Form == apd.Finite && y.IsZero() {
		return Null, divisionByZero()
	}
	if x.Form == apd.Infinite {
		return NewNumeric(nanDecimal()), nil
	}
	if y.Form == apd.Infinite {
		return NewNumeric(new(apd.Decimal).Set(x)), nil
	}
	c := *exactCtx
	c.Precision = uint32(max(x.NumDigits()+int64(x.Exponent)-int64(y.Exponent), 1) + 2)
	r := new(apd.Decimal)
	if _, err := c.Rem(r, x, y); err != nil {
		return Null, numericOverflow()
	}
	return NewNumeric(r), nil
}

// numericPow computes x ^ y to PostgreSQL's result scale: 16 significant
// digits beyond the result's magnitude, at least the operands' scales.
// (PostgreSQL's power_var chooses the scale from an estimate of the
// result's log10; this uses the result's actual magnitude, which agrees
// except where the estimate is off by one.)
func numericPow(a, b Datum) (Datum, error) {
	x, y := a.dec, b.dec
	if isNaNDecimal(x) || isNaNDecimal(y) {
		if isNaNDecimal(x) && y.Form == apd.Finite && y.IsZero() || isNaNDecimal(y) && x.Cmp(apd.New(1, 0)) == 0 {
			return NewNumeric(apd.New(1, 0)), nil
		}
		return NewNumeric(nanDecimal()), nil
	}
	if x.IsZero() && y.Sign() < 0 {
		return Null, powError("zero raised to a negative power is undefined")
	}
	isInt := y.Form == apd.Finite && func() bool {
		var i, f apd.Decimal
		y.Modf(&i, &f)
		return f.IsZero()
	}()
	if x.Sign() < 0 && !isInt && y.Form == apd.Finite {
		return Null, powError("a negative number raised to a non-integer power yields a complex result")
	}
	if x.Form == apd.Infinite || y.Form == apd.Infinite {
		f, err := floatPow(decimalToFloat(x), decimalToFloat(y))
		if err != nil {
			return Null, err
		}
		c := numericCast(Float8Family, NumericFamily)
		return c(f)
	}
	c := *exactCtx
	c.Precision = 1100
	c.MaxExponent, c.MinExponent = 140000, -140000
	r := new(apd.Decimal)
	if _, err := c.Pow(r, x, y); err != nil || r.Form != apd.Finite {
		return Null, numericOverflow()
	}
	mag := int64(0)
	if !r.IsZero() {
		mag = r.NumDigits() + int64(r.Exponent) - 1
	}
	rscale := min(max(16-mag, dscale(x), dscale(y), 0), 1000)
	out := new(apd.Decimal)
	if _, err := roundCtx.Quantize(out, r, int32(-rscale)); err != nil {
		return Null, numericOverflow()
	}
	return NewNumeric(out), nil
}

// UnaryOpFunc resolves a prefix operator on t once, at plan time.
func UnaryOpFunc(op UnaryOp, t Type) (UnaryFn, Type, error) {
	if t.fam == UnknownFamily && !t.array {
		t = Float8 // PostgreSQL resolves -'1' to float8 (the preferred numeric type)
		if op == OpBitNot {
			t = Int8
		}
		parse := unknownParser(true, t)
		inner, rt, err := UnaryOpFunc(op, t)
		if err != nil {
			return nil, Type{}, err
		}
		return func(a Datum) (Datum, error) {
			if a.kind == UnknownFamily {
				var err error
				if a, err = parse(a); err != nil {
					return Null, err
				}
			}
			return inner(a)
		}, rt, nil
	}
	bt := baseOf(t)
	var fn UnaryFn
	if !t.array {
		switch op {
		case OpPlus:
			if t.IsNumeric() || t.fam == IntervalFamily {
				fn = func(a Datum) (Datum, error) { return a, nil }
			}
		case OpBitNot:
			if t.IsInteger() {
				fn = func(a Datum) (Datum, error) { return Datum{kind: a.kind, i: ^a.i}, nil }
			}
		case OpNeg:
			switch {
			case t.IsInteger():
				lo, _ := intRange(t.fam)
				f := t.fam
				fn = func(a Datum) (Datum, error) {
					if a.i == lo {
						return Null, intOutOfRange(f)
					}
					return Datum{kind: f, i: -a.i}, nil
				}
			case t.fam == Float4Family || t.fam == Float8Family:
				fn = func(a Datum) (Datum, error) {
					return Datum{kind: a.kind, i: int64(math.Float64bits(-a.Float()))}, nil
				}
			case t.fam == NumericFamily:
				fn = func(a Datum) (Datum, error) {
					if isNaNDecimal(a.dec) {
						return a, nil
					}
					return NewNumeric(new(apd.Decimal).Neg(a.dec)), nil
				}
			case t.fam == IntervalFamily:
				fn = func(a Datum) (Datum, error) {
					iv, err := negInterval(a.Interval())
					if err != nil {
						return Null, err
					}
					return NewInterval(iv), nil
				}
			}
		}
	}
	if fn == nil {
		sym := [...]string{"-", "+", "~"}[op]
		return nil, Type{}, sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s", sym, t).
			WithHint("No operator matches the given name and argument type. You might need to add an explicit type cast.")
	}
	return func(a Datum) (Datum, error) {
		if a.kind == nullFamily {
			return Null, nil
		}
		return fn(a)
	}, bt, nil
}

// EvalUnary evaluates a prefix operator using the datum's own kind.
func EvalUnary(op UnaryOp, a Datum) (Datum, error) {
	if a.IsNull() {
		return Null, nil
	}
	fn, _, err := UnaryOpFunc(op, TypeOfDatum(a))
	if err != nil {
		return Null, err
	}
	return fn(a)
}
