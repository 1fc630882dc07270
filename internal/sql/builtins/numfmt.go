package builtins

import (
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// to_char(number, template) and to_number(text, template): PostgreSQL's
// numeric formatting (section 9.8, table 9.28) for the patterns reports
// use: 9 (a digit, blank when a leading zero), 0 (a digit, zero kept),
// . or D (the decimal point), , or G (a group separator, blank before
// the first digit), S, MI, PL, SG and PR (signs), FM (no padding: no
// leading blanks, no trailing zeros in 9 places), and "quoted text". As
// in PostgreSQL, a template without a sign pattern keeps a place for the
// sign before the number, and a minus goes right before its first digit
// ('  -.10'); a number with more integer digits than the template has
// places prints as '#'. EEEE, RN, TH, V and L are not supported (0A000).

type numFmt struct {
	elems      []numElem
	intPlaces  int  // 9s and 0s before the decimal point
	fracPlaces int  // after it
	fill       bool // FM
	sign       bool // an explicit sign pattern (S MI PL SG PR)
	pr         bool
}

type numElem struct {
	kind byte // '9' '0' '.' ',' 'S' 'M' (MI) 'P' (PL) 'G' (SG) 'R' (PR) 'L' (literal)
	text string
}

func parseNumFmt(f string) (*numFmt, error) {
	nf := &numFmt{}
	afterPoint := false
	for i := 0; i < len(f); {
		rest := asciiUpper(f[i:min(len(f), i+4)]) // the longest pattern is 4 bytes
		switch {
		case strings.HasPrefix(rest, "FM"):
			nf.fill = true
			i += 2
		case rest[0] == '9' || rest[0] == '0':
			nf.elems = append(nf.elems, numElem{kind: rest[0]})
			if afterPoint {
				nf.fracPlaces++
			} else {
				nf.intPlaces++
			}
			i++
		case rest[0] == '.' || rest[0] == 'D':
			if afterPoint {
				return nil, sqlerr.New(sqlerr.SyntaxError, "multiple decimal points")
			}
			afterPoint = true
			nf.elems = append(nf.elems, numElem{kind: '.'})
			i++
		case rest[0] == ',' || rest[0] == 'G' && !strings.HasPrefix(rest, "GG"):
			nf.elems = append(nf.elems, numElem{kind: ','})
			i++
		case strings.HasPrefix(rest, "SG"):
			nf.elems, nf.sign = append(nf.elems, numElem{kind: 'G'}), true
			i += 2
		case strings.HasPrefix(rest, "MI"):
			nf.elems, nf.sign = append(nf.elems, numElem{kind: 'M'}), true
			i += 2
		case strings.HasPrefix(rest, "PL"):
			nf.elems, nf.sign = append(nf.elems, numElem{kind: 'P'}), true
			i += 2
		case strings.HasPrefix(rest, "PR"):
			nf.elems, nf.sign, nf.pr = append(nf.elems, numElem{kind: 'R'}), true, true
			i += 2
		case rest[0] == 'S':
			nf.elems, nf.sign = append(nf.elems, numElem{kind: 'S'}), true
			i++
		case strings.HasPrefix(rest, "EEEE"), strings.HasPrefix(rest, "RN"), strings.HasPrefix(rest, "TH"),
			rest[0] == 'V', rest[0] == 'L':
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "to_char pattern %q is not supported yet", f[i:i+min(len(f)-i, 4)])
		case rest[0] == '"':
			end := strings.IndexByte(f[i+1:], '"')
			if end < 0 {
				nf.elems = append(nf.elems, numElem{kind: 'L', text: f[i+1:]})
				i = len(f)
			} else {
				nf.elems = append(nf.elems, numElem{kind: 'L', text: f[i+1 : i+1+end]})
				i += end + 2
			}
		default:
			nf.elems = append(nf.elems, numElem{kind: 'L', text: f[i : i+1]})
			i++
		}
	}
	return nf, nil
}

// asciiUpper upper-cases the ASCII letters of s, byte for byte.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// toCharNumber formats the number d by the template f.
func toCharNumber(d *apd.Decimal, f string) (string, error) {
	nf, err := parseNumFmt(f)
	if err != nil {
		return "", err
	}
	neg := d.Negative && !d.IsZero()
	var r apd.Decimal
	c := apd.BaseContext
	c.Precision = 1000
	c.Rounding = apd.RoundHalfUp
	abs := new(apd.Decimal).Abs(d)
	if _, err := c.Quantize(&r, abs, int32(-nf.fracPlaces)); err != nil {
		return "", err
	}
	digits := r.Text('f')
	intDigits, fracDigits, _ := strings.Cut(digits, ".")
	if intDigits == "0" && nf.fracPlaces > 0 {
		intDigits = "" // 0.5 by '9.99' is ' .50'
	}
	overflow := len(intDigits) > nf.intPlaces
	var out []byte
	numStart := -1 // where the number's places begin (the sign's room)
	started := false
	zeros := false // a 0 place was met: the digits from here on are printed
	intAt, fracAt := 0, 0
	lead := nf.intPlaces - len(intDigits)
	signed := false // the default sign has been placed
	placeSign := func() {
		if nf.sign || signed || !neg {
			return
		}
		signed = true
		if !nf.fill && len(out) > 0 && out[len(out)-1] == ' ' {
			out[len(out)-1] = '-'
			return
		}
		out = append(out, '-')
	}
	startNumber := func() {
		if numStart < 0 {
			numStart = len(out)
			if !nf.sign && !nf.fill {
				out = append(out, ' ') // the sign's place
			}
		}
	}
	for _, e := range nf.elems {
		switch e.kind {
		case '9', '0':
			startNumber()
			if fracAt > 0 || intAt >= nf.intPlaces { // a fraction place
				if overflow {
					out = append(out, '#')
				} else {
					out = append(out, fracDigits[fracAt])
				}
				fracAt++
				continue
			}
			if e.kind == '0' {
				zeros = true
			}
			switch {
			case overflow:
				placeSign()
				out = append(out, '#')
			case intAt >= lead:
				placeSign()
				out = append(out, intDigits[intAt-lead])
				started = true
			case zeros:
				placeSign()
				out = append(out, '0')
				started = true
			case !nf.fill:
				out = append(out, ' ')
			}
			intAt++
		case '.':
			startNumber()
			placeSign()
			out = append(out, '.')
			started = true
			intAt = nf.intPlaces // the fraction's places follow
		case ',':
			switch {
			case started:
				out = append(out, ',')
			case !nf.fill:
				out = append(out, ' ')
			}
		case 'S', 'G', 'P': // S, SG, PL
			if neg {
				out = append(out, '-')
			} else {
				out = append(out, '+')
			}
		case 'M':
			if neg {
				out = append(out, '-')
			} else if !nf.fill {
				out = append(out, ' ')
			}
		case 'R':
			if neg {
				out = append(out, '>')
			} else if !nf.fill {
				out = append(out, ' ')
			}
		case 'L':
			out = append(out, e.text...)
		}
	}
	if nf.pr && neg {
		at := max(numStart, 0)
		// The opening bracket takes the blank before the first digit.
		j := at
		for j < len(out) && out[j] == ' ' {
			j++
		}
		if j > at {
			out[j-1] = '<'
		} else {
			out = append(out[:j], append([]byte{'<'}, out[j:]...)...)
		}
	}
	s := string(out)
	if nf.fill && nf.fracPlaces > 0 && !overflow {
		s = trimFillZeros(s, nf)
	}
	return s, nil
}

// trimFillZeros drops, in FM mode, the trailing zeros printed in 9
// places after the decimal point.
func trimFillZeros(s string, nf *numFmt) string {
	// The fraction places' kinds, last first.
	var kinds []byte
	after := false
	for _, e := range nf.elems {
		switch e.kind {
		case '.':
			after = true
		case '9', '0':
			if after {
				kinds = append(kinds, e.kind)
			}
		}
	}
	point := strings.LastIndexByte(s, '.')
	if point < 0 {
		return s
	}
	end := point + 1 + len(kinds)
	if end > len(s) {
		return s
	}
	frac := []byte(s[point+1 : end])
	n := len(frac)
	for n > 0 && kinds[n-1] == '9' && frac[n-1] == '0' {
		n--
	}
	return s[:point+1] + string(frac[:n]) + s[end:]
}

// toNumber is to_number(text, template): the digits, decimal point and
// sign of s, read leniently (group separators and other template text
// skipped; a minus anywhere, or angle brackets, make it negative).
func toNumber(s, f string) (types.Datum, error) {
	if _, err := parseNumFmt(f); err != nil {
		return types.Null, err
	}
	var b strings.Builder
	neg := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == '.':
			b.WriteByte(c)
		case c == '-' || c == '<':
			neg = true
		}
	}
	if b.Len() == 0 {
		return types.Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: %q", s)
	}
	text := b.String()
	if neg {
		text = "-" + text
	}
	d, _, err := apd.NewFromString(text)
	if err != nil {
		return types.Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: %q", s)
	}
	return dec(d), nil
}

func init() {
	T := types.Text
	num := func(d *apd.Decimal, f string) (types.Datum, error) {
		s, err := toCharNumber(d, f)
		if err != nil {
			return types.Null, err
		}
		return text(s), nil
	}
	register("to_char", &overload{params: []param{p(types.Decimal), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		return num(a[0].Decimal(), a[1].Str())
	}})
	for _, t := range []types.Type{types.Int4, types.Int8} {
		register("to_char", &overload{params: []param{p(t), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			return num(apd.New(a[0].Int(), 0), a[1].Str())
		}})
	}
	register("to_char", &overload{params: []param{p(types.Float8), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		x := a[0].Float()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "to_char of %s is not supported", strconv.FormatFloat(x, 'g', -1, 64))
		}
		d, _, err := apd.NewFromString(strconv.FormatFloat(x, 'f', -1, 64))
		if err != nil {
			return types.Null, err
		}
		return num(d, a[1].Str())
	}})
	register("to_number", &overload{params: []param{p(T), p(T)}, ret: types.Decimal, fn: func(a []types.Datum) (types.Datum, error) {
		return toNumber(a[0].Str(), a[1].Str())
	}})
}
