package builtins

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Shorthands for argument datums.
func i4(v int32) types.Datum    { return types.NewInt4(v) }
func i8(v int64) types.Datum    { return types.NewInt8(v) }
func f8(v float64) types.Datum  { return types.NewFloat8(v) }
func u(s string) types.Datum    { return types.NewUnknown(s) }
func tx(s string) types.Datum   { return types.NewText(s) }
func null() types.Datum         { return types.Null }
func num(s string) types.Datum  { return typed(types.Decimal, s) }
func ts(s string) types.Datum   { return typed(types.Timestamp, s) }
func tstz(s string) types.Datum { return typed(types.TimestampTZ, s) }
func date(s string) types.Datum { return typed(types.Date, s) }
func ival(s string) types.Datum { return typed(types.Interval, s) }
func typed(t types.Type, s string) types.Datum {
	d, err := types.ParseText(t, s)
	if err != nil {
		panic(err)
	}
	return d
}

// typeOf is the argument type a datum stands for; NULL is unknown.
func typeOf(d types.Datum) types.Type {
	if d.IsNull() {
		return types.Unknown
	}
	return types.TypeOfDatum(d)
}

func castArgs(t *testing.T, f *Func, args []types.Datum) ([]types.Datum, error) {
	t.Helper()
	out := make([]types.Datum, len(args))
	for i, a := range args {
		if a.IsNull() {
			continue
		}
		var err error
		out[i], err = types.Cast(a, typeOf(a), f.ArgTypes[i], types.CastExplicit)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// call resolves name for the datums' types, casts, and calls.
func call(t *testing.T, name string, args ...types.Datum) (types.Datum, *Func, error) {
	t.Helper()
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = typeOf(a)
	}
	f, err := Lookup(name, ts)
	if err != nil {
		return types.Null, nil, err
	}
	cast, err := castArgs(t, f, args)
	if err != nil {
		return types.Null, f, err
	}
	if f.Strict {
		for _, a := range cast {
			if a.IsNull() {
				return types.Null, f, nil
			}
		}
	}
	d, err := f.Fn(cast)
	return d, f, err
}

type scalarCase struct {
	name string
	args []types.Datum
	want string // FormatText of the result, or "NULL"
	typ  string // result type; "" to skip the check
	err  string // "CODE: message" when an error is expected
}

func a(ds ...types.Datum) []types.Datum { return ds }

func runScalar(t *testing.T, cases []scalarCase) {
	t.Helper()
	for _, c := range cases {
		d, f, err := call(t, c.name, c.args...)
		label := c.name + "(" + argString(c.args) + ")"
		if c.err != "" {
			if err == nil {
				t.Errorf("%s = %s, want error %s", label, d, c.err)
				continue
			}
			if got := string(sqlerr.CodeOf(err)) + ": " + err.Error(); got != c.err {
				t.Errorf("%s error = %q, want %q", label, got, c.err)
			}
			var se *sqlerr.Error
			if !errors.As(err, &se) {
				t.Errorf("%s: error %T is not a *sqlerr.Error", label, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error %s: %v", label, sqlerr.CodeOf(err), err)
			continue
		}
		if got := d.String(); got != c.want {
			t.Errorf("%s = %q, want %q", label, got, c.want)
		}
		if c.typ != "" && f.Return.String() != c.typ {
			t.Errorf("%s returns %s, want %s", label, f.Return, c.typ)
		}
	}
}

func argString(args []types.Datum) string {
	var s []string
	for _, a := range args {
		s = append(s, a.String())
	}
	return strings.Join(s, ", ")
}

func TestMath(t *testing.T) {
	runScalar(t, []scalarCase{
		{"abs", a(i4(-5)), "5", "integer", ""},
		{"abs", a(i8(-5)), "5", "bigint", ""},
		{"abs", a(f8(-2.5)), "2.5", "double precision", ""},
		{"abs", a(num("-1.50")), "1.50", "numeric", ""},
		{"abs", a(i4(-2147483648)), "", "", "22003: integer out of range"},
		{"abs", a(null()), "NULL", "", ""},
		{"abs", a(u("-3")), "3", "double precision", ""},
		{"ceil", a(f8(1.2)), "2", "double precision", ""},
		{"ceil", a(i4(1)), "1", "double precision", ""},
		{"ceiling", a(num("-1.5")), "-1", "numeric", ""},
		{"floor", a(num("-1.5")), "-2", "numeric", ""},
		{"floor", a(f8(1.7)), "1", "", ""},
		{"round", a(f8(2.5)), "2", "double precision", ""},
		{"round", a(num("2.5")), "3", "numeric", ""},
		{"round", a(num("-2.5")), "-3", "numeric", ""},
		{"round", a(i4(1), i4(2)), "1.00", "numeric", ""},
		{"round", a(num("1234.567"), i4(-2)), "1200", "numeric", ""},
		{"round", a(num("1.235"), i4(2)), "1.24", "numeric", ""},
		{"round", a(f8(42.4382), i4(2)), "", "", "42883: function round(double precision, integer) does not exist"},
		{"round", a(num("42.4382"), i4(2)), "42.44", "numeric", ""},
		{"trunc", a(num("1.239"), i4(2)), "1.23", "numeric", ""},
		{"trunc", a(f8(-1.7)), "-1", "double precision", ""},
		{"sign", a(f8(-3)), "-1", "double precision", ""},
		{"sign", a(num("0.0")), "0", "numeric", ""},
		{"sqrt", a(f8(16)), "4", "double precision", ""},
		{"sqrt", a(num("2")), "1.414213562373095", "numeric", ""},
		{"sqrt", a(num("16")), "4.000000000000000", "numeric", ""},
		{"sqrt", a(f8(-1)), "", "", "2201F: cannot take square root of a negative number"},
		{"sqrt", a(num("-1")), "", "", "2201F: cannot take square root of a negative number"},
		{"cbrt", a(f8(27)), "3", "double precision", ""},
		{"power", a(i4(2), i4(10)), "1024", "double precision", ""},
		{"pow", a(num("2"), num("3")), "8.0000000000000000", "numeric", ""},
		{"power", a(f8(0), f8(-1)), "", "", "2201F: zero raised to a negative power is undefined"},
		{"exp", a(f8(0)), "1", "double precision", ""},
		{"exp", a(num("1")), "2.7182818284590452", "numeric", ""},
		{"exp", a(f8(1000)), "", "", "22003: value out of range: overflow"},
		{"ln", a(num("2")), "0.6931471805599453", "numeric", ""},
		{"ln", a(f8(0)), "", "", "2201E: cannot take logarithm of zero"},
		{"ln", a(f8(-1)), "", "", "2201E: cannot take logarithm of a negative number"},
		{"ln", a(num("0")), "", "", "2201E: cannot take logarithm of zero"},
		{"log", a(f8(100)), "2", "double precision", ""},
		{"log", a(num("100")), "2.0000000000000000", "numeric", ""},
		{"log", a(i4(2), i4(8)), "3.0000000000000000", "numeric", ""},
		{"log", a(num("-5")), "", "", "2201E: cannot take logarithm of a negative number"},
		{"log", a(num("1"), num("8")), "", "", "22012: division by zero"},
		{"log10", a(f8(1000)), "3", "double precision", ""},
		{"mod", a(i4(7), i4(3)), "1", "integer", ""},
		{"mod", a(i4(-7), i4(3)), "-1", "integer", ""},
		{"mod", a(num("7.5"), num("2")), "1.5", "numeric", ""},
		{"mod", a(i4(1), i4(0)), "", "", "22012: division by zero"},
		{"div", a(num("9"), num("4")), "2", "numeric", ""},
		{"div", a(num("-9"), num("4")), "-2", "numeric", ""},
		{"div", a(num("1"), num("0")), "", "", "22012: division by zero"},
		{"gcd", a(i4(12), i4(18)), "6", "integer", ""},
		{"lcm", a(i4(4), i4(6)), "12", "integer", ""},
		{"pi", nil, "3.141592653589793", "double precision", ""},
		{"degrees", a(f8(3.141592653589793)), "180", "double precision", ""},
		{"radians", a(f8(180)), "3.141592653589793", "double precision", ""},
		{"sin", a(f8(0)), "0", "double precision", ""},
		{"cos", a(f8(0)), "1", "double precision", ""},
		{"tan", a(f8(0)), "0", "", ""},
		{"asin", a(f8(1)), "1.5707963267948966", "", ""},
		{"acos", a(f8(2)), "", "", "22003: input is out of range"},
		{"atan", a(f8(1)), "0.7853981633974483", "", ""},
		{"atan2", a(f8(1), f8(1)), "0.7853981633974483", "", ""},
	})
	d, f, err := call(t, "random")
	if err != nil || !f.Volatile || d.Float() < 0 || d.Float() >= 1 {
		t.Errorf("random() = %v, %v, volatile %v", d, err, f != nil && f.Volatile)
	}
}

func TestStrings(t *testing.T) {
	runScalar(t, []scalarCase{
		{"length", a(u("héllo")), "5", "integer", ""},
		{"char_length", a(tx("abc")), "3", "integer", ""},
		{"character_length", a(tx("")), "0", "integer", ""},
		{"length", a(typed(types.Char(5), "ab")), "2", "integer", ""},
		{"length", a(null()), "NULL", "integer", ""},
		{"octet_length", a(tx("héllo")), "6", "integer", ""},
		{"lower", a(tx("AbC")), "abc", "text", ""},
		{"upper", a(u("abc")), "ABC", "text", ""},
		{"initcap", a(tx("hi THOMAS o'neil x2y")), "Hi Thomas O'Neil X2y", "text", ""},
		{"substr", a(tx("alphabet"), i4(3)), "phabet", "text", ""},
		{"substr", a(tx("alphabet"), i4(3), i4(2)), "ph", "text", ""},
		{"substring", a(tx("alphabet"), i4(0), i4(3)), "al", "text", ""},
		{"substring", a(tx("alphabet"), i4(-5), i4(3)), "", "text", ""},
		{"substring", a(tx("alphabet"), i4(10)), "", "text", ""},
		{"substr", a(tx("abc"), i4(1), i4(-1)), "", "", "22011: negative substring length not allowed"},
		{"substring", a(tx("foobar"), u("o.b")), "oob", "text", ""},
		{"substring", a(tx("foobar"), u("o(.)b")), "o", "text", ""},
		{"substring", a(tx("foobar"), u("x")), "NULL", "text", ""},
		{"strpos", a(tx("high"), tx("ig")), "2", "integer", ""},
		{"position", a(u("om"), u("Thomas")), "3", "integer", ""},
		{"position", a(u("x"), u("Thomas")), "0", "integer", ""},
		{"btrim", a(tx("  x  ")), "x", "text", ""},
		{"btrim", a(tx("xyxtrimyyx"), tx("xyz")), "trim", "text", ""},
		{"ltrim", a(tx("zzzytest"), u("xyz")), "test", "text", ""},
		{"rtrim", a(tx("testxxzx"), u("xyz")), "test", "text", ""},
		{"rtrim", a(u("  a  ")), "  a", "text", ""},
		{"lpad", a(tx("hi"), i4(5), tx("xy")), "xyxhi", "text", ""},
		{"lpad", a(tx("hello"), i4(2)), "he", "text", ""},
		{"rpad", a(tx("hi"), i4(5), tx("xy")), "hixyx", "text", ""},
		{"rpad", a(tx("hi"), i4(4)), "hi  ", "text", ""},
		{"lpad", a(tx("hi"), i4(-1)), "", "text", ""},
		{"replace", a(tx("abcdefabcdef"), u("cd"), u("XX")), "abXXefabXXef", "text", ""},
		{"repeat", a(tx("Pg"), i4(4)), "PgPgPgPg", "text", ""},
		{"repeat", a(tx("Pg"), i4(-1)), "", "text", ""},
		{"reverse", a(tx("abcé")), "écba", "text", ""},
		{"left", a(tx("abcde"), i4(2)), "ab", "text", ""},
		{"left", a(tx("abcde"), i4(-2)), "abc", "text", ""},
		{"right", a(tx("abcde"), i4(2)), "de", "text", ""},
		{"right", a(tx("abcde"), i4(-2)), "cde", "text", ""},
		{"split_part", a(tx("abc~@~def~@~ghi"), u("~@~"), i4(2)), "def", "text", ""},
		{"split_part", a(tx("abc,def,ghi,jkl"), u(","), i4(-2)), "ghi", "text", ""},
		{"split_part", a(tx("abc"), u(","), i4(5)), "", "text", ""},
		{"split_part", a(tx("abc"), u(","), i4(0)), "", "", "22023: field position must not be zero"},
		{"concat", a(u("abcde"), i4(2), null(), i4(22)), "abcde222", "text", ""},
		{"concat", a(null()), "", "text", ""},
		{"concat_ws", a(u(","), u("abcde"), i4(2), null(), i4(22)), "abcde,2,22", "text", ""},
		{"concat_ws", a(null(), u("a")), "NULL", "text", ""},
		{"format", a(u("Hello %s, %1$s"), u("World")), "Hello World, World", "text", ""},
		{"format", a(u("INSERT INTO %I VALUES(%L)"), u("Foo bar"), u("O'Reilly")), `INSERT INTO "Foo bar" VALUES('O''Reilly')`, "text", ""},
		{"format", a(u("%I.%I"), u("public"), u("select")), `public."select"`, "text", ""},
		{"format", a(u("%L, %s"), null(), null()), "NULL, ", "text", ""},
		{"format", a(u("100%%")), "100%", "text", ""},
		{"format", a(u("|%5s|%-5s|"), i4(1), i4(2)), "|    1|2    |", "text", ""},
		{"format", a(u("%s %s"), u("a")), "", "", "22023: too few arguments for format()"},
		{"format", a(u("%x"), u("a")), "", "", `22023: unrecognized format() type specifier "x"`},
		{"format", a(u("%I"), null()), "", "", "22004: null values cannot be formatted as an SQL identifier"},
		{"format", a(null(), u("a")), "NULL", "text", ""},
		{"md5", a(tx("abc")), "900150983cd24fb0d6963f7d28e17f72", "text", ""},
		{"chr", a(i4(65)), "A", "text", ""},
		{"chr", a(i4(0)), "", "", "54000: null character not permitted"},
		{"chr", a(i4(-1)), "", "", "54000: character number must be positive"},
		{"ascii", a(tx("x")), "120", "integer", ""},
		{"ascii", a(tx("")), "0", "integer", ""},
		{"starts_with", a(tx("alphabet"), u("alph")), "t", "boolean", ""},
		{"starts_with", a(tx("alphabet"), u("b")), "f", "boolean", ""},
		{"regexp_replace", a(tx("Thomas"), u(".[mN]a."), u("M")), "ThM", "text", ""},
		{"regexp_replace", a(tx("foobarbaz"), u("b(..)"), u(`X\1Y`), u("g")), "fooXarYXazY", "text", ""},
		{"regexp_replace", a(tx("ABab"), u("a"), u("x"), u("gi")), "xBxb", "text", ""},
		{"regexp_replace", a(tx("abc"), u("b"), u(`[\&]`)), "a[b]c", "text", ""},
		{"regexp_replace", a(tx("abc"), u("("), u("x")), "", "", "2201B: invalid regular expression: missing closing )"},
		{"regexp_replace", a(tx("abc"), u("b"), u("x"), u("z")), "", "", `22023: invalid regular expression option: "z"`},
		{"regexp_match", a(tx("foobarbequebaz"), u("bar.*que")), "{barbeque}", "text[]", ""},
		{"regexp_match", a(tx("foobarbequebaz"), u("(bar)(beque)")), "{bar,beque}", "text[]", ""},
		{"regexp_match", a(tx("abc"), u("x")), "NULL", "text[]", ""},
		{"regexp_match", a(tx("abc"), u("b"), u("g")), "", "", `22023: regexp_match() does not support the "global" option`},
		{"to_hex", a(i4(2147483647)), "7fffffff", "text", ""},
		{"to_hex", a(i4(-1)), "ffffffff", "text", ""},
		{"to_hex", a(i8(-1)), "ffffffffffffffff", "text", ""},
		{"quote_ident", a(tx("Foo bar")), `"Foo bar"`, "text", ""},
		{"quote_ident", a(tx("foo")), "foo", "text", ""},
		{"quote_ident", a(tx("select")), `"select"`, "text", ""},
		{"quote_literal", a(tx("O'Reilly")), "'O''Reilly'", "text", ""},
		{"quote_literal", a(tx(`a\b`)), `E'a\\b'`, "text", ""},
		{"quote_literal", a(null()), "NULL", "text", ""},
		{"quote_nullable", a(null()), "NULL", "text", ""},
		{"string_to_array", a(u("xx~^~yy~^~zz"), u("~^~"), u("yy")), "{xx,NULL,zz}", "text[]", ""},
		{"string_to_array", a(u("abc"), null()), "{a,b,c}", "text[]", ""},
		{"string_to_array", a(u(""), u(",")), "{}", "text[]", ""},
		{"string_to_array", a(null(), u(",")), "NULL", "text[]", ""},
		{"array_to_string", a(typed(types.ArrayOf(types.Int4), "{1,2,3,NULL,5}"), u(","), u("*")), "1,2,3,*,5", "text", ""},
		{"array_to_string", a(typed(types.ArrayOf(types.Int4), "{1,2,3,NULL,5}"), u(",")), "1,2,3,5", "text", ""},
		{"array_length", a(typed(types.ArrayOf(types.Int4), "{1,2,3}"), i4(1)), "3", "integer", ""},
		{"cardinality", a(typed(types.ArrayOf(types.Text), "{a,b}")), "2", "integer", ""},
		{"translate", a(tx("12345"), u("143"), u("ax")), "a2x5", "text", ""},
	})
}

func TestDateTime(t *testing.T) {
	runScalar(t, []scalarCase{
		{"date_trunc", a(u("hour"), ts("2001-02-16 20:38:40")), "2001-02-16 20:00:00", "timestamp without time zone", ""},
		{"date_trunc", a(u("year"), ts("2001-02-16 20:38:40")), "2001-01-01 00:00:00", "", ""},
		{"date_trunc", a(u("week"), ts("2023-03-09 10:00:00")), "2023-03-06 00:00:00", "", ""},
		{"date_trunc", a(u("quarter"), ts("2023-08-09 10:00:00")), "2023-07-01 00:00:00", "", ""},
		{"date_trunc", a(u("century"), ts("2001-02-16 20:38:40")), "2001-01-01 00:00:00", "", ""},
		{"date_trunc", a(u("millennium"), ts("2000-02-16 20:38:40")), "1001-01-01 00:00:00", "", ""},
		{"date_trunc", a(u("milliseconds"), ts("2001-02-16 20:38:40.123456")), "2001-02-16 20:38:40.123", "", ""},
		{"date_trunc", a(u("day"), tstz("2001-02-16 20:38:40+00")), "2001-02-16 00:00:00+00", "timestamp with time zone", ""},
		{"date_trunc", a(u("hour"), ival("3 days 02:47:33")), "3 days 02:00:00", "interval", ""},
		{"date_trunc", a(u("DAY"), date("2001-02-16")), "2001-02-16 00:00:00+00", "timestamp with time zone", ""},
		{"date_trunc", a(u("fortnight"), ts("2001-02-16 20:38:40")), "", "", `22023: unit "fortnight" not recognized for type timestamp without time zone`},
		{"date_trunc", a(u("dow"), ts("2001-02-16 20:38:40")), "", "", `0A000: unit "dow" not supported for type timestamp without time zone`},
		{"extract", a(u("second"), ts("2001-02-16 20:38:40.5")), "40.500000", "numeric", ""},
		{"extract", a(u("year"), ts("2001-02-16 20:38:40")), "2001", "numeric", ""},
		{"extract", a(u("month"), ts("2001-02-16 20:38:40")), "2", "", ""},
		{"extract", a(u("day"), date("2001-02-16")), "16", "numeric", ""},
		{"extract", a(u("dow"), ts("2001-02-16 20:38:40")), "5", "", ""},
		{"extract", a(u("isodow"), ts("2001-02-18 20:38:40")), "7", "", ""},
		{"extract", a(u("doy"), ts("2001-02-16 20:38:40")), "47", "", ""},
		{"extract", a(u("week"), ts("2001-02-16 20:38:40")), "7", "", ""},
		{"extract", a(u("quarter"), ts("2001-02-16 20:38:40")), "1", "", ""},
		{"extract", a(u("century"), ts("2000-12-16 12:21:13")), "20", "", ""},
		{"extract", a(u("decade"), ts("2001-02-16 20:38:40")), "200", "", ""},
		{"extract", a(u("millennium"), ts("2001-02-16 20:38:40")), "3", "", ""},
		{"extract", a(u("milliseconds"), ts("2001-02-16 20:38:40.5")), "40500.000", "", ""},
		{"extract", a(u("microseconds"), ts("2001-02-16 20:38:40.5")), "40500000", "", ""},
		{"extract", a(u("epoch"), tstz("2001-02-16 20:38:40.12+00")), "982355920.120000", "", ""},
		{"extract", a(u("epoch"), date("2001-02-16")), "982281600", "", ""},
		{"extract", a(u("hour"), date("2001-02-16")), "", "", `0A000: unit "hour" not supported for type date`},
		{"extract", a(u("epoch"), ival("5 days 3 hours")), "442800.000000", "", ""},
		{"extract", a(u("epoch"), ival("1 year")), "31557600.000000", "", ""},
		{"extract", a(u("month"), ival("2 years 3 months")), "3", "", ""},
		{"extract", a(u("hour"), typed(types.Time, "13:45:30")), "13", "", ""},
		{"extract", a(u("timezone"), ts("2001-02-16 20:38:40")), "", "", `0A000: unit "timezone" not supported for type timestamp without time zone`},
		{"extract", a(u("foo"), ts("2001-02-16 20:38:40")), "", "", `22023: unit "foo" not recognized for type timestamp without time zone`},
		{"date_part", a(u("hour"), ts("2001-02-16 20:38:40")), "20", "double precision", ""},
		{"date_part", a(u("second"), ts("2001-02-16 20:38:40.5")), "40.5", "double precision", ""},
		{"age", a(ts("2001-04-10"), ts("1957-06-13")), "43 years 9 mons 27 days", "interval", ""},
		{"age", a(ts("1957-06-13"), ts("2001-04-10")), "-43 years -9 mons -27 days", "interval", ""},
		{"age", a(ts("2001-03-01 00:00:00"), ts("2001-02-28 12:00:00")), "12:00:00", "interval", ""},
		{"make_date", a(i4(2013), i4(7), i4(15)), "2013-07-15", "date", ""},
		{"make_date", a(i4(2013), i4(2), i4(30)), "", "", "22008: date field value out of range: 2013-02-30"},
		{"make_timestamp", a(i4(2013), i4(7), i4(15), i4(8), i4(15), f8(23.5)), "2013-07-15 08:15:23.5", "timestamp without time zone", ""},
		{"make_timestamp", a(i4(2013), i4(7), i4(15), i4(25), i4(15), f8(0)), "", "", "22008: time field value out of range: 25:15:00"},
		{"make_timestamp", a(i4(2013), i4(7), i4(15), i4(25), i4(15), f8(5.5)), "", "", "22008: time field value out of range: 25:15:5.5"},
		{"make_time", a(i4(24), i4(0), f8(0)), "24:00:00", "time without time zone", ""},
		{"make_time", a(i4(1), i4(2), f8(3.456789)), "01:02:03.456789", "", ""},
		{"make_time", a(i4(1), i4(60), f8(0)), "", "", "22008: time field value out of range: 1:60:00"},
		{"make_time", a(i4(1), i4(2), f8(-1)), "", "", "22008: time field value out of range: 1:02:-1"},
		{"isfinite", a(typed(types.TimestampTZ, "infinity")), "f", "boolean", ""},
		{"isfinite", a(typed(types.Interval, "1 day")), "t", "boolean", ""},
		{"overlaps", a(ts("2024-01-01"), ts("2024-01-02"), ts("2024-01-02"), ts("2024-01-03")), "f", "boolean", ""},
		{"overlaps", a(ts("2024-01-02"), ts("2024-01-01"), ts("2024-01-01"), types.Null), "NULL", "", ""},
		{"overlaps", a(ts("2024-01-01"), ts("2024-01-10"), ts("2024-01-05"), types.Null), "t", "", ""},
		{"overlaps", a(ts("2024-01-01"), typed(types.Interval, "1 month"), ts("2024-01-15"), ts("2024-03-01")), "t", "", ""},
		{"to_timestamp", a(f8(1284352323)), "2010-09-13 04:32:03+00", "timestamp with time zone", ""},
		{"to_timestamp", a(f8(1284352323.5)), "2010-09-13 04:32:03.5+00", "", ""},
		{"to_char", a(ts("2002-04-20 17:31:12.66"), u("YYYY-MM-DD HH24:MI:SS.MS")), "2002-04-20 17:31:12.660", "text", ""},
		{"to_char", a(ts("2002-04-20 17:31:12"), u("Day, DD Mon YYYY HH12:MI AM")), "Saturday , 20 Apr 2002 05:31 PM", "text", ""},
		{"to_char", a(ts("2002-04-20 17:31:12"), u("FMDay FMMonth \"the\" FMDD")), "Saturday April the 20", "text", ""},
		{"isfinite", a(ts("infinity")), "f", "boolean", ""},
	})
	ctx := &EvalContext{TxnTime: mustTime("2020-05-01T10:00:00Z")}
	f, err := Lookup("now", nil)
	if err != nil || f.CtxFn == nil || !f.Volatile || f.Return != types.TimestampTZ {
		t.Fatalf("now(): %+v, %v", f, err)
	}
	d, _ := f.CtxFn(ctx, nil)
	if d.String() != "2020-05-01 10:00:00+00" {
		t.Errorf("now() = %s", d)
	}
	f, _ = Lookup("age", []types.Type{types.Timestamp})
	d, _ = f.CtxFn(ctx, []types.Datum{ts("2019-04-01 00:00:00")})
	if d.String() != "1 year 1 mon" {
		t.Errorf("age(ts) = %s", d)
	}
	if d, _ := f.Fn([]types.Datum{types.Null}); !d.IsNull() {
		t.Errorf("age(NULL) = %s", d)
	}
}

func TestMisc(t *testing.T) {
	runScalar(t, []scalarCase{
		{"pg_typeof", a(i4(1)), "integer", "text", ""},
		{"pg_typeof", a(u("x")), "unknown", "text", ""},
		{"pg_typeof", a(num("1.5")), "numeric", "text", ""},
		{"version", nil, Version, "text", ""},
		{"current_database", nil, "cairn", "text", ""},
		{"current_user", nil, "cairn", "text", ""},
	})
	d, f, err := call(t, "gen_random_uuid")
	if err != nil || !f.Volatile || f.Return != types.UUID {
		t.Fatalf("gen_random_uuid: %v %v", f, err)
	}
	s := d.String()
	if len(s) != 36 || s[14] != '4' {
		t.Errorf("gen_random_uuid() = %s", s)
	}
	f, _ = Lookup("current_user", nil)
	if d, _ := f.CtxFn(&EvalContext{User: "alice"}, nil); d.String() != "alice" {
		t.Errorf("current_user = %s", d)
	}
}

func mustTime(s string) (tm timeT) {
	tm, err := parseTime(s)
	if err != nil {
		panic(err)
	}
	return tm
}

type timeT = time.Time

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }
