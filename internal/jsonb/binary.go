package jsonb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Format constants of the binary encoding (see doc.go).
const (
	formatVersion = 0x01

	tagNull   = 0x00
	tagFalse  = 0x01
	tagTrue   = 0x02
	tagString = 0x03
	tagNumber = 0x04
	tagArray  = 0x05
	tagObject = 0x06

	// MaxDepth is the deepest nesting of arrays and objects accepted.
	MaxDepth = 1000
	// MaxSize is the largest document accepted, as JSON text on input
	// and as its binary encoding.
	MaxSize = 16 << 20
)

// Doc is an encoded jsonb document: a version byte and one node. It is a
// string so that datums can hold it without copying; a Doc from Encode,
// Parse or Decode is valid, and the accessors trust that.
type Doc string

// node is one encoded value: exactly the bytes of its tag and payload.
type node string

func (d Doc) root() node { return node(d[1:]) }

// docOf wraps a node as a document of its own. A node's encoding does not
// depend on where it sits, so this is a copy, not a re-encoding.
func docOf(n node) Doc {
	b := make([]byte, 0, len(n)+1)
	b = append(b, formatVersion)
	return Doc(append(b, n...))
}

func (n node) kind() Kind {
	switch n[0] {
	case tagNull:
		return Null
	case tagFalse, tagTrue:
		return Bool
	case tagString:
		return String
	case tagNumber:
		return Number
	case tagArray:
		return Array
	}
	return Object
}

// text returns a string's or number's text.
func (n node) text() string {
	_, k := binary.Uvarint([]byte(n[1:min(len(n), 11)]))
	return string(n[1+k:])
}

func (n node) count() int { return int(binary.LittleEndian.Uint32([]byte(n[1:5]))) }

// entries is the length of a container's offset table: one entry per
// element, or per key and per value.
func (n node) entries() int {
	if n[0] == tagObject {
		return 2 * n.count()
	}
	return n.count()
}

// item returns the i-th item of a container's data area: an array's
// element, or an object's key (i < count) or value (i >= count).
func (n node) item(i int) string {
	start, end := n.span(i)
	return string(n[start:end])
}

// span is where a container's i-th item lies within n: after the count
// and the offset table, between the end offsets of items i-1 and i.
func (n node) span(i int) (start, end int) {
	data := 5 + 4*n.entries()
	if i > 0 {
		start = int(binary.LittleEndian.Uint32([]byte(n[5+4*(i-1) : 9+4*(i-1)])))
	}
	end = int(binary.LittleEndian.Uint32([]byte(n[5+4*i : 9+4*i])))
	return data + start, data + end
}

func (n node) elem(i int) node    { return node(n.item(i)) }
func (n node) key(i int) string   { return n.item(i) }
func (n node) value(i int) node   { return node(n.item(n.count() + i)) }
func (n node) boolean() bool      { return n[0] == tagTrue }
func (n node) isContainer() bool  { return n[0] == tagArray || n[0] == tagObject }
func (n node) isScalarNode() bool { return !n.isContainer() }

// find looks key up in an object by binary search over the sorted keys,
// touching only the offsets and the keys it compares.
func (n node) find(key string) (node, bool) {
	if i, ok := n.findIndex(key); ok {
		return n.value(i), true
	}
	return "", false
}

// findIndex is find's search: the index of the key among the object's.
func (n node) findIndex(key string) (int, bool) {
	lo, hi := 0, n.count()
	for lo < hi {
		m := (lo + hi) / 2
		switch c := keyCompare(n.key(m), key); {
		case c == 0:
			return m, true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}

// Kind returns the type of the document's top-level value.
func (d Doc) Kind() Kind { return d.root().kind() }

// Encode returns v's binary encoding. It fails with 54000 when the
// encoding exceeds MaxSize or v nests deeper than MaxDepth.
func Encode(v Value) (Doc, error) {
	b, err := appendNode([]byte{formatVersion}, v, 0)
	if err != nil {
		return "", err
	}
	if len(b) > MaxSize {
		return "", tooLarge()
	}
	// The buffer is the document's own and never written again: the
	// string shares it instead of copying it.
	return Doc(unsafe.String(unsafe.SliceData(b), len(b))), nil
}

func tooLarge() error {
	return sqlerr.New(sqlerr.ProgramLimitExceeded, "jsonb document exceeds the maximum size of %d bytes", MaxSize)
}

func tooDeep() error {
	return sqlerr.New(sqlerr.ProgramLimitExceeded, "jsonb document exceeds the maximum nesting depth of %d", MaxDepth)
}

func appendNode(b []byte, v Value, depth int) ([]byte, error) {
	switch v.Kind {
	case Null:
		return append(b, tagNull), nil
	case Bool:
		if v.Bool {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case String, Number:
		tag := byte(tagString)
		if v.Kind == Number {
			tag = tagNumber
		}
		b = append(b, tag)
		b = binary.AppendUvarint(b, uint64(len(v.Str)))
		return append(b, v.Str...), nil
	}
	if depth >= MaxDepth {
		return nil, tooDeep()
	}
	if len(b) > MaxSize {
		// Stop early rather than build a huge buffer to throw away.
		return nil, tooLarge()
	}
	entries := len(v.Elems)
	tag := byte(tagArray)
	if v.Kind == Object {
		tag = tagObject
		entries = 2 * len(v.Keys)
	}
	b = append(b, tag)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(v.Elems)))
	table := len(b)
	b = append(b, make([]byte, 4*entries)...)
	data := len(b)
	i := 0
	put := func() {
		binary.LittleEndian.PutUint32(b[table+4*i:], uint32(len(b)-data))
		i++
	}
	if v.Kind == Object {
		for _, k := range v.Keys {
			b = append(b, k...)
			put()
		}
	}
	var err error
	for _, e := range v.Elems {
		if b, err = appendNode(b, e, depth+1); err != nil {
			return nil, err
		}
		put()
	}
	return b, nil
}

// IsBinary reports whether s starts as an Encode result does (and not as
// a storage key, whose sort key starts with a tag of 0x10 or more).
func IsBinary(s string) bool { return len(s) > 0 && s[0] == formatVersion }

// Decode checks that b is a valid encoding (it never panics, and its work
// is linear in len(b)) and returns it as a Doc. Damaged data gives an
// error wrapping ErrCorrupt.
func Decode(b []byte) (Doc, error) { return DecodeString(string(b)) }

// DecodeString is Decode of an encoding held in a string, which it does
// not copy: a row's value, read once into memory of its own.
func DecodeString(s string) (Doc, error) { return decode(s, true) }

// DecodeStored is DecodeString for an encoding read back from the store:
// one Encode wrote, in a block whose checksum the store verified. It
// checks all that navigating, comparing and printing the document rely
// on not to panic or loop (tags, lengths, offsets, nesting, the shape of
// numbers) and skips what only a writer could get wrong, the checks that
// cost the most: that strings are UTF-8, numbers in their canonical
// spelling and object keys in order (a search of keys out of order, by
// halving or by walking two objects' keys side by side, still ends; it
// may miss a key). Every row a query reads is decoded, so this is a part
// of every document read.
func DecodeStored(s string) (Doc, error) { return decode(s, false) }

func decode(s string, full bool) (Doc, error) {
	b := unsafe.Slice(unsafe.StringData(s), len(s)) // read only
	if len(b) < 2 {
		return "", corrupt("document of %d bytes", len(b))
	}
	if b[0] != formatVersion {
		return "", corrupt("unknown format version %d", b[0])
	}
	if err := validate(b[1:], 0, full); err != nil {
		return "", err
	}
	return Doc(s), nil
}

// ErrCorrupt is wrapped by Decode's errors.
var ErrCorrupt = fmt.Errorf("jsonb: corrupt encoding")

func corrupt(format string, args ...any) error {
	return sqlerr.Wrap(fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...)), sqlerr.DataCorrupted,
		"stored jsonb value is corrupt: %s", fmt.Sprintf(format, args...))
}

// plainInteger reports whether s is an integer in the one spelling
// NumberText gives it: digits without a leading zero, after a minus sign
// unless it is zero. Most stored numbers are; they skip NumberText.
func plainInteger(s []byte) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
		if len(s) == 1 && s[0] == '0' {
			return false // -0 is spelled 0
		}
	}
	if len(s) == 0 || len(s) > 1 && s[0] == '0' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// numberShape reports whether s could be a number's text: a digit,
// after a minus sign if any, then only digits, '.', 'e', 'E', '+' and
// '-'. Comparing and printing numbers need no more (DecodeStored).
func numberShape(s []byte) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || s[0] < '0' || s[0] > '9' {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
			return false
		}
	}
	return true
}

// shortLeaf reports whether n is one of the leaves most documents are
// made of, valid: a string of under 128 bytes (its one-byte length
// minimal by itself), null, true or false. validate checks those in a
// container's loop rather than by a call each.
func shortLeaf(n []byte) bool {
	switch {
	case len(n) == 1:
		return n[0] == tagNull || n[0] == tagFalse || n[0] == tagTrue
	case len(n) >= 2 && n[0] == tagString:
		return n[1] < 0x80 && int(n[1]) == len(n)-2
	}
	return false
}

// validate checks one node that must fill n exactly; all of it if full,
// else what DecodeStored checks.
func validate(n []byte, depth int, full bool) error {
	if len(n) == 0 {
		return corrupt("empty node")
	}
	switch n[0] {
	case tagNull, tagFalse, tagTrue:
		if len(n) != 1 {
			return corrupt("scalar with %d trailing bytes", len(n)-1)
		}
		return nil
	case tagString, tagNumber:
		l, k := binary.Uvarint(n[1:])
		// The length must be minimally encoded, so that a valid encoding
		// is the only encoding of its value.
		if k <= 0 || l != uint64(len(n)-1-k) || k != uvarintLen(l) {
			return corrupt("bad string length")
		}
		s := n[1+k:]
		if !full {
			if n[0] == tagNumber && !numberShape(s) {
				return corrupt("bad number %q", s)
			}
			return nil
		}
		if n[0] == tagString {
			if !utf8.Valid(s) {
				return corrupt("string is not UTF-8")
			}
			return nil
		}
		if !plainInteger(s) {
			if t, err := NumberText(string(s)); err != nil || t != string(s) {
				return corrupt("bad number %q", s)
			}
		}
		return nil
	case tagArray, tagObject:
	default:
		return corrupt("unknown tag %#x", n[0])
	}
	if depth >= MaxDepth {
		return corrupt("nesting deeper than %d", MaxDepth)
	}
	if len(n) < 5 {
		return corrupt("truncated container header")
	}
	c := uint64(binary.LittleEndian.Uint32(n[1:5]))
	entries := c
	if n[0] == tagObject {
		entries = 2 * c
	}
	if entries*4 > uint64(len(n)-5) {
		return corrupt("container of %d entries in %d bytes", c, len(n))
	}
	data := n[5+4*entries:]
	prev := uint64(0)
	var prevKey []byte
	for i := uint64(0); i < entries; i++ {
		end := uint64(binary.LittleEndian.Uint32(n[5+4*i:]))
		if end < prev || end > uint64(len(data)) {
			return corrupt("offset %d out of order", i)
		}
		item := data[prev:end]
		prev = end
		if !full && (n[0] == tagArray || i >= c) && shortLeaf(item) {
			continue
		}
		if n[0] == tagObject && i < c {
			if full && !utf8.Valid(item) {
				return corrupt("key is not UTF-8")
			}
			if full && i > 0 && (len(prevKey) > len(item) || len(prevKey) == len(item) && bytes.Compare(prevKey, item) >= 0) {
				return corrupt("keys out of order")
			}
			prevKey = item
			continue
		}
		if err := validate(item, depth+1, full); err != nil {
			return err
		}
	}
	if prev != uint64(len(data)) {
		return corrupt("%d trailing bytes in container", uint64(len(data))-prev)
	}
	return nil
}

// Value decodes the whole document into a Value tree.
func (d Doc) Value() Value { return d.root().value0() }

func (n node) value0() Value {
	switch n[0] {
	case tagNull:
		return NullValue
	case tagFalse:
		return FalseValue
	case tagTrue:
		return TrueValue
	case tagString:
		return Value{Kind: String, Str: n.text()}
	case tagNumber:
		return Value{Kind: Number, Str: n.text()}
	case tagArray:
		c := n.count()
		elems := make([]Value, c)
		for i := range elems {
			elems[i] = n.elem(i).value0()
		}
		return Value{Kind: Array, Elems: elems}
	}
	c := n.count()
	keys := make([]string, c)
	vals := make([]Value, c)
	for i := range c {
		keys[i] = n.key(i)
		vals[i] = n.value(i).value0()
	}
	return Value{Kind: Object, Keys: keys, Elems: vals}
}

// MustEncode encodes a value known to be within the limits (a scalar,
// say); it is for constants and tests.
func MustEncode(v Value) Doc {
	d, err := Encode(v)
	if err != nil {
		panic(err)
	}
	return d
}

func uvarintLen(v uint64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], v)
}
