package plan

import (
	"fmt"
	"math"
)

// Costs, in PostgreSQL's arbitrary units (a sequentially read row is
// about 1): what EXPLAIN shows beside each node's estimated rows. Reading
// a row through an index costs several sequential rows (a point read
// seeks the storage engine), per-row CPU work a fraction of one.
const (
	costSeqRow    = 1.0
	costIndexRow  = 4.0
	costIndexSeek = 4.0
	costCPURow    = 0.01
	costOpRow     = 0.0025
)

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
		c.Startup = costIndexSeek
		c.Total = costIndexSeek*float64(max(1, len(n.Eqs))) + rows*(costIndexRow+costCPURow)
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
	case *IndexJoin:
		o, ok := child(n.Outer)
		if !ok {
			return c, false
		}
		c.Startup = o.Startup
		c.Total = o.Total + o.Rows*(costIndexSeek+costIndexRow) + rows*costCPURow
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
