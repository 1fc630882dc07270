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
// from the argument types and inserts implicit casts.
//
// # Plans
//
// Every Node has an output schema (columns with names and types). An Expr
// refers to its input by column ordinal; aggregates and window functions
// are computed by their own nodes and referenced by ordinal above them.
//
// # What this package must never do
//
// Read or write table data (only the catalog); keep a catalog descriptor
// beyond the statement without checking the schema version.
//
// Status (issue 6, in progress): binding of SELECT (joins, subqueries,
// aggregates, window functions, set operations, views, WITH and WITH
// RECURSIVE), INSERT (ON CONFLICT)/UPDATE/DELETE is built; constant folding
// happens while binding; optimize pushes filters into joins and picks an
// index for filtered scans by a simple rule (most equality-bound leading
// columns, then a range), not by cost. UPDATE ... FROM and DELETE ...
// USING join the target with the other items. Not yet: DISTINCT ON,
// LATERAL, statistics and cost-based choices.
package plan
