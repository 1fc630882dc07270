package record

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/cairndb/cairn/internal/vfs"
)

// readChunk is the size of the Reader's sequential reads.
const readChunk = 256 << 10

// Reader reads the records of a file in order. It reads the file with
// ReadAt in chunks of 256 KiB (more for a longer record), and only up to
// the size the file had when NewReader was called.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	f    vfs.File
	name string
	size int64 // file size at open

	pos    int64  // offset of the next record
	buf    []byte // file bytes [bufOff, bufOff+len(buf))
	bufOff int64
	err    error // sticky: damage or I/O error
}

// NewReader checks the file header of f and returns a Reader positioned at
// the first record. name is used in error messages only.
//
// If the header is damaged NewReader returns a *CorruptionError, or, for an
// empty file or an incomplete header (see the package documentation), a
// *TornTailError with Offset 0: the log holds no records.
func NewReader(f vfs.File, name string, magic [8]byte) (*Reader, error) {
	size, err := f.Size()
	if err != nil {
		return nil, fmt.Errorf("record: %s: %w", name, err)
	}
	r := &Reader{f: f, name: name, size: size, pos: FileHeaderLen, bufOff: FileHeaderLen}
	want := fileHeader(magic)
	n := min(size, FileHeaderLen)
	var got [FileHeaderLen]byte
	if err := r.readAt(got[:n], 0); err != nil {
		return nil, err
	}
	if n == FileHeaderLen && got == want {
		return r, nil
	}
	if isTornHeader(got[:n], want[:]) {
		reason := "incomplete file header"
		if size == 0 {
			reason = "empty file"
		}
		return nil, r.damaged(0, 1, -1, reason)
	}
	var reason string
	switch {
	case n >= 8 && !bytes.Equal(got[:8], magic[:]):
		reason = fmt.Sprintf("bad magic %q (want %q)", got[:8], magic[:])
	case n < FileHeaderLen:
		reason = fmt.Sprintf("truncated file header (%d bytes)", n)
	case binary.LittleEndian.Uint32(got[12:16]) != crc32.Checksum(got[:12], castagnoli):
		reason = "file header checksum mismatch"
	default:
		reason = fmt.Sprintf("unsupported version %d (want %d)", binary.LittleEndian.Uint32(got[8:12]), Version)
	}
	return nil, &CorruptionError{Name: name, Offset: 0, Reason: reason, ValidAt: -1}
}

// isTornHeader reports whether got, the first bytes of a file, is a prefix
// of the expected header want followed by zeros: what an interrupted write
// of the header can leave behind.
func isTornHeader(got, want []byte) bool {
	i := 0
	for i < len(got) && got[i] == want[i] {
		i++
	}
	for ; i < len(got); i++ {
		if got[i] != 0 {
			return false
		}
	}
	return true
}

// Next returns the next record's payload and the offset of its record
// header. The payload aliases the Reader's buffer and is valid until the
// next call to Next.
//
// At the clean end of the file Next returns io.EOF. On damage it returns a
// *TornTailError (wrapping ErrTornTail) or a *CorruptionError (wrapping
// ikey.ErrCorruption) whose offset is that of the damaged record; errors
// are sticky.
func (r *Reader) Next() (payload []byte, offset int64, err error) {
	if r.err != nil {
		return nil, r.pos, r.err
	}
	pos := r.pos
	if pos == r.size {
		return nil, pos, io.EOF
	}
	if r.size-pos < HeaderLen {
		return nil, pos, r.damaged(pos, pos+1, -1, "incomplete record header")
	}
	if err := r.fill(HeaderLen); err != nil {
		return nil, pos, err
	}
	i := int(pos - r.bufOff)
	sum := binary.LittleEndian.Uint32(r.buf[i:])
	n := int64(binary.LittleEndian.Uint32(r.buf[i+4:]))
	if n > MaxPayloadLen {
		return nil, pos, r.damaged(pos, pos+1, -1, fmt.Sprintf("record length %d exceeds maximum %d", n, MaxPayloadLen))
	}
	if n > r.size-pos-HeaderLen {
		return nil, pos, r.damaged(pos, pos+1, -1, fmt.Sprintf("record length %d extends past end of file", n))
	}
	if err := r.fill(HeaderLen + n); err != nil {
		return nil, pos, err
	}
	i = int(pos - r.bufOff)
	rec := r.buf[i : i+HeaderLen+int(n)]
	if crc32.Checksum(rec[4:], castagnoli) != sum {
		return nil, pos, r.damaged(pos, pos+1, pos+HeaderLen+n, "checksum mismatch")
	}
	r.pos = pos + HeaderLen + n
	return rec[HeaderLen:], pos, nil
}

// zerosToEnd reports whether the file holds only zero bytes from pos on.
func (r *Reader) zerosToEnd(pos int64) (bool, error) {
	var chunk []byte
	for off := pos; off < r.size; {
		n := min(r.size-off, readChunk)
		if int64(cap(chunk)) < n {
			chunk = make([]byte, n)
		}
		if err := r.readAt(chunk[:n], off); err != nil {
			return false, err
		}
		for _, b := range chunk[:n] {
			if b != 0 {
				return false, nil
			}
		}
		off += n
	}
	return true, nil
}

// Offset returns the end of the valid prefix read so far: the offset just
// past the last record returned by Next (FileHeaderLen before the first).
func (r *Reader) Offset() int64 { return r.pos }

// fill makes the buffer hold the n bytes at r.pos; r.pos+n <= r.size.
func (r *Reader) fill(n int64) error {
	end := r.bufOff + int64(len(r.buf))
	if r.pos >= r.bufOff && r.pos+n <= end {
		return nil
	}
	want := min(max(n, readChunk), r.size-r.pos)
	keep := []byte(nil)
	if r.pos >= r.bufOff && r.pos < end {
		keep = r.buf[r.pos-r.bufOff:]
	}
	buf := r.buf
	switch {
	case int64(cap(buf)) < want:
		buf = make([]byte, want)
	case cap(buf) > readChunk && want <= readChunk:
		// Release a buffer grown for one huge record.
		buf = make([]byte, want)
	default:
		buf = buf[:want]
	}
	copy(buf, keep) // may overlap: copy handles it
	if err := r.readAt(buf[len(keep):], r.pos+int64(len(keep))); err != nil {
		r.err = err
		return err
	}
	r.buf, r.bufOff = buf, r.pos
	return nil
}

// readAt reads exactly len(p) bytes at off.
func (r *Reader) readAt(p []byte, off int64) error {
	if len(p) == 0 {
		return nil
	}
	n, err := r.f.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("record: %s: read %d bytes at offset %d: %w", r.name, len(p), off, err)
}

// damaged classifies damage found at pos: a torn tail if no valid record
// starts at or after from, corruption otherwise. hint, if not negative, is
// where the next record would start were only the damaged record's payload
// damaged; it is tried first. damaged records and returns the error.
func (r *Reader) damaged(pos, from, hint int64, reason string) error {
	r.buf = nil
	at := int64(-1)
	var err error
	if hint >= from {
		var ok bool
		if ok, err = r.validAt(hint); ok {
			at = hint
		}
	}
	if at < 0 && err == nil {
		at, err = r.findValid(from)
	}
	switch {
	case err != nil:
		r.err = err
	case at < 0:
		t := &TornTailError{Name: r.name, Offset: pos, Reason: reason}
		if t.Unwritten, err = r.zerosToEnd(pos); err != nil {
			r.err = err
			break
		}
		r.err = t
	default:
		r.err = &CorruptionError{Name: r.name, Offset: pos, Reason: reason, ValidAt: at}
	}
	return r.err
}
