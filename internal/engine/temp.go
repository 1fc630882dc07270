package engine

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
)

// Temporary tables (CREATE TEMP TABLE) are tables of the shared catalog,
// marked Temp, that their session drops when it ends (Session.Close),
// at the end of its transaction (ON COMMIT DROP), or empties at each
// commit (ON COMMIT DELETE ROWS). Opening the database drops any that a
// crash, or a session never closed, left behind. Unlike PostgreSQL's,
// they are visible to other sessions and take a name from the one
// namespace: two sessions cannot each have a temporary t.

// tempTable is a temporary table a session created.
type tempTable struct {
	name     string
	onCommit string
}

// noteTemp records a temporary table st created in txn, the
// transaction under way (so the first transaction to end after it is the
// one that created it: ON COMMIT DROP's).
func (s *Session) noteTemp(txn *mvcc.Txn, st *ast.CreateTable) {
	if s == nil {
		return
	}
	d, ok, err := catalog.Lookup(txn, st.Name.Name)
	if err != nil || !ok || !d.Temp {
		return
	}
	if s.temps == nil {
		s.temps = map[uint32]tempTable{}
	}
	if _, had := s.temps[d.ID]; !had {
		s.temps[d.ID] = tempTable{name: d.Name, onCommit: st.OnCommit}
	}
}

// onCommitTemps runs the ON COMMIT actions at the end of a transaction
// (committed or not: a rolled-back creation left nothing to drop).
func (s *Session) onCommitTemps(committed bool) {
	var sql []string
	for id, t := range s.temps {
		switch {
		case t.onCommit == "drop":
			sql = append(sql, "DROP TABLE IF EXISTS "+quoteIdent(t.name))
			delete(s.temps, id)
		case t.onCommit == "delete rows" && committed:
			sql = append(sql, "DELETE FROM "+quoteIdent(t.name))
		}
	}
	s.e.runInternal(sql)
}

// dropTemps drops the session's temporary tables (it is ending).
func (s *Session) dropTemps() {
	var sql []string
	for _, t := range s.temps {
		sql = append(sql, "DROP TABLE IF EXISTS "+quoteIdent(t.name))
	}
	s.temps = nil
	s.e.runInternal(sql)
}

// runInternal runs statements of the engine's own, each in a transaction
// of its own; a failure is logged (nothing waits for the outcome).
func (e *Engine) runInternal(stmts []string) {
	for _, q := range stmts {
		if err := e.execInternal(q); err != nil {
			slog.Warn("cairn: internal statement failed", "sql", q, "err", err)
		}
	}
}

func (e *Engine) execInternal(q string) error {
	st, err := parser.ParseOne(q)
	if err != nil {
		return err
	}
	txn, err := e.db.Begin(mvcc.TxnOptions{NoSync: e.opts.NoSync})
	if err != nil {
		return err
	}
	if _, err := e.run(context.Background(), txn, st, nil, &builtins.EvalContext{}, nil); err != nil {
		txn.Rollback()
		return err
	}
	return e.commit(txn)
}

// dropStaleTemps drops the temporary tables in the catalog as the
// database opens: no session that made them is left.
func (e *Engine) dropStaleTemps() error {
	txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	all, err := catalog.List(txn)
	txn.Rollback()
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.Temp {
			if err := e.execInternal("DROP TABLE IF EXISTS " + quoteIdent(d.Name)); err != nil {
				return fmt.Errorf("drop temporary table %q: %w", d.Name, err)
			}
		}
	}
	return nil
}
