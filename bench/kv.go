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

// Key/value workloads: cairn's storage engine (internal/lsm) against Pebble,
// both configured alike (kvCairn and kvPebble list the options). Every
// workload is written once against kvEngine, so both engines do exactly the
// same operations on exactly the same bytes.

const (
	kvValueSize   = 200
	kvRandomBytes = 92   // random part of a value, after the 8-byte key
	kvBatchSize   = 1000 // keys per batch in kv-load
	kvVerifyEvery = 1000 // kv-get and kv-scan compare every 1000th value
	kvPoolChunks  = 4099 // distinct random parts (prime, so neighbours differ)
)

func init() {
	register(&workload{
		Name: "kv-load", Anchor: "pebble",
		About: "insert n keys in random order, 1000-key unsynced batches, then flush; keys/s",
		Run:   func(e *env, s side) (measurement, error) { return kvLoad(e, s) },
		Once:  true,
	})
	register(&workload{
		Name: "kv-get", Anchor: "pebble",
		About:   "n point gets of random existing keys on the loaded store, 1 goroutine; gets/s",
		Prepare: ensureKVLoaded,
		Run:     func(e *env, s side) (measurement, error) { return kvGet(e, s) },
	})
	register(&workload{
		Name: "kv-scan", Anchor: "pebble",
		About:   "one forward scan of the whole loaded store; keys/s",
		Prepare: ensureKVLoaded,
		Run:     func(e *env, s side) (measurement, error) { return kvScan(e, s) },
	})
	register(&workload{
		Name: "kv-sync-1", Anchor: "pebble",
		About: "synced single-key writes from 1 goroutine for -duration, fresh store; writes/s",
		Run:   func(e *env, s side) (measurement, error) { return kvSync(e, s, "kv-sync-1", 1) },
	})
	register(&workload{
		Name: "kv-sync-8", Anchor: "pebble",
		About: "synced single-key writes from 8 goroutines for -duration, fresh store; writes/s",
		Run:   func(e *env, s side) (measurement, error) { return kvSync(e, s, "kv-sync-8", 8) },
	})
}

// kvEngine is what the kv workloads need of a store. The implementations
// are thin: an interface call costs both engines the same few nanoseconds.
type kvEngine interface {
	Open(dir string) error
	Close() error
	NewBatch() kvBatch
	Set(key, value []byte, sync bool) error
	// Get looks key up; errKVNotFound if absent; if want is non-nil the
	// value must equal it (errKVMismatch otherwise).
	Get(key, want []byte) error
	// Scan visits every key in order. key and value are valid only during
	// the call.
	Scan(visit func(key, value []byte) error) error
	Flush() error
	// Stats describes the store's activity since Open, for stderr.
	Stats() string
}

type kvBatch interface {
	Set(key, value []byte)
	Count() int
	Commit(sync bool) error
	Reset()
}

var (
	errKVNotFound = errors.New("key not found")
	errKVMismatch = errors.New("value mismatch")
)

func newKVEngine(s side) kvEngine {
	if s == cairnSide {
		return &kvCairn{}
	}
	return &kvPebble{}
}

// kvState is the data and the stores shared by the kv workloads.
type kvState struct {
	n         int
	pool      []byte   // kvPoolChunks * kvRandomBytes seeded random bytes
	loadOrder []uint32 // a seeded shuffle of 0..n-1
	loaded    [2]bool  // kv-load has built store[side]
}

func (e *env) kvState() *kvState {
	if e.kv != nil {
		return e.kv
	}
	r := rand.New(rand.NewPCG(20240601, 1))
	k := &kvState{n: e.n, pool: make([]byte, kvPoolChunks*kvRandomBytes)}
	for i := 0; i < len(k.pool); i += 8 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], r.Uint64())
		copy(k.pool[i:], w[:])
	}
	k.loadOrder = make([]uint32, e.n)
	for i := range k.loadOrder {
		k.loadOrder[i] = uint32(i)
	}
	r.Shuffle(len(k.loadOrder), func(i, j int) {
		k.loadOrder[i], k.loadOrder[j] = k.loadOrder[j], k.loadOrder[i]
	})
	e.kv = k
	return k
}

// kvDir is the directory of the loaded store of one side.
func (e *env) kvDir(s side) string {
	return filepath.Join(e.root, "kv-"+s.String())
}

func kvKey(dst []byte, i uint64) []byte {
	return binary.BigEndian.AppendUint64(dst[:0], i)
}

// kvValue builds key i's 200-byte value: the key itself (so a value served
// for the wrong key fails verification), 92 random bytes, and a 10-byte
// random phrase repeated 10 times — roughly half compressible, so snappy
// has work to do without the data being trivial.
func (k *kvState) kvValue(dst []byte, i uint64) []byte {
	c := int(i % kvPoolChunks)
	chunk := k.pool[c*kvRandomBytes : (c+1)*kvRandomBytes]
	dst = binary.BigEndian.AppendUint64(dst[:0], i)
	dst = append(dst, chunk...)
	for len(dst) < kvValueSize {
		dst = append(dst, chunk[:10]...)
	}
	return dst
}

// ensureKVLoaded loads both stores, untimed, if kv-load did not run.
func ensureKVLoaded(e *env) error {
	k := e.kvState()
	if k.loaded[cairnSide] && k.loaded[anchorSide] {
		return nil
	}
	logf("bench: loading %d keys into both stores (untimed, needed by kv-get/kv-scan)", e.n)
	for _, s := range []side{cairnSide, anchorSide} {
		if !k.loaded[s] {
			if _, err := kvLoad(e, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// kvLoad builds the store of side s from scratch: n keys in the seeded
// shuffled order, 1000 per unsynced batch, then a flush. Timed: from the
// first batch to the end of the flush. The store is closed afterwards (so
// the next engine's RSS does not include it) and reopened by kv-get and
// kv-scan.
func kvLoad(e *env, s side) (measurement, error) {
	k := e.kvState()
	dir := e.kvDir(s)
	if err := os.RemoveAll(dir); err != nil {
		return measurement{}, err
	}
	k.loaded[s] = false
	db := newKVEngine(s)
	if err := db.Open(dir); err != nil {
		return measurement{}, err
	}
	var key, val []byte
	start := time.Now()
	b := db.NewBatch()
	for _, i := range k.loadOrder {
		key = kvKey(key, uint64(i))
		val = k.kvValue(val, uint64(i))
		b.Set(key, val)
		if b.Count() == kvBatchSize {
			if err := b.Commit(false); err != nil {
				db.Close()
				return measurement{}, err
			}
			b.Reset()
		}
	}
	if b.Count() > 0 {
		if err := b.Commit(false); err != nil {
			db.Close()
			return measurement{}, err
		}
	}
	if err := db.Flush(); err != nil {
		db.Close()
		return measurement{}, err
	}
	m := measurement{ops: int64(k.n), elapsed: time.Since(start)}
	logf("  %s after kv-load: %s", s, db.Stats())
	if err := db.Close(); err != nil {
		return m, err
	}
	k.loaded[s] = true
	return m, nil
}

// kvGet reopens the loaded store and reads n random existing keys (a
// seeded sequence, the same for both engines) from one goroutine, checking
// every 1000th value. The reopened store starts with a cold block cache
// (the OS page cache is warm for both); background compactions left over
// from the load may still run, for both engines alike.
func kvGet(e *env, s side) (measurement, error) {
	k := e.kvState()
	db := newKVEngine(s)
	if err := db.Open(e.kvDir(s)); err != nil {
		return measurement{}, err
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(20240601, 2))
	var key, want []byte
	start := time.Now()
	for j := 0; j < k.n; j++ {
		i := r.Uint64N(uint64(k.n))
		key = kvKey(key, i)
		var w []byte
		if j%kvVerifyEvery == 0 {
			want = k.kvValue(want, i)
			w = want
		}
		if err := db.Get(key, w); err != nil {
			return measurement{}, fmt.Errorf("get key %d: %w", i, err)
		}
	}
	m := measurement{ops: int64(k.n), elapsed: time.Since(start)}
	logf("  %s after kv-get: %s", s, db.Stats())
	return m, db.Close()
}

// kvScan reopens the loaded store and scans it forward once. Every key
// must be the next integer (keys are 0..n-1, so the count is checked too)
// and every 1000th value is compared.
func kvScan(e *env, s side) (measurement, error) {
	k := e.kvState()
	db := newKVEngine(s)
	if err := db.Open(e.kvDir(s)); err != nil {
		return measurement{}, err
	}
	defer db.Close()
	var want []byte
	var count uint64
	start := time.Now()
	err := db.Scan(func(key, value []byte) error {
		if len(key) != 8 || binary.BigEndian.Uint64(key) != count {
			return fmt.Errorf("scan: key #%d is %x", count, key)
		}
		if count%kvVerifyEvery == 0 {
			want = k.kvValue(want, count)
			if !bytes.Equal(value, want) {
				return fmt.Errorf("scan: key %d: %w", count, errKVMismatch)
			}
		}
		count++
		return nil
	})
	m := measurement{ops: int64(count), elapsed: time.Since(start)}
	if err != nil {
		return m, err
	}
	if count != uint64(k.n) {
		return m, fmt.Errorf("scan saw %d keys, want %d", count, k.n)
	}
	logf("  %s after kv-scan: %s", s, db.Stats())
	return m, db.Close()
}

// kvSync measures synced single-key writes from the given number of
// goroutines for -duration. It uses a fresh, empty store per engine and
// workload rather than the loaded one: what is measured is the commit path
// (WAL append + fsync, group commit), which the store's size barely
// affects, and a small store keeps the run short and free of leftover
// compactions. Goroutine g writes keys g<<40 | seq with the usual values.
func kvSync(e *env, s side, name string, goroutines int) (measurement, error) {
	k := e.kvState()
	dir := filepath.Join(e.root, name+"-"+s.String())
	defer os.RemoveAll(dir)
	db := newKVEngine(s)
	if err := db.Open(dir); err != nil {
		return measurement{}, err
	}
	defer db.Close()
	var (
		stop  atomic.Bool
		total atomic.Int64
		wg    sync.WaitGroup
		errMu sync.Mutex
		first error
	)
	start := time.Now()
	timer := time.AfterFunc(e.duration, func() { stop.Store(true) })
	defer timer.Stop()
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var key, val []byte
			var ops int64
			for seq := uint64(0); !stop.Load(); seq++ {
				i := uint64(g)<<40 | seq
				key = kvKey(key, i)
				val = k.kvValue(val, i)
				if err := db.Set(key, val, true); err != nil {
					errMu.Lock()
					first = cmpOr(first, err)
					errMu.Unlock()
					stop.Store(true)
					break
				}
				ops++
			}
			total.Add(ops)
		}()
	}
	wg.Wait()
	m := measurement{ops: total.Load(), elapsed: time.Since(start)}
	if first != nil {
		return m, first
	}
	logf("  %s after %s: %s", s, name, db.Stats())
	return m, db.Close()
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
