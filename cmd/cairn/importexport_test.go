package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// runCLI runs the cairn command line in-process with args and stdin.
func runCLI(t *testing.T, stdin string, args ...string) (stdout string, err error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestImportCSV(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(file, []byte("id,name\n1,ann\n2,\"bob, jr\"\n3,cy\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// --create makes a text table named by the header, in the load's
	// transaction.
	if _, err := runCLI(t, "", "import", "--data", data, "--table", "people", "--header", "--create", file); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "", "export", "--data", data, "--query", "SELECT name FROM people ORDER BY id", "--header")
	if err != nil || out != "name\nann\n\"bob, jr\"\ncy\n" {
		t.Fatalf("export = %q, %v", out, err)
	}

	// A bad row stops a one-transaction import with its line and column,
	// and leaves the table as it was.
	if _, err := runCLI(t, "", "-c", "CREATE TABLE n (id int PRIMARY KEY, v text)", "--data", data); err != nil {
		t.Fatal(err)
	}
	bad := "1,a\n2,b\nthree,c\n4,d\n5,e\n"
	_, err = runCLI(t, bad, "import", "--data", data, "--table", "n", "-")
	if err == nil || !strings.Contains(err.Error(), "nothing imported") || !strings.Contains(detailOf(err), "line 3, column id") {
		t.Fatalf("bad row: %v (detail %q)", err, detailOf(err))
	}
	if out, _ := runCLI(t, "", "export", "--data", data, "--query", "SELECT count(*) FROM n"); out != "0\n" {
		t.Fatalf("rows after a failed import: %q", out)
	}
	// --batch 2 commits the batches before the bad row and says so.
	_, err = runCLI(t, bad, "import", "--data", data, "--table", "n", "--batch", "2", "-")
	if err == nil || !strings.Contains(err.Error(), "2 rows committed") {
		t.Fatalf("batch import: %v", err)
	}
	if out, _ := runCLI(t, "", "export", "--data", data, "--query", "SELECT count(*) FROM n"); out != "2\n" {
		t.Fatalf("rows after a failed batch import: %q", out)
	}
	// JSON lines: one object per row, in column order.
	out, err = runCLI(t, "", "export", "--data", data, "--table", "n", "--format", "jsonl")
	if err != nil || out != "{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v\":\"b\"}\n" {
		t.Fatalf("jsonl export = %q, %v", out, err)
	}
	// To a file named by the argument.
	csvOut := filepath.Join(dir, "n.csv")
	if _, err := runCLI(t, "", "export", "--data", data, "--table", "n", csvOut); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(csvOut); string(b) != "1,a\n2,b\n" {
		t.Fatalf("n.csv = %q", b)
	}
	if _, err := runCLI(t, "", "export", "--data", data, "--table", "n", "--format", "xml"); err == nil {
		t.Fatal("--format xml accepted")
	}
}

func detailOf(err error) string {
	var se *sqlerr.Error
	if errors.As(err, &se) {
		return se.Detail
	}
	return ""
}
