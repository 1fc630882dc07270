package cairn

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Error is a SQL error: a SQLSTATE code and PostgreSQL-style message.
type Error struct {
	// Code is the five-character SQLSTATE ("23505", "40001", ...).
	Code    string
	Message string
	Detail  string
	Hint    string
	// Position is the 1-based character position in the statement text
	// the error refers to; 0 when none.
	Position int

	cause error
}

func (e *Error) Error() string {
	return fmt.Sprintf("ERROR: %s (SQLSTATE %s)", e.Message, e.Code)
}

// SQLState returns the code, as other PostgreSQL clients' errors do.
func (e *Error) SQLState() string { return e.Code }

// Unwrap returns the engine's error.
func (e *Error) Unwrap() error { return e.cause }

// Errors returned by DB, Tx and Rows.
var (
	// ErrClosed is returned by calls on a closed DB.
	ErrClosed = errors.New("cairn: database is closed")
	// ErrTxDone is returned by calls on a committed or rolled back Tx.
	ErrTxDone = errors.New("cairn: transaction has already been committed or rolled back")
	// ErrTxCommitRollback is returned by Commit when the transaction had
	// failed, so COMMIT rolled it back.
	ErrTxCommitRollback = errors.New("cairn: commit unexpectedly resulted in rollback")
	// ErrNoRows is returned by Row.Scan when the query returned no rows.
	// It is database/sql's ErrNoRows, so either can be tested for.
	ErrNoRows = errNoRows
)

// convertError turns the engine's *sqlerr.Error into an *Error; other
// errors pass through.
func convertError(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlerr.Error
	if errors.As(err, &se) {
		return &Error{Code: string(se.Code), Message: se.Message, Detail: se.Detail, Hint: se.Hint, Position: se.Position, cause: err}
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		return &Error{Code: st.SQLState(), Message: err.Error(), cause: err}
	}
	return err
}

// IsSerializationFailure reports whether err is a serialization failure
// (SQLSTATE 40001), the error a client should retry.
func IsSerializationFailure(err error) bool {
	var st interface{ SQLState() string }
	return errors.As(err, &st) && st.SQLState() == string(sqlerr.SerializationFailure)
}

// retryLimit bounds Retry's attempts, so a context without a deadline
// cannot spin for ever.
const retryLimit = 50

// Retry calls fn until it returns nil or an error other than a
// serialization failure (SQLSTATE 40001), sleeping between attempts with
// exponential backoff and jitter (1ms doubling to 200ms). It gives up
// when ctx is done (returning the last error) or after 50 attempts. fn
// should run a whole transaction, Begin to Commit.
func Retry(ctx context.Context, fn func() error) error {
	backoff := time.Millisecond
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !IsSerializationFailure(err) || attempt >= retryLimit {
			return err
		}
		sleep := backoff/2 + rand.N(backoff/2+1)
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		backoff = min(2*backoff, 200*time.Millisecond)
	}
}
