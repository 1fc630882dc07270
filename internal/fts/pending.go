package fts

import (
	"bytes"
	"cmp"
	"slices"
)

// The pending postings of a state, per field and term, for searches. A
// state's pending documents are its change-log entries; inverting them
// all is the cost of a first search after every commit under the index.
// While a backlog merges in pieces, each piece commits, and every search
// after it would invert the whole remaining backlog again. So a state
// derives its postings from the state kept before it when most of that
// one's documents are still pending, unchanged: a term's list is the
// older inversion's list without the documents merged (or deleted, or
// replaced) since, plus the postings of the few documents added since,
// built per term on first use.

// pendingIndex is an inversion of pending documents' postings.
type pendingIndex struct {
	docs  []uint64   // the documents, ascending
	raws  [][]byte   // their change-log entries
	terms [][]string // per field, sorted
	lists [][][]posting
	// post maps each field's terms to their lists (withMaps: searches
	// look terms up; a merge walks them in order).
	post []map[string][]posting
}

// withMaps builds pi's maps and returns pi.
func (pi *pendingIndex) withMaps() *pendingIndex {
	pi.post = make([]map[string][]posting, len(pi.terms))
	for f, terms := range pi.terms {
		pi.post[f] = make(map[string][]posting, len(terms))
		for i, t := range terms {
			pi.post[f][t] = pi.lists[f][i]
		}
	}
	return pi
}

// deriveWhen: a state derives from an older inversion only when at least
// half of that one's documents are still pending (else filtering its
// lists costs more than it saves) and they are at least half of its own
// (else its new documents are the bulk, to invert anyway).
const deriveWhen = 2

// prepare decides, once, how s serves its pending postings.
func (ix *Index) prepare(s *state) error {
	s.once.Do(func() {
		b := s.older
		s.older = nil
		defer func() {
			if s.pendErr == nil {
				if s.pend != nil {
					s.whole.Store(s.pend)
				} else {
					s.whole.Store(s.base)
				}
			}
		}()
		if b != nil {
			kept, fresh, freshRaws := splitPending(b, s)
			if deriveWhen*len(kept) >= len(b.docs) && deriveWhen*len(kept) >= len(s.adds) {
				f, err := ix.invertPending(fresh, freshRaws, func(d uint64) uint64 { return d }, false)
				if err != nil {
					s.pendErr = err
					return
				}
				s.base, s.kept, s.fresh = b, kept, f.withMaps()
				s.memo = map[fieldTerm][]posting{}
				return
			}
		}
		if s.pend, s.pendErr = ix.invertPending(s.adds, s.addRaw, func(d uint64) uint64 { return d }, false); s.pendErr == nil {
			s.pend.withMaps()
		}
	})
	return s.pendErr
}

// splitPending sorts s's pending documents into those of b unchanged
// (same number, same entry) and the rest, with their entries.
func splitPending(b *pendingIndex, s *state) (kept, fresh []uint64, freshRaws [][]byte) {
	for i, d := range s.adds {
		if s.addRaw[i] == nil {
			continue // the first format: not in any inversion
		}
		if j, ok := slices.BinarySearch(b.docs, d); ok && bytes.Equal(b.raws[j], s.addRaw[i]) {
			kept = append(kept, d)
			continue
		}
		fresh = append(fresh, d)
		freshRaws = append(freshRaws, s.addRaw[i])
	}
	return kept, fresh, freshRaws
}

// pendingList returns the pending postings of ft in document order.
// Shared: callers must not modify it.
func (ix *Index) pendingList(s *state, ft fieldTerm) ([]posting, error) {
	if err := ix.prepare(s); err != nil {
		return nil, err
	}
	if s.pend != nil {
		return s.pend.post[ft.field][ft.term], nil
	}
	s.memoMu.Lock()
	defer s.memoMu.Unlock()
	if l, ok := s.memo[ft]; ok {
		return l, nil
	}
	old, add := s.base.post[ft.field][ft.term], s.fresh.post[ft.field][ft.term]
	l := make([]posting, 0, len(old)+len(add))
	for _, p := range old {
		if _, ok := slices.BinarySearch(s.kept, p.doc); ok {
			l = append(l, p)
		}
	}
	if len(add) > 0 {
		l = append(l, add...)
		slices.SortFunc(l, func(a, b posting) int { return cmp.Compare(a.doc, b.doc) })
	}
	s.memo[ft] = l
	return l, nil
}

// pendingTerms returns the sorted terms of field f that pending documents
// may hold (a derived state's list includes terms whose documents have
// all left since: they expand to nothing).
func (ix *Index) pendingTerms(s *state, f int) ([]string, error) {
	if err := ix.prepare(s); err != nil {
		return nil, err
	}
	if s.pend != nil {
		return s.pend.terms[f], nil
	}
	s.memoMu.Lock()
	defer s.memoMu.Unlock()
	if s.unionTerms == nil {
		s.unionTerms = make([][]string, len(ix.fields))
	}
	if s.unionTerms[f] == nil {
		u := append(slices.Clone(s.base.terms[f]), s.fresh.terms[f]...)
		slices.Sort(u)
		s.unionTerms[f] = slices.Compact(u)
	}
	return s.unionTerms[f], nil
}
