//go:build !linux

package vfs

import "os"

// syncData is Sync where fdatasync is not to be had.
func syncData(f *os.File) error { return f.Sync() }

// allocate extends f to size bytes of zeros by ftruncate.
func allocate(f *os.File, size int64) error { return f.Truncate(size) }
