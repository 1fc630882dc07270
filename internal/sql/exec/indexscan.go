package exec

import (
	"bytes"
	"errors"
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// indexScanOp reads the key ranges of an index scan one after another; for
// a secondary index it fetches each row from the primary index.
type indexScanOp struct {
	c      *Ctx
	tc     *tableCodec
	ix     *catalog.Index
	spans  [][2][]byte
	it     *mvcc.Iterator
	prefix int // length of the index's key prefix
	// points: each span is one whole primary key, read with a point Get
	// rather than an iterator.
	points bool
	// only: an index only scan (plan.IndexScan.IndexOnly): rows come
	// from the index entries, keyCols are the columns of the key in
	// order (the index's, then the primary key's).
	only    bool
	keyCols []catalog.IndexColumn
	// reverse reads each span backward (plan.IndexScan.Reverse).
	reverse bool
	// lastCol: an index only scan's rows need keyCols[:lastCol] only.
	lastCol int
	batch   []Row
	// primary is the primary index's key prefix, pk the row key read
	// last (a secondary index scan's point reads).
	primary, pk []byte
	// shared: the spans ascend, and one iterator over all of them reads
	// them, seeking forward to each (end is the current span's end, seek
	// the start of the next to seek to): a span costs a near seek in the
	// levels that moved, not a new iterator over every level. A find by
	// an indexed document path reads two spans (the value, then the key
	// of documents with an array on the path).
	shared    bool
	end, seek []byte
}

func (c *Ctx) newIndexScan(n *plan.IndexScan, transient bool) (Operator, error) {
	return c.newProjectedIndexScan(n, nil, transient)
}

// newProjectedIndexScan is newIndexScan producing only the columns at
// outIdx (nil: all); transient: the consumer keeps no row
// (buildTransient).
func (c *Ctx) newProjectedIndexScan(n *plan.IndexScan, outIdx []int, transient bool) (Operator, error) {
	tc, err := c.codecFor(n, n.Table, n.Cols, n.Needed, outIdx)
	if err != nil {
		return nil, err
	}
	tc.reuse = transient
	o := &indexScanOp{c: c, tc: tc, ix: n.Index}
	o.prefix = len(catalog.IndexPrefix(nil, n.Table.ID, n.Index.ID))
	if o.spans, err = c.indexSpans(n); err != nil {
		return nil, err
	}
	if p := c.part; p != nil && p.node == n {
		// A part of an input read in parallel: its one span's iterator
		// is made now, while building is serial (a transaction's Scan
		// is not safe for concurrent use; its iterators are).
		if o.spans = clipSpans(o.spans, p.lo, p.hi); len(o.spans) > 1 {
			return nil, errors.New("exec: a part of a parallel read has more than one span")
		}
		o.openSpan()
	}
	if n.Reverse {
		// Backward: the last range first, each from its last key down.
		slices.Reverse(o.spans)
		o.reverse = true
	}
	o.points = pointReads(n)
	if n.IndexOnly() {
		o.only = true
		o.keyCols = append(append([]catalog.IndexColumn(nil), n.Index.Columns...), n.Table.Primary.Columns...)
		for i, ic := range o.keyCols {
			if ic.ColumnID != 0 && int(ic.ColumnID) < len(tc.at) && tc.at[ic.ColumnID] >= 0 {
				o.lastCol = i + 1
			}
		}
	}
	return o, nil
}

// pointReads reports whether each span of n is one whole primary key,
// read with a point Get rather than an iterator.
func pointReads(n *plan.IndexScan) bool {
	return n.Index.ID == catalog.PrimaryIndexID && n.Range == nil && len(n.Eqs) > 0 && len(n.Eqs[0]) == len(n.Index.Columns)
}

// indexSpans returns the key ranges an index scan reads, ascending in
// its conditions' order (an IN list's values as listed).
func (c *Ctx) indexSpans(n *plan.IndexScan) ([][2][]byte, error) {
	var spans [][2][]byte
	base := catalog.IndexPrefix(nil, n.Table.ID, n.Index.ID)
	eval := c.evalOnce
	var seen map[string]bool
	if len(n.Eqs) > 1 {
		seen = map[string]bool{}
	}
	for _, eqs := range n.Eqs {
		key := append([]byte{}, base...)
		null := false
		for i, e := range eqs {
			v, err := eval(e)
			if err != nil {
				return nil, err
			}
			if v.IsNull() {
				null = true // = NULL matches nothing
				break
			}
			key = rowcodec.AppendKey(key, types.ToRowcodecKey(v), dir(n.Index.Columns[i].Desc))
		}
		if null || seen[string(key)] {
			continue
		}
		if seen != nil {
			seen[string(key)] = true
		}
		start, end := key, prefixEnd(key)
		if r := n.Range; r != nil {
			d := dir(n.Index.Columns[len(eqs)].Desc)
			if r.Lo != nil {
				v, err := eval(r.Lo)
				if err != nil {
					return nil, err
				}
				if v.IsNull() {
					continue
				}
				start = rowcodec.AppendKey(append([]byte{}, key...), types.ToRowcodecKey(v), d)
				if !r.LoInc {
					start = prefixEnd(start)
				}
			}
			if r.Hi == nil && r.Lo != nil {
				// No upper bound: stop before the NULLs, which sort
				// after every value (they satisfy no comparison).
				end = rowcodec.AppendKey(append([]byte{}, key...), rowcodec.Null(), d)
			}
			if r.Hi != nil {
				v, err := eval(r.Hi)
				if err != nil {
					return nil, err
				}
				if v.IsNull() {
					continue
				}
				end = rowcodec.AppendKey(append([]byte{}, key...), types.ToRowcodecKey(v), d)
				if r.HiInc {
					end = prefixEnd(end)
				}
			}
		}
		spans = append(spans, [2][]byte{start, end})
	}
	return spans, nil
}

// clipSpans returns the parts of spans inside [lo, hi).
func clipSpans(spans [][2][]byte, lo, hi []byte) [][2][]byte {
	var out [][2][]byte
	for _, s := range spans {
		if bytes.Compare(s[0], lo) < 0 {
			s[0] = lo
		}
		if bytes.Compare(s[1], hi) > 0 {
			s[1] = hi
		}
		if bytes.Compare(s[0], s[1]) < 0 {
			out = append(out, s)
		}
	}
	return out
}

func (o *indexScanOp) Next() ([]Row, error) {
	o.tc.startBatch()
	return fillBatch(&o.batch, o.nextRow)
}

func (o *indexScanOp) nextRow() (Row, bool, error) {
	for o.points {
		if len(o.spans) == 0 {
			return nil, false, nil
		}
		key := o.spans[0][0]
		o.spans = o.spans[1:]
		r, ok, err := o.tc.fetch(o.c.Txn, key)
		if err != nil {
			return nil, false, err
		}
		if ok {
			return r, true, nil
		}
	}
	if ok, err := o.advance(); !ok || err != nil {
		return nil, false, err
	}
	if o.ix.ID == catalog.PrimaryIndexID {
		r, err := o.tc.decode(o.it.Value())
		return r, err == nil, err
	}
	if o.only {
		r, err := o.decodeEntry(o.it.Key()[o.prefix:])
		return r, err == nil, err
	}
	rest, err := o.entryPK()
	if err != nil {
		return nil, false, err
	}
	if o.primary == nil {
		o.primary = catalog.IndexPrefix(nil, o.tc.d.ID, catalog.PrimaryIndexID)
	}
	o.pk = append(append(o.pk[:0], o.primary...), rest...)
	pk := o.pk
	r, ok, err := o.tc.fetch(o.c.Txn, pk)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, sqlerr.New(sqlerr.DataCorrupted, "index %q points at a missing row of %q", o.ix.Name, o.tc.d.Name)
	}
	return r, true, nil
}

// advance moves to the next index entry of the spans, reporting false
// after the last.
func (o *indexScanOp) advance() (bool, error) {
	for {
		if err := o.c.canceled(); err != nil {
			return false, err
		}
		if o.it == nil && !o.openSpan() {
			return false, nil
		}
		var ok bool
		if o.seek != nil {
			ok, o.seek = o.it.SeekGE(o.seek), nil
		} else {
			ok = o.it.Next()
		}
		if ok && o.shared && bytes.Compare(o.it.Key(), o.end) >= 0 {
			// Past the span: on to the next one, if any.
			if len(o.spans) > 0 {
				o.seek, o.end = o.spans[0][0], o.spans[0][1]
				o.spans = o.spans[1:]
				continue
			}
			ok = false
		}
		if ok {
			return true, nil
		}
		if o.shared {
			// The iterator ends where the last span does: no span left
			// holds anything.
			o.spans = nil
		}
		err := o.it.Err()
		o.it.Close()
		o.it = nil
		if err != nil {
			return false, err
		}
	}
}

// openSpan opens the iterator of the next span, if there is one.
func (o *indexScanOp) openSpan() bool {
	if len(o.spans) == 0 {
		return false
	}
	switch {
	case o.reverse:
		o.it = o.c.Txn.ReverseScan(o.spans[0][0], o.spans[0][1])
	case ascending(o.spans):
		o.shared, o.end = true, o.spans[0][1]
		o.it = o.c.Txn.Scan(o.spans[0][0], o.spans[len(o.spans)-1][1])
	default:
		o.it = o.c.Txn.Scan(o.spans[0][0], o.spans[0][1])
	}
	o.spans = o.spans[1:]
	return true
}

// ascending reports whether there are several spans and each starts at or
// after the end of the one before.
func ascending(spans [][2][]byte) bool {
	if len(spans) < 2 {
		return false
	}
	for i := 1; i < len(spans); i++ {
		if spans[i-1][1] == nil || bytes.Compare(spans[i][0], spans[i-1][1]) < 0 {
			return false
		}
	}
	return true
}

// entryPK returns the primary key that the current entry of a secondary
// index holds past its indexed values (without the primary index's
// prefix); it aliases the entry's key.
func (o *indexScanOp) entryPK() ([]byte, error) {
	return indexEntryPK(o.ix, o.it.Key()[o.prefix:])
}

// indexEntryPK returns the primary key that a secondary index entry of
// ix holds after its indexed values, given the entry's key past its
// index prefix (which it aliases); the values are stepped over, not
// decoded.
func indexEntryPK(ix *catalog.Index, rest []byte) ([]byte, error) {
	for _, ic := range ix.Columns {
		var err error
		if rest, err = rowcodec.SkipKey(rest, dir(ic.Desc)); err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "index %q: entry does not decode: %v", ix.Name, err)
		}
	}
	return rest, nil
}

// decodeEntry builds a row from an index entry's key (after its
// prefix): the indexed columns, then the primary key's; the columns the
// plan does not read stay NULL.
func (o *indexScanOp) decodeEntry(key []byte) (Row, error) {
	row := o.tc.newRow()
	// The entry's columns past the last one read stay undecoded.
	for _, ic := range o.keyCols[:o.lastCol] {
		v, rest, err := rowcodec.DecodeKey(key, dir(ic.Desc))
		if err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "index %q: entry does not decode: %v", o.ix.Name, err)
		}
		key = rest
		if ic.ColumnID == 0 || int(ic.ColumnID) >= len(o.tc.at) {
			continue // an expression's value
		}
		i := o.tc.at[ic.ColumnID]
		if i < 0 || !row[i].IsNull() {
			continue // not read, or a primary key column also indexed
		}
		if row[i], err = types.FromRowcodec(o.tc.types[i], v); err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "index %q: column %d does not decode: %v", o.ix.Name, ic.ColumnID, err)
		}
	}
	return row, nil
}

func (o *indexScanOp) Close() {
	if o.it != nil {
		o.it.Close()
	}
}
