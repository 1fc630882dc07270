package lsm

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// TestSampleKeysWhileWriting: sampling a memtable's keys from a lower
// bound while a writer inserts (and the skiplist grows taller) reads only
// nodes, never an offset that is none (SplitKeys runs beside commits).
func TestSampleKeysWhileWriting(t *testing.T) {
	for round := range 6 {
		m := newMemTable(1, 8<<20)
		var done atomic.Bool
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20000 {
				m.add(fmt.Appendf(nil, "k%07d", (i*7919)%20000), ikey.SeqNum(i+1), ikey.KindSet, []byte("v"))
			}
			done.Store(true)
		}()
		for !done.Load() {
			keys, _ := m.sampleKeys([]byte("k0001000"), []byte("k0019000"), 8)
			for i := 1; i < len(keys); i++ {
				if string(keys[i-1]) >= string(keys[i]) {
					t.Fatalf("round %d: keys out of order: %q, %q", round, keys[i-1], keys[i])
				}
			}
		}
		wg.Wait()
	}
}
