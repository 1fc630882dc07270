package main

import (
	"errors"

	"github.com/cockroachdb/pebble"
)

// txnPebble is txnEngine over Pebble's indexed batches, with the kv
// workloads' options (kvPebbleOptions). A "transaction" is an indexed
// batch: reads go through it (the store plus the batch's own writes, no
// snapshot) and Commit applies it with no conflict check, so Update never
// reports a conflict.
type txnPebble struct {
	kvPebble // Open and Close: the same store and cache set-up
}

func (p *txnPebble) Load(keys, values [][]byte) error {
	b := p.db.NewBatch()
	defer b.Close()
	for i := range keys {
		_ = b.Set(keys[i], values[i], nil) // cannot fail in Pebble v1
	}
	return b.Commit(pebble.NoSync)
}

func (p *txnPebble) Flush() error { return p.db.Flush() }

func (p *txnPebble) Update(key []byte, modify func(old []byte) ([]byte, error)) error {
	b := p.db.NewIndexedBatch()
	defer b.Close()
	old, closer, err := b.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return errKVNotFound
	}
	if err != nil {
		return err
	}
	v, err := modify(old)
	if cerr := closer.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	_ = b.Set(key, v, nil)
	return b.Commit(pebble.Sync)
}

func (p *txnPebble) Read(key, want []byte) error {
	b := p.db.NewIndexedBatch()
	defer b.Close()
	v, closer, err := b.Get(key)
	return checkPebbleGet(v, closer, err, want)
}

func (p *txnPebble) Stats() string { return pebbleStats(p.db, p.stalls.Load()) }
