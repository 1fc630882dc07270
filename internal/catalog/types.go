package catalog

import (
	"encoding/json"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// TypeDesc is a user-defined type: an enum (CREATE TYPE ... AS ENUM).
// Types have a namespace of their own ('c' 'y' <name>), beside the
// relations', and their ids come from the objects' counter, so a type's
// OID (FirstUserOID + id) is no relation's.
//
// A column of an enum type keeps a copy of the type's descriptor
// (Column.Enum): a table's descriptor alone says how to decode its rows,
// as for every other type. ALTER TYPE rewrites the copies in the same
// transaction (the engine's job), and DROP TYPE refuses while a column
// holds one.
type TypeDesc struct {
	ID     uint32      `json:"id"`
	Name   string      `json:"name"`
	Labels []EnumLabel `json:"labels"`
	// Comment is COMMENT ON TYPE's text.
	Comment string `json:"comment,omitempty"`
}

// EnumLabel is one value of an enum type: its label and its sort order
// (PostgreSQL's enumsortorder). Labels are kept in ascending sort order.
// A value's sort order never changes: rows and keys store it.
type EnumLabel struct {
	Label string  `json:"label"`
	Sort  float64 `json:"sort"`
}

// FirstUserOID is the OID of the object with id 0 (PostgreSQL's first
// user OID is 16384): an object's OID is FirstUserOID plus its id.
const FirstUserOID = 16384

// firstArrayTypeOID is where the OIDs of user types' array types start
// (below the indexes', 1<<24).
const firstArrayTypeOID = 1 << 23

// OID returns the type's OID.
func (t *TypeDesc) OID() uint32 { return FirstUserOID + t.ID }

// ArrayOID returns the OID of the type's array type.
func (t *TypeDesc) ArrayOID() uint32 { return firstArrayTypeOID + t.ID }

func typeKey(name string) []byte { return append([]byte("cy"), name...) }

// ErrTypeExists is PostgreSQL's 42710 error for a taken type name.
func ErrTypeExists(name string) *sqlerr.Error {
	return sqlerr.New(sqlerr.DuplicateObject, "type %q already exists", name)
}

// CreateType stores a new type, giving it an id (set in t). Its name
// must be free among types and relations (a relation has a row type of
// its name in PostgreSQL).
func CreateType(txn *mvcc.Txn, t *TypeDesc) error {
	if _, ok, err := LookupType(txn, t.Name); err != nil {
		return err
	} else if ok {
		return ErrTypeExists(t.Name)
	}
	if _, ok, err := lookupName(txn, t.Name); err != nil {
		return err
	} else if ok {
		return ErrTypeExists(t.Name)
	}
	id, err := allocID(txn)
	if err != nil {
		return err
	}
	t.ID = id
	return putType(txn, t)
}

// UpdateType stores a changed type (same name).
func UpdateType(txn *mvcc.Txn, t *TypeDesc) error { return putType(txn, t) }

func putType(txn *mvcc.Txn, t *TypeDesc) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := txn.Put(typeKey(t.Name), v); err != nil {
		return err
	}
	return bumpVersion(txn)
}

// LookupType returns the type named name.
func LookupType(txn *mvcc.Txn, name string) (*TypeDesc, bool, error) {
	v, ok, err := txn.Get(typeKey(name))
	if err != nil || !ok {
		return nil, false, err
	}
	t := &TypeDesc{}
	if err := json.Unmarshal(v, t); err != nil {
		return nil, false, sqlerr.Wrap(err, sqlerr.DataCorrupted, "catalog: type %q: %v", name, err)
	}
	return t, true, nil
}

// DropType removes a type.
func DropType(txn *mvcc.Txn, t *TypeDesc) error {
	if err := txn.Delete(typeKey(t.Name)); err != nil {
		return err
	}
	return bumpVersion(txn)
}

// ListTypes returns every type, ordered by name.
func ListTypes(txn *mvcc.Txn) ([]*TypeDesc, error) { return scanJSON[TypeDesc](txn, "cy", "type") }

// scanJSON decodes the JSON values under the two-byte key prefix, in key
// order (what, for messages: "type", "role").
func scanJSON[T any](txn *mvcc.Txn, prefix, what string) ([]*T, error) {
	end := []byte(prefix)
	end[len(end)-1]++
	it := txn.Scan([]byte(prefix), end)
	defer it.Close()
	var out []*T
	for it.Next() {
		v := new(T)
		if err := json.Unmarshal(it.Value(), v); err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "catalog: %s %x: %v", what, it.Key(), err)
		}
		out = append(out, v)
	}
	return out, it.Err()
}
