package pgwire

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cairndb/cairn/internal/engine"
)

// testServer runs a server on an in-memory engine on a random loopback
// port for the duration of the test.
type testServer struct {
	srv  *Server
	e    *engine.Engine
	addr string
	done chan error
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	e, err := engine.Open("", &engine.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: New(e, cfg), e: e, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { ts.done <- ts.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ts.srv.Shutdown(ctx)
		e.Close()
	})
	return ts
}

func (ts *testServer) connString(extra string) string {
	host, port, _ := net.SplitHostPort(ts.addr)
	return fmt.Sprintf("host=%s port=%s user=tester database=anything sslmode=disable %s", host, port, extra)
}

func (ts *testServer) connect(t *testing.T, extra string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, ts.connString(extra))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func exec(t *testing.T, c *pgx.Conn, sql string, args ...any) pgconn.CommandTag {
	t.Helper()
	tag, err := c.Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return tag
}

func pgErr(t *testing.T, err error) *pgconn.PgError {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("want a PgError, got %v", err)
	}
	return pe
}

func TestSimpleQuery(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	pc := c.PgConn()
	results, err := pc.Exec(ctx, "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two'); SELECT a, b FROM t ORDER BY a; UPDATE t SET b = 'x' WHERE a = 1; DELETE FROM t WHERE a = 2").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, r := range results {
		tags = append(tags, r.CommandTag.String())
	}
	if got := strings.Join(tags, "|"); got != "CREATE TABLE|INSERT 0 2|SELECT 2|UPDATE 1|DELETE 1" {
		t.Fatalf("tags %q", got)
	}
	if string(results[2].Rows[1][1]) != "two" || results[2].FieldDescriptions[0].DataTypeOID != 23 {
		t.Fatalf("rows %q fields %+v", results[2].Rows, results[2].FieldDescriptions)
	}
	// An error stops the rest of the statements.
	results, err = pc.Exec(ctx, "SELECT 1; SELECT * FROM nosuch; SELECT 3").ReadAll()
	if len(results) == 0 || string(results[0].Rows[0][0]) != "1" || pgErr(t, err).Code != "42P01" {
		t.Fatalf("results %d err %v", len(results), err)
	}
	if pe := pgErr(t, err); pe.Position != 25 {
		t.Fatalf("position %d, want 25 (in the whole query text)", pe.Position)
	}
	// Empty query.
	results, err = pc.Exec(ctx, " ; ").ReadAll()
	if err != nil || len(results) != 1 || len(results[0].Rows) != 0 {
		t.Fatalf("empty query: %v %+v", err, results)
	}
}

func TestErrorFields(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	_, err := c.Exec(ctx, "SELECT * FORM t")
	pe := pgErr(t, err)
	if pe.Code != "42601" || pe.Severity != "ERROR" || pe.Position != 10 || !strings.Contains(pe.Message, "syntax error") {
		t.Fatalf("%+v", pe)
	}
	exec(t, c, "CREATE TABLE u (id INTEGER PRIMARY KEY)")
	exec(t, c, "INSERT INTO u VALUES (1)")
	_, err = c.Exec(ctx, "INSERT INTO u VALUES (1)")
	pe = pgErr(t, err)
	if pe.Code != "23505" || pe.Detail != "Key (id)=(1) already exists." {
		t.Fatalf("%+v", pe)
	}
	_, err = c.Exec(ctx, "CREATE DATABASE other")
	if pe := pgErr(t, err); pe.Code != "0A000" {
		t.Fatalf("%+v", pe)
	}
}

func TestTransactionStatus(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	pc := c.PgConn()
	status := func() byte { return pc.TxStatus() }
	exec(t, c, "CREATE TABLE t (a INTEGER)")
	if status() != 'I' {
		t.Fatalf("status %c", status())
	}
	exec(t, c, "BEGIN")
	exec(t, c, "INSERT INTO t VALUES (1)")
	if status() != 'T' {
		t.Fatalf("status %c", status())
	}
	if _, err := c.Exec(ctx, "SELECT 1/0"); pgErr(t, err).Code != "22012" {
		t.Fatal(err)
	}
	if status() != 'E' {
		t.Fatalf("status %c", status())
	}
	if _, err := c.Exec(ctx, "SELECT 1"); pgErr(t, err).Code != "25P02" {
		t.Fatal(err)
	}
	exec(t, c, "ROLLBACK")
	if status() != 'I' {
		t.Fatalf("status %c", status())
	}
	// COMMIT outside a transaction warns with a notice.
	var notices []string
	var mu sync.Mutex
	nc := ts.connect(t, "")
	cfg := nc.Config().Config
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		mu.Lock()
		notices = append(notices, n.Code+" "+n.Message)
		mu.Unlock()
	}
	pn, err := pgconn.ConnectConfig(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pn.Close(ctx)
	if _, err := pn.Exec(ctx, "COMMIT").ReadAll(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) != 1 || notices[0] != "25P01 there is no transaction in progress" {
		t.Fatalf("notices %q", notices)
	}
}

// TestTypes round-trips every type in text and binary, as parameters and
// results.
func TestTypes(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	cases := []struct {
		typ   string
		value any
		want  string // the text form
	}{
		{"boolean", true, "true"},
		{"smallint", int16(-7), "-7"},
		{"integer", int32(1 << 30), "1073741824"},
		{"bigint", int64(-1 << 60), "-1152921504606846976"},
		{"real", float32(1.5), "1.5"},
		{"double precision", 2.25, "2.25"},
		{"numeric", "12345678901234567890.0123", "12345678901234567890.0123"},
		{"numeric", "-0.000120", "-0.000120"},
		{"numeric", "0", "0"},
		{"text", "héllo", "héllo"},
		{"varchar(10)", "abc", "abc"},
		{"char(4)", "ab", "ab"},
		{"bytea", []byte{0, 1, 0xff}, `\x0001ff`},
		{"date", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "2024-02-29"},
		{"time", "13:14:15.5", "13:14:15.5"},
		{"timestamp", time.Date(1999, 12, 31, 23, 59, 58, 123456000, time.UTC), "1999-12-31 23:59:58.123456"},
		{"timestamptz", time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), "2030-01-02 03:04:05+00"},
		{"interval", pgtype.Interval{Months: 14, Days: 3, Microseconds: 3723000000, Valid: true}, "1 year 2 mons 3 days 01:02:03"},
		{"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"jsonb", map[string]any{"a": 1.0, "b": []any{"x"}}, `{"a": 1, "b": ["x"]}`},
		{"integer[]", []int32{1, 2, 3}, "{1,2,3}"},
		{"text[]", []string{"a", "b c"}, `{a,"b c"}`},
		{"bigint[]", []int64{}, "{}"},
		{"double precision[]", []float64{1.5, -2}, "{1.5,-2}"},
	}
	for i, tc := range cases {
		table := fmt.Sprintf("t%d", i)
		exec(t, c, fmt.Sprintf("CREATE TABLE %s (v %s)", table, tc.typ))
		// Binary parameters (pgx's default for these Go types) in, then
		// text and binary results out.
		exec(t, c, fmt.Sprintf("INSERT INTO %s VALUES ($1)", table), tc.value)
		var text string
		if err := c.QueryRow(ctx, fmt.Sprintf("SELECT v::text FROM %s", table)).Scan(&text); err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if text != tc.want {
			t.Errorf("%s: stored %q, want %q", tc.typ, text, tc.want)
		}
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeDescribeExec} {
			rows, err := c.Query(ctx, fmt.Sprintf("SELECT v FROM %s", table), mode)
			if err != nil {
				t.Fatalf("%s: %v", tc.typ, err)
			}
			vals, err := pgx.CollectRows(rows, pgx.RowTo[any])
			if err != nil {
				t.Fatalf("%s (%v): %v", tc.typ, mode, err)
			}
			if len(vals) != 1 || vals[0] == nil {
				t.Fatalf("%s (%v): %v", tc.typ, mode, vals)
			}
			// Re-encode what came back as a text parameter and compare.
			var again string
			if err := c.QueryRow(ctx, fmt.Sprintf("SELECT count(*)::text FROM %s WHERE v = $1", table), vals[0]).Scan(&again); err != nil {
				t.Fatalf("%s (%v) value %#v: %v", tc.typ, mode, vals[0], err)
			}
			if again != "1" {
				t.Errorf("%s (%v): value %#v read back does not match", tc.typ, mode, vals[0])
			}
		}
		// Text parameters: the statement decides the type.
		var n int64
		if err := c.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE v = $1", table), pgx.QueryExecModeExec, tc.want).Scan(&n); err != nil && tc.typ != "char(4)" {
			t.Fatalf("%s text param: %v", tc.typ, err)
		}
	}
}

func TestRowDescriptionTypes(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	rows, err := c.Query(context.Background(), "SELECT 1::int2, 1::int4, 1::int8, 'x'::text, 'x'::varchar(5), 1.5::numeric(5,2), now(), true, NULL::jsonb")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	if fmt.Sprint(oids) != "[21 23 20 25 1043 1700 1184 16 3802]" {
		t.Fatalf("oids %v", oids)
	}
	if m := rows.FieldDescriptions()[5].TypeModifier; m != 5<<16|2+4 {
		t.Fatalf("numeric(5,2) typmod %d", m)
	}
}

func TestExtendedProtocol(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	pc := c.PgConn()
	exec(t, c, "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
	// A named statement with unspecified parameter types: the server
	// infers them and reports them in ParameterDescription.
	sd, err := pc.Prepare(ctx, "ins", "INSERT INTO t VALUES ($1, $2)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sd.ParamOIDs) != "[23 25]" {
		t.Fatalf("param oids %v", sd.ParamOIDs)
	}
	for i := range 10 {
		res := pc.ExecPrepared(ctx, "ins", [][]byte{[]byte(fmt.Sprint(i)), []byte(fmt.Sprintf("v%d", i))}, nil, nil).Read()
		if res.Err != nil || res.CommandTag.String() != "INSERT 0 1" {
			t.Fatalf("%v %v", res.Err, res.CommandTag)
		}
	}
	sd, err = pc.Prepare(ctx, "sel", "SELECT a, b FROM t WHERE a >= $1 ORDER BY a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.Fields) != 2 || sd.Fields[1].DataTypeOID != 25 {
		t.Fatalf("fields %+v", sd.Fields)
	}
	// The same statement with binary results.
	res := pc.ExecPrepared(ctx, "sel", [][]byte{[]byte("7")}, nil, []int16{1, 0}).Read()
	if res.Err != nil || len(res.Rows) != 3 || !bytes.Equal(res.Rows[0][0], []byte{0, 0, 0, 7}) || string(res.Rows[0][1]) != "v7" {
		t.Fatalf("%v %q", res.Err, res.Rows)
	}
	// Deallocated statements are gone.
	if err := pc.Deallocate(ctx, "sel"); err != nil {
		t.Fatal(err)
	}
	res = pc.ExecPrepared(ctx, "sel", [][]byte{[]byte("7")}, nil, nil).Read()
	if pgErr(t, res.Err).Code != "26000" {
		t.Fatal(res.Err)
	}
	// An error skips to Sync; the connection then works on.
	res = pc.ExecParams(ctx, "SELECT 1/$1::int", [][]byte{[]byte("0")}, nil, nil, nil).Read()
	if pgErr(t, res.Err).Code != "22012" {
		t.Fatal(res.Err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM t WHERE b >= $1", "v").Scan(&n); err != nil || n != 10 {
		t.Fatalf("%v %d", err, n)
	}
	// Parameter count mismatch.
	res = pc.ExecParams(ctx, "SELECT $1::int", nil, nil, nil, nil).Read()
	if pgErr(t, res.Err).Code != "08P01" {
		t.Fatal(res.Err)
	}
}

// TestPortalsMaxRows drives Bind/Execute with max rows by hand through
// pgconn's pipeline: the portal is suspended and resumed.
func TestPortalsMaxRows(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	exec(t, c, "CREATE TABLE t (a INTEGER)")
	exec(t, c, "INSERT INTO t VALUES (1), (2), (3), (4), (5)")
	pc := c.PgConn()
	// pgx's pgconn has no API for a max-rows Execute, so speak the
	// protocol directly over the hijacked connection.
	hj, err := pc.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	defer hj.Conn.Close()
	fe := hj.Frontend
	fe.SendParse(&parseMsg{Name: "s1", Query: "SELECT a FROM t ORDER BY a"})
	fe.SendBind(&bindMsg{DestinationPortal: "p1", PreparedStatement: "s1"})
	fe.SendExecute(&executeMsg{Portal: "p1", MaxRows: 2})
	fe.SendExecute(&executeMsg{Portal: "p1", MaxRows: 2})
	fe.SendExecute(&executeMsg{Portal: "p1", MaxRows: 2})
	fe.SendSync(&syncMessage{})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		msg, err := fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, describeMsg(msg))
		if got[len(got)-1] == "Z" {
			break
		}
	}
	want := "1 2 D:1 D:2 s D:3 D:4 s D:5 C:SELECT 1 Z"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestCancel(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		time.Sleep(300 * time.Millisecond)
		// pgx sends a CancelRequest on a new connection when the
		// query's context is cancelled.
		cancel()
	}()
	start := time.Now()
	_, err := c.Exec(ctx, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000000) SELECT count(*) FROM r")
	if err == nil {
		t.Fatal("the query was not cancelled")
	}
	if time.Since(start) > 20*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	// pgx closes the connection after a cancelled context; check the
	// server side said 57014 with a fresh connection and pgconn.CancelRequest.
	c2 := ts.connect(t, "")
	pc := c2.PgConn()
	go func() {
		time.Sleep(300 * time.Millisecond)
		pc.CancelRequest(context.Background())
	}()
	_, err = c2.Exec(context.Background(), "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000000) SELECT count(*) FROM r")
	if pgErr(t, err).Code != "57014" {
		t.Fatal(err)
	}
	var one int
	if err := c2.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("after cancel: %v", err)
	}
}

func TestCopy(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	pc := c.PgConn()
	exec(t, c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score NUMERIC, at DATE)")
	var in strings.Builder
	for i := range 2500 {
		name := fmt.Sprintf("n%d", i)
		switch i {
		case 1:
			name = `tab\there`
		case 2:
			name = `\N`
		}
		fmt.Fprintf(&in, "%d\t%s\t%d.5\t2024-01-%02d\n", i, name, i, i%28+1)
	}
	tag, err := pc.CopyFrom(ctx, strings.NewReader(in.String()), "COPY t FROM STDIN")
	if err != nil || tag.String() != "COPY 2500" {
		t.Fatalf("%v %v", err, tag)
	}
	var name *string
	if err := c.QueryRow(ctx, "SELECT name FROM t WHERE id = 1").Scan(&name); err != nil || *name != "tab\there" {
		t.Fatalf("%v %q", err, *name)
	}
	if err := c.QueryRow(ctx, "SELECT name FROM t WHERE id = 2").Scan(&name); err != nil || name != nil {
		t.Fatalf("%v %v", err, name)
	}
	// CSV in, with a header, quotes, embedded newlines and NULLs.
	exec(t, c, "CREATE TABLE c (id INTEGER, note TEXT)")
	csv := "id,note\n1,\"a, b\"\n2,\"line\nbreak\"\n3,\n4,\"\"\n5,\"say \"\"hi\"\"\"\n"
	tag, err = pc.CopyFrom(ctx, strings.NewReader(csv), "COPY c (id, note) FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil || tag.String() != "COPY 5" {
		t.Fatalf("%v %v", err, tag)
	}
	var out bytes.Buffer
	tag, err = pc.CopyTo(ctx, &out, "COPY c TO STDOUT (FORMAT csv, HEADER)")
	if err != nil || tag.String() != "COPY 5" {
		t.Fatalf("%v %v", err, tag)
	}
	// Row order is the table's; compare as a set of lines via ORDER BY.
	out.Reset()
	if _, err := pc.CopyTo(ctx, &out, "COPY (SELECT id, note FROM c ORDER BY id) TO STDOUT WITH CSV HEADER"); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "id,note\n1,\"a, b\"\n2,\"line\nbreak\"\n3,\n4,\"\"\n5,\"say \"\"hi\"\"\"\n" {
		t.Fatalf("csv out %q", got)
	}
	out.Reset()
	if _, err := pc.CopyTo(ctx, &out, "COPY (SELECT id, name FROM t WHERE id < 3 ORDER BY id) TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "0\tn0\n1\ttab\\there\n2\t\\N\n" {
		t.Fatalf("text out %q", got)
	}
	// A bad row fails the whole COPY: nothing is loaded.
	_, err = pc.CopyFrom(ctx, strings.NewReader("5000\tx\t1\t2024-01-01\n5001\ty\tnot a number\t2024-01-01\n"), "COPY t FROM STDIN")
	if pgErr(t, err).Code != "22P02" {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM t WHERE id >= 5000").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%v %d", err, n)
	}
	// A COPY inside a transaction is part of it.
	exec(t, c, "BEGIN")
	if _, err := pc.CopyFrom(ctx, strings.NewReader("20,z\n"), "COPY c FROM STDIN (FORMAT csv)"); err != nil {
		t.Fatal(err)
	}
	exec(t, c, "ROLLBACK")
	if err := c.QueryRow(ctx, "SELECT count(*) FROM c").Scan(&n); err != nil || n != 5 {
		t.Fatalf("%v %d", err, n)
	}
	if _, err := c.Exec(ctx, "COPY t FROM '/etc/passwd'"); pgErr(t, err).Code != "42501" {
		t.Fatal(err)
	}
}

func TestSCRAM(t *testing.T) {
	ts := startServer(t, Config{Auth: AuthSCRAM})
	// Under --auth scram nobody gets in without a password, so create
	// the user directly in the engine.
	s := ts.e.NewSession()
	if _, err := s.Execute(context.Background(), "CREATE USER alice PASSWORD 'wonder land'", nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	host, port, _ := net.SplitHostPort(ts.addr)
	good := fmt.Sprintf("host=%s port=%s user=alice password='wonder land' sslmode=disable", host, port)
	c, err := pgx.Connect(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	for _, bad := range []string{
		fmt.Sprintf("host=%s port=%s user=alice password=wrong sslmode=disable", host, port),
		fmt.Sprintf("host=%s port=%s user=nobody password=x sslmode=disable", host, port),
	} {
		_, err := pgx.Connect(ctx, bad)
		if pgErr(t, err).Code != "28P01" {
			t.Fatal(err)
		}
	}
	// Under trust, a role with a password must still prove it.
	ts2 := startServer(t, Config{})
	admin := ts2.connect(t, "")
	exec(t, admin, "CREATE USER bob PASSWORD 'builder'")
	host2, port2, _ := net.SplitHostPort(ts2.addr)
	if _, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=bob password=nope sslmode=disable", host2, port2)); pgErr(t, err).Code != "28P01" {
		t.Fatal(err)
	}
	c, err = pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=bob password=builder sslmode=disable", host2, port2))
	if err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
}

func TestTLS(t *testing.T) {
	cert := selfSigned(t)
	ts := startServer(t, Config{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	ctx := context.Background()
	host, port, _ := net.SplitHostPort(ts.addr)
	c, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=x sslmode=require", host, port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, ok := c.PgConn().Conn().(*tls.Conn); !ok {
		t.Fatalf("connection is %T, not TLS", c.PgConn().Conn())
	}
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	// Without a certificate the server says no and clients that only
	// prefer SSL go on in the clear; ones that require it fail.
	plain := startServer(t, Config{})
	host, port, _ = net.SplitHostPort(plain.addr)
	c2, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=x sslmode=prefer", host, port))
	if err != nil {
		t.Fatal(err)
	}
	c2.Close(ctx)
	if _, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=x sslmode=require", host, port)); err == nil {
		t.Fatal("sslmode=require connected without TLS")
	}
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestMaxConnections(t *testing.T) {
	ts := startServer(t, Config{MaxConnections: 2})
	ts.connect(t, "")
	ts.connect(t, "")
	_, err := pgx.Connect(context.Background(), ts.connString(""))
	if pgErr(t, err).Code != "53300" {
		t.Fatal(err)
	}
}

func TestGracefulShutdown(t *testing.T) {
	ts := startServer(t, Config{})
	idle := ts.connect(t, "")
	busy := ts.connect(t, "")
	ctx := context.Background()
	result := make(chan error, 1)
	go func() {
		var n int64
		err := busy.QueryRow(ctx, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 200000) SELECT count(*) FROM r").Scan(&n)
		if err == nil && n != 200000 {
			err = fmt.Errorf("count %d", n)
		}
		result <- err
	}()
	time.Sleep(100 * time.Millisecond)
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	// The running statement finished; the idle connection was closed.
	if err := <-result; err != nil {
		t.Fatalf("running statement: %v", err)
	}
	if _, err := idle.Exec(ctx, "SELECT 1"); err == nil {
		t.Fatal("idle connection still works after shutdown")
	}
	if _, err := pgx.Connect(ctx, ts.connString("connect_timeout=2")); err == nil {
		t.Fatal("a new connection was accepted after shutdown")
	}
	if err := <-ts.done; !errors.Is(err, ErrServerClosed) {
		t.Fatal(err)
	}
}

func TestSetAndShow(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "application_name=myapp")
	ctx := context.Background()
	for _, s := range []string{
		"SET extra_float_digits = 3", "SET application_name = 'x'", "SET search_path = public",
		"SET DateStyle = ISO", "SET client_min_messages = warning", "SET statement_timeout = 0",
		"SET TimeZone = 'UTC'", "SET client_encoding = 'UTF8'",
	} {
		exec(t, c, s)
	}
	var v string
	if err := c.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil || !strings.HasPrefix(v, "PostgreSQL 15.") {
		t.Fatalf("%v %q", err, v)
	}
	if ps := c.PgConn().ParameterStatus("server_version"); !strings.HasPrefix(ps, "15") {
		t.Fatalf("server_version %q", ps)
	}
}

func describeMsg(msg any) string {
	switch m := msg.(type) {
	case *parseCompleteMsg:
		return "1"
	case *bindCompleteMsg:
		return "2"
	case *dataRowMsg:
		return "D:" + string(m.Values[0])
	case *portalSuspendedMsg:
		return "s"
	case *commandCompleteMsg:
		return "C:" + string(m.CommandTag)
	case *readyForQueryMsg:
		return "Z"
	case *errorResponseMsg:
		return "E:" + m.Message
	}
	return fmt.Sprintf("%T", msg)
}

// TestCopyForce: CSV's FORCE_QUOTE quotes every value of its columns
// (NULLs stay bare), FORCE_NOT_NULL reads the null string as a value,
// FORCE_NULL a quoted null string as NULL; each is refused outside CSV,
// in the wrong direction, and for a column the COPY does not have.
func TestCopyForce(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	pc := c.PgConn()
	exec(t, c, "CREATE TABLE fq (a INT, b TEXT, c TEXT)")
	exec(t, c, "INSERT INTO fq VALUES (1, 'x', NULL), (2, '', 'y')")
	for _, tc := range []struct{ sql, want string }{
		{"COPY (SELECT * FROM fq ORDER BY a) TO STDOUT WITH (FORMAT csv, HEADER, FORCE_QUOTE *)", "a,b,c\n\"1\",\"x\",\n\"2\",\"\",\"y\"\n"},
		{"COPY (SELECT * FROM fq ORDER BY a) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (b))", "1,\"x\",\n2,\"\",y\n"},
	} {
		var out bytes.Buffer
		if _, err := pc.CopyTo(ctx, &out, tc.sql); err != nil || out.String() != tc.want {
			t.Fatalf("%s: %q %v, want %q", tc.sql, out.String(), err, tc.want)
		}
	}
	if _, err := pc.CopyFrom(ctx, strings.NewReader("3,,\"\"\n"), "COPY fq FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (b), FORCE_NULL (c))"); err != nil {
		t.Fatal(err)
	}
	var bNull, cNull bool
	if err := c.QueryRow(ctx, "SELECT b IS NULL, c IS NULL FROM fq WHERE a = 3").Scan(&bNull, &cNull); err != nil || bNull || !cNull {
		t.Fatalf("b null %v, c null %v (%v): want false, true", bNull, cNull, err)
	}
	for sql, want := range map[string]string{
		"COPY fq TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (zz))":   `column "zz" of relation "fq" does not exist`,
		"COPY fq TO STDOUT WITH (FORCE_QUOTE *)":                  "COPY force quote available only in CSV mode",
		"COPY fq TO STDOUT WITH (FORMAT csv, FORCE_NOT_NULL (b))": "COPY force not null only available using COPY FROM",
	} {
		var out bytes.Buffer
		if _, err := pc.CopyTo(ctx, &out, sql); err == nil || pgErr(t, err).Message != want {
			t.Fatalf("%s: %v, want %q", sql, err, want)
		}
	}
	if _, err := pc.CopyFrom(ctx, strings.NewReader("4,a,b\n"), "COPY fq FROM STDIN WITH (FORMAT csv, FORCE_QUOTE *)"); err == nil || pgErr(t, err).Message != "COPY force quote only available using COPY TO" {
		t.Fatalf("FORCE_QUOTE in COPY FROM: %v", err)
	}
}

// TestNotices: what IF EXISTS and IF NOT EXISTS skip, and a DO block's
// RAISE NOTICE, WARNING and INFO, reach the client as notices (LOG does
// not), in both protocols.
func TestNotices(t *testing.T) {
	ts := startServer(t, Config{})
	cfg, err := pgx.ParseConfig(ts.connString(""))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		got = append(got, n.Severity+" "+n.Code+" "+n.Message)
	}
	ctx := context.Background()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, sql := range []string{
		"DROP TABLE IF EXISTS nosuch",
		"CREATE TABLE t (a INT)",
		"CREATE TABLE IF NOT EXISTS t (a INT)",
		"DROP INDEX IF EXISTS nosuch_idx",
		"DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; RAISE INFO 'info'; RAISE LOG 'hidden'; END $$",
	} {
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// The extended protocol too.
	if _, err := c.Exec(ctx, "DROP VIEW IF EXISTS nosuch_view", pgx.QueryExecModeExec); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`NOTICE 00000 table "nosuch" does not exist, skipping`,
		`NOTICE 42P07 relation "t" already exists, skipping`,
		`NOTICE 00000 index "nosuch_idx" does not exist, skipping`,
		`NOTICE 00000 hello 42`,
		`WARNING 01000 careful`,
		`INFO 00000 info`,
		`NOTICE 00000 view "nosuch_view" does not exist, skipping`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("notices:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Functions and triggers over pgx, whose statements are prepared: a
// cached plan calls the function and fires the trigger on each
// execution, and a RAISE NOTICE in a trigger reaches the client.
func TestRoutinesOverPgx(t *testing.T) {
	ts := startServer(t, Config{})
	cfg, err := pgx.ParseConfig(ts.connString(""))
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Message) }
	ctx := context.Background()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, sql := range []string{
		"CREATE TABLE acct (id int PRIMARY KEY, balance numeric NOT NULL)",
		"CREATE FUNCTION fee(amount numeric) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN IF amount > 100 THEN RETURN 1; END IF; RETURN amount / 100; END $$",
		`CREATE FUNCTION no_overdraft() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.balance < 0 THEN
				RAISE NOTICE 'refused % for %', NEW.balance, NEW.id;
				RETURN NULL;
			END IF;
			RETURN NEW;
		END $$`,
		"CREATE TRIGGER acct_check BEFORE INSERT OR UPDATE ON acct FOR EACH ROW EXECUTE FUNCTION no_overdraft()",
	} {
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	for i, bal := range []string{"50", "-5", "500"} {
		tag, err := c.Exec(ctx, "INSERT INTO acct VALUES ($1, $2::numeric - fee($2::numeric))", i+1, bal)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(1)
		if bal == "-5" {
			want = 0
		}
		if tag.RowsAffected() != want {
			t.Fatalf("insert %s: %d rows", bal, tag.RowsAffected())
		}
	}
	var got string
	if err := c.QueryRow(ctx, "SELECT string_agg(id || ':' || balance, ',' ORDER BY id) FROM acct").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "1:49.50000000000000000000,3:499" {
		t.Fatalf("balances: %s", got)
	}
	if len(notices) != 1 || notices[0] != "refused -4.95000000000000000000 for 2" {
		t.Fatalf("notices: %q", notices)
	}
	// A procedure, CALLed with parameters (the extended protocol).
	if _, err := c.Exec(ctx, "CREATE PROCEDURE deposit(acct_id int, amount numeric) LANGUAGE sql AS 'UPDATE acct SET balance = balance + amount WHERE id = acct_id'"); err != nil {
		t.Fatal(err)
	}
	tag, err := c.Exec(ctx, "CALL deposit($1, $2)", 3, "1.5")
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != "CALL" {
		t.Fatalf("tag %q", tag.String())
	}
	if err := c.QueryRow(ctx, "SELECT balance::text FROM acct WHERE id = 3").Scan(&got); err != nil || got != "500.5" {
		t.Fatalf("after CALL: %s, %v", got, err)
	}
}
