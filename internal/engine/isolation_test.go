package engine

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// TestReadCommittedUpdateWaits: under READ COMMITTED a second UPDATE of
// a row waits for the first transaction and then applies to the row it
// committed (PostgreSQL's behaviour), where REPEATABLE READ fails with
// 40001 at commit.
func TestReadCommittedUpdateWaits(t *testing.T) {
	e := openTestEngine(t)
	a, b := e.NewSession(), e.NewSession()
	ctx := context.Background()
	mustExec(t, a, "CREATE TABLE acct (id INT PRIMARY KEY, bal INT)")
	mustExec(t, a, "INSERT INTO acct VALUES (1, 100)")
	mustExec(t, a, "BEGIN ISOLATION LEVEL READ COMMITTED")
	mustExec(t, b, "BEGIN ISOLATION LEVEL READ COMMITTED")
	mustExec(t, a, "UPDATE acct SET bal = bal + 10 WHERE id = 1")
	done := make(chan error, 1)
	go func() {
		_, err := b.Execute(ctx, "UPDATE acct SET bal = bal + 1 WHERE id = 1", nil)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("the second UPDATE did not wait for the first: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	mustExec(t, a, "COMMIT")
	if err := <-done; err != nil {
		t.Fatalf("second UPDATE after the first committed: %v", err)
	}
	mustExec(t, b, "COMMIT")
	if got := queryOne(t, a, "SELECT bal FROM acct WHERE id = 1"); got != "111" {
		t.Fatalf("bal = %s, want 111 (no lost update)", got)
	}

	// REPEATABLE READ keeps first-committer-wins.
	mustExec(t, a, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	mustExec(t, b, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	mustExec(t, a, "UPDATE acct SET bal = bal + 10 WHERE id = 1")
	mustExec(t, b, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	mustExec(t, a, "COMMIT")
	_, err := b.Execute(ctx, "COMMIT", nil)
	var se *sqlerr.Error
	if !asSQLErr(err, &se) || se.Code != "40001" {
		t.Fatalf("repeatable read commit after a concurrent update: %v, want 40001", err)
	}
}

// TestReadCommittedCounter: concurrent autocommit increments under
// default_transaction_isolation = 'read committed' all succeed and none
// is lost.
func TestReadCommittedCounter(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE c (id INT PRIMARY KEY, n INT)")
	mustExec(t, s, "INSERT INTO c VALUES (1, 0)")
	const workers, each = 6, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := e.NewSession()
			if _, err := w.Execute(context.Background(), "SET default_transaction_isolation = 'read committed'", nil); err != nil {
				errs <- err
				return
			}
			for range each {
				if _, err := w.Execute(context.Background(), "BEGIN; UPDATE c SET n = n + 1 WHERE id = 1; COMMIT", nil); err != nil {
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
	if got := queryOne(t, s, "SELECT n FROM c"); got != "240" {
		t.Fatalf("n = %s, want 240", got)
	}
}

// TestReadCommittedDeadlock: two transactions that update two rows in
// opposite orders: one gets 40P01, the other commits.
func TestReadCommittedDeadlock(t *testing.T) {
	e := openTestEngine(t)
	a, b := e.NewSession(), e.NewSession()
	mustExec(t, a, "CREATE TABLE d (id INT PRIMARY KEY, v INT)")
	mustExec(t, a, "INSERT INTO d VALUES (1, 0), (2, 0)")
	mustExec(t, a, "BEGIN ISOLATION LEVEL READ COMMITTED")
	mustExec(t, b, "BEGIN ISOLATION LEVEL READ COMMITTED")
	mustExec(t, a, "UPDATE d SET v = 1 WHERE id = 1")
	mustExec(t, b, "UPDATE d SET v = 2 WHERE id = 2")
	done := make(chan error, 1)
	go func() {
		_, err := a.Execute(context.Background(), "UPDATE d SET v = 1 WHERE id = 2", nil)
		done <- err
	}()
	// a's UPDATE queues behind b's lock on row 2 before b closes the
	// cycle (else b would queue and a would see the deadlock).
	for start := time.Now(); e.db.LockWaiters() != 1; time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the first UPDATE never queued for the row lock")
		}
	}
	_, err := b.Execute(context.Background(), "UPDATE d SET v = 2 WHERE id = 1", nil)
	var se *sqlerr.Error
	if !asSQLErr(err, &se) || se.Code != "40P01" {
		t.Fatalf("closing the cycle: %v, want 40P01", err)
	}
	mustExec(t, b, "ROLLBACK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mustExec(t, a, "COMMIT")
	if got := queryOne(t, a, "SELECT string_agg(v::text, ',' ORDER BY id) FROM d"); got != "1,1" {
		t.Fatalf("rows = %s", got)
	}
}

func openTestEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func queryOne(t *testing.T, s *Session, q string) string {
	t.Helper()
	rs, err := s.Execute(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[len(rs)-1]
	if len(r.Rows) != 1 {
		t.Fatalf("%s: %d rows", q, len(r.Rows))
	}
	return strings.TrimSpace(r.Rows[0][0].String())
}
