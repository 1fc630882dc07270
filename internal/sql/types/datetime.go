package types

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Date and timestamp ranges, as PostgreSQL's: from 4714-11-24 BC (Julian
// day 0). Dates end at 5874897-12-31; timestamps end where int64
// microseconds since 1970 do (PostgreSQL's own epoch is 2000, which gives
// it until 294276 AD; cairn stops 30 years short of that, in 294247).
const (
	minDate         = -2440588   // 4714-11-24 BC
	maxDate         = 2145042905 // 5874897-12-31
	minTimestamp    = int64(minDate) * microsPerDay
	maxTimestamp    = math.MaxInt64 - 1
	microsPerSecond = 1000000
	microsPerMinute = 60 * microsPerSecond
	microsPerHour   = 60 * microsPerMinute
)

// daysFromCivil returns days since 1970-01-01 of a proleptic Gregorian
// date; year 0 is 1 BC.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mm := m + 9
	if m > 2 {
		mm = m - 3
	}
	doy := (153*mm+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays inverts daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func floorDiv(a, b int64) (int64, int64) {
	q, r := a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// dateToTimestamp returns midnight of a date in timestamp microseconds,
// saturating to the infinities.
func dateToTimestamp(days int32) int64 {
	switch days {
	case DateNegInfinity:
		return TimestampNegInfinity
	case DatePosInfinity:
		return TimestampPosInfinity
	}
	if int64(days) > maxTimestamp/microsPerDay {
		return maxTimestamp
	}
	return int64(days) * microsPerDay
}

func appendYMD(dst []byte, y, m, d int64) []byte {
	if y <= 0 {
		y = 1 - y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, m, 2)
	dst = append(dst, '-')
	return appendPadded(dst, d, 2)
}

func appendPadded(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

func appendDate(dst []byte, days int32) []byte {
	switch days {
	case DateNegInfinity:
		return append(dst, "-infinity"...)
	case DatePosInfinity:
		return append(dst, "infinity"...)
	}
	y, m, d := civilFromDays(int64(days))
	dst = appendYMD(dst, y, m, d)
	if y <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendTimeOfDay prints HH:MM:SS with the fraction's trailing zeros
// dropped; hours may exceed 24 (for intervals).
func appendTimeOfDay(dst []byte, micros int64) []byte {
	h := micros / microsPerHour
	micros -= h * microsPerHour
	mi := micros / microsPerMinute
	micros -= mi * microsPerMinute
	dst = appendPadded(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, mi, 2)
	dst = append(dst, ':')
	return appendSeconds(dst, micros)
}

func appendSeconds(dst []byte, micros int64) []byte {
	dst = appendPadded(dst, micros/microsPerSecond, 2)
	if f := micros % microsPerSecond; f != 0 {
		var buf [8]byte
		b := appendPadded(buf[:0], f, 6)
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
		dst = append(dst, '.')
		dst = append(dst, b...)
	}
	return dst
}

func appendTimestamp(dst []byte, micros int64, tz bool) []byte {
	switch micros {
	case TimestampNegInfinity:
		return append(dst, "-infinity"...)
	case TimestampPosInfinity:
		return append(dst, "infinity"...)
	}
	return appendWallClock(dst, micros, tz, 0)
}

// appendWallClock prints the wall-clock time local (a timestamp's
// microseconds), with tz the offset off (seconds east) after it.
func appendWallClock(dst []byte, local int64, tz bool, off int64) []byte {
	days, tod := floorDiv(local, microsPerDay)
	y, m, d := civilFromDays(days)
	dst = appendYMD(dst, y, m, d)
	dst = append(dst, ' ')
	dst = appendTimeOfDay(dst, tod)
	if tz {
		dst = appendOffset(dst, off)
	}
	if y <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendInterval prints PostgreSQL's IntervalStyle "postgres":
// "1 year 2 mons -3 days +04:05:06.5", "00:00:00" for zero.
func appendInterval(dst []byte, iv IntervalValue) []byte {
	start := len(dst)
	isBefore := false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		if isBefore && v > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, v, 10)
		dst = append(dst, ' ')
		dst = append(dst, unit...)
		if v != 1 {
			dst = append(dst, 's')
		}
		isBefore = v < 0
	}
	part(int64(iv.Months/12), "year")
	part(int64(iv.Months%12), "mon")
	part(int64(iv.Days), "day")
	if iv.Micros != 0 || len(dst) == start {
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		us := iv.Micros
		if us < 0 {
			dst = append(dst, '-')
			if us == math.MinInt64 {
				// |MinInt64| overflows; print via uint64.
				h := uint64(1<<63) / microsPerHour
				dst = strconv.AppendUint(dst, h, 10)
				dst = append(dst, ':')
				rest := int64(uint64(1<<63) - h*microsPerHour)
				mi := rest / microsPerMinute
				dst = appendPadded(dst, mi, 2)
				dst = append(dst, ':')
				return appendSeconds(dst, rest-mi*microsPerMinute)
			}
			us = -us
		} else if isBefore {
			dst = append(dst, '+')
		}
		dst = appendTimeOfDay(dst, us)
	}
	return dst
}

func dateSyntax(t Type, s string) error {
	return sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type %s: %q", inputTypeName(t), s)
}

func fieldOverflow(s string) error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s)
}

// dateTime is the parse of a date/time literal.
type dateTime struct {
	special        string // "infinity", "-infinity", "epoch", "now", "today", ...
	hasDate        bool
	y, m, d        int64
	hasTime        bool
	tod            int64 // µs since midnight
	hasTZ          bool
	offset         int64 // seconds east of UTC
	bc             bool
	dateOnlyFields int
}

// scanDigits returns the leading run of digits of s.
func scanDigits(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

// parseDateTime reads the ISO forms PostgreSQL accepts with DateStyle
// ISO, MDY: 'YYYY-MM-DD', 'YYYYMMDD', 'MM/DD/YYYY', 'YYYY/MM/DD', then
// optionally ' ' or 'T' and 'HH:MM[:SS[.ffffff]]', then optionally a zone
// ('Z', 'UTC', 'GMT', '+HH', '+HH:MM', '+HHMM', '-...'), then ' BC' or ' AD';
// or the special words. timeOnly reads a TIME: the date is optional.
func parseDateTime(t Type, s string, timeOnly bool) (dateTime, error) {
	var r dateTime
	in := strings.ToLower(trimSpace(s))
	switch in {
	case "infinity", "+infinity", "-infinity", "epoch", "now", "today", "tomorrow", "yesterday", "allballs":
		r.special = strings.TrimPrefix(in, "+")
		return r, nil
	}
	rest := in
	// Date part.
	if a, after := scanDigits(rest); a != "" && (len(after) > 0 && (after[0] == '-' || after[0] == '/') || len(a) == 8 && !timeOnly) {
		var y, m, d string
		switch {
		case len(after) > 0 && after[0] == '-':
			y = a
			m, after = scanDigits(after[1:])
			if m == "" || len(after) == 0 || after[0] != '-' {
				return r, dateSyntax(t, s)
			}
			d, after = scanDigits(after[1:])
		case len(after) > 0 && after[0] == '/':
			b, rest2 := scanDigits(after[1:])
			if b == "" || len(rest2) == 0 || rest2[0] != '/' {
				return r, dateSyntax(t, s)
			}
			c, rest3 := scanDigits(rest2[1:])
			after = rest3
			if len(a) >= 3 {
				y, m, d = a, b, c
			} else {
				m, d, y = a, b, c
			}
		default:
			y, m, d = a[:4], a[4:6], a[6:]
		}
		if y == "" || m == "" || d == "" || len(y) > 9 || len(m) > 2 || len(d) > 2 {
			return r, dateSyntax(t, s)
		}
		r.hasDate = true
		r.y, _ = strconv.ParseInt(y, 10, 64)
		r.m, _ = strconv.ParseInt(m, 10, 64)
		r.d, _ = strconv.ParseInt(d, 10, 64)
		rest = after
		if len(rest) > 0 {
			switch {
			case rest[0] == 't' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9':
				rest = rest[1:]
			case isSpace(rest[0]):
				rest = trimSpace(rest)
			}
		}
	} else if !timeOnly {
		return r, dateSyntax(t, s)
	}
	// Time part.
	if h, after := scanDigits(rest); h != "" && len(after) > 0 && after[0] == ':' {
		if len(h) > 2 {
			return r, dateSyntax(t, s)
		}
		mi, after2 := scanDigits(after[1:])
		if len(mi) != 2 {
			return r, dateSyntax(t, s)
		}
		hh, _ := strconv.ParseInt(h, 10, 64)
		mm, _ := strconv.ParseInt(mi, 10, 64)
		var us int64
		after = after2
		if len(after) > 0 && after[0] == ':' {
			var sec string
			sec, after = scanDigits(after[1:])
			if len(sec) != 2 {
				return r, dateSyntax(t, s)
			}
			ss, _ := strconv.ParseInt(sec, 10, 64)
			if ss > 60 {
				return r, fieldOverflow(s)
			}
			us = ss * microsPerSecond
			if len(after) > 0 && after[0] == '.' {
				var frac string
				frac, after = scanDigits(after[1:])
				us += fracMicros(frac)
			}
		}
		if hh > 24 || mm > 59 || hh == 24 && (mm != 0 || us != 0) {
			return r, fieldOverflow(s)
		}
		r.hasTime = true
		r.tod = hh*microsPerHour + mm*microsPerMinute + us
		rest = trimSpace(after)
	} else if timeOnly && !r.hasDate {
		return r, dateSyntax(t, s)
	}
	// Zone.
	if rest != "" {
		switch {
		case rest == "z" || strings.HasPrefix(rest, "z ") || rest == "utc" || strings.HasPrefix(rest, "utc ") || rest == "gmt" || strings.HasPrefix(rest, "gmt "):
			r.hasTZ = true
			rest = trimSpace(strings.TrimLeft(rest, "zutcgm"))
		case rest[0] == '+' || rest[0] == '-':
			sign := int64(1)
			if rest[0] == '-' {
				sign = -1
			}
			h, after := scanDigits(rest[1:])
			var hh, mm, ss int64
			switch len(h) {
			case 1, 2:
				hh, _ = strconv.ParseInt(h, 10, 64)
				if len(after) > 0 && after[0] == ':' {
					var m string
					m, after = scanDigits(after[1:])
					if len(m) != 2 {
						return r, dateSyntax(t, s)
					}
					mm, _ = strconv.ParseInt(m, 10, 64)
					if len(after) > 0 && after[0] == ':' {
						var sec string
						sec, after = scanDigits(after[1:])
						if len(sec) != 2 {
							return r, dateSyntax(t, s)
						}
						ss, _ = strconv.ParseInt(sec, 10, 64)
					}
				}
			case 4:
				hh, _ = strconv.ParseInt(h[:2], 10, 64)
				mm, _ = strconv.ParseInt(h[2:], 10, 64)
			default:
				return r, dateSyntax(t, s)
			}
			if hh > 15 || mm > 59 || ss > 59 {
				return r, sqlerr.New(sqlerr.InvalidDatetimeFormat, "time zone displacement out of range: %q", s)
			}
			r.hasTZ = true
			r.offset = sign * (hh*3600 + mm*60 + ss)
			rest = trimSpace(after)
		}
	}
	switch rest {
	case "":
	case "bc":
		r.bc = true
	case "ad":
	default:
		return r, dateSyntax(t, s)
	}
	if r.hasDate {
		if r.bc {
			if r.y == 0 {
				return r, fieldOverflow(s)
			}
			r.y = 1 - r.y
		}
		if r.m < 1 || r.m > 12 || r.d < 1 || r.d > daysIn(r.y, r.m) || r.y == 0 && !r.bc {
			return r, fieldOverflow(s)
		}
	}
	return r, nil
}

// fracMicros converts the digits after a decimal point to microseconds,
// rounding half up at the seventh digit.
func fracMicros(frac string) int64 {
	var us int64
	for i := 0; i < 6; i++ {
		us *= 10
		if i < len(frac) {
			us += int64(frac[i] - '0')
		}
	}
	if len(frac) > 6 && frac[6] >= '5' {
		us++
	}
	return us
}

func nowMicros() int64 { return time.Now().UnixMicro() }

func parseDate(s string) (Datum, error) {
	r, err := parseDateTime(Date, s, false)
	if err != nil {
		return Null, err
	}
	switch r.special {
	case "":
	case "infinity":
		return NewDate(DatePosInfinity), nil
	case "-infinity":
		return NewDate(DateNegInfinity), nil
	case "epoch":
		return NewDate(0), nil
	case "now", "today", "tomorrow", "yesterday":
		days, _ := floorDiv(nowMicros(), microsPerDay)
		switch r.special {
		case "tomorrow":
			days++
		case "yesterday":
			days--
		}
		return NewDate(int32(days)), nil
	default:
		return Null, dateSyntax(Date, s)
	}
	days := daysFromCivil(r.y, r.m, r.d)
	if days < minDate || days > maxDate {
		return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range: %q", s)
	}
	return NewDate(int32(days)), nil
}

func parseTime(s string) (Datum, error) {
	r, err := parseDateTime(Time, s, true)
	if err != nil {
		return Null, err
	}
	switch r.special {
	case "":
	case "allballs":
		return NewTime(0), nil
	case "now":
		_, tod := floorDiv(nowMicros(), microsPerDay)
		return NewTime(tod), nil
	default:
		return Null, dateSyntax(Time, s)
	}
	if !r.hasTime {
		return Null, dateSyntax(Time, s)
	}
	return NewTime(r.tod), nil
}

func parseTimestamp(t Type, s string) (Datum, error) { return parseTimestampIn(t, s, nil) }

// parseTimestampIn is parseTimestamp with the session time zone loc: a
// timestamptz written without an offset is a wall-clock time there, and
// 'today' its midnight there.
func parseTimestampIn(t Type, s string, loc *time.Location) (Datum, error) {
	r, err := parseDateTime(t, s, false)
	if err != nil {
		return Null, err
	}
	mk := func(us int64) Datum { return Datum{kind: t.fam, i: us} }
	switch r.special {
	case "":
	case "infinity":
		return mk(TimestampPosInfinity), nil
	case "-infinity":
		return mk(TimestampNegInfinity), nil
	case "epoch":
		return mk(0), nil
	case "now":
		return mk(nowMicros()), nil
	case "today", "tomorrow", "yesterday":
		tz := t.fam == TimestampTZFamily
		now := nowMicros()
		if tz {
			now = ToLocal(loc, now)
		}
		days, _ := floorDiv(now, microsPerDay)
		switch r.special {
		case "tomorrow":
			days++
		case "yesterday":
			days--
		}
		if tz {
			return mk(FromLocal(loc, days*microsPerDay)), nil
		}
		return mk(days * microsPerDay), nil
	default:
		return Null, dateSyntax(t, s)
	}
	days := daysFromCivil(r.y, r.m, r.d)
	if days < minDate || days > maxTimestamp/microsPerDay-1 {
		return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %q", s)
	}
	us := days*microsPerDay + r.tod
	// TIMESTAMP ignores a written zone, as PostgreSQL does; TIMESTAMPTZ
	// converts to UTC (a zone-less value is in the session zone).
	if t.fam == TimestampTZFamily {
		if r.hasTZ {
			us -= r.offset * microsPerSecond
		} else {
			us = FromLocal(loc, us)
		}
	}
	if us < minTimestamp || us > maxTimestamp {
		return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %q", s)
	}
	return mk(us), nil
}

func intervalSyntax(s string) error {
	return sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type interval: %q", s)
}

func intervalOverflow(s string) error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval field value out of range: %q", s)
}

// intervalAcc accumulates interval fields in float64 for the fractional
// cascade (1.5 years = 1 year 6 mons), then rounds.
type intervalAcc struct {
	months, days, micros float64
}

func (a *intervalAcc) add(v float64, unit string) bool {
	switch unit {
	case "millennium", "millennia", "millenniums", "mil", "mils":
		a.addMonths(v * 12000)
	case "century", "centuries", "cent", "c":
		a.addMonths(v * 1200)
	case "decade", "decades", "dec", "decs":
		a.addMonths(v * 120)
	case "year", "years", "y", "yr", "yrs":
		a.addMonths(v * 12)
	case "month", "months", "mon", "mons":
		a.addMonthsExact(v)
	case "week", "weeks", "w":
		a.addDays(v * 7)
	case "day", "days", "d":
		a.addDays(v)
	case "hour", "hours", "h", "hr", "hrs":
		a.micros += v * microsPerHour
	case "minute", "minutes", "m", "min", "mins":
		a.micros += v * microsPerMinute
	case "second", "seconds", "s", "sec", "secs":
		a.micros += v * microsPerSecond
	case "millisecond", "milliseconds", "ms", "msec", "msecs":
		a.micros += v * 1000
	case "microsecond", "microseconds", "us", "usec", "usecs":
		a.micros += v
	default:
		return false
	}
	return true
}

// addMonths adds whole months from years: PostgreSQL rounds a year
// fraction to whole months.
func (a *intervalAcc) addMonths(m float64) { a.months += math.Round(m) }

// addMonthsExact adds months whose fraction cascades into days (30 per
// month) and that fraction's fraction into time.
func (a *intervalAcc) addMonthsExact(m float64) {
	whole := math.Trunc(m)
	a.months += whole
	a.addDays((m - whole) * 30)
}

func (a *intervalAcc) addDays(d float64) {
	whole := math.Trunc(d)
	a.days += whole
	a.micros += (d - whole) * microsPerDay
}

func (a *intervalAcc) result(s string) (IntervalValue, error) {
	us := math.Round(a.micros)
	if math.Abs(a.months) > math.MaxInt32 || math.Abs(a.days) > math.MaxInt32 || math.Abs(us) >= 1<<63 {
		return IntervalValue{}, intervalOverflow(s)
	}
	return IntervalValue{Months: int32(a.months), Days: int32(a.days), Micros: int64(us)}, nil
}

// parseInterval reads PostgreSQL's interval input: '@'? then
// number-unit pairs ('1 year 2 mons', '1.5 days', '-3 hours'), time
// fields '[-]HH:MM[:SS[.f]]', a bare number (seconds), a trailing 'ago'
// that negates the whole; or ISO 8601 'P1Y2M3DT4H5M6S'.
func parseInterval(s string) (Datum, error) {
	in := strings.ToLower(trimSpace(s))
	if strings.HasPrefix(in, "p") {
		return parseISOInterval(s, in[1:])
	}
	in = strings.TrimPrefix(in, "@")
	fields := splitIntervalFields(in)
	if len(fields) == 0 {
		return Null, intervalSyntax(s)
	}
	var acc intervalAcc
	ago := false
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f == "ago" && i == len(fields)-1 && i > 0 {
			ago = true
			continue
		}
		if strings.ContainsRune(f, ':') {
			us, ok := parseIntervalTime(f)
			if !ok {
				return Null, intervalSyntax(s)
			}
			acc.micros += us
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || strings.ContainsAny(f, "xpn_i") {
			return Null, intervalSyntax(s)
		}
		unit := "second"
		if i+1 < len(fields) && fields[i+1] != "ago" && !startsNumeric(fields[i+1]) {
			unit = fields[i+1]
			i++
		}
		if !acc.add(v, unit) {
			return Null, intervalSyntax(s)
		}
	}
	iv, err := acc.result(s)
	if err != nil {
		return Null, err
	}
	if ago {
		iv = IntervalValue{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}
	}
	return NewInterval(iv), nil
}

func startsNumeric(f string) bool {
	return f != "" && (f[0] >= '0' && f[0] <= '9' || f[0] == '-' || f[0] == '+' || f[0] == '.')
}

// splitIntervalFields splits at whitespace and between a number and the
// letters of its unit ('1day' is '1' 'day'), as PostgreSQL's lexer does.
func splitIntervalFields(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		for w != "" {
			i := 0
			if startsNumeric(w) {
				i = 1
				for i < len(w) && (w[i] >= '0' && w[i] <= '9' || w[i] == '.' || w[i] == ':' || w[i] == 'e' && i+1 < len(w) && (w[i+1] >= '0' && w[i+1] <= '9' || w[i+1] == '-' || w[i+1] == '+')) {
					if w[i] == 'e' {
						i++
					}
					i++
				}
			} else {
				for i < len(w) && !startsNumeric(w[i:]) {
					i++
				}
			}
			if i == 0 {
				i = len(w)
			}
			out = append(out, w[:i])
			w = w[i:]
		}
	}
	// A sign standing apart signs the number after it: '1 month - 1 day'.
	for i := 0; i+1 < len(out); i++ {
		if (out[i] == "-" || out[i] == "+") && out[i+1] != "" && (out[i+1][0] >= '0' && out[i+1][0] <= '9' || out[i+1][0] == '.') {
			out[i] += out[i+1]
			out = append(out[:i+1], out[i+2:]...)
		}
	}
	return out
}

// parseIntervalTime reads '[-+]H:MM[:SS[.f]]' (hours of any size).
func parseIntervalTime(f string) (float64, bool) {
	neg := false
	if f[0] == '-' || f[0] == '+' {
		neg = f[0] == '-'
		f = f[1:]
	}
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || m > 59 || len(parts[1]) != 2 {
		return 0, false
	}
	us := float64(h)*microsPerHour + float64(m)*microsPerMinute
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		if len(sec) != 2 {
			return 0, false
		}
		ss, err := strconv.ParseInt(sec, 10, 64)
		if err != nil || ss > 59 {
			return 0, false
		}
		for _, c := range frac {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		us += float64(ss*microsPerSecond + fracMicros(frac))
	}
	if neg {
		us = -us
	}
	return us, true
}

func parseISOInterval(orig, s string) (Datum, error) {
	var acc intervalAcc
	inTime := false
	if s == "" {
		return Null, intervalSyntax(orig)
	}
	for s != "" {
		if s[0] == 't' {
			if inTime {
				return Null, intervalSyntax(orig)
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
			i++
		}
		if i == 0 || i == len(s) {
			return Null, intervalSyntax(orig)
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return Null, intervalSyntax(orig)
		}
		unit := ""
		switch s[i] {
		case 'y':
			unit = "year"
		case 'm':
			unit = "month"
			if inTime {
				unit = "minute"
			}
		case 'w':
			unit = "week"
		case 'd':
			unit = "day"
		case 'h':
			unit = "hour"
		case 's':
			unit = "second"
		}
		if unit == "" || inTime != (unit == "hour" || unit == "minute" || unit == "second") {
			return Null, intervalSyntax(orig)
		}
		acc.add(v, unit)
		s = s[i+1:]
	}
	iv, err := acc.result(orig)
	if err != nil {
		return Null, err
	}
	return NewInterval(iv), nil
}
