package lsm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/lsm/sstable"
	"github.com/cairndb/cairn/internal/vfs"
)

func openMem(t *testing.T, fs vfs.FS, o *Options) *DB {
	t.Helper()
	if o == nil {
		o = &Options{}
	}
	o.FS = fs
	d, err := Open("db", o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRangeDeleteEmptyStartSurvivesFlush(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		fs := vfs.NewMem()
		d := openMem(t, fs, nil)
		must(t, d.Set([]byte(""), []byte("v1"), NoSync))
		must(t, d.Set([]byte("a"), []byte("v2"), NoSync))
		must(t, d.DeleteRange([]byte(""), []byte("b"), NoSync))
		if reopen {
			must(t, d.Close())
			d = openMem(t, fs, nil)
		} else {
			must(t, d.Flush())
		}
		for _, k := range []string{"", "a"} {
			if v, err := d.Get([]byte(k)); err != ErrNotFound {
				t.Errorf("reopen=%v: get %q = %q, %v; want not found", reopen, k, v, err)
			}
		}
		it := d.NewIter(nil)
		if it.First() {
			t.Errorf("reopen=%v: scan finds %q", reopen, it.Key())
		}
		it.Close()
		must(t, d.Close())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestLargeKeysAndValues(t *testing.T) {
	fs := vfs.NewMem()
	d := openMem(t, fs, &Options{MemTableSize: 1 << 20})
	bigKey := bytes.Repeat([]byte{'k'}, 64<<10)
	bigVal := make([]byte, 64<<20)
	for i := range bigVal {
		bigVal[i] = byte(i * 7)
	}
	must(t, d.Set(bigKey, []byte("v"), Sync))
	must(t, d.Set([]byte("big"), bigVal, Sync))
	must(t, d.Set([]byte("empty"), nil, Sync))
	check := func(stage string) {
		t.Helper()
		if v, err := d.Get(bigKey); err != nil || string(v) != "v" {
			t.Fatalf("%s: 64 KiB key: %q, %v", stage, v, err)
		}
		if v, err := d.Get([]byte("big")); err != nil || !bytes.Equal(v, bigVal) {
			t.Fatalf("%s: 64 MiB value: %d bytes, %v", stage, len(v), err)
		}
		if v, err := d.Get([]byte("empty")); err != nil || len(v) != 0 {
			t.Fatalf("%s: empty value: %q, %v", stage, v, err)
		}
	}
	check("memtable")
	must(t, d.Close())
	d = openMem(t, fs, &Options{MemTableSize: 1 << 20})
	check("after recovery")
	must(t, d.Compact(context.Background(), nil, nil))
	check("after compaction")
	must(t, d.Close())

	b := NewBatch()
	b.Set(make([]byte, MaxKeySize+1), nil)
	d = openMem(t, fs, nil)
	defer d.Close()
	if err := d.Apply(b, NoSync); !errors.Is(err, ErrKeyTooLarge) {
		t.Fatalf("oversized key: %v", err)
	}
}

func TestDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir, nil)
	must(t, err)
	if d2, err := Open(dir, nil); err == nil {
		d2.Close()
		t.Fatal("second Open of the same directory succeeded")
	} else if !errors.Is(err, vfs.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	must(t, d.Close())
	d, err = Open(dir, nil)
	must(t, err)
	must(t, d.Close())
}

// TestRealFiles runs a small workload on the OS file system with real
// fsyncs, reopens, and checks the result.
func TestRealFiles(t *testing.T) {
	dir := t.TempDir()
	o := &Options{MemTableSize: 64 << 10, TargetFileSize: 32 << 10, LBaseMaxBytes: 128 << 10}
	d, err := Open(dir, o)
	must(t, err)
	for i := range 3000 {
		must(t, d.Set(fmt.Appendf(nil, "key%06d", i), bytes.Repeat([]byte{byte(i)}, 100), &WriteOptions{Sync: i%500 == 0}))
	}
	must(t, d.DeleteRange([]byte("key001000"), []byte("key002000"), NoSync))
	must(t, d.Close())
	d, err = Open(dir, o)
	must(t, err)
	n := 0
	it := d.NewIter(nil)
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	must(t, it.Close())
	if n != 2000 {
		t.Fatalf("%d keys after reopen, want 2000", n)
	}
	must(t, d.Close())
	rep, err := Check(dir, nil)
	must(t, err)
	if !rep.OK() || rep.Tables == 0 {
		t.Fatalf("check: %+v", rep)
	}
}

// TestConcurrentWritersAndReaders: many goroutines commit batches that
// write two keys with the same value while readers check that they never
// see half a batch, in point reads, iterators or snapshots.
func TestConcurrentWritersAndReaders(t *testing.T) {
	fs := vfs.NewMem()
	d := openMem(t, fs, &Options{MemTableSize: 32 << 10, TargetFileSize: 16 << 10, LBaseMaxBytes: 64 << 10, L0CompactionThreshold: 2})
	defer d.Close()
	const writers, perWriter = 8, 300
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errc := make(chan error, 16)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				v := fmt.Appendf(nil, "%d/%d", w, i)
				b := NewBatch()
				b.Set(fmt.Appendf(nil, "a%d", w), v)
				b.Set(fmt.Appendf(nil, "b%d", w), v)
				if err := d.Apply(b, &WriteOptions{Sync: i%10 == 0}); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	var rwg sync.WaitGroup
	for r := range 3 {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				w := r % writers
				var a, b []byte
				switch r {
				case 0:
					s := d.NewSnapshot()
					a, _ = s.Get(fmt.Appendf(nil, "a%d", w))
					b, _ = s.Get(fmt.Appendf(nil, "b%d", w))
					s.Close()
				default:
					it := d.NewIter(nil)
					vals := map[string][]byte{}
					for ok := it.First(); ok; ok = it.Next() {
						vals[string(it.Key())] = bytes.Clone(it.Value())
					}
					if err := it.Close(); err != nil {
						errc <- err
						return
					}
					for k, v := range vals {
						if k[0] == 'a' && !bytes.Equal(v, vals["b"+k[1:]]) {
							errc <- fmt.Errorf("iterator saw half a batch: %s=%s, b=%s", k, v, vals["b"+k[1:]])
							return
						}
					}
				}
				if !bytes.Equal(a, b) {
					errc <- fmt.Errorf("snapshot saw half a batch: %s vs %s", a, b)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	rwg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	m := d.Metrics()
	if m.Commits != writers*perWriter {
		t.Fatalf("%d commits, want %d", m.Commits, writers*perWriter)
	}
	t.Logf("commits %d in %d groups, %d syncs, %d flushes, %d compactions", m.Commits, m.CommitGroups, m.Syncs, m.Flushes, m.Compactions)
}

// TestSharedCache: two stores sharing a block cache have overlapping file
// numbers; neither may read the other's blocks.
func TestSharedCache(t *testing.T) {
	cache := sstable.NewCache(1 << 20)
	a := openMem(t, vfs.NewMem(), &Options{Cache: cache})
	b := openMem(t, vfs.NewMem(), &Options{Cache: cache})
	defer a.Close()
	defer b.Close()
	must(t, a.Set([]byte("k"), []byte("from a"), NoSync))
	must(t, b.Set([]byte("k"), []byte("from b"), NoSync))
	must(t, a.Flush())
	must(t, b.Flush())
	for _, c := range []struct {
		d    *DB
		want string
	}{{a, "from a"}, {b, "from b"}, {a, "from a"}} {
		if v, err := c.d.Get([]byte("k")); err != nil || string(v) != c.want {
			t.Fatalf("got %q, %v; want %q", v, err, c.want)
		}
	}
}

// dropPrefix is a compaction filter dropping every key with a prefix.
type dropPrefix struct {
	prefix     string
	bottommost []bool
}

func (f *dropPrefix) Start(scope *FilterScope) CompactionFilterRun {
	f.bottommost = append(f.bottommost, scope.Bottommost)
	return f
}

func (f *dropPrefix) Drop(key, value []byte, isDelete bool) bool {
	return bytes.HasPrefix(key, []byte(f.prefix))
}

func TestCompactionFilter(t *testing.T) {
	f := &dropPrefix{prefix: "gc/"}
	d := openMem(t, vfs.NewMem(), &Options{CompactionFilter: f})
	defer d.Close()
	must(t, d.Set([]byte("gc/1"), []byte("x"), NoSync))
	must(t, d.Set([]byte("keep"), []byte("y"), NoSync))
	if _, err := d.Get([]byte("gc/1")); err != nil {
		t.Fatalf("before compaction the filter has not run: %v", err)
	}
	must(t, d.Compact(context.Background(), nil, nil))
	if _, err := d.Get([]byte("gc/1")); err != ErrNotFound {
		t.Fatalf("filtered key after compaction: %v", err)
	}
	if v, err := d.Get([]byte("keep")); err != nil || string(v) != "y" {
		t.Fatalf("kept key: %q, %v", v, err)
	}
	if len(f.bottommost) == 0 || !f.bottommost[len(f.bottommost)-1] {
		t.Fatalf("the last compaction should be bottommost: %v", f.bottommost)
	}
}

// TestCloseCancelsCompaction: Close does not wait for a long compaction,
// and the store afterwards holds everything.
func TestCloseCancelsCompaction(t *testing.T) {
	fs := vfs.NewMem()
	o := &Options{MemTableSize: 256 << 10, DisableAutoCompactions: true}
	d := openMem(t, fs, o)
	for i := range 40000 {
		must(t, d.Set(fmt.Appendf(nil, "%08d", (i*7919)%40000), bytes.Repeat([]byte{'v'}, 64), NoSync))
	}
	must(t, d.Flush())
	done := make(chan error, 1)
	go func() { done <- d.Compact(context.Background(), nil, nil) }()
	must(t, d.Close())
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Fatalf("compaction interrupted by close: %v", err)
	}
	d = openMem(t, fs, o)
	defer d.Close()
	n := 0
	it := d.NewIter(nil)
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	must(t, it.Close())
	if n != 40000 {
		t.Fatalf("%d keys after a canceled compaction, want 40000", n)
	}
}

// TestCompactContextCancel: ending a manual compaction's context stops it
// (in a level, or before the next) with the context's error; the store
// is unharmed, writable, and compacts fully afterwards.
func TestCompactContextCancel(t *testing.T) {
	fs := vfs.NewMem()
	o := &Options{MemTableSize: 256 << 10, DisableAutoCompactions: true}
	d := openMem(t, fs, o)
	const n = 40000
	for i := range n {
		must(t, d.Set(fmt.Appendf(nil, "%08d", (i*7919)%n), bytes.Repeat([]byte{'v'}, 64), NoSync))
	}
	must(t, d.Flush())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Compact(ctx, nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("compaction with an ended context: %v, want context.Canceled", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(time.Millisecond); cancel2() }()
	if err := d.Compact(ctx2, nil, nil); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("compaction canceled midway: %v", err)
	}
	must(t, d.Set([]byte("after"), []byte("x"), NoSync))
	must(t, d.Compact(context.Background(), nil, nil))
	count := func() int {
		k := 0
		it := d.NewIter(nil)
		for ok := it.First(); ok; ok = it.Next() {
			k++
		}
		must(t, it.Close())
		return k
	}
	if k := count(); k != n+1 {
		t.Fatalf("%d keys after canceled compactions, want %d", k, n+1)
	}
	must(t, d.Close())
	d = openMem(t, fs, o)
	defer d.Close()
	if k := count(); k != n+1 {
		t.Fatalf("%d keys after reopening, want %d", k, n+1)
	}
}

func TestCompactionIterCancel(t *testing.T) {
	m := newMemTable(1, 1<<20)
	for i := range 10000 {
		m.add(fmt.Appendf(nil, "%06d", i), ikey.SeqNum(i+1), ikey.KindSet, nil)
	}
	closed := make(chan struct{})
	close(closed)
	// Closing the DB (cancel) and a manual compaction's context (done)
	// stop it alike.
	for _, ci := range []*compactionIter{{iter: m.newIter(), cancel: closed}, {iter: m.newIter(), done: closed}} {
		n := 0
		for ci.next() {
			n++
		}
		if !errors.Is(ci.err, errCompactionCanceled) || n >= 10000 {
			t.Fatalf("after %d entries: err %v, want a cancellation", n, ci.err)
		}
	}
}

// TestSplitKeepsVersionsTogether: with a Split function, compaction output
// tables are never cut between keys sharing a prefix.
func TestSplitKeepsVersionsTogether(t *testing.T) {
	split := func(k []byte) int { return bytes.IndexByte(k, '@') + 1 }
	d := openMem(t, vfs.NewMem(), &Options{Split: split, TargetFileSize: 1 << 10, BlockSize: 256})
	defer d.Close()
	for i := range 200 {
		for v := range 10 {
			must(t, d.Set(fmt.Appendf(nil, "key%03d@%d", i, v), bytes.Repeat([]byte{'x'}, 50), NoSync))
		}
	}
	must(t, d.Compact(context.Background(), nil, nil))
	rs := d.loadReadState()
	defer rs.unref()
	tables := 0
	for _, files := range rs.version.levels {
		for i := 1; i < len(files); i++ {
			prev, cur := files[i-1].largestUser(), files[i].smallestUser()
			if bytes.Equal(prev[:split(prev)], cur[:split(cur)]) {
				t.Fatalf("tables split inside prefix %q: %q | %q", prev[:split(prev)], prev, cur)
			}
		}
		tables += len(files)
	}
	if tables < 10 {
		t.Fatalf("only %d tables: the test needs many cuts", tables)
	}
}
