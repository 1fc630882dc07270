package lsm

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// TestDataDriven runs the golden scripts in testdata/: writes, flushes,
// compactions, snapshots, and iterator moves, printing what the store shows.
//
//	batch                      lines: set k v | del k | del-range a b
//	flush
//	compact [lo=a] [hi=b]
//	reopen
//	snapshot name=s
//	get [snapshot=s]           lines: keys
//	iter [snapshot=s] [lower=a] [upper=b]
//	                           lines: first | last | seek-ge k | seek-lt k | next | prev
//	lsm                        the tables of each level
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		fs := vfs.NewMem()
		opts := &Options{FS: fs, DisableAutoCompactions: true}
		d, err := Open("db", opts)
		must(t, err)
		defer func() { d.Close() }()
		snaps := map[string]*Snapshot{}
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			switch td.Cmd {
			case "batch":
				b := NewBatch()
				for _, line := range strings.Split(td.Input, "\n") {
					f := strings.Fields(line)
					switch {
					case len(f) == 3 && f[0] == "set":
						b.Set([]byte(f[1]), []byte(f[2]))
					case len(f) == 2 && f[0] == "set":
						b.Set([]byte(f[1]), nil)
					case len(f) == 2 && f[0] == "del":
						b.Delete([]byte(f[1]))
					case len(f) == 3 && f[0] == "del-range":
						b.DeleteRange([]byte(f[1]), []byte(f[2]))
					default:
						td.Fatalf(t, "bad batch line %q", line)
					}
				}
				if err := d.Apply(b, Sync); err != nil {
					return err.Error()
				}
				return ""
			case "flush":
				if err := d.Flush(); err != nil {
					return err.Error()
				}
				return ""
			case "compact":
				var lo, hi []byte
				if td.HasArg("lo") {
					lo = []byte(arg(t, td, "lo"))
				}
				if td.HasArg("hi") {
					hi = []byte(arg(t, td, "hi"))
				}
				if err := d.Compact(context.Background(), lo, hi); err != nil {
					return err.Error()
				}
				return describeLevels(d)
			case "reopen":
				for _, s := range snaps {
					s.Close()
				}
				snaps = map[string]*Snapshot{}
				must(t, d.Close())
				d, err = Open("db", opts)
				if err != nil {
					return err.Error()
				}
				return ""
			case "snapshot":
				snaps[arg(t, td, "name")] = d.NewSnapshot()
				return ""
			case "get":
				var b strings.Builder
				for _, k := range strings.Fields(td.Input) {
					var v []byte
					var err error
					if td.HasArg("snapshot") {
						v, err = snaps[arg(t, td, "snapshot")].Get([]byte(k))
					} else {
						v, err = d.Get([]byte(k))
					}
					if err != nil {
						fmt.Fprintf(&b, "%s: %v\n", k, err)
					} else {
						fmt.Fprintf(&b, "%s: %s\n", k, v)
					}
				}
				return b.String()
			case "iter":
				o := &IterOptions{}
				if td.HasArg("lower") {
					o.LowerBound = []byte(arg(t, td, "lower"))
				}
				if td.HasArg("upper") {
					o.UpperBound = []byte(arg(t, td, "upper"))
				}
				var it *Iterator
				if td.HasArg("snapshot") {
					it = snaps[arg(t, td, "snapshot")].NewIter(o)
				} else {
					it = d.NewIter(o)
				}
				defer it.Close()
				var b strings.Builder
				for _, line := range strings.Split(td.Input, "\n") {
					f := strings.Fields(line)
					var ok bool
					switch f[0] {
					case "first":
						ok = it.First()
					case "last":
						ok = it.Last()
					case "seek-ge":
						ok = it.SeekGE([]byte(f[1]))
					case "seek-lt":
						ok = it.SeekLT([]byte(f[1]))
					case "next":
						ok = it.Next()
					case "prev":
						ok = it.Prev()
					default:
						td.Fatalf(t, "bad iter op %q", line)
					}
					if ok {
						fmt.Fprintf(&b, "%s: %s\n", it.Key(), it.Value())
					} else if err := it.Error(); err != nil {
						fmt.Fprintf(&b, "err: %v\n", err)
					} else {
						b.WriteString(".\n")
					}
				}
				return b.String()
			case "lsm":
				return describeLevels(d)
			}
			td.Fatalf(t, "unknown command %q", td.Cmd)
			return ""
		})
	})
}

func arg(t *testing.T, td *datadriven.TestData, name string) string {
	var s string
	td.ScanArgs(t, name, &s)
	return s
}

// describeLevels prints each level's tables with their bounds (file
// numbers omitted: they depend on incidental allocation order).
func describeLevels(d *DB) string {
	rs := d.loadReadState()
	defer rs.unref()
	var b strings.Builder
	for level, files := range rs.version.levels {
		for _, f := range files {
			rd := ""
			if f.hasRangeDels {
				rd = " rangedels"
			}
			fmt.Fprintf(&b, "L%d: %s-%s%s\n", level, ikey.Format(f.smallest), ikey.Format(f.largest), rd)
		}
	}
	if b.Len() == 0 {
		return "empty\n"
	}
	return b.String()
}
