package plan

import (
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Expr is a bound, typed expression. Column references are ordinals into
// the input row of the node that evaluates the expression.
type Expr interface {
	Type() types.Type
}

// ColRef reads column Idx of the input row.
type ColRef struct {
	Idx  int
	Typ  types.Type
	Name string
}

// OuterRef reads column Idx of the row of an enclosing query, Depth
// levels out (1 = the immediately enclosing one): a correlated reference.
type OuterRef struct {
	Depth int
	Idx   int
	Typ   types.Type
	Name  string
}

// Const is a constant.
type Const struct {
	Val types.Datum
	Typ types.Type
}

// Param is a $n parameter (1-based).
type Param struct {
	N   int
	Typ types.Type
}

// BinOp applies a binary operator. Fn is resolved at bind time; both
// operands are non-NULL when it is called.
type BinOp struct {
	Op   types.Op
	L, R Expr
	Fn   types.BinaryFn
	Typ  types.Type
}

// UnOp applies a unary operator (NOT is Not).
type UnOp struct {
	Op  types.UnaryOp
	X   Expr
	Fn  types.UnaryFn
	Typ types.Type
}

// Logic is AND (And) or OR over Args, with SQL's three-valued logic.
type Logic struct {
	And  bool
	Args []Expr
}

// Not is logical negation.
type Not struct{ X Expr }

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// IsBool is X IS [NOT] TRUE / FALSE (never NULL).
type IsBool struct {
	X     Expr
	Value bool
	Not   bool
}

// IsDistinct is X IS [NOT] DISTINCT FROM Y.
type IsDistinct struct {
	L, R Expr
	Not  bool
	Eq   types.BinaryFn // the equality of the operands' type
}

// Cast converts X to Typ.
type Cast struct {
	X   Expr
	Fn  types.CastFn
	Typ types.Type
}

// Case is a searched CASE (a simple CASE is bound into one).
type Case struct {
	Whens []CaseWhen
	Else  Expr // nil: NULL
	Typ   types.Type
}

// CaseWhen is one WHEN ... THEN.
type CaseWhen struct{ Cond, Result Expr }

// InList is X [NOT] IN (List...).
type InList struct {
	X    Expr
	List []Expr
	Not  bool
	Eq   types.BinaryFn
}

// Func calls a scalar function. Strict functions return NULL for any
// NULL argument without being called.
type Func struct {
	Name string
	Args []Expr
	Fn   func(args []types.Datum) (types.Datum, error)
	// CtxFn, when set, is called instead of Fn with the statement's
	// evaluation context (now(), current_user, nextval): the plan does
	// not capture it, so a cached plan serves later executions.
	CtxFn  func(ec *builtins.EvalContext, args []types.Datum) (types.Datum, error)
	Strict bool
	Typ    types.Type
	// Volatile: the value may change between calls with the same
	// arguments, or with the statement's context (now(), nextval).
	Volatile bool
	// Zoned: its value depends on the time zone it was bound in
	// (date_trunc of a timestamptz), which an index key may not.
	Zoned bool
}

// Coalesce returns its first non-NULL argument.
type Coalesce struct {
	Args []Expr
	Typ  types.Type
}

// NullIf is NULLIF(L, R).
type NullIf struct {
	L, R Expr
	Eq   types.BinaryFn
	Typ  types.Type
}

// MinMax is GREATEST (Greatest) or LEAST.
type MinMax struct {
	Greatest bool
	Args     []Expr
	Typ      types.Type
}

// SubqueryKind says how a subquery's rows become a value.
type SubqueryKind int

const (
	SubScalar SubqueryKind = iota // (SELECT x): its one value, or NULL
	SubExists                     // EXISTS (SELECT ...)
	SubIn                         // X IN (SELECT ...); with Not, NOT IN
	SubAny                        // X op ANY (SELECT ...)
	SubAll                        // X op ALL (SELECT ...)
	SubArray                      // ARRAY(SELECT ...): the column's values as an array
)

// Subquery is a subquery used as an expression. Correlated subqueries
// read the current outer row through OuterRef and are run again per row;
// uncorrelated ones are run once per statement.
type Subquery struct {
	Kind       SubqueryKind
	Plan       Node
	X          Expr // for IN, ANY, ALL
	Cmp        types.BinaryFn
	Not        bool
	Correlated bool
	Typ        types.Type
}

func (e *ColRef) Type() types.Type     { return e.Typ }
func (e *OuterRef) Type() types.Type   { return e.Typ }
func (e *Const) Type() types.Type      { return e.Typ }
func (e *Param) Type() types.Type      { return e.Typ }
func (e *BinOp) Type() types.Type      { return e.Typ }
func (e *UnOp) Type() types.Type       { return e.Typ }
func (e *Logic) Type() types.Type      { return types.Bool }
func (e *Not) Type() types.Type        { return types.Bool }
func (e *IsNull) Type() types.Type     { return types.Bool }
func (e *IsBool) Type() types.Type     { return types.Bool }
func (e *IsDistinct) Type() types.Type { return types.Bool }
func (e *Cast) Type() types.Type       { return e.Typ }
func (e *Case) Type() types.Type       { return e.Typ }
func (e *InList) Type() types.Type     { return types.Bool }
func (e *Func) Type() types.Type       { return e.Typ }
func (e *Coalesce) Type() types.Type   { return e.Typ }
func (e *NullIf) Type() types.Type     { return e.Typ }
func (e *MinMax) Type() types.Type     { return e.Typ }
func (e *Subquery) Type() types.Type   { return e.Typ }

// ArrayCtor is ARRAY[e1, e2, ...].
type ArrayCtor struct {
	Elems []Expr
	Typ   types.Type // the array type
}

// Subscript is X[Index] (an element, or NULL when out of range) or the
// slice X[Index:Upper] (either bound may be nil).
type Subscript struct {
	X, Index, Upper Expr
	Slice           bool
	Typ             types.Type
}

// AnyArray is X op ANY (Arr) or, with All, X op ALL (Arr).
type AnyArray struct {
	X, Arr Expr
	Cmp    types.BinaryFn
	All    bool
	// Op names the comparison for EXPLAIN (and expression index
	// matching): "=", "<", "~~" ...
	Op string
}

func (e *ArrayCtor) Type() types.Type { return e.Typ }
func (e *Subscript) Type() types.Type { return e.Typ }
func (e *AnyArray) Type() types.Type  { return types.Bool }

// ParallelSafe reports whether e may be evaluated by several goroutines
// at once, each with its own compiled copy: it reads no row of an
// enclosing query, runs no subquery and calls no volatile function.
func ParallelSafe(e Expr) bool {
	ok := true
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *OuterRef, *Subquery:
			ok = false
		case *Func:
			ok = ok && !x.Volatile
		}
	})
	return ok
}
