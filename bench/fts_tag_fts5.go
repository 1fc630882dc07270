//go:build sqlite_fts5 || fts5

package main

// ftsHaveFTS5: mattn/go-sqlite3 compiles SQLite with FTS5 under the
// sqlite_fts5 (or fts5) build tag, which the fts-* workloads need.
const ftsHaveFTS5 = true
