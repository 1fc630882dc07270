package exec

import (
	"context"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Deferred foreign key checks. A foreign key declared DEFERRABLE may be
// checked at commit instead of when a row is written: INITIALLY
// DEFERRED, or after SET CONSTRAINTS ... DEFERRED. The writer then
// notes the key it would have checked, and Check verifies every noted
// key in the committing transaction: a child row that still holds it
// must find its parent. A key whose child rows are gone by then (or
// whose parent came back) is no violation, as in PostgreSQL, whose
// deferred checks look at the rows as they are at commit.

// DeferredChecks holds one transaction's deferred foreign key checks
// and its SET CONSTRAINTS modes.
type DeferredChecks struct {
	// all is SET CONSTRAINTS ALL's mode (nil: none given); named holds
	// the modes of constraints set by name, which win over all.
	all   *bool
	named map[string]bool
	noted []deferredCheck
	seen  map[string]bool
}

// deferredCheck is one key to check at commit: child rows of fk with
// key vals need their parent. parentGone tells the error's wording: the
// check comes from a parent row's delete or update.
type deferredCheck struct {
	child, parent *catalog.Descriptor
	fk            catalog.ForeignKey
	vals          Row
	parentGone    bool
}

// SetMode records SET CONSTRAINTS: names (nil for ALL) DEFERRED or not.
// Switching to IMMEDIATE checks what is noted at once, as PostgreSQL
// does: the caller runs Check after it.
func (d *DeferredChecks) SetMode(names []string, deferred bool) {
	if names == nil {
		d.all, d.named = &deferred, nil
		return
	}
	if d.named == nil {
		d.named = map[string]bool{}
	}
	for _, n := range names {
		d.named[strings.ToLower(n)] = deferred
	}
}

// deferred reports whether fk's checks wait for commit.
func (d *DeferredChecks) deferred(fk *catalog.ForeignKey) bool {
	if d == nil || !fk.Deferrable {
		return false
	}
	if m, ok := d.named[strings.ToLower(fk.Name)]; ok {
		return m
	}
	if d.all != nil {
		return *d.all
	}
	return fk.InitiallyDeferred
}

func (d *DeferredChecks) note(c deferredCheck) {
	k := string(rowKey([]byte(c.child.Name+"\x00"+c.fk.Name+"\x00"), c.vals))
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	if d.seen[k] {
		return
	}
	d.seen[k] = true
	d.noted = append(d.noted, c)
}

// Reset forgets the modes and notes: the transaction ended.
func (d *DeferredChecks) Reset() {
	d.all, d.named, d.noted = nil, nil, nil
	clear(d.seen)
}

// Pending reports whether checks are noted.
func (d *DeferredChecks) Pending() bool { return d != nil && len(d.noted) > 0 }

// Check runs the noted checks whose constraints are no longer deferred
// (all of them when commit), in txn: 23503 for the first key whose child
// rows lack their parent. The checks it ran are dropped.
func (d *DeferredChecks) Check(ctx context.Context, txn *mvcc.Txn, commit bool) error {
	if d == nil {
		return nil
	}
	c := &Ctx{Context: ctx, Txn: txn}
	keep := d.noted[:0]
	var first error
	for _, ch := range d.noted {
		if first != nil || (!commit && d.deferred(&ch.fk)) {
			keep = append(keep, ch)
			continue
		}
		ok, err := c.parentExists(ch.parent, ch.fk.RefColumn, ch.vals)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		lookup, err := plan.Lookup(ch.child, ch.fk.Columns, ch.vals)
		if err != nil {
			return err
		}
		rows, err := c.Run(lookup)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		if ch.parentGone {
			first = sqlerr.New(sqlerr.ForeignKeyViolation, "update or delete on table %q violates foreign key constraint %q on table %q", ch.parent.Name, ch.fk.Name, ch.child.Name).
				WithDetail("Key (%s)=(%s) is still referenced from table %q.", colNames(ch.parent, ch.fk.RefColumn), formatVals(ch.vals), ch.child.Name)
		} else {
			first = sqlerr.New(sqlerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", ch.child.Name, ch.fk.Name).
				WithDetail("Key (%s)=(%s) is not present in table %q.", colNames(ch.child, ch.fk.Columns), formatVals(ch.vals), ch.parent.Name)
		}
	}
	d.noted = keep
	clear(d.seen)
	for _, ch := range keep {
		d.seen[string(rowKey([]byte(ch.child.Name+"\x00"+ch.fk.Name+"\x00"), ch.vals))] = true
	}
	return first
}
