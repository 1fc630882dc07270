package sstable

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

const benchN = 100_000

func benchTable(b *testing.B, comp Compression) (*Reader, [][]byte) {
	b.Helper()
	kvs := make([]kv, benchN)
	ukeys := make([][]byte, benchN)
	val := make([]byte, 100)
	for i := range val {
		val[i] = byte('a' + i%7)
	}
	for i := range kvs {
		ukeys[i] = fmt.Appendf(nil, "user%012d", i)
		kvs[i] = kv{ikey.Make(nil, ukeys[i], ikey.SeqNum(i+1), ikey.KindSet), val}
	}
	opts := DefaultWriterOptions()
	opts.Compression = comp
	f, _ := buildTable(b, kvs, nil, opts)
	r, err := Open(f, "bench.sst", 1, NewCache(256<<20))
	if err != nil {
		b.Fatal(err)
	}
	// Warm the cache.
	it := r.NewIter(nil, nil)
	for ok := it.First(); ok; ok = it.Next() {
	}
	_ = it.Close()
	return r, ukeys
}

func BenchmarkGet(b *testing.B) {
	for _, comp := range []Compression{NoCompression, SnappyCompression} {
		b.Run(comp.String(), func(b *testing.B) {
			r, ukeys := benchTable(b, comp)
			rng := rand.New(rand.NewPCG(1, 1))
			order := make([]int, 1<<16)
			for i := range order {
				order[i] = rng.IntN(len(ukeys))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, found, err := r.Get(ukeys[order[i&(len(order)-1)]], ikey.SeqNumMax)
				if !found || err != nil {
					b.Fatal("not found", err)
				}
			}
		})
	}
}

func BenchmarkGetMissing(b *testing.B) {
	r, _ := benchTable(b, SnappyCompression)
	key := []byte("user-not-there")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, found, _ := r.Get(key, ikey.SeqNumMax); found {
			b.Fatal("found")
		}
	}
}

func BenchmarkScan(b *testing.B) {
	for _, comp := range []Compression{NoCompression, SnappyCompression} {
		b.Run(comp.String(), func(b *testing.B) {
			r, _ := benchTable(b, comp)
			it := r.NewIter(nil, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n := 0
				for ok := it.First(); ok; ok = it.Next() {
					n++
				}
				if n != benchN {
					b.Fatalf("scanned %d", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/entry")
		})
	}
}

func BenchmarkScanReverse(b *testing.B) {
	r, _ := benchTable(b, NoCompression)
	it := r.NewIter(nil, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for ok := it.Last(); ok; ok = it.Prev() {
			n++
		}
		if n != benchN {
			b.Fatalf("scanned %d", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/entry")
}

func BenchmarkWrite(b *testing.B) {
	val := make([]byte, 100)
	keys := make([][]byte, benchN)
	for i := range keys {
		keys[i] = ikey.Make(nil, fmt.Appendf(nil, "user%012d", i), ikey.SeqNum(i+1), ikey.KindSet)
	}
	b.ReportAllocs()
	b.SetBytes(int64(benchN * (len(keys[0]) + len(val))))
	for i := 0; i < b.N; i++ {
		w := NewWriter(&memFile{}, DefaultWriterOptions())
		for _, k := range keys {
			if err := w.Add(k, val); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
