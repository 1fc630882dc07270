package mvcc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/vfs"
)

// storedVersions counts the MVCC versions the store holds.
func storedVersions(t *testing.T, db *DB) int {
	it := db.LSM().NewIter(nil)
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if _, _, ok := splitKey(it.Key()); ok {
			n++
		}
	}
	must(t, it.Close())
	return n
}

// TestGC: after many updates of the same keys and a compaction, the store
// holds a bounded number of versions; versions an open snapshot reads
// survive until it ends; deleted keys vanish entirely.
func TestGC(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	const keys, rounds = 50, 100
	update := func(round int) {
		tx, err := db.Begin(TxnOptions{NoSync: true})
		must(t, err)
		for k := range keys {
			put(t, tx, fmt.Sprintf("key%02d", k), strconv.Itoa(round))
		}
		must(t, tx.Commit())
	}
	for r := range rounds {
		update(r)
		if r%10 == 0 {
			must(t, db.LSM().Flush())
		}
	}
	old := begin(t, db, SnapshotIsolation) // pins round rounds-1
	for r := rounds; r < 2*rounds; r++ {
		update(r)
	}
	must(t, db.LSM().Flush())
	must(t, db.LSM().Compact(context.Background(), nil, nil))
	// The old snapshot's versions and the newest ones are kept; the
	// updates in between are not visible to anyone and go.
	n := storedVersions(t, db)
	if n > 2*keys+keys { // at most: the old snapshot's + everything newer than it that is newest at the horizon
		t.Fatalf("%d versions stored for %d keys with one old snapshot", n, keys)
	}
	if got := get(t, old, "key07"); got != strconv.Itoa(rounds-1) {
		t.Fatalf("old snapshot reads %s after GC", got)
	}
	must(t, old.Rollback())
	must(t, db.LSM().Compact(context.Background(), nil, nil))
	if n := storedVersions(t, db); n != keys {
		t.Fatalf("%d versions stored for %d keys and no snapshot", n, keys)
	}
	// Delete everything: the tombstones, then they themselves, go.
	tx := begin(t, db, SnapshotIsolation)
	must(t, tx.DeleteRange(nil, nil))
	must(t, tx.Commit())
	for range 2 { // the first pass drops what the tombstones hide
		must(t, db.LSM().Flush())
		must(t, db.LSM().Compact(context.Background(), nil, nil))
	}
	if n := storedVersions(t, db); n != 0 {
		t.Fatalf("%d versions stored after deleting every key", n)
	}
	runs, dropped, tombs := db.GCStats()
	t.Logf("GC: %d runs, %d versions dropped, %d of them tombstones", runs, dropped, tombs)
}

// TestCrash crashes the file system at random points of a workload of
// multi-key transactions (some synced, some not, one never committed) and
// checks after reopening that the state is exactly the effect of a prefix
// of the committed transactions that includes every one acknowledged
// durable, and that the uncommitted one left nothing.
func TestCrash(t *testing.T) {
	points := 60
	if testing.Short() {
		points = 15
	}
	seed := testSeed(t)
	const ntx = 40
	opts := func(fs vfs.FS) *Options {
		return &Options{LSM: lsm.Options{FS: fs, MemTableSize: 8 << 10, L0CompactionThreshold: 2}}
	}
	// Transaction i writes "m" = i and i%5+1 keys "k<j>" = i; it is synced
	// if i%3 != 0.
	run := func(fs vfs.FS) (durable, acked int, err error) {
		durable, acked = -1, -1
		db, err := Open("db", opts(fs))
		if err != nil {
			return durable, acked, err
		}
		defer db.Close()
		ghost, err := db.Begin(TxnOptions{})
		if err != nil {
			return durable, acked, err
		}
		for i := range ntx {
			tx, err := db.Begin(TxnOptions{NoSync: i%3 == 0})
			if err != nil {
				return durable, acked, err
			}
			put(t, tx, "m", strconv.Itoa(i))
			for j := range i%5 + 1 {
				put(t, tx, fmt.Sprintf("k%d", (i+j*7)%13), strconv.Itoa(i))
			}
			put(t, ghost, fmt.Sprintf("ghost%d", i), "never committed")
			if err := tx.Commit(); err != nil {
				return durable, acked, err
			}
			acked = i
			if i%3 != 0 {
				durable = i
			}
			if i%9 == 8 {
				if err := db.LSM().Flush(); err != nil {
					return durable, acked, err
				}
			}
		}
		return durable, acked, nil
	}
	stateAfter := func(j int) map[string]string {
		m := map[string]string{}
		for i := 0; i <= j; i++ {
			m["m"] = strconv.Itoa(i)
			for x := range i%5 + 1 {
				m[fmt.Sprintf("k%d", (i+x*7)%13)] = strconv.Itoa(i)
			}
		}
		return m
	}
	counter := vfs.NewCounter()
	if _, _, err := run(vfs.NewFault(vfs.NewMem(), counter)); err != nil {
		t.Fatal(err)
	}
	n := counter.Mutating()
	rng := rand.New(rand.NewPCG(seed, 5))
	partial := 0 // crash points that recovered fewer commits than were acknowledged
	for range points {
		at := 1 + rng.IntN(n)
		mem := vfs.NewMem()
		inj := vfs.CrashAfter(mem, at)
		if rng.IntN(2) == 0 {
			inj.TornTails(func(_ string, n int) int { return rng.IntN(n + 1) })
		}
		durable, acked, err := run(vfs.NewFault(mem, inj))
		if err != nil && !errors.Is(err, vfs.ErrCrashed) {
			t.Fatalf("crash at %d: %v", at, err)
		}
		crashed := inj.Crashed()
		if crashed == nil {
			crashed = inj.CrashNow()
		}
		db, err := Open("db", opts(crashed))
		if err != nil {
			t.Fatalf("crash at %s: reopen: %v", inj.Point(), err)
		}
		tx := begin(t, db, SnapshotIsolation)
		j := -1
		if v, ok, err := tx.Get([]byte("m")); err != nil {
			t.Fatal(err)
		} else if ok {
			j, _ = strconv.Atoi(string(v))
		}
		if j < durable || j > acked+1 {
			t.Fatalf("crash at %s: recovered through txn %d, want [%d, %d]", inj.Point(), j, durable, acked+1)
		}
		if j < acked {
			partial++
		}
		want := ""
		for _, k := range sortedKeys(stateAfter(j)) {
			want += k + "=" + stateAfter(j)[k] + " "
		}
		if got := scanStr(tx, "", "", false); got != want {
			t.Fatalf("crash at %s: recovered txn %d:\n got %q\nwant %q", inj.Point(), j, got, want)
		}
		must(t, tx.Rollback())
		// New commits land above every recovered one.
		tx = begin(t, db, SnapshotIsolation)
		put(t, tx, "m", "after")
		must(t, tx.Commit())
		tx = begin(t, db, SnapshotIsolation)
		if got := get(t, tx, "m"); got != "after" {
			t.Fatalf("crash at %s: write after recovery reads back %q", inj.Point(), got)
		}
		tx.Rollback()
		must(t, db.Close())
	}
	t.Logf("%d crash points in %d mutating operations; %d lost unsynced acknowledged commits, none lost a synced one", points, n, partial)
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}
