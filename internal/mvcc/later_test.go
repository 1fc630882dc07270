package mvcc

import (
	"errors"
	"testing"
	"time"
)

// TestPutLater: a value made on another goroutine is read, scanned and
// committed as a Put's would be, and the reads wait for it.
func TestPutLater(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	txn := begin(t, db, SnapshotIsolation)
	put(t, txn, "a", "1")
	l := NewLater(10)
	must(t, txn.PutLater([]byte("b"), l))
	put(t, txn, "c", "3")
	if !txn.Wrote([]byte("b")) {
		t.Fatal("Wrote(b) = false before the value is made")
	}
	go func() {
		time.Sleep(10 * time.Millisecond) // the read below waits for it
		l.Set([]byte("2"), nil)
	}()
	if got := get(t, txn, "b"); got != "2" {
		t.Fatalf("Get(b) = %q, want 2", got)
	}
	if got := scan(t, txn, "", "", false); got != "a=1 b=2 c=3 " {
		t.Fatalf("scan = %q", got)
	}
	must(t, txn.Commit())

	// A value not read before Commit: Commit waits for it.
	txn = begin(t, db, SnapshotIsolation)
	l = NewLater(10)
	must(t, txn.PutLater([]byte("d"), l))
	go func() {
		time.Sleep(10 * time.Millisecond)
		l.Set([]byte("4"), nil)
	}()
	must(t, txn.Commit())

	if got := committed(t, db); got != "a=1 b=2 c=3 d=4 " {
		t.Fatalf("after commit: scan = %q", got)
	}
}

// TestPutLaterError: the error making a value met is what the key's
// reads and Commit return, and the failed commit writes nothing.
func TestPutLaterError(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	boom := errors.New("boom")
	txn := begin(t, db, SnapshotIsolation)
	put(t, txn, "a", "1")
	l := NewLater(1)
	must(t, txn.PutLater([]byte("b"), l))
	l.Set(nil, boom)
	if _, _, err := txn.Get([]byte("b")); !errors.Is(err, boom) {
		t.Fatalf("Get(b): %v, want %v", err, boom)
	}
	if _, _, err := txn.Get([]byte("a")); err != nil {
		t.Fatalf("Get(a): %v", err) // other keys read as usual
	}
	it := txn.Scan(nil, nil)
	for it.Next() {
	}
	if err := it.Close(); !errors.Is(err, boom) {
		t.Fatalf("scan: %v, want %v", err, boom)
	}
	if err := txn.Commit(); !errors.Is(err, boom) {
		t.Fatalf("Commit: %v, want %v", err, boom)
	}
	if got := committed(t, db); got != "" {
		t.Fatalf("after the failed commit: scan = %q, want nothing", got)
	}
}

// TestPutLaterRolledBack: a write rolled back (to a savepoint, or with
// the transaction) is never waited for; one a savepoint brings back is.
func TestPutLaterRolledBack(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	txn := begin(t, db, SnapshotIsolation)
	sp := txn.Savepoint()
	must(t, txn.PutLater([]byte("never"), NewLater(1)))
	must(t, txn.RollbackTo(sp))

	l := NewLater(1)
	must(t, txn.PutLater([]byte("k"), l))
	sp = txn.Savepoint()
	put(t, txn, "k", "overwritten")
	must(t, txn.RollbackTo(sp)) // k is the later write again
	l.Set([]byte("made"), nil)
	if got := get(t, txn, "k"); got != "made" {
		t.Fatalf("Get(k) = %q, want made", got)
	}
	sp = txn.Savepoint()
	put(t, txn, "k", "again")
	must(t, txn.RollbackTo(sp)) // back to the settled value
	if got := get(t, txn, "k"); got != "made" {
		t.Fatalf("Get(k) after a second rollback = %q, want made", got)
	}
	must(t, txn.Commit())

	txn = begin(t, db, SnapshotIsolation)
	must(t, txn.PutLater([]byte("x"), NewLater(1)))
	txn.Rollback() // does not wait
	if got := committed(t, db); got != "k=made " {
		t.Fatalf("scan = %q, want k=made", got)
	}
}

// TestPutLaterBudget: the write set counts a later value at its
// estimate.
func TestPutLaterBudget(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	txn, err := db.Begin(TxnOptions{MemoryBudget: 1000})
	must(t, err)
	defer txn.Rollback()
	if err := txn.PutLater([]byte("k"), NewLater(2000)); !errors.Is(err, ErrTxnTooLarge) {
		t.Fatalf("PutLater over the budget: %v, want %v", err, ErrTxnTooLarge)
	}
	must(t, txn.PutLater([]byte("k"), NewLater(10)))
}

// committed returns what a new transaction scans of the whole store.
func committed(t *testing.T, db *DB) string {
	t.Helper()
	txn := begin(t, db, SnapshotIsolation)
	defer txn.Rollback()
	return scan(t, txn, "", "", false)
}
