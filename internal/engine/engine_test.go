package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// TestDataDriven runs the golden scripts in testdata/: each `sql` block
// runs on one session of a fresh in-memory database per file and prints
// each statement's rows and tag, or its error with SQLSTATE.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		e, err := Open("", &Options{InMemory: true})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		// No automatic recount during a script: it would start once a
		// written table has been quiet for half a second, so whether an
		// EXPLAIN shows costs would depend on the machine's speed
		// (scripts that want costs run ANALYZE).
		e.stats.quiet, e.stats.maxWait = time.Hour, time.Hour
		s := e.NewSession()
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			if td.Cmd != "sql" {
				td.Fatalf(t, "unknown command %q", td.Cmd)
			}
			results, err := s.Execute(context.Background(), td.Input, nil)
			var b strings.Builder
			for _, r := range results {
				formatResult(&b, r, s.Zone())
			}
			if err != nil {
				var se *sqlerr.Error
				if ok := asSQLErr(err, &se); ok {
					fmt.Fprintf(&b, "ERROR %s: %s\n", se.Code, se.Message)
					if se.Detail != "" && !strings.Contains(se.Detail, "goroutine") {
						fmt.Fprintf(&b, "DETAIL: %s\n", se.Detail)
					}
					if se.Hint != "" {
						fmt.Fprintf(&b, "HINT: %s\n", se.Hint)
					}
				} else {
					fmt.Fprintf(&b, "ERROR: %v\n", err)
				}
			}
			return b.String()
		})
	})
}

func asSQLErr(err error, se **sqlerr.Error) bool {
	e, ok := err.(*sqlerr.Error)
	*se = e
	return ok
}

// formatResult prints r's rows, timestamptz values in zone (the
// session's time zone after the test's statements ran).
func formatResult(b *strings.Builder, r Result, zone *time.Location) {
	if r.Columns != nil {
		names := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			names[i] = c.Name
		}
		b.WriteString(strings.Join(names, " | ") + "\n")
		for _, row := range r.Rows {
			vals := make([]string, len(row))
			for i, d := range row {
				if d.IsNull() {
					vals[i] = "NULL"
				} else {
					vals[i] = types.FormatTextIn(d, zone)
				}
			}
			b.WriteString(strings.Join(vals, " | ") + "\n")
		}
	}
	b.WriteString(r.Tag + "\n")
}
