package sstable

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/cairndb/cairn/internal/lsm/ikey"
)

// parseIKey parses "key#seq,KIND" (KIND one of SET, DEL, RANGEDEL, MAX); a
// bare "key" means key#SeqNumMax,MAX, the first internal key of key.
func parseIKey(t testing.TB, s string) []byte {
	t.Helper()
	i := strings.LastIndexByte(s, '#')
	if i < 0 {
		return ikey.Make(nil, []byte(s), ikey.SeqNumMax, ikey.KindMax)
	}
	rest := s[i+1:]
	kind := ikey.KindMax
	if j := strings.IndexByte(rest, ','); j >= 0 {
		switch rest[j+1:] {
		case "SET":
			kind = ikey.KindSet
		case "DEL":
			kind = ikey.KindDelete
		case "RANGEDEL", "MAX":
			kind = ikey.KindRangeDelete
		default:
			t.Fatalf("bad kind in %q", s)
		}
		rest = rest[:j]
	}
	seq, err := strconv.ParseUint(rest, 10, 64)
	if err != nil {
		t.Fatalf("bad seq in %q: %v", s, err)
	}
	return ikey.Make(nil, []byte(s[:i]), ikey.SeqNum(seq), kind)
}

func fmtEntry(k, v []byte) string {
	return fmt.Sprintf("%s: %s", ikey.Format(k), v)
}

func fmtMeta(m Meta) string {
	var b strings.Builder
	fmt.Fprintf(&b, "smallest: %s\n", fmtKey(m.Smallest))
	fmt.Fprintf(&b, "largest: %s", fmtKey(m.Largest))
	if m.Largest != nil && IsExclusiveSentinel(m.Largest) {
		b.WriteString(" (exclusive sentinel)")
	}
	fmt.Fprintf(&b, "\nsize: %d\nentries: %d tombstones: %d\nseqnums: [%d, %d]\n",
		m.Size, m.NumEntries, m.NumTombstones, m.SmallestSeq, m.LargestSeq)
	return b.String()
}

func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		if strings.Contains(path, "fuzz") {
			t.Skip()
		}
		var r *Reader
		var file *memFile
		cache := NewCache(1 << 20)
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			if td.Cmd != "build" && r == nil {
				return "no table"
			}
			switch td.Cmd {
			case "build":
				r = nil
				opts := DefaultWriterOptions()
				opts.Compression = NoCompression
				td.MaybeScanArgs(t, "block-size", &opts.BlockSize)
				td.MaybeScanArgs(t, "restart-interval", &opts.RestartInterval)
				td.MaybeScanArgs(t, "bloom-bits", &opts.BloomBitsPerKey)
				if td.HasArg("snappy") {
					opts.Compression = SnappyCompression
				}
				file = &memFile{}
				w := NewWriter(file, opts)
				for _, line := range strings.Split(td.Input, "\n") {
					f := strings.Fields(line)
					if len(f) == 0 {
						continue
					}
					if f[0] == "rangedel" {
						if len(f) != 4 || !strings.HasPrefix(f[3], "#") {
							t.Fatalf("%s: want: rangedel START END #SEQ", td.Pos)
						}
						seq, err := strconv.ParseUint(f[3][1:], 10, 64)
						if err != nil {
							t.Fatal(err)
						}
						if err := w.AddTombstone(ikey.Tombstone{Start: []byte(f[1]), End: []byte(f[2]), Seq: ikey.SeqNum(seq)}); err != nil {
							return err.Error()
						}
						continue
					}
					val := ""
					if len(f) > 1 {
						val = strings.Join(f[1:], " ")
					}
					if err := w.Add(parseIKey(t, f[0]), []byte(val)); err != nil {
						return err.Error()
					}
				}
				m, err := w.Close()
				if err != nil {
					return err.Error()
				}
				if !file.synced || !file.closed {
					t.Fatalf("writer did not sync and close the file")
				}
				file = file.reopen()
				cache.EvictFile(1)
				if r, err = Open(file, "test.sst", 1, cache); err != nil {
					return err.Error()
				}
				if got := r.Meta(); fmtMeta(got) != fmtMeta(m) {
					t.Fatalf("reader meta\n%s differs from writer meta\n%s", fmtMeta(got), fmtMeta(m))
				}
				if err := r.Check(); err != nil {
					t.Fatalf("check: %v", err)
				}
				return fmtMeta(m)

			case "iter":
				var lower, upper []byte
				if arg, ok := td.Arg("lower"); ok {
					lower = []byte(arg.SingleVal(t))
				}
				if arg, ok := td.Arg("upper"); ok {
					upper = []byte(arg.SingleVal(t))
				}
				it := r.NewIter(lower, upper)
				var b strings.Builder
				for _, line := range strings.Split(td.Input, "\n") {
					f := strings.Fields(line)
					if len(f) == 0 {
						continue
					}
					var ok bool
					switch f[0] {
					case "seek-ge":
						ok = it.SeekGE(parseIKey(t, f[1]))
					case "seek-lt":
						ok = it.SeekLT(parseIKey(t, f[1]))
					case "first":
						ok = it.First()
					case "last":
						ok = it.Last()
					case "next":
						ok = it.Next()
					case "prev":
						ok = it.Prev()
					default:
						t.Fatalf("%s: unknown op %q", td.Pos, f[0])
					}
					fmt.Fprintf(&b, "%-22s ", line)
					switch {
					case ok:
						b.WriteString(fmtEntry(it.Key(), it.Value()))
					case it.Error() != nil:
						fmt.Fprintf(&b, "err: %v", it.Error())
					default:
						b.WriteString(".")
					}
					b.WriteString("\n")
				}
				if err := it.Close(); err != nil {
					fmt.Fprintf(&b, "close: %v\n", err)
				}
				return b.String()

			case "get":
				var b strings.Builder
				for _, line := range strings.Split(td.Input, "\n") {
					f := strings.Fields(line)
					if len(f) == 0 {
						continue
					}
					seq := uint64(ikey.SeqNumMax)
					if len(f) > 1 {
						var err error
						if seq, err = strconv.ParseUint(f[1], 10, 64); err != nil {
							t.Fatal(err)
						}
					}
					e, found, err := r.Get([]byte(f[0]), ikey.SeqNum(seq))
					fmt.Fprintf(&b, "%-12s ", line)
					switch {
					case err != nil:
						fmt.Fprintf(&b, "err: %v\n", err)
					case !found:
						fmt.Fprintf(&b, "not found (bloom: %t)\n", r.MayContain([]byte(f[0])))
					default:
						fmt.Fprintf(&b, "%s#%d,%s: %s\n", f[0], e.Seq, e.Kind, e.Value)
					}
				}
				return b.String()

			case "tombstones":
				var b strings.Builder
				for _, ts := range r.Tombstones() {
					fmt.Fprintf(&b, "[%s, %s)#%d\n", ts.Start, ts.End, ts.Seq)
				}
				return b.String()

			case "layout":
				return layout(t, r)

			case "corrupt":
				// corrupt offset=N: flip a byte of the file, reopen.
				var off int
				td.ScanArgs(t, "offset", &off)
				if off < 0 {
					off += len(file.data)
				}
				file.data[off] ^= 0x40
				cache.EvictFile(1)
				var err error
				nr, err := Open(file, "test.sst", 1, cache)
				if err != nil {
					return "open: " + err.Error()
				}
				r = nr
				if err := r.Check(); err != nil {
					return "check: " + err.Error()
				}
				return "ok"

			default:
				t.Fatalf("%s: unknown command %q", td.Pos, td.Cmd)
			}
			return ""
		})
	})
}

// layout prints the table's blocks.
func layout(t *testing.T, r *Reader) string {
	var b strings.Builder
	var idx, data blockIter
	if err := idx.init(r.index); err != nil {
		t.Fatal(err)
	}
	for ok := idx.First(); ok; ok = idx.Next() {
		h, _ := decodeHandle(idx.Value())
		blk, err := r.readBlock(h, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := data.init(blk); err != nil {
			t.Fatal(err)
		}
		n := 0
		var first []byte
		for dok := data.First(); dok; dok = data.Next() {
			if n == 0 {
				first = append([]byte(nil), data.Key()...)
			}
			n++
		}
		data.Last()
		var typ [1]byte
		if _, err := r.f.ReadAt(typ[:], int64(h.offset+h.length)); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "data   offset=%d length=%d %s entries=%d restarts=%d [%s .. %s] sep=%s\n",
			h.offset, h.length, Compression(typ[0]), n, data.numRestarts, ikey.Format(first), ikey.Format(data.Key()), ikey.Format(idx.Key()))
	}
	ft := r.footer
	fmt.Fprintf(&b, "filter offset=%d length=%d\n", ft.filter.offset, ft.filter.length)
	fmt.Fprintf(&b, "rdel   offset=%d length=%d\n", ft.rangeDel.offset, ft.rangeDel.length)
	fmt.Fprintf(&b, "index  offset=%d length=%d\n", ft.index.offset, ft.index.length)
	fmt.Fprintf(&b, "props  offset=%d length=%d\n", ft.props.offset, ft.props.length)
	fmt.Fprintf(&b, "footer offset=%d length=%d\n", r.metaEnd, footerLen)
	return b.String()
}
