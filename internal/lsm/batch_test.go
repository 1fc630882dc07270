package lsm

import (
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestBatchEachKey: EachKey visits a batch's keys in order, before the
// batch is applied, and what it writes into them is what the store gets.
func TestBatchEachKey(t *testing.T) {
	d := openMem(t, vfs.NewMem(), nil)
	defer d.Close()
	b := NewBatch()
	b.Set([]byte("a?"), []byte("1"))
	b.Delete([]byte("b?"))
	b.Set([]byte("c?"), []byte("3"))
	var seen []string
	must(t, b.EachKey(func(k []byte) {
		seen = append(seen, string(k))
		k[len(k)-1] = '!'
	}))
	if got := len(seen); got != 3 || seen[0] != "a?" || seen[1] != "b?" || seen[2] != "c?" {
		t.Fatalf("EachKey saw %q", seen)
	}
	must(t, d.Apply(b, NoSync))
	for k, want := range map[string]string{"a!": "1", "c!": "3"} {
		if v, err := d.Get([]byte(k)); err != nil || string(v) != want {
			t.Errorf("get %q = %q, %v; want %q", k, v, err, want)
		}
	}
	if _, err := d.Get([]byte("a?")); err != ErrNotFound {
		t.Errorf("get of the key before the rewrite: %v, want not found", err)
	}
}
