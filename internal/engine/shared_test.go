package engine

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

// TestSharedRowValues: rows fetched by index lookups from table blocks in
// the cache hold their large texts and documents as views of the blocks
// (tableCodec.fetch); a sort keeps them while the scan reads on, and
// they are still right after the statement, later statements and
// Close. Short values in the same rows are copies.
func TestSharedRowValues(t *testing.T) {
	e := openTestEngine(t)
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE d (id INT PRIMARY KEY, k INT, body TEXT, note TEXT, doc JSONB)")
	mustExec(t, s, "CREATE INDEX d_k ON d (k)")
	mustExec(t, s, `INSERT INTO d SELECT g, g % 40, repeat(md5(g::text), 20), md5(g::text),
		jsonb_build_object('i', g, 'body', repeat(md5(g::text), 20)) FROM generate_series(1, 3000) g`)
	mustExec(t, s, "VACUUM d") // the rows are read from tables, through the cache
	want := func(id int) string {
		h := md5.Sum([]byte(strconv.Itoa(id)))
		return hex.EncodeToString(h[:])
	}
	q := "SELECT id, body, note, doc FROM d WHERE k IN (3, 17, 29) ORDER BY body DESC"
	rs, err := s.Execute(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := rs[0].Rows
	if len(rows) != 225 {
		t.Fatalf("%d rows, want 225", len(rows))
	}
	prs, err := s.Execute(context.Background(), "EXPLAIN "+q, nil)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for _, r := range prs[0].Rows {
		plan = append(plan, r[0].String())
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "Sort") || !strings.Contains(p, "Index Scan using d_k") {
		t.Fatalf("plan without a sort over an index scan:\n%s", p)
	}
	for i := range 20 { // other reads churn the cache and the codecs' memory
		queryOne(t, s, "SELECT count(*) FROM d WHERE k = "+strconv.Itoa(i)+" AND length(body) = 640")
	}
	check := func(when string) {
		for _, r := range rows {
			id, err := strconv.Atoi(r[0].String())
			if err != nil {
				t.Fatal(err)
			}
			h := want(id)
			if r[1].String() != strings.Repeat(h, 20) || r[2].String() != h {
				t.Fatalf("%s: row %d: body %.40q note %q", when, id, r[1].String(), r[2].String())
			}
			if doc := r[3].String(); doc != `{"i": `+strconv.Itoa(id)+`, "body": "`+strings.Repeat(h, 20)+`"}` {
				t.Fatalf("%s: row %d: doc %.80q", when, id, doc)
			}
		}
	}
	check("after other statements")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	check("after Close")
}
