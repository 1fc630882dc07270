package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/lsm"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestVersion(t *testing.T) {
	out, err := run(t, "version")
	if err != nil || !strings.HasPrefix(out, "cairn ") {
		t.Fatalf("version: %q, %v", out, err)
	}
}

func TestCheckHealthyAndDamaged(t *testing.T) {
	dir := t.TempDir()
	d, err := lsm.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if err := d.Set([]byte{byte(i >> 8), byte(i)}, bytes.Repeat([]byte("v"), 100), lsm.NoSync); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "check", "--data", dir)
	if err != nil || !strings.Contains(out, "\nok\n") || !strings.Contains(out, "1000 entries") {
		t.Fatalf("check of a healthy store: %v\n%s", err, out)
	}

	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(tables) == 0 {
		t.Fatal("no table written")
	}
	data, err := os.ReadFile(tables[0])
	if err != nil {
		t.Fatal(err)
	}
	data[20] ^= 0xff
	if err := os.WriteFile(tables[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "check", "--data", dir)
	if err == nil || !strings.Contains(out, "PROBLEM") || !strings.Contains(out, filepath.Base(tables[0])) {
		t.Fatalf("check of a damaged store: %v\n%s", err, out)
	}
}
