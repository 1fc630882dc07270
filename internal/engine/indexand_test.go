package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestIndexAndRandom compares random conjunctions over three indexed
// columns planned freely (index intersections among the plans) with the
// same queries read by sequential scans (enable_indexscan off), and checks
// that the intersections were planned at all.
func TestIndexAndRandom(t *testing.T) {
	s := newTestSession(t)
	r := rand.New(rand.NewPCG(7, 11))
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, c TEXT)")
	mustExec(t, s, "CREATE INDEX t_a ON t (a)")
	mustExec(t, s, "CREATE INDEX t_b ON t (b)")
	mustExec(t, s, "CREATE INDEX t_c ON t (c)")
	val := func(n int, text bool) string {
		if r.IntN(40) == 0 {
			return "NULL"
		}
		if text {
			return fmt.Sprintf("'v%02d'", r.IntN(n))
		}
		return fmt.Sprint(r.IntN(n))
	}
	insertRows(t, s, "t", 8000, func(i int) string {
		return fmt.Sprintf("(%d, %s, %s, %s)", i, val(80, false), val(90, false), val(70, true))
	})
	mustExec(t, s, "ANALYZE")
	cond := func() string {
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("a = %d", r.IntN(80))
		case 1:
			lo := r.IntN(90)
			return fmt.Sprintf("b BETWEEN %d AND %d", lo, lo+r.IntN(3))
		case 2:
			return fmt.Sprintf("c = 'v%02d'", r.IntN(70))
		case 3:
			return fmt.Sprintf("b = %d", r.IntN(90))
		default:
			return fmt.Sprintf("c < 'v%02d'", r.IntN(5))
		}
	}
	rows := func(sql string) string {
		res := mustExec(t, s, sql)
		return fmt.Sprint(res[len(res)-1].Rows)
	}
	intersections := 0
	for q := 0; q < 300; q++ {
		conds := []string{cond(), cond()}
		if r.IntN(3) == 0 {
			conds = append(conds, cond())
		}
		if r.IntN(4) == 0 {
			conds = append(conds, fmt.Sprintf("id %% %d <> 0", 2+r.IntN(5)))
		}
		sql := "SELECT id, a, b, c FROM t WHERE " + strings.Join(conds, " AND ") + " ORDER BY id"
		if plan := explainLines(t, s, "EXPLAIN (ANALYZE, COSTS OFF) "+sql); strings.Contains(strings.Join(plan, "\n"), "BitmapAnd") {
			intersections++
			// The intersection yields exactly the rows that satisfy
			// every index condition it scanned.
			// The line shows the rows the filter kept; those it removed
			// follow.
			var n, removed int
			var indexConds []string
			for _, line := range plan {
				if i := strings.Index(line, "Bitmap Heap Scan on t"); i >= 0 {
					if _, err := fmt.Sscanf(line[strings.Index(line, "rows="):], "rows=%d", &n); err != nil {
						t.Fatalf("%q: %v", line, err)
					}
				}
				if _, c, ok := strings.Cut(line, "Rows Removed by Filter: "); ok {
					if _, err := fmt.Sscan(c, &removed); err != nil {
						t.Fatalf("%q: %v", line, err)
					}
				}
				if _, c, ok := strings.Cut(line, "Index Cond: "); ok {
					indexConds = append(indexConds, c)
				}
			}
			mustExec(t, s, "SET enable_indexscan = off")
			want := rows("SELECT count(*) FROM t WHERE " + strings.Join(indexConds, " AND "))
			mustExec(t, s, "RESET enable_indexscan")
			if fmt.Sprintf("[[%d]]", n+removed) != want {
				t.Fatalf("%s: the intersection of %q gave %d rows, want %s", sql, indexConds, n+removed, want)
			}
		}
		got := rows(sql)
		mustExec(t, s, "SET enable_indexscan = off")
		want := rows(sql)
		mustExec(t, s, "RESET enable_indexscan")
		if got != want {
			t.Fatalf("%s:\n got %s\nwant %s", sql, got, want)
		}
	}
	if intersections < 20 {
		t.Fatalf("only %d of 300 queries planned an index intersection", intersections)
	}
	t.Logf("%d of 300 queries planned an index intersection", intersections)
}

func explainLines(t *testing.T, s *Session, sql string) []string {
	t.Helper()
	res := mustExec(t, s, sql)
	var out []string
	for _, r := range res[len(res)-1].Rows {
		out = append(out, r[0].String())
	}
	return out
}
