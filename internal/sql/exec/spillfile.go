package exec

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"slices"

	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cairndb/cairn/internal/vfs"
)

// spillFile is a temporary file of rows (a sort's runs, an aggregate's
// or a join's partition): records of appendSpillRow, each after its
// length, appended through a buffer and read back by sections.
type spillFile struct {
	f    vfs.File
	rm   func()
	w    *bufio.Writer
	size int64
	cols []plan.Column // how the rows decode
	st   *OpStats      // counts the files and bytes, when not nil
	buf  []byte
	// depth is an aggregate partition's level; rd reads a partition
	// whole once it is finished.
	depth int
	rd    *spillReader
}

// newSpillFile creates a spill file for rows of columns cols.
func newSpillFile(c *Ctx, cols []plan.Column, depth int, st *OpStats) (*spillFile, error) {
	f, rm, err := c.NewTempFile()
	if err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.Code("53100"), "could not create a temporary file: %v", err)
	}
	if st != nil {
		st.SpillRuns++
	}
	return &spillFile{f: f, rm: rm, w: bufio.NewWriterSize(f, 64<<10), depth: depth, cols: cols, st: st}, nil
}

// append writes r to the file.
func (pf *spillFile) append(r Row) error {
	pf.buf = appendSpillRow(pf.buf[:0], r)
	var hdr [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(hdr[:], uint64(len(pf.buf)))
	if _, err := pf.w.Write(hdr[:k]); err != nil {
		return writeErr(err)
	}
	if _, err := pf.w.Write(pf.buf); err != nil {
		return writeErr(err)
	}
	pf.size += int64(k + len(pf.buf))
	if pf.st != nil {
		pf.st.SpillBytes += int64(k + len(pf.buf))
	}
	return nil
}

// flush writes out what append buffered.
func (pf *spillFile) flush() error {
	if err := pf.w.Flush(); err != nil {
		return writeErr(err)
	}
	return nil
}

// finish flushes the file and makes it readable whole (next).
func (pf *spillFile) finish() error {
	if err := pf.flush(); err != nil {
		return err
	}
	pf.rd = pf.reader(0, pf.size, 64<<10)
	return nil
}

// next reads the next row of a finished file.
func (pf *spillFile) next() (Row, bool, error) { return pf.rd.next() }

// nextBatch appends up to batchSize rows of a finished file to dst; more
// is false once the file is read to its end.
func (pf *spillFile) nextBatch(dst []Row) (rows []Row, more bool, err error) {
	for len(dst) < batchSize {
		r, ok, err := pf.next()
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return dst, false, nil
		}
		dst = append(dst, r)
	}
	return dst, true, nil
}

// reader reads the rows written to [start, end) of the file (flushed),
// through a buffer of bufSize bytes.
func (pf *spillFile) reader(start, end int64, bufSize int) *spillReader {
	return &spillReader{r: bufio.NewReaderSize(io.NewSectionReader(pf.f, start, end-start), bufSize), limit: end - start, cols: pf.cols}
}

func (pf *spillFile) close() {
	if pf.f != nil {
		pf.f.Close()
		pf.rm()
		pf.f = nil
	}
}

// spillReader reads the rows of a section of a spill file.
type spillReader struct {
	r     *bufio.Reader
	limit int64 // the section's length: no record is longer
	cols  []plan.Column
	buf   []byte
}

func (sr *spillReader) next() (Row, bool, error) {
	n, err := binary.ReadUvarint(sr.r)
	if err == io.EOF {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, readErr(err)
	}
	if n > uint64(sr.limit) {
		return nil, false, readErr(fmt.Errorf("record of %d bytes", n))
	}
	sr.buf = slices.Grow(sr.buf[:0], int(n))[:n]
	if _, err := io.ReadFull(sr.r, sr.buf); err != nil {
		return nil, false, readErr(err)
	}
	row, err := decodeSpillRow(sr.buf, sr.cols)
	if err != nil {
		return nil, false, readErr(err)
	}
	return row, true, nil
}

// spillHash is FNV-1a of level then key, without an allocation: the
// partition of a row that spills (level keeps an aggregate's partitions
// of partitions from splitting by the same bits).
func spillHash(level byte, key []byte) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(level)) * 1099511628211
	for _, b := range key {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return h
}

// eachRow calls fn with every row next returns, checking for
// cancellation between rows.
func (c *Ctx) eachRow(next func() (Row, bool, error), fn func(Row) error) error {
	for {
		if err := c.canceled(); err != nil {
			return err
		}
		r, ok, err := next()
		if err != nil || !ok {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}

func writeErr(err error) error {
	return sqlerr.Wrap(err, sqlerr.Code("53100"), "could not write to a temporary file: %v", err)
}

func readErr(err error) error {
	return sqlerr.Wrap(err, sqlerr.DataCorrupted, "could not read a temporary file: %v", err)
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
