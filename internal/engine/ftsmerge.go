package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/fts"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/plan"
)

// Full-text indexes take new documents as pending postings (cheap,
// conflict-free writes); a merge folds them into compressed blocks and
// purges deleted documents. The engine merges an index in the background
// once the documents committed to it since its last merge weigh
// ftsMergeWeight (their text's bytes, exec.FTSMinWeight at least each;
// ftsBulkMergeWeight while they come faster than merges fold them in),
// in pieces of up to ftsMergePiece documents, each in a transaction of its
// own (retried when it conflicts; a user's statement that loses to one
// runs again, see Session.inTxnBudget), and then compacts the ranges the
// merges deleted from (fts.MergedRanges: pending postings, change log) so
// reads skip the merged-away keys: when the backlog is in and no writes
// wait for the next merge, or after ftsCompactAfter merged documents.
// Not during a bulk load, where the store's own flushes and compactions
// collect them: a range compaction compacts every table that overlaps
// the range, and every flush of a load overlaps an index's ranges, so it
// is a compaction of the whole level 0 (in a build of the benchmark
// corpus, 43-46 MB in 0.45-0.67 s of a 2.2 s build, beside the inserts,
// when it came after 16,384 documents), and the load would delete from
// the same ranges again at once. The change log a merge reads past
// meanwhile is the flushes' leftovers only: a flush drops a merged
// entry together with its tombstone when both are in its memtable (the
// MVCC collector, lsm.CompactionFilter).

// ftsMergeWeight is the weight of committed document writes that
// triggers a merge: about 4 MiB of text, PostgreSQL's default limit of a
// GIN index's pending list (gin_pending_list_limit), some 6,000
// documents of the benchmark corpus. A merge costs about a read and a
// write per distinct term of what it folds, and the distinct terms grow
// much slower than the documents (1,024 documents of the benchmark
// corpus hold some 13,000, 4,096 some 27,000), so the larger the backlog
// a merge takes at once, the less it costs a document (merging every
// 1,024 documents, a build of the benchmark corpus took 4.3 to 4.8 s on
// two cores, against 2.7 to 3.2 s with no merges at all; every ~6,000,
// 4.1 to 4.3 s, before the other gains of that session). Searches pay for
// the backlog instead: the first search after a commit reads the
// pending entries and inverts the new ones (package fts), as a GIN
// search reads the pending list.
const ftsMergeWeight = 4 << 20

// A merge folds at most ftsMergePiece documents per transaction, so a
// bulk load's backlog merges in pieces of bounded memory (a piece whose
// write set still exceeds ftsMergeBudget is halved). A merge the writes
// started takes a whole piece at once; one started at open (documents a
// previous run left pending) starts with ftsMergeFirstPiece documents,
// and each next piece is twice the one before: it completes a piece (a
// tenth of a second or so) even in a process that closes soon after. A
// closing engine gives a running piece that may end soon ftsCloseGrace
// to finish, then stops it where it is (it rolls back; its documents
// stay pending and merge after the next open), rather than wait for a
// piece of thousands of documents (closeFTSMerges).
const (
	ftsMergePiece      = 16384
	ftsMergeFirstPiece = 1024
	ftsMergeBudget     = 256 << 20
	ftsCloseGrace      = 250 * time.Millisecond
	ftsCompactAfter    = 1 << 18
)

type ftsKey struct{ table, index uint32 }

// ftsMerger weighs document writes per index and runs merges, one at a
// time per index: two merges of one index conflict (both write its meta
// entry), and the loser's piece, seconds of work, would be lost.
type ftsMerger struct {
	mu sync.Mutex
	// counts holds, per index, the weight of the document writes
	// committed since its last merge started.
	counts map[ftsKey]int
	// uncompacted counts, per index, the documents merged since its
	// merged ranges were last compacted.
	uncompacted map[ftsKey]int
	// running holds, per index being merged, a channel closed when that
	// merge (in the background, or VACUUM's) ends.
	running map[ftsKey]chan struct{}
	closed  bool
	// stop ends the background merges' context (cancel): see
	// ftsCloseGrace.
	stop   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// merged counts the merges done (for tests and metrics); stopped
	// those a close stopped.
	merged, stopped atomic.Int64
	// pieceEnd holds, per index being merged, when its running piece
	// should end (absent: unknown), from perDoc, its last piece's time
	// per document: Close stops at once a piece that would not end
	// within the grace.
	pieceEnd map[ftsKey]time.Time
	perDoc   map[ftsKey]time.Duration
	// piece, if set, is every piece's size (tests); weight, if set,
	// replaces ftsMergeWeight (tests); grace, if set, replaces
	// ftsCloseGrace (tests: negative for none).
	piece, weight int
	grace         time.Duration
	// bulk marks the indexes whose writes outpaced their last merge
	// (writes of ftsMergeWeight or more came in while it ran): their
	// next merge waits for ftsBulkMergeWeight, or for the writes to
	// pause for ftsMergeAfterPause (the timer in paused).
	bulk   map[ftsKey]bool
	paused map[ftsKey]*time.Timer
	// afterPause, if set, replaces ftsMergeAfterPause (tests).
	afterPause time.Duration
}

// While writes come in faster than merges fold them in (a bulk load), a
// merge that ends with ftsMergeWeight or more waiting does not start the
// next at once: that one waits until the writes weigh ftsBulkMergeWeight,
// or pause for ftsMergeAfterPause. A merge costs a read and a write per
// distinct term of what it folds besides its postings, so the backlog a
// merge takes at once is what decides how much a bulk load pays for its
// merges: merging whatever came in while the last merge ran, the faster
// the merges the smaller each one, and the more of them. Measured on
// fts-build (two cores), once its merges had become faster (mvcc.PutRun),
// they had folded 10,000-14,000 documents each, three or four in a build,
// against 10,000 then 16,384 before, and the build was slower for it
// (ratios 0.97 against 1.04 over eight alternating runs each). A search
// meanwhile reads a backlog up to about ftsBulkMergeWeight (plus what a
// merge's own run sees come in).
const (
	ftsBulkMergeWeight = 2 * ftsMergeWeight
	ftsMergeAfterPause = 100 * time.Millisecond
)

// noteFTSWrites records the weight of the fts document writes of a
// committed transaction and starts the merges that are due; first is the
// size of a merge's first piece.
func (e *Engine) noteFTSWrites(writes map[ftsKey]int, first int) {
	if len(writes) == 0 {
		return
	}
	m := &e.ftsMerge
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	m.init()
	for k, n := range writes {
		m.counts[k] += n
		due := m.weightDue()
		if m.bulk[k] {
			due *= ftsBulkMergeWeight / ftsMergeWeight
		}
		switch {
		case m.running[k] != nil:
		case m.counts[k] >= due:
			e.startFTSMergeLocked(k, first)
		case m.bulk[k]:
			m.paused[k].Reset(m.pauseDue())
		}
	}
}

// weightDue is the weight of writes that makes a merge due.
func (m *ftsMerger) weightDue() int {
	if m.weight > 0 {
		return m.weight
	}
	return ftsMergeWeight
}

// pauseDue is how long writes pause before a bulk load's backlog merges.
func (m *ftsMerger) pauseDue() time.Duration {
	if m.afterPause > 0 {
		return m.afterPause
	}
	return ftsMergeAfterPause
}

// lateLocked reports whether every running merge's piece should end
// after deadline (false when none runs or one's end is unknown).
func (m *ftsMerger) lateLocked(deadline time.Time) bool {
	for k := range m.running {
		if end, ok := m.pieceEnd[k]; !ok || !end.After(deadline) {
			return false
		}
	}
	return len(m.running) > 0
}

// compactDueLocked records that a merge of index k folded documents and
// reports whether its merged ranges are to be compacted now: when no
// writes wait for the next merge, or ftsCompactAfter documents were
// folded since the last compaction.
func (m *ftsMerger) compactDueLocked(k ftsKey, folded int) bool {
	m.init()
	m.uncompacted[k] += folded
	due := m.uncompacted[k] > 0 && (m.counts[k] == 0 || m.uncompacted[k] >= ftsCompactAfter)
	if due {
		m.uncompacted[k] = 0
	}
	return due
}

func (m *ftsMerger) init() {
	if m.counts == nil {
		m.counts, m.running, m.uncompacted = map[ftsKey]int{}, map[ftsKey]chan struct{}{}, map[ftsKey]int{}
		m.pieceEnd, m.perDoc = map[ftsKey]time.Time{}, map[ftsKey]time.Duration{}
		m.bulk, m.paused = map[ftsKey]bool{}, map[ftsKey]*time.Timer{}
		m.stop, m.cancel = context.WithCancel(context.Background())
	}
}

// startFTSMergeLocked starts a background merge of index k, which no
// merge is running on, with a first piece of first documents.
func (e *Engine) startFTSMergeLocked(k ftsKey, first int) {
	m := &e.ftsMerge
	m.counts[k] = 0
	if t := m.paused[k]; t != nil {
		t.Stop()
		delete(m.paused, k)
	}
	delete(m.bulk, k)
	m.running[k] = make(chan struct{})
	m.wg.Add(1)
	go e.mergeFTS(k, first)
}

// endFTSMergeLocked records that the merge of index k ended. Writes
// that came in while it ran are merged next, so a backlog drains even
// when the writes stop: at once, or, when they weigh ftsMergeWeight or
// more, once they weigh ftsBulkMergeWeight or pause (see there).
func (e *Engine) endFTSMergeLocked(k ftsKey) {
	m := &e.ftsMerge
	close(m.running[k])
	delete(m.running, k)
	delete(m.pieceEnd, k)
	switch {
	case m.counts[k] == 0 || m.closed:
	case m.counts[k] < m.weightDue():
		e.startFTSMergeLocked(k, ftsMergePiece)
	default:
		m.bulk[k] = true
		m.paused[k] = time.AfterFunc(m.pauseDue(), func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			if m.bulk[k] && m.running[k] == nil && !m.closed {
				e.startFTSMergeLocked(k, ftsMergePiece)
			}
		})
	}
}

// mergeFTS merges one fts index in the background.
func (e *Engine) mergeFTS(k ftsKey, first int) {
	m := &e.ftsMerge
	defer func() {
		m.mu.Lock()
		e.endFTSMergeLocked(k)
		m.mu.Unlock()
		m.wg.Done()
	}()
	m.mu.Lock()
	stop := m.stop
	m.mu.Unlock()
	folded, err := e.mergeFTSBacklog(stop, k, first, ftsBackgroundConflicts)
	if err != nil && !errors.Is(err, mvcc.ErrConflict) && stop.Err() == nil {
		slog.Warn("fts: merge failed", "table", k.table, "index", k.index, "err", err)
	}
	if stop.Err() != nil {
		if err != nil {
			m.stopped.Add(1)
		}
		return
	}
	// The merged-away keys (pending postings, change log) are
	// tombstones now: compact them out once the backlog is in, unless
	// writes are waiting for the next merge (a bulk load), which would
	// add more right away; at the latest after ftsCompactAfter folded
	// documents (see the top of the file).
	m.mu.Lock()
	due := m.compactDueLocked(k, folded)
	m.mu.Unlock()
	if !due {
		return
	}
	// The compaction stops with the merges (closeFTSMerges): Close
	// does not wait for it (it counts as a piece that ends late), and the
	// next merge compacts again.
	m.mu.Lock()
	m.pieceEnd[k] = time.Now().Add(time.Hour)
	m.mu.Unlock()
	for _, r := range fts.MergedRanges(catalog.IndexPrefix(nil, k.table, k.index)) {
		if err := e.db.CompactRange(stop, r[0], r[1]); err != nil {
			if stop.Err() == nil {
				slog.Warn("fts: compacting after a merge", "table", k.table, "index", k.index, "err", err)
			}
			break
		}
	}
}

// A background merge gives up after this many conflicts in a row (the
// documents stay pending for the next one); VACUUM, which must leave
// nothing pending, tolerates vacuumFTSConflicts (a merge conflicts only
// with a Delete of a document it folds in, see package fts).
const (
	ftsBackgroundConflicts = 5
	vacuumFTSConflicts     = 100
)

// mergeFTSBacklog merges index k's pending documents piece by piece,
// each piece in a transaction of its own, until none is left, the engine
// closes or ctx ends, the first piece of first documents (at most
// ftsMergePiece) and each next one twice the one before. It reports how
// many documents it folded; it fails after maxConflicts conflicts in a
// row. The caller has claimed k (in ftsMerger.running).
func (e *Engine) mergeFTSBacklog(ctx context.Context, k ftsKey, first, maxConflicts int) (int, error) {
	m := &e.ftsMerge
	piece, full := min(first, ftsMergePiece), ftsMergePiece
	if m.piece > 0 {
		piece, full = m.piece, m.piece
	}
	total := 0
	for conflicts := 0; ; {
		if err := ctx.Err(); err != nil {
			return total, exec.CanceledError(err)
		}
		m.mu.Lock()
		switch d := m.perDoc[k]; {
		case d > 0:
			m.pieceEnd[k] = time.Now().Add(time.Duration(piece) * d)
		case piece > ftsMergeFirstPiece:
			// No pace known yet, but a piece this big takes a good part
			// of a second or more: not worth holding Close for.
			m.pieceEnd[k] = time.Now().Add(time.Hour)
		default:
			delete(m.pieceEnd, k) // a small piece may end within the grace
		}
		m.mu.Unlock()
		start := time.Now()
		folded, pending, err := e.mergeFTSOnce(ctx, k, piece)
		m.mu.Lock()
		delete(m.pieceEnd, k)
		if err == nil && folded > 0 {
			m.perDoc[k] = time.Since(start) / time.Duration(folded)
		}
		m.mu.Unlock()
		switch {
		case err == nil && folded == 0:
			return total, nil
		case err == nil:
			m.merged.Add(1)
			total, conflicts = total+folded, 0
			m.mu.Lock()
			closed := m.closed
			m.mu.Unlock()
			if pending == 0 || closed {
				return total, nil
			}
			piece = min(2*piece, full)
		case errors.Is(err, mvcc.ErrTxnTooLarge) && piece > 1:
			piece /= 2
		case errors.Is(err, mvcc.ErrConflict):
			if conflicts++; conflicts >= maxConflicts {
				return total, err
			}
		default:
			return total, err
		}
	}
}

// mergeFTSPending merges every pending document of the fts indexes of
// tables, for VACUUM: it leaves them as a search reads them fastest,
// as PostgreSQL's VACUUM empties a GIN index's pending list. It waits
// for a background merge of an index to end, and keeps new ones from
// starting while it merges the index.
func (e *Engine) mergeFTSPending(ctx context.Context, tables []*catalog.Descriptor) error {
	m := &e.ftsMerge
	for _, d := range tables {
		for _, ix := range d.Indexes {
			if ix.Method != plan.IndexMethodFTS {
				continue
			}
			k := ftsKey{d.ID, ix.ID}
			for claimed := false; !claimed; {
				m.mu.Lock()
				m.init()
				ch := m.running[k]
				if ch == nil {
					m.running[k], claimed = make(chan struct{}), true
				}
				m.mu.Unlock()
				if !claimed {
					select {
					case <-ch:
					case <-ctx.Done():
						return exec.CanceledError(ctx.Err())
					}
				}
			}
			_, err := e.mergeFTSBacklog(ctx, k, ftsMergePiece, vacuumFTSConflicts)
			m.mu.Lock()
			e.endFTSMergeLocked(k)
			m.mu.Unlock()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeFTSOnce merges up to piece pending documents of index k in a
// transaction of its own, reporting how many documents it folded (0:
// there was nothing to merge) and how many are left.
func (e *Engine) mergeFTSOnce(ctx context.Context, k ftsKey, piece int) (int, int, error) {
	txn, err := e.db.Begin(mvcc.TxnOptions{NoSync: true, MemoryBudget: ftsMergeBudget})
	if err != nil {
		return 0, 0, err
	}
	defer txn.Rollback()
	d, err := catalog.ByID(txn, k.table)
	if err != nil {
		return 0, 0, nil // the table is gone
	}
	var ix *catalog.Index
	for i := range d.Indexes {
		if d.Indexes[i].ID == k.index && d.Indexes[i].Method == plan.IndexMethodFTS {
			ix = &d.Indexes[i]
		}
	}
	if ix == nil {
		return 0, 0, nil // the index is gone
	}
	folded, pending, err := exec.MergeFTS(ctx, txn, d, ix, piece)
	if err != nil && ctx.Err() != nil {
		return 0, 0, exec.CanceledError(ctx.Err())
	}
	if err != nil || folded == 0 {
		return 0, 0, err
	}
	// A piece stopped by now rolls back: its commit (a tenth of a second
	// or more for a whole piece) could not be stopped once begun, and
	// Close would wait for it.
	if err := ctx.Err(); err != nil {
		return 0, 0, exec.CanceledError(err)
	}
	if err := txn.Commit(); err != nil {
		return 0, 0, err
	}
	return folded, pending, nil
}

// mergeFTSAtOpen schedules a merge of every fts index of tables (the
// catalog at open): documents a previous run added but did not merge (the
// write weights are not kept across restarts) would otherwise wait for
// the next 4 MiB of writes.
func (e *Engine) mergeFTSAtOpen(tables []*catalog.Descriptor) {
	due := map[ftsKey]int{}
	for _, d := range tables {
		for _, ix := range d.Indexes {
			if ix.Method == plan.IndexMethodFTS {
				due[ftsKey{d.ID, ix.ID}] = ftsMergeWeight
			}
		}
	}
	e.noteFTSWrites(due, ftsMergeFirstPiece)
}

// closeFTSMerges stops starting merges, gives the running ones
// ftsCloseGrace to finish their pieces (none when each should take
// longer, by its last piece's pace), then stops them (their pieces roll
// back) and waits for them.
func (e *Engine) closeFTSMerges() {
	m := &e.ftsMerge
	grace := ftsCloseGrace
	if m.grace != 0 {
		grace = max(m.grace, 0)
	}
	m.mu.Lock()
	m.closed = true
	for _, t := range m.paused {
		t.Stop()
	}
	cancel := m.cancel
	// Pieces that should end after the grace are stopped at once:
	// waiting for them would only make Close slower.
	if m.lateLocked(time.Now().Add(grace)) {
		grace = 0
	}
	m.mu.Unlock()
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	if cancel != nil {
		cancel()
	}
	<-done
}
