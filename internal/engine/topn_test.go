package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairndb/cairn/internal/catalog"
)

// TestTopNScan: a top-N sort over a table scan (whose scan drops the rows
// that cannot enter the heap before copying their text) returns the first
// rows of the full sort, for text and integer keys, both directions, ties
// and NULLs, text alike in its first 8 bytes.
func TestTopNScan(t *testing.T) {
	// Tiny memtables and cache: the rows are read from tables, block
	// after block through memory the scan reuses, so text the scan
	// borrowed and did not copy is overwritten.
	e, s := openCutEngine(t)
	r := rand.New(rand.NewPCG(3, 5))
	mustExec(t, s, "CREATE TABLE t (id INT PRIMARY KEY, c TEXT, k INT)")
	insertRows(t, s, "t", 20000, func(i int) string {
		c := fmt.Sprintf("'%c%03d'", 'a'+r.IntN(26), r.IntN(40))
		switch r.IntN(50) {
		case 0:
			c = "NULL"
		case 1, 2, 3:
			// Longer than the 8 bytes a first text key is compared by
			// before the whole string: ties there, and in the prefix.
			c = fmt.Sprintf("'a000abcd%c%d'", 'a'+r.IntN(3), r.IntN(20))
		case 4:
			c = "'a000'"
		}
		return fmt.Sprintf("(%d, %s, %d)", i, c, r.IntN(100))
	})
	// Compacted into tables the store can cut, the table is read in
	// parallel parts (parallelTopN) where there are cores for them; the
	// rows must be the same.
	if err := e.db.LSM().Compact(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	requireCut(t, e, "t", catalog.PrimaryIndexID)
	for _, order := range []string{"c", "c DESC", "c, id DESC", "k, c", "c NULLS FIRST", "k DESC, id"} {
		for _, n := range []int{1, 7, 10, 100} {
			// The full sort, with id added to make the order total; the
			// top-N must give the same first rows in the same order:
			// ties go to the row read first, id order.
			all := rowsOf(t, s, "SELECT id, c, k FROM t ORDER BY "+order+", id")
			got := rowsOf(t, s, fmt.Sprintf("SELECT id, c, k FROM t ORDER BY %s LIMIT %d", order, n))
			if fmt.Sprint(got) != fmt.Sprint(all[:n]) {
				t.Fatalf("ORDER BY %s LIMIT %d:\n got %v\nwant %v", order, n, got, all[:n])
			}
		}
	}
}
