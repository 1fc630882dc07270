package lsm

import (
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

func openMem(t *testing.T, fs vfs.FS, o *Options) *DB {
	t.Helper()
	if o == nil {
		o = &Options{}
	}
	o.FS = fs
	d, err := Open("db", o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRangeDeleteEmptyStartSurvivesFlush(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		fs := vfs.NewMem()
		d := openMem(t, fs, nil)
		must(t, d.Set([]byte(""), []byte("v1"), NoSync))
		must(t, d.Set([]byte("a"), []byte("v2"), NoSync))
		must(t, d.DeleteRange([]byte(""), []byte("b"), NoSync))
		if reopen {
			must(t, d.Close())
			d = openMem(t, fs, nil)
		} else {
			must(t, d.Flush())
		}
		for _, k := range []string{"", "a"} {
			if v, err := d.Get([]byte(k)); err != ErrNotFound {
				t.Errorf("reopen=%v: get %q = %q, %v; want not found", reopen, k, v, err)
			}
		}
		it := d.NewIter(nil)
		if it.First() {
			t.Errorf("reopen=%v: scan finds %q", reopen, it.Key())
		}
		it.Close()
		must(t, d.Close())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
