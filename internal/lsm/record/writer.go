package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/vfs"
)

// maxRetainedBuf is the largest buffer a Writer keeps after a flush; a
// buffer grown beyond it for one huge record is released.
const maxRetainedBuf = 4 << 20

// Writer appends framed records to a file. Records are buffered in memory
// by Add and written by Flush with a single Write call, so that a group
// commit of many records costs one write and one fsync.
//
// A Writer is not safe for concurrent use. After a failed Write or Sync the
// Writer is unusable: the file's tail is in an unknown state (and a failed
// fsync cannot be retried safely), so every later call returns the error.
type Writer struct {
	f   vfs.File
	buf []byte
	// held are the parts written before buf[cut:] by the next Flush:
	// buffered headers and the payloads AddNoCopy took without copying,
	// in file order; heldLen is their length.
	held    [][]byte
	cut     int
	heldLen int64
	written int64 // bytes written to f
	err     error // sticky write or sync error
	closed  bool
	// chunk, if not 0, is the step in which the file's space is
	// allocated ahead of the writes (Preallocate); allocated is how far.
	chunk, allocated int64
	// behind is the sync SyncBehind runs in the background: err holds
	// its failure, which every later call reports.
	behind struct {
		wg      sync.WaitGroup
		running atomic.Bool
		err     atomic.Pointer[error]
	}
}

var errClosed = errors.New("record: writer closed")

// NewWriter writes the file header to f, which must be empty, and returns a
// Writer that appends records after it. The header is written but not
// synced; the first Sync makes it durable together with the first records.
func NewWriter(f vfs.File, magic [8]byte) (*Writer, error) {
	size, err := f.Size()
	if err != nil {
		return nil, fmt.Errorf("record: new writer: %w", err)
	}
	if size != 0 {
		return nil, fmt.Errorf("record: new writer: file is not empty (%d bytes)", size)
	}
	h := fileHeader(magic)
	n, err := f.Write(h[:])
	if err == nil && n != len(h) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return nil, fmt.Errorf("record: write file header: %w", err)
	}
	return &Writer{f: f, written: FileHeaderLen}, nil
}

// Preallocate makes the Writer reserve the file's space ahead of its
// writes, chunk bytes at a time (vfs.File.Allocate). A synced write inside
// reserved space changes neither the file's size nor its extents, so the
// sync writes no metadata: on ext4 a synced commit then takes about a third
// less time. The file then ends in zeros, which a Reader reports as a torn
// tail marked Unwritten.
func (w *Writer) Preallocate(chunk int64) { w.chunk = chunk }

// Add appends one record carrying payload to the in-memory buffer. The
// payload is copied; it is written to the file by the next Flush or Sync.
// Add fails only for a payload longer than MaxPayloadLen (ErrTooLarge) or
// after an earlier write error.
func (w *Writer) Add(payload []byte) error {
	if err := w.appendHeader(payload); err != nil {
		return err
	}
	w.buf = append(w.buf, payload...)
	return nil
}

// appendHeader checks payload and appends the header of its record (the
// CRC of its length and bytes, then its length) to the buffer.
func (w *Writer) appendHeader(payload []byte) error {
	if w.failed() {
		return w.err
	}
	if len(payload) > MaxPayloadLen {
		return fmt.Errorf("%w: %d bytes (max %d)", ErrTooLarge, len(payload), MaxPayloadLen)
	}
	// In the buffer, not in an array of its own: one handed to crc32
	// would escape, an allocation a record.
	start := len(w.buf)
	w.buf = append(w.buf, 0, 0, 0, 0, 0, 0, 0, 0)
	h := w.buf[start:]
	binary.LittleEndian.PutUint32(h[4:8], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[0:4], crc32.Update(crc32.Checksum(h[4:8], castagnoli), castagnoli, payload))
	return nil
}

// noCopyMin is the smallest payload AddNoCopy leaves in place: copying
// a smaller one costs less than the extra Write call it saves.
const noCopyMin = 64 << 10

// AddNoCopy is Add for a payload the caller leaves unchanged until the
// next Flush, Sync or Close returns: a large one is written from where
// it is, not copied into the buffer. A commit of a large batch (an fts
// merge's writes megabytes at once) would otherwise copy it into a
// buffer grown for it and then released, memory fresh to the process each
// time, whose first touch is the dear part of the copy.
func (w *Writer) AddNoCopy(payload []byte) error {
	if len(payload) < noCopyMin {
		return w.Add(payload)
	}
	if err := w.appendHeader(payload); err != nil {
		return err
	}
	// buf[cut:] may move when buf grows later; the part held here keeps
	// the array it is in, whose bytes no later append changes.
	w.held = append(w.held, w.buf[w.cut:len(w.buf):len(w.buf)], payload)
	w.heldLen += int64(len(w.buf)-w.cut) + int64(len(payload))
	w.cut = len(w.buf)
	return nil
}

// Flush writes every buffered record with one Write call (and one more
// for each payload AddNoCopy left in place). It does not sync.
func (w *Writer) Flush() error {
	if w.failed() {
		return w.err
	}
	end := w.Size()
	if end == w.written {
		return nil
	}
	if w.chunk > 0 && end > w.allocated {
		next := (end/w.chunk + 1) * w.chunk
		if err := w.f.Allocate(next); err != nil {
			w.err = fmt.Errorf("record: allocate: %w", err)
			return w.err
		}
		w.allocated = next
	}
	for _, p := range w.held {
		if err := w.write(p); err != nil {
			return err
		}
	}
	if err := w.write(w.buf[w.cut:]); err != nil {
		return err
	}
	clear(w.held) // the payloads are the caller's again
	w.held, w.cut, w.heldLen = w.held[:0], 0, 0
	if cap(w.buf) > maxRetainedBuf {
		w.buf = nil
	} else {
		w.buf = w.buf[:0]
	}
	return nil
}

// write writes p at the end of the file; a failure is sticky.
func (w *Writer) write(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	n, err := w.f.Write(p)
	if err == nil && n != len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("record: write: %w", err)
		return w.err
	}
	w.written += int64(n)
	return nil
}

// Sync flushes the buffered records and makes everything written durable
// (vfs.File.SyncData: what reading the records back needs).
func (w *Writer) Sync() error {
	if err := w.Flush(); err != nil {
		return err
	}
	// A sync behind that failed may have taken the file's error with
	// it (the kernel reports a writeback error once): wait for it and
	// look, not only at what this sync returns.
	w.behind.wg.Wait()
	if w.failed() {
		return w.err
	}
	if err := w.f.SyncData(); err != nil {
		w.err = fmt.Errorf("record: sync: %w", err)
		return w.err
	}
	return nil
}

// SyncBehind starts a sync of what is written so far, in the background,
// unless the one it started last is still running. A writer that syncs
// rarely (unsynced commits: the WAL is synced when it is switched for a
// new one, which holds up the commits) calls it every few megabytes, so
// that the kernel writes the log out as it grows (as RocksDB's
// wal_bytes_per_sync does) and a sync that must be waited for finds
// little left to do. A failure is the writer's, as Sync's would be: every
// later call returns it.
func (w *Writer) SyncBehind() {
	if w.failed() || w.closed || !w.behind.running.CompareAndSwap(false, true) {
		return
	}
	w.behind.wg.Add(1)
	go func() {
		defer w.behind.wg.Done()
		defer w.behind.running.Store(false)
		if err := w.f.SyncData(); err != nil {
			e := fmt.Errorf("record: sync behind: %w", err)
			w.behind.err.Store(&e)
		}
	}()
}

// failed reports whether the writer is unusable (w.err), taking in a
// failure of a sync behind.
func (w *Writer) failed() bool {
	if w.err == nil {
		if e := w.behind.err.Load(); e != nil {
			w.err = *e
		}
	}
	return w.err != nil
}

// Size returns the length the file will have once the buffered records are
// flushed: the file header, every record written, and every record
// buffered. It is also the offset at which the next Add's record starts.
func (w *Writer) Size() int64 { return w.written + w.heldLen + int64(len(w.buf)-w.cut) }

// Close flushes the buffered records and closes the file. It does not sync:
// call Sync first if the records must be durable.
func (w *Writer) Close() error {
	if w.closed {
		return errClosed
	}
	w.closed = true
	// A running sync behind uses the file, and its failure is the
	// writer's: wait for it before flushing, which reports it.
	w.behind.wg.Wait()
	err := w.Flush()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("record: close: %w", cerr)
	}
	w.buf, w.held = nil, nil // after a failed flush, held keeps callers' payloads
	if w.err == nil {
		w.err = errClosed
	}
	return err
}
