package fts

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/mvcc"
)

// TestSkipUvarints: skipping n uvarints lands where decoding n of them
// does, for values of every length and skips crossing the 8-byte steps;
// running out of bytes is an error.
func TestSkipUvarints(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		var b []byte
		var ends []int // offset after each value
		for range 1 + r.IntN(60) {
			v := uint64(r.Uint32()) >> r.IntN(33)
			b = binary.AppendUvarint(b, v)
			ends = append(ends, len(b))
		}
		n := r.IntN(len(ends) + 1)
		rd := reader{b: b}
		rd.skipUvarints(uint32(n))
		want := 0
		if n > 0 {
			want = ends[n-1]
		}
		if rd.err != nil || len(b)-len(rd.b) != want {
			t.Fatalf("round %d: skip %d of %d: at %d, err %v; want %d", round, n, len(ends), len(b)-len(rd.b), rd.err, want)
		}
		rd = reader{b: b}
		rd.skipUvarints(uint32(len(ends) + 1 + r.IntN(9)))
		if rd.err == nil {
			t.Fatalf("round %d: skipping past the end: no error", round)
		}
	}
}

// TestDecodeBlockInto: a block decodes to the postings encoded (positions
// aside), into reused memory; a truncated or padded block is corrupt.
func TestDecodeBlockInto(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var buf []posting
	for round := range 2000 {
		ps := make([]posting, 1+r.IntN(blockSize))
		doc := r.Uint64N(1 << 40)
		// Rounds of mostly one-byte values (the eight-at-a-time path),
		// of mixed ones, and of mostly longer ones.
		gap, tf, ln := uint(1+r.IntN(30)), uint32(1+r.IntN(300)), uint(1+r.IntN(20))
		for i := range ps {
			doc += 1 + r.Uint64N(1<<uint(r.IntN(int(gap))))
			ps[i] = posting{doc: doc, tf: 1 + r.Uint32N(tf), len: 1 + r.Uint32N(1<<uint(r.IntN(int(ln))+1))}
			ps[i].pos = make([]uint32, ps[i].tf)
		}
		blk, _ := encodeBlock(ps)
		got, err := decodeBlockInto(buf, blk)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(got) != len(ps) {
			t.Fatalf("round %d: %d postings, want %d", round, len(got), len(ps))
		}
		for i := range ps {
			if got[i].doc != ps[i].doc || got[i].tf != ps[i].tf || got[i].len != ps[i].len || got[i].pos != nil {
				t.Fatalf("round %d: posting %d = %+v, want %+v (no positions)", round, i, got[i], ps[i])
			}
		}
		buf = got
		if _, err := decodeBlockInto(buf, blk[:len(blk)-1]); err == nil {
			t.Fatalf("round %d: truncated block decoded", round)
		}
		if _, err := decodeBlockInto(buf, append(blk[:len(blk):len(blk)], 0)); err == nil {
			t.Fatalf("round %d: padded block decoded", round)
		}
	}
}

// TestAnalyzeGroups: a document's analysis holds each (field, term) of
// its tokens once, in the order of its first token, with its tf and
// positions, against a direct count of the analyzer's tokens; words
// stemming alike (runs, running) and repeats across fields included.
func TestAnalyzeGroups(t *testing.T) {
	words := []string{"run", "runs", "running", "Ran", "the", "a", "café", "cafe", "数据库", "x", "y", "z", "Zebra", "zebras"}
	r := rand.New(rand.NewPCG(7, 8))
	for _, an := range []string{"english", "simple", "english_unaccent"} {
		ix := newIndex(t, an, "title", "body")
		for round := range 300 {
			var v [2]string
			for f := range v {
				var b []string
				for range r.IntN(40) {
					b = append(b, words[r.IntN(len(words))])
				}
				v[f] = strings.Join(b, " ")
			}
			a, err := ix.analyze(v[:])
			must(t, err)
			type want struct {
				ft  fieldTerm
				pos []uint32
			}
			var wants []*want
			at := map[fieldTerm]*want{}
			for f := range v {
				toks := ix.analyzer.Analyze(v[f])
				if a.lens[f] != uint32(len(toks)) {
					t.Fatalf("%s round %d: field %d length %d, want %d", an, round, f, a.lens[f], len(toks))
				}
				for _, tk := range toks {
					ft := fieldTerm{f, tk.Term}
					w := at[ft]
					if w == nil {
						w = &want{ft: ft}
						at[ft] = w
						wants = append(wants, w)
					}
					w.pos = append(w.pos, uint32(tk.Position))
				}
			}
			if len(a.terms) != len(wants) {
				t.Fatalf("%s round %d: %d terms, want %d", an, round, len(a.terms), len(wants))
			}
			for i, w := range wants {
				p := a.post[i]
				if a.terms[i] != w.ft || p.tf != uint32(len(w.pos)) || !slices.Equal(p.pos, w.pos) || p.len != a.lens[w.ft.field] {
					t.Fatalf("%s round %d: term %d = %v %+v, want %v %v", an, round, i, a.terms[i], p, w.ft, w.pos)
				}
			}
		}
	}
}

// TestPendingRecord: the document record a merge writes straight from a
// pending document's change-log entry is the one its decoded record
// encodes to, and decodes back to it.
func TestPendingRecord(t *testing.T) {
	ix := newIndex(t, "english", "title", "body")
	for i, v := range [][]string{
		{"", ""},
		{"The quick brown fox", "jumps over the lazy dog, the quick one"},
		{"Ünïcödé wörds", "数据库 full-text search, running runs ran"},
	} {
		a, err := ix.analyze(v)
		must(t, err)
		raw := encodePendingDoc([]byte(fmt.Sprintf("id-%d", i)), a)
		r1, err := newPendingDocReader(raw, 2)
		must(t, err)
		rec, err := r1.record()
		must(t, err)
		r2, err := newPendingDocReader(raw, 2)
		must(t, err)
		got, err := r2.appendRecord([]byte("x"))
		must(t, err)
		if want := encodeDocRecord(rec); string(got[1:]) != string(want) || got[0] != 'x' {
			t.Fatalf("doc %d: record %x, want %x", i, got[1:], want)
		}
		back, err := decodeDocRecord(got[1:], 2)
		must(t, err)
		back.inChangeLog = true // what the record says of its entry
		if fmt.Sprint(back) != fmt.Sprint(rec) {
			t.Fatalf("doc %d: decoded %+v, want %+v", i, back, rec)
		}
	}
}

// TestTailEntry: a tail entry decodes to the statistics and postings
// encoded, positions included, for tails of every size (blocks whose
// length takes one byte and two); a truncated empty one is corrupt.
func TestTailEntry(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 3000 {
		ps := make([]posting, r.IntN(blockSize))
		doc := r.Uint64N(1 << 40)
		gap := uint(1 + r.IntN(62))
		st := termStats{df: uint64(len(ps)) + r.Uint64N(1000), maxTF: r.Uint32(), minLen: r.Uint32()}
		if st.df == 0 {
			st.df = 1
		}
		for i := range ps {
			doc += 1 + r.Uint64N(1<<uint(r.IntN(int(gap))))
			ps[i] = posting{doc: doc % pendingBit, tf: 1 + r.Uint32N(4), len: 1 + r.Uint32N(500)}
			if i > 0 && ps[i].doc <= ps[i-1].doc {
				ps = ps[:i]
				break
			}
			for range ps[i].tf {
				ps[i].pos = append(ps[i].pos, uint32(len(ps[i].pos))*7+r.Uint32N(7))
			}
		}
		v := encodeTail(st, ps)
		got, err := decodeTail(v)
		if err != nil {
			t.Fatalf("round %d: %d postings: %v", round, len(ps), err)
		}
		if got.stats != st || got.n != len(ps) {
			t.Fatalf("round %d: stats %+v n %d, want %+v n %d", round, got.stats, got.n, st, len(ps))
		}
		if len(ps) > 0 {
			dec, err := decodeBlock(got.block)
			must(t, err)
			must(t, decodePositions(dec, got.pos))
			if got.last != ps[len(ps)-1].doc || len(dec) != len(ps) {
				t.Fatalf("round %d: last %d, %d postings; want %d, %d", round, got.last, len(dec), ps[len(ps)-1].doc, len(ps))
			}
			for i := range ps {
				if fmt.Sprint(dec[i]) != fmt.Sprint(ps[i]) {
					t.Fatalf("round %d: posting %d = %+v, want %+v", round, i, dec[i], ps[i])
				}
			}
		}
		if _, err := decodeTail(v[:len(v)-1]); err == nil && len(ps) == 0 {
			t.Fatalf("round %d: truncated tail decoded", round)
		}
	}
}

// TestMergeDictionaryFormat: an index whose terms keep their statistics
// in the dictionary and have no tail entry (the format before tail
// entries, rewritten here into it, with and without the last block's key
// in the entries) is searched, appended to, and purged of deletions,
// and its merged terms come out in the current form.
func TestMergeDictionaryFormat(t *testing.T) {
	for _, withLast := range []bool{false, true} {
		db := openDB(t, nil)
		ix := newIndex(t, "english", "body")
		add := func(from, to int) {
			update(t, db, func(txn *mvcc.Txn) error {
				for i := from; i < to; i++ {
					// "common" fills blocks; "number<k>" leaves partial ones.
					text := fmt.Sprintf("common words here and number%d", i%7)
					if err := ix.Add(txn, []byte(fmt.Sprintf("d%04d", i)), []string{text}); err != nil {
						return err
					}
				}
				return nil
			})
			merge(t, db, ix)
		}
		add(0, 300)
		toDictFormat(t, db, ix, withLast)
		txn := view(t, db)
		checkDictionary(t, ix, txn)
		got, err := ix.Match(txn, "common number3")
		must(t, err)
		if want := 43; len(got) != want {
			t.Fatalf("before: %d documents match, want %d", len(got), want)
		}
		add(300, 700)
		update(t, db, func(txn *mvcc.Txn) error {
			for i := 0; i < 700; i += 5 {
				if err := ix.Delete(txn, []byte(fmt.Sprintf("d%04d", i))); err != nil {
					return err
				}
			}
			return nil
		})
		merge(t, db, ix)
		txn = view(t, db)
		checkDictionary(t, ix, txn)
		got, err = ix.Match(txn, "common number3")
		must(t, err)
		if want := 80; len(got) != want {
			t.Fatalf("after: %d documents match, want %d", len(got), want)
		}
		got, err = ix.Match(txn, `"words here"`)
		must(t, err)
		if want := 560; len(got) != want {
			t.Fatalf("phrase: %d documents match, want %d", len(got), want)
		}
	}
}
