package builtins

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"math"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Functions applications reach for that have no better home: the SHA-2
// digests, counting NULL arguments, array_replace and array_positions,
// width_bucket, regexp_count and factorial (PostgreSQL's sections 9.4,
// 9.5, 9.3, 9.7 and 9.19).
func init() {
	B, I4, I8, F8, N, T := types.Bytea, types.Int4, types.Int8, types.Float8, types.Decimal, types.Text
	for name, sum := range map[string]func([]byte) []byte{
		"sha224": func(b []byte) []byte { h := sha256.Sum224(b); return h[:] },
		"sha256": func(b []byte) []byte { h := sha256.Sum256(b); return h[:] },
		"sha384": func(b []byte) []byte { h := sha512.Sum384(b); return h[:] },
		"sha512": func(b []byte) []byte { h := sha512.Sum512(b); return h[:] },
	} {
		register(name, &overload{params: []param{p(B)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
			return types.NewBytea(sum([]byte(a[0].Bytes()))), nil
		}})
	}
	for name, nulls := range map[string]bool{"num_nulls": true, "num_nonnulls": false} {
		register(name, &overload{params: []param{pAny}, variadic: true, ret: I4, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
			n := 0
			for _, d := range a {
				if d.IsNull() == nulls {
					n++
				}
			}
			return int4(n), nil
		}})
	}
	// array_replace and array_positions compare as IS NOT DISTINCT FROM:
	// NULL finds NULL.
	same := func(a, b types.Datum) bool {
		if a.IsNull() || b.IsNull() {
			return a.IsNull() && b.IsNull()
		}
		return types.Compare(a, b) == 0
	}
	o := &overload{params: []param{pArr, pElem, pElem}, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		arr := a[0].Array()
		out := make([]types.Datum, len(arr.Elems))
		for i, e := range arr.Elems {
			out[i] = e
			if same(e, a[1]) {
				out[i] = a[2]
			}
		}
		return types.NewArray(arr.Elem, out), nil
	}}
	o.retFn = func(args []types.Type) types.Type { return args[0] }
	register("array_replace", o)
	register("array_positions", &overload{params: []param{pArr, pElem}, ret: types.ArrayOf(I4), nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		out := []types.Datum{}
		for i, e := range a[0].Array().Elems {
			if same(e, a[1]) {
				out = append(out, int4(i+1))
			}
		}
		return types.NewArray(I4, out), nil
	}})
	register("width_bucket", &overload{params: []param{p(F8), p(F8), p(F8), p(I4)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		return widthBucket(a[0].Float(), a[1].Float(), a[2].Float(), a[3].Int())
	}})
	register("width_bucket", &overload{params: []param{p(N), p(N), p(N), p(I4)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		return widthBucket(decFloat(a[0].Decimal()), decFloat(a[1].Decimal()), decFloat(a[2].Decimal()), a[3].Int())
	}})
	count := func(r *regex, a []types.Datum) (types.Datum, error) {
		s := a[0].Str()
		if len(a) > 2 {
			start := a[2].Int()
			if start <= 0 {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"start\": %d", start)
			}
			s = runeSuffix(s, int(start-1))
		}
		return int4(len(r.re.FindAllStringIndex(s, -1))), nil
	}
	register("regexp_count", &overload{params: []param{p(T), p(T)}, ret: I4, mk: regexCall("regexp_count", -1, count)})
	register("regexp_count", &overload{params: []param{p(T), p(T), p(I4)}, ret: I4, mk: regexCall("regexp_count", -1, count)})
	register("regexp_count", &overload{params: []param{p(T), p(T), p(I4), p(T)}, ret: I4, mk: regexCall("regexp_count", 3, count)})
	// overlay(s, r, start [, count]): s with count characters from start
	// (r's length by default) replaced by r.
	overlay := func(a []types.Datum) (types.Datum, error) {
		s, r := []rune(a[0].Str()), a[1].Str()
		start := a[2].Int()
		count := int64(len([]rune(r)))
		if len(a) == 4 {
			count = a[3].Int()
		}
		if start < 1 {
			return types.Null, sqlerr.New(sqlerr.Code("22011"), "negative substring length not allowed")
		}
		if count < 0 {
			return types.Null, sqlerr.New(sqlerr.Code("22011"), "negative substring length not allowed")
		}
		head := min(start-1, int64(len(s)))
		tail := min(max(start-1+count, head), int64(len(s)))
		return text(string(s[:head]) + r + string(s[tail:])), nil
	}
	register("overlay", &overload{params: []param{p(T), p(T), p(I4)}, ret: T, fn: overlay})
	register("overlay", &overload{params: []param{p(T), p(T), p(I4), p(I4)}, ret: T, fn: overlay})
	// pg_sleep(seconds) waits, until its statement is cancelled or times
	// out (57014); it returns void (an empty text, as pg_notify).
	register("pg_sleep", &overload{params: []param{p(F8)}, ret: T, volatile: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		secs := a[0].Float()
		if math.IsNaN(secs) || secs <= 0 {
			return text(""), nil
		}
		if ctx == nil || ctx.Context == nil {
			return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "pg_sleep needs a statement to wait in")
		}
		wait := time.Duration(min(secs, 1e9) * float64(time.Second))
		done := ctx.Context
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
			return text(""), nil
		case <-done.Done():
			if errors.Is(done.Err(), context.DeadlineExceeded) {
				return types.Null, sqlerr.New(sqlerr.Code("57014"), "canceling statement due to statement timeout")
			}
			return types.Null, sqlerr.New(sqlerr.Code("57014"), "canceling statement due to user request")
		}
	}})
	register("factorial", &overload{params: []param{p(I8)}, ret: N, fn: func(a []types.Datum) (types.Datum, error) {
		n := a[0].Int()
		switch {
		case n < 0:
			return types.Null, sqlerr.New(sqlerr.Code("2201F"), "factorial of a negative number is undefined")
		case n > 32177: // the largest whose result numeric holds
			return types.Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
		}
		r := apd.New(1, 0)
		c := apd.BaseContext
		c.Precision = 200000
		for i := int64(2); i <= n; i++ {
			if _, err := c.Mul(r, r, apd.New(i, 0)); err != nil {
				return types.Null, err
			}
		}
		return dec(r), nil
	}})
}

// widthBucket is width_bucket(x, lo, hi, n): the bucket, 1 to n, of n
// equal ones from lo to hi (hi below lo counts down) that holds x; 0
// below the range, n+1 above.
func widthBucket(x, lo, hi float64, n int64) (types.Datum, error) {
	bad := func(msg string) (types.Datum, error) {
		return types.Null, sqlerr.New(sqlerr.Code("2201G"), "%s", msg)
	}
	switch {
	case n <= 0:
		return bad("count must be greater than zero")
	case math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi):
		return bad("operand, lower bound, and upper bound cannot be NaN")
	case math.IsInf(lo, 0) || math.IsInf(hi, 0):
		return bad("lower and upper bounds must be finite")
	case lo == hi:
		return bad("lower bound cannot equal upper bound")
	}
	var b int64
	switch {
	case lo < hi && x < lo, lo > hi && x > lo:
		b = 0
	case lo < hi && x >= hi, lo > hi && x <= hi:
		if n == math.MaxInt32 {
			return types.Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "integer out of range")
		}
		b = n + 1
	case lo < hi:
		b = min(int64(float64(n)*((x-lo)/(hi-lo)))+1, n)
	default:
		b = min(int64(float64(n)*((lo-x)/(lo-hi)))+1, n)
	}
	return int4(int(b)), nil
}

// runeSuffix is s from its skip-th character on.
func runeSuffix(s string, skip int) string {
	for i := range s {
		if skip == 0 {
			return s[i:]
		}
		skip--
	}
	return ""
}
