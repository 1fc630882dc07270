package engine

import "testing"

// TestTempTables: a temporary table goes when its session closes, at
// the end of its creating transaction with ON COMMIT DROP, loses its
// rows at each commit with ON COMMIT DELETE ROWS, and one a session
// never dropped (a crash) is gone when the database opens again.
func TestTempTables(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	s1, s2 := e.NewSession(), e.NewSession()
	mustExec(t, s1, "CREATE TEMP TABLE t1 (x int); INSERT INTO t1 VALUES (1)")
	mustExec(t, s1, "BEGIN; CREATE TEMP TABLE t2 (x int) ON COMMIT DROP; INSERT INTO t2 VALUES (1)")
	if got := queryOne(t, s1, "SELECT count(*) FROM t2"); got != "1" {
		t.Fatalf("t2 inside its transaction: %s", got)
	}
	mustExec(t, s1, "COMMIT")
	mustExec(t, s1, "CREATE TEMP TABLE t3 (x int) ON COMMIT DELETE ROWS")
	mustExec(t, s1, "BEGIN; INSERT INTO t3 VALUES (1), (2)")
	if got := queryOne(t, s1, "SELECT count(*) FROM t3"); got != "2" {
		t.Fatalf("t3 before the commit: %s", got)
	}
	mustExec(t, s1, "COMMIT")
	if got := queryOne(t, s1, "SELECT count(*) FROM t3"); got != "0" {
		t.Fatalf("t3 after the commit: %s", got)
	}
	if got := queryOne(t, s2, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relpersistence = 't'"); got != "t1,t3" {
		t.Fatalf("temporary tables: %s", got)
	}
	mustExec(t, s2, "CREATE TEMP TABLE left_behind (x int)")
	s1.Close()
	if got := queryOne(t, s2, "SELECT string_agg(relname, ',') FROM pg_class WHERE relpersistence = 't'"); got != "left_behind" {
		t.Fatalf("after the session closed: %s", got)
	}
	// s2 is never closed, as a crash would leave it.
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := queryOne(t, e.NewSession(), "SELECT count(*) FROM pg_class WHERE relpersistence = 't'"); got != "0" {
		t.Fatalf("temporary tables after reopening: %s", got)
	}
}
