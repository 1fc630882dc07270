package rowcodec

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// TestDecimalTextKey: the key AppendDecimalTextKey writes from a number's
// text is the one AppendKey writes for the decimal parsed from it, for
// random texts (signs, leading and trailing zeros, fractions, exponents)
// and edge cases; text that is not a plain number is refused.
func TestDecimalTextKey(t *testing.T) {
	check := func(text string) {
		t.Helper()
		got, ok := AppendDecimalTextKey([]byte("p"), text)
		if !ok {
			t.Fatalf("%q refused", text)
		}
		d, _, err := apd.NewFromString(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if want := AppendKey([]byte("p"), Decimal(d), Asc); !bytes.Equal(got, want) {
			t.Fatalf("%q: key %x, want %x", text, got, want)
		}
	}
	for _, text := range []string{"0", "-0", "0.000", "-0.0e5", "1", "-1", "10", "100", "0.1", "0.01", "1.5", "2.50", "-2.50",
		"12345678901234567890123", "1e2", "1E-2", "1.0e+3", "-9.99e-7", "007", "0.0000001230", "5e0", "123456789e-9"} {
		check(text)
	}
	r := rand.New(rand.NewPCG(5, 7))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
			if r.IntN(4) == 0 {
				b[i] = '0'
			}
		}
		return string(b)
	}
	for range 20000 {
		text := digits(1 + r.IntN(12))
		if r.IntN(2) == 0 {
			text += "." + digits(1+r.IntN(8))
		}
		if r.IntN(3) == 0 {
			text += []string{"e", "E", "e+", "e-"}[r.IntN(4)] + fmt.Sprint(r.IntN(40))
		}
		if r.IntN(2) == 0 {
			text = "-" + text
		}
		check(text)
	}
	for _, text := range []string{"", "-", ".5", "1.", "1e", "1e+", "abc", "1x", "--1", "1.2.3", "Infinity", "NaN", "1e1234567890"} {
		if _, ok := AppendDecimalTextKey(nil, text); ok {
			t.Fatalf("%q accepted", text)
		}
	}
}
