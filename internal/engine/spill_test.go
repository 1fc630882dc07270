package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSortSpill: with a tiny work_mem, sorts spill sorted runs to a
// temporary file and merge them; every ORDER BY gives exactly the rows,
// in exactly the order (ties in input order: the sort is stable), of
// the in-memory sort, for values of every kind, NULLs included.
func TestSortSpill(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, `CREATE TABLE t (id INT PRIMARY KEY, g INT, s TEXT, n NUMERIC(10,2), c CHAR(5), b BOOL,
		ts TIMESTAMP, d DATE, f FLOAT8, j JSONB, a INT[], iv INTERVAL, u UUID, by BYTEA)`)
	const rows = 4000
	var sb strings.Builder
	for lo := 0; lo < rows; lo += 500 {
		sb.Reset()
		sb.WriteString("INSERT INTO t SELECT i, i % 7, CASE WHEN i % 11 = 0 THEN NULL ELSE md5(i::text) || repeat('x', i % 50) END, " +
			"(i % 1000) / 7.0, CASE WHEN i % 5 = 0 THEN NULL ELSE chr(97 + i % 26) END, i % 3 = 0, " +
			"timestamp '2026-01-01' + i * interval '1 minute', date '2026-01-01' + i % 400, i / 3.0, " +
			"jsonb_build_object('k', i % 13, 'v', array[i, i + 1]), array[i % 4, NULL, i], i * interval '1 second', " +
			"md5(i::text)::uuid, md5(i::text)::bytea ")
		fmt.Fprintf(&sb, "FROM generate_series(%d, %d) i", lo, lo+499)
		mustExec(t, s, sb.String())
	}
	queries := []string{
		"SELECT * FROM t ORDER BY g",
		"SELECT * FROM t ORDER BY s DESC NULLS LAST, id",
		"SELECT id, n, c FROM t ORDER BY n, c NULLS FIRST",
		"SELECT id, j, a FROM t ORDER BY f DESC",
		"SELECT g, count(*) FROM (SELECT * FROM t ORDER BY s) x GROUP BY g ORDER BY g",
		"SELECT id, s FROM t WHERE g = 3 ORDER BY ts DESC",
	}
	sameUnderTinyWorkMem(t, s, queries, "spilled sort differs from the in-memory one")
	// EXPLAIN ANALYZE reports the spill.
	res := mustExec(t, s, "EXPLAIN ANALYZE SELECT * FROM t ORDER BY g")
	if plan := fmt.Sprint(res[0].Rows); !strings.Contains(plan, "spilled: ") {
		t.Errorf("EXPLAIN ANALYZE does not report a spill:\n%s", plan)
	}
	mustExec(t, s, "RESET work_mem")
	res = mustExec(t, s, "EXPLAIN ANALYZE SELECT * FROM t ORDER BY g")
	if plan := fmt.Sprint(res[0].Rows); strings.Contains(plan, "spilled: ") {
		t.Errorf("an in-memory sort reports a spill:\n%s", plan)
	}
	for _, bad := range []string{"SET work_mem = '1kB'", "SET work_mem = 'lots'", "SET work_mem = '5 parsecs'"} {
		if _, err := s.Execute(context.Background(), bad, nil); err == nil || !strings.Contains(err.Error(), "work_mem") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// TestSortSpillFiles: on disk, a sort spills into the data directory's
// tmp, removes its file when done, and opening the database removes the
// files a crashed process left there.
func TestSortSpillFiles(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "sort-7.tmp"), []byte("left by a crash"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	left := func() []os.DirEntry {
		ents, err := os.ReadDir(tmp)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return ents
	}
	if l := left(); len(l) != 0 {
		t.Fatalf("open left %v in tmp", l)
	}
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, s TEXT)")
	mustExec(t, s, "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 3000) i")
	mustExec(t, s, "SET work_mem = 64")
	res := mustExec(t, s, "EXPLAIN ANALYZE SELECT * FROM t ORDER BY s")
	if plan := fmt.Sprint(res[0].Rows); !strings.Contains(plan, "spilled: ") {
		t.Fatalf("no spill:\n%s", plan)
	}
	res = mustExec(t, s, "SELECT s FROM t ORDER BY s LIMIT 1 OFFSET 2999")
	if len(res[0].Rows) != 1 {
		t.Fatalf("%v", res[0].Rows)
	}
	if l := left(); len(l) != 0 {
		t.Fatalf("the sort left %v in tmp", l)
	}
}

// TestAggregateSpill: with a tiny work_mem, a hash aggregate with many
// groups writes the rows of groups it cannot hold to partition files
// (and those of the partitions to partitions of their own) and
// aggregates them afterwards; the answers are those of the in-memory
// aggregate, for every kind of aggregate.
func TestAggregateSpill(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, g INT, h TEXT, v NUMERIC(8,2), s TEXT)")
	mustExec(t, s, "INSERT INTO t SELECT i, i % 5003, CASE WHEN i % 17 = 0 THEN NULL ELSE md5((i % 701)::text) END, i / 4.0, md5(i::text) FROM generate_series(1, 30000) i")
	queries := []string{
		"SELECT g, count(*), sum(v), min(s), max(s), avg(v) FROM t GROUP BY g ORDER BY g",
		"SELECT g % 2, h, count(DISTINCT g), string_agg(s, ',' ORDER BY id) FROM t GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST",
		"SELECT g, count(*) FILTER (WHERE v > 100), array_agg(id ORDER BY id DESC) FROM t WHERE id % 3 = 0 GROUP BY g HAVING count(*) > 1 ORDER BY g",
		"SELECT count(*) FROM (SELECT DISTINCT g, h FROM t) x",
	}
	sameUnderTinyWorkMem(t, s, queries, "the spilled aggregate differs from the in-memory one")
	res := mustExec(t, s, "EXPLAIN ANALYZE SELECT g, count(*) FROM t GROUP BY g")
	plan := fmt.Sprint(res[0].Rows)
	if !strings.Contains(plan, "partitions") {
		t.Errorf("EXPLAIN ANALYZE does not report the partitions:\n%s", strings.Join(strings.Split(plan, "] ["), "\n"))
	}
}

// TestDistinctSpill: with a tiny work_mem, DISTINCT holds the keys it
// has seen up to work_mem and writes the rows of keys it does not hold to
// partition files, deduplicated afterwards; DISTINCT ON under its sort
// compares neighbours and holds nothing. The answers are the in-memory
// ones, the first row of each DISTINCT ON key included.
func TestDistinctSpill(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, g INT, h TEXT, s TEXT)")
	mustExec(t, s, "INSERT INTO t SELECT i, i % 5003, CASE WHEN i % 17 = 0 THEN NULL ELSE md5((i % 701)::text) END, md5((i % 9000)::text) FROM generate_series(1, 30000) i")
	queries := []string{
		"SELECT DISTINCT g, h FROM t ORDER BY 1, 2 NULLS FIRST",
		"SELECT DISTINCT s FROM t ORDER BY 1",
		"SELECT count(*), count(DISTINCT s) FROM (SELECT DISTINCT s, g % 3 FROM t) x",
		"SELECT DISTINCT ON (g) g, id, s FROM t ORDER BY g, id DESC",
		"SELECT DISTINCT ON (h, g % 7) h, g % 7, id FROM t ORDER BY h NULLS FIRST, g % 7, id",
		"SELECT DISTINCT ON (g % 100) g % 100, id FROM t",
	}
	sameUnderTinyWorkMem(t, s, queries[:5], "the spilled DISTINCT differs from the in-memory one")
	// Without ORDER BY, DISTINCT ON keeps some row of each key: the
	// keys are those of the in-memory run.
	res := mustExec(t, s, "SELECT count(*) FROM ("+queries[5]+") x")
	if got := fmt.Sprint(res[0].Rows); got != "[[100]]" {
		t.Errorf("%s: %s keys, want 100", queries[5], got)
	}
	for q, spills := range map[string]bool{
		"EXPLAIN ANALYZE SELECT DISTINCT s, g FROM t":                             true,
		"EXPLAIN ANALYZE SELECT DISTINCT ON (g) g, id FROM t ORDER BY g, id DESC": false,
	} {
		lines := strings.Split(fmt.Sprint(mustExec(t, s, q)[0].Rows), "] [")
		distinct := ""
		for _, l := range lines {
			if strings.Contains(l, "Unique") || strings.Contains(l, "Distinct") || strings.Contains(l, "HashAggregate") {
				distinct = l
			}
		}
		if got := strings.Contains(distinct, "spilled: "); got != spills {
			t.Errorf("%s: the DISTINCT line %q, spilled %v, want %v\n%s", q, distinct, got, spills, strings.Join(lines, "\n"))
		}
	}
}

// TestSetOpSpill: with a tiny work_mem, UNION deduplicates as DISTINCT
// does (spilling), and INTERSECT and EXCEPT, whose right rows do not fit,
// write both sides to partition files and answer a pair at a time; ALL
// or not, NULLs and duplicates included, the answers are the in-memory
// ones.
func TestSetOpSpill(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE a (id INT PRIMARY KEY, k INT, s TEXT)")
	mustExec(t, s, "CREATE TABLE b (id INT PRIMARY KEY, k INT, s TEXT)")
	mustExec(t, s, "INSERT INTO a SELECT i, CASE WHEN i % 13 = 0 THEN NULL ELSE i % 4000 END, md5((i % 3000)::text) FROM generate_series(1, 12000) i")
	mustExec(t, s, "INSERT INTO b SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7) % 5000 END, md5((i % 2500)::text) FROM generate_series(1, 10000) i")
	queries := []string{}
	for _, op := range []string{"UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"} {
		queries = append(queries,
			"SELECT k, s FROM a "+op+" SELECT k, s FROM b ORDER BY 1 NULLS FIRST, 2",
			"SELECT count(*) FROM (SELECT s FROM b "+op+" SELECT s FROM a) x")
	}
	sameUnderTinyWorkMem(t, s, queries, "the spilled set operation differs from the in-memory one")
	for _, op := range []string{"INTERSECT", "EXCEPT ALL", "UNION"} {
		q := "EXPLAIN ANALYZE SELECT k, s FROM a " + op + " SELECT k, s FROM b"
		if plan := fmt.Sprint(mustExec(t, s, q)[0].Rows); !strings.Contains(plan, "spilled: ") {
			t.Errorf("%s: no spill reported:\n%s", q, strings.Join(strings.Split(plan, "] ["), "\n"))
		}
	}
}

// TestJoinSpill: with a tiny work_mem, a hash join whose hashed side
// does not fit writes both sides to partition files and joins them a
// partition at a time; inner and outer joins give the rows of the
// in-memory join, NULL keys, duplicate keys and extra conditions
// included.
func TestJoinSpill(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE a (id INT PRIMARY KEY, k INT, s TEXT)")
	mustExec(t, s, "CREATE TABLE b (id INT PRIMARY KEY, k INT, t TEXT, k2 TEXT)")
	mustExec(t, s, "INSERT INTO a SELECT i, CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3000 END, md5(i::text) FROM generate_series(1, 6000) i")
	mustExec(t, s, "INSERT INTO b SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7) % 3500 END, md5((i * 3)::text), (i % 50)::text FROM generate_series(1, 5000) i")
	queries := []string{
		"SELECT a.id, b.id FROM a JOIN b ON a.k = b.k ORDER BY 1, 2",
		"SELECT a.id, b.id, b.t FROM a LEFT JOIN b ON a.k = b.k AND b.id % 2 = 0 ORDER BY 1, 2",
		"SELECT a.id, b.id FROM a RIGHT JOIN b ON a.k = b.k ORDER BY 2, 1",
		"SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k ORDER BY 1 NULLS FIRST, 2 NULLS FIRST",
		"SELECT count(*), sum(a.id), sum(b.id) FROM a JOIN b ON a.s = b.t",
		"SELECT count(*) FROM a JOIN b ON a.k = b.k AND (a.id % 50)::text = b.k2",
	}
	sameUnderTinyWorkMem(t, s, queries, "the spilled join differs from the in-memory one")
	res := mustExec(t, s, "EXPLAIN ANALYZE SELECT a.id, b.id FROM a JOIN b ON a.k = b.k")
	if plan := fmt.Sprint(res[0].Rows); !strings.Contains(plan, "partitions") {
		t.Errorf("EXPLAIN ANALYZE does not report the partitions:\n%s", plan)
	}
}

// sameUnderTinyWorkMem runs queries with the default work_mem, then with
// 64 kB (the least allowed, which makes them spill), and reports every
// answer that differs; work_mem stays 64 kB.
func sameUnderTinyWorkMem(t *testing.T, s *Session, queries []string, what string) {
	t.Helper()
	run := func(q string) string {
		t.Helper()
		res := mustExec(t, s, q)
		return fmt.Sprint(res[len(res)-1].Rows)
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		want[i] = run(q)
	}
	mustExec(t, s, "SET work_mem = '64kB'")
	for i, q := range queries {
		if got := run(q); got != want[i] {
			t.Errorf("%s: %s", q, what)
		}
	}
}
