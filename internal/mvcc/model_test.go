package mvcc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The model: a plain multi-version map with the same rules as the real
// thing: snapshot reads at the newest commit, read-your-own-writes, first
// committer wins on written keys, and under SERIALIZABLE on read keys and
// scanned ranges too.

type mVersion struct {
	ts   uint64
	val  string
	tomb bool
}

type model struct {
	versions map[string][]mVersion // ascending ts
	ts       uint64                // newest commit
}

type mWrite struct {
	val  string
	tomb bool
}

type mTxn struct {
	readTs   uint64
	opts     TxnOptions
	writes   map[string]mWrite
	reads    map[string]bool
	ranges   [][2]string // "" end: unbounded
	saves    []map[string]mWrite
	realSave []Savepoint
}

func (m *model) visible(k string, ts uint64) (string, bool) {
	vs := m.versions[k]
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].ts <= ts {
			return vs[i].val, !vs[i].tomb
		}
	}
	return "", false
}

func (m *model) get(tx *mTxn, k string) (string, bool) {
	if w, ok := tx.writes[k]; ok {
		return w.val, !w.tomb
	}
	if tx.reads != nil {
		tx.reads[k] = true
	}
	return m.visible(k, tx.readTs)
}

func inRange(k, start, end string) bool { return k >= start && (end == "" || k < end) }

func (m *model) scan(tx *mTxn, start, end string, reverse bool) string {
	if tx.reads != nil {
		tx.ranges = append(tx.ranges, [2]string{start, end})
	}
	var keys []string
	for k := range m.versions {
		keys = append(keys, k)
	}
	for k := range tx.writes {
		if _, ok := m.versions[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if reverse {
		slices.Reverse(keys)
	}
	var out strings.Builder
	for _, k := range keys {
		if !inRange(k, start, end) {
			continue
		}
		v, ok := tx.writes[k]
		val, live := v.val, !v.tomb
		if !ok {
			val, live = m.visible(k, tx.readTs)
		}
		if live {
			fmt.Fprintf(&out, "%s=%s ", k, val)
		}
	}
	return out.String()
}

func (m *model) commit(tx *mTxn) bool {
	if len(tx.writes) == 0 {
		return true
	}
	newer := func(k string) bool {
		vs := m.versions[k]
		return len(vs) > 0 && vs[len(vs)-1].ts > tx.readTs
	}
	for k := range tx.writes {
		if newer(k) {
			return false
		}
	}
	if tx.opts.Isolation == Serializable {
		for k := range tx.reads {
			if newer(k) {
				return false
			}
		}
		for k := range m.versions {
			for _, r := range tx.ranges {
				if inRange(k, r[0], r[1]) && newer(k) {
					return false
				}
			}
		}
	}
	m.ts++
	for k, w := range tx.writes {
		m.versions[k] = append(m.versions[k], mVersion{ts: m.ts, val: w.val, tomb: w.tomb})
	}
	return true
}

// TestModel interleaves the operations of several transactions in one
// goroutine, in an order chosen by a seeded scheduler, and checks every
// result and every commit outcome against the model. Flushes and
// compactions between steps let the garbage collector run under open
// snapshots.
func TestModel(t *testing.T) {
	seeds, steps := 40, 600
	if testing.Short() {
		seeds, steps = 8, 300
	}
	base := testSeed(t)
	for s := range seeds {
		seed := base + uint64(s)
		if err := runModel(t, seed, steps); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func runModel(t *testing.T, seed uint64, steps int) error {
	rng := rand.New(rand.NewPCG(seed, 3))
	db := openMem(t, nil)
	defer db.Close()
	// Half the seeds validate against commits of two keys or more as big
	// ones (keys searched, not in lastWrite).
	if seed%2 == 1 {
		db.bigCommitKeys = 2
	}
	m := &model{versions: map[string][]mVersion{}}
	const slots = 4
	real := make([]*Txn, slots)
	mod := make([]*mTxn, slots)
	nkeys := 4 + rng.IntN(12)
	key := func() string { return fmt.Sprintf("k%02d", rng.IntN(nkeys)) }
	bound := func() string {
		if rng.IntN(4) == 0 {
			return ""
		}
		return fmt.Sprintf("k%02d", rng.IntN(nkeys+1))
	}
	commits, conflicts := 0, 0
	for step := range steps {
		i := rng.IntN(slots)
		where := fmt.Sprintf("step %d txn %d", step, i)
		if rng.IntN(40) == 0 {
			var err error
			if rng.IntN(2) == 0 {
				err = db.LSM().Flush()
			} else {
				err = db.LSM().Compact(context.Background(), nil, nil)
			}
			if err != nil {
				return err
			}
			continue
		}
		if real[i] == nil {
			opts := TxnOptions{Isolation: Isolation(rng.IntN(2)), ReadOnly: rng.IntN(8) == 0, NoSync: rng.IntN(2) == 0}
			tx, err := db.Begin(opts)
			if err != nil {
				return err
			}
			real[i] = tx
			mt := &mTxn{readTs: m.ts, opts: opts, writes: map[string]mWrite{}}
			if opts.Isolation == Serializable && !opts.ReadOnly {
				mt.reads = map[string]bool{}
			}
			mod[i] = mt
			continue
		}
		tx, mt := real[i], mod[i]
		switch op := rng.IntN(20); {
		case op < 5:
			k := key()
			v, ok, err := tx.Get([]byte(k))
			if err != nil {
				return err
			}
			mv, mok := m.get(mt, k)
			if ok != mok || string(v) != mv {
				return fmt.Errorf("%s: get %s = %q %v, model %q %v", where, k, v, ok, mv, mok)
			}
		case op < 9 && rng.IntN(3) == 0:
			// A run of writes (PutRun), keys repeating, deletions
			// among them.
			var keys, values [][]byte
			var mw []mWrite
			for j := range 1 + rng.IntN(6) {
				k := key()
				w := mWrite{val: fmt.Sprintf("v%d.%d", step, j)}
				v := []byte(w.val)
				if rng.IntN(4) == 0 {
					w, v = mWrite{tomb: true}, nil
				}
				keys, values, mw = append(keys, []byte(k)), append(values, v), append(mw, w)
			}
			err := tx.PutRun(keys, values)
			if mt.opts.ReadOnly {
				if !errors.Is(err, ErrReadOnly) {
					return fmt.Errorf("%s: run in read-only txn: %v", where, err)
				}
				continue
			}
			if err != nil {
				return err
			}
			for j, k := range keys {
				mt.writes[string(k)] = mw[j]
			}
		case op < 9:
			k, v := key(), fmt.Sprintf("v%d", step)
			del := rng.IntN(4) == 0
			var err error
			if del {
				err = tx.Delete([]byte(k))
			} else {
				err = tx.Put([]byte(k), []byte(v))
			}
			if mt.opts.ReadOnly {
				if !errors.Is(err, ErrReadOnly) {
					return fmt.Errorf("%s: write in read-only txn: %v", where, err)
				}
				continue
			}
			if err != nil {
				return err
			}
			if del {
				v = ""
			}
			mt.writes[k] = mWrite{val: v, tomb: del}
		case op < 12:
			start, end := bound(), bound()
			rev := rng.IntN(2) == 0
			if !rev && rng.IntN(2) == 0 {
				// Nexts and forward seeks, interleaved.
				var targets []string
				for range 1 + rng.IntN(8) {
					t := ""
					if rng.IntN(2) == 0 {
						t = key()
					}
					targets = append(targets, t)
				}
				got := seekScanStr(tx, start, end, targets)
				if want := seekScanModel(m.scan(mt, start, end, false), targets); got != want {
					return fmt.Errorf("%s: seek scan [%q,%q) %q:\n got %q\nwant %q", where, start, end, targets, got, want)
				}
				continue
			}
			got := scanStr(tx, start, end, rev)
			if want := m.scan(mt, start, end, rev); got != want {
				return fmt.Errorf("%s: scan [%q,%q) reverse=%v:\n got %q\nwant %q", where, start, end, rev, got, want)
			}
		case op < 13:
			start, end := bound(), bound()
			s, e := rangeBounds(start, end)
			err := tx.DeleteRange(s, e)
			live := m.scan(mt, start, end, false)
			if mt.opts.ReadOnly {
				if live != "" && !errors.Is(err, ErrReadOnly) {
					return fmt.Errorf("%s: delete range in read-only txn: %v", where, err)
				}
				continue
			}
			if err != nil {
				return err
			}
			for _, kv := range strings.Fields(live) {
				k, _, _ := strings.Cut(kv, "=")
				mt.writes[k] = mWrite{tomb: true}
			}
		case op < 15:
			mt.realSave = append(mt.realSave, tx.Savepoint())
			mt.saves = append(mt.saves, cloneWrites(mt.writes))
		case op < 16:
			if len(mt.saves) == 0 {
				continue
			}
			j := rng.IntN(len(mt.saves))
			if err := tx.RollbackTo(mt.realSave[j]); err != nil {
				return err
			}
			mt.writes = cloneWrites(mt.saves[j])
			mt.saves, mt.realSave = mt.saves[:j+1], mt.realSave[:j+1]
		case op < 19:
			err := tx.Commit()
			ok := m.commit(mt)
			if ok != (err == nil) {
				return fmt.Errorf("%s: commit: %v, model says ok=%v", where, err, ok)
			}
			if err != nil && !errors.Is(err, ErrConflict) {
				return err
			}
			if ok {
				commits++
			} else {
				conflicts++
			}
			real[i], mod[i] = nil, nil
		default:
			if err := tx.Rollback(); err != nil {
				return err
			}
			real[i], mod[i] = nil, nil
		}
	}
	// Everything committed is there, for a fresh snapshot.
	tx, err := db.Begin(TxnOptions{})
	if err != nil {
		return err
	}
	if got, want := scanStr(tx, "", "", false), m.scan(&mTxn{readTs: m.ts}, "", "", false); got != want {
		return fmt.Errorf("final state:\n got %q\nwant %q", got, want)
	}
	tx.Rollback()
	t.Logf("seed %d: %d commits, %d conflicts", seed, commits, conflicts)
	return nil
}

func cloneWrites(w map[string]mWrite) map[string]mWrite {
	c := make(map[string]mWrite, len(w))
	for k, v := range w {
		c[k] = v
	}
	return c
}

func scanStr(tx *Txn, start, end string, reverse bool) string {
	s, e := rangeBounds(start, end)
	it := tx.Scan(s, e)
	if reverse {
		it = tx.ReverseScan(s, e)
	}
	var out strings.Builder
	for it.Next() {
		fmt.Fprintf(&out, "%s=%s ", it.Key(), it.Value())
	}
	if err := it.Close(); err != nil {
		return "error: " + err.Error()
	}
	return out.String()
}

// seekScanStr runs a forward scan by steps: Next for an empty target,
// SeekGE to it otherwise, recording where each step lands.
func seekScanStr(tx *Txn, start, end string, targets []string) string {
	s, e := rangeBounds(start, end)
	it := tx.Scan(s, e)
	var out strings.Builder
	for _, t := range targets {
		ok := false
		if t == "" {
			ok = it.Next()
		} else {
			ok = it.SeekGE([]byte(t))
		}
		if ok {
			fmt.Fprintf(&out, "%s=%s ", it.Key(), it.Value())
		} else {
			out.WriteString("end ")
		}
	}
	if err := it.Close(); err != nil {
		return "error: " + err.Error()
	}
	return out.String()
}

// seekScanModel is seekScanStr over the model's scan output: a seek to a
// key at or before the current one stays; past the end stays past it.
func seekScanModel(scan string, targets []string) string {
	kvs := strings.Fields(scan)
	cur := -1
	var out strings.Builder
	for _, t := range targets {
		switch {
		case cur >= len(kvs):
		case t == "":
			cur++
		default:
			if cur >= 0 {
				if k, _, _ := strings.Cut(kvs[cur], "="); k >= t {
					break
				}
			}
			cur++
			for cur < len(kvs) {
				if k, _, _ := strings.Cut(kvs[cur], "="); k >= t {
					break
				}
				cur++
			}
		}
		if cur < len(kvs) {
			out.WriteString(kvs[cur] + " ")
		} else {
			out.WriteString("end ")
		}
	}
	return out.String()
}

// rangeBounds turns the model's range bounds ("" for open) into a scan's.
func rangeBounds(start, end string) (s, e []byte) {
	if start != "" {
		s = []byte(start)
	}
	if end != "" {
		e = []byte(end)
	}
	return s, e
}
