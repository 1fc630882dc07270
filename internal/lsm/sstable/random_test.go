package sstable

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

type kv struct{ k, v []byte }

// modelIter is the reference: a sorted slice filtered by the bounds, with
// the same exhaustion semantics as tableIter.
type modelIter struct {
	kvs   []kv
	pos   int
	state iterState
}

func (m *modelIter) set(i int, fwd bool) bool {
	if i < 0 || i >= len(m.kvs) {
		if fwd {
			m.state = afterEnd
		} else {
			m.state = beforeStart
		}
		return false
	}
	m.pos, m.state = i, positioned
	return true
}

func (m *modelIter) seekGE(k []byte) bool {
	i, _ := slices.BinarySearchFunc(m.kvs, k, func(e kv, k []byte) int { return ikey.Compare(e.k, k) })
	return m.set(i, true)
}

func (m *modelIter) seekLT(k []byte) bool {
	i, _ := slices.BinarySearchFunc(m.kvs, k, func(e kv, k []byte) int { return ikey.Compare(e.k, k) })
	return m.set(i-1, false)
}

func (m *modelIter) first() bool { return m.set(0, true) }
func (m *modelIter) last() bool  { return m.set(len(m.kvs)-1, false) }

func (m *modelIter) next() bool {
	switch m.state {
	case positioned:
		return m.set(m.pos+1, true)
	case beforeStart:
		return m.first()
	}
	return false
}

func (m *modelIter) prev() bool {
	switch m.state {
	case positioned:
		return m.set(m.pos-1, false)
	case afterEnd:
		return m.last()
	}
	return false
}

// randomTable returns sorted distinct entries with a skewed key population:
// short keys that share prefixes, several versions per key, empty values,
// and (when big) a 64 KiB key and a multi-MiB value.
func randomTable(rng *rand.Rand, n int, big bool) []kv {
	keys := map[string]bool{}
	var kvs []kv
	alphabet := "abcdefgh"
	for len(kvs) < n {
		var uk []byte
		switch rng.IntN(10) {
		case 0:
			uk = nil // the empty user key
		default:
			l := 1 + rng.IntN(12)
			uk = make([]byte, l)
			for i := range uk {
				uk[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		versions := 1 + rng.IntN(3)
		for range versions {
			seq := ikey.SeqNum(rng.Int64N(1000) + 1)
			kind := ikey.KindSet
			if rng.IntN(5) == 0 {
				kind = ikey.KindDelete
			}
			k := ikey.Make(nil, uk, seq, kind)
			if keys[string(ikey.Make(nil, uk, seq, 0))] {
				continue
			}
			keys[string(ikey.Make(nil, uk, seq, 0))] = true
			var v []byte
			if kind == ikey.KindSet && rng.IntN(4) != 0 {
				v = make([]byte, rng.IntN(300))
				for i := range v {
					v[i] = byte('A' + rng.IntN(3)) // compressible
				}
			}
			kvs = append(kvs, kv{k, v})
		}
	}
	if big {
		huge := bytes.Repeat([]byte("K"), 64<<10)
		huge[len(huge)-1] = byte(rng.IntN(256))
		kvs = append(kvs, kv{ikey.Make(nil, huge, 5, ikey.KindSet), []byte("big key")})
		val := make([]byte, 3<<20)
		for i := range val {
			val[i] = byte(rng.Uint32())
		}
		kvs = append(kvs, kv{ikey.Make(nil, []byte("dddd-bigvalue"), 7, ikey.KindSet), val})
	}
	slices.SortFunc(kvs, func(a, b kv) int { return ikey.Compare(a.k, b.k) })
	return kvs
}

func buildTable(t testing.TB, kvs []kv, ts []ikey.Tombstone, opts WriterOptions) (*memFile, Meta) {
	t.Helper()
	f := &memFile{}
	w := NewWriter(f, opts)
	for _, e := range kvs {
		if err := w.Add(e.k, e.v); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range ts {
		if err := w.AddTombstone(x); err != nil {
			t.Fatal(err)
		}
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return f.reopen(), m
}

func randomUserKey(rng *rand.Rand, kvs []kv) []byte {
	if len(kvs) > 0 && rng.IntN(2) == 0 {
		uk := ikey.UserKey(kvs[rng.IntN(len(kvs))].k)
		return append([]byte(nil), uk...)
	}
	l := rng.IntN(6)
	uk := make([]byte, l)
	for i := range uk {
		uk[i] = "abcdefghi"[rng.IntN(9)]
	}
	return uk
}

func randomSeekKey(rng *rand.Rand, kvs []kv) []byte {
	if len(kvs) > 0 && rng.IntN(3) == 0 {
		return append([]byte(nil), kvs[rng.IntN(len(kvs))].k...)
	}
	uk := randomUserKey(rng, kvs)
	return ikey.Make(nil, uk, ikey.SeqNum(rng.Int64N(1100)), ikey.Kind(rng.IntN(3)))
}

func TestRandomAgainstModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	for round := range rounds {
		rs := seed + uint64(round)
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("round seed %d", rs)
				}
			}()
			testRandomTable(t, rs, round%8 == 0)
		})
	}
}

func testRandomTable(t *testing.T, seed uint64, big bool) {
	rng := rand.New(rand.NewPCG(seed, seed))
	kvs := randomTable(rng, rng.IntN(2000), big)
	opts := DefaultWriterOptions()
	opts.BlockSize = []int{64, 512, 4096}[rng.IntN(3)]
	opts.RestartInterval = []int{1, 3, 16}[rng.IntN(3)]
	opts.Compression = Compression(rng.IntN(2))
	if rng.IntN(4) == 0 {
		opts.BloomBitsPerKey = -1
	}
	var ts []ikey.Tombstone
	for range rng.IntN(5) {
		a, b := randomUserKey(rng, kvs), randomUserKey(rng, kvs)
		if c := bytes.Compare(a, b); c == 0 {
			continue
		} else if c > 0 {
			a, b = b, a
		}
		tomb := ikey.Tombstone{Start: a, End: b, Seq: ikey.SeqNum(rng.Int64N(1000) + 1)}
		// One tombstone per (start, seq): the writer refuses two with
		// different ends, as no store can write them.
		if !slices.ContainsFunc(ts, func(o ikey.Tombstone) bool { return o.Seq == tomb.Seq && bytes.Equal(o.Start, tomb.Start) }) {
			ts = append(ts, tomb)
		}
	}
	f, meta := buildTable(t, kvs, ts, opts)
	var cache *Cache
	if rng.IntN(3) != 0 {
		cache = NewCache(int64(rng.IntN(256 << 10)))
	}
	// Half the rounds read a real file, whose single-block reads copy
	// from a mapping of it (vfs.ReadMapper), the others the test's
	// in-memory file, which has no mapping.
	var file vfs.File = f
	if rng.IntN(2) == 0 {
		file = osTable(t, f.data)
	}
	r, err := Open(file, "rand.sst", 7, cache)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok := file.(vfs.ReadMapper); ok != (r.mapped != nil) && runtime.GOOS == "linux" {
		t.Fatalf("file maps reads: %v; reader maps them: %v", ok, r.mapped != nil)
	}
	if err := r.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}
	// The writer makes every index entry a restart point, so seeks take
	// the dense path (blockIter.dense).
	if len(kvs) > 0 && len(r.indexEntries) != len(r.indexKeys) {
		t.Fatalf("%d dense index entries for %d index keys", len(r.indexEntries), len(r.indexKeys))
	}
	// Seeks share those keys rather than copy them (blockIter.keyShared):
	// no step after one may write through the share.
	indexKeys := make([][]byte, len(r.indexKeys))
	for j, k := range r.indexKeys {
		indexKeys[j] = bytes.Clone(k)
	}
	defer func() {
		for j, k := range r.indexKeys {
			if !bytes.Equal(k, indexKeys[j]) {
				t.Fatalf("index key %d is %q after the reads, was %q", j, k, indexKeys[j])
			}
		}
	}()
	if meta.NumEntries != uint64(len(kvs)) {
		t.Fatalf("NumEntries %d, want %d", meta.NumEntries, len(kvs))
	}
	if len(kvs) > 0 && ikey.Compare(meta.Smallest, kvs[0].k) > 0 {
		t.Fatalf("smallest %s above first key", ikey.Format(meta.Smallest))
	}
	if len(kvs) > 0 && ikey.Compare(meta.Largest, kvs[len(kvs)-1].k) < 0 {
		t.Fatalf("largest %s below last key", ikey.Format(meta.Largest))
	}
	if got := len(r.Tombstones()); got > len(ts) {
		t.Fatalf("%d tombstones, wrote %d", got, len(ts))
	}

	// Every key is found by Get and passes the bloom filter.
	for i, e := range kvs {
		if i%7 != 0 && len(kvs) > 300 {
			continue
		}
		uk := ikey.UserKey(e.k)
		if !r.MayContain(uk) {
			t.Fatalf("bloom filter rejects present key %q", uk)
		}
		got, found, err := r.Get(uk, ikey.Seq(e.k))
		if err != nil || !found || got.Seq != ikey.Seq(e.k) || got.Kind != ikey.KindOf(e.k) || !bytes.Equal(got.Value, e.v) {
			t.Fatalf("Get(%q, %d) = %v %v %v, want %s", uk, ikey.Seq(e.k), got.Seq, found, err, ikey.Format(e.k))
		}
	}
	m := &modelIter{kvs: kvs}
	for range 200 {
		uk := randomUserKey(rng, kvs)
		seq := ikey.SeqNum(rng.Int64N(1100))
		got, found, err := r.Get(uk, seq)
		if err != nil {
			t.Fatal(err)
		}
		wantFound := m.seekGE(ikey.Make(nil, uk, seq, ikey.KindMax)) && bytes.Equal(ikey.UserKey(kvs[m.pos].k), uk)
		if found != wantFound || (found && (got.Seq != ikey.Seq(kvs[m.pos].k) || !bytes.Equal(got.Value, kvs[m.pos].v))) {
			t.Fatalf("Get(%q, %d): found=%v seq=%d, model found=%v", uk, seq, found, got.Seq, wantFound)
		}
	}

	for iter := range 8 {
		var lower, upper []byte
		model := kvs
		if iter%2 == 1 {
			lower, upper = randomUserKey(rng, kvs), randomUserKey(rng, kvs)
			if rng.IntN(4) == 0 {
				lower = nil
			} else if rng.IntN(4) == 0 {
				upper = nil
			}
			model = nil
			for _, e := range kvs {
				uk := ikey.UserKey(e.k)
				if (lower == nil || bytes.Compare(uk, lower) >= 0) && (upper == nil || bytes.Compare(uk, upper) < 0) {
					model = append(model, e)
				}
			}
		}
		checkIter(t, rng, r.NewIter(lower, upper), &modelIter{kvs: model}, kvs, fmt.Sprintf("bounds [%q, %q)", lower, upper))
	}
	if cache != nil {
		st := cache.Stats()
		if st.Size > st.Capacity {
			t.Fatalf("cache holds %d bytes, over its %d budget", st.Size, st.Capacity)
		}
	}
}

func checkIter(t *testing.T, rng *rand.Rand, it interface {
	SeekGE([]byte) bool
	SeekLT([]byte) bool
	First() bool
	Last() bool
	Next() bool
	Prev() bool
	Key() []byte
	Value() []byte
	Error() error
	Close() error
}, m *modelIter, all []kv, desc string) {
	t.Helper()
	var trace []string
	for step := range 300 {
		var got, want bool
		var op string
		switch r := rng.IntN(20); {
		case r < 2:
			k := randomSeekKey(rng, all)
			op = "seek-ge " + ikey.Format(k)
			got, want = it.SeekGE(k), m.seekGE(k)
		case r < 4:
			k := randomSeekKey(rng, all)
			op = "seek-lt " + ikey.Format(k)
			got, want = it.SeekLT(k), m.seekLT(k)
		case r < 5:
			op = "first"
			got, want = it.First(), m.first()
		case r < 6:
			op = "last"
			got, want = it.Last(), m.last()
		case r < 13:
			op = "next"
			got, want = it.Next(), m.next()
		default:
			op = "prev"
			got, want = it.Prev(), m.prev()
		}
		trace = append(trace, op)
		if len(trace) > 20 {
			trace = trace[1:]
		}
		if err := it.Error(); err != nil {
			t.Fatalf("%s: step %d %s: error %v", desc, step, op, err)
		}
		if got != want {
			t.Fatalf("%s: step %d %s: got %v want %v\nlast ops: %s", desc, step, op, got, want, strings.Join(trace, "; "))
		}
		if got {
			e := m.kvs[m.pos]
			if !bytes.Equal(it.Key(), e.k) || !bytes.Equal(it.Value(), e.v) {
				t.Fatalf("%s: step %d %s: got %s want %s\nlast ops: %s", desc, step, op,
					ikey.Format(it.Key()), ikey.Format(e.k), strings.Join(trace, "; "))
			}
		}
	}
	// A full scan each way.
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if !bytes.Equal(it.Key(), m.kvs[n].k) {
			t.Fatalf("%s: forward scan entry %d: got %s want %s", desc, n, ikey.Format(it.Key()), ikey.Format(m.kvs[n].k))
		}
		n++
	}
	if n != len(m.kvs) {
		t.Fatalf("%s: forward scan saw %d entries, want %d", desc, n, len(m.kvs))
	}
	for ok := it.Last(); ok; ok = it.Prev() {
		n--
		if !bytes.Equal(it.Key(), m.kvs[n].k) {
			t.Fatalf("%s: backward scan entry %d: got %s want %s", desc, n, ikey.Format(it.Key()), ikey.Format(m.kvs[n].k))
		}
	}
	if n != 0 {
		t.Fatalf("%s: backward scan missed %d entries", desc, n)
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
}

// osTable writes a table's bytes to a real file and opens it (a file
// that maps its reads, where the system can).
func osTable(t *testing.T, data []byte) vfs.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "table.sst")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := vfs.OS().Open(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// thirdBlock is the handle of the table's third data block.
func thirdBlock(r *Reader) handle {
	var idx blockIter
	_ = idx.init(r.index)
	idx.First()
	idx.Next()
	idx.Next()
	h, _ := decodeHandle(idx.Value())
	return h
}

func TestCorruptDataBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kvs := randomTable(rng, 500, false)
	opts := DefaultWriterOptions()
	opts.BlockSize = 256
	for _, comp := range []Compression{NoCompression, SnappyCompression} {
		opts.Compression = comp
		f, _ := buildTable(t, kvs, nil, opts)
		r, err := Open(f, "c.sst", 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Flip a byte in the third data block.
		h := thirdBlock(r)
		f.data[h.offset+h.length/2] ^= 1
		want := fmt.Sprintf("offset %d:", h.offset)

		it := r.NewIter(nil, nil)
		n := 0
		for ok := it.First(); ok; ok = it.Next() {
			n++
		}
		err = it.Error()
		if !errors.Is(err, ikey.ErrCorruption) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "c.sst") {
			t.Fatalf("%s: iteration error %v, want corruption at %q", comp, err, want)
		}
		if n == 0 {
			t.Fatalf("no entries before the corrupt block")
		}
		if err := r.Check(); !errors.Is(err, ikey.ErrCorruption) || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: Check = %v, want corruption at %q", comp, err, want)
		}
		f.data[h.offset+h.length/2] ^= 1
		if err := r.Check(); err != nil {
			t.Fatalf("%s: Check after repair: %v", comp, err)
		}
	}
}

func TestCorruptOpen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	kvs := randomTable(rng, 300, false)
	opts := DefaultWriterOptions()
	opts.BlockSize = 256
	f, _ := buildTable(t, kvs, []ikey.Tombstone{{Start: []byte("a"), End: []byte("b"), Seq: 3}}, opts)
	r, err := Open(f, "o.sst", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	ft := r.footer
	// Every byte of the index, filter, range-del and properties blocks and of
	// the footer is protected: flipping any makes Open fail.
	var offs []uint64
	for _, h := range []handle{ft.index, ft.filter, ft.rangeDel, ft.props} {
		for o := h.offset; o < h.offset+h.length+blockTrailerLen; o++ {
			offs = append(offs, o)
		}
	}
	for o := r.metaEnd; o < uint64(len(f.data)); o++ {
		offs = append(offs, o)
	}
	for _, o := range offs {
		g := f.reopen()
		g.data[o] ^= 0x10
		if _, err := Open(g, "o.sst", 1, nil); !errors.Is(err, ikey.ErrCorruption) || !strings.Contains(err.Error(), "o.sst") {
			t.Fatalf("flip at %d: Open = %v, want corruption", o, err)
		}
	}
	// Truncations.
	for _, n := range []int{0, 10, footerLen - 1, len(f.data) - 1} {
		g := &memFile{data: f.data[:n]}
		if _, err := Open(g, "o.sst", 1, nil); !errors.Is(err, ikey.ErrCorruption) {
			t.Fatalf("truncated to %d: Open = %v, want corruption", n, err)
		}
	}
}

func TestCheckDetectsDisorder(t *testing.T) {
	// Build a table whose data blocks are swapped by hand: each block is
	// intact, so only Check's ordering verification can notice.
	var bb blockBuilder
	bb.restartInterval = 16
	f := &memFile{}
	w := NewWriter(f, WriterOptions{BloomBitsPerKey: -1})
	w.props.NumEntries = 2
	w.props.NumDataBlocks = 2
	for _, k := range []string{"b", "a"} {
		bb.reset()
		bb.add(ikey.Make(nil, []byte(k), 1, ikey.KindSet), nil)
		h, err := w.writeBlock(bb.finish(), NoCompression)
		if err != nil {
			t.Fatal(err)
		}
		w.pendingHandle = h
		w.addIndexEntry(ikey.Make(nil, []byte(k), 1, ikey.KindSet))
	}
	w.props.Smallest = ikey.Make(nil, []byte("b"), 1, ikey.KindSet)
	w.props.RawKeySize = 18
	w.seqSet = true
	w.props.SmallestSeq, w.props.LargestSeq = 1, 1
	w.lastKey = ikey.Make(nil, []byte("a"), 1, ikey.KindSet)
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(f.reopen(), "d.sst", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Check(); !errors.Is(err, ikey.ErrCorruption) || !strings.Contains(err.Error(), "out of order") {
		t.Fatalf("Check = %v, want out-of-order corruption", err)
	}
}

func ikeyOf(uk string, seq ikey.SeqNum) []byte {
	return ikey.Make(nil, []byte(uk), seq, ikey.KindSet)
}

// TestCorruptMappedBlock: a block read where it lies in the file's mapping
// (readDirect) is checked as one read into memory is.
func TestCorruptMappedBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kvs := randomTable(rng, 500, false)
	opts := DefaultWriterOptions()
	opts.BlockSize = 256
	opts.Compression = NoCompression
	f, _ := buildTable(t, kvs, nil, opts)
	r, err := Open(f, "m.sst", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := thirdBlock(r)
	data := append([]byte(nil), f.data...)
	data[h.offset+h.length/2] ^= 1
	mr, err := Open(osTable(t, data), "m.sst", 2, NewCache(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer mr.Close()
	if runtime.GOOS == "linux" && mr.direct == nil {
		t.Fatal("the table's file is not mapped")
	}
	it := mr.NewIter(nil, nil)
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
	}
	want := fmt.Sprintf("offset %d:", h.offset)
	if err := it.Error(); !errors.Is(err, ikey.ErrCorruption) || !strings.Contains(err.Error(), want) {
		t.Fatalf("iteration error %v, want corruption at %q", err, want)
	}
}
