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
	on      evalFn
	tc      *tableCodec
	prefix  []byte // the index's key prefix
	primary []byte // the primary index's key prefix
	cur     Row
	inner   []Row
	ii      int
	batch   []Row
}

func (c *Ctx) newIndexJoin(n *plan.IndexJoin) (Operator, error) {
	outer, err := c.build(n.Outer)
	if err != nil {
		return nil, err
	}
	o := &indexJoinOp{c: c, n: n, outer: &rowIter{op: outer}, tc: newTableCodec(n.Table, n.InnerCols),
		prefix:  catalog.IndexPrefix(nil, n.Table.ID, n.Index.ID),
		primary: catalog.IndexPrefix(nil, n.Table.ID, catalog.PrimaryIndexID)}
	o.tc.need(n.Needed)
	if o.key, err = c.compile(n.OuterKey); err != nil {
		outer.Close()
		return nil, err
	}
	if n.On != nil {
		if o.on, err = c.compile(n.On); err != nil {
			outer.Close()
			return nil, err
		}
	}
	return o, nil
}

func (o *indexJoinOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *indexJoinOp) nextRow() (Row, bool, error) {
	for {
		for o.ii < len(o.inner) {
			in := o.inner[o.ii]
			o.ii++
			row := make(Row, 0, len(o.cur)+len(in))
			if o.n.InnerFirst {
				row = append(append(row, in...), o.cur...)
			} else {
				row = append(append(row, o.cur...), in...)
			}
			if o.on != nil {
				v, err := o.on(row)
				if err != nil {
					return nil, false, err
				}
				if v.IsNull() || !v.Bool() {
					continue
				}
			}
			return row, true, nil
		}
		r, ok, err := o.outer.next()
		if err != nil || !ok {
			return nil, false, err
		}
		if err := o.c.canceled(); err != nil {
			return nil, false, err
		}
		o.cur, o.ii = r, 0
		if o.inner, err = o.lookup(r); err != nil {
			return nil, false, err
		}
	}
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
		val, ok, err := txn.Get(key)
		if err != nil || !ok {
			return nil, err
		}
		r, err := o.tc.decode(val)
		if err != nil {
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
			rest := it.Key()[len(o.prefix):]
			for _, ic := range ix.Columns {
				if _, rest, err = rowcodec.DecodeKey(rest, dir(ic.Desc)); err != nil {
					return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "index %q: entry does not decode: %v", ix.Name, err)
				}
			}
			v, ok, err := txn.Get(append(o.primary[:len(o.primary):len(o.primary)], rest...))
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
