package plan

import (
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Full-text search in SQL: `col @@ 'query'` (or `t @@ 'query'` over every
// column of t's fts index) is an FTSMatch. When the table has an fts
// index on the column and the query is a value, the planner reads the
// matching rows from the index (FTSScan), which is exact, so the
// conjunct leaves the filter; otherwise each row's text is analyzed and
// matched. fts_rank(t) reads the BM25 score the FTSScan puts in t's
// hidden fts_score column, and ORDER BY fts_rank(t) DESC LIMIT n becomes
// a top-k search.

// IndexMethodFTS is the method of a full-text index.
const IndexMethodFTS = "fts"

// ScoreColumn is the hidden column of a table with an fts index that an
// FTSScan fills with each row's score (NULL otherwise).
const ScoreColumn = "fts_score"

// FTSIndexable reports whether a column of the given catalog type can be
// in an fts index.
func FTSIndexable(typ string) bool {
	t, err := TypeFromString(typ)
	if err != nil || t.IsArray() {
		return false
	}
	switch t.Family() {
	case types.TextFamily, types.VarcharFamily, types.CharFamily, types.JSONBFamily:
		return true
	}
	return false
}

// CheckAnalyzer reports an unknown analyzer name as an error.
func CheckAnalyzer(name string) error {
	if _, err := analysis.Lookup(name); err != nil {
		return sqlerr.New(sqlerr.InvalidParameterValue, "unknown analyzer %q (known: %s)", name, strings.Join(analysis.Names(), ", "))
	}
	return nil
}

// FTSMatch is Args @@ Query: whether the document made of the Args
// values (one field each) matches the query.
type FTSMatch struct {
	Args  []Expr
	Query Expr
	// Fields name the fields (the index's columns, or "f1"...).
	Fields []string
	// Analyzer analyzes the texts and the query's words.
	Analyzer string
	// Table and Index, when set, are the fts index on Table whose
	// fields Args are (all of them, or the one named Field), read
	// through the scan of Alias.
	Table *catalog.Descriptor
	Index *catalog.Index
	Alias string
	Field string
}

func (e *FTSMatch) Type() types.Type { return types.Bool }

// FTSScan reads the rows of Table that an fts index matches for Query
// (restricted to Field, if set), with each row's score in column
// ScoreIdx (-1: none). With Limit, only the Limit best-scoring rows (a
// top-k search).
type FTSScan struct {
	Table    *catalog.Descriptor
	Alias    string
	Cols     []Column
	Index    *catalog.Index
	Query    Expr
	Field    string
	ScoreIdx int
	Limit    Expr
	// Needed marks the columns the plan reads (nil: all); see prune.
	Needed []bool
}

func (n *FTSScan) Columns() []Column { return n.Cols }

// ftsIndexes returns d's fts indexes.
func ftsIndexes(d *catalog.Descriptor) []*catalog.Index {
	var out []*catalog.Index
	for i := range d.Indexes {
		if d.Indexes[i].Method == IndexMethodFTS {
			out = append(out, &d.Indexes[i])
		}
	}
	return out
}

// ftsIndexOn finds an fts index of d covering column name: one on that
// column alone first, else one that has it among its fields.
func ftsIndexOn(d *catalog.Descriptor, name string) *catalog.Index {
	c := d.Column(name)
	if c == nil {
		return nil
	}
	var multi *catalog.Index
	for _, ix := range ftsIndexes(d) {
		for _, ic := range ix.Columns {
			if ic.ColumnID == c.ID {
				if len(ix.Columns) == 1 {
					return ix
				}
				if multi == nil {
					multi = ix
				}
			}
		}
	}
	return multi
}

// ftsFields returns the field names of an fts index: its column names.
func ftsFields(d *catalog.Descriptor, ix *catalog.Index) []string {
	out := make([]string, len(ix.Columns))
	for i, ic := range ix.Columns {
		if c := d.ColumnByID(ic.ColumnID); c != nil {
			out[i] = c.Name
		}
	}
	return out
}

// bindTextMatch binds x @@ query.
func (b *Binder) bindTextMatch(s *scope, e *ast.BinaryExpr) (Expr, error) {
	m := &FTSMatch{Analyzer: analysis.DefaultName}
	// t @@ 'q': every column of t's fts index.
	if cr, ok := e.Left.(*ast.ColumnRef); ok && cr.Table.Name == "" {
		if _, _, _, err := s.resolve("", cr.Name, 0); err != nil {
			if d := b.tables[cr.Name]; d != nil {
				ixs := ftsIndexes(d)
				if len(ixs) == 0 {
					return nil, b.errAt(e, sqlerr.UndefinedObject, "table %q has no fts index", cr.Name)
				}
				// The index with the most columns: t @@ searches all of t.
				best := ixs[0]
				for _, ix := range ixs[1:] {
					if len(ix.Columns) > len(best.Columns) {
						best = ix
					}
				}
				m.Table, m.Index, m.Alias = d, best, cr.Name
				m.Fields = ftsFields(d, m.Index)
				for _, f := range m.Fields {
					x, err := b.bindExpr(s, &ast.ColumnRef{Pos: cr.Pos, Table: ast.TableName{Name: cr.Name}, Name: f})
					if err != nil {
						return nil, err
					}
					m.Args = append(m.Args, x)
				}
			}
		}
	}
	if m.Args == nil {
		x, err := b.bindExpr(s, e.Left)
		if err != nil {
			return nil, err
		}
		if x, err = b.ftsText(e.Left, x); err != nil {
			return nil, err
		}
		m.Args, m.Fields = []Expr{x}, []string{"text"}
		if col, ok := b.columnOf(s, e.Left); ok {
			if d := b.tables[col.Table]; d != nil {
				if ix := ftsIndexOn(d, col.Name); ix != nil {
					m.Table, m.Index, m.Alias, m.Field = d, ix, col.Table, col.Name
					m.Fields = []string{col.Name}
				}
			}
		}
	}
	if m.Index != nil && m.Index.Options["analyzer"] != "" {
		m.Analyzer = m.Index.Options["analyzer"]
	}
	q, err := b.bindExpr(s, e.Right)
	if err != nil {
		return nil, err
	}
	if m.Query, err = b.cast(e.Right, q, types.Text, types.CastImplicit); err != nil {
		return nil, err
	}
	return m, nil
}

// ftsText checks that x can be searched: text or jsonb (its strings).
func (b *Binder) ftsText(n ast.Node, x Expr) (Expr, error) {
	switch x.Type().Family() {
	case types.TextFamily, types.VarcharFamily, types.CharFamily, types.JSONBFamily:
		if !x.Type().IsArray() {
			return x, nil
		}
	case types.UnknownFamily:
		return b.cast(n, x, types.Text, types.CastImplicit)
	}
	return nil, b.errAt(n, sqlerr.UndefinedFunction, "operator does not exist: %s @@ text", x.Type())
}

// columnOf resolves a column reference to its column (with its table
// alias), if e is one of this query level.
func (b *Binder) columnOf(s *scope, e ast.Expr) (Column, bool) {
	cr, ok := e.(*ast.ColumnRef)
	if !ok {
		return Column{}, false
	}
	depth, _, col, err := s.resolve(cr.Table.Name, cr.Name, 0)
	if err != nil || depth != 0 || col.Table == "" {
		return Column{}, false
	}
	return col, true
}

// bindFTSRank binds fts_rank(t): t's hidden score column.
func (b *Binder) bindFTSRank(s *scope, e *ast.FuncCall) (Expr, error) {
	if len(e.Args) != 1 {
		return nil, b.errAt(e, sqlerr.UndefinedFunction, "fts_rank takes one argument, a table with an fts index")
	}
	cr, ok := e.Args[0].(*ast.ColumnRef)
	if !ok {
		return nil, b.errAt(e, sqlerr.UndefinedFunction, "fts_rank takes a table name (or alias) with an fts index")
	}
	alias := cr.Name
	if cr.Table.Name != "" {
		alias = cr.Table.Name // fts_rank(t.col) ranks t too
	}
	depth, idx, col, err := s.resolve(alias, ScoreColumn, b.charPos(int(cr.Position())))
	if err != nil {
		return nil, b.errAt(e, sqlerr.UndefinedObject, "fts_rank(%s): %q is not a table with an fts index in FROM", alias, alias)
	}
	if depth > 0 {
		return &OuterRef{Depth: depth, Idx: idx, Typ: col.Type, Name: col.Name}, nil
	}
	return &ColRef{Idx: idx, Typ: col.Type, Name: col.Name}, nil
}

// bindFTSSnippet binds fts_snippet(col, query [, start, end [, max
// tokens]]), analyzing with the analyzer of an fts index on col if there
// is one.
func (b *Binder) bindFTSSnippet(s *scope, e *ast.FuncCall) (Expr, error) {
	if len(e.Args) < 2 || len(e.Args) > 5 || len(e.Args) == 3 {
		return nil, b.errAt(e, sqlerr.UndefinedFunction, "fts_snippet takes (text, query [, start, end [, max_tokens]])")
	}
	analyzer := analysis.DefaultName
	if col, ok := b.columnOf(s, e.Args[0]); ok {
		if d := b.tables[col.Table]; d != nil {
			if ix := ftsIndexOn(d, col.Name); ix != nil && ix.Options["analyzer"] != "" {
				analyzer = ix.Options["analyzer"]
			}
		}
	}
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := b.bindExpr(s, a)
		if err != nil {
			return nil, err
		}
		want := types.Text
		if i == 4 {
			want = types.Int4
		}
		if i == 0 {
			if x, err = b.ftsText(a, x); err != nil {
				return nil, err
			}
		} else if x, err = b.cast(a, x, want, types.CastImplicit); err != nil {
			return nil, err
		}
		args[i] = x
	}
	return &FTSSnippet{Args: args, Analyzer: analyzer}, nil
}

// FTSSnippet is fts_snippet(text, query [, start, end [, max tokens]]).
type FTSSnippet struct {
	Args     []Expr
	Analyzer string
}

func (e *FTSSnippet) Type() types.Type { return types.Text }

// chooseFTS turns a filtered scan with an indexable @@ conjunct into an
// FTSScan; the conjunct leaves the filter (the index is exact). It
// returns the new input and the remaining predicate (nil: none).
func chooseFTS(s *Scan, pred Expr) (Node, Expr, bool) {
	conds := conjuncts(pred)
	for i, c := range conds {
		m, ok := c.(*FTSMatch)
		if !ok || m.Index == nil || m.Table != s.Table || m.Alias != s.Alias || !isValue(m.Query) {
			continue
		}
		if m.Field != "" && len(m.Index.Columns) > 1 {
			// One field of a multi-column index: the index would match
			// the other fields too.
			continue
		}
		scan := &FTSScan{Table: s.Table, Alias: s.Alias, Cols: s.Cols, Index: m.Index, Query: m.Query, ScoreIdx: -1}
		for j, col := range s.Cols {
			if col.Hidden && col.Name == ScoreColumn {
				scan.ScoreIdx = j
			}
		}
		rest := append(append([]Expr{}, conds[:i]...), conds[i+1:]...)
		if len(rest) == 0 {
			return scan, nil, true
		}
		return scan, and(rest), true
	}
	return nil, nil, false
}

// pushTopK makes ORDER BY fts_rank(t) DESC LIMIT n a top-k search: the
// FTSScan below returns only the best Count + Offset rows, which the
// sort then orders. It applies only when nothing between the scan and
// the sort drops rows.
func pushTopK(l *Limit) {
	if len(l.Ties) > 0 {
		return // the rows that tie with the last are not among the best k
	}
	if l.Count == nil || !isValue(l.Count) || (l.Offset != nil && !isValue(l.Offset)) {
		return
	}
	var sort *Sort
	n := l.Input
	for sort == nil {
		switch x := n.(type) {
		case *Project:
			n = x.Input
		case *Sort:
			sort = x
		default:
			return
		}
	}
	if len(sort.Keys) == 0 || !sort.Keys[0].Desc {
		return
	}
	cr, ok := sort.Keys[0].Expr.(*ColRef)
	if !ok {
		return
	}
	idx := cr.Idx
	n = sort.Input
	for {
		switch x := n.(type) {
		case *Project:
			c, ok := x.Exprs[idx].(*ColRef)
			if !ok {
				return
			}
			idx, n = c.Idx, x.Input
			continue
		case *FTSScan:
			if x.ScoreIdx != idx || x.ScoreIdx < 0 {
				return
			}
			limit := l.Count
			if l.Offset != nil {
				limit = &BinOp{Op: types.OpAdd, L: l.Count, R: l.Offset, Fn: addInt8, Typ: types.Int8}
			}
			x.Limit = limit
		}
		return
	}
}

func addInt8(a, b types.Datum) (types.Datum, error) {
	if a.IsNull() || b.IsNull() {
		return types.Null, nil
	}
	return types.NewInt8(a.Int() + b.Int()), nil
}
