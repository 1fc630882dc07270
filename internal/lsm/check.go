package lsm

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/lsm/record"
	"github.com/cairndb/cairn/internal/lsm/sstable"
	"github.com/cairndb/cairn/internal/vfs"
)

// CheckReport is what Check found.
type CheckReport struct {
	Manifest string
	Levels   [numLevels]LevelReport
	// Tables, Entries and Tombstones count what the tables hold.
	Tables, Entries, Tombstones uint64
	// WALs lists the WAL segments still to be replayed and their records.
	WALs []WALReport
	// Problems lists every inconsistency found; empty means healthy.
	Problems []string
}

// LevelReport describes one level.
type LevelReport struct {
	Files int
	Bytes uint64
}

// WALReport describes one WAL segment.
type WALReport struct {
	Name     string
	Records  int
	Writes   int
	TornTail bool
}

// OK reports whether Check found no problem.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies the store in dir without modifying it: the manifest
// replays and its levels are consistent, every table's blocks pass their
// checksums and hold strictly ordered keys within the bounds the manifest
// records, and the WAL segments decode (only the newest may have a torn
// tail). It takes the store's lock, so it cannot run on an open store.
func Check(dir string, fs vfs.FS) (*CheckReport, error) {
	if fs == nil {
		fs = vfs.Default
	}
	d := &DB{dir: dir, fs: fs, opts: Options{FS: fs}.withDefaults()}
	lock, err := fs.Lock(d.path(lockName))
	if err != nil {
		return nil, fmt.Errorf("lsm: check %s: %w", dir, err)
	}
	defer lock.Close()
	rep := &CheckReport{}
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }

	current, err := d.readCurrent()
	if err != nil {
		return nil, fmt.Errorf("lsm: check %s: %w", dir, err)
	}
	rep.Manifest = manifestName(current)
	v, edit, err := d.replayManifest(current)
	if err != nil {
		problem("%v", err)
		return rep, nil
	}
	for level, files := range v.levels {
		rep.Levels[level] = LevelReport{Files: len(files), Bytes: levelBytes(files)}
		for _, f := range files {
			rep.Tables++
			checkTable(d, level, f, rep, problem)
		}
	}

	names, err := fs.List(dir)
	if err != nil {
		return nil, fmt.Errorf("lsm: check %s: %w", dir, err)
	}
	var wals []uint64
	for _, n := range names {
		if t, num := parseFileName(n); t == fileTypeWAL && num >= edit.logNum {
			wals = append(wals, num)
		}
	}
	slices.Sort(wals)
	for i, num := range wals {
		rep.WALs = append(rep.WALs, checkWAL(d, num, i == len(wals)-1, problem))
	}
	return rep, nil
}

func checkTable(d *DB, level int, f *fileMeta, rep *CheckReport, problem func(string, ...any)) {
	name := d.path(tableName(f.num))
	file, err := d.fs.Open(name)
	if err != nil {
		problem("L%d %s: %v", level, tableName(f.num), err)
		return
	}
	r, err := sstable.Open(file, name, f.num, nil)
	if err != nil {
		file.Close()
		problem("L%d: %v", level, err)
		return
	}
	r.SetSplit(d.opts.Split)
	defer r.Close()
	if err := r.Check(); err != nil {
		problem("L%d: %v", level, err)
		return
	}
	m := r.Meta()
	rep.Entries += m.NumEntries
	rep.Tombstones += m.NumTombstones
	if ikey.Compare(m.Smallest, f.smallest) != 0 || ikey.Compare(m.Largest, f.largest) != 0 {
		problem("L%d %s: bounds [%s, %s] differ from the manifest's [%s, %s]", level, tableName(f.num),
			ikey.Format(m.Smallest), ikey.Format(m.Largest), ikey.Format(f.smallest), ikey.Format(f.largest))
	}
	if m.Size != f.size {
		problem("L%d %s: %d bytes, the manifest says %d", level, tableName(f.num), m.Size, f.size)
	}
}

func checkWAL(d *DB, num uint64, last bool, problem func(string, ...any)) WALReport {
	name := d.path(walName(num))
	wr := WALReport{Name: walName(num)}
	f, err := d.fs.Open(name)
	if err != nil {
		problem("%s: %v", wr.Name, err)
		return wr
	}
	defer f.Close()
	r, err := record.NewReader(f, name, walMagic)
	for err == nil {
		var payload []byte
		var off int64
		payload, off, err = r.Next()
		if err != nil {
			break
		}
		wr.Records++
		br, berr := newBatchReader(payload)
		for berr == nil {
			var ok bool
			if _, ok, berr = br.next(); !ok {
				break
			}
			wr.Writes++
		}
		if berr != nil {
			problem("%s: offset %d: %v", name, off, berr)
		}
	}
	switch {
	case errors.Is(err, io.EOF), unwritten(err):
	case errors.Is(err, record.ErrTornTail) && last:
		wr.TornTail = true
	case errors.Is(err, record.ErrTornTail):
		problem("%s: torn record in a WAL that is not the newest: %v", name, err)
	default:
		problem("%v", err)
	}
	return wr
}
