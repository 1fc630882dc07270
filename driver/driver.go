package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/godatum"
	"github.com/cairndb/cairn/internal/sql/types"
)

// MemoryDSN is the DSN of an in-memory database.
const MemoryDSN = ":memory:"

func init() {
	sql.Register("cairn", &Driver{})
}

// Driver is the database/sql driver.
type Driver struct{}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
)

// Open opens a connection. database/sql uses OpenConnector instead; a
// connection opened here to ":memory:" has a database of its own.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	conn, err := c.Connect(context.Background())
	if err != nil {
		return nil, err
	}
	// The connection alone holds the engine.
	c.(*Connector).Close()
	return conn, nil
}

// OpenConnector parses the DSN.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: cfg, drv: d}, nil
}

// Config is a parsed DSN.
type Config struct {
	// Dir is the data directory (absolute), or ":memory:".
	Dir       string
	NoSync    bool
	CacheSize int64
}

// ParseDSN parses "DIR[?sync=off&cache=BYTES]".
func ParseDSN(dsn string) (Config, error) {
	path, query, _ := strings.Cut(dsn, "?")
	if path == "" {
		return Config{}, errors.New("cairn: empty DSN: want a directory or :memory:")
	}
	cfg := Config{Dir: path}
	if path != MemoryDSN {
		abs, err := filepath.Abs(path)
		if err != nil {
			return Config{}, err
		}
		cfg.Dir = abs
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return Config{}, fmt.Errorf("cairn: DSN %q: %w", dsn, err)
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "sync":
			switch strings.ToLower(v) {
			case "off", "false", "0", "no":
				cfg.NoSync = true
			case "on", "true", "1", "yes", "":
				cfg.NoSync = false
			default:
				return Config{}, fmt.Errorf("cairn: DSN: sync=%q: want on or off", v)
			}
		case "cache":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return Config{}, fmt.Errorf("cairn: DSN: cache=%q: want a size in bytes", v)
			}
			cfg.CacheSize = n
		default:
			return Config{}, fmt.Errorf("cairn: DSN: unknown parameter %q", k)
		}
	}
	return cfg, nil
}

func (cfg Config) engineOptions() *engine.Options {
	o := &engine.Options{NoSync: cfg.NoSync, InMemory: cfg.Dir == MemoryDSN}
	o.Storage.CacheSize = cfg.CacheSize
	return o
}

// shared is an engine and its reference count.
type shared struct {
	eng  *engine.Engine
	key  string // registry key; "" for a private in-memory engine
	refs int
}

// registry holds the engines open on directories.
var registry struct {
	sync.Mutex
	engines map[string]*shared
}

// openEngine is engine.Open; tests may replace it.
var openEngine = engine.Open

// acquire returns the engine for cfg's directory with one more reference.
func acquire(cfg Config) (*shared, error) {
	registry.Lock()
	defer registry.Unlock()
	if sh := registry.engines[cfg.Dir]; sh != nil {
		sh.refs++
		return sh, nil
	}
	eng, err := openEngine(cfg.Dir, cfg.engineOptions())
	if err != nil {
		return nil, err
	}
	sh := &shared{eng: eng, key: cfg.Dir, refs: 1}
	if registry.engines == nil {
		registry.engines = map[string]*shared{}
	}
	registry.engines[cfg.Dir] = sh
	return sh, nil
}

// release drops one reference, closing the engine with the last.
func (sh *shared) release() error {
	registry.Lock()
	defer registry.Unlock()
	sh.refs--
	if sh.refs > 0 {
		return nil
	}
	if sh.key != "" && registry.engines[sh.key] == sh {
		delete(registry.engines, sh.key)
	}
	return sh.eng.Close()
}

// Connector makes connections to one database.
type Connector struct {
	cfg Config
	drv *Driver

	mu struct {
		sync.Mutex
		sh     *shared // the connector's own reference, taken at first Connect
		closed bool
	}
}

var _ io.Closer = (*Connector)(nil)

// Connect opens a connection.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.closed {
		return nil, errors.New("cairn: connector is closed")
	}
	if c.mu.sh == nil {
		if c.cfg.Dir == MemoryDSN {
			eng, err := openEngine(MemoryDSN, c.cfg.engineOptions())
			if err != nil {
				return nil, err
			}
			c.mu.sh = &shared{eng: eng, refs: 1}
		} else {
			sh, err := acquire(c.cfg)
			if err != nil {
				return nil, err
			}
			c.mu.sh = sh
		}
	}
	registry.Lock()
	c.mu.sh.refs++
	registry.Unlock()
	return newConn(c.mu.sh.eng.NewSession(), c.mu.sh.release), nil
}

// Driver returns the driver.
func (c *Connector) Driver() driver.Driver { return c.drv }

// Close drops the connector's reference to the engine (database/sql calls
// it from DB.Close); the engine closes when its last connection does.
func (c *Connector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.closed {
		return nil
	}
	c.mu.closed = true
	if c.mu.sh != nil {
		return c.mu.sh.release()
	}
	return nil
}

// executor is what a connection needs of an engine session; tests use a
// fake.
type executor interface {
	Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error)
	TxStatus() engine.TxStatus
}

// conn is one database/sql connection: one engine session.
type conn struct {
	s       executor
	release func() error
	closed  bool
	inTx    bool
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
)

func newConn(s executor, release func() error) *conn {
	return &conn{s: s, release: release}
}

func (c *conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.s.TxStatus() != engine.TxIdle {
		_, _ = c.s.Execute(context.Background(), "ROLLBACK", nil)
	}
	return c.release()
}

func (c *conn) Ping(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	return nil
}

// ResetSession rolls back a transaction block left open by a plain
// Exec("BEGIN") before the connection is reused.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	if !c.inTx && c.s.TxStatus() != engine.TxIdle {
		if _, err := c.s.Execute(ctx, "ROLLBACK", nil); err != nil {
			return driver.ErrBadConn
		}
	}
	return nil
}

func (c *conn) IsValid() bool { return !c.closed }

// CheckNamedValue converts each argument to a datum up front, so an
// unsupported type fails before the statement runs.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if nv.Name != "" {
		return fmt.Errorf("cairn: named argument %q: use $%d placeholders", nv.Name, nv.Ordinal)
	}
	d, err := godatum.FromGo(nv.Value)
	if err != nil {
		return err
	}
	nv.Value = d
	return nil
}

func params(args []driver.NamedValue) ([]types.Datum, error) {
	if len(args) == 0 {
		return nil, nil
	}
	out := make([]types.Datum, len(args))
	for _, a := range args {
		if a.Ordinal < 1 || a.Ordinal > len(args) {
			return nil, fmt.Errorf("cairn: argument ordinal %d out of range", a.Ordinal)
		}
		d, ok := a.Value.(types.Datum)
		if !ok {
			var err error
			if d, err = godatum.FromGo(a.Value); err != nil {
				return nil, err
			}
		}
		out[a.Ordinal-1] = d
	}
	return out, nil
}

func (c *conn) exec(ctx context.Context, query string, args []driver.NamedValue) ([]engine.Result, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	ps, err := params(args)
	if err != nil {
		return nil, err
	}
	res, err := c.s.Execute(ctx, query, ps)
	return res, convertError(err)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.exec(ctx, query, args)
	if err != nil {
		return nil, err
	}
	var n int64
	if len(res) > 0 {
		n = res[len(res)-1].RowsAffected
	}
	return result(n), nil
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	res, err := c.exec(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return newRows(res), nil
}

// Prepare remembers the text; it runs at Exec or Query.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	return &stmt{c: c, query: query}, nil
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// beginStatement maps database/sql's isolation levels to BEGIN.
func beginStatement(opts driver.TxOptions) (string, error) {
	s := "BEGIN"
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadUncommitted, sql.LevelReadCommitted:
		s += " ISOLATION LEVEL READ COMMITTED"
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		s += " ISOLATION LEVEL REPEATABLE READ"
	case sql.LevelSerializable:
		s += " ISOLATION LEVEL SERIALIZABLE"
	default:
		return "", fmt.Errorf("cairn: isolation level %s is not supported", sql.IsolationLevel(opts.Isolation))
	}
	if opts.ReadOnly {
		s += " READ ONLY"
	}
	return s, nil
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	s, err := beginStatement(opts)
	if err != nil {
		return nil, err
	}
	if _, err := c.s.Execute(ctx, s, nil); err != nil {
		return nil, convertError(err)
	}
	c.inTx = true
	return &tx{c: c}, nil
}

// ErrCommitRollback is returned by Commit when the transaction had failed
// and COMMIT rolled it back.
var ErrCommitRollback = errors.New("cairn: commit unexpectedly resulted in rollback")

type tx struct{ c *conn }

func (t *tx) Commit() error {
	t.c.inTx = false
	res, err := t.c.s.Execute(context.Background(), "COMMIT", nil)
	if err != nil {
		return convertError(err)
	}
	if len(res) > 0 && res[len(res)-1].Tag == "ROLLBACK" {
		return ErrCommitRollback
	}
	return nil
}

func (t *tx) Rollback() error {
	t.c.inTx = false
	_, err := t.c.s.Execute(context.Background(), "ROLLBACK", nil)
	return convertError(err)
}

type result int64

func (r result) LastInsertId() (int64, error) {
	return 0, errors.New("cairn: LastInsertId is not supported: use RETURNING")
}

func (r result) RowsAffected() (int64, error) { return int64(r), nil }

// stmt is a remembered statement text.
type stmt struct {
	c     *conn
	query string
}

var (
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error { return s.c.CheckNamedValue(nv) }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// rows walks the materialized result sets of one call.
type rows struct {
	sets []engine.Result
	cur  int // index in sets
	pos  int // next row of sets[cur]
}

var (
	_ driver.RowsNextResultSet              = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
)

// newRows keeps the results that have columns (all of them if none do,
// so a Query of a statement without rows still has an empty set).
func newRows(res []engine.Result) *rows {
	var sets []engine.Result
	for _, r := range res {
		if r.Columns != nil {
			sets = append(sets, r)
		}
	}
	if len(sets) == 0 {
		sets = []engine.Result{{}}
	}
	return &rows{sets: sets}
}

func (r *rows) set() *engine.Result { return &r.sets[r.cur] }

func (r *rows) Columns() []string {
	cols := r.set().Columns
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

func (r *rows) Close() error {
	r.cur = len(r.sets) - 1
	r.pos = len(r.set().Rows)
	return nil
}

func (r *rows) Next(dest []driver.Value) error {
	set := r.set()
	if r.pos >= len(set.Rows) {
		return io.EOF
	}
	row := set.Rows[r.pos]
	r.pos++
	for i := range dest {
		if i < len(row) {
			dest[i] = godatum.DriverValue(row[i])
		}
	}
	return nil
}

func (r *rows) HasNextResultSet() bool { return r.cur+1 < len(r.sets) }

func (r *rows) NextResultSet() error {
	if !r.HasNextResultSet() {
		return io.EOF
	}
	r.cur++
	r.pos = 0
	return nil
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	return godatum.DatabaseTypeName(r.set().Columns[i].Type)
}

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	return godatum.ScanType(r.set().Columns[i].Type)
}

// ColumnTypeNullable reports unknown: results do not carry nullability
// yet.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) { return true, false }

func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	t := r.set().Columns[i].Type
	if t.Family() != types.NumericFamily || t.Width() == types.NoMod {
		return 0, 0, false
	}
	return int64(t.Width()), int64(max(t.Scale(), 0)), true
}

func (r *rows) ColumnTypeLength(i int) (length int64, ok bool) {
	t := r.set().Columns[i].Type
	switch t.Family() {
	case types.VarcharFamily, types.CharFamily:
		if t.Width() != types.NoMod {
			return int64(t.Width()), true
		}
		return 1<<31 - 1, true
	case types.TextFamily, types.ByteaFamily, types.JSONBFamily:
		return 1<<31 - 1, true
	}
	return 0, false
}
