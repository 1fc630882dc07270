package mvcc

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// Key layout (doc.go): escaped user key, terminator, ^commit_ts.
//
// The escaping is the row codec's string escaping (0x00 -> 0x00 0xFF, then
// 0x00 0x01), written again here because the layering puts the row codec
// above this package.
const (
	tsLen      = 8
	escByte    = 0x00
	escEscaped = 0xFF
	escTerm    = 0x01
)

// Value tags: the first byte of every stored MVCC value.
const (
	tagTombstone byte = 0x00
	tagValue     byte = 0x01
)

// metaPrefix starts the keys of the metadata space. No MVCC key starts with
// it: an escaped user key starts with a byte other than 0x00, or with 0x00
// 0xFF (an escaped 0x00) or 0x00 0x01 (the empty key's terminator).
var metaPrefix = []byte{0x00, 0x00}

// oracleKey holds the timestamp oracle's lease: a uint64 big-endian bound
// that every timestamp ever handed out is below.
var oracleKey = []byte("\x00\x00oracle-lease")

// minDataKey is at or below every MVCC key.
var minDataKey = []byte{0x00, escTerm}

// appendPrefix appends the escaped user key and its terminator: the common
// prefix of all versions of key.
func appendPrefix(dst, key []byte) []byte {
	for {
		i := bytes.IndexByte(key, escByte)
		if i < 0 {
			break
		}
		dst = append(dst, key[:i]...)
		dst = append(dst, escByte, escEscaped)
		key = key[i+1:]
	}
	dst = append(dst, key...)
	return append(dst, escByte, escTerm)
}

// appendKey appends the store key of key's version at ts.
func appendKey(dst, key []byte, ts uint64) []byte {
	return binary.BigEndian.AppendUint64(appendPrefix(dst, key), ^ts)
}

// stampKey sets the timestamp of a store key made by appendKey.
func stampKey(k []byte, ts uint64) {
	binary.BigEndian.PutUint64(k[len(k)-tsLen:], ^ts)
}

// splitKey splits a store key into its version prefix and timestamp. ok is
// false for keys outside the MVCC space.
func splitKey(k []byte) (prefix []byte, ts uint64, ok bool) {
	if len(k) < 2+tsLen || bytes.HasPrefix(k, metaPrefix) {
		return nil, 0, false
	}
	p := k[:len(k)-tsLen]
	if p[len(p)-2] != escByte || p[len(p)-1] != escTerm {
		return nil, 0, false
	}
	return p, ^binary.BigEndian.Uint64(k[len(k)-tsLen:]), true
}

// decodePrefix appends the user key of a version prefix to dst.
func decodePrefix(dst, p []byte) []byte {
	p = p[:len(p)-2]
	// One pass copying bytes: keys of encoded integers hold many 0x00
	// bytes, and a search per escape would cost more than the copy.
	n := len(dst)
	dst = slices.Grow(dst, len(p))[:n+len(p)]
	j := n
	for i := 0; i < len(p); i++ {
		c := p[i]
		dst[j] = c
		j++
		if c == escByte && i+1 < len(p) {
			i++ // the 0x00 itself; skip its 0xFF
		}
	}
	return dst[:j]
}

// prefixEnd returns the smallest key above every version of the prefix
// p: the terminator's 0x01 becomes 0x02.
func prefixEnd(dst, p []byte) []byte {
	dst = append(dst, p...)
	dst[len(dst)-1]++
	return dst
}

// splitLen is the store's Split: the length of a version's prefix (the
// escaped user key and terminator), so that compaction keeps all versions
// of a key it rewrites in one table; metadata keys are their own prefix.
func splitLen(k []byte) int {
	if p, _, ok := splitKey(k); ok {
		return len(p)
	}
	return len(k)
}
