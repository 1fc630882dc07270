package types

import (
	"testing"
	"time"
)

// TestZoneCasts checks the casts that depend on the session time zone
// against PostgreSQL's documented results (appendix B.2, "Handling of
// Invalid or Ambiguous Timestamps", and the TimeZone examples of 8.5).
func TestZoneCasts(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	oslo, _ := time.LoadLocation("Europe/Oslo")
	lmt, _ := time.LoadLocation("Europe/Amsterdam")
	cast := func(loc *time.Location, s string, from, to Type) string {
		t.Helper()
		fn, ok := CastFuncIn(from, to, CastExplicit, loc)
		if !ok {
			t.Fatalf("no cast %s -> %s", from, to)
		}
		// The input, as a value of the cast's source type.
		d, err := Cast(NewText(s), Text, from, CastExplicit)
		if err == nil {
			d, err = fn(d)
		}
		if err != nil {
			return "error: " + err.Error()
		}
		return FormatTextIn(d, loc)
	}
	for _, c := range []struct {
		loc      *time.Location
		in       string
		from, to Type
		want     string
	}{
		// A time the spring-forward jump skips reads as standard time.
		{ny, "2018-03-11 02:30", Text, TimestampTZ, "2018-03-11 03:30:00-04"},
		// A time the fall-back repeats reads as standard time too.
		{ny, "2018-11-04 01:30", Text, TimestampTZ, "2018-11-04 01:30:00-05"},
		{ny, "2018-11-04 01:30-04", Text, TimestampTZ, "2018-11-04 01:30:00-04"},
		{ny, "2024-06-01 12:00:00+00", Text, TimestampTZ, "2024-06-01 08:00:00-04"},
		{ny, "2024-01-15 12:00", Text, TimestampTZ, "2024-01-15 12:00:00-05"},
		{kolkata, "2024-01-15 12:00+00", Text, TimestampTZ, "2024-01-15 17:30:00+05:30"},
		{oslo, "2024-06-01 12:00+00", Text, TimestampTZ, "2024-06-01 14:00:00+02"},
		// Before standard time: local mean time, to the second.
		{lmt, "1900-01-01 12:00+00", Text, TimestampTZ, "1900-01-01 12:19:32+00:19:32"},
		{oslo, "infinity", Text, TimestampTZ, "infinity"},
		{nil, "2024-06-01 12:00", Text, TimestampTZ, "2024-06-01 12:00:00+00"},
		// timestamptz -> timestamp, date and time read the wall clock.
		{oslo, "2024-06-01 23:30+00", TimestampTZ, Timestamp, "2024-06-02 01:30:00"},
		{oslo, "2024-06-01 23:30+00", TimestampTZ, Date, "2024-06-02"},
		{oslo, "2024-06-01 23:30+00", TimestampTZ, Time, "01:30:00"},
		{oslo, "2024-06-01 23:30+00", TimestampTZ, Text, "2024-06-02 01:30:00+02"},
		// timestamp and date -> timestamptz are wall-clock times.
		{oslo, "2024-06-02 01:30", Timestamp, TimestampTZ, "2024-06-02 01:30:00+02"},
		{oslo, "2024-06-02", Date, TimestampTZ, "2024-06-02 00:00:00+02"},
		{ny, "2018-03-11 02:30", Timestamp, TimestampTZ, "2018-03-11 03:30:00-04"},
		{oslo, "-infinity", Date, TimestampTZ, "-infinity"},
	} {
		got := cast(c.loc, c.in, c.from, c.to)
		if c.want == "error: " {
			if len(got) < 7 || got[:7] != "error: " {
				t.Errorf("%s: %q::%s -> %s = %q, want an error", c.loc, c.in, c.from, c.to, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s: %q::%s -> %s = %q, want %q", c.loc, c.in, c.from, c.to, got, c.want)
		}
	}
}

// TestFromLocalRoundTrip: every wall-clock time a zone shows maps back to
// the instant that shows it, across a year of one zone's transitions.
func TestFromLocalRoundTrip(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Oslo", "Australia/Lord_Howe", "Asia/Kathmandu"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		start := int64(1704067200) * microsPerSecond // 2024-01-01
		for us := start; us < start+366*microsPerDay; us += 17 * 60 * microsPerSecond {
			local := ToLocal(loc, us)
			back := FromLocal(loc, local)
			if ToLocal(loc, back) != local {
				t.Fatalf("%s: instant %d shows %d, which maps back to %d showing %d", name, us, local, back, ToLocal(loc, back))
			}
		}
	}
}
