package ast

import (
	"strconv"
	"strings"
)

func (p *printer) with(w *With) {
	if w == nil {
		return
	}
	p.kw("WITH ")
	if w.Recursive {
		p.kw("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			p.WriteString(", ")
		}
		p.ident(c.Name)
		if len(c.Columns) > 0 {
			p.WriteByte('(')
			p.idents(c.Columns)
			p.WriteByte(')')
		}
		p.kw(" AS (")
		c.Query.format(p)
		p.WriteByte(')')
	}
	p.WriteByte(' ')
}

func (n *Query) format(p *printer) {
	p.with(n.With)
	if inner, ok := n.Body.(*Query); ok {
		p.WriteByte('(')
		inner.format(p)
		p.WriteByte(')')
	} else if n.Body != nil {
		n.Body.format(p)
	}
	if len(n.OrderBy) > 0 {
		p.kw(" ORDER BY ")
		p.orderBy(n.OrderBy)
	}
	if n.Limit != nil && !n.WithTies {
		p.kw(" LIMIT ")
		p.expr(n.Limit, 0)
	}
	if n.Offset != nil {
		p.kw(" OFFSET ")
		p.expr(n.Offset, 0)
	}
	if n.WithTies {
		p.kw(" FETCH FIRST ")
		p.expr(n.Limit, PrecUnary)
		p.kw(" ROWS WITH TIES")
	}
	for _, l := range n.Locking {
		switch l.Strength {
		case ForUpdate:
			p.kw(" FOR UPDATE")
		case ForNoKeyUpdate:
			p.kw(" FOR NO KEY UPDATE")
		case ForShare:
			p.kw(" FOR SHARE")
		case ForKeyShare:
			p.kw(" FOR KEY SHARE")
		}
		if len(l.Of) > 0 {
			p.kw(" OF ")
			p.tableNames(l.Of)
		}
		switch l.Wait {
		case LockNoWait:
			p.kw(" NOWAIT")
		case LockSkipLocked:
			p.kw(" SKIP LOCKED")
		}
	}
}

func (n *Select) format(p *printer) {
	p.kw("SELECT")
	if n.Distinct {
		p.kw(" DISTINCT")
		if len(n.DistinctOn) > 0 {
			p.kw(" ON (")
			p.exprs(n.DistinctOn)
			p.WriteByte(')')
		}
	}
	if len(n.Targets) > 0 {
		p.WriteByte(' ')
		p.targets(n.Targets)
	}
	if n.Into != nil {
		p.kw(" INTO ")
		if n.Into.Temp {
			p.kw("TEMP ")
		}
		p.tableName(n.Into.Name)
	}
	if len(n.From) > 0 {
		p.kw(" FROM ")
		p.tableExprs(n.From)
	}
	if n.Where != nil {
		p.kw(" WHERE ")
		p.expr(n.Where, 0)
	}
	if len(n.GroupBy) > 0 {
		p.kw(" GROUP BY ")
		if n.GroupByDistinct {
			p.kw("DISTINCT ")
		}
		p.exprs(n.GroupBy)
	}
	if n.Having != nil {
		p.kw(" HAVING ")
		p.expr(n.Having, 0)
	}
	if len(n.Windows) > 0 {
		p.kw(" WINDOW ")
		for i, w := range n.Windows {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(w.Name)
			p.kw(" AS (")
			w.Spec.body(p)
			p.WriteByte(')')
		}
	}
}

func (p *printer) targets(ts []Target) {
	for i, t := range ts {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(t.Expr, 0)
		if t.Alias != "" {
			p.kw(" AS ")
			p.ident(t.Alias)
		}
	}
}

func (n *Values) format(p *printer) {
	p.kw("VALUES ")
	for i, row := range n.Rows {
		if i > 0 {
			p.WriteString(", ")
		}
		p.WriteByte('(')
		p.exprs(row)
		p.WriteByte(')')
	}
}

func (n *SetOp) format(p *printer) {
	prec := n.Op.Precedence()
	p.setOperand(n.Left, prec)
	p.WriteByte(' ')
	p.kw(n.Op.String())
	if n.All {
		p.kw(" ALL")
	}
	p.WriteByte(' ')
	p.setOperand(n.Right, prec+1)
}

func (p *printer) setOperand(q QueryExpr, min int) {
	paren := false
	switch q := q.(type) {
	case *Query:
		paren = true
	case *SetOp:
		paren = q.Op.Precedence() < min
	}
	if paren {
		p.WriteByte('(')
		q.format(p)
		p.WriteByte(')')
		return
	}
	q.format(p)
}

func (p *printer) alias(a *Alias) {
	if a == nil {
		return
	}
	p.kw(" AS ")
	if a.Name != "" || len(a.Types) == 0 {
		p.ident(a.Name)
	}
	if len(a.Types) > 0 {
		p.WriteByte('(')
		for i, c := range a.Columns {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(c)
			p.WriteByte(' ')
			a.Types[i].format(p)
		}
		p.WriteByte(')')
		return
	}
	if len(a.Columns) > 0 {
		p.WriteByte('(')
		p.idents(a.Columns)
		p.WriteByte(')')
	}
}

func (p *printer) tableExprs(ts []TableExpr) {
	for i, t := range ts {
		if i > 0 {
			p.WriteString(", ")
		}
		t.format(p)
	}
}

func (n *TableRef) format(p *printer) {
	if n.Only {
		p.kw("ONLY ")
	}
	p.tableName(n.Name)
	p.alias(n.Alias)
	if s := n.Sample; s != nil {
		p.kw(" TABLESAMPLE ")
		p.ident(s.Method)
		p.WriteString(" (")
		p.exprs(s.Args)
		p.WriteByte(')')
		if s.Repeatable != nil {
			p.kw(" REPEATABLE (")
			p.expr(s.Repeatable, 0)
			p.WriteByte(')')
		}
	}
}

func (n *SubqueryRef) format(p *printer) {
	if n.Lateral {
		p.kw("LATERAL ")
	}
	p.WriteByte('(')
	n.Query.format(p)
	p.WriteByte(')')
	p.alias(n.Alias)
}

func (n *FuncRef) format(p *printer) {
	if n.Lateral {
		p.kw("LATERAL ")
	}
	n.Func.format(p)
	if n.WithOrdinality {
		p.kw(" WITH ORDINALITY")
	}
	p.alias(n.Alias)
}

func (n *JoinExpr) format(p *printer) {
	if n.Alias != nil {
		p.WriteByte('(')
	}
	n.Left.format(p)
	p.WriteByte(' ')
	if n.Natural {
		p.kw("NATURAL ")
	}
	switch n.Type {
	case LeftJoin:
		p.kw("LEFT JOIN ")
	case RightJoin:
		p.kw("RIGHT JOIN ")
	case FullJoin:
		p.kw("FULL JOIN ")
	case CrossJoin:
		p.kw("CROSS JOIN ")
	default:
		p.kw("JOIN ")
	}
	if r, ok := n.Right.(*JoinExpr); ok && r.Alias == nil {
		p.WriteByte('(')
		r.format(p)
		p.WriteByte(')')
	} else {
		n.Right.format(p)
	}
	if n.On != nil {
		p.kw(" ON ")
		p.expr(n.On, 0)
	} else if len(n.Using) > 0 {
		p.kw(" USING (")
		p.idents(n.Using)
		p.WriteByte(')')
	}
	if n.Alias != nil {
		p.WriteByte(')')
		p.alias(n.Alias)
	}
}

func (p *printer) returning(ts []Target) {
	if len(ts) > 0 {
		p.kw(" RETURNING ")
		p.targets(ts)
	}
}

func (p *printer) where(e Expr) {
	if e != nil {
		p.kw(" WHERE ")
		p.expr(e, 0)
	}
}

func (p *printer) setClauses(sets []SetClause) {
	for i, s := range sets {
		if i > 0 {
			p.WriteString(", ")
		}
		if len(s.Columns) == 1 {
			p.ident(s.Columns[0])
			if s.Subscript != nil {
				p.WriteByte('[')
				p.expr(s.Subscript, 0)
				p.WriteByte(']')
			}
		} else {
			p.WriteByte('(')
			p.idents(s.Columns)
			p.WriteByte(')')
		}
		p.WriteString(" = ")
		p.expr(s.Value, 0)
	}
}

func (n *Insert) format(p *printer) {
	p.with(n.With)
	p.kw("INSERT INTO ")
	p.tableName(n.Table)
	if n.Alias != "" {
		p.kw(" AS ")
		p.ident(n.Alias)
	}
	if len(n.Columns) > 0 {
		p.WriteString(" (")
		p.idents(n.Columns)
		p.WriteByte(')')
	}
	if n.Overriding != "" {
		p.kw(map[string]string{"system": " OVERRIDING SYSTEM VALUE", "user": " OVERRIDING USER VALUE"}[n.Overriding])
	}
	if n.Source == nil {
		p.kw(" DEFAULT VALUES")
	} else {
		p.WriteByte(' ')
		n.Source.format(p)
	}
	if c := n.OnConflict; c != nil {
		p.kw(" ON CONFLICT")
		if len(c.Columns) > 0 {
			p.WriteString(" (")
			p.idents(c.Columns)
			p.WriteByte(')')
			p.where(c.TargetWhere)
		} else if c.Constraint != "" {
			p.kw(" ON CONSTRAINT ")
			p.ident(c.Constraint)
		}
		if c.DoNothing {
			p.kw(" DO NOTHING")
		} else {
			p.kw(" DO UPDATE SET ")
			p.setClauses(c.Set)
			p.where(c.Where)
		}
	}
	p.returning(n.Returning)
}

func (n *Update) format(p *printer) {
	p.with(n.With)
	p.kw("UPDATE ")
	if n.Only {
		p.kw("ONLY ")
	}
	p.tableName(n.Table)
	if n.Alias != "" {
		p.kw(" AS ")
		p.ident(n.Alias)
	}
	p.kw(" SET ")
	p.setClauses(n.Set)
	if len(n.From) > 0 {
		p.kw(" FROM ")
		p.tableExprs(n.From)
	}
	p.where(n.Where)
	p.returning(n.Returning)
}

func (n *Delete) format(p *printer) {
	p.with(n.With)
	p.kw("DELETE FROM ")
	if n.Only {
		p.kw("ONLY ")
	}
	p.tableName(n.Table)
	if n.Alias != "" {
		p.kw(" AS ")
		p.ident(n.Alias)
	}
	if len(n.Using) > 0 {
		p.kw(" USING ")
		p.tableExprs(n.Using)
	}
	p.where(n.Where)
	p.returning(n.Returning)
}

func refAction(a RefAction) string {
	switch a {
	case RefRestrict:
		return "RESTRICT"
	case RefCascade:
		return "CASCADE"
	case RefSetNull:
		return "SET NULL"
	case RefSetDefault:
		return "SET DEFAULT"
	}
	return "NO ACTION"
}

func (n *Constraint) format(p *printer) {
	if n.Name != "" {
		p.kw("CONSTRAINT ")
		p.ident(n.Name)
		p.WriteByte(' ')
	}
	cols := func() {
		if len(n.Columns) > 0 {
			p.WriteString(" (")
			p.idents(n.Columns)
			p.WriteByte(')')
		}
	}
	switch n.Kind {
	case ConstrNotNull:
		p.kw("NOT NULL")
	case ConstrNull:
		p.kw("NULL")
	case ConstrDefault:
		p.kw("DEFAULT ")
		p.expr(n.Expr, PrecIs+1)
	case ConstrPrimaryKey:
		p.kw("PRIMARY KEY")
		cols()
	case ConstrUnique:
		p.kw("UNIQUE")
		if n.NullsNotDistinct {
			p.kw(" NULLS NOT DISTINCT")
		}
		cols()
	case ConstrCheck:
		p.kw("CHECK (")
		p.expr(n.Expr, 0)
		p.WriteByte(')')
	case ConstrReferences:
		if len(n.Columns) > 0 {
			p.kw("FOREIGN KEY")
			cols()
			p.WriteByte(' ')
		}
		p.kw("REFERENCES ")
		p.tableName(n.RefTable)
		if len(n.RefColumns) > 0 {
			p.WriteString(" (")
			p.idents(n.RefColumns)
			p.WriteByte(')')
		}
		if n.OnDelete != RefNoAction {
			p.kw(" ON DELETE ")
			p.kw(refAction(n.OnDelete))
		}
		if n.OnUpdate != RefNoAction {
			p.kw(" ON UPDATE ")
			p.kw(refAction(n.OnUpdate))
		}
	case ConstrIdentity:
		if n.Always {
			p.kw("GENERATED ALWAYS AS IDENTITY")
		} else {
			p.kw("GENERATED BY DEFAULT AS IDENTITY")
		}
		if len(n.SeqOptions) > 0 {
			p.WriteString(" (")
			p.seqOptions(n.SeqOptions)
			p.WriteByte(')')
		}
	case ConstrGenerated:
		p.kw("GENERATED ALWAYS AS (")
		p.expr(n.Expr, 0)
		p.kw(") STORED")
	}
	if n.Deferred {
		p.kw(" DEFERRABLE INITIALLY DEFERRED")
	} else if n.Deferrable {
		p.kw(" DEFERRABLE")
	}
	if n.NotValid {
		p.kw(" NOT VALID")
	}
}

func (p *printer) seqOptions(opts []SeqOption) {
	for i, o := range opts {
		if i > 0 {
			p.WriteByte(' ')
		}
		if o.No {
			p.kw("NO ")
		}
		switch o.Kind {
		case SeqStart:
			p.kw("START WITH")
		case SeqIncrement:
			p.kw("INCREMENT BY")
		case SeqMinValue:
			p.kw("MINVALUE")
		case SeqMaxValue:
			p.kw("MAXVALUE")
		case SeqCache:
			p.kw("CACHE")
		case SeqCycle:
			p.kw("CYCLE")
		case SeqName:
			p.kw("SEQUENCE NAME ")
			p.tableName(o.Name)
		}
		if o.Value != nil {
			p.WriteByte(' ')
			p.expr(o.Value, 0)
		}
	}
}

func (n *CreateSequence) format(p *printer) {
	p.kw("CREATE ")
	if n.Temp {
		p.kw("TEMP ")
	}
	p.kw("SEQUENCE ")
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	p.tableName(n.Name)
	if len(n.Options) > 0 {
		p.WriteByte(' ')
		p.seqOptions(n.Options)
	}
}

func (n *ColumnDef) format(p *printer) {
	p.ident(n.Name)
	if n.Type != nil {
		p.WriteByte(' ')
		n.Type.format(p)
	}
	if n.Collation != "" {
		p.kw(" COLLATE ")
		p.ident(n.Collation)
	}
	for _, c := range n.Constraints {
		p.WriteByte(' ')
		c.format(p)
	}
}

func (n *CreateTable) format(p *printer) {
	p.kw("CREATE ")
	if n.Temp {
		p.kw("TEMP ")
	}
	if n.MatView {
		p.kw("MATERIALIZED VIEW ")
	} else {
		p.kw("TABLE ")
	}
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	p.tableName(n.Name)
	if n.AsQuery != nil {
		if len(n.AsColumns) > 0 {
			p.WriteString(" (")
			p.idents(n.AsColumns)
			p.WriteByte(')')
		}
		p.kw(" AS ")
		n.AsQuery.format(p)
		if n.NoData {
			p.kw(" WITH NO DATA")
		}
		return
	}
	p.WriteString(" (")
	first := true
	sep := func() {
		if !first {
			p.WriteString(", ")
		}
		first = false
	}
	like := func(at int) {
		for _, l := range n.Like {
			if l.At != at {
				continue
			}
			sep()
			p.kw("LIKE ")
			p.tableName(l.Table)
			for _, o := range l.Options {
				if o.Include {
					p.kw(" INCLUDING ")
				} else {
					p.kw(" EXCLUDING ")
				}
				p.kw(o.What)
			}
		}
	}
	for i, c := range n.Columns {
		like(i)
		sep()
		c.format(p)
	}
	like(len(n.Columns))
	for _, c := range n.Constraints {
		sep()
		c.format(p)
	}
	p.WriteByte(')')
	if n.OnCommit != "" {
		p.kw(" ON COMMIT " + strings.ToUpper(n.OnCommit))
	}
}

func (n *Drop) format(p *printer) {
	p.kw("DROP ")
	p.kw(n.Kind.String())
	if n.IfExists {
		p.kw(" IF EXISTS")
	}
	p.WriteByte(' ')
	p.tableNames(n.Names)
	if n.Cascade {
		p.kw(" CASCADE")
	}
}

func (n *CreateIndex) format(p *printer) {
	p.kw("CREATE ")
	if n.Unique {
		p.kw("UNIQUE ")
	}
	p.kw("INDEX ")
	if n.Concurrently {
		p.kw("CONCURRENTLY ")
	}
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	if n.Name != "" {
		p.ident(n.Name)
		p.WriteByte(' ')
	}
	p.kw("ON ")
	p.tableName(n.Table)
	if n.Using != "" {
		p.kw(" USING ")
		p.ident(n.Using)
	}
	p.WriteString(" (")
	for i, e := range n.Elems {
		if i > 0 {
			p.WriteString(", ")
		}
		switch x := e.Expr.(type) {
		case nil:
			p.ident(e.Column)
		case *FuncCall:
			x.format(p)
		default:
			p.WriteByte('(')
			x.format(p)
			p.WriteByte(')')
		}
		if e.Desc {
			p.kw(" DESC")
		}
		switch e.Nulls {
		case NullsFirst:
			p.kw(" NULLS FIRST")
		case NullsLast:
			p.kw(" NULLS LAST")
		}
	}
	p.WriteByte(')')
	if n.NullsNotDistinct {
		p.kw(" NULLS NOT DISTINCT")
	}
	if len(n.Include) > 0 {
		p.kw(" INCLUDE (")
		p.idents(n.Include)
		p.WriteByte(')')
	}
	if len(n.With) > 0 {
		p.kw(" WITH (")
		for i, o := range n.With {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(o.Name)
			if o.Value != nil {
				p.WriteString(" = ")
				o.Value.format(p)
			}
		}
		p.WriteByte(')')
	}
	p.where(n.Where)
}

func (n *CreateView) format(p *printer) {
	p.kw("CREATE ")
	if n.OrReplace {
		p.kw("OR REPLACE ")
	}
	if n.Temp {
		p.kw("TEMP ")
	}
	p.kw("VIEW ")
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	p.tableName(n.Name)
	if len(n.Columns) > 0 {
		p.WriteString(" (")
		p.idents(n.Columns)
		p.WriteByte(')')
	}
	p.kw(" AS ")
	n.Query.format(p)
}

func (n *AlterCmd) format(p *printer) {
	switch n.Kind {
	case AlterAddColumn:
		p.kw("ADD COLUMN ")
		if n.IfNotExist {
			p.kw("IF NOT EXISTS ")
		}
		n.Column.format(p)
	case AlterDropColumn:
		p.kw("DROP COLUMN ")
		if n.IfExists {
			p.kw("IF EXISTS ")
		}
		p.ident(n.Name)
	case AlterRenameColumn:
		p.kw("RENAME COLUMN ")
		p.ident(n.Name)
		p.kw(" TO ")
		p.ident(n.NewName)
	case AlterRenameTable:
		p.kw("RENAME TO ")
		p.ident(n.NewName)
	case AlterAddConstraint:
		p.kw("ADD ")
		n.Constraint.format(p)
	case AlterDropConstraint:
		p.kw("DROP CONSTRAINT ")
		if n.IfExists {
			p.kw("IF EXISTS ")
		}
		p.ident(n.Name)
	case AlterColumnSetDefault:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" SET DEFAULT ")
		p.expr(n.Default, PrecIs+1)
	case AlterColumnDropDefault:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" DROP DEFAULT")
	case AlterColumnAddIdentity:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" ADD GENERATED ")
		if n.Constraint.Always {
			p.kw("ALWAYS")
		} else {
			p.kw("BY DEFAULT")
		}
		p.kw(" AS IDENTITY")
		if len(n.Constraint.SeqOptions) > 0 {
			p.WriteString(" (")
			p.seqOptions(n.Constraint.SeqOptions)
			p.WriteByte(')')
		}
	case AlterSetOptions:
		p.WriteString(n.Name)
	case AlterColumnDropIdentity:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" DROP IDENTITY")
		if n.IfExists {
			p.kw(" IF EXISTS")
		}
	case AlterColumnSetNotNull:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" SET NOT NULL")
	case AlterColumnDropNotNull:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" DROP NOT NULL")
	case AlterColumnType:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" TYPE ")
		n.Type.format(p)
		if n.Using != nil {
			p.kw(" USING ")
			p.expr(n.Using, 0)
		}
	case AlterValidateConstraint:
		p.kw("VALIDATE CONSTRAINT ")
		p.ident(n.Name)
	case AlterRenameConstraint:
		p.kw("RENAME CONSTRAINT ")
		p.ident(n.Name)
		p.kw(" TO ")
		p.ident(n.NewName)
	case AlterColumnSetStatistics:
		p.kw("ALTER COLUMN ")
		p.ident(n.Name)
		p.kw(" SET STATISTICS ")
		p.expr(n.Default, 0)
	case AlterOwner:
		p.kw("OWNER TO ")
		p.ident(n.Name)
	}
	if n.Cascade {
		p.kw(" CASCADE")
	}
}

func (n *AlterTable) format(p *printer) {
	p.kw("ALTER TABLE ")
	if n.IfExists {
		p.kw("IF EXISTS ")
	}
	p.tableName(n.Name)
	for i, c := range n.Cmds {
		if i > 0 {
			p.WriteByte(',')
		}
		p.WriteByte(' ')
		c.format(p)
	}
}

func (n *Truncate) format(p *printer) {
	p.kw("TRUNCATE TABLE ")
	p.tableNames(n.Names)
	if n.RestartIdentity {
		p.kw(" RESTART IDENTITY")
	}
	if n.Cascade {
		p.kw(" CASCADE")
	}
}

func (p *printer) txModes(m TxModes) {
	sep := " "
	if m.Isolation != "" {
		p.kw(" ISOLATION LEVEL ")
		p.kw(upperASCII(m.Isolation))
		sep = ", "
	}
	switch m.Access {
	case ReadOnly:
		p.WriteString(sep)
		p.kw("READ ONLY")
		sep = ", "
	case ReadWrite:
		p.WriteString(sep)
		p.kw("READ WRITE")
		sep = ", "
	}
	switch m.Deferrable {
	case 1:
		p.WriteString(sep)
		p.kw("DEFERRABLE")
	case -1:
		p.WriteString(sep)
		p.kw("NOT DEFERRABLE")
	}
}

func (n *Begin) format(p *printer) {
	p.kw("BEGIN")
	p.txModes(n.Modes)
}

func (n *Commit) format(p *printer) {
	p.kw("COMMIT")
	if n.Chain {
		p.kw(" AND CHAIN")
	}
}

func (n *Rollback) format(p *printer) {
	p.kw("ROLLBACK")
	if n.Savepoint != "" {
		p.kw(" TO SAVEPOINT ")
		p.ident(n.Savepoint)
	}
}

func (n *Savepoint) format(p *printer) {
	p.kw("SAVEPOINT ")
	p.ident(n.Name)
}

func (n *Release) format(p *printer) {
	p.kw("RELEASE SAVEPOINT ")
	p.ident(n.Name)
}

// varName prints a dotted configuration parameter name.
func (p *printer) varName(name string) {
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if start > 0 {
				p.WriteByte('.')
			}
			p.ident(name[start:i])
			start = i + 1
		}
	}
}

func (n *SetVar) format(p *printer) {
	p.kw("SET ")
	if n.Local {
		p.kw("LOCAL ")
	}
	p.varName(n.Name)
	p.WriteString(" = ")
	if n.Default {
		p.kw("DEFAULT")
		return
	}
	p.exprs(n.Values)
}

func (n *SetConstraints) format(p *printer) {
	p.kw("SET CONSTRAINTS ")
	if n.Names == nil {
		p.kw("ALL")
	} else {
		p.idents(n.Names)
	}
	if n.Deferred {
		p.kw(" DEFERRED")
	} else {
		p.kw(" IMMEDIATE")
	}
}

func (n *SetTransaction) format(p *printer) {
	if n.Session {
		p.kw("SET SESSION CHARACTERISTICS AS TRANSACTION")
	} else {
		p.kw("SET TRANSACTION")
	}
	p.txModes(n.Modes)
}

func (n *Show) format(p *printer) {
	p.kw("SHOW ")
	if n.Name == "all" {
		p.kw("ALL")
		return
	}
	p.varName(n.Name)
}

func (n *Reset) format(p *printer) {
	p.kw("RESET ")
	if n.Name == "all" {
		p.kw("ALL")
		return
	}
	p.varName(n.Name)
}

func (p *printer) options(opts []Option) {
	for i, o := range opts {
		if i > 0 {
			p.WriteString(", ")
		}
		p.optionName(o.Name)
		if o.Value != nil {
			p.WriteByte(' ')
			p.expr(o.Value, 0)
		}
	}
}

// optionName prints an option name in upper case, or quoted when it was
// a quoted identifier that would not read back from the upper-case form.
func (p *printer) optionName(name string) {
	plain := name != "" && !(name[0] >= '0' && name[0] <= '9')
	for i := 0; i < len(name) && plain; i++ {
		c := name[i]
		plain = c >= 'a' && c <= 'z' || c == '_' || c >= '0' && c <= '9'
	}
	if plain {
		p.WriteString(upperASCII(name))
	} else {
		p.quoted(name)
	}
}

func (n *Explain) format(p *printer) {
	p.kw("EXPLAIN ")
	if len(n.Options) > 0 {
		p.WriteByte('(')
		var opts []Option
		if n.Analyze {
			opts = append(opts, Option{Name: "analyze"})
		}
		if n.Verbose {
			opts = append(opts, Option{Name: "verbose"})
		}
		p.options(append(opts, n.Options...))
		p.WriteString(") ")
	} else {
		if n.Analyze {
			p.kw("ANALYZE ")
		}
		if n.Verbose {
			p.kw("VERBOSE ")
		}
	}
	n.Stmt.format(p)
}

func (n *Analyze) format(p *printer) {
	if n.Vacuum {
		p.kw("VACUUM")
		if n.VacuumAnalyze {
			p.kw(" ANALYZE")
		}
		for i, t := range n.Tables {
			if i > 0 {
				p.WriteByte(',')
			}
			p.WriteByte(' ')
			p.tableName(t)
		}
		return
	}
	p.kw("ANALYZE")
	if n.Table != nil {
		p.WriteByte(' ')
		p.tableName(*n.Table)
	}
}

func (n *Copy) format(p *printer) {
	p.kw("COPY ")
	if n.Query != nil {
		p.WriteByte('(')
		n.Query.format(p)
		p.WriteByte(')')
	} else {
		p.tableName(n.Table)
		if len(n.Columns) > 0 {
			p.WriteString(" (")
			p.idents(n.Columns)
			p.WriteByte(')')
		}
	}
	if n.From {
		p.kw(" FROM ")
	} else {
		p.kw(" TO ")
	}
	switch {
	case n.File != "":
		p.str(n.File)
	case n.From:
		p.kw("STDIN")
	default:
		p.kw("STDOUT")
	}
	if len(n.Options) > 0 {
		p.kw(" WITH (")
		p.options(n.Options)
		p.WriteByte(')')
	}
}

func (n *Prepare) format(p *printer) {
	p.kw("PREPARE ")
	p.ident(n.Name)
	if len(n.Types) > 0 {
		p.WriteString(" (")
		for i, t := range n.Types {
			if i > 0 {
				p.WriteString(", ")
			}
			t.format(p)
		}
		p.WriteByte(')')
	}
	p.kw(" AS ")
	n.Stmt.format(p)
}

func (n *Execute) format(p *printer) {
	p.kw("EXECUTE ")
	p.ident(n.Name)
	if len(n.Params) > 0 {
		p.WriteString(" (")
		p.exprs(n.Params)
		p.WriteByte(')')
	}
}

func (n *Deallocate) format(p *printer) {
	p.kw("DEALLOCATE ")
	if n.Name == "" {
		p.kw("ALL")
		return
	}
	p.ident(n.Name)
}

func (p *printer) roleOptions(opts []RoleOption) {
	if len(opts) == 0 {
		return
	}
	p.kw(" WITH")
	for _, o := range opts {
		p.WriteByte(' ')
		p.WriteString(upperASCII(o.Name))
		if o.Value != nil {
			p.WriteByte(' ')
			p.expr(o.Value, 0)
		}
	}
}

func (n *CreateRole) format(p *printer) {
	if n.User {
		p.kw("CREATE USER ")
	} else {
		p.kw("CREATE ROLE ")
	}
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	p.ident(n.Name)
	p.roleOptions(n.Options)
}

func (n *AlterRole) format(p *printer) {
	if n.User {
		p.kw("ALTER USER ")
	} else {
		p.kw("ALTER ROLE ")
	}
	p.ident(n.Name)
	p.roleOptions(n.Options)
}

func (n *Grant) format(p *printer) {
	if n.Revoke {
		p.kw("REVOKE ")
		if n.GrantOption {
			p.kw("GRANT OPTION FOR ")
		}
	} else {
		p.kw("GRANT ")
	}
	if n.Privileges == nil {
		p.kw("ALL PRIVILEGES")
	}
	for i, priv := range n.Privileges {
		if i > 0 {
			p.WriteString(", ")
		}
		if identNeedsQuotes(priv.Name, false) && LookupKeyword(priv.Name) == KwNone {
			p.quoted(priv.Name)
		} else {
			p.kw(upperASCII(priv.Name))
		}
		if len(priv.Columns) > 0 {
			p.WriteString(" (")
			p.idents(priv.Columns)
			p.WriteByte(')')
		}
	}
	if n.Object != "" {
		p.kw(" ON " + n.Object + " ")
		p.idents(n.Objects)
	} else if len(n.Schemas) > 0 {
		p.kw(" ON ALL TABLES IN SCHEMA ")
		p.idents(n.Schemas)
	} else {
		p.kw(" ON TABLE ")
		p.tableNames(n.Tables)
	}
	if n.Revoke {
		p.kw(" FROM ")
	} else {
		p.kw(" TO ")
	}
	p.idents(n.Roles)
	if n.GrantOption && !n.Revoke {
		p.kw(" WITH GRANT OPTION")
	}
	if n.Cascade {
		p.kw(" CASCADE")
	}
}

func (n *GrantRole) format(p *printer) {
	if n.Revoke {
		p.kw("REVOKE ")
		if n.AdminOption {
			p.kw("ADMIN OPTION FOR ")
		}
	} else {
		p.kw("GRANT ")
	}
	p.idents(n.Roles)
	if n.Revoke {
		p.kw(" FROM ")
	} else {
		p.kw(" TO ")
	}
	p.idents(n.Members)
	if n.AdminOption && !n.Revoke {
		p.kw(" WITH ADMIN OPTION")
	}
	if n.Cascade {
		p.kw(" CASCADE")
	}
}

func (n *Comment) format(p *printer) {
	p.kw("COMMENT ON ")
	if n.Column != "" {
		p.kw("COLUMN ")
		p.tableName(n.Name)
		p.WriteByte('.')
		p.ident(n.Column)
	} else {
		p.kw(n.Kind.String() + " ")
		p.tableName(n.Name)
	}
	p.kw(" IS ")
	if n.Text == nil {
		p.kw("NULL")
	} else {
		p.expr(&Literal{Kind: LitString, Val: *n.Text}, 0)
	}
}

func (n *CreateSchema) format(p *printer) {
	p.kw("CREATE SCHEMA ")
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	p.ident(n.Name)
}

func (n *Lock) format(p *printer) {
	p.kw("LOCK TABLE ")
	p.tableNames(n.Names)
	p.kw(" IN " + strings.ToUpper(n.Mode) + " MODE")
	if n.NoWait {
		p.kw(" NOWAIT")
	}
}

func (n *Maintain) format(p *printer) {
	if n.Kind == "cluster" {
		p.kw("CLUSTER")
		if n.Name.Name != "" {
			p.WriteByte(' ')
			p.tableName(n.Name)
			if n.Index != "" {
				p.kw(" USING ")
				p.ident(n.Index)
			}
		}
		return
	}
	p.kw("REINDEX " + strings.ToUpper(n.Object) + " ")
	p.tableName(n.Name)
}

func (n *AlterSchema) format(p *printer) {
	p.kw("ALTER SCHEMA ")
	p.ident(n.Name)
	if n.Owner != "" {
		p.kw(" OWNER TO ")
		p.ident(n.Owner)
		return
	}
	p.kw(" RENAME TO ")
	p.ident(n.NewName)
}

func (n *Do) format(p *printer) {
	p.kw("DO ")
	// Dollar-quoted with a tag the body does not hold.
	tag := "$$"
	for i := 0; strings.Contains(n.Body, tag); i++ {
		tag = "$do" + strconv.Itoa(i) + "$"
	}
	p.WriteString(tag + n.Body + tag)
}

func (n *CreateType) format(p *printer) {
	p.kw("CREATE TYPE ")
	p.tableName(n.Name)
	p.kw(" AS ENUM (")
	for i, l := range n.Labels {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(&Literal{Kind: LitString, Val: l}, 0)
	}
	p.WriteByte(')')
}

func (n *AlterType) format(p *printer) {
	p.kw("ALTER TYPE ")
	p.tableName(n.Name)
	switch {
	case n.Owner != "":
		p.kw(" OWNER TO ")
		p.ident(n.Owner)
	case n.NewName != "":
		p.kw(" RENAME TO ")
		p.ident(n.NewName)
	case n.To != "" || n.RenameValue != "":
		p.kw(" RENAME VALUE ")
		p.expr(&Literal{Kind: LitString, Val: n.RenameValue}, 0)
		p.kw(" TO ")
		p.expr(&Literal{Kind: LitString, Val: n.To}, 0)
	default:
		p.kw(" ADD VALUE ")
		if n.IfNotExists {
			p.kw("IF NOT EXISTS ")
		}
		p.expr(&Literal{Kind: LitString, Val: n.AddValue}, 0)
		if n.Neighbour != "" {
			if n.Before {
				p.kw(" BEFORE ")
			} else {
				p.kw(" AFTER ")
			}
			p.expr(&Literal{Kind: LitString, Val: n.Neighbour}, 0)
		}
	}
}

func (n *CreateExtension) format(p *printer) {
	p.kw("CREATE EXTENSION ")
	if n.IfNotExists {
		p.kw("IF NOT EXISTS ")
	}
	p.ident(n.Name)
}

func (n *Refresh) format(p *printer) {
	p.kw("REFRESH MATERIALIZED VIEW ")
	p.tableName(n.Name)
	if n.NoData {
		p.kw(" WITH NO DATA")
	}
}

func (n *Listen) format(p *printer) {
	p.kw("LISTEN ")
	p.ident(n.Channel)
}

func (n *Unlisten) format(p *printer) {
	p.kw("UNLISTEN ")
	if n.Channel == "" {
		p.WriteByte('*')
	} else {
		p.ident(n.Channel)
	}
}

func (n *Notify) format(p *printer) {
	p.kw("NOTIFY ")
	p.ident(n.Channel)
	if n.Payload != "" {
		p.WriteString(", ")
		p.expr(&Literal{Kind: LitString, Val: n.Payload}, 0)
	}
}

func (n *AlterRename) format(p *printer) {
	p.kw("ALTER " + n.Kind.String() + " ")
	if n.IfExists {
		p.kw("IF EXISTS ")
	}
	p.tableName(n.Name)
	p.kw(" RENAME TO ")
	p.ident(n.NewName)
}

func (n *AlterSequence) format(p *printer) {
	p.kw("ALTER SEQUENCE ")
	if n.IfExists {
		p.kw("IF EXISTS ")
	}
	p.tableName(n.Name)
	if n.As != "" {
		p.kw(" AS ")
		p.WriteString(n.As)
	}
	if len(n.Options) > 0 {
		p.WriteByte(' ')
		p.seqOptions(n.Options)
	}
	if n.Restart {
		p.kw(" RESTART")
		if n.RestartWith != nil {
			p.kw(" WITH ")
			p.expr(n.RestartWith, 0)
		}
	}
	if n.OwnedBy != "" {
		p.kw(" OWNED BY ")
		p.WriteString(n.OwnedBy)
	}
	if n.Owner != "" {
		p.kw(" OWNER TO ")
		p.ident(n.Owner)
	}
}
