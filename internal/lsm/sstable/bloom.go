package sstable

import "github.com/cespare/xxhash/v2"

// The table's bloom filter covers user keys. Probes use double hashing over
// one 64-bit xxhash: probe j tests bit (h + j*delta) mod nbits, where h is the
// low 32 bits of the hash and delta the high 32 bits (forced odd). The last
// byte of the filter block records k, the number of probes.

// bloomHash is the hash of a user key that the filter is built from.
func bloomHash(ukey []byte) uint64 { return xxhash.Sum64(ukey) }

// bloomK is the number of probes for bitsPerKey bits per key: bitsPerKey*ln2,
// clamped to [1, 30].
func bloomK(bitsPerKey int) int {
	k := bitsPerKey * 69 / 100
	return max(1, min(k, 30))
}

// buildBloom returns the filter for the given key hashes.
func buildBloom(dst []byte, hashes []uint64, bitsPerKey int) []byte {
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

// bloomMayContain reports whether the filter may hold a key with hash hv.
// A missing or unusable filter answers true.
func bloomMayContain(filter []byte, hv uint64) bool {
	if len(filter) < 2 {
		return true
	}
	k := int(filter[len(filter)-1])
	if k < 1 || k > 30 {
		return true
	}
	bits := filter[:len(filter)-1]
	nBits := uint32(len(bits) * 8)
	h, delta := uint32(hv), uint32(hv>>32)|1
	for j := 0; j < k; j++ {
		pos := h % nBits
		if bits[pos/8]&(1<<(pos%8)) == 0 {
			return false
		}
		h += delta
	}
	return true
}
