package plan

import (
	"github.com/cairndb/cairn/internal/catalog"
)

// Join methods from row counts (RowCount, from ANALYZE). An inner join on
// an equality whose one side is a whole table with an index leading with
// its join column, and whose other side is much smaller, reads the table
// through the index once per row of the small side (IndexJoin) instead of
// hashing the whole table; a hash join hashes its smaller side. Without
// counts the plan stays as optimize made it.

// IndexJoin joins Outer with Table: for each outer row it reads the rows
// of Table whose Index's leading column equals OuterKey, and keeps the
// combinations On accepts. Cols are the join's columns in its original
// order: the table's first when InnerFirst.
type IndexJoin struct {
	Outer      Node
	Table      *catalog.Descriptor
	Alias      string
	InnerCols  []Column
	Index      *catalog.Index
	OuterKey   Expr
	On         Expr
	InnerFirst bool
	Cols       []Column
	// Needed marks the table columns the plan reads (nil: all).
	Needed []bool
}

func (n *IndexJoin) Columns() []Column { return n.Cols }

// estimate guesses a node's output rows; known is false when no table
// below it was counted.
func (b *Binder) estimate(n Node) (rows float64, known bool) {
	switch n := n.(type) {
	case *Scan:
		return b.tableRows(n.Table)
	case *IndexScan:
		r, k := b.tableRows(n.Table)
		if sel, ok := b.indexScanSelectivity(n); ok && k {
			return max(1, r*sel), k
		}
		switch {
		case n.Index.Unique && len(n.Eqs) > 0 && len(n.Eqs[0]) == len(n.Index.Columns):
			return float64(len(n.Eqs)), k
		case len(n.Eqs) > 0 && len(n.Eqs[0]) > 0:
			return max(1, r/20*float64(len(n.Eqs))), k
		}
		return max(1, r/4), k
	case *Filter:
		r, k := b.estimate(n.Input)
		if s, ok := n.Input.(*Scan); ok && b.hasColumnStats(s.Table) {
			return max(1, r*b.selectivity(s.Table, n.Pred)), k
		}
		if s, ok := n.Input.(*IndexScan); ok && b.hasColumnStats(s.Table) {
			return max(1, r*b.selectivity(s.Table, n.Pred)), k
		}
		if s, ok := n.Input.(*IndexAnd); ok && b.hasColumnStats(s.Table) {
			// The filter holds the whole predicate.
			tr, _ := b.tableRows(s.Table)
			return max(1, tr*b.selectivity(s.Table, n.Pred)), k
		}
		return max(1, r/3), k
	case *Project:
		return b.estimate(n.Input)
	case *ProjectSet:
		// Ten rows a call, as PostgreSQL assumes of a set-returning
		// function it knows nothing about.
		r, k := b.estimate(n.Input)
		return r * 10, k
	case *GroupingExpand:
		r, k := b.estimate(n.Input)
		return r * float64(n.Sets), k
	case *Sort:
		return b.estimate(n.Input)
	case *Distinct:
		return b.estimate(n.Input)
	case *Limit:
		r, k := b.estimate(n.Input)
		if c, ok := n.Count.(*Const); ok && !c.Val.IsNull() {
			r = min(r, float64(c.Val.Int()))
		} else if n.Count != nil {
			// A count known only when the statement runs: a tenth of
			// the rows, as PostgreSQL's generic plans assume.
			r = max(1, r/10)
		}
		return r, k
	case *Aggregate:
		if len(n.GroupBy) == 0 {
			return 1, true
		}
		r, k := b.estimate(n.Input)
		return max(1, r/10), k
	case *Join:
		l, lk := b.estimate(n.Left)
		r, rk := b.estimate(n.Right)
		if n.Kind == SemiJoin || n.Kind == AntiJoin {
			// The left rows with a match: as many as the keys' distinct
			// values on the right cover of those on the left.
			frac := 0.5
			if len(n.LeftKeys) == 1 {
				ld, ok1 := b.keyDistinct(n.Left, n.LeftKeys[0])
				rd, ok2 := b.keyDistinct(n.Right, n.RightKeys[0])
				if ok1 && ok2 {
					frac = min(1, rd/ld, r/max(ld, 1))
				}
			}
			if n.Kind == AntiJoin {
				frac = 1 - frac
			}
			return max(1, l*frac), lk && rk
		}
		if sel, ok := b.joinSelectivity(n); ok && lk && rk {
			// An equality join: each pair of rows matches with the
			// chance of their keys being equal, 1/max of the keys'
			// distinct counts (PostgreSQL's eqjoinsel without MCVs).
			rows := max(1, l*r*sel)
			switch n.Kind {
			case LeftJoin:
				rows = max(rows, l)
			case RightJoin:
				rows = max(rows, r)
			case FullJoin:
				rows = max(rows, l, r)
			}
			return rows, true
		}
		return max(l, r), lk && rk
	case *Values:
		return float64(len(n.Rows)), true
	case *MergeJoin:
		return b.estimate(n.join)
	case *IndexAnd:
		r, k := b.tableRows(n.Table)
		for _, s := range n.Scans {
			if sel, ok := b.indexScanSelectivity(s); ok {
				r *= sel
			}
		}
		return max(1, r), k
	case *IndexJoin:
		o, ok := b.estimate(n.Outer)
		r, rk := b.tableRows(n.Table)
		if !ok || !rk {
			return 1000, false
		}
		per := 1.0
		if !n.Index.Unique {
			per = max(1, r/20)
			if len(n.Index.Columns) > 0 && n.Index.Columns[0].ColumnID != 0 {
				for j, c := range n.Table.Columns {
					if c.ID == n.Index.Columns[0].ColumnID {
						per = max(1, r*b.eqSelectivity(n.Table, j, &Param{}))
					}
				}
			}
		}
		return o * per, true
	}
	return 1000, false
}

// joinSelectivity estimates the fraction of row pairs an equality join
// keeps, from the distinct counts of its key columns; ok is false when a
// key is not a column with statistics.
func (b *Binder) joinSelectivity(j *Join) (float64, bool) {
	if len(j.LeftKeys) == 0 {
		return 0, false
	}
	sel := 1.0
	for k := range j.LeftKeys {
		l, ok1 := b.keyDistinct(j.Left, j.LeftKeys[k])
		r, ok2 := b.keyDistinct(j.Right, j.RightKeys[k])
		if !ok1 || !ok2 {
			return 0, false
		}
		sel *= 1 / max(l, r, 1)
	}
	return sel, true
}

// keyDistinct returns the distinct count of the table column that key,
// a column of n, reads, when n passes it through from a counted table.
func (b *Binder) keyDistinct(n Node, key Expr) (float64, bool) {
	cr, ok := key.(*ColRef)
	if !ok {
		return 0, false
	}
	d, col, ok := columnOrigin(n, cr.Idx)
	if !ok {
		return 0, false
	}
	cs, _ := b.columnStatsAt(d, col)
	if cs == nil || cs.Distinct <= 0 {
		return 0, false
	}
	return cs.Distinct, true
}

// columnOrigin follows column idx of n's output down to a table column:
// the table and the column's position; ok is false for a computed one.
func columnOrigin(n Node, idx int) (*catalog.Descriptor, int, bool) {
	switch n := n.(type) {
	case *Scan:
		return n.Table, idx, idx < len(n.Table.Columns)
	case *IndexScan:
		return n.Table, idx, idx < len(n.Table.Columns)
	case *Filter:
		return columnOrigin(n.Input, idx)
	case *Project:
		if idx < len(n.Exprs) {
			if cr, ok := n.Exprs[idx].(*ColRef); ok {
				return columnOrigin(n.Input, cr.Idx)
			}
		}
	case *Join:
		if nl := len(n.Left.Columns()); idx < nl {
			return columnOrigin(n.Left, idx)
		} else {
			return columnOrigin(n.Right, idx-nl)
		}
	}
	return nil, 0, false
}

func (b *Binder) tableRows(d *catalog.Descriptor) (float64, bool) {
	if b.RowCount == nil {
		return 1000, false
	}
	n, ok := b.RowCount(d.ID)
	if !ok {
		return 1000, false
	}
	return float64(max(n, 1)), true
}

// joinMethods rewrites the inner joins of a plan whose row counts make
// another method better (see the top of this file).
func (b *Binder) joinMethods(n Node) Node {
	switch n := n.(type) {
	case *Filter:
		if ix, ok := n.Input.(*IndexScan); ok {
			if and := b.intersectIfCheaper(ix, n.Pred); and != nil {
				return and
			}
			if seq := b.seqIfCheaper(ix, n.Pred); seq != nil {
				return seq
			}
		}
		n.Input = b.joinMethods(n.Input)
	case *IndexScan:
		if and := b.intersectIfCheaper(n, nil); and != nil {
			return and
		}
		if seq := b.seqIfCheaper(n, nil); seq != nil {
			return seq
		}
	case *Project:
		n.Input = b.joinMethods(n.Input)
	case *Sort:
		// Sort avoidance (order.go): an index read in order, when the
		// input is in order already or that costs less.
		alt := b.inOrder(n)
		n.Input = b.joinMethods(n.Input)
		if alt != nil && b.cheaper(alt, n) {
			return alt
		}
	case *Limit:
		s, rebuild := limitedSort(n)
		if s == nil {
			n.Input = b.joinMethods(n.Input)
			break
		}
		alt := b.inOrder(s)
		s.Input = b.joinMethods(s.Input)
		if alt != nil && b.cheaper(&Limit{Input: rebuild(alt), Count: n.Count, Offset: n.Offset, Ties: n.Ties}, n) {
			n.Input = rebuild(alt)
		}
	case *Distinct:
		n.Input = b.joinMethods(n.Input)
	case *Aggregate:
		if n.Sorted {
			// The aggregate relies on its input's order: keep the
			// index scan that gives it.
			b.keepOrder++
			n.Input = b.joinMethods(n.Input)
			b.keepOrder--
			break
		}
		// Rows arriving grouped, through an index, stream through the
		// aggregate; taken when reading them so costs no more than
		// reading them as they are and hashing them.
		alt := b.groupedRead(n)
		n.Input = b.joinMethods(n.Input)
		if alt == nil {
			break
		}
		ac, ok1 := b.cost(alt)
		cc, ok2 := b.cost(n.Input)
		if ok1 && ok2 && ac.Total <= cc.Total+cc.Rows*costCPURow {
			n.Input, n.Sorted = alt, true
		}
	case *Window:
		n.Input = b.joinMethods(n.Input)
	case *ProjectSet:
		n.Input = b.joinMethods(n.Input)
	case *GroupingExpand:
		n.Input = b.joinMethods(n.Input)
	case *Join:
		if (n.Kind == InnerJoin || n.Kind == CrossJoin) && !b.reordered[n] {
			if r := b.reorder(n); r != nil {
				markJoins(r, b)
				return b.joinMethods(r)
			}
		}
		n.Left, n.Right = b.joinMethods(n.Left), b.joinMethods(n.Right)
		if n.Kind != InnerJoin || len(n.LeftKeys) == 0 {
			return n
		}
		var chosen Node = n
		if ij := b.indexJoin(n, false); ij != nil {
			chosen = ij
		} else if ij := b.indexJoin(n, true); ij != nil {
			chosen = ij
		}
		if mj := b.mergeJoin(n); mj != nil {
			mc, ok1 := b.cost(mj)
			cc, ok2 := b.cost(chosen)
			switch {
			case ok1 && ok2 && mc.Total < cc.Total:
				return mj
			case chosen == n && b.Methods.NoHashJoin:
				return mj // hash joins are off and no index join serves
			}
		}
		if chosen != n {
			return chosen
		}
		return b.hashSmaller(n)
	}
	return n
}

// markJoins records the joins of a reordered tree, so that joinMethods
// does not reorder them again.
func markJoins(n Node, b *Binder) {
	if b.reordered == nil {
		b.reordered = map[*Join]bool{}
	}
	switch n := n.(type) {
	case *Project:
		markJoins(n.Input, b)
	case *Join:
		b.reordered[n] = true
		markJoins(n.Left, b)
		markJoins(n.Right, b)
	}
}

// indexJoin returns j as an IndexJoin reading its right side (its left,
// with innerLeft) through an index, when the counts favour it.
func (b *Binder) indexJoin(j *Join, innerLeft bool) Node {
	inner, outer := j.Right, j.Left
	innerKeys, outerKeys := j.RightKeys, j.LeftKeys
	if innerLeft {
		inner, outer = j.Left, j.Right
		innerKeys, outerKeys = j.LeftKeys, j.RightKeys
	}
	scan, ok := inner.(*Scan)
	if !ok || b.Methods.NoNestLoop {
		return nil
	}

	for k, key := range innerKeys {
		cr, ok := key.(*ColRef)
		if !ok || cr.Idx >= len(scan.Table.Columns) {
			continue
		}
		colID := scan.Table.Columns[cr.Idx].ID
		ok = exactFamily(cr.Typ) && sameFamily(outerKeys[k].Type(), cr.Typ) && exactFamily(outerKeys[k].Type())
		if !ok {
			continue
		}
		for _, ix := range append([]*catalog.Index{&scan.Table.Primary}, indexPtrs(scan.Table)...) {
			if ix.Method != "" && ix.Method != "btree" || len(ix.Columns) == 0 || ix.Columns[0].ColumnID != colID || ix.Columns[0].Desc {
				continue
			}
			if exprs := scan.Indexes[ix.ID]; exprs != nil && exprs.Pred != nil {
				continue // a partial index lacks rows
			}
			ij := &IndexJoin{Outer: outer, Table: scan.Table, Alias: scan.Alias, InnerCols: scan.Cols, Index: ix,
				OuterKey: outerKeys[k], On: j.On, InnerFirst: innerLeft, Cols: j.Cols, Needed: scan.Needed}
			if !b.Methods.NoHashJoin {
				// A seek per outer row (and a point read per match
				// through a secondary index) against hashing the table.
				ic, ok1 := b.cost(ij)
				hc, ok2 := b.cost(j)
				if !ok1 || !ok2 || ic.Total >= hc.Total {
					return nil
				}
			}
			return ij
		}
	}
	return nil
}

func indexPtrs(d *catalog.Descriptor) []*catalog.Index {
	out := make([]*catalog.Index, len(d.Indexes))
	for i := range d.Indexes {
		out[i] = &d.Indexes[i]
	}
	return out
}

// hashSmaller makes the smaller input of a hash join the one it hashes
// (its right), restoring the column order with a projection.
func (b *Binder) hashSmaller(j *Join) Node {
	l, lk := b.estimate(j.Left)
	r, rk := b.estimate(j.Right)
	if !lk || !rk || r <= 2*l {
		return j
	}
	if j.On != nil {
		if _, _, pinned := refRange(j.On); pinned {
			// A correlated subquery in the condition reads the combined
			// row by position: the sides cannot trade places.
			return j
		}
	}
	nl, nr := len(j.Left.Columns()), len(j.Right.Columns())
	swapped := &Join{Kind: InnerJoin, Left: j.Right, Right: j.Left, LeftKeys: j.RightKeys, RightKeys: j.LeftKeys,
		Cols: concatCols(j.Right.Columns(), j.Left.Columns())}
	if j.On != nil {
		swapped.On = remap(j.On, func(i int) int {
			if i < nl {
				return i + nr
			}
			return i - nl
		})
	}
	exprs := make([]Expr, len(j.Cols))
	for i, c := range j.Cols {
		src := i + nr
		if i >= nl {
			src = i - nl
		}
		exprs[i] = &ColRef{Idx: src, Typ: c.Type, Name: c.Name}
	}
	return &Project{Input: swapped, Exprs: exprs, Cols: j.Cols}
}
