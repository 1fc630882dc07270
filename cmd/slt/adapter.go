package main

import (
	"context"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/slt"
	"github.com/cairndb/cairn/internal/sql/types"
)

// executor is the part of an engine session the adapter uses.
type executor interface {
	Execute(ctx context.Context, sql string, params []types.Datum) ([]engine.Result, error)
}

// sltEngine adapts a session to the slt runner.
type sltEngine struct{ s executor }

// newEngine opens a fresh in-memory engine for one script.
func newEngine() (slt.Engine, func(), error) {
	eng, err := engine.Open("", &engine.Options{InMemory: true, NoSync: true})
	if err != nil {
		return nil, nil, err
	}
	return sltEngine{eng.NewSession()}, func() { eng.Close() }, nil
}

func (e sltEngine) Exec(ctx context.Context, sql string) error {
	_, err := e.s.Execute(ctx, sql, nil)
	return err
}

// Query returns the last statement's rows in the runner's value model.
func (e sltEngine) Query(ctx context.Context, sql string) ([][]any, error) {
	res, err := e.s.Execute(ctx, sql, nil)
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, nil
	}
	rows := res[len(res)-1].Rows
	out := make([][]any, len(rows))
	for i, row := range rows {
		vals := make([]any, len(row))
		for j, d := range row {
			vals[j] = sltValue(d)
		}
		out[i] = vals
	}
	return out, nil
}

// sltValue maps a datum to the runner's values: integers are int64,
// floats float64, text string, booleans bool, NULL nil, and anything
// else (numeric included) its PostgreSQL text.
func sltValue(d types.Datum) any {
	switch d.Kind() {
	case types.Int2Family, types.Int4Family, types.Int8Family:
		return d.Int()
	case types.Float4Family, types.Float8Family:
		return d.Float()
	case types.TextFamily, types.VarcharFamily, types.CharFamily, types.UnknownFamily:
		return d.Str()
	case types.BoolFamily:
		return d.Bool()
	}
	if d.IsNull() {
		return nil
	}
	return types.FormatText(d)
}
