package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// errClass reduces an error to what callers may depend on, so that OS and Mem
// results compare although their messages differ.
func errClass(err error) string {
	switch {
	case err == nil:
		return "ok"
	case err == io.EOF:
		return "EOF"
	case errors.Is(err, ErrLocked):
		return "locked"
	case errors.Is(err, fs.ErrNotExist):
		return "notexist"
	case errors.Is(err, fs.ErrClosed):
		return "closed"
	case errors.Is(err, syscall.ENOTEMPTY):
		return "notempty"
	case errors.Is(err, syscall.EISDIR):
		return "isdir"
	case errors.Is(err, syscall.ENOTDIR):
		return "notdir"
	case errors.Is(err, syscall.EBADF):
		return "badf"
	}
	return "other: " + err.Error()
}

// conformer applies one operation sequence to two file systems and
// compares every result.
type conformer struct {
	t       *testing.T
	osFS    FS
	mem     FS
	root    string
	log     []string
	handles [][2]File // OS, Mem
	locks   [][2]io.Closer
}

func (c *conformer) fail(format string, args ...any) {
	c.t.Helper()
	// The last operations are enough to reproduce by hand; the seed in the
	// subtest name reproduces exactly.
	last := c.log[max(0, len(c.log)-40):]
	c.t.Fatalf("%s\nlast %d operations:\n\t%s", fmt.Sprintf(format, args...), len(last), strings.Join(last, "\n\t"))
}

func (c *conformer) compare(what string, osv, memv any, osErr, memErr error) {
	c.t.Helper()
	c.log = append(c.log, fmt.Sprintf("%s -> %v %s", what, osv, errClass(osErr)))
	if oc, mc := errClass(osErr), errClass(memErr); oc != mc {
		c.fail("%s: OS error %q, Mem error %q", what, oc, mc)
	}
	if fmt.Sprint(osv) != fmt.Sprint(memv) {
		c.fail("%s: OS %v, Mem %v", what, osv, memv)
	}
}

func (c *conformer) path(rel string) string { return filepath.Join(c.root, rel) }

var (
	confDirs  = []string{"d", "d/e", "x"}
	confFiles = []string{"a", "b", "d/a", "d/b", "d/e/a", "x/a"}
)

func (c *conformer) step(rng *rand.Rand) {
	c.t.Helper()
	file := c.path(confFiles[rng.IntN(len(confFiles))])
	dir := c.path(confDirs[rng.IntN(len(confDirs))])
	if rng.IntN(5) == 0 {
		dir = c.root
	}
	var h [2]File
	hi := -1
	if len(c.handles) > 0 {
		hi = rng.IntN(len(c.handles))
		h = c.handles[hi]
	}
	switch op := rng.IntN(18); {
	case op == 0:
		c.compare("MkdirAll "+dir, nil, nil, c.osFS.MkdirAll(dir), c.mem.MkdirAll(dir))
	case op == 1 || op == 2:
		of, oerr := c.osFS.Create(file)
		mf, merr := c.mem.Create(file)
		c.compare("Create "+file, nil, nil, oerr, merr)
		if oerr == nil {
			c.handles = append(c.handles, [2]File{of, mf})
		}
	case op == 3:
		of, oerr := c.osFS.Open(file)
		mf, merr := c.mem.Open(file)
		c.compare("Open "+file, nil, nil, oerr, merr)
		if oerr == nil {
			c.handles = append(c.handles, [2]File{of, mf})
		}
	case (op == 4 || op == 5) && hi >= 0:
		p := make([]byte, rng.IntN(20))
		for i := range p {
			p[i] = byte('a' + rng.IntN(26))
		}
		on, oerr := h[0].Write(p)
		mn, merr := h[1].Write(p)
		c.compare(fmt.Sprintf("Write #%d %q", hi, p), on, mn, oerr, merr)
	case op == 6 && hi >= 0:
		c.compare(fmt.Sprintf("Sync #%d", hi), nil, nil, h[0].Sync(), h[1].Sync())
	case op == 7 && hi >= 0:
		off := int64(rng.IntN(40))
		n := rng.IntN(20)
		ob, mb := make([]byte, n), make([]byte, n)
		on, oerr := h[0].ReadAt(ob, off)
		mn, merr := h[1].ReadAt(mb, off)
		// io.ReaderAt lets a full read end with either nil or EOF.
		if on == len(ob) && oerr == io.EOF {
			oerr = nil
		}
		if mn == len(mb) && merr == io.EOF {
			merr = nil
		}
		c.compare(fmt.Sprintf("ReadAt #%d %d,%d", hi, off, len(ob)), string(ob[:on]), string(mb[:mn]), oerr, merr)
	case op == 8 && hi >= 0:
		osz, oerr := h[0].Size()
		msz, merr := h[1].Size()
		c.compare(fmt.Sprintf("Size #%d", hi), osz, msz, oerr, merr)
	case op == 9 && hi >= 0:
		c.compare(fmt.Sprintf("Close #%d", hi), nil, nil, h[0].Close(), h[1].Close())
		c.handles = slices.Delete(c.handles, hi, hi+1)
	case op == 10:
		to := c.path(confFiles[rng.IntN(len(confFiles))])
		c.compare("Rename "+file+" "+to, nil, nil, c.osFS.Rename(file, to), c.mem.Rename(file, to))
	case op == 11:
		name := file
		if rng.IntN(3) == 0 {
			name = dir
		}
		if name != c.root {
			c.compare("Remove "+name, nil, nil, c.osFS.Remove(name), c.mem.Remove(name))
		}
	case op == 12:
		on, oerr := c.osFS.List(dir)
		mn, merr := c.mem.List(dir)
		c.compare("List "+dir, on, mn, oerr, merr)
	case op == 13:
		osz, oerr := c.osFS.Stat(file)
		msz, merr := c.mem.Stat(file)
		c.compare("Stat "+file, osz, msz, oerr, merr)
	case op == 16 && hi >= 0:
		size := int64(rng.IntN(60))
		c.compare(fmt.Sprintf("Allocate #%d %d", hi, size), nil, nil, h[0].Allocate(size), h[1].Allocate(size))
	case op == 17 && hi >= 0:
		c.compare(fmt.Sprintf("SyncData #%d", hi), nil, nil, h[0].SyncData(), h[1].SyncData())
	case op == 14:
		c.compare("SyncDir "+dir, nil, nil, c.osFS.SyncDir(dir), c.mem.SyncDir(dir))
	case op == 15:
		if len(c.locks) > 0 && rng.IntN(2) == 0 {
			l := c.locks[len(c.locks)-1]
			c.locks = c.locks[:len(c.locks)-1]
			c.compare("Unlock", nil, nil, l[0].Close(), l[1].Close())
			return
		}
		name := c.path("LOCK")
		ol, oerr := c.osFS.Lock(name)
		ml, merr := c.mem.Lock(name)
		c.compare("Lock", nil, nil, oerr, merr)
		if oerr == nil {
			c.locks = append(c.locks, [2]io.Closer{ol, ml})
		}
	}
}

// compareTrees compares every directory listing and file's contents.
func (c *conformer) compareTrees() {
	c.t.Helper()
	for _, d := range append([]string{"."}, confDirs...) {
		dir := c.path(d)
		on, oerr := c.osFS.List(dir)
		mn, merr := c.mem.List(dir)
		c.compare("tree: List "+dir, on, mn, oerr, merr)
	}
	for _, f := range append([]string{"LOCK"}, confFiles...) {
		name := c.path(f)
		od, oerr := ReadFile(c.osFS, name)
		md, merr := ReadFile(c.mem, name)
		c.compare("tree: ReadFile "+name, string(od), string(md), oerr, merr)
	}
}

func (c *conformer) closeAll() {
	for _, h := range c.handles {
		h[0].Close()
		h[1].Close()
	}
	for _, l := range c.locks {
		l[0].Close()
		l[1].Close()
	}
}

func TestConformanceOSMem(t *testing.T) {
	// Fixed seeds keep the suite reproducible; one fresh seed a run widens
	// coverage over time. Real fsyncs make each run cost real time.
	nfixed := uint64(8)
	if testing.Short() {
		nfixed = 2
	}
	seeds := []uint64{uint64(time.Now().UnixNano())}
	for s := range nfixed {
		seeds = append(seeds, s)
	}
	// Seeds fresh runs found a divergence with, kept: 1795702064928604079
	// wrote nothing through a handle whose file was truncated under it
	// (TestMemEmptyWritePastEnd).
	seeds = append(seeds, 1795702064928604079)
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			// The same absolute path on both, so results compare verbatim.
			root := t.TempDir()
			c := &conformer{t: t, osFS: OS(), mem: NewMem(), root: root}
			must(t, c.mem.MkdirAll(root))
			defer c.closeAll()
			rng := rand.New(rand.NewPCG(seed, seed))
			for i := range 300 {
				c.step(rng)
				if i%25 == 24 {
					c.compareTrees()
				}
			}
			c.compareTrees()
		})
	}
}
