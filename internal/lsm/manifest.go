package lsm

import (
	"fmt"

	"github.com/cairndb/cairn/internal/lsm/ikey"
	"github.com/cairndb/cairn/internal/lsm/record"
)

// logAndApply makes an edit durable in the manifest and installs the
// resulting version. installed runs with mu held as the version is swapped
// in, for state that must change atomically with it. The caller holds
// manifestMu, which serializes version changes, so the version the edit was
// built against is still current when it is installed.
func (d *DB) logAndApply(ve *versionEdit, installed func()) error {
	d.mu.Lock()
	ve.hasNextFileNum, ve.nextFileNum = true, d.mu.nextFileNum
	ve.hasLastSeq, ve.lastSeq = true, ikey.SeqNum(d.visibleSeq.Load())
	nv, err := d.mu.version.apply(ve)
	d.mu.Unlock()
	if err != nil {
		return err
	}
	if d.manifest.size >= d.opts.MaxManifestSize {
		// Rotate: the new manifest starts with a snapshot of nv, so this
		// edit needs no record of its own.
		err = d.writeManifest(nv, ve)
	} else {
		if err = d.manifest.w.Add(ve.encode(nil)); err == nil {
			err = d.manifest.w.Sync()
		}
		d.manifest.size = d.manifest.w.Size()
	}
	if err != nil {
		// The edit may have reached the manifest even though its sync
		// failed, so the next open may well use the tables it adds: drop
		// the references without deleting anything.
		nv.onObsolete = nil
		nv.unref()
		return fmt.Errorf("manifest: %w", err)
	}
	d.mu.Lock()
	old := d.mu.version
	d.mu.version = nv
	if ve.hasLogNum {
		d.mu.logNum = ve.logNum
	}
	if installed != nil {
		installed()
	}
	d.publishReadStateLocked()
	d.mu.Unlock()
	old.unref()
	return nil
}

// writeNewManifest starts a new manifest holding the current version. Used
// at open, so the store never appends to a manifest whose tail may be torn.
func (d *DB) writeNewManifest(lastSeq ikey.SeqNum) error {
	ve := &versionEdit{hasLastSeq: true, lastSeq: lastSeq}
	return d.writeManifest(d.mu.version, ve)
}

// writeManifest writes a new manifest whose first record recreates v with
// the counters of ve, then points CURRENT at it. CURRENT is replaced
// atomically: written to a temporary file, synced, renamed over, and the
// directory synced, so after a crash it names either the old manifest (still
// complete) or the new one (already synced).
func (d *DB) writeManifest(v *version, counters *versionEdit) error {
	num := d.allocFileNumSync()
	snap := v.snapshotEdit()
	snap.hasLogNum, snap.logNum = true, d.logNumSync(counters)
	snap.hasNextFileNum, snap.nextFileNum = true, d.nextFileNumSync()
	snap.hasLastSeq, snap.lastSeq = true, counters.lastSeq

	name := d.path(manifestName(num))
	f, err := d.fs.Create(name)
	if err != nil {
		return fmt.Errorf("create manifest: %w", err)
	}
	w, err := record.NewWriter(f, manifestMagic)
	if err == nil {
		err = w.Add(snap.encode(nil))
	}
	if err == nil {
		err = w.Sync()
	}
	if err == nil {
		err = d.fs.SyncDir(d.dir)
	}
	renamed := false
	if err == nil {
		renamed, err = d.setCurrent(num)
	}
	if err != nil {
		f.Close()
		if !renamed {
			// Once CURRENT may name it, the new manifest must stay.
			d.fs.Remove(name)
		}
		return fmt.Errorf("write manifest %s: %w", name, err)
	}
	if d.manifest.w != nil {
		d.manifest.w.Close()
	}
	d.manifest.w, d.manifest.f, d.manifest.num, d.manifest.size = w, f, num, w.Size()
	d.metrics.manifestRotations.Add(1)
	return nil
}

// setCurrent points CURRENT at manifest num. renamed reports whether the
// rename happened, after which CURRENT may name the new manifest even if
// an error follows.
func (d *DB) setCurrent(num uint64) (renamed bool, err error) {
	// The temporary file must survive a concurrent deleteObsoleteFiles,
	// which removes leftover temporaries of crashed rotations.
	d.mu.Lock()
	tmpNum := d.allocFileNumLocked()
	d.mu.pendingOutputs[tmpNum] = true
	d.mu.Unlock()
	defer d.releasePending([]*fileMeta{{num: tmpNum}})
	tmp := d.path(tempName(tmpNum))
	f, err := d.fs.Create(tmp)
	if err != nil {
		return false, err
	}
	_, err = f.Write([]byte(manifestName(num) + "\n"))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.fs.Rename(tmp, d.path(currentName))
		renamed = err == nil
	}
	if err == nil {
		err = d.fs.SyncDir(d.dir)
	}
	if err != nil {
		if !renamed {
			d.fs.Remove(tmp)
		}
		return renamed, fmt.Errorf("set %s: %w", currentName, err)
	}
	return true, nil
}

// The helpers below read counters under mu. At open mu is not yet shared,
// but taking it costs nothing and keeps one rule for every caller.

func (d *DB) allocFileNumSync() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.allocFileNumLocked()
}

func (d *DB) nextFileNumSync() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mu.nextFileNum
}

func (d *DB) logNumSync(ve *versionEdit) uint64 {
	if ve.hasLogNum {
		return ve.logNum
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mu.logNum
}
