package pgwire

import (
	"context"
	"testing"
	"time"
)

// TestSessionTimeZone: a TimeZone in the startup packet is the session's
// (ParameterStatus reports it), a timestamptz written without an offset
// is read in it, the text format prints in it, and SET TIME ZONE changes
// it mid-session with a new ParameterStatus.
func TestSessionTimeZone(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "timezone=Europe/Oslo")
	ctx := context.Background()
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "Europe/Oslo" {
		t.Fatalf("ParameterStatus TimeZone = %q, want Europe/Oslo", got)
	}
	var at time.Time
	if err := c.QueryRow(ctx, "SELECT '2024-06-01 12:00'::timestamptz").Scan(&at); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Fatalf("'2024-06-01 12:00'::timestamptz in Europe/Oslo = %v, want %v", at, want)
	}
	// The simple protocol's text format.
	res := c.PgConn().Exec(ctx, "SELECT timestamptz '2024-06-01 12:00:00+00'")
	rs, err := res.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(rs[0].Rows[0][0]); got != "2024-06-01 14:00:00+02" {
		t.Fatalf("text of a timestamptz in Europe/Oslo = %q, want 2024-06-01 14:00:00+02", got)
	}
	exec(t, c, "SET TIME ZONE 'America/New_York'")
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "America/New_York" {
		t.Fatalf("ParameterStatus TimeZone after SET = %q, want America/New_York", got)
	}
	// A parameter sent as text is read in the session zone too.
	if err := c.QueryRow(ctx, "SELECT $1::text::timestamptz", "2024-01-15 12:00").Scan(&at); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 1, 15, 17, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Fatalf("'2024-01-15 12:00' in America/New_York = %v, want %v", at, want)
	}
}

// TestRollbackRestoresTimeZone: a SET TIME ZONE in a transaction block
// that rolls back is undone, and the client hears so in ParameterStatus;
// set_config changes it as SET does.
func TestRollbackRestoresTimeZone(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.connect(t, "")
	exec(t, c, "BEGIN")
	exec(t, c, "SET TIME ZONE 'Asia/Tokyo'")
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "Asia/Tokyo" {
		t.Fatalf("after SET: TimeZone %q", got)
	}
	exec(t, c, "ROLLBACK")
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "UTC" {
		t.Fatalf("after ROLLBACK: TimeZone %q, want UTC", got)
	}
	exec(t, c, "SELECT set_config('TimeZone', 'Europe/Oslo', false)")
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "Europe/Oslo" {
		t.Fatalf("after set_config: TimeZone %q, want Europe/Oslo", got)
	}
}
