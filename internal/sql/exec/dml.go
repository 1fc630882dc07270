package exec

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// DMLResult is what an INSERT, UPDATE or DELETE did.
type DMLResult struct {
	Affected  int64
	Returning []Row
}

// compileSet compiles SET assignments (column index -> value).
func (c *Ctx) compileSet(set map[int]plan.Expr) (map[int]evalFn, error) {
	out := make(map[int]evalFn, len(set))
	for i, e := range set {
		f, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// add counts a written row and computes its RETURNING values.
func (r *DMLResult) add(ret func(Row) (Row, error), row Row) error {
	r.Affected++
	if ret == nil {
		return nil
	}
	out, err := ret(row)
	if err != nil {
		return err
	}
	r.Returning = append(r.Returning, out)
	return nil
}

func (c *Ctx) returning(exprs []plan.Expr) (func(Row) (Row, error), error) {
	if len(exprs) == 0 {
		return nil, nil
	}
	fns, err := c.compileAll(exprs)
	if err != nil {
		return nil, err
	}
	return func(r Row) (Row, error) {
		out := make(Row, len(fns))
		for i, f := range fns {
			if out[i], err = f(r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}, nil
}

// Insert runs an INSERT.
func (c *Ctx) Insert(n *plan.Insert) (DMLResult, error) {
	if err := c.runFirst(n.Pre); err != nil {
		return DMLResult{}, err
	}
	var res DMLResult
	cols, err := c.tableColumns(n.Table)
	if err != nil {
		return res, err
	}
	w, err := c.planWriter(n.Table, cols)
	if err != nil {
		return res, err
	}
	defaults := make([]evalFn, len(n.Defaults))
	for i, d := range n.Defaults {
		if d != nil {
			if defaults[i], err = c.compile(d); err != nil {
				return res, err
			}
		}
	}
	ret, err := c.returning(n.Returning)
	if err != nil {
		return res, err
	}
	var upsert *conflictAction
	if n.OnConflict != nil {
		if upsert, err = c.compileConflict(n.OnConflict); err != nil {
			return res, err
		}
	}
	rows, err := c.Run(n.Input)
	if err != nil {
		return res, err
	}
	target := make([]bool, len(cols))
	for _, ci := range n.TargetCols {
		target[ci] = true
	}
	// The rows this command inserted or updated, by primary key: ON
	// CONFLICT DO UPDATE must not reach one of them again (which update
	// wins would depend on the order of the rows).
	var touched map[string]bool
	if upsert != nil && !upsert.doNothing {
		touched = map[string]bool{}
	}
	touch := func(r Row) {
		if touched != nil {
			touched[string(w.tc.primaryKey(nil, r))] = true
		}
	}
	d := n.Table
	events := []string{"insert"}
	if upsert != nil && !upsert.doNothing {
		events = append(events, "update")
	}
	if err := c.beforeStatement(d, events...); err != nil {
		return res, err
	}
	var after []afterEvent
	for _, in := range rows {
		row := make(Row, len(cols))
		for i, col := range cols {
			switch {
			case target[i]:
			case col.Hidden && col.Name == plan.RowIDColumn:
				row[i] = types.NewInt8(c.NewRowID())
			case defaults[i] != nil:
				if row[i], err = defaults[i](nil); err != nil {
					return res, err
				}
			}
		}
		for j, ci := range n.TargetCols {
			v := in[j]
			if j < len(n.Casts) && n.Casts[j] != nil {
				if v, err = n.Casts[j](v); err != nil {
					return res, err
				}
			}
			row[ci] = v
		}
		if len(d.Triggers) > 0 {
			// BEFORE INSERT triggers see the row with its defaults,
			// before its generated columns and its constraints.
			var skip bool
			if row, skip, err = c.beforeRow(d, "insert", nil, row); err != nil {
				return res, err
			} else if skip {
				continue
			}
		}
		if n.OnConflict != nil {
			if err := w.generate(row); err != nil {
				return res, err
			}
			existing, err := w.conflicting(n.OnConflict.Arbiters, row)
			if err != nil {
				return res, err
			}
			if existing != nil {
				if touched[string(w.tc.primaryKey(nil, existing))] {
					return res, sqlerr.New(sqlerr.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time").
						WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
				}
				updated, err := upsert.newRow(existing, row)
				if err != nil {
					return res, err
				}
				if updated != nil && len(d.Triggers) > 0 {
					var skip bool
					if updated, skip, err = c.beforeRow(d, "update", existing, updated); err != nil {
						return res, err
					} else if skip {
						continue
					}
				}
				if updated != nil {
					if err := w.update(existing, updated); err != nil {
						return res, err
					}
					after = c.queueAfter(after, d, "update", existing, updated)
					touch(updated)
					if err := res.add(ret, updated); err != nil {
						return res, err
					}
				}
				continue
			}
		}
		if err := w.insert(row); err != nil {
			return res, err
		}
		after = c.queueAfter(after, d, "insert", nil, row)
		touch(row)
		if err := res.add(ret, row); err != nil {
			return res, err
		}
	}
	return res, c.fireAfter(d, after, events...)
}

// conflictAction is a compiled ON CONFLICT clause.
type conflictAction struct {
	doNothing bool
	set       map[int]evalFn
	where     evalFn
}

func (c *Ctx) compileConflict(oc *plan.OnConflict) (*conflictAction, error) {
	a := &conflictAction{doNothing: oc.DoNothing}
	var err error
	if a.set, err = c.compileSet(oc.Set); err != nil {
		return nil, err
	}
	if oc.Where != nil {
		if a.where, err = c.compile(oc.Where); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// newRow applies DO NOTHING or DO UPDATE to the existing row a proposed
// row conflicts with: it returns the row to update it to, or nil.
func (a *conflictAction) newRow(existing, proposed Row) (Row, error) {
	if a.doNothing {
		return nil, nil
	}
	both := append(append(Row{}, existing...), proposed...)
	if a.where != nil {
		v, err := a.where(both)
		if err != nil {
			return nil, err
		}
		if v.IsNull() || !v.Bool() {
			return nil, nil
		}
	}
	row := append(Row{}, existing...)
	for i, f := range a.set {
		var err error
		if row[i], err = f(both); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// changedRows prepares an UPDATE or DELETE: the table's writer, its
// RETURNING, and the target rows, each once, read before any write so the
// statement sees the table as it was.
func (c *Ctx) changedRows(d *catalog.Descriptor, input plan.Node, returning []plan.Expr) (*writer, func(Row) (Row, error), []Row, int, error) {
	cols, err := c.tableColumns(d)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	w, err := c.planWriter(d, cols)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	ret, err := c.returning(returning)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	rows, err := c.Run(input)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	return w, ret, w.once(rows), len(cols), nil
}

// Update runs an UPDATE.
func (c *Ctx) Update(n *plan.Update) (DMLResult, error) {
	if err := c.runFirst(n.Pre); err != nil {
		return DMLResult{}, err
	}
	var res DMLResult
	set, err := c.compileSet(n.Set)
	if err != nil {
		return res, err
	}
	w, ret, rows, ncols, err := c.changedRows(n.Table, n.Input, n.Returning)
	if err != nil {
		return res, err
	}
	d := n.Table
	if err := c.beforeStatement(d, "update"); err != nil {
		return res, err
	}
	var after []afterEvent
	for _, joined := range rows {
		old := joined[:ncols:ncols]
		row := append(Row{}, old...)
		for i, f := range set {
			if row[i], err = f(joined); err != nil {
				return res, err
			}
		}
		if len(d.Triggers) > 0 {
			var skip bool
			if row, skip, err = c.beforeRow(d, "update", old, row); err != nil {
				return res, err
			} else if skip {
				continue
			}
		}
		if err := w.update(old, row); err != nil {
			return res, err
		}
		after = c.queueAfter(after, d, "update", old, row)
		// RETURNING reads the new row, then the FROM items' columns.
		if len(joined) > ncols {
			row = append(row[:ncols:ncols], joined[ncols:]...)
		}
		if err := res.add(ret, row); err != nil {
			return res, err
		}
	}
	return res, c.fireAfter(d, after, "update")
}

// Delete runs a DELETE.
func (c *Ctx) Delete(n *plan.Delete) (DMLResult, error) {
	if err := c.runFirst(n.Pre); err != nil {
		return DMLResult{}, err
	}
	var res DMLResult
	w, ret, rows, ncols, err := c.changedRows(n.Table, n.Input, n.Returning)
	if err != nil {
		return res, err
	}
	d := n.Table
	if err := c.beforeStatement(d, "delete"); err != nil {
		return res, err
	}
	var after []afterEvent
	for _, joined := range rows {
		old := joined[:ncols:ncols]
		if len(d.Triggers) > 0 {
			if _, skip, err := c.beforeRow(d, "delete", old, nil); err != nil {
				return res, err
			} else if skip {
				continue
			}
		}
		if err := w.remove(old); err != nil {
			return res, err
		}
		after = c.queueAfter(after, d, "delete", old, nil)
		// RETURNING reads the deleted row and the USING items' columns.
		if err := res.add(ret, joined); err != nil {
			return res, err
		}
	}
	return res, c.fireAfter(d, after, "delete")
}

// once keeps the first of several input rows for the same target row (an
// UPDATE ... FROM or DELETE ... USING may join one row many times).
func (w *writer) once(rows []Row) []Row {
	seen := map[string]bool{}
	out := rows[:0]
	n := len(w.tc.types)
	for _, r := range rows {
		k := string(w.tc.primaryKey(nil, r[:n]))
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

// runFirst runs a statement's data-modifying CTEs (plan.DMLCTE) that
// have not run yet.
func (c *Ctx) runFirst(pre []plan.Node) error {
	for _, p := range pre {
		if d, ok := p.(*plan.DMLCTE); ok {
			if _, err := c.runDMLCTE(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// runDMLCTE runs a data-modifying CTE once per execution and returns its
// RETURNING rows.
func (c *Ctx) runDMLCTE(n *plan.DMLCTE) ([]Row, error) {
	if rows, ok := c.dmlDone[n]; ok {
		return rows, nil
	}
	var res DMLResult
	var err error
	switch s := n.Stmt.(type) {
	case *plan.Insert:
		res, err = c.Insert(s)
	case *plan.Update:
		res, err = c.Update(s)
	case *plan.Delete:
		res, err = c.Delete(s)
	}
	if err != nil {
		return nil, err
	}
	if c.dmlDone == nil {
		c.dmlDone = map[*plan.DMLCTE][]Row{}
	}
	c.dmlDone[n] = res.Returning
	return res.Returning, nil
}
