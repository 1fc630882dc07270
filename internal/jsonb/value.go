package jsonb

import "slices"

// Kind is the type of a JSON value. The constants are numbered in
// PostgreSQL's jsonb btree order of types (Null < String < Number < Bool <
// Array < Object), so comparing kinds compares types.
type Kind uint8

// The JSON kinds.
const (
	Null Kind = iota
	String
	Number
	Bool
	Array
	Object
)

var kindNames = [...]string{"null", "string", "number", "boolean", "array", "object"}

// String returns jsonb_typeof's name for the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Value is a decoded JSON value: the form in which documents are built
// and edited before being encoded. Object keys are kept in jsonb order
// (see KeyLess) without duplicates; Normalize restores that after
// edits.
type Value struct {
	Kind Kind
	Bool bool
	// Str is a string's text, or a number's decimal text as PostgreSQL
	// prints numeric (canonical: see NumberText).
	Str string
	// Elems are an array's elements, or an object's values (Elems[i]
	// belongs to Keys[i]).
	Elems []Value
	Keys  []string
}

// NullValue, TrueValue and FalseValue are the constant scalars.
var (
	NullValue  = Value{Kind: Null}
	TrueValue  = Value{Kind: Bool, Bool: true}
	FalseValue = Value{Kind: Bool}
)

// StringValue returns a JSON string.
func StringValue(s string) Value { return Value{Kind: String, Str: s} }

// BoolValue returns a JSON boolean.
func BoolValue(b bool) Value { return Value{Kind: Bool, Bool: b} }

// ArrayValue returns a JSON array of elems.
func ArrayValue(elems []Value) Value {
	if elems == nil {
		elems = []Value{}
	}
	return Value{Kind: Array, Elems: elems}
}

// ObjectValue returns a JSON object of the given pairs; keys are sorted
// into jsonb order and, of duplicate keys, the last wins.
func ObjectValue(keys []string, vals []Value) Value {
	v := Value{Kind: Object, Keys: keys, Elems: vals}
	v.normalizeObject()
	return v
}

// KeyLess is jsonb's key order: shorter keys first, then bytewise. It is
// PostgreSQL's lengthCompareJsonbString, the order that lets a reader find
// a key by binary search.
func KeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func keyCompare(a, b string) int {
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// normalizeObject sorts an object's pairs into key order, keeping the
// last of duplicate keys (PostgreSQL's jsonb input keeps the last).
func (v *Value) normalizeObject() {
	n := len(v.Keys)
	if n < 2 {
		if v.Keys == nil {
			v.Keys, v.Elems = []string{}, []Value{}
		}
		return
	}
	sorted := true
	for i := 1; i < n; i++ {
		if keyCompare(v.Keys[i-1], v.Keys[i]) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	// A stable sort keeps duplicates in input order, so the last one of a
	// run is the one to keep.
	slices.SortStableFunc(idx, func(a, b int) int { return keyCompare(v.Keys[a], v.Keys[b]) })
	keys := make([]string, 0, n)
	vals := make([]Value, 0, n)
	for i, j := range idx {
		if i+1 < n && v.Keys[idx[i+1]] == v.Keys[j] {
			continue
		}
		keys = append(keys, v.Keys[j])
		vals = append(vals, v.Elems[j])
	}
	v.Keys, v.Elems = keys, vals
}

// Find returns the value of key in an object.
func (v Value) Find(key string) (Value, bool) {
	lo, hi := 0, len(v.Keys)
	for lo < hi {
		m := (lo + hi) / 2
		switch c := keyCompare(v.Keys[m], key); {
		case c == 0:
			return v.Elems[m], true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return Value{}, false
}

// IsScalar reports whether v is neither an array nor an object.
func (v Value) IsScalar() bool { return v.Kind < Array }
