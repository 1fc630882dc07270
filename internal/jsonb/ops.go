package jsonb

import (
	"strconv"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func invalidParam(format string, args ...any) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, format, args...)
}

// Field returns an object's value for key (->): false when d is not an
// object or has no such key.
func (d Doc) Field(key string) (Doc, bool) {
	n := d.root()
	if n[0] != tagObject {
		return "", false
	}
	v, ok := n.find(key)
	if !ok {
		return "", false
	}
	return docOf(v), true
}

// Index returns an array's element i (->), counting from the end when i
// is negative: false when d is not an array or i is out of range.
func (d Doc) Index(i int) (Doc, bool) {
	v, ok := d.root().index(i)
	if !ok {
		return "", false
	}
	return docOf(v), true
}

func (n node) index(i int) (node, bool) {
	if n[0] != tagArray {
		return "", false
	}
	c := n.count()
	if i < 0 {
		i += c
	}
	if i < 0 || i >= c {
		return "", false
	}
	return n.elem(i), true
}

// Path follows a path of keys and array subscripts (#>): at an array
// the step must be an integer (negative counts from the end). False
// when a step does not exist. An empty path gives d itself.
func (d Doc) Path(path []string) (Doc, bool) {
	n, ok := d.pathNode(path)
	if !ok {
		return "", false
	}
	if len(n) == len(d)-1 {
		return d, true
	}
	return docOf(n), true
}

// Part is a value inside a document, where it lies (Doc.At).
type Part struct{ n node }

// At returns the value path reaches, as Path does, without making it a
// document of its own: a filter's recheck of a find by path compares it
// where it lies, for every row.
func (d Doc) At(path []string) (Part, bool) {
	n, ok := d.pathNode(path)
	return Part{n}, ok
}

// Compare is Compare of the part, as a document, with v.
func (p Part) Compare(v Doc) int { return compareTop(p.n, v.root()) }

// pathNode is the node Path reaches.
func (d Doc) pathNode(path []string) (node, bool) {
	n := d.root()
	for _, step := range path {
		switch n[0] {
		case tagObject:
			v, ok := n.find(step)
			if !ok {
				return "", false
			}
			n = v
		case tagArray:
			i, err := strconv.Atoi(step)
			if err != nil {
				return "", false
			}
			v, ok := n.index(i)
			if !ok {
				return "", false
			}
			n = v
		default:
			return "", false
		}
	}
	return n, true
}

// Text is ->>'s conversion of a value to text: a string's contents
// without quotes, a null as no value (false), anything else its text
// form.
func (d Doc) Text() (string, bool) {
	n := d.root()
	switch n[0] {
	case tagNull:
		return "", false
	case tagString, tagNumber:
		return n.text(), true
	}
	return d.String(), true
}

// Str returns a string document's contents.
func (d Doc) Str() string { return d.root().text() }

// NumberText returns a number document's canonical text.
func (d Doc) NumberText() string { return d.root().text() }

// BoolValue returns a boolean document's value.
func (d Doc) BoolValue() bool { return d.root().boolean() }

// IsScalar reports whether the top-level value is not a container.
func (d Doc) IsScalar() bool { return d.root().isScalarNode() }

// Len returns a container's element or pair count (0 for scalars).
func (d Doc) Len() int {
	if n := d.root(); n.isContainer() {
		return n.count()
	}
	return 0
}

// Contains is @>: whether a contains b, with PostgreSQL's semantics. An
// object contains another when it has each of its keys with a value
// that contains the other's (scalars must be equal); an array contains
// another when each of its elements is contained in some element of the
// first (order and duplicates do not matter); a scalar contains only
// itself; and, as a special case at the top level, an array contains a
// scalar that is one of its elements.
func Contains(a, b Doc) bool {
	na, nb := a.root(), b.root()
	if na.isScalarNode() || nb.isScalarNode() {
		switch {
		case na.isScalarNode() && nb.isScalarNode():
			return compareNode(na, nb) == 0
		case na[0] == tagArray:
			return arrayHasScalar(na, nb)
		}
		return false
	}
	return containsNode(na, nb)
}

func containsNode(a, b node) bool {
	if a[0] != b[0] {
		return false
	}
	if a[0] == tagObject {
		if a.count() < b.count() {
			return false
		}
		for i := range b.count() {
			av, ok := a.find(b.key(i))
			if !ok {
				return false
			}
			bv := b.value(i)
			if av.isContainer() || bv.isContainer() {
				if !containsNode(av, bv) {
					return false
				}
			} else if compareNode(av, bv) != 0 {
				return false
			}
		}
		return true
	}
	for i := range b.count() {
		bv := b.elem(i)
		if bv.isScalarNode() {
			if !arrayHasScalar(a, bv) {
				return false
			}
			continue
		}
		found := false
		for j := range a.count() {
			if av := a.elem(j); av.isContainer() && containsNode(av, bv) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func arrayHasScalar(a, s node) bool {
	for i := range a.count() {
		if e := a.elem(i); e.isScalarNode() && compareNode(e, s) == 0 {
			return true
		}
	}
	return false
}

// Exists is ?: whether key is a key of an object, or a string element of
// an array (or the string itself, for a top-level string).
func Exists(d Doc, key string) bool {
	n := d.root()
	switch n[0] {
	case tagObject:
		_, ok := n.find(key)
		return ok
	case tagArray:
		for i := range n.count() {
			if e := n.elem(i); e[0] == tagString && e.text() == key {
				return true
			}
		}
		return false
	case tagString:
		return n.text() == key
	}
	return false
}

// ExistsAny is ?|: whether any of keys exists.
func ExistsAny(d Doc, keys []string) bool {
	for _, k := range keys {
		if Exists(d, k) {
			return true
		}
	}
	return false
}

// ExistsAll is ?&: whether all of keys exist (true for none).
func ExistsAll(d Doc, keys []string) bool {
	for _, k := range keys {
		if !Exists(d, k) {
			return false
		}
	}
	return true
}

// Concat is ||: two objects merge (the right side's keys win), two
// arrays concatenate, and otherwise a non-array side is treated as a
// one-element array, so '1' || '2' is [1, 2] and an object with a
// scalar gives a two-element array.
func Concat(a, b Doc) (Doc, error) {
	va, vb := a.Value(), b.Value()
	if va.Kind == Object && vb.Kind == Object {
		keys := append(append([]string{}, va.Keys...), vb.Keys...)
		vals := append(append([]Value{}, va.Elems...), vb.Elems...)
		return Encode(ObjectValue(keys, vals))
	}
	var elems []Value
	for _, v := range []Value{va, vb} {
		if v.Kind == Array {
			elems = append(elems, v.Elems...)
		} else {
			elems = append(elems, v)
		}
	}
	return Encode(ArrayValue(elems))
}

// DeleteKey is jsonb - text: removes key from an object, or the string
// elements equal to it from an array. Scalars are an error (22023).
func DeleteKey(d Doc, key string) (Doc, error) { return DeleteKeys(d, []string{key}) }

// DeleteKeys is jsonb - text[]: DeleteKey for each key.
func DeleteKeys(d Doc, keys []string) (Doc, error) {
	n := d.root()
	if n.isScalarNode() {
		return "", invalidParam("cannot delete from scalar")
	}
	drop := make(map[string]bool, len(keys))
	for _, k := range keys {
		drop[k] = true
	}
	v := d.Value()
	changed := false
	if v.Kind == Object {
		out := Value{Kind: Object, Keys: []string{}, Elems: []Value{}}
		for i, k := range v.Keys {
			if drop[k] {
				changed = true
				continue
			}
			out.Keys = append(out.Keys, k)
			out.Elems = append(out.Elems, v.Elems[i])
		}
		v = out
	} else {
		out := []Value{}
		for _, e := range v.Elems {
			if e.Kind == String && drop[e.Str] {
				changed = true
				continue
			}
			out = append(out, e)
		}
		v.Elems = out
	}
	if !changed {
		return d, nil
	}
	return Encode(v)
}

// DeleteIndex is jsonb - integer: removes an array's element i
// (negative counts from the end; out of range changes nothing).
func DeleteIndex(d Doc, i int) (Doc, error) {
	n := d.root()
	switch n[0] {
	case tagObject:
		return "", invalidParam("cannot delete from object using integer index")
	case tagArray:
	default:
		return "", invalidParam("cannot delete from scalar")
	}
	c := n.count()
	if i < 0 {
		i += c
	}
	if i < 0 || i >= c {
		return d, nil
	}
	v := d.Value()
	v.Elems = append(v.Elems[:i:i], v.Elems[i+1:]...)
	return Encode(v)
}

// StripNulls is jsonb_strip_nulls: removes object fields whose value is
// null, at every depth (null array elements stay).
func StripNulls(d Doc) (Doc, error) {
	if d.IsScalar() {
		return d, nil
	}
	return Encode(stripNulls(d.Value()))
}

func stripNulls(v Value) Value {
	switch v.Kind {
	case Array:
		out := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = stripNulls(e)
		}
		v.Elems = out
	case Object:
		out := Value{Kind: Object, Keys: []string{}, Elems: []Value{}}
		for i, k := range v.Keys {
			if v.Elems[i].Kind == Null {
				continue
			}
			out.Keys = append(out.Keys, k)
			out.Elems = append(out.Elems, stripNulls(v.Elems[i]))
		}
		return out
	}
	return v
}

// ArrayLength is jsonb_array_length.
func ArrayLength(d Doc) (int, error) {
	n := d.root()
	switch n[0] {
	case tagArray:
		return n.count(), nil
	case tagObject:
		return 0, invalidParam("cannot get array length of a non-array")
	}
	return 0, invalidParam("cannot get array length of a scalar")
}

// ObjectKeys is jsonb_object_keys, as a slice.
func ObjectKeys(d Doc) ([]string, error) {
	n := d.root()
	switch n[0] {
	case tagObject:
	case tagArray:
		return nil, invalidParam("cannot call jsonb_object_keys on an array")
	default:
		return nil, invalidParam("cannot call jsonb_object_keys on a scalar")
	}
	keys := make([]string, n.count())
	for i := range keys {
		keys[i] = n.key(i)
	}
	return keys, nil
}

// ArrayElements is jsonb_array_elements, as a slice.
func ArrayElements(d Doc) ([]Doc, error) {
	n := d.root()
	switch n[0] {
	case tagArray:
	case tagObject:
		return nil, invalidParam("cannot extract elements from an object")
	default:
		return nil, invalidParam("cannot extract elements from a scalar")
	}
	out := make([]Doc, n.count())
	for i := range out {
		out[i] = docOf(n.elem(i))
	}
	return out, nil
}

// TextValue is a text result that may be SQL NULL (a JSON null read as
// text).
type TextValue struct {
	S     string
	Valid bool
}

// ArrayElementsText is jsonb_array_elements_text: elements as ->> reads
// them (a null element is SQL NULL).
func ArrayElementsText(d Doc) ([]TextValue, error) {
	elems, err := ArrayElements(d)
	if err != nil {
		return nil, err
	}
	out := make([]TextValue, len(elems))
	for i, e := range elems {
		out[i].S, out[i].Valid = e.Text()
	}
	return out, nil
}

// Pair is one key and value of an object.
type Pair struct {
	Key   string
	Value Doc
}

// Each is jsonb_each, as a slice.
func Each(d Doc) ([]Pair, error) {
	return each(d, "jsonb_each")
}

func each(d Doc, fn string) ([]Pair, error) {
	n := d.root()
	if n[0] != tagObject {
		return nil, invalidParam("cannot call %s on a non-object", fn)
	}
	out := make([]Pair, n.count())
	for i := range out {
		out[i] = Pair{Key: n.key(i), Value: docOf(n.value(i))}
	}
	return out, nil
}

// TextPair is one key and value of jsonb_each_text.
type TextPair struct {
	Key   string
	Value TextValue
}

// EachText is jsonb_each_text, as a slice.
func EachText(d Doc) ([]TextPair, error) {
	pairs, err := each(d, "jsonb_each_text")
	if err != nil {
		return nil, err
	}
	out := make([]TextPair, len(pairs))
	for i, p := range pairs {
		out[i].Key = p.Key
		out[i].Value.S, out[i].Value.Valid = p.Value.Text()
	}
	return out, nil
}
