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
