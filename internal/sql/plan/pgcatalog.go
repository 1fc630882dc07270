package plan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/builtins"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// OIDs of the pg_catalog views. Namespaces and built-in objects keep
// PostgreSQL's; user objects get 16384 (PostgreSQL's first user OID)
// plus their descriptor id, and indexes a range of their own above.
const (
	oidPgCatalog  = 11
	oidPublic     = 2200
	oidInfoSchema = 13000
	oidBootstrap  = 10 // the one owner of everything
	oidHeapAM     = 2
	oidBtreeAM    = 403
	oidDatabase   = 5
	firstUserOID  = 16384
	firstIndexOID = 1 << 24
	// Enum labels (pg_enum) number from 1<<40, 1<<16 to a type.
	firstEnumLabelOID = 1 << 40
	// Constraints number from 1<<32, constraintsPerTable to a table.
	firstConstraintOID  = 1 << 32
	constraintsPerTable = 1 << 16
	indexesPerTabl      = 256
)

func relOID(d *catalog.Descriptor) int64 { return firstUserOID + int64(d.ID) }

// Activity is one server connection as pg_stat_activity shows it.
type Activity struct {
	PID                      int32
	User, Application        string
	ClientAddr               string // "" for none
	ClientPort               int32  // -1 for none
	BackendStart, QueryStart time.Time
	// State is "active", "idle", "idle in transaction" or "idle in
	// transaction (aborted)"; Query the last statement's text.
	State, Query string
}

// Lock is one lock held or waited for, as pg_locks shows it: an
// advisory lock (ClassID, ObjID, ObjSubID) or a table's (Relation).
type Lock struct {
	Type           string // "advisory", "relation"
	Relation       int64
	ClassID, ObjID int64
	ObjSubID, PID  int32
	Mode           string
	Granted        bool
}

// attrdefOID is the OID of the default (pg_attrdef) of d's n-th visible
// column, from 0.
func attrdefOID(d *catalog.Descriptor, n int) int64 { return relOID(d)*1000 + int64(n) }

// constraintOID is the OID of a table's n-th constraint (tableConstraints'
// order), in a range of its own above the indexes'.
func constraintOID(d *catalog.Descriptor, n int) int64 {
	return firstConstraintOID + int64(d.ID)*constraintsPerTable + int64(n)
}

func indexOID(d *catalog.Descriptor, ix *catalog.Index) int64 {
	return firstIndexOID + int64(d.ID)*indexesPerTabl + int64(ix.ID)
}

// RelationOID decodes the OID of a relation, as relOID and indexOID make
// them: the descriptor's id and, for an index, the index's.
func RelationOID(oid int64) (table, index uint32, isIndex, ok bool) {
	switch {
	case oid >= firstIndexOID && oid < firstConstraintOID:
		o := oid - firstIndexOID
		return uint32(o / indexesPerTabl), uint32(o % indexesPerTabl), true, true
	case oid >= firstUserOID && oid < firstIndexOID:
		return uint32(oid - firstUserOID), 0, false, true
	}
	return 0, 0, false, false
}

// visibleIndexes are a table's indexes as PostgreSQL would list them: the
// hidden row-id key of a table without a primary key is not one.
func visibleIndexes(d *catalog.Descriptor) []catalog.Index {
	var out []catalog.Index
	if !d.RowIDKeyed() {
		out = append(out, d.Primary)
	}
	return append(out, d.Indexes...)
}

// isPrimary reports whether ix is the table's primary key: its real one,
// or the unique index ALTER TABLE ADD PRIMARY KEY made for a table keyed
// by a hidden row id.
func isPrimary(d *catalog.Descriptor, ix *catalog.Index) bool {
	if ix.ID == d.Primary.ID {
		return true
	}
	// Primary marks it; stores from before the flag have the name.
	return ix.Primary || ix.Name == d.Name+"_pkey" && strings.HasSuffix(d.Primary.Name, "_rowid")
}

// pgCatalogView builds the rows of the pg_catalog tables clients read to
// describe objects (psql's \d, \dt, \di, \l) and discover types.
func (b *Binder) pgCatalogView(name string, all []*catalog.Descriptor) (cols []Column, rows [][]types.Datum, ok bool, err error) {
	text := func(s string) types.Datum { return types.NewText(s) }
	i8 := func(v int64) types.Datum { return types.NewInt8(v) }
	i4 := func(v int) types.Datum { return types.NewInt4(int32(v)) }
	i2 := func(v int) types.Datum { return types.NewInt2(int16(v)) }
	bl := types.NewBool
	null := types.Null
	def := func(spec string) []Column {
		// spec: "name type, ..." with types i8 i4 i2 t b f4 tz t[] i8[]
		var out []Column
		for _, f := range strings.Split(spec, ",") {
			parts := strings.Fields(f)
			var t types.Type
			switch parts[1] {
			case "i8":
				t = types.Int8
			case "i4":
				t = types.Int4
			case "i2":
				t = types.Int2
			case "b":
				t = types.Bool
			case "f4":
				t = types.Float4
			case "tz":
				t = types.TimestampTZ
			case "t[]":
				t = types.ArrayOf(types.Text)
			case "i8[]":
				t = types.ArrayOf(types.Int8)
			case "i2[]":
				t = types.ArrayOf(types.Int2)
			default:
				t = types.Text
			}
			out = append(out, Column{Name: parts[0], Type: t})
		}
		return out
	}
	switch name {
	case "pg_namespace":
		cols = def("oid i8, nspname t, nspowner i8, nspacl t[]")
		for _, n := range []struct {
			oid  int64
			name string
		}{{oidPgCatalog, "pg_catalog"}, {oidPublic, "public"}, {oidInfoSchema, "information_schema"}} {
			rows = append(rows, []types.Datum{i8(n.oid), text(n.name), i8(oidBootstrap), null})
		}
	case "pg_am":
		// amhandler is the handler function's OID (PostgreSQL's
		// heap_tableam_handler and bthandler).
		cols = def("oid i8, amname t, amhandler i8, amtype t")
		rows = [][]types.Datum{{i8(oidHeapAM), text("heap"), i8(3), text("t")}, {i8(oidBtreeAM), text("btree"), i8(330), text("i")}}
	case "pg_class":
		cols = def("oid i8, relname t, relnamespace i8, reltype i8, reloftype i8, relowner i8, relam i8, relfilenode i8, reltablespace i8, relpages i4, reltuples f4, relallvisible i4, reltoastrelid i8, relhasindex b, relisshared b, relpersistence t, relkind t, relnatts i2, relchecks i2, relhasrules b, relhastriggers b, relhassubclass b, relrowsecurity b, relforcerowsecurity b, relispopulated b, relreplident t, relispartition b, relacl t[], reloptions t[], relpartbound t, relrewrite i8, relfrozenxid i8, relminmxid i8")
		// relhastriggers: PostgreSQL's foreign keys are triggers on both
		// tables, and psql's \d lists a table's foreign keys (and what
		// references it) only when it says so.
		fkTables := map[uint32]bool{}
		for _, d := range all {
			for _, fk := range d.ForeignKeys {
				fkTables[d.ID], fkTables[fk.RefTable] = true, true
			}
		}
		row := func(oid int64, name, kind string, am int64, natts, checks int, hasIndex, hasTriggers bool) []types.Datum {
			return []types.Datum{i8(oid), text(name), i8(oidPublic), i8(0), i8(0), i8(oidBootstrap), i8(am), i8(oid), i8(0), i4(0), types.NewFloat4(-1), i4(0), i8(0),
				bl(hasIndex), bl(false), text("p"), text(kind), i2(natts), i2(checks), bl(false), bl(hasTriggers), bl(false), bl(false), bl(false), bl(true), text("d"), bl(false), null, null, null, i8(0), i8(0), i8(0)}
		}
		for _, d := range all {
			switch d.Kind {
			case catalog.KindTable:
				ixs := visibleIndexes(d)
				kind := "r"
				if d.MatView != "" {
					kind = "m"
				}
				r := row(relOID(d), d.Name, kind, oidHeapAM, len(visibleColumns(d)), len(d.Checks), len(ixs) > 0, fkTables[d.ID] || len(d.Triggers) > 0)
				if d.Temp {
					r[15] = text("t") // relpersistence: temporary
				}
				rows = append(rows, r)
				for i := range ixs {
					rows = append(rows, row(indexOID(d, &ixs[i]), ixs[i].Name, "i", oidBtreeAM, len(ixs[i].Columns), 0, false, false))
				}
			case catalog.KindView:
				rows = append(rows, row(relOID(d), d.Name, "v", 0, len(d.ViewColumns), 0, false, false))
			case catalog.KindSequence:
				rows = append(rows, row(relOID(d), d.Name, "S", 0, 3, 0, false, false))
			}
		}
	case "pg_index":
		cols = def("indexrelid i8, indrelid i8, indnatts i2, indnkeyatts i2, indisunique b, indisprimary b, indisexclusion b, indimmediate b, indisclustered b, indisvalid b, indcheckxmin b, indisready b, indislive b, indisreplident b, indkey t, indoption t, indexprs t, indpred t, indnullsnotdistinct b")
		for _, d := range all {
			if d.Kind != catalog.KindTable {
				continue
			}
			ixs := visibleIndexes(d)
			for i := range ixs {
				ix := &ixs[i]
				var keys, opts []string
				for _, ic := range ix.Columns {
					keys = append(keys, strconv.Itoa(attnum(d, ic.ColumnID)))
					opt := "0"
					if ic.Desc {
						opt = "3"
					}
					opts = append(opts, opt)
				}
				rows = append(rows, []types.Datum{i8(indexOID(d, ix)), i8(relOID(d)), i2(len(ix.Columns)), i2(len(ix.Columns)), bl(ix.Unique), bl(isPrimary(d, ix)),
					bl(false), bl(true), bl(false), bl(true), bl(false), bl(true), bl(true), bl(false), text(strings.Join(keys, " ")), text(strings.Join(opts, " ")), null, null, bl(ix.NullsNotDistinct)})
			}
		}
	case "pg_attribute":
		cols = def("attrelid i8, attname t, atttypid i8, attstattarget i4, attlen i2, attnum i2, attndims i4, attcacheoff i4, atttypmod i4, attbyval b, attalign t, attstorage t, attcompression t, attnotnull b, atthasdef b, atthasmissing b, attidentity t, attgenerated t, attisdropped b, attislocal b, attinhcount i4, attcollation i8, attacl t[], attoptions t[], attfdwoptions t[], attmissingval t[]")
		for _, d := range all {
			if d.Kind == catalog.KindView {
				// A view's columns are its query's: bound here, in a
				// binder of their own (a view that no longer binds has
				// none).
				vb := NewBinder(b.txn, "", nil)
				vb.Zone = b.Zone
				n, err := vb.expandView(d, nil)
				if err != nil {
					continue
				}
				for i, c := range n.Columns() {
					t := c.Type
					rows = append(rows, []types.Datum{i8(relOID(d)), text(c.Name), i8(int64(t.OID())), i4(-1), i2(t.Len()), i2(i + 1), i4(0), i4(-1), i4(t.Mod()),
						bl(t.Len() > 0), text("i"), text(attStorage(t)), text(""), bl(false), bl(false), bl(false), text(""), text(""), bl(false), bl(true), i4(0), i8(0), null, null, null, null})
				}
				continue
			}
			if d.Kind != catalog.KindTable {
				continue
			}
			for n, c := range visibleColumns(d) {
				t, err := ColumnType(&c)
				if err != nil {
					return nil, nil, true, err
				}
				identity := ""
				switch c.Identity {
				case "always":
					identity = "a"
				case "by default":
					identity = "d"
				}
				generated := ""
				if c.Generated != "" {
					generated = "s" // stored
				}
				rows = append(rows, []types.Datum{i8(relOID(d)), text(c.Name), i8(int64(t.OID())), i4(-1), i2(t.Len()), i2(n + 1), i4(0), i4(-1), i4(t.Mod()),
					bl(t.Len() > 0), text("i"), text(attStorage(t)), text(""), bl(c.NotNull), bl(c.Default != "" && c.Identity == "" || c.Generated != ""), bl(false), text(identity), text(generated), bl(false), bl(true), i4(0), i8(0), null, null, null, null})
			}
		}
	case "pg_attrdef":
		cols = def("oid i8, adrelid i8, adnum i2, adbin t")
		for _, d := range all {
			if d.Kind != catalog.KindTable {
				continue
			}
			for n, c := range visibleColumns(d) {
				// A generated column's expression is its pg_attrdef entry;
				// an identity column has none (its sequence is the default).
				if e := c.Default + c.Generated; e != "" && c.Identity == "" {
					rows = append(rows, []types.Datum{i8(attrdefOID(d, n)), i8(relOID(d)), i2(n + 1), text(e)})
				}
			}
		}
	case "pg_type":
		cols = def("oid i8, typname t, typnamespace i8, typowner i8, typlen i2, typbyval b, typtype t, typcategory t, typispreferred b, typisdefined b, typdelim t, typrelid i8, typelem i8, typarray i8, typinput t, typoutput t, typbasetype i8, typtypmod i4, typndims i4, typcollation i8, typnotnull b, typdefault t, typacl t[], typstorage t")
		for f := types.BoolFamily; f < types.ArrayFamily; f++ {
			t, ok := types.TypeFromOID(scalarOID(f))
			if !ok {
				continue
			}
			arr := types.ArrayOf(t)
			name := pgTypeName(t)
			rows = append(rows, []types.Datum{i8(int64(t.OID())), text(name), i8(oidPgCatalog), i8(oidBootstrap), i2(t.Len()), bl(t.Len() > 0 && t.Len() <= 8), text("b"), text("U"), bl(false), bl(true), text(","), i8(0), i8(0), i8(int64(arr.OID())), text(name + "in"), text(name + "out"), i8(0), i4(-1), i4(0), i8(0), bl(false), null, null})
			rows = append(rows, []types.Datum{i8(int64(arr.OID())), text("_" + name), i8(oidPgCatalog), i8(oidBootstrap), i2(-1), bl(false), text("b"), text("A"), bl(false), bl(true), text(","), i8(0), i8(int64(t.OID())), i8(0), text("array_in"), text("array_out"), i8(0), i4(-1), i4(0), i8(0), bl(false), null, null})
		}
		tds, err := catalog.ListTypes(b.txn)
		if err != nil {
			return nil, nil, true, err
		}
		for _, td := range tds {
			oid, arr := int64(td.OID()), int64(td.ArrayOID())
			rows = append(rows, []types.Datum{i8(oid), text(td.Name), i8(oidPublic), i8(oidBootstrap), i2(4), bl(true), text("e"), text("E"), bl(false), bl(true), text(","), i8(0), i8(0), i8(arr), text("enum_in"), text("enum_out"), i8(0), i4(-1), i4(0), i8(0), bl(false), null, null})
			rows = append(rows, []types.Datum{i8(arr), text("_" + td.Name), i8(oidPublic), i8(oidBootstrap), i2(-1), bl(false), text("b"), text("A"), bl(false), bl(true), text(","), i8(0), i8(oid), i8(0), text("array_in"), text("array_out"), i8(0), i4(-1), i4(0), i8(0), bl(false), null, null})
		}
		for i, r := range rows {
			storage := "x" // varlena: extended
			if r[4].Int() > 0 {
				storage = "p" // fixed length: plain
			}
			rows[i] = append(r, text(storage))
		}
	case "pg_database":
		cols = def("oid i8, datname t, datdba i8, encoding i4, datlocprovider t, datistemplate b, datallowconn b, datconnlimit i4, datfrozenxid i8, datminmxid i8, dattablespace i8, datcollate t, datctype t, daticulocale t, datcollversion t, datacl t[]")
		rows = [][]types.Datum{{i8(oidDatabase), text("cairn"), i8(oidBootstrap), i4(6), text("c"), bl(false), bl(true), i4(-1), i8(0), i8(0), i8(1663), text("C"), text("C"), null, null, null}}
	case "pg_roles", "pg_user", "pg_authid":
		cols = def("oid i8, rolname t, rolsuper b, rolinherit b, rolcreaterole b, rolcreatedb b, rolcanlogin b, rolreplication b, rolconnlimit i4, rolpassword t, rolvaliduntil t, rolbypassrls b, rolconfig t[], usename t, usesysid i8")
		roles, err := catalog.ListRoles(b.txn)
		if err != nil {
			return nil, nil, true, err
		}
		rows = append(rows, []types.Datum{i8(oidBootstrap), text("cairn"), bl(true), bl(true), bl(true), bl(true), bl(true), bl(false), i4(-1), text("********"), null, bl(true), null, text("cairn"), i8(oidBootstrap)})
		for i, r := range roles {
			rows = append(rows, []types.Datum{i8(int64(firstUserOID - 100 + i)), text(r.Name), bl(r.Superuser), bl(true), bl(false), bl(false), bl(r.Login), bl(false), i4(-1), text("********"), null, bl(false), null, text(r.Name), i8(int64(firstUserOID - 100 + i))})
		}
	case "pg_settings":
		cols = def("name t, setting t, unit t, category t, short_desc t, extra_desc t, context t, vartype t, source t, min_val t, max_val t, enumvals t[], boot_val t, reset_val t, sourcefile t, sourceline i4, pending_restart b")
		for _, kv := range [][2]string{
			{"application_name", ""}, {"client_encoding", "UTF8"}, {"client_min_messages", "notice"}, {"DateStyle", "ISO, MDY"},
			{"default_transaction_isolation", "repeatable read"}, {"extra_float_digits", "1"}, {"integer_datetimes", "on"},
			{"IntervalStyle", "postgres"}, {"max_connections", "100"}, {"max_identifier_length", "63"}, {"search_path", `"$user", public`},
			{"server_encoding", "UTF8"}, {"server_version", "15.0"}, {"server_version_num", "150000"}, {"standard_conforming_strings", "on"},
			{"statement_timeout", "0"}, {"TimeZone", "UTC"}, {"transaction_isolation", "repeatable read"},
		} {
			rows = append(rows, []types.Datum{text(kv[0]), text(kv[1]), null, text(""), text(""), null, text("user"), text("string"), text("default"), null, null, null, text(kv[1]), text(kv[1]), null, null, bl(false)})
		}
	case "pg_stats":
		// What ANALYZE gathered (catalog.TableStats). The values are
		// shown in their text form, as text[] (PostgreSQL: anyarray).
		cols = def("schemaname t, tablename t, attname t, inherited b, null_frac f4, avg_width i4, n_distinct f4, most_common_vals t[], most_common_freqs t[], histogram_bounds t[], correlation f4")
		textArr := func(vs []string) types.Datum {
			if len(vs) == 0 {
				return null
			}
			ds := make([]types.Datum, len(vs))
			for i, v := range vs {
				ds[i] = text(v)
			}
			return types.NewArray(types.Text, ds)
		}
		for _, d := range all {
			if d.Kind != catalog.KindTable || b.ColumnStats == nil {
				continue
			}
			ts := b.ColumnStats(d.ID)
			for _, c := range d.Columns {
				cs := ts.Column(c.ID)
				if c.Hidden || cs == nil {
					continue
				}
				freqs := make([]string, len(cs.MCF))
				for i, f := range cs.MCF {
					freqs[i] = strconv.FormatFloat(f, 'g', 4, 64)
				}
				rows = append(rows, []types.Datum{text(publicSchema), text(d.Name), text(c.Name), bl(false),
					types.NewFloat4(float32(cs.NullFrac)), null, types.NewFloat4(float32(cs.Distinct)),
					textArr(cs.MCV), textArr(freqs), textArr(cs.Histogram), null})
			}
		}
	case "pg_description", "pg_shdescription":
		cols = def("objoid i8, classoid i8, objsubid i4, description t")
		if name == "pg_shdescription" {
			break
		}
		// The schema public's comment, PostgreSQL's (pg_dump leaves it
		// out of a dump when it is this one).
		rows = append(rows, []types.Datum{i8(oidPublic), i8(systemRelOIDs["pg_namespace"]), i4(0), text("standard public schema")})
		const pgClass = 1259 // every commented object is a pg_class row
		for _, d := range all {
			if d.Comment != "" {
				rows = append(rows, []types.Datum{i8(relOID(d)), i8(pgClass), i4(0), text(d.Comment)})
			}
			for n, c := range visibleColumns(d) {
				if c.Comment != "" {
					rows = append(rows, []types.Datum{i8(relOID(d)), i8(pgClass), i4(n + 1), text(c.Comment)})
				}
			}
			if d.Kind != catalog.KindTable {
				continue
			}
			for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
				if ix.Comment != "" {
					rows = append(rows, []types.Datum{i8(indexOID(d, &ix)), i8(pgClass), i4(0), text(ix.Comment)})
				}
			}
		}
		tds, err := catalog.ListTypes(b.txn)
		if err != nil {
			return nil, nil, true, err
		}
		for _, td := range tds {
			if td.Comment != "" {
				rows = append(rows, []types.Datum{i8(int64(td.OID())), i8(systemRelOIDs["pg_type"]), i4(0), text(td.Comment)})
			}
		}
	case "pg_proc":
		cols = def("oid i8, proname t, pronamespace i8, proowner i8, prolang i8, prokind t, proretset b, provolatile t, pronargs i2, prorettype i8, proargtypes t, prosrc t, proacl t[], proargnames t[], probin t, proisstrict b, prosecdef b, proconfig t[], procost f4, prorows f4, proleakproof b, protrftypes i8[], proparallel t, prosupport t, pronargdefaults i2")
		// The functions CREATE FUNCTION made (the built-in ones are not
		// listed).
		fs, err := catalog.ListFunctions(b.txn)
		if err != nil {
			return nil, nil, true, err
		}
		for _, f := range fs {
			r, err := b.RoutineOf(f)
			if err != nil {
				return nil, nil, true, err
			}
			lang := int64(14)
			if f.Language == "plpgsql" {
				lang = 13570
			}
			argOIDs := make([]string, len(r.ArgTypes))
			for i, t := range r.ArgTypes {
				argOIDs[i] = strconv.FormatInt(int64(t.OID()), 10)
			}
			ret := int64(r.Return.OID())
			switch {
			case f.Returns == "void":
				ret = 2278
			case f.Returns == "trigger":
				ret = 2279
			case r.Return.Family() == types.UnknownFamily:
				ret = 2249 // record: RETURNS TABLE, SETOF a table
			}
			var argNames types.Datum = null
			if len(f.ArgNames) > 0 {
				ns := make([]types.Datum, len(f.ArgNames))
				for i, n := range f.ArgNames {
					ns[i] = text(n)
				}
				argNames = types.NewArray(types.Text, ns)
			}
			kind := "f"
			if f.Procedure {
				kind = "p"
			}
			rows = append(rows, []types.Datum{i8(int64(f.OID())), text(f.Name), i8(oidPublic), i8(oidBootstrap), i8(lang), text(kind), bl(f.ReturnsSet),
				text(f.Volatility), i2(len(f.ArgTypes)), i8(ret), text(strings.Join(argOIDs, " ")), text(f.Body), null, argNames,
				null, bl(f.Strict), bl(false), null, types.NewFloat4(100), types.NewFloat4(0), bl(false), null, text("u"), text("-"), i2(ndefaults(f))})
		}
	case "pg_init_privs":
		cols = def("objoid i8, classoid i8, objsubid i4, privtype t, initprivs t[]")
	case "pg_cast":
		cols = def("oid i8, castsource i8, casttarget i8, castfunc i8, castcontext t, castmethod t")
	case "pg_transform":
		cols = def("oid i8, trftype i8, trflang i8, trffromsql i8, trftosql i8")
	case "pg_language":
		// PostgreSQL's built-in languages, which pg_dump does not dump.
		cols = def("oid i8, lanname t, lanowner i8, lanispl b, lanpltrusted b, lanplcallfoid i8, laninline i8, lanvalidator i8, lanacl t[]")
		for _, l := range []struct {
			oid  int64
			name string
			pl   bool
		}{{12, "internal", false}, {13, "c", false}, {14, "sql", false}, {13570, "plpgsql", true}} {
			rows = append(rows, []types.Datum{i8(l.oid), text(l.name), i8(oidBootstrap), bl(l.pl), bl(l.oid != 13), i8(0), i8(0), i8(0), null})
		}
	case "pg_constraint":
		cols = def("oid i8, conname t, connamespace i8, contype t, condeferrable b, condeferred b, convalidated b, conrelid i8, contypid i8, conindid i8, conparentid i8, confrelid i8, confupdtype t, confdeltype t, confmatchtype t, conislocal b, coninhcount i4, connoinherit b, conkey i2[], confkey i2[]")
		attnums := func(d *catalog.Descriptor, ids []uint32) types.Datum {
			if len(ids) == 0 {
				return null
			}
			out := make([]types.Datum, len(ids))
			for i, id := range ids {
				out[i] = i2(attnum(d, id))
			}
			return types.NewArray(types.Int2, out)
		}
		action := func(a catalog.FKAction) types.Datum {
			switch a {
			case catalog.FKRestrict:
				return text("r")
			case catalog.FKCascade:
				return text("c")
			case catalog.FKSetNull:
				return text("n")
			}
			return text("a")
		}
		for _, d := range all {
			for n, c := range tableConstraints(d, all) {
				contype, indid, frel := "c", int64(0), int64(0)
				upd, del, match := null, null, null
				switch c.kind {
				case "PRIMARY KEY":
					contype = "p"
				case "UNIQUE":
					contype = "u"
				case "FOREIGN KEY":
					contype, frel = "f", relOID(c.parent)
					upd, del, match = action(c.fk.OnUpdate), action(c.fk.OnDelete), text("s")
				}
				if c.index != nil {
					indid = indexOID(d, c.index)
				}
				var fkeys types.Datum = null
				if c.parent != nil {
					fkeys = attnums(c.parent, c.refIDs)
				}
				rows = append(rows, []types.Datum{i8(constraintOID(d, n)), text(c.name), i8(oidPublic), text(contype),
					bl(c.deferrable), bl(c.deferred), bl(true), i8(relOID(d)), i8(0), i8(indid), i8(0), i8(frel), upd, del, match,
					bl(true), i4(0), bl(false), attnums(d, c.ids), fkeys})
			}
		}
	case "pg_auth_members":
		// Role membership (GRANT role TO role) is not kept: none.
		cols = def("oid i8, roleid i8, member i8, grantor i8, admin_option b")
	case "pg_inherits":
		cols = def("inhrelid i8, inhparent i8, inhseqno i4, inhdetachpending b")
	case "pg_trigger":
		cols = def("oid i8, tgrelid i8, tgparentid i8, tgname t, tgfoid i8, tgtype i2, tgenabled t, tgisinternal b, tgconstrrelid i8, tgconstrindid i8, tgconstraint i8, tgdeferrable b, tginitdeferred b, tgnargs i2")
		if rows, err = b.triggerRows(all); err != nil {
			return nil, nil, true, err
		}
	case "pg_collation":
		cols = def("oid i8, collname t, collnamespace i8, collowner i8, collprovider t, collisdeterministic b, collencoding i4, collcollate t, collctype t, colliculocale t, collversion t")
	case "pg_tablespace":
		cols = def("oid i8, spcname t, spcowner i8")
		rows = [][]types.Datum{{i8(1663), text("pg_default"), i8(oidBootstrap)}}
	case "pg_stat_user_tables", "pg_stat_all_tables":
		// n_live_tup is the row count ANALYZE (or autoanalyze) last
		// took; cairn counts no scans or tuple operations.
		cols = def("relid i8, schemaname t, relname t, seq_scan i8, seq_tup_read i8, idx_scan i8, idx_tup_fetch i8, n_tup_ins i8, n_tup_upd i8, n_tup_del i8, n_tup_hot_upd i8, n_live_tup i8, n_dead_tup i8, n_mod_since_analyze i8, n_ins_since_vacuum i8, last_vacuum tz, last_autovacuum tz, last_analyze tz, last_autoanalyze tz, vacuum_count i8, autovacuum_count i8, analyze_count i8, autoanalyze_count i8")
		for _, d := range all {
			if d.Kind != catalog.KindTable {
				continue
			}
			live := null
			if b.RowCount != nil {
				if n, ok := b.RowCount(d.ID); ok {
					b.Live = true
					live = i8(n)
				}
			}
			z := i8(0)
			rows = append(rows, []types.Datum{i8(relOID(d)), text(publicSchema), text(d.Name), z, z, z, z, z, z, z, z, live, z, z, z, null, null, null, null, z, z, z, z})
		}
	case "pg_locks":
		cols = def("locktype t, database i8, relation i8, page i4, tuple i2, virtualxid t, transactionid i8, classid i8, objid i8, objsubid i2, virtualtransaction t, pid i4, mode t, granted b, fastpath b, waitstart tz")
		var locks []Lock
		if b.Locks != nil {
			locks, b.Live = b.Locks(), true
		}
		for _, l := range locks {
			rel, class, obj, sub := null, null, null, null
			if l.Type == "relation" {
				rel = i8(firstUserOID + l.Relation)
			} else {
				class, obj, sub = i8(l.ClassID), i8(l.ObjID), i2(int(l.ObjSubID))
			}
			rows = append(rows, []types.Datum{text(l.Type), i8(oidDatabase), rel, null, null, null, null, class, obj, sub, null, i4(int(l.PID)), text(l.Mode), bl(l.Granted), bl(false), null})
		}
	case "pg_stat_activity":
		cols = def("datid i8, datname t, pid i4, leader_pid i4, usesysid i8, usename t, application_name t, client_addr t, client_hostname t, client_port i4, backend_start tz, xact_start tz, query_start tz, state_change tz, wait_event_type t, wait_event t, state t, backend_xid i8, backend_xmin i8, query_id i8, query t, backend_type t")
		var acts []Activity
		if b.Activity != nil {
			acts, b.Live = b.Activity(), true
		}
		ts := func(t time.Time) types.Datum {
			if t.IsZero() {
				return null
			}
			return types.NewTimestampTZ(t.UnixMicro())
		}
		for _, a := range acts {
			addr := null
			if a.ClientAddr != "" {
				addr = text(a.ClientAddr)
			}
			rows = append(rows, []types.Datum{i8(oidDatabase), text("cairn"), i4(int(a.PID)), null, i8(oidBootstrap), text(a.User), text(a.Application), addr, null, i4(int(a.ClientPort)),
				ts(a.BackendStart), null, ts(a.QueryStart), ts(a.QueryStart), null, null, text(a.State), null, null, null, text(a.Query), text("client backend")})
		}
	case "pg_sequence":
		// cairn's sequences count in bigint.
		cols = def("seqrelid i8, seqtypid i8, seqstart i8, seqincrement i8, seqmax i8, seqmin i8, seqcache i8, seqcycle b")
		for _, d := range all {
			if q := d.Sequence; d.Kind == catalog.KindSequence && q != nil {
				rows = append(rows, []types.Datum{i8(relOID(d)), i8(int64(types.Int8.OID())), i8(q.Start), i8(q.Increment), i8(q.Max), i8(q.Min), i8(1), bl(q.Cycle)})
			}
		}
	case "pg_depend":
		// What pg_dump asks of it: the sequences that SERIAL and identity
		// columns own ('a'uto and 'i'nternal dependencies on the column).
		cols = def("classid i8, objid i8, objsubid i4, refclassid i8, refobjid i8, refobjsubid i4, deptype t")
		byID := map[uint32]*catalog.Descriptor{}
		for _, d := range all {
			byID[d.ID] = d
		}
		pgClass := systemRelOIDs["pg_class"]
		for _, d := range all {
			if d.Kind != catalog.KindSequence || d.Sequence == nil || d.Sequence.OwnedByTable == 0 {
				continue
			}
			t := byID[d.Sequence.OwnedByTable]
			if t == nil {
				continue
			}
			col := t.ColumnByID(d.Sequence.OwnedByColumn)
			if col == nil {
				// Serial columns made before the catalog kept which column
				// owns its sequence: the one whose default draws from it.
				for i := range t.Columns {
					if c := &t.Columns[i]; strings.HasPrefix(c.Default, "nextval(") && (strings.Contains(c.Default, "'"+d.Name+"'") || strings.Contains(c.Default, `"`+d.Name+`"`)) {
						col = c
					}
				}
			}
			if col == nil {
				continue
			}
			deptype := "a"
			if col.Identity != "" {
				deptype = "i"
			}
			rows = append(rows, []types.Datum{i8(pgClass), i8(relOID(d)), i4(0), i8(pgClass), i8(relOID(t)), i4(attnum(t, col.ID)), text(deptype)})
		}
		// A column default drawing from a sequence depends on it, as
		// pg_dump must know to create the sequence first.
		seqByName := map[string]*catalog.Descriptor{}
		for _, d := range all {
			if d.Kind == catalog.KindSequence {
				seqByName[d.Name] = d
			}
		}
		for _, d := range all {
			if d.Kind != catalog.KindTable {
				continue
			}
			for n, c := range visibleColumns(d) {
				if c.Identity != "" || !strings.HasPrefix(c.Default, "nextval(") {
					continue
				}
				for name, seq := range seqByName {
					if strings.Contains(c.Default, "'"+name+"'") || strings.Contains(c.Default, `"`+name+`"`) {
						rows = append(rows, []types.Datum{i8(systemRelOIDs["pg_attrdef"]), i8(attrdefOID(d, n)), i4(0), i8(pgClass), i8(relOID(seq)), i4(0), text("n")})
					}
				}
			}
		}
		// And what each view and materialized view reads ('n'ormal
		// dependencies), which pg_dump orders its objects by.
		for _, d := range all {
			for _, id := range b.viewReads(d) {
				if r := byID[id]; r != nil && r != d {
					rows = append(rows, []types.Datum{i8(pgClass), i8(relOID(d)), i4(0), i8(pgClass), i8(relOID(r)), i4(0), text("n")})
				}
			}
		}
	// Catalogs of objects cairn does not have, empty, with the columns
	// pg_dump reads of them.
	case "pg_operator":
		cols = def("oid i8, oprname t, oprnamespace i8, oprowner i8, oprkind t, oprcanmerge b, oprcanhash b, oprleft i8, oprright i8, oprresult i8, oprcom i8, oprnegate i8, oprcode i8, oprrest i8, oprjoin i8")
	case "pg_opclass":
		cols = def("oid i8, opcmethod i8, opcname t, opcnamespace i8, opcowner i8, opcfamily i8, opcintype i8, opcdefault b, opckeytype i8")
	case "pg_opfamily":
		cols = def("oid i8, opfmethod i8, opfname t, opfnamespace i8, opfowner i8")
	case "pg_conversion":
		cols = def("oid i8, conname t, connamespace i8, conowner i8, conforencoding i4, contoencoding i4, conproc i8, condefault b")
	case "pg_event_trigger":
		cols = def("oid i8, evtname t, evtevent t, evtowner i8, evtfoid i8, evtenabled t, evttags t[]")
	case "pg_ts_parser":
		cols = def("oid i8, prsname t, prsnamespace i8, prsstart i8, prstoken i8, prsend i8, prsheadline i8, prslextype i8")
	case "pg_ts_dict":
		cols = def("oid i8, dictname t, dictnamespace i8, dictowner i8, dicttemplate i8, dictinitoption t")
	case "pg_ts_template":
		cols = def("oid i8, tmplname t, tmplnamespace i8, tmplinit i8, tmpllexize i8")
	case "pg_ts_config":
		cols = def("oid i8, cfgname t, cfgnamespace i8, cfgowner i8, cfgparser i8")
	case "pg_foreign_data_wrapper":
		cols = def("oid i8, fdwname t, fdwowner i8, fdwhandler i8, fdwvalidator i8, fdwacl t[], fdwoptions t[]")
	case "pg_foreign_server":
		cols = def("oid i8, srvname t, srvowner i8, srvfdw i8, srvtype t, srvversion t, srvacl t[], srvoptions t[]")
	case "pg_user_mapping", "pg_user_mappings":
		cols = def("oid i8, umuser i8, umserver i8, umoptions t[], srvid i8, srvname t, usename t")
	case "pg_default_acl":
		cols = def("oid i8, defaclrole i8, defaclnamespace i8, defaclobjtype t, defaclacl t[]")
	case "pg_seclabels", "pg_seclabel", "pg_shseclabel":
		cols = def("objoid i8, classoid i8, objsubid i4, objtype t, objnamespace i8, objname t, provider t, label t")
	case "pg_db_role_setting":
		cols = def("setdatabase i8, setrole i8, setconfig t[]")
	case "pg_amop":
		cols = def("oid i8, amopfamily i8, amoplefttype i8, amoprighttype i8, amopstrategy i2, amoppurpose t, amopopr i8, amopmethod i8")
	case "pg_amproc":
		cols = def("oid i8, amprocfamily i8, amproclefttype i8, amprocrighttype i8, amprocnum i2, amproc i8")
	case "pg_largeobject_metadata":
		cols = def("oid i8, lomowner i8, lomacl t[]")
	case "pg_extension":
		cols = def("oid i8, extname t, extowner i8, extnamespace i8, extrelocatable b, extversion t, extconfig i8[], extcondition t[]")
	case "pg_enum":
		cols = def("oid i8, enumtypid i8, enumsortorder f4, enumlabel t")
		tds, err := catalog.ListTypes(b.txn)
		if err != nil {
			return nil, nil, true, err
		}
		for _, td := range tds {
			for n, l := range td.Labels {
				rows = append(rows, []types.Datum{i8(firstEnumLabelOID + int64(td.ID)<<16 + int64(n)), i8(int64(td.OID())), types.NewFloat4(float32(l.Sort)), text(l.Label)})
			}
		}
	case "pg_policy":
		cols = def("oid i8, polname t, polrelid i8, polcmd t, polpermissive b, polroles i8[], polqual t, polwithcheck t")
	case "pg_statistic_ext":
		cols = def("oid i8, stxrelid i8, stxname t, stxnamespace i8, stxowner i8, stxstattarget i4, stxkeys t, stxkind t[], stxexprs t")
	case "pg_publication":
		cols = def("oid i8, pubname t, pubowner i8, puballtables b, pubinsert b, pubupdate b, pubdelete b, pubtruncate b, pubviaroot b")
	case "pg_publication_rel":
		cols = def("oid i8, prpubid i8, prrelid i8, prqual t, prattrs i2[]")
	case "pg_publication_namespace":
		cols = def("oid i8, pnpubid i8, pnnspid i8")
	case "pg_subscription":
		cols = def("oid i8, subdbid i8, subname t, subowner i8, subenabled b, subconninfo t, subslotname t, subsynccommit t, subpublications t[], subbinary b, substream b, subtwophasestate t, subdisableonerr b")
	case "pg_foreign_table":
		cols = def("ftrelid i8, ftserver i8, ftoptions t[]")
	case "pg_partitioned_table":
		cols = def("partrelid i8, partstrat t, partnatts i2, partattrs t, partclass i8[], partcollation i8[], partexprs t")
	case "pg_rewrite":
		cols = def("oid i8, rulename t, ev_class i8, ev_type t, ev_enabled t, is_instead b")
	case "pg_range":
		cols = def("rngtypid i8, rngsubtype i8, rngmultitypid i8, rngcollation i8, rngsubopc i8, rngcanonical i8, rngsubdiff i8")
	default:
		return nil, nil, false, nil
	}
	return cols, rows, true, nil
}

func visibleColumns(d *catalog.Descriptor) []catalog.Column {
	var out []catalog.Column
	for _, c := range d.Columns {
		if !c.Hidden {
			out = append(out, c)
		}
	}
	return out
}

// attnum is a column's position among the visible ones, from 1.
func attnum(d *catalog.Descriptor, id uint32) int {
	n := 0
	for _, c := range d.Columns {
		if c.Hidden {
			continue
		}
		n++
		if c.ID == id {
			return n
		}
	}
	return 0
}

func scalarOID(f types.Family) uint32 {
	for oid := uint32(1); oid < 4000; oid++ {
		if t, ok := types.TypeFromOID(oid); ok && !t.IsArray() && t.Family() == f {
			return oid
		}
	}
	return 0
}

// pgTypeName is pg_type.typname: PostgreSQL's internal type names.
func pgTypeName(t types.Type) string {
	switch t.Family() {
	case types.BoolFamily:
		return "bool"
	case types.Int2Family:
		return "int2"
	case types.Int4Family:
		return "int4"
	case types.Int8Family:
		return "int8"
	case types.Float4Family:
		return "float4"
	case types.Float8Family:
		return "float8"
	case types.VarcharFamily:
		return "varchar"
	case types.CharFamily:
		return "bpchar"
	case types.TimeFamily:
		return "time"
	case types.TimestampFamily:
		return "timestamp"
	case types.TimestampTZFamily:
		return "timestamptz"
	}
	return t.String()
}

// attStorage is a column's attstorage, its type's typstorage: plain for
// the fixed-length types, extended for the others.
func attStorage(t types.Type) string {
	if t.Len() > 0 {
		return "p"
	}
	return "x"
}

// udtName is a type's pg_type name without modifiers, as
// information_schema's udt_name shows it: int4, varchar, an enum's name,
// _int4 for an array.
func udtName(t types.Type) string {
	if t.IsArray() {
		return "_" + udtName(t.Elem())
	}
	if t.IsEnum() {
		return t.String()
	}
	return pgTypeName(types.FamilyType(t.Family()))
}

// oidTypes are PostgreSQL's object identifier types and the internal
// name types, which catalog queries cast to. cairn's catalog views carry
// OIDs as bigint, and names as text.
var oidTypes = map[string]string{
	"oid": "bigint", "regclass": "bigint", "regtype": "bigint", "regproc": "bigint", "regprocedure": "bigint",
	"regnamespace": "bigint", "regrole": "bigint", "regoper": "bigint", "xid": "bigint", "cid": "bigint",
	"name": "text",
}

// regClass binds casts to regclass: 'name'::regclass is the OID of the
// relation named by the constant, as catalog queries write to find a
// table's rows; x::regclass of any other x (an OID column, as psql's
// describe queries cast conrelid) takes x's value as an OID. Either way
// the value prints as the relation's name, as the binding transaction's
// catalog has it (its number when no relation has that OID).
func (b *Binder) regClass(s *scope, e *ast.CastExpr) (Expr, bool, error) {
	reg := strings.ToLower(e.Type.Name)
	if reg != "regclass" && reg != "regtype" && reg != "regnamespace" || len(e.Type.ArrayBounds) > 0 {
		return nil, false, nil
	}
	lit, ok := e.Expr.(*ast.Literal)
	if !ok || lit.Kind != ast.LitString {
		if reg != "regclass" {
			return nil, false, nil
		}
		x, err := b.bindExpr(s, e.Expr)
		if err != nil {
			return nil, true, err
		}
		if x, err = b.cast(e, x, types.Int8, types.CastExplicit); err != nil {
			return nil, true, err
		}
		names, err := b.relationNames()
		if err != nil {
			return nil, true, err
		}
		fn := func(a []types.Datum) (types.Datum, error) {
			return types.NewRegClass(a[0].Int(), names[a[0].Int()]), nil
		}
		r, err := b.fold(&Func{Name: "regclass", Args: []Expr{x}, Fn: fn, Strict: true, Typ: types.RegClass})
		return r, true, err
	}
	if reg == "regnamespace" {
		// 'name'::regnamespace: the OID of one of cairn's schemas.
		oid, ok := map[string]int64{"pg_catalog": oidPgCatalog, "public": oidPublic, "information_schema": oidInfoSchema}[strings.Trim(lit.Val, `"`)]
		if !ok {
			if n, err := strconv.ParseInt(lit.Val, 10, 64); err == nil {
				oid, ok = n, true
			}
		}
		if !ok {
			return nil, true, b.errAt(e, sqlerr.Code("3F000"), "schema %q does not exist", lit.Val)
		}
		return &Const{Val: types.NewInt8(oid), Typ: types.Int8}, true, nil
	}
	if reg == "regtype" {
		// 'name'::regtype: the OID of the type the name names.
		if oid, err := strconv.ParseInt(lit.Val, 10, 64); err == nil {
			return &Const{Val: types.NewInt8(oid), Typ: types.Int8}, true, nil
		}
		tn, err := parser.ParseTypeName(lit.Val)
		if err != nil {
			return nil, true, b.errAt(e, sqlerr.UndefinedObject, "type %q does not exist", lit.Val)
		}
		t, err := b.resolveType(tn)
		if err != nil {
			return nil, true, b.errAt(e, sqlerr.UndefinedObject, "type %q does not exist", lit.Val)
		}
		return &Const{Val: types.NewInt8(int64(t.OID())), Typ: types.Int8}, true, nil
	}
	named := func(oid int64) (Expr, bool, error) {
		// The relation's name as regclass prints it: known for a name,
		// looked up among all for a number.
		names, err := b.relationNames()
		if err != nil {
			return nil, true, err
		}
		return &Const{Val: types.NewRegClass(oid, names[oid]), Typ: types.RegClass}, true, nil
	}
	if oid, err := strconv.ParseInt(lit.Val, 10, 64); err == nil {
		// An OID written as a number ('16385'::regclass) is itself, as
		// regclass's input function takes it.
		return named(oid)
	}
	quoted := func(oid int64, name string) (Expr, bool, error) {
		return &Const{Val: types.NewRegClass(oid, builtins.QuoteIdent(name)), Typ: types.RegClass}, true, nil
	}
	name := lit.Val
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Trim(name, `"`)
	if oid, ok := systemRelOIDs[name]; ok {
		return quoted(oid, name)
	}
	d, ok, err := catalog.Lookup(b.txn, name)
	if err != nil {
		return nil, true, err
	}
	if ok {
		return quoted(relOID(d), d.Name)
	}
	if td, id, ok, err := catalog.LookupIndex(b.txn, name); err != nil {
		return nil, true, err
	} else if ok {
		for _, ix := range append([]catalog.Index{td.Primary}, td.Indexes...) {
			if ix.ID == id {
				return quoted(indexOID(td, &ix), ix.Name)
			}
		}
	}
	return nil, true, b.errAt(e, sqlerr.UndefinedTable, "relation %q does not exist", lit.Val)
}

// relationNames maps the OIDs of the relations (tables, views,
// sequences, indexes, and the pg_catalog relations clients name) to
// their names as regclass prints them.
func (b *Binder) relationNames() (map[int64]string, error) {
	all, err := catalog.List(b.txn)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for name, oid := range systemRelOIDs {
		names[oid] = name
	}
	for _, d := range all {
		names[relOID(d)] = builtins.QuoteIdent(d.Name)
		if d.Kind != catalog.KindTable {
			continue
		}
		for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
			names[indexOID(d, &ix)] = builtins.QuoteIdent(ix.Name)
		}
	}
	return names, nil
}

// catalogFunc binds the catalog functions that need the catalog, which
// the builtins do not have: pg_get_indexdef(index oid [, column, pretty])
// answers from the index definitions as the binding transaction sees them.
func (b *Binder) catalogFunc(n ast.Node, name string, args []Expr) (Expr, bool, error) {
	if f, ok, err := b.routineFunc(name, args); ok || err != nil {
		return f, ok, err
	}
	if name == "format_type" && len(args) == 2 {
		return b.formatType(n, args)
	}
	if name == "pg_get_viewdef" && (len(args) == 1 || len(args) == 2) {
		return b.viewDef(n, args)
	}
	if name == "to_regclass" && len(args) == 1 {
		return b.toRegClass(args[0])
	}
	if name == "pg_get_constraintdef" && (len(args) == 1 || len(args) == 2) {
		return b.constraintDef(args)
	}
	if name != "pg_get_indexdef" || len(args) == 0 || len(args) > 3 {
		return nil, false, nil
	}
	all, err := catalog.List(b.txn)
	if err != nil {
		return nil, true, err
	}
	type index struct {
		d  *catalog.Descriptor
		ix catalog.Index
	}
	indexes := map[int64]index{}
	for _, d := range all {
		if d.Kind != catalog.KindTable {
			continue
		}
		for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
			indexes[indexOID(d, &ix)] = index{d, ix}
		}
	}
	// pg_get_indexdef(index [, column, pretty]): the whole definition
	// (column 0) or one key's, for people with pretty.
	fn := func(a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.Null, nil
		}
		x, ok := indexes[a[0].Int()]
		if !ok {
			return types.Null, nil
		}
		col, pretty := int64(0), false
		if len(a) > 1 && !a[1].IsNull() {
			col = a[1].Int()
		}
		if len(a) > 2 && !a[2].IsNull() {
			pretty = a[2].Bool()
		}
		switch {
		case col == 0:
			return types.NewText(indexDefIn(x.d, &x.ix, pretty)), nil
		case col > 0 && col <= int64(len(x.ix.Columns)):
			return types.NewText(indexKey(x.d, &x.ix, int(col-1))), nil
		}
		return types.NewText(""), nil
	}
	return &Func{Name: name, Args: args, Fn: fn, Strict: true, Typ: types.Text}, true, nil
}

// viewReads returns the ids of the relations view (or materialized view)
// d reads, in order; none for other relations or a view that no longer
// binds.
func (b *Binder) viewReads(d *catalog.Descriptor) []uint32 {
	q := d.ViewQuery
	if d.MatView != "" {
		q = d.MatView
	}
	if q == "" {
		return nil
	}
	stmt, err := parser.ParseOne(q)
	if err != nil {
		return nil
	}
	query, ok := stmt.(*ast.Query)
	if !ok {
		return nil
	}
	vb := NewBinder(b.txn, q, nil)
	vb.Zone, vb.reads = b.Zone, map[uint32]bool{}
	if _, err := vb.bindQuery(query, nil); err != nil {
		return nil
	}
	ids := make([]uint32, 0, len(vb.reads))
	for id := range vb.reads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// viewDef binds pg_get_viewdef(view [, pretty]): a view's (or
// materialized view's) query as SQL text, the view given by OID or by
// name; NULL for another relation.
func (b *Binder) viewDef(n ast.Node, args []Expr) (Expr, bool, error) {
	all, err := catalog.List(b.txn)
	if err != nil {
		return nil, true, err
	}
	byOID, byName := map[int64]string{}, map[string]string{}
	for _, d := range all {
		q := d.ViewQuery
		if d.MatView != "" {
			q = d.MatView
		}
		if q != "" {
			def := " " + q + ";"
			byOID[relOID(d)], byName[d.Name] = def, def
		}
	}
	arg := args[0]
	byText := arg.Type().IsString() || arg.Type().Family() == types.UnknownFamily
	if !byText {
		if arg, err = b.convert(n, arg, types.Int8); err != nil {
			return nil, true, err
		}
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		var def string
		var ok bool
		if byText {
			var rel ast.TableName
			if rel, err = parser.ParseTableName(a[0].Str()); err == nil {
				def, ok = byName[rel.Name]
			}
		} else {
			def, ok = byOID[a[0].Int()]
		}
		if !ok {
			return types.Null, nil
		}
		return types.NewText(def), nil
	}
	return &Func{Name: "pg_get_viewdef", Args: []Expr{arg}, Fn: fn, Strict: true, Typ: types.Text}, true, nil
}

// formatType binds format_type(type oid, typmod) when the database has
// types of its own (CREATE TYPE), which the builtin, knowing only the
// built-in types, cannot name.
func (b *Binder) formatType(n ast.Node, args []Expr) (Expr, bool, error) {
	tds, err := catalog.ListTypes(b.txn)
	if err != nil || len(tds) == 0 {
		return nil, err != nil, err
	}
	names := map[int64]string{}
	for _, td := range tds {
		t := EnumType(td)
		names[int64(td.OID())] = t.String()
		names[int64(td.ArrayOID())] = types.ArrayOf(t).String()
	}
	f, err := builtins.Lookup("format_type", []types.Type{args[0].Type(), args[1].Type()})
	if err != nil {
		return nil, true, withPos(err, b.charPos(int(n.Position())))
	}
	cast := make([]Expr, len(args))
	for i, a := range args {
		if cast[i], err = b.convert(n, a, f.ArgTypes[i]); err != nil {
			return nil, true, err
		}
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		if !a[0].IsNull() {
			if s, ok := names[a[0].Int()]; ok {
				return types.NewText(s), nil
			}
		}
		return f.Fn(a)
	}
	return &Func{Name: "format_type", Args: cast, Fn: fn, Strict: f.Strict, Typ: types.Text}, true, nil
}

// toRegClass binds to_regclass(name): the OID of the relation (table,
// view, index) name names, as 'name'::regclass gives it, or NULL when
// there is none (a schema other than public or pg_catalog has none).
func (b *Binder) toRegClass(arg Expr) (Expr, bool, error) {
	if f := arg.Type().Family(); f != types.TextFamily && f != types.UnknownFamily && f != types.VarcharFamily {
		return nil, true, sqlerr.New(sqlerr.UndefinedFunction, "function to_regclass(%s) does not exist", arg.Type())
	}
	all, err := catalog.List(b.txn)
	if err != nil {
		return nil, true, err
	}
	oids := map[string]int64{}
	for _, d := range all {
		oids[d.Name] = relOID(d)
		if d.Kind != catalog.KindTable {
			continue
		}
		for _, ix := range append([]catalog.Index{d.Primary}, d.Indexes...) {
			oids[ix.Name] = indexOID(d, &ix)
		}
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		n, err := parser.ParseTableName(a[0].Str())
		if err != nil || n.Schema != "" && n.Schema != "public" && n.Schema != "pg_catalog" {
			return types.Null, nil
		}
		if oid, ok := oids[n.Name]; ok {
			return types.NewInt8(oid), nil
		}
		return types.Null, nil
	}
	return &Func{Name: "to_regclass", Args: []Expr{arg}, Fn: fn, Strict: true, Typ: types.Int8}, true, nil
}

// relationName returns the name of the relation whose OID the constant
// e is ('s'::regclass binds to the OID).
func (b *Binder) relationName(e Expr) (string, bool) {
	c, ok := e.(*Const)
	if !ok || c.Val.IsNull() {
		return "", false
	}
	if name := c.Val.RegClassName(); name != "" {
		return name, true // already quoted, as regclass prints it
	}
	all, err := catalog.List(b.txn)
	if err != nil {
		return "", false
	}
	for _, d := range all {
		if relOID(d) == c.Val.Int() {
			return builtins.QuoteIdent(d.Name), true // as nextval's text names it
		}
	}
	return "", false
}

// constraintDef binds pg_get_constraintdef(oid [, pretty]): a
// constraint's definition as pg_constraint numbers it ("PRIMARY KEY
// (id)", "FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE"), NULL for
// no such constraint.
func (b *Binder) constraintDef(args []Expr) (Expr, bool, error) {
	all, err := catalog.List(b.txn)
	if err != nil {
		return nil, true, err
	}
	defs := map[int64]string{}
	for _, d := range all {
		for n, c := range tableConstraints(d, all) {
			defs[constraintOID(d, n)] = c.def
		}
	}
	fn := func(a []types.Datum) (types.Datum, error) {
		def, ok := defs[a[0].Int()]
		if !ok {
			return types.Null, nil
		}
		return types.NewText(def), nil
	}
	return &Func{Name: "pg_get_constraintdef", Args: args, Fn: fn, Strict: true, Typ: types.Text}, true, nil
}

// systemRelOIDs are PostgreSQL's OIDs of its catalog relations, which
// clients write as 'pg_class'::regclass (pg_description's classoid).
var systemRelOIDs = map[string]int64{
	"pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_class": 1259, "pg_authid": 1260,
	"pg_database": 1262, "pg_am": 2601, "pg_cast": 2605, "pg_constraint": 2606, "pg_description": 2609,
	"pg_index": 2610, "pg_namespace": 2615, "pg_opclass": 2616, "pg_operator": 2617, "pg_rewrite": 2618,
	"pg_trigger": 2620, "pg_extension": 3079, "pg_enum": 3501, "pg_depend": 2608, "pg_foreign_table": 3118, "pg_init_privs": 3394, "pg_transform": 3576, "pg_language": 2612, "pg_opfamily": 2753, "pg_conversion": 2607, "pg_event_trigger": 3466, "pg_ts_parser": 3601, "pg_ts_dict": 3600, "pg_ts_template": 3764, "pg_ts_config": 3602, "pg_foreign_data_wrapper": 2328, "pg_foreign_server": 1417, "pg_user_mapping": 1418, "pg_default_acl": 826, "pg_largeobject_metadata": 2995, "pg_amop": 2602, "pg_amproc": 2603, "pg_seclabel": 3596, "pg_attrdef": 2604, "pg_db_role_setting": 2964, "pg_stat_activity": 12222, "pg_locks": 12172, "pg_stat_user_tables": 12250, "pg_stat_all_tables": 12240, "pg_collation": 3456, "pg_policy": 3256, "pg_sequence": 2224,
}
