package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

func TestZZDbg(t *testing.T) {
	e, _ := Open("", &Options{InMemory: true})
	s := e.NewSession()
	_, err := s.Execute(context.Background(), "CREATE TABLE t1 (x INTEGER); SELECT 1 IN (SELECT * FROM t1)", nil)
	var se *sqlerr.Error
	errors.As(err, &se)
	t.Log(se.Detail)
}
