package driver

import (
	"errors"
	"fmt"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Error is a SQL error with its SQLSTATE. It has the fields of
// cairn.Error; errors.As(err, &e) with e *driver.Error works on errors
// from database/sql calls.
type Error struct {
	Code     string
	Message  string
	Detail   string
	Hint     string
	Position int

	cause error
}

func (e *Error) Error() string {
	return fmt.Sprintf("ERROR: %s (SQLSTATE %s)", e.Message, e.Code)
}

// SQLState returns the code.
func (e *Error) SQLState() string { return e.Code }

// Unwrap returns the engine's error.
func (e *Error) Unwrap() error { return e.cause }

func convertError(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlerr.Error
	if errors.As(err, &se) {
		return &Error{Code: string(se.Code), Message: se.Message, Detail: se.Detail, Hint: se.Hint, Position: se.Position, cause: err}
	}
	return err
}
