package plan

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// TableExprs are the expressions stored with a table, bound over its
// columns (a row in the descriptor's column order): CHECK constraints,
// and the key expressions and predicates of its indexes.
type TableExprs struct {
	Checks []Expr
	// Generated holds each generated column's expression, cast to the
	// column's type, by column ordinal (nil for the other columns); nil
	// when the table has none.
	Generated []Expr
	// Indexes holds the indexes that have an expression key or a
	// predicate, by index id.
	Indexes map[uint32]*IndexExprs
}

// IndexExprs are an index's bound key expressions (nil for a key that
// is a plain column) and its predicate (nil unless partial).
type IndexExprs struct {
	Keys []Expr
	Pred Expr
}

// HasGenerated reports whether d has a generated column.
func HasGenerated(d *catalog.Descriptor) bool {
	for _, c := range d.Columns {
		if c.Generated != "" {
			return true
		}
	}
	return false
}

// HasIndexExprs reports whether one of d's indexes has an expression key
// or a predicate.
func HasIndexExprs(d *catalog.Descriptor) bool {
	for _, ix := range d.Indexes {
		if ix.Predicate != "" {
			return true
		}
		for _, ic := range ix.Columns {
			if ic.Expr != "" {
				return true
			}
		}
	}
	return false
}

// BindTableExprs binds d's CHECK constraints and index expressions.
func BindTableExprs(txn *mvcc.Txn, d *catalog.Descriptor) (*TableExprs, error) {
	b := NewBinder(txn, "", nil)
	cols, err := TableColumns(d)
	if err != nil {
		return nil, err
	}
	out := &TableExprs{}
	for _, c := range d.Checks {
		x, err := b.Check(d, cols, c.Expr)
		if err != nil {
			return nil, err
		}
		out.Checks = append(out.Checks, x)
	}
	if out.Indexes, err = b.indexExprs(d, cols); err != nil {
		return nil, err
	}
	for i, c := range d.Columns {
		if c.Generated == "" {
			continue
		}
		x, err := b.GeneratedExpr(d, cols, i)
		if err != nil {
			return nil, err
		}
		if out.Generated == nil {
			out.Generated = make([]Expr, len(d.Columns))
		}
		out.Generated[i] = x
	}
	return out, nil
}

// ColumnConversion binds ALTER COLUMN TYPE's conversion of a column to
// type t: sql over the table's columns (USING, or the column itself),
// assigned to t (42804 when it has no assignment cast).
func (b *Binder) ColumnConversion(cols []Column, sql string, t types.Type) (Expr, error) {
	e, err := parser.ParseExpr(sql)
	if err != nil {
		return nil, err
	}
	x, err := b.bindExpr(&scope{cols: cols}, e)
	if err != nil {
		return nil, err
	}
	return b.assign(e, x, t)
}

// GeneratedExpr binds the expression of generated column i of d: an
// immutable expression over the row's other columns, none of them
// generated (42P17 otherwise), cast to the column's type.
func (b *Binder) GeneratedExpr(d *catalog.Descriptor, cols []Column, i int) (Expr, error) {
	sql := d.Columns[i].Generated
	x, err := b.immutableExpr(cols, sql, "column generation expression")
	if err != nil {
		return nil, err
	}
	var bad error
	walkExpr(x, func(e Expr) {
		if cr, ok := e.(*ColRef); ok && bad == nil && d.Columns[cr.Idx].Generated != "" {
			bad = sqlerr.New(sqlerr.Code("42P17"), "cannot use generated column %q in column generation expression", d.Columns[cr.Idx].Name).
				WithDetail("A generated column cannot reference another generated column.")
		}
	})
	if bad != nil {
		return nil, bad
	}
	e, _ := parser.ParseExpr(sql)
	defer b.catalogText(sql)()
	return b.assign(e, x, cols[i].Type)
}

func (b *Binder) indexExprs(d *catalog.Descriptor, cols []Column) (map[uint32]*IndexExprs, error) {
	if !HasIndexExprs(d) {
		return nil, nil
	}
	out := map[uint32]*IndexExprs{}
	for _, ix := range d.Indexes {
		var ie IndexExprs
		has := false
		for _, ic := range ix.Columns {
			var k Expr
			if ic.Expr != "" {
				var err error
				if k, err = b.IndexExpr(cols, ic.Expr); err != nil {
					return nil, err
				}
				has = true
			}
			ie.Keys = append(ie.Keys, k)
		}
		if ix.Predicate != "" {
			p, err := b.IndexPredicate(cols, ix.Predicate)
			if err != nil {
				return nil, err
			}
			ie.Pred, has = p, true
		}
		if has {
			out[ix.ID] = &ie
		}
	}
	return out, nil
}

// IndexExpr binds an index key expression over a table's columns. It
// must be immutable: no volatile functions, subqueries or aggregates
// (the key of a row may not change unless the row does).
func (b *Binder) IndexExpr(cols []Column, sql string) (Expr, error) {
	return b.immutableExpr(cols, sql, "index expression")
}

// IndexPredicate binds a partial index's WHERE clause.
func (b *Binder) IndexPredicate(cols []Column, sql string) (Expr, error) {
	x, err := b.immutableExpr(cols, sql, "index predicate")
	if err != nil {
		return nil, err
	}
	e, _ := parser.ParseExpr(sql)
	return b.boolean(e, x, "WHERE")
}

func (b *Binder) immutableExpr(cols []Column, sql, what string) (Expr, error) {
	e, err := parser.ParseExpr(sql)
	if err != nil {
		return nil, err
	}
	defer b.catalogText(sql)()
	x, err := b.bindExpr(&scope{cols: cols}, e)
	if err != nil {
		return nil, err
	}
	var bad error
	walkExpr(x, func(x Expr) {
		switch x := x.(type) {
		case *Func:
			if x.Volatile && bad == nil {
				bad = sqlerr.New(sqlerr.Code("42P17"), "functions in %s must be marked IMMUTABLE", what)
			}
		case *Subquery:
			if bad == nil {
				bad = sqlerr.New(sqlerr.FeatureNotSupported, "cannot use subquery in %s", what)
			}
		}
	})
	return x, bad
}

// RowFunction reports whether e's value depends on nothing but the row
// it is evaluated over: no parameters, outer references, subqueries,
// full-text matches (which read an index in the statement's
// transaction) or functions that are volatile or read the statement's
// context. An executor may keep such an expression's compiled form
// between runs of a plan. Index expressions and predicates are row
// functions by construction (immutableExpr); CHECK constraints need not
// be.
func RowFunction(e Expr) bool {
	ok := true
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *Param, *OuterRef, *Subquery, *FTSMatch, *FTSSnippet:
			ok = false
		case *Func:
			if x.Volatile || x.CtxFn != nil {
				ok = false
			}
		}
	})
	return ok
}

// ZoneDependent reports whether e's value depends on the session time
// zone: a cast between timestamptz and text, timestamp, date or time,
// timestamptz arithmetic with days or months, date_trunc or extract of a
// timestamptz. PostgreSQL refuses such (stable) expressions as index
// keys, since a key must not depend on who computes it.
func ZoneDependent(e Expr) bool {
	found := false
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *Cast:
			found = found || types.ZoneDependentCast(x.X.Type(), x.Typ)
		case *BinOp:
			found = found || types.ZoneDependentOp(x.Op, x.L.Type(), x.R.Type())
		case *Func:
			found = found || x.Zoned
		}
	})
	return found
}
