package plan

import (
	"fmt"

	"github.com/cairndb/cairn/internal/catalog"
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
}

// KeyRange bounds one index column; a nil bound is open.
type KeyRange struct {
	Lo, Hi       Expr
	LoInc, HiInc bool
}

func (n *IndexScan) Columns() []Column { return n.Cols }

// chooseAccess picks an index for a filtered scan: the index with the
// most leading columns constrained by equality (an IN list counts on the
// first column), then a range on the next column. It returns nil when no
// index helps.
func chooseAccess(s *Scan, pred Expr) *IndexScan {
	conds := conjuncts(pred)
	type bound struct {
		eq       Expr
		in       []Expr
		lo, hi   Expr
		loI, hiI bool
	}
	byCol := map[int]*bound{}
	get := func(i int) *bound {
		if byCol[i] == nil {
			byCol[i] = &bound{}
		}
		return byCol[i]
	}
	for _, c := range conds {
		switch c := c.(type) {
		case *BinOp:
			col, val, op, ok := columnVsValue(c, s.Cols)
			if !ok {
				continue
			}
			b := get(col)
			switch op {
			case types.OpEq:
				b.eq = val
			case types.OpGt, types.OpGe:
				b.lo, b.loI = val, op == types.OpGe
			case types.OpLt, types.OpLe:
				b.hi, b.hiI = val, op == types.OpLe
			}
		case *InList:
			cr, ok := c.X.(*ColRef)
			if !ok || c.Not || !sameFamily(cr.Typ, s.Cols[cr.Idx].Type) {
				continue
			}
			all := true
			for _, v := range c.List {
				all = all && isValue(v) && sameFamily(v.Type(), s.Cols[cr.Idx].Type)
			}
			if all && len(c.List) <= 1000 {
				get(cr.Idx).in = c.List
			}
		}
	}
	if len(byCol) == 0 {
		return nil
	}
	pos := map[uint32]int{}
	for i, c := range s.Table.Columns {
		pos[c.ID] = i
	}
	var best *IndexScan
	bestScore := 0
	consider := func(ix *catalog.Index) {
		scan := &IndexScan{Table: s.Table, Alias: s.Alias, Cols: s.Cols, Index: ix, Eqs: [][]Expr{nil}}
		score := 0
		for k, ic := range ix.Columns {
			if ic.ColumnID == 0 {
				break
			}
			b := byCol[pos[ic.ColumnID]]
			if b == nil {
				break
			}
			if b.eq != nil {
				for i := range scan.Eqs {
					scan.Eqs[i] = append(scan.Eqs[i], b.eq)
				}
				score += 10
				continue
			}
			if b.in != nil && k == 0 {
				scan.Eqs = nil
				for _, v := range b.in {
					scan.Eqs = append(scan.Eqs, []Expr{v})
				}
				score += 8
				continue
			}
			if (b.lo != nil || b.hi != nil) && !ic.Desc {
				scan.Range = &KeyRange{Lo: b.lo, Hi: b.hi, LoInc: b.loI, HiInc: b.hiI}
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
		if score > bestScore {
			best, bestScore = scan, score
		}
	}
	consider(&s.Table.Primary)
	for i := range s.Table.Indexes {
		consider(&s.Table.Indexes[i])
	}
	if bestScore <= 1 {
		return nil
	}
	return best
}

// columnVsValue recognizes "column op value" and "value op column" (the
// operator then mirrored), where the value's type has the column's family
// so its key encoding matches the index's.
func columnVsValue(c *BinOp, cols []Column) (col int, val Expr, op types.Op, ok bool) {
	mirror := map[types.Op]types.Op{types.OpEq: types.OpEq, types.OpLt: types.OpGt, types.OpLe: types.OpGe, types.OpGt: types.OpLt, types.OpGe: types.OpLe}
	if _, cmp := mirror[c.Op]; !cmp {
		return 0, nil, 0, false
	}
	if cr, isCol := c.L.(*ColRef); isCol && isValue(c.R) {
		if v := keyValue(c.R, cols[cr.Idx].Type); v != nil {
			return cr.Idx, v, c.Op, true
		}
	}
	if cr, isCol := c.R.(*ColRef); isCol && isValue(c.L) {
		if v := keyValue(c.L, cols[cr.Idx].Type); v != nil {
			return cr.Idx, v, mirror[c.Op], true
		}
	}
	return 0, nil, 0, false
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
	if a.IsArray() || b.IsArray() || a.Family() == types.CharFamily || b.Family() == types.CharFamily {
		return false
	}
	return a.Family() == b.Family() || (str(a.Family()) && str(b.Family()))
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
