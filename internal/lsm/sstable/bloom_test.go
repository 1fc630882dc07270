package sstable

import (
	"fmt"
	"testing"
)

// TestBloomLayouts: both filter layouts (the blocked one written now and
// the spread one of older tables) answer yes for every key they were
// built from, and no for most others at 10 bits per key.
func TestBloomLayouts(t *testing.T) {
	for _, n := range []int{1, 7, 100, 20000} {
		var hashes []uint64
		for i := range n {
			hashes = append(hashes, bloomHash([]byte(fmt.Sprintf("key-%d", i))))
		}
		for _, layout := range []struct {
			name  string
			build func([]byte, []uint64, int) []byte
		}{{"blocked", buildBloom}, {"spread", buildBloomSpread}} {
			f := layout.build(nil, hashes, 10)
			for i, hv := range hashes {
				if !bloomMayContain(f, hv) {
					t.Fatalf("%s, %d keys: key %d rejected", layout.name, n, i)
				}
			}
			const probes = 100000
			fp := 0
			for i := range probes {
				if bloomMayContain(f, bloomHash([]byte(fmt.Sprintf("absent-%d", i)))) {
					fp++
				}
			}
			// ~1% expected at 10 bits per key; tiny filters round up to
			// at least 64 bytes and do better.
			if rate := float64(fp) / probes; rate > 0.025 {
				t.Errorf("%s, %d keys: false positive rate %.4f", layout.name, n, rate)
			}
		}
	}
	if f := buildBloom(nil, nil, 10); len(f)%bloomBlock != 1 || f[len(f)-1]&blockedFlag == 0 {
		t.Fatalf("blocked filter of %d bytes, trailer %#x", len(f), f[len(f)-1])
	}
}

// buildBloomSpread builds the first layout, which tables written before
// the blocked one have and readers must still read.
func buildBloomSpread(dst []byte, hashes []uint64, bitsPerKey int) []byte {
	k := bloomK(bitsPerKey)
	nBits := max(len(hashes)*bitsPerKey, 64)
	nBytes := (nBits + 7) / 8
	nBits = nBytes * 8
	start := len(dst)
	dst = append(dst, make([]byte, nBytes)...)
	bits := dst[start:]
	for _, hv := range hashes {
		h, delta := uint32(hv), uint32(hv>>32)|1
		for j := 0; j < k; j++ {
			pos := h % uint32(nBits)
			bits[pos/8] |= 1 << (pos % 8)
			h += delta
		}
	}
	return append(dst, byte(k))
}
