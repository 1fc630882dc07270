package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestGolden runs testdata/analyze.txt:
//
//	analyze [analyzer=NAME]   input: text; output: one token per line,
//	                          term, position, byte offsets and source text
//
// Run with -rewrite to update the expected output.
func TestGolden(t *testing.T) {
	datadriven.RunTest(t, "testdata/analyze.txt", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "analyze":
			name := ""
			if d.HasArg("analyzer") {
				d.ScanArgs(t, "analyzer", &name)
			}
			toks, err := Tokens(name, d.Input)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			var b strings.Builder
			for _, tk := range toks {
				fmt.Fprintf(&b, "%d %s [%d,%d) %q\n", tk.Position, tk.Term, tk.Start, tk.End, d.Input[tk.Start:tk.End])
			}
			if len(toks) == 0 {
				b.WriteString("(no tokens)\n")
			}
			return b.String()
		}
		d.Fatalf(t, "unknown command %q", d.Cmd)
		return ""
	})
}

// TestOffsetsInRange: every token's offsets lie inside the text, on rune
// boundaries, in order, whatever the input.
func TestOffsetsInRange(t *testing.T) {
	inputs := []string{"", "a", "\xff\xfe bad utf8 \xc3", "é\u0301\u0301x", "東京都", "ß", "a\u0300", "\u0300a"}
	for _, name := range Names() {
		a := MustLookup(name + UnaccentSuffix)
		for _, in := range inputs {
			prev := -1
			for _, tk := range a.Analyze(in) {
				if tk.Start < 0 || tk.End > len(in) || tk.Start >= tk.End || tk.Position <= prev && !IsCJK([]rune(in[tk.Start:])[0]) {
					t.Errorf("%s: %q: bad token %+v", name, in, tk)
				}
				prev = tk.Position
			}
		}
	}
}
