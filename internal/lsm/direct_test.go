package lsm

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// On real files, point reads use a table's blocks where they lie in a
// mapping of the file (sstable's readDirect): an iterator's value is the
// file's memory. These tests hold such values while the table is
// compacted away and while the store closes; were the mapping gone, reading
// them would fault.

func openDirect(t *testing.T) (*DB, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	d, err := Open(dir, &Options{FS: vfs.OS()})
	if err != nil {
		t.Fatal(err)
	}
	return d, dir
}

func directKey(i int) []byte { return fmt.Appendf(nil, "k%05d", i) }

// directValue is incompressible (blocks of it are stored plain, as
// readDirect needs): 120 pseudo-random bytes from round and i.
func directValue(round, i int) []byte {
	v := make([]byte, 120)
	x := uint64(round)<<32 | uint64(i)
	for j := range v {
		x += 0x9e3779b97f4a7c15 // splitmix64
		z := (x ^ x>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		v[j] = byte(z ^ z>>31)
	}
	return v
}

func tables(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestDirectValueOutlivesCompaction(t *testing.T) {
	d, dir := openDirect(t)
	defer d.Close()
	for i := range 3000 {
		must(t, d.Set(directKey(i), directValue(1, i), NoSync))
	}
	must(t, d.Flush())
	first := tables(t, dir)
	if len(first) == 0 {
		t.Fatal("no table after the flush")
	}
	it := d.NewIter(nil)
	if !it.SeekPrefixGE(directKey(1234)) {
		t.Fatal("key not found")
	}
	held := it.Value()
	if !bytes.Equal(held, directValue(1, 1234)) {
		t.Fatalf("value %q", held)
	}
	// Rewrite every key and compact: the first tables leave the current
	// version, but the open iterator's version still holds them.
	for i := range 3000 {
		must(t, d.Set(directKey(i), directValue(2, i), NoSync))
	}
	must(t, d.Flush())
	must(t, d.Compact(context.Background(), nil, nil))
	for _, name := range first {
		if _, err := os.Stat(name); err != nil {
			t.Fatalf("table %s removed under an open iterator: %v", name, err)
		}
	}
	if !bytes.Equal(held, directValue(1, 1234)) {
		t.Fatalf("held value changed to %q", held)
	}
	it.Close()
	it = d.NewIter(nil)
	defer it.Close()
	if !it.SeekPrefixGE(directKey(1234)) || !bytes.Equal(it.Value(), directValue(2, 1234)) {
		t.Fatalf("after compaction: %q", it.Value())
	}
}

// TestDirectValueAfterClose: closing the store under an open iterator (a
// misuse) leaves its tables' mappings in place, so what the iterator
// read stays readable instead of faulting.
func TestDirectValueAfterClose(t *testing.T) {
	d, _ := openDirect(t)
	for i := range 3000 {
		must(t, d.Set(directKey(i), directValue(1, i), NoSync))
	}
	must(t, d.Flush())
	it := d.NewIter(nil)
	if !it.SeekPrefixGE(directKey(77)) {
		t.Fatal("key not found")
	}
	held := it.Value()
	must(t, d.Close())
	if !bytes.Equal(held, directValue(1, 77)) {
		t.Fatalf("held value after Close: %q", held)
	}
	it.Close()
}

// TestMappedTablesBounded: past its bound a store opens tables unmapped,
// read by pread, and counts the mapped ones back down as they close.
func TestMappedTablesBounded(t *testing.T) {
	d, _ := openDirect(t)
	defer d.Close()
	d.tables.mu.Lock()
	d.tables.maxMapped = 1
	d.tables.mu.Unlock()
	for round := range 3 {
		for i := range 500 {
			must(t, d.Set(directKey(round*500+i), directValue(1, round*500+i), NoSync))
		}
		must(t, d.Flush())
	}
	it := d.NewIter(nil)
	for i := range 1500 {
		if !it.SeekPrefixGE(directKey(i)) || !bytes.Equal(it.Value(), directValue(1, i)) {
			t.Fatalf("key %d: %v %x", i, it.Valid(), it.Value())
		}
	}
	it.Close()
	d.tables.mu.Lock()
	mapped, open := d.tables.mapped, len(d.tables.m)
	nm := 0
	for _, ot := range d.tables.m {
		if ot.r.Mapped() {
			nm++
		}
	}
	d.tables.mu.Unlock()
	if open < 2 || mapped != 1 || nm != 1 {
		t.Fatalf("%d tables open, %d counted mapped, %d mapped; want at least 2, 1, 1", open, mapped, nm)
	}
	must(t, d.Compact(context.Background(), nil, nil))
	d.tables.mu.Lock()
	defer d.tables.mu.Unlock()
	nm = 0
	for _, ot := range d.tables.m {
		if ot.r.Mapped() {
			nm++
		}
	}
	if d.tables.mapped != nm || nm > 1 {
		t.Fatalf("after compaction: %d counted mapped, %d mapped", d.tables.mapped, nm)
	}
}
