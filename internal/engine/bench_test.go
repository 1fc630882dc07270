package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cairndb/cairn/internal/sql/types"
)

// Benchmarks of the SQL layer on a sysbench-like table, in memory, for
// profiling (go test -bench . -cpuprofile): the side-by-side comparison
// with SQLite is in bench/.

func benchSession(b *testing.B, rows int) *Session {
	b.Helper()
	e, err := Open("", &Options{InMemory: true, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	s := e.NewSession()
	ctx := context.Background()
	if _, err := s.Execute(ctx, "CREATE TABLE sbtest (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, c TEXT, pad TEXT); CREATE INDEX sbtest_k ON sbtest (k)", nil); err != nil {
		b.Fatal(err)
	}
	c := strings.Repeat("12345678901-", 10)
	for lo := 0; lo < rows; lo += 1000 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO sbtest VALUES ")
		for i := lo; i < min(lo+1000, rows); i++ {
			if i > lo {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d, %d, '%s', 'pad')", i, (i*7919)%rows, c)
		}
		if _, err := s.Execute(ctx, sb.String(), nil); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkPointSelect(b *testing.B) {
	s := benchSession(b, 10000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		res, err := s.Execute(ctx, "SELECT c FROM sbtest WHERE id = $1", []types.Datum{types.NewInt8(int64(i % 10000))})
		if err != nil || len(res[0].Rows) != 1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkScanAgg(b *testing.B) {
	s := benchSession(b, 100000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := s.Execute(ctx, "SELECT k % 100, count(*), sum(length(c)) FROM sbtest GROUP BY 1", nil)
		if err != nil || len(res[0].Rows) != 100 {
			b.Fatal(err)
		}
	}
}

func BenchmarkRange(b *testing.B) {
	s := benchSession(b, 10000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		res, err := s.Execute(ctx, "SELECT c FROM sbtest WHERE id BETWEEN $1 AND $1 + 99", []types.Datum{types.NewInt8(int64(i % 9900))})
		if err != nil || len(res[0].Rows) != 100 {
			b.Fatal(err)
		}
	}
}

func BenchmarkTopN(b *testing.B) {
	s := benchSession(b, 100000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := s.Execute(ctx, "SELECT id FROM sbtest ORDER BY c LIMIT 10", nil)
		if err != nil || len(res[0].Rows) != 10 {
			b.Fatal(err)
		}
	}
}

// BenchmarkFunctionCall: a SQL and a PL/pgSQL function called for each
// of 1,000 rows (ns/op is per statement, so per call it is /1000).
func BenchmarkFunctionCall(b *testing.B) {
	s := benchSession(b, 0)
	ctx := context.Background()
	if _, err := s.Execute(ctx, `CREATE FUNCTION inc(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
		CREATE FUNCTION pinc(x int) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN x + 1; END'`, nil); err != nil {
		b.Fatal(err)
	}
	for _, f := range []string{"inc", "pinc"} {
		b.Run(f, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Execute(ctx, "SELECT sum("+f+"(g)) FROM generate_series(1, 1000) g", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
