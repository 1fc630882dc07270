package plan

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// bindSelect binds a SELECT with the ORDER BY of its query (which may
// name input columns that are not selected).
func (b *Binder) bindSelect(sel *ast.Select, outer *scope, orderBy []ast.OrderItem) (Node, error) {
	// Set-returning functions in the select list (and, as errors,
	// anywhere else in this SELECT).
	if sel.Into != nil {
		return nil, b.errAt(sel, sqlerr.SyntaxError, "SELECT ... INTO is not allowed here")
	}
	savedSRF := b.srf
	b.srf = &srfContext{}
	defer func() { b.srf = savedSRF }()
	var input Node = &Values{Rows: [][]Expr{{}}}
	if len(sel.From) > 0 {
		var err error
		if input, err = b.bindFrom(sel.From, outer); err != nil {
			return nil, err
		}
	}
	s := &scope{cols: input.Columns(), parent: outer}
	from := input // * lists its columns (starOrder)
	if sel.Where != nil {
		x, err := b.bindClause(s, sel.Where, "WHERE")
		if err != nil {
			return nil, err
		}
		if x, err = b.boolean(sel.Where, x, "WHERE"); err != nil {
			return nil, err
		}
		input = &Filter{Input: input, Pred: x}
	}

	// Expand * and name the targets.
	type target struct {
		expr ast.Expr
		name string
		star *Column // set for an expanded star column
		idx  int
	}
	var targets []target
	for _, t := range sel.Targets {
		if st, ok := t.Expr.(*ast.Star); ok {
			found := false
			order := b.starOrder(from)
			if st.Table.Name != "" {
				order = nil // t.*: t's columns in t's order
			}
			for k := range s.cols {
				i := k
				if order != nil {
					if k >= len(order) {
						break
					}
					i = order[k]
				}
				c := s.cols[i]
				if c.Hidden || (st.Table.Name != "" && c.Table != st.Table.Name) || (st.Table.Name == "" && c.Merged) {
					continue
				}
				targets = append(targets, target{name: c.Name, star: &c, idx: i})
				found = true
			}
			if !found && st.Table.Name != "" {
				return nil, b.errAt(st, sqlerr.UndefinedTable, "missing FROM-clause entry for table %q", st.Table.Name)
			}
			continue
		}
		name := t.Alias
		if name == "" {
			name = columnName(t.Expr)
		}
		targets = append(targets, target{expr: t.Expr, name: name})
	}

	// Aggregation.
	grouped := len(sel.GroupBy) > 0 || sel.Having != nil
	for _, t := range targets {
		grouped = grouped || (t.expr != nil && hasAggregate(t.expr))
	}
	for _, o := range orderBy {
		grouped = grouped || hasAggregate(o.Expr)
	}
	exprScope := s
	// Subqueries bind their own SELECTs in between: restore, not clear.
	savedWin := b.win
	b.win = &windowContext{text: map[string]int{}, defs: map[string]*ast.WindowSpec{}}
	for _, w := range sel.Windows {
		b.win.defs[w.Name] = w.Spec
	}
	defer func() { b.win = savedWin }()
	if grouped {
		ac := &aggContext{input: s, groups: map[string]int{}, aggText: map[string]int{}}
		aggScope := &scope{parent: outer}
		var groupBy []Expr
		sets, hasSets, err := expandGroupingSets(sel.GroupBy)
		if err != nil {
			return nil, err
		}
		if sel.GroupByDistinct {
			// GROUP BY DISTINCT: each set once, whatever its order.
			seen := map[string]bool{}
			out := sets[:0]
			for _, set := range sets {
				texts := make([]string, len(set))
				for i, e := range set {
					texts[i] = ast.Format(e)
				}
				slices.Sort(texts)
				k := strings.Join(slices.Compact(texts), "\x00")
				if !seen[k] {
					seen[k] = true
					out = append(out, set)
				}
			}
			sets = out
		}
		elems := sel.GroupBy
		if hasSets {
			elems = nil
			for _, set := range sets {
				elems = append(elems, set...)
			}
		}
		keyOf := map[ast.Expr]int{} // a grouping set member's group key
		for _, g := range elems {
			ge := g
			// GROUP BY 2 and GROUP BY alias name output columns.
			if lit, ok := g.(*ast.Literal); ok && lit.Kind == ast.LitInt {
				n, _ := strconv.Atoi(lit.Val)
				if n < 1 || n > len(targets) || targets[n-1].expr == nil {
					return nil, b.errAt(g, sqlerr.InvalidColumnReference, "GROUP BY position %s is not in select list", lit.Val)
				}
				ge = targets[n-1].expr
			} else if cr, ok := g.(*ast.ColumnRef); ok && cr.Table.Name == "" && findCol(s.cols, cr.Name) < 0 {
				for _, t := range targets {
					if t.name == cr.Name && t.expr != nil {
						ge = t.expr
						break
					}
				}
			}
			if _, ok := ge.(*ast.GroupingSet); ok {
				return nil, b.errAt(g, sqlerr.SyntaxError, "grouping sets nest only in GROUPING SETS")
			}
			text := ast.Format(ge)
			if k, dup := ac.groups[text]; dup {
				keyOf[g] = k
				continue
			}
			keyOf[g] = len(groupBy)
			x, err := b.bindExpr(s, ge)
			if err != nil {
				return nil, err
			}
			ac.groups[text] = len(groupBy)
			groupBy = append(groupBy, x)
			aggScope.cols = append(aggScope.cols, Column{Name: columnName(ge), Type: x.Type()})
			// A grouped column can also be named through its table.
			if cr, ok := x.(*ColRef); ok {
				c := s.cols[cr.Idx]
				ac.groups[ast.Format(&ast.ColumnRef{Name: c.Name})] = len(groupBy) - 1
				if c.Table != "" {
					ac.groups[ast.Format(&ast.ColumnRef{Table: ast.TableName{Name: c.Table}, Name: c.Name})] = len(groupBy) - 1
				}
			}
		}
		if hasSets {
			// One aggregation over the input expanded once per set.
			in := make([][]bool, len(sets))
			for si, set := range sets {
				in[si] = make([]bool, len(groupBy))
				for _, e := range set {
					in[si][keyOf[e]] = true
				}
			}
			cols := append(append([]Column{}, s.cols...), Column{Name: "?set?", Type: types.Int8, Hidden: true})
			input = &GroupingExpand{Input: input, Sets: len(sets), Cols: cols}
			groupBy = groupingSetKeys(groupBy, in, len(s.cols))
			ac.sets, ac.setCol = in, len(groupBy)-1
			aggScope.cols = append(aggScope.cols, Column{Name: "?set?", Type: types.Int8, Hidden: true})
		}
		ac.nGroups = len(groupBy)
		b.agg, b.aggScope = ac, aggScope
		// Window calls see the aggregated rows; their columns follow the
		// aggregation's, whose count is known once every aggregate bound,
		// so they are numbered from a placeholder and fixed up below.
		b.win.nInput = windowBase
		defer func() { b.agg, b.aggScope = nil, nil }()
		exprScope = aggScope
		// Star columns above an aggregation must be grouped.
		for i, t := range targets {
			if t.star != nil {
				targets[i].expr = &ast.ColumnRef{Table: ast.TableName{Name: t.star.Table}, Name: t.star.Name}
				targets[i].star = nil
			}
		}
		agg := &Aggregate{Input: input, GroupBy: groupBy}
		for si, has := range ac.sets {
			if !slices.Contains(has, true) {
				key := make([]types.Datum, len(groupBy))
				for i := range key {
					key[i] = types.Null
				}
				key[ac.setCol] = types.NewInt8(int64(si))
				agg.EmptyInput = append(agg.EmptyInput, key)
			}
		}
		input = agg
		// Bind everything above the aggregation, then fix its columns.
		defer func() {}()
		var exprs []Expr
		b.srf.allowed = true
		for _, t := range targets {
			x, err := b.bindExpr(aggScope, t.expr)
			if err != nil {
				return nil, err
			}
			exprs = append(exprs, x)
		}
		b.srf.allowed = false
		var having Expr
		if sel.Having != nil {
			x, err := b.bindExpr(aggScope, sel.Having)
			if err != nil {
				return nil, err
			}
			if having, err = b.boolean(sel.Having, x, "HAVING"); err != nil {
				return nil, err
			}
		}
		sortExprs, extra, err := b.bindOrder(aggScope, withDistinctOn(sel, orderBy), targets2(targets, exprs))
		if err != nil {
			return nil, err
		}
		agg.Aggs = ac.aggs
		agg.Cols = append([]Column{}, aggScope.cols...)
		for i, a := range ac.aggs {
			agg.Cols = append(agg.Cols, Column{Name: a.Name, Type: a.Typ})
			_ = i
		}
		aggScope.cols = agg.Cols
		var node Node = agg
		if having != nil {
			node = &Filter{Input: node, Pred: having}
		}
		if len(b.win.calls) > 0 {
			shift := len(agg.Cols) - windowBase
			for _, x := range append(append(append([]Expr{}, exprs...), extra...), b.srf.args()...) {
				walkExpr(x, func(e Expr) {
					if cr, ok := e.(*ColRef); ok && cr.Idx >= windowBase {
						cr.Idx += shift
					}
				})
			}
			for i := range sortExprs {
				if cr, ok := sortExprs[i].Expr.(*ColRef); ok && cr.Idx >= windowBase {
					cr.Idx += shift
				}
			}
			b.win.nInput = len(agg.Cols)
			node = b.windowNode(node)
		}
		node = b.projectSet(node, exprs, extra)
		return b.finishSelect(sel, node, targetNames(targets), exprs, sortExprs, extra)
	}

	b.win.nInput = len(s.cols)
	var exprs []Expr
	b.srf.allowed = true
	for _, t := range targets {
		if t.star != nil {
			exprs = append(exprs, &ColRef{Idx: t.idx, Typ: t.star.Type, Name: t.star.Name})
			continue
		}
		x, err := b.bindExpr(exprScope, t.expr)
		if err != nil {
			return nil, err
		}
		exprs = append(exprs, x)
	}
	b.srf.allowed = false
	sortExprs, extra, err := b.bindOrder(exprScope, withDistinctOn(sel, orderBy), targets2(targets, exprs))
	if err != nil {
		return nil, err
	}
	if len(b.win.calls) > 0 {
		input = b.windowNode(input)
	}
	input = b.projectSet(input, exprs, extra)
	return b.finishSelect(sel, input, targetNames(targets), exprs, sortExprs, extra)
}

// windowBase numbers window result columns while the columns below them
// are not yet known (above an aggregation); far above any real ordinal.
const windowBase = 1 << 30

// windowNode wraps input in a Window node computing the collected calls.
func (b *Binder) windowNode(input Node) Node {
	cols := append([]Column{}, input.Columns()...)
	for _, c := range b.win.calls {
		cols = append(cols, Column{Name: c.Name, Type: c.Typ})
	}
	return &Window{Input: input, Calls: b.win.calls, Cols: cols}
}

// namedExpr pairs an output name with its bound expression.
type namedExpr struct {
	name string
	expr Expr
}

func targets2[T any](ts []T, exprs []Expr) []namedExpr {
	out := make([]namedExpr, len(exprs))
	for i := range exprs {
		out[i] = namedExpr{name: nameOf(ts[i]), expr: exprs[i]}
	}
	return out
}

func nameOf(t any) string {
	return reflect.ValueOf(t).FieldByName("name").String()
}

func targetNames[T any](ts []T) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = nameOf(t)
	}
	return out
}

// bindOrder binds ORDER BY items: an ordinal or an output column name
// refers to the select list; anything else is an expression over the
// input, computed as an extra (hidden) output column. It returns sort keys
// over the projected row and the extra expressions.
func (b *Binder) bindOrder(s *scope, order []ast.OrderItem, targets []namedExpr) ([]SortKey, []Expr, error) {
	var keys []SortKey
	var extra []Expr
	// extraIdx finds an expression already bound as an extra column by
	// its text, so DISTINCT ON (x % 2) ... ORDER BY x % 2 sorts and
	// groups by one column.
	extraIdx := map[string]int{}
	for _, o := range order {
		idx := -1
		if i, ok := extraIdx[ast.Format(o.Expr)]; ok {
			idx = i
		}
		if lit, ok := o.Expr.(*ast.Literal); ok && lit.Kind == ast.LitInt {
			n, _ := strconv.Atoi(lit.Val)
			if n < 1 || n > len(targets) {
				return nil, nil, b.errAt(o.Expr, sqlerr.InvalidColumnReference, "ORDER BY position %s is not in select list", lit.Val)
			}
			idx = n - 1
		} else if cr, ok := o.Expr.(*ast.ColumnRef); ok && cr.Table.Name == "" && idx < 0 {
			for i, t := range targets {
				if t.name == cr.Name {
					if idx >= 0 {
						return nil, nil, b.errAt(o.Expr, sqlerr.AmbiguousColumn, "ORDER BY %q is ambiguous", cr.Name)
					}
					idx = i
				}
			}
		}
		var typ types.Type
		if idx < 0 {
			x, err := b.bindExpr(s, o.Expr)
			if err != nil {
				return nil, nil, err
			}
			// An expression equal to a select-list one sorts by it.
			for i, t := range targets {
				if sameExpr(t.expr, x) {
					idx = i
				}
			}
			if idx < 0 {
				extra = append(extra, x)
				idx = len(targets) + len(extra) - 1
				extraIdx[ast.Format(o.Expr)] = idx
			}
			typ = x.Type()
		} else if idx >= len(targets) {
			typ = extra[idx-len(targets)].Type()
		} else {
			typ = targets[idx].expr.Type()
		}
		nullsFirst := o.Desc
		switch o.Nulls {
		case ast.NullsFirst:
			nullsFirst = true
		case ast.NullsLast:
			nullsFirst = false
		}
		keys = append(keys, SortKey{Expr: &ColRef{Idx: idx, Typ: typ}, Desc: o.Desc, NullsFirst: nullsFirst})
	}
	return keys, extra, nil
}

func sameExpr(a, b Expr) bool {
	ca, ok1 := a.(*ColRef)
	cb, ok2 := b.(*ColRef)
	return ok1 && ok2 && ca.Idx == cb.Idx
}

// withDistinctOn puts a SELECT's DISTINCT ON expressions before its
// ORDER BY items, so they bind as sort keys (by output name, ordinal or
// expression) in one go.
func withDistinctOn(sel *ast.Select, order []ast.OrderItem) []ast.OrderItem {
	if len(sel.DistinctOn) == 0 {
		return order
	}
	out := make([]ast.OrderItem, 0, len(sel.DistinctOn)+len(order))
	for _, e := range sel.DistinctOn {
		out = append(out, ast.OrderItem{Expr: e})
	}
	return append(out, order...)
}

// finishSelect projects the targets (plus ORDER BY extras), applies
// DISTINCT and the sort, and drops the extras.
func (b *Binder) finishSelect(sel *ast.Select, input Node, names []string, exprs []Expr, keys []SortKey, extra []Expr) (Node, error) {
	cols := make([]Column, 0, len(exprs)+len(extra))
	for i, x := range exprs {
		cols = append(cols, Column{Name: names[i], Type: x.Type()})
	}
	for _, x := range extra {
		cols = append(cols, Column{Name: "?order?", Type: x.Type(), Hidden: true})
	}
	var node Node = &Project{Input: input, Exprs: append(append([]Expr{}, exprs...), extra...), Cols: cols}
	if nd := len(sel.DistinctOn); nd > 0 {
		// keys holds the DISTINCT ON expressions, then ORDER BY's, whose
		// leading items must be among them. Sorting by ORDER BY and then
		// the DISTINCT ON expressions and keeping each key's first row
		// gives the row ORDER BY puts first.
		on, order := keys[:nd], keys[nd:]
		for i := 0; i < len(order) && i < nd; i++ {
			if !slices.ContainsFunc(on, func(k SortKey) bool { return sameExpr(k.Expr, order[i].Expr) }) {
				return nil, b.errAt(sel.DistinctOn[0], sqlerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
			}
		}
		d := &Distinct{}
		for _, k := range on {
			d.On = append(d.On, k.Expr.(*ColRef).Idx)
		}
		sortKeys := append([]SortKey{}, order...)
		for _, k := range on {
			if !slices.ContainsFunc(order, func(o SortKey) bool { return sameExpr(o.Expr, k.Expr) }) {
				sortKeys = append(sortKeys, k)
			}
		}
		node = &Sort{Input: node, Keys: sortKeys}
		d.Input = node
		node = d
		keys = nil
	} else if sel.Distinct {
		if len(extra) > 0 {
			return nil, b.errAt(sel, sqlerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
		}
		node = &Distinct{Input: node}
	}
	if len(keys) > 0 {
		node = &Sort{Input: node, Keys: keys}
	}
	if len(extra) > 0 {
		out := make([]Expr, len(exprs))
		for i, x := range exprs {
			out[i] = &ColRef{Idx: i, Typ: x.Type(), Name: names[i]}
		}
		node = &Project{Input: node, Exprs: out, Cols: cols[:len(exprs)]}
	}
	return node, nil
}

// orderOutput sorts a set operation's or VALUES' output by ORDER BY items
// naming its columns.
func (b *Binder) orderOutput(n Node, order []ast.OrderItem, outer *scope) (Node, error) {
	cols := n.Columns()
	targets := make([]namedExpr, len(cols))
	for i, c := range cols {
		targets[i] = namedExpr{name: c.Name, expr: &ColRef{Idx: i, Typ: c.Type, Name: c.Name}}
	}
	keys, extra, err := b.bindOrder(&scope{cols: cols, parent: outer}, order, targets)
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ORDER BY on a UNION/INTERSECT/EXCEPT result must be on one of the result columns")
	}
	return &Sort{Input: n, Keys: keys}, nil
}

// columnName is the output name PostgreSQL gives an unaliased target.
func columnName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.ColumnRef:
		return e.Name
	case *ast.FuncCall:
		return strings.ToLower(e.Name.Name)
	case *ast.CastExpr:
		if n := columnName(e.Expr); n != "?column?" {
			return n
		}
		return strings.ToLower(e.Type.Name)
	case *ast.CaseExpr:
		return "case"
	case *ast.ExistsExpr:
		return "exists"
	case *ast.ArrayExpr:
		return "array"
	case *ast.Subscript:
		return columnName(e.Expr)
	case *ast.Subquery:
		if sel, ok := e.Query.Body.(*ast.Select); ok && len(sel.Targets) == 1 {
			if sel.Targets[0].Alias != "" {
				return sel.Targets[0].Alias
			}
			return columnName(sel.Targets[0].Expr)
		}
	}
	return "?column?"
}

// hasAggregate reports whether e calls an aggregate outside any subquery.
func hasAggregate(e ast.Expr) bool {
	found := false
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if found || !v.IsValid() {
			return
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return
			}
			if fc, ok := v.Interface().(*ast.FuncCall); ok && fc.Over == nil && builtins.IsAggregate(strings.ToLower(fc.Name.Name)) {
				found = true
				return
			}
			switch v.Interface().(type) {
			case *ast.Subquery, *ast.ExistsExpr, *ast.Query:
				return
			}
			walk(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(e))
	return found
}

// fold evaluates an operator whose operands are all constants.
func (b *Binder) fold(e Expr) (Expr, error) {
	isConst := func(x Expr) (types.Datum, bool) {
		c, ok := x.(*Const)
		if !ok {
			return types.Null, false
		}
		return c.Val, true
	}
	switch e := e.(type) {
	case *BinOp:
		l, ok1 := isConst(e.L)
		r, ok2 := isConst(e.R)
		if !ok1 || !ok2 {
			return e, nil
		}
		if l.IsNull() || r.IsNull() {
			return &Const{Val: types.Null, Typ: e.Typ}, nil
		}
		v, err := e.Fn(l, r)
		if err != nil {
			return nil, err
		}
		return &Const{Val: v, Typ: e.Typ}, nil
	case *UnOp:
		x, ok := isConst(e.X)
		if !ok {
			return e, nil
		}
		if x.IsNull() {
			return &Const{Val: types.Null, Typ: e.Typ}, nil
		}
		v, err := e.Fn(x)
		if err != nil {
			return nil, err
		}
		return &Const{Val: v, Typ: e.Typ}, nil
	case *Cast:
		x, ok := isConst(e.X)
		if !ok {
			return e, nil
		}
		v, err := e.Fn(x)
		if err != nil {
			return nil, err
		}
		return &Const{Val: v, Typ: e.Typ}, nil
	case *Func:
		args := make([]types.Datum, len(e.Args))
		for i, a := range e.Args {
			v, ok := isConst(a)
			if !ok {
				return e, nil
			}
			if v.IsNull() && e.Strict {
				return &Const{Val: types.Null, Typ: e.Typ}, nil
			}
			args[i] = v
		}
		v, err := e.Fn(args)
		if err != nil {
			return nil, err
		}
		return &Const{Val: v, Typ: e.Typ}, nil
	}
	return e, nil
}
