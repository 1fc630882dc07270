package lsm

import (
	"bytes"
	"syscall"
	"testing"
	"unsafe"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// TestPopulateAhead: a memtable has the pages it is about to write mapped
// a populateStep ahead, at the nodes' end and at the values' end of its
// arena, and no more. The arena is fresh anonymous memory, mapped for the
// test: a page is resident only once something maps it.
func TestPopulateAhead(t *testing.T) {
	const size = 16 << 20
	arena, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(arena)
	m := newMemTableIn(1, arena)
	if m.noPopulate {
		t.Skip("the kernel cannot populate (Linux 5.14 and later can)")
	}
	value := bytes.Repeat([]byte("v"), 1000)
	for i := range 100 { // 100 KB of values, a few KB of nodes
		if !m.add([]byte{byte(i)}, ikey.SeqNum(i+1), ikey.KindSet, value) {
			t.Fatal("memtable full")
		}
	}
	resident := residentPages(t, arena)
	count := func(from, to int) (n int) {
		for _, r := range resident[from/4096 : to/4096] {
			if r {
				n++
			}
		}
		return n
	}
	const step = populateStep / 4096
	if n := count(0, populateStep); n != step {
		t.Errorf("%d of the first %d pages (nodes) resident, want all", n, step)
	}
	if n := count(size-populateStep, size); n != step {
		t.Errorf("%d of the last %d pages (values) resident, want all", n, step)
	}
	if n := count(2*populateStep, size-2*populateStep); n != 0 {
		t.Errorf("%d pages between resident, want none", n)
	}
	// The values' pages mapped ahead are filled as they are written, the
	// next step mapped when they run out.
	for i := range 1000 {
		if !m.add([]byte{1, byte(i >> 8), byte(i)}, ikey.SeqNum(1000+i), ikey.KindSet, value) {
			t.Fatal("memtable full")
		}
	}
	resident = residentPages(t, arena)
	if n := count(size-2*populateStep, size-populateStep); n != step {
		t.Errorf("after 1 MB of values: %d of the next %d pages resident, want all", n, step)
	}
}

// residentPages reports, per page of b, whether it is in memory.
func residentPages(t *testing.T, b []byte) []bool {
	vec := make([]byte, (len(b)+4095)/4096)
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		t.Fatalf("mincore: %v", errno)
	}
	out := make([]bool, len(vec))
	for i, v := range vec {
		out[i] = v&1 == 1
	}
	return out
}
