package plan

import (
	"fmt"
	"strconv"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/types"
)

// IndexScan reads the rows of a table whose index key starts with the
// values of Eq (one key per alternative of Eqs, for an IN list), and, if
// Range is set, whose next key column lies in it. Filter (the scan's whole
// original predicate) is applied to every row read, so the index only has
// to narrow the rows, never to be exact.
type IndexScan struct {
	Table *catalog.Descriptor
	Alias string
	Cols  []Column
	Index *catalog.Index
	// Eqs holds one or more alternative equality prefixes; each is a list
	// of expressions for the index's leading columns, in order.
	Eqs   [][]Expr
	Range *KeyRange
	// Needed marks the columns the plan reads (nil: all); see prune.
	Needed []bool
	// Exact lists the conjuncts (of the predicate chooseAccess was
	// given) that the key bounds answer exactly: the filter above need
	// not check them again. Cond shows them in EXPLAIN.
	Exact []int
	Cond  Expr
	// Implied are comparisons the bounds stand for that are not
	// conjuncts of the predicate but implied by one (x LIKE 'abc%'
	// gives x >= 'abc' and x < 'abd'). Cond includes them.
	Implied []Expr
	// Reverse reads the index backward (Index Scan Backward): its key
	// ranges last first, each from its last key down.
	Reverse bool
}

// KeyRange bounds one index column; a nil bound is open.
type KeyRange struct {
	Lo, Hi       Expr
	LoInc, HiInc bool
}

func (n *IndexScan) Columns() []Column { return n.Cols }

// IndexOnly reports whether a secondary index scan reads every column
// the plan needs from the index entries themselves (the indexed columns
// and the primary key after them), with no read of the row: an index
// only scan. Only columns whose key encoding decodes back to the value
// exactly qualify (not numeric, whose key drops trailing zeros, nor
// jsonb, whose key is its sort order), and only with Needed known.
func (n *IndexScan) IndexOnly() bool {
	if n.Index.ID == catalog.PrimaryIndexID || n.Needed == nil || n.Index.Method != "" && n.Index.Method != "btree" || n.Index.Predicate != "" {
		return false
	}
	covered := map[uint32]bool{}
	for _, cols := range [][]catalog.IndexColumn{n.Index.Columns, n.Table.Primary.Columns} {
		for _, ic := range cols {
			if ic.ColumnID != 0 {
				covered[ic.ColumnID] = true
			}
		}
	}
	for i, need := range n.Needed {
		if !need {
			continue
		}
		if i >= len(n.Table.Columns) || !covered[n.Table.Columns[i].ID] || !decodableKey(n.Cols[i].Type) {
			return false
		}
	}
	return true
}

// decodableKey reports whether a type's index key decodes to its value.
func decodableKey(t types.Type) bool {
	if t.IsArray() {
		return false
	}
	switch t.Family() {
	case types.BoolFamily, types.Int2Family, types.Int4Family, types.Int8Family, types.TextFamily, types.VarcharFamily,
		types.DateFamily, types.TimeFamily, types.TimestampFamily, types.TimestampTZFamily, types.UUIDFamily, types.ByteaFamily,
		types.EnumFamily:
		return true
	}
	return false
}

// chooseAccess picks an index for a filtered scan: the index with the
// most leading columns constrained by equality (an IN list counts on the
// first column), then a range on the next column. It returns nil when no
// index helps.
func chooseAccess(s *Scan, pred Expr) *IndexScan {
	var best *IndexScan
	bestScore := 1
	for _, c := range accessCandidates(s, pred) {
		if c.score > bestScore {
			best, bestScore = c.scan, c.score
		}
	}
	return best
}

// accessCandidate is an index scan that pred's conjuncts constrain, with
// its score: 10 per equality column, 8 for an IN list, 3 for a range, 5
// more for a unique index's whole key, 1 more for the primary index.
type accessCandidate struct {
	scan  *IndexScan
	score int
}

// accessCandidates returns a scan for each btree index of s that pred
// can use, in the table's index order (primary first).
func accessCandidates(s *Scan, pred Expr) []accessCandidate {
	conds := conjuncts(pred)
	type bound struct {
		eq       Expr
		in       []Expr
		lo, hi   Expr
		loI, hiI bool
		// The conjuncts the bounds came from, when the index answers
		// them exactly (see exactKey); -1 otherwise.
		eqC, inC, loC, hiC int
		// like holds the comparisons a LIKE's bounds stand for, when
		// they are the bounds (EXPLAIN shows them as the Index Cond).
		like []Expr
	}
	// Bounds by key target: a column ("#3") or an expression (its text).
	byKey := map[string]*bound{}
	get := func(k string) *bound {
		if byKey[k] == nil {
			byKey[k] = &bound{eqC: -1, inC: -1, loC: -1, hiC: -1}
		}
		return byKey[k]
	}
	have := map[string]bool{} // the conjuncts' texts, for partial indexes
	for ci, c := range conds {
		have[FormatExpr(c, s.Cols)] = true
		switch c := c.(type) {
		case *BinOp:
			key, val, op, ok := targetVsValue(c, s.Cols)
			if !ok {
				continue
			}
			b := get(key)
			b.like = nil
			src := -1
			if exactKey(c, val) {
				src = ci
			}
			switch op {
			case types.OpEq:
				b.eq, b.eqC = val, src
			case types.OpGt, types.OpGe:
				b.lo, b.loI, b.loC = val, op == types.OpGe, src
			case types.OpLt, types.OpLe:
				b.hi, b.hiI, b.hiC = val, op == types.OpLe, src
			}
		case *Func:
			// x LIKE 'abc%' reads the range ['abc', 'abd') of an index
			// on x, and x LIKE 'abc' the key 'abc'; the LIKE stays a
			// filter.
			key, lo, hi, exact, ok := likeBounds(c, s.Cols)
			if !ok {
				continue
			}
			b := get(key)
			x := c.Args[0]
			cmp := func(op types.Op, v Expr) Expr {
				fn, _, _ := types.BinaryOpFunc(op, x.Type(), v.Type())
				return &BinOp{Op: op, L: x, R: v, Fn: fn, Typ: types.Bool}
			}
			switch {
			case b.eq != nil || b.in != nil || b.lo != nil || b.hi != nil:
				// Bounds from comparisons: those.
			case exact:
				b.eq, b.like = lo, []Expr{cmp(types.OpEq, lo)}
			default:
				b.lo, b.loI, b.hi = lo, true, hi
				b.like = []Expr{cmp(types.OpGe, lo)}
				if hi != nil {
					b.like = append(b.like, cmp(types.OpLt, hi))
				}
			}
		case *InList:
			key, t, ok := keyTarget(c.X, s.Cols)
			if !ok || c.Not || !sameFamily(c.X.Type(), t) {
				continue
			}
			all := true
			for _, v := range c.List {
				all = all && isValue(v) && sameFamily(v.Type(), t)
			}
			if all && len(c.List) <= 1000 {
				b := get(key)
				b.in, b.inC = c.List, -1
				// A column's key, or an expression index's (its value as
				// written, the expression being immutable), selects
				// exactly the rows IN does when equal keys mean equal
				// values: the exact families, and jsonb, whose key is
				// its equality.
				if exactFamily(t) || t.Family() == types.JSONBFamily && !t.IsArray() {
					b.inC = ci
				}
			}
		}
	}
	if len(byKey) == 0 {
		return nil
	}
	pos := map[uint32]int{}
	for i, c := range s.Table.Columns {
		pos[c.ID] = i
	}
	var out []accessCandidate
	consider := func(ix *catalog.Index) {
		if ix.Method != "" && ix.Method != "btree" {
			return
		}
		exprs := s.Indexes[ix.ID]
		// A partial index serves only queries that imply its predicate:
		// here, that state each of its conjuncts.
		if exprs != nil && exprs.Pred != nil && !impliedBy(exprs.Pred, have, s.Cols) {
			return
		}
		scan := &IndexScan{Table: s.Table, Alias: s.Alias, Cols: s.Cols, Index: ix, Eqs: [][]Expr{nil}}
		score := 0
		var used []int
		use := func(c int) {
			if c >= 0 {
				used = append(used, c)
			}
		}
		for k, ic := range ix.Columns {
			key := "#" + itoa(pos[ic.ColumnID])
			if ic.ColumnID == 0 {
				if exprs == nil || exprs.Keys[k] == nil {
					break
				}
				key = FormatExpr(exprs.Keys[k], s.Cols)
			}
			b := byKey[key]
			if b == nil {
				break
			}
			if b.eq != nil {
				for i := range scan.Eqs {
					scan.Eqs[i] = append(scan.Eqs[i], b.eq)
				}
				scan.Implied = append(scan.Implied, b.like...)
				use(b.eqC)
				score += 10
				continue
			}
			if b.in != nil && k == 0 {
				scan.Eqs = nil
				for _, v := range b.in {
					scan.Eqs = append(scan.Eqs, []Expr{v})
				}
				use(b.inC)
				score += 8
				continue
			}
			if (b.lo != nil || b.hi != nil) && !ic.Desc {
				scan.Range = &KeyRange{Lo: b.lo, Hi: b.hi, LoInc: b.loI, HiInc: b.hiI}
				scan.Implied = append(scan.Implied, b.like...)
				if b.lo != nil {
					use(b.loC)
				}
				if b.hi != nil {
					use(b.hiC)
				}
				score += 3
			}
			break
		}
		// A full-key equality on a unique index is a point read.
		if ix.Unique && len(scan.Eqs[0]) == len(ix.Columns) {
			score += 5
		}
		if ix.ID == catalog.PrimaryIndexID {
			score++ // no second read for the row
		}
		if score > 1 {
			scan.Exact = used
			out = append(out, accessCandidate{scan, score})
		}
	}
	consider(&s.Table.Primary)
	for i := range s.Table.Indexes {
		consider(&s.Table.Indexes[i])
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// likeBounds recognizes x LIKE 'pattern' (case-sensitive, the pattern a
// constant with a literal prefix) where x is a text column or an
// expression an index may have as a key, and returns the key range of
// the strings that can match: [prefix, the prefix's successor), or the
// key prefix itself when the pattern has no wildcard (exact). Text keys
// order bytewise (cairn's one collation is "C"), so every match is in
// that range; a nil hi is no upper bound (a prefix of bytes 0xff).
func likeBounds(f *Func, cols []Column) (key string, lo, hi Expr, exact, ok bool) {
	if f.Name != "textlike" || len(f.Args) != 2 {
		return "", nil, nil, false, false
	}
	pc, isConst := f.Args[1].(*Const)
	if !isConst || pc.Val.IsNull() {
		return "", nil, nil, false, false
	}
	prefix, exact := builtins.LikePrefix(pc.Val.Str())
	if prefix == "" {
		return "", nil, nil, false, false
	}
	x := f.Args[0]
	if c, isCast := x.(*Cast); isCast && c.X.Type().Family() == types.VarcharFamily && !c.X.Type().IsArray() {
		x = c.X // varchar to text changes no byte
	}
	if t := x.Type(); t.IsArray() || t.Family() != types.TextFamily && t.Family() != types.VarcharFamily {
		return "", nil, nil, false, false
	}
	if cols != nil { // nil: the caller wants the bounds alone
		if key, _, ok = keyTarget(x, cols); !ok {
			return "", nil, nil, false, false
		}
	}
	lo = &Const{Val: types.NewText(prefix), Typ: types.Text}
	if exact {
		return key, lo, nil, true, true
	}
	succ := []byte(prefix)
	for len(succ) > 0 && succ[len(succ)-1] == 0xff {
		succ = succ[:len(succ)-1]
	}
	if len(succ) > 0 {
		succ[len(succ)-1]++
		hi = &Const{Val: types.NewText(string(succ)), Typ: types.Text}
	}
	return key, lo, hi, false, true
}

// exactFamily reports whether a column type's key order and equality are
// SQL's: integers, text, booleans, dates and timestamps (not floats,
// whose -0 and NaN, or numerics, whose scales, differ in keys).
func exactFamily(t types.Type) bool {
	if t.IsArray() {
		return false
	}
	switch t.Family() {
	case types.Int2Family, types.Int4Family, types.Int8Family, types.TextFamily, types.VarcharFamily,
		types.BoolFamily, types.DateFamily, types.TimestampFamily, types.TimestampTZFamily,
		types.EnumFamily: // a value's key is its sort order, one per label
		return true
	}
	return false
}

// exactKey reports whether a bound taken from comparison c (column op
// value, val already in the column's key family) selects exactly the rows
// c is true for.
func exactKey(c *BinOp, val Expr) bool {
	col, ok := c.L.(*ColRef)
	if !ok {
		if col, ok = c.R.(*ColRef); !ok {
			return false
		}
	}
	t, v := col.Typ, val.Type()
	if !exactFamily(t) || !exactFamily(v) {
		return false
	}
	integer := func(f types.Family) bool {
		return f == types.Int2Family || f == types.Int4Family || f == types.Int8Family
	}
	str := func(f types.Family) bool { return f == types.TextFamily || f == types.VarcharFamily }
	tf, vf := t.Family(), v.Family()
	return tf == vf || integer(tf) && integer(vf) || str(tf) && str(vf)
}

// keyTarget names what an index key could match in e: a column ("#i")
// or, for an expression over the row's columns that reads nothing else
// and is not volatile, its text. t is the key's type.
func keyTarget(e Expr, cols []Column) (key string, t types.Type, ok bool) {
	if cr, isCol := e.(*ColRef); isCol {
		return "#" + itoa(cr.Idx), cols[cr.Idx].Type, true
	}
	if isValue(e) {
		return "", types.Type{}, false
	}
	ok = true
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *Subquery, *OuterRef, *Param:
			ok = false
		case *Func:
			ok = ok && !x.Volatile
		}
	})
	if !ok {
		return "", types.Type{}, false
	}
	return FormatExpr(e, cols), e.Type(), true
}

// targetVsValue recognizes "target op value" and "value op target" (the
// operator then mirrored), where the target is a column or an
// expression an index may have as a key, and the value's type has the
// target's family so its key encoding matches the index's.
func targetVsValue(c *BinOp, cols []Column) (key string, val Expr, op types.Op, ok bool) {
	mirror := map[types.Op]types.Op{types.OpEq: types.OpEq, types.OpLt: types.OpGt, types.OpLe: types.OpGe, types.OpGt: types.OpLt, types.OpGe: types.OpLe}
	if _, cmp := mirror[c.Op]; !cmp {
		return "", nil, 0, false
	}
	if isValue(c.R) {
		if k, t, isKey := keyTarget(c.L, cols); isKey {
			if v := keyValue(c.R, t); v != nil {
				return k, v, c.Op, true
			}
		}
	}
	if isValue(c.L) {
		if k, t, isKey := keyTarget(c.R, cols); isKey {
			if v := keyValue(c.L, t); v != nil {
				return k, v, mirror[c.Op], true
			}
		}
	}
	return "", nil, 0, false
}

// keyValue returns e as a value of the column type t's key encoding: e
// itself when its family matches, an untyped literal parsed as t, or nil.
func keyValue(e Expr, t types.Type) Expr {
	if sameFamily(e.Type(), t) {
		return e
	}
	if c, ok := e.(*Const); ok && c.Typ.Family() == types.UnknownFamily && !c.Val.IsNull() {
		if v, err := types.ParseText(t, c.Val.Str()); err == nil {
			return &Const{Val: v, Typ: t}
		}
	}
	return nil
}

// isValue reports whether e is the same for every row of the scan: it
// reads no column of the scan's own row.
func isValue(e Expr) bool {
	ok := true
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *ColRef:
			ok = false
		case *Subquery:
			ok = ok && !x.Correlated
		case *Func:
			ok = false // may be volatile
		}
	})
	return ok
}

// sameFamily reports whether values of a encode as keys of a column of b.
func sameFamily(a, b types.Type) bool {
	str := func(f types.Family) bool { return f == types.TextFamily || f == types.VarcharFamily }
	// The integer types share one key encoding: an int8 value finds an
	// int4 column's keys (and one out of the column's range finds none).
	integer := func(f types.Family) bool {
		return f == types.Int2Family || f == types.Int4Family || f == types.Int8Family
	}
	if a.IsArray() || b.IsArray() || a.Family() == types.CharFamily || b.Family() == types.CharFamily {
		return false
	}
	if a.Family() == types.EnumFamily || b.Family() == types.EnumFamily {
		return a == b // sort orders are per enum type
	}
	return a.Family() == b.Family() || (str(a.Family()) && str(b.Family())) || (integer(a.Family()) && integer(b.Family()))
}

// Lookup returns a plan that reads the rows of table d whose columns
// (by id) equal vals, through an index when one leads with them. The
// executor uses it to find the rows a foreign key action touches.
func Lookup(d *catalog.Descriptor, colIDs []uint32, vals []types.Datum) (Node, error) {
	cols, err := TableColumns(d)
	if err != nil {
		return nil, err
	}
	scan := &Scan{Table: d, Cols: cols}
	preds := make([]Expr, len(colIDs))
	for i, id := range colIDs {
		pos := -1
		for j, c := range d.Columns {
			if c.ID == id {
				pos = j
			}
		}
		if pos < 0 {
			return nil, fmt.Errorf("plan: table %s has no column %d", d.Name, id)
		}
		t := cols[pos].Type
		v := vals[i]
		if !v.IsNull() && !types.Equivalent(types.TypeOfDatum(v), t) {
			// The referencing and referenced columns may differ in type
			// (integer and bigint): compare as the column's type.
			fn, ok := types.CastFunc(types.TypeOfDatum(v), t, types.CastExplicit)
			if !ok {
				return nil, fmt.Errorf("plan: cannot compare %s with %s", types.TypeOfDatum(v), t)
			}
			if v, err = fn(v); err != nil {
				return nil, err
			}
		}
		eq, bt, err := types.BinaryOpFunc(types.OpEq, t, t)
		if err != nil {
			return nil, err
		}
		preds[i] = &BinOp{Op: types.OpEq, L: &ColRef{Idx: pos, Typ: t}, R: &Const{Val: v, Typ: t}, Fn: eq, Typ: bt}
	}
	pred := and(preds)
	f := &Filter{Input: scan, Pred: pred}
	if ix := chooseAccess(scan, pred); ix != nil {
		f.Input = ix
	}
	return f, nil
}
