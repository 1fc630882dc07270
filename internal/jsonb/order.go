package jsonb

import (
	"cmp"
	"encoding/binary"
	"strings"

	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cockroachdb/apd/v3"
)

// Compare orders documents as PostgreSQL's jsonb btree operators do:
// Object > Array > Boolean > Number > String > Null; objects with more
// pairs sort higher, then pair by pair in storage order (key, then
// value); arrays with more elements sort higher, then element by
// element; strings bytewise (cairn's "C" collation); numbers by value
// (1.0 = 1); false < true. A top-level scalar is compared as PostgreSQL
// stores it, a one-element "raw scalar" array: it sorts below any real
// array of one or more elements and above the empty array.
func Compare(a, b Doc) int { return compareTop(a.root(), b.root()) }

// Equal reports Compare(a, b) == 0.
func Equal(a, b Doc) bool { return a == b || Compare(a, b) == 0 }

func compareTop(a, b node) int {
	ao, bo := a[0] == tagObject, b[0] == tagObject
	if ao != bo {
		if ao {
			return 1
		}
		return -1
	}
	if ao {
		return compareNode(a, b)
	}
	an, araw := arrayish(a)
	bn, braw := arrayish(b)
	if an != bn {
		return cmp.Compare(an, bn)
	}
	if araw != braw {
		if araw {
			return -1
		}
		return 1
	}
	if araw {
		return compareNode(a, b)
	}
	return compareElems(a, b)
}

// arrayish returns a top-level array's length, or 1 and true for a
// scalar (PostgreSQL's raw scalar pseudo-array).
func arrayish(n node) (int, bool) {
	if n[0] == tagArray {
		return n.count(), false
	}
	return 1, true
}

func compareElems(a, b node) int {
	for i := range a.count() {
		if c := compareNode(a.elem(i), b.elem(i)); c != 0 {
			return c
		}
	}
	return 0
}

func compareNode(a, b node) int {
	ka, kb := a.kind(), b.kind()
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch ka {
	case Null:
		return 0
	case String:
		return strings.Compare(a.text(), b.text())
	case Number:
		return compareNumbers(a.text(), b.text())
	case Bool:
		return cmp.Compare(a[0], b[0])
	case Array:
		if c := cmp.Compare(a.count(), b.count()); c != 0 {
			return c
		}
		return compareElems(a, b)
	}
	n := a.count()
	if c := cmp.Compare(n, b.count()); c != 0 {
		return c
	}
	for i := range n {
		if c := strings.Compare(a.key(i), b.key(i)); c != 0 {
			return c
		}
		if c := compareNode(a.value(i), b.value(i)); c != 0 {
			return c
		}
	}
	return 0
}

// compareNumbers compares two canonical number texts (NumberText's
// output: no leading zeros, no sign on zero) by value.
func compareNumbers(a, b string) int {
	if a == b {
		return 0
	}
	an, bn := a[0] == '-', b[0] == '-'
	if an != bn {
		if an {
			return -1
		}
		return 1
	}
	c := compareMagnitudes(strings.TrimPrefix(a, "-"), strings.TrimPrefix(b, "-"))
	if an {
		return -c
	}
	return c
}

func compareMagnitudes(a, b string) int {
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	if len(ai) != len(bi) {
		return cmp.Compare(len(ai), len(bi))
	}
	if c := strings.Compare(ai, bi); c != 0 {
		return c
	}
	return strings.Compare(strings.TrimRight(af, "0"), strings.TrimRight(bf, "0"))
}

// Sort key tags: one per type, in the type order.
const (
	keyNull   = 0x10
	keyString = 0x20
	keyNumber = 0x30
	keyBool   = 0x40
	keyArray  = 0x50
	keyObject = 0x60
)

// AppendSortKey appends an encoding of d whose bytewise order is Compare's
// order and which is equal exactly when Compare says equal (numbers are
// written by value), so it also serves as the hash key. It is
// self-delimiting: no document's sort key is a proper prefix of
// another's.
func AppendSortKey(dst []byte, d Doc) []byte {
	n := d.root()
	if n[0] == tagObject {
		return appendNodeKey(dst, n)
	}
	c, raw := arrayish(n)
	dst = append(dst, keyArray)
	dst = binary.BigEndian.AppendUint32(dst, uint32(c))
	if raw {
		return appendNodeKey(append(dst, 0), n)
	}
	dst = append(dst, 1)
	for i := range c {
		dst = appendNodeKey(dst, n.elem(i))
	}
	return dst
}

func appendNodeKey(dst []byte, n node) []byte {
	switch n[0] {
	case tagNull:
		return append(dst, keyNull)
	case tagFalse:
		return append(dst, keyBool, 0)
	case tagTrue:
		return append(dst, keyBool, 1)
	case tagString:
		return appendEscaped(append(dst, keyString), n.text())
	case tagNumber:
		// Straight from the number's text: a document's numbers are many.
		if out, ok := rowcodec.AppendDecimalTextKey(append(dst, keyNumber), n.text()); ok {
			return out
		}
		d, _, err := apd.NewFromString(n.text())
		if err != nil {
			d = apd.New(0, 0) // unreachable: stored numbers are validated
		}
		return rowcodec.AppendKey(append(dst, keyNumber), rowcodec.Decimal(d), rowcodec.Asc)
	case tagArray:
		dst = append(dst, keyArray)
		dst = binary.BigEndian.AppendUint32(dst, uint32(n.count()))
		for i := range n.count() {
			dst = appendNodeKey(dst, n.elem(i))
		}
		return dst
	}
	dst = append(dst, keyObject)
	dst = binary.BigEndian.AppendUint32(dst, uint32(n.count()))
	for i := range n.count() {
		dst = appendEscaped(dst, n.key(i))
		dst = appendNodeKey(dst, n.value(i))
	}
	return dst
}

// appendEscaped writes s so that the encoding orders like s and ends
// where s ends: 00 becomes 00 FF, and 00 01 terminates.
func appendEscaped(dst []byte, s string) []byte {
	if strings.IndexByte(s, 0) < 0 {
		return append(append(dst, s...), 0, 1)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			dst = append(dst, 0, 0xff)
		} else {
			dst = append(dst, s[i])
		}
	}
	return append(dst, 0, 1)
}

// AppendStorageKey appends d's index key form: its sort key, then the
// document itself, then the document's length (4 bytes big-endian). The
// sort key decides the order; the document makes the key decodable
// exactly (1.0 comes back as 1.0, not 1); two documents equal under
// Compare but spelled differently get different keys, ordered by their
// encodings.
func AppendStorageKey(dst []byte, d Doc) []byte {
	dst = AppendSortKey(dst, d)
	dst = append(dst, d...)
	return binary.BigEndian.AppendUint32(dst, uint32(len(d)))
}

// DecodeStorageKey returns the document of an AppendStorageKey encoding.
func DecodeStorageKey(b []byte) (Doc, error) {
	if len(b) < 4 {
		return "", corrupt("key of %d bytes", len(b))
	}
	l := uint64(binary.BigEndian.Uint32(b[len(b)-4:]))
	if l > uint64(len(b)-4) {
		return "", corrupt("key document length %d in %d bytes", l, len(b))
	}
	return Decode(append([]byte(nil), b[uint64(len(b)-4)-l:len(b)-4]...))
}
