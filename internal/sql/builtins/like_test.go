package builtins

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// likeRegexp is the model LIKE's matcher is checked against: the pattern
// as an anchored regular expression.
func likeRegexp(t *testing.T, pat string, ci bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	if ci {
		b.WriteString("(?i)")
	}
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '\\':
			i++
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// TestLikeMatchesModel compares the matcher with regular expressions on
// random patterns and strings, and checks that every match lies in the
// key range LikePrefix gives the planner.
func TestLikeMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(alphabet []string, n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	patAlpha := []string{"a", "b", "A", "é", "%", "_", `\%`, `\_`, `\\`, "%", "a"}
	strAlpha := []string{"a", "b", "A", "é", "%", "_", `\`}
	matches := 0
	for i := 0; i < 20000; i++ {
		pat := pick(patAlpha, r.IntN(7))
		ci := i%4 == 0
		p, err := compileLike(pat, ci)
		if err != nil {
			t.Fatalf("compile %q: %v", pat, err)
		}
		re := likeRegexp(t, pat, ci)
		prefix, exact := LikePrefix(pat)
		for j := 0; j < 20; j++ {
			s := pick(strAlpha, r.IntN(9))
			got, want := p.match(s), re.MatchString(s)
			if got != want {
				t.Fatalf("%q LIKE %q (ci %v) = %v, want %v", s, pat, ci, got, want)
			}
			if got {
				matches++
				if !ci && (!strings.HasPrefix(s, prefix) || exact && s != prefix) {
					t.Fatalf("%q matches %q outside its prefix %q (exact %v)", s, pat, prefix, exact)
				}
			}
		}
	}
	if matches < 10000 {
		t.Fatalf("only %d matches: the test does not exercise matching", matches)
	}
}

func TestLikeErrors(t *testing.T) {
	if _, err := compileLike(`ab\`, false); err == nil || !strings.Contains(err.Error(), "escape character") {
		t.Fatalf("pattern ending in the escape: %v", err)
	}
	if _, err := likeEscape("a", "xy"); err == nil || !strings.Contains(err.Error(), "invalid escape string") {
		t.Fatalf("two-character escape: %v", err)
	}
	if _, err := likeEscape("a#", "#"); err == nil {
		t.Fatal("pattern ending in ESCAPE's character: no error")
	}
	if _, err := similarToRegex(`a\`, `\`); err == nil {
		t.Fatal("SIMILAR TO pattern ending in the escape: no error")
	}
	for pat, want := range map[string]string{
		"a#%b#_c#d\\": `a\%b\_c\d\\`, "a##": `a\#`, "%é_": `%é_`, "#\\": `\\`,
	} {
		if got, err := likeEscape(pat, "#"); err != nil || got != want {
			t.Errorf("like_escape(%q, '#') = %q, %v; want %q", pat, got, err, want)
		}
	}
}

func TestLikePrefixEdges(t *testing.T) {
	for pat, want := range map[string]struct {
		prefix string
		exact  bool
	}{
		"": {"", true}, "ab": {"ab", true}, `a\%b%`: {"a%b", false}, "%a": {"", false}, `ab\`: {"", false},
	} {
		if p, e := LikePrefix(pat); p != want.prefix || e != want.exact {
			t.Errorf("LikePrefix(%q) = %q, %v; want %q, %v", pat, p, e, want.prefix, want.exact)
		}
	}
}
