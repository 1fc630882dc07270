package builtins

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // zone names resolve on machines without a zoneinfo database

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// timezone(zone, ts) is x AT TIME ZONE zone, as PostgreSQL computes it:
// a timestamptz becomes the wall-clock timestamp it shows in zone, and a
// timestamp, read as wall-clock time in zone, the timestamptz of that
// instant. zone is a time zone name (IANA, 'UTC'), a POSIX-style offset
// ('+05' is five hours west of UTC, as in PostgreSQL) or an interval
// (INTERVAL '+05:00', east).

// zoneCache keeps the zone a call site loaded last (loading parses a
// zoneinfo file): the zone is nearly always a constant.
type zoneCache struct {
	last atomic.Pointer[cachedZone]
}

type cachedZone struct {
	name string
	loc  *time.Location
}

// get returns the location zone names, or 22023 for a zone PostgreSQL
// would not know either.
func (c *zoneCache) get(zone string) (*time.Location, error) {
	if z := c.last.Load(); z != nil && z.name == zone {
		return z.loc, nil
	}
	loc, ok := loadZone(zone)
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "time zone %q not recognized", zone)
	}
	c.last.Store(&cachedZone{zone, loc})
	return loc, nil
}

func loadZone(zone string) (*time.Location, bool) {
	switch strings.ToLower(zone) {
	case "utc", "gmt", "z", "zulu", "universal":
		return time.UTC, true
	}
	// A POSIX offset: [+-]hh[:mm[:ss]], positive west of Greenwich.
	if s := strings.TrimPrefix(strings.TrimPrefix(zone, "UTC"), "GMT"); s != "" && (s[0] == '+' || s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		if secs, ok := parseOffset(s); ok {
			return time.FixedZone(zone, -secs), true
		}
	}
	// Zone names are case-insensitive in PostgreSQL.
	for _, cand := range []string{zone, strings.ToUpper(zone), titleZone(zone)} {
		if l, err := time.LoadLocation(cand); err == nil {
			return l, true
		}
	}
	return nil, false
}

// titleZone capitalizes each part of a zone name: america/new_york to
// America/New_York.
func titleZone(z string) string {
	b := []byte(strings.ToLower(z))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}

// parseOffset parses [+-]hh[:mm[:ss]] into seconds.
func parseOffset(s string) (int, bool) {
	sign := 1
	switch s[0] {
	case '-':
		sign, s = -1, s[1:]
	case '+':
		s = s[1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 || parts[0] == "" {
		return 0, false
	}
	secs := 0
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (i > 0 && n > 59) || (i == 0 && n > 15*24) {
			return 0, false
		}
		secs += n * []int{3600, 60, 1}[i]
	}
	return sign * secs, true
}

// atZone converts micros (since the epoch, UTC) of a timestamptz to the
// wall-clock timestamp in loc, or back (toTZ) from a timestamp read as
// wall-clock time in loc.
func atZone(micros int64, loc *time.Location, toTZ bool) int64 {
	const us = 1_000_000
	secs, frac := micros/us, micros%us
	if frac < 0 {
		secs, frac = secs-1, frac+us
	}
	offAt := func(t int64) int64 {
		_, off := time.Unix(t, 0).In(loc).Zone()
		return int64(off)
	}
	if !toTZ {
		return micros + offAt(secs)*us
	}
	// The wall time's offset: the one in effect a day before it and a
	// day after it agree but around a transition. Then, as PostgreSQL:
	// a wall time skipped by a spring-forward takes the offset from
	// before it, one repeated by a fall-back the offset from after.
	before, after := offAt(secs-86400), offAt(secs+86400)
	tb, ta := secs-before, secs-after
	off := before
	if before != after {
		vb, va := offAt(tb) == before, offAt(ta) == after
		if va || !vb {
			off = after
		}
		if !va && !vb {
			off = before
		}
	}
	return (secs-off)*us + frac
}

func init() {
	T, TS, TSTZ, IV := types.Text, types.Timestamp, types.TimestampTZ, types.Interval
	byName := func(toTZ bool) func([]types.Type) fn {
		return func([]types.Type) fn {
			var zones zoneCache
			return func(a []types.Datum) (types.Datum, error) {
				loc, err := zones.get(a[0].Str())
				if err != nil {
					return types.Null, err
				}
				r := atZone(a[1].Micros(), loc, toTZ)
				if toTZ {
					return types.NewTimestampTZ(r), nil
				}
				return types.NewTimestamp(r), nil
			}
		}
	}
	byInterval := func(toTZ bool) func(a []types.Datum) (types.Datum, error) {
		return func(a []types.Datum) (types.Datum, error) {
			iv := a[0].Interval()
			if iv.Months != 0 || iv.Days != 0 {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "interval time zone %q must not include months or days", types.FormatText(a[0]))
			}
			if toTZ {
				return types.NewTimestampTZ(a[1].Micros() - iv.Micros), nil
			}
			return types.NewTimestamp(a[1].Micros() + iv.Micros), nil
		}
	}
	register("timezone", &overload{params: []param{p(T), p(TSTZ)}, ret: TS, mk: byName(false)})
	register("timezone", &overload{params: []param{p(T), p(TS)}, ret: TSTZ, mk: byName(true)})
	register("timezone", &overload{params: []param{p(IV), p(TSTZ)}, ret: TS, fn: byInterval(false)})
	register("timezone", &overload{params: []param{p(IV), p(TS)}, ret: TSTZ, fn: byInterval(true)})
}

// LoadZone resolves a time zone the way the TimeZone setting and AT
// TIME ZONE read one: an IANA name in any case, UTC and its aliases, or
// a POSIX offset (positive west). Go's special names ("" and "Local",
// the machine's zone) are not zones PostgreSQL knows.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, false
	}
	return loadZone(name)
}
