package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/slt"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// The replay tests feed the parser's fuzz corpus and the sqllogictest
// corpus through the whole engine. They check only that nothing panics
// (the engine turns a panic into XX000, which counts as a failure too)
// and that every error is a *sqlerr.Error with a five-character SQLSTATE.

const (
	fuzzCorpus = "../sql/parser/testdata/fuzz/FuzzParse"
	sltCorpus  = "../../../shared/slt"
)

// replaySetup gives the fuzz inputs tables and columns to bind to.
const replaySetup = `
CREATE TABLE t (a INTEGER, b INTEGER, c TEXT, s TEXT, x DOUBLE PRECISION, y INTEGER, z INTEGER, id INTEGER);
CREATE TABLE u (a INTEGER PRIMARY KEY, b TEXT, id INTEGER, x INTEGER, y INTEGER, z INTEGER);
CREATE TABLE t1 (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER, x INTEGER);
CREATE TABLE tab0 (col0 INTEGER, col1 INTEGER, col2 INTEGER);
INSERT INTO t VALUES (1, 2, 'a', 'b', 1.5, 3, 4, 1), (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (-1, 0, '', 'x', -2.5, 0, 0, 2);
INSERT INTO u VALUES (1, 'a', 1, 1, 2, 3), (2, NULL, 2, NULL, 0, -1);
INSERT INTO t1 VALUES (1, 2, 3, 4, 5, 6), (NULL, 2, NULL, 4, NULL, 6);
INSERT INTO tab0 VALUES (97, 1, 99), (15, 81, 47), (87, 21, 10);
`

// replayer runs statements on one session and collects failures.
type replayer struct {
	t        *testing.T
	s        *Session
	stmts    int
	errs     int
	known    int // XX000 from known bugs
	failures int
}

func newReplayer(t *testing.T, setup string) (*replayer, func()) {
	e, err := Open("", &Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &replayer{t: t, s: e.NewSession()}
	if setup != "" {
		if _, err := r.s.Execute(context.Background(), setup, nil); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	return r, func() { e.Close() }
}

// run executes sql; where names the input in failure messages.
func (r *replayer) run(where, sql string) {
	r.t.Helper()
	r.stmts++
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic escaped Execute: %v\n%s", p, debug.Stack())
			}
		}()
		_, err = r.s.Execute(ctx, sql, nil)
		return err
	}()
	if err == nil {
		return
	}
	r.errs++
	var se *sqlerr.Error
	switch {
	case !errors.As(err, &se):
		r.fail(where, sql, "error is not a *sqlerr.Error: %v", err)
	case len(se.Code) != 5:
		r.fail(where, sql, "SQLSTATE %q is not five characters: %v", se.Code, err)
	case se.Code == sqlerr.InternalError:
		for _, k := range knownInternalErrors {
			if k.match(sql, se) {
				r.known++
				r.t.Logf("%s: known engine bug (%s): %s", where, k.repro, oneLine(sql, 200))
				return
			}
		}
		r.fail(where, sql, "internal error: %s", se.Message)
	}
}

// knownInternalErrors are engine bugs that end in XX000, not yet fixed;
// statements matching them are logged instead of failing the test.
var knownInternalErrors = []struct {
	match func(sql string, se *sqlerr.Error) bool
	repro string
}{}

func (r *replayer) fail(where, sql, format string, args ...any) {
	r.t.Helper()
	r.failures++
	if r.failures <= 20 {
		r.t.Errorf("%s: %s\n  %s", where, oneLine(sql, 300), fmt.Sprintf(format, args...))
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// readFuzzCorpus returns the inputs of a "go test fuzz v1" directory:
// each file holds one value per line after the header, like string("...")
// or []byte("...").
func readFuzzCorpus(t *testing.T, dir string) map[string][]string {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		if !sc.Scan() || strings.TrimSpace(sc.Text()) != "go test fuzz v1" {
			t.Fatalf("%s: not a go fuzz corpus file", f)
		}
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			var lit string
			switch {
			case strings.HasPrefix(line, "string(") && strings.HasSuffix(line, ")"):
				lit = line[len("string(") : len(line)-1]
			case strings.HasPrefix(line, "[]byte(") && strings.HasSuffix(line, ")"):
				lit = line[len("[]byte(") : len(line)-1]
			default:
				t.Fatalf("%s: unexpected corpus line %q", f, line)
			}
			s, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[f] = append(out[f], s)
		}
	}
	return out
}

// TestReplayFuzzCorpus runs every input of the parser's fuzz corpus on a
// fresh empty database and on one with tables its names bind to.
func TestReplayFuzzCorpus(t *testing.T) {
	inputs := readFuzzCorpus(t, fuzzCorpus)
	if len(inputs) == 0 {
		t.Fatalf("no fuzz corpus in %s", fuzzCorpus)
	}
	n := 0
	for f, vals := range inputs {
		for _, sql := range vals {
			for _, setup := range []string{"", replaySetup} {
				r, done := newReplayer(t, setup)
				r.run(filepath.Base(f), sql)
				done()
				n++
			}
		}
	}
	t.Logf("%d fuzz inputs, %d runs", len(inputs), n)
}

// TestReplaySLT runs the SQL of every record of the sqllogictest corpus
// (all records, whatever engine they are conditioned on, so that other
// dialects' SQL is thrown at the engine too), one fresh database per file.
// -short runs a sample: the small files whole and the first records of
// the others.
func TestReplaySLT(t *testing.T) {
	if _, err := os.Stat(sltCorpus); err != nil {
		t.Skipf("no slt corpus: %v", err)
	}
	files, err := slt.Files([]string{sltCorpus})
	if err != nil {
		t.Fatal(err)
	}
	maxRecs := -1
	var deadline time.Time
	if dl, ok := t.Deadline(); ok {
		deadline = dl.Add(-time.Until(dl) / 10)
	}
	if testing.Short() {
		// Keep -short quick, even under -race.
		maxRecs = 150
		if short := time.Now().Add(6 * time.Second); deadline.IsZero() || short.Before(deadline) {
			deadline = short
		}
	}
	var stmts, errs, ran int
	for _, file := range files {
		if !deadline.IsZero() && time.Now().After(deadline) {
			t.Logf("stopped near the test deadline after %d of %d files", ran, len(files))
			break
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := slt.Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		r, done := newReplayer(t, "")
		n := 0
		for _, rec := range recs {
			if rec.Kind != slt.StatementOK && rec.Kind != slt.StatementError && rec.Kind != slt.Query {
				continue
			}
			if maxRecs >= 0 && n >= maxRecs && len(recs) > 3*maxRecs {
				break
			}
			n++
			r.run(fmt.Sprintf("%s:%d", strings.TrimPrefix(file, sltCorpus+"/"), rec.Line), rec.SQL)
		}
		done()
		stmts += r.stmts
		errs += r.errs
		ran++
	}
	t.Logf("%d files, %d statements, %d returned errors", ran, stmts, errs)
}
