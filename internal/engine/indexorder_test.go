package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestIndexOrderRandom compares random ORDER BY (with and without LIMIT)
// and GROUP BY queries over indexed columns, planned freely, with the
// same queries planned with index scans off (a sort or a hash over a
// sequential scan), and checks that reading an index in order, forward
// and backward, was planned often enough to be what was compared.
func TestIndexOrderRandom(t *testing.T) {
	s := newTestSession(t)
	r := rand.New(rand.NewPCG(3, 5))
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b INT, c TEXT, pad TEXT)")
	mustExec(t, s, "CREATE INDEX t_a ON t (a)")
	mustExec(t, s, "CREATE INDEX t_ab ON t (a, b DESC)")
	mustExec(t, s, "CREATE INDEX t_b ON t (b)")
	mustExec(t, s, "CREATE INDEX t_cb ON t (c DESC, b)")
	insertRows(t, s, "t", 3000, func(i int) string {
		b, c := fmt.Sprint(r.IntN(50)), fmt.Sprintf("'v%02d'", r.IntN(30))
		if r.IntN(15) == 0 {
			b = "NULL"
		}
		if r.IntN(20) == 0 {
			c = "NULL"
		}
		return fmt.Sprintf("(%d, %d, %s, %s, repeat('p', 80))", i, r.IntN(40), b, c)
	})
	mustExec(t, s, "ANALYZE")
	cols := []string{"a", "b", "c"}
	dir := func() string {
		return []string{"", " DESC", " NULLS FIRST", " DESC NULLS LAST"}[r.IntN(4)*r.IntN(2)]
	}
	where := func() string {
		switch r.IntN(6) {
		case 0:
			return fmt.Sprintf(" WHERE a = %d", r.IntN(40))
		case 1:
			return fmt.Sprintf(" WHERE a BETWEEN %d AND %d", r.IntN(40), r.IntN(40))
		case 2:
			return fmt.Sprintf(" WHERE c = 'v%02d'", r.IntN(30))
		case 3:
			return fmt.Sprintf(" WHERE b > %d", r.IntN(50))
		case 4:
			return fmt.Sprintf(" WHERE a = %d AND b < %d", r.IntN(40), r.IntN(50))
		}
		return ""
	}
	ordered, backward, grouped := 0, 0, 0
	for q := 0; q < 400; q++ {
		var sql string
		sorted := false // the rows' order is the query's to check
		if r.IntN(4) == 0 {
			g := slices.Clone(cols)
			r.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
			g = g[:1+r.IntN(2)]
			sql = fmt.Sprintf("SELECT %s, count(*), sum(id) FROM t%s GROUP BY %s", strings.Join(g, ", "), where(), strings.Join(g, ", "))
		} else {
			// Keys, then id, which tells every row apart: the order is
			// then one, whatever the plan.
			var keys []string
			for _, c := range cols {
				if r.IntN(2) == 0 {
					keys = append(keys, c+dir())
				}
			}
			r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			keys = append(keys, "id"+[]string{"", " DESC"}[r.IntN(2)])
			sql = fmt.Sprintf("SELECT id, a, b, c FROM t%s ORDER BY %s", where(), strings.Join(keys, ", "))
			if r.IntN(3) > 0 {
				sql += fmt.Sprintf(" LIMIT %d", 1+r.IntN(30))
			}
			sorted = true
		}
		plan := strings.Join(explainLines(t, s, "EXPLAIN (COSTS OFF) "+sql), "\n")
		switch {
		case strings.Contains(plan, "GroupAggregate"):
			grouped++
		case sorted && !strings.Contains(plan, "Sort") && strings.Contains(plan, "Index"):
			ordered++
		}
		if strings.Contains(plan, "Backward") {
			backward++
		}
		got := fmt.Sprint(mustExec(t, s, sql)[0].Rows)
		mustExec(t, s, "SET enable_indexscan = off")
		want := fmt.Sprint(mustExec(t, s, sql)[0].Rows)
		mustExec(t, s, "RESET enable_indexscan")
		if !sorted {
			got, want = sortedRows(t, s, sql, false), sortedRows(t, s, sql, true)
		}
		if got != want {
			t.Fatalf("%s\nplan:\n%s\n got %s\nwant %s", sql, plan, got, want)
		}
	}
	t.Logf("of 400 queries: %d read an index in order (%d of all backward), %d grouped by an index", ordered, backward, grouped)
	if ordered < 40 || backward < 10 || grouped < 10 {
		t.Fatalf("too few index-ordered plans to compare: %d ordered, %d backward, %d grouped", ordered, backward, grouped)
	}
}

// sortedRows runs sql (index scans off if seq) and returns its rows
// sorted, for results whose order is not the query's.
func sortedRows(t *testing.T, s *Session, sql string, seq bool) string {
	t.Helper()
	if seq {
		mustExec(t, s, "SET enable_indexscan = off")
		defer mustExec(t, s, "RESET enable_indexscan")
	}
	var rows []string
	for _, row := range mustExec(t, s, sql)[0].Rows {
		rows = append(rows, fmt.Sprint(row))
	}
	slices.Sort(rows)
	return fmt.Sprint(rows)
}
