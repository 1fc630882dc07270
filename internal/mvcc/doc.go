// Package mvcc adds transactions to the storage engine: multi-version
// keys, a timestamp oracle, snapshot isolation and SERIALIZABLE
// (optimistic, by read-set validation at commit), savepoints, durable
// all-or-nothing commits through the engine's group commit, and garbage
// collection of old versions inside the engine's compactions.
//
// # Keys and values in the store
//
// Every version of a user key is one store key:
//
//	bytes     field
//	n         the user key, each 0x00 written as 0x00 0xFF
//	2         terminator 0x00 0x01
//	8         ^commit_ts, big-endian
//
// The escaping makes the terminated key prefix-free and order-preserving,
// so all versions of one user key are contiguous and user keys never
// interleave; the inverted timestamp puts the newest version first. (It is
// the row codec's string escaping, written again here because the layering
// puts internal/rowcodec above this package.)
//
//	value byte 0  meaning
//	0x01          a value: the rest of the bytes
//	0x00          a tombstone (the key was deleted at commit_ts)
//
// Store keys starting 0x00 0x00 are the metadata space, outside every
// version's key (an escaped key starts with a non-zero byte, 0x00 0xFF or
// 0x00 0x01). It holds one key, "\x00\x00oracle-lease": an 8-byte
// big-endian bound above every timestamp ever handed out.
//
// # Timestamps and visibility
//
// Commit timestamps come from a counter under the commit mutex. Before
// handing out a timestamp at or above the lease, the oracle writes a new
// lease (next + 2^20) with a synced write, so after a restart it resumes
// at the stored lease, above every timestamp that can be in the store.
//
// A commit takes its timestamp, then writes its batch outside the mutex
// (that is what lets the engine's group commit share one fsync among
// concurrent committers), so commits finish applying out of order. The
// watermark is the largest timestamp at or below which every commit has
// finished applying; a transaction reads at the watermark when it begins,
// so it never sees half a commit nor a commit "appear" below its read
// timestamp later, and one view of the store taken at its first read
// serves all its point reads. Commit returns once the watermark covers it:
// a transaction begun after Commit returned sees it.
//
// # Reads
//
// Get prefix-seeks (lsm.Iterator.SeekPrefixNewest, which skips the tables
// whose bloom filter rules out key's versions, and stops at the newest
// source holding one at or below read_ts) to (key, read_ts): the first
// store key at or after it with the key's prefix is the newest visible
// version. Stopping early is right because a key's versions reach the
// store in timestamp order (Commit's validation: see Commit), so a deeper
// source holds only older ones. Get returns a copy; GetView the store's
// memory, for a caller that decodes it at once; GetShared also says when
// that memory is a cached table block, which the caller may keep (its
// large values then need no copy). Scan walks the store
// range of [start, end), skipping versions above the read timestamp and
// older duplicates (stepping a few entries, then seeking), and merges the
// result with the transaction's own buffered writes as they were when the
// scan began; ReverseScan does the same backwards. A forward iterator
// hands out a committed entry in place (its value is the store's, its key
// decoded when asked) and moves on at the next call; SeekGE moves it
// forward to a key, cheaply when the key is near (the storage iterators
// stay in their blocks): a merge join's inner side. SplitKeys cuts a range
// at store table boundaries into parts of about equal size, which a
// reader may scan concurrently, an iterator each (iterators share nothing
// once made); ApproximateSize estimates the bytes a range takes from the
// same tables' indexes (and the memtables), for pg_relation_size and its
// kin. Reads never use store snapshots: the garbage collector overrides
// them.
//
// A PrefixClock (clock.go) holds the commit timestamp of the newest write
// under a key prefix, set before that commit is visible; a reader keeps a
// value derived from those keys with it (Keep) and any snapshot that sees
// the same writes reuses it (Cached): the full-text index's statistics.
//
// # Commit and isolation
//
// Writes are buffered in the transaction (a map plus a lazily sorted key
// list; the maps of finished transactions are emptied and reused). A
// transaction that writes a great many keys at once and reads none of
// them after (an fts merge) hands them over as a run (PutRun), kept as a
// list and committed from a sort of it; anything that reads the write
// set first enters the run into the map. A write's value may still be
// in the making on another goroutine (PutLater: an fts index entry whose
// text a worker analyzes): the
// buffer holds the key at once, and the value is waited for where the
// transaction first needs it, a read of the key or the batch Commit
// builds before taking its timestamp. Commit, under the commit mutex:
//
//  1. validates: every written key must not have been written by a commit
//     newer than the snapshot the write was made from (read_ts; under READ
//     COMMITTED the statement's, the entry's basis) (first committer wins;
//     snapshot isolation); under
//     SERIALIZABLE, every key read by Get and every range scanned must not
//     have been written by such a commit either;
//  2. takes the commit timestamp and records the write set in the list of
//     recent commits (and a key -> newest commit map, except for big
//     commits of 512 keys or more, whose sorted keys validation searches
//     instead), pruned below the oldest open transaction's read timestamp;
//
// then, outside the mutex, writes the whole write set as one store batch
// (synced unless TxnOptions.NoSync): after a crash all of it or none of it
// is there. The batch is built before the mutex is taken, its keys with a
// zero timestamp that is stamped in once the commit has one: between
// taking a timestamp and being applied, a commit holds up the return of
// every later one (the watermark), and encoding a large write set, an
// fts merge's, is a good part of that time. Batch buffers are reused:
// those up to 4 MiB from a pool, the largest of the bigger ones kept aside
// for the next large commit, a run's grown to its budgeted size so that a
// somewhat larger next piece fits too (a new buffer of megabytes costs its
// page faults on every first write). The loser of a conflict gets a *ConflictError (errors.Is
// ErrConflict, SQLState() "40001"); before returning it waits until the
// winner is visible, so an immediate retry does not lose again.
//
// Validating reads against commits since the snapshot makes every
// read-write transaction behave as if it ran at its commit timestamp:
// serializable in commit order. A transaction that wrote nothing reads a
// snapshot that is a prefix of that order, so it is serializable at its
// read timestamp without validation: read-only transactions never
// conflict, and the read-only anomaly of snapshot isolation cannot happen
// under SERIALIZABLE (the writer whose read went stale fails instead). A
// scanned range joins the read set whole, even if the caller stopped
// early (conservative; a LIMIT could record less).
//
// READ COMMITTED (locks.go) moves read_ts forward per statement (Refresh;
// the transaction stays registered at its first snapshot for the pruning
// above) and locks each written key in an in-memory table until the
// transaction ends. A writer meeting another's lock waits for it; a wait
// that would close a cycle is a *DeadlockError (40P01). A key committed
// after the statement's snapshot, by the holder it waited for or anyone,
// fails the write with ErrRestartStatement: the caller rolls the statement
// back to a savepoint, Refreshes and runs it again. Snapshot and
// serializable transactions take no locks.
//
// DeleteRange reads the range at the snapshot and writes a tombstone per
// live key: a store range tombstone would destroy history that older
// snapshots read. Under SERIALIZABLE the range joins the read set.
//
// Savepoints record the length of an undo log of buffered writes, kept
// from a transaction's first savepoint on; RollbackTo replays it
// backwards. The read set is not truncated: what the
// transaction read before the rollback may have shaped what it still
// writes, or what the client saw, so SERIALIZABLE must validate it.
//
// # Garbage collection
//
// mvcc.Open opens the store with a compaction filter. For each flush or
// compaction it takes the open transactions' read timestamps and the
// watermark as snapshots; for each user key (versions arrive newest first)
// it keeps every version above the watermark, the newest version in each
// stripe between consecutive snapshots, and drops the rest. The newest
// version in the oldest stripe is dropped too if it is a tombstone and the
// store holds no older version of the key (checked with a store iterator;
// see below). So a key updated many times keeps one version per open
// snapshot, and a deleted key eventually vanishes.
//
// The engine's "bottommost" flag is not used for tombstones: it compares
// store keys, and the versions of one user key are different store keys
// that a table boundary or a compaction's key range can separate, so an
// older version may sit in a deeper table (or a sibling table of the same
// level) while the flag says bottommost. Versions of one key are applied in
// timestamp order (write-write validation plus the watermark), so once no
// older version exists none can appear.
//
// # Large transactions
//
// A transaction's buffered writes are bounded by Options.TxnMemoryBudget
// (default 512 MiB, counting key and value bytes plus a fixed per-entry
// overhead). A write that would exceed it fails cleanly with
// ErrTxnTooLarge, has no effect, and leaves the transaction usable (roll
// back, or to a savepoint). We chose failing over spilling because the
// commit is one store batch, which the engine holds in memory and writes
// as one WAL record anyway: spilling the buffer to a temporary file would
// only move the memory peak to commit time. Bulk loads should commit in
// chunks. Spilling needs a streaming commit in the engine first.
//
// # Crash behaviour
//
// Nothing of an uncommitted transaction reaches the store. A commit is one
// batch, so recovery holds all of it or none; the engine recovers a prefix
// of its WAL, and a commit's batch follows in the WAL every batch it read
// (the watermark), so no commit survives without the commits it depended
// on. A commit that failed in the engine (I/O error) may still reappear
// after a restart: its outcome is unknown, as in any database.
//
// # What this package must never do
//
// Let a reader see part of a commit; let two transactions that wrote the
// same key both commit from overlapping snapshots; hand out a timestamp
// at or below one already in the store; drop a version an open (or future)
// snapshot can read.
package mvcc
