//go:build linux || darwin || freebsd || netbsd || openbsd

package vfs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// mappedFile writes size bytes of a pattern to a file and opens it with
// its reads mapped.
func mappedFile(t *testing.T, size int) (string, []byte, ReadMapper, File) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "table")
	want := make([]byte, size)
	for i := range want {
		want[i] = byte(i*7 + i/251)
	}
	must(t, os.WriteFile(name, want, 0o644))
	f, err := OS().Open(name)
	must(t, err)
	m, ok := f.(ReadMapper)
	if !ok {
		t.Fatal("an OS file is not a ReadMapper")
	}
	must(t, m.MapReads(int64(size)))
	return name, want, m, f
}

func TestReadMapped(t *testing.T) {
	const size = 3*4096 + 100
	_, want, m, f := mappedFile(t, size)
	for _, c := range []struct{ off, n int }{{0, 10}, {4090, 20}, {8192, 4096}, {size - 5, 5}, {0, size}} {
		got := make([]byte, c.n)
		if n, err := m.ReadMapped(got, int64(c.off)); n != c.n || err != nil || !bytes.Equal(got, want[c.off:c.off+c.n]) {
			t.Fatalf("ReadMapped(%d bytes at %d) = %d, %v; contents match: %v", c.n, c.off, n, err, bytes.Equal(got, want[c.off:c.off+c.n]))
		}
	}
	// Past the mapping: ReadAt's answer, a short read.
	got := make([]byte, 10)
	if n, err := m.ReadMapped(got, size-4); n != 4 || err != io.EOF {
		t.Fatalf("ReadMapped across the end = %d, %v; want 4, EOF", n, err)
	}
	must(t, f.Close())
	// After Close: an error, not a fault in unmapped memory.
	if _, err := m.ReadMapped(got, 0); err == nil {
		t.Fatal("ReadMapped after Close succeeded")
	}
	// A second Close must not unmap again (the range may be reused).
	if err := f.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}
}

// TestReadMappedDuringClose: reads racing Close either succeed with the
// right bytes or fail; none touches the mapping after it is gone.
func TestReadMappedDuringClose(t *testing.T) {
	for range 20 {
		_, want, m, f := mappedFile(t, 64<<10)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 4096)
				for i := range 2000 {
					off := (g*977 + i*4096) % (60 << 10)
					n, err := m.ReadMapped(buf, int64(off))
					if err != nil {
						return
					}
					if n != len(buf) || !bytes.Equal(buf, want[off:off+n]) {
						t.Errorf("read at %d: wrong bytes", off)
						return
					}
				}
			}()
		}
		must(t, f.Close())
		wg.Wait()
	}
}

// TestReadMappedFault: a page of the mapping past the end of the file (it
// was truncated under the mapping) faults; the read returns an error
// wrapping EIO instead of the fault killing the process.
func TestReadMappedFault(t *testing.T) {
	name, _, m, f := mappedFile(t, 16<<10)
	defer f.Close()
	must(t, os.Truncate(name, 0))
	buf := make([]byte, 100)
	_, err := m.ReadMapped(buf, 8192)
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("ReadMapped of a truncated page = %v; want an error wrapping EIO", err)
	}
}
