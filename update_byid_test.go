package cairn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// TestUpdateByIDMatchesGeneral: an update selected by _id runs as one
// UPDATE statement applying the operators in the engine (updateByID);
// selected by another field it takes the general path (SELECT, apply
// here, UPDATE). Run side by side on twin collections, the two must
// leave the same documents and report the same counts and errors, for
// changes, no-ops, creations, errors and missing documents.
func TestUpdateByIDMatchesGeneral(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	byID, general := db.Collection("by_id"), db.Collection("general")
	docs := []string{
		`{"_id": "a", "n": 1, "age": 30, "tags": ["x", "y"], "address": {"city": "Oslo"}, "s": "str"}`,
		`{"_id": "b", "n": 2, "age": 1.5, "nested": {"deep": {"v": [1, 2, {"w": 3}]}}}`,
		`{"_id": "c", "n": 3}`,
	}
	for _, c := range []*Collection{byID, general} {
		for _, d := range docs {
			if _, err := c.Insert(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	updates := []string{
		`{"$inc": {"age": 1}}`,
		`{"$inc": {"age": -0.25}, "$set": {"address.city": "Bergen"}}`,
		`{"$set": {"age": 31}}`, // a no-op after the first update of a
		`{"$set": {"s": "str"}}`,
		`{"$set": {"new.path.here": [1, {"k": null}]}}`,
		`{"$unset": {"tags": "", "missing": ""}}`,
		`{"$push": {"tags": "z"}}`,
		`{"$push": {"tags": {"$each": [1, 2]}}}`,
		`{"$pull": {"tags": {"$in": ["x", 1]}}}`,
		`{"$inc": {"s": 1}}`,       // not a number: 22023
		`{"$push": {"s": 1}}`,      // not an array: 22023
		`{"$inc": {"age": "one"}}`, // a bad update: 22023 before anything runs
		`{"$set": {"nested.deep.v.2.w": 4}}`,
		`{"$inc": {"nested.deep.v.0": 10}}`,
	}
	for _, u := range updates {
		for i, id := range []string{"a", "b", "c", "zz"} {
			m1, mod1, err1 := byID.UpdateOne(ctx, fmt.Sprintf(`{"_id": %q}`, id), u)
			m2, mod2, err2 := general.UpdateOne(ctx, fmt.Sprintf(`{"n": %d}`, i+1), u)
			var e1, e2 *Error
			if m1 != m2 || mod1 != mod2 || (err1 == nil) != (err2 == nil) ||
				errors.As(err1, &e1) && (!errors.As(err2, &e2) || e1.Code != e2.Code || e1.Message != e2.Message) {
				t.Fatalf("update %s of %s: by _id %d %d %v, general %d %d %v", u, id, m1, mod1, err1, m2, mod2, err2)
			}
			if id == "zz" {
				continue
			}
			var d1, d2 map[string]any
			if err := byID.Get(ctx, id, &d1); err != nil {
				t.Fatal(err)
			}
			if err := general.Get(ctx, id, &d2); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(d1) != fmt.Sprint(d2) {
				t.Fatalf("update %s of %s: by _id %v, general %v", u, id, d1, d2)
			}
		}
	}
}

// TestUpdateByIDInTx: in a transaction, an update by _id is part of it
// (rolled back with it, seen by its reads), and on a collection that does
// not exist yet it matches nothing.
func TestUpdateByIDInTx(t *testing.T) {
	ctx := context.Background()
	db := openMem(t)
	if m, mod, err := db.Collection("none").UpdateOne(ctx, `{"_id": "a"}`, `{"$inc": {"n": 1}}`); m != 0 || mod != 0 || err != nil {
		t.Fatalf("update in a missing collection: %d %d %v", m, mod, err)
	}
	c := db.Collection("c")
	if _, err := c.Insert(ctx, `{"_id": "a", "n": 1}`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tc := tx.Collection("c")
	if m, mod, err := tc.UpdateOne(ctx, `{"_id": "a"}`, `{"$inc": {"n": 1}}`); m != 1 || mod != 1 || err != nil {
		t.Fatalf("update in a transaction: %d %d %v", m, mod, err)
	}
	var d struct{ N int }
	if err := tc.Get(ctx, "a", &d); err != nil || d.N != 2 {
		t.Fatalf("read in the transaction: %v %v", d, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, "a", &d); err != nil || d.N != 1 {
		t.Fatalf("after rollback: %v %v", d, err)
	}
	// The function is plain SQL too.
	if _, err := db.Exec(ctx, `UPDATE c SET doc = cairn_update_document(doc, '{"$set": {"n": 5}}')`); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, "a", &d); err != nil || d.N != 5 {
		t.Fatalf("after SQL update: %v %v", d, err)
	}
}

// TestGetRawReusesBuffer: Get into a json.RawMessage prints the document
// into the caller's buffer (as json.Unmarshal into one does), whatever it
// held before.
func TestGetRawReusesBuffer(t *testing.T) {
	ctx := context.Background()
	c := openMem(t).Collection("raw")
	for _, d := range []string{`{"_id": "a", "v": "short"}`, `{"_id": "b", "v": "a much longer value than the first"}`} {
		if _, err := c.Insert(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	raw := json.RawMessage(`{"left over": "from before, and longer than the document"}`)
	if err := c.Get(ctx, "a", &raw); err != nil || string(raw) != `{"v": "short", "_id": "a"}` {
		t.Fatalf("Get a: %s %v", raw, err)
	}
	var other json.RawMessage
	if err := c.Get(ctx, "b", &other); err != nil || string(other) != `{"v": "a much longer value than the first", "_id": "b"}` {
		t.Fatalf("Get b: %s %v", other, err)
	}
	if err := c.Get(ctx, "b", &raw); err != nil || string(raw) != string(other) {
		t.Fatalf("Get b into the first buffer: %s %v", raw, err)
	}
	if err := c.Get(ctx, "zz", &raw); !errors.Is(err, ErrNoDocument) {
		t.Fatalf("Get of a missing document: %v", err)
	}
}

// TestUpdateByIDConcurrent: goroutines incrementing documents by _id at
// once (sharing the update function's last result) lose no increment.
func TestUpdateByIDConcurrent(t *testing.T) {
	ctx := context.Background()
	c := openMem(t).Collection("counters")
	const docs, workers, each = 3, 4, 50
	for i := range docs {
		if _, err := c.Insert(ctx, fmt.Sprintf(`{"_id": "c%d", "n": 0}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for k := range each {
				id := fmt.Sprintf("c%d", (w+k)%docs)
				if m, mod, err := c.UpdateOne(ctx, `{"_id": "`+id+`"}`, `{"$inc": {"n": 1}}`); err != nil || m != 1 || mod != 1 {
					errs <- fmt.Errorf("update of %s: %d %d %v", id, m, mod, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for i := range docs {
		var d struct{ N int }
		if err := c.Get(ctx, fmt.Sprintf("c%d", i), &d); err != nil {
			t.Fatal(err)
		}
		total += d.N
	}
	if total != workers*each {
		t.Fatalf("counted %d increments, want %d", total, workers*each)
	}
}
