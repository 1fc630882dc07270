package engine

import (
	"strconv"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// alterTable applies ALTER TABLE commands. Rows never need rewriting:
// they store columns by id, so an added column reads as NULL (or its
// default, for rows written later) and a dropped one is ignored.
func (e *Engine) alterTable(b *plan.Binder, txn *mvcc.Txn, st *ast.AlterTable) (Result, error) {
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
			if col.NotNull || col.Default != "" {
				// Existing rows would need the default written into them.
				if n, err := e.countRows(b, txn, d); err != nil {
					return Result{}, err
				} else if n > 0 {
					return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "adding a column with a default or NOT NULL to a non-empty table is not supported yet")
				}
			}
			d.AddColumn(col)
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
		default:
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "this ALTER TABLE command is not supported yet")
		}
	}
	if err := catalog.Update(txn, d); err != nil {
		return Result{}, err
	}
	return Result{Tag: "ALTER TABLE"}, nil
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

// statementTimeout parses the statement_timeout setting (milliseconds, or
// with a unit) into a duration; 0 means none.
func statementTimeout(v string) (time.Duration, error) {
	if v == "" || v == "0" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"statement_timeout\": %q", v)
	}
	return d, nil
}
