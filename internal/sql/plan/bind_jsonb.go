package plan

import (
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/types"
)

// The jsonb operators bind like the arithmetic ones: the parser's
// operator maps onto a types.Op and types.BinaryOpFunc types the
// operands (jsonb -> text or integer, #> text[], ...) and raises 42883
// for combinations PostgreSQL does not define. They are added here, in
// one place, rather than in bind_expr.go's table.
func init() {
	for a, t := range map[ast.BinaryOp]types.Op{
		ast.OpJSONGet:        types.OpJSONGet,
		ast.OpJSONGetText:    types.OpJSONGetText,
		ast.OpJSONPath:       types.OpJSONPath,
		ast.OpJSONPathText:   types.OpJSONPathText,
		ast.OpContains:       types.OpContains,
		ast.OpContainedBy:    types.OpContainedBy,
		ast.OpJSONExists:     types.OpJSONExists,
		ast.OpJSONExistsAny:  types.OpJSONExistsAny,
		ast.OpJSONExistsAll:  types.OpJSONExistsAll,
		ast.OpJSONDeletePath: types.OpJSONDeletePath,
		ast.OpOverlap:        types.OpOverlap, // arrays (types/arrayops.go)
	} {
		binaryOps[a] = t
	}
}
