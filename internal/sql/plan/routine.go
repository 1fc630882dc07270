package plan

import (
	"slices"
	"strings"

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
	r := &builtins.Routine{ID: f.ID, Name: f.Name, Language: f.Language, Body: f.Body, ArgNames: f.ArgNames, ArgTypes: params, ReturnsSet: f.ReturnsSet}
	switch {
	case f.Returns == "void":
		r.Void, r.Return = true, types.Text
	case f.Returns == "trigger":
		r.Return = types.Unknown
	case len(f.OutTypes) > 0:
		r.Return, r.OutVars = types.Unknown, true
		for i, tn := range f.OutTypes {
			t, err := b.typeByName(tn)
			if err != nil {
				return nil, err
			}
			r.Cols = append(r.Cols, builtins.RoutineCol{Name: f.OutNames[i], Type: t})
		}
	case f.RowType:
		// SETOF a table: its row type, the table's visible columns.
		d, err := catalog.Get(b.txn, f.Returns)
		if err != nil {
			return nil, err
		}
		r.Return = types.Unknown
		for i := range d.Columns {
			c := &d.Columns[i]
			if c.Hidden {
				continue
			}
			t, err := ColumnType(c)
			if err != nil {
				return nil, err
			}
			r.Cols = append(r.Cols, builtins.RoutineCol{Name: c.Name, Type: t})
		}
	default:
		if r.Return, err = b.typeByName(f.Returns); err != nil {
			return nil, err
		}
		if f.ReturnsSet {
			r.Cols = []builtins.RoutineCol{{Name: f.Name, Type: r.Return}}
		}
	}
	return r, nil
}

// resolveUserFunc picks the overload of the function named name that
// takes args (the one matching most argument types exactly) and returns
// it with its routine and the arguments, defaults added and cast to the
// parameters' types; r is nil when no such function takes them.
func (b *Binder) resolveUserFunc(e *ast.FuncCall, name string, args []Expr) (*catalog.FunctionDesc, *builtins.Routine, []Expr, error) {
	if b.txn == nil {
		return nil, nil, nil, nil
	}
	fs, err := catalog.LookupFunctions(b.txn, name)
	if err != nil || len(fs) == 0 {
		return nil, nil, nil, err
	}
	var best *catalog.FunctionDesc
	var bestParams []types.Type
	bestExact := -1
	for _, f := range fs {
		if len(args) > len(f.ArgTypes) || len(args) < len(f.ArgTypes)-ndefaults(f) {
			continue
		}
		params, err := b.routineParams(f)
		if err != nil {
			return nil, nil, nil, err
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
		return nil, nil, nil, nil
	}
	if best.Returns == "trigger" {
		return nil, nil, nil, b.errAt(e, sqlerr.FeatureNotSupported, "trigger functions can only be called as triggers")
	}
	switch {
	case best.Procedure && !b.Call:
		return nil, nil, nil, b.errAt(e, sqlerr.WrongObjectType, "%s is a procedure", best.Signature()).
			WithHint("To call a procedure, use CALL.")
	case !best.Procedure && b.Call:
		return nil, nil, nil, b.errAt(e, sqlerr.WrongObjectType, "%s is not a procedure", best.Signature()).
			WithHint("To call a function, use SELECT.")
	}
	r, err := b.RoutineOf(best)
	if err != nil {
		return nil, nil, nil, err
	}
	args = slices.Clone(args)
	for i := len(args); i < len(bestParams); i++ {
		// A missing argument takes its parameter's default.
		x, err := parser.ParseExpr(best.ArgDefaults[i])
		if err != nil {
			return nil, nil, nil, err
		}
		restore := b.catalogText(best.ArgDefaults[i])
		d, err := b.bindExpr(&scope{}, x)
		restore()
		if err != nil {
			return nil, nil, nil, err
		}
		args = append(args, d)
	}
	for i := range args {
		if args[i], err = b.convert(e, args[i], bestParams[i]); err != nil {
			return nil, nil, nil, err
		}
	}
	return best, r, args, nil
}

// userFunc binds a call of a function CREATE FUNCTION made; ok is false
// when no such function takes these arguments.
func (b *Binder) userFunc(e *ast.FuncCall, name string, args []Expr) (Expr, bool, error) {
	f, r, args, err := b.resolveUserFunc(e, name, args)
	if err != nil || r == nil {
		return nil, err != nil, err
	}
	if r.ReturnsSet {
		// In a select list: a column of the SELECT's ProjectSet.
		if b.srf == nil || !b.srf.allowed {
			return nil, true, b.errAt(e, sqlerr.FeatureNotSupported, "set-returning functions are not allowed here").
				WithHint("Call %s in FROM instead.", name)
		}
		if len(r.Cols) != 1 {
			return nil, true, b.errAt(e, sqlerr.FeatureNotSupported, "set-returning function %s returns %d columns: in a select list, only functions of one column are supported", name, len(r.Cols)).
				WithHint("Call %s in FROM instead: SELECT * FROM %s(...).", name, name)
		}
		sf := &SetFunc{Name: name, Args: args, OpenCtx: routineRows(r, f.Strict), Typ: r.Cols[0].Type}
		b.srf.calls = append(b.srf.calls, sf)
		return &ColRef{Idx: srfBase + len(b.srf.calls) - 1, Typ: sf.Typ, Name: name}, true, nil
	}
	if x, ok := b.inlineSQL(e, f, r, args); ok {
		return x, true, nil
	}
	call := func(ec *builtins.EvalContext, a []types.Datum) (types.Datum, error) {
		if ec == nil || ec.Routines == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "function %s cannot be called here", r.Name)
		}
		return ec.Routines.CallRoutine(r, a)
	}
	return &Func{Name: name, Args: args, CtxFn: call, Strict: f.Strict, Typ: r.Return, Volatile: true}, true, nil
}

// userTableFunc binds a function CREATE FUNCTION made in FROM: a
// set-returning one gives its rows, any other one row of its value.
func (b *Binder) userTableFunc(te *ast.FuncRef, name string, args []Expr) (Node, bool, error) {
	f, r, args, err := b.resolveUserFunc(te.Func, name, args)
	if err != nil || r == nil {
		return nil, err != nil, err
	}
	cols := r.Cols
	if !r.ReturnsSet {
		cols = []builtins.RoutineCol{{Name: name, Type: r.Return}}
	}
	open := routineRows(r, f.Strict)
	alias := name
	var names []string
	if te.Alias != nil {
		alias, names = te.Alias.Name, te.Alias.Columns
		if len(cols) == 1 && len(names) == 0 {
			names = []string{te.Alias.Name}
		}
	}
	n := &TableFunc{Name: name, Args: args, OpenCtx: open, Ordinality: te.WithOrdinality}
	for _, c := range cols {
		n.Cols = append(n.Cols, Column{Name: c.Name, Type: c.Type, Table: alias})
	}
	node, err := b.finishTableFunc(te, n, alias, names)
	return node, true, err
}

// routineRows opens a function CREATE FUNCTION made as a table
// function: a set-returning one's rows, any other's one row.
func routineRows(r *builtins.Routine, strict bool) func(*builtins.EvalContext, []types.Datum) (builtins.TableIter, error) {
	return func(ec *builtins.EvalContext, a []types.Datum) (builtins.TableIter, error) {
		var rows [][]types.Datum
		switch {
		case strict && slices.ContainsFunc(a, types.Datum.IsNull):
		case ec == nil || ec.Routines == nil:
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "function %s cannot be called here", r.Name)
		case r.ReturnsSet:
			var err error
			if rows, err = ec.Routines.CallRoutineSet(r, a); err != nil {
				return nil, err
			}
		default:
			v, err := ec.Routines.CallRoutine(r, a)
			if err != nil {
				return nil, err
			}
			rows = [][]types.Datum{{v}}
		}
		return builtins.RowsIter(rows), nil
	}
}

func hasNamedArg(e *ast.FuncCall) bool {
	return slices.ContainsFunc(e.Args, func(a ast.Expr) bool { _, ok := a.(*ast.NamedArg); return ok })
}

// namedUserArgs puts a call's named arguments (f(a => 1, b => 2)) in
// their places among the parameters of the function CREATE FUNCTION
// made that has parameters of those names, a parameter left out taking
// its default: the call it returns has positional arguments only.
func (b *Binder) namedUserArgs(e *ast.FuncCall, name string) (*ast.FuncCall, error) {
	var fs []*catalog.FunctionDesc
	if b.txn != nil {
		var err error
		if fs, err = catalog.LookupFunctions(b.txn, name); err != nil {
			return nil, err
		}
	}
	positional := 0
	seen := map[string]bool{}
	for i, a := range e.Args {
		if na, ok := a.(*ast.NamedArg); ok {
			n := strings.ToLower(na.Name)
			if seen[n] {
				return nil, b.errAt(a, sqlerr.SyntaxError, "argument name %q used more than once", n)
			}
			seen[n] = true
		} else {
			if i > positional {
				return nil, b.errAt(a, sqlerr.SyntaxError, "positional argument cannot follow named argument")
			}
			positional++
		}
	}
candidates:
	for _, f := range fs {
		if len(e.Args) > len(f.ArgTypes) || len(f.ArgNames) == 0 {
			continue
		}
		args := make([]ast.Expr, len(f.ArgTypes))
		copy(args, e.Args[:positional])
		for _, a := range e.Args[positional:] {
			na := a.(*ast.NamedArg)
			at := slices.Index(f.ArgNames, strings.ToLower(na.Name))
			if at < 0 || args[at] != nil {
				continue candidates
			}
			args[at] = na.Value
		}
		for i := range args {
			if args[i] != nil {
				continue
			}
			if i >= len(f.ArgDefaults) || f.ArgDefaults[i] == "" {
				continue candidates
			}
			d, err := parser.ParseExpr(f.ArgDefaults[i])
			if err != nil {
				return nil, err
			}
			args[i] = d
		}
		c := *e
		c.Args = args
		return &c, nil
	}
	return nil, b.errAt(e, sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, namedArgList(e)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

func namedArgList(e *ast.FuncCall) string {
	parts := make([]string, len(e.Args))
	for i, a := range e.Args {
		if na, ok := a.(*ast.NamedArg); ok {
			parts[i] = na.Name + " => ..."
		} else {
			parts[i] = "..."
		}
	}
	return strings.Join(parts, ", ")
}

// inlineSQL binds a call of a simple SQL function as its body's
// expression with the arguments in place of the parameters, as
// PostgreSQL inlines them: SELECT expr and nothing else, a function
// neither STRICT (the expression might not be NULL for a NULL argument)
// nor volatile, arguments without volatile functions or subqueries (a
// parameter used twice evaluates its argument twice), and a body that
// binds without a subquery. Anything else is called.
func (b *Binder) inlineSQL(e *ast.FuncCall, f *catalog.FunctionDesc, r *builtins.Routine, args []Expr) (Expr, bool) {
	if r.Language != "sql" || r.ReturnsSet || r.Void || f.Strict || f.Volatility == "v" || b.inlineDepth >= maxInlineDepth {
		return nil, false
	}
	for _, a := range args {
		if !ParallelSafe(a) {
			return nil, false
		}
	}
	q, err := parser.ParseOne(r.Body)
	if err != nil {
		return nil, false
	}
	qq, ok := q.(*ast.Query)
	if !ok || qq.With != nil || len(qq.OrderBy) > 0 || qq.Limit != nil || qq.Offset != nil || len(qq.Locking) > 0 {
		return nil, false
	}
	sel, ok := qq.Body.(*ast.Select)
	if !ok || sel.Distinct || len(sel.Targets) != 1 || len(sel.From) > 0 || sel.Where != nil || len(sel.GroupBy) > 0 ||
		sel.Having != nil || len(sel.Windows) > 0 || sel.Into != nil {
		return nil, false
	}
	if _, star := sel.Targets[0].Expr.(*ast.Star); star {
		return nil, false
	}
	saved, savedNames := b.inline, b.ParamNames
	b.inline, b.ParamNames = &inlining{args: args, names: ParamNames(r.Name, r.ArgNames)}, nil
	b.inlineDepth++
	restore := b.catalogText(r.Body)
	aggs, wins, srf := b.agg, b.win, b.srf
	b.agg, b.win, b.srf = nil, nil, nil
	x, err := b.bindExpr(&scope{}, sel.Targets[0].Expr)
	b.agg, b.win, b.srf = aggs, wins, srf
	restore()
	b.inlineDepth--
	b.inline, b.ParamNames = saved, savedNames
	if err != nil {
		return nil, false
	}
	bad := false
	walkExpr(x, func(e Expr) {
		switch e.(type) {
		case *Subquery, *OuterRef:
			bad = true
		}
	})
	if bad {
		return nil, false
	}
	if !types.Equivalent(x.Type(), r.Return) {
		if x, err = b.cast(e, x, r.Return, types.CastAssignment); err != nil {
			return nil, false
		}
	}
	return x, true
}

// maxInlineDepth bounds inlining: a function whose body calls itself is
// inlined this deep, then called.
const maxInlineDepth = 8

// inlining is a SQL function body being bound in place of its call: its
// parameters are the call's bound arguments.
type inlining struct {
	args  []Expr
	names map[string]int
}

// ParamNames maps a function's parameter names, bare and qualified by
// the function's name (f.x), to their numbers (Binder.ParamNames).
func ParamNames(fn string, names []string) map[string]int {
	m := map[string]int{}
	for i, n := range names {
		if n != "" {
			m[n] = i + 1
			m[fn+"."+n] = i + 1
		}
	}
	return m
}
