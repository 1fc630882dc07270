package pgwire

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestConcurrentConnections runs 50 clients at once, each moving money
// between accounts in transactions (prepared statements, retried on
// 40001) and reading totals: the total never changes, in any snapshot,
// and every committed transfer is in the history.
func TestConcurrentConnections(t *testing.T) {
	ts := startServer(t, Config{MaxConnections: 60})
	setup := ts.connect(t, "")
	exec(t, setup, "CREATE TABLE acct (id INT PRIMARY KEY, balance BIGINT NOT NULL)")
	exec(t, setup, "CREATE TABLE hist (id SERIAL PRIMARY KEY, src INT, dst INT, amount BIGINT)")
	exec(t, setup, "INSERT INTO acct SELECT g, 1000 FROM generate_series(1, 20) g")
	const clients, transfers = 50, 10
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	var mu sync.Mutex
	committed := 0
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			c, err := pgx.Connect(ctx, ts.connString(""))
			if err != nil {
				errs <- err
				return
			}
			defer c.Close(ctx)
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for done := 0; done < transfers; {
				src, dst := 1+r.IntN(20), 1+r.IntN(20)
				amount := int64(1 + r.IntN(50))
				err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, "UPDATE acct SET balance = balance - $1 WHERE id = $2", amount, src); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, "UPDATE acct SET balance = balance + $1 WHERE id = $2", amount, dst); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, "INSERT INTO hist (src, dst, amount) VALUES ($1, $2, $3)", src, dst, amount)
					return err
				})
				var pe *pgconn.PgError
				if errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") {
					// A conflict, or (transfers in opposite directions
					// under READ COMMITTED's row locks) a deadlock: try
					// again, as with PostgreSQL.
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("client %d: %w", w, err)
					return
				}
				done++
				mu.Lock()
				committed++
				mu.Unlock()
				var total int64
				if err := c.QueryRow(ctx, "SELECT sum(balance) FROM acct").Scan(&total); err != nil {
					errs <- err
					return
				}
				if total != 20*1000 {
					errs <- fmt.Errorf("client %d saw a total of %d", w, total)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n int
	var moved int64
	if err := setup.QueryRow(context.Background(), "SELECT count(*), coalesce(sum(amount), 0) FROM hist").Scan(&n, &moved); err != nil {
		t.Fatal(err)
	}
	if n != committed || n != clients*transfers {
		t.Fatalf("history holds %d transfers, %d committed", n, committed)
	}
}

// A SET of a setting clients track is reported back in ParameterStatus.
func TestParameterStatusAfterSet(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	exec(t, c, "SET application_name = 'reporter'")
	if got := c.PgConn().ParameterStatus("application_name"); got != "reporter" {
		t.Fatalf("application_name after SET: %q", got)
	}
	exec(t, c, "SET TimeZone = 'UTC'")
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "UTC" {
		t.Fatalf("TimeZone: %q", got)
	}
}
