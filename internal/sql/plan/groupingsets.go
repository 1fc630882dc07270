package plan

import (
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// GROUP BY with grouping sets (ROLLUP, CUBE, GROUPING SETS) is one
// aggregation over an expanded input: GroupingExpand emits each input
// row once per grouping set with the set's number appended, and the
// aggregation groups by the set number and, for each grouping
// expression, the expression where the set has it and NULL where it
// does not. GROUPING(a, ...) reads the set number.

// GroupingExpand emits each input row Sets times, the set's number (0
// to Sets-1, bigint) appended as a last column.
type GroupingExpand struct {
	Input Node
	Sets  int
	Cols  []Column
}

func (n *GroupingExpand) Columns() []Column { return n.Cols }
func (n *GroupingExpand) input() Node       { return n.Input }

// maxGroupingSets is PostgreSQL's limit on grouping sets.
const maxGroupingSets = 4096

// expandGroupingSets expands GROUP BY's elements into the grouping sets
// they stand for, as PostgreSQL's expand_grouping_sets: the cross
// product of the elements' sets, an expression being the one set of
// itself. has is false when no element is a grouping set.
func expandGroupingSets(elems []ast.Expr) (sets [][]ast.Expr, has bool, err error) {
	sets = [][]ast.Expr{{}}
	for _, el := range elems {
		alts := [][]ast.Expr{{el}}
		if gs, ok := el.(*ast.GroupingSet); ok {
			has = true
			if alts, err = groupingSetSets(gs); err != nil {
				return nil, false, err
			}
		}
		var next [][]ast.Expr
		for _, s := range sets {
			for _, a := range alts {
				next = append(next, append(append([]ast.Expr{}, s...), a...))
			}
		}
		if len(next) > maxGroupingSets {
			return nil, false, sqlerr.New(sqlerr.Code("54001"), "too many grouping sets present (maximum %d)", maxGroupingSets)
		}
		sets = next
	}
	return sets, has, nil
}

// groupingSetSets lists the sets of one grouping element.
func groupingSetSets(gs *ast.GroupingSet) ([][]ast.Expr, error) {
	items := func(e ast.Expr) []ast.Expr {
		if r, ok := e.(*ast.RowExpr); ok {
			return r.Exprs
		}
		return []ast.Expr{e}
	}
	var out [][]ast.Expr
	switch gs.Kind {
	case ast.GroupingEmpty:
		out = [][]ast.Expr{{}}
	case ast.GroupingRollup:
		for k := len(gs.Exprs); k >= 0; k-- {
			var set []ast.Expr
			for _, e := range gs.Exprs[:k] {
				set = append(set, items(e)...)
			}
			out = append(out, set)
		}
	case ast.GroupingCube:
		n := len(gs.Exprs)
		if n > 12 {
			return nil, sqlerr.New(sqlerr.ProgramLimitExceeded, "CUBE is limited to 12 elements")
		}
		for mask := 1<<n - 1; mask >= 0; mask-- {
			var set []ast.Expr
			for i, e := range gs.Exprs {
				if mask&(1<<(n-1-i)) != 0 {
					set = append(set, items(e)...)
				}
			}
			out = append(out, set)
		}
	case ast.GroupingSets:
		for _, e := range gs.Exprs {
			if inner, ok := e.(*ast.GroupingSet); ok {
				sub, err := groupingSetSets(inner)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
			out = append(out, items(e))
		}
	}
	if len(out) > maxGroupingSets {
		return nil, sqlerr.New(sqlerr.Code("54001"), "too many grouping sets present (maximum %d)", maxGroupingSets)
	}
	return out, nil
}

// groupingSetKeys turns an aggregation's bound group keys into those of
// its grouping sets over a GroupingExpand of its input (whose set number
// is input column setCol): each key NULL in the sets without it, then
// the set number. in[s][i] says set s has key i.
func groupingSetKeys(keys []Expr, in [][]bool, setCol int) []Expr {
	setNo := &ColRef{Idx: setCol, Typ: types.Int8, Name: "?set?"}
	out := make([]Expr, 0, len(keys)+1)
	for i, k := range keys {
		var with []Expr
		for s := range in {
			if in[s][i] {
				with = append(with, &Const{Val: types.NewInt8(int64(s)), Typ: types.Int8})
			}
		}
		switch {
		case len(with) == len(in):
			out = append(out, k)
		case len(with) == 0:
			out = append(out, &Const{Val: types.Null, Typ: k.Type()})
		default:
			eq, _, _ := types.BinaryOpFunc(types.OpEq, types.Int8, types.Int8)
			out = append(out, &Case{Whens: []CaseWhen{{Cond: &InList{X: setNo, List: with, Eq: eq}, Result: k}}, Typ: k.Type()})
		}
	}
	return append(out, setNo)
}

// groupingValue is GROUPING(args) for each grouping set: a bit per
// argument, the first the most significant, set when the set lacks it.
// setRef is the aggregation's set number column.
func groupingValue(argKeys []int, in [][]bool, setRef Expr) Expr {
	eq, _, _ := types.BinaryOpFunc(types.OpEq, types.Int8, types.Int8)
	c := &Case{Typ: types.Int4}
	for s := range in {
		v := int32(0)
		for _, k := range argKeys {
			v <<= 1
			if !in[s][k] {
				v |= 1
			}
		}
		c.Whens = append(c.Whens, CaseWhen{
			Cond:   &BinOp{Op: types.OpEq, L: setRef, R: &Const{Val: types.NewInt8(int64(s)), Typ: types.Int8}, Fn: eq, Typ: types.Bool},
			Result: &Const{Val: types.NewInt4(v), Typ: types.Int4},
		})
	}
	return c
}
