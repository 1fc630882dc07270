package lsm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestEstimateDiskUsage: the estimate of a key range follows the bytes
// written to it, in the memtable, in one table the range cuts, and in
// many tables, and an empty range is about nothing.
func TestEstimateDiskUsage(t *testing.T) {
	for _, c := range []struct {
		name   string
		target int64
		flush  bool
	}{{"memtable", 0, false}, {"one table", 64 << 20, true}, {"tables of 64 KiB", 64 << 10, true}} {
		t.Run(c.name, func(t *testing.T) {
			d := openMem(t, vfs.NewMem(), &Options{MemTableSize: 64 << 20, TargetFileSize: c.target})
			defer d.Close()
			// Values that do not compress: keys a... take 100 bytes each,
			// keys b... 1,000, c... 10.
			rng := rand.New(rand.NewPCG(3, 4))
			sizes := map[byte]int{'a': 100, 'b': 1000, 'c': 10}
			for _, p := range []byte("abc") {
				val := make([]byte, sizes[p])
				for i := range 2000 {
					for j := range val {
						val[j] = byte(rng.Uint32())
					}
					must(t, d.Set([]byte(fmt.Sprintf("%c%05d", p, i)), val, NoSync))
				}
			}
			if c.flush {
				must(t, d.Flush())
				must(t, d.Compact(context.Background(), nil, nil))
			}
			for _, p := range []byte("abc") {
				want := uint64(2000 * (sizes[p] + 6))
				got := d.EstimateDiskUsage([]byte{p}, []byte{p + 1})
				if got < want*3/4 || got > want*3/2+16<<10 {
					t.Errorf("range %c: %d bytes, wrote %d", p, got, want)
				}
			}
			if got := d.EstimateDiskUsage([]byte("b00500"), []byte("b01500")); got < 750_000 || got > 1_500_000 {
				t.Errorf("half of range b: %d bytes, wrote 1,006,000", got)
			}
			if got := d.EstimateDiskUsage([]byte("x"), []byte("y")); got > 16<<10 {
				t.Errorf("an empty range: %d bytes", got)
			}
			if all := d.EstimateDiskUsage(nil, nil); all < 2_000_000 || all > 3_500_000 {
				t.Errorf("everything: %d bytes, wrote 2,240,000", all)
			}
		})
	}
}
