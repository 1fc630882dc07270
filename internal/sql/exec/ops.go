package exec

import (
	"context"
	"github.com/cairndb/cairn/internal/fts"
	"github.com/cairndb/cairn/internal/fts/analysis"
	"math"
	"time"

	"errors"
	"github.com/cairndb/cairn/internal/catalog"
	"slices"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cairndb/cairn/internal/vfs"
)

// Ctx is what a statement's execution needs: its transaction, its
// parameters, and the outer rows of correlated subqueries.
type Ctx struct {
	Context context.Context
	Txn     *mvcc.Txn
	Params  []types.Datum
	// Eval is what now(), current_user and nextval read.
	Eval *builtins.EvalContext
	// Refs are the foreign keys by referenced table; nil: read from the
	// catalog when first needed.
	Refs References
	// OnFTSWrite, if set, hears of each document written to an fts index
	// and its weight, about the bytes its pending entry takes (the engine
	// merges an index in the background once enough is pending).
	OnFTSWrite func(table, index uint32, weight int)
	// Tables caches tables' bound CHECK constraints and index
	// expressions (see tableExprs).
	Tables map[*catalog.Descriptor]*plan.TableExprs
	// NewRowID hands out hidden row ids.
	NewRowID func() int64
	outer    []Row
	ticks    int
	// Analyze, if set, collects each plan node's figures (EXPLAIN
	// ANALYZE).
	Analyze map[plan.Node]*OpStats
	// topK holds the row limits of sorts under a LIMIT (top-N sorts).
	topK map[*plan.Sort]int64
	// work holds the current rows of recursive CTEs' working tables.
	work map[*plan.WorkTable][]Row
	// dmlDone holds the RETURNING rows of the data-modifying CTEs that
	// ran (each runs once per execution).
	dmlDone map[*plan.DMLCTE][]Row
	// Codecs, if set, keeps the scans' set-up between runs of one plan.
	Codecs *Codecs
	// WorkMem is the memory a sort may hold rows in before it spills to
	// a temporary file (0: DefaultWorkMem). NewTempFile creates one, and
	// a function that removes it; without it sorts stay in memory.
	WorkMem     int64
	NewTempFile func() (vfs.File, func(), error)
	// Deferred, if set, collects the transaction's deferred foreign key
	// checks (nil: every check at once).
	Deferred *DeferredChecks
	// Analyzers, if set, gives fts indexes their analyzers (shared, with
	// their memo of terms); otherwise each gets a fresh one.
	Analyzers *analysis.Set
	// FTSNumbers, if set, numbers the documents fts indexes take
	// (shared by the engine's plans: see fts.Numbers).
	FTSNumbers *fts.Numbers
	// FTSWorkers, if set, analyze the documents fts indexes take, off
	// the statement's goroutine (shared by the engine: see fts.Workers).
	FTSWorkers *fts.Workers
	// Triggers, if set, runs the triggers of the tables the statement
	// writes; without it a table with triggers cannot be written.
	Triggers TriggerRunner
	// transient is set while building an operator whose consumer keeps
	// none of its rows past its next call to Next (buildTransient).
	transient bool
	// ParallelWorkers is how many goroutines beyond the statement's own
	// may read parts of its input at once (max_parallel_workers_per_gather;
	// 0: none): a top-N sort's or an aggregate's (parallel.go).
	ParallelWorkers int
	// part, if set, restricts the scan it names to a key range: this Ctx
	// builds one part of an input read in parallel (parallelInput).
	part *scanPart
}

// Operator produces rows in batches, pulled by its consumer.
type Operator interface {
	// Next returns the next batch: at least one row, or none at the
	// end. The batch slice is the operator's and valid until the next
	// call; consumers never write into it. The rows themselves stay valid
	// (consumers may keep them), except those of an operator built by
	// buildTransient, which may reuse their memory on the next call.
	Next() ([]Row, error)
	Close()
}

// batchSize is the most rows an operator returns from one Next.
const batchSize = 256

// fillBatch fills dst (reused) with up to batchSize rows from a
// row-at-a-time source: the batched face of operators whose logic is
// per row (joins, index lookups).
func fillBatch(dst *[]Row, next func() (Row, bool, error)) ([]Row, error) {
	b := (*dst)[:0]
	for len(b) < batchSize {
		r, ok, err := next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		b = append(b, r)
	}
	*dst = b
	return b, nil
}

// plainColumns returns the input positions of a projection made only of
// column references, or nil.
func plainColumns(exprs []plan.Expr) []int {
	out := make([]int, len(exprs))
	for i, e := range exprs {
		cr, ok := e.(*plan.ColRef)
		if !ok {
			return nil
		}
		out[i] = cr.Idx
	}
	return out
}

// rowIter reads an operator's rows one at a time, for consumers whose
// logic is per row.
type rowIter struct {
	op    Operator
	batch []Row
	i     int
}

func (r *rowIter) next() (Row, bool, error) {
	for r.i >= len(r.batch) {
		b, err := r.op.Next()
		if err != nil || len(b) == 0 {
			return nil, false, err
		}
		r.batch, r.i = b, 0
	}
	r.i++
	return r.batch[r.i-1], true, nil
}

// canceled checks, now and then, whether the statement was canceled.
func (c *Ctx) canceled() error {
	c.ticks++
	if c.ticks&1023 == 0 && c.Context != nil {
		if err := c.Context.Err(); err != nil {
			return CanceledError(err)
		}
	}
	return nil
}

// Run executes a query plan and returns its rows.
func (c *Ctx) Run(n plan.Node) ([]Row, error) { return c.runLimit(n, -1) }

// runLimit executes a plan and returns at most limit rows (all if < 0).
func (c *Ctx) runLimit(n plan.Node, limit int) ([]Row, error) {
	op, err := c.build(n)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	var out []Row
	for limit < 0 || len(out) < limit {
		b, err := op.Next()
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			break
		}
		if limit >= 0 && len(out)+len(b) > limit {
			b = b[:limit-len(out)]
		}
		out = append(out, b...)
	}
	return out, nil
}

// build turns a plan node into an operator tree.
func (c *Ctx) build(n plan.Node) (Operator, error) {
	if c.Analyze == nil {
		return c.buildOp(n)
	}
	// EXPLAIN ANALYZE: count what each operator produces, and its time
	// (its children's included), over every time it is built (loops).
	st := c.Analyze[n]
	if st == nil {
		st = &OpStats{}
		c.Analyze[n] = st
	}
	st.Loops++
	start := time.Now()
	op, err := c.buildOp(n)
	st.Time += time.Since(start)
	if err != nil {
		return nil, err
	}
	return &analyzeOp{op: op, st: st}, nil
}

// OpStats are an operator's figures for EXPLAIN ANALYZE.
type OpStats struct {
	Rows, Loops int64
	Time        time.Duration
	// SpillRuns and SpillBytes: what a sort wrote to its temporary file.
	SpillRuns, SpillBytes int64
	// Parts: the aggregate read its input in this many parts at once.
	Parts int
}

// analyzeOp counts an operator's rows and time.
type analyzeOp struct {
	op Operator
	st *OpStats
}

func (o *analyzeOp) Next() ([]Row, error) {
	start := time.Now()
	b, err := o.op.Next()
	o.st.Time += time.Since(start)
	o.st.Rows += int64(len(b))
	return b, err
}

func (o *analyzeOp) Close() { o.op.Close() }

// buildTransient builds n for a consumer that keeps none of its rows
// past the next call to Next (it copies what it keeps: an aggregate, a
// top-N heap, a projection): a scan then decodes every batch into the
// same memory instead of allocating rows that are garbage a moment later.
func (c *Ctx) buildTransient(n plan.Node) (Operator, error) {
	c.transient = true
	defer func() { c.transient = false }()
	return c.build(n)
}

func (c *Ctx) buildOp(n plan.Node) (Operator, error) {
	// The promise of buildTransient is to n only, not to what n builds
	// (a filter passes it on: its rows are its input's).
	transient := c.transient
	c.transient = false
	switch n := n.(type) {
	case *plan.Scan:
		return c.newProjectedScan(n, nil, transient)
	case *plan.IndexScan:
		return c.newIndexScan(n, transient)
	case *plan.InvertedScan:
		return c.newInvertedScan(n)
	case *plan.FTSScan:
		return c.newFTSScan(n)
	case *plan.Values:
		rows := make([][]evalFn, len(n.Rows))
		for i, r := range n.Rows {
			var err error
			if rows[i], err = c.compileAll(r); err != nil {
				return nil, err
			}
		}
		return &valuesOp{rows: rows}, nil
	case *plan.Filter:
		c.transient = transient
		in, err := c.build(n.Input)
		c.transient = false
		if err != nil {
			return nil, err
		}
		pred, err := c.compile(n.Pred)
		if err != nil {
			in.Close()
			return nil, err
		}
		return &filterOp{c: c, in: in, pred: pred}, nil
	case *plan.Project:
		// A projection of plain columns over a table access is folded
		// into it: the rows decode straight into the narrower shape.
		if outIdx := plainColumns(n.Exprs); outIdx != nil {
			var op Operator
			var err error
			switch in := n.Input.(type) {
			case *plan.Scan:
				op, err = c.newProjectedScan(in, outIdx, transient)
			case *plan.IndexScan:
				op, err = c.newProjectedIndexScan(in, outIdx, transient)
			}
			if op != nil && err == nil {
				return op, nil
			}
			if err != nil && err != errNotProjectable {
				return nil, err
			}
		}
		// The projection's rows are new: its input's need not last.
		in, err := c.buildTransient(n.Input)
		if err != nil {
			return nil, err
		}
		exprs, err := c.compileAll(n.Exprs)
		if err != nil {
			in.Close()
			return nil, err
		}
		return &projectOp{in: in, exprs: exprs}, nil
	case *plan.Join:
		return c.newJoin(n)
	case *plan.Apply:
		return c.newApply(n)
	case *plan.IndexJoin:
		return c.newIndexJoin(n)
	case *plan.MergeJoin:
		return c.newMergeJoin(n)
	case *plan.IndexAnd:
		return c.newIndexAnd(n)
	case *plan.TableFunc:
		return c.newTableFunc(n)
	case *plan.Aggregate:
		return c.newAggregate(n)
	case *plan.Sort:
		if k, ok := c.topK[n]; ok {
			// The limit is for this build only: a plan node can be built
			// again elsewhere (a CTE's other references).
			delete(c.topK, n)
			rows, err := c.topN(n, k)
			if err != nil {
				return nil, err
			}
			return &sliceOp{rows: rows}, nil
		}
		return c.newSort(n)
	case *plan.Limit:
		l := &limitOp{count: -1}
		for _, x := range []struct {
			e    plan.Expr
			dst  *int64
			what string
			code sqlerr.Code
		}{{n.Count, &l.count, "LIMIT", "2201W"}, {n.Offset, &l.offset, "OFFSET", "2201X"}} {
			if x.e == nil {
				continue
			}
			f, err := c.compile(x.e)
			if err != nil {
				return nil, err
			}
			v, err := f(nil)
			if err != nil {
				return nil, err
			}
			if !v.IsNull() {
				if v.Int() < 0 {
					return nil, sqlerr.New(x.code, "%s must not be negative", x.what)
				}
				*x.dst = v.Int()
			}
		}
		if len(n.Ties) > 0 {
			cmp, err := rowComparator(n.Ties)
			if err != nil {
				return nil, err
			}
			l.tie = func(a, b Row) bool { return cmp(a, b) == 0 }
		}
		if l.count >= 0 && l.tie == nil {
			// ORDER BY ... LIMIT k (through projections) keeps only the
			// best k rows while it reads the sort's input (a top-N sort).
			in := n.Input
			for {
				p, ok := in.(*plan.Project)
				if !ok {
					break
				}
				in = p.Input
			}
			if s, ok := in.(*plan.Sort); ok {
				if c.topK == nil {
					c.topK = map[*plan.Sort]int64{}
				}
				c.topK[s] = l.count + l.offset
			}
		}
		in, err := c.build(n.Input)
		if err != nil {
			return nil, err
		}
		l.in = in
		return l, nil
	case *plan.Distinct:
		return c.newDistinct(n)
	case *plan.SetOp:
		return c.newSetOp(n)
	case *plan.Window:
		return c.newWindow(n)
	case *plan.ProjectSet:
		return c.newProjectSet(n)
	case *plan.DMLCTE:
		rows, err := c.runDMLCTE(n)
		if err != nil {
			return nil, err
		}
		return &sliceOp{rows: rows}, nil
	case *plan.RunFirst:
		if err := c.runFirst(n.Pre); err != nil {
			return nil, err
		}
		return c.build(n.Input)
	case *plan.GroupingExpand:
		return c.newGroupingExpand(n)
	case *plan.WorkScan:
		return &sliceOp{rows: c.work[n.Table]}, nil
	case *plan.RecursiveUnion:
		return c.recursiveUnion(n)
	}
	return nil, sqlerr.New(sqlerr.InternalError, "exec: cannot build %T", n)
}

type valuesOp struct {
	rows  [][]evalFn
	i     int
	batch []Row
}

func (o *valuesOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *valuesOp) nextRow() (Row, bool, error) {
	if o.i >= len(o.rows) {
		return nil, false, nil
	}
	fns := o.rows[o.i]
	o.i++
	row := make(Row, len(fns))
	for i, f := range fns {
		v, err := f(nil)
		if err != nil {
			return nil, false, err
		}
		row[i] = v
	}
	return row, true, nil
}
func (o *valuesOp) Close() {}

// sliceOp returns rows already computed, in batches that are subslices
// of them.
type sliceOp struct {
	rows []Row
	i    int
}

func (o *sliceOp) Next() ([]Row, error) {
	n := min(batchSize, len(o.rows)-o.i)
	b := o.rows[o.i : o.i+n : o.i+n]
	o.i += n
	return b, nil
}
func (o *sliceOp) Close() {}

type filterOp struct {
	c    *Ctx
	in   Operator
	pred evalFn
	out  []Row
}

func (o *filterOp) Next() ([]Row, error) {
	for {
		if err := o.c.canceled(); err != nil {
			return nil, err
		}
		b, err := o.in.Next()
		if err != nil || len(b) == 0 {
			return nil, err
		}
		out := o.out[:0]
		for _, r := range b {
			v, err := o.pred(r)
			if err != nil {
				return nil, err
			}
			if !v.IsNull() && v.Bool() {
				out = append(out, r)
			}
		}
		o.out = out
		if len(out) > 0 {
			return out, nil
		}
	}
}
func (o *filterOp) Close() { o.in.Close() }

type projectOp struct {
	in    Operator
	exprs []evalFn
	out   []Row
}

func (o *projectOp) Next() ([]Row, error) {
	b, err := o.in.Next()
	if err != nil || len(b) == 0 {
		return nil, err
	}
	// One allocation holds the batch's output rows.
	n := len(o.exprs)
	vals := make([]types.Datum, len(b)*n)
	out := o.out[:0]
	for i, r := range b {
		row := vals[i*n : (i+1)*n : (i+1)*n]
		for j, e := range o.exprs {
			if row[j], err = e(r); err != nil {
				return nil, err
			}
		}
		out = append(out, row)
	}
	o.out = out
	return out, nil
}
func (o *projectOp) Close() { o.in.Close() }

type limitOp struct {
	in            Operator
	count, offset int64
	seen          int64
	// tie, for WITH TIES, reports whether two rows are equal in ORDER
	// BY's keys; last is the count-th row once it was returned, and
	// done is set when a row after it differs.
	tie  func(a, b Row) bool
	last Row
	done bool
}

func (o *limitOp) Next() ([]Row, error) {
	for {
		if o.done || o.count >= 0 && o.seen >= o.count && o.tie == nil {
			return nil, nil
		}
		b, err := o.in.Next()
		if err != nil || len(b) == 0 {
			return nil, err
		}
		if o.offset > 0 {
			skip := min(o.offset, int64(len(b)))
			o.offset -= skip
			b = b[skip:]
			if len(b) == 0 {
				continue
			}
		}
		if o.count >= 0 && o.seen+int64(len(b)) > o.count {
			keep := int(max(o.count-o.seen, 0))
			if o.tie != nil {
				// The rows after the count-th that tie with it.
				if keep > 0 {
					o.last = b[keep-1]
				}
				for keep < len(b) && o.last != nil && o.tie(b[keep], o.last) {
					keep++
				}
				o.done = keep < len(b) || o.last == nil
			}
			b = b[:keep]
		}
		o.seen += int64(len(b))
		if len(b) == 0 {
			continue
		}
		if o.tie != nil && o.seen >= o.count {
			o.last = b[len(b)-1] // the count-th row, or one tying with it
		}
		return b, nil
	}
}
func (o *limitOp) Close() { o.in.Close() }

// rowKey is a row's identity for DISTINCT, grouping and set operations:
// equal values (by the types' hash families) give equal keys.
func rowKey(dst []byte, r Row) []byte {
	for _, d := range r {
		dst = types.AppendHashKey(dst, d)
	}
	return dst
}

// sortRows sorts rows by keys (column references), NULLs placed as each
// key asks.
func sortRows(rows []Row, keys []plan.SortKey) error {
	cmp, err := rowComparator(keys)
	if err != nil {
		return err
	}
	// Sorting (row, input position) pairs with the position as the last
	// key is stable, and pdqsort is O(n log n) where a stable merge sort
	// in place is not.
	items := make([]seqRow, len(rows))
	for i, r := range rows {
		items[i] = seqRow{r, i}
	}
	slices.SortFunc(items, func(a, b seqRow) int { return a.cmp(b, cmp) })
	for i := range items {
		rows[i] = items[i].row
	}
	return nil
}

// seqRow is a row with its input position, the tie-breaker that keeps
// sorts stable.
type seqRow struct {
	row Row
	seq int
}

func (a seqRow) cmp(b seqRow, cmp func(a, b Row) int) int {
	if c := cmp(a.row, b.row); c != 0 {
		return c
	}
	return a.seq - b.seq
}

// rowComparator compares rows by sort keys (column references), NULLs
// placed as each key asks.
func rowComparator(keys []plan.SortKey) (func(a, b Row) int, error) {
	idx := make([]int, len(keys))
	for i, k := range keys {
		cr, ok := k.Expr.(*plan.ColRef)
		if !ok {
			return nil, sqlerr.New(sqlerr.InternalError, "exec: sort key is not a column")
		}
		idx[i] = cr.Idx
	}
	return func(a, b Row) int {
		for i, k := range keys {
			x, y := a[idx[i]], b[idx[i]]
			var c int
			switch {
			case x.IsNull() && y.IsNull():
				continue
			case x.IsNull():
				c = 1
				if k.NullsFirst {
					c = -1
				}
				return c
			case y.IsNull():
				c = -1
				if k.NullsFirst {
					c = 1
				}
				return c
			}
			c = types.Compare(x, y)
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

// abbreviated returns a string's first 8 bytes as a big-endian number,
// zeros past its end: numbers that differ order as the strings do,
// bytewise.
func abbreviated(s string) uint64 {
	var v uint64
	for i := range 8 {
		v <<= 8
		if i < len(s) {
			v |= uint64(s[i])
		}
	}
	return v
}

// topN returns the first k rows of s's input in s's order (ties in input
// order, as the full sort gives), keeping at most k rows in a max-heap
// while it reads. A scan of a big table is read in parallel parts
// (parallelTopN).
func (c *Ctx) topN(s *plan.Sort, k int64) ([]Row, error) {
	cmp, err := rowComparator(s.Keys)
	if err != nil {
		return nil, err
	}
	// Rows that enter the heap are copied: few do, once it is full.
	in, err := c.buildTransient(s.Input)
	if err != nil {
		return nil, err
	}
	h := &topHeap{k: k, cmp: cmp}
	if scan, ok := in.(*scanOp); ok && k > 0 {
		if rows, ok, err := c.parallelTopN(scan, s, k, cmp); ok || err != nil {
			return rows, err // (the scan is closed)
		}
		scan.keep = h.keeper(s.Keys)
	}
	defer in.Close()
	it := &rowIter{op: in}
	for seq := 0; ; seq++ {
		if err := c.canceled(); err != nil {
			return nil, err
		}
		r, ok, err := it.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		h.push(r, seq)
	}
	return h.sorted(), nil
}

// topHeap keeps the first k rows seen, by cmp then by seq (input order),
// in a max-heap: h[0] is the worst row kept.
type topHeap struct {
	k   int64
	cmp func(a, b Row) int
	h   []seqRow
}

func (t *topHeap) less(i, j int) bool { return t.h[i].cmp(t.h[j], t.cmp) > 0 }

func (t *topHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(t.h) {
			return
		}
		m := l
		if r := l + 1; r < len(t.h) && t.less(r, l) {
			m = r
		}
		if !t.less(m, i) {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

func (t *topHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.less(i, p) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

// push offers row r (copied if kept), the seq'th of the input.
func (t *topHeap) push(r Row, seq int) {
	if t.k == 0 {
		return
	}
	item := seqRow{r, seq}
	switch {
	case int64(len(t.h)) < t.k:
		item.row = slices.Clone(r)
		t.h = append(t.h, item)
		t.up(len(t.h) - 1)
	case item.cmp(t.h[0], t.cmp) < 0:
		item.row = slices.Clone(r)
		t.h[0] = item
		t.down(0)
	}
}

// sorted returns the rows kept, best first.
func (t *topHeap) sorted() []Row {
	slices.SortFunc(t.h, func(a, b seqRow) int { return a.cmp(b, t.cmp) })
	out := make([]Row, len(t.h))
	for i := range t.h {
		out[i] = t.h[i].row
	}
	return out
}

// keeper returns the scan filter that drops the rows that cannot enter
// the full heap before their text is copied: a key not below the worst
// kept one (a tie loses to the earlier row).
func (t *topHeap) keeper(keys []plan.SortKey) func(Row) bool {
	first := keys[0]
	col := first.Expr.(*plan.ColRef).Idx
	return func(r Row) bool {
		if int64(len(t.h)) < t.k {
			return true
		}
		// Text first keys compare by their leading 8 bytes first
		// (PostgreSQL's abbreviated keys): most rows differ from the
		// worst kept one there, and two numbers compare for less than
		// two strings through the general comparator.
		if x, y := r[col], t.h[0].row[col]; x.Kind() == types.TextFamily && y.Kind() == types.TextFamily {
			if ax, ay := abbreviated(x.Str()), abbreviated(y.Str()); ax != ay {
				return ax < ay != first.Desc
			}
		}
		return seqRow{r, math.MaxInt}.cmp(t.h[0], t.cmp) < 0
	}
}

// joinOp is a nested-loop join: the right input is materialized once,
// then each left row is matched against it.
type joinOp struct {
	c          *Ctx
	kind       plan.JoinKind
	left       *rowIter
	right      []Row
	on         evalFn
	nl, nr     int
	cur        Row
	ri         int
	matched    bool
	rightMatch []bool
	tail       int // emitting unmatched right rows (RIGHT/FULL)
	leftDone   bool
	batch      []Row
	// A hash join probes table, the right rows by key, with the left
	// row's key; cands are the current left row's candidates (indexes
	// into right), ci the next one.
	hashed  bool
	table   map[string][]int32
	leftKey []evalFn
	keyBuf  []byte
	cands   []int32
	ci      int
	// A join on one integer key hashes the integer itself: heads maps
	// a key to its first right row, chain each right row to the next
	// with the same key (-1 ends), and ci walks the chain.
	heads map[int64]int32
	chain []int32
	// keys, when the right keys lie in a range of at most 64 per row,
	// has bit k-lo set for each key k: most probes of a selective join
	// then miss in a bitmap that fits a CPU cache instead of in the map.
	keys   []uint64
	lo, hi int64
}

func (c *Ctx) newJoin(n *plan.Join) (Operator, error) {
	var right []Row
	if len(n.LeftKeys) > 0 && c.NewTempFile != nil {
		// The hashed side is held up to work_mem; past it the join
		// partitions both sides to files (graceJoin).
		in, err := c.build(n.Right)
		if err != nil {
			return nil, err
		}
		rows, more, err := c.readUpTo(in, c.spillBudget())
		if err != nil {
			in.Close()
			return nil, err
		}
		if more {
			return c.newGraceJoin(n, rows, in)
		}
		in.Close()
		right = rows
	} else {
		var err error
		if right, err = c.Run(n.Right); err != nil {
			return nil, err
		}
	}
	// The left rows are probed one at a time and copied into the
	// joined rows: they need not outlive their batch.
	left, err := c.buildTransient(n.Left)
	if err != nil {
		return nil, err
	}
	o, err := c.newJoinOp(n, left, right)
	if err != nil {
		left.Close()
		return nil, err
	}
	return o, nil
}

// newJoinOp joins the rows of left with right (a hash join when n has
// keys, else a nested loop).
func (c *Ctx) newJoinOp(n *plan.Join, left Operator, right []Row) (*joinOp, error) {
	o := &joinOp{c: c, kind: n.Kind, left: &rowIter{op: left}, right: right, nl: len(n.Left.Columns()), nr: len(n.Right.Columns()), ri: -1}
	var err error
	if n.On != nil {
		if o.on, err = c.compile(n.On); err != nil {
			return nil, err
		}
	}
	if n.Kind == plan.RightJoin || n.Kind == plan.FullJoin {
		o.rightMatch = make([]bool, len(right))
	}
	if len(n.LeftKeys) > 0 {
		if err := o.buildHash(n); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// workMem is the memory budget of an operator that can spill.
func (c *Ctx) workMem() int64 {
	if c.WorkMem <= 0 {
		return DefaultWorkMem
	}
	return c.WorkMem
}

// readUpTo reads in's rows until they hold more than budget bytes; more
// reports that it stopped there, with rows left in in.
func (c *Ctx) readUpTo(in Operator, budget int64) (rows []Row, more bool, err error) {
	var mem int64
	for mem <= budget {
		if err := c.canceled(); err != nil {
			return nil, false, err
		}
		b, err := in.Next()
		if err != nil {
			return nil, false, err
		}
		if len(b) == 0 {
			return rows, false, nil
		}
		for _, r := range b {
			rows = append(rows, r)
			mem += rowBytes(r)
		}
	}
	return rows, true, nil
}

// buildHash indexes the right rows by their join key. Rows with a NULL
// in the key match nothing and stay out of the table.
func (o *joinOp) buildHash(n *plan.Join) error {
	rightKey, err := o.c.compileAll(n.RightKeys)
	if err != nil {
		return err
	}
	if o.leftKey, err = o.c.compileAll(n.LeftKeys); err != nil {
		return err
	}
	o.hashed = true
	if len(n.LeftKeys) == 1 && n.LeftKeys[0].Type().IsInteger() && n.RightKeys[0].Type().IsInteger() {
		o.heads = make(map[int64]int32, len(o.right))
		o.chain = make([]int32, len(o.right))
		// Backwards, so that each chain lists its rows in input order.
		for i := len(o.right) - 1; i >= 0; i-- {
			v, err := rightKey[0](o.right[i])
			if err != nil {
				return err
			}
			o.chain[i] = -1
			if v.IsNull() {
				continue
			}
			if h, ok := o.heads[v.Int()]; ok {
				o.chain[i] = h
			}
			o.heads[v.Int()] = int32(i)
		}
		o.keyFilter()
		return nil
	}
	o.table = make(map[string][]int32, len(o.right))
	for i, r := range o.right {
		key, ok, err := joinKey(o.keyBuf[:0], rightKey, r)
		if err != nil {
			return err
		}
		o.keyBuf = key
		if ok {
			o.table[string(key)] = append(o.table[string(key)], int32(i))
		}
	}
	return nil
}

// keyFilter builds the bitmap of the integer keys, when they are dense
// enough for it.
func (o *joinOp) keyFilter() {
	if len(o.heads) == 0 {
		return
	}
	first := true
	for k := range o.heads {
		if first || k < o.lo {
			o.lo = k
		}
		if first || k > o.hi {
			o.hi = k
		}
		first = false
	}
	// (Unsigned: the difference of two int64s wraps to the right value.)
	span := uint64(o.hi - o.lo)
	if span >= 64*uint64(len(o.heads)) {
		return // too sparse
	}
	o.keys = make([]uint64, span/64+1)
	for k := range o.heads {
		d := uint64(k - o.lo)
		o.keys[d/64] |= 1 << (d % 64)
	}
}

// mayHaveKey reports whether an integer key can be in the table.
func (o *joinOp) mayHaveKey(k int64) bool {
	if o.keys == nil {
		return true
	}
	if k < o.lo || k > o.hi {
		return false
	}
	d := uint64(k - o.lo)
	return o.keys[d/64]&(1<<(d%64)) != 0
}

// joinKey appends the hash key of a row's join key expressions; ok is
// false when one of them is NULL.
func joinKey(dst []byte, fns []evalFn, r Row) ([]byte, bool, error) {
	for _, f := range fns {
		v, err := f(r)
		if err != nil {
			return dst, false, err
		}
		if v.IsNull() {
			return dst, false, nil
		}
		dst = types.AppendHashKey(dst, v)
	}
	return dst, true, nil
}

// nextCandidate advances to the current left row's next candidate right
// row: every right row for a nested loop, the key's bucket for a hash
// join.
func (o *joinOp) nextCandidate() bool {
	if !o.hashed {
		if o.ri+1 < len(o.right) {
			o.ri++
			return true
		}
		return false
	}
	if o.heads != nil {
		if o.ci < 0 {
			return false
		}
		o.ri, o.ci = o.ci, int(o.chain[o.ci])
		return true
	}
	if o.ci < len(o.cands) {
		o.ri = int(o.cands[o.ci])
		o.ci++
		return true
	}
	return false
}

func (o *joinOp) combine(l, r Row) Row {
	out := make(Row, o.nl+o.nr)
	copy(out, l)
	copy(out[o.nl:], r)
	return out
}

func (o *joinOp) Next() ([]Row, error) { return fillBatch(&o.batch, o.nextRow) }

func (o *joinOp) nextRow() (Row, bool, error) {
	for !o.leftDone {
		if o.cur == nil {
			r, ok, err := o.left.next()
			if err != nil {
				return nil, false, err
			}
			if !ok {
				o.leftDone = true
				break
			}
			o.cur, o.ri, o.matched = r, -1, false
			if o.heads != nil {
				o.ci = -1
				v, err := o.leftKey[0](r)
				if err != nil {
					return nil, false, err
				}
				if !v.IsNull() && o.mayHaveKey(v.Int()) {
					if h, ok := o.heads[v.Int()]; ok {
						o.ci = int(h)
					}
				}
			} else if o.hashed {
				key, ok, err := joinKey(o.keyBuf[:0], o.leftKey, r)
				if err != nil {
					return nil, false, err
				}
				o.keyBuf = key
				o.cands, o.ci = nil, 0
				if ok {
					o.cands = o.table[string(key)]
				}
			}
		}
		if o.kind == plan.SemiJoin || o.kind == plan.AntiJoin {
			// Whether the left row has a match is all that counts; the
			// row itself is the output (copied: the left input may
			// reuse it).
			found := o.nextCandidate()
			cur := o.cur
			o.cur = nil
			if found == (o.kind == plan.SemiJoin) {
				return slices.Clone(cur), true, nil
			}
			continue
		}
		for o.nextCandidate() {
			if err := o.c.canceled(); err != nil {
				return nil, false, err
			}
			row := o.combine(o.cur, o.right[o.ri])
			ok, err := holds(o.on, row)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				continue
			}
			o.matched = true
			if o.rightMatch != nil {
				o.rightMatch[o.ri] = true
			}
			return row, true, nil
		}
		cur := o.cur
		o.cur = nil
		if !o.matched && (o.kind == plan.LeftJoin || o.kind == plan.FullJoin) {
			return o.combine(cur, make(Row, o.nr)), true, nil
		}
	}
	for o.rightMatch != nil && o.tail < len(o.right) {
		i := o.tail
		o.tail++
		if !o.rightMatch[i] {
			return o.combine(make(Row, o.nl), o.right[i]), true, nil
		}
	}
	return nil, false, nil
}
func (o *joinOp) Close() { o.left.op.Close() }

// newAggregate computes all groups up front (hash aggregation), keeping
// groups in order of first appearance.
func (c *Ctx) newAggregate(n *plan.Aggregate) (Operator, error) {
	groupBy, err := c.compileAll(n.GroupBy)
	if err != nil {
		return nil, err
	}
	type aggFns struct {
		args   []evalFn
		filter evalFn
		// order computes ORDER BY keys; cmp compares rows of args then
		// keys.
		order []evalFn
		cmp   func(a, b Row) int
	}
	fns := make([]aggFns, len(n.Aggs))
	for i, a := range n.Aggs {
		if fns[i].args, err = c.compileAll(a.Args); err != nil {
			return nil, err
		}
		if len(a.OrderBy) > 0 {
			keys := make([]plan.SortKey, len(a.OrderBy))
			for j, k := range a.OrderBy {
				if f, err := c.compile(k.Expr); err != nil {
					return nil, err
				} else {
					fns[i].order = append(fns[i].order, f)
				}
				keys[j] = plan.SortKey{Expr: &plan.ColRef{Idx: len(a.Args) + j}, Desc: k.Desc, NullsFirst: k.NullsFirst}
			}
			if fns[i].cmp, err = rowComparator(keys); err != nil {
				return nil, err
			}
		}
		if a.Filter != nil {
			if fns[i].filter, err = c.compile(a.Filter); err != nil {
				return nil, err
			}
		}
	}
	type group struct {
		keys   Row
		states []builtins.AggState
		seen   []map[string]bool // per DISTINCT aggregate
		// pending holds, per aggregate with ORDER BY, its arguments and
		// keys, fed to the state in order when the group finishes.
		pending [][]seqRow
	}
	newGroup := func(keys Row) *group {
		g := &group{keys: keys, states: make([]builtins.AggState, len(n.Aggs)), seen: make([]map[string]bool, len(n.Aggs)), pending: make([][]seqRow, len(n.Aggs))}
		for i, a := range n.Aggs {
			g.states[i] = a.New()
			if a.Distinct {
				g.seen[i] = map[string]bool{}
			}
		}
		return g
	}
	// Groups copy their keys and the states what they keep.
	var in Operator
	parallel := false
	if parallelAggregate(n) {
		if in, parallel, err = c.parallelInput(n.Input); err != nil {
			return nil, err
		}
		if g, ok := in.(*gatherOp); ok && c.Analyze != nil && c.Analyze[n] != nil {
			c.Analyze[n].Parts = len(g.parts)
		}
	}
	if !parallel {
		if in, err = c.buildTransient(n.Input); err != nil {
			return nil, err
		}
	}
	defer in.Close()
	groups := map[string]*group{}
	var order []*group
	var cur *group // Sorted: the group being aggregated
	var curKey []byte
	var done []Row // Sorted: the rows of the groups already finished
	// addToState feeds one row's arguments to aggregate i of g, once per
	// distinct value for a DISTINCT aggregate.
	addToState := func(g *group, i int, args []types.Datum) error {
		if g.seen[i] != nil {
			k := string(rowKey(nil, args))
			if g.seen[i][k] {
				return nil
			}
			g.seen[i][k] = true
		}
		return g.states[i].Add(args)
	}
	finish := func(g *group) (Row, error) {
		for i, p := range g.pending {
			if p == nil {
				continue
			}
			cmp := fns[i].cmp
			slices.SortFunc(p, func(a, b seqRow) int { return a.cmp(b, cmp) })
			for _, x := range p {
				if err := addToState(g, i, x.row[:len(fns[i].args)]); err != nil {
					return nil, err
				}
			}
			g.pending[i] = nil
		}
		row := append(make(Row, 0, len(g.keys)+len(g.states)), g.keys...)
		for _, s := range g.states {
			v, err := s.Result()
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		return row, nil
	}
	var buf []byte
	keyBuf := make(Row, len(groupBy))
	argBufs := make([][]types.Datum, len(fns))
	for i, f := range fns {
		argBufs[i] = make([]types.Datum, len(f.args))
	}
	// A hash aggregate holds groups up to work_mem; past it, rows of
	// groups not yet held go to partition files by a hash of their key,
	// and each partition is aggregated afterwards the same way.
	budget := int64(math.MaxInt64)
	if !n.Sorted && len(groupBy) > 0 {
		budget = c.spillBudget()
	}
	var mem int64
	var spill *aggSpill
	var st *OpStats
	if c.Analyze != nil {
		st = c.Analyze[n]
	}
	defer func() {
		if spill != nil {
			spill.close()
		}
	}()
	add := func(r Row) error {
		var err error
		for i, g := range groupBy {
			if keyBuf[i], err = g(r); err != nil {
				return err
			}
		}
		var g *group
		if len(groupBy) == 0 {
			// One group, whatever the rows.
			if cur == nil {
				cur = newGroup(nil)
			}
			g = cur
		} else if buf = rowKey(buf[:0], keyBuf); n.Sorted {
			// Groups arrive one after another: the current one is the
			// only one open.
			if cur != nil && string(buf) == string(curKey) {
				g = cur
			} else {
				if cur != nil {
					// The previous group is complete: keep its row, not
					// its states.
					row, err := finish(cur)
					if err != nil {
						return err
					}
					done = append(done, row)
				}
				g = newGroup(append(Row(nil), keyBuf...))
				cur, curKey = g, append(curKey[:0], buf...)
			}
		} else if g = groups[string(buf)]; g == nil {
			if mem > budget {
				if spill == nil {
					spill = &aggSpill{c: c, cols: n.Input.Columns(), st: st}
				}
				return spill.write(buf, r)
			}
			g = newGroup(append(Row(nil), keyBuf...))
			groups[string(buf)] = g
			order = append(order, g)
			mem += int64(2*len(buf)+200+100*len(fns)) + rowBytes(keyBuf)
		}
		for i, f := range fns {
			ok, err := holds(f.filter, r)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			// The states copy what they keep, so one argument buffer
			// per aggregate serves every row.
			args := argBufs[i]
			for j, a := range f.args {
				if args[j], err = a(r); err != nil {
					return err
				}
			}
			if f.order != nil {
				// Kept, with the keys, until the group is complete.
				p := make(Row, 0, len(args)+len(f.order))
				p = append(p, args...)
				for _, o := range f.order {
					v, err := o(r)
					if err != nil {
						return err
					}
					p = append(p, v)
				}
				mem += rowBytes(p)
				g.pending[i] = append(g.pending[i], seqRow{p, len(g.pending[i])})
				continue
			}
			if err := addToState(g, i, args); err != nil {
				return err
			}
		}
		return nil
	}
	if err := c.eachRow((&rowIter{op: in}).next, add); err != nil {
		return nil, err
	}

	if cur != nil {
		order = append(order, cur)
	}
	if len(order) == 0 && len(done) == 0 && spill == nil {
		if len(groupBy) == 0 {
			order = append(order, newGroup(nil))
		}
		for _, k := range n.EmptyInput {
			order = append(order, newGroup(k))
		}
	}
	rows := append(make([]Row, 0, len(done)+len(order)), done...)
	emit := func() error {
		for _, g := range order {
			row, err := finish(g)
			if err != nil {
				return err
			}
			rows = append(rows, row)
		}
		return nil
	}
	if err := emit(); err != nil {
		return nil, err
	}
	// The partitions, each (and each of theirs) aggregated like the
	// input: a pass always makes groups, so the passes end.
	for spill != nil {
		part, ok, err := spill.nextPartition()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		clear(groups)
		order, mem = order[:0], 0
		err = c.eachRow(part.next, add)
		part.close()
		if err != nil {
			return nil, err
		}
		if err := emit(); err != nil {
			return nil, err
		}
	}
	return &sliceOp{rows: rows}, nil
}

func dedupe(rows []Row, key func(Row) string) []Row {
	seen := map[string]bool{}
	out := rows[:0]
	for _, r := range rows {
		k := key(r)
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

// recursiveUnion evaluates WITH RECURSIVE by iterating the recursive term
// over the previous round's rows until a round adds nothing.
func (c *Ctx) recursiveUnion(n *plan.RecursiveUnion) (Operator, error) {
	rows, err := c.Run(n.Init)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	key := func(r Row) string { return string(rowKey(nil, r)) }
	if !n.All {
		rows = dedupe(rows, key)
		for _, r := range rows {
			seen[key(r)] = true
		}
	}
	if c.work == nil {
		c.work = map[*plan.WorkTable][]Row{}
	}
	out := append([]Row{}, rows...)
	work := rows
	for len(work) > 0 {
		if err := c.canceled(); err != nil {
			return nil, err
		}
		if c.Context != nil && c.Context.Err() != nil {
			return nil, CanceledError(c.Context.Err())
		}
		c.work[n.Table] = work
		next, err := c.Run(n.Rec)
		if err != nil {
			return nil, err
		}
		if !n.All {
			fresh := next[:0]
			for _, r := range next {
				if k := key(r); !seen[k] {
					seen[k] = true
					fresh = append(fresh, r)
				}
			}
			next = fresh
		}
		out = append(out, next...)
		work = next
	}
	delete(c.work, n.Table)
	return &sliceOp{rows: out}, nil
}

// CanceledError is PostgreSQL's 57014 for a canceled or timed-out
// statement.
func CanceledError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return sqlerr.Wrap(err, sqlerr.QueryCanceled, "canceling statement due to statement timeout")
	}
	return sqlerr.Wrap(err, sqlerr.QueryCanceled, "canceling statement due to user request")
}
