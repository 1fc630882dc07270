package jsonb

import "encoding/binary"

// ReplaceValue returns d with the value at path replaced by nv's. Every
// step of path must be a key that exists in an object (no array
// subscripts, nothing created); otherwise ok is false and the caller
// edits the decoded document instead (Set). The result is d's bytes
// with the old value's swapped for the new one's, and the end offsets
// from that value on, in each object along the path, moved by the
// difference in length: nothing is decoded or re-encoded, and the bytes
// are those Set would give, the encoding being canonical and a node's
// bytes independent of where it sits. ok is also false when the result
// would exceed MaxSize.
func ReplaceValue(d Doc, path []string, nv Doc) (Doc, bool) {
	if len(path) == 0 || len(d) < 2 || len(nv) < 2 {
		return "", false
	}
	// The objects along the path: where each starts in d and the index
	// of the offset entry of the value the path goes through.
	type step struct{ at, entry int }
	var buf [8]step
	steps := buf[:0]
	at, n := 1, d.root()
	for _, key := range path {
		if n[0] != tagObject {
			return "", false
		}
		i, ok := n.findIndex(key)
		if !ok {
			return "", false
		}
		e := n.count() + i // the value's entry: the keys' entries come first
		steps = append(steps, step{at, e})
		start, end := n.span(e)
		at += start
		n = n[start:end]
	}
	leaf := nv[1:]
	delta := len(leaf) - len(n)
	if len(d)+delta > MaxSize {
		return "", false
	}
	b := make([]byte, 0, len(d)+delta)
	b = append(b, d[:at]...)
	b = append(b, leaf...)
	b = append(b, d[at+len(n):]...)
	if delta != 0 {
		// Every offset table lies before the value, so it sits at the
		// same place in b as in d.
		for _, s := range steps {
			c := int(binary.LittleEndian.Uint32(b[s.at+1 : s.at+5]))
			for e := s.entry; e < 2*c; e++ {
				p := s.at + 5 + 4*e
				binary.LittleEndian.PutUint32(b[p:p+4], uint32(int(binary.LittleEndian.Uint32(b[p:p+4]))+delta))
			}
		}
	}
	return Doc(b), true
}

// KeyPath follows a path of object keys only: false when a step is not a
// key of an object (Path also takes array subscripts).
func (d Doc) KeyPath(path []string) (Doc, bool) {
	n := d.root()
	for _, key := range path {
		if n[0] != tagObject {
			return "", false
		}
		v, ok := n.find(key)
		if !ok {
			return "", false
		}
		n = v
	}
	return docOf(n), true
}
