package exec

import (
	"context"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// A top-N sort over a whole-table scan reads the table in parts of about
// equal size, each in a goroutine of its own with its own heap and scan
// filter, when the store can cut the table (it spans several of its
// tables: mvcc.Txn.SplitKeys): most of the work, reading and decoding
// every row, is then spread over the cores, as PostgreSQL's parallel
// sequential scan under a Gather Merge does. The parts' kept rows are
// merged by the sort keys, then by part and by position within the part,
// which is input order: ties resolve as in the serial read.

// maxScanParts bounds the parts a scan is read in.
const maxScanParts = 4

// parallelTopN is topN of a whole-table scan read in parts; ok is false
// (and the scan untouched) when the table is not to be cut. Otherwise,
// and on an error, it has closed the scan.
func (c *Ctx) parallelTopN(scan *scanOp, s *plan.Sort, k int64, cmp func(a, b Row) int) (rows []Row, ok bool, err error) {
	parts := c.parallelParts()
	if parts < 2 || c.Analyze != nil || scan.n == nil || scan.keep != nil {
		return nil, false, nil
	}
	splits := c.Txn.SplitKeys(scan.start, scan.end, parts)
	if len(splits) == 0 {
		return nil, false, nil
	}
	bounds := append(append([][]byte{scan.start}, splits...), scan.end)
	ops := make([]*scanOp, 0, len(bounds)-1)
	for i := range len(bounds) - 1 {
		op, err := c.newScanRange(scan.n, scan.outIdx, true, bounds[i], bounds[i+1])
		if err != nil {
			for _, o := range ops {
				o.Close()
			}
			scan.Close()
			return nil, false, err
		}
		ops = append(ops, op)
	}
	scan.Close()
	heaps := make([]*topHeap, len(ops))
	errs := make([]error, len(ops))
	var wg sync.WaitGroup
	for i, op := range ops {
		h := &topHeap{k: k, cmp: cmp}
		heaps[i] = h
		op.keep = h.keeper(s.Keys)
		op.cancel = cancelCheck(c.Context)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer op.Close()
			defer recoverPart(&errs[i], nil)
			for seq := 0; ; {
				b, err := op.Next()
				if err != nil {
					errs[i] = err
					return
				}
				if len(b) == 0 {
					return
				}
				for _, r := range b {
					h.push(r, seq)
					seq++
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, true, err
		}
	}
	all := &topHeap{k: k, cmp: cmp}
	for i, h := range heaps {
		for _, r := range h.h {
			all.push(r.row, i<<40|r.seq)
		}
	}
	return all.sorted(), true, nil
}

// recoverPart turns a panic of a part's goroutine into its error, an
// internal error as Session.executeStmt makes of one in the statement's
// own goroutine (a bug fails the statement, not the process), and then
// calls stop, if not nil. Defer it directly: recover works only there.
func recoverPart(err *error, stop func()) {
	p := recover()
	if p == nil {
		return
	}
	*err = sqlerr.New(sqlerr.InternalError, "internal error in a parallel part: %v", p).WithDetail("%s", debug.Stack())
	if stop != nil {
		stop()
	}
}

// parallelParts is how many parts an input may be read in at once: one
// per core, within the session's workers and maxScanParts.
func (c *Ctx) parallelParts() int {
	return min(runtime.GOMAXPROCS(0), 1+c.ParallelWorkers, maxScanParts)
}

// cancelCheck returns a cancellation check for one goroutine: it asks
// ctx every 1024 calls.
func cancelCheck(ctx context.Context) func() error {
	ticks := 0
	return func() error {
		ticks++
		if ticks&1023 == 0 && ctx != nil {
			if err := ctx.Err(); err != nil {
				return CanceledError(err)
			}
		}
		return nil
	}
}

// An aggregate without groups whose result does not depend on the order
// of its rows (count, sum of exact numbers, min, max...) reads its input
// in parts, each built over its own Ctx and run in a goroutine of its
// own, as PostgreSQL's Gather under a partial aggregate does: the input
// is cut at keys of the scan that drives it (its leftmost leaf: the
// outer side of the joins above it), so that each part reads its own
// range of that scan and whatever the rows of that range join. Only
// inputs whose operators share nothing while they run qualify: scans
// (point-reading index scans do not: a transaction's point reads share
// its iterator), filters and projections of expressions safe to run in
// parallel (plan.ParallelSafe), merge joins seeking their inner table.

// scanPart names a scan and the key range [lo, hi) a part reads of it.
type scanPart struct {
	node   plan.Node
	lo, hi []byte
}

// parallelAggregate reports whether n may read its input in parts.
func parallelAggregate(n *plan.Aggregate) bool {
	if len(n.GroupBy) > 0 || n.Sorted {
		return false
	}
	for _, a := range n.Aggs {
		if len(a.OrderBy) > 0 || a.Filter != nil && !plan.ParallelSafe(a.Filter) {
			return false
		}
		for _, e := range a.Args {
			if !plan.ParallelSafe(e) {
				return false
			}
		}
		switch a.Name {
		case "count", "min", "max", "bool_and", "bool_or", "every":
		case "sum", "avg":
			// A float sum depends on the order of its terms.
			if len(a.Args) != 1 {
				return false
			}
			if t := a.Args[0].Type(); !t.IsInteger() && t.Family() != types.NumericFamily {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// parallelDriver returns the scan that drives n, if n's operators may run
// in parts concurrently; otherwise nil.
func parallelDriver(n plan.Node) plan.Node {
	safe := func(es ...plan.Expr) bool {
		for _, e := range es {
			if e != nil && !plan.ParallelSafe(e) {
				return false
			}
		}
		return true
	}
	switch n := n.(type) {
	case *plan.Scan:
		return n
	case *plan.IndexScan:
		if n.Reverse || pointReads(n) || len(n.Eqs) > 1 || !n.IndexOnly() && n.Index.ID != catalog.PrimaryIndexID {
			return nil
		}
		// Its bounds are worked out again by each part's build: they
		// must come out the same (no subquery run once per part).
		for _, eqs := range n.Eqs {
			if !safe(eqs...) {
				return nil
			}
		}
		if r := n.Range; r != nil && !safe(r.Lo, r.Hi) {
			return nil
		}
		return n
	case *plan.Filter:
		if safe(n.Pred) {
			return parallelDriver(n.Input)
		}
	case *plan.Project:
		if safe(n.Exprs...) {
			return parallelDriver(n.Input)
		}
	case *plan.MergeJoin:
		if !n.Seek || !safe(n.Filter) {
			return nil
		}
		if f, ok := n.Inner.(*plan.Filter); ok && !safe(f.Pred) {
			return nil
		}
		return parallelDriver(n.Outer)
	}
	return nil
}

// driverSpan returns the key range the driving scan reads whole.
func (c *Ctx) driverSpan(n plan.Node) (start, end []byte, ok bool, err error) {
	switch n := n.(type) {
	case *plan.Scan:
		start, end := tableSpan(n.Table.ID)
		return start, end, true, nil
	case *plan.IndexScan:
		spans, err := c.indexSpans(n)
		if err != nil || len(spans) != 1 {
			return nil, nil, false, err
		}
		return spans[0][0], spans[0][1], true, nil
	}
	return nil, nil, false, nil
}

// parallelInput builds n, the input of an aggregate that may read it in
// parts (parallelAggregate), as parts gathered from goroutines; ok is
// false when n does not qualify or is too small to cut.
func (c *Ctx) parallelInput(n plan.Node) (op Operator, ok bool, err error) {
	parts := c.parallelParts()
	if parts < 2 || c.part != nil {
		return nil, false, nil
	}
	driver := parallelDriver(n)
	if driver == nil {
		return nil, false, nil
	}
	start, end, ok, err := c.driverSpan(driver)
	if !ok || err != nil {
		return nil, false, err
	}
	splits := c.Txn.SplitKeys(start, end, parts)
	if len(splits) == 0 {
		return nil, false, nil
	}
	bounds := append(append([][]byte{start}, splits...), end)
	g := &gatherOp{done: make(chan struct{})}
	for i := range len(bounds) - 1 {
		// Each part's operators hold a Ctx of their own: its
		// cancellation count is theirs. Building is serial, so what the
		// Ctx's maps cache at build time is shared safely.
		pc := new(Ctx)
		*pc = *c
		pc.ticks = 0
		pc.part = &scanPart{node: driver, lo: bounds[i], hi: bounds[i+1]}
		if c.Analyze != nil {
			// EXPLAIN ANALYZE: each part counts in a map of its own,
			// added to the statement's when the parts are done (so a
			// node's loops are its parts, as PostgreSQL's workers).
			pc.Analyze = map[plan.Node]*OpStats{}
			g.stats = append(g.stats, pc.Analyze)
		}
		op, err := pc.build(n)
		if err != nil {
			for _, o := range g.parts {
				o.Close()
			}
			return nil, false, err
		}
		g.parts = append(g.parts, op)
	}
	g.analyze = c.Analyze
	g.start()
	return g, true, nil
}

// gatherOp returns the rows of operators run concurrently, in batches as
// they come.
type gatherOp struct {
	parts []Operator
	ch    chan []Row
	done  chan struct{} // closed to stop the parts early
	stop  sync.Once
	errs  []error
	ended bool
	// stats are the parts' EXPLAIN ANALYZE figures, added to analyze
	// once every part returned.
	stats   []map[plan.Node]*OpStats
	analyze map[plan.Node]*OpStats
}

// addStats adds the parts' figures to the statement's; the parts have
// all returned.
func (g *gatherOp) addStats() {
	for _, m := range g.stats {
		for n, st := range m {
			dst := g.analyze[n]
			if dst == nil {
				dst = &OpStats{}
				g.analyze[n] = dst
			}
			dst.Rows += st.Rows
			dst.Loops += st.Loops
			dst.Time += st.Time
			dst.SpillRuns += st.SpillRuns
			dst.SpillBytes += st.SpillBytes
		}
	}
	g.stats = nil
}

func (g *gatherOp) start() {
	g.ch = make(chan []Row, 2*len(g.parts))
	g.errs = make([]error, len(g.parts))
	var wg sync.WaitGroup
	for i, op := range g.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer op.Close()
			defer recoverPart(&g.errs[i], g.stopParts)
			for {
				b, err := op.Next()
				if err != nil {
					g.errs[i] = err
					g.stopParts()
					return
				}
				if len(b) == 0 {
					return
				}
				// The batch slice is the part's, reused by its next
				// call; the rows themselves last (built to be kept).
				select {
				case g.ch <- slices.Clone(b):
				case <-g.done:
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(g.ch)
	}()
}

// stopParts makes the parts stop at their next batch.
func (g *gatherOp) stopParts() { g.stop.Do(func() { close(g.done) }) }

func (g *gatherOp) Next() ([]Row, error) {
	if g.ended {
		return nil, nil
	}
	if b, ok := <-g.ch; ok {
		return b, nil
	}
	// Closed after every part returned: their errors and figures are
	// written.
	g.ended = true
	g.addStats()
	for _, err := range g.errs {
		if err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (g *gatherOp) Close() {
	g.stopParts()
	for range g.ch {
	}
	g.ended = true
	g.addStats()
}
