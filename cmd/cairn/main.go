// Command cairn is the cairn database's command line: the shell, the server,
// import and export, and maintenance (check, version).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// version is the release version, overridable at link time with
// -ldflags "-X main.version=...".
var version = builtins.CairnVersion

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			stop()
			os.Exit(exit.code)
		}
		fmt.Fprintln(os.Stderr, "cairn:", err)
		// A SQL error's detail (COPY's line and column) and hint.
		var se *sqlerr.Error
		if errors.As(err, &se) {
			if se.Detail != "" {
				fmt.Fprintln(os.Stderr, "DETAIL: ", se.Detail)
			}
			if se.Hint != "" {
				fmt.Fprintln(os.Stderr, "HINT: ", se.Hint)
			}
		}
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	var f shellFlags
	root := &cobra.Command{
		Use:   "cairn",
		Short: "cairn: an embeddable database with a PostgreSQL face",
		Long: `cairn is a database written in pure Go: its own LSM storage engine,
MVCC transactions, SQL, JSONB documents and full-text search.

With no command, cairn opens the SQL shell on ./cairn-data (--data DIR for
another directory, --memory for an in-memory database). -c SQL runs SQL and
exits; statements piped on stdin (or -f FILE) run as a script that stops at
the first error with exit status 1 (--continue-on-error to keep going).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShell(cmd, &f)
		},
	}
	f.register(root)
	root.AddCommand(newVersionCmd(), newCheckCmd(), newShellCmd(), newServeCmd(), newImportCmd(), newExportCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print cairn's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "cairn %s\n", version)
			return nil
		},
	}
}
