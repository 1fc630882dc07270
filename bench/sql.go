package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SQL workloads (issue 7): cairn's SQL layer against SQLite
// (mattn/go-sqlite3, WAL mode), both embedded in this process, on a
// sysbench-style table
//
//	sbtest(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, c TEXT, pad TEXT)
//	CREATE INDEX sbtest_k ON sbtest(k)
//
// of -sqlrows rows (default 1,000,000): id = 1..n, k random in [1, n],
// c = 120 characters (ten groups of 11 random digits, each followed by a
// '-'), pad = 60 (five such groups). Every value is a function of the row
// id and a fixed seed (sqlRow), so the readers can check what they read
// and the expected answer of every query is known in advance.
//
// Every workload is written once against sqlDB/sqlConn/sqlStmt
// (sql_cairn.go, sql_sqlite.go), with the same SQL text on both engines:
// SQLite reads "$1" as a named parameter, which binds positionally as the
// first argument (a repeated "$1" is one parameter).
//
// The workloads that change k (update-sync-*) are registered last, so in
// one run every reader sees the freshly loaded data and can verify exact
// answers.

const (
	sqlDefaultRows  = 1_000_000
	sqlMinRows      = 1000
	sqlJoinRows     = 100_000 // rows of sbtest2 (at most -sqlrows)
	sqlLoadTxn      = 1000    // rows per load transaction
	sqlMultiRow     = 100     // rows per INSERT in load-multirow
	sqlCLen         = 120
	sqlPadLen       = 60
	sqlGroupDigits  = 11
	sqlVerifyEvery  = 16 // point/range/index-range compare every 16th c in full
	sqlCacheBytes   = 128 << 20
	sqlUpdateWorker = 8
	sqlPointWorkers = 4
	sqlSeed         = 0x5b7e57 // sbtest
	sqlSeed2        = 0x5b7e58 // sbtest2
)

// The statements, the same text on both engines.
const (
	sqlCreate    = "CREATE TABLE sbtest(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, c TEXT, pad TEXT)"
	sqlCreateIdx = "CREATE INDEX sbtest_k ON sbtest(k)"
	sqlCreate2   = "CREATE TABLE sbtest2(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, c TEXT, pad TEXT)"
	sqlCreateIx2 = "CREATE INDEX sbtest2_k ON sbtest2(k)"
	sqlInsert    = "INSERT INTO sbtest(id, k, c, pad) VALUES ($1, $2, $3, $4)"
	sqlInsert2   = "INSERT INTO sbtest2(id, k, c, pad) VALUES ($1, $2, $3, $4)"
	sqlPoint     = "SELECT c FROM sbtest WHERE id=$1"
	sqlRange     = "SELECT c FROM sbtest WHERE id BETWEEN $1 AND $1+99"
	sqlIdxRange  = "SELECT id, c FROM sbtest WHERE k BETWEEN $1 AND $1+9"
	sqlUpdate    = "UPDATE sbtest SET k=k+1 WHERE id=$1"
	sqlScanAgg   = "SELECT k%100, count(*), sum(length(c)) FROM sbtest GROUP BY 1"
	sqlJoin      = "SELECT count(*), sum(a.k) FROM sbtest a JOIN sbtest2 b ON a.id=b.k"
	sqlTopN      = "SELECT id FROM sbtest ORDER BY c LIMIT 10"
	sqlSumK      = "SELECT sum(k) FROM sbtest"
)

func init() {
	reg := func(name, about string, prepare func(e *env) error, run func(e *env, s side) (measurement, error)) *workload {
		w := &workload{Name: name, Anchor: "sqlite", About: about, Prepare: prepare, Run: run}
		register(w)
		return w
	}
	load := reg("load", "insert -sqlrows rows, 1000 per txn, prepared single-row INSERT, index on k; incl. close; rows/s",
		nil, func(e *env, s side) (measurement, error) { return sqlLoadRun(e, s, 1) })
	load.Extra, load.Once = sqlDiskExtra(1), true
	multi := reg("load-multirow", "as load with a 100-row INSERT (10 per txn), in a scratch database; rows/s",
		nil, func(e *env, s side) (measurement, error) { return sqlLoadRun(e, s, sqlMultiRow) })
	multi.Extra, multi.Once = sqlDiskExtra(sqlMultiRow), true
	reg("point-1", "SELECT c WHERE id=$1, random id, 1 goroutine, -duration; queries/s",
		ensureSQLLoaded, func(e *env, s side) (measurement, error) { return sqlPointRun(e, s, 1) })
	reg("point-4", "the same from 4 goroutines, a session/connection each; queries/s",
		ensureSQLLoaded, func(e *env, s side) (measurement, error) { return sqlPointRun(e, s, sqlPointWorkers) })
	reg("range", "SELECT c WHERE id BETWEEN $1 AND $1+99 (100 rows), 1 goroutine; queries/s",
		ensureSQLLoaded, sqlRangeRun)
	reg("index-range", "SELECT id, c WHERE k BETWEEN $1 AND $1+9 (via sbtest_k), 1 goroutine; queries/s",
		ensureSQLLoaded, sqlIndexRangeRun)
	reg("scan-agg", "SELECT k%100, count(*), sum(length(c)) GROUP BY 1 (full scan), repeated for -duration; queries/s",
		ensureSQLLoaded, sqlScanAggRun)
	reg("join", "SELECT count(*), sum(a.k) FROM sbtest a JOIN sbtest2 b ON a.id=b.k (sbtest2: 100,000 rows); queries/s",
		ensureSQLJoin, sqlJoinRun)
	reg("top-n", "SELECT id ORDER BY c LIMIT 10 (no index on c), repeated for -duration; queries/s",
		func(e *env) error { e.sqlState().expectTopN(); return ensureSQLLoaded(e) }, sqlTopNRun)
	reg("update-sync-1", "UPDATE sbtest SET k=k+1 WHERE id=$1, synced autocommit, 1 goroutine; updates/s",
		ensureSQLLoaded, func(e *env, s side) (measurement, error) { return sqlUpdateRun(e, s, "update-sync-1", 1) })
	reg("update-sync-8", "the same from 8 goroutines (retrying 40001 / SQLITE_BUSY); updates/s",
		ensureSQLLoaded, func(e *env, s side) (measurement, error) {
			return sqlUpdateRun(e, s, "update-sync-8", sqlUpdateWorker)
		})
}

// sqlDB is an open database of one engine.
type sqlDB interface {
	// Exec runs a statement outside any transaction (setup, untimed).
	Exec(sql string, args ...any) error
	// Conn returns a connection for one goroutine: SQLite a dedicated
	// connection, cairn the DB itself (its calls take pooled sessions).
	Conn() (sqlConn, error)
	// Retryable reports whether err is a transient conflict the caller
	// should retry: SQLSTATE 40001 (cairn), SQLITE_BUSY/LOCKED (SQLite).
	Retryable(err error) bool
	Close() error
}

type sqlConn interface {
	Prepare(sql string) (sqlStmt, error)
	Begin() error
	Commit() error
	Close() error
}

// sqlStmt is a prepared statement of one connection. Integer arguments are
// passed as int64; an adapter may convert them (see cairnStmt).
type sqlStmt interface {
	Exec(args ...any) error
	Query(args ...any) (sqlRows, error)
}

// sqlRows is what *sql.Rows and *cairn.Rows have in common.
type sqlRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

func openSQL(s side, dir string, sync bool, conns int) (sqlDB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if s == cairnSide {
		return openCairnSQL(dir, sync, conns)
	}
	return openSQLiteSQL(dir, sync, conns)
}

// sqlState is the expected contents of the tables and the per-side state
// shared by the SQL workloads.
type sqlState struct {
	n      int
	k      []int32 // k[id-1] of sbtest after the load
	kPre   []int32 // kPre[v] = rows with k <= v
	m      int     // rows of sbtest2
	loaded [2]bool
	joined [2]bool // sbtest2 exists
	disk   map[int][2]int64
	topN   []int64 // expected ids of the top-n query, computed when needed
	// answers of the join per side, compared by the anchor's run
	joinAnswer [2][2]int64
}

func (e *env) sqlState() *sqlState {
	if e.sql != nil {
		return e.sql
	}
	st := &sqlState{n: e.sqlRows, m: min(sqlJoinRows, e.sqlRows), disk: map[int][2]int64{}}
	st.k = make([]int32, st.n)
	st.kPre = make([]int32, st.n+1)
	for id := 1; id <= st.n; id++ {
		r := sqlRowRand(sqlSeed, id)
		k := int32(1 + r.next()%uint64(st.n))
		st.k[id-1] = k
		st.kPre[k]++
	}
	for v := 1; v <= st.n; v++ {
		st.kPre[v] += st.kPre[v-1]
	}
	e.sql = st
	return st
}

func sqlEngineName(s side) string {
	if s == cairnSide {
		return "cairn"
	}
	return "sqlite"
}

func (e *env) sqlDir(s side) string { return filepath.Join(e.root, "sql-"+s.String()) }

// sqlRand is a splitmix64 stream: cheap, and a pure function of (seed, id).
type sqlRand struct{ x uint64 }

func sqlRowRand(seed uint64, id int) sqlRand {
	return sqlRand{x: seed<<32 ^ uint64(id)*0x9e3779b97f4a7c15}
}

func (r *sqlRand) next() uint64 {
	r.x += 0x9e3779b97f4a7c15
	z := r.x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// appendGroups appends groups of 11 random digits, each followed by '-'.
func (r *sqlRand) appendGroups(dst []byte, groups int) []byte {
	for range groups {
		v := r.next() % 100_000_000_000
		var d [sqlGroupDigits]byte
		for i := sqlGroupDigits - 1; i >= 0; i-- {
			d[i] = byte('0' + v%10)
			v /= 10
		}
		dst = append(dst, d[:]...)
		dst = append(dst, '-')
	}
	return dst
}

// sqlRow returns row id's k, c and pad (c and pad appended to buf) for
// the table of the given seed and row count n.
func sqlRow(buf []byte, seed uint64, id, n int) (k int64, c, pad []byte) {
	r := sqlRowRand(seed, id)
	k = int64(1 + r.next()%uint64(n))
	buf = r.appendGroups(buf[:0], sqlCLen/(sqlGroupDigits+1))
	cEnd := len(buf)
	buf = r.appendGroups(buf, sqlPadLen/(sqlGroupDigits+1))
	return k, buf[:cEnd:cEnd], buf[cEnd:]
}

// sqlC is row id's c in sbtest.
func (st *sqlState) sqlC(buf []byte, id int64) []byte {
	_, c, _ := sqlRow(buf, sqlSeed, int(id), st.n)
	return c
}

// ensureSQLLoaded loads sbtest into both engines' databases, untimed, if
// the load workload did not.
func ensureSQLLoaded(e *env) error {
	st := e.sqlState()
	for _, s := range []side{cairnSide, anchorSide} {
		if st.loaded[s] {
			continue
		}
		logf("bench: loading %d sbtest rows into %s (untimed, needed by the SQL workloads)", st.n, sqlEngineName(s))
		m, err := sqlLoadRun(e, s, 1)
		if err != nil {
			return fmt.Errorf("%s: load: %w", s, err)
		}
		logf("  %s: loaded in %s", sqlEngineName(s), m.elapsed.Round(time.Millisecond))
	}
	return nil
}

// ensureSQLJoin adds sbtest2 (st.m rows, same schema, k random in [1, n])
// to both loaded databases, untimed.
func ensureSQLJoin(e *env) error {
	if err := ensureSQLLoaded(e); err != nil {
		return err
	}
	st := e.sqlState()
	for _, s := range []side{cairnSide, anchorSide} {
		if st.joined[s] {
			continue
		}
		start := time.Now()
		db, err := openSQL(s, e.sqlDir(s), false, 1)
		if err != nil {
			return err
		}
		err = sqlInsertRows(db, []string{sqlCreate2, sqlCreateIx2}, sqlInsert2, "sbtest2", sqlSeed2, st.m, st.n, 1)
		if err == nil {
			// Both engines plan joins from table statistics: collect
			// them, as one would after a bulk load.
			err = db.Exec("ANALYZE")
		}
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: sbtest2: %w", s, err)
		}
		st.joined[s] = true
		logf("  %s: sbtest2 (%d rows) loaded in %s (untimed)", sqlEngineName(s), st.m, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// sqlInsertRows creates a table (ddl) and inserts rows 1..rows of the
// given seed in transactions of sqlLoadTxn rows, through a prepared
// INSERT of perStmt rows (insert1 is the single-row text; the multi-row
// text is derived from it).
func sqlInsertRows(db sqlDB, ddl []string, insert1, table string, seed uint64, rows, n, perStmt int) error {
	for _, q := range ddl {
		if err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	conn, err := db.Conn()
	if err != nil {
		return err
	}
	defer conn.Close()
	stmt, err := conn.Prepare(insert1)
	if err != nil {
		return err
	}
	var multi sqlStmt
	if perStmt > 1 {
		if multi, err = conn.Prepare(sqlMultiInsert(table, perStmt)); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, sqlCLen+sqlPadLen)
	args := make([]any, 0, 4*perStmt)
	for lo := 1; lo <= rows; lo += sqlLoadTxn {
		hi := min(lo+sqlLoadTxn, rows+1)
		if err := conn.Begin(); err != nil {
			return err
		}
		for id := lo; id < hi; {
			st, cnt := stmt, 1
			if multi != nil && hi-id >= perStmt {
				st, cnt = multi, perStmt
			}
			args = args[:0]
			for j := id; j < id+cnt; j++ {
				k, c, pad := sqlRow(buf, seed, j, n)
				args = append(args, int64(j), k, string(c), string(pad))
			}
			if err := st.Exec(args...); err != nil {
				return fmt.Errorf("insert rows %d..%d: %w", id, id+cnt-1, err)
			}
			id += cnt
		}
		if err := conn.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// sqlMultiInsert is the INSERT of rows rows: VALUES ($1, $2, $3, $4), ($5, ...
func sqlMultiInsert(table string, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s(id, k, c, pad) VALUES ", table)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
	}
	return b.String()
}

// sqlLoadRun builds sbtest from scratch on side s: the table and its index
// are created (untimed), then the rows inserted in ascending id order,
// sqlLoadTxn per transaction, unsynced (cairn NoSync, SQLite
// synchronous=NORMAL), and the database closed; timed from the first
// INSERT to the end of Close (cairn flushes its memtable, SQLite
// checkpoints its WAL). The directory's size after Close is recorded.
// With perStmt == 1 (load) the database is the one the other workloads
// read; load-multirow builds a scratch database and deletes it.
func sqlLoadRun(e *env, s side, perStmt int) (measurement, error) {
	st := e.sqlState()
	dir := e.sqlDir(s)
	if perStmt > 1 {
		dir = filepath.Join(e.root, "sql-multirow-"+s.String())
		defer os.RemoveAll(dir)
	} else {
		st.loaded[s], st.joined[s] = false, false
	}
	if err := os.RemoveAll(dir); err != nil {
		return measurement{}, err
	}
	db, err := openSQL(s, dir, false, 1)
	if err != nil {
		return measurement{}, err
	}
	for _, q := range []string{sqlCreate, sqlCreateIdx} {
		if err := db.Exec(q); err != nil {
			db.Close()
			return measurement{}, fmt.Errorf("%s: %w", q, err)
		}
	}
	start := time.Now()
	if err := sqlInsertRows(db, nil, sqlInsert, "sbtest", sqlSeed, st.n, st.n, perStmt); err != nil {
		db.Close()
		return measurement{}, err
	}
	if err := db.Close(); err != nil {
		return measurement{}, err
	}
	m := measurement{ops: int64(st.n), elapsed: time.Since(start)}
	size, files, err := dirSize(dir)
	if err != nil {
		return m, err
	}
	d := st.disk[perStmt]
	d[s] = size
	st.disk[perStmt] = d
	logf("  %s: %d rows, %.1f MB on disk in %d files after close (%.0f bytes/row)",
		sqlEngineName(s), st.n, mb(size), files, float64(size)/float64(st.n))
	if perStmt == 1 {
		st.loaded[s] = true
	}
	return m, nil
}

func sqlDiskExtra(perStmt int) func(e *env) map[string]float64 {
	return func(e *env) map[string]float64 {
		d := e.sqlState().disk[perStmt]
		return map[string]float64{"cairn_disk_mb": mb(d[cairnSide]), "anchor_disk_mb": mb(d[anchorSide])}
	}
}

// dirSize is the sum of the sizes of the regular files below dir.
func dirSize(dir string) (size int64, files int, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		files++
		return nil
	})
	return size, files, err
}

// sqlTimed runs op from the given number of goroutines, each on its own
// connection with its own prepared statements (made by setup, untimed),
// until -duration has passed (stop is then set); ops = successful calls
// of op. r is the goroutine's seeded random source (the same sequence for
// both engines). An op that returns errSQLStopped did not complete and
// ends its goroutine.
func sqlTimed(e *env, db sqlDB, goroutines int, stop *atomic.Bool, setup func(c sqlConn) (func(r *rand.Rand) error, error)) (measurement, error) {
	if stop == nil {
		stop = new(atomic.Bool)
	}
	ops := make([]func(r *rand.Rand) error, goroutines)
	for g := range goroutines {
		c, err := db.Conn()
		if err != nil {
			return measurement{}, err
		}
		defer c.Close()
		if ops[g], err = setup(c); err != nil {
			return measurement{}, err
		}
	}
	var (
		total atomic.Int64
		wg    sync.WaitGroup
		errMu sync.Mutex
		first error
	)
	start := time.Now()
	timer := time.AfterFunc(e.duration, func() { stop.Store(true) })
	defer timer.Stop()
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(sqlSeed, 1000+uint64(g)))
			var n int64
			for !stop.Load() {
				if err := ops[g](r); err != nil {
					if errors.Is(err, errSQLStopped) {
						break
					}
					errMu.Lock()
					first = cmpOr(first, err)
					errMu.Unlock()
					stop.Store(true)
					break
				}
				n++
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	m := measurement{ops: total.Load(), elapsed: time.Since(start)}
	return m, first
}

var errSQLStopped = errors.New("stopped while retrying")

// sqlOpenLoaded opens side s's loaded database.
func sqlOpenLoaded(e *env, s side, sync bool, conns int) (sqlDB, error) {
	return openSQL(s, e.sqlDir(s), sync, conns)
}

func sqlCloseWith(db sqlDB, m measurement, err error) (measurement, error) {
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return m, err
}

// sqlPointRun: SELECT c FROM sbtest WHERE id=$1 for random ids.
func sqlPointRun(e *env, s side, goroutines int) (measurement, error) {
	st := e.sqlState()
	db, err := sqlOpenLoaded(e, s, false, goroutines)
	if err != nil {
		return measurement{}, err
	}
	m, err := sqlTimed(e, db, goroutines, nil, func(conn sqlConn) (func(r *rand.Rand) error, error) {
		stmt, err := conn.Prepare(sqlPoint)
		if err != nil {
			return nil, err
		}
		var c string
		var buf []byte
		var ops int
		return func(r *rand.Rand) error {
			id := 1 + r.Int64N(int64(st.n))
			rows, err := stmt.Query(id)
			if err != nil {
				return err
			}
			n := 0
			for rows.Next() {
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			ops++
			switch {
			case n != 1:
				return fmt.Errorf("point id %d: %d rows", id, n)
			case len(c) != sqlCLen:
				return fmt.Errorf("point id %d: c has %d bytes", id, len(c))
			case ops%sqlVerifyEvery == 0 && c != string(st.sqlC(buf, id)):
				return fmt.Errorf("point id %d: wrong c %q", id, c)
			}
			return nil
		}, nil
	})
	return sqlCloseWith(db, m, err)
}

// sqlRangeRun: SELECT c FROM sbtest WHERE id BETWEEN $1 AND $1+99, all
// 100 rows read.
func sqlRangeRun(e *env, s side) (measurement, error) {
	st := e.sqlState()
	db, err := sqlOpenLoaded(e, s, false, 1)
	if err != nil {
		return measurement{}, err
	}
	m, err := sqlTimed(e, db, 1, nil, func(conn sqlConn) (func(r *rand.Rand) error, error) {
		stmt, err := conn.Prepare(sqlRange)
		if err != nil {
			return nil, err
		}
		var c string
		var buf []byte
		var ops int
		return func(r *rand.Rand) error {
			lo := 1 + r.Int64N(int64(st.n-99))
			rows, err := stmt.Query(lo)
			if err != nil {
				return err
			}
			ops++
			n := int64(0)
			for rows.Next() {
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				if len(c) != sqlCLen || ops%sqlVerifyEvery == 0 && c != string(st.sqlC(buf, lo+n)) {
					rows.Close()
					return fmt.Errorf("range from %d: row %d: wrong c %q", lo, n, c)
				}
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if n != 100 {
				return fmt.Errorf("range from %d: %d rows, want 100", lo, n)
			}
			return nil
		}, nil
	})
	return sqlCloseWith(db, m, err)
}

// sqlIndexRangeRun: SELECT id, c FROM sbtest WHERE k BETWEEN $1 AND $1+9;
// the row count must be what the load put in that range of k.
func sqlIndexRangeRun(e *env, s side) (measurement, error) {
	st := e.sqlState()
	db, err := sqlOpenLoaded(e, s, false, 1)
	if err != nil {
		return measurement{}, err
	}
	var rowsRead atomic.Int64
	m, err := sqlTimed(e, db, 1, nil, func(conn sqlConn) (func(r *rand.Rand) error, error) {
		stmt, err := conn.Prepare(sqlIdxRange)
		if err != nil {
			return nil, err
		}
		var id int64
		var c string
		var buf []byte
		var ops int
		return func(r *rand.Rand) error {
			lo := 1 + r.Int64N(int64(st.n-9))
			rows, err := stmt.Query(lo)
			if err != nil {
				return err
			}
			ops++
			n := int32(0)
			for rows.Next() {
				if err := rows.Scan(&id, &c); err != nil {
					rows.Close()
					return err
				}
				if id < 1 || id > int64(st.n) || int64(st.k[id-1]) < lo || int64(st.k[id-1]) > lo+9 {
					rows.Close()
					return fmt.Errorf("index-range from %d: row id %d has k %d", lo, id, st.k[max(0, min(id-1, int64(st.n-1)))])
				}
				if len(c) != sqlCLen || ops%sqlVerifyEvery == 0 && c != string(st.sqlC(buf, id)) {
					rows.Close()
					return fmt.Errorf("index-range from %d: id %d: wrong c %q", lo, id, c)
				}
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if want := st.kPre[lo+9] - st.kPre[lo-1]; n != want {
				return fmt.Errorf("index-range from %d: %d rows, want %d", lo, n, want)
			}
			rowsRead.Add(int64(n))
			return nil
		}, nil
	})
	if err == nil {
		logf("  %s: %.1f rows per index-range query", sqlEngineName(s), float64(rowsRead.Load())/float64(max(m.ops, 1)))
	}
	return sqlCloseWith(db, m, err)
}

// sqlRepeat runs one query on one connection until -duration has passed
// (at least once); check verifies each answer.
func sqlRepeat(e *env, s side, query string, check func(rows sqlRows) error) (measurement, error) {
	db, err := sqlOpenLoaded(e, s, false, 1)
	if err != nil {
		return measurement{}, err
	}
	m, err := sqlTimed(e, db, 1, nil, func(conn sqlConn) (func(r *rand.Rand) error, error) {
		stmt, err := conn.Prepare(query)
		if err != nil {
			return nil, err
		}
		return func(*rand.Rand) error {
			rows, err := stmt.Query()
			if err != nil {
				return err
			}
			err = check(rows)
			rows.Close()
			return cmpOr(err, rows.Err())
		}, nil
	})
	if err == nil {
		logf("  %s: %d queries, %s per query", sqlEngineName(s), m.ops, (m.elapsed / time.Duration(max(m.ops, 1))).Round(time.Microsecond))
	}
	return sqlCloseWith(db, m, err)
}

// sqlScanAggRun: the GROUP BY k%100 over the whole table; the groups'
// counts must be the loaded distribution and sum(length(c)) 120 per row.
func sqlScanAggRun(e *env, s side) (measurement, error) {
	st := e.sqlState()
	want := make([]int64, 100)
	for _, k := range st.k {
		want[k%100]++
	}
	seen := make([]bool, 100)
	return sqlRepeat(e, s, sqlScanAgg, func(rows sqlRows) error {
		clear(seen)
		var g, cnt, sumLen, total int64
		for rows.Next() {
			if err := rows.Scan(&g, &cnt, &sumLen); err != nil {
				return err
			}
			switch {
			case g < 0 || g >= 100 || seen[g]:
				return fmt.Errorf("scan-agg: unexpected group %d", g)
			case cnt != want[g]:
				return fmt.Errorf("scan-agg: group %d has count %d, want %d", g, cnt, want[g])
			case sumLen != cnt*sqlCLen:
				return fmt.Errorf("scan-agg: group %d: sum(length(c)) %d, want %d", g, sumLen, cnt*sqlCLen)
			}
			seen[g] = true
			total += cnt
		}
		if total != int64(st.n) {
			return fmt.Errorf("scan-agg: counts add up to %d, want %d", total, st.n)
		}
		return nil
	})
}

// sqlJoinRun: every sbtest2 row joins exactly one sbtest row (b.k is an
// existing id), so count = rows of sbtest2 and sum(a.k) is known.
func sqlJoinRun(e *env, s side) (measurement, error) {
	st := e.sqlState()
	var wantSum int64
	for id := 1; id <= st.m; id++ {
		r := sqlRowRand(sqlSeed2, id)
		bk := 1 + r.next()%uint64(st.n)
		wantSum += int64(st.k[bk-1])
	}
	m, err := sqlRepeat(e, s, sqlJoin, func(rows sqlRows) error {
		var cnt, sum int64
		n := 0
		for rows.Next() {
			if err := rows.Scan(&cnt, &sum); err != nil {
				return err
			}
			n++
		}
		if n != 1 || cnt != int64(st.m) || sum != wantSum {
			return fmt.Errorf("join: %d rows, count %d, sum %d; want 1 row, count %d, sum %d", n, cnt, sum, st.m, wantSum)
		}
		st.joinAnswer[s] = [2]int64{cnt, sum}
		return nil
	})
	if err == nil && s == anchorSide && st.joinAnswer[cairnSide] != st.joinAnswer[anchorSide] {
		err = fmt.Errorf("join: cairn answered %v, sqlite %v", st.joinAnswer[cairnSide], st.joinAnswer[anchorSide])
	}
	if err == nil {
		logf("  %s: join answer count=%d sum(a.k)=%d (as expected)", sqlEngineName(s), st.joinAnswer[s][0], st.joinAnswer[s][1])
	}
	return m, err
}

// expectTopN computes the ids of the 10 smallest c (in top-n's Prepare,
// so that it is in neither engine's profile nor RSS).
func (st *sqlState) expectTopN() {
	if st.topN == nil {
		type idc struct {
			id int64
			c  string
		}
		var best []idc // ascending by c, at most 10
		var buf []byte
		for id := 1; id <= st.n; id++ {
			c := st.sqlC(buf, int64(id))
			if len(best) == 10 && string(c) >= best[9].c {
				continue
			}
			x := idc{int64(id), string(c)}
			i, _ := slices.BinarySearchFunc(best, x, func(a, b idc) int { return strings.Compare(a.c, b.c) })
			best = slices.Insert(best, i, x)
			if len(best) > 10 {
				best = best[:10]
			}
		}
		for _, b := range best {
			st.topN = append(st.topN, b.id)
		}
	}
}

// sqlTopNRun: the 10 ids of the smallest c must be the expected ones.
func sqlTopNRun(e *env, s side) (measurement, error) {
	st := e.sqlState()
	st.expectTopN()
	got := make([]int64, 0, 10)
	return sqlRepeat(e, s, sqlTopN, func(rows sqlRows) error {
		got = got[:0]
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			got = append(got, id)
		}
		if !slices.Equal(got, st.topN) {
			return fmt.Errorf("top-n: got ids %v, want %v", got, st.topN)
		}
		return nil
	})
}

// sqlUpdateRun: UPDATE sbtest SET k=k+1 WHERE id=$1, each its own synced
// autocommit transaction (cairn NoSync false, SQLite synchronous=FULL),
// from the given number of goroutines; a statement that loses a conflict
// (cairn 40001, SQLite SQLITE_BUSY after busy_timeout) is retried on the
// same id, retries counted apart. Afterwards sum(k) must have grown by
// exactly the number of updates. These workloads change k, which is why
// they run last.
func sqlUpdateRun(e *env, s side, name string, goroutines int) (measurement, error) {
	db, err := sqlOpenLoaded(e, s, true, goroutines)
	if err != nil {
		return measurement{}, err
	}
	before, err := sqlSum(db)
	if err != nil {
		return sqlCloseWith(db, measurement{}, err)
	}
	st := e.sqlState()
	var retries atomic.Int64
	var stopped atomic.Bool
	m, err := sqlTimed(e, db, goroutines, &stopped, func(conn sqlConn) (func(r *rand.Rand) error, error) {
		stmt, err := conn.Prepare(sqlUpdate)
		if err != nil {
			return nil, err
		}
		return func(r *rand.Rand) error {
			id := 1 + r.Int64N(int64(st.n))
			for {
				err := stmt.Exec(id)
				if err == nil || !db.Retryable(err) {
					return err
				}
				retries.Add(1)
				if stopped.Load() {
					return errSQLStopped
				}
			}
		}, nil
	})
	if err != nil {
		return sqlCloseWith(db, m, err)
	}
	after, err := sqlSum(db)
	if err == nil && after-before != m.ops {
		err = fmt.Errorf("%s: sum(k) grew by %d, but %d updates succeeded", name, after-before, m.ops)
	}
	if err == nil {
		logf("  %s: %d updates, %d retried (%.2f%%); sum(k) grew by exactly that", sqlEngineName(s), m.ops, retries.Load(),
			100*float64(retries.Load())/float64(max(m.ops, 1)))
	}
	return sqlCloseWith(db, m, err)
}

func sqlSum(db sqlDB) (int64, error) {
	c, err := db.Conn()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	stmt, err := c.Prepare(sqlSumK)
	if err != nil {
		return 0, err
	}
	rows, err := stmt.Query()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var sum int64
	if !rows.Next() {
		return 0, cmpOr(rows.Err(), errors.New("sum(k): no row"))
	}
	if err := rows.Scan(&sum); err != nil {
		return 0, err
	}
	return sum, rows.Err()
}
