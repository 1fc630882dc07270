package builtins

import (
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

func TestResolution(t *testing.T) {
	U, I2, I4, I8, F4, F8, N, T := types.Unknown, types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Decimal, types.Text
	for _, c := range []struct {
		name string
		args []types.Type
		want string // "argtypes -> return" or "CODE: message"
	}{
		{"abs", []types.Type{I4}, "integer -> integer"},
		{"abs", []types.Type{I2}, "smallint -> smallint"},
		{"abs", []types.Type{U}, "double precision -> double precision"},
		{"abs", []types.Type{F4}, "real -> real"},
		{"round", []types.Type{I4}, "double precision -> double precision"},
		{"round", []types.Type{N}, "numeric -> numeric"},
		{"round", []types.Type{I8, I4}, "numeric, integer -> numeric"},
		{"round", []types.Type{U, U}, "numeric, integer -> numeric"},
		{"mod", []types.Type{I2, I4}, "integer, integer -> integer"},
		{"mod", []types.Type{I4, N}, "numeric, numeric -> numeric"},
		{"mod", []types.Type{I4, U}, "integer, integer -> integer"},
		{"power", []types.Type{I4, N}, "numeric, numeric -> numeric"},
		{"power", []types.Type{U, U}, "double precision, double precision -> double precision"},
		{"log", []types.Type{I4, U}, "numeric, numeric -> numeric"},
		{"length", []types.Type{U}, "text -> integer"},
		{"length", []types.Type{types.Varchar(10)}, "text -> integer"},
		{"length", []types.Type{types.Bytea}, "bytea -> integer"},
		{"substring", []types.Type{T, I4}, "text, integer -> text"},
		{"substring", []types.Type{T, U}, "text, text -> text"},
		{"substring", []types.Type{T, I8}, "42883: function substring(text, bigint) does not exist"},
		{"lower", []types.Type{I4}, "42883: function lower(integer) does not exist"},
		{"date_trunc", []types.Type{U, types.Date}, "text, timestamp with time zone -> timestamp with time zone"},
		{"date_trunc", []types.Type{U, U}, "42725: function date_trunc(unknown, unknown) is not unique"},
		{"extract", []types.Type{U, types.Timestamp}, "text, timestamp without time zone -> numeric"},
		{"concat", []types.Type{U, I4, types.Bool}, "unknown, integer, boolean -> text"},
		{"concat", nil, "42883: function concat() does not exist"},
		{"format", []types.Type{U}, "text -> text"},
		{"array_to_string", []types.Type{types.ArrayOf(I4), U}, "integer[], text -> text"},
		{"array_to_string", []types.Type{I4, U}, "42883: function array_to_string(integer, unknown) does not exist"},
		{"foo", []types.Type{I4}, "42883: function foo(integer) does not exist"},
		{"foo", nil, "42883: function foo() does not exist"},
		{"NOW", nil, " -> timestamp with time zone"},
		{"pg_catalog.upper", []types.Type{T}, "text -> text"},
		{"sqrt", []types.Type{F8}, "double precision -> double precision"},
		{"sqrt", []types.Type{I8}, "double precision -> double precision"},
		{"sqrt", []types.Type{T}, "42883: function sqrt(text) does not exist"},
	} {
		f, err := Lookup(c.name, c.args)
		var got string
		if err != nil {
			got = string(sqlerr.CodeOf(err)) + ": " + err.Error()
		} else {
			var s []string
			for _, a := range f.ArgTypes {
				s = append(s, a.String())
			}
			got = strings.Join(s, ", ") + " -> " + f.Return.String()
		}
		if got != c.want {
			t.Errorf("%s%v: got %q, want %q", c.name, c.args, got, c.want)
		}
	}
}

func TestUndefinedFunctionHint(t *testing.T) {
	_, err := Lookup("foo", []types.Type{types.Int4, types.Unknown})
	e, ok := err.(*sqlerr.Error)
	if !ok {
		t.Fatalf("%T", err)
	}
	if e.Code != sqlerr.UndefinedFunction || e.Message != "function foo(integer, unknown) does not exist" ||
		e.Hint != "No function matches the given name and argument types. You might need to add explicit type casts." {
		t.Errorf("%+v", e)
	}
	_, err = LookupAggregate("nope", nil, false)
	if err == nil || err.Error() != "function nope(*) does not exist" {
		t.Errorf("nope(*): %v", err)
	}
	_, err = Lookup("date_trunc", []types.Type{types.Unknown, types.Unknown})
	if e := err.(*sqlerr.Error); e.Hint != "Could not choose a best candidate function. You might need to add explicit type casts." {
		t.Errorf("ambiguous hint: %q", e.Hint)
	}
}

func TestStrictAndNull(t *testing.T) {
	// Every strict function's Fn returns NULL for NULL arguments without
	// failing, whatever the arity.
	for name, os := range registry {
		for _, o := range os {
			if o.nonStrct || len(o.params) == 0 {
				continue
			}
			args := make([]types.Type, len(o.params))
			for i, p := range o.params {
				args[i] = p.t
				if p.poly != monomorphic {
					args[i] = types.Int4
					if p.poly == anyArray {
						args[i] = types.ArrayOf(types.Int4)
					}
				}
			}
			f, err := Lookup(name, args)
			if err != nil {
				continue // resolves to another overload with these types
			}
			nulls := make([]types.Datum, len(args))
			d, err := f.Fn(nulls)
			if err != nil || !d.IsNull() {
				t.Errorf("%s%v(NULL...) = %v, %v", name, args, d, err)
			}
		}
	}
}
