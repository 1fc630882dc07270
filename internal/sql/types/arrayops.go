package types

// The array containment operators: a @> b (every element of b is in a),
// a <@ b, and a && b (a shares an element with b). Elements compare with
// the element type's equality, a NULL element equals nothing (so
// ARRAY[NULL] @> ARRAY[NULL] is false, as in PostgreSQL), and duplicates
// and dimensions do not matter. An untyped literal beside an array is an
// array of the other side's element type ('{1,2}').

// OpOverlap is &&.
const OpOverlap Op = jsonOpsEnd

// arrayOpFunc resolves @>, <@ and && on arrays; handled is false when l
// op r is not an array operator (jsonb's @> and <@ go on to jsonb).
func arrayOpFunc(op Op, l, r Type) (fn BinaryFn, t Type, handled bool, err error) {
	if op != OpContains && op != OpContainedBy && op != OpOverlap {
		return nil, Type{}, false, nil
	}
	if !l.array && !r.array {
		if op == OpOverlap {
			return nil, Type{}, true, noOperator(op, l, r)
		}
		return nil, Type{}, false, nil
	}
	lt, rt := l, r
	switch {
	case isUnknown(l):
		lt = r
	case isUnknown(r):
		rt = l
	case !l.array || !r.array:
		return nil, Type{}, true, noOperator(op, l, r)
	}
	eq, _, err := BinaryOpFunc(OpEq, lt.Elem(), rt.Elem())
	if err != nil || lt.Elem().fam == UnknownFamily {
		return nil, Type{}, true, noOperator(op, l, r)
	}
	contains := func(a, b *Array) (bool, error) { // every element of b is in a
		for _, y := range b.Elems {
			found, err := holdsElem(a, y, eq, false)
			if err != nil || !found {
				return false, err
			}
		}
		return true, nil
	}
	cmp := func(a, b Datum) (Datum, error) {
		var ok bool
		var err error
		switch op {
		case OpContains:
			ok, err = contains(a.arr, b.arr)
		case OpContainedBy:
			ok, err = contains(b.arr, a.arr)
		default:
			for _, x := range a.arr.Elems {
				if ok, err = holdsElem(b.arr, x, eq, true); ok || err != nil {
					break
				}
			}
		}
		if err != nil {
			return Null, err
		}
		return NewBool(ok), nil
	}
	return strict(parsingUnknowns(unknownParser(isUnknown(l), lt), unknownParser(isUnknown(r), rt), cmp)), Bool, true, nil
}

// holdsElem reports whether a has an element equal to x (x on the left
// of eq when xLeft); a NULL equals nothing.
func holdsElem(a *Array, x Datum, eq BinaryFn, xLeft bool) (bool, error) {
	if x.IsNull() {
		return false, nil
	}
	for _, e := range a.Elems {
		if e.IsNull() {
			continue
		}
		l, r := e, x
		if xLeft {
			l, r = x, e
		}
		v, err := eq(l, r)
		if err != nil {
			return false, err
		}
		if v.Bool() {
			return true, nil
		}
	}
	return false, nil
}
