package exec

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/fts"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// tableCodec encodes a table's rows: keys of its indexes and the row value.
type tableCodec struct {
	d     *catalog.Descriptor
	types []types.Type
	// pos maps a stored column's id to its position in a row (ids of
	// dropped columns are not looked up).
	pos []int32
	// at maps a column id to its position for decoding, -1 for a column
	// that was dropped or that the reader does not need.
	at []int32
	// chunk is where decoded rows are carved from, so a scan allocates
	// once per many rows; rows are never reused once handed out. chunks
	// doubles from 1 row to 64 so point reads stay small.
	chunk  []types.Datum
	chunks int
	// projected: rows are a projection of the table's columns (project),
	// for reading only (pos and primaryKey no longer apply to them).
	projected bool
	// reuse: rows are carved from the same memory batch after batch
	// (startBatch), for a consumer that keeps none (buildTransient).
	reuse bool
	batch []types.Datum
	// none: the reader needs no column, so decode reads nothing.
	none bool
	// arena holds the decoded rows' strings, a chunk for many.
	arena rowcodec.Arena
	// forms are the types' types.StoredForm, by row position.
	forms []int
	// wanted counts the column ids at maps to a position: decodeTo stops
	// once it has them all, without passing over the rest of the row.
	wanted int
}

// countWanted sets wanted from at.
func (tc *tableCodec) countWanted() {
	tc.wanted = 0
	for _, i := range tc.at {
		if i >= 0 {
			tc.wanted++
		}
	}
}

// setForms fills forms from types.
func (tc *tableCodec) setForms() {
	tc.forms = make([]int, len(tc.types))
	for i, t := range tc.types {
		tc.forms[i] = types.StoredForm(t)
	}
}

func newTableCodec(d *catalog.Descriptor, cols []plan.Column) *tableCodec {
	tc := &tableCodec{d: d, types: make([]types.Type, len(cols))}
	// cols may end with hidden columns that are not stored (an fts
	// score): they stay NULL here.
	stored := min(len(cols), len(d.Columns))
	maxID := uint32(0)
	for i, c := range cols {
		tc.types[i] = c.Type
		if i < stored {
			maxID = max(maxID, d.Columns[i].ID)
		}
	}
	ids := make([]int32, 2*(maxID+1))
	tc.pos, tc.at = ids[:maxID+1], ids[maxID+1:]
	for i := range tc.at {
		tc.at[i] = -1
	}
	for i := range stored {
		tc.pos[d.Columns[i].ID] = int32(i)
		tc.at[d.Columns[i].ID] = int32(i)
	}
	tc.setForms()
	tc.countWanted()
	return tc
}

// need restricts decoding to the columns whose positions are set in
// needed (nil: all); the others read as NULL.
func (tc *tableCodec) need(needed []bool) {
	if needed == nil {
		return
	}
	tc.none = true
	for id, i := range tc.at {
		if i >= 0 && !needed[i] {
			tc.at[id] = -1
		}
		if tc.at[id] >= 0 {
			tc.none = false
		}
	}
	tc.countWanted()
}

// Codecs keeps the table codecs a plan's scans set up (column maps,
// pruning, projection), so that running a cached plan again copies them
// instead of building them: a point query spends a tenth of its time on
// that otherwise. It belongs to one plan, run by one session at a time.
type Codecs struct {
	m map[codecKey]*tableCodec
	// cols and writers are each written table's columns and its
	// writer's codec (newWriter), bound once per plan, not per run.
	cols    map[*catalog.Descriptor][]plan.Column
	writers map[*catalog.Descriptor]*tableCodec
	// indexes are each written table's compiled index expressions
	// (compiledIndexes). Their closures are used by one run at a time
	// and keep no rows between calls.
	indexes map[*catalog.Descriptor]map[uint32]*compiledIndex
	// fts are each written table's fts indexes (openFTS), whose
	// analysis buffers then outlive a run.
	fts map[*catalog.Descriptor]map[uint32]*fts.Index
}

// tableColumns is plan.TableColumns(d), kept in Codecs between runs; d
// must be a descriptor the plan holds.
func (c *Ctx) tableColumns(d *catalog.Descriptor) ([]plan.Column, error) {
	if c.Codecs != nil {
		if cols, ok := c.Codecs.cols[d]; ok {
			return cols, nil
		}
	}
	cols, err := plan.TableColumns(d)
	if err != nil {
		return nil, err
	}
	if c.Codecs != nil {
		if c.Codecs.cols == nil {
			c.Codecs.cols = map[*catalog.Descriptor][]plan.Column{}
		}
		c.Codecs.cols[d] = cols
	}
	return cols, nil
}

// writerCodec returns a fresh codec for writing rows of d (columns
// cols), from Codecs when the plan ran before. d must be the plan's.
func (c *Ctx) writerCodec(d *catalog.Descriptor, cols []plan.Column) *tableCodec {
	if c.Codecs != nil {
		if tpl := c.Codecs.writers[d]; tpl != nil {
			tc := *tpl
			return &tc
		}
	}
	tc := newTableCodec(d, cols)
	if c.Codecs != nil {
		if c.Codecs.writers == nil {
			c.Codecs.writers = map[*catalog.Descriptor]*tableCodec{}
		}
		tpl := *tc
		c.Codecs.writers[d] = &tpl
	}
	return tc
}

type codecKey struct {
	node      plan.Node
	projected bool
}

// codecFor returns a fresh codec for a scan node of table d reading
// cols (needed: see need; outIdx: see project), from Ctx.Codecs when the
// plan ran before.
func (c *Ctx) codecFor(node plan.Node, d *catalog.Descriptor, cols []plan.Column, needed []bool, outIdx []int) (*tableCodec, error) {
	key := codecKey{node, outIdx != nil}
	if c.Codecs != nil {
		if tpl := c.Codecs.m[key]; tpl != nil {
			tc := *tpl
			return &tc, nil
		}
	}
	tc := newTableCodec(d, cols)
	tc.need(needed)
	if outIdx != nil && !tc.project(outIdx) {
		return nil, errNotProjectable
	}
	if c.Codecs != nil {
		if c.Codecs.m == nil {
			c.Codecs.m = map[codecKey]*tableCodec{}
		}
		tpl := *tc
		c.Codecs.m[key] = &tpl
	}
	return tc, nil
}

// startBatch makes a reusing codec carve the next rows from the start of
// its batch memory again: the rows of the previous batch are overwritten.
func (tc *tableCodec) startBatch() {
	if tc.reuse {
		tc.chunk = tc.batch
	}
}

// project makes decode produce rows of only the columns at positions
// outIdx (in that order): a projection of plain columns folded into the
// scan. It reports false, changing nothing, when a position repeats or is
// not a stored column.
func (tc *tableCodec) project(outIdx []int) bool {
	outOf := map[int32]int32{}
	for j, i := range outIdx {
		if i < 0 || i >= len(tc.d.Columns) {
			return false
		}
		if _, dup := outOf[int32(i)]; dup {
			return false
		}
		outOf[int32(i)] = int32(j)
	}
	tc.none = len(outIdx) == 0
	types := make([]types.Type, len(outIdx))
	for j, i := range outIdx {
		types[j] = tc.types[i]
	}
	for id, i := range tc.at {
		if i < 0 {
			continue
		}
		if j, ok := outOf[i]; ok {
			tc.at[id] = j
		} else {
			tc.at[id] = -1
		}
	}
	tc.types = types
	tc.setForms()
	tc.countWanted()
	tc.projected = true
	return true
}

// newRow returns a row of NULLs carved from the codec's chunk.
func (tc *tableCodec) newRow() Row {
	n := len(tc.types)
	if tc.reuse {
		if len(tc.chunk) < n {
			// First use, or more rows than the batch memory holds: it
			// doubles, from 8 rows up to a whole batch. A point query
			// or a find of ten documents decodes a handful of rows and
			// should not allocate and clear a batch of 256.
			rows := batchSize
			if have := len(tc.batch) / max(n, 1); have < batchSize {
				rows = min(max(2*have, 8), batchSize)
			}
			tc.batch = make([]types.Datum, n*rows)
			tc.chunk = tc.batch
		}
		r := tc.chunk[:n:n]
		tc.chunk = tc.chunk[n:]
		clear(r)
		return r
	}
	if len(tc.chunk) < n {
		tc.chunks = min(max(tc.chunks*2, 1), 64)
		tc.chunk = make([]types.Datum, n*tc.chunks)
	}
	r := tc.chunk[:n:n]
	tc.chunk = tc.chunk[n:]
	return r
}

func dir(desc bool) rowcodec.Direction {
	if desc {
		return rowcodec.Desc
	}
	return rowcodec.Asc
}

// primaryKey returns the key of row in the primary index.
func (tc *tableCodec) primaryKey(dst []byte, row Row) []byte {
	dst = catalog.IndexPrefix(dst, tc.d.ID, catalog.PrimaryIndexID)
	for _, ic := range tc.d.Primary.Columns {
		dst = rowcodec.AppendKey(dst, types.ToRowcodecKey(row[tc.pos[ic.ColumnID]]), dir(ic.Desc))
	}
	return dst
}

// value encodes a row: every non-NULL column by id.
func (tc *tableCodec) value(dst []byte, row Row) []byte {
	cols := make([]rowcodec.Column, 0, len(row))
	for i, c := range tc.d.Columns {
		if !row[i].IsNull() {
			cols = append(cols, rowcodec.Column{ID: c.ID, Value: types.ToRowcodec(row[i])})
		}
	}
	return rowcodec.AppendRow(dst, cols)
}

// errNotProjectable reports a projection a scan cannot fold in.
var errNotProjectable = sqlerr.New(sqlerr.InternalError, "exec: projection not foldable into the scan")

// decode decodes a row value into a row of the table's columns.
func (tc *tableCodec) decode(v []byte) (Row, error) {
	row := tc.newRow()
	if err := tc.decodeTo(row, v, copyValues); err != nil {
		return nil, err
	}
	return row, nil
}

// fetch reads the row stored under key (a primary index key) and
// decodes it; found is false when there is none. A row read from a
// cached table block keeps its large strings and documents as views of
// the block (mvcc.Txn.GetShared, rowcodec.ValueShared): a point read of
// a 1 KB document otherwise spends much of its time copying it.
func (tc *tableCodec) fetch(txn *mvcc.Txn, key []byte) (_ Row, found bool, _ error) {
	v, shared, found, err := txn.GetShared(key)
	if err != nil || !found {
		return nil, false, err
	}
	how := copyValues
	if shared {
		how = shareLarge
	}
	row := tc.newRow()
	if err := tc.decodeTo(row, v, how); err != nil {
		return nil, false, err
	}
	return row, true, nil
}

// valueMemory is what decodeTo's strings and documents are.
type valueMemory uint8

const (
	// copyValues: copies in the codec's memory.
	copyValues valueMemory = iota
	// borrowText: text columns are views of the row value, valid only
	// while it is (own makes them the row's).
	borrowText
	// shareLarge: the row value is shared memory (mvcc.Txn.GetShared),
	// and strings and documents of rowcodec.SharedMin bytes or more are
	// views of it; shorter ones are copied.
	shareLarge
)

// decodeTo decodes a row value into row, whose columns must be NULL,
// with its strings and documents in memory as how says.
func (tc *tableCodec) decodeTo(row Row, v []byte, how valueMemory) error {
	if tc.none {
		return nil
	}
	r, err := rowcodec.NewRowReader(v)
	if err != nil {
		return sqlerr.Wrap(err, sqlerr.DataCorrupted, "table %q: row does not decode: %v", tc.d.Name, err)
	}
	for got := 0; got < tc.wanted; {
		id, ok, err := r.Next()
		if err != nil {
			return sqlerr.Wrap(err, sqlerr.DataCorrupted, "table %q: row does not decode: %v", tc.d.Name, err)
		}
		if !ok {
			return nil
		}
		i := int32(-1)
		if int(id) < len(tc.at) {
			i = tc.at[id]
		}
		if i < 0 {
			// A dropped column, or one the statement does not read.
			if err := r.Skip(); err != nil {
				return sqlerr.Wrap(err, sqlerr.DataCorrupted, "table %q: row does not decode: %v", tc.d.Name, err)
			}
			continue
		}
		got++
		switch tc.forms[i] {
		case types.StoredInt:
			if x, ok := r.Int(); ok {
				row[i] = types.FromStoredInt(tc.types[i], x)
				continue
			}
		case types.StoredText:
			var s string
			var ok bool
			switch how {
			case borrowText:
				s, ok = r.TextView()
			case shareLarge:
				if s, ok = r.TextView(); ok && len(s) < rowcodec.SharedMin {
					s = tc.arena.Copy(s)
				}
			default:
				s, ok = r.Text(&tc.arena)
			}
			if ok {
				row[i] = types.FromStoredText(tc.types[i], s)
				continue
			}
		}
		var val rowcodec.Value
		if how == shareLarge {
			val, err = r.ValueShared(&tc.arena)
		} else {
			val, err = r.ValueIn(&tc.arena)
		}
		if err != nil {
			return sqlerr.Wrap(err, sqlerr.DataCorrupted, "table %q: row does not decode: %v", tc.d.Name, err)
		}
		if row[i], err = types.FromRowcodec(tc.types[i], val); err != nil {
			return sqlerr.Wrap(err, sqlerr.DataCorrupted, "table %q: column %d does not decode: %v", tc.d.Name, id, err)
		}
	}
	return nil
}

// own copies the text that decodeTo borrowed into the codec's memory.
func (tc *tableCodec) own(row Row) {
	for i, f := range tc.forms {
		if f == types.StoredText && !row[i].IsNull() {
			row[i] = types.FromStoredText(tc.types[i], tc.arena.Copy(row[i].Str()))
		}
	}
}

// scanOp reads a table's primary index.
type scanOp struct {
	c     *Ctx
	tc    *tableCodec
	it    *mvcc.Iterator
	batch []Row
	// keep, if set, passes only the rows it accepts (a top-N sort's
	// threshold); it sees each row with its text borrowed, so a row it
	// rejects costs no copy.
	keep    func(Row) bool
	scratch Row
	// What the scan reads, for reading it in parts (parallelTopN): the
	// plan node, the projection and the key range.
	n          *plan.Scan
	outIdx     []int
	start, end []byte
	// cancel, if set, checks for cancellation instead of the Ctx (whose
	// check is not safe for concurrent use): a part read concurrently.
	cancel func() error
}

// tableSpan is the key range [start, end) of table id's rows: its primary
// index.
func tableSpan(id uint32) (start, end []byte) {
	return catalog.IndexPrefix(nil, id, catalog.PrimaryIndexID), catalog.IndexPrefix(nil, id, catalog.PrimaryIndexID+1)
}

func (c *Ctx) newScan(n *plan.Scan) (Operator, error) { return c.newProjectedScan(n, nil, false) }

// newProjectedScan scans n producing only the columns at outIdx (nil:
// all); transient: the consumer keeps no row (buildTransient).
func (c *Ctx) newProjectedScan(n *plan.Scan, outIdx []int, transient bool) (Operator, error) {
	start, end := tableSpan(n.Table.ID)
	if p := c.part; p != nil && p.node == n {
		start, end = p.lo, p.hi
	}
	o, err := c.newScanRange(n, outIdx, transient, start, end)
	if err != nil {
		return nil, err // (not a nil *scanOp in the interface)
	}
	return o, nil
}

// newScanRange is newProjectedScan of the rows whose primary keys are in
// [start, end): the whole table, or a part of it (parallelTopN).
func (c *Ctx) newScanRange(n *plan.Scan, outIdx []int, transient bool, start, end []byte) (*scanOp, error) {
	tc, err := c.codecFor(n, n.Table, n.Cols, n.Needed, outIdx)
	if err != nil {
		return nil, err
	}
	tc.reuse = transient
	return &scanOp{c: c, tc: tc, it: c.Txn.Scan(start, end), n: n, outIdx: outIdx, start: start, end: end}, nil
}

func (o *scanOp) canceled() error {
	if o.cancel != nil {
		return o.cancel()
	}
	return o.c.canceled()
}

func (o *scanOp) Next() ([]Row, error) {
	if err := o.canceled(); err != nil {
		return nil, err
	}
	b := o.batch[:0]
	o.tc.startBatch()
	for len(b) < batchSize && o.it.Next() {
		if o.keep != nil {
			// Many rows may be rejected before a batch fills.
			if err := o.canceled(); err != nil {
				return nil, err
			}
			if o.scratch == nil {
				o.scratch = make(Row, len(o.tc.types))
			}
			clear(o.scratch)
			if err := o.tc.decodeTo(o.scratch, o.it.Value(), borrowText); err != nil {
				return nil, err
			}
			if !o.keep(o.scratch) {
				continue
			}
			r := o.tc.newRow()
			copy(r, o.scratch)
			o.tc.own(r)
			b = append(b, r)
			continue
		}
		r, err := o.tc.decode(o.it.Value())
		if err != nil {
			return nil, err
		}
		b = append(b, r)
	}
	o.batch = b
	return b, o.it.Err()
}

func (o *scanOp) Close() { o.it.Close() }

// writer applies row changes to a table and its indexes, enforcing NOT
// NULL, CHECK, primary key and unique constraints.
type writer struct {
	c      *Ctx
	tc     *tableCodec
	checks []evalFn
	names  []string
	// generated computes the generated columns, by ordinal (nil for
	// the others; nil when the table has none).
	generated []evalFn
	buf       []byte
	// depth counts foreign-key cascades that led to this writer.
	depth int
	// referenced says some table's foreign key points at this one.
	referenced bool
	// parents caches the tables this one's foreign keys point at.
	parents map[uint32]*catalog.Descriptor
	// indexes are the compiled expressions of the table's expression and
	// partial indexes, by index id.
	indexes map[uint32]*compiledIndex
	// fts are the table's fts indexes, by index id, opened on first use.
	fts map[uint32]*fts.Index
}

func (c *Ctx) newWriter(d *catalog.Descriptor, cols []plan.Column) (*writer, error) {
	return c.newWriterWith(d, newTableCodec(d, cols))
}

// planWriter is newWriter for the table a plan's DML writes (a
// descriptor the plan holds for all its runs), its codec kept in Codecs.
func (c *Ctx) planWriter(d *catalog.Descriptor, cols []plan.Column) (*writer, error) {
	return c.newWriterWith(d, c.writerCodec(d, cols))
}

func (c *Ctx) newWriterWith(d *catalog.Descriptor, tc *tableCodec) (*writer, error) {
	w := &writer{c: c, tc: tc}
	refs, err := c.references()
	if err != nil {
		return nil, err
	}
	w.referenced = len(refs[d.ID]) > 0
	if len(d.Checks) == 0 && !plan.HasIndexExprs(d) && !plan.HasGenerated(d) {
		return w, nil
	}
	exprs, err := c.tableExprs(d)
	if err != nil {
		return nil, err
	}
	for i, g := range exprs.Generated {
		if g == nil {
			continue
		}
		f, err := c.compile(g)
		if err != nil {
			return nil, err
		}
		if w.generated == nil {
			w.generated = make([]evalFn, len(exprs.Generated))
		}
		w.generated[i] = f
	}
	for i, ch := range exprs.Checks {
		f, err := c.compile(ch)
		if err != nil {
			return nil, err
		}
		w.checks = append(w.checks, f)
		w.names = append(w.names, d.Checks[i].Name)
	}
	w.indexes, err = c.compiledIndexes(d, exprs)
	return w, err
}

// compiledIndexes compiles d's index key expressions and predicates
// (exprs.Indexes), or returns them from Codecs when the plan ran before:
// they are row functions (plan.RowFunction), so closures compiled in an
// earlier run compute the same keys. Compiling them was a twentieth of
// an UPDATE by primary key of a table with an expression index.
func (c *Ctx) compiledIndexes(d *catalog.Descriptor, exprs *plan.TableExprs) (map[uint32]*compiledIndex, error) {
	if c.Codecs != nil {
		if m, ok := c.Codecs.indexes[d]; ok {
			return m, nil
		}
	}
	var out map[uint32]*compiledIndex
	keep := true
	compile := func(e plan.Expr) (evalFn, error) {
		keep = keep && plan.RowFunction(e)
		return c.compile(e)
	}
	for id, ie := range exprs.Indexes {
		var ci compiledIndex
		for _, k := range ie.Keys {
			var f evalFn
			if k != nil {
				var err error
				if f, err = compile(k); err != nil {
					return nil, err
				}
			}
			ci.keys = append(ci.keys, f)
		}
		if ie.Pred != nil {
			var err error
			if ci.pred, err = compile(ie.Pred); err != nil {
				return nil, err
			}
		}
		if out == nil {
			out = map[uint32]*compiledIndex{}
		}
		out[id] = &ci
	}
	if keep && c.Codecs != nil {
		if c.Codecs.indexes == nil {
			c.Codecs.indexes = map[*catalog.Descriptor]map[uint32]*compiledIndex{}
		}
		c.Codecs.indexes[d] = out
	}
	return out, nil
}

// compiledIndex is an index's compiled key expressions (nil for plain
// columns) and partial-index predicate.
type compiledIndex struct {
	keys []evalFn
	pred evalFn
}

// tableExprs returns d's bound CHECK constraints and index expressions,
// binding them on first use in the statement.
func (c *Ctx) tableExprs(d *catalog.Descriptor) (*plan.TableExprs, error) {
	if x, ok := c.Tables[d]; ok {
		return x, nil
	}
	x, err := plan.BindTableExprs(c.Txn, d)
	if err != nil {
		return nil, err
	}
	if c.Tables == nil {
		c.Tables = map[*catalog.Descriptor]*plan.TableExprs{}
	}
	c.Tables[d] = x
	return x, nil
}

// indexKey returns the key of row in secondary index ix: the indexed
// values, then the primary key columns (so entries are unique). in is
// false when the row is not in a partial index.
func (w *writer) indexKey(dst []byte, ix *catalog.Index, row Row) (key []byte, prefixLen int, hasNull, in bool, err error) {
	tc := w.tc
	ci := w.indexes[ix.ID]
	if ci != nil && ci.pred != nil {
		v, err := ci.pred(row)
		if err != nil {
			return nil, 0, false, false, err
		}
		if v.IsNull() || !v.Bool() {
			return dst, 0, false, false, nil
		}
	}
	dst = catalog.IndexPrefix(dst, tc.d.ID, ix.ID)
	for k, ic := range ix.Columns {
		var v types.Datum
		if ci != nil && ci.keys[k] != nil {
			if v, err = ci.keys[k](row); err != nil {
				return nil, 0, false, false, err
			}
		} else {
			v = row[tc.pos[ic.ColumnID]]
		}
		hasNull = hasNull || v.IsNull()
		dst = rowcodec.AppendKey(dst, types.ToRowcodecKey(v), dir(ic.Desc))
	}
	prefixLen = len(dst)
	for _, ic := range tc.d.Primary.Columns {
		dst = rowcodec.AppendKey(dst, types.ToRowcodecKey(row[tc.pos[ic.ColumnID]]), dir(ic.Desc))
	}
	return dst, prefixLen, hasNull, true, nil
}

func (w *writer) validate(row Row) error {
	d := w.tc.d
	for i, c := range d.Columns {
		if c.NotNull && row[i].IsNull() {
			return sqlerr.New(sqlerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, d.Name).
				WithDetail("Failing row contains %s.", formatRow(d, row))
		}
	}
	for i, f := range w.checks {
		v, err := f(row)
		if err != nil {
			return err
		}
		if !v.IsNull() && !v.Bool() {
			return sqlerr.New(sqlerr.CheckViolation, "new row for relation %q violates check constraint %q", d.Name, w.names[i]).
				WithDetail("Failing row contains %s.", formatRow(d, row))
		}
	}
	return nil
}

// formatRow prints a row of table d as PostgreSQL's messages show it:
// its visible columns (not the hidden row id of a table without a
// primary key).
func formatRow(d *catalog.Descriptor, row Row) string {
	parts := make([]string, 0, len(row))
	for i, v := range row {
		if i < len(d.Columns) && d.Columns[i].Hidden {
			continue
		}
		if v.IsNull() {
			parts = append(parts, "null")
		} else {
			parts = append(parts, types.FormatText(v))
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (w *writer) keyDetail(ix *catalog.Index, row Row) string {
	var names, vals []string
	ci := w.indexes[ix.ID]
	for k, ic := range ix.Columns {
		if ci != nil && ci.keys[k] != nil {
			v, err := ci.keys[k](row)
			if err != nil {
				return ""
			}
			names = append(names, ic.Expr)
			vals = append(vals, keyText(v))
			continue
		}
		i := w.tc.pos[ic.ColumnID]
		names = append(names, w.tc.d.Columns[i].Name)
		vals = append(vals, keyText(row[i]))
	}
	return fmt.Sprintf("Key (%s)=(%s) already exists.", strings.Join(names, ", "), strings.Join(vals, ", "))
}

// generate computes row's generated columns, in place, from its other
// columns.
func (w *writer) generate(row Row) error {
	for i, f := range w.generated {
		if f == nil {
			continue
		}
		v, err := f(row)
		if err != nil {
			return err
		}
		row[i] = v
	}
	return nil
}

// insert writes a new row.
func (w *writer) insert(row Row) error {
	if err := w.generate(row); err != nil {
		return err
	}
	if err := w.validate(row); err != nil {
		return err
	}
	if err := w.checkParents(row); err != nil {
		return err
	}
	txn := w.c.Txn
	pk := w.tc.primaryKey(nil, row)
	if _, exists, err := txn.Get(pk); err != nil {
		return err
	} else if exists {
		return sqlerr.New(sqlerr.UniqueViolation, "duplicate key value violates unique constraint %q", w.tc.d.Primary.Name).
			WithDetail("%s", w.keyDetail(&w.tc.d.Primary, row))
	}
	if err := txn.PutOwned(pk, w.tc.value(nil, row)); err != nil {
		return err
	}
	return w.addIndexEntries(row)
}

func (w *writer) addIndexEntries(row Row) error {
	txn := w.c.Txn
	for i := range w.tc.d.Indexes {
		ix := &w.tc.d.Indexes[i]
		if ix.Method == plan.IndexMethodGIN {
			keys, err := w.invertedKeys(ix, row)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := txn.Put(k, nil); err != nil {
					return err
				}
			}
			continue
		}
		if ix.Method == plan.IndexMethodFTS {
			if err := w.ftsAdd(ix, row); err != nil {
				return err
			}
			continue
		}
		if err := w.addIndexEntry(ix, row); err != nil {
			return err
		}
	}
	return nil
}

// addIndexEntry writes row's entry in btree index ix, if the index
// covers the row, checking uniqueness.
func (w *writer) addIndexEntry(ix *catalog.Index, row Row) error {
	txn := w.c.Txn
	key, prefixLen, hasNull, in, err := w.indexKey(nil, ix, row)
	if err != nil || !in {
		return err
	}
	if ix.Unique && (!hasNull || ix.NullsNotDistinct) {
		it := txn.Scan(key[:prefixLen], prefixEnd(key[:prefixLen]))
		dup := it.Next()
		err := it.Err()
		it.Close()
		if err != nil {
			return err
		}
		if dup {
			return sqlerr.New(sqlerr.UniqueViolation, "duplicate key value violates unique constraint %q", ix.Name).
				WithDetail("%s", w.keyDetail(ix, row))
		}
	}
	return txn.Put(key, nil)
}

// remove deletes a row and its index entries, applying the foreign keys
// that reference it.
func (w *writer) remove(row Row) error {
	if w.referenced {
		if err := w.onParentGone(row, nil); err != nil {
			return err
		}
	}
	return w.removeEntries(row)
}

// update replaces row old by row new: it writes the new row, then
// applies the foreign keys that reference a changed key (a cascade then
// finds the new parent row).
func (w *writer) update(old, new Row) error {
	if err := w.generate(new); err != nil {
		return err
	}
	pk := w.tc.primaryKey(nil, new)
	if !bytes.Equal(pk, w.tc.primaryKey(nil, old)) {
		// A new key: the row moves.
		if err := w.removeEntries(old); err != nil {
			return err
		}
		if err := w.insert(new); err != nil {
			return err
		}
	} else if err := w.updateInPlace(pk, old, new); err != nil {
		return err
	}
	if w.referenced {
		return w.onParentGone(old, new)
	}
	return nil
}

// updateInPlace rewrites a row under the same primary key, changing only
// the index entries that differ: an update of one column of a document
// rewrites the entries of that column, not every entry of the row (a GIN
// index holds one per path of the document).
func (w *writer) updateInPlace(pk []byte, old, new Row) error {
	if err := w.validate(new); err != nil {
		return err
	}
	if err := w.checkParents(new); err != nil {
		return err
	}
	txn := w.c.Txn
	if err := txn.PutOwned(pk, w.tc.value(nil, new)); err != nil {
		return err
	}
	for i := range w.tc.d.Indexes {
		ix := &w.tc.d.Indexes[i]
		switch ix.Method {
		case plan.IndexMethodGIN:
			// Only the entries of terms the update changes are written
			// (the row keeps its primary key).
			removed, added, err := w.invertedChanges(ix, old, new)
			if err != nil {
				return err
			}
			for _, k := range w.invertedEntries(ix, old, removed) {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			for _, k := range w.invertedEntries(ix, new, added) {
				if err := txn.Put(k, nil); err != nil {
					return err
				}
			}
		case plan.IndexMethodFTS:
			if w.sameColumns(ix, old, new) {
				continue
			}
			if err := w.ftsDelete(ix, old); err != nil {
				return err
			}
			if err := w.ftsAdd(ix, new); err != nil {
				return err
			}
		default:
			oldKey, _, _, oldIn, err := w.indexKey(nil, ix, old)
			if err != nil {
				return err
			}
			newKey, _, _, newIn, err := w.indexKey(nil, ix, new)
			if err != nil {
				return err
			}
			if oldIn && newIn && bytes.Equal(oldKey, newKey) {
				continue // the same entry
			}
			if oldIn {
				if err := txn.Delete(oldKey); err != nil {
					return err
				}
			}
			if err := w.addIndexEntry(ix, new); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameColumns reports whether old and new hold identical values in the
// columns index ix reads (false when unsure: a numeric or array value is
// compared by identity).
func (w *writer) sameColumns(ix *catalog.Index, old, new Row) bool {
	for _, ic := range ix.Columns {
		if ic.ColumnID == 0 || int(ic.ColumnID) >= len(w.tc.pos) {
			return false
		}
		i := w.tc.pos[ic.ColumnID]
		if old[i] != new[i] {
			return false
		}
	}
	return true
}

// removeEntries deletes a row and its index entries.
func (w *writer) removeEntries(row Row) error {
	txn := w.c.Txn
	if err := txn.Delete(w.tc.primaryKey(nil, row)); err != nil {
		return err
	}
	for i := range w.tc.d.Indexes {
		if ix := &w.tc.d.Indexes[i]; ix.Method == plan.IndexMethodGIN {
			keys, err := w.invertedKeys(ix, row)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			continue
		}
		if ix := &w.tc.d.Indexes[i]; ix.Method == plan.IndexMethodFTS {
			if err := w.ftsDelete(ix, row); err != nil {
				return err
			}
			continue
		}
		key, _, _, in, err := w.indexKey(nil, &w.tc.d.Indexes[i], row)
		if err != nil {
			return err
		}
		if !in {
			continue
		}
		if err := txn.Delete(key); err != nil {
			return err
		}
	}
	return nil
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte{}, p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Backfill writes index ix's entries for every existing row of d.
func (c *Ctx) Backfill(d *catalog.Descriptor, ix *catalog.Index) error {
	cols, err := plan.TableColumns(d)
	if err != nil {
		return err
	}
	only := *d
	only.Indexes = []catalog.Index{*ix}
	w, err := c.newWriter(&only, cols)
	if err != nil {
		return err
	}
	scan, err := c.newScan(&plan.Scan{Table: d, Cols: cols})
	if err != nil {
		return err
	}
	defer scan.Close()
	scanRows := &rowIter{op: scan}
	for {
		row, ok, err := scanRows.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if err := w.addIndexEntries(row); err != nil {
			return err
		}
	}
}

// SampleRows reads the rows of d's table in key order and calls fn with
// those keep chooses, decoded into cols (plan.TableColumns(d)); the others
// are only counted. It returns the number of rows. ANALYZE samples the
// table's values through it.
func SampleRows(txn *mvcc.Txn, d *catalog.Descriptor, cols []plan.Column, needed []bool, keep func() bool, fn func(Row) error) (int64, error) {
	tc := newTableCodec(d, cols)
	tc.need(needed)
	it := txn.Scan(tableSpan(d.ID))
	var n int64
	for it.Next() {
		if keep() {
			row, err := tc.decode(it.Value())
			if err != nil {
				it.Close()
				return n, err
			}
			if err := fn(row); err != nil {
				it.Close()
				return n, err
			}
		}
		n++
	}
	return n, it.Close()
}

// RewriteTable rewrites every row of a table whose columns changed (ALTER
// COLUMN TYPE): each row, read as descriptor old has it, becomes the row
// whose column i is exprs[i] over it (the old value where exprs[i] is
// nil), written as descriptor new has it, with its index entries and
// constraints. All rows are taken out before any goes back, so a
// converted key never meets a row not yet converted. It returns the
// number of rows rewritten.
func (c *Ctx) RewriteTable(old, new *catalog.Descriptor, exprs []plan.Expr) (int, error) {
	fns := make([]evalFn, len(exprs))
	for i, e := range exprs {
		if e != nil {
			f, err := c.compile(e)
			if err != nil {
				return 0, err
			}
			fns[i] = f
		}
	}
	convert := func(r Row) (Row, error) {
		out := append(Row(nil), r...)
		for i, f := range fns {
			if f != nil {
				v, err := f(r)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
		}
		return out, nil
	}
	oldCols, err := plan.TableColumns(old)
	if err != nil {
		return 0, err
	}
	rows, err := c.Run(&plan.Scan{Table: old, Alias: old.Name, Cols: oldCols})
	if err != nil {
		return 0, err
	}
	out, err := c.newWriter(old, oldCols)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		if err := out.removeEntries(r); err != nil {
			return 0, err
		}
	}
	newCols, err := plan.TableColumns(new)
	if err != nil {
		return 0, err
	}
	in, err := c.newWriter(new, newCols)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		nr, err := convert(r)
		if err != nil {
			return 0, err
		}
		if err := in.insert(nr); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// keyText is a key value as a unique violation's DETAIL shows it: null
// for NULL (a NULLS NOT DISTINCT index's), as PostgreSQL.
func keyText(v types.Datum) string {
	if v.IsNull() {
		return "null"
	}
	return types.FormatText(v)
}
