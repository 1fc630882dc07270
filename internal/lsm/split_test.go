package lsm

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestSplitKeys: the keys that cut a range are ascending, inside it, and
// cut it into parts of about equal size, whether the range spans many
// tables (cut at tables), few (cut at samples of their blocks) or is all
// in the memtable (cut at nodes of its skiplist); a range holding too
// little to cut is not cut.
func TestSplitKeys(t *testing.T) {
	for _, target := range []int64{64 << 10, 8 << 20} {
		t.Run(fmt.Sprintf("tables of %d KiB", target>>10), func(t *testing.T) { testSplitKeys(t, target, true) })
	}
	t.Run("memtable", func(t *testing.T) { testSplitKeys(t, 0, false) })
}

func testSplitKeys(t *testing.T, targetFileSize int64, flush bool) {
	memSize := int64(1 << 20)
	if !flush {
		memSize = 64 << 20
	}
	d := openMem(t, vfs.NewMem(), &Options{MemTableSize: memSize, TargetFileSize: targetFileSize})
	defer d.Close()
	if got := d.SplitKeys(nil, nil, 4); len(got) != 0 {
		t.Fatalf("empty store cut at %q", got)
	}
	// Values that do not compress: the store holds ~4 MiB.
	rng := rand.New(rand.NewPCG(1, 2))
	val := make([]byte, 200)
	const n = 20000
	key := func(i int) []byte { return []byte(fmt.Sprintf("k%06d", i)) }
	for i := range n {
		for j := range val {
			val[j] = byte(rng.Uint32())
		}
		must(t, d.Set(key(i), val, NoSync))
	}
	if flush {
		must(t, d.Flush())
		must(t, d.Compact(context.Background(), nil, nil))
	}
	files := 0
	for _, l := range d.mu.version.levels {
		files += len(l)
	}
	if !flush && files > 0 || targetFileSize > 4<<20 && files > 2 {
		t.Fatalf("%d tables, want one or two, cut by samples", files)
	}
	for _, c := range []struct {
		lo, hi []byte
		parts  int
	}{{nil, nil, 2}, {nil, nil, 4}, {key(5000), key(15000), 3}, {key(100), nil, 4}} {
		cuts := d.SplitKeys(c.lo, c.hi, c.parts)
		if len(cuts) != c.parts-1 {
			t.Fatalf("[%q, %q) in %d: cut at %q", c.lo, c.hi, c.parts, cuts)
		}
		bounds := append(append([][]byte{c.lo}, cuts...), c.hi)
		for i := 1; i < len(bounds); i++ {
			if bounds[i-1] != nil && bounds[i] != nil && bytes.Compare(bounds[i-1], bounds[i]) >= 0 {
				t.Fatalf("cuts %q not ascending inside [%q, %q)", cuts, c.lo, c.hi)
			}
		}
		// Count the keys of each part: about equal.
		counts := make([]int, len(bounds)-1)
		it := d.NewIter(&IterOptions{LowerBound: c.lo, UpperBound: c.hi})
		part := 0
		for ok := it.First(); ok; ok = it.Next() {
			for part+1 < len(bounds)-1 && bytes.Compare(it.Key(), bounds[part+1]) >= 0 {
				part++
			}
			counts[part]++
		}
		must(t, it.Close())
		total := 0
		for _, k := range counts {
			total += k
		}
		for _, k := range counts {
			if k < total/c.parts/2 || k > total/c.parts*2 {
				t.Fatalf("[%q, %q) in %d parts: keys per part %v", c.lo, c.hi, c.parts, counts)
			}
		}
	}
	if got := d.SplitKeys(key(10), key(1000), 2); len(got) != 0 {
		t.Fatalf("a range of ~200 KiB cut at %q", got)
	}
}
