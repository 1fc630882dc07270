package sstable

import (
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

var genCorpus = flag.Bool("gen-corpus", false, "rewrite testdata/fuzz/FuzzReader seed files")

// seedTables returns a few small valid tables and mangled copies of them.
func seedTables(t testing.TB) [][]byte {
	rng := rand.New(rand.NewPCG(42, 42))
	var out [][]byte
	for i, cfg := range []struct {
		n    int
		opts WriterOptions
		ts   int
	}{
		{0, DefaultWriterOptions(), 0},
		{5, WriterOptions{BlockSize: 32, RestartInterval: 2, Compression: NoCompression}, 1},
		{40, WriterOptions{BlockSize: 128, RestartInterval: 4, Compression: SnappyCompression}, 2},
		{60, WriterOptions{BlockSize: 256, RestartInterval: 16, BloomBitsPerKey: -1}, 0},
	} {
		kvs := randomTable(rng, cfg.n, false)
		for j := range kvs {
			if len(kvs[j].v) > 20 {
				kvs[j].v = kvs[j].v[:20]
			}
		}
		var ts []ikey.Tombstone
		for k := range cfg.ts {
			ts = append(ts, ikey.Tombstone{Start: []byte{'a' + byte(k)}, End: []byte{'c' + byte(k)}, Seq: ikey.SeqNum(k + 1)})
		}
		f, _ := buildTable(t, kvs, ts, cfg.opts)
		good := f.data
		out = append(out, good)
		if i == 0 {
			continue
		}
		// Mangled: a flipped byte in the first block, a truncated copy, and
		// a copy whose first data block has a damaged but checksummed
		// restart count is beyond a mutator's reach, so just flip.
		flip := append([]byte(nil), good...)
		flip[len(flip)/3] ^= 0x55
		out = append(out, flip, good[:len(good)-footerLen/2], good[len(good)/2:])
	}
	return out
}

func FuzzReader(f *testing.F) {
	for _, b := range seedTables(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		exerciseTable(data)
		// Checksums stop nearly every mutation at the block boundary; fixing
		// them up lets the fuzzer reach the decoding of block contents.
		if fixed, ok := fixChecksums(data); ok {
			exerciseTable(fixed)
		}
	})
}

// fixChecksums returns a copy of data with the footer's and every
// reachable block's checksum recomputed.
func fixChecksums(data []byte) ([]byte, bool) {
	if len(data) < footerLen {
		return nil, false
	}
	b := append([]byte(nil), data...)
	fo := len(b) - footerLen
	if v := binary.LittleEndian.Uint32(b[fo+64:]); v != formatWholeKeyFilter && v != formatPrefixFilter {
		binary.LittleEndian.PutUint32(b[fo+64:], formatWholeKeyFilter)
	}
	copy(b[fo+72:], magic)
	binary.LittleEndian.PutUint32(b[fo+68:], crc32.Checksum(b[fo:fo+68], crcTable))
	fix := func(h handle) bool {
		if h.length >= maxBlockLen || h.offset > uint64(fo) || h.length+blockTrailerLen > uint64(fo)-h.offset {
			return false
		}
		end := h.offset + h.length
		binary.LittleEndian.PutUint32(b[end+1:], crc32.Checksum(b[h.offset:end+1], crcTable))
		return true
	}
	ft, err := decodeFooter(b[fo:], "fuzz", int64(fo))
	if err != nil {
		return nil, false
	}
	for _, h := range []handle{ft.filter, ft.rangeDel, ft.props} {
		fix(h)
	}
	if !fix(ft.index) {
		return b, true
	}
	r := &Reader{f: &memFile{data: b}, name: "fuzz", metaEnd: uint64(fo)}
	idx, err := r.readBlock(ft.index, nil, false)
	if err != nil {
		return b, true
	}
	var it blockIter
	if it.init(idx) != nil {
		return b, true
	}
	for ok := it.First(); ok; ok = it.Next() {
		if h, ok := decodeHandle(it.Value()); ok {
			fix(h)
		}
	}
	return b, true
}

// exerciseTable opens data as a table and runs every read path over it; it
// must never panic, whatever the bytes.
func exerciseTable(data []byte) {
	for _, cache := range []*Cache{nil, NewCache(1 << 20)} {
		r, err := Open(&memFile{data: data}, "fuzz.sst", 1, cache)
		if err != nil {
			return
		}
		_ = r.Check()
		it := r.NewIter(nil, nil)
		n := 0
		for ok := it.First(); ok && n < 10000; ok = it.Next() {
			n++
			_, _, _ = r.Get(ikey.UserKey(it.Key()), ikey.SeqNumMax)
		}
		for ok := it.Last(); ok && n < 20000; ok = it.Prev() {
			n++
		}
		for _, k := range []string{"", "a", "m", "zzzz"} {
			it.SeekGE(ikey.Make(nil, []byte(k), 5, ikey.KindSet))
			it.Prev()
			it.SeekLT(ikey.Make(nil, []byte(k), 5, ikey.KindSet))
			it.Next()
			_, _, _ = r.Get([]byte(k), 10)
			r.MayContain([]byte(k))
		}
		_ = it.Close()
		bi := r.NewIter([]byte("b"), []byte("d"))
		for ok := bi.First(); ok && n < 30000; ok = bi.Next() {
			n++
		}
		_ = bi.Close()
		_ = r.Tombstones()
		_ = r.Close()
	}
}

// TestFuzzCorpus runs the committed seeds also under plain go test (the fuzz
// target does that too) and, with -gen-corpus, rewrites them.
func TestFuzzCorpus(t *testing.T) {
	seeds := seedTables(t)
	dir := filepath.Join("testdata", "fuzz", "FuzzReader")
	if *genCorpus {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, b := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, b := range seeds {
		exerciseTable(b)
		if fixed, ok := fixChecksums(b); ok {
			exerciseTable(fixed)
		}
	}
	// Every single-byte flip of a small table, and every truncation.
	small := seeds[1]
	for i := range small {
		m := append([]byte(nil), small...)
		m[i] ^= 0xff
		exerciseTable(m)
		if fixed, ok := fixChecksums(m); ok {
			exerciseTable(fixed)
		}
		exerciseTable(small[:i])
	}
}
