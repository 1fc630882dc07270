package engine

import "testing"

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
