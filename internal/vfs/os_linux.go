package vfs

import (
	"fmt"
	"os"
	"syscall"
)

// syncData is fdatasync(2).
func syncData(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
		}
		return nil
	}
}

// allocate extends f to size bytes by fallocate(2) in its default mode:
// the blocks are reserved and read as zeros. Where the file system cannot
// (EOPNOTSUPP), by ftruncate instead.
func allocate(f *os.File, size int64) error {
	var err error
	for {
		err = syscall.Fallocate(int(f.Fd()), 0, 0, size)
		if err != syscall.EINTR {
			break
		}
	}
	if err == syscall.EOPNOTSUPP {
		err = f.Truncate(size)
	}
	if err != nil {
		return fmt.Errorf("vfs: allocate %s to %d bytes: %w", f.Name(), size, err)
	}
	return nil
}
