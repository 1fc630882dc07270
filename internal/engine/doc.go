// Package engine runs SQL sessions: it takes statement text, parses it,
// plans it against the catalog, executes it in a transaction, and returns
// results with PostgreSQL's command tags and SQLSTATE errors. The Go API
// (package cairn), the database/sql driver and the wire-protocol server
// are thin layers over a Session.
//
// # Transactions
//
// A statement outside BEGIN runs in its own transaction (autocommit). An
// explicit transaction takes the isolation level of BEGIN or
// default_transaction_isolation, as does an autocommit statement:
// snapshot isolation (reported as REPEATABLE READ, the embedded default),
// SERIALIZABLE (reads validated at commit), or READ COMMITTED (the
// server's default, set with Session.SetDefault as PostgreSQL's): each
// statement reads a new snapshot, and a write that waited for another
// transaction's lock on the row and finds it changed rolls the statement
// back and runs it again on a newer snapshot (runStatement), so updates of
// one row queue up instead of failing. Each statement is atomic: outside
// a transaction block a failing statement's transaction rolls back; inside
// one the transaction is failed, statements other than ROLLBACK (or
// ROLLBACK TO a savepoint made before the failure, which undoes the
// failed statement's writes with the rest) get 25P02 until it ends, and so
// a statement takes no savepoint of its own (its writes would each keep
// an undo entry for nothing). A serialization failure is 40001,
// a deadlock 40P01, for the client to retry.
//
// # Prepared statements
//
// Session.Prepare parses and binds a statement once, inferring the types
// of parameters the client left unspecified; PREPARE, the protocol's
// Parse and Execute's own cache of statement texts (keyed by text and
// parameter types) all keep the bound plan. A plan records the read
// timestamp it was bound at; it is reused while no schema change has
// committed since (Engine.lastDDL, ddlCommitting) and the running
// transaction changed no schema itself, and bound again otherwise. A plan
// bound in a transaction that changed the schema is never kept.
//
// # Functions of the embedding program
//
// Options.Functions adds scalar SQL functions written in Go, as SQLite's
// sqlite3_create_function does (package cairn adds the collections'
// update function). Queries and DML can call them; defaults, checks,
// index expressions and views cannot, since the catalog keeps those and a
// process that opens the database without the functions must still read
// it (the binder leaves them out while binding what the catalog keeps).
//
// # What this package must never do
//
// Let a panic escape a statement (it is recovered and reported as XX000
// with the statement rolled back); acknowledge a COMMIT that the storage
// did not make durable under the session's synchronous_commit setting.
//
// Also here: DDL (CREATE/DROP TABLE, INDEX (btree, expression, partial,
// GIN, fts), VIEW, SEQUENCE, ROLE; ALTER TABLE; TRUNCATE), background
// merges of fts indexes (ftsmerge.go), and the maintenance statements
// (maintenance.go): ANALYZE gathers the planner's statistics; VACUUM,
// outside a transaction block, merges the pending documents of its
// tables' fts indexes (one merge runs per index at a time: VACUUM waits
// for a background one) and compacts its tables' keys (or the whole
// store) down the LSM tree, dropping the versions and tombstones no
// snapshot needs. LISTEN/NOTIFY (notify.go), advisory locks kept for the
// sessions (advisory.go: exclusive or shared, session or transaction
// level, waits that end at cancel, timeout or a cycle), the session's
// TimeZone (plans are bound in it; Session.Zone prints in it),
// CREATE TABLE (LIKE ...) (like.go), enum types (enums.go: CREATE/ALTER/
// DROP TYPE, with each enum column's copy of its type kept in step), DO
// blocks and PL/pgSQL functions (plpgsql.go: the subset migrations and
// trigger functions write, interpreted over the engine's own statements,
// variables as the statements' named parameters, exception blocks in
// savepoints), functions and row triggers (routine.go: CREATE FUNCTION
// in sql or plpgsql, run through EvalContext.Routines in the calling
// statement's transaction; triggers fired by the executor through
// exec.Ctx.Triggers),
// LOCK TABLE (advisory.go: table locks in a key space of the advisory
// lock table, which pg_locks lists), temporary tables (temp.go: dropped
// by their session, ON COMMIT, and at open), and what a server tells the
// engine of its connections (Backends: pg_stat_activity,
// pg_cancel_backend).
package engine
