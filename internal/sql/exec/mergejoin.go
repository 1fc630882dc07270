package exec

import (
	"bytes"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// mergeJoinOp is a merge join (plan.MergeJoin): the outer rows come
// ascending by key; for each new outer key the inner side moves forward to
// it and gathers the rows of that key, which serve every outer row with
// the same key. NULL keys match nothing.
type mergeJoinOp struct {
	c        *Ctx
	outer    *rowIter
	outerKey int
	inner    innerSide
	pairs    pairs
	curKey   types.Datum
	haveKey  bool
	group    []Row // the inner rows of curKey
	batch    []Row
}

// innerSide yields the inner rows of one key at a time, for ascending
// keys.
type innerSide interface {
	// gather returns the inner rows whose key equals k, having passed
	// over those with smaller keys; the rows stay valid until the next
	// call.
	gather(k types.Datum, dst []Row) ([]Row, error)
	close()
}

func (c *Ctx) newMergeJoin(n *plan.MergeJoin) (Operator, error) {
	o := &mergeJoinOp{c: c, outerKey: n.OuterKey.Idx}
	o.pairs.innerFirst, o.pairs.rowsFor = n.InnerFirst, o.rowsFor
	var err error
	if n.Filter != nil {
		if o.pairs.on, err = c.compile(n.Filter); err != nil {
			return nil, err
		}
	}
	if n.Seek {
		if o.inner, err = c.newSeekInner(n); err != nil {
			return nil, err
		}
	} else {
		in, err := c.build(n.Inner)
		if err != nil {
			return nil, err
		}
		o.inner = &orderedInner{rows: rowIter{op: in}, key: n.InnerKey.Idx}
	}
	// The outer rows are copied into the joined rows and not kept: the
	// outer side may decode each batch into the same memory.
	outer, err := c.buildTransient(n.Outer)
	if err != nil {
		o.inner.close()
		return nil, err
	}
	o.outer = &rowIter{op: outer}
	return o, nil
}

func (o *mergeJoinOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *mergeJoinOp) nextRow() (Row, bool, error) { return o.pairs.nextFrom(o.c, o.outer) }

// rowsFor returns the inner rows of an outer row: none for a NULL key,
// those of the last row for the same key.
func (o *mergeJoinOp) rowsFor(r Row) ([]Row, error) {
	k := r[o.outerKey]
	if k.IsNull() {
		return nil, nil
	}
	if !o.haveKey || types.Compare(k, o.curKey) != 0 {
		o.curKey, o.haveKey = k, true
		var err error
		if o.group, err = o.inner.gather(k, o.group[:0]); err != nil {
			return nil, err
		}
	}
	return o.group, nil
}

func (o *mergeJoinOp) Close() {
	o.outer.op.Close()
	o.inner.close()
}

// orderedInner is an inner side read in order from an operator.
type orderedInner struct {
	rows rowIter
	key  int
	peek Row
	have bool // peek holds the next row
	done bool
}

func (s *orderedInner) gather(k types.Datum, dst []Row) ([]Row, error) {
	for !s.done {
		if !s.have {
			r, ok, err := s.rows.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				s.done = true
				break
			}
			s.peek, s.have = r, true
		}
		pk := s.peek[s.key]
		c := -1
		if !pk.IsNull() {
			c = types.Compare(pk, k)
		}
		if c > 0 {
			break
		}
		if c == 0 {
			dst = append(dst, s.peek)
		}
		s.have = false
	}
	return dst, nil
}

func (s *orderedInner) close() { s.rows.op.Close() }

// seekInner reads a table in primary-key order by seeking its iterator to
// each key (plan.MergeJoin.Seek).
type seekInner struct {
	tc     *tableCodec
	filter evalFn
	it     *mvcc.Iterator
	prefix []byte
	target []byte
	st     *OpStats
	ended  bool
	// unique: the key is the whole primary key, so a seek finds at most
	// one row and gather need not step on to look for more.
	unique bool
}

func (c *Ctx) newSeekInner(n *plan.MergeJoin) (*seekInner, error) {
	in := n.Inner
	s := &seekInner{}
	if f, ok := in.(*plan.Filter); ok {
		var err error
		if s.filter, err = c.compile(f.Pred); err != nil {
			return nil, err
		}
		in = f.Input
	}
	scan := in.(*plan.Scan)
	tc, err := c.codecFor(scan, scan.Table, scan.Cols, scan.Needed, nil)
	if err != nil {
		return nil, err
	}
	s.tc = tc
	s.unique = len(scan.Table.Primary.Columns) == 1
	var end []byte
	s.prefix, end = tableSpan(scan.Table.ID)
	s.it = c.Txn.Scan(s.prefix, end)
	if c.Analyze != nil {
		// The scan's line in EXPLAIN ANALYZE: the rows it gave, once.
		s.st = &OpStats{Loops: 1}
		c.Analyze[n.Inner] = s.st
	}
	return s, nil
}

func (s *seekInner) gather(k types.Datum, dst []Row) ([]Row, error) {
	if s.ended {
		return dst, nil
	}
	s.target = rowcodec.AppendKey(append(s.target[:0], s.prefix...), types.ToRowcodecKey(k), dir(false))
	ok := s.it.SeekGE(s.target)
	for ; ok && bytes.HasPrefix(s.it.Key(), s.target); ok = s.it.Next() {
		r, err := s.tc.decode(s.it.Value())
		if err != nil {
			return nil, err
		}
		ok, err := holds(s.filter, r)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if s.st != nil {
			s.st.Rows++
		}
		dst = append(dst, r)
		if s.unique {
			break
		}
	}
	if !ok {
		s.ended = true
	}
	return dst, s.it.Err()
}

func (s *seekInner) close() { s.it.Close() }
