package fts

import (
	"strings"

	"github.com/cairndb/cairn/internal/fts/analysis"
)

// SnippetOptions tune Snippet. Zero values take the defaults.
type SnippetOptions struct {
	Start, End string // around each matching word; default "<b>", "</b>"
	Ellipsis   string // where text was cut; default "…"
	// MaxTokens is the longest fragment, in tokens; default 30; negative:
	// the whole text.
	MaxTokens int
}

// Snippet returns the fragment of text that best matches q (the window of
// MaxTokens tokens holding the most distinct query terms, then the most
// matches, the earliest on ties) with matching words highlighted. It
// needs no index: text is analyzed with a, field names in q are ignored,
// and words of phrases, prefixes and fuzzy terms are highlighted wherever
// they occur. Negated terms are not highlighted.
func Snippet(a *analysis.Analyzer, text, q string, opts SnippetOptions) (string, error) {
	if opts.Start == "" && opts.End == "" {
		opts.Start, opts.End = "<b>", "</b>"
	}
	if opts.Ellipsis == "" {
		opts.Ellipsis = "…"
	}
	if opts.MaxTokens == 0 {
		opts.MaxTokens = 30
	}
	an, err := (&Index{analyzer: a}).compile(q)
	if err != nil {
		return "", err
	}
	var leaves []*aTerm
	collectLeaves(an, &leaves)
	toks := a.Analyze(text)
	matched := make([]int, len(toks)) // index+1 of the leaf matched, 0 none
	for i, t := range toks {
		for j, l := range leaves {
			if leafMatches(l, t.Term) {
				matched[i] = j + 1
				break
			}
		}
	}
	lo, hi := 0, len(toks)
	if opts.MaxTokens > 0 && len(toks) > opts.MaxTokens {
		lo = bestWindow(matched, opts.MaxTokens)
		hi = lo + opts.MaxTokens
	}
	if len(toks) == 0 {
		return text, nil
	}
	var b strings.Builder
	from, to := 0, len(text)
	if lo > 0 {
		from = toks[lo].Start
		b.WriteString(opts.Ellipsis)
	}
	if hi < len(toks) {
		to = toks[hi-1].End
	}
	// Highlighted spans, merged where they overlap or touch (the
	// overlapping bigrams of a CJK run read as one highlight).
	type span struct{ s, e int }
	var spans []span
	for i := lo; i < hi; i++ {
		if matched[i] == 0 {
			continue
		}
		t := toks[i]
		if n := len(spans); n > 0 && t.Start <= spans[n-1].e {
			spans[n-1].e = max(spans[n-1].e, t.End)
			continue
		}
		spans = append(spans, span{t.Start, t.End})
	}
	at := from
	for _, sp := range spans {
		b.WriteString(text[at:sp.s])
		b.WriteString(opts.Start)
		b.WriteString(text[sp.s:sp.e])
		b.WriteString(opts.End)
		at = sp.e
	}
	b.WriteString(text[at:to])
	if hi < len(toks) {
		b.WriteString(opts.Ellipsis)
	}
	return b.String(), nil
}

// bestWindow returns the start of the n-token window with the most
// distinct matched leaves, then the most matches, earliest first; then it
// centres the matches of that window in it, so they come with context on
// both sides.
func bestWindow(matched []int, n int) int {
	best, bestDistinct, bestCount := 0, -1, -1
	for lo := 0; lo+n <= len(matched); lo++ {
		seen := map[int]bool{}
		count := 0
		for _, m := range matched[lo : lo+n] {
			if m > 0 {
				seen[m] = true
				count++
			}
		}
		if len(seen) > bestDistinct || (len(seen) == bestDistinct && count > bestCount) {
			best, bestDistinct, bestCount = lo, len(seen), count
		}
	}
	first, last := -1, -1
	for i := best; i < best+n; i++ {
		if matched[i] > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return best
	}
	return min(max(first-(n-(last-first+1))/2, 0), len(matched)-n)
}

func collectLeaves(n aNode, out *[]*aTerm) {
	switch n := n.(type) {
	case *aTerm:
		*out = append(*out, n)
	case *aPhrase:
		for _, t := range n.terms {
			*out = append(*out, &aTerm{field: n.field, term: t})
		}
	case *aAnd:
		for _, k := range n.pos {
			collectLeaves(k, out)
		}
	case *aOr:
		for _, k := range n.kids {
			collectLeaves(k, out)
		}
	}
}

func leafMatches(l *aTerm, term string) bool {
	switch {
	case l.prefix:
		return strings.HasPrefix(term, l.term)
	case l.fuzzy > 0:
		return fuzzyMatch(l.term, term, l.fuzzy)
	}
	return l.term == term
}
