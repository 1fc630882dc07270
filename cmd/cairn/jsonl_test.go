package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairndb/cairn"
)

func TestJSONLRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := cairn.Open(cairn.MemoryDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var in strings.Builder
	for i := range 2500 {
		fmt.Fprintf(&in, `{"_id": "doc%05d", "i": %d, "tags": ["t%d"], "nested": {"x": "%s"}}`+"\n", i, i, i%7, strings.Repeat("é", i%5))
		if i%1000 == 0 {
			in.WriteString("\n   \n")
		}
	}
	var calls []int64
	n, err := importJSONL(ctx, db, strings.NewReader(in.String()), "things", func(n int64) { calls = append(calls, n) })
	if err != nil || n != 2500 {
		t.Fatalf("import = %d, %v", n, err)
	}
	if fmt.Sprint(calls) != "[1000 2000 2500]" {
		t.Errorf("progress calls %v", calls)
	}
	if c, _ := db.Collection("things").Count(ctx, `{"tags": "t3"}`); c != 357 {
		t.Errorf("count t3 = %d", c)
	}
	var out bytes.Buffer
	m, err := exportJSONL(ctx, db, &out, "things", nil)
	if err != nil || m != 2500 {
		t.Fatalf("export = %d, %v", m, err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2500 || lines[3] != `{"i":3,"_id":"doc00003","tags":["t3"],"nested":{"x":"ééé"}}` {
		t.Fatalf("export: %d lines, line 3 %s", len(lines), lines[3])
	}
	// Round trip through a second collection.
	if n, err := importJSONL(ctx, db, &out, "copy", nil); err != nil || n != 2500 {
		t.Fatalf("re-import = %d, %v", n, err)
	}
	var again bytes.Buffer
	if _, err := exportJSONL(ctx, db, &again, "copy", nil); err != nil {
		t.Fatal(err)
	}
	if again.String() != strings.Join(lines, "\n")+"\n" {
		t.Error("second export differs")
	}
	// Errors name the line; a missing collection exports nothing.
	if _, err := importJSONL(ctx, db, strings.NewReader("{\"a\":1}\n[1]\n"), "bad", nil); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v", err)
	}
	if _, err := importJSONL(ctx, db, strings.NewReader(`{"_id":"doc00001"}`), "things", nil); err == nil || !strings.Contains(err.Error(), "23505") {
		t.Errorf("duplicate: %v", err)
	}
	var none bytes.Buffer
	if n, err := exportJSONL(ctx, db, &none, "nope", nil); err != nil || n != 0 || none.Len() != 0 {
		t.Errorf("missing collection: %d %v %q", n, err, none.String())
	}
}

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(src, []byte("{\"_id\":\"a\",\"n\":1}\n{\"_id\":\"b\",\"n\":2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	out, err := run(t, "import", "--data", data, "--jsonl", src, "--collection", "c")
	if err != nil || !strings.Contains(out, "imported 2 documents") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = run(t, "export", "--data", data, "--collection", "c")
	if err != nil || out != "{\"n\":1,\"_id\":\"a\"}\n{\"n\":2,\"_id\":\"b\"}\n" {
		t.Fatalf("export: %v\n%q", err, out)
	}
	dst := filepath.Join(dir, "out.jsonl")
	if out, err := run(t, "export", "--data", data, "--collection", "c", "--out", dst); err != nil {
		t.Fatalf("export --out: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(dst)
	if strings.Count(string(b), "\n") != 2 {
		t.Errorf("export file: %q", b)
	}
	out, err = run(t, "--data", data, "-c", "CREATE TABLE notdocs (id TEXT PRIMARY KEY, doc TEXT)", "-c", `\dc`)
	if err != nil || !strings.Contains(out, "List of collections") || !strings.Contains(out, " c\n") || strings.Contains(out, "notdocs") {
		t.Errorf("\\dc: %v\n%s", err, out)
	}
	if _, err := run(t, "import", "--data", data, "--collection", "c"); err == nil {
		t.Error("import without --jsonl succeeded")
	}
}
