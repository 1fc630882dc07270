package jsonb

import (
	"math"
	"strconv"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Path edits follow PostgreSQL's setPath: a path names keys of objects
// and subscripts of arrays; a step that does not exist stops the walk
// and changes nothing (only the last step may create a value); a NULL
// step (nulls[i]) matches nothing.

type editOp uint8

const (
	opReplace editOp = iota // jsonb_set without create_missing
	opCreate                // jsonb_set with create_missing
	opDelete                // #-
	opInsertBefore
	opInsertAfter
)

func (o editOp) creates() bool { return o == opCreate || o == opInsertBefore || o == opInsertAfter }
func (o editOp) inserts() bool { return o == opInsertBefore || o == opInsertAfter }

// Set is jsonb_set(target, path, new_value, create_missing).
func Set(d Doc, path []string, nulls []bool, newValue Doc, createMissing bool) (Doc, error) {
	if d.IsScalar() {
		return "", invalidParam("cannot set path in scalar")
	}
	if d.Len() == 0 && !createMissing || len(path) == 0 {
		return d, nil
	}
	op := opReplace
	if createMissing {
		op = opCreate
	}
	return edit(d, path, nulls, newValue.Value(), op)
}

// Insert is jsonb_insert(target, path, new_value, insert_after).
func Insert(d Doc, path []string, nulls []bool, newValue Doc, after bool) (Doc, error) {
	if d.IsScalar() {
		return "", invalidParam("cannot set path in scalar")
	}
	if len(path) == 0 {
		return d, nil
	}
	op := opInsertBefore
	if after {
		op = opInsertAfter
	}
	return edit(d, path, nulls, newValue.Value(), op)
}

// DeletePath is #-: removes the value at path.
func DeletePath(d Doc, path []string, nulls []bool) (Doc, error) {
	if d.IsScalar() {
		return "", invalidParam("cannot delete path in scalar")
	}
	if d.Len() == 0 || len(path) == 0 {
		return d, nil
	}
	return edit(d, path, nulls, Value{}, opDelete)
}

func edit(d Doc, path []string, nulls []bool, nv Value, op editOp) (Doc, error) {
	v, err := setPath(d.Value(), path, nulls, 0, nv, op)
	if err != nil {
		return "", err
	}
	return Encode(v)
}

func isNullStep(nulls []bool, i int) bool { return i < len(nulls) && nulls[i] }

func setPath(v Value, path []string, nulls []bool, level int, nv Value, op editOp) (Value, error) {
	switch v.Kind {
	case Object:
		return setPathObject(v, path, nulls, level, nv, op)
	case Array:
		return setPathArray(v, path, nulls, level, nv, op)
	}
	return v, nil
}

func setPathObject(v Value, path []string, nulls []bool, level int, nv Value, op editOp) (Value, error) {
	last := level == len(path)-1
	if isNullStep(nulls, level) {
		return v, nil
	}
	key := path[level]
	i := -1
	for j, k := range v.Keys {
		if k == key {
			i = j
			break
		}
	}
	if i < 0 {
		if op.creates() && last {
			keys := append(append([]string{}, v.Keys...), key)
			vals := append(append([]Value{}, v.Elems...), nv)
			return ObjectValue(keys, vals), nil
		}
		return v, nil
	}
	out := Value{Kind: Object, Keys: append([]string{}, v.Keys...), Elems: append([]Value{}, v.Elems...)}
	if !last {
		sub, err := setPath(v.Elems[i], path, nulls, level+1, nv, op)
		if err != nil {
			return Value{}, err
		}
		out.Elems[i] = sub
		return out, nil
	}
	if op.inserts() {
		return Value{}, sqlerr.New(sqlerr.InvalidParameterValue, "cannot replace existing key").
			WithHint("Try using the function jsonb_set to replace key value.")
	}
	if op == opDelete {
		out.Keys = append(out.Keys[:i], out.Keys[i+1:]...)
		out.Elems = append(out.Elems[:i], out.Elems[i+1:]...)
		return out, nil
	}
	out.Elems[i] = nv
	return out, nil
}

func setPathArray(v Value, path []string, nulls []bool, level int, nv Value, op editOp) (Value, error) {
	n := len(v.Elems)
	last := level == len(path)-1
	idx := n
	if !isNullStep(nulls, level) {
		i, err := strconv.ParseInt(path[level], 10, 32)
		if err != nil {
			return Value{}, sqlerr.New(sqlerr.InvalidTextRepresentation,
				"path element at position %d is not an integer: \"%s\"", level+1, path[level])
		}
		idx = int(i)
	}
	if idx < 0 {
		if -idx > n {
			idx = math.MinInt32
		} else {
			idx += n
		}
	}
	if idx > n {
		idx = n
	}
	if (idx == math.MinInt32 || n == 0) && last && op.creates() {
		return ArrayValue(append([]Value{nv}, v.Elems...)), nil
	}
	if idx >= 0 && idx < n {
		out := append([]Value{}, v.Elems...)
		if !last {
			sub, err := setPath(v.Elems[idx], path, nulls, level+1, nv, op)
			if err != nil {
				return Value{}, err
			}
			out[idx] = sub
			return ArrayValue(out), nil
		}
		switch op {
		case opDelete:
			out = append(out[:idx], out[idx+1:]...)
		case opInsertBefore:
			out = append(out[:idx], append([]Value{nv}, out[idx:]...)...)
		case opInsertAfter:
			out = append(out[:idx+1], append([]Value{nv}, out[idx+1:]...)...)
		default:
			out[idx] = nv
		}
		return ArrayValue(out), nil
	}
	if op.creates() && last {
		return ArrayValue(append(append([]Value{}, v.Elems...), nv)), nil
	}
	return v, nil
}
