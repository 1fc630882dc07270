package builtins

import (
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"time"
)

// Table functions (set-returning functions in FROM) return rows, not a
// value: generate_series(1, 10), unnest(array). They resolve by the same
// rules as scalar functions; a NULL argument gives no rows.

// TableColumn is one output column of a table function.
type TableColumn struct {
	Name string
	Type types.Type
}

// TableIter returns the next row of a table function's output.
type TableIter func() (row []types.Datum, ok bool, err error)

// TableFunc is a resolved table function.
type TableFunc struct {
	Name     string
	ArgTypes []types.Type
	// Cols are the output columns. A function with one column names it
	// after the function (or the FROM alias), as PostgreSQL does.
	Cols []TableColumn
	// Open starts the function on argument values (already converted to
	// ArgTypes).
	Open func(args []types.Datum) (TableIter, error)
}

// tableImpl is the table-function part of an overload.
type tableImpl struct {
	cols func(args []types.Type) []TableColumn
	open func(args []types.Datum) (TableIter, error)
	// openIn, when set, is open in a session time zone (the series of
	// timestamptz steps by days on the wall clock there).
	openIn func(args []types.Datum, zone *time.Location) (TableIter, error)
}

var tableRegistry = map[string][]*overload{}

func registerTable(name string, params []param, cols func([]types.Type) []TableColumn, open func([]types.Datum) (TableIter, error)) {
	tableRegistry[name] = append(tableRegistry[name], &overload{params: params, table: &tableImpl{cols: cols, open: open}})
}

// LookupTable resolves a table function call. Errors: 42883 when nothing
// matches, 42725 when several candidates match equally well.
func LookupTable(name string, args []types.Type) (*TableFunc, error) {
	return LookupTableIn(name, args, nil)
}

// LookupTableIn is LookupTable for a session in the time zone zone
// (nil: UTC).
func LookupTableIn(name string, args []types.Type, zone *time.Location) (*TableFunc, error) {
	name = normalizeName(name)
	o, argTypes, err := resolve(name, tableRegistry[name], args, false)
	if err != nil {
		return nil, err
	}
	open := o.table.open
	if in := o.table.openIn; in != nil {
		open = func(args []types.Datum) (TableIter, error) { return in(args, zone) }
	}
	return &TableFunc{
		Name:     name,
		ArgTypes: argTypes,
		Cols:     o.table.cols(argTypes),
		Open: func(args []types.Datum) (TableIter, error) {
			for _, a := range args {
				if a.IsNull() {
					return func() ([]types.Datum, bool, error) { return nil, false, nil }, nil
				}
			}
			return open(args)
		},
	}, nil
}

// IsTableFunc reports whether name is a table function.
func IsTableFunc(name string) bool {
	_, ok := tableRegistry[normalizeName(name)]
	return ok
}

func oneColumn(name string, t types.Type) func([]types.Type) []TableColumn {
	return func([]types.Type) []TableColumn { return []TableColumn{{Name: name, Type: t}} }
}

func init() {
	intSeries := func(t types.Type, mk func(int64) types.Datum) {
		for _, n := range []int{2, 3} {
			params := []param{p(t), p(t)}
			if n == 3 {
				params = append(params, p(t))
			}
			registerTable("generate_series", params, oneColumn("generate_series", t), func(a []types.Datum) (TableIter, error) {
				cur, stop, step := a[0].Int(), a[1].Int(), int64(1)
				if len(a) == 3 {
					step = a[2].Int()
				}
				if step == 0 {
					return nil, sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
				}
				done := false
				return func() ([]types.Datum, bool, error) {
					if done || (step > 0 && cur > stop) || (step < 0 && cur < stop) {
						return nil, false, nil
					}
					v := cur
					// Stop instead of overflowing past the end of the type.
					next := cur + step
					if (step > 0 && next < cur) || (step < 0 && next > cur) {
						done = true
					}
					cur = next
					return []types.Datum{mk(v)}, true, nil
				}, nil
			})
		}
	}
	intSeries(types.Int4, func(v int64) types.Datum { return types.NewInt4(int32(v)) })
	intSeries(types.Int8, types.NewInt8)
	for _, n := range []int{2, 3} {
		params := []param{p(types.Decimal), p(types.Decimal)}
		if n == 3 {
			params = append(params, p(types.Decimal))
		}
		registerTable("generate_series", params, oneColumn("generate_series", types.Decimal), numericSeries)
	}
	for _, t := range []types.Type{types.Timestamp, types.TimestampTZ} {
		t := t
		series := func(a []types.Datum, zone *time.Location) (TableIter, error) {
			add, _, err := types.BinaryOpFunc(types.OpAdd, t, types.Interval)
			if err != nil {
				return nil, err
			}
			if zoned := types.ZonedOpFunc(types.OpAdd, t, types.Interval, zone); zoned != nil {
				add = zoned
			}
			zero := types.NewInterval(types.IntervalValue{})
			sign := types.Compare(a[2], zero)
			if sign == 0 {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
			}
			cur, stop, step := a[0], a[1], a[2]
			return func() ([]types.Datum, bool, error) {
				c := types.Compare(cur, stop)
				if (sign > 0 && c > 0) || (sign < 0 && c < 0) {
					return nil, false, nil
				}
				v := cur
				next, err := add(cur, step)
				if err != nil {
					return nil, false, err
				}
				cur = next
				return []types.Datum{v}, true, nil
			}, nil
		}
		tableRegistry["generate_series"] = append(tableRegistry["generate_series"], &overload{
			params: []param{p(t), p(t), p(types.Interval)},
			table: &tableImpl{cols: oneColumn("generate_series", t), openIn: series,
				open: func(a []types.Datum) (TableIter, error) { return series(a, nil) }},
		})
	}
	// pg_partition_ancestors(rel): the relation and the tables it is a
	// partition of; cairn has no partitions, so the relation alone
	// (psql's \d asks it for the foreign keys that reference a table).
	registerTable("pg_partition_ancestors", []param{p(types.Int8)}, oneColumn("relid", types.Int8), func(a []types.Datum) (TableIter, error) {
		done := false
		return func() ([]types.Datum, bool, error) {
			if done {
				return nil, false, nil
			}
			done = true
			return []types.Datum{a[0]}, true, nil
		}, nil
	})
	registerTable("unnest", []param{pArr}, func(args []types.Type) []TableColumn {
		return []TableColumn{{Name: "unnest", Type: args[0].Elem()}}
	}, func(a []types.Datum) (TableIter, error) {
		elems := a[0].Array().Elems
		i := 0
		return func() ([]types.Datum, bool, error) {
			if i >= len(elems) {
				return nil, false, nil
			}
			i++
			return []types.Datum{elems[i-1]}, true, nil
		}, nil
	})
	registerTable("generate_subscripts", []param{pArr, p(types.Int4)}, oneColumn("generate_subscripts", types.Int4), func(a []types.Datum) (TableIter, error) {
		n := 0
		if a[1].Int() == 1 {
			n = len(a[0].Array().Elems)
		}
		i := 0
		return func() ([]types.Datum, bool, error) {
			if i >= n {
				return nil, false, nil
			}
			i++
			return []types.Datum{types.NewInt4(int32(i))}, true, nil
		}, nil
	})
}

// numericSeries is generate_series over numeric values.
func numericSeries(a []types.Datum) (TableIter, error) {
	step := types.NewInt4(1)
	if len(a) == 3 {
		step = a[2]
	}
	add, _, err := types.BinaryOpFunc(types.OpAdd, types.Decimal, types.Decimal)
	if err != nil {
		return nil, err
	}
	toNum := func(d types.Datum) (types.Datum, error) {
		if d.Kind() == types.NumericFamily {
			return d, nil
		}
		fn, _ := types.CastFunc(types.TypeOfDatum(d), types.Decimal, types.CastImplicit)
		return fn(d)
	}
	if step, err = toNum(step); err != nil {
		return nil, err
	}
	zero, _ := toNum(types.NewInt4(0))
	sign := types.Compare(step, zero)
	if sign == 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
	}
	cur, stop := a[0], a[1]
	return func() ([]types.Datum, bool, error) {
		c := types.Compare(cur, stop)
		if (sign > 0 && c > 0) || (sign < 0 && c < 0) {
			return nil, false, nil
		}
		v := cur
		next, err := add(cur, step)
		if err != nil {
			return nil, false, err
		}
		cur = next
		return []types.Datum{v}, true, nil
	}, nil
}
