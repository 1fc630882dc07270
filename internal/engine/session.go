package engine

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// TxStatus is a session's transaction state as the PostgreSQL protocol
// reports it in ReadyForQuery.
type TxStatus byte

const (
	TxIdle   TxStatus = 'I' // not in a transaction block
	TxActive TxStatus = 'T' // in a transaction block
	TxFailed TxStatus = 'E' // in a failed transaction block
)

// Session is one connection's state: its transaction and settings. A
// Session is used by one goroutine at a time.
type Session struct {
	e *Engine
	// txn is the explicit transaction, if one is open (BEGIN).
	txn    *mvcc.Txn
	failed bool
	// settings holds SET variables.
	settings map[string]string
}

// NewSession returns a new session.
func (e *Engine) NewSession() *Session {
	return &Session{e: e, settings: map[string]string{}}
}

// TxStatus reports the session's transaction state.
func (s *Session) TxStatus() TxStatus {
	switch {
	case s.txn == nil:
		return TxIdle
	case s.failed:
		return TxFailed
	}
	return TxActive
}

// Execute runs the statements in sql ($1... bound to params) and returns
// one Result per statement. It stops at the first error, returning the
// results of the statements before it; the error is a *sqlerr.Error.
func (s *Session) Execute(ctx context.Context, sql string, params []types.Datum) ([]Result, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, fromParseError(sql, err)
	}
	var results []Result
	for _, stmt := range stmts {
		if err := ctx.Err(); err != nil {
			return results, sqlerr.Wrap(err, sqlerr.QueryCanceled, "canceling statement due to user request")
		}
		r, err := s.executeStmt(ctx, stmt, params)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// fromParseError converts the parser's error to a sqlerr with a
// PostgreSQL character position.
func fromParseError(sql string, err error) error {
	if pe, ok := err.(*parser.Error); ok {
		return sqlerr.New(sqlerr.Code(pe.Code), "%s", pe.Message).WithPosition(pe.CharPos(sql))
	}
	return sqlerr.Wrap(err, sqlerr.SyntaxError, "%v", err)
}

// executeStmt runs one statement, recovering a panic into XX000 so a bug
// fails the statement, not the process.
func (s *Session) executeStmt(ctx context.Context, stmt ast.Statement, params []types.Datum) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = sqlerr.New(sqlerr.InternalError, "internal error: %v", p).WithDetail("%s", debug.Stack())
		}
	}()
	return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "%s is not supported yet", fmt.Sprintf("%T", stmt))
}
