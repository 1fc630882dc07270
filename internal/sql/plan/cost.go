package plan

import (
	"fmt"
	"math"

	"github.com/cairndb/cairn/internal/catalog"
)

// Costs, in PostgreSQL's arbitrary units (a sequentially read row is
// about 1): what EXPLAIN shows beside each node's estimated rows, and
// what the choices between access paths and join methods compare.
// Reading a row through an index (a point read of the storage engine:
// a seek in every level, a block found or read) costs as much as
// sequentially reading ten: measured at 1,000,000 rows, a point read
// took 1.5 µs with the blocks cached and 6 µs without, a scanned row
// 0.2 µs. Per-row CPU work costs a fraction of one.
const (
	costSeqRow    = 1.0
	costIndexRow  = 10.0
	costIndexSeek = 10.0
	costCPURow    = 0.01
	costOpRow     = 0.0025
)

// Methods are the plan shapes the planner may choose, PostgreSQL's
// enable_* settings: the zero value allows all. Disabling one makes the
// planner take another wherever another gives the same rows, whatever
// the costs, which is how a test compares the alternatives.
type Methods struct {
	// NoIndexScan: a secondary index scan whose conditions a filter
	// over a table scan can evaluate becomes that (enable_indexscan).
	NoIndexScan bool
	// NoNestLoop: no index nested-loop joins (enable_nestloop).
	NoNestLoop bool
	// NoHashJoin: an equality join that can read one side through an
	// index does so (enable_hashjoin).
	NoHashJoin bool
	// NoMergeJoin: no merge joins (enable_mergejoin).
	NoMergeJoin bool
}

// Cost is a node's estimated startup and total cost and output rows.
type Cost struct {
	Startup, Total, Rows float64
}

// cost estimates n's cost; ok is false when a table below it was never
// counted (or for node kinds it does not model).
func (b *Binder) cost(n Node) (c Cost, ok bool) {
	rows, known := b.estimate(n)
	if !known {
		return Cost{}, false
	}
	c.Rows = rows
	child := func(x Node) (Cost, bool) {
		cc, ok := b.cost(x)
		return cc, ok
	}
	switch n := n.(type) {
	case *Scan:
		tr, _ := b.tableRows(n.Table)
		c.Total = tr * (costSeqRow + costCPURow)
	case *IndexScan:
		// The primary index holds the rows: a range of it reads them in
		// order. A secondary index costs a point read per row.
		perRow := costIndexRow
		if n.Index.ID == catalog.PrimaryIndexID || n.IndexOnly() {
			perRow = costSeqRow
		}
		c.Startup = costIndexSeek
		c.Total = costIndexSeek*float64(max(1, len(n.Eqs))) + rows*(perRow+costCPURow)
	case *Filter:
		in, ok := child(n.Input)
		if !ok {
			return c, false
		}
		inRows, _ := b.estimate(n.Input)
		c.Startup, c.Total = in.Startup, in.Total+inRows*costOpRow
	case *Project:
		in, ok := child(n.Input)
		if !ok {
			return c, false
		}
		c.Startup, c.Total = in.Startup, in.Total+rows*costOpRow
	case *ProjectSet, *GroupingExpand:
		in, ok := child(n.(interface{ input() Node }).input())
		if !ok {
			return c, false
		}
		c.Startup, c.Total = in.Startup, in.Total+rows*costOpRow
	case *Distinct:
		in, ok := child(n.Input)
		if !ok {
			return c, false
		}
		c.Startup, c.Total = in.Startup, in.Total+in.Rows*costCPURow
	case *Sort:
		in, ok := child(n.Input)
		if !ok {
			return c, false
		}
		m := max(in.Rows, 2)
		c.Startup = in.Total + 2*costCPURow*m*math.Log2(m)
		c.Total = c.Startup + m*costCPURow
	case *Aggregate:
		in, ok := child(n.Input)
		if !ok {
			return c, false
		}
		c.Startup = in.Total + in.Rows*costCPURow*float64(max(1, len(n.Aggs)))
		c.Total = c.Startup + rows*costCPURow
	case *Limit:
		in, ok := child(n.Input)
		if !ok {
			return c, false
		}
		frac := 1.0
		if in.Rows > 0 {
			frac = min(1, rows/in.Rows)
		}
		c.Startup, c.Total = in.Startup, in.Startup+(in.Total-in.Startup)*frac
	case *Join:
		l, lok := child(n.Left)
		r, rok := child(n.Right)
		if !lok || !rok {
			return c, false
		}
		if len(n.LeftKeys) > 0 {
			// Hash join: build on the right, probe with the left.
			c.Startup = r.Total + r.Rows*costCPURow
			c.Total = c.Startup + l.Total + l.Rows*costCPURow + rows*costOpRow
		} else {
			// Nested loop: the right side once per left row.
			c.Total = l.Total + l.Rows*r.Total + rows*costOpRow
		}
	case *MergeJoin:
		return b.mergeJoinCost(n, rows)
	case *IndexAnd:
		return b.indexAndCost(n, rows)
	case *IndexJoin:
		o, ok := child(n.Outer)
		if !ok {
			return c, false
		}
		// A seek per outer row finds the matches; through a secondary
		// index each match is then a point read of the row.
		perRow := costIndexRow
		if n.Index.ID == catalog.PrimaryIndexID {
			perRow = costSeqRow
		}
		c.Startup = o.Startup
		c.Total = o.Total + o.Rows*costIndexSeek + rows*(perRow+costCPURow)
	case *Values:
		c.Total = rows * costCPURow
	default:
		return c, false
	}
	return c, true
}

// CostNote is what EXPLAIN shows after a node: its estimated cost and
// rows, PostgreSQL style, or "" when the tables below it were never
// counted (ANALYZE, or the automatic recount after writes).
func (b *Binder) CostNote(n Node) string {
	c, ok := b.cost(n)
	if !ok {
		return ""
	}
	return fmt.Sprintf("  (cost=%.2f..%.2f rows=%.0f)", c.Startup, c.Total, math.Max(1, math.Round(c.Rows)))
}

// seqIfCheaper returns a sequential scan filtered by ix's conditions (and
// rest, the filter above it) in place of a secondary-index scan that the
// column statistics say reads so much of the table that reading all of it
// costs less; nil to keep ix. Without statistics, for the primary index,
// for an index scan without key conditions (read for its order) and below
// a node that relies on the order, ix stays.
func (b *Binder) seqIfCheaper(ix *IndexScan, rest Expr) Node {
	if b.keepOrder > 0 || ix.Index.ID == catalog.PrimaryIndexID || (len(ix.Eqs) == 0 && ix.Range == nil) {
		return nil
	}
	// Needed stays nil (every column decoded): the index answered some
	// conditions from its keys, so their columns may be missing from
	// ix.Needed.
	seq := &Scan{Table: ix.Table, Alias: ix.Alias, Cols: ix.Cols}
	if !b.Methods.NoIndexScan {
		if !b.hasColumnStats(ix.Table) {
			return nil
		}
		if _, ok := b.indexScanSelectivity(ix); !ok {
			return nil
		}
		ic, ok1 := b.cost(ix)
		sc, ok2 := b.cost(seq)
		if !ok1 || !ok2 || ic.Total <= sc.Total {
			return nil
		}
	}
	var conds []Expr
	if ix.Cond != nil {
		conds = append(conds, ix.Cond)
	}
	if rest != nil {
		conds = append(conds, rest)
	}
	if len(conds) == 0 {
		return nil // the index conditions are not all expressions here
	}
	return &Filter{Input: seq, Pred: and(conds)}
}
