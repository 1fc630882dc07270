package exec

import (
	"bytes"
	"slices"

	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// distinctOp removes duplicate rows, keeping the first of each key (all
// columns, or DISTINCT ON's), streaming: a row goes out as soon as its key
// is new.
//
// Over input sorted so that rows of one key are adjacent (DISTINCT ON
// under its sort) it compares each key with the previous row's only.
// Otherwise it keeps the keys seen, up to work_mem; past it, rows of keys
// not held go to partition files by a hash of their key (as a hash
// aggregate's do: aggSpill), so every row of such a key lands in the same
// file, and after the input each partition is deduplicated the same way.
// A key held in memory went out already and its later rows are dropped;
// a key not held has all its rows in one partition, in input order, so
// the first of them is still the one kept.
type distinctOp struct {
	c        *Ctx
	in       Operator
	on       []int // nil: all columns
	adjacent bool  // rows of a key come together
	seen     map[string]bool
	mem      int64
	budget   int64
	spill    *aggSpill
	cols     []plan.Column
	st       *OpStats
	part     *spillFile // the partition being read, after the input
	prev     []byte     // adjacent: the previous row's key
	havePrev bool
	buf      []byte
	read     []Row // a batch read from a partition
	out      []Row
}

func (c *Ctx) newDistinct(n *plan.Distinct) (Operator, error) {
	in, err := c.build(n.Input)
	if err != nil {
		return nil, err
	}
	o := c.distinctOf(n, in, n.Input.Columns(), n.On)
	o.adjacent = n.On != nil && sortedOn(n.Input, n.On)
	return o, nil
}

// distinctOf removes the duplicates of in's rows, of columns cols, by the
// columns on (nil: all), for plan node n.
func (c *Ctx) distinctOf(n plan.Node, in Operator, cols []plan.Column, on []int) *distinctOp {
	o := &distinctOp{c: c, in: in, on: on, cols: cols, seen: map[string]bool{}, budget: c.spillBudget()}
	if c.Analyze != nil {
		o.st = c.Analyze[n]
	}
	return o
}

// sortedOn reports whether n is a sort that puts rows equal on the
// columns on next to each other: its keys cover them before any other.
func sortedOn(n plan.Node, on []int) bool {
	s, ok := n.(*plan.Sort)
	if !ok {
		return false
	}
	need := map[int]bool{}
	for _, c := range on {
		need[c] = true
	}
	for _, k := range s.Keys {
		if len(need) == 0 {
			break
		}
		cr, ok := k.Expr.(*plan.ColRef)
		if !ok {
			return false
		}
		if !slices.Contains(on, cr.Idx) {
			return false
		}
		delete(need, cr.Idx)
	}
	return len(need) == 0
}

func (o *distinctOp) key(r Row) []byte {
	if o.on == nil {
		o.buf = rowKey(o.buf[:0], r)
		return o.buf
	}
	o.buf = o.buf[:0]
	for _, i := range o.on {
		o.buf = types.AppendHashKey(o.buf, r[i])
	}
	return o.buf
}

// keep reports whether r, whose key is k, goes out; a row of a key not
// held past the budget goes to its partition instead.
func (o *distinctOp) keep(r Row, k []byte) (bool, error) {
	if o.adjacent {
		if o.havePrev && bytes.Equal(k, o.prev) {
			return false, nil
		}
		o.prev, o.havePrev = append(o.prev[:0], k...), true
		return true, nil
	}
	if o.seen[string(k)] {
		return false, nil
	}
	if o.mem > o.budget {
		if o.spill == nil {
			o.spill = &aggSpill{c: o.c, cols: o.cols, st: o.st}
		}
		return false, o.spill.write(k, r)
	}
	o.seen[string(k)] = true
	o.mem += int64(2*len(k) + 64)
	return true, nil
}

// kept returns the rows of b that go out (keep).
func (o *distinctOp) kept(b []Row) ([]Row, error) {
	out := o.out[:0]
	for _, r := range b {
		ok, err := o.keep(r, o.key(r))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	o.out = out
	return out, nil
}

func (o *distinctOp) Next() ([]Row, error) {
	for {
		if o.in != nil {
			b, err := o.in.Next()
			if err != nil {
				return nil, err
			}
			if len(b) > 0 {
				if out, err := o.kept(b); err != nil || len(out) > 0 {
					return out, err
				}
				continue
			}
			o.in.Close()
			o.in = nil
		}
		// The input is done: the partitions, one by one (and theirs).
		if o.part == nil {
			if o.spill == nil {
				return nil, nil
			}
			part, ok, err := o.spill.nextPartition()
			if err != nil || !ok {
				return nil, err
			}
			o.part = part
			clear(o.seen)
			o.mem = 0
		}
		b, more, err := o.part.nextBatch(o.read[:0])
		if err != nil {
			return nil, err
		}
		o.read = b
		if !more {
			o.part.close()
			o.part = nil
		}
		if out, err := o.kept(b); err != nil || len(out) > 0 {
			return out, err
		}
	}
}

func (o *distinctOp) Close() {
	if o.in != nil {
		o.in.Close()
		o.in = nil
	}
	if o.part != nil {
		o.part.close()
		o.part = nil
	}
	if o.spill != nil {
		o.spill.close()
	}
}
