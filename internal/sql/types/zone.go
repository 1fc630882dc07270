package types

import "time"

// The session time zone (the TimeZone setting). A timestamptz is an
// instant (microseconds since 1970-01-01 UTC); the zone decides only how
// one prints, how a wall-clock time without an offset becomes one, and
// the calendar arithmetic done on one (casts to and from timestamp and
// date, date_trunc, extract, adding days and months). A nil or UTC zone
// is the fast path every function here takes first: it is the default,
// and it gives the results the zone-free functions give.

// isUTC reports whether loc is no zone at all (nil) or UTC.
func isUTC(loc *time.Location) bool { return loc == nil || loc == time.UTC }

// ZoneOffset returns the offset of loc east of UTC, in seconds, at the
// timestamptz instant us (microseconds since the Unix epoch; 0 for UTC
// and the infinities).
func ZoneOffset(loc *time.Location, us int64) int64 {
	if isUTC(loc) || us == TimestampNegInfinity || us == TimestampPosInfinity {
		return 0
	}
	secs, _ := floorDiv(us, microsPerSecond)
	_, off := time.Unix(secs, 0).In(loc).Zone()
	return int64(off)
}

// ToLocal returns the wall-clock time in loc (as a timestamp's
// microseconds) of the timestamptz instant us.
func ToLocal(loc *time.Location, us int64) int64 {
	if isUTC(loc) || us == TimestampNegInfinity || us == TimestampPosInfinity {
		return us
	}
	return us + ZoneOffset(loc, us)*microsPerSecond
}

// FromLocal returns the instant of the wall-clock time wall in loc, as
// PostgreSQL resolves the times a daylight-saving transition skips or
// repeats (DetermineTimeZoneOffset): a time in a spring-forward gap is
// read with the offset before the jump ('2018-03-11 02:30' in New York is
// 03:30 EDT), a time a fall-back repeats with the offset after it
// ('2018-11-04 01:30' is 01:30 EST).
func FromLocal(loc *time.Location, wall int64) int64 {
	if isUTC(loc) || wall == TimestampNegInfinity || wall == TimestampPosInfinity {
		return wall
	}
	// The offsets a day either side: equal but for a transition between.
	before := ZoneOffset(loc, wall-microsPerDay)
	after := ZoneOffset(loc, wall+microsPerDay)
	early := wall - before*microsPerSecond // read with the earlier offset
	if before == after {
		return early
	}
	late := wall - after*microsPerSecond
	// A time the offset after fits (alone, or repeated by a fall back)
	// takes it; one it does not (skipped by a spring forward, or only
	// before) takes the offset before.
	if ZoneOffset(loc, late) == after {
		return late
	}
	return early
}

// appendOffset appends an offset east of UTC as PostgreSQL prints it:
// "+02", "-03:30", "+00:53:28" (minutes and seconds only when not zero).
func appendOffset(dst []byte, off int64) []byte {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	dst = append(dst, sign)
	dst = appendPadded(dst, off/3600, 2)
	if m, s := off/60%60, off%60; m != 0 || s != 0 {
		dst = append(dst, ':')
		dst = appendPadded(dst, m, 2)
		if s != 0 {
			dst = append(dst, ':')
			dst = appendPadded(dst, s, 2)
		}
	}
	return dst
}

// AppendTextIn is AppendText with timestamptz values (alone or in
// arrays) shown in the time zone loc.
func AppendTextIn(dst []byte, d Datum, loc *time.Location) []byte {
	if isUTC(loc) {
		return AppendText(dst, d)
	}
	switch d.kind {
	case TimestampTZFamily:
		return appendTimestampIn(dst, d.i, loc)
	case ArrayFamily:
		return appendArrayIn(dst, d.arr, loc)
	}
	return AppendText(dst, d)
}

// FormatTextIn is FormatText in the time zone loc.
func FormatTextIn(d Datum, loc *time.Location) string {
	if isUTC(loc) {
		return FormatText(d)
	}
	return string(AppendTextIn(nil, d, loc))
}

// appendTimestampIn prints a timestamptz in loc: the wall-clock time
// there and its offset, "2024-06-01 14:00:00+02".
func appendTimestampIn(dst []byte, us int64, loc *time.Location) []byte {
	if us == TimestampNegInfinity || us == TimestampPosInfinity {
		return appendTimestamp(dst, us, true)
	}
	off := ZoneOffset(loc, us)
	return appendWallClock(dst, us+off*microsPerSecond, true, off)
}

// ZonedOpFunc returns the operator l op r where it depends on the
// session time zone loc (not UTC): timestamptz plus or minus an interval
// adds the interval's months and then its days on the wall clock in loc,
// as timestamptz_pl_interval does, so a day across a daylight-saving
// change is 23 or 25 hours; nil for every other operator.
func ZonedOpFunc(op Op, l, r Type, loc *time.Location) BinaryFn {
	if isUTC(loc) || l.array || r.array {
		return nil
	}
	switch {
	case (op == OpAdd || op == OpSub) && l.fam == TimestampTZFamily && r.fam == IntervalFamily:
		sign := int64(1)
		if op == OpSub {
			sign = -1
		}
		return func(a, b Datum) (Datum, error) { return tstzAddInterval(loc, a.i, b.Interval(), sign) }
	case op == OpAdd && l.fam == IntervalFamily && r.fam == TimestampTZFamily:
		return func(a, b Datum) (Datum, error) { return tstzAddInterval(loc, b.i, a.Interval(), 1) }
	}
	return nil
}

// tstzAddInterval is tsAddInterval on a timestamptz in loc.
func tstzAddInterval(loc *time.Location, ts int64, iv IntervalValue, sign int64) (Datum, error) {
	if ts == TimestampNegInfinity || ts == TimestampPosInfinity {
		return Datum{kind: TimestampTZFamily, i: ts}, nil
	}
	for _, part := range []IntervalValue{{Months: iv.Months}, {Days: iv.Days}} {
		if part.Months == 0 && part.Days == 0 {
			continue
		}
		local, err := tsAddInterval(TimestampFamily, ToLocal(loc, ts), part, sign)
		if err != nil {
			return Null, err
		}
		ts = FromLocal(loc, local.i)
	}
	return tsAddInterval(TimestampTZFamily, ts, IntervalValue{Micros: iv.Micros}, sign)
}

// ParseTextIn is ParseText in the session time zone loc: a timestamptz
// written without an offset is a wall-clock time there.
func ParseTextIn(t Type, s string, loc *time.Location) (Datum, error) {
	if isUTC(loc) || t.fam != TimestampTZFamily || t.array {
		return ParseText(t, s)
	}
	bt := t
	bt.width, bt.scale = NoMod, NoMod
	d, err := parseTimestampIn(bt, s, loc)
	if err != nil || t.width == NoMod {
		return d, err
	}
	return applyTypmod(d, t, CastAssignment)
}

// someZone is a zone other than UTC, for asking whether an operation has
// a zone's version.
var someZone = time.FixedZone("", 3600)

// ZoneDependentCast reports whether the cast from from to to depends on
// the session time zone (castInZone has a zone's version of it).
func ZoneDependentCast(from, to Type) bool { return castInZone(from, to, someZone) != nil }

// ZoneDependentOp reports whether l op r depends on the session time
// zone (timestamptz plus or minus an interval).
func ZoneDependentOp(op Op, l, r Type) bool { return ZonedOpFunc(op, l, r, someZone) != nil }
