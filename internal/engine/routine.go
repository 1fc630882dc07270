package engine

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Functions CREATE FUNCTION makes (LANGUAGE sql or plpgsql) are kept in
// the catalog as text and run by the engine when a bound call asks the
// statement's EvalContext to (EvalContext.Routines): in the calling
// statement's transaction, with the calling session's settings. A SQL
// function runs its statements in order and returns the first column of
// the last one's first row (NULL without rows); its parameters are $n
// or their names, which a column of the same name hides, as in
// PostgreSQL. Calls nest up to maxRoutineDepth deep.

// maxRoutineDepth bounds nested calls (PostgreSQL's bound is its stack:
// max_stack_depth), so a function calling itself forever fails with
// 54001 instead of exhausting the Go stack.
const maxRoutineDepth = 200

type routineDepthKey struct{}

// routineNames are the parameter names of a function body or a
// PL/pgSQL block's variables as its statements are planned (a pointer
// so planSettings stays comparable).
type routineNames struct{ m map[string]int }

// stmtEnv is what a running statement's function calls and triggers
// run in: its context, transaction, evaluation context and session. It
// holds the statement's exec.Ctx too, so both are one allocation.
type stmtEnv struct {
	x     exec.Ctx
	e     *Engine
	ctx   context.Context
	txn   *mvcc.Txn
	ec    *builtins.EvalContext
	notes *Session
	// cached: ctx carries the statement's routineCache (added on the
	// first call).
	cached bool
}

// callCtx is the context calls run in: the statement's, with its
// routine cache.
func (s *stmtEnv) callCtx() context.Context {
	if !s.cached {
		_, s.ctx = withRoutineCache(s.ctx)
		s.cached = true
	}
	return s.ctx
}

// newStmtEnv makes a statement's environment and makes it ec's
// RoutineRunner; the returned function gives ec back its previous one,
// so a statement run inside a function call does not leave its own
// (deeper) environment to the calling statement.
func (e *Engine) newStmtEnv(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session) (*stmtEnv, func()) {
	env := &stmtEnv{e: e, ctx: ctx, txn: txn, ec: ec, notes: notes}
	saved := ec.Routines
	ec.Routines = env
	return env, func() { ec.Routines = saved }
}

func (s *stmtEnv) CallRoutine(r *builtins.Routine, args []types.Datum) (types.Datum, error) {
	return s.e.callRoutine(s.callCtx(), s.txn, s.ec, s.notes, r, args)
}

func (s *stmtEnv) FireTrigger(d *catalog.Descriptor, t *catalog.Trigger, event string, old, new exec.Row) (exec.Row, bool, error) {
	return s.e.fireTrigger(s.callCtx(), s.txn, s.ec, s.notes, d, t, event, old, new)
}

func (s *stmtEnv) CallRoutineSet(r *builtins.Routine, args []types.Datum) ([][]types.Datum, error) {
	ctx, txn, ec, notes, e := s.callCtx(), s.txn, s.ec, s.notes, s.e
	depth, _ := ctx.Value(routineDepthKey{}).(int)
	if depth >= maxRoutineDepth {
		return nil, sqlerr.New(sqlerr.Code("54001"), "stack depth limit exceeded").
			WithHint("A function called functions %d deep; does it call itself without end?", maxRoutineDepth)
	}
	ctx = context.WithValue(ctx, routineDepthKey{}, depth+1)
	args = slices.Clone(args)
	var rows [][]types.Datum
	var cols []types.Type
	var err error
	switch r.Language {
	case "sql":
		rows, cols, err = e.callSQLSet(ctx, txn, ec, notes, r, args)
	default:
		rows, cols, err = e.callPLSet(ctx, txn, ec, notes, r, args)
	}
	if err != nil {
		return nil, bodyError(err)
	}
	for _, row := range rows {
		if len(row) != len(r.Cols) {
			return nil, sqlerr.New(sqlerr.DatatypeMismatch, "function %s returned a row of %d columns, not %d", r.Name, len(row), len(r.Cols))
		}
		for i, v := range row {
			if v.IsNull() || types.Equivalent(cols[i], r.Cols[i].Type) {
				continue
			}
			if row[i], err = types.Cast(v, cols[i], r.Cols[i].Type, types.CastAssignment); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}

// runBody runs a SQL function's statements: the last one's result.
func (e *Engine) runBody(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum) (Result, error) {
	body, err := cacheOf(ctx).sqlBody(r)
	if err != nil {
		return Result{}, err
	}
	var last Result
	for i, st := range body.stmts {
		if last, err = e.runNamed(ctx, txn, st, body.keys[i], r.ArgTypes, args, body.names, ec, notes); err != nil {
			return Result{}, err
		}
	}
	return last, nil
}

// callSQLSet runs a set-returning SQL function: the rows of its last
// statement.
func (e *Engine) callSQLSet(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum) ([][]types.Datum, []types.Type, error) {
	last, err := e.runBody(ctx, txn, ec, notes, r, args)
	if err != nil {
		return nil, nil, err
	}
	cols := make([]types.Type, len(last.Columns))
	for i, c := range last.Columns {
		cols[i] = c.Type
	}
	return last.Rows, cols, nil
}

func (e *Engine) callRoutine(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum) (types.Datum, error) {
	depth, _ := ctx.Value(routineDepthKey{}).(int)
	if depth >= maxRoutineDepth {
		return types.Null, sqlerr.New(sqlerr.Code("54001"), "stack depth limit exceeded").
			WithHint("A function called functions %d deep; does it call itself without end?", maxRoutineDepth)
	}
	ctx = context.WithValue(ctx, routineDepthKey{}, depth+1)
	args = slices.Clone(args) // the caller reuses its slice
	var v types.Datum
	var vt types.Type
	var err error
	switch r.Language {
	case "sql":
		v, vt, err = e.callSQL(ctx, txn, ec, notes, r, args)
	case "plpgsql":
		v, vt, err = e.callPL(ctx, txn, ec, notes, r, args, nil)
	default:
		err = sqlerr.New(sqlerr.UndefinedObject, "language %q does not exist", r.Language)
	}
	if err != nil {
		return types.Null, bodyError(err)
	}
	if r.Void {
		return types.NewText(""), nil
	}
	if v.IsNull() || types.Equivalent(vt, r.Return) {
		return v, nil
	}
	return types.Cast(v, vt, r.Return, types.CastAssignment)
}

// routineSettings are the plan settings of a routine's statements: the
// session's, with the routine's parameter names.
func routineSettings(ec *builtins.EvalContext, notes *Session, names map[string]int) planSettings {
	ps := notes.planSettings()
	if notes == nil && ec != nil {
		ps.zone = ec.Zone
	}
	ps.names = &routineNames{names}
	return ps
}

// routineCache is what the function calls of one client statement
// reuse, however deep they nest (it travels in the context): each body
// parsed once, and each statement of a body planned once per parameter
// signature, so a function called for every row of a scan plans its
// statements once. A plan is reused only while the schema it was bound
// in holds, and never by a call nested inside a run of it (a recursive
// function plans its inner calls afresh).
type routineCache struct {
	parsed map[string][]ast.Statement
	blocks map[string]*plBlock // PL/pgSQL bodies
	plans  map[string]*planned
	inUse  map[*planned]bool
	// bodies are the SQL functions' parameter names and their
	// statements' plan keys, by routine.
	bodies map[*builtins.Routine]*sqlBody
}

type sqlBody struct {
	stmts []ast.Statement
	names map[string]int
	keys  []string
}

type routineCacheKey struct{}

// maxCachedRoutinePlans bounds a statement's routine cache: dynamic SQL
// (EXECUTE in a loop) makes a new text each time.
const maxCachedRoutinePlans = 256

// withRoutineCache returns ctx's routine cache, or a new one and a
// context carrying it.
func withRoutineCache(ctx context.Context) (*routineCache, context.Context) {
	if c, ok := ctx.Value(routineCacheKey{}).(*routineCache); ok {
		return c, ctx
	}
	c := &routineCache{parsed: map[string][]ast.Statement{}, blocks: map[string]*plBlock{}, plans: map[string]*planned{}, inUse: map[*planned]bool{},
		bodies: map[*builtins.Routine]*sqlBody{}}
	return c, context.WithValue(ctx, routineCacheKey{}, c)
}

func cacheOf(ctx context.Context) *routineCache {
	c, _ := ctx.Value(routineCacheKey{}).(*routineCache)
	return c
}

// parse parses text once per cache.
func (c *routineCache) parse(text string) ([]ast.Statement, error) {
	if c == nil {
		return parser.Parse(text)
	}
	if stmts, ok := c.parsed[text]; ok {
		return stmts, nil
	}
	stmts, err := parser.Parse(text)
	if err == nil {
		c.parsed[text] = stmts
	}
	return stmts, err
}

// parsePL parses a PL/pgSQL body once per cache (the runner does not
// change what it runs).
func (c *routineCache) parsePL(text string) (*plBlock, error) {
	if c == nil {
		return parsePL(text)
	}
	if b, ok := c.blocks[text]; ok {
		return b, nil
	}
	b, err := parsePL(text)
	if err == nil {
		c.blocks[text] = b
	}
	return b, err
}

// planKey identifies a statement's plan: its text, and its parameters'
// types and names in order (which give the names map).
func planKey(text string, ptypes []types.Type, pnames []string) string {
	var b strings.Builder
	b.WriteString(text)
	for i, t := range ptypes {
		b.WriteByte(0)
		b.WriteString(t.String())
		b.WriteByte(' ')
		if i < len(pnames) {
			b.WriteString(pnames[i])
		}
	}
	return b.String()
}

// sqlBody returns a SQL function's statements, parameter names and plan
// keys, worked out once per cache.
func (c *routineCache) sqlBody(r *builtins.Routine) (*sqlBody, error) {
	if c != nil {
		if b, ok := c.bodies[r]; ok {
			return b, nil
		}
	}
	stmts, err := c.parse(r.Body)
	if err != nil {
		return nil, err
	}
	b := &sqlBody{stmts: stmts, names: plan.ParamNames(r.Name, r.ArgNames)}
	for i := range stmts {
		text := r.Body
		if len(stmts) > 1 {
			text = strconv.Itoa(i) + "\x00" + r.Body
		}
		b.keys = append(b.keys, planKey(text, r.ArgTypes, r.ArgNames))
	}
	if c != nil {
		c.bodies[r] = b
	}
	return b, nil
}

// runNamed runs one statement of a routine with parameters of the given
// types and values, names naming them; key (planKey) identifies its
// plan in the context's routine cache.
func (e *Engine) runNamed(ctx context.Context, txn *mvcc.Txn, stmt ast.Statement, key string, ptypes []types.Type, params []types.Datum, names map[string]int, ec *builtins.EvalContext, notes *Session) (Result, error) {
	switch stmt.(type) {
	case *ast.Begin, *ast.Commit, *ast.Rollback, *ast.Savepoint, *ast.Release:
		return Result{}, sqlerr.New(sqlerr.Code("0A000"), "%s is not allowed in a function", statementName(stmt))
	}
	if !plannable(stmt) {
		return e.run(ctx, txn, stmt, params, ec, notes)
	}
	ps := routineSettings(ec, notes, names)
	cache := cacheOf(ctx)
	if cache != nil {
		if p, ok := cache.plans[key]; ok && !cache.inUse[p] && e.schemaSame(p.boundAt, txn) &&
			p.settings.methods == ps.methods && p.settings.zone == ps.zone {
			cache.inUse[p] = true
			defer delete(cache.inUse, p)
			return e.execute(ctx, txn, p, params, ec, notes)
		}
	}
	p, err := e.plan(txn, stmt, ast.Format(stmt), slices.Clone(ptypes), false, ps)
	if err != nil {
		return Result{}, err
	}
	if cache != nil && !p.private && len(cache.plans) < maxCachedRoutinePlans {
		if _, taken := cache.plans[key]; !taken {
			cache.plans[key] = p
			cache.inUse[p] = true
			defer delete(cache.inUse, p)
		}
	}
	return e.execute(ctx, txn, p, params, ec, notes)
}

// bodyError drops the position of an error raised by a function body's
// text: it is a position in the body, not in the statement the client
// sent.
func bodyError(err error) error {
	if se, ok := err.(*sqlerr.Error); ok && se.Position != 0 {
		c := *se
		c.Position = 0
		return &c
	}
	return err
}

func (e *Engine) callSQL(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum) (types.Datum, types.Type, error) {
	last, err := e.runBody(ctx, txn, ec, notes, r, args)
	if err != nil {
		return types.Null, types.Type{}, err
	}
	if len(last.Rows) == 0 || len(last.Rows[0]) == 0 || len(last.Columns) == 0 {
		return types.Null, r.Return, nil
	}
	return last.Rows[0][0], last.Columns[0].Type, nil
}

// createFunction is CREATE [OR REPLACE] FUNCTION.
func (e *Engine) createFunction(ctx context.Context, b *plan.Binder, txn *mvcc.Txn, st *ast.CreateFunction, ec *builtins.EvalContext, notes *Session) (Result, error) {
	name, err := typeNameOf(st.Name)
	if err != nil {
		return Result{}, err
	}
	if st.Language != "sql" && st.Language != "plpgsql" {
		return Result{}, sqlerr.New(sqlerr.UndefinedObject, "language %q does not exist", st.Language).
			WithHint("cairn runs functions in sql and plpgsql.")
	}
	f := &catalog.FunctionDesc{Name: name, Language: st.Language, Body: st.Body, Strict: st.Strict, Volatility: "v", ReturnsSet: st.ReturnsSet, Procedure: st.Procedure}
	switch st.Volatility {
	case "immutable":
		f.Volatility = "i"
	case "stable":
		f.Volatility = "s"
	}
	seen := map[string]bool{}
	var ptypes []types.Type
	sawDefault := false
	for _, prm := range st.Params {
		t, err := b.ResolveType(prm.Type)
		if err != nil {
			return Result{}, err
		}
		if prm.Name != "" {
			if seen[prm.Name] {
				return Result{}, sqlerr.New(sqlerr.Code("42P13"), "parameter name %q used more than once", prm.Name)
			}
			seen[prm.Name] = true
		}
		def := ""
		if prm.Default != nil {
			def, sawDefault = ast.Format(prm.Default), true
		} else if sawDefault {
			return Result{}, sqlerr.New(sqlerr.Code("42P13"), "input parameters after one with a default value must also have defaults")
		}
		ptypes = append(ptypes, t)
		f.ArgNames = append(f.ArgNames, prm.Name)
		f.ArgTypes = append(f.ArgTypes, t.String())
		f.ArgDefaults = append(f.ArgDefaults, def)
	}
	if !sawDefault {
		f.ArgDefaults = nil
	}
	if !slices.ContainsFunc(f.ArgNames, func(n string) bool { return n != "" }) {
		f.ArgNames = nil
	}
	var ret types.Type
	var outs []Column // a set-returning function's columns
	switch {
	case len(st.ReturnsTable) > 0:
		f.Returns = "record"
		for _, c := range st.ReturnsTable {
			t, err := b.ResolveType(c.Type)
			if err != nil {
				return Result{}, err
			}
			f.OutNames, f.OutTypes = append(f.OutNames, c.Name), append(f.OutTypes, t.String())
			outs = append(outs, Column{Name: c.Name, Type: t})
		}
	case st.Returns == nil && st.ReturnsSet:
		return Result{}, sqlerr.New(sqlerr.Code("42P13"), "function result type must be specified")
	case st.Returns == nil:
		f.Returns = "void"
	case strings.EqualFold(st.Returns.Name, "trigger") && st.Returns.Schema == "" && len(st.Returns.ArrayBounds) == 0:
		f.Returns = "trigger"
		if st.Language == "sql" {
			return Result{}, sqlerr.New(sqlerr.Code("42P13"), "SQL functions cannot return type trigger")
		}
		if len(st.Params) > 0 {
			return Result{}, sqlerr.New(sqlerr.Code("42P13"), "trigger functions cannot have declared arguments").
				WithHint("The arguments of the trigger can be accessed through TG_NARGS and TG_ARGV instead.")
		}
	default:
		var terr error
		if ret, terr = b.ResolveType(st.Returns); terr != nil {
			// SETOF a table's name: rows of its columns.
			d, ok, err := catalog.Lookup(txn, st.Returns.Name)
			if err != nil || !ok || !st.ReturnsSet || d.Kind != catalog.KindTable || st.Returns.Schema != "" && st.Returns.Schema != "public" {
				return Result{}, terr
			}
			f.Returns, f.RowType = d.Name, true
			for i := range d.Columns {
				c := &d.Columns[i]
				if !c.Hidden {
					t, err := plan.ColumnType(c)
					if err != nil {
						return Result{}, err
					}
					outs = append(outs, Column{Name: c.Name, Type: t})
				}
			}
			break
		}
		f.Returns = ret.String()
		if st.ReturnsSet {
			outs = []Column{{Name: name, Type: ret}}
		}
	}
	replace := false
	olds, err := catalog.LookupFunctions(txn, name)
	if err != nil {
		return Result{}, err
	}
	for _, old := range olds {
		if !slices.Equal(old.ArgTypes, f.ArgTypes) {
			continue
		}
		if !st.OrReplace {
			return Result{}, catalog.ErrFunctionExists(f)
		}
		if old.Procedure != f.Procedure {
			what := "function"
			if old.Procedure {
				what = "procedure"
			}
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "cannot change routine kind").
				WithDetail("%q is a %s.", old.Name, what)
		}
		if old.Returns != f.Returns || old.ReturnsSet != f.ReturnsSet || !slices.Equal(old.OutTypes, f.OutTypes) {
			return Result{}, sqlerr.New(sqlerr.Code("42P13"), "cannot change return type of existing function").
				WithHint("Use DROP FUNCTION %s first.", old.Signature())
		}
		f.ID, replace = old.ID, true
	}
	if err := catalog.PutFunction(txn, f, replace); err != nil {
		return Result{}, err
	}
	// Checked once stored, as PostgreSQL does: a body may call its own
	// function. A failed check fails the statement, which undoes the
	// store. check_function_bodies = off (pg_dump's scripts set it: they
	// create functions before the tables they read) skips the check.
	if on := notes.checkFunctionBodies(); on {
		if err := e.checkBody(ctx, txn, f, ptypes, ret, outs, ec, notes); err != nil {
			return Result{}, bodyError(err)
		}
	}
	if f.Procedure {
		return Result{Tag: "CREATE PROCEDURE"}, nil
	}
	return Result{Tag: "CREATE FUNCTION"}, nil
}

// callQuery is the query CALL runs: SELECT procedure(args).
func callQuery(st *ast.Call) *ast.Query {
	return &ast.Query{Body: &ast.Select{Targets: []ast.Target{{Expr: st.Func}}}}
}

// call is CALL procedure(args): the call bound and run as a query's.
func (e *Engine) call(ctx context.Context, txn *mvcc.Txn, st *ast.Call, params []types.Datum, ec *builtins.EvalContext, notes *Session) (Result, error) {
	q := callQuery(st)
	ptypes := make([]types.Type, len(params))
	for i, p := range params {
		ptypes[i] = types.TypeOfDatum(p)
	}
	ps := notes.planSettings()
	if notes == nil && ec != nil {
		ps.zone = ec.Zone
	}
	ps.call = true
	p, err := e.plan(txn, q, ast.Format(st), ptypes, false, ps)
	if err != nil {
		return Result{}, err
	}
	if _, err := e.execute(ctx, txn, p, params, ec, notes); err != nil {
		return Result{}, err
	}
	return Result{Tag: "CALL"}, nil
}

// checkBody checks a new function's body as PostgreSQL does with
// check_function_bodies on: a SQL function's statements must parse and
// bind, and its last must return a value of the result type; a PL/pgSQL
// body must parse.
func (e *Engine) checkBody(ctx context.Context, txn *mvcc.Txn, f *catalog.FunctionDesc, ptypes []types.Type, ret types.Type, outs []Column, ec *builtins.EvalContext, notes *Session) error {
	if f.Language == "plpgsql" {
		_, err := parsePL(f.Body)
		return err
	}
	stmts, err := parser.Parse(f.Body)
	if err != nil {
		return err
	}
	names := plan.ParamNames(f.Name, f.ArgNames)
	var lastCols []Column
	for _, st := range stmts {
		lastCols = nil
		if !plannable(st) {
			continue
		}
		p, err := e.plan(txn, st, ast.Format(st), slices.Clone(ptypes), false, routineSettings(ec, notes, names))
		if err != nil {
			return err
		}
		lastCols = p.vcols
	}
	if f.Returns == "void" {
		return nil
	}
	if f.ReturnsSet {
		return checkSetColumns(f, lastCols, outs)
	}
	if len(lastCols) == 0 {
		return sqlerr.New(sqlerr.Code("42P13"), "return type mismatch in function declared to return %s", ret).
			WithDetail("Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
	}
	if len(lastCols) > 1 {
		return sqlerr.New(sqlerr.Code("42P13"), "return type mismatch in function declared to return %s", ret).
			WithDetail("Final statement must return exactly one column.")
	}
	if t := lastCols[0].Type; !types.Equivalent(t, ret) && t.Family() != types.UnknownFamily {
		if lvl, ok := types.CastLevel(t, ret); !ok || lvl > types.CastAssignment {
			return sqlerr.New(sqlerr.Code("42P13"), "return type mismatch in function declared to return %s", ret).
				WithDetail("Actual return type is %s.", t)
		}
	}
	return nil
}

// findFunction resolves a function named in DROP or ALTER FUNCTION:
// nil (and its name as written) when there is none.
func findFunction(b *plan.Binder, txn *mvcc.Txn, sig ast.FuncSig, procedure bool) (*catalog.FunctionDesc, string, error) {
	name, err := typeNameOf(sig.Name)
	if err != nil {
		return nil, "", err
	}
	var argTypes []string
	for _, a := range sig.Args {
		t, err := b.ResolveType(a)
		if err != nil {
			return nil, "", err
		}
		argTypes = append(argTypes, t.String())
	}
	fs, err := catalog.LookupFunctions(txn, name)
	if err != nil {
		return nil, "", err
	}
	var match []*catalog.FunctionDesc
	for _, f := range fs {
		if f.Procedure == procedure && (!sig.HasArgs || slices.Equal(f.ArgTypes, argTypes)) {
			match = append(match, f)
		}
	}
	shown := name
	if sig.HasArgs {
		shown = name + "(" + strings.Join(argTypes, ", ") + ")"
	}
	switch len(match) {
	case 0:
		return nil, shown, nil
	case 1:
		return match[0], shown, nil
	}
	return nil, shown, sqlerr.New(sqlerr.Code("42725"), "function name %q is not unique", name).
		WithHint("Specify the argument list to select the function unambiguously.")
}

// checkSetColumns checks a set-returning SQL function's last statement
// against its declared columns.
func checkSetColumns(f *catalog.FunctionDesc, got, want []Column) error {
	mismatch := func(detail string, args ...any) error {
		return sqlerr.New(sqlerr.Code("42P13"), "return type mismatch in function declared to return %s", f.Returns).WithDetail(detail, args...)
	}
	if len(got) == 0 {
		return mismatch("Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
	}
	switch {
	case len(got) < len(want):
		return mismatch("Final statement returns too few columns.")
	case len(got) > len(want):
		return mismatch("Final statement returns too many columns.")
	}
	for i, c := range got {
		if types.Equivalent(c.Type, want[i].Type) || c.Type.Family() == types.UnknownFamily {
			continue
		}
		if lvl, ok := types.CastLevel(c.Type, want[i].Type); !ok || lvl > types.CastAssignment {
			if len(want) == 1 && !f.RowType {
				return mismatch("Actual return type is %s.", c.Type)
			}
			return mismatch("Final statement returns %s instead of %s at column %d.", c.Type, want[i].Type, i+1)
		}
	}
	return nil
}

// dropFunction is DROP FUNCTION.
func (e *Engine) dropFunction(b *plan.Binder, txn *mvcc.Txn, st *ast.DropFunction, ec *builtins.EvalContext) (Result, error) {
	for _, sig := range st.Funcs {
		f, shown, err := findFunction(b, txn, sig, st.Procedure)
		switch {
		case err != nil:
			return Result{}, err
		case f == nil && st.IfExists:
			ec.SendNotice("NOTICE", "00000", "%s %s does not exist, skipping", routineWord(st.Procedure), shown)
			continue
		case f == nil:
			return Result{}, routineMissing(sig, st.Procedure, shown)
		}
		if err := e.dropTriggersOf(txn, f, st.Cascade, ec); err != nil {
			return Result{}, err
		}
		if err := catalog.DropFunction(txn, f); err != nil {
			return Result{}, err
		}
	}
	if st.Procedure {
		return Result{Tag: "DROP PROCEDURE"}, nil
	}
	return Result{Tag: "DROP FUNCTION"}, nil
}

// routineMissing is PostgreSQL's 42883 for DROP or ALTER of a routine
// that does not exist.
func routineMissing(sig ast.FuncSig, procedure bool, shown string) error {
	if !sig.HasArgs {
		return sqlerr.New(sqlerr.UndefinedFunction, "could not find a %s named %q", routineWord(procedure), shown)
	}
	return sqlerr.New(sqlerr.UndefinedFunction, "%s %s does not exist", routineWord(procedure), shown)
}

func routineWord(procedure bool) string {
	if procedure {
		return "procedure"
	}
	return "function"
}

// alterFunction is ALTER FUNCTION ... OWNER TO (nothing to change: one
// owner) or RENAME TO (the triggers that run it follow it).
func (e *Engine) alterFunction(b *plan.Binder, txn *mvcc.Txn, st *ast.AlterFunction) (Result, error) {
	f, shown, err := findFunction(b, txn, st.Func, st.Procedure)
	if err != nil {
		return Result{}, err
	}
	tag := "ALTER FUNCTION"
	if st.Procedure {
		tag = "ALTER PROCEDURE"
	}
	if f == nil {
		return Result{}, routineMissing(st.Func, st.Procedure, shown)
	}
	if st.NewName == "" || st.NewName == f.Name {
		return Result{Tag: tag}, nil
	}
	others, err := catalog.LookupFunctions(txn, st.NewName)
	if err != nil {
		return Result{}, err
	}
	for _, o := range others {
		if slices.Equal(o.ArgTypes, f.ArgTypes) {
			return Result{}, sqlerr.New(sqlerr.Code("42723"), "function %s already exists in schema \"public\"", o.Signature())
		}
	}
	if err := catalog.DropFunction(txn, f); err != nil {
		return Result{}, err
	}
	old := f.Name
	f.Name = st.NewName
	if err := catalog.PutFunction(txn, f, true); err != nil {
		return Result{}, err
	}
	if f.Returns == "trigger" {
		all, err := catalog.List(txn)
		if err != nil {
			return Result{}, err
		}
		for _, d := range all {
			if !slices.ContainsFunc(d.Triggers, func(t catalog.Trigger) bool { return t.Function == old }) {
				continue
			}
			nd := d.Clone()
			for i := range nd.Triggers {
				if nd.Triggers[i].Function == old {
					nd.Triggers[i].Function = f.Name
				}
			}
			if err := catalog.Update(txn, nd); err != nil {
				return Result{}, err
			}
		}
	}
	return Result{Tag: tag}, nil
}

// plRunnerFor makes the runner of a PL/pgSQL function's body: its
// parameters, then FOUND, then a RETURNS TABLE function's columns, are
// its first variables.
func (e *Engine) plRunnerFor(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum) *plRunner {
	run := &plRunner{e: e, ctx: ctx, txn: txn, ec: ec, notes: notes, wantRet: r.Return}
	for i, a := range args {
		name := ""
		if i < len(r.ArgNames) {
			name = r.ArgNames[i]
		}
		run.vars = append(run.vars, plVar{name: name, typ: r.ArgTypes[i], val: a})
	}
	run.vars = append(run.vars, plVar{name: "found", typ: types.Bool, val: types.NewBool(false)})
	if r.ReturnsSet {
		run.setCols, run.wantRet = r.Cols, types.Unknown
		if r.OutVars {
			// RETURNS TABLE: its columns are variables, RETURN NEXT's row.
			run.outVars, run.outAt = true, len(run.vars)
			for _, c := range r.Cols {
				run.vars = append(run.vars, plVar{name: c.Name, typ: c.Type, val: types.Null})
			}
		}
	}
	return run
}

// callPLSet runs a set-returning PL/pgSQL function: the rows its RETURN
// NEXT and RETURN QUERY statements added.
func (e *Engine) callPLSet(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum) ([][]types.Datum, []types.Type, error) {
	b, err := cacheOf(ctx).parsePL(r.Body)
	if err != nil {
		return nil, nil, err
	}
	run := e.plRunnerFor(ctx, txn, ec, notes, r, args)
	if err := run.run(b); err != nil {
		return nil, nil, err
	}
	cols := make([]types.Type, len(r.Cols))
	for i, c := range r.Cols {
		cols[i] = c.Type
	}
	return run.setRows, cols, nil
}

func (e *Engine) callPL(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, r *builtins.Routine, args []types.Datum, trig *triggerCall) (types.Datum, types.Type, error) {
	b, err := cacheOf(ctx).parsePL(r.Body)
	if err != nil {
		return types.Null, types.Type{}, err
	}
	run := e.plRunnerFor(ctx, txn, ec, notes, r, args)
	if r.Void {
		run.wantRet = types.Unknown
	}
	if trig != nil {
		run.wantRet = types.Unknown
		trig.bind(run)
	}
	if err := run.run(b); err != nil {
		return types.Null, types.Type{}, err
	}
	if trig != nil {
		return types.Null, types.Type{}, trig.result(run)
	}
	if !r.Void && !run.retSet {
		if run.retExpr == "" {
			return types.Null, types.Type{}, sqlerr.New(sqlerr.Code("2F005"), "control reached end of function without RETURN")
		}
	}
	return run.ret, run.retType, nil
}

// triggerCall is one firing of a row trigger: the row's old and new
// values (nil when the event has none) and, after the function ran,
// the row it returned (skip: RETURN NULL).
type triggerCall struct {
	name, table, event string
	before, statement  bool
	cols               []Column
	old, new           []types.Datum
	skip               bool
}

// bind gives a trigger function's runner its NEW and OLD records and
// the TG_ variables.
func (t *triggerCall) bind(r *plRunner) {
	for _, v := range []struct{ name, val string }{{"tg_name", t.name}, {"tg_table_name", t.table}, {"tg_relname", t.table},
		{"tg_op", strings.ToUpper(t.event)}, {"tg_when", map[bool]string{true: "BEFORE", false: "AFTER"}[t.before]},
		{"tg_level", map[bool]string{true: "STATEMENT", false: "ROW"}[t.statement]},
		{"tg_table_schema", "public"}} {
		r.vars = append(r.vars, plVar{name: v.name, typ: types.Text, val: types.NewText(v.val)})
	}
	r.vars = append(r.vars, plVar{name: "tg_nargs", typ: types.Int4, val: types.NewInt4(0)})
	for _, rec := range []struct {
		name string
		vals []types.Datum
	}{{"new", t.new}, {"old", t.old}} {
		// A record the event has none of (OLD of an INSERT) is NULL:
		// its fields read as NULL.
		r.vars = append(r.vars, plVar{name: rec.name, typ: types.Unknown})
		r.setRecord(rec.name, t.cols, rec.vals)
	}
}

// result reads what the trigger function returned: RETURN NEW (the
// row as the function left NEW), RETURN OLD, or RETURN NULL.
func (t *triggerCall) result(r *plRunner) error {
	switch strings.ToLower(r.retExpr) {
	case "new", "old":
		rec := strings.ToLower(r.retExpr)
		vals := t.new
		if rec == "old" {
			vals = t.old
		}
		if vals == nil {
			t.skip = true // NEW of a DELETE, OLD of an INSERT: NULL
			return nil
		}
		out := make([]types.Datum, len(t.cols))
		for i, c := range t.cols {
			j := r.lookup(rec + "." + strings.ToLower(c.Name))
			if j < 0 {
				return sqlerr.New(sqlerr.InternalError, "trigger: record %s lost field %s", rec, c.Name)
			}
			out[i] = r.vars[j].val
		}
		if rec == "new" {
			t.new = out
		} else {
			t.new = slices.Clone(t.old)
		}
		return nil
	case "null":
		t.skip = true
		return nil
	case "":
		return sqlerr.New(sqlerr.Code("2F005"), "control reached end of trigger procedure without RETURN")
	}
	if t.statement {
		return nil // a statement trigger's result is not used
	}
	return sqlerr.New(sqlerr.FeatureNotSupported, "trigger functions return NEW, OLD or NULL here, not %s", r.retExpr)
}

// triggerFunction finds a trigger's function: name(), RETURNS trigger.
func triggerFunction(txn *mvcc.Txn, name string) (*catalog.FunctionDesc, error) {
	fs, err := catalog.LookupFunctions(txn, name)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if len(f.ArgTypes) == 0 {
			if f.Returns != "trigger" {
				return nil, sqlerr.New(sqlerr.Code("42P17"), "function %s must return type trigger", f.Name)
			}
			return f, nil
		}
	}
	return nil, sqlerr.New(sqlerr.UndefinedFunction, "function %s() does not exist", name)
}

// createTrigger is CREATE [OR REPLACE] TRIGGER ... FOR EACH ROW.
func (e *Engine) createTrigger(b *plan.Binder, txn *mvcc.Txn, st *ast.CreateTrigger) (Result, error) {
	d, ok, err := catalog.Lookup(txn, st.Table.Name)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, catalog.ErrUndefinedTable(st.Table.Name)
	}
	if d.Kind != catalog.KindTable || d.MatView != "" {
		return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table", d.Name).
			WithDetail("cairn's triggers are row triggers on tables.")
	}
	fname, err := typeNameOf(st.Function)
	if err != nil {
		return Result{}, err
	}
	if _, err := triggerFunction(txn, fname); err != nil {
		return Result{}, err
	}
	t := catalog.Trigger{Name: st.Name, Before: st.Before, Function: fname, Statement: !st.ForEachRow}
	for _, ev := range st.Events {
		if !slices.Contains(t.Events, ev) {
			t.Events = append(t.Events, ev)
		}
	}
	if st.When != nil {
		t.When = ast.Format(st.When)
		w := strings.ToLower(t.When)
		if t.Statement && (strings.Contains(w, "new.") || strings.Contains(w, "old.")) {
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "statement trigger's WHEN condition cannot reference column values")
		}
		for _, ev := range t.Events {
			if ev == "insert" && strings.Contains(w, "old.") {
				return Result{}, sqlerr.New(sqlerr.Code("42P17"), "INSERT trigger's WHEN condition cannot reference OLD values")
			}
			if ev == "delete" && strings.Contains(w, "new.") {
				return Result{}, sqlerr.New(sqlerr.Code("42P17"), "DELETE trigger's WHEN condition cannot reference NEW values")
			}
		}
	}
	nd := d.Clone()
	i := slices.IndexFunc(nd.Triggers, func(x catalog.Trigger) bool { return x.Name == t.Name })
	switch {
	case i >= 0 && !st.OrReplace:
		return Result{}, sqlerr.New(sqlerr.DuplicateObject, "trigger %q for relation %q already exists", t.Name, d.Name)
	case i >= 0:
		nd.Triggers[i] = t
	default:
		nd.Triggers = append(nd.Triggers, t)
		slices.SortFunc(nd.Triggers, func(a, b catalog.Trigger) int { return strings.Compare(a.Name, b.Name) })
	}
	if err := catalog.Update(txn, nd); err != nil {
		return Result{}, err
	}
	return Result{Tag: "CREATE TRIGGER"}, nil
}

// dropTrigger is DROP TRIGGER [IF EXISTS] name ON table.
func (e *Engine) dropTrigger(txn *mvcc.Txn, st *ast.DropTrigger, ec *builtins.EvalContext) (Result, error) {
	d, ok, err := catalog.Lookup(txn, st.Table.Name)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		if st.IfExists {
			ec.SendNotice("NOTICE", "00000", "relation %q does not exist, skipping", st.Table.Name)
			return Result{Tag: "DROP TRIGGER"}, nil
		}
		return Result{}, catalog.ErrUndefinedTable(st.Table.Name)
	}
	i := slices.IndexFunc(d.Triggers, func(x catalog.Trigger) bool { return x.Name == st.Name })
	if i < 0 {
		if st.IfExists {
			ec.SendNotice("NOTICE", "00000", "trigger %q for relation %q does not exist, skipping", st.Name, d.Name)
			return Result{Tag: "DROP TRIGGER"}, nil
		}
		return Result{}, sqlerr.New(sqlerr.UndefinedObject, "trigger %q for table %q does not exist", st.Name, d.Name)
	}
	nd := d.Clone()
	nd.Triggers = slices.Delete(nd.Triggers, i, i+1)
	if err := catalog.Update(txn, nd); err != nil {
		return Result{}, err
	}
	return Result{Tag: "DROP TRIGGER"}, nil
}

// dropTriggersOf is DROP FUNCTION's check of the triggers that run f:
// without CASCADE they keep it (2BP01); with it they go too.
func (e *Engine) dropTriggersOf(txn *mvcc.Txn, f *catalog.FunctionDesc, cascade bool, ec *builtins.EvalContext) error {
	if f.Returns != "trigger" {
		return nil
	}
	all, err := catalog.List(txn)
	if err != nil {
		return err
	}
	for _, d := range all {
		var kept []catalog.Trigger
		for _, t := range d.Triggers {
			if t.Function != f.Name {
				kept = append(kept, t)
				continue
			}
			if !cascade {
				return sqlerr.New(sqlerr.Code("2BP01"), "cannot drop function %s() because other objects depend on it", f.Name).
					WithDetail("trigger %s on table %s depends on function %s()", t.Name, d.Name, f.Name).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
			ec.SendNotice("NOTICE", "00000", "drop cascades to trigger %s on table %s", t.Name, d.Name)
		}
		if len(kept) != len(d.Triggers) {
			nd := d.Clone()
			nd.Triggers = kept
			if err := catalog.Update(txn, nd); err != nil {
				return err
			}
		}
	}
	return nil
}

// fireTrigger runs a trigger's function for a statement running in
// txn, with NEW, OLD and the TG_ variables, after its WHEN condition (if
// any) held.
func (e *Engine) fireTrigger(ctx context.Context, txn *mvcc.Txn, ec *builtins.EvalContext, notes *Session, d *catalog.Descriptor, t *catalog.Trigger, event string, old, new exec.Row) (exec.Row, bool, error) {
	depth, _ := ctx.Value(routineDepthKey{}).(int)
	if depth >= maxRoutineDepth {
		return nil, false, sqlerr.New(sqlerr.Code("54001"), "stack depth limit exceeded").
			WithHint("Triggers fired triggers %d deep; does a trigger write its own table without end?", maxRoutineDepth)
	}
	ctx = context.WithValue(ctx, routineDepthKey{}, depth+1)
	f, err := triggerFunction(txn, t.Function)
	if err != nil {
		return nil, false, err
	}
	r, err := plan.NewBinder(txn, "", nil).RoutineOf(f)
	if err != nil {
		return nil, false, err
	}
	tc := &triggerCall{name: t.Name, table: d.Name, event: event, before: t.Before, statement: t.Statement}
	var idx []int // the visible columns' places in a row
	for i, c := range d.Columns {
		if c.Hidden {
			continue
		}
		ct, err := plan.ColumnType(&c)
		if err != nil {
			return nil, false, err
		}
		idx = append(idx, i)
		tc.cols = append(tc.cols, Column{Name: c.Name, Type: ct})
	}
	visible := func(row exec.Row) []types.Datum {
		if row == nil {
			return nil
		}
		out := make([]types.Datum, len(idx))
		for i, j := range idx {
			out[i] = row[j]
		}
		return out
	}
	tc.old, tc.new = visible(old), visible(new)
	if t.When != "" {
		run := &plRunner{e: e, ctx: ctx, txn: txn, ec: ec, notes: notes}
		tc.bind(run)
		v, err := run.value(t.When, types.Bool)
		if err != nil {
			return nil, false, bodyError(err)
		}
		if v.IsNull() || !v.Bool() {
			return new, false, nil // not fired: the row as it was
		}
	}
	if _, _, err := e.callPL(ctx, txn, ec, notes, r, nil, tc); err != nil {
		return nil, false, bodyError(err)
	}
	if t.Statement {
		return nil, false, nil // what it returned means nothing
	}
	if tc.skip && t.Before {
		return nil, true, nil
	}
	if !t.Before || new == nil {
		return new, false, nil
	}
	out := slices.Clone(new)
	for i, j := range idx {
		out[j] = tc.new[i]
	}
	return out, false, nil
}
