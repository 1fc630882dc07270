package lsm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/lsm/sstable"
)

// compaction is a picked unit of background work: merge inputs[0] (from
// level) with the overlapping inputs[1] (from level+1) into level+1. A
// manual compaction of the last level rewrites it in place (output = level,
// no inputs[1]) to drop what no snapshot needs.
type compaction struct {
	level       int
	inPlace     bool
	inputs      [2][]*fileMeta
	bottommost  bool
	trivialMove bool
	// done, if set, cancels the compaction when closed (a manual
	// compaction's context), as closing the DB cancels any.
	done <-chan struct{}
}

func (c *compaction) outputLevel() int {
	if c.inPlace {
		return c.level
	}
	return c.level + 1
}

func (c *compaction) allInputs() []*fileMeta {
	return append(slices.Clone(c.inputs[0]), c.inputs[1]...)
}

// keyRange returns the user-key range [lo, hi] spanned by files.
func keyRange(files []*fileMeta) (lo, hi []byte) {
	for _, f := range files {
		if lo == nil || bytes.Compare(f.smallestUser(), lo) < 0 {
			lo = f.smallestUser()
		}
		if hi == nil || bytes.Compare(f.largestUser(), hi) > 0 {
			hi = f.largestUser()
		}
	}
	return lo, hi
}

func (d *DB) maxBytesForLevel(level int) float64 {
	b := float64(d.opts.LBaseMaxBytes)
	for l := 1; l < level; l++ {
		b *= float64(d.opts.LevelMultiplier)
	}
	return b
}

// pickCompactionLocked chooses the level most over its budget. L0 is scored
// by file count (each L0 table is another place every read must look) or,
// when higher, by the reads its tables have cost (l0Reads against
// l0ReadBudget); the others by bytes.
func (d *DB) pickCompactionLocked() *compaction {
	if d.mu.compacting || d.mu.closed || d.mu.bgErr != nil || d.opts.ReadOnly {
		return nil
	}
	v := d.mu.version
	bestLevel, bestScore := -1, 1.0
	for level := 0; level < numLevels-1; level++ {
		var score float64
		if level == 0 {
			score = float64(len(v.levels[0])) / float64(d.opts.L0CompactionThreshold)
			if b := d.l0ReadBudget.Load(); b > 0 && len(v.levels[0]) > 0 {
				score = max(score, float64(d.l0Reads.Load())/float64(b))
			}
		} else {
			score = float64(levelBytes(v.levels[level])) / d.maxBytesForLevel(level)
		}
		if score >= bestScore {
			bestLevel, bestScore = level, score
		}
	}
	if bestLevel < 0 {
		return nil
	}
	c := &compaction{level: bestLevel}
	if bestLevel == 0 {
		c.inputs[0] = slices.Clone(v.levels[0])
	} else {
		files := v.levels[bestLevel]
		ptr := d.mu.compactPointer[bestLevel]
		pick := files[0]
		for _, f := range files {
			if ptr == nil || bytes.Compare(f.smallestUser(), ptr) > 0 {
				pick = f
				break
			}
		}
		c.inputs[0] = []*fileMeta{pick}
	}
	d.finishPickLocked(c)
	return c
}

// finishPickLocked adds the overlapping files of the output level and
// decides whether the compaction is a trivial move and bottommost.
func (d *DB) finishPickLocked(c *compaction) {
	v := d.mu.version
	lo, hi := keyRange(c.inputs[0])
	if !c.inPlace {
		c.inputs[1] = v.overlapping(c.outputLevel(), lo, hi)
	}
	lo, hi = keyRange(c.allInputs())
	c.bottommost = true
	for level := c.outputLevel() + 1; level < numLevels; level++ {
		if len(v.overlapping(level, lo, hi)) > 0 {
			c.bottommost = false
		}
	}
	// Moving one table down without rewriting it keeps it intact, which is
	// only right when nothing it could shadow or be shadowed by is merged.
	c.trivialMove = len(c.inputs[0]) == 1 && len(c.inputs[1]) == 0 &&
		(c.level > 0 || len(v.levels[0]) == 1)
}

func (d *DB) maybeScheduleCompaction() {
	select {
	case d.wakeCompact <- struct{}{}:
	default:
	}
}

func (d *DB) maybeScheduleCompactionLocked() { d.maybeScheduleCompaction() }

func (d *DB) compactLoop() {
	defer d.bgWG.Done()
	for {
		select {
		case <-d.closing:
			return
		case <-d.wakeCompact:
		}
		for {
			if d.opts.DisableAutoCompactions {
				break
			}
			d.mu.Lock()
			c := d.pickCompactionLocked()
			if c != nil {
				d.markCompactingLocked(c, true)
			}
			d.mu.Unlock()
			if c == nil {
				break
			}
			err := d.runCompaction(c)
			d.mu.Lock()
			d.markCompactingLocked(c, false)
			if errors.Is(err, errCompactionCanceled) {
				d.mu.Unlock()
				return
			}
			if err != nil {
				d.failLocked(fmt.Errorf("compaction: %w", err))
			}
			d.bgCond.Broadcast()
			d.mu.Unlock()
			d.deleteObsoleteFiles(false)
			if err != nil {
				break
			}
			select {
			case <-d.closing:
				return
			default:
			}
		}
	}
}

func (d *DB) markCompactingLocked(c *compaction, on bool) {
	d.mu.compacting = on
	for _, f := range c.allInputs() {
		f.compacting = on
	}
}

// runCompaction performs c and installs its result.
func (d *DB) runCompaction(c *compaction) error {
	ve := &versionEdit{}
	for i, files := range c.inputs {
		for _, f := range files {
			ve.deleted = append(ve.deleted, deletedFile{c.level + i, f.num})
		}
	}
	_, hi := keyRange(c.inputs[0])
	if c.trivialMove {
		f := c.inputs[0][0]
		ve.added = append(ve.added, newFile{c.outputLevel(), f})
		d.metrics.trivialMoves.Add(1)
	} else {
		d.mu.Lock()
		snaps := d.snapshotSeqsLocked()
		filter, release := d.startFilter(c.bottommost, d.mu.version, c.level, c.allInputs())
		d.mu.Unlock()
		var iters []ikey.Iterator
		var tombs []ikey.Tombstone
		closeIters := func() {
			for _, it := range iters {
				it.Close()
			}
		}
		for _, f := range c.allInputs() {
			r, err := d.tables.get(f)
			if err != nil {
				closeIters()
				if release != nil {
					release()
				}
				return err
			}
			iters = append(iters, r.NewIter(nil, nil))
			if f.hasRangeDels {
				tombs = append(tombs, r.Tombstones()...)
			}
		}
		ci := &compactionIter{
			iter:       newMergingIter(iters),
			frags:      fragmentTombstones(tombs),
			snapshots:  snaps,
			bottommost: c.bottommost,
			filter:     filter,
			release:    release,
			cancel:     d.closing,
			done:       c.done,
		}
		outputs, err := d.writeTables(ci, d.opts.TargetFileSize)
		closeIters()
		if err != nil {
			return err
		}
		for _, m := range outputs {
			ve.added = append(ve.added, newFile{c.outputLevel(), m})
		}
		defer d.releasePending(outputs)
		d.metrics.compactions.Add(1)
		for _, f := range c.allInputs() {
			d.metrics.compactedBytesIn.Add(f.size)
		}
		for _, m := range outputs {
			d.metrics.compactedBytesOut.Add(m.size)
		}
	}
	d.manifestMu.Lock()
	defer d.manifestMu.Unlock()
	return d.logAndApply(ve, func() {
		d.mu.compactPointer[c.level] = bytes.Clone(hi)
		if c.level == 0 {
			d.l0Reads.Store(0)
		}
	})
}

// seekCostBytes is how many bytes of compaction one table read is taken
// to be worth: LevelDB's estimate for its seek-triggered compactions (a
// seek costs about what compacting 40 KB does; it allows one per 16 KB
// to be conservative).
const seekCostBytes = 16 << 10

// l0ReadBudget is how many wasted L0 table reads pay for compacting v's L0
// into the level below: the bytes that compaction rewrites, at
// seekCostBytes per read, and at least 100 (LevelDB's floor). 0 when L0 is
// empty.
//
// Why: L0 is compacted when it holds L0CompactionThreshold tables, so up
// to one fewer can stay there for as long as no more writes come, and
// every range read and every point read their filters let through reads
// each of them. After a bulk load a read-mostly store would pay that
// forever; counting what the reads pay compacts L0 once they have paid
// about what the compaction costs, as LevelDB's seek compaction and
// Pebble's read-triggered compaction do.
func l0ReadBudget(v *version) int64 {
	if len(v.levels[0]) == 0 {
		return 0
	}
	lo, hi := keyRange(v.levels[0])
	n := levelBytes(v.levels[0]) + levelBytes(v.overlapping(1, lo, hi))
	return max(100, int64(n/seekCostBytes))
}

// chargeL0Reads counts n L0 table reads made by a positioning read that
// also read another table, and wakes the compaction loop when they reach
// the budget.
func (d *DB) chargeL0Reads(n int) {
	b := d.l0ReadBudget.Load()
	if b == 0 {
		return
	}
	if v := d.l0Reads.Add(int64(n)); v >= b && v-int64(n) < b {
		d.maybeScheduleCompaction()
	}
}

func (d *DB) releasePending(files []*fileMeta) {
	d.mu.Lock()
	for _, f := range files {
		delete(d.mu.pendingOutputs, f.num)
	}
	d.mu.Unlock()
}

// writeTables writes what ci keeps into new tables, cut at user-key
// boundaries once a table reaches targetSize (0: one table). Range
// tombstones are clipped to each table's share of the key space so the
// tables' bounds do not overlap. The tables are synced and their directory
// entries made durable before this returns; they stay in pendingOutputs
// until the caller releases them.
func (d *DB) writeTables(ci *compactionIter, targetSize int64) (_ []*fileMeta, err error) {
	if ci.release != nil {
		defer ci.release()
	}
	if f, ok := ci.filter.(interface{ Finish() }); ok {
		defer f.Finish()
	}
	var (
		outputs []*fileMeta
		w       *sstable.Writer
		num     uint64
		lo      []byte // lower clip of the current table's tombstones
		last    []byte // user key of the last entry added
	)
	defer func() {
		if err != nil {
			for _, m := range outputs {
				d.fs.Remove(d.path(tableName(m.num)))
			}
			d.releasePending(outputs)
		}
	}()
	var tombs []ikey.Tombstone
	open := func() error {
		d.mu.Lock()
		num = d.allocFileNumLocked()
		d.mu.pendingOutputs[num] = true
		d.mu.Unlock()
		f, err := d.fs.Create(d.path(tableName(num)))
		if err != nil {
			d.releasePending([]*fileMeta{{num: num}})
			return fmt.Errorf("create table: %w", err)
		}
		w = sstable.NewWriter(f, sstable.WriterOptions{
			BlockSize:       d.opts.BlockSize,
			RestartInterval: 16,
			BloomBitsPerKey: d.opts.BloomBitsPerKey,
			Compression:     d.opts.Compression.sstable(),
			Split:           d.opts.Split,
		})
		return nil
	}
	finish := func(hi []byte) error {
		for _, t := range clipTombstones(tombs, lo, hi) {
			if err := w.AddTombstone(t); err != nil {
				return err
			}
		}
		meta, err := w.Close()
		w = nil
		if err != nil {
			d.fs.Remove(d.path(tableName(num)))
			d.releasePending([]*fileMeta{{num: num}})
			return fmt.Errorf("write table %s: %w", tableName(num), err)
		}
		if meta.NumEntries+meta.NumTombstones == 0 {
			d.fs.Remove(d.path(tableName(num)))
			d.releasePending([]*fileMeta{{num: num}})
			return nil
		}
		outputs = append(outputs, &fileMeta{
			num:          num,
			size:         meta.Size,
			smallest:     meta.Smallest,
			largest:      meta.Largest,
			smallestSeq:  meta.SmallestSeq,
			largestSeq:   meta.LargestSeq,
			hasRangeDels: meta.NumTombstones > 0,
		})
		return nil
	}
	for n := 1; ci.next(); n++ {
		if n%yieldEvery == 0 {
			runtime.Gosched()
		}
		k := ci.iter.Key()
		u := ikey.UserKey(k)
		if w != nil && targetSize > 0 && int64(w.EstimatedSize()) >= targetSize && !d.samePrefix(u, last) {
			hi := bytes.Clone(u)
			if err := finish(hi); err != nil {
				return nil, err
			}
			lo = hi
		}
		if w == nil {
			if tombs == nil {
				tombs = ci.tombstones()
			}
			if err := open(); err != nil {
				return nil, err
			}
		}
		if err := w.Add(k, ci.iter.Value()); err != nil {
			return nil, err
		}
		last = append(last[:0], u...)
	}
	if ci.err != nil {
		if w != nil {
			w.Close()
			d.fs.Remove(d.path(tableName(num)))
			d.releasePending([]*fileMeta{{num: num}})
		}
		return nil, ci.err
	}
	if w == nil {
		tombs = ci.tombstones()
		if len(tombs) == 0 {
			return nil, nil
		}
		if err := open(); err != nil {
			return nil, err
		}
	}
	if err := finish(nil); err != nil {
		return nil, err
	}
	if err := d.fs.SyncDir(d.dir); err != nil {
		return nil, fmt.Errorf("sync %s: %w", d.dir, err)
	}
	return outputs, nil
}

// writeL0 flushes a memtable into one L0 table; nil if nothing survives.
// bottommost says that nothing older than m exists anywhere, so its
// tombstones hide nothing and can go; filter and release are the
// compaction filter's run (startFilter).
func (d *DB) writeL0(m *memTable, snaps []ikey.SeqNum, bottommost bool, filter CompactionFilterRun, release func()) (*fileMeta, error) {
	ci := &compactionIter{
		iter:       m.newIter(),
		frags:      fragmentTombstones(m.tombstones()),
		snapshots:  snaps,
		bottommost: bottommost,
		filter:     filter,
		release:    release,
	}
	outs, err := d.writeTables(ci, 0)
	if err != nil {
		return nil, err
	}
	if len(outs) == 0 {
		return nil, nil
	}
	return outs[0], nil
}

func (d *DB) flushLoop() {
	defer d.bgWG.Done()
	for {
		select {
		case <-d.closing:
			return
		case <-d.wakeFlush:
		}
		for d.flushOne() {
			select {
			case <-d.closing:
				return
			default:
			}
		}
		d.prepareSpareArena()
	}
}

// prepareSpareArena makes the arena of the next memtable, if there is
// none, after a flush: the writes that filled the memtable frozen last
// are likely to fill the next one too. Go zeroes what it allocates, which
// for a 64 MiB arena is a visible pause; here it is paid off the commit
// path. It is the memory of one more memtable, which the flushed one has
// just given back.
func (d *DB) prepareSpareArena() {
	n := memArenaSize(int(d.opts.MemTableSize))
	d.mu.Lock()
	need := d.mu.spareArena == nil && !d.mu.closed
	d.mu.Unlock()
	if !need {
		return
	}
	a := make([]byte, n)
	d.mu.Lock()
	if d.mu.spareArena == nil && !d.mu.closed {
		d.mu.spareArena = a
	}
	d.mu.Unlock()
}

// flushOne writes the oldest frozen memtable to L0. It reports whether it
// did any work.
func (d *DB) flushOne() bool {
	d.mu.Lock()
	if d.mu.closed || d.mu.bgErr != nil || len(d.mu.imms) == 0 {
		d.mu.Unlock()
		return false
	}
	m := d.mu.imms[0]
	snaps := d.snapshotSeqsLocked()
	d.mu.flushing = true
	// m is the oldest memtable: with no tables, nothing older exists.
	bottommost := lastNonEmpty(d.mu.version) < 0
	// Everything older than m is in the current version's tables.
	filter, release := d.startFilter(bottommost, d.mu.version, 0, nil)
	d.mu.Unlock()

	meta, err := d.writeL0(m, snaps, bottommost, filter, release)
	if err == nil {
		d.manifestMu.Lock()
		ve := &versionEdit{}
		if meta != nil {
			ve.added = append(ve.added, newFile{0, meta})
		}
		d.mu.Lock()
		logNum := d.mu.mem.walNum
		if len(d.mu.imms) > 1 {
			logNum = d.mu.imms[1].walNum
		}
		d.mu.Unlock()
		ve.hasLogNum, ve.logNum = true, logNum
		err = d.logAndApply(ve, func() {
			d.mu.imms = d.mu.imms[1:]
			d.mu.flushSeq++
		})
		d.manifestMu.Unlock()
		if meta != nil {
			d.releasePending([]*fileMeta{meta})
		}
	}
	d.mu.Lock()
	d.mu.flushing = false
	if err != nil {
		d.failLocked(fmt.Errorf("flush: %w", err))
	}
	d.bgCond.Broadcast()
	d.mu.Unlock()
	if err != nil {
		return false
	}
	d.metrics.flushes.Add(1)
	d.deleteObsoleteFiles(false)
	d.maybeScheduleCompaction()
	return true
}

// Flush freezes the memtable and waits until every frozen memtable is
// written to L0.
func (d *DB) Flush() error {
	unlockCommits := d.lockCommits()
	d.mu.Lock()
	if err := d.checkWritableLocked(); err != nil {
		d.mu.Unlock()
		unlockCommits()
		return err
	}
	if !d.mu.mem.empty() {
		if err := d.rotateMemLocked(); err != nil {
			d.mu.Unlock()
			unlockCommits()
			return err
		}
	}
	target := d.mu.flushSeq + uint64(len(d.mu.imms))
	unlockCommits()
	defer d.mu.Unlock()
	for d.mu.flushSeq < target {
		if err := d.checkWritableLocked(); err != nil {
			return err
		}
		select {
		case d.wakeFlush <- struct{}{}:
		default:
		}
		d.bgCond.Wait()
	}
	return nil
}

// Compact flushes, then merges every table overlapping [lo, hi] (user keys,
// nil = unbounded) down level by level to the deepest non-empty level,
// which it rewrites too: afterwards the range holds no version, tombstone
// or deleted key that no snapshot needs. Ending ctx stops it between
// levels or within one (the level's work is dropped, the tables stay as
// they were) with ctx's error.
func (d *DB) Compact(ctx context.Context, lo, hi []byte) error {
	// Close waits for manual compactions (they run on the caller's
	// goroutine) before it closes the tables they read.
	d.mu.Lock()
	if d.mu.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	d.mu.manualCompactions++
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.mu.manualCompactions--
		d.bgCond.Broadcast()
		d.mu.Unlock()
	}()
	if err := d.Flush(); err != nil {
		return err
	}
	d.mu.Lock()
	last := lastNonEmpty(d.mu.version)
	d.mu.Unlock()
	for level := 0; level <= last; level++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		d.mu.Lock()
		for d.mu.compacting && d.mu.bgErr == nil && !d.mu.closed {
			d.bgCond.Wait()
		}
		if err := d.checkWritableLocked(); err != nil {
			d.mu.Unlock()
			return err
		}
		inputs := d.mu.version.overlapping(level, lo, hi)
		if len(inputs) == 0 {
			d.mu.Unlock()
			continue
		}
		if level == 0 {
			// L0 tables overlap each other in time; taking all of them
			// keeps older versions from landing above newer ones.
			inputs = slices.Clone(d.mu.version.levels[0])
		}
		// Everything goes down to the deepest non-empty level (at least L1),
		// and that level is rewritten in place.
		c := &compaction{level: level, inPlace: level > 0 && level == last, done: ctx.Done()}
		c.inputs[0] = inputs
		d.finishPickLocked(c)
		c.trivialMove = false
		d.markCompactingLocked(c, true)
		d.mu.Unlock()
		err := d.runCompaction(c)
		d.mu.Lock()
		d.markCompactingLocked(c, false)
		if errors.Is(err, errCompactionCanceled) {
			err = ErrClosed
			if ctx.Err() != nil {
				err = ctx.Err()
			}
		} else if err != nil {
			err = d.failLocked(fmt.Errorf("compaction: %w", err))
		}
		d.bgCond.Broadcast()
		d.mu.Unlock()
		d.deleteObsoleteFiles(false)
		if err != nil {
			return err
		}
	}
	return nil
}

func lastNonEmpty(v *version) int {
	for l := numLevels - 1; l >= 0; l-- {
		if len(v.levels[l]) > 0 {
			return l
		}
	}
	return -1
}

// startFilter begins a run of the compaction filter, if there is one, for
// a flush or compaction that reads inputs and whose older entries can
// otherwise only be in the tables of v at levels from and deeper (v is
// referenced until the run ends, so the caller holds d.mu while v is the
// current version; nil: anything may be older). The returned release ends
// the run's hold on v.
func (d *DB) startFilter(bottommost bool, v *version, from int, inputs []*fileMeta) (CompactionFilterRun, func()) {
	if d.opts.CompactionFilter == nil {
		return nil, nil
	}
	scope := &FilterScope{Bottommost: bottommost, d: d, v: v, from: from}
	if v != nil {
		v.ref()
		scope.inputs = make(map[uint64]bool, len(inputs))
		for _, f := range inputs {
			scope.inputs[f.num] = true
		}
	}
	release := func() {
		if v != nil {
			v.unref()
		}
	}
	return d.opts.CompactionFilter.Start(scope), release
}

// FilterScope describes one flush or compaction to its CompactionFilter.
type FilterScope struct {
	// Bottommost reports that no older version of any key in the
	// output's range exists deeper in the tree, so dropping a deletion
	// marker cannot resurrect anything.
	Bottommost bool

	d      *DB
	v      *version // nil: unknown
	from   int
	inputs map[uint64]bool
}

// MayHoldOlder reports whether a table outside the run may hold an entry
// whose user key has Split prefix prefix: only there can a version of
// that key older than the run's entries be (newer data sits in higher
// levels and the memtables; the run's own older entries pass through it).
// It looks at table bounds and prefix bloom filters, never at data, and
// answers true when unsure.
func (s *FilterScope) MayHoldOlder(prefix []byte) bool {
	if s == nil || s.v == nil {
		return true
	}
	for level := s.from; level < numLevels; level++ {
		files := s.v.levels[level]
		i := 0
		if level > 0 {
			// Sorted and disjoint: skip the files wholly before prefix.
			i = sort.Search(len(files), func(i int) bool {
				return bytes.Compare(files[i].largestUser(), prefix) >= 0
			})
		}
		for ; i < len(files); i++ {
			f := files[i]
			if bytes.Compare(f.smallestUser(), prefix) > 0 && !bytes.HasPrefix(f.smallestUser(), prefix) {
				if level > 0 {
					break
				}
				continue
			}
			if bytes.Compare(f.largestUser(), prefix) < 0 || s.inputs[f.num] {
				continue
			}
			r, err := s.d.tables.get(f)
			if err != nil || r.MayContainPrefix(prefix) {
				return true
			}
		}
	}
	return false
}

// samePrefix reports whether two user keys share their Split prefix (are
// versions of one logical key of the layer above).
func (d *DB) samePrefix(a, b []byte) bool {
	if d.opts.Split == nil {
		return bytes.Equal(a, b)
	}
	pa, pb := d.opts.Split(a), d.opts.Split(b)
	return bytes.Equal(a[:pa], b[:pb])
}

// yieldEvery is how many entries a flush or compaction writes between
// yields of its processor (runtime.Gosched; some 50-100 us of work): it
// runs beside the writes, and without yielding keeps its processor until
// the scheduler preempts it, 10 ms on, while a writer's goroutine that
// it took the processor of waits (see fts's mergeCheckEvery).
const yieldEvery = 512
