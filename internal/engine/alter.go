package engine

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/parser"
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
	if ok && ownerOnly(st) {
		// OWNER TO, which pg_dump writes after every relation (views and
		// sequences too): cairn has one owner, so nothing changes.
		return Result{Tag: "ALTER TABLE"}, nil
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
			col := catalog.Column{Name: cd.Name}
			plan.SetColumnType(&col, t)
			// Key, CHECK and REFERENCES constraints of the column are
			// added as table constraints once it is filled in.
			var later []*ast.Constraint
			for _, c := range cd.Constraints {
				switch c.Kind {
				case ast.ConstrNotNull:
					col.NotNull = true
				case ast.ConstrNull:
				case ast.ConstrDefault:
					col.Default = ast.Format(c.Expr)
				case ast.ConstrGenerated:
					return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "ADD COLUMN ... GENERATED ALWAYS AS is not supported yet").
						WithHint("Create the table with the generated column.")
				case ast.ConstrPrimaryKey, ast.ConstrUnique, ast.ConstrCheck, ast.ConstrReferences:
					k := *c
					k.Columns = []string{cd.Name}
					later = append(later, &k)
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
			if len(later) > 0 {
				// The constraints' checks read the new column.
				if err := catalog.Update(txn, d); err != nil {
					return Result{}, err
				}
			}
			for _, c := range later {
				if err := e.addConstraint(x, b, txn, d, c); err != nil {
					return Result{}, err
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
			if err := e.addConstraint(x, b, txn, d, cmd.Constraint); err != nil {
				return Result{}, err
			}
		case ast.AlterDropConstraint:
			if err := e.dropConstraint(txn, d, cmd); err != nil {
				return Result{}, err
			}
		case ast.AlterColumnAddIdentity, ast.AlterColumnDropIdentity:
			if err := e.alterIdentity(txn, d, cmd); err != nil {
				return Result{}, err
			}
		case ast.AlterOwner, ast.AlterSetOptions:
			// One owner: nothing to change. Storage parameters tune
			// PostgreSQL's heap and vacuum, which cairn has not.
		case ast.AlterColumnSetStatistics:
			// Per-column statistics targets: cairn's ANALYZE samples
			// every column alike.
			if c := d.Column(cmd.Name); c == nil || c.Hidden {
				return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, d.Name)
			}
		case ast.AlterRenameConstraint:
			if err := renameConstraint(txn, d, cmd.Name, cmd.NewName); err != nil {
				return Result{}, err
			}
		case ast.AlterValidateConstraint:
			if err := e.validateConstraint(x, b, txn, d, cmd.Name); err != nil {
				return Result{}, err
			}
		case ast.AlterColumnType:
			if err := e.alterColumnType(x, b, txn, d, cmd); err != nil {
				return Result{}, err
			}
		case ast.AlterColumnSetNotNull:
			c := d.Column(cmd.Name)
			if c == nil || c.Hidden {
				return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, d.Name)
			}
			if !c.NotNull {
				if err := catalog.Update(txn, d); err != nil {
					return Result{}, err
				}
				rows, err := e.query(x, b, fmt.Sprintf("SELECT 1 FROM %s WHERE %s IS NULL LIMIT 1", quoteIdent(d.Name), quoteIdent(c.Name)))
				if err != nil {
					return Result{}, err
				}
				if len(rows) > 0 {
					return Result{}, sqlerr.New(sqlerr.NotNullViolation, "column %q of relation %q contains null values", c.Name, d.Name)
				}
				c.NotNull = true
			}
		default:
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "this ALTER TABLE command is not supported yet")
		}
	}
	// CHECK constraints and index expressions name columns in their
	// text: a dropped or renamed column they use would leave them
	// unbindable, so such a change is refused.
	if _, err := plan.BindTableExprs(txn, d); err != nil {
		return Result{}, sqlerr.New(sqlerr.Code("2BP01"), "cannot alter table %q: a CHECK constraint, index expression or generated column depends on the column: %v", d.Name, err)
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

// addConstraint adds a table constraint to d (ALTER TABLE ADD
// CONSTRAINT, or a constraint of ADD COLUMN), checking the rows already
// there as PostgreSQL does: a key's uniqueness, a CHECK's truth, a
// foreign key's referenced rows.
func (e *Engine) addConstraint(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, c *ast.Constraint) error {
	if err := checkedAtOnce(c); err != nil {
		return err
	}
	if c.Name != "" && constraintNamed(d, c.Name) && !(c.Kind == ast.ConstrPrimaryKey && hiddenKeyNamed(d, c.Name)) {
		return sqlerr.New(sqlerr.DuplicateObject, "constraint %q for relation %q already exists", c.Name, d.Name)
	}
	switch c.Kind {
	case ast.ConstrPrimaryKey, ast.ConstrUnique:
		return e.addKey(x, b, txn, d, c)
	case ast.ConstrCheck:
		return e.addCheck(x, b, txn, d, c)
	case ast.ConstrReferences:
		return e.addForeignKey(x, b, txn, d, c)
	}
	return sqlerr.New(sqlerr.FeatureNotSupported, "ALTER TABLE ADD %s is not supported yet", ast.Format(c))
}

// constraintNamed reports whether d has a CHECK, foreign key or index
// (key constraints are indexes) of that name.
// ownerOnly reports whether every command of st is OWNER TO.
func ownerOnly(st *ast.AlterTable) bool {
	for _, c := range st.Cmds {
		if c.Kind != ast.AlterOwner {
			return false
		}
	}
	return true
}

// hiddenKeyNamed reports whether name is the name of d's hidden primary
// key: a table without a primary key of its own has one on its row ids,
// named as a key would be (t_pkey), which gives the name up to the
// first real one (pg_dump adds "t_pkey" after creating the table).
func hiddenKeyNamed(d *catalog.Descriptor, name string) bool {
	return d.Primary.Name == name && d.RowIDKeyed()
}

func constraintNamed(d *catalog.Descriptor, name string) bool {
	for _, ch := range d.Checks {
		if ch.Name == name {
			return true
		}
	}
	for _, fk := range d.ForeignKeys {
		if fk.Name == name {
			return true
		}
	}
	if d.Primary.Name == name {
		return true
	}
	for _, ix := range d.Indexes {
		if ix.Name == name {
			return true
		}
	}
	return false
}

// addCheck adds a CHECK constraint after finding no row it is false for
// (23514 otherwise).
func (e *Engine) addCheck(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, c *ast.Constraint) error {
	name := c.Name
	if name == "" {
		base := d.Name + "_check"
		if len(c.Columns) == 1 {
			base = d.Name + "_" + c.Columns[0] + "_check"
		}
		name = base
		for i := 1; constraintNamed(d, name); i++ {
			name = base + strconv.Itoa(i)
		}
	}
	ch := catalog.Check{Name: name, Expr: ast.Format(c.Expr)}
	cols, err := plan.TableColumns(d)
	if err != nil {
		return err
	}
	if _, err := b.Check(d, cols, ch.Expr); err != nil {
		return err
	}
	if !c.NotValid {
		if err := e.checkRows(x, b, txn, d, ch); err != nil {
			return err
		}
	}
	d.Checks = append(d.Checks, ch)
	return nil
}

// checkRows finds no row of d that CHECK ch is false for (23514).
func (e *Engine) checkRows(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, ch catalog.Check) error {
	if err := catalog.Update(txn, d); err != nil {
		return err
	}
	rows, err := e.query(x, b, fmt.Sprintf("SELECT 1 FROM %s WHERE NOT (%s) LIMIT 1", quoteIdent(d.Name), ch.Expr))
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		return sqlerr.New(sqlerr.CheckViolation, "check constraint %q of relation %q is violated by some row", ch.Name, d.Name)
	}
	return nil
}

// checkedAtOnce refuses a deferrable constraint but a foreign key: cairn
// defers only foreign keys' checks to commit.
func checkedAtOnce(c *ast.Constraint) error {
	if c.Deferrable && c.Kind != ast.ConstrReferences {
		return sqlerr.New(sqlerr.FeatureNotSupported, "DEFERRABLE constraints other than foreign keys are not supported yet")
	}
	return nil
}

// validateConstraint checks the rows already in d against its CHECK or
// foreign key named name (ALTER TABLE VALIDATE CONSTRAINT, after ADD ...
// NOT VALID).
func (e *Engine) validateConstraint(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, name string) error {
	for _, ch := range d.Checks {
		if ch.Name == name {
			return e.checkRows(x, b, txn, d, ch)
		}
	}
	for _, fk := range d.ForeignKeys {
		if fk.Name == name {
			return e.referencedRows(x, b, txn, d, fk)
		}
	}
	if constraintNamed(d, name) {
		return nil // a key: always valid
	}
	return sqlerr.New(sqlerr.UndefinedObject, "constraint %q of relation %q does not exist", name, d.Name)
}

// addForeignKey adds a foreign key after finding every row's key (those
// without a NULL in it, MATCH SIMPLE) in the referenced table (23503
// otherwise).
func (e *Engine) addForeignKey(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, c *ast.Constraint) error {
	fk, err := foreignKey(txn, d, c, c.Columns)
	if err != nil {
		return err
	}
	if fk.RefTable == 0 {
		fk.RefTable = d.ID // a self-reference
	}
	if constraintNamed(d, fk.Name) {
		return sqlerr.New(sqlerr.DuplicateObject, "constraint %q for relation %q already exists", fk.Name, d.Name)
	}
	if !c.NotValid {
		if err := e.referencedRows(x, b, txn, d, fk); err != nil {
			return err
		}
	}
	d.ForeignKeys = append(d.ForeignKeys, fk)
	return nil
}

// referencedRows finds every row's key of foreign key fk of d (those
// without a NULL in it: MATCH SIMPLE) in the referenced table (23503).
func (e *Engine) referencedRows(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, fk catalog.ForeignKey) error {
	parent := d
	if fk.RefTable != d.ID {
		var err error
		if parent, err = catalog.ByID(txn, fk.RefTable); err != nil {
			return err
		}
	}
	if err := catalog.Update(txn, d); err != nil {
		return err
	}
	var keys, notNull, match []string
	for i, id := range fk.Columns {
		col := quoteIdent(d.ColumnByID(id).Name)
		keys = append(keys, "c."+col)
		notNull = append(notNull, "c."+col+" IS NOT NULL")
		match = append(match, "p."+quoteIdent(parent.ColumnByID(fk.RefColumn[i]).Name)+" = c."+col)
	}
	rows, err := e.query(x, b, fmt.Sprintf("SELECT %s FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s) LIMIT 1",
		strings.Join(keys, ", "), quoteIdent(d.Name), strings.Join(notNull, " AND "), quoteIdent(parent.Name), strings.Join(match, " AND ")))
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		names := make([]string, len(fk.Columns))
		for i, id := range fk.Columns {
			names[i] = d.ColumnByID(id).Name
		}
		vals := make([]string, len(rows[0]))
		for i, v := range rows[0] {
			vals[i] = v.String()
		}
		return sqlerr.New(sqlerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", d.Name, fk.Name).
			WithDetail("Key (%s)=(%s) is not present in table %q.", strings.Join(names, ", "), strings.Join(vals, ", "), parent.Name)
	}
	return nil
}

// dropConstraint removes a CHECK, a foreign key or a unique constraint
// (its index) from d. A primary key stays: the rows are stored by it.
func (e *Engine) dropConstraint(txn *mvcc.Txn, d *catalog.Descriptor, cmd *ast.AlterCmd) error {
	name := cmd.Name
	if i := slices.IndexFunc(d.Checks, func(c catalog.Check) bool { return c.Name == name }); i >= 0 {
		d.Checks = slices.Delete(d.Checks, i, i+1)
		return nil
	}
	if i := slices.IndexFunc(d.ForeignKeys, func(fk catalog.ForeignKey) bool { return fk.Name == name }); i >= 0 {
		d.ForeignKeys = slices.Delete(d.ForeignKeys, i, i+1)
		return nil
	}
	if d.Primary.Name == name && !d.RowIDKeyed() {
		return sqlerr.New(sqlerr.FeatureNotSupported, "dropping the primary key %q is not supported: rows are stored by it", name)
	}
	i := slices.IndexFunc(d.Indexes, func(ix catalog.Index) bool { return ix.Name == name && ix.Unique })
	if i < 0 {
		if cmd.IfExists {
			return nil
		}
		return sqlerr.New(sqlerr.UndefinedObject, "constraint %q of relation %q does not exist", name, d.Name)
	}
	ix := d.Indexes[i]
	rest := *d
	rest.Indexes = slices.Delete(slices.Clone(d.Indexes), i, i+1)
	all, err := catalog.List(txn)
	if err != nil {
		return err
	}
	for _, t := range all {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == d.ID && !hasUniqueOn(&rest, fk.RefColumn) {
				return sqlerr.New(sqlerr.Code("2BP01"), "cannot drop constraint %s on table %s because constraint %s on table %s depends on it", name, d.Name, fk.Name, t.Name).
					WithHint("Drop the foreign key first.")
			}
		}
	}
	d.Indexes = rest.Indexes
	return txn.DeleteRange(catalog.IndexPrefix(nil, d.ID, ix.ID), catalog.IndexPrefix(nil, d.ID, ix.ID+1))
}

// alterColumnType changes a column's type (ALTER COLUMN c TYPE t [USING
// expr]), rewriting every row: the value becomes expr, or the old value
// assigned to t, and the indexes and constraints follow. Without USING,
// the old type must cast to t by assignment (42804, with PostgreSQL's
// hint, otherwise).
func (e *Engine) alterColumnType(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, cmd *ast.AlterCmd) error {
	i := slices.IndexFunc(d.Columns, func(c catalog.Column) bool { return c.Name == cmd.Name && !c.Hidden })
	if i < 0 {
		return sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, d.Name)
	}
	col := &d.Columns[i]
	if col.Generated != "" {
		return sqlerr.New(sqlerr.FeatureNotSupported, "altering the type of generated column %q is not supported yet", col.Name)
	}
	t, err := b.ResolveType(cmd.Type)
	if err != nil {
		return err
	}
	if col.Type == t.String() && cmd.Using == nil {
		return nil
	}
	if err := catalog.Update(txn, d); err != nil { // earlier commands' changes, for the rows' scan
		return err
	}
	oldD := *d
	oldD.Columns = slices.Clone(d.Columns)
	cols, err := plan.TableColumns(&oldD)
	if err != nil {
		return err
	}
	using := quoteIdent(col.Name)
	if cmd.Using != nil {
		using = ast.Format(cmd.Using)
	} else if _, ok := types.CastFunc(cols[i].Type, t, types.CastAssignment); !ok {
		return sqlerr.New(sqlerr.DatatypeMismatch, "column %q cannot be cast automatically to type %s", col.Name, t).
			WithHint("You might need to specify \"USING %s::%s\".", col.Name, t)
	}
	conv, err := b.ColumnConversion(cols, using, t)
	if err != nil {
		return err
	}
	plan.SetColumnType(col, t)
	if col.Default != "" {
		// The default must still assign to the column.
		if _, err := b.ColumnConversion(nil, col.Default, t); err != nil {
			return sqlerr.New(sqlerr.DatatypeMismatch, "default for column %q cannot be cast automatically to type %s", col.Name, t)
		}
	}
	if _, err := plan.BindTableExprs(txn, d); err != nil {
		return sqlerr.New(sqlerr.Code("2BP01"), "cannot alter type of column %q: a CHECK constraint, index expression or generated column depends on it: %v", col.Name, err)
	}
	if err := catalog.Update(txn, d); err != nil {
		return err
	}
	exprs := make([]plan.Expr, len(d.Columns))
	exprs[i] = conv
	_, err = x.RewriteTable(&oldD, d, exprs)
	return err
}

// renameConstraint renames d's CHECK, foreign key or key constraint (an
// index, whose name is a relation name: it must be free).
func renameConstraint(txn *mvcc.Txn, d *catalog.Descriptor, name, to string) error {
	if constraintNamed(d, to) {
		return sqlerr.New(sqlerr.DuplicateObject, "constraint %q for relation %q already exists", to, d.Name)
	}
	for i := range d.Checks {
		if d.Checks[i].Name == name {
			d.Checks[i].Name = to
			return nil
		}
	}
	for i := range d.ForeignKeys {
		if d.ForeignKeys[i].Name == name {
			d.ForeignKeys[i].Name = to
			return nil
		}
	}
	ix := &d.Primary
	if ix.Name != name {
		ix = nil
		for i := range d.Indexes {
			if d.Indexes[i].Name == name && d.Indexes[i].Unique {
				ix = &d.Indexes[i]
			}
		}
	}
	if ix == nil {
		return sqlerr.New(sqlerr.UndefinedObject, "constraint %q for table %q does not exist", name, d.Name)
	}
	if err := relationNameFree(txn, to); err != nil {
		return err
	}
	ix.Name = to
	return nil
}

// relationNameFree reports 42P07 when a table, view, sequence or index
// is named name.
func relationNameFree(txn *mvcc.Txn, name string) error {
	if _, ok, err := catalog.Lookup(txn, name); err != nil {
		return err
	} else if ok {
		return sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", name)
	}
	if _, _, ok, err := catalog.LookupIndex(txn, name); err != nil {
		return err
	} else if ok {
		return sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", name)
	}
	return nil
}

// alterRename renames an index, view or sequence.
func (e *Engine) alterRename(txn *mvcc.Txn, st *ast.AlterRename) (Result, error) {
	tag := "ALTER " + st.Kind.String()
	if st.Kind == ast.ObjIndex {
		d, id, ok, err := catalog.LookupIndex(txn, st.Name.Name)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			if st.IfExists {
				return Result{Tag: tag}, nil
			}
			return Result{}, sqlerr.New(sqlerr.UndefinedObject, "index %q does not exist", st.Name.Name)
		}
		if err := relationNameFree(txn, st.NewName); err != nil {
			return Result{}, err
		}
		if id == d.Primary.ID {
			d.Primary.Name = st.NewName
		}
		for i := range d.Indexes {
			if d.Indexes[i].ID == id {
				d.Indexes[i].Name = st.NewName
			}
		}
		return Result{Tag: tag}, catalog.Update(txn, d)
	}
	d, ok, err := catalog.Lookup(txn, st.Name.Name)
	if err != nil {
		return Result{}, err
	}
	want := map[ast.ObjectKind]catalog.Kind{ast.ObjView: catalog.KindView, ast.ObjSequence: catalog.KindSequence}[st.Kind]
	if !ok {
		if st.IfExists {
			return Result{Tag: tag}, nil
		}
		return Result{}, catalog.ErrUndefinedTable(st.Name.Name)
	}
	if d.Kind != want {
		return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a %s", d.Name, want)
	}
	if err := relationNameFree(txn, st.NewName); err != nil {
		return Result{}, err
	}
	d.Name = st.NewName
	return Result{Tag: tag}, catalog.Update(txn, d)
}

// alterSequence changes a sequence's options and, with RESTART, the
// value nextval gives next (at once, not transactionally, as setval).
func (e *Engine) alterSequence(txn *mvcc.Txn, st *ast.AlterSequence) (Result, error) {
	d, ok, err := catalog.Lookup(txn, st.Name.Name)
	if err != nil {
		return Result{}, err
	}
	if !ok || d.Kind != catalog.KindSequence {
		if !ok && st.IfExists {
			return Result{Tag: "ALTER SEQUENCE"}, nil
		}
		if ok {
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a sequence", d.Name)
		}
		return Result{}, catalog.ErrUndefinedTable(st.Name.Name)
	}
	s := *d.Sequence
	for _, o := range st.Options {
		n, err := seqValue(o.Value)
		if err != nil {
			return Result{}, err
		}
		switch o.Kind {
		case ast.SeqStart:
			s.Start = n
		case ast.SeqIncrement:
			if n == 0 {
				return Result{}, sqlerr.New(sqlerr.InvalidParameterValue, "INCREMENT must not be zero")
			}
			s.Increment = n
		case ast.SeqMinValue:
			if o.No {
				n = 1
			}
			s.Min = n
		case ast.SeqMaxValue:
			if o.No {
				n = math.MaxInt64
			}
			s.Max = n
		case ast.SeqCycle:
			s.Cycle = !o.No
		}
	}
	if s.Min > s.Max {
		return Result{}, sqlerr.New(sqlerr.InvalidParameterValue, "MINVALUE (%d) must be less than MAXVALUE (%d)", s.Min, s.Max)
	}
	if st.OwnedBy != "" {
		// OWNED BY table.column: the sequence goes with the column's
		// table (as pg_dump writes a serial column's); NONE: with nothing.
		s.OwnedByTable, s.OwnedByColumn = 0, 0
		if st.OwnedBy != "NONE" {
			if err := ownSequence(txn, &s, st.OwnedBy); err != nil {
				return Result{}, err
			}
		}
	}
	restart := s.Start
	if st.RestartWith != nil {
		if restart, err = seqValue(st.RestartWith); err != nil {
			return Result{}, err
		}
	}
	if st.Restart && (restart < s.Min || restart > s.Max) {
		return Result{}, sqlerr.New(sqlerr.InvalidParameterValue, "RESTART value (%d) cannot be outside [MINVALUE %d, MAXVALUE %d]", restart, s.Min, s.Max)
	}
	d.Sequence = &s
	if err := catalog.Update(txn, d); err != nil {
		return Result{}, err
	}
	if st.Restart {
		if err := e.setval(d, restart-s.Increment, true); err != nil {
			return Result{}, err
		}
	} else {
		// The values reserved under the old options are given up: the
		// next one follows the last handed out, by the new increment.
		e.seqs.mu.Lock()
		b := e.seqs.blocks[d.ID]
		delete(e.seqs.blocks, d.ID)
		e.seqs.mu.Unlock()
		if b != nil && b.have {
			if err := e.setval(d, b.cur, true); err != nil {
				return Result{}, err
			}
		}
	}
	return Result{Tag: "ALTER SEQUENCE"}, nil
}

// ownSequence makes s owned by the column ownedBy names ("t.c" or
// "schema.t.c", quoted as SQL writes names).
func ownSequence(txn *mvcc.Txn, s *catalog.Sequence, ownedBy string) error {
	parts, err := parser.ParseQualifiedName(ownedBy)
	if err != nil || len(parts) < 2 {
		return sqlerr.New(sqlerr.InvalidParameterValue, "invalid OWNED BY option").WithHint("Specify OWNED BY table.column or OWNED BY NONE.")
	}
	tbl, col := parts[len(parts)-2], parts[len(parts)-1]
	t, err := catalog.Get(txn, tbl)
	if err != nil {
		return err
	}
	if t.Kind != catalog.KindTable {
		return sqlerr.New(sqlerr.WrongObjectType, "sequence cannot be owned by relation %q", t.Name)
	}
	c := t.Column(col)
	if c == nil || c.Hidden {
		return sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", col, t.Name)
	}
	s.OwnedByTable, s.OwnedByColumn = t.ID, c.ID
	return nil
}

// alterIdentity is ALTER COLUMN c ADD GENERATED ... AS IDENTITY (a new
// sequence the column owns becomes its default) and DROP IDENTITY (the
// default and the sequence go).
func (e *Engine) alterIdentity(txn *mvcc.Txn, d *catalog.Descriptor, cmd *ast.AlterCmd) error {
	c := d.Column(cmd.Name)
	if c == nil || c.Hidden {
		return sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, d.Name)
	}
	notInUse := sqlerr.Code("55000")
	if cmd.Kind == ast.AlterColumnDropIdentity {
		if c.Identity == "" {
			if cmd.IfExists {
				return nil
			}
			return sqlerr.New(notInUse, "column %q of relation %q is not an identity column", c.Name, d.Name)
		}
		all, err := catalog.List(txn)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.Kind == catalog.KindSequence && o.Sequence.OwnedByTable == d.ID && o.Sequence.OwnedByColumn == c.ID {
				if err := catalog.Drop(txn, o); err != nil {
					return err
				}
			}
		}
		c.Identity, c.Default = "", ""
		return nil
	}
	switch {
	case c.Identity != "":
		return sqlerr.New(notInUse, "column %q of relation %q is already an identity column", c.Name, d.Name)
	case c.Default != "":
		return sqlerr.New(notInUse, "column %q of relation %q already has a default value", c.Name, d.Name)
	case !c.NotNull:
		return sqlerr.New(notInUse, "column %q of relation %q must be declared NOT NULL before identity can be added", c.Name, d.Name)
	}
	t, err := plan.ColumnType(c)
	if err != nil {
		return err
	}
	if !t.IsInteger() {
		return sqlerr.New(sqlerr.InvalidParameterValue, "identity column type must be smallint, integer, or bigint")
	}
	seq, err := newSequence(d.Name+"_"+c.Name+"_seq", cmd.Constraint.SeqOptions, t.Family() == types.Int8Family)
	if err != nil {
		return err
	}
	seq.Sequence.OwnedByTable, seq.Sequence.OwnedByColumn = d.ID, c.ID
	if err := catalog.Create(txn, seq); err != nil {
		return err
	}
	c.Default = "nextval(" + builtins.QuoteLiteral(builtins.QuoteIdent(seq.Name)) + "::regclass)"
	c.Identity = "by default"
	if cmd.Constraint.Always {
		c.Identity = "always"
	}
	return nil
}
