package fts

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/mvcc"
)

// Workers analyze the documents that Add and AddNew index, on goroutines
// of their own: the inserting statement goes on while its document's
// text is analyzed (most of the cost of indexing it), and its
// transaction takes the change-log entry when it needs it
// (mvcc.Txn.PutLater), at the latest at commit. A bulk load so keeps
// a second processor busy with analysis while the first parses, encodes
// and writes the rows.
//
// An engine gives every Index of its store the same Workers
// (Index.SetWorkers). They run GOMAXPROCS-1 goroutines, started on first
// use; on one processor, when their queue is full (workersQueue
// documents a worker, or workersQueueBytes of text in all), and once
// closed, the caller analyzes the document itself, so slow analysis
// holds up the inserts and never fills memory. Documents are analyzed
// in any order: each has its own entry.
type Workers struct {
	once sync.Once
	jobs chan analysisJob // nil: no workers (one processor)

	// mu orders sends on jobs before Close closes it.
	mu     sync.RWMutex
	closed bool
	wg     sync.WaitGroup

	// queued is the text, in bytes, of the documents waiting in jobs or
	// being analyzed; inline counts the documents their callers analyzed
	// with workers running (tests).
	queued, inline atomic.Int64

	// count, if set, replaces GOMAXPROCS-1 as the number of workers;
	// queueBytes, if set, replaces workersQueueBytes (tests).
	count      int
	queueBytes int64
}

type analysisJob struct {
	ix     *Index
	id     []byte
	values []string
	later  *mvcc.Later
	size   int64 // the text's bytes
}

// workersQueue is how many documents per worker may wait for analysis,
// and workersQueueBytes how much text all the waiting ones may hold.
const (
	workersQueue      = 1024
	workersQueueBytes = 16 << 20
)

// SetWorkers makes ix analyze the documents Add and AddNew index on w.
func (ix *Index) SetWorkers(w *Workers) { ix.workers = w }

func (w *Workers) start() {
	n := runtime.GOMAXPROCS(0) - 1
	if w.count > 0 {
		n = w.count
	}
	if n <= 0 {
		return
	}
	w.jobs = make(chan analysisJob, n*workersQueue)
	w.wg.Add(n)
	for range n {
		go func() {
			defer w.wg.Done()
			for j := range w.jobs {
				w.queued.Add(-j.size) // its text is the worker's now
				j.run()
			}
		}()
	}
}

// add writes key, document id's change-log entry in ix, in txn: its
// value comes from a worker, or from this goroutine if none takes it.
func (w *Workers) add(txn *mvcc.Txn, key []byte, ix *Index, id []byte, values []string) error {
	w.once.Do(w.start)
	size := int64(len(id))
	for _, v := range values {
		size += int64(len(v))
	}
	// The entry is about the text's size.
	j := analysisJob{ix: ix, id: id, values: values, later: mvcc.NewLater(int(size + size/4 + 16)), size: size}
	if err := txn.PutLater(key, j.later); err != nil {
		return err
	}
	if !w.enqueue(j) {
		j.run()
	}
	return nil
}

// enqueue hands j to the workers, reporting whether they took it.
func (w *Workers) enqueue(j analysisJob) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.jobs == nil || w.closed {
		return false
	}
	limit := int64(workersQueueBytes)
	if w.queueBytes > 0 {
		limit = w.queueBytes
	}
	if w.queued.Add(j.size) <= limit {
		// The caller's id and values may be views of memory it reuses
		// once the statement moves on (a row read from the store, a
		// protocol buffer): the worker gets copies.
		j.id = bytes.Clone(j.id)
		j.values = slices.Clone(j.values)
		for i, v := range j.values {
			j.values[i] = strings.Clone(v)
		}
		select {
		case w.jobs <- j:
			return true
		default: // full
		}
	}
	w.queued.Add(-j.size)
	w.inline.Add(1)
	return false
}

// run analyzes the job's document and sets its entry (or what went
// wrong: a panic in analysis fails the transaction, not the process).
func (j analysisJob) run() {
	defer func() {
		if r := recover(); r != nil {
			j.later.Set(nil, fmt.Errorf("fts: analyzing document %q: %v", j.id, r))
		}
	}()
	j.later.Set(j.ix.entry(j.id, j.values))
}

// Close waits for the documents queued to be analyzed and stops the
// workers; later documents are analyzed by their callers.
func (w *Workers) Close() {
	w.once.Do(func() {}) // none start after Close
	w.mu.Lock()
	if !w.closed && w.jobs != nil {
		close(w.jobs)
	}
	w.closed = true
	w.mu.Unlock()
	w.wg.Wait()
}
