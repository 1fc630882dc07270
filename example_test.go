package cairn_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cairndb/cairn"
)

func Example() {
	ctx := context.Background()
	db, err := cairn.Open(":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	if _, err := db.Exec(ctx, "CREATE TABLE t (a INTEGER, b TEXT)"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(ctx, "INSERT INTO t VALUES ($1, $2), ($3, $4)", 1, "x", 2, "y"); err != nil {
		log.Fatal(err)
	}
	rows, err := db.Query(ctx, "SELECT a, b FROM t ORDER BY a")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a int64
		var b string
		if err := rows.Scan(&a, &b); err != nil {
			log.Fatal(err)
		}
		fmt.Println(a, b)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 x
	// 2 y
}
