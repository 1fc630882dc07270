package lsm

import (
	"fmt"
	"strings"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// describe renders the tree's shape for failure messages.
func (d *DB) describe() string {
	var b strings.Builder
	rs := d.loadReadState()
	if rs == nil {
		return "closed"
	}
	defer rs.unref()
	fmt.Fprintf(&b, "visible seq %d\n", d.visibleSeq.Load())
	mems := append([]*memTable{rs.mem}, rs.imms...)
	for i, m := range mems {
		fmt.Fprintf(&b, "mem %d (wal %d):", i, m.walNum)
		it := m.newIter()
		for ok := it.First(); ok; ok = it.Next() {
			fmt.Fprintf(&b, " %s", ikey.Format(it.Key()))
		}
		for _, t := range m.tombstones() {
			fmt.Fprintf(&b, " [%q,%q)#%d", t.Start, t.End, t.Seq)
		}
		b.WriteString("\n")
	}
	for level, files := range rs.version.levels {
		for _, f := range files {
			fmt.Fprintf(&b, "L%d %06d [%s .. %s]:", level, f.num, ikey.Format(f.smallest), ikey.Format(f.largest))
			r, err := d.tables.get(f)
			if err != nil {
				fmt.Fprintf(&b, " %v\n", err)
				continue
			}
			it := r.NewIter(nil, nil)
			for ok := it.First(); ok; ok = it.Next() {
				fmt.Fprintf(&b, " %s", ikey.Format(it.Key()))
			}
			it.Close()
			for _, t := range r.Tombstones() {
				fmt.Fprintf(&b, " [%q,%q)#%d", t.Start, t.End, t.Seq)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
