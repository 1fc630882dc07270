package cairn

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// A filter document compiles to one SQL boolean over the doc column.
//
// Paths: a field condition's path ("a.b") reaches a set of candidate
// values the way MongoDB walks documents: through objects by key, and
// through an array by applying the rest of the path to each element that
// is an object (one level, as jsonpath's lax mode unwraps one level per
// accessor). A numeric component ("tags.0") also reaches the array
// element at that position. The candidates come from jsonpath in lax
// mode: jsonb_path_query(doc, '$."a"."b"').
//
// Leaves: a candidate matches a value condition if it satisfies it or,
// when it is an array, one of its elements does (lax filters unwrap the
// leaf array): {"tags": "go"} matches "go" and ["go", "sql"]. So
//
//	{"a.b": {"$gt": 5}}  → jsonb_path_exists(doc, '$."a"."b" ? (@ > $v)', '{"v": 5}')
//
// where the path and the vars object are $n parameters. jsonpath
// comparisons only compare values of one type (number with number,
// string with string...), which is MongoDB's type bracketing for $gt and
// friends. Conditions jsonpath cannot state ($size, equality with an
// array or object, $elemMatch) test each candidate in a correlated
// EXISTS over jsonb_path_query.
//
// Negations ($ne, $nin, $not, $nor, $exists: false) negate the positive
// condition, as MongoDB does: {"tags": {"$ne": "go"}} matches documents
// whose tags neither are nor contain "go", and those without tags.
//
// Index hints: see indexExpr. A condition on an indexed path, in a
// position where the whole filter implies it, also emits a conjunct on
// the index expression that the condition implies; the planner uses it
// to narrow the scan and still checks the full predicate on every row.

// filterCompiler builds one statement's SQL and its parameters.
type filterCompiler struct {
	args    []any
	alias   int
	indexed map[string]bool // dotted paths with a collection index
	// byID: the filter selects by _id, so one document at most.
	byID bool
	// paths, if set, keeps field paths' spellings from one filter to
	// the next; cur is the path of the condition being compiled.
	paths *pathCache
	cur   *fieldPath
}

// fieldPath is a field path split into its components, with the SQL
// spellings of it that every condition on the path repeats (the index
// expression alone is some 200 bytes built from nine pieces), made once
// per path and kept (pathCache). Its slices are never written.
type fieldPath struct {
	comps    []string
	literal  string // textArrayLiteral(comps)
	jsonpath string // jsonpathOf(comps)
	index    string // indexExpr(comps)
}

func newFieldPath(path string) (*fieldPath, error) {
	comps, err := splitPath(path)
	if err != nil {
		return nil, err
	}
	comps = comps[:len(comps):len(comps)] // an append copies
	return &fieldPath{comps: comps, literal: textArrayLiteral(comps), jsonpath: jsonpathOf(comps), index: indexExpr(comps)}, nil
}

// is reports whether comps are fp's very components (not a part of
// them, nor a copy): the path a spelling of fp stands for.
func (fp *fieldPath) is(comps []string) bool {
	return fp != nil && len(comps) == len(fp.comps) && len(comps) > 0 && &comps[0] == &fp.comps[0]
}

// pathCache holds the fieldPaths of the paths filters used, up to
// maxCachedPaths of them (filters with ever new paths are made anew).
type pathCache struct {
	m sync.Map // path -> *fieldPath
	n atomic.Int32
}

const maxCachedPaths = 1024

// get returns path's fieldPath, from the cache if it has it.
func (pc *pathCache) get(path string) (*fieldPath, error) {
	if pc != nil {
		if fp, ok := pc.m.Load(path); ok {
			return fp.(*fieldPath), nil
		}
	}
	fp, err := newFieldPath(path)
	if err == nil && pc != nil && pc.n.Load() < maxCachedPaths {
		if _, loaded := pc.m.LoadOrStore(path, fp); !loaded {
			pc.n.Add(1)
		}
	}
	return fp, err
}

func (c *filterCompiler) param(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

func (c *filterCompiler) jsonParam(v any) string { return c.param(jsonText(v)) }

func (c *filterCompiler) newAlias(prefix string) string {
	c.alias++
	return prefix + strconv.Itoa(c.alias)
}

// compile returns the SQL predicate for filter f over the jsonb
// expression root ("doc" for a collection's rows). hint asks for index
// conjuncts: only where the predicate as a whole implies them.
func (c *filterCompiler) compile(f any, root string, hint bool) (string, error) {
	if f == nil {
		return "true", nil
	}
	o, ok := f.(object)
	if !ok {
		return "", errInvalid("filter must be a JSON object, not %s", jsonText(f))
	}
	var parts []string
	for _, m := range o {
		var s string
		var err error
		switch m.k {
		case "$and", "$or", "$nor":
			s, err = c.logical(m.k, m.v, root, hint)
		case "$text":
			s, err = c.text(m.v, root)
		default:
			if strings.HasPrefix(m.k, "$") {
				return "", errSyntax("unknown top level operator: %s", m.k)
			}
			s, err = c.field(m.k, m.v, root, hint)
		}
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return andAll(parts), nil
}

// text compiles {"$text": {"$search": "words"}}: a full-text match of
// the document's strings (root @@ query), which an fts index on the
// collection (CreateTextIndex) answers; without one each document is
// analyzed and matched.
func (c *filterCompiler) text(v any, root string) (string, error) {
	o, ok := v.(object)
	if !ok {
		return "", errInvalid("$text needs an object with $search")
	}
	q, ok := o.get("$search")
	search, isStr := q.(string)
	if !ok || !isStr {
		return "", errInvalid("$text needs $search with a string query")
	}
	for _, m := range o {
		if m.k != "$search" {
			return "", errSyntax("unknown $text option: %s", m.k)
		}
	}
	return "(" + root + " @@ " + c.param(search) + ")", nil
}

func andAll(parts []string) string {
	switch len(parts) {
	case 0:
		return "true"
	case 1:
		return parts[0]
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

func (c *filterCompiler) logical(op string, v any, root string, hint bool) (string, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return "", errInvalid("%s must be a non-empty array", op)
	}
	var parts []string
	for _, sub := range list {
		if _, ok := sub.(object); !ok {
			return "", errInvalid("%s entries must be objects", op)
		}
		// Only $and's operands are implied by the whole.
		s, err := c.compile(sub, root, hint && op == "$and")
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	switch op {
	case "$and":
		return andAll(parts), nil
	case "$or":
		return "(" + strings.Join(parts, " OR ") + ")", nil
	}
	return "(NOT (" + strings.Join(parts, " OR ") + "))", nil
}

// field compiles {path: cond}.
func (c *filterCompiler) field(path string, cond any, root string, hint bool) (string, error) {
	fp, err := c.paths.get(path)
	if err != nil {
		return "", err
	}
	outer := c.cur
	c.cur = fp
	defer func() { c.cur = outer }()
	comps := fp.comps
	ops, isOps, err := isOperatorObject(cond)
	if err != nil {
		return "", err
	}
	if !isOps {
		ops = object{{"$eq", cond}}
	}
	// $regex takes its $options from the same object.
	var options *string
	if v, ok := ops.get("$options"); ok {
		s, isStr := v.(string)
		if !isStr {
			return "", errInvalid("$options must be a string")
		}
		if _, ok := ops.get("$regex"); !ok {
			return "", errInvalid("$options needs a $regex")
		}
		options = &s
	}
	var parts []string
	for _, m := range ops {
		if m.k == "$options" {
			continue
		}
		s, err := c.operator(comps, m.k, m.v, options, root)
		if err != nil {
			return "", err
		}
		if hint && root == "doc" {
			if h := c.hint(path, m.k, m.v); h != "" {
				if m.k == "$eq" && isScalar(m.v) {
					// A document whose value at the path is the value
					// itself (#> reaches it through objects only, as
					// the index key does) matches without the jsonpath
					// test, which then runs only for the others. #>
					// reads the path once; the index expression would
					// read it again for each level's array test.
					s = "(doc #> " + fp.literal + " = " + c.jsonParam(m.v) + " OR " + s + ")"
				}
				parts = append(parts, h)
			}
		}
		parts = append(parts, s)
	}
	return andAll(parts), nil
}

// operator compiles one operator applied to the candidates of comps.
func (c *filterCompiler) operator(comps []string, op string, v any, options *string, root string) (string, error) {
	switch op {
	case "$eq":
		return c.eq(comps, v, root), nil
	case "$ne":
		return "(NOT " + c.eq(comps, v, root) + ")", nil
	case "$in", "$nin":
		list, ok := v.([]any)
		if !ok {
			return "", errInvalid("%s needs an array", op)
		}
		s := c.in(comps, list, root)
		if op == "$nin" {
			s = "(NOT " + s + ")"
		}
		return s, nil
	case "$gt", "$gte", "$lt", "$lte":
		switch v.(type) {
		case object, []any:
			return "", errInvalid("%s needs a scalar operand, not %s", op, jsonText(v))
		}
		sym := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
		return c.onPath(root, comps, c.filterLeaf("@ "+sym+" $v", object{{"v", v}})), nil
	case "$exists":
		b, ok := v.(bool)
		if !ok {
			return "", errInvalid("$exists needs true or false")
		}
		s := c.onPath(root, comps, existsLeaf)
		if !b {
			s = "(NOT " + s + ")"
		}
		return s, nil
	case "$regex":
		pat, ok := v.(string)
		if !ok {
			return "", errInvalid("$regex needs a string")
		}
		flags := ""
		if options != nil {
			for _, f := range *options {
				if !strings.ContainsRune("ims", f) {
					return "", errInvalid("$options: unsupported regex option %q (i, m and s are)", f)
				}
			}
			flags = *options
		}
		pred := "@ like_regex " + jsonpathString(pat)
		if flags != "" {
			pred += " flag " + jsonpathString(flags)
		}
		return c.onPath(root, comps, c.filterLeaf(pred, nil)), nil
	case "$not":
		sub, ok := v.(object)
		if !ok {
			return "", errInvalid("$not needs an operator object")
		}
		if _, isOps, err := isOperatorObject(sub); err != nil || !isOps {
			return "", errInvalid("$not needs an operator object")
		}
		s, err := c.field(strings.Join(comps, "."), sub, root, false)
		if err != nil {
			return "", err
		}
		return "(NOT " + s + ")", nil
	case "$all":
		list, ok := v.([]any)
		if !ok {
			return "", errInvalid("$all needs an array")
		}
		if len(list) == 0 {
			return "false", nil
		}
		var parts []string
		for _, e := range list {
			parts = append(parts, c.eq(comps, e, root))
		}
		return andAll(parts), nil
	case "$size":
		n, ok := v.(json.Number)
		i, err := strconv.ParseInt(string(n), 10, 32)
		if !ok || err != nil || i < 0 {
			return "", errInvalid("$size needs a non-negative integer")
		}
		p := c.param(i)
		return c.onPath(root, comps, func(x string) string {
			return "(jsonb_typeof(" + x + ") = 'array' AND jsonb_array_length(CASE WHEN jsonb_typeof(" + x + ") = 'array' THEN " + x + " ELSE '[]'::jsonb END) = " + p + ")"
		}), nil
	case "$elemMatch":
		q, ok := v.(object)
		if !ok {
			return "", errInvalid("$elemMatch needs an object")
		}
		e := c.newAlias("e")
		inner, err := c.elemMatch(q, e+".y")
		if err != nil {
			return "", err
		}
		path := c.param("$[*]")
		return c.onPath(root, comps, func(x string) string {
			return "(jsonb_typeof(" + x + ") = 'array' AND EXISTS (SELECT 1 FROM jsonb_path_query(" + x + ", " + path + ") AS " + e + "(y) WHERE " + inner + "))"
		}), nil
	}
	return "", errSyntax("unknown operator: %s", op)
}

// elemMatch compiles $elemMatch's condition on one element y: operators
// ({"$gt": 1}) test the element itself, a query ({"a": 1}) tests it as
// a document.
func (c *filterCompiler) elemMatch(q object, y string) (string, error) {
	// A query may mix fields and $and/$or/$nor: only an object of
	// other operators tests the element itself.
	ops, isOps, _ := isOperatorObject(q)
	if isOps {
		logical := false
		for _, m := range ops {
			logical = logical || m.k == "$and" || m.k == "$or" || m.k == "$nor"
		}
		if !logical {
			var options *string
			if v, ok := ops.get("$options"); ok {
				s, _ := v.(string)
				options = &s
			}
			var parts []string
			for _, m := range ops {
				if m.k == "$options" {
					continue
				}
				s, err := c.operator(nil, m.k, m.v, options, y)
				if err != nil {
					return "", err
				}
				parts = append(parts, s)
			}
			return andAll(parts), nil
		}
	}
	return c.compile(q, y, false)
}

// A leaf turns a jsonpath (a $n parameter, already holding the path to
// the candidates) into SQL over root; or, for a per-candidate leaf, a
// predicate over one candidate x.
type leaf struct {
	// path: SQL given root and the path parameter text.
	path func(root, pathParam string) string
	// suffix is appended to the jsonpath (a filter "? (...)").
	suffix string
}

var existsLeaf = leaf{path: func(root, p string) string { return "jsonb_path_exists(" + root + ", " + p + ")" }}

// filterLeaf is a jsonpath filter on the candidates; vars become the
// $variables (a $n jsonb parameter).
func (c *filterCompiler) filterLeaf(pred string, vars object) leaf {
	varsParam := ""
	if vars != nil {
		varsParam = ", " + c.jsonParam(vars)
	}
	return leaf{
		suffix: " ? (" + pred + ")",
		path: func(root, p string) string {
			return "jsonb_path_exists(" + root + ", " + p + varsParam + ")"
		},
	}
}

// onPath applies a leaf to the candidates of comps under root. The leaf
// is a leaf or a per-candidate predicate func(x string) string.
func (c *filterCompiler) onPath(root string, comps []string, l any) string {
	return c.onPathFrom(root, comps, 0, l)
}

// onPathFrom is onPath where the numeric components before from are
// taken as keys only. A numeric component reaches both a key (lax: also
// the elements' key) and, when the value before it is an array, the
// element at that position.
func (c *filterCompiler) onPathFrom(root string, comps []string, from int, l any) string {
	for j := from; j < len(comps); j++ {
		n, ok := arrayIndex(comps[j])
		if !ok {
			continue
		}
		byKey := c.onPathFrom(root, comps, j+1, l)
		x := c.newAlias("p")
		pre := c.param(jsonpathOf(comps[:j]))
		rest := c.onPath("("+x+".x -> "+strconv.Itoa(n)+")", comps[j+1:], l)
		byPos := "EXISTS (SELECT 1 FROM jsonb_path_query(" + root + ", " + pre + ") AS " + x + "(x) WHERE jsonb_typeof(" + x + ".x) = 'array' AND " + rest + ")"
		return "(" + byKey + " OR " + byPos + ")"
	}
	return c.onPathKeys(root, comps, l)
}

// onPathKeys applies l with every component taken as a key.
func (c *filterCompiler) onPathKeys(root string, comps []string, l any) string {
	switch l := l.(type) {
	case leaf:
		return l.path(root, c.param(c.jsonpathOf(comps)+l.suffix))
	case func(string) string:
		x := c.newAlias("c")
		p := c.param(c.jsonpathOf(comps))
		return "EXISTS (SELECT 1 FROM jsonb_path_query(" + root + ", " + p + ") AS " + x + "(x) WHERE " + l(x+".x") + ")"
	}
	panic("cairn: unknown leaf")
}

// eq is MongoDB equality: a candidate equal to v or an array holding v;
// null also matches a path that reaches nothing.
func (c *filterCompiler) eq(comps []string, v any, root string) string {
	switch v.(type) {
	case nil:
		return "(" + c.onPath(root, comps, c.filterLeaf("@ == null", nil)) + " OR NOT " + c.onPath(root, comps, existsLeaf) + ")"
	case object, []any:
		// jsonpath does not compare containers: jsonb = does.
		p := c.jsonParam(v)
		elems := c.param("$[*]")
		e := c.newAlias("e")
		return c.onPath(root, comps, func(x string) string {
			return "(" + x + " = " + p + " OR (jsonb_typeof(" + x + ") = 'array' AND EXISTS (SELECT 1 FROM jsonb_path_query(" + x + ", " + elems + ") AS " + e + "(y) WHERE " + e + ".y = " + p + ")))"
		})
	}
	return c.onPath(root, comps, c.filterLeaf("@ == $v", object{{"v", v}}))
}

func (c *filterCompiler) in(comps []string, list []any, root string) string {
	var parts, scalars []string
	vars := object{}
	for _, v := range list {
		switch v.(type) {
		case nil, object, []any:
			parts = append(parts, c.eq(comps, v, root))
		default:
			name := "v" + strconv.Itoa(len(vars))
			vars = append(vars, member{name, v})
			scalars = append(scalars, "@ == $"+name)
		}
	}
	if len(scalars) > 0 {
		parts = append(parts, c.onPath(root, comps, c.filterLeaf(strings.Join(scalars, " || "), vars)))
	}
	if len(parts) == 0 {
		return "false"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// isScalar reports whether a filter value is a JSON string, number or
// boolean.
func isScalar(v any) bool {
	switch v.(type) {
	case nil, object, []any:
		return false
	}
	return true
}

// hint returns a conjunct on the index expression of comps that the
// condition op v implies, or "" when there is none (or no index).
func (c *filterCompiler) hint(path string, op string, v any) string {
	if !c.indexed[path] {
		return ""
	}
	e := c.cur.index
	switch op {
	case "$eq":
		if v == nil {
			return "" // null also matches a missing path: no key
		}
		return e + " IN (" + c.jsonParam(v) + ", " + arrayMarker + ")"
	case "$in":
		list, _ := v.([]any)
		if len(list) == 0 {
			return ""
		}
		var ps []string
		for _, x := range list {
			if x == nil {
				return ""
			}
			ps = append(ps, c.jsonParam(x))
		}
		return e + " IN (" + strings.Join(ps, ", ") + ", " + arrayMarker + ")"
	case "$all":
		list, _ := v.([]any)
		if len(list) == 0 || list[0] == nil {
			return ""
		}
		return e + " IN (" + c.jsonParam(list[0]) + ", " + arrayMarker + ")"
	case "$gt", "$gte":
		switch v.(type) {
		case nil, object, []any:
			return ""
		}
		// The marker, an array, sorts above every scalar.
		sym := map[string]string{"$gt": ">", "$gte": ">="}[op]
		return e + " " + sym + " " + c.jsonParam(v)
	case "$size", "$elemMatch":
		return e + " = " + arrayMarker
	}
	return ""
}

// arrayMarker is the index key of a document with an array on the path.
const arrayMarker = "'[null]'::jsonb"

// indexExpr is the one canonical expression a collection index on a
// path is built on, and which compiled filters repeat verbatim so the
// planner matches them:
//
//	(CASE WHEN jsonb_typeof(doc #> '{"a"}') = 'array'
//	        OR jsonb_typeof(doc #> '{"a","b"}') = 'array'
//	      THEN '[null]'::jsonb ELSE doc #> '{"a","b"}' END)
//
// It is the jsonb value at the path (so numbers order as numbers, and
// 1 and "1" differ) when the path runs through objects only; then that
// value is the path's only candidate and equality or a range on it is
// exact. A document with an array anywhere on the path gets the marker
// '[null]' instead, because cairn's indexes hold one key per row and
// such a document may match through any element. A condition therefore
// implies "key = v OR key = marker" (equality, $in) or "key > v" ($gt,
// $gte: the marker sorts above all scalars), which a plain index scan
// serves; $lt and $lte have no such conjunct and do not use the index.
func indexExpr(comps []string) string {
	var b strings.Builder
	b.WriteString("(CASE WHEN ")
	for i := range comps {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("jsonb_typeof(doc #> " + textArrayLiteral(comps[:i+1]) + ") = 'array'")
	}
	b.WriteString(" THEN " + arrayMarker + " ELSE doc #> " + textArrayLiteral(comps) + " END)")
	return b.String()
}

// textArrayLiteral is comps as a SQL text[] literal, every element
// quoted: '{"a","b"}'.
func textArrayLiteral(comps []string) string {
	n := 4
	for _, c := range comps {
		n += len(c) + 3
	}
	b := make([]byte, 0, n+8)
	b = append(b, "'{"...)
	for i, c := range comps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		// Byte by byte: the bytes escaped are ASCII, which no byte of a
		// multi-byte UTF-8 sequence is.
		for j := 0; j < len(c); j++ {
			switch c[j] {
			case '\\', '"':
				b = append(b, '\\')
			case '\'':
				b = append(b, '\'')
			}
			b = append(b, c[j])
		}
		b = append(b, '"')
	}
	b = append(b, "}'"...)
	return string(b)
}

// jsonpathOf is jsonpathOf(comps), the field's when comps are its.
func (c *filterCompiler) jsonpathOf(comps []string) string {
	if c.cur.is(comps) {
		return c.cur.jsonpath
	}
	return jsonpathOf(comps)
}

// jsonpathOf is the lax jsonpath of comps, every key quoted: $."a"."b".
func jsonpathOf(comps []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, c := range comps {
		b.WriteByte('.')
		b.WriteString(jsonpathString(c))
	}
	return b.String()
}

// jsonpathString quotes s as a jsonpath string literal.
func jsonpathString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// indexName is the name of the collection index on path: readable, and
// made unique by a hash of the exact path (a.b and a_b differ).
func indexName(coll, path string, unique bool) string {
	if unique {
		return indexNameBase(coll, path) + "key"
	}
	return indexNameBase(coll, path) + "idx"
}

// indexNameBase is indexName without its suffix ("idx" or "key").
func indexNameBase(coll, path string) string {
	h := fnv.New32a()
	h.Write([]byte(path))
	c := coll
	for i := range c {
		if i > 20 {
			c = c[:i] // at a rune boundary
			break
		}
	}
	b := make([]byte, 0, len(c)+1+20+1+8+1+3)
	b = append(b, c...)
	b = append(b, '_')
	n := 0
	for _, r := range path {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b = append(b, byte(r))
		} else {
			b = append(b, '_')
		}
		if n++; n >= 20 {
			break
		}
	}
	b = append(b, '_')
	b = hex.AppendEncode(b, h.Sum(nil)) // the 32-bit hash, big-endian: 8 digits
	b = append(b, '_')
	return string(b)
}
