package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
)

// MemFS is an in-memory FS that models what a real disk makes durable, so
// that crash tests can ask "what would survive a power failure right now?".
//
// Each file (inode) has its current data and its synced data: the data it had
// at its last File.Sync. Each directory has its current entries (name to
// inode) and its durable entries: the entries it had at its last SyncDir.
// Create, Rename, Remove and Lock change current entries only. Crash and
// CrashClone keep, for every directory, its durable entries, and for every
// file, its synced data and the length Allocate gave it as of that Sync;
// everything else is lost.
//
// Simplifications, chosen because the engine never depends on them:
//   - Directories are durable as soon as MkdirAll creates them, and removing
//     an empty directory is durable at once. Only file entries need SyncDir.
//   - Each directory reverts independently, so a rename across directories
//     that only one SyncDir covered can leave the file in both or in neither,
//     which real file systems can do too.
//   - A write in flight at a crash is either wholly applied (then lost unless
//     synced) or not at all. Crash and CrashClone drop all unsynced data;
//     CrashCloneTorn keeps an in-order prefix of it, which tears a write
//     part way. Pages persisted out of order (a hole, then later data) are
//     not modelled.
//   - Directories cannot be renamed, opened or synced as files.
//
// Names are cleaned with path.Clean after converting OS separators to slashes,
// so filepath.Join output works. "." and "/" are the roots of two separate
// trees and always exist; every other directory must be made with MkdirAll.
//
// A MemFS is safe for concurrent use; one mutex guards everything.
type MemFS struct {
	mu struct {
		sync.Mutex
		// dirs maps a cleaned directory path to the directory. The inodes it
		// reaches, and their data, are guarded by this mutex too.
		dirs  map[string]*memDir
		locks map[string]*memLock
		// gen counts in-place crashes; a handle from an older generation
		// belongs to a process that "died" and must not touch the new state.
		gen uint64
	}
}

type memInode struct {
	// data is the current contents. Bytes below len(data) are never
	// modified in place once written (handles write at the end; the rare
	// write elsewhere, and truncation, install a fresh slice), which is
	// why synced and crash clones can share the backing array instead of
	// copying it.
	data []byte
	// synced is data as of the last Sync, capacity-clipped so appends to it
	// can never write into shared memory.
	synced []byte
	// alloc is the length Allocate gave the file, reading as zeros past
	// data; syncedAlloc is alloc as of the last Sync (or SyncData: the
	// length is what reading back needs).
	alloc, syncedAlloc int64
}

// size is the file's length: its data, or the space allocated past it.
func (ino *memInode) size() int64 { return max(int64(len(ino.data)), ino.alloc) }

type memDir struct {
	files   map[string]*memInode // current entries
	durable map[string]*memInode // entries as of the last SyncDir
	subdirs map[string]bool      // durable from creation
}

func newMemDir() *memDir {
	return &memDir{
		files:   make(map[string]*memInode),
		durable: make(map[string]*memInode),
		subdirs: make(map[string]bool),
	}
}

// NewMem returns an empty in-memory file system.
func NewMem() *MemFS {
	m := &MemFS{}
	m.mu.dirs = map[string]*memDir{".": newMemDir(), "/": newMemDir()}
	m.mu.locks = make(map[string]*memLock)
	return m
}

var _ FS = (*MemFS)(nil)

func cleanPath(name string) string { return path.Clean(filepath.ToSlash(name)) }

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// dirLocked returns the directory p, or the error os would give for using p
// as a directory: ENOTDIR if it is a file, ENOENT if it does not exist.
func (m *MemFS) dirLocked(op, p string) (*memDir, error) {
	if d := m.mu.dirs[p]; d != nil {
		return d, nil
	}
	if parent := m.mu.dirs[path.Dir(p)]; parent != nil && parent.files[path.Base(p)] != nil {
		return nil, pathErr(op, p, syscall.ENOTDIR)
	}
	return nil, pathErr(op, p, syscall.ENOENT)
}

// parentLocked returns the directory holding p and p's base name.
func (m *MemFS) parentLocked(op, p string) (*memDir, string, error) {
	d, err := m.dirLocked(op, path.Dir(p))
	if err != nil {
		// Name the file the caller asked for, keeping the parent's errno.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, "", pathErr(op, p, pe.Err)
		}
		return nil, "", err
	}
	return d, path.Base(p), nil
}

// Create implements FS. Creating an existing file truncates that same inode,
// as O_TRUNC does: its synced data is untouched until the next Sync.
func (m *MemFS) Create(name string) (File, error) {
	p := cleanPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mu.dirs[p] != nil {
		return nil, pathErr("open", p, syscall.EISDIR)
	}
	d, base, err := m.parentLocked("open", p)
	if err != nil {
		return nil, err
	}
	ino := d.files[base]
	if ino != nil {
		ino.data, ino.alloc = nil, 0
	} else {
		ino = &memInode{}
		d.files[base] = ino
	}
	return &memFile{fs: m, ino: ino, name: p, gen: m.mu.gen, writable: true}, nil
}

// Open implements FS. Unlike os.Open, opening a directory fails with EISDIR.
func (m *MemFS) Open(name string) (File, error) {
	p := cleanPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mu.dirs[p] != nil {
		return nil, pathErr("open", p, syscall.EISDIR)
	}
	d, base, err := m.parentLocked("open", p)
	if err != nil {
		return nil, err
	}
	ino := d.files[base]
	if ino == nil {
		return nil, pathErr("open", p, syscall.ENOENT)
	}
	return &memFile{fs: m, ino: ino, name: p, gen: m.mu.gen}, nil
}

// Rename implements FS for files; renaming a directory fails with EINVAL.
func (m *MemFS) Rename(oldname, newname string) error {
	po, pn := cleanPath(oldname), cleanPath(newname)
	linkErr := func(err error) error {
		// Keep the errno of a failed lookup, but report both names as os does.
		if pe, ok := err.(*fs.PathError); ok {
			err = pe.Err
		}
		return &os.LinkError{Op: "rename", Old: po, New: pn, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mu.dirs[po] != nil {
		return linkErr(syscall.EINVAL)
	}
	sd, so, err := m.parentLocked("rename", po)
	if err != nil {
		return linkErr(err)
	}
	ino := sd.files[so]
	if ino == nil {
		return linkErr(syscall.ENOENT)
	}
	if m.mu.dirs[pn] != nil {
		return linkErr(syscall.EISDIR)
	}
	dd, dn, err := m.parentLocked("rename", pn)
	if err != nil {
		return linkErr(err)
	}
	if po == pn {
		return nil
	}
	dd.files[dn] = ino
	delete(sd.files, so)
	return nil
}

// Remove implements FS. An empty directory can be removed too, durably at
// once (see MemFS).
func (m *MemFS) Remove(name string) error {
	p := cleanPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if d := m.mu.dirs[p]; d != nil {
		if p == "." || p == "/" {
			return pathErr("remove", p, syscall.EBUSY)
		}
		if len(d.files) > 0 || len(d.subdirs) > 0 {
			return pathErr("remove", p, syscall.ENOTEMPTY)
		}
		delete(m.mu.dirs, p)
		delete(m.mu.dirs[path.Dir(p)].subdirs, path.Base(p))
		return nil
	}
	d, base, err := m.parentLocked("remove", p)
	if err != nil {
		return err
	}
	if d.files[base] == nil {
		return pathErr("remove", p, syscall.ENOENT)
	}
	delete(d.files, base)
	return nil
}

// List implements FS.
func (m *MemFS) List(dir string) ([]string, error) {
	p := cleanPath(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.dirLocked("open", p)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(d.files)+len(d.subdirs))
	for n := range d.files {
		names = append(names, n)
	}
	for n := range d.subdirs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// MkdirAll implements FS. New directories are durable immediately.
func (m *MemFS) MkdirAll(dir string) error {
	p := cleanPath(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	var missing []string
	for q := p; m.mu.dirs[q] == nil; q = path.Dir(q) {
		if parent := m.mu.dirs[path.Dir(q)]; parent != nil && parent.files[path.Base(q)] != nil {
			return pathErr("mkdir", q, syscall.ENOTDIR)
		}
		missing = append(missing, q)
	}
	for _, q := range slices.Backward(missing) {
		m.mu.dirs[q] = newMemDir()
		m.mu.dirs[path.Dir(q)].subdirs[path.Base(q)] = true
	}
	return nil
}

// Lock implements FS. The lock is exclusive within this MemFS; it is released
// by Close, and by Crash, since a crash ends the process that held it.
func (m *MemFS) Lock(name string) (io.Closer, error) {
	p := cleanPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mu.dirs[p] != nil {
		return nil, pathErr("lock", p, syscall.EISDIR)
	}
	d, base, err := m.parentLocked("lock", p)
	if err != nil {
		return nil, err
	}
	if m.mu.locks[p] != nil {
		return nil, pathErr("lock", p, ErrLocked)
	}
	if d.files[base] == nil {
		d.files[base] = &memInode{}
	}
	l := &memLock{fs: m, name: p}
	m.mu.locks[p] = l
	return l, nil
}

type memLock struct {
	fs     *MemFS
	name   string
	closed bool // guarded by fs.mu
}

func (l *memLock) Close() error {
	l.fs.mu.Lock()
	defer l.fs.mu.Unlock()
	if l.closed {
		return pathErr("unlock", l.name, fs.ErrClosed)
	}
	l.closed = true
	// After a crash the table may hold a newer holder's lock under the same
	// name; only release our own.
	if l.fs.mu.locks[l.name] == l {
		delete(l.fs.mu.locks, l.name)
	}
	return nil
}

// SyncDir implements FS: the directory's current file entries become its
// durable entries.
func (m *MemFS) SyncDir(dir string) error {
	p := cleanPath(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.dirLocked("sync", p)
	if err != nil {
		return err
	}
	d.durable = maps.Clone(d.files)
	return nil
}

// Stat implements FS. A directory has size 0.
func (m *MemFS) Stat(name string) (int64, error) {
	p := cleanPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mu.dirs[p] != nil {
		return 0, nil
	}
	d, base, err := m.parentLocked("stat", p)
	if err != nil {
		return 0, err
	}
	ino := d.files[base]
	if ino == nil {
		return 0, pathErr("stat", p, syscall.ENOENT)
	}
	return ino.size(), nil
}

// Crash turns m, in place, into what a disk would hold after a power failure
// now: directories keep their durable entries and files their synced data.
// Every File and lock handle obtained before the crash becomes unusable
// (operations fail with ErrCrashed), as the process that held them is gone.
func (m *MemFS) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mu.dirs = m.crashedDirsLocked(nil)
	m.mu.locks = make(map[string]*memLock)
	m.mu.gen++
}

// CrashClone returns a new MemFS holding what would survive a power failure
// now, leaving m untouched. It is safe to call while other goroutines use m;
// the snapshot is taken between two of their operations.
func (m *MemFS) CrashClone() *MemFS {
	return m.CrashCloneTorn(nil)
}

// CrashCloneTorn is CrashClone for a disk that had written part of the
// unsynced appends when the power failed: for each file that grew since its
// last Sync, tail(name, n) chooses how many of the n unsynced bytes survive
// (clamped to 0..n). It models appends reaching the platter in order; a
// nil tail keeps none, like CrashClone.
func (m *MemFS) CrashCloneTorn(tail func(name string, unsynced int) int) *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := NewMem()
	c.mu.dirs = m.crashedDirsLocked(tail)
	return c
}

// crashedDirsLocked builds the post-crash directory tree from fresh inodes, so
// nothing done through old handles or the old tree can reach it.
func (m *MemFS) crashedDirsLocked(tail func(name string, unsynced int) int) map[string]*memDir {
	// One new inode per old inode, so names that shared an inode (a rename
	// across directories) still share it.
	inodes := make(map[*memInode]*memInode)
	dirs := make(map[string]*memDir, len(m.mu.dirs))
	for p, d := range m.mu.dirs {
		nd := newMemDir()
		maps.Copy(nd.subdirs, d.subdirs)
		for name, ino := range d.durable {
			ni := inodes[ino]
			if ni == nil {
				s := ino.synced[:len(ino.synced):len(ino.synced)]
				// Appends since the last Sync extend the synced bytes (a
				// truncating Create does not): a prefix of them may survive.
				if n := len(ino.data) - len(s); tail != nil && n > 0 && len(s) <= cap(ino.data) && bytes.Equal(ino.data[:len(s)], s) {
					keep := min(max(tail(path.Join(p, name), n), 0), n)
					s = ino.data[: len(s)+keep : len(s)+keep]
				}
				ni = &memInode{data: s, synced: s, alloc: ino.syncedAlloc, syncedAlloc: ino.syncedAlloc}
				inodes[ino] = ni
			}
			nd.files[name] = ni
			nd.durable[name] = ni
		}
		dirs[p] = nd
	}
	return dirs
}

// memFile is a handle on an inode. Its fields are immutable except closed
// and off, which fs.mu guards.
type memFile struct {
	fs       *MemFS
	ino      *memInode
	name     string
	gen      uint64
	writable bool
	closed   bool
	off      int64 // where the next Write goes
}

func (f *memFile) checkLocked(op string) error {
	if f.closed {
		return pathErr(op, f.name, fs.ErrClosed)
	}
	if f.gen != f.fs.mu.gen {
		return pathErr(op, f.name, ErrCrashed)
	}
	return nil
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked("read"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathErr("readat", f.name, errors.New("negative offset"))
	}
	if len(p) == 0 {
		return 0, nil
	}
	data := f.ino.data
	size := f.ino.size()
	if off >= size {
		return 0, io.EOF
	}
	n := 0
	if off < int64(len(data)) {
		n = copy(p, data[off:])
	}
	// Past the data, allocated space reads as zeros.
	z := min(int64(len(p)), size-off) - int64(n)
	clear(p[n : n+int(z)])
	n += int(z)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked("write"); err != nil {
		return 0, err
	}
	if !f.writable {
		return 0, pathErr("write", f.name, syscall.EBADF)
	}
	if len(p) == 0 {
		// As write(2) of nothing to a regular file: no effect, even at an
		// offset past the end (the file truncated under this handle),
		// which a write of something would fill with zeros up to.
		return 0, nil
	}
	// At the handle's offset, as a file descriptor writes: after what it
	// wrote, whatever another handle did to the file since.
	data := f.ino.data
	switch {
	case f.off == int64(len(data)):
		data = append(data, p...)
	default:
		// Past the end (the file was truncated under this handle) or
		// over written bytes: a fresh array, for synced data and crash
		// clones share the old one.
		nd := make([]byte, max(int64(len(data)), f.off+int64(len(p))))
		copy(nd, data)
		copy(nd[f.off:], p)
		data = nd
	}
	f.ino.data = data
	f.off += int64(len(p))
	return len(p), nil
}

func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked("sync"); err != nil {
		return err
	}
	d := f.ino.data
	f.ino.synced = d[:len(d):len(d)]
	f.ino.syncedAlloc = f.ino.alloc
	return nil
}

// SyncData implements File: as Sync, for the data and the length are all
// this file system keeps.
func (f *memFile) SyncData() error { return f.Sync() }

// Allocate implements File. The allocated length is durable at the next
// Sync or SyncData.
func (f *memFile) Allocate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked("allocate"); err != nil {
		return err
	}
	if size <= f.ino.size() {
		return nil // as the OS's: long enough, nothing to do
	}
	if !f.writable {
		return pathErr("allocate", f.name, syscall.EBADF)
	}
	f.ino.alloc = max(f.ino.alloc, size)
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkLocked("stat"); err != nil {
		return 0, err
	}
	return f.ino.size(), nil
}

// Close releases the handle. It succeeds on a handle from before a crash:
// tearing down a crashed engine must not need special cases.
func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return pathErr("close", f.name, fs.ErrClosed)
	}
	f.closed = true
	return nil
}
