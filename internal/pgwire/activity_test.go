package pgwire

import (
	"context"
	"testing"
	"time"
)

// TestStatActivity: pg_stat_activity lists the server's connections with
// their state and statement; pg_backend_pid is the pid the client got in
// BackendKeyData; pg_cancel_backend cancels another connection's
// statement (57014) and pg_terminate_backend ends it.
func TestStatActivity(t *testing.T) {
	ts := startServer(t, Config{})
	a, b := ts.connect(t, "application_name=worker"), ts.connect(t, "")
	ctx := context.Background()
	var pid int32
	if err := a.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil || uint32(pid) != a.PgConn().PID() {
		t.Fatalf("pg_backend_pid = %d (%v), BackendKeyData said %d", pid, err, a.PgConn().PID())
	}
	done := make(chan error, 1)
	go func() {
		_, err := a.Exec(ctx, "SELECT pg_sleep(300)")
		done <- err
	}()
	var state, query, app string
	deadline := time.Now().Add(60 * time.Second) // a loaded machine (CI under -race) may take long to start it
	for {
		err := b.QueryRow(ctx, "SELECT state, query, application_name FROM pg_stat_activity WHERE pid = $1", pid).Scan(&state, &query, &app)
		if err == nil && state == "active" {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("pg_sleep(300) ended at once: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %d never active: %q %q %v", pid, state, query, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if query != "SELECT pg_sleep(300)" || app != "worker" {
		t.Fatalf("activity: query %q, application %q", query, app)
	}
	var ok bool
	if err := b.QueryRow(ctx, "SELECT pg_cancel_backend($1)", pid).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_cancel_backend: %v %v", ok, err)
	}
	select {
	case err := <-done:
		if pe := pgErr(t, err); pe.Code != "57014" {
			t.Fatalf("cancelled statement: %v, want 57014", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the statement was not cancelled")
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle' AND pid = $1", pid).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after the cancel, idle rows for %d: %d %v", pid, n, err)
	}
	if err := b.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend: %v %v", ok, err)
	}
	if _, err := a.Exec(ctx, "SELECT 1"); err == nil {
		t.Fatal("a terminated connection still runs statements")
	}
	if err := b.QueryRow(ctx, "SELECT pg_cancel_backend(424242)").Scan(&ok); err != nil || ok {
		t.Fatalf("cancelling no connection: %v %v", ok, err)
	}
}
