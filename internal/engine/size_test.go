package engine

import (
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
	if got != "0.5 500 t t" {
		t.Fatalf("null_frac, n_distinct, no MCV, no histogram: %s", got)
	}
}
