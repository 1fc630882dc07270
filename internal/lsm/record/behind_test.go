package record

import (
	"errors"
	"io"
	"syscall"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestSyncBehind: the records written before a sync behind survive a
// crash once it is done (Close waits for it), and those after it do not.
func TestSyncBehind(t *testing.T) {
	fs := vfs.NewMem()
	f, err := fs.Create("wal")
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.SyncDir("."); err != nil { // the file's name is durable
		t.Fatal(err)
	}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"one", "two"} {
		if err := w.Add([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.SyncBehind()
	w.behind.wg.Wait()
	if err := w.Add([]byte("three")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // flushes "three", does not sync
		t.Fatal(err)
	}
	crashed := fs.CrashClone()
	rf, err := crashed.Open("wal")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(rf, "wal", WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		p, _, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, ErrTornTail) {
				t.Fatal(err)
			}
			break
		}
		got = append(got, string(p))
	}
	if len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Fatalf("after a crash: %q, want [one two]", got)
	}
}

// TestSyncBehindFailure: a sync behind that fails makes the writer fail,
// as a failed Sync does, even though the next sync of the file succeeds
// (the kernel reports a writeback error once).
func TestSyncBehindFailure(t *testing.T) {
	failNext := true
	fs := vfs.NewFault(vfs.NewMem(), vfs.InjectorFunc(func(op vfs.OpKind, name string) error {
		if op == vfs.OpSync && failNext {
			failNext = false
			return syscall.EIO
		}
		return nil
	}))
	w := syncingBehind(t, fs)
	if err := w.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Sync after a failed sync behind: %v, want EIO", err)
	}
	if err := w.Add([]byte("two")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Add after a failed sync behind: %v, want EIO", err)
	}
	w.Close()
}

// TestCloseAfterFailedSyncBehind: Close waits for a sync behind and
// reports its failure, as any later call does.
func TestCloseAfterFailedSyncBehind(t *testing.T) {
	fs := vfs.NewFault(vfs.NewMem(), vfs.InjectorFunc(func(op vfs.OpKind, name string) error {
		if op == vfs.OpSync {
			return syscall.EIO
		}
		return nil
	}))
	w := syncingBehind(t, fs)
	if err := w.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Close after a failed sync behind: %v, want EIO", err)
	}
}

// syncingBehind returns a writer of a new file "wal" of fs holding one
// flushed record, with a sync behind started.
func syncingBehind(t *testing.T, fs vfs.FS) *Writer {
	t.Helper()
	f, err := fs.Create("wal")
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add([]byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.SyncBehind()
	return w
}
