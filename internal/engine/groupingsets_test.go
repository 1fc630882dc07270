package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// resultLines renders a query's rows as sorted lines, for comparing
// results whose order is not defined.
func resultLines(t *testing.T, s *Session, sql string) []string {
	t.Helper()
	r := mustExec(t, s, sql)
	var out []string
	for _, row := range r[len(r)-1].Rows {
		parts := make([]string, len(row))
		for i, d := range row {
			parts[i] = d.String()
		}
		out = append(out, strings.Join(parts, "|"))
	}
	slices.Sort(out)
	return out
}

// TestGroupingSetsMatchUnion checks random ROLLUP, CUBE and GROUPING SETS
// queries against the UNION ALL of one plain GROUP BY per grouping set,
// the keys a set lacks selected as NULL and GROUPING() as its bits.
func TestGroupingSetsMatchUnion(t *testing.T) {
	s := newTestSession(t)
	mustExec(t, s, "CREATE TABLE g (a INT, b TEXT, c INT, v INT)")
	r := rand.New(rand.NewPCG(7, 11))
	var sb strings.Builder
	sb.WriteString("INSERT INTO g VALUES ")
	for i := 0; i < 300; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		val := func(n int) string {
			if r.IntN(8) == 0 {
				return "NULL"
			}
			return string(rune('0' + r.IntN(n)))
		}
		sb.WriteString("(" + val(4) + ", '" + val(3) + "', " + val(3) + ", " + val(10) + ")")
	}
	mustExec(t, s, strings.ReplaceAll(sb.String(), "'NULL'", "NULL"))
	keys := []string{"a", "b", "c"}
	subsets := func(n int) [][]string {
		var out [][]string
		for m := 0; m < 1<<n; m++ {
			var set []string
			for i := 0; i < n; i++ {
				if m&(1<<i) != 0 {
					set = append(set, keys[i])
				}
			}
			out = append(out, set)
		}
		return out
	}
	for i := 0; i < 60; i++ {
		// A random GROUP BY of grouping sets, and the sets it means.
		var clause string
		var sets [][]string
		switch r.IntN(3) {
		case 0:
			n := 1 + r.IntN(3)
			clause = "ROLLUP (" + strings.Join(keys[:n], ", ") + ")"
			for k := n; k >= 0; k-- {
				sets = append(sets, keys[:k])
			}
		case 1:
			n := 1 + r.IntN(3)
			clause = "CUBE (" + strings.Join(keys[:n], ", ") + ")"
			sets = subsets(n)
		default:
			all := subsets(3)
			var parts []string
			for j := 0; j < 1+r.IntN(4); j++ {
				set := all[r.IntN(len(all))]
				sets = append(sets, set)
				parts = append(parts, "("+strings.Join(set, ", ")+")")
			}
			clause = "GROUPING SETS (" + strings.Join(parts, ", ") + ")"
		}
		agg := []string{"count(*)", "sum(v)", "min(v)", "count(DISTINCT v)"}[r.IntN(4)]
		having := ""
		if r.IntN(3) == 0 {
			having = " HAVING count(*) > 3"
		}
		// Only keys of some set may be selected (42803 otherwise).
		var used []string
		for _, k := range keys {
			for _, set := range sets {
				if slices.Contains(set, k) && !slices.Contains(used, k) {
					used = append(used, k)
				}
			}
		}
		sel := append(append([]string{}, used...), agg)
		if len(used) > 0 {
			sel = append(sel, "GROUPING("+strings.Join(used, ", ")+")")
		}
		got := resultLines(t, s, "SELECT "+strings.Join(sel, ", ")+" FROM g GROUP BY "+clause+having)
		var union []string
		for _, set := range sets {
			var sel []string
			bits := 0
			for _, k := range used {
				bits <<= 1
				if slices.Contains(set, k) {
					sel = append(sel, k)
				} else {
					sel = append(sel, map[string]string{"a": "NULL::int", "b": "NULL::text", "c": "NULL::int"}[k])
					bits |= 1
				}
			}
			sel = append(sel, agg)
			if len(used) > 0 {
				sel = append(sel, string(rune('0'+bits)))
			}
			q := "SELECT " + strings.Join(sel, ", ") + " FROM g"
			if len(set) > 0 {
				q += " GROUP BY " + strings.Join(set, ", ")
			}
			union = append(union, q+having)
		}
		want := resultLines(t, s, strings.Join(union, " UNION ALL "))
		if !slices.Equal(got, want) {
			t.Fatalf("GROUP BY %s (%s%s):\ngot  %v\nwant %v", clause, agg, having, got, want)
		}
	}
}

// TestRowComparisonsMatchExpansion checks (a, b) op (x, y) on random
// values, NULLs among them, against PostgreSQL's rule written out: the
// first pair not equal decides, a NULL pair before it makes NULL.
func TestRowComparisonsMatchExpansion(t *testing.T) {
	s := newTestSession(t)
	r := rand.New(rand.NewPCG(3, 5))
	val := func() (string, *int) {
		if r.IntN(5) == 0 {
			return "NULL", nil
		}
		v := r.IntN(3)
		return string(rune('0' + v)), &v
	}
	for i := 0; i < 300; i++ {
		n := 1 + r.IntN(3)
		var ls, rs []string
		var lv, rv []*int
		for j := 0; j < n; j++ {
			a, av := val()
			b, bv := val()
			ls, rs, lv, rv = append(ls, a), append(rs, b), append(lv, av), append(rv, bv)
		}
		op := []string{"=", "<>", "<", "<=", ">", ">="}[r.IntN(6)]
		// The reference: "t", "f" or "NULL".
		want := "NULL"
		switch op {
		case "=", "<>":
			sawNull, differ := false, false
			for j := range lv {
				if lv[j] == nil || rv[j] == nil {
					sawNull = true
				} else if *lv[j] != *rv[j] {
					differ = true
				}
			}
			switch {
			case differ:
				want = map[bool]string{true: "f", false: "t"}[op == "="]
			case !sawNull:
				want = map[bool]string{true: "t", false: "f"}[op == "="]
			}
		default:
			decided := false
			for j := range lv {
				if lv[j] == nil || rv[j] == nil {
					decided = true
					break
				}
				if *lv[j] != *rv[j] {
					lt := *lv[j] < *rv[j]
					res := map[string]bool{"<": lt, "<=": lt, ">": !lt, ">=": !lt}[op]
					want = map[bool]string{true: "t", false: "f"}[res]
					decided = true
					break
				}
			}
			if !decided {
				want = map[bool]string{true: "t", false: "f"}[op == "<=" || op == ">="]
			}
		}
		sql := "SELECT (" + strings.Join(ls, ", ") + ") " + op + " (" + strings.Join(rs, ", ") + ")"
		if n == 1 {
			sql = "SELECT ROW(" + ls[0] + ") " + op + " ROW(" + rs[0] + ")"
		}
		got := resultLines(t, s, sql)
		if len(got) != 1 || got[0] != want {
			t.Fatalf("%s: got %v, want %s", sql, got, want)
		}
	}
}
