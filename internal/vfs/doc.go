// Package vfs is the file-system seam of cairn's storage engine. Everything
// below the SQL engine that touches files goes through an FS, and this is the
// only package that calls the os file APIs.
//
// There are three implementations:
//
//   - Default (OS): real files, real fsync, flock(2) for the directory lock.
//   - Mem: an in-memory file system that remembers, separately, what a real
//     disk would have made durable: a file's contents up to its last Sync, and
//     a directory's entries (creations, renames, removals) as of its last
//     SyncDir. Crash drops everything else, as a power failure would.
//   - Fault: a wrapper that injects errors (EIO, ENOSPC, or a simulated crash)
//     on the Nth operation of a kind, for fault and crash tests.
//
// Invariants: files are append-only (File.Write appends); a Sync of a file
// never makes its directory entry durable by itself.
package vfs
