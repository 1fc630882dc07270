package fts

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/cairndb/cairn/internal/mvcc"
)

// Numbers hands out the pending numbers of new documents, consecutive per
// index from a range that no pending document of the index used when the
// range was taken. An engine gives every Index of its store the same
// Numbers (Index.SetNumbers): Index objects come and go with plans, the
// ranges stay. Without one, an Add numbers a document by a hash of its id
// (allocPending).
//
// Consecutive numbers write a bulk load's change-log entries in order,
// where hashed ones land all over the memtable, and need no lookup: a
// hashed number is free only if no change-log entry has it, a point read
// per insert. A range is 2^32 numbers at a random place in the pending
// half of the number space, checked empty once, at a fresh snapshot (a
// read-only transaction, so no writer's read set holds the range); every
// number of it is handed out here, once, so numbers from a range never
// meet each other, and meet a hashed number only as two hashed numbers
// may meet (the later committer of the two writes fails to retry).
type Numbers struct {
	mu sync.Mutex
	m  map[string]*numberRange // by index prefix
	// pick, if set, replaces the random choice of a range's place
	// (tests): it returns a number below 2^(63-numberRangeBits)-1.
	pick func() uint64
}

type numberRange struct{ next, end uint64 }

// numberRangeBits: a range holds 2^numberRangeBits numbers.
const numberRangeBits = 32

// SetNumbers makes ix number its new documents from n.
func (ix *Index) SetNumbers(n *Numbers) { ix.numbers = n }

// next returns the next number of ix's range, taking a new range when
// it has none or has used it up. The store is read for a new range
// without n's lock, which every Add of every index takes: if two Adds
// take a range at once, the first to come back keeps its own and the
// other uses it (a range no number was handed out from is forgotten).
func (n *Numbers) next(ix *Index, db *mvcc.DB) (uint64, error) {
	for {
		n.mu.Lock()
		if r := n.m[string(ix.prefix)]; r != nil && r.next < r.end {
			d := r.next
			r.next++
			n.mu.Unlock()
			return d, nil
		}
		used := n.m[string(ix.prefix)]
		n.mu.Unlock()
		r, err := ix.freeRange(db, n.pick)
		if err != nil {
			return 0, err
		}
		n.mu.Lock()
		if n.m[string(ix.prefix)] == used { // no one else took one meanwhile
			if n.m == nil {
				n.m = map[string]*numberRange{}
			}
			n.m[string(ix.prefix)] = r
		}
		n.mu.Unlock()
	}
}

// freeRange picks a range of pending numbers that no change-log entry of
// ix holds at a fresh snapshot of db.
func (ix *Index) freeRange(db *mvcc.DB, pick func() uint64) (*numberRange, error) {
	if pick == nil {
		pick = func() uint64 { return rand.Uint64N(1<<(63-numberRangeBits) - 1) }
	}
	txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer txn.Rollback()
	for range 64 {
		// Ranges start at multiples of their size, below the last one
		// (whose end would be endDoc, which marks an exhausted cursor).
		base := pendingBit | pick()<<numberRangeBits
		end := base + 1<<numberRangeBits
		it := txn.Scan(ix.docKey(tagChange, base), ix.docKey(tagChange, end))
		used := it.Next()
		if err := it.Close(); err != nil {
			return nil, err
		}
		if !used {
			return &numberRange{next: base, end: end}, nil
		}
	}
	return nil, fmt.Errorf("fts: no free range of pending document numbers")
}
