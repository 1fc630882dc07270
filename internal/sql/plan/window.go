package plan

import (
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// WindowCall is one window function computed by a Window node.
type WindowCall struct {
	Name string
	Args []Expr
	// Filter, for an aggregate, leaves out the rows it is not true for
	// (FILTER (WHERE ...)).
	Filter      Expr
	PartitionBy []Expr
	OrderBy     []SortKey
	Frame       Frame
	Eval        func(p builtins.Partition, out []types.Datum) error
	Typ         types.Type
}

// Frame is a window frame: the rows of a partition a row's value is
// computed over.
type Frame struct {
	Rows bool // ROWS (counted in rows) rather than RANGE (peer groups)
	// Groups: GROUPS, offsets counted in peer groups.
	Groups bool
	// Start and End are offsets from the current row; Unbounded flags
	// mean the partition's first/last row. CurrentRow is offset 0.
	StartUnbounded, EndUnbounded bool
	Start, End                   int64
	// RangeOffset: a RANGE frame with a PRECEDING or FOLLOWING size,
	// over the one ORDER BY key (ascending unless Desc, its NULLs first
	// if NullsFirst). StartOff and EndOff are the sizes of the bounds
	// that have one (NULL for CURRENT ROW and UNBOUNDED), Start and End
	// then -1 for PRECEDING and 1 for FOLLOWING; Add and Sub move a key
	// by a size.
	RangeOffset      bool
	StartOff, EndOff types.Datum
	Add, Sub         types.BinaryFn
	Desc, NullsFirst bool
	// Whole means no ORDER BY: every row's frame is the whole partition.
	Whole bool
	// Exclude leaves the current row (ExcludeCurrentRow), its peer group
	// (ExcludeGroup) or its peers but itself (ExcludeTies) out of the
	// frame.
	Exclude ast.FrameExclude
}

// Window computes window functions over its input; its rows are the
// input's columns followed by one column per call.
type Window struct {
	Input Node
	Calls []WindowCall
	Cols  []Column
}

func (n *Window) Columns() []Column { return n.Cols }

// windowContext collects the window calls of a SELECT while its targets
// and ORDER BY bind.
type windowContext struct {
	nInput int
	calls  []WindowCall
	text   map[string]int
	defs   map[string]*ast.WindowSpec
}

// bindWindowCall binds f(...) OVER (...) in scope s (the rows the window
// sees), registering it and returning a reference to its result column.
func (b *Binder) bindWindowCall(s *scope, fc *ast.FuncCall) (Expr, error) {
	return b.withoutSRF(func() (Expr, error) { return b.bindWindowCallArgs(s, fc) })
}

func (b *Binder) bindWindowCallArgs(s *scope, fc *ast.FuncCall) (Expr, error) {
	wc := b.win
	if wc == nil {
		return nil, b.errAt(fc, sqlerr.WindowingError, "window functions are not allowed here")
	}
	text := ast.Format(fc)
	if i, ok := wc.text[text]; ok {
		return &ColRef{Idx: wc.nInput + i, Typ: wc.calls[i].Typ}, nil
	}
	spec := fc.Over
	if spec.Ref != "" {
		def, ok := wc.defs[spec.Ref]
		if !ok {
			return nil, b.errAt(fc, sqlerr.UndefinedObject, "window %q does not exist", spec.Ref)
		}
		merged := *def
		if len(spec.OrderBy) > 0 {
			merged.OrderBy = spec.OrderBy
		}
		if spec.Frame != nil {
			merged.Frame = spec.Frame
		}
		spec = &merged
	}
	saved := b.win
	b.win = nil // no window calls inside window calls
	defer func() { b.win = saved }()
	name := strings.ToLower(fc.Name.Name)
	var args []Expr
	var argTypes []types.Type
	for _, a := range fc.Args {
		x, err := b.bindExpr(s, a)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
		argTypes = append(argTypes, x.Type())
	}
	call := WindowCall{Name: name}
	var want []types.Type
	if builtins.IsAggregate(name) {
		if fc.Star {
			argTypes = nil
		}
		agg, err := builtins.LookupAggregateIn(name, argTypes, fc.Distinct, b.Zone)
		if err != nil {
			return nil, withPos(err, b.charPos(int(fc.Position())))
		}
		call.Eval, call.Typ, want = builtins.AggregateWindow(agg), agg.Return, agg.ArgTypes
	} else {
		w, err := builtins.LookupWindow(name, argTypes)
		if err != nil {
			return nil, withPos(err, b.charPos(int(fc.Position())))
		}
		call.Eval, call.Typ, want = w.Eval, w.Return, w.ArgTypes
	}
	for i := range args {
		if i < len(want) {
			var err error
			if args[i], err = b.convert(fc, args[i], want[i]); err != nil {
				return nil, err
			}
		}
	}
	call.Args = args
	if fc.Distinct {
		return nil, b.errAt(fc, sqlerr.FeatureNotSupported, "DISTINCT is not implemented for window functions")
	}
	if fc.Filter != nil {
		if !builtins.IsAggregate(name) {
			return nil, b.errAt(fc, sqlerr.FeatureNotSupported, "FILTER is not implemented for non-aggregate window functions")
		}
		f, err := b.bindExpr(s, fc.Filter)
		if err != nil {
			return nil, err
		}
		if call.Filter, err = b.boolean(fc.Filter, f, "FILTER"); err != nil {
			return nil, err
		}
	}
	for _, p := range spec.PartitionBy {
		x, err := b.bindExpr(s, p)
		if err != nil {
			return nil, err
		}
		call.PartitionBy = append(call.PartitionBy, x)
	}
	for _, o := range spec.OrderBy {
		x, err := b.bindExpr(s, o.Expr)
		if err != nil {
			return nil, err
		}
		nullsFirst := o.Desc
		switch o.Nulls {
		case ast.NullsFirst:
			nullsFirst = true
		case ast.NullsLast:
			nullsFirst = false
		}
		call.OrderBy = append(call.OrderBy, SortKey{Expr: x, Desc: o.Desc, NullsFirst: nullsFirst})
	}
	frame, err := b.bindFrame(spec, call.OrderBy)
	if err != nil {
		return nil, err
	}
	call.Frame = frame
	wc.calls = append(wc.calls, call)
	wc.text[text] = len(wc.calls) - 1
	return &ColRef{Idx: wc.nInput + len(wc.calls) - 1, Typ: call.Typ}, nil
}

func (b *Binder) bindFrame(spec *ast.WindowSpec, orderBy []SortKey) (Frame, error) {
	ordered := len(orderBy) > 0
	if spec.Frame == nil {
		if !ordered {
			return Frame{Whole: true}, nil
		}
		return Frame{StartUnbounded: true}, nil
	}
	f := spec.Frame
	if f.Mode == ast.FrameGroups && !ordered {
		return Frame{}, sqlerr.New(sqlerr.WindowingError, "GROUPS mode requires an ORDER BY clause")
	}
	out := Frame{Rows: f.Mode == ast.FrameRows, Groups: f.Mode == ast.FrameGroups, Exclude: f.Exclude}
	bound := func(fb ast.FrameBound, start bool) error {
		switch fb.Kind {
		case ast.UnboundedPreceding:
			if !start {
				return sqlerr.New(sqlerr.WindowingError, "frame end cannot be UNBOUNDED PRECEDING")
			}
			out.StartUnbounded = true
		case ast.UnboundedFollowing:
			if start {
				return sqlerr.New(sqlerr.WindowingError, "frame start cannot be UNBOUNDED FOLLOWING")
			}
			out.EndUnbounded = true
		case ast.CurrentRow:
		case ast.OffsetPreceding, ast.OffsetFollowing:
			if !out.Rows && !out.Groups {
				return b.rangeOffset(&out, fb, start, orderBy)
			}
			lit, ok := fb.Offset.(*ast.Literal)
			if !ok || lit.Kind != ast.LitInt {
				return sqlerr.New(sqlerr.FeatureNotSupported, "frame offsets must be integer constants")
			}
			n, _ := strconv.ParseInt(lit.Val, 10, 64)
			if n < 0 {
				if start {
					return sqlerr.New(sqlerr.Code("22013"), "frame starting offset must not be negative")
				}
				return sqlerr.New(sqlerr.Code("22013"), "frame ending offset must not be negative")
			}
			if fb.Kind == ast.OffsetPreceding {
				n = -n
			}
			if start {
				out.Start = n
			} else {
				out.End = n
			}
		}
		return nil
	}
	if err := bound(f.Start, true); err != nil {
		return Frame{}, err
	}
	if f.End != nil {
		if err := bound(*f.End, false); err != nil {
			return Frame{}, err
		}
	}
	return out, nil
}

// rangeOffset binds the size of a RANGE frame's PRECEDING or FOLLOWING
// bound fb into out: a constant the one ORDER BY key can be moved by
// (the key's own type for numbers, an interval for dates and times), as
// PostgreSQL's in_range support functions allow.
func (b *Binder) rangeOffset(out *Frame, fb ast.FrameBound, start bool, orderBy []SortKey) error {
	if len(orderBy) != 1 {
		return sqlerr.New(sqlerr.WindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
	}
	key := orderBy[0]
	kt := key.Expr.Type()
	var ot types.Type
	switch f := kt.Family(); {
	case kt.IsArray():
	case kt.IsInteger():
		ot = types.Int8
	case f == types.Float4Family || f == types.Float8Family || f == types.NumericFamily:
		ot = kt
	case f == types.DateFamily || f == types.TimestampFamily || f == types.TimestampTZFamily || f == types.TimeFamily || f == types.IntervalFamily:
		ot = types.Interval
	}
	if ot == (types.Type{}) {
		return sqlerr.New(sqlerr.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", kt)
	}
	x, err := b.bindExpr(&scope{}, fb.Offset)
	if err != nil {
		return err
	}
	xt := x.Type()
	if kt.IsInteger() && !xt.IsInteger() && xt.Family() != types.UnknownFamily {
		return sqlerr.New(sqlerr.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s and offset type %s", kt, xt)
	}
	if x, err = b.cast(fb.Offset, x, ot, types.CastImplicit); err != nil {
		return sqlerr.New(sqlerr.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s and offset type %s", kt, xt)
	}
	c, ok := x.(*Const)
	if !ok {
		return sqlerr.New(sqlerr.FeatureNotSupported, "frame offsets must be constants")
	}
	if c.Val.IsNull() {
		if start {
			return sqlerr.New(sqlerr.NullValueNotAllowed, "frame starting offset must not be null")
		}
		return sqlerr.New(sqlerr.NullValueNotAllowed, "frame ending offset must not be null")
	}
	if negativeSize(c.Val) {
		return sqlerr.New(sqlerr.Code("22013"), "invalid preceding or following size in window function")
	}
	add, err := b.binOp(fb.Offset, types.OpAdd, &ColRef{Typ: kt}, c)
	if err != nil {
		return err
	}
	sub, err := b.binOp(fb.Offset, types.OpSub, &ColRef{Typ: kt}, c)
	if err != nil {
		return err
	}
	out.RangeOffset, out.Desc, out.NullsFirst = true, key.Desc, key.NullsFirst
	out.Add, out.Sub = add.(*BinOp).Fn, sub.(*BinOp).Fn
	dir := int64(1)
	if fb.Kind == ast.OffsetPreceding {
		dir = -1
	}
	if start {
		out.StartOff, out.Start = c.Val, dir
	} else {
		out.EndOff, out.End = c.Val, dir
	}
	return nil
}

// negativeSize reports whether a frame size is below zero.
func negativeSize(v types.Datum) bool {
	switch v.Kind() {
	case types.Float4Family, types.Float8Family:
		return v.Float() < 0
	case types.NumericFamily:
		return v.Decimal().Sign() < 0
	case types.IntervalFamily:
		return types.Compare(v, types.NewInterval(types.IntervalValue{})) < 0
	}
	return v.Int() < 0
}
