package parser

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/sql/ast"
)

// sltDir is the shared sqllogictest corpus, relative to this package.
const sltDir = "../../../../shared/slt"

type sltRecord struct {
	file string
	line int
	kind string // "statement ok", "statement error", "query"
	sql  string
}

// readSLT returns the SQL records of one sqllogictest file that the
// postgresql engine runs (see ../shared/slt/README.md for the format).
func readSLT(path string) ([]sltRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var (
		recs   []sltRecord
		lineNo int
		skip   bool // the current record is conditioned away
		cur    *sltRecord
		inSQL  bool
		sqlBuf []string
	)
	flush := func() {
		if cur != nil && !skip {
			cur.sql = strings.Join(sqlBuf, "\n")
			recs = append(recs, *cur)
		}
		cur, inSQL, sqlBuf, skip = nil, false, nil, false
	}
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if inSQL {
			if line == "----" {
				inSQL = false
				continue
			}
			sqlBuf = append(sqlBuf, line)
			continue
		}
		if cur != nil {
			continue // expected results
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case "skipif":
			if len(fields) > 1 && fields[1] == "postgresql" {
				skip = true
			}
		case "onlyif":
			if len(fields) > 1 && fields[1] != "postgresql" {
				skip = true
			}
		case "halt":
			if !skip {
				return recs, nil
			}
			skip = false
		case "statement":
			kind := "statement ok"
			if len(fields) > 1 && fields[1] == "error" {
				kind = "statement error"
			}
			cur, inSQL = &sltRecord{file: path, line: lineNo, kind: kind}, true
		case "query":
			cur, inSQL = &sltRecord{file: path, line: lineNo, kind: "query"}, true
		case "hash-threshold":
		}
	}
	flush()
	return recs, sc.Err()
}

// sqliteOnly names statements of SQLite's dialect that cairn does not
// accept, so the report can tell them from real gaps.
func sqliteOnly(sql string) string {
	up := strings.ToUpper(strings.Join(strings.Fields(sql), " "))
	if strings.Contains(strings.ReplaceAll(up, " ", ""), "IN()") {
		return "IN ()"
	}
	for _, p := range []string{"CREATE TRIGGER", "DROP TRIGGER", "REINDEX", "REPLACE INTO", "INSERT OR REPLACE", "INSERT OR IGNORE", "CREATE TEMP TRIGGER", "NOT INDEXED", "INDEXED BY"} {
		if strings.Contains(up, p) {
			return p
		}
	}
	return ""
}

// TestSLTCorpus parses every statement and query of the sqllogictest
// corpus that runs as engine postgresql; at least 99.5% must parse.
func TestSLTCorpus(t *testing.T) {
	if _, err := os.Stat(sltDir); err != nil {
		t.Skipf("sqllogictest corpus not found at %s: %v", sltDir, err)
	}
	var files []string
	err := filepath.WalkDir(sltDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".test") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type failure struct {
		rec sltRecord
		msg string
	}
	var (
		total, ok, errTotal, errParsed int
		kinds                          = map[string][]failure{}
		sqlite                         = map[string]int{}
		rtFailures                     int
	)
	for _, path := range files {
		recs, err := readSLT(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			stmts, err := Parse(r.sql)
			if r.kind == "statement error" {
				errTotal++
				if err == nil {
					errParsed++
				}
				continue
			}
			total++
			if err == nil {
				ok++
				if rtFailures < 5 && !roundTripQuiet(t, stmts) {
					rtFailures++
				}
				continue
			}
			if s := sqliteOnly(r.sql); s != "" {
				sqlite[s]++
			}
			msg := err.Error()
			kinds[msg] = append(kinds[msg], failure{r, msg})
		}
	}
	if total == 0 {
		t.Fatal("no records found in the corpus")
	}
	pct := 100 * float64(ok) / float64(total)
	t.Logf("slt: %d of %d statements and queries parse (%.3f%%) in %d files; %d failed; of %d 'statement error' records %d parse",
		ok, total, pct, len(files), total-ok, errTotal, errParsed)
	if len(sqlite) > 0 {
		t.Logf("slt: SQLite-only statements among the failures: %v", sqlite)
	}
	msgs := make([]string, 0, len(kinds))
	for m := range kinds {
		msgs = append(msgs, m)
	}
	sort.Slice(msgs, func(i, j int) bool { return len(kinds[msgs[i]]) > len(kinds[msgs[j]]) })
	for i, m := range msgs {
		if i == 25 {
			t.Logf("slt: ... and %d more kinds of failure", len(msgs)-i)
			break
		}
		f := kinds[m][0]
		rel, _ := filepath.Rel(sltDir, f.rec.file)
		t.Logf("slt: %d x %s\n\te.g. %s:%d: %s", len(kinds[m]), m, rel, f.rec.line, strings.ReplaceAll(f.rec.sql, "\n", " "))
	}
	if pct < 99.5 {
		t.Errorf("only %.3f%% of the corpus parses; want at least 99.5%%", pct)
	}
}

// roundTripQuiet checks the round trip of already parsed statements,
// reporting through t; it returns false on a failure.
func roundTripQuiet(t *testing.T, stmts []ast.Statement) bool {
	for _, s := range stmts {
		text := ast.Format(s)
		again, err := ParseOne(text)
		if err != nil {
			t.Errorf("slt: formatted statement does not parse: %v\n%s", err, text)
			return false
		}
		zeroPos(reflect.ValueOf(s))
		zeroPos(reflect.ValueOf(again))
		if !reflect.DeepEqual(s, again) {
			t.Errorf("slt: round trip changed the tree of %s", text)
			return false
		}
	}
	return true
}
