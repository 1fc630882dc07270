package builtins

import (
	"regexp"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// LIKE, ILIKE and SIMILAR TO, as PostgreSQL implements them: the binder
// turns x LIKE p into textlike(x, p) (textnlike for NOT LIKE, texticlike
// and texticnlike for ILIKE), x LIKE p ESCAPE e into textlike(x,
// like_escape(p, e)), and x SIMILAR TO p [ESCAPE e] into the regular
// expression match x ~ similar_to_escape(p [, e]).
//
// A LIKE pattern's % matches any run of characters, _ any one character
// and the escape character (a backslash unless ESCAPE says otherwise)
// makes the character after it stand for itself.

// invalidEscapeString is SQLSTATE 22019, an ESCAPE of more than one
// character.
const invalidEscapeString sqlerr.Code = "22019"

// likeToken is one piece of a compiled LIKE pattern.
type likeToken struct {
	kind byte // 'l' literal text, '_' one character, '%' any run
	lit  string
}

// likePattern is a compiled LIKE pattern: its pieces, with runs of %
// folded into one and literal characters joined.
type likePattern struct {
	pat    string
	ci     bool
	tokens []likeToken
}

// compileLike compiles pattern (with backslash as its escape character);
// ci lower-cases it, for ILIKE.
func compileLike(pattern string, ci bool) (*likePattern, error) {
	p := &likePattern{pat: pattern, ci: ci}
	if ci {
		pattern = strings.ToLower(pattern)
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.tokens = append(p.tokens, likeToken{kind: 'l', lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '\\':
			if i+1 == len(pattern) {
				return nil, sqlerr.New(sqlerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
			}
			i++
			lit.WriteByte(pattern[i])
		case '%':
			flush()
			if n := len(p.tokens); n == 0 || p.tokens[n-1].kind != '%' {
				p.tokens = append(p.tokens, likeToken{kind: '%'})
			}
		case '_':
			flush()
			p.tokens = append(p.tokens, likeToken{kind: '_'})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return p, nil
}

// match reports whether s matches the whole pattern: pieces are matched
// left to right, and on a mismatch the last % seen takes one character
// more (the usual wildcard match, linear for patterns with one %).
func (p *likePattern) match(s string) bool {
	if p.ci {
		s = strings.ToLower(s)
	}
	toks := p.tokens
	ti, si := 0, 0
	star, starAt := -1, 0
	for {
		if ti < len(toks) {
			switch t := toks[ti]; t.kind {
			case '%':
				star, starAt = ti, si
				ti++
				continue
			case '_':
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			default:
				if strings.HasPrefix(s[si:], t.lit) {
					si += len(t.lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// A mismatch: the last % takes one more character, or, before
		// a literal, all up to that literal's next occurrence.
		if star < 0 || starAt >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starAt:])
		starAt += n
		if next := star + 1; next < len(toks) && toks[next].kind == 'l' {
			j := strings.Index(s[starAt:], toks[next].lit)
			if j < 0 {
				return false
			}
			starAt += j
		}
		ti, si = star+1, starAt
	}
}

// LikePrefix returns the text every string matching LIKE pattern (with
// backslash as its escape character) begins with, and whether the
// pattern is exactly that text (no wildcard). The planner turns x LIKE
// 'abc%' into a range of an index on x.
func LikePrefix(pattern string) (prefix string, exact bool) {
	p, err := compileLike(pattern, false)
	switch {
	case err != nil: // the match fails on it, not the plan
		return "", false
	case len(p.tokens) == 0:
		return "", true
	case p.tokens[0].kind != 'l':
		return "", false
	}
	return p.tokens[0].lit, len(p.tokens) == 1
}

type likeCache struct{ last atomic.Pointer[likePattern] }

func (c *likeCache) get(pat string, ci bool) (*likePattern, error) {
	if p := c.last.Load(); p != nil && p.pat == pat {
		return p, nil
	}
	p, err := compileLike(pat, ci)
	if err != nil {
		return nil, err
	}
	c.last.Store(p)
	return p, nil
}

// likeEscape is like_escape(pattern, escape): pattern rewritten to use
// backslash as its escape character, as LIKE ... ESCAPE does. An empty
// escape means none: backslashes are then ordinary characters.
func likeEscape(pattern, escape string) (string, error) {
	if escape == `\` {
		return pattern, nil
	}
	if utf8.RuneCountInString(escape) > 1 {
		return "", sqlerr.New(invalidEscapeString, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	esc, _ := utf8.DecodeRuneInString(escape)
	var b strings.Builder
	for i := 0; i < len(pattern); {
		r, n := utf8.DecodeRuneInString(pattern[i:])
		i += n
		switch {
		case escape != "" && r == esc:
			// The escape character: the next one stands for itself.
			if i == len(pattern) {
				return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
			}
			next, n := utf8.DecodeRuneInString(pattern[i:])
			i += n
			b.WriteByte('\\')
			b.WriteRune(next)
		case r == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// similarToRegex is similar_to_escape(pattern, escape): a SIMILAR TO
// pattern as an anchored regular expression. % and _ become .* and .,
// the regular expression operators | * + ? {m,n} ( ) [ ] keep their
// meaning (parentheses do not capture), and . ^ $ and backslash are
// ordinary characters, as the SQL standard says.
func similarToRegex(pattern, escape string) (string, error) {
	if utf8.RuneCountInString(escape) > 1 {
		return "", sqlerr.New(invalidEscapeString, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	esc, _ := utf8.DecodeRuneInString(escape)
	var b strings.Builder
	b.WriteString("^(?:")
	afterEscape, inClass, classStart := false, false, false
	for _, r := range pattern {
		switch {
		case afterEscape:
			afterEscape = false
			if r == '"' && !inClass {
				// A SUBSTRING ... SIMILAR separator: matching is
				// unaffected by it.
				continue
			}
			b.WriteString(regexp.QuoteMeta(string(r)))
		case escape != "" && r == esc:
			afterEscape = true
		case inClass:
			if r == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteRune(r)
			}
			if r == ']' && !classStart {
				inClass = false
			}
			classStart = classStart && r == '^'
		case r == '[':
			b.WriteRune(r)
			inClass, classStart = true, true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteByte('.')
		case r == '(':
			b.WriteString("(?:")
		case r == '\\' || r == '.' || r == '^' || r == '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	if afterEscape {
		return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "SIMILAR TO pattern must not end with escape character")
	}
	b.WriteString(")$")
	return b.String(), nil
}

func init() {
	T, B := types.Text, types.Bool
	like := func(ci, negate bool) func([]types.Type) fn {
		return func([]types.Type) fn {
			var cache likeCache
			return func(a []types.Datum) (types.Datum, error) {
				p, err := cache.get(a[1].Str(), ci)
				if err != nil {
					return types.Null, err
				}
				return types.NewBool(p.match(a[0].Str()) != negate), nil
			}
		}
	}
	// The functions behind LIKE (~~), NOT LIKE (!~~), ILIKE (~~*) and
	// NOT ILIKE (!~~*).
	register("textlike", &overload{params: []param{p(T), p(T)}, ret: B, mk: like(false, false)})
	register("textnlike", &overload{params: []param{p(T), p(T)}, ret: B, mk: like(false, true)})
	register("texticlike", &overload{params: []param{p(T), p(T)}, ret: B, mk: like(true, false)})
	register("texticnlike", &overload{params: []param{p(T), p(T)}, ret: B, mk: like(true, true)})
	register("like_escape", &overload{params: []param{p(T), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := likeEscape(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return text(s), nil
	}})
	register("similar_to_escape", &overload{params: []param{p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := similarToRegex(a[0].Str(), `\`)
		if err != nil {
			return types.Null, err
		}
		return text(s), nil
	}})
	register("similar_to_escape", &overload{params: []param{p(T), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := similarToRegex(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return text(s), nil
	}})
}
