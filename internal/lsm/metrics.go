package lsm

import (
	"sync/atomic"

	"github.com/cairndb/cairn/internal/lsm/sstable"
)

// Metrics are counters of the store's activity since it was opened.
type Metrics struct {
	commits, commitGroups, syncs, commitBytes atomic.Uint64
	stalls                                    atomic.Uint64
	flushes, compactions, trivialMoves        atomic.Uint64
	compactedBytesIn, compactedBytesOut       atomic.Uint64
	manifestRotations                         atomic.Uint64
}

func (m *Metrics) recordCommit(batches, bytes int, synced bool) {
	m.commits.Add(uint64(batches))
	m.commitGroups.Add(1)
	m.commitBytes.Add(uint64(bytes))
	if synced {
		m.syncs.Add(1)
	}
}

// MetricsSnapshot is a point-in-time copy of Metrics plus the tree's shape.
type MetricsSnapshot struct {
	Commits, CommitGroups, Syncs, CommitBytes uint64
	Stalls                                    uint64
	Flushes, Compactions, TrivialMoves        uint64
	CompactedBytesIn, CompactedBytesOut       uint64
	ManifestRotations                         uint64
	LevelFiles                                [numLevels]int
	LevelBytes                                [numLevels]uint64
	MemTableBytes                             int64
	ImmutableMemTables                        int
	// Cache is the block cache's counters (shared caches: every store's).
	Cache sstable.CacheStats
}

// Metrics returns a snapshot of the store's counters and shape.
func (d *DB) Metrics() MetricsSnapshot {
	m := &d.metrics
	s := MetricsSnapshot{
		Commits: m.commits.Load(), CommitGroups: m.commitGroups.Load(),
		Syncs: m.syncs.Load(), CommitBytes: m.commitBytes.Load(),
		Stalls:  m.stalls.Load(),
		Flushes: m.flushes.Load(), Compactions: m.compactions.Load(), TrivialMoves: m.trivialMoves.Load(),
		CompactedBytesIn: m.compactedBytesIn.Load(), CompactedBytesOut: m.compactedBytesOut.Load(),
		ManifestRotations: m.manifestRotations.Load(),
		Cache:             d.cache.Stats(),
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for l, files := range d.mu.version.levels {
		s.LevelFiles[l] = len(files)
		s.LevelBytes[l] = levelBytes(files)
	}
	s.MemTableBytes = d.mu.mem.size()
	s.ImmutableMemTables = len(d.mu.imms)
	return s
}
