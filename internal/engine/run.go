package engine

import (
	"context"
	"fmt"
	"github.com/cairndb/cairn/internal/sql/parser"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// run executes one statement in txn.
func (e *Engine) run(ctx context.Context, txn *mvcc.Txn, stmt ast.Statement, params []types.Datum, ec *builtins.EvalContext, notes *Session) (Result, error) {
	paramTypes := make([]types.Type, len(params))
	for i, p := range params {
		paramTypes[i] = types.TypeOfDatum(p)
	}
	ps := notes.planSettings()
	if notes == nil && ec != nil {
		ps.zone = ec.Zone // a session's statement run for it (EXECUTE's arguments)
	}
	if plannable(stmt) {
		p, err := e.plan(txn, stmt, ast.Format(stmt), paramTypes, false, ps)
		if err != nil {
			return Result{}, err
		}
		return e.execute(ctx, txn, p, params, ec, notes)
	}
	b := plan.NewBinder(txn, ast.Format(stmt), paramTypes)
	b.RowCount = e.tableRows
	b.SequenceState = e.sequenceState
	b.Activity, b.Locks = e.activity, e.locks
	b.ColumnStats = e.tableColumnStats
	b.Methods, b.Zone = ps.methods, ps.zone
	ec.Sequences = engineSequences{e, txn}
	env, restore := e.newStmtEnv(ctx, txn, ec, notes)
	defer restore()
	env.x = exec.Ctx{Triggers: env, Context: ctx, Txn: txn, Params: params, Eval: ec, NewRowID: e.newRowID, OnFTSWrite: notes.ftsHook(), WorkMem: notes.workMem(), ParallelWorkers: notes.parallelWorkers(), NewTempFile: e.newTempFile, Analyzers: &e.analyzers, FTSNumbers: &e.ftsNumbers, FTSWorkers: &e.ftsWorkers}
	x := &env.x
	switch st := stmt.(type) {
	case *ast.CreateTable:
		var r Result
		var err error
		if len(st.Like) > 0 {
			r, err = e.createTableLike(x, b, txn, st)
		} else {
			r, err = e.createTable(x, b, txn, st)
		}
		if err == nil && st.Temp {
			notes.noteTemp(txn, st)
		}
		return r, err
	case *ast.CreateIndex:
		return e.createIndex(x, txn, st)
	case *ast.CreateView:
		return e.createView(ec, b, txn, st)
	case *ast.Comment:
		return e.comment(txn, st)
	case *ast.Refresh:
		return e.refresh(x, b, txn, st)
	case *ast.AlterRename:
		return e.alterRename(txn, st)
	case *ast.AlterSequence:
		return e.alterSequence(txn, st)
	case *ast.CreateSchema:
		// cairn has the schemas PostgreSQL starts with: public, and the
		// catalog's.
		switch st.Name {
		case "public", "pg_catalog", "information_schema":
			if st.IfNotExists {
				ec.SendNotice("NOTICE", "42P06", "schema %q already exists, skipping", st.Name)
				return Result{Tag: "CREATE SCHEMA"}, nil
			}
			return Result{}, sqlerr.New(sqlerr.Code("42P06"), "schema %q already exists", st.Name)
		}
		return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "CREATE SCHEMA %s: schemas other than public are not supported yet", st.Name).
			WithHint("cairn keeps every table in the schema public.")
	case *ast.CreateExtension:
		// What the common extensions give, cairn has built in.
		if builtInExtension(st.Name) {
			return Result{Tag: "CREATE EXTENSION"}, nil
		}
		return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "extension %q is not available", st.Name).
			WithHint("cairn has no extensions; gen_random_uuid() (pgcrypto) and uuid_generate_v4() (uuid-ossp) are built in.")
	case *ast.Do:
		return e.runDo(ctx, txn, st, ec, notes)
	case *ast.Maintain:
		return e.maintain(txn, st)
	case *ast.AlterSchema:
		// The one schema, public: its owner is the one owner (pg_dump
		// writes OWNER TO); it keeps its name.
		if st.Name != "public" {
			return Result{}, sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", st.Name)
		}
		if st.NewName != "" {
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "cannot rename schema public: cairn keeps every table in it")
		}
		return Result{Tag: "ALTER SCHEMA"}, nil
	case *ast.CreateType:
		return e.createType(txn, st)
	case *ast.CreateFunction:
		return e.createFunction(ctx, b, txn, st, ec, notes)
	case *ast.DropFunction:
		return e.dropFunction(b, txn, st, ec)
	case *ast.AlterFunction:
		return e.alterFunction(b, txn, st)
	case *ast.Call:
		return e.call(ctx, txn, st, params, ec, notes)
	case *ast.CreateTrigger:
		return e.createTrigger(b, txn, st)
	case *ast.DropTrigger:
		return e.dropTrigger(txn, st, ec)
	case *ast.AlterType:
		return e.alterType(txn, st)
	case *ast.Drop:
		if st.Kind == ast.ObjRole || st.Kind == ast.ObjUser {
			return e.dropRoles(txn, st)
		}
		if st.Kind == ast.ObjType {
			return e.dropTypes(txn, st)
		}
		return e.drop(ec, txn, st)
	case *ast.Truncate:
		return e.truncate(txn, st)
	case *ast.Analyze:
		r, _, err := e.analyze(txn, st)
		return r, err
	case *ast.CreateRole:
		return e.createRole(txn, st.Name, true, st.User, st.IfNotExists, st.Options)
	case *ast.AlterRole:
		return e.createRole(txn, st.Name, false, st.User, false, st.Options)
	case *ast.Explain:
		return e.explain(x, b, st)
	case *ast.AlterTable:
		return e.alterTable(x, b, txn, st)
	case *ast.CreateSequence:
		d, err := newSequence(st.Name.Name, st.Options, true)
		if err != nil {
			return Result{}, err
		}
		if _, ok, err := catalog.Lookup(txn, d.Name); err != nil {
			return Result{}, err
		} else if ok && st.IfNotExists {
			ec.SendNotice("NOTICE", "42P07", "relation %q already exists, skipping", d.Name)
			return Result{Tag: "CREATE SEQUENCE"}, nil
		}
		if err := catalog.Create(txn, d); err != nil {
			return Result{}, err
		}
		return Result{Tag: "CREATE SEQUENCE"}, nil
	}
	err := sqlerr.New(sqlerr.FeatureNotSupported, "%s is not supported yet", statementName(stmt))
	switch stmt.(type) {
	case *ast.Grant, *ast.GrantRole:
		err = err.WithHint("cairn keeps no privileges: every role may read and change every object.")
	}
	return Result{}, err
}

func statementName(stmt ast.Statement) string {
	s := ast.Format(stmt)
	if i := strings.IndexAny(s, " ("); i > 0 {
		s = s[:i]
	}
	return strings.ToUpper(s)
}

func visibleColumns(cols []plan.Column) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = Column{Name: c.Name, Type: c.Type}
		// Untyped literals and parameters come out as text, as in
		// PostgreSQL.
		if c.Type.Family() == types.UnknownFamily {
			out[i].Type = types.Text
		}
	}
	return out
}

func rowsResult(cols []Column, rows []exec.Row, tag string) Result {
	return Result{Columns: cols, Rows: rows, Tag: tag, RowsAffected: int64(len(rows))}
}

func dmlResult(cols []Column, res exec.DMLResult, tag string) Result {
	r := Result{Tag: tag, RowsAffected: res.Affected}
	if cols != nil {
		r.Columns = cols
		r.Rows = res.Returning
	}
	return r
}

func (e *Engine) createTable(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, st *ast.CreateTable) (Result, error) {
	name := st.Name.Name
	if _, ok, err := catalog.Lookup(txn, name); err != nil {
		return Result{}, err
	} else if ok {
		if st.IfNotExists {
			x.Eval.SendNotice("NOTICE", "42P07", "relation %q already exists, skipping", name)
			return Result{Tag: "CREATE TABLE"}, nil
		}
		return Result{}, sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", name)
	}
	if st.AsQuery != nil {
		return e.createTableAs(x, b, txn, st)
	}
	d := &catalog.Descriptor{Name: name, Kind: catalog.KindTable, Temp: st.Temp}
	var pk []string
	type uniq struct {
		name string
		cols []string
		nnd  bool // NULLS NOT DISTINCT
	}
	var uniques []uniq
	// A CHECK without a name is named as PostgreSQL names it: t_c_check
	// for a column's, t_check for the table's, with a number after when
	// that is taken (t_check1).
	addCheck := func(cname, col string, expr ast.Expr) {
		if cname == "" {
			base := name + "_check"
			if col != "" {
				base = name + "_" + col + "_check"
			}
			cname = base
			for i := 1; constraintNamed(d, cname); i++ {
				cname = base + strconv.Itoa(i)
			}
		}
		d.Checks = append(d.Checks, catalog.Check{Name: cname, Expr: ast.Format(expr)})
	}
	var ownedSeqs []*catalog.Descriptor
	var ownedCols []string // the column each of ownedSeqs belongs to
	type fkSpec struct {
		c    *ast.Constraint
		cols []string
	}
	var fkSpecs []fkSpec
	for _, cd := range st.Columns {
		if cd.Type == nil {
			// Column lists without types belong to CREATE TABLE ... AS.
			return Result{}, sqlerr.New(sqlerr.SyntaxError, "column %q needs a type", cd.Name)
		}
		typeName := cd.Type
		serial := false
		if base, ok := serialType(cd.Type.Name); ok && len(cd.Type.Args) == 0 && cd.Type.Schema == "" {
			typeName = &ast.TypeName{Pos: cd.Type.Pos, Name: base}
			serial = true
		}
		t, err := b.ResolveType(typeName)
		if err != nil {
			return Result{}, err
		}
		col := catalog.Column{Name: cd.Name}
		plan.SetColumnType(&col, t)
		addSeq := func(opts []ast.SeqOption) error {
			seq, err := newSequence(fmt.Sprintf("%s_%s_seq", name, cd.Name), opts, t.Family() == types.Int8Family)
			if err != nil {
				return err
			}
			ownedSeqs, ownedCols = append(ownedSeqs, seq), append(ownedCols, cd.Name)
			// The name as nextval reads it: "User_id_seq" keeps its case.
			col.Default = "nextval(" + builtins.QuoteLiteral(builtins.QuoteIdent(seq.Name)) + "::regclass)"
			col.NotNull = true
			return nil
		}
		if serial {
			if err := addSeq(nil); err != nil {
				return Result{}, err
			}
		}
		for _, c := range cd.Constraints {
			if err := checkedAtOnce(c); err != nil {
				return Result{}, err
			}
			switch c.Kind {
			case ast.ConstrNotNull:
				col.NotNull = true
			case ast.ConstrNull:
				col.NotNull = false
			case ast.ConstrDefault:
				col.Default = ast.Format(c.Expr)
			case ast.ConstrPrimaryKey:
				if pk != nil {
					return Result{}, sqlerr.New(sqlerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", name)
				}
				pk = []string{cd.Name}
			case ast.ConstrUnique:
				uniques = append(uniques, uniq{c.Name, []string{cd.Name}, c.NullsNotDistinct})
			case ast.ConstrCheck:
				addCheck(c.Name, cd.Name, c.Expr)
			case ast.ConstrReferences:
				fkSpecs = append(fkSpecs, fkSpec{c: c, cols: []string{cd.Name}})
			case ast.ConstrGenerated:
				col.Generated = ast.Format(c.Expr)
			case ast.ConstrIdentity:
				if err := addSeq(c.SeqOptions); err != nil {
					return Result{}, err
				}
				col.Identity = "by default"
				if c.Always {
					col.Identity = "always"
				}
			default:
				return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "column constraint %s is not supported yet", ast.Format(c))
			}
		}
		if d.Column(cd.Name) != nil {
			return Result{}, sqlerr.New(sqlerr.DuplicateColumn, "column %q specified more than once", cd.Name)
		}
		if col.Generated != "" && (col.Default != "" || col.Identity != "") {
			return Result{}, sqlerr.New(sqlerr.SyntaxError, "both default and generation expression specified for column %q of table %q", cd.Name, name)
		}
		d.AddColumn(col)
	}
	for _, c := range st.Constraints {
		if err := checkedAtOnce(c); err != nil {
			return Result{}, err
		}
		for i, cn := range c.Columns {
			if slices.Contains(c.Columns[:i], cn) {
				kind := map[ast.ConstraintKind]string{ast.ConstrPrimaryKey: "primary key", ast.ConstrUnique: "unique"}[c.Kind]
				if kind != "" {
					return Result{}, sqlerr.New(sqlerr.DuplicateColumn, "column %q appears twice in %s constraint", cn, kind)
				}
			}
		}
		switch c.Kind {
		case ast.ConstrPrimaryKey:
			if pk != nil {
				return Result{}, sqlerr.New(sqlerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", name)
			}
			pk = c.Columns
		case ast.ConstrUnique:
			uniques = append(uniques, uniq{c.Name, c.Columns, c.NullsNotDistinct})
		case ast.ConstrCheck:
			addCheck(c.Name, "", c.Expr)
		case ast.ConstrReferences:
			fkSpecs = append(fkSpecs, fkSpec{c: c, cols: c.Columns})
		default:
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "table constraint %s is not supported yet", ast.Format(c))
		}
	}
	indexCols := func(cols []string) ([]catalog.IndexColumn, error) {
		var out []catalog.IndexColumn
		for _, cn := range cols {
			col := d.Column(cn)
			if col == nil {
				return nil, sqlerr.New(sqlerr.UndefinedColumn, "column %q named in key does not exist", cn)
			}
			out = append(out, catalog.IndexColumn{ColumnID: col.ID})
		}
		return out, nil
	}
	if pk == nil {
		// A table without a primary key is keyed by a hidden row id.
		d.AddColumn(catalog.Column{Name: plan.RowIDColumn, Type: types.Int8.String(), NotNull: true, Hidden: true})
		pk = []string{plan.RowIDColumn}
	}
	pkCols, err := indexCols(pk)
	if err != nil {
		return Result{}, err
	}
	for _, cn := range pk {
		d.Column(cn).NotNull = true
	}
	d.Primary = catalog.Index{ID: catalog.PrimaryIndexID, Name: name + "_pkey", Unique: true, Columns: pkCols}
	for _, u := range uniques {
		cols, err := indexCols(u.cols)
		if err != nil {
			return Result{}, err
		}
		iname := u.name
		if iname == "" {
			iname = fmt.Sprintf("%s_%s_key", name, strings.Join(u.cols, "_"))
		}
		d.AddIndex(catalog.Index{Name: iname, Unique: true, Columns: cols, NullsNotDistinct: u.nnd})
	}
	for _, f := range fkSpecs {
		fk, err := foreignKey(txn, d, f.c, f.cols)
		if err != nil {
			return Result{}, err
		}
		d.ForeignKeys = append(d.ForeignKeys, fk)
	}
	if err := catalog.Create(txn, d); err != nil {
		return Result{}, err
	}
	// A self-reference names the table's own id, known only now.
	for i := range d.ForeignKeys {
		if d.ForeignKeys[i].RefTable == 0 {
			d.ForeignKeys[i].RefTable = d.ID
		}
	}
	if len(d.ForeignKeys) > 0 {
		if err := catalog.Update(txn, d); err != nil {
			return Result{}, err
		}
	}
	for i, seq := range ownedSeqs {
		seq.Sequence.OwnedByTable = d.ID
		if c := d.Column(ownedCols[i]); c != nil {
			seq.Sequence.OwnedByColumn = c.ID
		}
		if err := catalog.Create(txn, seq); err != nil {
			return Result{}, err
		}
	}
	// Defaults and checks are kept as text and bound by each statement
	// that uses them; bind them once now, so that a misspelt function or
	// a mistyped default fails here (as in PostgreSQL), not at the first
	// INSERT.
	cols, err := plan.TableColumns(d)
	if err != nil {
		return Result{}, err
	}
	if _, err := b.Defaults(d, cols); err != nil {
		return Result{}, err
	}
	for _, c := range d.Checks {
		if _, err := b.Check(d, cols, c.Expr); err != nil {
			return Result{}, err
		}
	}
	if _, err := plan.BindTableExprs(txn, d); err != nil {
		return Result{}, err
	}
	return Result{Tag: "CREATE TABLE"}, nil
}

func (e *Engine) createIndex(x *exec.Ctx, txn *mvcc.Txn, st *ast.CreateIndex) (Result, error) {
	d, err := catalog.Get(txn, st.Table.Name)
	if err != nil {
		return Result{}, err
	}
	if d.Kind != catalog.KindTable {
		return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table", d.Name)
	}
	method := strings.ToLower(st.Using)
	switch method {
	case "", "btree":
		method = ""
	case plan.IndexMethodGIN:
		// An inverted index over one jsonb column or expression.
		if st.Unique {
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "access method \"gin\" does not support unique indexes")
		}
		if len(st.Elems) != 1 {
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "a gin index has exactly one key, a jsonb column or expression")
		}
	case plan.IndexMethodFTS:
		if st.Unique {
			return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "access method \"fts\" does not support unique indexes")
		}
	default:
		return Result{}, sqlerr.New(sqlerr.UndefinedObject, "access method %q does not exist", st.Using)
	}
	ix := catalog.Index{Name: st.Name, Unique: st.Unique, Method: method, NullsNotDistinct: st.NullsNotDistinct}
	if method == plan.IndexMethodGIN {
		ix.Terms = uint8(jsonb.TermsByPath)
	}
	if st.NullsNotDistinct && !st.Unique {
		return Result{}, sqlerr.New(sqlerr.SyntaxError, "only unique indexes can be defined as NULLS NOT DISTINCT")
	}
	opts, err := indexOptions(method, st.With)
	if err != nil {
		return Result{}, err
	}
	ix.Options = opts
	cols, err := plan.TableColumns(d)
	if err != nil {
		return Result{}, err
	}
	b := plan.NewBinder(txn, "", nil)
	var names []string
	for _, el := range st.Elems {
		if el.Expr != nil {
			// An expression key is stored as text and bound like a CHECK
			// constraint; binding it now checks it is valid and immutable.
			text := ast.Format(el.Expr)
			x, err := b.IndexExpr(cols, text)
			if err != nil {
				return Result{}, err
			}
			if plan.ZoneDependent(x) {
				return Result{}, errZoneDependent("index expression")
			}
			if method == plan.IndexMethodFTS {
				return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "an fts index covers columns, not expressions")
			}
			if method == plan.IndexMethodGIN && x.Type().Family() != types.JSONBFamily {
				return Result{}, sqlerr.New(sqlerr.UndefinedObject, "data type %s has no default operator class for access method \"gin\"", x.Type())
			}
			ix.Columns = append(ix.Columns, catalog.IndexColumn{Expr: text, Desc: el.Desc})
			name := "expr"
			if fc, ok := el.Expr.(*ast.FuncCall); ok {
				name = strings.ToLower(fc.Name.Name)
			}
			names = append(names, name)
			continue
		}
		col := d.Column(el.Column)
		if col == nil {
			return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q does not exist", el.Column)
		}
		if method == plan.IndexMethodGIN && !strings.HasPrefix(col.Type, "jsonb") {
			return Result{}, sqlerr.New(sqlerr.UndefinedObject, "data type %s has no default operator class for access method \"gin\"", col.Type)
		}
		if method == plan.IndexMethodFTS && !plan.FTSIndexable(col.Type) {
			return Result{}, sqlerr.New(sqlerr.DatatypeMismatch, "column %q is of type %s: an fts index covers text, varchar, char and jsonb columns", col.Name, col.Type)
		}
		ix.Columns = append(ix.Columns, catalog.IndexColumn{ColumnID: col.ID, Desc: el.Desc})
		names = append(names, el.Column)
	}
	if st.Where != nil {
		ix.Predicate = ast.Format(st.Where)
		pred, err := b.IndexPredicate(cols, ix.Predicate)
		if err != nil {
			return Result{}, err
		}
		if plan.ZoneDependent(pred) {
			return Result{}, errZoneDependent("index predicate")
		}
	}
	if ix.Name == "" {
		ix.Name = fmt.Sprintf("%s_%s_idx", d.Name, strings.Join(names, "_"))
	}
	if _, _, ok, err := catalog.LookupIndex(txn, ix.Name); err != nil {
		return Result{}, err
	} else if ok || d.Index(ix.Name) != nil {
		if st.IfNotExists {
			x.Eval.SendNotice("NOTICE", "42P07", "relation %q already exists, skipping", ix.Name)
			return Result{Tag: "CREATE INDEX"}, nil
		}
		return Result{}, sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", ix.Name)
	}
	added := d.AddIndex(ix)
	if err := catalog.Update(txn, d); err != nil {
		return Result{}, err
	}
	if err := x.Backfill(d, added); err != nil {
		return Result{}, err
	}
	if added.Method == plan.IndexMethodFTS {
		// Fold the backfilled postings into blocks now, in the same
		// transaction, so the new index starts compact.
		if _, _, err := exec.MergeFTS(x.Context, txn, d, added, 0); err != nil {
			return Result{}, err
		}
	}
	return Result{Tag: "CREATE INDEX"}, nil
}

// indexOptions checks an index's WITH parameters: fts takes analyzer;
// other methods take none (fillfactor and the like are accepted and
// ignored, as storage details cairn does not have).
func indexOptions(method string, with []ast.Option) (map[string]string, error) {
	var out map[string]string
	for _, o := range with {
		val := ""
		if o.Value != nil {
			val = strings.Trim(ast.Format(o.Value), "'")
		}
		switch {
		case method == plan.IndexMethodFTS && o.Name == "analyzer":
			if err := plan.CheckAnalyzer(val); err != nil {
				return nil, err
			}
			if out == nil {
				out = map[string]string{}
			}
			out["analyzer"] = val
		case o.Name == "fillfactor" || o.Name == "deduplicate_items" || o.Name == "fastupdate":
		default:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized parameter %q", o.Name)
		}
	}
	return out, nil
}

func (e *Engine) createView(ec *builtins.EvalContext, b *plan.Binder, txn *mvcc.Txn, st *ast.CreateView) (Result, error) {
	// Bind once to validate and learn the output columns.
	n, err := b.Query(st.Query)
	if err != nil {
		return Result{}, err
	}
	cols := n.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		if i < len(st.Columns) {
			names[i] = st.Columns[i]
		}
	}
	d := &catalog.Descriptor{Name: st.Name.Name, Kind: catalog.KindView, ViewQuery: ast.Format(st.Query), ViewColumns: names}
	if old, ok, err := catalog.Lookup(txn, d.Name); err != nil {
		return Result{}, err
	} else if ok {
		switch {
		case st.OrReplace && old.Kind == catalog.KindView:
			d.ID = old.ID
			if err := catalog.Update(txn, d); err != nil {
				return Result{}, err
			}
			return Result{Tag: "CREATE VIEW"}, nil
		case st.IfNotExists:
			ec.SendNotice("NOTICE", "42P07", "relation %q already exists, skipping", d.Name)
			return Result{Tag: "CREATE VIEW"}, nil
		}
		return Result{}, sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", d.Name)
	}
	if err := catalog.Create(txn, d); err != nil {
		return Result{}, err
	}
	return Result{Tag: "CREATE VIEW"}, nil
}

func (e *Engine) drop(ec *builtins.EvalContext, txn *mvcc.Txn, st *ast.Drop) (Result, error) {
	var tag string
	switch st.Kind {
	case ast.ObjTable:
		tag = "DROP TABLE"
	case ast.ObjView:
		tag = "DROP VIEW"
	case ast.ObjIndex:
		tag = "DROP INDEX"
	case ast.ObjSequence:
		tag = "DROP SEQUENCE"
	case ast.ObjMatView:
		tag = "DROP MATERIALIZED VIEW"
	default:
		return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "this DROP is not supported yet")
	}
	for _, name := range st.Names {
		if st.Kind == ast.ObjIndex {
			d, id, ok, err := catalog.LookupIndex(txn, name.Name)
			if err != nil {
				return Result{}, err
			}
			if !ok {
				if st.IfExists {
					ec.SendNotice("NOTICE", "00000", "index %q does not exist, skipping", name.Name)
					continue
				}
				return Result{}, sqlerr.New(sqlerr.UndefinedObject, "index %q does not exist", name.Name)
			}
			if id == catalog.PrimaryIndexID {
				return Result{}, sqlerr.New(sqlerr.Code("2BP01"), "cannot drop index %s because constraint %s on table %s requires it", name.Name, name.Name, d.Name)
			}
			for i, ix := range d.Indexes {
				if ix.ID == id {
					d.Indexes = append(d.Indexes[:i], d.Indexes[i+1:]...)
					break
				}
			}
			if err := catalog.Update(txn, d); err != nil {
				return Result{}, err
			}
			if err := txn.DeleteRange(catalog.IndexPrefix(nil, d.ID, id), catalog.IndexPrefix(nil, d.ID, id+1)); err != nil {
				return Result{}, err
			}
			continue
		}
		d, ok, err := catalog.Lookup(txn, name.Name)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			what := map[ast.ObjectKind]string{ast.ObjTable: "table", ast.ObjView: "view", ast.ObjSequence: "sequence", ast.ObjMatView: "materialized view"}[st.Kind]
			if st.IfExists {
				ec.SendNotice("NOTICE", "00000", "%s %q does not exist, skipping", what, name.Name)
				continue
			}
			return Result{}, sqlerr.New(sqlerr.UndefinedTable, "%s %q does not exist", what, name.Name)
		}
		want := map[ast.ObjectKind]catalog.Kind{ast.ObjTable: catalog.KindTable, ast.ObjView: catalog.KindView, ast.ObjSequence: catalog.KindSequence, ast.ObjMatView: catalog.KindTable}[st.Kind]
		if d.Kind != want {
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a %s", d.Name, want).WithHint("Use DROP %s to remove a %s.", strings.ToUpper(string(d.Kind)), d.Kind)
		}
		if isMat := d.MatView != ""; isMat != (st.Kind == ast.ObjMatView) {
			if isMat {
				return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table", d.Name).WithHint("Use DROP MATERIALIZED VIEW to remove a materialized view.")
			}
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a materialized view", d.Name).WithHint("Use DROP TABLE to remove a table.")
		}
		if d.Kind == catalog.KindTable {
			all, err := catalog.List(txn)
			if err != nil {
				return Result{}, err
			}
			for _, o := range all {
				for _, fk := range o.ForeignKeys {
					if fk.RefTable == d.ID && o.ID != d.ID {
						return Result{}, sqlerr.New(sqlerr.Code("2BP01"), "cannot drop table %s because other objects depend on it", d.Name).
							WithDetail("constraint %s on table %s depends on table %s", fk.Name, o.Name, d.Name)
					}
				}
			}
		}
		if err := catalog.Drop(txn, d); err != nil {
			return Result{}, err
		}
		if d.Kind == catalog.KindTable {
			// Sequences of the table's SERIAL and identity columns go with it.
			all, err := catalog.List(txn)
			if err != nil {
				return Result{}, err
			}
			for _, o := range all {
				if o.Kind == catalog.KindSequence && o.Sequence.OwnedByTable == d.ID {
					if err := catalog.Drop(txn, o); err != nil {
						return Result{}, err
					}
				}
			}
		}
	}
	return Result{Tag: tag}, nil
}

// explain binds a statement and shows its plan without running it.
func (e *Engine) explain(x *exec.Ctx, b *plan.Binder, st *ast.Explain) (Result, error) {
	format, err := explainFormat(st)
	if err != nil {
		return Result{}, err
	}
	r, err := e.explainText(x, b, st)
	if err != nil || format != "json" {
		return r, err
	}
	lines := make([]string, len(r.Rows))
	for i, row := range r.Rows {
		lines[i] = row[0].Str()
	}
	return explainJSON(lines)
}

// explainText is EXPLAIN's text form: a row per line.
func (e *Engine) explainText(x *exec.Ctx, b *plan.Binder, st *ast.Explain) (Result, error) {
	if q, ok := st.Stmt.(*ast.Query); ok && st.Analyze {
		return e.explainAnalyze(x, b, q, explainCosts(st))
	}
	if st.Analyze {
		return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "EXPLAIN ANALYZE of %s is not supported yet", statementName(st.Stmt))
	}
	var n plan.Node
	var err error
	switch inner := st.Stmt.(type) {
	case *ast.Query:
		n, err = b.Query(inner)
	case *ast.Insert:
		n, err = b.Insert(inner)
	case *ast.Update:
		n, err = b.Update(inner)
	case *ast.Delete:
		n, err = b.Delete(inner)
	default:
		return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "EXPLAIN of %s is not supported", statementName(inner))
	}
	if err != nil {
		return Result{}, err
	}
	r := Result{Columns: []Column{{Name: "QUERY PLAN", Type: types.Text}}, Tag: "EXPLAIN"}
	note := b.CostNote
	if !explainCosts(st) {
		note = nil
	}
	for _, line := range plan.ExplainAnnotated(n, note) {
		r.Rows = append(r.Rows, []types.Datum{types.NewText(line)})
	}
	return r, nil
}

// explainCosts reports whether EXPLAIN shows estimated costs and rows:
// yes unless (COSTS false|off).
func explainCosts(st *ast.Explain) bool {
	for _, o := range st.Options {
		if o.Name == "costs" && o.Value != nil {
			switch strings.Trim(strings.ToLower(ast.Format(o.Value)), "'") {
			case "false", "off", "0", "no":
				return false
			}
		}
	}
	return true
}

// explainAnalyze runs a query and shows its plan with each operator's
// actual rows, loops and time.
func (e *Engine) explainAnalyze(x *exec.Ctx, b *plan.Binder, q *ast.Query, costs bool) (Result, error) {
	start := time.Now()
	n, err := b.Query(q)
	if err != nil {
		return Result{}, err
	}
	planning := time.Since(start)
	x.Analyze = map[plan.Node]*exec.OpStats{}
	start = time.Now()
	rows, err := x.Run(n)
	if err != nil {
		return Result{}, err
	}
	execution := time.Since(start)
	note := func(n plan.Node) string {
		st := x.Analyze[n]
		if st == nil {
			return ""
		}
		est := ""
		if costs {
			est = b.CostNote(n)
		}
		spill := ""
		sp, what := st, "partitions"
		if p, ok := n.(*plan.Project); ok && x.Analyze[p.Input] != nil {
			// EXPLAIN shows a projection over an aggregate as the
			// aggregate.
			sp = x.Analyze[p.Input]
		}
		if _, ok := n.(*plan.Sort); ok {
			what = "runs"
		}
		if sp.SpillRuns > 0 {
			spill = fmt.Sprintf(" (spilled: %d %s, %d kB on disk)", sp.SpillRuns, what, (sp.SpillBytes+1023)>>10)
		}
		if sp.Parts > 0 {
			spill += fmt.Sprintf(" (parallel: %d parts)", sp.Parts)
		}
		return est + fmt.Sprintf(" (actual time=%.3f ms rows=%d loops=%d)", float64(st.Time)/1e6, st.Rows/max(st.Loops, 1), st.Loops) + spill
	}
	r := Result{Columns: []Column{{Name: "QUERY PLAN", Type: types.Text}}, Tag: "EXPLAIN"}
	rowsOf := func(n plan.Node) (int64, bool) {
		st := x.Analyze[n]
		if st == nil {
			return 0, false
		}
		return st.Rows / max(st.Loops, 1), true
	}
	for _, line := range plan.ExplainAnalyzed(n, note, rowsOf) {
		r.Rows = append(r.Rows, []types.Datum{types.NewText(line)})
	}
	for _, line := range []string{
		fmt.Sprintf("Planning Time: %.3f ms", float64(planning)/1e6),
		fmt.Sprintf("Execution Time: %.3f ms", float64(execution)/1e6),
		fmt.Sprintf("Rows: %d", len(rows)),
	} {
		r.Rows = append(r.Rows, []types.Datum{types.NewText(line)})
	}
	return r, nil
}

// createTableAs creates a table shaped like a query's result and fills it.
func (e *Engine) createTableAs(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, st *ast.CreateTable) (Result, error) {
	n, err := b.Query(st.AsQuery)
	if err != nil {
		return Result{}, err
	}
	d := &catalog.Descriptor{Name: st.Name.Name, Kind: catalog.KindTable, Temp: st.Temp && !st.MatView}
	cols := n.Columns()
	for i, c := range cols {
		name := c.Name
		if i < len(st.AsColumns) {
			name = st.AsColumns[i]
		}
		t := c.Type
		if t.Family() == types.UnknownFamily {
			t = types.Text
		}
		if d.Column(name) != nil {
			return Result{}, sqlerr.New(sqlerr.DuplicateColumn, "column %q specified more than once", name)
		}
		col := catalog.Column{Name: name}
		plan.SetColumnType(&col, t)
		d.AddColumn(col)
	}
	rowid := d.AddColumn(catalog.Column{Name: plan.RowIDColumn, Type: types.Int8.String(), NotNull: true, Hidden: true})
	d.Primary = catalog.Index{ID: catalog.PrimaryIndexID, Name: d.Name + "_pkey", Unique: true, Columns: []catalog.IndexColumn{{ColumnID: rowid.ID}}}
	if st.MatView {
		d.MatView, d.Unpopulated = ast.Format(st.AsQuery), st.NoData
	}
	if err := catalog.Create(txn, d); err != nil {
		return Result{}, err
	}
	if st.NoData {
		return Result{Tag: "SELECT 0"}, nil
	}
	affected, err := e.fillFromQuery(x, txn, d, n)
	if err != nil {
		return Result{}, err
	}
	return Result{Tag: fmt.Sprintf("SELECT %d", affected), RowsAffected: affected}, nil
}

// fillFromQuery inserts the rows of query n into table d (CREATE TABLE
// AS, REFRESH MATERIALIZED VIEW): its columns in order, then the hidden
// row id. The query is evaluated as the statement's (stmt: its
// parameters, evaluation context and cancellation).
func (e *Engine) fillFromQuery(stmt *exec.Ctx, txn *mvcc.Txn, d *catalog.Descriptor, n plan.Node) (int64, error) {
	ins := &plan.Insert{Table: d, Input: n, Defaults: make([]plan.Expr, len(d.Columns))}
	for i := range n.Columns() {
		ins.TargetCols = append(ins.TargetCols, i)
	}
	x := &exec.Ctx{Context: stmt.Context, Txn: txn, Params: stmt.Params, Eval: stmt.Eval, NewRowID: e.newRowID, NewTempFile: e.newTempFile, Analyzers: &e.analyzers, FTSNumbers: &e.ftsNumbers, FTSWorkers: &e.ftsWorkers}
	res, err := x.Insert(ins)
	return res.Affected, err
}

// refresh replaces a materialized view's rows with its query's (or, WITH
// NO DATA, with none, leaving it unreadable until refreshed).
func (e *Engine) refresh(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, st *ast.Refresh) (Result, error) {
	d, err := catalog.Get(txn, st.Name.Name)
	if err != nil {
		return Result{}, err
	}
	if d.MatView == "" {
		return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a materialized view", d.Name)
	}
	if err := txn.DeleteRange(catalog.TablePrefix(nil, d.ID), catalog.TablePrefix(nil, d.ID+1)); err != nil {
		return Result{}, err
	}
	if d.Unpopulated != st.NoData {
		d.Unpopulated = st.NoData
		if err := catalog.Update(txn, d); err != nil {
			return Result{}, err
		}
	}
	if st.NoData {
		return Result{Tag: "REFRESH MATERIALIZED VIEW"}, nil
	}
	stmts, err := parser.Parse(d.MatView)
	if err != nil {
		return Result{}, sqlerr.Wrap(err, sqlerr.DataCorrupted, "materialized view %s: its query does not parse: %v", d.Name, err)
	}
	n, err := b.Query(stmts[0].(*ast.Query))
	if err != nil {
		return Result{}, err
	}
	if len(n.Columns()) != len(d.Columns)-1 {
		return Result{}, sqlerr.New(sqlerr.DataCorrupted, "materialized view %s: its query no longer has its columns", d.Name)
	}
	if _, err := e.fillFromQuery(x, txn, d, n); err != nil {
		return Result{}, err
	}
	return Result{Tag: "REFRESH MATERIALIZED VIEW"}, nil
}

var fkActions = map[ast.RefAction]catalog.FKAction{
	ast.RefNoAction: catalog.FKNoAction, ast.RefRestrict: catalog.FKRestrict,
	ast.RefCascade: catalog.FKCascade, ast.RefSetNull: catalog.FKSetNull,
}

// foreignKey resolves a REFERENCES constraint of table d (being created):
// the referenced columns default to the referenced table's primary key
// and must be exactly a primary key or unique constraint.
func foreignKey(txn *mvcc.Txn, d *catalog.Descriptor, c *ast.Constraint, cols []string) (catalog.ForeignKey, error) {
	fk := catalog.ForeignKey{Name: c.Name, Deferrable: c.Deferrable, InitiallyDeferred: c.Deferred}
	if fk.Name == "" {
		fk.Name = fmt.Sprintf("%s_%s_fkey", d.Name, strings.Join(cols, "_"))
	}
	var ok bool
	if fk.OnDelete, ok = fkActions[c.OnDelete]; !ok {
		return fk, sqlerr.New(sqlerr.FeatureNotSupported, "ON DELETE SET DEFAULT is not supported yet")
	}
	if fk.OnUpdate, ok = fkActions[c.OnUpdate]; !ok {
		return fk, sqlerr.New(sqlerr.FeatureNotSupported, "ON UPDATE SET DEFAULT is not supported yet")
	}
	parent := d
	if c.RefTable.Name != d.Name {
		p, err := catalog.Get(txn, c.RefTable.Name)
		if err != nil {
			return fk, err
		}
		if p.Kind != catalog.KindTable {
			return fk, sqlerr.New(sqlerr.WrongObjectType, "referenced relation %q is not a table", p.Name)
		}
		parent = p
		fk.RefTable = p.ID
	}
	refCols := c.RefColumns
	if len(refCols) == 0 {
		for _, ic := range parent.Primary.Columns {
			refCols = append(refCols, parent.ColumnByID(ic.ColumnID).Name)
		}
	}
	if len(refCols) != len(cols) {
		return fk, sqlerr.New(sqlerr.InvalidForeignKey, "number of referencing and referenced columns for foreign key disagree")
	}
	for i, name := range cols {
		col := d.Column(name)
		if col == nil {
			return fk, sqlerr.New(sqlerr.UndefinedColumn, "column %q referenced in foreign key constraint does not exist", name)
		}
		rc := parent.Column(refCols[i])
		if rc == nil || rc.Hidden {
			return fk, sqlerr.New(sqlerr.UndefinedColumn, "column %q referenced in foreign key constraint does not exist", refCols[i])
		}
		fk.Columns = append(fk.Columns, col.ID)
		fk.RefColumn = append(fk.RefColumn, rc.ID)
	}
	if !hasUniqueOn(parent, fk.RefColumn) {
		return fk, sqlerr.New(sqlerr.InvalidForeignKey, "there is no unique constraint matching given keys for referenced table %q", parent.Name)
	}
	return fk, nil
}

func hasUniqueOn(d *catalog.Descriptor, cols []uint32) bool {
	for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
		if !ix.Unique || len(ix.Columns) != len(cols) {
			continue
		}
		all := true
		for _, ic := range ix.Columns {
			found := false
			for _, c := range cols {
				found = found || c == ic.ColumnID
			}
			all = all && found
		}
		if all {
			return true
		}
	}
	return false
}

// builtInExtension reports whether an extension's features are built in
// (so CREATE EXTENSION succeeds doing nothing).
func builtInExtension(name string) bool {
	switch name {
	case "plpgsql", "pgcrypto", "uuid-ossp":
		return true
	}
	return false
}

// errZoneDependent is PostgreSQL's refusal of a stable expression (one
// whose value depends on the session time zone) as an index key.
func errZoneDependent(what string) error {
	return sqlerr.New(sqlerr.Code("42P17"), "functions in %s must be marked IMMUTABLE", what).
		WithDetail("Its value depends on the session time zone (TimeZone).")
}
