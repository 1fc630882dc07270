package ast

import (
	"strings"
	"testing"
)

func TestKeywordTable(t *testing.T) {
	for k := KwNone + 2; k < numKeywords; k++ {
		if keywordTable[k-1].name >= keywordTable[k].name {
			t.Fatalf("keyword table not sorted at %q, %q", keywordTable[k-1].name, keywordTable[k].name)
		}
	}
	for k := KwNone + 1; k < numKeywords; k++ {
		name := keywordTable[k].name
		if name == "" || strings.ToLower(name) != name || len(name) > maxKeywordLen {
			t.Fatalf("bad keyword %d %q", k, name)
		}
		if got := LookupKeyword(strings.ToUpper(name)); got != k {
			t.Errorf("LookupKeyword(%q) = %d, want %d", name, got, k)
		}
	}
	for _, w := range []string{"", "a", "selec", "selectx", "zzz", "col0"} {
		if LookupKeyword(w) != KwNone {
			t.Errorf("LookupKeyword(%q) found a keyword", w)
		}
	}
	if KwSelect.String() != "SELECT" || KwSelect.Category() != Reserved || KwLeft.Category() != TypeFuncName {
		t.Error("keyword metadata")
	}
}

func TestLookupKeywordAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() { LookupKeyword("SeLeCt") })
	if n != 0 {
		t.Errorf("LookupKeyword allocates %v times", n)
	}
}
