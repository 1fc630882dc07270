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
	var buf [8]keyStep
	steps := buf[:0]
	n, at, ok := d.walkKeys(path, &steps)
	if !ok {
		return "", false
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
	n, _, ok := d.walkKeys(path, nil)
	if !ok {
		return "", false
	}
	return docOf(n), true
}

// keyStep is an object on a path of keys: where it starts in the
// document, and the index of the offset entry of the value the path goes
// through.
type keyStep struct{ at, entry int }

// walkKeys follows path through object keys from d's root: the node at
// its end and where that starts in d, appending each object it passes
// through to steps when steps is not nil. ok is false when a step is not
// a key of an object.
func (d Doc) walkKeys(path []string, steps *[]keyStep) (n node, at int, ok bool) {
	at, n = 1, d.root()
	for _, key := range path {
		if n[0] != tagObject {
			return "", 0, false
		}
		i, found := n.findIndex(key)
		if !found {
			return "", 0, false
		}
		e := n.count() + i // the value's entry: the keys' entries come first
		if steps != nil {
			*steps = append(*steps, keyStep{at, e})
		}
		start, end := n.span(e)
		at += start
		n = n[start:end]
	}
	return n, at, true
}
