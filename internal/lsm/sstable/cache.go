package sstable

import (
	"sync"
	"sync/atomic"
)

const cacheShards = 16

// Cache is a block cache shared by the tables of a store: it holds
// decompressed data blocks, keyed by (file number, block offset), within a
// byte budget. It is split into shards by key hash, each with 1/16 of the
// budget, so that concurrent readers seldom contend; a block larger than a
// shard's budget is not cached.
//
// Eviction is CLOCK's second chance: a shard keeps its blocks in the order
// they came in, and a hit only marks the block referenced, under a read
// lock that readers share (no list to reorder, as LRU would on every
// hit). To make room, the oldest block goes, unless it was referenced
// since it came in or since its last chance: then it loses the mark and
// goes to the back of the line. A block read once, by a point read or a
// scan, leaves before blocks read again.
//
// Cached blocks are immutable and shared: readers hand out slices of them,
// and the garbage collector keeps an evicted block alive while a reader still
// holds it. A nil *Cache caches nothing.
type Cache struct {
	shards [cacheShards]cacheShard
	ids    atomic.Uint64
}

// NewID returns a number unique within this cache, for a store sharing it
// to keep its file numbers apart from other stores' (see lsm's use).
func (c *Cache) NewID() uint64 { return c.ids.Add(1) }

// CacheStats are a cache's counters.
type CacheStats struct {
	Hits, Misses int64
	// Size is the bytes of blocks held, Capacity the budget.
	Size, Capacity int64
	// Blocks is the number of blocks held.
	Blocks int
}

type cacheKey struct {
	fileNum, offset uint64
}

type cacheEntry struct {
	key        cacheKey
	data       []byte
	prev, next *cacheEntry
	// ref: hit since the block came in or had its last chance.
	ref atomic.Bool
	// slot, if set, is the table's slot for the block (Reader.slots),
	// which points to this entry while it is cached: the entry clears
	// it when it leaves.
	slot atomic.Pointer[atomic.Pointer[cacheEntry]]
}

// leave clears the entry's slot, the entry being no longer cached.
func (e *cacheEntry) leave() {
	if sl := e.slot.Load(); sl != nil {
		sl.CompareAndSwap(e, nil)
	}
}

type cacheShard struct {
	mu struct {
		sync.RWMutex
		capacity int64
		size     int64
		entries  map[cacheKey]*cacheEntry
		// lru is the sentinel of a circular list, newest first.
		lru cacheEntry
	}
	hits, misses atomic.Int64
}

// NewCache returns a cache holding at most capacityBytes bytes of blocks.
func NewCache(capacityBytes int64) *Cache {
	c := &Cache{}
	per := max(capacityBytes/cacheShards, 0)
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.capacity = per
		s.mu.entries = make(map[cacheKey]*cacheEntry)
		s.mu.lru.next = &s.mu.lru
		s.mu.lru.prev = &s.mu.lru
	}
	return c
}

func (c *Cache) shard(k cacheKey) *cacheShard {
	h := k.fileNum*0x9e3779b97f4a7c15 ^ k.offset*0xc2b2ae3d27d4eb4f
	h ^= h >> 29
	return &c.shards[h%cacheShards]
}

// get returns the cached block, or nil. If slot is not nil, it is the
// table's slot for the block (see Reader.slots): a block found in the
// cache is recorded there.
func (c *Cache) get(fileNum, offset uint64, slot *atomic.Pointer[cacheEntry]) []byte {
	k := cacheKey{fileNum, offset}
	s := c.shard(k)
	s.mu.RLock()
	e := s.mu.entries[k]
	if e == nil {
		s.mu.RUnlock()
		s.misses.Add(1)
		return nil
	}
	if !e.ref.Load() {
		e.ref.Store(true) // (a store only when it changes: the line stays shared)
	}
	if slot != nil && e.slot.Load() != slot {
		// Under the read lock: the entry cannot leave before the slot
		// points to it, so its leaving clears the slot. (A slot of a
		// table's earlier Reader is let go.)
		if old := e.slot.Swap(slot); old != nil && old != slot {
			old.CompareAndSwap(e, nil)
		}
		slot.Store(e)
	}
	data := e.data
	s.mu.RUnlock()
	s.hits.Add(1)
	return data
}

// getSlot returns the block at offset that a table's slot holds, or
// nil: a hit that takes no lock and no lookup.
func (c *Cache) getSlot(slot *atomic.Pointer[cacheEntry], offset uint64) []byte {
	e := slot.Load()
	if e == nil || e.key.offset != offset {
		return nil
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	c.shard(e.key).hits.Add(1)
	return e.data
}

// hasRoom reports whether the block at (fileNum, offset) would fit in
// its shard, charged about charge bytes, without evicting another.
func (c *Cache) hasRoom(fileNum, offset uint64, charge int64) bool {
	s := c.shard(cacheKey{fileNum, offset})
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.mu.size+charge <= s.mu.capacity
}

// set caches a block; data must not be modified afterwards.
func (c *Cache) set(fileNum, offset uint64, data []byte) { c.add(fileNum, offset, data, true, nil) }

// add caches a block, evicting others to make room only if evict; it
// reports whether the block was cached. slot, if not nil, is the
// table's slot for the block (see get).
func (c *Cache) add(fileNum, offset uint64, data []byte, evict bool, slot *atomic.Pointer[cacheEntry]) bool {
	k := cacheKey{fileNum, offset}
	s := c.shard(k)
	charge := int64(len(data))
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.mu.entries[k]; e != nil {
		s.unlinkLocked(e)
		delete(s.mu.entries, k)
		s.mu.size -= int64(len(e.data))
		e.leave()
	}
	if charge > s.mu.capacity || !evict && s.mu.size+charge > s.mu.capacity {
		return false
	}
	for s.mu.size+charge > s.mu.capacity {
		old := s.mu.lru.prev
		s.unlinkLocked(old)
		if old.ref.Load() {
			// Its second chance: to the back of the line, unmarked.
			old.ref.Store(false)
			s.pushFrontLocked(old)
			continue
		}
		delete(s.mu.entries, old.key)
		s.mu.size -= int64(len(old.data))
		old.leave()
	}
	e := &cacheEntry{key: k, data: data}
	s.mu.entries[k] = e
	s.pushFrontLocked(e)
	s.mu.size += charge
	if slot != nil {
		e.slot.Store(slot)
		slot.Store(e)
	}
	return true
}

func (s *cacheShard) unlinkLocked(e *cacheEntry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

func (s *cacheShard) pushFrontLocked(e *cacheEntry) {
	head := &s.mu.lru
	e.next = head.next
	e.prev = head
	head.next.prev = e
	head.next = e
}

// EvictFile drops every block of the file, as when the table is deleted.
func (c *Cache) EvictFile(fileNum uint64) {
	if c == nil {
		return
	}
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for k, e := range s.mu.entries {
			if k.fileNum == fileNum {
				s.unlinkLocked(e)
				delete(s.mu.entries, k)
				s.mu.size -= int64(len(e.data))
				e.leave()
			}
		}
		s.mu.Unlock()
	}
}

// Stats returns the cache's hit and miss counters and its occupancy.
func (c *Cache) Stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	var st CacheStats
	for i := range c.shards {
		s := &c.shards[i]
		st.Hits += s.hits.Load()
		st.Misses += s.misses.Load()
		s.mu.Lock()
		st.Size += s.mu.size
		st.Capacity += s.mu.capacity
		st.Blocks += len(s.mu.entries)
		s.mu.Unlock()
	}
	return st
}
