package mvcc

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/vfs"
)

var seedFlag = flag.Uint64("seed", 0, "seed for the random tests (0: time based)")

func testSeed(t *testing.T) uint64 {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("reproduce with -seed %d", seed)
		}
	})
	return seed
}

func openMem(t testing.TB, fs vfs.FS) *DB {
	t.Helper()
	if fs == nil {
		fs = vfs.NewMem()
	}
	db, err := Open("db", &Options{LSM: lsm.Options{FS: fs, MemTableSize: 256 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func begin(t testing.TB, db *DB, iso Isolation) *Txn {
	t.Helper()
	txn, err := db.Begin(TxnOptions{Isolation: iso})
	must(t, err)
	return txn
}

func get(t testing.TB, txn *Txn, k string) string {
	t.Helper()
	v, ok, err := txn.Get([]byte(k))
	must(t, err)
	if !ok {
		return "<none>"
	}
	return string(v)
}

func put(t testing.TB, txn *Txn, k, v string) {
	t.Helper()
	must(t, txn.Put([]byte(k), []byte(v)))
}

func scan(t testing.TB, txn *Txn, start, end string, reverse bool) string {
	t.Helper()
	var s, e []byte
	if start != "" {
		s = []byte(start)
	}
	if end != "" {
		e = []byte(end)
	}
	it := txn.Scan(s, e)
	if reverse {
		it = txn.ReverseScan(s, e)
	}
	var out bytes.Buffer
	for it.Next() {
		fmt.Fprintf(&out, "%s=%s ", it.Key(), it.Value())
	}
	must(t, it.Close())
	return out.String()
}

func TestKeyEncoding(t *testing.T) {
	keys := [][]byte{{}, {0}, {0, 0}, {0, 1}, {0, 0xff}, {1}, []byte("a"), []byte("a\x00"), []byte("a\x00b"), []byte("ab"), {0xff}, {0xff, 0}}
	for i, k := range keys {
		for _, ts := range []uint64{1, 7, 1 << 40} {
			enc := appendKey(nil, k, ts)
			p, gotTs, ok := splitKey(enc)
			if !ok || gotTs != ts || !bytes.Equal(decodePrefix(nil, p), k) {
				t.Fatalf("%x@%d: split %x %d %v", k, ts, p, gotTs, ok)
			}
			if bytes.Compare(enc, appendKey(nil, k, ts+1)) <= 0 {
				t.Fatalf("%x: newer version does not sort first", k)
			}
			if bytes.HasPrefix(enc, metaPrefix) || bytes.Compare(enc, minDataKey) < 0 {
				t.Fatalf("%x: in the meta space", k)
			}
			if i > 0 {
				// All versions of a key sort after all versions of a smaller key.
				if bytes.Compare(appendKey(nil, keys[i-1], 0), appendKey(nil, k, ^uint64(0))) >= 0 {
					t.Fatalf("%x and %x interleave", keys[i-1], k)
				}
			}
		}
	}
}

func TestBasic(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	t1 := begin(t, db, SnapshotIsolation)
	put(t, t1, "a", "1")
	put(t, t1, "b", "2")
	put(t, t1, "c", "3")
	if got := get(t, t1, "a"); got != "1" {
		t.Fatalf("read own write: %s", got)
	}
	must(t, t1.Delete([]byte("c")))
	if got := scan(t, t1, "", "", false); got != "a=1 b=2 " {
		t.Fatalf("scan own writes: %q", got)
	}
	must(t, t1.Commit())
	if err := t1.Commit(); !errors.Is(err, ErrTxnDone) {
		t.Fatalf("second commit: %v", err)
	}

	t2 := begin(t, db, SnapshotIsolation)
	put(t, t2, "b", "20")
	put(t, t2, "d", "4")
	must(t, t2.Delete([]byte("a")))
	if got := scan(t, t2, "", "", false); got != "b=20 d=4 " {
		t.Fatalf("merged scan: %q", got)
	}
	if got := scan(t, t2, "", "", true); got != "d=4 b=20 " {
		t.Fatalf("merged reverse scan: %q", got)
	}
	if got := scan(t, t2, "b", "d", false); got != "b=20 " {
		t.Fatalf("bounded scan: %q", got)
	}
	sp := t2.Savepoint()
	put(t, t2, "e", "5")
	put(t, t2, "b", "200")
	must(t, t2.RollbackTo(sp))
	if got := scan(t, t2, "", "", false); got != "b=20 d=4 " {
		t.Fatalf("after rollback to savepoint: %q", got)
	}
	must(t, t2.DeleteRange([]byte("b"), []byte("c")))
	if got := scan(t, t2, "", "", true); got != "d=4 " {
		t.Fatalf("after delete range: %q", got)
	}
	must(t, t2.Commit())

	// Versions pile up under a key; each snapshot reads its own.
	var snaps []*Txn
	for i := range 10 {
		tx := begin(t, db, SnapshotIsolation)
		put(t, tx, "k", fmt.Sprint(i))
		put(t, tx, fmt.Sprintf("k%d", i), "x")
		must(t, tx.Commit())
		snaps = append(snaps, begin(t, db, SnapshotIsolation))
	}
	must(t, db.LSM().Flush())
	for i, s := range snaps {
		if got := get(t, s, "k"); got != fmt.Sprint(i) {
			t.Fatalf("snapshot %d reads %s", i, got)
		}
		want := "d=4 k=" + fmt.Sprint(i) + " "
		for j := 0; j <= i; j++ {
			want += fmt.Sprintf("k%d=x ", j)
		}
		if got := scan(t, s, "", "", false); got != want {
			t.Fatalf("snapshot %d scans %q, want %q", i, got, want)
		}
		must(t, s.Rollback())
	}
}

// TestPutRun: a run of writes is what the same writes made one by one
// would be, to the transaction's own reads, scans and savepoints, and
// once committed; a key written twice keeps its last write.
func TestPutRun(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	tx := begin(t, db, SnapshotIsolation)
	put(t, tx, "a", "0")
	put(t, tx, "z", "0")
	must(t, tx.Commit())
	run := func(tx *Txn, kv ...string) {
		t.Helper()
		var keys, values [][]byte
		for i := 0; i < len(kv); i += 2 {
			keys = append(keys, []byte(kv[i]))
			var v []byte
			if kv[i+1] != "-" {
				v = []byte(kv[i+1])
			}
			values = append(values, v)
		}
		must(t, tx.PutRun(keys, values))
	}
	const want = "b=3 c=1 z=0 "
	for _, tc := range []struct {
		name string
		read func(tx *Txn) // between the run and the commit
	}{
		{"commit", nil}, // the run alone: committed from its sort
		{"commit after a write", func(*Txn) {}},
		{"get", func(tx *Txn) {
			if got := get(t, tx, "b"); got != "3" {
				t.Fatalf("get b = %q", got)
			}
			if got := get(t, tx, "a"); got != "<none>" {
				t.Fatalf("get a = %q", got)
			}
		}},
		{"scan", func(tx *Txn) {
			if got := scan(t, tx, "", "", false); got != want {
				t.Fatalf("scan = %q", got)
			}
		}},
		{"write", func(tx *Txn) { put(t, tx, "c", "1") }},
		{"savepoint", func(tx *Txn) {
			sp := tx.Savepoint()
			put(t, tx, "b", "9")
			must(t, tx.RollbackTo(sp))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := begin(t, db, SnapshotIsolation)
			if tc.read != nil {
				put(t, tx, "b", "1")
			}
			run(tx, "b", "2", "c", "1", "a", "-", "b", "3")
			if tc.read != nil {
				tc.read(tx)
			}
			must(t, tx.Commit())
			tx = begin(t, db, SnapshotIsolation)
			defer tx.Rollback()
			if got := scan(t, tx, "", "", false); got != want {
				t.Fatalf("after commit: %q, want %q", got, want)
			}
			// Back to the start for the next case.
			w := begin(t, db, SnapshotIsolation)
			put(t, w, "a", "0")
			must(t, w.Delete([]byte("b")))
			must(t, w.Delete([]byte("c")))
			must(t, w.Commit())
		})
	}
}

// TestPutRunConflict: a transaction whose writes are a run conflicts
// like any other, with commits of few keys and of many (big: searched in
// their sorted keys), either side first.
func TestPutRunConflict(t *testing.T) {
	for _, big := range []bool{false, true} {
		db := openMem(t, nil)
		if big {
			db.bigCommitKeys = 2
		}
		runTx := func() *Txn {
			tx := begin(t, db, SnapshotIsolation)
			must(t, tx.PutRun([][]byte{[]byte("k"), []byte("r")}, [][]byte{[]byte("run"), []byte("run")}))
			return tx
		}
		other := begin(t, db, SnapshotIsolation)
		r := runTx()
		put(t, other, "k", "other")
		put(t, other, "o", "other")
		must(t, other.Commit())
		if err := r.Commit(); !errors.Is(err, ErrConflict) {
			t.Fatalf("big=%v: run committing second: %v, want a conflict", big, err)
		}
		r = runTx()
		other = begin(t, db, SnapshotIsolation)
		must(t, r.Commit())
		put(t, other, "k", "other")
		put(t, other, "o", "other")
		if err := other.Commit(); !errors.Is(err, ErrConflict) {
			t.Fatalf("big=%v: committing second after a run: %v, want a conflict", big, err)
		}
		// Disjoint keys do not conflict.
		r = runTx()
		other = begin(t, db, SnapshotIsolation)
		put(t, other, "o", "other")
		put(t, other, "p", "other")
		must(t, other.Commit())
		must(t, r.Commit())
		db.Close()
	}
}

// TestPutRunBudget: a run over the budget is refused whole; the
// transaction's earlier writes stay.
func TestPutRunBudget(t *testing.T) {
	db, err := Open("db", &Options{LSM: lsm.Options{FS: vfs.NewMem()}, TxnMemoryBudget: 10 << 10})
	must(t, err)
	defer db.Close()
	tx := begin(t, db, SnapshotIsolation)
	put(t, tx, "a", "1")
	keys, values := make([][]byte, 100), make([][]byte, 100)
	for i := range keys {
		keys[i], values[i] = []byte(fmt.Sprint("k", i)), make([]byte, 100)
	}
	if err := tx.PutRun(keys, values); !errors.Is(err, ErrTxnTooLarge) {
		t.Fatalf("run over the budget: %v", err)
	}
	must(t, tx.PutRun(keys[:10], values[:10]))
	must(t, tx.Commit())
	tx = begin(t, db, SnapshotIsolation)
	defer tx.Rollback()
	if got := scan(t, tx, "", "k2", false); got != "a=1 k0="+string(make([]byte, 100))+" k1="+string(make([]byte, 100))+" " {
		t.Fatalf("after commit: %q", got)
	}
}

func TestTxnTooLarge(t *testing.T) {
	db, err := Open("db", &Options{LSM: lsm.Options{FS: vfs.NewMem()}, TxnMemoryBudget: 10 << 10})
	must(t, err)
	defer db.Close()
	tx := begin(t, db, SnapshotIsolation)
	var n int
	for ; ; n++ {
		err := tx.Put([]byte(fmt.Sprint(n)), make([]byte, 100))
		if errors.Is(err, ErrTxnTooLarge) {
			break
		}
		must(t, err)
	}
	if n < 40 || n > 100 {
		t.Fatalf("budget took %d writes", n)
	}
	must(t, tx.Commit()) // the failed write had no effect; the rest commit
	tx = begin(t, db, SnapshotIsolation)
	defer tx.Rollback()
	if got := get(t, tx, fmt.Sprint(n-1)); len(got) != 100 {
		t.Fatalf("last accepted write: %q", got)
	}
	if got := get(t, tx, fmt.Sprint(n)); got != "<none>" {
		t.Fatalf("refused write is visible")
	}
}

func TestReadOnly(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	tx, err := db.Begin(TxnOptions{ReadOnly: true, Isolation: Serializable})
	must(t, err)
	if err := tx.Put([]byte("a"), nil); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write in a read-only txn: %v", err)
	}
	must(t, tx.Commit())
}

// TestPointReadIteratorReuse: point reads reuse a store iterator across
// transactions only while the store is unchanged: a commit, a flush or a
// compaction in between is always seen by the next transaction.
func TestPointReadIteratorReuse(t *testing.T) {
	db := openMem(t, nil)
	read := func() string {
		tx, err := db.Begin(TxnOptions{ReadOnly: true})
		must(t, err)
		defer tx.Rollback()
		v, _, err := tx.Get([]byte("k"))
		must(t, err)
		return string(v)
	}
	write := func(v string) {
		tx, err := db.Begin(TxnOptions{NoSync: true})
		must(t, err)
		must(t, tx.Put([]byte("k"), []byte(v)))
		must(t, tx.Commit())
	}
	write("1")
	if read() != "1" || read() != "1" {
		t.Fatal("first reads")
	}
	write("2")
	if got := read(); got != "2" {
		t.Fatalf("after a commit: %q", got)
	}
	must(t, db.LSM().Flush())
	write("3")
	must(t, db.LSM().Flush())
	if got := read(); got != "3" {
		t.Fatalf("after a flush: %q", got)
	}
}

// TestGetCopiesGetViewDoesNot: Get's value is the caller's to change
// (committed or buffered); GetView reads the same values without the copy.
func TestGetCopiesGetViewDoesNot(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	t1 := begin(t, db, SnapshotIsolation)
	put(t, t1, "committed", "old")
	must(t, t1.Commit())
	t2 := begin(t, db, SnapshotIsolation)
	defer t2.Rollback()
	put(t, t2, "buffered", "mine")
	for _, k := range []string{"committed", "buffered"} {
		v, ok, err := t2.Get([]byte(k))
		if err != nil || !ok {
			t.Fatalf("Get(%s): %v %v", k, ok, err)
		}
		want := string(v)
		for i := range v {
			v[i] = 'X'
		}
		view, ok, err := t2.GetView([]byte(k))
		if err != nil || !ok || string(view) != want {
			t.Fatalf("after changing Get's copy, GetView(%s) = %q %v %v, want %q", k, view, ok, err, want)
		}
	}
	if v, ok, err := t2.GetView([]byte("missing")); err != nil || ok || v != nil {
		t.Fatalf("GetView(missing) = %q %v %v", v, ok, err)
	}
}

// TestRepeatedGets: reading a key again right after reading it is served
// without a seek; every read, repeated or not, in a run of forward reads
// across many blocks (which the storage engine may read into reused
// memory), returns the key's value.
func TestRepeatedGets(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	val := func(i int) string { return fmt.Sprintf("%06d:%s", i, strings.Repeat("v", 500+i%300)) }
	for lo := 0; lo < 3000; lo += 500 {
		tx := begin(t, db, SnapshotIsolation)
		for i := lo; i < lo+500; i++ {
			put(t, tx, fmt.Sprintf("k%06d", i), val(i))
		}
		must(t, tx.Commit())
	}
	must(t, db.lsm.Flush())
	tx := begin(t, db, SnapshotIsolation)
	defer tx.Rollback()
	check := func(i int) {
		t.Helper()
		v, ok, err := tx.GetView([]byte(fmt.Sprintf("k%06d", i)))
		if err != nil || !ok || string(v) != val(i) {
			t.Fatalf("key %d: %.20q %v %v", i, v, ok, err)
		}
	}
	for i := range 3000 {
		check(i)
		check(i) // again: the same value
		if i > 0 {
			check(i - 1)
		}
	}
	// A write of the key in between is seen.
	put(t, tx, "k000007", "new")
	if got := get(t, tx, "k000007"); got != "new" {
		t.Fatalf("own write: %q", got)
	}
}

// TestGetShared: a value read from a table block in the cache is shared
// and keeps its bytes after the transaction ends, other reads run and
// the store closes; a buffered write or a memtable's value is not shared.
func TestGetShared(t *testing.T) {
	db := openMem(t, nil)
	value := func(i int) string { return strings.Repeat(fmt.Sprintf("row %04d ", i), 40) }
	w := begin(t, db, SnapshotIsolation)
	for i := range 300 {
		put(t, w, fmt.Sprintf("k%04d", i), value(i))
	}
	must(t, w.Commit())
	must(t, db.LSM().Flush())
	w = begin(t, db, SnapshotIsolation)
	put(t, w, "inmem", "in the memtable")
	must(t, w.Commit())

	txn := begin(t, db, SnapshotIsolation)
	put(t, txn, "mine", "buffered")
	for _, k := range []string{"mine", "inmem"} {
		v, shared, found, err := txn.GetShared([]byte(k))
		if err != nil || !found || shared {
			t.Fatalf("GetShared(%s) = %q shared %v found %v err %v, want found, not shared", k, v, shared, found, err)
		}
	}
	kept := map[int][]byte{}
	for i := 0; i < 300; i += 3 {
		v, shared, found, err := txn.GetShared([]byte(fmt.Sprintf("k%04d", i)))
		if err != nil || !found || string(v) != value(i) {
			t.Fatalf("GetShared(k%04d) = %.20q found %v err %v", i, v, found, err)
		}
		if shared {
			kept[i] = v
		}
	}
	if len(kept) == 0 {
		t.Fatal("no value read from the flushed table is shared")
	}
	for i := range 300 {
		get(t, txn, fmt.Sprintf("k%04d", i))
	}
	must(t, txn.Commit())
	must(t, db.Close())
	for i, v := range kept {
		if string(v) != value(i) {
			t.Fatalf("k%04d changed after Close: %.20q", i, v)
		}
	}
}

// TestPutOwned: PutOwned keeps the caller's value, where Put copies it
// (one allocation fewer a write), and reads see it the same.
func TestPutOwned(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	txn, err := db.Begin(TxnOptions{NoSync: true})
	must(t, err)
	value := make([]byte, 1024)
	key := []byte("k")
	put := testing.AllocsPerRun(100, func() { must(t, txn.Put(key, value)) })
	owned := testing.AllocsPerRun(100, func() { must(t, txn.PutOwned(key, value)) })
	if owned > put-1 {
		t.Errorf("PutOwned: %v allocations a write, Put %v: want one fewer", owned, put)
	}
	must(t, txn.PutOwned([]byte("o"), []byte("owned")))
	must(t, txn.Commit())
	r, err := db.Begin(TxnOptions{ReadOnly: true})
	must(t, err)
	defer r.Rollback()
	if v, found, err := r.Get([]byte("o")); err != nil || !found || string(v) != "owned" {
		t.Fatalf("get: %q, %v, %v", v, found, err)
	}
}

// TestBigBatchKept: the store batch of a commit larger than the pool
// takes is kept aside for the next large commit (DB.big), not allocated
// again; the second commit's data is its own. Of two given back, the
// larger is kept.
func TestBigBatchKept(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	commitN := func(fill byte, n int) {
		txn, err := db.Begin(TxnOptions{NoSync: true})
		must(t, err)
		for i := range n {
			must(t, txn.PutOwned(fmt.Appendf(nil, "k%02d", i), bytes.Repeat([]byte{fill}, 1<<20)))
		}
		must(t, txn.Commit())
	}
	commit := func(fill byte) { commitN(fill, 20) }
	commitN('s', 6)
	small := db.big.Load()
	if small == nil || small.Cap() <= maxPooledBatch {
		t.Fatalf("after a 6 MB commit: kept batch %v", small)
	}
	commit('a')
	first := db.big.Load()
	if first == nil || first.Cap() < 20<<20 {
		t.Fatalf("after a 20 MB commit: kept batch %v", first)
	}
	// Two large commits side by side: the larger batch is kept.
	other := lsm.NewBatch()
	other.Grow(6 << 20)
	db.putBatch(other)
	if db.big.Load() != first {
		t.Errorf("a 6 MB batch given back replaced the kept 20 MB one")
	}
	commit('b')
	if db.big.Load() != first {
		t.Errorf("the second large commit did not reuse the kept batch")
	}
	r, err := db.Begin(TxnOptions{ReadOnly: true})
	must(t, err)
	defer r.Rollback()
	for i := range 20 {
		v, found, err := r.Get(fmt.Appendf(nil, "k%02d", i))
		if err != nil || !found || len(v) != 1<<20 || v[0] != 'b' || v[len(v)-1] != 'b' {
			t.Fatalf("k%02d: %d bytes, found %v, %v", i, len(v), found, err)
		}
	}
}

// TestRunBatchRoom: a run's commit that must grow its batch grows it to
// the run's budgeted size, so the kept batch takes a somewhat larger run
// next without growing again.
func TestRunBatchRoom(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	commitRun := func(n int) {
		txn, err := db.Begin(TxnOptions{NoSync: true})
		must(t, err)
		keys, values := make([][]byte, n), make([][]byte, n)
		for i := range n {
			keys[i] = fmt.Appendf(nil, "run%06d", i)
			values[i] = bytes.Repeat([]byte{'v'}, 100)
		}
		must(t, txn.PutRun(keys, values))
		must(t, txn.Commit())
	}
	commitRun(60_000) // about 8 MB
	first := db.big.Load()
	if first == nil {
		t.Fatal("no batch kept after an 8 MB run")
	}
	room := first.Cap()
	commitRun(70_000)
	if b := db.big.Load(); b == nil || b.Cap() != room {
		t.Errorf("a run a sixth larger grew the kept batch from %d bytes", room)
	}
}

// TestUndoFromFirstSavepoint: writes keep undo entries only from the
// transaction's first savepoint on (none before could be rolled back
// to), and a rollback to that savepoint still restores a key written
// before it and overwritten after it.
func TestUndoFromFirstSavepoint(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	txn, err := db.Begin(TxnOptions{NoSync: true})
	must(t, err)
	defer txn.Rollback()
	must(t, txn.Put([]byte("a"), []byte("1")))
	must(t, txn.Put([]byte("b"), []byte("1")))
	if len(txn.undo) != 0 {
		t.Fatalf("%d undo entries before any savepoint", len(txn.undo))
	}
	sp := txn.Savepoint()
	must(t, txn.Put([]byte("a"), []byte("2")))
	must(t, txn.Delete([]byte("b")))
	must(t, txn.Put([]byte("c"), []byte("2")))
	must(t, txn.RollbackTo(sp))
	for k, want := range map[string]string{"a": "1", "b": "1", "c": ""} {
		v, found, err := txn.Get([]byte(k))
		must(t, err)
		if string(v) != want || found != (want != "") {
			t.Errorf("%s after the rollback: %q (found %v), want %q", k, v, found, want)
		}
	}
}

// TestWriteSetReused: a finished transaction's write set map goes to the
// next one emptied: none of its writes, committed or rolled back, shows
// in the next transaction's reads, scans or commit.
func TestWriteSetReused(t *testing.T) {
	db := openMem(t, nil)
	defer db.Close()
	for i := range 20 {
		tx := begin(t, db, SnapshotIsolation)
		if got := scan(t, tx, "", "", false); got != "" {
			t.Fatalf("round %d: a new transaction scans %q", i, got)
		}
		if tx.Wrote([]byte("a")) {
			t.Fatalf("round %d: a new transaction wrote a", i)
		}
		put(t, tx, "a", "1")
		put(t, tx, fmt.Sprint("b", i), "2")
		if i%2 == 0 {
			must(t, tx.Rollback())
			continue
		}
		must(t, tx.Delete([]byte("a")))
		must(t, tx.Delete([]byte(fmt.Sprint("b", i))))
		must(t, tx.Commit())
	}
}
