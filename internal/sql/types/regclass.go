package types

// RegClass is PostgreSQL's regclass: the OID of a relation, which prints
// as the relation's name. cairn's OIDs are bigints, so a regclass is a
// bigint that compares, hashes and stores as one, marked by a width no
// other bigint has; its values carry the name they print (NewRegClass),
// which the binder looks up when it binds the cast to regclass.
var RegClass = Type{fam: Int8Family, width: regclassWidth, scale: NoMod}

const (
	regclassWidth = -2
	regclassOID   = 2205
)

// NewRegClass returns a regclass value: OID oid, printed as name (as its
// number when name is "").
func NewRegClass(oid int64, name string) Datum { return Datum{kind: Int8Family, i: oid, s: name} }

// isRegClass reports whether t is RegClass (or an array of it).
func (t Type) isRegClass() bool { return t.fam == Int8Family && t.width == regclassWidth }

// RegClassName is the name a regclass value prints as ("" for any other
// value).
func (d Datum) RegClassName() string {
	if d.kind == Int8Family {
		return d.s
	}
	return ""
}
