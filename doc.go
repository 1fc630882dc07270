// Package cairn is the Go API of the cairn database: open a database in a
// directory (or in memory), run SQL with $1-style arguments, scan rows into
// Go values, run transactions, and store JSON documents in collections.
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
//
// # Collections
//
// DB.Collection and Tx.Collection return a MongoDB-style collection: the
// table (id TEXT PRIMARY KEY, doc JSONB) named after it, created by the
// first write (CREATE TABLE IF NOT EXISTS); reads of a missing collection
// see no documents. Documents carry their _id (a string; a random UUID
// when missing) in doc as well. Numbers are stored in one canonical
// spelling (3.0 as 3, 1e2 as 100), because a jsonb index key keeps the
// spelling and equal numbers must meet in the index.
//
// Filter documents compile to one SQL predicate with every value a $n
// parameter, for example
//
//	{"age": {"$gt": 30}}   → jsonb_path_exists(doc, $2, $1)
//	                          $1 = '{"v": 30}', $2 = '$."age" ? (@ > $v)'
//	{"_id": "x"}           → id = $1
//	{"tags": {"$size": 2}} → EXISTS (SELECT 1 FROM jsonb_path_query(doc, $2) AS c1(x)
//	                          WHERE jsonb_typeof(c1.x) = 'array' AND jsonb_array_length(...) = $1)
//
// Paths reach values through objects by key and through arrays by
// applying the rest of the path to each element that is an object; a
// numeric component also reaches the element at that position. A value
// condition holds for such a value or for an element of it when it is an
// array. Comparisons ($gt, $lt, ...) only compare values of one type
// (numbers with numbers, strings bytewise with strings, booleans), as
// MongoDB's type bracketing does.
//
// CreateIndex(path) builds an expression index on the path's jsonb value
// (a marker for documents with an array on the path) and filters repeat
// that expression, so equality, $in, $all, $gt and $gte on the path use
// it; EXPLAIN (Collection.Explain) shows "Index Scan using ...". See
// indexExpr in filter.go.
//
// {"$text": {"$search": "words"}} is a full-text match of the document's
// strings (doc @@ 'words', the query language of internal/fts: AND by
// default, OR, -word, "phrases", prefix*); CreateTextIndex builds the fts
// index that answers it, and the sort key "$textScore" orders by BM25.
//
// Where cairn differs from MongoDB:
//   - _id must be a string;
//   - a comparison unwraps an array nested in an array value ({"t": "go"}
//     matches [["go"]]), as jsonpath's lax mode does; MongoDB does not;
//   - {"a.b": null} matches when a.b is null or reaches nothing, not when
//     only some elements of an array a lack b;
//   - object equality ignores member order; sort and $min/$max follow
//     jsonb's order across types (null < strings < numbers < booleans <
//     arrays < objects), and an array sorts as itself, not by its
//     smallest or largest element;
//   - regular expressions are Go's (RE2), options i, m and s;
//   - $pull takes a value or an object of $eq $ne $in $nin $gt $gte $lt
//     $lte; $set through a null creates the object; updates apply in Go
//     inside the transaction that selects the documents (an update by _id
//     in the UPDATE statement itself, through the SQL function
//     cairn_update_document(doc jsonb, update jsonb), which SQL run
//     through a DB from Open can call too);
//   - pipeline field references ("$a.b") and $project do not descend
//     into arrays;
//   - a unique index does not constrain documents without the path or
//     with an array on it (like a sparse unique index).
package cairn
