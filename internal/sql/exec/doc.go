// Package exec runs plans. Operators are pull-based iterators over
// batches of rows; every expression is compiled once per statement into a
// Go closure over a row, never re-interpreted from the syntax tree per row.
//
// # Operators
//
// Scans read a table's primary index or a secondary index through the
// transaction (internal/mvcc), decoding keys with internal/rowcodec. A
// scan of several ascending key ranges reads them with one iterator,
// seeking forward from range to range; rows fetched by primary key are
// read without a copy (mvcc.Txn.GetShared) and decoded at once, their
// strings and documents of 512 bytes or more left in place when the
// store's memory is a cached block (tableCodec.fetch). The
// rest (filter, project, hash and nested-loop joins, sort, hash and
// aggregation, window, project set, limit, distinct, set operations, values,
// insert/update/delete with constraint checks) consume their children's
// batches.
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
// Batches: Next returns up to batchSize (256) rows. Scans, filters,
// projections, limits and DISTINCT work on whole batches (a projection
// allocates one array for a batch's rows); operators whose logic is per
// row (joins, index lookups, table functions) fill batches through
// fillBatch, and consumers that need rows one by one read them with
// rowIter. A batch's slice belongs to its producer until the next call.
// The rows in it stay valid, so consumers may keep them, except where
// the consumer built its input with buildTransient (aggregates, top-N
// heaps, projections, a hash join's probe side, and filters under them):
// it promised to copy what it keeps, and a scan under it decodes every
// batch into the same rows. Decoded strings are carved from an arena
// (rowcodec.Arena), a chunk for many.
//
// Joins: equality conditions make a hash join on the right input
// (materialized; one integer key is hashed as the integer, behind a
// bitmap of the keys); otherwise a nested loop. A merge join
// (mergejoin.go) gathers the inner rows of each new outer key, reading an
// ordered inner input forward, or seeking a primary-key scan's iterator
// to the key (mvcc.Iterator.SeekGE). LATERAL items run their
// right side again per left row (Apply). ORDER BY ... LIMIT keeps a
// top-N heap; over a whole-table scan of a table the store can cut
// (mvcc.Txn.SplitKeys), the parts are read in parallel goroutines, each
// with its own heap, and merged (parallel.go). An aggregate without
// groups whose result does not depend on row order reads its input the
// same way when that input can run in parts (scans, filters,
// projections, merge joins seeking their inner table): the driving
// scan's key range is cut, each part is built over a Ctx of its own
// (Ctx.part) and its rows are gathered as they come (gatherOp); under
// EXPLAIN ANALYZE each part counts its own figures, added up after
// (loops are parts).
// max_parallel_workers_per_gather (Ctx.ParallelWorkers, default 2; 0
// turns both off) bounds the goroutines beside the statement's own.
// GIN indexes over jsonb
// and fts indexes have their own scans (inverted.go, fts.go).
//
// Memory: sorts (sort.go) hold rows up to work_mem (Ctx.WorkMem, 64 MiB
// by default); past it they write sorted runs to a temporary file and
// merge them, stably. Hash aggregates hold groups up to work_mem; past it the rows of groups not held
// go to 16 partition files by a hash of the key, aggregated one by one
// afterwards, recursively (aggspill.go); DISTINCT holds the keys it has
// seen the same way and partitions the rows of the others, while
// DISTINCT ON under its sort compares neighbours only (distinct.go).
// UNION streams its inputs through that DISTINCT; INTERSECT and EXCEPT
// hold the right input by key up to work_mem, else partition both sides
// (setop.go). A
// hash join whose hashed side
// exceeds work_mem partitions both sides to 16 files by a hash of the
// join key and joins them a partition at a time (gracejoin.go; a
// partition is joined in memory whatever its size). EXPLAIN ANALYZE
// reports the runs and partitions.
//
// Status: DISTINCT, window functions, set operations and CTEs still hold
// their input in memory whatever work_mem says.
package exec
