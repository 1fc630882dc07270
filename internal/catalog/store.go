package catalog

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

var (
	keyNextID  = []byte("ci")
	keyVersion = []byte("cv")
)

func descKey(id uint32) []byte { return binary.BigEndian.AppendUint32([]byte("cd"), id) }
func nameKey(name string) []byte {
	return append([]byte("cn"), name...)
}

// nameEntry is what a name in the namespace denotes.
type nameEntry struct {
	table, index uint32
}

func (e nameEntry) encode() []byte {
	b := binary.BigEndian.AppendUint32(nil, e.table)
	return binary.BigEndian.AppendUint32(b, e.index)
}

func lookupName(txn *mvcc.Txn, name string) (nameEntry, bool, error) {
	v, ok, err := txn.Get(nameKey(name))
	if err != nil || !ok {
		return nameEntry{}, false, err
	}
	if len(v) != 8 {
		return nameEntry{}, false, sqlerr.New(sqlerr.DataCorrupted, "catalog: name entry %q is %d bytes", name, len(v))
	}
	return nameEntry{binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:])}, true, nil
}

func readU64(txn *mvcc.Txn, key []byte) (uint64, error) {
	v, ok, err := txn.Get(key)
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, sqlerr.New(sqlerr.DataCorrupted, "catalog: counter %q is %d bytes", key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// SchemaVersion returns the schema version as txn sees it.
func SchemaVersion(txn *mvcc.Txn) (uint64, error) { return readU64(txn, keyVersion) }

// SchemaChangedBy reports whether txn itself changed the schema. Its
// schema version is then not yet committed and may be rolled back, so
// the same number could later name a different schema: nothing keyed by
// it may outlive the transaction.
func SchemaChangedBy(txn *mvcc.Txn) bool { return txn.Wrote(keyVersion) }

func bumpVersion(txn *mvcc.Txn) error {
	v, err := SchemaVersion(txn)
	if err != nil {
		return err
	}
	return txn.Put(keyVersion, binary.BigEndian.AppendUint64(nil, v+1))
}

func allocID(txn *mvcc.Txn) (uint32, error) {
	n, err := readU64(txn, keyNextID)
	if err != nil {
		return 0, err
	}
	// Ids start above a small reserved range for system objects.
	id := max(uint32(n), 100)
	return id, txn.Put(keyNextID, binary.BigEndian.AppendUint64(nil, uint64(id)+1))
}

// errExists is PostgreSQL's error for a taken name.
func errExists(name string) error {
	return sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", name)
}

// checkNotType refuses a relation name that a type has: in PostgreSQL
// a relation has a row type of its name.
func checkNotType(txn *mvcc.Txn, name string) error {
	if _, ok, err := LookupType(txn, name); err != nil {
		return err
	} else if ok {
		return ErrTypeExists(name).WithHint("A relation has an associated type of the same name, so you must use a name that doesn't conflict with any existing type.")
	}
	return nil
}

// ErrUndefinedTable is PostgreSQL's error for a missing relation.
func ErrUndefinedTable(name string) error {
	return sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", name)
}

// names returns the namespace entries a descriptor owns.
func names(d *Descriptor) map[string]nameEntry {
	m := map[string]nameEntry{d.Name: {d.ID, 0}}
	if d.Kind == KindTable {
		if d.Primary.Name != "" {
			m[d.Primary.Name] = nameEntry{d.ID, d.Primary.ID}
		}
		for _, ix := range d.Indexes {
			m[ix.Name] = nameEntry{d.ID, ix.ID}
		}
	}
	return m
}

// Create stores a new object, giving it an id (set in d). Its name and
// its indexes' names must be free.
func Create(txn *mvcc.Txn, d *Descriptor) error {
	if err := validate(d); err != nil {
		return err
	}
	for name := range names(d) {
		if _, ok, err := lookupName(txn, name); err != nil {
			return err
		} else if ok {
			return errExists(name)
		}
	}
	if err := checkNotType(txn, d.Name); err != nil {
		return err
	}
	id, err := allocID(txn)
	if err != nil {
		return err
	}
	d.ID = id
	return write(txn, nil, d)
}

// write stores d, replacing old (nil for a new object): the descriptor,
// the namespace entries that changed, and a new schema version.
func write(txn *mvcc.Txn, old, d *Descriptor) error {
	if err := validate(d); err != nil {
		return err
	}
	buf, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("catalog: encode %q: %w", d.Name, err)
	}
	if err := txn.Put(descKey(d.ID), buf); err != nil {
		return err
	}
	var oldNames map[string]nameEntry
	if old != nil {
		oldNames = names(old)
	}
	newNames := names(d)
	for name := range oldNames {
		if _, keep := newNames[name]; !keep {
			if err := txn.Delete(nameKey(name)); err != nil {
				return err
			}
		}
	}
	for name, e := range newNames {
		if prev, had := oldNames[name]; had && prev == e {
			continue
		}
		if _, taken := oldNames[name]; !taken {
			if _, ok, err := lookupName(txn, name); err != nil {
				return err
			} else if ok {
				return errExists(name)
			}
			if e.index == 0 {
				if err := checkNotType(txn, name); err != nil {
					return err
				}
			}
		}
		if err := txn.Put(nameKey(name), e.encode()); err != nil {
			return err
		}
	}
	return bumpVersion(txn)
}

// validate checks a descriptor's internal consistency before it is stored.
func validate(d *Descriptor) error {
	if d.Name == "" {
		return sqlerr.New(sqlerr.InvalidTableDefinition, "catalog: object %d has no name", d.ID)
	}
	seen := map[string]bool{}
	for _, c := range d.Columns {
		if seen[c.Name] {
			return sqlerr.New(sqlerr.DuplicateColumn, "column %q specified more than once", c.Name)
		}
		seen[c.Name] = true
		if c.ID == 0 || c.ID >= d.NextColumnID {
			return sqlerr.New(sqlerr.InternalError, "catalog: column %q of %q has id %d (next %d)", c.Name, d.Name, c.ID, d.NextColumnID)
		}
	}
	return nil
}

// ByID returns a copy of the descriptor with id.
func ByID(txn *mvcc.Txn, id uint32) (*Descriptor, error) {
	v, ok, err := txn.Get(descKey(id))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, sqlerr.New(sqlerr.UndefinedObject, "catalog: no object with id %d", id)
	}
	d := &Descriptor{}
	if err := json.Unmarshal(v, d); err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "catalog: descriptor %d: %v", id, err)
	}
	return d, nil
}

// Lookup returns the object named name, or ok=false.
func Lookup(txn *mvcc.Txn, name string) (d *Descriptor, ok bool, err error) {
	e, ok, err := lookupName(txn, name)
	if err != nil || !ok || e.index != 0 {
		return nil, false, err
	}
	d, err = ByID(txn, e.table)
	return d, err == nil, err
}

// Get returns the object named name, or PostgreSQL's 42P01 error.
func Get(txn *mvcc.Txn, name string) (*Descriptor, error) {
	d, ok, err := Lookup(txn, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrUndefinedTable(name)
	}
	return d, nil
}

// LookupIndex returns the table owning the index named name, and the
// index's id; ok=false if there is no such index.
func LookupIndex(txn *mvcc.Txn, name string) (d *Descriptor, indexID uint32, ok bool, err error) {
	e, ok, err := lookupName(txn, name)
	if err != nil || !ok || e.index == 0 {
		return nil, 0, false, err
	}
	d, err = ByID(txn, e.table)
	return d, e.index, err == nil, err
}

// Update stores a changed descriptor (same id): renamed objects, added or
// dropped columns, indexes and constraints.
func Update(txn *mvcc.Txn, d *Descriptor) error {
	old, err := ByID(txn, d.ID)
	if err != nil {
		return err
	}
	return write(txn, old, d)
}

// Drop removes an object, its namespace entries and, for a table, every
// row and index entry.
func Drop(txn *mvcc.Txn, d *Descriptor) error {
	for name := range names(d) {
		if err := txn.Delete(nameKey(name)); err != nil {
			return err
		}
	}
	if err := txn.Delete(descKey(d.ID)); err != nil {
		return err
	}
	if d.Kind == KindTable {
		start := TablePrefix(nil, d.ID)
		end := TablePrefix(nil, d.ID+1)
		if err := txn.DeleteRange(start, end); err != nil {
			return err
		}
	}
	return bumpVersion(txn)
}

// List returns every object, ordered by name.
func List(txn *mvcc.Txn) ([]*Descriptor, error) {
	out, err := scanJSON[Descriptor](txn, "cd", "descriptor")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *Descriptor) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out, nil
}
