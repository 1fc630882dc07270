package lsm

import (
	"fmt"
	"sync"

	"github.com/cairndb/cairn/internal/lsm/sstable"
	"github.com/cairndb/cairn/internal/vfs"
)

// tableCache keeps one open reader per live table. Opening a table reads
// and verifies its footer, index, filter and range deletions, so readers are
// opened once and shared.
type tableCache struct {
	d *DB
	// cacheID tells this store's blocks from those of other stores sharing
	// the block cache, whose file numbers overlap ours: it fills the top
	// bits of the number the block cache keys blocks by.
	cacheID uint64
	mu      sync.RWMutex
	m       map[uint64]openTable
	// mapped counts the open readers whose file is mapped; past
	// maxMapped, tables open unmapped (read by pread).
	mapped, maxMapped int
}

// openTable is an open table's reader and its metadata, whose references
// (versions that hold the table) closeAll checks.
type openTable struct {
	r *sstable.Reader
	f *fileMeta
}

// maxMappedTables bounds the tables a store maps into memory. Every
// mapping is one of the process's memory areas, which Linux limits to
// 65,530 by default (vm.max_map_count), the Go heap's own among them:
// 8,192 is 32 GiB of 4 MiB tables, and a larger store reads the tables
// past them by pread.
const maxMappedTables = 8192

// unmappedFile hides a file's mapping methods (vfs.ReadMapper), so that
// the table is read by pread.
type unmappedFile struct{ vfs.File }

func newTableCache(d *DB) *tableCache {
	return &tableCache{d: d, cacheID: d.cache.NewID(), m: map[uint64]openTable{}, maxMapped: maxMappedTables}
}

// cacheNum is the number the block cache knows table num by.
func (tc *tableCache) cacheNum(num uint64) uint64 { return tc.cacheID<<48 | num }

func (tc *tableCache) get(f *fileMeta) (*sstable.Reader, error) {
	tc.mu.RLock()
	t := tc.m[f.num]
	tc.mu.RUnlock()
	if t.r != nil {
		return t.r, nil
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if t := tc.m[f.num]; t.r != nil {
		return t.r, nil
	}
	name := tc.d.path(tableName(f.num))
	file, err := tc.d.fs.Open(name)
	if err != nil {
		return nil, fmt.Errorf("lsm: open table: %w", err)
	}
	if tc.mapped >= tc.maxMapped {
		file = unmappedFile{file}
	}
	r, err := sstable.Open(file, name, tc.cacheNum(f.num), tc.d.cache)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("lsm: %w", err)
	}
	if r.Mapped() {
		tc.mapped++
	}
	r.SetSplit(tc.d.opts.Split)
	tc.m[f.num] = openTable{r, f}
	return r, nil
}

// evict closes a table's reader and drops its blocks from the cache. The
// table is obsolete: no version, so no iterator, holds it any more.
func (tc *tableCache) evict(num uint64) {
	tc.mu.Lock()
	r := tc.m[num].r
	delete(tc.m, num)
	if r != nil && r.Mapped() {
		tc.mapped--
	}
	tc.mu.Unlock()
	if r != nil {
		r.Close()
	}
	tc.d.cache.EvictFile(tc.cacheNum(num))
}

// closeAll closes every reader, as the store closes. A table some version
// still holds has an iterator open over it (one its user did not close):
// its blocks read in place must stay readable (CloseInUse).
func (tc *tableCache) closeAll() {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for num, t := range tc.m {
		if t.f.refs.Load() > 0 {
			t.r.CloseInUse()
		} else {
			t.r.Close()
		}
		tc.d.cache.EvictFile(tc.cacheNum(num))
	}
	tc.m = map[uint64]openTable{}
	tc.mapped = 0
}
