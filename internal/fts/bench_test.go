package fts

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/mvcc"
)

// benchCorpus is ~10k generated documents: words drawn from a Zipf
// distribution over a 5000-word synthetic vocabulary, 20..80 words each.
func benchCorpus() []string {
	rng := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(rng, 1.1, 1, 4999)
	words := make([]string, 5000)
	for i := range words {
		words[i] = fmt.Sprintf("w%dx", i)
	}
	docs := make([]string, 10000)
	for i := range docs {
		n := 20 + rng.IntN(60)
		ws := make([]string, n)
		for j := range ws {
			ws[j] = words[z.Uint64()]
		}
		docs[i] = strings.Join(ws, " ")
	}
	return docs
}

// buildBench indexes docs 100 per transaction, merging every 2000.
func buildBench(b *testing.B, docs []string) (*mvcc.DB, *Index) {
	db := openDB(b, nil)
	ix := newIndex(b, "simple", "body")
	for i := 0; i < len(docs); i += 100 {
		update(b, db, func(txn *mvcc.Txn) error {
			for j := i; j < min(i+100, len(docs)); j++ {
				if err := ix.Add(txn, fmt.Appendf(nil, "doc%05d", j), []string{docs[j]}); err != nil {
					return err
				}
			}
			return nil
		})
		if (i+100)%2000 == 0 {
			merge(b, db, ix)
		}
	}
	merge(b, db, ix)
	return db, ix
}

// BenchmarkBuild indexes the 10k-document corpus (ns/op is the whole
// build; docs/s is reported too).
func BenchmarkBuild(b *testing.B) {
	docs := benchCorpus()
	b.ResetTimer()
	for range b.N {
		buildBench(b, docs)
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkQuery runs typical queries against the built corpus: top 10 by
// BM25 unless noted.
func BenchmarkQuery(b *testing.B) {
	// The parent runs once; its sub-benchmarks share the index. A full
	// compaction first drops the tombstones merges left in the pending and
	// change-log ranges, which scans would otherwise step over: the steady
	// state, not the moment after a bulk load.
	db, ix := buildBench(b, benchCorpus())
	must(b, db.LSM().Flush())
	must(b, db.LSM().Compact(nil, nil))
	for _, c := range []struct {
		name, q string
		limit   int
	}{
		{"rare-term", "w3000x", 10},
		{"common-term", "w1x", 10},
		{"common-term-all", "w1x", 0},
		{"and-2", "w1x w20x", 10},
		{"or-3", "w2x OR w30x OR w400x", 10},
		{"phrase", `"w1x w2x"`, 10},
		{"prefix", "w12*", 10},
		{"fuzzy", "w123x~1", 10},
	} {
		b.Run(c.name, func(b *testing.B) {
			txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
			must(b, err)
			defer txn.Rollback()
			var st SearchStats
			for range b.N {
				if _, err := ix.Search(txn, c.q, SearchOptions{Limit: c.limit, Stats: &st}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Scored), "scored/op")
		})
	}
}

// BenchmarkAnalyze is an insert's analysis of a document: tokens, then
// their grouping by term (ns/op per document).
func BenchmarkAnalyze(b *testing.B) {
	docs := benchCorpus()
	// As the engine's indexes: an analyzer of a Set, with its memo of
	// words seen before.
	a, err := (&analysis.Set{}).Lookup("english")
	if err != nil {
		b.Fatal(err)
	}
	ix, err := New([]byte("x\x01"), []string{"body"}, a)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := ix.analyze([]string{docs[i%len(docs)]}); err != nil {
			b.Fatal(err)
		}
	}
}
