package sstable

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// countingFile counts ReadAt calls.
type countingFile struct {
	*memFile
	reads atomic.Int64
}

func (f *countingFile) ReadAt(p []byte, off int64) (int, error) {
	f.reads.Add(1)
	return f.memFile.ReadAt(p, off)
}

// countedTable returns a table of 20,000 small entries in ~500 blocks of
// 1 KiB, uncompressed, on a file that counts its reads, and the entries.
func countedTable(t *testing.T) (*countingFile, *Reader, []kv) {
	t.Helper()
	var kvs []kv
	for i := range 20000 {
		kvs = append(kvs, kv{ikey.Make(nil, fmt.Appendf(nil, "key%08d", i), 1, ikey.KindSet), fmt.Appendf(nil, "value%08d", i)})
	}
	mf, _ := buildTable(t, kvs, nil, WriterOptions{BlockSize: 1024, Compression: NoCompression})
	f := &countingFile{memFile: mf}
	r, err := Open(f, "t.sst", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f, r, kvs
}

// TestScanReadsAhead: a full scan of a table of many blocks reads the
// file in a few large reads, not one per block, and still sees every
// entry; a point read does not read ahead.
func TestScanReadsAhead(t *testing.T) {
	f, r, kvs := countedTable(t)
	blocks := r.Properties().NumDataBlocks
	opened := f.reads.Load()
	it := r.NewIter(nil, nil)
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if string(it.Value()) != fmt.Sprintf("value%08d", n) {
			t.Fatalf("entry %d: %s", n, it.Value())
		}
		n++
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	reads := f.reads.Load() - opened
	if n != len(kvs) || blocks < 100 {
		t.Fatalf("scanned %d entries in %d blocks", n, blocks)
	}
	if reads > int64(blocks)/10 {
		t.Fatalf("a scan of %d blocks took %d reads", blocks, reads)
	}
	before := f.reads.Load()
	if _, ok, err := r.Get([]byte("key00012345"), 1); !ok || err != nil {
		t.Fatalf("get: %v %v", ok, err)
	}
	if got := f.reads.Load() - before; got != 1 {
		t.Fatalf("a point read took %d reads", got)
	}
}

// TestForwardSeeksReadAhead: seeks forward in steps of a block or two (a
// merge join's, or sorted lookups') read the file in windows like a scan;
// seeks too far apart for a window to serve read one block each.
func TestForwardSeeksReadAhead(t *testing.T) {
	f, r, kvs := countedTable(t)
	blocks := r.Properties().NumDataBlocks
	seeks := func(step int) (n int, reads int64) {
		t.Helper()
		before := f.reads.Load()
		it := r.NewIter(nil, nil)
		for i := 0; i < len(kvs); i += step {
			if !it.SeekGE(kvs[i].k) || string(it.Value()) != fmt.Sprintf("value%08d", i) {
				t.Fatalf("seek to %d: %s", i, it.Value())
			}
			n++
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		return n, f.reads.Load() - before
	}
	perBlock := len(kvs) / int(blocks)
	if n, reads := seeks(perBlock * 3 / 2); reads > int64(n)/5 {
		t.Fatalf("%d seeks a block and a half apart over %d blocks took %d reads", n, blocks, reads)
	}
	if n, reads := seeks(perBlock * 40); reads != int64(n) {
		t.Fatalf("%d seeks 40 blocks apart took %d reads, want one each", n, reads)
	}
}

// TestForwardSeeksFindTheRightEntry: seeks forward by every gap from 1 to
// 60 entries, to keys present and to keys between two entries, land
// where a fresh seek lands: whether the key is inside the restart
// interval of the current entry, past the next restart point, or in a
// later block.
func TestForwardSeeksFindTheRightEntry(t *testing.T) {
	var kvs []kv
	for i := range 3000 {
		// Values from 1 to 300 bytes: blocks of a few entries to many.
		kvs = append(kvs, kv{ikey.Make(nil, fmt.Appendf(nil, "key%06d", 2*i), 1, ikey.KindSet), make([]byte, 1+(i*37)%300)})
	}
	mf, _ := buildTable(t, kvs, nil, WriterOptions{BlockSize: 2048, RestartInterval: 4, Compression: NoCompression})
	r, err := Open(mf, "t.sst", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for gap := 1; gap <= 60; gap++ {
		it := r.NewIter(nil, nil)
		for i := 0; i < len(kvs); i += gap {
			// Half the time a key between entry i-1 and entry i.
			target := ikey.Make(nil, fmt.Appendf(nil, "key%06d", 2*i), ikey.SeqNumMax, ikey.KindMax)
			if i%2 == 1 {
				target = ikey.Make(nil, fmt.Appendf(nil, "key%06d", 2*i-1), ikey.SeqNumMax, ikey.KindMax)
			}
			if !it.SeekGE(target) || string(it.Key()) != string(kvs[i].k) {
				t.Fatalf("gap %d: seek to entry %d found %s", gap, i, ikey.Format(it.Key()))
			}
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
