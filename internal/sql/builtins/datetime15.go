package builtins

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// make_time, isfinite of a timestamptz or an interval, and OVERLAPS
// (which the parser writes as overlaps(s1, e1, s2, e2)).
func init() {
	I4, F8, B := types.Int4, types.Float8, types.Bool
	TS, TSTZ, TM, IV := types.Timestamp, types.TimestampTZ, types.Time, types.Interval
	register("make_time", &overload{params: []param{p(I4), p(I4), p(F8)}, ret: TM, fn: func(a []types.Datum) (types.Datum, error) {
		us, err := timeOfDay(a[0].Int(), a[1].Int(), a[2].Float())
		if err != nil {
			return types.Null, err
		}
		return types.NewTime(us), nil
	}})
	register("to_char", &overload{params: []param{p(IV), p(types.Text)}, ret: types.Text, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := toCharInterval(a[0].Interval(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return text(s), nil
	}})
	register("isfinite", &overload{params: []param{p(TSTZ)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
		return types.NewBool(!isInfTS(a[0].Micros())), nil
	}})
	register("isfinite", &overload{params: []param{p(IV)}, ret: B, fn: func([]types.Datum) (types.Datum, error) {
		return types.NewBool(true), nil // PostgreSQL 15 has no infinite intervals
	}})
	// (s1, e1) OVERLAPS (s2, e2): each period is [start, end) (an instant
	// when they are equal), its bounds in either order; a NULL bound
	// gives NULL unless the others decide, as PostgreSQL's
	// overlaps_timestamp. An end may be given as a length (an interval).
	for _, t := range []types.Type{TS, TSTZ, TM} {
		register("overlaps", &overload{params: []param{p(t), p(t), p(t), p(t)}, ret: B, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
			return overlaps(a[0], a[1], a[2], a[3]), nil
		}})
		plus, _, err := types.BinaryOpFunc(types.OpAdd, t, IV)
		if err != nil {
			panic(err)
		}
		end := func(s, l types.Datum) (types.Datum, error) {
			if s.IsNull() || l.IsNull() {
				return types.Null, nil
			}
			return plus(s, l)
		}
		for _, shape := range [][2]types.Type{{IV, IV}, {IV, t}, {t, IV}} {
			register("overlaps", &overload{params: []param{p(t), p(shape[0]), p(t), p(shape[1])}, ret: B, nonStrct: true, fn: func(a []types.Datum) (types.Datum, error) {
				e1, e2 := a[1], a[3]
				var err error
				if shape[0] == IV {
					if e1, err = end(a[0], a[1]); err != nil {
						return types.Null, err
					}
				}
				if shape[1] == IV {
					if e2, err = end(a[2], a[3]); err != nil {
						return types.Null, err
					}
				}
				return overlaps(a[0], e1, a[2], e2), nil
			}})
		}
	}
}

// zeroPadSeconds prints seconds as make_time's and make_timestamp's
// errors do (C's %02g).
func zeroPadSeconds(sec float64) string {
	s := strconv.FormatFloat(sec, 'g', 6, 64)
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

// overlaps is PostgreSQL's overlaps_timestamp over any ordered type:
// a NULL bound makes the answer NULL unless the others decide it.
func overlaps(s1, e1, s2, e2 types.Datum) types.Datum {
	gt := func(a, b types.Datum) bool { return types.Compare(a, b) > 0 }
	// Each period's start is a non-NULL bound, the lesser if both are;
	// a period with no bound at all makes the answer unknown.
	norm := func(s, e types.Datum) (types.Datum, types.Datum, bool) {
		switch {
		case s.IsNull():
			return e, types.Null, !e.IsNull()
		case !e.IsNull() && gt(s, e):
			return e, s, true
		}
		return s, e, true
	}
	var ok bool
	if s1, e1, ok = norm(s1, e1); !ok {
		return types.Null
	}
	if s2, e2, ok = norm(s2, e2); !ok {
		return types.Null
	}
	// later reports whether the period starting later (at s, the other
	// ending at e; se its own end) starts before the other ends.
	later := func(s, e, se types.Datum) types.Datum {
		switch {
		case e.IsNull():
			return types.Null
		case gt(e, s):
			return types.NewBool(true)
		case se.IsNull():
			return types.Null
		}
		return types.NewBool(false)
	}
	switch {
	case gt(s1, s2):
		return later(s1, e2, e1)
	case gt(s2, s1):
		return later(s2, e1, e2)
	case e1.IsNull() || e2.IsNull():
		return types.Null
	}
	return types.NewBool(true)
}

// toCharInterval is to_char(interval, format): the interval's fields as
// PostgreSQL's interval2tm takes it apart (years and months from its
// months, days as they are, hours past 24), in the numeric patterns; a
// negative field keeps its sign ("-03"). Names of months and days mean
// nothing for an interval and are refused, as PostgreSQL does.
func toCharInterval(iv types.IntervalValue, f string) (string, error) {
	year, mon, day := int(iv.Months/12), int(iv.Months%12), int(iv.Days)
	hour := int(iv.Micros / 3600e6)
	minute := int(iv.Micros / 60e6 % 60)
	sec := int(iv.Micros / 1e6 % 60)
	frac := int(iv.Micros % 1e6)
	var b strings.Builder
	fm := false
	num := func(v, width int) {
		switch {
		case fm:
			b.WriteString(strconv.Itoa(v))
		case v < 0:
			fmt.Fprintf(&b, "%0*d", width+1, v)
		default:
			fmt.Fprintf(&b, "%0*d", width, v)
		}
		fm = false
	}
	hour12 := hour % 12
	if hour12 == 0 {
		hour12 = 12
	}
	for i := 0; i < len(f); {
		rest := f[i:]
		has := func(ps ...string) bool {
			for _, p := range ps {
				if strings.HasPrefix(rest, p) {
					i += len(p)
					return true
				}
			}
			return false
		}
		switch {
		case has("FM", "fm"):
			fm = true
		case has(`"`):
			j := strings.IndexByte(f[i:], '"')
			if j < 0 {
				j = len(f) - i
			}
			b.WriteString(f[i : i+j])
			i = min(i+j+1, len(f))
		case has("MONTH", "Month", "month", "MON", "Mon", "mon", "DAY", "Day", "day", "DY", "Dy", "dy", "RM", "rm"):
			return "", sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid format specification for an interval value").
				WithHint("Intervals are not tied to specific calendar dates.")
		case has("YYYY", "yyyy"):
			num(year, 4)
		case has("YYY", "yyy"):
			num(year%1000, 3)
		case has("YY", "yy"):
			num(year%100, 2)
		case has("Y", "y"):
			num(year%10, 1)
		case has("MM", "mm"):
			num(mon, 2)
		case has("DD", "dd"):
			num(day, 2)
		case has("HH24", "hh24"):
			num(hour, 2)
		case has("HH12", "hh12", "HH", "hh"):
			num(hour12, 2)
		case has("MI", "mi"):
			num(minute, 2)
		case has("SSSSS", "sssss", "SSSS", "ssss"):
			num(hour*3600+minute*60+sec, 1)
		case has("SS", "ss"):
			num(sec, 2)
		case has("MS", "ms"):
			num(frac/1000, 3)
		case has("US", "us"):
			num(frac, 6)
		case has("AM", "PM"):
			b.WriteString(map[bool]string{true: "PM", false: "AM"}[hour%24 >= 12])
		case has("am", "pm"):
			b.WriteString(map[bool]string{true: "pm", false: "am"}[hour%24 >= 12])
		default:
			b.WriteByte(f[i])
			i++
		}
	}
	return b.String(), nil
}
