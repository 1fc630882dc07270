package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// memFile is a private in-memory vfs.File that counts calls.
type memFile struct {
	data      []byte
	alloc     int64 // Allocate's length: zeros past data
	writes    int
	syncs     int
	allocs    int
	closed    bool
	failWrite error
	failSync  error
}

var _ vfs.File = (*memFile)(nil)

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	size, _ := f.Size()
	if off >= size {
		return 0, io.EOF
	}
	n := 0
	if off < int64(len(f.data)) {
		n = copy(p, f.data[off:])
	}
	z := int(min(int64(len(p)), size-off)) - n
	clear(p[n : n+z])
	n += z
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.writes++
	if f.failWrite != nil {
		return 0, f.failWrite
	}
	f.data = append(f.data, p...)
	return len(p), nil
}

func (f *memFile) Sync() error {
	f.syncs++
	return f.failSync
}

func (f *memFile) SyncData() error { return f.Sync() }

func (f *memFile) Allocate(size int64) error {
	f.allocs++
	if f.failWrite != nil {
		return f.failWrite
	}
	f.alloc = max(f.alloc, size)
	return nil
}

func (f *memFile) Size() (int64, error) { return max(int64(len(f.data)), f.alloc), nil }

func (f *memFile) Close() error {
	if f.closed {
		return errors.New("closed twice")
	}
	f.closed = true
	return nil
}

// osFile adapts an *os.File to vfs.File, for a test on a real file.
type osFile struct{ *os.File }

func (f osFile) SyncData() error { return f.Sync() }

func (f osFile) Allocate(int64) error { return errors.New("not supported") }

func (f osFile) Size() (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// buildLog writes payloads to a new in-memory log and returns its bytes and
// the offset of each record.
func buildLog(t testing.TB, payloads [][]byte) ([]byte, []int64) {
	t.Helper()
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	offs := make([]int64, len(payloads))
	for i, p := range payloads {
		offs[i] = w.Size()
		if err := w.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return f.data, offs
}

type readResult struct {
	payloads [][]byte
	offs     []int64
	err      error // final error (io.EOF on clean end)
}

// readAll reads every record of data.
func readAll(t testing.TB, data []byte, magic [8]byte) readResult {
	t.Helper()
	r, err := NewReader(&memFile{data: data}, "wal/000012.log", magic)
	if err != nil {
		return readResult{err: err}
	}
	var res readResult
	for {
		p, off, err := r.Next()
		if err != nil {
			res.err = err
			if err == io.EOF && r.Offset() != int64(len(data)) {
				t.Fatalf("clean EOF at Offset %d, file has %d bytes", r.Offset(), len(data))
			}
			// Errors are sticky.
			if _, _, err2 := r.Next(); err2 != err {
				t.Fatalf("second Next after %v returned %v", err, err2)
			}
			return res
		}
		res.payloads = append(res.payloads, bytes.Clone(p))
		res.offs = append(res.offs, off)
	}
}

func checkPrefix(t *testing.T, res readResult, payloads [][]byte, offs []int64, n int) {
	t.Helper()
	if len(res.payloads) != n {
		t.Fatalf("read %d records, want %d (err %v)", len(res.payloads), n, res.err)
	}
	for i := range n {
		if !bytes.Equal(res.payloads[i], payloads[i]) {
			t.Fatalf("record %d: payload differs (len %d, want %d)", i, len(res.payloads[i]), len(payloads[i]))
		}
		if res.offs[i] != offs[i] {
			t.Fatalf("record %d: offset %d, want %d", i, res.offs[i], offs[i])
		}
	}
}

func wantTorn(t *testing.T, err error, off int64) {
	t.Helper()
	var tt *TornTailError
	if !errors.Is(err, ErrTornTail) || !errors.As(err, &tt) {
		t.Fatalf("got %v, want torn tail at %d", err, off)
	}
	if errors.Is(err, ikey.ErrCorruption) {
		t.Fatalf("torn tail %v also wraps ErrCorruption", err)
	}
	if tt.Offset != off {
		t.Fatalf("torn tail at %d, want %d (%v)", tt.Offset, off, err)
	}
}

func wantCorrupt(t *testing.T, err error, off int64) *CorruptionError {
	t.Helper()
	var ce *CorruptionError
	if !errors.Is(err, ikey.ErrCorruption) || !errors.As(err, &ce) {
		t.Fatalf("got %v, want corruption at %d", err, off)
	}
	if errors.Is(err, ErrTornTail) {
		t.Fatalf("corruption %v also wraps ErrTornTail", err)
	}
	if ce.Offset != off {
		t.Fatalf("corruption at %d, want %d (%v)", ce.Offset, off, err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, fmt.Sprintf("record: wal/000012.log: offset %d: ", off)) ||
		!strings.HasSuffix(msg, ": corruption") {
		t.Fatalf("message %q does not name the file and offset", msg)
	}
	return ce
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var payloads [][]byte
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int64
	for i := range 600 {
		var n int
		switch {
		case i%100 == 99:
			n = rng.IntN(3 << 20) // up to 3 MiB
		case i%10 == 0:
			n = rng.IntN(300 << 10)
		default:
			n = rng.IntN(200)
		}
		p := randBytes(rng, n)
		payloads = append(payloads, p)
		offs = append(offs, w.Size())
		add := w.Add
		if rng.IntN(2) == 0 {
			add = w.AddNoCopy
		}
		if err := add(p); err != nil {
			t.Fatal(err)
		}
		switch rng.IntN(5) {
		case 0:
			err = w.Flush()
		case 1:
			err = w.Sync()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	size := w.Size()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if int64(len(f.data)) != size || !f.closed {
		t.Fatalf("file has %d bytes (closed %v), Writer.Size said %d", len(f.data), f.closed, size)
	}
	res := readAll(t, f.data, WALMagic)
	if res.err != io.EOF {
		t.Fatalf("got %v, want io.EOF", res.err)
	}
	checkPrefix(t, res, payloads, offs, len(payloads))
}

func TestEmptyLog(t *testing.T) {
	data, _ := buildLog(t, nil)
	if len(data) != FileHeaderLen {
		t.Fatalf("empty log has %d bytes", len(data))
	}
	if !bytes.Equal(data[:8], []byte("cairnwal")) {
		t.Fatalf("magic %q", data[:8])
	}
	if res := readAll(t, data, WALMagic); res.err != io.EOF || len(res.payloads) != 0 {
		t.Fatalf("got %d records, %v", len(res.payloads), res.err)
	}
}

func TestHugeRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB record")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	payloads := [][]byte{randBytes(rng, 10), randBytes(rng, 64<<20+13), randBytes(rng, 5), {}}
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range payloads {
		if err := w.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if cap(w.buf) > maxRetainedBuf {
		t.Fatalf("writer retained a %d-byte buffer", cap(w.buf))
	}
	if f.writes != 2 { // file header + one flush
		t.Fatalf("%d writes", f.writes)
	}

	r, err := NewReader(f, "big.log", WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range payloads {
		p, _, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p, want) {
			t.Fatalf("record %d differs", i)
		}
		if i >= 2 && cap(r.buf) > readChunk {
			t.Fatalf("reader retained a %d-byte buffer after the huge record", cap(r.buf))
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatal(err)
	}

	// Torn in the middle of the huge record: the scan over 32 MiB of its
	// payload must find nothing valid, and quickly.
	cut := FileHeaderLen + HeaderLen + 10 + 32<<20
	res := readAll(t, f.data[:cut], WALMagic)
	wantTorn(t, res.err, FileHeaderLen+HeaderLen+10)
}

func smallLog(t *testing.T) ([][]byte, []byte, []int64) {
	rng := rand.New(rand.NewPCG(5, 6))
	var payloads [][]byte
	for _, n := range []int{0, 1, 7, 100, 0, 300, 3, 64, 1000, 2} {
		payloads = append(payloads, randBytes(rng, n))
	}
	data, offs := buildLog(t, payloads)
	return payloads, data, offs
}

func TestTruncateEverywhere(t *testing.T) {
	payloads, data, offs := smallLog(t)
	ends := make([]int64, len(payloads))
	for i, p := range payloads {
		ends[i] = offs[i] + HeaderLen + int64(len(p))
	}
	for cut := 0; cut <= len(data); cut++ {
		res := readAll(t, data[:cut], WALMagic)
		n := 0
		for n < len(ends) && ends[n] <= int64(cut) {
			n++
		}
		checkPrefix(t, res, payloads, offs, n)
		validEnd := int64(FileHeaderLen)
		if n > 0 {
			validEnd = ends[n-1]
		}
		switch {
		case cut < FileHeaderLen:
			wantTorn(t, res.err, 0)
		case int64(cut) == validEnd:
			if res.err != io.EOF {
				t.Fatalf("cut %d at a record boundary: %v", cut, res.err)
			}
		default:
			wantTorn(t, res.err, validEnd)
		}
	}
}

func TestFlipMiddleRecord(t *testing.T) {
	payloads, data, offs := smallLog(t)
	for _, rec := range []int{3, 5, 8} {
		start, end := offs[rec], offs[rec]+HeaderLen+int64(len(payloads[rec]))
		for i := start; i < end; i++ {
			d := bytes.Clone(data)
			d[i] ^= 0x20
			res := readAll(t, d, WALMagic)
			checkPrefix(t, res, payloads, offs, rec)
			ce := wantCorrupt(t, res.err, start)
			if ce.ValidAt <= start {
				t.Fatalf("ValidAt %d", ce.ValidAt)
			}
		}
	}
	// The message format the recovery code and operators see.
	d := bytes.Clone(data)
	d[offs[3]+HeaderLen+5] ^= 1
	res := readAll(t, d, WALMagic)
	want := fmt.Sprintf("record: wal/000012.log: offset %d: checksum mismatch (valid record follows at offset %d): corruption",
		offs[3], offs[4])
	if res.err.Error() != want {
		t.Fatalf("got  %q\nwant %q", res.err, want)
	}
}

func TestFlipLastRecord(t *testing.T) {
	payloads, data, offs := smallLog(t)
	last := len(payloads) - 1
	for i := offs[last]; i < int64(len(data)); i++ {
		for _, bit := range []byte{0x01, 0x80} {
			d := bytes.Clone(data)
			d[i] ^= bit
			res := readAll(t, d, WALMagic)
			checkPrefix(t, res, payloads, offs, last)
			wantTorn(t, res.err, offs[last])
		}
	}
}

func TestTrailingZeros(t *testing.T) {
	payloads, data, offs := smallLog(t)
	for _, z := range []int{1, 7, 8, 9, 4096, 1 << 20} {
		d := append(bytes.Clone(data), make([]byte, z)...)
		res := readAll(t, d, WALMagic)
		checkPrefix(t, res, payloads, offs, len(payloads))
		wantTorn(t, res.err, int64(len(data)))
		if tt := (*TornTailError)(nil); !errors.As(res.err, &tt) || !tt.Unwritten {
			t.Fatalf("%d zeros after the last record: %v, want a torn tail marked Unwritten", z, res.err)
		}
		// A write cut short before the zeros is no clean end.
		d[len(data)+z/2] = 1
		res = readAll(t, d, WALMagic)
		if tt := (*TornTailError)(nil); !errors.As(res.err, &tt) || tt.Unwritten {
			t.Fatalf("a byte among %d zeros after the last record: %v, want a torn tail not marked Unwritten", z, res.err)
		}
	}
	// A preallocated file whose header never made it.
	for _, n := range []int{0, 1, 15, 16, 17, 64 << 10} {
		res := readAll(t, make([]byte, n), WALMagic)
		wantTorn(t, res.err, 0)
	}
}

func TestFileHeader(t *testing.T) {
	_, data, offs := smallLog(t)
	hdr := fileHeader(WALMagic)

	// Prefixes of the header, possibly followed by zeros, are torn.
	for k := 0; k <= FileHeaderLen; k++ {
		for _, size := range []int{k, FileHeaderLen, 100} {
			if size < k || (k == FileHeaderLen && size >= FileHeaderLen) {
				continue
			}
			d := make([]byte, size)
			copy(d, hdr[:k])
			res := readAll(t, d, WALMagic)
			wantTorn(t, res.err, 0)
		}
	}

	check := func(d []byte, magic [8]byte, reason string) {
		t.Helper()
		res := readAll(t, d, magic)
		ce := wantCorrupt(t, res.err, 0)
		if !strings.Contains(ce.Reason, reason) {
			t.Fatalf("reason %q, want %q", ce.Reason, reason)
		}
	}
	// The manifest reader refuses a WAL.
	check(data, ManifestMagic, `bad magic "cairnwal" (want "cairnman")`)
	// Wrong magic in a complete header.
	d := bytes.Clone(data)
	copy(d, "leveldb!")
	check(d, WALMagic, "bad magic")
	// Bad header checksum.
	d = bytes.Clone(data)
	d[13] ^= 1
	check(d, WALMagic, "file header checksum mismatch")
	// A newer version, correctly checksummed.
	d = bytes.Clone(data)
	binary.LittleEndian.PutUint32(d[8:], 2)
	binary.LittleEndian.PutUint32(d[12:], crc32.Checksum(d[:12], castagnoli))
	check(d, WALMagic, "unsupported version 2 (want 1)")
	// Short garbage.
	check([]byte("garbage!!!"), WALMagic, "bad magic")
	check([]byte("cairnwal\x07"), WALMagic, "truncated file header")
	// A zeroed header with valid records after it was once complete.
	d = bytes.Clone(data)
	clear(d[:FileHeaderLen])
	res := readAll(t, d, WALMagic)
	if ce := wantCorrupt(t, res.err, 0); ce.ValidAt != offs[0] {
		t.Fatalf("ValidAt %d, want %d", ce.ValidAt, offs[0])
	}
}

func TestAbsurdLength(t *testing.T) {
	payloads, data, offs := smallLog(t)
	for _, n := range []uint32{MaxPayloadLen + 1, 1<<32 - 1, uint32(len(data))} {
		// In the middle: corruption.
		d := bytes.Clone(data)
		binary.LittleEndian.PutUint32(d[offs[4]+4:], n)
		res := readAll(t, d, WALMagic)
		checkPrefix(t, res, payloads, offs, 4)
		ce := wantCorrupt(t, res.err, offs[4])
		if ce.ValidAt != offs[5] {
			t.Fatalf("ValidAt %d, want %d", ce.ValidAt, offs[5])
		}
		// At the end: torn tail.
		last := len(offs) - 1
		d = bytes.Clone(data)
		binary.LittleEndian.PutUint32(d[offs[last]+4:], n)
		res = readAll(t, d, WALMagic)
		wantTorn(t, res.err, offs[last])
	}
}

// TestLongCandidate damages a length field so that the next valid record
// is found by the scan (not the hint) and is long enough to be verified by
// CRC combination.
func TestLongCandidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	payloads := [][]byte{randBytes(rng, 50), randBytes(rng, 3000), randBytes(rng, 700<<10), randBytes(rng, 9)}
	data, offs := buildLog(t, payloads)
	d := bytes.Clone(data)
	d[offs[1]+4] ^= 0x10 // length 3000 -> other
	res := readAll(t, d, WALMagic)
	checkPrefix(t, res, payloads, offs, 1)
	if ce := wantCorrupt(t, res.err, offs[1]); ce.ValidAt != offs[2] {
		t.Fatalf("ValidAt %d, want %d", ce.ValidAt, offs[2])
	}
	// Damage the long record's payload and drop the record after it, then
	// damage the short record's length: the only valid record after it is
	// gone, so the scan must reject the long candidate.
	d = bytes.Clone(data[:offs[3]])
	d[offs[2]+HeaderLen+1000] ^= 1
	d[offs[1]+4] ^= 0x10
	res = readAll(t, d, WALMagic)
	wantTorn(t, res.err, offs[1])
}

// TestScanAdversarial makes a torn record whose payload is full of length
// fields that fit in the file: a direct check of every candidate would read
// terabytes.
func TestScanAdversarial(t *testing.T) {
	size := 8 << 20
	if testing.Short() {
		size = 1 << 20
	}
	p := make([]byte, size)
	for i := 0; i+4 <= len(p); i += 4 {
		binary.LittleEndian.PutUint32(p[i:], uint32(int(shortLen)+1+i%(size/2)))
	}
	data, offs := buildLog(t, [][]byte{[]byte("first"), p})
	res := readAll(t, data[:len(data)-1], WALMagic)
	wantTorn(t, res.err, offs[1])
}

func TestCRCCombine(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	data := randBytes(rng, 300<<10)
	for _, s := range []int64{0, 1, 1023, 1024, 5000} {
		r := &Reader{f: &memFile{data: data}, name: "x", size: int64(len(data))}
		sc := scanner{r: r, s: s}
		for range 300 {
			a := s + rng.Int64N(int64(len(data))-s+1)
			b := a + rng.Int64N(int64(len(data))-a+1)
			if rng.IntN(10) == 0 {
				b = int64(len(data))
			}
			got, err := sc.rangeCRC(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if want := crc32.Checksum(data[a:b], castagnoli); got != want {
				t.Fatalf("s=%d crc[%d:%d] = %08x, want %08x", s, a, b, got, want)
			}
		}
	}
}

func TestFlushOneWrite(t *testing.T) {
	f := &memFile{}
	w, err := NewWriter(f, ManifestMagic)
	if err != nil {
		t.Fatal(err)
	}
	if f.writes != 1 || f.syncs != 0 || len(f.data) != FileHeaderLen {
		t.Fatalf("NewWriter: %d writes, %d syncs, %d bytes", f.writes, f.syncs, len(f.data))
	}
	if err := w.Flush(); err != nil || f.writes != 1 {
		t.Fatalf("empty Flush: %v, %d writes", err, f.writes)
	}
	for i := range 1000 {
		if err := w.Add(bytes.Repeat([]byte{byte(i)}, i%50)); err != nil {
			t.Fatal(err)
		}
	}
	if f.writes != 1 {
		t.Fatalf("Add wrote: %d writes", f.writes)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if f.writes != 2 || f.syncs != 1 {
		t.Fatalf("Sync of 1000 records: %d writes, %d syncs; want 2, 1", f.writes, f.syncs)
	}
	if w.Size() != int64(len(f.data)) {
		t.Fatalf("Size %d, file %d", w.Size(), len(f.data))
	}
	if err := w.Add([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil || f.writes != 3 {
		t.Fatalf("Flush: %v, %d writes", err, f.writes)
	}
	if res := readAll(t, f.data, ManifestMagic); res.err != io.EOF || len(res.payloads) != 1001 {
		t.Fatalf("read back %d records: %v", len(res.payloads), res.err)
	}
}

// TestAddNoCopy: a large payload taken by AddNoCopy is written from the
// caller's memory, in its place among the buffered records, and the
// buffer never grows to hold it.
func TestAddNoCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	payloads := [][]byte{randBytes(rng, 10), randBytes(rng, 1<<20), randBytes(rng, noCopyMin-1), randBytes(rng, noCopyMin), randBytes(rng, 3)}
	var offs []int64
	for _, p := range payloads {
		offs = append(offs, w.Size())
		if err := w.AddNoCopy(p); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.buf) >= 2*noCopyMin {
		t.Fatalf("%d bytes buffered: the large payloads were copied", len(w.buf))
	}
	size := w.Size()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// The header, then: the first record and the second's header, the
	// second's payload, the third record and the fourth's header, the
	// fourth's payload, the fifth record.
	if f.writes != 6 {
		t.Fatalf("%d writes, want 6", f.writes)
	}
	if int64(len(f.data)) != size || w.Size() != size {
		t.Fatalf("file has %d bytes, Size said %d before the flush and %d after", len(f.data), size, w.Size())
	}
	if len(w.held) != 0 || w.held[:1][0] != nil {
		t.Fatal("the writer still holds a payload after the flush")
	}
	res := readAll(t, f.data, WALMagic)
	if res.err != io.EOF {
		t.Fatalf("got %v, want io.EOF", res.err)
	}
	checkPrefix(t, res, payloads, offs, len(payloads))

	// A failed write of a held payload fails the writer for good.
	boom := errors.New("boom")
	if err := w.AddNoCopy(payloads[1]); err != nil {
		t.Fatal(err)
	}
	f.failWrite = boom
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush: %v", err)
	}
	f.failWrite = nil
	if err := w.AddNoCopy(payloads[1]); !errors.Is(err, boom) {
		t.Fatalf("AddNoCopy after a failed write: %v", err)
	}
}

func TestWriterNoAllocs(t *testing.T) {
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 1000)
	step := func() {
		for range 10 {
			if err := w.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.data = f.data[:0] // keep the fake from allocating
	}
	step()
	if n := testing.AllocsPerRun(100, step); n != 0 {
		t.Fatalf("%v allocations per group commit", n)
	}
}

func TestReaderFewReads(t *testing.T) {
	payloads := make([][]byte, 5000)
	for i := range payloads {
		payloads[i] = bytes.Repeat([]byte{byte(i)}, 100)
	}
	data, _ := buildLog(t, payloads)
	cf := &countingFile{memFile: memFile{data: data}}
	r, err := NewReader(cf, "x", WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	// 5000*108 bytes = 2.1 chunks of 256 KiB, plus the file header.
	if cf.reads > 5 {
		t.Fatalf("%d ReadAt calls for %d bytes", cf.reads, len(data))
	}
}

type countingFile struct {
	memFile
	reads int
}

func (f *countingFile) ReadAt(p []byte, off int64) (int, error) {
	f.reads++
	return f.memFile.ReadAt(p, off)
}

func TestWriterErrors(t *testing.T) {
	if _, err := NewWriter(&memFile{data: []byte("x")}, WALMagic); err == nil {
		t.Fatal("NewWriter on a non-empty file succeeded")
	}
	boom := errors.New("boom")
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add([]byte("a")); err != nil {
		t.Fatal(err)
	}
	f.failWrite = boom
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush: %v", err)
	}
	f.failWrite = nil
	if err := w.Add([]byte("b")); !errors.Is(err, boom) {
		t.Fatalf("Add after failed write: %v", err)
	}
	if err := w.Sync(); !errors.Is(err, boom) {
		t.Fatalf("Sync after failed write: %v", err)
	}
	if err := w.Close(); !errors.Is(err, boom) || !f.closed {
		t.Fatalf("Close: %v, closed %v", err, f.closed)
	}
	if err := w.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}

	f = &memFile{failSync: boom}
	w, err = NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(); !errors.Is(err, boom) {
		t.Fatalf("Sync: %v", err)
	}
	f.failSync = nil
	if err := w.Sync(); !errors.Is(err, boom) {
		t.Fatalf("Sync after failed fsync must keep failing: %v", err)
	}
}

func TestOSFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "000001.log")
	of, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(osFile{of}, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var payloads [][]byte
	for i := range 200 {
		p := randBytes(rng, rng.IntN(1+i*100))
		payloads = append(payloads, p)
		if err := w.Add(p); err != nil {
			t.Fatal(err)
		}
		if i%17 == 0 {
			if err := w.Sync(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rf, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	r, err := NewReader(osFile{rf}, path, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range payloads {
		p, _, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p, want) {
			t.Fatalf("record %d differs", i)
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatal(err)
	}
}

// TestPreallocate: a Writer that preallocates reserves the file's space a
// chunk at a time, not per write, syncs with SyncData, and its log reads
// back whole, ending in a torn tail marked Unwritten.
func TestPreallocate(t *testing.T) {
	f := &memFile{}
	w, err := NewWriter(f, WALMagic)
	if err != nil {
		t.Fatal(err)
	}
	w.Preallocate(1 << 10)
	var payloads [][]byte
	for i := range 200 {
		p := bytes.Repeat([]byte{byte(i)}, 1+i%50)
		payloads = append(payloads, p)
		if err := w.Add(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	if written := w.Size(); f.allocs == 0 || f.allocs > int(written>>10)+1 || f.alloc < written || f.alloc > written+1<<10 {
		t.Fatalf("%d bytes written in %d allocations to %d bytes", written, f.allocs, f.alloc)
	}
	if f.syncs != 200 {
		t.Fatalf("%d syncs, want 200", f.syncs)
	}
	data := make([]byte, f.alloc)
	if _, err := f.ReadAt(data, 0); err != nil {
		t.Fatal(err)
	}
	res := readAll(t, data, WALMagic)
	if len(res.payloads) != len(payloads) {
		t.Fatalf("read %d records of %d", len(res.payloads), len(payloads))
	}
	if tt := (*TornTailError)(nil); !errors.As(res.err, &tt) || !tt.Unwritten || tt.Offset != w.Size() {
		t.Fatalf("end: %v, want a torn tail marked Unwritten at %d", res.err, w.Size())
	}
}
