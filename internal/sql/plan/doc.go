// Package plan turns a parsed statement into a plan: the binder resolves
// names against the catalog and types every expression, the optimizer
// rewrites the logical plan, and the result is a tree the executor
// compiles. It also renders plans for EXPLAIN.
//
// # Pipeline
//
//	ast.Statement --bind--> logical plan (Node tree, typed Expr trees)
//	              --normalize--> constants folded, predicates pushed down,
//	                             subqueries decorrelated where possible
//	              --access paths--> each table scan given an index span
//	                                (equality, range, IN-list, composite
//	                                prefix, expression index)
//
// # Binding
//
// A scope maps visible names (table aliases, column names, CTEs, outer
// scopes for correlated subqueries) to columns of the input. Errors use
// PostgreSQL's codes and messages: 42P01 relation "t" does not exist,
// 42703 column "c" does not exist, 42702 column reference "c" is
// ambiguous, 42804/42883 type errors, 42803 grouping errors, each with the
// position of the offending name.
//
// Untyped literals (strings, NULL) take the type their context requires,
// as in PostgreSQL: the binder resolves operator and function overloads
// from the argument types and inserts implicit casts. Type names resolve
// to the built-in types first, then to the catalog's enum types; a
// column's type comes from its descriptor alone (ColumnType).
//
// The pg_catalog and information_schema views (system.go, pgcatalog.go)
// are built from the catalog as the binding transaction sees it, with
// the columns clients read of them (psql, pg_dump, ORMs), the system
// column tableoid, and empty catalogs for objects cairn does not have;
// 'name'::regclass binds to a value that compares as the relation's OID
// and prints as its name. What only a server knows (its connections,
// the engine's locks) comes through the Binder's Activity and Locks.
//
// # Plans
//
// Every Node has an output schema (columns with names and types). An Expr
// refers to its input by column ordinal; aggregates, window functions and
// the set-returning functions of a select list (ProjectSet, with
// PostgreSQL 10's semantics: functions in lockstep, shorter results
// padded with NULL) are computed by their own nodes and referenced by
// ordinal above them. GROUP BY with grouping sets (ROLLUP, CUBE,
// GROUPING SETS) is one aggregation over its input expanded once per set
// (GroupingExpand), keyed by the set's number and its keys, NULL where
// a set lacks one.
//
// # What this package must never do
//
// Read or write table data (only the catalog).
//
// # Access paths and rewrites (optimize.go, access.go, prune.go)
//
// Filters are pushed into joins; equality conditions between the two
// sides make hash joins (Join.LeftKeys/RightKeys). A filtered scan takes
// the index with the most equality-bound leading keys (columns or index
// expressions, IN lists on the first), then a range (x LIKE 'abc%' is the
// range ['abc', 'abd') of a text key, cairn's collation being "C"); a partial index only
// when the query states its predicate; a GIN index for jsonb @>, ?, ?|,
// ?& (InvertedScan); an fts index for @@ (FTSScan, with top-k for ORDER
// BY fts_rank DESC LIMIT n). An aggregation over input sorted by its
// group keys is sorted (GroupAggregate). A sort by the primary key (or a
// prefix) over a table scan or one primary key range is dropped: the scan
// reads in key order. Table accesses decode only the columns the plan
// reads (prune); a secondary index scan that needs only the indexed and
// primary key columns reads no row at all (IndexScan.IndexOnly, shown as
// Index Only Scan).
//
// # Statistics and costs (joins.go, selectivity.go, cost.go)
//
// With the row counts and column statistics ANALYZE keeps (RowCount,
// ColumnStats: NULL fraction, distinct values, most common values, a
// histogram), estimate gives each node's rows: equality from the MCVs or
// the distinct count, ranges from the histogram (interpolated within a
// bucket for numbers and times; PostgreSQL's defaults for values unknown
// at plan time), AND as a product, OR by complements, equality joins
// from the keys' distinct counts. cost turns rows into PostgreSQL-style
// startup..total costs (a sequential row 1, a seek or a point read ten),
// which EXPLAIN shows. The binder then rewrites by them (joinMethods): an
// inner join reads an indexed table per row of the other side
// (IndexJoin) when that costs less than hashing it, a merge join
// (MergeJoin, mergejoin.go) walks two sides ordered by their keys (by
// primary-key order, a whole index, or a sort) when that costs less
// still, seeking a table in primary-key order forward to each key of the
// other side instead of reading the rows between; a hash join hashes
// its smaller side, a secondary-index scan whose predicate other indexes
// also serve becomes their intersection (IndexAnd, intersect.go: the
// primary keys every index finds, then those rows) when that reads fewer
// rows for less, and a secondary-index scan that would cost more than a
// sequential scan becomes one (seqIfCheaper). A sort (a top-N sort under
// a LIMIT) or a hash aggregation over one table's rows reads an index in
// the order wanted instead, forward or backward, when that costs less
// (order.go). Methods (the session's
// enable_indexscan, enable_nestloop, enable_hashjoin, enable_mergejoin)
// rule choices out whatever they cost.
//
// Join order (reorder.go): with every table counted, a tree of inner and
// cross joins is taken apart into relations and conditions and put back
// in the order of least estimated cost, by dynamic programming over the
// subsets of up to eight relations (cross products only where no
// condition connects a subset), greedily beyond; a projection on top
// restores the written column order.
//
// # Decorrelation (decorrelate.go)
//
// A filter's EXISTS / NOT EXISTS over a filtered table scan correlated
// only by equalities with outer columns becomes a hash semi / anti join
// (JoinKind SemiJoin, AntiJoin: left columns only, keys, no On); so does
// a filter's x IN (subquery) over one table, as a semi join keyed also by
// x and the subquery's value (NOT IN, whose NULLs reject every row, stays
// a subquery).
//
// Plans are cached by the engine while the schema they were bound
// against is current: nothing in a plan may capture a transaction or a
// statement's context (now(), nextval read builtins.EvalContext at run
// time).
package plan
