package engine

import (
	"fmt"
	"testing"
	"time"
)

// TestAutoAnalyze: a table is recounted in the background once its
// writes since the last count reach a tenth of its rows (at least
// autoAnalyzeMin), not before; a recount due while the pace holds it
// back waits, and closing the engine ends the wait.
func TestAutoAnalyze(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)")
	d := queryID(t, e, "t")
	insert := func(from, to int) {
		t.Helper()
		mustExec(t, s, fmt.Sprintf("INSERT INTO t SELECT g, 'v' || g FROM generate_series(%d, %d) g", from, to))
	}
	// counted waits for the recount that makes the count want.
	counted := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if n, ok := e.tableRows(d); ok && n == want {
				return
			}
		}
		n, ok := e.tableRows(d)
		t.Fatalf("row count %d (%v), want %d", n, ok, want)
	}
	insert(1, 999)
	if n, ok := e.tableRows(d); ok {
		t.Fatalf("counted at %d rows, before %d writes", n, autoAnalyzeMin)
	}
	insert(1000, 2000)
	counted(2000)
	// The next recount is due at autoAnalyzeMin writes (more than a
	// tenth of 2000 rows): not at 999.
	e.stats.mu.Lock()
	e.stats.lastTook[d] = 0 // no pacing for this part
	e.stats.mu.Unlock()
	insert(2001, 2999)
	e.stats.mu.Lock()
	pending := e.stats.writes[d]
	e.stats.mu.Unlock()
	if pending != 999 {
		t.Fatalf("%d writes pending, want 999", pending)
	}
	insert(3000, 3000)
	counted(3000)
	// The recount is done when its goroutine has written its pace: the
	// count shows at its commit, a moment before.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		e.stats.mu.Lock()
		running := e.stats.running[d]
		e.stats.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the recount to 3000 rows does not end")
		}
	}
	// A recount held back by the pace does not run yet; Close does not
	// wait for it.
	e.stats.mu.Lock()
	e.stats.lastEnd[d], e.stats.lastTook[d] = time.Now(), time.Hour
	e.stats.mu.Unlock()
	insert(3001, 4000)
	time.Sleep(50 * time.Millisecond)
	if n, _ := e.tableRows(d); n != 3000 {
		t.Fatalf("recounted to %d while paced", n)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAutoAnalyzeIgnoresUncountedUpdates: an UPDATE that sets only columns
// without statistics (a document) does not bring a recount nearer; one
// that sets a counted column does.
func TestAutoAnalyzeIgnoresUncountedUpdates(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT, doc JSONB)")
	d := queryID(t, e, "t")
	mustExec(t, s, `INSERT INTO t SELECT g, 'v', '{"a": 1}' FROM generate_series(1, 10) g`)
	pending := func() int64 {
		e.stats.mu.Lock()
		defer e.stats.mu.Unlock()
		return e.stats.writes[d]
	}
	if n := pending(); n != 10 {
		t.Fatalf("%d writes pending after the insert, want 10", n)
	}
	mustExec(t, s, `UPDATE t SET doc = doc || '{"b": 2}'`)
	if n := pending(); n != 10 {
		t.Fatalf("%d writes pending after a document update, want 10", n)
	}
	mustExec(t, s, `UPDATE t SET v = 'w', doc = '{}' WHERE id <= 3`)
	if n := pending(); n != 13 {
		t.Fatalf("%d writes pending after a text update, want 13", n)
	}
}

// TestAutoAnalyzeWaitsForQuiet: a due recount waits while the table is
// still being written (a bulk load) and counts it once the writes pause;
// a table never quiet is counted after the longest wait all the same.
func TestAutoAnalyzeWaitsForQuiet(t *testing.T) {
	e := openTestEngine(t)
	e.stats.quiet, e.stats.maxWait = 300*time.Millisecond, time.Hour
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)")
	d := queryID(t, e, "t")
	next := 1
	insert := func(n int) {
		t.Helper()
		mustExec(t, s, fmt.Sprintf("INSERT INTO t SELECT g, 'v' FROM generate_series(%d, %d) g", next, next+n-1))
		next += n
	}
	insert(1000) // due
	for range 10 {
		time.Sleep(60 * time.Millisecond)
		insert(10)
		if n, ok := e.tableRows(d); ok {
			t.Fatalf("counted at %d rows while the writes went on", n)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for n, _ := e.tableRows(d); n != 1100; n, _ = e.tableRows(d) {
		if time.Now().After(deadline) {
			t.Fatalf("row count %d after the writes paused, want 1100", n)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Never quiet: counted after maxWait.
	e.stats.mu.Lock()
	e.stats.quiet, e.stats.maxWait, e.stats.lastTook[d] = time.Hour, 200*time.Millisecond, 0
	e.stats.mu.Unlock()
	insert(1000)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if n, _ := e.tableRows(d); n >= 2100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a table written without a pause was never recounted")
		}
		time.Sleep(20 * time.Millisecond)
		insert(1)
	}
}

// TestCountAtOpen: a table loaded and closed before its recount ran is
// counted after the next open.
func TestCountAtOpen(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	e.stats.quiet = time.Hour
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)")
	mustExec(t, s, "CREATE TABLE empty (id INT PRIMARY KEY)")
	mustExec(t, s, "INSERT INTO t SELECT g, 'v' FROM generate_series(1, 5000) g")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d := queryID(t, e, "t")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if n, ok := e.tableRows(d); ok && n == 5000 {
			break
		}
		if time.Now().After(deadline) {
			n, ok := e.tableRows(d)
			t.Fatalf("after the reopen, row count %d (%v), want 5000", n, ok)
		}
	}
	e.stats.wg.Wait()
	if _, ok := e.tableRows(queryID(t, e, "empty")); ok {
		t.Fatal("an empty table was counted at open")
	}
}
