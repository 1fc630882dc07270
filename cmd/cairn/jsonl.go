package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cairndb/cairn"
)

// JSON lines import and export of collections: one JSON object per
// line, as mongoexport and jq -c write them.

// jsonlBatch is how many documents one import transaction carries: big
// enough to amortize the commit, small enough to bound the memory a
// transaction buffers.
const jsonlBatch = 1000

// maxJSONLLine bounds one line (one document): jsonb's own limit.
const maxJSONLLine = 16 << 20

// importJSONL inserts the documents of r, one JSON object per line
// (blank lines skipped), into collection, in transactions of jsonlBatch
// documents. progress, if not nil, is called with the running count
// after each batch. It returns how many documents it inserted; on error
// the batches before the failing one stay committed.
func importJSONL(ctx context.Context, db *cairn.DB, r io.Reader, collection string, progress func(n int64)) (int64, error) {
	coll := db.Collection(collection)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxJSONLLine)
	var (
		n         int64
		line      int
		batch     []any
		batchLine int // line of the batch's first document
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := coll.InsertMany(ctx, batch); err != nil {
			return fmt.Errorf("lines %d-%d: %w", batchLine, line, err)
		}
		n += int64(len(batch))
		batch = batch[:0]
		if progress != nil {
			progress(n)
		}
		return nil
	}
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if !json.Valid(text) || text[0] != '{' {
			return n, fmt.Errorf("line %d: not a JSON object", line)
		}
		if len(batch) == 0 {
			batchLine = line
		}
		batch = append(batch, json.RawMessage(bytes.Clone(text)))
		if len(batch) == jsonlBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return n, fmt.Errorf("line %d: longer than %d bytes", line+1, maxJSONLLine)
		}
		return n, err
	}
	return n, flush()
}

// exportJSONL writes the documents of collection to w, one compact JSON
// object per line in _id order, reading pages of jsonlBatch by primary
// key so memory stays bounded. A missing collection exports nothing.
func exportJSONL(ctx context.Context, db *cairn.DB, w io.Writer, collection string, progress func(n int64)) (int64, error) {
	bw := bufio.NewWriter(w)
	table := `"` + stringsReplaceQuote(collection) + `"`
	var n int64
	last := ""
	first := true
	for {
		q := "SELECT id, doc FROM " + table + " WHERE id > $1 ORDER BY id LIMIT " + fmt.Sprint(jsonlBatch)
		if first {
			q = "SELECT id, doc FROM " + table + " WHERE id >= $1 ORDER BY id LIMIT " + fmt.Sprint(jsonlBatch)
		}
		rows, err := db.Query(ctx, q, last)
		if err != nil {
			var ce *cairn.Error
			if errors.As(err, &ce) && ce.Code == "42P01" {
				return 0, bw.Flush()
			}
			return n, err
		}
		first = false
		page := 0
		var buf bytes.Buffer
		for rows.Next() {
			var doc json.RawMessage
			if err := rows.Scan(&last, &doc); err != nil {
				return n, err
			}
			buf.Reset()
			if err := json.Compact(&buf, doc); err != nil {
				return n, err
			}
			buf.WriteByte('\n')
			if _, err := bw.Write(buf.Bytes()); err != nil {
				return n, err
			}
			page++
		}
		n += int64(page)
		if progress != nil {
			progress(n)
		}
		if page < jsonlBatch {
			return n, bw.Flush()
		}
	}
}

func stringsReplaceQuote(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		if r == '"' {
			b.WriteByte('"')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// newProgress returns a progress callback drawing a bar on stderr when
// stderr is a terminal, and nil (no output) when it is not.
func newProgress(cmd *cobra.Command, what string) (func(n int64), func()) {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("docs"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
	return func(n int64) { _ = bar.Set64(n) }, func() { _ = bar.Finish() }
}

// runImportJSONL is import --jsonl FILE --collection NAME.
func runImportJSONL(cmd *cobra.Command, dataDir, file, collection string) error {
	if file == "" || collection == "" {
		return errors.New("import needs --jsonl FILE and --collection NAME")
	}
	var r io.Reader = cmd.InOrStdin()
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	db, err := cairn.Open(dataDir, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	progress, done := newProgress(cmd, "importing")
	n, err := importJSONL(cmd.Context(), db, r, collection, progress)
	done()
	if err != nil {
		return fmt.Errorf("import stopped after %d documents: %w", n, err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "imported %d documents into %s\n", n, collection)
	return nil
}

// runExportJSONL is export --collection NAME [--out FILE].
func runExportJSONL(cmd *cobra.Command, dataDir, out, collection string) error {
	db, err := cairn.Open(dataDir, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	var w io.Writer = cmd.OutOrStdout()
	var f *os.File
	if out != "" && out != "-" {
		if f, err = os.Create(out); err != nil {
			return err
		}
		w = f
	}
	progress, done := newProgress(cmd, "exporting")
	n, err := exportJSONL(cmd.Context(), db, w, collection, progress)
	done()
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	if f != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "exported %d documents to %s\n", n, out)
	}
	return nil
}
