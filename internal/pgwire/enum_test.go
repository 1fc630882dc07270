package pgwire

import (
	"context"
	"testing"
)

// TestEnumOverPgx: pgx, which knows nothing of a user type's OID, reads
// enum values as strings and sends strings for enum parameters, through
// the extended protocol; RowDescription carries the type's own OID, the
// one pg_type lists for it.
func TestEnumOverPgx(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	ctx := context.Background()
	exec(t, c, "CREATE TYPE status AS ENUM ('todo', 'doing', 'done')")
	exec(t, c, "CREATE TABLE tasks (id int PRIMARY KEY, st status, history status[])")
	if _, err := c.Exec(ctx, "INSERT INTO tasks VALUES ($1, $2, $3), ($4, $5, $6)", 1, "done", "{todo,done}", 2, "todo", nil); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(ctx, "SELECT id, st FROM tasks WHERE st > $1 ORDER BY st", "todo")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int32
	for rows.Next() {
		var id int32
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		if st != "done" {
			t.Fatalf("st = %q", st)
		}
		ids = append(ids, id)
	}
	if rows.Err() != nil || len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("rows %v, %v", ids, rows.Err())
	}
	oid := rows.FieldDescriptions()[1].DataTypeOID
	var typname string
	if err := c.QueryRow(ctx, "SELECT typname FROM pg_type WHERE oid = $1", int64(oid)).Scan(&typname); err != nil || typname != "status" {
		t.Fatalf("column OID %d: pg_type says %q, %v", oid, typname, err)
	}
	var hist string
	if err := c.QueryRow(ctx, "SELECT history::text FROM tasks WHERE id = 1").Scan(&hist); err != nil || hist != "{todo,done}" {
		t.Fatalf("history = %q, %v", hist, err)
	}
	_, err = c.Exec(ctx, "INSERT INTO tasks VALUES (3, $1)", "blocked")
	if pe := pgErr(t, err); pe.Code != "22P02" {
		t.Fatalf("unknown label: %v, want 22P02", err)
	}
}
