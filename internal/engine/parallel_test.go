package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/mvcc"
)

// TestParallelAggregate: an aggregate without groups over an input the
// store can cut (a scan, a filtered scan, an index-only range, a merge
// join seeking its inner table) reads it in parts concurrently, and
// answers what it answers read serially (max_parallel_workers_per_gather
// = 0); an error in one part is the statement's error.
func TestParallelAggregate(t *testing.T) {
	e, s := openCutEngine(t)
	r := rand.New(rand.NewPCG(7, 9))
	mustExec(t, s, "CREATE TABLE big (id INT PRIMARY KEY, k INT, v BIGINT, n NUMERIC, pad TEXT)")
	mustExec(t, s, "CREATE TABLE small (id INT PRIMARY KEY, k INT)")
	mustExec(t, s, "CREATE INDEX small_k ON small (k)")
	insertRows(t, s, "big", 20000, func(i int) string {
		k := fmt.Sprint(r.IntN(1000))
		if r.IntN(40) == 0 {
			k = "NULL"
		}
		return fmt.Sprintf("(%d, %s, %d, %d.%02d, '%016x%016x')", i, k, r.Int64N(2e12)-1e12, r.IntN(1000), r.IntN(100), r.Uint64(), r.Uint64())
	})
	insertRows(t, s, "small", 3000, func(i int) string {
		k := fmt.Sprint(1 + r.IntN(25000)) // some past big's ids
		if r.IntN(50) == 0 {
			k = "NULL"
		}
		return fmt.Sprintf("(%d, %s)", i, k)
	})
	mustExec(t, s, "ANALYZE")
	if err := e.db.LSM().Compact(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	requireCut(t, e, "big", catalog.PrimaryIndexID)
	requireCut(t, e, "small", catalog.PrimaryIndexID+1)
	// As in the benchmark, whose tables are ten to one: here the
	// planner would hash.
	mustExec(t, s, "SET enable_hashjoin = off")
	plan := strings.Join(rowsOf(t, s, "EXPLAIN SELECT count(*), sum(a.v) FROM big a JOIN small b ON a.id = b.k"), "\n")
	if !strings.Contains(plan, "Inner Seek") || !strings.Contains(plan, "Index Only Scan using small_k") {
		t.Fatalf("the join is not a merge join seeking big, driven by small_k:\n%s", plan)
	}
	for _, q := range []string{
		"SELECT count(*), sum(v), min(v), max(v), avg(v), count(k), sum(n), avg(n) FROM big",
		"SELECT count(*), sum(v), max(pad) FROM big WHERE k < 100 AND v > 0",
		"SELECT count(*), min(k), max(id), bool_and(k > 0), bool_or(id = 77) FROM small WHERE k BETWEEN 100 AND 20000",
		"SELECT count(*), sum(a.v), max(b.id), min(a.pad) FROM big a JOIN small b ON a.id = b.k",
		"SELECT count(*), sum(a.v) FROM big a JOIN small b ON a.id = b.k WHERE a.k % 7 = 3",
		"SELECT count(DISTINCT k), count(*) FILTER (WHERE v > 0) FROM big",
		"SELECT count(*) FROM big WHERE k = -1",
	} {
		parallel := rowsOf(t, s, q)
		mustExec(t, s, "SET max_parallel_workers_per_gather = 0")
		serial := rowsOf(t, s, q)
		mustExec(t, s, "RESET max_parallel_workers_per_gather")
		if fmt.Sprint(parallel) != fmt.Sprint(serial) {
			t.Fatalf("%s:\nin parts %v\nserially %v", q, parallel, serial)
		}
	}
	// EXPLAIN ANALYZE shows the parts; each node's loops are its parts
	// (rows per loop), as PostgreSQL shows its workers'.
	if runtime.GOMAXPROCS(0) > 1 {
		plan := strings.Join(rowsOf(t, s, "EXPLAIN ANALYZE SELECT count(*), sum(a.v) FROM big a JOIN small b ON a.id = b.k"), "\n")
		if !strings.Contains(plan, "(parallel: ") || !strings.Contains(plan, "loops=2") {
			t.Errorf("EXPLAIN ANALYZE does not show the parts:\n%s", plan)
		}
	}
	// k = 500 divides by zero in whichever part reads it.
	for _, q := range []string{
		"SELECT count(*) FROM big WHERE 10 / (k - 500) > 0",
		"SELECT sum(a.v) FROM big a JOIN small b ON a.id = b.k WHERE 10 / (a.k - 500) > 0",
	} {
		_, err := s.Execute(context.Background(), q, nil)
		if codeOf(err) != "22012" {
			t.Fatalf("%s: %v, want division_by_zero", q, err)
		}
	}
	if _, err := s.Execute(context.Background(), "SET max_parallel_workers_per_gather = -1", nil); codeOf(err) != "22023" {
		t.Fatalf("SET max_parallel_workers_per_gather = -1: %v", err)
	}
}

// openCutEngine opens an in-memory engine whose tables the store cuts
// into parts for parallel reads (lsm.DB.SplitKeys) at a few tens of
// KiB: tiny memtables, tables and parts. Its tiny cache makes reads go to
// the tables, block after block through memory scans reuse.
func openCutEngine(t *testing.T) (*Engine, *Session) {
	t.Helper()
	e, err := Open("", &Options{InMemory: true, Storage: lsm.Options{MemTableSize: 64 << 10, CacheSize: 16 << 10, TargetFileSize: 32 << 10, MinSplitPart: 16 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, e.NewSession()
}

// requireCut fails the test unless the store cuts index of table into
// parts for parallel reads, where there are cores for them: else a test
// of parallel reads would compare the serial read with itself.
func requireCut(t *testing.T, e *Engine, table string, index uint32) {
	t.Helper()
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	id := queryID(t, e, table)
	if cuts := txn.SplitKeys(catalog.IndexPrefix(nil, id, index), catalog.IndexPrefix(nil, id, index+1), 2); len(cuts) == 0 {
		t.Fatalf("index %d of %s is not cut into parts: it is read serially", index, table)
	}
}

// rowsOf runs a query and returns its last result's rows, each printed.
func rowsOf(t *testing.T, s *Session, sql string) []string {
	t.Helper()
	res := mustExec(t, s, sql)
	var out []string
	for _, row := range res[len(res)-1].Rows {
		out = append(out, fmt.Sprint(row))
	}
	return out
}
