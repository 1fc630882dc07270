package lsm

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the platforms Go
// runs Linux on (x86-64, arm64 with 4 KiB pages).
const hugePage = 2 << 20

// newArena returns a zeroed memtable arena of n bytes. On Linux a large
// arena is aligned to huge pages and advised to be backed by them
// (MADV_HUGEPAGE; it takes effect where transparent huge pages are
// enabled, "always" or "madvise"): a search visits nodes all over the
// arena, and with 4 KiB pages nearly every visit of a 64 MiB memtable
// also missed the TLB. The memory is the Go heap's, so its lifetime is
// the garbage collector's as before; the advice only changes how the
// kernel backs it.
func newArena(n int) []byte {
	if n < 4*hugePage {
		return make([]byte, n)
	}
	buf := make([]byte, n+hugePage)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&buf[0])) % hugePage); r != 0 {
		off = hugePage - r
	}
	a := buf[off : off+n : off+n]
	end := n &^ (hugePage - 1)
	// Advice is best effort: without transparent huge pages the arena
	// is simply backed by small pages.
	_ = syscall.Madvise(a[:end], 14) // MADV_HUGEPAGE
	return a
}
