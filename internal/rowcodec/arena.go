package rowcodec

import "unsafe"

// Arena hands out strings carved from shared chunks of memory, so that
// decoding many short strings (a scan's text columns) costs one allocation
// per chunk instead of one per string. A chunk is only ever appended to,
// never rewritten, so the strings stay immutable; the price is that a
// string kept alive keeps its whole chunk alive, which is why chunks stay
// small (at most arenaChunk bytes).
type Arena struct {
	buf  []byte // the current chunk: len used, cap its size
	next int    // the next chunk's size: doubles up to arenaChunk
}

const (
	arenaFirst = 256
	arenaChunk = 8 << 10
)

// Copy returns a copy of s from the arena.
func (a *Arena) Copy(s string) string {
	return a.String(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// String returns b as a string. A nil Arena allocates one the usual way.
func (a *Arena) String(b []byte) string {
	if a == nil || len(b) > arenaChunk/4 {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.next = min(max(2*a.next, arenaFirst), arenaChunk)
		a.buf = make([]byte, 0, max(a.next, len(b)))
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[start], len(b))
}
