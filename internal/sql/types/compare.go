package types

import (
	"cmp"
	"math"
	"strings"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cockroachdb/apd/v3"
)

// Compare orders two non-NULL datums of comparable types (see
// Comparable) with PostgreSQL's semantics: numbers by value across the
// integer, float and numeric kinds (NaN equal to itself and above
// everything, -0 = 0); text bytewise (the "C" collation); CHAR ignoring
// trailing spaces; dates against timestamps as midnight; intervals by
// their span with 1 month = 30 days and 1 day = 24 hours (so '1 mon' =
// '30 days'); arrays element by element (NULL elements last), then by
// length. Datums of incomparable kinds order by kind, so Compare is a
// total order even then. A NULL argument orders last.
func Compare(a, b Datum) int {
	if a.kind == b.kind {
		switch a.kind {
		case Int2Family, Int4Family, Int8Family, BoolFamily, DateFamily, TimeFamily,
			TimestampFamily, TimestampTZFamily:
			return cmp.Compare(a.i, b.i)
		case Float4Family, Float8Family:
			return compareFloat(a.Float(), b.Float())
		case EnumFamily:
			return compareFloat(a.EnumSort(), b.EnumSort())
		case NumericFamily:
			return compareDecimal(a.dec, b.dec)
		case TextFamily, UnknownFamily, ByteaFamily, UUIDFamily:
			return strings.Compare(a.s, b.s)
		case JSONBFamily:
			return jsonb.Compare(jsonb.Doc(a.s), jsonb.Doc(b.s))
		case CharFamily:
			return strings.Compare(trimBlanks(a.s), trimBlanks(b.s))
		case IntervalFamily:
			return compareInterval(a.Interval(), b.Interval())
		case ArrayFamily:
			return compareArrays(a.arr, b.arr)
		case nullFamily:
			return 0
		}
	}
	return compareMixed(a, b)
}

func compareMixed(a, b Datum) int {
	if a.kind == nullFamily {
		return 1
	}
	if b.kind == nullFamily {
		return -1
	}
	ca, cb := category(a.kind), category(b.kind)
	if ca != cb || ca == 0 {
		if a.kind == UnknownFamily || b.kind == UnknownFamily {
			if isStringKind(a.kind) || isStringKind(b.kind) {
				return strings.Compare(trimIfChar(a), trimIfChar(b))
			}
		}
		return cmp.Compare(a.kind, b.kind)
	}
	switch ca {
	case 'N':
		ar, br := numRank(a.kind), numRank(b.kind)
		switch {
		case ar <= 2 && br <= 2:
			return cmp.Compare(a.i, b.i)
		case ar == 4 || br == 4: // any float: compare as float8
			return compareFloat(toFloat(a), toFloat(b))
		default: // integer and numeric
			return compareDecimal(toDecimal(a), toDecimal(b))
		}
	case 'S':
		// text = bpchar casts bpchar to text, which drops trailing blanks.
		return strings.Compare(trimIfChar(a), trimIfChar(b))
	case 'D':
		return cmp.Compare(tsOf(a), tsOf(b))
	}
	return cmp.Compare(a.kind, b.kind)
}

func isStringKind(k Family) bool {
	return k == TextFamily || k == CharFamily || k == UnknownFamily
}

func trimIfChar(d Datum) string {
	if d.kind == CharFamily {
		return trimBlanks(d.s)
	}
	return d.s
}

// numRank is 0..2 for the integers, 3 numeric, 4 the floats.
func numRank(k Family) int {
	switch k {
	case Int2Family:
		return 0
	case Int4Family:
		return 1
	case Int8Family:
		return 2
	case NumericFamily:
		return 3
	}
	return 4
}

func toFloat(d Datum) float64 {
	switch d.kind {
	case Float4Family, Float8Family:
		return d.Float()
	case NumericFamily:
		return decimalToFloat(d.dec)
	}
	return float64(d.i)
}

func toDecimal(d Datum) *apd.Decimal {
	if d.kind == NumericFamily {
		return d.dec
	}
	return apd.New(d.i, 0)
}

// tsOf returns a date or timestamp as timestamp microseconds; the session
// time zone is UTC, so TIMESTAMP and TIMESTAMPTZ share one scale.
func tsOf(d Datum) int64 {
	if d.kind == DateFamily {
		return dateToTimestamp(int32(d.i))
	}
	return d.i
}

func trimBlanks(s string) string { return strings.TrimRight(s, " ") }

func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

func isNaNDecimal(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }

func compareDecimal(a, b *apd.Decimal) int {
	an, bn := isNaNDecimal(a), isNaNDecimal(b)
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

const microsPerDay = 86400 * 1000000

// intervalSpan returns an interval's span as (days, micros within the
// day, 0 <= micros < one day), counting a month as 30 days: PostgreSQL's
// interval_cmp_value, kept in two int64s instead of an int128.
func intervalSpan(iv IntervalValue) (int64, int64) {
	days := int64(iv.Months)*30 + int64(iv.Days)
	q, r := iv.Micros/microsPerDay, iv.Micros%microsPerDay
	if r < 0 {
		q--
		r += microsPerDay
	}
	return days + q, r
}

func compareInterval(a, b IntervalValue) int {
	ad, am := intervalSpan(a)
	bd, bm := intervalSpan(b)
	if c := cmp.Compare(ad, bd); c != 0 {
		return c
	}
	return cmp.Compare(am, bm)
}

func compareArrays(a, b *Array) int {
	n := min(len(a.Elems), len(b.Elems))
	for i := 0; i < n; i++ {
		x, y := a.Elems[i], b.Elems[i]
		if x.IsNull() || y.IsNull() {
			if x.IsNull() && y.IsNull() {
				continue
			}
			if x.IsNull() {
				return 1
			}
			return -1
		}
		if c := Compare(x, y); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Elems), len(b.Elems))
}

// Tri is a three-valued truth value: SQL's TRUE, FALSE and NULL (unknown).
type Tri uint8

// The three truth values.
const (
	TriFalse Tri = iota
	TriTrue
	TriNull // NULL
)

// TriOf returns the truth value of a BOOLEAN datum or NULL.
func TriOf(d Datum) Tri {
	if d.IsNull() {
		return TriNull
	}
	if d.i != 0 {
		return TriTrue
	}
	return TriFalse
}

// TriBool returns True or False.
func TriBool(b bool) Tri {
	if b {
		return TriTrue
	}
	return TriFalse
}

// Datum returns the truth value as a BOOLEAN datum or NULL.
func (t Tri) Datum() Datum {
	switch t {
	case TriTrue:
		return DTrue
	case TriFalse:
		return DFalse
	}
	return Null
}

// IsTrue reports whether t is TRUE (what WHERE keeps).
func (t Tri) IsTrue() bool { return t == TriTrue }

func (t Tri) String() string {
	switch t {
	case TriTrue:
		return "true"
	case TriFalse:
		return "false"
	}
	return "null"
}

// And is SQL's AND: FALSE if either is FALSE, else NULL if either is NULL.
func And(a, b Tri) Tri {
	if a == TriFalse || b == TriFalse {
		return TriFalse
	}
	if a == TriNull || b == TriNull {
		return TriNull
	}
	return TriTrue
}

// Or is SQL's OR: TRUE if either is TRUE, else NULL if either is NULL.
func Or(a, b Tri) Tri {
	if a == TriTrue || b == TriTrue {
		return TriTrue
	}
	if a == TriNull || b == TriNull {
		return TriNull
	}
	return TriFalse
}

// Not is SQL's NOT: NULL stays NULL.
func Not(a Tri) Tri {
	switch a {
	case TriTrue:
		return TriFalse
	case TriFalse:
		return TriTrue
	}
	return TriNull
}

// Eq is a = b: NULL if either is NULL.
func Eq(a, b Datum) Tri {
	if a.IsNull() || b.IsNull() {
		return TriNull
	}
	return TriBool(Compare(a, b) == 0)
}

// Ne is a <> b.
func Ne(a, b Datum) Tri {
	if a.IsNull() || b.IsNull() {
		return TriNull
	}
	return TriBool(Compare(a, b) != 0)
}

// Lt is a < b.
func Lt(a, b Datum) Tri {
	if a.IsNull() || b.IsNull() {
		return TriNull
	}
	return TriBool(Compare(a, b) < 0)
}

// Le is a <= b.
func Le(a, b Datum) Tri {
	if a.IsNull() || b.IsNull() {
		return TriNull
	}
	return TriBool(Compare(a, b) <= 0)
}

// Gt is a > b.
func Gt(a, b Datum) Tri {
	if a.IsNull() || b.IsNull() {
		return TriNull
	}
	return TriBool(Compare(a, b) > 0)
}

// Ge is a >= b.
func Ge(a, b Datum) Tri {
	if a.IsNull() || b.IsNull() {
		return TriNull
	}
	return TriBool(Compare(a, b) >= 0)
}

// IsDistinctFrom is a IS DISTINCT FROM b: never NULL; two NULLs are not
// distinct, a NULL and a value are.
func IsDistinctFrom(a, b Datum) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() != b.IsNull()
	}
	return Compare(a, b) != 0
}
