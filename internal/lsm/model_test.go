package lsm

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

var seedFlag = flag.Uint64("seed", 0, "replay one randomized sequence with this seed")

// seeds returns the seeds a randomized test runs: the -seed flag alone, or n
// seeds derived from base.
func seeds(n int, base uint64) []uint64 {
	if *seedFlag != 0 {
		return []uint64{*seedFlag}
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = base + uint64(i)*0x9e3779b97f4a7c15
	}
	return out
}

// model is the reference: an ordered map.
type model map[string]string

func (m model) clone() model {
	c := make(model, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (m model) apply(ops []modelOp) {
	for _, op := range ops {
		switch op.kind {
		case "set":
			m[op.key] = op.value
		case "del":
			delete(m, op.key)
		case "delrange":
			for k := range m {
				if k >= op.key && k < op.value {
					delete(m, k)
				}
			}
		}
	}
}

// sorted returns the model's keys in [lo, hi) ("" hi = unbounded).
func (m model) sorted(lo, hi []byte) []string {
	var ks []string
	for k := range m {
		if lo != nil && k < string(lo) {
			continue
		}
		if hi != nil && k >= string(hi) {
			continue
		}
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

type modelOp struct {
	kind       string
	key, value string
}

func (op modelOp) addTo(b *Batch) {
	switch op.kind {
	case "set":
		b.Set([]byte(op.key), []byte(op.value))
	case "del":
		b.Delete([]byte(op.key))
	case "delrange":
		b.DeleteRange([]byte(op.key), []byte(op.value))
	}
}

// smallOptions make every mechanism run often on tiny data: memtables of a
// few KiB, small tables and levels, a manifest rotated every few edits.
func smallOptions(fs vfs.FS, rng *rand.Rand) *Options {
	return &Options{
		FS:                    fs,
		MemTableSize:          int64(1<<10 + rng.IntN(16<<10)),
		BlockSize:             64 + rng.IntN(1024),
		TargetFileSize:        int64(512 + rng.IntN(8<<10)),
		L0CompactionThreshold: 1 + rng.IntN(4),
		L0StopWrites:          8 + rng.IntN(8),
		LBaseMaxBytes:         int64(2<<10 + rng.IntN(32<<10)),
		LevelMultiplier:       2 + rng.IntN(4),
		MaxManifestSize:       int64(256 + rng.IntN(4<<10)),
		Compression:           Compression(rng.IntN(3)),
		CacheSize:             int64(4<<10 + rng.IntN(1<<20)),
	}
}

type keyGen struct {
	rng   *rand.Rand
	space int
}

func (g keyGen) key() string {
	n := g.rng.IntN(g.space)
	switch g.rng.IntN(10) {
	case 0:
		return "" // the empty key is a key
	case 1:
		return fmt.Sprintf("k%05d/%s", n, bytes.Repeat([]byte{'x'}, g.rng.IntN(300)))
	}
	return fmt.Sprintf("k%05d", n)
}

func (g keyGen) value() string {
	switch g.rng.IntN(8) {
	case 0:
		return ""
	case 1:
		return string(bytes.Repeat([]byte{byte('a' + g.rng.IntN(26))}, g.rng.IntN(3000)))
	}
	return fmt.Sprintf("v%d", g.rng.Uint32())
}

func (g keyGen) op() modelOp {
	switch r := g.rng.IntN(20); {
	case r < 13:
		return modelOp{kind: "set", key: g.key(), value: g.value()}
	case r < 18:
		return modelOp{kind: "del", key: g.key()}
	default:
		a, b := g.key(), g.key()
		if a > b {
			a, b = b, a
		}
		return modelOp{kind: "delrange", key: a, value: b}
	}
}

// checkGet compares a point read against the model.
func checkGet(t *testing.T, where string, got []byte, err error, m model, key string) {
	t.Helper()
	want, ok := m[key]
	switch {
	case err == ErrNotFound && ok:
		t.Fatalf("%s: get %q: not found, want %q", where, key, trunc(want))
	case err == nil && !ok:
		t.Fatalf("%s: get %q: found %q, want not found", where, key, trunc(string(got)))
	case err != nil && err != ErrNotFound:
		t.Fatalf("%s: get %q: %v", where, key, err)
	case err == nil && string(got) != want:
		t.Fatalf("%s: get %q = %q, want %q", where, key, trunc(string(got)), trunc(want))
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s...(%d bytes)", s[:40], len(s))
	}
	return s
}

// splitSlash is the model's Split: a key's prefix ends before its first '/'.
func splitSlash(k []byte) int {
	if i := bytes.IndexByte(k, '/'); i >= 0 {
		return i
	}
	return len(k)
}

// checkIter drives it and a model iterator through the same random moves.
func checkIter(t *testing.T, where string, rng *rand.Rand, g keyGen, it *Iterator, m model, lo, hi []byte) {
	t.Helper()
	keys := m.sorted(lo, hi)
	pos := -1 // index into keys; -1 or len = not positioned
	var log []string
	prefixOf := func(k string) string {
		if it.split == nil {
			return k
		}
		return k[:it.split([]byte(k))]
	}
	prefix, prefixMode := "", false
	for step := 0; step < 30; step++ {
		var op string
		var got bool
		r := rng.IntN(9)
		if r != 8 && r > 3 && prefixMode && r >= 6 {
			// Prev in prefix mode stops the iterator.
			op, got = "prev (prefix mode)", it.Prev()
			log = append(log, op)
			if got {
				t.Fatalf("%s: iter after %v: Prev in prefix mode returned true", where, log)
			}
			pos, prefixMode = -1, false
			continue
		}
		if r < 4 {
			prefixMode = false
		}
		switch {
		case r == 8:
			k := g.key()
			op, got = fmt.Sprintf("seek-prefix-ge %q", trunc(k)), it.SeekPrefixGE([]byte(k))
			pos = sort.SearchStrings(keys, k)
			if lo != nil && k < string(lo) {
				pos = sort.SearchStrings(keys, string(lo))
			}
			prefix, prefixMode = prefixOf(k), true
		case r == 0:
			op, got = "first", it.First()
			pos = 0
		case r == 1:
			op, got = "last", it.Last()
			pos = len(keys) - 1
		case r == 2:
			k := g.key()
			op, got = fmt.Sprintf("seek-ge %q", trunc(k)), it.SeekGE([]byte(k))
			pos = sort.SearchStrings(keys, k)
		case r == 3:
			k := g.key()
			op, got = fmt.Sprintf("seek-lt %q", trunc(k)), it.SeekLT([]byte(k))
			pos = sort.SearchStrings(keys, k) - 1
		case r < 6:
			if pos < 0 || pos >= len(keys) {
				continue
			}
			op, got = "next", it.Next()
			pos++
		default:
			if pos < 0 || pos >= len(keys) {
				continue
			}
			op, got = "prev", it.Prev()
			pos--
		}
		log = append(log, op)
		want := pos >= 0 && pos < len(keys)
		if want && prefixMode && prefixOf(keys[pos]) != prefix {
			want, pos = false, len(keys)
		}
		if err := it.Error(); err != nil {
			t.Fatalf("%s: iter after %v: %v", where, log, err)
		}
		if got != want {
			wk := ""
			if want {
				wk = keys[pos]
			}
			gk := ""
			if got {
				gk = string(it.Key())
			}
			t.Fatalf("%s: iter [%q,%q) after %v: valid=%v (key %q), want %v (key %q)", where, lo, hi, log, got, trunc(gk), want, trunc(wk))
		}
		if got {
			if string(it.Key()) != keys[pos] || string(it.Value()) != m[keys[pos]] {
				t.Fatalf("%s: iter [%q,%q) after %v: at %q=%q, want %q=%q", where, lo, hi, log,
					trunc(string(it.Key())), trunc(string(it.Value())), trunc(keys[pos]), trunc(m[keys[pos]]))
			}
		}
	}
}

// checkAll compares a full scan with the model, forward and backward.
func checkAll(t *testing.T, where string, it *Iterator, m model) {
	t.Helper()
	keys := m.sorted(nil, nil)
	var got []string
	for ok := it.First(); ok; ok = it.Next() {
		got = append(got, string(it.Key()))
		if string(it.Value()) != m[string(it.Key())] {
			t.Fatalf("%s: scan: %q = %q, want %q", where, it.Key(), trunc(string(it.Value())), trunc(m[string(it.Key())]))
		}
	}
	if err := it.Error(); err != nil {
		t.Fatalf("%s: scan: %v", where, err)
	}
	if !slices.Equal(got, keys) {
		t.Fatalf("%s: scan: %d keys %q..., want %d keys %q...", where, len(got), head(got), len(keys), head(keys))
	}
	got = got[:0]
	for ok := it.Last(); ok; ok = it.Prev() {
		got = append(got, string(it.Key()))
	}
	slices.Reverse(got)
	if !slices.Equal(got, keys) {
		t.Fatalf("%s: reverse scan: %d keys %q..., want %d keys %q...", where, len(got), head(got), len(keys), head(keys))
	}
}

func head(s []string) []string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

func randomBounds(rng *rand.Rand, g keyGen) (lo, hi []byte) {
	if rng.IntN(2) == 0 {
		lo = []byte(g.key())
	}
	if rng.IntN(2) == 0 {
		hi = []byte(g.key())
	}
	return lo, hi
}

// TestModel runs random sequences of writes, reads, iterations, snapshots,
// flushes, compactions and reopens against the store and an in-memory
// ordered map, comparing every read.
func TestModel(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	for _, seed := range seeds(n, 1) {
		runModel(t, seed, 150)
		if t.Failed() {
			return
		}
	}
}

type liveSnapshot struct {
	s *Snapshot
	m model
}

func runModel(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, seed))
	// A tenth of the seeds run on real files, whose point reads use
	// blocks where they lie in a mapping of the table (sstable's
	// readDirect), valid only while the table is.
	var fs vfs.FS = vfs.NewMem()
	dir := "db"
	if seed%10 == 3 {
		fs, dir = vfs.OS(), filepath.Join(t.TempDir(), "db")
	}
	opts := smallOptions(fs, rng)
	// Half the seeds split keys at '/', so "k00012" and "k00012/xxx" share
	// a prefix; the Split stays the same across reopens, as it must.
	split := seed%2 == 0
	if split {
		opts.Split = splitSlash
	}
	g := keyGen{rng: rng, space: 20 + rng.IntN(300)}
	where := func(step int) string { return fmt.Sprintf("seed %d step %d", seed, step) }
	d, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("seed %d: open: %v", seed, err)
	}
	defer func() {
		if d != nil {
			d.Close()
		}
	}()
	m := model{}
	var snaps []liveSnapshot
	// Replaying one seed logs every step.
	trace := func(format string, args ...any) {
		if *seedFlag != 0 {
			t.Logf(format, args...)
		}
	}
	for step := 0; step < steps; step++ {
		w := where(step)
		r := rng.IntN(100)
		trace("step %d: r=%d", step, r)
		switch {
		case r < 40:
			op := g.op()
			b := NewBatch()
			op.addTo(b)
			if err := d.Apply(b, &WriteOptions{Sync: rng.IntN(4) == 0}); err != nil {
				t.Fatalf("%s: %s: %v", w, op.kind, err)
			}
			m.apply([]modelOp{op})
			trace("  %s %q %q", op.kind, trunc(op.key), trunc(op.value))
		case r < 50:
			var ops []modelOp
			b := NewBatch()
			for range 1 + rng.IntN(20) {
				op := g.op()
				op.addTo(b)
				ops = append(ops, op)
			}
			if err := d.Apply(b, NoSync); err != nil {
				t.Fatalf("%s: batch: %v", w, err)
			}
			m.apply(ops)
			for _, op := range ops {
				trace("  batch %s %q %q", op.kind, trunc(op.key), trunc(op.value))
			}
		case r < 65:
			k := g.key()
			v, err := d.Get([]byte(k))
			checkGet(t, w, v, err, m, k)
		case r < 72:
			lo, hi := randomBounds(rng, g)
			it := d.NewIter(&IterOptions{LowerBound: lo, UpperBound: hi})
			checkIter(t, w, rng, g, it, m, lo, hi)
			it.Close()
		case r < 75:
			it := d.NewIter(nil)
			trace("%s", d.describe())
			checkAll(t, w, it, m)
			it.Close()
		case r < 80:
			if len(snaps) < 3 {
				snaps = append(snaps, liveSnapshot{d.NewSnapshot(), m.clone()})
			}
		case r < 85:
			if len(snaps) > 0 {
				i := rng.IntN(len(snaps))
				s := snaps[i]
				k := g.key()
				v, err := s.s.Get([]byte(k))
				checkGet(t, w+" (snapshot)", v, err, s.m, k)
				lo, hi := randomBounds(rng, g)
				it := s.s.NewIter(&IterOptions{LowerBound: lo, UpperBound: hi})
				checkIter(t, w+" (snapshot)", rng, g, it, s.m, lo, hi)
				it.Close()
				if rng.IntN(3) == 0 {
					s.s.Close()
					snaps = slices.Delete(snaps, i, i+1)
				}
			}
		case r < 90:
			if err := d.Flush(); err != nil {
				t.Fatalf("%s: flush: %v", w, err)
			}
		case r < 94:
			lo, hi := randomBounds(rng, g)
			if err := d.Compact(context.Background(), lo, hi); err != nil {
				t.Fatalf("%s: compact: %v", w, err)
			}
		default:
			// An iterator open across writes keeps its view.
			it := d.NewIter(nil)
			before := m.clone()
			op := g.op()
			b := NewBatch()
			op.addTo(b)
			if err := d.Apply(b, NoSync); err != nil {
				t.Fatalf("%s: %v", w, err)
			}
			m.apply([]modelOp{op})
			checkAll(t, w+" (iterator across a write)", it, before)
			it.Close()
			if rng.IntN(2) == 0 {
				// Reopen: snapshots do not survive it.
				for _, s := range snaps {
					s.s.Close()
				}
				snaps = nil
				if err := d.Close(); err != nil {
					t.Fatalf("%s: close: %v", w, err)
				}
				d = nil
				opts = smallOptions(fs, rng)
				if split {
					opts.Split = splitSlash
				}
				if d, err = Open(dir, opts); err != nil {
					t.Fatalf("%s: reopen: %v", w, err)
				}
			}
		}
	}
	it := d.NewIter(nil)
	checkAll(t, where(steps)+" (final)", it, m)
	it.Close()
	for _, s := range snaps {
		s.s.Close()
	}
}
