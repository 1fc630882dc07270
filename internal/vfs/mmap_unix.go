//go:build linux || darwin || freebsd || netbsd || openbsd

package vfs

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"syscall"
)

// mapping is a file's read-only memory mapping (see ReadMapper).
type mapping struct {
	data []byte
	// readers counts the copies in progress; closed, once set, sends
	// reads to pread, and unmap waits for readers to drain.
	readers atomic.Int64
	closed  atomic.Bool
	keep    atomic.Bool // KeepMapping: Close does not unmap
}

func (o *osFile) Mapped() []byte {
	if o.m == nil {
		return nil
	}
	return o.m.data
}

func (o *osFile) KeepMapping() {
	if o.m != nil {
		o.m.keep.Store(true)
	}
}

func (o *osFile) MapReads(size int64) error {
	// Not on 32-bit systems: mapping every table of a large store would
	// take the address space the heap needs.
	if o.m != nil || size <= 0 || strconv.IntSize < 64 {
		return nil
	}
	data, err := syscall.Mmap(int(o.f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("vfs: mmap %s: %w", o.f.Name(), err)
	}
	o.m = &mapping{data: data}
	return nil
}

func (o *osFile) ReadMapped(p []byte, off int64) (n int, err error) {
	m := o.m
	if m == nil || off < 0 || off > int64(len(m.data)) || int64(len(p)) > int64(len(m.data))-off {
		return o.f.ReadAt(p, off)
	}
	m.readers.Add(1)
	defer m.readers.Add(-1)
	if m.closed.Load() {
		return o.f.ReadAt(p, off)
	}
	return m.copyAt(p, off, o.f.Name())
}

// copyAt copies from the mapping, turning a memory fault into an error.
func (m *mapping) copyAt(p []byte, off int64, name string) (n int, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(runtime.Error); ok {
				n, err = 0, fmt.Errorf("vfs: read %s at offset %d from its mapping: %w: %v", name, off, syscall.EIO, re)
				return
			}
			panic(r)
		}
	}()
	return copy(p, m.data[off:]), nil
}

// unmap waits for the copies in progress and unmaps the file.
func (m *mapping) unmap() error {
	if !m.closed.CompareAndSwap(false, true) {
		return nil // a second Close
	}
	for m.readers.Load() != 0 {
		runtime.Gosched()
	}
	if m.keep.Load() {
		return nil
	}
	return syscall.Munmap(m.data)
}
