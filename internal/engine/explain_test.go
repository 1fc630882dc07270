package engine

import (
	"regexp"
	"strings"
	"testing"
)

// EXPLAIN ANALYZE runs the query and shows each operator's actual rows
// and loops (times vary, so they are masked here).
func TestExplainAnalyze(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, k INT)")
	mustExec(t, s, "INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 1000) g")
	// COSTS OFF: the estimates depend on whether the background recount
	// after the INSERT has finished.
	r := mustExec(t, s, "EXPLAIN (ANALYZE, COSTS OFF) SELECT k, count(*) FROM t WHERE id > 100 GROUP BY k ORDER BY k LIMIT 3")
	var lines []string
	times := regexp.MustCompile(`[0-9]+\.[0-9]+ ms`)
	for _, row := range r[0].Rows {
		lines = append(lines, times.ReplaceAllString(row[0].Str(), "T ms"))
	}
	got := strings.Join(lines, "\n")
	want := `Limit (actual time=T ms rows=3 loops=1)
  ->  Sort (actual time=T ms rows=3 loops=1)
        Sort Key: k
        ->  HashAggregate (actual time=T ms rows=10 loops=1)
              Group Key: t.k
              ->  Index Scan using t_pkey on t (actual time=T ms rows=900 loops=1)
                    Index Cond: (t.id > 100)
Planning Time: T ms
Execution Time: T ms
Rows: 3`
	if got != want {
		t.Fatalf("EXPLAIN ANALYZE:\n%s\nwant:\n%s", got, want)
	}
	// A filter folded into its scan's line reports the rows it removed.
	r = mustExec(t, s, "EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM t WHERE k = 3")
	lines = lines[:0]
	for _, row := range r[0].Rows[:3] {
		lines = append(lines, times.ReplaceAllString(row[0].Str(), "T ms"))
	}
	if got, want := strings.Join(lines, "\n"), `Seq Scan on t (actual time=T ms rows=100 loops=1)
  Filter: (t.k = 3)
  Rows Removed by Filter: 900`; got != want {
		t.Fatalf("EXPLAIN ANALYZE of a filtered scan:\n%s\nwant:\n%s", got, want)
	}
	// A correlated subquery's plan runs once per outer row.
	r = mustExec(t, s, "EXPLAIN ANALYZE SELECT id FROM t o WHERE id <= 3 AND EXISTS (SELECT 1 FROM t i WHERE i.id = o.id + 500)")
	if !strings.Contains(r[0].Rows[len(r[0].Rows)-1][0].Str(), "Rows: 3") {
		t.Fatalf("EXPLAIN ANALYZE with a subquery: %v", r[0].Rows)
	}
	if _, err := s.Execute(t.Context(), "EXPLAIN ANALYZE DELETE FROM t", nil); codeOf(err) != "0A000" {
		t.Fatalf("EXPLAIN ANALYZE DELETE: %v", err)
	}
}
