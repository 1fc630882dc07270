package lsm

import (
	"bytes"
	"slices"
	"sort"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// fragment is a piece [start, end) of the key space over which the same set
// of range tombstones applies. seqs holds their sequence numbers, newest
// first.
type fragment struct {
	start, end []byte
	seqs       []ikey.SeqNum
}

// fragments is a sorted list of non-overlapping fragments. Fragmenting
// overlapping tombstones once makes "which tombstones cover this key" a
// binary search.
type fragments []fragment

// fragmentTombstones splits possibly overlapping tombstones into fragments.
func fragmentTombstones(tombs []ikey.Tombstone) fragments {
	if len(tombs) == 0 {
		return nil
	}
	bounds := make([][]byte, 0, 2*len(tombs))
	for _, t := range tombs {
		if bytes.Compare(t.Start, t.End) < 0 {
			bounds = append(bounds, t.Start, t.End)
		}
	}
	slices.SortFunc(bounds, bytes.Compare)
	bounds = slices.CompactFunc(bounds, bytes.Equal)
	sorted := slices.Clone(tombs)
	slices.SortFunc(sorted, func(a, b ikey.Tombstone) int { return bytes.Compare(a.Start, b.Start) })

	var out fragments
	var active []ikey.Tombstone
	j := 0
	for i := 0; i+1 < len(bounds); i++ {
		lo, hi := bounds[i], bounds[i+1]
		for j < len(sorted) && bytes.Compare(sorted[j].Start, lo) <= 0 {
			if bytes.Compare(sorted[j].Start, sorted[j].End) < 0 {
				active = append(active, sorted[j])
			}
			j++
		}
		active = slices.DeleteFunc(active, func(t ikey.Tombstone) bool { return bytes.Compare(t.End, lo) <= 0 })
		if len(active) == 0 {
			continue
		}
		seqs := make([]ikey.SeqNum, len(active))
		for k, t := range active {
			seqs[k] = t.Seq
		}
		slices.Sort(seqs)
		slices.Reverse(seqs)
		seqs = slices.Compact(seqs)
		out = append(out, fragment{start: lo, end: hi, seqs: seqs})
	}
	return out
}

// find returns the fragment containing ukey, or nil.
func (f fragments) find(ukey []byte) *fragment {
	i := sort.Search(len(f), func(i int) bool { return bytes.Compare(f[i].end, ukey) > 0 })
	if i < len(f) && bytes.Compare(f[i].start, ukey) <= 0 {
		return &f[i]
	}
	return nil
}

// maxSeq returns the newest tombstone sequence number covering ukey that is
// visible at snapshot seq snap, or 0.
func (f fragments) maxSeq(ukey []byte, snap ikey.SeqNum) ikey.SeqNum {
	fr := f.find(ukey)
	if fr == nil {
		return 0
	}
	for _, s := range fr.seqs {
		if s <= snap {
			return s
		}
	}
	return 0
}

// maxCoveringSeq returns the newest sequence number of a tombstone in tombs
// that covers ukey and is visible at snap, or 0. It scans: used on the point
// read path where each source holds few tombstones.
func maxCoveringSeq(tombs []ikey.Tombstone, ukey []byte, snap ikey.SeqNum) ikey.SeqNum {
	var m ikey.SeqNum
	for _, t := range tombs {
		if t.Seq <= snap && t.Seq > m && bytes.Compare(t.Start, ukey) <= 0 && bytes.Compare(ukey, t.End) < 0 {
			m = t.Seq
		}
	}
	return m
}
