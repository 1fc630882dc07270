package exec

import (
	"errors"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// rowsOp returns n one-column rows in batches of one, then panics if
// panics is set.
type rowsOp struct {
	n      int
	panics bool
	closed bool
}

func (o *rowsOp) Next() ([]Row, error) {
	if o.n == 0 {
		if o.panics {
			panic("a bug in a part")
		}
		return nil, nil
	}
	o.n--
	return []Row{{types.NewInt8(int64(o.n))}}, nil
}

func (o *rowsOp) Close() { o.closed = true }

// TestGatherPartPanics: a panic in a part's goroutine is the statement's
// internal error (XX000), as in its own goroutine, not the process's end;
// the other parts stop and every part is closed.
func TestGatherPartPanics(t *testing.T) {
	ok, bad := &rowsOp{n: 1000}, &rowsOp{n: 3, panics: true}
	g := &gatherOp{parts: []Operator{ok, bad}, done: make(chan struct{})}
	g.start()
	var err error
	for {
		var b []Row
		if b, err = g.Next(); err != nil || len(b) == 0 {
			break
		}
	}
	g.Close()
	var se *sqlerr.Error
	if !errors.As(err, &se) || se.Code != sqlerr.InternalError {
		t.Fatalf("gather ended with %v, want an internal error", err)
	}
	if !ok.closed || !bad.closed {
		t.Fatalf("parts closed: %v, %v", ok.closed, bad.closed)
	}
}
