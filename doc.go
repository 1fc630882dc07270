// Package cairn is the Go API of the cairn database: open a database in a
// directory (or in memory), run SQL with $1-style arguments, scan rows into
// Go values, and run transactions.
//
//	db, err := cairn.Open("data", nil) // or cairn.Open(":memory:", nil)
//	...
//	_, err = db.Exec(ctx, "INSERT INTO t VALUES ($1, $2)", 1, "x")
//	var b string
//	err = db.QueryRow(ctx, "SELECT b FROM t WHERE a = $1", 1).Scan(&b)
//
// # Sessions
//
// A DB keeps a small pool of engine sessions for calls outside a
// transaction; each call runs in autocommit on a session taken from the
// pool. A Tx owns one session from Begin to Commit or Rollback. A session
// returned to the pool in a transaction block (say after Exec("BEGIN")) is
// rolled back and dropped, so one call's transaction never leaks into
// another's.
//
// # Values
//
// Arguments: int, int8..int64 and the unsigned integers, float32/float64,
// string (text), []byte (bytea), bool, time.Time (timestamptz), nil (NULL),
// json.RawMessage (jsonb) and driver.Valuer. Scan targets: *int64, *int,
// *int32, *int16, *float64, *float32, *string, *[]byte, *bool, *time.Time,
// *json.RawMessage, *any, sql.Scanner, and a pointer to a pointer (**string,
// **int64, ...) which is set to nil for NULL. Scanning NULL into a target
// that cannot hold it is an error.
//
// # Errors
//
// SQL errors are *Error, carrying the SQLSTATE code, message, detail, hint
// and the 1-based character position in the statement. Retry reruns a
// function while it fails with a serialization failure (40001).
//
// # Results
//
// The engine materializes each statement's result, so Query returns once
// every row is computed and the session goes back to the pool before the
// first Next; Rows only walks memory. When a call holds several
// statements, Query returns the rows of the last one and Exec its count.
package cairn
