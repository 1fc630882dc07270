package mvcc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/vfs"
)

const (
	bankAccounts = 100
	bankInitial  = 1000
	bankTotal    = bankAccounts * bankInitial
)

func account(i int) []byte { return []byte(fmt.Sprintf("acct/%03d", i)) }

// bankAudit sums every account in one snapshot.
func bankAudit(db *DB, opts TxnOptions) (int, int, error) {
	opts.ReadOnly = true
	tx, err := db.Begin(opts)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	it := tx.Scan([]byte("acct/"), []byte("acct0"))
	sum, n := 0, 0
	for it.Next() {
		v, err := strconv.Atoi(string(it.Value()))
		if err != nil {
			return 0, 0, err
		}
		sum += v
		n++
	}
	return sum, n, it.Close()
}

// TestBank: 16 goroutines move money between 100 accounts under each
// isolation level, retrying on 40001; every snapshot sees the same total;
// after a crash (taken mid-run, and at the end) and reopen the total is
// still right and every acknowledged synced transfer is there.
func TestBank(t *testing.T) {
	d := 3 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	for _, iso := range levels {
		t.Run(iso.String(), func(t *testing.T) { runBank(t, iso, d) })
	}
}

func runBank(t *testing.T, iso Isolation, d time.Duration) {
	mem := vfs.NewMem()
	opts := &Options{LSM: lsm.Options{FS: mem, MemTableSize: 64 << 10, L0CompactionThreshold: 2}}
	db, err := Open("db", opts)
	must(t, err)
	tx := begin(t, db, SnapshotIsolation)
	for i := range bankAccounts {
		must(t, tx.Put(account(i), []byte(strconv.Itoa(bankInitial))))
	}
	must(t, tx.Commit())

	// Each worker counts its own synced transfers in a counter key, so
	// after a crash we can check that acknowledged durable ones survived.
	var transfers, conflicts, audits atomic.Int64
	acked := make([]atomic.Int64, 16)
	stop := make(chan struct{})
	errc := make(chan error, 32)
	var wg sync.WaitGroup
	var midCrash *vfs.MemFS
	var midAcked [16]int64
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			counter := []byte(fmt.Sprintf("count/%02d", w))
			done := int64(0)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if w == 0 && n%5 == 4 {
					sum, cnt, err := bankAudit(db, TxnOptions{Isolation: iso})
					if err != nil {
						errc <- err
						return
					}
					if sum != bankTotal || cnt != bankAccounts {
						errc <- fmt.Errorf("snapshot sees total %d over %d accounts, want %d over %d", sum, cnt, bankTotal, bankAccounts)
						return
					}
					audits.Add(1)
					continue
				}
				a, b := rng.IntN(bankAccounts), rng.IntN(bankAccounts-1)
				if b >= a {
					b++
				}
				amt := 1 + rng.IntN(50)
				sync := rng.IntN(4) > 0
				for {
					err := transfer(db, iso, a, b, amt, counter, !sync)
					if errors.Is(err, ErrConflict) {
						conflicts.Add(1)
						continue
					}
					if err != nil {
						errc <- err
						return
					}
					break
				}
				transfers.Add(1)
				done++
				if sync {
					acked[w].Store(done)
				}
			}
		}()
	}
	time.Sleep(d / 2)
	// A crash in the middle of the run: what the disk holds now. The
	// acknowledged counts read before the clone are a lower bound for it.
	for w := range midAcked {
		midAcked[w] = acked[w].Load()
	}
	midCrash = mem.CrashClone()
	time.Sleep(d / 2)
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if sum, _, err := bankAudit(db, TxnOptions{}); err != nil || sum != bankTotal {
		t.Fatalf("final total %d, %v", sum, err)
	}
	var finalAcked [16]int64
	for w := range finalAcked {
		finalAcked[w] = acked[w].Load()
	}
	endCrash := mem.CrashClone() // power loss without a clean close
	must(t, db.Close())
	runs, dropped, _ := db.GCStats()
	t.Logf("%s: %d transfers, %d conflicts retried, %d audits; GC: %d runs dropped %d versions",
		iso, transfers.Load(), conflicts.Load(), audits.Load(), runs, dropped)

	for name, c := range map[string]struct {
		fs    *vfs.MemFS
		acked [16]int64
	}{"mid-run crash": {midCrash, midAcked}, "end crash": {endCrash, finalAcked}} {
		o := *opts
		o.LSM.FS = c.fs
		db, err := Open("db", &o)
		if err != nil {
			t.Fatalf("%s: reopen: %v", name, err)
		}
		sum, n, err := bankAudit(db, TxnOptions{})
		if err != nil || sum != bankTotal || n != bankAccounts {
			t.Fatalf("%s: total %d over %d accounts (%v), want %d", name, sum, n, err, bankTotal)
		}
		tx := begin(t, db, SnapshotIsolation)
		for w := range 16 {
			v, _, err := tx.Get([]byte(fmt.Sprintf("count/%02d", w)))
			must(t, err)
			got, _ := strconv.ParseInt(string(v), 10, 64)
			// The counter holds how many transfers the worker committed:
			// at least as many as it had acknowledged durable.
			if got < c.acked[w] {
				t.Fatalf("%s: worker %d: recovered through step %d, but step %d was acknowledged durable", name, w, got, c.acked[w])
			}
		}
		tx.Rollback()
		// The recovered database takes new transactions.
		must(t, transfer(db, iso, 0, 1, 1, []byte("count/x"), false))
		must(t, db.Close())
	}
}

// transfer moves amt from account a to b (if a can pay) in one
// transaction, and records in counter how many transfers its worker made.
func transfer(db *DB, iso Isolation, a, b, amt int, counter []byte, noSync bool) error {
	tx, err := db.Begin(TxnOptions{Isolation: iso, NoSync: noSync})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	read := func(k []byte) (int, error) {
		v, ok, err := tx.Get(k)
		if err != nil || !ok {
			return 0, fmt.Errorf("read %s: %v (found %v)", k, err, ok)
		}
		return strconv.Atoi(string(v))
	}
	va, err := read(account(a))
	if err != nil {
		return err
	}
	vb, err := read(account(b))
	if err != nil {
		return err
	}
	if va < amt {
		amt = 0
	}
	c, _, err := tx.Get(counter)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(string(c))
	if err := tx.Put(account(a), []byte(strconv.Itoa(va-amt))); err != nil {
		return err
	}
	if err := tx.Put(account(b), []byte(strconv.Itoa(vb+amt))); err != nil {
		return err
	}
	if err := tx.Put(counter, []byte(strconv.Itoa(n+1))); err != nil {
		return err
	}
	return tx.Commit()
}
