package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// fakeExec answers statements from a table of canned results.
type fakeExec struct {
	ran     []string
	answers map[string]engine.Result
	status  engine.TxStatus
}

func (f *fakeExec) Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error) {
	f.ran = append(f.ran, sql)
	if r, ok := f.answers[strings.Join(strings.Fields(sql), " ")]; ok {
		return []engine.Result{r}, nil
	}
	if strings.HasPrefix(sql, "SELECT * FROM nope") {
		return nil, sqlerr.New(sqlerr.UndefinedTable, `relation "nope" does not exist`).WithPosition(15)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "not supported yet")
}

func (f *fakeExec) TxStatus() engine.TxStatus { return f.status }
func (f *fakeExec) Zone() *time.Location      { return nil }

var abResult = engine.Result{
	Columns: []engine.Column{{Name: "a", Type: types.Int4}, {Name: "name", Type: types.Text}},
	Rows: [][]types.Datum{
		{types.NewInt4(1), types.NewText("x")},
		{types.NewInt4(1234), types.Null},
	},
	Tag: "SELECT 2",
}

func newFakeShell() (*shell, *fakeExec, *bytes.Buffer, *bytes.Buffer) {
	f := &fakeExec{status: engine.TxIdle, answers: map[string]engine.Result{
		"SELECT a, name FROM t;":    abResult,
		"CREATE TABLE t (a int);":   {Tag: "CREATE TABLE"},
		"INSERT INTO t VALUES (1);": {Tag: "INSERT 0 1", RowsAffected: 1},
	}}
	var out, errw bytes.Buffer
	return newShell(f, &out, &errw), f, &out, &errw
}

func TestTableFormat(t *testing.T) {
	got := formatResult(abResult, "", nil)
	want := "" +
		"  a   | name \n" +
		"------+------\n" +
		"    1 | x\n" +
		" 1234 |\n" +
		"(2 rows)\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	one := engine.Result{Columns: []engine.Column{{Name: "?column?", Type: types.Int4}}, Rows: [][]types.Datum{{types.NewInt4(1)}}}
	want = " ?column? \n----------\n        1\n(1 row)\n"
	if got := formatResult(one, "", nil); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	empty := engine.Result{Columns: []engine.Column{{Name: "long_name", Type: types.Text}}}
	want = " long_name \n-----------\n(0 rows)\n"
	if got := formatResult(empty, "", nil); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	if got := formatResult(abResult, "∅", nil); !strings.Contains(got, " 1234 | ∅\n") {
		t.Fatalf("null display:\n%s", got)
	}
}

func TestErrorCaret(t *testing.T) {
	var b bytes.Buffer
	writeError(&b, "", sqlerr.New(sqlerr.SyntaxError, `syntax error at or near "frm"`).WithPosition(10).WithHint("a hint"), "SELECT 1 frm t")
	want := "ERROR:  syntax error at or near \"frm\"\n" +
		"LINE 1: SELECT 1 frm t\n" +
		"                 ^\n" +
		"HINT:  a hint\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Second line of a statement.
	got := errorCursor("SELECT a\nFROM nope", 15)
	if want := "LINE 2: FROM nope\n             ^\n"; got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// A long line is cut around the caret.
	long := "SELECT " + strings.Repeat("x, ", 40) + "bad FROM t"
	got = errorCursor(long, strings.Index(long, "bad")+1)
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[0], "LINE 1: ...") || !strings.Contains(lines[0], "bad FRO") {
		t.Fatalf("long line:\n%s", got)
	}
	if c := strings.Index(lines[1], "^"); lines[0][c:c+3] != "bad" {
		t.Fatalf("caret misplaced:\n%s", got)
	}
}

func TestSplitter(t *testing.T) {
	var sp splitter
	var got []string
	for _, line := range []string{
		"SELECT 1; SELECT 'a;b'",
		"  , \"x;\" FROM t; -- comment; here",
		"SELECT $$ ; $$, $tag$ a;$$ $tag$, E'\\'';",
		"/* nested /* ; */ ; */ SELECT 2",
		";",
		"-- only a comment;",
		"SELECT $1;",
		"SELECT 3",
	} {
		got = append(got, sp.feed(line)...)
	}
	want := []string{
		"SELECT 1;",
		"SELECT 'a;b'\n  , \"x;\" FROM t;",
		"-- comment; here\nSELECT $$ ; $$, $tag$ a;$$ $tag$, E'\\'';",
		"/* nested /* ; */ ; */ SELECT 2\n;",
		"-- only a comment;\nSELECT $1;",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if rest, ok := sp.pending(); !ok || rest != "SELECT 3" {
		t.Fatalf("pending %q %v", rest, ok)
	}
	if !sp.empty() {
		t.Fatal("not empty after pending")
	}
}

func TestScriptStopsAtFirstError(t *testing.T) {
	sh, f, out, errw := newFakeShell()
	script := "CREATE TABLE t (a int);\nSELECT a, name\n  FROM t;\nSELECT * FROM nope;\nINSERT INTO t VALUES (1);\n"
	err := sh.runScript(context.Background(), strings.NewReader(script))
	if e, ok := err.(exitError); !ok || e.code != 1 {
		t.Fatalf("err %v", err)
	}
	if len(f.ran) != 3 {
		t.Fatalf("ran %q: want to stop after the error", f.ran)
	}
	// Quiet: no command tags, just the table.
	if want := formatResult(abResult, "", nil) + "\n"; out.String() != want {
		t.Fatalf("out\n%s\nwant\n%s", out.String(), want)
	}
	wantErr := "cairn:<stdin>:4: ERROR:  relation \"nope\" does not exist\n" +
		"LINE 1: SELECT * FROM nope;\n" +
		"                      ^\n"
	if errw.String() != wantErr {
		t.Fatalf("stderr\n%s\nwant\n%s", errw.String(), wantErr)
	}

	sh, f, _, _ = newFakeShell()
	sh.continueOnError = true
	err = sh.runScript(context.Background(), strings.NewReader(script+"SELECT a, name FROM t"))
	if _, ok := err.(exitError); !ok || len(f.ran) != 5 || f.ran[4] != "SELECT a, name FROM t" {
		t.Fatalf("continue-on-error: %v, ran %q", err, f.ran)
	}
}

func TestCommandMode(t *testing.T) {
	sh, _, out, _ := newFakeShell()
	if !sh.runCommand(context.Background(), "CREATE TABLE t (a int);") {
		t.Fatal("failed")
	}
	if !sh.runCommand(context.Background(), "INSERT INTO t VALUES (1);") {
		t.Fatal("failed")
	}
	if out.String() != "CREATE TABLE\nINSERT 0 1\n" {
		t.Fatalf("out %q", out.String())
	}
	if sh.runCommand(context.Background(), "SELECT * FROM nope") {
		t.Fatal("error not reported")
	}
}

func TestMetaCommands(t *testing.T) {
	sh, f, out, errw := newFakeShell()
	in := "\\timing\n\\pset null (null)\nSELECT a, name FROM t;\n\\timing off\n\\?\n\\q\nSELECT a, name FROM t;\n"
	if err := sh.runScript(context.Background(), strings.NewReader(in)); err != nil {
		t.Fatalf("%v: %s", err, errw.String())
	}
	s := out.String()
	for _, want := range []string{"Timing is on.\n", "Null display is \"(null)\".\n", " 1234 | (null)\n", "Time: ", "Timing is off.\n", `\dt`} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if len(f.ran) != 1 {
		t.Fatalf("\\q did not stop: ran %q", f.ran)
	}
	// \d family: catalog queries, the engine's error until it has them.
	sh, f, _, errw = newFakeShell()
	if sh.meta(context.Background(), `\dt`) {
		t.Fatal("\\dt succeeded on an engine without information_schema")
	}
	if !strings.Contains(f.ran[0], "information_schema.tables") || !strings.Contains(errw.String(), "ERROR:  not supported yet") {
		t.Fatalf("ran %q, stderr %q", f.ran, errw.String())
	}
	if sh.meta(context.Background(), `\x`) || !strings.Contains(errw.String(), `invalid command \x`) {
		t.Fatal("unknown meta-command accepted")
	}
}

func TestDescribe(t *testing.T) {
	sh, f, out, _ := newFakeShell()
	txt := func(s string) types.Datum { return types.NewText(s) }
	f.answers = map[string]engine.Result{}
	f.status = engine.TxIdle
	sh.ex = &describeExec{fakeExec: f, cols: engine.Result{
		Columns: make([]engine.Column, 8),
		Rows: [][]types.Datum{
			{txt("public"), txt("a"), txt("integer"), types.Null, types.NewInt4(32), types.NewInt4(0), txt("NO"), types.Null},
			{txt("public"), txt("b"), txt("character varying"), types.NewInt4(10), types.Null, types.Null, txt("YES"), txt("'x'::text")},
		},
	}, idx: engine.Result{
		Columns: make([]engine.Column, 2),
		Rows:    [][]types.Datum{{txt("t_pkey"), txt("CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a)")}},
	}}
	if !sh.meta(context.Background(), `\d t`) {
		t.Fatal("describe failed")
	}
	want := "" +
		"                   Table \"public.t\"\n" +
		" Column |         Type          | Nullable |  Default  \n" +
		"--------+-----------------------+----------+-----------\n" +
		" a      | integer               | not null |\n" +
		" b      | character varying(10) |          | 'x'::text\n" +
		"Indexes:\n" +
		"    \"t_pkey\" UNIQUE, btree (a)\n\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
}

type describeExec struct {
	*fakeExec
	cols, idx engine.Result
}

func (d *describeExec) Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error) {
	switch {
	case strings.Contains(sql, "information_schema.columns"):
		return []engine.Result{d.cols}, nil
	case strings.Contains(sql, "pg_indexes"):
		return []engine.Result{d.idx}, nil
	}
	return d.fakeExec.Execute(ctx, sql, params)
}

func TestShellAgainstEngine(t *testing.T) {
	out, err := runIn(t, "CREATE TABLE t (a INTEGER, b TEXT);\nINSERT INTO t VALUES (1, 'x');\nSELECT a, b FROM t;\n", "--memory")
	if err != nil {
		if strings.Contains(out, "not supported") {
			t.Skipf("engine does not support CREATE/INSERT/SELECT yet: %s", out)
		}
		t.Fatalf("%v\n%s", err, out)
	}
	if want := " a | b \n---+---\n 1 | x\n(1 row)\n\n"; out != want {
		t.Fatalf("got\n%q\nwant\n%q", out, want)
	}
	out, err = runIn(t, "", "--memory", "-c", "SELECT * FROM nope")
	if _, ok := err.(exitError); !ok || !strings.Contains(out, "ERROR:  relation \"nope\" does not exist") {
		t.Fatalf("-c error: %v\n%s", err, out)
	}
}

func runIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// TestDescribeConstraints: \d lists a table's CHECK and foreign key
// constraints as psql does, from the engine's information_schema.
func TestDescribeConstraints(t *testing.T) {
	out, err := runIn(t, `CREATE TABLE a (id INT PRIMARY KEY, x INT UNIQUE);
CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a ON DELETE CASCADE, ax INT, n INT CHECK (n > 0), CONSTRAINT bx FOREIGN KEY (ax) REFERENCES a (x));
ALTER TABLE b ADD CONSTRAINT pos CHECK (id > 0);
\d b
`, "--memory")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "Indexes:\n" +
		"    \"b_pkey\" PRIMARY KEY, btree (id)\n" +
		"Check constraints:\n" +
		"    \"b_n_check\" CHECK (n > 0)\n" +
		"    \"pos\" CHECK (id > 0)\n" +
		"Foreign-key constraints:\n" +
		"    \"b_a_id_fkey\" FOREIGN KEY (a_id) REFERENCES a(id) ON DELETE CASCADE\n" +
		"    \"bx\" FOREIGN KEY (ax) REFERENCES a(x)\n\n"
	if !strings.HasSuffix(out, want) {
		t.Fatalf("got\n%s\nwant it to end with\n%s", out, want)
	}
}

// TestCopyStdio: a script's COPY ... FROM STDIN reads the lines after it
// up to \. (as psql does, so a pg_dump file loads), and COPY ... TO
// STDOUT prints the rows.
func TestCopyStdio(t *testing.T) {
	script := "CREATE TABLE t (a INT, b TEXT);\n" +
		"COPY t (a, b) FROM stdin;\n1\tx\n2\t\\N\n\\.\n" +
		"SELECT count(*), count(b) FROM t;\n" +
		"COPY t TO STDOUT (FORMAT csv);\n" +
		"COPY t FROM STDIN (FORMAT csv);\n3,\"y,z\"\n\\.\n" +
		"SELECT b FROM t WHERE a = 3;\n"
	out, err := runIn(t, script, "--memory")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{" count | count \n-------+-------\n     2 |     1\n", "1,x\n2,\n", " y,z\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	// A bad row fails the COPY with the line it is on; the script stops.
	out, err = runIn(t, "CREATE TABLE t (a INT);\nCOPY t FROM stdin;\nnope\n\\.\nSELECT 1;\n", "--memory")
	if _, ok := err.(exitError); !ok || !strings.Contains(out, "invalid input syntax for type integer") {
		t.Fatalf("bad COPY row: %v\n%s", err, out)
	}
}

// TestPgDumpScript: a dump as pg_dump 15.14 and later writes it loads:
// \restrict KEY ... \unrestrict KEY around it (no other backslash
// command runs in between), comments before each COPY.
func TestPgDumpScript(t *testing.T) {
	script := "\\restrict abc123\n" +
		"SELECT pg_catalog.set_config('search_path', '', false);\n" +
		"CREATE TABLE public.t (a integer, b text);\n" +
		"--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: cairn\n--\n\n" +
		"COPY public.t (a, b) FROM stdin;\n1\tone\n2\t\\N\n\\.\n" +
		"\\unrestrict abc123\n" +
		"SELECT count(*) AS n FROM t;\n"
	out, err := runIn(t, script, "--memory")
	if err != nil || !strings.Contains(out, " n \n---\n 2\n") {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err = runIn(t, "\\restrict k\n\\dt\n", "--memory")
	if err == nil || !strings.Contains(out, "restricted") {
		t.Fatalf("a backslash command while restricted: %v\n%s", err, out)
	}
	out, err = runIn(t, "\\restrict k\n\\unrestrict other\n", "--memory")
	if err == nil {
		t.Fatalf("\\unrestrict with the wrong key: %v\n%s", err, out)
	}
}

// TestCopyCommand: -c "COPY ... FROM STDIN" reads standard input, as
// psql -c does, and -c "COPY ... TO STDOUT" prints.
func TestCopyCommand(t *testing.T) {
	out, err := runIn(t, "5\n6\n\\.\n", "--memory", "-c", "CREATE TABLE t (a INT)", "-c", "COPY t FROM STDIN", "-c", "COPY t TO STDOUT;")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "CREATE TABLE\nCOPY 2\n5\n6\nCOPY 2\n"; out != want {
		t.Fatalf("got\n%q\nwant\n%q", out, want)
	}
}

// TestDescribeEnum: \dT lists enum types with their values in order, and
// \d shows an enum column by its type's name.
func TestDescribeEnum(t *testing.T) {
	out, err := runIn(t, `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
COMMENT ON TYPE mood IS 'feelings';
CREATE TABLE diary (day date, m mood, ms mood[]);
\dT
\d diary
`, "--memory")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		" public | mood | sad, ok, happy | feelings",
		" m      | mood   |",
		" ms     | mood[] |",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestDescribeFunctions: \df lists the functions CREATE FUNCTION made,
// with their arguments and result; \d shows a table's triggers' effect.
func TestDescribeFunctions(t *testing.T) {
	out, err := runIn(t, `CREATE FUNCTION add1(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql AS 'SELECT a + b';
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := add1(NEW.n); RETURN NEW; END $$;
CREATE TABLE t (n int);
CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION stamp();
INSERT INTO t VALUES (41);
SELECT n FROM t;
\df
`, "--memory")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		" public | add1  | integer          | a integer, b integer DEFAULT 1 | sql",
		" public | stamp | trigger          |                                | plpgsql",
		"42",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}
