package jsonb

import (
	"encoding/binary"
	"slices"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Parsing straight into the binary encoding (Parse), without building a
// Value tree first: a container's members are encoded, as they are read,
// into a scratch buffer of its nesting depth; at its closing bracket the
// container writes its header, offset table and members (an object's in
// key order, the last of duplicate keys kept) to its parent's buffer, or
// to the document. Each byte is copied once per level of nesting, and a
// document costs a few allocations however many values it holds. The
// bytes are Encode(ParseValue(text))'s exactly, errors included
// (TestParseDirect).

// Parse reads JSON text (RFC 8259, strictly: no comments, no trailing
// commas, no NaN) and encodes it. Syntax errors are 22P02 "invalid input
// syntax for type json" with PostgreSQL's detail; text over MaxSize or
// nesting over MaxDepth is 54000.
func Parse(text string) (Doc, error) {
	if len(text) > MaxSize {
		return "", tooLarge()
	}
	if !utf8.ValidString(text) {
		return "", invalidUTF8()
	}
	p := encoders.Get().(*parser)
	defer p.release()
	p.s, p.pos = text, 0
	p.skipSpace()
	// A container grows the buffer to its exact size when it is done
	// (an object's encoding can be longer than its text), so this
	// first allocation is small.
	out := append(make([]byte, 0, 16), formatVersion)
	out, err := p.encValue(out, 0)
	if err != nil {
		return "", err
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return "", p.syntax("Expected end of input, but found \"%s\".", p.token())
	}
	if len(out) > MaxSize {
		return "", tooLarge()
	}
	// The buffer is the document's own and never written again: the
	// string shares it instead of copying it.
	return Doc(unsafe.String(unsafe.SliceData(out), len(out))), nil
}

// encoders recycles Parse's parsers with their scratch buffers: a
// document then costs one allocation, its encoding.
var encoders = sync.Pool{New: func() any {
	return &parser{scratch: make([][]byte, 0, 8), ends: make([]int, 0, 64), keys: make([]string, 0, 32), order: make([]int, 0, 32)}
}}

// release returns p to encoders, without the text it read (its keys
// point into it) and without scratch grown past what small documents
// need.
func (p *parser) release() {
	p.s = ""
	clear(p.keys[:cap(p.keys)])
	p.keys = p.keys[:0]
	for i, b := range p.scratch {
		if cap(b) > 64<<10 {
			p.scratch[i] = nil
		}
	}
	encoders.Put(p)
}

// encValue appends the encoding of the value at pos to dst; depth is the
// nesting of the containers around it.
func (p *parser) encValue(dst []byte, depth int) ([]byte, error) {
	if p.pos >= len(p.s) {
		return nil, p.more()
	}
	switch c := p.s[p.pos]; c {
	case '{':
		return p.encObject(dst, depth+1)
	case '[':
		return p.encArray(dst, depth+1)
	case '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return appendScalar(dst, tagString, s), nil
	}
	v, err := p.value(depth) // a number or a word: no container
	if err != nil {
		return nil, err
	}
	switch v.Kind {
	case Number:
		return appendScalar(dst, tagNumber, v.Str), nil
	case Bool:
		if v.Bool {
			return append(dst, tagTrue), nil
		}
		return append(dst, tagFalse), nil
	}
	return append(dst, tagNull), nil
}

func appendScalar(dst []byte, tag byte, s string) []byte {
	dst = append(dst, tag)
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// scratchAt returns the scratch buffer of containers at depth, made at
// first use big enough for any container of a small document (whose
// encoding is about as long as its text); a big one's grow as needed.
func (p *parser) scratchAt(depth int) []byte {
	for len(p.scratch) <= depth {
		p.scratch = append(p.scratch, nil)
	}
	if p.scratch[depth] == nil {
		p.scratch[depth] = make([]byte, 0, min(len(p.s)+len(p.s)/4+16, 16<<10))
	}
	return p.scratch[depth]
}

func (p *parser) encArray(dst []byte, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, tooDeep()
	}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return binary.LittleEndian.AppendUint32(append(dst, tagArray), 0), nil
	}
	buf := p.scratchAt(depth)[:0]
	mark := len(p.ends)
	defer func() { p.ends = p.ends[:mark] }()
	for {
		p.skipSpace()
		var err error
		if buf, err = p.encValue(buf, depth); err != nil {
			return nil, err
		}
		p.ends = append(p.ends, len(buf))
		p.scratch[depth] = buf
		closed, err := p.afterMember(']')
		if err != nil {
			return nil, err
		}
		if closed {
			ends := p.ends[mark:]
			dst = slices.Grow(dst, 5+4*len(ends)+len(buf))
			dst = binary.LittleEndian.AppendUint32(append(dst, tagArray), uint32(len(ends)))
			for _, e := range ends {
				dst = binary.LittleEndian.AppendUint32(dst, uint32(e))
			}
			return append(dst, buf...), nil
		}
	}
}

func (p *parser) encObject(dst []byte, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, tooDeep()
	}
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return binary.LittleEndian.AppendUint32(append(dst, tagObject), 0), nil
	}
	buf := p.scratchAt(depth)[:0]
	mark, kmark := len(p.ends), len(p.keys)
	defer func() { p.ends, p.keys = p.ends[:mark], p.keys[:kmark] }()
	for first := true; ; first = false {
		k, err := p.memberKey(first)
		if err != nil {
			return nil, err
		}
		if buf, err = p.encValue(buf, depth); err != nil {
			return nil, err
		}
		p.keys = append(p.keys, k)
		p.ends = append(p.ends, len(buf))
		p.scratch[depth] = buf
		closed, err := p.afterMember('}')
		if err != nil {
			return nil, err
		}
		if closed {
			return p.writeObject(dst, buf, p.keys[kmark:], p.ends[mark:]), nil
		}
	}
}

// writeObject appends an object's encoding: its members are keys, and
// the values in vals ending at ends, in input order.
func (p *parser) writeObject(dst, vals []byte, keys []string, ends []int) []byte {
	n := len(keys)
	order := p.order[:0]
	for i := range n {
		order = append(order, i)
	}
	sorted := true
	for i := 1; i < n; i++ {
		if keyCompare(keys[i-1], keys[i]) >= 0 {
			sorted = false
			break
		}
	}
	if !sorted {
		// Stable: of duplicate keys the last stays last, and is kept.
		insertionSortStable(order, func(a, b int) bool { return keyCompare(keys[a], keys[b]) < 0 })
		kept := order[:0]
		for i, j := range order {
			if i+1 < len(order) && keys[order[i+1]] == keys[j] {
				continue
			}
			kept = append(kept, j)
		}
		order = kept
	}
	p.order = order
	start := func(i int) int {
		if i == 0 {
			return 0
		}
		return ends[i-1]
	}
	size := 5 + 8*len(order)
	for _, i := range order {
		size += len(keys[i]) + ends[i] - start(i)
	}
	dst = slices.Grow(dst, size)
	dst = binary.LittleEndian.AppendUint32(append(dst, tagObject), uint32(len(order)))
	off := 0
	for _, i := range order {
		off += len(keys[i])
		dst = binary.LittleEndian.AppendUint32(dst, uint32(off))
	}
	for _, i := range order {
		off += ends[i] - start(i)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(off))
	}
	for _, i := range order {
		dst = append(dst, keys[i]...)
	}
	for _, i := range order {
		dst = append(dst, vals[start(i):ends[i]]...)
	}
	return dst
}

// insertionSortStable sorts s by less, keeping equal elements in order:
// objects have few keys, and this sorts them without allocating.
func insertionSortStable(s []int, less func(a, b int) bool) {
	if len(s) > 64 {
		slices.SortStableFunc(s, func(a, b int) int {
			switch {
			case less(a, b):
				return -1
			case less(b, a):
				return 1
			}
			return 0
		})
		return
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
