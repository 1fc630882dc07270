// Package catalog holds the schema: tables, their columns, indexes and
// constraints, views and sequences, stored in the transactional key space
// next to the data they describe, so DDL inside a transaction commits or
// rolls back with it and a crash never separates a table from its
// description.
//
// # Key space
//
// Everything the SQL layer stores is an MVCC user key (package mvcc adds
// the versions). The catalog and the rows have separate prefixes:
//
//	key                                   value
//	'c' 'd' <id uint32 BE>                descriptor of object id (JSON)
//	'c' 'n' <name>                        <id uint32 BE> <index id uint32 BE>:
//	                                      a table, view or sequence (index id
//	                                      0), or an index of table id; tables
//	                                      and indexes share one namespace, as
//	                                      in PostgreSQL
//	'c' 'i'                               next object id (uint32 BE)
//	'c' 't' <id uint32 BE>                row count of table id as ANALYZE
//	                                      last counted (uint64 BE): planner
//	                                      hints, outside the schema version
//	'c' 'y' <name>                        a user-defined type (TypeDesc,
//	                                      JSON): an enum and its labels;
//	                                      types have their own namespace
//	                                      but a relation may not take a
//	                                      type's name, nor a type a
//	                                      relation's
//	'c' 'f' <name> 0x00 <arg types,>      a function (FunctionDesc, JSON):
//	                                      one entry per overload, its
//	                                      body as text (a table's
//	                                      triggers live in its descriptor
//	                                      and name their function)
//	'c' 'v'                               schema version (uint64 BE), bumped
//	                                      by every change: a cached plan or
//	                                      descriptor is valid while it holds
//	't' <table id uint32 BE> <index id uint32 BE> <key>
//	                                      a row of the primary index (index
//	                                      id 1: key = primary key columns,
//	                                      value = the row) or an entry of a
//	                                      secondary index (key = indexed
//	                                      values then the primary key; value
//	                                      empty)
//
// Descriptors are JSON: readable with a debugger's eyes, and new fields
// need no migration (absent fields decode as their zero value).
//
// Column types are stored as the PostgreSQL type name the types package
// prints ("integer", "character varying(20)", "numeric(10,2)"); a column
// of an enum type also keeps a copy of the type's descriptor
// (Column.Enum), so that a table's descriptor alone decodes its rows; and
// defaults, CHECK constraints, index expressions, partial index predicates
// and view queries as SQL text, parsed again when used: the catalog stays
// below the parser and the types in the layering.
//
// # Invariants
//
// Object ids are never reused. Column and index ids within a table are
// never reused (NextColumnID, NextIndexID), so rows written before an
// ALTER TABLE still decode. Every change bumps the schema version in the
// same transaction.
//
// # What this package must never do
//
// Change the schema outside the caller's transaction; hand out a
// descriptor the caller can mutate in place (Get returns a copy).
package catalog
