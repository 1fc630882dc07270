// Package pgwire serves an engine over the PostgreSQL frontend/backend
// protocol 3.0, so psql, pgbench, pgx, psycopg2 and node-postgres work
// against cairn unchanged. Messages are encoded and decoded by
// github.com/jackc/pgx/v5/pgproto3; the server, the sessions, the value
// encodings and COPY are this package's.
//
// # Connections
//
// Each connection is a goroutine with one engine.Session. Startup answers
// SSLRequest with 'S' and a TLS handshake when the server has a
// certificate, 'N' otherwise (clients then go on in the clear), and
// GSSENCRequest with 'N'. Authentication is trust for loopback clients
// whose role has no password, SCRAM-SHA-256 otherwise (or always, under
// AuthSCRAM); roles and their SCRAM verifiers live in the catalog
// (CREATE USER ... PASSWORD). Any database name connects to the one
// database. A CancelRequest with the right process id and key cancels the
// context of the statement running on that connection, which the engine
// turns into 57014. Sessions default to READ COMMITTED, PostgreSQL's
// default, which clients such as pgbench count on: a concurrent update of
// a row waits and then applies to the committed row instead of failing
// with 40001. A message longer than Config.MaxMessageSize (64 MiB by
// default) ends the connection with 08P01; FuzzSession feeds random
// message streams to a session. Notifications (LISTEN, NOTIFY) go out as
// NotificationResponse messages before each ReadyForQuery, and at once,
// from a second goroutine, while the connection is idle: the main loop
// writes nothing while idle and takes the same lock to leave it.
//
// # Queries
//
// A simple Query runs its statements one by one, each with its own
// RowDescription, rows and CommandComplete, stopping at the first error.
// The extended protocol keeps named and unnamed statements (prepared by
// the engine, which infers parameter types the client left unspecified)
// and portals; a portal runs at its first Execute and hands out its rows
// max rows at a time with PortalSuspended. After an error, messages are
// skipped until Sync. Values go out in text or binary format as the
// client asks; encode.go has the binary formats of every type cairn has.
//
// # COPY
//
// COPY FROM STDIN parses text or CSV rows and inserts them through the
// session as multi-row INSERTs of up to 1000 rows, in the session's
// transaction or one of its own; each value is parsed as it is read, so a
// bad one is reported with its line and column. COPY TO STDOUT runs a
// SELECT and formats its rows. CopyFrom, CopyFromBatches (a commit every
// N rows) and CopyTo work on any reader and writer, which is how `cairn
// import` and `cairn export` use them.
//
// # Shutdown
//
// Shutdown closes the listeners, ends idle connections at once (with
// FATAL 57P01) and busy ones when their current command is done; when
// its context ends first, running statements are cancelled.
//
// This package must never keep state outside a Server, print, or let one
// connection's failure stop the server.
package pgwire
