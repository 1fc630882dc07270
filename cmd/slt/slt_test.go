package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/slt"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

const corpus = "../../../shared/slt"

// TestCorpus runs select1.test in -short mode and the whole corpus
// otherwise, on the real engine. It asserts only that every file runs to
// the end (pass rates are the engine's targets, checked later); it logs
// the summary. Files still running near the test deadline are left out,
// and the log says so.
func TestCorpus(t *testing.T) {
	paths := []string{corpus}
	if testing.Short() {
		paths = []string{corpus + "/select1.test"}
	}
	if _, err := os.Stat(paths[0]); err != nil {
		t.Skipf("no corpus: %v", err)
	}
	files, err := slt.Files(paths)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-time.Until(dl)/10))
		defer cancel()
	}
	ran := 0
	total, err := runFiles(ctx, files, "postgresql", func(file string, res slt.Result) {
		ran++
		t.Logf("%s: %d passed, %d failed, %d skipped", strings.TrimPrefix(file, corpus+"/"), res.Passed, res.Failed, res.Skipped)
	})
	if err != nil {
		t.Fatalf("a file aborted: %v", err)
	}
	if ran < len(files) {
		t.Logf("stopped near the test deadline after %d of %d files", ran, len(files))
	}
	if total.Passed+total.Failed+total.Skipped == 0 {
		t.Fatal("no records ran")
	}
	t.Log(total)
}

type fakeExec struct {
	res []engine.Result
	err error
}

func (f fakeExec) Execute(context.Context, string, []types.Datum) ([]engine.Result, error) {
	return f.res, f.err
}

func TestAdapterValues(t *testing.T) {
	var dec apd.Decimal
	dec.SetString("1.50")
	e := sltEngine{fakeExec{res: []engine.Result{{Tag: "CREATE TABLE"}, {Rows: [][]types.Datum{{
		types.NewInt4(3), types.NewFloat8(1.25), types.NewNumeric(&dec), types.NewText("t"), types.NewBool(true), types.Null, types.NewDate(0),
	}}}}}}
	rows, err := e.Query(context.Background(), "q")
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(3), 1.25, "1.50", "t", true, nil, "1970-01-01"}
	for i, v := range rows[0] {
		if v != want[i] {
			t.Errorf("value %d: %#v, want %#v", i, v, want[i])
		}
	}
	if slt.Format(rows[0][1], 'R') != "1.250" || math.IsNaN(rows[0][1].(float64)) {
		t.Error("float formatting")
	}
	bad := sltEngine{fakeExec{err: sqlerr.New(sqlerr.SyntaxError, "boom")}}
	if bad.Exec(context.Background(), "x") == nil {
		t.Error("error lost")
	}
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	script := "statement ok\nCREATE TABLE t1(a INTEGER, b TEXT)\n\nstatement ok\nINSERT INTO t1 VALUES (1, 'x')\n\nquery IT nosort\nSELECT a, b FROM t1\n----\n1\nx\n\nonlyif mysql\nquery I nosort\nSELECT 1\n----\n1\n"
	if err := os.WriteFile(dir+"/a.test", []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"-v", dir}, &out, &errw); code != 0 {
		t.Fatalf("exit %d: %s", code, errw.String())
	}
	s := out.String()
	if !strings.Contains(s, "a.test: ") || !strings.HasSuffix(s, "failed, 1 skipped\n") || !strings.Contains(s, "\nslt: ") {
		t.Fatalf("output:\n%s", s)
	}
	if code := run(context.Background(), nil, &out, &errw); code != 2 {
		t.Fatalf("no paths: exit %d", code)
	}
	if code := run(context.Background(), []string{dir + "/missing"}, &out, &errw); code != 1 {
		t.Fatalf("missing path: exit %d", code)
	}
}
