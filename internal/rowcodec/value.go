package rowcodec

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// Kind is the type of a Value. The numbering is part of the row value
// format (see doc.go): never renumber.
type Kind uint8

// The kinds of values.
const (
	KindNull      Kind = 0
	KindBool      Kind = 1
	KindInt       Kind = 2
	KindFloat     Kind = 3
	KindDecimal   Kind = 4
	KindString    Kind = 5
	KindBytes     Kind = 6
	KindTimestamp Kind = 7
	KindUUID      Kind = 8
	numKinds           = 9
)

var kindNames = [numKinds]string{"NULL", "BOOL", "INT", "FLOAT", "DECIMAL", "STRING", "BYTES", "TIMESTAMP", "UUID"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is one typed scalar: the codec's value model, on which the SQL
// types package builds. The zero Value is NULL. Values are immutable once
// made; the constructors copy what they are given.
type Value struct {
	kind Kind
	i    int64   // bool (0/1), int, timestamp (µs since the Unix epoch)
	f    float64 // float
	s    string  // string, bytes, uuid (16 bytes)
	d    *apd.Decimal
}

// Null returns the NULL value.
func Null() Value { return Value{} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	v := Value{kind: KindBool}
	if b {
		v.i = 1
	}
	return v
}

// Int returns a signed integer value (SMALLINT, INTEGER and BIGINT alike).
func Int(i int64) Value { return Value{kind: KindInt, i: i} }

// Float returns a floating-point value (REAL and DOUBLE PRECISION alike).
func Float(f float64) Value { return Value{kind: KindFloat, f: f} }

// Decimal returns a NUMERIC value; d is copied. A signaling NaN is stored
// as a quiet NaN.
func Decimal(d *apd.Decimal) Value {
	c := new(apd.Decimal).Set(d)
	if c.Form == apd.NaNSignaling {
		c.Form = apd.NaN
	}
	return Value{kind: KindDecimal, d: c}
}

// String returns a text value. Strings order bytewise (UTF-8 code point
// order, PostgreSQL's "C" collation).
func String(s string) Value { return Value{kind: KindString, s: s} }

// Bytes returns a BYTEA value; b is copied.
func Bytes(b []byte) Value { return Value{kind: KindBytes, s: string(b)} }

// Timestamp returns a timestamp of micros microseconds since the Unix
// epoch (UTC), PostgreSQL's resolution.
func Timestamp(micros int64) Value { return Value{kind: KindTimestamp, i: micros} }

// TimestampOf returns the timestamp of t, truncated to microseconds.
func TimestampOf(t time.Time) Value { return Timestamp(t.UnixMicro()) }

// UUID returns a UUID value.
func UUID(u [16]byte) Value { return Value{kind: KindUUID, s: string(u[:])} }

// Kind returns the value's kind.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Bool returns a boolean value's value.
func (v Value) Bool() bool { return v.i != 0 }

// Int returns an integer value's value.
func (v Value) Int() int64 { return v.i }

// Float returns a float value's value.
func (v Value) Float() float64 { return v.f }

// Decimal returns a copy of a decimal value's value.
func (v Value) Decimal() *apd.Decimal {
	if v.d == nil {
		return new(apd.Decimal)
	}
	return new(apd.Decimal).Set(v.d)
}

// Str returns a string value's value.
func (v Value) Str() string { return v.s }

// Bytes returns a copy of a bytes value's value.
func (v Value) Bytes() []byte { return []byte(v.s) }

// Timestamp returns a timestamp value in microseconds since the epoch.
func (v Value) Timestamp() int64 { return v.i }

// Time returns a timestamp value as a time.Time in UTC.
func (v Value) Time() time.Time { return time.UnixMicro(v.i).UTC() }

// UUID returns a UUID value's value.
func (v Value) UUID() [16]byte {
	var u [16]byte
	copy(u[:], v.s)
	return u
}

// String formats v for messages and tests.
func (v Value) String() string {
	switch v.kind {
	case KindNull:
		return "NULL"
	case KindBool:
		return strconv.FormatBool(v.Bool())
	case KindInt:
		return strconv.FormatInt(v.i, 10)
	case KindFloat:
		return strconv.FormatFloat(v.f, 'g', -1, 64)
	case KindDecimal:
		return v.d.String()
	case KindString:
		return strconv.Quote(v.s)
	case KindBytes:
		return `\x` + hex.EncodeToString([]byte(v.s))
	case KindTimestamp:
		return v.Time().Format("2006-01-02 15:04:05.999999")
	case KindUUID:
		h := hex.EncodeToString([]byte(v.s))
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	return v.kind.String()
}

// Compare orders two values as an ascending index does, which is
// PostgreSQL's ORDER BY order: NULL after everything (NULLS LAST), floats
// with -0 = 0 and every NaN equal and above +Inf, decimals by numeric
// value (1.0 = 1.00, NaN above +Infinity), strings and bytes bytewise.
// Values of different kinds order by kind; a key column holds one kind.
func Compare(a, b Value) int {
	if a.kind != b.kind {
		if a.kind == KindNull {
			return 1
		}
		if b.kind == KindNull {
			return -1
		}
		return cmp.Compare(a.kind, b.kind)
	}
	switch a.kind {
	case KindNull:
		return 0
	case KindBool, KindInt, KindTimestamp:
		return cmp.Compare(a.i, b.i)
	case KindFloat:
		// cmp.Compare puts NaN first; PostgreSQL puts it last.
		an, bn := math.IsNaN(a.f), math.IsNaN(b.f)
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return cmp.Compare(a.f, b.f)
	case KindDecimal:
		return compareDecimal(a.d, b.d)
	default:
		return cmp.Compare(a.s, b.s)
	}
}

// CompareDir orders two values as a key column of direction dir does.
func CompareDir(a, b Value, dir Direction) int {
	if a.kind == KindNull || b.kind == KindNull {
		if a.kind == b.kind {
			return 0
		}
		c := 1 // NULL last
		if dir.nullsFirst() {
			c = -1
		}
		if b.kind == KindNull {
			c = -c
		}
		return c
	}
	c := Compare(a, b)
	if dir.desc() {
		c = -c
	}
	return c
}

func compareDecimal(a, b *apd.Decimal) int {
	an, bn := a.Form == apd.NaN || a.Form == apd.NaNSignaling, b.Form == apd.NaN || b.Form == apd.NaNSignaling
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return a.Cmp(b)
}

// Identical reports whether a and b are the same value in every detail the
// row encoding keeps: unlike Compare, it tells -0 from 0, NaN payloads
// apart, and 1.0 from 1.00.
func Identical(a, b Value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindFloat:
		return math.Float64bits(a.f) == math.Float64bits(b.f)
	case KindDecimal:
		return a.d.Form == b.d.Form && a.d.Negative == b.d.Negative &&
			(a.d.Form != apd.Finite || a.d.Exponent == b.d.Exponent && a.d.Coeff.Cmp(&b.d.Coeff) == 0)
	default:
		return a.i == b.i && a.s == b.s
	}
}
