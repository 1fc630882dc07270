package jsonb

import (
	"encoding/binary"
	"slices"
	"unsafe"
)

// String returns the document as PostgreSQL prints a jsonb: ", " and ": "
// separators, keys in jsonb order, numbers as stored.
func (d Doc) String() string {
	b := d.TextBytes() // the string is that memory: nothing else holds it
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// TextBytes returns the document's text (String's) in a buffer of its own.
func (d Doc) TextBytes() []byte { return d.AppendText(nil) }

// AppendText appends d's text form to dst. When dst has not the room, it
// grows once, to about the text's size: the text is about the size of the
// encoding (offsets and tags stand in for quotes, colons and commas), so
// a 1 KB document printed into a new buffer costs one allocation, not a
// doubling series of five.
func (d Doc) AppendText(dst []byte) []byte {
	return appendText(slices.Grow(dst, len(d)+len(d)/4+16), d.root())
}

func appendText(b []byte, n node) []byte {
	switch n[0] {
	case tagNull:
		return append(b, "null"...)
	case tagFalse:
		return append(b, "false"...)
	case tagTrue:
		return append(b, "true"...)
	case tagString:
		return AppendQuoted(b, n.text())
	case tagNumber:
		return append(b, n.text()...)
	}
	// A container's items in order: each starts where the one before it
	// ended, so one pass over the offset table gives every span (what
	// span computes for one item at a time).
	c, entries := n.count(), n.entries()
	offsets := n[5 : 5+4*entries]
	data := n[5+4*entries:]
	end := func(i int) int { return int(binary.LittleEndian.Uint32([]byte(offsets[4*i : 4*i+4]))) }
	if n[0] == tagArray {
		b = append(b, '[')
		start := 0
		for i := range c {
			if i > 0 {
				b = append(b, ", "...)
			}
			e := end(i)
			b = appendText(b, node(data[start:e]))
			start = e
		}
		return append(b, ']')
	}
	b = append(b, '{')
	keyStart, valStart := 0, 0 // values start where the keys end
	if c > 0 {
		valStart = end(c - 1)
	}
	for i := range c {
		if i > 0 {
			b = append(b, ", "...)
		}
		ke, ve := end(i), end(c+i)
		b = AppendQuoted(b, string(data[keyStart:ke]))
		b = append(b, ": "...)
		b = appendText(b, node(data[valStart:ve]))
		keyStart, valStart = ke, ve
	}
	return append(b, '}')
}

// Pretty returns jsonb_pretty's form: one element per line, four spaces
// of indentation per level, and PostgreSQL's layout of empty containers
// (an opening bracket, a newline, the closing bracket).
func (d Doc) Pretty() string { return string(appendPretty(nil, d.root(), 0, false)) }

func indent(b []byte, level int) []byte {
	b = append(b, '\n')
	for range level {
		b = append(b, "    "...)
	}
	return b
}

// appendPretty follows PostgreSQL's JsonbToCStringWorker: a container
// that is an object's value opens on the key's line; every other value
// starts on a line of its own.
func appendPretty(b []byte, n node, level int, afterKey bool) []byte {
	if !n.isContainer() {
		return appendText(b, n)
	}
	open, close := byte('['), byte(']')
	if n[0] == tagObject {
		open, close = '{', '}'
	}
	b = append(b, open)
	for i := range n.count() {
		if i > 0 {
			b = append(b, ',')
		}
		b = indent(b, level+1)
		if n[0] == tagObject {
			b = AppendQuoted(b, n.key(i))
			b = append(b, ": "...)
			b = appendPretty(b, n.value(i), level+1, true)
		} else {
			b = appendPretty(b, n.elem(i), level+1, false)
		}
	}
	b = indent(b, level)
	_ = afterKey
	return append(b, close)
}

// AppendQuoted appends s as a JSON string literal, escaped as
// PostgreSQL's escape_json does: the two-character escapes for \b \f \n
// \r \t " and \, \u00XX for other control characters, everything else
// as it is.
func AppendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	// Most strings need no escape: find the first byte that does, eight
	// bytes at a time, and copy everything before it at once.
	i := 0
	for i+32 <= len(s) && !needsEscape32(s[i:i+32]) {
		i += 32
	}
	for i+8 <= len(s) && !needsEscape8(s[i:i+8]) {
		i += 8
	}
	for i < len(s) && !escapes[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !escapes[c] {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// escapes marks the bytes AppendQuoted escapes: control characters, the
// quote and the backslash.
var escapes = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// needsEscape32 is needsEscape8 of 32 bytes with one branch: the four
// words' tests are independent, so they overlap (a long string, a
// document's text, goes about twice as fast as 8 bytes a step).
func needsEscape32(s string) bool {
	p := unsafe.Slice(unsafe.StringData(s), 32)
	return escapeMask(binary.LittleEndian.Uint64(p))|escapeMask(binary.LittleEndian.Uint64(p[8:]))|
		escapeMask(binary.LittleEndian.Uint64(p[16:]))|escapeMask(binary.LittleEndian.Uint64(p[24:])) != 0
}

// escapeMask has the high bit of each byte of x that needsEscape8
// matches set.
func escapeMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	below := (x - ones*0x20) &^ x & highs
	return below | zero(x^(ones*'"')) | zero(x^(ones*'\\'))
}

// needsEscape8 reports whether one of the 8 bytes of s is a control
// character, a quote or a backslash (SWAR: a byte's high bit is set in
// each test where the byte matches; bytes of 0x80 and above never do).
func needsEscape8(s string) bool {
	return escapeMask(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))) != 0 // one load
}
