package builtins

import (
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Partition is one window partition as the executor presents it: its
// rows sorted by the window's ORDER BY, numbered 0..Len()-1.
type Partition interface {
	// Len is the number of rows.
	Len() int
	// Arg returns the window function's argument i evaluated on row r,
	// already cast to WindowFunc.ArgTypes[i].
	Arg(r, i int) types.Datum
	// Peers returns the half-open row range of r's peer group: the rows
	// equal to r under ORDER BY (the whole partition without ORDER BY).
	Peers(r int) (start, end int)
	// Frame returns the half-open row range of r's window frame (for the
	// default frame, RANGE UNBOUNDED PRECEDING to CURRENT ROW: from 0 to
	// the end of r's peer group). An empty frame has start >= end.
	Frame(r int) (start, end int)
	// Skipped reports whether row r is left out of an aggregate's
	// frames (its FILTER is not true for it).
	Skipped(r int) bool
	// Excludes reports whether the frame has an EXCLUDE clause, and
	// Excluded whether it leaves row i out of row r's frame.
	Excludes() bool
	Excluded(r, i int) bool
}

// WindowFunc is a resolved window function.
type WindowFunc struct {
	Name     string
	Return   types.Type
	ArgTypes []types.Type
	// Eval computes the function for every row of a partition into out
	// (len(out) == p.Len()).
	Eval func(p Partition, out []types.Datum) error
}

var windowRegistry = map[string][]*overload{}
var windowEval = map[*overload]func(args []types.Type) func(p Partition, out []types.Datum) error{}

func registerWindow(name string, params []param, ret types.Type, retFn func([]types.Type) types.Type,
	eval func(args []types.Type) func(p Partition, out []types.Datum) error) {
	o := &overload{params: params, ret: ret, retFn: retFn}
	windowRegistry[name] = append(windowRegistry[name], o)
	windowEval[o] = eval
}

// IsWindow reports whether name is a window-only function (aggregates
// used with OVER are resolved with LookupAggregate and run with
// AggregateWindow).
func IsWindow(name string) bool {
	_, ok := windowRegistry[normalizeName(name)]
	return ok
}

// LookupWindow resolves a window-only function.
func LookupWindow(name string, args []types.Type) (*WindowFunc, error) {
	name = normalizeName(name)
	o, argTypes, err := resolve(name, windowRegistry[name], args, false)
	if err != nil {
		return nil, err
	}
	w := &WindowFunc{Name: name, Return: o.ret, ArgTypes: argTypes, Eval: windowEval[o](argTypes)}
	if o.retFn != nil {
		w.Return = o.retFn(argTypes)
	}
	return w, nil
}

// AggregateWindow evaluates an aggregate over each row's frame. Frames
// that only grow (the default frame, ROWS UNBOUNDED PRECEDING) reuse one
// running state; other frames, and frames with an EXCLUDE clause, restart
// the state per row.
func AggregateWindow(agg *Agg) func(p Partition, out []types.Datum) error {
	return func(p Partition, out []types.Datum) error {
		var st AggState
		prevStart, prevEnd := -1, -1
		nargs := len(agg.ArgTypes)
		args := make([]types.Datum, nargs)
		excludes := p.Excludes()
		for r := 0; r < p.Len(); r++ {
			start, end := p.Frame(r)
			if end < start {
				end = start
			}
			if st == nil || start != prevStart || end < prevEnd || excludes {
				st = agg.New()
				prevEnd = start
			}
			for i := prevEnd; i < end; i++ {
				if p.Skipped(i) || excludes && p.Excluded(r, i) {
					continue
				}
				for k := range args {
					args[k] = p.Arg(i, k)
				}
				if err := st.Add(args); err != nil {
					return err
				}
			}
			prevStart, prevEnd = start, end
			v, err := st.Result()
			if err != nil {
				return err
			}
			out[r] = v
		}
		return nil
	}
}

func sameAsFirst(a []types.Type) types.Type { return a[0] }

func init() {
	I4, I8, F8 := types.Int4, types.Int8, types.Float8
	static := func(f func(p Partition, out []types.Datum) error) func([]types.Type) func(Partition, []types.Datum) error {
		return func([]types.Type) func(Partition, []types.Datum) error { return f }
	}
	registerWindow("row_number", nil, I8, nil, static(func(p Partition, out []types.Datum) error {
		for r := range out {
			out[r] = types.NewInt8(int64(r + 1))
		}
		return nil
	}))
	registerWindow("rank", nil, I8, nil, static(func(p Partition, out []types.Datum) error {
		for r := range out {
			s, _ := p.Peers(r)
			out[r] = types.NewInt8(int64(s + 1))
		}
		return nil
	}))
	registerWindow("dense_rank", nil, I8, nil, static(func(p Partition, out []types.Datum) error {
		rank, lastStart := int64(0), -1
		for r := range out {
			s, _ := p.Peers(r)
			if s != lastStart {
				rank++
				lastStart = s
			}
			out[r] = types.NewInt8(rank)
		}
		return nil
	}))
	registerWindow("percent_rank", nil, F8, nil, static(func(p Partition, out []types.Datum) error {
		n := p.Len()
		for r := range out {
			s, _ := p.Peers(r)
			v := 0.0
			if n > 1 {
				v = float64(s) / float64(n-1)
			}
			out[r] = types.NewFloat8(v)
		}
		return nil
	}))
	registerWindow("cume_dist", nil, F8, nil, static(func(p Partition, out []types.Datum) error {
		n := p.Len()
		for r := range out {
			_, e := p.Peers(r)
			out[r] = types.NewFloat8(float64(e) / float64(n))
		}
		return nil
	}))
	registerWindow("ntile", []param{p(I4)}, I4, nil, static(func(p Partition, out []types.Datum) error {
		n := p.Len()
		if n == 0 {
			return nil
		}
		b := p.Arg(0, 0)
		if b.IsNull() {
			for r := range out {
				out[r] = types.Null
			}
			return nil
		}
		buckets := b.Int()
		if buckets <= 0 {
			return sqlerr.New(sqlerr.InvalidArgumentForNtileFunction, "argument of ntile must be greater than zero")
		}
		// PostgreSQL: the first n % buckets buckets get one extra row.
		per, extra := int64(n)/buckets, int64(n)%buckets
		bucket, inBucket := int64(1), int64(0)
		for r := range out {
			size := per
			if bucket <= extra {
				size++
			}
			if inBucket >= size {
				bucket++
				inBucket = 0
			}
			inBucket++
			out[r] = types.NewInt4(int32(bucket))
		}
		return nil
	}))
	lagLead := func(sign int) func(args []types.Type) func(Partition, []types.Datum) error {
		return func(args []types.Type) func(Partition, []types.Datum) error {
			return func(p Partition, out []types.Datum) error {
				n := p.Len()
				for r := range out {
					off := int64(1)
					if len(args) > 1 {
						o := p.Arg(r, 1)
						if o.IsNull() {
							out[r] = types.Null
							continue
						}
						off = o.Int()
					}
					t := int64(r) + int64(sign)*off
					switch {
					case t >= 0 && t < int64(n):
						out[r] = p.Arg(int(t), 0)
					case len(args) > 2:
						out[r] = p.Arg(r, 2)
					default:
						out[r] = types.Null
					}
				}
				return nil
			}
		}
	}
	for _, ll := range []struct {
		name string
		sign int
	}{{"lag", -1}, {"lead", 1}} {
		registerWindow(ll.name, []param{pElem}, types.Type{}, sameAsFirst, lagLead(ll.sign))
		registerWindow(ll.name, []param{pElem, p(I4)}, types.Type{}, sameAsFirst, lagLead(ll.sign))
		registerWindow(ll.name, []param{pElem, p(I4), pElem}, types.Type{}, sameAsFirst, lagLead(ll.sign))
	}
	registerWindow("first_value", []param{pElem}, types.Type{}, sameAsFirst, static(func(p Partition, out []types.Datum) error {
		for r := range out {
			s, e := p.Frame(r)
			out[r] = types.Null
			if i := frameRow(p, r, s, e, 0); i >= 0 {
				out[r] = p.Arg(i, 0)
			}
		}
		return nil
	}))
	registerWindow("last_value", []param{pElem}, types.Type{}, sameAsFirst, static(func(p Partition, out []types.Datum) error {
		for r := range out {
			s, e := p.Frame(r)
			out[r] = types.Null
			if i := frameRow(p, r, s, e, -1); i >= 0 {
				out[r] = p.Arg(i, 0)
			}
		}
		return nil
	}))
	registerWindow("nth_value", []param{pElem, p(I4)}, types.Type{}, sameAsFirst, static(func(p Partition, out []types.Datum) error {
		for r := range out {
			nd := p.Arg(r, 1)
			out[r] = types.Null
			if nd.IsNull() {
				continue
			}
			n := nd.Int()
			if n <= 0 {
				return sqlerr.New(sqlerr.InvalidArgumentForNthValueFunction, "argument of nth_value must be greater than zero")
			}
			s, e := p.Frame(r)
			if n <= int64(e-s) {
				if i := frameRow(p, r, s, e, int(n-1)); i >= 0 {
					out[r] = p.Arg(i, 0)
				}
			}
		}
		return nil
	}))
}

// frameRow returns the row number of the k-th row (from 0) of row r's
// frame [s, e) after its EXCLUDE clause, the last for k = -1; -1 when the
// frame has no such row.
func frameRow(p Partition, r, s, e, k int) int {
	if !p.Excludes() {
		switch {
		case s >= e:
			return -1
		case k < 0:
			return e - 1
		case s+k < e:
			return s + k
		}
		return -1
	}
	if k < 0 {
		for i := e - 1; i >= s; i-- {
			if !p.Excluded(r, i) {
				return i
			}
		}
		return -1
	}
	for i := s; i < e; i++ {
		if !p.Excluded(r, i) {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return -1
}
