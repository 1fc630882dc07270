package vfs

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestOSBasics(t *testing.T) {
	fsys := OS()
	dir := filepath.Join(t.TempDir(), "db")
	must(t, fsys.MkdirAll(dir))
	name := filepath.Join(dir, "wal")

	f, err := fsys.Create(name)
	must(t, err)
	write(t, f, "hello ")
	write(t, f, "world")
	if size, err := f.Size(); err != nil || size != 11 {
		t.Fatalf("Size = %d, %v; want 11", size, err)
	}
	buf := make([]byte, 5)
	if n, err := f.ReadAt(buf, 6); n != 5 || (err != nil && err != io.EOF) || string(buf) != "world" {
		t.Fatalf("ReadAt = %d, %v, %q", n, err, buf)
	}
	// Reading must not move the append position.
	write(t, f, "!")
	must(t, f.Sync())
	must(t, fsys.SyncDir(dir))
	must(t, f.Close())
	wantContents(t, fsys, name, "hello world!")

	if size, err := fsys.Stat(name); err != nil || size != 12 {
		t.Fatalf("Stat = %d, %v; want 12", size, err)
	}
	wantMissing(t, fsys, filepath.Join(dir, "nope"))

	// Create truncates.
	f, err = fsys.Create(name)
	must(t, err)
	must(t, f.Close())
	wantContents(t, fsys, name, "")

	// Read-only handles refuse writes.
	r, err := fsys.Open(name)
	must(t, err)
	if _, err := r.Write([]byte("x")); err == nil {
		t.Fatal("Write on a handle from Open succeeded")
	}
	must(t, r.Close())

	must(t, WriteFile(fsys, filepath.Join(dir, "b"), []byte("b")))
	must(t, fsys.MkdirAll(filepath.Join(dir, "a", "sub")))
	names, err := fsys.List(dir)
	must(t, err)
	if !slices.Equal(names, []string{"a", "b", "wal"}) {
		t.Fatalf("List = %q", names)
	}

	must(t, fsys.Rename(filepath.Join(dir, "b"), name))
	wantContents(t, fsys, name, "b")
	wantMissing(t, fsys, filepath.Join(dir, "b"))
	must(t, fsys.Remove(name))
	wantMissing(t, fsys, name)
	if _, err := fsys.Open(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open removed file: %v", err)
	} else if !strings.Contains(err.Error(), name) {
		t.Fatalf("error %q does not name the file", err)
	}
	if err := fsys.SyncDir(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("SyncDir missing dir: %v", err)
	}
}

func TestOSLockConflict(t *testing.T) {
	fsys := OS()
	name := filepath.Join(t.TempDir(), "LOCK")
	l, err := fsys.Lock(name)
	must(t, err)
	// flock locks belong to the open file description, so a second Lock in
	// the same process conflicts just as another process would.
	_, err = fsys.Lock(name)
	if !errors.Is(err, ErrLocked) || !errors.Is(err, syscall.EWOULDBLOCK) {
		t.Fatalf("second Lock: %v, want ErrLocked wrapping EWOULDBLOCK", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "locked by another process") || !strings.Contains(msg, name) {
		t.Fatalf("second Lock error %q is unclear", msg)
	}
	must(t, l.Close())
	if err := l.Close(); err == nil {
		t.Fatal("second Close of a lock succeeded")
	}
	l, err = fsys.Lock(name)
	must(t, err)
	must(t, l.Close())
}

func TestOSLockMissingDir(t *testing.T) {
	name := filepath.Join(t.TempDir(), "nodir", "LOCK")
	if _, err := OS().Lock(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Lock in missing dir: %v, want ErrNotExist", err)
	}
}
