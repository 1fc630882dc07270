package fts

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/mvcc"
)

var (
	// ErrDuplicateDoc is returned by Add for a document id already indexed.
	ErrDuplicateDoc = errors.New("fts: document already indexed")
	// ErrDocNotFound is returned by Delete for a document id not indexed.
	ErrDocNotFound = errors.New("fts: document not indexed")
)

// MaxFields bounds an index's fields: a field is one byte in keys.
const MaxFields = 255

// Index is a full-text index over documents of one or more text fields,
// stored under a key prefix in an mvcc store. An Index holds no state of
// its own besides its definition: every method takes the transaction to
// read and write through, so index updates commit or roll back with the
// row writes beside them. It is safe for concurrent use.
type Index struct {
	prefix   []byte
	fields   []string
	analyzer *analysis.Analyzer
	seed     maphash.Seed // of analyze's table of a document's terms
	groupers sync.Pool    // of *grouper, for add
	numbers  *Numbers     // of new documents (SetNumbers); nil: hashed
	workers  *Workers     // analyze new documents (SetWorkers); nil: Add does
}

// New returns the index stored under prefix, with the given fields (in a
// fixed order: field i is byte i in keys, so the list may only grow at
// the end) and analyzer. No other key may start with prefix.
func New(prefix []byte, fields []string, analyzer *analysis.Analyzer) (*Index, error) {
	switch {
	case len(prefix) == 0:
		return nil, errors.New("fts: an index needs a key prefix")
	case len(fields) == 0 || len(fields) > MaxFields:
		return nil, fmt.Errorf("fts: an index has 1 to %d fields, not %d", MaxFields, len(fields))
	case analyzer == nil:
		return nil, errors.New("fts: an index needs an analyzer")
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if f == "" || seen[f] {
			return nil, fmt.Errorf("fts: field names must be unique and non-empty: %q", fields)
		}
		seen[f] = true
	}
	return &Index{prefix: bytes.Clone(prefix), fields: slices.Clone(fields), analyzer: analyzer, seed: maphash.MakeSeed()}, nil
}

// Fields returns the index's field names.
func (ix *Index) Fields() []string { return slices.Clone(ix.fields) }

// Analyzer returns the index's analyzer.
func (ix *Index) Analyzer() *analysis.Analyzer { return ix.analyzer }

// analyzed is a document's postings, per field and term: each (field,
// term) once, in the order of its first token, and post[i] the posting
// of terms[i].
type analyzed struct {
	lens  []uint32
	terms []fieldTerm
	post  []posting
}

// analyze is analyzeWith a grouper of its own: the result is the
// caller's to keep.
func (ix *Index) analyze(values []string) (analyzed, error) {
	return ix.analyzeWith(&grouper{ix: ix}, values)
}

// analyzeWith analyzes a document's values with g, whose memory the
// result views: it is valid until g's next use.
func (ix *Index) analyzeWith(g *grouper, values []string) (analyzed, error) {
	if err := ix.checkValues(values); err != nil {
		return analyzed{}, err
	}
	// The tokens grouped by (field, term) in a hash table of their own
	// (no map per document), each group's positions chained in token
	// order, the groups in the order of their first tokens; the positions
	// of all of them share one array. Nothing sorts: no reader of a
	// document's terms needs them in order (sorting every token by its
	// term was a third of the analysis).
	n := 0
	for _, v := range values {
		n += len(v)/5 + 1 // about the tokens (English averages ~6 bytes a word)
	}
	g.reset(n, len(values))
	for f, v := range values {
		first, fieldPost := len(g.pos), len(g.a.post)
		g.field = f
		ix.analyzer.Terms(v, g.addFn)
		g.a.lens[f] = uint32(len(g.pos) - first)
		for i := fieldPost; i < len(g.a.post); i++ {
			g.a.post[i].len = g.a.lens[f]
		}
	}
	a := g.a
	for i := range a.post {
		start := len(g.positions)
		for t := g.ends[2*i]; t >= 0; t = g.next[t] {
			g.positions = append(g.positions, uint32(g.pos[t]))
		}
		a.post[i].pos = g.positions[start:len(g.positions):len(g.positions)]
	}
	return a, nil
}

// grouper groups a document's tokens by (field, term) for analyze; an
// Index keeps them for reuse (Index.groupers), so analyzing a document
// allocates nothing once they have grown to its size. The table (a
// group's index + 1; 0: free) grows as the groups do; next chains each
// token to the next of its group, pos holds each token's position, ends
// each group's first and last tokens. The terms the analyzer lends are
// copied into arena when they start a group (their strings view it),
// once per distinct term.
type grouper struct {
	ix              *Index
	field           int
	table           []int32
	next, pos, ends []int32
	arena           []byte
	positions       []uint32
	a               analyzed
	addFn           func(string, int) // g.add, bound once
}

// reset readies g for a document of about n tokens in nfields fields.
func (g *grouper) reset(n, nfields int) {
	size := max(16, 2*ceilPow2(n))
	if cap(g.table) >= size {
		g.table = g.table[:size]
		clear(g.table)
	} else {
		g.table = make([]int32, size)
	}
	g.next, g.pos, g.ends = slices.Grow(g.next[:0], n), slices.Grow(g.pos[:0], n), slices.Grow(g.ends[:0], 2*n)
	g.arena, g.positions = slices.Grow(g.arena[:0], 4*n), slices.Grow(g.positions[:0], n)
	g.a.lens = slices.Grow(g.a.lens[:0], nfields)[:nfields]
	g.a.terms, g.a.post = slices.Grow(g.a.terms[:0], n), slices.Grow(g.a.post[:0], n)
	if g.addFn == nil {
		g.addFn = g.add
	}
}

// add takes the next token of the current field.
func (g *grouper) add(term string, p int) {
	k := int32(len(g.pos))
	g.pos, g.next = append(g.pos, int32(p)), append(g.next, -1)
	if 2*len(g.a.terms) >= len(g.table) {
		g.table = g.ix.regroup(g.table, g.a.terms)
	}
	mask := len(g.table) - 1
	for h := int(maphash.String(g.ix.seed, term)+uint64(g.field)) & mask; ; h = (h + 1) & mask {
		i := g.table[h] - 1
		if i < 0 {
			i = int32(len(g.a.terms))
			at := len(g.arena)
			g.arena = append(g.arena, term...)
			if term != "" {
				term = unsafe.String(&g.arena[at], len(term))
			}
			g.a.terms = append(g.a.terms, fieldTerm{g.field, term})
			g.a.post = append(g.a.post, posting{tf: 1})
			g.ends = append(g.ends, k, k)
			g.table[h] = i + 1
			return
		}
		if ft := g.a.terms[i]; ft.field == g.field && ft.term == term {
			g.next[g.ends[2*i+1]], g.ends[2*i+1] = k, k
			g.a.post[i].tf++
			return
		}
	}
}

// regroup returns a table twice the size of table holding terms' groups.
func (ix *Index) regroup(table []int32, terms []fieldTerm) []int32 {
	table = make([]int32, 2*len(table))
	mask := len(table) - 1
	for g, ft := range terms {
		h := int(maphash.String(ix.seed, ft.term)+uint64(ft.field)) & mask
		for table[h] != 0 {
			h = (h + 1) & mask
		}
		table[h] = int32(g) + 1
	}
	return table
}

// ceilPow2 returns the least power of two at least n (n > 0).
func ceilPow2(n int) int {
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

func compareFieldTerm(a, b fieldTerm) int {
	if a.field != b.field {
		return a.field - b.field
	}
	return strings.Compare(a.term, b.term)
}

// Add indexes a document: values[i] is the text of field i ("" for none).
// id is the caller's stable document id (a primary key's bytes); it is
// what searches return. It writes two keys of the document's own: its
// change-log entry, which carries its postings until a merge, and its id
// entry. So concurrent Adds of different documents never conflict
// (doc.go).
func (ix *Index) Add(txn *mvcc.Txn, id []byte, values []string) error {
	return ix.add(txn, id, values, true)
}

// AddNew is Add for a document the caller knows is not indexed: a row
// just stored under a primary key the caller checked was free, or one
// whose document it just deleted. It skips Add's lookup of the id, a
// point read per insert; adding an id that is indexed breaks the index.
func (ix *Index) AddNew(txn *mvcc.Txn, id []byte, values []string) error {
	return ix.add(txn, id, values, false)
}

// checkValues checks that values has a text per field of the index.
func (ix *Index) checkValues(values []string) error {
	if len(values) != len(ix.fields) {
		return fmt.Errorf("fts: %d field values for an index of %d fields", len(values), len(ix.fields))
	}
	return nil
}

func (ix *Index) add(txn *mvcc.Txn, id []byte, values []string, check bool) error {
	if err := ix.checkValues(values); err != nil {
		return err
	}
	if check {
		if _, found, err := txn.Get(ix.extKey(id)); err != nil {
			return err
		} else if found {
			return fmt.Errorf("%w: %q", ErrDuplicateDoc, id)
		}
	}
	doc, err := ix.allocPending(txn, id)
	if err != nil {
		return err
	}
	if err := txn.PutOwned(ix.extKey(id), binary.BigEndian.AppendUint64(nil, doc)); err != nil {
		return err
	}
	key := ix.docKey(tagChange, doc)
	if ix.workers != nil {
		return ix.workers.add(txn, key, ix, id, values)
	}
	entry, err := ix.entry(id, values)
	if err != nil {
		return err
	}
	return txn.PutOwned(key, entry)
}

// entry analyzes a new document and returns its change-log entry.
func (ix *Index) entry(id []byte, values []string) ([]byte, error) {
	g, _ := ix.groupers.Get().(*grouper)
	if g == nil {
		g = &grouper{ix: ix}
	}
	defer ix.groupers.Put(g) // the entry copied the postings
	a, err := ix.analyzeWith(g, values)
	if err != nil {
		return nil, err
	}
	return encodePendingDoc(id, a), nil
}

func appendLens(b []byte, lens []uint32) []byte {
	for _, l := range lens {
		b = binary.AppendUvarint(b, uint64(l))
	}
	return b
}

// allocPending picks the pending document number of a new document: the
// next of its index's range, from the index's Numbers (numbers.go), or
// without Numbers a hash of its id with the top bit set, probing upwards
// past numbers in use. Neither reads or writes a stored counter, so
// concurrent Adds share no key; two that pick the same free hashed number
// both write its document entry, and the later committer gets a
// serialization failure to retry, as for any write-write conflict.
func (ix *Index) allocPending(txn *mvcc.Txn, id []byte) (uint64, error) {
	if ix.numbers != nil {
		return ix.numbers.next(ix, txn.DB())
	}
	doc := xxhash.Sum64(id) | pendingBit
	for range 1 << 16 {
		// Every pending document has a change-log entry (merged ones'
		// numbers lack the top bit).
		if _, found, err := txn.Get(ix.docKey(tagChange, doc)); err != nil {
			return 0, err
		} else if !found {
			return doc, nil
		}
		doc++
		if doc == endDoc { // endDoc marks an exhausted cursor
			doc = pendingBit
		}
	}
	return 0, errors.New("fts: no free pending document number near the id's hash (merge the index)")
}

// lookup returns the document number and record of id.
func (ix *Index) lookup(txn *mvcc.Txn, id []byte) (uint64, docRecord, error) {
	v, found, err := txn.Get(ix.extKey(id))
	if err != nil {
		return 0, docRecord{}, err
	}
	if !found {
		return 0, docRecord{}, fmt.Errorf("%w: %q", ErrDocNotFound, id)
	}
	if len(v) != 8 {
		return 0, docRecord{}, fmt.Errorf("%w: document id entry", errCorrupt)
	}
	doc := binary.BigEndian.Uint64(v)
	if doc&pendingBit != 0 {
		cv, found, err := txn.Get(ix.docKey(tagChange, doc))
		if err != nil {
			return 0, docRecord{}, err
		}
		if found && len(cv) > 0 && cv[0] == changeDoc {
			d, err := newPendingDocReader(cv, len(ix.fields))
			if err != nil {
				return 0, docRecord{}, err
			}
			rec, err := d.record()
			return doc, rec, err
		}
	}
	rv, found, err := txn.Get(ix.docKey(tagDoc, doc))
	if err != nil {
		return 0, docRecord{}, err
	}
	if !found {
		return 0, docRecord{}, fmt.Errorf("%w: document %d has an id entry but no record", errCorrupt, doc)
	}
	rec, err := decodeDocRecord(rv, len(ix.fields))
	return doc, rec, err
}

// Delete removes a document from the index. A document not yet merged
// vanishes at once (its change-log entry, which holds its postings, is
// deleted); a merged one is marked deleted in the change log, hidden from
// searches at once, and purged from the posting blocks by the next Merge.
func (ix *Index) Delete(txn *mvcc.Txn, id []byte) error {
	doc, rec, err := ix.lookup(txn, id)
	if err != nil {
		return err
	}
	if err := txn.Delete(ix.extKey(id)); err != nil {
		return err
	}
	if doc&pendingBit == 0 {
		return txn.Put(ix.docKey(tagChange, doc), []byte{changeDel})
	}
	if !rec.inChangeLog { // the first format: postings and record of their own
		for _, ft := range rec.terms {
			if err := txn.Delete(ix.termKey(tagPending, ft.field, ft.term, doc)); err != nil {
				return err
			}
		}
		if err := txn.Delete(ix.docKey(tagDoc, doc)); err != nil {
			return err
		}
	}
	return txn.Delete(ix.docKey(tagChange, doc))
}

// Update replaces a document's text (adding it if it was not indexed).
func (ix *Index) Update(txn *mvcc.Txn, id []byte, values []string) error {
	if err := ix.Delete(txn, id); err != nil && !errors.Is(err, ErrDocNotFound) {
		return err
	}
	return ix.Add(txn, id, values)
}

// state is what a search needs of the index besides the merged postings:
// the statistics of every document not yet purged, the deleted set, and
// the pending documents (whose postings are in their change-log entries).
type state struct {
	meta     meta
	pendLen  []uint64 // their lengths per field
	deleted  map[uint64]struct{}
	adds     []uint64 // pending document numbers, ascending
	addLens  [][]uint32
	addRaw   [][]byte // their change-log entries ('p'); nil for the first format
	legacy   int      // pending documents of the first format (postings under tagPending)
	delsList []uint64 // merged documents deleted, ascending

	// loadState with a limit: the pending documents past it, counted, and
	// those of the first format among them.
	later      int
	laterFirst map[uint64]bool

	// The pending postings, for every search sharing the state
	// (pending.go): older is the inversion of the state kept before this
	// one, which this one may reuse, until the first search decides.
	older      *pendingIndex
	once       sync.Once
	pend       *pendingIndex // every pending document, or nil when derived
	base       *pendingIndex // derived: an older inversion, filtered by kept
	kept       []uint64      // derived: the base's documents still pending, unchanged
	fresh      *pendingIndex // derived: the pending documents the base lacks
	pendErr    error
	whole      atomic.Pointer[pendingIndex] // pend or base, once prepared
	memoMu     sync.Mutex
	memo       map[fieldTerm][]posting // derived: lists built so far
	unionTerms [][]string              // derived: terms per field, built so far
}

// N returns the document count of the BM25 statistics.
func (s *state) N() uint64 { return s.meta.docCount + uint64(len(s.adds)) }

// avgLen returns the average length of field f.
func (s *state) avgLen(f int) float64 {
	n := s.N()
	total := s.meta.totalLen[f] + s.pendLen[f]
	if n == 0 || total == 0 {
		return 1
	}
	return float64(total) / float64(n)
}

// sharedState is loadState for readers that leave the state as it is
// (searches, Pending): reading the change log of every document added
// since the last merge cost a search more than the search itself while
// a bulk load waits for its merge, so the state is kept with the index's
// prefix clock and reused by every snapshot that sees the same writes.
func (ix *Index) sharedState(txn *mvcc.Txn) (*state, error) {
	clock := txn.DB().PrefixClock(ix.prefix)
	if v, ok := clock.Cached(txn); ok {
		return v.(*state), nil
	}
	s, err := ix.loadState(txn, 0)
	if err != nil {
		return nil, err
	}
	if v, ok := clock.Kept(); ok {
		s.older = v.(*state).whole.Load() // may serve this state (pending.go)
	}
	clock.Keep(txn, s)
	return s, nil
}

// loadState reads the index's state. With maxAdds > 0 it keeps only the
// first maxAdds pending documents (a merge's piece) and counts the rest
// in later, remembering in laterFirst those of the first format: a merge
// of a piece does not copy and decode the whole backlog every time.
func (ix *Index) loadState(txn *mvcc.Txn, maxAdds int) (*state, error) {
	s := &state{pendLen: make([]uint64, len(ix.fields)), deleted: map[uint64]struct{}{}}
	v, found, err := txn.Get(ix.key(tagMeta, 0))
	if err != nil {
		return nil, err
	}
	if found {
		if s.meta, err = decodeMeta(v, len(ix.fields)); err != nil {
			return nil, err
		}
	} else {
		s.meta = meta{version: metaVersion, totalLen: make([]uint64, len(ix.fields))}
	}
	start, end := ix.tagRange(tagChange)
	it := txn.Scan(start, end)
	for it.Next() {
		k, v := it.Key(), it.Value()
		if len(k) != len(start)+8 || len(v) == 0 {
			it.Close()
			return nil, fmt.Errorf("%w: change log entry", errCorrupt)
		}
		doc := binary.BigEndian.Uint64(k[len(start):])
		if maxAdds > 0 && len(s.adds) == maxAdds && v[0] != changeDel {
			s.later++
			if v[0] == changeAdd {
				if s.laterFirst == nil {
					s.laterFirst = map[uint64]bool{}
				}
				s.laterFirst[doc] = true
			}
			continue
		}
		switch v[0] {
		case changeDoc:
			d, err := newPendingDocReader(v, len(ix.fields))
			if err != nil {
				it.Close()
				return nil, err
			}
			for f, l := range d.lens {
				s.pendLen[f] += uint64(l)
			}
			s.adds = append(s.adds, doc)
			s.addLens = append(s.addLens, d.lens)
			s.addRaw = append(s.addRaw, bytes.Clone(v))
		case changeAdd:
			r := reader{b: v[1:]}
			lens := make([]uint32, len(ix.fields))
			for f := range lens {
				lens[f] = r.u32()
				s.pendLen[f] += uint64(lens[f])
			}
			if r.err != nil || len(r.b) != 0 {
				it.Close()
				return nil, fmt.Errorf("%w: change log lengths", errCorrupt)
			}
			s.adds = append(s.adds, doc)
			s.addLens = append(s.addLens, lens)
			s.addRaw = append(s.addRaw, nil)
			s.legacy++
		case changeDel:
			s.deleted[doc] = struct{}{}
			s.delsList = append(s.delsList, doc)
		default:
			it.Close()
			return nil, fmt.Errorf("%w: change log tag %#x", errCorrupt, v[0])
		}
	}
	if err := it.Close(); err != nil {
		return nil, err
	}
	return s, nil
}

// invertPending inverts the postings of the pending documents docs
// (ascending) whose change-log entries are raws, per field and term, each
// posting numbered by number(doc), yielding as a merge does if yield.
// Documents of the first format (a nil entry) are skipped: their postings
// are keys of their own. The result's lists are in term order; its maps,
// for searches, are built by withMaps. (A merge piece inverts some
// 400,000 postings of 30,000 terms: into one array, each term's run in
// its place, rather than appended to a growing slice per term.)
func (ix *Index) invertPending(docs []uint64, raws [][]byte, number func(uint64) uint64, yield bool) (*pendingIndex, error) {
	inv, err := ix.invert(raws, yield)
	if err != nil {
		return nil, err
	}
	numbered := make([]uint64, len(docs))
	for i, d := range docs {
		numbered[i] = number(d)
	}
	pi := &pendingIndex{docs: docs, raws: raws, terms: inv.terms, lists: make([][][]posting, len(ix.fields))}
	all := make([]posting, 0, len(inv.post))
	k := 0
	for f, ts := range inv.terms {
		pi.lists[f] = make([][]posting, len(ts))
		for x := range ts {
			start := len(all)
			all = inv.expand(all, k, numbered)
			pi.lists[f][x] = all[start:len(all):len(all)]
			k++
		}
	}
	return pi, nil
}

// An inversion is change-log entries' postings grouped by (field, term)
// in compact form: a posting is its document's index in the entries,
// its tf, its field's length and where its positions start in pos, 16
// bytes and no pointer.
// Grouping scatters every posting to its term's run, a write that
// mostly misses the cache, so the less it writes the better (a posting
// with its positions' slice is 40 bytes, and a pointer the garbage
// collector must see written); a merge expands one term's run at a time
// (expand) into a buffer it reuses.
type inversion struct {
	terms [][]string // per field, sorted
	// spans[k] is where the k-th term (in field, then term order) has
	// its run in post.
	spans [][2]int32
	post  []compactPosting
	pos   []uint32
}

type compactPosting struct{ doc, tf, len, pos uint32 }

// expand appends the postings of the k-th term (in field, then term
// order) to buf, the entry at index i as document numbered[i].
func (inv *inversion) expand(buf []posting, k int, numbered []uint64) []posting {
	sp := inv.spans[k]
	for _, c := range inv.post[sp[0]:sp[1]] {
		end := c.pos + c.tf
		buf = append(buf, posting{doc: numbered[c.doc], tf: c.tf, len: c.len, pos: inv.pos[c.pos:end:end]})
	}
	return buf
}

// invert groups the postings of the change-log entries raws (nil ones,
// of the first format, skipped) by term; see inversion.
func (ix *Index) invert(raws [][]byte, yield bool) (*inversion, error) {
	n := 0
	for _, raw := range raws {
		if raw != nil {
			d, err := newPendingDocReader(raw, len(ix.fields))
			if err != nil {
				return nil, err
			}
			n += int(d.left)
		}
	}
	// Terms get numbers in the order first seen, across fields; a
	// lookup by string(term) does not allocate, an assignment does, once
	// per term.
	type termNo struct {
		name string
		j    int32
	}
	at := make([]map[string]int32, len(ix.fields))
	byField := make([][]termNo, len(ix.fields))
	for f := range at {
		// Sized for a term per 32 postings (the bench corpus has one
		// per 50), so that most pieces' maps do not grow step by step.
		at[f] = make(map[string]int32, n/32/len(ix.fields))
	}
	// First each posting's term (positions skipped), counted per term;
	// then, with the runs' places known, the postings again, each
	// decoded straight into its term's run: no array of them all in
	// the order read, to be moved.
	var counts []int
	tids := make([]int32, 0, n) // each posting's term
	err := ix.eachPendingPosting(raws, nil, yield, func(_, f int, term []byte, _ posting) error {
		j, seen := at[f][string(term)]
		if !seen {
			j = int32(len(counts))
			t := string(term)
			at[f][t] = j
			byField[f] = append(byField[f], termNo{t, j})
			counts = append(counts, 0)
		}
		counts[j]++
		tids = append(tids, j)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(tids) > math.MaxInt32 {
		return nil, fmt.Errorf("fts: %d postings to invert at once", len(tids))
	}
	// starts[j]: where term j's run begins; next[j]: where its next
	// posting goes.
	starts := make([]int32, len(counts)+1)
	for j, c := range counts {
		starts[j+1] = starts[j] + int32(c)
	}
	next := slices.Clone(starts[:len(counts)])
	inv := &inversion{post: make([]compactPosting, len(tids)), pos: make([]uint32, 0, len(tids)+len(tids)/2)}
	k := 0
	err = ix.eachPendingPosting(raws, &inv.pos, yield, func(i, _ int, _ []byte, p posting) error {
		if k == len(tids) || len(inv.pos) > math.MaxUint32 {
			return fmt.Errorf("%w: pending document entry", errCorrupt)
		}
		j := tids[k]
		k++
		// p's positions are inv.pos's last.
		inv.post[next[j]] = compactPosting{doc: uint32(i), tf: p.tf, len: p.len, pos: uint32(len(inv.pos) - len(p.pos))}
		next[j]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	inv.terms = make([][]string, len(ix.fields))
	for f, ts := range byField {
		slices.SortFunc(ts, func(a, b termNo) int { return strings.Compare(a.name, b.name) })
		inv.terms[f] = make([]string, len(ts))
		for x, t := range ts {
			inv.terms[f][x] = t.name
			inv.spans = append(inv.spans, [2]int32{starts[t.j], starts[t.j+1]})
		}
	}
	return inv, nil
}

// eachPendingPosting calls fn with each posting of the change-log entries
// raws, in order, with its entry's index, field and term (valid during
// the call); entries of the first format (nil) are skipped. With
// positions it decodes the positions too, appending them to *positions
// (a posting's are then the last of them when fn is called); yield
// yields the processor every mergeCheckEvery entries (a merge's, see
// mergeCheckEvery).
func (ix *Index) eachPendingPosting(raws [][]byte, positions *[]uint32, yield bool, fn func(i, field int, term []byte, p posting) error) error {
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		if yield && i%mergeCheckEvery == 0 {
			runtime.Gosched()
		}
		d, err := newPendingDocReader(raw, len(ix.fields))
		if err != nil {
			return err
		}
		if positions != nil {
			d.pos = *positions
		}
		for {
			f, term, p, ok, err := d.read(positions != nil)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if positions != nil {
				*positions = d.pos
			}
			if err := fn(i, f, term, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// pendingID returns the id of pending document d from its change-log
// entry; ok is false if d is not a pending document of this format.
func (s *state) pendingID(d uint64, nfields int) (id []byte, ok bool, err error) {
	i, found := slices.BinarySearch(s.adds, d)
	if !found || s.addRaw[i] == nil {
		return nil, false, nil
	}
	r, err := newPendingDocReader(s.addRaw[i], nfields)
	if err != nil {
		return nil, false, err
	}
	return bytes.Clone(r.id), true, nil
}

// MergeStats reports what a Merge did.
type MergeStats struct {
	Added, Purged, Terms int
	// Pending counts the documents MergeSome left for a later merge.
	Pending int
}

// Merge folds the documents added since the last merge into the posting
// blocks (giving them dense document numbers, so blocks delta-encode
// well) and purges deleted documents from the blocks, the term dictionary
// and the statistics. Run it in its own transaction, from a background
// task, when Pending reports enough work: it conflicts only with another
// Merge and with a Delete of a document it is folding in; Adds of new
// documents proceed beside it. Its cost is the pending postings plus, for
// each term they touch, the blocks from the first one that changes to the
// end of the term's list.
func (ix *Index) Merge(ctx context.Context, txn *mvcc.Txn) (MergeStats, error) {
	return ix.MergeSome(ctx, txn, 0)
}

// mergeCheckEvery is how often a merge looks at its context, and yields
// its processor: every this many terms or documents (a few milliseconds
// of work). A merge runs beside the writes that made it due, and a
// goroutine that runs on keeps its processor until the scheduler
// preempts it, 10 ms on: yielding lets a statement's goroutine that the
// merge's took the processor of (waking it, or while it waited on a
// commit) run again sooner. Measured on fts-build's two cores, with the
// store's flushes and compactions yielding as well (lsm.yieldEvery),
// the median ratios of two rounds of 8 alternating runs each went from
// 0.90 to 0.95 and from 0.93 to 0.96.
const mergeCheckEvery = 256

// mergePause is a merge's check at its i-th term or document: every
// mergeCheckEvery it returns its context's error, or yields.
func mergePause(ctx context.Context, i int) error {
	if i%mergeCheckEvery != 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	runtime.Gosched()
	return nil
}

// MergeSome is Merge of the first maxDocs pending documents only (0: all):
// a bounded piece of the work, with a bounded write set, so that a large
// backlog merges in several transactions. Stats.Pending is what remains.
// A merge stops with ctx's error when ctx ends (checked every
// mergeCheckEvery terms and documents); its writes are then the caller's
// to roll back.
func (ix *Index) MergeSome(ctx context.Context, txn *mvcc.Txn, maxDocs int) (MergeStats, error) {
	var st MergeStats
	w := &writeBuf{}
	s, err := ix.loadState(txn, maxDocs)
	if err != nil {
		return st, err
	}
	if len(s.adds) == 0 && len(s.delsList) == 0 {
		return st, nil
	}
	// The documents left for a later merge: their pending postings stay.
	st.Pending = s.later
	later := s.laterFirst
	m := s.meta
	// Dense numbers for the new documents, in pending-number order, so the
	// mapping is monotonic and postings stay sorted: numbered[i] is
	// s.adds[i]'s (and final maps them, for first-format postings, whose
	// keys name the pending number).
	numbered := make([]uint64, len(s.adds))
	for i := range s.adds {
		numbered[i] = m.nextDoc + uint64(i)
	}
	var final map[uint64]uint64
	if s.legacy > 0 {
		final = make(map[uint64]uint64, len(s.adds))
		for i, d := range s.adds {
			final[d] = numbered[i]
		}
	}
	// Pending postings, grouped by term: those in change-log entries,
	// then those of first-format documents under tagPending (keys sort by
	// field, term, doc).
	inv, err := ix.invert(s.addRaw, true)
	if err != nil {
		return st, err
	}
	// The terms to merge, in order: the inversion's, whose postings are
	// expanded one term at a time as they are merged; then, with
	// first-format documents or deletions, those add terms of their own,
	// every term's postings are expanded into lists, and the terms are
	// sorted again.
	nterms := len(inv.spans)
	touched := make([]fieldTerm, 0, nterms)
	for f, ts := range inv.terms {
		for _, t := range ts {
			touched = append(touched, fieldTerm{f, t})
		}
	}
	var lists [][]posting // nil: expand touched[i]'s from inv
	var pendKeys [][]byte
	var delTerms map[fieldTerm]bool
	if s.legacy > 0 || len(s.delsList) > 0 {
		newPost := make(map[fieldTerm][]posting, len(touched))
		for i, ft := range touched {
			newPost[ft] = inv.expand(nil, i, numbered)
		}
		if err := ix.mergeLegacyPostings(txn, s, final, later, newPost, &touched, &pendKeys); err != nil {
			return st, err
		}
		// The terms of deleted documents, from their records: only their
		// blocks can hold a deleted document.
		delTerms = map[fieldTerm]bool{}
		for _, d := range s.delsList {
			rec, _, err := ix.readRecord(txn, d)
			if err != nil {
				return st, err
			}
			for _, ft := range rec.terms {
				if _, ok := newPost[ft]; !ok {
					newPost[ft] = nil
					touched = append(touched, ft)
				}
				delTerms[ft] = true
			}
			for f, l := range rec.lens {
				m.totalLen[f] -= uint64(l)
			}
			m.docCount--
			w.del(ix.docKey(tagDoc, d))
			w.del(ix.docKey(tagChange, d))
		}
		slices.SortFunc(touched, compareFieldTerm)
		lists = make([][]posting, 0, len(touched))
		for _, ft := range touched {
			lists = append(lists, newPost[ft])
		}
	}
	// About the writes to come, at once: a term's tail and dictionary
	// entry (or full blocks), three keys a document (record, id entry,
	// change-log entry), two a deleted one.
	w.grow(2*len(touched) + 3*len(s.adds) + 2*len(s.delsList) + len(pendKeys) + 1)
	var buf []posting // a term's postings, expanded (mergeTerm keeps none)
	var tail termScratch
	for i, ft := range touched {
		if err := mergePause(ctx, i); err != nil {
			return st, err
		}
		var ps []posting
		if lists != nil {
			ps = lists[i]
		} else {
			buf = inv.expand(buf[:0], i, numbered)
			ps = buf
		}
		if s.legacy > 0 {
			// First-format postings came after the others of their term.
			slices.SortFunc(ps, func(a, b posting) int { return cmp.Compare(a.doc, b.doc) })
		}
		var del map[uint64]struct{}
		if delTerms[ft] {
			del = s.deleted
		}
		if err := ix.mergeTerm(txn, w, ft, ps, del, &m, &tail); err != nil {
			return st, err
		}
	}
	for _, k := range pendKeys {
		w.del(k)
	}
	for i, d := range s.adds {
		if err := mergePause(ctx, i); err != nil {
			return st, err
		}
		var id, record []byte
		if raw := s.addRaw[i]; raw != nil {
			r, err := newPendingDocReader(raw, len(ix.fields))
			if err != nil {
				return st, err
			}
			if record, err = r.appendRecord(nil); err != nil {
				return st, err
			}
			id = r.id
		} else {
			rec, v, err := ix.readRecord(txn, d)
			if err != nil {
				return st, err
			}
			id, record = rec.id, v
			w.del(ix.docKey(tagDoc, d))
		}
		w.del(ix.docKey(tagChange, d))
		w.put(ix.docKey(tagDoc, numbered[i]), record)
		w.put(ix.extKey(id), binary.BigEndian.AppendUint64(nil, numbered[i]))
		for f, l := range s.addLens[i] {
			m.totalLen[f] += uint64(l)
		}
	}
	m.nextDoc += uint64(len(s.adds))
	m.docCount += uint64(len(s.adds))
	st = MergeStats{Added: len(s.adds), Purged: len(s.delsList), Terms: len(touched), Pending: st.Pending}
	w.put(ix.key(tagMeta, 0), encodeMeta(m))
	return st, w.apply(txn)
}

// readRecord reads and decodes the document record of document d (its
// value too).
func (ix *Index) readRecord(txn *mvcc.Txn, d uint64) (docRecord, []byte, error) {
	v, found, err := txn.Get(ix.docKey(tagDoc, d))
	if err != nil {
		return docRecord{}, nil, err
	}
	if !found {
		return docRecord{}, nil, fmt.Errorf("%w: document %#x has no record", errCorrupt, d)
	}
	rec, err := decodeDocRecord(v, len(ix.fields))
	return rec, v, err
}

// mergeLegacyPostings adds to newPost (and touched) the postings of the
// first-format pending documents being merged, read from their keys under
// tagPending, and collects those keys for deletion. Documents left for a
// later merge keep theirs.
func (ix *Index) mergeLegacyPostings(txn *mvcc.Txn, s *state, final map[uint64]uint64, later map[uint64]bool,
	newPost map[fieldTerm][]posting, touched *[]fieldTerm, pendKeys *[][]byte) error {
	if s.legacy == 0 {
		return nil
	}
	start, end := ix.tagRange(tagPending)
	it := txn.Scan(start, end)
	for it.Next() {
		f, term, doc, err := ix.splitTermKey(it.Key())
		if err != nil {
			it.Close()
			return err
		}
		fd, ok := final[doc]
		if !ok {
			if later[doc] {
				continue
			}
			it.Close()
			return fmt.Errorf("%w: pending posting of document %#x, which is not in the change log", errCorrupt, doc)
		}
		p, err := decodePending(fd, it.Value())
		if err != nil {
			it.Close()
			return err
		}
		ft := fieldTerm{f, term}
		if _, ok := newPost[ft]; !ok {
			*touched = append(*touched, ft)
		}
		newPost[ft] = append(newPost[ft], p)
		*pendKeys = append(*pendKeys, bytes.Clone(it.Key()))
	}
	return it.Close()
}

// blockRef is a stored block: its key suffix (the last document), its
// header and its raw value. A term's tail entry, when it holds postings,
// is its last blockRef, with tail set and its positions in pos (a block
// proper has them under its own key).
type blockRef struct {
	last uint64
	hdr  blockHeader
	raw  []byte
	pos  []byte
	tail bool
}

// loadBlocks reads every block of a term, in document order, the postings
// of its tail entry last; hasTail reports whether it has a tail entry
// (even one without postings), and tail is that entry.
func (ix *Index) loadBlocks(txn *mvcc.Txn, ft fieldTerm) (bs []blockRef, tail tailEntry, hasTail bool, err error) {
	start, end := ix.termRange(tagBlock, ft.field, ft.term)
	it := txn.Scan(start, end)
	defer func() {
		if cerr := it.Close(); err == nil {
			err = cerr
		}
	}()
	for it.Next() {
		k := it.Key()
		if len(k) != len(start)+8 || hasTail {
			return nil, tailEntry{}, false, fmt.Errorf("%w: block key", errCorrupt)
		}
		raw := bytes.Clone(it.Value())
		last := binary.BigEndian.Uint64(k[len(start):])
		if last == tailDoc {
			if tail, err = decodeTail(raw); err != nil {
				return nil, tailEntry{}, false, err
			}
			hasTail = true
			if tail.n == 0 {
				continue
			}
			h, _, err := decodeBlockHeader(tail.block)
			if err != nil {
				return nil, tailEntry{}, false, err
			}
			bs = append(bs, blockRef{last: tail.last, hdr: h, raw: tail.block, pos: tail.pos, tail: true})
			continue
		}
		h, _, err := decodeBlockHeader(raw)
		if err != nil {
			return nil, tailEntry{}, false, err
		}
		bs = append(bs, blockRef{last: last, hdr: h, raw: raw})
	}
	return bs, tail, hasTail, nil
}

// mergeTerm rewrites a term's blocks from the first one holding a deleted
// document to the end (its tail at least), and its tail entry. Earlier
// blocks are untouched: new documents always number above every merged
// one.
func (ix *Index) mergeTerm(txn *mvcc.Txn, w *writeBuf, ft fieldTerm, add []posting, deleted map[uint64]struct{}, m *meta, sc *termScratch) error {
	if len(deleted) == 0 {
		return ix.appendTerm(txn, w, ft, add, m, sc)
	}
	bs, _, hasTail, err := ix.loadBlocks(txn, ft)
	if err != nil {
		return err
	}
	from := len(bs)
	if from > 0 && bs[from-1].tail {
		from--
	}
	for i := range bs[:from] {
		if ix.blockHasDeleted(bs[i], deleted) {
			from = i
			break
		}
	}
	var ps []posting
	for _, b := range bs[from:] {
		dec, err := ix.readBlockPostings(txn, ft, b)
		if err != nil {
			return err
		}
		for _, p := range dec {
			if _, del := deleted[p.doc]; !del {
				ps = append(ps, p)
			}
		}
		if !b.tail {
			w.del(ix.termKey(tagBlock, ft.field, ft.term, b.last))
			w.del(ix.termKey(tagPos, ft.field, ft.term, b.last))
		}
	}
	ps = append(ps, add...)
	st := newTermStats()
	for _, b := range bs[:from] {
		st.addBlock(b.hdr)
	}
	st.add(ps)
	if st.df == 0 {
		w.del(ix.dictKey(ft.field, ft.term))
		if hasTail {
			w.del(ix.termKey(tagBlock, ft.field, ft.term, tailDoc))
		}
		return nil
	}
	if !hasTail {
		// A term of a metaVersionDict index: its statistics leave the
		// dictionary entry for the tail entry.
		w.put(ix.dictKey(ft.field, ft.term), dictMarker)
	}
	ps = ix.writeFullBlocks(w, ft, ps)
	w.put(ix.termKey(tagBlock, ft.field, ft.term, tailDoc), encodeTail(st, ps))
	return nil
}

// termScratch holds a merge's buffers for a term's tail postings and
// their positions, reused term after term.
type termScratch struct {
	post []posting
	pos  []uint32
}

// appendTerm is mergeTerm with no deleted document among the term's
// blocks: only its tail entry is read, and only it and the full blocks
// the new postings complete are written. (A term that gains a few
// postings, most terms at every merge of a bulk load, costs one read and
// one write.) A term of a metaVersionDict index without a tail entry yet
// gets one: its statistics come from its dictionary entry, and its last
// block, if partial, stays so.
func (ix *Index) appendTerm(txn *mvcc.Txn, w *writeBuf, ft fieldTerm, add []posting, m *meta, sc *termScratch) error {
	if len(add) == 0 {
		return nil
	}
	tk := ix.termKey(tagBlock, ft.field, ft.term, tailDoc)
	v, found, err := txn.Get(tk)
	if err != nil {
		return err
	}
	st := newTermStats()
	var ps []posting
	switch {
	case found:
		t, err := decodeTail(v)
		if err != nil {
			return err
		}
		st = t.stats
		if t.n > 0 {
			// Into buffers the next term reuses: nothing below keeps
			// the postings (blocks and the tail are encoded anew).
			if ps, err = decodeBlockInto(slices.Grow(sc.post[:0], t.n+len(add)), t.block); err != nil {
				return err
			}
			sc.post = ps[:0]
			if sc.pos, err = decodePositionsInto(ps, t.pos, sc.pos[:0]); err != nil {
				return err
			}
			st.df -= uint64(len(ps)) // counted again below
		}
	case m.version == metaVersionDict:
		dv, found, err := txn.Get(ix.dictKey(ft.field, ft.term))
		if err != nil {
			return err
		}
		if found {
			info, err := decodeTermInfo(dv)
			if err != nil {
				return err
			}
			st = termStats{df: info.df, maxTF: info.maxTF, minLen: info.minLen}
		}
		w.put(ix.dictKey(ft.field, ft.term), dictMarker)
	default:
		w.put(ix.dictKey(ft.field, ft.term), dictMarker) // a new term
	}
	if len(ps) == 0 {
		ps = add // read only from here on: no copy
	} else {
		ps = append(ps, add...)
	}
	st.add(ps)
	ps = ix.writeFullBlocks(w, ft, ps)
	w.put(tk, encodeTail(st, ps))
	return nil
}

// readBlockPostings decodes a stored block with its positions.
func (ix *Index) readBlockPostings(txn *mvcc.Txn, ft fieldTerm, b blockRef) ([]posting, error) {
	dec, err := decodeBlock(b.raw)
	if err != nil {
		return nil, err
	}
	pv := b.pos
	if !b.tail {
		var found bool
		if pv, found, err = txn.Get(ix.termKey(tagPos, ft.field, ft.term, b.last)); err != nil {
			return nil, err
		} else if !found {
			return nil, fmt.Errorf("%w: block without positions", errCorrupt)
		}
	}
	return dec, decodePositions(dec, pv)
}

// writeFullBlocks writes the leading blockSize postings of ps (ascending
// documents) as a block and its positions, while there are that many,
// and returns the rest: the term's new tail.
func (ix *Index) writeFullBlocks(w *writeBuf, ft fieldTerm, ps []posting) []posting {
	for len(ps) >= blockSize {
		blk, pos := encodeBlock(ps[:blockSize])
		last := ps[blockSize-1].doc
		w.put(ix.termKey(tagBlock, ft.field, ft.term, last), blk)
		w.put(ix.termKey(tagPos, ft.field, ft.term, last), pos)
		ps = ps[blockSize:]
	}
	return ps
}

// writeBuf holds a merge's writes until all its reads are done: a
// transaction's range scan merges in its buffered writes, so scanning
// after each write would cost the whole write set every time. Its values
// are made for it (encoded blocks, tails, records) and handed over to the
// transaction as they are (mvcc.Txn.PutOwned).
type writeBuf struct {
	keys, values [][]byte // a nil value deletes
}

// grow makes room for about n more writes.
func (w *writeBuf) grow(n int) {
	w.keys, w.values = slices.Grow(w.keys, n), slices.Grow(w.values, n)
}

func (w *writeBuf) put(k, v []byte) { w.keys, w.values = append(w.keys, k), append(w.values, v) }
func (w *writeBuf) del(k []byte)    { w.keys, w.values = append(w.keys, k), append(w.values, nil) }

func (w *writeBuf) apply(txn *mvcc.Txn) error { return txn.PutRun(w.keys, w.values) }

// blockHasDeleted reports whether a block holds a deleted document. The
// header bounds the block's documents, so most blocks are answered
// without decoding.
func (ix *Index) blockHasDeleted(b blockRef, deleted map[uint64]struct{}) bool {
	if len(deleted) == 0 {
		return false
	}
	any := false
	for d := range deleted {
		if d >= b.hdr.first && d <= b.last {
			any = true
			break
		}
	}
	if !any {
		return false
	}
	ps, err := decodeBlock(b.raw)
	if err != nil {
		return true // rewrite it; the rewrite reports the corruption
	}
	for _, p := range ps {
		if _, ok := deleted[p.doc]; ok {
			return true
		}
	}
	return false
}

// Pending returns how many documents were added or deleted since the last
// merge: the work the next Merge will do.
func (ix *Index) Pending(txn *mvcc.Txn) (int, error) {
	s, err := ix.sharedState(txn)
	if err != nil {
		return 0, err
	}
	return len(s.adds) + len(s.delsList), nil
}

func errorsIsNotFound(err error) bool { return errors.Is(err, ErrDocNotFound) }
