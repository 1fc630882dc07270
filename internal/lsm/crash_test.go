package lsm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// markerKey holds, in every batch of a crash workload, the batch's index:
// after recovery it says which prefix of the batches the store holds.
const markerKey = "\xff marker"

// crashWorkload is a deterministic list of batches and maintenance calls.
type crashWorkload struct {
	seed    uint64
	batches [][]modelOp
	sync    []bool
	// after[i] is the maintenance run after batch i: "", "flush" or "compact".
	after []string
	opts  func(fs vfs.FS) *Options
}

func newCrashWorkload(seed uint64, n int) *crashWorkload {
	rng := rand.New(rand.NewPCG(seed, 7))
	g := keyGen{rng: rng, space: 10 + rng.IntN(200)}
	w := &crashWorkload{seed: seed}
	optRng := rand.New(rand.NewPCG(seed, 8))
	base := smallOptions(nil, optRng)
	w.opts = func(fs vfs.FS) *Options {
		o := *base
		o.FS = fs
		return &o
	}
	for i := range n {
		var ops []modelOp
		for range 1 + rng.IntN(8) {
			ops = append(ops, g.op())
		}
		ops = append(ops, modelOp{kind: "set", key: markerKey, value: strconv.Itoa(i)})
		w.batches = append(w.batches, ops)
		w.sync = append(w.sync, rng.IntN(3) > 0)
		switch rng.IntN(12) {
		case 0:
			w.after = append(w.after, "flush")
		case 1:
			w.after = append(w.after, "compact")
		default:
			w.after = append(w.after, "")
		}
	}
	return w
}

// stateAfter returns the model after batches 0..j (j = -1: empty).
func (w *crashWorkload) stateAfter(j int) model {
	m := model{}
	for i := 0; i <= j; i++ {
		m.apply(w.batches[i])
	}
	return m
}

// run applies the workload until an error. It returns the index of the
// last batch known durable (synced, or followed by a successful flush or
// compaction) and of the last batch acknowledged at all.
func (w *crashWorkload) run(fs vfs.FS) (durable, acked int, err error) {
	durable, acked = -1, -1
	d, err := Open("db", w.opts(fs))
	if err != nil {
		return durable, acked, err
	}
	defer d.Close()
	for i, ops := range w.batches {
		b := NewBatch()
		for _, op := range ops {
			op.addTo(b)
		}
		if err := d.Apply(b, &WriteOptions{Sync: w.sync[i]}); err != nil {
			return durable, acked, err
		}
		acked = i
		if w.sync[i] {
			durable = i
		}
		switch w.after[i] {
		case "flush":
			err = d.Flush()
		case "compact":
			err = d.Compact(context.Background(), nil, nil)
		}
		if err != nil {
			return durable, acked, err
		}
		if w.after[i] != "" {
			durable = i
		}
	}
	if err := d.Close(); err != nil {
		return durable, acked, err
	}
	return len(w.batches) - 1, acked, nil
}

// verify opens the store on fs and checks that it holds exactly the state
// after some batch j with lo <= j <= hi. It returns j.
func (w *crashWorkload) verify(t *testing.T, fs vfs.FS, lo, hi int, where string) int {
	t.Helper()
	d, err := Open("db", w.opts(fs))
	if err != nil {
		t.Fatalf("%s: reopen: %v", where, err)
	}
	defer d.Close()
	j := -1
	v, err := d.Get([]byte(markerKey))
	switch {
	case err == nil:
		if j, err = strconv.Atoi(string(v)); err != nil {
			t.Fatalf("%s: marker %q", where, v)
		}
	case err != ErrNotFound:
		t.Fatalf("%s: get marker: %v", where, err)
	}
	if j < lo || j > hi {
		t.Fatalf("%s: recovered the state after batch %d; want a batch in [%d, %d] (acknowledged durable writes lost, or unacknowledged ones invented)", where, j, lo, hi)
	}
	want := w.stateAfter(j)
	it := d.NewIter(nil)
	checkAll(t, fmt.Sprintf("%s (recovered batch %d)", where, j), it, want)
	it.Close()
	// The recovered store takes writes and recovers again.
	if err := d.Set([]byte("after"), []byte("crash"), Sync); err != nil {
		t.Fatalf("%s: write after recovery: %v", where, err)
	}
	return j
}

// TestCrash crashes the store at random mutating file operations, including
// those of background flushes, compactions and manifest rotations, and
// checks that recovery yields exactly the state after some batch at or after
// the last acknowledged durable one: no lost acknowledged write, no half
// batch.
func TestCrash(t *testing.T) {
	workloads, points := 40, 25 // 1000 crash points
	if testing.Short() {
		workloads, points = 10, 10
	}
	total := 0
	// where counts crash points by the file whose operation was cut off,
	// to show flushes, compactions and manifest rotations are all hit.
	where := map[string]int{}
	for _, seed := range seeds(workloads, 100) {
		w := newCrashWorkload(seed, 60)
		counter := vfs.NewCounter()
		if _, _, err := w.run(vfs.NewFault(vfs.NewMem(), counter)); err != nil {
			t.Fatalf("seed %d: clean run: %v", seed, err)
		}
		n := counter.Mutating()
		rng := rand.New(rand.NewPCG(seed, 9))
		for range points {
			at := 1 + rng.IntN(n+n/10) // a few past the end: crash after a clean close
			mem := vfs.NewMem()
			inj := vfs.CrashAfter(mem, at)
			if rng.IntN(2) == 0 {
				// Part of each unsynced append reached the disk.
				tornRng := rand.New(rand.NewPCG(seed, uint64(at)))
				inj.TornTails(func(_ string, n int) int { return tornRng.IntN(n + 1) })
			}
			durable, acked, err := w.run(vfs.NewFault(mem, inj))
			if err != nil && !errors.Is(err, vfs.ErrCrashed) {
				t.Fatalf("seed %d crash at %d: workload failed with %v, not the crash", seed, at, err)
			}
			crashed := inj.Crashed()
			if crashed == nil {
				crashed = inj.CrashNow()
			}
			hi := acked + 1 // the batch in flight at the crash may or may not survive
			hi = min(hi, len(w.batches)-1)
			point := inj.Point()
			w.verify(t, crashed, durable, hi, fmt.Sprintf("seed %d crash at %s", seed, point))
			total++
			for _, kind := range []string{".log", ".sst", "MANIFEST", ".tmp", "CURRENT"} {
				if strings.Contains(point, kind) {
					where[kind]++
				}
			}
			if t.Failed() {
				return
			}
		}
	}
	t.Logf("%d crash points recovered; crashed in operations on: %v", total, where)
	if !testing.Short() && *seedFlag == 0 {
		for _, kind := range []string{".log", ".sst", "MANIFEST", ".tmp"} {
			if where[kind] == 0 {
				t.Errorf("no crash point hit an operation on a %s file", kind)
			}
		}
	}
}

// TestFaults injects EIO or ENOSPC at every write, sync, create, rename and
// directory sync of a small workload. The store must fail cleanly (no
// acknowledged write lost, nothing acknowledged after the fault), refuse
// later writes, and reopen with every acknowledged write once the fault is
// gone.
func TestFaults(t *testing.T) {
	kinds := []vfs.OpKind{vfs.OpWrite, vfs.OpSync, vfs.OpCreate, vfs.OpRename, vfs.OpSyncDir}
	nSeeds := 3
	if testing.Short() {
		nSeeds = 1
	}
	positions := 0
	for _, seed := range seeds(nSeeds, 500) {
		w := newCrashWorkload(seed, 25)
		counter := vfs.NewCounter()
		if _, _, err := w.run(vfs.NewFault(vfs.NewMem(), counter)); err != nil {
			t.Fatalf("seed %d: clean run: %v", seed, err)
		}
		for _, kind := range kinds {
			for n := 1; n <= counter.Count(kind); n++ {
				errInj := vfs.ErrInjectedEIO
				if n%2 == 0 {
					errInj = vfs.ErrInjectedENOSPC
				}
				mem := vfs.NewMem()
				inj := vfs.OnNth(kind, n, errInj).Sticky()
				_, acked, err := w.run(vfs.NewFault(mem, inj))
				where := fmt.Sprintf("seed %d: %v at %s #%d", seed, errInj, kind, n)
				if err != nil && !errors.Is(err, errInj) && !errors.Is(err, ErrFailed) {
					t.Fatalf("%s: workload failed with %v", where, err)
				}
				// No crash: everything acknowledged was written, so it must
				// all be there; the failed batch may or may not be.
				hi := min(acked+1, len(w.batches)-1)
				w.verify(t, mem, acked, hi, where)
				positions++
				if t.Failed() {
					return
				}
			}
		}
	}
	t.Logf("%d fault positions checked", positions)
}

// TestFailedStateRefusesWrites: after a failed WAL sync nothing more is
// acknowledged.
func TestFailedStateRefusesWrites(t *testing.T) {
	mem := vfs.NewMem()
	inj := vfs.OnNth(vfs.OpSync, 1000000, vfs.ErrInjectedEIO)
	ffs := vfs.NewFault(mem, inj)
	d, err := Open("db", &Options{FS: ffs})
	must(t, err)
	must(t, d.Set([]byte("a"), []byte("1"), Sync))
	ffs.SetInjector(vfs.OnNth(vfs.OpSync, 1, vfs.ErrInjectedEIO))
	if err := d.Set([]byte("b"), []byte("2"), Sync); !errors.Is(err, vfs.ErrInjectedEIO) {
		t.Fatalf("synced write during a failing fsync: %v, want EIO", err)
	}
	ffs.SetInjector(vfs.NewCounter())
	for _, o := range []*WriteOptions{Sync, NoSync} {
		if err := d.Set([]byte("c"), []byte("3"), o); !errors.Is(err, ErrFailed) {
			t.Fatalf("write after a failed sync: %v, want ErrFailed", err)
		}
	}
	if v, err := d.Get([]byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("read in the failed state: %q, %v", v, err)
	}
	d.Close()
	d, err = Open("db", &Options{FS: mem})
	must(t, err)
	defer d.Close()
	if v, err := d.Get([]byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("after reopen: %q, %v", v, err)
	}
	if err := d.Set([]byte("c"), []byte("3"), Sync); err != nil {
		t.Fatalf("write after reopen: %v", err)
	}
}

// TestCloseReportsFailure: a store that failed in the background (here a
// flush hitting EIO) has not synced its WAL since, so Close must report
// the failure rather than let NoSync writes pass for durable.
func TestCloseReportsFailure(t *testing.T) {
	mem := vfs.NewMem()
	ffs := vfs.NewFault(mem, vfs.NewCounter())
	d, err := Open("db", &Options{FS: ffs})
	must(t, err)
	must(t, d.Set([]byte("a"), []byte("1"), NoSync))
	ffs.SetInjector(vfs.OnNth(vfs.OpCreate, 1, vfs.ErrInjectedEIO).Sticky())
	if err := d.Flush(); err == nil {
		t.Fatal("flush with failing creates succeeded")
	}
	if err := d.Close(); !errors.Is(err, ErrFailed) {
		t.Fatalf("Close after a background failure: %v, want ErrFailed", err)
	}
}
