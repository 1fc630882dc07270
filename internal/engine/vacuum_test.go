package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// TestVacuumCompacts: VACUUM t flushes and compacts t's keys to one level,
// dropping deleted rows' tombstones; a VACUUM of the whole database leaves
// no table in L0; inside a transaction block it is 25001, and a canceled
// context stops it with 57014.
func TestVacuumCompacts(t *testing.T) {
	e := openTestEngine(t)
	// No automatic recount: one that began between the load and the
	// DELETE (the quiet after the load's last write passes in a slow
	// run) reads a snapshot that still sees the deleted rows, and
	// VACUUM must keep them for it (it kept 2975048 of 3927823 bytes in
	// a run where that happened).
	e.stats.quiet, e.stats.maxWait = time.Hour, time.Hour
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE big (id INT PRIMARY KEY, pad TEXT)")
	mustExec(t, s, "CREATE INDEX big_pad ON big (pad)")
	mustExec(t, s, "INSERT INTO big SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 20000) g")
	lsm := e.db.LSM()
	if err := lsm.Flush(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, "DELETE FROM big WHERE id > 100")
	if err := lsm.Flush(); err != nil {
		t.Fatal(err)
	}
	before := lsm.Metrics()
	if before.LevelFiles[0] == 0 {
		t.Fatalf("no table in L0 after a flush: %+v", before.LevelFiles)
	}
	mustExec(t, s, "INSERT INTO big VALUES (100000, 'recent')") // in the memtable
	mustExec(t, s, "VACUUM big")
	after := lsm.Metrics()
	if after.LevelFiles[0] != 0 {
		t.Fatalf("after VACUUM big: %d tables in L0", after.LevelFiles[0])
	}
	var sumBefore, sumAfter uint64
	for l := range before.LevelBytes {
		sumBefore += before.LevelBytes[l]
		sumAfter += after.LevelBytes[l]
	}
	// 19,900 deleted rows of ~200 bytes and their index entries: gone.
	if sumAfter*4 > sumBefore {
		t.Fatalf("VACUUM kept %d of %d table bytes", sumAfter, sumBefore)
	}
	if got := queryOne(t, s, "SELECT count(*) FROM big WHERE pad >= 'recent'"); got != "1" {
		t.Fatalf("rows after VACUUM: %s", got)
	}
	if got := queryOne(t, s, "SELECT count(*) FROM big"); got != "101" {
		t.Fatalf("rows after VACUUM: %s", got)
	}

	mustExec(t, s, "INSERT INTO big VALUES (100001, 'newer')")
	mustExec(t, s, "VACUUM")
	if m := lsm.Metrics(); m.LevelFiles[0] != 0 {
		t.Fatalf("after VACUUM: %d tables in L0", m.LevelFiles[0])
	}

	mustExec(t, s, "BEGIN")
	if _, err := s.Execute(context.Background(), "VACUUM big", nil); codeOf(err) != sqlerr.ActiveSQLTransaction {
		t.Fatalf("VACUUM in a transaction block: %v", err)
	}
	mustExec(t, s, "ROLLBACK")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Execute(ctx, "VACUUM big", nil); codeOf(err) != sqlerr.QueryCanceled {
		t.Fatalf("VACUUM with a canceled context: %v", err)
	}
}

// TestVacuumMergesFTS: VACUUM merges the pending documents of the named
// table's full-text indexes (fewer than a background merge waits for),
// and a VACUUM of the whole database those of every table; searches
// find the same documents before and after.
func TestVacuumMergesFTS(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	for _, tbl := range []string{"a", "b"} {
		mustExec(t, s, "CREATE TABLE "+tbl+" (id INT PRIMARY KEY, body TEXT)")
		mustExec(t, s, "CREATE INDEX "+tbl+"_body ON "+tbl+" USING fts (body)")
		mustExec(t, s, "INSERT INTO "+tbl+" SELECT g, 'doc number ' || g || CASE WHEN g % 7 = 0 THEN ' lucky seven' ELSE '' END FROM generate_series(1, 300) g")
	}
	pending := func(table string) (n int) {
		t.Helper()
		withDescriptor(t, e, table, func(txn *mvcc.Txn, d *catalog.Descriptor) {
			var err error
			if n, err = exec.PendingFTS(txn, d, &d.Indexes[len(d.Indexes)-1]); err != nil {
				t.Fatal(err)
			}
		})
		return n
	}
	const lucky = "SELECT count(*) FROM %s WHERE body @@ 'lucky seven'"
	if n := pending("a"); n != 300 {
		t.Fatalf("pending documents of a before VACUUM: %d, want 300", n)
	}
	mustExec(t, s, "VACUUM a")
	if a, b := pending("a"), pending("b"); a != 0 || b != 300 {
		t.Fatalf("after VACUUM a: %d pending in a (want 0), %d in b (want 300)", a, b)
	}
	mustExec(t, s, "VACUUM")
	if b := pending("b"); b != 0 {
		t.Fatalf("after VACUUM: %d pending in b", b)
	}
	for _, tbl := range []string{"a", "b"} {
		if got := queryOne(t, s, fmt.Sprintf(lucky, tbl)); got != "42" {
			t.Fatalf("%s: %s documents match after VACUUM, want 42", tbl, got)
		}
	}

	// A backlog a background merge is working through (in small
	// pieces): VACUUM waits for it rather than racing it, and leaves
	// nothing pending.
	e.ftsMerge.piece, e.ftsMerge.weight = 50, 1024*exec.FTSMinWeight
	mustExec(t, s, "INSERT INTO a SELECT g, 'later doc ' || g FROM generate_series(1000, 4000) g")
	e.ftsMerge.mu.Lock()
	busy := e.ftsMerge.running[ftsKey{queryID(t, e, "a"), 2}] != nil
	e.ftsMerge.mu.Unlock()
	mustExec(t, s, "VACUUM a")
	if n := pending("a"); n != 0 {
		t.Fatalf("after VACUUM a during a background merge (running: %v): %d pending", busy, n)
	}
	if got := queryOne(t, s, "SELECT count(*) FROM a WHERE body @@ 'later'"); got != "3001" {
		t.Fatalf("%s documents match 'later', want 3001", got)
	}
}
