package builtins

import (
	"context"
	"fmt"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"strings"

	"github.com/cairndb/cairn/internal/sql/types"
)

// Functions of PostgreSQL's catalog that clients call at connect or to
// describe objects (psql's \d, drivers' type discovery). cairn has one
// database, one user-visible schema and no privileges, so most answer a
// constant; the ones needing the catalog (pg_get_indexdef...) are not
// here, since this package has no catalog.
func init() {
	constant := func(name string, params []param, ret types.Type, v types.Datum) {
		register(name, &overload{params: params, ret: ret, nonStrct: true, fn: func([]types.Datum) (types.Datum, error) { return v, nil }})
	}
	T, B, I4, I8 := types.Text, types.Bool, types.Int4, types.Int8
	constant("pg_get_userbyid", []param{p(I8)}, T, text("cairn"))
	constant("pg_table_is_visible", []param{p(I8)}, B, types.NewBool(true))
	constant("pg_type_is_visible", []param{p(I8)}, B, types.NewBool(true))
	constant("pg_function_is_visible", []param{p(I8)}, B, types.NewBool(true))
	constant("pg_is_in_recovery", nil, B, types.NewBool(false))
	constant("pg_encoding_to_char", []param{p(I4)}, T, text("UTF8"))
	constant("obj_description", []param{p(I8)}, T, types.Null)
	constant("obj_description", []param{p(I8), p(T)}, T, types.Null)
	constant("col_description", []param{p(I8), p(I4)}, T, types.Null)
	constant("shobj_description", []param{p(I8), p(T)}, T, types.Null)
	constant("pg_get_constraintdef", []param{p(I8)}, T, types.Null)
	constant("pg_get_constraintdef", []param{p(I8), p(B)}, T, types.Null)
	// pg_options_to_table(options text[]): the name=value options of a
	// catalog row (reloptions, ...) as rows of (option_name,
	// option_value).
	registerTable("pg_options_to_table", []param{p(types.ArrayOf(T))}, func([]types.Type) []TableColumn {
		return []TableColumn{{Name: "option_name", Type: T}, {Name: "option_value", Type: T}}
	}, func(a []types.Datum) (TableIter, error) {
		var elems []types.Datum
		if !a[0].IsNull() {
			elems = a[0].Array().Elems
		}
		return func() ([]types.Datum, bool, error) {
			for len(elems) > 0 {
				e := elems[0]
				elems = elems[1:]
				if e.IsNull() {
					continue
				}
				name, value, found := strings.Cut(e.Str(), "=")
				v := types.Null
				if found {
					v = text(value)
				}
				return []types.Datum{text(name), v}, true, nil
			}
			return nil, false, nil
		}, nil
	})
	// cairn keeps no privileges: an object's default ACL is none.
	constant("acldefault", []param{p(T), p(I8)}, types.ArrayOf(T), types.Null)
	// The one database's size on disk (any name or oid: there is one).
	dbSize := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		if ctx == nil || ctx.DatabaseSize == nil {
			return types.NewInt8(0), nil
		}
		return types.NewInt8(ctx.DatabaseSize()), nil
	}
	register("pg_database_size", &overload{params: []param{p(T)}, ret: I8, ctxFn: dbSize, volatile: true})
	register("pg_notify", &overload{params: []param{p(T), p(T)}, ret: T, nonStrct: true, volatile: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "channel name cannot be empty")
		}
		payload := ""
		if !a[1].IsNull() {
			payload = a[1].Str()
		}
		if ctx.Notify == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "pg_notify needs a session")
		}
		// void in PostgreSQL: an empty value.
		return text(""), ctx.Notify(a[0].Str(), payload)
	}})
	register("pg_database_size", &overload{params: []param{p(I8)}, ret: I8, ctxFn: dbSize, volatile: true})
	// pg_proc lists no functions; psql's \df asks these of each.
	constant("pg_get_function_result", []param{p(I8)}, T, types.Null)
	constant("pg_get_function_arguments", []param{p(I8)}, T, types.Null)
	constant("pg_get_function_identity_arguments", []param{p(I8)}, T, types.Null)
	// There are no triggers (pg_trigger is empty); psql asks anyway.
	constant("pg_get_triggerdef", []param{p(I8)}, T, types.Null)
	constant("pg_get_triggerdef", []param{p(I8), p(types.Bool)}, T, types.Null)
	relSize := func(part SizePart) func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			if len(a) > 1 {
				switch a[1].Str() {
				case "main":
				case "fsm", "vm", "init":
					return types.NewInt8(0), nil // forks cairn has none of
				default:
					return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid fork name").
						WithHint(`Valid fork names are "main", "fsm", "vm", and "init".`)
				}
			}
			if ctx == nil || ctx.RelationSize == nil {
				return types.NewInt8(0), nil
			}
			n, ok := ctx.RelationSize(a[0].Int(), part)
			if !ok {
				return types.Null, nil // as PostgreSQL, for an OID that names nothing
			}
			return types.NewInt8(n), nil
		}
	}
	register("pg_relation_size", &overload{params: []param{p(I8)}, ret: I8, ctxFn: relSize(SizeMain), volatile: true})
	register("pg_relation_size", &overload{params: []param{p(I8), p(T)}, ret: I8, ctxFn: relSize(SizeMain), volatile: true})
	register("pg_table_size", &overload{params: []param{p(I8)}, ret: I8, ctxFn: relSize(SizeMain), volatile: true})
	register("pg_indexes_size", &overload{params: []param{p(I8)}, ret: I8, ctxFn: relSize(SizeIndexes), volatile: true})
	register("pg_total_relation_size", &overload{params: []param{p(I8)}, ret: I8, ctxFn: relSize(SizeTotal), volatile: true})
	// The transaction's id: the same for all its statements, new for the
	// next transaction (volatile: a plan kept across transactions must
	// ask again).
	txnID := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		if ctx == nil || ctx.TxnID == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "txid_current needs a session")
		}
		return types.NewInt8(ctx.TxnID()), nil
	}
	register("txid_current", &overload{ret: I8, ctxFn: txnID, volatile: true})
	register("pg_current_xact_id", &overload{ret: I8, ctxFn: txnID, volatile: true})
	register("pg_backend_pid", &overload{ret: I4, ctxFn: func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		return types.NewInt4(ctx.BackendPID), nil
	}})
	signal := func(terminate bool) func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			if ctx.SignalBackend == nil || !ctx.SignalBackend(int32(a[0].Int()), terminate) {
				return types.DFalse, nil // PostgreSQL warns: not a server process
			}
			return types.DTrue, nil
		}
	}
	register("pg_cancel_backend", &overload{params: []param{p(I4)}, ret: B, volatile: true, ctxFn: signal(false)})
	register("pg_terminate_backend", &overload{params: []param{p(I4)}, ret: B, volatile: true, ctxFn: signal(true)})
	register("pg_terminate_backend", &overload{params: []param{p(I4), p(I8)}, ret: B, volatile: true, ctxFn: signal(true)})
	// Extended statistics do not exist (pg_statistic_ext is empty).
	constant("pg_get_statisticsobjdef_columns", []param{p(I8)}, T, types.Null)
	// Nothing is published (logical replication does not exist).
	constant("pg_relation_is_publishable", []param{p(I8)}, B, types.NewBool(false))
	constant("has_table_privilege", []param{p(T), p(T)}, B, types.NewBool(true))
	constant("has_table_privilege", []param{p(T), p(T), p(T)}, B, types.NewBool(true))
	constant("has_schema_privilege", []param{p(T), p(T)}, B, types.NewBool(true))
	constant("has_database_privilege", []param{p(T), p(T)}, B, types.NewBool(true))
	constant("has_database_privilege", []param{p(T), p(T), p(T)}, B, types.NewBool(true))
	// Every role is a member of every other as far as privileges go
	// (psql's \l+ asks whether it may see the sizes).
	constant("pg_has_role", []param{p(T), p(T)}, B, types.NewBool(true))
	constant("pg_has_role", []param{p(T), p(T), p(T)}, B, types.NewBool(true))
	// pg_get_expr returns the expression's text: cairn's catalog already
	// stores defaults as SQL text.
	register("pg_get_expr", &overload{params: []param{p(T), p(I8)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) { return a[0], nil }})
	register("pg_get_expr", &overload{params: []param{p(T), p(I8), p(B)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) { return a[0], nil }})
	register("current_schemas", &overload{params: []param{p(B)}, ret: types.ArrayOf(T), fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].Bool() {
			return types.NewArray(types.ArrayOf(T), []types.Datum{text("pg_catalog"), text("public")}), nil
		}
		return types.NewArray(types.ArrayOf(T), []types.Datum{text("public")}), nil
	}})
	// current_setting(name [, missing_ok]) and set_config(name, value,
	// is_local): the session's settings, as SHOW and SET read and change
	// them.
	currentSetting := func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		if ctx.Setting != nil {
			if v, ok := ctx.Setting(a[0].Str()); ok {
				return text(v), nil
			}
		}
		if len(a) == 2 && a[1].Bool() {
			return types.Null, nil
		}
		return types.Null, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", a[0].Str())
	}
	register("current_setting", &overload{params: []param{p(T)}, ret: T, ctxFn: currentSetting})
	register("current_setting", &overload{params: []param{p(T), p(B)}, ret: T, nonStrct: true, ctxFn: currentSetting})
	register("set_config", &overload{params: []param{p(T), p(T), p(B)}, ret: T, nonStrct: true, volatile: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, sqlerr.New(sqlerr.NullValueNotAllowed, "SET requires parameter name")
		}
		if ctx.SetSetting == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "set_config needs a session")
		}
		value := ""
		if !a[1].IsNull() {
			value = a[1].Str()
		}
		if err := ctx.SetSetting(a[0].Str(), value, !a[2].IsNull() && a[2].Bool()); err != nil {
			return types.Null, err
		}
		if v, ok := ctx.Setting(a[0].Str()); ok {
			return text(v), nil
		}
		return text(value), nil
	}})
	register("format_type", &overload{params: []param{p(I8), p(I4)}, ret: T, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		t, ok := types.TypeFromOID(uint32(a[0].Int()))
		if !ok {
			return text("???"), nil
		}
		if !a[1].IsNull() && a[1].Int() >= 0 {
			if m := typeWithMod(t, int(a[1].Int())); m != "" {
				return text(m), nil
			}
		}
		return text(t.String()), nil
	}})
	register("pg_size_pretty", &overload{params: []param{p(I8)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		return text(sizePretty(a[0].Int())), nil
	}})
	regex := func(ci, negate bool) func([]types.Type) fn {
		return func([]types.Type) fn {
			var cache regexCache
			flags := ""
			if ci {
				flags = "i"
			}
			return func(a []types.Datum) (types.Datum, error) {
				r, err := cache.get(a[1].Str(), flags, "regex match")
				if err != nil {
					return types.Null, err
				}
				return types.NewBool(r.re.MatchString(a[0].Str()) != negate), nil
			}
		}
	}
	// The functions behind ~, ~*, !~ and !~*.
	register("textregexeq", &overload{params: []param{p(T), p(T)}, ret: B, mk: regex(false, false)})
	register("texticregexeq", &overload{params: []param{p(T), p(T)}, ret: B, mk: regex(true, false)})
	register("textregexne", &overload{params: []param{p(T), p(T)}, ret: B, mk: regex(false, true)})
	register("texticregexne", &overload{params: []param{p(T), p(T)}, ret: B, mk: regex(true, true)})
}

// typeWithMod formats a type with an atttypmod, as format_type does.
func typeWithMod(t types.Type, mod int) string {
	switch t.Family() {
	case types.VarcharFamily, types.CharFamily:
		if mod >= 4 {
			return fmt.Sprintf("%s(%d)", t.String(), mod-4)
		}
	case types.NumericFamily:
		if mod >= 4 {
			return fmt.Sprintf("numeric(%d,%d)", (mod-4)>>16, (mod-4)&0xffff)
		}
	}
	return ""
}

// sizePretty is pg_size_pretty: bytes, kB, MB, GB, TB, rounding half up
// once a unit would show at least 10240 of the smaller one.
func sizePretty(n int64) string {
	units := []string{"bytes", "kB", "MB", "GB", "TB", "PB"}
	v := n
	neg := v < 0
	if neg {
		v = -v
	}
	i := 0
	for i < len(units)-1 && v >= 10*1024-512 {
		v = (v + 512) / 1024
		i++
	}
	if neg {
		v = -v
	}
	return fmt.Sprintf("%d %s", v, units[i])
}

// The advisory lock functions (PostgreSQL's section 9.27.10), over
// EvalContext.Advisory: pg_[try_]advisory_[xact_]lock[_shared] and
// pg_advisory_unlock[_shared|_all], each on a bigint key or two
// integers. The lock functions that wait return void (an empty text
// here, as pg_notify does), the try functions and unlocks a boolean.
func init() {
	I4, I8, B, T := types.Int4, types.Int8, types.Bool, types.Text
	call := func(r AdvisoryRequest, ret types.Type) func(*EvalContext, []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			if ctx.Advisory == nil {
				return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "advisory locks need a session")
			}
			r := r
			switch len(a) {
			case 1:
				r.Key = a[0].Int()
			case 2:
				r.Key, r.Pair = a[0].Int()<<32|int64(uint32(a[1].Int())), true
			}
			wait := ctx.Context
			if wait == nil {
				wait = context.Background()
			}
			ok, err := ctx.Advisory(wait, r)
			if err != nil {
				return types.Null, err
			}
			if ret == T {
				return text(""), nil
			}
			return types.NewBool(ok), nil
		}
	}
	for _, shared := range []bool{false, true} {
		suffix := ""
		if shared {
			suffix = "_shared"
		}
		for _, params := range [][]param{{p(I8)}, {p(I4), p(I4)}} {
			for _, xact := range []bool{false, true} {
				level := "_"
				if xact {
					level = "_xact_"
				}
				register("pg_advisory"+level+"lock"+suffix, &overload{params: params, ret: T, volatile: true,
					ctxFn: call(AdvisoryRequest{Shared: shared, Xact: xact}, T)})
				register("pg_try_advisory"+level+"lock"+suffix, &overload{params: params, ret: B, volatile: true,
					ctxFn: call(AdvisoryRequest{Shared: shared, Xact: xact, Try: true}, B)})
			}
			register("pg_advisory_unlock"+suffix, &overload{params: params, ret: B, volatile: true,
				ctxFn: call(AdvisoryRequest{Shared: shared, Unlock: true}, B)})
		}
	}
	register("pg_advisory_unlock_all", &overload{ret: T, volatile: true, ctxFn: call(AdvisoryRequest{UnlockAll: true}, T)})
}

// SizePart is the part of a relation a size function measures.
type SizePart int

const (
	// SizeMain: the relation's own data (pg_relation_size,
	// pg_table_size): a table's rows, an index's entries.
	SizeMain SizePart = iota
	// SizeIndexes: a table's indexes but its primary key, which holds
	// the rows (pg_indexes_size); nothing for an index.
	SizeIndexes
	// SizeTotal: a table's rows and indexes (pg_total_relation_size).
	SizeTotal
)
