package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/mattn/go-sqlite3"
)

// sqliteSQL is sqlDB over SQLite (mattn/go-sqlite3, cgo) in WAL mode:
// synchronous=FULL for the synced workloads, NORMAL otherwise; a 128 MiB
// page cache per connection (cairn's block cache size); busy_timeout 10 s.
// Each goroutine gets a connection of its own (Conn) with its own
// prepared statements.
type sqliteSQL struct {
	db *sql.DB
}

func openSQLiteSQL(dir string, sync bool, conns int) (sqlDB, error) {
	syncMode := "NORMAL"
	if sync {
		syncMode = "FULL"
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", syncMode)
	q.Set("_busy_timeout", "10000")
	q.Set("_cache_size", fmt.Sprint(-sqlCacheBytes>>10)) // negative: KiB
	dsn := "file:" + filepath.Join(dir, "sbtest.db") + "?" + q.Encode()
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, err
	}
	// One more than the workers: sqlSum and setup use one of their own.
	db.SetMaxOpenConns(conns + 1)
	db.SetMaxIdleConns(conns + 1)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("sqlite: journal_mode %q, want wal (%v)", mode, err)
	}
	return &sqliteSQL{db: db}, nil
}

func (s *sqliteSQL) Exec(q string, args ...any) error {
	_, err := s.db.Exec(q, args...)
	return err
}

func (s *sqliteSQL) Conn() (sqlConn, error) {
	c, err := s.db.Conn(context.Background())
	if err != nil {
		return nil, err
	}
	return &sqliteConn{c: c}, nil
}

func (s *sqliteSQL) Retryable(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

func (s *sqliteSQL) Close() error { return s.db.Close() }

type sqliteConn struct {
	c     *sql.Conn
	stmts []*sql.Stmt
}

func (c *sqliteConn) Prepare(q string) (sqlStmt, error) {
	st, err := c.c.PrepareContext(context.Background(), q)
	if err != nil {
		return nil, err
	}
	c.stmts = append(c.stmts, st)
	return sqliteStmt{st}, nil
}

func (c *sqliteConn) Begin() error {
	_, err := c.c.ExecContext(context.Background(), "BEGIN")
	return err
}

func (c *sqliteConn) Commit() error {
	_, err := c.c.ExecContext(context.Background(), "COMMIT")
	return err
}

func (c *sqliteConn) Close() error {
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
	return c.c.Close()
}

type sqliteStmt struct{ st *sql.Stmt }

func (s sqliteStmt) Exec(args ...any) error {
	_, err := s.st.Exec(args...)
	return err
}

func (s sqliteStmt) Query(args ...any) (sqlRows, error) {
	rows, err := s.st.Query(args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}
