package lsm

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// versionedSplit: keys are "row@version", the version written so that a
// later one sorts first (as mvcc's timestamps do).
func versionedSplit(k []byte) int { return bytes.IndexByte(k, '@') + 1 }

func versionKey(row, version int) []byte {
	return fmt.Appendf(nil, "row%03d@%08d", row, 99999999-version)
}

// TestSeekPrefixNewestMatchesMerge: with versions written in order, in a
// tree spread over memtables and levels, with snapshots, deleted versions
// and range tombstones, SeekPrefixNewest lands where SeekPrefixGE does.
func TestSeekPrefixNewestMatchesMerge(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { testSeekPrefixNewest(t, seed) })
	}
}

func testSeekPrefixNewest(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := openMem(t, vfs.NewMem(), &Options{Split: versionedSplit, MemTableSize: 16 << 10,
		TargetFileSize: 4 << 10, BlockSize: 512, LBaseMaxBytes: 32 << 10, LevelMultiplier: 4})
	defer d.Close()
	const rows = 60
	next := make([]int, rows) // each row's next version
	var snaps []*Snapshot
	check := func(it *Iterator, what string) {
		t.Helper()
		for range 40 {
			row := rng.IntN(rows)
			ver := next[row] // the newest version
			if rng.IntN(2) == 0 {
				ver = rng.IntN(next[row] + 1)
			}
			key := versionKey(row, ver)
			var want, wantVal []byte
			if it.SeekPrefixGE(key) {
				want, wantVal = bytes.Clone(it.Key()), bytes.Clone(it.Value())
			}
			if !it.SeekPrefixNewest(key) {
				if want != nil {
					t.Fatalf("%s: SeekPrefixNewest(%s) found nothing, SeekPrefixGE %s", what, key, want)
				}
				continue
			}
			if !bytes.Equal(it.Key(), want) || !bytes.Equal(it.Value(), wantVal) {
				t.Fatalf("%s: SeekPrefixNewest(%s) = %s=%s, SeekPrefixGE %s=%s", what, key, it.Key(), it.Value(), want, wantVal)
			}
			if it.Next() || it.Valid() {
				t.Fatalf("%s: Next after SeekPrefixNewest moved on", what)
			}
		}
	}
	for step := range 600 {
		row := rng.IntN(rows)
		switch r := rng.IntN(100); {
		case r < 80:
			v := next[row]
			next[row]++
			must(t, d.Set(versionKey(row, v), fmt.Appendf(nil, "r%d v%d %s", row, v, bytes.Repeat([]byte{'.'}, rng.IntN(200))), NoSync))
		case r < 88 && next[row] > 0:
			// Delete one existing version, often the newest.
			v := next[row] - 1
			if rng.IntN(2) == 0 {
				v = rng.IntN(next[row])
			}
			must(t, d.Delete(versionKey(row, v), NoSync))
		case r < 90 && seed%2 == 1:
			lo := rng.IntN(rows)
			must(t, d.DeleteRange(versionKey(lo, 99999999), versionKey(lo+1+rng.IntN(3), 99999999), NoSync))
		case r < 94:
			must(t, d.Flush())
		case r < 96:
			lo := rng.IntN(rows)
			must(t, d.Compact(context.Background(), fmt.Appendf(nil, "row%03d", lo), fmt.Appendf(nil, "row%03d", lo+10)))
		default:
			snaps = append(snaps, d.NewSnapshot())
		}
		if step%50 == 49 {
			it := d.NewIter(nil)
			check(it, fmt.Sprintf("step %d", step))
			it.Close()
			for i, s := range snaps {
				it := s.NewIter(nil)
				check(it, fmt.Sprintf("step %d snapshot %d", step, i))
				it.Close()
			}
		}
	}
	for _, s := range snaps {
		s.Close()
	}
}

// TestSeekPrefixNewestStopsEarly: it reads no source after the first with
// a visible entry. Written against the ordering it relies on (an older
// version written last), the two seeks differ, which shows the deeper
// table was not read.
func TestSeekPrefixNewestStopsEarly(t *testing.T) {
	d := openMem(t, vfs.NewMem(), &Options{Split: versionedSplit})
	defer d.Close()
	must(t, d.Set(versionKey(1, 9), []byte("new, deep"), NoSync))
	must(t, d.Compact(context.Background(), nil, nil))
	must(t, d.Set(versionKey(1, 5), []byte("old, in the memtable"), NoSync))
	it := d.NewIter(nil)
	defer it.Close()
	key := versionKey(1, 99)
	if !it.SeekPrefixGE(key) || string(it.Value()) != "new, deep" {
		t.Fatalf("SeekPrefixGE = %q", it.Value())
	}
	if !it.SeekPrefixNewest(key) || string(it.Value()) != "old, in the memtable" {
		t.Fatalf("SeekPrefixNewest = %q, want the memtable's entry", it.Value())
	}
	// A range tombstone makes it read everything again.
	must(t, d.DeleteRange(versionKey(2, 99), versionKey(3, 99), NoSync))
	it2 := d.NewIter(nil)
	defer it2.Close()
	if !it2.SeekPrefixNewest(key) || string(it2.Value()) != "new, deep" {
		t.Fatalf("SeekPrefixNewest with range tombstones = %q, want the merge's answer", it2.Value())
	}
}

// TestSeekPrefixNewestPastDeletion: the first source's visible entry is
// not the answer when a newer source deletes it; the seek goes on to the
// older source holding the next version (it stopped there and found
// nothing when a run's compactions left the tree so).
func TestSeekPrefixNewestPastDeletion(t *testing.T) {
	d := openMem(t, vfs.NewMem(), &Options{Split: versionedSplit})
	defer d.Close()
	must(t, d.Set(versionKey(1, 4), []byte("v4, deep"), NoSync))
	must(t, d.Compact(context.Background(), nil, nil))
	must(t, d.Set(versionKey(1, 5), []byte("v5, in L0"), NoSync))
	must(t, d.Flush())
	must(t, d.Delete(versionKey(1, 5), NoSync)) // in the memtable
	it := d.NewIter(nil)
	defer it.Close()
	key := versionKey(1, 6)
	if !it.SeekPrefixGE(key) || string(it.Value()) != "v4, deep" {
		t.Fatalf("SeekPrefixGE = %q %v", it.Value(), it.Valid())
	}
	if !it.SeekPrefixNewest(key) || string(it.Value()) != "v4, deep" {
		t.Fatalf("SeekPrefixNewest = %q %v, want v4", it.Value(), it.Valid())
	}
}
