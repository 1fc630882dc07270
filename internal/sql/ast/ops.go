package ast

// Operator precedence levels, lowest first, after PostgreSQL's table. The
// parser climbs these and the formatter parenthesises by them.
const (
	PrecOr      = 1
	PrecAnd     = 2
	PrecNot     = 3 // prefix NOT
	PrecIs      = 4 // IS, ISNULL, NOTNULL
	PrecCmp     = 5 // < > = <= >= <> and quantified comparisons
	PrecLike    = 6 // BETWEEN IN LIKE ILIKE SIMILAR
	PrecOther   = 7 // any other operator: || -> @> ~ @@ ...
	PrecAdd     = 8
	PrecMul     = 9
	PrecPow     = 10
	PrecAt      = 11 // AT TIME ZONE
	PrecCollate = 12
	PrecUnary   = 13 // unary minus, plus, ~
	PrecPostfix = 14 // :: and subscripts
	PrecAtom    = 15
)

// BinaryOp is an infix operator.
type BinaryOp uint8

const (
	OpOr BinaryOp = iota
	OpAnd
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
	OpPow
	OpConcat         // ||
	OpRegMatch       // ~
	OpRegIMatch      // ~*
	OpNotRegMatch    // !~
	OpNotRegIMatch   // !~*
	OpJSONGet        // ->
	OpJSONGetText    // ->>
	OpJSONPath       // #>
	OpJSONPathText   // #>>
	OpContains       // @>
	OpContainedBy    // <@
	OpJSONExists     // ?
	OpJSONExistsAny  // ?|
	OpJSONExistsAll  // ?&
	OpTextMatch      // @@
	OpBitAnd         // &
	OpBitOr          // |
	OpBitXor         // #
	OpShiftLeft      // <<
	OpShiftRight     // >>
	OpOverlap        // &&
	OpJSONDeletePath // #-
	OpLike           // ~~ (LIKE)
	OpNotLike        // !~~
	OpILike          // ~~* (ILIKE)
	OpNotILike       // !~~*
	OpJSONPathExists // @? (jsonb and a jsonpath)
	OpStartsWith     // ^@
	numBinaryOps
)

var binaryOpText = [numBinaryOps]string{
	OpOr: "OR", OpAnd: "AND",
	OpEq: "=", OpNe: "<>", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=",
	OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%", OpPow: "^",
	OpConcat: "||", OpRegMatch: "~", OpRegIMatch: "~*", OpNotRegMatch: "!~", OpNotRegIMatch: "!~*",
	OpJSONGet: "->", OpJSONGetText: "->>", OpJSONPath: "#>", OpJSONPathText: "#>>",
	OpContains: "@>", OpContainedBy: "<@", OpJSONExists: "?", OpJSONExistsAny: "?|", OpJSONExistsAll: "?&",
	OpTextMatch: "@@", OpBitAnd: "&", OpBitOr: "|", OpBitXor: "#", OpShiftLeft: "<<", OpShiftRight: ">>",
	OpOverlap: "&&", OpJSONDeletePath: "#-",
	OpLike: "~~", OpNotLike: "!~~", OpILike: "~~*", OpNotILike: "!~~*",
	OpJSONPathExists: "@?", OpStartsWith: "^@",
}

// String returns the operator as written in SQL.
func (op BinaryOp) String() string {
	if op >= numBinaryOps {
		return "?op?"
	}
	return binaryOpText[op]
}

// Precedence returns the operator's precedence level (Prec constants).
func (op BinaryOp) Precedence() int {
	switch op {
	case OpOr:
		return PrecOr
	case OpAnd:
		return PrecAnd
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		return PrecCmp
	case OpAdd, OpSub:
		return PrecAdd
	case OpMul, OpDiv, OpMod:
		return PrecMul
	case OpPow:
		return PrecPow
	}
	return PrecOther
}

// IsComparison reports whether op is one of = <> < <= > >=.
func (op BinaryOp) IsComparison() bool { return op >= OpEq && op <= OpGe }

// BinaryOpFromSymbol returns the operator spelled sym (e.g. "->>", "!=").
func BinaryOpFromSymbol(sym string) (BinaryOp, bool) {
	if sym == "!=" {
		return OpNe, true
	}
	for op := OpEq; op < numBinaryOps; op++ {
		if binaryOpText[op] == sym {
			return op, true
		}
	}
	return 0, false
}

// UnaryOp is a prefix operator.
type UnaryOp uint8

const (
	OpNot    UnaryOp = iota
	OpNeg            // -
	OpPlus           // +
	OpBitNot         // ~
	OpAbs            // @ (absolute value)
	OpSqrt           // |/ (square root)
	OpCbrt           // ||/ (cube root)
)

// String returns the operator as written in SQL.
func (op UnaryOp) String() string {
	switch op {
	case OpNot:
		return "NOT"
	case OpNeg:
		return "-"
	case OpPlus:
		return "+"
	case OpBitNot:
		return "~"
	case OpAbs:
		return "@"
	case OpSqrt:
		return "|/"
	case OpCbrt:
		return "||/"
	}
	return "?op?"
}

// Precedence returns the operator's precedence level.
func (op UnaryOp) Precedence() int {
	switch op {
	case OpNot:
		return PrecNot
	case OpAbs, OpSqrt, OpCbrt:
		// Prefix forms of "any other operator": their operand takes
		// arithmetic (|/ 25 + 11 is the root of 36) but not another
		// such operator.
		return PrecOther
	}
	return PrecUnary
}
