package plan

import (
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// scope is what names can refer to while binding an expression: the
// columns of the current input, and enclosing scopes for correlated
// subqueries.
type scope struct {
	cols   []Column
	parent *scope
	// marker scopes hold no columns and are not a level of outer rows:
	// one sits between a subquery and the query it is nested in, to record
	// whether the subquery is correlated.
	marker bool
	// correlated is set when an expression bound in a child scope read
	// this scope's columns.
	correlated bool
}

// resolve finds a column: its depth (0 = this scope) and ordinal.
func (s *scope) resolve(table, name string, pos int) (depth, idx int, col Column, err error) {
	d := 0
	for sc := s; sc != nil; sc = sc.parent {
		if sc.marker {
			sc.correlated = true
			continue
		}
		found := -1
		for i, c := range sc.cols {
			if c.Name != name || (table != "" && c.Table != table) {
				continue
			}
			// Hidden columns (a table's row id) and the sides' copies of
			// a USING column answer to qualified names only.
			if table == "" && (c.Hidden && !c.System || c.Merged) {
				continue
			}
			if found >= 0 {
				return 0, 0, Column{}, sqlerr.New(sqlerr.AmbiguousColumn, "column reference %q is ambiguous", name).WithPosition(pos)
			}
			found = i
		}
		if found >= 0 {
			if d == 0 {
				// Not an outer reference after all: undo the markers.
				for m := s; m != sc; m = m.parent {
					if m.marker {
						m.correlated = false
					}
				}
			}
			return d, found, sc.cols[found], nil
		}
		d++
	}
	if table != "" {
		if !s.hasTable(table) {
			return 0, 0, Column{}, sqlerr.New(sqlerr.UndefinedTable, "missing FROM-clause entry for table %q", table).WithPosition(pos)
		}
		return 0, 0, Column{}, sqlerr.New(sqlerr.UndefinedColumn, "column %s.%s does not exist", table, name).WithPosition(pos)
	}
	return 0, 0, Column{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q does not exist", name).WithPosition(pos)
}

func (s *scope) hasTable(t string) bool {
	for sc := s; sc != nil; sc = sc.parent {
		for _, c := range sc.cols {
			if c.Table == t {
				return true
			}
		}
	}
	return false
}

func (s *scope) at(depth int) *scope {
	sc := s
	for depth > 0 || sc.marker {
		if !sc.marker {
			depth--
		}
		sc = sc.parent
	}
	return sc
}
