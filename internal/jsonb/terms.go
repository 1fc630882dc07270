package jsonb

import (
	"slices"

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
// hash, big-endian, laid out as the index's TermLayout says.
const TermSize = 9

// TermLayout is how a leaf term's 64 bits hash the leaf's path and value.
// An index keeps the layout it was made with (its terms are stored).
type TermLayout uint8

const (
	// TermsHashed: all 64 bits hash the path and the value together.
	// The entries of one path are spread over the whole index, so
	// lookups of different values of a path each read a block of their
	// own, which holds other paths' entries: the blocks a workload
	// reads are most of the index.
	TermsHashed TermLayout = 0
	// TermsByPath: the first 16 bits hash the path alone, the other 48
	// the path and the value. The entries of a path lie together, in
	// as many blocks as they fill, and a lookup tells values apart by 48
	// bits (a collision is a false candidate, which the operator's
	// recheck drops). Random @> lookups of one path of 100,000
	// documents (bench doc-find-contains) missed a 128 MiB block cache
	// 25,793 times in 10 s, all first reads, against 99,487 with
	// TermsHashed. What new GIN indexes use.
	TermsByPath TermLayout = 1
)

// LeafTerms appends the leaf terms of d (each once) to dst, laid out as
// layout.
func LeafTerms(dst [][]byte, d Doc, layout TermLayout) [][]byte {
	w := leafWalker{dst: dst, byPath: layout == TermsByPath}
	w.walk(0, d.root())
	// The terms' bytes, in one allocation.
	slab := make([]byte, 0, TermSize*len(w.sums))
	for _, sum := range w.sums {
		start := len(slab)
		slab = appendTerm(slab, 'v', sum)
		w.dst = append(w.dst, slab[start:len(slab):len(slab)])
	}
	return w.dst
}

// leafWalker computes leaf terms with one buffer for the path (each level
// appends its key and later levels truncate back to it) and, after it,
// the scalar's sort key, which are hashed together: a document's terms
// are recomputed on every write of it.
type leafWalker struct {
	buf  []byte
	sums []uint64 // the terms' hashes, each once, in order met
	seen map[uint64]bool
	dst  [][]byte
	// all: keep every hash, repeats too (the caller sorts and drops
	// them).
	all bool
	// byPath: lay terms out as TermsByPath.
	byPath bool
}

// add records a term's hash unless it has it: a few terms are searched,
// many hashed.
func (w *leafWalker) add(sum uint64) {
	if w.all {
		w.sums = append(w.sums, sum)
		return
	}
	if w.seen == nil && len(w.sums) < 32 {
		if slices.Contains(w.sums, sum) {
			return
		}
		w.sums = append(w.sums, sum)
		return
	}
	if w.seen == nil {
		w.seen = make(map[uint64]bool, 2*len(w.sums))
		for _, s := range w.sums {
			w.seen[s] = true
		}
	}
	if !w.seen[sum] {
		w.seen[sum] = true
		w.sums = append(w.sums, sum)
	}
}

func (w *leafWalker) walk(plen int, n node) {
	switch n[0] {
	case tagObject:
		for i := range n.count() {
			w.buf = append(append(append(w.buf[:plen], 'k'), n.key(i)...), 0)
			w.walk(len(w.buf), n.value(i))
		}
	case tagArray:
		for i := range n.count() {
			w.walk(plen, n.elem(i))
		}
	default:
		// The hash of path, 1, and the scalar's sort key as a document
		// (AppendSortKey: a raw scalar sorts as a one-element array).
		w.buf = append(w.buf[:plen], 1, keyArray, 0, 0, 0, 1, 0)
		w.buf = appendNodeKey(w.buf, n)
		sum := xxhash.Sum64(w.buf)
		if w.byPath {
			sum = xxhash.Sum64(w.buf[:plen])&^(1<<48-1) | sum>>16
		}
		w.add(sum)
	}
}

// KeyTerms appends the key terms of d: its top-level object keys, or
// the strings among its top-level array elements, or itself if it is a
// string.
func KeyTerms(dst [][]byte, d Doc) [][]byte {
	keyHashes(d, func(h uint64) { dst = append(dst, term('k', h)) })
	return dst
}

// keyHashes calls f with the hash of each of d's key terms.
func keyHashes(d Doc, f func(uint64)) {
	n := d.root()
	switch n[0] {
	case tagObject:
		for i := range n.count() {
			f(xxhash.Sum64String(n.key(i)))
		}
	case tagArray:
		seen := map[string]bool{}
		for i := range n.count() {
			if e := n.elem(i); e[0] == tagString && !seen[e.text()] {
				seen[e.text()] = true
				f(xxhash.Sum64String(e.text()))
			}
		}
	case tagString:
		f(xxhash.Sum64String(n.text()))
	}
}

// KeyTerm is the term ? key looks up.
func KeyTerm(key string) []byte { return term('k', xxhash.Sum64String(key)) }

func term(kind byte, h uint64) []byte { return appendTerm(make([]byte, 0, TermSize), kind, h) }

func appendTerm(dst []byte, kind byte, h uint64) []byte {
	return append(dst, kind, byte(h>>56), byte(h>>48), byte(h>>40), byte(h>>32), byte(h>>24), byte(h>>16), byte(h>>8), byte(h))
}

// TermsDiff returns the terms (leaf and key, as LeafTerms and KeyTerms
// give them) of a that b lacks, and those of b that a lacks: what an
// update of a document from a to b removes from and adds to an inverted
// index. Usually a few of a document's many terms change.
//
// It walks the two documents side by side through objects, member by
// member, and hashes only the parts that differ. That is exact because a
// leaf term hashes the keys on the way to the leaf: every leaf on one key
// path lies in one part, the array or scalar that path reaches (or the
// member only one side has), so a part the same in both documents holds
// every occurrence of its terms on both sides, and the parts that differ
// every occurrence of theirs. (Two different paths whose terms' 64-bit
// hashes collide are not told apart; LeafTerms does not either.)
func TermsDiff(a, b Doc, layout TermLayout) (removed, added [][]byte) {
	var wa, wb leafWalker
	wa.all, wb.all = true, true
	wa.byPath, wb.byPath = layout == TermsByPath, layout == TermsByPath
	diffParts(&wa, &wb, 0, a.root(), b.root())
	la, lb := sortedDistinct(wa.sums), sortedDistinct(wb.sums)
	removed, added = diffSorted(removed, added, 'v', la, lb)
	var ka, kb []uint64
	keyHashes(a, func(h uint64) { ka = append(ka, h) })
	keyHashes(b, func(h uint64) { kb = append(kb, h) })
	return diffSorted(removed, added, 'k', sortedDistinct(ka), sortedDistinct(kb))
}

// diffParts hashes into wa and wb the leaves of the parts where a and b
// (both at the key path in the walkers' buffers up to plen) differ.
func diffParts(wa, wb *leafWalker, plen int, a, b node) {
	if a == b {
		return // the same bytes: the same terms
	}
	if a[0] != tagObject || b[0] != tagObject {
		wa.walk(plen, a)
		wb.walk(plen, b)
		return
	}
	member := func(w *leafWalker, k string) int {
		w.buf = append(append(append(w.buf[:plen], 'k'), k...), 0)
		return len(w.buf)
	}
	na, nb := a.count(), b.count()
	for i, j := 0, 0; i < na || j < nb; {
		switch {
		case j == nb || i < na && KeyLess(a.key(i), b.key(j)):
			wa.walk(member(wa, a.key(i)), a.value(i))
			i++
		case i == na || KeyLess(b.key(j), a.key(i)):
			wb.walk(member(wb, b.key(j)), b.value(j))
			j++
		default:
			member(wb, b.key(j))
			diffParts(wa, wb, member(wa, a.key(i)), a.value(i), b.value(j))
			i++
			j++
		}
	}
}

func sortedDistinct(h []uint64) []uint64 {
	slices.Sort(h)
	return slices.Compact(h)
}

// diffSorted appends to removed the terms of kind whose hashes are in a
// and not b, and to added those in b and not a (a and b sorted, distinct).
func diffSorted(removed, added [][]byte, kind byte, a, b []uint64) ([][]byte, [][]byte) {
	for i, j := 0, 0; i < len(a) || j < len(b); {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			removed = append(removed, term(kind, a[i]))
			i++
		case i == len(a) || b[j] < a[i]:
			added = append(added, term(kind, b[j]))
			j++
		default:
			i++
			j++
		}
	}
	return removed, added
}
