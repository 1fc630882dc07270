package lsm

import (
	"syscall"
	"unsafe"
)

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14).
const madvPopulateWrite = 23

// populate asks the kernel to map b's whole pages (the memory of a
// memtable's arena about to be written) writable now, in one call,
// rather than page by page as the writes first touch them. It changes
// no byte, so readers of the memory may run beside it. It reports false
// when the kernel cannot (older than 5.14): the caller stops asking.
func populate(b []byte) bool {
	const page = 4096
	// The whole pages inside b.
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	first := (start + page - 1) &^ (page - 1)
	end := (start + uintptr(len(b))) &^ (page - 1)
	if end <= first {
		return true
	}
	err := syscall.Madvise(b[first-start:end-start], madvPopulateWrite)
	return err != syscall.EINVAL && err != syscall.ENOSYS
}
