package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// refValid reports whether a valid record starts at p in data: the naive
// definition the Reader's scan must agree with.
func refValid(data []byte, p int) bool {
	if p < 0 || len(data)-p < HeaderLen {
		return false
	}
	n := int(binary.LittleEndian.Uint32(data[p+4:]))
	if n > MaxPayloadLen || n > len(data)-p-HeaderLen {
		return false
	}
	return crc32.Checksum(data[p+4:p+HeaderLen+n], castagnoli) == binary.LittleEndian.Uint32(data[p:])
}

// refRead is a naive reference reader. It returns the offsets of the
// records read and how the log ends: "eof", "torn" or "corrupt", with the
// offset of the damage.
func refRead(data []byte, magic [8]byte) (offs []int, kind string, at int) {
	classify := func(pos int) (string, int) {
		for p := pos + 1; p+HeaderLen <= len(data); p++ {
			if refValid(data, p) {
				return "corrupt", pos
			}
		}
		return "torn", pos
	}
	want := fileHeader(magic)
	n := min(len(data), FileHeaderLen)
	if n < FileHeaderLen || !bytes.Equal(data[:n], want[:]) {
		if isTornHeader(data[:n], want[:]) {
			kind, at = classify(0)
			return nil, kind, at
		}
		return nil, "corrupt", 0
	}
	pos := FileHeaderLen
	for {
		if pos == len(data) {
			return offs, "eof", pos
		}
		if !refValid(data, pos) {
			kind, at = classify(pos)
			return offs, kind, at
		}
		offs = append(offs, pos)
		pos += HeaderLen + int(binary.LittleEndian.Uint32(data[pos+4:]))
	}
}

func FuzzReader(f *testing.F) {
	// The committed corpus in testdata/fuzz/FuzzReader holds valid,
	// truncated and damaged logs; add a couple of inline seeds too.
	log, _ := buildLog(f, [][]byte{[]byte("hello"), {}, bytes.Repeat([]byte{7}, 300)})
	f.Add(log)
	f.Add(log[:len(log)-3])
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data)
		// Again with every scan candidate verified by CRC combination.
		defer func(old int64) { shortLen = old }(shortLen)
		shortLen = 0
		checkReader(t, data)
	})
}

// checkReader reads data and compares every result with refRead.
func checkReader(t *testing.T, data []byte) {
	r, err := NewReader(&memFile{data: data}, "fuzz.log", WALMagic)
	var offs []int
	var last int64 = -1
	for err == nil {
		var p []byte
		var off int64
		p, off, err = r.Next()
		if err != nil {
			break
		}
		// Never a payload whose checksum did not verify.
		if off <= last || off < FileHeaderLen || off+HeaderLen+int64(len(p)) > int64(len(data)) {
			t.Fatalf("record at %d (len %d) out of place (previous %d, size %d)", off, len(p), last, len(data))
		}
		if !refValid(data, int(off)) || !bytes.Equal(p, data[off+HeaderLen:off+HeaderLen+int64(len(p))]) ||
			int(binary.LittleEndian.Uint32(data[off+4:])) != len(p) {
			t.Fatalf("record at %d is not a valid record", off)
		}
		last = off
		offs = append(offs, int(off))
	}
	wantOffs, kind, at := refRead(data, WALMagic)
	if len(offs) != len(wantOffs) {
		t.Fatalf("read %d records, reference %d (err %v)", len(offs), len(wantOffs), err)
	}
	for i := range offs {
		if offs[i] != wantOffs[i] {
			t.Fatalf("record %d at %d, reference %d", i, offs[i], wantOffs[i])
		}
	}
	var tt *TornTailError
	var ce *CorruptionError
	switch {
	case err == io.EOF:
		if kind != "eof" {
			t.Fatalf("io.EOF, reference %s at %d", kind, at)
		}
	case errors.As(err, &tt):
		if kind != "torn" || tt.Offset != int64(at) || !errors.Is(err, ErrTornTail) {
			t.Fatalf("%v, reference %s at %d", err, kind, at)
		}
	case errors.As(err, &ce):
		if kind != "corrupt" || ce.Offset != int64(at) || !errors.Is(err, ikey.ErrCorruption) {
			t.Fatalf("%v, reference %s at %d", err, kind, at)
		}
		if ce.ValidAt >= 0 && (ce.ValidAt <= ce.Offset || !refValid(data, int(ce.ValidAt))) {
			t.Fatalf("%v: no valid record at %d", err, ce.ValidAt)
		}
	default:
		t.Fatalf("unexpected error %v", err)
	}
}
