package rowcodec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
)

// ErrCorrupt is wrapped by every decoding error.
var ErrCorrupt = errors.New("rowcodec: malformed encoding")

// Direction is the order of one key column. Bit 0 is DESC; bit 1 moves
// NULLs from their PostgreSQL default place (last for ASC, first for DESC)
// to the other end.
type Direction uint8

// The four column orders of SQL.
const (
	Asc           Direction = 0 // ASC NULLS LAST (PostgreSQL's default)
	Desc          Direction = 1 // DESC NULLS FIRST (PostgreSQL's default)
	AscNullsFirst Direction = 2
	DescNullsLast Direction = 3
)

func (d Direction) desc() bool { return d&1 != 0 }

// nullsFirst reports where NULL sorts in the column's final order.
func (d Direction) nullsFirst() bool { return d.desc() != (d&2 != 0) }

func (d Direction) mask() byte {
	if d.desc() {
		return 0xFF
	}
	return 0
}

// Key tags: the first byte of an ascending column encoding.
const (
	tagNullFirst byte = 0x01
	tagBool      byte = 0x10
	tagInt       byte = 0x20
	tagFloat     byte = 0x30
	tagDecimal   byte = 0x40
	tagString    byte = 0x50
	tagBytes     byte = 0x60
	tagTimestamp byte = 0x70
	tagUUID      byte = 0x80
	tagNullLast  byte = 0xF0
)

// Decimal classes, the byte after tagDecimal.
const (
	decNegInf byte = 0x01
	decNeg    byte = 0x02
	decZero   byte = 0x03
	decPos    byte = 0x04
	decPosInf byte = 0x05
	decNaN    byte = 0x06
)

// Escaping of strings and bytes: 0x00 becomes 0x00 0xFF and the value ends
// with 0x00 0x01, so a value sorts before every value it is a prefix of.
const (
	escByte    byte = 0x00
	escEscaped byte = 0xFF
	escTerm    byte = 0x01
)

// AppendKey appends the order-preserving encoding of v in direction dir.
// For any a, b of one kind (or NULL):
// bytes.Compare(AppendKey(nil, a, d), AppendKey(nil, b, d)) ==
// CompareDir(a, b, d), and the encoding is self-delimiting, so
// concatenated columns order as tuples.
func AppendKey(dst []byte, v Value, dir Direction) []byte {
	start := len(dst)
	dst = appendKeyAsc(dst, v, dir)
	if dir.desc() {
		for i := start; i < len(dst); i++ {
			dst[i] = ^dst[i]
		}
	}
	return dst
}

// AppendKeys appends the encodings of vals, column i in direction dirs[i]
// (Asc where dirs is shorter).
func AppendKeys(dst []byte, vals []Value, dirs []Direction) []byte {
	for i, v := range vals {
		var d Direction
		if i < len(dirs) {
			d = dirs[i]
		}
		dst = AppendKey(dst, v, d)
	}
	return dst
}

func appendKeyAsc(dst []byte, v Value, dir Direction) []byte {
	switch v.kind {
	case KindNull:
		// The byte is inverted for DESC, so "first" here means "last"
		// in the final order when dir is DESC.
		if dir.nullsFirst() != dir.desc() {
			return append(dst, tagNullFirst)
		}
		return append(dst, tagNullLast)
	case KindBool:
		return append(dst, tagBool, byte(v.i))
	case KindInt:
		return binary.BigEndian.AppendUint64(append(dst, tagInt), uint64(v.i)^(1<<63))
	case KindTimestamp:
		return binary.BigEndian.AppendUint64(append(dst, tagTimestamp), uint64(v.i)^(1<<63))
	case KindFloat:
		return binary.BigEndian.AppendUint64(append(dst, tagFloat), floatKey(v.f))
	case KindDecimal:
		return appendDecimalKey(append(dst, tagDecimal), v.d)
	case KindString:
		return appendEscaped(append(dst, tagString), v.s)
	case KindBytes:
		return appendEscaped(append(dst, tagBytes), v.s)
	case KindUUID:
		return append(append(dst, tagUUID), v.s...)
	}
	panic(fmt.Sprintf("rowcodec: unknown kind %d", v.kind))
}

// floatKey maps a float to a uint64 whose order is PostgreSQL's float
// order: -0 is 0, every NaN is one value above +Inf.
func floatKey(f float64) uint64 {
	if math.IsNaN(f) {
		return math.MaxUint64
	}
	if f == 0 {
		f = 0 // -0 -> +0
	}
	b := math.Float64bits(f)
	if b>>63 == 0 {
		return b | 1<<63
	}
	return ^b
}

func floatFromKey(u uint64) float64 {
	if u == math.MaxUint64 {
		return math.NaN()
	}
	if u>>63 == 1 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

func appendEscaped(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, escByte)
		if i < 0 {
			break
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, escByte, escEscaped)
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, escByte, escTerm)
}

// DecodeKey decodes one column encoded by AppendKey in direction dir and
// returns it and the rest of src. Decoding inverts encoding exactly, except
// for what the key deliberately forgets: -0 decodes as 0, a NaN as the
// canonical NaN, and a decimal as its reduced form (1.00 as 1).
func DecodeKey(src []byte, dir Direction) (Value, []byte, error) {
	if len(src) == 0 {
		return Value{}, nil, fmt.Errorf("%w: empty key column", ErrCorrupt)
	}
	m := dir.mask()
	tag := src[0] ^ m
	rest := src[1:]
	fixed := func(n int) ([]byte, []byte, error) {
		if len(rest) < n {
			return nil, nil, fmt.Errorf("%w: %d-byte payload of tag %#x truncated to %d", ErrCorrupt, n, tag, len(rest))
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = rest[i] ^ m
		}
		return b, rest[n:], nil
	}
	switch tag {
	case tagNullFirst, tagNullLast:
		return Value{}, rest, nil
	case tagBool:
		b, r, err := fixed(1)
		if err != nil {
			return Value{}, nil, err
		}
		if b[0] > 1 {
			return Value{}, nil, fmt.Errorf("%w: boolean byte %#x", ErrCorrupt, b[0])
		}
		return Bool(b[0] == 1), r, nil
	case tagInt, tagTimestamp, tagFloat:
		b, r, err := fixed(8)
		if err != nil {
			return Value{}, nil, err
		}
		u := binary.BigEndian.Uint64(b)
		switch tag {
		case tagInt:
			return Int(int64(u ^ 1<<63)), r, nil
		case tagTimestamp:
			return Timestamp(int64(u ^ 1<<63)), r, nil
		}
		return Float(floatFromKey(u)), r, nil
	case tagUUID:
		b, r, err := fixed(16)
		if err != nil {
			return Value{}, nil, err
		}
		return Value{kind: KindUUID, s: string(b)}, r, nil
	case tagString, tagBytes:
		s, r, err := decodeEscaped(rest, m)
		if err != nil {
			return Value{}, nil, err
		}
		if tag == tagString {
			return Value{kind: KindString, s: s}, r, nil
		}
		return Value{kind: KindBytes, s: s}, r, nil
	case tagDecimal:
		d, r, err := decodeDecimalKey(rest, m)
		if err != nil {
			return Value{}, nil, err
		}
		return Value{kind: KindDecimal, d: d}, r, nil
	}
	return Value{}, nil, fmt.Errorf("%w: unknown key tag %#x", ErrCorrupt, tag)
}

// SkipKey returns what follows the one column at the start of src
// encoded by AppendKey in direction dir, without decoding it (and
// without allocating): an index entry's indexed values before the
// primary key it holds. It reports what DecodeKey would of the bytes it
// reads past, except a decimal's digits and a boolean's byte.
func SkipKey(src []byte, dir Direction) ([]byte, error) {
	if len(src) == 0 {
		return nil, fmt.Errorf("%w: empty key column", ErrCorrupt)
	}
	m := dir.mask()
	tag := src[0] ^ m
	rest := src[1:]
	n := 0
	switch tag {
	case tagNullFirst, tagNullLast:
	case tagBool:
		n = 1
	case tagInt, tagTimestamp, tagFloat:
		n = 8
	case tagUUID:
		n = 16
	case tagString, tagBytes:
		return skipEscaped(rest, m)
	case tagDecimal:
		_, r, err := decodeDecimalKey(rest, m)
		return r, err
	default:
		return nil, fmt.Errorf("%w: unknown key tag %#x", ErrCorrupt, tag)
	}
	if len(rest) < n {
		return nil, fmt.Errorf("%w: %d-byte payload of tag %#x truncated to %d", ErrCorrupt, n, tag, len(rest))
	}
	return rest[n:], nil
}

// skipEscaped is decodeEscaped without the string.
func skipEscaped(src []byte, m byte) ([]byte, error) {
	esc := escByte ^ m
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], esc)
		if j < 0 || i+j+1 >= len(src) {
			return nil, fmt.Errorf("%w: unterminated string", ErrCorrupt)
		}
		i += j
		switch src[i+1] ^ m {
		case escTerm:
			return src[i+2:], nil
		case escEscaped:
			i += 2
		default:
			return nil, fmt.Errorf("%w: bad escape %#x", ErrCorrupt, src[i+1]^m)
		}
	}
}

// DecodeKeys decodes len(dirs) columns (dirs may hold Asc for ascending
// columns) and returns them and the rest of src.
func DecodeKeys(src []byte, dirs []Direction) ([]Value, []byte, error) {
	vals := make([]Value, len(dirs))
	for i, d := range dirs {
		var err error
		if vals[i], src, err = DecodeKey(src, d); err != nil {
			return nil, nil, fmt.Errorf("column %d: %w", i, err)
		}
	}
	return vals, src, nil
}

func decodeEscaped(src []byte, m byte) (string, []byte, error) {
	// A string is most often free of zero bytes: then its first escape
	// byte is its terminator, and it decodes with one allocation (a
	// builder growing byte by byte took several per key).
	esc := escByte ^ m
	i := bytes.IndexByte(src, esc)
	if i < 0 || i+1 >= len(src) {
		return "", nil, fmt.Errorf("%w: unterminated string", ErrCorrupt)
	}
	if src[i+1]^m == escTerm {
		return unmasked(src[:i], m), src[i+2:], nil
	}
	b := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		c := src[i] ^ m
		if c != escByte {
			b = append(b, c)
			continue
		}
		if i+1 >= len(src) {
			break
		}
		switch src[i+1] ^ m {
		case escTerm:
			return string(b), src[i+2:], nil
		case escEscaped:
			b = append(b, 0)
			i++
		default:
			return "", nil, fmt.Errorf("%w: bad escape %#x", ErrCorrupt, src[i+1]^m)
		}
	}
	return "", nil, fmt.Errorf("%w: unterminated string", ErrCorrupt)
}

// unmasked returns b with every byte xor m, as a string of its own.
func unmasked(b []byte, m byte) string {
	if m == 0 {
		return string(b)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = c ^ m
	}
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// appendDecimalKey appends a decimal's class byte and, for finite non-zero
// values, its magnitude 0.d1d2... × 100^E as E (int32, sign bit flipped,
// big-endian) then base-100 digit pairs as bytes 1..100 then 0x00; for
// negative values the magnitude bytes are inverted so larger magnitudes
// sort first.
func appendDecimalKey(dst []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(dst, decNaN)
	case apd.Infinite:
		if d.Negative {
			return append(dst, decNegInf)
		}
		return append(dst, decPosInf)
	}
	if d.Coeff.Sign() == 0 {
		return append(dst, decZero)
	}
	digits := d.Coeff.Text(10)
	if digits[0] == '-' {
		digits = digits[1:]
	}
	return appendDecimalDigits(dst, d.Negative, digits, int64(d.Exponent))
}

// AppendDecimalTextKey appends the key AppendKey gives the decimal that
// text spells ([-]digits[.digits][e[+-]digits]), without parsing it into
// a decimal first; ok is false, and dst unchanged, for other text.
func AppendDecimalTextKey(dst []byte, text string) (_ []byte, ok bool) {
	s := text
	neg := false
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	intEnd := 0
	for intEnd < len(s) && s[intEnd] >= '0' && s[intEnd] <= '9' {
		intEnd++
	}
	if intEnd == 0 {
		return dst, false
	}
	digits, frac := s[:intEnd], ""
	s = s[intEnd:]
	if s != "" && s[0] == '.' {
		j := 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 1 {
			return dst, false
		}
		frac, s = s[1:j], s[j:]
	}
	var exp int64
	if s != "" {
		if s[0] != 'e' && s[0] != 'E' {
			return dst, false
		}
		s = s[1:]
		eneg := false
		if s != "" && (s[0] == '+' || s[0] == '-') {
			eneg, s = s[0] == '-', s[1:]
		}
		if s == "" || len(s) > 9 {
			return dst, false
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return dst, false
			}
			exp = exp*10 + int64(s[i]-'0')
		}
		if eneg {
			exp = -exp
		}
	}
	exp -= int64(len(frac))
	all := digits + frac // (a copy only when there is a fraction)
	all = strings.TrimLeft(all, "0")
	if all == "" {
		return append(append(dst, tagDecimal), decZero), true
	}
	return appendDecimalDigits(append(dst, tagDecimal), neg, all, exp), true
}

// appendDecimalDigits appends the class and magnitude of the non-zero
// decimal digits × 10^e (digits without a sign or leading zeros).
func appendDecimalDigits(dst []byte, negative bool, digits string, e int64) []byte {
	trimmed := strings.TrimRight(digits, "0")
	e += int64(len(digits) - len(trimmed))
	digits = trimmed
	n := int64(len(digits)) + e // value = 0.digits × 10^n
	if n%2 != 0 {
		digits = "0" + digits
		n++
	}
	if len(digits)%2 != 0 {
		digits += "0"
	}
	class := decPos
	if negative {
		class = decNeg
	}
	dst = append(dst, class)
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, uint32(int32(n/2))^(1<<31))
	for i := 0; i < len(digits); i += 2 {
		dst = append(dst, (digits[i]-'0')*10+(digits[i+1]-'0')+1)
	}
	dst = append(dst, 0)
	if negative {
		for i := start; i < len(dst); i++ {
			dst[i] = ^dst[i]
		}
	}
	return dst
}

func decodeDecimalKey(src []byte, m byte) (*apd.Decimal, []byte, error) {
	if len(src) == 0 {
		return nil, nil, fmt.Errorf("%w: decimal without class", ErrCorrupt)
	}
	d := new(apd.Decimal)
	class := src[0] ^ m
	src = src[1:]
	switch class {
	case decNaN:
		d.Form = apd.NaN
		return d, src, nil
	case decNegInf, decPosInf:
		d.Form, d.Negative = apd.Infinite, class == decNegInf
		return d, src, nil
	case decZero:
		return d, src, nil
	case decPos, decNeg:
	default:
		return nil, nil, fmt.Errorf("%w: decimal class %#x", ErrCorrupt, class)
	}
	if class == decNeg {
		m = ^m
	}
	if len(src) < 4 {
		return nil, nil, fmt.Errorf("%w: decimal exponent truncated", ErrCorrupt)
	}
	var eb [4]byte
	for i := range eb {
		eb[i] = src[i] ^ m
	}
	e := int64(int32(binary.BigEndian.Uint32(eb[:]) ^ (1 << 31)))
	src = src[4:]
	var digits []byte
	for i := 0; ; i++ {
		if i >= len(src) {
			return nil, nil, fmt.Errorf("%w: unterminated decimal", ErrCorrupt)
		}
		c := src[i] ^ m
		if c == 0 {
			src = src[i+1:]
			break
		}
		if c > 100 {
			return nil, nil, fmt.Errorf("%w: decimal digit pair %#x", ErrCorrupt, c)
		}
		c--
		digits = append(digits, '0'+c/10, '0'+c%10)
	}
	s := strings.TrimRight(string(digits), "0")
	if s == "" {
		return nil, nil, fmt.Errorf("%w: decimal without digits", ErrCorrupt)
	}
	exp := 2*e - int64(len(digits)) + int64(len(digits)-len(s))
	if exp < math.MinInt32 || exp > math.MaxInt32 {
		return nil, nil, fmt.Errorf("%w: decimal exponent %d out of range", ErrCorrupt, exp)
	}
	if _, ok := d.Coeff.SetString(s, 10); !ok {
		return nil, nil, fmt.Errorf("%w: decimal digits %q", ErrCorrupt, s)
	}
	d.Exponent = int32(exp)
	d.Negative = class == decNeg
	return d, src, nil
}
