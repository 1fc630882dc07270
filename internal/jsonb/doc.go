// Package jsonb is cairn's JSONB value: a binary encoding of a JSON
// document that can be navigated without decoding it, the JSON text
// parser and printer, PostgreSQL's jsonb operations (field and path
// access, containment, existence, concatenation, deletion, jsonb_set and
// friends), its btree order and hash, and a jsonpath subset.
//
// # Binary encoding
//
// A document (Doc) is a format version byte followed by one node. A node
// is a tag byte and a payload; every integer is unsigned little-endian
// unless said otherwise:
//
//	size      field
//	1         format version, 01 (documents only, not nested nodes)
//	1         tag: 00 null, 01 false, 02 true, 03 string, 04 number,
//	          05 array, 06 object
//	then, by tag:
//	  null, false, true: nothing
//	  string:  uvarint  n, the length in bytes
//	           n        the UTF-8 text, unescaped
//	  number:  uvarint  n
//	           n        ASCII decimal text exactly as PostgreSQL prints the
//	                    numeric (1e2 as 100, 1.50 as 1.50, -0 as 0; no
//	                    exponent): lossless, and printing is a copy
//	  array:   4        count N of elements
//	           4 × N    end offset of element i, relative to the start of
//	                    the data area (element i spans [end(i-1), end(i)),
//	                    end(-1) = 0)
//	           ...      data area: the N element nodes
//	  object:  4        count N of pairs
//	           4 × 2N   end offsets as for arrays, of the N keys and then
//	                    the N values, in one running sequence
//	           ...      data area: the N keys (raw UTF-8, no tag or
//	                    length: the offsets delimit them), then the N
//	                    value nodes
//
// Keys are unique and sorted the way PostgreSQL sorts jsonb keys:
// shorter first, then bytewise (KeyLess). A reader finds a key by binary
// search over the offset table, reading only the keys it compares, and
// a child node is a contiguous slice whose encoding does not depend on
// where it sits, so doc->'a'->'b' copies one slice and decodes nothing
// else. Duplicate keys in input text keep the last value.
//
// Decode validates an encoding from storage in one linear pass (tags,
// lengths, monotonic offsets within bounds, sorted keys, UTF-8, canonical
// numbers, depth); a damaged encoding is an XX001 error wrapping
// ErrCorrupt, never a panic. Every other accessor trusts a Doc: it comes
// from Encode, Parse or Decode.
//
// # Limits
//
// Documents nest at most MaxDepth (1000) containers deep and take at most
// MaxSize (16 MiB), as input text and as encoding; beyond either is
// SQLSTATE 54000. Numbers keep at most a 1000 decimal exponent on input
// (PostgreSQL's numeric input limit).
//
// # Text
//
// Parse accepts RFC 8259 JSON (strict: no comments, trailing commas,
// single quotes, NaN; \u0000 is refused as PostgreSQL refuses it).
// Syntax errors are 22P02 "invalid input syntax for type json" with
// PostgreSQL's detail ("Token "x" is invalid.", "The input string ended
// unexpectedly."...). Doc.String prints as PostgreSQL's jsonb output:
// `{"a": 1, "b": [1, 2, "x"]}`; Doc.Pretty as jsonb_pretty (four-space
// indentation). Parse encodes as it reads (encode.go), with no Value
// tree between: each container's members go to a scratch buffer of its
// depth and are written out, keys sorted, at its closing bracket;
// ParseValue builds the tree for callers that want one, and the two give
// the same bytes and errors.
//
// # Order, hash and index keys
//
// Compare is PostgreSQL's jsonb btree order: Object > Array > Boolean >
// Number > String > Null; containers with more entries sort higher, then
// entry by entry (object pairs in key storage order, key then value);
// strings bytewise (cairn's one collation, "C"), numbers by value. A
// top-level scalar is, as in PostgreSQL, a one-element pseudo-array: it
// sorts below real arrays of one or more elements and above '[]'.
//
// AppendSortKey writes a byte string whose bytewise order is Compare's
// and which is equal exactly when Compare says equal: type tags 10
// (null) 20 (string) 30 (number) 40 (bool) 50 (array) 60 (object);
// strings with 00 escaped as 00 FF and terminated by 00 01; numbers in
// rowcodec's decimal key encoding; containers as their count (4 bytes
// big-endian) and entries (the top level carries a raw-scalar flag after
// the count). It is the hash key too. AppendStorageKey, the form index
// keys use, is the sort key followed by the document and its length (4
// bytes big-endian), so keys decode exactly.
//
// # Edits
//
// Operations that change a document (Concat, the deletes, Set, Insert,
// StripNulls) decode to a Value tree, edit it and encode again; read
// operations (Field, Index, Path, Contains, Exists, jsonpath) walk the
// encoding.
//
// # What this package must never do
//
// Import the SQL types layer or anything above it (it knows JSON, not
// datums); panic on any input, text or bytes; change a byte of the
// encoding without a new format version: documents are stored on disk.
package jsonb
