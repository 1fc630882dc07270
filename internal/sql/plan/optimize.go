package plan

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/types"
)

// optimize rewrites a bound plan: it pushes filter conjuncts below inner
// and cross joins to the side whose columns they read, and turns the rest
// into join conditions, so joins combine fewer rows.
func optimize(n Node) Node {
	switch n := n.(type) {
	case *Filter:
		if d := decorrelate(n); d != nil {
			return optimize(d)
		}
		n.Input = optimize(n.Input)
		if j, ok := n.Input.(*Join); ok && (j.Kind == InnerJoin || j.Kind == CrossJoin) {
			return pushIntoJoin(j, conjuncts(n.Pred))
		}
		if s, ok := n.Input.(*Scan); ok {
			ix := chooseAccess(s, n.Pred)
			if ix == nil || len(ix.Eqs[0]) == 0 {
				if scan, rest, ok := chooseFTS(s, n.Pred); ok {
					if rest == nil {
						return scan
					}
					n.Input, n.Pred = scan, rest
					return n
				}
			}
			// An equality on a btree index beats an inverted lookup;
			// otherwise a GIN index is the more selective access.
			if ix == nil || len(ix.Eqs[0]) == 0 {
				if inv := chooseInverted(s, n.Pred); inv != nil {
					n.Input = inv
					return n
				}
			}
			if ix != nil {
				// The conjuncts the index answers exactly leave the
				// filter; EXPLAIN shows them as the index condition.
				return filteredBy(ix, n.Pred)
			}
		}
		return n
	case *Project:
		n.Input = optimize(n.Input)
	case *Join:
		n.Left, n.Right = optimize(n.Left), optimize(n.Right)
		if n.Kind == SemiJoin || n.Kind == AntiJoin {
			return n // keys set by decorrelate
		}
		if n.Kind == InnerJoin && n.On != nil {
			on := n.On
			n.On = nil
			n.Kind = CrossJoin
			return pushIntoJoin(n, conjuncts(on))
		}
		setHashKeys(n)
	case *Apply:
		n.Left, n.Right = optimize(n.Left), optimize(n.Right)
	case *Aggregate:
		n.Input = optimize(n.Input)
		n.Sorted = groupsAdjacent(n)
	case *Sort:
		n.Input = optimize(n.Input)
		if primaryKeyOrdered(n.Input, n.Keys) {
			// The input already arrives in this order.
			return n.Input
		}
	case *Limit:
		n.Input = optimize(n.Input)
		pushTopK(n)
	case *Distinct:
		n.Input = optimize(n.Input)
	case *SetOp:
		n.Left, n.Right = optimize(n.Left), optimize(n.Right)
	case *Window:
		n.Input = optimize(n.Input)
	case *ProjectSet:
		n.Input = optimize(n.Input)
	case *GroupingExpand:
		n.Input = optimize(n.Input)
	case *RecursiveUnion:
		n.Init, n.Rec = optimize(n.Init), optimize(n.Rec)
	}
	return n
}

// pushIntoJoin places each conjunct as low as it can go: below the join
// on the side it reads, or as the join's condition.
func pushIntoJoin(j *Join, preds []Expr) Node {
	nl := len(j.Left.Columns())
	var left, right, keep []Expr
	for _, p := range preds {
		min, max, pinned := refRange(p)
		switch {
		case pinned:
			keep = append(keep, p)
		case max < 0: // constant: evaluate once below, on the left
			left = append(left, p)
		case max < nl:
			left = append(left, p)
		case min >= nl:
			right = append(right, remap(p, func(i int) int { return i - nl }))
		default:
			keep = append(keep, p)
		}
	}
	if len(left) > 0 {
		j.Left = optimize(&Filter{Input: j.Left, Pred: and(left)})
	}
	if len(right) > 0 {
		j.Right = optimize(&Filter{Input: j.Right, Pred: and(right)})
	}
	if len(keep) > 0 {
		if j.On != nil {
			keep = append(conjuncts(j.On), keep...)
		}
		j.On = and(keep)
		if j.Kind == CrossJoin {
			j.Kind = InnerJoin
		}
	}
	setHashKeys(j)
	return j
}

// setHashKeys picks out the join condition's equalities between an
// expression of the left side and one of the right whose types hash
// alike: they make the join a hash join.
func setHashKeys(j *Join) {
	j.LeftKeys, j.RightKeys = nil, nil
	if j.On == nil {
		return
	}
	nl := len(j.Left.Columns())
	for _, c := range conjuncts(j.On) {
		b, ok := c.(*BinOp)
		if !ok || b.Op != types.OpEq {
			continue
		}
		lmin, lmax, lp := refRange(b.L)
		rmin, rmax, rp := refRange(b.R)
		if lp || rp || lmax < 0 || rmax < 0 {
			continue
		}
		var l, r Expr
		switch {
		case lmax < nl && rmin >= nl:
			l, r = b.L, b.R
		case rmax < nl && lmin >= nl:
			l, r = b.R, b.L
		default:
			continue
		}
		if !types.HashCompatible(l.Type(), r.Type()) {
			continue
		}
		j.LeftKeys = append(j.LeftKeys, l)
		j.RightKeys = append(j.RightKeys, remap(r, func(i int) int { return i - nl }))
	}
}

func conjuncts(e Expr) []Expr {
	if l, ok := e.(*Logic); ok && l.And {
		var out []Expr
		for _, a := range l.Args {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []Expr{e}
}

func and(es []Expr) Expr {
	if len(es) == 1 {
		return es[0]
	}
	return &Logic{And: true, Args: es}
}

// refRange returns the smallest and largest input column an expression
// reads (-1, -1 for none); pinned is set when it cannot move (it holds a
// correlated subquery, which reads the row at this level).
func refRange(e Expr) (min, max int, pinned bool) {
	min, max = -1, -1
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *ColRef:
			if min < 0 || x.Idx < min {
				min = x.Idx
			}
			if x.Idx > max {
				max = x.Idx
			}
		case *Subquery:
			if x.Correlated {
				pinned = true
			}
		}
	})
	return min, max, pinned
}

// children returns an expression's operands.
func children(e Expr) []Expr {
	switch e := e.(type) {
	case *BinOp:
		return []Expr{e.L, e.R}
	case *UnOp:
		return []Expr{e.X}
	case *Logic:
		return e.Args
	case *Not:
		return []Expr{e.X}
	case *IsNull:
		return []Expr{e.X}
	case *IsBool:
		return []Expr{e.X}
	case *IsDistinct:
		return []Expr{e.L, e.R}
	case *Cast:
		return []Expr{e.X}
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *InList:
		return append([]Expr{e.X}, e.List...)
	case *Func:
		return e.Args
	case *Coalesce:
		return e.Args
	case *NullIf:
		return []Expr{e.L, e.R}
	case *MinMax:
		return e.Args
	case *Subquery:
		if e.X != nil {
			return []Expr{e.X}
		}
	case *ArrayCtor:
		return e.Elems
	case *Subscript:
		out := []Expr{e.X}
		for _, x := range []Expr{e.Index, e.Upper} {
			if x != nil {
				out = append(out, x)
			}
		}
		return out
	case *AnyArray:
		return []Expr{e.X, e.Arr}
	case *FTSMatch:
		return append(append([]Expr{}, e.Args...), e.Query)
	case *FTSSnippet:
		return e.Args
	}
	return nil
}

func walkExpr(e Expr, fn func(Expr)) {
	fn(e)
	for _, c := range children(e) {
		walkExpr(c, fn)
	}
}

// remap copies e with every column reference's ordinal mapped by f.
func remap(e Expr, f func(int) int) Expr {
	r := func(x Expr) Expr { return remap(x, f) }
	all := func(xs []Expr) []Expr {
		out := make([]Expr, len(xs))
		for i, x := range xs {
			out[i] = r(x)
		}
		return out
	}
	switch e := e.(type) {
	case *ColRef:
		c := *e
		c.Idx = f(e.Idx)
		return &c
	case *BinOp:
		c := *e
		c.L, c.R = r(e.L), r(e.R)
		return &c
	case *UnOp:
		c := *e
		c.X = r(e.X)
		return &c
	case *Logic:
		return &Logic{And: e.And, Args: all(e.Args)}
	case *Not:
		return &Not{X: r(e.X)}
	case *IsNull:
		return &IsNull{X: r(e.X), Not: e.Not}
	case *IsBool:
		return &IsBool{X: r(e.X), Value: e.Value, Not: e.Not}
	case *IsDistinct:
		c := *e
		c.L, c.R = r(e.L), r(e.R)
		return &c
	case *Cast:
		c := *e
		c.X = r(e.X)
		return &c
	case *Case:
		c := &Case{Typ: e.Typ}
		for _, w := range e.Whens {
			c.Whens = append(c.Whens, CaseWhen{Cond: r(w.Cond), Result: r(w.Result)})
		}
		if e.Else != nil {
			c.Else = r(e.Else)
		}
		return c
	case *InList:
		c := *e
		c.X, c.List = r(e.X), all(e.List)
		return &c
	case *Func:
		c := *e
		c.Args = all(e.Args)
		return &c
	case *Coalesce:
		return &Coalesce{Args: all(e.Args), Typ: e.Typ}
	case *NullIf:
		c := *e
		c.L, c.R = r(e.L), r(e.R)
		return &c
	case *MinMax:
		return &MinMax{Greatest: e.Greatest, Args: all(e.Args), Typ: e.Typ}
	case *Subquery:
		c := *e
		if e.X != nil {
			c.X = r(e.X)
		}
		return &c
	case *ArrayCtor:
		return &ArrayCtor{Elems: all(e.Elems), Typ: e.Typ}
	case *Subscript:
		c := *e
		c.X = r(e.X)
		if e.Index != nil {
			c.Index = r(e.Index)
		}
		if e.Upper != nil {
			c.Upper = r(e.Upper)
		}
		return &c
	case *AnyArray:
		c := *e
		c.X, c.Arr = r(e.X), r(e.Arr)
		return &c
	case *FTSMatch:
		c := *e
		c.Args, c.Query = all(e.Args), r(e.Query)
		return &c
	case *FTSSnippet:
		return &FTSSnippet{Args: all(e.Args), Analyzer: e.Analyzer}
	}
	return e
}

// groupsAdjacent reports whether an aggregation's input is ordered so
// that rows of one group arrive together: its group keys are columns
// that are, in some order, the leading columns the input is sorted by.
func groupsAdjacent(a *Aggregate) bool {
	if len(a.GroupBy) == 0 {
		return false
	}
	order := orderedBy(a.Input)
	if len(order) < len(a.GroupBy) {
		return false
	}
	lead := map[int]bool{}
	for _, c := range order[:len(a.GroupBy)] {
		lead[c] = true
	}
	for _, g := range a.GroupBy {
		cr, ok := g.(*ColRef)
		if !ok || !lead[cr.Idx] {
			return false
		}
		delete(lead, cr.Idx)
	}
	return len(lead) == 0
}

// orderedBy returns the columns (of n's output) that n's rows are sorted
// by, leading first, as far as it can tell; nil when unknown.
func orderedBy(n Node) []int {
	keyCols := func(d *catalog.Descriptor, ix *catalog.Index) []int {
		var out []int
		for _, ic := range ix.Columns {
			pos := -1
			for i, c := range d.Columns {
				if c.ID == ic.ColumnID && ic.ColumnID != 0 {
					pos = i
				}
			}
			if pos < 0 {
				break
			}
			out = append(out, pos)
		}
		return out
	}
	switch n := n.(type) {
	case *Scan:
		return keyCols(n.Table, &n.Table.Primary)
	case *IndexScan:
		if len(n.Eqs) != 1 || (n.Index.Method != "" && n.Index.Method != "btree") {
			return nil // several IN alternatives come one after another
		}
		return keyCols(n.Table, n.Index)
	case *Filter:
		return orderedBy(n.Input)
	case *Project:
		in := orderedBy(n.Input)
		var out []int
		for _, c := range in {
			j := -1
			for k, e := range n.Exprs {
				if cr, ok := e.(*ColRef); ok && cr.Idx == c {
					j = k
					break
				}
			}
			if j < 0 {
				break
			}
			out = append(out, j)
		}
		return out
	}
	return nil
}

// primaryKeyOrdered reports whether in yields its rows ordered by keys
// because it reads the primary index in key order: a scan of the table
// (filtered or not, under a projection or not), or a primary-index scan
// over one key range, read forward, with keys that fit the primary key
// (sortFit: its columns in order and direction, or a prefix of them; the
// key is unique, so keys after it change nothing). A key that is not a
// plain column does not fit.
func primaryKeyOrdered(in Node, keys []SortKey) bool {
	in, keys, _, ok := underProject(in, keys)
	if !ok || len(keys) == 0 {
		return false
	}
	if f, ok := in.(*Filter); ok {
		in = f.Input
	}
	var d *catalog.Descriptor
	switch s := in.(type) {
	case *Scan:
		d = s.Table
	case *IndexScan:
		if s.Index.ID != catalog.PrimaryIndexID || len(s.Eqs) > 1 || s.Reverse {
			return false
		}
		d = s.Table
	default:
		return false
	}
	if len(d.Primary.Columns) == 0 {
		return false
	}
	reverse, ok := sortFit(keys)(d, &d.Primary, 0)
	return ok && !reverse
}

// keyOrderIsSQLOrder reports whether a column's key encoding sorts
// exactly as ORDER BY does: integers, text (C collation), times and
// enums (by sort order). Types with special values (floats' NaN,
// numerics' scales) are left to a sort.
func keyOrderIsSQLOrder(c *catalog.Column) bool {
	t, err := ColumnType(c)
	if err != nil || t.IsArray() {
		return false
	}
	switch t.Family() {
	case types.Int2Family, types.Int4Family, types.Int8Family, types.TextFamily, types.VarcharFamily,
		types.DateFamily, types.TimestampFamily, types.TimestampTZFamily, types.EnumFamily:
		return true
	}
	return false
}
