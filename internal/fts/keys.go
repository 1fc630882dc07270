package fts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Key tags: the byte after the index prefix (doc.go has the table).
const (
	tagMeta    = 'M'
	tagTerm    = 'T'
	tagBlock   = 'B'
	tagPos     = 'Q'
	tagPending = 'D'
	tagChange  = 'U'
	tagDoc     = 'N'
	tagDocKey  = 'K'
	termEnd    = 0x00
	pendingBit = uint64(1) << 63
	endDoc     = math.MaxUint64
	blockSize  = 128
	changeAdd  = 'a' // a pending document whose postings are under tagPending (the first format)
	changeDoc  = 'p' // a pending document carrying its own postings
	changeDel  = 'd'
	// metaVersion is the format merges write: every term with merged
	// postings has a tail entry (tailDoc). Indexes whose first merge ran
	// before it (metaVersionDict) may have terms whose statistics are in
	// their dictionary entry and which have no tail entry yet.
	metaVersion     = 2
	metaVersionDict = 1
	// tailDoc is the key suffix of a term's tail entry, past every block.
	tailDoc = endDoc
)

// dictMarker is the value of a term dictionary entry: the key is what
// prefix and fuzzy queries read; the statistics are in the tail entry.
var dictMarker = []byte{}

var errCorrupt = errors.New("fts: corrupt index entry")

// MergedRanges returns the key ranges, under an index's prefix, that a
// merge leaves full of deletions: the pending postings and the change
// log. Compacting them after a merge (rather than the whole index, most
// of it merged blocks a merge rewrites only in part) keeps searches from
// scanning tombstones.
func MergedRanges(prefix []byte) [][2][]byte {
	r := func(tag byte) [2][]byte {
		start := append(append([]byte(nil), prefix...), tag)
		return [2][]byte{start, append(append([]byte(nil), prefix...), tag+1)}
	}
	return [][2][]byte{r(tagPending), r(tagChange)}
}

func (ix *Index) key(tag byte, n int) []byte {
	k := make([]byte, 0, len(ix.prefix)+1+n)
	return append(append(k, ix.prefix...), tag)
}

// termKey is prefix | tag | field | term | 0x00 | doc (8 bytes BE), the
// shape of block, positions and pending posting keys.
func (ix *Index) termKey(tag byte, field int, term string, doc uint64) []byte {
	k := ix.key(tag, 1+len(term)+9)
	k = append(k, byte(field))
	k = append(k, term...)
	k = append(k, termEnd)
	return binary.BigEndian.AppendUint64(k, doc)
}

// termRange returns the key range of every entry of (field, term) under
// tag: [prefix|tag|field|term|0x00, prefix|tag|field|term|0x01).
func (ix *Index) termRange(tag byte, field int, term string) (start, end []byte) {
	start = ix.key(tag, 1+len(term)+1)
	start = append(append(append(start, byte(field)), term...), termEnd)
	end = append(start[:len(start)-1:len(start)-1], termEnd+1)
	return start, end
}

// termPrefixRange returns the range of every term of field starting with
// p under tag (the term dictionary or pending postings).
func (ix *Index) termPrefixRange(tag byte, field int, p string) (start, end []byte) {
	start = append(append(ix.key(tag, 1+len(p)), byte(field)), p...)
	return start, prefixEnd(start)
}

func (ix *Index) dictKey(field int, term string) []byte {
	return append(append(ix.key(tagTerm, 1+len(term)), byte(field)), term...)
}

func (ix *Index) docKey(tag byte, doc uint64) []byte {
	return binary.BigEndian.AppendUint64(ix.key(tag, 8), doc)
}

func (ix *Index) extKey(id []byte) []byte {
	return append(ix.key(tagDocKey, len(id)), id...)
}

func (ix *Index) tagRange(tag byte) (start, end []byte) {
	start = ix.key(tag, 0)
	return start, prefixEnd(start)
}

// prefixEnd returns the smallest key greater than every key with prefix
// p, or nil (unbounded) if p is all 0xFF.
func prefixEnd(p []byte) []byte {
	e := append([]byte(nil), p...)
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] != 0xFF {
			e[i]++
			return e[:i+1]
		}
	}
	return nil
}

// splitTermKey parses field, term and doc out of a key made by termKey.
func (ix *Index) splitTermKey(k []byte) (field int, term string, doc uint64, err error) {
	body := k[len(ix.prefix)+1:]
	if len(body) < 1+1+8 || body[len(body)-9] != termEnd {
		return 0, "", 0, fmt.Errorf("%w: posting key %q", errCorrupt, k)
	}
	return int(body[0]), string(body[1 : len(body)-9]), binary.BigEndian.Uint64(body[len(body)-8:]), nil
}

// reader decodes the varints of one value, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) > 0 && r.b[0] < 0x80 { // most values are one byte: in line
		v := uint64(r.b[0])
		r.b = r.b[1:]
		return v
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

// skipUvarints moves past n uvarints. Eight bytes at a time while the
// uvarints ending in them (bytes with the high bit clear) are fewer than
// n; a long run of continuation bytes (corruption) is caught only in
// the last eight.
func (r *reader) skipUvarints(n uint32) {
	b := r.b
	for len(b) >= 8 {
		ends := uint32(bits.OnesCount64(^binary.LittleEndian.Uint64(b) & 0x8080808080808080))
		if ends >= n {
			break
		}
		n -= ends
		b = b[8:]
	}
	for ; n > 0; n-- {
		i := 0
		for i < len(b) && b[i] >= 0x80 {
			i++
		}
		if i >= len(b) || i >= binary.MaxVarintLen64 {
			r.err = errCorrupt
			return
		}
		b = b[i+1:]
	}
	r.b = b
}

func (r *reader) u32() uint32 {
	v := r.uvarint()
	if v > math.MaxUint32 {
		r.err = errCorrupt
	}
	return uint32(v)
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errCorrupt
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errCorrupt
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// posting is one document's occurrences of one term in one field.
type posting struct {
	doc uint64
	tf  uint32
	len uint32 // the field's length in the document, in tokens
	pos []uint32
}

// encodePending encodes a pending posting's value: tf, field length,
// positions (first absolute, then deltas).
func encodePending(p posting) []byte {
	b := binary.AppendUvarint(nil, uint64(p.tf))
	b = binary.AppendUvarint(b, uint64(p.len))
	return appendPositions(b, p.pos)
}

func decodePending(doc uint64, v []byte) (posting, error) {
	r := reader{b: v}
	p := posting{doc: doc, tf: r.u32(), len: r.u32()}
	p.pos = readPositions(&r, p.tf)
	if r.err != nil || len(r.b) != 0 {
		return posting{}, errCorrupt
	}
	return p, nil
}

func appendPositions(b []byte, pos []uint32) []byte {
	prev := uint32(0)
	for _, p := range pos {
		b = binary.AppendUvarint(b, uint64(p-prev))
		prev = p
	}
	return b
}

func readPositions(r *reader, n uint32) []uint32 {
	return appendPositionsRead(r, n, nil)
}

// appendPositionsRead is readPositions appending to buf (a block's
// postings share one array).
func appendPositionsRead(r *reader, n uint32, buf []uint32) []uint32 {
	if uint64(n) > uint64(len(r.b)) { // each position takes at least a byte
		r.err = errCorrupt
		return buf
	}
	buf = slices.Grow(buf, int(n))
	prev := uint32(0)
	for range n {
		prev += r.u32()
		buf = append(buf, prev)
	}
	return buf
}

// blockHeader is what block-max WAND reads without decoding a block.
type blockHeader struct {
	n      int
	maxTF  uint32
	minLen uint32
	first  uint64
}

// encodeBlock encodes up to blockSize postings (ascending doc) as a block
// value and its positions value.
func encodeBlock(ps []posting) (block, positions []byte) {
	return appendBlock(nil, ps), appendBlockPositions(nil, ps)
}

// appendBlock appends the block value of ps (see encodeBlock).
func appendBlock(b []byte, ps []posting) []byte {
	maxTF, minLen := uint32(0), uint32(math.MaxUint32)
	for _, p := range ps {
		maxTF, minLen = max(maxTF, p.tf), min(minLen, p.len)
	}
	b = slices.Grow(b, 4*binary.MaxVarintLen32+3*len(ps)) // most uvarints take a byte
	b = binary.AppendUvarint(b, uint64(len(ps)))
	b = binary.AppendUvarint(b, uint64(maxTF))
	b = binary.AppendUvarint(b, uint64(minLen))
	b = binary.AppendUvarint(b, ps[0].doc)
	for i := 1; i < len(ps); i++ {
		b = binary.AppendUvarint(b, ps[i].doc-ps[i-1].doc)
	}
	for _, p := range ps {
		b = binary.AppendUvarint(b, uint64(p.tf))
	}
	for _, p := range ps {
		b = binary.AppendUvarint(b, uint64(p.len))
	}
	return b
}

// appendBlockPositions appends the positions value of ps.
func appendBlockPositions(b []byte, ps []posting) []byte {
	n := 0
	for _, p := range ps {
		n += len(p.pos)
	}
	b = slices.Grow(b, 2*n)
	for _, p := range ps {
		b = appendPositions(b, p.pos)
	}
	return b
}

func decodeBlockHeader(v []byte) (blockHeader, []byte, error) {
	r := reader{b: v}
	h := blockHeader{n: int(r.uvarint()), maxTF: r.u32(), minLen: r.u32(), first: r.uvarint()}
	if r.err != nil || h.n < 1 || h.n > blockSize {
		return blockHeader{}, nil, fmt.Errorf("%w: block header", errCorrupt)
	}
	return h, r.b, nil
}

// decodeBlock decodes a block's postings (without positions).
func decodeBlock(v []byte) ([]posting, error) { return decodeBlockInto(nil, v) }

// decodeBlockInto is decodeBlock into dst's memory. (Searches decode a
// block per 128 postings they enter: this is their loop, see
// uvarintsInto.)
func decodeBlockInto(dst []posting, v []byte) ([]posting, error) {
	h, b, err := decodeBlockHeader(v)
	if err != nil {
		return nil, err
	}
	bad := func() ([]posting, error) { return nil, fmt.Errorf("%w: block body", errCorrupt) }
	ps := slices.Grow(dst[:0], h.n)[:h.n]
	var vals [blockSize]uint64
	// Document deltas (one fewer than the postings), tfs, lengths.
	p := uvarintsInto(vals[:h.n-1], b, 0)
	if p < 0 {
		return bad()
	}
	doc := h.first
	ps[0] = posting{doc: doc}
	for i, d := range vals[:h.n-1] {
		doc += d
		ps[i+1] = posting{doc: doc}
	}
	if p = uvarintsInto(vals[:h.n], b, p); p < 0 {
		return bad()
	}
	for i, x := range vals[:h.n] {
		if x > math.MaxUint32 {
			return bad()
		}
		ps[i].tf = uint32(x)
	}
	if p = uvarintsInto(vals[:h.n], b, p); p < 0 || p != len(b) {
		return bad()
	}
	for i, x := range vals[:h.n] {
		if x > math.MaxUint32 {
			return bad()
		}
		ps[i].len = uint32(x)
	}
	return ps, nil
}

// uvarintsInto decodes len(dst) uvarints from b[p:] into dst and returns
// the offset after them, or -1 if b does not hold them. Eight one-byte
// uvarints (the usual tf, and often a block's deltas and lengths) come
// from one load.
func uvarintsInto(dst []uint64, b []byte, p int) int {
	var x uint64
	for i := 0; i < len(dst); {
		if i+8 <= len(dst) && p+8 <= len(b) {
			if w := binary.LittleEndian.Uint64(b[p:]); w&0x8080808080808080 == 0 {
				for k := range 8 {
					dst[i+k] = w >> (8 * k) & 0xff
				}
				i, p = i+8, p+8
				continue
			}
		}
		if x, p = uvarintAt(b, p); p < 0 {
			return -1
		}
		dst[i] = x
		i++
	}
	return p
}

// uvarintAt decodes the uvarint at b[p:] (p >= 0), returning it and the
// offset after it, or p = -1 if there is none.
func uvarintAt(b []byte, p int) (uint64, int) {
	if p < len(b) && b[p] < 0x80 {
		return uint64(b[p]), p + 1
	}
	if p >= len(b) {
		return 0, -1
	}
	v, n := binary.Uvarint(b[p:])
	if n <= 0 {
		return 0, -1
	}
	return v, p + n
}

// decodePositions fills in the positions of a decoded block (a merge
// rewriting it; a search decodes only the postings it looks at, see
// cursor.positions).
func decodePositions(ps []posting, v []byte) error {
	// One array for the block: each posting's positions are a piece of
	// it (at least a byte each, so len(v) bounds their number).
	_, err := decodePositionsInto(ps, v, make([]uint32, 0, len(v)))
	return err
}

// decodePositionsInto is decodePositions onto buf (from its length),
// which it returns grown: a merge reuses one buffer term after term.
func decodePositionsInto(ps []posting, v []byte, buf []uint32) ([]uint32, error) {
	r := reader{b: v}
	for i := range ps {
		start := len(buf)
		buf = appendPositionsRead(&r, ps[i].tf, buf)
		ps[i].pos = buf[start:len(buf):len(buf)]
	}
	if r.err != nil || len(r.b) != 0 {
		return buf, fmt.Errorf("%w: block positions", errCorrupt)
	}
	return buf, nil
}

// encodePendingDoc encodes a pending document's change-log entry: 'p',
// its id (uvarint length + bytes), its length per field, the number of
// its distinct (field, term) pairs, then per pair (in analyzed's order):
// field (1 byte), term (uvarint length + bytes), tf, positions (first
// absolute, then deltas). The whole pending document is this one entry:
// an insert writes two keys (this and the id entry), not one per term.
func encodePendingDoc(id []byte, a analyzed) []byte {
	n := 1 + binary.MaxVarintLen64 + len(id) + 4*len(a.lens) + 4
	for i, ft := range a.terms {
		n += 1 + 1 + len(ft.term) + 2 + 2*len(a.post[i].pos)
	}
	b := make([]byte, 0, n)
	b = append(b, changeDoc)
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	b = appendLens(b, a.lens)
	b = binary.AppendUvarint(b, uint64(len(a.terms)))
	for i, ft := range a.terms {
		p := a.post[i]
		b = append(b, byte(ft.field))
		b = binary.AppendUvarint(b, uint64(len(ft.term)))
		b = append(b, ft.term...)
		b = binary.AppendUvarint(b, uint64(p.tf))
		b = appendPositions(b, p.pos)
	}
	return b
}

// pendingDocReader decodes a 'p' change-log entry: newPendingDocReader
// reads the id and lengths, then each call of read one posting (term
// bytes valid until the next call).
type pendingDocReader struct {
	r       reader
	lens    []uint32
	id      []byte
	nfields int
	left    uint64
	pos     []uint32 // the positions read so far: every posting's are a piece
	npos    int      // the document's positions (its tokens), for pos's size
}

func newPendingDocReader(v []byte, nfields int) (*pendingDocReader, error) {
	if len(v) == 0 || v[0] != changeDoc {
		return nil, fmt.Errorf("%w: pending document entry", errCorrupt)
	}
	d := &pendingDocReader{r: reader{b: v[1:]}, nfields: nfields}
	d.id = d.r.bytes()
	d.lens = make([]uint32, nfields)
	for f := range d.lens {
		d.lens[f] = d.r.u32()
	}
	d.left = d.r.uvarint()
	if d.r.err != nil || d.left > uint64(len(d.r.b)) {
		return nil, fmt.Errorf("%w: pending document entry", errCorrupt)
	}
	// The positions are the document's tokens: the field lengths sum
	// them (bounded by the entry's size, against a damaged one).
	total := uint64(0)
	for _, l := range d.lens {
		total += uint64(l)
	}
	d.npos = int(min(total, uint64(len(d.r.b))))
	return d, nil
}

// read returns the next posting's field, term and posting (doc unset,
// len the field's length), decoding the positions only with withPos
// (else skipped); ok is false at the end.
func (d *pendingDocReader) read(withPos bool) (field int, term []byte, p posting, ok bool, err error) {
	if d.left == 0 {
		if len(d.r.b) != 0 {
			return 0, nil, posting{}, false, fmt.Errorf("%w: pending document entry", errCorrupt)
		}
		return 0, nil, posting{}, false, nil
	}
	d.left--
	field = int(d.r.byte())
	term = d.r.bytes()
	p.tf = d.r.u32()
	if withPos {
		if d.pos == nil {
			d.pos = make([]uint32, 0, d.npos)
		}
		start := len(d.pos)
		d.pos = appendPositionsRead(&d.r, p.tf, d.pos)
		p.pos = d.pos[start:len(d.pos):len(d.pos)]
	} else if uint64(p.tf) > uint64(len(d.r.b)) {
		d.r.err = errCorrupt
	} else {
		for range p.tf {
			d.r.uvarint()
		}
	}
	if d.r.err != nil || field >= d.nfields {
		return 0, nil, posting{}, false, fmt.Errorf("%w: pending document entry", errCorrupt)
	}
	p.len = d.lens[field]
	return field, term, p, true, nil
}

// appendRecord appends the document record (encodeDocRecord's value) of
// a pending document entry, read from the entry itself: a merge writes
// one per document, and building the record's terms as strings first
// cost more than writing it.
func (d *pendingDocReader) appendRecord(b []byte) ([]byte, error) {
	b = slices.Grow(b, len(d.r.b)+len(d.id)+16)
	b = binary.AppendUvarint(b, uint64(len(d.id)))
	b = append(b, d.id...)
	b = binary.AppendUvarint(b, uint64(len(d.lens)))
	b = appendLens(b, d.lens)
	b = binary.AppendUvarint(b, uint64(d.left))
	for {
		f, term, _, ok, err := d.read(false)
		if err != nil {
			return nil, err
		}
		if !ok {
			return b, nil
		}
		b = append(b, byte(f))
		b = binary.AppendUvarint(b, uint64(len(term)))
		b = append(b, term...)
	}
}

// record returns the document record of a pending document entry.
func (d *pendingDocReader) record() (docRecord, error) {
	rec := docRecord{id: bytes.Clone(d.id), lens: d.lens, inChangeLog: true}
	for {
		f, term, _, ok, err := d.read(false)
		if err != nil {
			return docRecord{}, err
		}
		if !ok {
			return rec, nil
		}
		rec.terms = append(rec.terms, fieldTerm{f, string(term)})
	}
}

// docRecord is the value of a document entry: what Delete and Merge need
// to find the document's postings and statistics without its text.
type docRecord struct {
	id    []byte   // the caller's document id
	lens  []uint32 // per field, in tokens
	terms []fieldTerm
	// inChangeLog: a pending document whose postings are in its
	// change-log entry (not a record of its own).
	inChangeLog bool
}

type fieldTerm struct {
	field int
	term  string
}

func encodeDocRecord(d docRecord) []byte {
	b := binary.AppendUvarint(nil, uint64(len(d.id)))
	b = append(b, d.id...)
	b = binary.AppendUvarint(b, uint64(len(d.lens)))
	for _, l := range d.lens {
		b = binary.AppendUvarint(b, uint64(l))
	}
	b = binary.AppendUvarint(b, uint64(len(d.terms)))
	for _, t := range d.terms {
		b = append(b, byte(t.field))
		b = binary.AppendUvarint(b, uint64(len(t.term)))
		b = append(b, t.term...)
	}
	return b
}

func decodeDocRecord(v []byte, nfields int) (docRecord, error) {
	r := reader{b: v}
	d := docRecord{id: r.bytes()}
	if n := r.uvarint(); n != uint64(nfields) {
		return docRecord{}, fmt.Errorf("%w: document record has %d fields, index has %d", errCorrupt, n, nfields)
	}
	d.lens = make([]uint32, nfields)
	for i := range d.lens {
		d.lens[i] = r.u32()
	}
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return docRecord{}, errCorrupt
	}
	d.terms = make([]fieldTerm, n)
	for i := range d.terms {
		f := r.byte()
		d.terms[i] = fieldTerm{field: int(f), term: string(r.bytes())}
	}
	if r.err != nil || len(r.b) != 0 {
		return docRecord{}, fmt.Errorf("%w: document record", errCorrupt)
	}
	return d, nil
}

// meta is the index's merged state: written by Merge only, so it is never
// a hot key for writers.
type meta struct {
	version  byte     // metaVersion or metaVersionDict
	nextDoc  uint64   // next merged document number
	docCount uint64   // merged documents not yet purged
	totalLen []uint64 // per field, over those documents
}

func encodeMeta(m meta) []byte {
	b := []byte{m.version}
	b = binary.AppendUvarint(b, m.nextDoc)
	b = binary.AppendUvarint(b, m.docCount)
	b = binary.AppendUvarint(b, uint64(len(m.totalLen)))
	for _, t := range m.totalLen {
		b = binary.AppendUvarint(b, t)
	}
	return b
}

func decodeMeta(v []byte, nfields int) (meta, error) {
	if len(v) == 0 || (v[0] != metaVersion && v[0] != metaVersionDict) {
		return meta{}, fmt.Errorf("%w: meta version", errCorrupt)
	}
	r := reader{b: v[1:]}
	m := meta{version: v[0], nextDoc: r.uvarint(), docCount: r.uvarint()}
	if n := r.uvarint(); n != uint64(nfields) {
		return meta{}, fmt.Errorf("%w: meta has %d fields, index has %d", errCorrupt, n, nfields)
	}
	m.totalLen = make([]uint64, nfields)
	for i := range m.totalLen {
		m.totalLen[i] = r.uvarint()
	}
	if r.err != nil || len(r.b) != 0 {
		return meta{}, fmt.Errorf("%w: meta", errCorrupt)
	}
	return m, nil
}

// termInfo is a term dictionary value as indexes of metaVersionDict
// wrote it: statistics of the merged postings. A merge moves them into
// the term's tail entry (termStats) and leaves dictMarker.
type termInfo struct {
	df     uint64
	maxTF  uint32
	minLen uint32
	// last is the key document of the term's last block, if hasLast
	// (entries written before it was added have no last): a merge
	// appending to the term reads that block by key.
	last    uint64
	hasLast bool
}

func encodeTermInfo(t termInfo) []byte {
	b := binary.AppendUvarint(nil, t.df)
	b = binary.AppendUvarint(b, uint64(t.maxTF))
	b = binary.AppendUvarint(b, uint64(t.minLen))
	if t.hasLast {
		b = binary.AppendUvarint(b, t.last)
	}
	return b
}

func decodeTermInfo(v []byte) (termInfo, error) {
	r := reader{b: v}
	t := termInfo{df: r.uvarint(), maxTF: r.u32(), minLen: r.u32()}
	if r.err == nil && len(r.b) > 0 {
		t.last, t.hasLast = r.uvarint(), true
	}
	if r.err != nil || len(r.b) != 0 {
		return termInfo{}, fmt.Errorf("%w: term info", errCorrupt)
	}
	return t, nil
}

// termStats are the statistics of a term's merged postings (all of its
// blocks and its tail).
type termStats struct {
	df     uint64
	maxTF  uint32
	minLen uint32
}

func newTermStats() termStats { return termStats{minLen: math.MaxUint32} }

func (t *termStats) add(ps []posting) {
	for _, p := range ps {
		t.df++
		t.maxTF, t.minLen = max(t.maxTF, p.tf), min(t.minLen, p.len)
	}
}

func (t *termStats) addBlock(h blockHeader) {
	t.df += uint64(h.n)
	t.maxTF, t.minLen = max(t.maxTF, h.maxTF), min(t.minLen, h.minLen)
}

// tailEntry is a decoded tail entry: the term's statistics and its last
// postings, fewer than a block (block and pos are encodeBlock's values,
// nil for none; last is the last posting's document).
type tailEntry struct {
	stats      termStats
	n          int
	last       uint64
	block, pos []byte
}

// encodeTail encodes a tail entry of stats and ps (fewer than blockSize
// postings, ascending, with positions): df, max tf, min length, the
// number of postings, then if any the last document, the block (uvarint
// length + bytes) and the positions (the rest).
func encodeTail(st termStats, ps []posting) []byte {
	// One allocation, most tails: the header, then about a byte a
	// uvarint (three a posting, and its positions).
	n := 64 + 3*len(ps)
	for _, p := range ps {
		n += len(p.pos)
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, st.df)
	b = binary.AppendUvarint(b, uint64(st.maxTF))
	b = binary.AppendUvarint(b, uint64(st.minLen))
	b = binary.AppendUvarint(b, uint64(len(ps)))
	if len(ps) == 0 {
		return b
	}
	b = binary.AppendUvarint(b, ps[len(ps)-1].doc)
	// The block's length goes before it: leave two bytes for its uvarint
	// (fewer than blockSize postings take at most 4*10 + 127*20 bytes,
	// under 2^14), and close the gap when it takes one.
	at := len(b)
	b = append(b, 0, 0)
	b = appendBlock(b, ps)
	if n := len(b) - at - 2; n < 0x80 {
		b[at] = byte(n)
		b = append(b[:at+1], b[at+2:]...)
	} else {
		binary.PutUvarint(b[at:at+2], uint64(n))
	}
	return appendBlockPositions(b, ps)
}

func decodeTail(v []byte) (tailEntry, error) {
	r := reader{b: v}
	t := tailEntry{stats: termStats{df: r.uvarint(), maxTF: r.u32(), minLen: r.u32()}}
	n := r.uvarint()
	if r.err == nil && n > 0 && n < blockSize && n <= t.stats.df {
		t.n, t.last = int(n), r.uvarint()
		t.block = r.bytes()
		t.pos = r.b
		if r.err == nil && len(t.pos) == 0 {
			r.err = errCorrupt // every posting has a position
		}
	} else if n != 0 || len(r.b) != 0 {
		r.err = errCorrupt
	}
	if r.err != nil || t.stats.df == 0 {
		return tailEntry{}, fmt.Errorf("%w: tail entry", errCorrupt)
	}
	return t, nil
}
