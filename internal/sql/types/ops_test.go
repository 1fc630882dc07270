package types

import (
	"math"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func d(t *testing.T, typ Type, s string) Datum { t.Helper(); return mustParse(t, typ, s) }

func TestBinaryOps(t *testing.T) {
	cases := []struct {
		op     Op
		lt     Type
		l      string
		rt     Type
		r      string
		want   string // FormatText of the result, or the error message
		result Type
		code   sqlerr.Code // "" for success
	}{
		{OpAdd, Int2, "1", Int2, "2", "3", Int2, ""},
		{OpAdd, Int2, "32767", Int2, "1", "smallint out of range", Int2, sqlerr.NumericValueOutOfRange},
		{OpAdd, Int2, "32767", Int4, "1", "32768", Int4, ""},
		{OpAdd, Int4, "2147483647", Int4, "1", "integer out of range", Int4, sqlerr.NumericValueOutOfRange},
		{OpAdd, Int4, "2147483647", Int8, "1", "2147483648", Int8, ""},
		{OpAdd, Int8, "9223372036854775807", Int8, "1", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpSub, Int8, "-9223372036854775808", Int8, "1", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpSub, Int4, "-2147483648", Int4, "1", "integer out of range", Int4, sqlerr.NumericValueOutOfRange},
		{OpSub, Int8, "0", Int8, "-9223372036854775808", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpMul, Int8, "4294967296", Int8, "4294967296", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpMul, Int8, "-9223372036854775808", Int8, "-1", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpMul, Int8, "-1", Int8, "-9223372036854775808", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpMul, Int8, "-4611686018427387904", Int8, "2", "-9223372036854775808", Int8, ""},
		{OpMul, Int4, "65536", Int4, "32768", "integer out of range", Int4, sqlerr.NumericValueOutOfRange},
		{OpMul, Int4, "-65536", Int4, "32768", "-2147483648", Int4, ""},
		{OpDiv, Int4, "7", Int4, "2", "3", Int4, ""},
		{OpDiv, Int4, "-7", Int4, "2", "-3", Int4, ""},
		{OpDiv, Int4, "1", Int4, "0", "division by zero", Int4, sqlerr.DivisionByZero},
		{OpDiv, Int8, "-9223372036854775808", Int8, "-1", "bigint out of range", Int8, sqlerr.NumericValueOutOfRange},
		{OpDiv, Int4, "-2147483648", Int4, "-1", "integer out of range", Int4, sqlerr.NumericValueOutOfRange},
		{OpDiv, Int2, "-32768", Int2, "-1", "smallint out of range", Int2, sqlerr.NumericValueOutOfRange},
		{OpMod, Int4, "-7", Int4, "3", "-1", Int4, ""},
		{OpMod, Int8, "-9223372036854775808", Int8, "-1", "0", Int8, ""},
		{OpMod, Int4, "5", Int4, "0", "division by zero", Int4, sqlerr.DivisionByZero},
		{OpAdd, Int4, "1", Decimal, "1.5", "2.5", Decimal, ""},
		{OpAdd, Int4, "1", Float8, "1.5", "2.5", Float8, ""},
		{OpAdd, Decimal, "1.5", Float8, "1.5", "3", Float8, ""},
		{OpAdd, Int4, "1", Float4, "1.5", "2.5", Float8, ""},
		{OpAdd, Float4, "1.5", Float4, "1.5", "3", Float4, ""},
		{OpAdd, Float8, "0.1", Float8, "0.2", "0.30000000000000004", Float8, ""},
		{OpMul, Float8, "1e200", Float8, "1e200", "value out of range: overflow", Float8, sqlerr.NumericValueOutOfRange},
		{OpMul, Float8, "1e-200", Float8, "1e-200", "value out of range: underflow", Float8, sqlerr.NumericValueOutOfRange},
		{OpAdd, Float8, "Infinity", Float8, "1", "Infinity", Float8, ""},
		{OpSub, Float8, "Infinity", Float8, "Infinity", "NaN", Float8, ""},
		{OpDiv, Float8, "1", Float8, "0", "division by zero", Float8, sqlerr.DivisionByZero},
		{OpDiv, Float8, "1", Float8, "3", "0.3333333333333333", Float8, ""},
		{OpMul, Float4, "3e38", Float4, "10", "value out of range: overflow", Float4, sqlerr.NumericValueOutOfRange},
		{OpMod, Float8, "1", Float8, "1", "", Type{}, sqlerr.UndefinedFunction},
		{OpAdd, Decimal, "1.10", Decimal, "2.005", "3.105", Decimal, ""},
		{OpMul, Decimal, "1.10", Decimal, "2.5", "2.750", Decimal, ""},
		{OpSub, Decimal, "1.10", Decimal, "1.1", "0.00", Decimal, ""},
		{OpDiv, Decimal, "1", Decimal, "3", "0.33333333333333333333", Decimal, ""},
		{OpDiv, Decimal, "10", Decimal, "3", "3.3333333333333333", Decimal, ""},
		{OpDiv, Decimal, "2", Decimal, "3", "0.66666666666666666667", Decimal, ""},
		{OpDiv, Int4, "1", Decimal, "8", "0.12500000000000000000", Decimal, ""},
		{OpDiv, Decimal, "1.000000000000000000000000", Decimal, "3", "0.333333333333333333333333", Decimal, ""},
		{OpDiv, Decimal, "100000", Decimal, "3", "33333.333333333333", Decimal, ""},
		{OpDiv, Decimal, "1", Decimal, "0", "division by zero", Decimal, sqlerr.DivisionByZero},
		{OpDiv, Decimal, "NaN", Decimal, "0", "NaN", Decimal, ""},
		{OpMod, Decimal, "10.5", Decimal, "3", "1.5", Decimal, ""},
		{OpMod, Decimal, "-10.5", Decimal, "3", "-1.5", Decimal, ""},
		{OpMod, Decimal, "1", Decimal, "0", "division by zero", Decimal, sqlerr.DivisionByZero},
		{OpSub, Decimal, "Infinity", Decimal, "Infinity", "NaN", Decimal, ""},
		{OpAdd, Decimal, "Infinity", Decimal, "1", "Infinity", Decimal, ""},
		{OpPow, Int4, "2", Int4, "10", "1024", Float8, ""},
		{OpPow, Float8, "0", Float8, "-1", "zero raised to a negative power is undefined", Float8, sqlerr.Code("2201F")},
		{OpPow, Float8, "-8", Float8, "0.5", "a negative number raised to a non-integer power yields a complex result", Float8, sqlerr.Code("2201F")},
		{OpPow, Decimal, "2", Decimal, "3", "8.0000000000000000", Decimal, ""}, // PostgreSQL 15 prints this scale; 16+ prints 8
		{OpBitAnd, Int4, "12", Int4, "10", "8", Int4, ""},
		{OpBitOr, Int4, "12", Int2, "3", "15", Int4, ""},
		{OpBitXor, Int8, "12", Int8, "10", "6", Int8, ""},
		{OpShiftLeft, Int4, "1", Int4, "4", "16", Int4, ""},
		{OpShiftRight, Int8, "-16", Int4, "2", "-4", Int8, ""},
		{OpConcat, Text, "ab", Text, "cd", "abcd", Text, ""},
		{OpConcat, Char(4), "ab", Text, "cd", "abcd", Text, ""},
		{OpConcat, Text, "n=", Int4, "5", "n=5", Text, ""},
		{OpConcat, Int4, "5", Text, "!", "5!", Text, ""},
		{OpConcat, Bytea, `\x01`, Bytea, `\x02`, `\x0102`, Bytea, ""},
		{OpConcat, ArrayOf(Int4), "{1,2}", ArrayOf(Int4), "{3}", "{1,2,3}", ArrayOf(Int4), ""},
		{OpConcat, ArrayOf(Int4), "{1,2}", Int4, "3", "{1,2,3}", ArrayOf(Int4), ""},
		{OpConcat, Int4, "0", ArrayOf(Int4), "{1}", "{0,1}", ArrayOf(Int4), ""},
		{OpConcat, Int4, "0", Int4, "1", "", Type{}, sqlerr.UndefinedFunction},
		{OpAdd, Date, "2024-02-28", Int4, "2", "2024-03-01", Date, ""},
		{OpAdd, Int4, "1", Date, "2024-12-31", "2025-01-01", Date, ""},
		{OpSub, Date, "2024-03-01", Int4, "1", "2024-02-29", Date, ""},
		{OpSub, Date, "2024-03-01", Date, "2024-02-01", "29", Int4, ""},
		{OpAdd, Date, "5874897-12-31", Int4, "1", "date out of range", Date, sqlerr.DatetimeFieldOverflow},
		{OpAdd, Date, "2024-01-31", Interval, "1 mon", "2024-02-29 00:00:00", Timestamp, ""},
		{OpSub, Date, "2024-01-01", Interval, "1 hour", "2023-12-31 23:00:00", Timestamp, ""},
		{OpAdd, Date, "2024-01-01", Time, "10:00", "2024-01-01 10:00:00", Timestamp, ""},
		{OpAdd, Timestamp, "2024-01-31 10:00:00", Interval, "1 month 1 day 1 hour", "2024-03-01 11:00:00", Timestamp, ""},
		{OpAdd, Timestamp, "2023-03-31 00:00:00", Interval, "-1 month", "2023-02-28 00:00:00", Timestamp, ""},
		{OpSub, Timestamp, "2024-03-31 00:00:00", Interval, "1 year 1 month", "2023-02-28 00:00:00", Timestamp, ""},
		{OpAdd, TimestampTZ, "2024-01-01 00:00:00+00", Interval, "36 hours", "2024-01-02 12:00:00+00", TimestampTZ, ""},
		{OpAdd, Interval, "1 day", Timestamp, "2024-01-01", "2024-01-02 00:00:00", Timestamp, ""},
		{OpAdd, Timestamp, "infinity", Interval, "1 day", "infinity", Timestamp, ""},
		{OpSub, Timestamp, "2024-01-02 12:00:00", Timestamp, "2024-01-01 00:00:00", "1 day 12:00:00", Interval, ""},
		{OpSub, Timestamp, "2024-01-01 00:00:00", Timestamp, "2024-01-02 12:00:00", "-1 days -12:00:00", Interval, ""},
		{OpSub, Timestamp, "infinity", Timestamp, "2024-01-01", "cannot subtract infinite timestamps", Interval, sqlerr.DatetimeFieldOverflow},
		{OpSub, TimestampTZ, "2024-01-02 00:00:00+00", TimestampTZ, "2024-01-01 00:00:00+00", "1 day", Interval, ""},
		{OpSub, Time, "10:00", Time, "08:30", "01:30:00", Interval, ""},
		{OpAdd, Time, "23:00", Interval, "2 hours", "01:00:00", Time, ""},
		{OpAdd, Interval, "1 day 01:00:00", Interval, "1 mon -02:00:00", "1 mon 1 day -01:00:00", Interval, ""},
		{OpSub, Interval, "1 day", Interval, "1 hour", "1 day -01:00:00", Interval, ""},
		{OpMul, Interval, "1 day", Float8, "1.5", "1 day 12:00:00", Interval, ""},
		{OpMul, Interval, "1 mon", Float8, "1.5", "1 mon 15 days", Interval, ""},
		{OpMul, Int4, "3", Interval, "01:00:00", "03:00:00", Interval, ""},
		{OpDiv, Interval, "1 mon", Int4, "2", "15 days", Interval, ""},
		{OpDiv, Interval, "3 days", Float8, "2", "1 day 12:00:00", Interval, ""},
		{OpDiv, Interval, "1 day", Int4, "0", "division by zero", Interval, sqlerr.DivisionByZero},
		{OpEq, Int4, "1", Int8, "1", "t", Bool, ""},
		{OpEq, Int4, "1", Decimal, "1.0", "t", Bool, ""},
		{OpLt, Float8, "1.5", Decimal, "2", "t", Bool, ""},
		{OpEq, Char(5), "ab", Text, "ab", "t", Bool, ""},
		{OpEq, Date, "2024-01-01", Timestamp, "2024-01-01 00:00:00", "t", Bool, ""},
		{OpEq, Interval, "1 mon", Interval, "30 days", "t", Bool, ""},
		{OpEq, Interval, "1 day", Interval, "24 hours", "t", Bool, ""},
		{OpGt, Float8, "NaN", Float8, "Infinity", "t", Bool, ""},
		{OpEq, Float8, "NaN", Float8, "NaN", "t", Bool, ""},
		{OpEq, Float8, "0", Float8, "-0", "t", Bool, ""},
		{OpGt, Decimal, "NaN", Decimal, "Infinity", "t", Bool, ""},
		{OpLt, Text, "B", Text, "a", "t", Bool, ""}, // "C" collation
		{OpLt, ArrayOf(Int4), "{1,2}", ArrayOf(Int4), "{1,2,0}", "t", Bool, ""},
		{OpLt, ArrayOf(Int4), "{1,NULL}", ArrayOf(Int4), "{2}", "t", Bool, ""},
		{OpGt, ArrayOf(Int4), "{1,NULL}", ArrayOf(Int4), "{1,5}", "t", Bool, ""},
		{OpEq, Int4, "1", Text, "1", "", Type{}, sqlerr.UndefinedFunction},
		{OpAdd, Int4, "1", Text, "1", "", Type{}, sqlerr.UndefinedFunction},
		{OpAdd, Bool, "t", Bool, "t", "", Type{}, sqlerr.UndefinedFunction},
		// Untyped literals take the other side's type, or the one type that fits.
		{OpAdd, Int4, "1", Unknown, "2", "3", Int4, ""},
		{OpAdd, TimestampTZ, "2024-01-01 00:00:00+00", Unknown, "1 day", "2024-01-02 00:00:00+00", TimestampTZ, ""},
		{OpSub, Timestamp, "2024-01-02", Unknown, "2024-01-01", "1 day", Interval, ""},
		{OpEq, Unknown, "a", Unknown, "a", "t", Bool, ""},
		{OpConcat, Unknown, "a", Int4, "1", "a1", Text, ""},
		{OpAdd, Int4, "1", Unknown, "x", `invalid input syntax for type integer: "x"`, Int4, sqlerr.InvalidTextRepresentation},
	}
	for _, c := range cases {
		name := c.lt.String() + " " + c.l + " " + c.op.String() + " " + c.rt.String() + " " + c.r
		fn, rt, err := BinaryOpFunc(c.op, c.lt, c.rt)
		if err != nil {
			if c.code == "" || c.want != "" && fn != nil {
				t.Errorf("%s: resolve: %v", name, err)
			} else if c.want == "" {
				checkErr(t, name, err, c.code, "")
			} else {
				t.Errorf("%s: resolve: %v", name, err)
			}
			continue
		}
		if c.want == "" {
			t.Errorf("%s: resolved to %s, want no operator", name, rt)
			continue
		}
		if rt != c.result {
			t.Errorf("%s: result type %s, want %s", name, rt, c.result)
		}
		a, b := d(t, c.lt, c.l), d(t, c.rt, c.r)
		got, err := fn(a, b)
		if c.code != "" {
			checkErr(t, name, err, c.code, c.want)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if FormatText(got) != c.want {
			t.Errorf("%s = %s, want %s", name, FormatText(got), c.want)
		}
		if got.Kind() != rt.datumKind() {
			t.Errorf("%s: datum kind %s, result type %s", name, got.Kind(), rt)
		}
		// Operators are strict.
		if n, _ := fn(Null, b); !n.IsNull() {
			t.Errorf("%s: NULL operand gives %v", name, n)
		}
		if n, _ := fn(a, Null); !n.IsNull() {
			t.Errorf("%s: NULL operand gives %v", name, n)
		}
	}
}

func TestUnaryOps(t *testing.T) {
	cases := []struct {
		op   UnaryOp
		typ  Type
		in   string
		want string
		code sqlerr.Code
	}{
		{OpNeg, Int4, "5", "-5", ""},
		{OpNeg, Int4, "-2147483648", "integer out of range", sqlerr.NumericValueOutOfRange},
		{OpNeg, Int2, "-32768", "smallint out of range", sqlerr.NumericValueOutOfRange},
		{OpNeg, Int8, "-9223372036854775808", "bigint out of range", sqlerr.NumericValueOutOfRange},
		{OpNeg, Float8, "1.5", "-1.5", ""},
		{OpNeg, Decimal, "1.50", "-1.50", ""},
		{OpNeg, Decimal, "0", "0", ""},
		{OpNeg, Decimal, "NaN", "NaN", ""},
		{OpNeg, Interval, "1 day -01:00:00", "-1 days +01:00:00", ""},
		{OpPlus, Int4, "5", "5", ""},
		{OpBitNot, Int4, "5", "-6", ""},
		{OpNeg, Unknown, "2.5", "-2.5", ""},
	}
	for _, c := range cases {
		fn, rt, err := UnaryOpFunc(c.op, c.typ)
		if err != nil {
			t.Errorf("%v %s: %v", c.op, c.typ, err)
			continue
		}
		got, err := fn(d(t, c.typ, c.in))
		if c.code != "" {
			checkErr(t, c.in, err, c.code, c.want)
			continue
		}
		if err != nil || FormatText(got) != c.want || got.Kind() != rt.datumKind() {
			t.Errorf("op %d %s %s = %v (%s), %v; want %s", c.op, c.typ, c.in, got, rt, err, c.want)
		}
	}
	_, _, err := UnaryOpFunc(OpNeg, Text)
	checkErr(t, "-text", err, sqlerr.UndefinedFunction, "operator does not exist: - text")
	if r, _ := EvalUnary(OpNeg, Null); !r.IsNull() {
		t.Error("-NULL")
	}
}

func TestEvalBinary(t *testing.T) {
	r, err := EvalBinary(OpAdd, NewInt4(math.MaxInt32), NewInt8(1))
	if err != nil || r.Kind() != Int8Family || r.Int() != math.MaxInt32+1 {
		t.Errorf("%v %v", r, err)
	}
	if r, _ := EvalBinary(OpAdd, Null, NewInt4(1)); !r.IsNull() {
		t.Error("NULL + 1")
	}
	if r, _ := EvalBinary(OpAdd, Null, Null); !r.IsNull() {
		t.Error("NULL + NULL")
	}
}

func TestCasts(t *testing.T) {
	cases := []struct {
		from Type
		in   string
		to   Type
		ctx  CastContext
		want string // output or error message
		code sqlerr.Code
	}{
		{Int4, "5", Int8, CastImplicit, "5", ""},
		{Int8, "5", Int4, CastAssignment, "5", ""},
		{Int8, "3000000000", Int4, CastAssignment, "integer out of range", sqlerr.NumericValueOutOfRange},
		{Int4, "40000", Int2, CastAssignment, "smallint out of range", sqlerr.NumericValueOutOfRange},
		{Decimal, "2.5", Int4, CastAssignment, "3", ""},
		{Decimal, "-2.5", Int4, CastAssignment, "-3", ""},
		{Decimal, "2.4999", Int4, CastAssignment, "2", ""},
		{Decimal, "2147483647.5", Int4, CastAssignment, "integer out of range", sqlerr.NumericValueOutOfRange},
		{Decimal, "1e30", Int8, CastAssignment, "bigint out of range", sqlerr.NumericValueOutOfRange},
		{Decimal, "NaN", Int4, CastAssignment, "cannot convert NaN to integer", sqlerr.FeatureNotSupported},
		{Decimal, "Infinity", Int8, CastAssignment, "cannot convert infinity to bigint", sqlerr.FeatureNotSupported},
		{Float8, "2.5", Int4, CastAssignment, "2", ""}, // rint: half to even
		{Float8, "3.5", Int4, CastAssignment, "4", ""},
		{Float8, "-2.5", Int4, CastAssignment, "-2", ""},
		{Float8, "2147483647.4", Int4, CastAssignment, "2147483647", ""},
		{Float8, "2147483648", Int4, CastAssignment, "integer out of range", sqlerr.NumericValueOutOfRange},
		{Float8, "9223372036854775807", Int8, CastAssignment, "bigint out of range", sqlerr.NumericValueOutOfRange},
		{Float8, "-9223372036854775808", Int8, CastAssignment, "-9223372036854775808", ""},
		{Float8, "NaN", Int8, CastAssignment, "bigint out of range", sqlerr.NumericValueOutOfRange},
		{Float8, "0.1", Decimal, CastAssignment, "0.1", ""},
		{Float8, "0.30000000000000004", Decimal, CastAssignment, "0.3", ""},
		{Float8, "1e20", Decimal, CastAssignment, "100000000000000000000", ""},
		{Float8, "NaN", Decimal, CastAssignment, "NaN", ""},
		{Float8, "-Infinity", Decimal, CastAssignment, "-Infinity", ""},
		{Float4, "1.1", Float8, CastImplicit, "1.100000023841858", ""},
		{Float8, "1e300", Float4, CastAssignment, "value out of range: overflow", sqlerr.NumericValueOutOfRange},
		{Decimal, "1.5", Float8, CastImplicit, "1.5", ""},
		{Int4, "7", Decimal, CastImplicit, "7", ""},
		{Int8, "9007199254740993", Float8, CastImplicit, "9.007199254740992e+15", ""},
		{Decimal, "123.456", Numeric(5, 2), CastAssignment, "123.46", ""},
		{Decimal, "1234.5", Numeric(5, 2), CastExplicit, "numeric field overflow", sqlerr.NumericValueOutOfRange},
		{Int4, "5", Numeric(3, 1), CastAssignment, "5.0", ""},
		{Int4, "1", Bool, CastExplicit, "t", ""},
		{Int4, "0", Bool, CastExplicit, "f", ""},
		{Bool, "t", Int4, CastExplicit, "1", ""},
		{Text, "abcdef", Varchar(3), CastExplicit, "abc", ""},
		{Text, "abcdef", Varchar(3), CastAssignment, "value too long for type character varying(3)", sqlerr.StringDataRightTruncation},
		{Text, "abcdef", Varchar(3), CastImplicit, "value too long for type character varying(3)", sqlerr.StringDataRightTruncation},
		{Text, "ab   ", Varchar(3), CastAssignment, "ab ", ""},
		{Text, "héllo", Varchar(2), CastExplicit, "hé", ""},
		{Text, "ab", Char(4), CastAssignment, "ab  ", ""},
		{Text, "abcdef", Char(3), CastExplicit, "abc", ""},
		{Char(4), "ab", Text, CastImplicit, "ab", ""},
		{Char(4), "ab", Varchar(10), CastImplicit, "ab", ""},
		{Int4, "42", Text, CastAssignment, "42", ""},
		{Int4, "12345", Varchar(3), CastAssignment, "value too long for type character varying(3)", sqlerr.StringDataRightTruncation},
		{Float8, "1.5", Text, CastAssignment, "1.5", ""},
		{Bool, "t", Text, CastAssignment, "true", ""},
		{Date, "2024-01-02", Text, CastAssignment, "2024-01-02", ""},
		{Text, " 42 ", Int4, CastExplicit, "42", ""},
		{Text, "abc", Int4, CastExplicit, `invalid input syntax for type integer: "abc"`, sqlerr.InvalidTextRepresentation},
		{Text, "2024-01-02", Date, CastExplicit, "2024-01-02", ""},
		{Text, "1.5", Numeric(3, 0), CastExplicit, "2", ""},
		{Unknown, "42", Int4, CastImplicit, "42", ""},
		{Unknown, "{1,2}", ArrayOf(Int8), CastImplicit, "{1,2}", ""},
		{Unknown, "abcd", Varchar(2), CastImplicit, "value too long for type character varying(2)", sqlerr.StringDataRightTruncation},
		{Unknown, "1 day", Interval, CastImplicit, "1 day", ""},
		{Date, "2024-01-02", Timestamp, CastImplicit, "2024-01-02 00:00:00", ""},
		{Date, "2024-01-02", TimestampTZ, CastImplicit, "2024-01-02 00:00:00+00", ""},
		{Date, "infinity", Timestamp, CastImplicit, "infinity", ""},
		{Timestamp, "2024-01-02 10:11:12", TimestampTZ, CastImplicit, "2024-01-02 10:11:12+00", ""},
		{TimestampTZ, "2024-01-02 10:11:12+00", Timestamp, CastAssignment, "2024-01-02 10:11:12", ""},
		{Timestamp, "1969-12-31 10:11:12", Date, CastAssignment, "1969-12-31", ""},
		{Timestamp, "2024-01-02 10:11:12", Time, CastAssignment, "10:11:12", ""},
		{Timestamp, "2024-01-02 10:11:12.987654", Timestamp.WithPrecision(0), CastAssignment, "2024-01-02 10:11:13", ""},
		{Time, "10:11:12", Interval, CastImplicit, "10:11:12", ""},
		{Interval, "1 day 02:00:00", Time, CastAssignment, "02:00:00", ""},
		{ArrayOf(Int4), "{1,2}", ArrayOf(Int8), CastImplicit, "{1,2}", ""},
		{ArrayOf(Int8), "{1,3000000000}", ArrayOf(Int4), CastAssignment, "integer out of range", sqlerr.NumericValueOutOfRange},
		{ArrayOf(Text), "{ab,abcd}", ArrayOf(Varchar(3)), CastExplicit, "{ab,abc}", ""},
		{ArrayOf(Int4), "{1,NULL}", Text, CastAssignment, "{1,NULL}", ""},
		{Text, "{1,2}", ArrayOf(Int4), CastExplicit, "{1,2}", ""},
		{JSONB, "12.5", Decimal, CastExplicit, "12.5", ""},
		{JSONB, "12.5", Int4, CastExplicit, "13", ""},
		{JSONB, "true", Bool, CastExplicit, "t", ""},
		{JSONB, `"x"`, Int4, CastExplicit, "cannot cast jsonb string to type integer", sqlerr.InvalidParameterValue},
		{UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Text, CastAssignment, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ""},
		{Bytea, `\x41`, Text, CastAssignment, `\x41`, ""},
	}
	for _, c := range cases {
		name := c.from.String() + " " + c.in + " -> " + c.to.String() + " (" + c.ctx.String() + ")"
		fn, ok := CastFunc(c.from, c.to, c.ctx)
		if !ok {
			t.Errorf("%s: no cast", name)
			continue
		}
		got, err := fn(d(t, c.from, c.in))
		if c.code != "" {
			checkErr(t, name, err, c.code, c.want)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if FormatText(got) != c.want {
			t.Errorf("%s = %q, want %q", name, FormatText(got), c.want)
		}
		if n, _ := fn(Null); !n.IsNull() {
			t.Errorf("%s: NULL gives %v", name, n)
		}
	}
	// Contexts: what is not allowed.
	denied := []struct {
		from, to Type
		ctx      CastContext
	}{
		{Int8, Int4, CastImplicit},
		{Float8, Int4, CastImplicit},
		{Decimal, Int4, CastImplicit},
		{Float8, Decimal, CastImplicit},
		{Float8, Float4, CastImplicit},
		{Int4, Text, CastImplicit},
		{Text, Int4, CastAssignment},
		{Int4, Bool, CastAssignment},
		{Bool, Int4, CastAssignment},
		{Int8, Bool, CastExplicit},
		{TimestampTZ, Timestamp, CastImplicit},
		{Timestamp, Date, CastImplicit},
		{Date, Int4, CastExplicit},
		{UUID, Bytea, CastExplicit},
		{ArrayOf(Int8), ArrayOf(Int4), CastImplicit},
		{Int4, ArrayOf(Int4), CastExplicit},
		{JSONB, Int4, CastAssignment},
	}
	for _, c := range denied {
		if _, ok := CastFunc(c.from, c.to, c.ctx); ok {
			t.Errorf("%s -> %s allowed in %s context", c.from, c.to, c.ctx)
		}
	}
	_, err := Cast(NewInt4(1), Int4, Date, CastExplicit)
	checkErr(t, "int->date", err, sqlerr.Code("42846"), "cannot cast type integer to date")
}

func TestBoolToText(t *testing.T) {
	// PostgreSQL's bool -> text cast is booltext ('true'/'false'), unlike
	// boolout's 't'/'f'.
	for _, c := range []struct {
		d    Datum
		want string
	}{{DTrue, "true"}, {DFalse, "false"}} {
		got, err := Cast(c.d, Bool, Text, CastExplicit)
		if err != nil || got.Str() != c.want {
			t.Errorf("%v::text = %q, %v", c.d, got.Str(), err)
		}
	}
}
