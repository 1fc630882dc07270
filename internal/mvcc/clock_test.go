package mvcc

import (
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestPrefixClock: a value kept with a prefix clock is reused exactly by
// the snapshots that see the same writes under the prefix.
func TestPrefixClock(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	c := db.PrefixClock([]byte("ix/"))
	if db.PrefixClock([]byte("ix/")) != c {
		t.Fatal("a prefix has one clock")
	}
	put := func(k string) {
		txn := begin(t, db, SnapshotIsolation)
		must(t, txn.Put([]byte(k), []byte("v")))
		must(t, txn.Commit())
	}
	put("ix/1")
	r1 := begin(t, db, SnapshotIsolation)
	if _, ok := c.Cached(r1); ok {
		t.Fatal("nothing kept yet")
	}
	if !c.Keep(r1, "state after ix/1") {
		t.Fatal("a snapshot that sees every write keeps")
	}
	// A write elsewhere changes nothing under the prefix.
	put("other/1")
	r2 := begin(t, db, SnapshotIsolation)
	if v, ok := c.Cached(r2); !ok || v != "state after ix/1" {
		t.Fatalf("after a write elsewhere: %v, %v", v, ok)
	}
	// A write under the prefix: the kept value is stale for new
	// snapshots, and an older snapshot (r1) neither reads nor keeps.
	put("ix/2")
	r3 := begin(t, db, SnapshotIsolation)
	if _, ok := c.Cached(r3); ok {
		t.Fatal("a write under the prefix must retire the value")
	}
	if _, ok := c.Cached(r1); ok {
		t.Fatal("a snapshot older than the clock must not read the value")
	}
	if c.Keep(r1, "stale") {
		t.Fatal("a snapshot older than the clock must not keep")
	}
	if !c.Keep(r3, "state after ix/2") {
		t.Fatal("keep")
	}
	// A transaction that wrote under the prefix sees its own writes.
	w := begin(t, db, SnapshotIsolation)
	must(t, w.Put([]byte("ix/3"), []byte("v")))
	if _, ok := c.Cached(w); ok {
		t.Fatal("a writer under the prefix must not read the value")
	}
	w.Rollback()
	r4 := begin(t, db, SnapshotIsolation)
	if v, ok := c.Cached(r4); !ok || v != "state after ix/2" {
		t.Fatalf("after a rollback: %v, %v", v, ok)
	}
	// A deletion counts as a write.
	d := begin(t, db, SnapshotIsolation)
	must(t, d.Delete([]byte("ix/1")))
	must(t, d.Commit())
	if _, ok := c.Cached(begin(t, db, SnapshotIsolation)); ok {
		t.Fatal("a deletion under the prefix must retire the value")
	}
	for _, txn := range []*Txn{r1, r2, r3, r4} {
		txn.Rollback()
	}
}

// TestPrefixClockRegisteredLate: writes under the prefix committed before
// its clock existed did not tick it; a snapshot taken before them must
// still not share a value kept by one taken after them.
func TestPrefixClockRegisteredLate(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	before := begin(t, db, SnapshotIsolation)
	defer before.Rollback()
	txn := begin(t, db, SnapshotIsolation)
	must(t, txn.Put([]byte("ix/1"), []byte("v")))
	must(t, txn.Commit())
	after := begin(t, db, SnapshotIsolation)
	defer after.Rollback()
	c := db.PrefixClock([]byte("ix/"))
	if !c.Keep(after, "state with ix/1") {
		t.Fatal("a snapshot that sees every write keeps")
	}
	if v, ok := c.Cached(before); ok {
		t.Fatalf("a snapshot without ix/1 read %v", v)
	}
	later := begin(t, db, SnapshotIsolation)
	defer later.Rollback()
	if v, ok := c.Cached(later); !ok || v != "state with ix/1" {
		t.Fatalf("a later snapshot: %v, %v", v, ok)
	}
}
