package lsm

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/vfs"
)

// flip corrupts one byte of a file at offset off (negative: from the end).
func flip(t *testing.T, fs vfs.FS, name string, off int) {
	t.Helper()
	data, err := vfs.ReadFile(fs, name)
	must(t, err)
	if off < 0 {
		// From the end of what was written: a WAL's allocated space
		// past it is zeros.
		end := len(data)
		for end > 0 && data[end-1] == 0 {
			end--
		}
		off += end
	}
	data[off] ^= 0x5a
	must(t, vfs.WriteFile(fs, name, data))
}

func filesOf(t *testing.T, fs vfs.FS, typ fileType) []string {
	t.Helper()
	names, err := fs.List("db")
	must(t, err)
	var out []string
	for _, n := range names {
		if ft, _ := parseFileName(n); ft == typ {
			out = append(out, "db/"+n)
		}
	}
	return out
}

// corruptionStore writes a store with one table and an unflushed WAL of
// several batches.
func corruptionStore(t *testing.T) vfs.FS {
	fs := vfs.NewMem()
	d := openMem(t, fs, nil)
	for i := range 200 {
		must(t, d.Set(fmt.Appendf(nil, "t%04d", i), []byte("table value"), NoSync))
	}
	must(t, d.Flush())
	for i := range 10 {
		must(t, d.Set(fmt.Appendf(nil, "w%04d", i), []byte("wal value"), NoSync))
	}
	must(t, d.Close())
	return fs
}

func wantCorruption(t *testing.T, err error, mentions ...string) {
	t.Helper()
	if !errors.Is(err, ikey.ErrCorruption) {
		t.Fatalf("error %v, want one wrapping ErrCorruption", err)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Fatalf("error %q does not mention %q", err, m)
		}
	}
}

func TestCorruptWALMiddleFailsOpen(t *testing.T) {
	fs := corruptionStore(t)
	wals := filesOf(t, fs, fileTypeWAL)
	if len(wals) != 1 {
		t.Fatalf("WALs: %v", wals)
	}
	flip(t, fs, wals[0], 40) // inside the first record, with valid ones after it
	_, err := Open("db", &Options{FS: fs})
	wantCorruption(t, err, wals[0], "offset")
	rep, err := Check("db", fs)
	must(t, err)
	if rep.OK() {
		t.Fatalf("check found nothing: %+v", rep)
	}
}

func TestTornWALTailIsTruncated(t *testing.T) {
	fs := corruptionStore(t)
	wals := filesOf(t, fs, fileTypeWAL)
	flip(t, fs, wals[0], -3) // inside the last record
	d, err := Open("db", &Options{FS: fs})
	must(t, err)
	defer d.Close()
	if _, err := d.Get([]byte("w0008")); err != nil {
		t.Fatalf("a write before the torn one: %v", err)
	}
	if _, err := d.Get([]byte("w0009")); err != ErrNotFound {
		t.Fatalf("the torn write: %v, want not found", err)
	}
}

func TestCorruptTableFooterFailsOpen(t *testing.T) {
	fs := corruptionStore(t)
	tables := filesOf(t, fs, fileTypeTable)
	if len(tables) != 1 {
		t.Fatalf("tables: %v", tables)
	}
	flip(t, fs, tables[0], -12)
	_, err := Open("db", &Options{FS: fs})
	wantCorruption(t, err, tables[0])
}

func TestCorruptTableBlockIsReported(t *testing.T) {
	fs := corruptionStore(t)
	tables := filesOf(t, fs, fileTypeTable)
	flip(t, fs, tables[0], 10) // the first data block
	rep, err := Check("db", fs)
	must(t, err)
	if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), tables[0]) {
		t.Fatalf("check: %+v", rep.Problems)
	}
	d, err := Open("db", &Options{FS: fs})
	must(t, err)
	defer d.Close()
	_, err = d.Get([]byte("t0000"))
	wantCorruption(t, err, tables[0], "offset")
	it := d.NewIter(nil)
	for ok := it.First(); ok; ok = it.Next() {
	}
	wantCorruption(t, it.Close(), tables[0])
}

func TestCorruptManifestFailsOpen(t *testing.T) {
	fs := corruptionStore(t)
	// Reopen a few times with flushes so the manifest has several records.
	d := openMem(t, fs, nil)
	must(t, d.Set([]byte("x"), []byte("y"), NoSync))
	must(t, d.Flush())
	must(t, d.Set([]byte("x"), []byte("z"), NoSync))
	must(t, d.Flush())
	must(t, d.Close())
	manifests := filesOf(t, fs, fileTypeManifest)
	if len(manifests) != 1 {
		t.Fatalf("manifests: %v", manifests)
	}
	flip(t, fs, manifests[0], 24) // inside the first (snapshot) record
	_, err := Open("db", &Options{FS: fs})
	wantCorruption(t, err, manifests[0])
}

func TestCurrentDamage(t *testing.T) {
	fs := corruptionStore(t)
	must(t, vfs.WriteFile(fs, "db/CURRENT", []byte("garbage")))
	_, err := Open("db", &Options{FS: fs})
	wantCorruption(t, err, "CURRENT")
	must(t, fs.Remove("db/CURRENT"))
	_, err = Open("db", &Options{FS: fs})
	wantCorruption(t, err, "CURRENT")
}
