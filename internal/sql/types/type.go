package types

import (
	"fmt"
	"strings"
	"unique"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Family is a SQL type without its modifiers. It is also the kind tag of a
// Datum (see doc.go), where the zero Family marks NULL.
type Family uint8

// The families. The numbering is not stored anywhere: storage goes through
// rowcodec.
const (
	nullFamily        Family = iota // the kind of a NULL datum; never a Type's family
	UnknownFamily                   // untyped literal, PostgreSQL's "unknown"
	BoolFamily                      // boolean
	Int2Family                      // smallint
	Int4Family                      // integer
	Int8Family                      // bigint
	Float4Family                    // real
	Float8Family                    // double precision
	NumericFamily                   // numeric(p,s)
	TextFamily                      // text
	VarcharFamily                   // character varying(n); its datums are TEXT datums
	CharFamily                      // character(n), blank-padded ("bpchar")
	ByteaFamily                     // bytea
	DateFamily                      // date
	TimeFamily                      // time without time zone
	TimestampFamily                 // timestamp without time zone
	TimestampTZFamily               // timestamp with time zone
	IntervalFamily                  // interval
	UUIDFamily                      // uuid
	JSONBFamily                     // jsonb
	EnumFamily                      // a user-defined enum type (CREATE TYPE ... AS ENUM); see enum.go
	ArrayFamily                     // one-dimensional array of a scalar type
	numFamilies
)

var familyNames = [numFamilies]string{
	"NULL", "unknown", "boolean", "smallint", "integer", "bigint", "real", "double precision",
	"numeric", "text", "character varying", "character", "bytea", "date",
	"time without time zone", "timestamp without time zone", "timestamp with time zone",
	"interval", "uuid", "jsonb", "enum", "array",
}

func (f Family) String() string {
	if f < numFamilies {
		return familyNames[f]
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// NoMod marks an absent type modifier.
const NoMod = -1

// Type is a SQL type: a family, its modifiers, and for arrays the element.
// Types are small comparable values; == is type identity (modifiers
// included). Arrays are one-dimensional arrays of a scalar type, so the
// element is kept inline: an array type is its element's Type with the
// array flag set.
type Type struct {
	fam   Family
	array bool
	// width is VARCHAR/CHAR's length, NUMERIC's precision, or TIME,
	// TIMESTAMP(TZ) and INTERVAL's fractional-second precision; NoMod when
	// absent.
	width int32
	// scale is NUMERIC's scale; NoMod when absent.
	scale int32
	// enum is an enum type's interned definition (enum.go); the zero
	// handle for every other family.
	enum unique.Handle[enumDef]
}

// The unmodified types.
var (
	Unknown     = Type{fam: UnknownFamily, width: NoMod, scale: NoMod}
	Bool        = Type{fam: BoolFamily, width: NoMod, scale: NoMod}
	Int2        = Type{fam: Int2Family, width: NoMod, scale: NoMod}
	Int4        = Type{fam: Int4Family, width: NoMod, scale: NoMod}
	Int8        = Type{fam: Int8Family, width: NoMod, scale: NoMod}
	Float4      = Type{fam: Float4Family, width: NoMod, scale: NoMod}
	Float8      = Type{fam: Float8Family, width: NoMod, scale: NoMod}
	Decimal     = Type{fam: NumericFamily, width: NoMod, scale: NoMod} // numeric without modifiers
	Text        = Type{fam: TextFamily, width: NoMod, scale: NoMod}
	VarcharAny  = Type{fam: VarcharFamily, width: NoMod, scale: NoMod} // varchar without a length
	Bpchar      = Type{fam: CharFamily, width: NoMod, scale: NoMod}    // bpchar without a length
	Bytea       = Type{fam: ByteaFamily, width: NoMod, scale: NoMod}
	Date        = Type{fam: DateFamily, width: NoMod, scale: NoMod}
	Time        = Type{fam: TimeFamily, width: NoMod, scale: NoMod}
	Timestamp   = Type{fam: TimestampFamily, width: NoMod, scale: NoMod}
	TimestampTZ = Type{fam: TimestampTZFamily, width: NoMod, scale: NoMod}
	Interval    = Type{fam: IntervalFamily, width: NoMod, scale: NoMod}
	UUID        = Type{fam: UUIDFamily, width: NoMod, scale: NoMod}
	JSONB       = Type{fam: JSONBFamily, width: NoMod, scale: NoMod}
)

// Numeric returns NUMERIC(precision, scale); scale may be NoMod for
// NUMERIC(p), which means scale 0.
func Numeric(precision, scale int) Type {
	if scale == NoMod {
		scale = 0
	}
	return Type{fam: NumericFamily, width: int32(precision), scale: int32(scale)}
}

// Varchar returns CHARACTER VARYING(n).
func Varchar(n int) Type { return Type{fam: VarcharFamily, width: int32(n), scale: NoMod} }

// Char returns CHARACTER(n).
func Char(n int) Type { return Type{fam: CharFamily, width: int32(n), scale: NoMod} }

// WithPrecision returns TIME, TIMESTAMP(TZ) or INTERVAL with p fractional
// digits of seconds (0..6).
func (t Type) WithPrecision(p int) Type {
	t.width = int32(p)
	return t
}

// FamilyType is the unmodified type of family f (not an array).
func FamilyType(f Family) Type { return Type{fam: f, width: NoMod, scale: NoMod} }

// ArrayOf returns the type of one-dimensional arrays of elem. An array of
// an array is the array itself, as in PostgreSQL (int[][] is int[]).
func ArrayOf(elem Type) Type {
	elem.array = true
	return elem
}

// Family returns the type's family: ArrayFamily for arrays.
func (t Type) Family() Family {
	if t.array {
		return ArrayFamily
	}
	return t.fam
}

// IsArray reports whether t is an array type.
func (t Type) IsArray() bool { return t.array }

// Elem returns an array type's element type (t itself for a scalar).
func (t Type) Elem() Type {
	t.array = false
	return t
}

// Width returns the length of VARCHAR(n)/CHAR(n), the precision of
// NUMERIC(p,s) or the fractional-second precision of the time types;
// NoMod when absent.
func (t Type) Width() int { return int(t.width) }

// Scale returns NUMERIC's scale, NoMod when absent.
func (t Type) Scale() int { return int(t.scale) }

// IsZero reports whether t is the zero Type (no type at all).
func (t Type) IsZero() bool { return t.fam == nullFamily }

// datumKind is the Datum kind of the type's values.
func (t Type) datumKind() Family {
	if t.array {
		return ArrayFamily
	}
	if t.fam == VarcharFamily {
		return TextFamily
	}
	return t.fam
}

// IsNumeric reports whether t is one of the number types.
func (t Type) IsNumeric() bool {
	return !t.array && t.fam >= Int2Family && t.fam <= NumericFamily
}

// IsInteger reports whether t is SMALLINT, INTEGER or BIGINT.
func (t Type) IsInteger() bool {
	return !t.array && t.fam >= Int2Family && t.fam <= Int8Family
}

// IsString reports whether t is TEXT, VARCHAR or CHAR.
func (t Type) IsString() bool {
	return !t.array && t.fam >= TextFamily && t.fam <= CharFamily
}

// Equivalent reports whether a and b are the same type ignoring modifiers
// (VARCHAR(10) and VARCHAR(20) are equivalent; VARCHAR and TEXT are not).
func Equivalent(a, b Type) bool { return a.fam == b.fam && a.array == b.array && a.enum == b.enum }

// Comparable reports whether values of a and b can be compared with
// Compare without a cast: same family, or both numbers, both strings, or
// both dates/timestamps.
func Comparable(a, b Type) bool {
	if a.array != b.array {
		return false
	}
	if a.fam == b.fam {
		return a.enum == b.enum // two enum types do not compare
	}
	ca, cb := category(a.fam), category(b.fam)
	return ca == cb && ca != 0 && ca != 'U'
}

// category returns PostgreSQL's typcategory letter for a family.
func category(f Family) byte {
	switch f {
	case BoolFamily:
		return 'B'
	case Int2Family, Int4Family, Int8Family, Float4Family, Float8Family, NumericFamily:
		return 'N'
	case TextFamily, VarcharFamily, CharFamily:
		return 'S'
	case DateFamily, TimestampFamily, TimestampTZFamily:
		return 'D'
	case TimeFamily:
		return 'T'
	case IntervalFamily:
		return 'I'
	case UUIDFamily, JSONBFamily, ByteaFamily:
		return 'U'
	case UnknownFamily:
		return 'X'
	case EnumFamily:
		return 'E'
	}
	return 0
}

// OID returns the PostgreSQL type OID.
func (t Type) OID() uint32 {
	if t.fam == EnumFamily && t.enum != noEnum {
		if t.array {
			return t.enum.Value().arrayOID
		}
		return t.enum.Value().oid
	}
	if t.isRegClass() {
		if t.array {
			return regclassOID + 5 // _regclass
		}
		return regclassOID
	}
	if t.array {
		return arrayOIDs[t.fam]
	}
	return scalarOIDs[t.fam]
}

var scalarOIDs = [numFamilies]uint32{
	UnknownFamily: 705, BoolFamily: 16, Int2Family: 21, Int4Family: 23, Int8Family: 20,
	Float4Family: 700, Float8Family: 701, NumericFamily: 1700, TextFamily: 25,
	VarcharFamily: 1043, CharFamily: 1042, ByteaFamily: 17, DateFamily: 1082,
	TimeFamily: 1083, TimestampFamily: 1114, TimestampTZFamily: 1184,
	IntervalFamily: 1186, UUIDFamily: 2950, JSONBFamily: 3802,
}

var arrayOIDs = [numFamilies]uint32{
	BoolFamily: 1000, Int2Family: 1005, Int4Family: 1007, Int8Family: 1016,
	Float4Family: 1021, Float8Family: 1022, NumericFamily: 1231, TextFamily: 1009,
	VarcharFamily: 1015, CharFamily: 1014, ByteaFamily: 1001, DateFamily: 1182,
	TimeFamily: 1183, TimestampFamily: 1115, TimestampTZFamily: 1185,
	IntervalFamily: 1187, UUIDFamily: 2951, JSONBFamily: 3807,
}

// TypeFromOID returns the unmodified type with the given OID.
func TypeFromOID(oid uint32) (Type, bool) {
	for f := UnknownFamily; f < ArrayFamily; f++ {
		t := Type{fam: f, width: NoMod, scale: NoMod}
		if scalarOIDs[f] == oid {
			return t, true
		}
		if arrayOIDs[f] == oid && oid != 0 {
			return ArrayOf(t), true
		}
	}
	return Type{}, false
}

// String returns the type's name as PostgreSQL's format_type prints it:
// "integer", "character varying(10)", "numeric(10,2)", "integer[]".
func (t Type) String() string {
	if t.isRegClass() {
		if t.array {
			return "regclass[]"
		}
		return "regclass"
	}
	var s string
	switch t.fam {
	case nullFamily:
		return "NULL"
	case NumericFamily:
		s = "numeric"
		if t.width != NoMod {
			s = fmt.Sprintf("numeric(%d,%d)", t.width, max(t.scale, 0))
		}
	case VarcharFamily:
		s = "character varying"
		if t.width != NoMod {
			s = fmt.Sprintf("character varying(%d)", t.width)
		}
	case CharFamily:
		s = "bpchar"
		if t.width != NoMod {
			s = fmt.Sprintf("character(%d)", t.width)
		}
	case TimeFamily, TimestampFamily, TimestampTZFamily:
		base, zone, _ := strings.Cut(familyNames[t.fam], " ")
		if t.width != NoMod {
			base = fmt.Sprintf("%s(%d)", base, t.width)
		}
		s = base + " " + zone
	case IntervalFamily:
		s = "interval"
		if t.width != NoMod {
			s = fmt.Sprintf("interval(%d)", t.width)
		}
	case EnumFamily:
		s = t.enumName()
	default:
		s = t.fam.String()
	}
	if t.array {
		s += "[]"
	}
	return s
}

// SQLName returns the type's name as a SQL type name in messages:
// the same as String.
func (t Type) SQLName() string { return t.String() }

// typeAliases maps PostgreSQL's spellings to families. Names are lower
// case with single spaces, as the parser produces them.
var typeAliases = map[string]Family{
	"bool": BoolFamily, "boolean": BoolFamily,
	"int2": Int2Family, "smallint": Int2Family,
	"int": Int4Family, "int4": Int4Family, "integer": Int4Family,
	"int8": Int8Family, "bigint": Int8Family,
	"real": Float4Family, "float4": Float4Family,
	"float8": Float8Family, "double precision": Float8Family,
	"numeric": NumericFamily, "decimal": NumericFamily, "dec": NumericFamily,
	"text":    TextFamily,
	"varchar": VarcharFamily, "character varying": VarcharFamily, "char varying": VarcharFamily,
	"char": CharFamily, "character": CharFamily, "bpchar": CharFamily,
	"bytea": ByteaFamily,
	"date":  DateFamily,
	"time":  TimeFamily, "time without time zone": TimeFamily,
	"timestamp": TimestampFamily, "timestamp without time zone": TimestampFamily,
	"timestamptz": TimestampTZFamily, "timestamp with time zone": TimestampTZFamily,
	"interval": IntervalFamily,
	"uuid":     UUIDFamily,
	"jsonb":    JSONBFamily, "json": JSONBFamily,
	"unknown": UnknownFamily,
}

// TypeFromName resolves a type name as written in SQL (lower case, words
// separated by single spaces, as the parser spells them) with its
// modifiers and number of array dimensions. "float" is DOUBLE PRECISION,
// FLOAT(p) is REAL for p <= 24; "json" is treated as JSONB; CHAR without
// a length is CHAR(1), as in PostgreSQL. Serial types are not types (the
// catalog expands them). Errors: 42704 for an unknown name, 22023 for bad
// modifiers.
func TypeFromName(name string, mods []int, arrayDims int) (Type, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	name = strings.TrimPrefix(name, "pg_catalog.")
	if name == "_int4" || strings.HasPrefix(name, "_") && len(name) > 1 {
		if _, ok := typeAliases[name[1:]]; ok { // _int4 is int4[]
			name = name[1:]
			arrayDims = max(arrayDims, 1)
		}
	}
	var t Type
	if name == "float" || name == "double" {
		t = Float8
		if len(mods) == 1 {
			switch p := mods[0]; {
			case p < 1:
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "precision for type float must be at least 1 bit")
			case p <= 24:
				t = Float4
			case p <= 53:
			default:
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "precision for type float must be less than 54 bits")
			}
			mods = nil
		}
	} else {
		f, ok := typeAliases[name]
		if !ok {
			return Type{}, sqlerr.New(sqlerr.UndefinedObject, "type %q does not exist", name)
		}
		t = Type{fam: f, width: NoMod, scale: NoMod}
	}
	var err error
	if t, err = applyMods(t, name, mods); err != nil {
		return Type{}, err
	}
	if arrayDims > 0 {
		if t.fam == UnknownFamily {
			return Type{}, sqlerr.New(sqlerr.UndefinedObject, "type unknown[] does not exist")
		}
		t = ArrayOf(t)
	}
	return t, nil
}

func applyMods(t Type, name string, mods []int) (Type, error) {
	bad := func() (Type, error) {
		return Type{}, sqlerr.New(sqlerr.SyntaxError, "type modifier is not allowed for type %q", name)
	}
	switch t.fam {
	case NumericFamily:
		switch len(mods) {
		case 0:
		case 1, 2:
			p, s := mods[0], 0
			if len(mods) == 2 {
				s = mods[1]
			}
			if p < 1 || p > 1000 {
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and 1000", p)
			}
			if s < 0 || s > p {
				// PostgreSQL 15 allows negative scales; cairn does not yet.
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "NUMERIC scale %d must be between 0 and precision %d", s, p)
			}
			t = Numeric(p, s)
		default:
			return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "invalid NUMERIC type modifier")
		}
	case VarcharFamily, CharFamily:
		switch len(mods) {
		case 0:
			if t.fam == CharFamily && name != "bpchar" {
				t.width = 1
			}
		case 1:
			what := "VARCHAR"
			if t.fam == CharFamily {
				what = "CHAR"
			}
			if mods[0] < 1 {
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "length for type %s must be at least 1", strings.ToLower(what))
			}
			if mods[0] > 10485760 {
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "length for type %s cannot exceed 10485760", strings.ToLower(what))
			}
			t.width = int32(mods[0])
		default:
			return bad()
		}
	case TimeFamily, TimestampFamily, TimestampTZFamily, IntervalFamily:
		switch len(mods) {
		case 0:
		case 1:
			if mods[0] < 0 {
				return Type{}, sqlerr.New(sqlerr.InvalidParameterValue, "%s(%d) precision must not be negative", strings.ToUpper(name), mods[0])
			}
			t.width = int32(min(mods[0], 6)) // PostgreSQL warns and reduces to 6
		default:
			return bad()
		}
	default:
		if len(mods) > 0 {
			return bad()
		}
	}
	return t, nil
}

// Len is PostgreSQL's typlen for t: its fixed size in bytes, or -1 for
// variable-length types (and arrays).
func (t Type) Len() int {
	if t.array {
		return -1
	}
	switch t.fam {
	case BoolFamily:
		return 1
	case Int2Family:
		return 2
	case Int4Family, Float4Family, DateFamily, EnumFamily:
		return 4
	case Int8Family, Float8Family, TimeFamily, TimestampFamily, TimestampTZFamily:
		return 8
	case IntervalFamily, UUIDFamily:
		return 16
	}
	return -1
}

// Mod is PostgreSQL's atttypmod for t: VARCHAR/CHAR length + 4, NUMERIC
// precision << 16 | scale + 4, time precision; -1 for none.
func (t Type) Mod() int {
	if t.width < 0 {
		return -1
	}
	switch t.fam {
	case VarcharFamily, CharFamily:
		return int(t.width) + 4
	case NumericFamily:
		return int(t.width)<<16 | int(max(t.scale, 0)) + 4
	case TimeFamily, TimestampFamily, TimestampTZFamily, IntervalFamily:
		return int(t.width)
	}
	return -1
}
