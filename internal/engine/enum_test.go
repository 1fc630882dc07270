package engine

import "testing"

// TestEnumReopen: an enum type, the rows and index entries of its
// columns, and the labels ALTER TYPE added survive closing and opening
// the database; the values keep their declared order.
func TestEnumReopen(t *testing.T) {
	dir := t.TempDir()
	open := func() (*Engine, *Session) {
		e, err := Open(dir, &Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		return e, e.NewSession()
	}
	e, s := open()
	mustExec(t, s, `CREATE TYPE level AS ENUM ('low', 'high');
		CREATE TABLE job (id int PRIMARY KEY, lvl level, tags level[]);
		CREATE INDEX job_lvl ON job (lvl);
		INSERT INTO job VALUES (1, 'high', '{low,high}'), (2, 'low', NULL)`)
	e.Close()

	e, s = open()
	mustExec(t, s, `ALTER TYPE level ADD VALUE 'mid' BEFORE 'high'; INSERT INTO job VALUES (3, 'mid', '{mid}')`)
	if got := queryOne(t, s, `SELECT string_agg(id::text || ':' || lvl::text, ',' ORDER BY lvl) FROM job`); got != "2:low,3:mid,1:high" {
		t.Fatalf("after ADD VALUE: %s", got)
	}
	e.Close()

	e, s = open()
	defer e.Close()
	if got := queryOne(t, s, `SELECT string_agg(id::text, ',' ORDER BY id) FROM job WHERE lvl >= 'mid'`); got != "1,3" {
		t.Fatalf("after reopen, lvl >= 'mid': %s", got)
	}
	if got := queryOne(t, s, `SELECT tags::text FROM job WHERE id = 1`); got != "{low,high}" {
		t.Fatalf("array column: %s", got)
	}
	if got := queryOne(t, s, `SELECT enum_range(NULL::level)::text`); got != "{low,mid,high}" {
		t.Fatalf("enum_range: %s", got)
	}
}
