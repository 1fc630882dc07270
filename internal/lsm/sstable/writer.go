package sstable

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"

	"github.com/golang/snappy"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// WriterOptions tune the tables a Writer builds. Zero fields take their
// default.
type WriterOptions struct {
	// BlockSize is the target size of a data block before compression; a
	// block ends after the entry that reaches it. Default 4 KiB.
	BlockSize int
	// RestartInterval is the number of entries between restart points in data
	// blocks. Default 16.
	RestartInterval int
	// BloomBitsPerKey sizes the bloom filter; negative disables it.
	// Default 10.
	BloomBitsPerKey int
	// Compression is applied to data and index blocks when it saves at least
	// 12.5%.
	Compression Compression
	// Split, if set, returns the length of a user key's prefix (see
	// lsm.Options.Split). The bloom filter then covers prefixes instead of
	// whole keys, so that a reader can skip the table for every key of a
	// prefix it does not hold (Reader.MayContainPrefix); the table is
	// written as format version 2.
	Split func(ukey []byte) int
}

// DefaultWriterOptions returns 4 KiB blocks, a restart point every 16
// entries, a 10 bits/key bloom filter and snappy compression.
func DefaultWriterOptions() WriterOptions {
	return WriterOptions{BlockSize: 4 << 10, RestartInterval: 16, BloomBitsPerKey: 10, Compression: SnappyCompression}
}

func (o WriterOptions) withDefaults() WriterOptions {
	if o.BlockSize <= 0 {
		o.BlockSize = 4 << 10
	}
	if o.RestartInterval <= 0 {
		o.RestartInterval = 16
	}
	if o.BloomBitsPerKey == 0 {
		o.BloomBitsPerKey = 10
	}
	return o
}

// Meta describes a finished table.
type Meta struct {
	// Smallest and Largest are the internal-key bounds of the table,
	// covering range tombstones too: a tombstone [s, e)#seq contributes
	// s#seq,RANGEDEL and the exclusive sentinel e#SeqNumMax,RANGEDEL (see
	// IsExclusiveSentinel). Nil for an empty table.
	Smallest, Largest []byte
	// Size is the file size in bytes.
	Size uint64
	// NumEntries counts point entries (SET and DEL); NumTombstones range
	// tombstones.
	NumEntries, NumTombstones uint64
	// SmallestSeq and LargestSeq bound the sequence numbers of all entries
	// and tombstones (both 0 for an empty table).
	SmallestSeq, LargestSeq ikey.SeqNum
}

// Properties are the statistics recorded in a table's properties block.
type Properties struct {
	Meta
	// NumDeletions counts point tombstones (DEL entries).
	NumDeletions uint64
	// RawKeySize and RawValueSize sum the internal keys and values of point
	// entries before prefix compression and block compression.
	RawKeySize, RawValueSize uint64
	// NumDataBlocks is the number of data blocks.
	NumDataBlocks uint64
}

// Writer builds one table. Entries arrive in increasing internal-key order
// through Add; Close writes the remaining blocks and the footer.
type Writer struct {
	f    vfs.File
	bw   *bufio.Writer
	opts WriterOptions

	offset uint64
	data   blockBuilder
	index  blockBuilder

	lastKey       []byte
	pendingIndex  bool
	pendingHandle handle
	sepBuf        []byte
	handleBuf     []byte

	hashes     []uint64
	lastPrefix []byte // with Split: the prefix last added to the filter
	tombstones []ikey.Tombstone

	props    Properties
	seqSet   bool
	blockBuf []byte
	compBuf  []byte
	// compressFails counts the blocks in a row that did not compress;
	// skipCompress is how many blocks to store without trying (writeBlock).
	compressFails, skipCompress int
	compressTries               int // blocks snappy was tried on (tests)
	err                         error
	closed                      bool
}

// NewWriter returns a writer that builds a table into f, which must be empty.
// Close closes f.
func NewWriter(f vfs.File, opts WriterOptions) *Writer {
	opts = opts.withDefaults()
	w := &Writer{
		f:    f,
		bw:   bufio.NewWriterSize(f, 256<<10),
		opts: opts,
	}
	w.data.restartInterval = opts.RestartInterval
	w.index.restartInterval = 1
	return w
}

var errClosed = errors.New("sstable: writer is closed")

func (w *Writer) noteSeq(s ikey.SeqNum) {
	if !w.seqSet {
		w.props.SmallestSeq, w.props.LargestSeq = s, s
		w.seqSet = true
		return
	}
	w.props.SmallestSeq = min(w.props.SmallestSeq, s)
	w.props.LargestSeq = max(w.props.LargestSeq, s)
}

// Add appends a point entry (kind SET or DEL). Keys must be strictly
// increasing in ikey.Compare order.
func (w *Writer) Add(key, value []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if !ikey.Valid(key) {
		return fmt.Errorf("sstable: invalid internal key %q", key)
	}
	if k := ikey.KindOf(key); k != ikey.KindSet && k != ikey.KindDelete {
		return fmt.Errorf("sstable: Add of %s entry %s: only SET and DEL are point entries", k, ikey.Format(key))
	}
	first := w.props.NumEntries == 0
	if !first && ikey.Compare(w.lastKey, key) >= 0 {
		return fmt.Errorf("sstable: keys out of order: %s after %s", ikey.Format(key), ikey.Format(w.lastKey))
	}
	if w.pendingIndex {
		w.sepBuf = separator(w.sepBuf[:0], w.lastKey, key)
		w.addIndexEntry(w.sepBuf)
	}
	if w.opts.BloomBitsPerKey > 0 {
		w.addToFilter(ikey.UserKey(key), first)
	}
	w.data.add(key, value)
	w.lastKey = append(w.lastKey[:0], key...)

	if first {
		w.props.Smallest = slices.Clone(key)
	}
	w.props.NumEntries++
	if ikey.KindOf(key) == ikey.KindDelete {
		w.props.NumDeletions++
	}
	w.props.RawKeySize += uint64(len(key))
	w.props.RawValueSize += uint64(len(value))
	w.noteSeq(ikey.Seq(key))

	if w.data.estimatedSize() >= w.opts.BlockSize {
		return w.flushDataBlock()
	}
	return nil
}

// AddTombstone records a range tombstone; tombstones may arrive in any order
// and interleaved with Add.
func (w *Writer) AddTombstone(t ikey.Tombstone) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if bytes.Compare(t.Start, t.End) >= 0 {
		return fmt.Errorf("sstable: empty range tombstone [%q, %q)", t.Start, t.End)
	}
	if t.Seq > ikey.SeqNumMax {
		return fmt.Errorf("sstable: tombstone sequence number %d out of range", t.Seq)
	}
	w.tombstones = append(w.tombstones, ikey.Tombstone{
		Start: slices.Clone(t.Start), End: slices.Clone(t.End), Seq: t.Seq,
	})
	w.noteSeq(t.Seq)
	return nil
}

// EstimatedSize is the approximate size of the table if it were closed now.
func (w *Writer) EstimatedSize() uint64 {
	n := w.offset + uint64(w.data.estimatedSize()) + uint64(w.index.estimatedSize()) + footerLen
	if w.opts.BloomBitsPerKey > 0 {
		n += uint64(len(w.hashes)*w.opts.BloomBitsPerKey/8) + 1
	}
	for _, t := range w.tombstones {
		n += uint64(len(t.Start)+len(t.End)) + 12
	}
	return n
}

func (w *Writer) addIndexEntry(sep []byte) {
	w.handleBuf = w.pendingHandle.appendVarint(w.handleBuf[:0])
	w.index.add(sep, w.handleBuf)
	w.pendingIndex = false
}

func (w *Writer) flushDataBlock() error {
	if w.data.empty() {
		return nil
	}
	h, err := w.writeBlock(w.data.finish(), w.opts.Compression)
	w.data.reset()
	if err != nil {
		return err
	}
	w.pendingHandle = h
	w.pendingIndex = true
	w.props.NumDataBlocks++
	return nil
}

// writeBlock writes a block's contents, compressed if worthwhile, followed by
// its trailer.
func (w *Writer) writeBlock(contents []byte, c Compression) (handle, error) {
	stored, typ := contents, NoCompression
	if c == SnappyCompression && w.skipCompress > 0 {
		w.skipCompress--
	} else if c == SnappyCompression {
		w.compressTries++
		w.compBuf = snappy.Encode(w.compBuf[:cap(w.compBuf)], contents)
		// Only when it saves a quarter: reading a block back costs its
		// decompression (and zeroed memory for it) on every cache miss,
		// about what reading it from the OS's cache costs, so smaller
		// savings lose more time than they save space (sbtest rows of
		// random digits compress by about a tenth).
		if len(w.compBuf) <= len(contents)-len(contents)/4 {
			stored, typ = w.compBuf, SnappyCompression
			w.compressFails = 0
		} else {
			// Neighbouring blocks hold alike data: after a block that
			// did not compress, the next ones are stored without trying,
			// 1, 2, 4... up to 16 of them as failures repeat.
			w.skipCompress = 1 << min(w.compressFails, 4)
			w.compressFails++
		}
	}
	if len(stored) >= maxBlockLen {
		w.err = fmt.Errorf("sstable: block of %d bytes is too large", len(stored))
		return handle{}, w.err
	}
	h := handle{offset: w.offset, length: uint64(len(stored))}
	var trailer [blockTrailerLen]byte
	trailer[0] = byte(typ)
	crc := crc32.Update(crc32.Checksum(stored, crcTable), crcTable, trailer[:1])
	binary.LittleEndian.PutUint32(trailer[1:], crc)
	if _, err := w.bw.Write(stored); err != nil {
		w.err = err
		return handle{}, err
	}
	if _, err := w.bw.Write(trailer[:]); err != nil {
		w.err = err
		return handle{}, err
	}
	w.offset += uint64(len(stored)) + blockTrailerLen
	return h, nil
}

// Close finishes the table: the last data block, the filter, range-deletion,
// index and properties blocks, and the footer; then it syncs and closes the
// file.
func (w *Writer) Close() (Meta, error) {
	if w.closed {
		return Meta{}, errClosed
	}
	w.closed = true
	m, err := w.finish()
	if err != nil {
		w.err = err
		_ = w.f.Close()
		return Meta{}, err
	}
	if err := w.f.Sync(); err != nil {
		_ = w.f.Close()
		return Meta{}, err
	}
	if err := w.f.Close(); err != nil {
		return Meta{}, err
	}
	return m, nil
}

func (w *Writer) finish() (Meta, error) {
	if w.err != nil {
		return Meta{}, w.err
	}
	if err := w.flushDataBlock(); err != nil {
		return Meta{}, err
	}
	if w.pendingIndex {
		w.sepBuf = successor(w.sepBuf[:0], w.lastKey)
		w.addIndexEntry(w.sepBuf)
	}
	if w.props.NumEntries > 0 {
		w.props.Largest = slices.Clone(w.lastKey)
	}

	ft := footer{version: formatWholeKeyFilter}
	if w.opts.Split != nil {
		ft.version = formatPrefixFilter
	}
	var err error
	if w.opts.BloomBitsPerKey > 0 {
		w.blockBuf = buildBloom(w.blockBuf[:0], w.hashes, w.opts.BloomBitsPerKey)
		if ft.filter, err = w.writeBlock(w.blockBuf, NoCompression); err != nil {
			return Meta{}, err
		}
	}

	// Range tombstones, sorted by internal key; exact duplicates collapse.
	slices.SortFunc(w.tombstones, func(a, b ikey.Tombstone) int {
		if c := bytes.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		switch {
		case a.Seq > b.Seq:
			return -1
		case a.Seq < b.Seq:
			return 1
		}
		return bytes.Compare(a.End, b.End)
	})
	var rd blockBuilder
	rd.restartInterval = w.opts.RestartInterval
	var prev *ikey.Tombstone
	for i := range w.tombstones {
		t := &w.tombstones[i]
		if prev != nil && prev.Seq == t.Seq && bytes.Equal(prev.Start, t.Start) {
			if bytes.Equal(prev.End, t.End) {
				continue
			}
			return Meta{}, fmt.Errorf("sstable: two range tombstones at %q#%d with different ends", t.Start, t.Seq)
		}
		prev = t
		w.sepBuf = ikey.Make(w.sepBuf[:0], t.Start, t.Seq, ikey.KindRangeDelete)
		rd.add(w.sepBuf, t.End)
		w.props.NumTombstones++
		if w.props.Smallest == nil || ikey.Compare(w.sepBuf, w.props.Smallest) < 0 {
			w.props.Smallest = slices.Clone(w.sepBuf)
		}
		w.sepBuf = ikey.Make(w.sepBuf[:0], t.End, ikey.SeqNumMax, ikey.KindRangeDelete)
		if w.props.Largest == nil || ikey.Compare(w.sepBuf, w.props.Largest) > 0 {
			w.props.Largest = slices.Clone(w.sepBuf)
		}
	}
	if ft.rangeDel, err = w.writeBlock(rd.finish(), NoCompression); err != nil {
		return Meta{}, err
	}
	if ft.index, err = w.writeBlock(w.index.finish(), w.opts.Compression); err != nil {
		return Meta{}, err
	}
	if ft.props, err = w.writeBlock(encodeProperties(w.blockBuf[:0], &w.props), NoCompression); err != nil {
		return Meta{}, err
	}
	if _, err := w.bw.Write(ft.encode()); err != nil {
		return Meta{}, err
	}
	w.offset += footerLen
	if err := w.bw.Flush(); err != nil {
		return Meta{}, err
	}
	w.props.Size = w.offset
	return w.props.Meta, nil
}

// separator returns an internal key k with a <= k < b, preferably shorter
// than a: when the user keys differ early, a short user key between them
// with the largest trailer (which sorts first among its user key).
func separator(dst, a, b []byte) []byte {
	ua, ub := ikey.UserKey(a), ikey.UserKey(b)
	n := 0
	for n < len(ua) && n < len(ub) && ua[n] == ub[n] {
		n++
	}
	if n+1 < len(ua) && n < len(ub) && ua[n] < 0xff && ua[n]+1 < ub[n] {
		dst = append(dst, ua[:n+1]...)
		dst[len(dst)-1]++
		return binary.LittleEndian.AppendUint64(dst, exclusiveSentinelTrailer)
	}
	return append(dst, a...)
}

// successor returns an internal key k >= a, preferably shorter than a: the
// index separator of the last data block.
func successor(dst, a []byte) []byte {
	ua := ikey.UserKey(a)
	for i, c := range ua {
		if c != 0xff {
			if i+1 == len(ua) {
				break
			}
			dst = append(dst, ua[:i+1]...)
			dst[len(dst)-1]++
			return binary.LittleEndian.AppendUint64(dst, exclusiveSentinelTrailer)
		}
	}
	return append(dst, a...)
}

// encodeProperties encodes the properties block (layout in doc.go).
func encodeProperties(dst []byte, p *Properties) []byte {
	for _, v := range [...]uint64{
		p.NumEntries, p.NumDeletions, p.NumTombstones,
		uint64(p.SmallestSeq), uint64(p.LargestSeq),
		p.RawKeySize, p.RawValueSize, p.NumDataBlocks,
	} {
		dst = binary.LittleEndian.AppendUint64(dst, v)
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(p.Smallest)))
	dst = append(dst, p.Smallest...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(p.Largest)))
	return append(dst, p.Largest...)
}

const propsFixedLen = 8 * 8

func decodeProperties(b []byte) (Properties, bool) {
	var p Properties
	if len(b) < propsFixedLen+8 {
		return p, false
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[8*i:]) }
	p.NumEntries, p.NumDeletions, p.NumTombstones = u(0), u(1), u(2)
	p.SmallestSeq, p.LargestSeq = ikey.SeqNum(u(3)), ikey.SeqNum(u(4))
	p.RawKeySize, p.RawValueSize, p.NumDataBlocks = u(5), u(6), u(7)
	rest := b[propsFixedLen:]
	for _, dst := range [...]*[]byte{&p.Smallest, &p.Largest} {
		if len(rest) < 4 {
			return p, false
		}
		n := binary.LittleEndian.Uint32(rest)
		rest = rest[4:]
		if uint64(n) > uint64(len(rest)) || (n != 0 && n < ikey.TrailerLen) {
			return p, false
		}
		if n > 0 {
			*dst = slices.Clone(rest[:n])
		}
		rest = rest[n:]
	}
	if len(rest) != 0 || (p.Smallest == nil) != (p.Largest == nil) {
		return p, false
	}
	return p, true
}

// addToFilter adds the filter key of ukey (the whole key, or its Split
// prefix) unless it equals the previous one: keys arrive sorted, so equal
// filter keys are adjacent.
func (w *Writer) addToFilter(ukey []byte, first bool) {
	if w.opts.Split == nil {
		if first || !bytes.Equal(ikey.UserKey(w.lastKey), ukey) {
			w.hashes = append(w.hashes, bloomHash(ukey))
		}
		return
	}
	p := ukey[:w.opts.Split(ukey)]
	if first || !bytes.Equal(w.lastPrefix, p) {
		w.hashes = append(w.hashes, bloomHash(p))
		w.lastPrefix = append(w.lastPrefix[:0], p...)
	}
}
