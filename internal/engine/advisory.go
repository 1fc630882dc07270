package engine

import (
	"context"
	"errors"
	"fmt"
	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/ast"
	"sync"

	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Advisory locks (pg_advisory_lock and friends): locks on numbers the
// application chooses, which the database only keeps, as PostgreSQL
// does. Migration tools take one to run alone (golang-migrate, Prisma,
// Rails). A lock is held by sessions in exclusive or shared mode, at
// session level (until unlocked or the session ends, whatever becomes of
// transactions) or transaction level (until the transaction ends); a
// session may take a lock it holds again, and holds it until it has
// released it as many times. A request that must wait waits until the
// lock is free, the statement is cancelled (57014) or times out, or
// waiting would close a cycle of sessions waiting for each other
// (40P01, deadlock detected).

// advisoryKey is a lock's key: one bigint, or two integers (PostgreSQL
// keeps the two kinds apart).
type advisoryKey struct {
	n    int64
	pair bool
	// table: a table's lock (LOCK TABLE), n its descriptor id, a key
	// space no advisory lock function reaches.
	table bool
}

// advisoryHold counts one session's holds on one lock.
type advisoryHold struct {
	exclusive, shared [2]int // by level: 0 session, 1 transaction
}

func (h *advisoryHold) empty() bool {
	return h.exclusive == [2]int{} && h.shared == [2]int{}
}

// advisoryLock is one lock's holders.
type advisoryLock struct {
	holds map[*Session]*advisoryHold
	// released is closed (and replaced) whenever a hold ends, waking
	// the waiters to try again.
	released chan struct{}
}

type advisoryLocks struct {
	mu    sync.Mutex
	locks map[advisoryKey]*advisoryLock
	// waiting is what each waiting session waits for (deadlock checks,
	// pg_locks).
	waiting map[*Session]advisoryWait
}

// advisoryWait is a waiting session's request.
type advisoryWait struct {
	key       advisoryKey
	exclusive bool
}

// grantable reports whether s may take l in the mode asked: no other
// session holds it exclusively, and for an exclusive hold none at all.
func (l *advisoryLock) grantable(s *Session, exclusive bool) bool {
	for holder, h := range l.holds {
		if holder == s {
			continue
		}
		if exclusive || h.exclusive != [2]int{} {
			return false
		}
	}
	return true
}

// acquire takes key for s, waiting when wait is set; it reports whether
// s holds it now.
func (a *advisoryLocks) acquire(ctx context.Context, s *Session, key advisoryKey, exclusive, xact, wait bool) (bool, error) {
	level := 0
	if xact {
		level = 1
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for {
		if a.locks == nil {
			a.locks, a.waiting = map[advisoryKey]*advisoryLock{}, map[*Session]advisoryWait{}
		}
		l := a.locks[key]
		if l == nil {
			l = &advisoryLock{holds: map[*Session]*advisoryHold{}, released: make(chan struct{})}
			a.locks[key] = l
		}
		if l.grantable(s, exclusive) {
			h := l.holds[s]
			if h == nil {
				h = &advisoryHold{}
				l.holds[s] = h
			}
			if exclusive {
				h.exclusive[level]++
			} else {
				h.shared[level]++
			}
			return true, nil
		}
		if !wait {
			a.dropIfFree(key, l)
			return false, nil
		}
		if a.closesCycle(s, l) {
			a.dropIfFree(key, l)
			return false, sqlerr.New(sqlerr.Code("40P01"), "deadlock detected").
				WithDetail("Waiting for advisory lock %s would wait for a session that waits for this one.", key)
		}
		a.waiting[s] = advisoryWait{key, exclusive}
		ch := l.released
		a.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		a.mu.Lock()
		delete(a.waiting, s)
		if err := ctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return false, sqlerr.New(sqlerr.Code("57014"), "canceling statement due to statement timeout")
			}
			return false, sqlerr.New(sqlerr.Code("57014"), "canceling statement due to user request")
		}
	}
}

// closesCycle reports whether s waiting for l would close a cycle: a
// holder of l waits, directly or through others, for a lock s holds.
func (a *advisoryLocks) closesCycle(s *Session, l *advisoryLock) bool {
	seen := map[*Session]bool{}
	var reaches func(l *advisoryLock) bool
	reaches = func(l *advisoryLock) bool {
		for holder := range l.holds {
			if holder == s {
				continue // s's own holds never block it
			}
			if seen[holder] {
				continue
			}
			seen[holder] = true
			w, waits := a.waiting[holder]
			key := w.key
			if !waits {
				continue
			}
			next := a.locks[key]
			if next == nil {
				continue
			}
			if _, held := next.holds[s]; held {
				return true
			}
			if reaches(next) {
				return true
			}
		}
		return false
	}
	return reaches(l)
}

// dropIfFree forgets a lock nobody holds.
func (a *advisoryLocks) dropIfFree(key advisoryKey, l *advisoryLock) {
	if len(l.holds) == 0 {
		delete(a.locks, key)
	}
}

// wake wakes the waiters of l: a hold on it ended.
func (l *advisoryLock) wake() {
	close(l.released)
	l.released = make(chan struct{})
}

// release ends one session-level hold of key by s; false if s held none
// in that mode (PostgreSQL warns and returns false).
func (a *advisoryLocks) release(s *Session, key advisoryKey, exclusive bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := a.locks[key]
	if l == nil || l.holds[s] == nil {
		return false
	}
	h := l.holds[s]
	n := &h.shared[0]
	if exclusive {
		n = &h.exclusive[0]
	}
	if *n == 0 {
		return false
	}
	*n--
	if h.empty() {
		delete(l.holds, s)
	}
	l.wake()
	a.dropIfFree(key, l)
	return true
}

// releaseAll ends s's holds at a level: transaction-level ones when its
// transaction ends, session-level ones for pg_advisory_unlock_all and
// when the session closes.
func (a *advisoryLocks) releaseAll(s *Session, level int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for key, l := range a.locks {
		h := l.holds[s]
		if h == nil || h.exclusive[level] == 0 && h.shared[level] == 0 {
			continue
		}
		h.exclusive[level], h.shared[level] = 0, 0
		if h.empty() {
			delete(l.holds, s)
		}
		l.wake()
		a.dropIfFree(key, l)
	}
}

func (k advisoryKey) String() string {
	if k.pair {
		return fmt.Sprintf("(%d, %d)", int32(k.n>>32), int32(k.n))
	}
	return fmt.Sprint(k.n)
}

// advisory answers an advisory lock function of s's statement, which
// waits within ctx (EvalContext.Advisory; the session keeps it as a
// func value of its own, advisoryFn, made once).
func (s *Session) advisory(ctx context.Context, r builtins.AdvisoryRequest) (bool, error) {
	locks := &s.e.advisory
	if r.UnlockAll {
		if s.advisoryHeld.Swap(false) {
			locks.releaseAll(s, 0)
		}
		return true, nil
	}
	key := advisoryKey{n: r.Key, pair: r.Pair}
	if r.Unlock {
		return locks.release(s, key, !r.Shared), nil
	}
	ok, err := locks.acquire(ctx, s, key, !r.Shared, r.Xact, !r.Try)
	if ok {
		// So that ending a transaction or the session looks for holds
		// only when there may be some (the lock table has a mutex
		// every session would otherwise take at every commit).
		if r.Xact {
			s.advisoryXact.Store(true)
		} else {
			s.advisoryHeld.Store(true)
		}
	}
	return ok, err
}

// releaseAdvisory releases s's transaction-level advisory locks (its
// transaction ended), and with session its session-level ones too.
func (s *Session) releaseAdvisory(session bool) {
	if s.advisoryXact.Swap(false) {
		s.e.advisory.releaseAll(s, 1)
	}
	if session && s.advisoryHeld.Swap(false) {
		s.e.advisory.releaseAll(s, 0)
	}
}

// lockTables is LOCK TABLE. cairn's reads and writes take no table
// locks (writers meet at commit, where MVCC refuses the later of two
// conflicting ones), so the modes PostgreSQL's reads and writes take
// themselves (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE) have nothing to
// wait for; the stronger ones are held until the transaction ends and
// conflict with each other as in PostgreSQL's table (SHARE with the
// self-conflicting modes, those with all of them), so sessions that
// LOCK TABLE to run alone do.
func (s *Session) lockTables(ctx context.Context, st *ast.Lock) (Result, error) {
	if s.txn == nil {
		return Result{}, sqlerr.New(sqlerr.Code("25P01"), "LOCK TABLE can only be used in transaction blocks")
	}
	if s.failed {
		return Result{}, errAborted()
	}
	for _, n := range st.Names {
		if n.Schema != "" && n.Schema != "public" {
			return Result{}, sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", n.Schema+"."+n.Name)
		}
		d, err := catalog.Get(s.txn, n.Name)
		if err != nil {
			return Result{}, err
		}
		if d.Kind == catalog.KindSequence {
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table or view", d.Name)
		}
		var exclusive bool
		switch st.Mode {
		case "access share", "row share", "row exclusive":
			continue
		case "share":
		default:
			exclusive = true
		}
		ok, err := s.e.advisory.acquire(ctx, s, advisoryKey{n: int64(d.ID), table: true}, exclusive, true, !st.NoWait)
		if err != nil {
			return Result{}, err
		}
		s.advisoryXact.Store(true)
		if !ok {
			return Result{}, sqlerr.New(sqlerr.Code("55P03"), "could not obtain lock on relation %q", d.Name)
		}
	}
	return Result{Tag: "LOCK TABLE"}, nil
}

// locks lists the advisory and table locks held and waited for, as
// pg_locks shows them.
func (e *Engine) locks() []plan.Lock {
	a := &e.advisory
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []plan.Lock
	row := func(k advisoryKey, s *Session, exclusive, granted bool) {
		l := plan.Lock{PID: s.pid, Granted: granted, Mode: "ShareLock"}
		if exclusive {
			l.Mode = "ExclusiveLock"
		}
		if k.table {
			l.Type, l.Relation = "relation", int64(k.n)
		} else {
			// PostgreSQL's encoding of an advisory key: classid the high
			// 32 bits, objid the low, objsubid 1 for a bigint key, 2 for
			// a pair of integers.
			l.Type, l.ClassID, l.ObjID, l.ObjSubID = "advisory", int64(uint64(k.n)>>32), int64(uint32(k.n)), 1
			if k.pair {
				l.ObjSubID = 2
			}
		}
		out = append(out, l)
	}
	for k, l := range a.locks {
		for s, h := range l.holds {
			if h.exclusive != [2]int{} {
				row(k, s, true, true)
			}
			if h.shared != [2]int{} {
				row(k, s, false, true)
			}
		}
	}
	for s, w := range a.waiting {
		row(w.key, s, w.exclusive, false)
	}
	return out
}
