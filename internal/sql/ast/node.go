package ast

// Pos is a byte offset into the statement text. Every node embeds the Pos
// of its first token; the embedded field also gives the node its Position
// method.
type Pos int32

// Position returns p; it lets every node satisfy Node through embedding.
func (p Pos) Position() Pos { return p }

// Node is any node of the syntax tree.
type Node interface {
	Position() Pos
	format(*printer)
}

// Expr is a scalar expression.
type Expr interface {
	Node
	exprNode()
}

// Statement is a whole SQL statement.
type Statement interface {
	Node
	stmtNode()
}

// TableExpr is an item of a FROM clause.
type TableExpr interface {
	Node
	tableExpr()
}

// QueryExpr is the body of a query: a *Select, *Values, *SetOp, or a
// parenthesised *Query carrying its own WITH, ORDER BY or LIMIT.
type QueryExpr interface {
	Node
	queryExpr()
}

// TableName is a possibly schema-qualified name of a table, view, index or
// other schema object.
type TableName struct {
	Schema string // "" when unqualified
	Name   string
}

// Alias renames a FROM item and optionally its columns: AS a(x, y).
type Alias struct {
	Name    string
	Columns []string
	// Types, for a function in FROM returning records, is its column
	// definition list's types (one per column): AS t(a int, b text).
	Types []*TypeName
}
