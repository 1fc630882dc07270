package exec

import (
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"time"
)

// Row is one row of datums.
type Row = []types.Datum

// evalFn evaluates a compiled expression over a row.
type evalFn func(row Row) (types.Datum, error)

// once returns fn evaluated at its first call ever after: for the
// expressions whose value is one for the whole statement (statementConstant),
// which a filter would otherwise work out again for every row (a JSON
// parameter parsed, a '[null]'::jsonb literal cast). Compiled functions
// belong to one execution of a plan, so the value never outlives its
// parameters.
func once(fn evalFn) evalFn {
	o := &onceEval{fn: fn}
	return o.eval
}

// onceEval is once's state in one allocation (a closure over its
// variables takes one each).
type onceEval struct {
	fn   evalFn
	done bool
	v    types.Datum
	err  error
}

func (o *onceEval) eval(r Row) (types.Datum, error) {
	if !o.done {
		o.v, o.err = o.fn(r)
		o.done = true
	}
	return o.v, o.err
}

// onceParam is once of parameter n as type t, in one allocation.
type onceParam struct {
	c    *Ctx
	n    int
	t    types.Type
	done bool
	v    types.Datum
	err  error
}

func (o *onceParam) eval(Row) (types.Datum, error) {
	if !o.done {
		o.v, o.err = o.c.param(o.n, o.t)
		o.done = true
	}
	return o.v, o.err
}

// param returns parameter n as type t (a value sent as text of unknown
// type is parsed as t).
func (c *Ctx) param(n int, t types.Type) (types.Datum, error) {
	if n > len(c.Params) {
		return types.Null, sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $%d", n)
	}
	p := c.Params[n-1]
	if p.Kind() == types.UnknownFamily && !p.IsNull() && t.Family() != types.UnknownFamily {
		var zone *time.Location // a timestamptz reads in the session's
		if c.Eval != nil {
			zone = c.Eval.Zone
		}
		return types.ParseTextIn(t, p.Str(), zone)
	}
	return p, nil
}

// holds reports whether a predicate is true of row (NULL is not).
func holds(pred evalFn, row Row) (bool, error) {
	if pred == nil { // no predicate: every row
		return true, nil
	}
	v, err := pred(row)
	if err != nil {
		return false, err
	}
	return !v.IsNull() && v.Bool(), nil
}

// evalOnce evaluates an expression that reads no row (an index scan's
// bounds), constants and parameters without compiling them.
func (c *Ctx) evalOnce(e plan.Expr) (types.Datum, error) {
	switch e := e.(type) {
	case *plan.Const:
		return e.Val, nil
	case *plan.Param:
		return c.param(e.N, e.Typ)
	}
	f, err := c.compile(e)
	if err != nil {
		return types.Null, err
	}
	return f(nil)
}

// statementConstant reports whether e's value is the same for every row
// of a statement: a constant, a parameter, or a cast of one.
func statementConstant(e plan.Expr) bool {
	switch e := e.(type) {
	case *plan.Const, *plan.Param:
		return true
	case *plan.Cast:
		return statementConstant(e.X)
	}
	return false
}

// compileJSONPathCompare compiles doc #> path compared with a jsonb
// value (a collection's find by path rechecks each row so) to compare
// the value at the path where it lies in the document
// (jsonb.Doc.At) rather than make it a document of its own
// first. ok is false for any other expression. NULLs and the order of
// evaluation are the operators': NULL when doc, a step or the value is,
// or the path reaches nothing; the value is not evaluated then.
func (c *Ctx) compileJSONPathCompare(e *plan.BinOp) (fn evalFn, ok bool, err error) {
	p, isBin := e.L.(*plan.BinOp)
	if !e.Op.IsComparison() || !isBin || p.Op != types.OpJSONPath || p.L.Type().Family() != types.JSONBFamily ||
		e.R.Type().Family() != types.JSONBFamily {
		return nil, false, nil
	}
	// A constant path (as filters write them, an untyped literal) is
	// split once; another must be a text[] (not a parameter of a type
	// to be parsed per row as #> does).
	var constSteps []string
	constNull := false // a step of the constant path is NULL
	k, isConst := p.R.(*plan.Const)
	switch {
	case isConst && k.Val.IsNull():
		return nil, false, nil
	case isConst:
		var err error
		if constSteps, constNull, err = types.JSONPathArg(k.Val); err != nil {
			return nil, false, nil // #> reports it, row by row
		}
	case p.R.Type().Family() == types.UnknownFamily:
		return nil, false, nil
	}
	doc, err := c.compile(p.L)
	if err != nil {
		return nil, true, err
	}
	path, err := c.compile(p.R)
	if err != nil {
		return nil, true, err
	}
	val, err := c.compile(e.R)
	if err != nil {
		return nil, true, err
	}
	op := e.Op
	return func(row Row) (types.Datum, error) {
		d, err := doc(row)
		if err != nil || d.IsNull() || constNull {
			return types.Null, err
		}
		steps := constSteps
		if !isConst {
			pa, err := path(row)
			if err != nil || pa.IsNull() {
				return types.Null, err
			}
			var null bool
			if steps, null, err = types.JSONPathArg(pa); err != nil || null {
				return types.Null, err
			}
		}
		part, found := d.Doc().At(steps)
		if !found {
			return types.Null, nil
		}
		v, err := val(row)
		if err != nil || v.IsNull() {
			return types.Null, err
		}
		return types.NewBool(types.ComparisonHolds(op, part.Compare(v.Doc()))), nil
	}, true, nil
}

// compile turns a bound expression into a closure, once per statement.
func (c *Ctx) compile(e plan.Expr) (evalFn, error) {
	switch e := e.(type) {
	case *plan.Const:
		v := e.Val
		return func(Row) (types.Datum, error) { return v, nil }, nil
	case *plan.ColRef:
		i := e.Idx
		return func(r Row) (types.Datum, error) { return r[i], nil }, nil
	case *plan.OuterRef:
		depth, i := e.Depth, e.Idx
		return func(Row) (types.Datum, error) {
			return c.outer[len(c.outer)-depth][i], nil
		}, nil
	case *plan.Param:
		n, t := e.N, e.Typ
		if t.Family() == types.UnknownFamily {
			return func(Row) (types.Datum, error) { return c.param(n, t) }, nil
		}
		o := &onceParam{c: c, n: n, t: t}
		return o.eval, nil
	case *plan.BinOp:
		if fn, ok, err := c.compileJSONPathCompare(e); ok || err != nil {
			return fn, err
		}
		l, err := c.compile(e.L)
		if err != nil {
			return nil, err
		}
		r, err := c.compile(e.R)
		if err != nil {
			return nil, err
		}
		fn := e.Fn
		return func(row Row) (types.Datum, error) {
			a, err := l(row)
			if err != nil || a.IsNull() {
				return types.Null, err
			}
			b, err := r(row)
			if err != nil || b.IsNull() {
				return types.Null, err
			}
			return fn(a, b)
		}, nil
	case *plan.UnOp:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		fn := e.Fn
		return func(row Row) (types.Datum, error) {
			a, err := x(row)
			if err != nil || a.IsNull() {
				return types.Null, err
			}
			return fn(a)
		}, nil
	case *plan.Logic:
		args, err := c.compileAll(e.Args)
		if err != nil {
			return nil, err
		}
		and := e.And
		return func(row Row) (types.Datum, error) {
			acc := types.TriBool(and)
			for _, a := range args {
				v, err := a(row)
				if err != nil {
					return types.Null, err
				}
				t := types.TriOf(v)
				if and {
					acc = types.And(acc, t)
					if acc == types.TriFalse {
						break
					}
				} else {
					acc = types.Or(acc, t)
					if acc == types.TriTrue {
						break
					}
				}
			}
			return triDatum(acc), nil
		}, nil
	case *plan.Not:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		return func(row Row) (types.Datum, error) {
			v, err := x(row)
			if err != nil {
				return types.Null, err
			}
			return triDatum(types.Not(types.TriOf(v))), nil
		}, nil
	case *plan.IsNull:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		not := e.Not
		return func(row Row) (types.Datum, error) {
			v, err := x(row)
			if err != nil {
				return types.Null, err
			}
			return types.NewBool(v.IsNull() != not), nil
		}, nil
	case *plan.IsBool:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		want, not := e.Value, e.Not
		return func(row Row) (types.Datum, error) {
			v, err := x(row)
			if err != nil {
				return types.Null, err
			}
			is := !v.IsNull() && v.Bool() == want
			return types.NewBool(is != not), nil
		}, nil
	case *plan.IsDistinct:
		l, err := c.compile(e.L)
		if err != nil {
			return nil, err
		}
		r, err := c.compile(e.R)
		if err != nil {
			return nil, err
		}
		eq, not := e.Eq, e.Not
		return func(row Row) (types.Datum, error) {
			a, err := l(row)
			if err != nil {
				return types.Null, err
			}
			b, err := r(row)
			if err != nil {
				return types.Null, err
			}
			var distinct bool
			switch {
			case a.IsNull() || b.IsNull():
				distinct = a.IsNull() != b.IsNull()
			default:
				v, err := eq(a, b)
				if err != nil {
					return types.Null, err
				}
				distinct = !v.Bool()
			}
			return types.NewBool(distinct != not), nil
		}, nil
	case *plan.Cast:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		fn := e.Fn
		cast := func(row Row) (types.Datum, error) {
			v, err := x(row)
			if err != nil {
				return types.Null, err
			}
			return fn(v)
		}
		if statementConstant(e.X) {
			return once(cast), nil
		}
		return cast, nil
	case *plan.Case:
		type when struct{ cond, res evalFn }
		whens := make([]when, len(e.Whens))
		for i, w := range e.Whens {
			cond, err := c.compile(w.Cond)
			if err != nil {
				return nil, err
			}
			res, err := c.compile(w.Result)
			if err != nil {
				return nil, err
			}
			whens[i] = when{cond, res}
		}
		var els evalFn
		if e.Else != nil {
			var err error
			if els, err = c.compile(e.Else); err != nil {
				return nil, err
			}
		}
		return func(row Row) (types.Datum, error) {
			for _, w := range whens {
				v, err := w.cond(row)
				if err != nil {
					return types.Null, err
				}
				if !v.IsNull() && v.Bool() {
					return w.res(row)
				}
			}
			if els != nil {
				return els(row)
			}
			return types.Null, nil
		}, nil
	case *plan.InList:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		list, err := c.compileAll(e.List)
		if err != nil {
			return nil, err
		}
		eq, not := e.Eq, e.Not
		return func(row Row) (types.Datum, error) {
			v, err := x(row)
			if err != nil {
				return types.Null, err
			}
			res := types.TriFalse
			if v.IsNull() {
				res = types.TriNull
			} else {
				for _, item := range list {
					w, err := item(row)
					if err != nil {
						return types.Null, err
					}
					if w.IsNull() {
						res = types.Or(res, types.TriNull)
						continue
					}
					m, err := eq(v, w)
					if err != nil {
						return types.Null, err
					}
					if m.Bool() {
						res = types.TriTrue
						break
					}
				}
			}
			if not {
				res = types.Not(res)
			}
			return triDatum(res), nil
		}, nil
	case *plan.Func:
		args, err := c.compileAll(e.Args)
		if err != nil {
			return nil, err
		}
		fn, strict := e.Fn, e.Strict
		if e.CtxFn != nil {
			ctxFn, ec := e.CtxFn, c.Eval
			if ec == nil {
				ec = &builtins.EvalContext{}
			}
			fn = func(args []types.Datum) (types.Datum, error) { return ctxFn(ec, args) }
		}
		// Functions do not keep their argument slice (builtins' doc.go),
		// so one buffer serves every call; a call nested in its own
		// arguments has its own compiled closure and buffer.
		vals := make([]types.Datum, len(args))
		return func(row Row) (types.Datum, error) {
			for i, a := range args {
				v, err := a(row)
				if err != nil {
					return types.Null, err
				}
				if strict && v.IsNull() {
					return types.Null, nil
				}
				vals[i] = v
			}
			return fn(vals)
		}, nil
	case *plan.FTSMatch:
		return c.compileFTSMatch(e)
	case *plan.FTSSnippet:
		return c.compileFTSSnippet(e)
	case *plan.ArrayCtor:
		return c.compileArrayCtor(e)
	case *plan.Subscript:
		return c.compileSubscript(e)
	case *plan.AnyArray:
		return c.compileAnyArray(e)
	case *plan.Coalesce:
		args, err := c.compileAll(e.Args)
		if err != nil {
			return nil, err
		}
		return func(row Row) (types.Datum, error) {
			for _, a := range args {
				v, err := a(row)
				if err != nil || !v.IsNull() {
					return v, err
				}
			}
			return types.Null, nil
		}, nil
	case *plan.NullIf:
		l, err := c.compile(e.L)
		if err != nil {
			return nil, err
		}
		r, err := c.compile(e.R)
		if err != nil {
			return nil, err
		}
		eq := e.Eq
		return func(row Row) (types.Datum, error) {
			a, err := l(row)
			if err != nil || a.IsNull() {
				return a, err
			}
			b, err := r(row)
			if err != nil || b.IsNull() {
				return a, err
			}
			m, err := eq(a, b)
			if err != nil {
				return types.Null, err
			}
			if m.Bool() {
				return types.Null, nil
			}
			return a, nil
		}, nil
	case *plan.MinMax:
		args, err := c.compileAll(e.Args)
		if err != nil {
			return nil, err
		}
		greatest := e.Greatest
		return func(row Row) (types.Datum, error) {
			best := types.Null
			for _, a := range args {
				v, err := a(row)
				if err != nil {
					return types.Null, err
				}
				if v.IsNull() {
					continue
				}
				if best.IsNull() {
					best = v
					continue
				}
				cmp := types.Compare(v, best)
				if (greatest && cmp > 0) || (!greatest && cmp < 0) {
					best = v
				}
			}
			return best, nil
		}, nil
	case *plan.Subquery:
		return c.compileSubquery(e)
	}
	return nil, sqlerr.New(sqlerr.InternalError, "exec: cannot compile %T", e)
}

func (c *Ctx) compileAll(es []plan.Expr) ([]evalFn, error) {
	out := make([]evalFn, len(es))
	for i, e := range es {
		var err error
		if out[i], err = c.compile(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func triDatum(t types.Tri) types.Datum {
	switch t {
	case types.TriTrue:
		return types.DTrue
	case types.TriFalse:
		return types.DFalse
	}
	return types.Null
}

// compileSubquery evaluates a subquery expression: once per statement
// when uncorrelated, again for each outer row when correlated (with the
// outer row visible to OuterRef).
func (c *Ctx) compileSubquery(e *plan.Subquery) (evalFn, error) {
	var x evalFn
	if e.X != nil {
		var err error
		if x, err = c.compile(e.X); err != nil {
			return nil, err
		}
	}
	var cached []Row
	haveCache := false
	hashed := e.Kind == plan.SubIn && !e.Correlated && e.X != nil &&
		types.HashCompatible(e.X.Type(), e.Plan.Columns()[0].Type)
	var set map[string]struct{}
	var setNull bool
	var keyBuf []byte
	rows := func(row Row) ([]Row, error) {
		if !e.Correlated && haveCache {
			return cached, nil
		}
		c.outer = append(c.outer, row)
		defer func() { c.outer = c.outer[:len(c.outer)-1] }()
		limit := -1
		if e.Kind == plan.SubExists {
			limit = 1 // one row answers EXISTS
		}
		out, err := c.runLimit(e.Plan, limit)
		if err != nil {
			return nil, err
		}
		if !e.Correlated {
			cached, haveCache = out, true
		}
		return out, nil
	}
	return func(row Row) (types.Datum, error) {
		rs, err := rows(row)
		if err != nil {
			return types.Null, err
		}
		switch e.Kind {
		case plan.SubExists:
			return types.NewBool(len(rs) > 0), nil
		case plan.SubArray:
			elems := make([]types.Datum, len(rs))
			for i, r := range rs {
				elems[i] = r[0]
			}
			return types.NewArray(e.Typ, elems), nil
		case plan.SubScalar:
			switch len(rs) {
			case 0:
				return types.Null, nil
			case 1:
				return rs[0][0], nil
			}
			return types.Null, sqlerr.New(sqlerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
		v, err := x(row)
		if err != nil {
			return types.Null, err
		}
		if hashed {
			// An uncorrelated IN probes a hash set of the subquery's
			// values, built once, instead of comparing with each.
			if set == nil {
				set = map[string]struct{}{}
				for _, r := range rs {
					if r[0].IsNull() {
						setNull = true
						continue
					}
					set[string(types.AppendHashKey(nil, r[0]))] = struct{}{}
				}
			}
			res := types.TriFalse
			switch {
			case len(rs) == 0:
			case v.IsNull():
				res = types.TriNull
			default:
				keyBuf = types.AppendHashKey(keyBuf[:0], v)
				if _, ok := set[string(keyBuf)]; ok {
					res = types.TriTrue
				} else if setNull {
					res = types.TriNull
				}
			}
			if e.Not {
				res = types.Not(res)
			}
			return triDatum(res), nil
		}
		// IN is = ANY; ALL is true unless some comparison is false.
		all := e.Kind == plan.SubAll
		res := types.TriBool(all)
		if len(rs) > 0 && v.IsNull() {
			res = types.TriNull
		} else {
			for _, r := range rs {
				w := r[0]
				var t types.Tri
				if w.IsNull() {
					t = types.TriNull
				} else {
					m, err := e.Cmp(v, w)
					if err != nil {
						return types.Null, err
					}
					t = types.TriOf(m)
				}
				if all {
					res = types.And(res, t)
					if res == types.TriFalse {
						break
					}
				} else {
					res = types.Or(res, t)
					if res == types.TriTrue {
						break
					}
				}
			}
		}
		if e.Not {
			res = types.Not(res)
		}
		return triDatum(res), nil
	}, nil
}
