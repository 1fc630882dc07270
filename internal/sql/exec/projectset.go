package exec

import (
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// projectSetOp runs the set-returning functions of a select list
// (plan.ProjectSet): for each input row it starts every function on its
// arguments and emits rows of the input row followed by each function's
// next value, NULL once a function has no more, until all have none.
type projectSetOp struct {
	c     *Ctx
	in    Operator
	funcs []setFunc
	width int // the input's columns

	rows  []Row // the current input batch
	pos   int
	cur   Row                  // the input row the functions run for
	iters []builtins.TableIter // nil when no row is current
	done  []bool
	batch []Row
}

type setFunc struct {
	args []evalFn
	open func([]types.Datum) (builtins.TableIter, error)
	vals []types.Datum
}

func (c *Ctx) newProjectSet(n *plan.ProjectSet) (Operator, error) {
	o := &projectSetOp{c: c, width: len(n.Input.Columns())}
	for _, f := range n.Funcs {
		args, err := c.compileAll(f.Args)
		if err != nil {
			return nil, err
		}
		open := f.Open
		if f.OpenCtx != nil {
			openCtx, ec := f.OpenCtx, c.Eval
			open = func(a []types.Datum) (builtins.TableIter, error) { return openCtx(ec, a) }
		}
		o.funcs = append(o.funcs, setFunc{args: args, open: open, vals: make([]types.Datum, len(args))})
	}
	o.iters = nil
	o.done = make([]bool, len(n.Funcs))
	in, err := c.build(n.Input)
	if err != nil {
		return nil, err
	}
	o.in = in
	return o, nil
}

func (o *projectSetOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *projectSetOp) nextRow() (Row, bool, error) {
	for {
		if err := o.c.canceled(); err != nil {
			return nil, false, err
		}
		if o.iters == nil {
			ok, err := o.start()
			if err != nil || !ok {
				return nil, false, err
			}
		}
		out := make(Row, o.width+len(o.funcs))
		copy(out, o.cur)
		any := false
		for i, it := range o.iters {
			out[o.width+i] = types.Null
			if o.done[i] {
				continue
			}
			vals, ok, err := it()
			if err != nil {
				return nil, false, err
			}
			if !ok {
				o.done[i] = true
				continue
			}
			out[o.width+i] = vals[0]
			any = true
		}
		if any {
			return out, true, nil
		}
		o.iters = nil // every function is done with this row
	}
}

// start makes the next input row current and starts the functions on
// it; false at the end of the input.
func (o *projectSetOp) start() (bool, error) {
	for o.pos >= len(o.rows) {
		rows, err := o.in.Next()
		if err != nil || len(rows) == 0 {
			return false, err
		}
		o.rows, o.pos = rows, 0
	}
	o.cur = o.rows[o.pos]
	o.pos++
	iters := make([]builtins.TableIter, len(o.funcs))
	for i, f := range o.funcs {
		for j, a := range f.args {
			v, err := a(o.cur)
			if err != nil {
				return false, err
			}
			f.vals[j] = v
		}
		it, err := f.open(f.vals)
		if err != nil {
			return false, err
		}
		iters[i] = it
		o.done[i] = false
	}
	o.iters = iters
	return true, nil
}

func (o *projectSetOp) Close() { o.in.Close() }

// groupingExpandOp emits each input row once per grouping set, the set's
// number appended (plan.GroupingExpand).
type groupingExpandOp struct {
	c     *Ctx
	in    Operator
	sets  int
	batch []Row
	rows  []Row // the current input batch
	pos   int
	set   int
}

func (c *Ctx) newGroupingExpand(n *plan.GroupingExpand) (Operator, error) {
	in, err := c.build(n.Input)
	if err != nil {
		return nil, err
	}
	return &groupingExpandOp{c: c, in: in, sets: n.Sets}, nil
}

func (o *groupingExpandOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *groupingExpandOp) nextRow() (Row, bool, error) {
	if o.set == 0 {
		for o.pos >= len(o.rows) {
			if err := o.c.canceled(); err != nil {
				return nil, false, err
			}
			rows, err := o.in.Next()
			if err != nil || len(rows) == 0 {
				return nil, false, err
			}
			o.rows, o.pos = rows, 0
		}
	}
	r := o.rows[o.pos]
	out := append(make(Row, 0, len(r)+1), r...)
	out = append(out, types.NewInt8(int64(o.set)))
	if o.set++; o.set == o.sets {
		o.set, o.pos = 0, o.pos+1
	}
	return out, true, nil
}

func (o *groupingExpandOp) Close() { o.in.Close() }
