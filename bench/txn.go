package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Transaction workloads: cairn's MVCC layer (internal/mvcc, snapshot
// isolation) against Pebble's indexed batches, on a table of -rows rows
// (default 100,000, independent of -n). Pebble has no transactions: an
// indexed batch reads the store (plus its own writes) without a snapshot
// and commits without any conflict check, so it is the cost floor of a
// read-modify-write, not an equivalent; concurrent updates of one row can
// lose an update there (counted on stderr), never on cairn.
//
// A row is key = 8-byte big-endian id, value = 200 bytes laid out like the
// kv workloads' (kvValue) except that bytes 8..16 hold a big-endian update
// counter, 0 after the load. txn-update-sync-8 increments it; at the end
// the counters must add up to the committed transactions.

const (
	txnDefaultRows   = 100_000
	txnLoadBatch     = 1000 // rows per unsynced load transaction
	txnUpdateWorkers = 8
	txnVerifyEvery   = 1000 // txn-read compares every 1000th value
	txnCounterOff    = 8    // value[8:16] is the update counter
)

func init() {
	register(&workload{
		Name: "txn-update-sync-8", Anchor: "pebble",
		About:   "8 goroutines: read a random row, rewrite it, synced commit; -rows table; committed txns/s",
		Prepare: func(e *env) error { return txnPrepare(e, "txn-update-sync-8") },
		Run: func(e *env, s side) (measurement, error) {
			return txnUpdate(e, s, "txn-update-sync-8", txnUpdateWorkers)
		},
	})
	register(&workload{
		Name: "txn-read", Anchor: "pebble",
		About:   "1 goroutine: read-only transactions reading one random row, -duration; -rows table; txns/s",
		Prepare: func(e *env) error { return txnPrepare(e, "txn-read") },
		Run:     func(e *env, s side) (measurement, error) { return txnRead(e, s, "txn-read") },
	})
}

// txnEngine is what the txn workloads need of a store. Every method that
// runs a transaction is safe for concurrent use.
type txnEngine interface {
	Open(dir string) error
	Close() error // idempotent
	// Load writes the rows in one unsynced transaction.
	Load(keys, values [][]byte) error
	Flush() error
	// Update runs one read-modify-write transaction: read key (it must
	// exist), write modify(old value) back, commit synced. It returns an
	// error wrapping errTxnConflict if the transaction lost a conflict and
	// wrote nothing (the caller retries). old is valid only during modify;
	// the returned value only until Update returns.
	Update(key []byte, modify func(old []byte) ([]byte, error)) error
	// Read runs one read-only transaction reading key; if want is non-nil
	// the value must equal it (errKVMismatch otherwise).
	Read(key, want []byte) error
	// Scan visits every row in key order in one read-only transaction.
	Scan(visit func(key, value []byte) error) error
	Stats() string
}

var errTxnConflict = errors.New("transaction conflict (40001)")

func newTxnEngine(s side) txnEngine {
	if s == cairnSide {
		return &txnCairn{}
	}
	return &txnPebble{}
}

func (e *env) txnDir(name string, s side) string {
	return filepath.Join(e.root, name+"-"+s.String())
}

// txnValue is row i's value with update counter c.
func txnValue(k *kvState, dst []byte, i, c uint64) []byte {
	dst = k.kvValue(dst, i)
	binary.BigEndian.PutUint64(dst[txnCounterOff:], c)
	return dst
}

// txnPrepare builds a fresh table for workload name on both engines,
// untimed: e.rows rows in ascending key order, txnLoadBatch per unsynced
// transaction, then a flush; the stores are closed, and each Run reopens
// its own (so neither the load nor the other engine counts in its RSS).
func txnPrepare(e *env, name string) error {
	k := e.kvState()
	for _, s := range []side{cairnSide, anchorSide} {
		dir := e.txnDir(name, s)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		db := newTxnEngine(s)
		if err := db.Open(dir); err != nil {
			return err
		}
		start := time.Now()
		keys := make([][]byte, 0, txnLoadBatch)
		vals := make([][]byte, 0, txnLoadBatch)
		for lo := 0; lo < e.rows; lo += txnLoadBatch {
			keys, vals = keys[:0], vals[:0]
			for i := lo; i < min(lo+txnLoadBatch, e.rows); i++ {
				keys = append(keys, kvKey(nil, uint64(i)))
				vals = append(vals, txnValue(k, nil, uint64(i), 0))
			}
			if err := db.Load(keys, vals); err != nil {
				db.Close()
				return fmt.Errorf("%s: load: %w", s, err)
			}
		}
		if err := db.Flush(); err != nil {
			db.Close()
			return fmt.Errorf("%s: flush: %w", s, err)
		}
		logf("  %s: loaded %d rows for %s in %s (untimed)", s, e.rows, name, time.Since(start).Round(time.Millisecond))
		if err := db.Close(); err != nil {
			return err
		}
	}
	return nil
}

// checkRow verifies the parts of row i's value that never change (all
// but the counter) and returns the counter.
func checkRow(k *kvState, buf []byte, i uint64, v []byte, full bool) (uint64, error) {
	if len(v) != kvValueSize || binary.BigEndian.Uint64(v) != i {
		return 0, fmt.Errorf("row %d: %w (len %d, prefix %x)", i, errKVMismatch, len(v), v[:min(8, len(v))])
	}
	c := binary.BigEndian.Uint64(v[txnCounterOff:])
	if full && !bytes.Equal(v, txnValue(k, buf, i, c)) {
		return 0, fmt.Errorf("row %d: %w", i, errKVMismatch)
	}
	return c, nil
}

// txnUpdate runs the given number of goroutines for -duration, each
// running transactions that read a random row and write it back with its
// counter incremented, committed synced; a transaction that loses a
// conflict is retried (retries counted apart). ops = committed
// transactions. Afterwards (untimed) the counters must add up to the
// commits on cairn; on Pebble the shortfall is the lost updates.
func txnUpdate(e *env, s side, name string, workers int) (measurement, error) {
	k := e.kvState()
	db := newTxnEngine(s)
	if err := db.Open(e.txnDir(name, s)); err != nil {
		return measurement{}, err
	}
	defer db.Close()
	rows := uint64(e.rows)
	before, err := txnCounterSum(k, db, rows)
	if err != nil {
		return measurement{}, err
	}
	var (
		stop      atomic.Bool
		committed atomic.Int64
		retries   atomic.Int64
		wg        sync.WaitGroup
		errMu     sync.Mutex
		first     error
	)
	start := time.Now()
	timer := time.AfterFunc(e.duration, func() { stop.Store(true) })
	defer timer.Stop()
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(20240601, 100+uint64(g)))
			var key, val, check []byte
			var ops, retried int64
			var i uint64
			var full bool
			modify := func(old []byte) ([]byte, error) {
				c, err := checkRow(k, check, i, old, full)
				if err != nil {
					return nil, err
				}
				val = append(val[:0], old...)
				binary.BigEndian.PutUint64(val[txnCounterOff:], c+1)
				return val, nil
			}
			fail := func(err error) {
				errMu.Lock()
				first = cmpOr(first, err)
				errMu.Unlock()
				stop.Store(true)
			}
		txns:
			for !stop.Load() {
				i = r.Uint64N(rows)
				key = kvKey(key, i)
				full = ops%txnVerifyEvery == 0
				for {
					err := db.Update(key, modify)
					if err == nil {
						break
					}
					if !errors.Is(err, errTxnConflict) {
						fail(fmt.Errorf("update row %d: %w", i, err))
						break txns
					}
					retried++
					if stop.Load() {
						break txns
					}
				}
				ops++
			}
			committed.Add(ops)
			retries.Add(retried)
		}()
	}
	wg.Wait()
	m := measurement{ops: committed.Load(), elapsed: time.Since(start)}
	if first != nil {
		return m, first
	}
	logf("  %s after %s: %d committed, %d conflicts retried (%.3f%% of commits); %s",
		s, name, m.ops, retries.Load(), 100*float64(retries.Load())/float64(max(m.ops, 1)), db.Stats())

	// The counters must account for every committed transaction of this
	// run (-repeat runs again on the same rows).
	after, err := txnCounterSum(k, db, rows)
	if err != nil {
		return m, err
	}
	sum := after - before
	switch {
	case sum > uint64(m.ops):
		return m, fmt.Errorf("counters add up to %d, more than the %d commits", sum, m.ops)
	case sum < uint64(m.ops) && s == cairnSide:
		return m, fmt.Errorf("lost updates: counters add up to %d, %d commits", sum, m.ops)
	case sum < uint64(m.ops):
		logf("  %s: %d lost updates (no conflict detection), counters add up to %d", s, uint64(m.ops)-sum, sum)
	default:
		logf("  %s: counters add up to the %d commits: no lost updates", s, sum)
	}
	return m, db.Close()
}

// txnCounterSum checks every row of the table and returns the sum of their
// update counters.
func txnCounterSum(k *kvState, db txnEngine, rows uint64) (uint64, error) {
	var sum, n uint64
	var buf []byte
	err := db.Scan(func(key, value []byte) error {
		if len(key) != 8 || binary.BigEndian.Uint64(key) != n {
			return fmt.Errorf("scan: row #%d has key %x", n, key)
		}
		c, err := checkRow(k, buf, n, value, true)
		sum += c
		n++
		return err
	})
	if err == nil && n != rows {
		err = fmt.Errorf("scan saw %d rows, want %d", n, rows)
	}
	return sum, err
}

// txnRead runs read-only transactions reading one random row each (a
// seeded sequence) from one goroutine for -duration, comparing every
// 1000th value in full.
func txnRead(e *env, s side, name string) (measurement, error) {
	k := e.kvState()
	db := newTxnEngine(s)
	if err := db.Open(e.txnDir(name, s)); err != nil {
		return measurement{}, err
	}
	defer db.Close()
	var stop atomic.Bool
	r := rand.New(rand.NewPCG(20240601, 3))
	rows := uint64(e.rows)
	var key, want []byte
	var ops int64
	start := time.Now()
	timer := time.AfterFunc(e.duration, func() { stop.Store(true) })
	defer timer.Stop()
	for ; !stop.Load(); ops++ {
		i := r.Uint64N(rows)
		key = kvKey(key, i)
		var w []byte
		if ops%txnVerifyEvery == 0 {
			want = txnValue(k, want, i, 0)
			w = want
		}
		if err := db.Read(key, w); err != nil {
			return measurement{}, fmt.Errorf("read row %d: %w", i, err)
		}
	}
	m := measurement{ops: ops, elapsed: time.Since(start)}
	logf("  %s after %s: %s", s, name, db.Stats())
	return m, db.Close()
}
