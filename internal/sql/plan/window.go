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
	Name        string
	Args        []Expr
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
	// Start and End are offsets from the current row; Unbounded flags
	// mean the partition's first/last row. CurrentRow is offset 0.
	StartUnbounded, EndUnbounded bool
	Start, End                   int64
	// Whole means no ORDER BY: every row's frame is the whole partition.
	Whole bool
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
	frame, err := b.bindFrame(spec, len(call.OrderBy) > 0)
	if err != nil {
		return nil, err
	}
	call.Frame = frame
	wc.calls = append(wc.calls, call)
	wc.text[text] = len(wc.calls) - 1
	return &ColRef{Idx: wc.nInput + len(wc.calls) - 1, Typ: call.Typ}, nil
}

func (b *Binder) bindFrame(spec *ast.WindowSpec, ordered bool) (Frame, error) {
	if spec.Frame == nil {
		if !ordered {
			return Frame{Whole: true}, nil
		}
		return Frame{StartUnbounded: true}, nil
	}
	f := spec.Frame
	if f.Mode == ast.FrameGroups || f.Exclude != ast.ExcludeNone {
		return Frame{}, sqlerr.New(sqlerr.FeatureNotSupported, "GROUPS frames and EXCLUDE are not supported yet")
	}
	out := Frame{Rows: f.Mode == ast.FrameRows}
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
			if !out.Rows {
				return sqlerr.New(sqlerr.FeatureNotSupported, "RANGE with an offset is not supported yet")
			}
			lit, ok := fb.Offset.(*ast.Literal)
			if !ok || lit.Kind != ast.LitInt {
				return sqlerr.New(sqlerr.FeatureNotSupported, "frame offsets must be integer constants")
			}
			n, _ := strconv.ParseInt(lit.Val, 10, 64)
			if n < 0 {
				return sqlerr.New(sqlerr.Code("22013"), "frame starting offset must not be negative")
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
