// Command slt runs sqllogictest scripts against cairn's engine:
//
//	go run ./cmd/slt [-engine postgresql] [-v] PATH...
//
// PATHs are script files or directories (searched recursively for
// *.test). Each file runs on a fresh in-memory engine. It prints one line
// per file and a final "slt: N passed, N failed, N skipped". The exit
// status is non-zero only for usage and I/O errors, not for failed
// records: the goal is a pass rate.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/cairndb/cairn/internal/slt"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("slt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	engineName := fs.String("engine", "postgresql", "engine name for skipif/onlyif")
	verbose := fs.Bool("v", false, "print each failure (file:line, SQL, why)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: slt [-engine NAME] [-v] PATH...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	files, err := slt.Files(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "slt:", err)
		return 1
	}
	total, err := runFiles(ctx, files, *engineName, func(file string, res slt.Result) {
		fmt.Fprintf(stdout, "%s: %d passed, %d failed, %d skipped\n", file, res.Passed, res.Failed, res.Skipped)
		if *verbose {
			for _, f := range res.Failures {
				fmt.Fprintf(stdout, "  %s:%d: %s\n", f.File, f.Line, f.Why)
				fmt.Fprintf(stdout, "    %s\n", indent(f.SQL))
			}
		}
	})
	fmt.Fprintln(stdout, total)
	if err != nil {
		fmt.Fprintln(stderr, "slt:", err)
		return 1
	}
	return 0
}

// runFiles runs each file on a fresh engine, calling report after each,
// and returns the totals. It stops early, without error, when ctx ends.
func runFiles(ctx context.Context, files []string, engineName string, report func(string, slt.Result)) (slt.Result, error) {
	r := &slt.Runner{EngineName: engineName, NewEngine: newEngine}
	var total slt.Result
	for _, file := range files {
		if ctx.Err() != nil {
			break
		}
		res, err := r.RunFile(ctx, file)
		if err != nil {
			return total, err
		}
		report(file, res)
		total.Passed += res.Passed
		total.Failed += res.Failed
		total.Skipped += res.Skipped
	}
	return total, nil
}

func indent(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '\n' {
			out = append(out, "    "...)
		}
	}
	return string(out)
}
