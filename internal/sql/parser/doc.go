// Package parser turns SQL text into internal/sql/ast trees.
//
// It is a hand-written lexer and recursive-descent parser for cairn's
// PostgreSQL-flavoured dialect; expressions are parsed by precedence
// climbing over the levels defined in package ast (PostgreSQL's operator
// precedence table). Entry points: Parse (one or more statements separated
// by semicolons), ParseOne, ParseExpr and ParseTypeName.
//
// # Lexing
//
// Keywords are recognised case-insensitively through ast.LookupKeyword, a
// binary search over a sorted table, without allocating. Unquoted
// identifiers are folded to lower case (allocating only when the source
// has upper-case letters); quoted identifiers are kept as written. String
// literals are decoded (doubled quotes, E'...' escapes, U&'...' Unicode
// escapes with an optional UESCAPE 'c', $tag$...$tag$ quoting), and tokens
// refer to the input wherever possible. `?` is a positional placeholder in
// expression position (SQLite-style tests) and the JSONB key-exists
// operator in operator position. `=>` and `:=` are tokens of their own,
// for named function arguments.
//
// # Grammar notes
//
// Where PostgreSQL's grammar is ambiguous the parser resolves it the same
// way: joins associate to the left, but the right operand of a join still
// waiting for its ON or USING extends over further joins (a JOIN b JOIN c
// ON p1 ON p2 is a JOIN (b JOIN c ON p1) ON p2); INTERVAL '1' DAY takes
// DAY as the field qualifier, not an alias; ROLLUP(, CUBE( and GROUPING
// SETS ( at the start of a GROUP BY item are grouping constructs, not
// calls; a call followed by a string (NUMERIC(10, 2) '1.5') is a typed
// literal. Some rewrites happen here, as in PostgreSQL: (a, b) OVERLAPS
// (c, d) becomes overlaps(a, b, c, d).
//
// # Errors
//
// Every failure is a *Error with SQLSTATE 42601 (54001 for nesting beyond
// maxDepth), a message in PostgreSQL's words (`syntax error at or near
// "FORM"`, `syntax error at end of input`) and the byte offset of the
// offending token; Error.Caret renders the psql-style LINE n: ... / ^
// display. Internally a failure unwinds the recursive descent with a panic
// of a private type, recovered at the entry points (and, for the few places
// that try one reading and fall back to another, by parser.try); any other
// panic is a bug and is not swallowed. FuzzParse checks that no input
// panics and that everything that parses survives a format round trip.
//
// # Invariants
//
//   - Parse(ast.Format(stmt)) yields stmt again, positions aside (the round
//     trip is checked over every golden input and the sqllogictest corpus).
//   - Every node carries the byte offset of its first token.
//   - The parser never resolves a name, looks at a catalog or decides a
//     type: that is the binder's job (internal/sql/plan).
//
// # Never
//
// This package imports nothing of cairn except internal/sql/ast, never
// panics on user input, and never reads anything but the string it is
// given.
package parser
