package exec

import (
	"sort"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// newWindow computes window functions: it reads all input rows, and for
// each call splits them into partitions, sorts each partition, and lets
// the function fill in one value per row. Rows come out in input order.
func (c *Ctx) newWindow(n *plan.Window) (Operator, error) {
	rows, err := c.Run(n.Input)
	if err != nil {
		return nil, err
	}
	nin := len(n.Input.Columns())
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = append(make(Row, 0, nin+len(n.Calls)), r...)
		out[i] = out[i][:nin+len(n.Calls)]
	}
	for ci, call := range n.Calls {
		args, err := c.compileAll(call.Args)
		if err != nil {
			return nil, err
		}
		parts, err := c.compileAll(call.PartitionBy)
		if err != nil {
			return nil, err
		}
		var filter evalFn
		if call.Filter != nil {
			if filter, err = c.compile(call.Filter); err != nil {
				return nil, err
			}
		}
		orderFns := make([]evalFn, len(call.OrderBy))
		for i, k := range call.OrderBy {
			if orderFns[i], err = c.compile(k.Expr); err != nil {
				return nil, err
			}
		}
		// Evaluate partition keys, order keys and arguments once per row.
		type wrow struct {
			idx  int
			keys Row // order keys
			args Row
			skip bool // FILTER is not true for it
		}
		groups := map[string][]wrow{}
		var order []string
		var buf []byte
		for i, r := range rows {
			pk := make(Row, len(parts))
			for j, p := range parts {
				if pk[j], err = p(r); err != nil {
					return nil, err
				}
			}
			wr := wrow{idx: i, keys: make(Row, len(orderFns)), args: make(Row, len(args))}
			if filter != nil {
				v, err := filter(r)
				if err != nil {
					return nil, err
				}
				wr.skip = v.IsNull() || !v.Bool()
			}
			for j, f := range orderFns {
				if wr.keys[j], err = f(r); err != nil {
					return nil, err
				}
			}
			for j, a := range args {
				if wr.args[j], err = a(r); err != nil {
					return nil, err
				}
			}
			buf = rowKey(buf[:0], pk)
			if _, ok := groups[string(buf)]; !ok {
				order = append(order, string(buf))
			}
			groups[string(buf)] = append(groups[string(buf)], wr)
		}
		keys := make([]plan.SortKey, len(call.OrderBy))
		for i, k := range call.OrderBy {
			keys[i] = plan.SortKey{Expr: &plan.ColRef{Idx: i}, Desc: k.Desc, NullsFirst: k.NullsFirst}
		}
		for _, g := range order {
			part := groups[g]
			if len(keys) > 0 {
				sortable := make([]Row, len(part))
				for i, wr := range part {
					sortable[i] = append(append(Row{}, wr.keys...), types.NewInt8(int64(i)))
				}
				if err := sortRows(sortable, keys); err != nil {
					return nil, err
				}
				sorted := make([]wrow, len(part))
				for i, sr := range sortable {
					sorted[i] = part[sr[len(sr)-1].Int()]
				}
				part = sorted
			}
			p := &partition{rows: make([]Row, len(part)), args: make([]Row, len(part)), frame: call.Frame, ordered: len(keys) > 0}
			for i, wr := range part {
				p.rows[i], p.args[i] = wr.keys, wr.args
				if wr.skip {
					if p.skip == nil {
						p.skip = make([]bool, len(part))
					}
					p.skip[i] = true
				}
			}
			p.computePeers()
			vals := make([]types.Datum, len(part))
			if err := call.Eval(p, vals); err != nil {
				return nil, err
			}
			for i, wr := range part {
				out[wr.idx][nin+ci] = vals[i]
			}
		}
	}
	return &sliceOp{rows: out}, nil
}

// partition implements builtins.Partition over sorted rows.
type partition struct {
	rows      []Row // order keys
	args      []Row
	frame     plan.Frame
	ordered   bool
	peerStart []int
	peerEnd   []int
	skip      []bool // rows FILTER leaves out (nil: none)
	// For GROUPS frames: each row's peer group (numbered from 0) and
	// where each group starts (groupStart[len] is the partition's end).
	group      []int
	groupStart []int
}

func (p *partition) computePeers() {
	n := len(p.rows)
	p.peerStart, p.peerEnd = make([]int, n), make([]int, n)
	if p.frame.Groups {
		p.group, p.groupStart = make([]int, n), nil
	}
	start := 0
	for i := 0; i <= n; i++ {
		if i == n || (i > start && !(p.ordered && samePeers(p.rows[start], p.rows[i]))) {
			for j := start; j < i; j++ {
				p.peerStart[j], p.peerEnd[j] = start, i
				if p.group != nil {
					p.group[j] = len(p.groupStart)
				}
			}
			if p.group != nil && i > start {
				p.groupStart = append(p.groupStart, start)
			}
			start = i
		}
	}
	if p.group != nil {
		p.groupStart = append(p.groupStart, n)
	}
}

// rangeBound is where a RANGE frame's bound off row r's key by size
// (dir -1: PRECEDING, 1: FOLLOWING) begins (end false: the first row
// whose key is not before the bound's value in the ORDER BY) or ends
// (end true: the first row whose key is after it). Rows with a NULL key
// are in no such frame; a bound beyond the key type's range is beyond
// every row.
func (p *partition) rangeBound(r int, size types.Datum, dir int64, end bool) int {
	f := p.frame
	// The rows with a key: NULLs sort first or last.
	lo, hi := 0, len(p.rows)
	if f.NullsFirst {
		for lo < hi && p.rows[lo][0].IsNull() {
			lo = p.peerEnd[lo]
		}
	} else if hi > 0 && p.rows[hi-1][0].IsNull() {
		hi = p.peerStart[hi-1]
	}
	// Forward in the ORDER BY is up for an ascending key, down for a
	// descending one.
	move := f.Add
	if (dir < 0) != f.Desc {
		move = f.Sub
	}
	bound, err := move(p.rows[r][0], size)
	if err != nil || bound.IsNull() {
		if dir < 0 {
			return lo
		}
		return hi
	}
	return lo + sort.Search(hi-lo, func(i int) bool {
		c := types.Compare(p.rows[lo+i][0], bound)
		if f.Desc {
			c = -c
		}
		if end {
			return c > 0
		}
		return c >= 0
	})
}

// groupBound is where the frame bound off peer groups from row r's
// group begins (end false) or ends (end true), clamped to the partition.
func (p *partition) groupBound(r int, off int64, end bool) int {
	groups := int64(len(p.groupStart) - 1)
	g := int64(p.group[r]) + off
	if end {
		g++ // a group ends where the next begins
	}
	return p.groupStart[max(0, min(g, groups))]
}

func samePeers(a, b Row) bool {
	for i := range a {
		if a[i].IsNull() != b[i].IsNull() {
			return false
		}
		if !a[i].IsNull() && types.Compare(a[i], b[i]) != 0 {
			return false
		}
	}
	return true
}

func (p *partition) Len() int                 { return len(p.rows) }
func (p *partition) Skipped(r int) bool       { return p.skip != nil && p.skip[r] }
func (p *partition) Arg(r, i int) types.Datum { return p.args[r][i] }
func (p *partition) Peers(r int) (int, int) {
	if !p.ordered {
		return 0, len(p.rows)
	}
	return p.peerStart[r], p.peerEnd[r]
}

func (p *partition) Excludes() bool { return p.frame.Exclude != ast.ExcludeNone }

func (p *partition) Excluded(r, i int) bool {
	switch p.frame.Exclude {
	case ast.ExcludeCurrentRow:
		return i == r
	case ast.ExcludeGroup, ast.ExcludeTies:
		s, e := p.Peers(r)
		return s <= i && i < e && (i != r || p.frame.Exclude == ast.ExcludeGroup)
	}
	return false
}

func (p *partition) Frame(r int) (int, int) {
	f, n := p.frame, len(p.rows)
	if f.Whole || !p.ordered && !f.Rows {
		return 0, n
	}
	var start, end int
	switch {
	case f.Rows:
		start, end = r+int(f.Start), r+int(f.End)+1
	case f.Groups:
		start, end = p.groupBound(r, f.Start, false), p.groupBound(r, f.End, true)
	default:
		// RANGE: the current row means its peer group.
		start, end = p.peerStart[r], p.peerEnd[r]
		if f.RangeOffset && !p.rows[r][0].IsNull() {
			if !f.StartOff.IsNull() {
				start = p.rangeBound(r, f.StartOff, f.Start, false)
			}
			if !f.EndOff.IsNull() {
				end = p.rangeBound(r, f.EndOff, f.End, true)
			}
		}
	}
	if f.StartUnbounded {
		start = 0
	}
	if f.EndUnbounded {
		end = n
	}
	return max(start, 0), min(end, n)
}
