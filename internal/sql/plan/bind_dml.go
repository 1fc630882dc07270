package plan

import (
	"fmt"
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// table looks up a table for writing.
func (b *Binder) table(name ast.TableName, n ast.Node) (*catalog.Descriptor, []Column, error) {
	d, err := catalog.Get(b.txn, name.Name)
	if err != nil {
		return nil, nil, withPos(err, b.charPos(int(n.Position())))
	}
	if d.Kind != catalog.KindTable {
		return nil, nil, b.errAt(n, sqlerr.WrongObjectType, "cannot change %s %q", d.Kind, d.Name)
	}
	if d.MatView != "" {
		return nil, nil, b.errAt(n, sqlerr.WrongObjectType, "cannot change materialized view %q", d.Name)
	}
	cols, err := tableColumns(d, d.Name)
	return d, cols, err
}

// Defaults binds the default expression of every column of d (nil for
// none: NULL).
func (b *Binder) Defaults(d *catalog.Descriptor, cols []Column) ([]Expr, error) {
	out := make([]Expr, len(d.Columns))
	for i, c := range d.Columns {
		if c.Default == "" {
			continue
		}
		e, err := parser.ParseExpr(c.Default)
		if err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "default of %s.%s does not parse: %v", d.Name, c.Name, err)
		}
		restore := b.catalogText(c.Default)
		x, err := b.bindExpr(&scope{}, e)
		if err == nil {
			x, err = b.assign(e, x, cols[i].Type)
		}
		restore()
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// Insert binds an INSERT.
func (b *Binder) Insert(ins *ast.Insert) (*Insert, error) {
	mark := len(b.dmlCTEs)
	n, err := b.insert(ins)
	pre := b.takeDMLCTEs(mark) // dropped on an error
	if err != nil {
		return nil, err
	}
	n.Pre = pre
	return n, nil
}

func (b *Binder) insert(ins *ast.Insert) (*Insert, error) {
	if done, err := b.dmlWith(ins.With); err != nil {
		return nil, err
	} else {
		defer done()
	}
	d, cols, err := b.table(ins.Table, ins)
	if err != nil {
		return nil, err
	}
	n := &Insert{Table: d}
	if ins.OnConflict != nil {
		if n.OnConflict, err = b.onConflict(ins, d, cols); err != nil {
			return nil, err
		}
	}
	if len(ins.Columns) > 0 {
		seen := map[int]bool{}
		for _, name := range ins.Columns {
			i := findCol(cols, name)
			if i < 0 {
				return nil, b.errAt(ins, sqlerr.UndefinedColumn, "column %q of relation %q does not exist", name, d.Name)
			}
			if seen[i] {
				return nil, b.errAt(ins, sqlerr.DuplicateColumn, "column %q specified more than once", name)
			}
			seen[i] = true
			n.TargetCols = append(n.TargetCols, i)
		}
	} else {
		for i, c := range cols {
			if !c.Hidden {
				n.TargetCols = append(n.TargetCols, i)
			}
		}
	}
	if n.Defaults, err = b.Defaults(d, cols); err != nil {
		return nil, err
	}
	// A generated column, or an identity column GENERATED ALWAYS, takes
	// DEFAULT or nothing; OVERRIDING USER VALUE makes identity columns
	// take their defaults whatever is given.
	plainValues := false
	if ins.Source != nil {
		v, ok := ins.Source.Body.(*ast.Values)
		plainValues = ok && ins.Source.OrderBy == nil && ins.Source.Limit == nil
		if plainValues {
			var copied *ast.Values
			for j, ci := range n.TargetCols {
				c := d.Columns[ci]
				if ins.Overriding == "user" && c.Identity != "" {
					if copied == nil {
						copied = &ast.Values{Pos: v.Pos, Rows: make([][]ast.Expr, len(v.Rows))}
						for r, row := range v.Rows {
							copied.Rows[r] = append([]ast.Expr{}, row...)
						}
					}
					for _, row := range copied.Rows {
						if j < len(row) {
							row[j] = &ast.DefaultExpr{}
						}
					}
					continue
				}
				for _, row := range v.Rows {
					if j >= len(row) {
						continue
					}
					if _, def := row[j].(*ast.DefaultExpr); !def {
						if err := b.fixedColumn(ins, d, ci, true, ins.Overriding); err != nil {
							return nil, err
						}
					}
				}
			}
			if copied != nil {
				src := *ins.Source
				src.Body = copied
				c := *ins
				c.Source = &src
				ins = &c
			}
		}
	}
	want := make([]types.Type, len(n.TargetCols))
	for i, ci := range n.TargetCols {
		want[i] = cols[ci].Type
	}
	switch {
	case ins.Source == nil: // DEFAULT VALUES
		n.Input = &Values{Rows: [][]Expr{{}}}
		n.TargetCols = nil
	default:
		if v, ok := ins.Source.Body.(*ast.Values); ok && ins.Source.OrderBy == nil && ins.Source.Limit == nil {
			if len(v.Rows[0]) > len(want) {
				return nil, b.errAt(ins, sqlerr.SyntaxError, "INSERT has more expressions than target columns")
			}
			defs := make([]Expr, len(n.TargetCols))
			for i, ci := range n.TargetCols {
				defs[i] = n.Defaults[ci]
			}
			if n.Input, err = b.bindValues(v, nil, want, defs...); err != nil {
				return nil, err
			}
		} else if n.Input, err = b.bindQuery(ins.Source, nil); err != nil {
			return nil, err
		}
		in := n.Input.Columns()
		if len(in) > len(want) {
			return nil, b.errAt(ins, sqlerr.SyntaxError, "INSERT has more expressions than target columns")
		}
		n.TargetCols = n.TargetCols[:len(in)]
		if !plainValues {
			for _, ci := range n.TargetCols {
				if d.Columns[ci].Identity != "" && ins.Overriding == "user" {
					return nil, b.errAt(ins, sqlerr.FeatureNotSupported, "OVERRIDING USER VALUE with a query is not supported yet")
				}
				if err := b.fixedColumn(ins, d, ci, true, ins.Overriding); err != nil {
					return nil, err
				}
			}
		}
		n.Casts = make([]types.CastFn, len(in))
		for i, c := range in {
			if types.Equivalent(c.Type, want[i]) && c.Type == want[i] {
				continue
			}
			fn, ok := types.CastFuncIn(c.Type, want[i], types.CastAssignment, b.Zone)
			if !ok {
				return nil, b.errAt(ins, sqlerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s", cols[n.TargetCols[i]].Name, want[i], c.Type).
					WithHint("You will need to rewrite or cast the expression.")
			}
			n.Casts[i] = fn
		}
	}
	if n.Returning, n.Cols, err = b.returning(ins.Returning, cols, d.Name); err != nil {
		return nil, err
	}
	return n, nil
}

func (b *Binder) returning(targets []ast.Target, cols []Column, table string) ([]Expr, []Column, error) {
	if len(targets) == 0 {
		return nil, nil, nil
	}
	s := &scope{cols: cols}
	var exprs []Expr
	var out []Column
	for _, t := range targets {
		if st, ok := t.Expr.(*ast.Star); ok {
			// *: every column, the FROM items' after the table's; t.*:
			// those of t (the table by its name or alias, or a FROM item).
			found := false
			for i, c := range cols {
				if c.Hidden || st.Table.Name == "" && c.Merged ||
					st.Table.Name != "" && c.Table != st.Table.Name && !(st.Table.Name == table && c.Table == "") {
					continue
				}
				exprs = append(exprs, &ColRef{Idx: i, Typ: c.Type, Name: c.Name})
				out = append(out, Column{Name: c.Name, Type: c.Type})
				found = true
			}
			if !found && st.Table.Name != "" && st.Table.Name != table {
				return nil, nil, b.errAt(st, sqlerr.UndefinedTable, "missing FROM-clause entry for table %q", st.Table.Name)
			}
			continue
		}
		x, err := b.bindExpr(s, t.Expr)
		if err != nil {
			return nil, nil, err
		}
		name := t.Alias
		if name == "" {
			name = columnName(t.Expr)
		}
		exprs = append(exprs, x)
		out = append(out, Column{Name: name, Type: x.Type()})
	}
	return exprs, out, nil
}

// scanWhere is a scan of d filtered by where.
func (b *Binder) scanWhere(d *catalog.Descriptor, cols []Column, where ast.Expr) (Node, *scope, error) {
	scan := &Scan{Table: d, Alias: d.Name, Cols: cols}
	var err error
	if scan.Indexes, err = b.indexExprs(d, cols); err != nil {
		return nil, nil, err
	}
	var n Node = scan
	s := &scope{cols: cols}
	if where != nil {
		x, err := b.bindClause(s, where, "WHERE")
		if err != nil {
			return nil, nil, err
		}
		if x, err = b.boolean(where, x, "WHERE"); err != nil {
			return nil, nil, err
		}
		n = &Filter{Input: n, Pred: x}
	}
	// optimize picks an index for the WHERE clause, as for a query.
	return optimize(n), s, nil
}

// scanWhereFrom is the rows an UPDATE ... FROM or DELETE ... USING
// changes: the target table's columns first, joined with the other FROM
// items, filtered by where. The executor changes each target row once.
func (b *Binder) scanWhereFrom(d *catalog.Descriptor, cols []Column, alias string, from []ast.TableExpr, where ast.Expr) (Node, *scope, error) {
	if len(from) == 0 {
		return b.scanWhere(d, cols, where)
	}
	if alias != "" {
		for i := range cols {
			cols[i].Table = alias
		}
	}
	scan := &Scan{Table: d, Alias: alias, Cols: cols}
	var err error
	if scan.Indexes, err = b.indexExprs(d, cols); err != nil {
		return nil, nil, err
	}
	var n Node = scan
	other, err := b.bindFrom(from, nil)
	if err != nil {
		return nil, nil, err
	}
	n = &Join{Kind: CrossJoin, Left: n, Right: other, Cols: concatCols(cols, other.Columns())}
	s := &scope{cols: n.Columns()}
	if where != nil {
		x, err := b.bindClause(s, where, "WHERE")
		if err != nil {
			return nil, nil, err
		}
		if x, err = b.boolean(where, x, "WHERE"); err != nil {
			return nil, nil, err
		}
		n = &Filter{Input: n, Pred: x}
	}
	return optimize(n), s, nil
}

// Update binds an UPDATE.
func (b *Binder) Update(u *ast.Update) (*Update, error) {
	mark := len(b.dmlCTEs)
	n, err := b.update(u)
	pre := b.takeDMLCTEs(mark) // dropped on an error
	if err != nil {
		return nil, err
	}
	n.Pre = pre
	return n, nil
}

func (b *Binder) update(u *ast.Update) (*Update, error) {
	if done, err := b.dmlWith(u.With); err != nil {
		return nil, err
	} else {
		defer done()
	}
	d, cols, err := b.table(u.Table, u)
	if err != nil {
		return nil, err
	}
	if u.Alias != "" {
		for i := range cols {
			cols[i].Table = u.Alias
		}
	}
	input, s, err := b.scanWhereFrom(d, cols, u.Alias, u.From, u.Where)
	if err != nil {
		return nil, err
	}
	n := &Update{Table: d, Input: input, Set: map[int]Expr{}}
	defaults, err := b.Defaults(d, cols)
	if err != nil {
		return nil, err
	}
	set, err := b.expandSet(u, u.Set)
	if err != nil {
		return nil, err
	}
	for _, sc := range set {
		i := findCol(cols, sc.Columns[0])
		if i < 0 {
			return nil, b.errAt(u, sqlerr.UndefinedColumn, "column %q of relation %q does not exist", sc.Columns[0], d.Name)
		}
		if sc.Subscript != nil {
			if err := b.setElement(u, d, i, sc, s, cols, n.Set); err != nil {
				return nil, err
			}
			continue
		}
		if _, dup := n.Set[i]; dup {
			return nil, b.errAt(u, sqlerr.DuplicateColumn, "multiple assignments to same column %q", sc.Columns[0])
		}
		if _, def := sc.Value.(*ast.DefaultExpr); def {
			if d.Columns[i].Generated != "" {
				continue // recomputed with the row
			}
		} else if err := b.fixedColumn(u, d, i, false, ""); err != nil {
			return nil, err
		}
		if _, ok := sc.Value.(*ast.DefaultExpr); ok {
			n.Set[i] = defaults[i]
			if n.Set[i] == nil {
				n.Set[i] = &Const{Val: types.Null, Typ: cols[i].Type}
			}
			continue
		}
		x, err := b.bindExpr(s, sc.Value)
		if err != nil {
			return nil, err
		}
		if n.Set[i], err = b.assign(sc.Value, x, cols[i].Type); err != nil {
			return nil, err
		}
	}
	// RETURNING reads the new row and the FROM items' columns.
	if n.Returning, n.Cols, err = b.returning(u.Returning, s.cols, d.Name); err != nil {
		return nil, err
	}
	return n, nil
}

// Delete binds a DELETE.
func (b *Binder) Delete(del *ast.Delete) (*Delete, error) {
	mark := len(b.dmlCTEs)
	n, err := b.delete(del)
	pre := b.takeDMLCTEs(mark) // dropped on an error
	if err != nil {
		return nil, err
	}
	n.Pre = pre
	return n, nil
}

func (b *Binder) delete(del *ast.Delete) (*Delete, error) {
	if done, err := b.dmlWith(del.With); err != nil {
		return nil, err
	} else {
		defer done()
	}
	d, cols, err := b.table(del.Table, del)
	if err != nil {
		return nil, err
	}
	input, s, err := b.scanWhereFrom(d, cols, del.Alias, del.Using, del.Where)
	if err != nil {
		return nil, err
	}
	n := &Delete{Table: d, Input: input}
	// RETURNING reads the deleted row and the USING items' columns.
	if n.Returning, n.Cols, err = b.returning(del.Returning, s.cols, d.Name); err != nil {
		return nil, err
	}
	return n, nil
}

// Check binds a CHECK constraint or index predicate over a table's
// columns.
func (b *Binder) Check(d *catalog.Descriptor, cols []Column, sql string) (Expr, error) {
	e, err := parser.ParseExpr(sql)
	if err != nil {
		return nil, err
	}
	defer b.catalogText(sql)()
	x, err := b.bindExpr(&scope{cols: cols}, e)
	if err != nil {
		return nil, err
	}
	return b.boolean(e, x, "CHECK")
}

// TableColumns returns the columns a scan of d produces.
func TableColumns(d *catalog.Descriptor) ([]Column, error) { return tableColumns(d, d.Name) }

// onConflict binds INSERT ... ON CONFLICT.
func (b *Binder) onConflict(ins *ast.Insert, d *catalog.Descriptor, cols []Column) (*OnConflict, error) {
	oc := ins.OnConflict
	out := &OnConflict{DoNothing: oc.DoNothing}
	all := []*catalog.Index{&d.Primary}
	for i := range d.Indexes {
		all = append(all, &d.Indexes[i])
	}
	switch {
	case oc.Constraint != "":
		for _, ix := range all {
			if ix.Name == oc.Constraint {
				out.Arbiters = []*catalog.Index{ix}
			}
		}
		if out.Arbiters == nil {
			return nil, b.errAt(ins, sqlerr.UndefinedObject, "constraint %q for table %q does not exist", oc.Constraint, d.Name)
		}
	case len(oc.Columns) > 0:
		for _, ix := range all {
			if !ix.Unique || len(ix.Columns) != len(oc.Columns) {
				continue
			}
			match := true
			for _, ic := range ix.Columns {
				c := d.ColumnByID(ic.ColumnID)
				found := false
				for _, name := range oc.Columns {
					found = found || (c != nil && c.Name == name)
				}
				match = match && found
			}
			if match {
				out.Arbiters = append(out.Arbiters, ix)
			}
		}
		if out.Arbiters == nil {
			return nil, b.errAt(ins, sqlerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
		}
	default:
		for _, ix := range all {
			if ix.Unique {
				out.Arbiters = append(out.Arbiters, ix)
			}
		}
	}
	if oc.DoNothing {
		return out, nil
	}
	// SET and WHERE see the existing row, then EXCLUDED.
	both := append([]Column{}, cols...)
	for _, c := range cols {
		// EXCLUDED answers to qualified names only: an unqualified
		// column means the existing row, as in PostgreSQL.
		c.Table, c.Hidden = "excluded", true
		both = append(both, c)
	}
	alias := d.Name
	if ins.Alias != "" {
		alias = ins.Alias
	}
	for i := range cols {
		both[i].Table = alias
	}
	s := &scope{cols: both}
	out.Set = map[int]Expr{}
	set, err := b.expandSet(ins, oc.Set)
	if err != nil {
		return nil, err
	}
	for _, sc := range set {
		i := findCol(cols, sc.Columns[0])
		if i < 0 {
			return nil, b.errAt(ins, sqlerr.UndefinedColumn, "column %q of relation %q does not exist", sc.Columns[0], d.Name)
		}
		if sc.Subscript != nil {
			if err := b.setElement(ins, d, i, sc, s, cols, out.Set); err != nil {
				return nil, err
			}
			continue
		}
		if _, def := sc.Value.(*ast.DefaultExpr); def {
			if d.Columns[i].Generated != "" {
				continue // recomputed with the row
			}
		} else if err := b.fixedColumn(ins, d, i, false, ""); err != nil {
			return nil, err
		}
		x, err := b.bindExpr(s, sc.Value)
		if err != nil {
			return nil, err
		}
		if out.Set[i], err = b.assign(sc.Value, x, cols[i].Type); err != nil {
			return nil, err
		}
	}
	if oc.Where != nil {
		x, err := b.bindExpr(s, oc.Where)
		if err != nil {
			return nil, err
		}
		if out.Where, err = b.boolean(oc.Where, x, "WHERE"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fixedColumn is the error for a value given to column i of d by an
// INSERT (with its OVERRIDING clause), or by an UPDATE's SET, when the
// column takes no value: a generated column, or an identity column
// GENERATED ALWAYS (but with OVERRIDING SYSTEM VALUE); nil otherwise.
func (b *Binder) fixedColumn(n ast.Node, d *catalog.Descriptor, i int, insert bool, overriding string) error {
	c := d.Columns[i]
	var detail, hint string
	switch {
	case c.Generated != "":
		detail = fmt.Sprintf("Column %q is a generated column.", c.Name)
	case c.Identity == "always" && overriding != "system":
		detail = fmt.Sprintf("Column %q is an identity column defined as GENERATED ALWAYS.", c.Name)
		if insert {
			hint = "Use OVERRIDING SYSTEM VALUE to override."
		}
	default:
		return nil
	}
	msg := fmt.Sprintf("column %q can only be updated to DEFAULT", c.Name)
	if insert {
		msg = fmt.Sprintf("cannot insert a non-DEFAULT value into column %q", c.Name)
	}
	err := b.errAt(n, sqlerr.Code("428C9"), "%s", msg).WithDetail("%s", detail)
	if hint != "" {
		err = err.WithHint("%s", hint)
	}
	return err
}

// dmlWith binds an INSERT's, UPDATE's or DELETE's WITH clause, its CTEs
// then visible to the statement's queries; done drops them.
func (b *Binder) dmlWith(w *ast.With) (done func(), err error) {
	depth := len(b.ctes)
	done = func() { b.ctes = b.ctes[:depth] }
	if w == nil {
		return done, nil
	}
	if err := b.bindWith(w, nil); err != nil {
		done()
		return done, err
	}
	return done, nil
}

// expandSet writes SET (a, b) = (x, y) (or ROW(x, y)) as a = x, b = y.
// The other multiple-column form, (a, b) = (SELECT ...), is not
// supported yet.
func (b *Binder) expandSet(at ast.Node, set []ast.SetClause) ([]ast.SetClause, error) {
	out := make([]ast.SetClause, 0, len(set))
	for _, sc := range set {
		if len(sc.Columns) == 1 {
			out = append(out, sc)
			continue
		}
		row, ok := sc.Value.(*ast.RowExpr)
		if !ok {
			return nil, b.errAt(at, sqlerr.FeatureNotSupported, "multiple-column assignment from a subquery is not supported yet")
		}
		if len(row.Exprs) != len(sc.Columns) {
			return nil, b.errAt(at, sqlerr.SyntaxError, "number of columns does not match number of values")
		}
		for i, c := range sc.Columns {
			out = append(out, ast.SetClause{Pos: sc.Pos, Columns: []string{c}, Value: row.Exprs[i]})
		}
	}
	return out, nil
}

// setElement binds SET a[i] = v of column i into set: the array with
// one element replaced (after the statement's earlier a[j] = w, if any).
func (b *Binder) setElement(at ast.Node, d *catalog.Descriptor, i int, sc ast.SetClause, s *scope, cols []Column, set map[int]Expr) error {
	if err := b.fixedColumn(at, d, i, false, ""); err != nil {
		return err
	}
	base, ok := set[i]
	if !ok {
		base = &ColRef{Idx: i, Typ: cols[i].Type}
	}
	x, err := b.elementAssign(sc, s, base)
	if err != nil {
		return err
	}
	set[i] = x
	return nil
}

// elementAssign binds SET a[i] = v: base (the column's value so far)
// with its i-th element v, extended with NULLs when i is past its end.
// Arrays here start at 1: an element below, or a NULL array given any
// element but the first, is refused rather than given another lower
// bound.
func (b *Binder) elementAssign(sc ast.SetClause, s *scope, base Expr) (Expr, error) {
	t := base.Type()
	if !t.IsArray() {
		return nil, b.errAt(sc.Subscript, sqlerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", t)
	}
	if _, def := sc.Value.(*ast.DefaultExpr); def {
		return nil, b.errAt(sc.Value, sqlerr.SyntaxError, "DEFAULT cannot be assigned to an array element")
	}
	idx, err := b.bindExpr(s, sc.Subscript)
	if err != nil {
		return nil, err
	}
	if idx, err = b.cast(sc.Subscript, idx, types.Int8, types.CastImplicit); err != nil {
		return nil, err
	}
	v, err := b.bindExpr(s, sc.Value)
	if err != nil {
		return nil, err
	}
	elem := t.Elem()
	if v, err = b.assign(sc.Value, v, elem); err != nil {
		return nil, err
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		if a[1].IsNull() {
			return types.Null, sqlerr.New(sqlerr.NullValueNotAllowed, "array subscript in assignment must not be null")
		}
		i := a[1].Int()
		var elems []types.Datum
		if !a[0].IsNull() {
			elems = append(elems, a[0].Array().Elems...)
		}
		switch {
		case i < 1 || a[0].IsNull() && i != 1:
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "assigning element %d would make an array that does not start at 1, which cairn does not support", i)
		case i > maxArrayAssign:
			return types.Null, sqlerr.New(sqlerr.ProgramLimitExceeded, "array size exceeds the maximum allowed (%d)", maxArrayAssign)
		}
		for int64(len(elems)) < i {
			elems = append(elems, types.Null)
		}
		elems[i-1] = a[2]
		return types.NewArray(elem, elems), nil
	}
	return &Func{Name: "array_assign", Args: []Expr{base, idx, v}, Fn: fn, Typ: t}, nil
}

// maxArrayAssign bounds the index SET a[i] = v may extend an array to.
const maxArrayAssign = 1 << 27
