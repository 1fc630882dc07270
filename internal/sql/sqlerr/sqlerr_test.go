package sqlerr

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

type conflict struct{}

func (conflict) Error() string    { return "conflict" }
func (conflict) SQLState() string { return "40001" }

func TestCodeOf(t *testing.T) {
	cases := []struct {
		err  error
		want Code
	}{
		{nil, SuccessfulCompletion},
		{New(UniqueViolation, "duplicate key"), UniqueViolation},
		{fmt.Errorf("insert: %w", New(NotNullViolation, "null")), NotNullViolation},
		{fmt.Errorf("commit: %w", conflict{}), SerializationFailure},
		{io.EOF, InternalError},
	}
	for _, c := range cases {
		if got := CodeOf(c.err); got != c.want {
			t.Errorf("CodeOf(%v) = %s, want %s", c.err, got, c.want)
		}
	}
	e := Wrap(io.ErrUnexpectedEOF, IOError, "read failed").WithDetail("d").WithHint("h").WithPosition(3)
	if !errors.Is(e, io.ErrUnexpectedEOF) || e.Detail != "d" || e.Hint != "h" || e.Position != 3 || e.Code.Class() != "58" {
		t.Fatalf("%+v", e)
	}
}
