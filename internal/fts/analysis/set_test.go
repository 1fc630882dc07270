package analysis

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// TestSetMemo: an analyzer from a Set (one per name, remembering terms)
// analyzes every text as a fresh analyzer does, the second time from its
// memo as the first.
func TestSetMemo(t *testing.T) {
	var set Set
	texts := []string{
		"The running dogs ran; RUNNING, runs and Runner's cafés",
		"Café CAFE cafe naïve NAÏVE generalizations generalization",
		"Σπίτι σπίτια Москва москвы 東京タワー and the of",
	}
	for _, name := range []string{"english", "english_unaccent", "french", "simple", "cjk"} {
		a, err := set.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := set.Lookup(name); b != a {
			t.Fatalf("%s: two analyzers for one name", name)
		}
		fresh := MustLookup(name)
		for round := range 2 {
			for _, text := range texts {
				got, want := fmt.Sprint(a.Analyze(text)), fmt.Sprint(fresh.Analyze(text))
				if got != want {
					t.Fatalf("%s round %d %q:\n got %s\nwant %s", name, round, text, got, want)
				}
			}
		}
		if name == "english" && a.memo.n.Load() == 0 {
			t.Fatal("the english analyzer remembered no term")
		}
	}
	if a, _ := set.Lookup(""); a != must(set.Lookup(DefaultName)) {
		t.Fatal("the empty name is the default analyzer")
	}
}

func must(a *Analyzer, err error) *Analyzer {
	if err != nil {
		panic(err)
	}
	return a
}

// TestTermMemoEntries: the memo gives back each word's term, for words
// and terms of every length that fits an entry (an empty term too; terms
// sharing a prefix with their word, as stems do, and not), and does not
// keep one that does not fit.
func TestTermMemoEntries(t *testing.T) {
	m := newTermMemo()
	check := func(word, term string) {
		t.Helper()
		m.put(word, term, false)
		var v memoView
		got, stop, ok := m.get(word, &v)
		if !ok || stop || got != term {
			t.Fatalf("word %q, term %q: got %q %v %v", word, term, got, stop, ok)
		}
	}
	for n := 1; n <= memoInline; n++ {
		word := strings.Repeat("é", n)[:n] // cut mid-rune sometimes: bytes are bytes
		// A word has one term; across the words, every length that fits.
		check(word, strings.Repeat("t", (n*7)%(memoInline-n+1)))
		// A stem: a prefix of the word, and a prefix and a new ending.
		w := strings.Repeat("r", n)
		check(w, w[:n/2])
		if n+3 <= memoInline { // word and the rest "ie"
			check(w+"x", w[:n/2]+"ie")
		}
	}
	check("running", "run")
	check("ponies", "poni")
	check("flies", "fli")
	long := strings.Repeat("w", 40)
	m.put(long, "w", false)
	if _, _, ok := m.get(long, new(memoView)); ok {
		t.Fatal("a word longer than an entry was kept")
	}
	m.put("wordy", strings.Repeat("t", memoInline), false)
	if _, _, ok := m.get("wordy", new(memoView)); ok {
		t.Fatal("a word and term longer than an entry were kept")
	}
	if _, _, ok := m.get("never seen", new(memoView)); ok {
		t.Fatal("a word never put was found")
	}
	m.put("the", "", true)
	if term, stop, ok := m.get("the", new(memoView)); !ok || !stop || term != "" {
		t.Fatalf("a stop word: %q %v %v", term, stop, ok)
	}
}

// TestTermMemoConcurrent: goroutines putting and getting words that share
// slots (a small memo's worth of words, many to a slot) only ever get a
// word's own term back, or a miss: a reader racing a writer misses.
func TestTermMemoConcurrent(t *testing.T) {
	m := newTermMemo()
	termOf := func(w string) string { return strings.ToUpper(w) + "!" }
	words := make([]string, 4*memoWords)
	for i := range words {
		words[i] = fmt.Sprintf("w%d-%s", i, strings.Repeat("x", i%20))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Go(func() {
			var v memoView
			for i := range 200_000 {
				w := words[(i*7919+g*104729)%len(words)]
				if i%3 == 0 {
					m.put(w, termOf(w), false)
					continue
				}
				if got, _, ok := m.get(w, &v); ok && got != termOf(w) {
					errs <- fmt.Sprintf("word %q: term %q", w, got)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if m.n.Load() == 0 {
		t.Fatal("nothing remembered")
	}
}

// TestASCIIPathMatchesRunes: the analyzers' path for ASCII text gives exactly
// the tokens of the general path (runes, a call per word), with and
// without a memo, for random text of mixed case, digits, punctuation,
// stop words and words longer than the memo keeps.
func TestASCIIPathMatchesRunes(t *testing.T) {
	seed := rand.Uint64()
	r := rand.New(rand.NewPCG(seed, 7))
	words := []string{"The", "running", "RUNS", "a", "Of", "x9", "2024", "Zebra", "nation's", "don't",
		"caféless", "ALLCAPSWORD", "mIxEd", "i", "strings", strings.Repeat("Long", 20), strings.Repeat("q", 60)}
	seps := []string{" ", "  ", ", ", ".", "-", "_", "\n", "'", "!?", "\t"}
	plain := MustLookup("english")
	var set Set
	memo, err := set.Lookup("english")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3000 {
		var b strings.Builder
		for range r.IntN(30) {
			w := words[r.IntN(len(words))]
			if w == "caféless" {
				w = "cafeless" // ASCII only
			}
			b.WriteString(w)
			b.WriteString(seps[r.IntN(len(seps))])
		}
		text := b.String()
		for _, a := range []*Analyzer{plain, memo} {
			collect := func(each func(string, func(string, bool, int, int, int))) (toks []Token) {
				each(text, func(t string, _ bool, pos, start, end int) {
					toks = append(toks, Token{Term: strings.Clone(t), Position: pos, Start: start, End: end})
				})
				return toks
			}
			got, want := collect(a.eachASCII), collect(a.eachRune)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d (seed %d), %q: ASCII path %v, general %v", round, seed, text, got, want)
			}
		}
	}
}
