// Package sstable implements cairn's sorted string tables: immutable files
// of internal keys (see package ikey) and values in increasing ikey.Compare
// order, plus the range tombstones written with them.
//
// A Writer builds a table from point entries (SET and DEL, strictly
// increasing) and range tombstones (any order); a Reader serves point lookups
// (Get, after a bloom filter check), bounded two-level iterators (index block
// → data block) in both directions, the table's tombstones, and Check, which
// `cairn check` runs. Decompressed data blocks are shared through a Cache
// with a byte budget. A Reader is safe for concurrent use; iterators are not.
//
// # File layout
//
//	data block 0 | trailer
//	...
//	data block n-1 | trailer
//	filter block | trailer          (absent when the bloom filter is disabled)
//	range-deletion block | trailer
//	index block | trailer
//	properties block | trailer
//	footer                          (80 bytes)
//
// Data blocks are contiguous from offset 0, in key order. Every multi-byte
// fixed-width integer is little-endian; "uvarint" is encoding/binary's
// unsigned varint.
//
// # Blocks
//
// Data, index and range-deletion blocks share one format: a sequence of
// prefix-compressed entries, then the restart array.
//
//	field          size           meaning
//	shared         uvarint        bytes of the key shared with the previous entry's key (0 at a restart point)
//	unshared       uvarint        length of the key delta
//	valueLen       uvarint        length of the value
//	key delta      unshared       key[shared:]
//	value          valueLen       the value
//	... more entries ...
//	restart[i]     4 × n          uint32 offset of the entry at restart point i; restart[0] = 0, increasing
//	numRestarts    4              uint32 n (0 only for an empty block, which is then exactly these 4 bytes)
//
// A restart point falls every RestartInterval entries (16 by default) in data
// and range-deletion blocks, or sooner once the entries since the last one
// hold 1 KiB (large rows: a seek steps through a kilobyte, not sixteen of
// them), and at every entry of the index block, so a seek
// binary-searches the restart points, whose keys are stored whole, then scans
// at most one interval. A data block ends after the entry that brings it to
// the target BlockSize (4 KiB by default).
//
// Every block's stored bytes are followed by a 5-byte trailer:
//
//	offset  size  meaning
//	0       1     compression type: 0 none, 1 snappy (github.com/golang/snappy block format)
//	1       4     uint32 CRC32C (Castagnoli) of the stored bytes followed by the type byte
//
// Data and index blocks are snappy-compressed when WriterOptions.Compression
// asks for it and compression saves at least 25%; others are stored as
// they are. After a block that did not compress, the writer stores the
// next 1, 2, 4... up to 16 as they are without trying (neighbouring blocks
// hold alike data). A block handle is (offset, length) of the stored bytes, the
// length excluding the trailer.
//
// Block contents:
//
//   - data block: key = internal key (ikey.Make) of a SET or DEL entry,
//     value = its value.
//   - index block: one entry per data block, in order; key = a separator
//     internal key s with last key of the block <= s < first key of the next
//     block (often a shortened user key with the largest trailer), value =
//     the block handle as uvarint offset, uvarint length.
//   - range-deletion block: one entry per tombstone, sorted by key; key =
//     ikey.Make(Start, Seq, KindRangeDelete), value = End (exclusive).
//
// # Filter block
//
// One bloom filter over the filter keys of the whole table (each distinct
// filter key once), BloomBitsPerKey bits per filter key (10 by default, at
// least 64 bits). A filter key is the whole user key in a format-1 table,
// and the user key's prefix (WriterOptions.Split) in a format-2 table: the
// store above splits each key into a prefix and a version suffix, and looks
// a prefix up (Reader.MayContainPrefix) to read a key's newest version.
//
//	offset  size  meaning
//	0       m     bit array; bit b is byte b/8, mask 1<<(b%8)
//	m       1     k | 0x40, k the number of probes (bitsPerKey × ln 2, in [1, 30])
//
// The filter is blocked: m is a multiple of 64 (at least 64), and every
// probe of a key falls in one 64-byte block, so a lookup touches one cache
// line. For a key with h64 = xxhash64(filter key), the block is
// (high 32 bits × m/64) >> 32; with h = low 32 bits, probe j (0 ≤ j < k)
// tests bit h>>23 of the block, then h = h × 0x9e3779b9 mod 2^32.
//
// Tables written before the blocked layout have a trailer byte of k alone
// (0x40 clear), and spread probes: with delta = high 32 bits | 1, probe j
// tests bit (h + j·delta mod 2^32) mod 8m of the whole array. Readers
// still read them. A reader treats a k outside [1, 30] (or a blocked
// array whose length is not a multiple of 64) as "may contain
// everything".
//
// # Properties block (never compressed)
//
//	offset    size  meaning
//	0         8     number of point entries (SET and DEL)
//	8         8     number of point deletions (DEL)
//	16        8     number of range tombstones
//	24        8     smallest sequence number (of entries and tombstones; 0 if none)
//	32        8     largest sequence number
//	40        8     raw key bytes: sum of internal key lengths of point entries
//	48        8     raw value bytes
//	56        8     number of data blocks
//	64        4     length s of the smallest bound (0 for an empty table)
//	68        s     smallest bound: internal key
//	68+s      4     length l of the largest bound
//	72+s      l     largest bound: internal key
//
// The bounds cover point entries and tombstones: a tombstone [Start, End)#Seq
// contributes Start#Seq,RANGEDEL as a candidate smallest, and the exclusive
// sentinel End#SeqNumMax,RANGEDEL (IsExclusiveSentinel) as a candidate
// largest; that sentinel sorts before every real entry of user key End.
//
// # Footer (80 bytes, at the end of the file)
//
//	offset  size  meaning
//	0       16    index block handle: uint64 offset, uint64 length
//	16      16    filter block handle (0, 0 when there is no filter)
//	32      16    range-deletion block handle
//	48      16    properties block handle
//	64      4     uint32 format version: 1 (whole-key filter) or 2 (prefix filter)
//	68      4     uint32 CRC32C of bytes [0, 68)
//	72      8     magic "cairnsst"
//
// # Invariants and errors
//
// Point keys are strictly increasing across the table; a reader never trusts
// lengths or offsets it read: a bad magic, version, checksum, handle, varint
// or key order yields an error wrapping ikey.ErrCorruption that names the
// file and the byte offset, never a panic. Checksums are verified whenever a
// block is read from the file (not again on a cache hit).
//
// Caching: data blocks are cached decompressed under (file number, block
// offset); the index, filter, range-deletion and properties blocks live in
// the Reader for its lifetime. When a table file is deleted, its owner calls
// Cache.EvictFile. An iterator that has read bulkAfter (16) blocks in a
// row is a scan: its blocks enter the cache only while the cache has room
// (like PostgreSQL's ring buffer for large sequential scans), and
// otherwise live in the iterator's own memory, valid until its next read,
// so a scan of a table larger than the cache neither evicts the blocks
// point reads keep hot nor allocates every block it reads. After 64 such
// blocks in a row that the cache neither held nor had room for, a scan
// looks up only every 16th block there until one is found or fits. The
// cache evicts by CLOCK's second chance (cache.go): a hit marks its block
// under a shared lock, and a marked block survives one eviction round.
// A Reader with a cache keeps a slot per data block (its index entry's
// number), pointing to the block's cache entry while the block is cached
// (the entry clears it when it leaves): a read that finds its block there
// takes neither the shard's lock nor its map lookup (a mvcc point read of
// a cached 1 KB row: 9% less time in the read).
//
// Reading: where the table's file is a vfs.ReadMapper (a real file where
// there is mmap), it is mapped read-only at Open. A block that a point
// read or a short range read needs (not a scan's: bulkAfter blocks in a
// row), stored uncompressed, is used where it lies in the mapping
// (readDirect): its checksum is verified on every such read, and it is
// neither copied nor cached, the kernel's page cache being its cache.
// That takes a 4 KiB copy, a zeroed allocation and a cache insertion off
// every miss of a point read (index-range on the 1M-row sbtest: 57 to 43
// us a query). Its bytes are valid until the Reader's Close unmaps them,
// so the owner closes a table only once no iterator over it is open (lsm
// closes a table when no version holds it; a store closed under open
// iterators closes their tables with CloseInUse, which leaves the mapping
// in place). Whether a block is stored plain shows only in its trailer:
// the mapping is looked at first while the table's blocks have been
// plain, and after a cache miss otherwise, so that a compressed block the
// cache holds costs no touch of the file's pages. A compressed block such
// a read misses is checked and decompressed from the mapping in place,
// into memory the cache then holds. Other blocks are read by pread, or
// copied from the mapping under its guard (vfs): scans' and compactions'
// readahead windows, so that what they read once does not stay mapped,
// counted in the process's resident memory. A fault while reading the
// mapping in place (the file truncated under it, a disk error) ends the
// process, as with SQLite's or LMDB's mapped files; the table files are
// immutable and the store's directory locked.
//
// Sharing: a block in the cache, or decompressed into fresh memory, is
// never written again, so an iterator reports its values shared
// (ValueShared): the reader may keep them past the iterator's next step
// and Close, which keeps the block's memory alive meanwhile. Values in
// the mapping or in an iterator's reused memory are not shared.

// Bounds: an iterator checks its upper bound only in blocks whose index
// separator is not below it.
//
// Iterators: a Reader pools its closed iterators with their block buffers
// and keeps its index block's restart keys decoded, for the many short
// seeks of point reads. A forward seek to a key inside the current block
// searches that block only; one in the next block steps there.
package sstable
