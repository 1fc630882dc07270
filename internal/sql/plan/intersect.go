package plan

import (
	"cmp"
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
)

// IndexAnd reads the rows of Table whose primary keys each of Scans (scans
// of secondary indexes, by their key conditions only) finds: index
// intersection, PostgreSQL's BitmapAnd. The executor collects the primary
// keys of the first scan's entries, keeps those the others also find, and
// reads each remaining row once, in primary-key order. The filter above
// it checks the whole predicate on every row.
type IndexAnd struct {
	Table *catalog.Descriptor
	Alias string
	Cols  []Column
	Scans []*IndexScan
	// Needed marks the columns the plan reads (nil: all).
	Needed []bool
}

func (n *IndexAnd) Columns() []Column { return n.Cols }

// costEntry is reading an index entry for its primary key only: a
// sequential read of a small entry.
const costEntry = 0.5

// intersectIfCheaper returns, in place of ix (a secondary index scan,
// with rest the filter above it, or nil), an intersection of ix's index
// with others that the same predicate constrains, under a filter of the
// whole predicate, when the column statistics say that reads fewer rows
// for less; nil to keep ix.
func (b *Binder) intersectIfCheaper(ix *IndexScan, rest Expr) Node {
	if b.keepOrder > 0 || b.Methods.NoIndexScan || ix.Index.ID == catalog.PrimaryIndexID || !b.hasColumnStats(ix.Table) {
		return nil
	}
	var conds []Expr
	if ix.Cond != nil {
		conds = append(conds, conjuncts(ix.Cond)...)
	}
	if rest != nil {
		conds = append(conds, conjuncts(rest)...)
	}
	if len(conds) < 2 {
		return nil
	}
	pred := and(conds)
	conds = conjuncts(pred) // what accessCandidates numbers
	type part struct {
		scan *IndexScan
		sel  float64
	}
	var parts []part
	for _, c := range accessCandidates(&Scan{Table: ix.Table, Alias: ix.Alias, Cols: ix.Cols}, pred) {
		sc := c.scan
		if sc.Index.ID == catalog.PrimaryIndexID || sc.Index.Predicate != "" || len(sc.Eqs) != 1 {
			continue
		}
		sel, ok := b.indexScanSelectivity(sc)
		if !ok {
			continue
		}
		var exact []Expr
		for _, i := range sc.Exact {
			exact = append(exact, conds[i])
		}
		if len(exact) > 0 {
			sc.Cond = and(exact)
		}
		parts = append(parts, part{sc, sel})
	}
	if len(parts) < 2 {
		return nil
	}
	slices.SortStableFunc(parts, func(a, b part) int { return cmp.Compare(a.sel, b.sel) })
	current, ok := b.cost(ix)
	if !ok {
		return nil
	}
	if seq, ok := b.cost(&Scan{Table: ix.Table}); ok {
		current.Total = min(current.Total, seq.Total)
	}
	rows, _ := b.tableRows(ix.Table)
	// Add the scans, most selective first, while each makes the whole
	// cheaper: its entries read against the rows it saves reading.
	var best *IndexAnd
	bestCost := current.Total
	sel, entries := 1.0, 0.0
	var scans []*IndexScan
	for _, p := range parts {
		scans = append(scans, p.scan)
		sel *= p.sel
		entries += costIndexSeek + rows*p.sel*costEntry
		if len(scans) < 2 {
			continue
		}
		c := entries + max(1, rows*sel)*(costIndexRow+costCPURow)
		if c < bestCost {
			// Needed stays nil: the filter above reads the whole
			// predicate's columns, not only the plan's.
			best = &IndexAnd{Table: ix.Table, Alias: ix.Alias, Cols: ix.Cols, Scans: slices.Clone(scans)}
			bestCost = c
		}
	}
	if best == nil {
		return nil
	}
	return &Filter{Input: best, Pred: pred}
}

// indexAndCost is an intersection's cost: every scan's entries, then a
// point read per row of the intersection.
func (b *Binder) indexAndCost(n *IndexAnd, rows float64) (Cost, bool) {
	tr, ok := b.tableRows(n.Table)
	if !ok {
		return Cost{}, false
	}
	c := Cost{Rows: rows}
	for _, s := range n.Scans {
		sel, ok := b.indexScanSelectivity(s)
		if !ok {
			return Cost{}, false
		}
		c.Startup += costIndexSeek + tr*sel*costEntry
	}
	c.Total = c.Startup + rows*(costIndexRow+costCPURow)
	return c, true
}
