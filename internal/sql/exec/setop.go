package exec

import (
	"github.com/cairndb/cairn/internal/sql/plan"
)

// UNION ALL streams its inputs one after the other; UNION is DISTINCT
// over that (distinctOp, which spills). INTERSECT and EXCEPT hold the
// right input's rows by key with their counts, up to work_mem, and
// stream the left input against them; past work_mem, both inputs go to
// partition files by a hash of the row (the right one first, the rows
// already held written out as often as they were counted), and each pair
// of partitions is answered in memory after the other, as a hash join's
// (gracejoin.go). Every row of a key is in the same pair, so counts and
// the rows already emitted are per partition.

func (c *Ctx) newSetOp(n *plan.SetOp) (Operator, error) {
	left, err := c.build(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := c.build(n.Right)
	if err != nil {
		left.Close()
		return nil, err
	}
	if n.Kind == plan.Union {
		cat := &concatOp{ins: []Operator{left, right}}
		if n.All {
			return cat, nil
		}
		return c.distinctOf(n, cat, n.Cols, nil), nil
	}
	o := &setOp{n: n, left: left, right: right, budget: c.spillBudget()}
	var st *OpStats
	if c.Analyze != nil {
		st = c.Analyze[n]
	}
	o.lspill = aggSpill{c: c, cols: n.Cols, st: st}
	o.rspill = aggSpill{c: c, cols: n.Cols, st: st}
	return o, nil
}

// concatOp returns the rows of its inputs, one input after the other.
type concatOp struct {
	ins []Operator
}

func (o *concatOp) Next() ([]Row, error) {
	for len(o.ins) > 0 {
		b, err := o.ins[0].Next()
		if err != nil || len(b) > 0 {
			return b, err
		}
		o.ins[0].Close()
		o.ins = o.ins[1:]
	}
	return nil, nil
}

func (o *concatOp) Close() {
	for _, in := range o.ins {
		in.Close()
	}
	o.ins = nil
}

// setOp is INTERSECT or EXCEPT, ALL or not.
type setOp struct {
	n           *plan.SetOp
	left, right Operator
	budget      int64
	started     bool
	// held: the right rows' keys with their counts and a row of each
	// (to write out if the rows spill); emitted: the keys the left side
	// gave already (without ALL).
	held    map[string]*heldRow
	emitted map[string]bool
	mem     int64
	spilled bool // the right rows went to partitions
	// Past work_mem: the partition pairs (the same partition of each
	// side's aggSpill), and the one being answered.
	lspill, rspill aggSpill
	p              int
	cur            *spillFile
	buf            []byte
	read, out      []Row
}

type heldRow struct {
	row   Row
	count int
}

func (o *setOp) Next() ([]Row, error) {
	if !o.started {
		o.started = true
		if err := o.holdRight(o.right.Next, true); err != nil {
			return nil, err
		}
		o.right.Close()
		o.right = nil
		o.emitted = map[string]bool{}
	}
	for {
		// The left rows: streamed against the held right ones, or, past
		// work_mem, to their partitions.
		if o.left != nil {
			b, err := o.left.Next()
			if err != nil {
				return nil, err
			}
			if len(b) == 0 {
				o.left.Close()
				o.left = nil
				continue
			}
			if o.spilled {
				for _, r := range b {
					if err := o.write(&o.lspill, r); err != nil {
						return nil, err
					}
				}
				continue
			}
			if out := o.answer(b); len(out) > 0 {
				return out, nil
			}
			continue
		}
		// The partition pairs, one after the other.
		if o.cur == nil {
			if ok, err := o.nextPartition(); !ok || err != nil {
				return nil, err
			}
			continue
		}
		b, more, err := o.cur.nextBatch(o.read[:0])
		if err != nil {
			return nil, err
		}
		o.read = b
		if !more {
			o.cur.close()
			o.cur = nil
		}
		if out := o.answer(b); len(out) > 0 {
			return out, nil
		}
	}
}

// holdRight reads the right rows into held, each key with its count; past
// work_mem (when spill) it writes them all to the right partitions
// instead, the held ones as often as they were counted.
func (o *setOp) holdRight(next func() ([]Row, error), spill bool) error {
	o.held, o.mem = map[string]*heldRow{}, 0
	for {
		b, err := next()
		if err != nil || len(b) == 0 {
			return err
		}
		for _, r := range b {
			if spill && o.spilled {
				if err := o.write(&o.rspill, r); err != nil {
					return err
				}
				continue
			}
			o.buf = rowKey(o.buf[:0], r)
			if h := o.held[string(o.buf)]; h != nil {
				h.count++
				continue
			}
			// The inputs are built to be kept: the row is not copied.
			o.held[string(o.buf)] = &heldRow{row: r, count: 1}
			o.mem += int64(2*len(o.buf)+64) + rowBytes(r)
			if spill && o.mem > o.budget {
				o.spilled = true
				for _, h := range o.held {
					for range h.count {
						if err := o.write(&o.rspill, h.row); err != nil {
							return err
						}
					}
				}
				o.held = map[string]*heldRow{}
			}
		}
	}
}

// write adds r to its partition of s.
func (o *setOp) write(s *aggSpill, r Row) error {
	o.buf = rowKey(o.buf[:0], r)
	return s.write(o.buf, r)
}

// nextPartition holds the next pair's right rows and opens its left ones;
// false when no pair is left.
func (o *setOp) nextPartition() (bool, error) {
	for ; o.p < aggPartitions; o.p++ {
		lp, rp := o.lspill.parts[o.p], o.rspill.parts[o.p]
		o.lspill.parts[o.p], o.rspill.parts[o.p] = nil, nil
		o.held, o.emitted = map[string]*heldRow{}, map[string]bool{}
		if rp != nil {
			err := rp.finish()
			if err == nil {
				// A partition is held whatever its size.
				err = o.holdRight(func() ([]Row, error) {
					r, ok, err := rp.next()
					if !ok || err != nil {
						return nil, err
					}
					return []Row{r}, nil
				}, false)
			}
			rp.close()
			if err != nil {
				if lp != nil {
					lp.close()
				}
				return false, err
			}
		}
		if lp != nil {
			if err := lp.finish(); err != nil {
				lp.close()
				return false, err
			}
			o.cur = lp
			o.p++
			return true, nil
		}
	}
	return false, nil
}

// answer keeps the left rows of b that INTERSECT or EXCEPT gives.
func (o *setOp) answer(b []Row) []Row {
	out := o.out[:0]
	intersect := o.n.Kind == plan.Intersect
	for _, r := range b {
		o.buf = rowKey(o.buf[:0], r)
		h := o.held[string(o.buf)]
		in := h != nil && h.count > 0
		keep := in == intersect
		if o.n.All {
			if in {
				h.count--
			}
			if keep {
				out = append(out, r)
			}
			continue
		}
		if keep && !o.emitted[string(o.buf)] {
			o.emitted[string(o.buf)] = true
			out = append(out, r)
		}
	}
	o.out = out
	return out
}

func (o *setOp) Close() {
	for _, in := range []Operator{o.left, o.right} {
		if in != nil {
			in.Close()
		}
	}
	o.left, o.right = nil, nil
	if o.cur != nil {
		o.cur.close()
		o.cur = nil
	}
	o.lspill.close()
	o.rspill.close()
}
