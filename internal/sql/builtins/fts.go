package builtins

import (
	"github.com/cairndb/cairn/internal/fts/analysis"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// fts_tokens(analyzer, text) shows the terms an analyzer makes of a text,
// in order (what an fts index stores and a query's words become).
func init() {
	register("fts_tokens", &overload{params: []param{p(types.Text), p(types.Text)}, ret: types.ArrayOf(types.Text), fn: func(a []types.Datum) (types.Datum, error) {
		toks, err := analysis.Tokens(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "%v", err)
		}
		out := make([]types.Datum, len(toks))
		for i, t := range toks {
			out[i] = types.NewText(t.Term)
		}
		return types.NewArray(types.ArrayOf(types.Text), out), nil
	}})
}
