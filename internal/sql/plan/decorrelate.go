package plan

import "github.com/cairndb/cairn/internal/sql/types"

// Decorrelation: a filter conjunct EXISTS (subquery) or NOT EXISTS
// (subquery), where the subquery is a filtered table scan whose only
// references to the outer row are equalities between its columns and
// the outer row's, is run per outer row as written: a scan of the inner
// table for every outer row. It becomes a semi join (an anti join for
// NOT EXISTS) of the outer rows with the inner table filtered by its
// own conditions, hashed by the equalities' inner sides and probed by
// their outer sides: each table is read once. NULL keys match nothing,
// which is what the equality gives in the subquery (EXISTS false, NOT
// EXISTS true). A conjunct x IN (subquery) of the same shape, selecting
// one expression, becomes a semi join too, with x = that expression
// among its keys (decorrelateIn). Subqueries that an index serves (an
// index scan keyed by the outer row) are left as they are: a lookup per
// row is cheap.

// decorrelate returns f with its decorrelatable EXISTS and IN conjuncts turned
// into semi and anti joins over its input (the rest of its conjuncts
// filter the input first), or nil when it has none.
func decorrelate(f *Filter) Node {
	type semi struct {
		right        Node
		lkeys, rkeys []Expr
		anti         bool
	}
	var joins []semi
	var rest []Expr
	for _, c := range conjuncts(f.Pred) {
		sub, anti := existsOf(c)
		if sub != nil {
			if right, lk, rk, ok := decorrelateExists(sub); ok {
				joins = append(joins, semi{right, lk, rk, anti})
				continue
			}
		}
		if right, lk, rk, ok := decorrelateIn(c); ok {
			joins = append(joins, semi{right, lk, rk, false})
			continue
		}
		rest = append(rest, c)
	}
	if len(joins) == 0 {
		return nil
	}
	in := f.Input
	if len(rest) > 0 {
		in = &Filter{Input: in, Pred: and(rest)}
	}
	for _, j := range joins {
		kind := SemiJoin
		if j.anti {
			kind = AntiJoin
		}
		in = &Join{Kind: kind, Left: in, Right: j.right, Cols: in.Columns(), LeftKeys: j.lkeys, RightKeys: j.rkeys}
	}
	return in
}

// existsOf returns the correlated EXISTS subquery c is, or negates.
func existsOf(c Expr) (sub *Subquery, anti bool) {
	if n, ok := c.(*Not); ok {
		c, anti = n.X, true
	}
	s, ok := c.(*Subquery)
	if !ok || s.Kind != SubExists || !s.Correlated {
		return nil, false
	}
	return s, anti != s.Not
}

// decorrelateIn turns a filter conjunct x IN (subquery), where the
// subquery selects one expression y of a table filtered or not, and reads
// the outer row only in equalities as EXISTS may, into the inner side and
// keys of a semi join, x = y one of the key pairs. In a WHERE conjunct a
// NULL from IN (x NULL, or no match and some y NULL) rejects the row as
// false does, and NULL keys match nothing in the join: the rows are the
// same. NOT IN, whose NULLs reject every row, stays a subquery.
func decorrelateIn(c Expr) (right Node, lkeys, rkeys []Expr, ok bool) {
	sub, isSub := c.(*Subquery)
	if !isSub || sub.Kind != SubIn || sub.Not || sub.X == nil || readsOuter(sub.X) || hasSubquery(sub.X) {
		return nil, nil, nil, false
	}
	pr, isProject := sub.Plan.(*Project)
	if !isProject || len(pr.Exprs) != 1 {
		return nil, nil, nil, false
	}
	y := pr.Exprs[0]
	if readsOuter(y) || hasSubquery(y) || !readsColumn(y) || !types.HashCompatible(sub.X.Type(), y.Type()) {
		return nil, nil, nil, false
	}
	right, lkeys, rkeys, ok = correlatedScan(pr.Input, true)
	if !ok {
		return nil, nil, nil, false
	}
	return right, append(lkeys, sub.X), append(rkeys, y), true
}

// decorrelateExists splits an EXISTS subquery's plan into the inner side
// of a semi join and the keys: right is the subquery's table filtered by
// its conditions that do not read the outer row; lkeys are over the
// outer row, rkeys over right's rows.
func decorrelateExists(sub *Subquery) (right Node, lkeys, rkeys []Expr, ok bool) {
	p := sub.Plan
	for {
		pr, isProject := p.(*Project)
		if !isProject {
			break
		}
		p = pr.Input
	}
	right, lkeys, rkeys, ok = correlatedScan(p, false)
	if !ok || len(lkeys) == 0 {
		return nil, nil, nil, false
	}
	return right, lkeys, rkeys, true
}

// correlatedScan splits p, a table scan under a filter (or, with bare, a
// scan alone), into the table filtered by its conditions that do not read
// the outer row, and the keys of the equalities that do: lkeys over the
// outer row, rkeys over the table's rows. Any other condition on the
// outer row, or a subquery, and ok is false.
func correlatedScan(p Node, bare bool) (right Node, lkeys, rkeys []Expr, ok bool) {
	if scan, isScan := p.(*Scan); isScan && bare {
		return scan, nil, nil, true
	}
	f, isFilter := p.(*Filter)
	if !isFilter {
		return nil, nil, nil, false
	}
	scan, isScan := f.Input.(*Scan)
	if !isScan {
		return nil, nil, nil, false
	}
	var inner []Expr
	for _, c := range conjuncts(f.Pred) {
		if !readsOuter(c) {
			if hasSubquery(c) {
				return nil, nil, nil, false
			}
			inner = append(inner, c)
			continue
		}
		b, isEq := c.(*BinOp)
		if !isEq || b.Op != types.OpEq {
			return nil, nil, nil, false
		}
		in, out := b.L, b.R
		if !outerOnly(out) {
			in, out = out, in
		}
		if !outerOnly(out) || readsOuter(in) || hasSubquery(in) || !readsColumn(in) || !types.HashCompatible(out.Type(), in.Type()) {
			return nil, nil, nil, false
		}
		lkeys = append(lkeys, outerToColumns(out))
		rkeys = append(rkeys, in)
	}
	right = scan
	if len(inner) > 0 {
		right = &Filter{Input: scan, Pred: and(inner)}
	}
	return right, lkeys, rkeys, true
}

// contains reports whether some node of e satisfies is.
func contains(e Expr, is func(Expr) bool) bool {
	found := false
	walkExpr(e, func(x Expr) { found = found || is(x) })
	return found
}

// readsOuter reports whether e reads an enclosing query's row.
func readsOuter(e Expr) bool {
	return contains(e, func(x Expr) bool { _, ok := x.(*OuterRef); return ok })
}

func hasSubquery(e Expr) bool {
	return contains(e, func(x Expr) bool { _, ok := x.(*Subquery); return ok })
}

func readsColumn(e Expr) bool {
	return contains(e, func(x Expr) bool { _, ok := x.(*ColRef); return ok })
}

// outerOnly reports whether e is a column of the immediately enclosing
// row.
func outerOnly(e Expr) bool {
	o, ok := e.(*OuterRef)
	return ok && o.Depth == 1
}

// outerToColumns rewrites an outer reference (depth 1) as a reference to
// the column of the row it reads.
func outerToColumns(e Expr) Expr {
	o := e.(*OuterRef)
	return &ColRef{Idx: o.Idx, Typ: o.Typ, Name: o.Name}
}
