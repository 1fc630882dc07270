package types

import (
	"encoding/binary"
	"math"
	"strings"
	"unique"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// An enum type (CREATE TYPE ... AS ENUM) is EnumFamily with its
// definition interned: Types stay small comparable values, and two
// Types made from the same definition (a column's copy in its table's
// descriptor and the type's own descriptor) are ==. A changed definition
// (ALTER TYPE ... ADD VALUE) is another Type, as it must be: the catalog
// rebinds everything on a schema change.
//
// An enum value is its label and its sort order, a float64 that orders
// the labels as declared (PostgreSQL's enumsortorder): a value added
// BEFORE or AFTER another gets a sort order between its neighbours, so
// stored values never change. Values compare, and are stored in rows and
// keys, by their sort order alone (rowcodec FLOAT), which is unique
// within a type; decoding finds the label in the type.

// enumDef is the interned definition: labels holds, per label in sort
// order, its sort order (8 bytes, the float64's bits big-endian), its
// length (uvarint) and its bytes.
type enumDef struct {
	oid, arrayOID uint32
	name          string
	labels        string
}

// noEnum is the handle of every type but an enum's, and of the enum
// type TypeOfDatum gives a value: one whose definition is not known.
var noEnum unique.Handle[enumDef]

// EnumLabel is one value of an enum type.
type EnumLabel struct {
	Label string
	Sort  float64
}

// MaxEnumLabelLen is the longest label, in bytes (PostgreSQL's
// NAMEDATALEN - 1).
const MaxEnumLabelLen = 63

// NewEnum returns the enum type with the given OIDs (the type's and its
// array type's), name and labels, which must be in ascending sort order.
func NewEnum(oid, arrayOID uint32, name string, labels []EnumLabel) Type {
	var b []byte
	for _, l := range labels {
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(l.Sort))
		b = binary.AppendUvarint(b, uint64(len(l.Label)))
		b = append(b, l.Label...)
	}
	h := unique.Make(enumDef{oid: oid, arrayOID: arrayOID, name: name, labels: string(b)})
	return Type{fam: EnumFamily, width: NoMod, scale: NoMod, enum: h}
}

// IsEnum reports whether t is an enum type (not an array of one).
func (t Type) IsEnum() bool { return t.fam == EnumFamily && !t.array }

// EnumLabels returns an enum type's labels in sort order (nil for other
// types).
func (t Type) EnumLabels() []EnumLabel {
	var out []EnumLabel
	t.eachLabel(func(l EnumLabel) bool {
		out = append(out, l)
		return true
	})
	return out
}

func (t Type) eachLabel(fn func(EnumLabel) bool) {
	if t.fam != EnumFamily || t.enum == noEnum {
		return
	}
	s := t.enum.Value().labels
	for len(s) >= 9 {
		sort := math.Float64frombits(binary.BigEndian.Uint64([]byte(s[:8])))
		n, k := binary.Uvarint([]byte(s[8:min(len(s), 18)]))
		if k <= 0 || uint64(len(s)-8-k) < n {
			return // cannot happen: NewEnum wrote it
		}
		l := EnumLabel{Label: s[8+k : 8+k+int(n)], Sort: sort}
		s = s[8+k+int(n):]
		if !fn(l) {
			return
		}
	}
}

// EnumName is an enum type's name as CREATE TYPE gave it (String quotes
// it when it must be).
func (t Type) EnumName() string {
	if t.enum == noEnum {
		return ""
	}
	return t.enum.Value().name
}

// enumName is an enum type's name as format_type prints it: quoted
// unless it is a plain lower-case identifier.
func (t Type) enumName() string {
	if t.enum == noEnum {
		return "enum"
	}
	name := t.enum.Value().name
	plain := name != ""
	for i, c := range name {
		plain = plain && (c >= 'a' && c <= 'z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '$'))
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// NewEnumValue returns the value of enum type t with the given label, or
// PostgreSQL's 22P02 error for a label t does not have.
func NewEnumValue(t Type, label string) (Datum, error) {
	d, ok := t.findEnum(func(l EnumLabel) bool { return l.Label == label })
	if !ok {
		return Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input value for enum %s: %q", t.enumName(), label)
	}
	return d, nil
}

// enumBySort returns the value of enum type t with sort order sort; a
// stored sort order t lacks is corrupt data.
func enumBySort(t Type, sort float64) (Datum, error) {
	d, ok := t.findEnum(func(l EnumLabel) bool { return l.Sort == sort })
	if !ok {
		return Null, corrupt("enum %s has no value with sort order %g", t.enumName(), sort)
	}
	return d, nil
}

// findEnum returns the value of enum type t whose label hit accepts.
func (t Type) findEnum(hit func(EnumLabel) bool) (d Datum, found bool) {
	t.eachLabel(func(l EnumLabel) bool {
		if hit(l) {
			d, found = Datum{kind: EnumFamily, i: int64(math.Float64bits(l.Sort)), s: l.Label}, true
		}
		return !found
	})
	return d, found
}

// EnumSort returns an enum value's sort order.
func (d Datum) EnumSort() float64 { return math.Float64frombits(uint64(d.i)) }

// IsBuiltinTypeName reports whether name (as SQL spells it, lower case)
// is one of the built-in types' names, which a user type may not take.
func IsBuiltinTypeName(name string) bool {
	name = strings.TrimPrefix(name, "_") // the array types' names
	if _, ok := typeAliases[name]; ok {
		return true
	}
	switch name {
	case "float", "double", "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8",
		"name", "oid", "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole", "regoper", "regoperator", "regconfig",
		"record", "void", "trigger", "anyelement", "anyarray", "anyenum", "cstring", "internal":
		return true
	}
	return false
}
