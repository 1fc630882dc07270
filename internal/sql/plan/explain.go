package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/sql/types"
)

// Explain renders a plan as indented lines, PostgreSQL style: each node on
// its own line, children below it prefixed with "->".
func Explain(n Node) []string { return ExplainAnnotated(n, nil) }

// ExplainAnnotated is Explain with note(node) appended to each node's
// line (EXPLAIN ANALYZE's actual rows and times); note may return "".
func ExplainAnnotated(n Node, note func(Node) string) []string {
	return ExplainAnalyzed(n, note, nil)
}

// ExplainAnalyzed is ExplainAnnotated with rows(node), a node's actual
// rows per loop when it ran as an operator of its own, for EXPLAIN
// ANALYZE's "Rows Removed by Filter" under a filter folded into its
// input's line.
func ExplainAnalyzed(n Node, note func(Node) string, rows func(Node) (int64, bool)) []string {
	var lines []string
	explainer{note, rows}.explain(n, 0, &lines)
	return lines
}

type explainer struct {
	note func(Node) string
	rows func(Node) (int64, bool)
}

// removed adds the rows a filter folded into its input's line dropped,
// when both ran as operators.
func (x explainer) removed(f *Filter, detail string, lines *[]string) {
	if x.rows == nil {
		return
	}
	out, ok1 := x.rows(f)
	in, ok2 := x.rows(f.Input)
	if ok1 && ok2 {
		*lines = append(*lines, fmt.Sprintf("%sRows Removed by Filter: %d", detail, in-out))
	}
}

func (x explainer) explain(n Node, depth int, lines *[]string) { x.explainAs(n, n, depth, lines) }

// noteOf annotates a line showing node n on behalf of node as (a filter
// or projection folded into the line of its input): as's figures are the
// line's output.
func (x explainer) noteOf(as, n Node) string {
	if x.note == nil {
		return ""
	}
	if s := x.note(as); s != "" || as == n {
		return s
	}
	return x.note(n)
}

func (x explainer) explainAs(n, as Node, depth int, lines *[]string) {
	indent, detail := nodeIndent(depth), detailIndent(depth)
	add := func(s string) { *lines = append(*lines, indent+s+x.noteOf(as, n)) }
	info := func(format string, args ...any) {
		*lines = append(*lines, detail+fmt.Sprintf(format, args...))
	}
	cols := func(n Node) []Column { return n.Columns() }
	switch n := n.(type) {
	case *Scan:
		name := n.Table.Name
		if n.Alias != "" && n.Alias != name {
			name += " " + n.Alias
		}
		add("Seq Scan on " + name)
	case *IndexScan:
		name := n.Table.Name
		if n.Alias != "" && n.Alias != name {
			name += " " + n.Alias
		}
		kind := "Index Scan"
		if n.IndexOnly() {
			kind = "Index Only Scan"
		}
		if n.Reverse {
			kind += " Backward"
		}
		add(kind + " using " + n.Index.Name + " on " + name)
		if n.Cond != nil {
			info("Index Cond: %s", FormatExpr(n.Cond, cols(n)))
		}
	case *IndexAnd:
		x.explainIndexAnd(n, nil, as, depth, lines)
	case *Values:
		add(fmt.Sprintf("Values (%d rows)", len(n.Rows)))
	case *InvertedScan:
		explainInverted(n, nil, depth, lines, x.noteOf(as, n))
	case *FTSScan:
		name := n.Table.Name
		if n.Alias != "" && n.Alias != name {
			name += " " + n.Alias
		}
		add("FTS Scan using " + n.Index.Name + " on " + name)
		info("Query: %s", FormatExpr(n.Query, n.Cols))
		if n.Limit != nil {
			info("Top-k: %s", FormatExpr(n.Limit, nil))
		}
	case *Filter:
		if s, ok := n.Input.(*FTSScan); ok {
			x.explainAs(s, as, depth, lines)
			info("Filter: %s", FormatExpr(n.Pred, cols(s)))
			return
		}
		if s, ok := n.Input.(*InvertedScan); ok {
			explainInverted(s, n.Pred, depth, lines, x.noteOf(as, s))
			return
		}
		if s, ok := n.Input.(*IndexScan); ok {
			x.explainAs(s, as, depth, lines)
			info("Filter: %s", FormatExpr(n.Pred, cols(s)))
			x.removed(n, detail, lines)
			return
		}
		if s, ok := n.Input.(*Scan); ok {
			x.explainAs(s, as, depth, lines)
			info("Filter: %s", FormatExpr(n.Pred, cols(s)))
			x.removed(n, detail, lines)
			return
		}
		if s, ok := n.Input.(*IndexAnd); ok {
			x.explainIndexAnd(s, n, as, depth, lines)
			return
		}
		add("Filter")
		info("Filter: %s", FormatExpr(n.Pred, cols(n.Input)))
		x.explain(n.Input, depth+1, lines)
	case *Project:
		// Projections are folded into their input, as PostgreSQL does.
		x.explainAs(n.Input, as, depth, lines)
	case *Join:
		kind := map[JoinKind]string{InnerJoin: "Inner", LeftJoin: "Left", RightJoin: "Right", FullJoin: "Full", CrossJoin: "Cross", SemiJoin: "Semi", AntiJoin: "Anti"}[n.Kind]
		if len(n.LeftKeys) > 0 {
			name := "Hash Join"
			if n.Kind != InnerJoin {
				name = "Hash " + kind + " Join"
			}
			add(name)
			conds := make([]string, len(n.LeftKeys))
			for i := range n.LeftKeys {
				conds[i] = "(" + FormatExpr(n.LeftKeys[i], n.Left.Columns()) + " = " + FormatExpr(n.RightKeys[i], n.Right.Columns()) + ")"
			}
			info("Hash Cond: %s", strings.Join(conds, " AND "))
		} else {
			add("Nested Loop " + kind + " Join")
		}
		if n.On != nil && len(n.LeftKeys) < len(conjuncts(n.On)) {
			info("Join Filter: %s", FormatExpr(n.On, n.Cols))
		}
		x.explain(n.Left, depth+1, lines)
		x.explain(n.Right, depth+1, lines)
	case *IndexJoin:
		add("Nested Loop Inner Join")
		if n.On != nil {
			info("Join Filter: %s", FormatExpr(n.On, n.Cols))
		}
		outerCols := n.Outer.Columns()
		if !n.InnerFirst {
			x.explain(n.Outer, depth+1, lines)
		}
		name := n.Table.Name
		if n.Alias != "" && n.Alias != name {
			name += " " + n.Alias
		}
		inner := nodeIndent(depth + 1)
		*lines = append(*lines, inner+"Index Scan using "+n.Index.Name+" on "+name)
		*lines = append(*lines, detailIndent(depth+1)+"Index Cond: "+name+" key = "+FormatExpr(n.OuterKey, outerCols))
		if n.InnerFirst {
			x.explain(n.Outer, depth+1, lines)
		}
	case *MergeJoin:
		add("Merge Join")
		info("Merge Cond: (%s = %s)", FormatExpr(n.OuterKey, n.Outer.Columns()), FormatExpr(n.InnerKey, n.Inner.Columns()))
		if n.Seek {
			info("Inner Seek: %s", FormatExpr(n.InnerKey, n.Inner.Columns()))
		}
		if n.Filter != nil {
			info("Join Filter: %s", FormatExpr(n.Filter, n.Cols))
		}
		x.explain(n.Outer, depth+1, lines)
		if !n.Seek {
			x.explain(n.Inner, depth+1, lines)
			break
		}
		// The executor reads the inner scan itself, seeking it: the line
		// has no operator of its own to annotate.
		x.explainAs(n.Inner, n.Inner, depth+1, lines)
	case *Apply:
		kind := map[JoinKind]string{InnerJoin: "Inner", LeftJoin: "Left", CrossJoin: "Cross"}[n.Kind]
		add("Nested Loop " + kind + " Join (lateral)")
		if n.On != nil {
			info("Join Filter: %s", FormatExpr(n.On, n.Cols))
		}
		x.explain(n.Left, depth+1, lines)
		x.explain(n.Right, depth+1, lines)
	case *TableFunc:
		add("Function Scan on " + n.Name)
	case *Aggregate:
		if len(n.GroupBy) == 0 {
			add("Aggregate")
		} else {
			if n.Sorted {
				add("GroupAggregate")
			} else {
				add("HashAggregate")
			}
			keys := make([]string, len(n.GroupBy))
			for i, g := range n.GroupBy {
				keys[i] = FormatExpr(g, cols(n.Input))
			}
			info("Group Key: %s", strings.Join(keys, ", "))
		}
		x.explain(n.Input, depth+1, lines)
	case *Sort:
		add("Sort")
		keys := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = sortKeyText(k.Expr, n.Input)
			if k.Desc {
				keys[i] += " DESC"
			}
		}
		info("Sort Key: %s", strings.Join(keys, ", "))
		x.explain(n.Input, depth+1, lines)
	case *Limit:
		add("Limit")
		x.explain(n.Input, depth+1, lines)
	case *Distinct:
		if n.On != nil {
			add("Unique")
			x.explain(n.Input, depth+1, lines)
			return
		}
		add("HashAggregate (distinct)")
		x.explain(n.Input, depth+1, lines)
	case *SetOp:
		name := map[SetOpKind]string{Union: "Union", Intersect: "Intersect", Except: "Except"}[n.Kind]
		if n.All {
			name += " All"
		}
		add(name)
		x.explain(n.Left, depth+1, lines)
		x.explain(n.Right, depth+1, lines)
	case *RecursiveUnion:
		add("Recursive Union")
		x.explain(n.Init, depth+1, lines)
		x.explain(n.Rec, depth+1, lines)
	case *WorkScan:
		add("WorkTable Scan")
	case *Window:
		add("WindowAgg")
		x.explain(n.Input, depth+1, lines)
	case *ProjectSet:
		add("ProjectSet")
		x.explain(n.Input, depth+1, lines)
	case *DMLCTE:
		add("CTE Scan (data-modifying)")
		x.explain(n.Stmt, depth+1, lines)
	case *RunFirst:
		// The data-modifying CTEs show where the query reads them.
		x.explain(n.Input, depth, lines)
	case *GroupingExpand:
		add(fmt.Sprintf("Grouping Sets Expand (%d sets)", n.Sets))
		x.explain(n.Input, depth+1, lines)
	case *Insert:
		add("Insert on " + n.Table.Name)
		x.explain(n.Input, depth+1, lines)
	case *Update:
		add("Update on " + n.Table.Name)
		x.explain(n.Input, depth+1, lines)
	case *Delete:
		add("Delete on " + n.Table.Name)
		x.explain(n.Input, depth+1, lines)
	default:
		add(fmt.Sprintf("%T", n))
	}
}

// explainInverted renders a GIN lookup as PostgreSQL shows a bitmap
// scan: the heap scan with its recheck condition over the index scan.
func explainInverted(n *InvertedScan, recheck Expr, depth int, lines *[]string, note string) {
	indent, detail := nodeIndent(depth), detailIndent(depth)
	name := n.Table.Name
	if n.Alias != "" && n.Alias != name {
		name += " " + n.Alias
	}
	*lines = append(*lines, indent+"Bitmap Heap Scan on "+name+note)
	if recheck != nil {
		*lines = append(*lines, detail+"Recheck Cond: "+FormatExpr(recheck, n.Cols))
	}
	*lines = append(*lines, detail+"->  Bitmap Index Scan on "+n.Index.Name)
}

// FormatExpr renders a bound expression as SQL, naming column references
// from the input columns.
func FormatExpr(e Expr, cols []Column) string {
	f := func(x Expr) string { return FormatExpr(x, cols) }
	switch e := e.(type) {
	case *ColRef:
		if e.Idx < len(cols) {
			c := cols[e.Idx]
			if c.Table != "" {
				return c.Table + "." + c.Name
			}
			return c.Name
		}
		return e.Name
	case *OuterRef:
		return "(outer) " + e.Name
	case *Const:
		if e.Val.IsNull() {
			return "NULL"
		}
		s := types.FormatText(e.Val)
		switch e.Typ.Family() {
		case types.Int2Family, types.Int4Family, types.Int8Family, types.NumericFamily, types.Float4Family, types.Float8Family, types.BoolFamily:
			return s
		}
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case *Param:
		return fmt.Sprintf("$%d", e.N)
	case *BinOp:
		return "(" + f(e.L) + " " + opSymbol(e.Op) + " " + f(e.R) + ")"
	case *UnOp:
		return "(" + map[types.UnaryOp]string{types.OpNeg: "-", types.OpPlus: "+", types.OpBitNot: "~"}[e.Op] + f(e.X) + ")"
	case *Logic:
		parts := make([]string, len(e.Args))
		for i, a := range e.Args {
			parts[i] = f(a)
		}
		op := " OR "
		if e.And {
			op = " AND "
		}
		return "(" + strings.Join(parts, op) + ")"
	case *Not:
		return "(NOT " + f(e.X) + ")"
	case *IsNull:
		if e.Not {
			return "(" + f(e.X) + " IS NOT NULL)"
		}
		return "(" + f(e.X) + " IS NULL)"
	case *Cast:
		return f(e.X) + "::" + e.Typ.String()
	case *Func:
		if op, ok := operatorFuncs[e.Name]; ok && len(e.Args) == 2 {
			return "(" + f(e.Args[0]) + " " + op + " " + f(e.Args[1]) + ")"
		}
		parts := make([]string, len(e.Args))
		for i, a := range e.Args {
			parts[i] = f(a)
		}
		return e.Name + "(" + strings.Join(parts, ", ") + ")"
	case *InList:
		parts := make([]string, len(e.List))
		for i, a := range e.List {
			parts[i] = f(a)
		}
		not := ""
		if e.Not {
			not = "NOT "
		}
		return "(" + f(e.X) + " " + not + "IN (" + strings.Join(parts, ", ") + "))"
	case *Coalesce, *MinMax:
		var args []Expr
		name := "COALESCE"
		switch e := e.(type) {
		case *Coalesce:
			args = e.Args
		case *MinMax:
			args, name = e.Args, "LEAST"
			if e.Greatest {
				name = "GREATEST"
			}
		}
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = f(a)
		}
		return name + "(" + strings.Join(parts, ", ") + ")"
	case *NullIf:
		return "NULLIF(" + f(e.L) + ", " + f(e.R) + ")"
	case *Subquery:
		return "(SubPlan)"
	case *Case:
		// In full: expression indexes are matched by this text, so
		// two different CASE expressions must never print alike.
		var b strings.Builder
		b.WriteString("CASE")
		for _, w := range e.Whens {
			b.WriteString(" WHEN " + f(w.Cond) + " THEN " + f(w.Result))
		}
		if e.Else != nil {
			b.WriteString(" ELSE " + f(e.Else))
		}
		b.WriteString(" END")
		return b.String()
	case *ArrayCtor:
		parts := make([]string, len(e.Elems))
		for i, a := range e.Elems {
			parts[i] = f(a)
		}
		return "ARRAY[" + strings.Join(parts, ", ") + "]"
	case *Subscript:
		idx := ""
		if e.Index != nil {
			idx = f(e.Index)
		}
		if e.Slice {
			idx += ":"
			if e.Upper != nil {
				idx += f(e.Upper)
			}
		}
		return f(e.X) + "[" + idx + "]"
	case *FTSMatch:
		parts := make([]string, len(e.Args))
		for i, a := range e.Args {
			parts[i] = f(a)
		}
		left := strings.Join(parts, ", ")
		if len(parts) > 1 {
			left = e.Alias
		}
		return "(" + left + " @@ " + f(e.Query) + ")"
	case *FTSSnippet:
		return "fts_snippet(...)"
	case *AnyArray:
		q := "ANY"
		if e.All {
			q = "ALL"
		}
		op := e.Op
		if op == "" {
			op = "op"
		}
		return "(" + f(e.X) + " " + op + " " + q + " (" + f(e.Arr) + "))"
	case *IsBool:
		s := " IS "
		if e.Not {
			s = " IS NOT "
		}
		return "(" + f(e.X) + s + strings.ToUpper(strconv.FormatBool(e.Value)) + ")"
	case *IsDistinct:
		s := " IS DISTINCT FROM "
		if e.Not {
			s = " IS NOT DISTINCT FROM "
		}
		return "(" + f(e.L) + s + f(e.R) + ")"
	}
	return fmt.Sprintf("%T", e)
}

func opSymbol(op types.Op) string {
	if op.String() != "?op?" {
		return op.String()
	}
	return map[types.Op]string{
		types.OpAdd: "+", types.OpSub: "-", types.OpMul: "*", types.OpDiv: "/", types.OpMod: "%", types.OpPow: "^",
		types.OpConcat: "||", types.OpEq: "=", types.OpNe: "<>", types.OpLt: "<", types.OpLe: "<=", types.OpGt: ">",
		types.OpGe: ">=", types.OpBitAnd: "&", types.OpBitOr: "|", types.OpBitXor: "#", types.OpShiftLeft: "<<",
		types.OpShiftRight: ">>",
	}[op]
}

// explainIndexAnd shows an intersection as PostgreSQL shows a bitmap
// heap scan over a BitmapAnd: the rows' line (with the filter, pred,
// rechecked on them), the intersection, and each index's scan.
func (x explainer) explainIndexAnd(n *IndexAnd, f *Filter, as Node, depth int, lines *[]string) {
	name := n.Table.Name
	if n.Alias != "" && n.Alias != name {
		name += " " + n.Alias
	}
	*lines = append(*lines, nodeIndent(depth)+"Bitmap Heap Scan on "+name+x.noteOf(as, n))
	if f != nil {
		*lines = append(*lines, detailIndent(depth)+"Filter: "+FormatExpr(f.Pred, n.Cols))
		x.removed(f, detailIndent(depth), lines)
	}
	*lines = append(*lines, nodeIndent(depth+1)+"BitmapAnd")
	for _, s := range n.Scans {
		*lines = append(*lines, nodeIndent(depth+2)+"Bitmap Index Scan on "+s.Index.Name)
		if s.Cond != nil {
			*lines = append(*lines, detailIndent(depth+2)+"Index Cond: "+FormatExpr(s.Cond, n.Cols))
		}
	}
}

// sortKeyText shows a sort key over input; a key on a hidden column that
// a projection added for ORDER BY shows as the expression it projects.
func sortKeyText(e Expr, input Node) string {
	if cr, ok := e.(*ColRef); ok {
		if p, ok := input.(*Project); ok && cr.Idx < len(p.Cols) && p.Cols[cr.Idx].Hidden && cr.Idx < len(p.Exprs) {
			return FormatExpr(p.Exprs[cr.Idx], p.Input.Columns())
		}
	}
	return FormatExpr(e, input.Columns())
}

// nodeIndent is what precedes a node's line at depth: nothing for the
// root, an arrow below it.
func nodeIndent(depth int) string {
	if depth == 0 {
		return ""
	}
	return strings.Repeat("      ", depth-1) + "  ->  "
}

// detailIndent is what precedes a detail line (Filter:, Index Cond:) of
// a node at depth.
func detailIndent(depth int) string { return strings.Repeat("      ", depth) + "  " }

// operatorFuncs are the functions behind operators that EXPLAIN shows as
// the operators, as PostgreSQL does: LIKE and ILIKE as ~~ and ~~*, the
// regular expression matches (and so SIMILAR TO) as ~ and ~*.
var operatorFuncs = map[string]string{
	"textlike": "~~", "textnlike": "!~~", "texticlike": "~~*", "texticnlike": "!~~*",
	"textregexeq": "~", "textregexne": "!~", "texticregexeq": "~*", "texticregexne": "!~*",
}
