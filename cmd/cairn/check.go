package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cairndb/cairn/internal/lsm"
)

func newCheckCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify a store: block checksums, manifest consistency, key order, WAL",
		Long: `check reads every file of a store without changing it: the manifest and
the levels it describes, every block of every table (checksums, key order,
bounds), and the write-ahead log segments not yet flushed. It prints what it
found and exits non-zero if anything is damaged. The store must not be open
in another process.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := lsm.Check(dataDir, nil)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "store     %s\nmanifest  %s\n", dataDir, rep.Manifest)
			for level, l := range rep.Levels {
				if l.Files > 0 {
					fmt.Fprintf(out, "L%d        %d tables, %d bytes\n", level, l.Files, l.Bytes)
				}
			}
			fmt.Fprintf(out, "tables    %d (%d entries, %d range tombstones)\n", rep.Tables, rep.Entries, rep.Tombstones)
			for _, w := range rep.WALs {
				torn := ""
				if w.TornTail {
					torn = ", torn tail (dropped at next open)"
				}
				fmt.Fprintf(out, "wal       %s: %d batches, %d writes%s\n", w.Name, w.Records, w.Writes, torn)
			}
			if rep.OK() {
				fmt.Fprintln(out, "ok")
				return nil
			}
			for _, p := range rep.Problems {
				fmt.Fprintln(out, "PROBLEM  ", p)
			}
			return errors.New("check found problems")
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "./cairn-data", "data directory of the store")
	return cmd
}
