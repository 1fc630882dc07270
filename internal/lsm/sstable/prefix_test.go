package sstable

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// splitAt splits "prefix@version" keys at the '@'; a key without one is
// all prefix.
func splitAt(k []byte) int {
	if i := bytes.IndexByte(k, '@'); i >= 0 {
		return i
	}
	return len(k)
}

// TestPrefixFilter: a table written with a Split has a filter over the
// prefixes: every present prefix passes, almost every absent one is
// rejected, Get still finds every version once the reader knows the Split,
// and without it the reader answers "may contain" rather than guessing.
func TestPrefixFilter(t *testing.T) {
	var kvs []kv
	for i := range 2000 {
		for v := 1; v <= 3; v++ {
			uk := fmt.Appendf(nil, "row%05d@%d", 2*i, v)
			kvs = append(kvs, kv{ikey.Make(nil, uk, ikey.SeqNum(v), ikey.KindSet), uk})
		}
	}
	mf, _ := buildTable(t, kvs, nil, WriterOptions{Split: splitAt})
	r, err := Open(mf, "t.sst", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.PrefixFilter() {
		t.Fatal("table written with a Split has no prefix filter")
	}
	if !r.MayContain([]byte("row00001@1")) || !r.MayContainPrefix([]byte("row00001")) {
		t.Fatal("without SetSplit the reader must answer may-contain")
	}
	r.SetSplit(splitAt)
	falsePositives := 0
	for i := range 2000 {
		if !r.MayContainPrefix(fmt.Appendf(nil, "row%05d", 2*i)) {
			t.Fatalf("present prefix row%05d rejected", 2*i)
		}
		if r.MayContainPrefix(fmt.Appendf(nil, "row%05d", 2*i+1)) {
			falsePositives++
		}
		for v := 1; v <= 3; v++ {
			uk := fmt.Appendf(nil, "row%05d@%d", 2*i, v)
			e, ok, err := r.Get(uk, ikey.SeqNumMax)
			if err != nil || !ok || !bytes.Equal(e.Value, uk) {
				t.Fatalf("Get(%s) = %q %v %v", uk, e.Value, ok, err)
			}
		}
		if _, ok, _ := r.Get(fmt.Appendf(nil, "row%05d@1", 2*i+1), ikey.SeqNumMax); ok {
			t.Fatalf("found absent row%05d", 2*i+1)
		}
	}
	// 10 bits per prefix: about 1% false positives.
	if falsePositives > 100 {
		t.Fatalf("%d of 2000 absent prefixes pass the filter", falsePositives)
	}

	// A table written without a Split cannot answer prefix questions.
	mf2, _ := buildTable(t, kvs, nil, WriterOptions{})
	r2, err := Open(mf2, "t2.sst", 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r2.PrefixFilter() || !r2.MayContainPrefix([]byte("row00001")) {
		t.Fatal("a whole-key filter answered a prefix question")
	}
	if r2.MayContain([]byte("row00001@1")) && r2.MayContain([]byte("row00003@1")) && r2.MayContain([]byte("row00005@1")) {
		t.Fatal("whole-key filter passes absent keys")
	}
}
