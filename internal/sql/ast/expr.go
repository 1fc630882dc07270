package ast

// LitKind classifies a Literal.
type LitKind uint8

const (
	LitNull    LitKind = iota // NULL
	LitBool                   // TRUE, FALSE; Val is "true" or "false"
	LitInt                    // digits only, perhaps with a leading '-'
	LitNumeric                // decimal point and/or exponent
	LitString                 // Val is the decoded string
	LitBits                   // B'0101'; Val is the digits
	LitHex                    // X'1F'; Val is the hex digits
)

// Literal is a constant. Numbers keep their source spelling so the binder
// can choose the type (INT8, NUMERIC, FLOAT8) without losing precision.
type Literal struct {
	Pos
	Kind LitKind
	Val  string
}

// Placeholder is a parameter: $1, $2... A SQLite-style ? is numbered by its
// order in the statement text.
type Placeholder struct {
	Pos
	Index int // 1-based
}

// ColumnRef names a column, perhaps qualified by table and schema.
type ColumnRef struct {
	Pos
	Table TableName // empty Name when unqualified
	Name  string
}

// Star is * or t.* in a select list or in count(*).
type Star struct {
	Pos
	Table TableName // empty Name for a bare *
}

// DefaultExpr is DEFAULT in VALUES or in UPDATE ... SET c = DEFAULT.
type DefaultExpr struct {
	Pos
}

// UnaryExpr is a prefix operator applied to an expression.
type UnaryExpr struct {
	Pos
	Op   UnaryOp
	Expr Expr
}

// BinaryExpr is an infix operator; AND and OR included.
type BinaryExpr struct {
	Pos
	Op          BinaryOp
	Left, Right Expr
}

// Quantifier is ANY (SOME) or ALL.
type Quantifier uint8

const (
	QuantAny Quantifier = iota
	QuantAll
)

// QuantifiedExpr is Left op ANY|ALL (Right): Right is a *Subquery or an
// array-valued expression.
type QuantifiedExpr struct {
	Pos
	Op    BinaryOp
	Quant Quantifier
	Left  Expr
	Right Expr
}

// IsKind says what an IS test compares with.
type IsKind uint8

const (
	IsNull IsKind = iota
	IsTrue
	IsFalse
	IsUnknown
	IsDistinctFrom // Right holds the other operand
)

// IsExpr is x IS [NOT] NULL|TRUE|FALSE|UNKNOWN or x IS [NOT] DISTINCT FROM y.
// ISNULL and NOTNULL parse to it too.
type IsExpr struct {
	Pos
	Expr  Expr
	Not   bool
	Kind  IsKind
	Right Expr
}

// BetweenExpr is x [NOT] BETWEEN [SYMMETRIC] lo AND hi.
type BetweenExpr struct {
	Pos
	Expr      Expr
	Not       bool
	Symmetric bool
	Low, High Expr
}

// InExpr is x [NOT] IN (list) or x [NOT] IN (subquery); exactly one of
// List and Query is set.
type InExpr struct {
	Pos
	Expr  Expr
	Not   bool
	List  []Expr
	Query *Query
}

// LikeOp is the pattern-matching flavour of a LikeExpr.
type LikeOp uint8

const (
	Like LikeOp = iota
	ILike
	SimilarTo
)

// LikeExpr is x [NOT] LIKE|ILIKE|SIMILAR TO pattern [ESCAPE e], or with
// Quantified set x [NOT] LIKE|ILIKE ANY|ALL (patterns): Pattern is then a
// *Subquery or an array-valued expression, and Escape is nil.
type LikeExpr struct {
	Pos
	Op         LikeOp
	Expr       Expr
	Not        bool
	Pattern    Expr
	Escape     Expr // nil when absent
	Quantified bool
	Quant      Quantifier
}

// Subquery is a parenthesised query used as a scalar value.
type Subquery struct {
	Pos
	Query *Query
}

// ExistsExpr is EXISTS (query).
type ExistsExpr struct {
	Pos
	Query *Query
}

// When is one WHEN ... THEN ... arm of a CASE.
type When struct {
	Pos
	Cond, Result Expr
}

// CaseExpr is CASE [operand] WHEN ... THEN ... [ELSE ...] END. With an
// Operand it is a simple CASE, comparing the operand with each Cond.
type CaseExpr struct {
	Pos
	Operand Expr
	Whens   []When
	Else    Expr
}

// CastStyle records how a cast was written, so formatting preserves it.
type CastStyle uint8

const (
	CastFunc   CastStyle = iota // CAST(x AS t)
	CastColons                  // x::t
	CastPrefix                  // t 'literal' (DATE '2024-01-01', INTERVAL '1 day')
)

// CastExpr converts Expr to Type.
type CastExpr struct {
	Pos
	Expr  Expr
	Type  *TypeName
	Style CastStyle
}

// CollateExpr is x COLLATE name.
type CollateExpr struct {
	Pos
	Expr      Expr
	Collation string
}

// AtTimeZone is x AT TIME ZONE zone.
type AtTimeZone struct {
	Pos
	Expr, Zone Expr
}

// FuncCall is a function or aggregate call, perhaps a window function.
// COALESCE, NULLIF, GREATEST, LEAST, EXTRACT(f FROM x) (as extract('f', x)),
// SUBSTRING(x FROM a FOR b), POSITION(a IN b) and (a, b) OVERLAPS (c, d)
// (as overlaps(a, b, c, d)) are FuncCalls too; the binder recognises them
// by name.
type FuncCall struct {
	Pos
	Name        TableName // function name, perhaps schema-qualified
	Args        []Expr    // a *NamedArg for name => value
	Star        bool      // count(*)
	Distinct    bool
	Variadic    bool        // the last argument is VARIADIC
	OrderBy     []OrderItem // string_agg(x, ',' ORDER BY y), or the WITHIN GROUP keys
	WithinGroup bool        // OrderBy came from WITHIN GROUP (ORDER BY ...)
	Filter      Expr        // FILTER (WHERE ...)
	Over        *WindowSpec
}

// NamedArg is a named function argument: name => value (or name := value).
// It appears only among FuncCall.Args.
type NamedArg struct {
	Pos
	Name  string
	Value Expr
}

// GroupingKind is the kind of a GroupingSet.
type GroupingKind uint8

const (
	GroupingEmpty  GroupingKind = iota // ()
	GroupingRollup                     // ROLLUP (a, b)
	GroupingCube                       // CUBE (a, b)
	GroupingSets                       // GROUPING SETS (...)
)

// GroupingSet is a grouping element of GROUP BY other than a plain
// expression: (), ROLLUP (...), CUBE (...) or GROUPING SETS (...). The
// elements of ROLLUP and CUBE are expressions, a parenthesised list being
// a *RowExpr; those of GROUPING SETS are grouping elements. It appears
// only in Select.GroupBy and nested in other GroupingSets.
type GroupingSet struct {
	Pos
	Kind  GroupingKind
	Exprs []Expr
}

// SpecialFunc is one of the SQL value functions written without
// parentheses: CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_USER...
type SpecialFunc struct {
	Pos
	Kind      Keyword // KwCurrentTimestamp, ...
	Precision Expr    // CURRENT_TIMESTAMP(3); nil when absent
}

// ArrayExpr is ARRAY[...] (Elems) or ARRAY(subquery) (Query).
type ArrayExpr struct {
	Pos
	Elems []Expr
	Query *Query
}

// Subscript is x[i] or the slice x[lo:hi] (either bound may be nil).
type Subscript struct {
	Pos
	Expr  Expr
	Index Expr // the element, or the slice's lower bound
	Upper Expr
	Slice bool
}

// RowExpr is ROW(a, b) (Explicit) or (a, b).
type RowExpr struct {
	Pos
	Exprs    []Expr
	Explicit bool
}

// TypeName is a type as written: a name, modifiers and array bounds.
// Name is lower case; multi-word types are spelled out with single spaces
// ("double precision", "character varying", "timestamp with time zone").
type TypeName struct {
	Pos
	Schema string
	Name   string
	Args   []Expr // modifiers: VARCHAR(30), NUMERIC(10, 2); INTERVAL(3) and the p of SECOND(p)
	// IntervalFields is the field qualifier of an INTERVAL, lower case:
	// "day", "year to month", "hour to second"...; "" when absent. A
	// typed literal carries it after the string: INTERVAL '1' DAY.
	IntervalFields string
	ArrayBounds    []int // one entry per [] with -1 for no bound: INT[] is [-1]
}

// WindowSpec is the window of OVER (...) or of a WINDOW clause entry.
type WindowSpec struct {
	Pos
	Ref         string // OVER w, or OVER (w ORDER BY ...) refers to window w
	PartitionBy []Expr
	OrderBy     []OrderItem
	Frame       *WindowFrame
	RefOnly     bool // OVER w, without parentheses
}

// FrameMode is ROWS, RANGE or GROUPS.
type FrameMode uint8

const (
	FrameRange FrameMode = iota
	FrameRows
	FrameGroups
)

// BoundKind is the kind of a window frame bound.
type BoundKind uint8

const (
	UnboundedPreceding BoundKind = iota
	OffsetPreceding
	CurrentRow
	OffsetFollowing
	UnboundedFollowing
)

// FrameBound is one end of a window frame.
type FrameBound struct {
	Kind   BoundKind
	Offset Expr // for OffsetPreceding and OffsetFollowing
}

// FrameExclude is the EXCLUDE option of a window frame.
type FrameExclude uint8

const (
	ExcludeNone FrameExclude = iota // also EXCLUDE NO OTHERS
	ExcludeCurrentRow
	ExcludeGroup
	ExcludeTies
)

// WindowFrame is ROWS|RANGE|GROUPS [BETWEEN] start [AND end] [EXCLUDE ...].
type WindowFrame struct {
	Mode    FrameMode
	Start   FrameBound
	End     *FrameBound // nil when written without BETWEEN
	Exclude FrameExclude
}

// OrderItem is one key of ORDER BY.
type OrderItem struct {
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// NullsOrder is the NULLS FIRST/LAST option of an ORDER BY key.
type NullsOrder uint8

const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

func (*Literal) exprNode()        {}
func (*Placeholder) exprNode()    {}
func (*ColumnRef) exprNode()      {}
func (*Star) exprNode()           {}
func (*DefaultExpr) exprNode()    {}
func (*UnaryExpr) exprNode()      {}
func (*BinaryExpr) exprNode()     {}
func (*QuantifiedExpr) exprNode() {}
func (*IsExpr) exprNode()         {}
func (*BetweenExpr) exprNode()    {}
func (*InExpr) exprNode()         {}
func (*LikeExpr) exprNode()       {}
func (*Subquery) exprNode()       {}
func (*ExistsExpr) exprNode()     {}
func (*CaseExpr) exprNode()       {}
func (*CastExpr) exprNode()       {}
func (*CollateExpr) exprNode()    {}
func (*AtTimeZone) exprNode()     {}
func (*FuncCall) exprNode()       {}
func (*SpecialFunc) exprNode()    {}
func (*ArrayExpr) exprNode()      {}
func (*Subscript) exprNode()      {}
func (*RowExpr) exprNode()        {}
func (*NamedArg) exprNode()       {}
func (*GroupingSet) exprNode()    {}
