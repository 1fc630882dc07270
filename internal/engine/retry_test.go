package engine

import (
	"context"
	"fmt"
	"testing"
)

// TestImplicitRetry: a statement in a transaction of its own that loses a
// write-write conflict at commit runs again after the winner, up to
// implicitRetries times; in an explicit transaction the conflict is the
// caller's.
func TestImplicitRetry(t *testing.T) {
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	a, b := e.NewSession(), e.NewSession()
	mustExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	mustExec(t, a, "INSERT INTO t VALUES (1, 0)")
	value := func() string {
		return fmt.Sprint(mustExec(t, b, "SELECT v FROM t WHERE id = 1")[0].Rows)
	}
	// One conflicting commit between a's statement and its commit.
	conflicts := 0
	a.beforeCommit = func() {
		if conflicts < 1 {
			conflicts++
			mustExec(t, b, "UPDATE t SET v = v + 10 WHERE id = 1")
		}
	}
	if _, err := a.Execute(context.Background(), "UPDATE t SET v = v + 1 WHERE id = 1", nil); err != nil {
		t.Fatalf("the statement should have run again: %v", err)
	}
	if got := value(); got != "[[11]]" {
		t.Fatalf("v = %s, want 11: the rerun reads the winner's value", got)
	}
	// A conflict every time: the last one is the caller's.
	a.beforeCommit = func() { mustExec(t, b, "UPDATE t SET v = v + 10 WHERE id = 1") }
	_, err = a.Execute(context.Background(), "UPDATE t SET v = v + 1 WHERE id = 1", nil)
	if codeOf(err) != "40001" {
		t.Fatalf("after %d lost commits: %v, want 40001", implicitRetries, err)
	}
	if got := value(); got != fmt.Sprintf("[[%d]]", 11+10*implicitRetries) {
		t.Fatalf("v = %s after %d conflicting commits", got, implicitRetries)
	}
	// In an explicit transaction nothing runs again.
	a.beforeCommit = nil
	mustExec(t, a, "BEGIN")
	mustExec(t, a, "UPDATE t SET v = v + 1 WHERE id = 1")
	mustExec(t, b, "UPDATE t SET v = v + 10 WHERE id = 1")
	if _, err := a.Execute(context.Background(), "COMMIT", nil); codeOf(err) != "40001" {
		t.Fatalf("explicit COMMIT after a conflicting commit: %v, want 40001", err)
	}
}
