package godatum

import (
	"database/sql"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/sql/types"
)

type myInt int16
type myString string

func TestFromGoNamedAndPointers(t *testing.T) {
	s := "p"
	var nilStr *string
	cases := []struct {
		in   any
		want string
	}{
		{myInt(7), "smallint:7"},
		{myString("n"), "text:n"},
		{&s, "text:p"},
		{nilStr, "NULL:NULL"},
		{sql.NullInt64{Int64: 3, Valid: true}, "bigint:3"},
		{sql.NullInt64{}, "NULL:NULL"},
		{uint(5), "bigint:5"},
	}
	for _, c := range cases {
		d, err := FromGo(c.in)
		if err != nil {
			t.Fatalf("%T: %v", c.in, err)
		}
		if got := d.Kind().String() + ":" + d.String(); got != c.want {
			t.Errorf("%T %v: got %s, want %s", c.in, c.in, got, c.want)
		}
	}
	if _, err := FromGo(map[string]int{}); err == nil {
		t.Error("map accepted")
	}
}

func TestValuesAndNames(t *testing.T) {
	ts := time.Date(2001, 2, 3, 4, 5, 6, 7000, time.UTC)
	if v := DriverValue(types.NewTimestampTZ(ts.UnixMicro())); v != ts {
		t.Errorf("timestamptz: %v", v)
	}
	if v := DriverValue(types.NewDate(1)); v != time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC) {
		t.Errorf("date: %v", v)
	}
	if v := DriverValue(types.NewTimestamp(types.TimestampPosInfinity)); v != "infinity" {
		t.Errorf("infinity: %#v", v)
	}
	if n := DatabaseTypeName(types.ArrayOf(types.Int4)); n != "_INT4" {
		t.Errorf("array name %s", n)
	}
	if n := DatabaseTypeName(types.Varchar(3)); n != "VARCHAR" {
		t.Errorf("varchar name %s", n)
	}
}
