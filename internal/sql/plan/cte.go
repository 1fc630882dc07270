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
	// dml is set for a data-modifying statement without RETURNING,
	// which a query may not read.
	noReturning bool
}

// DMLCTE is a data-modifying statement of a WITH clause (an *Insert,
// *Update or *Delete): it runs once per execution of its statement,
// before the statement itself (which lists it in Pre, or RunFirst), and
// its rows are its RETURNING rows, however many times the statement
// reads them. Unlike PostgreSQL, where the statement reads the tables as
// they were before, the statement sees its changes.
type DMLCTE struct {
	Stmt Node
	Cols []Column
}

// RunFirst runs the data-modifying statements of a query's WITH clause
// (Pre), then gives Input's rows.
type RunFirst struct {
	Pre   []Node
	Input Node
}

func (n *DMLCTE) Columns() []Column   { return n.Cols }
func (n *RunFirst) Columns() []Column { return n.Input.Columns() }

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
			n, err := b.dmlStatement(c.Query)
			if err != nil {
				return err
			}
			d := &DMLCTE{Stmt: n, Cols: append([]Column{}, n.Columns()...)}
			for i := range d.Cols {
				d.Cols[i].Table = ""
				if i < len(c.Columns) {
					d.Cols[i].Name = c.Columns[i]
				}
			}
			b.dmlCTEs = append(b.dmlCTEs, d)
			level[c.Name] = &cte{name: c.Name, node: d, names: c.Columns, noReturning: len(d.Cols) == 0}
			continue
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

// dmlStatement binds a data-modifying statement of a WITH clause.
func (b *Binder) dmlStatement(st ast.Statement) (Node, error) {
	switch st := st.(type) {
	case *ast.Insert:
		return b.Insert(st)
	case *ast.Update:
		return b.Update(st)
	case *ast.Delete:
		return b.Delete(st)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "%T in WITH is not supported", st)
}

// takeDMLCTEs returns (and forgets) the data-modifying CTEs bound since
// mark, which the statement that bound them runs first.
func (b *Binder) takeDMLCTEs(mark int) []Node {
	if len(b.dmlCTEs) == mark {
		return nil
	}
	out := make([]Node, 0, len(b.dmlCTEs)-mark)
	for _, d := range b.dmlCTEs[mark:] {
		out = append(out, d)
	}
	b.dmlCTEs = b.dmlCTEs[:mark]
	return out
}
