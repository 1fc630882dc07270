package sstable

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// Compression is the compression applied to a block's stored bytes. Its
// value is the type byte of the block trailer.
type Compression uint8

const (
	// NoCompression stores blocks as they are.
	NoCompression Compression = 0
	// SnappyCompression compresses blocks with snappy (github.com/golang/snappy).
	SnappyCompression Compression = 1
)

func (c Compression) String() string {
	switch c {
	case NoCompression:
		return "none"
	case SnappyCompression:
		return "snappy"
	}
	return fmt.Sprintf("compression(%d)", uint8(c))
}

const (
	// blockTrailerLen is the compression type byte plus the CRC32C.
	blockTrailerLen = 5
	// footerLen is the fixed size of the footer at the end of every table.
	footerLen = 4*16 + 4 + 4 + 8
	// formatWholeKeyFilter is the format version of a table whose bloom
	// filter covers whole user keys; formatPrefixFilter, of one whose filter
	// covers the Split prefixes of its user keys (WriterOptions.Split). The
	// two differ in nothing else.
	formatWholeKeyFilter = 1
	formatPrefixFilter   = 2
	// magic ends every table.
	magic = "cairnsst"
	// maxBlockLen bounds a block's stored length so that a damaged handle
	// cannot make the reader allocate without limit.
	maxBlockLen = 1 << 30
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// handle locates a block: its offset in the file and its stored length, which
// excludes the 5-byte trailer.
type handle struct {
	offset, length uint64
}

func (h handle) appendVarint(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, h.offset)
	return binary.AppendUvarint(dst, h.length)
}

// decodeHandle decodes a varint-encoded handle (an index block value).
func decodeHandle(b []byte) (handle, bool) {
	off, n := binary.Uvarint(b)
	if n <= 0 {
		return handle{}, false
	}
	length, m := binary.Uvarint(b[n:])
	if m <= 0 || n+m != len(b) {
		return handle{}, false
	}
	return handle{off, length}, true
}

// footer is the decoded fixed-size footer.
type footer struct {
	index, filter, rangeDel, props handle
	version                        uint32
}

func (f footer) encode() []byte {
	b := make([]byte, 0, footerLen)
	for _, h := range [...]handle{f.index, f.filter, f.rangeDel, f.props} {
		b = binary.LittleEndian.AppendUint64(b, h.offset)
		b = binary.LittleEndian.AppendUint64(b, h.length)
	}
	b = binary.LittleEndian.AppendUint32(b, f.version)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
	return append(b, magic...)
}

func decodeFooter(b []byte, name string, off int64) (footer, error) {
	var f footer
	if len(b) != footerLen {
		return f, corruptf(name, off, "footer has %d bytes, want %d", len(b), footerLen)
	}
	if string(b[footerLen-8:]) != magic {
		return f, corruptf(name, off+footerLen-8, "bad magic %q", b[footerLen-8:])
	}
	f.version = binary.LittleEndian.Uint32(b[64:])
	if f.version != formatWholeKeyFilter && f.version != formatPrefixFilter {
		return f, corruptf(name, off+64, "unsupported format version %d", f.version)
	}
	if got, want := crc32.Checksum(b[:68], crcTable), binary.LittleEndian.Uint32(b[68:]); got != want {
		return f, corruptf(name, off+68, "footer checksum mismatch (computed %#x, stored %#x)", got, want)
	}
	hs := [4]*handle{&f.index, &f.filter, &f.rangeDel, &f.props}
	for i, h := range hs {
		h.offset = binary.LittleEndian.Uint64(b[16*i:])
		h.length = binary.LittleEndian.Uint64(b[16*i+8:])
	}
	return f, nil
}

// corruptf returns an error wrapping ikey.ErrCorruption that names the file
// and the byte offset of the damage.
func corruptf(name string, off int64, format string, args ...any) error {
	return fmt.Errorf("sstable %s: offset %d: %s: %w", name, off, fmt.Sprintf(format, args...), ikey.ErrCorruption)
}

// blockChecksum is the CRC32C of a block's stored bytes followed by its
// compression type byte; both are contiguous in the file, and b holds them.
func blockChecksum(b []byte) uint32 {
	return crc32.Checksum(b, crcTable)
}

// exclusiveSentinelTrailer is the trailer of the largest-bound key a range
// tombstone contributes: it sorts before every real entry of its user key.
var exclusiveSentinelTrailer = ikey.Trailer(ikey.SeqNumMax, ikey.KindRangeDelete)

// IsExclusiveSentinel reports whether ik is the exclusive upper bound key that
// a range tombstone [Start, End) contributes to a table's Largest bound:
// ikey.Make(End, ikey.SeqNumMax, ikey.KindRangeDelete). Such a bound does not
// itself belong to the table: user key End is not covered by it.
func IsExclusiveSentinel(ik []byte) bool {
	return ikey.Valid(ik) && ikey.TrailerOf(ik) == exclusiveSentinelTrailer
}
