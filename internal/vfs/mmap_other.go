//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package vfs

// mapping is not to be had here: reads stay pread.
type mapping struct{}

func (o *osFile) MapReads(size int64) error { return nil }

func (o *osFile) ReadMapped(p []byte, off int64) (int, error) { return o.f.ReadAt(p, off) }

func (m *mapping) unmap() error { return nil }

func (o *osFile) Mapped() []byte { return nil }

func (o *osFile) KeepMapping() {}
