package plan

// Column pruning: each table access learns which of its columns the plan
// above it reads (Needed), so the executor decodes only those; the rest
// of the row reads as NULL and nothing above looks at it. Wide columns a
// query does not touch (a 60-byte pad, a document) then cost a skip, not
// an allocation.
//
// The analysis is conservative: an expression or node it does not know,
// or a correlated subquery (which reads the row through OuterRef),
// makes every input column needed.

// prune sets Needed on the table accesses of the plan n (whose outputs
// are all read), stopping at the roots of plans bound separately
// (subqueries, CTEs, views, derived tables), which were pruned on their
// own and may be shared.
func (b *Binder) prune(n Node) Node {
	if b.pruned == nil {
		b.pruned = map[Node]bool{}
	}
	pruneNode(n, nil, b.pruned)
	b.pruned[n] = true
	return n
}

// needSet is the set of input columns a node reads: nil means all.
type needSet []bool

func (s needSet) all() bool { return s == nil }

// newNeed returns an empty set over n columns.
func newNeed(n int) needSet { return make(needSet, n) }

// addExpr adds the columns e reads; it returns false when it cannot tell
// (the caller then needs everything).
func (s needSet) addExpr(e Expr) bool {
	ok := true
	var walk func(Expr)
	walk = func(e Expr) {
		if !ok || e == nil {
			return
		}
		switch x := e.(type) {
		case *ColRef:
			if x.Idx < 0 || x.Idx >= len(s) {
				ok = false
				return
			}
			s[x.Idx] = true
			return
		case *Subquery:
			if x.Correlated {
				ok = false
				return
			}
		case *OuterRef, *Const, *Param, *BinOp, *UnOp, *Logic, *Not, *IsNull, *IsBool, *IsDistinct,
			*Cast, *Case, *InList, *Func, *Coalesce, *NullIf, *MinMax, *ArrayCtor, *Subscript, *AnyArray,
			*FTSMatch, *FTSSnippet:
		default:
			ok = false
			return
		}
		for _, c := range children(e) {
			walk(c)
		}
	}
	walk(e)
	return ok
}

func pruneNode(n Node, need needSet, stop map[Node]bool) {
	if stop[n] {
		return
	}
	// in computes the needs of an input of width w from exprs over it
	// (plus what passes through, for nodes whose output is their input);
	// nil when everything is needed.
	in := func(w int, pass needSet, exprs ...Expr) needSet {
		s := newNeed(w)
		if pass != nil {
			if len(pass) != w {
				return nil
			}
			copy(s, pass)
		} else if len(exprs) == 0 || pass == nil {
			// Output columns are the input's, all read.
			return nil
		}
		for _, e := range exprs {
			if !s.addExpr(e) {
				return nil
			}
		}
		return s
	}
	switch n := n.(type) {
	case *Scan:
		n.Needed = need
	case *IndexScan:
		n.Needed = need
	case *InvertedScan:
		n.Needed = need
	case *FTSScan:
		n.Needed = need
	case *Filter:
		if need.all() {
			pruneNode(n.Input, nil, stop)
			return
		}
		pruneNode(n.Input, in(len(n.Input.Columns()), need, n.Pred), stop)
	case *Project:
		s := newNeed(len(n.Input.Columns()))
		for i, e := range n.Exprs {
			if (need.all() || need[i]) && !s.addExpr(e) {
				s = nil
				break
			}
		}
		pruneNode(n.Input, s, stop)
	case *Sort:
		if need.all() {
			pruneNode(n.Input, nil, stop)
			return
		}
		keys := make([]Expr, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = k.Expr
		}
		pruneNode(n.Input, in(len(n.Input.Columns()), need, keys...), stop)
	case *Limit:
		if len(n.Ties) > 0 && !need.all() {
			keys := make([]Expr, len(n.Ties))
			for i, k := range n.Ties {
				keys[i] = k.Expr
			}
			need = in(len(n.Input.Columns()), need, keys...)
		}
		pruneNode(n.Input, need, stop)
	case *Aggregate:
		s := newNeed(len(n.Input.Columns()))
		exprs := append([]Expr{}, n.GroupBy...)
		for _, a := range n.Aggs {
			exprs = append(exprs, a.Args...)
			for _, k := range a.OrderBy {
				exprs = append(exprs, k.Expr)
			}
			if a.Filter != nil {
				exprs = append(exprs, a.Filter)
			}
		}
		for _, e := range exprs {
			if !s.addExpr(e) {
				s = nil
				break
			}
		}
		pruneNode(n.Input, s, stop)
	case *Join:
		if n.Kind == SemiJoin || n.Kind == AntiJoin {
			// The left rows pass through; the right side is read for
			// its keys only.
			var left needSet
			if !need.all() {
				left = append(needSet{}, need...)
				for _, k := range n.LeftKeys {
					if !left.addExpr(k) {
						left = nil
						break
					}
				}
			}
			right := newNeed(len(n.Right.Columns()))
			for _, k := range n.RightKeys {
				if !right.addExpr(k) {
					right = nil
					break
				}
			}
			pruneNode(n.Left, left, stop)
			pruneNode(n.Right, right, stop)
			break
		}
		nl := len(n.Left.Columns())
		all := newNeed(len(n.Cols))
		if need.all() {
			all = nil
		} else {
			copy(all, need)
			exprs := []Expr{}
			if n.On != nil {
				exprs = append(exprs, n.On)
			}
			for _, e := range exprs {
				if !all.addExpr(e) {
					all = nil
					break
				}
			}
		}
		var left, right needSet
		if all != nil {
			left, right = append(needSet{}, all[:nl]...), append(needSet{}, all[nl:]...)
			for _, k := range n.LeftKeys {
				if !left.addExpr(k) {
					left = nil
					break
				}
			}
			for _, k := range n.RightKeys {
				if right != nil && !right.addExpr(k) {
					right = nil
				}
			}
		}
		pruneNode(n.Left, left, stop)
		pruneNode(n.Right, right, stop)
	case *Apply:
		// The right side reads the left row through OuterRef: keep it
		// whole.
		pruneNode(n.Left, nil, stop)
		pruneNode(n.Right, nil, stop)
	case *Distinct:
		pruneNode(n.Input, nil, stop)
	case *SetOp:
		pruneNode(n.Left, nil, stop)
		pruneNode(n.Right, nil, stop)
	case *Window:
		pruneNode(n.Input, nil, stop)
	case *ProjectSet:
		pruneNode(n.Input, nil, stop)
	case *GroupingExpand:
		pruneNode(n.Input, nil, stop)
	}
}
