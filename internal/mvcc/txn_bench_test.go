package mvcc

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/vfs"
)

// BenchmarkTxnWrites is a transaction that only writes, as a bulk load
// or an fts merge: 100,000 keys under a long shared head in random order,
// buffered, then sorted for commit (the commit itself is not timed).
func BenchmarkTxnWrites(b *testing.B) {
	keys := make([][]byte, 100_000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "t\x00\xff\x00\xff\x00\xff\x05\x00\xff\x00\xff\x00\xff\x03term%07d", i)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	db := openMem(b, nil)
	for b.Loop() {
		txn, err := db.Begin(TxnOptions{MemoryBudget: 1 << 30})
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range keys {
			if err := txn.Put(k, k[len(k)-7:]); err != nil {
				b.Fatal(err)
			}
		}
		if n := len(txn.sortedKeys()); n != len(keys) {
			b.Fatalf("%d keys", n)
		}
		txn.Rollback()
	}
}

// BenchmarkCommit is a bulk load's commit: 1,000 rows of about 600 bytes
// per transaction, unsynced (B/op shows whether the store batch is made
// anew each time).
func BenchmarkCommit(b *testing.B) {
	db, err := Open("db", &Options{LSM: lsm.Options{FS: vfs.NewMem(), MemTableSize: 64 << 20}})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	value := make([]byte, 600)
	var key []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		txn, err := db.Begin(TxnOptions{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		for j := range 1000 {
			key = fmt.Appendf(key[:0], "row%09d", i*1000+j)
			if err := txn.Put(key, value); err != nil {
				b.Fatal(err)
			}
		}
		if err := txn.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
