package cairn_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cairndb/cairn"
)

func ExampleCollection() {
	ctx := context.Background()
	db, err := cairn.Open(":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	people := db.Collection("people") // created by the first write
	if _, err := people.InsertMany(ctx, []any{
		map[string]any{"_id": "ann", "age": 31, "tags": []string{"go", "sql"}},
		map[string]any{"_id": "bob", "age": 25, "tags": []string{"rust"}},
		`{"_id": "cy", "age": 40, "tags": ["go"], "address": {"city": "Oslo"}}`,
	}); err != nil {
		log.Fatal(err)
	}
	if err := people.CreateIndex(ctx, "age", false); err != nil {
		log.Fatal(err)
	}

	// tags matches arrays that contain "go"; age uses the index.
	cur, err := people.Find(ctx, map[string]any{"tags": "go", "age": map[string]any{"$gte": 30}},
		&cairn.FindOptions{Sort: []string{"-age"}, Projection: map[string]any{"age": 1}})
	if err != nil {
		log.Fatal(err)
	}
	for cur.Next(ctx) {
		var p struct {
			ID  string `json:"_id"`
			Age int    `json:"age"`
		}
		if err := cur.Decode(&p); err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.ID, p.Age)
	}

	matched, modified, err := people.Update(ctx, `{"address.city": "Oslo"}`, `{"$inc": {"age": 1}, "$push": {"tags": "sql"}}`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("updated", matched, modified)

	cur, err = people.Aggregate(ctx, `[{"$match": {"tags": "sql"}}, {"$group": {"_id": null, "n": {"$sum": 1}, "oldest": {"$max": "$age"}}}]`)
	if err != nil {
		log.Fatal(err)
	}
	for cur.Next(ctx) {
		fmt.Println(string(cur.Raw()))
	}
	// Output:
	// cy 40
	// ann 31
	// updated 1 1
	// {"n": 2, "_id": null, "oldest": 41}
}
