package engine

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// createTableLike runs CREATE TABLE with LIKE elements: each copies its
// source's columns (names, types, NOT NULL) where it stands, and what
// its INCLUDING options name: DEFAULTS (a serial column's default draws
// from the source's sequence, as in PostgreSQL), GENERATED expressions,
// IDENTITY (a sequence of the new table's own), CONSTRAINTS (CHECKs) and
// INDEXES (the primary key, and every index, named anew); ALL is all of
// them. COMMENTS, COMPRESSION, STATISTICS and STORAGE change nothing
// cairn keeps. Foreign keys are never copied (nor are they in
// PostgreSQL).
func (e *Engine) createTableLike(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, st *ast.CreateTable) (Result, error) {
	if _, ok, err := catalog.Lookup(txn, st.Name.Name); err != nil {
		return Result{}, err
	} else if ok && st.IfNotExists {
		return Result{Tag: "CREATE TABLE"}, nil
	}
	out := *st
	out.Like, out.Columns, out.Constraints = nil, nil, append([]*ast.Constraint(nil), st.Constraints...)
	var indexes []*ast.CreateIndex
	next := 0
	for _, l := range st.Like {
		out.Columns = append(out.Columns, st.Columns[next:l.At]...)
		next = l.At
		cols, cons, ixs, err := likeElements(txn, l, st.Name)
		if err != nil {
			return Result{}, err
		}
		out.Columns = append(out.Columns, cols...)
		out.Constraints = append(out.Constraints, cons...)
		indexes = append(indexes, ixs...)
	}
	out.Columns = append(out.Columns, st.Columns[next:]...)
	r, err := e.createTable(x, b, txn, &out)
	if err != nil {
		return Result{}, err
	}
	for _, ix := range indexes {
		if _, err := e.createIndex(x, txn, ix); err != nil {
			return Result{}, err
		}
	}
	return r, nil
}

// likeElements returns the columns, table constraints and indexes a LIKE
// element copies into the table named to.
func likeElements(txn *mvcc.Txn, l *ast.LikeClause, to ast.TableName) ([]*ast.ColumnDef, []*ast.Constraint, []*ast.CreateIndex, error) {
	src, err := catalog.Get(txn, l.Table.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	if src.Kind != catalog.KindTable {
		return nil, nil, nil, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table", src.Name)
	}
	with := map[string]bool{}
	for _, o := range l.Options {
		if o.What == "ALL" {
			for _, w := range []string{"DEFAULTS", "CONSTRAINTS", "INDEXES", "GENERATED", "IDENTITY"} {
				with[w] = o.Include
			}
			continue
		}
		with[o.What] = o.Include
	}
	expr := func(sql string) (ast.Expr, error) { return parser.ParseExpr(sql) }
	var cols []*ast.ColumnDef
	for _, c := range src.Columns {
		if c.Hidden {
			continue
		}
		t, err := parser.ParseTypeName(c.Type)
		if err != nil {
			return nil, nil, nil, err
		}
		cd := &ast.ColumnDef{Pos: l.Pos, Name: c.Name, Type: t}
		if c.NotNull { // always copied, as in PostgreSQL
			cd.Constraints = append(cd.Constraints, &ast.Constraint{Kind: ast.ConstrNotNull})
		}
		switch {
		case c.Identity != "" && with["IDENTITY"]:
			cd.Constraints = append(cd.Constraints, &ast.Constraint{Kind: ast.ConstrIdentity, Always: c.Identity == "always"})
		case c.Generated != "" && with["GENERATED"]:
			x, err := expr(c.Generated)
			if err != nil {
				return nil, nil, nil, err
			}
			cd.Constraints = append(cd.Constraints, &ast.Constraint{Kind: ast.ConstrGenerated, Expr: x})
		case c.Default != "" && c.Identity == "" && with["DEFAULTS"]:
			x, err := expr(c.Default)
			if err != nil {
				return nil, nil, nil, err
			}
			cd.Constraints = append(cd.Constraints, &ast.Constraint{Kind: ast.ConstrDefault, Expr: x})
		}
		cols = append(cols, cd)
	}
	var cons []*ast.Constraint
	if with["CONSTRAINTS"] {
		for _, ch := range src.Checks {
			x, err := expr(ch.Expr)
			if err != nil {
				return nil, nil, nil, err
			}
			cons = append(cons, &ast.Constraint{Kind: ast.ConstrCheck, Name: ch.Name, Expr: x})
		}
	}
	var ixs []*ast.CreateIndex
	if with["INDEXES"] {
		name := func(id uint32) string {
			if c := src.ColumnByID(id); c != nil {
				return c.Name
			}
			return ""
		}
		all := append([]catalog.Index{src.Primary}, src.Indexes...)
		for i, ix := range all {
			if i == 0 && src.RowIDKeyed() {
				continue // the hidden row-id key
			}
			if i == 0 || ix.Primary {
				k := &ast.Constraint{Kind: ast.ConstrPrimaryKey}
				for _, ic := range ix.Columns {
					k.Columns = append(k.Columns, name(ic.ColumnID))
				}
				cons = append(cons, k)
				continue
			}
			ci := &ast.CreateIndex{Pos: l.Pos, Unique: ix.Unique, Table: to, Using: ix.Method, NullsNotDistinct: ix.NullsNotDistinct}
			for _, ic := range ix.Columns {
				el := ast.IndexElem{Column: name(ic.ColumnID), Desc: ic.Desc}
				if ic.Expr != "" {
					x, err := expr(ic.Expr)
					if err != nil {
						return nil, nil, nil, err
					}
					el = ast.IndexElem{Expr: x, Desc: ic.Desc}
				}
				ci.Elems = append(ci.Elems, el)
			}
			for k, v := range ix.Options {
				ci.With = append(ci.With, ast.Option{Name: k, Value: &ast.Literal{Kind: ast.LitString, Val: v}})
			}
			if ix.Predicate != "" {
				x, err := expr(ix.Predicate)
				if err != nil {
					return nil, nil, nil, err
				}
				ci.Where = x
			}
			ixs = append(ixs, ci)
		}
	}
	return cols, cons, ixs, nil
}
