package exec

import (
	"bytes"
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// A GIN index over jsonb holds one entry per term of a row's document
// (see jsonb.LeafTerms and KeyTerms):
//
//	index prefix | term (jsonb.TermSize bytes) | primary key columns
//
// with an empty value. Leaf terms are laid out as the index's Terms
// says (jsonb.TermLayout): new indexes group them by path, so the
// entries of one path are together. A lookup reads the entries of the query's terms
// and fetches the rows whose keys all (or any) terms list.

// invertedKeys returns the entries of row in GIN index ix (none for a
// NULL document or a row outside a partial index).
func (w *writer) invertedKeys(ix *catalog.Index, row Row) ([][]byte, error) {
	terms, err := w.invertedTerms(ix, row)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	return w.invertedEntries(ix, row, terms), nil
}

// invertedEntries returns the entries of row in GIN index ix for terms.
func (w *writer) invertedEntries(ix *catalog.Index, row Row, terms [][]byte) [][]byte {
	if len(terms) == 0 {
		return nil
	}
	pk := w.tc.primaryKey(nil, row)[len(catalog.IndexPrefix(nil, w.tc.d.ID, catalog.PrimaryIndexID)):]
	prefix := catalog.IndexPrefix(nil, w.tc.d.ID, ix.ID)
	n := len(prefix) + jsonb.TermSize + len(pk)
	slab := make([]byte, 0, n*len(terms)) // one allocation for all
	keys := make([][]byte, len(terms))
	for i, t := range terms {
		start := len(slab)
		slab = append(append(append(slab, prefix...), t...), pk...)
		keys[i] = slab[start:len(slab):len(slab)]
	}
	return keys
}

// invertedTerms returns the terms of row's document in GIN index ix
// (none for a NULL document or a row outside a partial index).
func (w *writer) invertedTerms(ix *catalog.Index, row Row) ([][]byte, error) {
	doc, ok, err := w.invertedDoc(ix, row)
	if !ok || err != nil {
		return nil, err
	}
	return docTerms(ix, doc), nil
}

// docTerms is every term a document has in GIN index ix: its leaf
// terms, then its key terms.
func docTerms(ix *catalog.Index, d jsonb.Doc) [][]byte {
	return jsonb.KeyTerms(jsonb.LeafTerms(nil, d, jsonb.TermLayout(ix.Terms)), d)
}

// invertedDoc returns the document row has in GIN index ix; ok is false
// for a NULL document or a row outside a partial index.
func (w *writer) invertedDoc(ix *catalog.Index, row Row) (doc jsonb.Doc, ok bool, err error) {
	ci := w.indexes[ix.ID]
	if ci != nil && ci.pred != nil {
		v, err := ci.pred(row)
		if err != nil || v.IsNull() || !v.Bool() {
			return "", false, err
		}
	}
	var v types.Datum
	if ci != nil && ci.keys[0] != nil {
		if v, err = ci.keys[0](row); err != nil {
			return "", false, err
		}
	} else {
		v = row[w.tc.pos[ix.Columns[0].ColumnID]]
	}
	if v.IsNull() {
		return "", false, nil
	}
	return v.Doc(), true, nil
}

// invertedChanges returns the terms of old's document in GIN index ix
// that new's lacks, and those new's has that old's lacks.
func (w *writer) invertedChanges(ix *catalog.Index, old, new Row) (removed, added [][]byte, err error) {
	a, inA, err := w.invertedDoc(ix, old)
	if err != nil {
		return nil, nil, err
	}
	b, inB, err := w.invertedDoc(ix, new)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case inA && inB:
		removed, added = jsonb.TermsDiff(a, b, jsonb.TermLayout(ix.Terms))
	case inA:
		removed = docTerms(ix, a)
	case inB:
		added = docTerms(ix, b)
	}
	return removed, added, nil
}

// newInvertedScan looks up the query's terms and returns the rows whose
// primary keys they list, in primary key order.
func (c *Ctx) newInvertedScan(n *plan.InvertedScan) (Operator, error) {
	f, err := c.compile(n.Value)
	if err != nil {
		return nil, err
	}
	v, err := f(nil)
	if err != nil {
		return nil, err
	}
	if v.IsNull() {
		return &sliceOp{}, nil
	}
	var terms [][]byte
	all := true // rows must have every term (else any)
	switch n.Op {
	case types.OpContains:
		terms = jsonb.LeafTerms(nil, v.Doc(), jsonb.TermLayout(n.Index.Terms))
	case types.OpJSONExists:
		terms = [][]byte{jsonb.KeyTerm(v.Str())}
	case types.OpJSONExistsAny, types.OpJSONExistsAll:
		all = n.Op == types.OpJSONExistsAll
		for _, e := range v.Array().Elems {
			if !e.IsNull() {
				terms = append(terms, jsonb.KeyTerm(e.Str()))
			}
		}
	}
	if len(terms) == 0 {
		if all {
			// Nothing to look up ({} contains nothing, ?& of no keys):
			// every row is a candidate.
			return c.newScan(&plan.Scan{Table: n.Table, Alias: n.Alias, Cols: n.Cols, Needed: n.Needed})
		}
		return &sliceOp{}, nil
	}
	prefix := catalog.IndexPrefix(nil, n.Table.ID, n.Index.ID)
	var pks map[string]bool
	for i, t := range terms {
		start := append(append([]byte{}, prefix...), t...)
		found := map[string]bool{}
		it := c.Txn.Scan(start, prefixEnd(start))
		for it.Next() {
			if err := c.canceled(); err != nil {
				it.Close()
				return nil, err
			}
			pk := string(it.Key()[len(start):])
			if i == 0 || !all || pks[pk] {
				found[pk] = true
			}
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
		switch {
		case i == 0:
			pks = found
		case all:
			pks = found // found only keeps keys already in pks
		default:
			for k := range found {
				pks[k] = true
			}
		}
		if all && len(pks) == 0 {
			break
		}
	}
	keys := make([]string, 0, len(pks))
	for k := range pks {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return bytes.Compare([]byte(a), []byte(b)) })
	tc := newTableCodec(n.Table, n.Cols)
	tc.need(n.Needed)
	rows := make([]Row, 0, len(keys))
	primary := catalog.IndexPrefix(nil, n.Table.ID, catalog.PrimaryIndexID)
	for _, k := range keys {
		r, ok, err := tc.fetch(c.Txn, append(primary[:len(primary):len(primary)], k...))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, sqlerr.New(sqlerr.DataCorrupted, "index %q points at a missing row of %q", n.Index.Name, n.Table.Name)
		}
		rows = append(rows, r)
	}
	return &sliceOp{rows: rows}, nil
}
