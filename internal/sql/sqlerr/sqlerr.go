// Package sqlerr is the error type of cairn's SQL layers: a PostgreSQL
// SQLSTATE code, a message in PostgreSQL's style, and optionally a detail, a
// hint and a byte position in the statement text. The types, catalog,
// planner, executor and session layers return *Error (or wrap one); the
// server sends its fields to clients unchanged. The parser keeps its own
// error type, since it must import nothing of cairn; the session layer
// converts it.
//
// This package must never import other cairn packages: it sits below every
// SQL layer.
package sqlerr

import (
	"errors"
	"fmt"
)

// Code is a SQLSTATE: five characters, the first two its class.
type Code string

// The SQLSTATEs cairn raises. Names follow PostgreSQL's errcodes.txt.
const (
	SuccessfulCompletion         Code = "00000"
	FeatureNotSupported          Code = "0A000"
	CardinalityViolation         Code = "21000"
	DataException                Code = "22000"
	StringDataRightTruncation    Code = "22001"
	NumericValueOutOfRange       Code = "22003"
	InvalidDatetimeFormat        Code = "22007"
	DatetimeFieldOverflow        Code = "22008"
	DivisionByZero               Code = "22012"
	InvalidParameterValue        Code = "22023"
	InvalidEscapeSequence        Code = "22025"
	InvalidRegularExpression     Code = "2201B"
	InvalidTextRepresentation    Code = "22P02"
	InvalidBinaryRepresentation  Code = "22P03"
	NullValueNotAllowed          Code = "22004"
	ArraySubscriptError          Code = "2202E"
	IntegrityConstraintViolation Code = "23000"
	NotNullViolation             Code = "23502"
	ForeignKeyViolation          Code = "23503"
	InvalidForeignKey            Code = "42830"
	UniqueViolation              Code = "23505"
	CheckViolation               Code = "23514"
	InvalidTransactionState      Code = "25000"
	ActiveSQLTransaction         Code = "25001"
	NoActiveSQLTransaction       Code = "25P01"
	InFailedSQLTransaction       Code = "25P02"
	ReadOnlySQLTransaction       Code = "25006"
	InvalidAuthorization         Code = "28000"
	InvalidPassword              Code = "28P01"
	SerializationFailure         Code = "40001"
	SyntaxError                  Code = "42601"
	InsufficientPrivilege        Code = "42501"
	UndefinedColumn              Code = "42703"
	UndefinedFunction            Code = "42883"
	UndefinedTable               Code = "42P01"
	UndefinedObject              Code = "42704"
	UndefinedParameter           Code = "42P02"
	DuplicateColumn              Code = "42701"
	DuplicateTable               Code = "42P07"
	DuplicateObject              Code = "42710"
	AmbiguousColumn              Code = "42702"
	AmbiguousFunction            Code = "42725"
	DatatypeMismatch             Code = "42804"
	GroupingError                Code = "42803"
	WindowingError               Code = "42P20"
	InvalidColumnReference       Code = "42P10"
	InvalidTableDefinition       Code = "42P16"
	IndeterminateDatatype        Code = "42P18"
	WrongObjectType              Code = "42809"
	InvalidRecursion             Code = "42P19"
	ProgramLimitExceeded         Code = "54000"
	ObjectInUse                  Code = "55006"
	QueryCanceled                Code = "57014"
	InternalError                Code = "XX000"
	DataCorrupted                Code = "XX001"
	IOError                      Code = "58030"

	SubstringError                     Code = "22011"
	InvalidArgumentForLogarithm        Code = "2201E"
	InvalidArgumentForPowerFunction    Code = "2201F"
	InvalidArgumentForNtileFunction    Code = "22014"
	InvalidArgumentForNthValueFunction Code = "22016"
	CharacterNotInRepertoire           Code = "22021"
	UntranslatableCharacter            Code = "22P05"
)

// Class returns the code's two-character class.
func (c Code) Class() string { return string(c[:2]) }

// Error is a SQL error.
type Error struct {
	Code    Code
	Message string
	Detail  string
	Hint    string
	// Position is a 1-based character position in the statement text, as
	// PostgreSQL reports it; 0 means none.
	Position int
	// cause is the underlying error, if any (an I/O error, say).
	cause error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.cause }

// SQLState returns the code: the method other packages' errors (the MVCC
// layer's conflicts, for one) also implement.
func (e *Error) SQLState() string { return string(e.Code) }

// New returns an error with a code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with a code and message whose cause is err.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), cause: err}
}

// WithDetail sets the detail and returns e.
func (e *Error) WithDetail(format string, args ...any) *Error {
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// WithHint sets the hint and returns e.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// WithPosition sets the 1-based character position and returns e.
func (e *Error) WithPosition(pos int) *Error {
	e.Position = pos
	return e
}

// CodeOf returns the SQLSTATE of err: the code of the first *Error or
// SQLState() method in its chain, or InternalError for anything else.
func CodeOf(err error) Code {
	if err == nil {
		return SuccessfulCompletion
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var s interface{ SQLState() string }
	if errors.As(err, &s) {
		return Code(s.SQLState())
	}
	return InternalError
}
