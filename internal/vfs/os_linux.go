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

// allocate is fallocate(2) in its default mode, which extends the file:
// its blocks are reserved and read as zeros. Where the file system cannot
// (EOPNOTSUPP), the file is extended by ftruncate instead: sparse, but
// writes within it still change no size.
func allocate(f *os.File, size int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() >= size {
		return nil
	}
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
