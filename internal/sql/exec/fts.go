package exec

import (
	"context"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/fts"
	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// An fts index keeps its postings under the index's key prefix
// (catalog.IndexPrefix(table, index)), in the layout of package fts,
// with the row's primary key columns (their key encoding) as document
// id. The writer adds and deletes documents in the row's transaction.

// openFTS returns the fts index of table d with what statement c shares
// of fts (nil, or a field of it unset: a fresh analyzer, new documents
// numbered by hash and analyzed by their writer): its analyzer from
// c.Analyzers, new documents numbered by c.FTSNumbers and analyzed by
// c.FTSWorkers.
func openFTS(c *Ctx, d *catalog.Descriptor, ix *catalog.Index) (*fts.Index, error) {
	lookup := analysis.Lookup
	if c != nil && c.Analyzers != nil {
		lookup = c.Analyzers.Lookup
	}
	a, err := lookup(ix.Options["analyzer"])
	if err != nil {
		return nil, sqlerr.New(sqlerr.DataCorrupted, "fts index %q: %v", ix.Name, err)
	}
	fields := make([]string, len(ix.Columns))
	for i, ic := range ix.Columns {
		if c := d.ColumnByID(ic.ColumnID); c != nil {
			fields[i] = c.Name
		} else {
			fields[i] = "?"
		}
	}
	f, err := fts.New(catalog.IndexPrefix(nil, d.ID, ix.ID), fields, a)
	if err != nil || c == nil {
		return f, err
	}
	if c.FTSNumbers != nil {
		f.SetNumbers(c.FTSNumbers)
	}
	if c.FTSWorkers != nil {
		f.SetWorkers(c.FTSWorkers)
	}
	return f, nil
}

// MergeFTS folds the first maxDocs (0: all) pending documents of an fts
// index into blocks and purges deleted documents, in txn; folded is how
// many documents it merged or purged, pending how many are left.
func MergeFTS(ctx context.Context, txn *mvcc.Txn, d *catalog.Descriptor, ix *catalog.Index, maxDocs int) (folded, pending int, err error) {
	f, err := openFTS(nil, d, ix) // a merge analyzes no text
	if err != nil {
		return 0, 0, err
	}
	st, err := f.MergeSome(ctx, txn, maxDocs)
	return st.Added + st.Purged, st.Pending, err
}

// PendingFTS returns how many documents of the fts index ix of table d
// wait for a merge.
func PendingFTS(txn *mvcc.Txn, d *catalog.Descriptor, ix *catalog.Index) (int, error) {
	f, err := openFTS(nil, d, ix)
	if err != nil {
		return 0, err
	}
	return f.Pending(txn)
}

// ftsText is the text of a value for search: a string's text, or the
// strings of a document (one per line); NULL is empty.
func ftsText(v types.Datum) string {
	switch {
	case v.IsNull():
		return ""
	case v.Kind() == types.JSONBFamily:
		var b strings.Builder
		var walk func(d jsonb.Doc)
		walk = func(d jsonb.Doc) {
			switch d.Kind() {
			case jsonb.String:
				b.WriteString(d.Str())
				b.WriteByte('\n')
			case jsonb.Array:
				for i := range d.Len() {
					e, _ := d.Index(i)
					walk(e)
				}
			case jsonb.Object:
				pairs, _ := jsonb.Each(d)
				for _, p := range pairs {
					walk(p.Value)
				}
			}
		}
		walk(v.Doc())
		return b.String()
	}
	return v.Str()
}

// ftsDoc returns the fields of row for fts index ix and its document id
// (the row's primary key), or ok false for a row outside a partial index.
func (w *writer) ftsDoc(ix *catalog.Index, row Row) (f *fts.Index, id []byte, values []string, ok bool, err error) {
	ci := w.indexes[ix.ID]
	if ci != nil && ci.pred != nil {
		v, err := ci.pred(row)
		if err != nil || v.IsNull() || !v.Bool() {
			return nil, nil, nil, false, err
		}
	}
	if w.fts == nil {
		w.fts = map[uint32]*fts.Index{}
		if cs := w.c.Codecs; cs != nil {
			if cs.fts == nil {
				cs.fts = map[*catalog.Descriptor]map[uint32]*fts.Index{}
			}
			if cs.fts[w.tc.d] == nil {
				cs.fts[w.tc.d] = map[uint32]*fts.Index{}
			}
			w.fts = cs.fts[w.tc.d] // kept with the plan
		}
	}
	if f = w.fts[ix.ID]; f == nil {
		if f, err = openFTS(w.c, w.tc.d, ix); err != nil {
			return nil, nil, nil, false, err
		}
		w.fts[ix.ID] = f
	}
	for _, ic := range ix.Columns {
		values = append(values, ftsText(row[w.tc.pos[ic.ColumnID]]))
	}
	prefix := len(catalog.IndexPrefix(nil, w.tc.d.ID, catalog.PrimaryIndexID))
	return f, w.tc.primaryKey(nil, row)[prefix:], values, true, nil
}

// FTSMinWeight is the least weight OnFTSWrite hears of a document write:
// a short document's pending entry and a deletion cost a merge about as
// much as this many bytes of text.
const FTSMinWeight = 256

// ftsAdd indexes row in fts index ix. The row is new to the index: an
// insert checked its primary key was free, an update deleted its old
// document first, a build starts from an empty index.
func (w *writer) ftsAdd(ix *catalog.Index, row Row) error {
	f, id, values, ok, err := w.ftsDoc(ix, row)
	if err != nil || !ok {
		return err
	}
	if w.c.OnFTSWrite != nil {
		n := 0
		for _, v := range values {
			n += len(v)
		}
		w.c.OnFTSWrite(w.tc.d.ID, ix.ID, max(n, FTSMinWeight))
	}
	return f.AddNew(w.c.Txn, id, values)
}

// ftsDelete removes row from fts index ix.
func (w *writer) ftsDelete(ix *catalog.Index, row Row) error {
	f, id, _, ok, err := w.ftsDoc(ix, row)
	if err != nil || !ok {
		return err
	}
	if w.c.OnFTSWrite != nil {
		// A merge purges a deleted document from every block of its
		// terms: count it as a short document.
		w.c.OnFTSWrite(w.tc.d.ID, ix.ID, FTSMinWeight)
	}
	return f.Delete(w.c.Txn, id)
}

// newFTSScan reads the rows an fts index matches, with their scores when
// the plan reads them (or wants the top k).
func (c *Ctx) newFTSScan(n *plan.FTSScan) (Operator, error) {
	qf, err := c.compile(n.Query)
	if err != nil {
		return nil, err
	}
	qv, err := qf(nil)
	if err != nil {
		return nil, err
	}
	if qv.IsNull() {
		return &sliceOp{}, nil
	}
	f, err := openFTS(c, n.Table, n.Index)
	if err != nil {
		return nil, err
	}
	wantScore := n.ScoreIdx >= 0 && (n.Needed == nil || n.Needed[n.ScoreIdx])
	var ids [][]byte
	var scores []float64
	if wantScore || n.Limit != nil {
		opts := fts.SearchOptions{}
		if n.Limit != nil {
			lf, err := c.compile(n.Limit)
			if err != nil {
				return nil, err
			}
			lv, err := lf(nil)
			if err != nil {
				return nil, err
			}
			if !lv.IsNull() {
				if lv.Int() <= 0 {
					return &sliceOp{}, nil
				}
				opts.Limit = int(lv.Int())
			}
		}
		hits, err := f.Search(c.Txn, qv.Str(), opts)
		if err != nil {
			return nil, queryError(qv.Str(), err)
		}
		for _, h := range hits {
			ids = append(ids, h.ID)
			scores = append(scores, h.Score)
		}
	} else if ids, err = f.Match(c.Txn, qv.Str()); err != nil {
		return nil, queryError(qv.Str(), err)
	}
	tc := newTableCodec(n.Table, n.Cols)
	tc.need(n.Needed)
	primary := catalog.IndexPrefix(nil, n.Table.ID, catalog.PrimaryIndexID)
	rows := make([]Row, 0, len(ids))
	for i, id := range ids {
		if err := c.canceled(); err != nil {
			return nil, err
		}
		r, ok, err := tc.fetch(c.Txn, append(primary[:len(primary):len(primary)], id...))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, sqlerr.New(sqlerr.DataCorrupted, "fts index %q points at a missing row of %q", n.Index.Name, n.Table.Name)
		}
		if scores != nil && n.ScoreIdx >= 0 {
			r[n.ScoreIdx] = types.NewFloat8(scores[i])
		}
		rows = append(rows, r)
	}
	return &sliceOp{rows: rows}, nil
}

// compileFTSMatch evaluates x @@ query on one row's text, without an
// index; the compiled query is kept while the query text stays the same.
func (c *Ctx) compileFTSMatch(e *plan.FTSMatch) (evalFn, error) {
	args, err := c.compileAll(e.Args)
	if err != nil {
		return nil, err
	}
	q, err := c.compile(e.Query)
	if err != nil {
		return nil, err
	}
	a, err := analysis.Lookup(e.Analyzer)
	if err != nil {
		return nil, err
	}
	ix, err := fts.New([]byte{0}, e.Fields, a)
	if err != nil {
		return nil, err
	}
	var lastQ string
	var m *fts.Matcher
	values := make([]string, len(args))
	return func(row Row) (types.Datum, error) {
		qv, err := q(row)
		if err != nil || qv.IsNull() {
			return types.Null, err
		}
		null := true
		for i, f := range args {
			v, err := f(row)
			if err != nil {
				return types.Null, err
			}
			null = null && v.IsNull()
			values[i] = ftsText(v)
		}
		if null {
			return types.Null, nil
		}
		if m == nil || qv.Str() != lastQ {
			if m, err = ix.NewMatcher(qv.Str()); err != nil {
				return types.Null, queryError(qv.Str(), err)
			}
			lastQ = qv.Str()
		}
		return types.NewBool(m.Match(values)), nil
	}, nil
}

// compileFTSSnippet evaluates fts_snippet.
func (c *Ctx) compileFTSSnippet(e *plan.FTSSnippet) (evalFn, error) {
	args, err := c.compileAll(e.Args)
	if err != nil {
		return nil, err
	}
	a, err := analysis.Lookup(e.Analyzer)
	if err != nil {
		return nil, err
	}
	vals := make([]types.Datum, len(args))
	return func(row Row) (types.Datum, error) {
		for i, f := range args {
			v, err := f(row)
			if err != nil {
				return types.Null, err
			}
			if v.IsNull() {
				return types.Null, nil
			}
			vals[i] = v
		}
		opts := fts.SnippetOptions{}
		if len(vals) >= 4 {
			opts.Start, opts.End = vals[2].Str(), vals[3].Str()
		}
		if len(vals) == 5 {
			opts.MaxTokens = int(vals[4].Int())
		}
		s, err := fts.Snippet(a, ftsText(vals[0]), vals[1].Str(), opts)
		if err != nil {
			return types.Null, queryError(vals[1].Str(), err)
		}
		return types.NewText(s), nil
	}, nil
}

// queryError moves a full-text query's syntax error position (a
// character of the query string, not of the statement) into the detail.
func queryError(q string, err error) error {
	se, ok := err.(*sqlerr.Error)
	if !ok || se.Position == 0 {
		return err
	}
	c := *se
	c.Position = 0
	if c.Detail == "" {
		c.Detail = "in the full-text query " + strconvQuote(q)
	}
	return &c
}

func strconvQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
