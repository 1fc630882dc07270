package engine

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/fts"
	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/sql/builtins"

	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cairndb/cairn/internal/vfs"
)

// Options configure an Engine.
type Options struct {
	// InMemory keeps everything in memory (nothing survives Close).
	InMemory bool
	// Storage configures the storage engine; zero values are defaults.
	Storage lsm.Options
	// NoSync commits without waiting for the WAL to reach the disk by
	// default (synchronous_commit = off); a crash may lose the last
	// commits, never part of one.
	NoSync bool
	// Functions are scalar SQL functions the embedding program adds, as
	// SQLite's sqlite3_create_function does: each with one signature
	// (arguments are cast to ArgTypes as a built-in's are) and a name no
	// built-in function has. Queries and DML statements can call them;
	// what the catalog keeps (views, defaults, index expressions) cannot,
	// since a process that opens the database without them could not
	// read it. Fn must follow builtins.Func's rules: it handles NULL
	// arguments itself, returns *sqlerr.Error errors, never panics, and
	// is safe for concurrent use.
	Functions []*builtins.Func
}

// Engine is an open database: storage, transactions and the catalog.
// Sessions run statements against it. It is safe for concurrent use.
type Engine struct {
	db   *mvcc.DB
	opts Options
	// backends is what a server serving the engine says of its
	// connections (SetBackends): pg_stat_activity, pg_cancel_backend.
	backends atomic.Pointer[Backends]
	// signalFn is signalBackend as a func value, made once (statements'
	// evaluation contexts hold it).
	signalFn func(pid int32, terminate bool) bool
	// fs and tmpDir are where sorts spill beyond work_mem (tmp in the
	// data directory); tempSeq names the files.
	fs      vfs.FS
	tmpDir  string
	tempSeq atomic.Uint64
	// xids hands out transaction ids (txid_current): from the clock at
	// open, so they grow across restarts too, as PostgreSQL's do.
	xids atomic.Uint64
	// rowID hands out the hidden row ids of tables without a primary key.
	// Seeded from the clock at open, so ids stay unique across restarts as
	// long as the clock does not run backwards by more than the ids used.
	rowID atomic.Uint64
	seqs  sequences
	// ftsMerge merges full-text indexes in the background.
	ftsMerge ftsMerger
	// funcs are Options.Functions by name.
	funcs map[string]*builtins.Func
	// analyzers are the fts analyzers, shared by every statement.
	analyzers analysis.Set
	// ftsNumbers numbers the documents fts indexes take (fts.Numbers).
	ftsNumbers fts.Numbers
	// ftsWorkers analyze the documents fts indexes take (fts.Workers).
	ftsWorkers fts.Workers
	// stats are the tables' row counts for the planner.
	stats tableStats
	// lastDDL is the commit timestamp of the newest committed schema
	// change, and ddlCommitting counts schema changes being committed:
	// together they tell whether two snapshots see the same schema
	// without reading the catalog (schemaSame).
	lastDDL       atomic.Uint64
	ddlCommitting atomic.Int32
	// notify holds the sessions listening on each channel (LISTEN).
	notify notifier
	// advisory holds the sessions' advisory locks (advisory.go).
	advisory advisoryLocks
}

// commit commits txn, keeping track of schema changes for schemaSame.
func (e *Engine) commit(txn *mvcc.Txn) error {
	if !catalog.SchemaChangedBy(txn) {
		return txn.Commit()
	}
	e.ddlCommitting.Add(1)
	// Decrement only after lastDDL is updated: a snapshot that can see
	// this change then also sees it recorded, or a commit in flight.
	defer e.ddlCommitting.Add(-1)
	if err := txn.Commit(); err != nil {
		return err
	}
	for {
		old := e.lastDDL.Load()
		if txn.CommitTs() <= old || e.lastDDL.CompareAndSwap(old, txn.CommitTs()) {
			return nil
		}
	}
}

// schemaSame reports whether txn sees the schema that a snapshot taken at
// boundAt saw: when no schema change is being committed, both snapshots
// include the newest one, and txn changed nothing itself.
func (e *Engine) schemaSame(boundAt uint64, txn *mvcc.Txn) bool {
	if e.ddlCommitting.Load() != 0 || catalog.SchemaChangedBy(txn) {
		return false
	}
	last := e.lastDDL.Load()
	return boundAt >= last && txn.ReadTs() >= last
}

// SchemaVersion identifies the committed schema: it changes whenever a
// schema change commits. ok is false while one is being committed, when
// the version cannot be relied on. Callers cache what they learn from the
// catalog under it (the collection API's indexed paths).
func (e *Engine) SchemaVersion() (version uint64, ok bool) {
	if e.ddlCommitting.Load() != 0 {
		return 0, false
	}
	v := e.lastDDL.Load()
	return v, e.ddlCommitting.Load() == 0
}

// Open opens (creating if needed) the database in dir.
func Open(dir string, opts *Options) (*Engine, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	lo := o.Storage
	if o.InMemory {
		lo.FS = vfs.NewMem()
		dir = "mem"
	}
	db, err := mvcc.Open(dir, &mvcc.Options{LSM: lo})
	if err != nil {
		return nil, fmt.Errorf("cairn: open %s: %w", dir, err)
	}
	funcs, err := hostFunctions(o.Functions)
	if err != nil {
		db.Close()
		return nil, err
	}
	e := &Engine{db: db, opts: o, fs: lo.FS, tmpDir: filepath.Join(dir, "tmp"), funcs: funcs}
	e.signalFn = e.signalBackend
	if e.fs == nil {
		e.fs = vfs.Default
	}
	if !lo.ReadOnly {
		// Spill files left by a process that stopped mid-sort.
		if names, err := e.fs.List(e.tmpDir); err == nil {
			for _, n := range names {
				_ = e.fs.Remove(filepath.Join(e.tmpDir, n))
			}
		}
	}
	e.rowID.Store(uint64(time.Now().UnixNano()))
	// Microseconds: ids stay below 2^63 (int8) for many centuries.
	e.xids.Store(uint64(time.Now().UnixMicro()))
	if !lo.ReadOnly {
		// Temporary tables whose sessions ended without dropping them.
		if err := e.dropStaleTemps(); err != nil {
			db.Close()
			return nil, err
		}
	}
	e.startAtOpen(!lo.ReadOnly)
	return e, nil
}

// startAtOpen starts the background work a previous run left: merges
// of the fts indexes and, when writable, counts of the tables never
// counted.
func (e *Engine) startAtOpen(writable bool) {
	txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return
	}
	defer txn.Rollback()
	tables, err := catalog.List(txn)
	if err != nil {
		return
	}
	e.mergeFTSAtOpen(tables)
	if writable {
		e.countAtOpen(txn, tables)
	}
}

// hostFunctions checks Options.Functions and maps them by name.
func hostFunctions(fs []*builtins.Func) (map[string]*builtins.Func, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	m := make(map[string]*builtins.Func, len(fs))
	for _, f := range fs {
		name := strings.ToLower(f.Name)
		switch {
		case name == "" || f.Fn == nil:
			return nil, fmt.Errorf("cairn: function %q: needs a name and Fn", f.Name)
		case builtins.Has(name):
			return nil, fmt.Errorf("cairn: function %q: a built-in function has that name", f.Name)
		case m[name] != nil:
			return nil, fmt.Errorf("cairn: function %q: added twice", f.Name)
		}
		m[name] = f
	}
	return m, nil
}

// newTempFile creates a file for a sort to spill to, and the function
// that removes it.
func (e *Engine) newTempFile() (vfs.File, func(), error) {
	if err := e.fs.MkdirAll(e.tmpDir); err != nil {
		return nil, nil, err
	}
	name := filepath.Join(e.tmpDir, fmt.Sprintf("sort-%d.tmp", e.tempSeq.Add(1)))
	f, err := e.fs.Create(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { _ = e.fs.Remove(name) }, nil
}

// Close closes the database. Sessions must not be used afterwards.
func (e *Engine) Close() error {
	if e.db == nil {
		return errors.New("cairn: already closed")
	}
	e.closeFTSMerges()
	e.ftsWorkers.Close()
	e.closeStats()
	err := e.releaseSequenceBlocks()
	if cerr := e.db.Close(); err == nil {
		err = cerr
	}
	e.db = nil
	return err
}

// Backends is what a server tells the engine of its connections.
type Backends struct {
	// Activity lists them (pg_stat_activity).
	Activity func() []plan.Activity
	// Signal cancels the statement connection pid runs, or with
	// terminate ends the connection; it reports whether there is one.
	Signal func(pid int32, terminate bool) bool
}

// SetBackends is called by a server serving the engine with what it can
// say of its connections and do to them.
func (e *Engine) SetBackends(b *Backends) { e.backends.Store(b) }

// activity lists the server's connections (none without a server).
func (e *Engine) activity() []plan.Activity {
	if b := e.backends.Load(); b != nil && b.Activity != nil {
		return b.Activity()
	}
	return nil
}

// signalBackend is pg_cancel_backend and pg_terminate_backend.
func (e *Engine) signalBackend(pid int32, terminate bool) bool {
	if b := e.backends.Load(); b != nil && b.Signal != nil {
		return b.Signal(pid, terminate)
	}
	return false
}

// Column describes a result column.
type Column struct {
	Name string
	Type types.Type
}

// Result is the outcome of one statement.
type Result struct {
	// Columns is nil for statements that return no rows.
	Columns []Column
	Rows    [][]types.Datum
	// Tag is PostgreSQL's command tag: "SELECT 2", "INSERT 0 1",
	// "CREATE TABLE", ...
	Tag string
	// RowsAffected counts the rows a DML statement wrote (or a SELECT
	// returned).
	RowsAffected int64
}

// newXID hands out a transaction id (txid_current).
func (e *Engine) newXID() uint64 { return e.xids.Add(1) }
