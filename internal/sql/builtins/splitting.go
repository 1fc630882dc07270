package builtins

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Splitting strings into sets and arrays (regexp_split_to_table,
// regexp_split_to_array, regexp_matches, string_to_table), and bytea's
// text encodings (encode, decode).

// regexpSplit splits s at the matches of pattern with flags (as
// regexp_split_to_array: a match of no characters splits between
// characters, and none is taken at the start or the end).
func regexpSplit(s, pattern, flags string) ([]string, error) {
	r, err := compileRegex(pattern, flags, "regexp_split")
	if err != nil {
		return nil, err
	}
	if r.global {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "regexp_split does not support the \"global\" option")
	}
	var out []string
	start, at := 0, 0
	for at <= len(s) {
		m := r.re.FindStringIndex(s[at:])
		if m == nil {
			break
		}
		lo, hi := at+m[0], at+m[1]
		if lo == hi {
			// An empty match: ignored at the ends, else it splits after
			// the next character.
			if lo >= len(s) {
				break
			}
			if lo == start {
				_, n := decodeRune(s[lo:])
				at = lo + n
				if lo == 0 {
					continue
				}
				out = append(out, s[start:lo])
				start = lo
				continue
			}
		}
		out = append(out, s[start:lo])
		start = hi
		at = hi
		if hi == lo {
			_, n := decodeRune(s[hi:])
			at = hi + n
		}
	}
	return append(out, s[start:]), nil
}

func decodeRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// regexpMatches is regexp_matches: each match's captured groups (or the
// whole match when the pattern has no group), every match with the g
// flag, else the first.
func regexpMatches(s, pattern, flags string) ([]types.Datum, error) {
	r, err := compileRegex(pattern, flags, "regexp_matches")
	if err != nil {
		return nil, err
	}
	n := 1
	if r.global {
		n = -1
	}
	var out []types.Datum
	for _, m := range r.re.FindAllStringSubmatchIndex(s, n) {
		out = append(out, matchArray(s, m))
	}
	return out, nil
}

// sliceIter returns the rows of one column holding vals.
func sliceIter(vals []types.Datum) TableIter {
	i := 0
	return func() ([]types.Datum, bool, error) {
		if i >= len(vals) {
			return nil, false, nil
		}
		i++
		return []types.Datum{vals[i-1]}, true, nil
	}
}

func texts(ss []string) []types.Datum {
	out := make([]types.Datum, len(ss))
	for i, s := range ss {
		out[i] = text(s)
	}
	return out
}

// encodeBytes is encode(b, format): hex, base64 (lines of 76
// characters, as PostgreSQL) or escape.
func encodeBytes(b, format string) (string, error) {
	switch strings.ToLower(format) {
	case "hex":
		return hex.EncodeToString([]byte(b)), nil
	case "base64":
		s := base64.StdEncoding.EncodeToString([]byte(b))
		var sb strings.Builder
		for len(s) > 76 {
			sb.WriteString(s[:76])
			sb.WriteByte('\n')
			s = s[76:]
		}
		sb.WriteString(s)
		return sb.String(), nil
	case "escape":
		var sb strings.Builder
		for i := 0; i < len(b); i++ {
			switch c := b[i]; {
			case c == '\\':
				sb.WriteString(`\\`)
			case c == 0 || c >= 0x80:
				sb.WriteByte('\\')
				sb.WriteByte('0' + c>>6)
				sb.WriteByte('0' + c>>3&7)
				sb.WriteByte('0' + c&7)
			default:
				sb.WriteByte(c)
			}
		}
		return sb.String(), nil
	}
	return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized encoding: %q", format).
		WithHint("Valid encodings are \"base64\", \"escape\", and \"hex\".")
}

// decodeBytes is decode(s, format), encode's inverse.
func decodeBytes(s, format string) ([]byte, error) {
	switch strings.ToLower(format) {
	case "hex":
		b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: %v", err)
		}
		return b, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid base64 data: %v", err)
		}
		return b, nil
	case "escape":
		var out []byte
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c != '\\' {
				out = append(out, c)
				continue
			}
			switch {
			case i+1 < len(s) && s[i+1] == '\\':
				out = append(out, '\\')
				i++
			case i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) && s[i+1] <= '3':
				out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
				i += 3
			default:
				return nil, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
			}
		}
		return out, nil
	}
	return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized encoding: %q", format).
		WithHint("Valid encodings are \"base64\", \"escape\", and \"hex\".")
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func init() {
	T, TA, BA := types.Text, types.ArrayOf(types.Text), types.Bytea
	split := func(a []types.Datum) ([]string, error) {
		flags := ""
		if len(a) > 2 {
			flags = a[2].Str()
		}
		return regexpSplit(a[0].Str(), a[1].Str(), flags)
	}
	for _, n := range []int{2, 3} {
		params := []param{p(T), p(T), p(T)}[:n]
		registerTable("regexp_split_to_table", params, oneColumn("regexp_split_to_table", T), func(a []types.Datum) (TableIter, error) {
			parts, err := split(a)
			if err != nil {
				return nil, err
			}
			return sliceIter(texts(parts)), nil
		})
		register("regexp_split_to_array", &overload{params: params, ret: TA, fn: func(a []types.Datum) (types.Datum, error) {
			parts, err := split(a)
			if err != nil {
				return types.Null, err
			}
			return textArray(parts, nil), nil
		}})
		registerTable("regexp_matches", params, oneColumn("regexp_matches", TA), func(a []types.Datum) (TableIter, error) {
			flags := ""
			if len(a) > 2 {
				flags = a[2].Str()
			}
			ms, err := regexpMatches(a[0].Str(), a[1].Str(), flags)
			if err != nil {
				return nil, err
			}
			return sliceIter(ms), nil
		})
		registerTable("string_to_table", params, oneColumn("string_to_table", T), func(a []types.Datum) (TableIter, error) {
			arr, err := stringToArray(a)
			if err != nil || arr.IsNull() {
				return sliceIter(nil), err
			}
			return sliceIter(arr.Array().Elems), nil
		})
	}
	register("encode", &overload{params: []param{p(BA), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := encodeBytes(a[0].Bytes(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return text(s), nil
	}})
	register("decode", &overload{params: []param{p(T), p(T)}, ret: BA, fn: func(a []types.Datum) (types.Datum, error) {
		b, err := decodeBytes(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return types.NewBytea(b), nil
	}})
}
