// Package ast is the syntax tree of cairn's SQL dialect and its formatter.
//
// The parser (internal/sql/parser) produces these nodes; the binder and
// planner (internal/sql/plan) consume them. A tree says only what the text
// said: names are unresolved, literals keep their source spelling, and no
// node knows a SQL type beyond the TypeName the user wrote.
//
// # Invariants
//
//   - Every node carries the byte offset (Pos) of its first token in the
//     statement text, so later layers can report errors with a position.
//   - Unquoted identifiers are stored folded to lower case; quoted ones are
//     stored exactly as written, without the quotes.
//   - Format(n) prints canonical SQL: keywords upper case, identifiers quoted
//     only when needed, expressions parenthesised wherever the operator
//     precedence would otherwise change the meaning. Parsing the formatted
//     text gives back the same tree (positions aside); the parser's tests
//     check this for every golden input. EXPLAIN and error messages show
//     expressions through Format.
//   - Operator precedence lives here (BinaryOp.Precedence and friends) and
//     is shared by the parser and the formatter, so the two cannot disagree.
//   - A few nodes appear only in one place: NamedArg among FuncCall.Args,
//     GroupingSet among Select.GroupBy (and nested GroupingSets). Interval
//     field qualifiers live in TypeName.IntervalFields; a typed literal
//     prints its qualifier after the string (INTERVAL '1' DAY).
//   - A subscripted expression other than a column, parameter, subquery
//     or subscript prints parenthesised: (ARRAY[1, 2])[1].
//   - The keyword table (keywords.go) is a sorted list, also shared: the
//     lexer classifies words with it and the formatter quotes identifiers
//     that would otherwise read as reserved words.
//
// # Never
//
// This package imports nothing else of cairn: no catalog, no types, no
// storage. It never resolves a name, evaluates an expression or panics on a
// tree the parser produced.
package ast
