package fts

import (
	"bytes"
	"cmp"
	"container/heap"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// BM25 parameters (Lucene's defaults).
const (
	K1 = 1.2
	B  = 0.75
)

// MaxExpansions bounds the terms a prefix or fuzzy query expands to.
const MaxExpansions = 4096

// boundSlack absorbs floating-point rounding between an upper bound and
// the exact score, which sum the same terms in different orders.
const boundSlack = 1e-9

// IDF is BM25's inverse document frequency, Lucene's form: it never goes
// negative, however common the term.
func IDF(n, df uint64) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// TermScore is one term's BM25 contribution to a document's score.
func TermScore(idf float64, tf, docLen uint32, avgLen float64) float64 {
	t := float64(tf)
	return idf * t * (K1 + 1) / (t + K1*(1-B+B*float64(docLen)/avgLen))
}

// Hit is a search result.
type Hit struct {
	ID    []byte
	Score float64
}

// SearchOptions tune Search.
type SearchOptions struct {
	// Limit is how many hits to return, best first. 0 returns every match,
	// each fully scored.
	Limit int
	// Weights multiply each field's contribution to the score (default 1).
	Weights map[string]float64
	// Stats, if set, receives counters of the work done.
	Stats *SearchStats
}

// SearchStats counts a search's work.
type SearchStats struct {
	// Candidates is how many documents were checked against the query;
	// Scored how many of those matched and were scored. With a Limit,
	// block-max WAND skips documents that cannot enter the top k, so both
	// can be far below the number of matches.
	Candidates, Scored int
}

// searcher is one query's evaluation state in one transaction.
type searcher struct {
	ix      *Index
	txn     *mvcc.Txn
	st      *state
	weights []float64
	cursors map[fieldTerm]*cursor
	scoring []*cursor // cursors under positive leaves, in creation order
	root    plan
	// required are groups of scoring cursors of which every match has a
	// posting in each group (requiredGroups): no document before the
	// largest of the groups' smallest current documents can match.
	required [][]*cursor
	stats    SearchStats
}

func (ix *Index) newSearcher(txn *mvcc.Txn, q string, weights map[string]float64) (*searcher, error) {
	an, err := ix.compile(q)
	if err != nil {
		return nil, err
	}
	st, err := ix.sharedState(txn)
	if err != nil {
		return nil, err
	}
	s := &searcher{ix: ix, txn: txn, st: st, cursors: map[fieldTerm]*cursor{}, weights: make([]float64, len(ix.fields))}
	for i := range s.weights {
		s.weights[i] = 1
	}
	for name, w := range weights {
		f, err := ix.fieldIndex(name, 0)
		if err != nil {
			return nil, err
		}
		s.weights[f] = w
	}
	if an != nil {
		if s.root, err = s.build(an, true); err != nil {
			return nil, err
		}
		if groups := requiredGroups(s.root); len(groups) > 1 {
			s.required = groups
		}
	}
	return s, nil
}

// requiredGroups returns groups of the cursors under positive plan p such
// that every document p matches has a posting in each group: a term's
// cursors (one per field it may be in), each word of a phrase, the groups
// of each positive child of an AND, and all the cursors under an OR.
func requiredGroups(p plan) [][]*cursor {
	switch p := p.(type) {
	case *pAny:
		return [][]*cursor{p.cs}
	case *pPhrase:
		var groups [][]*cursor
		for t := range p.offs {
			var g []*cursor
			for _, v := range p.variants {
				g = append(g, v[t])
			}
			groups = append(groups, g)
		}
		return groups
	case *pAnd:
		var groups [][]*cursor
		for _, k := range p.pos {
			groups = append(groups, requiredGroups(k)...)
		}
		return groups
	case *pOr:
		var all []*cursor
		for _, k := range p.kids {
			for _, g := range requiredGroups(k) {
				all = append(all, g...)
			}
		}
		return [][]*cursor{all}
	}
	return nil
}

// candidate returns the next document to check against the query: the
// smallest current document of the scoring cursors, once they are past
// what the required groups rule out.
func (s *searcher) candidate() (uint64, error) {
	if s.required != nil {
		if ok, err := s.skipToRequired(); err != nil || !ok {
			return endDoc, err
		}
	}
	return s.minDoc(), nil
}

// skipToRequired advances every scoring cursor to the first document
// each required group has reached (see searcher.required); it reports
// false when a group is exhausted, so nothing more can match.
func (s *searcher) skipToRequired() (bool, error) {
	lb := uint64(0)
	for _, g := range s.required {
		m := uint64(endDoc)
		for _, c := range g {
			m = min(m, c.doc)
		}
		lb = max(lb, m)
	}
	if lb == endDoc {
		return false, nil
	}
	for _, c := range s.scoring {
		if c.doc < lb {
			if err := c.advance(lb); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// fieldsOf lists the fields a leaf applies to.
func (s *searcher) fieldsOf(f int) []int {
	if f >= 0 {
		return []int{f}
	}
	fs := make([]int, len(s.ix.fields))
	for i := range fs {
		fs[i] = i
	}
	return fs
}

func (s *searcher) build(n aNode, positive bool) (plan, error) {
	switch n := n.(type) {
	case *aTerm:
		p := &pAny{}
		for _, f := range s.fieldsOf(n.field) {
			terms := []string{n.term}
			if n.prefix || n.fuzzy > 0 {
				var err error
				if terms, err = s.expand(f, n); err != nil {
					return nil, err
				}
			}
			for _, t := range terms {
				c, err := s.cursor(fieldTerm{f, t}, positive)
				if err != nil {
					return nil, err
				}
				p.cs = append(p.cs, c)
			}
		}
		return p, nil
	case *aPhrase:
		p := &pPhrase{offs: n.offs}
		for _, f := range s.fieldsOf(n.field) {
			var v []*cursor
			for _, t := range n.terms {
				c, err := s.cursor(fieldTerm{f, t}, positive)
				if err != nil {
					return nil, err
				}
				v = append(v, c)
			}
			p.variants = append(p.variants, v)
		}
		return p, nil
	case *aAnd:
		p := &pAnd{}
		for _, k := range n.pos {
			c, err := s.build(k, positive)
			if err != nil {
				return nil, err
			}
			p.pos = append(p.pos, c)
		}
		for _, k := range n.neg {
			c, err := s.build(k, false)
			if err != nil {
				return nil, err
			}
			p.neg = append(p.neg, c)
		}
		return p, nil
	case *aOr:
		p := &pOr{}
		for _, k := range n.kids {
			c, err := s.build(k, positive)
			if err != nil {
				return nil, err
			}
			p.kids = append(p.kids, c)
		}
		return p, nil
	}
	return nil, fmt.Errorf("fts: unexpected analyzed node %T", n)
}

// expand returns the dictionary terms of field f that a prefix or fuzzy
// leaf matches: the merged dictionary plus the terms of pending postings,
// read as key ranges sharing a prefix, so no document is ever scanned. A
// fuzzy term shares its first character with its matches (as Lucene's
// prefix length 1): that bounds the range read, at the price of missing
// typos in the first letter.
func (s *searcher) expand(f int, n *aTerm) ([]string, error) {
	p := n.term
	if !n.prefix {
		_, size := utf8.DecodeRuneInString(p)
		p = p[:size]
	}
	var terms []string
	keep := func(t string) bool {
		return n.prefix || fuzzyMatch(n.term, t, n.fuzzy)
	}
	start, end := s.ix.termPrefixRange(tagTerm, f, p)
	it := s.txn.Scan(start, end)
	for it.Next() {
		if t := string(it.Key()[len(s.ix.prefix)+2:]); keep(t) {
			terms = append(terms, t)
		}
	}
	if err := it.Close(); err != nil {
		return nil, err
	}
	pt, err := s.ix.pendingTerms(s.st, f)
	if err != nil {
		return nil, err
	}
	for i, _ := slices.BinarySearch(pt, p); i < len(pt) && strings.HasPrefix(pt[i], p); i++ {
		if keep(pt[i]) {
			terms = append(terms, pt[i])
		}
	}
	if s.st.legacy > 0 {
		start, end = s.ix.termPrefixRange(tagPending, f, p)
		it = s.txn.Scan(start, end)
		last := ""
		for it.Next() {
			_, t, _, err := s.ix.splitTermKey(it.Key())
			if err != nil {
				it.Close()
				return nil, err
			}
			if t != last && keep(t) {
				terms = append(terms, t)
			}
			last = t
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	if len(terms) > MaxExpansions {
		return nil, sqlerr.New(sqlerr.ProgramLimitExceeded, "full-text query term %q expands to more than %d terms", n.term, MaxExpansions)
	}
	return terms, nil
}

// fuzzyMatch reports whether term t matches fuzzy query term q within
// edit distance k: same first character, then Levenshtein distance.
func fuzzyMatch(q, t string, k int) bool {
	rq, _ := utf8.DecodeRuneInString(q)
	rt, _ := utf8.DecodeRuneInString(t)
	return rq == rt && levenshteinWithin(q, t, k)
}

// levenshteinWithin reports whether the edit distance between a and b (in
// characters) is at most k, with one row of the dynamic program and an
// early exit once every entry of a row exceeds k.
func levenshteinWithin(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		prev := row[0]
		row[0] = i
		best := row[0]
		for j := 1; j <= len(rb); j++ {
			cur := row[j]
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
			best = min(best, row[j])
		}
		if best > k {
			return false
		}
	}
	return row[len(rb)] <= k
}

// cursor returns the (shared) cursor of a field's term, loading it.
func (s *searcher) cursor(ft fieldTerm, positive bool) (*cursor, error) {
	c := s.cursors[ft]
	if c == nil {
		var err error
		if c, err = s.loadCursor(ft); err != nil {
			return nil, err
		}
		s.cursors[ft] = c
	}
	if positive && !c.scoring {
		c.scoring = true
		s.scoring = append(s.scoring, c)
	}
	return c, nil
}

func (s *searcher) loadCursor(ft fieldTerm) (*cursor, error) {
	c := &cursor{s: s, ft: ft}
	var err error
	if c.blocks, _, _, err = s.ix.loadBlocks(s.txn, ft); err != nil {
		return nil, err
	}
	if c.pend, err = s.ix.pendingList(s.st, ft); err != nil { // shared: read only
		return nil, err
	}
	if s.st.legacy > 0 {
		// First-format pending postings, keys of their own, merged in
		// order into a copy (the list above is shared).
		var first []posting
		start, end := s.ix.termRange(tagPending, ft.field, ft.term)
		it := s.txn.Scan(start, end)
		for it.Next() {
			k := it.Key()
			if len(k) != len(start)+8 {
				it.Close()
				return nil, fmt.Errorf("%w: pending posting key", errCorrupt)
			}
			p, err := decodePending(binary.BigEndian.Uint64(k[len(start):]), it.Value())
			if err != nil {
				it.Close()
				return nil, err
			}
			first = append(first, p)
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
		if len(first) > 0 {
			c.pend = append(slices.Clone(c.pend), first...)
			slices.SortFunc(c.pend, func(a, b posting) int { return cmp.Compare(a.doc, b.doc) })
		}
	}
	// Statistics count every document not yet purged, deleted or not (as
	// Lucene's do until a merge): then df <= N always holds.
	df := uint64(len(c.pend))
	for _, b := range c.blocks {
		df += uint64(b.hdr.n)
	}
	c.w = s.weights[ft.field]
	c.idf = IDF(s.st.N(), df)
	c.avgLen = s.st.avgLen(ft.field)
	for _, b := range c.blocks {
		c.maxScore = max(c.maxScore, c.bound(b.hdr.maxTF, b.hdr.minLen))
	}
	if len(c.pend) > 0 {
		maxTF, minLen := uint32(0), uint32(math.MaxUint32)
		for _, p := range c.pend {
			maxTF, minLen = max(maxTF, p.tf), min(minLen, p.len)
		}
		c.pendBound = c.bound(maxTF, minLen)
		c.maxScore = max(c.maxScore, c.pendBound)
	}
	if err := c.enter(0); err != nil {
		return nil, err
	}
	return c, c.settle()
}

// cursor walks one term's postings in document order: the merged blocks,
// then the pending postings (whose numbers, top bit set, sort after every
// merged one) as a last pseudo-block. Deleted documents are skipped.
// Blocks are decoded only when the cursor stops inside them.
type cursor struct {
	s       *searcher
	ft      fieldTerm
	scoring bool
	blocks  []blockRef
	pend    []posting

	w, idf, avgLen float64
	maxScore       float64 // bound over every posting
	pendBound      float64

	bi  int       // current block; len(blocks) is the pending one
	cur []posting // its postings
	buf []posting // the decoded block's memory
	// posLoaded: every posting of cur has its positions (the pending
	// ones). Else posFetched: pos reads the block's positions entry, at
	// the positions of posting posNext; posBuf holds the positions of
	// the posting before it, the last decoded.
	posLoaded, posFetched bool
	pos                   reader
	posNext               int
	posBuf                []uint32
	i                     int
	doc                   uint64 // current document, endDoc when exhausted
}

func (c *cursor) bound(maxTF, minLen uint32) float64 {
	return c.w * TermScore(c.idf, maxTF, minLen, c.avgLen)
}

func (c *cursor) enter(j int) error {
	c.bi, c.i, c.posLoaded, c.posFetched = j, 0, false, false
	switch {
	case j < len(c.blocks):
		// Into the memory of the block before (the pending postings,
		// last, are never decoded into).
		var err error
		c.buf, err = decodeBlockInto(c.buf, c.blocks[j].raw)
		c.cur = c.buf
		return err
	case j == len(c.blocks):
		c.cur, c.posLoaded = c.pend, true
	default:
		c.cur = nil
	}
	return nil
}

// settle moves to the first live posting at or after the current one.
func (c *cursor) settle() error {
	for {
		if c.bi > len(c.blocks) {
			c.doc = endDoc
			return nil
		}
		if c.i < len(c.cur) {
			d := c.cur[c.i].doc
			if _, del := c.s.st.deleted[d]; !del {
				c.doc = d
				return nil
			}
			c.i++
			continue
		}
		if err := c.enter(c.bi + 1); err != nil {
			return err
		}
	}
}

func (c *cursor) next() error {
	if c.doc == endDoc {
		return nil
	}
	c.i++
	return c.settle()
}

// advance moves to the first live posting at or after target, skipping
// whole blocks by their last document without decoding them.
func (c *cursor) advance(target uint64) error {
	if c.doc >= target {
		return nil
	}
	j := c.bi
	for j < len(c.blocks) && c.blocks[j].last < target {
		j++
	}
	if j != c.bi {
		if err := c.enter(j); err != nil {
			return err
		}
	}
	c.i += sort.Search(len(c.cur)-c.i, func(k int) bool { return c.cur[c.i+k].doc >= target })
	return c.settle()
}

// shallow returns the score bound of the block holding the first posting
// at or after target and that block's last document, without moving:
// the block-max part of block-max WAND. No posting at or after target:
// bound 0, last endDoc.
func (c *cursor) shallow(target uint64) (float64, uint64) {
	j := c.bi
	for j < len(c.blocks) && c.blocks[j].last < target {
		j++
	}
	if j < len(c.blocks) {
		return c.bound(c.blocks[j].hdr.maxTF, c.blocks[j].hdr.minLen), c.blocks[j].last
	}
	if j == len(c.blocks) && len(c.pend) > 0 && c.pend[len(c.pend)-1].doc >= target {
		return c.pendBound, c.pend[len(c.pend)-1].doc
	}
	return 0, endDoc
}

// at reports whether the cursor holds document d, advancing to it.
func (c *cursor) at(d uint64) (bool, error) {
	if err := c.advance(d); err != nil {
		return false, err
	}
	return c.doc == d, nil
}

func (c *cursor) score() float64 {
	p := c.cur[c.i]
	return c.w * TermScore(c.idf, p.tf, p.len, c.avgLen)
}

// positions returns the current posting's positions, reading the block's
// positions entry on first use: only phrases pay for positions. The
// entry is decoded as far as the cursor goes, which is only forward: the
// positions of the postings it passed are skipped, not decoded (a phrase
// looks at a few documents of a block of 128).
func (c *cursor) positions() ([]uint32, error) {
	if c.posLoaded {
		return c.cur[c.i].pos, nil
	}
	if !c.posFetched {
		b := c.blocks[c.bi]
		v := b.pos // a tail entry's, in it
		if !b.tail {
			var found bool
			var err error
			if v, found, err = c.s.txn.Get(c.s.ix.termKey(tagPos, c.ft.field, c.ft.term, b.last)); err != nil {
				return nil, err
			} else if !found {
				return nil, fmt.Errorf("%w: block without positions", errCorrupt)
			}
		}
		c.pos, c.posNext, c.posFetched = reader{b: v}, 0, true
	}
	if c.i < c.posNext {
		return c.posBuf, nil // (c.i is posNext-1: cursors only move forward)
	}
	skip := uint32(0)
	for ; c.posNext < c.i; c.posNext++ {
		skip += c.cur[c.posNext].tf
	}
	c.pos.skipUvarints(skip)
	c.posBuf = appendPositionsRead(&c.pos, c.cur[c.i].tf, c.posBuf[:0])
	if c.pos.err != nil {
		return nil, fmt.Errorf("%w: block positions", errCorrupt)
	}
	c.posNext++
	return c.posBuf, nil
}

// plan is a compiled query node, evaluated one document at a time in
// ascending document order (cursors only move forward).
type plan interface {
	match(d uint64) (bool, error)
}

type pAny struct{ cs []*cursor }

type pPhrase struct {
	variants [][]*cursor // one per field: the phrase's terms
	offs     []int
}

type pAnd struct{ pos, neg []plan }

type pOr struct{ kids []plan }

func (p *pAny) match(d uint64) (bool, error) {
	for _, c := range p.cs {
		if ok, err := c.at(d); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func (p *pPhrase) match(d uint64) (bool, error) {
	for _, v := range p.variants {
		ok, err := p.matchVariant(v, d)
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func (p *pPhrase) matchVariant(cs []*cursor, d uint64) (bool, error) {
	for _, c := range cs {
		if ok, err := c.at(d); !ok || err != nil {
			return false, err
		}
	}
	lists := make([][]uint32, len(cs))
	for i, c := range cs {
		var err error
		if lists[i], err = c.positions(); err != nil {
			return false, err
		}
	}
	for _, start := range lists[0] {
		all := true
		for k := 1; k < len(cs) && all; k++ {
			_, all = slices.BinarySearch(lists[k], start+uint32(p.offs[k]))
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

func (p *pAnd) match(d uint64) (bool, error) {
	for _, k := range p.pos {
		if ok, err := k.match(d); !ok || err != nil {
			return false, err
		}
	}
	for _, k := range p.neg {
		if ok, err := k.match(d); ok || err != nil {
			return false, err
		}
	}
	return true, nil
}

func (p *pOr) match(d uint64) (bool, error) {
	for _, k := range p.kids {
		if ok, err := k.match(d); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// score sums the contributions of the scoring cursors on d, in a fixed
// order so that every path computes bit-identical scores.
func (s *searcher) score(d uint64) (float64, error) {
	sum := 0.0
	for _, c := range s.scoring {
		ok, err := c.at(d)
		if err != nil {
			return 0, err
		}
		if ok {
			sum += c.score()
		}
	}
	return sum, nil
}

// minDoc returns the smallest current document of the scoring cursors.
// Every match holds at least one positive term (the parser rejects
// queries that match by exclusion only), so they enumerate every match.
func (s *searcher) minDoc() uint64 {
	d := uint64(endDoc)
	for _, c := range s.scoring {
		d = min(d, c.doc)
	}
	return d
}

func (s *searcher) nextAll(d uint64) error {
	for _, c := range s.scoring {
		if c.doc == d {
			if err := c.next(); err != nil {
				return err
			}
		}
	}
	return nil
}

// idOf returns the caller's id of a document number.
func (s *searcher) idOf(d uint64) ([]byte, error) {
	if d&pendingBit != 0 {
		if id, ok, err := s.st.pendingID(d, len(s.ix.fields)); ok || err != nil {
			return id, err
		}
	}
	v, found, err := s.txn.Get(s.ix.docKey(tagDoc, d))
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%w: posting of document %#x, which has no record", errCorrupt, d)
	}
	r := reader{b: v}
	id := r.bytes()
	if r.err != nil {
		return nil, fmt.Errorf("%w: document record", errCorrupt)
	}
	return id, nil
}

// Match returns the ids of every document matching q, sorted, without
// ranking them: for filtering.
func (ix *Index) Match(txn *mvcc.Txn, q string) ([][]byte, error) {
	s, err := ix.newSearcher(txn, q, nil)
	if err != nil || s.root == nil {
		return nil, err
	}
	var ids [][]byte
	err = s.eachMatch(func(d uint64) error {
		id, err := s.idOf(d)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ids, bytes.Compare)
	return ids, nil
}

// Score returns document id's BM25 score for q and whether it matches (a
// document that does not match scores 0).
func (ix *Index) Score(txn *mvcc.Txn, q string, id []byte, weights map[string]float64) (float64, bool, error) {
	d, _, err := ix.lookup(txn, id)
	if err != nil {
		if errorsIsNotFound(err) {
			return 0, false, nil
		}
		return 0, false, err
	}
	s, err := ix.newSearcher(txn, q, weights)
	if err != nil || s.root == nil {
		return 0, false, err
	}
	ok, err := s.root.match(d)
	if err != nil || !ok {
		return 0, false, err
	}
	sc, err := s.score(d)
	return sc, err == nil, err
}

// Search returns the documents matching q, best BM25 score first (ties by
// id). With a Limit it finds the top k with block-max WAND: documents
// whose score bound (the sum of their terms' block maxima) cannot beat the
// k-th best so far are skipped without being checked or scored.
func (ix *Index) Search(txn *mvcc.Txn, q string, opts SearchOptions) ([]Hit, error) {
	s, err := ix.newSearcher(txn, q, opts.Weights)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	switch {
	case s.root == nil:
	case opts.Limit > 0:
		hits, err = s.topK(opts.Limit)
	default:
		hits, err = s.all()
	}
	if opts.Stats != nil {
		*opts.Stats = s.stats
	}
	return hits, err
}

func better(a, b Hit) bool {
	return a.Score > b.Score || (a.Score == b.Score && bytes.Compare(a.ID, b.ID) < 0)
}

func (s *searcher) all() ([]Hit, error) {
	var hits []Hit
	err := s.eachMatch(func(d uint64) error {
		sc, err := s.score(d)
		if err != nil {
			return err
		}
		id, err := s.idOf(d)
		hits = append(hits, Hit{ID: id, Score: sc})
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return hits, nil
}

// eachMatch calls fn with every document matching the query, in order:
// the candidates the scoring cursors reach (see candidate), each checked
// against the query and counted in the search's stats.
func (s *searcher) eachMatch(fn func(d uint64) error) error {
	for {
		d, err := s.candidate()
		if err != nil || d == endDoc {
			return err
		}
		s.stats.Candidates++
		ok, err := s.root.match(d)
		if err != nil {
			return err
		}
		if ok {
			s.stats.Scored++
			if err := fn(d); err != nil {
				return err
			}
		}
		if err := s.nextAll(d); err != nil {
			return err
		}
	}
}

// sortByDoc orders cursors by their current document: an insertion sort,
// as the list is short and, from the round before, mostly in order (a
// generic sort's setup cost a tenth of a phrase search).
func sortByDoc(cs []*cursor) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].doc < cs[j-1].doc; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// hitHeap keeps the k best hits with the worst on top.
type hitHeap []Hit

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// topK is block-max WAND (Ding and Suel 2011) over the scoring cursors,
// with the query's boolean structure checked on each candidate. The
// threshold is the k-th best score; a document can enter only with a
// score at least equal to it (ties are broken by id), so bounds are
// compared with >=.
func (s *searcher) topK(k int) ([]Hit, error) {
	h := &hitHeap{}
	cs := slices.Clone(s.scoring)
	for {
		if s.required != nil {
			// A conjunction: every candidate is at or after each
			// required group's first document, so the union of the
			// cursors is not walked below it.
			if ok, err := s.skipToRequired(); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				break
			}
		}
		sortByDoc(cs)
		full := h.Len() == k
		theta := math.Inf(-1)
		if full {
			theta = (*h)[0].Score
		}
		// The pivot: the first cursor at which the sum of the bounds of
		// the cursors up to it could reach the threshold.
		acc, p := 0.0, -1
		for i, c := range cs {
			if c.doc == endDoc {
				break
			}
			acc += c.maxScore
			if !full || acc*(1+boundSlack) >= theta {
				p = i
				break
			}
		}
		if p < 0 {
			break
		}
		d := cs[p].doc
		for p+1 < len(cs) && cs[p+1].doc == d {
			p++
		}
		if full {
			// Block maxima: a tighter bound for the documents from d to
			// the end of the shortest of the current blocks.
			bm, minLast := 0.0, uint64(endDoc)
			for _, c := range cs[:p+1] {
				b, last := c.shallow(d)
				bm += b
				minLast = min(minLast, last)
			}
			if bm*(1+boundSlack) < theta {
				nd := minLast
				if nd != endDoc {
					nd++
				}
				if p+1 < len(cs) && cs[p+1].doc < nd {
					nd = cs[p+1].doc
				}
				for _, c := range cs[:p+1] {
					if err := c.advance(nd); err != nil {
						return nil, err
					}
				}
				continue
			}
		}
		if cs[0].doc != d {
			for _, c := range cs[:p] {
				if c.doc < d {
					if err := c.advance(d); err != nil {
						return nil, err
					}
				}
			}
			continue
		}
		if err := s.consider(h, k, d); err != nil {
			return nil, err
		}
		if err := s.nextAll(d); err != nil {
			return nil, err
		}
	}
	hits := make([]Hit, h.Len())
	for i := len(hits) - 1; i >= 0; i-- {
		hits[i] = heap.Pop(h).(Hit)
	}
	return hits, nil
}

// consider checks candidate d against the query and offers it to the
// heap.
func (s *searcher) consider(h *hitHeap, k int, d uint64) error {
	s.stats.Candidates++
	ok, err := s.root.match(d)
	if err != nil || !ok {
		return err
	}
	s.stats.Scored++
	sc, err := s.score(d)
	if err != nil {
		return err
	}
	if h.Len() == k && sc < (*h)[0].Score {
		return nil
	}
	id, err := s.idOf(d)
	if err != nil {
		return err
	}
	hit := Hit{ID: id, Score: sc}
	if h.Len() < k {
		heap.Push(h, hit)
	} else if better(hit, (*h)[0]) {
		(*h)[0] = hit
		heap.Fix(h, 0)
	}
	return nil
}
