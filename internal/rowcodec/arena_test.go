package rowcodec

import (
	"fmt"
	"testing"
)

// TestArena: strings carved from an arena keep their contents however
// many more are carved after them, from one chunk or the next.
func TestArena(t *testing.T) {
	var a Arena
	var got []string
	buf := make([]byte, 0, 64)
	for i := 0; i < 2000; i++ {
		buf = fmt.Appendf(buf[:0], "value-%d-%s", i, make([]byte, i%40))
		got = append(got, a.String(buf))
		buf[0] = 'X' // the caller's bytes are not the string's
	}
	for i, s := range got {
		if want := fmt.Sprintf("value-%d-%s", i, make([]byte, i%40)); s != want {
			t.Fatalf("string %d = %q, want %q", i, s, want)
		}
	}
	if s := a.String(make([]byte, arenaChunk)); len(s) != arenaChunk {
		t.Fatal("a large string")
	}
	var nilArena *Arena
	if nilArena.String([]byte("x")) != "x" || a.String(nil) != "" {
		t.Fatal("nil arena or empty string")
	}
}
