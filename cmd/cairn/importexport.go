package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/pgwire"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/parser"
)

// copyStatement builds the COPY statement import and export run, so they
// share COPY's parsing, quoting and batching with the server.
func copyStatement(table string, from, header bool) (*ast.Copy, error) {
	dir := "TO STDOUT"
	if from {
		dir = "FROM STDIN"
	}
	opts := "FORMAT csv"
	if header {
		opts += ", HEADER"
	}
	stmts, err := parser.Parse(fmt.Sprintf("COPY %s %s (%s)", ast.QuoteIdent(table), dir, opts))
	if err != nil {
		return nil, err
	}
	return stmts[0].(*ast.Copy), nil
}

func newImportCmd() *cobra.Command {
	var data, table, file, jsonl, collection string
	var header bool
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Load a CSV file into a table, or JSON lines into a collection",
		Long: `import --table T --csv FILE loads the rows of a CSV file into an existing
table, all in one transaction: either every row is loaded or none. --header
skips the first line.

import --collection NAME --jsonl FILE (- for stdin) inserts one JSON object
per line into the collection, creating it if needed, in transactions of
1000 documents; a document without an _id gets a random one.

A progress bar shows on a terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if collection != "" || jsonl != "" {
				return runImportJSONL(cmd, data, jsonl, collection)
			}
			if table == "" || file == "" {
				return fmt.Errorf("import needs --table T --csv FILE, or --collection NAME --jsonl FILE")
			}
			c, err := copyStatement(table, true, header)
			if err != nil {
				return err
			}
			in, err := os.Open(file)
			if err != nil {
				return err
			}
			defer in.Close()
			eng, err := engine.Open(data, nil)
			if err != nil {
				return err
			}
			defer eng.Close()
			var progress func(int64)
			if term.IsTerminal(int(os.Stderr.Fd())) {
				size := int64(-1)
				if st, err := in.Stat(); err == nil {
					size = st.Size()
				}
				bar := progressbar.DefaultBytes(size, "importing "+table)
				progress = func(n int64) { bar.Set64(n) }
				defer bar.Finish()
			}
			n, err := pgwire.CopyFrom(cmd.Context(), eng.NewSession(), c, in, progress)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "imported %d rows into %s\n", n, table)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "./cairn-data", "data directory")
	cmd.Flags().StringVar(&table, "table", "", "table to load (must exist)")
	cmd.Flags().StringVar(&file, "csv", "", "CSV file to read")
	cmd.Flags().BoolVar(&header, "header", false, "the file's first line is a header")
	cmd.Flags().StringVar(&collection, "collection", "", "collection to insert documents into")
	cmd.Flags().StringVar(&jsonl, "jsonl", "", "JSON lines file to read (- for stdin)")
	return cmd
}

func newExportCmd() *cobra.Command {
	var data, table, file, collection, out string
	var header bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a table as CSV, or a collection as JSON lines",
		Long: `export --table T [--csv FILE] writes the table as CSV (COPY TO), to FILE
or standard output. export --collection NAME [--out FILE] writes the
collection's documents, one JSON object per line in _id order.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if collection != "" {
				return runExportJSONL(cmd, data, out, collection)
			}
			if table == "" {
				return fmt.Errorf("export needs --table T, or --collection NAME")
			}
			c, err := copyStatement(table, false, header)
			if err != nil {
				return err
			}
			eng, err := engine.Open(data, nil)
			if err != nil {
				return err
			}
			defer eng.Close()
			var out io.Writer = cmd.OutOrStdout()
			if file != "" {
				fh, err := os.Create(file)
				if err != nil {
					return err
				}
				defer fh.Close()
				out = fh
			}
			w := bufio.NewWriterSize(out, 64<<10)
			n, err := pgwire.CopyTo(cmd.Context(), eng.NewSession(), c, w)
			if err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if f, ok := out.(*os.File); ok && f != os.Stdout {
				if err := f.Close(); err != nil {
					return err
				}
			}
			if term.IsTerminal(int(os.Stderr.Fd())) {
				fmt.Fprintf(cmd.ErrOrStderr(), "exported %d rows from %s\n", n, table)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "./cairn-data", "data directory")
	cmd.Flags().StringVar(&table, "table", "", "table to write")
	cmd.Flags().StringVar(&file, "csv", "", "CSV file to write (default: standard output)")
	cmd.Flags().BoolVar(&header, "header", false, "write a header line")
	cmd.Flags().StringVar(&collection, "collection", "", "collection to write as JSON lines")
	cmd.Flags().StringVar(&out, "out", "", "JSON lines file to write (default: standard output)")
	return cmd
}
