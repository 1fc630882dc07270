package plan

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// tableSample binds FROM t TABLESAMPLE BERNOULLI|SYSTEM (percent)
// [REPEATABLE (seed)] as a filter over the scan keeping each row with
// that probability. SYSTEM samples rows too, where PostgreSQL samples
// pages. With REPEATABLE, a row's fate is a hash of the seed and its
// values, so the same seed over the same rows gives the same sample.
func (b *Binder) tableSample(s *ast.TableSample, scan *Scan) (Node, error) {
	method := strings.ToLower(s.Method)
	if method != "bernoulli" && method != "system" {
		return nil, sqlerr.New(sqlerr.UndefinedObject, "tablesample method %s does not exist", s.Method).WithPosition(b.charPos(int(s.Pos)))
	}
	if len(s.Args) != 1 {
		return nil, sqlerr.New(sqlerr.SyntaxError, "tablesample method %s requires 1 argument, not %d", method, len(s.Args)).WithPosition(b.charPos(int(s.Pos)))
	}
	// The arguments read no row: they are evaluated over none.
	arg := func(e ast.Expr) (Expr, error) {
		x, err := b.bindExpr(&scope{}, e)
		if err != nil {
			return nil, err
		}
		return b.cast(e, x, types.Float8, types.CastImplicit)
	}
	pct, err := arg(s.Args[0])
	if err != nil {
		return nil, err
	}
	args := []Expr{pct}
	seeded := s.Repeatable != nil
	if seeded {
		seed, err := arg(s.Repeatable)
		if err != nil {
			return nil, err
		}
		args = append(args, seed)
		for i, c := range scan.Cols {
			if !c.Hidden || c.Name == RowIDColumn {
				args = append(args, &ColRef{Idx: i, Typ: c.Type, Name: c.Name})
			}
		}
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, sqlerr.New(sqlerr.Code("2202H"), "TABLESAMPLE parameter cannot be null")
		}
		p := a[0].Float()
		if p < 0 || p > 100 || math.IsNaN(p) {
			return types.Null, sqlerr.New(sqlerr.Code("2202H"), "sample percentage must be between 0 and 100")
		}
		if !seeded {
			return types.NewBool(rand.Float64()*100 < p), nil
		}
		if a[1].IsNull() {
			return types.Null, sqlerr.New(sqlerr.Code("2202H"), "TABLESAMPLE REPEATABLE parameter cannot be null")
		}
		h := fnv.New64a()
		h.Write([]byte(types.FormatText(a[1])))
		for _, v := range a[2:] {
			h.Write([]byte{0})
			if !v.IsNull() {
				h.Write([]byte(types.FormatText(v)))
			}
		}
		return types.NewBool(float64(h.Sum64()>>11)/float64(1<<53)*100 < p), nil
	}
	pred := &Func{Name: "tablesample_" + method, Args: args, Fn: fn, Typ: types.Bool, Volatile: true}
	return &Filter{Input: scan, Pred: pred}, nil
}
