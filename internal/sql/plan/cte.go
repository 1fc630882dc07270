package plan

import (
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// cte is a common table expression visible by name while binding.
type cte struct {
	name  string
	node  Node       // the bound query (nil while a recursive CTE's own term binds)
	work  *WorkTable // a recursive CTE's working table
	names []string   // column names from WITH name(a, b)
}

// WorkTable holds the rows of a recursive CTE's previous iteration; the
// executor fills it.
type WorkTable struct {
	Cols []Column
}

// WorkScan reads a recursive CTE's working table.
type WorkScan struct {
	Table *WorkTable
}

// RecursiveUnion evaluates WITH RECURSIVE: Init once, then Rec repeatedly
// over the rows the previous round produced (in Table), until a round
// produces nothing new. Without All, rows already produced are dropped.
type RecursiveUnion struct {
	Init, Rec Node
	All       bool
	Table     *WorkTable
	Cols      []Column
}

func (n *WorkScan) Columns() []Column       { return n.Table.Cols }
func (n *RecursiveUnion) Columns() []Column { return n.Cols }

// lookupCTE finds a CTE by name, innermost WITH first.
func (b *Binder) lookupCTE(name string) *cte {
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if c, ok := b.ctes[i][name]; ok {
			return c
		}
	}
	return nil
}

// bindWith binds a WITH clause's CTEs into a new binding level; the
// caller pops it when the query is bound.
func (b *Binder) bindWith(w *ast.With, outer *scope) error {
	level := map[string]*cte{}
	b.ctes = append(b.ctes, level)
	for _, c := range w.CTEs {
		if _, dup := level[c.Name]; dup {
			return sqlerr.New(sqlerr.Code("42712"), "WITH query name %q specified more than once", c.Name).WithPosition(b.charPos(int(c.Pos)))
		}
		q, ok := c.Query.(*ast.Query)
		if !ok {
			return sqlerr.New(sqlerr.FeatureNotSupported, "data-modifying statements in WITH are not supported yet").WithPosition(b.charPos(int(c.Pos)))
		}
		entry := &cte{name: c.Name, names: c.Columns}
		if w.Recursive {
			if so, ok := q.Body.(*ast.SetOp); ok && so.Op == ast.Union && referencesName(so.Right, c.Name) {
				n, err := b.bindRecursive(entry, so, outer)
				if err != nil {
					return err
				}
				entry.node = n
				level[c.Name] = entry
				continue
			}
		}
		n, err := b.bindQuery(q, outer)
		if err != nil {
			return err
		}
		entry.node = n
		level[c.Name] = entry
	}
	return nil
}

func (b *Binder) bindRecursive(entry *cte, so *ast.SetOp, outer *scope) (Node, error) {
	init, err := b.bindQueryExpr(so.Left, outer)
	if err != nil {
		return nil, err
	}
	cols := append([]Column{}, init.Columns()...)
	for i := range cols {
		cols[i].Table = ""
		if i < len(entry.names) {
			cols[i].Name = entry.names[i]
		}
	}
	entry.work = &WorkTable{Cols: cols}
	b.ctes[len(b.ctes)-1][entry.name] = entry
	rec, err := b.bindQueryExpr(so.Right, outer)
	if err != nil {
		return nil, err
	}
	rc := rec.Columns()
	if len(rc) != len(cols) {
		return nil, b.errAt(so, sqlerr.SyntaxError, "each UNION query must have the same number of columns")
	}
	exprs := make([]Expr, len(rc))
	for i, c := range rc {
		if exprs[i], err = b.convert(so, &ColRef{Idx: i, Typ: c.Type}, cols[i].Type); err != nil {
			return nil, err
		}
	}
	rec = &Project{Input: rec, Exprs: exprs, Cols: cols}
	return &RecursiveUnion{Init: init, Rec: rec, All: so.All, Table: entry.work, Cols: cols}, nil
}

// ref returns the plan that reads the CTE.
func (c *cte) ref() Node {
	if c.node == nil {
		return &WorkScan{Table: c.work}
	}
	return c.node
}

// referencesName reports whether a query expression names a table name
// in any FROM clause (a recursive CTE's self-reference).
func referencesName(q ast.QueryExpr, name string) bool {
	found := false
	var visit func(any)
	visit = func(x any) {
		if found {
			return
		}
		switch x := x.(type) {
		case *ast.Select:
			for _, f := range x.From {
				visit(f)
			}
		case *ast.SetOp:
			visit(x.Left)
			visit(x.Right)
		case *ast.Query:
			visit(x.Body)
		case *ast.TableRef:
			found = x.Name.Schema == "" && x.Name.Name == name
		case *ast.JoinExpr:
			visit(x.Left)
			visit(x.Right)
		case *ast.SubqueryRef:
			visit(x.Query)
		}
	}
	visit(q)
	return found
}
