package mvcc

import (
	"fmt"
)

// READ COMMITTED write locks.
//
// A READ COMMITTED transaction locks every key it writes, until it
// finishes. A writer that finds the key locked by another transaction
// waits for that one to finish; then, as whenever the key was committed
// after the statement's snapshot, the write fails with
// ErrRestartStatement: the caller rolls the statement back, takes a new
// snapshot (Refresh) and runs it again, now reading the newer version.
// Updates of one row therefore queue behind each other instead of failing
// at commit, as in PostgreSQL. Snapshot and serializable transactions take
// no locks: they keep first-committer-wins, and a READ COMMITTED
// transaction whose key one of them committed fails at commit.
//
// A wait that would close a cycle of waiters is a deadlock (40P01) for the
// transaction that would close it. A transaction holds at most
// maxLocksPerTxn locks; beyond that (bulk loads) its writes are checked at
// commit only, as under snapshot isolation.

// maxLocksPerTxn bounds the lock table's memory per transaction.
const maxLocksPerTxn = 1 << 16

// ErrRestartStatement is returned by a write under READ COMMITTED when a
// transaction committed the key after the statement's snapshot: roll the
// statement back, Refresh, and run it again. Its SQLSTATE, should it reach
// a client, is 40001.
var ErrRestartStatement error = restartError{}

type restartError struct{}

func (restartError) Error() string {
	return "mvcc: could not serialize access: row changed by a concurrent transaction; restart the statement"
}

func (restartError) SQLState() string { return "40001" }

// DeadlockError is returned by a write under READ COMMITTED whose wait
// would close a cycle of transactions waiting for each other's locks.
type DeadlockError struct{ Key []byte }

func (e *DeadlockError) Error() string {
	return fmt.Sprintf("mvcc: deadlock detected waiting for a lock on key %q", truncKey(e.Key))
}

// SQLState returns "40P01", deadlock_detected.
func (e *DeadlockError) SQLState() string { return "40P01" }

// Is makes errors.Is(err, ErrConflict) true: a deadlock victim may retry.
func (e *DeadlockError) Is(target error) bool { return target == ErrConflict }

// Refresh moves a READ COMMITTED transaction's snapshot to the current
// watermark, for its next statement; its own writes stay visible. Under
// other isolation levels it does nothing.
func (t *Txn) Refresh() {
	if t.done || t.opts.Isolation != ReadCommitted {
		return
	}
	ts := t.db.watermark.Load()
	if ts == t.readTs {
		return
	}
	// The registration stays at the first snapshot (beginTs): the
	// conflict bookkeeping must remember commits after any write's basis.
	t.readTs = ts
	if t.getIter != nil {
		// A store view taken before the new snapshot may lack commits
		// at or below it.
		t.getIter.Close()
		t.getIter = nil
	}
}

// lock takes key's lock for t, waiting while another transaction holds
// it, and fails with ErrRestartStatement when the key was committed after
// t's snapshot.
func (t *Txn) lock(k string) error {
	db := t.db
	db.locks.Lock()
	for {
		h := db.locks.held[k]
		if h == nil || h == t {
			if h == nil && len(t.locked) < maxLocksPerTxn {
				db.locks.held[k] = t
				t.locked = append(t.locked, k)
			}
			break
		}
		for w := h; w != nil; w = w.waitingFor {
			if w == t {
				db.locks.Unlock()
				return &DeadlockError{Key: []byte(k)}
			}
		}
		if h.released == nil {
			h.released = make(chan struct{})
		}
		ch := h.released
		t.waitingFor = h
		db.locks.waiting++
		db.locks.Unlock()
		var err error
		if t.waitCtx != nil {
			select {
			case <-ch:
			case <-t.waitCtx.Done():
				err = t.waitCtx.Err()
			}
		} else {
			<-ch
		}
		db.locks.Lock()
		t.waitingFor = nil
		db.locks.waiting--
		if err != nil {
			db.locks.Unlock()
			return fmt.Errorf("mvcc: waiting for a lock: %w", err)
		}
	}
	db.locks.Unlock()
	db.commit.Lock()
	last := db.commit.lastWrite[k]
	db.commit.Unlock()
	if last > t.readTs {
		// The holder's commit is visible once it released (Commit
		// finishes after the watermark covers it).
		return ErrRestartStatement
	}
	return nil
}

// unlockAll releases t's locks and wakes its waiters.
func (t *Txn) unlockAll() {
	if t.opts.Isolation != ReadCommitted {
		return
	}
	db := t.db
	db.locks.Lock()
	for _, k := range t.locked {
		if db.locks.held[k] == t {
			delete(db.locks.held, k)
		}
	}
	if t.released != nil {
		close(t.released)
	}
	t.released = closedChan // later waiters (none can find it) never block
	db.locks.Unlock()
	t.locked = nil
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()
