package exec

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// indexJoinOp is an index nested-loop join: for each outer row it reads
// the inner table's rows through an index whose leading column equals
// the outer row's key.
type indexJoinOp struct {
	c       *Ctx
	n       *plan.IndexJoin
	outer   *rowIter
	key     evalFn
	tc      *tableCodec
	prefix  []byte // the index's key prefix
	primary []byte // the primary index's key prefix
	pairs   pairs
	batch   []Row
}

func (c *Ctx) newIndexJoin(n *plan.IndexJoin) (Operator, error) {
	// The outer rows are copied into the joined rows and not kept.
	outer, err := c.buildTransient(n.Outer)
	if err != nil {
		return nil, err
	}
	o := &indexJoinOp{c: c, n: n, outer: &rowIter{op: outer}, tc: newTableCodec(n.Table, n.InnerCols),
		prefix:  catalog.IndexPrefix(nil, n.Table.ID, n.Index.ID),
		primary: catalog.IndexPrefix(nil, n.Table.ID, catalog.PrimaryIndexID)}
	o.tc.need(n.Needed)
	o.pairs.innerFirst, o.pairs.rowsFor = n.InnerFirst, o.lookup
	if o.key, err = c.compile(n.OuterKey); err != nil {
		outer.Close()
		return nil, err
	}
	if n.On != nil {
		if o.pairs.on, err = c.compile(n.On); err != nil {
			outer.Close()
			return nil, err
		}
	}
	return o, nil
}

func (o *indexJoinOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *indexJoinOp) nextRow() (Row, bool, error) { return o.pairs.nextFrom(o.c, o.outer) }

// pairs yields the joined rows of one outer row with its inner rows that
// the join condition (nil: none) accepts: the inner loop of the index
// and merge joins.
type pairs struct {
	on         evalFn
	innerFirst bool
	// rowsFor returns the inner rows of an outer row (the join's lookup).
	rowsFor func(outer Row) ([]Row, error)
	cur     Row
	inner   []Row
	i       int
	// Joined rows are carved from chunk, 64 rows' worth at a time: one
	// allocation for many rows (they are never reused once returned).
	chunk []types.Datum
}

// nextFrom returns the next joined row: the current outer row's next
// pair, else the first pair of a following outer row.
func (p *pairs) nextFrom(c *Ctx, outer *rowIter) (Row, bool, error) {
	for {
		if row, ok, err := p.next(); ok || err != nil {
			return row, ok, err
		}
		r, ok, err := outer.next()
		if err != nil || !ok {
			return nil, false, err
		}
		if err := c.canceled(); err != nil {
			return nil, false, err
		}
		inner, err := p.rowsFor(r)
		if err != nil {
			return nil, false, err
		}
		p.cur, p.inner, p.i = r, inner, 0
	}
}

func (p *pairs) next() (Row, bool, error) {
	for p.i < len(p.inner) {
		in := p.inner[p.i]
		p.i++
		n := len(p.cur) + len(in)
		if len(p.chunk) < n {
			p.chunk = make([]types.Datum, 64*n)
		}
		row := Row(p.chunk[:0:n])
		if p.innerFirst {
			row = append(append(row, in...), p.cur...)
		} else {
			row = append(append(row, p.cur...), in...)
		}
		ok, err := holds(p.on, row)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue // its memory serves the next pair
		}
		p.chunk = p.chunk[n:]
		return row, true, nil
	}
	return nil, false, nil
}

// lookup reads the inner rows matching an outer row's key.
func (o *indexJoinOp) lookup(outer Row) ([]Row, error) {
	v, err := o.key(outer)
	if err != nil || v.IsNull() {
		return nil, err
	}
	ix := o.n.Index
	key := rowcodec.AppendKey(append([]byte{}, o.prefix...), types.ToRowcodecKey(v), dir(ix.Columns[0].Desc))
	txn := o.c.Txn
	if ix.ID == catalog.PrimaryIndexID && len(ix.Columns) == 1 {
		r, ok, err := o.tc.fetch(txn, key)
		if err != nil || !ok {
			return nil, err
		}
		return []Row{r}, nil
	}
	var rows []Row
	it := txn.Scan(key, prefixEnd(key))
	defer it.Close()
	for it.Next() {
		var val []byte
		if ix.ID == catalog.PrimaryIndexID {
			val = it.Value()
		} else {
			// Past the indexed values is the primary key.
			rest, err := indexEntryPK(ix, it.Key()[len(o.prefix):])
			if err != nil {
				return nil, err
			}
			v, ok, err := txn.GetView(append(o.primary[:len(o.primary):len(o.primary)], rest...))
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, sqlerr.New(sqlerr.DataCorrupted, "index %q points at a missing row of %q", ix.Name, o.n.Table.Name)
			}
			val = v
		}
		r, err := o.tc.decode(val)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, it.Err()
}

func (o *indexJoinOp) Close() { o.outer.op.Close() }
