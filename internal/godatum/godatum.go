// Package godatum converts between Go values and SQL datums for cairn's Go
// faces: the root package's arguments and Scan, and the database/sql
// driver's arguments and result values. It sits above internal/sql/types
// and below the root package and the driver, which must not import each
// other's conversions.
//
// Arguments map to the narrowest natural type: int8/int16 to smallint,
// int32 to integer, int/int64 to bigint, float32 to real, float64 to double
// precision, string to text, []byte to bytea, bool to boolean, time.Time to
// timestamptz, json.RawMessage to jsonb, nil (or a nil pointer) to NULL.
// driver.Valuer values are converted through their Value.
//
// This package must never print, open files or hold state.
package godatum

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/cairndb/cairn/internal/sql/types"
)

// FromGo converts a Go argument to a datum.
func FromGo(v any) (types.Datum, error) {
	return fromGo(v, 0)
}

func fromGo(v any, depth int) (types.Datum, error) {
	if depth > 8 {
		return types.Null, fmt.Errorf("cairn: cannot convert %T to a SQL value: Value loop", v)
	}
	switch x := v.(type) {
	case nil:
		return types.Null, nil
	case types.Datum:
		return x, nil
	case int:
		return types.NewInt8(int64(x)), nil
	case int8:
		return types.NewInt2(int16(x)), nil
	case int16:
		return types.NewInt2(x), nil
	case int32:
		return types.NewInt4(x), nil
	case int64:
		return types.NewInt8(x), nil
	case uint8:
		return types.NewInt2(int16(x)), nil
	case uint16:
		return types.NewInt4(int32(x)), nil
	case uint32:
		return types.NewInt8(int64(x)), nil
	case uint:
		return fromUint(uint64(x)), nil
	case uint64:
		return fromUint(x), nil
	case float32:
		return types.NewFloat4(x), nil
	case float64:
		return types.NewFloat8(x), nil
	case string:
		return types.NewText(x), nil
	case bool:
		return types.NewBool(x), nil
	case json.RawMessage:
		if x == nil {
			return types.Null, nil
		}
		d, err := types.ParseText(types.JSONB, string(x))
		if err != nil {
			return types.Null, fmt.Errorf("cairn: json.RawMessage argument: %w", err)
		}
		return d, nil
	case []byte:
		if x == nil {
			return types.Null, nil
		}
		return types.NewBytea(x), nil
	case time.Time:
		return types.NewTimestampTZ(x.UnixMicro()), nil
	case *apd.Decimal:
		if x == nil {
			return types.Null, nil
		}
		return types.NewNumeric(x), nil
	case driver.Valuer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return types.Null, nil
		}
		dv, err := x.Value()
		if err != nil {
			return types.Null, err
		}
		return fromGo(dv, depth+1)
	}
	// Named types and pointers, by kind.
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return types.Null, nil
		}
		return fromGo(rv.Elem().Interface(), depth+1)
	case reflect.Int, reflect.Int64:
		return types.NewInt8(rv.Int()), nil
	case reflect.Int8, reflect.Int16:
		return types.NewInt2(int16(rv.Int())), nil
	case reflect.Int32:
		return types.NewInt4(int32(rv.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fromUint(rv.Uint()), nil
	case reflect.Float32:
		return types.NewFloat4(float32(rv.Float())), nil
	case reflect.Float64:
		return types.NewFloat8(rv.Float()), nil
	case reflect.String:
		return types.NewText(rv.String()), nil
	case reflect.Bool:
		return types.NewBool(rv.Bool()), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return types.Null, nil
			}
			return types.NewBytea(rv.Bytes()), nil
		}
	}
	return types.Null, fmt.Errorf("cairn: cannot convert argument of type %T to a SQL value", v)
}

// fromUint returns a bigint, or a numeric when u does not fit one.
func fromUint(u uint64) types.Datum {
	if u <= math.MaxInt64 {
		return types.NewInt8(int64(u))
	}
	var d apd.Decimal
	d.SetString(strconv.FormatUint(u, 10))
	return types.NewNumeric(&d)
}

// Params converts a list of Go arguments.
func Params(args []any) ([]types.Datum, error) {
	if len(args) == 0 {
		return nil, nil
	}
	out := make([]types.Datum, len(args))
	for i, a := range args {
		d, err := FromGo(a)
		if err != nil {
			return nil, fmt.Errorf("argument $%d: %w", i+1, err)
		}
		out[i] = d
	}
	return out, nil
}

// Time returns the instant of a date, timestamp or timestamptz datum, in
// UTC; ok is false for the infinities and for other kinds.
func Time(d types.Datum) (t time.Time, ok bool) {
	switch d.Kind() {
	case types.TimestampFamily, types.TimestampTZFamily:
		us := d.Micros()
		if us == types.TimestampNegInfinity || us == types.TimestampPosInfinity {
			return time.Time{}, false
		}
		return time.UnixMicro(us).UTC(), true
	case types.DateFamily:
		days := d.Date()
		if days == types.DateNegInfinity || days == types.DatePosInfinity {
			return time.Time{}, false
		}
		return time.Unix(int64(days)*86400, 0).UTC(), true
	}
	return time.Time{}, false
}

// DriverValue returns d as a database/sql driver.Value: nil, int64,
// float64, bool, string, []byte or time.Time. Bytea and jsonb are []byte
// (so jsonb scans into a json.RawMessage); numerics, uuids, intervals,
// times of day and arrays come as their text (database/sql converts a
// string to a number when scanning into one).
func DriverValue(d types.Datum) driver.Value {
	switch d.Kind() {
	case types.Int2Family, types.Int4Family, types.Int8Family:
		if name := d.RegClassName(); name != "" {
			return name // a regclass: the relation's name
		}
		return d.Int()
	case types.Float4Family, types.Float8Family:
		return d.Float()
	case types.BoolFamily:
		return d.Bool()
	case types.TextFamily, types.VarcharFamily, types.CharFamily, types.UnknownFamily, types.EnumFamily:
		return d.Str()
	case types.ByteaFamily:
		return []byte(d.Bytes())
	case types.JSONBFamily:
		return []byte(d.JSON())
	case types.DateFamily, types.TimestampFamily, types.TimestampTZFamily:
		if t, ok := Time(d); ok {
			return t
		}
	}
	if d.IsNull() {
		return nil
	}
	return types.FormatText(d)
}

// Value returns d as the natural Go value for scanning into *any: like
// DriverValue, but jsonb is a json.RawMessage.
func Value(d types.Datum) any {
	if d.Kind() == types.JSONBFamily {
		return json.RawMessage(d.JSON())
	}
	return DriverValue(d)
}

// DatabaseTypeName returns the upper-case PostgreSQL name of t (its
// pg_type.typname: INT4, VARCHAR, TIMESTAMPTZ; arrays prefixed with an
// underscore), as database/sql's ColumnType.DatabaseTypeName reports.
func DatabaseTypeName(t types.Type) string {
	if t.IsArray() {
		return "_" + DatabaseTypeName(t.Elem())
	}
	switch t.Family() {
	case types.BoolFamily:
		return "BOOL"
	case types.Int2Family:
		return "INT2"
	case types.Int4Family:
		return "INT4"
	case types.Int8Family:
		return "INT8"
	case types.Float4Family:
		return "FLOAT4"
	case types.Float8Family:
		return "FLOAT8"
	case types.NumericFamily:
		return "NUMERIC"
	case types.TextFamily:
		return "TEXT"
	case types.VarcharFamily:
		return "VARCHAR"
	case types.CharFamily:
		return "BPCHAR"
	case types.ByteaFamily:
		return "BYTEA"
	case types.DateFamily:
		return "DATE"
	case types.TimeFamily:
		return "TIME"
	case types.TimestampFamily:
		return "TIMESTAMP"
	case types.TimestampTZFamily:
		return "TIMESTAMPTZ"
	case types.IntervalFamily:
		return "INTERVAL"
	case types.UUIDFamily:
		return "UUID"
	case types.JSONBFamily:
		return "JSONB"
	case types.EnumFamily:
		return strings.ToUpper(t.String())
	}
	return "UNKNOWN"
}

// ScanType returns the Go type DriverValue produces for a column of type t.
func ScanType(t types.Type) reflect.Type {
	if t.IsArray() {
		return reflect.TypeFor[string]()
	}
	switch t.Family() {
	case types.Int2Family, types.Int4Family, types.Int8Family:
		return reflect.TypeFor[int64]()
	case types.Float4Family, types.Float8Family:
		return reflect.TypeFor[float64]()
	case types.BoolFamily:
		return reflect.TypeFor[bool]()
	case types.ByteaFamily, types.JSONBFamily:
		return reflect.TypeFor[[]byte]()
	case types.DateFamily, types.TimestampFamily, types.TimestampTZFamily:
		return reflect.TypeFor[time.Time]()
	}
	return reflect.TypeFor[string]()
}

// IsNumber reports whether values of t are numbers (right-aligned in
// tables).
func IsNumber(t types.Type) bool {
	return !t.IsArray() && t.IsNumeric() && t != types.RegClass // a regclass prints as a name
}
