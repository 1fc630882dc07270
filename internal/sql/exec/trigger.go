package exec

import (
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Triggers (CREATE TRIGGER): an INSERT, UPDATE or DELETE statement fires
// a table's BEFORE STATEMENT triggers first, then its BEFORE ROW
// triggers for each row before writing it (they may change the row, or
// skip it), in name order, and its AFTER ROW triggers once the statement
// has written every row, as PostgreSQL queues them to the statement's
// end, then its AFTER STATEMENT triggers. A foreign key's ON DELETE/ON
// UPDATE action is a statement of its own on the child table, which
// fires the child's triggers the same way. The engine runs the trigger
// functions (Ctx.Triggers).

// TriggerRunner runs trigger functions (the engine).
type TriggerRunner interface {
	// FireTrigger runs one trigger of table d for an INSERT, UPDATE or
	// DELETE (event): old and new are the row before and after (nil
	// when the event has none; both for a statement trigger). A BEFORE
	// ROW trigger returns the row to write, or skip to write nothing.
	FireTrigger(d *catalog.Descriptor, t *catalog.Trigger, event string, old, new Row) (row Row, skip bool, err error)
}

// afterEvent is an AFTER trigger firing queued to the statement's end.
type afterEvent struct {
	t        *catalog.Trigger
	event    string
	old, new Row
}

// triggersOn are the table's row triggers on event of one timing.
func triggersOn(d *catalog.Descriptor, event string, before bool) []*catalog.Trigger {
	return triggersOf(d, event, before, false)
}

func triggersOf(d *catalog.Descriptor, event string, before, statement bool) []*catalog.Trigger {
	var out []*catalog.Trigger
	for i := range d.Triggers {
		t := &d.Triggers[i]
		if t.Before == before && t.Statement == statement && slices.Contains(t.Events, event) {
			out = append(out, t)
		}
	}
	return out
}

// statementTriggers fires the statement-level triggers of one timing for
// each of events: once per statement, however many rows it writes (none
// included).
func (c *Ctx) statementTriggers(d *catalog.Descriptor, before bool, events ...string) error {
	if len(d.Triggers) == 0 {
		return nil
	}
	for _, event := range events {
		for _, t := range triggersOf(d, event, before, true) {
			if _, _, err := c.fire(d, t, event, nil, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Ctx) fire(d *catalog.Descriptor, t *catalog.Trigger, event string, old, new Row) (Row, bool, error) {
	if c.Triggers == nil {
		return nil, false, sqlerr.New(sqlerr.FeatureNotSupported, "table %q has triggers, which cannot run here", d.Name)
	}
	return c.Triggers.FireTrigger(d, t, event, old, new)
}

// beforeRow fires the BEFORE triggers of a row: it returns the row to
// write (new, as the triggers changed it; old for a DELETE) or skip.
func (c *Ctx) beforeRow(d *catalog.Descriptor, event string, old, new Row) (Row, bool, error) {
	row := new
	if event == "delete" {
		row = old
	}
	for _, t := range triggersOn(d, event, true) {
		var out Row
		var skip bool
		var err error
		if event == "delete" {
			out, skip, err = c.fire(d, t, event, old, nil)
		} else {
			out, skip, err = c.fire(d, t, event, old, row)
		}
		if err != nil || skip {
			return nil, skip, err
		}
		if event != "delete" && out != nil {
			row = out
		}
	}
	return row, false, nil
}

// queueAfter queues the AFTER triggers of a written row.
func (c *Ctx) queueAfter(q []afterEvent, d *catalog.Descriptor, event string, old, new Row) []afterEvent {
	for _, t := range triggersOn(d, event, false) {
		q = append(q, afterEvent{t: t, event: event, old: slices.Clone(old), new: slices.Clone(new)})
	}
	return q
}

// fireAfter fires the queued AFTER ROW triggers, in the order their rows
// were written, then the AFTER STATEMENT triggers of events.
func (c *Ctx) fireAfter(d *catalog.Descriptor, q []afterEvent, events ...string) error {
	for _, ev := range q {
		if _, _, err := c.fire(d, ev.t, ev.event, ev.old, ev.new); err != nil {
			return err
		}
	}
	return c.statementTriggers(d, false, events...)
}

// beforeStatement fires the BEFORE STATEMENT triggers of events.
func (c *Ctx) beforeStatement(d *catalog.Descriptor, events ...string) error {
	return c.statementTriggers(d, true, events...)
}
