// Package slt runs SQLite's sqllogictest scripts against a SQL engine.
//
// A script is a list of records separated by blank lines: `statement ok`
// or `statement error` followed by SQL, and `query <types> <sort> [label]`
// followed by SQL, a `----` line and the expected values, one per line (or
// "N values hashing to MD5"). `skipif`/`onlyif <engine>` lines condition
// the next record, `halt` ends the file, `hash-threshold N` sets when
// results are compared by hash. See https://sqlite.org/sqllogictest.
//
// Results are compared as the reference runner does: each value is
// rendered by its column's type letter (I: integer, R: "%.3f", T: text,
// with NULL as "NULL", the empty string as "(empty)" and unprintable
// characters as '@'), rows or values are sorted as strings for rowsort and
// valuesort, and a result is hashed as the MD5 of every value followed by
// a newline.
//
// The runner knows nothing of cairn: it drives any Engine. It must never
// abort a file on an engine failure (a panic in the engine is recovered
// and counted as a failed record).
package slt
