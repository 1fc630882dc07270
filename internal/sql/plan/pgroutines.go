package plan

import (
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/types"
)

// The catalog's view of functions and triggers: pg_trigger's rows and
// the pg_get_function_* / pg_get_triggerdef functions psql's \df and \d
// and pg_dump call.

// triggerOID is the OID of a table's n-th trigger (in name order).
func triggerOID(d *catalog.Descriptor, n int) int64 { return relOID(d)*1000 + 500 + int64(n) }

// triggerEvents lists a trigger's events as PostgreSQL prints them:
// INSERT, DELETE, UPDATE, joined by OR.
func triggerEvents(t *catalog.Trigger) string {
	var out []string
	for _, ev := range []string{"insert", "delete", "update"} {
		for _, e := range t.Events {
			if e == ev {
				out = append(out, strings.ToUpper(ev))
			}
		}
	}
	return strings.Join(out, " OR ")
}

// triggerType is pg_trigger.tgtype: ROW 1 (0 for a statement
// trigger), BEFORE 2, INSERT 4, DELETE 8, UPDATE 16.
func triggerType(t *catalog.Trigger) int {
	n := 1
	if t.Statement {
		n = 0
	}
	if t.Before {
		n |= 2
	}
	for _, e := range t.Events {
		n |= map[string]int{"insert": 4, "delete": 8, "update": 16}[e]
	}
	return n
}

func triggerDef(d *catalog.Descriptor, t *catalog.Trigger, pretty bool) string {
	var b strings.Builder
	b.WriteString("CREATE TRIGGER " + ast.QuoteIdent(t.Name))
	if t.Before {
		b.WriteString(" BEFORE ")
	} else {
		b.WriteString(" AFTER ")
	}
	b.WriteString(triggerEvents(t) + " ON ")
	if !pretty {
		b.WriteString("public.")
	}
	b.WriteString(ast.QuoteIdent(d.Name))
	if t.Statement {
		b.WriteString(" FOR EACH STATEMENT ")
	} else {
		b.WriteString(" FOR EACH ROW ")
	}
	if t.When != "" {
		b.WriteString("WHEN (" + t.When + ") ")
	}
	b.WriteString("EXECUTE FUNCTION ")
	if !pretty {
		b.WriteString("public.")
	}
	b.WriteString(ast.QuoteIdent(t.Function) + "()")
	return b.String()
}

// triggerRows are pg_trigger's rows.
func (b *Binder) triggerRows(all []*catalog.Descriptor) ([][]types.Datum, error) {
	var rows [][]types.Datum
	for _, d := range all {
		for n := range d.Triggers {
			t := &d.Triggers[n]
			foid := int64(0)
			if fs, err := catalog.LookupFunctions(b.txn, t.Function); err != nil {
				return nil, err
			} else {
				for _, f := range fs {
					if len(f.ArgTypes) == 0 {
						foid = int64(f.OID())
					}
				}
			}
			i8, no := types.NewInt8, types.NewBool(false)
			rows = append(rows, []types.Datum{i8(triggerOID(d, n)), i8(relOID(d)), i8(0), types.NewText(t.Name), i8(foid),
				types.NewInt2(int16(triggerType(t))), types.NewText("O"), no, i8(0), i8(0), i8(0), no, no, types.NewInt2(0)})
		}
	}
	return rows, nil
}

// routineFunc binds pg_get_triggerdef and the pg_get_function_*
// functions; ok is false for other names.
func (b *Binder) routineFunc(name string, args []Expr) (Expr, bool, error) {
	switch name {
	case "pg_get_triggerdef":
		if len(args) != 1 && len(args) != 2 {
			return nil, false, nil
		}
		all, err := catalog.List(b.txn)
		if err != nil {
			return nil, true, err
		}
		defs := map[int64][2]string{}
		for _, d := range all {
			for n := range d.Triggers {
				defs[triggerOID(d, n)] = [2]string{triggerDef(d, &d.Triggers[n], false), triggerDef(d, &d.Triggers[n], true)}
			}
		}
		fn := func(a []types.Datum) (types.Datum, error) {
			def, ok := defs[a[0].Int()]
			if !ok {
				return types.Null, nil
			}
			if len(a) > 1 && !a[1].IsNull() && a[1].Bool() {
				return types.NewText(def[1]), nil
			}
			return types.NewText(def[0]), nil
		}
		return &Func{Name: name, Args: args, Fn: fn, Strict: true, Typ: types.Text}, true, nil
	case "pg_get_function_sqlbody":
		// Bodies are kept as text (prosrc), never as a parsed
		// SQL-standard body.
		if len(args) != 1 {
			return nil, false, nil
		}
		fn := func([]types.Datum) (types.Datum, error) { return types.Null, nil }
		return &Func{Name: name, Args: args, Fn: fn, Typ: types.Text}, true, nil
	case "pg_get_function_result", "pg_get_function_arguments", "pg_get_function_identity_arguments", "pg_get_functiondef":
		if len(args) != 1 {
			return nil, false, nil
		}
	default:
		return nil, false, nil
	}
	fs, err := catalog.ListFunctions(b.txn)
	if err != nil {
		return nil, true, err
	}
	texts := map[int64]string{}
	for _, f := range fs {
		texts[int64(f.OID())] = functionText(f, name)
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		s, ok := texts[a[0].Int()]
		if !ok {
			return types.Null, nil
		}
		return types.NewText(s), nil
	}
	return &Func{Name: name, Args: args, Fn: fn, Strict: true, Typ: types.Text}, true, nil
}

// functionText is what one of the pg_get_function_* functions says of f.
func functionText(f *catalog.FunctionDesc, what string) string {
	args := func(defaults bool) string {
		parts := make([]string, len(f.ArgTypes))
		for i, t := range f.ArgTypes {
			p := t
			if i < len(f.ArgNames) && f.ArgNames[i] != "" {
				p = ast.QuoteIdent(f.ArgNames[i]) + " " + t
			}
			if defaults && i < len(f.ArgDefaults) && f.ArgDefaults[i] != "" {
				p += " DEFAULT " + f.ArgDefaults[i]
			}
			parts[i] = p
		}
		return strings.Join(parts, ", ")
	}
	result := f.Returns
	switch {
	case len(f.OutNames) > 0:
		cols := make([]string, len(f.OutNames))
		for i, n := range f.OutNames {
			cols[i] = ast.QuoteIdent(n) + " " + f.OutTypes[i]
		}
		result = "TABLE(" + strings.Join(cols, ", ") + ")"
	case f.ReturnsSet:
		result = "SETOF " + f.Returns
	}
	switch what {
	case "pg_get_function_result":
		return result
	case "pg_get_function_arguments":
		return args(true)
	case "pg_get_function_identity_arguments":
		return args(false)
	}
	tag := "$function$"
	for i := 0; strings.Contains(f.Body, tag); i++ {
		tag = "$function" + strconv.Itoa(i) + "$"
	}
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE FUNCTION public." + ast.QuoteIdent(f.Name) + "(" + args(true) + ")\n")
	b.WriteString(" RETURNS " + result + "\n LANGUAGE " + f.Language + "\n")
	switch f.Volatility {
	case "i":
		b.WriteString(" IMMUTABLE")
	case "s":
		b.WriteString(" STABLE")
	}
	if f.Strict {
		b.WriteString(" STRICT")
	}
	if f.Volatility != "v" || f.Strict {
		b.WriteString("\n")
	}
	b.WriteString("AS " + tag + f.Body + tag + "\n")
	return b.String()
}

// ndefaults counts a function's parameters with defaults.
func ndefaults(f *catalog.FunctionDesc) int {
	n := 0
	for _, d := range f.ArgDefaults {
		if d != "" {
			n++
		}
	}
	return n
}
