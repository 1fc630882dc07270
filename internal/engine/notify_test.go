package engine

import (
	"fmt"
	"testing"
)

// TestNotifyOnceEach: a transaction's identical notifications are sent
// once, in the order first sent, however many it sends (past the few
// its outbox scans, a set answers).
func TestNotifyOnceEach(t *testing.T) {
	e := openTestEngine(t)
	listener, sender := e.NewSession(), e.NewSession()
	mustExec(t, listener, "LISTEN ch")
	mustExec(t, sender, "BEGIN")
	for range 2 {
		for i := range 40 {
			mustExec(t, sender, fmt.Sprintf("NOTIFY ch, 'p%d'", i))
		}
	}
	mustExec(t, sender, "COMMIT")
	got := listener.Notifications()
	if len(got) != 40 {
		t.Fatalf("%d notifications, want 40", len(got))
	}
	for i, n := range got {
		if want := fmt.Sprintf("p%d", i); n.Channel != "ch" || n.Payload != want {
			t.Fatalf("notification %d: %+v, want payload %s", i, n, want)
		}
	}
}
