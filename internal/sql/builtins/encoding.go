package builtins

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"golang.org/x/text/encoding/charmap"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// The numeric scale functions (scale, min_scale, trim_scale),
// quote_literal and quote_nullable of any value, and the encoding
// conversions convert_to, convert_from and convert between UTF8, LATIN1,
// WIN1252 and SQL_ASCII (no conversion).
func init() {
	T, B, N, I4 := types.Text, types.Bytea, types.Decimal, types.Int4
	scaleOf := func(d *apd.Decimal) int32 { return max(-d.Exponent, 0) }
	register("scale", &overload{params: []param{p(N)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		d := a[0].Decimal()
		if d.Form != apd.Finite {
			return types.Null, nil
		}
		return types.NewInt4(scaleOf(d)), nil
	}})
	trimmed := func(d *apd.Decimal) *apd.Decimal {
		var r apd.Decimal
		r.Reduce(d)
		if r.Exponent > 0 { // 100 reduces to 1E+2: keep it an integer
			if _, err := apd.BaseContext.WithPrecision(1000).Quantize(&r, &r, 0); err != nil {
				return d
			}
		}
		return &r
	}
	register("min_scale", &overload{params: []param{p(N)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		d := a[0].Decimal()
		if d.Form != apd.Finite {
			return types.Null, nil
		}
		return types.NewInt4(scaleOf(trimmed(d))), nil
	}})
	register("trim_scale", &overload{params: []param{p(N)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		d := a[0].Decimal()
		if d.Form != apd.Finite {
			return a[0], nil
		}
		return types.NewNumeric(trimmed(d)), nil
	}})
	// quote_literal(anyelement) is quote_literal of the value's text.
	asText := func(d types.Datum) string {
		if d.Kind() == types.BoolFamily {
			return map[bool]string{true: "true", false: "false"}[d.Bool()]
		}
		return types.FormatText(d)
	}
	register("quote_literal", &overload{params: []param{pElem}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		return text(QuoteLiteral(asText(a[0]))), nil
	}})
	register("quote_nullable", &overload{params: []param{pElem}, ret: T, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return text("NULL"), nil
		}
		return text(QuoteLiteral(asText(a[0]))), nil
	}})
	register("convert_to", &overload{params: []param{p(T), p(T)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
		b, err := convertEncoding([]byte(a[0].Str()), "UTF8", a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return types.NewBytea(b), nil
	}})
	register("convert_from", &overload{params: []param{p(B), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		b, err := convertEncoding([]byte(a[0].Bytes()), a[1].Str(), "UTF8")
		if err != nil {
			return types.Null, err
		}
		return text(string(b)), nil
	}})
	register("convert", &overload{params: []param{p(B), p(T), p(T)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
		b, err := convertEncoding([]byte(a[0].Bytes()), a[1].Str(), a[2].Str())
		if err != nil {
			return types.Null, err
		}
		return types.NewBytea(b), nil
	}})
}

// encodingName is PostgreSQL's name of an encoding it may be given by
// (case and punctuation aside), "" for one cairn does not convert.
func encodingName(name string) string {
	n := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(name))
	switch n {
	case "UTF8", "UNICODE":
		return "UTF8"
	case "LATIN1", "ISO88591":
		return "LATIN1"
	case "WIN1252", "WINDOWS1252":
		return "WIN1252"
	case "SQLASCII":
		return "SQL_ASCII"
	}
	return ""
}

// convertEncoding converts b from encoding src to dst.
func convertEncoding(b []byte, src, dst string) ([]byte, error) {
	from, to := encodingName(src), encodingName(dst)
	if from == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid source encoding name %q", src)
	}
	if to == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid destination encoding name %q", dst)
	}
	if from == "UTF8" && !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			if r, size := utf8.DecodeRune(b[i:]); r == utf8.RuneError && size == 1 {
				break
			} else {
				i += size
			}
		}
		return nil, sqlerr.New(sqlerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x%02x", b[i])
	}
	if from == to || from == "SQL_ASCII" || to == "SQL_ASCII" {
		return b, nil
	}
	maps := map[string]*charmap.Charmap{"LATIN1": charmap.ISO8859_1, "WIN1252": charmap.Windows1252}
	// To UTF8 first (LATIN1 and WIN1252 decode every byte), then on.
	if from != "UTF8" {
		r, err := maps[from].NewDecoder().Bytes(b)
		if err != nil {
			return nil, err
		}
		b = r
	}
	if to == "UTF8" {
		return b, nil
	}
	m := maps[to]
	out := make([]byte, 0, len(b))
	for i, r := range string(b) {
		c, ok := m.EncodeRune(r)
		if !ok {
			_, size := utf8.DecodeRuneInString(string(b[i:]))
			seq := make([]string, size)
			for k := range size {
				seq[k] = fmt.Sprintf("0x%02x", b[i+k])
			}
			return nil, sqlerr.New(sqlerr.Code("22P05"), "character with byte sequence %s in encoding \"UTF8\" has no equivalent in encoding %q", strings.Join(seq, " "), to)
		}
		out = append(out, c)
	}
	return out, nil
}
