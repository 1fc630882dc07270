package lsm

import (
	"fmt"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestReadsCompactL0: L0 below its compaction threshold stays there while
// no writes come, so reads pay for its tables. Range reads that read an L0
// table and another one are counted, and once they reach the budget L0 is
// compacted without another write; point reads and reads of one table
// alone are not counted.
func TestReadsCompactL0(t *testing.T) {
	d := openMem(t, vfs.NewMem(), nil)
	defer d.Close()
	key := func(i int) []byte { return fmt.Appendf(nil, "k%05d", i) }
	write := func(round int) {
		for i := range 2000 {
			must(t, d.Set(key(i), fmt.Appendf(nil, "v%d.%d", round, i), NoSync))
		}
		must(t, d.Flush())
	}
	seek := func(it *Iterator, i int) {
		if !it.SeekGE(key(i)) || string(it.Key()) != string(key(i)) {
			t.Fatalf("SeekGE(%s) = %v %q", key(i), it.Valid(), it.Key())
		}
	}

	write(1)
	// One table: nothing to save.
	it := d.NewIter(nil)
	for i := range 500 {
		seek(it, i*3%2000)
	}
	it.Close()
	if n := d.l0Reads.Load(); n != 0 {
		t.Fatalf("range reads of a lone L0 table charged %d", n)
	}

	write(2)
	if got := d.Metrics().LevelFiles[0]; got != 2 {
		t.Fatalf("L0 holds %d tables, want 2 (below the threshold of %d)", got, d.opts.L0CompactionThreshold)
	}
	budget := d.l0ReadBudget.Load()
	if budget < 100 {
		t.Fatalf("budget %d, want at least 100", budget)
	}
	// Point reads: the filters answer for the tables; not counted.
	it = d.NewIter(nil)
	for i := range 500 {
		if !it.SeekPrefixGE(key(i)) {
			t.Fatalf("SeekPrefixGE(%s) found nothing", key(i))
		}
	}
	if n := d.l0Reads.Load(); n != 0 {
		t.Fatalf("point reads charged %d", n)
	}
	// Range reads read both tables: each counts two.
	for i := int64(0); i < budget/2-1; i++ {
		seek(it, int(i*7%2000))
	}
	it.Close()
	if got := d.Metrics().LevelFiles[0]; got != 2 || d.Metrics().Compactions != 0 {
		t.Fatalf("compacted before the budget: L0 %d tables, %d compactions", got, d.Metrics().Compactions)
	}
	it = d.NewIter(nil)
	seek(it, 1)
	seek(it, 1999)
	it.Close()

	deadline := time.Now().Add(30 * time.Second)
	for d.Metrics().LevelFiles[0] != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("L0 still holds %d tables after %d of %d charged reads", d.Metrics().LevelFiles[0], d.l0Reads.Load(), budget)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := d.l0Reads.Load(); n != 0 {
		t.Errorf("charges not reset by the L0 compaction: %d", n)
	}
	for _, i := range []int{0, 777, 1999} {
		v, err := d.Get(key(i))
		if want := fmt.Sprintf("v2.%d", i); err != nil || string(v) != want {
			t.Errorf("Get(%s) = %q, %v; want %q", key(i), v, err, want)
		}
	}
}
