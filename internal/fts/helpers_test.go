package fts

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"slices"
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
	a, err := ix.analyzeWith(&grouper{ix: ix}, values)
	if err != nil {
		return err
	}
	if _, found, err := txn.Get(ix.extKey(id)); err != nil {
		return err
	} else if found {
		return fmt.Errorf("%w: %q", ErrDuplicateDoc, id)
	}
	doc, err := ix.allocPending(txn, id)
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
// blocks: the statistics (df, max tf and min field length over its
// merged postings) in its tail entry, or for a term of the dictionary
// format in its dictionary entry; no entry for a term without postings;
// a tail entry only beside a dictionary entry; and in an index of the
// current format, every block before the tail full.
func checkDictionary(t *testing.T, ix *Index, txn *mvcc.Txn) {
	t.Helper()
	version := byte(metaVersion)
	if v, found, err := txn.Get(ix.key(tagMeta, 0)); err != nil {
		t.Fatal(err)
	} else if found {
		m, err := decodeMeta(v, len(ix.fields))
		must(t, err)
		version = m.version
	}
	s, e := ix.tagRange(tagTerm)
	it := txn.Scan(s, e)
	terms := map[fieldTerm]bool{}
	for it.Next() {
		k := it.Key()
		ft := fieldTerm{int(k[len(ix.prefix)+1]), string(k[len(ix.prefix)+2:])}
		terms[ft] = true
		bs, tail, hasTail, err := ix.loadBlocks(txn, ft)
		must(t, err)
		want := newTermStats()
		for i, b := range bs {
			ps, err := ix.readBlockPostings(txn, ft, b)
			must(t, err)
			want.add(ps)
			if version == metaVersion && !b.tail && b.hdr.n != blockSize {
				t.Fatalf("term %v: block %d of %d holds %d postings", ft, i, len(bs), b.hdr.n)
			}
		}
		var got termStats
		switch {
		case len(it.Value()) == 0:
			if !hasTail {
				t.Fatalf("term %v: a dictionary marker without a tail entry", ft)
			}
			got = tail.stats
		case version == metaVersionDict && !hasTail:
			info, err := decodeTermInfo(it.Value())
			must(t, err)
			got = termStats{df: info.df, maxTF: info.maxTF, minLen: info.minLen}
		default:
			t.Fatalf("term %v: dictionary entry %x (tail entry: %v, format %d)", ft, it.Value(), hasTail, version)
		}
		if got != want || want.df == 0 {
			t.Fatalf("statistics of %v: %+v, postings say %+v", ft, got, want)
		}
	}
	must(t, it.Close())
	s, e = ix.tagRange(tagBlock)
	it = txn.Scan(s, e)
	for it.Next() {
		field, term, doc, err := ix.splitTermKey(it.Key())
		must(t, err)
		if ft := (fieldTerm{field, term}); !terms[ft] {
			t.Fatalf("term %v has a block (%#x) but no dictionary entry", ft, doc)
		}
	}
	must(t, it.Close())
}

// toDictFormat rewrites an index into the format of metaVersionDict
// (the one before tail entries): each term's tail postings become an
// ordinary block, its statistics go back into its dictionary entry
// (with its last block's key or, as entries written before that was
// kept, without), and the meta entry says version 1.
func toDictFormat(t testing.TB, db *mvcc.DB, ix *Index, withLast bool) {
	t.Helper()
	update(t, db, func(txn *mvcc.Txn) error {
		v, found, err := txn.Get(ix.key(tagMeta, 0))
		if err != nil || !found {
			return err
		}
		m, err := decodeMeta(v, len(ix.fields))
		if err != nil {
			return err
		}
		m.version = metaVersionDict
		var keys, vals [][]byte // a nil value deletes
		s, e := ix.tagRange(tagTerm)
		it := txn.Scan(s, e)
		for it.Next() {
			k := it.Key()
			ft := fieldTerm{int(k[len(ix.prefix)+1]), string(k[len(ix.prefix)+2:])}
			bs, tail, hasTail, err := ix.loadBlocks(txn, ft)
			if err != nil {
				it.Close()
				return err
			}
			if !hasTail {
				continue // already in the dictionary format
			}
			keys, vals = append(keys, ix.termKey(tagBlock, ft.field, ft.term, tailDoc)), append(vals, nil)
			if tail.n > 0 {
				keys = append(keys, ix.termKey(tagBlock, ft.field, ft.term, tail.last), ix.termKey(tagPos, ft.field, ft.term, tail.last))
				vals = append(vals, tail.block, tail.pos)
			}
			info := termInfo{df: tail.stats.df, maxTF: tail.stats.maxTF, minLen: tail.stats.minLen}
			if withLast {
				info.last, info.hasLast = bs[len(bs)-1].last, true
			}
			keys, vals = append(keys, slices.Clone(k)), append(vals, encodeTermInfo(info))
		}
		if err := it.Close(); err != nil {
			return err
		}
		for i, k := range keys {
			if vals[i] == nil {
				err = txn.Delete(k)
			} else {
				err = txn.Put(k, vals[i])
			}
			if err != nil {
				return err
			}
		}
		return txn.Put(ix.key(tagMeta, 0), encodeMeta(m))
	})
}
