package vfs

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Default is the file system of the running process.
var Default FS = osFS{}

// OS returns an FS over the real operating-system file system.
func OS() FS { return osFS{} }

type osFS struct{}

func (osFS) Create(name string) (File, error) {
	// Not O_APPEND: Write lands at the file offset, which only Write moves
	// (ReadAt is pread), so it stays where the last write ended even after
	// Allocate extended the file past it.
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	return &osFile{f: f}, nil
}

func (osFS) Open(name string) (File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	return &osFile{f: f}, nil
}

func (osFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

func (osFS) Remove(name string) error { return os.Remove(name) }

func (osFS) List(dir string) ([]string, error) {
	// os.ReadDir already sorts by name.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

func (osFS) MkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func (osFS) Lock(name string) (io.Closer, error) { return lockFile(filepath.Clean(name)) }

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("vfs: sync dir %s: %w", dir, err)
	}
	return d.Close()
}

func (osFS) Stat(name string) (int64, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// osFile adapts *os.File; the os package's errors already carry the path.
// m is its read mapping, once MapReads made one (see mmap_unix.go).
type osFile struct {
	f *os.File
	m *mapping
}

func (o *osFile) ReadAt(p []byte, off int64) (int, error) { return o.f.ReadAt(p, off) }
func (o *osFile) Write(p []byte) (int, error)             { return o.f.Write(p) }
func (o *osFile) Sync() error                             { return o.f.Sync() }
func (o *osFile) SyncData() error                         { return syncData(o.f) }

// Allocate implements File: by fallocate where there is one, else by
// extending the file, sparse (writes within it still change no size).
func (o *osFile) Allocate(size int64) error {
	fi, err := o.f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() >= size {
		return nil
	}
	return allocate(o.f, size)
}
func (o *osFile) Close() error {
	if o.m != nil {
		if err := o.m.unmap(); err != nil {
			o.f.Close()
			return fmt.Errorf("vfs: munmap %s: %w", o.f.Name(), err)
		}
	}
	return o.f.Close()
}

func (o *osFile) Size() (int64, error) {
	fi, err := o.f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
