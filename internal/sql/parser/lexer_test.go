package parser

import (
	"testing"

	"github.com/cairndb/cairn/internal/sql/ast"
)

func lexAll(t *testing.T, src string) []token {
	t.Helper()
	l := lexer{src: src}
	var toks []token
	for {
		tk := l.next()
		if tk.kind == tError {
			t.Fatalf("lex %q: %s", src, tk.str)
		}
		if tk.kind == tEOF {
			return toks
		}
		toks = append(toks, tk)
	}
}

func TestLexerTokens(t *testing.T) {
	toks := lexAll(t, `SeLeCt Foo, "Bar", x->>'k', a::int, $2, 1.5e3, ?| ~* !~*`)
	want := []struct {
		kind tokKind
		str  string
		kw   ast.Keyword
	}{
		{tIdent, "select", ast.KwSelect}, {tIdent, "foo", 0}, {tOp, ",", 0}, {tQIdent, "Bar", 0},
		{tOp, ",", 0}, {tIdent, "x", 0}, {tOp, "->>", 0}, {tString, "k", 0}, {tOp, ",", 0},
		{tIdent, "a", 0}, {tOp, "::", 0}, {tIdent, "int", 0}, {tOp, ",", 0}, {tParam, "2", 0},
		{tOp, ",", 0}, {tNumeric, "1.5e3", 0}, {tOp, ",", 0}, {tOp, "?|", 0}, {tOp, "~*", 0}, {tOp, "!~*", 0},
	}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens, want %d: %+v", len(toks), len(want), toks)
	}
	for i, w := range want {
		if toks[i].kind != w.kind || toks[i].str != w.str || toks[i].kw != w.kw {
			t.Errorf("token %d = %+v, want %+v", i, toks[i], w)
		}
	}
}

// TestLexerNoAllocs checks that keywords, lower-case identifiers, numbers
// and plain strings are lexed without allocating.
func TestLexerNoAllocs(t *testing.T) {
	src := `SELECT col_a, b FROM tab WHERE id = 42 AND name = 'x' ORDER BY 1 DESC`
	n := testing.AllocsPerRun(100, func() {
		l := lexer{src: src}
		for l.next().kind != tEOF {
		}
	})
	if n != 0 {
		t.Errorf("lexing allocates %v times per statement", n)
	}
}

// TestPositions checks that nodes carry the byte offset of their first
// token.
func TestPositions(t *testing.T) {
	sql := "SELECT a, f(b) + 1 FROM t WHERE x IS NULL;\n  UPDATE u SET c = 2"
	stmts, err := Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	q := stmts[0].(*ast.Query)
	sel := q.Body.(*ast.Select)
	bin := sel.Targets[1].Expr.(*ast.BinaryExpr)
	checks := []struct {
		n    ast.Node
		want string
	}{
		{q, "SELECT"}, {sel.Targets[0].Expr, "a"}, {bin, "f(b)"}, {bin.Right, "1"},
		{sel.From[0], "t"}, {sel.Where, "x IS"}, {stmts[1], "UPDATE"},
	}
	for _, c := range checks {
		p := int(c.n.Position())
		if p < 0 || p+len(c.want) > len(sql) || sql[p:p+len(c.want)] != c.want {
			t.Errorf("%T at %d, want the position of %q", c.n, p, c.want)
		}
	}
}

func TestErrorCaret(t *testing.T) {
	sql := "SELECT *\n\tFORM t"
	_, err := Parse(sql)
	pe, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %v, want *Error", err)
	}
	if pe.Code != "42601" || pe.Message != `syntax error at or near "FORM"` {
		t.Fatalf("got %+v", pe)
	}
	want := "LINE 2:  FORM t\n         ^"
	if got := pe.Caret(sql); got != want {
		t.Errorf("caret:\n%s\nwant:\n%s", got, want)
	}
	if pe.CharPos(sql) != 11 {
		t.Errorf("CharPos = %d, want 11", pe.CharPos(sql))
	}
}

func TestDeepNesting(t *testing.T) {
	for _, sql := range []string{
		"SELECT " + repeat("(", 5000) + "1" + repeat(")", 5000),
		"SELECT " + repeat("- ", 5000) + "1",
		"SELECT " + repeat("ARRAY[", 3000),
		repeat("(", 5000) + "SELECT 1",
	} {
		_, err := Parse(sql)
		if err == nil {
			t.Errorf("parsed a %d-byte nest", len(sql))
		}
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}
