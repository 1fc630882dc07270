package engine

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// TxStatus is a session's transaction state as the PostgreSQL protocol
// reports it in ReadyForQuery.
type TxStatus byte

const (
	TxIdle   TxStatus = 'I' // not in a transaction block
	TxActive TxStatus = 'T' // in a transaction block
	TxFailed TxStatus = 'E' // in a failed transaction block
)

// Session is one connection's state: its transaction and settings. A
// Session is used by one goroutine at a time.
type Session struct {
	e *Engine
	// advisoryXact and advisoryHeld: the session may hold
	// transaction-level, session-level advisory locks (advisory.go).
	advisoryXact, advisoryHeld atomic.Bool
	advisoryFn                 func(context.Context, builtins.AdvisoryRequest) (bool, error) // s.advisory, made once
	// settingFn and setConfigFn are s.Setting and s.setConfig as func
	// values, made once: every statement's evaluation context holds them.
	settingFn   func(string) (string, bool)
	setConfigFn func(name, value string, local bool) error
	// relationSizeFn, txnIDFn, notifyFn and databaseSizeFn are
	// s.relationSize, s.txnID, s.queueNotify and e.databaseSize, made
	// once too.
	relationSizeFn func(int64, builtins.SizePart) (int64, bool)
	txnIDFn        func() int64
	notifyFn       func(channel, payload string) error
	databaseSizeFn func() int64
	// rng is random()'s generator, seeded by setseed (randomFn,
	// setSeedFn); its own lock: parallel workers draw from it.
	rng struct {
		sync.Mutex
		r *rand.Rand
	}
	randomFn  func() float64
	setSeedFn func(float64)
	// notices are the notices statements sent since TakeNotices last
	// took them (noticeFn appends).
	notices  []builtins.Notice
	noticeFn func(builtins.Notice)
	// xid is the transaction id txid_current gave the explicit
	// transaction xidTxn, or (xidTxn nil) the running statement's own
	// transaction; 0 for none yet.
	xid    uint64
	xidTxn *mvcc.Txn
	// txn is the explicit transaction, if one is open (BEGIN).
	txn    *mvcc.Txn
	failed bool
	// deferred holds the transaction's deferred foreign key checks (the
	// explicit one's, or the statement's own transaction's).
	deferred exec.DeferredChecks
	// pid, outbox and inbox serve LISTEN and NOTIFY (notify.go): the
	// process id notifications carry, the transaction's notifications
	// not yet sent (and the same as a set, once there are many), and
	// those received. The channels listened on are the engine's
	// notifier's.
	pid      int32
	outbox   []Notification
	outboxAt map[Notification]bool
	inbox    inbox
	// beforeCommit, if set, runs before a statement's own transaction
	// commits (tests: a conflicting commit in between).
	beforeCommit func()
	// rowWrites counts the rows the transaction wrote per table
	// (noteRows).
	rowWrites map[uint32]int64
	// settings holds SET variables.
	settings map[string]string
	// temps are the temporary tables the session created, with their ON
	// COMMIT action ("drop", "delete rows" or ""), by id; the session
	// drops them when it ends (temp.go).
	temps map[uint32]tempTable
	// txnQueried: a statement ran in the open transaction block (its
	// isolation can no longer change).
	txnQueried bool
	// txnSettings holds what the settings the open transaction block
	// changed were before it: ROLLBACK puts them back, as PostgreSQL
	// does, and so does the block's end for those SET LOCAL changed.
	txnSettings map[string]settingBefore
	// derived caches what statements read of settings (derivedSettings);
	// nil after any change.
	derived *derivedSettings
	// defaults override defaultSettings for this session (SetDefault).
	defaults map[string]string
	// savepoints of the explicit transaction, oldest first.
	savepoints []namedSavepoint
	// txnStart is when the explicit transaction began: now() for all its
	// statements.
	txnStart time.Time
	// prepared holds PREPAREd statements by name.
	prepared map[string]*Prepared
	// stmtCache holds the prepared form of statement texts run by
	// Execute, so a repeated statement is parsed and planned once.
	stmtCache map[stmtKey]*Prepared
	// prepCache holds statements prepared by Prepare, by text and given
	// parameter types.
	prepCache map[stmtKey]*Prepared
	// plans counts statements bound for Prepare or a prepared
	// statement's execution (for tests of the plan cache).
	plans int
	// ftsWrites weighs the current transaction's fts document writes
	// (exec.Ctx.OnFTSWrite), reported to the engine when it commits
	// (background merges).
	ftsWrites map[ftsKey]int
}

// noteFTS records a document write to an fts index and its weight.
func (s *Session) noteFTS(table, index uint32, weight int) {
	if s.ftsWrites == nil {
		s.ftsWrites = map[ftsKey]int{}
	}
	s.ftsWrites[ftsKey{table, index}] += weight
}

// endTxn hands the committed transaction's fts writes to the engine (or
// forgets them after a rollback).
func (s *Session) endTxn(committed bool) {
	if committed {
		s.e.noteFTSWrites(s.ftsWrites, ftsMergePiece)
		for id, n := range s.rowWrites {
			s.e.noteTableWrites(id, n)
		}
	}
	s.ftsWrites, s.rowWrites = nil, nil
	if len(s.temps) > 0 {
		s.onCommitTemps(committed)
	}
	for name, b := range s.txnSettings {
		if committed && !b.local {
			continue
		}
		if b.set {
			s.settings[name] = b.value
		} else {
			delete(s.settings, name)
		}
		s.derived = nil
	}
	s.txnSettings = nil
	s.deferred.Reset()
	s.sendNotifications(committed)
	s.releaseAdvisory(false)
}

// deferredChecks is the transaction's deferred foreign key checks (nil
// for no session).
func (s *Session) deferredChecks() *exec.DeferredChecks {
	if s == nil {
		return nil
	}
	return &s.deferred
}

// checkDeferred runs the deferred foreign key checks before txn
// commits; a violation rolls it back, as PostgreSQL's COMMIT does.
func (s *Session) checkDeferred(ctx context.Context, txn *mvcc.Txn) error {
	if !s.deferred.Pending() {
		return nil
	}
	return s.deferred.Check(ctx, txn, true)
}

// ftsHook is the callback statements report fts index writes to (nil
// without a session).
func (s *Session) ftsHook() func(table, index uint32, weight int) {
	if s == nil {
		return nil
	}
	return s.noteFTS
}

// noteRows counts rows a statement wrote to a table. The counts reach the
// engine (which recounts a table that changed enough) when the
// transaction commits: a recount started earlier would not see them.
func (s *Session) noteRows(e *Engine, table uint32, n int64) {
	if s == nil {
		e.noteTableWrites(table, n)
		return
	}
	if s.rowWrites == nil {
		s.rowWrites = map[uint32]int64{}
	}
	s.rowWrites[table] += n
}

type namedSavepoint struct {
	name string
	sp   mvcc.Savepoint
}

// NewSession returns a new session.
func (e *Engine) NewSession() *Session {
	s := &Session{e: e, settings: map[string]string{}, inbox: inbox{wake: make(chan struct{}, 1)}}
	s.advisoryFn, s.settingFn, s.setConfigFn = s.advisory, s.Setting, s.setConfig
	s.relationSizeFn, s.txnIDFn, s.notifyFn, s.databaseSizeFn = s.relationSize, s.txnID, s.queueNotify, e.databaseSize
	s.randomFn, s.setSeedFn = s.random, s.setSeed
	s.noticeFn = func(n builtins.Notice) { s.notices = append(s.notices, n) }
	return s
}

// TxStatus reports the session's transaction state.
func (s *Session) TxStatus() TxStatus {
	switch {
	case s.txn == nil:
		return TxIdle
	case s.failed:
		return TxFailed
	}
	return TxActive
}

// Execute runs the statements in sql ($1... bound to params) and returns
// one Result per statement. It stops at the first error, returning the
// results of the statements before it; the error is a *sqlerr.Error.
func (s *Session) Execute(ctx context.Context, sql string, params []types.Datum) ([]Result, error) {
	if p := s.cachedStatement(ctx, sql, params); p != nil {
		if err := ctx.Err(); err != nil {
			return nil, exec.CanceledError(err)
		}
		r, err := s.executeTimed(ctx, p.stmt, params, p)
		if err != nil {
			return nil, err
		}
		return []Result{r}, nil
	}
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, fromParseError(sql, err)
	}
	var results []Result
	for _, stmt := range stmts {
		if err := ctx.Err(); err != nil {
			return results, exec.CanceledError(err)
		}
		r, err := s.executeTimed(ctx, stmt, params, nil)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// executeTimed runs a statement under the session's statement_timeout,
// read per statement so a SET earlier in the same text applies.
func (s *Session) executeTimed(ctx context.Context, stmt ast.Statement, params []types.Datum, prep *Prepared) (Result, error) {
	t, err := statementTimeout(s.settings["statement_timeout"])
	if err != nil {
		return Result{}, err
	}
	if t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	return s.executeStmt(ctx, stmt, params, prep)
}

// fromParseError converts the parser's error to a sqlerr with a
// PostgreSQL character position.
func fromParseError(sql string, err error) error {
	if pe, ok := err.(*parser.Error); ok {
		return sqlerr.New(sqlerr.Code(pe.Code), "%s", pe.Message).WithPosition(pe.CharPos(sql))
	}
	return sqlerr.Wrap(err, sqlerr.SyntaxError, "%v", err)
}

// executeStmt runs one statement (with its prepared form, if it has
// one), recovering a panic into XX000 so a bug fails the statement, not
// the process.
func (s *Session) executeStmt(ctx context.Context, stmt ast.Statement, params []types.Datum, prep *Prepared) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = sqlerr.New(sqlerr.InternalError, "internal error: %v", p).WithDetail("%s", debug.Stack())
		}
		if errors.Is(err, mvcc.ErrReadOnly) {
			err = sqlerr.New(sqlerr.Code("25006"), "cannot execute %s in a read-only transaction", statementName(stmt))
		}
		if err != nil {
			err = toSQLError(err)
			// Any error inside a transaction block fails it, as in
			// PostgreSQL, until ROLLBACK (or ROLLBACK TO a savepoint).
			if s.txn != nil {
				s.failed = true
			}
		}
	}()
	switch st := stmt.(type) {
	case *ast.Begin:
		return s.begin(st)
	case *ast.Commit:
		return s.commit()
	case *ast.Rollback:
		if st.Savepoint != "" {
			return s.rollbackTo(st.Savepoint)
		}
		return s.rollback()
	case *ast.Savepoint:
		if s.txn == nil {
			return Result{}, sqlerr.New(sqlerr.NoActiveSQLTransaction, "SAVEPOINT can only be used in transaction blocks")
		}
		if s.failed {
			return Result{}, errAborted()
		}
		s.savepoints = append(s.savepoints, namedSavepoint{st.Name, s.txn.Savepoint()})
		return Result{Tag: "SAVEPOINT"}, nil
	case *ast.Release:
		i, err := s.findSavepoint(st.Name)
		if err != nil {
			return Result{}, err
		}
		if s.failed {
			return Result{}, errAborted()
		}
		s.savepoints = s.savepoints[:i]
		return Result{Tag: "RELEASE"}, nil
	case *ast.Analyze:
		if st.Vacuum {
			return s.vacuum(ctx, st)
		}
	case *ast.SetVar:
		return s.set(st)
	case *ast.SetTransaction:
		return s.setTransaction(st)
	case *ast.Lock:
		return s.lockTables(ctx, st)
	case *ast.Listen:
		if s.failed {
			return Result{}, errAborted()
		}
		return s.listen(st.Channel)
	case *ast.Unlisten:
		if s.failed {
			return Result{}, errAborted()
		}
		return s.unlisten(st.Channel)
	case *ast.Notify:
		if s.failed {
			return Result{}, errAborted()
		}
		if err := s.queueNotify(st.Channel, st.Payload); err != nil {
			return Result{}, err
		}
		if s.txn == nil {
			s.sendNotifications(true)
		}
		return Result{Tag: "NOTIFY"}, nil
	case *ast.SetConstraints:
		if s.txn == nil {
			// PostgreSQL warns and does nothing.
			return Result{Tag: "SET CONSTRAINTS"}, nil
		}
		if s.failed {
			return Result{}, errAborted()
		}
		s.deferred.SetMode(st.Names, st.Deferred)
		if !st.Deferred {
			// Newly immediate constraints check what waited for them.
			if err := s.deferred.Check(ctx, s.txn, false); err != nil {
				s.failed = true
				return Result{}, err
			}
		}
		return Result{Tag: "SET CONSTRAINTS"}, nil
	case *ast.Reset:
		// Back to the default (or the server's default for the session).
		if name := strings.ToLower(st.Name); name == "all" {
			clear(s.settings)
			s.derived = nil
		} else {
			delete(s.settings, name)
			s.derived = nil
		}
		return Result{Tag: "RESET"}, nil
	case *ast.Show:
		return s.show(st)
	case *ast.Prepare:
		return s.prepare(ctx, st)
	case *ast.Execute:
		p, ok := s.prepared[st.Name]
		if !ok {
			return Result{}, sqlerr.New(sqlerr.Code("26000"), "prepared statement %q does not exist", st.Name)
		}
		args, err := s.executeArgs(ctx, p, st.Params)
		if err != nil {
			return Result{}, err
		}
		args, err = coerceParams(p.params, args, s.Zone())
		if err != nil {
			return Result{}, err
		}
		return s.executeStmt(ctx, p.stmt, args, p)
	case *ast.Deallocate:
		if st.Name == "" {
			s.prepared = nil
		} else if _, ok := s.prepared[st.Name]; !ok {
			return Result{}, sqlerr.New(sqlerr.Code("26000"), "prepared statement %q does not exist", st.Name)
		}
		delete(s.prepared, st.Name)
		return Result{Tag: "DEALLOCATE"}, nil
	}
	ec := s.evalContext()
	ec.Advisory, ec.Context = s.advisoryFn, ctx
	if prep != nil && prep.stmt == stmt && plannable(stmt) {
		return s.inTxn(ctx, func(txn *mvcc.Txn) (Result, error) {
			return s.runPrepared(ctx, txn, prep, params, ec)
		})
	}
	run := func(txn *mvcc.Txn) (Result, error) {
		return s.e.run(ctx, txn, stmt, params, ec, s)
	}
	if s.txn == nil && bulkDDL(stmt) {
		return s.inTxnBudget(ctx, bulkBudget, run)
	}
	return s.inTxn(ctx, run)
}

// bulkBudget is the write-set budget of an autocommit statement that
// writes a whole table's worth of keys at once.
const bulkBudget = 1 << 30

// bulkDDL reports whether stmt rewrites or indexes a whole table: CREATE
// INDEX backfills, ALTER TABLE may fill a column, CREATE TABLE AS copies,
// TRUNCATE deletes every key.
func bulkDDL(stmt ast.Statement) bool {
	switch stmt.(type) {
	case *ast.CreateIndex, *ast.AlterTable, *ast.CreateTable, *ast.Truncate:
		return true
	}
	return false
}

// toSQLError gives every error a SQLSTATE.
func toSQLError(err error) error {
	var se *sqlerr.Error
	if errors.As(err, &se) {
		return err
	}
	return sqlerr.Wrap(err, sqlerr.CodeOf(err), "%v", err)
}

// inTxn runs fn in the explicit transaction (rolling the statement back
// to a savepoint and failing the transaction on error) or in a
// transaction of its own (autocommit).
func (s *Session) inTxn(ctx context.Context, fn func(*mvcc.Txn) (Result, error)) (Result, error) {
	return s.inTxnBudget(ctx, 0, fn)
}

// inTxnBudget is inTxn with a write-set budget for an autocommit
// transaction (0: the store's default).
func (s *Session) inTxnBudget(ctx context.Context, budget int64, fn func(*mvcc.Txn) (Result, error)) (Result, error) {
	if s.txn != nil {
		if s.failed {
			return Result{}, errAborted()
		}
		// No savepoint for the statement: a failed one fails the
		// transaction, after which only ROLLBACK or ROLLBACK TO a
		// savepoint made before it (which undoes the statement's writes
		// with the rest) is accepted. A savepoint per statement would
		// have the transaction keep an undo entry for every write (a
		// bulk load's thousand rows a transaction included).
		s.txnQueried = true
		r, err := runStatement(ctx, s.txn, fn)
		if err != nil {
			s.failed = true
		}
		return r, err
	}
	for attempt := 1; ; attempt++ {
		txn, err := s.e.db.Begin(mvcc.TxnOptions{NoSync: s.e.opts.NoSync, MemoryBudget: budget, Isolation: s.defaultIsolation(), ReadOnly: s.defaultReadOnly()})
		if err != nil {
			return Result{}, err
		}
		r, err := runStatement(ctx, txn, fn)
		if err == nil {
			err = s.checkDeferred(ctx, txn)
		}
		if err != nil {
			txn.Rollback()
			s.endTxn(false)
			return Result{}, err
		}
		if s.beforeCommit != nil {
			s.beforeCommit()
		}
		err = s.e.commit(txn)
		if err == nil {
			s.endTxn(true)
			return r, nil
		}
		s.endTxn(false)
		// A statement in a transaction of its own that lost a conflict
		// at commit has shown nothing to anyone: it runs again, after
		// the winner (Commit waited until a new snapshot sees it). A
		// background fts merge folding a document the statement updates
		// is such a winner; the statement must not fail for it.
		if attempt < implicitRetries && errors.Is(err, mvcc.ErrConflict) && ctx.Err() == nil {
			continue
		}
		return Result{}, err
	}
}

// implicitRetries is how many times a statement outside an explicit
// transaction runs before its commit's conflict is the caller's.
const implicitRetries = 4

// isolationOf maps an isolation level's SQL name to mvcc's: READ
// UNCOMMITTED is READ COMMITTED, as in PostgreSQL; REPEATABLE READ is
// snapshot isolation.
func isolationOf(name string) mvcc.Isolation {
	switch name {
	case "serializable":
		return mvcc.Serializable
	case "read committed", "read uncommitted":
		return mvcc.ReadCommitted
	}
	return mvcc.SnapshotIsolation
}

// isolationName is an isolation level's SQL name, as SHOW reports it.
func isolationName(iso mvcc.Isolation) string {
	switch iso {
	case mvcc.Serializable:
		return "serializable"
	case mvcc.ReadCommitted:
		return "read committed"
	}
	return "repeatable read"
}

// maxStatementRestarts bounds how often one READ COMMITTED statement is
// run again after concurrent updates of the rows it writes.
const maxStatementRestarts = 100

// runStatement runs one statement in txn. Under READ COMMITTED the
// statement reads a new snapshot, and when a row it writes was updated
// by a transaction it waited for (mvcc.ErrRestartStatement), its writes
// are rolled back and it runs again on a newer snapshot: the effect of
// PostgreSQL re-checking the updated row.
func runStatement(ctx context.Context, txn *mvcc.Txn, fn func(*mvcc.Txn) (Result, error)) (Result, error) {
	if txn.Options().Isolation != mvcc.ReadCommitted {
		return fn(txn)
	}
	txn.SetContext(ctx)
	defer txn.SetContext(nil)
	for attempt := 0; ; attempt++ {
		sp := txn.Savepoint()
		txn.Refresh()
		r, err := fn(txn)
		if err == nil || !errors.Is(err, mvcc.ErrRestartStatement) || attempt >= maxStatementRestarts {
			return r, err
		}
		if rerr := txn.RollbackTo(sp); rerr != nil {
			return r, rerr
		}
	}
}

func errAborted() error {
	return sqlerr.New(sqlerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
}

func (s *Session) findSavepoint(name string) (int, error) {
	if s.txn == nil {
		return 0, sqlerr.New(sqlerr.NoActiveSQLTransaction, "savepoints can only be used in transaction blocks")
	}
	for i := len(s.savepoints) - 1; i >= 0; i-- {
		if s.savepoints[i].name == name {
			return i, nil
		}
	}
	return 0, sqlerr.New(sqlerr.Code("3B001"), "savepoint %q does not exist", name)
}

// rollbackTo undoes the transaction's work since a savepoint, which stays
// defined, and clears the failed state.
func (s *Session) rollbackTo(name string) (Result, error) {
	i, err := s.findSavepoint(name)
	if err != nil {
		return Result{}, err
	}
	if err := s.txn.RollbackTo(s.savepoints[i].sp); err != nil {
		return Result{}, err
	}
	s.savepoints = s.savepoints[:i+1]
	s.failed = false
	return Result{Tag: "ROLLBACK"}, nil
}

func (s *Session) begin(st *ast.Begin) (Result, error) {
	if s.txn != nil {
		// PostgreSQL warns and carries on.
		return Result{Tag: "BEGIN"}, nil
	}
	opts := mvcc.TxnOptions{NoSync: s.e.opts.NoSync, ReadOnly: st.Modes.Access == ast.ReadOnly}
	if st.Modes.Access == ast.AccessDefault {
		opts.ReadOnly = s.defaultReadOnly()
	}
	opts.Isolation = s.defaultIsolation()
	if st.Modes.Isolation != "" {
		opts.Isolation = isolationOf(strings.ToLower(st.Modes.Isolation))
	}
	txn, err := s.e.db.Begin(opts)
	if err != nil {
		return Result{}, err
	}
	s.txn, s.failed, s.savepoints, s.txnStart, s.txnQueried = txn, false, nil, time.Now(), false
	return Result{Tag: "BEGIN"}, nil
}

// setTransaction is SET TRANSACTION modes: the open transaction block's
// isolation (before its first query, as in PostgreSQL: 25001 after) and
// access mode; or SET SESSION CHARACTERISTICS AS TRANSACTION modes, the
// defaults of the session's later transactions.
func (s *Session) setTransaction(st *ast.SetTransaction) (Result, error) {
	m := st.Modes
	ok := Result{Tag: "SET"}
	if st.Session {
		if m.Isolation != "" {
			s.settings["default_transaction_isolation"] = strings.ToLower(m.Isolation)
		}
		if m.Access != ast.AccessDefault {
			s.settings["default_transaction_read_only"] = onOff(m.Access == ast.ReadOnly)
		}
		s.derived = nil
		return ok, nil
	}
	if s.txn == nil {
		return ok, nil // PostgreSQL warns that there is no transaction block
	}
	if s.failed {
		return Result{}, errAborted()
	}
	opts := s.txn.Options()
	changed := false
	if m.Isolation != "" {
		if iso := isolationOf(strings.ToLower(m.Isolation)); iso != opts.Isolation {
			if s.txnQueried {
				return Result{}, sqlerr.New(sqlerr.Code("25001"), "SET TRANSACTION ISOLATION LEVEL must be called before any query")
			}
			opts.Isolation, changed = iso, true
		}
	}
	switch {
	case m.Access == ast.ReadOnly && !opts.ReadOnly:
		opts.ReadOnly, changed = true, true
	case m.Access == ast.ReadWrite && opts.ReadOnly:
		if s.txnQueried {
			return Result{}, sqlerr.New(sqlerr.Code("25006"), "cannot set transaction read-write mode inside a read-only transaction")
		}
		opts.ReadOnly, changed = false, true
	}
	if !changed {
		return ok, nil
	}
	if s.txnQueried {
		// Only READ ONLY gets here: the transaction refuses writes from
		// now on.
		if err := s.txn.SetReadOnly(); err != nil {
			return Result{}, err
		}
		return ok, nil
	}
	// Nothing was read yet: the transaction begins again with the modes.
	s.txn.Rollback()
	txn, err := s.e.db.Begin(opts)
	if err != nil {
		s.txn = nil
		return Result{}, err
	}
	s.txn = txn
	return ok, nil
}

func (s *Session) commit() (Result, error) {
	if s.txn == nil {
		return Result{Tag: "COMMIT"}, nil
	}
	txn, failed := s.txn, s.failed
	s.txn, s.failed = nil, false
	if failed {
		txn.Rollback()
		s.endTxn(false)
		return Result{Tag: "ROLLBACK"}, nil
	}
	if err := s.checkDeferred(context.Background(), txn); err != nil {
		txn.Rollback()
		s.endTxn(false)
		return Result{}, err
	}
	if err := s.e.commit(txn); err != nil {
		s.endTxn(false)
		return Result{}, err
	}
	s.endTxn(true)
	return Result{Tag: "COMMIT"}, nil
}

func (s *Session) rollback() (Result, error) {
	if s.txn != nil {
		s.txn.Rollback()
		s.txn, s.failed = nil, false
		s.endTxn(false)
	}
	return Result{Tag: "ROLLBACK"}, nil
}

// onOff is a boolean setting's value as SHOW prints it.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// settingBefore is a setting's value before the open transaction block
// changed it (set: it had one), and whether SET LOCAL changed it.
type settingBefore struct {
	value      string
	set, local bool
}

func (s *Session) set(st *ast.SetVar) (Result, error) {
	name := strings.ToLower(st.Name)
	if st.Local && s.txn == nil {
		// Outside a transaction block SET LOCAL lasts until the end of
		// the statement's own transaction: it changes nothing.
		return Result{Tag: "SET"}, nil
	}
	if s.txn != nil {
		b, seen := s.txnSettings[name]
		if !seen {
			b.value, b.set = s.settings[name]
			b.local = st.Local
		} else if !st.Local {
			b.local = false // a plain SET outlasts the block
		}
		if s.txnSettings == nil {
			s.txnSettings = map[string]settingBefore{}
		}
		s.txnSettings[name] = b
	}
	if st.Default || len(st.Values) == 0 {
		delete(s.settings, name)
		s.derived = nil
		return Result{Tag: "SET"}, nil
	}
	var parts []string
	for _, v := range st.Values {
		if lit, ok := v.(*ast.Literal); ok {
			parts = append(parts, lit.Val)
		} else {
			parts = append(parts, ast.Format(v))
		}
	}
	if name == "work_mem" {
		if _, err := workMem(strings.Join(parts, "")); err != nil {
			return Result{}, err
		}
	}
	if name == "max_parallel_workers_per_gather" {
		if _, err := parallelWorkers(strings.Join(parts, "")); err != nil {
			return Result{}, err
		}
	}
	if name == "timezone" {
		_, canonical, err := sessionZone(strings.Join(parts, ", "))
		if err != nil {
			return Result{}, err
		}
		parts = []string{canonical}
	}
	if _, ok := plannerSettings[name]; ok {
		on, ok := parseBool(strings.Join(parts, ", "))
		if !ok {
			return Result{}, sqlerr.New(sqlerr.InvalidParameterValue, "parameter %q requires a Boolean value", name)
		}
		parts = []string{onOff(on)}
	}
	// Values keep their spelling (SHOW and ParameterStatus report it);
	// readers compare without case where PostgreSQL does.
	s.settings[name] = strings.Join(parts, ", ")
	s.derived = nil
	return Result{Tag: "SET"}, nil
}

// Setting returns a setting's current value (SET, else its default).
func (s *Session) Setting(name string) (string, bool) {
	name = strings.ToLower(name)
	switch name {
	case "transaction_isolation", "transaction_read_only":
		// The transaction under way's, else the defaults.
		if s.txn != nil {
			o := s.txn.Options()
			if name == "transaction_isolation" {
				return isolationName(o.Isolation), true
			}
			return onOff(o.ReadOnly), true
		}
		if name == "transaction_isolation" {
			return isolationName(s.defaultIsolation()), true
		}
		name = "default_transaction_read_only"
	}
	if v, ok := s.settings[name]; ok {
		return v, true
	}
	if v, ok := s.defaults[name]; ok {
		return v, true
	}
	v, ok := defaultSettings[name]
	return v, ok
}

// SetDefault changes what a setting is when never SET (and after RESET)
// for this session: the server makes READ COMMITTED its sessions'
// default isolation, as PostgreSQL's.
func (s *Session) SetDefault(name, value string) {
	if s.defaults == nil {
		s.defaults = map[string]string{}
	}
	s.defaults[strings.ToLower(name)] = value
	s.derived = nil
}

// plannerSettings are the boolean settings that restrict the planner's
// choices (plan.Methods), all on by default as in PostgreSQL.
var plannerSettings = map[string]func(m *plan.Methods, on bool){
	"enable_indexscan": func(m *plan.Methods, on bool) { m.NoIndexScan = !on },
	"enable_nestloop":  func(m *plan.Methods, on bool) { m.NoNestLoop = !on },
	"enable_hashjoin":  func(m *plan.Methods, on bool) { m.NoHashJoin = !on },
	"enable_mergejoin": func(m *plan.Methods, on bool) { m.NoMergeJoin = !on },
}

// methods returns the planner methods the session's settings allow (all
// for a nil session: internal statements).
func (s *Session) planSettings() planSettings {
	if s == nil {
		return planSettings{}
	}
	d := s.derivedSettings()
	return planSettings{methods: d.methods, zone: d.zone}
}

// Zone is the session's time zone (TimeZone), nil for UTC: the zone
// timestamptz values print in (pgwire's text format, the shell).
func (s *Session) Zone() *time.Location {
	if s == nil {
		return nil
	}
	return s.derivedSettings().zone
}

// derivedSettings are what the executor and planner read of the
// settings on every statement, worked out once per change of them.
type derivedSettings struct {
	methods plan.Methods
	workMem int64
	workers int
	zone    *time.Location // nil for UTC
}

func (s *Session) derivedSettings() *derivedSettings {
	if s.derived == nil {
		d := &derivedSettings{workMem: exec.DefaultWorkMem}
		for name, apply := range plannerSettings {
			if v, ok := s.settings[name]; ok && v == "off" {
				apply(&d.methods, false)
			}
		}
		if v, ok := s.Setting("work_mem"); ok {
			if n, err := workMem(v); err == nil {
				d.workMem = n
			}
		}
		if v, ok := s.Setting("timezone"); ok {
			if loc, _, err := sessionZone(v); err == nil && loc != time.UTC {
				d.zone = loc
			}
		}
		d.workers = defaultParallelWorkers
		if v, ok := s.Setting("max_parallel_workers_per_gather"); ok {
			if n, err := parallelWorkers(v); err == nil {
				d.workers = n
			}
		}
		s.derived = d
	}
	return s.derived
}

// workMem is the session's work_mem in bytes (the default for a nil
// session).
func (s *Session) workMem() int64 {
	if s == nil {
		return exec.DefaultWorkMem
	}
	return s.derivedSettings().workMem
}

// defaultParallelWorkers is max_parallel_workers_per_gather's default,
// PostgreSQL's.
const defaultParallelWorkers = 2

// parallelWorkers is the session's max_parallel_workers_per_gather (the
// default for a nil session).
func (s *Session) parallelWorkers() int {
	if s == nil {
		return defaultParallelWorkers
	}
	return s.derivedSettings().workers
}

// parallelWorkers reads a max_parallel_workers_per_gather value: a whole
// number from 0 (no parallel reads) to 1024, as PostgreSQL allows.
func parallelWorkers(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 1024 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"max_parallel_workers_per_gather\": %q (a whole number from 0 to 1024)", v)
	}
	return n, nil
}

// parseBool reads a boolean setting's value as PostgreSQL does: on, off,
// true, false, yes, no, 1, 0 (and unique prefixes of the words).
func parseBool(v string) (bool, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "1", "on":
		return true, true
	case "0", "of", "off":
		return false, true
	}
	if v == "" || v == "o" {
		return false, false
	}
	for _, w := range []string{"true", "yes"} {
		if strings.HasPrefix(w, v) {
			return true, true
		}
	}
	for _, w := range []string{"false", "no"} {
		if strings.HasPrefix(w, v) {
			return false, true
		}
	}
	return false, false
}

// defaultIsolation is the isolation level of transactions that do not
// choose one (BEGIN without ISOLATION LEVEL, autocommit statements).
// defaultReadOnly reports whether transactions begin read-only
// (default_transaction_read_only).
func (s *Session) defaultReadOnly() bool {
	if _, set := s.settings["default_transaction_read_only"]; !set {
		return false // the common case, without parsing
	}
	v, _ := s.Setting("default_transaction_read_only")
	on, _ := parseBool(v)
	return on
}

// checkFunctionBodies reports check_function_bodies: whether CREATE
// FUNCTION checks a body against the catalog (on unless SET off).
func (s *Session) checkFunctionBodies() bool {
	if s == nil {
		return true
	}
	if _, set := s.settings["check_function_bodies"]; !set {
		return true
	}
	v, _ := s.Setting("check_function_bodies")
	on, ok := parseBool(v)
	return on || !ok
}

func (s *Session) defaultIsolation() mvcc.Isolation {
	v, _ := s.Setting("default_transaction_isolation")
	return isolationOf(strings.ToLower(v))
}

// defaultSettings are what SHOW reports for settings never SET.
var defaultSettings = map[string]string{
	"server_version":                  "15.0",
	"server_encoding":                 "UTF8",
	"client_encoding":                 "UTF8",
	"datestyle":                       "ISO, MDY",
	"timezone":                        "UTC",
	"default_transaction_isolation":   "repeatable read",
	"transaction_isolation":           "repeatable read",
	"standard_conforming_strings":     "on",
	"statement_timeout":               "0",
	"check_function_bodies":           "on",
	"work_mem":                        "64MB",
	"max_parallel_workers_per_gather": "2",
	"enable_indexscan":                "on",
	"enable_nestloop":                 "on",
	"enable_hashjoin":                 "on",
	"enable_mergejoin":                "on",
	// What clients SHOW at connect.
	"extra_float_digits":            "1",
	"application_name":              "",
	"search_path":                   `"$user", public`,
	"client_min_messages":           "notice",
	"integer_datetimes":             "on",
	"intervalstyle":                 "postgres",
	"is_superuser":                  "on",
	"max_identifier_length":         "63",
	"server_version_num":            "150000",
	"lc_collate":                    "C",
	"lc_ctype":                      "C",
	"bytea_output":                  "hex",
	"transaction_read_only":         "off",
	"default_transaction_read_only": "off",
}

func (s *Session) show(st *ast.Show) (Result, error) {
	name := strings.ToLower(st.Name)
	v, ok := s.Setting(name)
	if !ok {
		return Result{}, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", st.Name)
	}
	return Result{Columns: []Column{{Name: name, Type: types.Text}}, Rows: [][]types.Datum{{types.NewText(v)}}, Tag: "SHOW"}, nil
}

func (s *Session) prepare(ctx context.Context, st *ast.Prepare) (Result, error) {
	if _, dup := s.prepared[st.Name]; dup {
		return Result{}, sqlerr.New(sqlerr.Code("42P05"), "prepared statement %q already exists", st.Name)
	}
	var paramTypes []types.Type
	err := s.withTxn(ctx, func(txn *mvcc.Txn) error {
		b := plan.NewBinder(txn, "", nil) // the catalog has the enum types
		for _, tn := range st.Types {
			t, err := b.ResolveType(tn)
			if err != nil {
				return err
			}
			paramTypes = append(paramTypes, t)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	p, err := s.prepareStmt(ctx, ast.Format(st.Stmt), st.Stmt, paramTypes)
	if err != nil {
		return Result{}, err
	}
	if s.prepared == nil {
		s.prepared = map[string]*Prepared{}
	}
	p.fixedResult = true
	s.prepared[st.Name] = p
	return Result{Tag: "PREPARE"}, nil
}

// executeArgs evaluates EXECUTE's arguments (constant expressions) and
// converts them to the declared parameter types.
func (s *Session) executeArgs(ctx context.Context, p *Prepared, params []ast.Expr) ([]types.Datum, error) {
	if len(params) == 0 {
		return nil, nil
	}
	sel := &ast.Query{Body: &ast.Select{}}
	for i, e := range params {
		var x ast.Expr = e
		if i < len(p.params) {
			x = &ast.CastExpr{Expr: e, Type: typeName(p.params[i]), Style: ast.CastFunc}
		}
		sel.Body.(*ast.Select).Targets = append(sel.Body.(*ast.Select).Targets, ast.Target{Expr: x})
	}
	r, err := s.inTxn(ctx, func(txn *mvcc.Txn) (Result, error) {
		return s.e.run(ctx, txn, sel, nil, &builtins.EvalContext{TxnTime: time.Now(), StmtTime: time.Now(), Zone: s.Zone()}, nil)
	})
	if err != nil {
		return nil, err
	}
	if len(r.Rows) != 1 {
		return nil, sqlerr.New(sqlerr.InternalError, "EXECUTE arguments gave %d rows", len(r.Rows))
	}
	out := r.Rows[0]
	for i, d := range out {
		// Untyped text arguments stay text; the statement casts them.
		if d.Kind() == types.UnknownFamily {
			out[i] = types.NewText(d.Str())
		}
	}
	return out, nil
}

// typeName turns a type back into the syntax that names it.
func typeName(t types.Type) *ast.TypeName {
	tn, err := parser.ParseTypeName(t.String())
	if err != nil {
		return &ast.TypeName{Name: "text"}
	}
	return tn
}

// sessionZone resolves a TimeZone value: a zone name (any case:
// 'europe/oslo' is Europe/Oslo, which SHOW then reports), UTC and its
// aliases, or a POSIX offset ('+05' is five hours west of UTC, as in
// PostgreSQL). An unknown one is 22023, as PostgreSQL has it.
func sessionZone(v string) (*time.Location, string, error) {
	name := strings.TrimSpace(v)
	loc, ok := builtins.LoadZone(name)
	if !ok {
		return nil, "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", v)
	}
	if n := loc.String(); loc != time.UTC && strings.EqualFold(n, name) {
		name = n
	}
	return loc, name, nil
}

// random is random(): the session's generator's next value, seeded from
// the system's generator until setseed.
func (s *Session) random() float64 {
	s.rng.Lock()
	defer s.rng.Unlock()
	if s.rng.r == nil {
		s.rng.r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return s.rng.r.Float64()
}

// setSeed is setseed(x): random() goes on from a state of x alone.
func (s *Session) setSeed(x float64) {
	s.rng.Lock()
	defer s.rng.Unlock()
	seed := uint64(int64(x * math.MaxInt32))
	s.rng.r = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// TakeNotices returns the notices the session's statements sent (what
// IF EXISTS skipped, RAISE NOTICE) since it was last called, for a
// server to pass on; they are dropped otherwise, at most a thousand kept.
func (s *Session) TakeNotices() []builtins.Notice {
	n := s.notices
	s.notices = nil
	return n
}
