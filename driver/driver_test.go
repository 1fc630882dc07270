package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

type fakeSession struct {
	f      *fake
	status engine.TxStatus
}

type fake struct {
	mu     sync.Mutex
	log    []string
	params [][]types.Datum
	handle func(sql string, params []types.Datum) ([]engine.Result, error)
}

func (s *fakeSession) Execute(ctx context.Context, q string, params []types.Datum) ([]engine.Result, error) {
	s.f.mu.Lock()
	s.f.log = append(s.f.log, q)
	s.f.params = append(s.f.params, params)
	s.f.mu.Unlock()
	switch {
	case strings.HasPrefix(q, "BEGIN"):
		s.status = engine.TxActive
		return []engine.Result{{Tag: "BEGIN"}}, nil
	case q == "COMMIT", q == "ROLLBACK":
		tag := q
		if s.status == engine.TxFailed {
			tag = "ROLLBACK"
		}
		s.status = engine.TxIdle
		return []engine.Result{{Tag: tag}}, nil
	}
	res, err := s.f.handle(q, params)
	if err != nil && s.status == engine.TxActive {
		s.status = engine.TxFailed
	}
	return res, err
}

func (s *fakeSession) TxStatus() engine.TxStatus { return s.status }

type fakeConnector struct{ f *fake }

func (c fakeConnector) Connect(context.Context) (driver.Conn, error) {
	return newConn(&fakeSession{f: c.f, status: engine.TxIdle}, func() error { return nil }), nil
}
func (c fakeConnector) Driver() driver.Driver { return &Driver{} }

func openFake(t *testing.T, handle func(string, []types.Datum) ([]engine.Result, error)) (*sql.DB, *fake) {
	f := &fake{handle: handle}
	db := sql.OpenDB(fakeConnector{f})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db, f
}

func TestParseDSN(t *testing.T) {
	cfg, err := ParseDSN(":memory:?sync=off&cache=1048576")
	if err != nil || cfg.Dir != ":memory:" || !cfg.NoSync || cfg.CacheSize != 1<<20 {
		t.Fatalf("%+v %v", cfg, err)
	}
	cfg, err = ParseDSN("rel/dir")
	if err != nil || !strings.HasSuffix(cfg.Dir, "/rel/dir") || cfg.NoSync {
		t.Fatalf("%+v %v", cfg, err)
	}
	for _, bad := range []string{"", "d?sync=maybe", "d?cache=-1", "d?colour=red"} {
		if _, err := ParseDSN(bad); err == nil {
			t.Errorf("ParseDSN(%q) succeeded", bad)
		}
	}
}

func TestQueryTypesAndColumnTypes(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	db, f := openFake(t, func(string, []types.Datum) ([]engine.Result, error) {
		return []engine.Result{{
			Columns: []engine.Column{{Name: "a", Type: types.Int4}, {Name: "b", Type: types.Varchar(10)}, {Name: "c", Type: types.Numeric(10, 2)},
				{Name: "d", Type: types.TimestampTZ}, {Name: "e", Type: types.JSONB}, {Name: "f", Type: types.Bytea}},
			Rows: [][]types.Datum{
				{types.NewInt4(7), types.NewText("x"), types.Null, types.NewTimestampTZ(ts.UnixMicro()), mustJSONB(t, `{"k": 1}`), types.NewBytea([]byte("zz"))},
				{types.Null, types.Null, types.Null, types.Null, types.Null, types.Null},
			},
			Tag: "SELECT 2",
		}}, nil
	})
	rows, err := db.QueryContext(context.Background(), "SELECT $1, $2", int32(5), "s")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ct := range cts {
		names = append(names, ct.DatabaseTypeName())
	}
	if strings.Join(names, ",") != "INT4,VARCHAR,NUMERIC,TIMESTAMPTZ,JSONB,BYTEA" {
		t.Fatalf("type names %v", names)
	}
	if cts[0].ScanType() != reflect.TypeFor[int64]() || cts[3].ScanType() != reflect.TypeFor[time.Time]() {
		t.Fatalf("scan types %v %v", cts[0].ScanType(), cts[3].ScanType())
	}
	if p, s, ok := cts[2].DecimalSize(); !ok || p != 10 || s != 2 {
		t.Fatalf("decimal size %d %d %v", p, s, ok)
	}
	if n, ok := cts[1].Length(); !ok || n != 10 {
		t.Fatalf("length %d %v", n, ok)
	}
	if _, ok := cts[0].Nullable(); ok {
		t.Fatal("nullability claimed known")
	}
	rows.Next()
	var (
		a int
		b string
		c sql.NullFloat64
		d time.Time
		e json.RawMessage
		g []byte
	)
	if err := rows.Scan(&a, &b, &c, &d, &e, &g); err != nil {
		t.Fatal(err)
	}
	if a != 7 || b != "x" || c.Valid || !d.Equal(ts) || string(e) != `{"k": 1}` || string(g) != "zz" {
		t.Fatalf("row %v %v %v %v %s %s", a, b, c, d, e, g)
	}
	rows.Next()
	var na sql.NullInt64
	var nb *string
	var nd sql.NullTime
	var ne, ng []byte
	if err := rows.Scan(&na, &nb, &c, &nd, &ne, &ng); err != nil {
		t.Fatal(err)
	}
	if na.Valid || nb != nil || nd.Valid || ne != nil || ng != nil {
		t.Fatal("NULLs not scanned as NULL")
	}
	if rows.Next() {
		t.Fatal("extra row")
	}
	if got := f.params[0]; len(got) != 2 || got[0].Kind() != types.Int4Family || got[1].Str() != "s" {
		t.Fatalf("params %v", got)
	}
}

func TestArgsAndErrors(t *testing.T) {
	db, f := openFake(t, func(q string, _ []types.Datum) ([]engine.Result, error) {
		if q == "bad" {
			return nil, sqlerr.New(sqlerr.UniqueViolation, "duplicate key").WithDetail("Key (a)=(1) already exists.")
		}
		return []engine.Result{{Tag: "INSERT 0 3", RowsAffected: 3}}, nil
	})
	ctx := context.Background()
	res, err := db.ExecContext(ctx, "INSERT", 1, 2.5, "s", []byte("b"), true, time.Unix(0, 0), nil, json.RawMessage(`[1]`))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 3 {
		t.Fatalf("rows affected %d", n)
	}
	if _, err := res.LastInsertId(); err == nil {
		t.Fatal("LastInsertId supported?")
	}
	var kinds []string
	for _, d := range f.params[0] {
		kinds = append(kinds, d.Kind().String())
	}
	if got := strings.Join(kinds, ","); got != "bigint,double precision,text,bytea,boolean,timestamp with time zone,NULL,jsonb" {
		t.Fatalf("kinds %s", got)
	}
	if _, err := db.ExecContext(ctx, "x", sql.Named("n", 1)); err == nil {
		t.Fatal("named argument accepted")
	}
	if _, err := db.ExecContext(ctx, "x", struct{}{}); err == nil {
		t.Fatal("struct argument accepted")
	}
	_, err = db.ExecContext(ctx, "bad")
	var de *Error
	if !errors.As(err, &de) || de.Code != "23505" || de.Detail == "" {
		t.Fatalf("error %#v", err)
	}
	// Prepared statements run the remembered text.
	st, err := db.PrepareContext(ctx, "INSERT prepared")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ExecContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if f.log[len(f.log)-1] != "INSERT prepared" {
		t.Fatalf("log %q", f.log)
	}
}

func TestTxIsolationLevels(t *testing.T) {
	db, f := openFake(t, func(string, []types.Datum) ([]engine.Result, error) {
		return []engine.Result{{Tag: "UPDATE 1", RowsAffected: 1}}, nil
	})
	ctx := context.Background()
	for _, lvl := range []sql.IsolationLevel{sql.LevelDefault, sql.LevelReadCommitted, sql.LevelRepeatableRead, sql.LevelSnapshot, sql.LevelSerializable} {
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: lvl, ReadOnly: lvl == sql.LevelSerializable})
		if err != nil {
			t.Fatal(lvl, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE"); err != nil {
			t.Fatal(err)
		}
		if lvl == sql.LevelSnapshot {
			err = tx.Rollback()
		} else {
			err = tx.Commit()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelLinearizable}); err == nil {
		t.Fatal("linearizable accepted")
	}
	want := []string{"BEGIN", "UPDATE", "COMMIT",
		"BEGIN ISOLATION LEVEL READ COMMITTED", "UPDATE", "COMMIT",
		"BEGIN ISOLATION LEVEL REPEATABLE READ", "UPDATE", "COMMIT",
		"BEGIN ISOLATION LEVEL REPEATABLE READ", "UPDATE", "ROLLBACK",
		"BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY", "UPDATE", "COMMIT"}
	if strings.Join(f.log, "|") != strings.Join(want, "|") {
		t.Fatalf("log\n got %q\nwant %q", f.log, want)
	}
	// A plain Exec("BEGIN") left open is rolled back before the
	// connection is reused.
	f.log = nil
	if _, err := db.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "UPDATE"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.log, "|") != "BEGIN|ROLLBACK|UPDATE" {
		t.Fatalf("log %q", f.log)
	}
}

func TestMultipleResultSets(t *testing.T) {
	col := []engine.Column{{Name: "a", Type: types.Int8}}
	db, _ := openFake(t, func(string, []types.Datum) ([]engine.Result, error) {
		return []engine.Result{
			{Columns: col, Rows: [][]types.Datum{{types.NewInt8(1)}}},
			{Tag: "CREATE TABLE"},
			{Columns: col, Rows: [][]types.Datum{{types.NewInt8(2)}, {types.NewInt8(3)}}},
		}, nil
	})
	rows, err := db.Query("SELECT 1; CREATE ...; SELECT ...")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int64
	for {
		for rows.Next() {
			var a int64
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			got = append(got, a)
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if !reflect.DeepEqual(got, []int64{1, 2, 3}) {
		t.Fatalf("got %v", got)
	}
}

func TestRealEngineSharing(t *testing.T) {
	dir := t.TempDir()
	db1, err := sql.Open("cairn", dir+"?sync=off")
	if err != nil {
		t.Fatal(err)
	}
	db2, err := sql.Open("cairn", dir)
	if err != nil {
		t.Fatal(err)
	}
	// Several connections from two sql.DBs: one engine.
	ctx := context.Background()
	c1, err := db1.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := db1.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db2.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	registry.Lock()
	sh := registry.engines[mustAbs(t, dir)]
	refs := 0
	if sh != nil {
		refs = sh.refs
	}
	registry.Unlock()
	if sh == nil || refs < 4 {
		t.Fatalf("engine %v with %d refs, want >= 4 (2 connectors, 3 conns)", sh, refs)
	}
	c1.Close()
	c2.Close()
	db1.Close()
	db2.Close()
	registry.Lock()
	_, open := registry.engines[mustAbs(t, dir)]
	registry.Unlock()
	if open {
		t.Fatal("engine still open after the last connection closed")
	}
	// The directory can be opened again.
	db3, err := sql.Open("cairn", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db3.Ping(); err != nil {
		t.Fatal(err)
	}
	db3.Close()
}

func mustAbs(t *testing.T, dir string) string {
	cfg, err := ParseDSN(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Dir
}

// mustSupport skips the test when the engine answers 0A000.
func mustSupport(t *testing.T, err error, what string) {
	t.Helper()
	var de *Error
	if errors.As(err, &de) && de.Code == "0A000" {
		t.Skipf("engine does not support %s yet: %v", what, err)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestRealEngineCreateInsertSelect(t *testing.T) {
	db, err := sql.Open("cairn", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(3)
	ctx := context.Background()
	_, err = db.ExecContext(ctx, "CREATE TABLE t (a INTEGER, b TEXT)")
	mustSupport(t, err, "CREATE TABLE")
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (1, 'x')")
	mustSupport(t, err, "INSERT")
	// Another connection of the same sql.DB sees the same in-memory data.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var a int64
	var b string
	err = db.QueryRowContext(ctx, "SELECT a, b FROM t").Scan(&a, &b)
	mustSupport(t, err, "SELECT")
	if a != 1 || b != "x" {
		t.Fatalf("row (%d, %q)", a, b)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	mustSupport(t, err, "BEGIN")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func mustJSONB(t *testing.T, s string) types.Datum {
	t.Helper()
	d, err := types.ParseText(types.JSONB, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
