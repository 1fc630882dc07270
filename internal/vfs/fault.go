package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// OpKind names a kind of file-system operation, for fault injection.
type OpKind int

// The operation kinds a FaultFS reports to its Injector. File.ReadAt is
// OpRead, File.Write and File.Allocate OpWrite, File.Sync and
// File.SyncData OpSync, and File.Size OpStat, like FS.Stat. File.Close and the Close of a lock are never injected: cleanup
// after a failure must always be possible.
const (
	OpCreate OpKind = iota + 1
	OpOpen
	OpRead
	OpWrite
	OpSync
	OpRename
	OpRemove
	OpList
	OpMkdir
	OpLock
	OpSyncDir
	OpStat
	numOpKinds
)

var opNames = [numOpKinds]string{
	OpCreate:  "create",
	OpOpen:    "open",
	OpRead:    "read",
	OpWrite:   "write",
	OpSync:    "sync",
	OpRename:  "rename",
	OpRemove:  "remove",
	OpList:    "list",
	OpMkdir:   "mkdir",
	OpLock:    "lock",
	OpSyncDir: "syncdir",
	OpStat:    "stat",
}

// String returns the kind's name, which is also the Op of injected errors.
func (k OpKind) String() string {
	if k > 0 && k < numOpKinds {
		return opNames[k]
	}
	return fmt.Sprintf("OpKind(%d)", int(k))
}

// Mutating reports whether an operation of this kind can change what is on
// disk, which makes it a crash point: create, write, sync, rename, remove,
// syncdir and mkdir. Lock creates its file too but its contents never matter.
func (k OpKind) Mutating() bool {
	switch k {
	case OpCreate, OpWrite, OpSync, OpRename, OpRemove, OpSyncDir, OpMkdir:
		return true
	}
	return false
}

// OpKinds returns every operation kind, for tests that enumerate them.
func OpKinds() []OpKind {
	kinds := make([]OpKind, 0, numOpKinds-1)
	for k := OpKind(1); k < numOpKinds; k++ {
		kinds = append(kinds, k)
	}
	return kinds
}

// Injector decides, before each operation of a FaultFS, whether it fails.
// MaybeInject is called with the kind and the name as the caller passed it,
// uncleaned (the old name, for a rename; the name the file was opened with,
// for a File method). A non-nil error is returned to the caller, wrapped with the
// operation and path, and the operation is not performed. Injectors are
// called from many goroutines at once and must be safe for that.
type Injector interface {
	MaybeInject(op OpKind, name string) error
}

// AfterInjector is an Injector that also sees each operation after it ran,
// with its result. A non-nil return replaces the result. CrashInjector uses
// it so that an operation that was in flight when the crash was taken never
// reports success: otherwise a concurrent Sync could be acknowledged to the
// caller although the crashed state does not hold it.
type AfterInjector interface {
	Injector
	AfterOp(op OpKind, name string, err error) error
}

// InjectorFunc adapts a function to the Injector interface.
type InjectorFunc func(op OpKind, name string) error

// MaybeInject calls f.
func (f InjectorFunc) MaybeInject(op OpKind, name string) error { return f(op, name) }

// Chain returns an Injector that calls every injector in order, each time,
// and returns the first error. All are called even after one fails so that
// counters stay exact.
func Chain(injs ...Injector) Injector { return chain(injs) }

type chain []Injector

func (c chain) MaybeInject(op OpKind, name string) error {
	var first error
	for _, inj := range c {
		if err := inj.MaybeInject(op, name); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (c chain) AfterOp(op OpKind, name string, err error) error {
	var first error
	for _, inj := range c {
		if a, ok := inj.(AfterInjector); ok {
			if aerr := a.AfterOp(op, name, err); aerr != nil && first == nil {
				first = aerr
			}
		}
	}
	return first
}

// FaultFS wraps an FS and consults an Injector before every operation.
type FaultFS struct {
	inner FS
	inj   atomic.Pointer[Injector]
}

var _ FS = (*FaultFS)(nil)

// NewFault returns an FS that performs operations on inner unless inj fails
// them. A nil inj injects nothing.
func NewFault(inner FS, inj Injector) *FaultFS {
	f := &FaultFS{inner: inner}
	f.SetInjector(inj)
	return f
}

// SetInjector replaces the injector, e.g. to open a store cleanly and only
// then start failing operations. It is safe to call concurrently with
// operations; an operation in progress keeps the injector it started with.
func (f *FaultFS) SetInjector(inj Injector) {
	if inj == nil {
		f.inj.Store(nil)
		return
	}
	f.inj.Store(&inj)
}

// Inner returns the wrapped FS.
func (f *FaultFS) Inner() FS { return f.inner }

// do runs fn as operation op on name unless the injector fails it. injected
// reports that err came from the injector rather than from fn.
func (f *FaultFS) do(op OpKind, name string, fn func() error) (injected bool, err error) {
	p := f.inj.Load()
	if p == nil {
		return false, fn()
	}
	inj := *p
	if err := inj.MaybeInject(op, name); err != nil {
		return true, injectedErr(op, name, err)
	}
	err = fn()
	if a, ok := inj.(AfterInjector); ok {
		if aerr := a.AfterOp(op, name, err); aerr != nil {
			return true, injectedErr(op, name, aerr)
		}
	}
	return false, err
}

// run is do for callers that do not care where the error came from.
func (f *FaultFS) run(op OpKind, name string, fn func() error) error {
	_, err := f.do(op, name, fn)
	return err
}

func injectedErr(op OpKind, name string, err error) error {
	return &fs.PathError{Op: op.String(), Path: name, Err: err}
}

// Create implements FS as operation OpCreate.
func (f *FaultFS) Create(name string) (File, error) {
	var file File
	err := f.run(OpCreate, name, func() (err error) {
		file, err = f.inner.Create(name)
		return err
	})
	return f.wrapFile(file, name, err)
}

// Open implements FS as operation OpOpen.
func (f *FaultFS) Open(name string) (File, error) {
	var file File
	err := f.run(OpOpen, name, func() (err error) {
		file, err = f.inner.Open(name)
		return err
	})
	return f.wrapFile(file, name, err)
}

func (f *FaultFS) wrapFile(file File, name string, err error) (File, error) {
	if err != nil {
		// The inner open may have succeeded before an AfterInjector
		// overrode the result; do not leak its handle.
		if file != nil {
			file.Close()
		}
		return nil, err
	}
	return &faultFile{fs: f, f: file, name: name}, nil
}

// Rename implements FS as operation OpRename.
func (f *FaultFS) Rename(oldname, newname string) error {
	injected, err := f.do(OpRename, oldname, func() error { return f.inner.Rename(oldname, newname) })
	if injected {
		// Report both names, as a real rename does.
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: errors.Unwrap(err)}
	}
	return err
}

// Remove implements FS as operation OpRemove.
func (f *FaultFS) Remove(name string) error {
	return f.run(OpRemove, name, func() error { return f.inner.Remove(name) })
}

// List implements FS as operation OpList.
func (f *FaultFS) List(dir string) ([]string, error) {
	var names []string
	err := f.run(OpList, dir, func() (err error) {
		names, err = f.inner.List(dir)
		return err
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// MkdirAll implements FS as operation OpMkdir.
func (f *FaultFS) MkdirAll(dir string) error {
	return f.run(OpMkdir, dir, func() error { return f.inner.MkdirAll(dir) })
}

// Lock implements FS as operation OpLock.
func (f *FaultFS) Lock(name string) (io.Closer, error) {
	var l io.Closer
	err := f.run(OpLock, name, func() (err error) {
		l, err = f.inner.Lock(name)
		return err
	})
	if err != nil {
		if l != nil {
			l.Close()
		}
		return nil, err
	}
	return l, nil
}

// SyncDir implements FS as operation OpSyncDir.
func (f *FaultFS) SyncDir(dir string) error {
	return f.run(OpSyncDir, dir, func() error { return f.inner.SyncDir(dir) })
}

// Stat implements FS as operation OpStat.
func (f *FaultFS) Stat(name string) (int64, error) {
	var size int64
	err := f.run(OpStat, name, func() (err error) {
		size, err = f.inner.Stat(name)
		return err
	})
	if err != nil {
		return 0, err
	}
	return size, nil
}

type faultFile struct {
	fs   *FaultFS
	f    File
	name string
}

func (ff *faultFile) ReadAt(p []byte, off int64) (n int, err error) {
	err = ff.fs.run(OpRead, ff.name, func() (err error) {
		n, err = ff.f.ReadAt(p, off)
		return err
	})
	return n, err
}

// Write reports 0 bytes written when the injector fails it, even if an
// AfterInjector overrode a write that did happen: the caller must treat the
// data as not written, which is the pessimistic truth after a crash.
func (ff *faultFile) Write(p []byte) (n int, err error) {
	injected, err := ff.fs.do(OpWrite, ff.name, func() (err error) {
		n, err = ff.f.Write(p)
		return err
	})
	if injected {
		n = 0
	}
	return n, err
}

func (ff *faultFile) Sync() error {
	return ff.fs.run(OpSync, ff.name, ff.f.Sync)
}

// SyncData is an operation of kind OpSync.
func (ff *faultFile) SyncData() error {
	return ff.fs.run(OpSync, ff.name, ff.f.SyncData)
}

// Allocate is an operation of kind OpWrite: it changes the file.
func (ff *faultFile) Allocate(size int64) error {
	return ff.fs.run(OpWrite, ff.name, func() error { return ff.f.Allocate(size) })
}

func (ff *faultFile) Size() (size int64, err error) {
	err = ff.fs.run(OpStat, ff.name, func() (err error) {
		size, err = ff.f.Size()
		return err
	})
	return size, err
}

func (ff *faultFile) Close() error { return ff.f.Close() }

// NthInjector fails the n-th operation of one kind, counting from 1, and by
// default only that one. Made Sticky, it fails that one and every later
// operation of the kind, which models a disk that has gone bad or full.
type NthInjector struct {
	kind OpKind
	n    int
	err  error
	mu   struct {
		sync.Mutex
		sticky bool
		seen   int
		fired  int
	}
}

// OnNth returns an injector that fails the n-th operation of kind with err.
func OnNth(kind OpKind, n int, err error) *NthInjector {
	return &NthInjector{kind: kind, n: n, err: err}
}

// Sticky makes the injector fail every operation of its kind from the n-th
// on, and returns it.
func (i *NthInjector) Sticky() *NthInjector {
	i.mu.Lock()
	i.mu.sticky = true
	i.mu.Unlock()
	return i
}

// MaybeInject implements Injector.
func (i *NthInjector) MaybeInject(op OpKind, name string) error {
	if op != i.kind {
		return nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.mu.seen++
	if i.mu.seen == i.n || (i.mu.sticky && i.mu.seen > i.n) {
		i.mu.fired++
		return i.err
	}
	return nil
}

// Fired returns how many operations the injector has failed.
func (i *NthInjector) Fired() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.mu.fired
}

// Counter is an Injector that fails nothing and counts operations by kind.
// Run a workload once through a Counter to learn how many positions there
// are, then rerun it failing or crashing at each one.
type Counter struct {
	mu struct {
		sync.Mutex
		counts [numOpKinds]int
	}
}

// NewCounter returns a Counter with all counts zero.
func NewCounter() *Counter { return &Counter{} }

// MaybeInject implements Injector; it always returns nil.
func (c *Counter) MaybeInject(op OpKind, name string) error {
	if op <= 0 || op >= numOpKinds {
		return nil
	}
	c.mu.Lock()
	c.mu.counts[op]++
	c.mu.Unlock()
	return nil
}

// Count returns how many operations of kind were seen.
func (c *Counter) Count(kind OpKind) int {
	if kind <= 0 || kind >= numOpKinds {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.counts[kind]
}

// Mutating returns how many operations of mutating kinds (see
// OpKind.Mutating) were seen: the number of crash points for CrashAfter.
func (c *Counter) Mutating() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for k, n := range c.mu.counts {
		if OpKind(k).Mutating() {
			total += n
		}
	}
	return total
}

// Total returns how many operations were seen.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for _, n := range c.mu.counts {
		total += n
	}
	return total
}

// CrashInjector simulates a power failure at the n-th mutating operation (see
// OpKind.Mutating), counting from 1, of a FaultFS over mem. When that
// operation is reached it takes mem.CrashClone(), so the crashed state holds
// the effects of the first n-1 mutating operations and not of the n-th, and
// from then on fails every operation of every kind with ErrCrashed. mem itself
// is left as it was, so a test can compare the two.
//
// To crash at every point of a workload: run it once through a Counter,
// then for n from 1 to Counter.Mutating() rerun it on a fresh MemFS with
// NewFault(mem, CrashAfter(mem, n)), reopen the store on Crashed() and check
// it. CrashNow covers the point after the last operation.
type CrashInjector struct {
	mem  *MemFS
	n    int
	tail func(name string, unsynced int) int // guarded by mu
	mu   struct {
		sync.Mutex
		seen    int
		crashed *MemFS
		op      OpKind
		name    string
	}
}

// CrashAfter returns an injector that crashes mem at its n-th mutating
// operation; n < 1 is taken as 1.
func CrashAfter(mem *MemFS, n int) *CrashInjector {
	return &CrashInjector{mem: mem, n: max(n, 1)}
}

// MaybeInject implements Injector.
func (c *CrashInjector) MaybeInject(op OpKind, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.crashed != nil {
		return ErrCrashed
	}
	if !op.Mutating() {
		return nil
	}
	c.mu.seen++
	if c.mu.seen < c.n {
		return nil
	}
	c.crashLocked(op, name)
	return ErrCrashed
}

// AfterOp implements AfterInjector: an operation still running when the
// crash was taken reports ErrCrashed, whether or not its effect made it into
// the crashed state, exactly as a process killed mid-syscall never learns.
func (c *CrashInjector) AfterOp(op OpKind, name string, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.crashed != nil {
		return ErrCrashed
	}
	return nil
}

// TornTails makes the crash keep part of each file's unsynced appends, as
// chosen by tail (see MemFS.CrashCloneTorn). It returns c.
func (c *CrashInjector) TornTails(tail func(name string, unsynced int) int) *CrashInjector {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tail = tail
	return c
}

func (c *CrashInjector) crashLocked(op OpKind, name string) {
	c.mu.crashed = c.mem.CrashCloneTorn(c.tail)
	c.mu.op, c.mu.name = op, name
}

// CrashNow crashes at once if the injector has not crashed yet, and returns
// the crashed state.
func (c *CrashInjector) CrashNow() *MemFS {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.crashed == nil {
		c.crashLocked(0, "")
	}
	return c.mu.crashed
}

// Crashed returns the crashed state, or nil if the crash point has not been
// reached.
func (c *CrashInjector) Crashed() *MemFS {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.crashed
}

// Point describes where the crash happened, for test failure messages: the
// operation that did not happen and its name, or "CrashNow".
func (c *CrashInjector) Point() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.mu.crashed == nil:
		return "not crashed"
	case c.mu.op == 0:
		return "CrashNow"
	}
	return fmt.Sprintf("%s %s (mutating op %d)", c.mu.op, c.mu.name, c.n)
}
