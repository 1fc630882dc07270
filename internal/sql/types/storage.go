package types

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/rowcodec"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cockroachdb/apd/v3"
)

// intervalKeyLen is the size of an interval's storage encoding.
const intervalKeyLen = 24

// ToRowcodec converts a datum to the storage value model. The mapping
// (see doc.go) makes rowcodec's key order agree with Compare: BOOLEAN,
// integers, floats, NUMERIC, TEXT/VARCHAR, BYTEA, TIMESTAMP(TZ) and UUID
// map onto rowcodec's own kinds; DATE (days) and TIME (µs) onto INT;
// CHAR onto STRING without its padding; INTERVAL and arrays onto BYTES
// with order-preserving encodings; JSONB onto BYTES (the binary document,
// see jsonbValue).
func ToRowcodec(d Datum) rowcodec.Value {
	if d.kind == JSONBFamily {
		return rowcodec.Bytes([]byte(d.s))
	}
	return toOrdered(d)
}

// JSONB values are stored three ways, told apart by their first byte:
// canonical JSON text (STRING, the first format), a storage key (BYTES:
// jsonb.AppendStorageKey, the sort key then the document, which starts
// with a sort-key tag of 0x10 or more; the second format, still what an
// array's elements are, for their order), and the binary document alone
// (BYTES starting with its format version, 0x01; rows written now). A
// row does not need the sort key, which doubled a document's bytes.

// toOrdered is ToRowcodec with order-preserving encodings throughout: a
// document as its storage key, for the elements of an array key.
func toOrdered(d Datum) rowcodec.Value {
	switch d.kind {
	case nullFamily:
		return rowcodec.Null()
	case BoolFamily:
		return rowcodec.Bool(d.i != 0)
	case Int2Family, Int4Family, Int8Family, DateFamily, TimeFamily:
		return rowcodec.Int(d.i)
	case Float4Family, Float8Family:
		return rowcodec.Float(d.Float())
	case EnumFamily:
		return rowcodec.Float(d.EnumSort())
	case NumericFamily:
		return rowcodec.Decimal(d.dec)
	case TextFamily, UnknownFamily:
		return rowcodec.String(d.s)
	case JSONBFamily:
		return rowcodec.Bytes(jsonb.AppendStorageKey(nil, jsonb.Doc(d.s)))
	case CharFamily:
		return rowcodec.String(trimBlanks(d.s))
	case ByteaFamily:
		return rowcodec.Bytes([]byte(d.s))
	case TimestampFamily, TimestampTZFamily:
		return rowcodec.Timestamp(d.i)
	case UUIDFamily:
		return rowcodec.UUID(d.UUID())
	case IntervalFamily:
		return rowcodec.Bytes(appendIntervalKey(nil, d.Interval()))
	case ArrayFamily:
		return rowcodec.Bytes(appendArrayKey(nil, d.arr))
	}
	return rowcodec.Null()
}

// appendIntervalKey writes the 24-byte interval encoding: the span (days
// counting a month as 30, then microseconds within the day) in 16
// order-preserving bytes, then months and days (4 bytes each, sign bit
// flipped) to make it exact.
func appendIntervalKey(dst []byte, iv IntervalValue) []byte {
	days, us := intervalSpan(iv)
	dst = binary.BigEndian.AppendUint64(dst, uint64(days)^1<<63)
	dst = binary.BigEndian.AppendUint64(dst, uint64(us))
	dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Months)^1<<31)
	return binary.BigEndian.AppendUint32(dst, uint32(iv.Days)^1<<31)
}

func decodeIntervalKey(b []byte) (IntervalValue, error) {
	if len(b) != intervalKeyLen {
		return IntervalValue{}, corrupt("interval of %d bytes", len(b))
	}
	days := int64(binary.BigEndian.Uint64(b) ^ 1<<63)
	us := int64(binary.BigEndian.Uint64(b[8:]))
	months := int32(binary.BigEndian.Uint32(b[16:]) ^ 1<<31)
	dd := int32(binary.BigEndian.Uint32(b[20:]) ^ 1<<31)
	whole := days - int64(months)*30 - int64(dd)
	return IntervalValue{Months: months, Days: dd, Micros: whole*microsPerDay + us}, nil
}

// ToRowcodecKey converts a datum to its value for a key (a primary or
// index key): as ToRowcodec, except that a document is its sort key
// alone, so documents equal under jsonb's order (1 and 1.0) have one key,
// as equality and uniqueness require. Keys are never decoded back into
// documents: rows keep the document itself.
func ToRowcodecKey(d Datum) rowcodec.Value {
	if d.kind == JSONBFamily {
		return rowcodec.Bytes(jsonb.AppendSortKey(nil, jsonb.Doc(d.s)))
	}
	return toOrdered(d)
}

// appendArrayKey concatenates the elements' ascending key encodings
// (NULL elements as rowcodec's NULLS LAST tag): self-delimiting
// encodings concatenate into tuple order, and a prefix sorts first, which
// is PostgreSQL's array order.
func appendArrayKey(dst []byte, a *Array) []byte {
	for _, e := range a.Elems {
		dst = rowcodec.AppendKey(dst, toOrdered(e), rowcodec.Asc)
	}
	return dst
}

func corrupt(format string, args ...any) error {
	return sqlerr.Wrap(fmt.Errorf("%w: %s", rowcodec.ErrCorrupt, fmt.Sprintf(format, args...)), sqlerr.DataCorrupted,
		"stored value is corrupt: %s", fmt.Sprintf(format, args...))
}

// FromRowcodec converts a stored value back to a datum of type t. A
// value of the wrong kind for t is corrupt data (XX001). Decimals from
// key encodings come back reduced (1.00 as 1); a NUMERIC(p,s) type puts
// the scale back.
func FromRowcodec(t Type, v rowcodec.Value) (Datum, error) {
	if v.IsNull() {
		return Null, nil
	}
	want := storageKind(t)
	if t.fam == JSONBFamily && !t.array && v.Kind() == rowcodec.KindString {
		// Written before documents were binary: canonical JSON text.
		doc, err := jsonb.Parse(v.Str())
		if err != nil {
			return Null, corrupt("jsonb text: %v", err)
		}
		return NewJSONBDoc(doc), nil
	}
	if v.Kind() != want {
		return Null, corrupt("%s stored as %s", t, v.Kind())
	}
	if t.array {
		return decodeArrayKey(t, []byte(v.Str()))
	}
	switch t.fam {
	case BoolFamily:
		return NewBool(v.Bool()), nil
	case Int2Family, Int4Family, Int8Family, DateFamily, TimeFamily:
		return Datum{kind: t.fam, i: v.Int()}, nil
	case Float4Family, Float8Family:
		return Datum{kind: t.fam, i: int64(math.Float64bits(v.Float()))}, nil
	case EnumFamily:
		return enumBySort(t, v.Float())
	case NumericFamily:
		d := v.Decimal()
		if t.width != NoMod && d.Form == apd.Finite && d.Exponent > int32(-t.scale) {
			roundCtx.Quantize(d, d, int32(-t.scale))
		}
		return NewNumeric(d), nil
	case TextFamily, VarcharFamily, UnknownFamily:
		return Datum{kind: t.datumKind(), s: v.Str()}, nil
	case JSONBFamily:
		var doc jsonb.Doc
		var err error
		if s := v.Str(); jsonb.IsBinary(s) {
			doc, err = jsonb.DecodeStored(s)
		} else {
			doc, err = jsonb.DecodeStorageKey([]byte(s))
		}
		if err != nil {
			return Null, err
		}
		return NewJSONBDoc(doc), nil
	case CharFamily:
		d := NewChar(v.Str())
		if t.width != NoMod {
			return applyTypmod(d, t, CastExplicit)
		}
		return d, nil
	case ByteaFamily:
		return NewByteaString(v.Str()), nil
	case TimestampFamily, TimestampTZFamily:
		return Datum{kind: t.fam, i: v.Timestamp()}, nil
	case UUIDFamily:
		return NewUUID(v.UUID()), nil
	case IntervalFamily:
		iv, err := decodeIntervalKey([]byte(v.Str()))
		if err != nil {
			return Null, err
		}
		return NewInterval(iv), nil
	}
	return Null, corrupt("no storage for type %s", t)
}

// storageKind is the rowcodec kind a type's values are stored as.
func storageKind(t Type) rowcodec.Kind {
	if t.array {
		return rowcodec.KindBytes
	}
	switch t.fam {
	case BoolFamily:
		return rowcodec.KindBool
	case Int2Family, Int4Family, Int8Family, DateFamily, TimeFamily:
		return rowcodec.KindInt
	case Float4Family, Float8Family, EnumFamily:
		return rowcodec.KindFloat
	case NumericFamily:
		return rowcodec.KindDecimal
	case TextFamily, VarcharFamily, CharFamily, UnknownFamily:
		return rowcodec.KindString
	case ByteaFamily, IntervalFamily, JSONBFamily:
		return rowcodec.KindBytes
	case TimestampFamily, TimestampTZFamily:
		return rowcodec.KindTimestamp
	case UUIDFamily:
		return rowcodec.KindUUID
	}
	return rowcodec.KindNull
}

// Stored column values that a table scan decodes without going through
// rowcodec.Value (see FromStoredInt and FromStoredText): the common
// integer and text columns, decoded straight into their datums.
const (
	StoredGeneral = iota
	StoredInt     // stored as rowcodec.KindInt: FromStoredInt
	StoredText    // stored as rowcodec.KindString: FromStoredText
)

// StoredForm reports how a column of type t may be decoded: StoredInt,
// StoredText, or StoredGeneral (FromRowcodec).
func StoredForm(t Type) int {
	if t.array {
		return StoredGeneral
	}
	switch t.fam {
	case Int2Family, Int4Family, Int8Family, DateFamily, TimeFamily:
		return StoredInt
	case TextFamily, VarcharFamily, UnknownFamily:
		return StoredText
	}
	return StoredGeneral
}

// FromStoredInt is FromRowcodec for a column whose StoredForm is
// StoredInt and whose stored value is the integer x.
func FromStoredInt(t Type, x int64) Datum { return Datum{kind: t.fam, i: x} }

// FromStoredText is FromRowcodec for a column whose StoredForm is
// StoredText and whose stored value is the string s.
func FromStoredText(t Type, s string) Datum { return Datum{kind: t.datumKind(), s: s} }

// StorageKind reports the rowcodec kind a column of type t is stored as.
func StorageKind(t Type) rowcodec.Kind { return storageKind(t) }

func decodeArrayKey(t Type, b []byte) (Datum, error) {
	et := t.Elem()
	elems := []Datum{}
	for len(b) > 0 {
		v, rest, err := rowcodec.DecodeKey(b, rowcodec.Asc)
		if err != nil {
			return Null, sqlerr.Wrap(err, sqlerr.DataCorrupted, "stored array is corrupt: %v", err)
		}
		e, err := FromRowcodec(et, v)
		if err != nil {
			return Null, err
		}
		elems = append(elems, e)
		b = rest
	}
	return NewArray(et, elems), nil
}
