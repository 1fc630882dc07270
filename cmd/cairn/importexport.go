package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/pgwire"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/types"
)

// copyStatement builds the COPY statement import and export run, so they
// share COPY's parsing, quoting and batching with the server. query, if
// not empty, is exported instead of table.
func copyStatement(table, query string, from, header bool) (*ast.Copy, error) {
	dir := "TO STDOUT"
	if from {
		dir = "FROM STDIN"
	}
	opts := "FORMAT csv"
	if header {
		opts += ", HEADER"
	}
	src := ast.QuoteIdent(table)
	if query != "" {
		src = "(" + strings.TrimRight(strings.TrimSpace(query), ";") + ")"
	}
	stmts, err := parser.Parse(fmt.Sprintf("COPY %s %s (%s)", src, dir, opts))
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, fmt.Errorf("--query must be one query")
	}
	return stmts[0].(*ast.Copy), nil
}

type importFlags struct {
	data, table, file, jsonl, collection string
	header, create                       bool
	batch                                int64
}

func newImportCmd() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import --table T FILE.csv | --collection NAME --jsonl FILE",
		Short: "Load a CSV file into a table, or JSON lines into a collection",
		Long: `import --table T FILE.csv (or --csv FILE; - for stdin) loads the rows of a
CSV file into table T through COPY, all in one transaction: a bad row stops
the import, reported with its line number, and leaves the table as it was.
--header skips the first line. --create creates the table first, in the
same transaction, with a text column per field named by the header (with
--header) or column1, column2... --batch N commits every N rows instead: a
bad row then stops the import and the rows of the batches before it stay
(the message says how many).

import --collection NAME --jsonl FILE (- for stdin) inserts one JSON object
per line into the collection, creating it if needed, in transactions of
1000 documents; a document without an _id gets a random one.

A progress bar (rows, rows/s, bytes, ETA) shows on a terminal, nothing on
a pipe.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.collection != "" || f.jsonl != "" {
				if len(args) == 1 && f.jsonl == "" {
					f.jsonl = args[0]
				}
				return runImportJSONL(cmd, f.data, f.jsonl, f.collection)
			}
			if len(args) == 1 {
				if f.file != "" {
					return fmt.Errorf("give the CSV file once: as an argument or with --csv")
				}
				f.file = args[0]
			}
			if f.table == "" || f.file == "" {
				return fmt.Errorf("import needs --table T FILE.csv, or --collection NAME --jsonl FILE")
			}
			if f.batch < 0 {
				return fmt.Errorf("--batch must be positive")
			}
			return runImportCSV(cmd, &f)
		},
	}
	cmd.Flags().StringVar(&f.data, "data", "./cairn-data", "data directory")
	cmd.Flags().StringVar(&f.table, "table", "", "table to load")
	cmd.Flags().StringVar(&f.file, "csv", "", "CSV file to read (or give it as the argument; - for stdin)")
	cmd.Flags().BoolVar(&f.header, "header", false, "the file's first line is a header")
	cmd.Flags().BoolVar(&f.create, "create", false, "create the table (text columns, named by the header)")
	cmd.Flags().Int64Var(&f.batch, "batch", 0, "commit every N rows (default: one transaction for the whole file)")
	cmd.Flags().StringVar(&f.collection, "collection", "", "collection to insert documents into")
	cmd.Flags().StringVar(&f.jsonl, "jsonl", "", "JSON lines file to read (- for stdin)")
	return cmd
}

func runImportCSV(cmd *cobra.Command, f *importFlags) error {
	ctx := cmd.Context()
	var in io.Reader = cmd.InOrStdin()
	size := int64(-1)
	if f.file != "-" {
		fh, err := os.Open(f.file)
		if err != nil {
			return err
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil {
			size = st.Size()
		}
		in = fh
	}
	br := bufio.NewReaderSize(in, 64<<10)
	var create string
	if f.create {
		var err error
		if create, err = createTableSQL(br, f.table, f.header); err != nil {
			return err
		}
	}
	c, err := copyStatement(f.table, "", true, f.header)
	if err != nil {
		return err
	}
	eng, err := engine.Open(f.data, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	sess := eng.NewSession()
	progress, done := copyProgress(cmd, size, "importing "+f.table)
	var n int64
	if f.batch > 0 {
		if create != "" {
			if _, err := sess.Execute(ctx, create, nil); err != nil {
				done()
				return err
			}
		}
		n, err = pgwire.CopyFromBatches(ctx, sess, c, br, f.batch, progress)
		done()
		if err != nil {
			return fmt.Errorf("import stopped: %d rows committed (in batches of %d), the batch with the bad row rolled back: %w", n, f.batch, err)
		}
	} else {
		n, err = importOneTxn(ctx, sess, create, c, br, progress)
		done()
		if err != nil {
			return fmt.Errorf("import failed, nothing imported: %w", err)
		}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "imported %d rows into %s\n", n, f.table)
	return nil
}

// importOneTxn creates the table (if create is not empty) and loads it in
// one transaction.
func importOneTxn(ctx context.Context, sess *engine.Session, create string, c *ast.Copy, r io.Reader, progress func(bytes, rows int64)) (int64, error) {
	if _, err := sess.Execute(ctx, "BEGIN", nil); err != nil {
		return 0, err
	}
	n, err := func() (int64, error) {
		if create != "" {
			if _, err := sess.Execute(ctx, create, nil); err != nil {
				return 0, err
			}
		}
		return pgwire.CopyFrom(ctx, sess, c, r, progress)
	}()
	if err != nil {
		sess.Execute(ctx, "ROLLBACK", nil)
		return 0, err
	}
	if _, err := sess.Execute(ctx, "COMMIT", nil); err != nil {
		return 0, err
	}
	return n, nil
}

// createTableSQL peeks at the first CSV record of br and returns a CREATE
// TABLE with a text column per field: named by the record with header,
// else column1, column2...
func createTableSQL(br *bufio.Reader, table string, header bool) (string, error) {
	line, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", err
	}
	rec, err := csv.NewReader(strings.NewReader(string(line))).Read()
	if err != nil {
		return "", fmt.Errorf("--create: reading the first line: %w", err)
	}
	cols := make([]string, len(rec))
	for i, name := range rec {
		if !header {
			name = fmt.Sprintf("column%d", i+1)
		}
		if strings.TrimSpace(name) == "" {
			return "", fmt.Errorf("--create: header field %d is empty", i+1)
		}
		cols[i] = ast.QuoteIdent(name) + " text"
	}
	return "CREATE TABLE " + ast.QuoteIdent(table) + " (" + strings.Join(cols, ", ") + ")", nil
}

// copyProgress returns a progress callback drawing a bar on stderr (bytes,
// rate, ETA, and the rows so far) when stderr is a terminal, else nil.
func copyProgress(cmd *cobra.Command, size int64, what string) (func(bytes, rows int64), func()) {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
	return func(bytes, rows int64) {
			st := bar.State()
			rate := 0.0
			if st.SecondsSince > 0 {
				rate = float64(rows) / st.SecondsSince
			}
			bar.Describe(fmt.Sprintf("%s: %d rows (%.0f rows/s)", what, rows, rate))
			_ = bar.Set64(bytes)
		}, func() {
			_ = bar.Finish()
		}
}

type exportFlags struct {
	data, table, query, file, collection, out, format string
	header                                            bool
}

func newExportCmd() *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export --table T | --query SQL | --collection NAME [FILE]",
		Short: "Write a table or a query's result as CSV or JSON lines, or a collection as JSON lines",
		Long: `export --table T [FILE] writes the table, and export --query SQL [FILE] the
query's result, through COPY TO: as CSV (--format csv, the default; --header
adds a header line) or as JSON lines (--format jsonl: one object per row,
keyed by column name, numbers and booleans as JSON, jsonb as itself,
everything else as its text). FILE (or --csv FILE, --out FILE) defaults to
standard output.

export --collection NAME [FILE] writes the collection's documents, one JSON
object per line in _id order.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if f.file != "" || f.out != "" {
					return fmt.Errorf("give the output file once: as an argument or with --csv/--out")
				}
				f.out = args[0]
			}
			if f.file != "" {
				f.out = f.file
			}
			if f.collection != "" {
				return runExportJSONL(cmd, f.data, f.out, f.collection)
			}
			if (f.table == "") == (f.query == "") {
				return fmt.Errorf("export needs one of --table T, --query SQL or --collection NAME")
			}
			switch f.format {
			case "csv", "jsonl":
			default:
				return fmt.Errorf("--format must be csv or jsonl, not %q", f.format)
			}
			return runExport(cmd, &f)
		},
	}
	cmd.Flags().StringVar(&f.data, "data", "./cairn-data", "data directory")
	cmd.Flags().StringVar(&f.table, "table", "", "table to write")
	cmd.Flags().StringVar(&f.query, "query", "", "query whose result to write")
	cmd.Flags().StringVar(&f.format, "format", "csv", "csv or jsonl")
	cmd.Flags().StringVar(&f.file, "csv", "", "file to write (default: standard output)")
	cmd.Flags().StringVar(&f.out, "out", "", "file to write (default: standard output)")
	cmd.Flags().BoolVar(&f.header, "header", false, "write a CSV header line")
	cmd.Flags().StringVar(&f.collection, "collection", "", "collection to write as JSON lines")
	return cmd
}

func runExport(cmd *cobra.Command, f *exportFlags) error {
	ctx := cmd.Context()
	c, err := copyStatement(f.table, f.query, false, f.header)
	if err != nil {
		return err
	}
	eng, err := engine.Open(f.data, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	var out io.Writer = cmd.OutOrStdout()
	var fh *os.File
	if f.out != "" && f.out != "-" {
		if fh, err = os.Create(f.out); err != nil {
			return err
		}
		defer fh.Close()
		out = fh
	}
	w := bufio.NewWriterSize(out, 64<<10)
	var n int64
	if f.format == "jsonl" {
		n, err = exportRowsJSONL(ctx, eng.NewSession(), c, w)
	} else {
		n, err = pgwire.CopyTo(ctx, eng.NewSession(), c, w)
	}
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if fh != nil {
		if err := fh.Close(); err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "exported %d rows to %s\n", n, f.out)
	}
	return nil
}

// exportRowsJSONL writes the rows COPY c would write as JSON lines.
func exportRowsJSONL(ctx context.Context, sess *engine.Session, c *ast.Copy, w io.Writer) (int64, error) {
	sql := "SELECT * FROM " + ast.QuoteIdent(c.Table.Name)
	if c.Query != nil {
		sql = ast.Format(c.Query)
	}
	res, err := sess.Execute(ctx, sql, nil)
	if err != nil {
		return 0, err
	}
	r := res[len(res)-1]
	keys := make([][]byte, len(r.Columns))
	for i, col := range r.Columns {
		keys[i], _ = json.Marshal(col.Name)
	}
	var line []byte
	for _, row := range r.Rows {
		line = append(line[:0], '{')
		for i, d := range row {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(append(line, keys[i]...), ':')
			v, err := types.ToJSONB(d)
			if err != nil {
				return 0, err
			}
			doc, err := jsonb.Encode(v)
			if err != nil {
				return 0, err
			}
			line = append(line, types.FormatText(types.NewJSONBDoc(doc))...)
		}
		line = append(line, '}', '\n')
		if _, err := w.Write(line); err != nil {
			return 0, err
		}
	}
	return int64(len(r.Rows)), nil
}
