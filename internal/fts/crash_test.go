package fts

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/vfs"
)

// TestCrash crashes the file system at random points of an indexing
// workload (rows and their index entries written in one transaction,
// deletes, merges in their own transactions, some commits unsynced) and
// checks after recovery that the index agrees with the rows that
// survived: every query matches exactly what a brute-force scan of the
// recovered rows matches, before and after a merge.
func TestCrash(t *testing.T) {
	points := 40
	if testing.Short() {
		points = 10
	}
	seed := testSeed(t)
	opts := func(fs vfs.FS) *mvcc.Options {
		return &mvcc.Options{LSM: lsm.Options{FS: fs, MemTableSize: 16 << 10, L0CompactionThreshold: 2}}
	}
	ix, err := New([]byte("x\x01"), []string{"body"}, analysis.MustLookup("english"))
	must(t, err)
	const ntx = 36
	rowKey := func(id string) []byte { return []byte("row/" + id) }
	text := func(i int) string {
		return fmt.Sprintf("alpha doc%d %s %s", i, vocab[i%len(vocab)], vocab[(i*7)%len(vocab)])
	}
	// Transaction i adds doc i and, every fourth, deletes doc i-3; every
	// sixth is followed by a merge. Commits with i%3 == 0 are unsynced.
	run := func(fs vfs.FS) error {
		db, err := mvcc.Open("db", opts(fs))
		if err != nil {
			return err
		}
		defer db.Close()
		for i := range ntx {
			txn, err := db.Begin(mvcc.TxnOptions{NoSync: i%3 == 0})
			if err != nil {
				return err
			}
			id := fmt.Sprintf("d%02d", i)
			if err := txn.Put(rowKey(id), []byte(text(i))); err != nil {
				return err
			}
			if err := ix.Add(txn, []byte(id), []string{text(i)}); err != nil {
				return err
			}
			if i%4 == 3 {
				old := fmt.Sprintf("d%02d", i-3)
				if err := txn.Delete(rowKey(old)); err != nil {
					return err
				}
				if err := ix.Delete(txn, []byte(old)); err != nil {
					return err
				}
			}
			if err := txn.Commit(); err != nil {
				return err
			}
			if i%6 == 5 {
				m, err := db.Begin(mvcc.TxnOptions{})
				if err != nil {
					return err
				}
				if _, err := ix.Merge(context.Background(), m); err != nil {
					return err
				}
				if err := m.Commit(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	counter := vfs.NewCounter()
	if err := run(vfs.NewFault(vfs.NewMem(), counter)); err != nil {
		t.Fatal(err)
	}
	n := counter.Mutating()
	rng := rand.New(rand.NewPCG(seed, 11))
	queries := []string{"alpha", "fox", "run*", "dog OR cat", "alpha -fox", `"alpha doc3"`, "apple~1", "東京", "search index"}
	for i := range ntx {
		queries = append(queries, fmt.Sprintf("doc%d", i))
	}
	recovered := map[int]int{}
	for range points {
		at := 1 + rng.IntN(n)
		mem := vfs.NewMem()
		inj := vfs.CrashAfter(mem, at)
		if rng.IntN(2) == 0 {
			inj.TornTails(func(_ string, n int) int { return rng.IntN(n + 1) })
		}
		if err := run(vfs.NewFault(mem, inj)); err != nil && !errors.Is(err, vfs.ErrCrashed) {
			t.Fatalf("crash at %d: %v", at, err)
		}
		crashed := inj.Crashed()
		if crashed == nil {
			crashed = inj.CrashNow()
		}
		db, err := mvcc.Open("db", opts(crashed))
		if err != nil {
			t.Fatalf("crash at %s: reopen: %v", inj.Point(), err)
		}
		check := func(stage string) {
			txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
			must(t, err)
			defer txn.Rollback()
			rows := map[string]bdoc{}
			it := txn.Scan([]byte("row/"), []byte("row0"))
			for it.Next() {
				rows[strings.TrimPrefix(string(it.Key()), "row/")] = analyzeDoc(ix, [2]string{string(it.Value())})
			}
			must(t, it.Close())
			recovered[len(rows)]++
			for _, q := range queries {
				an, err := ix.compile(q)
				must(t, err)
				var want []string
				for id, d := range rows {
					if bruteMatch(an, d) {
						want = append(want, id)
					}
				}
				sort.Strings(want)
				got, err := ix.Match(txn, q)
				if err != nil {
					t.Fatalf("crash at %s, %s: %q: %v", inj.Point(), stage, q, err)
				}
				if !slices.Equal(ids(got), want) && !(len(got) == 0 && len(want) == 0) {
					t.Fatalf("crash at %s, %s: %q matches %q; rows say %q", inj.Point(), stage, q, ids(got), want)
				}
				hits, err := ix.Search(txn, q, SearchOptions{Limit: 3})
				must(t, err)
				if len(hits) != min(3, len(want)) {
					t.Fatalf("crash at %s, %s: %q: %d hits, want %d", inj.Point(), stage, q, len(hits), min(3, len(want)))
				}
			}
		}
		check("recovered")
		m, err := db.Begin(mvcc.TxnOptions{})
		must(t, err)
		_, err = ix.Merge(context.Background(), m)
		must(t, err)
		must(t, m.Commit())
		check("merged after recovery")
		must(t, db.Close())
	}
	t.Logf("%d crash points in %d mutating operations; rows recovered -> count: %v", points, n, recovered)
}
