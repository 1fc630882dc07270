package fts

import (
	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/fts/query"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// An analyzed query: the query tree with its words turned into terms by
// the index's analyzer and its fields resolved. It does not depend on the
// index's contents (prefixes and fuzzy terms are expanded later, against
// the term dictionary), so a brute-force evaluator can use it too.
//
// Words that analyze to nothing (stop words) vanish: an AND drops them, an
// OR drops them, and a group left with no positive child vanishes whole
// (with its negations). A query that vanishes whole matches nothing.
type aNode interface{ aNode() }

// aTerm is a single-term leaf. field -1 means every field.
type aTerm struct {
	field  int
	term   string
	prefix bool
	fuzzy  int
}

// aPhrase: terms at the given relative positions (stop words inside a
// phrase leave gaps, as in the indexed text).
type aPhrase struct {
	field int
	terms []string
	offs  []int
}

type aAnd struct{ pos, neg []aNode }

type aOr struct{ kids []aNode }

func (*aTerm) aNode()   {}
func (*aPhrase) aNode() {}
func (*aAnd) aNode()    {}
func (*aOr) aNode()     {}

// compile parses and analyzes a query. A nil node with a nil error is a
// query that matches nothing (only stop words).
func (ix *Index) compile(q string) (aNode, error) {
	n, err := query.Parse(q)
	if err != nil {
		return nil, err
	}
	return ix.analyzeNode(n)
}

// fieldIndex resolves a field name; an index without fields (the one
// Snippet analyzes with) takes every name as every field.
func (ix *Index) fieldIndex(name string, at int) (int, error) {
	if name == "" || ix.fields == nil {
		return -1, nil
	}
	for i, f := range ix.fields {
		if f == name {
			return i, nil
		}
	}
	return 0, sqlerr.New(sqlerr.UndefinedColumn, "full-text query refers to field %q, which the index does not have (fields: %q)",
		name, ix.fields).WithPosition(at)
}

func (ix *Index) analyzeNode(n query.Node) (aNode, error) {
	switch n := n.(type) {
	case *query.Term:
		f, err := ix.fieldIndex(n.Field, n.At)
		if err != nil {
			return nil, err
		}
		if n.Prefix {
			toks := ix.analyzer.Words(n.Text)
			switch len(toks) {
			case 0:
				return nil, nil
			case 1:
				return &aTerm{field: f, term: toks[0].Term, prefix: true}, nil
			}
			return nil, sqlerr.New(sqlerr.SyntaxError, "syntax error in full-text query at character %d: a prefix query %s* must be a single word", n.At, n.Text).WithPosition(n.At)
		}
		toks := ix.analyzer.Analyze(n.Text)
		if n.Fuzzy > 0 && len(toks) > 1 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "syntax error in full-text query at character %d: a fuzzy query %s~%d must be a single word", n.At, n.Text, n.Fuzzy).WithPosition(n.At)
		}
		return phraseOf(f, toks, n.Fuzzy), nil
	case *query.Phrase:
		f, err := ix.fieldIndex(n.Field, n.At)
		if err != nil {
			return nil, err
		}
		return phraseOf(f, ix.analyzer.Analyze(n.Text), 0), nil
	case *query.And:
		a := &aAnd{}
		for _, k := range n.Children {
			neg := false
			if nk, ok := k.(*query.Not); ok {
				k, neg = nk.Child, true
			}
			c, err := ix.analyzeNode(k)
			if err != nil {
				return nil, err
			}
			switch {
			case c == nil:
			case neg:
				a.neg = append(a.neg, c)
			default:
				a.pos = append(a.pos, c)
			}
		}
		switch {
		case len(a.pos) == 0:
			return nil, nil
		case len(a.pos) == 1 && len(a.neg) == 0:
			return a.pos[0], nil
		}
		return a, nil
	case *query.Or:
		o := &aOr{}
		for _, k := range n.Children {
			c, err := ix.analyzeNode(k)
			if err != nil {
				return nil, err
			}
			if c != nil {
				o.kids = append(o.kids, c)
			}
		}
		switch len(o.kids) {
		case 0:
			return nil, nil
		case 1:
			return o.kids[0], nil
		}
		return o, nil
	}
	// Parse never returns a bare Not: validation rejects it.
	return nil, sqlerr.New(sqlerr.InternalError, "fts: unexpected query node %T", n)
}

// phraseOf turns the tokens of one query word or phrase into a leaf: a
// word may analyze to several terms ("e-mail", a CJK run), which must then
// appear as a phrase.
func phraseOf(field int, toks []analysis.Token, fuzzy int) aNode {
	switch len(toks) {
	case 0:
		return nil
	case 1:
		return &aTerm{field: field, term: toks[0].Term, fuzzy: fuzzy}
	}
	p := &aPhrase{field: field}
	for _, t := range toks {
		p.terms = append(p.terms, t.Term)
		p.offs = append(p.offs, t.Position-toks[0].Position)
	}
	return p
}
