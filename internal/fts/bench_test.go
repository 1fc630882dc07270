package fts

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/mvcc"
)

// benchCorpus is ~10k generated documents: words drawn from a Zipf
// distribution over a 5000-word synthetic vocabulary, 20..80 words each.
func benchCorpus() []string { return zipfCorpus(10000, 5000, 20, 80) }

// zipfCorpus returns n documents of minWords to maxWords words (uniform)
// drawn from a vocabulary of vocab words by a Zipf law.
func zipfCorpus(n, vocab, minWords, maxWords int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(rng, 1.1, 1, uint64(vocab-1))
	words := make([]string, vocab)
	for i := range words {
		words[i] = fmt.Sprintf("w%dx", i)
	}
	docs := make([]string, n)
	for i := range docs {
		n := minWords + rng.IntN(maxWords-minWords)
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

// BenchmarkMerge merges 8192 pending documents of about 100 words from a
// vocabulary of 200,000 (some 30,000 distinct terms per 4096 documents,
// as the bench's fts corpus) in pieces of 4096, as the engine's
// background merges do (ns/op is the merge of all of them; ns/doc is
// reported too).
func BenchmarkMerge(b *testing.B) {
	const n, piece = 8192, 4096
	docs := zipfCorpus(n, 200_000, 50, 150)
	for b.Loop() {
		b.StopTimer()
		db := openDB(b, nil)
		ix := newIndex(b, "simple", "body")
		for i := 0; i < n; i += 1000 {
			update(b, db, func(txn *mvcc.Txn) error {
				for j := i; j < min(i+1000, n); j++ {
					if err := ix.Add(txn, fmt.Appendf(nil, "doc%05d", j), []string{docs[j]}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		b.StartTimer()
		for {
			if st := mergeSome(b, db, ix, piece); st.Pending == 0 {
				break
			}
		}
		b.StopTimer()
		must(b, db.Close())
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/doc")
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
	must(b, db.LSM().Compact(context.Background(), nil, nil))
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
	g := &grouper{ix: ix} // as add reuses its Index's
	for i := 0; b.Loop(); i++ {
		if _, err := ix.analyzeWith(g, []string{docs[i%len(docs)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvertPending is a merge piece's inversion of its pending
// documents' postings: 16,384 documents of the bench corpus's shape
// (ns/op is the whole piece).
func BenchmarkInvertPending(b *testing.B) {
	docs := zipfCorpus(16384, 200_000, 50, 150)
	ix := newIndex(b, "simple", "body")
	nums := make([]uint64, len(docs))
	raws := make([][]byte, len(docs))
	for i, d := range docs {
		a, err := ix.analyze([]string{d})
		if err != nil {
			b.Fatal(err)
		}
		nums[i] = pendingBit | uint64(i)
		raws[i] = encodePendingDoc(fmt.Appendf(nil, "doc%05d", i), a)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.invertPending(nums, raws, func(d uint64) uint64 { return d &^ pendingBit }, true); err != nil {
			b.Fatal(err)
		}
	}
}
