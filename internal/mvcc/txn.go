package mvcc

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/cairndb/cairn/internal/lsm"
)

// Isolation is a transaction's isolation level.
type Isolation uint8

const (
	// SnapshotIsolation (the default) reads a snapshot and makes the first
	// committer win on write/write conflicts. PostgreSQL calls it
	// REPEATABLE READ.
	SnapshotIsolation Isolation = iota
	// Serializable also validates, at commit, every key and range the
	// transaction read against the commits since its snapshot.
	Serializable
	// ReadCommitted takes a new snapshot for every statement (Refresh) and
	// locks the keys it writes: a writer that meets another transaction's
	// lock waits for it to finish, and if it committed a newer version the
	// write fails with ErrRestartStatement, so that the statement runs
	// again on a snapshot that sees it (PostgreSQL's READ COMMITTED,
	// where a concurrent update waits instead of failing).
	ReadCommitted
)

func (i Isolation) String() string {
	switch i {
	case Serializable:
		return "SERIALIZABLE"
	case ReadCommitted:
		return "READ COMMITTED"
	}
	return "SNAPSHOT"
}

// TxnOptions configure a transaction. The zero value is a read-write,
// snapshot-isolation transaction whose commit is synced.
type TxnOptions struct {
	Isolation Isolation
	// ReadOnly transactions refuse writes, track no read set and never
	// conflict.
	ReadOnly bool
	// NoSync acknowledges the commit before it is durable: a crash may
	// lose it (never half of it, and never it without the commits it read).
	NoSync bool
	// MemoryBudget, if positive, replaces the store's TxnMemoryBudget for
	// this transaction (maintenance work such as an index merge).
	MemoryBudget int64
}

// bufEntry is a buffered write.
type bufEntry struct {
	value []byte
	// later, if set, is the value still being made (PutLater): value is
	// nil until the transaction needs it and takes it from later.
	later *Later
	tomb  bool
	// basis is the snapshot the write was made from: under READ
	// COMMITTED the statement's, else the transaction's read timestamp.
	// A commit of the key after it is a write-write conflict.
	basis uint64
}

// size is what the write set counts for e's value.
func (e bufEntry) size() int64 {
	if e.later != nil {
		return e.later.size
	}
	return int64(len(e.value))
}

// undoEntry restores one buffered key on ROLLBACK TO SAVEPOINT.
type undoEntry struct {
	key  string
	prev bufEntry
	had  bool
}

// runWrite is a write of PutRun: a nil value deletes.
type runWrite struct{ key, value []byte }

// cost is what the write set counts for w before it is entered.
func (w runWrite) cost() int64 { return int64(len(w.key)+len(w.value)) + entryOverhead }

type keyRange struct{ start, end []byte } // end nil: unbounded

// Txn is a transaction: it reads the snapshot at its read timestamp plus
// its own writes, and buffers its writes until Commit. A Txn is not safe
// for concurrent use.
type Txn struct {
	db       *DB
	opts     TxnOptions
	readTs   uint64
	beginTs  uint64 // the registered read timestamp (readTs moves under READ COMMITTED)
	commitTs uint64
	done     bool

	// READ COMMITTED write locks (locks.go).
	locked     []string        // keys this transaction holds locks on
	waitingFor *Txn            // the holder it waits for (under db.locks)
	released   chan struct{}   // closed when it finishes, waking waiters
	waitCtx    context.Context // bounds lock waits (SetContext)

	writes map[string]bufEntry
	keys   []string // sorted buffered keys (may hold keys since removed)
	added  []string // buffered keys not yet merged into keys
	// addedSorted: added[:addedSorted] is in order (added is appended
	// to, and put in order when a scan or a merge needs it).
	addedSorted int
	stale       bool // keys or added hold removed keys
	// run holds the writes of PutRun not yet entered into writes (in
	// the order written): a transaction that only writes them commits
	// them from a sort of the run, and anything that reads the write set
	// enters them first (absorb).
	run  []runWrite
	size int64
	undo []undoEntry
	// saved: Savepoint was called. Until then no write can be rolled
	// back to (a savepoint undoes only what came after it), so writes
	// keep no undo entries: a transaction without savepoints, as an fts
	// merge's of 100,000 writes, does not pay for them.
	saved bool

	// The read set, kept under SERIALIZABLE only.
	reads  map[string]struct{}
	ranges []keyRange

	// getIter serves point reads. Every commit at or below readTs was
	// applied before the transaction began, so one view of the store,
	// taken at the first read, serves the whole transaction.
	getIter *lsm.Iterator
	keyBuf  []byte
	// last is the committed read getIter made last, served again to a
	// read of the same key while getIter has not moved (so the value's
	// memory is as it was): an UPDATE reads the row its statement's
	// SELECT, or the document update before it, just read.
	last struct {
		it    *lsm.Iterator
		key   []byte
		value []byte
		found bool
		// shared: value is shared memory (lsm.Iterator.ValueShared).
		shared bool
	}
}

// Begin starts a transaction reading at the current watermark.
func (db *DB) Begin(opts TxnOptions) (*Txn, error) {
	ts, err := db.register()
	if err != nil {
		return nil, err
	}
	t := &Txn{db: db, opts: opts, readTs: ts, beginTs: ts}
	if opts.Isolation == Serializable && !opts.ReadOnly {
		t.reads = map[string]struct{}{}
	}
	return t, nil
}

// ReadTs returns the transaction's snapshot timestamp.
func (t *Txn) ReadTs() uint64 { return t.readTs }

// CommitTs returns the commit timestamp after a successful Commit that
// wrote something, else 0.
func (t *Txn) CommitTs() uint64 { return t.commitTs }

// Options returns the transaction's options.
func (t *Txn) Options() TxnOptions { return t.opts }

// SetReadOnly makes the transaction refuse writes from now on (SET
// TRANSACTION READ ONLY after its first query). One that has written
// cannot: its commit validates against a read set a read-only
// transaction would stop keeping.
func (t *Txn) SetReadOnly() error {
	if len(t.writes) > 0 || len(t.run) > 0 {
		return fmt.Errorf("mvcc: a transaction that has written cannot become read-only")
	}
	t.opts.ReadOnly = true
	return nil
}

// DB returns the database the transaction belongs to.
func (t *Txn) DB() *DB { return t.db }

// HasWrites reports whether the transaction has written (or deleted) a
// key in [start, end).
func (t *Txn) HasWrites(start, end []byte) bool {
	return len(t.rangeKeys(start, end)) > 0
}

// Wrote reports whether the transaction has written (or deleted) key.
func (t *Txn) Wrote(key []byte) bool {
	t.absorb()
	_, ok := t.writes[string(key)]
	return ok
}

// Get returns key's value as the transaction sees it.
func (t *Txn) Get(key []byte) (value []byte, found bool, err error) {
	v, found, err := t.GetView(key)
	return bytes.Clone(v), found, err
}

// GetView is Get without copying the value: it may be the store's own
// memory (a table file's mapping included) or the transaction's buffered
// write, valid until the transaction's next read or write, never after
// it ends (a table's mapping goes once no transaction can read the
// table), and never to be modified. It is for
// callers that decode the value at once (the executor's row fetches): a
// point read of a row then copies it once, into the row, not twice.
func (t *Txn) GetView(key []byte) (value []byte, found bool, err error) {
	value, _, found, err = t.GetShared(key)
	return value, found, err
}

// GetShared is GetView also reporting whether the value is shared: part
// of a cached table block, memory nothing writes again, which the caller
// may keep after the transaction's next read and after it ends (keeping
// the block's memory alive while it does). A value that is not shared
// is valid as GetView's.
func (t *Txn) GetShared(key []byte) (value []byte, shared, found bool, err error) {
	if t.done {
		return nil, false, false, ErrTxnDone
	}
	t.absorb()
	if e, ok := t.writes[string(key)]; ok {
		if e.tomb {
			return nil, false, false, nil
		}
		e, err := t.settle(string(key), e)
		if err != nil {
			return nil, false, false, err
		}
		return e.value, false, true, nil
	}
	if t.reads != nil {
		t.reads[string(key)] = struct{}{}
	}
	value, found, err = t.getCommitted(key)
	return value, found && t.last.shared, found, err
}

// getCommitted reads the newest version of key at or below readTs.
func (t *Txn) getCommitted(key []byte) ([]byte, bool, error) {
	if t.getIter == nil {
		t.getIter = t.db.getIterator()
	} else if t.last.it == t.getIter && bytes.Equal(key, t.last.key) {
		return t.last.value, t.last.found, nil
	}
	t.last.it = nil
	t.keyBuf = appendKey(t.keyBuf[:0], key, t.readTs)
	it := t.getIter
	plen := len(t.keyBuf) - tsLen
	// A prefix seek: only tables whose bloom filter may hold this key's
	// versions are read, newest source first, and none after the first
	// with a version at or below readTs. That is safe because a key's
	// versions reach the store in timestamp order: Commit refuses a write
	// based below the key's last commit, and that commit was applied
	// before any snapshot saw it. So an older source never holds a newer
	// version.
	var v []byte
	shared := false
	found := it.SeekPrefixNewest(t.keyBuf)
	if !found {
		if err := t.iterErr(it); err != nil {
			return nil, false, err
		}
	} else if k := it.Key(); len(k) != len(t.keyBuf) || !bytes.Equal(k[:plen], t.keyBuf[:plen]) {
		found = false
	} else {
		var err error
		if v, found, err = decodeValue(it.Value()); err != nil {
			return nil, false, err
		}
		shared = it.ValueShared()
	}
	t.last.it, t.last.key, t.last.value, t.last.found, t.last.shared = it, append(t.last.key[:0], key...), v, found, shared
	return v, found, nil
}

func (t *Txn) iterErr(it *lsm.Iterator) error {
	if err := it.Error(); err != nil {
		return fmt.Errorf("mvcc: read: %w", err)
	}
	return nil
}

func decodeValue(v []byte) ([]byte, bool, error) {
	if len(v) == 0 {
		return nil, false, fmt.Errorf("mvcc: stored value without a tag")
	}
	switch v[0] {
	case tagTombstone:
		return nil, false, nil
	case tagValue:
		return v[1:], true, nil
	}
	return nil, false, fmt.Errorf("mvcc: stored value with unknown tag %#x", v[0])
}

// Put buffers a write of value to key.
func (t *Txn) Put(key, value []byte) error {
	return t.write(key, bufEntry{value: bytes.Clone(value)})
}

// PutOwned is Put of a value the caller made for it and hands over: the
// transaction keeps value itself, not a copy, and the caller must not
// change it afterwards. A row's encoding, made for its write, needs no
// second copy.
func (t *Txn) PutOwned(key, value []byte) error {
	return t.write(key, bufEntry{value: value})
}

// A Later is a value being made on another goroutine, for PutLater: an
// fts index's entry for a new document, whose text a worker analyzes
// while the inserting statement goes on.
type Later struct {
	done  chan struct{}
	value []byte
	err   error
	size  int64 // the estimate the write set counts until it is set
}

// NewLater returns a value to be set later, of about size bytes.
func NewLater(size int) *Later {
	return &Later{done: make(chan struct{}), size: int64(size)}
}

// Set gives the value (owned by the transaction from now on, as with
// PutOwned) or the error that making it met, which the transaction's
// next read of the key and its Commit return. It is called exactly once.
func (l *Later) Set(value []byte, err error) {
	l.value, l.err = value, err
	close(l.done)
}

// PutLater buffers a write of key whose value l will bring: the
// transaction goes on at once, and waits for the value only where it
// needs it, a read of key (Get, a scan over it) or Commit. The write
// set counts it at l's estimate. A transaction that rolls back (or
// rolls back to a savepoint before it) never waits for it.
func (t *Txn) PutLater(key []byte, l *Later) error {
	return t.write(key, bufEntry{later: l})
}

// settle returns e with its value, waiting for a PutLater's to be made.
func (t *Txn) settle(k string, e bufEntry) (bufEntry, error) {
	if e.later == nil {
		return e, nil
	}
	<-e.later.done
	if e.later.err != nil {
		return e, e.later.err
	}
	if err := checkValue(e.later.value); err != nil {
		return e, err
	}
	e.value, e.later = e.later.value, nil
	// A savepoint's undo entry may hold the unsettled entry: it settles
	// again from the same Later if the rollback brings it back.
	t.writes[k] = e
	return e, nil
}

// Delete buffers a deletion of key.
func (t *Txn) Delete(key []byte) error {
	return t.write(key, bufEntry{tomb: true})
}

func (t *Txn) write(key []byte, e bufEntry) error {
	switch {
	case t.done:
		return ErrTxnDone
	case t.opts.ReadOnly:
		return ErrReadOnly
	}
	if err := checkWrite(key, e.value); err != nil {
		return err
	}
	t.absorb()
	k := string(key)
	if t.opts.Isolation == ReadCommitted {
		if err := t.lock(k); err != nil {
			return err
		}
	}
	prev, had := t.writes[k]
	delta := writeDelta(k, e, prev, had)
	if budget := t.budget(); t.size+delta > budget {
		return fmt.Errorf("%w: writing %q would take its write set to %d bytes, over the %d-byte budget",
			ErrTxnTooLarge, truncKey(key), t.size+delta, budget)
	}
	t.insert(k, e, prev, had, delta)
	return nil
}

// checkWrite refuses a key or a value larger than the store takes.
func checkWrite(key, value []byte) error {
	if len(key) > MaxKeySize {
		return fmt.Errorf("%w: %d bytes (limit %d)", ErrKeyTooLarge, len(key), MaxKeySize)
	}
	return checkValue(value)
}

// checkValue refuses a value larger than the store takes (with its tag).
func checkValue(value []byte) error {
	if len(value) > lsm.MaxValueSize-1 {
		return fmt.Errorf("mvcc: value of %d bytes exceeds the %d-byte limit", len(value), lsm.MaxValueSize-1)
	}
	return nil
}

// writeDelta is what writing e to k (holding prev if had) adds to the
// write set's size.
func writeDelta(k string, e, prev bufEntry, had bool) int64 {
	delta := e.size() - prev.size()
	if !had {
		delta += int64(len(k)) + entryOverhead
	}
	return delta
}

// budget is the transaction's write set budget in bytes.
func (t *Txn) budget() int64 {
	if t.opts.MemoryBudget > 0 {
		return t.opts.MemoryBudget
	}
	return t.db.opts.TxnMemoryBudget
}

// insert enters e into the write set under k, which held prev if had;
// delta is writeDelta's, within the budget.
func (t *Txn) insert(k string, e, prev bufEntry, had bool, delta int64) {
	e.basis = t.readTs
	if t.writes == nil {
		t.writes = t.db.writeSet()
	}
	t.size += delta
	if t.saved {
		t.undo = append(t.undo, undoEntry{key: k, prev: prev, had: had})
	}
	t.writes[k] = e
	if !had {
		// added is put in order only when read (sortAdded), so a run
		// of writes costs an append each, and a scan the placing of the
		// writes since the last one, not a sort of every write so far
		// (an insert checking a unique index scans after each write).
		// A scan merges it into keys once it is large (rangeKeys);
		// writes alone do not, so a transaction that only writes (a
		// bulk load, an fts merge) sorts its keys once, at commit,
		// instead of merging them into keys every sixteenth of the way.
		t.added = append(t.added, k)
	}
}

// PutRun buffers a write of values[i] to keys[i] for every i, a nil
// value deleting its key: a run of writes made for the transaction and
// handed over, the slices included, as with PutOwned (the caller changes
// none of it afterwards). It is for a transaction that writes a great
// many keys at once and reads none of them after, an fts merge's some
// 100,000: the run is kept as it is and committed from a sort of its
// keys, where a write made alone costs a copy of its key and a slot in
// the write set's map (hashed again at commit). A read or scan of the
// transaction, a savepoint, or another write first enters the run into
// the map as if its writes had been made one by one, in order (absorb),
// so that nothing sees a difference. Under READ COMMITTED, whose writes
// lock their keys, and after a savepoint, whose rollback must undo each
// write, the writes are made one by one at once.
func (t *Txn) PutRun(keys, values [][]byte) error {
	switch {
	case t.done:
		return ErrTxnDone
	case t.opts.ReadOnly:
		return ErrReadOnly
	case len(keys) != len(values):
		return fmt.Errorf("mvcc: a run of %d keys and %d values", len(keys), len(values))
	}
	if t.opts.Isolation == ReadCommitted || t.saved {
		for i, k := range keys {
			var err error
			if values[i] == nil {
				err = t.Delete(k)
			} else {
				err = t.PutOwned(k, values[i])
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	var cost int64
	for i, k := range keys {
		if err := checkWrite(k, values[i]); err != nil {
			return err
		}
		cost += runWrite{k, values[i]}.cost()
	}
	if budget := t.budget(); t.size+cost > budget {
		return fmt.Errorf("%w: writing %d keys would take its write set to %d bytes, over the %d-byte budget",
			ErrTxnTooLarge, len(keys), t.size+cost, budget)
	}
	t.size += cost
	t.run = slices.Grow(t.run, len(keys))
	for i, k := range keys {
		t.run = append(t.run, runWrite{k, values[i]})
	}
	return nil
}

// absorb enters the run into the write set, write by write.
func (t *Txn) absorb() {
	if len(t.run) == 0 {
		return
	}
	run := t.run
	t.run = nil
	for _, w := range run {
		t.size -= w.cost()
		e := bufEntry{value: w.value, tomb: w.value == nil}
		k := string(w.key)
		prev, had := t.writes[k]
		t.insert(k, e, prev, had, writeDelta(k, e, prev, had))
	}
}

func truncKey(k []byte) []byte {
	if len(k) > 64 {
		return k[:64]
	}
	return k
}

// DeleteRange deletes every key in [start, end) (end nil: unbounded) that
// the transaction sees. It writes a tombstone per live key rather than a
// range tombstone in the store, which would destroy the history older
// snapshots still read. Under SERIALIZABLE the range joins the read set,
// so a concurrent insert into it is a conflict.
func (t *Txn) DeleteRange(start, end []byte) error {
	it := t.Scan(start, end)
	var keys [][]byte
	for it.Next() {
		keys = append(keys, bytes.Clone(it.Key()))
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, k := range keys {
		if err := t.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Savepoint marks the current state of the write set.
type Savepoint struct {
	txn  *Txn
	undo int
	size int64
}

// KeepsUndo reports whether the transaction keeps an undo entry for each
// write: it does from its first savepoint on.
func (t *Txn) KeepsUndo() bool { return t.saved }

// Savepoint returns a mark that RollbackTo returns the write set to.
func (t *Txn) Savepoint() Savepoint {
	// The run's writes came before the mark: entered after it, they
	// would be undone by a rollback to it.
	t.absorb()
	t.saved = true
	return Savepoint{txn: t, undo: len(t.undo), size: t.size}
}

// RollbackTo undoes every write made since sp. The read set is kept:
// what the transaction read before the rollback may still shape what it
// writes and returns afterwards (a client saw it), so SERIALIZABLE must
// still validate it.
func (t *Txn) RollbackTo(sp Savepoint) error {
	if t.done {
		return ErrTxnDone
	}
	if sp.txn != t || sp.undo > len(t.undo) {
		return fmt.Errorf("mvcc: savepoint does not belong to this transaction or was rolled back past")
	}
	for i := len(t.undo) - 1; i >= sp.undo; i-- {
		u := t.undo[i]
		if u.had {
			t.writes[u.key] = u.prev
		} else {
			delete(t.writes, u.key)
			t.stale = true
		}
	}
	t.undo = t.undo[:sp.undo]
	t.size = sp.size
	return nil
}

// rangeKeys returns the buffered keys in [start, end) (nil bounds are
// open), in order: the ranges of the two sorted slices, merged.
func (t *Txn) rangeKeys(start, end []byte) []string {
	t.absorb()
	// added stays small next to keys: a scan then places few keys in
	// it (sortAdded) and merges few out of it.
	if t.stale || len(t.added) > max(1024, len(t.keys)/16) {
		t.sortedKeys()
	}
	t.sortAdded()
	// The bounds as strings without copies: only compared, never kept.
	s, e := unsafe.String(unsafe.SliceData(start), len(start)), unsafe.String(unsafe.SliceData(end), len(end))
	span := func(keys []string) []string {
		lo, hi := 0, len(keys)
		if start != nil {
			lo, _ = slices.BinarySearch(keys, s)
		}
		if end != nil {
			hi, _ = slices.BinarySearch(keys, e)
		}
		return keys[lo:max(lo, hi)]
	}
	a, b := span(t.keys), span(t.added)
	if len(b) == 0 {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && a[i] < b[j]) {
			out, i = append(out, a[i]), i+1
		} else {
			out, j = append(out, b[j]), j+1
		}
	}
	return out
}

// sortAdded puts added in order: the few keys appended since it last
// was are each placed by binary search; many are sorted with the rest.
func (t *Txn) sortAdded() {
	n := t.addedSorted
	switch {
	case n == len(t.added):
		return
	case len(t.added)-n > 8:
		slices.Sort(t.added)
	default:
		for i := n; i < len(t.added); i++ {
			k := t.added[i]
			j, _ := slices.BinarySearch(t.added[:i], k)
			copy(t.added[j+1:i+1], t.added[j:i])
			t.added[j] = k
		}
	}
	t.addedSorted = len(t.added)
}

// sortedKeys returns the buffered keys in order.
func (t *Txn) sortedKeys() []string {
	if len(t.added) > 0 || t.stale {
		t.sortAdded()
		stale := t.stale
		merged := make([]string, 0, len(t.keys)+len(t.added))
		i, j := 0, 0
		for i < len(t.keys) || j < len(t.added) {
			var k string
			if j >= len(t.added) || (i < len(t.keys) && t.keys[i] < t.added[j]) {
				k, i = t.keys[i], i+1
			} else {
				k, j = t.added[j], j+1
			}
			// Only a rollback to a savepoint removes keys (and marks
			// them stale); otherwise every key is live and in one list.
			if !stale {
				merged = append(merged, k)
			} else if _, ok := t.writes[k]; ok && (len(merged) == 0 || merged[len(merged)-1] != k) {
				merged = append(merged, k)
			}
		}
		t.keys, t.added, t.addedSorted, t.stale = merged, nil, 0, false
	}
	return t.keys
}

// Rollback abandons the transaction. Nothing it wrote was ever stored.
func (t *Txn) Rollback() error {
	if t.done {
		return ErrTxnDone
	}
	t.finish()
	return nil
}

func (t *Txn) finish() {
	t.done = true
	if t.getIter != nil {
		t.db.putIterator(t.getIter)
		t.getIter = nil
	}
	t.db.unregister(t.beginTs)
	t.unlockAll()
	t.db.putWriteSet(t.writes)
	t.writes, t.keys, t.added, t.run, t.undo, t.reads, t.ranges = nil, nil, nil, nil, nil, nil, nil
}

// Commit validates the transaction and, if it wrote anything, writes all
// of it to the store as one batch: after a crash either all of it is there
// or none. It returns a *ConflictError (errors.Is ErrConflict, SQLSTATE
// 40001) when a concurrent commit wins. A transaction that wrote nothing
// (read-only) commits without validation: its snapshot is a consistent
// prefix of the serial order (doc.go).
func (t *Txn) Commit() error {
	if t.done {
		return ErrTxnDone
	}
	defer t.finish()
	if len(t.writes) > 0 {
		t.absorb()
	}
	if len(t.writes) == 0 && len(t.run) == 0 {
		return nil
	}
	db := t.db

	// The store batch is built before the commit timestamp is taken,
	// with a zero one that is stamped in after: from taking its
	// timestamp until it is applied, a commit holds up every later
	// one's return (finishApply), and building the batch of a large
	// write set, as an fts merge's, takes a good part of that.
	b := db.takeBatch(t.size)
	defer db.putBatch(b)
	var keys []string
	run := len(t.run) > 0
	if run {
		keys = t.batchRun(b)
	} else {
		keys = t.sortedKeys()
		// Room for every entry: t.size counts keys and values (plus a
		// generous overhead per entry, which covers versions and
		// escapes).
		b.Grow(int(t.size))
		var w batchWriter
		for _, k := range keys {
			e, err := t.settle(k, t.writes[k])
			if err != nil {
				return err
			}
			w.add(b, []byte(k), e.value, e.tomb)
		}
	}

	db.commit.Lock()
	if err := db.validateLocked(t, run, keys); err != nil {
		db.commit.Unlock()
		// The winner may still be writing: a retry begun now would read
		// below it and lose again. Wait until a new snapshot sees it.
		if ce, ok := err.(*ConflictError); ok {
			db.waitVisible(ce.ts)
		}
		return err
	}
	if db.commit.nextTs >= db.commit.leaseEnd {
		if err := db.extendLeaseLocked(); err != nil {
			db.commit.Unlock()
			return err
		}
	}
	ts := db.commit.nextTs
	db.commit.nextTs++
	db.recordLocked(ts, keys)
	db.tickClocksLocked(ts, keys)
	p := db.beginApplyLocked(ts)
	db.commit.Unlock()

	// The batch is written outside the commit lock, so concurrent
	// committers meet in the storage engine's group commit and share one
	// fsync. Visibility waits for the watermark instead (finishApply).
	if err := b.EachKey(func(k []byte) { stampKey(k, ts) }); err != nil {
		db.finishApply(p)
		return fmt.Errorf("mvcc: commit: %w", err)
	}
	err := db.lsm.Apply(b, &lsm.WriteOptions{Sync: !t.opts.NoSync})
	db.finishApply(p)
	if err != nil {
		return fmt.Errorf("mvcc: commit: %w", err)
	}
	t.commitTs = ts
	return nil
}

// maxPooledWriteSet is the most keys a write set map kept for reuse held:
// emptying a map costs its size, which a transaction of a few writes
// should not pay for a bulk load's.
const maxPooledWriteSet = 1 << 14

// writeSet returns an empty write set map.
func (db *DB) writeSet() map[string]bufEntry {
	if m, ok := db.writeSets.Get().(map[string]bufEntry); ok {
		return m
	}
	return map[string]bufEntry{}
}

// putWriteSet empties m, a finished transaction's write set, and keeps
// it for another (nothing refers to a finished transaction's map: the
// keys its commit recorded are strings of their own).
func (db *DB) putWriteSet(m map[string]bufEntry) {
	if m == nil || len(m) > maxPooledWriteSet {
		return
	}
	clear(m)
	db.writeSets.Put(m)
}

// batchWriter adds writes to a store batch through buffers it reuses.
type batchWriter struct{ kbuf, vbuf []byte }

// add adds the write of value to key (a deletion if tomb) at timestamp
// 0, stamped at commit.
func (w *batchWriter) add(b *lsm.Batch, key, value []byte, tomb bool) {
	w.kbuf = appendKey(w.kbuf[:0], key, 0)
	if tomb {
		b.Set(w.kbuf, []byte{tagTombstone})
		return
	}
	w.vbuf = append(append(w.vbuf[:0], tagValue), value...)
	b.Set(w.kbuf, w.vbuf)
}

// batchRun adds the run's writes to b in key order, the last write of a
// key only, and returns their keys, in order (sharing one string's
// memory).
func (t *Txn) batchRun(b *lsm.Batch) []string {
	run := t.run
	order := make([]int32, len(run))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := bytes.Compare(run[i].key, run[j].key); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	// Of a key written more than once, the last write wins.
	n, keyBytes, size := 0, 0, 0
	for i, j := range order {
		if i+1 < len(order) && bytes.Equal(run[j].key, run[order[i+1]].key) {
			continue
		}
		order[n] = j
		n++
		w := run[j]
		keyBytes += len(w.key)
		// An entry's bound: kind, two lengths, the key escaped (every
		// 0x00 doubled, a terminator), its timestamp, the value tag.
		size += 1 + 2*binary.MaxVarintLen32 + len(w.key) + bytes.Count(w.key, []byte{escByte}) + 2 + tsLen + 1 + len(w.value)
	}
	order = order[:n]
	var sb strings.Builder
	sb.Grow(keyBytes)
	for _, j := range order {
		sb.Write(run[j].key)
	}
	all := sb.String()
	keys := make([]string, n)
	at := 0
	if b.Cap()-b.Len() < size {
		// The room the write set was budgeted (t.size, a bound the
		// dropped duplicates and generous entry overhead put well
		// above size): kept for the next large commit (DB.big), the
		// batch then likely fits that one too, not growing into fresh
		// memory again (an fts merge's pieces grow from 9 to 15 MB).
		b.Grow(max(size, int(t.size)))
	}
	var bw batchWriter
	for i, j := range order {
		w := run[j]
		keys[i] = all[at : at+len(w.key)]
		at += len(w.key)
		bw.add(b, w.key, w.value, w.value == nil)
	}
	return keys
}

// maxPooledBatch is the largest batch buffer kept in the pool for reuse;
// a larger one, up to maxBigBatch, is kept aside (DB.big).
const (
	maxPooledBatch = 4 << 20
	maxBigBatch    = 64 << 20
)

// takeBatch returns an empty batch for a write set of about size bytes.
func (db *DB) takeBatch(size int64) *lsm.Batch {
	if size > maxPooledBatch {
		if b := db.big.Swap(nil); b != nil {
			return b
		}
	}
	if b, ok := db.batches.Get().(*lsm.Batch); ok {
		return b
	}
	return lsm.NewBatch()
}

// putBatch keeps b for a later commit: in the pool, or as DB.big if it
// is larger than the pool takes and than the one kept there.
func (db *DB) putBatch(b *lsm.Batch) {
	b.Reset()
	if b.Cap() <= maxPooledBatch {
		db.batches.Put(b)
		return
	}
	if b.Cap() > maxBigBatch {
		return
	}
	for {
		kept := db.big.Load()
		if kept != nil && kept.Cap() >= b.Cap() {
			return
		}
		if db.big.CompareAndSwap(kept, b) {
			return
		}
	}
}

// SetContext bounds the transaction's lock waits (READ COMMITTED) by ctx:
// a wait ends with ctx's error when it is done. Set it per statement.
func (t *Txn) SetContext(ctx context.Context) { t.waitCtx = ctx }
