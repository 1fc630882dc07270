package exec

import (
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// applyOp is a lateral join: for each left row it runs the right plan
// with that row as the innermost outer row.
type applyOp struct {
	c       *Ctx
	n       *plan.Apply
	left    *rowIter
	batch   []Row
	on      evalFn
	nl, nr  int
	cur     Row
	right   []Row
	ri      int
	matched bool
}

func (c *Ctx) newApply(n *plan.Apply) (Operator, error) {
	left, err := c.build(n.Left)
	if err != nil {
		return nil, err
	}
	o := &applyOp{c: c, n: n, left: &rowIter{op: left}, nl: len(n.Left.Columns()), nr: len(n.Right.Columns())}
	if n.On != nil {
		if o.on, err = c.compile(n.On); err != nil {
			left.Close()
			return nil, err
		}
	}
	return o, nil
}

func (o *applyOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *applyOp) nextRow() (Row, bool, error) {
	for {
		if o.cur == nil {
			r, ok, err := o.left.next()
			if err != nil || !ok {
				return nil, false, err
			}
			o.c.outer = append(o.c.outer, r)
			right, err := o.c.Run(o.n.Right)
			o.c.outer = o.c.outer[:len(o.c.outer)-1]
			if err != nil {
				return nil, false, err
			}
			o.cur, o.right, o.ri, o.matched = r, right, 0, false
		}
		for o.ri < len(o.right) {
			row := make(Row, o.nl+o.nr)
			copy(row, o.cur)
			copy(row[o.nl:], o.right[o.ri])
			o.ri++
			ok, err := holds(o.on, row)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				continue
			}
			o.matched = true
			return row, true, nil
		}
		cur := o.cur
		o.cur = nil
		if !o.matched && o.n.Kind == plan.LeftJoin {
			row := make(Row, o.nl+o.nr)
			copy(row, cur)
			return row, true, nil
		}
	}
}

func (o *applyOp) Close() { o.left.op.Close() }

// tableFuncOp runs a set-returning function. Its arguments are evaluated
// once, when the operator is built (under the current outer rows).
type tableFuncOp struct {
	c     *Ctx
	batch []Row
	next  builtins.TableIter
	ord   bool
	n     int64
}

func (c *Ctx) newTableFunc(n *plan.TableFunc) (Operator, error) {
	args, err := c.compileAll(n.Args)
	if err != nil {
		return nil, err
	}
	vals := make([]types.Datum, len(args))
	for i, a := range args {
		if vals[i], err = a(nil); err != nil {
			return nil, err
		}
	}
	var next builtins.TableIter
	if n.OpenCtx != nil {
		next, err = n.OpenCtx(c.Eval, vals)
	} else {
		next, err = n.Open(vals)
	}
	if err != nil {
		return nil, err
	}
	return &tableFuncOp{c: c, next: next, ord: n.Ordinality}, nil
}

func (o *tableFuncOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *tableFuncOp) nextRow() (Row, bool, error) {
	if err := o.c.canceled(); err != nil {
		return nil, false, err
	}
	r, ok, err := o.next()
	if err != nil || !ok {
		return nil, false, err
	}
	if o.ord {
		o.n++
		r = append(r[:len(r):len(r)], types.NewInt8(o.n))
	}
	return r, true, nil
}

func (o *tableFuncOp) Close() {}
