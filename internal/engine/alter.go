package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// alterTable applies ALTER TABLE commands. Rows store columns by id, so
// an added column without a default reads as NULL and a dropped one is
// ignored; only a column added with a default or NOT NULL to a table
// with rows makes them be rewritten (filled in by an UPDATE).
func (e *Engine) alterTable(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, st *ast.AlterTable) (Result, error) {
	d, ok, err := catalog.Lookup(txn, st.Name.Name)
	if err != nil {
		return Result{}, err
	}
	if !ok || d.Kind != catalog.KindTable {
		if st.IfExists && !ok {
			return Result{Tag: "ALTER TABLE"}, nil
		}
		return Result{}, catalog.ErrUndefinedTable(st.Name.Name)
	}
	for _, cmd := range st.Cmds {
		switch cmd.Kind {
		case ast.AlterAddColumn:
			cd := cmd.Column
			if d.Column(cd.Name) != nil {
				if cmd.IfNotExist {
					continue
				}
				return Result{}, sqlerr.New(sqlerr.DuplicateColumn, "column %q of relation %q already exists", cd.Name, d.Name)
			}
			t, err := b.ResolveType(cd.Type)
			if err != nil {
				return Result{}, err
			}
			col := catalog.Column{Name: cd.Name, Type: t.String()}
			for _, c := range cd.Constraints {
				switch c.Kind {
				case ast.ConstrNotNull:
					col.NotNull = true
				case ast.ConstrNull:
				case ast.ConstrDefault:
					col.Default = ast.Format(c.Expr)
				default:
					return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "constraint %s in ADD COLUMN is not supported yet", ast.Format(c))
				}
			}
			d.AddColumn(col)
			if col.NotNull || col.Default != "" {
				if n, err := e.countRows(b, txn, d); err != nil {
					return Result{}, err
				} else if n > 0 {
					if err := e.fillColumn(x, txn, d, cd); err != nil {
						return Result{}, err
					}
				}
			}
		case ast.AlterDropColumn:
			i := -1
			for j, c := range d.Columns {
				if c.Name == cmd.Name && !c.Hidden {
					i = j
				}
			}
			if i < 0 {
				if cmd.IfExists {
					continue
				}
				return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, d.Name)
			}
			id := d.Columns[i].ID
			if indexUses(&d.Primary, id) {
				return Result{}, sqlerr.New(sqlerr.Code("2BP01"), "cannot drop column %s of table %s because other objects depend on it", cmd.Name, d.Name)
			}
			for _, ix := range d.Indexes {
				if indexUses(&ix, id) {
					return Result{}, sqlerr.New(sqlerr.Code("2BP01"), "cannot drop column %s of table %s because index %s depends on it", cmd.Name, d.Name, ix.Name)
				}
			}
			d.Columns = append(d.Columns[:i], d.Columns[i+1:]...)
		case ast.AlterRenameColumn:
			c := d.Column(cmd.Name)
			if c == nil {
				return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q does not exist", cmd.Name)
			}
			if d.Column(cmd.NewName) != nil {
				return Result{}, sqlerr.New(sqlerr.DuplicateColumn, "column %q of relation %q already exists", cmd.NewName, d.Name)
			}
			c.Name = cmd.NewName
		case ast.AlterRenameTable:
			d.Name = cmd.NewName
		case ast.AlterColumnSetDefault, ast.AlterColumnDropDefault, ast.AlterColumnDropNotNull:
			c := d.Column(cmd.Name)
			if c == nil {
				return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, d.Name)
			}
			switch cmd.Kind {
			case ast.AlterColumnSetDefault:
				c.Default = ast.Format(cmd.Default)
			case ast.AlterColumnDropDefault:
				c.Default = ""
			default:
				c.NotNull = false
			}
		case ast.AlterAddConstraint:
			c := cmd.Constraint
			if c.Kind != ast.ConstrPrimaryKey && c.Kind != ast.ConstrUnique {
				return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "ALTER TABLE ADD %s is not supported yet", ast.Format(c))
			}
			if err := e.addKey(x, b, txn, d, c); err != nil {
				return Result{}, err
			}
		default:
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "this ALTER TABLE command is not supported yet")
		}
	}
	// CHECK constraints and index expressions name columns in their
	// text: a dropped or renamed column they use would leave them
	// unbindable, so such a change is refused.
	if _, err := plan.BindTableExprs(txn, d); err != nil {
		return Result{}, sqlerr.New(sqlerr.Code("2BP01"), "cannot alter table %q: a CHECK constraint or index expression depends on the column: %v", d.Name, err)
	}
	if err := catalog.Update(txn, d); err != nil {
		return Result{}, err
	}
	return Result{Tag: "ALTER TABLE"}, nil
}

// fillColumn writes a just-added column's default (NULL if it has none)
// into every existing row, checking NOT NULL as it goes. The descriptor
// is saved first so the UPDATE binds against the new column.
func (e *Engine) fillColumn(x *exec.Ctx, txn *mvcc.Txn, d *catalog.Descriptor, cd *ast.ColumnDef) error {
	if err := catalog.Update(txn, d); err != nil {
		return err
	}
	var value ast.Expr = &ast.Literal{Kind: ast.LitNull}
	for _, c := range cd.Constraints {
		if c.Kind == ast.ConstrDefault {
			value = c.Expr
		}
	}
	up := &ast.Update{Table: ast.TableName{Name: d.Name}, Set: []ast.SetClause{{Columns: []string{cd.Name}, Value: value}}}
	b := plan.NewBinder(txn, ast.Format(up), nil)
	n, err := b.Update(up)
	if err != nil {
		return err
	}
	if _, err := x.Update(n); err != nil {
		if se, ok := err.(*sqlerr.Error); ok && se.Code == sqlerr.NotNullViolation {
			return sqlerr.New(sqlerr.NotNullViolation, "column %q of relation %q contains null values", cd.Name, d.Name)
		}
		return err
	}
	return nil
}

func indexUses(ix *catalog.Index, colID uint32) bool {
	for _, c := range ix.Columns {
		if c.ColumnID == colID {
			return true
		}
	}
	return false
}

func (e *Engine) countRows(b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor) (int, error) {
	cols, err := plan.TableColumns(d)
	if err != nil {
		return 0, err
	}
	rows, err := (&exec.Ctx{Txn: txn}).Run(&plan.Limit{Input: &plan.Scan{Table: d, Cols: cols}, Count: &plan.Const{Val: types.NewInt8(1), Typ: types.Int8}})
	return len(rows), err
}

// workMem parses the work_mem setting as PostgreSQL does: kilobytes, or
// a number with a unit (kB, MB, GB, TB); at least 64 kB.
func workMem(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return exec.DefaultWorkMem, nil
	}
	num := strings.TrimRight(v, "kKmMgGtTbB ")
	unit := strings.ToLower(strings.TrimSpace(v[len(num):]))
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	mult := map[string]int64{"": 1 << 10, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}[unit]
	if err != nil || mult == 0 || n < 0 || n > (2<<40)/mult {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"work_mem\": %q", v).
			WithHint("Valid units for this parameter are \"kB\", \"MB\", \"GB\", and \"TB\".")
	}
	if n*mult < 64<<10 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "%d kB is outside the valid range for parameter \"work_mem\" (64 kB .. 2147483647 kB)", n*mult>>10)
	}
	return n * mult, nil
}

// statementTimeout parses the statement_timeout setting (milliseconds, or
// with a unit) into a duration; 0 means none.
func statementTimeout(v string) (time.Duration, error) {
	if v == "" || v == "0" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(strings.ToLower(strings.TrimSpace(v)))
	if err != nil {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"statement_timeout\": %q", v)
	}
	return d, nil
}
