package plan

import (
	"math"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Selectivity: the fraction of a table's rows a predicate keeps,
// estimated from the column statistics ANALYZE gathered (ColumnStats), as
// PostgreSQL's planner does: equality from the most common values or else
// the distinct count, ranges from the histogram, NULL tests from the NULL
// fraction, AND as a product (columns taken as independent), OR as
// 1 - product of complements. Without statistics, or for conditions it
// cannot read, the defaults below apply.
const (
	defaultEqSel    = 0.005
	defaultRangeSel = 1.0 / 3
	// defaultBetweenSel is a range bounded on both sides by values not
	// known at plan time ($1 AND $1+9): narrow, as PostgreSQL assumes.
	defaultBetweenSel = 0.005
	defaultSel        = 1.0 / 3
)

// columnStatsAt returns the statistics and type of the table column at
// position idx of a scan's columns, or nil.
func (b *Binder) columnStatsAt(d *catalog.Descriptor, idx int) (*catalog.ColumnStats, types.Type) {
	if b.ColumnStats == nil || idx < 0 || idx >= len(d.Columns) {
		return nil, types.Type{}
	}
	c := d.Columns[idx]
	t, err := ColumnType(&c)
	if err != nil {
		return nil, types.Type{}
	}
	return b.ColumnStats(d.ID).Column(c.ID), t
}

// constValue returns e's value when it is known at plan time.
func constValue(e Expr) (types.Datum, bool) {
	switch e := e.(type) {
	case *Const:
		return e.Val, !e.Val.IsNull()
	case *Cast:
		return constValue(e.X)
	}
	return types.Datum{}, false
}

// colVsValue splits a comparison into a column of the scan, an operator
// as seen from the column, and the other side when it does not read the
// row (a constant or a parameter).
func colVsValue(e *BinOp) (col int, op types.Op, val Expr, ok bool) {
	l, lok := e.L.(*ColRef)
	r, rok := e.R.(*ColRef)
	switch {
	case lok && !rok && rowFree(e.R):
		return l.Idx, e.Op, e.R, true
	case rok && !lok && rowFree(e.L):
		return r.Idx, commute(e.Op), e.L, true
	}
	return 0, 0, nil, false
}

func rowFree(e Expr) bool {
	switch e := e.(type) {
	case *Const, *Param:
		return true
	case *Cast:
		return rowFree(e.X)
	case *BinOp:
		return rowFree(e.L) && rowFree(e.R)
	}
	return false
}

func commute(op types.Op) types.Op {
	switch op {
	case types.OpLt:
		return types.OpGt
	case types.OpLe:
		return types.OpGe
	case types.OpGt:
		return types.OpLt
	case types.OpGe:
		return types.OpLe
	}
	return op
}

// selectivity estimates the fraction of d's rows (read as a scan's
// columns, in table order) that e keeps.
func (b *Binder) selectivity(d *catalog.Descriptor, e Expr) float64 {
	switch e := e.(type) {
	case *Logic:
		if e.And {
			s := 1.0
			for _, a := range e.Args {
				s *= b.selectivity(d, a)
			}
			return s
		}
		miss := 1.0
		for _, a := range e.Args {
			miss *= 1 - b.selectivity(d, a)
		}
		return 1 - miss
	case *Not:
		return 1 - b.selectivity(d, e.X)
	case *IsNull:
		if c, ok := e.X.(*ColRef); ok {
			if cs, _ := b.columnStatsAt(d, c.Idx); cs != nil {
				if e.Not {
					return 1 - cs.NullFrac
				}
				return cs.NullFrac
			}
		}
	case *InList:
		if c, ok := e.X.(*ColRef); ok {
			s := 0.0
			for _, v := range e.List {
				s += b.eqSelectivity(d, c.Idx, v)
			}
			s = min(s, 1)
			if e.Not {
				return 1 - s
			}
			return s
		}
	case *Func:
		// x LIKE 'abc%' is as selective as the range of its prefix
		// (likeBounds), at most; PostgreSQL's prefix estimate too.
		if _, lo, hi, exact, ok := likeBounds(e, nil); ok {
			col, isCol := e.Args[0].(*ColRef)
			if c, isCast := e.Args[0].(*Cast); isCast {
				col, isCol = c.X.(*ColRef)
			}
			if !isCol {
				break
			}
			if exact {
				return b.eqSelectivity(d, col.Idx, lo)
			}
			return b.rangeSelectivity(d, col.Idx, lo, true, hi, false)
		}
	case *BinOp:
		col, op, val, ok := colVsValue(e)
		if !ok {
			break
		}
		switch op {
		case types.OpEq:
			return b.eqSelectivity(d, col, val)
		case types.OpNe:
			return 1 - b.eqSelectivity(d, col, val)
		case types.OpLt, types.OpLe:
			return b.rangeSelectivity(d, col, nil, false, val, op == types.OpLe)
		case types.OpGt, types.OpGe:
			return b.rangeSelectivity(d, col, val, op == types.OpGe, nil, false)
		}
	}
	return defaultSel
}

// eqSelectivity estimates column = val.
func (b *Binder) eqSelectivity(d *catalog.Descriptor, col int, val Expr) float64 {
	cs, _ := b.columnStatsAt(d, col)
	if cs == nil {
		return defaultEqSel
	}
	if cs.Distinct <= 0 {
		return 0
	}
	mcvSum := 0.0
	for _, f := range cs.MCF {
		mcvSum += f
	}
	if v, ok := constValue(val); ok {
		text := types.FormatText(v)
		for i, m := range cs.MCV {
			if m == text {
				return cs.MCF[i]
			}
		}
		rest := cs.Distinct - float64(len(cs.MCV))
		if rest < 1 {
			return 0
		}
		return max(0, 1-cs.NullFrac-mcvSum) / rest
	}
	// A parameter: any value, the average frequency.
	return (1 - cs.NullFrac) / cs.Distinct
}

// rangeSelectivity estimates lo < column < hi (nil: open; loInc and
// hiInc make a bound inclusive), from the histogram and the most common
// values in the range.
func (b *Binder) rangeSelectivity(d *catalog.Descriptor, col int, lo Expr, loInc bool, hi Expr, hiInc bool) float64 {
	cs, t := b.columnStatsAt(d, col)
	if cs == nil {
		if lo != nil && hi != nil {
			return defaultBetweenSel
		}
		return defaultRangeSel
	}
	var lov, hiv types.Datum
	loOK, hiOK := true, true
	if lo != nil {
		lov, loOK = constValue(lo)
	}
	if hi != nil {
		hiv, hiOK = constValue(hi)
	}
	switch {
	case lo != nil && hi != nil && (!loOK || !hiOK):
		return defaultBetweenSel
	case !loOK || !hiOK:
		return defaultRangeSel
	}
	in := func(v types.Datum) bool {
		if lo != nil {
			if c := types.Compare(v, lov); c < 0 || c == 0 && !loInc {
				return false
			}
		}
		if hi != nil {
			if c := types.Compare(v, hiv); c > 0 || c == 0 && !hiInc {
				return false
			}
		}
		return true
	}
	s, mcvSum := 0.0, 0.0
	for i, m := range cs.MCV {
		mcvSum += cs.MCF[i]
		if v, err := types.ParseText(t, m); err == nil && in(v) {
			s += cs.MCF[i]
		}
	}
	bounds := make([]types.Datum, 0, len(cs.Histogram))
	for _, h := range cs.Histogram {
		v, err := types.ParseText(t, h)
		if err != nil {
			return defaultRangeSel
		}
		bounds = append(bounds, v)
	}
	if len(bounds) < 2 {
		return s
	}
	// The fraction of the histogram's population below v: whole buckets
	// below it, and of the bucket it falls in the part below v, by
	// linear interpolation for numbers and times (as PostgreSQL's
	// convert_to_scalar), else half.
	below := func(v types.Datum) float64 {
		n := len(bounds) - 1
		for i := range n {
			if types.Compare(v, bounds[i+1]) < 0 {
				if types.Compare(v, bounds[i]) < 0 {
					return float64(i) / float64(n)
				}
				part := 0.5
				x, ok1 := scalar(v)
				l, ok2 := scalar(bounds[i])
				h, ok3 := scalar(bounds[i+1])
				if ok1 && ok2 && ok3 && h > l {
					part = min(1, max(0, (x-l)/(h-l)))
				}
				return (float64(i) + part) / float64(n)
			}
		}
		return 1
	}
	frac := 1.0
	if hi != nil {
		frac = below(hiv)
		if k := hiv.Kind(); hiInc && k >= types.Int2Family && k <= types.Int8Family && hiv.Int() < math.MaxInt64 {
			// An inclusive upper bound takes in its own value: the
			// integers of [lo, hi] are those below hi+1.
			frac = below(types.NewInt8(hiv.Int() + 1))
		}
	}
	if lo != nil {
		frac -= below(lov)
	}
	frac = max(frac, 0)
	return s + frac*max(0, 1-cs.NullFrac-mcvSum)
}

// scalar places a value on a line, for interpolating within a histogram
// bucket: numbers, dates and times; ok is false for other kinds.
func scalar(v types.Datum) (float64, bool) {
	switch v.Kind() {
	case types.Int2Family, types.Int4Family, types.Int8Family, types.DateFamily, types.TimeFamily, types.TimestampFamily, types.TimestampTZFamily:
		return float64(v.Int()), true
	case types.Float4Family, types.Float8Family:
		f := v.Float()
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	case types.NumericFamily:
		f, err := v.Decimal().Float64()
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func (b *Binder) hasColumnStats(d *catalog.Descriptor) bool {
	return b.ColumnStats != nil && b.ColumnStats(d.ID) != nil
}

// indexScanSelectivity estimates the fraction of the table an index scan
// reads, from column statistics; ok is false without them (or for
// expression indexes, which have none).
func (b *Binder) indexScanSelectivity(n *IndexScan) (float64, bool) {
	if !b.hasColumnStats(n.Table) {
		return 0, false
	}
	pos := func(i int) int {
		if i >= len(n.Index.Columns) || n.Index.Columns[i].ColumnID == 0 {
			return -1
		}
		for j, c := range n.Table.Columns {
			if c.ID == n.Index.Columns[i].ColumnID {
				return j
			}
		}
		return -1
	}
	rangeSel := func(i int) (float64, bool) {
		if n.Range == nil {
			return 1, true
		}
		p := pos(i)
		if p < 0 {
			return 0, false
		}
		return b.rangeSelectivity(n.Table, p, n.Range.Lo, n.Range.LoInc, n.Range.Hi, n.Range.HiInc), true
	}
	if len(n.Eqs) == 0 {
		return rangeSel(0)
	}
	total := 0.0
	for _, eq := range n.Eqs {
		s := 1.0
		for i, e := range eq {
			p := pos(i)
			if p < 0 {
				return 0, false
			}
			s *= b.eqSelectivity(n.Table, p, e)
		}
		if len(eq) < len(n.Index.Columns) {
			r, ok := rangeSel(len(eq))
			if !ok {
				return 0, false
			}
			s *= r
		}
		total += s
	}
	if n.Index.Unique && len(n.Eqs[0]) == len(n.Index.Columns) {
		return 0, false // one row per key: the caller's count is exact
	}
	return min(total, 1), true
}
