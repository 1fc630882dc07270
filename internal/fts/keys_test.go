package fts

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
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

// TestMergeOldDictionaryEntries: dictionary entries written before they
// held their last block's key (rewritten here in that form) are appended
// to by a scan for the last block, and come out in the new form.
func TestMergeOldDictionaryEntries(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "english", "body")
	add := func(from, to int) {
		update(t, db, func(txn *mvcc.Txn) error {
			for i := from; i < to; i++ {
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
	old := 0
	update(t, db, func(txn *mvcc.Txn) error {
		s, e := ix.tagRange(tagTerm)
		it := txn.Scan(s, e)
		var keys, vals [][]byte
		for it.Next() {
			info, err := decodeTermInfo(it.Value())
			if err != nil {
				return err
			}
			if !info.hasLast {
				t.Fatalf("a merge wrote a dictionary entry without its last block: %+v", info)
			}
			info.hasLast = false
			keys, vals = append(keys, slices.Clone(it.Key())), append(vals, encodeTermInfo(info))
		}
		if err := it.Close(); err != nil {
			return err
		}
		for i := range keys {
			if err := txn.Put(keys[i], vals[i]); err != nil {
				return err
			}
			old++
		}
		return nil
	})
	if old == 0 {
		t.Fatal("no dictionary entries")
	}
	add(300, 700)
	txn := view(t, db)
	checkDictionary(t, ix, txn) // every entry has its last block again
	got, err := ix.Match(txn, "common number3")
	must(t, err)
	if want := 100; len(got) != want {
		t.Fatalf("%d documents match, want %d", len(got), want)
	}
}
