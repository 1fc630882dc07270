package jsonb

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendQuotedEscapes: AppendQuoted, which skips 32 and 8 bytes at a
// time that need no escape, escapes exactly what a byte-at-a-time reference
// does, wherever the quotes, backslashes and control characters fall.
func TestAppendQuotedEscapes(t *testing.T) {
	ref := func(s string) string {
		out := []byte{'"'}
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '"' || c == '\\':
				out = append(out, '\\', c)
			case c == '\b':
				out = append(out, `\b`...)
			case c == '\f':
				out = append(out, `\f`...)
			case c == '\n':
				out = append(out, `\n`...)
			case c == '\r':
				out = append(out, `\r`...)
			case c == '\t':
				out = append(out, `\t`...)
			case c < 0x20:
				out = append(out, `\u00`...)
				out = append(out, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			default:
				out = append(out, c)
			}
		}
		return string(append(out, '"'))
	}
	rng := rand.New(rand.NewPCG(4, 2))
	special := []byte{'"', '\\', 0, 0x1f, 0x20, '\n', 0x7f, 0x80, 0xff, 'a'}
	for n := range 6000 {
		// Up to 100 bytes with specials often or seldom, so that the 32
		// bytes at a time and the 8 at a time both meet them in each of
		// their words, and pass long runs without.
		b := make([]byte, rng.IntN(100))
		rate := []int{12, 80}[n%2]
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
			if rng.IntN(rate) == 0 {
				b[i] = special[rng.IntN(len(special))]
			}
		}
		if got, want := string(AppendQuoted(nil, string(b))), ref(string(b)); got != want {
			t.Fatalf("case %d: AppendQuoted(%s) = %s, want %s", n, strconv.Quote(string(b)), got, want)
		}
	}
}

// TestAppendTextGrowsOnce: printing a 1 KB document into a new buffer is
// one allocation (AppendText grows to about the text's size up front),
// and into a buffer with room, none; the text is String's either way.
func TestAppendTextGrowsOnce(t *testing.T) {
	for i := range 8 {
		d, err := Parse(benchDoc(i))
		if err != nil {
			t.Fatal(err)
		}
		want := d.String()
		if got := string(d.AppendText(nil)); got != want {
			t.Fatalf("AppendText(nil) = %.60q, want %.60q", got, want)
		}
		if got := string(d.AppendText([]byte("x"))); got != "x"+want {
			t.Fatalf("AppendText after a byte = %.60q", got)
		}
		if raceEnabled {
			continue
		}
		if n := testing.AllocsPerRun(20, func() { d.AppendText(nil) }); n != 1 {
			t.Fatalf("document %d (%d bytes encoded, %d of text): %v allocations printing into a new buffer, want 1", i, len(d), len(want), n)
		}
		buf := make([]byte, 0, 4*len(want))
		if n := testing.AllocsPerRun(20, func() { d.AppendText(buf) }); n != 0 {
			t.Fatalf("document %d: %v allocations printing into a buffer with room", i, n)
		}
	}
}
