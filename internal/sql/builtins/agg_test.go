package builtins

import (
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// runAgg feeds rows (each a list of arguments) to a fresh state.
func runAgg(t *testing.T, name string, argTypes []types.Type, distinct bool, rows [][]types.Datum) (types.Datum, *Agg, error) {
	t.Helper()
	agg, err := LookupAggregate(name, argTypes, distinct)
	if err != nil {
		return types.Null, nil, err
	}
	st := agg.New()
	for _, r := range rows {
		if agg.ArgTypes == nil { // count(*): no arguments
			r = nil
		}
		cast := make([]types.Datum, len(r))
		for i, d := range r {
			if cast[i], err = types.Cast(d, typeOf(d), agg.ArgTypes[i], types.CastExplicit); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Add(cast); err != nil {
			return types.Null, agg, err
		}
	}
	d, err := st.Result()
	return d, agg, err
}

func col(ds ...types.Datum) [][]types.Datum {
	out := make([][]types.Datum, len(ds))
	for i, d := range ds {
		out[i] = []types.Datum{d}
	}
	return out
}

func TestAggregates(t *testing.T) {
	I4, I8, F8, N, T, B := types.Int4, types.Int8, types.Float8, types.Decimal, types.Text, types.Bool
	maxI8 := i8(9223372036854775807)
	for _, c := range []struct {
		name     string
		args     []types.Type
		distinct bool
		rows     [][]types.Datum
		want     string // result, "CODE: message", or the return type after "::"
		typ      string
	}{
		{"count", nil, false, col(i4(1), null(), i4(3)), "3", "bigint"},
		{"count", nil, false, nil, "0", "bigint"},
		{"count", []types.Type{I4}, false, col(i4(1), null(), i4(3)), "2", "bigint"},
		{"count", []types.Type{I4}, false, nil, "0", "bigint"},
		{"count", []types.Type{I4}, true, col(i4(1), i4(1), null(), i4(3)), "2", "bigint"},
		{"count", []types.Type{N}, true, col(num("1.0"), num("1.00"), num("2")), "2", "bigint"},
		{"sum", []types.Type{I4}, false, col(i4(1), null(), i4(2)), "3", "bigint"},
		{"sum", []types.Type{I4}, false, nil, "NULL", "bigint"},
		{"sum", []types.Type{I4}, false, col(null(), null()), "NULL", "bigint"},
		{"sum", []types.Type{I4}, true, col(i4(2), i4(2), i4(3)), "5", "bigint"},
		{"sum", []types.Type{I8}, false, col(maxI8, maxI8, i8(2)), "18446744073709551616", "numeric"},
		{"sum", []types.Type{I8}, false, col(maxI8, i8(1), i8(-5)), "9223372036854775803", "numeric"},
		{"sum", []types.Type{F8}, false, col(f8(1.5), f8(2)), "3.5", "double precision"},
		{"sum", []types.Type{F8}, false, col(f8(1.7e308), f8(1.7e308)), "22003: value out of range: overflow", ""},
		{"sum", []types.Type{N}, false, col(num("1.25"), num("2.5")), "3.75", "numeric"},
		{"sum", []types.Type{types.Interval}, false, col(ival("1 day"), ival("2 hours")), "1 day 02:00:00", "interval"},
		{"sum", []types.Type{T}, false, nil, "42883: function sum(text) does not exist", ""},
		{"sum", []types.Type{types.Unknown}, false, nil, "42725: function sum(unknown) is not unique", ""},
		{"avg", []types.Type{I4}, false, col(i4(1), i4(2)), "1.5000000000000000", "numeric"},
		{"avg", []types.Type{I4}, false, nil, "NULL", "numeric"},
		{"avg", []types.Type{I8}, false, col(maxI8, maxI8), "9223372036854775807", "numeric"},
		{"avg", []types.Type{N}, false, col(num("1"), num("2"), num("2")), "1.6666666666666667", "numeric"},
		{"avg", []types.Type{F8}, false, col(f8(1), f8(2)), "1.5", "double precision"},
		{"avg", []types.Type{types.Interval}, false, col(ival("1 day"), ival("2 days")), "1 day 12:00:00", "interval"},
		{"min", []types.Type{I4}, false, col(i4(3), null(), i4(1), i4(2)), "1", "integer"},
		{"max", []types.Type{T}, false, col(tx("a"), tx("c"), tx("b")), "c", "text"},
		{"max", []types.Type{types.Date}, false, nil, "NULL", "date"},
		{"max", []types.Type{B}, false, nil, "42883: function max(boolean) does not exist", ""},
		{"min", []types.Type{types.ArrayOf(I4)}, false, [][]types.Datum{{typed(types.ArrayOf(I4), "{2}")}, {typed(types.ArrayOf(I4), "{1,5}")}}, "{1,5}", "integer[]"},
		{"bool_and", []types.Type{B}, false, col(types.DTrue, null(), types.DFalse), "f", "boolean"},
		{"bool_and", []types.Type{B}, false, col(types.DTrue, null()), "t", "boolean"},
		{"every", []types.Type{B}, false, nil, "NULL", "boolean"},
		{"bool_or", []types.Type{B}, false, col(types.DFalse, types.DTrue), "t", "boolean"},
		{"string_agg", []types.Type{T, T}, false, [][]types.Datum{{tx("a"), tx(",")}, {null(), tx(",")}, {tx("b"), tx(";")}, {tx("c"), null()}}, "a;bc", "text"},
		{"string_agg", []types.Type{T, types.Unknown}, false, nil, "NULL", "text"},
		{"string_agg", []types.Type{T, T}, true, [][]types.Datum{{tx("a"), tx(",")}, {tx("a"), tx(",")}, {tx("b"), tx(",")}}, "a,b", "text"},
		{"array_agg", []types.Type{I4}, false, col(i4(1), null(), i4(3)), "{1,NULL,3}", "integer[]"},
		{"array_agg", []types.Type{I4}, false, nil, "NULL", "integer[]"},
		{"array_agg", []types.Type{T}, true, col(tx("x"), tx("x"), tx("y")), "{x,y}", "text[]"},
		{"variance", []types.Type{I4}, false, col(i4(1), i4(2), i4(3), i4(4)), "1.6666666666666667", "numeric"},
		{"var_pop", []types.Type{I4}, false, col(i4(1), i4(2), i4(3), i4(4)), "1.2500000000000000", "numeric"},
		{"stddev", []types.Type{I4}, false, col(i4(1), i4(2), i4(3), i4(4)), "1.2909944487358056", "numeric"},
		{"stddev_pop", []types.Type{N}, false, col(num("1"), num("1")), "0", "numeric"},
		{"stddev_samp", []types.Type{I4}, false, col(i4(1)), "NULL", "numeric"},
		{"stddev", []types.Type{F8}, false, col(f8(1), f8(2), f8(3), f8(4)), "1.2909944487358056", "double precision"},
		{"var_samp", []types.Type{F8}, false, col(f8(2), f8(4)), "2", "double precision"},
	} {
		d, agg, err := runAgg(t, c.name, c.args, c.distinct, c.rows)
		got := d.String()
		if err != nil {
			got = string(sqlerr.CodeOf(err)) + ": " + err.Error()
		}
		if got != c.want {
			t.Errorf("%s%v distinct=%v: got %q, want %q", c.name, c.args, c.distinct, got, c.want)
		}
		if c.typ != "" && agg != nil && agg.Return.String() != c.typ {
			t.Errorf("%s%v returns %s, want %s", c.name, c.args, agg.Return, c.typ)
		}
	}
	if !IsAggregate("COUNT") || IsAggregate("lower") {
		t.Error("IsAggregate")
	}
}

// sliceFrame is a Partition over rows of argument values, with peers given
// by equal first-argument values and the default frame.
type sliceFrame struct {
	rows  [][]types.Datum
	frame func(r int) (int, int)
}

func (p *sliceFrame) Len() int                 { return len(p.rows) }
func (p *sliceFrame) Skipped(int) bool         { return false }
func (p *sliceFrame) Excludes() bool           { return false }
func (p *sliceFrame) Excluded(int, int) bool   { return false }
func (p *sliceFrame) Arg(r, i int) types.Datum { return p.rows[r][i] }
func (p *sliceFrame) Peers(r int) (int, int) {
	s, e := r, r+1
	for s > 0 && types.Compare(p.rows[s-1][0], p.rows[r][0]) == 0 {
		s--
	}
	for e < len(p.rows) && types.Compare(p.rows[e][0], p.rows[r][0]) == 0 {
		e++
	}
	return s, e
}
func (p *sliceFrame) Frame(r int) (int, int) {
	if p.frame != nil {
		return p.frame(r)
	}
	_, e := p.Peers(r)
	return 0, e
}

func TestWindow(t *testing.T) {
	I4 := types.Int4
	vals := func(ds ...types.Datum) *sliceFrame { return &sliceFrame{rows: col(ds...)} }
	withArgs := func(extra ...types.Datum) *sliceFrame {
		p := vals(i4(10), i4(20), i4(20), i4(30), i4(40))
		for i := range p.rows {
			p.rows[i] = append(p.rows[i], extra...)
		}
		return p
	}
	for _, c := range []struct {
		name string
		args []types.Type
		p    *sliceFrame
		want string
	}{
		{"row_number", nil, withArgs(), "1 2 3 4 5"},
		{"rank", nil, withArgs(), "1 2 2 4 5"},
		{"dense_rank", nil, withArgs(), "1 2 2 3 4"},
		{"percent_rank", nil, withArgs(), "0 0.25 0.25 0.75 1"},
		{"cume_dist", nil, withArgs(), "0.2 0.6 0.6 0.8 1"},
		{"ntile", []types.Type{I4}, &sliceFrame{rows: [][]types.Datum{{i4(3)}, {i4(3)}, {i4(3)}, {i4(3)}, {i4(3)}}}, "1 1 2 2 3"},
		{"ntile", []types.Type{I4}, &sliceFrame{rows: [][]types.Datum{{i4(0)}}}, "22014: argument of ntile must be greater than zero"},
		{"lag", []types.Type{I4}, withArgs(), "NULL 10 20 20 30"},
		{"lead", []types.Type{I4, I4}, withArgs(i4(2)), "20 30 40 NULL NULL"},
		{"lag", []types.Type{I4, I4, types.Unknown}, withArgs(i4(1), i4(-1)), "-1 10 20 20 30"},
		{"first_value", []types.Type{I4}, withArgs(), "10 10 10 10 10"},
		{"last_value", []types.Type{I4}, withArgs(), "10 20 20 30 40"},
		{"nth_value", []types.Type{I4, I4}, withArgs(i4(2)), "NULL 20 20 20 20"},
		{"nth_value", []types.Type{I4, I4}, withArgs(i4(0)), "22016: argument of nth_value must be greater than zero"},
	} {
		w, err := LookupWindow(c.name, c.args)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		out := make([]types.Datum, c.p.Len())
		got := ""
		if err := w.Eval(c.p, out); err != nil {
			got = string(sqlerr.CodeOf(err)) + ": " + err.Error()
		} else {
			for i, d := range out {
				if i > 0 {
					got += " "
				}
				got += d.String()
			}
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// Aggregates over frames: running sum with the default frame, and a
	// sliding ROWS 1 PRECEDING frame.
	agg, _ := LookupAggregate("sum", []types.Type{I4}, false)
	p := withArgs()
	out := make([]types.Datum, p.Len())
	if err := AggregateWindow(agg)(p, out); err != nil {
		t.Fatal(err)
	}
	if got := joinDatums(out); got != "10 50 50 80 120" {
		t.Errorf("running sum = %s", got)
	}
	p.frame = func(r int) (int, int) { return max(r-1, 0), r + 1 }
	if err := AggregateWindow(agg)(p, out); err != nil {
		t.Fatal(err)
	}
	if got := joinDatums(out); got != "10 30 40 50 70" {
		t.Errorf("sliding sum = %s", got)
	}
	if w, _ := LookupWindow("lag", []types.Type{types.Text}); w.Return != types.Text {
		t.Errorf("lag(text) returns %s", w.Return)
	}
}

func joinDatums(ds []types.Datum) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += " "
		}
		s += d.String()
	}
	return s
}
