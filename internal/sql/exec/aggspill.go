package exec

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"slices"

	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/vfs"
)

// aggPartitions is how many files a hash aggregate's overflow is split
// into at each level.
const aggPartitions = 16

// aggSpill holds the rows a hash aggregate could not give a group to in
// memory: partition files by a hash of the group key, so that every row
// of a group lands in the same one, aggregated after the input, one
// partition at a time. Rows that overflow while a partition is
// aggregated go to new partitions, split by a hash of the next level.
type aggSpill struct {
	c     *Ctx
	cols  []plan.Column // the input's: how rows decode
	st    *OpStats
	depth int // the level of the partitions being written
	parts [aggPartitions]*spillFile
	queue []*spillFile // written, not yet aggregated
}

// spillFile is one partition.
type spillFile struct {
	f     vfs.File
	rm    func()
	w     *bufio.Writer
	r     *bufio.Reader
	size  int64
	depth int
	cols  []plan.Column
	buf   []byte
}

// write adds input row r, whose group key encodes as key, to its
// partition.
func (s *aggSpill) write(key []byte, r Row) error {
	h := fnv.New64a()
	h.Write([]byte{byte(s.depth)})
	h.Write(key)
	p := h.Sum64() % aggPartitions
	pf := s.parts[p]
	if pf == nil {
		var err error
		if pf, err = newSpillFile(s.c, s.cols, s.depth, s.st); err != nil {
			return err
		}
		s.parts[p] = pf
	}
	return pf.append(r, s.st)
}

// newSpillFile creates a partition file for rows of columns cols,
// counted in st (when not nil).
func newSpillFile(c *Ctx, cols []plan.Column, depth int, st *OpStats) (*spillFile, error) {
	f, rm, err := c.NewTempFile()
	if err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.Code("53100"), "could not create a temporary file: %v", err)
	}
	if st != nil {
		st.SpillRuns++
	}
	return &spillFile{f: f, rm: rm, w: bufio.NewWriterSize(f, 64<<10), depth: depth, cols: cols}, nil
}

// append writes r to the file.
func (pf *spillFile) append(r Row, st *OpStats) error {
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
	if st != nil {
		st.SpillBytes += int64(k + len(pf.buf))
	}
	return nil
}

// finish flushes what was written and makes the file readable.
func (pf *spillFile) finish() error {
	if err := pf.w.Flush(); err != nil {
		return writeErr(err)
	}
	pf.r = bufio.NewReaderSize(io.NewSectionReader(pf.f, 0, pf.size), 64<<10)
	return nil
}

func writeErr(err error) error {
	return sqlerr.Wrap(err, sqlerr.Code("53100"), "could not write to a temporary file: %v", err)
}

// nextPartition finishes the partitions written so far and returns the
// next one to aggregate; rows written from now on go one level down.
func (s *aggSpill) nextPartition() (*spillFile, bool, error) {
	for i, pf := range s.parts {
		if pf == nil {
			continue
		}
		if err := pf.finish(); err != nil {
			return nil, false, err
		}
		s.queue = append(s.queue, pf)
		s.parts[i] = nil
	}
	if len(s.queue) == 0 {
		return nil, false, nil
	}
	pf := s.queue[0]
	s.queue = s.queue[1:]
	s.depth = pf.depth + 1
	return pf, true, nil
}

// next reads the partition's next row.
func (pf *spillFile) next() (Row, bool, error) {
	n, err := binary.ReadUvarint(pf.r)
	if err == io.EOF {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, readErr(err)
	}
	if n > uint64(pf.size) {
		return nil, false, readErr(fmt.Errorf("record of %d bytes", n))
	}
	pf.buf = slices.Grow(pf.buf[:0], int(n))[:n]
	if _, err := io.ReadFull(pf.r, pf.buf); err != nil {
		return nil, false, readErr(err)
	}
	row, err := decodeSpillRow(pf.buf, pf.cols)
	if err != nil {
		return nil, false, readErr(err)
	}
	return row, true, nil
}

func readErr(err error) error {
	return sqlerr.Wrap(err, sqlerr.DataCorrupted, "could not read a temporary file: %v", err)
}

func (pf *spillFile) close() {
	if pf.f != nil {
		pf.f.Close()
		pf.rm()
		pf.f = nil
	}
}

// close removes every partition file left.
func (s *aggSpill) close() {
	for _, pf := range s.parts {
		if pf != nil {
			pf.close()
		}
	}
	for _, pf := range s.queue {
		pf.close()
	}
}
