package cairn

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// projectSQL compiles a projection ({"a": 1, "b.c": 1} includes,
// {"a": 0} excludes; _id is kept unless {"_id": 0}) into a jsonb
// expression over src. An included path that runs through an array is
// dropped rather than projected into the elements (MongoDB does the
// latter).
func projectSQL(p any, src string) (string, error) {
	o, ok := p.(object)
	if !ok {
		return "", errInvalid("projection must be an object")
	}
	include, exclude := map[string]bool{}, []string{}
	idOut := false
	mode := 0 // 1 include, -1 exclude
	for _, m := range o {
		var on bool
		switch v := m.v.(type) {
		case bool:
			on = v
		case json.Number:
			on = v != "0"
		default:
			return "", errInvalid("projection values must be 0, 1, true or false")
		}
		if _, err := splitPath(m.k); err != nil {
			return "", err
		}
		if m.k == "_id" {
			idOut = !on
			continue
		}
		want := -1
		if on {
			want = 1
		}
		if mode != 0 && mode != want {
			return "", errInvalid("projection cannot mix inclusion and exclusion")
		}
		mode = want
		if on {
			include[m.k] = true
		} else {
			exclude = append(exclude, m.k)
		}
	}
	if mode <= 0 {
		if idOut {
			exclude = append(exclude, "_id")
		}
		expr := src
		for _, path := range exclude {
			comps, _ := splitPath(path)
			expr = "(" + expr + " #- " + textArrayLiteral(comps) + ")"
		}
		return expr, nil
	}
	if !idOut {
		include["_id"] = true
	}
	var paths [][]string
	for p := range include {
		comps, _ := splitPath(p)
		paths = append(paths, comps)
	}
	sort.Slice(paths, func(i, j int) bool { return strings.Join(paths[i], ".") < strings.Join(paths[j], ".") })
	return buildProjection(src, nil, paths), nil
}

// buildProjection builds the object holding paths (all below prefix):
// each top key either copied whole or, for deeper paths, an object built
// the same way when the source has an object there.
func buildProjection(src string, prefix []string, paths [][]string) string {
	groups := map[string][][]string{}
	var keys []string
	for _, p := range paths {
		k := p[len(prefix)]
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	expr := "'{}'::jsonb"
	for _, k := range keys {
		full := append(append([]string(nil), prefix...), k)
		at := src + " #> " + textArrayLiteral(full)
		whole := false
		for _, p := range groups[k] {
			whole = whole || len(p) == len(full)
		}
		var part string
		if whole {
			part = "CASE WHEN " + at + " IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(" + sqlString(k) + ", " + at + ") END"
		} else {
			sub := buildProjection(src, full, groups[k])
			part = "CASE WHEN jsonb_typeof(" + at + ") = 'object' THEN jsonb_build_object(" + sqlString(k) + ", " + sub + ") ELSE '{}'::jsonb END"
		}
		expr = "(" + expr + " || " + part + ")"
	}
	return expr
}

// sqlString quotes s as a SQL string literal. Used only for object keys
// taken from paths and projections, never for filter values.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Aggregate runs a pipeline (a JSON array of stages, or []any of them)
// and returns a cursor over its output documents. Stages: $match (a
// filter; leading ones use the collection's indexes), $group (_id: null,
// "$path" or an object of "$path"s; accumulators $sum, $avg, $min, $max,
// $count), $sort, $skip, $limit, $project (include or exclude) and
// $count. The whole pipeline compiles to one SQL statement.
//
// Pipeline field references ("$a.b") follow objects only: a path through
// an array is missing. $sum and $avg ignore non-numbers; $min and $max
// ignore null and missing and compare across types in jsonb order.
func (c *Collection) Aggregate(ctx context.Context, pipeline any) (*Cursor, error) {
	sql, args, err := c.aggregateSQL(ctx, pipeline)
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return newCursor(rows), nil
}

func (c *Collection) aggregateSQL(ctx context.Context, pipeline any) (string, []any, error) {
	p, err := toValue(pipeline)
	if err != nil {
		return "", nil, err
	}
	stages, ok := p.([]any)
	if !ok {
		return "", nil, errInvalid("a pipeline must be an array of stages")
	}
	t, err := c.table()
	if err != nil {
		return "", nil, err
	}
	fc := &filterCompiler{paths: &c.db.paths}
	// Leading $match stages filter the table itself, so indexes apply.
	var where []string
	i := 0
	for ; i < len(stages); i++ {
		st, ok := stages[i].(object)
		if !ok || len(st) != 1 || st[0].k != "$match" {
			break
		}
		idx, err := c.indexedPaths(ctx, st[0].v)
		if err != nil {
			return "", nil, err
		}
		fc.indexed = idx
		pred, err := fc.compile(st[0].v, "doc", true)
		if err != nil {
			return "", nil, err
		}
		where = append(where, pred)
	}
	cur := "SELECT doc, 0 AS ord FROM " + t
	if len(where) > 0 {
		cur += " WHERE " + strings.Join(where, " AND ")
	}
	fc.indexed = nil
	for ; i < len(stages); i++ {
		st, ok := stages[i].(object)
		if !ok || len(st) != 1 {
			return "", nil, errInvalid("stage %d must be an object with one stage operator", i)
		}
		op, arg := st[0].k, st[0].v
		s := fc.newAlias("s")
		from := " FROM (" + cur + ") " + s
		switch op {
		case "$match":
			pred, err := fc.compile(arg, "doc", false)
			if err != nil {
				return "", nil, err
			}
			cur = "SELECT doc, ord" + from + " WHERE " + pred
		case "$sort":
			o, ok := arg.(object)
			if !ok || len(o) == 0 {
				return "", nil, errInvalid("$sort needs an object of paths")
			}
			var keys []string
			for _, m := range o {
				comps, err := splitPath(m.k)
				if err != nil {
					return "", nil, err
				}
				dir := " ASC NULLS FIRST"
				switch m.v {
				case json.Number("1"):
				case json.Number("-1"):
					dir = " DESC NULLS LAST"
				default:
					return "", nil, errInvalid("$sort direction must be 1 or -1")
				}
				keys = append(keys, "doc #> "+textArrayLiteral(comps)+dir)
			}
			cur = "SELECT doc, row_number() OVER (ORDER BY " + strings.Join(keys, ", ") + ", ord) AS ord" + from
		case "$skip", "$limit":
			n, ok := arg.(json.Number)
			v, err := strconv.ParseInt(string(n), 10, 64)
			if !ok || err != nil || v < 0 || (op == "$limit" && v == 0) {
				return "", nil, errInvalid("%s needs a positive integer", op)
			}
			clause := " LIMIT "
			if op == "$skip" {
				clause = " OFFSET "
			}
			cur = "SELECT doc, ord" + from + " ORDER BY ord" + clause + strconv.FormatInt(v, 10)
		case "$project":
			expr, err := projectSQL(arg, "doc")
			if err != nil {
				return "", nil, err
			}
			cur = "SELECT " + expr + " AS doc, ord" + from
		case "$count":
			name, ok := arg.(string)
			if !ok || name == "" || strings.HasPrefix(name, "$") || strings.Contains(name, ".") {
				return "", nil, errInvalid("$count needs a field name")
			}
			cur = "SELECT jsonb_build_object(" + fc.param(name) + "::text, count(*)) AS doc, 0 AS ord" + from + " HAVING count(*) > 0"
		case "$group":
			sql, err := fc.group(arg, from)
			if err != nil {
				return "", nil, err
			}
			cur = sql
		default:
			return "", nil, errSyntax("unsupported pipeline stage: %s", op)
		}
	}
	s := fc.newAlias("s")
	return "SELECT doc FROM (" + cur + ") " + s + " ORDER BY ord", fc.args, nil
}

// fieldRef compiles "$a.b" to the jsonb at that path, SQL NULL for
// missing and for JSON null (MongoDB groups both as null).
func fieldRef(v any) (string, error) {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "$") {
		return "", errInvalid("expected a field reference \"$path\", not %s", jsonText(v))
	}
	comps, err := splitPath(s[1:])
	if err != nil {
		return "", err
	}
	return "NULLIF(doc #> " + textArrayLiteral(comps) + ", 'null'::jsonb)", nil
}

func (fc *filterCompiler) group(arg any, from string) (string, error) {
	o, ok := arg.(object)
	if !ok {
		return "", errInvalid("$group needs an object")
	}
	idv, ok := o.get("_id")
	if !ok {
		return "", errInvalid("$group needs an _id")
	}
	var key string
	switch idv := idv.(type) {
	case nil:
		key = ""
	case string:
		k, err := fieldRef(idv)
		if err != nil {
			return "", err
		}
		key = k
	case object:
		var parts []string
		for _, m := range idv {
			k, err := fieldRef(m.v)
			if err != nil {
				return "", err
			}
			parts = append(parts, fc.param(m.k)+"::text", k)
		}
		key = "jsonb_build_object(" + strings.Join(parts, ", ") + ")"
	default:
		return "", errInvalid("$group _id must be null, a \"$path\" or an object of them")
	}
	idExpr := key
	if key == "" {
		idExpr = "NULL::jsonb"
	}
	fields := []string{"'_id'", idExpr}
	for _, m := range o {
		if m.k == "_id" {
			continue
		}
		if strings.HasPrefix(m.k, "$") || strings.Contains(m.k, ".") {
			return "", errInvalid("$group field name %q is invalid", m.k)
		}
		acc, ok := m.v.(object)
		if !ok || len(acc) != 1 {
			return "", errInvalid("$group field %q needs one accumulator", m.k)
		}
		expr, err := fc.accumulator(acc[0].k, acc[0].v)
		if err != nil {
			return "", err
		}
		fields = append(fields, fc.param(m.k)+"::text", expr)
	}
	sql := "SELECT jsonb_build_object(" + strings.Join(fields, ", ") + ") AS doc, 0 AS ord" + from
	if key != "" {
		sql += " GROUP BY " + key
	} else {
		sql += " HAVING count(*) > 0"
	}
	return sql, nil
}

func (fc *filterCompiler) accumulator(op string, v any) (string, error) {
	num := func(ref string) string {
		return "CASE WHEN jsonb_typeof(" + ref + ") = 'number' THEN (" + ref + ")::numeric END"
	}
	switch op {
	case "$count":
		if o, ok := v.(object); !ok || len(o) != 0 {
			return "", errInvalid("$count takes {}")
		}
		return "count(*)", nil
	case "$sum":
		if n, ok := v.(json.Number); ok {
			return "(count(*) * " + fc.param(string(n)) + "::numeric)", nil
		}
		ref, err := fieldRef(v)
		if err != nil {
			return "", err
		}
		return "COALESCE(sum(" + num(ref) + "), 0)", nil
	case "$avg":
		ref, err := fieldRef(v)
		if err != nil {
			return "", err
		}
		return "avg(" + num(ref) + ")", nil
	case "$min", "$max":
		ref, err := fieldRef(v)
		if err != nil {
			return "", err
		}
		// jsonb_agg in jsonb order, nulls dropped (strict: no lax
		// unwrapping of array values); min is the first, max the last.
		vals := "jsonb_path_query_array(jsonb_agg(" + ref + " ORDER BY " + ref + "), 'strict $[*] ? (@ != null)')"
		if op == "$min" {
			return "(" + vals + " -> 0)", nil
		}
		return "(" + vals + " -> -1)", nil
	}
	return "", errSyntax("unsupported accumulator: %s", op)
}
