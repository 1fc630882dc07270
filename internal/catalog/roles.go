package catalog

import (
	"encoding/json"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Role is a user that may log in to the server. Its password is kept
// only as a SCRAM-SHA-256 verifier (RFC 5802, RFC 7677): what is stored
// lets the server check a client's proof but not recover the password,
// nor log in with it.
type Role struct {
	Name string `json:"name"`
	// Login: the role may connect (CREATE USER, or ROLE ... LOGIN).
	Login     bool `json:"login"`
	Superuser bool `json:"superuser,omitempty"`
	// SCRAM is nil for a role without a password.
	SCRAM *SCRAMVerifier `json:"scram,omitempty"`
}

// SCRAMVerifier is a SCRAM-SHA-256 password verifier.
type SCRAMVerifier struct {
	Salt       []byte `json:"salt"`
	Iterations int    `json:"iterations"`
	StoredKey  []byte `json:"stored_key"`
	ServerKey  []byte `json:"server_key"`
}

// Roles live beside the descriptors, under their own prefix, so a role
// is created in the same transaction as anything else and rolled back
// with it. They are not schema objects: they do not bump the schema
// version.
func roleKey(name string) []byte { return append([]byte("cr"), name...) }

// PutRole creates or replaces a role.
func PutRole(txn *mvcc.Txn, r *Role) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return txn.Put(roleKey(r.Name), v)
}

// LookupRole returns the role named name.
func LookupRole(txn *mvcc.Txn, name string) (*Role, bool, error) {
	v, ok, err := txn.Get(roleKey(name))
	if err != nil || !ok {
		return nil, false, err
	}
	r := &Role{}
	if err := json.Unmarshal(v, r); err != nil {
		return nil, false, sqlerr.Wrap(err, sqlerr.DataCorrupted, "catalog: role %q: %v", name, err)
	}
	return r, true, nil
}

// DropRole removes a role.
func DropRole(txn *mvcc.Txn, name string) error { return txn.Delete(roleKey(name)) }

// ListRoles returns every role, ordered by name.
func ListRoles(txn *mvcc.Txn) ([]*Role, error) { return scanJSON[Role](txn, "cr", "role") }
