package fts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cairndb/cairn/internal/mvcc"
)

// TestUncommittedInvisible: a transaction sees its own index writes;
// others see them only once committed, never if rolled back (whole or to
// a savepoint).
func TestUncommittedInvisible(t *testing.T) {
	t.Run("caller analyzes", func(t *testing.T) { testUncommittedInvisible(t, nil) })
	t.Run("workers analyze", func(t *testing.T) { testUncommittedInvisible(t, &Workers{count: 1}) })
}

func testUncommittedInvisible(t *testing.T, workers *Workers) {
	db := openDB(t, nil)
	ix := newIndex(t, "simple", "body")
	if workers != nil {
		ix.SetWorkers(workers)
		t.Cleanup(workers.Close)
	}
	w, err := db.Begin(mvcc.TxnOptions{})
	must(t, err)
	must(t, ix.Add(w, []byte("a"), []string{"hello world"}))
	sp := w.Savepoint()
	must(t, ix.Add(w, []byte("b"), []string{"hello there"}))
	if got, err := ix.Match(w, "hello"); err != nil || !slices.Equal(ids(got), []string{"a", "b"}) {
		t.Fatalf("own writes: %q, %v", ids(got), err)
	}
	if got, err := ix.Match(view(t, db), "hello"); err != nil || len(got) != 0 {
		t.Fatalf("uncommitted writes visible: %q, %v", ids(got), err)
	}
	must(t, w.RollbackTo(sp))
	if got, _ := ix.Match(w, "hello"); !slices.Equal(ids(got), []string{"a"}) {
		t.Fatalf("after rollback to savepoint: %q", ids(got))
	}
	must(t, w.Rollback())
	txn := view(t, db)
	if got, err := ix.Match(txn, "hello"); err != nil || len(got) != 0 {
		t.Fatalf("rolled back writes visible: %q, %v", ids(got), err)
	}
	if hits, err := ix.Search(txn, "hello", SearchOptions{Limit: 5}); err != nil || len(hits) != 0 {
		t.Fatalf("rolled back writes found by Search: %v, %v", hits, err)
	}
	if n, err := ix.Pending(txn); err != nil || n != 0 {
		t.Fatalf("rolled back writes pending: %d, %v", n, err)
	}
	// A merge rolled back leaves the pending state as it was.
	update(t, db, func(txn *mvcc.Txn) error { return ix.Add(txn, []byte("c"), []string{"hello again"}) })
	m, err := db.Begin(mvcc.TxnOptions{})
	must(t, err)
	_, err = ix.Merge(context.Background(), m)
	must(t, err)
	must(t, m.Rollback())
	txn = view(t, db)
	if n, _ := ix.Pending(txn); n != 1 {
		t.Fatalf("pending after rolled back merge: %d", n)
	}
	if got, _ := ix.Match(txn, "hello"); !slices.Equal(ids(got), []string{"c"}) {
		t.Fatalf("after rolled back merge: %q", ids(got))
	}
}

// TestConcurrentWritersNoConflicts: writers adding different documents,
// with a merger folding them in meanwhile, never get a serialization
// failure.
func TestConcurrentWritersNoConflicts(t *testing.T) {
	t.Run("hashed", func(t *testing.T) { testConcurrentWriters(t, nil, nil) })
	t.Run("numbers", func(t *testing.T) { testConcurrentWriters(t, &Numbers{}, nil) })
	t.Run("workers", func(t *testing.T) { testConcurrentWriters(t, &Numbers{}, &Workers{count: 2}) })
}

func testConcurrentWriters(t *testing.T, numbers *Numbers, workers *Workers) {
	db := openDB(t, nil)
	ix := newIndex(t, "simple", "body")
	if numbers != nil {
		ix.SetNumbers(numbers)
	}
	if workers != nil {
		ix.SetWorkers(workers)
		t.Cleanup(workers.Close)
	}
	const writers, perWriter = 8, 40
	var conflicts, merges atomic.Int64
	var wg sync.WaitGroup
	done := make(chan struct{})
	errc := make(chan error, writers+1)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				id := fmt.Sprintf("w%di%d", w, i)
				txn, err := db.Begin(mvcc.TxnOptions{NoSync: true})
				if err != nil {
					errc <- err
					return
				}
				if err := ix.Add(txn, []byte(id), []string{"common " + id + " words shared by all"}); err != nil {
					errc <- err
					return
				}
				if err := txn.Commit(); err != nil {
					if errors.Is(err, mvcc.ErrConflict) {
						conflicts.Add(1)
						continue
					}
					errc <- err
					return
				}
			}
		}()
	}
	mergerDone := make(chan struct{})
	go func() {
		defer close(mergerDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			txn, err := db.Begin(mvcc.TxnOptions{NoSync: true})
			if err != nil {
				errc <- err
				return
			}
			if _, err := ix.Merge(context.Background(), txn); err != nil {
				txn.Rollback()
				errc <- err
				return
			}
			if err := txn.Commit(); err != nil {
				if errors.Is(err, mvcc.ErrConflict) {
					conflicts.Add(1)
					continue
				}
				errc <- err
				return
			}
			merges.Add(1)
		}
	}()
	wg.Wait()
	close(done)
	<-mergerDone
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if c := conflicts.Load(); c != 0 {
		t.Fatalf("%d serialization failures among writers of different documents", c)
	}
	merge(t, db, ix)
	txn := view(t, db)
	got, err := ix.Match(txn, "common")
	must(t, err)
	if len(got) != writers*perWriter {
		t.Fatalf("%d documents indexed, want %d", len(got), writers*perWriter)
	}
	for w := range writers {
		id := fmt.Sprintf("w%di%d", w, perWriter-1)
		if got, _ := ix.Match(txn, id); !slices.Equal(ids(got), []string{id}) {
			t.Fatalf("Match(%q) = %q", id, ids(got))
		}
	}
	t.Logf("%d writers x %d documents, %d concurrent merges, no conflicts", writers, perWriter, merges.Load())
}

// TestConsistentSnapshots: writers add documents in pairs and delete them
// in pairs, a merger runs, and readers check in each snapshot that the
// pair term matches an even number of documents, that Search agrees with
// Match, and that a snapshot does not change while others commit.
func TestConsistentSnapshots(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "simple", "body")
	var wg, writers sync.WaitGroup
	stop := make(chan struct{}) // closed when the writers are done
	errc := make(chan error, 16)
	fail := func(err error) {
		select {
		case errc <- err:
		default:
		}
	}
	for w := range 3 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range 60 {
				txn, err := db.Begin(mvcc.TxnOptions{NoSync: true})
				if err != nil {
					fail(err)
					return
				}
				a, b := fmt.Sprintf("w%d-%d-a", w, i), fmt.Sprintf("w%d-%d-b", w, i)
				err = ix.Add(txn, []byte(a), []string{"pair alpha"})
				if err == nil {
					err = ix.Add(txn, []byte(b), []string{"pair beta pair"})
				}
				if err == nil && i%3 == 2 { // delete the pair before last
					prev := fmt.Sprintf("w%d-%d-", w, i-1)
					if err = ix.Delete(txn, []byte(prev+"a")); err == nil {
						err = ix.Delete(txn, []byte(prev+"b"))
					}
				}
				if err != nil {
					txn.Rollback()
					fail(err)
					return
				}
				if err := txn.Commit(); err != nil && !errors.Is(err, mvcc.ErrConflict) {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			txn, err := db.Begin(mvcc.TxnOptions{NoSync: true})
			if err != nil {
				fail(err)
				return
			}
			if _, err := ix.Merge(context.Background(), txn); err != nil {
				txn.Rollback()
				fail(err)
				return
			}
			if err := txn.Commit(); err != nil && !errors.Is(err, mvcc.ErrConflict) {
				fail(err)
				return
			}
		}
	}()
	reads := atomic.Int64{}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				reads.Add(1)
				txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
				if err != nil {
					fail(err)
					return
				}
				first, err := ix.Match(txn, "pair")
				if err == nil && len(first)%2 != 0 {
					err = fmt.Errorf("snapshot holds %d pair documents: half a commit", len(first))
				}
				var hits []Hit
				if err == nil {
					hits, err = ix.Search(txn, "pair", SearchOptions{})
				}
				if err == nil && len(hits) != len(first) {
					err = fmt.Errorf("Search found %d, Match %d", len(hits), len(first))
				}
				var top []Hit
				if err == nil {
					top, err = ix.Search(txn, "pair", SearchOptions{Limit: 3})
				}
				if err == nil && len(hits) > 0 && (len(top) != min(3, len(hits)) || top[0].Score != hits[0].Score) {
					err = fmt.Errorf("top 3 %v disagrees with full scoring %v", top, hits[:min(3, len(hits))])
				}
				var again [][]byte
				if err == nil {
					again, err = ix.Match(txn, "pair")
				}
				if err == nil && !slices.Equal(ids(again), ids(first)) {
					err = fmt.Errorf("snapshot changed: %d then %d documents", len(first), len(again))
				}
				txn.Rollback()
				if err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	t.Logf("%d consistent snapshots read", reads.Load())
}
