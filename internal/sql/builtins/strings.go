package builtins

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

func text(s string) types.Datum { return types.NewText(s) }
func int4(v int) types.Datum    { return types.NewInt4(int32(v)) }

// runeSlice returns s's characters [from, to) (0-based, clamped).
func runeSlice(s string, from, to int64) string {
	if from < 0 {
		from = 0
	}
	if to <= from {
		return ""
	}
	i, k := 0, int64(0)
	start := -1
	for i < len(s) {
		if k == from {
			start = i
		}
		if k == to {
			break
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
		k++
	}
	if start < 0 {
		if k == from {
			start = i
		} else {
			return ""
		}
	}
	return s[start:i]
}

func charLen(s string) int { return utf8.RuneCountInString(s) }

// substr is PostgreSQL's text_substring: 1-based start, optional length.
func substr(s string, start int64, length int64, hasLen bool) (string, error) {
	if hasLen && length < 0 {
		return "", sqlerr.New(sqlerr.SubstringError, "negative substring length not allowed")
	}
	from := start - 1
	if !hasLen {
		return runeSlice(s, from, 1<<62), nil
	}
	end := from + length
	if end < from { // overflow
		end = 1 << 62
	}
	return runeSlice(s, from, end), nil
}

func trimChars(s, chars string, left, right bool) string {
	set := func(r rune) bool { return strings.ContainsRune(chars, r) }
	if left {
		s = strings.TrimLeftFunc(s, set)
	}
	if right {
		s = strings.TrimRightFunc(s, set)
	}
	return s
}

func pad(s string, n int64, fill string, left bool) (string, error) {
	if n <= 0 {
		return "", nil
	}
	l := int64(charLen(s))
	if l >= n || fill == "" {
		return runeSlice(s, 0, n), nil
	}
	// PostgreSQL sizes the result at 4 bytes a character and refuses
	// more than MaxAllocSize.
	if (n-l)*4+int64(len(s)) >= 1<<30-1 {
		return "", sqlerr.New(sqlerr.ProgramLimitExceeded, "requested length too large")
	}
	need := int(n - l)
	fr := []rune(fill)
	var b strings.Builder
	for i := 0; i < need; i++ {
		b.WriteRune(fr[i%len(fr)])
	}
	if left {
		return b.String() + s, nil
	}
	return s + b.String(), nil
}

func initcap(s string) string {
	var b strings.Builder
	inWord := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if inWord {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
			inWord = true
		} else {
			b.WriteRune(r)
			inWord = false
		}
	}
	return b.String()
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func splitPart(s, delim string, n int64) (string, error) {
	if n == 0 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "field position must not be zero")
	}
	var parts []string
	if delim == "" {
		parts = []string{s}
		if s == "" {
			parts = nil
		}
	} else {
		parts = strings.Split(s, delim)
		if s == "" {
			parts = nil
		}
	}
	if n < 0 {
		n = int64(len(parts)) + n + 1
		if n <= 0 {
			return "", nil
		}
	}
	if n > int64(len(parts)) {
		return "", nil
	}
	return parts[n-1], nil
}

// QuoteIdent quotes an identifier when PostgreSQL would: when it is not a
// lower-case plain identifier or is a keyword other than an unreserved one.
func QuoteIdent(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '$')
	}
	if safe {
		if kw := ast.LookupKeyword(s); kw != ast.KwNone && kw.Category() != ast.Unreserved {
			safe = false
		}
	}
	if safe {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteLiteral quotes a string literal as quote_literal does: doubled
// quotes, and E” with doubled backslashes when there are backslashes.
func QuoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		q = "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

// textOf returns an "any" argument's text as its output function prints it.
func textOf(d types.Datum) string {
	if d.Kind() == types.TextFamily || d.Kind() == types.UnknownFamily {
		return d.Str()
	}
	return types.FormatText(d)
}

func format(args []types.Datum) (types.Datum, error) {
	f := args[0].Str()
	rest := args[1:]
	var b strings.Builder
	next := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(f) {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "unterminated format() type specifier").
				WithHint(`For a single "%%" use "%%%%".`)
		}
		if f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		// Optional argument position n$.
		j := i
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		argIdx := next
		if j > i && j < len(f) && f[j] == '$' {
			n, err := strconv.Atoi(f[i:j])
			if err != nil || n == 0 {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1")
			}
			argIdx = n - 1
			i = j + 1
		}
		// Optional flag and width: only "-" and digits, applied to the text.
		leftAlign := false
		if i < len(f) && f[i] == '-' {
			leftAlign = true
			i++
		}
		j = i
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		width := 0
		if j > i {
			width, _ = strconv.Atoi(f[i:j])
			i = j
		}
		if i >= len(f) {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "unterminated format() type specifier").
				WithHint(`For a single "%%" use "%%%%".`)
		}
		conv := f[i]
		if conv != 's' && conv != 'I' && conv != 'L' {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized format() type specifier \"%c\"", conv).
				WithHint(`For a single "%%" use "%%%%".`)
		}
		if argIdx >= len(rest) {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "too few arguments for format()")
		}
		next = argIdx + 1
		d := rest[argIdx]
		var s string
		switch conv {
		case 's':
			if !d.IsNull() {
				s = textOf(d)
			}
		case 'I':
			if d.IsNull() {
				return types.Null, sqlerr.New(sqlerr.NullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
			}
			s = QuoteIdent(textOf(d))
		case 'L':
			if d.IsNull() {
				s = "NULL"
			} else {
				s = QuoteLiteral(textOf(d))
			}
		}
		if n := charLen(s); n < width {
			if leftAlign {
				s += strings.Repeat(" ", width-n)
			} else {
				s = strings.Repeat(" ", width-n) + s
			}
		}
		b.WriteString(s)
	}
	return text(b.String()), nil
}

// regex is a compiled pattern with PostgreSQL's flags applied.
type regex struct {
	pat, flags string
	re         *regexp.Regexp
	global     bool
}

// regexCache keeps the last pattern a call site compiled: patterns are
// nearly always constants, so one entry avoids recompiling per row.
type regexCache struct{ last atomic.Pointer[regex] }

func (c *regexCache) get(pat, flags string, fname string) (*regex, error) {
	if r := c.last.Load(); r != nil && r.pat == pat && r.flags == flags {
		return r, nil
	}
	r, err := compileRegex(pat, flags, fname)
	if err != nil {
		return nil, err
	}
	c.last.Store(r)
	return r, nil
}

// regexCall builds a regexp function (an overload's mk): its pattern is
// a[1] and its flags a[flagsAt] (none when flagsAt < 0), compiled once a
// call site while they stay the same (regexCache); body does the rest.
func regexCall(name string, flagsAt int, body func(r *regex, a []types.Datum) (types.Datum, error)) func([]types.Type) fn {
	return func([]types.Type) fn {
		var cache regexCache
		return func(a []types.Datum) (types.Datum, error) {
			flags := ""
			if flagsAt >= 0 {
				flags = a[flagsAt].Str()
			}
			r, err := cache.get(a[1].Str(), flags, name)
			if err != nil {
				return types.Null, err
			}
			return body(r, a)
		}
	}
}

func compileRegex(pat, flags, fname string) (*regex, error) {
	r := &regex{pat: pat, flags: flags}
	ci, newline := false, false
	for _, f := range flags {
		switch f {
		case 'g':
			r.global = true
		case 'i':
			ci = true
		case 'c':
			ci = false
		case 'n', 'p', 'w':
			newline = true
		case 's':
			newline = false
		default:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid regular expression option: \"%c\"", f)
		}
	}
	prefix := "(?s)"
	if newline {
		prefix = "(?m)"
	}
	if ci {
		prefix += "(?i)"
	}
	re, err := regexp.Compile(prefix + pat)
	if err != nil {
		msg := err.Error()
		if se, ok := err.(*syntax.Error); ok {
			msg = se.Code.String()
		}
		return nil, sqlerr.New(sqlerr.InvalidRegularExpression, "invalid regular expression: %s", msg)
	}
	r.re = re
	return r, nil
}

// expandReplacement applies PostgreSQL's replacement syntax: \1..\9 a
// group, \& the whole match, \\ a backslash.
func expandReplacement(dst []byte, repl, src string, m []int) []byte {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 >= len(repl) {
			dst = append(dst, c)
			continue
		}
		n := repl[i+1]
		switch {
		case n >= '1' && n <= '9':
			g := int(n - '0')
			if 2*g+1 < len(m) && m[2*g] >= 0 {
				dst = append(dst, src[m[2*g]:m[2*g+1]]...)
			}
			i++
		case n == '&':
			dst = append(dst, src[m[0]:m[1]]...)
			i++
		case n == '\\':
			dst = append(dst, '\\')
			i++
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func regexpReplace(r *regex, src, repl string) string {
	n := 1
	if r.global {
		n = 0
	}
	return regexpReplaceAt(r, src, repl, 0, n)
}

// regexpReplaceAt replaces, among the matches at or after byte offset
// from, the n-th (every one for n 0).
func regexpReplaceAt(r *regex, src, repl string, from, n int) string {
	limit := n
	if n == 0 {
		limit = -1
	}
	matches := r.re.FindAllStringSubmatchIndex(src[from:], limit)
	if n > 0 {
		if len(matches) < n {
			return src
		}
		matches = matches[n-1:]
	}
	if len(matches) == 0 {
		return src
	}
	out := []byte(src[:from])
	last := from
	for _, m := range matches {
		for i := range m {
			if m[i] >= 0 {
				m[i] += from
			}
		}
		out = append(out, src[last:m[0]]...)
		out = expandReplacement(out, repl, src, m)
		last = m[1]
	}
	out = append(out, src[last:]...)
	return string(out)
}

func textArray(ss []string, nulls []bool) types.Datum {
	elems := make([]types.Datum, len(ss))
	for i, s := range ss {
		if nulls != nil && nulls[i] {
			continue
		}
		elems[i] = text(s)
	}
	return types.NewArray(types.Text, elems)
}

func regexpMatch(r *regex, src string) types.Datum {
	m := r.re.FindStringSubmatchIndex(src)
	if m == nil {
		return types.Null
	}
	return matchArray(src, m)
}

// matchArray is a match's text array, as regexp_match gives it: the
// captured groups (NULL for one that took no part), or the whole match
// when the pattern has no group. m is the match's submatch indexes.
func matchArray(src string, m []int) types.Datum {
	if len(m) == 2 {
		return textArray([]string{src[m[0]:m[1]]}, nil)
	}
	ss := make([]string, len(m)/2-1)
	nulls := make([]bool, len(ss))
	for g := 1; g < len(m)/2; g++ {
		if m[2*g] < 0 {
			nulls[g-1] = true
			continue
		}
		ss[g-1] = src[m[2*g]:m[2*g+1]]
	}
	return textArray(ss, nulls)
}

func toHex(v int64, bits int) string {
	if bits == 32 {
		return strconv.FormatUint(uint64(uint32(v)), 16)
	}
	return strconv.FormatUint(uint64(v), 16)
}

func chr(v int64) (types.Datum, error) {
	switch {
	case v < 0:
		return types.Null, sqlerr.New(sqlerr.ProgramLimitExceeded, "character number must be positive")
	case v == 0:
		return types.Null, sqlerr.New(sqlerr.ProgramLimitExceeded, "null character not permitted")
	case v > unicode.MaxRune:
		return types.Null, sqlerr.New(sqlerr.ProgramLimitExceeded, "requested character too large for encoding: %d", v)
	case v >= 0xD800 && v <= 0xDFFF:
		return types.Null, sqlerr.New(sqlerr.ProgramLimitExceeded, "requested character not valid for encoding: %d", v)
	}
	return text(string(rune(v))), nil
}

func stringToArray(args []types.Datum) (types.Datum, error) {
	if args[0].IsNull() {
		return types.Null, nil
	}
	s := args[0].Str()
	if s == "" {
		return types.NewArray(types.Text, []types.Datum{}), nil
	}
	var parts []string
	switch {
	case args[1].IsNull():
		for _, r := range s {
			parts = append(parts, string(r))
		}
	case args[1].Str() == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, args[1].Str())
	}
	elems := make([]types.Datum, len(parts))
	for i, p := range parts {
		if len(args) > 2 && !args[2].IsNull() && p == args[2].Str() {
			continue
		}
		elems[i] = text(p)
	}
	return types.NewArray(types.Text, elems), nil
}

func arrayToString(args []types.Datum) (types.Datum, error) {
	if args[0].IsNull() || args[1].IsNull() {
		return types.Null, nil
	}
	sep := args[1].Str()
	nullStr, hasNull := "", len(args) > 2 && !args[2].IsNull()
	if hasNull {
		nullStr = args[2].Str()
	}
	var b strings.Builder
	first := true
	for _, e := range args[0].Array().Elems {
		var s string
		if e.IsNull() {
			if !hasNull {
				continue
			}
			s = nullStr
		} else {
			s = textOf(e)
		}
		if !first {
			b.WriteString(sep)
		}
		first = false
		b.WriteString(s)
	}
	return text(b.String()), nil
}

func init() {
	T, I4 := types.Text, types.Int4
	s1 := func(name string, ret types.Type, f func(s string) types.Datum) {
		register(name, &overload{params: []param{p(T)}, ret: ret, fn: func(a []types.Datum) (types.Datum, error) { return f(a[0].Str()), nil }})
	}
	for _, n := range []string{"length", "char_length", "character_length"} {
		s1(n, I4, func(s string) types.Datum { return int4(charLen(s)) })
	}
	register("length", &overload{params: []param{p(types.Bytea)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) { return int4(len(a[0].Bytes())), nil }})
	s1("octet_length", I4, func(s string) types.Datum { return int4(len(s)) })
	register("octet_length", &overload{params: []param{p(types.Bytea)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) { return int4(len(a[0].Bytes())), nil }})
	s1("bit_length", I4, func(s string) types.Datum { return int4(8 * len(s)) })
	s1("lower", T, func(s string) types.Datum { return text(strings.ToLower(s)) })
	s1("upper", T, func(s string) types.Datum { return text(strings.ToUpper(s)) })
	s1("initcap", T, func(s string) types.Datum { return text(initcap(s)) })
	s1("reverse", T, func(s string) types.Datum { return text(reverse(s)) })
	s1("md5", T, func(s string) types.Datum { h := md5.Sum([]byte(s)); return text(hex.EncodeToString(h[:])) })
	register("md5", &overload{params: []param{p(types.Bytea)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		h := md5.Sum([]byte(a[0].Bytes()))
		return text(hex.EncodeToString(h[:])), nil
	}})
	s1("ascii", I4, func(s string) types.Datum {
		if s == "" {
			return int4(0)
		}
		r, _ := utf8.DecodeRuneInString(s)
		return int4(int(r))
	})
	s1("quote_ident", T, func(s string) types.Datum { return text(QuoteIdent(s)) })
	s1("quote_literal", T, func(s string) types.Datum { return text(QuoteLiteral(s)) })
	register("quote_nullable", &overload{params: []param{p(T)}, ret: T, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return text("NULL"), nil
		}
		return text(QuoteLiteral(a[0].Str())), nil
	}})
	register("unistr", &overload{params: []param{p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := unistr(a[0].Str())
		return text(s), err
	}})
	register("chr", &overload{params: []param{p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) { return chr(a[0].Int()) }})
	for _, n := range []string{"substr", "substring"} {
		register(n, &overload{params: []param{p(T), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			s, err := substr(a[0].Str(), a[1].Int(), 0, false)
			return text(s), err
		}})
		register(n, &overload{params: []param{p(T), p(I4), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			s, err := substr(a[0].Str(), a[1].Int(), a[2].Int(), true)
			return text(s), err
		}})
	}
	// substring(s FROM pattern): the first match, or its first group.
	register("substring", &overload{params: []param{p(T), p(T)}, ret: T, mk: func([]types.Type) fn {
		var cache regexCache
		return func(a []types.Datum) (types.Datum, error) {
			r, err := cache.get(a[1].Str(), "", "substring")
			if err != nil {
				return types.Null, err
			}
			m := r.re.FindStringSubmatchIndex(a[0].Str())
			if m == nil {
				return types.Null, nil
			}
			g := 0
			if len(m) > 2 {
				g = 1
			}
			if m[2*g] < 0 {
				return types.Null, nil
			}
			return text(a[0].Str()[m[2*g]:m[2*g+1]]), nil
		}
	}})
	register("strpos", &overload{params: []param{p(T), p(T)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		i := strings.Index(a[0].Str(), a[1].Str())
		if i < 0 {
			return int4(0), nil
		}
		return int4(charLen(a[0].Str()[:i]) + 1), nil
	}})
	// position(sub IN s): cairn's parser passes (sub, s).
	register("position", &overload{params: []param{p(T), p(T)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		i := strings.Index(a[1].Str(), a[0].Str())
		if i < 0 {
			return int4(0), nil
		}
		return int4(charLen(a[1].Str()[:i]) + 1), nil
	}})
	for _, tr := range []struct {
		name        string
		left, right bool
	}{{"btrim", true, true}, {"trim", true, true}, {"ltrim", true, false}, {"rtrim", false, true}} {
		l, r := tr.left, tr.right
		register(tr.name, &overload{params: []param{p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			return text(trimChars(a[0].Str(), " ", l, r)), nil
		}})
		register(tr.name, &overload{params: []param{p(T), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			return text(trimChars(a[0].Str(), a[1].Str(), l, r)), nil
		}})
	}
	for _, pd := range []struct {
		name string
		left bool
	}{{"lpad", true}, {"rpad", false}} {
		left := pd.left
		register(pd.name, &overload{params: []param{p(T), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			s, err := pad(a[0].Str(), a[1].Int(), " ", left)
			return text(s), err
		}})
		register(pd.name, &overload{params: []param{p(T), p(I4), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
			s, err := pad(a[0].Str(), a[1].Int(), a[2].Str(), left)
			return text(s), err
		}})
	}
	register("replace", &overload{params: []param{p(T), p(T), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		if a[1].Str() == "" {
			return a[0], nil
		}
		return text(strings.ReplaceAll(a[0].Str(), a[1].Str(), a[2].Str())), nil
	}})
	register("translate", &overload{params: []param{p(T), p(T), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		from, to := []rune(a[1].Str()), []rune(a[2].Str())
		var b strings.Builder
		for _, r := range a[0].Str() {
			if i := indexRune(from, r); i >= 0 {
				if i < len(to) {
					b.WriteRune(to[i])
				}
				continue
			}
			b.WriteRune(r)
		}
		return text(b.String()), nil
	}})
	register("repeat", &overload{params: []param{p(T), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		n := a[1].Int()
		if n <= 0 {
			return text(""), nil
		}
		if int64(len(a[0].Str()))*n > 1<<30-1 {
			return types.Null, sqlerr.New(sqlerr.ProgramLimitExceeded, "requested length too large")
		}
		return text(strings.Repeat(a[0].Str(), int(n))), nil
	}})
	register("left", &overload{params: []param{p(T), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, n := a[0].Str(), a[1].Int()
		if n < 0 {
			n = int64(charLen(s)) + n
		}
		return text(runeSlice(s, 0, n)), nil
	}})
	register("right", &overload{params: []param{p(T), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, n := a[0].Str(), a[1].Int()
		l := int64(charLen(s))
		if n < 0 {
			return text(runeSlice(s, -n, l)), nil
		}
		return text(runeSlice(s, l-n, l)), nil
	}})
	register("split_part", &overload{params: []param{p(T), p(T), p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := splitPart(a[0].Str(), a[1].Str(), a[2].Int())
		return text(s), err
	}})
	register("starts_with", &overload{params: []param{p(T), p(T)}, ret: types.Bool, fn: func(a []types.Datum) (types.Datum, error) {
		return types.NewBool(strings.HasPrefix(a[0].Str(), a[1].Str())), nil
	}})
	register("concat", &overload{params: []param{pAny}, variadic: true, ret: T, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		var b strings.Builder
		for _, d := range a {
			if !d.IsNull() {
				b.WriteString(textOf(d))
			}
		}
		return text(b.String()), nil
	}})
	register("concat_ws", &overload{params: []param{p(T), pAny}, variadic: true, ret: T, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		var b strings.Builder
		first := true
		for _, d := range a[1:] {
			if d.IsNull() {
				continue
			}
			if !first {
				b.WriteString(a[0].Str())
			}
			first = false
			b.WriteString(textOf(d))
		}
		return text(b.String()), nil
	}})
	fmtFn := func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		return format(a)
	}
	register("format", &overload{params: []param{p(T)}, ret: T, nonStrct: true, fn: fmtFn})
	register("format", &overload{params: []param{p(T), pAny}, variadic: true, ret: T, nonStrct: true, fn: fmtFn})
	replace := func(r *regex, a []types.Datum) (types.Datum, error) {
		return text(regexpReplace(r, a[0].Str(), a[2].Str())), nil
	}
	register("regexp_replace", &overload{params: []param{p(T), p(T), p(T)}, ret: T, mk: regexCall("regexp_replace", -1, replace)})
	register("regexp_replace", &overload{params: []param{p(T), p(T), p(T), p(T)}, ret: T, mk: regexCall("regexp_replace", 3, replace)})
	// PostgreSQL 15's regexp_replace(source, pattern, replacement, start
	// [, N [, flags]]): the N-th match at or after character start (the
	// first, or every one with g, without N; every one for N 0).
	replaceAt := func(r *regex, a []types.Datum) (types.Datum, error) {
		src, start := a[0].Str(), a[3].Int()
		if start <= 0 {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"start\": %d", start)
		}
		n := int64(1)
		if r.global {
			n = 0
		}
		if len(a) > 4 {
			if n = a[4].Int(); n < 0 {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"n\": %d", n)
			}
		}
		from := len(src) - len(runeSuffix(src, int(start-1)))
		if start-1 > int64(utf8.RuneCountInString(src)) {
			return text(src), nil
		}
		return text(regexpReplaceAt(r, src, a[2].Str(), from, int(n))), nil
	}
	register("regexp_replace", &overload{params: []param{p(T), p(T), p(T), p(types.Int4)}, ret: T, mk: regexCall("regexp_replace", -1, replaceAt)})
	register("regexp_replace", &overload{params: []param{p(T), p(T), p(T), p(types.Int4), p(types.Int4)}, ret: T, mk: regexCall("regexp_replace", -1, replaceAt)})
	register("regexp_replace", &overload{params: []param{p(T), p(T), p(T), p(types.Int4), p(types.Int4), p(T)}, ret: T, mk: regexCall("regexp_replace", 5, replaceAt)})
	match := func(r *regex, a []types.Datum) (types.Datum, error) {
		if r.global {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "regexp_match() does not support the \"global\" option").
				WithHint("Use the regexp_matches function instead.")
		}
		return regexpMatch(r, a[0].Str()), nil
	}
	register("regexp_match", &overload{params: []param{p(T), p(T)}, ret: types.ArrayOf(T), mk: regexCall("regexp_match", -1, match)})
	register("regexp_match", &overload{params: []param{p(T), p(T), p(T)}, ret: types.ArrayOf(T), mk: regexCall("regexp_match", 2, match)})
	register("to_hex", &overload{params: []param{p(I4)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) { return text(toHex(a[0].Int(), 32)), nil }})
	register("to_hex", &overload{params: []param{p(types.Int8)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) { return text(toHex(a[0].Int(), 64)), nil }})
	register("string_to_array", &overload{params: []param{p(T), p(T)}, ret: types.ArrayOf(T), nonStrct: true, fn: stringToArray})
	register("string_to_array", &overload{params: []param{p(T), p(T), p(T)}, ret: types.ArrayOf(T), nonStrct: true, fn: stringToArray})
	register("array_to_string", &overload{params: []param{pArr, p(T)}, ret: T, nonStrct: true, fn: arrayToString})
	register("array_to_string", &overload{params: []param{pArr, p(T), p(T)}, ret: T, nonStrct: true, fn: arrayToString})
	register("array_length", &overload{params: []param{pArr, p(I4)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		n := len(a[0].Array().Elems)
		if a[1].Int() != 1 || n == 0 {
			return types.Null, nil
		}
		return int4(n), nil
	}})
	register("cardinality", &overload{params: []param{pArr}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		return int4(len(a[0].Array().Elems)), nil
	}})
}

func indexRune(rs []rune, r rune) int {
	for i, x := range rs {
		if x == r {
			return i
		}
	}
	return -1
}

// unistr decodes PostgreSQL's Unicode escapes: \\ is a backslash, and
// \XXXX, \+XXXXXX, \uXXXX and \UXXXXXXXX (hex digits) are the code point
// they spell, a UTF-16 surrogate pair in two escapes included.
func unistr(s string) (string, error) {
	bad := func() error {
		return sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode escape").
			WithHint("Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.")
	}
	var b strings.Builder
	pending := rune(0) // a high surrogate waiting for its pair
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			if pending != 0 {
				return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode surrogate pair")
			}
			b.WriteByte(s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			if pending != 0 {
				return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode surrogate pair")
			}
			b.WriteByte('\\')
			i += 2
			continue
		}
		skip, digits := 1, 4
		if i+1 < len(s) {
			switch s[i+1] {
			case '+':
				skip, digits = 2, 6
			case 'u':
				skip, digits = 2, 4
			case 'U':
				skip, digits = 2, 8
			}
		}
		hex := s[min(i+skip, len(s)):min(i+skip+digits, len(s))]
		if len(hex) != digits {
			return "", bad()
		}
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil {
			return "", bad()
		}
		i += skip + digits
		r := rune(v)
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if pending != 0 {
				return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode surrogate pair")
			}
			pending = r
			continue
		case r >= 0xDC00 && r <= 0xDFFF:
			if pending == 0 {
				return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode surrogate pair")
			}
			r = utf16.DecodeRune(pending, r)
			pending = 0
		case pending != 0:
			return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode surrogate pair")
		}
		if r == 0 || r > utf8.MaxRune {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid Unicode code point: %s", strings.ToUpper(hex))
		}
		b.WriteRune(r)
	}
	if pending != 0 {
		return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid Unicode surrogate pair")
	}
	return b.String(), nil
}
