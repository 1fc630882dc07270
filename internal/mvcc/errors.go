package mvcc

import (
	"errors"
	"fmt"
)

var (
	// ErrConflict matches (errors.Is) every serialization failure: the
	// transaction lost a race and may be retried. The concrete error is a
	// *ConflictError, which carries SQLSTATE 40001.
	ErrConflict = errors.New("mvcc: could not serialize access")
	// ErrTxnTooLarge is returned by a write that would take the
	// transaction's write set over its memory budget. The write has no
	// effect; the transaction stays usable (roll back, or to a savepoint).
	ErrTxnTooLarge = errors.New("mvcc: transaction too large")
	// ErrTxnDone is returned by any use of a committed or rolled back
	// transaction.
	ErrTxnDone = errors.New("mvcc: transaction already committed or rolled back")
	// ErrReadOnly is returned by writes in a read-only transaction.
	ErrReadOnly = errors.New("mvcc: write in a read-only transaction")
	// ErrKeyTooLarge is returned for keys over MaxKeySize.
	ErrKeyTooLarge = errors.New("mvcc: key too large")
	// ErrClosed is returned by Begin on a closed DB.
	ErrClosed = errors.New("mvcc: database is closed")
)

// ConflictError is a serialization failure at commit: another transaction
// that committed after this one's snapshot wrote Key, which this one wrote
// (first committer wins) or, under SERIALIZABLE, read.
type ConflictError struct {
	Key []byte
	// Reason is "write-write" or "read-write".
	Reason string
	ts     uint64 // the winning commit
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("mvcc: could not serialize access due to a concurrent update (%s conflict on key %q)", e.Reason, e.Key)
}

// SQLState returns "40001", serialization_failure: the client should retry.
func (e *ConflictError) SQLState() string { return "40001" }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
