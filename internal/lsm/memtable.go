package lsm

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

const maxHeight = 20

// Node layout in the arena (offsets from the node's start, which is 8-byte
// aligned; offset 0 of the arena is never a node, so 0 means nil):
//
//	0   4       key length (internal key: user key + 8-byte trailer)
//	4   4       value length
//	8   8       user-key prefix: its first 8 bytes as a big-endian number,
//	            zero padded, stored little-endian; compared first
//	16  4       height h
//	20  4       offset of the value in the arena
//	24  4*h     next-node offsets, one per level, read and written atomically
//	..  keylen  internal key
//
// Nodes are allocated upwards from the arena's start and values downwards
// from its end. A search touches only nodes, so keeping values out of
// their way packs the nodes densely: with 1 KB rows, nodes interleaved
// with their values put every step of a search on a different page (a
// microbenchmark of random inserts of 1 KB values: 1801 to 1503 ns).
const (
	nodeKeyLen = 0
	nodeValLen = 4
	nodePrefix = 8
	nodeHeight = 16
	nodeValOff = 20
	nodeTower  = 24
)

// maxNodeOverhead bounds the arena bytes a node takes beyond its key and
// value: header, a full tower and alignment padding.
const maxNodeOverhead = nodeTower + 4*maxHeight + ikey.TrailerLen + 8

// memTable is the in-memory write buffer: a skiplist of internal keys in
// one preallocated arena, plus the range tombstones written to it.
//
// The arena makes an insert one bump allocation instead of several heap
// objects, keeps a node's header, tower and key together in memory, and
// leaves the garbage collector nothing to scan. Comparisons look at an
// 8-byte user-key prefix stored in the node header before touching keys.
//
// Concurrency: one writer at a time (the commit leader, or recovery)
// inserts; any number of readers iterate without locks. A node is fully
// written before it is linked, level 0 first, with atomic stores, so a
// reader sees either the old or the new list, never a half-linked node.
type memTable struct {
	arena []byte
	used  atomic.Uint64 // arena bytes allocated to nodes; written by the writer only
	// values is where the values allocated so far start: they fill the
	// arena from its end down to here. Written by the writer only.
	values atomic.Uint64
	head   uint32
	height atomic.Int32
	rng    *rand.Rand // writer only
	// last and lastPrev are the writer's finger: the node it inserted
	// last and that node's predecessor at each level (itself at the
	// levels it has). A commit's keys arrive sorted, so the next key
	// usually lands just after the last one, and its search starts there
	// (findAfterLast) instead of at the head (inserts of ascending keys, as
	// a bulk load's: 709 to 381 ns with 100-byte values).
	last     uint32
	lastPrev [maxHeight]uint32
	// popLow and popHigh bound the arena the writer has had mapped ahead
	// of its writes (populateAhead): [0, popLow) and [popHigh, end).
	// noPopulate: the kernel cannot.
	popLow, popHigh uint64
	noPopulate      bool

	// walNum is the WAL segment holding this memtable's writes.
	walNum uint64

	// entries counts the point entries, for the bytes a sample of them
	// stands for (sampleKeys).
	entries atomic.Int64

	tombMu    sync.RWMutex
	tombs     []ikey.Tombstone
	tombBytes atomic.Int64
	// hasTombs avoids taking tombMu on every point read.
	hasTombs atomic.Bool
}

// newMemTable returns a memtable whose arena holds capacity bytes.
func newMemTable(walNum uint64, capacity int) *memTable {
	return newMemTableIn(walNum, make([]byte, memArenaSize(capacity)))
}

// memArenaSize is the arena a memtable of capacity bytes takes.
func memArenaSize(capacity int) int { return max(capacity, 4096) + maxNodeOverhead }

// newMemTableIn is newMemTable in arena, which must be zeroed.
func newMemTableIn(walNum uint64, arena []byte) *memTable {
	m := &memTable{
		arena:  arena,
		rng:    rand.New(rand.NewPCG(walNum, 0x9e3779b97f4a7c15)),
		walNum: walNum,
	}
	m.used.Store(8)
	m.values.Store(uint64(len(m.arena)))
	m.popHigh = uint64(len(m.arena))
	m.head, _ = m.alloc(nodeTower+4*maxHeight, 0)
	binary.LittleEndian.PutUint32(m.arena[m.head+nodeHeight:], maxHeight)
	m.height.Store(1)
	for i := range m.lastPrev {
		m.lastPrev[i] = m.head
	}
	return m
}

// alloc reserves n bytes for a node and v for its value: the node's
// offset (8-byte aligned) and the value's; 0 if the arena is full.
func (m *memTable) alloc(n, v int) (node, value uint32) {
	off := m.used.Load()
	end := off + uint64(n+7)&^7
	vals := m.values.Load()
	if end+uint64(v) > vals {
		return 0, 0
	}
	m.used.Store(end)
	m.values.Store(vals - uint64(v))
	m.populateAhead(end, vals-uint64(v))
	return uint32(off), uint32(vals) - uint32(v)
}

// populateStep is how much of its arena a memtable has mapped at a time,
// ahead of the writes, at either end (populateAhead).
const populateStep = 1 << 20

// populateAhead has the kernel map the arena's pages the writer is about
// to fill, nodes up to low and values down from high, a populateStep at a
// time: a fresh arena's page costs a fault on its first write, and on a
// virtual machine whose page tables the hypervisor shadows, faults cost
// microseconds each (an fts-build's inserts spent a quarter of their CPU
// time in memTable.add, writing a fresh 64 MiB arena). Mapped in one call,
// a megabyte of pages costs about what a few of them faulted one by one
// do: writing 64 MiB of 500-byte values into fresh memory took 211-221
// ms, populated first 12 ms plus 94-106 ms (the hypervisor still fills
// its tables on first touch). Memory the process has used before costs
// neither (2 ms).
func (m *memTable) populateAhead(low, high uint64) {
	if m.noPopulate {
		return
	}
	if low > m.popLow {
		to := min(low+populateStep, m.popHigh)
		if !populate(m.arena[m.popLow:to]) {
			m.noPopulate = true
		}
		m.popLow = to
	}
	if high < m.popHigh {
		from := max(high, m.popLow+populateStep) - populateStep
		if !populate(m.arena[from:m.popHigh]) {
			m.noPopulate = true
		}
		m.popHigh = from
	}
}

// entryCost is an upper bound of the arena bytes an entry takes.
func entryCost(keyLen, valueLen int) int { return keyLen + valueLen + maxNodeOverhead }

// fits reports whether cost more bytes fit in the arena.
func (m *memTable) fits(cost int) bool {
	return m.used.Load()+uint64(cost) <= m.values.Load()
}

// allocated is the arena bytes taken by nodes and values.
func (m *memTable) allocated() int64 {
	return int64(m.used.Load()) + int64(len(m.arena)) - int64(m.values.Load())
}

// size is the memtable's footprint in bytes.
func (m *memTable) size() int64 { return m.allocated() + m.tombBytes.Load() }

func (m *memTable) tower(n uint32, level int) *uint32 {
	return (*uint32)(unsafe.Pointer(&m.arena[n+nodeTower+4*uint32(level)]))
}

func (m *memTable) next(n uint32, level int) uint32 { return atomic.LoadUint32(m.tower(n, level)) }

func (m *memTable) key(n uint32) []byte {
	kl := binary.LittleEndian.Uint32(m.arena[n+nodeKeyLen:])
	h := binary.LittleEndian.Uint32(m.arena[n+nodeHeight:])
	start := n + nodeTower + 4*h
	return m.arena[start : start+kl : start+kl]
}

func (m *memTable) value(n uint32) []byte {
	vl := binary.LittleEndian.Uint32(m.arena[n+nodeValLen:])
	start := binary.LittleEndian.Uint32(m.arena[n+nodeValOff:])
	return m.arena[start : start+vl : start+vl]
}

// prefixOf returns the ordering prefix of a user key: if prefixOf(a) <
// prefixOf(b) then a < b.
func prefixOf(ukey []byte) uint64 {
	if len(ukey) >= 8 {
		return binary.BigEndian.Uint64(ukey)
	}
	var b [8]byte
	copy(b[:], ukey)
	return binary.BigEndian.Uint64(b[:])
}

// less reports whether node n's key sorts before key (whose user-key
// prefix is kp).
func (m *memTable) less(n uint32, key []byte, kp uint64) bool {
	np := binary.LittleEndian.Uint64(m.arena[n+nodePrefix:])
	if np != kp {
		return np < kp
	}
	return ikey.Compare(m.key(n), key) < 0
}

func (m *memTable) randomHeight() int {
	h := 1
	for h < maxHeight && m.rng.Uint32()&3 == 0 {
		h++
	}
	return h
}

// findGE fills prev with the last node at each level whose key is < key and
// returns the first node with key >= key (0 if none).
func (m *memTable) findGE(key []byte, prev *[maxHeight]uint32) uint32 {
	kp := prefixOf(ikey.UserKey(key))
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := m.next(x, level)
		if next != 0 && m.less(next, key, kp) {
			x = next
			continue
		}
		if prev != nil {
			prev[level] = x
		}
		if level == 0 {
			return next
		}
		level--
	}
}

// findLT returns the last node with key < key, or head.
func (m *memTable) findLT(key []byte) uint32 {
	var prev [maxHeight]uint32
	m.findGE(key, &prev)
	return prev[0]
}

func (m *memTable) findLast() uint32 {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := m.next(x, level)
		if next != 0 {
			x = next
			continue
		}
		if level == 0 {
			return x
		}
		level--
	}
}

// add inserts an entry; it returns false, changing nothing, if the arena
// is full. Callers serialize adds and check fits first.
func (m *memTable) add(ukey []byte, seq ikey.SeqNum, kind ikey.Kind, value []byte) bool {
	if kind == ikey.KindRangeDelete {
		t := ikey.Tombstone{Start: bytes.Clone(ukey), End: bytes.Clone(value), Seq: seq}
		m.tombMu.Lock()
		m.tombs = append(m.tombs, t)
		m.tombMu.Unlock()
		m.hasTombs.Store(true)
		// Range tombstones live only in tombs: the skiplist holds point
		// entries, as tables do.
		m.tombBytes.Add(int64(len(ukey) + len(value) + 64))
		return true
	}
	h := m.randomHeight()
	kl := len(ukey) + ikey.TrailerLen
	n, v := m.alloc(nodeTower+4*h+kl, len(value))
	if n == 0 {
		return false
	}
	a := m.arena
	binary.LittleEndian.PutUint32(a[n+nodeKeyLen:], uint32(kl))
	binary.LittleEndian.PutUint32(a[n+nodeValLen:], uint32(len(value)))
	binary.LittleEndian.PutUint64(a[n+nodePrefix:], prefixOf(ukey))
	binary.LittleEndian.PutUint32(a[n+nodeHeight:], uint32(h))
	binary.LittleEndian.PutUint32(a[n+nodeValOff:], v)
	start := n + nodeTower + 4*uint32(h)
	ikey.Make(a[start:start], ukey, seq, kind)
	copy(a[v:], value)

	m.entries.Add(1)
	var prev [maxHeight]uint32
	key := a[start : start+uint32(kl)]
	if m.last != 0 && ikey.Compare(key, m.key(m.last)) > 0 {
		m.findAfterLast(key, &prev)
	} else {
		m.findGE(key, &prev)
	}
	if cur := int(m.height.Load()); h > cur {
		for l := cur; l < h; l++ {
			prev[l] = m.head
		}
		m.height.Store(int32(h))
	}
	for l := 0; l < h; l++ {
		atomic.StoreUint32(m.tower(n, l), m.next(prev[l], l))
		atomic.StoreUint32(m.tower(prev[l], l), n)
	}
	m.last = n
	for l := range m.lastPrev {
		switch {
		case l < h:
			m.lastPrev[l] = n
		case prev[l] != 0:
			m.lastPrev[l] = prev[l]
		default: // above the list's height
			m.lastPrev[l] = m.head
		}
	}
	return true
}

// findAfterLast is findGE(key, prev) for a key after the last one
// inserted: the search starts from the last insert's predecessors. It
// keeps those of the top levels whose successor is not before key (they
// are key's predecessors too, being before the last key) and descends
// from the highest level where it must move on. Every node it starts
// from is before key, which is all the descent needs; when the keys
// come in order and close together it touches a few nodes near the last
// insert instead of a path from the head.
func (m *memTable) findAfterLast(key []byte, prev *[maxHeight]uint32) {
	kp := prefixOf(ikey.UserKey(key))
	level := int(m.height.Load()) - 1
	for ; level > 0; level-- {
		if next := m.next(m.lastPrev[level], level); next != 0 && m.less(next, key, kp) {
			break
		}
		prev[level] = m.lastPrev[level]
	}
	x := m.lastPrev[level]
	for {
		next := m.next(x, level)
		if next != 0 && m.less(next, key, kp) {
			x = next
			continue
		}
		prev[level] = x
		if level == 0 {
			return
		}
		level--
	}
}

// get returns the newest version of ukey visible at seq: its seq, kind and
// value. ok is false when the memtable holds no visible version.
func (m *memTable) get(ukey []byte, seq ikey.SeqNum, scratch []byte) (ikey.SeqNum, ikey.Kind, []byte, bool) {
	search := ikey.Make(scratch[:0], ukey, seq, ikey.KindMax)
	n := m.findGE(search, nil)
	if n == 0 {
		return 0, 0, nil, false
	}
	k := m.key(n)
	if !bytes.Equal(ikey.UserKey(k), ukey) {
		return 0, 0, nil, false
	}
	return ikey.Seq(k), ikey.KindOf(k), m.value(n), true
}

// tombstones returns the range tombstones written to the memtable.
func (m *memTable) tombstones() []ikey.Tombstone {
	if !m.hasTombs.Load() {
		return nil
	}
	m.tombMu.RLock()
	defer m.tombMu.RUnlock()
	return m.tombs[:len(m.tombs):len(m.tombs)]
}

func (m *memTable) empty() bool { return m.next(m.head, 0) == 0 && !m.hasTombs.Load() }

// newIter returns an iterator over the memtable's point entries.
func (m *memTable) newIter() *memIter { return &memIter{m: m} }

// memIter iterates a memtable. It implements ikey.Iterator.
type memIter struct {
	m *memTable
	n uint32
}

var _ ikey.Iterator = (*memIter)(nil)

func (it *memIter) valid() bool { return it.n != 0 && it.n != it.m.head }

func (it *memIter) SeekGE(key []byte) bool {
	it.n = it.m.findGE(key, nil)
	return it.valid()
}

func (it *memIter) SeekLT(key []byte) bool {
	it.n = it.m.findLT(key)
	return it.valid()
}

func (it *memIter) First() bool {
	it.n = it.m.next(it.m.head, 0)
	return it.valid()
}

func (it *memIter) Last() bool {
	it.n = it.m.findLast()
	return it.valid()
}

func (it *memIter) Next() bool {
	if !it.valid() {
		return false
	}
	it.n = it.m.next(it.n, 0)
	return it.valid()
}

func (it *memIter) Prev() bool {
	if !it.valid() {
		return false
	}
	it.n = it.m.findLT(it.m.key(it.n))
	return it.valid()
}

func (it *memIter) Key() []byte   { return it.m.key(it.n) }
func (it *memIter) Value() []byte { return it.m.value(it.n) }
func (it *memIter) Error() error  { return nil }
func (it *memIter) Close() error  { return nil }

// sampleKeys returns user keys of the memtable inside (lo, hi), ascending,
// that sample its entries there evenly: the nodes of the highest level of
// the skiplist that has at least want of them in the range (each stands
// for about 4^level entries), or every entry. size is the bytes each
// stands for. nil bounds are open.
func (m *memTable) sampleKeys(lo, hi []byte, want int) (keys [][]byte, size int64) {
	n := m.entries.Load()
	if n == 0 {
		return nil, 0
	}
	// Every level starts at the head unless the search below finds a
	// later start: a writer may raise the height after the search read
	// it, and the levels above that would otherwise start at offset 0,
	// which is no node.
	var prev [maxHeight]uint32
	for i := range prev {
		prev[i] = m.head
	}
	if lo != nil {
		m.findGE(ikey.Make(nil, lo, ikey.SeqNumMax, ikey.KindMax), &prev)
	}
	for level := int(m.height.Load()) - 1; level >= 0; level-- {
		keys = keys[:0]
		for x := m.next(prev[level], level); x != 0; x = m.next(x, level) {
			u := ikey.UserKey(m.key(x))
			if hi != nil && bytes.Compare(u, hi) >= 0 {
				break
			}
			if lo != nil && bytes.Compare(u, lo) <= 0 || len(keys) > 0 && bytes.Equal(u, keys[len(keys)-1]) {
				continue
			}
			keys = append(keys, u)
		}
		if len(keys) >= want || level == 0 {
			for i, k := range keys {
				keys[i] = bytes.Clone(k)
			}
			return keys, m.allocated() / n << (2 * level)
		}
	}
	return nil, 0
}

// approxBytes returns about how many bytes the entries of user keys in
// [lo, hi) take: the entries' own sizes along the highest level of the
// skiplist that has at least 256 nodes in the range, each standing for
// 4^level entries (every entry when the range has fewer). nil bounds
// are open.
func (m *memTable) approxBytes(lo, hi []byte) uint64 {
	if m.entries.Load() == 0 {
		return 0
	}
	var prev [maxHeight]uint32
	for i := range prev {
		prev[i] = m.head
	}
	if lo != nil {
		m.findGE(ikey.Make(nil, lo, ikey.SeqNumMax, ikey.KindMax), &prev)
	}
	var end []byte
	if hi != nil {
		end = ikey.Make(nil, hi, ikey.SeqNumMax, ikey.KindMax)
	}
	for level := int(m.height.Load()) - 1; level >= 0; level-- {
		var nodes, bytes uint64
		for x := m.next(prev[level], level); x != 0; x = m.next(x, level) {
			k := m.key(x)
			if end != nil && ikey.Compare(k, end) >= 0 {
				break
			}
			nodes++
			bytes += uint64(len(k) + len(m.value(x)))
		}
		if nodes >= 256 || level == 0 {
			return bytes << (2 * level)
		}
	}
	return 0
}
