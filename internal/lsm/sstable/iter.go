package sstable

import (
	"bytes"
	"math"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

type iterState int8

const (
	unpositioned iterState = iota
	positioned
	beforeStart // ran off the start (or the lower bound)
	afterEnd    // ran off the end (or the upper bound)
)

// tableIter is the two-level iterator over a table: an iterator over the
// index block picks the data block, an iterator over that block the entry.
type tableIter struct {
	r            *Reader
	lower, upper []byte

	index   blockIter
	data    blockIter
	dataOff uint64
	loaded  bool
	// dataShared: the loaded block is shared memory (readBlockShared),
	// so its values may be kept (ValueShared).
	dataShared bool
	// belowUpper: every key of the loaded block is below the upper bound
	// (its index separator is), so stepping through it checks none.
	belowUpper bool
	buf        readBuf
	state      iterState
	err        error
	seekBuf    []byte
	closed     bool // in the reader's pool
}

var _ ikey.Iterator = (*tableIter)(nil)

// reset prepares a pooled iterator for reuse.
func (it *tableIter) reset() {
	it.state = unpositioned
	it.err = nil
	it.loaded = false
	it.data.data = nil
	it.data.valid = false
	it.buf.seqBlocks = 0
	it.buf.blockEnd = math.MaxUint64 // the next block is not "next"
	it.buf.fullMisses = 0
}

func (it *tableIter) initIndex() bool {
	if it.index.data == nil && it.err == nil {
		if it.index.init(it.r.index) != nil {
			it.err = corruptf(it.r.name, int64(it.r.footer.index.offset), "index block: malformed restart array")
		}
		it.index.restartKeys, it.index.fences, it.index.dense = it.r.indexKeys, it.r.indexFences, it.r.indexEntries
	}
	return it.err == nil
}

// loadBlock loads the data block the index iterator points at.
func (it *tableIter) loadBlock() bool {
	h, ok := it.index.handle()
	if !ok {
		it.err = corruptf(it.r.name, int64(it.r.footer.index.offset), "index block: malformed block handle for %s", ikey.Format(it.index.Key()))
		return false
	}
	if it.loaded && h.offset == it.dataOff {
		return true
	}
	it.loaded = false
	b, shared, err := it.r.readBlockShared(h, &it.buf, true, it.index.ordinal())
	if err != nil {
		it.err = err
		return false
	}
	if it.data.init(b) != nil {
		it.err = corruptf(it.r.name, int64(h.offset), "data block: malformed restart array")
		return false
	}
	it.dataOff, it.loaded, it.dataShared = h.offset, true, shared
	it.belowUpper = it.upper != nil && bytes.Compare(ikey.UserKey(it.index.Key()), it.upper) < 0
	return true
}

// stop ends a positioning call that found no entry: it records an error from
// the block iterators, if any, and the side the iterator ran off.
func (it *tableIter) stop(s iterState) bool {
	if it.err == nil {
		if it.data.err != nil {
			it.err = corruptf(it.r.name, int64(it.dataOff), "data block: malformed entry")
		} else if it.index.err != nil {
			it.err = corruptf(it.r.name, int64(it.r.footer.index.offset), "index block: malformed entry")
		}
	}
	it.state = s
	return false
}

// forward finishes a forward positioning call: the data iterator is on an
// entry (found) or exhausted; then it steps through following blocks.
func (it *tableIter) forward(found bool) bool {
	for !found {
		if it.data.err != nil || !it.index.Next() {
			return it.stop(afterEnd)
		}
		if !it.loadBlock() {
			return it.stop(afterEnd)
		}
		found = it.data.First()
	}
	if it.upper != nil && !it.belowUpper && bytes.Compare(ikey.UserKey(it.data.key), it.upper) >= 0 {
		return it.stop(afterEnd)
	}
	it.state = positioned
	return true
}

// backward is forward's mirror image.
func (it *tableIter) backward(found bool) bool {
	for !found {
		if it.data.err != nil || !it.index.Prev() {
			return it.stop(beforeStart)
		}
		if !it.loadBlock() {
			return it.stop(beforeStart)
		}
		found = it.data.Last()
	}
	if it.lower != nil && bytes.Compare(ikey.UserKey(it.data.key), it.lower) < 0 {
		return it.stop(beforeStart)
	}
	it.state = positioned
	return true
}

func (it *tableIter) seekGE(key []byte) bool {
	if !it.initIndex() {
		return false
	}
	// A forward seek to a key inside the block the iterator is on (after
	// its entry, at most the block's separator) stays in that block: no
	// index search, no block lookup; one in the next block steps there.
	// Merge joins and sorted lookups seek forward in small steps.
	if it.state == positioned && it.loaded && it.data.valid && it.index.valid && ikey.Compare(key, it.data.key) > 0 {
		if ikey.Compare(key, it.index.Key()) <= 0 {
			return it.forward(it.data.seekGEFrom(key))
		}
		// Or in the next block.
		if it.index.Next() && ikey.Compare(key, it.index.Key()) <= 0 {
			if !it.loadBlock() {
				return it.stop(afterEnd)
			}
			return it.forward(it.data.SeekGE(key))
		}
	}
	if !it.index.SeekGE(key) || !it.loadBlock() {
		return it.stop(afterEnd)
	}
	return it.forward(it.data.SeekGE(key))
}

func (it *tableIter) seekLT(key []byte) bool {
	if !it.initIndex() {
		return false
	}
	if !it.index.SeekGE(key) {
		if it.index.err != nil || !it.index.Last() {
			return it.stop(beforeStart)
		}
	}
	if !it.loadBlock() {
		return it.stop(beforeStart)
	}
	return it.backward(it.data.SeekLT(key))
}

// SeekGE positions at the first entry >= key within the bounds.
func (it *tableIter) SeekGE(key []byte) bool {
	if it.err != nil {
		return false
	}
	if it.lower != nil && bytes.Compare(ikey.UserKey(key), it.lower) < 0 {
		return it.seekGE(it.lowerKey())
	}
	if it.upper != nil && bytes.Compare(ikey.UserKey(key), it.upper) >= 0 {
		it.state = afterEnd
		return false
	}
	return it.seekGE(key)
}

// SeekLT positions at the last entry < key within the bounds.
func (it *tableIter) SeekLT(key []byte) bool {
	if it.err != nil {
		return false
	}
	if it.upper != nil && bytes.Compare(ikey.UserKey(key), it.upper) >= 0 {
		return it.seekLT(it.upperKey())
	}
	if it.lower != nil && bytes.Compare(ikey.UserKey(key), it.lower) < 0 {
		it.state = beforeStart
		return false
	}
	return it.seekLT(key)
}

// lowerKey is the smallest internal key of the lower bound.
func (it *tableIter) lowerKey() []byte {
	it.seekBuf = ikey.Make(it.seekBuf[:0], it.lower, ikey.SeqNumMax, ikey.KindMax)
	return it.seekBuf
}

// upperKey is the smallest internal key of the upper bound: SeekLT to it
// finds the last entry below the bound.
func (it *tableIter) upperKey() []byte {
	it.seekBuf = ikey.Make(it.seekBuf[:0], it.upper, ikey.SeqNumMax, ikey.KindMax)
	return it.seekBuf
}

func (it *tableIter) First() bool {
	if it.err != nil {
		return false
	}
	if it.lower != nil {
		return it.seekGE(it.lowerKey())
	}
	if !it.initIndex() {
		return false
	}
	if !it.index.First() || !it.loadBlock() {
		return it.stop(afterEnd)
	}
	return it.forward(it.data.First())
}

func (it *tableIter) Last() bool {
	if it.err != nil {
		return false
	}
	if it.upper != nil {
		return it.seekLT(it.upperKey())
	}
	if !it.initIndex() {
		return false
	}
	if !it.index.Last() || !it.loadBlock() {
		return it.stop(beforeStart)
	}
	return it.backward(it.data.Last())
}

func (it *tableIter) Next() bool {
	if it.err != nil {
		return false
	}
	switch it.state {
	case positioned:
		return it.forward(it.data.Next())
	case beforeStart:
		return it.First()
	}
	return false
}

func (it *tableIter) Prev() bool {
	if it.err != nil {
		return false
	}
	switch it.state {
	case positioned:
		return it.backward(it.data.Prev())
	case afterEnd:
		return it.Last()
	}
	return false
}

func (it *tableIter) Key() []byte {
	if it.state != positioned {
		return nil
	}
	return it.data.key
}

func (it *tableIter) Value() []byte {
	if it.state != positioned {
		return nil
	}
	return it.data.val
}

// ValueShared reports whether Value is shared memory that nothing
// writes again: it may be kept after the iterator moves or closes (and
// keeps its whole block alive while it is). Otherwise it is valid only
// until then.
func (it *tableIter) ValueShared() bool { return it.state == positioned && it.dataShared }

func (it *tableIter) Error() error { return it.err }

func (it *tableIter) Close() error {
	if it.closed {
		return nil
	}
	err := it.err
	it.buf.release()
	// Back to the reader's pool, keeping the block buffers (what the
	// iterator returned is no longer valid; see ikey.Iterator).
	it.buf = readBuf{reuse: true, raw: it.buf.raw[:0], dec: it.buf.dec[:0]}
	it.reset()
	it.lower, it.upper, it.closed = nil, nil, true
	it.r.iters.Put(it)
	return err
}
