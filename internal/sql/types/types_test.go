package types

import (
	"errors"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func mustType(t *testing.T, name string, mods ...int) Type {
	t.Helper()
	typ, err := TypeFromName(name, mods, 0)
	if err != nil {
		t.Fatalf("TypeFromName(%q): %v", name, err)
	}
	return typ
}

func mustParse(t *testing.T, typ Type, s string) Datum {
	t.Helper()
	d, err := ParseText(typ, s)
	if err != nil {
		t.Fatalf("ParseText(%s, %q): %v", typ, s, err)
	}
	return d
}

// checkErr asserts err is a *sqlerr.Error with code and, if msg is not
// empty, that message.
func checkErr(t *testing.T, what string, err error, code sqlerr.Code, msg string) {
	t.Helper()
	var e *sqlerr.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: err = %v, want %s %q", what, err, code, msg)
		return
	}
	if e.Code != code || msg != "" && e.Message != msg {
		t.Errorf("%s: got %s %q, want %s %q", what, e.Code, e.Message, code, msg)
	}
}

func TestTypeFromName(t *testing.T) {
	cases := []struct {
		name   string
		mods   []int
		dims   int
		want   string
		oid    uint32
		family Family
	}{
		{"int", nil, 0, "integer", 23, Int4Family},
		{"int4", nil, 0, "integer", 23, Int4Family},
		{"integer", nil, 0, "integer", 23, Int4Family},
		{"int2", nil, 0, "smallint", 21, Int2Family},
		{"smallint", nil, 0, "smallint", 21, Int2Family},
		{"int8", nil, 0, "bigint", 20, Int8Family},
		{"bigint", nil, 0, "bigint", 20, Int8Family},
		{"float", nil, 0, "double precision", 701, Float8Family},
		{"float", []int{10}, 0, "real", 700, Float4Family},
		{"float", []int{30}, 0, "double precision", 701, Float8Family},
		{"float8", nil, 0, "double precision", 701, Float8Family},
		{"double precision", nil, 0, "double precision", 701, Float8Family},
		{"real", nil, 0, "real", 700, Float4Family},
		{"float4", nil, 0, "real", 700, Float4Family},
		{"decimal", nil, 0, "numeric", 1700, NumericFamily},
		{"numeric", []int{10, 2}, 0, "numeric(10,2)", 1700, NumericFamily},
		{"numeric", []int{10}, 0, "numeric(10,0)", 1700, NumericFamily},
		{"varchar", []int{10}, 0, "character varying(10)", 1043, VarcharFamily},
		{"character varying", nil, 0, "character varying", 1043, VarcharFamily},
		{"char", nil, 0, "character(1)", 1042, CharFamily},
		{"character", []int{5}, 0, "character(5)", 1042, CharFamily},
		{"bpchar", nil, 0, "bpchar", 1042, CharFamily},
		{"text", nil, 0, "text", 25, TextFamily},
		{"bool", nil, 0, "boolean", 16, BoolFamily},
		{"boolean", nil, 0, "boolean", 16, BoolFamily},
		{"bytea", nil, 0, "bytea", 17, ByteaFamily},
		{"date", nil, 0, "date", 1082, DateFamily},
		{"time", nil, 0, "time without time zone", 1083, TimeFamily},
		{"timestamp", nil, 0, "timestamp without time zone", 1114, TimestampFamily},
		{"timestamp", []int{3}, 0, "timestamp(3) without time zone", 1114, TimestampFamily},
		{"timestamp without time zone", nil, 0, "timestamp without time zone", 1114, TimestampFamily},
		{"timestamptz", nil, 0, "timestamp with time zone", 1184, TimestampTZFamily},
		{"timestamp with time zone", nil, 0, "timestamp with time zone", 1184, TimestampTZFamily},
		{"interval", nil, 0, "interval", 1186, IntervalFamily},
		{"uuid", nil, 0, "uuid", 2950, UUIDFamily},
		{"jsonb", nil, 0, "jsonb", 3802, JSONBFamily},
		{"json", nil, 0, "jsonb", 3802, JSONBFamily},
		{"int", nil, 1, "integer[]", 1007, ArrayFamily},
		{"int8", nil, 1, "bigint[]", 1016, ArrayFamily},
		{"text", nil, 2, "text[]", 1009, ArrayFamily},
		{"_int4", nil, 0, "integer[]", 1007, ArrayFamily},
		{"varchar", []int{3}, 1, "character varying(3)[]", 1015, ArrayFamily},
		{"bool", nil, 1, "boolean[]", 1000, ArrayFamily},
		{"float8", nil, 1, "double precision[]", 1022, ArrayFamily},
		{"numeric", nil, 1, "numeric[]", 1231, ArrayFamily},
		{"uuid", nil, 1, "uuid[]", 2951, ArrayFamily},
		{"jsonb", nil, 1, "jsonb[]", 3807, ArrayFamily},
		{"timestamptz", nil, 1, "timestamp with time zone[]", 1185, ArrayFamily},
	}
	for _, c := range cases {
		typ, err := TypeFromName(c.name, c.mods, c.dims)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if typ.String() != c.want || typ.OID() != c.oid || typ.Family() != c.family {
			t.Errorf("%s%v[%d] = %q oid %d %s, want %q %d %s", c.name, c.mods, c.dims, typ, typ.OID(), typ.Family(), c.want, c.oid, c.family)
		}
		back, ok := TypeFromOID(c.oid)
		if !ok || !Equivalent(back, typ) {
			t.Errorf("TypeFromOID(%d) = %v, %v", c.oid, back, ok)
		}
	}
	errs := []struct {
		name string
		mods []int
		code sqlerr.Code
		msg  string
	}{
		{"nosuch", nil, sqlerr.UndefinedObject, `type "nosuch" does not exist`},
		{"serial", nil, sqlerr.UndefinedObject, `type "serial" does not exist`},
		{"varchar", []int{0}, sqlerr.InvalidParameterValue, "length for type varchar must be at least 1"},
		{"numeric", []int{0}, sqlerr.InvalidParameterValue, ""},
		{"numeric", []int{5, 6}, sqlerr.InvalidParameterValue, ""},
		{"int", []int{5}, sqlerr.SyntaxError, ""},
		{"float", []int{60}, sqlerr.InvalidParameterValue, "precision for type float must be less than 54 bits"},
	}
	for _, c := range errs {
		_, err := TypeFromName(c.name, c.mods, 0)
		checkErr(t, c.name, err, c.code, c.msg)
	}
	if Int4 != mustType(t, "integer") || Varchar(10) != mustType(t, "varchar", 10) || Varchar(10) == Varchar(11) {
		t.Error("Type identity")
	}
	if !ArrayOf(Int4).IsArray() || ArrayOf(Int4).Elem() != Int4 || ArrayOf(ArrayOf(Int4)) != ArrayOf(Int4) {
		t.Error("array types")
	}
}

// TestTextRoundTrip parses text and checks PostgreSQL's output form.
func TestTextIO(t *testing.T) {
	cases := []struct {
		typ     string
		mods    []int
		in, out string
	}{
		{"bool", nil, "t", "t"},
		{"bool", nil, " TRUE ", "t"},
		{"bool", nil, "yes", "t"},
		{"bool", nil, "y", "t"},
		{"bool", nil, "on", "t"},
		{"bool", nil, "1", "t"},
		{"bool", nil, "f", "f"},
		{"bool", nil, "False", "f"},
		{"bool", nil, "no", "f"},
		{"bool", nil, "off", "f"},
		{"bool", nil, "of", "f"},
		{"bool", nil, "0", "f"},
		{"int", nil, "42", "42"},
		{"int", nil, "  -17  ", "-17"},
		{"int", nil, "+5", "5"},
		{"int", nil, "2147483647", "2147483647"},
		{"int", nil, "-2147483648", "-2147483648"},
		{"int2", nil, "-32768", "-32768"},
		{"int8", nil, "-9223372036854775808", "-9223372036854775808"},
		{"int8", nil, "9223372036854775807", "9223372036854775807"},
		{"float8", nil, "1.5", "1.5"},
		{"float8", nil, "0.1", "0.1"},
		{"float8", nil, "1e20", "1e+20"},
		{"float8", nil, "1e15", "1e+15"},
		{"float8", nil, "1e14", "100000000000000"},
		{"float8", nil, "123456789012345678", "1.2345678901234568e+17"},
		{"float8", nil, "0.0001", "0.0001"},
		{"float8", nil, "0.00001", "1e-05"},
		{"float8", nil, "-0", "-0"},
		{"float8", nil, "NaN", "NaN"},
		{"float8", nil, "nan", "NaN"},
		{"float8", nil, "Infinity", "Infinity"},
		{"float8", nil, "-Infinity", "-Infinity"},
		{"float8", nil, "inf", "Infinity"},
		{"float8", nil, " 3.14159 ", "3.14159"},
		{"float8", nil, "1.7976931348623157e308", "1.7976931348623157e+308"},
		{"float4", nil, "1.1", "1.1"},
		{"float4", nil, "123456", "123456"},
		{"float4", nil, "1234567", "1.234567e+06"},
		{"float4", nil, "1e6", "1e+06"},
		{"numeric", nil, "1.50", "1.50"},
		{"numeric", nil, "  -0.001 ", "-0.001"},
		{"numeric", nil, "1e3", "1000"},
		{"numeric", nil, "1.5e-3", "0.0015"},
		{"numeric", nil, "-0", "0"},
		{"numeric", nil, ".5", "0.5"},
		{"numeric", nil, "5.", "5"},
		{"numeric", nil, "NaN", "NaN"},
		{"numeric", nil, "Infinity", "Infinity"},
		{"numeric", nil, "-inf", "-Infinity"},
		{"numeric", nil, "123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"},
		{"numeric", []int{5, 2}, "1.005", "1.01"},
		{"numeric", []int{5, 2}, "-1.005", "-1.01"},
		{"numeric", []int{5, 2}, "3", "3.00"},
		{"numeric", []int{5, 2}, "999.994", "999.99"},
		{"text", nil, "héllo", "héllo"},
		{"varchar", []int{3}, "ab", "ab"},
		{"varchar", []int{3}, "abc  ", "abc"},
		{"char", []int{4}, "ab", "ab  "},
		{"char", nil, "x", "x"},
		{"bytea", nil, `\x`, `\x`},
		{"bytea", nil, `\xDEADbeef`, `\xdeadbeef`},
		{"bytea", nil, `\x de ad`, `\xdead`},
		{"bytea", nil, `abc`, `\x616263`},
		{"bytea", nil, `a\\b\000`, `\x615c6200`},
		{"uuid", nil, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"uuid", nil, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"uuid", nil, "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"uuid", nil, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"uuid", nil, "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"date", nil, "2024-01-02", "2024-01-02"},
		{"date", nil, "20240102", "2024-01-02"},
		{"date", nil, "1/8/1999", "1999-01-08"},
		{"date", nil, "1999/01/08", "1999-01-08"},
		{"date", nil, "2024-02-29", "2024-02-29"},
		{"date", nil, "2024-01-02 10:11:12", "2024-01-02"},
		{"date", nil, "0044-03-15 BC", "0044-03-15 BC"},
		{"date", nil, "1-01-01", "0001-01-01"},
		{"date", nil, "4714-11-24 BC", "4714-11-24 BC"},
		{"date", nil, "5874897-12-31", "5874897-12-31"},
		{"date", nil, "infinity", "infinity"},
		{"date", nil, "-infinity", "-infinity"},
		{"date", nil, "epoch", "1970-01-01"},
		{"time", nil, "04:05:06", "04:05:06"},
		{"time", nil, "04:05", "04:05:00"},
		{"time", nil, "04:05:06.789", "04:05:06.789"},
		{"time", nil, "24:00:00", "24:00:00"},
		{"time", nil, "2024-01-02 10:11:12", "10:11:12"},
		{"time", nil, "allballs", "00:00:00"},
		{"time", []int{0}, "04:05:06.5", "04:05:07"},
		{"timestamp", nil, "2024-01-02 03:04:05", "2024-01-02 03:04:05"},
		{"timestamp", nil, "2024-01-02T03:04:05.123456", "2024-01-02 03:04:05.123456"},
		{"timestamp", nil, "2024-01-02 03:04:05.1234567", "2024-01-02 03:04:05.123457"},
		{"timestamp", nil, "2024-01-02", "2024-01-02 00:00:00"},
		{"timestamp", nil, "2024-01-02 03:04:05+02", "2024-01-02 03:04:05"},
		{"timestamp", nil, "1969-12-31 23:59:59.5", "1969-12-31 23:59:59.5"},
		{"timestamp", nil, "infinity", "infinity"},
		{"timestamp", []int{2}, "2024-01-02 03:04:05.125", "2024-01-02 03:04:05.13"},
		{"timestamptz", nil, "2024-01-02 03:04:05", "2024-01-02 03:04:05+00"},
		{"timestamptz", nil, "2024-01-02 03:04:05+02", "2024-01-02 01:04:05+00"},
		{"timestamptz", nil, "2024-01-02 03:04:05-05:30", "2024-01-02 08:34:05+00"},
		{"timestamptz", nil, "2024-01-02T03:04:05Z", "2024-01-02 03:04:05+00"},
		{"timestamptz", nil, "2024-01-02 03:04:05 UTC", "2024-01-02 03:04:05+00"},
		{"timestamptz", nil, "2024-01-02 03:04:05+0100", "2024-01-02 02:04:05+00"},
		{"interval", nil, "1 day", "1 day"},
		{"interval", nil, "1 year 2 mons 3 days 04:05:06", "1 year 2 mons 3 days 04:05:06"},
		{"interval", nil, "1 year 2 months 3 days 4 hours 5 minutes 6 seconds", "1 year 2 mons 3 days 04:05:06"},
		{"interval", nil, "2 years", "2 years"},
		{"interval", nil, "-1 year", "-1 years"},
		{"interval", nil, "01:02:03", "01:02:03"},
		{"interval", nil, "-01:02:03", "-01:02:03"},
		{"interval", nil, "1 day -1 hour", "1 day -01:00:00"},
		{"interval", nil, "-1 day +1 hour", "-1 days +01:00:00"},
		{"interval", nil, "-1 days -01:00:00", "-1 days -01:00:00"},
		{"interval", nil, "1.5 years", "1 year 6 mons"},
		{"interval", nil, "1.5 months", "1 mon 15 days"},
		{"interval", nil, "1.5 days", "1 day 12:00:00"},
		{"interval", nil, "1 week", "7 days"},
		{"interval", nil, "10", "00:00:10"},
		{"interval", nil, "0", "00:00:00"},
		{"interval", nil, "1 day ago", "-1 days"},
		{"interval", nil, "@ 1 hour", "01:00:00"},
		{"interval", nil, "1 month - 1 day", "1 mon -1 days"},
		{"interval", nil, "- 1 day", "-1 days"},
		{"interval", nil, "1 day -1 hour", "1 day -01:00:00"},
		{"interval", nil, "100 hours", "100:00:00"},
		{"interval", nil, "1.25 seconds", "00:00:01.25"},
		{"interval", nil, "3 ms", "00:00:00.003"},
		{"interval", nil, "1 century 1 decade", "110 years"},
		{"interval", nil, "1day", "1 day"},
		{"interval", nil, "P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"},
		{"interval", nil, "PT1M", "00:01:00"},
		{"jsonb", nil, `{"b": 1, "a": [1, 2.50, "x"], "aa": null}`, `{"a": [1, 2.50, "x"], "b": 1, "aa": null}`},
		{"jsonb", nil, `{"a":1,"a":2}`, `{"a": 2}`},
		{"jsonb", nil, `"\u00e9\n"`, `"é\n"`},
		{"jsonb", nil, ` 1e2 `, `100`},
		{"jsonb", nil, `[]`, `[]`},
		{"jsonb", nil, `true`, `true`},
	}
	for _, c := range cases {
		typ, err := TypeFromName(c.typ, c.mods, 0)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseText(typ, c.in)
		if err != nil {
			t.Errorf("ParseText(%s, %q): %v", typ, c.in, err)
			continue
		}
		if got := FormatText(d); got != c.out {
			t.Errorf("%s %q: FormatText = %q, want %q", typ, c.in, got, c.out)
			continue
		}
		// The output parses back to an equal value.
		back, err := ParseText(typ, c.out)
		if err != nil || Compare(back, d) != 0 || FormatText(back) != c.out {
			t.Errorf("%s %q: round trip gives %v, %v", typ, c.out, back, err)
		}
	}
}

func TestArrayText(t *testing.T) {
	cases := []struct {
		elem    Type
		in, out string
	}{
		{Int4, "{1,2,NULL}", "{1,2,NULL}"},
		{Int4, " { 1 , 2 , null } ", "{1,2,NULL}"},
		{Int4, "{}", "{}"},
		{Text, `{a,"b c","",NULL,"NULL","x\"y","a\\b",{}}`, ""}, // nested: error below
		{Text, `{a,"b c","","NULL","x\"y","a\\b"," lead"}`, `{a,"b c","","NULL","x\"y","a\\b"," lead"}`},
		{Text, `{hello world, x }`, `{"hello world",x}`},
		{Text, `{"{}",","}`, `{"{}",","}`},
		{Bytea, `{"\\x0102"}`, `{"\\x0102"}`},
		{Float8, `{1.5,NaN,-Infinity}`, `{1.5,NaN,-Infinity}`},
		{Bool, `{t,f,NULL}`, `{t,f,NULL}`},
		{Date, `{2024-01-02,infinity}`, `{2024-01-02,infinity}`},
		{Timestamp, `{"2024-01-02 03:04:05"}`, `{"2024-01-02 03:04:05"}`},
		{Interval, `{"1 day","01:00:00"}`, `{"1 day",01:00:00}`},
		{Numeric(5, 2), `{1,2.345}`, `{1.00,2.35}`},
	}
	for _, c := range cases {
		d, err := ParseText(ArrayOf(c.elem), c.in)
		if c.out == "" {
			if err == nil {
				t.Errorf("%q: want an error", c.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", ArrayOf(c.elem), c.in, err)
			continue
		}
		if got := FormatText(d); got != c.out {
			t.Errorf("%q: got %q, want %q", c.in, got, c.out)
		}
		back := mustParse(t, ArrayOf(c.elem), c.out)
		if Compare(back, d) != 0 {
			t.Errorf("%q: round trip differs", c.out)
		}
	}
	for _, bad := range []string{"1,2", "{1,2", "{1,,2}", "{1,2}x", `{"a}`, "{1 2,3}x", ""} {
		_, err := ParseText(ArrayOf(Int4), bad)
		if err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	_, err := ParseText(ArrayOf(Int4), "1,2")
	checkErr(t, "malformed", err, sqlerr.InvalidTextRepresentation, `malformed array literal: "1,2"`)
	_, err = ParseText(ArrayOf(Int4), "{1,x}")
	checkErr(t, "bad element", err, sqlerr.InvalidTextRepresentation, `invalid input syntax for type integer: "x"`)
}

func TestInputErrors(t *testing.T) {
	cases := []struct {
		typ  Type
		in   string
		code sqlerr.Code
		msg  string
	}{
		{Int4, "abc", sqlerr.InvalidTextRepresentation, `invalid input syntax for type integer: "abc"`},
		{Int4, "", sqlerr.InvalidTextRepresentation, `invalid input syntax for type integer: ""`},
		{Int4, "1.5", sqlerr.InvalidTextRepresentation, `invalid input syntax for type integer: "1.5"`},
		{Int4, "1 2", sqlerr.InvalidTextRepresentation, `invalid input syntax for type integer: "1 2"`},
		{Int4, "2147483648", sqlerr.NumericValueOutOfRange, `value "2147483648" is out of range for type integer`},
		{Int2, "32768", sqlerr.NumericValueOutOfRange, `value "32768" is out of range for type smallint`},
		{Int2, "x", sqlerr.InvalidTextRepresentation, `invalid input syntax for type smallint: "x"`},
		{Int8, "9223372036854775808", sqlerr.NumericValueOutOfRange, `value "9223372036854775808" is out of range for type bigint`},
		{Int8, "99999999999999999999999", sqlerr.NumericValueOutOfRange, `value "99999999999999999999999" is out of range for type bigint`},
		{Float8, "abc", sqlerr.InvalidTextRepresentation, `invalid input syntax for type double precision: "abc"`},
		{Float8, "1e400", sqlerr.NumericValueOutOfRange, `"1e400" is out of range for type double precision`},
		{Float4, "1e40", sqlerr.NumericValueOutOfRange, `"1e40" is out of range for type real`},
		{Float4, "x", sqlerr.InvalidTextRepresentation, `invalid input syntax for type real: "x"`},
		{Decimal, "1.2.3", sqlerr.InvalidTextRepresentation, `invalid input syntax for type numeric: "1.2.3"`},
		{Decimal, "e5", sqlerr.InvalidTextRepresentation, `invalid input syntax for type numeric: "e5"`},
		{Numeric(5, 2), "1234", sqlerr.NumericValueOutOfRange, "numeric field overflow"},
		{Numeric(5, 2), "999.995", sqlerr.NumericValueOutOfRange, "numeric field overflow"},
		{Numeric(5, 2), "Infinity", sqlerr.NumericValueOutOfRange, "numeric field overflow"},
		{Bool, "maybe", sqlerr.InvalidTextRepresentation, `invalid input syntax for type boolean: "maybe"`},
		{Bool, "o", sqlerr.InvalidTextRepresentation, `invalid input syntax for type boolean: "o"`},
		{Varchar(3), "abcd", sqlerr.StringDataRightTruncation, "value too long for type character varying(3)"},
		{Char(2), "abc", sqlerr.StringDataRightTruncation, "value too long for type character(2)"},
		{UUID, "xyz", sqlerr.InvalidTextRepresentation, `invalid input syntax for type uuid: "xyz"`},
		{UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", sqlerr.InvalidTextRepresentation, ""},
		{UUID, "-a0eebc999c0b4ef8bb6d6bb9bd380a11", sqlerr.InvalidTextRepresentation, ""},
		{Bytea, `\xabc`, sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits"},
		{Bytea, `\xzz`, sqlerr.InvalidParameterValue, `invalid hexadecimal digit: "z"`},
		{Bytea, `a\9`, sqlerr.InvalidTextRepresentation, "invalid input syntax for type bytea"},
		{Date, "2024-02-30", sqlerr.DatetimeFieldOverflow, `date/time field value out of range: "2024-02-30"`},
		{Date, "2023-02-29", sqlerr.DatetimeFieldOverflow, `date/time field value out of range: "2023-02-29"`},
		{Date, "2024-13-01", sqlerr.DatetimeFieldOverflow, `date/time field value out of range: "2024-13-01"`},
		{Date, "hello", sqlerr.InvalidDatetimeFormat, `invalid input syntax for type date: "hello"`},
		{Date, "5874898-01-01", sqlerr.DatetimeFieldOverflow, `date out of range: "5874898-01-01"`},
		{Time, "25:00:00", sqlerr.DatetimeFieldOverflow, `date/time field value out of range: "25:00:00"`},
		{Time, "12:60", sqlerr.DatetimeFieldOverflow, ""},
		{Time, "noon", sqlerr.InvalidDatetimeFormat, `invalid input syntax for type time: "noon"`},
		{Timestamp, "2024-01-02 03:04:05 xyz", sqlerr.InvalidDatetimeFormat, `invalid input syntax for type timestamp: "2024-01-02 03:04:05 xyz"`},
		{TimestampTZ, "garbage", sqlerr.InvalidDatetimeFormat, `invalid input syntax for type timestamp with time zone: "garbage"`},
		{Interval, "1 fortnight", sqlerr.InvalidDatetimeFormat, `invalid input syntax for type interval: "1 fortnight"`},
		{Interval, "", sqlerr.InvalidDatetimeFormat, `invalid input syntax for type interval: ""`},
		{Interval, "3000000000 days", sqlerr.DatetimeFieldOverflow, `interval field value out of range: "3000000000 days"`},
		{JSONB, "{", sqlerr.InvalidTextRepresentation, "invalid input syntax for type json"},
		{JSONB, "1 2", sqlerr.InvalidTextRepresentation, "invalid input syntax for type json"},
	}
	for _, c := range cases {
		_, err := ParseText(c.typ, c.in)
		checkErr(t, c.typ.String()+" "+c.in, err, c.code, c.msg)
	}
	// The detail of a numeric field overflow is PostgreSQL's.
	_, err := ParseText(Numeric(5, 2), "1234")
	if e := err.(*sqlerr.Error); e.Detail != "A field with precision 5, scale 2 must round to an absolute value less than 10^3." {
		t.Errorf("detail %q", e.Detail)
	}
}
