package engine

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
)

// Table statistics for the planner: row counts, from ANALYZE or from an
// automatic recount once a table has changed by more than a tenth since
// it was last counted (at least autoAnalyzeMin rows; an UPDATE counts
// only if it sets a column that has statistics, setsCountedColumn). They
// are hints:
// kept in memory, stored beside the catalog, loaded on first use.
//
// A recount reads the whole table, so while a table grows fast (a bulk
// load) back-to-back recounts would cost more than the load: a table's
// next recount starts no sooner after its last one ended than
// autoAnalyzePace times as long as that one took, which keeps recounts
// to a fifth of a core, as PostgreSQL's autovacuum paces its work. The
// writes made meanwhile are all in the recount when it runs.
//
// A due recount also waits until the table has had no writes for
// autoAnalyzeQuiet, for at most autoAnalyzeMaxWait: a recount in the
// middle of a bulk load counts a table about to change again (a load of a
// hundred thousand rows recounted several times, the last a tenth short,
// for a seventh of the load's CPU), one just after it counts the loaded
// table. PostgreSQL's autovacuum looks at a table once a minute
// (autovacuum_naptime). Tables never counted that hold rows are counted
// after an open (a load the process closed right after, before its
// recount).

const (
	autoAnalyzeMin     = 1000
	autoAnalyzePace    = 4
	autoAnalyzeQuiet   = 500 * time.Millisecond
	autoAnalyzeMaxWait = 10 * time.Second
)

type tableStats struct {
	mu      sync.Mutex
	loaded  bool
	rows    map[uint32]int64
	cols    map[uint32]*catalog.TableStats // column statistics (ANALYZE)
	writes  map[uint32]int64               // rows written since the last count
	running map[uint32]bool
	// lastEnd and lastTook are when each table's last recount ended and
	// how long it took; lastWrite when a transaction last wrote it.
	lastEnd   map[uint32]time.Time
	lastTook  map[uint32]time.Duration
	lastWrite map[uint32]time.Time
	// quiet and maxWait, if set, replace autoAnalyzeQuiet and
	// autoAnalyzeMaxWait (tests: negative for none).
	quiet, maxWait time.Duration
	closed         bool
	// closing is closed by closeStats: a paced recount stops waiting.
	closing chan struct{}
	wg      sync.WaitGroup
}

func (s *tableStats) set(id uint32, rows int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rows == nil {
		s.rows = map[uint32]int64{}
	}
	s.rows[id] = rows
	if s.writes != nil {
		s.writes[id] = 0
	}
}

func (s *tableStats) setColumns(id uint32, ts *catalog.TableStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cols == nil {
		s.cols = map[uint32]*catalog.TableStats{}
	}
	s.cols[id] = ts
}

// tableColumnStats returns table id's column statistics as last
// gathered, or nil.
func (e *Engine) tableColumnStats(id uint32) *catalog.TableStats {
	e.tableRows(id) // loads what the catalog holds
	s := &e.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cols[id]
}

// tableRows returns table id's row count as last counted.
func (e *Engine) tableRows(id uint32) (int64, bool) {
	s := &e.stats
	s.mu.Lock()
	loaded := s.loaded
	s.mu.Unlock()
	if !loaded {
		rows := map[uint32]int64{}
		cols := map[uint32]*catalog.TableStats{}
		if txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true}); err == nil {
			if r, err := catalog.RowCounts(txn); err == nil {
				rows = r
			}
			if c, err := catalog.AllTableStats(txn); err == nil {
				cols = c
			}
			txn.Rollback()
		}
		s.mu.Lock()
		if !s.loaded {
			for k, v := range s.rows {
				rows[k] = v // counted since: newer
			}
			for k, v := range s.cols {
				cols[k] = v
			}
			s.rows, s.cols, s.loaded = rows, cols, true
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.rows[id]
	return n, ok
}

// noteTableWrites counts rows a statement wrote to table id and starts a
// recount when the table has changed enough.
func (e *Engine) noteTableWrites(id uint32, n int64) {
	if n <= 0 {
		return
	}
	rows, _ := e.tableRows(id)
	s := &e.stats
	if !s.lockOpen() {
		return
	}
	defer s.mu.Unlock()
	s.writes[id] += n
	s.lastWrite[id] = time.Now()
	if s.writes[id] < max(autoAnalyzeMin, rows/10) || s.running[id] {
		return
	}
	e.startRecountLocked(id)
}

// lockOpen locks s, readied for recounts, and reports true; once the
// engine closes it reports false, unlocked.
func (s *tableStats) lockOpen() bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if s.writes == nil {
		s.writes, s.running = map[uint32]int64{}, map[uint32]bool{}
		s.lastEnd, s.lastTook, s.lastWrite = map[uint32]time.Time{}, map[uint32]time.Duration{}, map[uint32]time.Time{}
	}
	if s.closing == nil {
		s.closing = make(chan struct{})
	}
	return true
}

// countAtOpen starts a recount of each of tables (the catalog at open)
// that holds rows but was never counted (a load closed before its
// recount ran); txn reads the catalog.
func (e *Engine) countAtOpen(txn *mvcc.Txn, tables []*catalog.Descriptor) {
	counts, err := catalog.RowCounts(txn)
	if err != nil {
		return
	}
	var due []uint32
	for _, d := range tables {
		if _, ok := counts[d.ID]; ok || d.Kind != catalog.KindTable {
			continue
		}
		it := txn.Scan(catalog.IndexPrefix(nil, d.ID, catalog.PrimaryIndexID), catalog.IndexPrefix(nil, d.ID, catalog.PrimaryIndexID+1))
		if it.Next() {
			due = append(due, d.ID)
		}
		it.Close()
	}
	s := &e.stats
	if !s.lockOpen() {
		return
	}
	defer s.mu.Unlock()
	for _, id := range due {
		if !s.running[id] {
			e.startRecountLocked(id)
		}
	}
}

// startRecountLocked starts table id's recount in the background, once
// the pace and the quiet allow (see autoAnalyzeQuiet).
func (e *Engine) startRecountLocked(id uint32) {
	s := &e.stats
	s.writes[id] = 0
	s.running[id] = true
	closing := s.closing
	s.wg.Add(1)
	go func() {
		var start time.Time
		defer func() {
			s.mu.Lock()
			s.running[id] = false
			if !start.IsZero() {
				s.lastEnd[id] = time.Now()
				s.lastTook[id] = s.lastEnd[id].Sub(start)
			}
			s.mu.Unlock()
			s.wg.Done()
		}()
		due := time.Now()
		for wait := s.recountWait(id, due); wait > 0; wait = s.recountWait(id, due) {
			t := time.NewTimer(wait)
			select {
			case <-t.C: // writes may have come meanwhile: look again
			case <-closing:
				t.Stop()
				return
			}
		}
		start = time.Now()
		for attempt := 0; attempt < 3; attempt++ {
			err := e.autoAnalyze(id)
			if err == nil || !errors.Is(err, mvcc.ErrConflict) {
				if err != nil {
					slog.Warn("analyze: counting a table's rows", "table", id, "err", err)
				}
				return
			}
		}
	}()
}

// recountWait is how long table id's recount, due since due, waits yet:
// for the pace, and for the table to be quiet, up to autoAnalyzeMaxWait
// after due.
func (s *tableStats) recountWait(id uint32, due time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	quiet, maxWait := autoAnalyzeQuiet, autoAnalyzeMaxWait
	if s.quiet != 0 {
		quiet = max(s.quiet, 0)
	}
	if s.maxWait != 0 {
		maxWait = max(s.maxWait, 0)
	}
	now := time.Now()
	pace := s.lastEnd[id].Add(autoAnalyzePace * s.lastTook[id])
	calm := s.lastWrite[id].Add(quiet)
	if limit := due.Add(maxWait); calm.After(limit) {
		calm = limit
	}
	return max(pace.Sub(now), calm.Sub(now))
}

func (e *Engine) autoAnalyze(id uint32) error {
	txn, err := e.db.Begin(mvcc.TxnOptions{NoSync: true})
	if err != nil {
		return err
	}
	defer txn.Rollback()
	d, err := catalog.ByID(txn, id)
	if err != nil || d.Kind != catalog.KindTable {
		return nil // gone
	}
	if err := e.analyzeTable(txn, d); err != nil {
		return err
	}
	return txn.Commit()
}

// closeStats stops starting recounts and waits for running ones.
func (e *Engine) closeStats() {
	s := &e.stats
	s.mu.Lock()
	if !s.closed && s.closing != nil {
		close(s.closing)
	}
	s.closed = true
	s.mu.Unlock()
	s.wg.Wait()
}
