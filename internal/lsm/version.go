package lsm

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// numLevels is the depth of the tree: L0 (overlapping flush outputs) and
// L1..L6 (each a sorted run of non-overlapping tables).
const numLevels = 7

// fileMeta describes one SSTable. Its fields never change after it is
// created, except refs and compacting.
type fileMeta struct {
	num                     uint64
	size                    uint64
	smallest, largest       []byte // internal keys; largest may be a range-deletion sentinel
	smallestSeq, largestSeq ikey.SeqNum
	// hasRangeDels lets point reads and iterators skip loading the
	// tombstones of the (many) tables that have none.
	hasRangeDels bool

	// refs counts the versions holding the file; at zero the file is obsolete
	// and deleted.
	refs atomic.Int32
	// compacting is set while a compaction reads the file; guarded by DB.mu.
	compacting bool
}

func (f *fileMeta) smallestUser() []byte { return ikey.UserKey(f.smallest) }
func (f *fileMeta) largestUser() []byte  { return ikey.UserKey(f.largest) }

// largestExclusive reports whether the file's largest bound is a range
// deletion's exclusive end, so the file holds no key equal to largestUser.
func (f *fileMeta) largestExclusive() bool {
	return ikey.TrailerOf(f.largest) == ikey.Trailer(ikey.SeqNumMax, ikey.KindRangeDelete)
}

// overlaps reports whether the file may hold keys in [lo, hi] (user keys,
// inclusive; nil means unbounded).
func (f *fileMeta) overlaps(lo, hi []byte) bool {
	if hi != nil && bytes.Compare(f.smallestUser(), hi) > 0 {
		return false
	}
	if lo != nil {
		c := bytes.Compare(f.largestUser(), lo)
		if c < 0 || (c == 0 && f.largestExclusive()) {
			return false
		}
	}
	return true
}

// containsUser reports whether ukey falls within the file's bounds.
func (f *fileMeta) containsUser(ukey []byte) bool { return f.overlaps(ukey, ukey) }

// version is an immutable snapshot of which files make up each level. L0 is
// ordered oldest to newest (flush order); other levels by key.
type version struct {
	levels [numLevels][]*fileMeta
	refs   atomic.Int32
	// onObsolete is called for a file whose last reference is dropped.
	onObsolete func(*fileMeta)
}

func (v *version) ref() { v.refs.Add(1) }

func (v *version) unref() {
	if v.refs.Add(-1) != 0 {
		return
	}
	for _, files := range v.levels {
		for _, f := range files {
			if f.refs.Add(-1) == 0 && v.onObsolete != nil {
				v.onObsolete(f)
			}
		}
	}
}

// overlapping returns the files of level that may hold keys in [lo, hi].
func (v *version) overlapping(level int, lo, hi []byte) []*fileMeta {
	var out []*fileMeta
	for _, f := range v.levels[level] {
		if f.overlaps(lo, hi) {
			out = append(out, f)
		}
	}
	return out
}

// findFile returns the index of the file of a sorted level (>= 1) that may
// hold ukey, or -1.
func (v *version) findFile(level int, ukey []byte) int {
	files := v.levels[level]
	i := sort.Search(len(files), func(i int) bool {
		c := bytes.Compare(files[i].largestUser(), ukey)
		return c > 0 || (c == 0 && !files[i].largestExclusive())
	})
	if i < len(files) && bytes.Compare(files[i].smallestUser(), ukey) <= 0 {
		return i
	}
	return -1
}

func levelBytes(files []*fileMeta) uint64 {
	var n uint64
	for _, f := range files {
		n += f.size
	}
	return n
}

// versionEdit is one manifest record: the files added and removed by a flush
// or compaction, and the log and sequence counters.
type versionEdit struct {
	hasLogNum      bool
	logNum         uint64
	hasNextFileNum bool
	nextFileNum    uint64
	hasLastSeq     bool
	lastSeq        ikey.SeqNum
	deleted        []deletedFile
	added          []newFile
}

type deletedFile struct {
	level int
	num   uint64
}

type newFile struct {
	level int
	meta  *fileMeta
}

// Manifest edit tags (see doc.go).
const (
	tagLogNum      = 1
	tagNextFileNum = 2
	tagLastSeq     = 3
	tagDeleted     = 4
	tagAdded       = 5

	fileFlagRangeDels = 1
)

func (e *versionEdit) encode(dst []byte) []byte {
	if e.hasLogNum {
		dst = binary.AppendUvarint(dst, tagLogNum)
		dst = binary.AppendUvarint(dst, e.logNum)
	}
	if e.hasNextFileNum {
		dst = binary.AppendUvarint(dst, tagNextFileNum)
		dst = binary.AppendUvarint(dst, e.nextFileNum)
	}
	if e.hasLastSeq {
		dst = binary.AppendUvarint(dst, tagLastSeq)
		dst = binary.AppendUvarint(dst, uint64(e.lastSeq))
	}
	for _, d := range e.deleted {
		dst = binary.AppendUvarint(dst, tagDeleted)
		dst = binary.AppendUvarint(dst, uint64(d.level))
		dst = binary.AppendUvarint(dst, d.num)
	}
	for _, a := range e.added {
		f := a.meta
		dst = binary.AppendUvarint(dst, tagAdded)
		dst = binary.AppendUvarint(dst, uint64(a.level))
		dst = binary.AppendUvarint(dst, f.num)
		dst = binary.AppendUvarint(dst, f.size)
		dst = binary.AppendUvarint(dst, uint64(len(f.smallest)))
		dst = append(dst, f.smallest...)
		dst = binary.AppendUvarint(dst, uint64(len(f.largest)))
		dst = append(dst, f.largest...)
		dst = binary.AppendUvarint(dst, uint64(f.smallestSeq))
		dst = binary.AppendUvarint(dst, uint64(f.largestSeq))
		var flags uint64
		if f.hasRangeDels {
			flags |= fileFlagRangeDels
		}
		dst = binary.AppendUvarint(dst, flags)
	}
	return dst
}

var errBadEdit = errors.New("malformed version edit")

func (e *versionEdit) decode(data []byte) error {
	uv := func() (uint64, error) {
		v, n := binary.Uvarint(data)
		if n <= 0 {
			return 0, errBadEdit
		}
		data = data[n:]
		return v, nil
	}
	bs := func() ([]byte, error) {
		n, err := uv()
		if err != nil || n > uint64(len(data)) {
			return nil, errBadEdit
		}
		b := bytes.Clone(data[:n])
		data = data[n:]
		return b, nil
	}
	for len(data) > 0 {
		tag, err := uv()
		if err != nil {
			return err
		}
		switch tag {
		case tagLogNum:
			e.hasLogNum = true
			e.logNum, err = uv()
		case tagNextFileNum:
			e.hasNextFileNum = true
			e.nextFileNum, err = uv()
		case tagLastSeq:
			var s uint64
			s, err = uv()
			e.hasLastSeq, e.lastSeq = true, ikey.SeqNum(s)
		case tagDeleted:
			var lvl, num uint64
			if lvl, err = uv(); err == nil {
				num, err = uv()
			}
			if err == nil && lvl >= numLevels {
				err = fmt.Errorf("%w: level %d", errBadEdit, lvl)
			}
			e.deleted = append(e.deleted, deletedFile{int(lvl), num})
		case tagAdded:
			f := &fileMeta{}
			var lvl, s1, s2 uint64
			if lvl, err = uv(); err != nil {
				return err
			}
			if lvl >= numLevels {
				return fmt.Errorf("%w: level %d", errBadEdit, lvl)
			}
			if f.num, err = uv(); err != nil {
				return err
			}
			if f.size, err = uv(); err != nil {
				return err
			}
			if f.smallest, err = bs(); err != nil {
				return err
			}
			if f.largest, err = bs(); err != nil {
				return err
			}
			if s1, err = uv(); err != nil {
				return err
			}
			if s2, err = uv(); err != nil {
				return err
			}
			var flags uint64
			if flags, err = uv(); err != nil {
				return err
			}
			f.hasRangeDels = flags&fileFlagRangeDels != 0
			if !ikey.Valid(f.smallest) || !ikey.Valid(f.largest) {
				return fmt.Errorf("%w: file %d has invalid bounds", errBadEdit, f.num)
			}
			f.smallestSeq, f.largestSeq = ikey.SeqNum(s1), ikey.SeqNum(s2)
			e.added = append(e.added, newFile{int(lvl), f})
		default:
			return fmt.Errorf("%w: unknown tag %d", errBadEdit, tag)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// apply returns a new version: base with the edit applied. It checks the
// level invariants and fails rather than build an inconsistent tree.
func (base *version) apply(e *versionEdit) (*version, error) {
	v := &version{onObsolete: base.onObsolete}
	del := make(map[uint64]int, len(e.deleted))
	for _, d := range e.deleted {
		del[d.num] = d.level
	}
	for level := range numLevels {
		for _, f := range base.levels[level] {
			if l, ok := del[f.num]; ok && l == level {
				delete(del, f.num)
				continue
			}
			v.levels[level] = append(v.levels[level], f)
		}
	}
	if len(del) > 0 {
		for num, l := range del {
			return nil, fmt.Errorf("%w: deletes file %06d from L%d, which does not hold it", errBadEdit, num, l)
		}
	}
	for _, a := range e.added {
		v.levels[a.level] = append(v.levels[a.level], a.meta)
	}
	slices.SortFunc(v.levels[0], func(a, b *fileMeta) int {
		if a.largestSeq != b.largestSeq {
			return cmp.Compare(a.largestSeq, b.largestSeq)
		}
		return cmp.Compare(a.num, b.num)
	})
	for level := 1; level < numLevels; level++ {
		files := v.levels[level]
		slices.SortFunc(files, func(a, b *fileMeta) int { return ikey.Compare(a.smallest, b.smallest) })
		for i := 1; i < len(files); i++ {
			if files[i-1].overlaps(files[i].smallestUser(), files[i].smallestUser()) {
				return nil, fmt.Errorf("%w: L%d files %06d and %06d overlap", errBadEdit, level, files[i-1].num, files[i].num)
			}
		}
	}
	if invariants {
		checkVersion(v)
	}
	for _, files := range v.levels {
		for _, f := range files {
			f.refs.Add(1)
		}
	}
	v.refs.Store(1)
	return v, nil
}

// snapshotEdit returns an edit that recreates v from nothing: the first
// record of a new manifest.
func (v *version) snapshotEdit() *versionEdit {
	e := &versionEdit{}
	for level, files := range v.levels {
		for _, f := range files {
			e.added = append(e.added, newFile{level, f})
		}
	}
	return e
}

// SplitKeys returns up to n-1 user keys, ascending and inside (lo, hi),
// that cut the stored data in [lo, hi) into about n parts of equal size,
// for reading a range in parallel parts. Keys standing for the data of
// the range are taken from where it is: the tables of the sorted levels
// by their smallest keys when there are many, else, and those of level 0,
// by keys sampling them every 16 blocks (sstable.Reader.SampleKeys), the
// memtables by a level of their skiplists (sampleKeys); each key stands
// for its share of its table's or memtable's bytes. A cut goes at the
// key where the running size crosses each nth. It
// returns fewer cuts, or none, when a part would hold less than
// Options.MinSplitPart bytes. nil bounds are open.
func (d *DB) SplitKeys(lo, hi []byte, n int) [][]byte {
	if n < 2 {
		return nil
	}
	d.mu.Lock()
	v := d.mu.version
	v.ref()
	mems := append([]*memTable{d.mu.mem}, d.mu.imms...)
	l0 := v.overlapping(0, lo, hi)
	var files []*fileMeta
	for level := 1; level < numLevels; level++ {
		files = append(files, v.overlapping(level, lo, hi)...)
	}
	d.mu.Unlock()
	defer v.unref()
	type point struct {
		key  []byte
		size uint64
	}
	var points []point
	// Data not yet flushed counts too: a table just loaded is all there.
	for _, m := range mems {
		keys, size := m.sampleKeys(lo, hi, 16*n)
		for _, k := range keys {
			points = append(points, point{k, uint64(size)})
		}
	}
	for i, f := range append(files, l0...) {
		// Tables of level 0 overlap, and are few: sampled.
		if len(files) < 4*n || i >= len(files) {
			if r, err := d.tables.get(f); err == nil {
				if keys, steps, err := r.SampleKeys(lo, hi); err == nil && len(keys) > 0 {
					for _, k := range keys {
						points = append(points, point{k, f.size / uint64(steps)})
					}
					continue
				}
			}
		}
		points = append(points, point{f.smallestUser(), f.size})
	}
	slices.SortFunc(points, func(a, b point) int { return bytes.Compare(a.key, b.key) })
	var total uint64
	for _, p := range points {
		total += p.size
	}
	n = min(n, int(total/uint64(d.opts.MinSplitPart)))
	var out [][]byte
	var run uint64
	next := 1
	for _, p := range points {
		if next >= n {
			break
		}
		if run >= total*uint64(next)/uint64(n) {
			k := p.key
			if (lo == nil || bytes.Compare(k, lo) > 0) && (hi == nil || bytes.Compare(k, hi) < 0) &&
				(len(out) == 0 || bytes.Compare(k, out[len(out)-1]) > 0) {
				out = append(out, bytes.Clone(k))
			}
			next++
		}
		run += p.size
	}
	return out
}

// EstimateDiskUsage returns about how many bytes the data of user keys
// in [lo, hi) takes: the tables wholly inside the range count their
// size, those it cuts the part of their data blocks between the bounds
// (sstable.Reader.ApproximateOffset), and the memtables the bytes of
// their entries in it (memTable.approxBytes). Versions and tombstones not yet compacted away count as the
// data they are. nil bounds are open.
func (d *DB) EstimateDiskUsage(lo, hi []byte) uint64 {
	d.mu.Lock()
	v := d.mu.version
	v.ref()
	mems := append([]*memTable{d.mu.mem}, d.mu.imms...)
	var files []*fileMeta
	for level := range numLevels {
		files = append(files, v.overlapping(level, lo, hi)...)
	}
	d.mu.Unlock()
	defer v.unref()
	var n uint64
	for _, m := range mems {
		n += m.approxBytes(lo, hi)
	}
	for _, f := range files {
		inside := (lo == nil || bytes.Compare(f.smallestUser(), lo) >= 0) &&
			(hi == nil || bytes.Compare(f.largestUser(), hi) < 0)
		if inside {
			n += f.size
			continue
		}
		r, err := d.tables.get(f)
		if err != nil {
			continue // an estimate: a table that cannot be read counts nothing
		}
		start, end := uint64(0), f.size
		if lo != nil {
			start = r.ApproximateOffset(lo)
		}
		if hi != nil {
			end = r.ApproximateOffset(hi)
		}
		if end > start {
			n += end - start
		}
	}
	return n
}
