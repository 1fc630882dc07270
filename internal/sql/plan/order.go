package plan

import (
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
)

// Sort avoidance (PostgreSQL's "interesting orders", for one table): an
// ORDER BY (a Sort, a top-N sort under a LIMIT) or a GROUP BY over a
// scan of one table may instead read the table through an index whose
// key order is the order asked for, forward or backward (Index Scan
// Backward), after the index columns an equality fixes. The binder takes
// that plan when it costs less (joinMethods): with a LIMIT, reading a
// few index entries in order beats reading and sorting the whole table;
// without one, a covering index read in order beats a sort; a GROUP BY
// over rows arriving grouped aggregates them as they come instead of
// hashing them.

// orderFit reports whether reading index ix of table d yields rows in
// some order the caller wants, given that equalities fix the values of
// the index's first eq columns; reverse says to read it backward.
type orderFit func(d *catalog.Descriptor, ix *catalog.Index, eq int) (reverse, ok bool)

// keyColumns returns the columns an index's entries are ordered by: its
// own, then (for a secondary index) the primary key's, which its keys
// end with.
func keyColumns(d *catalog.Descriptor, ix *catalog.Index) []catalog.IndexColumn {
	if ix.ID == catalog.PrimaryIndexID {
		return ix.Columns
	}
	return append(append([]catalog.IndexColumn(nil), ix.Columns...), d.Primary.Columns...)
}

// columnAt returns the table column at position idx of a scan's columns,
// or false for a position past the table's columns.
func columnAt(d *catalog.Descriptor, idx int) (*catalog.Column, bool) {
	if idx < 0 || idx >= len(d.Columns) {
		return nil, false
	}
	return &d.Columns[idx], true
}

// sortFit is the orderFit of sort keys (column references over the
// table's columns): the index columns past the fixed ones are the keys'
// columns in order, all in the keys' directions or all reversed. A key
// on a fixed column is constant and matches anywhere; once the key
// columns run out, every row is told apart by the primary key among
// them, and keys after that change nothing. NULLs come last ascending
// and first descending, PostgreSQL's default, so a key asking otherwise
// on a nullable column does not fit; nor does a column whose key order
// is not its SQL order.
func sortFit(keys []SortKey) orderFit {
	return func(d *catalog.Descriptor, ix *catalog.Index, eq int) (bool, bool) {
		seq := keyColumns(d, ix)
		fixed := map[uint32]bool{}
		for _, ic := range seq[:min(eq, len(seq))] {
			fixed[ic.ColumnID] = true
		}
		pos, reverse, dirSet := eq, false, false
		for _, k := range keys {
			ref, ok := k.Expr.(*ColRef)
			if !ok {
				return false, false
			}
			col, ok := columnAt(d, ref.Idx)
			if !ok || col.ID == 0 {
				return false, false
			}
			if fixed[col.ID] {
				continue
			}
			for pos < len(seq) && seq[pos].ColumnID != 0 && fixed[seq[pos].ColumnID] {
				pos++
			}
			if pos == len(seq) {
				return reverse, true // the whole key told every row apart
			}
			ic := seq[pos]
			if ic.ColumnID != col.ID || !keyOrderIsSQLOrder(col) {
				return false, false
			}
			if !col.NotNull && k.NullsFirst != k.Desc {
				return false, false
			}
			r := k.Desc != ic.Desc
			if dirSet && r != reverse {
				return false, false
			}
			reverse, dirSet = r, true
			fixed[col.ID] = true // a repeated key column changes nothing
			pos++
		}
		return reverse, true
	}
}

// groupFit is the orderFit of GROUP BY columns (positions in the table's
// columns): the index columns past the fixed ones start with the
// unfixed group columns, in any order, so that each group's rows arrive
// together. Equal keys must mean equal values (keyOrderIsSQLOrder).
func groupFit(cols []int) orderFit {
	return func(d *catalog.Descriptor, ix *catalog.Index, eq int) (bool, bool) {
		seq := keyColumns(d, ix)
		want := map[uint32]bool{}
		for _, c := range cols {
			col, ok := columnAt(d, c)
			if !ok || col.ID == 0 || !keyOrderIsSQLOrder(col) {
				return false, false
			}
			want[col.ID] = true
		}
		for _, ic := range seq[:min(eq, len(seq))] {
			delete(want, ic.ColumnID)
		}
		for _, ic := range seq[min(eq, len(seq)):] {
			if len(want) == 0 {
				break
			}
			if ic.ColumnID == 0 || !want[ic.ColumnID] {
				return false, false
			}
			delete(want, ic.ColumnID)
		}
		return false, len(want) == 0
	}
}

// oneTable takes apart a read of one table: a scan (of the whole table)
// or an index scan, filtered or not. pred is the whole predicate the
// rows satisfy (the index conditions and the filter).
func oneTable(n Node) (s *Scan, ix *IndexScan, pred Expr, ok bool) {
	var f *Filter
	if ff, isF := n.(*Filter); isF {
		f, n = ff, ff.Input
	}
	var conds []Expr
	switch x := n.(type) {
	case *Scan:
		if x.Span != nil {
			return nil, nil, nil, false
		}
		s = x
	case *IndexScan:
		ix = x
		if x.Cond != nil {
			conds = append(conds, x.Cond)
		}
	default:
		return nil, nil, nil, false
	}
	if f != nil {
		conds = append(conds, f.Pred)
	}
	return s, ix, and(conds), true
}

// filteredBy returns ix under the conjuncts of pred it does not answer
// exactly (ix.Exact), which its Cond shows.
func filteredBy(ix *IndexScan, pred Expr) Node {
	var rest, exact []Expr
	for i, c := range conjuncts(pred) {
		if slices.Contains(ix.Exact, i) {
			exact = append(exact, c)
		} else {
			rest = append(rest, c)
		}
	}
	exact = append(exact, ix.Implied...)
	if len(exact) > 0 {
		ix.Cond = and(exact)
	}
	if len(rest) == 0 {
		return ix
	}
	return &Filter{Input: ix, Pred: and(rest)}
}

// orderedRead returns the cheapest read of the one-table input n that
// fit accepts: through each btree index (not partial), with the
// conditions of n's predicate the index takes as its bounds, the rest a
// filter. When n's index scan already fits, it returns a copy of n read
// backward if need be. nil when nothing fits or the input is not one
// table.
func (b *Binder) orderedRead(n Node, fit orderFit) Node {
	s, cur, pred, ok := oneTable(n)
	if !ok || b.Methods.NoIndexScan {
		return nil
	}
	var d *catalog.Descriptor
	var needed []bool
	var base *Scan
	if cur != nil {
		if cur.Reverse {
			return nil
		}
		d = cur.Table
		if len(cur.Eqs) == 1 {
			if reverse, ok := fit(d, cur.Index, len(cur.Eqs[0])); ok {
				// A copy: joinMethods may yet rewrite n in place.
				again := *cur
				again.Reverse = reverse
				return replaceScan(n, &again)
			}
		}
		// Another read replaces the index scan access chose only on
		// statistics for its conditions, as seqIfCheaper does: values
		// known only when the statement runs (parameters) make any
		// estimate a guess, and the index is likely the better one.
		if !b.hasColumnStats(d) {
			return nil
		}
		if _, ok := b.indexScanSelectivity(cur); !ok {
			return nil
		}
		// The index answered some conditions from its keys, so their
		// columns may be missing from its Needed: add what pred reads.
		if cur.Needed != nil {
			needed = append([]bool(nil), cur.Needed...)
			walkExpr(pred, func(e Expr) {
				if r, ok := e.(*ColRef); ok && r.Idx < len(needed) {
					needed[r.Idx] = true
				}
			})
		}
		base = &Scan{Table: d, Alias: cur.Alias, Cols: cur.Cols, Needed: needed}
	} else {
		d, needed, base = s.Table, s.Needed, s
	}
	bounded := map[uint32]*IndexScan{}
	for _, c := range accessCandidates(base, pred) {
		bounded[c.scan.Index.ID] = c.scan
	}
	var best Node
	var bestCost float64
	consider := func(ix *catalog.Index) {
		if ix.Method != "" && ix.Method != "btree" || ix.Predicate != "" {
			return
		}
		scan := bounded[ix.ID]
		if scan == nil {
			scan = &IndexScan{Table: d, Alias: base.Alias, Cols: base.Cols, Index: ix, Eqs: [][]Expr{nil}}
		}
		if len(scan.Eqs) != 1 {
			return // an IN list's alternatives come one after another
		}
		reverse, ok := fit(d, ix, len(scan.Eqs[0]))
		if !ok {
			return
		}
		scan = &IndexScan{Table: d, Alias: base.Alias, Cols: base.Cols, Index: ix, Eqs: scan.Eqs, Range: scan.Range,
			Exact: scan.Exact, Needed: needed, Reverse: reverse}
		node := filteredBy(scan, pred)
		c, ok := b.cost(node)
		if !ok {
			return
		}
		if best == nil || c.Total < bestCost {
			best, bestCost = node, c.Total
		}
	}
	consider(&d.Primary)
	for i := range d.Indexes {
		consider(&d.Indexes[i])
	}
	return best
}

// replaceScan returns n (an index scan, or a filter over one) reading
// ix instead.
func replaceScan(n Node, ix *IndexScan) Node {
	if f, ok := n.(*Filter); ok {
		return &Filter{Input: ix, Pred: f.Pred}
	}
	return ix
}

// underProject returns the node below an optional projection of plain
// columns with keys rewritten onto its columns, and a function putting
// the projection back over a replacement; ok is false when a key is not
// a plain column of the projection.
func underProject(n Node, keys []SortKey) (in Node, mapped []SortKey, wrap func(Node) Node, ok bool) {
	p, isP := n.(*Project)
	if !isP {
		return n, keys, func(x Node) Node { return x }, true
	}
	for _, k := range keys {
		ref, isRef := k.Expr.(*ColRef)
		if !isRef || ref.Idx >= len(p.Exprs) {
			return nil, nil, nil, false
		}
		inner, isRef := p.Exprs[ref.Idx].(*ColRef)
		if !isRef {
			return nil, nil, nil, false
		}
		mapped = append(mapped, SortKey{Expr: inner, Desc: k.Desc, NullsFirst: k.NullsFirst})
	}
	return p.Input, mapped, func(x Node) Node {
		q := *p
		q.Input = x
		return &q
	}, true
}

// inOrder returns s's input read in s's order through an index, or nil.
func (b *Binder) inOrder(s *Sort) Node {
	in, keys, wrap, ok := underProject(s.Input, s.Keys)
	if !ok {
		return nil
	}
	if r := b.orderedRead(in, sortFit(keys)); r != nil {
		return wrap(r)
	}
	return nil
}

// limitedSort returns the sort a limit takes its rows from (through
// projections), and a function rebuilding the limit's input over a
// replacement of the sort; nil when there is none.
func limitedSort(l *Limit) (*Sort, func(Node) Node) {
	var path []*Project
	n := l.Input
	for {
		switch x := n.(type) {
		case *Project:
			path = append(path, x)
			n = x.Input
			continue
		case *Sort:
			return x, func(r Node) Node {
				for i := len(path) - 1; i >= 0; i-- {
					p := *path[i]
					p.Input = r
					r = &p
				}
				return r
			}
		}
		return nil, nil
	}
}

// groupedRead returns a's input read through an index so that each
// group's rows arrive together, or nil.
func (b *Binder) groupedRead(a *Aggregate) Node {
	if len(a.GroupBy) == 0 {
		return nil
	}
	keys := make([]SortKey, 0, len(a.GroupBy))
	for _, g := range a.GroupBy {
		ref, ok := g.(*ColRef)
		if !ok {
			return nil
		}
		keys = append(keys, SortKey{Expr: ref})
	}
	in, mapped, wrap, ok := underProject(a.Input, keys)
	if !ok {
		return nil
	}
	cols := make([]int, 0, len(mapped))
	for _, k := range mapped {
		cols = append(cols, k.Expr.(*ColRef).Idx)
	}
	if r := b.orderedRead(in, groupFit(cols)); r != nil {
		return wrap(r)
	}
	return nil
}

// cheaper reports whether plan a costs less than plan than.
func (b *Binder) cheaper(a, than Node) bool {
	ac, ok1 := b.cost(a)
	tc, ok2 := b.cost(than)
	return ok1 && ok2 && ac.Total < tc.Total
}
