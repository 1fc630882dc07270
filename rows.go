package cairn

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/godatum"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Rows is a query's result, read with Next and Scan.
type Rows struct {
	cols   []engine.Column
	rows   [][]types.Datum
	tag    string
	pos    int // 1-based index of the current row; 0 before the first Next
	closed bool
	err    error
}

func newRows(res []engine.Result) *Rows {
	if len(res) == 0 {
		return &Rows{}
	}
	r := res[len(res)-1]
	return &Rows{cols: r.Columns, rows: r.Rows, tag: r.Tag}
}

// Next advances to the next row, reporting whether there is one.
func (r *Rows) Next() bool {
	if r.closed || r.pos >= len(r.rows) {
		r.closed = true
		return false
	}
	r.pos++
	return true
}

// Columns returns the result's column names.
func (r *Rows) Columns() []string {
	names := make([]string, len(r.cols))
	for i, c := range r.cols {
		names[i] = c.Name
	}
	return names
}

// ColumnType describes a result column.
type ColumnType struct {
	Name string
	// DatabaseTypeName is the PostgreSQL type name, upper case: INT4,
	// TEXT, TIMESTAMPTZ, ...
	DatabaseTypeName string
	// OID is the PostgreSQL type OID.
	OID uint32
}

// ColumnTypes describes the result's columns.
func (r *Rows) ColumnTypes() []ColumnType {
	out := make([]ColumnType, len(r.cols))
	for i, c := range r.cols {
		out[i] = ColumnType{Name: c.Name, DatabaseTypeName: godatum.DatabaseTypeName(c.Type), OID: c.Type.OID()}
	}
	return out
}

// Tag returns the statement's command tag ("SELECT 3").
func (r *Rows) Tag() string { return r.tag }

// Err returns the error, if any, met while iterating.
func (r *Rows) Err() error { return r.err }

// Close ends the iteration; it is safe to call more than once.
func (r *Rows) Close() error {
	r.closed = true
	return nil
}

// Values returns the current row as Go values (what Scan into *any
// gives).
func (r *Rows) Values() ([]any, error) {
	row, err := r.current()
	if err != nil {
		return nil, err
	}
	out := make([]any, len(row))
	for i, d := range row {
		out[i] = godatum.Value(d)
	}
	return out, nil
}

func (r *Rows) current() ([]types.Datum, error) {
	if r.closed {
		return nil, errors.New("cairn: Rows are closed")
	}
	if r.pos == 0 {
		return nil, errors.New("cairn: Scan called without calling Next")
	}
	return r.rows[r.pos-1], nil
}

// Scan copies the current row's values into dest, one per column.
func (r *Rows) Scan(dest ...any) error {
	row, err := r.current()
	if err != nil {
		return err
	}
	if len(dest) != len(row) {
		return fmt.Errorf("cairn: Scan: expected %d destination arguments, got %d", len(row), len(dest))
	}
	for i, d := range row {
		if err := scanDatum(d, dest[i]); err != nil {
			name := ""
			if i < len(r.cols) {
				name = r.cols[i].Name
			}
			return fmt.Errorf("cairn: Scan: column %d (%q): %w", i, name, err)
		}
	}
	return nil
}

// Row is the result of QueryRow.
type Row struct {
	rows *Rows
	err  error
}

// Scan copies the first row's values into dest; ErrNoRows if there is
// none.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		return ErrNoRows
	}
	return r.rows.Scan(dest...)
}

// Err returns the query's error, if any, without scanning.
func (r *Row) Err() error { return r.err }

var timeType = reflect.TypeFor[time.Time]()

// scanDatum stores d in dest.
func scanDatum(d types.Datum, dest any) error {
	switch p := dest.(type) {
	case nil:
		return errors.New("destination is nil")
	case *any:
		*p = godatum.Value(d)
		return nil
	case sql.Scanner:
		return p.Scan(godatum.DriverValue(d))
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dest)
	}
	return scanValue(d, rv.Elem())
}

func scanValue(d types.Datum, v reflect.Value) error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		// **T: nil for NULL, else a new T.
		if d.IsNull() {
			v.SetZero()
			return nil
		}
		n := reflect.New(t.Elem())
		if sc, ok := n.Interface().(sql.Scanner); ok {
			if err := sc.Scan(godatum.DriverValue(d)); err != nil {
				return err
			}
		} else if err := scanValue(d, n.Elem()); err != nil {
			return err
		}
		v.Set(n)
		return nil
	}
	if d.IsNull() {
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Interface {
			v.SetZero()
			return nil
		}
		return fmt.Errorf("cannot scan NULL into %s (use a pointer to a pointer or sql.Null*)", t)
	}
	if t == timeType {
		tm, ok := godatum.Time(d)
		if !ok {
			return fmt.Errorf("cannot scan %s value %s into time.Time", d.Kind(), types.FormatText(d))
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() == 0 {
			v.Set(reflect.ValueOf(godatum.Value(d)))
			return nil
		}
	case reflect.String:
		v.SetString(textOf(d))
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // []byte, json.RawMessage
			v.SetBytes(bytesOf(d))
			return nil
		}
	case reflect.Bool:
		switch d.Kind() {
		case types.BoolFamily:
			v.SetBool(d.Bool())
			return nil
		case types.TextFamily, types.VarcharFamily, types.CharFamily:
			b, err := strconv.ParseBool(d.Str())
			if err != nil {
				return fmt.Errorf("cannot scan text %q into bool", d.Str())
			}
			v.SetBool(b)
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := intOf(d)
		if err != nil {
			return err
		}
		if v.OverflowInt(n) {
			return fmt.Errorf("value %d overflows %s", n, t)
		}
		v.SetInt(n)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := intOf(d)
		if err != nil {
			return err
		}
		if n < 0 || v.OverflowUint(uint64(n)) {
			return fmt.Errorf("value %d overflows %s", n, t)
		}
		v.SetUint(uint64(n))
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := floatOf(d)
		if err != nil {
			return err
		}
		if t.Kind() == reflect.Float32 && !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) > math.MaxFloat32 {
			return fmt.Errorf("value %g overflows float32", f)
		}
		v.SetFloat(f)
		return nil
	}
	return fmt.Errorf("cannot scan %s into %s", d.Kind(), t)
}

// textOf is a datum as a string: the bytes of text, bytea and jsonb, the
// text form of anything else.
// bytesOf is textOf in a new slice the caller owns; a document is
// printed straight into it, not through a string copied again.
func bytesOf(d types.Datum) []byte {
	if d.Kind() == types.JSONBFamily {
		return d.Doc().TextBytes()
	}
	return []byte(textOf(d))
}

func textOf(d types.Datum) string {
	switch d.Kind() {
	case types.TextFamily, types.VarcharFamily, types.CharFamily, types.UnknownFamily:
		return d.Str()
	case types.ByteaFamily:
		return d.Bytes()
	case types.JSONBFamily:
		return d.JSON()
	}
	return types.FormatText(d)
}

func intOf(d types.Datum) (int64, error) {
	switch d.Kind() {
	case types.Int2Family, types.Int4Family, types.Int8Family:
		return d.Int(), nil
	case types.NumericFamily, types.TextFamily, types.VarcharFamily, types.CharFamily:
		s := textOf(d)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("cannot scan %s value %q into an integer", d.Kind(), s)
		}
		return n, nil
	}
	return 0, fmt.Errorf("cannot scan %s into an integer", d.Kind())
}

func floatOf(d types.Datum) (float64, error) {
	switch d.Kind() {
	case types.Int2Family, types.Int4Family, types.Int8Family:
		return float64(d.Int()), nil
	case types.Float4Family, types.Float8Family:
		return d.Float(), nil
	case types.NumericFamily, types.TextFamily, types.VarcharFamily, types.CharFamily:
		s := textOf(d)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("cannot scan %s value %q into a float", d.Kind(), s)
		}
		return f, nil
	}
	return 0, fmt.Errorf("cannot scan %s into a float", d.Kind())
}
