package cairn

import (
	"context"
	"errors"
	"testing"
)

// mustSupport runs sql and skips the test when the engine answers 0A000
// (feature not supported): these tests start running by themselves as
// the engine learns the statements.
func mustSupport(t *testing.T, err error, what string) {
	t.Helper()
	var ce *Error
	if errors.As(err, &ce) && ce.Code == "0A000" {
		t.Skipf("engine does not support %s yet: %v", what, err)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestEngineCreateInsertSelect(t *testing.T) {
	for _, dir := range []string{MemoryDir, t.TempDir()} {
		t.Run(map[bool]string{true: "memory", false: "disk"}[dir == MemoryDir], func(t *testing.T) {
			db, err := Open(dir, &Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			_, err = db.Exec(ctx, "CREATE TABLE t (a INTEGER, b TEXT)")
			mustSupport(t, err, "CREATE TABLE")
			res, err := db.Exec(ctx, "INSERT INTO t VALUES (1, 'x')")
			mustSupport(t, err, "INSERT")
			if res.RowsAffected != 1 {
				t.Fatalf("insert result %+v", res)
			}
			rows, err := db.Query(ctx, "SELECT a, b FROM t")
			mustSupport(t, err, "SELECT")
			defer rows.Close()
			n := 0
			for rows.Next() {
				var a int64
				var b string
				if err := rows.Scan(&a, &b); err != nil {
					t.Fatal(err)
				}
				if a != 1 || b != "x" {
					t.Fatalf("row (%d, %q)", a, b)
				}
				n++
			}
			if err := rows.Err(); err != nil || n != 1 {
				t.Fatalf("%d rows, %v", n, err)
			}
		})
	}
}

func TestEngineTxRollback(t *testing.T) {
	db, err := Open(MemoryDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	_, err = db.Exec(ctx, "CREATE TABLE t (a INTEGER, b TEXT)")
	mustSupport(t, err, "CREATE TABLE")
	tx, err := db.Begin(ctx, nil)
	mustSupport(t, err, "BEGIN")
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES (1, 'x')")
	mustSupport(t, err, "INSERT")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, "SELECT a, b FROM t")
	mustSupport(t, err, "SELECT")
	if rows.Next() {
		t.Fatal("rolled back row visible")
	}
}

func TestEngineErrorHasCode(t *testing.T) {
	db, err := Open(MemoryDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(context.Background(), "SELEC 1")
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != "42601" || ce.Position != 1 {
		t.Fatalf("syntax error: %#v", err)
	}
}
