package sstable

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// blockBuilder accumulates the entries of one block (data, index or
// range-deletion block) in the prefix-compressed format described in doc.go.
type blockBuilder struct {
	restartInterval int
	buf             []byte
	restarts        []uint32
	counter         int // entries since the last restart point
	restartAt       int // len(buf) at the last restart point
	nEntries        int
	lastKey         []byte
}

func (b *blockBuilder) reset() {
	b.buf = b.buf[:0]
	b.restarts = b.restarts[:0]
	b.counter = 0
	b.restartAt = 0
	b.nEntries = 0
	b.lastKey = b.lastKey[:0]
}

// restartBytes also starts a restart point once the entries since the
// last one hold this many bytes: a seek steps through at most a kilobyte
// of large rows, not sixteen of them (a few restart keys more per block).
const restartBytes = 1 << 10

func (b *blockBuilder) empty() bool { return b.nEntries == 0 }

func (b *blockBuilder) add(key, value []byte) {
	shared := 0
	if b.counter >= b.restartInterval || b.nEntries == 0 || b.restartInterval > 1 && len(b.buf)-b.restartAt >= restartBytes {
		b.restarts = append(b.restarts, uint32(len(b.buf)))
		b.restartAt = len(b.buf)
		b.counter = 0
	} else {
		n := min(len(key), len(b.lastKey))
		for shared < n && key[shared] == b.lastKey[shared] {
			shared++
		}
	}
	b.buf = binary.AppendUvarint(b.buf, uint64(shared))
	b.buf = binary.AppendUvarint(b.buf, uint64(len(key)-shared))
	b.buf = binary.AppendUvarint(b.buf, uint64(len(value)))
	b.buf = append(b.buf, key[shared:]...)
	b.buf = append(b.buf, value...)
	b.lastKey = append(b.lastKey[:0], key...)
	b.counter++
	b.nEntries++
}

// estimatedSize is the size finish would return.
func (b *blockBuilder) estimatedSize() int {
	return len(b.buf) + 4*len(b.restarts) + 4
}

// finish appends the restart array and returns the block contents, valid
// until the next reset.
func (b *blockBuilder) finish() []byte {
	for _, r := range b.restarts {
		b.buf = binary.LittleEndian.AppendUint32(b.buf, r)
	}
	b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(len(b.restarts)))
	return b.buf
}

// errBlockFormat is the detail of a malformed block; its owner (which knows
// the file and the block offset) wraps it into an ikey.ErrCorruption error.
var errBlockFormat = errors.New("malformed block")

// blockEntry remembers one decoded entry of the current restart interval so
// that Prev does not re-decode the interval on every step.
type blockEntry struct {
	offset, next     int32
	keyStart, keyEnd int32 // in blockIter.cacheBuf
	valStart, valEnd int32 // in blockIter.data
}

// blockIter iterates over the entries of one block. Keys are internal keys,
// compared with ikey.Compare. It never allocates once its buffers have grown.
type blockIter struct {
	data        []byte // block contents, without trailer
	restarts    int    // offset of the restart array
	numRestarts int
	offset      int // current entry
	next        int // entry after the current one
	key         []byte
	val         []byte
	valid       bool
	err         error
	// keyShared says that the current key is a dense block's restart
	// key keyR, which setDense does not copy, nor even load: a point
	// read's seek, whose fences found the entry without comparing its
	// key, never reads it (loading it was a cache miss a read). key is
	// nil until curKey loads it. ownKey is then the iterator's own
	// buffer, which keyPrefix goes back to before a key is built.
	keyShared bool
	keyR      int
	ownKey    []byte

	// cache holds the entries from the start of the current restart interval
	// up to and including the current entry, when the iterator got there by
	// Last, SeekLT or Prev; cacheBuf holds their keys.
	cache    []blockEntry
	cacheBuf []byte

	// restartKeys, when set, are the block's restart keys, decoded
	// beforehand (a table's index block: Reader.indexKeys), and fences
	// their summaries (see keyFences), which a search goes through first.
	restartKeys [][]byte
	fences      *keyFences
	// dense, when set with restartKeys, says that every entry of the
	// block is a restart point (an index block's are: the writer makes
	// them so, and Open checks) and holds each entry's offsets and
	// value: a seek then lands on the entry its search found, decoding
	// nothing, where it would decode the entry before and step.
	dense []denseEntry
	// ord is the current entry's number when the iterator got there
	// by a dense seek, First or Next (see ordinal).
	ord int
}

// ordinal returns the current entry's number in a dense block, or -1
// when not known.
func (i *blockIter) ordinal() int {
	if i.valid && i.ord >= 0 && i.ord < len(i.dense) && int(i.dense[i.ord].off) == i.offset {
		return i.ord
	}
	return -1
}

// handle returns the current entry's value as a block handle.
func (i *blockIter) handle() (handle, bool) {
	if r := i.ordinal(); r >= 0 && i.dense[r].hOK {
		return i.dense[r].h, true
	}
	return decodeHandle(i.val)
}

// denseEntry is one entry of a block all of whose entries are restart
// points (blockIter.dense).
type denseEntry struct {
	off, next int32
	val       []byte
	// h is val decoded as a block handle (an index block's value), if
	// hOK: a point read takes it from here, where the seek that found
	// the entry read its offsets, and not from the block, a cache miss.
	h   handle
	hOK bool
}

// keyFences summarizes sorted keys for search: the bytes most keys' user
// keys share (prefix), and per key the 16 bytes after them as a pair of
// big-endian numbers (zero-padded). The pairs never decrease along the
// keys, so a binary search over them, one compact array, narrows a search
// to the keys with the sought key's pair, and only those are compared
// whole. A table's index keys share their table and index prefix, and the
// store escapes zero bytes, so whole keys share a long head: comparing
// them cost a point read a cache miss or two per probe.
type keyFences struct {
	prefix []byte
	nums   []fence
}

type fence struct{ hi, lo uint64 }

func compareFence(a, b fence) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	return cmp.Compare(a.lo, b.lo)
}

func newKeyFences(keys [][]byte) *keyFences {
	if len(keys) == 0 {
		return nil
	}
	// The prefix is that of most keys, not all: an index block's last
	// key is often a short separator ("u") sharing nothing with the rest.
	// Keys without it map to the least or greatest pair (fenceOf), so the
	// pairs still never decrease.
	a, b := ikey.UserKey(keys[len(keys)/16]), ikey.UserKey(keys[len(keys)-1-len(keys)/16])
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	f := &keyFences{prefix: a[:n:n], nums: make([]fence, len(keys))}
	for i, k := range keys {
		f.nums[i] = f.fenceOf(ikey.UserKey(k))
	}
	return f
}

// fenceOf is a user key's pair: the 16 bytes after the prefix, zero-padded,
// or the least pair for a key before the prefix and the greatest for one
// after it (without it).
func (f *keyFences) fenceOf(ukey []byte) fence {
	n := len(f.prefix)
	if len(ukey) >= n && bytes.Equal(ukey[:n], f.prefix) {
		var x [16]byte
		copy(x[:], ukey[n:])
		return fence{binary.BigEndian.Uint64(x[:8]), binary.BigEndian.Uint64(x[8:])}
	}
	if bytes.Compare(ukey, f.prefix) < 0 {
		return fence{}
	}
	return fence{math.MaxUint64, math.MaxUint64}
}

// bounds returns [lo, hi): the keys at or after key start at or after lo
// and every key from hi on is after key.
func (f *keyFences) bounds(ukey []byte) (lo, hi int) {
	q := f.fenceOf(ukey)
	lo, _ = slices.BinarySearchFunc(f.nums, q, compareFence)
	// The end of the equal pairs, galloping from lo: usually there are
	// none or few, next to the last probe.
	step := 1
	for lo+step <= len(f.nums) && compareFence(f.nums[lo+step-1], q) == 0 {
		step *= 2
	}
	from, to := lo+step/2, min(lo+step, len(f.nums))
	n, _ := slices.BinarySearchFunc(f.nums[from:to], q, func(e, t fence) int {
		if compareFence(e, t) <= 0 {
			return -1 // still equal: the end is further
		}
		return 1
	})
	return lo, from + n
}

// init points the iterator at a block. It reports a malformed restart array.
func (i *blockIter) init(data []byte) error {
	i.data = data
	i.valid = false
	i.err = nil
	i.cache = i.cache[:0]
	i.offset, i.next = 0, 0
	if len(data) < 4 {
		i.data, i.restarts, i.numRestarts = nil, 0, 0
		i.err = errBlockFormat
		return i.err
	}
	n := binary.LittleEndian.Uint32(data[len(data)-4:])
	if uint64(n) > uint64(len(data)-4)/4 || (n == 0 && len(data) != 4) {
		i.data, i.restarts, i.numRestarts = nil, 0, 0
		i.err = errBlockFormat
		return i.err
	}
	i.numRestarts = int(n)
	i.restarts = len(data) - 4 - 4*int(n)
	return nil
}

func (i *blockIter) restartOffset(r int) int {
	return int(binary.LittleEndian.Uint32(i.data[i.restarts+4*r:]))
}

// uvarint decodes a varint at p, bounded by end.
func uvarint(b []byte, p, end int) (uint64, int) {
	if p < end && b[p] < 0x80 {
		return uint64(b[p]), p + 1
	}
	if p >= end {
		return 0, -1
	}
	v, n := binary.Uvarint(b[p:end])
	if n <= 0 {
		return 0, -1
	}
	return v, p + n
}

// decodeAt decodes the entry at off into key/val, reusing the current key as
// the shared prefix. It returns false and sets err on malformed input.
func (i *blockIter) decodeAt(off int) bool {
	end := i.restarts
	if off < 0 || off+3 > end {
		return i.decodeAtSlow(off)
	}
	// Fast paths: the three varints are one byte each, or the value's
	// length takes two (a value of 128 bytes to 16 KiB, as rows are).
	d := i.data[off : off+3 : off+3]
	if d[0]|d[1]|d[2] < 0x80 {
		return i.setEntry(off, off+3, uint64(d[0]), uint64(d[1]), uint64(d[2]))
	}
	if d[0]|d[1] < 0x80 && off+4 <= end && i.data[off+3] < 0x80 {
		vlen := uint64(d[2]&0x7f) | uint64(i.data[off+3])<<7
		return i.setEntry(off, off+4, uint64(d[0]), uint64(d[1]), vlen)
	}
	return i.decodeAtSlow(off)
}

func (i *blockIter) decodeAtSlow(off int) bool {
	end := i.restarts
	if off < 0 || off >= end {
		return i.fail()
	}
	shared, p := uvarint(i.data, off, end)
	if p < 0 {
		return i.fail()
	}
	unshared, p := uvarint(i.data, p, end)
	if p < 0 {
		return i.fail()
	}
	vlen, p := uvarint(i.data, p, end)
	if p < 0 {
		return i.fail()
	}
	return i.setEntry(off, p, shared, unshared, vlen)
}

// setEntry makes the entry at off, whose key delta starts at p, current.
func (i *blockIter) setEntry(off, p int, shared, unshared, vlen uint64) bool {
	end := i.restarts
	if shared > 0 {
		i.curKey()
	}
	if shared > uint64(len(i.key)) || unshared > uint64(end-p) || vlen > uint64(end-p)-unshared {
		return i.fail()
	}
	ke := p + int(unshared)
	ve := ke + int(vlen)
	i.key = append(i.keyPrefix(int(shared)), i.data[p:ke]...)
	if len(i.key) < ikey.TrailerLen {
		return i.fail()
	}
	i.val = i.data[ke:ve:ve]
	i.offset, i.next = off, ve
	i.valid = true
	return true
}

func (i *blockIter) fail() bool {
	i.valid = false
	i.err = errBlockFormat
	return false
}

// restartKey returns the full key stored at restart point r (restart points
// have no shared prefix), without copying.
func (i *blockIter) restartKey(r int) ([]byte, bool) {
	off := i.restartOffset(r)
	end := i.restarts
	var unshared uint64
	var p int
	if off+3 <= end && i.data[off]|i.data[off+1]|i.data[off+2] < 0x80 {
		if i.data[off] != 0 {
			return nil, false
		}
		unshared, p = uint64(i.data[off+1]), off+3
	} else {
		var shared uint64
		shared, p = uvarint(i.data, off, end)
		if p < 0 || shared != 0 {
			return nil, false
		}
		unshared, p = uvarint(i.data, p, end)
		if p < 0 {
			return nil, false
		}
		_, p = uvarint(i.data, p, end)
		if p < 0 {
			return nil, false
		}
	}
	if unshared > uint64(end-p) || unshared < ikey.TrailerLen {
		return nil, false
	}
	return i.data[p : p+int(unshared) : p+int(unshared)], true
}

// searchRestarts returns the smallest restart index whose key is >= key
// (numRestarts if none).
func (i *blockIter) searchRestarts(key []byte) (int, bool) {
	lo, hi := 0, i.numRestarts
	if len(i.restartKeys) == i.numRestarts {
		if i.fences != nil && len(i.fences.nums) == i.numRestarts {
			lo, hi = i.fences.bounds(ikey.UserKey(key))
		}
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if ikey.Compare(i.restartKeys[m], key) < 0 {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo, true
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		k, ok := i.restartKey(m)
		if !ok {
			return 0, i.fail()
		}
		if ikey.Compare(k, key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, true
}

func (i *blockIter) First() bool {
	i.cache = i.cache[:0]
	if i.err != nil || i.numRestarts == 0 {
		i.valid = false
		return false
	}
	i.key = i.keyPrefix(0)
	i.ord = 0
	return i.decodeAt(0)
}

func (i *blockIter) Next() bool {
	if !i.valid {
		return false
	}
	i.cache = i.cache[:0]
	return i.step()
}

// step moves to the entry after the current one, or off the block's end.
func (i *blockIter) step() bool {
	i.ord++
	if i.next >= i.restarts {
		i.valid = false
		i.offset = i.restarts
		return false
	}
	return i.decodeAt(i.next)
}

// SeekGE positions at the first entry >= key.
func (i *blockIter) SeekGE(key []byte) bool {
	i.cache = i.cache[:0]
	i.valid = false
	if i.err != nil || i.numRestarts == 0 {
		return false
	}
	r, ok := i.searchRestarts(key)
	if !ok {
		return false
	}
	if len(i.dense) == i.numRestarts { // (Open makes dense with restartKeys)
		// r is the first entry at or after key.
		return i.setDense(r)
	}
	if r > 0 {
		r--
	}
	return i.seekGEAt(r, key)
}

// keyPrefix returns the current key's first n bytes in the iterator's
// own buffer, for the next key to be built on.
func (i *blockIter) keyPrefix(n int) []byte {
	if i.keyShared {
		var k []byte
		if n > 0 {
			k = i.curKey()[:n]
		}
		i.keyShared, i.key = false, nil
		return append(i.ownKey[:0], k...)
	}
	return i.key[:n]
}

// curKey returns the current key, loading a dense seek's.
func (i *blockIter) curKey() []byte {
	if i.keyShared && i.key == nil {
		k := i.restartKeys[i.keyR]
		i.key = k[:len(k):len(k)]
	}
	return i.key
}

// setDense positions a dense block's iterator at entry r, or off the
// end (as step leaves it) when r is past the last.
func (i *blockIter) setDense(r int) bool {
	if r >= i.numRestarts {
		i.valid = false
		i.offset = i.restarts
		return false
	}
	e := &i.dense[r]
	i.ord = r
	if !i.keyShared {
		i.ownKey, i.keyShared = i.key, true
	}
	i.keyR, i.key = r, nil
	i.val = e.val
	i.offset, i.next = int(e.off), int(e.next)
	i.valid = true
	return true
}

// seekGEAt positions at the first entry >= key from restart point r on.
func (i *blockIter) seekGEAt(r int, key []byte) bool {
	i.key = i.keyPrefix(0)
	if !i.decodeAt(i.restartOffset(r)) {
		return false
	}
	for ikey.Compare(i.key, key) < 0 {
		if !i.step() {
			return false
		}
	}
	return true
}

// seekGEFrom is SeekGE for a key after the current entry: when the key is
// before the next restart point, the entries up to it are stepped over;
// otherwise the restarts from that one on are searched, and the entries
// from the last restart at or below the key stepped over.
func (i *blockIter) seekGEFrom(key []byte) bool {
	i.cache = i.cache[:0]
	// The first restart point after the current entry.
	next := sort.Search(i.numRestarts, func(r int) bool { return i.restartOffset(r) > i.offset })
	if next < i.numRestarts {
		k, ok := i.restartKey(next)
		if !ok {
			return i.fail()
		}
		if ikey.Compare(k, key) <= 0 {
			// At or past that restart: the last restart at or below key.
			r := next + sort.Search(i.numRestarts-next, func(j int) bool {
				k, ok := i.restartKey(next + j)
				return !ok || ikey.Compare(k, key) > 0
			}) - 1
			return i.seekGEAt(r, key)
		}
	}
	for {
		if !i.step() {
			return false
		}
		if ikey.Compare(i.key, key) >= 0 {
			return true
		}
	}
}

// scanInterval decodes the entries from restart point r while they are
// before stop (if stop != nil) and their offset is before end, caching them,
// and leaves the iterator on the last one. It reports whether there was one.
func (i *blockIter) scanInterval(r int, end int, stop []byte) bool {
	i.cache = i.cache[:0]
	i.cacheBuf = i.cacheBuf[:0]
	i.key = i.keyPrefix(0)
	off := i.restartOffset(r)
	for off < end {
		if !i.decodeAt(off) {
			return false
		}
		if stop != nil && ikey.Compare(i.key, stop) >= 0 {
			break
		}
		ks := len(i.cacheBuf)
		i.cacheBuf = append(i.cacheBuf, i.key...)
		i.cache = append(i.cache, blockEntry{
			offset: int32(i.offset), next: int32(i.next),
			keyStart: int32(ks), keyEnd: int32(len(i.cacheBuf)),
			valStart: int32(i.next - len(i.val)), valEnd: int32(i.next),
		})
		off = i.next
	}
	if len(i.cache) == 0 {
		i.valid = false
		return false
	}
	i.setFromCache()
	return true
}

func (i *blockIter) setFromCache() {
	e := i.cache[len(i.cache)-1]
	i.key = append(i.keyPrefix(0), i.cacheBuf[e.keyStart:e.keyEnd]...)
	i.val = i.data[e.valStart:e.valEnd:e.valEnd]
	i.offset, i.next = int(e.offset), int(e.next)
	i.valid = true
}

func (i *blockIter) intervalEnd(r int) int {
	if r+1 < i.numRestarts {
		return i.restartOffset(r + 1)
	}
	return i.restarts
}

func (i *blockIter) Last() bool {
	i.valid = false
	if i.err != nil || i.numRestarts == 0 {
		return false
	}
	r := i.numRestarts - 1
	return i.scanInterval(r, i.restarts, nil)
}

// SeekLT positions at the last entry < key.
func (i *blockIter) SeekLT(key []byte) bool {
	i.valid = false
	if i.err != nil || i.numRestarts == 0 {
		return false
	}
	r, ok := i.searchRestarts(key)
	if !ok || r == 0 {
		i.cache = i.cache[:0]
		return false
	}
	return i.scanInterval(r-1, i.intervalEnd(r-1), key)
}

func (i *blockIter) Prev() bool {
	if !i.valid {
		return false
	}
	if n := len(i.cache); n > 0 && int(i.cache[n-1].offset) == i.offset {
		i.cache = i.cache[:n-1]
		if n > 1 {
			i.setFromCache()
			return true
		}
	}
	cur := i.offset
	if cur == 0 {
		i.valid = false
		i.cache = i.cache[:0]
		return false
	}
	// The restart interval holding the previous entry: the last restart
	// point before cur.
	lo, hi := 0, i.numRestarts
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if i.restartOffset(m) < cur {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return i.fail()
	}
	if !i.scanInterval(lo-1, cur, nil) {
		if i.err == nil {
			i.fail()
		}
		return false
	}
	if i.next != cur {
		return i.fail()
	}
	return true
}

func (i *blockIter) Key() []byte   { return i.curKey() }
func (i *blockIter) Value() []byte { return i.val }
