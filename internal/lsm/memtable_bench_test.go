package lsm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// memBenchKeys are keys shaped like the store's: a table's rows under a
// long shared head (mvcc escapes every zero byte of the table and index
// ids, so 15 bytes precede the primary key), and a GIN index's entries
// under another.
func memBenchKeys(n int) (rows, gin [][]byte) {
	head := func(index byte) []byte {
		return []byte{'t', 0, 0xff, 0, 0xff, 0, 0xff, 5, 0, 0xff, 0, 0xff, 0, 0xff, index}
	}
	for i := range n {
		rows = append(rows, fmt.Appendf(head(1), "\x12u%06d\x00\x01", i))
		gin = append(gin, fmt.Appendf(head(3), "\x12age\x00\x01%d\x00\x01\x12u%06d\x00\x01", 18+i%60, i))
	}
	return rows, gin
}

// BenchmarkMemtableUpdate is a document update's writes: a 1 KB row and
// two index entries, at random keys, into a memtable of 64 MiB (reset
// when full); ns/op per update.
func BenchmarkMemtableUpdate(b *testing.B) {
	rows, gin := memBenchKeys(100_000)
	val := make([]byte, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	m := newMemTable(1, 64<<20)
	seq := ikey.SeqNum(1)
	for b.Loop() {
		if !m.fits(3 * (1200 + maxNodeOverhead)) {
			m = newMemTable(1, 64<<20)
		}
		i := r.IntN(len(rows))
		m.add(rows[i], seq, ikey.KindSet, val)
		m.add(gin[i], seq, ikey.KindDelete, nil)
		m.add(gin[r.IntN(len(gin))], seq, ikey.KindSet, nil)
		seq++
	}
}

// BenchmarkMemtableGet is a point read in a memtable holding 40,000
// rows and twice as many index entries.
func BenchmarkMemtableGet(b *testing.B) {
	rows, gin := memBenchKeys(100_000)
	val := make([]byte, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	m := newMemTable(1, 64<<20)
	seq := ikey.SeqNum(1)
	for range 40_000 {
		i := r.IntN(len(rows))
		m.add(rows[i], seq, ikey.KindSet, val)
		m.add(gin[i], seq, ikey.KindSet, nil)
		m.add(gin[r.IntN(len(gin))], seq, ikey.KindSet, nil)
		seq++
	}
	scratch := make([]byte, 0, 64)
	for b.Loop() {
		m.get(rows[r.IntN(len(rows))], seq, scratch)
	}
}
