package fts

import (
	"context"
	"encoding/binary"
	"flag"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/mvcc"
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

func openDB(t testing.TB, fs vfs.FS) *mvcc.DB {
	t.Helper()
	if fs == nil {
		fs = vfs.NewMem()
	}
	db, err := mvcc.Open("db", &mvcc.Options{LSM: lsm.Options{FS: fs, MemTableSize: 256 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newIndex(t testing.TB, analyzer string, fields ...string) *Index {
	t.Helper()
	ix, err := New([]byte("x\x01"), fields, analysis.MustLookup(analyzer))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// update runs fn in a transaction and commits it.
func update(t testing.TB, db *mvcc.DB, fn func(txn *mvcc.Txn) error) {
	t.Helper()
	txn, err := db.Begin(mvcc.TxnOptions{NoSync: true})
	must(t, err)
	if err := fn(txn); err != nil {
		txn.Rollback()
		t.Fatal(err)
	}
	must(t, txn.Commit())
}

func view(t testing.TB, db *mvcc.DB) *mvcc.Txn {
	t.Helper()
	txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	must(t, err)
	t.Cleanup(func() { txn.Rollback() })
	return txn
}

func merge(t testing.TB, db *mvcc.DB, ix *Index) MergeStats { return mergeSome(t, db, ix, 0) }

// mergeSome merges the first maxDocs pending documents (0: all).
func mergeSome(t testing.TB, db *mvcc.DB, ix *Index, maxDocs int) MergeStats {
	t.Helper()
	var st MergeStats
	update(t, db, func(txn *mvcc.Txn) error {
		var err error
		st, err = ix.MergeSome(context.Background(), txn, maxDocs)
		return err
	})
	return st
}

func ids(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

// addFirstFormat is Add as the first format wrote it: a pending posting
// key per (field, term), a document record, and a change-log entry of
// lengths only. Indexes written so must still search, delete and merge.
func addFirstFormat(ix *Index, txn *mvcc.Txn, id []byte, values []string) error {
	a, doc, err := ix.prepareAdd(txn, id, values)
	if err != nil {
		return err
	}
	for i, ft := range a.terms {
		if err := txn.Put(ix.termKey(tagPending, ft.field, ft.term, doc), encodePending(a.post[i])); err != nil {
			return err
		}
	}
	if err := txn.Put(ix.docKey(tagDoc, doc), encodeDocRecord(docRecord{id: id, lens: a.lens, terms: a.terms})); err != nil {
		return err
	}
	if err := txn.Put(ix.extKey(id), binary.BigEndian.AppendUint64(nil, doc)); err != nil {
		return err
	}
	return txn.Put(ix.docKey(tagChange, doc), appendLens([]byte{changeAdd}, a.lens))
}

// checkDictionary checks every term dictionary entry against the term's
// blocks: df, max tf and min field length over its merged postings, and
// no entry for a term without blocks.
func checkDictionary(t *testing.T, ix *Index, txn *mvcc.Txn) {
	t.Helper()
	s, e := ix.tagRange(tagTerm)
	it := txn.Scan(s, e)
	for it.Next() {
		k := it.Key()
		ft := fieldTerm{int(k[len(ix.prefix)+1]), string(k[len(ix.prefix)+2:])}
		got, err := decodeTermInfo(it.Value())
		must(t, err)
		bs, err := ix.loadBlocks(txn, ft)
		must(t, err)
		want := termInfo{minLen: ^uint32(0)}
		for _, b := range bs {
			ps, err := decodeBlock(b.raw)
			must(t, err)
			for _, p := range ps {
				want.df++
				want.maxTF, want.minLen = max(want.maxTF, p.tf), min(want.minLen, p.len)
			}
		}
		if len(bs) > 0 {
			want.last, want.hasLast = bs[len(bs)-1].last, true
		}
		if got != want {
			t.Fatalf("dictionary entry of %v: %+v, blocks say %+v", ft, got, want)
		}
	}
	must(t, it.Close())
}
