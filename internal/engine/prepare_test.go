package engine

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

func newTestSession(t *testing.T) *Session {
	t.Helper()
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e.NewSession()
}

// randomSeed replays a randomized test's failure: go test -run TestX
// -seed N, N the seed its log gave.
var randomSeed = flag.Uint64("seed", 0, "seed for the tests made with newRandomSession (0: random)")

// newRandomSession is newTestSession for a randomized test: a random
// source whose seed it logs (-seed sets it), and exec, which fails the
// test on an error, naming the statement and the seed.
func newRandomSession(t *testing.T) (s *Session, r *rand.Rand, seed uint64, exec func(sql string) []Result) {
	t.Helper()
	seed = *randomSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d", seed)
	s = newTestSession(t)
	exec = func(sql string) []Result {
		t.Helper()
		res, err := s.Execute(context.Background(), sql, nil)
		if err != nil {
			t.Fatalf("%s: %v (seed %d)", sql, err, seed)
		}
		return res
	}
	return s, rand.New(rand.NewPCG(seed, 0)), seed, exec
}

func mustExec(t *testing.T, s *Session, sql string) []Result {
	t.Helper()
	r, err := s.Execute(context.Background(), sql, nil)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return r
}

// insertRows inserts rows 1..n into table, row(i) giving the i-th
// row's VALUES tuple, a thousand rows a statement.
func insertRows(t *testing.T, s *Session, table string, n int, row func(i int) string) {
	t.Helper()
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		if sb.Len() == 0 {
			sb.WriteString("INSERT INTO " + table + " VALUES ")
		} else {
			sb.WriteString(", ")
		}
		sb.WriteString(row(i))
		if i%1000 == 0 || i == n {
			mustExec(t, s, sb.String())
			sb.Reset()
		}
	}
}

func mustPrepare(t *testing.T, s *Session, sql string) *Prepared {
	t.Helper()
	p, err := s.Prepare(context.Background(), sql, nil)
	if err != nil {
		t.Fatalf("prepare %s: %v", sql, err)
	}
	return p
}

func run(t *testing.T, s *Session, p *Prepared, args ...types.Datum) Result {
	t.Helper()
	r, err := s.ExecutePrepared(context.Background(), p, args)
	if err != nil {
		t.Fatalf("execute %s: %v", p.SQL, err)
	}
	return r
}

func codeOf(err error) sqlerr.Code {
	var se *sqlerr.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

func TestPrepareInfersTypes(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score DOUBLE PRECISION)")
	for _, tc := range []struct {
		sql    string
		params string
		cols   string
	}{
		{"SELECT name FROM t WHERE id = $1 AND name <> $2", "[integer text]", "[name:text]"},
		{"INSERT INTO t VALUES ($1, $2, $3)", "[integer text double precision]", "[]"},
		{"UPDATE t SET score = $2 WHERE id = $1 RETURNING id, score * 2 AS s", "[integer double precision]", "[id:integer s:double precision]"},
		{"SELECT $1", "[text]", "[?column?:text]"},
		{"DELETE FROM t WHERE id > $1 + 1", "[integer]", "[]"},
		{"SELECT count(*) FROM t LIMIT $1", "[bigint]", "[count:bigint]"},
		{"SHOW statement_timeout", "[]", "[statement_timeout:text]"},
	} {
		p := mustPrepare(t, s, tc.sql)
		if got := typeList(p.ParamTypes()); got != tc.params {
			t.Errorf("%s: params %s, want %s", tc.sql, got, tc.params)
		}
		if got := colList(p.Columns()); got != tc.cols {
			t.Errorf("%s: columns %s, want %s", tc.sql, got, tc.cols)
		}
	}
	if _, err := s.Prepare(context.Background(), "SELECT 1; SELECT 2", nil); codeOf(err) != sqlerr.SyntaxError {
		t.Errorf("two statements: %v", err)
	}
	if p := mustPrepare(t, s, " ;"); !p.Empty() {
		t.Error("an empty statement is not Empty")
	}
	if _, err := s.Prepare(context.Background(), "SELECT nope FROM t", nil); codeOf(err) != sqlerr.UndefinedColumn {
		t.Errorf("bad column: %v", err)
	}
}

func typeList(ts []types.Type) string {
	out := "["
	for i, t := range ts {
		if i > 0 {
			out += " "
		}
		out += t.String()
	}
	return out + "]"
}

func colList(cs []Column) string {
	out := "["
	for i, c := range cs {
		if i > 0 {
			out += " "
		}
		out += c.Name + ":" + c.Type.String()
	}
	return out + "]"
}

func TestPreparedPlanIsCached(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
	ins := mustPrepare(t, s, "INSERT INTO t VALUES ($1, $2)")
	get := mustPrepare(t, s, "SELECT name FROM t WHERE id = $1")
	before := s.plans
	for i := 1; i <= 10; i++ {
		run(t, s, ins, types.NewInt8(int64(i)), types.NewText("x"))
		if r := run(t, s, get, types.NewUnknown("3")); i >= 3 && len(r.Rows) != 1 {
			t.Fatalf("get 3 after %d inserts: %v", i, r.Rows)
		}
	}
	if s.plans != before {
		t.Fatalf("%d plans for 20 executions without a schema change", s.plans-before)
	}
	// A schema change plans again, once.
	mustExec(t, s, "CREATE INDEX t_name ON t (name)")
	run(t, s, get, types.NewInt4(3))
	run(t, s, get, types.NewInt4(3))
	if s.plans != before+1 {
		t.Fatalf("%d plans after a schema change, want 1", s.plans-before)
	}
	// Execute caches single statements too.
	before = s.plans
	for i := 0; i < 5; i++ {
		if _, err := s.Execute(context.Background(), "SELECT name FROM t WHERE id = $1", []types.Datum{types.NewInt8(2)}); err != nil {
			t.Fatal(err)
		}
	}
	if s.plans != before+1 {
		t.Fatalf("Execute planned %d times for 5 runs", s.plans-before)
	}
}

func TestPreparedResultTypeChange(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	mustExec(t, s, "INSERT INTO t VALUES (1)")
	p := mustPrepare(t, s, "SELECT * FROM t")
	run(t, s, p)
	mustExec(t, s, "ALTER TABLE t ADD COLUMN v INTEGER DEFAULT 7")
	if _, err := s.ExecutePrepared(context.Background(), p, nil); codeOf(err) != sqlerr.FeatureNotSupported {
		t.Fatalf("after ADD COLUMN: %v, want 0A000 cached plan must not change result type", err)
	}
	// The same text through Execute simply sees the new column.
	r := mustExec(t, s, "SELECT * FROM t")
	if len(r[0].Columns) != 2 || r[0].Rows[0][1].Int() != 7 {
		t.Fatalf("SELECT * after ADD COLUMN: %v", r[0])
	}
}

// A plan bound inside a transaction that changed the schema must not be
// reused after that transaction rolls back, even when a later change
// brings the schema version back to the same number.
func TestPreparedPlanAfterRolledBackDDL(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	mustExec(t, s, "INSERT INTO t VALUES (1)")
	q := "SELECT * FROM t"
	mustExec(t, s, q)
	mustExec(t, s, "BEGIN")
	mustExec(t, s, "ALTER TABLE t ADD COLUMN x TEXT DEFAULT 'rolled back'")
	if r := mustExec(t, s, q); r[0].Columns[1].Name != "x" {
		t.Fatalf("inside the transaction: %v", r[0].Columns)
	}
	mustExec(t, s, "ROLLBACK")
	mustExec(t, s, "ALTER TABLE t ADD COLUMN y INTEGER DEFAULT 7")
	r := mustExec(t, s, q)
	if len(r[0].Columns) != 2 || r[0].Columns[1].Name != "y" || r[0].Rows[0][1].Int() != 7 {
		t.Fatalf("after the rollback and another change: %v %v", r[0].Columns, r[0].Rows)
	}
}

func TestPreparedStatementContext(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE SEQUENCE seq")
	next := mustPrepare(t, s, "SELECT nextval('seq'), now()")
	a := run(t, s, next)
	time.Sleep(2 * time.Millisecond)
	b := run(t, s, next)
	if a.Rows[0][0].Int() != 1 || b.Rows[0][0].Int() != 2 {
		t.Fatalf("nextval from a cached plan: %v then %v", a.Rows[0][0], b.Rows[0][0])
	}
	if types.Compare(a.Rows[0][1], b.Rows[0][1]) >= 0 {
		t.Fatalf("now() did not advance between transactions: %v then %v", a.Rows[0][1], b.Rows[0][1])
	}
	if _, err := s.ExecutePrepared(context.Background(), mustPrepare(t, s, "SELECT $1::int"), nil); codeOf(err) != "08P01" {
		t.Fatalf("missing parameter: %v", err)
	}
	if _, err := s.ExecutePrepared(context.Background(), mustPrepare(t, s, "SELECT $1::int"), []types.Datum{types.NewUnknown("x")}); codeOf(err) != sqlerr.InvalidTextRepresentation {
		t.Fatalf("bad parameter text: %v", err)
	}
}

// A plan cached by one session is dropped when another session commits a
// schema change: here an index the plan reads goes away.
func TestPlanCacheSeesOtherSessionsDDL(t *testing.T) {
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	a, b := e.NewSession(), e.NewSession()
	mustExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, k INT)")
	mustExec(t, a, "CREATE INDEX t_k ON t (k)")
	mustExec(t, a, "INSERT INTO t VALUES (1, 10), (2, 20)")
	q := "SELECT id FROM t WHERE k = $1"
	get := func() int64 {
		t.Helper()
		r, err := a.Execute(context.Background(), q, []types.Datum{types.NewInt8(20)})
		if err != nil || len(r[0].Rows) != 1 {
			t.Fatalf("%s: %v %v", q, r, err)
		}
		return r[0].Rows[0][0].Int()
	}
	get()
	plans := a.plans
	get()
	if a.plans != plans {
		t.Fatal("the plan was not reused")
	}
	mustExec(t, b, "DROP INDEX t_k")
	mustExec(t, b, "UPDATE t SET k = 30 WHERE id = 2")
	mustExec(t, b, "INSERT INTO t VALUES (3, 20)")
	if got := get(); got != 3 || a.plans != plans+1 {
		t.Fatalf("after another session dropped the index: id %d, %d new plans", got, a.plans-plans)
	}
	// An open transaction keeps its snapshot's schema.
	mustExec(t, a, "BEGIN")
	get()
	mustExec(t, b, "ALTER TABLE t ADD COLUMN z INT")
	if r := mustExec(t, a, "SELECT * FROM t WHERE id = 1"); len(r[0].Columns) != 2 {
		t.Fatalf("inside a transaction begun before ADD COLUMN: %v", r[0].Columns)
	}
	mustExec(t, a, "COMMIT")
	if r := mustExec(t, a, "SELECT * FROM t WHERE id = 1"); len(r[0].Columns) != 3 {
		t.Fatalf("after the transaction: %v", r[0].Columns)
	}
}

// Preparing the same text again (the extended protocol's unnamed
// statements) reuses the prepared statement until the schema changes.
func TestPrepareReusesStatement(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)")
	a := mustPrepare(t, s, "SELECT v FROM t WHERE id = $1")
	plans := s.plans
	if b := mustPrepare(t, s, "SELECT v FROM t WHERE id = $1"); b != a || s.plans != plans {
		t.Fatalf("a second Prepare of the same text planned again (%d plans)", s.plans-plans)
	}
	mustExec(t, s, "ALTER TABLE t ADD COLUMN w INT")
	if b := mustPrepare(t, s, "SELECT v FROM t WHERE id = $1"); b == a {
		t.Fatal("Prepare reused a statement bound before a schema change")
	}
}

// A bigint parameter (what Go's int64 arguments become) finds an integer
// column's rows through its index: keys of all integer widths agree.
func TestIntegerParameterUsesIndex(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INTEGER PRIMARY KEY, k SMALLINT)")
	mustExec(t, s, "CREATE INDEX t_k ON t (k)")
	for _, q := range []string{"EXPLAIN SELECT * FROM t WHERE id = $1", "EXPLAIN SELECT * FROM t WHERE k BETWEEN $1 AND $1 + 5"} {
		r, err := s.Execute(context.Background(), q, []types.Datum{types.NewInt8(3)})
		if err != nil {
			t.Fatal(err)
		}
		if line := r[0].Rows[0][0].Str(); !strings.HasPrefix(line, "Index Scan") && !strings.HasPrefix(line, "Index Only Scan") {
			t.Errorf("%s with a bigint parameter: %s", q, line)
		}
	}
}

// TestPreparedWriteIndexExpressions runs one prepared UPDATE and INSERT
// many times on a table with an expression index and a partial index:
// the plan keeps their compiled expressions between runs, which must
// compute each run's rows' keys, not an earlier run's.
func TestPreparedWriteIndexExpressions(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INTEGER PRIMARY KEY, doc JSONB, n INTEGER CHECK (n < 1000))")
	mustExec(t, s, "CREATE INDEX t_city ON t ((doc->>'city'))")
	mustExec(t, s, "CREATE INDEX t_pos ON t (n) WHERE n > 0")
	ins := mustPrepare(t, s, "INSERT INTO t VALUES ($1, $2, $3)")
	upd := mustPrepare(t, s, "UPDATE t SET doc = $2, n = $3 WHERE id = $1")
	doc := func(city string) types.Datum {
		d, err := jsonb.Parse(`{"city": "` + city + `"}`)
		if err != nil {
			t.Fatal(err)
		}
		return types.NewJSONBDoc(d)
	}
	for i := 1; i <= 20; i++ {
		run(t, s, ins, types.NewInt8(int64(i)), doc("c"+strconv.Itoa(i)), types.NewInt8(int64(i%3-1)))
	}
	for i := 1; i <= 20; i++ {
		run(t, s, upd, types.NewInt8(int64(i)), doc("u"+strconv.Itoa(i%4)), types.NewInt8(int64(i%5)))
	}
	got := func(sql string) string {
		t.Helper()
		r := mustExec(t, s, sql)
		var out []string
		for _, row := range r[0].Rows {
			out = append(out, row[0].String())
		}
		return strings.Join(out, " ")
	}
	mustExec(t, s, "SET enable_seqscan = off")
	for _, tc := range []struct{ sql, want string }{
		{"SELECT id FROM t WHERE doc->>'city' = 'u1' ORDER BY id", "1 5 9 13 17"},
		{"SELECT id FROM t WHERE doc->>'city' = 'c3' ORDER BY id", ""},
		{"SELECT count(*) FROM t WHERE doc->>'city' LIKE 'c%'", "0"},
		{"SELECT id FROM t WHERE n > 0 AND n > 3 ORDER BY id", "4 9 14 19"},
	} {
		if g := got(tc.sql); g != tc.want {
			t.Errorf("%s: got %q, want %q", tc.sql, g, tc.want)
		}
		if plan := got("EXPLAIN " + tc.sql); !strings.Contains(plan, "Index") {
			t.Errorf("%s: not an index scan:\n%s", tc.sql, plan)
		}
	}
	if _, err := s.ExecutePrepared(context.Background(), upd, []types.Datum{types.NewInt8(1), doc("x"), types.NewInt8(1000)}); codeOf(err) != "23514" {
		t.Fatalf("update breaking the CHECK: %v", err)
	}
}

// TestBigintSequenceAfterReopen: a bigint sequence's reserved block ends
// within the type (it used to be stored as the limit plus one, wrapped
// around, so every nextval after a restart failed with 2200H); and a
// clean close gives back the rest of the block, so the next value after
// reopening is the next one.
func TestBigintSequenceAfterReopen(t *testing.T) {
	dir := t.TempDir()
	for round, want := range []string{"1", "2"} {
		e, err := Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := e.NewSession()
		if round == 0 {
			mustExec(t, s, "CREATE SEQUENCE s")
			mustExec(t, s, "CREATE TABLE b (id BIGSERIAL PRIMARY KEY, x INT)")
		}
		r := mustExec(t, s, "SELECT nextval('s')")
		if got := r[0].Rows[0][0].String(); got != want {
			t.Fatalf("round %d: nextval = %s, want %s", round, got, want)
		}
		mustExec(t, s, "INSERT INTO b (x) VALUES (1)")
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
