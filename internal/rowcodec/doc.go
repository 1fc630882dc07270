// Package rowcodec encodes SQL values two ways: as order-preserving keys
// (bytes.Compare of encodings orders like the values, so a table's primary
// key and its indexes are plain key-range scans in the store) and as a
// compact row value (column id + value, so columns can be added without
// rewriting rows).
//
// # Value model
//
// Value is a small tagged union (Kind + fields) rather than `any`: it is
// cheap to copy, its set of types is closed, and the SQL types package
// maps its types onto it (SMALLINT/INTEGER/BIGINT -> Int, REAL/DOUBLE ->
// Float, NUMERIC -> Decimal (github.com/cockroachdb/apd/v3), TEXT/VARCHAR ->
// String, BYTEA -> Bytes, DATE/TIMESTAMP/TIMESTAMPTZ -> Timestamp in
// microseconds since the Unix epoch, UUID -> UUID). The zero Value is
// NULL. Compare is the SQL ORDER BY order of an ascending column.
//
// # Key encoding
//
// A key is the concatenation of its columns' encodings. Each column
// encoding is self-delimiting (no encoding is a proper prefix of another),
// so concatenations order as tuples. A column in ascending order:
//
//	kind       bytes
//	NULL       F0 (NULLS LAST, PostgreSQL's default for ASC) or
//	           01 (ASC NULLS FIRST)
//	BOOL       10, then 00 (false) or 01 (true)
//	INT        20, then 8 bytes big-endian of uint64(i) ^ 1<<63
//	TIMESTAMP  70, then the same 8 bytes of the microseconds
//	FLOAT      30, then 8 bytes big-endian: bits|1<<63 for x >= 0,
//	           ^bits for x < 0; -0 is written as 0; every NaN as
//	           FF FF FF FF FF FF FF FF, above +Inf (PostgreSQL: NaN is
//	           greater than everything and equal to itself)
//	DECIMAL    40, then a class byte:
//	             01 -Infinity, 03 zero, 05 +Infinity, 06 NaN (nothing
//	             more), or 04 positive / 02 negative followed by the
//	             magnitude written as 0.d1d2d3... × 100^E:
//	               4 bytes  E as int32 ^ 1<<31, big-endian
//	               n bytes  base-100 digit pairs, each as 1 + pair (1..100),
//	                        no trailing zero pair
//	               1 byte   00 terminator
//	             For negative values those magnitude bytes are inverted
//	             (bitwise NOT), so larger magnitudes sort first.
//	           Equal numbers encode equally: 1.0, 1.00 and 1 are one key.
//	STRING     50, then the bytes with 00 escaped as 00 FF, then 00 01
//	BYTES      60, then as STRING
//	UUID       80, then the 16 bytes
//
// A DESC column is the ascending encoding with every byte inverted, tag
// included: the order reverses (the encodings being prefix-free), and
// NULLs, last ascending, come first, as in PostgreSQL's DESC default.
// DescNullsLast and AscNullsFirst use the 01 NULL tag instead of F0.
// Strings compare bytewise: the "C" collation.
//
// Decoding inverts encoding except where equal values deliberately share
// one key: -0 decodes as 0, a NaN as the canonical NaN, and a decimal as
// its reduced form (1.00 decodes as 1). Callers that need the exact value
// keep it in the row value too.
//
// # Row value encoding
//
//	size     field
//	1        format version, 01
//	then, per non-NULL column:
//	uvarint  column id
//	1        kind (the Kind numbering: 1 BOOL ... 8 UUID)
//	...      payload:
//	           BOOL       1 byte, 0 or 1
//	           INT        zigzag varint
//	           TIMESTAMP  zigzag varint of the microseconds
//	           FLOAT      8 bytes little-endian IEEE bits (exact: -0, NaNs)
//	           DECIMAL    1 byte form<<1 | negative, zigzag varint
//	                      exponent, uvarint length + big-endian coefficient
//	           STRING     uvarint length + bytes
//	           BYTES      uvarint length + bytes
//	           UUID       16 bytes
//
// NULL columns are omitted, and a column missing from a row reads as NULL:
// a column added by ALTER TABLE needs no rewrite. Row decoding is exact.
//
// # Invariants
//
// For values a, b of one kind and any direction d:
// sign(bytes.Compare(AppendKey(nil, a, d), AppendKey(nil, b, d))) ==
// sign(CompareDir(a, b, d)). Decoders never panic on damaged input; they
// return errors wrapping ErrCorrupt.
//
// # What this package must never do
//
// Change a byte of either encoding without a new tag or format version:
// keys and rows are stored on disk.
package rowcodec
