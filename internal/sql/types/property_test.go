package types

import (
	"bytes"
	"math"
	"math/rand"
	"testing"

	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cockroachdb/apd/v3"
)

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// randDatum returns a random non-NULL datum of type t, biased towards
// edge values.
func randDatum(r *rand.Rand, t Type) Datum {
	if t.IsArray() {
		n := r.Intn(4)
		elems := make([]Datum, n)
		for i := range elems {
			if r.Intn(5) == 0 {
				elems[i] = Null
			} else {
				elems[i] = randDatum(r, t.Elem())
			}
		}
		return NewArray(t.Elem(), elems)
	}
	switch t.Family() {
	case BoolFamily:
		return NewBool(r.Intn(2) == 0)
	case Int2Family, Int4Family, Int8Family:
		lo, hi := intRange(t.Family())
		v := []int64{lo, hi, 0, -1, 1, lo + 1, hi - 1}
		if r.Intn(3) == 0 {
			return NewInt(t.Family(), v[r.Intn(len(v))])
		}
		x := r.Int63n(hi/2+1) - r.Int63n(hi/2+1)
		if r.Intn(2) == 0 {
			x = int64(r.Intn(200) - 100)
		}
		return NewInt(t.Family(), x)
	case Float8Family:
		v := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1e15, 1e-5, 0.1}
		if r.Intn(3) == 0 {
			return NewFloat8(v[r.Intn(len(v))])
		}
		return NewFloat8(r.NormFloat64() * math.Pow(10, float64(r.Intn(40)-20)))
	case Float4Family:
		v := []float32{float32(math.NaN()), float32(math.Inf(1)), 0, math.MaxFloat32, -1.5, 1e6, 123456}
		if r.Intn(3) == 0 {
			return NewFloat4(v[r.Intn(len(v))])
		}
		return NewFloat4(float32(r.NormFloat64() * math.Pow(10, float64(r.Intn(20)-10))))
	case NumericFamily:
		switch r.Intn(12) {
		case 0:
			return NewNumeric(&apd.Decimal{Form: apd.NaN})
		case 1:
			return NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: r.Intn(2) == 0})
		}
		d := apd.New(r.Int63n(1<<40)-(1<<39), int32(-r.Intn(8)))
		if r.Intn(4) == 0 {
			d.Coeff.Mul(&d.Coeff, apd.NewBigInt(r.Int63()))
		}
		return NewNumeric(d)
	case TextFamily, VarcharFamily, CharFamily:
		alphabet := []string{"a", "b", " ", "é", "\x00", "\x01", "z", "\"", "\\", ",", "{", "NULL"}
		var s string
		for i := r.Intn(6); i > 0; i-- {
			s += alphabet[r.Intn(len(alphabet))]
		}
		if t.Family() == CharFamily {
			return NewChar(s)
		}
		return NewText(s)
	case ByteaFamily:
		b := make([]byte, r.Intn(5))
		r.Read(b)
		return NewBytea(b)
	case DateFamily:
		switch r.Intn(10) {
		case 0:
			return NewDate(DatePosInfinity)
		case 1:
			return NewDate(DateNegInfinity)
		case 2:
			return NewDate([]int32{minDate, maxDate}[r.Intn(2)])
		}
		return NewDate(int32(r.Intn(2000000) - 1000000))
	case TimeFamily:
		return NewTime(r.Int63n(microsPerDay + 1))
	case TimestampFamily, TimestampTZFamily:
		var us int64
		switch r.Intn(10) {
		case 0:
			us = TimestampPosInfinity
		case 1:
			us = TimestampNegInfinity
		case 2:
			us = minTimestamp
		default:
			us = r.Int63n(1<<60) - r.Int63n(1<<57)
		}
		return Datum{kind: t.Family(), i: us}
	case IntervalFamily:
		return NewInterval(IntervalValue{Months: int32(r.Intn(50) - 25), Days: int32(r.Intn(100) - 50), Micros: r.Int63n(1<<45) - r.Int63n(1<<45)})
	case UUIDFamily:
		var u [16]byte
		r.Read(u[:])
		if r.Intn(3) == 0 {
			u[0] = 0
		}
		return NewUUID(u)
	case JSONBFamily:
		docs := []string{`{"a": 1}`, `{"a": 1.0}`, `[1, 2]`, `[]`, `{}`, `[1]`, `1`, `1.00`, `"x"`, `""`, `null`, `true`,
			`false`, `[null]`, `{"b": [1, {"c": "d"}], "aa": 2.50}`, `{"b": [1, {"c": "e"}], "aa": 2.5}`, `-3`, `[[]]`}
		d, _ := ParseText(JSONB, docs[r.Intn(len(docs))])
		return d
	}
	panic("no generator for " + t.String())
}

var propertyTypes = []Type{
	Bool, Int2, Int4, Int8, Float4, Float8, Decimal, Text, Bpchar, Bytea, Date, Time,
	Timestamp, TimestampTZ, Interval, UUID, JSONB,
	ArrayOf(Int4), ArrayOf(Text), ArrayOf(Decimal), ArrayOf(Float8), ArrayOf(Interval), ArrayOf(Date),
}

// keyOf is d's order-preserving encoding (for JSONB the storage key: the
// form of array elements, and of the rows written before documents were
// stored alone, so the key round trip below decodes that format too).
func keyOf(d Datum) []byte { return rowcodec.AppendKey(nil, toOrdered(d), rowcodec.Asc) }

// TestKeyOrderMatchesCompare: sign(Compare(a, b)) == sign(bytes.Compare
// of the rowcodec keys), for every type with an order.
func TestKeyOrderMatchesCompare(t *testing.T) {
	seed := int64(20240601)
	r := rand.New(rand.NewSource(seed))
	for _, typ := range propertyTypes {
		for i := 0; i < 3000; i++ {
			a, b := randDatum(r, typ), randDatum(r, typ)
			if r.Intn(8) == 0 {
				b = a
			}
			c := sign(Compare(a, b))
			k := sign(bytes.Compare(keyOf(a), keyOf(b)))
			hasInterval := typ.Family() == IntervalFamily || typ.IsArray() && typ.Elem().Family() == IntervalFamily
			// JSONB keys, like interval keys, tell apart values that
			// Compare calls equal ('1.0' and '1').
			if c != k && !((hasInterval || typ == JSONB) && c == 0) {
				t.Fatalf("seed %d %s: Compare(%v, %v) = %d, key order %d", seed, typ, a, b, c, k)
			}
			if sign(Compare(b, a)) != -c {
				t.Fatalf("seed %d %s: Compare not antisymmetric on %v, %v", seed, typ, a, b)
			}
		}
	}
}

// TestStorageRoundTrip: FromRowcodec(ToRowcodec(x)) equals x, through
// both the row encoding and (for keys) the key encoding.
func TestStorageRoundTrip(t *testing.T) {
	seed := int64(7)
	r := rand.New(rand.NewSource(seed))
	for _, typ := range propertyTypes {
		for i := 0; i < 500; i++ {
			x := randDatum(r, typ)
			row := rowcodec.AppendRow(nil, []rowcodec.Column{{ID: 1, Value: ToRowcodec(x)}})
			v, err := rowcodec.RowColumn(row, 1)
			if err != nil {
				t.Fatal(err)
			}
			back, err := FromRowcodec(typ, v)
			if err != nil {
				t.Fatalf("seed %d %s %v: %v", seed, typ, x, err)
			}
			// Unconstrained bpchar loses trailing blanks in storage (doc.go).
			if Compare(back, x) != 0 || FormatText(back) != FormatText(x) && !typ.IsArray() && typ != Bpchar {
				t.Fatalf("seed %d %s: row round trip %v -> %v", seed, typ, x, back)
			}
			kv, rest, err := rowcodec.DecodeKey(keyOf(x), rowcodec.Asc)
			if err != nil || len(rest) != 0 {
				t.Fatal(err)
			}
			kb, err := FromRowcodec(typ, kv)
			if err != nil || Compare(kb, x) != 0 {
				t.Fatalf("seed %d %s: key round trip %v -> %v, %v", seed, typ, x, kb, err)
			}
		}
	}
	// Wrong kinds are corrupt data, not panics.
	if _, err := FromRowcodec(Int4, rowcodec.String("x")); err == nil {
		t.Error("int from string")
	}
	if _, err := FromRowcodec(Interval, rowcodec.Bytes([]byte{1, 2})); err == nil {
		t.Error("short interval")
	}
	if _, err := FromRowcodec(ArrayOf(Int4), rowcodec.Bytes([]byte{0x99})); err == nil {
		t.Error("bad array")
	}
	// NUMERIC(p,s) gets its scale back from a key.
	x := mustParse(t, Numeric(6, 2), "1.50")
	kv, _, _ := rowcodec.DecodeKey(keyOf(x), rowcodec.Asc)
	if back, _ := FromRowcodec(Numeric(6, 2), kv); FormatText(back) != "1.50" {
		t.Errorf("numeric(6,2) from key: %v", back)
	}
	// CHAR(n) is stored unpadded and re-padded.
	c := mustParse(t, Char(4), "ab")
	if back, _ := FromRowcodec(Char(4), ToRowcodec(c)); back.Str() != "ab  " {
		t.Errorf("char from storage: %q", back.Str())
	}
}

// TestTextRoundTripRandom: ParseText(FormatText(x)) == x.
func TestTextRoundTripRandom(t *testing.T) {
	seed := int64(99)
	r := rand.New(rand.NewSource(seed))
	for _, typ := range propertyTypes {
		for i := 0; i < 1000; i++ {
			x := randDatum(r, typ)
			if typ.Family() == TextFamily || typ.Family() == CharFamily {
				continue // text is its own text form; covered by arrays of text
			}
			s := FormatText(x)
			back, err := ParseText(typ, s)
			if err != nil {
				t.Fatalf("seed %d %s: ParseText(%q): %v", seed, typ, s, err)
			}
			if Compare(back, x) != 0 || FormatText(back) != s {
				t.Fatalf("seed %d %s: %q -> %v", seed, typ, s, back)
			}
		}
	}
}

// TestHashConsistent: Compare == 0 implies equal hashes within a family.
func TestHashConsistent(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, typ := range propertyTypes {
		for i := 0; i < 1000; i++ {
			a, b := randDatum(r, typ), randDatum(r, typ)
			if Compare(a, b) == 0 && (Hash(a) != Hash(b) || !bytes.Equal(AppendHashKey(nil, a), AppendHashKey(nil, b))) {
				t.Fatalf("%s: %v and %v compare equal but hash differently", typ, a, b)
			}
		}
	}
	pairs := [][2]Datum{
		{NewInt2(7), NewInt8(7)},
		{NewInt4(-1), NewInt8(-1)},
		{NewFloat8(0), NewFloat8(math.Copysign(0, -1))},
		{NewFloat8(math.NaN()), NewFloat8(-math.NaN())},
		{NewFloat4(1.5), NewFloat8(1.5)},
		{NewNumeric(apd.New(10, -1)), NewNumeric(apd.New(100, -2))},
		{NewText("ab"), NewChar("ab  ")},
		{NewInterval(IntervalValue{Months: 1}), NewInterval(IntervalValue{Days: 30})},
		{NewInterval(IntervalValue{Days: 1}), NewInterval(IntervalValue{Micros: microsPerDay})},
		{NewTimestamp(5), NewTimestampTZ(5)},
		{NewArray(Decimal, []Datum{NewNumeric(apd.New(1, 0)), Null}), NewArray(Decimal, []Datum{NewNumeric(apd.New(100, -2)), Null})},
	}
	for _, p := range pairs {
		if Compare(p[0], p[1]) != 0 {
			t.Errorf("%v and %v should compare equal", p[0], p[1])
		}
		if Hash(p[0]) != Hash(p[1]) {
			t.Errorf("%v and %v hash differently", p[0], p[1])
		}
	}
	if Hash(NewInt4(1)) == Hash(NewInt4(2)) || HashSeeded(1, NewInt4(1)) == HashSeeded(2, NewInt4(1)) {
		t.Error("hash is too constant")
	}
}

func TestCompareMixed(t *testing.T) {
	cases := []struct {
		a, b Datum
		want int
	}{
		{NewInt2(1), NewInt8(2), -1},
		{NewInt4(3), NewNumeric(apd.New(25, -1)), 1},
		{NewInt8(math.MaxInt64), NewFloat8(math.Inf(1)), -1},
		{NewNumeric(apd.New(1, 0)), NewFloat8(math.NaN()), -1},
		{NewNumeric(&apd.Decimal{Form: apd.NaN}), NewNumeric(&apd.Decimal{Form: apd.Infinite}), 1},
		{NewNumeric(&apd.Decimal{Form: apd.Infinite, Negative: true}), NewNumeric(apd.New(-1, 100)), -1},
		{NewText("a"), NewText("ab"), -1},
		{NewText("Z"), NewText("a"), -1},
		{NewChar("a "), NewChar("a"), 0},
		{NewChar("a"), NewChar("a\x01"), -1},
		{NewText("a "), NewChar("a"), 1},
		{NewDate(1), NewTimestamp(microsPerDay), 0},
		{NewDate(DatePosInfinity), NewTimestamp(TimestampPosInfinity), 0},
		{NewTimestamp(0), NewTimestampTZ(1), -1},
		{NewInterval(IntervalValue{Months: 1}), NewInterval(IntervalValue{Days: 29, Micros: microsPerDay + 1}), -1},
		{NewInterval(IntervalValue{Days: -1}), NewInterval(IntervalValue{Micros: -microsPerDay + 1}), -1},
		{NewBool(false), NewBool(true), -1},
		{Null, NewInt4(1), 1},
		{NewUnknown("a"), NewText("b"), -1},
	}
	for _, c := range cases {
		if got := sign(Compare(c.a, c.b)); got != c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := sign(Compare(c.b, c.a)); got != -c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

func TestThreeValuedLogic(t *testing.T) {
	vals := []Tri{TriFalse, TriTrue, TriNull}
	// SQL's truth tables, rows a, columns b: F T N.
	and := [3][3]Tri{
		{TriFalse, TriFalse, TriFalse},
		{TriFalse, TriTrue, TriNull},
		{TriFalse, TriNull, TriNull},
	}
	or := [3][3]Tri{
		{TriFalse, TriTrue, TriNull},
		{TriTrue, TriTrue, TriTrue},
		{TriNull, TriTrue, TriNull},
	}
	for i, a := range vals {
		for j, b := range vals {
			if And(a, b) != and[i][j] || Or(a, b) != or[i][j] {
				t.Errorf("%s AND/OR %s = %s/%s", a, b, And(a, b), Or(a, b))
			}
		}
	}
	if Not(TriTrue) != TriFalse || Not(TriFalse) != TriTrue || Not(TriNull) != TriNull {
		t.Error("NOT")
	}
	one, two := NewInt4(1), NewInt8(2)
	checks := []struct {
		got, want Tri
	}{
		{Eq(one, one), TriTrue}, {Eq(one, two), TriFalse}, {Eq(one, Null), TriNull}, {Eq(Null, Null), TriNull},
		{Ne(one, two), TriTrue}, {Ne(Null, one), TriNull},
		{Lt(one, two), TriTrue}, {Le(one, one), TriTrue}, {Gt(one, two), TriFalse}, {Ge(two, one), TriTrue},
		{Lt(Null, one), TriNull}, {Ge(one, Null), TriNull},
		{TriOf(DTrue), TriTrue}, {TriOf(Null), TriNull}, {TriOf(DFalse), TriFalse},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: %s, want %s", i, c.got, c.want)
		}
	}
	if IsDistinctFrom(Null, Null) || !IsDistinctFrom(Null, one) || !IsDistinctFrom(one, two) || IsDistinctFrom(one, NewInt8(1)) {
		t.Error("IS DISTINCT FROM")
	}
	if !TriTrue.Datum().Bool() || !TriNull.Datum().IsNull() || TriFalse.Datum().Bool() {
		t.Error("Tri.Datum")
	}
}

// TestNoPanicOnGarbage feeds junk to every parser.
func TestNoPanicOnGarbage(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	chars := "0123456789-+:. /TtZzPpYyMmDdHhSs{}\",\\xXeEaNnIiBbCc@"
	for _, typ := range propertyTypes {
		for i := 0; i < 2000; i++ {
			b := make([]byte, r.Intn(12))
			for j := range b {
				b[j] = chars[r.Intn(len(chars))]
			}
			d, err := ParseText(typ, string(b))
			if err == nil && !d.IsNull() {
				FormatText(d)
			}
		}
	}
}

func TestDateConversions(t *testing.T) {
	for days := int64(-800000); days < 800000; days += 997 {
		y, m, d := civilFromDays(days)
		if daysFromCivil(y, m, d) != days {
			t.Fatalf("days %d -> %d-%d-%d", days, y, m, d)
		}
	}
	if daysFromCivil(1970, 1, 1) != 0 || daysFromCivil(2000, 3, 1) != 11017 {
		t.Error("epoch")
	}
}

func BenchmarkIntAdd(b *testing.B) {
	fn, _, _ := BinaryOpFunc(OpAdd, Int8, Int8)
	x, y := NewInt8(1), NewInt8(2)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		x, _ = fn(x, y)
	}
}

func BenchmarkCompareText(b *testing.B) {
	x, y := NewText("hello world"), NewText("hello there")
	for i := 0; i < b.N; i++ {
		Compare(x, y)
	}
}
