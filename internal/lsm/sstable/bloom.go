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

// blockedFlag marks the trailer byte of a blocked filter (k | blockedFlag):
// every probe of a key falls in one 64-byte block (a cache line), chosen
// by the hash's high 32 bits, so a lookup costs one cache miss, not k. A
// trailer without it is the first layout, probes spread over the whole
// array, which tables written before still have.
const (
	blockedFlag = 0x40
	bloomBlock  = 64 // bytes
)

// buildBloom returns the blocked filter for the given key hashes.
func buildBloom(dst []byte, hashes []uint64, bitsPerKey int) []byte {
	k := bloomK(bitsPerKey)
	nBytes := max(len(hashes)*bitsPerKey, 64) / 8
	nBlocks := max((nBytes+bloomBlock-1)/bloomBlock, 1)
	start := len(dst)
	dst = append(dst, make([]byte, nBlocks*bloomBlock)...)
	bits := dst[start:]
	for _, hv := range hashes {
		blk := bits[bloomBlockOf(hv, nBlocks)*bloomBlock:][:bloomBlock]
		h := uint32(hv)
		for j := 0; j < k; j++ {
			pos := h >> 23 // 9 bits: a bit of the 512
			blk[pos/8] |= 1 << (pos % 8)
			h *= 0x9e3779b9
		}
	}
	return append(dst, byte(k)|blockedFlag)
}

// bloomBlockOf maps a hash to one of n blocks (by its high 32 bits,
// multiply-shift rather than a division).
func bloomBlockOf(hv uint64, n int) int {
	return int(uint64(uint32(hv>>32)) * uint64(n) >> 32)
}

// bloomMayContain reports whether the filter may hold a key with hash hv.
// A missing or unusable filter answers true.
func bloomMayContain(filter []byte, hv uint64) bool {
	if len(filter) < 2 {
		return true
	}
	t := filter[len(filter)-1]
	bits := filter[:len(filter)-1]
	if t&blockedFlag != 0 {
		k := int(t &^ blockedFlag)
		if k < 1 || k > 30 || len(bits)%bloomBlock != 0 {
			return true
		}
		blk := bits[bloomBlockOf(hv, len(bits)/bloomBlock)*bloomBlock:][:bloomBlock]
		h := uint32(hv)
		for j := 0; j < k; j++ {
			pos := h >> 23
			if blk[pos/8]&(1<<(pos%8)) == 0 {
				return false
			}
			h *= 0x9e3779b9
		}
		return true
	}
	k := int(t)
	if k < 1 || k > 30 {
		return true
	}
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
