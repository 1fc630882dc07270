package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cairndb/cairn/internal/mvcc"
)

// txnCairn is txnEngine over internal/mvcc, on the kv workloads' storage
// options (cairnKVOptions), default isolation (snapshot).
type txnCairn struct {
	db *mvcc.DB
}

func (c *txnCairn) Open(dir string) error {
	db, err := mvcc.Open(dir, &mvcc.Options{LSM: *cairnKVOptions()})
	if err != nil {
		return err
	}
	c.db = db
	return nil
}

func (c *txnCairn) Close() error {
	if c.db == nil {
		return nil
	}
	err := c.db.Close()
	c.db = nil
	return err
}

func (c *txnCairn) Load(keys, values [][]byte) error {
	t, err := c.db.Begin(mvcc.TxnOptions{NoSync: true})
	if err != nil {
		return err
	}
	for i := range keys {
		if err := t.Put(keys[i], values[i]); err != nil {
			t.Rollback()
			return err
		}
	}
	return t.Commit()
}

func (c *txnCairn) Flush() error { return c.db.LSM().Flush() }

func (c *txnCairn) Update(key []byte, modify func(old []byte) ([]byte, error)) error {
	t, err := c.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return err
	}
	old, found, err := t.Get(key)
	if err == nil && !found {
		err = errKVNotFound
	}
	var v []byte
	if err == nil {
		v, err = modify(old)
	}
	if err == nil {
		err = t.Put(key, v)
	}
	if err != nil {
		t.Rollback()
		return err
	}
	err = t.Commit() // finishes the transaction, also when it fails
	var ce *mvcc.ConflictError
	if errors.As(err, &ce) && ce.SQLState() == "40001" {
		return fmt.Errorf("%w: %v", errTxnConflict, err)
	}
	return err
}

func (c *txnCairn) Read(key, want []byte) error {
	t, err := c.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	v, found, err := t.Get(key)
	switch {
	case err != nil:
	case !found:
		err = errKVNotFound
	case want != nil && !bytes.Equal(v, want):
		err = errKVMismatch
	}
	if err != nil {
		t.Rollback()
		return err
	}
	return t.Commit()
}

func (c *txnCairn) Scan(visit func(key, value []byte) error) error {
	t, err := c.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer t.Rollback()
	it := t.Scan(nil, nil)
	for it.Next() {
		if err := visit(it.Key(), it.Value()); err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

func (c *txnCairn) Stats() string {
	runs, dropped, _ := c.db.GCStats()
	return fmt.Sprintf("gc %d runs, %d versions dropped; %s", runs, dropped, cairnLSMStats(c.db.LSM()))
}
