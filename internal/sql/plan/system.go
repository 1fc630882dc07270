package plan

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// The schema every user object lives in.
const publicSchema = "public"

// systemView builds the rows of a catalog view (information_schema,
// pg_catalog) from the catalog as the transaction sees it. ok is false
// for a name that is not a system view.
func (b *Binder) systemView(schema, name string) (Node, bool, error) {
	type col struct {
		name string
		typ  types.Type
	}
	var cols []col
	var rows [][]types.Datum
	text := func(s string) types.Datum { return types.NewText(s) }
	all, err := catalog.List(b.txn)
	if err != nil {
		return nil, true, err
	}
	switch schema + "." + name {
	case "pg_catalog.pg_sequences", "information_schema.sequences":
		if name == "sequences" {
			cols = []col{{"sequence_catalog", types.Text}, {"sequence_schema", types.Text}, {"sequence_name", types.Text}, {"data_type", types.Text},
				{"start_value", types.Text}, {"minimum_value", types.Text}, {"maximum_value", types.Text}, {"increment", types.Text}, {"cycle_option", types.Text}}
		} else {
			cols = []col{{"schemaname", types.Text}, {"sequencename", types.Text}, {"sequenceowner", types.Text}, {"data_type", types.Text},
				{"start_value", types.Int8}, {"min_value", types.Int8}, {"max_value", types.Int8}, {"increment_by", types.Int8},
				{"cycle", types.Bool}, {"cache_size", types.Int8}, {"last_value", types.Int8}}
		}
		for _, d := range all {
			s := d.Sequence
			if d.Kind != catalog.KindSequence || s == nil {
				continue
			}
			// The type: what the limits fit (a SERIAL's is integer).
			dataType := "bigint"
			if s.Max <= math.MaxInt32 && s.Min >= math.MinInt32 {
				dataType = "integer"
			}
			if name == "sequences" {
				itoa := func(v int64) types.Datum { return text(strconv.FormatInt(v, 10)) }
				cycle := "NO"
				if s.Cycle {
					cycle = "YES"
				}
				rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(d.Name), text(dataType),
					itoa(s.Start), itoa(s.Min), itoa(s.Max), itoa(s.Increment), text(cycle)})
				continue
			}
			rows = append(rows, []types.Datum{text(publicSchema), text(d.Name), text("cairn"), text(dataType),
				types.NewInt8(s.Start), types.NewInt8(s.Min), types.NewInt8(s.Max), types.NewInt8(s.Increment),
				types.NewBool(s.Cycle), types.NewInt8(1), types.Null})
		}
	case "pg_catalog.pg_matviews":
		cols = []col{{"schemaname", types.Text}, {"matviewname", types.Text}, {"matviewowner", types.Text}, {"definition", types.Text}, {"ispopulated", types.Bool}}
		for _, d := range all {
			if d.MatView != "" {
				rows = append(rows, []types.Datum{text(publicSchema), text(d.Name), text("cairn"), text(d.MatView), types.NewBool(!d.Unpopulated)})
			}
		}
	case "information_schema.tables", "pg_catalog.pg_tables", "pg_catalog.pg_views":
		if name == "tables" {
			cols = []col{{"table_catalog", types.Text}, {"table_schema", types.Text}, {"table_name", types.Text}, {"table_type", types.Text}}
		} else if name == "pg_tables" {
			cols = []col{{"schemaname", types.Text}, {"tablename", types.Text}, {"tableowner", types.Text}}
		} else {
			cols = []col{{"schemaname", types.Text}, {"viewname", types.Text}, {"definition", types.Text}}
		}
		for _, d := range all {
			switch {
			case d.MatView != "":
				// Neither a table nor a view to these.
			case name == "tables" && (d.Kind == catalog.KindTable || d.Kind == catalog.KindView):
				kind := "BASE TABLE"
				if d.Kind == catalog.KindView {
					kind = "VIEW"
				}
				rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(d.Name), text(kind)})
			case name == "pg_tables" && d.Kind == catalog.KindTable:
				rows = append(rows, []types.Datum{text(publicSchema), text(d.Name), text("cairn")})
			case name == "pg_views" && d.Kind == catalog.KindView:
				rows = append(rows, []types.Datum{text(publicSchema), text(d.Name), text(d.ViewQuery)})
			}
		}
	case "information_schema.columns":
		cols = []col{{"table_catalog", types.Text}, {"table_schema", types.Text}, {"table_name", types.Text},
			{"column_name", types.Text}, {"ordinal_position", types.Int4}, {"column_default", types.Text},
			{"is_nullable", types.Text}, {"data_type", types.Text}, {"character_maximum_length", types.Int4},
			{"numeric_precision", types.Int4}, {"numeric_scale", types.Int4},
			{"is_generated", types.Text}, {"generation_expression", types.Text}, {"udt_name", types.Text}}
		for _, d := range all {
			if d.Kind != catalog.KindTable {
				continue
			}
			pos := 0
			for _, c := range d.Columns {
				if c.Hidden {
					continue
				}
				pos++
				t, err := ColumnType(&c)
				if err != nil {
					return nil, true, err
				}
				def := types.Null
				if c.Default != "" {
					def = text(c.Default)
				}
				nullable := "YES"
				if c.NotNull {
					nullable = "NO"
				}
				dataType := c.Type
				if i := strings.IndexByte(dataType, '('); i > 0 {
					dataType = dataType[:i]
				}
				if t.IsEnum() {
					dataType = "USER-DEFINED" // as PostgreSQL: udt_name names it
				}
				charLen, prec, scale := types.Null, types.Null, types.Null
				switch t.Family() {
				case types.VarcharFamily, types.CharFamily:
					if t.Width() >= 0 {
						charLen = types.NewInt4(int32(t.Width()))
					}
				case types.NumericFamily:
					if t.Width() >= 0 {
						prec = types.NewInt4(int32(t.Width()))
						scale = types.NewInt4(int32(max(t.Scale(), 0)))
					}
				case types.Int2Family:
					prec, scale = types.NewInt4(16), types.NewInt4(0)
				case types.Int4Family:
					prec, scale = types.NewInt4(32), types.NewInt4(0)
				case types.Int8Family:
					prec, scale = types.NewInt4(64), types.NewInt4(0)
				}
				generated, genExpr := text("NEVER"), types.Null
				if c.Generated != "" {
					generated, genExpr = text("ALWAYS"), text(c.Generated)
				}
				rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(d.Name), text(c.Name),
					types.NewInt4(int32(pos)), def, text(nullable), text(dataType), charLen, prec, scale, generated, genExpr, text(udtName(t))})
			}
		}
	case "information_schema.table_constraints":
		cols = []col{{"constraint_catalog", types.Text}, {"constraint_schema", types.Text}, {"constraint_name", types.Text},
			{"table_catalog", types.Text}, {"table_schema", types.Text}, {"table_name", types.Text},
			{"constraint_type", types.Text}, {"is_deferrable", types.Text}, {"initially_deferred", types.Text}}
		for _, d := range all {
			for _, c := range tableConstraints(d, all) {
				yesNo := map[bool]string{true: "YES", false: "NO"}
				rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(c.name),
					text("cairn"), text(publicSchema), text(d.Name), text(c.kind), text(yesNo[c.deferrable]), text(yesNo[c.deferred])})
			}
		}
	case "information_schema.check_constraints":
		cols = []col{{"constraint_catalog", types.Text}, {"constraint_schema", types.Text}, {"constraint_name", types.Text}, {"check_clause", types.Text}}
		for _, d := range all {
			for _, c := range tableConstraints(d, all) {
				if c.kind == "CHECK" {
					rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(c.name), text(strings.TrimPrefix(c.def, "CHECK "))})
				}
			}
		}
	case "information_schema.key_column_usage":
		cols = []col{{"constraint_catalog", types.Text}, {"constraint_schema", types.Text}, {"constraint_name", types.Text},
			{"table_catalog", types.Text}, {"table_schema", types.Text}, {"table_name", types.Text},
			{"column_name", types.Text}, {"ordinal_position", types.Int4}, {"position_in_unique_constraint", types.Int4}}
		for _, d := range all {
			for _, c := range tableConstraints(d, all) {
				for i, cn := range c.cols {
					pos := types.Null
					if c.kind == "FOREIGN KEY" {
						pos = types.NewInt4(int32(i + 1))
					}
					rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(c.name),
						text("cairn"), text(publicSchema), text(d.Name), text(cn), types.NewInt4(int32(i + 1)), pos})
				}
			}
		}
	case "information_schema.constraint_column_usage":
		// The columns each constraint uses: a key's own, the ones a
		// foreign key references (in the referenced table), those a
		// check's expression names.
		cols = []col{{"table_catalog", types.Text}, {"table_schema", types.Text}, {"table_name", types.Text},
			{"column_name", types.Text}, {"constraint_catalog", types.Text}, {"constraint_schema", types.Text}, {"constraint_name", types.Text}}
		for _, d := range all {
			for _, c := range tableConstraints(d, all) {
				t, used := d, c.cols
				switch c.kind {
				case "FOREIGN KEY":
					t, used = c.parent, nil
					for _, id := range c.refIDs {
						if col := t.ColumnByID(id); col != nil {
							used = append(used, col.Name)
						}
					}
				case "CHECK":
					used = nil
					for _, col := range visibleColumns(d) {
						if mentions(c.def, col.Name) {
							used = append(used, col.Name)
						}
					}
				}
				for _, cn := range used {
					rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(t.Name), text(cn),
						text("cairn"), text(publicSchema), text(c.name)})
				}
			}
		}
	case "information_schema.referential_constraints":
		cols = []col{{"constraint_catalog", types.Text}, {"constraint_schema", types.Text}, {"constraint_name", types.Text},
			{"unique_constraint_catalog", types.Text}, {"unique_constraint_schema", types.Text}, {"unique_constraint_name", types.Text},
			{"match_option", types.Text}, {"update_rule", types.Text}, {"delete_rule", types.Text}}
		rule := func(a catalog.FKAction) types.Datum {
			if a == "" {
				a = catalog.FKNoAction
			}
			return text(strings.ToUpper(string(a)))
		}
		for _, d := range all {
			for _, fk := range d.ForeignKeys {
				parent := d
				if i := slices.IndexFunc(all, func(t *catalog.Descriptor) bool { return t.ID == fk.RefTable }); i >= 0 {
					parent = all[i]
				}
				unique := types.Null
				for _, c := range tableConstraints(parent, all) {
					if (c.kind == "PRIMARY KEY" || c.kind == "UNIQUE") && sameColumns(parent, c.cols, fk.RefColumn) {
						unique = text(c.name)
						break
					}
				}
				rows = append(rows, []types.Datum{text("cairn"), text(publicSchema), text(fk.Name),
					text("cairn"), text(publicSchema), unique, text("NONE"), rule(fk.OnUpdate), rule(fk.OnDelete)})
			}
		}
	case "pg_catalog.pg_indexes":
		cols = []col{{"schemaname", types.Text}, {"tablename", types.Text}, {"indexname", types.Text}, {"indexdef", types.Text}}
		for _, d := range all {
			if d.Kind != catalog.KindTable {
				continue
			}
			// Not the hidden row id's index of a table without a primary
			// key: to its users, it has none.
			for _, ix := range visibleIndexes(d) {
				rows = append(rows, []types.Datum{text(publicSchema), text(d.Name), text(ix.Name), text(indexDef(d, &ix))})
			}
		}
	default:
		if schema != "pg_catalog" {
			return nil, false, nil
		}
		pcols, prows, ok, err := b.pgCatalogView(name, all)
		if err != nil || !ok {
			return nil, ok, err
		}
		for _, c := range pcols {
			cols = append(cols, col{c.Name, c.Type})
		}
		// The system column tableoid, which clients (pg_dump) read as
		// x.tableoid: the catalog's own OID, in every row.
		cols = append(cols, col{"tableoid", types.Int8})
		tableoid := types.NewInt8(systemRelOIDs[name])
		for i := range prows {
			prows[i] = append(prows[i], tableoid)
		}
		rows = prows
	}
	v := &Values{}
	for _, c := range cols {
		sys := c.name == "tableoid"
		v.Cols = append(v.Cols, Column{Name: c.name, Type: c.typ, Hidden: sys, System: sys})
	}
	for _, r := range rows {
		exprs := make([]Expr, len(r))
		for i, d := range r {
			exprs[i] = &Const{Val: d, Typ: cols[i].typ}
		}
		v.Rows = append(v.Rows, exprs)
	}
	return v, true, nil
}

// funcCallText matches an expression that is one function call.
var funcCallText = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*\([^()]*(\([^()]*\)[^()]*)*\)$`)

// indexDef is an index's definition as pg_indexes and pg_get_indexdef
// show it, which pg_dump replays: its method, keys, WITH options and
// predicate.
func indexDef(d *catalog.Descriptor, ix *catalog.Index) string { return indexDefIn(d, ix, false) }

// indexKey is index key k's text (from 0), as pg_get_indexdef(index, k+1)
// shows it: a column's name, or an expression (in parentheses unless a
// call).
func indexKey(d *catalog.Descriptor, ix *catalog.Index, k int) string {
	ic := ix.Columns[k]
	if c := d.ColumnByID(ic.ColumnID); c != nil {
		return builtins.QuoteIdent(c.Name)
	}
	if p := ic.Expr; funcCallText.MatchString(p) || strings.HasPrefix(p, "(") && strings.HasSuffix(p, ")") {
		return p
	}
	return "(" + ic.Expr + ")" // an expression other than a call takes parentheses
}

// indexDefIn is indexDef, or with pretty its form for people (psql's \d):
// the table not qualified by its schema, the predicate without the
// parentheses around it.
func indexDefIn(d *catalog.Descriptor, ix *catalog.Index, pretty bool) string {
	var parts []string
	for k, ic := range ix.Columns {
		p := indexKey(d, ix, k)
		if ic.Desc {
			p += " DESC"
		}
		parts = append(parts, p)
	}
	unique := ""
	if ix.Unique {
		unique = "UNIQUE "
	}
	method := ix.Method
	if method == "" {
		method = "btree"
	}
	table := publicSchema + "." + builtins.QuoteIdent(d.Name)
	if pretty {
		table = builtins.QuoteIdent(d.Name)
	}
	def := fmt.Sprintf("CREATE %sINDEX %s ON %s USING %s (%s)", unique, builtins.QuoteIdent(ix.Name), table, method, strings.Join(parts, ", "))
	if ix.NullsNotDistinct {
		def += " NULLS NOT DISTINCT"
	}
	if len(ix.Options) > 0 {
		var opts []string
		for _, k := range slices.Sorted(maps.Keys(ix.Options)) {
			opts = append(opts, k+" = "+builtins.QuoteLiteral(ix.Options[k]))
		}
		def += " WITH (" + strings.Join(opts, ", ") + ")"
	}
	switch {
	case ix.Predicate != "" && pretty:
		def += " WHERE " + ix.Predicate
	case ix.Predicate != "":
		def += " WHERE (" + ix.Predicate + ")"
	}
	return def
}

// checkSchema accepts the schemas cairn has.
func checkSchema(schema string) error {
	switch schema {
	case "", publicSchema, "pg_catalog", "information_schema":
		return nil
	}
	return sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", schema)
}

// tableConstraint is a constraint of a table as the information_schema
// views show it: its name, type, key columns and definition (CHECK (...)
// or FOREIGN KEY (...) REFERENCES ...).
type tableConstraint struct {
	name, kind, def      string
	cols                 []string
	deferrable, deferred bool
	// For pg_constraint: the columns (ids), the key's index, and a
	// foreign key's referenced table, columns and actions. A constraint's
	// place in tableConstraints' list is its OID (constraintOID).
	ids    []uint32
	index  *catalog.Index
	parent *catalog.Descriptor
	refIDs []uint32
	fk     *catalog.ForeignKey
}

// tableConstraints lists d's constraints: its primary key (unless the
// hidden row id), unique indexes, CHECK constraints and foreign keys.
func tableConstraints(d *catalog.Descriptor, all []*catalog.Descriptor) []tableConstraint {
	if d.Kind != catalog.KindTable {
		return nil
	}
	names := func(t *catalog.Descriptor, ids []uint32) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			if c := t.ColumnByID(id); c != nil {
				out[i] = c.Name
			}
		}
		return out
	}
	var out []tableConstraint
	for i, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
		if !ix.Unique || ix.Predicate != "" || ix.Method != "" {
			continue
		}
		var ids []uint32
		for _, ic := range ix.Columns {
			ids = append(ids, ic.ColumnID)
		}
		if slices.Contains(ids, 0) {
			continue // an expression: an index, not a constraint
		}
		kind := "UNIQUE"
		if i == 0 && d.RowIDKeyed() {
			continue
		}
		if isPrimary(d, &ix) {
			kind = "PRIMARY KEY"
		}
		cols := names(d, ids)
		out = append(out, tableConstraint{name: ix.Name, kind: kind, cols: cols, def: kind + " (" + strings.Join(cols, ", ") + ")", ids: ids, index: &ix})
	}
	for _, ch := range d.Checks {
		out = append(out, tableConstraint{name: ch.Name, kind: "CHECK", def: "CHECK (" + ch.Expr + ")"})
	}
	for i := range d.ForeignKeys {
		fk := &d.ForeignKeys[i]
		cols := names(d, fk.Columns)
		def := "FOREIGN KEY (" + strings.Join(cols, ", ") + ") REFERENCES "
		parent := d
		if i := slices.IndexFunc(all, func(t *catalog.Descriptor) bool { return t.ID == fk.RefTable }); i >= 0 {
			parent = all[i]
		}
		def += parent.Name + "(" + strings.Join(names(parent, fk.RefColumn), ", ") + ")"
		if fk.OnDelete != "" && fk.OnDelete != catalog.FKNoAction {
			def += " ON DELETE " + strings.ToUpper(string(fk.OnDelete))
		}
		if fk.OnUpdate != "" && fk.OnUpdate != catalog.FKNoAction {
			def += " ON UPDATE " + strings.ToUpper(string(fk.OnUpdate))
		}
		if fk.InitiallyDeferred {
			def += " DEFERRABLE INITIALLY DEFERRED"
		} else if fk.Deferrable {
			def += " DEFERRABLE"
		}
		out = append(out, tableConstraint{name: fk.Name, kind: "FOREIGN KEY", cols: cols, def: def, deferrable: fk.Deferrable, deferred: fk.InitiallyDeferred,
			ids: fk.Columns, parent: parent, refIDs: fk.RefColumn, fk: fk})
	}
	return out
}

// sameColumns reports whether the columns named cols of d are those of
// ids, in any order.
func sameColumns(d *catalog.Descriptor, cols []string, ids []uint32) bool {
	if len(cols) != len(ids) {
		return false
	}
	for _, id := range ids {
		c := d.ColumnByID(id)
		if c == nil || !slices.Contains(cols, c.Name) {
			return false
		}
	}
	return true
}

// mentions reports whether SQL text names identifier name: as a word of
// its own (not inside a longer name or a string), quoted or not.
func mentions(sql, name string) bool {
	if strings.Contains(sql, `"`+name+`"`) {
		return true
	}
	word := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i := 0; ; {
		j := strings.Index(sql[i:], name)
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len(name)
		if (at == 0 || !word(sql[at-1]) && sql[at-1] != '\'') && (end == len(sql) || !word(sql[end]) && sql[end] != '\'') {
			return true
		}
		i = at + 1
	}
}
