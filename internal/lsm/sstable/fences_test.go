package sstable

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// TestKeyFences: a search narrowed by fences finds what a whole-key
// binary search finds, for sorted keys sharing prefixes of every length
// (short keys, keys equal in their first 8 bytes after the shared
// prefix, several versions of one user key) and probes inside, before,
// after and beside the shared prefix.
func TestKeyFences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []byte{0x00, 0x01, 'a', 'b', 0xfe, 0xff}
	word := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return b
	}
	for round := range 300 {
		prefix := word(rng.IntN(6))
		var keys [][]byte
		for range 1 + rng.IntN(60) {
			u := append(slices.Clone(prefix), word(rng.IntN(12))...)
			keys = append(keys, ikey.Make(nil, u, ikey.SeqNum(rng.IntN(5)+1), ikey.KindSet))
		}
		slices.SortFunc(keys, ikey.Compare)
		keys = slices.CompactFunc(keys, func(a, b []byte) bool { return ikey.Compare(a, b) == 0 })
		f := newKeyFences(keys)
		for range 200 {
			var u []byte
			switch rng.IntN(3) {
			case 0:
				u = append(slices.Clone(prefix), word(rng.IntN(12))...)
			case 1:
				u = word(rng.IntN(8))
			default:
				u = slices.Clone(ikey.UserKey(keys[rng.IntN(len(keys))]))
			}
			probe := ikey.Make(nil, u, ikey.SeqNum(rng.IntN(6)+1), ikey.KindSet)
			want, _ := slices.BinarySearchFunc(keys, probe, ikey.Compare)
			lo, hi := f.bounds(u)
			if lo > want || want > hi {
				t.Fatalf("round %d: probe %q: fences [%d, %d) miss the answer %d", round, u, lo, hi, want)
			}
			for i := range keys {
				if i < lo && ikey.Compare(keys[i], probe) >= 0 || i >= hi && ikey.Compare(keys[i], probe) < 0 {
					t.Fatalf("round %d: probe %q: fences [%d, %d) wrong about key %d", round, u, lo, hi, i)
				}
			}
		}
	}
}
