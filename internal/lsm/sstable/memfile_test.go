package sstable

import (
	"errors"
	"io"
	"sync"
)

// memFile is an in-memory vfs.File for these tests.
type memFile struct {
	mu     sync.Mutex
	data   []byte
	synced bool
	closed bool
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, errors.New("write to closed file")
	}
	f.data = append(f.data, p...)
	f.synced = false
	return len(p), nil
}

func (f *memFile) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.synced = true
	return nil
}

func (f *memFile) SyncData() error { return f.Sync() }

// Allocate is not for tables.
func (f *memFile) Allocate(int64) error { return errors.New("memFile: Allocate not supported") }

func (f *memFile) Size() (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.data)), nil
}

func (f *memFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

// reopen returns a fresh readable file with the same contents.
func (f *memFile) reopen() *memFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &memFile{data: append([]byte(nil), f.data...)}
}
