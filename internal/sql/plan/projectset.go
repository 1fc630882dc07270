package plan

import (
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// ProjectSet evaluates the set-returning functions of a select list
// (SELECT x, unnest(a) FROM t), as PostgreSQL 10's ProjectSet: each
// input row gives as many rows as its longest function result, the
// shorter results padded with NULL, and no row when every result is
// empty. Its columns are the input's, then one per function.
type ProjectSet struct {
	Input Node
	Funcs []*SetFunc
	Cols  []Column
}

// SetFunc is one set-returning function call of a select list: a table
// function of one column, its arguments evaluated over the input row.
type SetFunc struct {
	Name string
	Args []Expr
	Open func(args []types.Datum) (builtins.TableIter, error)
	// OpenCtx, when set, is called instead of Open with the statement's
	// EvalContext (a function CREATE FUNCTION made).
	OpenCtx func(ec *builtins.EvalContext, args []types.Datum) (builtins.TableIter, error)
	Typ     types.Type
}

func (n *ProjectSet) Columns() []Column { return n.Cols }
func (n *ProjectSet) input() Node       { return n.Input }

// srfBase numbers set-returning function result columns while the
// columns below them are not yet known (they follow the input's and the
// window functions'); below windowBase, far above any real ordinal.
const srfBase = 1 << 29

// srfContext collects the set-returning function calls of a SELECT's
// targets. allowed is set while the binder is where PostgreSQL allows
// one: a select list, outside aggregate and window arguments,
// conditional expressions and other set-returning functions' arguments.
type srfContext struct {
	calls   []*SetFunc
	allowed bool
}

// withoutSRF runs bind with set-returning functions disallowed (the
// arguments of an aggregate, a window function, CASE, COALESCE...).
func (b *Binder) withoutSRF(bind func() (Expr, error)) (Expr, error) {
	if b.srf == nil || !b.srf.allowed {
		return bind()
	}
	b.srf.allowed = false
	defer func() { b.srf.allowed = true }()
	return bind()
}

// isSetFunc reports whether a call of name is of a set-returning
// function: a table function that is not also a scalar one.
func isSetFunc(name string) bool {
	return builtins.IsTableFunc(name) && !builtins.IsScalar(name)
}

// bindSetFunc binds a set-returning function called in a select list,
// registering it with the SELECT's ProjectSet and returning a reference
// to its result column.
func (b *Binder) bindSetFunc(s *scope, e *ast.FuncCall, name string) (Expr, error) {
	if b.srf == nil || !b.srf.allowed {
		return nil, b.errAt(e, sqlerr.FeatureNotSupported, "set-returning functions are not allowed here").
			WithHint("Call %s in FROM instead.", name)
	}
	if e.Star || e.Distinct || e.Filter != nil || len(e.OrderBy) > 0 {
		return nil, b.errAt(e, sqlerr.SyntaxError, "invalid use of set-returning function %s", name)
	}
	var args []Expr
	var argTypes []types.Type
	if _, err := b.withoutSRF(func() (Expr, error) {
		for _, a := range e.Args {
			x, err := b.bindExpr(s, a)
			if err != nil {
				return nil, err
			}
			args, argTypes = append(args, x), append(argTypes, x.Type())
		}
		return nil, nil
	}); err != nil {
		return nil, err
	}
	f, err := builtins.LookupTableIn(name, argTypes, b.Zone)
	if err != nil {
		return nil, withPos(err, b.charPos(int(e.Position())))
	}
	if len(f.Cols) != 1 {
		return nil, b.errAt(e, sqlerr.FeatureNotSupported, "set-returning function %s returns %d columns: in a select list, only functions of one column are supported", name, len(f.Cols)).
			WithHint("Call %s in FROM instead: SELECT * FROM %s(...).", name, strings.ToLower(e.Name.Name))
	}
	for i := range args {
		if args[i], err = b.convert(e, args[i], f.ArgTypes[i]); err != nil {
			return nil, err
		}
	}
	sf := &SetFunc{Name: name, Args: args, Open: f.Open, Typ: f.Cols[0].Type}
	b.srf.calls = append(b.srf.calls, sf)
	return &ColRef{Idx: srfBase + len(b.srf.calls) - 1, Typ: sf.Typ, Name: name}, nil
}

// projectSet puts the collected set-returning functions' ProjectSet over
// input and renumbers the references to their columns in exprs (and in
// the functions' own arguments, which may read window results).
func (b *Binder) projectSet(input Node, exprs ...[]Expr) Node {
	calls := b.srf.calls
	if len(calls) == 0 {
		return input
	}
	n := len(input.Columns())
	cols := append([]Column{}, input.Columns()...)
	for _, f := range calls {
		cols = append(cols, Column{Name: f.Name, Type: f.Typ})
	}
	for _, list := range exprs {
		for _, x := range list {
			walkExpr(x, func(e Expr) {
				if cr, ok := e.(*ColRef); ok && cr.Idx >= srfBase && cr.Idx < windowBase {
					cr.Idx = n + cr.Idx - srfBase
				}
			})
		}
	}
	return &ProjectSet{Input: input, Funcs: calls, Cols: cols}
}

// srfArgs are the arguments of the collected set-returning functions.
func (c *srfContext) args() []Expr {
	var out []Expr
	for _, f := range c.calls {
		out = append(out, f.Args...)
	}
	return out
}
