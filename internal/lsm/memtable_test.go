package lsm

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// TestMemTableModel inserts keys in the orders writers produce (sorted
// runs, as a commit's batch; reverse and random orders; the same user key
// again at a newer sequence number) into small memtables until they are
// full, and checks every level of the skiplist, the iteration, seeks and
// gets against a sorted model. The runs exercise the search from the last
// insert (findAfterLast), the others the search from the head, and the
// full arena that nodes (from its start) and values (from its end) do not
// overlap.
func TestMemTableModel(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			m := newMemTable(seed, 16<<10+rng.IntN(64<<10))
			type entry struct{ key, value []byte }
			var model []entry
			seq := ikey.SeqNum(1)
			userKey := func() []byte {
				// Shared 8-byte prefixes, as rows of one table have, so
				// comparisons go past the prefix in the node header.
				return fmt.Appendf(nil, "table/01/%05d", rng.IntN(5000))
			}
		fill:
			for {
				var keys [][]byte
				n := 1 + rng.IntN(20)
				for range n {
					keys = append(keys, userKey())
				}
				switch rng.IntN(4) {
				case 0, 1:
					slices.SortFunc(keys, bytes.Compare)
				case 2:
					slices.SortFunc(keys, func(a, b []byte) int { return bytes.Compare(b, a) })
				}
				for _, k := range keys {
					v := bytes.Repeat([]byte{byte(seq)}, rng.IntN(3)*rng.IntN(300))
					if !m.fits(entryCost(len(k)+ikey.TrailerLen, len(v))) {
						break fill
					}
					if !m.add(k, seq, ikey.KindSet, v) {
						t.Fatal("add refused an entry that fits")
					}
					model = append(model, entry{ikey.Make(nil, k, seq, ikey.KindSet), v})
					seq++
				}
			}
			slices.SortFunc(model, func(a, b entry) int { return ikey.Compare(a.key, b.key) })
			// Every level is sorted, and level 0 holds every entry.
			for level := range int(m.height.Load()) {
				var prev []byte
				for x := m.next(m.head, level); x != 0; x = m.next(x, level) {
					if prev != nil && ikey.Compare(prev, m.key(x)) >= 0 {
						t.Fatalf("level %d out of order: %q before %q", level, prev, m.key(x))
					}
					prev = m.key(x)
				}
			}
			it := m.newIter()
			i := 0
			for ok := it.First(); ok; ok = it.Next() {
				if i >= len(model) || !bytes.Equal(it.Key(), model[i].key) || !bytes.Equal(it.Value(), model[i].value) {
					t.Fatalf("entry %d: %q=%x, want %q", i, it.Key(), it.Value(), model[i].key)
				}
				i++
			}
			if i != len(model) {
				t.Fatalf("iterated %d entries, want %d", i, len(model))
			}
			for range 200 {
				k := ikey.Make(nil, userKey(), ikey.SeqNum(rng.IntN(int(seq)+1)), ikey.KindMax)
				j, _ := slices.BinarySearchFunc(model, k, func(e entry, k []byte) int { return ikey.Compare(e.key, k) })
				ok := it.SeekGE(k)
				if ok != (j < len(model)) || ok && !bytes.Equal(it.Key(), model[j].key) {
					t.Fatalf("SeekGE(%q) = %v %q, want entry %d of %d", k, ok, it.Key(), j, len(model))
				}
				gs, _, gv, found := m.get(ikey.UserKey(k), ikey.Seq(k), nil)
				want := j < len(model) && bytes.Equal(ikey.UserKey(model[j].key), ikey.UserKey(k))
				if found != want || found && (gs != ikey.Seq(model[j].key) || !bytes.Equal(gv, model[j].value)) {
					t.Fatalf("get(%q) = %v seq %d, want %v", k, found, gs, want)
				}
			}
		})
	}
}

// TestSpareArena: after a flush, the flush goroutine makes the next
// memtable's arena, and the next rotation takes it, so the committing
// goroutine neither allocates nor zeroes one; the memtable made in it
// holds writes as any other.
func TestSpareArena(t *testing.T) {
	d := openMem(t, vfs.NewMem(), &Options{MemTableSize: 256 << 10})
	defer d.Close()
	must(t, d.Set([]byte("a"), []byte("1"), NoSync))
	must(t, d.Flush())
	var spare []byte
	for deadline := time.Now().Add(10 * time.Second); spare == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no spare arena after a flush")
		}
		d.mu.Lock()
		spare = d.mu.spareArena
		d.mu.Unlock()
	}
	if len(spare) != memArenaSize(256<<10) {
		t.Fatalf("spare arena of %d bytes, want %d", len(spare), memArenaSize(256<<10))
	}
	must(t, d.Set([]byte("b"), []byte("2"), NoSync))
	must(t, d.Flush()) // rotates: the new memtable is in the spare
	must(t, d.Set([]byte("c"), []byte("3"), NoSync))
	d.mu.Lock()
	got := d.mu.mem.arena
	d.mu.Unlock()
	if &got[0] != &spare[0] {
		t.Fatal("the rotation after a flush did not take the spare arena")
	}
	for k, want := range map[string]string{"a": "1", "b": "2", "c": "3"} {
		if v, err := d.Get([]byte(k)); err != nil || string(v) != want {
			t.Errorf("get %q = %q, %v; want %q", k, v, err, want)
		}
	}
}

// TestWALSyncBehind: unsynced commits have the WAL synced behind them
// every walSyncBehind bytes, before any memtable switch would sync it.
func TestWALSyncBehind(t *testing.T) {
	var walSyncs atomic.Int64
	fs := vfs.NewFault(vfs.NewMem(), vfs.InjectorFunc(func(op vfs.OpKind, name string) error {
		if op == vfs.OpSync && strings.HasSuffix(name, ".log") {
			walSyncs.Add(1)
		}
		return nil
	}))
	d := openMem(t, fs, &Options{MemTableSize: 64 << 20})
	defer d.Close()
	value := make([]byte, 64<<10)
	for i := range 3 * walSyncBehind / len(value) {
		must(t, d.Set(fmt.Appendf(nil, "k%06d", i), value, NoSync))
	}
	// The syncs run in the background.
	for deadline := time.Now().Add(10 * time.Second); walSyncs.Load() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d syncs of the WAL after %d MiB of unsynced commits, want 2 or more", walSyncs.Load(), 3*walSyncBehind>>20)
		}
	}
	if d.Metrics().Flushes != 0 {
		t.Fatal("a flush: the memtable switched")
	}
}
