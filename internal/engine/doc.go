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
// default_transaction_isolation (snapshot isolation, reported as
// REPEATABLE READ; SERIALIZABLE validates reads at commit). Each statement
// is atomic: a failing statement rolls back to a savepoint taken before
// it, and inside an explicit transaction the transaction is then failed:
// statements other than ROLLBACK get 25P02 until it ends. A serialization
// failure is 40001, for the client to retry.
//
// # Prepared statements
//
// PREPARE and the extended protocol cache plans keyed by statement text
// and parameter types; a plan records the schema version it was built
// against and is rebuilt when the catalog has changed since.
//
// # What this package must never do
//
// Let a panic escape a statement (it is recovered and reported as XX000
// with the statement rolled back); acknowledge a COMMIT that the storage
// did not make durable under the session's synchronous_commit setting.
//
// Status (issue 6, in progress): autocommit and explicit transactions,
// statement atomicity with savepoints, the failed-transaction state,
// SAVEPOINT/RELEASE/ROLLBACK TO, SET and SHOW, statement_timeout, PREPARE/
// EXECUTE/DEALLOCATE (re-planned at each EXECUTE: there is no plan cache
// yet), CREATE/DROP TABLE, INDEX, VIEW and SEQUENCE, ALTER TABLE, CREATE
// TABLE AS, SERIAL/identity, foreign keys and ON CONFLICT are built.
package engine
