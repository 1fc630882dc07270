package rowcodec

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
)

var seedFlag = flag.Uint64("seed", 0, "seed for the random tests (0: time based)")

func testRand(t *testing.T) *rand.Rand {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("reproduce with -seed %d", seed)
		}
	})
	return rand.New(rand.NewPCG(seed, 1))
}

var allKinds = []Kind{KindNull, KindBool, KindInt, KindFloat, KindDecimal, KindString, KindBytes, KindTimestamp, KindUUID}
var allDirs = []Direction{Asc, Desc, AscNullsFirst, DescNullsLast}

func randInt(r *rand.Rand) int64 {
	switch r.IntN(6) {
	case 0:
		return []int64{math.MinInt64, math.MaxInt64, 0, -1, 1, math.MinInt64 + 1, math.MaxInt64 - 1}[r.IntN(7)]
	case 1:
		return int64(r.IntN(21)) - 10
	case 2:
		return int64(r.Uint64())
	default:
		return r.Int64N(1<<20) - 1<<19
	}
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8000000000001), 0, math.Copysign(0, -1),
			math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 1, -1}[r.IntN(12)]
	case 1:
		return math.Float64frombits(r.Uint64()) // any bit pattern, NaNs included
	case 2:
		return float64(r.IntN(7) - 3)
	default:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
	}
}

func randDecimal(r *rand.Rand) *apd.Decimal {
	switch r.IntN(10) {
	case 0:
		return &apd.Decimal{Form: apd.NaN}
	case 1:
		return &apd.Decimal{Form: apd.Infinite, Negative: r.IntN(2) == 0}
	case 2:
		return &apd.Decimal{Exponent: int32(r.IntN(10) - 5), Negative: r.IntN(2) == 0} // zeros of any scale and sign
	}
	var digits []byte
	n := 1 + r.IntN(30)
	if r.IntN(3) == 0 {
		n = 1 + r.IntN(3)
	}
	for range n {
		digits = append(digits, byte('0'+r.IntN(10)))
	}
	if r.IntN(3) == 0 {
		digits = append(digits, "000"[:r.IntN(4)]...) // trailing zeros: same value as fewer digits at another scale
	}
	d := &apd.Decimal{Exponent: int32(r.IntN(40) - 20), Negative: r.IntN(2) == 0}
	if r.IntN(20) == 0 {
		d.Exponent = int32(r.IntN(2000000) - 1000000)
	}
	d.Coeff.SetString(string(digits), 10)
	return d
}

func randString(r *rand.Rand) string {
	alpha := []byte{0x00, 0x01, 0xFF, 0xFE, 'a', 'b'}
	n := r.IntN(8)
	b := make([]byte, n)
	for i := range b {
		if r.IntN(4) == 0 {
			b[i] = byte(r.IntN(256))
		} else {
			b[i] = alpha[r.IntN(len(alpha))]
		}
	}
	return string(b)
}

func randValue(r *rand.Rand, k Kind) Value {
	switch k {
	case KindNull:
		return Null()
	case KindBool:
		return Bool(r.IntN(2) == 0)
	case KindInt:
		return Int(randInt(r))
	case KindFloat:
		return Float(randFloat(r))
	case KindDecimal:
		return Decimal(randDecimal(r))
	case KindString:
		return String(randString(r))
	case KindBytes:
		return Bytes([]byte(randString(r)))
	case KindTimestamp:
		return Timestamp(randInt(r))
	case KindUUID:
		var u [16]byte
		for i := range u {
			if r.IntN(2) == 0 {
				u[i] = byte(r.IntN(256))
			}
		}
		return UUID(u)
	}
	panic(k)
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// keyRoundTrips checks decode(encode(v)) == v, up to what keys forget.
func keyRoundTrips(t *testing.T, v Value, dir Direction, enc []byte) {
	t.Helper()
	got, rest, err := DecodeKey(enc, dir)
	if err != nil || len(rest) != 0 {
		t.Fatalf("decode %s (%v): %v, %d bytes left", v, dir, err, len(rest))
	}
	// SkipKey steps over the column to what follows it.
	if rest, err := SkipKey(append(bytes.Clone(enc), "\x00\x01after"...), dir); err != nil || string(rest) != "\x00\x01after" {
		t.Fatalf("skip %s (%v): %v, %q left", v, dir, err, rest)
	}
	if Compare(got, v) != 0 || got.Kind() != v.Kind() {
		t.Fatalf("decode(encode(%s)) = %s (dir %d)", v, got, dir)
	}
	switch {
	case v.Kind() == KindFloat && (v.Float() == 0 || math.IsNaN(v.Float())):
		// -0 and NaN payloads are normalized.
	case v.Kind() == KindDecimal:
		// Decoded reduced: its re-encoding must be the same bytes.
		if re := AppendKey(nil, got, dir); !bytes.Equal(re, enc) {
			t.Fatalf("decimal %s re-encodes differently", v)
		}
	default:
		if !Identical(got, v) {
			t.Fatalf("decode(encode(%s)) = %s, not identical", v, got)
		}
	}
}

// TestKeyOrder: for random a, b of every kind (and NULL) in every
// direction, CompareDir(a, b) == bytes.Compare(enc(a), enc(b)), and
// decoding inverts encoding.
func TestKeyOrder(t *testing.T) {
	r := testRand(t)
	n := 20000
	if testing.Short() {
		n = 4000
	}
	for _, k := range allKinds {
		for range n / len(allKinds) {
			a, b := randValue(r, k), randValue(r, k)
			if r.IntN(10) == 0 {
				a = Null()
			}
			if r.IntN(20) == 0 {
				b = a
			}
			for _, d := range allDirs {
				ea, eb := AppendKey(nil, a, d), AppendKey(nil, b, d)
				if want, got := sign(CompareDir(a, b, d)), sign(bytes.Compare(ea, eb)); want != got {
					t.Fatalf("%s %s vs %s dir %d: compare %d, encodings compare %d (%x vs %x)", k, a, b, d, want, got, ea, eb)
				}
				keyRoundTrips(t, a, d, ea)
			}
		}
	}
}

// TestKeyOrderEdges pins PostgreSQL's ordering rules on hand-picked values.
func TestKeyOrderEdges(t *testing.T) {
	dec := func(s string) Value {
		d, _, err := apd.NewFromString(s)
		if err != nil {
			t.Fatal(err)
		}
		return Decimal(d)
	}
	ascending := [][]Value{
		{Float(math.Inf(-1)), Float(-1), Float(-math.SmallestNonzeroFloat64), Float(0), Float(math.SmallestNonzeroFloat64), Float(1), Float(math.Inf(1)), Float(math.NaN()), Null()},
		{dec("-Infinity"), dec("-100"), dec("-99.5"), dec("-1"), dec("-0.01"), dec("0"), dec("0.001"), dec("0.0100001"), dec("1"), dec("1.5"), dec("10"), dec("1e100"), dec("Infinity"), dec("NaN"), Null()},
		{Int(math.MinInt64), Int(-1), Int(0), Int(1), Int(math.MaxInt64), Null()},
		{String(""), String("\x00"), String("\x00\x00"), String("\x00\x01"), String("a"), String("a\x00"), String("ab"), String("b"), String("\xff"), Null()},
		{Bool(false), Bool(true), Null()},
	}
	for _, vals := range ascending {
		for i := 1; i < len(vals); i++ {
			for _, d := range allDirs {
				a, b := AppendKey(nil, vals[i-1], d), AppendKey(nil, vals[i], d)
				want := -1
				if d.desc() {
					want = 1
				}
				if vals[i].IsNull() {
					want = -1
					if d.nullsFirst() {
						want = 1
					}
				}
				if got := sign(bytes.Compare(a, b)); got != want {
					t.Errorf("dir %d: %s vs %s: encodings compare %d, want %d", d, vals[i-1], vals[i], got, want)
				}
			}
		}
	}
	// Equal values encode equally.
	same := [][2]Value{
		{Float(0), Float(math.Copysign(0, -1))},
		{Float(math.NaN()), Float(math.Float64frombits(0xfff0000000000123))},
		{dec("1.0"), dec("1.000")},
		{dec("-0"), dec("0.00")},
		{dec("120"), dec("1.2E2")},
	}
	for _, p := range same {
		if !bytes.Equal(AppendKey(nil, p[0], Asc), AppendKey(nil, p[1], Asc)) {
			t.Errorf("%s and %s are equal but encode differently", p[0], p[1])
		}
	}
}

// TestCompositeKeys: tuples of mixed kinds and directions order
// lexicographically, and decode column by column.
func TestCompositeKeys(t *testing.T) {
	r := testRand(t)
	n := 10000
	if testing.Short() {
		n = 2000
	}
	for range n {
		ncol := 1 + r.IntN(4)
		kinds := make([]Kind, ncol)
		dirs := make([]Direction, ncol)
		for i := range kinds {
			kinds[i] = allKinds[1+r.IntN(len(allKinds)-1)]
			dirs[i] = allDirs[r.IntN(len(allDirs))]
		}
		gen := func() []Value {
			vals := make([]Value, ncol)
			for i, k := range kinds {
				if r.IntN(8) == 0 {
					vals[i] = Null()
				} else {
					vals[i] = randValue(r, k)
				}
			}
			return vals
		}
		a, b := gen(), gen()
		for i := range b {
			if r.IntN(2) == 0 {
				b[i] = a[i] // shared prefixes are the interesting case
			}
		}
		want := 0
		for i := range a {
			if c := CompareDir(a[i], b[i], dirs[i]); c != 0 {
				want = sign(c)
				break
			}
		}
		ea, eb := AppendKeys(nil, a, dirs), AppendKeys(nil, b, dirs)
		if got := sign(bytes.Compare(ea, eb)); got != want {
			t.Fatalf("%v vs %v dirs %v: tuple compare %d, encodings %d", a, b, dirs, want, got)
		}
		dec, rest, err := DecodeKeys(append(ea, "tail"...), dirs)
		if err != nil || string(rest) != "tail" {
			t.Fatalf("decode %v: %v, rest %q", a, err, rest)
		}
		for i := range a {
			if Compare(dec[i], a[i]) != 0 {
				t.Fatalf("column %d: decoded %s, want %s", i, dec[i], a[i])
			}
		}
	}
}

// TestRowRoundTrip: the row encoding decodes to identical values, and a
// column a row does not hold reads as NULL (a column added later).
func TestRowRoundTrip(t *testing.T) {
	r := testRand(t)
	for range 3000 {
		var cols []Column
		for id := uint32(1); id < uint32(2+r.IntN(10)); id++ {
			if r.IntN(3) == 0 {
				continue
			}
			cols = append(cols, Column{ID: id * uint32(1+r.IntN(1000)), Value: randValue(r, allKinds[r.IntN(len(allKinds))])})
		}
		// Unique ids.
		seen := map[uint32]bool{}
		cols = func() []Column {
			var out []Column
			for _, c := range cols {
				if !seen[c.ID] {
					seen[c.ID] = true
					out = append(out, c)
				}
			}
			return out
		}()
		enc := AppendRow(nil, cols)
		got, err := DecodeRow(enc)
		if err != nil {
			t.Fatal(err)
		}
		var nonNull []Column
		for _, c := range cols {
			if !c.Value.IsNull() {
				nonNull = append(nonNull, c)
			}
		}
		if len(got) != len(nonNull) {
			t.Fatalf("decoded %d columns, want %d", len(got), len(nonNull))
		}
		for i, c := range nonNull {
			if got[i].ID != c.ID || !Identical(got[i].Value, c.Value) {
				t.Fatalf("column %d: got %d=%s want %d=%s", i, got[i].ID, got[i].Value, c.ID, c.Value)
			}
			v, err := RowColumn(enc, c.ID)
			if err != nil || !Identical(v, c.Value) {
				t.Fatalf("RowColumn(%d) = %s, %v", c.ID, v, err)
			}
		}
		if v, err := RowColumn(enc, 1<<31); err != nil || !v.IsNull() {
			t.Fatalf("absent column: %s, %v", v, err)
		}
		// The fast readers take exactly their kind's values and leave
		// the others to Value.
		rd, err := NewRowReader(enc)
		if err != nil {
			t.Fatal(err)
		}
		var a Arena
		for i := 0; ; i++ {
			_, ok, err := rd.Next()
			if err != nil || !ok {
				break
			}
			want := nonNull[i].Value
			if x, ok := rd.Int(); ok != (want.Kind() == KindInt) || ok && x != want.Int() {
				t.Fatalf("column %d: Int() = %d, %v for %s", i, x, ok, want)
			} else if ok {
				continue
			}
			if s, ok := rd.Text(&a); ok != (want.Kind() == KindString) || ok && s != want.Str() {
				t.Fatalf("column %d: Text() = %q, %v for %s", i, s, ok, want)
			} else if ok {
				continue
			}
			if v, err := rd.Value(); err != nil || !Identical(v, want) {
				t.Fatalf("column %d: Value() = %s, %v; want %s", i, v, err, want)
			}
		}
	}
}

// TestDecodeDamaged: truncated or altered encodings give errors, never
// panics.
func TestDecodeDamaged(t *testing.T) {
	r := testRand(t)
	for range 3000 {
		v := randValue(r, allKinds[r.IntN(len(allKinds))])
		d := allDirs[r.IntN(len(allDirs))]
		key := AppendKey(nil, v, d)
		row := AppendRow(nil, []Column{{ID: 7, Value: v}})
		for _, enc := range [][]byte{key, row} {
			b := bytes.Clone(enc)
			if r.IntN(2) == 0 {
				b = b[:r.IntN(len(b))]
			} else {
				b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
			}
			DecodeKey(b, d) //nolint:errcheck // must not panic
			SkipKey(b, d)   //nolint:errcheck
			DecodeRow(b)    //nolint:errcheck
		}
		if _, _, err := DecodeKey(key[:len(key)-1], d); err == nil && v.Kind() != KindNull {
			// A truncated fixed-width or terminated column must not decode.
			t.Fatalf("truncated %s decoded without error", v)
		}
		if _, err := SkipKey(key[:len(key)-1], d); err == nil && v.Kind() != KindNull {
			t.Fatalf("truncated %s skipped without error", v)
		}
	}
}

func ExampleAppendKeys() {
	key := AppendKeys(nil, []Value{String("a\x00b"), Int(-1), Null()}, []Direction{Asc, Desc, Asc})
	fmt.Printf("%x\n", key)
	// Output: 506100ff620001df8000000000000000f0
}
