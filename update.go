package cairn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Updates run as read-modify-write in one transaction: the filter
// selects the rows in SQL (with its indexes), the operators apply in Go,
// and changed documents are written back. Under snapshot isolation a
// concurrent writer of the same document makes one commit fail with
// 40001; a Collection outside a transaction retries.

// Update applies update (operators $set, $unset, $inc, $push, $pull) to
// every document matching filter and returns how many matched and how
// many changed. On an error nothing changed (both counts are 0).
func (c *Collection) Update(ctx context.Context, filter, update any) (matched, modified int64, err error) {
	return c.update(ctx, filter, update, false)
}

// UpdateOne is Update on the first matching document (by _id).
func (c *Collection) UpdateOne(ctx context.Context, filter, update any) (matched, modified int64, err error) {
	return c.update(ctx, filter, update, true)
}

type updateOp struct {
	op    string
	comps []string
	v     any
}

// parseUpdate validates an update document.
func parseUpdate(update any) ([]updateOp, error) {
	u, err := toValue(update)
	if err != nil {
		return nil, err
	}
	return parseUpdateValue(u)
}

// parseUpdateValue is parseUpdate of an update in the value model.
func parseUpdateValue(u any) ([]updateOp, error) {
	o, ok := u.(object)
	if !ok || len(o) == 0 {
		return nil, errInvalid("an update must be a non-empty object of operators")
	}
	var ops []updateOp
	seen := map[string]string{}
	for _, m := range o {
		switch m.k {
		case "$set", "$unset", "$inc", "$push", "$pull":
		default:
			if !strings.HasPrefix(m.k, "$") {
				return nil, errInvalid("an update must contain only update operators (use Replace to replace a document)")
			}
			return nil, errSyntax("unknown update operator: %s", m.k)
		}
		fields, ok := m.v.(object)
		if !ok {
			return nil, errInvalid("%s needs an object of paths", m.k)
		}
		for _, f := range fields {
			comps, err := splitPath(f.k)
			if err != nil {
				return nil, err
			}
			if comps[0] == "_id" {
				return nil, errInvalid("%s cannot change _id", m.k)
			}
			// MongoDB refuses one path (or a path and its prefix)
			// under two operators: their order would matter.
			for p, prev := range seen {
				if p == f.k || strings.HasPrefix(p, f.k+".") || strings.HasPrefix(f.k, p+".") {
					return nil, errInvalid("updating the path %q would create a conflict at %q (%s and %s)", f.k, p, prev, m.k)
				}
			}
			seen[f.k] = m.k
			switch m.k {
			case "$inc":
				if _, ok := f.v.(json.Number); !ok {
					return nil, errInvalid("$inc needs a number for %q", f.k)
				}
			case "$push":
				if each, ok := f.v.(object); ok {
					if _, has := each.get("$each"); has {
						list, isList := each[0].v.([]any)
						if len(each) != 1 || !isList {
							return nil, errInvalid("$push with $each needs {\"$each\": [...]}")
						}
						f.v = pushEach(list)
					}
				}
			case "$pull":
				if cond, ok := f.v.(object); ok {
					if _, isOps, err := isOperatorObject(cond); err != nil {
						return nil, err
					} else if isOps {
						for _, c := range cond {
							switch c.k {
							case "$in", "$nin", "$eq", "$ne", "$gt", "$gte", "$lt", "$lte":
							default:
								return nil, errSyntax("unsupported $pull condition: %s", c.k)
							}
						}
					}
				}
			}
			ops = append(ops, updateOp{m.k, comps, f.v})
		}
	}
	return ops, nil
}

// pushEach marks a $push of several values.
type pushEach []any

func (c *Collection) update(ctx context.Context, filter, update any, one bool) (matched, modified int64, err error) {
	u, err := toValue(update)
	if err != nil {
		return 0, 0, err
	}
	ops, err := parseUpdateValue(u)
	if err != nil {
		return 0, 0, err
	}
	t, err := c.table()
	if err != nil {
		return 0, 0, err
	}
	pred, fc, err := c.where(ctx, filter)
	if err != nil {
		return 0, 0, err
	}
	if c.db.docUpdate && fc.byID {
		return c.updateByID(ctx, t, pred, fc, u)
	}
	sql := "SELECT id, doc FROM " + t + " WHERE " + pred + " ORDER BY id"
	if one {
		sql += " LIMIT 1"
	}
	err = c.inTx(ctx, func(q querier) error {
		matched, modified = 0, 0
		if c.tx != nil {
			if ok, err := c.exists(ctx); err != nil || !ok {
				return err
			}
		}
		rows, err := q.Query(ctx, sql, fc.args...)
		if isCode(err, "42P01") {
			return nil
		}
		if err != nil {
			return err
		}
		type change struct {
			id  string
			doc types.Datum
		}
		var changes []change
		for rows.Next() {
			row, err := rows.current()
			if err != nil {
				return err
			}
			if len(row) != 2 || row[0].Kind() != types.TextFamily || row[1].Kind() != types.JSONBFamily {
				return fmt.Errorf("cairn: update of %s: unexpected row %v", t, row)
			}
			matched++
			// The stored document, straight from its binary form (no
			// text in between); the result is encoded the same way and
			// compared bytewise: jsonb's encoding is canonical (sorted
			// keys, canonical numbers), so equal bytes mean no change.
			id, old := row[0].Str(), row[1].Doc()
			nd, err := applyOps(old, ops)
			if err != nil {
				return err
			}
			if nd != old {
				changes = append(changes, change{id, types.NewJSONBDoc(nd)})
			}
		}
		for _, ch := range changes {
			if _, err := q.Exec(ctx, "UPDATE "+t+" SET doc = $2 WHERE id = $1", ch.id, ch.doc); err != nil {
				return err
			}
			modified++
		}
		return nil
	})
	if err != nil {
		// Nothing was changed: the transaction rolled back.
		return 0, 0, err
	}
	return matched, modified, nil
}

// docUpdateFunc is the name of the SQL function that applies an update
// document to a document, which DBs opened by Open add to the engine
// (docUpdateFunction): cairn_update_document(doc jsonb, update jsonb)
// returns doc with update's operators applied, with the errors Update
// gives. Update by _id runs in it.
const docUpdateFunc = "cairn_update_document"

// docUpdateFunction is docUpdateFunc's implementation.
//
// updateByID calls it twice per row with the same arguments (in the
// WHERE clause that skips unchanged documents, then in SET), so it keeps
// its last result: a pure function of its arguments, reused when both
// are equal (compared by value, a fraction of the work of applying an
// update to a document of a kilobyte).
func docUpdateFunction() *builtins.Func {
	type result struct{ doc, update, out jsonb.Doc }
	var last atomic.Pointer[result]
	return &builtins.Func{
		Name:     docUpdateFunc,
		ArgTypes: []types.Type{types.JSONB, types.JSONB},
		Return:   types.JSONB,
		Strict:   true,
		Fn: func(a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() || a[1].IsNull() {
				return types.Null, nil
			}
			doc, update := a[0].Doc(), a[1].Doc()
			if r := last.Load(); r != nil && r.doc == doc && r.update == update {
				return types.NewJSONBDoc(r.out), nil
			}
			ops, err := parseUpdateValue(fromJSONB(update.Value()))
			if err != nil {
				return types.Null, engineError(err)
			}
			nd, err := applyOps(doc, ops)
			if err != nil {
				return types.Null, engineError(err)
			}
			// The arguments may be views of memory the caller reuses, and
			// so may the result, when it is the document unchanged: keep
			// copies.
			r := &result{jsonb.Doc(strings.Clone(string(doc))), jsonb.Doc(strings.Clone(string(update))), nd}
			if nd == doc {
				r.out = r.doc
			}
			last.Store(r)
			return types.NewJSONBDoc(nd), nil
		},
	}
}

// engineError turns a collection's *Error into the engine's error of the
// same code and message (which convertError turns back).
func engineError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return sqlerr.New(sqlerr.Code(e.Code), "%s", e.Message)
	}
	return err
}

// updateByID runs an update (u, parsed and checked) whose filter selects
// by _id, so matches one
// document at most, as one UPDATE statement: the engine reads the
// document once, applies the operators in docUpdateFunc and writes it
// back, where the general path reads it in a SELECT, applies them here
// and writes it with an UPDATE that reads it again. A document the
// update leaves as it was is not written (the WHERE clause compares);
// only then does a second statement count whether it matched.
func (c *Collection) updateByID(ctx context.Context, t, pred string, fc *filterCompiler, u any) (matched, modified int64, err error) {
	uv, err := toJSONB(u)
	if err != nil {
		return 0, 0, errInvalid("update: %v", err)
	}
	ud, err := jsonb.Encode(uv)
	if err != nil {
		return 0, 0, errInvalid("update: %v", err)
	}
	args := append(fc.args, types.NewJSONBDoc(ud))
	apply := docUpdateFunc + "(doc, $" + strconv.Itoa(len(args)) + ")"
	stmt := "UPDATE " + t + " SET doc = " + apply + " WHERE " + pred + " AND " + apply + " IS DISTINCT FROM doc"
	run := func() error {
		matched, modified = 0, 0
		if ok, err := c.exists(ctx); err != nil || !ok {
			return err
		}
		r, err := c.q().Exec(ctx, stmt, args...)
		if isCode(err, "42P01") {
			return nil
		}
		if err != nil {
			return err
		}
		if modified = r.RowsAffected; modified > 0 {
			matched = modified
			return nil
		}
		rows, err := c.q().Query(ctx, "SELECT count(*) FROM "+t+" WHERE "+pred, fc.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if rows.Next() {
			if err := rows.Scan(&matched); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if c.tx != nil {
		// A conflict fails the caller's transaction, which is the
		// caller's to retry.
		err = run()
	} else {
		err = Retry(ctx, run)
	}
	if err != nil {
		return 0, 0, err
	}
	return matched, modified, nil
}

// applyOps applies an update's operators to a stored document: in its
// encoding when updateEncoded can, else through the value model. The
// result is encoded as the document was: jsonb's encoding is canonical
// (sorted keys, canonical numbers), so equal bytes mean no change.
func applyOps(old jsonb.Doc, ops []updateOp) (jsonb.Doc, error) {
	nd, ok, err := updateEncoded(old, ops)
	if err != nil || ok {
		return nd, err
	}
	doc, _ := fromJSONB(old.Value()).(object)
	for _, op := range ops {
		if doc, err = applyUpdate(doc, op); err != nil {
			return "", err
		}
	}
	nv, err := toJSONB(doc)
	if err != nil {
		return "", errInvalid("updated document: %v", err)
	}
	if nd, err = jsonb.Encode(nv); err != nil {
		return "", errInvalid("updated document: %v", err)
	}
	return nd, nil
}

// updateEncoded applies ops to a stored document's encoding when every
// op changes a value that exists at the end of a path of object keys (as
// $inc of a field does): the value alone is decoded, changed by applyLeaf
// as in the general path (applyUpdate), encoded and spliced into the
// document (jsonb.ReplaceValue), which is neither decoded nor re-encoded
// whole: the same bytes, for a fraction of the work on a document of a
// kilobyte. ok is false, with nothing changed, when an op needs the
// general path: $unset, a path through an array or to a value that is
// not there (created), or a new value nested too deep to judge here.
func updateEncoded(d jsonb.Doc, ops []updateOp) (jsonb.Doc, bool, error) {
	for _, op := range ops {
		if op.op == "$unset" {
			return "", false, nil
		}
		leaf, exists := d.KeyPath(op.comps)
		if !exists {
			return "", false, nil
		}
		nv, keep, err := applyLeaf(fromJSONB(leaf.Value()), true, op, strings.Join(op.comps, "."))
		if err != nil {
			return "", false, err
		}
		if !keep {
			continue
		}
		// A document nests at most jsonb.MaxDepth deep: leave values that
		// could take it past that to the general path, which checks.
		if len(op.comps)+valueDepth(nv, 0) > 64 {
			return "", false, nil
		}
		v, err := toJSONB(nv)
		if err != nil {
			return "", false, nil
		}
		nl, err := jsonb.Encode(v)
		if err != nil {
			return "", false, nil
		}
		var replaced bool
		if d, replaced = jsonb.ReplaceValue(d, op.comps, nl); !replaced {
			return "", false, nil
		}
	}
	return d, true, nil
}

// valueDepth is how deep v nests arrays and objects, counting from depth
// and stopping past 64.
func valueDepth(v any, depth int) int {
	if depth > 64 {
		return depth
	}
	deepest := depth
	switch v := v.(type) {
	case object:
		for _, m := range v {
			deepest = max(deepest, valueDepth(m.v, depth+1))
		}
	case []any:
		for _, e := range v {
			deepest = max(deepest, valueDepth(e, depth+1))
		}
	}
	return deepest
}

// applyUpdate applies one operator to doc.
func applyUpdate(doc object, op updateOp) (object, error) {
	var res any
	var err error
	switch op.op {
	case "$unset":
		res, err = unsetPath(doc, op.comps)
	default:
		res, err = modifyPath(doc, op.comps, op, strings.Join(op.comps, "."))
	}
	if err != nil {
		return nil, err
	}
	return res.(object), nil
}

// modifyPath walks to the path's parent, creating objects where the
// path is missing (as MongoDB does; an array index past the end pads
// the array with nulls), and applies op to the value there.
func modifyPath(v any, comps []string, op updateOp, path string) (any, error) {
	k := comps[0]
	last := len(comps) == 1
	switch cur := v.(type) {
	case object:
		old, exists := cur.get(k)
		if last {
			nv, keep, err := applyLeaf(old, exists, op, path)
			if err != nil || !keep {
				return cur, err
			}
			return cur.set(k, nv), nil
		}
		if !exists || old == nil {
			if op.op == "$pull" {
				return cur, nil
			}
			old = object{}
		}
		nv, err := modifyPath(old, comps[1:], op, path)
		if err != nil {
			return nil, err
		}
		return cur.set(k, nv), nil
	case []any:
		i, ok := arrayIndex(k)
		if !ok {
			return nil, errInvalid("cannot use the part %q of %q to traverse an array", k, path)
		}
		if i >= len(cur) {
			if op.op == "$pull" {
				return cur, nil
			}
			for len(cur) <= i {
				cur = append(cur, nil)
			}
		}
		if last {
			nv, keep, err := applyLeaf(cur[i], true, op, path)
			if err != nil || !keep {
				return cur, err
			}
			cur[i] = nv
			return cur, nil
		}
		old := cur[i]
		if old == nil {
			old = object{}
		}
		nv, err := modifyPath(old, comps[1:], op, path)
		if err != nil {
			return nil, err
		}
		cur[i] = nv
		return cur, nil
	}
	return nil, errInvalid("cannot create field %q in element %s (path %q)", k, jsonText(v), path)
}

// applyLeaf computes the new value at the path; keep false leaves the
// parent untouched.
func applyLeaf(old any, exists bool, op updateOp, path string) (any, bool, error) {
	switch op.op {
	case "$set":
		return op.v, true, nil
	case "$inc":
		inc := op.v.(json.Number)
		if !exists {
			return inc, true, nil
		}
		n, ok := old.(json.Number)
		if !ok {
			return nil, false, errInvalid("cannot apply $inc to the non-numeric value %s at %q", jsonText(old), path)
		}
		sum, err := addNumbers(n, inc)
		return sum, err == nil, err
	case "$push":
		var add []any
		if each, ok := op.v.(pushEach); ok {
			add = each
		} else {
			add = []any{op.v}
		}
		if !exists {
			return append([]any{}, add...), true, nil
		}
		arr, ok := old.([]any)
		if !ok {
			return nil, false, errInvalid("$push needs an array at %q, not %s", path, jsonText(old))
		}
		return append(append([]any{}, arr...), add...), true, nil
	case "$pull":
		if !exists {
			return nil, false, nil
		}
		arr, ok := old.([]any)
		if !ok {
			return nil, false, errInvalid("$pull needs an array at %q, not %s", path, jsonText(old))
		}
		out := []any{}
		for _, e := range arr {
			if !pullMatches(e, op.v) {
				out = append(out, e)
			}
		}
		return out, true, nil
	}
	return nil, false, errSyntax("unknown update operator: %s", op.op)
}

// unsetPath removes the value at the path; in an array it becomes null,
// as in MongoDB, so positions do not shift.
func unsetPath(v any, comps []string) (any, error) {
	k := comps[0]
	last := len(comps) == 1
	switch cur := v.(type) {
	case object:
		if last {
			o, _ := cur.del(k)
			return o, nil
		}
		old, ok := cur.get(k)
		if !ok {
			return cur, nil
		}
		nv, err := unsetPath(old, comps[1:])
		if err != nil {
			return nil, err
		}
		return cur.set(k, nv), nil
	case []any:
		i, ok := arrayIndex(k)
		if !ok || i >= len(cur) {
			return cur, nil
		}
		if last {
			cur[i] = nil
			return cur, nil
		}
		nv, err := unsetPath(cur[i], comps[1:])
		if err != nil {
			return nil, err
		}
		cur[i] = nv
		return cur, nil
	}
	return v, nil
}

func addNumbers(a, b json.Number) (json.Number, error) {
	x, _, err1 := apd.NewFromString(string(a))
	y, _, err2 := apd.NewFromString(string(b))
	if err1 != nil || err2 != nil {
		return "", errInvalid("invalid number")
	}
	var z apd.Decimal
	if _, err := apd.BaseContext.WithPrecision(1000).Add(&z, x, y); err != nil {
		return "", errInvalid("$inc: %v", err)
	}
	return canonicalNumber(json.Number(z.Text('f')))
}

// pullMatches reports whether $pull's condition removes element e: a
// value removes equal elements, an operator object ($in, $nin, $eq,
// $ne, $gt, $gte, $lt, $lte) the elements it matches.
func pullMatches(e, cond any) bool {
	o, isOps, _ := isOperatorObject(cond)
	if !isOps {
		return valuesEqual(e, cond)
	}
	for _, m := range o {
		ok := false
		switch m.k {
		case "$eq":
			ok = valuesEqual(e, m.v)
		case "$ne":
			ok = !valuesEqual(e, m.v)
		case "$in", "$nin":
			list, _ := m.v.([]any)
			for _, x := range list {
				ok = ok || valuesEqual(e, x)
			}
			if m.k == "$nin" {
				ok = !ok
			}
		case "$gt", "$gte", "$lt", "$lte":
			c, comparable := compareScalars(e, m.v)
			if comparable {
				switch m.k {
				case "$gt":
					ok = c > 0
				case "$gte":
					ok = c >= 0
				case "$lt":
					ok = c < 0
				case "$lte":
					ok = c <= 0
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// valuesEqual is jsonb equality: numbers by value, objects regardless of
// member order.
func valuesEqual(a, b any) bool { return sortedText(a) == sortedText(b) }

// compareScalars compares two values of one scalar type (numbers by
// value, strings bytewise, booleans false < true); other pairs are not
// comparable, as in jsonpath and MongoDB's type bracketing.
func compareScalars(a, b any) (int, bool) {
	switch a := a.(type) {
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return 0, false
		}
		x, _, err1 := apd.NewFromString(string(a))
		y, _, err2 := apd.NewFromString(string(b))
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return x.Cmp(y), true
	case string:
		b, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(a, b), true
	case bool:
		b, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case a == b:
			return 0, true
		case a:
			return 1, true
		}
		return -1, true
	case nil:
		return 0, b == nil
	}
	return 0, false
}
