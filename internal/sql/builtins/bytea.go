package builtins

import (
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// get_byte, set_byte, get_bit and set_bit: a bytea's n-th byte, and its
// n-th bit counted from the least significant bit of the first byte.
func init() {
	B, I4, I8 := types.Bytea, types.Int4, types.Int8
	outOfRange := func(n, last int64) error {
		return sqlerr.New(sqlerr.ArraySubscriptError, "index %d out of valid range, 0..%d", n, last)
	}
	register("get_byte", &overload{params: []param{p(B), p(I4)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		b, n := a[0].Bytes(), a[1].Int()
		if n < 0 || n >= int64(len(b)) {
			return types.Null, outOfRange(n, int64(len(b))-1)
		}
		return int4(int(b[n])), nil
	}})
	register("set_byte", &overload{params: []param{p(B), p(I4), p(I4)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
		b, n := []byte(a[0].Bytes()), a[1].Int()
		if n < 0 || n >= int64(len(b)) {
			return types.Null, outOfRange(n, int64(len(b))-1)
		}
		b[n] = byte(a[2].Int())
		return types.NewBytea(b), nil
	}})
	register("get_bit", &overload{params: []param{p(B), p(I8)}, ret: I4, fn: func(a []types.Datum) (types.Datum, error) {
		b, n := a[0].Bytes(), a[1].Int()
		if n < 0 || n >= 8*int64(len(b)) {
			return types.Null, outOfRange(n, 8*int64(len(b))-1)
		}
		return int4(int(b[n/8]>>(n%8)) & 1), nil
	}})
	register("set_bit", &overload{params: []param{p(B), p(I8), p(I4)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
		b, n, v := []byte(a[0].Bytes()), a[1].Int(), a[2].Int()
		if n < 0 || n >= 8*int64(len(b)) {
			return types.Null, outOfRange(n, 8*int64(len(b))-1)
		}
		if v != 0 && v != 1 {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "new bit must be 0 or 1")
		}
		b[n/8] = b[n/8]&^(1<<(n%8)) | byte(v)<<(n%8)
		return types.NewBytea(b), nil
	}})
}
