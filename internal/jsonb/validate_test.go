package jsonb

import (
	"errors"
	"fmt"
	"math/rand"
	"testing"
)

// TestPlainIntegerAgreesWithNumberText: the fast check never accepts a
// spelling NumberText would change or refuse.
func TestPlainIntegerAgreesWithNumberText(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	parts := []string{"-", "0", "1", "9", "00", "12", ".", "5", "e", "E", "+", "x", ""}
	accepted := 0
	for range 20000 {
		s := ""
		for range 1 + r.Intn(5) {
			s += parts[r.Intn(len(parts))]
		}
		if !plainInteger([]byte(s)) {
			continue
		}
		accepted++
		if got, err := NumberText(s); err != nil || got != s {
			t.Fatalf("plainInteger(%q) but NumberText gives %q, %v", s, got, err)
		}
	}
	if accepted < 1000 {
		t.Fatalf("only %d spellings accepted", accepted)
	}
}

// TestDecodeRefusesNonCanonicalNumbers: a stored number must be in
// NumberText's spelling; others are corruption.
func TestDecodeRefusesNonCanonicalNumbers(t *testing.T) {
	for _, num := range []string{"-0", "007", "1.0e2", "+1", "1e2", "", "-", "1x"} {
		b := []byte{formatVersion, tagNumber, byte(len(num))}
		b = append(b, num...)
		if _, err := Decode(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("number %q decoded: %v", num, err)
		}
	}
	for _, num := range []string{"0", "-7", "1234567890123456789012", "1.50", "0.001"} {
		b := append([]byte{formatVersion, tagNumber, byte(len(num))}, num...)
		d, err := Decode(b)
		if err != nil || fmt.Sprint(d) != num {
			t.Errorf("number %q: %v, %v", num, d, err)
		}
	}
}
