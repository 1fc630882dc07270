package builtins

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
	"github.com/cockroachdb/apd/v3"
)

const usPerDay = 86400 * 1000000

func tsTime(us int64) time.Time { return time.UnixMicro(us).UTC() }

func isInfTS(us int64) bool {
	return us == types.TimestampNegInfinity || us == types.TimestampPosInfinity
}

// unitAliases maps PostgreSQL's unit spellings (DecodeUnits) to one name.
var unitAliases = map[string]string{}

func init() {
	for canon, names := range map[string][]string{
		"microseconds": {"microsecond", "microseconds", "us", "usec", "usecs", "useconds"},
		"milliseconds": {"millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds", "millisecon"},
		"second":       {"second", "seconds", "s", "sec", "secs"},
		"minute":       {"minute", "minutes", "m", "min", "mins"},
		"hour":         {"hour", "hours", "h", "hr", "hrs"},
		"day":          {"day", "days", "d"},
		"week":         {"week", "weeks", "w"},
		"month":        {"month", "months", "mon", "mons"},
		"quarter":      {"quarter", "qtr"},
		"year":         {"year", "years", "y", "yr", "yrs"},
		"decade":       {"decade", "decades", "dec"},
		"century":      {"century", "centuries", "c", "cent"},
		"millennium":   {"millennium", "millennia", "mil", "mils"},
		"dow":          {"dow"},
		"isodow":       {"isodow"},
		"doy":          {"doy"},
		"epoch":        {"epoch"},
		"isoyear":      {"isoyear"},
		"julian":       {"julian", "j"},
		"timezone":     {"timezone"},
		"timezone_h":   {"timezone_h", "timezone_hour"},
		"timezone_m":   {"timezone_m", "timezone_minute"},
	} {
		for _, n := range names {
			unitAliases[n] = canon
		}
	}
}

func unitNotRecognized(u string, t types.Type) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "unit \"%s\" not recognized for type %s", u, t)
}

func unitNotSupported(u string, t types.Type) error {
	return sqlerr.New(sqlerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", u, t)
}

func decodeUnit(s string, t types.Type) (string, string, error) {
	low := strings.ToLower(strings.TrimSpace(s))
	u, ok := unitAliases[low]
	if !ok {
		return "", low, unitNotRecognized(low, t)
	}
	return u, low, nil
}

// truncTS is date_trunc on timestamp microseconds.
func truncTS(unit, low string, us int64, t types.Type) (int64, error) {
	if isInfTS(us) {
		return us, nil
	}
	tm := tsTime(us)
	y, mo, d := tm.Date()
	mk := func(y int, mo time.Month, d int) int64 { return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).UnixMicro() }
	day := mk(y, mo, d)
	switch unit {
	case "microseconds":
		return us, nil
	case "milliseconds":
		return floorTo(us, 1000), nil
	case "second":
		return floorTo(us, 1000000), nil
	case "minute":
		return floorTo(us, 60000000), nil
	case "hour":
		return floorTo(us, 3600000000), nil
	case "day":
		return day, nil
	case "week":
		wd := (int(tm.Weekday()) + 6) % 7 // Monday = 0
		return day - int64(wd)*usPerDay, nil
	case "month":
		return mk(y, mo, 1), nil
	case "quarter":
		return mk(y, time.Month(3*((int(mo)-1)/3)+1), 1), nil
	case "year":
		return mk(y, 1, 1), nil
	case "decade":
		return mk(y-mod(y, 10), 1, 1), nil
	case "century":
		if y > 0 {
			return mk((y+99)/100*100-99, 1, 1), nil
		}
		return mk(-((99-(y-1))/100)*100+1, 1, 1), nil
	case "millennium":
		if y > 0 {
			return mk((y+999)/1000*1000-999, 1, 1), nil
		}
		return mk(-((999-(y-1))/1000)*1000+1, 1, 1), nil
	}
	return 0, unitNotSupported(low, t)
}

func mod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

func floorTo(v, unit int64) int64 {
	q := v / unit
	if v%unit < 0 {
		q--
	}
	return q * unit
}

func truncInterval(unit, low string, iv types.IntervalValue) (types.IntervalValue, error) {
	years := iv.Months / 12
	switch unit {
	case "microseconds":
	case "milliseconds":
		iv.Micros = iv.Micros / 1000 * 1000
	case "second":
		iv.Micros = iv.Micros / 1000000 * 1000000
	case "minute":
		iv.Micros = iv.Micros / 60000000 * 60000000
	case "hour":
		iv.Micros = iv.Micros / 3600000000 * 3600000000
	case "day":
		iv.Micros = 0
	case "month":
		iv.Micros, iv.Days = 0, 0
	case "quarter":
		iv.Micros, iv.Days = 0, 0
		iv.Months = years*12 + (iv.Months%12)/3*3
	case "year":
		iv = types.IntervalValue{Months: years * 12}
	case "decade":
		iv = types.IntervalValue{Months: years / 10 * 120}
	case "century":
		iv = types.IntervalValue{Months: years / 100 * 1200}
	case "millennium":
		iv = types.IntervalValue{Months: years / 1000 * 12000}
	case "week":
		return iv, sqlerr.New(sqlerr.FeatureNotSupported, "unit \"%s\" not supported for type interval", low).
			WithDetail("Months usually have fractional weeks.")
	default:
		return iv, unitNotSupported(low, types.Interval)
	}
	return iv, nil
}

// numInt returns an integer numeric.
func numInt(v int64) *apd.Decimal { return apd.New(v, 0) }

func infNumeric(neg bool) *apd.Decimal { return &apd.Decimal{Form: apd.Infinite, Negative: neg} }

// extractTS is extract(unit from timestamp[tz]) as a numeric; nil for a
// NULL result (a field of an infinite timestamp).
// extractTSTZ is extract from a timestamptz in the session time zone
// zone: the fields of its wall-clock time there, the epoch of the
// instant, and the zone's offset (timezone, timezone_hour,
// timezone_minute, east positive).
func extractTSTZ(unit, low string, us int64, zone *time.Location) (*apd.Decimal, error) {
	if zone == nil || isInfTS(us) || unit == "epoch" {
		return extractTS(unit, low, us, types.TimestampTZ)
	}
	off := types.ZoneOffset(zone, us)
	switch unit {
	case "timezone":
		return numInt(off), nil
	case "timezone_h":
		return numInt(off / 3600), nil
	case "timezone_m":
		return numInt(off / 60 % 60), nil
	}
	return extractTS(unit, low, us+off*1000000, types.TimestampTZ)
}

// zoneOf is the session time zone of an evaluation, nil for UTC.
func zoneOf(ctx *EvalContext) *time.Location {
	if ctx == nil || ctx.Zone == time.UTC {
		return nil
	}
	return ctx.Zone
}

func extractTS(unit, low string, us int64, t types.Type) (*apd.Decimal, error) {
	if isInfTS(us) {
		switch unit {
		case "epoch", "year", "decade", "century", "millennium", "julian", "isoyear":
			return infNumeric(us < 0), nil
		case "timezone", "timezone_h", "timezone_m":
			if t.Family() != types.TimestampTZFamily {
				return nil, unitNotSupported(low, t)
			}
		}
		return nil, nil
	}
	tm := tsTime(us)
	y, mo, d := tm.Date()
	secUs := int64(tm.Second())*1000000 + int64(tm.Nanosecond()/1000)
	switch unit {
	case "microseconds":
		return numInt(secUs), nil
	case "milliseconds":
		return apd.New(secUs, -3), nil
	case "second":
		return apd.New(secUs, -6), nil
	case "minute":
		return numInt(int64(tm.Minute())), nil
	case "hour":
		return numInt(int64(tm.Hour())), nil
	case "epoch":
		return apd.New(us, -6), nil
	case "julian":
		jd := int64(math.Floor(float64(us)/usPerDay)) + 2440588
		tod := us - floorTo(us, usPerDay)
		r := new(apd.Decimal)
		c := apd.BaseContext
		c.Precision = 40
		c.Quo(r, apd.New(jd*usPerDay+tod, 0), apd.New(usPerDay, 0))
		return r, nil
	case "timezone", "timezone_h", "timezone_m":
		if t.Family() != types.TimestampTZFamily {
			return nil, unitNotSupported(low, t)
		}
		return numInt(0), nil
	}
	return extractDateFields(unit, low, y, int(mo), d, tm, t)
}

func extractDateFields(unit, low string, y, mo, d int, tm time.Time, t types.Type) (*apd.Decimal, error) {
	switch unit {
	case "day":
		return numInt(int64(d)), nil
	case "month":
		return numInt(int64(mo)), nil
	case "quarter":
		return numInt(int64((mo-1)/3 + 1)), nil
	case "year":
		if y <= 0 {
			return numInt(int64(y - 1)), nil
		}
		return numInt(int64(y)), nil
	case "decade":
		if y >= 0 {
			return numInt(int64(y / 10)), nil
		}
		return numInt(int64(-((8 - (y - 1)) / 10))), nil
	case "century":
		if y > 0 {
			return numInt(int64((y + 99) / 100)), nil
		}
		return numInt(int64(-((99 - (y - 1)) / 100))), nil
	case "millennium":
		if y > 0 {
			return numInt(int64((y + 999) / 1000)), nil
		}
		return numInt(int64(-((999 - (y - 1)) / 1000))), nil
	case "dow":
		return numInt(int64(tm.Weekday())), nil
	case "isodow":
		return numInt(int64((int(tm.Weekday())+6)%7 + 1)), nil
	case "doy":
		return numInt(int64(tm.YearDay())), nil
	case "week":
		_, w := tm.ISOWeek()
		return numInt(int64(w)), nil
	case "isoyear":
		iy, _ := tm.ISOWeek()
		return numInt(int64(iy)), nil
	}
	return nil, unitNotSupported(low, t)
}

func extractDate(unit, low string, days int32) (*apd.Decimal, error) {
	if days == types.DateNegInfinity || days == types.DatePosInfinity {
		switch unit {
		case "epoch", "year", "decade", "century", "millennium", "julian", "isoyear":
			return infNumeric(days < 0), nil
		case "day", "month", "quarter", "week", "dow", "isodow", "doy":
			return nil, nil
		}
		return nil, unitNotSupported(low, types.Date)
	}
	tm := tsTime(int64(days) * usPerDay)
	switch unit {
	case "epoch":
		return numInt(int64(days) * 86400), nil
	case "julian":
		return numInt(int64(days) + 2440588), nil
	}
	y, mo, d := tm.Date()
	return extractDateFields(unit, low, y, int(mo), d, tm, types.Date)
}

func extractTime(unit, low string, us int64) (*apd.Decimal, error) {
	switch unit {
	case "microseconds":
		return numInt(us % 60000000), nil
	case "milliseconds":
		return apd.New(us%60000000, -3), nil
	case "second":
		return apd.New(us%60000000, -6), nil
	case "minute":
		return numInt(us / 60000000 % 60), nil
	case "hour":
		return numInt(us / 3600000000), nil
	case "epoch":
		return apd.New(us, -6), nil
	}
	return nil, unitNotSupported(low, types.Time)
}

func extractInterval(unit, low string, iv types.IntervalValue) (*apd.Decimal, error) {
	m := int64(iv.Months)
	switch unit {
	case "microseconds":
		return numInt(iv.Micros % 60000000), nil
	case "milliseconds":
		return apd.New(iv.Micros%60000000, -3), nil
	case "second":
		return apd.New(iv.Micros%60000000, -6), nil
	case "minute":
		return numInt(iv.Micros / 60000000 % 60), nil
	case "hour":
		return numInt(iv.Micros / 3600000000), nil
	case "day":
		return numInt(int64(iv.Days)), nil
	case "month":
		return numInt(m % 12), nil
	case "quarter":
		return numInt(m%12/3 + 1), nil
	case "year":
		return numInt(m / 12), nil
	case "decade":
		return numInt(m / 120), nil
	case "century":
		return numInt(m / 1200), nil
	case "millennium":
		return numInt(m / 12000), nil
	case "epoch":
		secs := (4*365*(m/12) + int64(m/12) + 4*30*(m%12) + 4*int64(iv.Days)) * (86400 / 4)
		return apd.New(secs*1000000+iv.Micros, -6), nil
	}
	return nil, unitNotSupported(low, types.Interval)
}

// extractFn builds extract/date_part for a source type; float selects
// date_part's double precision result.
func extractFn(src types.Type, float bool) func(*EvalContext, []types.Datum) (types.Datum, error) {
	return func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		unit, low, err := decodeUnit(a[0].Str(), src)
		if err != nil {
			return types.Null, err
		}
		var r *apd.Decimal
		switch src.Family() {
		case types.DateFamily:
			r, err = extractDate(unit, low, a[1].Date())
		case types.TimeFamily:
			r, err = extractTime(unit, low, a[1].Micros())
		case types.IntervalFamily:
			r, err = extractInterval(unit, low, a[1].Interval())
		case types.TimestampTZFamily:
			r, err = extractTSTZ(unit, low, a[1].Micros(), zoneOf(ctx))
		default:
			r, err = extractTS(unit, low, a[1].Micros(), src)
		}
		if err != nil || r == nil {
			return types.Null, err
		}
		if float {
			return types.NewFloat8(decFloat(r)), nil
		}
		return dec(r), nil
	}
}

var dayTab = [2][12]int{
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
}

func leap(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 1
	}
	return 0
}

// age is PostgreSQL's timestamp_age: a symbolic difference in years,
// months and days, borrowing from the earlier value's months.
func age(t1, t2 int64) (types.Datum, error) {
	if isInfTS(t1) || isInfTS(t2) {
		return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	a, b := tsTime(t1), tsTime(t2)
	fsec := int64(a.Nanosecond()/1000 - b.Nanosecond()/1000)
	sec := a.Second() - b.Second()
	mi := a.Minute() - b.Minute()
	hr := a.Hour() - b.Hour()
	mday := a.Day() - b.Day()
	mon := int(a.Month()) - int(b.Month())
	yr := a.Year() - b.Year()
	neg := t1 < t2
	if neg {
		fsec, sec, mi, hr, mday, mon, yr = -fsec, -sec, -mi, -hr, -mday, -mon, -yr
	}
	for fsec < 0 {
		fsec += 1000000
		sec--
	}
	for sec < 0 {
		sec += 60
		mi--
	}
	for mi < 0 {
		mi += 60
		hr--
	}
	for hr < 0 {
		hr += 24
		mday--
	}
	for mday < 0 {
		if neg {
			mday += dayTab[leap(a.Year())][a.Month()-1]
		} else {
			mday += dayTab[leap(b.Year())][b.Month()-1]
		}
		mon--
	}
	for mon < 0 {
		mon += 12
		yr--
	}
	if neg {
		fsec, sec, mi, hr, mday, mon, yr = -fsec, -sec, -mi, -hr, -mday, -mon, -yr
	}
	return types.NewInterval(types.IntervalValue{
		Months: int32(yr*12 + mon),
		Days:   int32(mday),
		Micros: ((int64(hr)*60+int64(mi))*60+int64(sec))*1000000 + fsec,
	}), nil
}

func makeDate(y, m, d int64) (int64, error) {
	if y == 0 {
		return 0, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	yy := y
	if y < 0 {
		yy = y + 1 // 1 BC is year 0
	}
	if m < 1 || m > 12 || d < 1 || yy < -4713 || yy > 5874897 || d > int64(dayTab[leap(int(yy))][m-1]) {
		return 0, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	return time.Date(int(yy), time.Month(m), int(d), 0, 0, 0, 0, time.UTC).UnixMicro() / usPerDay, nil
}

func nowOf(ctx *EvalContext, stmt bool) time.Time {
	if ctx != nil {
		if stmt && !ctx.StmtTime.IsZero() {
			return ctx.StmtTime
		}
		if !ctx.TxnTime.IsZero() {
			return ctx.TxnTime
		}
	}
	return time.Now()
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// toChar formats a timestamp with the common to_char patterns.
func toChar(us int64, f string, zone *time.Location) string {
	if isInfTS(us) {
		return ""
	}
	tz := zone != nil // a timestamptz: TZ prints the zone's abbreviation
	tm := tsTime(us)
	if tz {
		tm = tm.In(zone)
	}
	var b strings.Builder
	fm := false
	last := -1 // the number num wrote last, for a TH suffix
	num := func(v, width int) {
		if fm {
			b.WriteString(strconv.Itoa(v))
		} else {
			fmt.Fprintf(&b, "%0*d", width, v)
		}
		fm, last = false, v
	}
	word := func(s string, width int) {
		if !fm && len(s) < width {
			s += strings.Repeat(" ", width-len(s))
		}
		b.WriteString(s)
		fm = false
	}
	isoYear, _ := tm.ISOWeek()
	_, offset := tm.Zone()
	abs := func(v int) int { return max(v, -v) }
	sign := "+" // the zone offset's, for TZH and OF
	if offset < 0 {
		sign = "-"
	}
	hour12 := tm.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	for i := 0; i < len(f); {
		rest := f[i:]
		has := func(p string) bool {
			if strings.HasPrefix(rest, p) {
				i += len(p)
				return true
			}
			return false
		}
		prev := last
		last = -1
		switch {
		case prev >= 0 && (has("TH") || has("th")):
			// The ordinal suffix of the number just written (12th, 1ST).
			suffix := "th"
			if v := prev % 100; v < 11 || v > 13 {
				suffix = map[int]string{1: "st", 2: "nd", 3: "rd"}[prev%10]
				if suffix == "" {
					suffix = "th"
				}
			}
			if rest[0] == 'T' {
				suffix = strings.ToUpper(suffix)
			}
			b.WriteString(suffix)
		case has("FM") || has("fm"):
			fm = true
		case has("\""):
			j := strings.IndexByte(f[i:], '"')
			if j < 0 {
				j = len(f) - i
			}
			b.WriteString(f[i : i+j])
			i = min(i+j+1, len(f))
		case has("Y,YYY") || has("y,yyy"):
			fmt.Fprintf(&b, "%d,%03d", tm.Year()/1000, tm.Year()%1000)
		case has("YYYY") || has("yyyy"):
			num(tm.Year(), 4)
		case has("YYY") || has("yyy"):
			num(tm.Year()%1000, 3)
		case has("YY") || has("yy"):
			num(tm.Year()%100, 2)
		case has("Y") || has("y"):
			num(tm.Year()%10, 1)
		case has("IYYY") || has("iyyy"):
			num(isoYear, 4)
		case has("IYY") || has("iyy"):
			num(isoYear%1000, 3)
		case has("IY") || has("iy"):
			num(isoYear%100, 2)
		case has("ID") || has("id"):
			num((int(tm.Weekday())+6)%7+1, 1)
		case has("IW") || has("iw"):
			_, w := tm.ISOWeek()
			num(w, 2)
		case has("I") || has("i"):
			num(isoYear%10, 1)
		case has("CC") || has("cc"):
			c := (tm.Year() + 99) / 100
			if tm.Year() <= 0 {
				c = -((99 - tm.Year()) / 100)
			}
			num(c, 2)
		case has("WW") || has("ww"):
			num((tm.YearDay()-1)/7+1, 2)
		case has("W") || has("w"):
			num((tm.Day()-1)/7+1, 1)
		case has("J") || has("j"):
			// The Julian day: days since 4714-11-24 BC (1970-01-01 is
			// 2,440,588).
			num(int(floorTo(us, usPerDay)/usPerDay)+2440588, 1)
		case has("SSSSS") || has("sssss") || has("SSSS") || has("ssss"):
			num(tm.Hour()*3600+tm.Minute()*60+tm.Second(), 1)
		case has("TZH") || has("tzh"):
			if tz {
				fmt.Fprintf(&b, "%s%02d", sign, abs(offset)/3600)
			}
		case has("TZM") || has("tzm"):
			if tz {
				fmt.Fprintf(&b, "%02d", abs(offset)%3600/60)
			}
		case has("OF") || has("of"):
			if tz {
				fmt.Fprintf(&b, "%s%02d", sign, abs(offset)/3600)
				if m := abs(offset) % 3600 / 60; m != 0 {
					fmt.Fprintf(&b, ":%02d", m)
				}
			}
		case has("A.D.") || has("B.C."):
			b.WriteString(map[bool]string{true: "B.C.", false: "A.D."}[tm.Year() <= 0])
		case has("a.d.") || has("b.c."):
			b.WriteString(map[bool]string{true: "b.c.", false: "a.d."}[tm.Year() <= 0])
		case has("AD") || has("BC"):
			b.WriteString(map[bool]string{true: "BC", false: "AD"}[tm.Year() <= 0])
		case has("ad") || has("bc"):
			b.WriteString(map[bool]string{true: "bc", false: "ad"}[tm.Year() <= 0])
		case has("A.M.") || has("P.M."):
			b.WriteString(map[bool]string{true: "P.M.", false: "A.M."}[tm.Hour() >= 12])
		case has("a.m.") || has("p.m."):
			b.WriteString(map[bool]string{true: "p.m.", false: "a.m."}[tm.Hour() >= 12])
		case has("HH24") || has("hh24"):
			num(tm.Hour(), 2)
		case has("HH12") || has("hh12") || has("HH") || has("hh"):
			num(hour12, 2)
		case has("MI") || has("mi"):
			num(tm.Minute(), 2)
		case has("SS") || has("ss"):
			num(tm.Second(), 2)
		case has("MS") || has("ms"):
			num(tm.Nanosecond()/1000000, 3)
		case has("US") || has("us"):
			num(tm.Nanosecond()/1000, 6)
		case has("AM") || has("PM"):
			b.WriteString(map[bool]string{true: "PM", false: "AM"}[tm.Hour() >= 12])
		case has("am") || has("pm"):
			b.WriteString(map[bool]string{true: "pm", false: "am"}[tm.Hour() >= 12])
		case has("MONTH"):
			word(strings.ToUpper(monthNames[tm.Month()-1]), 9)
		case has("Month"):
			word(monthNames[tm.Month()-1], 9)
		case has("month"):
			word(strings.ToLower(monthNames[tm.Month()-1]), 9)
		case has("MON"):
			word(strings.ToUpper(monthNames[tm.Month()-1][:3]), 3)
		case has("Mon"):
			word(monthNames[tm.Month()-1][:3], 3)
		case has("mon"):
			word(strings.ToLower(monthNames[tm.Month()-1][:3]), 3)
		case has("MM") || has("mm"):
			num(int(tm.Month()), 2)
		case has("DAY"):
			word(strings.ToUpper(dayNames[tm.Weekday()]), 9)
		case has("Day"):
			word(dayNames[tm.Weekday()], 9)
		case has("day"):
			word(strings.ToLower(dayNames[tm.Weekday()]), 9)
		case has("DY"):
			word(strings.ToUpper(dayNames[tm.Weekday()][:3]), 3)
		case has("Dy"):
			word(dayNames[tm.Weekday()][:3], 3)
		case has("dy"):
			word(strings.ToLower(dayNames[tm.Weekday()][:3]), 3)
		case has("DDD") || has("ddd"):
			num(tm.YearDay(), 3)
		case has("DD") || has("dd"):
			num(tm.Day(), 2)
		case has("D") || has("d"):
			num(int(tm.Weekday())+1, 1)
		case has("Q") || has("q"):
			num((int(tm.Month())-1)/3+1, 1)
		case has("TZ"):
			if tz {
				name, _ := tm.Zone()
				b.WriteString(strings.ToUpper(name))
			}
		case has("tz"):
			if tz {
				name, _ := tm.Zone()
				b.WriteString(strings.ToLower(name))
			}
		default:
			b.WriteByte(f[i])
			i++
		}
	}
	return b.String()
}

func init() {
	T, TS, TSTZ, IV, D := types.Text, types.Timestamp, types.TimestampTZ, types.Interval, types.Date
	nowFn := func(stmt bool) func(*EvalContext, []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			return types.NewTimestampTZ(nowOf(ctx, stmt).UnixMicro()), nil
		}
	}
	for _, n := range []string{"now", "current_timestamp", "transaction_timestamp"} {
		register(n, &overload{ret: TSTZ, volatile: true, ctxFn: nowFn(false)})
	}
	register("statement_timestamp", &overload{ret: TSTZ, volatile: true, ctxFn: nowFn(true)})
	register("clock_timestamp", &overload{ret: TSTZ, volatile: true, fn: func([]types.Datum) (types.Datum, error) {
		return types.NewTimestampTZ(time.Now().UnixMicro()), nil
	}})
	register("timeofday", &overload{ret: T, volatile: true, fn: func([]types.Datum) (types.Datum, error) {
		return text(time.Now().UTC().Format("Mon Jan 02 15:04:05.000000 2006 UTC")), nil
	}})
	for _, t := range []types.Type{TS, TSTZ} {
		t := t
		// A timestamptz is truncated, taken apart and printed on the
		// wall clock of the session time zone (zoneOf; UTC without one).
		local := func(ctx *EvalContext, us int64) int64 {
			if t == TSTZ {
				return types.ToLocal(zoneOf(ctx), us)
			}
			return us
		}
		register("date_trunc", &overload{params: []param{p(T), p(t)}, ret: t, zoneOnly: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			unit, low, err := decodeUnit(a[0].Str(), t)
			if err != nil {
				return types.Null, err
			}
			r, err := truncTS(unit, low, local(ctx, a[1].Micros()), t)
			if err != nil {
				return types.Null, err
			}
			if t == TS {
				return types.NewTimestamp(r), nil
			}
			return types.NewTimestampTZ(types.FromLocal(zoneOf(ctx), r)), nil
		}})
		register("age", &overload{params: []param{p(t), p(t)}, ret: IV, zoneOnly: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			return age(local(ctx, a[0].Micros()), local(ctx, a[1].Micros()))
		}})
		register("age", &overload{params: []param{p(t)}, ret: IV, volatile: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() {
				return types.Null, nil
			}
			// current_date: today in the session time zone.
			today := floorTo(types.ToLocal(zoneOf(ctx), nowOf(ctx, false).UnixMicro()), usPerDay)
			return age(today, local(ctx, a[0].Micros()))
		}})
		register("to_char", &overload{params: []param{p(t), p(T)}, ret: T, zoneOnly: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
			if t == TSTZ {
				zone := zoneOf(ctx)
				if zone == nil {
					zone = time.UTC
				}
				return text(toChar(a[0].Micros(), a[1].Str(), zone)), nil
			}
			return text(toChar(a[0].Micros(), a[1].Str(), nil)), nil
		}})
	}
	// date_trunc(unit, timestamptz, zone) truncates on the wall clock of
	// the named zone instead of the session's.
	register("date_trunc", &overload{params: []param{p(T), p(TSTZ), p(T)}, ret: TSTZ, mk: func([]types.Type) func([]types.Datum) (types.Datum, error) {
		var zones zoneCache
		return func(a []types.Datum) (types.Datum, error) {
			unit, low, err := decodeUnit(a[0].Str(), TSTZ)
			if err != nil {
				return types.Null, err
			}
			loc, err := zones.get(a[2].Str())
			if err != nil {
				return types.Null, err
			}
			r, err := truncTS(unit, low, types.ToLocal(loc, a[1].Micros()), TSTZ)
			if err != nil {
				return types.Null, err
			}
			return types.NewTimestampTZ(types.FromLocal(loc, r)), nil
		}
	}})
	register("date_trunc", &overload{params: []param{p(T), p(IV)}, ret: IV, fn: func(a []types.Datum) (types.Datum, error) {
		unit, low, err := decodeUnit(a[0].Str(), IV)
		if err != nil {
			return types.Null, err
		}
		iv, err := truncInterval(unit, low, a[1].Interval())
		if err != nil {
			return types.Null, err
		}
		return types.NewInterval(iv), nil
	}})
	for _, t := range []types.Type{D, types.Time, TS, TSTZ, IV} {
		register("extract", &overload{params: []param{p(T), p(t)}, ret: types.Decimal, zoneOnly: true, ctxFn: extractFn(t, false)})
		register("date_part", &overload{params: []param{p(T), p(t)}, ret: types.Float8, zoneOnly: true, ctxFn: extractFn(t, true)})
	}
	I4 := types.Int4
	register("make_date", &overload{params: []param{p(I4), p(I4), p(I4)}, ret: D, fn: func(a []types.Datum) (types.Datum, error) {
		days, err := makeDate(a[0].Int(), a[1].Int(), a[2].Int())
		if err != nil {
			return types.Null, err
		}
		return types.NewDate(int32(days)), nil
	}})
	register("make_timestamp", &overload{params: []param{p(I4), p(I4), p(I4), p(I4), p(I4), p(types.Float8)}, ret: TS, fn: makeTimestamp})
}

// makeTimestamp is make_timestamp(year, month, mday, hour, min, sec).
func makeTimestamp(a []types.Datum) (types.Datum, error) {
	days, err := makeDate(a[0].Int(), a[1].Int(), a[2].Int())
	if err != nil {
		return types.Null, err
	}
	us, err := timeOfDay(a[3].Int(), a[4].Int(), a[5].Float())
	if err != nil {
		return types.Null, err
	}
	return types.NewTimestamp(days*usPerDay + us), nil
}

// timeOfDay is the microseconds since midnight of hour h, minute mi and
// second sec, as make_time and make_timestamp check them (24:00:00 is
// the day's end).
func timeOfDay(h, mi int64, sec float64) (int64, error) {
	us := math.Round(sec * 1e6)
	if h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || us > 60e6 || math.IsNaN(sec) ||
		h == 24 && (mi > 0 || us > 0) {
		return 0, sqlerr.New(sqlerr.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, mi,
			zeroPadSeconds(sec))
	}
	return (h*60+mi)*60000000 + int64(us), nil
}

func init() {
	TS, TSTZ, D := types.Timestamp, types.TimestampTZ, types.Date
	register("to_timestamp", &overload{params: []param{p(types.Float8)}, ret: TSTZ, fn: func(a []types.Datum) (types.Datum, error) {
		x := a[0].Float()
		switch {
		case math.IsNaN(x):
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "timestamp cannot be NaN")
		case math.IsInf(x, 1):
			return types.NewTimestampTZ(types.TimestampPosInfinity), nil
		case math.IsInf(x, -1):
			return types.NewTimestampTZ(types.TimestampNegInfinity), nil
		}
		us := math.Round(x * 1e6)
		// PostgreSQL's range: 4714-11-24 BC .. 294277-01-01.
		if us < -210866803200e6 || us >= 9224318016000e6 {
			return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", strconv.FormatFloat(x, 'g', -1, 64))
		}
		return types.NewTimestampTZ(int64(us)), nil
	}})
	register("isfinite", &overload{params: []param{p(TS)}, ret: types.Bool, fn: func(a []types.Datum) (types.Datum, error) {
		return types.NewBool(!isInfTS(a[0].Micros())), nil
	}})
	register("isfinite", &overload{params: []param{p(D)}, ret: types.Bool, fn: func(a []types.Datum) (types.Datum, error) {
		d := a[0].Date()
		return types.NewBool(d != types.DateNegInfinity && d != types.DatePosInfinity), nil
	}})
}
