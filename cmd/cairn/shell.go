package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/chzyer/readline"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/pgwire"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/types"
)

// executor is what the shell needs of an engine session; tests use a fake.
type executor interface {
	Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error)
	TxStatus() engine.TxStatus
	Zone() *time.Location // the session time zone; nil for UTC
}

// exitError ends the process with a status and no further message (the
// shell has printed the error already).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

type shellFlags struct {
	data            string
	memory          bool
	commands        []string
	file            string
	continueOnError bool
}

func (f *shellFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.data, "data", "./cairn-data", "data directory")
	cmd.Flags().BoolVar(&f.memory, "memory", false, "use an in-memory database (nothing is saved)")
	cmd.Flags().StringArrayVarP(&f.commands, "command", "c", nil, "run this SQL (or meta-command) and exit; repeatable")
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "run the statements in this file and exit")
	cmd.Flags().BoolVar(&f.continueOnError, "continue-on-error", false, "in a script, keep going after a failing statement (exit status is still 1)")
}

func newShellCmd() *cobra.Command {
	var f shellFlags
	cmd := &cobra.Command{
		Use:   "shell",
		Short: "Open the SQL shell (the default command)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShell(cmd, &f)
		},
	}
	f.register(cmd)
	return cmd
}

// runShell opens the database and runs -c commands, a -f file, piped
// stdin as a script, or the interactive shell on a terminal.
func runShell(cmd *cobra.Command, f *shellFlags) error {
	dir := f.data
	if f.memory {
		dir = ":memory:"
	}
	eng, err := engine.Open(dir, &engine.Options{InMemory: f.memory})
	if err != nil {
		return err
	}
	defer eng.Close()
	sh := newShell(eng.NewSession(), cmd.OutOrStdout(), cmd.ErrOrStderr())
	sh.in = cmd.InOrStdin()
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	switch {
	case len(f.commands) > 0:
		for _, c := range f.commands {
			if !sh.runCommand(ctx, c) {
				return exitError{1}
			}
		}
		return nil
	case f.file != "":
		file, err := os.Open(f.file)
		if err != nil {
			return err
		}
		defer file.Close()
		sh.source = f.file
		sh.continueOnError = f.continueOnError
		return sh.runScript(ctx, file)
	}
	in := cmd.InOrStdin()
	if file, ok := in.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		return sh.runInteractive(ctx, dir)
	}
	sh.source = "<stdin>"
	sh.continueOnError = f.continueOnError
	return sh.runScript(ctx, in)
}

// shell runs statements and meta-commands on one session and prints
// their results as psql does.
type shell struct {
	ex              executor
	out, errw       io.Writer
	timing          bool
	null            string
	quiet           bool   // do not print command tags (scripts)
	source          string // script name for error locations; "" when interactive
	continueOnError bool
	quit            bool
	// in is standard input (for -c's COPY ... FROM STDIN) and inLines
	// its reader, made on first use.
	in      io.Reader
	inLines *scannerSource
	// restrictKey is set between \restrict KEY and \unrestrict KEY (as
	// pg_dump 15.14 and later write around a dump): meanwhile no other
	// backslash command runs, so a dump cannot run commands of the shell.
	restrictKey string
}

func newShell(ex executor, out, errw io.Writer) *shell {
	return &shell{ex: ex, out: out, errw: errw}
}

// runCommand runs one -c argument: a meta-command or SQL (several
// statements allowed). It reports success.
func (sh *shell) runCommand(ctx context.Context, c string) bool {
	if t := strings.TrimSpace(c); strings.HasPrefix(t, `\`) {
		return sh.meta(ctx, t)
	}
	// COPY ... FROM STDIN reads the shell's standard input, as psql -c
	// does; COPY ... TO STDOUT prints.
	if ok, copied := sh.copyStdio(ctx, strings.TrimSuffix(strings.TrimSpace(c), ";"), 0, sh.stdinLines()); copied {
		return ok
	}
	return sh.execSQL(ctx, c, 0)
}

// stdinLines reads the shell's standard input line by line (for -c's
// COPY ... FROM STDIN); it is empty when there is none.
func (sh *shell) stdinLines() lineSource {
	if sh.in == nil {
		return scannerSource{bufio.NewScanner(strings.NewReader(""))}
	}
	if sh.inLines == nil {
		sc := bufio.NewScanner(sh.in)
		sc.Buffer(make([]byte, 64*1024), 256<<20)
		sh.inLines = &scannerSource{sc}
	}
	return sh.inLines
}

// execSQL runs sql, printing its results and any error; line is the
// script line for error messages (0: none).
func (sh *shell) execSQL(ctx context.Context, sql string, line int) bool {
	start := time.Now()
	results, err := sh.ex.Execute(ctx, sql, nil)
	elapsed := time.Since(start)
	// Notices (what IF EXISTS skipped, RAISE NOTICE) go to stderr, as
	// psql prints them.
	if n, ok := sh.ex.(interface{ TakeNotices() []builtins.Notice }); ok {
		for _, m := range n.TakeNotices() {
			fmt.Fprintf(sh.errw, "%s:  %s\n", m.Severity, m.Message)
		}
	}
	for _, r := range results {
		sh.printResult(r)
	}
	if err != nil {
		sh.reportError(err, sql, line)
	}
	if sh.timing {
		fmt.Fprintf(sh.out, "Time: %.3f ms\n", float64(elapsed.Microseconds())/1000)
	}
	return err == nil
}

// reportError prints a statement's error, with the script line it is
// on (0: none).
func (sh *shell) reportError(err error, sql string, line int) {
	prefix := ""
	if sh.source != "" && line > 0 {
		prefix = fmt.Sprintf("cairn:%s:%d: ", sh.source, line)
	}
	writeError(sh.errw, prefix, err, sql)
}

func (sh *shell) printResult(r engine.Result) {
	if r.Columns != nil {
		fmt.Fprint(sh.out, formatResult(r, sh.null, sh.ex.Zone()))
		fmt.Fprintln(sh.out)
		if sh.quiet || r.Tag == "" || strings.HasPrefix(r.Tag, "SELECT") {
			return
		}
	}
	if !sh.quiet && r.Tag != "" {
		fmt.Fprintln(sh.out, r.Tag)
	}
}

// lineSource yields input lines; prompt is shown on terminals.
type lineSource interface {
	readLine(prompt string) (string, error)
}

// errInterrupt is a Ctrl-C at the prompt: the pending statement is
// dropped.
var errInterrupt = errors.New("interrupt")

// runScript runs statements from r, quietly, stopping at the first error
// (exit status 1) unless continueOnError.
func (sh *shell) runScript(ctx context.Context, r io.Reader) error {
	sh.quiet = true
	if sh.source == "" {
		sh.source = "<stdin>"
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 256<<20)
	failed := sh.loop(ctx, scannerSource{sc}, nil)
	if err := sc.Err(); err != nil {
		return err
	}
	if failed {
		return exitError{1}
	}
	return nil
}

type scannerSource struct{ sc *bufio.Scanner }

func (s scannerSource) readLine(string) (string, error) {
	if s.sc.Scan() {
		return s.sc.Text(), nil
	}
	return "", io.EOF
}

// loop reads lines, runs meta-commands and complete statements, and
// reports whether any failed. history, if set, records what ran.
func (sh *shell) loop(ctx context.Context, src lineSource, history func(string)) (failed bool) {
	var sp splitter
	lineNo := 0
	run := func(stmt string) bool {
		if history != nil {
			history(stmt)
		}
		sctx, stop := sh.statementContext(ctx)
		ok, copied := sh.copyStdio(sctx, stmt, lineNo, src)
		if !copied {
			ok = sh.execSQL(sctx, stmt, lineNo)
		}
		stop()
		if !ok {
			failed = true
			if sh.source != "" && !sh.continueOnError {
				return false
			}
		}
		return true
	}
	for !sh.quit {
		line, err := src.readLine(sh.prompt(&sp))
		if errors.Is(err, errInterrupt) {
			sp.reset()
			continue
		}
		if err != nil {
			break
		}
		lineNo++
		line = strings.TrimSuffix(line, "\r")
		if sp.empty() && strings.HasPrefix(strings.TrimSpace(line), `\`) {
			sp.reset()
			meta := strings.TrimSpace(line)
			if history != nil {
				history(meta)
			}
			if !sh.meta(ctx, meta) {
				failed = true
				if sh.source != "" && !sh.continueOnError {
					return true
				}
			}
			continue
		}
		for _, stmt := range sp.feed(line) {
			if !run(stmt) {
				return true
			}
		}
	}
	if stmt, ok := sp.pending(); ok && !sh.quit {
		run(stmt)
	}
	return failed
}

// statementContext cancels a statement on Ctrl-C in the interactive
// shell without ending the shell; scripts use ctx as is (Ctrl-C ends
// them).
func (sh *shell) statementContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if sh.source != "" || sh.quiet {
		return ctx, func() {}
	}
	return signal.NotifyContext(context.WithoutCancel(ctx), os.Interrupt)
}

// prompt is psql's: "=>" at the start of a statement, "->" inside one,
// with "*" in a transaction block and "!" in a failed one.
func (sh *shell) prompt(sp *splitter) string {
	tx := ""
	switch sh.ex.TxStatus() {
	case engine.TxActive:
		tx = "*"
	case engine.TxFailed:
		tx = "!"
	}
	if sp.empty() {
		return "cairn=" + tx + "> "
	}
	return "cairn-" + tx + "> "
}

// runInteractive runs the shell on a terminal with line editing and
// history in ~/.cairn_history.
func (sh *shell) runInteractive(ctx context.Context, dir string) error {
	hist := ""
	if home, err := os.UserHomeDir(); err == nil {
		hist = filepath.Join(home, ".cairn_history")
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 "cairn=> ",
		HistoryFile:            hist,
		HistoryLimit:           2000,
		DisableAutoSaveHistory: true,
		InterruptPrompt:        "^C",
		EOFPrompt:              `\q`,
		HistorySearchFold:      true,
	})
	if err != nil {
		return err
	}
	defer rl.Close()
	fmt.Fprintf(sh.out, "cairn %s (%s)\nType \"\\?\" for help.\n\n", version, dir)
	sh.loop(ctx, readlineSource{rl}, func(s string) {
		_ = rl.SaveHistory(strings.Join(strings.Fields(s), " "))
	})
	return nil
}

type readlineSource struct{ rl *readline.Instance }

func (s readlineSource) readLine(prompt string) (string, error) {
	s.rl.SetPrompt(prompt)
	line, err := s.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", errInterrupt
	}
	return line, err
}

// copyStdio runs COPY ... FROM STDIN with the lines that follow it in
// the input (up to a line \. or the end), as psql does, and COPY ... TO
// STDOUT into the output; copied is false for any other statement.
func (sh *shell) copyStdio(ctx context.Context, stmt string, line int, src lineSource) (ok, copied bool) {
	sess, isSession := sh.ex.(*engine.Session)
	if !isSession || !strings.HasPrefix(strings.ToUpper(skipComments(stmt)), "COPY") {
		return false, false
	}
	st, err := parser.ParseOne(stmt)
	c, isCopy := st.(*ast.Copy)
	if err != nil || !isCopy || c.File != "" {
		return false, false // the engine reports the error, or copies the file
	}
	var n int64
	if c.From {
		if _, terminal := src.(readlineSource); terminal {
			fmt.Fprintln(sh.out, "Enter data to be copied followed by a newline.\nEnd with a backslash and a period on a line by itself, or an EOF signal.")
		}
		// The lines stream into the COPY; whatever a failed COPY left
		// unread, up to \., is data still, never SQL.
		data := &copyLines{src: src}
		n, err = pgwire.CopyFrom(ctx, sess, c, data, nil)
		io.Copy(io.Discard, data)
	} else {
		n, err = pgwire.CopyTo(ctx, sess, c, sh.out)
	}
	if err != nil {
		sh.reportError(err, stmt, line)
		return false, true
	}
	if !sh.quiet {
		fmt.Fprintf(sh.out, "COPY %d\n", n)
	}
	return true, true
}

// skipComments returns sql from its first token: past spaces, -- line
// comments and /* */ block comments (pg_dump puts comments before each
// COPY).
func skipComments(sql string) string {
	for {
		sql = strings.TrimSpace(sql)
		switch {
		case strings.HasPrefix(sql, "--"):
			i := strings.IndexByte(sql, '\n')
			if i < 0 {
				return ""
			}
			sql = sql[i+1:]
		case strings.HasPrefix(sql, "/*"):
			i := strings.Index(sql, "*/")
			if i < 0 {
				return ""
			}
			sql = sql[i+2:]
		default:
			return sql
		}
	}
}

// copyLines reads the lines of a COPY's data from src, each with its
// newline, up to a line \. or the end of the input.
type copyLines struct {
	src  lineSource
	buf  []byte
	done bool
}

func (r *copyLines) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		l, err := r.src.readLine(">> ")
		if err != nil || strings.TrimSuffix(l, "\r") == `\.` {
			r.done = true
			continue
		}
		r.buf = append(append(r.buf[:0], l...), '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
