package mvcc

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/lsm"
)

// Defaults.
const (
	// DefaultTxnMemoryBudget bounds a transaction's buffered write set.
	DefaultTxnMemoryBudget = 512 << 20
	// leaseSize is how many timestamps one synced oracle write reserves.
	leaseSize = 1 << 20
	// MaxKeySize is the largest user key. The store allows more; this
	// leaves room for escaping and the timestamp.
	MaxKeySize = 64 << 10
	// entryOverhead is what one buffered write costs beyond its key and
	// value bytes (map entry, slices, undo record), for the budget.
	entryOverhead = 96
)

// Options configure a DB.
type Options struct {
	// LSM are the storage engine's options (file system, sizes...). Their
	// CompactionFilter is replaced by the MVCC garbage collector.
	LSM lsm.Options
	// TxnMemoryBudget bounds each transaction's write set in bytes;
	// default DefaultTxnMemoryBudget.
	TxnMemoryBudget int64
}

// DB is a multi-version transactional key/value store on an lsm.DB. All
// methods are safe for concurrent use; a Txn is used by one goroutine.
type DB struct {
	lsm  *lsm.DB
	opts Options
	// bigCommitKeys: see commitRecord.big.
	bigCommitKeys int

	// commit serializes validation and timestamp assignment. It is held
	// only for in-memory work (and, once per leaseSize commits, one synced
	// lease write), never across a transaction's own write to the store.
	commit struct {
		sync.Mutex
		nextTs   uint64 // next commit timestamp to hand out
		leaseEnd uint64 // every timestamp handed out is below it
		// recent are the commits newer than every active transaction's
		// read timestamp, ascending; lastWrite maps each key they wrote to
		// the newest such commit. Validation reads them.
		recent    []*commitRecord
		lastWrite map[string]uint64
	}
	clocks clocks // see clocks

	// batches holds the store batches of finished commits for reuse:
	// the store copies a batch into its log and memtable, so after
	// Apply its buffer is free, and a large commit would otherwise
	// allocate (and zero) its whole write set again.
	batches sync.Pool
	// writeSets holds the emptied write set maps of finished
	// transactions (up to maxPooledWriteSet keys) for reuse: a bulk
	// load's transaction of a thousand rows otherwise grows its map
	// from nothing, table split after table split, every time (in an
	// fts-build, a sixth of the inserting goroutine's CPU time).
	writeSets sync.Pool
	// big holds one batch buffer of more than maxPooledBatch bytes (up
	// to maxBigBatch) between commits, outside the pool, which a
	// collection empties: an fts merge commits 10-25 MB every second or
	// so of a bulk load, and a new buffer that size costs its page
	// faults each time (50-70 ms of the merge's commit on a VM). It is
	// the largest such buffer a commit gave back, so that the next large
	// commit likely fits in it.
	big atomic.Pointer[lsm.Batch]

	// active counts open transactions by read timestamp: the oldest is
	// the horizon for conflict bookkeeping and garbage collection.
	active struct {
		sync.Mutex
		readTs map[uint64]int
		closed bool
	}

	// vis tracks commits between timestamp assignment and the end of their
	// write to the store. watermark is the largest timestamp at or below
	// which every commit is applied (or failed): new snapshots read there.
	vis struct {
		sync.Mutex
		cond    sync.Cond
		pending []*pendingCommit // ascending ts
	}
	watermark atomic.Uint64

	gcStats struct {
		runs, dropped, tombstones atomic.Int64
	}

	// getIters are store iterators kept for point reads across
	// transactions while the store is unchanged (getIterator).
	getIters struct {
		sync.Mutex
		free []*lsm.Iterator
	}

	// locks are READ COMMITTED transactions' write locks: key -> holder.
	locks struct {
		sync.Mutex
		held    map[string]*Txn
		waiting int // transactions waiting for a lock
	}
}

// LockWaiters returns how many transactions are waiting for a row lock
// (READ COMMITTED writers queue behind the holder): tests wait for a
// writer to be queued instead of sleeping and hoping.
func (db *DB) LockWaiters() int {
	db.locks.Lock()
	defer db.locks.Unlock()
	return db.locks.waiting
}

type commitRecord struct {
	ts   uint64
	keys []string // sorted
	// big: the keys are too many to enter in lastWrite one by one (a
	// bulk load's thousands per commit cost more there than the rest of
	// the commit); validations search keys instead.
	big bool
}

// bigCommitKeys is the write set size from which a commit is big
// (DB.bigCommitKeys; tests lower it).
const bigCommitKeys = 512

type pendingCommit struct {
	ts   uint64
	done bool
}

// Open opens (creating if needed) the database in dir: it opens the
// storage engine with the MVCC garbage collector as its compaction filter
// and restores the timestamp oracle above every timestamp ever used.
func Open(dir string, opts *Options) (*DB, error) {
	db := &DB{bigCommitKeys: bigCommitKeys}
	if opts != nil {
		db.opts = *opts
	}
	if db.opts.TxnMemoryBudget <= 0 {
		db.opts.TxnMemoryBudget = DefaultTxnMemoryBudget
	}
	if db.opts.LSM.ReadOnly {
		return nil, errors.New("mvcc: read-only stores are not supported")
	}
	gc := &gcFilter{}
	lo := db.opts.LSM
	lo.CompactionFilter = gc
	lo.Split = splitLen
	l, err := lsm.Open(dir, &lo)
	if err != nil {
		return nil, fmt.Errorf("mvcc: %w", err)
	}
	db.lsm = l
	db.commit.lastWrite = map[string]uint64{}
	db.locks.held = map[string]*Txn{}
	db.active.readTs = map[uint64]int{}
	db.vis.cond.L = &db.vis.Mutex

	lease := uint64(1)
	switch v, err := l.Get(oracleKey); {
	case err == nil && len(v) == 8:
		lease = binary.BigEndian.Uint64(v)
	case err == nil:
		l.Close()
		return nil, fmt.Errorf("mvcc: oracle lease is %d bytes, want 8", len(v))
	case !errors.Is(err, lsm.ErrNotFound):
		l.Close()
		return nil, fmt.Errorf("mvcc: read oracle lease: %w", err)
	}
	// Every timestamp handed out before was below the lease, so all of the
	// store's versions are, and all of them are committed and applied.
	db.commit.nextTs = lease
	db.commit.leaseEnd = lease
	db.watermark.Store(lease - 1)
	if err := db.extendLeaseLocked(); err != nil {
		l.Close()
		return nil, err
	}
	gc.db.Store(db) // from here on compactions collect garbage
	return db, nil
}

// extendLeaseLocked reserves the next leaseSize timestamps with a synced
// write, so that after a crash the oracle restarts above all of them.
func (db *DB) extendLeaseLocked() error {
	end := db.commit.nextTs + leaseSize
	if err := db.lsm.Set(oracleKey, binary.BigEndian.AppendUint64(nil, end), lsm.Sync); err != nil {
		return fmt.Errorf("mvcc: write oracle lease: %w", err)
	}
	db.commit.leaseEnd = end
	return nil
}

// maxFreeGetIters bounds the point-read iterators kept for reuse.
const maxFreeGetIters = 16

// getIterator returns a store iterator for a transaction's point reads: a
// kept one if the store has not changed since it was made, or has only
// taken memtable writes, which a refresh brings it up to (building an
// iterator over every level costs more than a cached point read), else a
// new one.
func (db *DB) getIterator() *lsm.Iterator {
	db.getIters.Lock()
	for n := len(db.getIters.free); n > 0; n = len(db.getIters.free) {
		it := db.getIters.free[n-1]
		db.getIters.free = db.getIters.free[:n-1]
		if it.Current() || it.Refresh() {
			db.getIters.Unlock()
			return it
		}
		it.Close()
	}
	db.getIters.Unlock()
	return db.lsm.NewIter(nil)
}

// putIterator keeps a transaction's point-read iterator for reuse while it
// is current or can be refreshed (only memtable writes since it was
// made), and closes it otherwise.
func (db *DB) putIterator(it *lsm.Iterator) {
	if it.Current() || it.Reusable() {
		db.getIters.Lock()
		if len(db.getIters.free) < maxFreeGetIters {
			db.getIters.free = append(db.getIters.free, it)
			db.getIters.Unlock()
			return
		}
		db.getIters.Unlock()
	}
	it.Close()
}

// Close closes the store. Transactions still open fail afterwards.
func (db *DB) Close() error {
	db.active.Lock()
	db.active.closed = true
	db.active.Unlock()
	db.getIters.Lock()
	for _, it := range db.getIters.free {
		it.Close()
	}
	db.getIters.free = nil
	db.getIters.Unlock()
	if err := db.lsm.Close(); err != nil {
		return fmt.Errorf("mvcc: %w", err)
	}
	return nil
}

// CompactRange compacts the store's versions of the keys in [start, end)
// (nil: unbounded) down the levels: after a bulk delete (an fts merge
// folding postings into blocks), so reads stop stepping over the
// tombstones, and for VACUUM.
func (db *DB) CompactRange(ctx context.Context, start, end []byte) error {
	return db.lsm.Compact(ctx, storeBound(start), storeBound(end))
}

// ApproximateSize returns about how many bytes the keys in [start, end)
// take in the store, every version of them counted (nil bounds are
// open): lsm.DB.EstimateDiskUsage.
func (db *DB) ApproximateSize(start, end []byte) uint64 {
	return db.lsm.EstimateDiskUsage(storeBound(start), storeBound(end))
}

// storeBound is the store key that every version of user key k and of
// the keys after it sorts at or after, and those of the keys before it
// below: k's escaped form without its terminator (nil for nil).
func storeBound(k []byte) []byte {
	if k == nil {
		return nil
	}
	p := appendPrefix(nil, k)
	return p[:len(p)-2]
}

// LSM returns the underlying store, for maintenance (Flush, Compact,
// Metrics) and tests. Writing to it directly bypasses transactions.
func (db *DB) LSM() *lsm.DB { return db.lsm }

// Watermark returns the timestamp new transactions read at.
func (db *DB) Watermark() uint64 { return db.watermark.Load() }

// horizonLocked returns the oldest read timestamp of any open transaction,
// or the watermark if none is open: no transaction, open or future, reads
// below it. Called with active held.
func (db *DB) horizonLocked() uint64 {
	h := db.watermark.Load()
	for ts := range db.active.readTs {
		h = min(h, ts)
	}
	return h
}

func (db *DB) horizon() uint64 {
	db.active.Lock()
	defer db.active.Unlock()
	return db.horizonLocked()
}

func (db *DB) register() (uint64, error) {
	db.active.Lock()
	defer db.active.Unlock()
	if db.active.closed {
		return 0, ErrClosed
	}
	ts := db.watermark.Load()
	db.active.readTs[ts]++
	return ts, nil
}

func (db *DB) unregister(readTs uint64) {
	db.active.Lock()
	defer db.active.Unlock()
	if db.active.readTs[readTs]--; db.active.readTs[readTs] <= 0 {
		delete(db.active.readTs, readTs)
	}
}

// validateLocked checks t against the commits newer than its snapshot:
// first committer wins on every key t writes and, under SERIALIZABLE, on
// every key and range t read. With run, t's writes are its run alone,
// whose keys (each written from t's snapshot) keys holds in order.
func (db *DB) validateLocked(t *Txn, run bool, keys []string) error {
	// The big commits whose keys are not in lastWrite, and that can
	// conflict: those after beginTs, which every write's basis and every
	// read timestamp of t is at or above (a READ COMMITTED write's basis
	// may be older than the current snapshot, never older than beginTs).
	// Older ones stay in recent for the transactions that began before
	// them.
	var big []*commitRecord
	for _, c := range db.commit.recent {
		if c.big && c.ts > t.beginTs {
			big = append(big, c)
		}
	}
	if run {
		for _, k := range keys {
			if ts := db.commit.lastWrite[k]; ts > t.readTs {
				return &ConflictError{Key: []byte(k), Reason: "write-write", ts: ts}
			}
		}
		for _, c := range big {
			if k, ok := commonSortedKey(c.keys, keys); ok && c.ts > t.readTs {
				return &ConflictError{Key: []byte(k), Reason: "write-write", ts: c.ts}
			}
		}
	} else {
		for k, e := range t.writes {
			if ts := db.commit.lastWrite[k]; ts > e.basis {
				return &ConflictError{Key: []byte(k), Reason: "write-write", ts: ts}
			}
		}
		for _, c := range big {
			if k, ok := commonKey(c, t.writes, func(e bufEntry) bool { return c.ts > e.basis }); ok {
				return &ConflictError{Key: []byte(k), Reason: "write-write", ts: c.ts}
			}
		}
	}
	if t.opts.Isolation != Serializable {
		return nil
	}
	for k := range t.reads {
		if ts := db.commit.lastWrite[k]; ts > t.readTs {
			return &ConflictError{Key: []byte(k), Reason: "read-write", ts: ts}
		}
	}
	for _, c := range big {
		if c.ts <= t.readTs {
			continue
		}
		if k, ok := commonKey(c, t.reads, func(struct{}) bool { return true }); ok {
			return &ConflictError{Key: []byte(k), Reason: "read-write", ts: c.ts}
		}
	}
	if len(t.ranges) == 0 {
		return nil
	}
	recent := db.commit.recent
	i := sort.Search(len(recent), func(i int) bool { return recent[i].ts > t.readTs })
	for _, c := range recent[i:] {
		for _, r := range t.ranges {
			j := sort.SearchStrings(c.keys, string(r.start))
			if j < len(c.keys) && (r.end == nil || c.keys[j] < string(r.end)) {
				return &ConflictError{Key: []byte(c.keys[j]), Reason: "read-write", ts: c.ts}
			}
		}
	}
	return nil
}

// commonKey returns a key of the big commit c that set holds with conflict
// true of its entry. It walks the smaller side: c's keys probing the set,
// or the set's keys searched in c's sorted keys. A bulk load committing
// beside another bulk load would otherwise pay a binary search per key
// per commit.
func commonKey[V any](c *commitRecord, set map[string]V, conflict func(V) bool) (string, bool) {
	if len(c.keys) <= 8*len(set) {
		for _, k := range c.keys {
			if v, ok := set[k]; ok && conflict(v) {
				return k, true
			}
		}
		return "", false
	}
	for k, v := range set {
		if _, found := slices.BinarySearch(c.keys, k); found && conflict(v) {
			return k, true
		}
	}
	return "", false
}

// commonSortedKey returns a key both a and b (each in order) hold,
// searching the larger for the keys of the smaller.
func commonSortedKey(a, b []string) (string, bool) {
	if len(a) > len(b) {
		a, b = b, a
	}
	for _, k := range a {
		if _, found := slices.BinarySearch(b, k); found {
			return k, true
		}
	}
	return "", false
}

// recordLocked remembers a commit's write set for later validations and
// forgets the commits no open transaction can conflict with any more.
func (db *DB) recordLocked(ts uint64, keys []string) {
	big := len(keys) >= db.bigCommitKeys
	db.commit.recent = append(db.commit.recent, &commitRecord{ts: ts, keys: keys, big: big})
	if !big {
		for _, k := range keys {
			db.commit.lastWrite[k] = ts
		}
	}
	h := db.horizon()
	n := 0
	for n < len(db.commit.recent) && db.commit.recent[n].ts <= h {
		if c := db.commit.recent[n]; !c.big {
			for _, k := range c.keys {
				if db.commit.lastWrite[k] == c.ts {
					delete(db.commit.lastWrite, k)
				}
			}
		}
		n++
	}
	if n > 0 {
		db.commit.recent = slices.Delete(db.commit.recent, 0, n)
	}
}

// beginApplyLocked registers a commit timestamp as in flight. Called with
// commit held, so pending stays in timestamp order.
func (db *DB) beginApplyLocked(ts uint64) *pendingCommit {
	p := &pendingCommit{ts: ts}
	db.vis.Lock()
	db.vis.pending = append(db.vis.pending, p)
	db.vis.Unlock()
	return p
}

// finishApply marks a commit applied (or failed), advances the watermark
// over the finished prefix, and waits until the watermark covers ts: once
// Commit returns, every new transaction sees the commit.
func (db *DB) finishApply(p *pendingCommit) {
	db.vis.Lock()
	defer db.vis.Unlock()
	p.done = true
	n := 0
	for n < len(db.vis.pending) && db.vis.pending[n].done {
		n++
	}
	if n > 0 {
		db.watermark.Store(db.vis.pending[n-1].ts)
		db.vis.pending = slices.Delete(db.vis.pending, 0, n)
		db.vis.cond.Broadcast()
	}
	for db.watermark.Load() < p.ts {
		db.vis.cond.Wait()
	}
}

// waitVisible waits until the watermark reaches ts.
func (db *DB) waitVisible(ts uint64) {
	if db.watermark.Load() >= ts {
		return
	}
	db.vis.Lock()
	defer db.vis.Unlock()
	for db.watermark.Load() < ts {
		db.vis.cond.Wait()
	}
}

// GCStats reports what the garbage collector did: compaction runs that
// collected, versions dropped, and tombstones among them.
func (db *DB) GCStats() (runs, dropped, tombstones int64) {
	return db.gcStats.runs.Load(), db.gcStats.dropped.Load(), db.gcStats.tombstones.Load()
}

// gcFilter is the storage engine's compaction filter: the MVCC garbage
// collector. It is installed before the DB is ready (recovery flushes run
// inside lsm.Open) and keeps everything until then.
type gcFilter struct {
	db atomic.Pointer[DB]
}

func (f *gcFilter) Start(scope *lsm.FilterScope) lsm.CompactionFilterRun {
	db := f.db.Load()
	if db == nil {
		return keepAll{}
	}
	db.gcStats.runs.Add(1)
	return &gcRun{db: db, snaps: db.gcSnapshots(), scope: scope}
}

// gcSnapshots returns the read timestamps of the open transactions and
// the watermark, ascending: every read, now or in the future, is at one
// of them or above the watermark.
func (db *DB) gcSnapshots() []uint64 {
	db.active.Lock()
	defer db.active.Unlock()
	w := db.watermark.Load()
	snaps := []uint64{w}
	for ts := range db.active.readTs {
		snaps = append(snaps, ts)
	}
	slices.Sort(snaps)
	return slices.Compact(snaps)
}

type keepAll struct{}

func (keepAll) Drop([]byte, []byte, bool) bool { return false }

// gcRun sees one flush's or compaction's entries in key order, so the
// versions of each user key arrive together, newest first. The snapshots
// (open read timestamps and the watermark) cut time into stripes; within
// a stripe only the newest version can be read by anyone, so it keeps
// that one and drops the rest. Versions above the watermark are all kept:
// commits still being applied, and snapshots yet to begin, sit there. The
// newest version of the oldest stripe is itself dropped when it is a
// tombstone with nothing older anywhere in the store: then it hides
// nothing.
type gcRun struct {
	db     *DB
	snaps  []uint64 // ascending; the last is the watermark
	prefix []byte
	stripe int // stripe of the last kept version of prefix, or -1
	scope  *lsm.FilterScope
}

func (r *gcRun) Drop(key, value []byte, isDelete bool) bool {
	p, ts, ok := splitKey(key)
	if !ok || isDelete {
		return false
	}
	if !bytes.Equal(p, r.prefix) {
		r.prefix = append(r.prefix[:0], p...)
		r.stripe = -1
	}
	if ts > r.snaps[len(r.snaps)-1] {
		return false
	}
	st := sort.Search(len(r.snaps), func(i int) bool { return r.snaps[i] >= ts })
	if st == r.stripe {
		r.db.gcStats.dropped.Add(1)
		return true
	}
	r.stripe = st
	if st == 0 && len(value) > 0 && value[0] == tagTombstone && !r.olderVersionExists(p, ts) {
		r.db.gcStats.dropped.Add(1)
		r.db.gcStats.tombstones.Add(1)
		return true
	}
	return false
}

// olderVersionExists reports whether the store may hold a version of
// prefix p older than ts. The storage engine's own "bottommost" flag
// cannot answer this: it compares store keys, and the versions of one
// user key are different store keys that a table boundary can separate
// (doc.go). Older versions in this very run are in the tombstone's stripe
// and dropped with it; anywhere else they are in a table outside the run,
// which the scope rules out by bounds and bloom filters. When unsure, it
// answers yes.
func (r *gcRun) olderVersionExists(p []byte, ts uint64) bool {
	if ts == 0 {
		return false
	}
	return r.scope.MayHoldOlder(p)
}
