package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

const (
	// FileHeaderLen is the length of the file header.
	FileHeaderLen = 16
	// HeaderLen is the length of a record header (checksum and length).
	HeaderLen = 8
	// Version is the format version written in the file header.
	Version = 1
	// MaxPayloadLen is the largest payload a record may carry. Longer
	// lengths read from a file are damage.
	MaxPayloadLen = 1 << 30
)

// Magic numbers of the logs that use this framing.
var (
	WALMagic      = [8]byte{'c', 'a', 'i', 'r', 'n', 'w', 'a', 'l'}
	ManifestMagic = [8]byte{'c', 'a', 'i', 'r', 'n', 'm', 'a', 'n'}
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrTornTail is wrapped by the error a Reader returns when a log ends in an
// unfinished write (see TornTailError).
var ErrTornTail = errors.New("torn tail")

// ErrTooLarge is returned by Writer.Add for a payload longer than
// MaxPayloadLen.
var ErrTooLarge = errors.New("record: payload too large")

// TornTailError reports that a log ends in an unfinished write: the records
// before Offset are valid, and nothing valid follows. Recovery keeps
// [0, Offset) and discards the rest. Offset 0 means even the file header is
// incomplete, so the log holds no records.
type TornTailError struct {
	Name   string // file name
	Offset int64  // end of the valid prefix
	Reason string // what was wrong at Offset
	// Unwritten: only zeros follow Offset, space allocated ahead of
	// writes (vfs.File.Allocate) that none reached, not a write cut
	// short: the clean end of a log written into preallocated space.
	Unwritten bool
}

func (e *TornTailError) Error() string {
	return fmt.Sprintf("record: %s: offset %d: %s: %v", e.Name, e.Offset, e.Reason, ErrTornTail)
}

// Unwrap returns ErrTornTail.
func (e *TornTailError) Unwrap() error { return ErrTornTail }

// CorruptionError reports damaged data that is not a torn tail: a damaged
// file header, or a damaged record followed by a valid one. It wraps
// ikey.ErrCorruption.
type CorruptionError struct {
	Name   string // file name
	Offset int64  // offset of the damaged file header (0) or record
	Reason string // what was wrong
	// ValidAt is the offset of a valid record found after the damage, or
	// -1 when the damage is classified without one (a bad file header).
	ValidAt int64
}

func (e *CorruptionError) Error() string {
	if e.ValidAt >= 0 {
		return fmt.Sprintf("record: %s: offset %d: %s (valid record follows at offset %d): %v",
			e.Name, e.Offset, e.Reason, e.ValidAt, ikey.ErrCorruption)
	}
	return fmt.Sprintf("record: %s: offset %d: %s: %v", e.Name, e.Offset, e.Reason, ikey.ErrCorruption)
}

// Unwrap returns ikey.ErrCorruption.
func (e *CorruptionError) Unwrap() error { return ikey.ErrCorruption }

// fileHeader returns the file header for magic.
func fileHeader(magic [8]byte) [FileHeaderLen]byte {
	var h [FileHeaderLen]byte
	copy(h[:8], magic[:])
	binary.LittleEndian.PutUint32(h[8:12], Version)
	binary.LittleEndian.PutUint32(h[12:16], crc32.Checksum(h[:12], castagnoli))
	return h
}
