package plan

import (
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Column is a column of a node's output.
type Column struct {
	Name string
	Type types.Type
	// Table is the name (or alias) of the table the column comes from,
	// for qualified references; "" for computed columns.
	Table string
	// Hidden columns are not expanded by *.
	Hidden bool
	// System columns (a catalog's tableoid) are hidden, yet answer to
	// their unqualified name.
	System bool
	// Merged marks a side's copy of a USING (or NATURAL) join column
	// that the join's merged column stands in for: it answers to its
	// qualified name and to its table's * (t.*), not to the bare name
	// or to *.
	Merged bool
}

// Node is a relational operator of a plan.
type Node interface {
	Columns() []Column
}

// Scan reads every row of a table (all its columns, in descriptor order),
// optionally restricted to a primary-key span and filtered.
type Scan struct {
	Table *catalog.Descriptor
	Alias string
	Cols  []Column
	// Span, if set, restricts the scan to primary keys in it.
	Span *KeySpan
	// Indexes holds the bound key expressions and predicates of the
	// table's expression and partial indexes (nil when it has none), for
	// choosing an access path.
	Indexes map[uint32]*IndexExprs
	// Needed marks the columns the plan reads (nil: all); see prune.
	Needed []bool
}

// KeySpan is a range of primary-key values: equal on the first len(Eq)
// key columns (a point lookup when they cover the whole key).
type KeySpan struct {
	Eq []Expr
}

// Values produces literal rows.
type Values struct {
	Rows [][]Expr
	Cols []Column
}

// Filter keeps the rows for which Pred is true.
type Filter struct {
	Input Node
	Pred  Expr
}

// Project computes Exprs over each input row.
type Project struct {
	Input Node
	Exprs []Expr
	Cols  []Column
}

// JoinKind is the kind of a join.
type JoinKind int

const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
	CrossJoin
	// SemiJoin keeps each left row that has a match on the right (a
	// decorrelated EXISTS), AntiJoin each that has none (NOT EXISTS):
	// their rows are the left columns only, and they have keys, no On.
	SemiJoin
	AntiJoin
)

// Join combines two inputs; its rows are the left columns then the right.
// On is evaluated over the combined row.
type Join struct {
	Kind        JoinKind
	Left, Right Node
	On          Expr
	Cols        []Column
	// LeftKeys and RightKeys, when set, are On's equality conjuncts
	// between the two sides (each over its own side's columns): the
	// executor hashes the right input by them and probes with the left
	// (a hash join); On is still checked on each candidate pair.
	LeftKeys, RightKeys []Expr
}

// Apply is a lateral join: Right is planned again for each Left row,
// which its expressions read as the innermost outer row (OuterRef depth
// 1). Kind is InnerJoin, LeftJoin or CrossJoin; On is evaluated over the
// combined row.
type Apply struct {
	Kind        JoinKind
	Left, Right Node
	On          Expr
	Cols        []Column
}

// TableFunc is a set-returning function in FROM. Its arguments may read
// outer rows (a lateral reference) but no input of its own.
type TableFunc struct {
	Name string
	Args []Expr
	Open func(args []types.Datum) (builtins.TableIter, error)
	// OpenCtx, when set, is called instead of Open with the statement's
	// EvalContext (a function CREATE FUNCTION made runs through it).
	OpenCtx func(ec *builtins.EvalContext, args []types.Datum) (builtins.TableIter, error)
	// Ordinality adds a bigint row number column (WITH ORDINALITY).
	Ordinality bool
	Cols       []Column
}

func (n *Apply) Columns() []Column     { return n.Cols }
func (n *TableFunc) Columns() []Column { return n.Cols }

// AggCall is one aggregate computed by an Aggregate node.
type AggCall struct {
	Name     string
	Args     []Expr
	Distinct bool
	Filter   Expr
	Star     bool
	New      func() builtins.AggState
	Typ      types.Type
	// OrderBy orders the values the aggregate sees (string_agg(x, ','
	// ORDER BY y)); its keys are expressions over the input, whose
	// SortKey.Expr here is the expression itself, not a column.
	OrderBy []SortKey
}

// Aggregate groups its input by GroupBy and computes Aggs per group. Its
// output is the group-by values then the aggregate results. With no
// GroupBy it produces exactly one row, even for empty input.
type Aggregate struct {
	Input   Node
	GroupBy []Expr
	Aggs    []AggCall
	Cols    []Column
	// Sorted: the input arrives ordered by the group keys (an index in
	// their order), so each group is finished when its key changes: a
	// sorted aggregation, without a hash table.
	Sorted bool
	// EmptyInput are the keys of the groups an empty input still has:
	// with grouping sets, one per set without keys (GROUP BY ROLLUP
	// (a) has a grand total row over no rows, as GROUP BY () does).
	EmptyInput [][]types.Datum
}

// SortKey is one ORDER BY key over the input's columns.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders its input.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Limit skips Offset rows then returns at most Count (nil: all).
type Limit struct {
	Input         Node
	Count, Offset Expr
	// Ties, for FETCH FIRST n ROWS WITH TIES, are the ORDER BY keys
	// (over Input's columns): the rows after the n-th that are equal to
	// it in them are returned too.
	Ties []SortKey
}

// Distinct removes duplicate rows (on the first On columns if On > 0,
// keeping the first of each: DISTINCT ON after a sort).
type Distinct struct {
	Input Node
	// On, when set, lists the columns that identify a row (DISTINCT ON):
	// the first row of each (in input order) is kept. Nil: all columns.
	On []int
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind int

const (
	Union SetOpKind = iota
	Intersect
	Except
)

// SetOp combines two inputs of the same shape.
type SetOp struct {
	Kind        SetOpKind
	All         bool
	Left, Right Node
	Cols        []Column
}

func (n *Scan) Columns() []Column      { return n.Cols }
func (n *Values) Columns() []Column    { return n.Cols }
func (n *Filter) Columns() []Column    { return n.Input.Columns() }
func (n *Project) Columns() []Column   { return n.Cols }
func (n *Join) Columns() []Column      { return n.Cols }
func (n *Aggregate) Columns() []Column { return n.Cols }
func (n *Sort) Columns() []Column      { return n.Input.Columns() }
func (n *Limit) Columns() []Column     { return n.Input.Columns() }
func (n *Distinct) Columns() []Column  { return n.Input.Columns() }
func (n *SetOp) Columns() []Column     { return n.Cols }

// Insert writes rows produced by Input into Table. Input's columns are
// TargetCols (descriptor column indexes); other columns take defaults.
type Insert struct {
	Table      *catalog.Descriptor
	Input      Node
	TargetCols []int
	// Defaults holds, per descriptor column, its default (nil: NULL).
	Defaults []Expr
	// Casts convert each input column to its target column's type.
	Casts      []types.CastFn
	OnConflict *OnConflict
	Returning  []Expr
	Cols       []Column
	// Pre are the data-modifying statements of the statement's WITH
	// clause, run before it (DMLCTE).
	Pre []Node
}

// OnConflict is INSERT's ON CONFLICT clause. Its expressions read the
// existing row's columns followed by the proposed row's (EXCLUDED).
type OnConflict struct {
	// Arbiters are the unique indexes (primary included) whose conflicts
	// it handles; all of them when none was named.
	Arbiters  []*catalog.Index
	DoNothing bool
	Set       map[int]Expr
	Where     Expr
}

// Update rewrites the rows Input produces (the table's columns, in
// descriptor order) with Set applied.
type Update struct {
	Table     *catalog.Descriptor
	Input     Node
	Set       map[int]Expr // descriptor column index -> new value
	Returning []Expr
	Cols      []Column
	Pre       []Node // as Insert's
}

// Delete removes the rows Input produces (the table's columns).
type Delete struct {
	Table     *catalog.Descriptor
	Input     Node
	Returning []Expr
	Cols      []Column
	Pre       []Node // as Insert's
}

func (n *Insert) Columns() []Column { return n.Cols }
func (n *Update) Columns() []Column { return n.Cols }
func (n *Delete) Columns() []Column { return n.Cols }
