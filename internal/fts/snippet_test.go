package fts

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/fts/query"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// TestSnippetGolden runs testdata/snippet.txt:
//
//	snippet [analyzer=NAME] [max=N]   input: the query on the first line,
//	                                  the text after it
//
// Run with -rewrite to update the expected output.
func TestSnippetGolden(t *testing.T) {
	datadriven.RunTest(t, "testdata/snippet.txt", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "snippet" {
			d.Fatalf(t, "unknown command %q", d.Cmd)
		}
		name, max := "english", 0
		if d.HasArg("analyzer") {
			d.ScanArgs(t, "analyzer", &name)
		}
		if d.HasArg("max") {
			d.ScanArgs(t, "max", &max)
		}
		q, text, _ := strings.Cut(d.Input, "\n")
		out, err := Snippet(analysis.MustLookup(name), text, q, SnippetOptions{Start: "[", End: "]", Ellipsis: "...", MaxTokens: max})
		if err != nil {
			var e *sqlerr.Error
			if errors.As(err, &e) {
				return fmt.Sprintf("error %s at %d: %s\n%s\n", e.Code, e.Position, e.Message, query.Caret(q, e.Position))
			}
			return "error: " + err.Error() + "\n"
		}
		return out + "\n"
	})
}
