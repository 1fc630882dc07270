package cairn

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
)

var diffSeed = flag.Uint64("collseed", 0, "seed for the collection differential tests (0: time)")

// The differential tests compare the collection API with a plain Go
// model written from the documented semantics (collection.go and
// filter.go), not from the compiler:
//
//   - a path reaches candidates: through objects by key; through an
//     array by the key in each element that is an object, and, for a
//     numeric component, by position;
//   - a value condition ($eq with a scalar, $gt..., $in, $regex) holds
//     for a candidate, or for an element of a candidate array, or (as
//     jsonpath's lax comparisons unwrap their operands) for an element
//     of an array inside it; comparisons only within one type;
//   - null matches null or a path that reaches nothing; equality with an
//     array or object is jsonb equality with the candidate or one of its
//     elements.

func TestCollectionDifferential(t *testing.T) {
	seed := *diffSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -collseed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	db := openMem(t)
	c := db.Collection("diff")
	g := &docGen{r: rng}

	const nDocs = 120
	model := map[string]any{}
	var docs []any
	for i := range nDocs {
		d := g.doc()
		d["_id"] = fmt.Sprintf("d%03d", i)
		b, _ := json.Marshal(d)
		docs = append(docs, json.RawMessage(b))
		model[d["_id"].(string)] = modelParse(b)
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}

	var filters []string
	for range 300 {
		b, _ := json.Marshal(g.filter(0))
		filters = append(filters, string(b))
	}
	check := func(phase string) (matchedAny int) {
		for _, f := range filters {
			want := []string{}
			fv := modelParse([]byte(f))
			for id, d := range model {
				if modelMatch(d, fv) {
					want = append(want, id)
				}
			}
			sort.Strings(want)
			got := findIDs(t, c, f, nil)
			if !slices.Equal(got, want) {
				sql, _, _ := c.findSQL(ctx, f, nil)
				t.Fatalf("seed %d, %s: Find(%s)\n got %v\nwant %v\nSQL: %s", seed, phase, f, got, want, sql)
			}
			if len(want) > 0 {
				matchedAny++
			}
		}
		return matchedAny
	}
	n1 := check("no indexes")
	for _, p := range []string{"a", "b", "a.b", "tags", "c.0", "n"} {
		// Unique only where updates do not write (they would collide).
		if err := c.CreateIndex(ctx, p, p == "c.0" && rng.IntN(2) == 0); err != nil {
			// A unique index may not build over duplicates.
			if !isCode(err, "23505") {
				t.Fatalf("seed %d: CreateIndex(%s): %v", seed, p, err)
			}
			if err := c.CreateIndex(ctx, p, false); err != nil {
				t.Fatalf("seed %d: CreateIndex(%s): %v", seed, p, err)
			}
		}
	}
	n2 := check("with indexes")
	t.Logf("%d documents, %d filters, %d with matches (without indexes), %d (with)", nDocs, len(filters), n1, n2)

	// Updates against the model.
	errs, changed := 0, int64(0)
	for i := range 150 {
		f, _ := json.Marshal(g.filter(0))
		u := g.update()
		ub, _ := json.Marshal(u)
		fv := modelParse(f)
		next := map[string]any{}
		var wantErr bool
		var wantMatched, wantModified int64
		for id, d := range model {
			if !modelMatch(d, fv) {
				next[id] = d
				continue
			}
			wantMatched++
			nd, err := modelUpdate(d, modelParse(ub))
			if err != nil {
				wantErr = true
				break
			}
			if canonJSON(nd) != canonJSON(d) {
				wantModified++
			}
			next[id] = nd
		}
		m, mod, err := c.Update(ctx, string(f), string(ub))
		if wantErr {
			if err == nil {
				t.Fatalf("seed %d, update %d: Update(%s, %s) succeeded, want an error", seed, i, f, ub)
			}
			errs++
		} else {
			if err != nil {
				t.Fatalf("seed %d, update %d: Update(%s, %s): %v", seed, i, f, ub, err)
			}
			if m != wantMatched || mod != wantModified {
				t.Fatalf("seed %d, update %d: Update(%s, %s) = %d, %d; want %d, %d", seed, i, f, ub, m, mod, wantMatched, wantModified)
			}
			for id := range next {
				model[id] = next[id]
			}
			changed += mod
		}
		// The stored documents equal the model's.
		cur, err := c.Find(ctx, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var raws []json.RawMessage
		if err := cur.All(ctx, &raws); err != nil {
			t.Fatal(err)
		}
		if len(raws) != len(model) {
			t.Fatalf("seed %d: %d documents, model has %d", seed, len(raws), len(model))
		}
		for _, r := range raws {
			d := modelParse(r)
			id := d.(map[string]any)["_id"].(string)
			if canonJSON(d) != canonJSON(model[id]) {
				t.Fatalf("seed %d, after update %d (%s, %s): document %s is\n %s\nmodel:\n %s", seed, i, f, ub, id, canonJSON(d), canonJSON(model[id]))
			}
		}
	}
	t.Logf("150 updates: %d documents changed, %d updates refused as the model refused them", changed, errs)
	check("after updates")
}

// docGen makes random documents, filters and updates over a small
// vocabulary, so that filters often hit.
type docGen struct{ r *rand.Rand }

var (
	genKeys    = []string{"a", "b", "c", "tags", "n", "0"}
	genStrings = []string{"", "x", "y", "go", "Go", "xy"}
	genPaths   = []string{"a", "b", "c", "n", "tags", "a.b", "a.c", "b.a", "c.0", "tags.0", "tags.1", "a.0", "a.b.c", "c.0.a", "a.0.b", "z"}
)

func (g *docGen) scalar() any {
	switch g.r.IntN(6) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		return genStrings[g.r.IntN(len(genStrings))]
	case 3:
		return json.Number(fmt.Sprint(g.r.IntN(7) - 2))
	case 4:
		return json.Number(fmt.Sprintf("%d.5", g.r.IntN(3)))
	}
	return json.Number(fmt.Sprint(g.r.IntN(3)))
}

func (g *docGen) value(depth int) any {
	if depth >= 3 {
		return g.scalar()
	}
	switch g.r.IntN(8) {
	case 0, 1:
		n := g.r.IntN(4)
		a := []any{}
		for range n {
			a = append(a, g.value(depth+1))
		}
		return a
	case 2:
		return g.object(depth + 1)
	}
	return g.scalar()
}

func (g *docGen) object(depth int) map[string]any {
	o := map[string]any{}
	for range g.r.IntN(4) {
		o[genKeys[g.r.IntN(len(genKeys))]] = g.value(depth)
	}
	return o
}

func (g *docGen) doc() map[string]any {
	d := g.object(0)
	if g.r.IntN(2) == 0 {
		d["tags"] = []any{genStrings[g.r.IntN(len(genStrings))], genStrings[g.r.IntN(len(genStrings))]}
	}
	return d
}

func (g *docGen) path() string { return genPaths[g.r.IntN(len(genPaths))] }

func (g *docGen) filter(depth int) map[string]any {
	f := map[string]any{}
	for range 1 + g.r.IntN(2) {
		if depth < 2 && g.r.IntN(6) == 0 {
			op := []string{"$and", "$or", "$nor"}[g.r.IntN(3)]
			f[op] = []any{g.filter(depth + 1), g.filter(depth + 1)}
			continue
		}
		f[g.path()] = g.cond(depth)
	}
	return f
}

func (g *docGen) cond(depth int) any {
	switch g.r.IntN(16) {
	case 0, 1:
		return g.scalar()
	case 2:
		return map[string]any{"$ne": g.scalar()}
	case 3:
		op := []string{"$gt", "$gte", "$lt", "$lte"}[g.r.IntN(4)]
		return map[string]any{op: g.scalar()}
	case 4:
		return map[string]any{"$gt": g.scalar(), "$lt": g.scalar()}
	case 5:
		return map[string]any{"$in": []any{g.scalar(), g.scalar()}}
	case 6:
		return map[string]any{"$nin": []any{g.scalar(), g.scalar()}}
	case 7:
		return map[string]any{"$exists": g.r.IntN(2) == 0}
	case 8:
		m := map[string]any{"$regex": []string{"^x", "o$", "^$", "y"}[g.r.IntN(4)]}
		if g.r.IntN(2) == 0 {
			m["$options"] = "i"
		}
		return m
	case 9:
		return map[string]any{"$all": []any{g.scalar(), g.scalar()}}
	case 10:
		return map[string]any{"$size": g.r.IntN(3)}
	case 11:
		if depth < 2 {
			if g.r.IntN(2) == 0 {
				return map[string]any{"$elemMatch": map[string]any{"$gte": g.scalar()}}
			}
			return map[string]any{"$elemMatch": g.filter(depth + 1)}
		}
		return g.scalar()
	case 12:
		return map[string]any{"$not": map[string]any{"$gt": g.scalar()}}
	case 13:
		return g.value(1) // arrays and objects: container equality
	case 14:
		return map[string]any{"$eq": nil}
	}
	return map[string]any{"$in": []any{g.value(2), nil}}
}

var updatePaths = []string{"a", "b", "n", "a.b", "a.c", "tags", "new", "new.deep.x"}

func (g *docGen) update() map[string]any {
	u := map[string]any{}
	used := map[string]bool{}
	for range 1 + g.r.IntN(2) {
		p := updatePaths[g.r.IntN(len(updatePaths))]
		conflict := false
		for q := range used {
			conflict = conflict || p == q || strings.HasPrefix(p, q+".") || strings.HasPrefix(q, p+".")
		}
		if conflict {
			continue
		}
		used[p] = true
		op := []string{"$set", "$unset", "$inc", "$push"}[g.r.IntN(4)]
		var v any
		switch op {
		case "$set":
			v = g.value(1)
		case "$unset":
			v = ""
		case "$inc":
			v = json.Number(fmt.Sprint(g.r.IntN(5) - 2))
		case "$push":
			v = g.scalar()
		}
		m, _ := u[op].(map[string]any)
		if m == nil {
			m = map[string]any{}
			u[op] = m
		}
		m[p] = v
	}
	return u
}

// The model: documents are encoding/json values with json.Number.

func modelParse(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

// canonJSON prints v with sorted keys and numbers reduced (3.0 as 3).
func canonJSON(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%q:%s", k, canonJSON(v[k])))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		var parts []string
		for _, e := range v {
			parts = append(parts, canonJSON(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case json.Number:
		d, _, _ := apd.NewFromString(string(v))
		d.Reduce(d)
		return d.Text('f')
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func modelCandidates(v any, comps []string, out []any) []any {
	if len(comps) == 0 {
		return append(out, v)
	}
	k, rest := comps[0], comps[1:]
	switch v := v.(type) {
	case map[string]any:
		if x, ok := v[k]; ok {
			out = modelCandidates(x, rest, out)
		}
	case []any:
		for _, e := range v {
			if o, ok := e.(map[string]any); ok {
				if x, ok := o[k]; ok {
					out = modelCandidates(x, rest, out)
				}
			}
		}
		if i, ok := arrayIndex(k); ok && i < len(v) {
			out = modelCandidates(v[i], rest, out)
		}
	}
	return out
}

// leafItems is what a value condition sees of a candidate: the
// candidate, or its elements, each of which if an array is its elements.
func leafItems(x any) []any {
	a, ok := x.([]any)
	if !ok {
		return []any{x}
	}
	var out []any
	for _, e := range a {
		if ea, ok := e.([]any); ok {
			out = append(out, ea...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// modelCompare compares two scalars of one type; ok false otherwise.
func modelCompare(a, b any) (int, bool) {
	switch a := a.(type) {
	case nil:
		return 0, b == nil
	case bool:
		b, ok := b.(bool)
		if !ok {
			return 0, false
		}
		if a == b {
			return 0, true
		}
		if a {
			return 1, true
		}
		return -1, true
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return 0, false
		}
		x, _, _ := apd.NewFromString(string(a))
		y, _, _ := apd.NewFromString(string(b))
		return x.Cmp(y), true
	case string:
		b, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(a, b), true
	}
	return 0, false
}

func modelMatch(doc, filter any) bool {
	f, ok := filter.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range f {
		var ok bool
		switch k {
		case "$and", "$or", "$nor":
			any_, all := false, true
			for _, sub := range v.([]any) {
				m := modelMatch(doc, sub)
				any_ = any_ || m
				all = all && m
			}
			ok = map[string]bool{"$and": all, "$or": any_, "$nor": !any_}[k]
		default:
			ok = modelField(doc, strings.Split(k, "."), v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func isOps(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, false
	}
	for k := range m {
		if !strings.HasPrefix(k, "$") {
			return nil, false
		}
	}
	return m, true
}

func modelField(doc any, comps []string, cond any) bool {
	ops, ok := isOps(cond)
	if !ok {
		ops = map[string]any{"$eq": cond}
	}
	cands := modelCandidates(doc, comps, nil)
	for op, v := range ops {
		if !modelOp(cands, op, v, ops) {
			return false
		}
	}
	return true
}

func modelAnyItem(cands []any, pred func(any) bool) bool {
	for _, x := range cands {
		for _, it := range leafItems(x) {
			if pred(it) {
				return true
			}
		}
	}
	return false
}

func modelEq(cands []any, v any) bool {
	switch v.(type) {
	case nil:
		return len(cands) == 0 || modelAnyItem(cands, func(it any) bool { return it == nil })
	case map[string]any, []any:
		want := canonJSON(v)
		for _, x := range cands {
			if canonJSON(x) == want {
				return true
			}
			if a, ok := x.([]any); ok {
				for _, e := range a {
					if canonJSON(e) == want {
						return true
					}
				}
			}
		}
		return false
	}
	return modelAnyItem(cands, func(it any) bool {
		c, ok := modelCompare(it, v)
		return ok && c == 0
	})
}

func modelOp(cands []any, op string, v any, ops map[string]any) bool {
	switch op {
	case "$eq":
		return modelEq(cands, v)
	case "$ne":
		return !modelEq(cands, v)
	case "$in", "$nin":
		in := false
		for _, x := range v.([]any) {
			in = in || modelEq(cands, x)
		}
		return in == (op == "$in")
	case "$gt", "$gte", "$lt", "$lte":
		return modelAnyItem(cands, func(it any) bool {
			c, ok := modelCompare(it, v)
			if !ok {
				return false
			}
			return map[string]bool{"$gt": c > 0, "$gte": c >= 0, "$lt": c < 0, "$lte": c <= 0}[op]
		})
	case "$exists":
		return (len(cands) > 0) == v.(bool)
	case "$regex":
		pat := v.(string)
		if o, ok := ops["$options"].(string); ok && o != "" {
			pat = "(?" + o + ")" + pat
		}
		re := regexp.MustCompile(pat)
		return modelAnyItem(cands, func(it any) bool {
			s, ok := it.(string)
			return ok && re.MatchString(s)
		})
	case "$options":
		return true
	case "$all":
		list := v.([]any)
		if len(list) == 0 {
			return false
		}
		for _, x := range list {
			if !modelEq(cands, x) {
				return false
			}
		}
		return true
	case "$size":
		n, _ := v.(json.Number).Int64()
		for _, x := range cands {
			if a, ok := x.([]any); ok && int64(len(a)) == n {
				return true
			}
		}
		return false
	case "$not":
		sub := v.(map[string]any)
		for op2, v2 := range sub {
			if !modelOp(cands, op2, v2, sub) {
				return true
			}
		}
		return false
	case "$elemMatch":
		q := v.(map[string]any)
		for _, x := range cands {
			a, ok := x.([]any)
			if !ok {
				continue
			}
			for _, e := range a {
				_, hasAnd := q["$and"]
				_, hasOr := q["$or"]
				_, hasNor := q["$nor"]
				if sub, isOp := isOps(q); isOp && !hasAnd && !hasOr && !hasNor {
					all := true
					for op2, v2 := range sub {
						all = all && modelOp([]any{e}, op2, v2, sub)
					}
					if all {
						return true
					}
				} else if modelMatch(e, q) {
					return true
				}
			}
		}
		return false
	}
	panic("model: unknown operator " + op)
}

var errModel = fmt.Errorf("model: update refused")

// modelUpdate applies $set/$unset/$inc/$push over object-only paths.
func modelUpdate(doc, update any) (any, error) {
	d := modelParse([]byte(canonJSON(doc))).(map[string]any) // a deep copy
	for op, fields := range update.(map[string]any) {
		for path, v := range fields.(map[string]any) {
			comps := strings.Split(path, ".")
			parent := d
			for _, k := range comps[:len(comps)-1] {
				next, ok := parent[k]
				if !ok || next == nil {
					if op == "$unset" {
						parent = nil
						break
					}
					next = map[string]any{}
					parent[k] = next
				}
				o, ok := next.(map[string]any)
				if !ok {
					if op == "$unset" {
						parent = nil
						break
					}
					return nil, errModel
				}
				parent = o
			}
			if parent == nil {
				continue
			}
			last := comps[len(comps)-1]
			old, exists := parent[last]
			switch op {
			case "$set":
				parent[last] = v
			case "$unset":
				delete(parent, last)
			case "$inc":
				if !exists {
					parent[last] = v
					continue
				}
				n, ok := old.(json.Number)
				if !ok {
					return nil, errModel
				}
				x, _, _ := apd.NewFromString(string(n))
				y, _, _ := apd.NewFromString(string(v.(json.Number)))
				var z apd.Decimal
				apd.BaseContext.WithPrecision(100).Add(&z, x, y)
				parent[last] = json.Number(z.Text('f'))
			case "$push":
				if !exists {
					parent[last] = []any{v}
					continue
				}
				a, ok := old.([]any)
				if !ok {
					return nil, errModel
				}
				parent[last] = append(a, v)
			}
		}
	}
	return d, nil
}
