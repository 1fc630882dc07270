package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

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

// Prepared is one statement parsed once, with its parameter and result
// types known before it runs (what the protocol's Describe reports). A
// query or DML statement keeps its plan between executions for as long
// as the schema version it was planned against is current; a schema
// change makes the next execution plan it again.
type Prepared struct {
	// SQL is the statement's text.
	SQL  string
	stmt ast.Statement // nil: an empty statement
	// params are the parameter types: given, or inferred from the
	// statement (text where nothing says otherwise).
	params []types.Type
	cols   []Column
	cached *planned
	// fixedResult: the result columns were reported to the client
	// (Prepare, PREPARE), so a schema change may not change them. A
	// statement cached by Execute just takes the new ones.
	fixedResult bool
}

// ParamTypes returns the statement's parameter types.
func (p *Prepared) ParamTypes() []types.Type { return p.params }

// Columns returns the columns the statement returns, nil if none.
func (p *Prepared) Columns() []Column { return p.cols }

// Empty reports whether the statement text held no statement.
func (p *Prepared) Empty() bool { return p.stmt == nil }

// planned is a bound plan of a query or DML statement.
type planned struct {
	// boundAt is the read timestamp of the transaction the plan was
	// bound in: the plan holds for any snapshot that sees the same
	// schema (see Engine.schemaSame).
	boundAt uint64
	// private: the plan was bound in a transaction that changed the
	// schema, so it must not be kept beyond this execution.
	private bool
	query   plan.Node
	insert  *plan.Insert
	update  *plan.Update
	del     *plan.Delete
	// tables caches the bound CHECK constraints and index expressions
	// of the tables the statement writes.
	tables map[*catalog.Descriptor]*plan.TableExprs
	// refs are the schema's foreign keys by referenced table, for DML.
	refs exec.References
	// params are the parameter types after binding.
	params []types.Type
	cols   []plan.Column
	// vcols are the result's columns as clients see them (nil for DML
	// without RETURNING).
	vcols []Column
	// codecs keeps the scans' set-up between runs.
	codecs exec.Codecs
	// settings are the session settings it was bound with (the
	// planner's methods, the time zone): bound again when they change.
	settings planSettings
}

// planSettings are the session settings a plan depends on: the
// planner's allowed methods (the enable_* settings) and the time zone
// (TimeZone) casts and timestamptz arithmetic are bound in.
type planSettings struct {
	methods plan.Methods
	zone    *time.Location
	// names, for the statements of a function or PL/pgSQL block, name
	// their parameters (plan.Binder.ParamNames).
	names *routineNames
	// call: the statement is CALL's (plan.Binder.Call).
	call bool
}

// plannable reports whether stmt is planned (and so can keep a cached
// plan): queries and DML.
func plannable(stmt ast.Statement) bool {
	switch stmt.(type) {
	case *ast.Query, *ast.Insert, *ast.Update, *ast.Delete:
		return true
	}
	return false
}

// maxParams is PostgreSQL's limit on a statement's parameters.
const maxParams = 65535

// plan binds a query or DML statement. With infer, parameters beyond
// paramTypes are allowed and their types inferred.
func (e *Engine) plan(txn *mvcc.Txn, stmt ast.Statement, sql string, paramTypes []types.Type, infer bool, ps planSettings) (*planned, error) {
	b := plan.NewBinder(txn, sql, paramTypes)
	b.RowCount = e.tableRows
	b.SequenceState = e.sequenceState
	b.Activity, b.Locks = e.activity, e.locks
	b.ColumnStats = e.tableColumnStats
	b.Methods = ps.methods
	b.Zone = ps.zone
	b.Functions = e.funcs
	if ps.names != nil {
		b.ParamNames = ps.names.m
	}
	b.Call = ps.call
	if infer {
		b.InferParams(maxParams)
	}
	var err error
	p := &planned{boundAt: txn.ReadTs(), private: catalog.SchemaChangedBy(txn), settings: ps}
	switch st := stmt.(type) {
	case *ast.Query:
		if p.query, err = b.Query(st); err != nil {
			return nil, err
		}
		p.cols = p.query.Columns()
	case *ast.Insert:
		if p.insert, err = b.Insert(st); err != nil {
			return nil, err
		}
		p.cols = p.insert.Cols
	case *ast.Update:
		if p.update, err = b.Update(st); err != nil {
			return nil, err
		}
		p.cols = p.update.Cols
	case *ast.Delete:
		if p.del, err = b.Delete(st); err != nil {
			return nil, err
		}
		p.cols = p.del.Cols
	default:
		return nil, sqlerr.New(sqlerr.InternalError, "%s is not planned", statementName(stmt))
	}
	if err != nil {
		return nil, err
	}
	if p.query == nil {
		if p.refs, err = exec.LoadReferences(txn); err != nil {
			return nil, err
		}
		p.tables = map[*catalog.Descriptor]*plan.TableExprs{}
	}
	p.params = b.Params()
	if p.cols != nil {
		p.vcols = visibleColumns(p.cols)
	}
	// A plan holding live state (pg_stat_activity's rows) is not kept.
	p.private = p.private || b.Live
	return p, nil
}

// execute runs a planned statement in txn.
func (e *Engine) execute(ctx context.Context, txn *mvcc.Txn, p *planned, params []types.Datum, ec *builtins.EvalContext, notes *Session) (Result, error) {
	ec.Sequences = engineSequences{e, txn}
	env, restore := e.newStmtEnv(ctx, txn, ec, notes)
	defer restore()
	env.x = exec.Ctx{Triggers: env, Context: ctx, Txn: txn, Params: params, Eval: ec, NewRowID: e.newRowID, Refs: p.refs, Tables: p.tables, Codecs: &p.codecs, OnFTSWrite: notes.ftsHook(), WorkMem: notes.workMem(), ParallelWorkers: notes.parallelWorkers(), NewTempFile: e.newTempFile, Analyzers: &e.analyzers, FTSNumbers: &e.ftsNumbers, FTSWorkers: &e.ftsWorkers, Deferred: notes.deferredChecks()}
	x := &env.x
	switch {
	case p.query != nil:
		rows, err := x.Run(p.query)
		if err != nil {
			return Result{}, err
		}
		return rowsResult(p.vcols, rows, "SELECT "+strconv.Itoa(len(rows))), nil
	case p.insert != nil:
		res, err := x.Insert(p.insert)
		if err != nil {
			return Result{}, err
		}
		notes.noteRows(e, p.insert.Table.ID, res.Affected)
		return dmlResult(p.vcols, res, "INSERT 0 "+strconv.FormatInt(res.Affected, 10)), nil
	case p.update != nil:
		res, err := x.Update(p.update)
		if err != nil {
			return Result{}, err
		}
		if setsCountedColumn(p.update) {
			notes.noteRows(e, p.update.Table.ID, res.Affected)
		}
		return dmlResult(p.vcols, res, "UPDATE "+strconv.FormatInt(res.Affected, 10)), nil
	default:
		res, err := x.Delete(p.del)
		if err != nil {
			return Result{}, err
		}
		notes.noteRows(e, p.del.Table.ID, res.Affected)
		return dmlResult(p.vcols, res, "DELETE "+strconv.FormatInt(res.Affected, 10)), nil
	}
}

// setsCountedColumn reports whether an UPDATE can change what a recount
// would find: the statistics of a column it sets. Documents, arrays and
// byte strings have none (statsWorthy) and an UPDATE leaves the row count
// as it is, so rewriting only those (a collection's documents) does not
// make the statistics stale, and must not cost a recount of the table
// every tenth of its rows.
func setsCountedColumn(u *plan.Update) bool {
	for _, x := range u.Set {
		if statsWorthy(x.Type()) {
			return true
		}
	}
	return false
}

func (e *Engine) newRowID() int64 { return int64(e.rowID.Add(1)) }

// Prepare parses and binds one statement. paramTypes may be shorter than
// the statement's parameters, and may hold unknown types: those are
// inferred from how the statement uses them.
func (s *Session) Prepare(ctx context.Context, sql string, paramTypes []types.Type) (*Prepared, error) {
	// Clients that use the extended protocol without naming statements
	// parse the same text again for every execution: a statement
	// prepared before serves while the schema is the one it was bound
	// against.
	k, cacheable := prepareKey(sql, paramTypes)
	if p := s.prepCache[k]; cacheable && p != nil && p.cached != nil && s.schemaUnchangedSince(p.cached.boundAt) {
		return p, nil
	}
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, fromParseError(sql, err)
	}
	switch len(stmts) {
	case 0:
		return &Prepared{SQL: sql}, nil
	case 1:
	default:
		return nil, sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	p, err := s.prepareStmt(ctx, sql, stmts[0], paramTypes)
	if err != nil {
		return nil, err
	}
	p.fixedResult = true
	if cacheable && p.cached != nil {
		if s.prepCache == nil || len(s.prepCache) >= statementCacheSize {
			s.prepCache = map[stmtKey]*Prepared{}
		}
		s.prepCache[k] = p
	}
	return p, nil
}

// prepareKey is the cache key of a statement text prepared with the
// given parameter types.
func prepareKey(sql string, paramTypes []types.Type) (stmtKey, bool) {
	if len(paramTypes) > maxCachedParams {
		return stmtKey{}, false
	}
	k := stmtKey{sql: sql, n: len(paramTypes)}
	for i, t := range paramTypes {
		k.sig[i] = byte(t.Family())
		if t.IsArray() {
			k.sig[i] |= 0x80
		}
	}
	return k, true
}

// schemaUnchangedSince reports whether the session would see now the
// schema a snapshot at boundAt saw: no schema change committed since (or
// is committing), and the open transaction, if any, neither changed the
// schema nor started before the last change.
func (s *Session) schemaUnchangedSince(boundAt uint64) bool {
	e := s.e
	if e.ddlCommitting.Load() != 0 {
		return false
	}
	last := e.lastDDL.Load()
	if boundAt < last {
		return false
	}
	if s.txn != nil {
		return s.txn.ReadTs() >= last && !catalog.SchemaChangedBy(s.txn)
	}
	return true
}

// prepareStmt prepares a parsed statement.
func (s *Session) prepareStmt(ctx context.Context, sql string, stmt ast.Statement, paramTypes []types.Type) (*Prepared, error) {
	p := &Prepared{SQL: sql, stmt: stmt, params: paramTypes}
	switch st := stmt.(type) {
	case *ast.Show:
		p.cols = []Column{{Name: strings.ToLower(st.Name), Type: types.Text}}
		return p, nil
	case *ast.Explain:
		p.cols = []Column{{Name: "QUERY PLAN", Type: types.Text}}
		return p, nil
	}
	ps := s.planSettings()
	if c, ok := stmt.(*ast.Call); ok {
		// CALL is not planned ahead, but its arguments' parameters get
		// their types from the procedure's parameters, as bound here.
		stmt, ps.call = callQuery(c), true
	} else if !plannable(stmt) {
		return p, nil
	}
	if s.txn != nil && s.failed {
		return nil, errAborted()
	}
	var pl *planned
	err := s.withTxn(ctx, func(txn *mvcc.Txn) error {
		var err error
		pl, err = s.e.plan(txn, stmt, sql, append([]types.Type(nil), paramTypes...), true, ps)
		s.plans++
		return err
	})
	if err != nil {
		return nil, toSQLError(err)
	}
	p.params = pl.params
	for i, t := range p.params {
		// A parameter nothing gives a type to is text, as in PostgreSQL.
		if t.Family() == types.UnknownFamily {
			p.params[i] = types.Text
		}
	}
	if ps.call {
		return p, nil // no rows, and run as CALL
	}
	p.cols = visibleColumns(pl.cols)
	if !pl.private {
		p.cached = pl
	}
	return p, nil
}

// withTxn runs fn in the session's transaction, or in a read-only
// transaction of its own, without failing the session's transaction on
// error (binding a statement for Prepare is not running it).
func (s *Session) withTxn(ctx context.Context, fn func(*mvcc.Txn) error) error {
	if s.txn != nil {
		return fn(s.txn)
	}
	txn, err := s.e.db.Begin(mvcc.TxnOptions{NoSync: true})
	if err != nil {
		return err
	}
	defer txn.Rollback()
	return fn(txn)
}

// ExecutePrepared runs a prepared statement with params, which are
// converted to the statement's parameter types.
func (s *Session) ExecutePrepared(ctx context.Context, p *Prepared, params []types.Datum) (Result, error) {
	if p.stmt == nil {
		return Result{Tag: ""}, nil
	}
	if len(params) != len(p.params) && plannable(p.stmt) {
		return Result{}, sqlerr.New(sqlerr.Code("08P01"), "bind message supplies %d parameters, but prepared statement requires %d", len(params), len(p.params))
	}
	args, err := coerceParams(p.params, params, s.Zone())
	if err != nil {
		return Result{}, err
	}
	return s.executeTimed(ctx, p.stmt, args, p)
}

// coerceParams converts parameter values to the parameter types: text
// of unknown type is parsed; other values are cast as an assignment
// would be; zone is the session time zone.
func coerceParams(want []types.Type, params []types.Datum, zone *time.Location) ([]types.Datum, error) {
	out := params
	for i, d := range params {
		if i >= len(want) || d.IsNull() {
			continue
		}
		t := want[i]
		have := types.TypeOfDatum(d)
		if t.Family() == types.UnknownFamily || types.Equivalent(have, t) {
			continue
		}
		var v types.Datum
		var err error
		if d.Kind() == types.UnknownFamily && t.Family() != types.TimestampTZFamily {
			v, err = types.ParseText(t, d.Str())
		} else {
			// A timestamptz parameter without an offset is a wall-clock
			// time in the session zone.
			fn, ok := types.CastFuncIn(have, t, types.CastExplicit, zone)
			if !ok {
				return nil, sqlerr.New(sqlerr.DatatypeMismatch, "parameter $%d: cannot convert %s to %s", i+1, have, t)
			}
			v, err = fn(d)
		}
		if err != nil {
			return nil, err
		}
		if &out[0] == &params[0] {
			out = append([]types.Datum(nil), params...)
		}
		out[i] = v
	}
	return out, nil
}

// runPrepared runs a prepared query or DML statement in txn, planning it
// again if the schema changed since it was planned.
func (s *Session) runPrepared(ctx context.Context, txn *mvcc.Txn, p *Prepared, params []types.Datum, ec *builtins.EvalContext) (Result, error) {
	pl := p.cached
	var err error
	if pl == nil || !s.e.schemaSame(pl.boundAt, txn) || pl.settings != s.planSettings() {
		s.plans++
		if pl, err = s.e.plan(txn, p.stmt, p.SQL, append([]types.Type(nil), p.params...), false, s.planSettings()); err != nil {
			return Result{}, err
		}
		cols := visibleColumns(pl.cols)
		if !sameColumns(p.cols, cols) {
			if p.fixedResult {
				return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "cached plan must not change result type")
			}
			p.cols = cols
		}
		p.cached = nil
		if !pl.private {
			p.cached = pl
		}
	}
	return s.e.execute(ctx, txn, pl, params, ec, s)
}

func sameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !types.Equivalent(a[i].Type, b[i].Type) {
			return false
		}
	}
	return true
}

// statementCacheSize bounds the plans a session keeps for statement
// texts it runs without an explicit Prepare.
const statementCacheSize = 128

// cachedStatement returns the session's prepared form of a statement
// text run with parameters of the given types, preparing it on first
// use. It returns nil for texts that are not one plannable statement.
func (s *Session) cachedStatement(ctx context.Context, sql string, params []types.Datum) *Prepared {
	if len(params) > maxCachedParams {
		return nil
	}
	k := stmtKey{sql: sql, n: len(params)}
	for i, p := range params {
		t := types.TypeOfDatum(p)
		k.sig[i] = byte(t.Family())
		if t.IsArray() {
			k.sig[i] |= 0x80
		}
	}
	if p, ok := s.stmtCache[k]; ok {
		return p // nil: not one plannable statement
	}
	remember := func(p *Prepared) {
		if s.stmtCache == nil || len(s.stmtCache) >= statementCacheSize {
			s.stmtCache = map[stmtKey]*Prepared{}
		}
		s.stmtCache[k] = p
	}
	stmts, err := parser.Parse(sql)
	if err != nil || len(stmts) != 1 || !plannable(stmts[0]) {
		remember(nil)
		return nil
	}
	paramTypes := make([]types.Type, len(params))
	for i, p := range params {
		paramTypes[i] = types.TypeOfDatum(p)
	}
	p, err := s.prepareStmt(ctx, sql, stmts[0], paramTypes)
	if err != nil || len(p.params) != len(params) {
		// Errors are reported by the ordinary path, which binds again
		// (the statement may bind later, once its tables exist).
		return nil
	}
	remember(p)
	return p
}

// maxCachedParams bounds the parameters of statements Execute caches.
const maxCachedParams = 32

// stmtKey identifies a statement text run with parameters of given
// types (family, with the top bit for arrays).
type stmtKey struct {
	sql string
	n   int
	sig [maxCachedParams]byte
}

// now returns the statement's evaluation context.
func (s *Session) evalContext() *builtins.EvalContext {
	ec := &builtins.EvalContext{TxnTime: s.txnStart, StmtTime: time.Now(), Database: "cairn", User: "cairn", DatabaseSize: s.databaseSizeFn, RelationSize: s.relationSizeFn, Notify: s.notifyFn, Zone: s.Zone(),
		Setting: s.settingFn, SetSetting: s.setConfigFn, BackendPID: s.pid, SignalBackend: s.e.signalFn, TxnID: s.txnIDFn,
		Random: s.randomFn, SetSeed: s.setSeedFn, Notice: s.noticeFn}
	if len(s.notices) > maxNotices {
		s.notices = s.notices[len(s.notices)-maxNotices:] // no one takes them (the embedded API)
	}
	if s.txn == nil {
		ec.TxnTime = ec.StmtTime
		s.xid, s.xidTxn = 0, nil // a statement of its own: a transaction of its own
	}
	return ec
}

// maxNotices bounds the notices a session keeps for TakeNotices.
const maxNotices = 1000

// txnID is txid_current: the transaction's id, handed out on first use
// (Engine.newXID), the same for the rest of the transaction.
func (s *Session) txnID() int64 {
	if s.xid == 0 || s.xidTxn != s.txn {
		s.xid, s.xidTxn = s.e.newXID(), s.txn
	}
	return int64(s.xid)
}

// setConfig is set_config(name, value, local): SET [LOCAL] name = value.
func (s *Session) setConfig(name, value string, local bool) error {
	_, err := s.set(&ast.SetVar{Name: name, Local: local, Values: []ast.Expr{&ast.Literal{Kind: ast.LitString, Val: value}}})
	return err
}

// databaseSize is the bytes of the store's tables and memtable.
func (e *Engine) databaseSize() int64 {
	m := e.db.LSM().Metrics()
	n := m.MemTableBytes
	for _, b := range m.LevelBytes {
		n += int64(b)
	}
	return n
}
