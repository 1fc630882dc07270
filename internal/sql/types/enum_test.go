package types

import (
	"bytes"
	"testing"

	"github.com/cairndb/cairn/internal/rowcodec"
)

// TestEnumValues: enum values compare by sort order, their key encoding
// sorts the same way, a stored value decodes back to its label, and two
// Types made from one definition are one type.
func TestEnumValues(t *testing.T) {
	labels := []EnumLabel{{"low", -1}, {"mid", 0.5}, {"high", 2}, {"max", 1e9}}
	typ := NewEnum(16500, 1<<23+116, "level", labels)
	if again := NewEnum(16500, 1<<23+116, "level", labels); again != typ {
		t.Fatal("the same definition made two types")
	}
	if other := NewEnum(16500, 1<<23+116, "level", labels[:3]); other == typ || Comparable(other, typ) {
		t.Fatal("a changed definition is the same type")
	}
	var vals []Datum
	var keys [][]byte
	for _, l := range labels {
		d, err := NewEnumValue(typ, l.Label)
		if err != nil {
			t.Fatal(err)
		}
		vals = append(vals, d)
		keys = append(keys, rowcodec.AppendKey(nil, ToRowcodecKey(d), rowcodec.Asc))
		back, err := FromRowcodec(typ, ToRowcodec(d))
		if err != nil || FormatText(back) != l.Label || Compare(back, d) != 0 {
			t.Fatalf("%s: stored and read back as %v, %v", l.Label, back, err)
		}
	}
	for i := 1; i < len(vals); i++ {
		if Compare(vals[i-1], vals[i]) >= 0 || bytes.Compare(keys[i-1], keys[i]) >= 0 {
			t.Fatalf("%s does not sort before %s", labels[i-1].Label, labels[i].Label)
		}
	}
	if _, err := NewEnumValue(typ, "none"); err == nil {
		t.Fatal("an unknown label was accepted")
	}
	if _, err := FromRowcodec(typ, rowcodec.Float(7)); err == nil {
		t.Fatal("a sort order the type lacks decoded")
	}
	if typ.String() != "level" || ArrayOf(typ).String() != "level[]" || typ.OID() != 16500 || ArrayOf(typ).OID() != 1<<23+116 {
		t.Fatalf("names and OIDs: %s %s %d %d", typ, ArrayOf(typ), typ.OID(), ArrayOf(typ).OID())
	}
	if q := NewEnum(16501, 1, "Role", nil); q.String() != `"Role"` || q.EnumName() != "Role" {
		t.Fatalf("mixed-case name prints as %s", q)
	}
}
