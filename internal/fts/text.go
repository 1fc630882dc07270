package fts

import (
	"slices"
	"strings"
)

// Matching one document's text without an index: what `col @@ 'query'`
// evaluates for a row the index did not produce (no fts index on the
// column, or a recheck). It follows the index's semantics exactly: the
// same analyzer, stop words, prefixes, fuzzy terms and phrases.

// Matcher is a compiled query for matching texts.
type Matcher struct {
	ix   *Index
	root aNode // nil: the query matches nothing (only stop words)
}

// NewMatcher compiles q for the fields of ix (nil fields: one unnamed
// field). Errors are the query's syntax errors (42601).
func (ix *Index) NewMatcher(q string) (*Matcher, error) {
	n, err := ix.compile(q)
	if err != nil {
		return nil, err
	}
	return &Matcher{ix: ix, root: n}, nil
}

// Match reports whether a document with the given field values matches.
func (m *Matcher) Match(values []string) bool {
	if m.root == nil {
		return false
	}
	doc := make([]map[string][]int, len(values))
	for f, text := range values {
		doc[f] = map[string][]int{}
		for _, t := range m.ix.analyzer.Analyze(text) {
			doc[f][t.Term] = append(doc[f][t.Term], t.Position)
		}
	}
	return matchDoc(m.root, doc)
}

func matchDoc(n aNode, doc []map[string][]int) bool {
	fields := func(f int) []int {
		if f >= 0 && f < len(doc) {
			return []int{f}
		}
		if f >= 0 {
			return nil
		}
		all := make([]int, len(doc))
		for i := range all {
			all[i] = i
		}
		return all
	}
	switch n := n.(type) {
	case *aTerm:
		for _, f := range fields(n.field) {
			for term := range doc[f] {
				switch {
				case n.prefix && strings.HasPrefix(term, n.term),
					n.fuzzy > 0 && fuzzyMatch(n.term, term, n.fuzzy),
					!n.prefix && n.fuzzy == 0 && term == n.term:
					return true
				}
			}
		}
	case *aPhrase:
		for _, f := range fields(n.field) {
			for _, p := range doc[f][n.terms[0]] {
				all := true
				for k := 1; k < len(n.terms) && all; k++ {
					all = slices.Contains(doc[f][n.terms[k]], p+n.offs[k])
				}
				if all {
					return true
				}
			}
		}
	case *aAnd:
		for _, k := range n.pos {
			if !matchDoc(k, doc) {
				return false
			}
		}
		for _, k := range n.neg {
			if matchDoc(k, doc) {
				return false
			}
		}
		return true
	case *aOr:
		for _, k := range n.kids {
			if matchDoc(k, doc) {
				return true
			}
		}
	}
	return false
}
