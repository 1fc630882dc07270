package vfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func TestOnNthFailsOnce(t *testing.T) {
	m := NewMem()
	inj := OnNth(OpWrite, 3, ErrInjectedEIO)
	f := NewFault(m, inj)
	w, err := f.Create("wal")
	must(t, err)
	write(t, w, "a")
	write(t, w, "b")
	n, err := w.Write([]byte("c"))
	if n != 0 || !errors.Is(err, ErrInjectedEIO) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("third write = %d, %v; want 0, injected EIO", n, err)
	}
	if !strings.Contains(err.Error(), "wal") {
		t.Fatalf("error %q does not name the file", err)
	}
	write(t, w, "d")
	// The failed write did not happen.
	wantContents(t, m, "wal", "abd")
	if inj.Fired() != 1 {
		t.Fatalf("Fired = %d, want 1", inj.Fired())
	}
}

func TestOnNthSticky(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("db"))
	f := NewFault(m, OnNth(OpSync, 2, ErrInjectedENOSPC).Sticky())
	w, err := f.Create("db/f")
	must(t, err)
	must(t, w.Sync())
	for i := range 3 {
		if err := w.Sync(); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("sync %d: %v, want ENOSPC", i+2, err)
		}
	}
	// Other kinds are unaffected.
	write(t, w, "x")
	must(t, f.SyncDir("db"))
}

func TestFaultEveryKind(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("d"))
	must(t, WriteFile(m, "d/f", []byte("data")))
	f, err := m.Create("d/h")
	must(t, err)
	defer f.Close()
	ops := map[OpKind]func(fsys *FaultFS) error{
		OpCreate:  func(fsys *FaultFS) error { _, err := fsys.Create("d/g"); return err },
		OpOpen:    func(fsys *FaultFS) error { _, err := fsys.Open("d/f"); return err },
		OpRename:  func(fsys *FaultFS) error { return fsys.Rename("d/f", "d/f2") },
		OpRemove:  func(fsys *FaultFS) error { return fsys.Remove("d/f") },
		OpList:    func(fsys *FaultFS) error { _, err := fsys.List("d"); return err },
		OpMkdir:   func(fsys *FaultFS) error { return fsys.MkdirAll("d/e") },
		OpLock:    func(fsys *FaultFS) error { _, err := fsys.Lock("d/LOCK"); return err },
		OpSyncDir: func(fsys *FaultFS) error { return fsys.SyncDir("d") },
		OpStat:    func(fsys *FaultFS) error { _, err := fsys.Stat("d/f"); return err },
		OpRead: func(fsys *FaultFS) error {
			_, err := (&faultFile{fs: fsys, f: f, name: "d/h"}).ReadAt(make([]byte, 1), 0)
			return err
		},
		OpWrite: func(fsys *FaultFS) error {
			_, err := (&faultFile{fs: fsys, f: f, name: "d/h"}).Write([]byte("x"))
			return err
		},
		OpSync: func(fsys *FaultFS) error { return (&faultFile{fs: fsys, f: f, name: "d/h"}).Sync() },
	}
	if len(ops) != len(OpKinds()) {
		t.Fatalf("test covers %d kinds, there are %d", len(ops), len(OpKinds()))
	}
	for kind, op := range ops {
		err := op(NewFault(m, OnNth(kind, 1, ErrInjectedEIO)))
		if !errors.Is(err, ErrInjectedEIO) {
			t.Errorf("%s: %v, want injected EIO", kind, err)
		}
	}
	// Nothing happened.
	wantContents(t, m, "d/f", "data")
	wantMissing(t, m, "d/g")
	wantMissing(t, m, "d/LOCK")
	wantMissing(t, m, "d/e")
	if size, _ := f.Size(); size != 0 {
		t.Errorf("injected write happened: size %d", size)
	}
}

func TestFaultRenameErrorNamesBoth(t *testing.T) {
	f := NewFault(NewMem(), OnNth(OpRename, 1, ErrInjectedEIO))
	err := f.Rename("a", "b")
	var le *os.LinkError
	if !errors.As(err, &le) || le.Old != "a" || le.New != "b" || !errors.Is(err, syscall.EIO) {
		t.Fatalf("Rename: %#v", err)
	}
}

func TestCounterAndChain(t *testing.T) {
	m := NewMem()
	c := NewCounter()
	f := NewFault(m, Chain(c, OnNth(OpCreate, 2, ErrInjectedEIO)))
	must(t, f.MkdirAll("db"))
	w, err := f.Create("db/a")
	must(t, err)
	if _, err := f.Create("db/b"); !errors.Is(err, ErrInjectedEIO) {
		t.Fatalf("second Create: %v", err)
	}
	write(t, w, "x")
	must(t, w.Sync())
	_, err = w.ReadAt(make([]byte, 1), 0)
	must(t, err)
	_, err = f.Stat("db/a")
	must(t, err)
	must(t, w.Close()) // not counted

	want := map[OpKind]int{OpMkdir: 1, OpCreate: 2, OpWrite: 1, OpSync: 1, OpRead: 1, OpStat: 1}
	for _, k := range OpKinds() {
		if got := c.Count(k); got != want[k] {
			t.Errorf("Count(%s) = %d, want %d", k, got, want[k])
		}
	}
	if c.Total() != 7 || c.Mutating() != 5 {
		t.Errorf("Total, Mutating = %d, %d; want 7, 5", c.Total(), c.Mutating())
	}

	// SetInjector(nil) turns injection off.
	f.SetInjector(nil)
	w, err = f.Create("db/b")
	must(t, err)
	must(t, w.Close())
	if c.Total() != 7 {
		t.Errorf("counter saw ops after SetInjector(nil)")
	}
}

// crashWorkload is a miniature store: a directory, a file made durable by
// SyncDir, appends with syncs, and a final unsynced append. It stops at the
// first error, as an engine would.
func crashWorkload(fsys FS) error {
	if err := fsys.MkdirAll("db"); err != nil { // mutating op 1
		return err
	}
	f, err := fsys.Create("db/wal") // 2
	if err != nil {
		return err
	}
	defer f.Close()
	steps := []func() error{
		func() error { _, err := f.Write([]byte("a")); return err }, // 3
		f.Sync, // 4
		func() error { return fsys.SyncDir("db") },                  // 5
		func() error { _, err := f.Write([]byte("b")); return err }, // 6
		func() error { _, err := f.Size(); return err },             // not mutating
		f.Sync, // 7
		func() error { _, err := f.Write([]byte("c")); return err }, // 8
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func TestCrashAfterEveryPoint(t *testing.T) {
	c := NewCounter()
	must(t, crashWorkload(NewFault(NewMem(), c)))
	if c.Mutating() != 8 {
		t.Fatalf("workload has %d mutating ops, want 8", c.Mutating())
	}
	// want[n] is db/wal's durable contents when crashing at mutating op n;
	// "-" means the file is gone, "nodir" that db is gone too.
	want := map[int]string{1: "nodir", 2: "-", 3: "-", 4: "-", 5: "-", 6: "a", 7: "a", 8: "ab", 9: "ab"}
	memWant := map[int]string{1: "nodir", 2: "-", 3: "", 4: "a", 5: "a", 6: "a", 7: "ab", 8: "ab", 9: "abc"}
	for n := 1; n <= c.Mutating()+1; n++ {
		mem := NewMem()
		inj := CrashAfter(mem, n)
		err := crashWorkload(NewFault(mem, inj))
		crashed := inj.Crashed()
		if n <= c.Mutating() {
			if !errors.Is(err, ErrCrashed) || crashed == nil {
				t.Fatalf("n=%d: workload returned %v, crashed=%v", n, err, crashed != nil)
			}
		} else {
			must(t, err)
			if crashed != nil {
				t.Fatalf("n=%d: crashed although the workload has fewer ops", n)
			}
			crashed = inj.CrashNow()
		}
		checkWAL(t, crashed, want[n], fmt.Sprintf("n=%d (%s): crashed", n, inj.Point()))
		// The crash leaves mem alone: it holds the first n-1 ops, synced or
		// not.
		checkWAL(t, mem, memWant[n], fmt.Sprintf("n=%d (%s): receiver", n, inj.Point()))
		// After the crash everything fails, reads included.
		if _, err := NewFault(mem, inj).Stat("db"); n <= c.Mutating() && !errors.Is(err, ErrCrashed) {
			t.Errorf("n=%d: Stat after crash: %v", n, err)
		}
	}
}

// checkWAL checks db/wal in fsys: "nodir" means db is missing, "-" that the
// file is, anything else is its contents.
func checkWAL(t *testing.T, fsys FS, want, desc string) {
	t.Helper()
	switch want {
	case "nodir":
		if _, err := fsys.List("db"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: List(db) = %v, want ErrNotExist", desc, err)
		}
	case "-":
		if _, err := fsys.Stat("db/wal"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: db/wal exists", desc)
		}
	default:
		got, err := ReadFile(fsys, "db/wal")
		if err != nil || string(got) != want {
			t.Errorf("%s: db/wal = %q, %v; want %q", desc, got, err, want)
		}
	}
}

func TestCrashAfterLeavesReceiverAlone(t *testing.T) {
	mem := NewMem()
	inj := CrashAfter(mem, 8) // the final unsynced write of "c"
	if err := crashWorkload(NewFault(mem, inj)); !errors.Is(err, ErrCrashed) {
		t.Fatalf("workload: %v", err)
	}
	if got := inj.Point(); !strings.Contains(got, "write db/wal") {
		t.Fatalf("Point = %q", got)
	}
	wantContents(t, mem, "db/wal", "ab")
	// CrashNow after the crash returns the same state, not a new one.
	if inj.CrashNow() != inj.Crashed() {
		t.Fatal("CrashNow took a second crash")
	}
}

// TestCrashAfterConcurrentAcks checks the property crash tests rely on: a
// Sync that reported success is in the crashed state, even when other
// goroutines were writing and syncing while the crash was taken.
func TestCrashAfterConcurrentAcks(t *testing.T) {
	for n := 20; n <= 400; n += 38 {
		mem := NewMem()
		must(t, mem.MkdirAll("db"))
		const writers = 4
		fsys := NewFault(mem, nil)
		var files [writers]File
		for i := range files {
			f, err := fsys.Create(fmt.Sprintf("db/%d", i))
			must(t, err)
			files[i] = f
		}
		must(t, fsys.SyncDir("db"))
		inj := CrashAfter(mem, n)
		fsys.SetInjector(inj)

		var acked [writers]int
		var wg sync.WaitGroup
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ff := files[i]
				for k := 1; ; k++ {
					if _, err := ff.Write([]byte{'x'}); err != nil {
						return
					}
					if err := ff.Sync(); err != nil {
						return
					}
					acked[i] = k
				}
			}()
		}
		wg.Wait()
		crashed := inj.Crashed()
		if crashed == nil {
			t.Fatalf("n=%d: never crashed", n)
		}
		for i := range writers {
			size, err := crashed.Stat(fmt.Sprintf("db/%d", i))
			must(t, err)
			if size < int64(acked[i]) {
				t.Fatalf("n=%d: writer %d had %d syncs acknowledged, crash kept %d bytes", n, i, acked[i], size)
			}
		}
	}
}
