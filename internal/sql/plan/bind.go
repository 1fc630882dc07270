package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Binder binds statements of one SQL text against the catalog as the
// transaction sees it.
type Binder struct {
	txn    *mvcc.Txn
	sql    string
	params []types.Type

	agg      *aggContext
	aggScope *scope
	win      *windowContext
	srf      *srfContext
	// dmlCTEs are the data-modifying statements of the WITH clauses
	// being bound, for their statement to run first.
	dmlCTEs []*DMLCTE
	// viewDepth guards against views that (through a bug or a cycle)
	// expand forever.
	viewDepth int
	// ctes are the WITH levels being bound, outermost first.
	ctes []map[string]*cte
	// RowCount, if set, returns a table's row count as last counted
	// (ANALYZE), for choosing join methods.
	RowCount func(table uint32) (int64, bool)
	// ColumnStats, if set, returns a table's column statistics as last
	// gathered (ANALYZE), or nil: selectivity estimates and pg_stats.
	ColumnStats func(table uint32) *catalog.TableStats
	// Methods are the access paths and join methods the planner may
	// choose from (the session's enable_* settings).
	Methods Methods
	// Zone is the session time zone (TimeZone; nil for UTC), which the
	// casts between timestamptz and text, timestamp and date and the
	// calendar arithmetic on timestamptz are bound in. Expressions a
	// table stores (CHECK, generated columns, index keys) bind with a
	// binder of their own, in UTC: their values may not depend on who
	// writes the row.
	Zone *time.Location
	// ParamNames names parameters for the statements of a function body
	// or a PL/pgSQL block: a name (lower case; "rec.field" for a field
	// of a record variable such as a trigger's NEW) maps to the 1-based
	// number of the parameter a column reference of that name means when
	// no column of that name is in scope (columns win, as in a SQL
	// function's body).
	ParamNames map[string]int
	// Call is set while binding CALL's procedure call: procedures may be
	// called then and only then.
	Call bool
	// inline, while a SQL function's body is bound in place of its call
	// (inlineSQL), gives its parameters' arguments; inlineDepth counts
	// nested inlinings.
	inline      *inlining
	inlineDepth int
	// Functions are scalar functions the embedding program added, by
	// lower-case name, each with one signature; nil outside the
	// statements that may call them (see engine.Options.Functions).
	Functions map[string]*builtins.Func
	// keepOrder > 0 while joinMethods is below a node that relies on its
	// input's order (seqIfCheaper then keeps index scans).
	keepOrder int
	// pruned holds the roots of the plans pruned so far (see prune).
	pruned map[Node]bool
	// starOrders holds, per FROM node whose * lists its columns in an
	// order of their own (a USING join's merged columns come first), that
	// order (starOrder).
	starOrders map[Node][]int
	// clause names the clause being bound, for errors (bindClause).
	clause string
	// reordered holds the joins reorder built (joinMethods leaves their
	// order alone).
	reordered map[*Join]bool
	// tables maps the aliases of the tables in FROM clauses bound so far
	// to their descriptors (for full-text search, which needs a column's
	// table and its indexes).
	tables map[string]*catalog.Descriptor
	// maxParams, when above len(params), lets parameters up to it appear
	// without a given type: their types are inferred (InferParams).
	maxParams int
	// Activity, if set, lists the server's connections for
	// pg_stat_activity (none without a server); Locks the locks held
	// and waited for (pg_locks).
	Activity func() []Activity
	Locks    func() []Lock
	// SequenceState, if set, answers a SELECT from a sequence: its last
	// value handed out and whether one was (PostgreSQL's last_value and
	// is_called), which pg_dump reads.
	SequenceState func(txn *mvcc.Txn, d *catalog.Descriptor) (last int64, called bool, err error)
	// Live is set when the plan holds state read while binding that
	// changes with no schema change: connections (pg_stat_activity),
	// locks, row counts, a sequence's position. Such a plan must not be
	// kept for a later execution.
	Live bool
	// reads, when not nil, collects the ids of the relations (tables,
	// views) the statement names, those its views name included
	// (pg_depend's rows of a view).
	reads map[uint32]bool
}

// InferParams lets the statement use parameters $1..$max beyond those
// given to NewBinder; their types are inferred from how they are used.
func (b *Binder) InferParams(max int) { b.maxParams = max }

// NewBinder returns a binder for statements of sql (for error positions)
// with parameters of the given types (unknown types are inferred).
func NewBinder(txn *mvcc.Txn, sql string, params []types.Type) *Binder {
	return &Binder{txn: txn, sql: sql, params: params}
}

// catalogText sets the binder up to bind an expression the catalog
// keeps (a default, a CHECK, an index expression): sql for error
// positions, and none of the embedding program's functions, which a
// process opening the database without them could not bind. The
// returned function restores the binder.
func (b *Binder) catalogText(sql string) (restore func()) {
	saved, funcs := b.sql, b.Functions
	b.sql, b.Functions = sql, nil
	return func() { b.sql, b.Functions = saved, funcs }
}

// Params returns the parameter types, as inferred by binding.
func (b *Binder) Params() []types.Type { return b.params }

// RowIDColumn is the name of the hidden key column of tables without a
// primary key.
const RowIDColumn = "rowid"

// Query binds a query.
func (b *Binder) Query(q *ast.Query) (Node, error) { return b.bindQuery(q, nil) }

// ResolveType resolves a type name.
func (b *Binder) ResolveType(t *ast.TypeName) (types.Type, error) { return b.resolveType(t) }

func (b *Binder) resolveType(t *ast.TypeName) (types.Type, error) {
	var mods []int
	for _, a := range t.Args {
		lit, ok := a.(*ast.Literal)
		if !ok || lit.Kind != ast.LitInt {
			return types.Type{}, b.errAt(t, sqlerr.SyntaxError, "type modifiers must be simple constants or identifiers")
		}
		n, _ := strconv.Atoi(lit.Val)
		mods = append(mods, n)
	}
	name := strings.ToLower(t.Name)
	if alias, ok := oidTypes[name]; ok && (t.Schema == "" || t.Schema == "pg_catalog") {
		name = alias
	}
	if t.Schema == "" || t.Schema == "public" {
		if typ, ok, err := b.userType(t.Name, mods, len(t.ArrayBounds)); ok || err != nil {
			if err != nil {
				return types.Type{}, withPos(err, b.charPos(int(t.Position())))
			}
			return typ, nil
		}
	}
	typ, err := types.TypeFromName(name, mods, len(t.ArrayBounds))
	if err != nil {
		return types.Type{}, withPos(err, b.charPos(int(t.Position())))
	}
	return typ, nil
}

// userType resolves a type CREATE TYPE made, ok=false if there is none
// of that name. Built-in type names are taken (CREATE TYPE refuses
// them), so looking here first changes no built-in type's meaning.
func (b *Binder) userType(name string, mods []int, arrayDims int) (types.Type, bool, error) {
	if b.txn == nil || types.IsBuiltinTypeName(name) {
		return types.Type{}, false, nil
	}
	td, ok, err := catalog.LookupType(b.txn, name)
	if err != nil || !ok {
		return types.Type{}, false, err
	}
	if len(mods) > 0 {
		return types.Type{}, true, sqlerr.New(sqlerr.SyntaxError, "type modifier is not allowed for type %q", name)
	}
	t := EnumType(td)
	if arrayDims > 0 {
		t = types.ArrayOf(t)
	}
	return t, true, nil
}

func (b *Binder) bindQuery(q *ast.Query, outer *scope) (Node, error) {
	mark := len(b.dmlCTEs)
	if q.With != nil {
		depth := len(b.ctes)
		defer func() { b.ctes = b.ctes[:depth] }()
		if err := b.bindWith(q.With, outer); err != nil {
			return nil, err
		}
	}
	if err := checkLockedTables(q); err != nil {
		return nil, err
	}
	var node Node
	var err error
	if sel, ok := q.Body.(*ast.Select); ok {
		node, err = b.bindSelect(sel, outer, q.OrderBy)
	} else {
		node, err = b.bindQueryExpr(q.Body, outer)
		if err == nil && len(q.OrderBy) > 0 {
			node, err = b.orderOutput(node, q.OrderBy, outer)
		}
	}
	if err != nil {
		return nil, err
	}
	if q.WithTies {
		if node, err = b.withTies(q, node, outer); err != nil {
			return nil, err
		}
	} else if q.Limit != nil || q.Offset != nil {
		l := &Limit{Input: node}
		empty := &scope{parent: outer}
		if q.Limit != nil {
			if l.Count, err = b.bindIntExpr(empty, q.Limit, "LIMIT"); err != nil {
				return nil, err
			}
		}
		if q.Offset != nil {
			if l.Offset, err = b.bindIntExpr(empty, q.Offset, "OFFSET"); err != nil {
				return nil, err
			}
		}
		node = l
	}
	return b.finishQuery(node, mark)
}

// checkLockedTables refuses FOR UPDATE OF (and the other locking
// clauses) naming a relation the query's FROM does not have.
func checkLockedTables(q *ast.Query) error {
	sel, ok := q.Body.(*ast.Select)
	if !ok {
		return nil
	}
	names := map[string]bool{}
	var walk func(te ast.TableExpr)
	walk = func(te ast.TableExpr) {
		var alias *ast.Alias
		switch te := te.(type) {
		case *ast.TableRef:
			if alias = te.Alias; alias == nil {
				names[te.Name.Name] = true
			}
		case *ast.SubqueryRef:
			alias = te.Alias
		case *ast.FuncRef:
			alias = te.Alias
		case *ast.JoinExpr:
			walk(te.Left)
			walk(te.Right)
			alias = te.Alias
		}
		if alias != nil {
			names[alias.Name] = true
		}
	}
	for _, te := range sel.From {
		walk(te)
	}
	for _, l := range q.Locking {
		for _, t := range l.Of {
			if !names[t.Name] {
				strength := map[ast.LockStrength]string{ast.ForUpdate: "FOR UPDATE", ast.ForNoKeyUpdate: "FOR NO KEY UPDATE",
					ast.ForShare: "FOR SHARE", ast.ForKeyShare: "FOR KEY SHARE"}[l.Strength]
				return sqlerr.New(sqlerr.UndefinedTable, "relation %q in %s clause not found in FROM clause", t.Name, strength)
			}
		}
	}
	return nil
}

// withTies puts FETCH FIRST n ROWS WITH TIES on node, the bound body of
// q and its ORDER BY: the limit goes below the projections that drop
// ORDER BY's hidden columns, where the sort keys are still there to
// compare.
func (b *Binder) withTies(q *ast.Query, node Node, outer *scope) (Node, error) {
	if len(q.OrderBy) == 0 {
		return nil, b.errAt(q.Limit, sqlerr.SyntaxError, "WITH TIES cannot be specified without ORDER BY clause")
	}
	for _, l := range q.Locking {
		if l.Wait == ast.LockSkipLocked {
			return nil, b.errAt(q, sqlerr.FeatureNotSupported, "SKIP LOCKED and WITH TIES options cannot be used together")
		}
	}
	var projects []*Project
	n := node
	for {
		p, ok := n.(*Project)
		if !ok {
			break
		}
		projects = append(projects, p)
		n = p.Input
	}
	var sort *Sort
	switch x := n.(type) {
	case *Sort:
		sort = x
	case *Distinct:
		sort, _ = x.Input.(*Sort)
	}
	if sort == nil || len(sort.Keys) < len(q.OrderBy) {
		return nil, b.errAt(q.Limit, sqlerr.FeatureNotSupported, "WITH TIES is not supported on this query yet")
	}
	empty := &scope{parent: outer}
	l := &Limit{Input: n, Ties: append([]SortKey{}, sort.Keys[:len(q.OrderBy)]...)}
	var err error
	if l.Count, err = b.bindIntExpr(empty, q.Limit, "LIMIT"); err != nil {
		return nil, err
	}
	if q.Offset != nil {
		if l.Offset, err = b.bindIntExpr(empty, q.Offset, "OFFSET"); err != nil {
			return nil, err
		}
	}
	var out Node = l
	for i := len(projects) - 1; i >= 0; i-- {
		p := *projects[i]
		p.Input = out
		out = &p
	}
	return out, nil
}

// finishQuery optimizes a query's plan and runs its data-modifying CTEs
// (those bound since mark) first.
func (b *Binder) finishQuery(node Node, mark int) (Node, error) {
	root := b.joinMethods(b.prune(optimize(node)))
	b.pruned[root] = true
	if pre := b.takeDMLCTEs(mark); pre != nil {
		root = &RunFirst{Pre: pre, Input: root}
	}
	return root, nil
}

func (b *Binder) bindIntExpr(s *scope, e ast.Expr, what string) (Expr, error) {
	x, err := b.bindExpr(s, e)
	if err != nil {
		return nil, err
	}
	return b.cast(e, x, types.Int8, types.CastAssignment)
}

func (b *Binder) bindQueryExpr(body ast.QueryExpr, outer *scope) (Node, error) {
	switch body := body.(type) {
	case *ast.Select:
		return b.bindSelect(body, outer, nil)
	case *ast.Query:
		return b.bindQuery(body, outer)
	case *ast.Values:
		return b.bindValues(body, outer, nil)
	case *ast.SetOp:
		l, err := b.bindQueryExpr(body.Left, outer)
		if err != nil {
			return nil, err
		}
		r, err := b.bindQueryExpr(body.Right, outer)
		if err != nil {
			return nil, err
		}
		lc, rc := l.Columns(), r.Columns()
		if len(lc) != len(rc) {
			return nil, b.errAt(body, sqlerr.SyntaxError, "each %s query must have the same number of columns", strings.ToUpper(setOpName(body.Op)))
		}
		cols := make([]Column, len(lc))
		lx, rx := make([]Expr, len(lc)), make([]Expr, len(lc))
		for i := range lc {
			t := commonType([]types.Type{lc[i].Type, rc[i].Type})
			cols[i] = Column{Name: lc[i].Name, Type: t}
			if lx[i], err = b.convert(body, &ColRef{Idx: i, Typ: lc[i].Type}, t); err != nil {
				return nil, err
			}
			if rx[i], err = b.convert(body, &ColRef{Idx: i, Typ: rc[i].Type}, t); err != nil {
				return nil, err
			}
		}
		kind := map[ast.SetOpKind]SetOpKind{ast.Union: Union, ast.Intersect: Intersect, ast.Except: Except}[body.Op]
		return &SetOp{Kind: kind, All: body.All, Left: &Project{Input: l, Exprs: lx, Cols: cols},
			Right: &Project{Input: r, Exprs: rx, Cols: cols}, Cols: cols}, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "query %T is not supported yet", body)
}

func setOpName(k ast.SetOpKind) string {
	switch k {
	case ast.Intersect:
		return "intersect"
	case ast.Except:
		return "except"
	}
	return "union"
}

// bindValues binds VALUES rows; want, if set, gives each column's target
// type and defaults its DEFAULT value (INSERT).
func (b *Binder) bindValues(v *ast.Values, outer *scope, want []types.Type, defaults ...Expr) (Node, error) {
	s := &scope{parent: outer}
	n := &Values{}
	width := len(v.Rows[0])
	for _, row := range v.Rows {
		if len(row) != width {
			return nil, b.errAt(v, sqlerr.SyntaxError, "VALUES lists must all be the same length")
		}
		out := make([]Expr, width)
		for i, e := range row {
			if _, ok := e.(*ast.DefaultExpr); ok && want != nil && i < len(want) {
				if i < len(defaults) && defaults[i] != nil {
					out[i] = defaults[i]
				} else {
					out[i] = &Const{Val: types.Null, Typ: want[i]}
				}
				continue
			}
			x, err := b.bindExpr(s, e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		n.Rows = append(n.Rows, out)
	}
	for i := 0; i < width; i++ {
		var ts []types.Type
		for _, row := range n.Rows {
			ts = append(ts, row[i].Type())
		}
		t := commonType(ts)
		if want != nil && i < len(want) {
			t = want[i]
		}
		for _, row := range n.Rows {
			var err error
			if want != nil {
				row[i], err = b.assign(v, row[i], t)
			} else {
				row[i], err = b.convert(v, row[i], t)
			}
			if err != nil {
				return nil, err
			}
		}
		n.Cols = append(n.Cols, Column{Name: fmt.Sprintf("column%d", i+1), Type: t})
	}
	return n, nil
}

// assign converts a value for storing into a column of type t.
func (b *Binder) assign(n ast.Node, e Expr, t types.Type) (Expr, error) {
	if isUnknownParam(e) {
		return b.cast(n, e, t, types.CastAssignment)
	}
	if types.Equivalent(e.Type(), t) && e.Type() == t {
		return e, nil
	}
	fn, ok := types.CastFuncIn(e.Type(), t, types.CastAssignment, b.Zone)
	if !ok {
		return nil, b.errAt(n, sqlerr.DatatypeMismatch, "column is of type %s but expression is of type %s", t, e.Type()).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return b.fold(&Cast{X: e, Fn: fn, Typ: t})
}

// tableColumns returns a scan's output columns for a table.
func tableColumns(d *catalog.Descriptor, alias string) ([]Column, error) {
	cols := make([]Column, len(d.Columns))
	for i, c := range d.Columns {
		t, err := ColumnType(&c)
		if err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "catalog: column %s.%s has type %q: %v", d.Name, c.Name, c.Type, err)
		}
		cols[i] = Column{Name: c.Name, Type: t, Table: alias, Hidden: c.Hidden}
	}
	return cols, nil
}

func (b *Binder) bindFrom(items []ast.TableExpr, outer *scope) (Node, error) {
	var node Node
	for _, item := range items {
		if node != nil && isLateral(item) {
			n, err := b.bindTableExpr(item, &scope{cols: node.Columns(), parent: outer})
			if err != nil {
				return nil, err
			}
			node = &Apply{Kind: CrossJoin, Left: node, Right: n, Cols: concatCols(node.Columns(), n.Columns())}
			continue
		}
		n, err := b.bindTableExpr(item, outer)
		if err != nil {
			return nil, err
		}
		if node == nil {
			node = n
			continue
		}
		j := &Join{Kind: CrossJoin, Left: node, Right: n, Cols: concatCols(node.Columns(), n.Columns())}
		b.joinStarOrder(j, node, n, nil, nil)
		node = j
	}
	return node, nil
}

// starOrder is the order in which * lists n's columns: n's own order but
// for joins with USING columns (joinStarOrder).
func (b *Binder) starOrder(n Node) []int {
	if o, ok := b.starOrders[n]; ok {
		return o
	}
	o := make([]int, len(n.Columns()))
	for i := range o {
		o[i] = i
	}
	return o
}

// joinStarOrder records the * order of join node j of l and r (its
// columns l's then r's, maybe then more): first the merged columns
// (indexes into j's columns), then l's columns but the USING ones
// (lUsed), then r's but theirs (rUsed), as PostgreSQL lists them. Only
// joins that change an order are recorded.
func (b *Binder) joinStarOrder(j, l, r Node, merged []int, used map[int]bool) {
	_, lo := b.starOrders[l]
	_, ro := b.starOrders[r]
	if len(merged) == 0 && !lo && !ro {
		return
	}
	nl := len(l.Columns())
	order := append([]int{}, merged...)
	for _, i := range b.starOrder(l) {
		if !used[i] {
			order = append(order, i)
		}
	}
	for _, i := range b.starOrder(r) {
		if !used[nl+i] {
			order = append(order, nl+i)
		}
	}
	if b.starOrders == nil {
		b.starOrders = map[Node][]int{}
	}
	b.starOrders[j] = order
}

// isLateral reports whether a FROM item may read the items before it: a
// LATERAL subquery, or a function (always lateral, as in PostgreSQL).
func isLateral(te ast.TableExpr) bool {
	switch te := te.(type) {
	case *ast.SubqueryRef:
		return te.Lateral
	case *ast.FuncRef:
		return true
	}
	return false
}

// bindTableFunc binds a set-returning function in FROM; s is the scope
// its arguments may read (outer rows, and preceding FROM items).
func (b *Binder) bindTableFunc(te *ast.FuncRef, s *scope) (Node, error) {
	fc := te.Func
	if fc.Star || fc.Distinct || fc.Filter != nil || len(fc.OrderBy) > 0 || fc.Over != nil {
		return nil, b.errAt(te, sqlerr.SyntaxError, "invalid use of %s in FROM", fc.Name.Name)
	}
	name := strings.ToLower(fc.Name.Name)
	argScope := &scope{parent: s}
	args := make([]Expr, len(fc.Args))
	argTypes := make([]types.Type, len(fc.Args))
	for i, a := range fc.Args {
		x, err := b.bindExpr(argScope, a)
		if err != nil {
			return nil, err
		}
		args[i], argTypes[i] = x, x.Type()
	}
	defs := te.Alias != nil && len(te.Alias.Types) > 0
	if builtins.IsRecordFunc(name) {
		return b.bindRecordFunc(te, name, args, argTypes)
	}
	if defs {
		return nil, b.errAt(te, sqlerr.SyntaxError, "a column definition list is only allowed for functions returning \"record\"")
	}
	if name == "unnest" && len(args) > 1 {
		return b.bindUnnestZip(te, args, argTypes)
	}
	if !builtins.IsTableFunc(name) {
		if _, err := builtins.Lookup(name, argTypes); err == nil {
			return nil, b.errAt(te, sqlerr.FeatureNotSupported, "function %s in FROM must return a set: scalar functions in FROM are not supported yet", name)
		}
		if n, ok, err := b.userTableFunc(te, name, args); ok || err != nil {
			return n, err
		}
	}
	f, err := builtins.LookupTableIn(name, argTypes, b.Zone)
	if err != nil {
		return nil, withPos(err, b.charPos(int(te.Position())))
	}
	for i := range args {
		if args[i], err = b.convert(fc, args[i], f.ArgTypes[i]); err != nil {
			return nil, err
		}
	}
	alias := name
	var names []string
	if te.Alias != nil {
		alias, names = te.Alias.Name, te.Alias.Columns
		if len(f.Cols) == 1 && len(names) == 0 {
			// A one-column function's column takes the alias's name.
			names = []string{te.Alias.Name}
		}
	}
	n := &TableFunc{Name: name, Args: args, Open: f.Open, Ordinality: te.WithOrdinality}
	for _, c := range f.Cols {
		n.Cols = append(n.Cols, Column{Name: c.Name, Type: c.Type, Table: alias})
	}
	return b.finishTableFunc(te, n, alias, names)
}

// bindUnnestZip binds unnest(a, b, ...) in FROM: the arrays side by
// side, a column each, as many rows as the longest has (the shorter
// padded with NULLs).
func (b *Binder) bindUnnestZip(te *ast.FuncRef, args []Expr, argTypes []types.Type) (Node, error) {
	fs := make([]*builtins.TableFunc, len(args))
	for i := range args {
		f, err := builtins.LookupTableIn("unnest", argTypes[i:i+1], b.Zone)
		if err != nil || len(f.Cols) != 1 {
			return nil, b.errAt(te, sqlerr.UndefinedFunction, "function unnest(%s) does not exist", typeList(argTypes))
		}
		if args[i], err = b.convert(te.Func, args[i], f.ArgTypes[0]); err != nil {
			return nil, err
		}
		fs[i] = f
	}
	alias := "unnest"
	var names []string
	if te.Alias != nil {
		alias, names = te.Alias.Name, te.Alias.Columns
	}
	n := &TableFunc{Name: "unnest", Args: args, Ordinality: te.WithOrdinality}
	for _, f := range fs {
		n.Cols = append(n.Cols, Column{Name: f.Cols[0].Name, Type: f.Cols[0].Type, Table: alias})
	}
	n.Open = func(a []types.Datum) (builtins.TableIter, error) {
		its := make([]builtins.TableIter, len(fs))
		for i, f := range fs {
			if a[i].IsNull() {
				continue // no elements
			}
			it, err := f.Open(a[i : i+1])
			if err != nil {
				return nil, err
			}
			its[i] = it
		}
		return func() ([]types.Datum, bool, error) {
			row := make([]types.Datum, len(its))
			more := false
			for i, it := range its {
				row[i] = types.Null
				if it == nil {
					continue
				}
				r, ok, err := it()
				if err != nil {
					return nil, false, err
				}
				if !ok {
					its[i] = nil
					continue
				}
				row[i], more = r[0], true
			}
			return row, more, nil
		}, nil
	}
	return b.finishTableFunc(te, n, alias, names)
}

// finishTableFunc adds WITH ORDINALITY's column to table function n and
// names its columns after the alias's.
func (b *Binder) finishTableFunc(te *ast.FuncRef, n *TableFunc, alias string, names []string) (Node, error) {
	if te.WithOrdinality {
		n.Cols = append(n.Cols, Column{Name: "ordinality", Type: types.Int8, Table: alias})
	}
	if len(names) > len(n.Cols) {
		return nil, errTooManyAliases(b, te, alias, len(n.Cols), len(names))
	}
	for i, nm := range names {
		n.Cols[i].Name = nm
	}
	return n, nil
}

// typeList is types as an error message lists them.
func typeList(ts []types.Type) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return strings.Join(out, ", ")
}

// bindRecordFunc binds a function returning records (jsonb_to_record):
// its columns are its column definition list's.
func (b *Binder) bindRecordFunc(te *ast.FuncRef, name string, args []Expr, argTypes []types.Type) (Node, error) {
	if te.Alias == nil || len(te.Alias.Types) == 0 {
		return nil, b.errAt(te, sqlerr.SyntaxError, "a column definition list is required for functions returning \"record\"")
	}
	f, err := builtins.LookupRecord(name, argTypes)
	if err != nil {
		return nil, withPos(err, b.charPos(int(te.Position())))
	}
	for i := range args {
		if args[i], err = b.convert(te.Func, args[i], f.ArgTypes[i]); err != nil {
			return nil, err
		}
	}
	alias := te.Alias.Name
	if alias == "" {
		alias = name
	}
	cols := make([]builtins.TableColumn, len(te.Alias.Columns))
	n := &TableFunc{Name: name, Args: args, Ordinality: te.WithOrdinality}
	for i, c := range te.Alias.Columns {
		t, err := b.ResolveType(te.Alias.Types[i])
		if err != nil {
			return nil, err
		}
		cols[i] = builtins.TableColumn{Name: c, Type: t}
		n.Cols = append(n.Cols, Column{Name: c, Type: t, Table: alias})
	}
	zone := b.Zone
	n.Open = func(a []types.Datum) (builtins.TableIter, error) { return f.Open(a, cols, zone) }
	if te.WithOrdinality {
		n.Cols = append(n.Cols, Column{Name: "ordinality", Type: types.Int8, Table: alias})
	}
	return n, nil
}

func concatCols(a, b []Column) []Column {
	out := make([]Column, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

func (b *Binder) bindTableExpr(te ast.TableExpr, outer *scope) (Node, error) {
	switch te := te.(type) {
	case *ast.TableRef:
		alias := te.Name.Name
		if te.Alias != nil {
			alias = te.Alias.Name
		}
		if c := b.lookupCTE(te.Name.Name); c != nil && te.Name.Schema == "" {
			if c.noReturning {
				return nil, b.errAt(te, sqlerr.FeatureNotSupported, "WITH query %q does not have a RETURNING clause", c.name)
			}
			var names []string
			if te.Alias != nil {
				names = te.Alias.Columns
			}
			if names == nil {
				names = c.names
			}
			return b.renameChecked(te, c.ref(), alias, names)
		}
		if err := checkSchema(te.Name.Schema); err != nil {
			return nil, withPos(err, b.charPos(int(te.Position())))
		}
		schema := te.Name.Schema
		if schema == "" && strings.HasPrefix(te.Name.Name, "pg_") {
			// pg_catalog comes first on every search path.
			if _, ok, err := catalog.Lookup(b.txn, te.Name.Name); err == nil && !ok {
				schema = "pg_catalog"
			}
		}
		if schema == "pg_catalog" || schema == "information_schema" {
			n, ok, err := b.systemView(schema, te.Name.Name)
			if err != nil {
				return nil, err
			}
			if !ok {
				if te.Name.Schema == "" {
					return nil, b.errAt(te, sqlerr.UndefinedTable, "relation \"%s\" does not exist", te.Name.Name)
				}
				return nil, b.errAt(te, sqlerr.UndefinedTable, "relation \"%s.%s\" does not exist", te.Name.Schema, te.Name.Name)
			}
			var names []string
			if te.Alias != nil {
				names = te.Alias.Columns
			}
			return b.renameChecked(te, n, alias, names)
		}
		d, err := catalog.Get(b.txn, te.Name.Name)
		if err != nil {
			return nil, withPos(err, b.charPos(int(te.Position())))
		}
		if b.reads != nil {
			b.reads[d.ID] = true
		}
		var node Node
		switch d.Kind {
		case catalog.KindView:
			if te.Sample != nil {
				return nil, sqlerr.New(sqlerr.WrongObjectType, "TABLESAMPLE clause can only be applied to tables and materialized views").WithPosition(b.charPos(int(te.Sample.Pos)))
			}
			if node, err = b.expandView(d, outer); err != nil {
				return nil, err
			}
			node = renameCols(node, alias, nil)
		case catalog.KindTable:
			if d.Unpopulated {
				return nil, b.errAt(te, sqlerr.Code("55000"), "materialized view %q has not been populated", d.Name).
					WithHint("Use the REFRESH MATERIALIZED VIEW command.")
			}
			cols, err := tableColumns(d, alias)
			if err != nil {
				return nil, err
			}
			if len(ftsIndexes(d)) > 0 {
				cols = append(cols, Column{Name: ScoreColumn, Type: types.Float8, Table: alias, Hidden: true})
			}
			scan := &Scan{Table: d, Alias: alias, Cols: cols}
			if scan.Indexes, err = b.indexExprs(d, cols); err != nil {
				return nil, err
			}
			if b.tables == nil {
				b.tables = map[string]*catalog.Descriptor{}
			}
			b.tables[alias] = d
			node = scan
			if te.Sample != nil {
				if node, err = b.tableSample(te.Sample, scan); err != nil {
					return nil, err
				}
			}
		case catalog.KindSequence:
			// A sequence reads as its one row: last_value, log_cnt,
			// is_called.
			if b.SequenceState == nil {
				return nil, b.errAt(te, sqlerr.WrongObjectType, "%q is not a table", d.Name)
			}
			last, called, err := b.SequenceState(b.txn, d)
			if err != nil {
				return nil, err
			}
			b.Live = true
			v := &Values{Cols: []Column{{Name: "last_value", Type: types.Int8, Table: alias}, {Name: "log_cnt", Type: types.Int8, Table: alias}, {Name: "is_called", Type: types.Bool, Table: alias}}}
			v.Rows = [][]Expr{{&Const{Val: types.NewInt8(last), Typ: types.Int8}, &Const{Val: types.NewInt8(0), Typ: types.Int8}, &Const{Val: types.NewBool(called), Typ: types.Bool}}}
			node = v
		default:
			return nil, b.errAt(te, sqlerr.WrongObjectType, "%q is not a table", d.Name)
		}
		if te.Alias != nil && len(te.Alias.Columns) > 0 {
			return b.renameChecked(te, node, alias, te.Alias.Columns)
		}
		return node, nil
	case *ast.FuncRef:
		return b.bindTableFunc(te, outer)
	case *ast.SubqueryRef:
		n, err := b.bindQuery(te.Query, outer)
		if err != nil {
			return nil, err
		}
		alias := ""
		var names []string
		if te.Alias != nil {
			alias, names = te.Alias.Name, te.Alias.Columns
		}
		return b.renameChecked(te, n, alias, names)
	case *ast.JoinExpr:
		return b.bindJoin(te, outer)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "FROM item %T is not supported yet", te)
}

// renameCols relabels a node's columns with a table alias and, optionally,
// new column names.
// renameChecked is renameCols of names a query gave (t(a, b)): no more
// than the relation has columns.
func (b *Binder) renameChecked(at ast.Node, n Node, alias string, names []string) (Node, error) {
	have := 0
	for _, c := range n.Columns() {
		if !c.Hidden {
			have++
		}
	}
	if len(names) > have {
		return nil, errTooManyAliases(b, at, alias, have, len(names))
	}
	return renameCols(n, alias, names), nil
}

func errTooManyAliases(b *Binder, at ast.Node, alias string, have, named int) error {
	return b.errAt(at, sqlerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", alias, have, named)
}

func renameCols(n Node, alias string, names []string) Node {
	cols := n.Columns()
	out := make([]Column, len(cols))
	exprs := make([]Expr, len(cols))
	for i, c := range cols {
		c.Table = alias
		if i < len(names) {
			c.Name = names[i]
		}
		out[i] = c
		exprs[i] = &ColRef{Idx: i, Typ: c.Type, Name: c.Name}
	}
	return &Project{Input: n, Exprs: exprs, Cols: out}
}

func (b *Binder) expandView(d *catalog.Descriptor, outer *scope) (Node, error) {
	if b.viewDepth > 32 {
		return nil, sqlerr.New(sqlerr.InvalidRecursion, "view %q expands too deeply", d.Name)
	}
	stmt, err := parser.ParseOne(d.ViewQuery)
	if err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "view %q: stored query does not parse: %v", d.Name, err)
	}
	q, ok := stmt.(*ast.Query)
	if !ok {
		return nil, sqlerr.New(sqlerr.DataCorrupted, "view %q: stored query is a %T", d.Name, stmt)
	}
	savedSQL := b.sql
	b.sql = d.ViewQuery
	b.viewDepth++
	n, err := b.bindQuery(q, nil)
	b.viewDepth--
	b.sql = savedSQL
	if err != nil {
		return nil, err
	}
	return renameCols(n, d.Name, d.ViewColumns), nil
}

func (b *Binder) bindJoin(j *ast.JoinExpr, outer *scope) (Node, error) {
	l, err := b.bindTableExpr(j.Left, outer)
	if err != nil {
		return nil, err
	}
	lateral := isLateral(j.Right)
	rightScope := outer
	if lateral {
		if j.Type == ast.RightJoin || j.Type == ast.FullJoin {
			return nil, b.errAt(j, sqlerr.InvalidColumnReference, "the combining JOIN type must be INNER or LEFT for a LATERAL reference")
		}
		rightScope = &scope{cols: l.Columns(), parent: outer}
	}
	r, err := b.bindTableExpr(j.Right, rightScope)
	if err != nil {
		return nil, err
	}
	kind := map[ast.JoinType]JoinKind{ast.InnerJoin: InnerJoin, ast.LeftJoin: LeftJoin, ast.RightJoin: RightJoin,
		ast.FullJoin: FullJoin, ast.CrossJoin: CrossJoin}[j.Type]
	lc, rc := l.Columns(), r.Columns()
	cols := concatCols(lc, rc)
	s := &scope{cols: cols, parent: outer}
	var on Expr
	using := j.Using
	if j.Natural {
		for _, a := range lc {
			for _, c := range rc {
				if a.Name == c.Name && !a.Hidden && !c.Hidden && !a.Merged && !c.Merged {
					using = append(using, a.Name)
				}
			}
		}
	}
	// A USING column is one column of the join: the left side's value
	// for INNER and LEFT joins, the right side's for RIGHT, and for FULL
	// whichever side has one (COALESCE, a column added on top). The
	// sides' copies answer to qualified names only (Merged).
	var merged []int       // the merged columns, in j's columns
	used := map[int]bool{} // the sides' copies
	var coalesce []Expr    // FULL: the merged columns' values
	switch {
	case len(using) > 0:
		var conds []Expr
		for _, name := range using {
			li, ri := findCol(lc, name), findCol(rc, name)
			if li < 0 || ri < 0 {
				return nil, b.errAt(j, sqlerr.UndefinedColumn, "column %q specified in USING clause does not exist in %s table", name, map[bool]string{true: "left", false: "right"}[li < 0])
			}
			l, r := &ColRef{Idx: li, Typ: lc[li].Type}, &ColRef{Idx: len(lc) + ri, Typ: rc[ri].Type}
			eq, err := b.binOp(j, types.OpEq, l, r)
			if err != nil {
				return nil, err
			}
			conds = append(conds, eq)
			used[li], used[len(lc)+ri] = true, true
			switch kind {
			case RightJoin:
				cols[li].Merged = true
				merged = append(merged, len(lc)+ri)
			case FullJoin:
				cols[li].Merged, cols[len(lc)+ri].Merged = true, true
				x, err := b.coalesceOf(j, l, r)
				if err != nil {
					return nil, err
				}
				coalesce = append(coalesce, x)
			default:
				cols[len(lc)+ri].Merged = true
				merged = append(merged, li)
			}
		}
		on = &Logic{And: true, Args: conds}
		if len(conds) == 1 {
			on = conds[0]
		}
	case j.On != nil:
		x, err := b.bindClause(s, j.On, "JOIN conditions")
		if err != nil {
			return nil, err
		}
		if on, err = b.boolean(j.On, x, "JOIN/ON"); err != nil {
			return nil, err
		}
	}
	if on != nil && kind == CrossJoin {
		kind = InnerJoin
	}
	var node Node = &Join{Kind: kind, Left: l, Right: r, On: on, Cols: cols}
	if lateral {
		node = &Apply{Kind: kind, Left: l, Right: r, On: on, Cols: cols}
	}
	if len(coalesce) > 0 {
		// FULL JOIN: the merged columns after the sides'.
		exprs := make([]Expr, len(cols), len(cols)+len(coalesce))
		for i, c := range cols {
			exprs[i] = &ColRef{Idx: i, Typ: c.Type, Name: c.Name}
		}
		out := append([]Column{}, cols...)
		for i, x := range coalesce {
			merged = append(merged, len(exprs))
			exprs = append(exprs, x)
			out = append(out, Column{Name: using[i], Type: x.Type()})
		}
		join := node
		node = &Project{Input: join, Exprs: exprs, Cols: out}
		if o, ok := b.starOrders[l]; ok {
			b.starOrders[join] = o // (only l's and r's orders are read)
		}
	}
	b.joinStarOrder(node, l, r, merged, used)
	if j.Alias != nil {
		inner := node
		if node, err = b.renameChecked(j, node, j.Alias.Name, j.Alias.Columns); err != nil {
			return nil, err
		}
		if o, ok := b.starOrders[inner]; ok {
			b.starOrders[node] = o
		}
	}
	return node, nil
}

// coalesceOf is COALESCE(l, r): a FULL JOIN's merged USING column.
func (b *Binder) coalesceOf(n ast.Node, l, r Expr) (Expr, error) {
	t := commonType([]types.Type{l.Type(), r.Type()})
	var err error
	if l, err = b.convert(n, l, t); err != nil {
		return nil, err
	}
	if r, err = b.convert(n, r, t); err != nil {
		return nil, err
	}
	return &Coalesce{Args: []Expr{l, r}, Typ: t}, nil
}

func findCol(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name && !c.Hidden && !c.Merged {
			return i
		}
	}
	return -1
}

// ColumnType resolves a column's type as the catalog stores it: its
// enum type's descriptor (possibly of an array's element) or the name
// the types package prints.
func ColumnType(c *catalog.Column) (types.Type, error) {
	if c.Enum != nil {
		t := EnumType(c.Enum)
		if strings.HasSuffix(c.Type, "[]") {
			t = types.ArrayOf(t)
		}
		return t, nil
	}
	return TypeFromString(c.Type)
}

// SetColumnType sets a catalog column's type: its name, and for an enum
// (or an array of one) a copy of the enum type's descriptor.
func SetColumnType(c *catalog.Column, t types.Type) {
	c.Type, c.Enum = t.String(), nil
	if e := t.Elem(); e.IsEnum() {
		td := &catalog.TypeDesc{ID: e.OID() - catalog.FirstUserOID, Name: e.EnumName()}
		for _, l := range e.EnumLabels() {
			td.Labels = append(td.Labels, catalog.EnumLabel{Label: l.Label, Sort: l.Sort})
		}
		c.Enum = td
	}
}

// EnumType is the types package's enum type of a catalog type.
func EnumType(td *catalog.TypeDesc) types.Type {
	labels := make([]types.EnumLabel, len(td.Labels))
	for i, l := range td.Labels {
		labels[i] = types.EnumLabel{Label: l.Label, Sort: l.Sort}
	}
	return types.NewEnum(td.OID(), td.ArrayOID(), td.Name, labels)
}

// TypeFromString resolves a type as the catalog stores it: the name the
// types package prints ("character varying(20)", "integer[]").
func TypeFromString(s string) (types.Type, error) {
	tn, err := parser.ParseTypeName(s)
	if err != nil {
		return types.Type{}, err
	}
	return (&Binder{sql: s}).resolveType(tn)
}
