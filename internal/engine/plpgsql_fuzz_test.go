package engine

import "testing"

// FuzzParsePL: any text either parses as a block or fails with an
// error, never a panic or a loop.
func FuzzParsePL(f *testing.F) {
	for _, s := range []string{
		`BEGIN NULL; END`,
		`DECLARE x int := 1; r record; BEGIN FOR i IN REVERSE 10..1 BY 2 LOOP x := x + i; EXIT WHEN x > 5; END LOOP; RETURN x; END`,
		`DECLARE n text NOT NULL DEFAULT 'a'; BEGIN SELECT a INTO STRICT n FROM t WHERE b = n; IF NOT FOUND THEN RAISE EXCEPTION 'x %', n; END IF; END`,
		`BEGIN FOR r IN SELECT * FROM t LOOP CONTINUE WHEN r.a = 1; NEW.a := r.a; END LOOP; RETURN NEW; EXCEPTION WHEN others THEN RETURN NULL; END`,
		`BEGIN WHILE true LOOP INSERT INTO t VALUES (1) RETURNING id INTO x; END LOOP; END`,
		`DECLARE k CONSTANT int := 1; c text COLLATE "C"; BEGIN EXECUTE 'SELECT 1'; PERFORM f(); END`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = parsePL(src)
	})
}
