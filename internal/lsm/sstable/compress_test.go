package sstable

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// TestIncompressibleBlocksSkipSnappy: after blocks that do not compress,
// the writer stops trying on most of the ones that follow, and resumes
// compressing when the data turns compressible again.
func TestIncompressibleBlocksSkipSnappy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f := &memFile{}
	w := NewWriter(f, WriterOptions{BlockSize: 4 << 10, Compression: SnappyCompression})
	add := func(i int, v []byte) {
		if err := w.Add(ikey.Make(nil, fmt.Appendf(nil, "key%06d", i), 1, ikey.KindSet), v); err != nil {
			t.Fatal(err)
		}
	}
	const n = 400 // values of 1 KiB: about 100 blocks of each kind
	for i := range n {
		v := make([]byte, 1024)
		for j := range v {
			v[j] = byte(rng.Uint32())
		}
		add(i, v)
	}
	randomBlocks, randomTries := w.props.NumDataBlocks, w.compressTries
	if randomTries > int(randomBlocks)/5 {
		t.Errorf("snappy tried on %d of %d incompressible blocks", randomTries, randomBlocks)
	}
	for i := n; i < 2*n; i++ {
		add(i, bytes.Repeat([]byte("cairn "), 1024/6))
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The random half is stored as is (n KiB); the compressible half,
	// n KiB raw, must have shrunk in all but the few blocks skipped
	// after the switch.
	if size := len(f.data); size > n*1024+n*1024/4 {
		t.Errorf("table of %d bytes: the compressible half was not compressed", size)
	}
}
