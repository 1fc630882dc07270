package cairn

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// fakeSession is an executor that records statements and answers from a
// handler; BEGIN, COMMIT and ROLLBACK move its transaction status.
type fakeSession struct {
	f      *fakeEngine
	status engine.TxStatus
}

type fakeEngine struct {
	mu       sync.Mutex
	log      []string
	params   [][]types.Datum
	sessions int
	handle   func(sql string, params []types.Datum) ([]engine.Result, error)
}

func (s *fakeSession) Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error) {
	s.f.mu.Lock()
	s.f.log = append(s.f.log, sql)
	s.f.params = append(s.f.params, params)
	s.f.mu.Unlock()
	up := strings.ToUpper(sql)
	switch {
	case strings.HasPrefix(up, "BEGIN"):
		s.status = engine.TxActive
		return []engine.Result{{Tag: "BEGIN"}}, nil
	case up == "COMMIT":
		tag := "COMMIT"
		if s.status == engine.TxFailed {
			tag = "ROLLBACK"
		}
		s.status = engine.TxIdle
		return []engine.Result{{Tag: tag}}, nil
	case up == "ROLLBACK":
		s.status = engine.TxIdle
		return []engine.Result{{Tag: "ROLLBACK"}}, nil
	}
	if s.f.handle == nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "not supported")
	}
	res, err := s.f.handle(sql, params)
	if err != nil && s.status == engine.TxActive {
		s.status = engine.TxFailed
	}
	return res, err
}

func (s *fakeSession) TxStatus() engine.TxStatus { return s.status }

func newFakeDB(handle func(string, []types.Datum) ([]engine.Result, error)) (*DB, *fakeEngine) {
	f := &fakeEngine{handle: handle}
	db := newDB(func() executor {
		f.mu.Lock()
		f.sessions++
		f.mu.Unlock()
		return &fakeSession{f: f, status: engine.TxIdle}
	}, func() error { return nil }, Options{})
	return db, f
}

var allTypesResult = engine.Result{
	Columns: []engine.Column{
		{Name: "i", Type: types.Int4}, {Name: "f", Type: types.Float8}, {Name: "s", Type: types.Text},
		{Name: "b", Type: types.Bytea}, {Name: "ok", Type: types.Bool}, {Name: "ts", Type: types.TimestampTZ},
		{Name: "j", Type: types.JSONB}, {Name: "n", Type: types.Text},
	},
	Rows: [][]types.Datum{{
		types.NewInt4(42), types.NewFloat8(2.5), types.NewText("hi"), types.NewBytea([]byte{1, 2}),
		types.NewBool(true), types.NewTimestampTZ(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC).UnixMicro()),
		jsonbOf(`{"a": 1}`), types.Null,
	}},
	Tag:          "SELECT 1",
	RowsAffected: 1,
}

func TestQueryScanTypes(t *testing.T) {
	db, _ := newFakeDB(func(string, []types.Datum) ([]engine.Result, error) {
		return []engine.Result{allTypesResult}, nil
	})
	defer db.Close()
	ctx := context.Background()
	rows, err := db.Query(ctx, "SELECT ...")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if got := strings.Join(rows.Columns(), ","); got != "i,f,s,b,ok,ts,j,n" {
		t.Fatalf("columns %s", got)
	}
	if ct := rows.ColumnTypes(); ct[0].DatabaseTypeName != "INT4" || ct[0].OID != 23 || ct[6].DatabaseTypeName != "JSONB" {
		t.Fatalf("column types %+v", ct)
	}
	if !rows.Next() {
		t.Fatal("no row")
	}
	var (
		i   int64
		f   float64
		s   string
		b   []byte
		ok  bool
		ts  time.Time
		j   json.RawMessage
		n   *string
		i32 int32
	)
	if err := rows.Scan(&i, &f, &s, &b, &ok, &ts, &j, &n); err != nil {
		t.Fatal(err)
	}
	if i != 42 || f != 2.5 || s != "hi" || string(b) != "\x01\x02" || !ok || !ts.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) || string(j) != `{"a": 1}` || n != nil {
		t.Fatalf("scanned %v %v %q %v %v %v %s %v", i, f, s, b, ok, ts, j, n)
	}
	// Other targets for the same row.
	var (
		ii int
		ff float32
		sp *string
		av any
		ns sql.NullString
		ni sql.NullInt64
		s2 string
		js json.RawMessage
		an any
	)
	var pi *int64
	if err := rows.Scan(&ii, &ff, &sp, &av, &ns, &pi, &js, &an); err == nil {
		t.Fatal("scanning bool into *int64 succeeded")
	}
	if err := rows.Scan(&i32, &ff, &sp, &av, &ok, &ts, &s2, &ns); err != nil {
		t.Fatal(err)
	}
	if i32 != 42 || ff != 2.5 || sp == nil || *sp != "hi" || string(av.([]byte)) != "\x01\x02" || s2 != `{"a": 1}` || ns.Valid {
		t.Fatalf("second scan: %v %v %v %v %q %v", i32, ff, sp, av, s2, ns)
	}
	if err := rows.Scan(&ni, &ff, &ns, &b, &an, &ts, &an, &an); err != nil {
		t.Fatal(err)
	}
	if !ni.Valid || ni.Int64 != 42 || ns.String != "hi" || an != nil {
		t.Fatalf("third scan: %v %v %v", ni, ns, an)
	}
	vals, err := rows.Values()
	if err != nil || vals[0] != int64(42) || vals[7] != nil {
		t.Fatalf("values %v %v", vals, err)
	}
	if _, isRaw := vals[6].(json.RawMessage); !isRaw {
		t.Fatalf("jsonb value is %T", vals[6])
	}
	// NULL into a plain *string is an error.
	if err := rows.Scan(&i, &f, &s, &b, &ok, &ts, &j, &s); err == nil || !strings.Contains(err.Error(), "NULL") {
		t.Fatalf("NULL into *string: %v", err)
	}
	if err := rows.Scan(&i); err == nil {
		t.Fatal("wrong arity accepted")
	}
	if rows.Next() {
		t.Fatal("second row")
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
}

func TestArgsConverted(t *testing.T) {
	db, f := newFakeDB(func(string, []types.Datum) ([]engine.Result, error) {
		return []engine.Result{{Tag: "INSERT 0 1", RowsAffected: 1}}, nil
	})
	ctx := context.Background()
	ts := time.Date(2020, 1, 2, 3, 4, 5, 6000, time.UTC)
	var nilp *int
	res, err := db.Exec(ctx, "INSERT", 1, int8(2), int16(3), int32(4), int64(5), uint8(6), uint64(1<<63), float32(1.5), 2.5, "s", []byte("b"), true, ts, nil, json.RawMessage(`{"b":1, "a":2}`), sql.NullString{String: "v", Valid: true}, nilp)
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsAffected != 1 || res.Tag != "INSERT 0 1" {
		t.Fatalf("result %+v", res)
	}
	var got []string
	for _, d := range f.params[0] {
		got = append(got, d.Kind().String()+":"+d.String())
	}
	want := []string{"bigint:1", "smallint:2", "smallint:3", "integer:4", "bigint:5", "smallint:6", "numeric:9223372036854775808",
		"real:1.5", "double precision:2.5", "text:s", `bytea:\x62`, "boolean:t", "timestamp with time zone:" + types.FormatText(types.NewTimestampTZ(ts.UnixMicro())),
		"NULL:NULL", `jsonb:{"a": 2, "b": 1}`, "text:v", "NULL:NULL"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("params\n got %q\nwant %q", got, want)
	}
	if _, err := db.Exec(ctx, "x", struct{}{}); err == nil || !strings.Contains(err.Error(), "$1") {
		t.Fatalf("unsupported argument: %v", err)
	}
	if _, err := db.Exec(ctx, "x", json.RawMessage(`{`)); err == nil {
		t.Fatal("invalid json accepted")
	}
}

func TestErrorsConverted(t *testing.T) {
	db, _ := newFakeDB(func(string, []types.Datum) ([]engine.Result, error) {
		return nil, sqlerr.New(sqlerr.UndefinedTable, `relation "nope" does not exist`).WithPosition(15).WithHint("h")
	})
	_, err := db.Query(context.Background(), "SELECT * FROM nope")
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T %v", err, err)
	}
	if ce.Code != "42P01" || ce.Position != 15 || ce.Hint != "h" || !strings.Contains(ce.Message, "nope") {
		t.Fatalf("error %+v", ce)
	}
	var se *sqlerr.Error
	if !errors.As(err, &se) {
		t.Fatal("engine error not in the chain")
	}
	if err := db.QueryRow(context.Background(), "x").Scan(); !errors.As(err, &ce) {
		t.Fatalf("QueryRow error %v", err)
	}
}

func TestQueryRowNoRows(t *testing.T) {
	db, _ := newFakeDB(func(string, []types.Datum) ([]engine.Result, error) {
		return []engine.Result{{Columns: []engine.Column{{Name: "a", Type: types.Int8}}, Tag: "SELECT 0"}}, nil
	})
	var a int64
	if err := db.QueryRow(context.Background(), "x").Scan(&a); !errors.Is(err, ErrNoRows) || !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("got %v", err)
	}
}

func TestTxLifecycleAndPool(t *testing.T) {
	db, f := newFakeDB(func(sql string, _ []types.Datum) ([]engine.Result, error) {
		if sql == "fail" {
			return nil, sqlerr.New(sqlerr.UniqueViolation, "dup")
		}
		return []engine.Result{{Tag: "UPDATE 1", RowsAffected: 1}}, nil
	})
	ctx := context.Background()
	tx, err := db.Begin(ctx, &TxOptions{Isolation: LevelSerializable, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); !errors.Is(err, ErrTxDone) {
		t.Fatalf("second commit: %v", err)
	}
	if _, err := tx.Exec(ctx, "UPDATE"); !errors.Is(err, ErrTxDone) {
		t.Fatalf("exec after commit: %v", err)
	}
	// Failed transaction: COMMIT rolls back.
	tx, _ = db.Begin(ctx, &TxOptions{Isolation: LevelReadCommitted})
	if _, err := tx.Exec(ctx, "fail"); err == nil {
		t.Fatal("no error")
	}
	if err := tx.Commit(); !errors.Is(err, ErrTxCommitRollback) {
		t.Fatalf("commit of failed tx: %v", err)
	}
	tx, _ = db.Begin(ctx, nil)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	want := "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY|UPDATE|COMMIT|BEGIN ISOLATION LEVEL READ COMMITTED|fail|COMMIT|BEGIN|ROLLBACK"
	if got := strings.Join(f.log, "|"); got != want {
		t.Fatalf("log\n got %s\nwant %s", got, want)
	}
	if f.sessions != 1 {
		t.Fatalf("%d sessions made, want 1 (reused from the pool)", f.sessions)
	}
	// A session left in a transaction by a plain Exec is rolled back and
	// not reused.
	if _, err := db.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "UPDATE"); err != nil {
		t.Fatal(err)
	}
	if f.sessions != 2 || f.log[len(f.log)-2] != "ROLLBACK" {
		t.Fatalf("sessions %d, log %q", f.sessions, f.log)
	}
	if _, err := db.Begin(ctx, &TxOptions{Isolation: 99}); err == nil {
		t.Fatal("bad isolation accepted")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("exec after close: %v", err)
	}
	if err := db.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
}

func TestRetry(t *testing.T) {
	ctx := context.Background()
	n := 0
	err := Retry(ctx, func() error {
		n++
		if n < 3 {
			return &Error{Code: "40001", Message: "could not serialize access"}
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("err %v after %d calls", err, n)
	}
	n = 0
	other := &Error{Code: "23505"}
	if err := Retry(ctx, func() error { n++; return other }); err != other || n != 1 {
		t.Fatalf("non-retryable: %v after %d", err, n)
	}
	// The engine's own error type is recognised too, and a done context
	// stops the loop.
	cctx, cancel := context.WithCancel(ctx)
	n = 0
	err = Retry(cctx, func() error {
		n++
		if n == 2 {
			cancel()
		}
		return convertError(sqlerr.New(sqlerr.SerializationFailure, "conflict"))
	})
	if !IsSerializationFailure(err) || n != 2 {
		t.Fatalf("canceled: %v after %d", err, n)
	}
}

// jsonbOf parses a constant document for test tables.
func jsonbOf(s string) types.Datum {
	d, err := types.ParseText(types.JSONB, s)
	if err != nil {
		panic(err)
	}
	return d
}
