package lsm

import (
	"bytes"
	"fmt"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// checkOrder panics if cur does not follow prev in the iteration direction.
// Only called when invariants is set: a broken order is a bug in the
// engine, and under test it must stop the test at the point it happens.
func checkOrder(what string, prev, cur []byte, fwd bool, cmp func(a, b []byte) int) {
	if prev == nil {
		return
	}
	c := cmp(prev, cur)
	if (fwd && c >= 0) || (!fwd && c <= 0) {
		panic(fmt.Sprintf("lsm invariant: %s out of order (forward=%v): %q then %q", what, fwd, prev, cur))
	}
}

// checkVersion panics if a version breaks the shape of the tree: L1+
// sorted and non-overlapping, every file's bounds ordered, L0 by sequence.
func checkVersion(v *version) {
	for level, files := range v.levels {
		for i, f := range files {
			if ikey.Compare(f.smallest, f.largest) > 0 {
				panic(fmt.Sprintf("lsm invariant: L%d %06d has smallest %s > largest %s", level, f.num, ikey.Format(f.smallest), ikey.Format(f.largest)))
			}
			if i == 0 {
				continue
			}
			prev := files[i-1]
			if level == 0 {
				if prev.largestSeq > f.largestSeq {
					panic(fmt.Sprintf("lsm invariant: L0 %06d (seq %d) ordered before %06d (seq %d)", prev.num, prev.largestSeq, f.num, f.largestSeq))
				}
				continue
			}
			c := bytes.Compare(prev.largestUser(), f.smallestUser())
			if c > 0 || (c == 0 && !prev.largestExclusive()) {
				panic(fmt.Sprintf("lsm invariant: L%d %06d and %06d overlap", level, prev.num, f.num))
			}
		}
	}
}
