package plan

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/types"
)

// InvertedScan reads the rows of a table that an inverted (GIN) index
// lists for a jsonb search: Key Op Value, where Op is @>, ?, ?| or ?&
// and Key the index's column or expression. The index returns
// candidates; the Filter above it (the scan's whole predicate) rechecks
// each row.
type InvertedScan struct {
	Table *catalog.Descriptor
	Alias string
	Cols  []Column
	Index *catalog.Index
	Op    types.Op
	Value Expr
	// Needed marks the columns the plan reads (nil: all); see prune.
	Needed []bool
}

func (n *InvertedScan) Columns() []Column { return n.Cols }

// IndexMethodGIN is the method of an inverted index over jsonb.
const IndexMethodGIN = "gin"

// invertedOps are the operators a GIN index answers.
var invertedOps = map[types.Op]bool{types.OpContains: true, types.OpJSONExists: true, types.OpJSONExistsAny: true, types.OpJSONExistsAll: true}

// chooseInverted finds a conjunct of pred that a GIN index of the scan's
// table can answer.
func chooseInverted(s *Scan, pred Expr) *InvertedScan {
	var gins []*catalog.Index
	for i := range s.Table.Indexes {
		if s.Table.Indexes[i].Method == IndexMethodGIN {
			gins = append(gins, &s.Table.Indexes[i])
		}
	}
	if len(gins) == 0 {
		return nil
	}
	pos := map[uint32]int{}
	for i, c := range s.Table.Columns {
		pos[c.ID] = i
	}
	have := map[string]bool{}
	for _, c := range conjuncts(pred) {
		have[FormatExpr(c, s.Cols)] = true
	}
	for _, c := range conjuncts(pred) {
		b, ok := c.(*BinOp)
		if !ok || !invertedOps[b.Op] || !isValue(b.R) {
			continue
		}
		key, _, ok := keyTarget(b.L, s.Cols)
		if !ok {
			continue
		}
		want := types.ArrayOf(types.Text)
		switch b.Op {
		case types.OpContains:
			want = types.JSONB
		case types.OpJSONExists:
			want = types.Text
		}
		value := b.R
		if want.IsArray() {
			if !types.Equivalent(value.Type(), want) {
				continue
			}
		} else if value = keyValue(b.R, want); value == nil {
			continue
		}
		for _, ix := range gins {
			exprs := s.Indexes[ix.ID]
			if exprs != nil && exprs.Pred != nil && !impliedBy(exprs.Pred, have, s.Cols) {
				continue
			}
			ic := ix.Columns[0]
			ixKey := ""
			if ic.ColumnID != 0 {
				ixKey = "#" + itoa(pos[ic.ColumnID])
			} else if exprs != nil && exprs.Keys[0] != nil {
				ixKey = FormatExpr(exprs.Keys[0], s.Cols)
			}
			if ixKey == key {
				return &InvertedScan{Table: s.Table, Alias: s.Alias, Cols: s.Cols, Index: ix, Op: b.Op, Value: value}
			}
		}
	}
	return nil
}

// impliedBy reports whether every conjunct of pred is among the query's
// conjuncts (by text): a partial index's predicate then holds.
func impliedBy(pred Expr, have map[string]bool, cols []Column) bool {
	for _, p := range conjuncts(pred) {
		if !have[FormatExpr(p, cols)] {
			return false
		}
	}
	return true
}
