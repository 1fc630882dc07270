package lsm

import (
	"bytes"
	"errors"
	"sort"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// mergingIter merges several sorted internal-key iterators into one, with a
// binary heap of the positioned children: a min-heap going forward, a
// max-heap going backward. Internal keys are unique across sources (each
// write has its own sequence number), so there are no ties to break.
type mergingIter struct {
	iters []ikey.Iterator
	keys  [][]byte // current key of each positioned child
	heap  []int
	fwd   bool
	err   error
	buf   []byte
	// behind is seekForward's scratch list of children to seek.
	behind []int
	// prefixMode: positioned by seekPrefixGE, whose level iterators
	// skip tables without the prefix (so seekForward cannot keep them).
	prefixMode bool
	// bounded marks the children that stop at the upper bound
	// themselves (level iterators: their tables' iterators do).
	bounded []bool
}

var _ ikey.Iterator = (*mergingIter)(nil)

func newMergingIter(iters []ikey.Iterator) *mergingIter {
	m := &mergingIter{iters: iters, keys: make([][]byte, len(iters)), heap: make([]int, 0, len(iters)), fwd: true,
		bounded: make([]bool, len(iters))}
	for i, it := range iters {
		_, m.bounded[i] = it.(*levelIter)
	}
	return m
}

// withinUpper reports whether the current entry comes from a child that
// keeps below the upper bound itself, so the caller need not check.
func (m *mergingIter) withinUpper() bool { return m.bounded[m.heap[0]] }

func (m *mergingIter) less(a, b int) bool {
	c := ikey.Compare(m.keys[m.heap[a]], m.keys[m.heap[b]])
	if m.fwd {
		return c < 0
	}
	return c > 0
}

func (m *mergingIter) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && m.less(r, l) {
			j = r
		}
		if !m.less(j, i) {
			return
		}
		m.heap[i], m.heap[j] = m.heap[j], m.heap[i]
		i = j
	}
}

// note records the outcome of positioning child i.
func (m *mergingIter) note(i int, ok bool) {
	if ok {
		m.keys[i] = m.iters[i].Key()
		m.heap = append(m.heap, i)
	} else if err := m.iters[i].Error(); err != nil && m.err == nil {
		m.err = err
	}
}

func (m *mergingIter) build() bool {
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m.valid()
}

func (m *mergingIter) valid() bool { return len(m.heap) > 0 && m.err == nil }

func (m *mergingIter) reset(fwd bool) {
	m.heap = m.heap[:0]
	m.err = nil
	m.fwd = fwd
	m.prefixMode = false
}

func (m *mergingIter) SeekGE(key []byte) bool {
	if m.fwd && !m.prefixMode && m.valid() && ikey.Compare(key, m.Key()) >= 0 {
		return m.seekForward(key)
	}
	m.reset(true)
	for i, it := range m.iters {
		m.note(i, it.SeekGE(key))
	}
	return m.build()
}

// seekForward is SeekGE to a key at or after the current one, moving
// forward. Each child sits on its first entry at or after the current key
// (the children off the heap have none), so a child already at or past
// key is on its first entry at or after key too: only the children
// behind key seek. In a merge join's run of nearby seeks most levels
// stay where they are.
func (m *mergingIter) seekForward(key []byte) bool {
	behind := m.behind[:0]
	kept := m.heap[:0]
	for _, i := range m.heap {
		if ikey.Compare(m.keys[i], key) >= 0 {
			kept = append(kept, i)
		} else {
			behind = append(behind, i)
		}
	}
	m.heap, m.behind = kept, behind
	for _, i := range behind {
		m.note(i, m.iters[i].SeekGE(key))
	}
	return m.build()
}

// seekPrefixGE is SeekGE for keys of one Split prefix only: level
// iterators skip the tables whose filters rule the prefix out (and the
// caller stops at the first key of another prefix).
//
// With enough non-nil, the children are sought newest first and the seek
// stops after the first whose entry satisfies it while every newer child
// sits past that entry's user key (or holds nothing at or after key): a
// newer child at or before it may hold a deletion of it, and then the
// answer lies further on, perhaps in an older child. The children not
// sought are left off the heap, as if exhausted (see
// Iterator.SeekPrefixNewest).
func (m *mergingIter) seekPrefixGE(prefix, key []byte, enough func(k []byte) bool) bool {
	m.reset(true)
	m.prefixMode = true
	for i, it := range m.iters {
		var ok bool
		if l, isLevel := it.(*levelIter); isLevel {
			ok = l.seekPrefixGE(prefix, key)
		} else {
			ok = it.SeekGE(key)
		}
		m.note(i, ok)
		if ok && enough != nil && enough(m.keys[i]) && m.heapPast(i, ikey.UserKey(m.keys[i])) {
			break
		}
	}
	return m.build()
}

// heapPast reports whether every child on the heap but i sits on a user
// key above u (seekPrefixGE's early stop: the heap holds the newer
// children sought so far).
func (m *mergingIter) heapPast(i int, u []byte) bool {
	for _, j := range m.heap {
		if j != i && bytes.Compare(ikey.UserKey(m.keys[j]), u) <= 0 {
			return false
		}
	}
	return true
}

func (m *mergingIter) SeekLT(key []byte) bool {
	m.reset(false)
	for i, it := range m.iters {
		m.note(i, it.SeekLT(key))
	}
	return m.build()
}

func (m *mergingIter) First() bool {
	m.reset(true)
	for i, it := range m.iters {
		m.note(i, it.First())
	}
	return m.build()
}

func (m *mergingIter) Last() bool {
	m.reset(false)
	for i, it := range m.iters {
		m.note(i, it.Last())
	}
	return m.build()
}

// step advances the top child in the current direction.
func (m *mergingIter) step() bool {
	if invariants {
		prev := bytes.Clone(m.Key())
		defer func() {
			if m.valid() {
				checkOrder("internal keys", prev, m.Key(), m.fwd, ikey.Compare)
			}
		}()
	}
	i := m.heap[0]
	var ok bool
	if m.fwd {
		ok = m.iters[i].Next()
	} else {
		ok = m.iters[i].Prev()
	}
	if ok {
		m.keys[i] = m.iters[i].Key()
		m.down(0)
	} else {
		if err := m.iters[i].Error(); err != nil {
			m.err = err
			return false
		}
		last := len(m.heap) - 1
		m.heap[0] = m.heap[last]
		m.heap = m.heap[:last]
		if last > 0 {
			m.down(0)
		}
	}
	return m.valid()
}

// switchDir repositions every child around the current key for the other
// direction: the others seek past it, the current one steps.
func (m *mergingIter) switchDir(fwd bool) bool {
	cur := m.heap[0]
	m.buf = append(m.buf[:0], m.keys[cur]...)
	key := m.buf
	m.reset(fwd)
	for i, it := range m.iters {
		var ok bool
		switch {
		case i == cur && fwd:
			ok = it.Next()
		case i == cur:
			ok = it.Prev()
		case fwd:
			ok = it.SeekGE(key)
			if ok && bytes.Equal(it.Key(), key) {
				ok = it.Next()
			}
		default:
			ok = it.SeekLT(key)
		}
		m.note(i, ok)
	}
	return m.build()
}

func (m *mergingIter) Next() bool {
	if !m.valid() {
		return false
	}
	if !m.fwd {
		return m.switchDir(true)
	}
	return m.step()
}

func (m *mergingIter) Prev() bool {
	if !m.valid() {
		return false
	}
	if m.fwd {
		return m.switchDir(false)
	}
	return m.step()
}

func (m *mergingIter) Key() []byte   { return m.keys[m.heap[0]] }
func (m *mergingIter) Value() []byte { return m.iters[m.heap[0]].Value() }

// valueShared reports whether Value may be kept past the next step
// (see sstable's ValueShared): only values of table blocks that are
// shared memory; a memtable's never, as keeping one would keep its
// whole arena alive.
func (m *mergingIter) valueShared() bool { return valueShared(m.iters[m.heap[0]]) }

func valueShared(it ikey.Iterator) bool {
	s, ok := it.(interface{ ValueShared() bool })
	return ok && s.ValueShared()
}

func (m *mergingIter) Error() error { return m.err }

func (m *mergingIter) Close() error {
	var errs []error
	for _, it := range m.iters {
		errs = append(errs, it.Close())
	}
	return errors.Join(errs...)
}

// levelIter iterates the tables of one sorted level (L1+) as one sequence,
// opening each table only when the iteration reaches it.
type levelIter struct {
	d            *DB
	files        []*fileMeta
	lower, upper []byte
	idx          int
	cur          ikey.Iterator
	err          error

	// prefixMode (seekPrefixGE): only tables that may hold keys with
	// prefix are opened.
	prefixMode bool
	prefix     []byte

	// reads counts the tables positioned in (opened, or sought again in
	// place) since the owner last took it (Iterator.chargeL0).
	reads int
}

var _ ikey.Iterator = (*levelIter)(nil)

func (l *levelIter) open(idx int) bool {
	if l.cur != nil {
		l.cur.Close()
		l.cur = nil
	}
	l.idx = idx
	if idx < 0 || idx >= len(l.files) {
		return false
	}
	r, err := l.d.tables.get(l.files[idx])
	if err != nil {
		l.err = err
		return false
	}
	l.cur = r.NewIter(l.lower, l.upper)
	l.reads++
	return true
}

// forward moves to following tables until one yields an entry.
func (l *levelIter) forward(ok bool) bool {
	for !ok {
		if l.cur == nil || l.cur.Error() != nil {
			if l.cur != nil {
				l.err = l.cur.Error()
			}
			return false
		}
		next := l.idx + 1
		if l.prefixMode {
			if next = l.nextWithPrefix(next); next < 0 {
				l.open(-1)
				return false
			}
		}
		if !l.open(next) {
			return false
		}
		ok = l.cur.First()
	}
	return true
}

// nextWithPrefix returns the first table at or after index i that may hold
// a key with l.prefix, or -1. Keys with a prefix form one contiguous run,
// so a table whose smallest key lacks the prefix ends the search (i is
// always past the table the seek landed in, whose keys reach the run).
func (l *levelIter) nextWithPrefix(i int) int {
	for ; i < len(l.files); i++ {
		if !bytes.HasPrefix(ikey.UserKey(l.files[i].smallest), l.prefix) {
			return -1
		}
		r, err := l.d.tables.get(l.files[i])
		if err != nil || r.MayContainPrefix(l.prefix) {
			return i // an error surfaces when the table is opened
		}
	}
	return -1
}

// seekPrefixGE is SeekGE restricted to keys with prefix (see
// Iterator.SeekPrefixGE): tables whose filter rules the prefix out are
// skipped without reading a block.
func (l *levelIter) seekPrefixGE(prefix, key []byte) bool {
	l.err = nil
	l.prefixMode = true
	l.prefix = prefix
	i := sort.Search(len(l.files), func(i int) bool { return ikey.Compare(l.files[i].largest, key) >= 0 })
	if i < len(l.files) {
		r, err := l.d.tables.get(l.files[i])
		if err == nil && !r.MayContainPrefix(prefix) {
			i = l.nextWithPrefix(i + 1)
		}
	}
	if !l.open(i) {
		return false
	}
	return l.forward(l.cur.SeekGE(key))
}

func (l *levelIter) backward(ok bool) bool {
	for !ok {
		if l.cur == nil || l.cur.Error() != nil {
			if l.cur != nil {
				l.err = l.cur.Error()
			}
			return false
		}
		if !l.open(l.idx - 1) {
			return false
		}
		ok = l.cur.Last()
	}
	return true
}

func (l *levelIter) SeekGE(key []byte) bool {
	l.err = nil
	l.prefixMode = false
	// A seek within the table the iterator is on keeps its iterator (and
	// the block it holds) instead of reopening the table.
	if l.cur != nil && l.cur.Error() == nil && l.idx >= 0 && l.idx < len(l.files) &&
		ikey.Compare(l.files[l.idx].largest, key) >= 0 && (l.idx == 0 || ikey.Compare(l.files[l.idx-1].largest, key) < 0) {
		l.reads++
		return l.forward(l.cur.SeekGE(key))
	}
	i := sort.Search(len(l.files), func(i int) bool { return ikey.Compare(l.files[i].largest, key) >= 0 })
	if !l.open(i) {
		return false
	}
	return l.forward(l.cur.SeekGE(key))
}

func (l *levelIter) SeekLT(key []byte) bool {
	l.err = nil
	l.prefixMode = false
	i := sort.Search(len(l.files), func(i int) bool { return ikey.Compare(l.files[i].smallest, key) >= 0 }) - 1
	if !l.open(i) {
		return false
	}
	return l.backward(l.cur.SeekLT(key))
}

func (l *levelIter) First() bool {
	l.err = nil
	l.prefixMode = false
	if !l.open(0) {
		return false
	}
	return l.forward(l.cur.First())
}

func (l *levelIter) Last() bool {
	l.err = nil
	l.prefixMode = false
	if !l.open(len(l.files) - 1) {
		return false
	}
	return l.backward(l.cur.Last())
}

func (l *levelIter) Next() bool {
	if l.cur == nil {
		return false
	}
	return l.forward(l.cur.Next())
}

func (l *levelIter) Prev() bool {
	if l.cur == nil {
		return false
	}
	return l.backward(l.cur.Prev())
}

func (l *levelIter) Key() []byte   { return l.cur.Key() }
func (l *levelIter) Value() []byte { return l.cur.Value() }

// ValueShared: see mergingIter.valueShared.
func (l *levelIter) ValueShared() bool { return l.cur != nil && valueShared(l.cur) }
func (l *levelIter) Error() error      { return l.err }

func (l *levelIter) Close() error {
	if l.cur != nil {
		err := l.cur.Close()
		l.cur = nil
		return err
	}
	return nil
}
