package cairn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

func openMem(t testing.TB) *DB {
	t.Helper()
	db, err := Open(MemoryDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// findIDs returns the _ids Find(filter) yields, in order.
func findIDs(t *testing.T, c *Collection, filter any, opts *FindOptions) []string {
	t.Helper()
	cur, err := c.Find(context.Background(), filter, opts)
	if err != nil {
		t.Fatalf("Find(%v): %v", filter, err)
	}
	var docs []struct {
		ID string `json:"_id"`
	}
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	return ids
}

var operatorDocs = []string{
	`{"_id": "a", "n": 1, "s": "x", "tags": ["go", "sql"], "o": {"p": 1, "q": [1, 2]}}`,
	`{"_id": "b", "n": 2.5, "s": "y", "tags": ["go"], "o": {"p": 2}}`,
	`{"_id": "c", "n": "1", "s": null, "tags": "go", "arr": [{"k": 1, "v": "a"}, {"k": 2, "v": "b"}]}`,
	`{"_id": "d", "n": 10, "tags": [], "arr": [{"k": 3}], "nested": [[1, 2], [3]]}`,
	`{"_id": "e", "n": true, "s": "Xylophone", "tags": [["go"]], "o": {"p": {"deep": true}}}`,
}

func TestCollectionOperators(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("ops")
	for _, d := range operatorDocs {
		if _, err := c.Insert(ctx, json.RawMessage(d)); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		filter string
		want   string
	}{
		{`{}`, "a b c d e"},
		{`{"n": 1}`, "a"},
		{`{"n": 1.0}`, "a"},
		{`{"n": "1"}`, "c"},
		{`{"n": {"$eq": 10}}`, "d"},
		{`{"n": {"$ne": 1}}`, "b c d e"},
		{`{"n": {"$gt": 1}}`, "b d"},
		{`{"n": {"$gte": 1}}`, "a b d"},
		{`{"n": {"$lt": 2.5}}`, "a"},
		{`{"n": {"$lte": 2.5}}`, "a b"},
		{`{"s": {"$gt": "x"}}`, "b"},
		{`{"n": {"$gt": 1, "$lt": 10}}`, "b"},
		{`{"n": {"$in": [1, "1", true]}}`, "a c e"},
		{`{"n": {"$nin": [1, "1", true]}}`, "b d"},
		{`{"s": null}`, "c d"},
		{`{"s": {"$ne": null}}`, "a b e"},
		{`{"s": {"$exists": true}}`, "a b c e"},
		{`{"s": {"$exists": false}}`, "d"},
		{`{"tags": "go"}`, "a b c e"}, // jsonpath's lax comparison unwraps [["go"]] twice
		{`{"tags": ["go"]}`, "b e"},
		{`{"tags": ["go", "sql"]}`, "a"},
		{`{"tags": {"$all": ["go", "sql"]}}`, "a"},
		{`{"tags": {"$all": []}}`, ""},
		{`{"tags": {"$size": 1}}`, "b e"},
		{`{"tags": {"$size": 0}}`, "d"},
		{`{"tags.0": "go"}`, "a b e"},
		{`{"tags.1": "sql"}`, "a"},
		{`{"o.p": 1}`, "a"},
		{`{"o.p": {"deep": true}}`, "e"},
		{`{"o.p.deep": true}`, "e"},
		{`{"o.q": 2}`, "a"},
		{`{"o.q.1": 2}`, "a"},
		{`{"arr.k": 2}`, "c"},
		{`{"arr.k": {"$gte": 2}}`, "c d"},
		{`{"arr.0.k": 3}`, "d"},
		{`{"arr": {"$elemMatch": {"k": 1, "v": "a"}}}`, "c"},
		{`{"arr": {"$elemMatch": {"k": 1, "v": "b"}}}`, ""},
		{`{"arr.k": 1, "arr.v": "b"}`, "c"},
		{`{"o.q": {"$elemMatch": {"$gt": 1, "$lt": 3}}}`, "a"},
		{`{"nested": [3]}`, "d"},
		{`{"s": {"$regex": "^x"}}`, "a"},
		{`{"s": {"$regex": "^x", "$options": "i"}}`, "a e"},
		{`{"s": {"$not": {"$regex": "^x"}}}`, "b c d e"},
		{`{"n": {"$not": {"$gt": 1}}}`, "a c e"},
		{`{"$or": [{"n": 1}, {"s": "y"}]}`, "a b"},
		{`{"$and": [{"tags": "go"}, {"n": {"$gt": 1}}]}`, "b"},
		{`{"$nor": [{"n": 1}, {"s": "y"}]}`, "c d e"},
		{`{"_id": "c"}`, "c"},
		{`{"_id": {"$in": ["a", "e", "z"]}}`, "a e"},
		{`{"_id": "c", "n": 1}`, ""},
		{`{"missing.path": {"$exists": false}}`, "a b c d e"},
	}
	for _, withIndex := range []bool{false, true} {
		if withIndex {
			for _, p := range []string{"n", "s", "tags", "o.p", "arr.k", "tags.0"} {
				if err := c.CreateIndex(ctx, p, false); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, tc := range cases {
			got := strings.Join(findIDs(t, c, tc.filter, nil), " ")
			if got != tc.want {
				t.Errorf("index=%v Find(%s) = %q, want %q", withIndex, tc.filter, got, tc.want)
			}
			n, err := c.Count(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(strings.Fields(tc.want)); n != int64(want) {
				t.Errorf("Count(%s) = %d, want %d", tc.filter, n, want)
			}
		}
	}
}

func TestCollectionInvalid(t *testing.T) {
	ctx := context.Background()
	c := openMem(t).Collection("bad")
	if _, err := c.Insert(ctx, map[string]any{"a": 1}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{
		`{"a": {"$bogus": 1}}`, `{"$where": "x"}`, `{"a": {"$gt": [1]}}`, `{"$or": []}`,
		`{"a": {"$size": -1}}`, `{"a..b": 1}`, `{"a": {"$gt": 1, "b": 2}}`, `[1]`, `{"a": {"$regex": 1}}`,
		`{"a": {"$exists": 1}}`, `{"a": {"$in": 1}}`, `{"a": {"$regex": "(", "$options": "i"}}`,
	} {
		_, err := c.Find(ctx, f, nil)
		var ce *Error
		if !errors.As(err, &ce) || (ce.Code != "22023" && ce.Code != "42601" && ce.Code != "2201B") {
			t.Errorf("Find(%s) = %v, want a 22023 or 42601 error", f, err)
		}
	}
	for _, u := range []string{`{"a": 1}`, `{"$set": 1}`, `{"$inc": {"a": "x"}}`, `{"$set": {"_id": "x"}}`, `{"$set": {"a": 1}, "$inc": {"a": 1}}`, `{"$rename": {"a": "b"}}`} {
		_, _, err := c.Update(ctx, nil, u)
		var ce *Error
		if !errors.As(err, &ce) || (ce.Code != "22023" && ce.Code != "42601") {
			t.Errorf("Update(%s) = %v, want a 22023 or 42601 error", u, err)
		}
	}
	if _, err := c.Insert(ctx, `[1]`); err == nil {
		t.Error("inserting an array succeeded")
	}
	if _, err := c.Insert(ctx, map[string]any{"_id": 5}); err == nil {
		t.Error("inserting a numeric _id succeeded")
	}
	if _, err := c.Insert(ctx, map[string]any{"_id": "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, map[string]any{"_id": "x"}); !isCode(err, "23505") {
		t.Errorf("duplicate _id: %v, want 23505", err)
	}
}

func TestCollectionCRUD(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("people")

	// Reads of a missing collection are empty.
	if n, err := c.Count(ctx, nil); err != nil || n != 0 {
		t.Fatalf("Count on missing = %d, %v", n, err)
	}
	if err := c.Get(ctx, "x", new(any)); !errors.Is(err, ErrNoDocument) {
		t.Fatalf("Get on missing = %v", err)
	}
	if n, err := c.Delete(ctx, nil); err != nil || n != 0 {
		t.Fatalf("Delete on missing = %d, %v", n, err)
	}

	type person struct {
		ID   string   `json:"_id,omitempty"`
		Name string   `json:"name"`
		Age  int      `json:"age"`
		Tags []string `json:"tags,omitempty"`
	}
	id, err := c.Insert(ctx, person{Name: "ann", Age: 31, Tags: []string{"go"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 36 {
		t.Fatalf("generated id %q", id)
	}
	ids, err := c.InsertMany(ctx, []any{
		map[string]any{"_id": "bob", "name": "bob", "age": 25},
		json.RawMessage(`{"name": "cy", "age": 40, "tags": ["sql", "go"]}`),
	})
	if err != nil || len(ids) != 2 || ids[0] != "bob" {
		t.Fatalf("InsertMany = %v, %v", ids, err)
	}
	var p person
	if err := c.Get(ctx, id, &p); err != nil || p.Name != "ann" || p.ID != id {
		t.Fatalf("Get = %+v, %v", p, err)
	}
	if err := c.FindOne(ctx, map[string]any{"age": map[string]any{"$gt": 30}, "tags": "sql"}, &p); err != nil || p.Name != "cy" {
		t.Fatalf("FindOne = %+v, %v", p, err)
	}
	if err := c.FindOne(ctx, `{"age": 99}`, &p); !errors.Is(err, ErrNoDocument) {
		t.Fatalf("FindOne(no match) = %v", err)
	}

	// Sort, skip, limit, projection.
	cur, err := c.Find(ctx, nil, &FindOptions{Sort: []string{"-age"}, Skip: 1, Limit: 1, Projection: map[string]any{"name": 1, "_id": 0}})
	if err != nil {
		t.Fatal(err)
	}
	var raw []json.RawMessage
	if err := cur.All(ctx, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 1 || string(raw[0]) != `{"name": "ann"}` {
		t.Fatalf("sorted projection = %s", raw)
	}
	cur, err = c.Find(ctx, nil, &FindOptions{Sort: []string{"name"}, Projection: `{"tags": 0, "age": 0}`})
	if err != nil {
		t.Fatal(err)
	}
	raw = nil
	if err := cur.All(ctx, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 3 || string(raw[1]) != `{"_id": "bob", "name": "bob"}` {
		t.Fatalf("exclusion projection = %s", raw)
	}

	// Updates.
	m, mod, err := c.Update(ctx, `{"tags": "go"}`, `{"$inc": {"age": 1}, "$set": {"address.city": "Oslo"}, "$push": {"tags": "new"}}`)
	if err != nil || m != 2 || mod != 2 {
		t.Fatalf("Update = %d %d %v", m, mod, err)
	}
	var doc map[string]any
	if err := c.Get(ctx, id, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["age"].(float64) != 32 || doc["address"].(map[string]any)["city"] != "Oslo" || len(doc["tags"].([]any)) != 2 {
		t.Fatalf("after update: %v", doc)
	}
	m, mod, err = c.Update(ctx, `{"_id": "bob"}`, `{"$set": {"age": 25}}`)
	if err != nil || m != 1 || mod != 0 {
		t.Fatalf("no-op Update = %d %d %v", m, mod, err)
	}
	m, mod, err = c.UpdateOne(ctx, `{"name": "ann"}`, `{"$unset": {"tags": ""}, "$pull": {"x": 1}}`)
	if err != nil || m != 1 || mod != 1 {
		t.Fatalf("UpdateOne = %d %d %v", m, mod, err)
	}
	if _, _, err := c.Update(ctx, `{"name": "cy"}`, `{"$pull": {"tags": {"$in": ["sql", "new"]}}}`); err != nil {
		t.Fatal(err)
	}
	var tags struct{ Tags []string }
	if err := c.FindOne(ctx, `{"name": "cy"}`, &tags); err != nil || !slices.Equal(tags.Tags, []string{"go"}) {
		t.Fatalf("$pull: %v %v", tags, err)
	}
	if err := c.Replace(ctx, "bob", map[string]any{"name": "robert"}); err != nil {
		t.Fatal(err)
	}
	doc = nil
	if err := c.Get(ctx, "bob", &doc); err != nil || doc["name"] != "robert" || doc["_id"] != "bob" || doc["age"] != nil {
		t.Fatalf("after Replace: %v %v", doc, err)
	}
	if err := c.Replace(ctx, "nobody", map[string]any{}); !errors.Is(err, ErrNoDocument) {
		t.Fatalf("Replace missing = %v", err)
	}

	// Deletes.
	if n, err := c.DeleteOne(ctx, nil); err != nil || n != 1 {
		t.Fatalf("DeleteOne = %d %v", n, err)
	}
	if n, err := c.Delete(ctx, `{"name": {"$exists": true}}`); err != nil || n != 2 {
		t.Fatalf("Delete = %d %v", n, err)
	}
	if err := c.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx, nil); err != nil || n != 0 {
		t.Fatalf("Count after Drop = %d %v", n, err)
	}
}

func TestCollectionTx(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	tx, err := db.Begin(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := tx.Collection("txc")
	if n, err := c.Count(ctx, nil); err != nil || n != 0 {
		t.Fatalf("Count = %d %v", n, err)
	}
	if _, err := c.Insert(ctx, `{"_id": "1", "a": 1}`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InsertMany(ctx, []any{`{"a": 2}`, `{"a": 3}`}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Update(ctx, `{"a": {"$gte": 2}}`, `{"$inc": {"a": 10}}`); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Collection("txc").Count(ctx, nil); n != 0 {
		t.Fatalf("uncommitted documents visible outside: %d", n)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("txc").Count(ctx, nil); err != nil || n != 0 {
		t.Fatalf("after rollback: %d %v", n, err)
	}

	tx, _ = db.Begin(ctx, nil)
	c = tx.Collection("txc")
	if _, err := c.InsertMany(ctx, []any{`{"a": 2}`, `{"a": 3}`}); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx, `{"a": {"$gt": 2}}`); err != nil || n != 1 {
		t.Fatalf("in tx Count = %d %v", n, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("txc").Count(ctx, nil); err != nil || n != 2 {
		t.Fatalf("after commit: %d %v", n, err)
	}
}

// TestCollectionIndexExplainAnalyzed: with statistics gathered, a find by
// an indexed path still reads that index. Its values are parameters, so
// no estimate of how many documents match is more than a guess: reading
// the whole collection in _id order instead, to save the sort, must not
// win on it.
func TestCollectionIndexExplainAnalyzed(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("people")
	if err := c.CreateIndex(ctx, "address.city", false); err != nil {
		t.Fatal(err)
	}
	docs := make([]any, 0, 3000)
	for i := range 3000 {
		docs = append(docs, fmt.Sprintf(`{"name": "p%d", "address": {"city": "c%d"}}`, i, i%100))
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	plan, err := c.Explain(ctx, `{"address.city": "c7"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(plan, "\n"); !strings.Contains(text, "Index Scan using "+indexName("people", "address.city", false)) {
		t.Errorf("plan does not use the address.city index:\n%s", text)
	}
	if n, err := c.Count(ctx, `{"address.city": "c7"}`); err != nil || n != 30 {
		t.Errorf("Count = %d, %v; want 30", n, err)
	}
}

func TestCollectionIndexExplain(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("users")
	for _, d := range []string{`{"email": "a@x", "age": 30}`, `{"email": "b@x", "age": 40}`, `{"email": ["c@x", "d@x"], "age": 50}`} {
		if _, err := c.Insert(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.CreateIndex(ctx, "email", true); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "age", false); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "age", false); err != nil {
		t.Fatalf("CreateIndex twice: %v", err)
	}
	plan, err := c.Explain(ctx, `{"email": "b@x"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	t.Logf("EXPLAIN:\n%s", text)
	if !strings.Contains(text, "Index Scan using "+indexName("users", "email", true)+" on users") {
		t.Errorf("plan does not use the email index:\n%s", text)
	}
	plan, _ = c.Explain(ctx, `{"age": {"$gte": 40}}`, nil)
	if !strings.Contains(strings.Join(plan, "\n"), "Index Scan using "+indexName("users", "age", false)) {
		t.Errorf("plan does not use the age index:\n%s", strings.Join(plan, "\n"))
	}
	plan, _ = c.Explain(ctx, `{"$or": [{"age": 30}, {"age": 40}]}`, nil)
	if !strings.Contains(strings.Join(plan, "\n"), "Seq Scan") {
		t.Errorf("$or plan:\n%s", strings.Join(plan, "\n"))
	}
	for f, want := range map[string]int{`{"email": "b@x"}`: 1, `{"email": "d@x"}`: 1, `{"age": {"$gte": 40}}`: 2} {
		if n, err := c.Count(ctx, f); err != nil || n != int64(want) {
			t.Errorf("Count(%s) = %d, %v; want %d", f, n, err, want)
		}
	}
	// Unique: a second b@x is refused, documents with arrays are not
	// constrained.
	if _, err := c.Insert(ctx, `{"email": "b@x"}`); !isCode(err, "23505") {
		t.Errorf("duplicate email: %v", err)
	}
	if _, err := c.Insert(ctx, `{"email": ["c@x"]}`); err != nil {
		t.Errorf("array email: %v", err)
	}
}

func TestCollectionAggregate(t *testing.T) {
	ctx := context.Background()
	c := openMem(t).Collection("sales")
	for _, d := range []string{
		`{"item": "a", "qty": 2, "price": 10, "tags": ["x"]}`,
		`{"item": "b", "qty": 1, "price": 20}`,
		`{"item": "a", "qty": 5, "price": 10}`,
		`{"item": "c", "qty": "many", "price": 5}`,
		`{"qty": 3, "price": 1}`,
	} {
		if _, err := c.Insert(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	run := func(p string) []string {
		t.Helper()
		cur, err := c.Aggregate(ctx, p)
		if err != nil {
			t.Fatalf("Aggregate(%s): %v", p, err)
		}
		var out []string
		for cur.Next(ctx) {
			out = append(out, string(cur.Raw()))
		}
		return out
	}
	got := run(`[{"$match": {"price": {"$gte": 5}}}, {"$group": {"_id": "$item", "total": {"$sum": "$qty"}, "n": {"$count": {}}, "avg": {"$avg": "$qty"}, "lo": {"$min": "$qty"}, "hi": {"$max": "$qty"}}}, {"$sort": {"total": -1, "_id": 1}}]`)
	want := []string{
		`{"n": 2, "hi": 5, "lo": 2, "_id": "a", "avg": 3.5000000000000000, "total": 7}`,
		`{"n": 1, "hi": 1, "lo": 1, "_id": "b", "avg": 1.00000000000000000000, "total": 1}`,
		`{"n": 1, "hi": "many", "lo": "many", "_id": "c", "avg": null, "total": 0}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("group:\n got %q\nwant %q", got, want)
	}
	got = run(`[{"$group": {"_id": null, "n": {"$sum": 1}, "qty": {"$sum": "$qty"}}}]`)
	if !slices.Equal(got, []string{`{"n": 5, "_id": null, "qty": 11}`}) {
		t.Errorf("group null: %q", got)
	}
	got = run(`[{"$match": {"item": "zzz"}}, {"$group": {"_id": null, "n": {"$sum": 1}}}]`)
	if len(got) != 0 {
		t.Errorf("group over nothing: %q", got)
	}
	got = run(`[{"$sort": {"price": 1, "qty": -1}}, {"$skip": 1}, {"$limit": 2}, {"$project": {"item": 1, "_id": 0}}]`)
	if !slices.Equal(got, []string{`{"item": "c"}`, `{"item": "a"}`}) {
		t.Errorf("sort/skip/limit/project: %q", got)
	}
	got = run(`[{"$match": {"tags": "x"}}, {"$project": {"tags": 0, "_id": 0}}, {"$count": "n"}]`)
	if !slices.Equal(got, []string{`{"n": 1}`}) {
		t.Errorf("count: %q", got)
	}
	if _, err := c.Aggregate(ctx, `[{"$lookup": {}}]`); !isCode(err, "42601") {
		t.Errorf("$lookup: %v", err)
	}
}

func TestCollectionProjectionNested(t *testing.T) {
	ctx := context.Background()
	c := openMem(t).Collection("proj")
	if _, err := c.Insert(ctx, `{"_id": "1", "a": {"b": 1, "c": 2, "d": {"e": 3}}, "f": 4, "g": [{"b": 1}]}`); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		`{"a.b": 1, "a.d.e": 1}`: `{"a": {"b": 1, "d": {"e": 3}}, "_id": "1"}`,
		`{"a.c": 0, "g": 0}`:     `{"a": {"b": 1, "d": {"e": 3}}, "f": 4, "_id": "1"}`,
		`{"f": 1, "zz.y": 1}`:    `{"f": 4, "_id": "1"}`,
	} {
		cur, err := c.Find(ctx, nil, &FindOptions{Projection: p})
		if err != nil {
			t.Fatal(err)
		}
		var raw []json.RawMessage
		if err := cur.All(ctx, &raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) != 1 || string(raw[0]) != want {
			t.Errorf("projection %s = %s, want %s", p, raw, want)
		}
	}
}

func TestCanonicalNumbers(t *testing.T) {
	for in, want := range map[string]string{"3.0": "3", "1e2": "100", "1.50": "1.5", "-0.0": "0", "0.001": "0.001", "12345678901234567890": "12345678901234567890"} {
		got, err := canonicalNumber(json.Number(in))
		if err != nil || string(got) != want {
			t.Errorf("canonicalNumber(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	// A document stored with 3.0 is found through an index by 3.
	ctx := context.Background()
	c := openMem(t).Collection("nums")
	if err := c.CreateIndex(ctx, "n", false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, `{"_id": "x", "n": 3.0}`); err != nil {
		t.Fatal(err)
	}
	if ids := findIDs(t, c, `{"n": 3}`, nil); !slices.Equal(ids, []string{"x"}) {
		t.Errorf("Find 3 = %v", ids)
	}
	var keys []string
	for k := range map[string]bool{"b": true, "a": true} {
		keys = append(keys, k)
	}
	sort.Strings(keys)
}

// TestCollectionIndexCache: the indexed paths a Find compiles against are
// cached per schema version: an index created or dropped after a Find
// (through another Collection value, or SQL) is seen by the next one.
func TestCollectionIndexCache(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("cities")
	if _, err := c.Insert(ctx, `{"city": "Oslo"}`); err != nil {
		t.Fatal(err)
	}
	plan := func() string {
		p, err := db.Collection("cities").Explain(ctx, `{"city": "Oslo"}`, nil)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(p, "\n")
	}
	if p := plan(); strings.Contains(p, "Index Scan") {
		t.Fatalf("index scan before any index:\n%s", p)
	}
	if err := db.Collection("cities").CreateIndex(ctx, "city", false); err != nil {
		t.Fatal(err)
	}
	if p := plan(); !strings.Contains(p, "Index Scan") {
		t.Fatalf("the new index is not used:\n%s", p)
	}
	if _, err := db.Exec(ctx, "DROP INDEX "+indexName("cities", "city", false)); err != nil {
		t.Fatal(err)
	}
	if p := plan(); strings.Contains(p, "Index Scan") {
		t.Fatalf("the dropped index is still planned:\n%s", p)
	}
}

// TestInsertManyLargeBatch: a batch of many chunks, parsed ahead of its
// inserts by several goroutines, keeps its order and ids; a batch with
// bad documents reports the first of them in order, whether it fails to
// parse or to store (as MongoDB's ordered insertMany), and stores
// nothing.
func TestInsertManyLargeBatch(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("big")
	const n = 4*insertChunk + 7
	docs := make([]any, n)
	for i := range docs {
		docs[i] = fmt.Sprintf(`{"_id": "d%04d", "i": %d}`, i, i)
	}
	bad := slices.Clone(docs)
	bad[n-3] = `{"i": }`
	bad[n/2+1] = `[1]`
	if _, err := c.InsertMany(ctx, bad); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("document %d:", n/2+1)) {
		t.Fatalf("InsertMany(bad) = %v, want the error of document %d", err, n/2+1)
	}
	dup := slices.Clone(bad)
	dup[insertChunk+1] = `{"_id": "d0003"}`
	if _, err := c.InsertMany(ctx, dup); !isCode(err, "23505") {
		t.Fatalf("InsertMany(duplicate before bad ones) = %v, want a unique violation", err)
	}
	if got, err := c.Count(ctx, nil); err != nil || got != 0 {
		t.Fatalf("after a failed InsertMany: Count = %d, %v", got, err)
	}
	ids, err := c.InsertMany(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if want := fmt.Sprintf("d%04d", i); id != want {
			t.Fatalf("ids[%d] = %s, want %s", i, id, want)
		}
	}
	var doc struct{ I int }
	if err := c.Get(ctx, "d0300", &doc); err != nil || doc.I != 300 {
		t.Fatalf("Get(d0300) = %+v, %v", doc, err)
	}
}
