package types

import (
	"bytes"
	"encoding/hex"
	"errors"
	"github.com/cairndb/cairn/internal/jsonb"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cockroachdb/apd/v3"
)

// invalidInput is PostgreSQL's 22P02 for text that does not parse.
func invalidInput(t Type, s string) error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s: %q", inputTypeName(t), s)
}

// inputTypeName is the type name PostgreSQL's input functions put in
// their messages: the base name, without modifiers.
func inputTypeName(t Type) string {
	switch t.fam {
	case NumericFamily:
		return "numeric"
	case VarcharFamily:
		return "character varying"
	case CharFamily:
		return "character"
	case TimeFamily:
		return "time"
	case TimestampFamily:
		return "timestamp"
	case TimestampTZFamily:
		return "timestamp with time zone"
	case IntervalFamily:
		return "interval"
	}
	return t.Elem().String()
}

func outOfRangeFor(t Type, s string) error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value %q is out of range for type %s", s, t.Elem().String())
}

// isSpace is PostgreSQL's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// ParseText parses s, the text form of a value of type t, as PostgreSQL's
// input functions do, then applies t's modifiers (as an assignment cast
// would: too-long VARCHAR is an error, NUMERIC is rounded to its scale).
// It never returns NULL: SQL NULL has no text form here (arrays spell
// NULL elements as NULL).
func ParseText(t Type, s string) (Datum, error) {
	d, err := parseBase(t, s)
	if err != nil {
		return Null, err
	}
	if t.width != NoMod || t.array {
		return applyTypmod(d, t, CastAssignment)
	}
	return d, nil
}

func parseBase(t Type, s string) (Datum, error) {
	if t.array {
		return parseArray(t, s)
	}
	switch t.fam {
	case UnknownFamily:
		return NewUnknown(s), nil
	case BoolFamily:
		b, ok := parseBool(s)
		if !ok {
			return Null, invalidInput(t, s)
		}
		return NewBool(b), nil
	case Int2Family, Int4Family, Int8Family:
		v, err := parseInt(t, s)
		return Datum{kind: t.fam, i: v}, err
	case Float4Family, Float8Family:
		f, err := parseFloat(t, s)
		if err != nil {
			return Null, err
		}
		if t.fam == Float4Family {
			return NewFloat4(float32(f)), nil
		}
		return NewFloat8(f), nil
	case NumericFamily:
		d, err := parseNumeric(s)
		if err != nil {
			return Null, err
		}
		return NewNumeric(d), nil
	case TextFamily, VarcharFamily:
		return NewText(s), nil
	case CharFamily:
		return NewChar(s), nil
	case ByteaFamily:
		return parseBytea(s)
	case DateFamily:
		return parseDate(s)
	case TimeFamily:
		return parseTime(s)
	case TimestampFamily, TimestampTZFamily:
		return parseTimestamp(t, s)
	case IntervalFamily:
		return parseInterval(s)
	case EnumFamily:
		return NewEnumValue(t, s)
	case UUIDFamily:
		u, ok := parseUUID(s)
		if !ok {
			return Null, invalidInput(t, s)
		}
		return NewUUID(u), nil
	case JSONBFamily:
		doc, err := jsonb.Parse(s)
		if err != nil {
			return Null, err
		}
		return NewJSONBDoc(doc), nil
	}
	return Null, sqlerr.New(sqlerr.FeatureNotSupported, "cannot parse values of type %s", t)
}

// parseBool follows PostgreSQL's parse_bool: any unique prefix of true,
// false, yes, no; on, off (at least two letters); 1 and 0; any case,
// surrounding whitespace ignored.
func parseBool(s string) (bool, bool) {
	s = strings.ToLower(trimSpace(s))
	if s == "" {
		return false, false
	}
	prefixOf := func(word string, minLen int) bool {
		return len(s) >= minLen && strings.HasPrefix(word, s)
	}
	switch {
	case prefixOf("true", 1), prefixOf("yes", 1), prefixOf("on", 2), s == "1":
		return true, true
	case prefixOf("false", 1), prefixOf("no", 1), prefixOf("off", 2), s == "0":
		return false, true
	}
	return false, false
}

func intRange(f Family) (int64, int64) {
	switch f {
	case Int2Family:
		return math.MinInt16, math.MaxInt16
	case Int4Family:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// parseInt follows PostgreSQL 15's pg_strtoint: optional whitespace, an
// optional sign, decimal digits, optional whitespace.
func parseInt(t Type, s string) (int64, error) {
	body := trimSpace(s)
	digits := body
	if len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		digits = digits[1:]
	}
	if digits == "" {
		return 0, invalidInput(t, s)
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, invalidInput(t, s)
		}
	}
	v, err := strconv.ParseInt(body, 10, 64)
	lo, hi := intRange(t.fam)
	if err != nil || v < lo || v > hi {
		return 0, outOfRangeFor(t, s)
	}
	return v, nil
}

// parseFloat follows float8in/float4in: strtod syntax plus NaN, Infinity
// and inf in any case, surrounding whitespace allowed.
func parseFloat(t Type, s string) (float64, error) {
	body := trimSpace(s)
	if body == "" || strings.ContainsRune(body, '_') {
		return 0, invalidInput(t, s)
	}
	bits := 64
	if t.fam == Float4Family {
		bits = 32
	}
	f, err := strconv.ParseFloat(body, bits)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, sqlerr.New(sqlerr.NumericValueOutOfRange, "%q is out of range for type %s", body, t.Elem())
		}
		return 0, invalidInput(t, s)
	}
	return f, nil
}

// parseNumeric follows numeric_in: whitespace, sign, digits with an
// optional point, an optional exponent; NaN, Infinity and inf.
func parseNumeric(s string) (*apd.Decimal, error) {
	body := trimSpace(s)
	lower := strings.ToLower(body)
	switch lower {
	case "nan":
		return &apd.Decimal{Form: apd.NaN}, nil
	case "infinity", "+infinity", "inf", "+inf":
		return &apd.Decimal{Form: apd.Infinite}, nil
	case "-infinity", "-inf":
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	}
	i := 0
	if i < len(body) && (body[i] == '+' || body[i] == '-') {
		i++
	}
	digits := 0
	for i < len(body) && body[i] >= '0' && body[i] <= '9' {
		i++
		digits++
	}
	if i < len(body) && body[i] == '.' {
		i++
		for i < len(body) && body[i] >= '0' && body[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return nil, invalidInput(Decimal, s)
	}
	if i < len(body) && (body[i] == 'e' || body[i] == 'E') {
		i++
		if i < len(body) && (body[i] == '+' || body[i] == '-') {
			i++
		}
		n := 0
		for i < len(body) && body[i] >= '0' && body[i] <= '9' {
			i++
			n++
		}
		if n == 0 {
			return nil, invalidInput(Decimal, s)
		}
	}
	if i != len(body) {
		return nil, invalidInput(Decimal, s)
	}
	d, _, err := apd.NewFromString(body)
	if err != nil {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	if d.Exponent < -16383 || int64(d.Exponent)+d.NumDigits() > 131072 {
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return d, nil
}

func parseBytea(s string) (Datum, error) {
	if strings.HasPrefix(s, `\x`) {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if isSpace(c) {
				i++
				continue
			}
			hi, ok := unhex(c)
			if !ok {
				return Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal digit: %q", s[i:i+utf8Len(s[i:])])
			}
			if i+1 >= len(s) {
				return Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := unhex(s[i+1])
			if !ok {
				if isSpace(s[i+1]) {
					return Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
				}
				return Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal digit: %q", s[i+1:i+1+utf8Len(s[i+1:])])
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return NewBytea(out), nil
	}
	if strings.IndexByte(s, '\\') < 0 {
		return NewByteaString(s), nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			out = append(out, s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			out = append(out, '\\')
			i += 2
			continue
		}
		if i+3 < len(s)+0 && s[i+1] >= '0' && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]) {
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
			continue
		}
		return Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
	}
	return NewBytea(out), nil
}

func utf8Len(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return max(n, 1)
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseUUID follows uuid_in: 32 hex digits, optionally in braces, with a
// hyphen allowed after any group of four digits.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	src := s
	braces := strings.HasPrefix(src, "{")
	if braces {
		if !strings.HasSuffix(src, "}") {
			return u, false
		}
		src = src[1 : len(src)-1]
	}
	n := 0
	for i := 0; i < len(src); {
		if n == 32 {
			return u, false
		}
		hi, ok1 := unhex(src[i])
		if !ok1 || i+1 >= len(src) {
			return u, false
		}
		lo, ok2 := unhex(src[i+1])
		if !ok2 {
			return u, false
		}
		u[n/2] = hi<<4 | lo
		n += 2
		i += 2
		if i < len(src) && src[i] == '-' && n%4 == 0 && n < 32 {
			i++
			if i == len(src) {
				return u, false
			}
		}
	}
	return u, n == 32
}

// FormatText returns d's text form exactly as PostgreSQL prints it in
// text format (DateStyle ISO, IntervalStyle postgres, extra_float_digits
// 1, session time zone UTC; FormatTextIn for another zone). NULL formats as "" (callers send NULL
// separately).
func FormatText(d Datum) string {
	return string(AppendText(nil, d))
}

// AppendText appends FormatText(d) to dst.
func AppendText(dst []byte, d Datum) []byte {
	switch d.kind {
	case nullFamily:
		return dst
	case BoolFamily:
		if d.i != 0 {
			return append(dst, 't')
		}
		return append(dst, 'f')
	case Int2Family, Int4Family, Int8Family:
		if d.s != "" {
			return append(dst, d.s...) // a regclass: its relation's name
		}
		return strconv.AppendInt(dst, d.i, 10)
	case Float4Family:
		return appendFloat(dst, d.Float(), 32)
	case Float8Family:
		return appendFloat(dst, d.Float(), 64)
	case NumericFamily:
		return append(dst, formatDecimal(d.dec)...)
	case TextFamily, CharFamily, UnknownFamily, EnumFamily:
		return append(dst, d.s...)
	case JSONBFamily:
		return jsonb.Doc(d.s).AppendText(dst)
	case ByteaFamily:
		dst = append(dst, '\\', 'x')
		return hex.AppendEncode(dst, []byte(d.s))
	case DateFamily:
		return appendDate(dst, int32(d.i))
	case TimeFamily:
		return appendTimeOfDay(dst, d.i)
	case TimestampFamily:
		return appendTimestamp(dst, d.i, false)
	case TimestampTZFamily:
		return appendTimestamp(dst, d.i, true)
	case IntervalFamily:
		return appendInterval(dst, d.Interval())
	case UUIDFamily:
		var buf [32]byte
		hex.Encode(buf[:], []byte(d.s))
		dst = append(dst, buf[:8]...)
		dst = append(dst, '-')
		dst = append(dst, buf[8:12]...)
		dst = append(dst, '-')
		dst = append(dst, buf[12:16]...)
		dst = append(dst, '-')
		dst = append(dst, buf[16:20]...)
		dst = append(dst, '-')
		return append(dst, buf[20:]...)
	case ArrayFamily:
		return appendArray(dst, d.arr)
	}
	return dst
}

// appendFloat prints the shortest representation that reads back
// exactly, switching to exponent form as PostgreSQL 12+ does: when the
// decimal exponent is below -4 or at least 15 (float8) or 6 (float4).
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	limit := 15
	if bits == 32 {
		limit = 6
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bits)
	x := bytes.LastIndexByte(e, 'e')
	exp, _ := strconv.Atoi(string(e[x+1:]))
	if exp < -4 || exp >= limit {
		return append(dst, e...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, bits)
}

func formatDecimal(d *apd.Decimal) string {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return "NaN"
	case apd.Infinite:
		if d.Negative {
			return "-Infinity"
		}
		return "Infinity"
	}
	return d.Text('f')
}

// CanonicalJSON parses JSON text and returns it as PostgreSQL prints a
// jsonb: object keys sorted by length then bytes, the last of duplicate
// keys kept, ", " and ": " separators, numbers as numeric prints them.
func CanonicalJSON(s string) (string, error) {
	doc, err := jsonb.Parse(s)
	if err != nil {
		return "", err
	}
	return doc.String(), nil
}

func malformedArray(s string, detail string) error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "malformed array literal: %q", s).WithDetail("%s", detail)
}

// parseArray reads a one-dimensional array literal: '{1,2,NULL}', with
// double-quoted elements and backslash escapes; unquoted NULL (any case)
// is a NULL element. Dimension decorations ('[1:2]={...}') and nested
// braces are not supported.
func parseArray(t Type, s string) (Datum, error) {
	elemType := t.Elem()
	body := trimSpace(s)
	if len(body) == 0 || body[0] != '{' {
		return Null, malformedArray(s, `Array value must start with "{" or dimension information.`)
	}
	elems := []Datum{}
	i := 1
	for {
		for i < len(body) && isSpace(body[i]) {
			i++
		}
		if i >= len(body) {
			return Null, malformedArray(s, "Unexpected end of input.")
		}
		if body[i] == '}' && len(elems) == 0 {
			i++
			break
		}
		if body[i] == '{' {
			return Null, sqlerr.New(sqlerr.FeatureNotSupported, "multidimensional arrays are not supported")
		}
		var sb strings.Builder
		quoted, sawAny := false, false
		lastNonSpace := 0
		for i < len(body) {
			c := body[i]
			if c == '"' {
				quoted, sawAny = true, true
				i++
				for i < len(body) && body[i] != '"' {
					if body[i] == '\\' && i+1 < len(body) {
						i++
					}
					sb.WriteByte(body[i])
					i++
				}
				if i >= len(body) {
					return Null, malformedArray(s, "Unexpected end of input.")
				}
				i++
				lastNonSpace = sb.Len()
				continue
			}
			if c == ',' || c == '}' {
				break
			}
			if c == '{' || c == '"' {
				return Null, malformedArray(s, "Unexpected array element.")
			}
			if c == '\\' {
				if i+1 >= len(body) {
					return Null, malformedArray(s, "Unexpected end of input.")
				}
				i++
				c = body[i]
				sb.WriteByte(c)
				lastNonSpace = sb.Len()
				sawAny = true
				i++
				continue
			}
			if isSpace(c) && !sawAny {
				i++
				continue
			}
			sb.WriteByte(c)
			if !isSpace(c) {
				lastNonSpace = sb.Len()
				sawAny = true
			}
			i++
		}
		if i >= len(body) {
			return Null, malformedArray(s, "Unexpected end of input.")
		}
		text := sb.String()[:lastNonSpace]
		if !sawAny {
			return Null, malformedArray(s, "Unexpected \""+string(body[i])+"\" character.")
		}
		if !quoted && strings.EqualFold(text, "null") {
			elems = append(elems, Null)
		} else {
			e, err := ParseText(elemType, text)
			if err != nil {
				return Null, err
			}
			elems = append(elems, e)
		}
		if body[i] == '}' {
			i++
			break
		}
		i++ // ','
	}
	for i < len(body) && isSpace(body[i]) {
		i++
	}
	if i != len(body) {
		return Null, malformedArray(s, "Junk after closing right brace.")
	}
	return NewArray(elemType, elems), nil
}

func appendArray(dst []byte, a *Array) []byte { return appendArrayIn(dst, a, nil) }

// appendArrayIn is appendArray with timestamptz elements in loc.
func appendArrayIn(dst []byte, a *Array, loc *time.Location) []byte {
	dst = append(dst, '{')
	var buf []byte
	for i, e := range a.Elems {
		if i > 0 {
			dst = append(dst, ',')
		}
		if e.IsNull() {
			dst = append(dst, "NULL"...)
			continue
		}
		buf = AppendTextIn(buf[:0], e, loc)
		if !needsQuotes(buf) {
			dst = append(dst, buf...)
			continue
		}
		dst = append(dst, '"')
		for _, c := range buf {
			if c == '"' || c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		}
		dst = append(dst, '"')
	}
	return append(dst, '}')
}

func needsQuotes(b []byte) bool {
	if len(b) == 0 || len(b) == 4 && strings.EqualFold(string(b), "null") {
		return true
	}
	for _, c := range b {
		switch c {
		case '{', '}', ',', '"', '\\':
			return true
		}
		if isSpace(c) {
			return true
		}
	}
	return false
}
