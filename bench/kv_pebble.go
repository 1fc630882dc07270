package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"sync/atomic"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
)

// kvPebbleOptions configures Pebble like cairnKVOptions configures cairn:
//
//   - 64 MiB memtables; MemTableStopWritesThreshold 3 (Pebble counts the
//     mutable memtable, cairn counts only frozen ones: 2 frozen + 1 mutable);
//   - a 128 MiB block cache;
//   - 4 KiB snappy blocks and a 10 bits/key bloom filter on every level;
//   - 4 MiB output tables on every level (Pebble would double them per
//     level by default; cairn uses one size);
//   - L0 compaction at 4 files, write stop at 12 (Pebble counts L0
//     sublevels, cairn files), LBase 64 MiB with Pebble's fixed x10;
//   - one compaction at a time, as cairn has one compaction goroutine;
//   - the newest on-disk format, as a new Pebble user would choose.
//
// Everything else is Pebble's default (e.g. BytesPerSync 512 KiB).
func kvPebbleOptions(cache *pebble.Cache, stalls *atomic.Int64) *pebble.Options {
	o := &pebble.Options{
		Cache:                       cache,
		MemTableSize:                64 << 20,
		MemTableStopWritesThreshold: 3,
		L0CompactionThreshold:       4,
		L0StopWritesThreshold:       12,
		LBaseMaxBytes:               64 << 20,
		MaxConcurrentCompactions:    func() int { return 1 },
		FormatMajorVersion:          pebble.FormatNewest,
		Logger:                      quietLogger{},
		EventListener: &pebble.EventListener{
			WriteStallBegin: func(pebble.WriteStallBeginInfo) { stalls.Add(1) },
		},
	}
	o.Levels = make([]pebble.LevelOptions, 7)
	for i := range o.Levels {
		l := &o.Levels[i]
		l.BlockSize = 4 << 10
		l.Compression = pebble.SnappyCompression
		l.FilterPolicy = bloom.FilterPolicy(10)
		l.FilterType = pebble.TableFilter
		l.TargetFileSize = 4 << 20
	}
	return o
}

// kvPebble is kvEngine over Pebble.
type kvPebble struct {
	db     *pebble.DB
	cache  *pebble.Cache
	stalls atomic.Int64
}

func (p *kvPebble) Open(dir string) error {
	p.cache = pebble.NewCache(128 << 20)
	db, err := pebble.Open(dir, kvPebbleOptions(p.cache, &p.stalls))
	if err != nil {
		p.cache.Unref()
		p.cache = nil
		return err
	}
	p.db = db
	return nil
}

// Close is idempotent; it releases the cache after the store.
func (p *kvPebble) Close() error {
	if p.db == nil {
		return nil
	}
	err := p.db.Close()
	p.db = nil
	p.cache.Unref()
	p.cache = nil
	return err
}

func (p *kvPebble) NewBatch() kvBatch { return pebbleBatch{p.db.NewBatch()} }

func (p *kvPebble) Set(key, value []byte, sync bool) error {
	return p.db.Set(key, value, pebbleWriteOptions(sync))
}

func (p *kvPebble) Get(key, want []byte) error {
	v, closer, err := p.db.Get(key)
	return checkPebbleGet(v, closer, err, want)
}

// checkPebbleGet turns a Pebble Get's results into the workloads' errors,
// comparing the value with want (unless nil) and releasing it.
func checkPebbleGet(v []byte, closer io.Closer, err error, want []byte) error {
	if errors.Is(err, pebble.ErrNotFound) {
		return errKVNotFound
	}
	if err != nil {
		return err
	}
	ok := want == nil || bytes.Equal(v, want)
	if err := closer.Close(); err != nil {
		return err
	}
	if !ok {
		return errKVMismatch
	}
	return nil
}

func (p *kvPebble) Scan(visit func(key, value []byte) error) error {
	it, err := p.db.NewIter(&pebble.IterOptions{})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if err := visit(it.Key(), it.Value()); err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

func (p *kvPebble) Flush() error { return p.db.Flush() }

func (p *kvPebble) Stats() string { return pebbleStats(p.db, p.stalls.Load()) }

// pebbleStats describes a Pebble store's activity since Open, for stderr.
func pebbleStats(db *pebble.DB, stalls int64) string {
	m := db.Metrics()
	var sb strings.Builder
	fmt.Fprintf(&sb, "stalls %d, flushes %d, compactions %d, WAL %.1f MB, read amp %d, levels",
		stalls, m.Flush.Count, m.Compact.Count, mb(int64(m.WAL.BytesWritten)), m.ReadAmp())
	for l := range m.Levels {
		fmt.Fprintf(&sb, " L%d=%d/%.1fMB", l, m.Levels[l].NumFiles, mb(m.Levels[l].Size))
	}
	return sb.String()
}

func pebbleWriteOptions(sync bool) *pebble.WriteOptions {
	if sync {
		return pebble.Sync
	}
	return pebble.NoSync
}

type pebbleBatch struct{ b *pebble.Batch }

func (b pebbleBatch) Set(key, value []byte) {
	// Batch.Set cannot fail in Pebble v1 (its error is always nil).
	_ = b.b.Set(key, value, nil)
}
func (b pebbleBatch) Count() int             { return int(b.b.Count()) }
func (b pebbleBatch) Reset()                 { b.b.Reset() }
func (b pebbleBatch) Commit(sync bool) error { return b.b.Commit(pebbleWriteOptions(sync)) }

// quietLogger drops Pebble's informational messages (e.g. the WAL replay
// note on every reopen), which would interleave with the progress lines.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	log.Fatalf("pebble: "+format, args...)
}
