package ast

import (
	"strconv"
	"strings"
)

// Format returns the canonical SQL text of a node. Parsing the result gives
// back an equal tree (positions aside).
func Format(n Node) string {
	if n == nil {
		return ""
	}
	var p printer
	n.format(&p)
	return p.String()
}

// FormatTypeName returns the SQL spelling of a type name.
func FormatTypeName(t *TypeName) string { return Format(t) }

// QuoteIdent returns name as an SQL identifier, double-quoted when it is
// not a plain lower-case word or would read as a reserved keyword.
func QuoteIdent(name string) string {
	var p printer
	p.ident(name)
	return p.String()
}

type printer struct {
	strings.Builder
}

func (p *printer) kw(s string) { p.WriteString(s) }

// identNeedsQuotes reports whether name must be double-quoted to read back
// as the same identifier. funcName relaxes the rule for keywords that may
// name functions (LEFT, RIGHT...).
func identNeedsQuotes(name string, funcName bool) bool {
	if name == "" {
		return true
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return true
			}
		default:
			return true
		}
	}
	switch LookupKeyword(name).Category() {
	case Reserved:
		return LookupKeyword(name) != KwNone
	case TypeFuncName:
		return !funcName
	}
	return false
}

func (p *printer) ident(name string) {
	if !identNeedsQuotes(name, false) {
		p.WriteString(name)
		return
	}
	p.quoted(name)
}

func (p *printer) quoted(name string) {
	p.WriteByte('"')
	p.WriteString(strings.ReplaceAll(name, `"`, `""`))
	p.WriteByte('"')
}

func (p *printer) idents(names []string) {
	for i, n := range names {
		if i > 0 {
			p.WriteString(", ")
		}
		p.ident(n)
	}
}

func (p *printer) tableName(t TableName) {
	if t.Schema != "" {
		p.ident(t.Schema)
		p.WriteByte('.')
	}
	p.ident(t.Name)
}

func (p *printer) tableNames(ts []TableName) {
	for i, t := range ts {
		if i > 0 {
			p.WriteString(", ")
		}
		p.tableName(t)
	}
}

func (p *printer) str(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			p.escapeStr(s)
			return
		}
	}
	p.WriteByte('\'')
	p.WriteString(strings.ReplaceAll(s, "'", "''"))
	p.WriteByte('\'')
}

// escapeStr prints s as an E'...' literal, so control characters show.
func (p *printer) escapeStr(s string) {
	const hex = "0123456789abcdef"
	p.WriteString("E'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			p.WriteString(`\\`)
		case '\'':
			p.WriteString(`\'`)
		case '\n':
			p.WriteString(`\n`)
		case '\t':
			p.WriteString(`\t`)
		case '\r':
			p.WriteString(`\r`)
		default:
			if c < 0x20 || c == 0x7f {
				p.WriteString(`\x`)
				p.WriteByte(hex[c>>4])
				p.WriteByte(hex[c&15])
			} else {
				p.WriteByte(c)
			}
		}
	}
	p.WriteByte('\'')
}

// precOf returns the binding strength of e as printed at top level.
func precOf(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		return e.Op.Precedence()
	case *UnaryExpr:
		return e.Op.Precedence()
	case *IsExpr:
		return PrecIs
	case *BetweenExpr, *InExpr, *LikeExpr:
		return PrecLike
	case *QuantifiedExpr:
		return e.Op.Precedence()
	case *CastExpr:
		if e.Style == CastColons {
			return PrecPostfix
		}
	case *CollateExpr:
		return PrecCollate
	case *AtTimeZone:
		return PrecAt
	case *Subscript:
		return PrecPostfix
	case *Literal:
		if len(e.Val) > 0 && e.Val[0] == '-' && (e.Kind == LitInt || e.Kind == LitNumeric) {
			return PrecUnary
		}
	}
	return PrecAtom
}

// expr prints e, parenthesised when it binds less tightly than min.
func (p *printer) expr(e Expr, min int) {
	if e == nil {
		p.WriteString("NULL")
		return
	}
	if precOf(e) < min {
		p.WriteByte('(')
		e.format(p)
		p.WriteByte(')')
		return
	}
	e.format(p)
}

func (p *printer) exprs(es []Expr) {
	for i, e := range es {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(e, 0)
	}
}

func (n *Literal) format(p *printer) {
	switch n.Kind {
	case LitNull:
		p.kw("NULL")
	case LitBool:
		if n.Val == "true" {
			p.kw("TRUE")
		} else {
			p.kw("FALSE")
		}
	case LitInt, LitNumeric:
		p.WriteString(n.Val)
	case LitString:
		p.str(n.Val)
	case LitBits:
		p.WriteByte('B')
		p.str(n.Val)
	case LitHex:
		p.WriteByte('X')
		p.str(n.Val)
	}
}

func (n *Placeholder) format(p *printer) {
	p.WriteByte('$')
	p.WriteString(strconv.Itoa(n.Index))
}

func (n *ColumnRef) format(p *printer) {
	if n.Table.Name != "" {
		p.tableName(n.Table)
		p.WriteByte('.')
	}
	p.ident(n.Name)
}

func (n *Star) format(p *printer) {
	if n.Table.Name != "" {
		p.tableName(n.Table)
		p.WriteByte('.')
	}
	p.WriteByte('*')
}

func (n *DefaultExpr) format(p *printer) { p.kw("DEFAULT") }

func (n *UnaryExpr) format(p *printer) {
	if n.Op == OpNot {
		p.kw("NOT ")
		p.expr(n.Expr, PrecNot)
		return
	}
	p.WriteString(n.Op.String())
	if n.Op.Precedence() == PrecOther {
		// A space, so that "@ -5" does not lex as the operator "@-".
		p.WriteByte(' ')
		p.expr(n.Expr, PrecAdd)
		return
	}
	if startsWithSign(n.Expr) {
		p.WriteByte(' ')
	}
	p.expr(n.Expr, PrecUnary)
}

// startsWithSign reports whether e prints starting with + or -, which must
// not touch a preceding sign (-- starts a comment).
func startsWithSign(e Expr) bool {
	switch e := e.(type) {
	case *UnaryExpr:
		return e.Op == OpNeg || e.Op == OpPlus || e.Op == OpBitNot
	case *Literal:
		return len(e.Val) > 0 && e.Val[0] == '-' && (e.Kind == LitInt || e.Kind == LitNumeric)
	}
	return false
}

func (n *BinaryExpr) format(p *printer) {
	prec := n.Op.Precedence()
	p.expr(n.Left, prec)
	p.WriteByte(' ')
	p.WriteString(n.Op.String())
	p.WriteByte(' ')
	p.expr(n.Right, prec+1)
}

func (n *QuantifiedExpr) format(p *printer) {
	p.expr(n.Left, n.Op.Precedence())
	p.WriteByte(' ')
	p.WriteString(n.Op.String())
	if n.Quant == QuantAll {
		p.kw(" ALL (")
	} else {
		p.kw(" ANY (")
	}
	if sq, ok := n.Right.(*Subquery); ok {
		sq.Query.format(p)
	} else {
		p.expr(n.Right, 0)
	}
	p.WriteByte(')')
}

func (n *IsExpr) format(p *printer) {
	p.expr(n.Expr, PrecIs)
	p.kw(" IS ")
	if n.Not {
		p.kw("NOT ")
	}
	switch n.Kind {
	case IsNull:
		p.kw("NULL")
	case IsTrue:
		p.kw("TRUE")
	case IsFalse:
		p.kw("FALSE")
	case IsUnknown:
		p.kw("UNKNOWN")
	case IsDistinctFrom:
		p.kw("DISTINCT FROM ")
		p.expr(n.Right, PrecIs+1)
	}
}

func (n *BetweenExpr) format(p *printer) {
	p.expr(n.Expr, PrecLike+1)
	if n.Not {
		p.kw(" NOT")
	}
	p.kw(" BETWEEN ")
	if n.Symmetric {
		p.kw("SYMMETRIC ")
	}
	p.expr(n.Low, PrecLike+1)
	p.kw(" AND ")
	p.expr(n.High, PrecLike+1)
}

func (n *InExpr) format(p *printer) {
	p.expr(n.Expr, PrecLike+1)
	if n.Not {
		p.kw(" NOT")
	}
	p.kw(" IN (")
	if n.Query != nil {
		n.Query.format(p)
	} else {
		p.exprs(n.List)
	}
	p.WriteByte(')')
}

func (n *LikeExpr) format(p *printer) {
	p.expr(n.Expr, PrecLike+1)
	if n.Not {
		p.kw(" NOT")
	}
	switch n.Op {
	case Like:
		p.kw(" LIKE ")
	case ILike:
		p.kw(" ILIKE ")
	case SimilarTo:
		p.kw(" SIMILAR TO ")
	}
	if n.Quantified {
		if n.Quant == QuantAll {
			p.kw("ALL (")
		} else {
			p.kw("ANY (")
		}
		if sq, ok := n.Pattern.(*Subquery); ok {
			sq.Query.format(p)
		} else {
			p.expr(n.Pattern, 0)
		}
		p.WriteByte(')')
		return
	}
	p.expr(n.Pattern, PrecLike+1)
	if n.Escape != nil {
		p.kw(" ESCAPE ")
		p.expr(n.Escape, PrecLike+1)
	}
}

func (n *Subquery) format(p *printer) {
	p.WriteByte('(')
	n.Query.format(p)
	p.WriteByte(')')
}

func (n *ExistsExpr) format(p *printer) {
	p.kw("EXISTS (")
	n.Query.format(p)
	p.WriteByte(')')
}

func (n *CaseExpr) format(p *printer) {
	p.kw("CASE")
	if n.Operand != nil {
		p.WriteByte(' ')
		p.expr(n.Operand, 0)
	}
	for _, w := range n.Whens {
		p.kw(" WHEN ")
		p.expr(w.Cond, 0)
		p.kw(" THEN ")
		p.expr(w.Result, 0)
	}
	if n.Else != nil {
		p.kw(" ELSE ")
		p.expr(n.Else, 0)
	}
	p.kw(" END")
}

func (n *CastExpr) format(p *printer) {
	switch n.Style {
	case CastColons:
		p.expr(n.Expr, PrecPostfix)
		p.WriteString("::")
		n.Type.format(p)
	case CastPrefix:
		// INTERVAL '1' DAY: the field qualifier follows the literal.
		t := *n.Type
		t.IntervalFields = ""
		if n.Type.IntervalFields != "" {
			t.Args = nil
		}
		t.format(p)
		p.WriteByte(' ')
		p.expr(n.Expr, PrecAtom)
		if n.Type.IntervalFields != "" {
			p.intervalFields(n.Type)
		}
	default:
		p.kw("CAST(")
		p.expr(n.Expr, 0)
		p.kw(" AS ")
		n.Type.format(p)
		p.WriteByte(')')
	}
}

func (n *CollateExpr) format(p *printer) {
	p.expr(n.Expr, PrecCollate)
	p.kw(" COLLATE ")
	p.ident(n.Collation)
}

func (n *AtTimeZone) format(p *printer) {
	p.expr(n.Expr, PrecAt)
	p.kw(" AT TIME ZONE ")
	p.expr(n.Zone, PrecAt+1)
}

func (n *FuncCall) format(p *printer) {
	if n.Name.Schema != "" {
		p.ident(n.Name.Schema)
		p.WriteByte('.')
	}
	// rollup(...) and cube(...) would read as grouping elements at the
	// start of a GROUP BY item.
	if identNeedsQuotes(n.Name.Name, true) || n.Name.Schema == "" && (n.Name.Name == "rollup" || n.Name.Name == "cube") {
		p.quoted(n.Name.Name)
	} else {
		p.WriteString(n.Name.Name)
	}
	p.WriteByte('(')
	if n.Distinct {
		p.kw("DISTINCT ")
	}
	if n.Star {
		p.WriteByte('*')
	} else {
		for i, a := range n.Args {
			if i > 0 {
				p.WriteString(", ")
			}
			if n.Variadic && i == len(n.Args)-1 {
				p.kw("VARIADIC ")
			}
			p.expr(a, 0)
		}
	}
	if len(n.OrderBy) > 0 && !n.WithinGroup {
		p.kw(" ORDER BY ")
		p.orderBy(n.OrderBy)
	}
	p.WriteByte(')')
	if n.WithinGroup {
		p.kw(" WITHIN GROUP (ORDER BY ")
		p.orderBy(n.OrderBy)
		p.WriteByte(')')
	}
	if n.Filter != nil {
		p.kw(" FILTER (WHERE ")
		p.expr(n.Filter, 0)
		p.WriteByte(')')
	}
	if n.Over != nil {
		p.kw(" OVER ")
		n.Over.format(p)
	}
}

func (n *NamedArg) format(p *printer) {
	p.ident(n.Name)
	p.WriteString(" => ")
	p.expr(n.Value, 0)
}

func (n *GroupingSet) format(p *printer) {
	switch n.Kind {
	case GroupingEmpty:
		p.WriteString("()")
		return
	case GroupingRollup:
		p.kw("ROLLUP (")
	case GroupingCube:
		p.kw("CUBE (")
	default:
		p.kw("GROUPING SETS (")
	}
	p.exprs(n.Exprs)
	p.WriteByte(')')
}

func (n *SpecialFunc) format(p *printer) {
	p.kw(n.Kind.String())
	if n.Precision != nil {
		p.WriteByte('(')
		p.expr(n.Precision, 0)
		p.WriteByte(')')
	}
}

func (n *ArrayExpr) format(p *printer) {
	if n.Query != nil {
		p.kw("ARRAY(")
		n.Query.format(p)
		p.WriteByte(')')
		return
	}
	p.kw("ARRAY[")
	p.exprs(n.Elems)
	p.WriteByte(']')
}

func (n *Subscript) format(p *printer) {
	// PostgreSQL subscripts only column references, parameters,
	// parenthesised subqueries and other subscripts directly: anything
	// else (ARRAY[1, 2], f(x), 'a'::t) needs parentheses.
	switch n.Expr.(type) {
	case *ColumnRef, *Placeholder, *Subquery, *Subscript:
		n.Expr.format(p)
	default:
		p.WriteByte('(')
		n.Expr.format(p)
		p.WriteByte(')')
	}
	p.WriteByte('[')
	if n.Index != nil {
		p.expr(n.Index, 0)
	}
	if n.Slice {
		p.WriteByte(':')
		if n.Upper != nil {
			p.expr(n.Upper, 0)
		}
	}
	p.WriteByte(']')
}

func (n *RowExpr) format(p *printer) {
	if n.Explicit || len(n.Exprs) < 2 {
		p.kw("ROW")
	}
	p.WriteByte('(')
	p.exprs(n.Exprs)
	p.WriteByte(')')
}

// builtinTypes are printed in upper case, like keywords; other type names
// print as identifiers.
var builtinTypes = map[string]bool{
	"bool": true, "boolean": true, "smallint": true, "int2": true, "integer": true, "int": true,
	"int4": true, "bigint": true, "int8": true, "real": true, "float4": true, "float8": true,
	"float": true, "double precision": true, "numeric": true, "decimal": true, "text": true,
	"varchar": true, "char": true, "character": true, "character varying": true,
	"char varying": true, "bytea": true, "date": true, "time": true, "timestamp": true,
	"timestamptz": true, "timetz": true, "timestamp with time zone": true,
	"timestamp without time zone": true, "time with time zone": true,
	"time without time zone": true, "interval": true, "uuid": true, "json": true, "jsonb": true,
	"bit": true, "bit varying": true, "varbit": true, "serial": true, "bigserial": true,
	"smallserial": true, "serial4": true, "serial8": true, "blob": true, "string": true,
	"tsvector": true, "tsquery": true,
}

func (n *TypeName) format(p *printer) {
	name, suffix := n.Name, ""
	if n.Schema == "" && builtinTypes[name] {
		// Modifiers of TIME(p) WITH TIME ZONE go between the words.
		if i := strings.IndexByte(name, ' '); i > 0 && (strings.HasPrefix(name, "time ") || strings.HasPrefix(name, "timestamp ")) {
			name, suffix = name[:i], name[i:]
		}
		p.WriteString(upperASCII(name))
	} else {
		if n.Schema != "" {
			p.ident(n.Schema)
			p.WriteByte('.')
		}
		if identNeedsQuotes(name, true) {
			p.quoted(name)
		} else {
			p.WriteString(name)
		}
	}
	if n.IntervalFields != "" {
		p.intervalFields(n)
	} else if len(n.Args) > 0 {
		p.WriteByte('(')
		p.exprs(n.Args)
		p.WriteByte(')')
	}
	p.WriteString(upperASCII(suffix))
	for _, b := range n.ArrayBounds {
		p.WriteByte('[')
		if b >= 0 {
			p.WriteString(strconv.Itoa(b))
		}
		p.WriteByte(']')
	}
}

// intervalFields prints " DAY TO SECOND(3)": the qualifier of an
// INTERVAL, with the seconds precision (if any) after its last field.
func (p *printer) intervalFields(n *TypeName) {
	p.WriteByte(' ')
	p.kw(upperASCII(n.IntervalFields))
	if len(n.Args) > 0 {
		p.WriteByte('(')
		p.exprs(n.Args)
		p.WriteByte(')')
	}
}

func (w *WindowSpec) format(p *printer) {
	if w.RefOnly {
		p.ident(w.Ref)
		return
	}
	p.WriteByte('(')
	w.body(p)
	p.WriteByte(')')
}

func (w *WindowSpec) body(p *printer) {
	sep := ""
	if w.Ref != "" {
		p.ident(w.Ref)
		sep = " "
	}
	if len(w.PartitionBy) > 0 {
		p.WriteString(sep)
		p.kw("PARTITION BY ")
		p.exprs(w.PartitionBy)
		sep = " "
	}
	if len(w.OrderBy) > 0 {
		p.WriteString(sep)
		p.kw("ORDER BY ")
		p.orderBy(w.OrderBy)
		sep = " "
	}
	if f := w.Frame; f != nil {
		p.WriteString(sep)
		switch f.Mode {
		case FrameRows:
			p.kw("ROWS ")
		case FrameGroups:
			p.kw("GROUPS ")
		default:
			p.kw("RANGE ")
		}
		if f.End != nil {
			p.kw("BETWEEN ")
			p.frameBound(f.Start)
			p.kw(" AND ")
			p.frameBound(*f.End)
		} else {
			p.frameBound(f.Start)
		}
		switch f.Exclude {
		case ExcludeCurrentRow:
			p.kw(" EXCLUDE CURRENT ROW")
		case ExcludeGroup:
			p.kw(" EXCLUDE GROUP")
		case ExcludeTies:
			p.kw(" EXCLUDE TIES")
		}
	}
}

func (p *printer) frameBound(b FrameBound) {
	switch b.Kind {
	case UnboundedPreceding:
		p.kw("UNBOUNDED PRECEDING")
	case OffsetPreceding:
		p.expr(b.Offset, PrecAtom)
		p.kw(" PRECEDING")
	case CurrentRow:
		p.kw("CURRENT ROW")
	case OffsetFollowing:
		p.expr(b.Offset, PrecAtom)
		p.kw(" FOLLOWING")
	case UnboundedFollowing:
		p.kw("UNBOUNDED FOLLOWING")
	}
}

func (p *printer) orderBy(items []OrderItem) {
	for i, o := range items {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(o.Expr, 0)
		if o.Desc {
			p.kw(" DESC")
		}
		switch o.Nulls {
		case NullsFirst:
			p.kw(" NULLS FIRST")
		case NullsLast:
			p.kw(" NULLS LAST")
		}
	}
}
