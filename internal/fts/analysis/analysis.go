// Package analysis turns text into the terms a full-text index stores and
// a query looks up: a Unicode tokenizer (runs of letters and digits, CJK
// runs as overlapping bigrams), full Unicode case folding, optional accent
// folding, stop words and Snowball stemming.
//
// An analyzer is a pure function of its name and the text: the index and
// the query side must produce the same terms for the same words, so an
// analyzer's behaviour is part of the on-disk format of every index built
// with it. Changing what a named analyzer emits requires rebuilding those
// indexes; add a new name instead.
//
// Tokens carry a position (for phrases; stop words removed still consume
// a position, so "state of the art" only matches with two words between
// "state" and "art") and the byte offsets of the source text they came
// from (for snippets).
package analysis

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Token is one term of analyzed text.
type Token struct {
	// Term is the indexed form: folded, stemmed.
	Term string
	// Position counts tokens (and removed stop words) from 0.
	Position int
	// Start and End are the byte offsets of the source text of the token.
	Start, End int
}

// Analyzer turns text into tokens. The zero value is not usable; get one
// from Lookup. An Analyzer is immutable and safe for concurrent use.
type Analyzer struct {
	name     string
	unaccent bool
	// cjkOnly: no stop words, no stemming (the cjk analyzer).
	stop   func(string) bool
	stem   func(string, bool) string
	script *unicode.RangeTable // stem only words written in this script
	memo   *termMemo           // from a Set: terms of words seen before
}

// DefaultName is the analyzer used when none is named.
const DefaultName = "english"

// UnaccentSuffix appended to an analyzer's name also folds accents
// ("english_unaccent": "café" and "cafe" are one term).
const UnaccentSuffix = "_unaccent"

type language struct {
	stop   func(string) bool
	stem   func(string, bool) string
	script *unicode.RangeTable
}

var languages = map[string]language{
	"english":   {english.IsStopWord, english.Stem, unicode.Latin},
	"french":    {french.IsStopWord, french.Stem, unicode.Latin},
	"spanish":   {spanish.IsStopWord, spanish.Stem, unicode.Latin},
	"swedish":   {swedish.IsStopWord, swedish.Stem, unicode.Latin},
	"norwegian": {norwegian.IsStopWord, norwegian.Stem, unicode.Latin},
	"hungarian": {hungarian.IsStopWord, hungarian.Stem, unicode.Latin},
	"russian":   {russian.IsStopWord, russian.Stem, unicode.Cyrillic},
}

// Names lists the base analyzer names Lookup accepts; each may also be
// followed by UnaccentSuffix.
func Names() []string {
	return []string{"simple", "cjk", "english", "french", "hungarian", "norwegian", "russian", "spanish", "swedish"}
}

// Lookup returns the named analyzer:
//
//	simple     tokenize and fold case; no stop words, no stemming
//	cjk        as simple (CJK runs are bigrams in every analyzer)
//	english    simple + English stop words + Snowball English stemmer
//	french, spanish, swedish, norwegian, hungarian, russian: likewise
//
// The empty name is DefaultName. Any name may end in UnaccentSuffix.
func Lookup(name string) (*Analyzer, error) {
	if name == "" {
		name = DefaultName
	}
	a := &Analyzer{name: name}
	base, unaccent := strings.CutSuffix(name, UnaccentSuffix)
	a.unaccent = unaccent
	switch base {
	case "simple", "cjk":
	default:
		l, ok := languages[base]
		if !ok {
			return nil, fmt.Errorf("fts: unknown analyzer %q (known: %s, each optionally with suffix %s)",
				name, strings.Join(Names(), ", "), UnaccentSuffix)
		}
		a.stop, a.stem, a.script = l.stop, l.stem, l.script
	}
	return a, nil
}

// MustLookup is Lookup for names known to exist (tests, defaults).
func MustLookup(name string) *Analyzer {
	a, err := Lookup(name)
	if err != nil {
		panic(err)
	}
	return a
}

// Name returns the analyzer's name.
func (a *Analyzer) Name() string { return a.name }

// Tokens analyzes text with the named analyzer: what SQL's
// fts_tokens(analyzer, text) returns.
func Tokens(analyzer, text string) ([]Token, error) {
	a, err := Lookup(analyzer)
	if err != nil {
		return nil, err
	}
	return a.Analyze(text), nil
}

// IsCJK reports whether r is written in a script without spaces between
// words (Han, Hiragana, Katakana, Hangul), which the tokenizer splits into
// overlapping bigrams rather than words.
func IsCJK(r rune) bool {
	if r < 0x1100 { // below Hangul Jamo, the first of these blocks
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' // the prolonged sound mark is in the Common script but belongs to Katakana words
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// Analyze returns the tokens of text.
func (a *Analyzer) Analyze(text string) []Token {
	toks := make([]Token, 0, len(text)/8) // English averages ~6 bytes a word
	// The terms found in the memo are copied here (their strings are
	// views of it): one allocation for the text's terms, not one each.
	var arena []byte
	if a.memo != nil {
		arena = make([]byte, 0, len(text))
	}
	a.each(text, func(t string, transient bool, pos, start, end int) {
		if transient && t != "" {
			at := len(arena)
			arena = append(arena, t...)
			t = unsafe.String(&arena[at], len(t))
		}
		toks = append(toks, Token{Term: t, Position: pos, Start: start, End: end})
	})
	return toks
}

// Terms calls fn with each term of text and its position, as Analyze's
// tokens have them, in order; term is valid only during the call (a
// caller keeping it copies it). It allocates nothing for a word the
// analyzer has seen before (an analyzer of a Set).
func (a *Analyzer) Terms(text string, fn func(term string, pos int)) {
	a.each(text, func(t string, _ bool, pos, _, _ int) { fn(t, pos) })
}

// each calls emit with the tokens of text; a transient term is valid
// only during the call.
func (a *Analyzer) each(text string, emit func(t string, transient bool, pos, start, end int)) {
	if isASCII(text) {
		a.eachASCII(text, emit)
	} else {
		a.eachRune(text, emit)
	}
}

// eachRune is each for any text.
func (a *Analyzer) eachRune(text string, emit func(t string, transient bool, pos, start, end int)) {
	var v memoView
	var cjk []Token
	pos := 0
	a.scan(text, func(word string, start, end int, isCJK bool) {
		if isCJK {
			cjk = a.bigrams(cjk[:0], text[start:end], start, &pos)
			for _, t := range cjk {
				emit(t.Term, false, t.Position, t.Start, t.End)
			}
			return
		}
		if t, transient, ok := a.term(word, &v); ok {
			emit(t, transient, pos, start, end)
		}
		pos++ // a removed stop word still takes its place
	})
}

// isASCII reports whether text is ASCII alone, eight bytes at a time.
func isASCII(text string) bool {
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(text[i:]), 8))&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiWord marks the ASCII bytes that are word runes: letters and
// digits (no ASCII rune is a mark or CJK).
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// eachASCII is each for text of ASCII bytes alone, most text: the tokens
// eachRune gives, without decoding runes or a call per word, and with an
// upper-case word lowered into a buffer of its own for the stop-word and
// memo lookups (a string is made only when the memo lacks the word).
func (a *Analyzer) eachASCII(text string, emit func(t string, transient bool, pos, start, end int)) {
	var low [64]byte // most words; longer ones are lowered by strings.ToLower
	var v memoView
	pos := 0
	for i := 0; i < len(text); {
		if !asciiWord[text[i]] {
			i++
			continue
		}
		start := i
		upper := false
		for ; i < len(text) && asciiWord[text[i]]; i++ {
			upper = upper || 'A' <= text[i] && text[i] <= 'Z'
		}
		w, borrowed := text[start:i], false
		if upper && len(w) <= len(low) {
			for j := 0; j < len(w); j++ {
				c := w[j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				low[j] = c
			}
			w, borrowed = unsafe.String(&low[0], len(w)), true
		} else if upper {
			w = strings.ToLower(w)
		}
		if t, transient, ok := a.folded(w, borrowed, &v); ok {
			emit(t, transient, pos, start, i)
		}
		pos++
	}
}

// scan calls emit for each run of word runes of text: CJK runs and other
// runs separately. Marks only continue a run, they never start one.
func (a *Analyzer) scan(text string, emit func(word string, start, end int, cjk bool)) {
	start := -1
	cjkRun := false
	for i, r := range text {
		if r < utf8.RuneSelf {
			// ASCII: a letter or digit, never a mark or CJK.
			w := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
			if start >= 0 && (!w || cjkRun) {
				emit(text[start:i], start, i, cjkRun)
				start = -1
			}
			if start < 0 && w {
				start, cjkRun = i, false
			}
			continue
		}
		w := isWordRune(r)
		c := w && IsCJK(r)
		if start >= 0 && (!w || c != cjkRun) && !(w && !c && unicode.IsMark(r)) {
			emit(text[start:i], start, i, cjkRun)
			start = -1
		}
		if start < 0 && w && !unicode.IsMark(r) {
			start, cjkRun = i, c
		}
	}
	if start >= 0 {
		emit(text[start:], start, len(text), cjkRun)
	}
}

// bigrams appends the overlapping character bigrams of a CJK run (the run
// itself if it is one character): without a dictionary this is how CJK
// text becomes searchable, and a query run becomes a phrase of bigrams.
func (a *Analyzer) bigrams(toks []Token, run string, base int, pos *int) []Token {
	if utf8.RuneCountInString(run) == 1 {
		*pos++
		return append(toks, Token{Term: a.fold(run), Position: *pos - 1, Start: base, End: base + len(run)})
	}
	var offs []int
	for i := range run {
		offs = append(offs, i)
	}
	offs = append(offs, len(run))
	for i := 0; i+2 < len(offs); i++ {
		s, e := offs[i], offs[i+2]
		toks = append(toks, Token{Term: a.fold(run[s:e]), Position: *pos, Start: base + s, End: base + e})
		*pos++
	}
	return toks
}

// term turns one word into its indexed form; ok is false for stop words.
// A term from the memo is a view of v (transient).
func (a *Analyzer) term(word string, v *memoView) (t string, transient, ok bool) {
	return a.folded(foldCase(word), false, v)
}

// folded is term for a word already case-folded. borrowed: w's bytes
// are the caller's to reuse, so w is copied before it is kept.
func (a *Analyzer) folded(w string, borrowed bool, v *memoView) (t string, transient, ok bool) {
	if a.memo != nil {
		if t, stop, ok := a.memo.get(w, v); ok {
			return t, true, !stop
		}
	}
	if a.stop != nil && a.stop(w) {
		if a.memo != nil {
			a.memo.put(w, "", true) // the memo answers for stop words too
		}
		return "", false, false
	}
	if borrowed {
		w = strings.Clone(w)
	}
	folded := w
	if a.stem != nil && a.stemmable(w) {
		w = a.stem(w, true)
	}
	if a.unaccent {
		w = unaccent(w)
	}
	if a.memo != nil {
		a.memo.put(folded, w, false)
	}
	return w, false, true
}

// stemmable reports whether w is written in the stemmer's script (digits
// allowed): an English stemmer must not mangle Greek or Cyrillic words.
func (a *Analyzer) stemmable(w string) bool {
	letter := false
	for _, r := range w {
		switch {
		case unicode.IsDigit(r) || unicode.IsMark(r):
		case unicode.Is(a.script, r):
			letter = true
		default:
			return false
		}
	}
	return letter
}

// Normalize folds a word the way indexed words are folded, without stop
// words or stemming: the form of a prefix query. Prefixes are matched
// against the indexed (stemmed) terms as typed, so "runn*" does not find
// "running" (indexed as "run"): the usual trade-off of prefix queries on a
// stemmed index, which Lucene and PostgreSQL make too, and cheaper than
// guessing stems of partial words.
func (a *Analyzer) Normalize(word string) string {
	w := foldCase(word)
	if a.unaccent {
		w = unaccent(w)
	}
	return w
}

func (a *Analyzer) fold(s string) string { return a.Normalize(s) }

// foldCase applies full Unicode case folding ("Straße" -> "strasse",
// final sigma -> sigma), with a fast path for ASCII.
func foldCase(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	// A Caser keeps state between calls, so each call gets its own.
	return norm.NFC.String(cases.Fold().String(s))
}

// unaccent removes combining marks after canonical decomposition:
// "é" -> "e", "ü" -> "u"; letters that are not decomposable ("ø", "ł")
// stay.
func unaccent(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// Words tokenizes and folds text without removing stop words or stemming:
// the terms of prefix queries.
func (a *Analyzer) Words(text string) []Token {
	var toks []Token
	pos := 0
	a.scan(text, func(word string, start, end int, cjk bool) {
		if cjk {
			toks = a.bigrams(toks, text[start:end], start, &pos)
			return
		}
		toks = append(toks, Token{Term: a.Normalize(word), Position: pos, Start: start, End: end})
		pos++
	})
	return toks
}

// Set hands out one analyzer per name, each remembering the terms it
// made of the words it saw (up to memoWords of them): stemming is most of
// indexing a document's text, and the words of a corpus repeat (Zipf).
// An engine keeps one Set; the zero value is ready.
type Set struct {
	mu sync.Mutex
	m  map[string]*Analyzer
}

// memoWords is the size of an analyzer's memo of words to terms (a power
// of two).
const memoWords = 1 << 17

// Lookup is the package's Lookup, once per name.
func (s *Set) Lookup(name string) (*Analyzer, error) {
	if name == "" {
		name = DefaultName
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.m[name]; a != nil {
		return a, nil
	}
	a, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	if a.stem != nil {
		a.memo = newTermMemo()
	}
	if s.m == nil {
		s.m = map[string]*Analyzer{}
	}
	s.m[name] = a
	return a, nil
}

// termMemo maps case-folded words to their terms (stemmed, unaccented):
// a two-way cache of memoWords slots in adjacent pairs, a word in either
// slot of its pair with its term, held in the slot itself: a lookup
// reads one cache line, a pair's two slots (a slot of pointers to entries
// cost two misses a word, most of a bulk load's lookups; a direct-mapped
// cache stemmed the words of a 30,000-word vocabulary that met another's
// slot again and again). A slot is written under a sequence number (a
// seqlock): a reader that sees the number odd, or changed by the end of
// its read, takes it for a miss. Words and terms move 8 bytes at a time
// through atomics, so a reader racing a writer sees a miss, never a torn
// word. A word whose slots other words took is stemmed again, which is
// only slower.
type termMemo struct {
	seed  maphash.Seed
	slots []memoSlot   // memoWords of them
	n     atomic.Int64 // slots filled (tests)
}

// memoSlot is half a cache line: hdr is the sequence number (high 32
// bits, odd while a writer holds the slot), the length of the prefix the
// term shares with the word (8 bits from memoPrefixShift), memoStop, the
// word's length and the term's (8 bits each); b holds the word, then the
// rest of its term after the shared prefix (a stem is most often a prefix
// of its word: "running" keeps "running" and no more). Words whose word
// and term's rest exceed memoInline bytes are not remembered. Two slots
// a cache line keep the memo of the 30,000 words of a corpus within a
// core's second-level cache.
type memoSlot struct {
	hdr atomic.Uint64
	b   [memoInline / 8]atomic.Uint64
}

const (
	memoInline      = 24
	memoPrefixShift = 24
)

func newTermMemo() *termMemo {
	return &termMemo{seed: maphash.MakeSeed(), slots: make([]memoSlot, memoWords)}
}

// pair returns word's two slots, adjacent (a word may be in either: two
// frequent words whose hashes meet do not take turns evicting each
// other) and a bit of the hash to choose between them.
func (m *termMemo) pair(word string) (a, b *memoSlot, bit bool) {
	h := maphash.String(m.seed, word)
	i := h & (memoWords - 1)
	return &m.slots[i], &m.slots[i^1], h>>63 != 0
}

// memoView is where a memo lookup copies the slot it read (the first
// memoInline bytes) and puts the term together (the rest): the term
// found is a view of it, valid until the buffer's next lookup.
type memoView [2 * memoInline / 8]uint64

// get returns the term of word, a view of v, or stop true for a stop
// word.
func (m *termMemo) get(word string, v *memoView) (term string, stop, ok bool) {
	if len(word) > memoInline {
		return "", false, false
	}
	a, b, _ := m.pair(word)
	if t, stop, ok := a.get(word, v); ok {
		return t, stop, true
	}
	return b.get(word, v)
}

// get is termMemo.get from slot s.
func (s *memoSlot) get(word string, v *memoView) (term string, stop, ok bool) {
	h := s.hdr.Load()
	wl, tl, pl := int(h>>8&0xff), int(h&0xff), int(h>>memoPrefixShift&0xff)
	rl := tl - pl // the term's rest
	if h>>32&1 != 0 || wl != len(word) || pl > wl || rl < 0 || wl+rl > memoInline {
		return "", false, false
	}
	for i := range (wl + rl + 7) / 8 {
		v[i] = s.b[i].Load()
	}
	if s.hdr.Load() != h {
		return "", false, false // a writer came by
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 2*memoInline)
	if string(b[:wl]) != word {
		return "", false, false
	}
	if tl == 0 {
		return "", h&memoStop != 0, true
	}
	t := b[memoInline : memoInline+tl]
	copy(t, word[:pl])
	copy(t[pl:], b[wl:wl+rl])
	return unsafe.String(&t[0], tl), false, true
}

// memoStop marks a slot's header: its word is a stop word.
const memoStop = 1 << 16

// put remembers word's term, or (stop) that it is a stop word.
func (m *termMemo) put(word, term string, stop bool) {
	pl := 0
	for pl < len(word) && pl < len(term) && pl < 0xff && word[pl] == term[pl] {
		pl++
	}
	rest := term[pl:]
	if len(word)+len(rest) > memoInline || len(term) > 0xff {
		return // stemmed again when seen again
	}
	s, other, bit := m.pair(word)
	if s.hdr.Load() != 0 && (other.hdr.Load() == 0 || bit) {
		s = other // a free slot, else either
	}
	h := s.hdr.Load()
	seq := h >> 32
	if seq&1 != 0 || !s.hdr.CompareAndSwap(h, (seq+1)<<32|h&0xffffffff) {
		return // another writer has the slot
	}
	var buf [memoInline / 8]uint64
	b := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), memoInline)
	copy(b, word)
	copy(b[len(word):], rest)
	for i := range (len(word) + len(rest) + 7) / 8 {
		s.b[i].Store(buf[i])
	}
	hdr := (seq+2)<<32 | uint64(pl)<<memoPrefixShift | uint64(len(word))<<8 | uint64(len(term))
	if stop {
		hdr |= memoStop
	}
	s.hdr.Store(hdr)
	if h == 0 {
		m.n.Add(1)
	}
}
