package parser

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// SQLSTATE codes of the errors this package returns.
const (
	CodeSyntaxError     = "42601"
	CodeStackDepthLimit = "54001"
	CodeProgramLimit    = "54000"
)

// Error is a parse error: a SQLSTATE, a message in PostgreSQL's style and
// the byte offset in the statement text where the problem was found.
type Error struct {
	Code    string
	Message string // e.g. `syntax error at or near "FORM"`
	Pos     int    // byte offset into the text passed to Parse
}

func (e *Error) Error() string { return e.Message }

// SQLState returns the error's SQLSTATE code.
func (e *Error) SQLState() string { return e.Code }

// CharPos returns the 1-based character (not byte) position of the error,
// as PostgreSQL reports it in the P field of an error message.
func (e *Error) CharPos(sql string) int {
	p := e.Pos
	if p > len(sql) {
		p = len(sql)
	}
	if p < 0 {
		p = 0
	}
	return utf8.RuneCountInString(sql[:p]) + 1
}

// Caret renders the line of sql holding the error with a caret under the
// offending position, like psql:
//
//	LINE 1: SELECT * FORM t
//	                 ^
func (e *Error) Caret(sql string) string {
	p := e.Pos
	if p > len(sql) {
		p = len(sql)
	}
	if p < 0 {
		p = 0
	}
	lineStart := strings.LastIndexByte(sql[:p], '\n') + 1
	lineEnd := strings.IndexByte(sql[p:], '\n')
	if lineEnd < 0 {
		lineEnd = len(sql)
	} else {
		lineEnd += p
	}
	lineNo := strings.Count(sql[:lineStart], "\n") + 1
	prefix := "LINE " + strconv.Itoa(lineNo) + ": "
	line := strings.TrimRight(sql[lineStart:lineEnd], "\r")
	col := utf8.RuneCountInString(sql[lineStart:p])
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(strings.ReplaceAll(line, "\t", " "))
	b.WriteByte('\n')
	b.WriteString(strings.Repeat(" ", len(prefix)+col))
	b.WriteByte('^')
	return b.String()
}
