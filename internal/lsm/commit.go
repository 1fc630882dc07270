package lsm

import (
	"fmt"
	"sync"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/lsm/record"
)

// writer is one committer waiting in the commit queue.
type writer struct {
	batch *Batch
	sync  bool
	done  bool
	err   error
	cond  sync.Cond
}

// maxGroupBytes bounds how much one leader gathers into a group, so a small
// write behind a huge one is not delayed by much more than its own share.
const maxGroupBytes = 1 << 20

// Set writes value to key.
func (d *DB) Set(key, value []byte, o *WriteOptions) error {
	b := NewBatch()
	b.Set(key, value)
	return d.Apply(b, o)
}

// Delete deletes key.
func (d *DB) Delete(key []byte, o *WriteOptions) error {
	b := NewBatch()
	b.Delete(key)
	return d.Apply(b, o)
}

// DeleteRange deletes every key in [start, end).
func (d *DB) DeleteRange(start, end []byte, o *WriteOptions) error {
	b := NewBatch()
	b.DeleteRange(start, end)
	return d.Apply(b, o)
}

// Apply commits a batch atomically. With o.Sync it returns only once the
// batch is durable.
//
// Group commit: committers queue; the one at the front (the leader) takes
// the queued batches behind it, writes them to the WAL with one write and at
// most one fsync, applies them to the memtable and wakes the others with the
// shared result. While a leader does I/O the queue keeps filling, so the
// next group is larger the slower the disk: N synced writers need far fewer
// than N fsyncs.
func (d *DB) Apply(b *Batch, o *WriteOptions) error {
	if b.err != nil {
		return b.err
	}
	if b.Empty() {
		return nil
	}
	if b.Len() > record.MaxPayloadLen {
		return fmt.Errorf("%w: batch of %d bytes exceeds the %d-byte limit", ErrValueTooLarge, b.Len(), record.MaxPayloadLen)
	}
	w := &writer{batch: b, sync: o != nil && o.Sync}
	c := &d.commit
	c.Lock()
	w.cond.L = &c.Mutex
	c.queue = append(c.queue, w)
	for !w.done && c.queue[0] != w {
		w.cond.Wait()
	}
	if w.done {
		c.Unlock()
		return w.err
	}

	// w leads a group. The memtable only changes under the commit lock, so
	// the room made here is still there when the group is applied.
	err := d.makeRoomForWrite(b.memCost())
	group := 1
	size := b.Len()
	cost := b.memCost()
	syncGroup := w.sync
	if err == nil {
		mem := d.mutableMem()
		for group < len(c.queue) {
			if c.queue[group].batch == nil {
				break // a barrier (lockCommits)
			}
			next := c.queue[group].batch
			if size+next.Len() > maxGroupBytes || !mem.fits(cost+next.memCost()) {
				break
			}
			size += next.Len()
			cost += next.memCost()
			syncGroup = syncGroup || c.queue[group].sync
			group++
		}
	}
	members := c.queue[:group]
	if err == nil {
		first := c.nextSeq
		// The WAL writes a large batch from where it is (AddNoCopy): no
		// member returns, nor touches its batch, before this leader's
		// Flush below, and only the leader uses the WAL meanwhile.
		for _, m := range members {
			m.batch.setSeq(c.nextSeq)
			c.nextSeq += ikey.SeqNum(m.batch.count)
			if aerr := c.wal.AddNoCopy(m.batch.data); aerr != nil && err == nil {
				err = aerr
			}
		}
		last := c.nextSeq - 1
		// Writers may queue while this group's I/O runs.
		c.Unlock()
		if err == nil {
			err = c.wal.Flush()
		}
		if err == nil && syncGroup {
			err = c.wal.Sync()
		}
		if err == nil && !syncGroup && c.wal.Size()-c.behindAt >= walSyncBehind {
			c.wal.SyncBehind()
			c.behindAt = c.wal.Size()
		}
		if err == nil {
			mem := d.mutableMem()
			for _, m := range members {
				d.applyToMem(mem, m.batch)
			}
			d.metrics.recordCommit(len(members), size, syncGroup)
		}
		c.Lock()
		if err != nil {
			// Nothing in this group is acknowledged. Bytes that did reach
			// the WAL may reappear after a restart, which is allowed: they
			// form a prefix of the log, never a hole in it.
			d.mu.Lock()
			err = d.failLocked(fmt.Errorf("WAL write: %w", err))
			d.mu.Unlock()
			c.nextSeq = first
		} else {
			d.visibleSeq.Store(uint64(last))
		}
	}
	for _, m := range members {
		m.err = err
		m.done = true
		if m != w {
			m.cond.Signal()
		}
	}
	c.queue = c.queue[group:]
	if len(c.queue) > 0 {
		c.queue[0].cond.Signal()
	}
	if len(c.queue) == 0 {
		c.queue = nil
	}
	c.Unlock()
	return err
}

// lockCommits takes the commit lock with no commit group in flight: a
// group's leader releases the lock while its WAL write runs, so holding
// the lock alone does not keep the WAL writer to oneself. It queues a
// barrier behind the writers waiting and returns when the barrier leads
// the queue (groups stop at it); the returned function releases both.
// Whoever touches the WAL outside a commit (rotating it, closing it)
// must hold this.
func (d *DB) lockCommits() (unlock func()) {
	c := &d.commit
	c.Lock()
	b := &writer{}
	b.cond.L = &c.Mutex
	c.queue = append(c.queue, b)
	for c.queue[0] != b {
		b.cond.Wait()
	}
	return func() {
		c.queue = c.queue[1:]
		if len(c.queue) > 0 {
			c.queue[0].cond.Signal()
		} else {
			c.queue = nil
		}
		c.Unlock()
	}
}

func (d *DB) mutableMem() *memTable {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mu.mem
}

func (d *DB) applyToMem(mem *memTable, b *Batch) {
	r, err := newBatchReader(b.data)
	if err != nil {
		panic(fmt.Sprintf("lsm: own batch does not decode: %v", err))
	}
	seq := r.seq
	for {
		e, ok, err := r.next()
		if err != nil {
			panic(fmt.Sprintf("lsm: own batch does not decode: %v", err))
		}
		if !ok {
			return
		}
		if !mem.add(e.key, seq, e.kind, e.value) {
			panic("lsm: memtable full after makeRoomForWrite")
		}
		seq++
	}
}

// makeRoomForWrite ensures the memtable has room for cost more bytes: it
// freezes a full memtable (switching to a new WAL segment) and stalls while
// too many memtables wait for a flush or L0 holds too many tables. Called by
// the leader with the commit lock held.
func (d *DB) makeRoomForWrite(cost int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		if err := d.checkWritableLocked(); err != nil {
			return err
		}
		mem := d.mu.mem
		if mem.fits(cost) {
			return nil
		}
		if mem.empty() {
			// A batch larger than a whole memtable gets a memtable of its
			// own size; the empty one is simply replaced.
			d.mu.mem = newMemTable(mem.walNum, cost)
			d.publishReadStateLocked()
			return nil
		}
		if len(d.mu.imms) >= d.opts.MemTableStopWrites {
			d.metrics.stalls.Add(1)
			d.bgCond.Wait()
			continue
		}
		// With automatic compactions off nothing would ever end the stall.
		if len(d.mu.version.levels[0]) >= d.opts.L0StopWrites && !d.opts.DisableAutoCompactions {
			d.metrics.stalls.Add(1)
			d.maybeScheduleCompactionLocked()
			d.bgCond.Wait()
			continue
		}
		if err := d.rotateMemLocked(); err != nil {
			return err
		}
	}
}

// walSyncBehind is how many bytes of unsynced commits the WAL takes
// between syncs behind (record.Writer.SyncBehind): the sync that switching
// to a new WAL makes, with commits held up, then finds at most about this
// much to write, not a whole memtable's worth.
const walSyncBehind = 8 << 20

// rotateMemLocked freezes the memtable and starts a new one with a new WAL
// segment. The old segment is synced first: a crash may only lose a suffix
// of the log, and a write in the new segment must never survive while an
// older one in the previous segment is lost.
func (d *DB) rotateMemLocked() error {
	c := &d.commit
	if err := c.wal.Sync(); err != nil {
		return d.failLocked(fmt.Errorf("WAL sync: %w", err))
	}
	oldWAL := c.wal
	num := d.allocFileNumLocked()
	if err := d.openWAL(num); err != nil {
		return d.failLocked(err)
	}
	if err := oldWAL.Close(); err != nil {
		d.opts.Logger.Warn("lsm: close WAL", "err", err)
	}
	d.mu.imms = append(d.mu.imms, d.mu.mem)
	if a := d.mu.spareArena; len(a) == memArenaSize(int(d.opts.MemTableSize)) {
		d.mu.spareArena = nil
		d.mu.mem = newMemTableIn(num, a)
	} else {
		d.mu.mem = newMemTable(num, int(d.opts.MemTableSize))
	}
	d.publishReadStateLocked()
	select {
	case d.wakeFlush <- struct{}{}:
	default:
	}
	return nil
}
