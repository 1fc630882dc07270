package engine

import (
	"errors"
	"regexp"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Enum types: CREATE TYPE ... AS ENUM, ALTER TYPE, DROP TYPE. The
// catalog keeps the type (catalog.TypeDesc) and each column of it a copy
// (catalog.Column.Enum), which every change here rewrites in the same
// transaction. Rows and keys store a value's sort order, which never
// changes, so no change rewrites data.

// typeNameOf checks the schema of a type's name: public, the one cairn has.
func typeNameOf(n ast.TableName) (string, error) {
	if n.Schema != "" && n.Schema != "public" {
		return "", sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", n.Schema)
	}
	return n.Name, nil
}

func (e *Engine) createType(txn *mvcc.Txn, st *ast.CreateType) (Result, error) {
	name, err := typeNameOf(st.Name)
	if err != nil {
		return Result{}, err
	}
	if types.IsBuiltinTypeName(strings.ToLower(name)) {
		return Result{}, catalog.ErrTypeExists(name)
	}
	td := &catalog.TypeDesc{Name: name}
	seen := map[string]bool{}
	for i, l := range st.Labels {
		if err := checkLabel(l); err != nil {
			return Result{}, err
		}
		if seen[l] {
			return Result{}, sqlerr.New(sqlerr.DuplicateObject, "enum label %q already exists", l)
		}
		seen[l] = true
		td.Labels = append(td.Labels, catalog.EnumLabel{Label: l, Sort: float64(i + 1)})
	}
	if err := catalog.CreateType(txn, td); err != nil {
		return Result{}, err
	}
	return Result{Tag: "CREATE TYPE"}, nil
}

func checkLabel(l string) error {
	if len(l) > types.MaxEnumLabelLen {
		return sqlerr.New(sqlerr.Code("42602"), "invalid enum label %q", l).
			WithDetail("Labels must be %d bytes or less.", types.MaxEnumLabelLen)
	}
	return nil
}

// lookupType returns the type named n, or PostgreSQL's 42704 error.
func lookupType(txn *mvcc.Txn, n ast.TableName) (*catalog.TypeDesc, error) {
	name, err := typeNameOf(n)
	if err != nil {
		return nil, err
	}
	td, ok, err := catalog.LookupType(txn, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, sqlerr.New(sqlerr.UndefinedObject, "type %q does not exist", name)
	}
	return td, nil
}

func (e *Engine) alterType(txn *mvcc.Txn, st *ast.AlterType) (Result, error) {
	td, err := lookupType(txn, st.Name)
	if err != nil {
		return Result{}, err
	}
	ok := Result{Tag: "ALTER TYPE"}
	labelAt := func(l string) int {
		for i, x := range td.Labels {
			if x.Label == l {
				return i
			}
		}
		return -1
	}
	switch {
	case st.Owner != "":
		return ok, nil
	case st.NewName != "":
		if st.NewName == td.Name {
			return ok, nil
		}
		if err := refuseSpelled(txn, td.Name, "", "rename type "+quoteIdent(td.Name)); err != nil {
			return Result{}, err
		}
		if types.IsBuiltinTypeName(strings.ToLower(st.NewName)) {
			return Result{}, catalog.ErrTypeExists(st.NewName)
		}
		if _, taken, err := catalog.LookupType(txn, st.NewName); err != nil {
			return Result{}, err
		} else if taken {
			return Result{}, catalog.ErrTypeExists(st.NewName)
		}
		if _, taken, err := catalog.Lookup(txn, st.NewName); err != nil {
			return Result{}, err
		} else if taken {
			return Result{}, catalog.ErrTypeExists(st.NewName)
		}
		if err := catalog.DropType(txn, td); err != nil {
			return Result{}, err
		}
		td.Name = st.NewName
	case st.RenameValue != "" || st.To != "":
		i := labelAt(st.RenameValue)
		if i < 0 {
			return Result{}, sqlerr.New(sqlerr.InvalidParameterValue, "%q is not an existing enum label", st.RenameValue)
		}
		if st.To == st.RenameValue {
			return ok, nil
		}
		if labelAt(st.To) >= 0 {
			return Result{}, sqlerr.New(sqlerr.DuplicateObject, "enum label %q already exists", st.To)
		}
		if err := checkLabel(st.To); err != nil {
			return Result{}, err
		}
		if err := refuseSpelled(txn, td.Name, st.RenameValue, "rename enum label "+builtins.QuoteLiteral(st.RenameValue)); err != nil {
			return Result{}, err
		}
		td.Labels[i].Label = st.To
	default:
		if labelAt(st.AddValue) >= 0 {
			if st.IfNotExists {
				return ok, nil
			}
			return Result{}, sqlerr.New(sqlerr.DuplicateObject, "enum label %q already exists", st.AddValue)
		}
		if err := checkLabel(st.AddValue); err != nil {
			return Result{}, err
		}
		at := len(td.Labels) // where the new label goes
		if st.Neighbour != "" {
			n := labelAt(st.Neighbour)
			if n < 0 {
				return Result{}, sqlerr.New(sqlerr.InvalidParameterValue, "%q is not an existing enum label", st.Neighbour)
			}
			at = n
			if !st.Before {
				at = n + 1
			}
		}
		// The new sort order lies between its neighbours' (one past the
		// last, one before the first), so no stored value changes.
		var sort float64
		switch {
		case len(td.Labels) == 0:
			sort = 1
		case at == len(td.Labels):
			sort = td.Labels[at-1].Sort + 1
		case at == 0:
			sort = td.Labels[0].Sort - 1
		default:
			lo, hi := td.Labels[at-1].Sort, td.Labels[at].Sort
			sort = lo + (hi-lo)/2
			if sort <= lo || sort >= hi {
				return Result{}, sqlerr.New(sqlerr.ProgramLimitExceeded, "cannot add enum label %q: no room left between %q and %q",
					st.AddValue, td.Labels[at-1].Label, td.Labels[at].Label).
					WithHint("Too many labels were added between these two; recreate the type to renumber it.")
			}
		}
		td.Labels = append(td.Labels[:at], append([]catalog.EnumLabel{{Label: st.AddValue, Sort: sort}}, td.Labels[at:]...)...)
	}
	if err := catalog.UpdateType(txn, td); err != nil {
		return Result{}, err
	}
	return ok, e.rewriteEnumColumns(txn, td)
}

// rewriteEnumColumns gives every column of type td (or of arrays of it)
// td's new definition.
func (e *Engine) rewriteEnumColumns(txn *mvcc.Txn, td *catalog.TypeDesc) error {
	all, err := catalog.List(txn)
	if err != nil {
		return err
	}
	for _, d := range all {
		changed := false
		for i := range d.Columns {
			c := &d.Columns[i]
			if c.Enum == nil || c.Enum.ID != td.ID {
				continue
			}
			t := plan.EnumType(td)
			if strings.HasSuffix(c.Type, "[]") {
				t = types.ArrayOf(t)
			}
			plan.SetColumnType(c, t)
			changed = true
		}
		if changed {
			if err := catalog.Update(txn, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// enumDependents lists what depends on type td: the columns of its type
// or of arrays of it.
func enumDependents(txn *mvcc.Txn, td *catalog.TypeDesc) ([]string, error) {
	all, err := catalog.List(txn)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range all {
		for _, c := range d.Columns {
			if c.Enum != nil && c.Enum.ID == td.ID {
				out = append(out, "column "+c.Name+" of table "+d.Name+" depends on type "+td.Name)
			}
		}
	}
	return out, nil
}

// storedSQL calls fn with every SQL text the catalog keeps (defaults,
// generated columns, CHECKs, index expressions and predicates, view and
// materialized view queries) and what it belongs to.
func storedSQL(txn *mvcc.Txn, fn func(sql, owner string) error) error {
	all, err := catalog.List(txn)
	if err != nil {
		return err
	}
	for _, d := range all {
		texts := map[string]string{}
		for _, c := range d.Columns {
			texts["default of column "+c.Name+" of "+d.Name] = c.Default
			texts["generated column "+c.Name+" of "+d.Name] = c.Generated
		}
		for _, k := range d.Checks {
			texts["constraint "+k.Name+" on "+d.Name] = k.Expr
		}
		for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
			texts["predicate of index "+ix.Name] = ix.Predicate
			for _, ic := range ix.Columns {
				texts["index "+ix.Name] += " " + ic.Expr
			}
		}
		texts["view "+d.Name] = d.ViewQuery
		texts["materialized view "+d.Name] = d.MatView
		for owner, sql := range texts {
			if strings.TrimSpace(sql) == "" {
				continue
			}
			if err := fn(sql, owner); err != nil {
				return err
			}
		}
	}
	return nil
}

// spelledBy returns what SQL text the catalog keeps spells type typ's
// name or, when label is set, the label as a string constant ("" for
// nothing): that text names the type or the value by its spelling, and
// would bind no more after a rename or a drop.
func spelledBy(txn *mvcc.Txn, typ, label string) (string, error) {
	var re *regexp.Regexp
	if label != "" {
		re = regexp.MustCompile(regexp.QuoteMeta(builtins.QuoteLiteral(label)))
	} else {
		re = regexp.MustCompile(`(?i)(^|[^a-z0-9_$"])` + regexp.QuoteMeta(typ) + `($|[^a-z0-9_$])|"` + regexp.QuoteMeta(typ) + `"`)
	}
	errFound := errors.New("found")
	var found string
	err := storedSQL(txn, func(sql, owner string) error {
		if re.MatchString(sql) {
			found = owner
			return errFound
		}
		return nil
	})
	if err != nil && err != errFound {
		return "", err
	}
	return found, nil
}

// refuseSpelled refuses a change (what) while spelledBy finds text that
// spells the type or label.
func refuseSpelled(txn *mvcc.Txn, typ, label, what string) error {
	owner, err := spelledBy(txn, typ, label)
	if err != nil || owner == "" {
		return err
	}
	return sqlerr.New(sqlerr.FeatureNotSupported, "cannot %s: the %s spells it", what, owner).
		WithHint("Drop or change that object first, and recreate it after.")
}

func (e *Engine) dropTypes(txn *mvcc.Txn, st *ast.Drop) (Result, error) {
	for _, n := range st.Names {
		td, err := lookupType(txn, n)
		if err != nil {
			if st.IfExists && sqlerr.CodeOf(err) == sqlerr.UndefinedObject {
				continue
			}
			return Result{}, err
		}
		deps, err := enumDependents(txn, td)
		if err != nil {
			return Result{}, err
		}
		if len(deps) == 0 {
			owner, err := spelledBy(txn, td.Name, "")
			if err != nil {
				return Result{}, err
			}
			if owner != "" {
				deps = []string{owner + " depends on type " + td.Name}
			}
		}
		if len(deps) > 0 {
			inUse := sqlerr.New(sqlerr.Code("2BP01"), "cannot drop type %s because other objects depend on it", builtins.QuoteIdent(td.Name)).
				WithDetail("%s", strings.Join(deps, "\n"))
			if st.Cascade {
				return Result{}, inUse.WithHint("DROP TYPE ... CASCADE does not drop dependent columns in cairn: drop them or change their type first.")
			}
			return Result{}, inUse.WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		if err := catalog.DropType(txn, td); err != nil {
			return Result{}, err
		}
	}
	return Result{Tag: "DROP TYPE"}, nil
}

func (e *Engine) commentOnType(txn *mvcc.Txn, st *ast.Comment) (Result, error) {
	td, err := lookupType(txn, st.Name)
	if err != nil {
		return Result{}, err
	}
	td.Comment = ""
	if st.Text != nil {
		td.Comment = *st.Text
	}
	if err := catalog.UpdateType(txn, td); err != nil {
		return Result{}, err
	}
	return Result{Tag: "COMMENT"}, nil
}
