package sstable

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// TestValueShared: an iterator reports a value shared exactly when its
// block is in memory of its own: read with a cache, and not a mapped
// table's plain block used in place; and a shared value keeps its bytes
// after the iterator read every other block, closed, and the reader
// closed.
func TestValueShared(t *testing.T) {
	var kvs []kv
	for i := range 400 {
		v := bytes.Repeat(fmt.Appendf(nil, "value %05d ", i), 20) // compressible
		kvs = append(kvs, kv{ikey.Make(nil, fmt.Appendf(nil, "key%05d", i), 1, ikey.KindSet), v})
	}
	for _, comp := range []Compression{NoCompression, SnappyCompression} {
		for _, onDisk := range []bool{false, true} {
			for _, cached := range []bool{false, true} {
				name := fmt.Sprintf("compression=%d/disk=%v/cache=%v", comp, onDisk, cached)
				opts := DefaultWriterOptions()
				opts.BlockSize = 1024
				opts.Compression = comp
				f, _ := buildTable(t, kvs, nil, opts)
				var file vfs.File = f
				if onDisk {
					file = osTable(t, f.data)
				}
				var cache *Cache
				if cached {
					cache = NewCache(1 << 20)
				}
				r, err := Open(file, "s.sst", 3, cache)
				if err != nil {
					t.Fatal(err)
				}
				inPlace := r.direct != nil && comp == NoCompression
				type kept struct{ view, want []byte }
				var keep []kept
				for i := 0; i < len(kvs); i += 7 {
					it := r.NewIter(nil, nil)
					if !it.SeekGE(kvs[i].k) || !bytes.Equal(it.Value(), kvs[i].v) {
						t.Fatalf("%s: SeekGE(%s) missed", name, ikey.Format(kvs[i].k))
					}
					shared := it.(*tableIter).ValueShared()
					if want := cached && !inPlace; shared != want {
						t.Fatalf("%s: point read of key %d: shared %v, want %v", name, i, shared, want)
					}
					if shared {
						keep = append(keep, kept{it.Value(), kvs[i].v})
					}
					if err := it.Close(); err != nil {
						t.Fatal(err)
					}
				}
				it := r.NewIter(nil, nil)
				for ok := it.First(); ok; ok = it.Next() {
					if it.(*tableIter).ValueShared() {
						keep = append(keep, kept{it.Value(), bytes.Clone(it.Value())})
					}
				}
				if err := it.Close(); err != nil {
					t.Fatal(err)
				}
				if err := r.Close(); err != nil {
					t.Fatal(err)
				}
				if cached && len(keep) == 0 {
					t.Fatalf("%s: no value shared", name)
				}
				for _, k := range keep {
					if !bytes.Equal(k.view, k.want) {
						t.Fatalf("%s: a shared value changed after Close: %.40q, want %.40q", name, k.view, k.want)
					}
				}
			}
		}
	}
}
