package slt

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEngine answers queries from a table and fails statements containing
// "bad".
type fakeEngine struct {
	results map[string][][]any
	execs   []string
}

func (f *fakeEngine) Exec(_ context.Context, sql string) error {
	f.execs = append(f.execs, sql)
	if strings.Contains(sql, "bad") {
		return errors.New("syntax error")
	}
	if strings.Contains(sql, "boom") {
		panic("engine bug")
	}
	return nil
}

func (f *fakeEngine) Query(_ context.Context, sql string) ([][]any, error) {
	r, ok := f.results[sql]
	if !ok {
		return nil, errors.New("no such query")
	}
	return r, nil
}

const script = "# comment\r\n" +
	"hash-threshold 3\r\n" +
	"\r\n" +
	"statement ok\r\nCREATE TABLE t(a INTEGER)\r\n\r\n" +
	"statement error\r\nbad statement\r\n\r\n" +
	"skipif postgresql\r\nstatement ok\r\nbad but skipped\r\n\r\n" +
	"onlyif mysql\r\nstatement ok\r\nbad but skipped\r\n\r\n" +
	"onlyif postgresql\r\nstatement ok\r\nboom\r\n\r\n" +
	"query IT rowsort\r\nSELECT a, b FROM t\r\n----\r\n1\r\n(empty)\r\n2\r\nNULL\r\n\r\n" +
	"query R nosort label-x\r\nSELECT r\r\n----\r\n4 values hashing to HASH\r\n\r\n" +
	"query R nosort label-x\r\nSELECT r2\r\n\r\n" +
	"query I valuesort\r\nSELECT v\r\n----\r\n1\r\n2\r\n\r\n" +
	"onlyif postgresql\r\nhalt\r\n\r\n" +
	"statement ok\r\nbad after halt\r\n"

func TestRunScript(t *testing.T) {
	// The hash of the four R values, computed independently.
	sum := md5.Sum([]byte("1.000\n2.500\n-3.000\n0.333\n"))
	src := strings.ReplaceAll(script, "HASH", hex.EncodeToString(sum[:]))
	recs, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 12 {
		t.Fatalf("parsed %d records, want 12", len(recs))
	}
	eng := &fakeEngine{results: map[string][][]any{
		"SELECT a, b FROM t": {{int64(2), nil}, {int64(1), ""}},
		"SELECT r":           {{1.0}, {"2.5"}, {int64(-3)}, {1.0 / 3}},
		"SELECT r2":          {{1.0}, {2.5}, {-3.0}, {0.3333}},
		"SELECT v":           {{int64(2)}, {1.9}},
	}}
	r := &Runner{EngineName: "postgresql"}
	res := r.Run(context.Background(), "script", recs, eng)
	// Passed: create, bad (error), rowsort query, hashed query, labelled
	// query (same hash), valuesort (1.9 truncates to 1). Failed: boom.
	if res.Passed != 6 || res.Failed != 1 || res.Skipped != 2 {
		t.Fatalf("%s; failures %+v", res, res.Failures)
	}
	if !strings.Contains(res.Failures[0].Why, "engine panic") {
		t.Fatalf("failure: %+v", res.Failures[0])
	}
	for _, e := range eng.execs {
		if strings.Contains(e, "after halt") {
			t.Fatal("ran a statement after halt")
		}
	}
}

func TestMismatchesAreFailures(t *testing.T) {
	recs, err := Parse(strings.NewReader("query I nosort\nSELECT 1\n----\n2\n\nquery T nosort\nSELECT 2\n----\na\n\nstatement error\nok\n"))
	if err != nil {
		t.Fatal(err)
	}
	eng := &fakeEngine{results: map[string][][]any{"SELECT 1": {{int64(1)}}, "SELECT 2": {{"a"}, {"b"}}}}
	res := (&Runner{EngineName: "postgresql"}).Run(context.Background(), "f", recs, eng)
	if res.Failed != 3 || res.Passed != 0 {
		t.Fatalf("%s", res)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		v    any
		typ  byte
		want string
	}{
		{nil, 'I', "NULL"},
		{int64(-5), 'I', "-5"},
		{2.9, 'I', "2"},
		{"12", 'I', "12"},
		{true, 'I', "1"},
		{int64(3), 'R', "3.000"},
		{"1.23456", 'R', "1.235"},
		{"", 'T', "(empty)"},
		{"tab\there", 'T', "tab@here"},
		{int64(7), 'T', "7"},
	}
	for _, c := range cases {
		if got := Format(c.v, c.typ); got != c.want {
			t.Errorf("Format(%#v, %c) = %q, want %q", c.v, c.typ, got, c.want)
		}
	}
}

// TestParseCorpus parses every script of the shared corpus.
func TestParseCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "slt")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not found at %s", dir)
	}
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	records := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := Parse(fh)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		records += len(recs)
	}
	if len(files) < 30 || records < 200000 {
		t.Fatalf("%d files, %d records: the corpus looks incomplete", len(files), records)
	}
	t.Logf("%d files, %d records", len(files), records)
}
