package exec

import (
	"container/heap"
	"math"

	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// DefaultWorkMem is the memory a sort may hold rows in before it spills
// sorted runs to a temporary file (PostgreSQL's work_mem, whose default
// here is 64 MiB).
const DefaultWorkMem = 64 << 20

// newSort sorts its input, stably. Rows are held in memory up to the
// work_mem budget (Ctx.WorkMem); past it, the rows held are sorted and
// written to a temporary file as a run, and the output is a merge of the
// runs and the rows still in memory: an external merge sort, whose
// memory stays near the budget however large the input.
func (c *Ctx) newSort(n *plan.Sort) (Operator, error) {
	cmp, err := rowComparator(n.Keys)
	if err != nil {
		return nil, err
	}
	in, err := c.build(n.Input)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	budget := c.spillBudget()
	s := &spillSort{c: c, keys: n.Keys, cols: n.Columns()}
	s.h.cmp = cmp
	var rows []Row
	var mem int64
	for {
		if err := c.canceled(); err != nil {
			s.Close()
			return nil, err
		}
		b, err := in.Next()
		if err != nil {
			s.Close()
			return nil, err
		}
		if len(b) == 0 {
			break
		}
		for _, r := range b {
			rows = append(rows, r)
			mem += rowBytes(r)
			if mem > budget {
				if err := s.spill(rows); err != nil {
					s.Close()
					return nil, err
				}
				rows, mem = rows[:0:0], 0
			}
		}
	}
	if err := sortRows(rows, n.Keys); err != nil {
		s.Close()
		return nil, err
	}
	if s.pf == nil {
		return &sliceOp{rows: rows}, nil
	}
	if st := c.Analyze[n]; st != nil {
		st.SpillRuns += int64(len(s.runs))
		st.SpillBytes += s.pf.size
	}
	if err := s.startMerge(rows); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// spillBudget is the memory an operator that can spill holds before it
// does: work_mem, or no limit when there is nowhere to spill to.
func (c *Ctx) spillBudget() int64 {
	if c.NewTempFile == nil {
		return math.MaxInt64
	}
	return c.workMem()
}

// rowBytes estimates the memory a row holds.
func rowBytes(r Row) int64 {
	n := int64(24 + 56*len(r))
	for _, d := range r {
		n += datumBytes(d)
	}
	return n
}

func datumBytes(d types.Datum) int64 {
	switch d.Kind() {
	case types.NumericFamily:
		return 64
	case types.ArrayFamily:
		n := int64(48)
		for _, e := range d.Array().Elems {
			n += 56 + datumBytes(e)
		}
		return n
	}
	return int64(len(d.Str()))
}

// spillSort writes sorted runs to one spill file and merges them.
type spillSort struct {
	c    *Ctx
	keys []plan.SortKey
	cols []plan.Column
	pf   *spillFile
	runs []spillRun
	// The merge: a heap of the runs' current rows (the in-memory rows
	// are the last run).
	h     mergeHeap
	batch []Row
}

// spillRun is a run's section of the file, and its reader while merging.
type spillRun struct {
	start, end int64
	rd         *spillReader
	mem        []Row // the rows left in memory, for the last run
}

// spill sorts rows and appends them to the file as a run.
func (s *spillSort) spill(rows []Row) error {
	if s.pf == nil {
		pf, err := newSpillFile(s.c, s.cols, 0, nil)
		if err != nil {
			return err
		}
		s.pf = pf
	}
	if err := sortRows(rows, s.keys); err != nil {
		return err
	}
	start := s.pf.size
	for _, r := range rows {
		if err := s.pf.append(r); err != nil {
			return err
		}
	}
	if err := s.pf.flush(); err != nil {
		return err
	}
	s.runs = append(s.runs, spillRun{start: start, end: s.pf.size})
	return nil
}

// startMerge positions every run on its first row.
func (s *spillSort) startMerge(mem []Row) error {
	s.runs = append(s.runs, spillRun{mem: mem})
	// The runs' read buffers share the budget, so a merge of many runs
	// stays within it too (4 KiB each at least, 64 KiB at most).
	bufSize := int(min(max(s.c.workMem()/int64(len(s.runs)), 4<<10), 64<<10))
	for i := range s.runs {
		run := &s.runs[i]
		if run.mem == nil {
			run.rd = s.pf.reader(run.start, run.end, bufSize)
		}
		it, ok, err := s.next(i)
		if err != nil {
			return err
		}
		if ok {
			s.h.items = append(s.h.items, it)
		}
	}
	heap.Init(&s.h)
	return nil
}

// next reads run i's next row.
func (s *spillSort) next(i int) (mergeItem, bool, error) {
	run := &s.runs[i]
	if run.rd == nil {
		if len(run.mem) == 0 {
			return mergeItem{}, false, nil
		}
		r := run.mem[0]
		run.mem = run.mem[1:]
		return mergeItem{row: r, run: i}, true, nil
	}
	row, ok, err := run.rd.next()
	return mergeItem{row: row, run: i}, ok, err
}

func (s *spillSort) Next() ([]Row, error) {
	if err := s.c.canceled(); err != nil {
		return nil, err
	}
	b := s.batch[:0]
	for len(b) < batchSize && len(s.h.items) > 0 {
		top := s.h.items[0]
		b = append(b, top.row)
		// The top's run moves on to its next row, or leaves the merge.
		it, ok, err := s.next(top.run)
		if err != nil {
			return nil, err
		}
		if ok {
			s.h.items[0] = it
			heap.Fix(&s.h, 0)
		} else {
			heap.Pop(&s.h)
		}
	}
	s.batch = b
	return b, nil
}

// Close removes the temporary file.
func (s *spillSort) Close() {
	if s.pf != nil {
		s.pf.close()
	}
}

// mergeItem is a run's current row; ties go to the earlier run, which
// holds earlier input: the merge is stable.
type mergeItem struct {
	row Row
	run int
}

type mergeHeap struct {
	items []mergeItem
	cmp   func(a, b Row) int
}

func (h *mergeHeap) Len() int { return len(h.items) }
func (h *mergeHeap) Less(i, j int) bool {
	if c := h.cmp(h.items[i].row, h.items[j].row); c != 0 {
		return c < 0
	}
	return h.items[i].run < h.items[j].run
}
func (h *mergeHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *mergeHeap) Push(x any)    { h.items = append(h.items, x.(mergeItem)) }
func (h *mergeHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
