package builtins

import (
	"unicode/utf8"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// PostgreSQL 15's regular expression functions after regexp_count:
// regexp_like(string, pattern [, flags]), regexp_instr(string, pattern
// [, start [, N [, endoption [, flags [, subexpr]]]]]) and
// regexp_substr(string, pattern [, start [, N [, flags [, subexpr]]]]).
// Positions count characters from 1; none of them takes the g flag.
func init() {
	T, I4, B := types.Text, types.Int4, types.Bool
	noGlobal := func(name string, r *regex) error {
		if r.global {
			return sqlerr.New(sqlerr.InvalidParameterValue, "%s() does not support the \"global\" option", name)
		}
		return nil
	}
	like := func(r *regex, a []types.Datum) (types.Datum, error) {
		if err := noGlobal("regexp_like", r); err != nil {
			return types.Null, err
		}
		return types.NewBool(r.re.MatchString(a[0].Str())), nil
	}
	register("regexp_like", &overload{params: []param{p(T), p(T)}, ret: B, mk: regexCall("regexp_like", -1, like)})
	register("regexp_like", &overload{params: []param{p(T), p(T), p(T)}, ret: B, mk: regexCall("regexp_like", 2, like)})

	// instr and substr read start, N, (instr) endoption and subexpr from
	// the arguments at these places (-1: absent, the default).
	type places struct{ start, n, end, flags, sub int }
	arg := func(a []types.Datum, at int, def int64) int64 {
		if at < 0 || at >= len(a) {
			return def
		}
		return a[at].Int()
	}
	instr := func(pl places) func(r *regex, a []types.Datum) (types.Datum, error) {
		return func(r *regex, a []types.Datum) (types.Datum, error) {
			if err := noGlobal("regexp_instr", r); err != nil {
				return types.Null, err
			}
			s := a[0].Str()
			start, n, end, sub := arg(a, pl.start, 1), arg(a, pl.n, 1), arg(a, pl.end, 0), arg(a, pl.sub, 0)
			if end != 0 && end != 1 {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"endoption\": %d", end)
			}
			lo, hi, ok, err := nthMatch(r, s, start, n, sub)
			if err != nil || !ok {
				return int4(0), err
			}
			at := lo
			if end == 1 {
				at = hi
			}
			return int4(utf8.RuneCountInString(s[:at]) + 1), nil
		}
	}
	substr := func(pl places) func(r *regex, a []types.Datum) (types.Datum, error) {
		return func(r *regex, a []types.Datum) (types.Datum, error) {
			if err := noGlobal("regexp_substr", r); err != nil {
				return types.Null, err
			}
			s := a[0].Str()
			lo, hi, ok, err := nthMatch(r, s, arg(a, pl.start, 1), arg(a, pl.n, 1), arg(a, pl.sub, 0))
			if err != nil || !ok {
				return types.Null, err
			}
			return text(s[lo:hi]), nil
		}
	}
	ps := func(n int) []param {
		out := []param{p(T), p(T)}
		for range n {
			out = append(out, p(I4))
		}
		return out
	}
	withFlags := func(ints int, more ...param) []param { return append(append(ps(ints), p(T)), more...) }
	type form struct {
		params []param
		pl     places
	}
	for _, o := range []form{
		{ps(0), places{-1, -1, -1, -1, -1}},
		{ps(1), places{2, -1, -1, -1, -1}},
		{ps(2), places{2, 3, -1, -1, -1}},
		{ps(3), places{2, 3, 4, -1, -1}},
		{withFlags(3), places{2, 3, 4, 5, -1}},
		{withFlags(3, p(I4)), places{2, 3, 4, 5, 6}},
	} {
		register("regexp_instr", &overload{params: o.params, ret: I4, mk: regexCall("regexp_instr", o.pl.flags, instr(o.pl))})
	}
	for _, o := range []form{
		{ps(0), places{-1, -1, -1, -1, -1}},
		{ps(1), places{2, -1, -1, -1, -1}},
		{ps(2), places{2, 3, -1, -1, -1}},
		{withFlags(2), places{2, 3, -1, 4, -1}},
		{withFlags(2, p(I4)), places{2, 3, -1, 4, 5}},
	} {
		register("regexp_substr", &overload{params: o.params, ret: T, mk: regexCall("regexp_substr", o.pl.flags, substr(o.pl))})
	}
}

// nthMatch finds the n-th match of r in s at or after character start
// (from 1), and the byte span of the whole match (sub 0) or of its
// sub-th parenthesised subexpression; ok is false when there is no such
// match or the subexpression took no part in it.
func nthMatch(r *regex, s string, start, n, sub int64) (lo, hi int, ok bool, err error) {
	switch {
	case start <= 0:
		return 0, 0, false, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"start\": %d", start)
	case n <= 0:
		return 0, 0, false, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"n\": %d", n)
	case sub < 0:
		return 0, 0, false, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"subexpr\": %d", sub)
	}
	off := len(s) - len(runeSuffix(s, int(start-1)))
	if start-1 > int64(utf8.RuneCountInString(s)) {
		return 0, 0, false, nil
	}
	ms := r.re.FindAllStringSubmatchIndex(s[off:], int(min(n, 1<<20)))
	if int64(len(ms)) < n || int(sub) > r.re.NumSubexp() {
		return 0, 0, false, nil
	}
	m := ms[n-1]
	if m[2*sub] < 0 {
		return 0, 0, false, nil
	}
	return off + m[2*sub], off + m[2*sub+1], true, nil
}
