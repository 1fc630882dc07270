package exec

import (
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// indexAndOp is an index intersection (plan.IndexAnd): the primary keys
// the first index scan finds, narrowed to those every other scan finds
// too, then the rows of the keys that remain, in primary-key order.
type indexAndOp struct {
	c       *Ctx
	n       *plan.IndexAnd
	tc      *tableCodec
	primary []byte
	pks     []string // nil until collected
	i       int
	batch   []Row
}

func (c *Ctx) newIndexAnd(n *plan.IndexAnd) (Operator, error) {
	tc, err := c.codecFor(n, n.Table, n.Cols, n.Needed, nil)
	if err != nil {
		return nil, err
	}
	return &indexAndOp{c: c, n: n, tc: tc, primary: catalog.IndexPrefix(nil, n.Table.ID, catalog.PrimaryIndexID)}, nil
}

// collect intersects the scans' primary keys.
func (o *indexAndOp) collect() error {
	var set map[string]struct{}
	for i, s := range o.n.Scans {
		op, err := o.c.newProjectedIndexScan(s, nil, false)
		if err != nil {
			return err
		}
		sub := op.(*indexScanOp)
		next := map[string]struct{}{}
		for {
			ok, err := sub.advance()
			if err != nil {
				sub.Close()
				return err
			}
			if !ok {
				break
			}
			pk, err := sub.entryPK()
			if err != nil {
				sub.Close()
				return err
			}
			if _, in := set[string(pk)]; in || i == 0 {
				next[string(pk)] = struct{}{}
			}
		}
		sub.Close()
		if set = next; len(set) == 0 {
			break
		}
	}
	o.pks = make([]string, 0, len(set))
	for pk := range set {
		o.pks = append(o.pks, pk)
	}
	slices.Sort(o.pks)
	return nil
}

func (o *indexAndOp) Next() ([]Row, error) {
	if o.pks == nil {
		if err := o.collect(); err != nil {
			return nil, err
		}
	}
	return fillBatch(&o.batch, o.nextRow)
}

func (o *indexAndOp) nextRow() (Row, bool, error) {
	for o.i < len(o.pks) {
		if err := o.c.canceled(); err != nil {
			return nil, false, err
		}
		pk := o.pks[o.i]
		o.i++
		r, ok, err := o.tc.fetch(o.c.Txn, append(o.primary[:len(o.primary):len(o.primary)], pk...))
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, sqlerr.New(sqlerr.DataCorrupted, "an index of %q points at a missing row", o.n.Table.Name)
		}
		return r, true, nil
	}
	return nil, false, nil
}

func (o *indexAndOp) Close() {}
