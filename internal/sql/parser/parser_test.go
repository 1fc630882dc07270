package parser

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/cairndb/cairn/internal/sql/ast"
)

// goldenFiles returns the golden scripts. testdata/fuzz holds the fuzz
// corpus, so the scripts are listed rather than walked.
func goldenFiles(t *testing.T) []string {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	return files
}

// TestGolden runs the golden scripts in testdata/:
//
//	parse        input: one or more statements; output: each formatted,
//	             one per line, or the error with its caret
//	parse-expr   input: one expression; output: formatted
//
// Run with -rewrite to update the expected output.
func TestGolden(t *testing.T) {
	for _, path := range goldenFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				switch d.Cmd {
				case "parse":
					return parseOutput(d.Input)
				case "parse-expr":
					e, err := ParseExpr(d.Input)
					if err != nil {
						return errorOutput(d.Input, err)
					}
					return ast.Format(e) + "\n"
				}
				d.Fatalf(t, "unknown command %q", d.Cmd)
				return ""
			})
		})
	}
}

func parseOutput(sql string) string {
	stmts, err := Parse(sql)
	if err != nil {
		return errorOutput(sql, err)
	}
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(ast.Format(s))
		b.WriteByte('\n')
	}
	return b.String()
}

func errorOutput(sql string, err error) string {
	pe, ok := err.(*Error)
	if !ok {
		return fmt.Sprintf("non-parser error %T: %v\n", err, err)
	}
	return fmt.Sprintf("error (%s): %s\n%s\n", pe.Code, pe.Message, pe.Caret(sql))
}

// zeroPos clears every ast.Pos in the tree, so trees parsed from different
// texts compare equal when only positions differ.
func zeroPos(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			zeroPos(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[ast.Pos]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.Type() == reflect.TypeFor[ast.Pos]() {
				if f.CanSet() {
					f.SetInt(0)
				}
				continue
			}
			zeroPos(f)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			zeroPos(v.Index(i))
		}
	}
}

// roundTrip checks parse(format(parse(sql))) == parse(sql) for every
// statement of sql; it returns the number of statements checked.
func roundTrip(t testing.TB, sql string) int {
	t.Helper()
	stmts, err := Parse(sql)
	if err != nil {
		return 0
	}
	for _, s := range stmts {
		text := ast.Format(s)
		again, err := ParseOne(text)
		if err != nil {
			t.Errorf("formatted statement does not parse: %v\ninput:     %s\nformatted: %s", err, sql, text)
			continue
		}
		if text2 := ast.Format(again); text2 != text {
			t.Errorf("format is not stable:\ninput: %s\nfirst:  %s\nsecond: %s", sql, text, text2)
			continue
		}
		zeroPos(reflect.ValueOf(s))
		zeroPos(reflect.ValueOf(again))
		if !reflect.DeepEqual(s, again) {
			t.Errorf("round trip changed the tree:\ninput:     %s\nformatted: %s\nfirst:  %#v\nsecond: %#v", sql, text, s, again)
		}
	}
	return len(stmts)
}

// TestRoundTrip parses every golden input, formats it, parses the result
// and checks that the trees are equal.
func TestRoundTrip(t *testing.T) {
	inputs, stmts := 0, 0
	for _, path := range goldenFiles(t) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "parse":
				inputs++
				stmts += roundTrip(t, d.Input)
			case "parse-expr":
				inputs++
				if e, err := ParseExpr(d.Input); err == nil {
					stmts += roundTrip(t, "SELECT "+ast.Format(e))
				}
			}
			return d.Expected
		})
	}
	t.Logf("round trip: %d golden inputs, %d statements", inputs, stmts)
}
