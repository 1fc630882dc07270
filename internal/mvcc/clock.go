package mvcc

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// PrefixClock follows the commits that write keys with one prefix, so a
// reader can keep a value it derived from those keys (a full-text index's
// statistics) and reuse it for every snapshot that sees the same writes:
// Last is the commit timestamp of the newest transaction that wrote such
// a key, set before that transaction becomes visible to any snapshot.
// A value derived at a snapshot reading at or after Last, kept with that
// Last, is the value for any other snapshot reading at or after the same
// Last (see Cached).
type PrefixClock struct {
	prefix     string
	start, end []byte // the prefix's key range
	last       atomic.Uint64

	mu    sync.Mutex
	val   any
	valAt uint64 // Last when val was derived
	has   bool
}

// clocks are the prefix clocks of a DB. list is guarded by the commit
// lock (commits tick it); byPrefix is an immutable map replaced whole on
// registration, so a search finds its clock without the commit lock.
type clocks struct {
	byPrefix atomic.Pointer[map[string]*PrefixClock]
	list     []*PrefixClock
}

// PrefixClock returns the clock of prefix, registering it on first use.
// Commits that write under a registered prefix pay a binary search of
// their sorted keys per clock.
func (db *DB) PrefixClock(prefix []byte) *PrefixClock {
	if m := db.clocks.byPrefix.Load(); m != nil {
		if c := (*m)[string(prefix)]; c != nil {
			return c
		}
	}
	db.commit.Lock()
	defer db.commit.Unlock()
	old := db.clocks.byPrefix.Load()
	if old != nil {
		if c := (*old)[string(prefix)]; c != nil {
			return c
		}
	}
	c := &PrefixClock{prefix: string(prefix), start: bytes.Clone(prefix), end: prefixEnd(nil, prefix)}
	// Commits before now did not tick the clock, and some may have
	// written under the prefix: it starts at the newest timestamp handed
	// out, so only snapshots that see all of them share a value. (At 0,
	// snapshots before and after those writes would share one.)
	c.last.Store(max(db.commit.nextTs, 1) - 1)
	m := map[string]*PrefixClock{}
	if old != nil {
		m = maps.Clone(*old)
	}
	m[c.prefix] = c
	db.clocks.byPrefix.Store(&m)
	db.clocks.list = append(db.clocks.list, c)
	return c
}

// tickClocksLocked advances the clocks whose prefix one of a commit's
// sorted keys has.
func (db *DB) tickClocksLocked(ts uint64, keys []string) {
	for _, c := range db.clocks.list {
		i, _ := slices.BinarySearch(keys, c.prefix)
		if i < len(keys) && strings.HasPrefix(keys[i], c.prefix) {
			c.last.Store(ts)
		}
	}
}

// Cached returns the value kept for txn's snapshot, if one was kept for
// the same writes: the snapshot reads at or after the clock (it sees
// every write under the prefix) and the transaction wrote nothing under
// it itself.
func (c *PrefixClock) Cached(txn *Txn) (any, bool) {
	last := c.last.Load()
	if !c.sees(txn, last) {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.has || c.valAt != last {
		return nil, false
	}
	return c.val, true
}

// Kept returns the value last kept, valid for the current writes or not:
// a reader may derive the next value from it.
func (c *PrefixClock) Kept() (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.val, c.has
}

// Keep keeps v, derived in txn, for Cached; a snapshot older than the
// clock, or a transaction that wrote under the prefix, keeps nothing.
// Returns whether it kept it.
func (c *PrefixClock) Keep(txn *Txn, v any) bool {
	last := c.last.Load()
	if !c.sees(txn, last) {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.val, c.valAt, c.has = v, last, true
	return true
}

// sees reports whether txn sees exactly the committed writes under the
// prefix up to last: it reads at or after last and wrote none itself.
func (c *PrefixClock) sees(txn *Txn, last uint64) bool {
	return txn.readTs >= last && !txn.HasWrites(c.start, c.end)
}
