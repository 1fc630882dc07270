package vfs

import (
	"io"
)

// File is an open file. Writes always append at the end of the file: the
// engine never rewrites bytes in place, which is what lets the in-memory
// twin model durability precisely.
type File interface {
	io.ReaderAt
	// Write appends p after what the file's writes have written so far:
	// at its end, unless Allocate reserved space past it.
	io.Writer
	// Sync makes everything written so far durable (fsync). It does not make
	// the file's directory entry durable: that needs FS.SyncDir.
	Sync() error
	// SyncData is Sync for the data and what metadata reading it back
	// needs (fdatasync): what only Sync adds (times) may stay behind.
	SyncData() error
	// Allocate makes the file at least size bytes long, the new bytes
	// reading as zeros, reserving their space on the disk where the file
	// system can: writes within it then change neither the file's size nor
	// its extents, and syncing them writes no metadata. Write still goes
	// on where the last write ended. A log written so ends in zeros.
	Allocate(size int64) error
	// Size returns the current length of the file.
	Size() (int64, error)
	io.Closer
}

// FS is the file system seam of the storage engine. Names are slash or OS
// separated paths; implementations clean them.
type FS interface {
	// Create creates the named file, truncating it if it exists, open for
	// reading and appending.
	Create(name string) (File, error)
	// Open opens the named file read-only.
	Open(name string) (File, error)
	// Rename atomically replaces newname with oldname.
	Rename(oldname, newname string) error
	// Remove deletes the named file.
	Remove(name string) error
	// List returns the names (not paths) of the entries of dir, sorted.
	List(dir string) ([]string, error)
	// MkdirAll creates dir and any missing parents.
	MkdirAll(dir string) error
	// Lock takes an exclusive lock on the named file, creating it if needed,
	// so that two processes cannot open the same store. Closing the returned
	// Closer releases it.
	Lock(name string) (io.Closer, error)
	// SyncDir makes the directory's entries (creations, renames, removals)
	// durable.
	SyncDir(dir string) error
	// Stat reports whether name exists and its size.
	Stat(name string) (size int64, err error)
}

// ReadMapper is implemented by files whose reads can be served from a
// read-only memory mapping of the file (real files, where the system has
// mmap). A read from the page cache then costs a copy, not a system call:
// a third of a 4 KiB pread on the machines measured.
//
// ReadMapped copies out of the mapping under a guard: Close unmaps it
// only once the copies in progress are done, and a fault while copying
// (the file truncated under the mapping, a disk error) is returned as an
// error rather than crashing the process. Mapped hands out the mapping
// itself, to a caller that answers for the lifetime of what it reads.
type ReadMapper interface {
	// MapReads maps the file's first size bytes. The file must not be
	// written while it is mapped (tables are immutable once written).
	// Call it before the file is shared; an error leaves reads to ReadAt.
	MapReads(size int64) error
	// ReadMapped is ReadAt, served from the mapping when it covers
	// [off, off+len(p)) and by ReadAt otherwise.
	ReadMapped(p []byte, off int64) (int, error)
	// Mapped returns the mapping's bytes (nil without one), for a
	// caller that reads them in place rather than copying. They stay
	// valid until Close unmaps them: the caller must know that nothing
	// uses them by then, or call KeepMapping first. A fault while they
	// are read (the file truncated under the mapping) is not an error
	// but the process's end, as with any memory-mapped database file.
	Mapped() []byte
	// KeepMapping makes Close leave the mapping in place, for when its
	// bytes may still be in use: it then lasts as long as the process.
	KeepMapping()
}
