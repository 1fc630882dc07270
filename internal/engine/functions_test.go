package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// shout is a host function for the tests: its text argument upper-cased
// and with '!' appended; NULL for NULL; 22023 for an empty string.
var shout = &builtins.Func{
	Name:     "Shout",
	ArgTypes: []types.Type{types.Text},
	Return:   types.Text,
	Strict:   true,
	Fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		if a[0].Str() == "" {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "nothing to shout")
		}
		return types.NewText(strings.ToUpper(a[0].Str()) + "!"), nil
	},
}

// TestHostFunctions: a function the embedding program adds is called by
// queries and DML with its arguments cast to its types, NULL in gives
// NULL out, its errors keep their SQLSTATE, a call with the wrong number
// of arguments is 42883, and what the catalog keeps cannot call it.
func TestHostFunctions(t *testing.T) {
	e, err := Open("", &Options{InMemory: true, Functions: []*builtins.Func{shout}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)")
	mustExec(t, s, "INSERT INTO t VALUES (1, shout('a')), (2, 'b'), (3, NULL)")
	mustExec(t, s, "UPDATE t SET v = SHOUT(v) WHERE id >= 2")
	if got := queryOne(t, s, "SELECT string_agg(coalesce(v, 'null'), ',' ORDER BY id) FROM t"); got != "A!,B!,null" {
		t.Fatalf("rows: %s", got)
	}
	if got := queryOne(t, s, "SELECT shout(12::text)"); got != "12!" {
		t.Fatalf("shout(12) = %s", got)
	}
	rs, err := s.Execute(context.Background(), "SELECT shout($1)", []types.Datum{types.NewText("p")})
	if err != nil || rs[0].Rows[0][0].Str() != "P!" {
		t.Fatalf("shout($1): %v %v", rs, err)
	}
	for q, code := range map[string]sqlerr.Code{
		"SELECT shout('')":                                  sqlerr.InvalidParameterValue,
		"SELECT shout(12)":                                  sqlerr.UndefinedFunction,
		"SELECT shout('a', 'b')":                            sqlerr.UndefinedFunction,
		"CREATE VIEW w AS SELECT shout(v) FROM t":           sqlerr.UndefinedFunction,
		"CREATE INDEX ON t ((shout(v)))":                    sqlerr.UndefinedFunction,
		"CREATE TABLE u (a TEXT DEFAULT shout('x'))":        sqlerr.UndefinedFunction,
		"CREATE TABLE c (a TEXT CHECK (shout(a) <> 'NO!'))": sqlerr.UndefinedFunction,
		"CREATE TABLE n (a TEXT DEFAULT nosuch())":          sqlerr.UndefinedFunction,
		"CREATE TABLE m (a INT DEFAULT 'x')":                sqlerr.InvalidTextRepresentation,
	} {
		if _, err := s.Execute(context.Background(), q, nil); sqlerr.CodeOf(err) != code {
			t.Errorf("%s: %v, want %s", q, err, code)
		}
	}
	for _, f := range [][]*builtins.Func{
		{{Name: "upper", ArgTypes: []types.Type{types.Text}, Return: types.Text, Fn: shout.Fn}},
		{shout, shout},
		{{Name: "nofn"}},
	} {
		if e, err := Open("", &Options{InMemory: true, Functions: f}); err == nil {
			e.Close()
			t.Errorf("Open with functions %s: no error", f[0].Name)
		}
	}
}
