package parser

import "testing"

var benchQueries = map[string]string{
	"PointSelect": "SELECT c FROM sbtest WHERE id = $1",
	"Insert10": "INSERT INTO sbtest (id, k, c, pad) VALUES " +
		"(1, 10, 'c1', 'p1'), (2, 20, 'c2', 'p2'), (3, 30, 'c3', 'p3'), (4, 40, 'c4', 'p4'), (5, 50, 'c5', 'p5'), " +
		"(6, 60, 'c6', 'p6'), (7, 70, 'c7', 'p7'), (8, 80, 'c8', 'p8'), (9, 90, 'c9', 'p9'), (10, 100, 'c10', 'p10')",
	"Join3Agg": "SELECT c.name, count(*) AS n, sum(o.total) AS revenue, avg(li.qty) " +
		"FROM customers AS c JOIN orders AS o ON o.customer_id = c.id " +
		"LEFT JOIN line_items AS li ON li.order_id = o.id " +
		"WHERE o.created_at >= $1 AND c.region IN ('eu', 'us') " +
		"GROUP BY c.name HAVING count(*) > 5 ORDER BY revenue DESC LIMIT 20",
}

func benchParse(b *testing.B, name string) {
	sql := benchQueries[name]
	if _, err := Parse(sql); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(sql)))
	for b.Loop() {
		if _, err := Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePointSelect(b *testing.B) { benchParse(b, "PointSelect") }
func BenchmarkParseInsert10(b *testing.B)    { benchParse(b, "Insert10") }
func BenchmarkParseJoin3Agg(b *testing.B)    { benchParse(b, "Join3Agg") }
