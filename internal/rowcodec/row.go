package rowcodec

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
)

// rowVersion is the first byte of every encoded row.
const rowVersion byte = 1

// Column is one column of a row: its stable id (never reused within a
// table) and its value.
type Column struct {
	ID    uint32
	Value Value
}

// AppendRow appends the row value encoding of cols: a version byte, then
// per non-NULL column its id, kind and payload (doc.go). NULL columns are
// omitted, and so are columns a row was written before they existed, so
// adding a column never rewrites rows. Order is kept; callers write
// ascending ids by convention.
func AppendRow(dst []byte, cols []Column) []byte {
	dst = append(dst, rowVersion)
	for _, c := range cols {
		if c.Value.kind == KindNull {
			continue
		}
		dst = binary.AppendUvarint(dst, uint64(c.ID))
		dst = appendRowValue(dst, c.Value)
	}
	return dst
}

func appendRowValue(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.kind))
	switch v.kind {
	case KindBool:
		return append(dst, byte(v.i))
	case KindInt, KindTimestamp:
		return binary.AppendVarint(dst, v.i)
	case KindFloat:
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.f))
	case KindDecimal:
		d := v.d
		flags := byte(d.Form) << 1
		if d.Negative {
			flags |= 1
		}
		dst = append(dst, flags)
		dst = binary.AppendVarint(dst, int64(d.Exponent))
		mag := d.Coeff.MathBigInt().Bytes()
		dst = binary.AppendUvarint(dst, uint64(len(mag)))
		return append(dst, mag...)
	case KindString, KindBytes:
		dst = binary.AppendUvarint(dst, uint64(len(v.s)))
		return append(dst, v.s...)
	case KindUUID:
		return append(dst, v.s...)
	}
	panic(fmt.Sprintf("rowcodec: unknown kind %d", v.kind))
}

// DecodeRow decodes a row encoded by AppendRow. Every value is decoded
// exactly as it was given (floats bit for bit, decimals with their
// exponent).
func DecodeRow(src []byte) ([]Column, error) {
	var cols []Column
	err := walkRow(src, func(id uint32, v Value) bool {
		cols = append(cols, Column{ID: id, Value: v})
		return true
	})
	return cols, err
}

// RowReader reads an encoded row's columns one at a time without
// allocating, so a reader can skip the columns it does not need.
type RowReader struct {
	src []byte
}

// NewRowReader starts reading an encoded row.
func NewRowReader(src []byte) (RowReader, error) {
	if len(src) == 0 || src[0] != rowVersion {
		return RowReader{}, fmt.Errorf("%w: row version byte missing or unknown", ErrCorrupt)
	}
	return RowReader{src: src[1:]}, nil
}

// Next returns the next column's id; ok is false at the end of the row.
// Value or Skip must follow before the next call.
func (r *RowReader) Next() (id uint32, ok bool, err error) {
	if len(r.src) == 0 {
		return 0, false, nil
	}
	if b := r.src[0]; b < 0x80 { // the usual one-byte id, in line
		r.src = r.src[1:]
		return uint32(b), true, nil
	}
	x, n := binary.Uvarint(r.src)
	if n <= 0 || x > math.MaxUint32 {
		return 0, false, fmt.Errorf("%w: bad column id", ErrCorrupt)
	}
	r.src = r.src[n:]
	return uint32(x), true, nil
}

// Value decodes the current column's value.
func (r *RowReader) Value() (Value, error) { return r.ValueIn(nil) }

// ValueIn is Value with the bytes of a string or bytes value copied into
// a (nil: a string of its own).
func (r *RowReader) ValueIn(a *Arena) (Value, error) {
	v, rest, err := decodeRowValueSkip(r.src, false, a, false)
	r.src = rest
	return v, err
}

// SharedMin is the length from which ValueShared returns a string or
// bytes value as a view of the row instead of a copy.
const SharedMin = 512

// ValueShared is ValueIn for a row in shared memory (as
// mvcc.Txn.GetShared reports it): a string or bytes value of at least
// SharedMin bytes is a view of the row, not a copy. Copying a large
// value (a document) into fresh memory is a good part of reading it;
// the view instead keeps the row's block alive as long as the value
// lives, a few times the value's size at most for a value this large.
func (r *RowReader) ValueShared(a *Arena) (Value, error) {
	v, rest, err := decodeRowValueSkip(r.src, false, a, true)
	r.src = rest
	return v, err
}

// Int decodes the current column's value when it is an integer (KindInt);
// ok is false, nothing consumed, for any other value (NULL included) or
// a malformed one, which Value then decodes or reports.
func (r *RowReader) Int() (x int64, ok bool) {
	if len(r.src) < 2 || Kind(r.src[0]) != KindInt {
		return 0, false
	}
	x, n := binary.Varint(r.src[1:])
	if n <= 0 {
		return 0, false
	}
	r.src = r.src[1+n:]
	return x, true
}

// Text is Int for a string value (KindString), copied into a (nil: a
// string of its own).
func (r *RowReader) Text(a *Arena) (s string, ok bool) {
	b, ok := r.textBytes()
	if !ok {
		return "", false
	}
	return a.String(b), true
}

// TextView is Text without a copy: the string is a view of the row's
// bytes, valid only while they are.
func (r *RowReader) TextView() (s string, ok bool) {
	b, ok := r.textBytes()
	if !ok {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}

func (r *RowReader) textBytes() ([]byte, bool) {
	if len(r.src) < 2 || Kind(r.src[0]) != KindString {
		return nil, false
	}
	return r.lenPrefixed()
}

// lenPrefixed consumes the current value when it is a kind byte and a
// length-prefixed payload (a string or bytes), returning the payload; ok
// is false, nothing consumed, for a malformed one.
func (r *RowReader) lenPrefixed() ([]byte, bool) {
	l, n := binary.Uvarint(r.src[1:])
	if n <= 0 || l > uint64(len(r.src)-1-n) {
		return nil, false
	}
	b := r.src[1+n : 1+n+int(l)]
	r.src = r.src[1+n+int(l):]
	return b, true
}

// Skip passes over the current column's value.
func (r *RowReader) Skip() error {
	// The common kinds in line: a scan skips every column its statement
	// does not read.
	if len(r.src) >= 2 {
		switch Kind(r.src[0]) {
		case KindString, KindBytes:
			if _, ok := r.lenPrefixed(); ok {
				return nil
			}
		case KindInt, KindTimestamp:
			if _, n := binary.Varint(r.src[1:]); n > 0 {
				r.src = r.src[1+n:]
				return nil
			}
		}
	}
	_, rest, err := decodeRowValueSkip(r.src, true, nil, false)
	r.src = rest
	return err
}

// RowColumn returns the value of column id in an encoded row, or NULL if
// the row does not hold it.
func RowColumn(src []byte, id uint32) (Value, error) {
	var out Value
	err := walkRow(src, func(cid uint32, v Value) bool {
		if cid == id {
			out = v
			return false
		}
		return true
	})
	return out, err
}

func walkRow(src []byte, fn func(uint32, Value) bool) error {
	if len(src) == 0 || src[0] != rowVersion {
		return fmt.Errorf("%w: row version byte missing or unknown", ErrCorrupt)
	}
	src = src[1:]
	for len(src) > 0 {
		id, n := binary.Uvarint(src)
		if n <= 0 || id > math.MaxUint32 {
			return fmt.Errorf("%w: bad column id", ErrCorrupt)
		}
		v, rest, err := decodeRowValue(src[n:])
		if err != nil {
			return fmt.Errorf("column %d: %w", id, err)
		}
		src = rest
		if !fn(uint32(id), v) {
			return nil
		}
	}
	return nil
}

func decodeRowValue(src []byte) (Value, []byte, error) {
	return decodeRowValueSkip(src, false, nil, false)
}

// decodeRowValueSkip decodes one value, or with skip only finds its end
// (strings and decimals are then not built). Strings are carved from a
// when it is not nil; with shared, those of SharedMin bytes or more are
// views of src (see ValueShared).
func decodeRowValueSkip(src []byte, skip bool, a *Arena, shared bool) (Value, []byte, error) {
	if len(src) == 0 {
		return Value{}, nil, fmt.Errorf("%w: missing kind", ErrCorrupt)
	}
	k := Kind(src[0])
	src = src[1:]
	// short builds the error only when there is one: formatting it for
	// every value would cost more than decoding the value.
	short := func() error { return fmt.Errorf("%w: truncated %s", ErrCorrupt, k) }
	varint := func() (int64, bool) {
		x, n := binary.Varint(src)
		if n <= 0 {
			return 0, false
		}
		src = src[n:]
		return x, true
	}
	lenBytes := func() ([]byte, bool) {
		l, n := binary.Uvarint(src)
		if n <= 0 || l > uint64(len(src)-n) {
			return nil, false
		}
		b := src[n : n+int(l)]
		src = src[n+int(l):]
		return b, true
	}
	switch k {
	case KindBool:
		if len(src) < 1 || src[0] > 1 {
			return Value{}, nil, short()
		}
		return Bool(src[0] == 1), src[1:], nil
	case KindInt, KindTimestamp:
		x, ok := varint()
		if !ok {
			return Value{}, nil, short()
		}
		return Value{kind: k, i: x}, src, nil
	case KindFloat:
		if len(src) < 8 {
			return Value{}, nil, short()
		}
		return Float(math.Float64frombits(binary.LittleEndian.Uint64(src))), src[8:], nil
	case KindDecimal:
		if len(src) < 1 {
			return Value{}, nil, short()
		}
		flags := src[0]
		src = src[1:]
		form := apd.Form(flags >> 1)
		if form > apd.NaN {
			return Value{}, nil, fmt.Errorf("%w: decimal form %d", ErrCorrupt, flags>>1)
		}
		e, ok := varint()
		if !ok || e < math.MinInt32 || e > math.MaxInt32 {
			return Value{}, nil, short()
		}
		mag, ok := lenBytes()
		if !ok {
			return Value{}, nil, short()
		}
		if skip {
			return Value{}, src, nil
		}
		d := &apd.Decimal{Form: form, Negative: flags&1 != 0, Exponent: int32(e)}
		d.Coeff.SetBytes(mag)
		return Value{kind: KindDecimal, d: d}, src, nil
	case KindString, KindBytes:
		b, ok := lenBytes()
		if !ok {
			return Value{}, nil, short()
		}
		if skip {
			return Value{}, src, nil
		}
		if shared && len(b) >= SharedMin {
			return Value{kind: k, s: unsafe.String(unsafe.SliceData(b), len(b))}, src, nil
		}
		return Value{kind: k, s: a.String(b)}, src, nil
	case KindUUID:
		if len(src) < 16 {
			return Value{}, nil, short()
		}
		return Value{kind: KindUUID, s: string(src[:16])}, src[16:], nil
	}
	return Value{}, nil, fmt.Errorf("%w: unknown kind %d", ErrCorrupt, k)
}
