package cairn

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/godatum"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/types"
)

var errNoRows = sql.ErrNoRows

// MemoryDir is the directory name that opens an in-memory database.
const MemoryDir = ":memory:"

// Options configure Open. The zero value (or nil) is the default.
type Options struct {
	// NoSync commits without waiting for the write-ahead log to reach the
	// disk: a crash may lose the last commits, never part of one.
	NoSync bool
	// CacheSize is the block cache size in bytes; 0 means the default.
	CacheSize int64
	// MaxIdleSessions is how many idle sessions the DB keeps for calls
	// outside transactions; 0 means 4.
	MaxIdleSessions int
}

// executor is what DB and Tx need of an engine session; tests use a fake.
type executor interface {
	Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error)
	TxStatus() engine.TxStatus
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	newSession func() executor
	closeFn    func() error
	// schemaVersion, if set, identifies the committed schema
	// (engine.SchemaVersion): collections cache their indexes under it.
	schemaVersion func() (uint64, bool)
	// indexes caches each collection's index names (indexNames).
	indexes struct {
		sync.Mutex
		m map[string]indexNamesAt
	}
	// paths caches the SQL spellings of filters' field paths.
	paths pathCache

	mu struct {
		sync.Mutex
		closed bool
		idle   []executor
	}
	maxIdle int
	// docUpdate: the engine has docUpdateFunc, so updates by _id run in
	// one statement (updateByID).
	docUpdate bool
}

// Open opens (creating if needed) the database in dir, or an in-memory
// database when dir is ":memory:".
func Open(dir string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	eo := &engine.Options{NoSync: o.NoSync, InMemory: dir == MemoryDir}
	eo.Storage.CacheSize = o.CacheSize
	eo.Functions = []*builtins.Func{docUpdateFunction()}
	eng, err := engine.Open(dir, eo)
	if err != nil {
		return nil, err
	}
	db := newDB(func() executor { return eng.NewSession() }, eng.Close, o)
	db.schemaVersion = eng.SchemaVersion
	db.docUpdate = true
	return db, nil
}

func newDB(newSession func() executor, closeFn func() error, o Options) *DB {
	db := &DB{newSession: newSession, closeFn: closeFn, maxIdle: o.MaxIdleSessions}
	if db.maxIdle <= 0 {
		db.maxIdle = 4
	}
	return db
}

// Close closes the database. Open transactions are abandoned (their
// writes are lost); calls afterwards return ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.mu.closed {
		db.mu.Unlock()
		return ErrClosed
	}
	db.mu.closed = true
	db.mu.idle = nil
	db.mu.Unlock()
	return db.closeFn()
}

// session takes an idle session or makes one.
func (db *DB) session() (executor, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return nil, ErrClosed
	}
	if n := len(db.mu.idle); n > 0 {
		s := db.mu.idle[n-1]
		db.mu.idle = db.mu.idle[:n-1]
		return s, nil
	}
	return db.newSession(), nil
}

// release returns a session to the pool. A session left inside a
// transaction block is rolled back and dropped.
func (db *DB) release(s executor) {
	if s.TxStatus() != engine.TxIdle {
		_, _ = s.Execute(context.Background(), "ROLLBACK", nil)
		return
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if !db.mu.closed && len(db.mu.idle) < db.maxIdle {
		db.mu.idle = append(db.mu.idle, s)
	}
}

// run executes sql with args on a pooled session.
func (db *DB) run(ctx context.Context, sql string, args []any) ([]engine.Result, error) {
	params, err := godatum.Params(args)
	if err != nil {
		return nil, err
	}
	s, err := db.session()
	if err != nil {
		return nil, err
	}
	defer db.release(s)
	res, err := s.Execute(ctx, sql, params)
	return res, convertError(err)
}

// Result is the outcome of Exec.
type Result struct {
	// Tag is PostgreSQL's command tag: "INSERT 0 1", "CREATE TABLE", ...
	Tag string
	// RowsAffected counts the rows the statement wrote (or a SELECT
	// returned).
	RowsAffected int64
}

func lastResult(res []engine.Result) Result {
	if len(res) == 0 {
		return Result{}
	}
	r := res[len(res)-1]
	return Result{Tag: r.Tag, RowsAffected: r.RowsAffected}
}

// Exec runs one statement (or several, separated by semicolons, without
// arguments) and returns the last one's result.
func (db *DB) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	res, err := db.run(ctx, sql, args)
	if err != nil {
		return Result{}, err
	}
	return lastResult(res), nil
}

// Query runs a query and returns its rows.
func (db *DB) Query(ctx context.Context, sql string, args ...any) (*Rows, error) {
	res, err := db.run(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return newRows(res), nil
}

// QueryRow runs a query expected to return at most one row. Errors are
// deferred to Row.Scan.
func (db *DB) QueryRow(ctx context.Context, sql string, args ...any) *Row {
	rows, err := db.Query(ctx, sql, args...)
	return &Row{rows: rows, err: err}
}

// IsolationLevel is a transaction isolation level.
type IsolationLevel int

// The isolation levels. cairn's default is snapshot isolation, which
// PostgreSQL calls REPEATABLE READ; SERIALIZABLE also validates reads at
// commit. READ COMMITTED takes a snapshot per statement and makes a
// concurrent update of a row wait for the other transaction, then apply to
// the row it committed, as PostgreSQL does (the server's default).
const (
	LevelDefault IsolationLevel = iota
	LevelReadCommitted
	LevelRepeatableRead
	LevelSerializable
	// LevelSnapshot is REPEATABLE READ under its proper name.
	LevelSnapshot = LevelRepeatableRead
)

// TxOptions configure Begin.
type TxOptions struct {
	Isolation IsolationLevel
	ReadOnly  bool
}

// BeginStatement returns the BEGIN statement for opts.
func (o *TxOptions) beginStatement() (string, error) {
	var b strings.Builder
	b.WriteString("BEGIN")
	if o == nil {
		return b.String(), nil
	}
	switch o.Isolation {
	case LevelDefault:
	case LevelReadCommitted:
		b.WriteString(" ISOLATION LEVEL READ COMMITTED")
	case LevelRepeatableRead:
		b.WriteString(" ISOLATION LEVEL REPEATABLE READ")
	case LevelSerializable:
		b.WriteString(" ISOLATION LEVEL SERIALIZABLE")
	default:
		return "", fmt.Errorf("cairn: unknown isolation level %d", o.Isolation)
	}
	if o.ReadOnly {
		b.WriteString(" READ ONLY")
	}
	return b.String(), nil
}

// Begin starts a transaction on a session of its own.
func (db *DB) Begin(ctx context.Context, opts *TxOptions) (*Tx, error) {
	stmt, err := opts.beginStatement()
	if err != nil {
		return nil, err
	}
	s, err := db.session()
	if err != nil {
		return nil, err
	}
	if _, err := s.Execute(ctx, stmt, nil); err != nil {
		db.release(s)
		return nil, convertError(err)
	}
	return &Tx{db: db, s: s}, nil
}

// Tx is a transaction. Its methods may be called from several goroutines
// but run one at a time, in the transaction's one session.
type Tx struct {
	db *DB
	mu sync.Mutex
	s  executor // nil once done
}

func (tx *Tx) run(ctx context.Context, sql string, args []any) ([]engine.Result, error) {
	params, err := godatum.Params(args)
	if err != nil {
		return nil, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.s == nil {
		return nil, ErrTxDone
	}
	res, err := tx.s.Execute(ctx, sql, params)
	return res, convertError(err)
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	res, err := tx.run(ctx, sql, args)
	if err != nil {
		return Result{}, err
	}
	return lastResult(res), nil
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, sql string, args ...any) (*Rows, error) {
	res, err := tx.run(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return newRows(res), nil
}

// QueryRow runs a query expected to return at most one row.
func (tx *Tx) QueryRow(ctx context.Context, sql string, args ...any) *Row {
	rows, err := tx.Query(ctx, sql, args...)
	return &Row{rows: rows, err: err}
}

// Commit commits the transaction. If the transaction had failed, COMMIT
// rolls it back and Commit returns ErrTxCommitRollback.
func (tx *Tx) Commit() error { return tx.end("COMMIT") }

// Rollback aborts the transaction.
func (tx *Tx) Rollback() error { return tx.end("ROLLBACK") }

func (tx *Tx) end(stmt string) error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.s == nil {
		return ErrTxDone
	}
	s := tx.s
	tx.s = nil
	res, err := s.Execute(context.Background(), stmt, nil)
	tx.db.release(s)
	if err != nil {
		return convertError(err)
	}
	if stmt == "COMMIT" && len(res) > 0 && res[len(res)-1].Tag == "ROLLBACK" {
		return ErrTxCommitRollback
	}
	return nil
}
