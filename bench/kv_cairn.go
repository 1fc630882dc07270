package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/cairndb/cairn/internal/lsm"
)

// cairnKVOptions are cairn's storage options for the kv workloads: the
// defaults of internal/lsm/options.go, spelled out so that a change of
// default does not silently change the comparison. kvPebbleOptions mirrors
// them.
func cairnKVOptions() *lsm.Options {
	return &lsm.Options{
		MemTableSize:          64 << 20,
		MemTableStopWrites:    2, // frozen memtables waiting for flush
		CacheSize:             128 << 20,
		BlockSize:             4 << 10,
		Compression:           lsm.SnappyCompression,
		BloomBitsPerKey:       10,
		L0CompactionThreshold: 4,
		L0StopWrites:          12,
		LBaseMaxBytes:         64 << 20,
		LevelMultiplier:       10,
		TargetFileSize:        4 << 20,
	}
}

// kvCairn is kvEngine over internal/lsm.
type kvCairn struct {
	db *lsm.DB
}

func (c *kvCairn) Open(dir string) error {
	db, err := lsm.Open(dir, cairnKVOptions())
	if err != nil {
		return err
	}
	c.db = db
	return nil
}

// Close is idempotent: workloads close explicitly and also defer it.
func (c *kvCairn) Close() error {
	if c.db == nil {
		return nil
	}
	err := c.db.Close()
	c.db = nil
	return err
}

func (c *kvCairn) NewBatch() kvBatch { return &cairnBatch{db: c.db, b: lsm.NewBatch()} }

func (c *kvCairn) Set(key, value []byte, sync bool) error {
	return c.db.Set(key, value, cairnWriteOptions(sync))
}

func (c *kvCairn) Get(key, want []byte) error {
	v, err := c.db.Get(key)
	if errors.Is(err, lsm.ErrNotFound) {
		return errKVNotFound
	}
	if err != nil {
		return err
	}
	if want != nil && !bytes.Equal(v, want) {
		return errKVMismatch
	}
	return nil
}

func (c *kvCairn) Scan(visit func(key, value []byte) error) error {
	it := c.db.NewIter(&lsm.IterOptions{})
	for it.First(); it.Valid(); it.Next() {
		if err := visit(it.Key(), it.Value()); err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

func (c *kvCairn) Flush() error { return c.db.Flush() }

func (c *kvCairn) Stats() string { return cairnLSMStats(c.db) }

// cairnLSMStats describes an lsm.DB's activity since Open, for stderr.
func cairnLSMStats(db *lsm.DB) string {
	m := db.Metrics()
	var sb strings.Builder
	fmt.Fprintf(&sb, "commits %d in %d groups (%.2f/group), syncs %d, stalls %d, flushes %d, compactions %d (%d trivial moves, %.1f MB in, %.1f MB out), manifest rotations %d, memtable %.1f MB + %d frozen, levels",
		m.Commits, m.CommitGroups, perGroup(m.Commits, m.CommitGroups), m.Syncs, m.Stalls,
		m.Flushes, m.Compactions, m.TrivialMoves, mb(int64(m.CompactedBytesIn)), mb(int64(m.CompactedBytesOut)),
		m.ManifestRotations, mb(m.MemTableBytes), m.ImmutableMemTables)
	for l := range m.LevelFiles {
		fmt.Fprintf(&sb, " L%d=%d/%.1fMB", l, m.LevelFiles[l], mb(int64(m.LevelBytes[l])))
	}
	return sb.String()
}

func perGroup(commits, groups uint64) float64 {
	if groups == 0 {
		return 0
	}
	return float64(commits) / float64(groups)
}

func cairnWriteOptions(sync bool) *lsm.WriteOptions {
	if sync {
		return lsm.Sync
	}
	return lsm.NoSync
}

type cairnBatch struct {
	db *lsm.DB
	b  *lsm.Batch
}

func (b *cairnBatch) Set(key, value []byte) { b.b.Set(key, value) }
func (b *cairnBatch) Count() int            { return b.b.Count() }
func (b *cairnBatch) Reset()                { b.b.Reset() }
func (b *cairnBatch) Commit(sync bool) error {
	return b.db.Apply(b.b, cairnWriteOptions(sync))
}
