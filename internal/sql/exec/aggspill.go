package exec

import "github.com/cairndb/cairn/internal/sql/plan"

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

// write adds input row r, whose group key encodes as key, to its
// partition.
func (s *aggSpill) write(key []byte, r Row) error {
	p := spillHash(byte(s.depth), key) % aggPartitions
	pf := s.parts[p]
	if pf == nil {
		var err error
		if pf, err = newSpillFile(s.c, s.cols, s.depth, s.st); err != nil {
			return err
		}
		s.parts[p] = pf
	}
	return pf.append(r)
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
