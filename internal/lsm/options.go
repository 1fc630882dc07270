package lsm

import (
	"log/slog"

	"github.com/cairndb/cairn/internal/lsm/sstable"
	"github.com/cairndb/cairn/internal/vfs"
)

// Options configure a DB. The zero value of every field means its default.
type Options struct {
	// FS is the file system; default the OS.
	FS vfs.FS
	// MemTableSize is the size at which the memtable is frozen and flushed
	// to an L0 table. Default 64 MiB.
	MemTableSize int64
	// MemTableStopWrites is how many frozen memtables may wait for a flush
	// before writes stall. Default 2.
	MemTableStopWrites int
	// Cache is a block cache shared between stores; if nil, each store gets
	// its own of CacheSize bytes (default 128 MiB).
	Cache     *sstable.Cache
	CacheSize int64
	// BlockSize is the target size of an SSTable data block. Default 4 KiB.
	BlockSize int
	// Compression of data blocks. Default snappy.
	Compression Compression
	// BloomBitsPerKey sizes each table's bloom filter. Default 10.
	BloomBitsPerKey int
	// L0CompactionThreshold is the L0 file count that triggers an L0 -> L1
	// compaction. Default 4.
	L0CompactionThreshold int
	// L0StopWrites is the L0 file count at which writes stall until
	// compaction catches up. Default 12.
	L0StopWrites int
	// LBaseMaxBytes is the target size of L1; each deeper level is
	// LevelMultiplier times larger. Defaults 64 MiB and 10.
	LBaseMaxBytes   int64
	LevelMultiplier int
	// TargetFileSize is the size at which compaction cuts output tables.
	// Default 4 MiB.
	TargetFileSize int64
	// MinSplitPart is the least data SplitKeys gives a part of a range
	// read in parallel: below it a part's goroutine and iterators cost
	// more than the part saves. Default 512 KiB.
	MinSplitPart int64
	// MaxManifestSize is the size at which the manifest is rewritten as a
	// snapshot into a new file. Default 4 MiB.
	MaxManifestSize int64
	// DisableAutoCompactions stops background compactions (flushes still
	// run, and L0 growth no longer stalls writes); tests use it to build
	// exact shapes.
	DisableAutoCompactions bool
	// Logger receives background events and errors. Default: discarded.
	Logger *slog.Logger
	// Split, if set, returns the length of a key's prefix: the part that
	// names one logical key of the layer above, whose versions are stored
	// as several keys sharing it. Compactions never cut an output table
	// inside a prefix, so one table holds all of a compaction's versions of
	// a logical key and a compaction filter sees them together. Tables'
	// bloom filters cover prefixes, so Iterator.SeekPrefixGE skips the
	// tables that hold no version of a key. Nil means every key is its own
	// prefix. A store must be opened with the same Split every time.
	Split func(key []byte) int
	// CompactionFilter, if set, may drop entries while flushes and
	// compactions rewrite them; the layer above uses it to garbage-collect
	// its own versions (see CompactionFilter).
	CompactionFilter CompactionFilter
	// ReadOnly opens the store without writing anything: no recovery flush,
	// no new WAL or manifest, no background work. Used by `cairn check`.
	ReadOnly bool
}

func (o Options) withDefaults() Options {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.MemTableSize <= 0 {
		o.MemTableSize = 64 << 20
	}
	if o.MemTableStopWrites <= 0 {
		o.MemTableStopWrites = 2
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 128 << 20
	}
	if o.BlockSize <= 0 {
		o.BlockSize = 4 << 10
	}
	if o.BloomBitsPerKey <= 0 {
		o.BloomBitsPerKey = 10
	}
	if o.L0CompactionThreshold <= 0 {
		o.L0CompactionThreshold = 4
	}
	if o.L0StopWrites <= 0 {
		o.L0StopWrites = 12
	}
	if o.L0StopWrites <= o.L0CompactionThreshold {
		o.L0StopWrites = o.L0CompactionThreshold + 1
	}
	if o.LBaseMaxBytes <= 0 {
		o.LBaseMaxBytes = 64 << 20
	}
	if o.LevelMultiplier <= 1 {
		o.LevelMultiplier = 10
	}
	if o.TargetFileSize <= 0 {
		o.TargetFileSize = 4 << 20
	}
	if o.MinSplitPart <= 0 {
		o.MinSplitPart = 512 << 10
	}
	if o.MaxManifestSize <= 0 {
		o.MaxManifestSize = 4 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// WriteOptions control one write.
type WriteOptions struct {
	// Sync makes the write durable (fsync of the WAL) before it returns.
	Sync bool
}

// Sync and NoSync are the two write modes.
var (
	Sync   = &WriteOptions{Sync: true}
	NoSync = &WriteOptions{Sync: false}
)

// IterOptions bound an iterator to user keys in [LowerBound, UpperBound).
// A nil bound is unbounded.
type IterOptions struct {
	LowerBound, UpperBound []byte
	// TablesOnly reads the tables and not the memtables: for a reader
	// that looks for what is older than anything a memtable holds (the
	// MVCC garbage collector, from inside a flush or compaction).
	TablesOnly bool
}

// Compression selects the compression of SSTable data blocks.
type Compression uint8

const (
	// DefaultCompression is snappy.
	DefaultCompression Compression = iota
	NoCompression
	SnappyCompression
)

func (c Compression) sstable() sstable.Compression {
	if c == NoCompression {
		return sstable.NoCompression
	}
	return sstable.SnappyCompression
}

// CompactionFilter lets the layer above the store drop entries it knows no
// reader needs, while compaction rewrites them anyway: garbage collection at
// the cost of nothing but a callback.
type CompactionFilter interface {
	// Start begins one flush or compaction, described by scope. The scope
	// is valid until the run ends.
	Start(scope *FilterScope) CompactionFilterRun
}

// CompactionFilterRun sees, in key order, every entry a flush or
// compaction is about to keep, and answers whether to drop it instead. It
// is used by one goroutine. Dropping overrides the store's own snapshots:
// a filter must only drop what no reader of the layer above can need.
//
// A run that also has a Finish method has it called when the flush or
// compaction is done with it (to release what it holds: an iterator).
type CompactionFilterRun interface {
	Drop(key, value []byte, isDelete bool) bool
}
