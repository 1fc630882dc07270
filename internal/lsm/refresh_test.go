package lsm

import (
	"context"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestIteratorRefresh: a refreshed iterator sees the memtable writes made
// since it was built, even one between the merged position and a child
// sitting further on (the next seek must not step forward from stale
// positions); it cannot be refreshed after a range deletion or a flush.
func TestIteratorRefresh(t *testing.T) {
	d := openMem(t, vfs.NewMem(), nil)
	defer d.Close()
	must(t, d.Set([]byte("k5"), []byte("table"), NoSync))
	must(t, d.Compact(context.Background(), nil, nil))
	must(t, d.Set([]byte("k9"), []byte("mem"), NoSync))
	it := d.NewIter(nil)
	defer it.Close()
	// The table's child on k5, the memtable's on k9.
	if !it.SeekGE([]byte("k4")) || string(it.Key()) != "k5" {
		t.Fatalf("SeekGE(k4) = %q", it.Key())
	}
	must(t, d.Set([]byte("k6"), []byte("new"), NoSync))
	if it.Current() {
		t.Fatal("current after a write")
	}
	if !it.Reusable() || !it.Refresh() {
		t.Fatal("not refreshed after a memtable write")
	}
	if it.Valid() {
		t.Fatal("positioned after Refresh")
	}
	if !it.SeekGE([]byte("k6")) || string(it.Key()) != "k6" || string(it.Value()) != "new" {
		t.Fatalf("SeekGE(k6) after Refresh = %q=%q", it.Key(), it.Value())
	}
	if !it.SeekPrefixGE([]byte("k6")) || string(it.Value()) != "new" {
		t.Fatalf("SeekPrefixGE(k6) after Refresh = %q", it.Value())
	}
	if !it.Current() {
		t.Fatal("not current right after Refresh")
	}

	must(t, d.DeleteRange([]byte("k0"), []byte("k7"), NoSync))
	if it.Reusable() || it.Refresh() {
		t.Fatal("refreshed past a range deletion")
	}
	it2 := d.NewIter(nil)
	defer it2.Close()
	if it2.SeekGE([]byte("k0")) && string(it2.Key()) != "k9" {
		t.Fatalf("a new iterator after the range deletion lands on %q", it2.Key())
	}
	must(t, d.Set([]byte("k8"), []byte("x"), NoSync))
	if !it2.Refresh() {
		t.Fatal("a new iterator not refreshed after a write")
	}
	must(t, d.Flush())
	must(t, d.Set([]byte("k1"), []byte("x"), NoSync))
	if it2.Reusable() || it2.Refresh() {
		t.Fatal("refreshed past a flush")
	}
}
