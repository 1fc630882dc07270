package pgwire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// CopyFormat is COPY's data format: text (tab separated, backslash
// escapes, \N for NULL) or CSV (RFC 4180 quoting, an unquoted empty
// field for NULL).
type CopyFormat struct {
	CSV       bool
	Delimiter byte
	Null      string
	Header    bool
	Quote     byte
	Escape    byte
	// The CSV options per column: FORCE_QUOTE (TO: quote every value),
	// FORCE_NOT_NULL (FROM: the null string is a value, not NULL) and
	// FORCE_NULL (FROM: the null string quoted is NULL too), as the
	// statement names them (force) and, once the columns are known,
	// per column (forced).
	force  map[string]forceList
	forced map[string][]bool
}

// forceList is a FORCE_* option's columns (all: *).
type forceList struct {
	all  bool
	cols []string
}

// resolveForce matches the FORCE_* options' columns to cols, the COPY's
// columns in order (of table, "" for a query's).
func (f *CopyFormat) resolveForce(cols []string, table string) error {
	for name, l := range f.force {
		on := make([]bool, len(cols))
		for i := range on {
			on[i] = l.all
		}
		for _, c := range l.cols {
			i := slices.Index(cols, c)
			switch {
			case i < 0 && table != "":
				return sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", c, table)
			case i < 0:
				return sqlerr.New(sqlerr.InvalidColumnReference, "%s column %q not referenced by COPY", strings.ToUpper(name), c)
			}
			on[i] = true
		}
		if f.forced == nil {
			f.forced = map[string][]bool{}
		}
		f.forced[name] = on
	}
	return nil
}

// isForced reports whether option name holds for column i.
func (f *CopyFormat) isForced(name string, i int) bool {
	on := f.forced[name]
	return i < len(on) && on[i]
}

// copyFormat reads a COPY statement's options.
func copyFormat(c *ast.Copy) (CopyFormat, error) {
	f := CopyFormat{Delimiter: '\t', Null: `\N`, Quote: '"', Escape: '"'}
	var delim, null, quote, escape *string
	for _, o := range c.Options {
		val := ""
		if lit, ok := o.Value.(*ast.Literal); ok {
			val = lit.Val
		} else if o.Value != nil {
			val = ast.Format(o.Value)
		}
		switch strings.ToLower(o.Name) {
		case "format":
			switch strings.ToLower(val) {
			case "text":
			case "csv":
				f.CSV = true
			default:
				return f, sqlerr.New(sqlerr.FeatureNotSupported, "COPY format %q is not supported", val)
			}
		case "delimiter":
			delim = &val
		case "null":
			null = &val
		case "header":
			f.Header = o.Value == nil || val == "" || isTrue(val)
			if strings.EqualFold(val, "match") {
				f.Header = true
			}
		case "quote":
			quote = &val
		case "escape":
			escape = &val
		case "encoding":
			if !strings.EqualFold(strings.ReplaceAll(val, "-", ""), "utf8") {
				return f, sqlerr.New(sqlerr.FeatureNotSupported, "COPY encoding %q is not supported: cairn speaks UTF8", val)
			}
		case "freeze":
			// A hint cairn does not need; accepted.
		case "force_quote", "force_not_null", "force_null":
			var l forceList
			switch v := o.Value.(type) {
			case *ast.Star:
				if o.Name != "force_quote" {
					return f, sqlerr.New(sqlerr.SyntaxError, "%s takes a list of columns", strings.ToUpper(o.Name))
				}
				l.all = true
			case *ast.RowExpr:
				for _, e := range v.Exprs {
					l.cols = append(l.cols, e.(*ast.ColumnRef).Name)
				}
			default:
				return f, sqlerr.New(sqlerr.SyntaxError, "%s takes a list of columns", strings.ToUpper(o.Name))
			}
			if f.force == nil {
				f.force = map[string]forceList{}
			}
			f.force[strings.ToLower(o.Name)] = l
		default:
			return f, sqlerr.New(sqlerr.SyntaxError, "option %q not recognized", o.Name)
		}
	}
	if f.CSV {
		f.Delimiter, f.Null = ',', ""
	}
	single := func(name string, v *string, dst *byte) error {
		if v == nil {
			return nil
		}
		if len(*v) != 1 {
			return sqlerr.New(sqlerr.FeatureNotSupported, "COPY %s must be a single one-byte character", name)
		}
		*dst = (*v)[0]
		return nil
	}
	if err := single("delimiter", delim, &f.Delimiter); err != nil {
		return f, err
	}
	if err := single("quote", quote, &f.Quote); err != nil {
		return f, err
	}
	f.Escape = f.Quote
	if err := single("escape", escape, &f.Escape); err != nil {
		return f, err
	}
	if null != nil {
		f.Null = *null
	}
	if f.Header && !f.CSV {
		return f, sqlerr.New(sqlerr.FeatureNotSupported, "COPY HEADER available only in CSV mode")
	}
	for name := range f.force {
		what := map[string]string{"force_quote": "force quote", "force_not_null": "force not null", "force_null": "force null"}[name]
		switch {
		case !f.CSV:
			return f, sqlerr.New(sqlerr.FeatureNotSupported, "COPY %s available only in CSV mode", what)
		case name == "force_quote" && c.From:
			return f, sqlerr.New(sqlerr.FeatureNotSupported, "COPY %s only available using COPY TO", what)
		case name != "force_quote" && !c.From:
			return f, sqlerr.New(sqlerr.FeatureNotSupported, "COPY %s only available using COPY FROM", what)
		}
	}
	return f, nil
}

func tableSQL(t ast.TableName) string {
	if t.Schema != "" {
		return ast.QuoteIdent(t.Schema) + "." + ast.QuoteIdent(t.Name)
	}
	return ast.QuoteIdent(t.Name)
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "true", "on", "1", "yes":
		return true
	}
	return false
}

// copyColumns returns the columns a COPY moves: those it names, or all
// of the table's visible ones.
func copyColumns(ctx context.Context, sess *engine.Session, c *ast.Copy) ([]engine.Column, error) {
	p, err := sess.Prepare(ctx, "SELECT * FROM "+tableSQL(c.Table)+" LIMIT 0", nil)
	if err != nil {
		return nil, err
	}
	all := p.Columns()
	if len(c.Columns) == 0 {
		return all, nil
	}
	out := make([]engine.Column, 0, len(c.Columns))
	for _, name := range c.Columns {
		found := false
		for _, col := range all {
			if col.Name == name {
				out = append(out, col)
				found = true
				break
			}
		}
		if !found {
			return nil, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", name, c.Table.Name)
		}
	}
	return out, nil
}

// copyBatchRows is how many rows one INSERT of a COPY FROM carries: big
// enough that a statement's fixed cost is spread thin, small enough to
// keep under the protocol's 65535 parameters for wide tables.
const copyBatchRows = 1000

// CopyFrom runs COPY ... FROM STDIN, reading rows from r in format f and
// inserting them through the session in batches of multi-row INSERTs.
// It runs in the session's transaction, or in one of its own, so a COPY
// loads all its rows or none. progress, if not nil, is called with the
// input bytes consumed and the rows read so far.
func CopyFrom(ctx context.Context, sess *engine.Session, c *ast.Copy, r io.Reader, progress func(bytes, rows int64)) (int64, error) {
	f, cols, err := copyFromSetup(ctx, sess, c)
	if err != nil {
		return 0, err
	}
	own := sess.TxStatus() == engine.TxIdle
	if own {
		if _, err := sess.Execute(ctx, "BEGIN", nil); err != nil {
			return 0, err
		}
	}
	src := newCopySource(r, f)
	n, _, err := copyFrom(ctx, sess, c, f, cols, src, 0, progress)
	if own {
		end := "COMMIT"
		if err != nil {
			end = "ROLLBACK"
		}
		if _, cerr := sess.Execute(ctx, end, nil); cerr != nil && err == nil {
			err = cerr
		}
	}
	return n, err
}

// CopyFromBatches is CopyFrom committing every batchRows rows in a
// transaction of its own (the session must be idle): a bad row stops the
// load, and the rows of the batches before it stay. It returns the rows
// committed.
func CopyFromBatches(ctx context.Context, sess *engine.Session, c *ast.Copy, r io.Reader, batchRows int64, progress func(bytes, rows int64)) (int64, error) {
	if sess.TxStatus() != engine.TxIdle {
		return 0, fmt.Errorf("pgwire: CopyFromBatches needs an idle session")
	}
	f, cols, err := copyFromSetup(ctx, sess, c)
	if err != nil {
		return 0, err
	}
	src := newCopySource(r, f)
	var committed int64
	for {
		if _, err := sess.Execute(ctx, "BEGIN", nil); err != nil {
			return committed, err
		}
		n, eof, err := copyFrom(ctx, sess, c, f, cols, src, batchRows, progress)
		if err != nil {
			sess.Execute(ctx, "ROLLBACK", nil)
			return committed, err
		}
		if _, err := sess.Execute(ctx, "COMMIT", nil); err != nil {
			return committed, err
		}
		committed += n
		if eof {
			return committed, nil
		}
	}
}

// copyFromSetup checks a COPY FROM and returns its format and columns.
func copyFromSetup(ctx context.Context, sess *engine.Session, c *ast.Copy) (CopyFormat, []engine.Column, error) {
	if c.File != "" {
		return CopyFormat{}, nil, errCopyFile()
	}
	f, err := copyFormat(c)
	if err != nil {
		return CopyFormat{}, nil, err
	}
	cols, err := copyColumns(ctx, sess, c)
	if err != nil {
		return f, nil, err
	}
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.Name
	}
	return f, cols, f.resolveForce(names, c.Table.Name)
}

// copySource is COPY's input: the reader, and the line reached.
type copySource struct {
	cr       *countingReader
	br       *bufio.Reader
	line     int
	rows     int64 // rows read in earlier calls
	header   bool  // a header line is still to be skipped
	finished bool  // the end of the data was reached
}

func newCopySource(r io.Reader, f CopyFormat) *copySource {
	cr := &countingReader{r: r}
	return &copySource{cr: cr, br: bufio.NewReaderSize(cr, 64<<10), header: f.Header}
}

// copyFrom inserts the rows of src, at most limit of them (0: all), and
// reports whether it reached the end of the data.
func copyFrom(ctx context.Context, sess *engine.Session, c *ast.Copy, f CopyFormat, cols []engine.Column, src *copySource, limit int64, progress func(bytes, rows int64)) (int64, bool, error) {
	batch := max(1, min(copyBatchRows, 65535/max(len(cols), 1)))
	paramTypes := make([]types.Type, 0, batch*len(cols))
	colTypes := make([]types.Type, len(cols))
	zone := sess.Zone()
	names := make([]string, len(cols))
	for i, col := range cols {
		colTypes[i] = col.Type
		names[i] = ast.QuoteIdent(col.Name)
	}
	prefix := "INSERT INTO " + tableSQL(c.Table) + " (" + strings.Join(names, ", ") + ") VALUES "
	prepared := map[int]*engine.Prepared{}
	insert := func(params []types.Datum) error {
		rows := len(params) / len(cols)
		p := prepared[rows]
		if p == nil {
			var sb strings.Builder
			sb.WriteString(prefix)
			paramTypes = paramTypes[:0]
			for i := range rows {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteByte('(')
				for j := range cols {
					if j > 0 {
						sb.WriteString(", ")
					}
					fmt.Fprintf(&sb, "$%d", i*len(cols)+j+1)
					paramTypes = append(paramTypes, colTypes[j])
				}
				sb.WriteByte(')')
			}
			var err error
			if p, err = sess.Prepare(ctx, sb.String(), paramTypes); err != nil {
				return err
			}
			prepared[rows] = p
		}
		_, err := sess.ExecutePrepared(ctx, p, params)
		return err
	}
	params := make([]types.Datum, 0, batch*len(cols))
	var n int64
	if src.finished {
		return 0, true, nil
	}
	if src.header {
		src.header = false
		if _, err := readRecord(src.br, f); err != nil && !errors.Is(err, io.EOF) {
			return 0, false, err
		}
		src.line++
	}
	for limit == 0 || n < limit {
		fields, err := readRecord(src.br, f)
		if errors.Is(err, io.EOF) {
			src.finished = true
			break
		}
		if err != nil {
			return n, false, err
		}
		src.line++
		line := src.line
		if fields == nil {
			src.finished = true
			break // the end-of-data marker \.
		}
		if len(fields) != len(cols) {
			what := "missing data for column"
			if len(fields) > len(cols) {
				return n, false, sqlerr.New(sqlerr.Code("22P04"), "extra data after last expected column").WithDetail("COPY %s, line %d", c.Table.Name, line)
			}
			return n, false, sqlerr.New(sqlerr.Code("22P04"), "%s %q", what, cols[len(fields)].Name).WithDetail("COPY %s, line %d", c.Table.Name, line)
		}
		for j, fld := range fields {
			if fld.null {
				params = append(params, types.Null)
				continue
			}
			// Parsed here, not by the INSERT, so that a bad value is
			// reported with its line and column.
			d, err := types.ParseTextIn(colTypes[j], fld.s, zone)
			if err != nil {
				return n, false, copyValueError(err, c, line, cols[j].Name, fld.s)
			}
			params = append(params, d)
		}
		n++
		if len(params) == batch*len(cols) {
			if err := insert(params); err != nil {
				return n, false, withCopyLine(err, c, line)
			}
			params = params[:0]
			if progress != nil {
				progress(src.cr.n, src.rows+n)
			}
		}
		if err := ctx.Err(); err != nil {
			return n, false, sqlerr.Wrap(err, sqlerr.QueryCanceled, "canceling statement due to user request")
		}
	}
	if len(params) > 0 {
		if err := insert(params); err != nil {
			return n, false, withCopyLine(err, c, src.line)
		}
	}
	src.rows += n
	if progress != nil {
		progress(src.cr.n, src.rows)
	}
	if !src.finished {
		// Stopped at the limit: the data may end right here.
		if _, err := src.br.Peek(1); errors.Is(err, io.EOF) {
			src.finished = true
		}
	}
	return n, src.finished, nil
}

// copyValueError gives a value's parse error PostgreSQL's COPY context:
// the line, the column and the value.
func copyValueError(err error, c *ast.Copy, line int, col, value string) error {
	if len(value) > 60 {
		value = value[:60] + "..."
	}
	detail := fmt.Sprintf("COPY %s, line %d, column %s: %q", c.Table.Name, line, col, value)
	var se *sqlerr.Error
	if errors.As(err, &se) {
		e := *se
		e.Detail = detail
		return &e
	}
	return sqlerr.Wrap(err, sqlerr.InvalidTextRepresentation, "%v", err).WithDetail("%s", detail)
}

func withCopyLine(err error, c *ast.Copy, line int) error {
	var se *sqlerr.Error
	if errors.As(err, &se) && se.Detail == "" {
		se.Detail = fmt.Sprintf("COPY %s, near line %d", c.Table.Name, line)
	}
	return err
}

func errCopyFile() error {
	return sqlerr.New(sqlerr.InsufficientPrivilege, "COPY to or from a file is not supported by the server").
		WithHint("Use COPY ... FROM STDIN or TO STDOUT (psql's \\copy), or cairn import/export.")
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type copyField struct {
	s    string
	null bool
}

// readRecord reads one row. It returns nil fields at the end-of-data
// marker (a line holding \.) and io.EOF at the end of the input.
func readRecord(br *bufio.Reader, f CopyFormat) ([]copyField, error) {
	if f.CSV {
		return readCSVRecord(br, f)
	}
	line, err := br.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		return nil, err
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == `\.` {
		return nil, nil
	}
	var out []copyField
	var sb strings.Builder
	raw := 0 // start of the field in line, to compare with the NULL marker
	for i := 0; ; i++ {
		if i == len(line) || line[i] == f.Delimiter {
			if line[raw:i] == f.Null {
				out = append(out, copyField{null: true})
			} else {
				out = append(out, copyField{s: sb.String()})
			}
			if i == len(line) {
				return out, nil
			}
			sb.Reset()
			raw = i + 1
			continue
		}
		ch := line[i]
		if ch != '\\' || i+1 == len(line) {
			sb.WriteByte(ch)
			continue
		}
		i++
		switch e := line[i]; e {
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'v':
			sb.WriteByte('\v')
		case 'x':
			j := i + 1
			for j < len(line) && j < i+3 && isHex(line[j]) {
				j++
			}
			if j == i+1 {
				sb.WriteByte('x')
				continue
			}
			v, _ := strconv.ParseUint(line[i+1:j], 16, 8)
			sb.WriteByte(byte(v))
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(line) && j < i+3 && line[j] >= '0' && line[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(line[i:j], 8, 16)
			sb.WriteByte(byte(v))
			i = j - 1
		default:
			sb.WriteByte(e)
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// readCSVRecord reads one CSV record, which may span lines inside quotes.
// An unquoted field equal to the NULL string is NULL; a quoted one never
// is, so "" is an empty string and an empty unquoted field NULL.
func readCSVRecord(br *bufio.Reader, f CopyFormat) ([]copyField, error) {
	line, err := br.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		return nil, err
	}
	if strings.TrimRight(line, "\r\n") == `\.` {
		return nil, nil
	}
	var out []copyField
	var sb strings.Builder
	quoted, inQuotes, raw := false, false, strings.Builder{}
	for i := 0; ; i++ {
		if i == len(line) {
			if !inQuotes {
				break
			}
			// A quoted field goes on past the newline.
			more, err := br.ReadString('\n')
			if more == "" && err != nil {
				return nil, sqlerr.New(sqlerr.Code("22P04"), "unterminated CSV quoted field")
			}
			line, i = more, -1
			continue
		}
		ch := line[i]
		if inQuotes {
			switch {
			case ch == f.Escape && i+1 < len(line) && line[i+1] == f.Quote:
				sb.WriteByte(f.Quote)
				i++
			case ch == f.Quote:
				inQuotes = false
			default:
				sb.WriteByte(ch)
			}
			continue
		}
		switch {
		case ch == f.Quote:
			inQuotes, quoted = true, true
		case ch == f.Delimiter:
			out = append(out, csvField(sb.String(), raw.String(), quoted, f, len(out)))
			sb.Reset()
			raw.Reset()
			quoted = false
		case ch == '\n' || ch == '\r' && i+1 < len(line) && line[i+1] == '\n':
			i = len(line) - 1
		default:
			sb.WriteByte(ch)
			raw.WriteByte(ch)
		}
	}
	out = append(out, csvField(sb.String(), raw.String(), quoted, f, len(out)))
	return out, nil
}

// csvField is field i of a CSV record: NULL when it is the null string
// unquoted (but with FORCE_NOT_NULL), or quoted with FORCE_NULL.
func csvField(s, raw string, quoted bool, f CopyFormat, i int) copyField {
	if !quoted && raw == f.Null && !f.isForced("force_not_null", i) || quoted && s == f.Null && f.isForced("force_null", i) {
		return copyField{null: true}
	}
	return copyField{s: s}
}

// CopyTo runs COPY ... TO STDOUT, writing the table's rows (or the
// query's) to w in format f.
func CopyTo(ctx context.Context, sess *engine.Session, c *ast.Copy, w io.Writer) (int64, error) {
	if c.File != "" {
		return 0, errCopyFile()
	}
	f, err := copyFormat(c)
	if err != nil {
		return 0, err
	}
	var sql string
	if c.Query != nil {
		sql = ast.Format(c.Query)
	} else {
		cols, err := copyColumns(ctx, sess, c)
		if err != nil {
			return 0, err
		}
		names := make([]string, len(cols))
		for i, col := range cols {
			names[i] = ast.QuoteIdent(col.Name)
		}
		sql = "SELECT " + strings.Join(names, ", ") + " FROM " + tableSQL(c.Table)
	}
	res, err := sess.Execute(ctx, sql, nil)
	if err != nil {
		return 0, err
	}
	if len(res) != 1 {
		return 0, sqlerr.New(sqlerr.InternalError, "COPY query gave %d results", len(res))
	}
	var buf []byte
	names := make([]string, len(res[0].Columns))
	for i, col := range res[0].Columns {
		names[i] = col.Name
	}
	if err := f.resolveForce(names, c.Table.Name); err != nil {
		return 0, err
	}
	if f.Header {
		for i, col := range res[0].Columns {
			if i > 0 {
				buf = append(buf, f.Delimiter)
			}
			buf = appendCSV(buf, col.Name, f, false)
		}
		buf = append(buf, '\n')
	}
	zone := sess.Zone()
	for _, row := range res[0].Rows {
		for i, d := range row {
			if i > 0 {
				buf = append(buf, f.Delimiter)
			}
			switch {
			case d.IsNull():
				buf = append(buf, f.Null...)
			case f.CSV:
				buf = appendCSV(buf, types.FormatTextIn(d, zone), f, f.isForced("force_quote", i))
			default:
				buf = appendCopyText(buf, types.FormatTextIn(d, zone), f.Delimiter)
			}
		}
		buf = append(buf, '\n')
		if len(buf) >= 32<<10 {
			if _, err := w.Write(buf); err != nil {
				return 0, err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return 0, err
		}
	}
	return int64(len(res[0].Rows)), nil
}

func appendCopyText(dst []byte, s string, delim byte) []byte {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if ch == delim {
				dst = append(dst, '\\')
			}
			dst = append(dst, ch)
		}
	}
	return dst
}

// appendCSV appends s as a CSV field: quoted when it must be, or always
// with force (FORCE_QUOTE).
func appendCSV(dst []byte, s string, f CopyFormat, force bool) []byte {
	needs := force || s == f.Null || s == `\.` || strings.IndexByte(s, f.Delimiter) >= 0 || strings.IndexByte(s, f.Quote) >= 0 ||
		strings.ContainsAny(s, "\r\n")
	if !needs {
		return append(dst, s...)
	}
	dst = append(dst, f.Quote)
	for i := 0; i < len(s); i++ {
		if s[i] == f.Quote || s[i] == f.Escape {
			dst = append(dst, f.Escape)
		}
		dst = append(dst, s[i])
	}
	return append(dst, f.Quote)
}

// copyInReader reads the data of a COPY FROM STDIN from the protocol's
// CopyData messages until CopyDone; CopyFail is an error.
type copyInReader struct {
	c    *conn
	buf  []byte
	done bool
}

var errCopyFail = errors.New("copy failed")

func (r *copyInReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		msg, err := r.c.be.Receive()
		if err != nil {
			return 0, err
		}
		switch m := msg.(type) {
		case *copyDataMsg:
			r.buf = append(r.buf[:0], m.Data...)
		case *copyDoneMsg:
			r.done = true
		case *copyFailMsg:
			r.done = true
			return 0, sqlerr.Wrap(errCopyFail, sqlerr.QueryCanceled, "COPY from stdin failed: %s", m.Message)
		case *flushMsg, *syncMsg:
			// Allowed during COPY and ignored, as in PostgreSQL.
		default:
			r.done = true
			return 0, sqlerr.New(sqlerr.Code("08P01"), "unexpected message type 0x%02X during COPY from stdin", msgType(msg))
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// drain consumes the rest of a failed COPY's data.
func (r *copyInReader) drain() {
	for !r.done {
		if _, err := r.Read(make([]byte, 32<<10)); err != nil {
			return
		}
	}
}

// copyOutWriter sends a COPY TO STDOUT's data as CopyData messages.
type copyOutWriter struct{ c *conn }

func (w copyOutWriter) Write(p []byte) (int, error) {
	w.c.be.Send(&copyDataMsg{Data: bytes.Clone(p)})
	return len(p), w.c.be.Flush()
}
