//go:build !(sqlite_fts5 || fts5)

package main

// ftsHaveFTS5: without the sqlite_fts5 build tag mattn/go-sqlite3 has no
// FTS5, and the fts-* workloads skip (see ftsPrepare).
const ftsHaveFTS5 = false
