package engine

import (
	"context"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// TestVacuumCompacts: VACUUM t flushes and compacts t's keys to one level,
// dropping deleted rows' tombstones; a VACUUM of the whole database leaves
// no table in L0; inside a transaction block it is 25001, and a canceled
// context stops it with 57014.
func TestVacuumCompacts(t *testing.T) {
	e := openTestEngine(t)
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
