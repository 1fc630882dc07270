package mvcc

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/vfs"
)

func rc(t *testing.T, db *DB) *Txn {
	t.Helper()
	tx, err := db.Begin(TxnOptions{Isolation: ReadCommitted})
	must(t, err)
	return tx
}

// TestReadCommittedWaitsAndRestarts: a second writer of a key waits for
// the first; when that one commits, the write asks for a restart, and
// after a Refresh the statement reads the committed value and succeeds.
func TestReadCommittedWaitsAndRestarts(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	t1, t2 := rc(t, db), rc(t, db)
	must(t, t1.Put([]byte("k"), []byte("1")))
	errc := make(chan error, 1)
	go func() { errc <- t2.Put([]byte("k"), []byte("x")) }()
	select {
	case err := <-errc:
		t.Fatalf("second writer did not wait: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	must(t, t1.Commit())
	if err := <-errc; !errors.Is(err, ErrRestartStatement) {
		t.Fatalf("after the holder committed: %v, want ErrRestartStatement", err)
	}
	t2.Refresh()
	v, ok, err := t2.Get([]byte("k"))
	if err != nil || !ok || string(v) != "1" {
		t.Fatalf("after Refresh: %q %v %v", v, ok, err)
	}
	must(t, t2.Put([]byte("k"), []byte("2")))
	must(t, t2.Commit())
}

// TestReadCommittedAbortedHolder: when the holder rolls back, the waiter
// writes without a restart.
func TestReadCommittedAbortedHolder(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	t1, t2 := rc(t, db), rc(t, db)
	must(t, t1.Put([]byte("k"), []byte("1")))
	errc := make(chan error, 1)
	go func() { errc <- t2.Put([]byte("k"), []byte("2")) }()
	time.Sleep(20 * time.Millisecond)
	must(t, t1.Rollback())
	must(t, <-errc)
	must(t, t2.Commit())
}

// TestReadCommittedDeadlock: the write that would close a cycle of waits
// fails with 40P01; the other proceeds once the victim rolls back.
func TestReadCommittedDeadlock(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	t1, t2 := rc(t, db), rc(t, db)
	must(t, t1.Put([]byte("a"), []byte("1")))
	must(t, t2.Put([]byte("b"), []byte("2")))
	errc := make(chan error, 1)
	go func() { errc <- t1.Put([]byte("b"), []byte("1")) }()
	time.Sleep(20 * time.Millisecond)
	err := t2.Put([]byte("a"), []byte("2"))
	var de *DeadlockError
	if !errors.As(err, &de) || de.SQLState() != "40P01" {
		t.Fatalf("closing the cycle: %v, want a deadlock", err)
	}
	must(t, t2.Rollback())
	must(t, <-errc)
	must(t, t1.Commit())
}

// TestReadCommittedWaitCancelled: a lock wait ends with the context.
func TestReadCommittedWaitCancelled(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	t1, t2 := rc(t, db), rc(t, db)
	must(t, t1.Put([]byte("k"), []byte("1")))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	t2.SetContext(ctx)
	if err := t2.Put([]byte("k"), []byte("2")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: %v", err)
	}
	must(t, t1.Commit())
	must(t, t2.Rollback())
}

// TestReadCommittedSnapshotWriterConflicts: a snapshot transaction takes
// no locks; if it commits a key a READ COMMITTED one wrote, the latter
// fails at commit (first committer wins).
func TestReadCommittedSnapshotWriterConflicts(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	t1 := rc(t, db)
	si, err := db.Begin(TxnOptions{})
	must(t, err)
	must(t, t1.Put([]byte("k"), []byte("1")))
	must(t, si.Put([]byte("k"), []byte("2")))
	must(t, si.Commit())
	if err := t1.Commit(); !errors.Is(err, ErrConflict) {
		t.Fatalf("commit after a snapshot writer won: %v", err)
	}
}

// TestReadCommittedCounter: concurrent increments of one counter under
// READ COMMITTED, restarting statements as asked, never fail and never
// lose an increment.
func TestReadCommittedCounter(t *testing.T) {
	db := openMem(t, vfs.NewMem())
	const workers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				tx, err := db.Begin(TxnOptions{Isolation: ReadCommitted, NoSync: true})
				if err != nil {
					errs <- err
					return
				}
				for {
					sp := tx.Savepoint()
					tx.Refresh()
					v, _, err := tx.Get([]byte("n"))
					if err != nil {
						errs <- err
						return
					}
					n, _ := strconv.Atoi(string(v))
					err = tx.Put([]byte("n"), []byte(strconv.Itoa(n+1)))
					if errors.Is(err, ErrRestartStatement) {
						must(t, tx.RollbackTo(sp))
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					break
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	tx, _ := db.Begin(TxnOptions{})
	v, _, _ := tx.Get([]byte("n"))
	if string(v) != strconv.Itoa(workers*each) {
		t.Fatalf("counter = %s, want %d", v, workers*each)
	}
}
