package slt

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RecordKind is the kind of a script record.
type RecordKind int

const (
	StatementOK RecordKind = iota
	StatementError
	Query
	HashThreshold
	Halt
)

// Record is one record of a script.
type Record struct {
	Kind RecordKind
	Line int // 1-based line of the record's first line (after conditions)
	SQL  string
	// Conditions are the skipif/onlyif lines before the record.
	Conditions []Condition
	// For queries:
	Types    string // one letter per column: I, R, T
	Sort     string // nosort, rowsort, valuesort
	Label    string
	Expected []string // values, one per line; or the one hash line
	// For hash-threshold:
	Threshold int
}

// Condition is a skipif or onlyif line.
type Condition struct {
	Only   bool // onlyif (true) or skipif (false)
	Engine string
}

// Applies reports whether a record with these conditions runs on engine.
func Applies(conds []Condition, engine string) bool {
	for _, c := range conds {
		if c.Only && c.Engine != engine {
			return false
		}
		if !c.Only && c.Engine == engine {
			return false
		}
	}
	return true
}

// Parse reads a script. Lines may end in CRLF.
func Parse(r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var recs []Record
	var conds []Condition
	lineNo := 0
	next := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		lineNo++
		return strings.TrimRight(sc.Text(), "\r"), true
	}
	// block reads lines up to a blank line or EOF; stopAt ends early at a
	// line equal to it (and reports so).
	block := func(stopAt string) (lines []string, stopped bool) {
		for {
			l, ok := next()
			if !ok || strings.TrimSpace(l) == "" {
				return lines, false
			}
			if stopAt != "" && l == stopAt {
				return lines, true
			}
			lines = append(lines, l)
		}
	}
	for {
		l, ok := next()
		if !ok {
			break
		}
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Fields(t)
		start := lineNo
		switch f[0] {
		case "skipif", "onlyif":
			if len(f) < 2 {
				return nil, fmt.Errorf("line %d: %s without an engine", lineNo, f[0])
			}
			conds = append(conds, Condition{Only: f[0] == "onlyif", Engine: f[1]})
			continue
		case "halt":
			recs = append(recs, Record{Kind: Halt, Line: start, Conditions: conds})
		case "hash-threshold":
			if len(f) < 2 {
				return nil, fmt.Errorf("line %d: hash-threshold without a number", lineNo)
			}
			n, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("line %d: hash-threshold %q: %w", lineNo, f[1], err)
			}
			recs = append(recs, Record{Kind: HashThreshold, Line: start, Threshold: n, Conditions: conds})
		case "statement":
			if len(f) < 2 || (f[1] != "ok" && f[1] != "error") {
				return nil, fmt.Errorf("line %d: bad statement line %q", lineNo, t)
			}
			kind := StatementOK
			if f[1] == "error" {
				kind = StatementError
			}
			lines, _ := block("")
			recs = append(recs, Record{Kind: kind, Line: start, SQL: strings.Join(lines, "\n"), Conditions: conds})
		case "query":
			rec := Record{Kind: Query, Line: start, Conditions: conds, Sort: "nosort"}
			if len(f) > 1 {
				rec.Types = f[1]
			}
			if len(f) > 2 {
				rec.Sort = f[2]
			}
			if len(f) > 3 {
				rec.Label = f[3]
			}
			lines, sep := block("----")
			rec.SQL = strings.Join(lines, "\n")
			if sep {
				rec.Expected, _ = block("")
				if rec.Expected == nil {
					rec.Expected = []string{}
				}
			}
			recs = append(recs, rec)
		default:
			return nil, fmt.Errorf("line %d: unknown record %q", lineNo, t)
		}
		conds = nil
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return recs, nil
}
