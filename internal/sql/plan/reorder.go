package plan

import (
	"math"
	"math/bits"
)

// Join order. A tree of inner and cross joins is a set of relations (the
// leaves: scans, filtered scans, subqueries...) and a set of conditions
// (the conjuncts of the joins' ON, each reading some of the relations).
// With every table counted, reorder picks the order with the least
// estimated cost: dynamic programming over the subsets of the relations
// for up to maxDPRelations (every split of every subset, each side as
// the hashed one, cross products only where no condition connects a
// subset), a greedy order beyond (repeatedly the cheapest join of two
// of the trees so far), up to maxGreedyRelations. A projection on top restores the query's column
// order, so nothing above the joins changes.

const (
	maxDPRelations = 8
	// Past this many relations the greedy search itself (cubic in them)
	// would cost more than it saves: the query's order stays.
	maxGreedyRelations = 16
)

// joinGraph is a join tree taken apart.
type joinGraph struct {
	rels  []Node
	off   []int // each relation's first column in the tree's row
	conds []joinCond
}

type joinCond struct {
	e    Expr   // over the tree's row
	mask uint64 // the relations it reads
}

// collectJoins flattens the inner and cross joins under j; ok is false
// when a condition cannot move (a correlated subquery) or reads no
// relation.
func collectJoins(n Node, g *joinGraph, off int) bool {
	j, isJoin := n.(*Join)
	if !isJoin || j.Kind != InnerJoin && j.Kind != CrossJoin {
		g.rels = append(g.rels, n)
		g.off = append(g.off, off)
		return true
	}
	nl := len(j.Left.Columns())
	if !collectJoins(j.Left, g, off) || !collectJoins(j.Right, g, off+nl) {
		return false
	}
	if j.On == nil {
		return true
	}
	for _, c := range conjuncts(j.On) {
		if _, _, pinned := refRange(c); pinned {
			return false
		}
		g.conds = append(g.conds, joinCond{e: remap(c, func(i int) int { return i + off })})
	}
	return true
}

// relOf returns the relation whose columns include global column c.
func (g *joinGraph) relOf(c int) int {
	r := 0
	for i, o := range g.off {
		if o <= c {
			r = i
		}
	}
	return r
}

// plan is a candidate join tree for a set of relations.
type joinPlan struct {
	node  Node
	order []int // the relations in the order of the node's columns
	cost  float64
	rows  float64
}

// reorder returns the join tree under j in the cheapest order found,
// under a projection to its original columns, or nil to keep it.
func (b *Binder) reorder(j *Join) Node {
	var g joinGraph
	if !collectJoins(j, &g, 0) || len(g.rels) < 3 || len(g.rels) > maxGreedyRelations {
		return nil
	}
	base := make([]joinPlan, len(g.rels))
	for i, r := range g.rels {
		r = b.joinMethods(r)
		g.rels[i] = r
		c, ok := b.cost(r)
		if !ok {
			return nil // a table was never counted: keep the query's order
		}
		base[i] = joinPlan{node: r, order: []int{i}, cost: c.Total, rows: max(c.Rows, 1)}
	}
	conds := g.conds[:0]
	for _, c := range g.conds {
		if _, hi, _ := refRange(c.e); hi < 0 {
			return nil
		}
		walkExpr(c.e, func(x Expr) {
			if cr, ok := x.(*ColRef); ok {
				c.mask |= 1 << g.relOf(cr.Idx)
			}
		})
		if bits.OnesCount64(c.mask) > 1 {
			conds = append(conds, c)
			continue
		}
		// A condition on one relation filters it.
		r := bits.TrailingZeros64(c.mask)
		off := g.off[r]
		f := &Filter{Input: base[r].node, Pred: remap(c.e, func(i int) int { return i - off })}
		fc, ok := b.cost(f)
		if !ok {
			return nil
		}
		base[r] = joinPlan{node: f, order: []int{r}, cost: fc.Total, rows: max(fc.Rows, 1)}
		g.rels[r] = f
	}
	g.conds = conds
	var best joinPlan
	if len(g.rels) <= maxDPRelations {
		best = b.dpOrder(&g, base)
	} else {
		best = b.greedyOrder(&g, base)
	}
	if best.node == nil {
		return nil
	}
	// Back to the query's column order.
	local := map[int]int{}
	pos := 0
	for _, r := range best.order {
		for k := range g.rels[r].Columns() {
			local[g.off[r]+k] = pos
			pos++
		}
	}
	exprs := make([]Expr, len(j.Cols))
	for i, c := range j.Cols {
		exprs[i] = &ColRef{Idx: local[i], Typ: c.Type, Name: c.Name}
	}
	return &Project{Input: best.node, Exprs: exprs, Cols: j.Cols}
}

// join builds the join of two plans with the conditions that connect
// them, and estimates it.
func (b *Binder) joinOf(g *joinGraph, l, r joinPlan, lmask, rmask uint64) joinPlan {
	local := map[int]int{}
	pos := 0
	order := append(append([]int(nil), l.order...), r.order...)
	var cols []Column
	for _, rel := range order {
		rc := g.rels[rel].Columns()
		for k := range rc {
			local[g.off[rel]+k] = pos
			pos++
		}
		cols = append(cols, rc...)
	}
	var on []Expr
	sel := 1.0
	for _, c := range g.conds {
		if c.mask&^(lmask|rmask) != 0 || c.mask&^lmask == 0 || c.mask&^rmask == 0 {
			continue // not over both sides, or already applied below
		}
		on = append(on, remap(c.e, func(i int) int { return local[i] }))
	}
	kind := CrossJoin
	var onExpr Expr
	if len(on) > 0 {
		kind, onExpr = InnerJoin, and(on)
	}
	jn := &Join{Kind: kind, Left: l.node, Right: r.node, On: onExpr, Cols: cols}
	setHashKeys(jn)
	if s, ok := b.joinSelectivity(jn); ok {
		sel = s
		// The conditions beyond the keys filter further.
		for range len(on) - len(jn.LeftKeys) {
			sel *= defaultSel
		}
	} else if len(on) > 0 {
		sel = math.Pow(defaultSel, float64(len(on)))
		if len(jn.LeftKeys) > 0 {
			sel = defaultEqSel
		}
	}
	rows := max(1, l.rows*r.rows*sel)
	var cost float64
	if len(jn.LeftKeys) > 0 {
		cost = l.cost + r.cost + r.rows*costCPURow + l.rows*costCPURow + rows*costOpRow
	} else {
		// A nested loop over the right side, materialized once.
		cost = l.cost + r.cost + l.rows*r.rows*costOpRow
	}
	return joinPlan{node: jn, order: order, cost: cost, rows: rows}
}

// connected reports whether a condition joins the relations of a and b.
func (g *joinGraph) connected(a, b uint64) bool {
	for _, c := range g.conds {
		if c.mask&a != 0 && c.mask&b != 0 && c.mask&^(a|b) == 0 {
			return true
		}
	}
	return false
}

func (b *Binder) dpOrder(g *joinGraph, base []joinPlan) joinPlan {
	n := len(g.rels)
	best := make([]joinPlan, 1<<n)
	for i := range base {
		best[1<<i] = base[i]
	}
	for s := uint64(1); s < 1<<n; s++ {
		if bits.OnesCount64(s) < 2 {
			continue
		}
		// Splits with a condition across them first; cross products
		// only when a subset has none.
		for _, cross := range []bool{false, true} {
			for l := (s - 1) & s; l > 0; l = (l - 1) & s {
				r := s &^ l
				if best[l].node == nil || best[r].node == nil || g.connected(l, r) == cross {
					continue
				}
				p := b.joinOf(g, best[l], best[r], l, r)
				if best[s].node == nil || p.cost < best[s].cost {
					best[s] = p
				}
			}
			if best[s].node != nil {
				break
			}
		}
	}
	return best[1<<n-1]
}

func (b *Binder) greedyOrder(g *joinGraph, base []joinPlan) joinPlan {
	type tree struct {
		p    joinPlan
		mask uint64
	}
	var trees []tree
	for i, p := range base {
		trees = append(trees, tree{p, 1 << i})
	}
	for len(trees) > 1 {
		bi, bj := -1, -1
		var bp joinPlan
		for _, cross := range []bool{false, true} {
			for i := range trees {
				for j := range trees {
					if i == j || g.connected(trees[i].mask, trees[j].mask) == cross {
						continue
					}
					p := b.joinOf(g, trees[i].p, trees[j].p, trees[i].mask, trees[j].mask)
					if bi < 0 || p.cost < bp.cost {
						bi, bj, bp = i, j, p
					}
				}
			}
			if bi >= 0 {
				break
			}
		}
		merged := tree{bp, trees[bi].mask | trees[bj].mask}
		trees[bi] = merged
		trees = append(trees[:bj], trees[bj+1:]...)
	}
	return trees[0].p
}
