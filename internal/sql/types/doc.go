// Package types is cairn's SQL type system with PostgreSQL semantics:
// types and their names and OIDs, the Datum the executor computes with,
// comparison, three-valued logic, operators, casts, text input and
// output, hashing, and the mapping onto rowcodec's storage values.
//
// # Types
//
// Type is a small comparable value: a Family, modifiers (VARCHAR/CHAR
// length, NUMERIC precision and scale, fractional-second precision of
// TIME, TIMESTAMP(TZ) and INTERVAL) and an array flag (arrays are
// one-dimensional arrays of a scalar type, so the element lives inline:
// no pointer, and == is type identity). String() is PostgreSQL's
// format_type ("character varying(10)", "numeric(10,2)", "integer[]"),
// OID() the pg_type OID. TypeFromName resolves every PostgreSQL spelling
// ("int4", "double precision", "timestamp with time zone", "json" as
// JSONB, "_int4" as int4[]). UNKNOWN is the type of an untyped string
// literal before resolution.
//
// An enum type (CREATE TYPE ... AS ENUM) is EnumFamily with its
// definition (OIDs, name, labels and their sort orders) interned with
// the standard library's unique package, so it too is small and
// comparable, and two Types built from one definition are ==. Labels
// order by their sort order (PostgreSQL's enumsortorder), which a label
// keeps for good: rows and keys store it (enum.go).
//
// # Datum
//
// A Datum is a struct passed by value: a kind tag (the Family, with VARCHAR
// values carried as TEXT datums and the zero kind meaning NULL), an int64,
// a second int64, a string and two pointers. Making an integer, float,
// date or timestamp datum allocates nothing.
//
//	kind          representation
//	BOOLEAN       i = 0 or 1
//	SMALLINT..    i (always in the type's range)
//	REAL, DOUBLE  i = math.Float64bits of the value (REAL values are exact
//	              float32 values widened)
//	NUMERIC       dec = *apd.Decimal, exponent <= 0 (the exponent is the
//	              display scale: 1.50 has exponent -2), NaN, ±Infinity
//	TEXT/VARCHAR  s
//	CHAR(n)       s, blank-padded to n characters when the type has a length
//	BYTEA         s = the bytes
//	DATE          i = days since 1970-01-01; MinInt32/MaxInt32 are
//	              -infinity/infinity
//	TIME          i = microseconds since midnight, 0..24:00:00
//	TIMESTAMP     i = microseconds since 1970-01-01 00:00:00;
//	TIMESTAMPTZ   the same, in UTC; MinInt64/MaxInt64 are ∓infinity
//	INTERVAL      i = microseconds, j = months<<32 | uint32(days): the
//	              three fields PostgreSQL keeps, never normalised
//	UUID          s = the 16 bytes
//	JSONB         s = the document's binary encoding (package jsonb);
//	              Doc returns it, JSON its text
//	ARRAY         arr = *Array{Elem, Elems}
//	ENUM          s = the label, i = math.Float64bits of its sort order
//	              (what compares, hashes and is stored)
//	UNKNOWN       s = the literal's text
//
// Datums do not carry modifiers: the plan knows each column's Type.
//
// # Comparison, NULL and hashing
//
// Compare orders non-NULL datums as PostgreSQL's btree operators do, across
// the number types (int vs numeric as numeric, anything vs a float as
// float8), text vs char, date vs timestamp. Text compares bytewise:
// cairn has one collation, "C". CHAR ignores trailing blanks. Floats and
// numerics put NaN above everything and equal to itself. Intervals
// compare by span with a month as 30 days ('1 mon' = '30 days'). Eq, Lt,
// ..., And, Or, Not work on the three-valued Tri (NULL in, NULL out);
// IsDistinctFrom never returns NULL.
//
// Hash and AppendHashKey agree with Compare == 0 within PostgreSQL's hash
// operator families (int2/int4/int8 together, float4/float8, text/varchar,
// timestamp/timestamptz, every other type alone); the binder casts both
// sides of a cross-family hash join to one type.
//
// # Operators and casts
//
// BinaryOpFunc and UnaryOpFunc resolve an operator once per expression at
// plan time and return a strict Go function plus the result type, with
// PostgreSQL's rules: smallint+smallint is smallint, int4+int8 int8, int
// with numeric numeric, anything with a float double precision (real op
// real stays real); integer overflow is 22003 "integer out of range" (or
// smallint/bigint), division by zero 22012; float results that overflow
// to infinity are 22003 "value out of range: overflow"; numeric division
// keeps at least 16 significant digits (PostgreSQL's select_div_scale).
// The types layer has its own Op enum: it must not import ast. The jsonb
// operators (-> ->> #> #>> @> <@ ? ?| ?& || - #-) resolve in jsonb.go
// with PostgreSQL's operand types: an untyped literal right of -> is
// text, not integer; jsonb || text is text concatenation. Jsonb casts to
// bool and the number types only from a JSON boolean or number
// ("cannot cast jsonb string to type integer", 22023). The array
// operators @> <@ && resolve first, in arrayops.go (element equality;
// a NULL element equals nothing).
//
// CastFunc follows pg_cast's contexts (implicit, assignment, explicit):
// widening numbers are implicit, narrowing ones assignment; anything to
// text is assignment, text to anything explicit; unknown literals cast
// implicitly to anything. It applies the target's modifiers: VARCHAR(n)
// raises 22001 except under an explicit cast, which truncates; NUMERIC
// rounds half away from zero to its scale and raises 22003 "numeric field
// overflow". numeric → integer rounds half away from zero; float →
// integer rounds half to even (PostgreSQL uses rint).
//
// # Text
//
// ParseText and FormatText are PostgreSQL's input and output functions
// with DateStyle ISO, MDY, IntervalStyle postgres, extra_float_digits 1
// (shortest round-trip floats) and the session time zone UTC (TIMESTAMPTZ
// prints "+00"); ParseTextIn, FormatTextIn and CastFuncIn take the
// session's zone (zone.go: a timestamptz prints as its wall-clock time
// there with the offset, "+02", "-03:30"; a wall-clock time without an
// offset reads in it, a time a daylight-saving jump skips or repeats as
// PostgreSQL resolves it), and ZonedOpFunc adds an interval's days and
// months on its wall clock. Error messages are PostgreSQL's, word for
// word: `invalid input syntax for type integer: "abc"` (22P02),
// `value "99999999999" is out of range for type integer` (22003),
// `date/time field value out of range: "2024-02-30"` (22008).
//
// # Storage
//
// ToRowcodec/FromRowcodec map datums onto rowcodec's value model. Key
// order equals Compare order for every orderable type:
//
//	BOOLEAN                  BOOL
//	SMALLINT/INTEGER/BIGINT  INT
//	REAL/DOUBLE              FLOAT
//	NUMERIC                  DECIMAL
//	TEXT/VARCHAR/UNKNOWN     STRING
//	CHAR(n)                  STRING without trailing blanks (re-padded from
//	                         the type on the way back, so the key orders
//	                         like CHAR's comparison; an unconstrained
//	                         bpchar comes back without trailing blanks)
//	BYTEA                    BYTES
//	DATE                     INT (days since 1970-01-01)
//	TIME                     INT (microseconds since midnight)
//	TIMESTAMP(TZ)            TIMESTAMP
//	UUID                     UUID
//	JSONB                    BYTES: in a row, the binary document (its
//	                         first byte the format version, 0x01); in an
//	                         array, jsonb.AppendStorageKey, the document's
//	                         sort key (bytewise order = PostgreSQL's jsonb
//	                         order, first byte 0x10 or more) then the
//	                         document and its length, so keys decode
//	                         exactly; '1.0' and '1' compare equal but have
//	                         different keys, as intervals do. Rows written
//	                         with a storage key, or with canonical text
//	                         (STRING, before documents were binary), still
//	                         decode. Index keys hold the sort key alone.
//	INTERVAL                 BYTES, 24 bytes: span days (int64, sign bit
//	                         flipped, big-endian), microseconds within the
//	                         day (uint64 big-endian), months and days
//	                         (int32 each, sign bit flipped, big-endian).
//	                         The first 16 bytes order like Compare; the
//	                         last 8 make it exact, so '1 mon' and
//	                         '30 days' are equal under Compare but have
//	                         different keys (a unique index tells them
//	                         apart, unlike PostgreSQL's).
//	ARRAY                    BYTES: the elements' ascending rowcodec key
//	                         encodings concatenated (NULL elements with the
//	                         NULLS LAST tag), which orders like PostgreSQL's
//	                         array comparison. Elements decode as key
//	                         values do: an unconstrained NUMERIC element
//	                         loses its display scale (1.50 comes back as
//	                         1.5), -0 comes back as 0.
//
// rowcodec's doc.go mentions DATE as a TIMESTAMP; this package stores it
// as INT days instead, since PostgreSQL's date range (to 5874897 AD)
// overflows microseconds.
//
// # What this package must never do
//
// Import anything above it (ast, parser, plan, exec); panic on any user
// input; allocate per integer datum.
package types
