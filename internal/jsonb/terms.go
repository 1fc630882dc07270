package jsonb

import (
	"github.com/cespare/xxhash/v2"
)

// Index terms for an inverted (GIN-style) index on documents. A
// document's terms are a superset of what any query it matches asks
// for, so an index lookup finds every candidate and a recheck with the
// operator itself removes false positives:
//
//   - a leaf term per scalar: a hash of the object keys on the way to it
//     (array levels are skipped, as PostgreSQL's jsonb_path_ops does) and
//     of the scalar's sort key (so 1 and 1.0 agree). If a @> b, every leaf
//     term of b is a leaf term of a.
//   - a key term per top-level object key and top-level string array
//     element (or a top-level string): what ? asks for.
//
// Terms are TermSize bytes: a kind byte ('v' leaf, 'k' key) and a 64-bit
// hash, big-endian.
const TermSize = 9

// LeafTerms appends the leaf terms of d (each once) to dst.
func LeafTerms(dst [][]byte, d Doc) [][]byte {
	seen := map[uint64]bool{}
	var walk func(h *xxhash.Digest, path []byte, n node)
	walk = func(h *xxhash.Digest, path []byte, n node) {
		switch {
		case n[0] == tagObject:
			for i := range n.count() {
				k := n.key(i)
				p := append(append(append(path[:len(path):len(path)], 'k'), k...), 0)
				walk(h, p, n.value(i))
			}
		case n[0] == tagArray:
			for i := range n.count() {
				walk(h, path, n.elem(i))
			}
		default:
			h.Reset()
			h.Write(path)
			h.Write([]byte{1})
			h.Write(AppendSortKey(nil, docOf(n)))
			sum := h.Sum64()
			if !seen[sum] {
				seen[sum] = true
				dst = append(dst, term('v', sum))
			}
		}
	}
	walk(xxhash.New(), nil, d.root())
	return dst
}

// KeyTerms appends the key terms of d: its top-level object keys, or
// the strings among its top-level array elements, or itself if it is a
// string.
func KeyTerms(dst [][]byte, d Doc) [][]byte {
	n := d.root()
	switch n[0] {
	case tagObject:
		for i := range n.count() {
			dst = append(dst, KeyTerm(n.key(i)))
		}
	case tagArray:
		seen := map[string]bool{}
		for i := range n.count() {
			if e := n.elem(i); e[0] == tagString && !seen[e.text()] {
				seen[e.text()] = true
				dst = append(dst, KeyTerm(e.text()))
			}
		}
	case tagString:
		dst = append(dst, KeyTerm(n.text()))
	}
	return dst
}

// KeyTerm is the term ? key looks up.
func KeyTerm(key string) []byte { return term('k', xxhash.Sum64String(key)) }

func term(kind byte, h uint64) []byte {
	return []byte{kind, byte(h >> 56), byte(h >> 48), byte(h >> 40), byte(h >> 32), byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h)}
}
