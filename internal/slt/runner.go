package slt

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Engine is what the runner drives. Query returns rows of values, each nil
// (NULL), int64, float64, string, []byte, bool, or anything with a String
// method.
type Engine interface {
	Exec(ctx context.Context, sql string) error
	Query(ctx context.Context, sql string) ([][]any, error)
}

// Result counts records.
type Result struct {
	Passed, Failed, Skipped int
	// Failures describes the first failures (up to MaxFailures).
	Failures []Failure
}

// Failure is one failed record.
type Failure struct {
	File string
	Line int
	SQL  string
	Why  string
}

// MaxFailures bounds the failures a Result keeps.
const MaxFailures = 1000

func (r *Result) add(o Result) {
	r.Passed += o.Passed
	r.Failed += o.Failed
	r.Skipped += o.Skipped
	for _, f := range o.Failures {
		if len(r.Failures) < MaxFailures {
			r.Failures = append(r.Failures, f)
		}
	}
}

// String is the runner's summary line.
func (r Result) String() string {
	return fmt.Sprintf("slt: %d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}

// Runner runs scripts as one engine name (for skipif/onlyif).
type Runner struct {
	EngineName string
	// NewEngine returns a fresh engine for each file; close is called
	// when the file is done.
	NewEngine func() (e Engine, close func(), err error)
}

// RunFile runs one script on a fresh engine.
func (r *Runner) RunFile(ctx context.Context, path string) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, err
	}
	recs, err := Parse(f)
	f.Close()
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", path, err)
	}
	eng, closeEngine, err := r.NewEngine()
	if err != nil {
		return Result{}, err
	}
	defer closeEngine()
	return r.Run(ctx, path, recs, eng), nil
}

// Files expands paths (files and directories, recursively) into the
// script files they name, sorted.
func Files(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".test") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return out, nil
}

// Run runs parsed records on eng.
func (r *Runner) Run(ctx context.Context, file string, recs []Record, eng Engine) Result {
	var res Result
	threshold := 0
	labels := map[string]string{}
	fail := func(rec Record, format string, args ...any) {
		res.Failed++
		if len(res.Failures) < MaxFailures {
			res.Failures = append(res.Failures, Failure{File: file, Line: rec.Line, SQL: rec.SQL, Why: fmt.Sprintf(format, args...)})
		}
	}
	for _, rec := range recs {
		if ctx.Err() != nil {
			break
		}
		if !Applies(rec.Conditions, r.EngineName) {
			if rec.Kind != HashThreshold && rec.Kind != Halt {
				res.Skipped++
			}
			continue
		}
		switch rec.Kind {
		case Halt:
			return res
		case HashThreshold:
			threshold = rec.Threshold
		case StatementOK:
			if err := safeExec(ctx, eng, rec.SQL); err != nil {
				fail(rec, "statement failed: %v", err)
			} else {
				res.Passed++
			}
		case StatementError:
			if err := safeExec(ctx, eng, rec.SQL); err == nil {
				fail(rec, "statement succeeded, expected an error")
			} else {
				res.Passed++
			}
		case Query:
			rows, err := safeQuery(ctx, eng, rec.SQL)
			if err != nil {
				fail(rec, "query failed: %v", err)
				continue
			}
			if why := check(rec, rows, threshold, labels); why != "" {
				fail(rec, "%s", why)
			} else {
				res.Passed++
			}
		}
	}
	return res
}

func safeExec(ctx context.Context, eng Engine, sql string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("engine panic: %v", p)
		}
	}()
	return eng.Exec(ctx, sql)
}

func safeQuery(ctx context.Context, eng Engine, sql string) (rows [][]any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("engine panic: %v", p)
		}
	}()
	return eng.Query(ctx, sql)
}

// check compares a query's rows with its record; "" means they match.
func check(rec Record, rows [][]any, threshold int, labels map[string]string) string {
	ncol := len(rec.Types)
	var vals []string
	for _, row := range rows {
		if ncol > 0 && len(row) != ncol {
			return fmt.Sprintf("%d columns, expected %d", len(row), ncol)
		}
		for i, v := range row {
			typ := byte('T')
			if i < ncol {
				typ = rec.Types[i]
			}
			vals = append(vals, Format(v, typ))
		}
	}
	switch rec.Sort {
	case "rowsort":
		width := max(ncol, 1)
		if len(rows) > 0 {
			width = len(rows[0])
		}
		sortRows(vals, width)
	case "valuesort":
		slices.Sort(vals)
	}
	h := hash(vals)
	if rec.Label != "" {
		if prev, ok := labels[rec.Label]; ok && prev != h {
			return fmt.Sprintf("result differs from earlier queries labelled %s", rec.Label)
		}
		labels[rec.Label] = h
	}
	if rec.Expected == nil {
		return ""
	}
	if len(rec.Expected) == 1 && strings.Contains(rec.Expected[0], " values hashing to ") {
		want := fmt.Sprintf("%d values hashing to %s", len(vals), h)
		if rec.Expected[0] != want {
			return fmt.Sprintf("got %s, expected %s", want, rec.Expected[0])
		}
		return ""
	}
	if threshold > 0 && len(vals) > threshold && len(rec.Expected) != len(vals) {
		return fmt.Sprintf("got %d values hashing to %s, expected %d values", len(vals), h, len(rec.Expected))
	}
	if !slices.Equal(vals, rec.Expected) {
		return fmt.Sprintf("got %s, expected %s", preview(vals), preview(rec.Expected))
	}
	return ""
}

func preview(vals []string) string {
	if len(vals) > 12 {
		return fmt.Sprintf("%q... (%d values)", vals[:12], len(vals))
	}
	return fmt.Sprintf("%q", vals)
}

// sortRows sorts vals as rows of width values, comparing column by column.
func sortRows(vals []string, width int) {
	n := len(vals) / width
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = vals[i*width : (i+1)*width : (i+1)*width]
	}
	slices.SortStableFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
	out := make([]string, 0, len(vals))
	for _, r := range rows {
		out = append(out, r...)
	}
	copy(vals, out)
}

func hash(vals []string) string {
	h := md5.New()
	for _, v := range vals {
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Format renders a value as the reference runner does for a column of
// type letter typ.
func Format(v any, typ byte) string {
	if v == nil {
		return "NULL"
	}
	var s string
	switch typ {
	case 'I':
		s = strconv.FormatInt(toInt(v), 10)
	case 'R':
		s = fmt.Sprintf("%.3f", toFloat(v))
	default:
		s = toText(v)
		if s == "" {
			return "(empty)"
		}
	}
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c > '~' {
			b[i] = '@'
		}
	}
	return string(b)
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		if math.IsNaN(x) {
			return 0
		}
		return int64(x) // truncation, as sqlite3_column_int64
	case bool:
		if x {
			return 1
		}
		return 0
	}
	// Text: its leading integer, as SQLite converts.
	s := strings.TrimSpace(toText(v))
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return int64(f)
	}
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	}
	f, _ := strconv.ParseFloat(strings.TrimSpace(toText(v)), 64)
	return f
}

func toText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'g', 15, 64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
