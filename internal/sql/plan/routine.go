package plan

import (
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Functions CREATE FUNCTION made are looked up after the built-in ones,
// as PostgreSQL's search_path puts pg_catalog first: a user function
// can add an overload to a built-in name but not hide a built-in
// function. A call binds to a Func whose CtxFn asks the statement's
// EvalContext to run the body (the engine does); it is never folded.

// routineParams returns the resolved parameter types of a function.
func (b *Binder) routineParams(f *catalog.FunctionDesc) ([]types.Type, error) {
	ts := make([]types.Type, len(f.ArgTypes))
	for i, name := range f.ArgTypes {
		t, err := b.typeByName(name)
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return ts, nil
}

// typeByName resolves a type name the catalog keeps.
func (b *Binder) typeByName(name string) (types.Type, error) {
	tn, err := parser.ParseTypeName(name)
	if err != nil {
		return types.Type{}, sqlerr.Wrap(err, sqlerr.DataCorrupted, "catalog: type name %q: %v", name, err)
	}
	return b.resolveType(tn)
}

// RoutineOf returns what the engine needs to run f.
func (b *Binder) RoutineOf(f *catalog.FunctionDesc) (*builtins.Routine, error) {
	params, err := b.routineParams(f)
	if err != nil {
		return nil, err
	}
	r := &builtins.Routine{ID: f.ID, Name: f.Name, Language: f.Language, Body: f.Body, ArgNames: f.ArgNames, ArgTypes: params}
	switch f.Returns {
	case "void":
		r.Void, r.Return = true, types.Text
	case "trigger":
		r.Return = types.Unknown
	default:
		if r.Return, err = b.typeByName(f.Returns); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// userFunc binds a call of a function CREATE FUNCTION made; ok is false
// when no such function takes these arguments.
func (b *Binder) userFunc(e *ast.FuncCall, name string, args []Expr) (Expr, bool, error) {
	if b.txn == nil {
		return nil, false, nil
	}
	fs, err := catalog.LookupFunctions(b.txn, name)
	if err != nil || len(fs) == 0 {
		return nil, false, err
	}
	var best *catalog.FunctionDesc
	var bestParams []types.Type
	bestExact := -1
	for _, f := range fs {
		ndef := 0
		for _, d := range f.ArgDefaults {
			if d != "" {
				ndef++
			}
		}
		if len(args) > len(f.ArgTypes) || len(args) < len(f.ArgTypes)-ndef {
			continue
		}
		params, err := b.routineParams(f)
		if err != nil {
			return nil, false, err
		}
		exact, ok := 0, true
		for i, a := range args {
			at := a.Type()
			switch {
			case types.Equivalent(at, params[i]):
				exact++
			case at.Family() == types.UnknownFamily:
			default:
				if lvl, castable := types.CastLevel(at, params[i]); !castable || lvl != types.CastImplicit {
					ok = false
				}
			}
		}
		if ok && exact > bestExact {
			best, bestParams, bestExact = f, params, exact
		}
	}
	if best == nil {
		return nil, false, nil
	}
	if best.Returns == "trigger" {
		return nil, true, b.errAt(e, sqlerr.FeatureNotSupported, "trigger functions can only be called as triggers")
	}
	r, err := b.RoutineOf(best)
	if err != nil {
		return nil, true, err
	}
	args = slices.Clone(args)
	for i := len(args); i < len(bestParams); i++ {
		// A missing argument takes its parameter's default.
		x, err := parser.ParseExpr(best.ArgDefaults[i])
		if err != nil {
			return nil, true, err
		}
		restore := b.catalogText(best.ArgDefaults[i])
		d, err := b.bindExpr(&scope{}, x)
		restore()
		if err != nil {
			return nil, true, err
		}
		args = append(args, d)
	}
	for i := range args {
		if args[i], err = b.convert(e, args[i], bestParams[i]); err != nil {
			return nil, true, err
		}
	}
	call := func(ec *builtins.EvalContext, a []types.Datum) (types.Datum, error) {
		if ec == nil || ec.CallRoutine == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "function %s cannot be called here", r.Name)
		}
		return ec.CallRoutine(r, a)
	}
	return &Func{Name: name, Args: args, CtxFn: call, Strict: best.Strict, Typ: r.Return, Volatile: true}, true, nil
}
