package mvcc

import (
	"bytes"

	"github.com/cairndb/cairn/internal/lsm"
)

// Iterator walks the keys of a range as a transaction sees them: its
// snapshot merged with its own writes as they were when the scan began.
// Key and Value are valid until the next call to Next.
type Iterator struct {
	t       *Txn
	reverse bool
	err     error

	// committed side
	it      *lsm.Iterator
	started bool
	cValid  bool
	cKey    []byte // user key, when cKeyOK (decoded from prefix on demand)
	cKeyOK  bool
	cVal    []byte // forward: the lsm iterator's value (not a copy)
	// cTaken: the committed entry is the current one, handed out by Next
	// without a copy; the committed side moves on at the next call.
	cTaken bool
	cTomb  bool
	prefix []byte // version prefix of the current committed entry

	// buffered side: a copy of the write set's entries in range, in
	// iteration order
	buf []bufItem
	bi  int

	key, value []byte
	bufVal     []byte // the value of a buffered entry
	closed     bool
	atKey      bool // Next or SeekGE found key
	seekBuf    []byte
}

type bufItem struct {
	key string
	e   bufEntry
}

// Scan returns a forward iterator over [start, end); nil bounds are
// unbounded. Under SERIALIZABLE the whole range joins the read set.
func (t *Txn) Scan(start, end []byte) *Iterator { return t.newIter(start, end, false) }

// ReverseScan returns an iterator over [start, end) from the last key
// down.
func (t *Txn) ReverseScan(start, end []byte) *Iterator { return t.newIter(start, end, true) }

func (t *Txn) newIter(start, end []byte, reverse bool) *Iterator {
	it := &Iterator{t: t, reverse: reverse}
	if t.done {
		it.err = ErrTxnDone
		return it
	}
	if t.reads != nil {
		t.ranges = append(t.ranges, keyRange{start: bytes.Clone(start), end: cloneNil(end)})
	}
	// The buffered writes in range, as of now.
	for _, k := range t.rangeKeys(start, end) {
		e, err := t.settle(k, t.writes[k])
		if err != nil {
			it.err = err
			return it
		}
		it.buf = append(it.buf, bufItem{k, e})
	}
	if reverse {
		for i, j := 0, len(it.buf)-1; i < j; i, j = i+1, j-1 {
			it.buf[i], it.buf[j] = it.buf[j], it.buf[i]
		}
	}
	o := &lsm.IterOptions{LowerBound: minDataKey}
	if start != nil {
		o.LowerBound = appendPrefix(nil, start)
	}
	if end != nil {
		o.UpperBound = appendPrefix(nil, end)
	}
	it.it = t.db.lsm.NewIter(o)
	return it
}

func cloneNil(b []byte) []byte {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}

// maxNextsBeforeSeek is how many older versions (or versions above the
// read timestamp) the committed side steps over one by one before it seeks
// past them instead.
const maxNextsBeforeSeek = 4

// nextCommitted positions the committed side on the next user key's
// visible version (a value or a tombstone) in iteration order.
func (it *Iterator) nextCommitted() {
	if it.reverse {
		it.prevCommitted()
		return
	}
	li := it.it
	var ok bool
	if !it.started {
		it.started = true
		ok = li.First()
	} else {
		// Skip the older versions of the current key.
		ok = li.Next()
		for n := 0; ok && hasPrefix(li.Key(), it.prefix); n++ {
			if n == maxNextsBeforeSeek {
				ok = li.SeekGE(prefixEnd(nil, it.prefix))
				break
			}
			ok = li.Next()
		}
	}
	it.findCommitted(ok)
}

// findCommitted positions the committed side on the first visible
// version at or after the lsm iterator's entry (ok: it is on one).
func (it *Iterator) findCommitted(ok bool) {
	li := it.it
	readTs := it.t.readTs
	n := 0
	for ok {
		p, ts, valid := splitKey(li.Key())
		if !valid {
			ok = li.Next()
			continue
		}
		if ts > readTs {
			n++
			if n > maxNextsBeforeSeek {
				n = 0
				ok = li.SeekGE(appendKey(nil, decodePrefix(nil, p), readTs))
			} else {
				ok = li.Next()
			}
			continue
		}
		it.setCommitted(p, li.Value())
		return
	}
	it.cValid = false
	if err := li.Error(); err != nil {
		it.err = err
	}
}

// prevCommitted is nextCommitted backwards. Walking backwards meets a
// key's versions oldest first, so the visible one is the last at or below
// the read timestamp before the key changes.
func (it *Iterator) prevCommitted() {
	li := it.it
	var ok bool
	if !it.started {
		it.started = true
		ok = li.Last()
	} else if it.cValid {
		// The lsm iterator already sits before the current key, or on a
		// version of it above the read timestamp: skip those.
		ok = li.Valid()
		for ok && hasPrefix(li.Key(), it.prefix) {
			ok = li.Prev()
		}
	} else {
		ok = false
	}
	readTs := it.t.readTs
	var have bool
	for ok {
		p, ts, valid := splitKey(li.Key())
		if !valid {
			ok = li.Prev()
			continue
		}
		if have && !bytes.Equal(p, it.prefix) {
			return // li sits on the previous key: the next call starts there
		}
		if ts <= readTs {
			it.setCommitted(p, li.Value())
			have = true
		} else if have {
			return // newer than the snapshot: the candidate stands
		}
		ok = li.Prev()
	}
	if err := li.Error(); err != nil {
		it.err = err
	}
	it.cValid = have
}

// setCommitted makes the version with prefix p and value v the committed
// side's entry. Forward, the lsm iterator stays on it until the entry is
// passed, so the value is not copied; backward it moves on, so it is.
func (it *Iterator) setCommitted(p, v []byte) {
	it.prefix = append(it.prefix[:0], p...)
	it.cKeyOK = false
	it.cValid = true
	it.cTomb = len(v) == 0 || v[0] == tagTombstone
	if !it.cTomb {
		if it.reverse {
			it.cVal = append(it.cVal[:0], v[1:]...)
		} else {
			it.cVal = v[1:]
		}
	}
}

// committedKey returns the committed side's user key.
func (it *Iterator) committedKey() []byte {
	if !it.cKeyOK {
		it.cKey = decodePrefix(it.cKey[:0], it.prefix)
		it.cKeyOK = true
	}
	return it.cKey
}

func hasPrefix(k, p []byte) bool {
	return len(k) == len(p)+tsLen && bytes.HasPrefix(k, p)
}

// Next moves to the next key and reports whether there is one.
func (it *Iterator) Next() bool {
	it.atKey = it.next()
	return it.atKey
}

func (it *Iterator) next() bool {
	if it.err != nil || it.closed {
		return false
	}
	if !it.started {
		it.nextCommitted()
	} else if it.cTaken {
		it.cTaken = false
		it.nextCommitted()
	}
	for {
		if it.err != nil {
			return false
		}
		haveB := it.bi < len(it.buf)
		if !it.cValid && !haveB {
			return false
		}
		c := 0 // which side is first: <0 committed, >0 buffer, 0 same key
		switch {
		case !it.cValid:
			c = 1
		case !haveB:
			c = -1
		default:
			c = bytes.Compare(it.committedKey(), []byte(it.buf[it.bi].key))
			if it.reverse {
				c = -c
			}
		}
		if c < 0 {
			if it.cTomb {
				it.nextCommitted()
				continue
			}
			// The committed entry is the current one, in place: its key
			// is decoded if asked for, its value not copied.
			it.cTaken = true
			it.value = it.cVal
			return true
		}
		b := it.buf[it.bi]
		it.bi++
		if c == 0 {
			it.nextCommitted() // the buffered write shadows it
		}
		if b.e.tomb {
			continue
		}
		// (Into buffers of their own: it.value may alias cVal.)
		it.key, it.bufVal = append(it.key[:0], b.key...), append(it.bufVal[:0], b.e.value...)
		it.value = it.bufVal
		return true
	}
}

// SeekGE moves a forward iterator to the first key at or after key (and
// within its range), and reports whether there is one. Seeks must go
// forward: a key before the current one is the current one. A seek near
// the current key is cheap: the storage iterators stay in the block
// they are on.
func (it *Iterator) SeekGE(key []byte) bool {
	if it.err != nil || it.closed {
		return false
	}
	if it.reverse {
		panic("mvcc: SeekGE on a reverse iterator")
	}
	if it.atKey && bytes.Compare(it.Key(), key) >= 0 {
		return true
	}
	// The buffered side: skip the writes before key.
	for it.bi < len(it.buf) && it.buf[it.bi].key < string(key) {
		it.bi++
	}
	// The committed side, unless it already sits at or after key.
	if !it.started || it.cValid && bytes.Compare(it.committedKey(), key) < 0 {
		it.started, it.cTaken = true, false
		it.seekBuf = appendKey(it.seekBuf[:0], key, it.t.readTs)
		it.findCommitted(it.it.SeekGE(it.seekBuf))
	}
	return it.Next()
}

// Key returns the current key.
func (it *Iterator) Key() []byte {
	if it.cTaken {
		return it.committedKey()
	}
	return it.key
}

// Value returns the current value.
func (it *Iterator) Value() []byte { return it.value }

// Err returns the error that stopped the iteration, if any.
func (it *Iterator) Err() error { return it.err }

// Close releases the iterator and returns its error, if any.
func (it *Iterator) Close() error {
	if !it.closed {
		it.closed = true
		if it.it != nil {
			if err := it.it.Close(); err != nil && it.err == nil {
				it.err = err
			}
		}
	}
	return it.err
}

// SplitKeys returns up to n-1 keys, ascending and inside (start, end),
// that cut the committed data of [start, end) into parts of about equal
// size (see lsm.DB.SplitKeys), or none. A scan of [start, end) may read
// the parts [start, k1), [k1, k2), ..., [kn, end) instead, each through
// its own iterator, concurrently: iterators of one transaction share
// nothing once made.
func (t *Txn) SplitKeys(start, end []byte, n int) [][]byte {
	lo := minDataKey
	if start != nil {
		lo = appendPrefix(nil, start)
	}
	var hi []byte
	if end != nil {
		hi = appendPrefix(nil, end)
	}
	var out [][]byte
	for _, k := range t.db.lsm.SplitKeys(lo, hi, n) {
		p, _, ok := splitKey(k)
		if !ok {
			continue
		}
		u := decodePrefix(nil, p)
		if (start == nil || bytes.Compare(u, start) > 0) && (end == nil || bytes.Compare(u, end) < 0) &&
			(len(out) == 0 || bytes.Compare(u, out[len(out)-1]) > 0) {
			out = append(out, u)
		}
	}
	return out
}
