package types

import (
	"math"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func dateOutOfRange() error { return sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range") }
func timestampOutOfRange() error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
}
func intervalOutOfRange() error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
}

func isTS(f Family) bool { return f == TimestampFamily || f == TimestampTZFamily }

// dateTimeOp resolves the date, time, timestamp and interval operators
// of PostgreSQL (in the session time zone UTC, where timestamptz
// arithmetic is timestamp arithmetic; ZonedOpFunc replaces the zone's).
func dateTimeOp(op Op, l, r Type) (BinaryFn, Type) {
	lf, rf := l.fam, r.fam
	intLike := func(f Family) bool { return f == Int2Family || f == Int4Family }
	numLike := func(t Type) bool { return t.IsNumeric() }
	switch op {
	case OpAdd:
		switch {
		case lf == DateFamily && intLike(rf):
			return func(a, b Datum) (Datum, error) { return dateAddDays(a.i, b.i) }, Date
		case intLike(lf) && rf == DateFamily:
			return func(a, b Datum) (Datum, error) { return dateAddDays(b.i, a.i) }, Date
		case lf == DateFamily && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) {
				return tsAddInterval(TimestampFamily, dateToTimestamp(int32(a.i)), b.Interval(), 1)
			}, Timestamp
		case lf == IntervalFamily && rf == DateFamily:
			return func(a, b Datum) (Datum, error) {
				return tsAddInterval(TimestampFamily, dateToTimestamp(int32(b.i)), a.Interval(), 1)
			}, Timestamp
		case lf == DateFamily && rf == TimeFamily:
			return func(a, b Datum) (Datum, error) { return dateAddTime(a.i, b.i) }, Timestamp
		case lf == TimeFamily && rf == DateFamily:
			return func(a, b Datum) (Datum, error) { return dateAddTime(b.i, a.i) }, Timestamp
		case isTS(lf) && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return tsAddInterval(lf, a.i, b.Interval(), 1) }, baseOf(l)
		case lf == IntervalFamily && isTS(rf):
			return func(a, b Datum) (Datum, error) { return tsAddInterval(rf, b.i, a.Interval(), 1) }, baseOf(r)
		case lf == TimeFamily && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return timeAddInterval(a.i, b.Interval(), 1), nil }, Time
		case lf == IntervalFamily && rf == TimeFamily:
			return func(a, b Datum) (Datum, error) { return timeAddInterval(b.i, a.Interval(), 1), nil }, Time
		case lf == IntervalFamily && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return intervalAdd(a.Interval(), b.Interval(), 1) }, Interval
		}
	case OpSub:
		switch {
		case lf == DateFamily && intLike(rf):
			return func(a, b Datum) (Datum, error) {
				if b.i == math.MinInt64 {
					return Null, dateOutOfRange()
				}
				return dateAddDays(a.i, -b.i)
			}, Date
		case lf == DateFamily && rf == DateFamily:
			return func(a, b Datum) (Datum, error) {
				if isInfDate(a.i) || isInfDate(b.i) {
					return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "cannot subtract infinite dates")
				}
				return NewInt4(int32(a.i - b.i)), nil
			}, Int4
		case lf == DateFamily && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) {
				return tsAddInterval(TimestampFamily, dateToTimestamp(int32(a.i)), b.Interval(), -1)
			}, Timestamp
		case isTS(lf) && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return tsAddInterval(lf, a.i, b.Interval(), -1) }, baseOf(l)
		case (isTS(lf) || lf == DateFamily) && (isTS(rf) || rf == DateFamily) && !(lf == DateFamily && rf == DateFamily):
			return func(a, b Datum) (Datum, error) { return tsSub(tsOf(a), tsOf(b)) }, Interval
		case lf == TimeFamily && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return timeAddInterval(a.i, b.Interval(), -1), nil }, Time
		case lf == TimeFamily && rf == TimeFamily:
			return func(a, b Datum) (Datum, error) { return NewInterval(IntervalValue{Micros: a.i - b.i}), nil }, Interval
		case lf == IntervalFamily && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return intervalAdd(a.Interval(), b.Interval(), -1) }, Interval
		}
	case OpMul:
		switch {
		case lf == IntervalFamily && numLike(r):
			return func(a, b Datum) (Datum, error) { return intervalMul(a.Interval(), toFloat(b), false) }, Interval
		case numLike(l) && rf == IntervalFamily:
			return func(a, b Datum) (Datum, error) { return intervalMul(b.Interval(), toFloat(a), false) }, Interval
		}
	case OpDiv:
		if lf == IntervalFamily && numLike(r) {
			return func(a, b Datum) (Datum, error) {
				f := toFloat(b)
				if f == 0 {
					return Null, divisionByZero()
				}
				return intervalMul(a.Interval(), f, true)
			}, Interval
		}
	}
	return nil, Type{}
}

func isInfDate(d int64) bool { return d == DateNegInfinity || d == DatePosInfinity }

func dateAddDays(d, n int64) (Datum, error) {
	if isInfDate(d) {
		return NewDate(int32(d)), nil
	}
	r := d + n
	if r < minDate || r > maxDate {
		return Null, dateOutOfRange()
	}
	return NewDate(int32(r)), nil
}

func dateAddTime(d, tod int64) (Datum, error) {
	ts := dateToTimestamp(int32(d))
	if ts == TimestampNegInfinity || ts == TimestampPosInfinity {
		return NewTimestamp(ts), nil
	}
	if ts > maxTimestamp-tod {
		return Null, timestampOutOfRange()
	}
	return NewTimestamp(ts + tod), nil
}

// tsAddInterval is timestamp_pl_interval: months first (clamping the day
// to the month's end), then days, then microseconds.
func tsAddInterval(f Family, ts int64, iv IntervalValue, sign int64) (Datum, error) {
	if ts == TimestampNegInfinity || ts == TimestampPosInfinity {
		return Datum{kind: f, i: ts}, nil
	}
	months, days, us := sign*int64(iv.Months), sign*int64(iv.Days), iv.Micros
	if sign < 0 {
		if us == math.MinInt64 {
			return Null, timestampOutOfRange()
		}
		us = -us
	}
	dayNum, tod := floorDiv(ts, microsPerDay)
	if months != 0 || days != 0 {
		if months != 0 {
			y, m, d := civilFromDays(dayNum)
			total := y*12 + (m - 1) + months
			ny, nm0 := floorDiv(total, 12)
			nm := nm0 + 1
			d = min(d, daysIn(ny, nm))
			dayNum = daysFromCivil(ny, nm, d)
		}
		dayNum += days
		if dayNum < minDate || dayNum > maxTimestamp/microsPerDay-1 {
			return Null, timestampOutOfRange()
		}
	}
	base := dayNum*microsPerDay + tod
	r := base + us
	if (us > 0 && r < base) || (us < 0 && r > base) || r < minTimestamp || r > maxTimestamp {
		return Null, timestampOutOfRange()
	}
	return Datum{kind: f, i: r}, nil
}

// tsSub is timestamp_mi: the difference in microseconds, with whole days
// moved into the days field (interval_justify_hours).
func tsSub(a, b int64) (Datum, error) {
	inf := func(x int64) bool { return x == TimestampNegInfinity || x == TimestampPosInfinity }
	if inf(a) || inf(b) {
		return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	d := a - b
	if (b < 0 && d < a) || (b > 0 && d > a) {
		return Null, intervalOutOfRange()
	}
	days := d / microsPerDay
	return NewInterval(IntervalValue{Days: int32(days), Micros: d - days*microsPerDay}), nil
}

func timeAddInterval(t int64, iv IntervalValue, sign int64) Datum {
	_, r := floorDiv(t+sign*(iv.Micros%microsPerDay), microsPerDay)
	return NewTime(r)
}

func intervalAdd(a, b IntervalValue, sign int64) (Datum, error) {
	m := int64(a.Months) + sign*int64(b.Months)
	d := int64(a.Days) + sign*int64(b.Days)
	var us int64
	if sign > 0 {
		us = a.Micros + b.Micros
		if (b.Micros > 0 && us < a.Micros) || (b.Micros < 0 && us > a.Micros) {
			return Null, intervalOutOfRange()
		}
	} else {
		us = a.Micros - b.Micros
		if (b.Micros < 0 && us < a.Micros) || (b.Micros > 0 && us > a.Micros) {
			return Null, intervalOutOfRange()
		}
	}
	if m != int64(int32(m)) || d != int64(int32(d)) {
		return Null, intervalOutOfRange()
	}
	return NewInterval(IntervalValue{Months: int32(m), Days: int32(d), Micros: us}), nil
}

func negInterval(iv IntervalValue) (IntervalValue, error) {
	if iv.Months == math.MinInt32 || iv.Days == math.MinInt32 || iv.Micros == math.MinInt64 {
		return IntervalValue{}, intervalOutOfRange()
	}
	return IntervalValue{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}, nil
}

// tsround is PostgreSQL's TSROUND: round to microsecond precision.
func tsround(x float64) float64 { return math.RoundToEven(x*1e6) / 1e6 }

// intervalMul is interval_mul / interval_div: fractional months cascade
// into days (30 per month) and fractional days into time.
func intervalMul(iv IntervalValue, f float64, div bool) (Datum, error) {
	op := func(x float64) float64 {
		if div {
			return x / f
		}
		return x * f
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Null, intervalOutOfRange()
	}
	mf := op(float64(iv.Months))
	df := op(float64(iv.Days))
	if math.Abs(mf) > math.MaxInt32 || math.Abs(df) > math.MaxInt32 {
		return Null, intervalOutOfRange()
	}
	rm, rd := int64(mf), int64(df)
	monthRemDays := tsround((mf - float64(rm)) * 30)
	secRem := tsround((df - float64(rd) + monthRemDays - math.Trunc(monthRemDays)) * 86400)
	if math.Abs(secRem) >= 86400 {
		rd += int64(secRem / 86400)
		secRem -= math.Trunc(secRem/86400) * 86400
	}
	rd += int64(monthRemDays)
	us := math.RoundToEven(op(float64(iv.Micros)) + secRem*1e6)
	if math.Abs(us) >= 1<<63 || rd != int64(int32(rd)) {
		return Null, intervalOutOfRange()
	}
	return NewInterval(IntervalValue{Months: int32(rm), Days: int32(rd), Micros: int64(us)}), nil
}
