package mvcc

import (
	"fmt"
	"math/rand/v2"
	"testing"
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
