package lsm

import (
	"bytes"
	"errors"
	"sort"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// errCompactionCanceled stops a compaction when the store closes; its
// outputs are discarded and its inputs stay, so nothing is lost.
var errCompactionCanceled = errors.New("lsm: compaction canceled by close")

// compactionIter filters the merged entries of a flush or compaction down to
// what must survive.
//
// Snapshots cut the sequence-number space into stripes: stripe i holds the
// sequence numbers visible to snapshot i but not to snapshot i-1 (the last
// stripe is everything newer than the newest snapshot). Within one stripe
// only the newest version of a key can ever be read, so:
//
//   - a version shadowed by a newer version in its stripe is dropped;
//   - a version covered by a range tombstone of its stripe is dropped;
//   - a point tombstone in the oldest stripe is dropped when the output is
//     the bottommost place the key can live (nothing older remains below);
//   - a range tombstone in the oldest stripe is dropped under the same
//     condition, and of several tombstones over one fragment in one stripe
//     only the newest is kept.
type compactionIter struct {
	iter       ikey.Iterator
	frags      fragments
	snapshots  []ikey.SeqNum // ascending
	bottommost bool
	filter     CompactionFilterRun // may be nil
	release    func()              // ends the filter's hold on a version; may be nil
	// cancel, when closed, stops the iteration with errCompactionCanceled:
	// Close does not wait for a long compaction to finish.
	cancel <-chan struct{}
	// done, when closed, stops it the same way (a manual compaction's
	// context).
	done  <-chan struct{}
	steps int

	curUser    []byte
	curStripe  int
	haveCur    bool
	dropped    uint64
	err        error
	positioned bool
}

func (c *compactionIter) stripe(seq ikey.SeqNum) int {
	return sort.Search(len(c.snapshots), func(i int) bool { return c.snapshots[i] >= seq })
}

// next advances to the next entry to keep. Key and Value come from iter.
func (c *compactionIter) next() bool {
	var ok bool
	if !c.positioned {
		ok = c.iter.First()
		c.positioned = true
	} else {
		ok = c.iter.Next()
	}
	for ; ok; ok = c.iter.Next() {
		if c.steps++; c.steps&4095 == 0 && (c.cancel != nil || c.done != nil) {
			select {
			case <-c.cancel:
				c.err = errCompactionCanceled
				return false
			case <-c.done:
				c.err = errCompactionCanceled
				return false
			default:
			}
		}
		k := c.iter.Key()
		u := ikey.UserKey(k)
		s := ikey.Seq(k)
		st := c.stripe(s)
		if c.haveCur && st == c.curStripe && bytes.Equal(u, c.curUser) {
			c.dropped++
			continue
		}
		c.curUser = append(c.curUser[:0], u...)
		c.curStripe = st
		c.haveCur = true
		if c.covered(u, s, st) {
			c.dropped++
			continue
		}
		kind := ikey.KindOf(k)
		if kind == ikey.KindDelete && c.bottommost && st == 0 {
			c.dropped++
			continue
		}
		if c.filter != nil && c.filter.Drop(u, c.iter.Value(), kind == ikey.KindDelete) {
			c.dropped++
			continue
		}
		return true
	}
	c.err = c.iter.Error()
	return false
}

func (c *compactionIter) covered(u []byte, s ikey.SeqNum, st int) bool {
	fr := c.frags.find(u)
	if fr == nil {
		return false
	}
	// The oldest tombstone newer than the version decides: if it is in the
	// version's stripe, every snapshot that sees the version sees it too.
	var oldestNewer ikey.SeqNum
	for _, ts := range fr.seqs {
		if ts <= s {
			break
		}
		oldestNewer = ts
	}
	return oldestNewer != 0 && c.stripe(oldestNewer) == st
}

// tombstones returns the range tombstones to write: one per fragment and
// stripe, dropping those of the oldest stripe at the bottom.
func (c *compactionIter) tombstones() []ikey.Tombstone {
	var out []ikey.Tombstone
	for _, fr := range c.frags {
		last := -1
		for _, s := range fr.seqs {
			st := c.stripe(s)
			if st == last {
				continue
			}
			last = st
			if c.bottommost && st == 0 {
				continue
			}
			out = append(out, ikey.Tombstone{Start: fr.start, End: fr.end, Seq: s})
		}
	}
	return out
}

// clipTombstones returns the parts of tombs inside [lo, hi); nil bounds are
// unbounded.
func clipTombstones(tombs []ikey.Tombstone, lo, hi []byte) []ikey.Tombstone {
	var out []ikey.Tombstone
	for _, t := range tombs {
		if lo != nil && bytes.Compare(t.Start, lo) < 0 {
			t.Start = lo
		}
		if hi != nil && bytes.Compare(t.End, hi) > 0 {
			t.End = hi
		}
		if bytes.Compare(t.Start, t.End) < 0 {
			out = append(out, t)
		}
	}
	return out
}
