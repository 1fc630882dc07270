package jsonb

import (
	"bytes"
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

// TestDecodeStored: DecodeStored skips the UTF-8, canonical-number and
// key-order checks Decode makes, and keeps the structural ones.
func TestDecodeStored(t *testing.T) {
	enc := func(v Value) []byte { return []byte(MustEncode(v)) }
	badUTF8 := enc(ObjectValue([]string{"k"}, []Value{StringValue("ab")}))
	badUTF8[len(badUTF8)-1] = 0xff // the string's last byte
	nonCanonical := enc(ArrayValue([]Value{{Kind: Number, Str: "15"}}))
	nonCanonical[len(nonCanonical)-2] = '0' // "05"
	badNumber := enc(ArrayValue([]Value{{Kind: Number, Str: "15"}}))
	badNumber[len(badNumber)-2] = 'x' // "x5"
	outOfOrder := enc(ObjectValue([]string{"a", "b"}, []Value{StringValue("x"), StringValue("y")}))
	if i := bytes.Index(outOfOrder, []byte("ab")); i < 0 {
		t.Fatalf("keys not side by side in %x", outOfOrder)
	} else {
		outOfOrder[i], outOfOrder[i+1] = 'b', 'a'
	}
	// The length byte of a short string, which the container's loop
	// checks itself (validate), one short, then one long.
	lengthShort := enc(ArrayValue([]Value{StringValue("ab"), NullValue}))
	if i := bytes.Index(lengthShort, []byte{tagString, 2, 'a', 'b'}); i < 0 {
		t.Fatalf("no string ab in %x", lengthShort)
	} else {
		lengthShort[i+1] = 1
	}
	lengthLong := bytes.Clone(lengthShort)
	lengthLong[bytes.Index(lengthLong, []byte{tagString, 1, 'a', 'b'})+1] = 3
	long := func(n int) Value { return StringValue(string(bytes.Repeat([]byte("x"), n))) }
	truncated := enc(ObjectValue([]string{"k"}, []Value{StringValue("ab")}))
	truncated = truncated[:len(truncated)-1]
	for _, c := range []struct {
		name         string
		b            []byte
		full, stored bool // accepted by Decode, by DecodeStored
	}{
		{"valid", enc(ObjectValue([]string{"k"}, []Value{StringValue("ab")})), true, true},
		{"invalid UTF-8", badUTF8, false, true},
		{"non-canonical number", nonCanonical, false, true},
		{"keys out of order", outOfOrder, false, true},
		{"not a number", badNumber, false, false},
		{"truncated", truncated, false, false},
		{"string length short", lengthShort, false, false},
		{"string length long", lengthLong, false, false},
		{"strings of 0, 127 and 128 bytes, null, true, false",
			enc(ObjectValue([]string{"a", "b", "c", "d", "e", "f"}, []Value{long(0), long(127), long(128), NullValue, BoolValue(true), BoolValue(false)})), true, true},
	} {
		_, err := Decode(c.b)
		_, serr := DecodeStored(string(c.b))
		if (err == nil) != c.full || (serr == nil) != c.stored {
			t.Errorf("%s (%x): Decode: %v, DecodeStored: %v", c.name, c.b, err, serr)
		}
	}
}
