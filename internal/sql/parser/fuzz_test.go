package parser

import (
	"reflect"
	"testing"

	"github.com/cairndb/cairn/internal/sql/ast"
)

// FuzzParse checks that no input makes the parser panic, that every error
// is a *Error with a position inside the input, and that whatever parses
// formats to text that parses back to the same tree. The seed corpus is in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("SELECT a, b FROM t WHERE c = $1 ORDER BY a DESC LIMIT 10")
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := Parse(sql)
		if err != nil {
			pe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if pe.Pos < 0 || pe.Pos > len(sql) || pe.Code == "" || pe.Message == "" {
				t.Fatalf("bad error %+v for %q", pe, sql)
			}
			_ = pe.Caret(sql)
			return
		}
		for _, s := range stmts {
			text := ast.Format(s)
			again, err := ParseOne(text)
			if err != nil {
				t.Fatalf("formatted statement does not parse: %v\ninput:     %q\nformatted: %q", err, sql, text)
			}
			zeroPos(reflect.ValueOf(s))
			zeroPos(reflect.ValueOf(again))
			if !reflect.DeepEqual(s, again) {
				t.Fatalf("round trip changed the tree\ninput:     %q\nformatted: %q\nagain:     %q", sql, text, ast.Format(again))
			}
		}
	})
}
