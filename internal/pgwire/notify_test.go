package pgwire

import (
	"context"
	"testing"
	"time"
)

// TestListenNotify: a listening connection receives notifications sent
// by committed transactions, while it waits idle (pgx's
// WaitForNotification) and with its own commands; rolled-back ones never
// arrive, and a transaction's repeated notifications arrive once.
func TestListenNotify(t *testing.T) {
	ts := startServer(t, Config{})
	listener := ts.connect(t, "")
	sender := ts.connect(t, "")
	exec(t, listener, "LISTEN jobs")
	wait := func(want string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := listener.WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("waiting for %q: %v", want, err)
		}
		if n.Channel != "jobs" || n.Payload != want {
			t.Fatalf("got %s %q, want jobs %q", n.Channel, n.Payload, want)
		}
	}

	// Sent while the listener waits.
	sent := make(chan error, 1)
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, err := sender.Exec(context.Background(), "NOTIFY jobs, 'one'")
		sent <- err
	}()
	wait("one")
	if err := <-sent; err != nil {
		t.Fatal(err)
	}

	// A rolled-back transaction's notification is dropped; a committed
	// one's repeats arrive once, after the commit.
	exec(t, sender, "BEGIN")
	exec(t, sender, "NOTIFY jobs, 'lost'")
	exec(t, sender, "ROLLBACK")
	exec(t, sender, "BEGIN")
	exec(t, sender, "SELECT pg_notify('jobs', 'two')")
	exec(t, sender, "NOTIFY jobs, 'two'")
	exec(t, sender, "NOTIFY other, 'x'")
	exec(t, sender, "COMMIT")
	wait("two")

	// Received while the listener is busy: with its next command.
	exec(t, sender, "NOTIFY jobs, 'three'")
	exec(t, listener, "SELECT 1")
	wait("three")

	// Its own notifications too; none after UNLISTEN.
	exec(t, listener, "NOTIFY jobs, 'four'")
	wait("four")
	exec(t, listener, "UNLISTEN *")
	exec(t, sender, "NOTIFY jobs, 'five'")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if n, err := listener.WaitForNotification(ctx); err == nil {
		t.Fatalf("notification after UNLISTEN: %+v", n)
	}
}
