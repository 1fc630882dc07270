// Package lsm is cairn's storage engine: an ordered, durable key/value store
// built as a log-structured merge tree. It stores byte keys and values and
// knows nothing of rows, SQL or transactions.
//
// # Architecture
//
// A write is a Batch. Committers queue; the leader of the queue takes the
// batches behind it (a group), assigns each write a sequence number, appends
// the group to the write-ahead log with one write and at most one sync,
// applies it to the memtable, and publishes the new visible sequence number
// (commit.go). The leader writes the WAL with the commit lock released (so
// the next group can queue), which is why Flush and Close, which rotate or
// close the WAL, take lockCommits: a barrier in the queue that waits for
// the group in flight. Readers see exactly the writes at or below the visible
// sequence number, so a batch is visible all at once or not at all. A WAL
// segment's space is allocated ahead of its writes, a sixteenth of the
// memtable size at a time (record.Writer.Preallocate), and its syncs are
// fdatasync: a synced write inside the allocated space changes no file
// size or extent, so the sync writes only the data. The segment then ends
// in zeros, which recovery reads as its clean end. Unsynced commits have
// the segment synced behind them, in the background, every 8 MiB
// (walSyncBehind, record.Writer.SyncBehind): the sync that switching
// segments makes with the commits held up then has little left to write.
// Spare syncs change nothing a crash may keep or lose.
//
// The memtable is a skiplist of internal keys (user key + seq + kind, see
// package ikey). When it reaches Options.MemTableSize it is frozen, a new WAL
// segment is started (the old one is synced first, so a crash can only lose
// a suffix of the log), and a background flush writes the frozen memtable to
// an L0 table. The flush goroutine then makes the arena of the next
// memtable, so that a switch does not allocate (and zero) one on the
// committing goroutine. A memtable has the kernel map its arena's pages a
// megabyte ahead of its writes (Linux: MADV_POPULATE_WRITE), one call
// instead of a page fault per page. Too many frozen memtables, or too many L0 tables, stall
// writers until the background catches up.
//
// Tables live in levels L0..L6. L0 tables are flush outputs and overlap; in
// L1+ each level is one sorted run of non-overlapping tables. A background
// compaction merges the level most over its budget (L0 by file count, others
// by bytes) into the next level; L0 also goes down, before it holds enough
// tables, once range reads have paid for reading its tables about what the
// compaction costs (l0ReadBudget, like LevelDB's seek compaction), dropping versions that no snapshot can see,
// entries covered by range tombstones and, at the bottom of the tree, the
// tombstones themselves (compaction_iter.go). For any user key, the entries
// of a level are newer than those of every deeper level; point reads rely on
// that to stop at the first source that knows the key.
//
// With Options.Split, a key is a prefix (a logical key of the layer above)
// plus a suffix (its version). Tables' bloom filters then cover prefixes
// (sstable format 2), and Iterator.SeekPrefixGE, the layer above's point
// read, merges only the memtables and the tables whose filter may hold the
// prefix: usually one table instead of one per level.
// Iterator.SeekPrefixNewest, for a layer whose later versions of a prefix
// never sort after earlier ones (mvcc's), reads the sources newest first
// and stops at the first holding a visible version: a row updated since
// it reached a deep level is read from the memtable or L0 alone. It stops
// there only while every newer source sits past that version, so a
// deletion of exactly that version, written later, is still seen.
//
// Building an iterator over every memtable and level costs more than a
// cached point read, so the layer above keeps iterators for its point
// reads: one is current while the store has not changed, and Refresh
// brings it up to writes that all went to the memtable it reads (no
// flush, compaction or range deletion since), resetting its sources'
// positions. A value read from a cached table block is shared memory
// (Iterator.ValueShared) that the reader may keep.
//
// A forward SeekGE at or after the current key leaves the sources already
// at or past the target where they are (each sits on its first entry at
// or after the current key) and keeps a level in the table it is in: a
// run of near seeks (a merge join) touches one source and one block each.
//
// The manifest is a log of version edits (tables added and removed, log
// number, next file number, last sequence number). CURRENT names the live
// manifest and is replaced atomically (temp file, fsync, rename, directory
// fsync). Each Open writes a new manifest and a new WAL segment, so the store
// never appends after a tail that a crash may have torn.
//
// Recovery (Open): read CURRENT, replay the manifest, replay every WAL
// segment at or above the manifest's log number, write what they held to L0,
// and delete obsolete files. A torn record at the end of the newest WAL is
// the unfinished write of a crash and is dropped; damage anywhere else is
// an error wrapping ikey.ErrCorruption that names the file and offset.
//
// After an I/O error on the write path (WAL write or sync, flush,
// compaction, manifest) the store enters a failed state: reads continue,
// every write returns an error wrapping ErrFailed, and nothing is
// acknowledged after a failed sync. Reopening recovers.
//
// # Files
//
//	CURRENT          name of the live manifest, then "\n"
//	LOCK             flock(2)ed while the store is open
//	MANIFEST-NNNNNN  version edits (record framing, magic "cairnman")
//	NNNNNN.log       WAL segment (record framing, magic "cairnwal")
//	NNNNNN.sst       SSTable (format in package sstable)
//	NNNNNN.tmp       a CURRENT being written
//
// The record framing (file header, per-record CRC32C and length, the
// torn-tail rule) is described in package record; the SSTable layout in
// package sstable.
//
// # WAL record payload: a batch
//
//	offset  size     field
//	0       8        seq: sequence number of the first write, uint64 LE
//	8       4        count: number of writes, uint32 LE
//	12      ...      count entries:
//	                   1        kind (0 DEL, 1 SET, 2 RANGEDEL)
//	                   uvarint  key length, then the key
//	                   uvarint  value length, then the value (SET, RANGEDEL;
//	                            for RANGEDEL the key is the inclusive start
//	                            and the value the exclusive end)
//
// The i-th write of a batch has sequence number seq+i.
//
// # Manifest record payload: a version edit
//
// A sequence of (tag uvarint, fields) pairs:
//
//	tag  name           fields
//	1    log number     uvarint: WAL segments below it are flushed
//	2    next file num  uvarint
//	3    last seq       uvarint: largest sequence number flushed or visible
//	4    deleted file   uvarint level, uvarint file number
//	5    added file     uvarint level, uvarint file number, uvarint size,
//	                    uvarint len + smallest internal key,
//	                    uvarint len + largest internal key,
//	                    uvarint smallest seq, uvarint largest seq,
//	                    uvarint flags (bit 0: table has range tombstones)
//
// The first record of every manifest is a snapshot: all live tables plus
// the three counters. Unknown tags are corruption.
//
// # Limits
//
// Keys up to MaxKeySize (1 MiB) and values up to MaxValueSize (128 MiB);
// empty keys and values are allowed. At most maxMappedTables (8,192) open
// tables are mapped into memory (sstable reads their uncompressed blocks
// in place); tables past them are read by pread, since every mapping is
// one of the process's memory areas, which Linux bounds.
//
// # What this package must never do
//
// Acknowledge a synced write before its fsync returned; apply a write to
// the memtable before it is in the WAL; delete a file some version or open
// iterator can still read, or close one (unmapping it) while an iterator
// may hold its blocks; silently skip damaged data.
package lsm
