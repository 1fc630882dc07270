package pgwire

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Format codes of the protocol.
const (
	textFormat   int16 = 0
	binaryFormat int16 = 1
)

// pgEpochMicros is 2000-01-01 (PostgreSQL's binary epoch) in microseconds
// since 1970-01-01, cairn's epoch.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1_000_000
)

// typeOID is the OID a column of type t is described with; types the
// protocol has no OID for go out as text.
func typeOID(t types.Type) uint32 {
	if oid := t.OID(); oid != 0 {
		return oid
	}
	return types.Text.OID()
}

// appendDatum appends d's wire form in format f, timestamptz text in
// the session time zone zone (nil: UTC); NULLs are sent by the caller as
// a -1 length.
func appendDatum(dst []byte, d types.Datum, t types.Type, f int16, zone *time.Location) ([]byte, error) {
	if f == textFormat {
		return types.AppendTextIn(dst, d, zone), nil
	}
	return appendBinary(dst, d, t)
}

func appendBinary(dst []byte, d types.Datum, t types.Type) ([]byte, error) {
	if k := d.Kind(); !t.IsArray() && k != t.Family() && !(k == types.TextFamily && t.Family() == types.VarcharFamily) && t.Family() != types.UnknownFamily {
		// The client decodes by the described type, so a value of
		// another type (an int in a numeric column) is converted to it.
		if fn, ok := types.CastFunc(types.TypeOfDatum(d), t, types.CastExplicit); ok {
			v, err := fn(d)
			if err != nil {
				return nil, err
			}
			d = v
		}
	}
	switch d.Kind() {
	case types.BoolFamily:
		if d.Bool() {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case types.Int2Family, types.Int4Family, types.Int8Family:
		// The column's type decides the width: an int4 expression may be
		// described as int8 after an implicit widening.
		switch t.Family() {
		case types.Int2Family:
			return binary.BigEndian.AppendUint16(dst, uint16(d.Int())), nil
		case types.Int4Family:
			return binary.BigEndian.AppendUint32(dst, uint32(d.Int())), nil
		}
		if t.OID() == types.RegClass.OID() {
			return binary.BigEndian.AppendUint32(dst, uint32(d.Int())), nil // an OID
		}
		return binary.BigEndian.AppendUint64(dst, uint64(d.Int())), nil
	case types.Float4Family, types.Float8Family:
		if t.Family() == types.Float4Family {
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(d.Float()))), nil
		}
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(d.Float())), nil
	case types.NumericFamily:
		return appendNumeric(dst, types.FormatText(d))
	case types.TextFamily, types.CharFamily, types.UnknownFamily, types.ByteaFamily:
		return append(dst, d.Str()...), nil
	case types.DateFamily:
		days := d.Date()
		if days != math.MinInt32 && days != math.MaxInt32 {
			days -= pgEpochDays
		}
		return binary.BigEndian.AppendUint32(dst, uint32(days)), nil
	case types.TimeFamily:
		return binary.BigEndian.AppendUint64(dst, uint64(d.Micros())), nil
	case types.TimestampFamily, types.TimestampTZFamily:
		us := d.Micros()
		if us != math.MinInt64 && us != math.MaxInt64 {
			us -= pgEpochMicros
		}
		return binary.BigEndian.AppendUint64(dst, uint64(us)), nil
	case types.IntervalFamily:
		iv := d.Interval()
		dst = binary.BigEndian.AppendUint64(dst, uint64(iv.Micros))
		dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Days))
		return binary.BigEndian.AppendUint32(dst, uint32(iv.Months)), nil
	case types.UUIDFamily:
		u := d.UUID()
		return append(dst, u[:]...), nil
	case types.EnumFamily:
		return append(dst, d.Str()...), nil // enum_send: the label
	case types.JSONBFamily:
		dst = append(dst, 1) // jsonb's binary format version
		return append(dst, d.JSON()...), nil
	case types.ArrayFamily:
		return appendArray(dst, d.Array(), t)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "binary output of type %s is not supported", t)
}

func appendArray(dst []byte, a *types.Array, t types.Type) ([]byte, error) {
	elem := t.Elem()
	if !t.IsArray() {
		elem = a.Elem
	}
	if len(a.Elems) == 0 {
		dst = binary.BigEndian.AppendUint32(dst, 0)
		dst = binary.BigEndian.AppendUint32(dst, 0)
		return binary.BigEndian.AppendUint32(dst, typeOID(elem)), nil
	}
	hasNull := uint32(0)
	for _, e := range a.Elems {
		if e.IsNull() {
			hasNull = 1
		}
	}
	dst = binary.BigEndian.AppendUint32(dst, 1)
	dst = binary.BigEndian.AppendUint32(dst, hasNull)
	dst = binary.BigEndian.AppendUint32(dst, typeOID(elem))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(a.Elems)))
	dst = binary.BigEndian.AppendUint32(dst, 1) // lower bound
	for _, e := range a.Elems {
		if e.IsNull() {
			dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32)
			continue
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		var err error
		if dst, err = appendBinary(dst, e, elem); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}

// Numeric's binary form: ndigits, weight, sign and display scale as
// 16-bit integers, then ndigits base-10000 digits, the first of which is
// worth 10000^weight.
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

// appendNumeric encodes a numeric from its text form.
func appendNumeric(dst []byte, s string) ([]byte, error) {
	header := func(ndigits, weight int, sign, dscale uint16) []byte {
		dst = binary.BigEndian.AppendUint16(dst, uint16(ndigits))
		dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
		dst = binary.BigEndian.AppendUint16(dst, sign)
		return binary.BigEndian.AppendUint16(dst, dscale)
	}
	switch s {
	case "NaN":
		return header(0, 0, numericNaN, 0), nil
	case "Infinity":
		return header(0, 0, numericPInf, 0), nil
	case "-Infinity":
		return header(0, 0, numericNInf, 0), nil
	}
	sign := uint16(numericPos)
	if strings.HasPrefix(s, "-") {
		sign, s = numericNeg, s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	dscale := len(frac)
	intPart = strings.TrimLeft(intPart, "0")
	if n := len(intPart) % 4; n != 0 {
		intPart = strings.Repeat("0", 4-n) + intPart
	}
	if n := len(frac) % 4; n != 0 {
		frac += strings.Repeat("0", 4-n)
	}
	all := intPart + frac
	digits := make([]uint16, 0, len(all)/4)
	for i := 0; i < len(all); i += 4 {
		v, err := strconv.Atoi(all[i : i+4])
		if err != nil {
			return nil, fmt.Errorf("pgwire: numeric %q: %w", s, err)
		}
		digits = append(digits, uint16(v))
	}
	weight := len(intPart)/4 - 1
	for len(digits) > 0 && digits[0] == 0 {
		digits = digits[1:]
		weight--
	}
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		weight, sign = 0, numericPos
	}
	dst = header(len(digits), weight, sign, uint16(dscale))
	for _, d := range digits {
		dst = binary.BigEndian.AppendUint16(dst, d)
	}
	return dst, nil
}

// decodeNumeric turns numeric's binary form into its text form.
func decodeNumeric(b []byte) (string, error) {
	if len(b) < 8 {
		return "", errBinary("numeric")
	}
	ndigits := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	if len(b) != 8+2*ndigits {
		return "", errBinary("numeric")
	}
	switch sign {
	case numericNaN:
		return "NaN", nil
	case numericPInf:
		return "Infinity", nil
	case numericNInf:
		return "-Infinity", nil
	}
	digit := func(i int) int {
		if i < 0 || i >= ndigits {
			return 0
		}
		return int(binary.BigEndian.Uint16(b[8+2*i:]))
	}
	var sb strings.Builder
	if sign == numericNeg {
		sb.WriteByte('-')
	}
	if weight < 0 {
		sb.WriteByte('0')
	} else {
		for i := 0; i <= weight; i++ {
			if i == 0 {
				sb.WriteString(strconv.Itoa(digit(i)))
			} else {
				fmt.Fprintf(&sb, "%04d", digit(i))
			}
		}
	}
	if dscale > 0 {
		var frac strings.Builder
		for i := weight + 1; frac.Len() < dscale; i++ {
			fmt.Fprintf(&frac, "%04d", digit(i))
		}
		sb.WriteByte('.')
		sb.WriteString(frac.String()[:dscale])
	}
	return sb.String(), nil
}

func errBinary(typ string) error {
	return sqlerr.New(sqlerr.InvalidBinaryRepresentation, "incorrect binary data format in bind parameter of type %s", typ)
}

// decodeParam turns a Bind parameter into a datum of type t. Text
// parameters stay text of unknown type: the engine parses them as the
// statement's parameter type, as PostgreSQL's input functions would.
func decodeParam(b []byte, t types.Type, f int16) (types.Datum, error) {
	if b == nil {
		return types.Null, nil
	}
	if f == textFormat {
		return types.NewUnknown(string(b)), nil
	}
	if f != binaryFormat {
		return types.Null, sqlerr.New(sqlerr.Code("08P01"), "unsupported format code: %d", f)
	}
	return decodeBinary(b, t)
}

func decodeBinary(b []byte, t types.Type) (types.Datum, error) {
	need := func(n int) error {
		if len(b) != n {
			return errBinary(t.String())
		}
		return nil
	}
	if t.IsArray() {
		return decodeArray(b, t)
	}
	switch t.Family() {
	case types.BoolFamily:
		if err := need(1); err != nil {
			return types.Null, err
		}
		return types.NewBool(b[0] != 0), nil
	case types.Int2Family:
		if err := need(2); err != nil {
			return types.Null, err
		}
		return types.NewInt2(int16(binary.BigEndian.Uint16(b))), nil
	case types.Int4Family:
		if err := need(4); err != nil {
			return types.Null, err
		}
		return types.NewInt4(int32(binary.BigEndian.Uint32(b))), nil
	case types.Int8Family:
		if err := need(8); err != nil {
			return types.Null, err
		}
		return types.NewInt8(int64(binary.BigEndian.Uint64(b))), nil
	case types.Float4Family:
		if err := need(4); err != nil {
			return types.Null, err
		}
		return types.NewFloat4(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case types.Float8Family:
		if err := need(8); err != nil {
			return types.Null, err
		}
		return types.NewFloat8(math.Float64frombits(binary.BigEndian.Uint64(b))), nil
	case types.NumericFamily:
		s, err := decodeNumeric(b)
		if err != nil {
			return types.Null, err
		}
		return types.ParseText(types.Decimal, s)
	case types.TextFamily, types.VarcharFamily, types.UnknownFamily:
		return types.NewText(string(b)), nil
	case types.EnumFamily:
		return types.ParseText(t, string(b)) // enum_recv: the label
	case types.CharFamily:
		return types.NewChar(string(b)), nil
	case types.ByteaFamily:
		return types.NewBytea(append([]byte(nil), b...)), nil
	case types.DateFamily:
		if err := need(4); err != nil {
			return types.Null, err
		}
		days := int32(binary.BigEndian.Uint32(b))
		if days != math.MinInt32 && days != math.MaxInt32 {
			days += pgEpochDays
		}
		return types.NewDate(days), nil
	case types.TimeFamily:
		if err := need(8); err != nil {
			return types.Null, err
		}
		return types.NewTime(int64(binary.BigEndian.Uint64(b))), nil
	case types.TimestampFamily, types.TimestampTZFamily:
		if err := need(8); err != nil {
			return types.Null, err
		}
		us := int64(binary.BigEndian.Uint64(b))
		if us != math.MinInt64 && us != math.MaxInt64 {
			us += pgEpochMicros
		}
		if t.Family() == types.TimestampFamily {
			return types.NewTimestamp(us), nil
		}
		return types.NewTimestampTZ(us), nil
	case types.IntervalFamily:
		if err := need(16); err != nil {
			return types.Null, err
		}
		return types.NewInterval(types.IntervalValue{
			Micros: int64(binary.BigEndian.Uint64(b)),
			Days:   int32(binary.BigEndian.Uint32(b[8:])),
			Months: int32(binary.BigEndian.Uint32(b[12:])),
		}), nil
	case types.UUIDFamily:
		if err := need(16); err != nil {
			return types.Null, err
		}
		return types.NewUUID([16]byte(b)), nil
	case types.JSONBFamily:
		if len(b) < 1 || b[0] != 1 {
			return types.Null, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "unsupported jsonb version number")
		}
		return types.ParseText(types.JSONB, string(b[1:]))
	}
	return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "binary input of type %s is not supported", t)
}

func decodeArray(b []byte, t types.Type) (types.Datum, error) {
	bad := errBinary(t.String())
	if len(b) < 12 {
		return types.Null, bad
	}
	ndim := binary.BigEndian.Uint32(b)
	elemOID := binary.BigEndian.Uint32(b[8:])
	elem := t.Elem()
	if et, ok := types.TypeFromOID(elemOID); ok && !et.IsArray() {
		elem = et
	}
	b = b[12:]
	if ndim == 0 {
		return types.NewArray(types.ArrayOf(elem), nil), nil
	}
	if ndim != 1 || len(b) < 8 {
		return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "only one-dimensional arrays are supported")
	}
	n := int(binary.BigEndian.Uint32(b))
	b = b[8:]
	elems := make([]types.Datum, 0, min(n, 1<<16))
	for range n {
		if len(b) < 4 {
			return types.Null, bad
		}
		l := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if l < 0 {
			elems = append(elems, types.Null)
			continue
		}
		if int(l) > len(b) {
			return types.Null, bad
		}
		e, err := decodeBinary(b[:l], elem)
		if err != nil {
			return types.Null, err
		}
		elems = append(elems, e)
		b = b[l:]
	}
	return types.NewArray(types.ArrayOf(elem), elems), nil
}
