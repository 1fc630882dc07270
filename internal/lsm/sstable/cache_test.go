package sstable

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// sameShardOffsets returns n block offsets of fileNum that land in one shard.
func sameShardOffsets(c *Cache, fileNum uint64, n int) []uint64 {
	want := c.shard(cacheKey{fileNum, 0})
	var offs []uint64
	for off := uint64(0); len(offs) < n; off++ {
		if c.shard(cacheKey{fileNum, off}) == want {
			offs = append(offs, off)
		}
	}
	return offs
}

func block(n int, tag byte) []byte { return bytes.Repeat([]byte{tag}, n) }

// cached reports whether a block is in the cache without counting a hit
// or marking it referenced, as get would.
func (c *Cache) cached(fileNum, offset uint64) bool {
	s := c.shard(cacheKey{fileNum, offset})
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.mu.entries[cacheKey{fileNum, offset}] != nil
}

// TestCacheSecondChance: blocks leave oldest first, except those hit since
// they came in (or since their last chance), which go to the back of the
// line once, unmarked.
func TestCacheSecondChance(t *testing.T) {
	c := NewCache(cacheShards * 1000) // 1000 bytes per shard
	offs := sameShardOffsets(c, 1, 12)
	for i := range 10 {
		c.set(1, offs[i], block(100, byte(i)))
	}
	// Hit blocks 0 and 5: the oldest, block 0, gets a second chance, and
	// block 1 leaves for block 10.
	for _, i := range []int{0, 5} {
		if b := c.get(1, offs[i], nil); !bytes.Equal(b, block(100, byte(i))) {
			t.Fatalf("block %d: got %d bytes", i, len(b))
		}
	}
	c.set(1, offs[10], block(100, 10))
	if c.cached(1, offs[1]) {
		t.Fatal("block 1, the oldest not hit, was not evicted")
	}
	for _, i := range []int{0, 5, 10} {
		if !c.cached(1, offs[i]) {
			t.Fatalf("block %d evicted", i)
		}
	}
	// A block needing room for three evicts the three oldest: 2, 3, 4.
	c.set(1, offs[11], block(300, 11))
	for _, i := range []int{2, 3, 4} {
		if c.cached(1, offs[i]) {
			t.Fatalf("block %d not evicted", i)
		}
	}
	for _, i := range []int{5, 6, 0, 10, 11} {
		if !c.cached(1, offs[i]) {
			t.Fatalf("block %d evicted needlessly", i)
		}
	}
	// Now block 5, still marked, is the oldest: room for 400 bytes
	// sends it to the back and evicts 6 to 9 instead.
	c.set(1, offs[2], block(400, 2))
	for _, i := range []int{6, 7, 8, 9} {
		if c.cached(1, offs[i]) {
			t.Fatalf("block %d not evicted", i)
		}
	}
	if !c.cached(1, offs[5]) || !c.cached(1, offs[0]) {
		t.Fatal("block 5 or block 0 evicted")
	}
	// Block 0 had its chance and no hit since: it is the next to go.
	c.set(1, offs[3], block(100, 3))
	if c.cached(1, offs[0]) || !c.cached(1, offs[5]) {
		t.Fatalf("block 0 cached %v, block 5 cached %v", c.cached(1, offs[0]), c.cached(1, offs[5]))
	}
	st := c.Stats()
	if st.Size > 1000 {
		t.Fatalf("size %d over the shard's 1000", st.Size)
	}
	// Larger than a shard: not cached, nothing evicted.
	c.set(1, offs[1], block(1001, 1))
	if c.get(1, offs[1], nil) != nil || c.Stats().Size != st.Size {
		t.Fatal("oversized block cached")
	}
	// Replacing a block adjusts the size.
	c.set(1, offs[2], block(50, 2))
	if got := c.Stats().Size; got != st.Size-350 {
		t.Fatalf("size after replace %d, want %d", got, st.Size-350)
	}
}

func TestCacheBudgetAndEvictFile(t *testing.T) {
	const capacity = 64 << 10
	c := NewCache(capacity)
	for f := uint64(1); f <= 4; f++ {
		for off := uint64(0); off < 200; off++ {
			c.set(f, off*4096, block(int(100+off%700), byte(f)))
			if st := c.Stats(); st.Size > capacity {
				t.Fatalf("cache holds %d bytes, over its %d budget", st.Size, capacity)
			}
		}
	}
	st := c.Stats()
	if st.Blocks == 0 || st.Capacity != capacity {
		t.Fatalf("stats %+v", st)
	}
	var n4 int
	for off := uint64(0); off < 200; off++ {
		if c.get(4, off*4096, nil) != nil {
			n4++
		}
	}
	if n4 == 0 {
		t.Fatal("no block of the most recent file cached")
	}
	c.EvictFile(4)
	for off := uint64(0); off < 200; off++ {
		if c.get(4, off*4096, nil) != nil {
			t.Fatalf("block %d of evicted file still cached", off)
		}
	}
	if got := c.Stats(); got.Blocks != st.Blocks-n4 {
		t.Fatalf("%d blocks after EvictFile, want %d", got.Blocks, st.Blocks-n4)
	}
	if got := c.Stats(); got.Hits != int64(n4) || got.Misses != int64(200-n4+200) {
		t.Fatalf("hits %d misses %d, want %d %d", got.Hits, got.Misses, n4, 400-n4)
	}
	var nilCache *Cache
	nilCache.EvictFile(1)
	_ = nilCache.Stats()
}

func TestCacheReaderHits(t *testing.T) {
	kvs := make([]kv, 2000)
	for i := range kvs {
		kvs[i] = kv{ikeyOf(fmt.Sprintf("key%06d", i), 1), block(50, 'v')}
	}
	f, _ := buildTable(t, kvs, nil, DefaultWriterOptions())
	c := NewCache(1 << 20)
	r, err := Open(f, "h.sst", 9, c)
	if err != nil {
		t.Fatal(err)
	}
	it := r.NewIter(nil, nil)
	for ok := it.First(); ok; ok = it.Next() {
	}
	st1 := c.Stats()
	if st1.Misses == 0 || st1.Blocks == 0 || st1.Misses != int64(st1.Blocks) {
		t.Fatalf("after first scan: %+v", st1)
	}
	for ok := it.First(); ok; ok = it.Next() {
	}
	st2 := c.Stats()
	if st2.Misses != st1.Misses || st2.Hits < int64(st1.Blocks) {
		t.Fatalf("second scan missed: %+v then %+v", st1, st2)
	}
	_ = it.Close()
	c.EvictFile(9)
	if c.Stats().Blocks != 0 {
		t.Fatal("EvictFile left blocks")
	}
}

// TestConcurrentReaders runs Gets and scans on tables sharing one small
// cache from many goroutines (run with -race).
func TestConcurrentReaders(t *testing.T) {
	c := NewCache(64 << 10)
	var readers []*Reader
	var all [][]kv
	for fn := uint64(1); fn <= 3; fn++ {
		kvs := make([]kv, 3000)
		for i := range kvs {
			kvs[i] = kv{ikeyOf(fmt.Sprintf("k%d-%06d", fn, i), ikey.SeqNum(i+1)), []byte(fmt.Sprint(i))}
		}
		f, _ := buildTable(t, kvs, nil, DefaultWriterOptions())
		r, err := Open(f, "c.sst", fn, c)
		if err != nil {
			t.Fatal(err)
		}
		readers = append(readers, r)
		all = append(all, kvs)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, kvs := readers[g%3], all[g%3]
			if g%2 == 0 {
				for i := g; i < len(kvs); i += 7 {
					e, found, err := r.Get(ikey.UserKey(kvs[i].k), ikey.SeqNumMax)
					if err != nil || !found || !bytes.Equal(e.Value, kvs[i].v) {
						errs <- fmt.Errorf("Get %s: %v %v", ikey.Format(kvs[i].k), found, err)
						return
					}
				}
				return
			}
			it := r.NewIter(nil, nil)
			n := 0
			for ok := it.First(); ok; ok = it.Next() {
				if !bytes.Equal(it.Key(), kvs[n].k) {
					errs <- fmt.Errorf("scan entry %d: %s", n, ikey.Format(it.Key()))
					return
				}
				n++
			}
			if err := it.Close(); err != nil || n != len(kvs) {
				errs <- fmt.Errorf("scan: %d entries, %v", n, err)
			}
			if g == 3 {
				c.EvictFile(uint64(g%3 + 1))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := c.Stats(); st.Size > st.Capacity || st.Hits == 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestScanKeepsCache: a scan of a table much larger than the cache adds
// blocks only while the cache has room (readBlock's bulk reads), so the
// blocks point reads made hot before it are still cached after it, and
// the scan, whose blocks then live in reused memory, still reads every
// entry right.
func TestScanKeepsCache(t *testing.T) {
	r, kvs, c := bigScanTable(t)
	hot := []int{39000, 39500, 39990, 20000, 100}
	get := func() {
		t.Helper()
		for _, i := range hot {
			e, found, err := r.Get(ikey.UserKey(kvs[i].k), ikey.SeqNumMax)
			if err != nil || !found || !bytes.Equal(e.Value, kvs[i].v) {
				t.Fatalf("Get %d: %v %v", i, found, err)
			}
		}
	}
	get()
	before := c.Stats()
	scanAll(t, r, kvs)
	scanned := c.Stats()
	if scanned.Size > 1<<20 {
		t.Fatalf("cache holds %d bytes", scanned.Size)
	}
	get()
	if after := c.Stats(); after.Misses != scanned.Misses {
		t.Fatalf("the scan evicted hot blocks: misses %d before it, %d after it, %d after the Gets again", before.Misses, scanned.Misses, after.Misses)
	}
}

// bigScanTable returns a table of ~2000 blocks of 4 KiB, its entries,
// and the 1 MiB cache it reads through.
func bigScanTable(t *testing.T) (*Reader, []kv, *Cache) {
	t.Helper()
	kvs := make([]kv, 40000)
	for i := range kvs {
		kvs[i] = kv{ikeyOf(fmt.Sprintf("key%06d", i), 1), []byte(fmt.Sprintf("%06d%s", i, block(180, 'v')))}
	}
	f, _ := buildTable(t, kvs, nil, DefaultWriterOptions())
	c := NewCache(1 << 20)
	r, err := Open(f, "s.sst", 3, c)
	if err != nil {
		t.Fatal(err)
	}
	return r, kvs, c
}

// scanAll reads r from first to last entry, which must be kvs.
func scanAll(t *testing.T, r *Reader, kvs []kv) {
	t.Helper()
	it := r.NewIter(nil, nil)
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if !bytes.Equal(it.Key(), kvs[n].k) || !bytes.Equal(it.Value(), kvs[n].v) {
			t.Fatalf("scan entry %d: %s", n, ikey.Format(it.Key()))
		}
		n++
	}
	if err := it.Close(); err != nil || n != len(kvs) {
		t.Fatalf("scan: %d entries, %v", n, err)
	}
}

// TestScanSkipsFullCache: a scan far larger than a full cache stops
// looking up each of its blocks there after a run of misses (probing now
// and then), yet still finds the blocks that are cached: the first
// scan's leading blocks, cached while the cache had room, hit in the
// second scan, and both read every entry right.
func TestScanSkipsFullCache(t *testing.T) {
	r, kvs, c := bigScanTable(t)
	scan := func() (lookups, hits int64) {
		t.Helper()
		before := c.Stats()
		scanAll(t, r, kvs)
		after := c.Stats()
		return after.Hits + after.Misses - before.Hits - before.Misses, after.Hits - before.Hits
	}
	scan()
	lookups, hits := scan()
	blocks := int64(len(kvs) / 20)
	if lookups > blocks/2 {
		t.Fatalf("the second scan looked up %d of its ~%d blocks in the full cache", lookups, blocks)
	}
	if hits < 100 {
		t.Fatalf("the second scan found %d cached blocks, want the ~200 the first one cached", hits)
	}
}

// TestForwardSeeksKeepCache: seeks forward in small steps through a table
// much larger than the cache are a scan to the cache: they evict no
// block that point reads made hot.
func TestForwardSeeksKeepCache(t *testing.T) {
	r, kvs, c := bigScanTable(t)
	hot := []int{39000, 39500, 39990, 20000, 100}
	get := func() {
		t.Helper()
		for _, i := range hot {
			if e, found, err := r.Get(ikey.UserKey(kvs[i].k), ikey.SeqNumMax); err != nil || !found || !bytes.Equal(e.Value, kvs[i].v) {
				t.Fatalf("Get %d: %v %v", i, found, err)
			}
		}
	}
	get()
	it := r.NewIter(nil, nil)
	for i := 0; i < len(kvs); i += 30 {
		if !it.SeekGE(kvs[i].k) || !bytes.Equal(it.Value(), kvs[i].v) {
			t.Fatalf("seek to %d", i)
		}
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	sought := c.Stats()
	get()
	if after := c.Stats(); after.Misses != sought.Misses {
		t.Fatalf("the seeks evicted hot blocks: %d misses after them, %d after the Gets again", sought.Misses, after.Misses)
	}
}

// TestCacheSlots: a block added or found with a table's slot is served
// from the slot (a counted hit) while it is cached; when it leaves (evicted,
// replaced, or its file evicted) the slot empties, and a slot of a
// table's earlier Reader is let go when a newer one finds the block.
func TestCacheSlots(t *testing.T) {
	c := NewCache(cacheShards * 1000) // 1000 bytes per shard
	offs := sameShardOffsets(c, 1, 12)
	slots := make([]atomic.Pointer[cacheEntry], len(offs))
	c.add(1, offs[0], block(400, 'a'), true, &slots[0])
	hits := c.Stats().Hits
	if b := c.getSlot(&slots[0], offs[0]); !bytes.Equal(b, block(400, 'a')) {
		t.Fatalf("getSlot after add = %d bytes", len(b))
	}
	if c.getSlot(&slots[0], offs[1]) != nil {
		t.Fatal("getSlot served a block of another offset")
	}
	if got := c.Stats().Hits; got != hits+1 {
		t.Fatalf("hits %d, want %d", got, hits+1)
	}
	// Found through the map: recorded in the slot given.
	c.add(1, offs[1], block(400, 'b'), true, nil)
	if c.get(1, offs[1], &slots[1]) == nil || c.getSlot(&slots[1], offs[1]) == nil {
		t.Fatal("a block found in the map is not in its slot")
	}
	// A newer Reader's slot takes over from the earlier one's.
	var newer atomic.Pointer[cacheEntry]
	if c.get(1, offs[1], &newer) == nil || c.getSlot(&newer, offs[1]) == nil || slots[1].Load() != nil {
		t.Fatal("the newer slot did not take over")
	}
	// Evicted (third 400-byte block in a 1000-byte shard, the others
	// unreferenced after their last chance): the slot empties.
	c.add(1, offs[2], block(400, 'c'), true, &slots[2])
	c.add(1, offs[3], block(400, 'd'), true, &slots[3])
	for i := 0; i < 4; i++ {
		if c.cached(1, offs[i]) != (slots[i].Load() != nil) && i != 1 {
			t.Fatalf("block %d: cached %v, slot set %v", i, c.cached(1, offs[i]), slots[i].Load() != nil)
		}
	}
	if c.cached(1, offs[1]) != (newer.Load() != nil) {
		t.Fatalf("block 1: cached %v, slot set %v", c.cached(1, offs[1]), newer.Load() != nil)
	}
	// Replaced: the old entry's slot empties until the new one fills it.
	c.add(1, offs[3], block(300, 'D'), true, nil)
	if slots[3].Load() != nil {
		t.Fatal("a replaced block's slot still holds it")
	}
	c.EvictFile(1)
	for i := range slots {
		if slots[i].Load() != nil {
			t.Fatalf("slot %d holds a block after EvictFile", i)
		}
	}
	if newer.Load() != nil {
		t.Fatal("the newer slot holds a block after EvictFile")
	}
}

// TestReaderSlots: a table with a cache reads a cached block again through
// its slot: the second seek to each key is a hit without a map lookup
// (the slot is set), and returns the same bytes.
func TestReaderSlots(t *testing.T) {
	var kvs []kv
	for i := range 400 {
		kvs = append(kvs, kv{ikey.Make(nil, fmt.Appendf(nil, "key%05d", i), 1, ikey.KindSet), bytes.Repeat(fmt.Appendf(nil, "v%05d ", i), 30)})
	}
	opts := DefaultWriterOptions()
	opts.BlockSize = 1024
	f, _ := buildTable(t, kvs, nil, opts)
	cache := NewCache(1 << 20)
	r, err := Open(f, "s.sst", 3, cache)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.slots) < 10 {
		t.Fatalf("%d slots for a table of many blocks", len(r.slots))
	}
	for pass := range 2 {
		for i := 0; i < len(kvs); i += 13 {
			it := r.NewIter(nil, nil)
			if !it.SeekGE(kvs[i].k) || !bytes.Equal(it.Value(), kvs[i].v) {
				t.Fatalf("pass %d: SeekGE(%s) missed", pass, ikey.Format(kvs[i].k))
			}
			if ord := it.(*tableIter).index.ordinal(); ord < 0 || r.slots[ord].Load() == nil {
				t.Fatalf("pass %d: key %d: block %d not in its slot", pass, i, ord)
			}
			if err := it.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
