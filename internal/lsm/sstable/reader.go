package sstable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/golang/snappy"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// Reader reads one table. Open loads the footer and the index, filter,
// range-deletion and properties blocks into memory; data blocks are read on
// demand through the shared block cache. A Reader is safe for concurrent
// use; its iterators are not.
type Reader struct {
	f       vfs.File
	name    string
	fileNum uint64
	cache   *Cache
	size    int64
	metaEnd uint64 // start of the footer: every block lies before it

	footer      footer
	index       []byte
	indexKeys   [][]byte // the index block's restart keys (blockIter.restartKeys)
	indexFences *keyFences
	// indexEntries: the index block's entries, when every one is a
	// restart point (blockIter.dense).
	indexEntries []denseEntry
	filter       []byte
	tombstones   []ikey.Tombstone
	props        Properties
	split        func([]byte) int // see SetSplit
	mapped       vfs.ReadMapper   // f, when its reads are mapped
	// direct is the mapping's bytes: uncompressed blocks that point
	// reads and short range reads need are used where they lie
	// (readDirect), valid until Close. See CloseInUse.
	direct []byte

	// slots has one slot per data block (in index order) when the
	// table has a cache and a dense index: the cache entry of the block
	// while it is cached, so a point read finds a cached block without
	// the cache's lock and map (a few memory waits of every read).
	slots []atomic.Pointer[cacheEntry]

	getters sync.Pool // *tableIter for Get
	iters   sync.Pool // *tableIter for NewIter, closed

	// plain: the last block read was stored uncompressed (readBlock's
	// guess for the next one; the writer stores a block plain when
	// compression does not pay, which tends to hold for a whole table).
	plain atomic.Bool
}

// Open reads the table in f. name is used in error messages; fileNum keys
// the table's blocks in cache (nil for no caching) and must be unique among
// the tables sharing the cache. Errors about damaged data wrap
// ikey.ErrCorruption. Close closes f.
func Open(f vfs.File, name string, fileNum uint64, cache *Cache) (*Reader, error) {
	r := &Reader{f: f, name: name, fileNum: fileNum, cache: cache}
	r.getters.New = func() any { return &tableIter{r: r, buf: readBuf{blockEnd: math.MaxUint64}} }
	size, err := f.Size()
	if err != nil {
		return nil, fmt.Errorf("sstable %s: %w", name, err)
	}
	r.size = size
	// Where the file can be mapped, point reads use its uncompressed
	// blocks in place (readDirect) and other single-block reads copy
	// from the mapping (readMapped).
	if m, ok := f.(vfs.ReadMapper); ok && m.MapReads(size) == nil {
		r.mapped, r.direct = m, m.Mapped()
	}
	if size < footerLen {
		return nil, corruptf(name, 0, "file of %d bytes is shorter than the footer", size)
	}
	fb := make([]byte, footerLen)
	if err := r.readAt(fb, size-footerLen); err != nil {
		return nil, err
	}
	if r.footer, err = decodeFooter(fb, name, size-footerLen); err != nil {
		return nil, err
	}
	r.metaEnd = uint64(size - footerLen)

	if r.index, err = r.readBlock(r.footer.index, nil, false); err != nil {
		return nil, err
	}
	var bi blockIter
	if bi.init(r.index) != nil {
		return nil, corruptf(name, int64(r.footer.index.offset), "index block: malformed restart array")
	}
	// The index block's restart keys, found once: every seek searches
	// them, and decoding each probe's varints was a tenth of a point read.
	// (A malformed one leaves the list off; the search then reports it.)
	keys := make([][]byte, bi.numRestarts)
	for k := range keys {
		if keys[k], _ = bi.restartKey(k); keys[k] == nil {
			keys = nil
			break
		}
	}
	r.indexKeys = keys
	r.indexFences = newKeyFences(keys)
	r.indexEntries = denseEntries(&bi, len(keys))
	if cache != nil && len(r.indexEntries) > 0 {
		r.slots = make([]atomic.Pointer[cacheEntry], len(r.indexEntries))
	}
	if h := r.footer.filter; h.length != 0 {
		if r.filter, err = r.readBlock(h, nil, false); err != nil {
			return nil, err
		}
	}
	if r.tombstones, err = r.loadTombstones(); err != nil {
		return nil, err
	}
	pb, err := r.readBlock(r.footer.props, nil, false)
	if err != nil {
		return nil, err
	}
	var ok bool
	if r.props, ok = decodeProperties(pb); !ok {
		return nil, corruptf(name, int64(r.footer.props.offset), "malformed properties block")
	}
	if r.props.NumTombstones != uint64(len(r.tombstones)) {
		return nil, corruptf(name, int64(r.footer.props.offset), "properties count %d range tombstones, range-deletion block has %d",
			r.props.NumTombstones, len(r.tombstones))
	}
	r.props.Size = uint64(size)
	return r, nil
}

// denseEntries returns the entries of the block bi is over when it has n
// and each is a restart point, nil otherwise.
func denseEntries(bi *blockIter, n int) []denseEntry {
	if n == 0 || bi.numRestarts != n {
		return nil
	}
	es := make([]denseEntry, 0, n)
	for ok := bi.First(); ok; ok = bi.Next() {
		if len(es) == n || bi.offset != bi.restartOffset(len(es)) {
			return nil
		}
		h, ok := decodeHandle(bi.val)
		es = append(es, denseEntry{off: int32(bi.offset), next: int32(bi.next), val: bi.val, h: h, hOK: ok})
	}
	if bi.err != nil || len(es) != n {
		return nil
	}
	return es
}

func (r *Reader) loadTombstones() ([]ikey.Tombstone, error) {
	h := r.footer.rangeDel
	b, err := r.readBlock(h, nil, false)
	if err != nil {
		return nil, err
	}
	var it blockIter
	if it.init(b) != nil {
		return nil, corruptf(r.name, int64(h.offset), "range-deletion block: malformed restart array")
	}
	var ts []ikey.Tombstone
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if ikey.KindOf(k) != ikey.KindRangeDelete {
			return nil, corruptf(r.name, int64(h.offset), "range-deletion block holds %s", ikey.Format(k))
		}
		t := ikey.Tombstone{
			Start: bytes.Clone(ikey.UserKey(k)),
			End:   it.Value(),
			Seq:   ikey.Seq(k),
		}
		if bytes.Compare(t.Start, t.End) >= 0 {
			return nil, corruptf(r.name, int64(h.offset), "empty range tombstone %s-%q", ikey.Format(k), t.End)
		}
		if n := len(ts); n > 0 {
			p := ts[n-1]
			if c := bytes.Compare(p.Start, t.Start); c > 0 || (c == 0 && p.Seq <= t.Seq) {
				return nil, corruptf(r.name, int64(h.offset), "range tombstones out of order: %s after %q#%d", ikey.Format(k), p.Start, p.Seq)
			}
		}
		ts = append(ts, t)
	}
	if it.err != nil {
		return nil, corruptf(r.name, int64(h.offset), "range-deletion block: malformed entry")
	}
	return ts, nil
}

func (r *Reader) readAt(b []byte, off int64) error {
	n, err := r.f.ReadAt(b, off)
	return r.checkRead(b, off, n, err)
}

// readMapped is readAt from the file's mapping, when it has one: the
// reads of single blocks that readDirect does not serve (compressed ones,
// and those read without the cache). Scans and compactions read
// windows by pread (readRaw), so that what they read once does not stay
// mapped into the process (a mapped page counts towards its resident
// memory as long as the kernel keeps it).
func (r *Reader) readMapped(b []byte, off int64) error {
	if r.mapped == nil {
		return r.readAt(b, off)
	}
	n, err := r.mapped.ReadMapped(b, off)
	return r.checkRead(b, off, n, err)
}

func (r *Reader) checkRead(b []byte, off int64, n int, err error) error {
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return corruptf(r.name, off+int64(n), "short read: %d of %d bytes", n, len(b))
	}
	return fmt.Errorf("sstable %s: read at offset %d: %w", r.name, off, err)
}

// readBuf holds an iterator's reusable buffers for blocks it reads when there
// is no cache, and its readahead window.
type readBuf struct {
	// reuse lets blocks read without a cache live in raw and dec, valid
	// until the next read; off for callers that keep what they read.
	reuse    bool
	raw, dec []byte

	// After a few blocks in a row that each start where the previous one
	// ended, or a little after (seqBlocks), reads fetch a whole window
	// of the file at once: a scan then costs one system call per
	// readaheadSize bytes instead of one per block.
	ra     []byte
	raOff  uint64
	raNext int // the next window's size: doubles from minReadahead

	// blockEnd is where the last block read (or found cached) ended, and
	// seqBlocks how many blocks in a row started there or at most
	// nearGap bytes after it: a scan, or seeks forward in small steps
	// (a merge join's, or sorted lookups'). After bulkAfter of them the
	// reads are a scan (see readBlock).
	blockEnd  uint64
	seqBlocks int
	// fullMisses counts the scan's blocks in a row that the cache
	// neither held nor had room for. A scan far larger than the cache
	// stops looking there (see readBlock).
	fullMisses int
}

const (
	// The readahead window starts small, so that a short range read
	// (a hundred rows) does not fetch far past its end, and doubles
	// with each window up to readaheadSize for long scans.
	minReadahead   = 16 << 10
	readaheadSize  = 256 << 10
	readaheadAfter = 2 // sequential blocks before readahead starts

	// nearGap is how far past the last block a block may start and still
	// count as the next of a sequence: a few blocks. Seeks forward that
	// skip so little still read most of the file, and a window read
	// serves them for a fraction of a system call each; the blocks a
	// cyclic sequence reads are best not cached over blocks read again.
	nearGap = 16 << 10

	// bulkAfter is how many consecutive blocks make a reader a scan,
	// whose blocks are added to the cache only while it has room.
	bulkAfter = 16

	// After skipCacheAfter blocks in a row that a scan found neither
	// cached nor room for, it looks a block up in the cache only every
	// probeCacheEvery blocks, until one is found or fits: a lookup costs
	// a few cache misses of the CPU in a map of many blocks, a fifth of
	// the cost of reading the block from a readahead window.
	skipCacheAfter  = 64
	probeCacheEvery = 16
)

// readaheadPool recycles readahead windows between iterators: a short
// scan would otherwise allocate (and zero) a window for a few blocks.
var readaheadPool = sync.Pool{New: func() any { b := make([]byte, 0, readaheadSize); return &b }}

// release returns buf's readahead window to the pool.
func (buf *readBuf) release() {
	if cap(buf.ra) == readaheadSize {
		ra := buf.ra[:0]
		readaheadPool.Put(&ra)
	}
	buf.ra = nil
}

// readRaw reads len(dst) bytes at off, through buf's readahead window when
// the reads are sequential.
func (r *Reader) readRaw(dst []byte, off uint64, buf *readBuf) error {
	if buf == nil {
		return r.readMapped(dst, int64(off))
	}
	end := off + uint64(len(dst))
	if off >= buf.raOff && end <= buf.raOff+uint64(len(buf.ra)) {
		copy(dst, buf.ra[off-buf.raOff:])
		return nil
	}
	if buf.seqBlocks < readaheadAfter {
		buf.raNext = 0
	}
	if buf.raNext == 0 {
		buf.raNext = minReadahead
	}
	if window := min(uint64(buf.raNext), r.metaEnd-off); buf.seqBlocks >= readaheadAfter && window > uint64(len(dst)) {
		if buf.ra == nil {
			buf.ra = (*readaheadPool.Get().(*[]byte))[:0]
		}
		buf.ra = buf.ra[:window]
		buf.raNext = min(2*buf.raNext, readaheadSize)
		if err := r.readAt(buf.ra, int64(off)); err != nil {
			buf.ra = buf.ra[:0]
			return err
		}
		buf.raOff = off
		copy(dst, buf.ra)
		return nil
	}
	return r.readMapped(dst, int64(off))
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// readBlock returns the decompressed contents of the block at h, verifying
// its checksum. With useCache, the block is looked up in and added to the
// cache. Without a cache, a non-nil buf supplies the memory, which the
// result aliases; otherwise the result is freshly allocated.
func (r *Reader) readBlock(h handle, buf *readBuf, useCache bool) ([]byte, error) {
	b, _, err := r.readBlockShared(h, buf, useCache, -1)
	return b, err
}

// readBlockShared is readBlock also reporting whether the block is
// shared: memory of its own that nothing writes again (a cached block,
// or one decompressed into fresh memory), which a reader may keep past
// the iterator's next step and the store's Close, rather than buf's
// scratch memory or the file's mapping.
func (r *Reader) readBlockShared(h handle, buf *readBuf, useCache bool, ordinal int) (_ []byte, shared bool, _ error) {
	if h.length >= maxBlockLen || h.offset > r.metaEnd || h.length+blockTrailerLen > r.metaEnd-h.offset {
		return nil, false, corruptf(r.name, int64(min(h.offset, 1<<62)), "block handle (offset %d, length %d) outside the file's %d block bytes",
			h.offset, h.length, r.metaEnd)
	}
	cache := r.cache
	if !useCache {
		cache = nil
	}
	// A scan: a reader that reuses its memory and has read bulkAfter
	// blocks in a row. Its blocks go into the cache only while that has
	// room, like PostgreSQL's ring buffer for big sequential scans: a
	// scan of a table larger than the cache would otherwise evict the
	// whole cache for blocks that are themselves evicted before the next
	// scan reaches them, and allocate every block it reads.
	bulk := false
	if buf != nil {
		if h.offset >= buf.blockEnd && h.offset-buf.blockEnd <= nearGap {
			buf.seqBlocks++
		} else {
			buf.seqBlocks = 0
		}
		buf.blockEnd = h.offset + h.length + blockTrailerLen
		bulk = buf.reuse && buf.seqBlocks >= bulkAfter
		if !bulk {
			buf.fullMisses = 0
		}
	}
	// A block that a point read or a short range read needs, of a table
	// whose file is mapped, stored uncompressed: its bytes are checked
	// and used where they lie, with no copy, memory or cache entry (the
	// kernel's page cache is its cache). Scans and compactions read by
	// pread, so that what they read once does not stay mapped into the
	// process (a mapped page counts in its resident memory).
	//
	// Whether a block is stored plain shows only in its trailer, in the
	// mapping: looking there first would touch a page of the file for
	// every compressed block the cache holds. So the mapping comes first
	// only while the table's blocks have been plain (plain), and after a
	// cache miss otherwise.
	direct := useCache && !bulk && r.direct != nil
	if direct && r.plain.Load() {
		if b, ok, err := r.readDirect(h); ok || err != nil {
			return b, false, err
		}
		direct = false
	}
	var slot *atomic.Pointer[cacheEntry]
	if cache != nil && ordinal >= 0 && ordinal < len(r.slots) {
		slot = &r.slots[ordinal]
		if b := cache.getSlot(slot, h.offset); b != nil {
			if bulk {
				buf.fullMisses = 0
			}
			return b, true, nil
		}
	}
	if cache != nil && bulk && buf.fullMisses >= skipCacheAfter && buf.fullMisses%probeCacheEvery != 0 {
		buf.fullMisses++ // not looked up: as good as another full miss
		cache = nil
	}
	if cache != nil {
		if b := cache.get(r.fileNum, h.offset, slot); b != nil {
			if bulk {
				buf.fullMisses = 0
			}
			return b, true, nil
		}
		// (The room is judged on the stored size; add below checks the
		// decompressed one.)
		if bulk && !cache.hasRoom(r.fileNum, h.offset, int64(h.length)) {
			buf.fullMisses++
			cache = nil
		}
	}
	n := int(h.length)
	var raw []byte
	if direct {
		if b, ok, err := r.readDirect(h); ok || err != nil {
			return b, false, err
		}
		// A compressed block of a mapped table (readDirect took a plain
		// one) decompresses from where it lies, with no copy into
		// scratch memory first.
		raw = r.mappedBlock(h)
	}
	// The stored bytes go to scratch memory (buf's, when there is a buf)
	// and are copied out only when they are the result (an uncompressed
	// block that is cached or kept): a compressed block, the usual case,
	// then costs one allocation, for its decompressed form.
	keep := buf == nil || !buf.reuse || cache != nil
	// A block likely stored plain that is kept is read straight into
	// its own memory rather than into scratch and copied.
	ownMemory := buf == nil || keep && r.plain.Load()
	if raw == nil {
		if ownMemory {
			raw = make([]byte, n+blockTrailerLen)
		} else {
			buf.raw = grow(buf.raw, n+blockTrailerLen)
			raw = buf.raw
		}
		if err := r.readRaw(raw, h.offset, buf); err != nil {
			return nil, false, err
		}
	}
	if err := r.verify(raw, h); err != nil {
		return nil, false, err
	}
	var data []byte
	shared = keep
	switch Compression(raw[n]) {
	case NoCompression:
		data = raw[:n:n]
		if keep && !ownMemory {
			data = append([]byte(nil), data...)
		}
		if !r.plain.Load() {
			r.plain.Store(true)
		}
	case SnappyCompression:
		if r.plain.Load() {
			r.plain.Store(false)
		}
		dlen, err := snappy.DecodedLen(raw[:n])
		// Snappy cannot expand data by more than 32x: a larger claim is damage.
		if err != nil || dlen > 32*n+64 {
			return nil, false, corruptf(r.name, int64(h.offset), "bad snappy block header")
		}
		var dst []byte
		if !keep {
			buf.dec = grow(buf.dec, dlen)
			dst = buf.dec
		} else {
			dst = make([]byte, dlen)
		}
		d, err := snappy.Decode(dst, raw[:n])
		if err != nil || len(d) != dlen {
			return nil, false, corruptf(r.name, int64(h.offset), "bad snappy block: %v", err)
		}
		data = d[:dlen:dlen]
	default:
		return nil, false, corruptf(r.name, int64(h.offset)+int64(n), "unknown compression type %d", raw[n])
	}
	if cache != nil {
		added := cache.add(r.fileNum, h.offset, data, !bulk, slot)
		switch {
		case bulk && added:
			buf.fullMisses = 0
		case bulk:
			buf.fullMisses++
		}
	}
	return data, shared, nil
}

// verify checks the checksum of the stored block at h, raw (its bytes and
// trailer).
func (r *Reader) verify(raw []byte, h handle) error {
	n := int(h.length)
	if got, want := crc32.Checksum(raw[:n+1], crcTable), binary.LittleEndian.Uint32(raw[n+1:]); got != want {
		return corruptf(r.name, int64(h.offset), "block checksum mismatch (computed %#x, stored %#x)", got, want)
	}
	return nil
}

// Mapped reports whether the table's file is mapped (its uncompressed
// blocks read in place).
func (r *Reader) Mapped() bool { return r.direct != nil }

// mappedBlock returns the stored block at h with its trailer, where it
// lies in the file's mapping, or nil when the mapping does not hold it.
func (r *Reader) mappedBlock(h handle) []byte {
	end := h.offset + h.length + blockTrailerLen
	if end > uint64(len(r.direct)) {
		return nil
	}
	return r.direct[h.offset:end:end]
}

// readDirect returns the block at h from the file's mapping when it is
// stored uncompressed (ok), verifying its checksum.
func (r *Reader) readDirect(h handle) (b []byte, ok bool, err error) {
	raw := r.mappedBlock(h)
	if raw == nil {
		return nil, false, nil
	}
	n := int(h.length)
	if Compression(raw[n]) != NoCompression {
		if r.plain.Load() {
			r.plain.Store(false)
		}
		return nil, false, nil
	}
	if !r.plain.Load() {
		r.plain.Store(true)
	}
	if err := r.verify(raw, h); err != nil {
		return nil, false, err
	}
	return raw[:n:n], true, nil
}

// NewIter returns an iterator over the table's point entries (SET and DEL;
// range tombstones are returned by Tombstones). lower and upper, when not
// nil, bound the user keys returned: lower inclusive, upper exclusive.
//
// Beyond the ikey.Iterator contract: Next after the iterator ran off the
// start moves to the first entry, Prev after it ran off the end moves to the
// last entry; on an iterator not yet positioned both return false.
func (r *Reader) NewIter(lower, upper []byte) ikey.Iterator {
	// Iterators are pooled with their block buffers: a point read opens
	// one per table it consults, and allocating each one and its first
	// block's memory (zeroed) cost a tenth of a cached point query.
	it, _ := r.iters.Get().(*tableIter)
	if it == nil {
		it = &tableIter{r: r, buf: readBuf{reuse: true, blockEnd: math.MaxUint64}}
	}
	it.lower, it.upper, it.closed = lower, upper, false
	return it
}

// SetSplit gives the reader the Split function a format-2 table was
// written with (WriterOptions.Split), so that Get, MayContain and
// MayContainPrefix can probe its prefix filter. Call it before the reader
// is shared. Without it they cannot use such a filter and answer "may
// contain".
func (r *Reader) SetSplit(split func([]byte) int) { r.split = split }

// MayContain reports whether the table may hold an entry for ukey, by its
// bloom filter; false is certain.
func (r *Reader) MayContain(ukey []byte) bool {
	if r.footer.version == formatPrefixFilter {
		if r.split == nil {
			return true
		}
		ukey = ukey[:r.split(ukey)]
	}
	return bloomMayContain(r.filter, bloomHash(ukey))
}

// MayContainPrefix reports whether the table may hold an entry whose user
// key has Split prefix prefix; false is certain. Only a table written with
// a Split (format version 2) whose reader was given it (SetSplit) can
// tell; any other answers true.
func (r *Reader) MayContainPrefix(prefix []byte) bool {
	if r.footer.version != formatPrefixFilter || r.split == nil {
		return true
	}
	return bloomMayContain(r.filter, bloomHash(prefix))
}

// PrefixFilter reports whether the table's bloom filter covers key prefixes
// (format version 2) rather than whole keys.
func (r *Reader) PrefixFilter() bool { return r.footer.version == formatPrefixFilter }

// Entry is a point entry found by Get.
type Entry struct {
	// Value is the entry's value, empty for a DEL. It aliases an immutable
	// block: the caller must not modify it, and may keep it.
	Value []byte
	Seq   ikey.SeqNum
	Kind  ikey.Kind
}

// Get returns the newest entry of user key ukey with sequence number <= seq.
// It checks the bloom filter first, and allocates nothing when the block is
// in the cache. Range tombstones are not applied (see Tombstones).
func (r *Reader) Get(ukey []byte, seq ikey.SeqNum) (Entry, bool, error) {
	if !r.MayContain(ukey) {
		return Entry{}, false, nil
	}
	it := r.getters.Get().(*tableIter)
	it.seekBuf = ikey.Make(it.seekBuf[:0], ukey, seq, ikey.KindMax)
	var e Entry
	found := false
	if it.seekGE(it.seekBuf) {
		k := it.data.key
		if bytes.Equal(ikey.UserKey(k), ukey) {
			found = true
			t := ikey.TrailerOf(k)
			e = Entry{Value: it.data.val, Seq: ikey.SeqNum(t >> 8), Kind: ikey.Kind(t & 0xff)}
		}
	}
	err := it.err
	it.reset()
	r.getters.Put(it)
	return e, found, err
}

// Tombstones returns the table's range tombstones, sorted by start key then
// sequence number descending. The slice and its keys are shared: read only.
func (r *Reader) Tombstones() []ikey.Tombstone { return r.tombstones }

// Meta returns the table's bounds and counts, as Writer.Close returned them.
func (r *Reader) Meta() Meta { return r.props.Meta }

// Properties returns the table's properties block.
func (r *Reader) Properties() Properties { return r.props }

// Close closes the file. Cached blocks stay until Cache.EvictFile.
//
// Blocks read in place (readDirect) are valid until Close unmaps them:
// the owner closes a table only once no iterator over it is open.
func (r *Reader) Close() error { return r.f.Close() }

// CloseInUse closes a table whose blocks may still be in use (its store
// is closing while iterators over it are open): a mapping of the file
// stays in place, for as long as the process lives, rather than leave
// those iterators holding unmapped memory.
func (r *Reader) CloseInUse() error {
	if r.mapped != nil {
		r.mapped.KeepMapping()
	}
	return r.f.Close()
}

// Check reads every block and verifies checksums, block structure, the
// ordering of internal keys within and across blocks, the index separators,
// and the counts and bounds of the properties. It reports the first problem,
// as an error wrapping ikey.ErrCorruption.
func (r *Reader) Check() error {
	idxOff := int64(r.footer.index.offset)
	if err := checkBlockStructure(r.index); err != nil {
		return corruptf(r.name, idxOff, "index block: %v", err)
	}
	var idx blockIter
	_ = idx.init(r.index)
	var (
		prevKey, prevSep []byte
		buf              readBuf
		data             blockIter
		nEntries, nDel   uint64
		nBlocks          uint64
		rawK, rawV       uint64
		first, last      []byte
		minSeq, maxSeq   ikey.SeqNum
		nextOff          uint64
	)
	buf.reuse = true // each block is checked, then dropped
	for ok := idx.First(); ok; ok = idx.Next() {
		sep := idx.Key()
		if prevSep != nil && ikey.Compare(prevSep, sep) >= 0 {
			return corruptf(r.name, idxOff, "index separators out of order: %s after %s", ikey.Format(sep), ikey.Format(prevSep))
		}
		h, hok := decodeHandle(idx.Value())
		if !hok {
			return corruptf(r.name, idxOff, "malformed block handle for separator %s", ikey.Format(sep))
		}
		if h.offset != nextOff {
			return corruptf(r.name, int64(h.offset), "data block not contiguous with the previous one (expected offset %d)", nextOff)
		}
		nextOff = h.offset + h.length + blockTrailerLen
		b, err := r.readBlock(h, &buf, false)
		if err != nil {
			return err
		}
		if err := checkBlockStructure(b); err != nil {
			return corruptf(r.name, int64(h.offset), "data block: %v", err)
		}
		_ = data.init(b)
		n := 0
		for dok := data.First(); dok; dok = data.Next() {
			k := data.Key()
			if kind := ikey.KindOf(k); kind != ikey.KindSet && kind != ikey.KindDelete {
				return corruptf(r.name, int64(h.offset), "data block holds %s entry %s", kind, ikey.Format(k))
			}
			if prevKey != nil && ikey.Compare(prevKey, k) >= 0 {
				return corruptf(r.name, int64(h.offset), "keys out of order: %s after %s", ikey.Format(k), ikey.Format(prevKey))
			}
			if n == 0 && prevSep != nil && ikey.Compare(k, prevSep) <= 0 {
				return corruptf(r.name, int64(h.offset), "first key %s not after the previous block's separator %s", ikey.Format(k), ikey.Format(prevSep))
			}
			if first == nil {
				first = bytes.Clone(k)
				minSeq, maxSeq = ikey.Seq(k), ikey.Seq(k)
			}
			minSeq, maxSeq = min(minSeq, ikey.Seq(k)), max(maxSeq, ikey.Seq(k))
			if ikey.KindOf(k) == ikey.KindDelete {
				nDel++
			}
			// A filter that rejects a key it holds would hide it from
			// every point read.
			if !r.MayContain(ikey.UserKey(k)) {
				return corruptf(r.name, int64(r.footer.filter.offset), "bloom filter rejects key %s of the table", ikey.Format(k))
			}
			rawK += uint64(len(k))
			rawV += uint64(len(data.Value()))
			prevKey = append(prevKey[:0], k...)
			n++
		}
		if data.err != nil {
			return corruptf(r.name, int64(h.offset), "data block: malformed entry")
		}
		if n == 0 {
			return corruptf(r.name, int64(h.offset), "empty data block")
		}
		if ikey.Compare(prevKey, sep) > 0 {
			return corruptf(r.name, idxOff, "separator %s before the last key %s of its block", ikey.Format(sep), ikey.Format(prevKey))
		}
		nEntries += uint64(n)
		nBlocks++
		prevSep = append(prevSep[:0], sep...)
	}
	if idx.err != nil {
		return corruptf(r.name, idxOff, "index block: malformed entry")
	}
	if first != nil {
		last = prevKey
	}
	p := r.props
	pOff := int64(r.footer.props.offset)
	if p.NumEntries != nEntries || p.NumDeletions != nDel || p.NumDataBlocks != nBlocks || p.RawKeySize != rawK || p.RawValueSize != rawV {
		return corruptf(r.name, pOff, "properties (entries %d, deletions %d, blocks %d, raw %d/%d) disagree with the data (%d, %d, %d, %d/%d)",
			p.NumEntries, p.NumDeletions, p.NumDataBlocks, p.RawKeySize, p.RawValueSize, nEntries, nDel, nBlocks, rawK, rawV)
	}
	for _, t := range r.tombstones {
		lo := ikey.Make(nil, t.Start, t.Seq, ikey.KindRangeDelete)
		hi := ikey.Make(nil, t.End, ikey.SeqNumMax, ikey.KindRangeDelete)
		if first == nil {
			first, last = lo, hi
			minSeq, maxSeq = t.Seq, t.Seq
		}
		if ikey.Compare(lo, first) < 0 {
			first = lo
		}
		if ikey.Compare(hi, last) > 0 {
			last = hi
		}
		minSeq, maxSeq = min(minSeq, t.Seq), max(maxSeq, t.Seq)
	}
	if !bytes.Equal(first, p.Smallest) || !bytes.Equal(last, p.Largest) {
		return corruptf(r.name, pOff, "properties bounds [%s, %s] disagree with the contents [%s, %s]",
			fmtKey(p.Smallest), fmtKey(p.Largest), fmtKey(first), fmtKey(last))
	}
	if first != nil && (minSeq != p.SmallestSeq || maxSeq != p.LargestSeq) {
		return corruptf(r.name, pOff, "properties seqnums [%d, %d] disagree with the contents [%d, %d]",
			p.SmallestSeq, p.LargestSeq, minSeq, maxSeq)
	}
	if r.filter != nil && len(r.filter) < 2 {
		return corruptf(r.name, int64(r.footer.filter.offset), "filter block too short")
	}
	rdb, err := r.readBlock(r.footer.rangeDel, nil, false)
	if err != nil {
		return err
	}
	if err := checkBlockStructure(rdb); err != nil {
		return corruptf(r.name, int64(r.footer.rangeDel.offset), "range-deletion block: %v", err)
	}
	return nil
}

func fmtKey(k []byte) string {
	if k == nil {
		return "nil"
	}
	return ikey.Format(k)
}

// checkBlockStructure verifies a block's restart array: increasing offsets,
// each at an entry with no shared prefix, the first at 0, and entries that
// decode exactly up to the restart array.
func checkBlockStructure(b []byte) error {
	var it blockIter
	if err := it.init(b); err != nil {
		return fmt.Errorf("malformed restart array")
	}
	prev := -1
	for r := 0; r < it.numRestarts; r++ {
		off := it.restartOffset(r)
		if off <= prev || off >= it.restarts || (r == 0 && off != 0) {
			return fmt.Errorf("restart point %d at offset %d out of order", r, off)
		}
		if _, ok := it.restartKey(r); !ok {
			return fmt.Errorf("restart point %d at offset %d is not a full key", r, off)
		}
		prev = off
	}
	// Every restart offset must be an entry boundary.
	r := 0
	for ok := it.First(); ok; ok = it.Next() {
		for r < it.numRestarts && it.restartOffset(r) < it.offset {
			return fmt.Errorf("restart point %d at offset %d is inside an entry", r, it.restartOffset(r))
		}
		if r < it.numRestarts && it.restartOffset(r) == it.offset {
			r++
		}
	}
	if it.err != nil {
		return fmt.Errorf("malformed entry at offset %d", it.offset)
	}
	if r != it.numRestarts {
		return fmt.Errorf("restart point %d at offset %d is not an entry boundary", r, it.restartOffset(r))
	}
	return nil
}

// SampleKeys returns user keys inside (lo, hi) that sample the table at
// even steps of sampleEvery data blocks, ascending, and how many such steps
// the whole table has: the keys of the first entries after every
// sampleEvery-th index separator (a separator may be no key of the
// table: it is shortened). They cost a read of the blocks holding those
// entries, no other. nil bounds are open.
func (r *Reader) SampleKeys(lo, hi []byte) (keys [][]byte, steps int, err error) {
	it := r.NewIter(nil, nil)
	defer func() {
		if cerr := it.Close(); err == nil {
			err = cerr
		}
	}()
	seps := r.indexKeys
	// The first step past lo.
	first := sort.Search((len(seps)+sampleEvery-1)/sampleEvery, func(s int) bool {
		return lo == nil || bytes.Compare(ikey.UserKey(seps[s*sampleEvery]), lo) > 0
	}) * sampleEvery
	var seek []byte
	for i := first; i < len(seps); i += sampleEvery {
		u := ikey.UserKey(seps[i])
		if hi != nil && bytes.Compare(u, hi) >= 0 {
			break
		}
		seek = ikey.Make(seek[:0], u, ikey.SeqNumMax, ikey.KindMax)
		if !it.SeekGE(seek) {
			break
		}
		k := ikey.UserKey(it.Key())
		if hi != nil && bytes.Compare(k, hi) >= 0 {
			break
		}
		if len(keys) == 0 || !bytes.Equal(k, keys[len(keys)-1]) {
			keys = append(keys, bytes.Clone(k))
		}
	}
	return keys, (len(seps) + sampleEvery - 1) / sampleEvery, it.Error()
}

// sampleEvery is how many data blocks a SampleKeys key stands for.
const sampleEvery = 16

// ApproximateOffset returns about where in the file the entries of user
// key ukey and after start: the offset of the first data block that may
// hold them (the data's end, past the last block, if none). It reads
// only the index block, which the Reader holds. The distance between
// the offsets of two keys estimates the bytes the keys between them
// take on disk.
func (r *Reader) ApproximateOffset(ukey []byte) uint64 {
	var bi blockIter
	if bi.init(r.index) != nil {
		return 0
	}
	bi.restartKeys, bi.fences, bi.dense = r.indexKeys, r.indexFences, r.indexEntries
	if !bi.SeekGE(ikey.Make(nil, ukey, ikey.SeqNumMax, ikey.KindMax)) {
		return r.footer.index.offset
	}
	h, ok := decodeHandle(bi.val)
	if !ok {
		return 0
	}
	return h.offset
}
