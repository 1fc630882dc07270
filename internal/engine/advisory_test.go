package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func TestAdvisoryLocks(t *testing.T) {
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s1, s2, s3 := e.NewSession(), e.NewSession(), e.NewSession()

	// Exclusive, re-entrant, released as many times as taken.
	queryOne(t, s1, "SELECT pg_advisory_lock(1)")
	queryOne(t, s1, "SELECT pg_advisory_lock(1)")
	if got := queryOne(t, s2, "SELECT pg_try_advisory_lock(1)"); got != "f" {
		t.Fatalf("another session's try of a held exclusive lock = %s, want f", got)
	}
	if got := queryOne(t, s1, "SELECT pg_advisory_unlock(1)"); got != "t" {
		t.Fatalf("first unlock = %s", got)
	}
	if got := queryOne(t, s2, "SELECT pg_try_advisory_lock(1)"); got != "f" {
		t.Fatalf("lock taken twice, released once: another session's try = %s, want f", got)
	}
	queryOne(t, s1, "SELECT pg_advisory_unlock(1)")
	if got := queryOne(t, s1, "SELECT pg_advisory_unlock(1)"); got != "f" {
		t.Fatalf("unlock of a lock not held = %s, want f", got)
	}
	if got := queryOne(t, s2, "SELECT pg_try_advisory_lock(1)"); got != "t" {
		t.Fatalf("try after release = %s, want t", got)
	}
	// Two integers are a key space apart from bigints.
	if got := queryOne(t, s1, "SELECT pg_try_advisory_lock(0, 1)"); got != "t" {
		t.Fatalf("try (0, 1) while 1 is held = %s, want t", got)
	}
	queryOne(t, s1, "SELECT pg_advisory_unlock_all()")
	if got := queryOne(t, s3, "SELECT pg_try_advisory_lock(0, 1)"); got != "t" {
		t.Fatalf("try after unlock_all = %s, want t", got)
	}

	// A waiter waits until the holder releases.
	done := make(chan error, 1)
	go func() {
		_, err := s1.Execute(context.Background(), "SELECT pg_advisory_lock(1)", nil)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("pg_advisory_lock returned (%v) while another session held the lock", err)
	case <-time.After(50 * time.Millisecond):
	}
	queryOne(t, s2, "SELECT pg_advisory_unlock(1)")
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Shared holds share; an exclusive request does not get in.
	queryOne(t, s2, "SELECT pg_advisory_lock_shared(7)")
	if got := queryOne(t, s3, "SELECT pg_try_advisory_lock_shared(7)"); got != "t" {
		t.Fatalf("shared beside shared = %s", got)
	}
	if got := queryOne(t, s1, "SELECT pg_try_advisory_lock(7)"); got != "f" {
		t.Fatalf("exclusive beside shared = %s", got)
	}

	// Transaction-level locks last until the transaction ends.
	mustExec(t, s3, "BEGIN; SELECT pg_advisory_xact_lock(9)")
	if got := queryOne(t, s2, "SELECT pg_try_advisory_lock(9)"); got != "f" {
		t.Fatalf("try during the holder's transaction = %s", got)
	}
	mustExec(t, s3, "COMMIT")
	if got := queryOne(t, s2, "SELECT pg_try_advisory_xact_lock(9)"); got != "t" {
		t.Fatalf("try after the holder committed = %s", got)
	}
	// ... and an autocommit statement's lock ends with it.
	if got := queryOne(t, s3, "SELECT pg_try_advisory_lock(9)"); got != "t" {
		t.Fatalf("a statement's own transaction-level lock outlived it: %s", got)
	}

	// A wait that would close a cycle is a deadlock.
	queryOne(t, s2, "SELECT pg_advisory_lock(20)") // s1 holds 1, s2 holds 20
	go func() {
		_, err := s1.Execute(context.Background(), "SELECT pg_advisory_lock(20)", nil)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // s1 waits for s2
	_, err = s2.Execute(context.Background(), "SELECT pg_advisory_lock(1)", nil)
	var se *sqlerr.Error
	if !errors.As(err, &se) || se.Code != "40P01" {
		t.Fatalf("closing a wait cycle: %v, want 40P01", err)
	}
	queryOne(t, s2, "SELECT pg_advisory_unlock(20)")
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A wait ends with its statement's context.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = s2.Execute(ctx, "SELECT pg_advisory_lock(1)", nil)
	if !errors.As(err, &se) || se.Code != "57014" {
		t.Fatalf("a cancelled wait: %v, want 57014", err)
	}

	// Closing a session releases its locks.
	s1.Close()
	if got := queryOne(t, s2, "SELECT pg_try_advisory_lock(1)"); got != "t" {
		t.Fatalf("try after the holder's session closed = %s", got)
	}
}

// TestLockTable: LOCK TABLE's strong modes conflict between sessions
// until the holder's transaction ends (NOWAIT: 55P03 at once); SHARE
// does not conflict with SHARE; the weak modes take nothing.
func TestLockTable(t *testing.T) {
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s1, s2 := e.NewSession(), e.NewSession()
	mustExec(t, s1, "CREATE TABLE lt (a int)")
	mustExec(t, s1, "BEGIN; LOCK TABLE lt IN ACCESS EXCLUSIVE MODE")
	mustExec(t, s2, "BEGIN; LOCK TABLE lt IN ROW EXCLUSIVE MODE")
	_, err = s2.Execute(context.Background(), "LOCK TABLE lt IN EXCLUSIVE MODE NOWAIT", nil)
	if codeOf(err) != "55P03" {
		t.Fatalf("a held table's lock with NOWAIT: %v, want 55P03", err)
	}
	mustExec(t, s2, "ROLLBACK")
	mustExec(t, s1, "COMMIT")
	mustExec(t, s2, "BEGIN; LOCK TABLE lt IN EXCLUSIVE MODE NOWAIT; COMMIT")
	mustExec(t, s1, "BEGIN; LOCK TABLE lt IN SHARE MODE")
	mustExec(t, s2, "BEGIN; LOCK TABLE lt IN SHARE MODE NOWAIT")
	// pg_locks shows both holds, and an advisory lock by its key's halves.
	queryOne(t, s1, "SELECT pg_advisory_xact_lock(4294967298)") // 1<<32 | 2
	if got := queryOne(t, s1, "SELECT string_agg(locktype || ':' || mode || ':' || granted::text || ':' || coalesce(relation::regclass::text, classid || '/' || objid || '/' || objsubid), ',' ORDER BY locktype, mode) FROM pg_locks"); got != "advisory:ExclusiveLock:true:1/2/1,relation:ShareLock:true:lt,relation:ShareLock:true:lt" {
		t.Fatalf("pg_locks: %s", got)
	}
	mustExec(t, s1, "COMMIT")
	mustExec(t, s2, "COMMIT")
	if got := queryOne(t, s1, "SELECT count(*) FROM pg_locks"); got != "0" {
		t.Fatalf("pg_locks after both commits: %s rows", got)
	}
}
