package engine

import "testing"

// TestStatementNoSavepoint: the statements of an explicit transaction
// make no savepoint of their own, so its writes keep no undo entries
// until the client makes one (a bulk load in a transaction would pay an
// entry per write for nothing: a failed statement fails the transaction).
func TestStatementNoSavepoint(t *testing.T) {
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY)")
	mustExec(t, s, "BEGIN")
	mustExec(t, s, "INSERT INTO t VALUES (1), (2)")
	mustExec(t, s, "INSERT INTO t VALUES (3)")
	if s.txn.KeepsUndo() {
		t.Fatal("the transaction keeps undo entries before any SAVEPOINT")
	}
	mustExec(t, s, "SAVEPOINT a")
	if !s.txn.KeepsUndo() {
		t.Fatal("the transaction keeps no undo entries after SAVEPOINT")
	}
	mustExec(t, s, "COMMIT")
}
