package exec

import (
	"github.com/cairndb/cairn/internal/sql/plan"
)

// joinPartitions is how many partitions a hash join that spills splits
// both its sides into.
const joinPartitions = 16

// graceJoin is a hash join whose hashed (right) side exceeds work_mem:
// both sides are written to partition files by a hash of the join key,
// so that rows that can match share a partition, and the partitions are
// joined one at a time in memory (a Grace hash join). Rows with a NULL
// in the key match nothing; they go to partition 0, where outer joins
// still emit them. A partition larger than work_mem is still joined in
// memory: skewed keys can exceed the budget.
type graceJoin struct {
	c      *Ctx
	n      *plan.Join
	left   [joinPartitions]*spillFile
	right  [joinPartitions]*spillFile
	next   int      // the next partition to join
	cur    *joinOp  // the partition being joined
	curIn  *spillOp // its left side
	closed bool
}

func (c *Ctx) newGraceJoin(n *plan.Join, held []Row, rest Operator) (Operator, error) {
	g := &graceJoin{c: c, n: n}
	fail := func(err error) (Operator, error) {
		rest.Close()
		g.Close()
		return nil, err
	}
	rightKey, err := c.compileAll(n.RightKeys)
	if err != nil {
		return fail(err)
	}
	leftKey, err := c.compileAll(n.LeftKeys)
	if err != nil {
		return fail(err)
	}
	var st *OpStats
	if c.Analyze != nil {
		st = c.Analyze[n]
	}
	var keyBuf []byte
	// write adds r to its partition among parts.
	write := func(parts *[joinPartitions]*spillFile, cols []plan.Column, fns []evalFn, r Row) error {
		key, ok, err := joinKey(keyBuf[:0], fns, r)
		if err != nil {
			return err
		}
		keyBuf = key
		p := 0
		if ok {
			p = int(spillHash(0, key) % joinPartitions)
		}
		if parts[p] == nil {
			if parts[p], err = newSpillFile(c, cols, 0, st); err != nil {
				return err
			}
		}
		return parts[p].append(r)
	}
	rcols, lcols := n.Right.Columns(), n.Left.Columns()
	toRight := func(r Row) error { return write(&g.right, rcols, rightKey, r) }
	for _, r := range held {
		if err := toRight(r); err != nil {
			return fail(err)
		}
	}
	if err := c.eachRow((&rowIter{op: rest}).next, toRight); err != nil {
		return fail(err)
	}
	rest.Close()
	left, err := c.buildTransient(n.Left)
	if err != nil {
		g.Close()
		return nil, err
	}
	err = c.eachRow((&rowIter{op: left}).next, func(r Row) error { return write(&g.left, lcols, leftKey, r) })
	left.Close()
	if err != nil {
		g.Close()
		return nil, err
	}
	for _, parts := range []*[joinPartitions]*spillFile{&g.left, &g.right} {
		for _, pf := range parts {
			if pf != nil {
				if err := pf.finish(); err != nil {
					g.Close()
					return nil, err
				}
			}
		}
	}
	return g, nil
}

func (g *graceJoin) Next() ([]Row, error) {
	for {
		if g.cur != nil {
			b, err := g.cur.Next()
			if err != nil || len(b) > 0 {
				return b, err
			}
			g.curIn.Close()
			g.cur, g.curIn = nil, nil
		}
		if g.next >= joinPartitions {
			return nil, nil
		}
		p := g.next
		g.next++
		var right []Row
		if pf := g.right[p]; pf != nil {
			for {
				r, ok, err := pf.next()
				if err != nil {
					return nil, err
				}
				if !ok {
					break
				}
				right = append(right, r)
			}
			pf.close()
			g.right[p] = nil
		}
		in := &spillOp{pf: g.left[p]}
		g.left[p] = nil
		o, err := g.c.newJoinOp(g.n, in, right)
		if err != nil {
			in.Close()
			return nil, err
		}
		g.cur, g.curIn = o, in
	}
}

// Close removes the partition files left.
func (g *graceJoin) Close() {
	if g.curIn != nil {
		g.curIn.Close()
	}
	for _, parts := range []*[joinPartitions]*spillFile{&g.left, &g.right} {
		for i, pf := range parts {
			if pf != nil {
				pf.close()
				parts[i] = nil
			}
		}
	}
}

// spillOp reads a partition file's rows (none for a nil file).
type spillOp struct {
	pf    *spillFile
	batch []Row
}

func (o *spillOp) Next() ([]Row, error) {
	if o.pf == nil {
		return nil, nil
	}
	b := o.batch[:0]
	for len(b) < batchSize {
		r, ok, err := o.pf.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		b = append(b, r)
	}
	o.batch = b
	return b, nil
}

func (o *spillOp) Close() {
	if o.pf != nil {
		o.pf.close()
		o.pf = nil
	}
}
