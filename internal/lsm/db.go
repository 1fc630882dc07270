package lsm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/lsm/record"
	"github.com/cairndb/cairn/internal/lsm/sstable"
	"github.com/cairndb/cairn/internal/vfs"
)

var (
	// ErrNotFound is returned by Get for a key with no visible value.
	ErrNotFound = errors.New("lsm: not found")
	// ErrClosed is returned by operations on a closed store.
	ErrClosed = errors.New("lsm: store is closed")
	// ErrReadOnly is returned by writes to a store opened read-only.
	ErrReadOnly = errors.New("lsm: store is read-only")
	// ErrFailed wraps the I/O error that put the store into its failed,
	// read-only state. Nothing is acknowledged after it; reopen to recover.
	ErrFailed = errors.New("lsm: store failed")
)

var (
	walMagic      = record.WALMagic
	manifestMagic = record.ManifestMagic
)

// DB is an ordered, durable key/value store: a log-structured merge tree.
// All methods are safe for concurrent use.
type DB struct {
	dir    string
	opts   Options
	fs     vfs.FS
	lock   io.Closer
	cache  *sstable.Cache
	tables *tableCache

	// visibleSeq is the newest sequence number readers may see: every write
	// at or below it has been applied to the memtable.
	visibleSeq atomic.Uint64

	// commit serializes writers into groups; see commit.go.
	commit struct {
		sync.Mutex
		queue   []*writer
		nextSeq ikey.SeqNum
		wal     *record.Writer
		walFile vfs.File
		walNum  uint64
		// behindAt is the WAL's size when a sync behind was last
		// started (walSyncBehind).
		behindAt int64
	}

	// manifestMu serializes version changes and manifest writes.
	manifestMu sync.Mutex
	manifest   struct {
		w    *record.Writer
		f    vfs.File
		num  uint64
		size int64
	}

	// mu guards the tree's shape. Lock order: commit, manifestMu, mu.
	mu struct {
		sync.Mutex
		mem         *memTable
		imms        []*memTable // frozen, oldest first
		version     *version
		logNum      uint64 // WALs below this are obsolete
		nextFileNum uint64
		snapshots   []*Snapshot
		bgErr       error
		closed      bool
		flushing    bool
		compacting  bool
		// compactPointer per level: where the next Li compaction starts, so
		// compactions cycle through the key space.
		compactPointer [numLevels][]byte
		// flushSeq counts completed flushes; Flush waits on it.
		flushSeq uint64
		// pendingOutputs are tables being written by a flush or compaction:
		// on disk but not yet in a version, and not to be deleted.
		pendingOutputs map[uint64]bool
		// manualCompactions counts Compact calls in progress.
		manualCompactions int
		// spareArena is a zeroed arena for the next memtable, made by
		// the flush goroutine (prepareSpareArena) so that a rotation, on
		// the committing goroutine's path, does not zero 64 MiB itself.
		spareArena []byte
	}
	// bgCond is signalled (with mu) when a flush or compaction finishes,
	// on failure and on close.
	bgCond sync.Cond

	rsMu      sync.RWMutex
	readState *readState

	obsoleteMu     sync.Mutex
	obsolete       []*fileMeta
	obsoleteClosed bool

	wakeFlush   chan struct{}
	wakeCompact chan struct{}
	closing     chan struct{}
	bgWG        sync.WaitGroup

	metrics Metrics

	// l0Reads counts the L0 table reads that positioned iterators paid
	// for while also reading another table since L0 was last compacted:
	// reads that merging L0 down would save (see chargeL0Reads).
	// l0ReadBudget is how many such reads make that compaction worth its
	// cost; 0 while L0 is empty.
	l0Reads      atomic.Int64
	l0ReadBudget atomic.Int64
}

// Open opens (creating if needed) the store in dir and recovers it: it reads
// the manifest named by CURRENT, replays the WAL segments newer than the
// last flush, and writes what it recovered to an L0 table.
func Open(dir string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	d := &DB{dir: dir, opts: o, fs: o.FS}
	d.bgCond.L = &d.mu
	d.mu.pendingOutputs = map[uint64]bool{}
	d.wakeFlush = make(chan struct{}, 1)
	d.wakeCompact = make(chan struct{}, 1)
	d.closing = make(chan struct{})
	d.cache = o.Cache
	if d.cache == nil {
		d.cache = sstable.NewCache(o.CacheSize)
	}
	d.tables = newTableCache(d)

	if !o.ReadOnly {
		if err := d.fs.MkdirAll(dir); err != nil {
			return nil, fmt.Errorf("lsm: open %s: %w", dir, err)
		}
	}
	lock, err := d.fs.Lock(d.path(lockName))
	if err != nil {
		return nil, fmt.Errorf("lsm: open %s: %w", dir, err)
	}
	d.lock = lock
	if err := d.recover(); err != nil {
		d.tables.closeAll()
		lock.Close()
		return nil, err
	}
	if !o.ReadOnly {
		d.bgWG.Add(2)
		go d.flushLoop()
		go d.compactLoop()
		d.maybeScheduleCompaction()
	}
	return d, nil
}

// recover rebuilds the in-memory state from the files on disk.
func (d *DB) recover() error {
	names, err := d.fs.List(d.dir)
	if err != nil {
		return fmt.Errorf("lsm: open %s: %w", d.dir, err)
	}
	current, err := d.readCurrent()
	switch {
	case errors.Is(err, fs.ErrNotExist) && !d.opts.ReadOnly:
		// CURRENT is written before Open first returns and is only ever
		// replaced by a rename, so without it no write was ever
		// acknowledged: only a creation that crashed can have left files
		// (a manifest, a temp file). Tables or WALs mean a real store lost
		// its CURRENT, which needs a human, not a fresh start.
		for _, n := range names {
			if t, _ := parseFileName(n); t == fileTypeTable || t == fileTypeWAL {
				return fmt.Errorf("lsm: open %s: %s exists but %s does not: %w", d.dir, n, currentName, ikey.ErrCorruption)
			}
		}
		return d.create()
	case err != nil:
		return err
	}

	// Replay the manifest.
	v, edit, err := d.replayManifest(current)
	if err != nil {
		return err
	}
	v.onObsolete = d.addObsolete
	d.mu.version = v
	// Open every table now: a damaged footer, index, filter or range
	// deletion block fails Open, naming the file, rather than a read later.
	// (Data blocks are verified when read, and all of them by Check.)
	for _, files := range v.levels {
		for _, f := range files {
			if _, err := d.tables.get(f); err != nil {
				v.onObsolete = nil
				return err
			}
		}
	}
	d.mu.logNum = edit.logNum
	d.mu.nextFileNum = max(edit.nextFileNum, current+1)
	lastSeq := edit.lastSeq
	for _, n := range names {
		if _, num := parseFileName(n); num >= d.mu.nextFileNum {
			d.mu.nextFileNum = num + 1
		}
	}

	// Replay the WALs at or above logNum, oldest first.
	var wals []uint64
	for _, n := range names {
		if t, num := parseFileName(n); t == fileTypeWAL && num >= d.mu.logNum {
			wals = append(wals, num)
		}
	}
	slices.Sort(wals)
	var recovered []*memTable
	mem := newMemTable(0, int(d.opts.MemTableSize))
	for i, num := range wals {
		last := i == len(wals)-1
		s, err := d.replayWAL(num, last, &mem, &recovered)
		if err != nil {
			return err
		}
		lastSeq = max(lastSeq, s)
	}
	if !mem.empty() {
		recovered = append(recovered, mem)
	}
	d.commit.nextSeq = lastSeq + 1
	d.visibleSeq.Store(uint64(lastSeq))

	if d.opts.ReadOnly {
		// Serve the recovered writes from frozen memtables; write nothing.
		d.mu.mem = newMemTable(0, 0)
		d.mu.imms = recovered
		d.publishReadStateLocked()
		return nil
	}

	// Start a fresh WAL and manifest; write what the old WALs held to L0.
	// A torn WAL or manifest tail is never appended to: new files leave it
	// behind, and the old files are deleted once nothing needs them.
	walNum := d.allocFileNumLocked()
	if err := d.openWAL(walNum); err != nil {
		return err
	}
	d.mu.mem = newMemTable(walNum, int(d.opts.MemTableSize))
	ve := &versionEdit{}
	empty := lastNonEmpty(d.mu.version) < 0
	for i, m := range recovered {
		// Recovery writes several memtables before installing any: no
		// version holds everything older than one of them.
		filter, release := d.startFilter(empty && i == 0, nil, 0, nil)
		meta, err := d.writeL0(m, nil, empty && i == 0, filter, release)
		if err != nil {
			return err
		}
		if meta != nil {
			ve.added = append(ve.added, newFile{0, meta})
		}
	}
	ve.hasLogNum, ve.logNum = true, walNum
	if err := d.fs.SyncDir(d.dir); err != nil {
		return fmt.Errorf("lsm: sync %s: %w", d.dir, err)
	}
	nv, err := d.mu.version.apply(ve)
	if err != nil {
		return err
	}
	old := d.mu.version
	d.mu.version = nv
	d.mu.logNum = walNum
	if err := d.writeNewManifest(lastSeq); err != nil {
		return err
	}
	old.unref()
	d.publishReadStateLocked()
	d.deleteObsoleteFiles(true)
	return nil
}

// create initializes an empty store: the manifest and CURRENT first, then
// the WAL, so that a crash part way leaves no WAL without a CURRENT.
func (d *DB) create() error {
	v := &version{onObsolete: d.addObsolete}
	v.refs.Store(1)
	d.mu.version = v
	d.mu.nextFileNum = 1
	walNum := d.allocFileNumLocked()
	d.mu.logNum = walNum
	d.commit.nextSeq = 1
	if err := d.writeNewManifest(0); err != nil {
		return err
	}
	if err := d.openWAL(walNum); err != nil {
		return err
	}
	d.mu.mem = newMemTable(walNum, int(d.opts.MemTableSize))
	d.publishReadStateLocked()
	d.deleteObsoleteFiles(true)
	return nil
}

func (d *DB) readCurrent() (uint64, error) {
	f, err := d.fs.Open(d.path(currentName))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return 0, fmt.Errorf("lsm: read %s: %w", currentName, err)
	}
	if size > 64 {
		size = 64
	}
	buf := make([]byte, size)
	if _, err := f.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("lsm: read %s: %w", currentName, err)
	}
	name, ok := strings.CutSuffix(string(buf), "\n")
	t, num := parseFileName(name)
	if !ok || t != fileTypeManifest {
		return 0, fmt.Errorf("lsm: %s: offset 0: does not name a manifest (%q): %w", d.path(currentName), buf, ikey.ErrCorruption)
	}
	return num, nil
}

// replayManifest reads a manifest and returns the version it describes and
// the final counters (in an edit).
func (d *DB) replayManifest(num uint64) (*version, *versionEdit, error) {
	name := d.path(manifestName(num))
	f, err := d.fs.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("lsm: open manifest: %w", err)
	}
	defer f.Close()
	r, err := record.NewReader(f, name, manifestMagic)
	if err != nil {
		return nil, nil, fmt.Errorf("lsm: manifest: %w", err)
	}
	v := &version{}
	v.refs.Store(1)
	final := &versionEdit{}
	for {
		payload, off, err := r.Next()
		if errors.Is(err, io.EOF) || errors.Is(err, record.ErrTornTail) {
			// A torn manifest tail is an edit that was never synced, so
			// nothing acted on it.
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("lsm: manifest: %w", err)
		}
		var e versionEdit
		if err := e.decode(payload); err != nil {
			return nil, nil, fmt.Errorf("lsm: %s: offset %d: %w: %w", name, off, err, ikey.ErrCorruption)
		}
		nv, err := v.apply(&e)
		if err != nil {
			return nil, nil, fmt.Errorf("lsm: %s: offset %d: %w: %w", name, off, err, ikey.ErrCorruption)
		}
		v.unref()
		v = nv
		if e.hasLogNum {
			final.logNum = e.logNum
		}
		if e.hasNextFileNum {
			final.nextFileNum = e.nextFileNum
		}
		if e.hasLastSeq {
			final.lastSeq = e.lastSeq
		}
	}
	// Every table the manifest names must exist.
	for level, files := range v.levels {
		for _, fm := range files {
			if _, err := d.fs.Stat(d.path(tableName(fm.num))); err != nil {
				return nil, nil, fmt.Errorf("lsm: %s: L%d table %s is missing: %w: %w", name, level, tableName(fm.num), err, ikey.ErrCorruption)
			}
		}
	}
	return v, final, nil
}

// replayWAL applies one WAL segment to mem, freezing mem into recovered
// whenever it fills. It returns the largest sequence number seen.
func (d *DB) replayWAL(num uint64, last bool, memp **memTable, recovered *[]*memTable) (ikey.SeqNum, error) {
	name := d.path(walName(num))
	f, err := d.fs.Open(name)
	if err != nil {
		return 0, fmt.Errorf("lsm: open WAL: %w", err)
	}
	defer f.Close()
	var maxSeq ikey.SeqNum
	mem := *memp
	defer func() { *memp = mem }()
	r, err := record.NewReader(f, name, walMagic)
	if errors.Is(err, record.ErrTornTail) && last {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("lsm: WAL: %w", err)
	}
	for {
		payload, off, err := r.Next()
		if errors.Is(err, io.EOF) || unwritten(err) {
			break
		}
		if errors.Is(err, record.ErrTornTail) {
			if last {
				// The unfinished final write of a crash: it was never
				// acknowledged as durable, so recovery truncates it.
				d.opts.Logger.Info("lsm: truncating torn WAL tail", "file", name, "offset", off)
				break
			}
			return 0, fmt.Errorf("lsm: %s: offset %d: torn record in a WAL that is not the newest: %w", name, off, ikey.ErrCorruption)
		}
		if err != nil {
			return 0, fmt.Errorf("lsm: WAL: %w", err)
		}
		br, err := newBatchReader(payload)
		if err != nil {
			return 0, fmt.Errorf("lsm: %s: offset %d: %w: %w", name, off, err, ikey.ErrCorruption)
		}
		if int(br.count) > len(payload) {
			return 0, fmt.Errorf("lsm: %s: offset %d: batch claims %d entries in %d bytes: %w", name, off, br.count, len(payload), ikey.ErrCorruption)
		}
		if cost := len(payload) + int(br.count)*maxNodeOverhead; !mem.fits(cost) {
			if !mem.empty() {
				*recovered = append(*recovered, mem)
			}
			mem = newMemTable(0, max(int(d.opts.MemTableSize), cost))
		}
		seq := br.seq
		for {
			e, ok, err := br.next()
			if err != nil {
				return 0, fmt.Errorf("lsm: %s: offset %d: %w: %w", name, off, err, ikey.ErrCorruption)
			}
			if !ok {
				break
			}
			mem.add(e.key, seq, e.kind, e.value)
			maxSeq = max(maxSeq, seq)
			seq++
		}
	}
	return maxSeq, nil
}

// walPreallocation is the step in which a WAL's space is allocated ahead
// of its writes (record.Writer.Preallocate): a sixteenth of the memtable
// whose writes it holds, from 64 KiB to 4 MiB.
func walPreallocation(memTableSize int64) int64 {
	return min(max(memTableSize/16, 64<<10), 4<<20)
}

// unwritten reports whether err is the end of a log written into space
// allocated ahead: only zeros follow the last record.
func unwritten(err error) bool {
	var t *record.TornTailError
	return errors.As(err, &t) && t.Unwritten
}

// openWAL creates WAL segment num and makes its directory entry durable, so
// a synced write to it survives a crash.
func (d *DB) openWAL(num uint64) error {
	name := d.path(walName(num))
	f, err := d.fs.Create(name)
	if err != nil {
		return fmt.Errorf("lsm: create WAL: %w", err)
	}
	w, err := record.NewWriter(f, walMagic)
	if err == nil {
		w.Preallocate(walPreallocation(d.opts.MemTableSize))
		err = w.Sync()
	}
	if err == nil {
		err = d.fs.SyncDir(d.dir)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("lsm: create WAL %s: %w", name, err)
	}
	d.commit.wal, d.commit.walFile, d.commit.walNum, d.commit.behindAt = w, f, num, 0
	return nil
}

func (d *DB) allocFileNumLocked() uint64 {
	n := d.mu.nextFileNum
	d.mu.nextFileNum++
	return n
}

// Close stops background work, syncs the WAL and releases the store. Writes
// acknowledged before Close survive even if they were NoSync.
func (d *DB) Close() error {
	unlockCommits := d.lockCommits()
	d.mu.Lock()
	if d.mu.closed {
		d.mu.Unlock()
		unlockCommits()
		return ErrClosed
	}
	d.mu.closed = true
	d.mu.spareArena = nil
	bgErr := d.mu.bgErr
	d.bgCond.Broadcast()
	d.mu.Unlock()
	close(d.closing)
	// A store that failed did not sync its WAL since: writes acknowledged
	// without Sync may be lost, and Close must say so.
	err := bgErr
	if d.commit.wal != nil {
		if bgErr == nil {
			err = d.commit.wal.Sync()
		}
		if cerr := d.commit.wal.Close(); err == nil {
			err = cerr
		}
	}
	unlockCommits()
	d.bgWG.Wait()
	d.mu.Lock()
	for d.mu.manualCompactions > 0 {
		d.bgCond.Wait()
	}
	if err == nil && d.mu.bgErr != nil {
		err = d.mu.bgErr
	}
	d.mu.Unlock()

	d.manifestMu.Lock()
	if d.manifest.w != nil {
		d.manifest.w.Close()
	}
	d.manifestMu.Unlock()

	if !d.opts.ReadOnly && bgErr == nil {
		d.deleteObsoleteFiles(false)
	}
	// From here on, dropping the last references is the store shutting
	// down, not tables becoming obsolete.
	d.obsoleteMu.Lock()
	d.obsoleteClosed = true
	d.obsoleteMu.Unlock()
	d.rsMu.Lock()
	rs := d.readState
	d.readState = nil
	d.rsMu.Unlock()
	if rs != nil {
		rs.unref()
	}
	d.mu.Lock()
	if d.mu.version != nil {
		d.mu.version.unref()
	}
	d.mu.Unlock()
	d.tables.closeAll()
	if d.opts.Cache == nil {
		// The cache is ours alone; nothing else will read it.
		d.cache = nil
	}
	if lerr := d.lock.Close(); err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("lsm: close: %w", err)
	}
	return nil
}

// checkWritable returns the error a write should fail with, if any.
func (d *DB) checkWritableLocked() error {
	switch {
	case d.mu.closed:
		return ErrClosed
	case d.mu.bgErr != nil:
		return d.mu.bgErr
	case d.opts.ReadOnly:
		return ErrReadOnly
	}
	return nil
}

// failLocked puts the store into the failed state.
func (d *DB) failLocked(err error) error {
	if d.mu.bgErr == nil {
		d.mu.bgErr = fmt.Errorf("%w: %w", ErrFailed, err)
		d.opts.Logger.Error("lsm: store failed; it is read-only until reopened", "err", err)
		d.bgCond.Broadcast()
	}
	return d.mu.bgErr
}

// addObsolete queues a table that no version references for deletion.
func (d *DB) addObsolete(f *fileMeta) {
	d.obsoleteMu.Lock()
	if !d.obsoleteClosed {
		d.obsolete = append(d.obsolete, f)
	}
	d.obsoleteMu.Unlock()
}

// deleteObsoleteFiles removes tables no version references, WALs below
// logNum, stale manifests and temporary files. Failures are logged, not
// fatal: a leftover file is cleaned up at the next open.
func (d *DB) deleteObsoleteFiles(atOpen bool) {
	d.obsoleteMu.Lock()
	tables := d.obsolete
	d.obsolete = nil
	d.obsoleteMu.Unlock()
	for _, f := range tables {
		d.tables.evict(f.num)
		if err := d.fs.Remove(d.path(tableName(f.num))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.opts.Logger.Warn("lsm: remove obsolete table", "file", tableName(f.num), "err", err)
		}
	}

	d.manifestMu.Lock()
	manifestNum := d.manifest.num
	d.manifestMu.Unlock()
	d.mu.Lock()
	logNum := d.mu.logNum
	live := map[uint64]bool{}
	for _, files := range d.mu.version.levels {
		for _, f := range files {
			live[f.num] = true
		}
	}
	nextFileNum := d.mu.nextFileNum
	pending := maps.Clone(d.mu.pendingOutputs)
	d.mu.Unlock()

	names, err := d.fs.List(d.dir)
	if err != nil {
		return
	}
	for _, n := range names {
		t, num := parseFileName(n)
		remove := false
		switch t {
		case fileTypeWAL:
			remove = num < logNum
		case fileTypeManifest:
			remove = num < manifestNum
		case fileTypeTemp:
			remove = num < nextFileNum && !pending[num]
		case fileTypeTable:
			// Leftovers of a crashed flush or compaction. Only at open:
			// later, a table missing from the current version may still be
			// read through an older version, and refcounts delete it.
			remove = atOpen && !live[num] && !pending[num]
		}
		if remove {
			if err := d.fs.Remove(d.path(n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				d.opts.Logger.Warn("lsm: remove obsolete file", "file", n, "err", err)
			}
		}
	}
}

// Snapshot is a consistent, frozen view of the store at one sequence
// number. It pins the versions it can see against compaction. Close it when
// done.
type Snapshot struct {
	d      *DB
	seq    ikey.SeqNum
	closed bool
}

// NewSnapshot returns a snapshot of the store as of now.
func (d *DB) NewSnapshot() *Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := &Snapshot{d: d, seq: ikey.SeqNum(d.visibleSeq.Load())}
	d.mu.snapshots = append(d.mu.snapshots, s)
	return s
}

// Get returns the value of key as of the snapshot.
func (s *Snapshot) Get(key []byte) ([]byte, error) { return s.d.get(key, s.seq) }

// NewIter returns an iterator over the snapshot.
func (s *Snapshot) NewIter(o *IterOptions) *Iterator { return s.d.newIter(o, s.seq) }

// Seq returns the snapshot's sequence number.
func (s *Snapshot) Seq() uint64 { return uint64(s.seq) }

// Close releases the snapshot.
func (s *Snapshot) Close() error {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.d.mu.snapshots = slices.DeleteFunc(s.d.mu.snapshots, func(x *Snapshot) bool { return x == s })
	return nil
}

// snapshotSeqsLocked returns the live snapshots' sequence numbers, ascending.
func (d *DB) snapshotSeqsLocked() []ikey.SeqNum {
	seqs := make([]ikey.SeqNum, 0, len(d.mu.snapshots))
	for _, s := range d.mu.snapshots {
		seqs = append(seqs, s.seq)
	}
	slices.Sort(seqs)
	return slices.Compact(seqs)
}

// Get returns the newest value of key, or ErrNotFound.
func (d *DB) Get(key []byte) ([]byte, error) {
	return d.get(key, ikey.SeqNum(d.visibleSeq.Load()))
}

// NewIter returns an iterator over the current state of the store.
func (d *DB) NewIter(o *IterOptions) *Iterator {
	return d.newIter(o, ikey.SeqNum(d.visibleSeq.Load()))
}

// readState is what a reader needs, captured together: the memtables and
// the version. Holding a reference keeps the version's tables on disk.
type readState struct {
	mem     *memTable
	imms    []*memTable // oldest first
	version *version
	refs    atomic.Int32
}

func (rs *readState) unref() {
	if rs.refs.Add(-1) == 0 {
		rs.version.unref()
	}
}

// loadReadState returns the current read state with a reference held.
func (d *DB) loadReadState() *readState {
	d.rsMu.RLock()
	rs := d.readState
	if rs != nil {
		rs.refs.Add(1)
	}
	d.rsMu.RUnlock()
	return rs
}

// publishReadStateLocked installs a read state for the current memtables
// and version. Called with mu held whenever either changes.
func (d *DB) publishReadStateLocked() {
	rs := &readState{mem: d.mu.mem, imms: slices.Clone(d.mu.imms), version: d.mu.version}
	d.l0ReadBudget.Store(l0ReadBudget(rs.version))
	rs.version.ref()
	rs.refs.Store(1)
	d.rsMu.Lock()
	old := d.readState
	d.readState = rs
	d.rsMu.Unlock()
	if old != nil {
		old.unref()
	}
}

// get reads the newest version of key visible at seq. Sources are consulted
// newest first: memtables, L0 newest to oldest, then L1..L6. For any user
// key every source holds only versions older than those of the sources
// before it, which is what lets the search stop at the first hit.
func (d *DB) get(key []byte, seq ikey.SeqNum) ([]byte, error) {
	rs := d.loadReadState()
	if rs == nil {
		return nil, ErrClosed
	}
	defer rs.unref()
	var scratch [128]byte
	var tomb ikey.SeqNum // newest range tombstone covering key, seen so far
	found := func(s ikey.SeqNum, kind ikey.Kind, v []byte) ([]byte, error) {
		if kind != ikey.KindSet || s < tomb {
			return nil, ErrNotFound
		}
		return bytes.Clone(v), nil
	}
	for i := len(rs.imms); i >= 0; i-- {
		m := rs.mem
		if i < len(rs.imms) {
			m = rs.imms[i]
		}
		if ts := m.tombstones(); ts != nil {
			tomb = max(tomb, maxCoveringSeq(ts, key, seq))
		}
		if s, kind, v, ok := m.get(key, seq, scratch[:0]); ok {
			return found(s, kind, v)
		}
		if tomb != 0 {
			return nil, ErrNotFound
		}
	}
	v := rs.version
	search := func(f *fileMeta) ([]byte, bool, error) {
		r, err := d.tables.get(f)
		if err != nil {
			return nil, true, err
		}
		if f.hasRangeDels {
			tomb = max(tomb, maxCoveringSeq(r.Tombstones(), key, seq))
		}
		e, ok, err := r.Get(key, seq)
		if err != nil {
			return nil, true, err
		}
		if ok {
			val, err := found(e.Seq, e.Kind, e.Value)
			return val, true, err
		}
		if tomb != 0 {
			return nil, true, ErrNotFound
		}
		return nil, false, nil
	}
	for i := len(v.levels[0]) - 1; i >= 0; i-- {
		f := v.levels[0][i]
		if !f.containsUser(key) {
			continue
		}
		if val, done, err := search(f); done {
			return val, err
		}
	}
	for level := 1; level < numLevels; level++ {
		i := v.findFile(level, key)
		if i < 0 {
			continue
		}
		if val, done, err := search(v.levels[level][i]); done {
			return val, err
		}
	}
	return nil, ErrNotFound
}
