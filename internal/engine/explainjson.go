package engine

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// EXPLAIN (FORMAT JSON): the text plan's tree as PostgreSQL's JSON
// shape, [{"Plan": {"Node Type": ..., "Plans": [...]}, ...}], read back
// from the text lines: a node line (the first, or "->  " indented under
// its parent) and its detail lines ("Key: value") below it.

// explainFormat returns EXPLAIN's FORMAT option: "text" (the default)
// or "json"; others are 0A000.
func explainFormat(st *ast.Explain) (string, error) {
	for _, o := range st.Options {
		if o.Name == "format" && o.Value != nil {
			f := strings.Trim(strings.ToLower(ast.Format(o.Value)), "'")
			switch f {
			case "text", "json":
				return f, nil
			}
			return "", sqlerr.New(sqlerr.FeatureNotSupported, "EXPLAIN format %q is not supported", f).WithHint("Use FORMAT TEXT or FORMAT JSON.")
		}
	}
	return "text", nil
}

var (
	explainCost   = regexp.MustCompile(`\s+\(cost=([0-9.]+)\.\.([0-9.]+) rows=([0-9]+)\)`)
	explainActual = regexp.MustCompile(`\s+\(actual time=([0-9.]+) ms rows=([0-9]+) loops=([0-9]+)\)`)
)

// jsonNode is one plan node of the JSON form: its fields in order.
type jsonNode struct {
	keys   []string
	vals   map[string]any
	plans  []*jsonNode
	indent int
}

func (n *jsonNode) set(k string, v any) {
	if _, ok := n.vals[k]; !ok {
		n.keys = append(n.keys, k)
	}
	n.vals[k] = v
}

func (n *jsonNode) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range n.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(n.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	if len(n.plans) > 0 {
		if len(n.keys) > 0 {
			b.WriteByte(',')
		}
		pb, err := json.Marshal(n.plans)
		if err != nil {
			return nil, err
		}
		b.WriteString(`"Plans":`)
		b.Write(pb)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// newJSONNode parses a node line's text: its type, relation and index,
// and its estimates and actual figures.
func newJSONNode(text string, indent int) *jsonNode {
	n := &jsonNode{vals: map[string]any{}, indent: indent}
	num := func(s string) any {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		return s
	}
	if m := explainActual.FindStringSubmatchIndex(text); m != nil {
		defer func(a, r, l string) {
			n.set("Actual Total Time", num(a))
			n.set("Actual Rows", num(r))
			n.set("Actual Loops", num(l))
		}(text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]])
		text = text[:m[0]] + text[m[1]:]
	}
	var cost []string
	if m := explainCost.FindStringSubmatch(text); m != nil {
		cost = m[1:]
		text = strings.Replace(text, m[0], "", 1)
	}
	relation := func(rel string) {
		name, alias, ok := strings.Cut(rel, " ")
		n.set("Relation Name", name)
		if ok {
			n.set("Alias", alias)
		}
	}
	kind, rest, _ := strings.Cut(text, " using ")
	if rest == "" {
		kind, rest, _ = strings.Cut(text, " on ")
		if rest != "" {
			n.set("Node Type", kind)
			relation(rest)
		} else {
			n.set("Node Type", strings.TrimSpace(text))
		}
	} else {
		idx, rel, _ := strings.Cut(rest, " on ")
		n.set("Node Type", kind)
		n.set("Index Name", idx)
		if rel != "" {
			relation(rel)
		}
	}
	if cost != nil {
		n.set("Startup Cost", num(cost[0]))
		n.set("Total Cost", num(cost[1]))
		n.set("Plan Rows", num(cost[2]))
	}
	return n
}

// explainJSON turns EXPLAIN's text lines into its JSON result: one row.
// Lines below the plan ("Planning Time: ...") become top-level fields.
func explainJSON(lines []string) (Result, error) {
	top := map[string]any{}
	var topKeys []string
	var root *jsonNode
	var stack []*jsonNode
	for _, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case root == nil:
			root = newJSONNode(trimmed, indent)
			stack = []*jsonNode{root}
		case strings.HasPrefix(trimmed, "->  "):
			n := newJSONNode(strings.TrimPrefix(trimmed, "->  "), indent)
			for len(stack) > 1 && stack[len(stack)-1].indent >= indent {
				stack = stack[:len(stack)-1]
			}
			parent := stack[len(stack)-1]
			parent.plans = append(parent.plans, n)
			stack = append(stack, n)
		case indent == 0:
			k, v, _ := strings.Cut(trimmed, ": ")
			if _, ok := top[k]; !ok {
				topKeys = append(topKeys, k)
			}
			top[k] = v
		default:
			k, v, ok := strings.Cut(trimmed, ": ")
			if !ok {
				continue
			}
			// The detail belongs to the deepest node above it.
			for len(stack) > 1 && stack[len(stack)-1].indent >= indent {
				stack = stack[:len(stack)-1]
			}
			stack[len(stack)-1].set(k, v)
		}
	}
	var b strings.Builder
	b.WriteString(`[{"Plan":`)
	pb, err := json.Marshal(root)
	if err != nil {
		return Result{}, err
	}
	b.Write(pb)
	for _, k := range topKeys {
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(top[k])
		b.WriteByte(',')
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteString("}]")
	return Result{Columns: []Column{{Name: "QUERY PLAN", Type: types.Text}}, Rows: [][]types.Datum{{types.NewText(b.String())}}, Tag: "EXPLAIN"}, nil
}
