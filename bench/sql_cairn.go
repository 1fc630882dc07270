package main

import (
	"context"
	"fmt"
	"math"

	"github.com/cairndb/cairn"
)

// cairnSQL is sqlDB over the cairn root package: pooled sessions for calls
// outside transactions (each distinct SQL text is parsed and planned once
// per session and its plan cached: cairn's prepared-statement path), a
// Tx for the load's transactions. Block cache 128 MiB (SQLite gets the
// same page cache per connection); NoSync unless the workload is synced.
type cairnSQL struct {
	db *cairn.DB
}

func openCairnSQL(dir string, sync bool, conns int) (sqlDB, error) {
	db, err := cairn.Open(dir, &cairn.Options{NoSync: !sync, CacheSize: sqlCacheBytes, MaxIdleSessions: max(conns, 4)})
	if err != nil {
		return nil, err
	}
	return &cairnSQL{db: db}, nil
}

func (c *cairnSQL) Exec(sql string, args ...any) error {
	_, err := c.db.Exec(context.Background(), sql, cairnArgs(args)...)
	return err
}

// Conn returns the DB itself: db.Exec/Query from several goroutines take
// one pooled session each, which is how cairn is meant to be used.
func (c *cairnSQL) Conn() (sqlConn, error) { return &cairnConn{db: c.db}, nil }

func (c *cairnSQL) Retryable(err error) bool { return cairn.IsSerializationFailure(err) }

func (c *cairnSQL) Close() error { return c.db.Close() }

type cairnConn struct {
	db *cairn.DB
	tx *cairn.Tx // between Begin and Commit
}

func (c *cairnConn) Prepare(sql string) (sqlStmt, error) { return &cairnStmt{c: c, sql: sql}, nil }

func (c *cairnConn) Begin() error {
	tx, err := c.db.Begin(context.Background(), nil)
	c.tx = tx
	return err
}

func (c *cairnConn) Commit() error {
	tx := c.tx
	c.tx = nil
	return tx.Commit()
}

func (c *cairnConn) Close() error {
	if c.tx != nil {
		c.tx.Rollback()
		c.tx = nil
	}
	return nil
}

// cairnStmt runs its SQL text through the DB's (or the open Tx's) session,
// whose statement cache makes it a prepared statement after the first call.
type cairnStmt struct {
	c   *cairnConn
	sql string
}

func (s *cairnStmt) Exec(args ...any) error {
	var err error
	if s.c.tx != nil {
		_, err = s.c.tx.Exec(context.Background(), s.sql, cairnArgs(args)...)
	} else {
		_, err = s.c.db.Exec(context.Background(), s.sql, cairnArgs(args)...)
	}
	return err
}

func (s *cairnStmt) Query(args ...any) (sqlRows, error) {
	var rows *cairn.Rows
	var err error
	if s.c.tx != nil {
		rows, err = s.c.tx.Query(context.Background(), s.sql, cairnArgs(args)...)
	} else {
		rows, err = s.c.db.Query(context.Background(), s.sql, cairnArgs(args)...)
	}
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// cairnArgs passes int64 arguments as int32, in place. cairn types a
// parameter by its Go argument (int64 is bigint), and its planner uses an
// index only for a value of the column's own type family: "id = $1" with
// an int64 argument against the INTEGER (int4) primary key is a full
// table scan (see README.md, "Known cairn issues"). All the benchmark's
// integers fit in int32.
func cairnArgs(args []any) []any {
	for i, a := range args {
		if v, ok := a.(int64); ok {
			if v < math.MinInt32 || v > math.MaxInt32 {
				panic(fmt.Sprintf("bench: argument %d does not fit an INTEGER", v))
			}
			args[i] = int32(v)
		}
	}
	return args
}
