package builtins

import (
	"math"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// to_date(text, format) and to_timestamp(text, format): the text read by
// a to_char template (PostgreSQL's section 9.8). The fields read: YYYY
// (and YYY, YY, Y, with PostgreSQL's century rule for two digits), MM,
// DD, DDD (day of year), HH24, HH12 and HH, MI, SS, MS, US, FF1-FF6, AM
// PM A.M. P.M., Mon Month (names, any case), Dy Day (skipped), TZH TZM
// (an offset), "quoted text" and the FM and TM prefixes. As PostgreSQL
// does without FX: blank space in the input is skipped before a field, a
// separator in the template (a space or any character that is not a
// letter or digit) matches one separator in the input or nothing, and a
// field reads up to its width in digits or the next non-digit. A field
// out of range (month 13, February 30th) is 22008; a field that is not a
// number 22007.

// parsedTime is what a template read.
type parsedTime struct {
	year, month, day, yday int64
	hour, min, sec, usec   int64
	pm, hasAMPM, hasYear   bool
	hasMonth, hasDay, h12  bool
	tzOff                  int64 // seconds east
	hasTZ                  bool
}

// fmtField is a template pattern: its name and how many digits it reads.
type fmtField struct {
	name  string
	width int
}

// fmtFields are the numeric fields, longest name first where one name
// starts another (YYYY before YY, HH24 before HH, MS before M...).
var fmtFields = []fmtField{
	{"YYYY", 4}, {"YYY", 3}, {"YY", 2}, {"Y", 1},
	{"HH24", 2}, {"HH12", 2}, {"HH", 2},
	{"MI", 2}, {"MM", 2}, {"MS", 3}, {"SS", 2}, {"US", 6},
	{"DDD", 3}, {"DD", 2},
	{"FF1", 1}, {"FF2", 2}, {"FF3", 3}, {"FF4", 4}, {"FF5", 5}, {"FF6", 6},
	{"TZH", 3}, {"TZM", 2},
}

func isSeparator(c byte) bool {
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

func fmtValueError(v, field string) error {
	return sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid value %q for %q", v, field).
		WithDetail("Value must be an integer.")
}

// parseFormatted reads s by the template f.
func parseFormatted(s, f string) (parsedTime, error) {
	var p parsedTime
	i := 0 // position in s
	skipSpace := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	for j := 0; j < len(f); {
		rest := f[j:]
		up := asciiUpper(rest[:min(len(rest), 8)]) // patterns are at most 5 bytes
		// Prefixes that change nothing here.
		if strings.HasPrefix(up, "FM") || strings.HasPrefix(up, "TM") || strings.HasPrefix(up, "FX") {
			j += 2
			continue
		}
		if rest[0] == '"' {
			k := strings.IndexByte(rest[1:], '"')
			lit := rest[1:]
			if k >= 0 {
				lit = rest[1 : 1+k]
				j += k + 2
			} else {
				j = len(f)
			}
			i = min(len(s), i+len(lit)) // skips as many characters
			continue
		}
		if ampm := matchAMPM(up); ampm != "" {
			skipSpace()
			in := asciiUpper(s[i:min(len(s), i+4)])
			switch {
			case strings.HasPrefix(in, "A.M.") || strings.HasPrefix(in, "P.M."):
				p.pm = in[0] == 'P'
				i += 4
			case strings.HasPrefix(in, "AM") || strings.HasPrefix(in, "PM"):
				p.pm = in[0] == 'P'
				i += 2
			default:
				return p, sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid value %q for %q", prefixOf(s[i:], 4), ampm).
					WithDetail("The given value did not match any of the allowed values for this field.")
			}
			p.hasAMPM = true
			j += len(ampm)
			continue
		}
		if name, names := nameField(up); name != "" {
			skipSpace()
			in := strings.ToLower(s[i:min(len(s), i+len("september"))]) // the longest name
			found := -1
			for k, n := range names {
				n = strings.ToLower(n)
				full := strings.HasPrefix(name, "MONTH") || strings.HasPrefix(name, "DAY")
				if full && strings.HasPrefix(in, n) {
					found, i = k, i+len(n)
					break
				}
				if !full && strings.HasPrefix(in, n[:3]) {
					found, i = k, i+3
					break
				}
			}
			if found < 0 {
				return p, sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid value %q for %q", prefixOf(s[i:], 3), rest[:len(name)]).
					WithDetail("The given value did not match any of the allowed values for this field.")
			}
			if names[0] == "January" {
				p.month, p.hasMonth = int64(found+1), true
			}
			j += len(name)
			continue
		}
		var fld *fmtField
		for k := range fmtFields {
			if strings.HasPrefix(up, fmtFields[k].name) {
				fld = &fmtFields[k]
				break
			}
		}
		if fld == nil {
			c := f[j]
			j++
			if isSeparator(c) {
				// Matches one separator in the input, or nothing.
				if i < len(s) && isSeparator(s[i]) {
					i++
				}
				continue
			}
			if i < len(s) {
				i++ // any other template character skips one input character
			}
			continue
		}
		j += len(fld.name)
		skipSpace()
		start := i
		if (fld.name == "TZH" || fld.name == "YYYY") && i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		digits := i
		width := fld.width
		if fld.name == "YYYY" && (j == len(f) || isSeparator(f[j])) {
			width = 7 // years past 9999 read on, up to a separator
		}
		for i < len(s) && i-digits < width && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == digits {
			if start == len(s) {
				return p, sqlerr.New(sqlerr.InvalidDatetimeFormat, "source string too short for %q formatting field", fld.name).
					WithDetail("Field requires %d characters, but only 0 remain.", fld.width)
			}
			return p, fmtValueError(prefixOf(s[start:], fld.width), fld.name)
		}
		v, err := strconv.ParseInt(s[start:i], 10, 64)
		if err != nil {
			return p, fmtValueError(s[start:i], fld.name)
		}
		n := int64(i - digits)
		switch fld.name {
		case "YYYY":
			p.year, p.hasYear = v, true
		case "YYY", "YY", "Y":
			p.year, p.hasYear = adjustYear(v, n), true
		case "MM":
			p.month, p.hasMonth = v, true
		case "DD":
			p.day, p.hasDay = v, true
		case "DDD":
			p.yday = v
		case "HH24":
			p.hour = v
		case "HH12", "HH":
			p.hour, p.h12 = v, true
		case "MI":
			p.min = v
		case "SS":
			p.sec = v
		case "MS":
			p.usec = v * int64(math.Pow10(3-int(n))) * 1000
		case "US":
			p.usec = v * int64(math.Pow10(6-int(n)))
		default:
			switch {
			case strings.HasPrefix(fld.name, "FF"):
				p.usec = v * int64(math.Pow10(6-int(n)))
			case fld.name == "TZH":
				p.tzOff, p.hasTZ = v*3600, true
			case fld.name == "TZM":
				m := v * 60
				if p.tzOff < 0 || start > 0 && s[start-1] == '-' && p.tzOff == 0 {
					m = -m
				}
				p.tzOff += m
				p.hasTZ = true
			}
		}
	}
	return p, nil
}

// adjustYear is PostgreSQL's rule for years written with fewer than four
// digits: two digits are 1970-2069, three 1100-2099, one 2000-2009.
func adjustYear(v, digits int64) int64 {
	switch digits {
	case 1:
		return 2000 + v
	case 2:
		if v < 70 {
			return 2000 + v
		}
		return 1900 + v
	case 3:
		if v < 100 {
			return 2000 + v
		}
		return 1000 + v
	}
	return v
}

func matchAMPM(up string) string {
	for _, m := range []string{"A.M.", "P.M.", "AM", "PM"} {
		if strings.HasPrefix(up, m) {
			return m
		}
	}
	return ""
}

// nameField matches a month or day name pattern: its template name and
// the names it reads.
func nameField(up string) (string, []string) {
	for _, n := range []string{"MONTH", "MON", "DAY", "DY"} {
		if strings.HasPrefix(up, n) {
			if n[0] == 'M' {
				return n, monthNames
			}
			return n, dayNames
		}
	}
	return "", nil
}

func prefixOf(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// localMicros is the wall-clock time p describes, as a timestamp's
// microseconds; 22008 for a field out of range.
func (p parsedTime) localMicros(s string) (int64, error) {
	y, m, d := int64(1), int64(1), int64(1)
	if p.hasYear {
		y = p.year
	}
	if p.hasMonth {
		m = p.month
	}
	if p.hasDay {
		d = p.day
	}
	outOfRange := func() error {
		return sqlerr.New(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s)
	}
	var days int64
	var err error
	if p.yday > 0 && !p.hasMonth && !p.hasDay {
		if days, err = makeDate(y, 1, 1); err != nil {
			return 0, outOfRange()
		}
		if p.yday > 366 || p.yday > 365 && leap(int(y)) == 0 {
			return 0, outOfRange()
		}
		days += p.yday - 1
	} else if days, err = makeDate(y, m, d); err != nil {
		return 0, outOfRange()
	}
	h := p.hour
	if p.h12 || p.hasAMPM {
		if h < 1 || h > 12 {
			return 0, sqlerr.New(sqlerr.InvalidDatetimeFormat, "hour \"%d\" is invalid for the 12-hour clock", h).
				WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
		}
		h %= 12
		if p.pm {
			h += 12
		}
	}
	if h > 24 || p.min > 59 || p.sec > 60 || h == 24 && (p.min > 0 || p.sec > 0 || p.usec > 0) {
		return 0, outOfRange()
	}
	return days*usPerDay + ((h*60+p.min)*60+p.sec)*1000000 + p.usec, nil
}

func init() {
	T := types.Text
	register("to_date", &overload{params: []param{p(T), p(T)}, ret: types.Date, fn: func(a []types.Datum) (types.Datum, error) {
		pt, err := parseFormatted(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		pt.hour, pt.min, pt.sec, pt.usec, pt.h12, pt.hasAMPM = 0, 0, 0, 0, false, false
		us, err := pt.localMicros(a[0].Str())
		if err != nil {
			return types.Null, err
		}
		return types.NewDate(int32(floorTo(us, usPerDay) / usPerDay)), nil
	}})
	// to_timestamp(text, text) reads a wall-clock time in the session time
	// zone, unless the template reads an offset (TZH, TZM).
	register("to_timestamp", &overload{params: []param{p(T), p(T)}, ret: types.TimestampTZ, zoneOnly: true, ctxFn: func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		pt, err := parseFormatted(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		us, err := pt.localMicros(a[0].Str())
		if err != nil {
			return types.Null, err
		}
		if pt.hasTZ {
			return types.NewTimestampTZ(us - pt.tzOff*1000000), nil
		}
		return types.NewTimestampTZ(types.FromLocal(zoneOf(ctx), us)), nil
	}})
}

// justify_days, justify_hours and justify_interval: 30-day months and
// 24-hour days, the signs of the parts made to agree (interval.c).
func justifyHours(iv types.IntervalValue) types.IntervalValue {
	whole := iv.Micros / usPerDay
	iv.Micros -= whole * usPerDay
	iv.Days += int32(whole)
	return daySigns(iv)
}

// daySigns gives the days and the time the same sign, moving a day.
func daySigns(iv types.IntervalValue) types.IntervalValue {
	if iv.Days > 0 && iv.Micros < 0 {
		iv.Micros += usPerDay
		iv.Days--
	} else if iv.Days < 0 && iv.Micros > 0 {
		iv.Micros -= usPerDay
		iv.Days++
	}
	return iv
}

func justifyDays(iv types.IntervalValue) types.IntervalValue {
	whole := iv.Days / 30
	iv.Days -= whole * 30
	iv.Months += whole
	if iv.Months > 0 && iv.Days < 0 {
		iv.Days += 30
		iv.Months--
	} else if iv.Months < 0 && iv.Days > 0 {
		iv.Days -= 30
		iv.Months++
	}
	return iv
}

func justifyInterval(iv types.IntervalValue) types.IntervalValue {
	if iv.Days > 0 && iv.Micros > 0 || iv.Days < 0 && iv.Micros < 0 {
		whole := iv.Days / 30
		iv.Days -= whole * 30
		iv.Months += whole
	}
	whole := iv.Micros / usPerDay
	iv.Micros -= whole * usPerDay
	iv.Days += int32(whole)
	wm := iv.Days / 30
	iv.Days -= wm * 30
	iv.Months += wm
	if iv.Months > 0 && (iv.Days < 0 || iv.Days == 0 && iv.Micros < 0) {
		iv.Days += 30
		iv.Months--
	} else if iv.Months < 0 && (iv.Days > 0 || iv.Days == 0 && iv.Micros > 0) {
		iv.Days -= 30
		iv.Months++
	}
	return daySigns(iv)
}

// dateBin is date_bin(stride, source, origin): the start of the stride-
// long bin, counted from origin, that holds source.
func dateBin(stride types.IntervalValue, source, origin int64) (int64, error) {
	if stride.Months != 0 {
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	step := int64(stride.Days)*usPerDay + stride.Micros
	if step <= 0 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "stride must be greater than zero")
	}
	if isInfTS(source) || isInfTS(origin) {
		return 0, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
	}
	diff := source - origin
	if (diff > 0) != (source > origin) { // overflowed
		return 0, sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
	}
	return origin + floorTo(diff, step), nil
}

func init() {
	IV, TS, TSTZ, I4, F8, T := types.Interval, types.Timestamp, types.TimestampTZ, types.Int4, types.Float8, types.Text
	for name, f := range map[string]func(types.IntervalValue) types.IntervalValue{
		"justify_days": justifyDays, "justify_hours": justifyHours, "justify_interval": justifyInterval,
	} {
		register(name, &overload{params: []param{p(IV)}, ret: IV, fn: func(a []types.Datum) (types.Datum, error) {
			return types.NewInterval(f(a[0].Interval())), nil
		}})
	}
	for _, t := range []types.Type{TS, TSTZ} {
		register("date_bin", &overload{params: []param{p(IV), p(t), p(t)}, ret: t, fn: func(a []types.Datum) (types.Datum, error) {
			r, err := dateBin(a[0].Interval(), a[1].Micros(), a[2].Micros())
			if err != nil {
				return types.Null, err
			}
			if t == TS {
				return types.NewTimestamp(r), nil
			}
			return types.NewTimestampTZ(r), nil
		}})
	}
	// make_timestamptz: the wall-clock time in the given zone, or the
	// session's.
	mk := func(ctx *EvalContext, a []types.Datum) (types.Datum, error) {
		ts, err := makeTimestamp(a[:6])
		if err != nil {
			return types.Null, err
		}
		zone := zoneOf(ctx)
		if len(a) == 7 {
			loc, ok := LoadZone(a[6].Str())
			if !ok {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "time zone %q not recognized", a[6].Str())
			}
			zone = loc
		}
		return types.NewTimestampTZ(types.FromLocal(zone, ts.Micros())), nil
	}
	// make_interval(years, months, weeks, days, hours, mins, secs); the
	// binder fills in named and missing arguments (0).
	register("make_interval", &overload{params: []param{p(I4), p(I4), p(I4), p(I4), p(I4), p(I4), p(F8)}, ret: IV, fn: func(a []types.Datum) (types.Datum, error) {
		months := a[0].Int()*12 + a[1].Int()
		days := a[2].Int()*7 + a[3].Int()
		secs := a[6].Float()
		us := float64(a[4].Int()*3600+a[5].Int()*60)*1e6 + math.Round(secs*1e6)
		if months > math.MaxInt32 || months < math.MinInt32 || days > math.MaxInt32 || days < math.MinInt32 ||
			math.IsNaN(us) || math.IsInf(us, 0) || math.Abs(us) > 9.2e18 {
			return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
		}
		return types.NewInterval(types.IntervalValue{Months: int32(months), Days: int32(days), Micros: int64(us)}), nil
	}})
	six := []param{p(I4), p(I4), p(I4), p(I4), p(I4), p(F8)}
	register("make_timestamptz", &overload{params: six, ret: TSTZ, zoneOnly: true, ctxFn: mk})
	register("make_timestamptz", &overload{params: append(six[:6:6], p(T)), ret: TSTZ, zoneOnly: true, ctxFn: mk})
}
