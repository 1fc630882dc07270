// Package builtins is cairn's standard library of SQL functions, with
// PostgreSQL 15's names, signatures, results and errors: scalar functions
// (math, string, date/time, misc), aggregates and window functions.
//
// # Use
//
// The binder resolves each call once, at plan time, by name and argument
// types: Lookup for scalar functions, LookupAggregate for aggregates
// (IsAggregate tells them apart), LookupWindow for window-only functions
// (IsWindow). The result says which type to cast each argument to
// (ArgTypes), the result type, and the Go function the executor calls per
// row, so nothing is looked up per row. Every error is a *sqlerr.Error.
//
// Not here, because the binder handles them as special forms: COALESCE,
// NULLIF, GREATEST, LEAST, CASE, and the SQL value functions written
// without parentheses (CURRENT_DATE...; the binder may map
// CURRENT_TIMESTAMP and CURRENT_USER onto now() and current_user()).
// Operators PostgreSQL implements with functions are bound as calls of
// those functions: ~ and friends (textregexeq...), LIKE and ILIKE
// (textlike, textnlike, texticlike, texticnlike; ESCAPE through
// like_escape) and SIMILAR TO (a regular expression match of
// similar_to_escape's translation), in like.go. The json functions
// (json_agg, row_to_json, json_build_object...) resolve to their jsonb
// twins: cairn's json type is jsonb.
//
// # Resolution
//
// A simplified version of PostgreSQL's func_select_candidate:
//
//  1. Candidates are the overloads of the name with the right number of
//     arguments whose every known argument type equals the parameter type
//     (ignoring modifiers; VARCHAR counts as TEXT) or casts to it
//     implicitly (types.CastLevel). UNKNOWN arguments (untyped string
//     literals, NULL) fit any parameter and take its type. Polymorphic
//     parameters (anyelement, anyarray) bind to the known arguments'
//     type, widening to a common type as anycompatible does; unknown only
//     binds them to text. "any" parameters (concat, format, pg_typeof)
//     take an argument as it is, unknown included.
//  2. One candidate: chosen. None: 42883 "function f(integer) does not
//     exist" with PostgreSQL's hint.
//  3. Keep the candidates with the most matches (exact, or a polymorphic
//     parameter), then those with the most exact ones (quote_literal(text)
//     over quote_literal(anyelement) for a text), then those with the
//     most positions where a cast is needed to a preferred type (double
//     precision, text, timestamptz, interval, boolean).
//  4. For each unknown argument, pick a category: string if any candidate
//     takes a string there, else the one category all candidates agree
//     on; keep candidates of that category, and prefer those whose
//     parameter is the category's preferred type, and those of a type
//     over polymorphic ones. If the candidates
//     disagree at some position, no category is picked anywhere (as
//     PostgreSQL's code does, whatever its manual says).
//  5. If the known arguments all have one type, keep candidates that
//     accept that type at the unknown positions.
//  6. Still several: 42725 "function f(unknown) is not unique".
//
// So round(1) is round(double precision), round(1, 2) is
// round(numeric, integer), substring('abc' from 'b.') is the regular
// expression form and length('abc') is length(text).
//
// # Calling
//
// Func.Fn takes arguments already cast to ArgTypes. A Strict function
// gives NULL for any NULL argument; its Fn checks that itself too, and a
// planner may fold f(NULL) to NULL. Volatile functions (random(),
// clock_timestamp(), gen_random_uuid(), now()) must not be
// constant-folded. Functions that read the session (now(),
// current_timestamp, statement_timestamp(), age(ts), current_database(),
// current_user) have a CtxFn, to be called with the statement's
// EvalContext; their Fn falls back to the wall clock and "cairn".
//
// Regular expressions are Go's RE2 syntax (PostgreSQL's ARE agrees on
// the common subset; back-references and lookaround are not supported),
// compiled once per call site while the pattern stays the same. Flags: g
// (global), i/c (case), n/p/w (newline-sensitive), s.
//
// extract() returns numeric as in PostgreSQL 14+; date_part() double
// precision. date_trunc, extract, date_part, to_char, age and
// generate_series work on a timestamptz's wall-clock time in the session
// time zone (EvalContext.Zone; extract(epoch) is the instant's); the
// binder casts a timestamptz argument of concat, concat_ws and format to
// text in that zone; JSON conversions keep UTC offsets. to_char supports the common timestamp patterns (YYYY
// YY MM Mon Month DD DDD D HH HH12 HH24 MI SS MS US AM/PM Dy Day Q IW TZ,
// FM, "quoted text"); pg_typeof returns text, not regtype.
//
// # Aggregates
//
// Agg.New returns a fresh AggState per group; Add takes the cast
// arguments of one row and Result gives the value (NULL on no rows,
// except count, which gives 0). NULL inputs are skipped (array_agg keeps
// them; string_agg skips NULL values and treats a NULL delimiter as
// empty). DISTINCT is handled inside the state: a row whose arguments'
// types.AppendHashKey equals an earlier row's is dropped (an in-memory
// set per group: callers with huge groups should sort and dedupe
// instead). ORDER BY inside an aggregate (string_agg(x, ',' ORDER BY y))
// and FILTER are the caller's: feed the rows sorted and filtered.
// sum(bigint) continues in numeric past the int64 range, as PostgreSQL.
//
// # Window functions
//
// A WindowFunc's Eval fills one value per row of a Partition, which the
// executor implements over a sorted partition: Arg(row, i), the row's
// peer group (rank, dense_rank, percent_rank, cume_dist) and its frame
// (first_value, last_value, nth_value). Aggregates over a window run
// through AggregateWindow, which keeps a running state while frames
// only grow and restarts it otherwise.
//
// # What this package must never do
//
// Panic on user data, keep state across calls other than the regular
// expression cache, or read tables: it knows values, not storage.
package builtins
