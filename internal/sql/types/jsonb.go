package types

import (
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cockroachdb/apd/v3"
)

// The JSONB operators live in their own Op range; BinaryOpFunc sends
// every operator with a jsonb operand through jsonbOpFunc first.

// jsonbCast converts a jsonb to bool or a number type, as PostgreSQL's
// jsonb_bool, jsonb_numeric, jsonb_int4...: only a JSON boolean becomes a
// bool and only a JSON number a number; anything else is 22023.
func jsonbCast(to Type) CastFn {
	return func(d Datum) (Datum, error) {
		doc := d.Doc()
		k := doc.Kind()
		switch {
		case k == jsonb.Bool && to.fam == BoolFamily:
			return NewBool(doc.BoolValue()), nil
		case k == jsonb.Number && to.fam != BoolFamily:
			dec, _, err := apd.NewFromString(doc.NumberText())
			if err != nil {
				return Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: \"%s\"", doc.NumberText())
			}
			if to.fam == NumericFamily {
				return NewNumeric(dec), nil
			}
			return numericCast(NumericFamily, to.fam)(NewNumeric(dec))
		}
		kind := k.String()
		if k == jsonb.Number {
			kind = "numeric"
		}
		return Null, sqlerr.New(sqlerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", kind, to)
	}
}

// JSONB operators of the types layer (see arith.go for the others).
const (
	OpJSONGet        Op = iota + numOps + 1 // ->
	OpJSONGetText                           // ->>
	OpJSONPath                              // #>
	OpJSONPathText                          // #>>
	OpContains                              // @>
	OpContainedBy                           // <@
	OpJSONExists                            // ?
	OpJSONExistsAny                         // ?|
	OpJSONExistsAll                         // ?&
	OpJSONDeletePath                        // #-
	jsonOpsEnd
)

var jsonOpText = [...]string{"->", "->>", "#>", "#>>", "@>", "<@", "?", "?|", "?&", "#-"}

func isJSONOp(op Op) bool { return op >= OpJSONGet && op < jsonOpsEnd }

var textArray = ArrayOf(Text)

func isTextLike(t Type) bool {
	return !t.array && (t.fam == TextFamily || t.fam == VarcharFamily || t.fam == CharFamily)
}
func isUnknown(t Type) bool   { return !t.array && t.fam == UnknownFamily }
func isJSONB(t Type) bool     { return !t.array && t.fam == JSONBFamily }
func isTextArray(t Type) bool { return t.array && (t.fam == TextFamily || t.fam == VarcharFamily) }

// jsonbOpFunc resolves the operators PostgreSQL defines on jsonb. handled
// is false when l op r is not one of them, so that the general rules
// apply (comparisons, jsonb || text as text concatenation).
func jsonbOpFunc(op Op, l, r Type) (fn BinaryFn, t Type, handled bool, err error) {
	if !isJSONOp(op) && !isJSONB(l) && !isJSONB(r) {
		return nil, Type{}, false, nil
	}
	// An untyped literal beside a jsonb takes the type the operator
	// wants there, preferring text over integer (PostgreSQL prefers the
	// string category for unknown).
	lj := isJSONB(l) || isUnknown(l) && (isJSONB(r) || isJSONOp(op) && !isUnknown(r))
	rtype := r
	switch op {
	case OpJSONGet, OpJSONGetText, OpJSONExists:
		switch {
		case isUnknown(r) || isTextLike(r):
			rtype = Text
		case r.IsInteger() && !r.array && op != OpJSONExists:
		default:
			lj = false
		}
	case OpJSONPath, OpJSONPathText, OpJSONExistsAny, OpJSONExistsAll, OpJSONDeletePath:
		if !isUnknown(r) && !isTextArray(r) {
			lj = false
		}
		rtype = textArray
	case OpContains, OpContainedBy:
		if !(isJSONB(r) || isUnknown(r) && isJSONB(l)) {
			lj = false
		}
		rtype = JSONB
	case OpConcat:
		if !(isJSONB(l) && (isJSONB(r) || isUnknown(r)) || isUnknown(l) && isJSONB(r)) {
			return nil, Type{}, false, nil // jsonb || text is text concatenation
		}
		lj, rtype = true, JSONB
	case OpSub:
		switch {
		case !isJSONB(l):
			return nil, Type{}, false, nil
		case isUnknown(r) || isTextLike(r):
			rtype = Text
		case r.IsInteger() && !r.array:
		case isTextArray(r):
			rtype = textArray
		default:
			lj = false
		}
	default:
		return nil, Type{}, false, nil
	}
	if !lj {
		return nil, Type{}, true, noOperator(op, l, r)
	}
	fn, t = jsonbOp(op, rtype)
	fn = parsingUnknowns(unknownParser(isUnknown(l), JSONB), unknownParser(isUnknown(r), rtype), fn)
	return strict(fn), t, true, nil
}

// textArrayArg returns a text[]'s non-NULL elements, and for paths the
// NULL flags too.
func textArrayArg(d Datum) ([]string, []bool) {
	elems := d.arr.Elems
	out := make([]string, len(elems))
	nulls := make([]bool, len(elems))
	for i, e := range elems {
		if e.IsNull() {
			nulls[i] = true
			continue
		}
		out[i] = e.s
	}
	return out, nulls
}

// JSONPathArg returns #>'s path argument (a text[], or an untyped
// literal of one, which it parses as #> does) as steps; null is true
// when a step is NULL, which makes #> NULL.
func JSONPathArg(d Datum) (steps []string, null bool, err error) {
	if d.kind == UnknownFamily {
		if steps, ok := simpleTextArray(d.s); ok {
			return steps, false, nil
		}
		conv, _ := CastFunc(Unknown, textArray, CastExplicit)
		if d, err = conv(d); err != nil {
			return nil, false, err
		}
	}
	if d.arr == nil {
		return nil, false, sqlerr.New(sqlerr.InternalError, "a %s is not a jsonb path", d.kind)
	}
	steps, ok := pathSteps(d)
	return steps, !ok, nil
}

// pathSteps returns the steps of a #> path (a text[]); ok is false when
// one is NULL, which makes #> NULL.
func pathSteps(d Datum) (steps []string, ok bool) {
	steps = make([]string, len(d.arr.Elems))
	for i, e := range d.arr.Elems {
		if e.IsNull() {
			return nil, false
		}
		steps[i] = e.s
	}
	return steps, true
}

// simpleTextArray parses the text[] literals paths are most often
// written as, {a,b} and {"a","b"}: no backslash, space, nested brace,
// empty or NULL element. ok is false for any other text, which the
// array input function parses.
func simpleTextArray(s string) (elems []string, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	if body == "" {
		return []string{}, true
	}
	for {
		var e string
		if body[0] == '"' {
			end := strings.IndexByte(body[1:], '"')
			if end < 0 {
				return nil, false
			}
			e, body = body[1:1+end], body[2+end:]
			if strings.IndexByte(e, '\\') >= 0 {
				return nil, false
			}
		} else {
			end := strings.IndexByte(body, ',')
			if end < 0 {
				end = len(body)
			}
			e, body = body[:end], body[end:]
			if e == "" || strings.EqualFold(e, "null") || strings.ContainsAny(e, "{}\"\\ \t\n\r\v\f") {
				return nil, false
			}
		}
		elems = append(elems, e)
		if body == "" {
			return elems, true
		}
		if body[0] != ',' || len(body) == 1 {
			return nil, false
		}
		body = body[1:]
	}
}

// ComparisonHolds reports whether comparison op holds of c, a Compare
// result.
func ComparisonHolds(op Op, c int) bool {
	switch op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	case OpGt:
		return c > 0
	case OpGe:
		return c >= 0
	}
	panic("types: not a comparison")
}

func nonNullStrings(d Datum) []string {
	out := make([]string, 0, len(d.arr.Elems))
	for _, e := range d.arr.Elems {
		if !e.IsNull() {
			out = append(out, e.s)
		}
	}
	return out
}

func jsonText(doc jsonb.Doc, ok bool) (Datum, error) {
	if !ok {
		return Null, nil
	}
	s, ok := doc.Text()
	if !ok {
		return Null, nil
	}
	return NewText(s), nil
}

func jsonDoc(doc jsonb.Doc, ok bool) (Datum, error) {
	if !ok {
		return Null, nil
	}
	return NewJSONBDoc(doc), nil
}

func jsonResult(doc jsonb.Doc, err error) (Datum, error) {
	if err != nil {
		return Null, err
	}
	return NewJSONBDoc(doc), nil
}

func jsonbOp(op Op, r Type) (BinaryFn, Type) {
	intArg := r.IsInteger()
	switch op {
	case OpJSONGet, OpJSONGetText:
		get := func(a, b Datum) (jsonb.Doc, bool) {
			if intArg {
				return a.Doc().Index(int(b.i))
			}
			return a.Doc().Field(b.s)
		}
		if op == OpJSONGet {
			return func(a, b Datum) (Datum, error) { return jsonDoc(get(a, b)) }, JSONB
		}
		return func(a, b Datum) (Datum, error) { return jsonText(get(a, b)) }, Text
	case OpJSONPath, OpJSONPathText:
		get := func(a, b Datum) (jsonb.Doc, bool) {
			path, ok := pathSteps(b)
			if !ok {
				return "", false
			}
			return a.Doc().Path(path)
		}
		if op == OpJSONPath {
			return func(a, b Datum) (Datum, error) { return jsonDoc(get(a, b)) }, JSONB
		}
		return func(a, b Datum) (Datum, error) { return jsonText(get(a, b)) }, Text
	case OpContains:
		return func(a, b Datum) (Datum, error) { return NewBool(jsonb.Contains(a.Doc(), b.Doc())), nil }, Bool
	case OpContainedBy:
		return func(a, b Datum) (Datum, error) { return NewBool(jsonb.Contains(b.Doc(), a.Doc())), nil }, Bool
	case OpJSONExists:
		return func(a, b Datum) (Datum, error) { return NewBool(jsonb.Exists(a.Doc(), b.s)), nil }, Bool
	case OpJSONExistsAny:
		return func(a, b Datum) (Datum, error) {
			return NewBool(jsonb.ExistsAny(a.Doc(), nonNullStrings(b))), nil
		}, Bool
	case OpJSONExistsAll:
		return func(a, b Datum) (Datum, error) {
			return NewBool(jsonb.ExistsAll(a.Doc(), nonNullStrings(b))), nil
		}, Bool
	case OpConcat:
		return func(a, b Datum) (Datum, error) { return jsonResult(jsonb.Concat(a.Doc(), b.Doc())) }, JSONB
	case OpSub:
		switch {
		case intArg:
			return func(a, b Datum) (Datum, error) { return jsonResult(jsonb.DeleteIndex(a.Doc(), int(b.i))) }, JSONB
		case r.array:
			return func(a, b Datum) (Datum, error) {
				return jsonResult(jsonb.DeleteKeys(a.Doc(), nonNullStrings(b)))
			}, JSONB
		}
		return func(a, b Datum) (Datum, error) { return jsonResult(jsonb.DeleteKey(a.Doc(), b.s)) }, JSONB
	case OpJSONDeletePath:
		return func(a, b Datum) (Datum, error) {
			path, nulls := textArrayArg(b)
			return jsonResult(jsonb.DeletePath(a.Doc(), path, nulls))
		}, JSONB
	}
	return nil, Type{}
}

// ToJSONB converts a SQL value to a JSON value as PostgreSQL's to_jsonb
// does: NULL is null, booleans and finite numbers are themselves, jsonb
// is itself, arrays are arrays, and everything else (text, dates,
// timestamps in ISO 8601 with a T, NaN and infinities) is a string of
// its text form.
func ToJSONB(d Datum) (jsonb.Value, error) { return ToJSONBIn(d, nil) }

// ToJSONBIn is ToJSONB in the session time zone loc (nil: UTC): a
// timestamptz is the wall-clock time there with its offset, as
// PostgreSQL's to_jsonb prints it.
func ToJSONBIn(d Datum, loc *time.Location) (jsonb.Value, error) {
	switch d.kind {
	case nullFamily:
		return jsonb.NullValue, nil
	case BoolFamily:
		return jsonb.BoolValue(d.i != 0), nil
	case Int2Family, Int4Family, Int8Family:
		return jsonb.Value{Kind: jsonb.Number, Str: strconv.FormatInt(d.i, 10)}, nil
	case Float4Family, Float8Family, NumericFamily:
		s := FormatText(d)
		if n, err := jsonb.NumberText(s); err == nil {
			return jsonb.Value{Kind: jsonb.Number, Str: n}, nil
		}
		return jsonb.StringValue(s), nil
	case JSONBFamily:
		return d.Doc().Value(), nil
	case TimestampFamily, TimestampTZFamily:
		if d.i == TimestampNegInfinity || d.i == TimestampPosInfinity {
			return jsonb.StringValue(FormatText(d)), nil
		}
		var b []byte
		if d.kind == TimestampTZFamily && !isUTC(loc) {
			b = appendTimestampIn(nil, d.i, loc)
		} else {
			b = appendTimestamp(nil, d.i, d.kind == TimestampTZFamily)
		}
		for i, c := range b {
			if c == ' ' {
				b[i] = 'T'
				break
			}
		}
		if d.kind == TimestampTZFamily {
			b = isoOffset(b)
		}
		return jsonb.StringValue(string(b)), nil
	case CharFamily:
		return jsonb.StringValue(d.s), nil
	case ArrayFamily:
		elems := make([]jsonb.Value, len(d.arr.Elems))
		for i, e := range d.arr.Elems {
			v, err := ToJSONBIn(e, loc)
			if err != nil {
				return jsonb.Value{}, err
			}
			elems[i] = v
		}
		return jsonb.ArrayValue(elems), nil
	}
	return jsonb.StringValue(FormatText(d)), nil
}

// isoOffset rewrites the UTC offset that ends a printed timestamptz
// ("+02", "+05:30", LMT's "+00:19:32") as ISO 8601 wants it: hours and
// minutes ("+02:00", "+05:30"); seconds stay.
func isoOffset(b []byte) []byte {
	i := len(b) - 1
	for i >= 0 && b[i] != '+' && b[i] != '-' {
		i--
	}
	if i >= 0 && len(b)-i == 3 { // +HH
		b = append(b, ":00"...)
	}
	return b
}
