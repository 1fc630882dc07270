package engine

import (
	"fmt"
	"strings"
	"testing"
)

// TestTransientRows: consumers that build their input with
// buildTransient (top-N, aggregates, projections) see each batch's rows
// overwritten by the next one, so whatever they keep must be a copy. The
// table spans many batches, and the answers are checked against ones
// computed without the reuse (a full sort, and Go).
func TestTransientRows(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, g INT, c TEXT)")
	const n = 3000
	var sb strings.Builder
	sb.WriteString("INSERT INTO t VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "(%d, %d, 'c%05d')", i, i%7, (i*7919)%n)
	}
	mustExec(t, s, sb.String())
	rows := func(q string) string {
		t.Helper()
		res := mustExec(t, s, q)
		return fmt.Sprint(res[len(res)-1].Rows)
	}
	// The same answers computed here.
	cOf := func(i int) string { return fmt.Sprintf("c%05d", (i*7919)%n) }
	byC := map[string]int{}
	for i := 0; i < n; i++ {
		byC[cOf(i)] = i
	}
	top3 := fmt.Sprintf("[[%d c02999] [%d c02998] [%d c02997]]", byC["c02999"], byC["c02998"], byC["c02997"])
	var gs []string
	for g := 0; g < 7; g++ {
		count, minC, maxID := 0, "", 0
		for i := g; i < n; i += 7 {
			count++
			if minC == "" || cOf(i) < minC {
				minC = cOf(i)
			}
			maxID = i
		}
		gs = append(gs, fmt.Sprintf("[%d %d %s %d]", g, count, minC, maxID))
	}
	groups := "[" + strings.Join(gs, " ") + "]"
	for _, tc := range []struct{ q, want string }{
		// The ten smallest c, by a top-N heap: with rows not copied into
		// the heap, later batches would overwrite the kept rows.
		{"SELECT id, c FROM t ORDER BY c LIMIT 10", rows("SELECT id, c FROM (SELECT id, c FROM t ORDER BY c) AS s LIMIT 10")},
		{"SELECT id, c FROM t ORDER BY c DESC, id LIMIT 3", top3},
		{"SELECT g, count(*), min(c), max(id) FROM t GROUP BY g ORDER BY g", groups},
		{"SELECT count(*) FROM t", "[[3000]]"},
		{"SELECT count(*) FROM t WHERE g = 3", "[[429]]"},
		{"SELECT string_agg(c, ',' ORDER BY id) = string_agg(c, ',' ORDER BY id) FROM t", "[[t]]"},
		{"SELECT sum(length(c || id::text)) FROM t", fmt.Sprintf("[[%d]]", 6*n+10+90*2+900*3+2000*4)},
	} {
		if got := rows(tc.q); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.q, got, tc.want)
		}
	}
}
