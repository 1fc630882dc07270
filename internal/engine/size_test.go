package engine

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
)

// TestDatabaseSize: pg_database_size reports the store's bytes, which grow
// with the data.
func TestDatabaseSize(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	before := queryOne(t, s, "SELECT pg_database_size(current_database())")
	mustExec(t, s, "CREATE TABLE big AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 2000) g")
	if got := queryOne(t, s, "SELECT pg_database_size(current_database()) > "+before+" + 100000"); got != "t" {
		t.Fatalf("size after 200 KB of rows: %s (before %s)", queryOne(t, s, "SELECT pg_database_size('cairn')"), before)
	}
}

// TestRelationSize: pg_relation_size and its kin estimate what a table's
// rows and its indexes take in the store, in the memtable and in tables
// alike, and tell them apart; an OID that names nothing is NULL, as in
// PostgreSQL, and a fork cairn does not have is empty.
func TestRelationSize(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE rs (id INT PRIMARY KEY, k TEXT, pad TEXT)")
	mustExec(t, s, "CREATE INDEX rs_k ON rs (k)")
	mustExec(t, s, "CREATE TABLE other (id INT PRIMARY KEY, pad TEXT)")
	mustExec(t, s, "INSERT INTO other SELECT g, md5(g::text) || md5((-g)::text) FROM generate_series(1, 20000) g")
	// 4,000 rows of about 300 bytes (nine different md5 digests: hex
	// digits, which compress to no less than about half): 0.6 to 1.3 MB
	// of rows, and 4,000 index entries.
	mustExec(t, s, "INSERT INTO rs SELECT g, 'key-' || g, md5((g*10+0)::text) || md5((g*10+1)::text) || md5((g*10+2)::text) || md5((g*10+3)::text) || md5((g*10+4)::text) || md5((g*10+5)::text) || md5((g*10+6)::text) || md5((g*10+7)::text) || md5((g*10+8)::text) FROM generate_series(1, 4000) g")
	check := func(when string) {
		t.Helper()
		num := func(q string) int64 {
			t.Helper()
			n, err := strconv.ParseInt(queryOne(t, s, q), 10, 64)
			if err != nil {
				t.Fatalf("%s: %s: %v", when, q, err)
			}
			return n
		}
		rows := num("SELECT pg_relation_size('rs')")
		table := num("SELECT pg_table_size('rs'::regclass)")
		idx := num("SELECT pg_indexes_size('rs')")
		total := num("SELECT pg_total_relation_size('rs')")
		key := num("SELECT pg_relation_size('rs_k')")
		if pkey := num("SELECT pg_relation_size('rs_pkey')"); pkey != rows {
			t.Fatalf("%s: the primary key holds the rows, but is %d bytes against their %d", when, pkey, rows)
		}
		if rows < 500_000 || rows > 2_000_000 || table != rows {
			t.Fatalf("%s: rows %d bytes, table %d, want 0.6 to 1.3 MB both", when, rows, table)
		}
		if idx < 20_000 || idx > rows/2 || key != idx {
			t.Fatalf("%s: indexes %d bytes, rs_k %d, rows %d", when, idx, key, rows)
		}
		if sum := rows + idx; total < sum-sum/4 || total > sum+sum/4 { // estimates, sampled
			t.Fatalf("%s: total %d, rows %d + indexes %d", when, total, rows, idx)
		}
		if other := num("SELECT pg_relation_size('other')"); other < 500_000 || other > 2_500_000 {
			t.Fatalf("%s: other %d bytes", when, other)
		}
	}
	check("in the memtable")
	mustExec(t, s, "VACUUM")
	check("after VACUUM")
	if got := queryOne(t, s, "SELECT pg_relation_size('rs', 'fsm') || ' ' || pg_indexes_size('rs_k') || ' ' || (pg_relation_size(1) IS NULL) || ' ' || (pg_total_relation_size(99999) IS NULL)"); got != "0 0 true true" {
		t.Fatalf("forks, an index's indexes, unknown OIDs: %s", got)
	}
	if _, err := s.Execute(context.Background(), "SELECT pg_relation_size('rs', 'heap')", nil); err == nil || !strings.Contains(err.Error(), "invalid fork name") {
		t.Fatalf("a bad fork: %v", err)
	}
	mustExec(t, s, "CREATE VIEW rs_v AS SELECT id FROM rs")
	if got := queryOne(t, s, "SELECT pg_relation_size('rs_v')"); got != "0" {
		t.Fatalf("a view's size: %s", got)
	}
}

// TestAnalyzeSampled: on a table larger than the sample, ANALYZE reads
// every row's key but decodes a sample, and still estimates the distinct
// values of a unique column and of a column of 50 values.
func TestAnalyzeSampled(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE big (id INT PRIMARY KEY, k INT)")
	mustExec(t, s, "INSERT INTO big SELECT g, g % 50 FROM generate_series(1, 100000) g")
	mustExec(t, s, "ANALYZE big")
	ts := e.tableColumnStats(queryID(t, e, "big"))
	if ts == nil || ts.Rows != 100000 || ts.Sampled > 2*statsSampleRows || ts.Sampled < statsSampleRows/2 {
		t.Fatalf("stats: %+v", ts)
	}
	got := queryOne(t, s, "SELECT string_agg(attname || '=' || n_distinct::int::text, ' ' ORDER BY attname) FROM pg_stats WHERE tablename = 'big'")
	if got != "id=100000 k=50" {
		t.Fatalf("n_distinct: %s", got)
	}
}

func queryID(t *testing.T, e *Engine, table string) uint32 {
	t.Helper()
	var id uint32
	withDescriptor(t, e, table, func(_ *mvcc.Txn, d *catalog.Descriptor) { id = d.ID })
	return id
}

// withDescriptor calls fn with table's descriptor and the read-only
// transaction it was read in (rolled back when fn returns).
func withDescriptor(t *testing.T, e *Engine, table string, fn func(*mvcc.Txn, *catalog.Descriptor)) {
	t.Helper()
	txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	d, err := catalog.Get(txn, table)
	if err != nil {
		t.Fatal(err)
	}
	fn(txn, d)
}

// TestAnalyzeWideValues: text too wide for the statistics is counted (not
// as NULL) and taken to be distinct, without being sorted or kept.
func TestAnalyzeWideValues(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE w (id INT PRIMARY KEY, body TEXT)")
	mustExec(t, s, "INSERT INTO w SELECT g, CASE WHEN g % 2 = 0 THEN repeat('x', 300) || g END FROM generate_series(1, 1000) g")
	mustExec(t, s, "ANALYZE w")
	got := queryOne(t, s, "SELECT null_frac || ' ' || n_distinct::int || ' ' || (most_common_vals IS NULL) || ' ' || (histogram_bounds IS NULL) FROM pg_stats WHERE tablename = 'w' AND attname = 'body'")
	if got != "0.5 500 true true" {
		t.Fatalf("null_frac, n_distinct, no MCV, no histogram: %s", got)
	}
}
