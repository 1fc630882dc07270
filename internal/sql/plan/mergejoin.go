package plan

import "github.com/cairndb/cairn/internal/sql/types"

// MergeJoin is an inner equality join of two inputs that come ordered
// ascending by their join keys: the executor walks them in step and pairs
// the rows of equal keys, with no hash table. Outer drives; the inner
// rows of each outer key are gathered once and kept while the outer key
// repeats.
//
// With Seek, Inner is a table scan (filtered or not) in primary-key order
// whose leading key column is InnerKey: instead of reading the rows
// between two outer keys the executor seeks the scan forward to the next
// outer key, so a small ordered outer side joins a large table for a seek
// per outer key. Seeks between sorted keys are cheap: the storage
// iterators stay in the block they are on.
type MergeJoin struct {
	Outer, Inner       Node
	OuterKey, InnerKey *ColRef
	// On is the whole join condition over Cols; Filter is what of it is
	// left to check on each pair: On without the equality of the keys,
	// which the walk itself ensures (nil when nothing is left).
	On, Filter Expr
	InnerFirst bool // Cols start with the inner side's columns
	Cols       []Column
	Seek       bool
	// join is the join it replaces, for the estimate of its rows.
	join *Join
}

func (n *MergeJoin) Columns() []Column { return n.Cols }

// A forward seek of a scan to a key a little ahead of where it is costs
// a search within the block it is on (costSeekNear); the farther ahead,
// the likelier a block of its own, up to what a point read costs.
const (
	costSeekNear    = 2.0
	costSeekPerSkip = 0.05
)

// seekCost is the cost of each of seeks forward seeks spread evenly over
// rows rows.
func seekCost(seeks, rows float64) float64 {
	gap := rows / max(seeks, 1)
	return min(costIndexSeek, costSeekNear+gap*costSeekPerSkip)
}

// mergeJoin returns the cheapest merge join for j over a pair of its
// equality keys, or nil. Each side comes ordered by its key (orderedOn):
// it reads a table in primary-key order led by the key column, or a whole
// index led by it, or it is sorted. Where one side is a table scan in
// primary-key order, it is read by seeking (Seek), the other side
// driving.
func (b *Binder) mergeJoin(j *Join) *MergeJoin {
	if j.Kind != InnerJoin || b.Methods.NoMergeJoin {
		return nil
	}
	if j.On != nil {
		if _, _, pinned := refRange(j.On); pinned {
			return nil // a correlated subquery reads the row by position
		}
	}
	var best *MergeJoin
	var bestCost float64
	for k := range j.LeftKeys {
		lk, ok1 := j.LeftKeys[k].(*ColRef)
		rk, ok2 := j.RightKeys[k].(*ColRef)
		if !ok1 || !ok2 || !exactFamily(lk.Typ) || !exactFamily(rk.Typ) || !sameFamily(lk.Typ, rk.Typ) {
			continue
		}
		for _, innerLeft := range []bool{false, true} {
			outer, inner, ok, ik := j.Left, j.Right, lk, rk
			if innerLeft {
				outer, inner, ok, ik = j.Right, j.Left, rk, lk
			}
			o := orderedOn(outer, ok)
			mj := &MergeJoin{Outer: o, OuterKey: ok, InnerKey: ik, On: j.On, Filter: withoutKeyEq(j.On, lk.Idx, len(j.Left.Columns())+rk.Idx),
				InnerFirst: innerLeft, Cols: j.Cols, join: j}
			if seekable(inner, ik.Idx) {
				mj.Inner, mj.Seek = inner, true
			} else {
				mj.Inner = orderedOn(inner, ik)
			}
			c, known := b.cost(mj)
			if !known {
				if best == nil {
					best = mj // chosen only where the others are ruled out
				}
				continue
			}
			if best == nil || c.Total < bestCost {
				best, bestCost = mj, c.Total
			}
		}
	}
	return best
}

// withoutKeyEq returns the join condition on without its conjunct
// a = b, for columns a and b of the joined row (nil if nothing is left).
func withoutKeyEq(on Expr, a, b int) Expr {
	var rest []Expr
	dropped := false
	for _, c := range conjuncts(on) {
		if !dropped && isColumnEq(c, a, b) {
			dropped = true
			continue
		}
		rest = append(rest, c)
	}
	if len(rest) == 0 {
		return nil
	}
	return and(rest)
}

// isColumnEq reports whether e is a = b or b = a of two columns.
func isColumnEq(e Expr, a, b int) bool {
	eq, ok := e.(*BinOp)
	if !ok || eq.Op != types.OpEq {
		return false
	}
	l, ok1 := eq.L.(*ColRef)
	r, ok2 := eq.R.(*ColRef)
	return ok1 && ok2 && (l.Idx == a && r.Idx == b || l.Idx == b && r.Idx == a)
}

// seekable reports whether n is a table scan (filtered or not) of the
// whole table whose primary key leads with column col, ascending.
func seekable(n Node, col int) bool {
	s, _ := wholeScan(n, col)
	if s == nil {
		return false
	}
	pk := s.Table.Primary.Columns
	return len(pk) > 0 && !pk[0].Desc && pk[0].ColumnID != 0 && pk[0].ColumnID == s.Table.Columns[col].ID
}

// orderedOn returns n in a form whose rows come ascending by key, a
// column of n (NULLs aside): n itself when it reads an index led by the
// column; with its table scan replaced by a full scan of such an index;
// else n sorted.
func orderedOn(n Node, key *ColRef) Node {
	if ord := orderedBy(n); len(ord) > 0 && ord[0] == key.Idx && ascendingLead(n) {
		return n
	}
	if ix := indexOrdered(n, key.Idx); ix != nil {
		return ix
	}
	return &Sort{Input: n, Keys: []SortKey{{Expr: key}}}
}

// indexOrdered returns n, a table scan filtered or not, reading instead
// a whole index led by column col ascending; nil when there is none.
func indexOrdered(n Node, col int) Node {
	s, f := wholeScan(n, col)
	if s == nil {
		return nil
	}
	colID := s.Table.Columns[col].ID
	for i := range s.Table.Indexes {
		ix := &s.Table.Indexes[i]
		if ix.Method != "" && ix.Method != "btree" || ix.Predicate != "" || len(ix.Columns) == 0 ||
			ix.Columns[0].ColumnID != colID || ix.Columns[0].Desc {
			continue
		}
		var ordered Node = &IndexScan{Table: s.Table, Alias: s.Alias, Cols: s.Cols, Index: ix, Eqs: [][]Expr{nil}, Needed: s.Needed}
		if f != nil {
			ordered = &Filter{Input: ordered, Pred: f.Pred}
		}
		return ordered
	}
	return nil
}

// wholeScan returns the scan of a whole table that n is, or filters (f),
// when col is one of its columns; nil otherwise.
func wholeScan(n Node, col int) (s *Scan, f *Filter) {
	if ff, ok := n.(*Filter); ok {
		f, n = ff, ff.Input
	}
	s, ok := n.(*Scan)
	if !ok || s.Span != nil || col >= len(s.Table.Columns) {
		return nil, nil
	}
	return s, f
}

// ascendingLead reports whether the index whose order orderedBy found
// under n leads with an ascending column.
func ascendingLead(n Node) bool {
	switch n := n.(type) {
	case *Scan:
		return len(n.Table.Primary.Columns) > 0 && !n.Table.Primary.Columns[0].Desc
	case *IndexScan:
		return len(n.Index.Columns) > 0 && n.Index.Columns[0].Desc == n.Reverse
	case *Filter:
		return ascendingLead(n.Input)
	case *Project:
		return ascendingLead(n.Input)
	}
	return false
}

// mergeJoinCost is a merge join's cost: both inputs read (the inner one
// by a seek per outer key when that costs less than reading it all) and
// every row compared once.
func (b *Binder) mergeJoinCost(n *MergeJoin, rows float64) (Cost, bool) {
	o, ok1 := b.cost(n.Outer)
	in, ok2 := b.cost(n.Inner)
	if !ok1 || !ok2 {
		return Cost{}, false
	}
	inner := in.Total
	read := in.Rows
	if n.Seek {
		n := min(o.Rows, in.Rows)
		seeks := n*seekCost(n, in.Rows) + rows*(costSeqRow+costCPURow)
		if seeks < inner {
			inner, read = seeks, min(in.Rows, rows)
		}
	}
	return Cost{Startup: o.Startup + in.Startup, Total: o.Total + inner + (o.Rows+read)*costCPURow + rows*costOpRow, Rows: rows}, true
}
