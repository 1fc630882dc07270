package exec

import (
	"context"
	"runtime"
	"sync"

	"github.com/cairndb/cairn/internal/sql/plan"
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
	parts := min(runtime.GOMAXPROCS(0), maxScanParts)
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

// cancelCheck returns a cancellation check for one goroutine: it asks
// ctx every 1024 calls.
func cancelCheck(ctx context.Context) func() error {
	ticks := 0
	return func() error {
		ticks++
		if ticks&1023 == 0 && ctx != nil {
			if err := ctx.Err(); err != nil {
				return canceledError(err)
			}
		}
		return nil
	}
}
