package cairn

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/jsonb"
)

// generalUpdate is update's general path: the whole document decoded,
// changed and encoded again.
func generalUpdate(d jsonb.Doc, ops []updateOp) (jsonb.Doc, error) {
	doc, _ := fromJSONB(d.Value()).(object)
	var err error
	for _, op := range ops {
		if doc, err = applyUpdate(doc, op); err != nil {
			return "", err
		}
	}
	v, err := toJSONB(doc)
	if err != nil {
		return "", err
	}
	return jsonb.Encode(v)
}

// TestUpdateEncodedMatchesGeneral: on random documents and updates, the
// update spliced into the encoding gives the general path's bytes, or
// its error, whenever it takes the update on.
func TestUpdateEncodedMatchesGeneral(t *testing.T) {
	g := &docGen{r: rand.New(rand.NewPCG(11, 26))}
	taken := 0
	for i := range 20000 {
		v, err := toValue(g.doc())
		if err != nil {
			t.Fatal(err)
		}
		jv, err := toJSONB(v)
		if err != nil {
			t.Fatal(err)
		}
		d, err := jsonb.Encode(jv)
		if err != nil {
			t.Fatal(err)
		}
		ops, err := parseUpdate(g.update())
		if err != nil {
			continue
		}
		got, ok, gerr := updateEncoded(d, ops)
		if !ok && gerr == nil {
			continue
		}
		taken++
		want, werr := generalUpdate(d, ops)
		switch {
		case gerr != nil || werr != nil:
			var ge, we *Error
			if !errors.As(gerr, &ge) || !errors.As(werr, &we) || ge.Error() != we.Error() {
				t.Fatalf("%d: update %v of %s: encoded path error %v, general path error %v", i, ops, d, gerr, werr)
			}
		case got != want:
			t.Fatalf("%d: update %v of %s: encoded path gives %s, general path %s", i, ops, d, got, want)
		}
	}
	if taken < 2000 {
		t.Fatalf("the encoded path took only %d of the updates", taken)
	}
}
