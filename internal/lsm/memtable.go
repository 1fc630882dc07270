package lsm

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

const maxHeight = 20

// skipNode is a skiplist node. key is an internal key; key and value share
// one allocation.
type skipNode struct {
	key, value []byte
	next       []atomic.Pointer[skipNode]
}

// memTable is the in-memory write buffer: a skiplist of internal keys plus
// the range tombstones written to it.
//
// Concurrency: one writer at a time (the commit leader, or recovery) inserts;
// any number of readers iterate without locks. A node is fully built before
// it is published with an atomic store, level 0 first, so a reader sees
// either the old or the new list, never a half-linked node.
type memTable struct {
	head   *skipNode
	height atomic.Int32
	size   atomic.Int64 // approximate bytes used
	rng    *rand.Rand   // writer only

	// walNum is the WAL segment holding this memtable's writes.
	walNum uint64

	tombMu sync.RWMutex
	tombs  []ikey.Tombstone
	// hasTombs avoids taking tombMu on every point read.
	hasTombs atomic.Bool
}

func newMemTable(walNum uint64) *memTable {
	m := &memTable{
		head:   &skipNode{next: make([]atomic.Pointer[skipNode], maxHeight)},
		rng:    rand.New(rand.NewPCG(walNum, 0x9e3779b97f4a7c15)),
		walNum: walNum,
	}
	m.height.Store(1)
	return m
}

func (m *memTable) randomHeight() int {
	h := 1
	for h < maxHeight && m.rng.Uint32()&3 == 0 {
		h++
	}
	return h
}

// findGE fills prev with the last node at each level whose key is < key and
// returns the first node with key >= key (nil if none).
func (m *memTable) findGE(key []byte, prev *[maxHeight]*skipNode) *skipNode {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil && ikey.Compare(next.key, key) < 0 {
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
func (m *memTable) findLT(key []byte) *skipNode {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil && ikey.Compare(next.key, key) < 0 {
			x = next
			continue
		}
		if level == 0 {
			return x
		}
		level--
	}
}

func (m *memTable) findLast() *skipNode {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil {
			x = next
			continue
		}
		if level == 0 {
			return x
		}
		level--
	}
}

// add inserts an entry. Callers serialize adds.
func (m *memTable) add(ukey []byte, seq ikey.SeqNum, kind ikey.Kind, value []byte) {
	if kind == ikey.KindRangeDelete {
		t := ikey.Tombstone{Start: bytes.Clone(ukey), End: bytes.Clone(value), Seq: seq}
		m.tombMu.Lock()
		m.tombs = append(m.tombs, t)
		m.tombMu.Unlock()
		m.hasTombs.Store(true)
		// Range tombstones live only in tombs: the skiplist holds point
		// entries, as tables do.
		m.size.Add(int64(len(ukey) + len(value) + 64))
		return
	}
	buf := make([]byte, len(ukey)+ikey.TrailerLen+len(value))
	ik := ikey.Make(buf[:0], ukey, seq, kind)
	copy(buf[len(ik):], value)
	h := m.randomHeight()
	n := &skipNode{key: buf[:len(ik):len(ik)], value: buf[len(ik):], next: make([]atomic.Pointer[skipNode], h)}

	var prev [maxHeight]*skipNode
	m.findGE(n.key, &prev)
	if cur := int(m.height.Load()); h > cur {
		for l := cur; l < h; l++ {
			prev[l] = m.head
		}
		m.height.Store(int32(h))
	}
	for l := 0; l < h; l++ {
		n.next[l].Store(prev[l].next[l].Load())
		prev[l].next[l].Store(n)
	}
	m.size.Add(int64(len(buf) + 48 + 8*h))
}

// get returns the newest version of ukey visible at seq: its seq, kind and
// value. ok is false when the memtable holds no visible version.
func (m *memTable) get(ukey []byte, seq ikey.SeqNum, scratch []byte) (ikey.SeqNum, ikey.Kind, []byte, bool) {
	search := ikey.Make(scratch[:0], ukey, seq, ikey.KindMax)
	n := m.findGE(search, nil)
	if n == nil || !bytes.Equal(ikey.UserKey(n.key), ukey) {
		return 0, 0, nil, false
	}
	return ikey.Seq(n.key), ikey.KindOf(n.key), n.value, true
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

func (m *memTable) empty() bool { return m.head.next[0].Load() == nil && !m.hasTombs.Load() }

// newIter returns an iterator over the memtable's point entries.
func (m *memTable) newIter() *memIter { return &memIter{m: m} }

// memIter iterates a memtable. It implements ikey.Iterator.
type memIter struct {
	m *memTable
	n *skipNode
}

var _ ikey.Iterator = (*memIter)(nil)

func (it *memIter) valid() bool { return it.n != nil && it.n != it.m.head }

func (it *memIter) SeekGE(key []byte) bool {
	it.n = it.m.findGE(key, nil)
	return it.valid()
}

func (it *memIter) SeekLT(key []byte) bool {
	it.n = it.m.findLT(key)
	return it.valid()
}

func (it *memIter) First() bool {
	it.n = it.m.head.next[0].Load()
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
	it.n = it.n.next[0].Load()
	return it.valid()
}

func (it *memIter) Prev() bool {
	if !it.valid() {
		return false
	}
	it.n = it.m.findLT(it.n.key)
	return it.valid()
}

func (it *memIter) Key() []byte   { return it.n.key }
func (it *memIter) Value() []byte { return it.n.value }
func (it *memIter) Error() error  { return nil }
func (it *memIter) Close() error  { return nil }
