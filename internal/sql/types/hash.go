package types

import (
	"encoding/binary"
	"math"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cespare/xxhash/v2"
	"github.com/cockroachdb/apd/v3"
)

// AppendHashKey appends d's canonical bytes for hashing: datums that
// Compare equal have equal hash keys when they belong to one hash family
// (PostgreSQL's hash operator families): the three integer types
// together, REAL with DOUBLE PRECISION, TEXT with VARCHAR and unknown,
// TIMESTAMP with TIMESTAMPTZ, and each other type alone. Across families
// (an INTEGER against a NUMERIC, a DATE against a TIMESTAMP) the binder
// must cast both sides to one type first. NULL has a key of its own
// (for GROUP BY, where NULLs form one group).
func AppendHashKey(dst []byte, d Datum) []byte {
	switch d.kind {
	case nullFamily:
		return append(dst, 0)
	case BoolFamily:
		return append(dst, 'b', byte(d.i))
	case Int2Family, Int4Family, Int8Family:
		return binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(d.i))
	case Float4Family, Float8Family:
		f := d.Float()
		switch {
		case f == 0:
			f = 0 // -0 = 0
		case math.IsNaN(f):
			f = math.NaN()
		}
		return binary.LittleEndian.AppendUint64(append(dst, 'f'), math.Float64bits(f))
	case NumericFamily:
		x := d.dec
		switch x.Form {
		case apd.NaN, apd.NaNSignaling:
			return append(dst, 'n', 'N')
		case apd.Infinite:
			if x.Negative {
				return append(dst, 'n', '-')
			}
			return append(dst, 'n', '+')
		}
		var r apd.Decimal
		r.Reduce(x) // 1.0 and 1.00 hash alike
		dst = append(dst, 'n')
		if r.Negative && !r.IsZero() {
			dst = append(dst, '-')
		}
		if r.IsZero() {
			return append(dst, '0')
		}
		dst = binary.LittleEndian.AppendUint32(dst, uint32(r.Exponent))
		digits := r.Coeff.Append(nil, 10)
		return append(binary.AppendUvarint(dst, uint64(len(digits))), digits...)
	// Variable-length values carry their length, so that the keys of
	// several datums appended one after another (a row's key for DISTINCT
	// or GROUP BY) never run into each other: ('as', '') and ('a', 's')
	// must differ.
	case TextFamily, UnknownFamily:
		return appendSized(append(dst, 's'), d.s)
	case CharFamily:
		return appendSized(append(dst, 's'), trimBlanks(d.s))
	case ByteaFamily:
		return appendSized(append(dst, 'x'), d.s)
	case UUIDFamily:
		return append(append(dst, 'u'), d.s...)
	case EnumFamily:
		return binary.LittleEndian.AppendUint64(append(dst, 'e'), uint64(d.i))
	case JSONBFamily:
		// The sort key is equal exactly when Compare is 0 ('1.0' = '1'),
		// and self-delimiting.
		return jsonb.AppendSortKey(append(dst, 'j'), jsonb.Doc(d.s))
	case DateFamily:
		return binary.LittleEndian.AppendUint64(append(dst, 'd'), uint64(d.i))
	case TimeFamily:
		return binary.LittleEndian.AppendUint64(append(dst, 'h'), uint64(d.i))
	case TimestampFamily, TimestampTZFamily:
		return binary.LittleEndian.AppendUint64(append(dst, 't'), uint64(d.i))
	case IntervalFamily:
		days, us := intervalSpan(d.Interval()) // '1 mon' and '30 days' hash alike
		dst = binary.LittleEndian.AppendUint64(append(dst, 'v'), uint64(days))
		return binary.LittleEndian.AppendUint64(dst, uint64(us))
	case ArrayFamily:
		dst = append(dst, 'a')
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(d.arr.Elems)))
		for _, e := range d.arr.Elems {
			start := len(dst)
			dst = append(dst, 0, 0, 0, 0)
			dst = AppendHashKey(dst, e)
			binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
		}
		return dst
	}
	return dst
}

// Hash returns a 64-bit hash of d: datums whose AppendHashKey are equal
// hash equal (strings skip the tag byte, for speed).
func Hash(d Datum) uint64 {
	switch d.kind {
	case Int2Family, Int4Family, Int8Family:
		// The hot path for joins on integer keys: no buffer.
		var b [9]byte
		b[0] = 'i'
		binary.LittleEndian.PutUint64(b[1:], uint64(d.i))
		return xxhash.Sum64(b[:])
	case TextFamily, UnknownFamily:
		return xxhash.Sum64String(d.s)
	case CharFamily:
		return xxhash.Sum64String(trimBlanks(d.s))
	}
	var buf [64]byte
	return xxhash.Sum64(AppendHashKey(buf[:0], d))
}

// HashSeeded mixes d into a running hash of several columns.
func HashSeeded(seed uint64, d Datum) uint64 {
	h := Hash(d)
	// A 64-bit mix (splitmix64's finaliser) of the seed and the column hash.
	x := seed ^ (h + 0x9e3779b97f4a7c15 + seed<<6 + seed>>2)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func appendSized(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// HashCompatible reports whether values of types a and b that Compare
// equal also have equal hash keys (AppendHashKey), so a hash join may
// match them by key.
func HashCompatible(a, b Type) bool {
	if a.array || b.array {
		return false
	}
	return hashFamily(a.fam) == hashFamily(b.fam)
}

func hashFamily(f Family) Family {
	switch f {
	case Int2Family, Int4Family:
		return Int8Family
	case Float4Family:
		return Float8Family
	case VarcharFamily, UnknownFamily:
		return TextFamily
	case TimestampTZFamily:
		return TimestampFamily
	}
	return f
}
