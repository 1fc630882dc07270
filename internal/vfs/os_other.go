//go:build !linux

package vfs

import "os"

// syncData is Sync where fdatasync is not to be had.
func syncData(f *os.File) error { return f.Sync() }

// allocate extends the file with zeros by ftruncate, sparse: writes within
// it still change no size.
func allocate(f *os.File, size int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() >= size {
		return nil
	}
	return f.Truncate(size)
}
