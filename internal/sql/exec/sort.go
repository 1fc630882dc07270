package exec

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cairndb/cairn/internal/vfs"
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
	budget := c.WorkMem
	if budget <= 0 {
		budget = DefaultWorkMem
	}
	if c.NewTempFile == nil {
		budget = math.MaxInt64 // nowhere to spill to
	}
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
	if s.f == nil {
		return &sliceOp{rows: rows}, nil
	}
	if st := c.Analyze[n]; st != nil {
		st.SpillRuns += int64(len(s.runs))
		st.SpillBytes += s.off
	}
	if err := s.startMerge(rows); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
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

// spillSort writes sorted runs to one temporary file and merges them.
type spillSort struct {
	c    *Ctx
	keys []plan.SortKey
	cols []plan.Column
	f    vfs.File
	rm   func() // removes f
	w    *bufio.Writer
	off  int64
	runs []spillRun
	buf  []byte
	// The merge: a heap of the runs' current rows (the in-memory rows
	// are the last run).
	h     mergeHeap
	batch []Row
}

// spillRun is a run's section of the file, and its reader while merging.
type spillRun struct {
	start, end int64
	r          *bufio.Reader
	mem        []Row // the rows left in memory, for the last run
}

// spill sorts rows and appends them to the file as a run.
func (s *spillSort) spill(rows []Row) error {
	if s.f == nil {
		f, rm, err := s.c.NewTempFile()
		if err != nil {
			return sqlerr.Wrap(err, sqlerr.Code("53100"), "could not create a temporary file for a sort: %v", err)
		}
		s.f, s.rm, s.w = f, rm, bufio.NewWriterSize(f, 256<<10)
	}
	if err := sortRows(rows, s.keys); err != nil {
		return err
	}
	start := s.off
	for _, r := range rows {
		s.buf = appendSpillRow(s.buf[:0], r)
		var hdr [binary.MaxVarintLen64]byte
		k := binary.PutUvarint(hdr[:], uint64(len(s.buf)))
		if _, err := s.w.Write(hdr[:k]); err != nil {
			return s.ioErr(err)
		}
		if _, err := s.w.Write(s.buf); err != nil {
			return s.ioErr(err)
		}
		s.off += int64(k + len(s.buf))
	}
	if err := s.w.Flush(); err != nil {
		return s.ioErr(err)
	}
	s.runs = append(s.runs, spillRun{start: start, end: s.off})
	return nil
}

func (s *spillSort) ioErr(err error) error { return writeErr(err) }

// startMerge positions every run on its first row.
func (s *spillSort) startMerge(mem []Row) error {
	s.runs = append(s.runs, spillRun{mem: mem})
	for i := range s.runs {
		run := &s.runs[i]
		if run.mem == nil {
			run.r = bufio.NewReaderSize(io.NewSectionReader(s.f, run.start, run.end-run.start), 64<<10)
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
	if run.r == nil {
		if len(run.mem) == 0 {
			return mergeItem{}, false, nil
		}
		r := run.mem[0]
		run.mem = run.mem[1:]
		return mergeItem{row: r, run: i}, true, nil
	}
	n, err := binary.ReadUvarint(run.r)
	if err == io.EOF {
		return mergeItem{}, false, nil
	}
	if err != nil {
		return mergeItem{}, false, s.readErr(err)
	}
	if n > uint64(run.end-run.start) {
		return mergeItem{}, false, s.readErr(fmt.Errorf("record of %d bytes", n))
	}
	s.buf = slices.Grow(s.buf[:0], int(n))[:n]
	if _, err := io.ReadFull(run.r, s.buf); err != nil {
		return mergeItem{}, false, s.readErr(err)
	}
	row, err := decodeSpillRow(s.buf, s.cols)
	if err != nil {
		return mergeItem{}, false, s.readErr(err)
	}
	return mergeItem{row: row, run: i}, true, nil
}

func (s *spillSort) readErr(err error) error { return readErr(err) }

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
	if s.f != nil {
		s.f.Close()
		s.rm()
		s.f = nil
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

// A spilled row: per column its family (0 for NULL; an array's is
// followed by its element's), then the non-NULL values as a rowcodec row
// with the column positions as ids. Decoding takes the plan's column
// type when the family matches it (keeping CHAR(n)'s width), else the
// family's plain type.
func appendSpillRow(dst []byte, r Row) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(r)))
	cols := make([]rowcodec.Column, 0, len(r))
	for i, d := range r {
		if d.IsNull() {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, byte(d.Kind()))
		if d.Kind() == types.ArrayFamily {
			dst = append(dst, byte(d.Array().Elem.Family()))
		}
		cols = append(cols, rowcodec.Column{ID: uint32(i), Value: types.ToRowcodec(d)})
	}
	return rowcodec.AppendRow(dst, cols)
}

func decodeSpillRow(src []byte, cols []plan.Column) (Row, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)) {
		return nil, fmt.Errorf("bad column count")
	}
	src = src[k:]
	row := make(Row, n)
	typs := make([]types.Type, n)
	for i := range typs {
		if len(src) == 0 {
			return nil, fmt.Errorf("truncated row header")
		}
		fam := types.Family(src[0])
		src = src[1:]
		if fam == 0 {
			continue
		}
		var t types.Type
		switch {
		case i < len(cols) && cols[i].Type.Family() == fam && fam != types.ArrayFamily:
			t = cols[i].Type
		case fam == types.ArrayFamily:
			if len(src) == 0 {
				return nil, fmt.Errorf("truncated row header")
			}
			t = types.ArrayOf(types.FamilyType(types.Family(src[0])))
			src = src[1:]
		default:
			t = types.FamilyType(fam)
		}
		typs[i] = t
	}
	r, err := rowcodec.NewRowReader(src)
	if err != nil {
		return nil, err
	}
	for {
		id, ok, err := r.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return row, nil
		}
		if uint64(id) >= n {
			return nil, fmt.Errorf("column %d of %d", id, n)
		}
		v, err := r.Value()
		if err != nil {
			return nil, err
		}
		if row[id], err = types.FromRowcodec(typs[id], v); err != nil {
			return nil, err
		}
	}
}
