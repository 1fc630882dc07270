package types

import (
	"math"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cockroachdb/apd/v3"
)

// Datum is one SQL value or NULL. It is a small struct passed by value:
// integers, floats, booleans and the date/time types live inline, so
// making one allocates nothing; text, bytea, uuid and jsonb share the
// string field; numerics and arrays are behind a pointer. The zero Datum
// is NULL. Datums are immutable: never modify what Decimal or Array
// return. See doc.go for each kind's representation.
type Datum struct {
	kind Family
	i    int64  // bool 0/1, ints, float bits, date days, time µs, timestamp µs, interval µs
	j    int64  // interval: months<<32 | uint32(days)
	s    string // text, char, unknown, bytea, uuid (16 bytes), jsonb (binary encoding)
	dec  *apd.Decimal
	arr  *Array
}

// Array is the payload of an array datum.
type Array struct {
	Elem  Type    // element type
	Elems []Datum // elements; NULL elements are NULL datums
}

// Null is the NULL datum.
var Null = Datum{}

// DTrue and DFalse are the boolean datums.
var (
	DTrue  = Datum{kind: BoolFamily, i: 1}
	DFalse = Datum{kind: BoolFamily}
)

// NewBool returns a BOOLEAN datum.
func NewBool(b bool) Datum {
	if b {
		return DTrue
	}
	return DFalse
}

// NewInt2 returns a SMALLINT datum.
func NewInt2(v int16) Datum { return Datum{kind: Int2Family, i: int64(v)} }

// NewInt4 returns an INTEGER datum.
func NewInt4(v int32) Datum { return Datum{kind: Int4Family, i: int64(v)} }

// NewInt8 returns a BIGINT datum.
func NewInt8(v int64) Datum { return Datum{kind: Int8Family, i: v} }

// NewInt returns an integer datum of the integer type t's family; v must
// be in its range.
func NewInt(f Family, v int64) Datum { return Datum{kind: f, i: v} }

// NewFloat4 returns a REAL datum.
func NewFloat4(v float32) Datum {
	return Datum{kind: Float4Family, i: int64(math.Float64bits(float64(v)))}
}

// NewFloat8 returns a DOUBLE PRECISION datum.
func NewFloat8(v float64) Datum { return Datum{kind: Float8Family, i: int64(math.Float64bits(v))} }

// NewNumeric returns a NUMERIC datum holding d (not copied: the caller
// gives it up). A positive exponent is normalised away (1E+3 is 1000), as
// PostgreSQL keeps no negative display scale.
func NewNumeric(d *apd.Decimal) Datum {
	if d.Form == apd.NaNSignaling {
		d.Form = apd.NaN
	}
	if d.Form != apd.Finite {
		d.Negative = d.Negative && d.Form == apd.Infinite
		d.Exponent = 0
		d.Coeff.SetInt64(0)
	} else if d.Exponent > 0 {
		var e apd.BigInt
		e.Exp(apd.NewBigInt(10), apd.NewBigInt(int64(d.Exponent)), nil)
		d.Coeff.Mul(&d.Coeff, &e)
		d.Exponent = 0
	}
	if d.Form == apd.Finite && d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	return Datum{kind: NumericFamily, dec: d}
}

// NewText returns a TEXT (or VARCHAR) datum.
func NewText(s string) Datum { return Datum{kind: TextFamily, s: s} }

// NewChar returns a CHARACTER datum; s should already be padded to the
// type's length.
func NewChar(s string) Datum { return Datum{kind: CharFamily, s: s} }

// NewUnknown returns an untyped string literal.
func NewUnknown(s string) Datum { return Datum{kind: UnknownFamily, s: s} }

// NewBytea returns a BYTEA datum; b is copied.
func NewBytea(b []byte) Datum { return Datum{kind: ByteaFamily, s: string(b)} }

// NewByteaString returns a BYTEA datum whose bytes are s.
func NewByteaString(s string) Datum { return Datum{kind: ByteaFamily, s: s} }

// NewDate returns a DATE datum of days since 1970-01-01. The extreme
// int32 values are -infinity and infinity.
func NewDate(days int32) Datum { return Datum{kind: DateFamily, i: int64(days)} }

// NewTime returns a TIME datum of microseconds since midnight
// (0..86400000000 inclusive: 24:00:00 is allowed, as in PostgreSQL).
func NewTime(micros int64) Datum { return Datum{kind: TimeFamily, i: micros} }

// NewTimestamp returns a TIMESTAMP datum of microseconds since
// 1970-01-01 00:00:00; math.MinInt64 and math.MaxInt64 are -infinity and
// infinity.
func NewTimestamp(micros int64) Datum { return Datum{kind: TimestampFamily, i: micros} }

// NewTimestampTZ returns a TIMESTAMPTZ datum of microseconds since
// 1970-01-01 00:00:00 UTC.
func NewTimestampTZ(micros int64) Datum { return Datum{kind: TimestampTZFamily, i: micros} }

// IntervalValue is an INTERVAL's three fields, as PostgreSQL keeps them.
type IntervalValue struct {
	Months int32
	Days   int32
	Micros int64
}

// NewInterval returns an INTERVAL datum.
func NewInterval(iv IntervalValue) Datum {
	return Datum{kind: IntervalFamily, i: iv.Micros, j: int64(iv.Months)<<32 | int64(uint32(iv.Days))}
}

// NewUUID returns a UUID datum.
func NewUUID(u [16]byte) Datum { return Datum{kind: UUIDFamily, s: string(u[:])} }

// NewJSONBDoc returns a JSONB datum holding an encoded document. (It was
// NewJSONB(canonical text) before documents were binary; the new name
// makes old callers fail to compile rather than store text as binary.
// To make a datum from text, use ParseText(JSONB, s).)
func NewJSONBDoc(doc jsonb.Doc) Datum { return Datum{kind: JSONBFamily, s: string(doc)} }

// NewArray returns an ARRAY datum.
func NewArray(elem Type, elems []Datum) Datum {
	return Datum{kind: ArrayFamily, arr: &Array{Elem: elem.Elem(), Elems: elems}}
}

// IsNull reports whether d is NULL.
func (d Datum) IsNull() bool { return d.kind == nullFamily }

// Kind returns the datum's kind: its type's family, except that VARCHAR
// values are TEXT datums; NULL datums have no kind (IsNull).
func (d Datum) Kind() Family { return d.kind }

// Bool returns a BOOLEAN datum's value.
func (d Datum) Bool() bool { return d.i != 0 }

// Int returns an integer datum's value (any of the three sizes).
func (d Datum) Int() int64 { return d.i }

// Float returns a REAL or DOUBLE PRECISION datum's value.
func (d Datum) Float() float64 { return math.Float64frombits(uint64(d.i)) }

// Decimal returns a NUMERIC datum's value; do not modify it.
func (d Datum) Decimal() *apd.Decimal { return d.dec }

// Str returns a TEXT, VARCHAR, CHAR or unknown datum's text (CHAR's
// padding included); for JSONB, the binary encoding (use JSON or Doc).
func (d Datum) Str() string { return d.s }

// Bytes returns a BYTEA datum's bytes as a string (no copy).
func (d Datum) Bytes() string { return d.s }

// Date returns a DATE datum's days since 1970-01-01.
func (d Datum) Date() int32 { return int32(d.i) }

// Micros returns a TIME's microseconds since midnight or a TIMESTAMP(TZ)'s
// microseconds since the epoch.
func (d Datum) Micros() int64 { return d.i }

// Interval returns an INTERVAL datum's value.
func (d Datum) Interval() IntervalValue {
	return IntervalValue{Months: int32(d.j >> 32), Days: int32(uint32(d.j)), Micros: d.i}
}

// UUID returns a UUID datum's bytes.
func (d Datum) UUID() [16]byte {
	var u [16]byte
	copy(u[:], d.s)
	return u
}

// JSON returns a JSONB datum's text, as PostgreSQL prints jsonb.
func (d Datum) JSON() string { return jsonb.Doc(d.s).String() }

// Doc returns a JSONB datum's encoded document.
func (d Datum) Doc() jsonb.Doc { return jsonb.Doc(d.s) }

// Array returns an ARRAY datum's payload; do not modify it.
func (d Datum) Array() *Array { return d.arr }

// String formats d for messages and tests: FormatText, or "NULL".
func (d Datum) String() string {
	if d.IsNull() {
		return "NULL"
	}
	return FormatText(d)
}

// Date and timestamp infinities.
const (
	DateNegInfinity      = math.MinInt32
	DatePosInfinity      = math.MaxInt32
	TimestampNegInfinity = math.MinInt64
	TimestampPosInfinity = math.MaxInt64
)
