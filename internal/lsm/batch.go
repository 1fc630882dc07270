package lsm

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// Size limits. They are generous supersets of what the layers above promise
// (64 KiB keys, 64 MiB values) so that key prefixes added by MVCC and the row
// codec still fit.
const (
	MaxKeySize   = 1 << 20
	MaxValueSize = 1 << 27
)

// ErrKeyTooLarge and ErrValueTooLarge report entries over the size limits.
var (
	ErrKeyTooLarge   = errors.New("lsm: key too large")
	ErrValueTooLarge = errors.New("lsm: value too large")
)

// batchHeaderLen is the length of a batch's header: seq (8) + count (4).
const batchHeaderLen = 12

// Batch is a set of writes applied atomically: after a crash either all of
// them are visible or none. Its encoding is also the WAL record payload (see
// doc.go). A Batch is not safe for concurrent use.
type Batch struct {
	data  []byte
	count uint32
	err   error // first size-limit violation; reported by Apply
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{} }

// Grow makes room for about n more bytes of writes, so a large batch
// built in one go is not copied as it doubles.
func (b *Batch) Grow(n int) {
	b.init()
	if cap(b.data)-len(b.data) >= n {
		return
	}
	// Not slices.Grow, which copies the old buffer's whole capacity: a
	// reused batch, reset but too small, would copy megabytes of its
	// old writes to keep a 12-byte header.
	data := make([]byte, len(b.data), len(b.data)+n)
	copy(data, b.data)
	b.data = data
}

func (b *Batch) init() {
	if len(b.data) == 0 {
		b.data = append(b.data[:0], make([]byte, batchHeaderLen)...)
	}
}

func (b *Batch) check(key, value []byte) bool {
	if b.err != nil {
		return false
	}
	if len(key) > MaxKeySize {
		b.err = fmt.Errorf("%w: %d bytes (limit %d)", ErrKeyTooLarge, len(key), MaxKeySize)
		return false
	}
	if len(value) > MaxValueSize {
		b.err = fmt.Errorf("%w: %d bytes (limit %d)", ErrValueTooLarge, len(value), MaxValueSize)
		return false
	}
	return true
}

func (b *Batch) add(kind ikey.Kind, key, value []byte, hasValue bool) {
	if !b.check(key, value) {
		return
	}
	b.init()
	b.data = append(b.data, byte(kind))
	b.data = binary.AppendUvarint(b.data, uint64(len(key)))
	b.data = append(b.data, key...)
	if hasValue {
		b.data = binary.AppendUvarint(b.data, uint64(len(value)))
		b.data = append(b.data, value...)
	}
	b.count++
}

// Set adds a write of value to key.
func (b *Batch) Set(key, value []byte) { b.add(ikey.KindSet, key, value, true) }

// Delete adds a deletion of key.
func (b *Batch) Delete(key []byte) { b.add(ikey.KindDelete, key, nil, false) }

// DeleteRange adds a deletion of every key in [start, end).
func (b *Batch) DeleteRange(start, end []byte) {
	b.add(ikey.KindRangeDelete, start, end, true)
}

// Count returns the number of writes in the batch.
func (b *Batch) Count() int { return int(b.count) }

// Empty reports whether the batch holds no writes.
func (b *Batch) Empty() bool { return b.count == 0 }

// Len returns the encoded size of the batch in bytes.
func (b *Batch) Len() int { return len(b.data) }

// memCost bounds the memtable bytes the batch takes once applied.
func (b *Batch) memCost() int { return len(b.data) + int(b.count)*maxNodeOverhead }

// EachKey calls fn with the bytes of each key in the batch, in order.
// They are the batch's own: fn may overwrite them in place (keeping their
// length), as a caller that builds a batch before it knows part of its
// keys (a commit timestamp) does.
func (b *Batch) EachKey(fn func(key []byte)) error {
	if len(b.data) == 0 {
		return nil
	}
	// The header's count is set when the batch is applied (setSeq).
	r := batchReader{data: b.data[batchHeaderLen:], count: b.count}
	for {
		e, ok, err := r.next()
		if err != nil || !ok {
			return err
		}
		fn(e.key)
	}
}

// Cap is the capacity of the batch's buffer in bytes.
func (b *Batch) Cap() int { return cap(b.data) }

// Reset empties the batch, keeping its buffer.
func (b *Batch) Reset() {
	b.data = b.data[:0]
	b.count = 0
	b.err = nil
}

// setSeq stamps the batch with the sequence number of its first write and
// its count; the i-th write gets seq+i.
func (b *Batch) setSeq(seq ikey.SeqNum) {
	b.init()
	binary.LittleEndian.PutUint64(b.data[0:8], uint64(seq))
	binary.LittleEndian.PutUint32(b.data[8:12], b.count)
}

// batchEntry is one decoded write.
type batchEntry struct {
	kind       ikey.Kind
	key, value []byte
}

// batchReader decodes a batch encoding, validating it: a WAL record that
// passed its checksum can still be garbage written by a buggy or hostile
// producer, and recovery must fail cleanly, not panic.
type batchReader struct {
	data  []byte
	seq   ikey.SeqNum
	count uint32
	read  uint32
}

var errBadBatch = errors.New("malformed batch")

func newBatchReader(data []byte) (batchReader, error) {
	if len(data) < batchHeaderLen {
		return batchReader{}, fmt.Errorf("%w: %d bytes is shorter than the header", errBadBatch, len(data))
	}
	return batchReader{
		data:  data[batchHeaderLen:],
		seq:   ikey.SeqNum(binary.LittleEndian.Uint64(data[0:8])),
		count: binary.LittleEndian.Uint32(data[8:12]),
	}, nil
}

// next returns the next entry, or ok=false at the end.
func (r *batchReader) next() (e batchEntry, ok bool, err error) {
	if r.read == r.count {
		if len(r.data) != 0 {
			return e, false, fmt.Errorf("%w: %d trailing bytes", errBadBatch, len(r.data))
		}
		return e, false, nil
	}
	if len(r.data) == 0 {
		return e, false, fmt.Errorf("%w: %d of %d entries present", errBadBatch, r.read, r.count)
	}
	e.kind = ikey.Kind(r.data[0])
	r.data = r.data[1:]
	if e.kind > ikey.KindMax {
		return e, false, fmt.Errorf("%w: unknown kind %d", errBadBatch, e.kind)
	}
	if e.key, err = r.bytes(); err != nil {
		return e, false, err
	}
	if e.kind != ikey.KindDelete {
		if e.value, err = r.bytes(); err != nil {
			return e, false, err
		}
	}
	r.read++
	return e, true, nil
}

func (r *batchReader) bytes() ([]byte, error) {
	n, w := binary.Uvarint(r.data)
	if w <= 0 || n > uint64(len(r.data)-w) {
		return nil, fmt.Errorf("%w: bad length", errBadBatch)
	}
	b := r.data[w : w+int(n)]
	r.data = r.data[w+int(n):]
	return b, nil
}
