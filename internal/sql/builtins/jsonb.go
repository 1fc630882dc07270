package builtins

import (
	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"time"
)

// The jsonb functions of PostgreSQL 15 (section 9.16), over the binary
// documents of package jsonb. The set-returning ones (jsonb_each,
// jsonb_array_elements, jsonb_path_query...) are table functions, for
// FROM and LATERAL.

func jsonbDatum(doc jsonb.Doc, err error) (types.Datum, error) {
	if err != nil {
		return types.Null, err
	}
	return types.NewJSONBDoc(doc), nil
}

func encodeDatum(v jsonb.Value) (types.Datum, error) { return jsonbDatum(jsonb.Encode(v)) }

// pathArg reads a text[] path argument.
func pathArg(d types.Datum) ([]string, []bool) {
	elems := d.Array().Elems
	path := make([]string, len(elems))
	nulls := make([]bool, len(elems))
	for i, e := range elems {
		if e.IsNull() {
			nulls[i] = true
		} else {
			path[i] = e.Str()
		}
	}
	return path, nulls
}

func init() {
	J, T, TA, B := types.JSONB, types.Text, types.ArrayOf(types.Text), types.Bool
	register("jsonb_typeof", &overload{params: []param{p(J)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		return text(a[0].Doc().Kind().String()), nil
	}})
	register("jsonb_array_length", &overload{params: []param{p(J)}, ret: types.Int4, fn: func(a []types.Datum) (types.Datum, error) {
		n, err := jsonb.ArrayLength(a[0].Doc())
		if err != nil {
			return types.Null, err
		}
		return int4(n), nil
	}})
	register("jsonb_strip_nulls", &overload{params: []param{p(J)}, ret: J, fn: func(a []types.Datum) (types.Datum, error) {
		return jsonbDatum(jsonb.StripNulls(a[0].Doc()))
	}})
	register("jsonb_pretty", &overload{params: []param{p(J)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		return text(a[0].Doc().Pretty()), nil
	}})
	set := func(a []types.Datum, create bool) (types.Datum, error) {
		path, nulls := pathArg(a[1])
		return jsonbDatum(jsonb.Set(a[0].Doc(), path, nulls, a[2].Doc(), create))
	}
	register("jsonb_set", &overload{params: []param{p(J), p(TA), p(J)}, ret: J, fn: func(a []types.Datum) (types.Datum, error) {
		return set(a, true)
	}})
	register("jsonb_set", &overload{params: []param{p(J), p(TA), p(J), p(B)}, ret: J, fn: func(a []types.Datum) (types.Datum, error) {
		return set(a, a[3].Bool())
	}})
	insert := func(a []types.Datum, after bool) (types.Datum, error) {
		path, nulls := pathArg(a[1])
		return jsonbDatum(jsonb.Insert(a[0].Doc(), path, nulls, a[2].Doc(), after))
	}
	register("jsonb_insert", &overload{params: []param{p(J), p(TA), p(J)}, ret: J, fn: func(a []types.Datum) (types.Datum, error) {
		return insert(a, false)
	}})
	register("jsonb_insert", &overload{params: []param{p(J), p(TA), p(J), p(B)}, ret: J, fn: func(a []types.Datum) (types.Datum, error) {
		return insert(a, a[3].Bool())
	}})
	extract := func(a []types.Datum) (jsonb.Doc, bool) {
		path := make([]string, 0, len(a)-1)
		for _, d := range a[1:] {
			if d.IsNull() {
				return "", false
			}
			path = append(path, d.Str())
		}
		return a[0].Doc().Path(path)
	}
	// jsonb_extract_path(from_json, VARIADIC path_elems text[]) is #>
	// spelled as a function; a NULL path element gives NULL.
	register("jsonb_extract_path", &overload{params: []param{p(J), p(T)}, variadic: true, ret: J, nonStrct: true,
		fn: func(a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() {
				return types.Null, nil
			}
			doc, ok := extract(a)
			if !ok {
				return types.Null, nil
			}
			return types.NewJSONBDoc(doc), nil
		}})
	register("jsonb_extract_path_text", &overload{params: []param{p(J), p(T)}, variadic: true, ret: T, nonStrct: true,
		fn: func(a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() {
				return types.Null, nil
			}
			doc, ok := extract(a)
			if !ok {
				return types.Null, nil
			}
			s, ok := doc.Text()
			if !ok {
				return types.Null, nil
			}
			return text(s), nil
		}})
	// The functions that turn values into JSON print a timestamptz in
	// the session time zone: they are bound in it (zoneOnly).
	register("to_jsonb", &overload{params: []param{pAny}, ret: J, zoneOnly: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		v, err := types.ToJSONBIn(a[0], ctx.Zone)
		if err != nil {
			return types.Null, err
		}
		return encodeDatum(v)
	}})
	buildArray := func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		elems := make([]jsonb.Value, len(a))
		for i, d := range a {
			v, err := types.ToJSONBIn(d, ctx.Zone)
			if err != nil {
				return types.Null, err
			}
			elems[i] = v
		}
		return encodeDatum(jsonb.ArrayValue(elems))
	}
	register("jsonb_build_array", &overload{ret: J, zoneOnly: true, ctxFn: buildArray})
	register("jsonb_build_array", &overload{params: []param{pAny}, variadic: true, ret: J, nonStrct: true, zoneOnly: true, ctxFn: buildArray})
	buildObject := func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		if len(a)%2 != 0 {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "argument list must have even number of elements").
				WithHint("The arguments of jsonb_build_object() must consist of alternating keys and values.")
		}
		keys := make([]string, 0, len(a)/2)
		vals := make([]jsonb.Value, 0, len(a)/2)
		for i := 0; i < len(a); i += 2 {
			k, err := jsonKey(a[i], i+1)
			if err != nil {
				return types.Null, err
			}
			v, err := types.ToJSONBIn(a[i+1], ctx.Zone)
			if err != nil {
				return types.Null, err
			}
			keys = append(keys, k)
			vals = append(vals, v)
		}
		return encodeDatum(jsonb.ObjectValue(keys, vals))
	}
	register("jsonb_build_object", &overload{ret: J, zoneOnly: true, ctxFn: buildObject})
	register("jsonb_build_object", &overload{params: []param{pAny}, variadic: true, ret: J, nonStrct: true, zoneOnly: true, ctxFn: buildObject})

	// jsonpath: cairn has no jsonpath type, so the path is text; the
	// optional vars and silent arguments are PostgreSQL's.
	type pathFn func(p *jsonb.JSONPath, doc, vars jsonb.Doc, silent bool) (types.Datum, error)
	regPath := func(name string, ret types.Type, f pathFn) {
		call := func(a []types.Datum) (types.Datum, error) {
			path, err := jsonb.ParsePath(a[1].Str())
			if err != nil {
				return types.Null, err
			}
			var vars jsonb.Doc
			if len(a) > 2 {
				vars = a[2].Doc()
			}
			silent := len(a) > 3 && a[3].Bool()
			return f(path, a[0].Doc(), vars, silent)
		}
		register(name, &overload{params: []param{p(J), p(T)}, ret: ret, fn: call})
		register(name, &overload{params: []param{p(J), p(T), p(J)}, ret: ret, fn: call})
		register(name, &overload{params: []param{p(J), p(T), p(J), p(B)}, ret: ret, fn: call})
	}
	regPath("jsonb_path_exists", B, func(p *jsonb.JSONPath, doc, vars jsonb.Doc, silent bool) (types.Datum, error) {
		ok, known, err := p.Exists(doc, vars, silent)
		if err != nil || !known {
			return types.Null, err
		}
		return types.NewBool(ok), nil
	})
	regPath("jsonb_path_match", B, func(p *jsonb.JSONPath, doc, vars jsonb.Doc, silent bool) (types.Datum, error) {
		ok, known, err := p.Match(doc, vars, silent)
		if err != nil || !known {
			return types.Null, err
		}
		return types.NewBool(ok), nil
	})
	regPath("jsonb_path_query_first", J, func(p *jsonb.JSONPath, doc, vars jsonb.Doc, silent bool) (types.Datum, error) {
		items, err := p.Query(doc, vars, silent)
		if err != nil || len(items) == 0 {
			return types.Null, err
		}
		return types.NewJSONBDoc(items[0]), nil
	})
	regPath("jsonb_path_query_array", J, func(p *jsonb.JSONPath, doc, vars jsonb.Doc, silent bool) (types.Datum, error) {
		items, err := p.Query(doc, vars, silent)
		if err != nil {
			return types.Null, err
		}
		elems := make([]jsonb.Value, len(items))
		for i, it := range items {
			elems[i] = it.Value()
		}
		return encodeDatum(jsonb.ArrayValue(elems))
	})
	registerJSONBAggregates()
}

// jsonKey converts an object key argument (argument number n, 1-based)
// to text, as jsonb_build_object does: it must not be NULL, and must be
// a scalar.
func jsonKey(d types.Datum, n int) (string, error) {
	if d.IsNull() {
		return "", sqlerr.New(sqlerr.NullValueNotAllowed, "argument %d: key must not be null", n)
	}
	switch d.Kind() {
	case types.ArrayFamily, types.JSONBFamily:
		if d.Kind() == types.JSONBFamily && d.Doc().IsScalar() {
			if s, ok := d.Doc().Text(); ok {
				return s, nil
			}
		}
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "key value must be scalar, not array, composite, or json")
	}
	return textOf(d), nil
}

func registerJSONBAggregates() {
	o := &overload{params: []param{pAny}, ret: types.JSONB, nonStrct: true, newAgg: func([]types.Type) func() AggState {
		return func() AggState { return &jsonbAgg{} }
	}}
	registerAgg("jsonb_agg", o)
	o = &overload{params: []param{pAny, pAny}, ret: types.JSONB, nonStrct: true, newAgg: func([]types.Type) func() AggState {
		return func() AggState { return &jsonbObjectAgg{} }
	}}
	registerAgg("jsonb_object_agg", o)
}

// jsonbAgg is jsonb_agg: every row's value, NULLs as JSON null; NULL
// for no rows.
type jsonbAgg struct {
	elems []jsonb.Value
	any   bool
	zone  *time.Location // the session time zone (zoned)
}

func (s *jsonbAgg) setZone(loc *time.Location) { s.zone = loc }

func (s *jsonbAgg) Add(args []types.Datum) error {
	v, err := types.ToJSONBIn(args[0], s.zone)
	if err != nil {
		return err
	}
	s.elems = append(s.elems, v)
	s.any = true
	return nil
}

func (s *jsonbAgg) Result() (types.Datum, error) {
	if !s.any {
		return types.Null, nil
	}
	return encodeDatum(jsonb.ArrayValue(append([]jsonb.Value(nil), s.elems...)))
}

// jsonbObjectAgg is jsonb_object_agg: key/value pairs into one object (a
// later duplicate key wins); a NULL key is an error, a NULL value null.
type jsonbObjectAgg struct {
	keys []string
	vals []jsonb.Value
	any  bool
	zone *time.Location
}

func (s *jsonbObjectAgg) setZone(loc *time.Location) { s.zone = loc }

func (s *jsonbObjectAgg) Add(args []types.Datum) error {
	if args[0].IsNull() {
		return sqlerr.New(sqlerr.NullValueNotAllowed, "field name must not be null")
	}
	k, err := jsonKey(args[0], 1)
	if err != nil {
		return err
	}
	v, err := types.ToJSONBIn(args[1], s.zone)
	if err != nil {
		return err
	}
	s.keys = append(s.keys, k)
	s.vals = append(s.vals, v)
	s.any = true
	return nil
}

func (s *jsonbObjectAgg) Result() (types.Datum, error) {
	if !s.any {
		return types.Null, nil
	}
	return encodeDatum(jsonb.ObjectValue(append([]string(nil), s.keys...), append([]jsonb.Value(nil), s.vals...)))
}

// jsonbSetReturning are the jsonb set-returning functions, taking one
// jsonb argument (jsonb_path_query takes the path text as a second); they
// are registered as table functions. NULL input gives no rows.
type jsonbSetReturningFunc struct {
	Columns []string
	Types   []types.Type
	Fn      func(args []types.Datum) ([][]types.Datum, error)
}

var jsonbSetReturning = map[string]jsonbSetReturningFunc{
	"jsonb_array_elements": {Columns: []string{"value"}, Types: []types.Type{types.JSONB}, Fn: func(a []types.Datum) ([][]types.Datum, error) {
		elems, err := jsonb.ArrayElements(a[0].Doc())
		rows := make([][]types.Datum, len(elems))
		for i, e := range elems {
			rows[i] = []types.Datum{types.NewJSONBDoc(e)}
		}
		return rows, err
	}},
	"jsonb_array_elements_text": {Columns: []string{"value"}, Types: []types.Type{types.Text}, Fn: func(a []types.Datum) ([][]types.Datum, error) {
		elems, err := jsonb.ArrayElementsText(a[0].Doc())
		rows := make([][]types.Datum, len(elems))
		for i, e := range elems {
			rows[i] = []types.Datum{textOrNull(e)}
		}
		return rows, err
	}},
	"jsonb_object_keys": {Columns: []string{"jsonb_object_keys"}, Types: []types.Type{types.Text}, Fn: func(a []types.Datum) ([][]types.Datum, error) {
		keys, err := jsonb.ObjectKeys(a[0].Doc())
		rows := make([][]types.Datum, len(keys))
		for i, k := range keys {
			rows[i] = []types.Datum{text(k)}
		}
		return rows, err
	}},
	"jsonb_each": {Columns: []string{"key", "value"}, Types: []types.Type{types.Text, types.JSONB}, Fn: func(a []types.Datum) ([][]types.Datum, error) {
		pairs, err := jsonb.Each(a[0].Doc())
		rows := make([][]types.Datum, len(pairs))
		for i, p := range pairs {
			rows[i] = []types.Datum{text(p.Key), types.NewJSONBDoc(p.Value)}
		}
		return rows, err
	}},
	"jsonb_each_text": {Columns: []string{"key", "value"}, Types: []types.Type{types.Text, types.Text}, Fn: func(a []types.Datum) ([][]types.Datum, error) {
		pairs, err := jsonb.EachText(a[0].Doc())
		rows := make([][]types.Datum, len(pairs))
		for i, p := range pairs {
			rows[i] = []types.Datum{text(p.Key), textOrNull(p.Value)}
		}
		return rows, err
	}},
	"jsonb_path_query": {Columns: []string{"jsonb_path_query"}, Types: []types.Type{types.JSONB}, Fn: func(a []types.Datum) ([][]types.Datum, error) {
		path, err := jsonb.ParsePath(a[1].Str())
		if err != nil {
			return nil, err
		}
		var vars jsonb.Doc
		if len(a) > 2 {
			vars = a[2].Doc()
		}
		items, err := path.Query(a[0].Doc(), vars, len(a) > 3 && a[3].Bool())
		rows := make([][]types.Datum, len(items))
		for i, it := range items {
			rows[i] = []types.Datum{types.NewJSONBDoc(it)}
		}
		return rows, err
	}},
}

func init() {
	for name, f := range jsonbSetReturning {
		params := []param{p(types.JSONB)}
		if name == "jsonb_path_query" {
			params = append(params, p(types.Text))
		}
		paramLists := [][]param{params}
		if name == "jsonb_path_query" {
			// Its vars and silent arguments, as the other path functions'.
			paramLists = append(paramLists, append(append([]param{}, params...), p(types.JSONB)),
				append(append([]param{}, params...), p(types.JSONB), p(types.Bool)))
		}
		var cols []TableColumn
		for i, c := range f.Columns {
			cols = append(cols, TableColumn{Name: c, Type: f.Types[i]})
		}
		fn := f.Fn
		for _, params := range paramLists {
			registerTable(name, params, func([]types.Type) []TableColumn { return cols }, func(a []types.Datum) (TableIter, error) {
				rows, err := fn(a)
				if err != nil {
					return nil, err
				}
				return RowsIter(rows), nil
			})
		}
	}
}

func textOrNull(v jsonb.TextValue) types.Datum {
	if !v.Valid {
		return types.Null
	}
	return text(v.S)
}
