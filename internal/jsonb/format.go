package jsonb

import "unsafe"

// String returns the document as PostgreSQL prints a jsonb: ", " and ": "
// separators, keys in jsonb order, numbers as stored.
func (d Doc) String() string {
	b := d.TextBytes() // the string is that memory: nothing else holds it
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// TextBytes returns the document's text (String's) in a buffer of its own,
// allocated once: the text is about the size of the encoding (offsets and
// tags stand in for quotes, colons and commas), not a doubling series.
func (d Doc) TextBytes() []byte { return d.AppendText(make([]byte, 0, len(d)+len(d)/4+16)) }

// AppendText appends d's text form to dst.
func (d Doc) AppendText(dst []byte) []byte { return appendText(dst, d.root()) }

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
	case tagArray:
		b = append(b, '[')
		for i := range n.count() {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendText(b, n.elem(i))
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i := range n.count() {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = AppendQuoted(b, n.key(i))
		b = append(b, ": "...)
		b = appendText(b, n.value(i))
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
	start := 0
	for i := 0; i < len(s); i++ {
		// Eight bytes at a time while none needs escaping: most text
		// has no quote, backslash or control character.
		for i+8 <= len(s) && !needsEscape8(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
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

// needsEscape8 reports whether one of the 8 bytes of s is a control
// character, a quote or a backslash (SWAR: a byte's high bit is set in
// each test where the byte matches; bytes of 0x80 and above never do).
func needsEscape8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	below := (x - ones*0x20) &^ x & highs
	return below|zero(x^(ones*'"'))|zero(x^(ones*'\\')) != 0
}
