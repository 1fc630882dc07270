package exec

import (
	"slices"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Foreign keys are checked row by row inside the writing transaction:
// a child row's key must exist in the parent; a parent row still
// referenced may not go (RESTRICT, NO ACTION), or takes its children with
// it (CASCADE) or sets their keys to NULL (SET NULL); the checks of a
// DEFERRABLE key wait for commit while it is deferred (deferred.go). Snapshot isolation's
// write-write conflicts on the rows involved keep concurrent
// transactions from breaking the reference in between.

// maxCascadeDepth bounds cascades through chains of foreign keys.
const maxCascadeDepth = 64

// checkParents verifies that every foreign key of the table has its
// referenced row.
func (w *writer) checkParents(row Row) error {
	d := w.tc.d
	for _, fk := range d.ForeignKeys {
		vals := make(Row, len(fk.Columns))
		null := false
		for i, id := range fk.Columns {
			vals[i] = row[w.tc.pos[id]]
			null = null || vals[i].IsNull()
		}
		if null {
			continue // MATCH SIMPLE: a NULL in the key skips the check
		}
		parent := w.parents[fk.RefTable]
		if parent == nil {
			var err error
			if parent, err = catalog.ByID(w.c.Txn, fk.RefTable); err != nil {
				return err
			}
			if w.parents == nil {
				w.parents = map[uint32]*catalog.Descriptor{}
			}
			w.parents[fk.RefTable] = parent
		}
		if w.c.Deferred.deferred(&fk) {
			w.c.Deferred.note(deferredCheck{child: d, parent: parent, fk: fk, vals: vals})
			continue
		}
		ok, err := w.c.parentExists(parent, fk.RefColumn, vals)
		if err != nil {
			return err
		}
		if !ok {
			return sqlerr.New(sqlerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", d.Name, fk.Name).
				WithDetail("Key (%s)=(%s) is not present in table %q.", colNames(d, fk.Columns), formatVals(vals), parent.Name)
		}
	}
	return nil
}

// parentExists reports whether parent has a row with the given values in
// columns cols (a primary key or unique index's columns).
func (c *Ctx) parentExists(parent *catalog.Descriptor, cols []uint32, vals Row) (bool, error) {
	ix := matchingIndex(parent, cols)
	if ix == nil {
		return false, sqlerr.New(sqlerr.Code("42830"), "there is no unique constraint matching given keys for referenced table %q", parent.Name)
	}
	key := catalog.IndexPrefix(nil, parent.ID, ix.ID)
	for _, ic := range ix.Columns {
		i := slices.Index(cols, ic.ColumnID)
		key = rowcodec.AppendKey(key, types.ToRowcodecKey(vals[i]), dir(ic.Desc))
	}
	it := c.Txn.Scan(key, prefixEnd(key))
	defer it.Close()
	found := it.Next()
	return found, it.Err()
}

// matchingIndex returns the unique index (primary included) whose columns
// are exactly cols, in any order.
func matchingIndex(d *catalog.Descriptor, cols []uint32) *catalog.Index {
	for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
		if !ix.Unique || len(ix.Columns) != len(cols) {
			continue
		}
		all := true
		for _, ic := range ix.Columns {
			all = all && slices.Contains(cols, ic.ColumnID)
		}
		if all {
			return &ix
		}
	}
	return nil
}

// Reference is a foreign key of Child that points at another table.
type Reference struct {
	Child *catalog.Descriptor
	FK    catalog.ForeignKey
}

// References maps a table id to the foreign keys that point at it.
type References map[uint32][]Reference

// LoadReferences reads every table's foreign keys. A statement needs
// them only when it deletes or updates rows of a referenced table; the
// engine keeps them with a cached plan so executions do not re-read the
// catalog.
func LoadReferences(txn *mvcc.Txn) (References, error) {
	all, err := catalog.List(txn)
	if err != nil {
		return nil, err
	}
	refs := References{}
	for _, child := range all {
		for _, fk := range child.ForeignKeys {
			refs[fk.RefTable] = append(refs[fk.RefTable], Reference{Child: child, FK: fk})
		}
	}
	return refs, nil
}

// references returns the statement's foreign keys by referenced table,
// reading them on first use.
func (c *Ctx) references() (References, error) {
	if c.Refs == nil {
		refs, err := LoadReferences(c.Txn)
		if err != nil {
			return nil, err
		}
		c.Refs = refs
	}
	return c.Refs, nil
}

// onParentGone applies the foreign keys that reference the table when a
// row goes (delete) or its referenced key changes (update: newRow set;
// the new row is already written, so a cascade finds its parent).
func (w *writer) onParentGone(old Row, newRow Row) error {
	refs, err := w.c.references()
	if err != nil {
		return err
	}
	d := w.tc.d
	for _, ref := range refs[d.ID] {
		fk := ref.FK
		vals := make(Row, len(fk.RefColumn))
		var newVals Row
		changed := newRow == nil
		for i, id := range fk.RefColumn {
			vals[i] = old[w.tc.pos[id]]
			if newRow != nil {
				newVals = append(newVals, newRow[w.tc.pos[id]])
				if types.IsDistinctFrom(old[w.tc.pos[id]], newRow[w.tc.pos[id]]) {
					changed = true
				}
			}
		}
		if !changed {
			continue
		}
		if err := w.c.applyReferences(ref.Child, fk, d, vals, newVals, w.depth); err != nil {
			return err
		}
	}
	return nil
}

// applyReferences finds the rows of child whose foreign key fk equals
// vals and restricts, cascades or nulls them. newVals is nil when the
// parent row is deleted, else its new key (for ON UPDATE).
func (c *Ctx) applyReferences(child *catalog.Descriptor, fk catalog.ForeignKey, parent *catalog.Descriptor, vals, newVals Row, depth int) error {
	if depth > maxCascadeDepth {
		return sqlerr.New(sqlerr.ProgramLimitExceeded, "foreign key cascade deeper than %d levels", maxCascadeDepth)
	}
	for _, v := range vals {
		if v.IsNull() {
			return nil // no child row matches a NULL key
		}
	}
	deleting := newVals == nil
	action := fk.OnDelete
	if !deleting {
		action = fk.OnUpdate
	}
	lookup, err := plan.Lookup(child, fk.Columns, vals)
	if err != nil {
		return err
	}
	rows, err := c.Run(lookup)
	if err != nil || len(rows) == 0 {
		return err
	}
	switch action {
	case catalog.FKCascade, catalog.FKSetNull:
	case catalog.FKRestrict:
		return sqlerr.New(sqlerr.ForeignKeyViolation, "update or delete on table %q violates foreign key constraint %q on table %q", parent.Name, fk.Name, child.Name).
			WithDetail("Key (%s)=(%s) is still referenced from table %q.", colNames(parent, fk.RefColumn), formatVals(vals), child.Name)
	default:
		if c.Deferred.deferred(&fk) {
			// NO ACTION, deferred: the children may find a new parent
			// before commit.
			c.Deferred.note(deferredCheck{child: child, parent: parent, fk: fk, vals: append(Row(nil), vals...), parentGone: true})
			return nil
		}
		return sqlerr.New(sqlerr.ForeignKeyViolation, "update or delete on table %q violates foreign key constraint %q on table %q", parent.Name, fk.Name, child.Name).
			WithDetail("Key (%s)=(%s) is still referenced from table %q.", colNames(parent, fk.RefColumn), formatVals(vals), child.Name)
	}
	cols, err := plan.TableColumns(child)
	if err != nil {
		return err
	}
	w, err := c.newWriter(child, cols)
	if err != nil {
		return err
	}
	w.depth = depth + 1
	// The action is a statement of its own on the child table, as in
	// PostgreSQL: it fires the child's triggers, its AFTER ones when it
	// is done.
	event := "update"
	if action == catalog.FKCascade && deleting {
		event = "delete"
	}
	if err := c.beforeStatement(child, event); err != nil {
		return err
	}
	var after []afterEvent
	for _, r := range rows {
		if event == "delete" {
			if len(child.Triggers) > 0 {
				if _, skip, err := c.beforeRow(child, "delete", r, nil); err != nil || skip {
					if err != nil {
						return err
					}
					continue
				}
			}
			if err := w.remove(r); err != nil {
				return err
			}
			after = c.queueAfter(after, child, "delete", r, nil)
			continue
		}
		nr := append(Row{}, r...)
		for i, id := range fk.Columns {
			if action == catalog.FKSetNull {
				nr[w.tc.pos[id]] = types.Null
			} else {
				nr[w.tc.pos[id]] = newVals[i]
			}
		}
		if len(child.Triggers) > 0 {
			var skip bool
			if nr, skip, err = c.beforeRow(child, "update", r, nr); err != nil {
				return err
			} else if skip {
				continue
			}
		}
		if err := w.update(r, nr); err != nil {
			return err
		}
		after = c.queueAfter(after, child, "update", r, nr)
	}
	return c.fireAfter(child, after, event)
}

func colNames(d *catalog.Descriptor, ids []uint32) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		if c := d.ColumnByID(id); c != nil {
			names[i] = c.Name
		}
	}
	return strings.Join(names, ", ")
}

func formatVals(vals Row) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = types.FormatText(v)
	}
	return strings.Join(parts, ", ")
}

// conflicting returns the existing row that row would collide with in one
// of the arbiter indexes (NULLs never collide), or nil.
func (w *writer) conflicting(arbiters []*catalog.Index, row Row) (Row, error) {
	for _, ix := range arbiters {
		var key []byte
		if ix.ID == catalog.PrimaryIndexID {
			key = w.tc.primaryKey(nil, row)
		} else {
			k, prefixLen, hasNull, in, err := w.indexKey(nil, ix, row)
			if err != nil {
				return nil, err
			}
			if hasNull && !ix.NullsNotDistinct || !in {
				continue // NULLs never collide (but NULLS NOT DISTINCT); nor do rows outside a partial index
			}
			key = k[:prefixLen]
		}
		if ix.ID == catalog.PrimaryIndexID {
			v, ok, err := w.c.Txn.Get(key)
			if err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			return w.tc.decode(v)
		}
		it := w.c.Txn.Scan(key, prefixEnd(key))
		found := it.Next()
		var pkSuffix []byte
		if found {
			pkSuffix = append([]byte{}, it.Key()[len(key):]...)
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		pk := append(catalog.IndexPrefix(nil, w.tc.d.ID, catalog.PrimaryIndexID), pkSuffix...)
		v, ok, err := w.c.Txn.Get(pk)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, sqlerr.New(sqlerr.DataCorrupted, "index %q points at a missing row of %q", ix.Name, w.tc.d.Name)
		}
		return w.tc.decode(v)
	}
	return nil, nil
}
