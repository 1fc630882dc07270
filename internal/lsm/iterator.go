package lsm

import (
	"bytes"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// Iterator iterates the user keys of a store as of one sequence number, in
// either direction. It shows each key's newest visible value and hides
// deleted keys. It holds a consistent view: writes after its creation are
// not seen, and the tables it reads are kept until it is closed.
//
// Key and Value are valid until the next positioning call. An Iterator is
// not safe for concurrent use.
type Iterator struct {
	d            *DB
	rs           *readState
	iter         *mergingIter
	frags        fragments
	seq          ikey.SeqNum
	lower, upper []byte
	split        func([]byte) int // Options.Split

	// prefixMode is set by SeekPrefixGE: iteration stops at the first key
	// whose Split prefix differs from prefix.
	prefixMode bool
	prefix     []byte

	valid   bool
	fwd     bool
	key     []byte // current user key (reverse mode: a copy)
	value   []byte
	keyBuf  []byte
	valBuf  []byte
	seekBuf []byte
	err     error // from construction; iteration errors live in iter

	// l0From and l0To delimit the children of iter that are L0 tables.
	l0From, l0To int

	// single: positioned by SeekPrefixNewest, which may have left older
	// sources unread, so Next and Prev stop. enough is isNewest, made
	// once.
	single bool
	enough func([]byte) bool

	// lastKey and lastFwd serve the invariant check of key order.
	lastKey []byte
	lastFwd bool

	// For Refresh: a range tombstone was left out as not yet visible,
	// and how many the mutable memtable held when the iterator was made.
	tombsHidden bool
	memTombs    int
}

func (d *DB) newIter(o *IterOptions, seq ikey.SeqNum) *Iterator {
	it := &Iterator{d: d, seq: seq, split: d.opts.Split}
	it.enough = it.isNewest
	if o != nil {
		it.lower, it.upper = bytes.Clone(o.LowerBound), bytes.Clone(o.UpperBound)
	}
	rs := d.loadReadState()
	if rs == nil {
		it.err = ErrClosed
		return it
	}
	it.rs = rs
	var iters []ikey.Iterator
	var tombs []ikey.Tombstone
	addTombs := func(ts []ikey.Tombstone) {
		for _, t := range ts {
			if t.Seq <= seq {
				tombs = append(tombs, t)
			} else {
				it.tombsHidden = true
			}
		}
	}
	it.memTombs = len(rs.mem.tombstones())
	for i := len(rs.imms); i >= 0 && (o == nil || !o.TablesOnly); i-- {
		m := rs.mem
		if i < len(rs.imms) {
			m = rs.imms[i]
		}
		iters = append(iters, m.newIter())
		addTombs(m.tombstones())
	}
	var hi []byte
	if it.upper != nil {
		hi = it.upper // inclusive here: conservative
	}
	v := rs.version
	for level := range numLevels {
		files := v.overlapping(level, it.lower, hi)
		if len(files) == 0 {
			continue
		}
		for _, f := range files {
			if !f.hasRangeDels {
				continue
			}
			r, err := d.tables.get(f)
			if err != nil {
				it.err = err
				return it
			}
			addTombs(r.Tombstones())
		}
		if level == 0 {
			// Each L0 table is a level of its own (they overlap); as a
			// levelIter it is opened on first use and can be skipped by
			// its filter in SeekPrefixGE.
			it.l0From = len(iters)
			for i := len(files) - 1; i >= 0; i-- {
				iters = append(iters, &levelIter{d: d, files: files[i : i+1], lower: it.lower, upper: it.upper})
			}
			it.l0To = len(iters)
			continue
		}
		iters = append(iters, &levelIter{d: d, files: files, lower: it.lower, upper: it.upper})
	}
	it.iter = newMergingIter(iters)
	it.frags = fragmentTombstones(tombs)
	return it
}

// chargeL0 reports to the store the L0 tables the last positioning read
// (and the Next calls before it) read, when that read also read another
// table: with L0 merged into the level below, it would have read one
// table fewer for each (DB.chargeL0Reads). A read of one table is free,
// and so are point reads (charge false): their filters skip the tables
// without the key, and where L0 and a deeper table both hold versions of
// it, merging L0 down would not save reading both.
func (it *Iterator) chargeL0(charge bool) {
	if it.l0From == it.l0To {
		return
	}
	n0, n := 0, 0
	for i, c := range it.iter.iters {
		l, ok := c.(*levelIter)
		if !ok || l.reads == 0 {
			continue
		}
		n += l.reads
		if i >= it.l0From && i < it.l0To {
			n0 += l.reads
		}
		l.reads = 0
	}
	if charge && n0 > 0 && n >= 2 {
		it.d.chargeL0Reads(n0)
	}
}

// deleted reports whether a range tombstone hides version (ukey, seq).
func (it *Iterator) deleted(ukey []byte, seq ikey.SeqNum) bool {
	if len(it.frags) == 0 {
		return false
	}
	return it.frags.maxSeq(ukey, it.seq) > seq
}

func (it *Iterator) seekKey(ukey []byte) []byte {
	it.seekBuf = ikey.Make(it.seekBuf[:0], ukey, ikey.SeqNumMax, ikey.KindMax)
	return it.seekBuf
}

// findNext moves forward from the merging iterator's position to the first
// visible, live user key, skipping versions of skip (if non-nil).
func (it *Iterator) findNext(ok bool, skip []byte) bool {
	it.fwd = true
	// skip may be an empty key, which is a key: track it explicitly.
	skipping := skip != nil
	for ; ok; ok = it.iter.Next() {
		k := it.iter.Key()
		u := ikey.UserKey(k)
		if it.upper != nil && !it.iter.withinUpper() && bytes.Compare(u, it.upper) >= 0 {
			break
		}
		if it.prefixMode && !bytes.Equal(it.prefixOf(u), it.prefix) {
			break
		}
		s := ikey.Seq(k)
		if s > it.seq {
			continue
		}
		if skipping && bytes.Equal(u, skip) {
			continue
		}
		// The newest visible version of u decides; older ones are skipped.
		it.keyBuf = append(it.keyBuf[:0], u...)
		skip, skipping = it.keyBuf, true
		if ikey.KindOf(k) != ikey.KindSet || it.deleted(u, s) {
			continue
		}
		it.key, it.value = u, it.iter.Value()
		return it.yield()
	}
	return it.stop()
}

// findPrev moves backward from the merging iterator's position to the
// previous visible, live user key. Walking backward meets a key's versions
// oldest first, so the newest visible version is known only once the walk
// reaches the key before it; the candidate is kept in copies meanwhile.
func (it *Iterator) findPrev(ok bool) bool {
	it.fwd = false
	have := false
	var kind ikey.Kind
	var seq ikey.SeqNum
	for ; ok; ok = it.iter.Prev() {
		k := it.iter.Key()
		u := ikey.UserKey(k)
		s := ikey.Seq(k)
		if s > it.seq {
			continue
		}
		if have && !bytes.Equal(u, it.keyBuf) {
			if kind == ikey.KindSet && !it.deleted(it.keyBuf, seq) {
				return it.settle()
			}
			have = false
		}
		if it.lower != nil && bytes.Compare(u, it.lower) < 0 {
			break
		}
		it.keyBuf = append(it.keyBuf[:0], u...)
		kind, seq = ikey.KindOf(k), s
		if kind == ikey.KindSet {
			it.valBuf = append(it.valBuf[:0], it.iter.Value()...)
		}
		have = true
	}
	if have && kind == ikey.KindSet && !it.deleted(it.keyBuf, seq) && it.iter.Error() == nil {
		return it.settle()
	}
	return it.stop()
}

func (it *Iterator) settle() bool {
	it.key, it.value = it.keyBuf, it.valBuf
	return it.yield()
}

// yield marks the iterator positioned on it.key.
func (it *Iterator) yield() bool {
	if invariants {
		if it.valid && it.lastFwd == it.fwd {
			checkOrder("user keys", it.lastKey, it.key, it.fwd, bytes.Compare)
		}
		it.lastKey = append(it.lastKey[:0], it.key...)
		it.lastFwd = it.fwd
	}
	it.valid = true
	return true
}

func (it *Iterator) stop() bool {
	it.valid = false
	return false
}

// ready reports whether the iterator can be positioned: not after a
// construction error or Close.
func (it *Iterator) ready() bool {
	it.valid = false
	it.prefixMode = false
	it.single = false
	return it.err == nil && it.iter != nil
}

// prefixOf returns ukey's Split prefix (all of it without a Split).
func (it *Iterator) prefixOf(ukey []byte) []byte {
	if it.split == nil {
		return ukey
	}
	return ukey[:it.split(ukey)]
}

// SeekPrefixGE moves to the first key >= key that has key's Split prefix
// (Options.Split), and makes Next stop after the last key with that prefix.
// It is the point read of a versioned key: tables whose bloom filter rules
// the prefix out are not read at all. The iterator stays in prefix mode
// until the next SeekGE, SeekLT, First or Last; Prev in prefix mode
// returns false.
func (it *Iterator) SeekPrefixGE(key []byte) bool { return it.seekPrefix(key, false) }

func (it *Iterator) seekPrefix(key []byte, newest bool) bool {
	if !it.ready() {
		return false
	}
	it.prefixMode = true
	it.prefix = append(it.prefix[:0], it.prefixOf(key)...)
	if it.lower != nil && bytes.Compare(key, it.lower) < 0 {
		key = it.lower
	}
	var enough func([]byte) bool
	if newest && len(it.frags) == 0 {
		enough = it.enough
	}
	ok := it.iter.seekPrefixGE(it.prefix, it.seekKey(key), enough)
	it.chargeL0(false)
	return it.findNext(ok, nil)
}

// SeekPrefixNewest is SeekPrefixGE for a reader that wants only the
// entry it lands on, not the ones after it: Next and Prev then return
// false. It reads the sources newest first (memtables, L0 newest to
// oldest, L1, L2...) and stops at the first one holding a visible live
// entry at or after key with key's prefix, skipping the deeper levels'
// filters and blocks.
//
// That is only the entry SeekPrefixGE would land on if, among keys of one
// prefix, the one written later is never the greater: then no deeper,
// older source can hold a smaller candidate. The layer above promises it
// by its own ordering (mvcc writes a row's versions in timestamp order,
// newest sorting first). A deletion written later is the exception the
// seek allows for: it stops at a source only while every newer one sits
// past the entry found, so none deletes it. Where range tombstones could
// hide the entry found, the seek reads every source, as SeekPrefixGE does.
func (it *Iterator) SeekPrefixNewest(key []byte) bool {
	if !it.seekPrefix(key, true) {
		return false
	}
	it.single = true
	return true
}

// isNewest reports whether internal key k settles a SeekPrefixNewest: a
// live entry with the sought prefix that the iterator's snapshot sees.
func (it *Iterator) isNewest(k []byte) bool {
	return ikey.KindOf(k) == ikey.KindSet && ikey.Seq(k) <= it.seq &&
		bytes.Equal(it.prefixOf(ikey.UserKey(k)), it.prefix)
}

// SeekGE moves to the first key >= key.
func (it *Iterator) SeekGE(key []byte) bool {
	if !it.ready() {
		return false
	}
	if it.lower != nil && bytes.Compare(key, it.lower) < 0 {
		key = it.lower
	}
	ok := it.iter.SeekGE(it.seekKey(key))
	it.chargeL0(true)
	return it.findNext(ok, nil)
}

// SeekLT moves to the last key < key.
func (it *Iterator) SeekLT(key []byte) bool {
	if !it.ready() {
		return false
	}
	if it.upper != nil && bytes.Compare(key, it.upper) > 0 {
		key = it.upper
	}
	ok := it.iter.SeekLT(it.seekKey(key))
	it.chargeL0(true)
	return it.findPrev(ok)
}

// First moves to the first key.
func (it *Iterator) First() bool {
	if it.lower != nil {
		return it.SeekGE(it.lower)
	}
	if !it.ready() {
		return false
	}
	ok := it.iter.First()
	it.chargeL0(true)
	return it.findNext(ok, nil)
}

// Last moves to the last key.
func (it *Iterator) Last() bool {
	if it.upper != nil {
		return it.SeekLT(it.upper)
	}
	if !it.ready() {
		return false
	}
	ok := it.iter.Last()
	it.chargeL0(true)
	return it.findPrev(ok)
}

// Next moves to the next key.
func (it *Iterator) Next() bool {
	if !it.valid || it.single {
		return it.stop()
	}
	if !it.fwd {
		// The merging iterator sits before the current key's versions:
		// jump past all of them.
		it.seekBuf = ikey.Make(it.seekBuf[:0], it.key, 0, ikey.KindDelete)
		return it.findNext(it.iter.SeekGE(it.seekBuf), nonNil(it.key))
	}
	// Going forward, findNext left a copy of the current key in keyBuf:
	// the versions to skip.
	return it.findNext(it.iter.Next(), nonNil(it.keyBuf))
}

// Prev moves to the previous key. In prefix mode (SeekPrefixGE) it returns
// false: the sources were positioned for one prefix only.
func (it *Iterator) Prev() bool {
	if !it.valid {
		return false
	}
	if it.prefixMode || it.single {
		return it.stop()
	}
	if it.fwd {
		// The merging iterator sits on the current key's newest version:
		// jump before all of its versions.
		it.keyBuf = append(it.keyBuf[:0], it.key...)
		return it.findPrev(it.iter.SeekLT(it.seekKey(it.keyBuf)))
	}
	// Going backward, the merging iterator already sits on the newest
	// unexamined entry before the current key.
	return it.findPrev(it.iter.valid())
}

// Current reports whether the store is unchanged since the iterator was
// created: no write, flush or compaction since. A current iterator sees
// exactly what a new one would, so the layer above may keep one across
// transactions instead of building a new one for each point read.
func (it *Iterator) Current() bool {
	if it.err != nil || it.rs == nil || it.d == nil {
		return false
	}
	return ikey.SeqNum(it.d.visibleSeq.Load()) == it.seq && it.sameReadState()
}

// sameReadState reports whether the store's memtables and tables are
// still the ones the iterator reads.
func (it *Iterator) sameReadState() bool {
	it.d.rsMu.RLock()
	defer it.d.rsMu.RUnlock()
	return it.d.readState == it.rs
}

// Reusable reports whether Refresh would succeed now: the store has not
// flushed or compacted since the iterator was made, and no range
// deletion was written since (nor was one written before but not yet
// visible then).
func (it *Iterator) Reusable() bool {
	if it.err != nil || it.rs == nil || it.d == nil || it.tombsHidden {
		return false
	}
	return it.sameReadState() && len(it.rs.mem.tombstones()) == it.memTombs
}

// Refresh makes a kept iterator see the writes made since it was made
// (or last refreshed), when they all went to the memtable it reads
// (Reusable): it then sees what a new iterator would, without building
// one over every level, which costs more than a point read. It reports
// false, changing nothing, when it cannot. The iterator is left
// unpositioned.
func (it *Iterator) Refresh() bool {
	if it.d == nil {
		return false
	}
	// The sequence number is read before the read state is checked: a
	// write it covers was applied to the memtable of the read state then
	// current, so if that is still the iterator's, it holds the write.
	seq := ikey.SeqNum(it.d.visibleSeq.Load())
	if !it.Reusable() {
		return false
	}
	it.seq = seq
	it.valid, it.single, it.prefixMode = false, false, false
	it.lastKey = it.lastKey[:0]
	// The children's positions may be behind entries written since:
	// the next positioning call must seek every child afresh.
	it.iter.reset(true)
	return true
}

// Valid reports whether the iterator is positioned on a key.
func (it *Iterator) Valid() bool { return it.valid }

// Key returns the current key.
func (it *Iterator) Key() []byte { return it.key }

// Value returns the current value.
func (it *Iterator) Value() []byte { return it.value }

// ValueShared reports whether Value is memory nothing writes again (part
// of a cached table block), which the caller may keep after the
// iterator moves or closes, and even after the store closes, at the
// price of keeping the block's memory alive. Otherwise Value is valid
// only until the iterator moves.
func (it *Iterator) ValueShared() bool {
	return it.valid && it.fwd && it.iter.valueShared()
}

// Error returns the error that stopped iteration, if any.
func (it *Iterator) Error() error {
	if it.err == nil && it.iter != nil {
		return it.iter.Error()
	}
	return it.err
}

// Close releases the iterator's view of the store.
func (it *Iterator) Close() error {
	err := it.Error()
	if it.iter != nil {
		if cerr := it.iter.Close(); err == nil {
			err = cerr
		}
		it.iter = nil
	}
	if it.rs != nil {
		it.rs.unref()
		it.rs = nil
	}
	it.valid = false
	if it.err == nil {
		it.err = ErrClosed
	}
	return err
}

// nonNil turns an empty key into a non-nil slice, so it reads as "skip the
// empty key" rather than "skip nothing".
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
