// Package vfs is the file-system seam of cairn's storage engine. Everything
// below the SQL engine that touches files goes through an FS, and this is the
// only package that calls the os file APIs.
//
// There are three implementations:
//
//   - Default (OS()): real files, real fsync, flock(2) for the directory
//     lock. Create opens O_RDWR|O_CREATE|O_TRUNC|O_APPEND. Lock fails with an
//     error wrapping ErrLocked ("locked by another process") when the lock is
//     held, even by another Lock in the same process, since flock locks
//     belong to the open file description. SyncDir opens the directory and
//     fsyncs it. Lock needs flock: Linux, the BSDs and macOS. Its files
//     are ReadMappers there: MapReads maps a file read-only, and
//     ReadMapped then copies from the mapping instead of calling pread,
//     counting the copies in progress so that Close unmaps only after
//     them, and turning a fault (the file truncated under the mapping, a
//     disk error) into an error wrapping EIO (debug.SetPanicOnFault).
//     Mapped hands the mapping's bytes to a caller that reads them in
//     place and answers for their lifetime: Close unmaps them unless
//     KeepMapping was called.
//   - Mem (NewMem): an in-memory file system that remembers, separately, what
//     a real disk would have made durable: a file's contents up to its last
//     Sync, and a directory's file entries (creations, renames, removals) as
//     of its last SyncDir. Crash (in place) and CrashClone (a copy) drop
//     everything else, as a power failure would; handles from before an
//     in-place Crash fail with ErrCrashed. Directories themselves are durable
//     as soon as MkdirAll makes them. See MemFS for the exact model.
//   - Fault (NewFault): a wrapper that asks an Injector before every
//     operation and fails it with the injector's error instead of performing
//     it. OnNth fails the Nth operation of a kind (once, or Sticky: from then
//     on) with ErrInjectedEIO, ErrInjectedENOSPC or any error; Counter counts
//     operations by kind; CrashAfter simulates a power failure at the Nth
//     mutating operation of a MemFS, keeping the crashed state for the test.
//
// # Crash tests
//
// Run the workload once through NewFault(NewMem(), counter) to learn
// counter.Mutating(), the number of crash points. For each n in 1..that
// number, run it again on a fresh MemFS through CrashAfter(mem, n); the
// workload sees ErrCrashed from the n-th mutating operation on, and
// Crashed() holds what a disk would have kept had power failed just before
// that operation. Reopen the store on it and check that every acknowledged
// (synced) write is there. An operation running concurrently with the crash
// also reports ErrCrashed, so a write is never acknowledged unless the crashed
// state holds it.
//
// ReadFile and WriteFile are conveniences for tests and tools over any FS.
//
// Invariants: files are written in order (File.Write goes on where the
// handle's last write ended, which is the end of the file unless Allocate
// reserved space past it; only Create truncates); a Sync of a file never makes its directory entry durable by
// itself. Errors wrap the underlying cause with %w and name the path; errors
// from Mem and injected errors carry the errno a real file system would give
// (syscall.ENOENT, EIO, ENOSPC, ...), so errors.Is works the same on all
// three.
package vfs
