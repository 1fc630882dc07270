package engine

import (
	"context"
	"strings"
	"testing"
)

// Functions and triggers are catalog objects: they outlive the process
// that made them, and a rolled-back CREATE leaves nothing.
func TestRoutinesReopen(t *testing.T) {
	dir := t.TempDir()
	open := func() (*Engine, *Session) {
		e, err := Open(dir, &Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		return e, e.NewSession()
	}
	e, s := open()
	mustExec(t, s, `CREATE TABLE t (id int PRIMARY KEY, v text, n int);
		CREATE FUNCTION shout(x text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT upper(x) || ''!''';
		CREATE FUNCTION count_up() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN NEW.n := (SELECT count(*) FROM t) + 1; NEW.v := shout(NEW.v); RETURN NEW; END $$;
		CREATE TRIGGER t_count BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION count_up();
		INSERT INTO t (id, v) VALUES (1, 'a');
		BEGIN;
		CREATE FUNCTION gone() RETURNS int LANGUAGE sql AS 'SELECT 1';
		CREATE TRIGGER t_gone AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION count_up();
		ROLLBACK`)
	e.Close()

	e, s = open()
	defer e.Close()
	mustExec(t, s, `INSERT INTO t (id, v) VALUES (2, 'b')`)
	if got := queryOne(t, s, `SELECT string_agg(id || '=' || v || '/' || n, ',' ORDER BY id) FROM t`); got != "1=A!/1,2=B!/2" {
		t.Fatalf("after reopen: %s", got)
	}
	if got := queryOne(t, s, `SELECT shout('x')`); got != "X!" {
		t.Fatalf("shout: %s", got)
	}
	if _, err := s.Execute(context.Background(), `SELECT gone()`, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("rolled-back function: %v", err)
	}
	if got := queryOne(t, s, `SELECT count(*) FROM pg_trigger`); got != "1" {
		t.Fatalf("triggers after a rolled-back CREATE TRIGGER: %s", got)
	}
}
