package fts

import (
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/cairndb/cairn/internal/mvcc"
)

// TestWorkers: documents analyzed on workers are found as the caller's
// would be, whether a worker took them or (queue full, or closed) the
// caller did; the worker's copy of the text is its own.
func TestWorkers(t *testing.T) {
	db := openDB(t, nil)
	ix := newIndex(t, "english", "title", "body")
	w := &Workers{count: 1}
	ix.SetWorkers(w)
	var want []string
	update(t, db, func(txn *mvcc.Txn) error {
		// More than the queue holds, so some are analyzed here.
		for i := range workersQueue + 100 {
			id := []byte{byte(i >> 8), byte(i)}
			buf := []byte("running dogs")
			if err := ix.AddNew(txn, id, []string{"doc", string(buf)}); err != nil {
				return err
			}
			want = append(want, string(id))
		}
		return nil
	})
	txn := view(t, db)
	got, err := ix.Match(txn, "dog run")
	must(t, err)
	if !slices.Equal(ids(got), want) {
		t.Fatalf("Match found %d documents, want %d", len(got), len(want))
	}

	// Text the caller changes once Add returns: the worker analyzed its
	// own copy.
	buf := []byte("sleeping cats")
	update(t, db, func(txn *mvcc.Txn) error {
		err := ix.AddNew(txn, []byte("mutable"), []string{"", unsafeString(buf)})
		copy(buf, "xxxxxxxxxxxxx")
		return err
	})
	got, err = ix.Match(view(t, db), "cat")
	must(t, err)
	if !slices.Equal(ids(got), []string{"mutable"}) {
		t.Fatalf("Match(cat) = %q, want [mutable]", ids(got))
	}

	// A document whose text would take the queue over its bytes: the
	// caller analyzes it.
	w.queueBytes = 100
	before := w.inline.Load()
	big := strings.Repeat("heavy elephants ", 10)
	update(t, db, func(txn *mvcc.Txn) error { return ix.AddNew(txn, []byte("big"), []string{"", big}) })
	if w.inline.Load() != before+1 {
		t.Fatalf("a document over the queue's bytes was queued (inline %d, before %d)", w.inline.Load(), before)
	}
	got, err = ix.Match(view(t, db), "elephant")
	must(t, err)
	if !slices.Equal(ids(got), []string{"big"}) {
		t.Fatalf("Match(elephant) = %q, want [big]", ids(got))
	}
	if q := w.queued.Load(); q != 0 {
		t.Fatalf("%d bytes still counted as queued with none waiting", q)
	}

	// Closed: the caller analyzes.
	w.Close()
	update(t, db, func(txn *mvcc.Txn) error { return ix.AddNew(txn, []byte("late"), []string{"", "late bird"}) })
	got, err = ix.Match(view(t, db), "bird")
	must(t, err)
	if !slices.Equal(ids(got), []string{"late"}) {
		t.Fatalf("after Close: Match(bird) = %q", ids(got))
	}
}

// TestWorkerPanic: a panic analyzing a document fails its transaction's
// read and commit, not the process.
func TestWorkerPanic(t *testing.T) {
	l := mvcc.NewLater(1)
	broken := &Index{fields: []string{"body"}} // no analyzer
	analysisJob{ix: broken, id: []byte("d"), values: []string{"text"}, later: l}.run()
	db := openDB(t, nil)
	txn, err := db.Begin(mvcc.TxnOptions{})
	must(t, err)
	must(t, txn.PutLater([]byte("k"), l))
	if err := txn.Commit(); err == nil || !strings.Contains(err.Error(), "analyzing document") {
		t.Fatalf("Commit: %v, want the analysis panic", err)
	}
}

func unsafeString(b []byte) string { return unsafe.String(&b[0], len(b)) }
