package catalog

import (
	"encoding/json"
	"strings"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// FunctionDesc is a function CREATE FUNCTION made: its signature, its
// language ("sql" or "plpgsql") and its body as text, which the engine
// parses when it runs it. Functions have a namespace of their own
// ('c' 'f' <name> 0x00 <argument types>), one entry per overload, and
// their ids come from the objects' counter, so a function's OID is no
// relation's or type's.
type FunctionDesc struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	// ArgNames and ArgTypes are the parameters: a name ("" for none)
	// and a PostgreSQL type name each. ArgDefaults holds each
	// parameter's DEFAULT expression as SQL text ("" for none).
	ArgNames    []string `json:"arg_names,omitempty"`
	ArgTypes    []string `json:"arg_types,omitempty"`
	ArgDefaults []string `json:"arg_defaults,omitempty"`
	// Returns is the result type's name: "void" for none, "trigger" for
	// a trigger function. ReturnsSet: RETURNS SETOF.
	Returns    string `json:"returns"`
	ReturnsSet bool   `json:"returns_set,omitempty"`
	// OutNames and OutTypes are RETURNS TABLE's columns (Returns is then
	// "record"). For RETURNS SETOF a table's name, Returns is the name
	// and RowType is set: the rows have the table's columns.
	OutNames []string `json:"out_names,omitempty"`
	OutTypes []string `json:"out_types,omitempty"`
	RowType  bool     `json:"row_type,omitempty"`
	Language string   `json:"language"`
	Body     string   `json:"body"`
	// Volatility is "i", "s" or "v", as pg_proc.provolatile.
	Volatility string `json:"volatility"`
	Strict     bool   `json:"strict,omitempty"`
	// Procedure: CREATE PROCEDURE's (run by CALL, no result).
	Procedure bool `json:"procedure,omitempty"`
}

// OID returns the function's OID.
func (f *FunctionDesc) OID() uint32 { return FirstUserOID + f.ID }

// Signature is the function's name and argument types, as PostgreSQL
// names a function in messages: f(integer, text).
func (f *FunctionDesc) Signature() string {
	return f.Name + "(" + strings.Join(f.ArgTypes, ", ") + ")"
}

func functionKey(name string, argTypes []string) []byte {
	k := append([]byte("cf"), name...)
	k = append(k, 0)
	return append(k, strings.Join(argTypes, ",")...)
}

// PutFunction stores a function, new (its id then allocated and set in
// f) or replacing the overload with the same argument types.
func PutFunction(txn *mvcc.Txn, f *FunctionDesc, replace bool) error {
	if !replace {
		id, err := allocID(txn)
		if err != nil {
			return err
		}
		f.ID = id
	}
	v, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := txn.Put(functionKey(f.Name, f.ArgTypes), v); err != nil {
		return err
	}
	return bumpVersion(txn)
}

// LookupFunctions returns the overloads of the function named name, in
// the order of their argument types' text.
func LookupFunctions(txn *mvcc.Txn, name string) ([]*FunctionDesc, error) {
	return scanJSON[FunctionDesc](txn, "cf"+name+"\x00", "function")
}

// ListFunctions returns every function, ordered by name.
func ListFunctions(txn *mvcc.Txn) ([]*FunctionDesc, error) {
	return scanJSON[FunctionDesc](txn, "cf", "function")
}

// DropFunction removes one overload.
func DropFunction(txn *mvcc.Txn, f *FunctionDesc) error {
	if err := txn.Delete(functionKey(f.Name, f.ArgTypes)); err != nil {
		return err
	}
	return bumpVersion(txn)
}

// ErrFunctionExists is PostgreSQL's 42723 for a taken signature.
func ErrFunctionExists(f *FunctionDesc) *sqlerr.Error {
	return sqlerr.New(sqlerr.Code("42723"), "function %s already exists with same argument types", f.Signature())
}
