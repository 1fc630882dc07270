package engine

import (
	"context"
	"encoding/json"
	"fmt"
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

// TestExplainJSON: EXPLAIN (FORMAT JSON) gives the text plan's tree in
// PostgreSQL's JSON shape, which parses; ANALYZE adds the actual figures.
func TestExplainJSON(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE ej (id INT PRIMARY KEY, v INT)")
	mustExec(t, s, "CREATE INDEX ej_v ON ej (v)")
	insertRows(t, s, "ej", 100, func(i int) string { return fmt.Sprintf("(%d, %d)", i, i%10) })
	mustExec(t, s, "ANALYZE ej")
	type node struct {
		NodeType   string  `json:"Node Type"`
		Relation   string  `json:"Relation Name"`
		Alias      string  `json:"Alias"`
		Index      string  `json:"Index Name"`
		IndexCond  string  `json:"Index Cond"`
		TotalCost  float64 `json:"Total Cost"`
		ActualRows float64 `json:"Actual Rows"`
		Plans      []node  `json:"Plans"`
	}
	var out []struct {
		Plan          node   `json:"Plan"`
		ExecutionTime string `json:"Execution Time"`
	}
	r := mustExec(t, s, "EXPLAIN (FORMAT JSON) SELECT * FROM ej WHERE id = 1")
	if err := json.Unmarshal([]byte(r[0].Rows[0][0].Str()), &out); err != nil {
		t.Fatalf("%v: %s", err, r[0].Rows[0][0].Str())
	}
	if p := out[0].Plan; p.NodeType != "Index Scan" || p.Index != "ej_pkey" || p.Relation != "ej" || p.IndexCond != "(ej.id = 1)" || p.TotalCost <= 0 {
		t.Fatalf("plan %+v", p)
	}
	r = mustExec(t, s, "EXPLAIN (ANALYZE, FORMAT JSON) SELECT e.v, count(*) FROM ej e JOIN ej f USING (id) WHERE e.v > 5 GROUP BY e.v")
	out = nil
	if err := json.Unmarshal([]byte(r[0].Rows[0][0].Str()), &out); err != nil {
		t.Fatalf("%v: %s", err, r[0].Rows[0][0].Str())
	}
	p := out[0].Plan
	if p.NodeType != "HashAggregate" || p.ActualRows != 4 || len(p.Plans) != 1 || len(p.Plans[0].Plans) != 2 || out[0].ExecutionTime == "" {
		t.Fatalf("plan %+v, execution time %q", p, out[0].ExecutionTime)
	}
	if j := p.Plans[0].Plans; j[0].Alias == "" && j[1].Alias == "" {
		t.Fatalf("no alias in the join's inputs: %+v", j)
	}
	if _, err := s.Execute(context.Background(), "EXPLAIN (FORMAT YAML) SELECT 1", nil); codeOf(err) != "0A000" {
		t.Fatalf("FORMAT YAML: %v", err)
	}
}
