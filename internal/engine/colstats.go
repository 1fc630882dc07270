package engine

import (
	"math/rand/v2"
	"slices"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Column statistics, as PostgreSQL's ANALYZE gathers them: from a sample
// of about statsSampleRows rows (each row kept with the same probability,
// drawn from a generator seeded by the table, so ANALYZE of unchanged data
// gives the same figures), per column the fraction of NULLs,
// an estimate of the distinct values, the most common values with their
// frequencies, and an equal-population histogram of the rest.
const (
	statsSampleRows = 30000
	statsMaxMCV     = 20
	statsBuckets    = 20
	// statsMaxValueLen: longer values are counted but kept out of the
	// MCV list and the histogram (PostgreSQL skips wide values too).
	statsMaxValueLen = 200
)

// sampleTable counts d's rows and gathers its column statistics. rows is
// the count known before (0 if none), which sets the sampling step.
func sampleTable(txn *mvcc.Txn, d *catalog.Descriptor, rows int64) (*catalog.TableStats, error) {
	cols, err := plan.TableColumns(d)
	if err != nil {
		return nil, err
	}
	p := 1.0
	if rows > statsSampleRows {
		p = float64(statsSampleRows) / float64(rows)
	}
	rng := rand.New(rand.NewPCG(uint64(d.ID), uint64(rows)))
	keep := func() bool { return p >= 1 || rng.Float64() < p }
	// Documents, arrays and byte strings get no statistics: no
	// estimate reads them, and decoding a sample of 1 KB documents is
	// most of an ANALYZE's work.
	needed := make([]bool, len(cols))
	for i := range needed {
		needed[i] = i < len(d.Columns) && statsWorthy(cols[i].Type)
	}
	var sample [][]types.Datum
	n, err := exec.SampleRows(txn, d, cols, needed, keep, func(r exec.Row) error {
		sample = append(sample, slices.Clone(r[:min(len(r), len(d.Columns))]))
		return nil
	})
	if err != nil {
		return nil, err
	}
	ts := &catalog.TableStats{Rows: n, Sampled: int64(len(sample))}
	for i, c := range d.Columns {
		if c.Hidden || i >= len(cols) || !needed[i] {
			continue
		}
		vals := make([]types.Datum, 0, len(sample))
		for _, r := range sample {
			vals = append(vals, r[i])
		}
		ts.Columns = append(ts.Columns, columnStats(c.ID, vals, n))
	}
	return ts, nil
}

// isText reports whether d is a string the statistics keep as its text.
func isText(d types.Datum) bool {
	switch d.Kind() {
	case types.TextFamily, types.VarcharFamily, types.CharFamily:
		return true
	}
	return false
}

// statsWorthy reports whether ANALYZE keeps statistics for a column of
// type t: not for documents, arrays or byte strings.
func statsWorthy(t types.Type) bool {
	if t.IsArray() {
		return false
	}
	switch t.Family() {
	case types.JSONBFamily, types.ByteaFamily:
		return false
	}
	return true
}

// columnStats summarizes one column's sampled values; total is the
// table's row count.
func columnStats(id uint32, vals []types.Datum, total int64) catalog.ColumnStats {
	cs := catalog.ColumnStats{ColumnID: id}
	sampled := len(vals)
	if sampled == 0 {
		return cs
	}
	// Values too wide to keep as a most common value or a histogram
	// bound are counted but neither sorted nor grouped; they are taken
	// to be distinct, as PostgreSQL's ANALYZE takes them (a sample of
	// documents' bodies cost a bulk load more than its inserts).
	nonNull := make([]types.Datum, 0, len(vals))
	wide := 0
	for _, v := range vals {
		switch {
		case v.IsNull():
		case isText(v) && len(v.Str()) > statsMaxValueLen:
			wide++
		default:
			nonNull = append(nonNull, v)
		}
	}
	cs.NullFrac = float64(sampled-len(nonNull)-wide) / float64(sampled)
	if len(nonNull)+wide == 0 {
		return cs
	}
	slices.SortFunc(nonNull, types.Compare)
	type group struct {
		v     types.Datum
		count int
	}
	groups := make([]group, 0, len(nonNull))
	for _, v := range nonNull {
		if len(groups) > 0 && types.Compare(groups[len(groups)-1].v, v) == 0 {
			groups[len(groups)-1].count++
			continue
		}
		groups = append(groups, group{v, 1})
	}
	// Distinct values: exact when the sample is the table; else the
	// Haas-Stokes estimator PostgreSQL uses, n*d / (n - f1 + f1*n/N),
	// where f1 values were seen once.
	d, nn := float64(len(groups)+wide), float64(len(nonNull)+wide)
	popNonNull := float64(total) * (1 - cs.NullFrac)
	f1 := float64(wide)
	for _, g := range groups {
		if g.count == 1 {
			f1++
		}
	}
	switch {
	case int64(sampled) >= total:
		cs.Distinct = d
	case f1 == nn:
		cs.Distinct = popNonNull // every value seen once: unique
	default:
		cs.Distinct = nn * d / (nn - f1 + f1*nn/popNonNull)
	}
	cs.Distinct = max(d, min(cs.Distinct, popNonNull))

	// Most common values: seen more than once and clearly more often than
	// the average value.
	byCount := slices.Clone(groups)
	slices.SortStableFunc(byCount, func(a, b group) int { return b.count - a.count })
	avg := nn / d
	inMCV := map[int]bool{}
	for _, g := range byCount {
		if len(cs.MCV) == statsMaxMCV || g.count < 2 || float64(g.count) < 1.25*avg && d > statsMaxMCV {
			break
		}
		text := types.FormatText(g.v)
		if len(text) > statsMaxValueLen {
			continue
		}
		cs.MCV = append(cs.MCV, text)
		cs.MCF = append(cs.MCF, float64(g.count)/float64(sampled))
		i, _ := slices.BinarySearchFunc(groups, g.v, func(x group, v types.Datum) int { return types.Compare(x.v, v) })
		inMCV[i] = true
	}
	// Histogram over the values left, in order.
	rest := make([]types.Datum, 0, len(nonNull))
	for i, g := range groups {
		if inMCV[i] {
			continue
		}
		for range g.count {
			rest = append(rest, g.v)
		}
	}
	if len(rest) >= 2 {
		buckets := min(statsBuckets, len(rest)-1)
		for b := 0; b <= buckets; b++ {
			v := rest[b*(len(rest)-1)/buckets]
			text := types.FormatText(v)
			if len(text) > statsMaxValueLen {
				cs.Histogram = nil
				break
			}
			if len(cs.Histogram) == 0 || cs.Histogram[len(cs.Histogram)-1] != text {
				cs.Histogram = append(cs.Histogram, text)
			}
		}
		if len(cs.Histogram) < 2 {
			cs.Histogram = nil
		}
	}
	return cs
}
