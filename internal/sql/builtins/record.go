package builtins

import (
	"time"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Record functions return rows whose columns the query defines with a
// column definition list: FROM jsonb_to_record(doc) AS t(a int, b text).
// Each column takes the object's key of its name, converted as
// PostgreSQL's populate_record does: a missing key or a JSON null is
// NULL; a jsonb column takes the value as it is; an array column an
// array's elements, each converted; any other column the value's text (a
// string's contents) read as that type.

// RecordFunc is a resolved record function.
type RecordFunc struct {
	Name     string
	ArgTypes []types.Type
	// Open starts the function on argument values for the columns the
	// definition list gives.
	Open func(args []types.Datum, cols []TableColumn, zone *time.Location) (TableIter, error)
}

var recordFuncs = map[string]bool{"jsonb_to_record": true, "jsonb_to_recordset": true, "json_to_record": true, "json_to_recordset": true}

// IsRecordFunc reports whether name is a function returning records,
// whose columns a column definition list must give.
func IsRecordFunc(name string) bool { return recordFuncs[normalizeName(name)] }

// LookupRecord resolves a record function's call.
func LookupRecord(name string, args []types.Type) (*RecordFunc, error) {
	name = normalizeName(name)
	_, argTypes, err := resolve(name, []*overload{{params: []param{p(types.JSONB)}}}, args, false)
	if err != nil {
		return nil, err
	}
	set := name == "jsonb_to_recordset" || name == "json_to_recordset"
	return &RecordFunc{Name: name, ArgTypes: argTypes, Open: func(a []types.Datum, cols []TableColumn, zone *time.Location) (TableIter, error) {
		var objs []jsonb.Doc
		if a[0].IsNull() {
			// NULL: one row of NULLs for a record, none for a set.
			if set {
				return func() ([]types.Datum, bool, error) { return nil, false, nil }, nil
			}
			done := false
			return func() ([]types.Datum, bool, error) {
				if done {
					return nil, false, nil
				}
				done = true
				return make([]types.Datum, len(cols)), true, nil
			}, nil
		}
		doc := a[0].Doc()
		switch {
		case !set && doc.Kind() == jsonb.Array:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot call populate_composite on an array")
		case !set && doc.Kind() != jsonb.Object:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot call populate_composite on a scalar")
		case !set:
			objs = []jsonb.Doc{doc}
		case doc.Kind() != jsonb.Array:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot call %s on a non-array", name)
		default:
			for i := range doc.Len() {
				e, _ := doc.Index(i)
				if e.Kind() != jsonb.Object {
					return nil, sqlerr.New(sqlerr.InvalidParameterValue, "argument of %s must be an array of objects", name)
				}
				objs = append(objs, e)
			}
		}
		i := 0
		return func() ([]types.Datum, bool, error) {
			if i >= len(objs) {
				return nil, false, nil
			}
			obj := objs[i]
			i++
			row := make([]types.Datum, len(cols))
			for k, c := range cols {
				v, ok := obj.Field(c.Name)
				if !ok {
					row[k] = types.Null
					continue
				}
				d, err := jsonToColumn(v, c.Type, zone)
				if err != nil {
					return nil, false, err
				}
				row[k] = d
			}
			return row, true, nil
		}, nil
	}}, nil
}

// jsonToColumn converts a JSON value to a column of type t, as
// populate_record does.
func jsonToColumn(v jsonb.Doc, t types.Type, zone *time.Location) (types.Datum, error) {
	switch {
	case v.Kind() == jsonb.Null:
		return types.Null, nil
	case t.Family() == types.JSONBFamily:
		return types.NewJSONBDoc(v), nil
	case t.IsArray() && v.Kind() == jsonb.Array:
		elems := make([]types.Datum, v.Len())
		for i := range elems {
			e, _ := v.Index(i)
			d, err := jsonToColumn(e, t.Elem(), zone)
			if err != nil {
				return types.Null, err
			}
			elems[i] = d
		}
		return types.NewArray(t.Elem(), elems), nil
	}
	s, _ := v.Text()
	return types.ParseTextIn(t, s, zone)
}
