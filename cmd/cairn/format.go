package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/godatum"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// psqlStyle is psql's aligned format: no outer border, " | " between
// columns, "-+-" under the header.
var psqlStyle = func() table.Style {
	st := table.StyleDefault
	st.Name = "psql"
	st.Box.MiddleVertical = "|"
	st.Box.MiddleHorizontal = "-"
	st.Box.MiddleSeparator = "+"
	st.Box.PaddingLeft = " "
	st.Box.PaddingRight = " "
	st.Options = table.Options{SeparateColumns: true, SeparateHeader: true}
	st.Format = table.FormatOptions{Header: text.FormatDefault, HeaderAlign: text.AlignLeft, Row: text.FormatDefault}
	return st
}()

// renderTable renders rows as psql's aligned format (without the row
// count): a centered header, a separator line, then the rows, numbers
// right-aligned. As psql does, data lines carry no trailing padding.
func renderTable(header []string, numeric []bool, rows [][]string) string {
	t := table.NewWriter()
	t.SetStyle(psqlStyle)
	// Center headers as psql does (odd padding goes right, where
	// go-pretty would put it left): pad them to the column width here.
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = cellWidth(h)
	}
	for _, r := range rows {
		for i, v := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], cellWidth(v))
			}
		}
	}
	hr := make(table.Row, len(header))
	for i, h := range header {
		pad := widths[i] - text.StringWidth(h)
		hr[i] = strings.Repeat(" ", pad/2) + h + strings.Repeat(" ", pad-pad/2)
	}
	t.AppendHeader(hr)
	for _, r := range rows {
		tr := make(table.Row, len(r))
		for i, v := range r {
			tr[i] = v
		}
		t.AppendRow(tr)
	}
	cfg := make([]table.ColumnConfig, len(header))
	for i := range header {
		cfg[i] = table.ColumnConfig{Number: i + 1, AlignHeader: text.AlignLeft, Align: text.AlignLeft}
		if numeric[i] {
			cfg[i].Align = text.AlignRight
		}
	}
	t.SetColumnConfigs(cfg)
	out := t.Render()
	if len(header) == 0 {
		// psql prints a bare separator for a result without columns.
		return "--\n" + strings.Repeat("\n", len(rows))
	}
	lines := strings.Split(out, "\n")
	for i := 2; i < len(lines); i++ {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// cellWidth is the display width of a cell's widest line.
func cellWidth(s string) int {
	w := 0
	for _, line := range strings.Split(s, "\n") {
		w = max(w, text.StringWidth(line))
	}
	return w
}

// rowCount is psql's footer.
func rowCount(n int) string {
	if n == 1 {
		return "(1 row)\n"
	}
	return fmt.Sprintf("(%d rows)\n", n)
}

// formatResult renders a result with columns as psql does, NULL shown as
// null.
func formatResult(r engine.Result, null string, zone *time.Location) string {
	header := make([]string, len(r.Columns))
	numeric := make([]bool, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = c.Name
		numeric[i] = godatum.IsNumber(c.Type)
	}
	rows := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		rows[i] = make([]string, len(row))
		for j, d := range row {
			rows[i][j] = cellText(d, null, zone)
		}
	}
	return renderTable(header, numeric, rows) + rowCount(len(rows))
}

// cellText is a value as the shell shows it, a timestamptz in the
// session time zone zone.
func cellText(d types.Datum, null string, zone *time.Location) string {
	if d.IsNull() {
		return null
	}
	return types.FormatTextIn(d, zone)
}

// centered centers title over a block of the given width, as psql does
// for \d titles.
func centered(title string, width int) string {
	pad := (width - text.StringWidth(title)) / 2
	if pad < 0 {
		pad = 0
	}
	return strings.Repeat(" ", pad) + title
}

// writeError prints err as psql does:
//
//	ERROR:  message
//	LINE 1: SELECT * FROM nope
//	                      ^
//	DETAIL:  ...
//	HINT:  ...
//
// prefix goes before ERROR (the script location in script mode).
func writeError(w io.Writer, prefix string, err error, stmt string) {
	se, ok := err.(*sqlerr.Error)
	if !ok {
		fmt.Fprintf(w, "%sERROR:  %v\n", prefix, err)
		return
	}
	fmt.Fprintf(w, "%sERROR:  %s\n", prefix, se.Message)
	if se.Position > 0 && stmt != "" {
		fmt.Fprint(w, errorCursor(stmt, se.Position))
	}
	if se.Detail != "" && se.Code != sqlerr.InternalError {
		fmt.Fprintf(w, "DETAIL:  %s\n", se.Detail)
	}
	if se.Hint != "" {
		fmt.Fprintf(w, "HINT:  %s\n", se.Hint)
	}
}

// errorCursor returns the "LINE n: ..." line and the caret line for a
// 1-based character position in stmt, following psql's
// reportErrorPosition: lines wider than 60 columns are cut with "..."
// around the caret.
func errorCursor(stmt string, pos int) string {
	const displaySize, minRightCut = 60, 10
	runes := []rune(stmt)
	loc := min(pos-1, len(runes)) // 0-based rune index of the caret
	lineNo, lineStart := 1, 0
	for i := 0; i < loc; i++ {
		if runes[i] == '\n' {
			lineNo++
			lineStart = i + 1
		}
	}
	lineEnd := lineStart
	for lineEnd < len(runes) && runes[lineEnd] != '\n' && runes[lineEnd] != '\r' {
		lineEnd++
	}
	line := runes[lineStart:lineEnd]
	for i, r := range line {
		if r == '\t' {
			line[i] = ' '
		}
	}
	width := func(rs []rune) int { return text.StringWidth(string(rs)) }
	caret := loc - lineStart // rune offset of the caret in line
	beg, end := 0, len(line)
	begTrunc, endTrunc := false, false
	if width(line) > displaySize {
		if displaySize >= width(line[:caret])+minRightCut {
			for width(line[beg:end]) > displaySize {
				end--
				endTrunc = true
			}
		} else {
			for end > caret && width(line[caret:end]) > minRightCut {
				end--
				endTrunc = true
			}
			for width(line[beg:end]) > displaySize {
				beg++
				begTrunc = true
			}
		}
	}
	var b strings.Builder
	lead := fmt.Sprintf("LINE %d: ", lineNo)
	b.WriteString(lead)
	if begTrunc {
		b.WriteString("...")
	}
	b.WriteString(string(line[beg:end]))
	if endTrunc {
		b.WriteString("...")
	}
	b.WriteString("\n")
	off := len(lead) + width(line[beg:max(caret, beg)])
	if begTrunc {
		off += 3
	}
	b.WriteString(strings.Repeat(" ", off))
	b.WriteString("^\n")
	return b.String()
}
