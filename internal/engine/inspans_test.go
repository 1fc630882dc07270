package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestIndexScanSpans: an index scan of several key ranges (an IN list, in
// any order, with repeats, NULLs and ranges on a second column) returns
// what a scan of the table returns. Ascending ranges share one iterator
// that seeks from range to range, so the rows between them must be
// skipped, not returned.
func TestIndexScanSpans(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE sp (id INT PRIMARY KEY, a INT, b INT, c TEXT)")
	mustExec(t, s, "CREATE INDEX sp_a ON sp (a)")
	mustExec(t, s, "CREATE INDEX sp_ab ON sp (a, b)")
	insertRows(t, s, "sp", 2000, func(i int) string {
		a := "NULL"
		if i%37 != 0 {
			a = fmt.Sprint(i % 100)
		}
		return fmt.Sprintf("(%d, %s, %d, 'r%d')", i, a, i%7, i)
	})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var vals []string
		for range 1 + rng.IntN(6) {
			if rng.IntN(10) == 0 {
				vals = append(vals, "NULL")
			} else {
				vals = append(vals, fmt.Sprint(rng.IntN(110)-5))
			}
		}
		in := strings.Join(vals, ", ")
		var q string
		switch rng.IntN(3) {
		case 0:
			q = fmt.Sprintf("SELECT id, c FROM sp WHERE a IN (%s) ORDER BY id", in)
		case 1:
			q = fmt.Sprintf("SELECT id FROM sp WHERE a IN (%s) AND b BETWEEN %d AND %d ORDER BY id", in, rng.IntN(7), rng.IntN(7))
		default:
			q = fmt.Sprintf("SELECT a, count(*) FROM sp WHERE a IN (%s) GROUP BY a ORDER BY a", in)
		}
		got := fmt.Sprint(mustExec(t, s, q)[0].Rows)
		mustExec(t, s, "SET enable_indexscan = off")
		want := fmt.Sprint(mustExec(t, s, q)[0].Rows)
		mustExec(t, s, "RESET enable_indexscan")
		if got != want {
			t.Fatalf("%s\nplan:\n%s\nindex: %s\nscan:  %s", q, strings.Join(explainLines(t, s, "EXPLAIN (COSTS OFF) "+q), "\n"), got, want)
		}
	}
}
