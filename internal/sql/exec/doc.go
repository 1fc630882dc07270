// Package exec runs plans. Operators are pull-based iterators over
// batches of rows; every expression is compiled once per statement into a
// Go closure over a row, never re-interpreted from the syntax tree per row.
//
// # Operators
//
// Scans read a table's primary index or a secondary index through the
// transaction (internal/mvcc), decoding keys with internal/rowcodec; the
// rest (filter, project, hash and nested-loop joins, sort, hash and
// streaming aggregation, window, limit, distinct, set operations, values,
// insert/update/delete with constraint checks) consume their children's
// batches. Sorts, hash joins and hash aggregations are bounded by
// work_mem and spill to temporary files beyond it.
//
// # Rows on disk
//
// A table row is stored under its primary key in the primary index
// (catalog.IndexPrefix(table, 1) + rowcodec key of the key columns), its
// value the rowcodec row encoding of the non-key columns by column id. A
// secondary index entry's key is the indexed values followed by the
// primary key columns, its value empty; a unique index is checked inside
// the writing transaction (23505).
//
// # What this package must never do
//
// Panic on user data (every error is a sqlerr.Error with its SQLSTATE);
// hold a whole table in memory beyond work_mem; write outside the
// statement's transaction.
//
// Status (issue 6, in progress): operators exchange one row per Next, not
// batches yet; joins are nested loops over a materialized right side;
// sorts, aggregations and set operations hold their input in memory (no
// spilling yet). Expressions are compiled closures as described.
package exec
