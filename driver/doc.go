// Package driver is cairn's database/sql driver, registered as "cairn".
//
//	import _ "github.com/cairndb/cairn/driver"
//	db, err := sql.Open("cairn", "/path/to/data?sync=off")
//
// The DSN is a directory, or ":memory:" for an in-memory database, with
// optional query parameters: sync=off (commits do not wait for the disk;
// a crash may lose the last ones) and cache=BYTES (block cache size).
//
// # Sharing
//
// The store locks its directory, so one process opens it once: every
// connection to the same directory, from any sql.DB, shares one engine,
// reference-counted by its connections and by the connectors that made
// them, and closed with the last. The options of the first opener win.
// ":memory:" gives each sql.DB (each Connector) its own database, alive
// until that sql.DB is closed.
//
// # Transactions
//
// Isolation levels: the default is snapshot isolation, which is
// PostgreSQL's REPEATABLE READ (sql.LevelSnapshot is accepted as the
// same); sql.LevelSerializable runs SERIALIZABLE; sql.LevelReadCommitted
// (and sql.LevelReadUncommitted, as in PostgreSQL) run READ COMMITTED: a
// snapshot per statement, and a concurrent update of a row waits for the
// other transaction instead of failing. Other levels are refused. Read-only transactions run BEGIN ... READ ONLY.
//
// # Statements and values
//
// Placeholders are $1, $2, ...; named arguments are refused. Prepare only
// remembers the text (cairn has no server-side prepare in this API yet).
// Arguments are converted as package cairn converts them (ints, floats,
// string, []byte, bool, time.Time, json.RawMessage, driver.Valuer, nil).
// Result values are int64, float64, bool, string, []byte (bytea, and jsonb
// so it scans into json.RawMessage) and time.Time (date, timestamp,
// timestamptz, in UTC); numeric, uuid, interval, time and arrays come as
// their PostgreSQL text. A call with
// several statements returns one result set per statement that has
// columns (Rows.NextResultSet).
package driver
