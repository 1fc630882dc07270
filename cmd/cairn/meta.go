package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/types"
)

const helpText = `General
  \q                     quit
  \?                     show this help
  \timing [on|off]       toggle or set printing of each statement's time
  \pset null [STRING]    show NULL as STRING (empty by default)

Informational
  \d                     list tables and views
  \d NAME                describe table or view NAME: columns and indexes
  \dt                    list tables
  \di                    list indexes
  \dc                    list collections (tables of id text, doc jsonb)
  \dT                    list data types (enums) with their values
  \df                    list functions (CREATE FUNCTION's)

Statements end with ";" and may span lines.
`

// meta runs a backslash command and reports success.
func (sh *shell) meta(ctx context.Context, line string) bool {
	fields := strings.Fields(line)
	cmd, args := fields[0], fields[1:]
	switch {
	case cmd == `\restrict`:
		if sh.restrictKey != "" || len(args) != 1 {
			fmt.Fprintln(sh.errw, `\restrict: already restricted, or no key given`)
			return false
		}
		sh.restrictKey = args[0]
		return true
	case cmd == `\unrestrict`:
		if sh.restrictKey == "" || len(args) != 1 || args[0] != sh.restrictKey {
			fmt.Fprintln(sh.errw, `\unrestrict: not restricted, or the wrong key`)
			return false
		}
		sh.restrictKey = ""
		return true
	case sh.restrictKey != "":
		fmt.Fprintf(sh.errw, "backslash commands are restricted; only \\unrestrict is allowed\n")
		return false
	}
	switch strings.TrimSuffix(cmd, "+") {
	case `\q`, `\quit`:
		sh.quit = true
		return true
	case `\?`, `\h`, `\help`:
		fmt.Fprint(sh.out, helpText)
		return true
	case `\timing`:
		switch {
		case len(args) == 0:
			sh.timing = !sh.timing
		case strings.EqualFold(args[0], "on"):
			sh.timing = true
		case strings.EqualFold(args[0], "off"):
			sh.timing = false
		default:
			fmt.Fprintf(sh.errw, "\\timing: unrecognized value %q: Boolean expected\n", args[0])
			return false
		}
		fmt.Fprintf(sh.out, "Timing is %s.\n", map[bool]string{true: "on", false: "off"}[sh.timing])
		return true
	case `\pset`:
		if len(args) == 0 || args[0] != "null" {
			fmt.Fprintln(sh.errw, `\pset: only "null" is supported`)
			return false
		}
		sh.null = ""
		if len(args) > 1 {
			sh.null = unquote(strings.Join(args[1:], " "))
		}
		fmt.Fprintf(sh.out, "Null display is %q.\n", sh.null)
		return true
	case `\d`:
		if len(args) > 0 {
			return sh.describe(ctx, unquote(args[0]))
		}
		return sh.listRelations(ctx, "", "List of relations", "Did not find any relations.")
	case `\dt`:
		return sh.listRelations(ctx, "BASE TABLE", "List of relations", "Did not find any tables.")
	case `\di`:
		return sh.listIndexes(ctx)
	case `\dT`:
		r, ok := sh.query(ctx, `SELECT 'public' AS "Schema", t.typname AS "Name",
  array_to_string(ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), ', ') AS "Elements",
  coalesce(obj_description(t.oid, 'pg_type'), '') AS "Description"
FROM pg_catalog.pg_type t WHERE t.typtype = 'e' ORDER BY 2`)
		if ok {
			sh.printTitled("List of data types", "Did not find any data types.", r)
		}
		return ok
	case `\df`:
		r, ok := sh.query(ctx, `SELECT 'public' AS "Schema", p.proname AS "Name",
  pg_catalog.pg_get_function_result(p.oid) AS "Result data type",
  pg_catalog.pg_get_function_arguments(p.oid) AS "Argument data types",
  CASE p.prolang WHEN 14 THEN 'sql' ELSE 'plpgsql' END AS "Language"
FROM pg_catalog.pg_proc p ORDER BY 2, 4`)
		if ok {
			sh.printTitled("List of functions", "Did not find any functions.", r)
		}
		return ok
	case `\dc`:
		// Collections are the tables of exactly (id text, doc jsonb).
		r, ok := sh.query(ctx, `SELECT table_name AS "Name" FROM information_schema.columns WHERE table_schema `+userSchemas+
			` GROUP BY table_name HAVING count(*) = 2 AND sum(CASE WHEN (column_name = 'id' AND data_type = 'text') OR (column_name = 'doc' AND data_type = 'jsonb') THEN 1 ELSE 0 END) = 2 ORDER BY 1`)
		if ok {
			sh.printTitled("List of collections", "Did not find any collections.", r)
		}
		return ok
	}
	fmt.Fprintf(sh.errw, "invalid command %s\nTry \\? for help.\n", cmd)
	return false
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// literal quotes s as a SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// query runs a catalog query, printing its error (the engine's, as psql
// would print it) on failure.
func (sh *shell) query(ctx context.Context, sql string) (engine.Result, bool) {
	res, err := sh.ex.Execute(ctx, sql, nil)
	if err != nil {
		writeError(sh.errw, "", err, "")
		return engine.Result{}, false
	}
	if len(res) == 0 {
		return engine.Result{}, true
	}
	return res[len(res)-1], true
}

const userSchemas = `NOT IN ('pg_catalog', 'information_schema')`

// printTitled prints a result under a centered title, with psql's row
// count, or none if it is empty.
func (sh *shell) printTitled(title, none string, r engine.Result) {
	if len(r.Rows) == 0 {
		fmt.Fprintln(sh.out, none)
		return
	}
	body := formatResult(r, "", sh.ex.Zone())
	width := len(strings.SplitN(body, "\n", 2)[0])
	fmt.Fprintf(sh.out, "%s\n%s\n", centered(title, width), body)
}

func (sh *shell) listRelations(ctx context.Context, tableType, title, none string) bool {
	where := "table_schema " + userSchemas
	if tableType != "" {
		where += " AND table_type = " + literal(tableType)
	}
	r, ok := sh.query(ctx, `SELECT table_schema AS "Schema", table_name AS "Name",
  CASE table_type WHEN 'BASE TABLE' THEN 'table' WHEN 'VIEW' THEN 'view' ELSE lower(table_type) END AS "Type"
FROM information_schema.tables WHERE `+where+` ORDER BY 1, 2`)
	if ok {
		sh.printTitled(title, none, r)
	}
	return ok
}

func (sh *shell) listIndexes(ctx context.Context) bool {
	r, ok := sh.query(ctx, `SELECT schemaname AS "Schema", indexname AS "Name", 'index' AS "Type", tablename AS "Table"
FROM pg_catalog.pg_indexes WHERE schemaname `+userSchemas+` ORDER BY 1, 2`)
	if ok {
		sh.printTitled("List of relations", "Did not find any relations.", r)
	}
	return ok
}

// describe prints a table's columns (name, type, nullable, default) and
// its indexes, as psql's \d NAME does.
func (sh *shell) describe(ctx context.Context, name string) bool {
	schema, table, qualified := strings.Cut(name, ".")
	if !qualified {
		schema, table = "", name
	}
	where := "table_name = " + literal(table)
	if schema != "" {
		where += " AND table_schema = " + literal(schema)
	} else {
		where += " AND table_schema " + userSchemas
	}
	cols, ok := sh.query(ctx, `SELECT table_schema, column_name, data_type, character_maximum_length,
  numeric_precision, numeric_scale, is_nullable, column_default, generation_expression, udt_name
FROM information_schema.columns WHERE `+where+` ORDER BY ordinal_position`)
	if !ok {
		return false
	}
	if len(cols.Rows) == 0 {
		fmt.Fprintf(sh.errw, "Did not find any relation named %q.\n", name)
		return false
	}
	schema = str(cols.Rows[0][0])
	out := engine.Result{Columns: []engine.Column{
		{Name: "Column", Type: types.Text}, {Name: "Type", Type: types.Text},
		{Name: "Nullable", Type: types.Text}, {Name: "Default", Type: types.Text},
	}}
	for _, row := range cols.Rows {
		typ := str(row[2])
		switch {
		case (typ == "character varying" || typ == "character") && !row[3].IsNull():
			typ = fmt.Sprintf("%s(%s)", typ, str(row[3]))
		case typ == "numeric" && !row[4].IsNull():
			typ = fmt.Sprintf("numeric(%s,%s)", str(row[4]), str(row[5]))
		case typ == "USER-DEFINED" && len(row) > 9:
			typ = str(row[9]) // an enum type: its name
		}
		nullable := ""
		if str(row[6]) == "NO" {
			nullable = "not null"
		}
		def := str(row[7])
		if len(row) > 8 && !row[8].IsNull() {
			def = "generated always as (" + str(row[8]) + ") stored" // as psql
		}
		out.Rows = append(out.Rows, []types.Datum{row[1], types.NewText(typ), types.NewText(nullable), types.NewText(def)})
	}
	body := formatResult(out, "", sh.ex.Zone())
	body = body[:strings.LastIndex(strings.TrimSuffix(body, "\n"), "\n")+1] // no row count
	width := len(strings.SplitN(body, "\n", 2)[0])
	fmt.Fprintf(sh.out, "%s\n%s", centered(fmt.Sprintf("Table %q", schema+"."+table), width), body)

	// Indexes: printed when the catalog view answers.
	idx, err := sh.ex.Execute(ctx, `SELECT indexname, indexdef FROM pg_catalog.pg_indexes
WHERE schemaname = `+literal(schema)+` AND tablename = `+literal(table)+` ORDER BY indexname`, nil)
	if err == nil && len(idx) > 0 && len(idx[len(idx)-1].Rows) > 0 {
		// The primary key's index shows as psql shows it.
		pk := ""
		if r, err := sh.ex.Execute(ctx, `SELECT constraint_name FROM information_schema.table_constraints
WHERE table_schema = `+literal(schema)+` AND table_name = `+literal(table)+` AND constraint_type = 'PRIMARY KEY'`, nil); err == nil && len(r) > 0 && len(r[0].Rows) > 0 {
			pk = str(r[0].Rows[0][0])
		}
		fmt.Fprintln(sh.out, "Indexes:")
		for _, row := range idx[len(idx)-1].Rows {
			summary := indexSummary(str(row[1]))
			if str(row[0]) == pk {
				summary = "PRIMARY KEY, " + strings.TrimPrefix(summary, "UNIQUE, ")
			}
			fmt.Fprintf(sh.out, "    %q %s\n", str(row[0]), summary)
		}
	}
	// CHECK and foreign key constraints, as psql lists them.
	t := literal(table)
	checks, err := sh.ex.Execute(ctx, `SELECT conname, substr(pg_get_constraintdef(oid), 7)
FROM pg_catalog.pg_constraint WHERE conrelid = `+literal(table)+`::regclass AND contype = 'c' ORDER BY 1`, nil)
	if err == nil && len(checks) > 0 && len(checks[0].Rows) > 0 {
		fmt.Fprintln(sh.out, "Check constraints:")
		for _, row := range checks[0].Rows {
			fmt.Fprintf(sh.out, "    %q CHECK %s\n", str(row[0]), str(row[1]))
		}
	}
	fks, err := sh.ex.Execute(ctx, `SELECT rc.constraint_name,
  (SELECT string_agg(k.column_name, ', ' ORDER BY k.ordinal_position) FROM information_schema.key_column_usage k
    WHERE k.table_name = `+t+` AND k.constraint_name = rc.constraint_name),
  u.table_name,
  (SELECT string_agg(k.column_name, ', ' ORDER BY k.ordinal_position) FROM information_schema.key_column_usage k
    WHERE k.table_name = u.table_name AND k.constraint_name = rc.unique_constraint_name),
  rc.delete_rule, rc.update_rule
FROM information_schema.referential_constraints rc
JOIN information_schema.table_constraints f ON f.constraint_name = rc.constraint_name AND f.table_name = `+t+` AND f.constraint_type = 'FOREIGN KEY'
JOIN information_schema.table_constraints u ON u.constraint_name = rc.unique_constraint_name AND u.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
ORDER BY 1`, nil)
	if err == nil && len(fks) > 0 && len(fks[0].Rows) > 0 {
		fmt.Fprintln(sh.out, "Foreign-key constraints:")
		for _, row := range fks[0].Rows {
			line := fmt.Sprintf("    %q FOREIGN KEY (%s) REFERENCES %s(%s)", str(row[0]), str(row[1]), str(row[2]), str(row[3]))
			for i, on := range []string{" ON DELETE ", " ON UPDATE "} {
				if r := str(row[4+i]); r != "NO ACTION" {
					line += on + r
				}
			}
			fmt.Fprintln(sh.out, line)
		}
	}
	fmt.Fprintln(sh.out)
	return true
}

// indexSummary turns "CREATE UNIQUE INDEX i ON s.t USING btree (a)" into
// psql's "UNIQUE, btree (a)".
func indexSummary(def string) string {
	_, using, ok := strings.Cut(def, " USING ")
	if !ok {
		return def
	}
	if strings.HasPrefix(strings.ToUpper(def), "CREATE UNIQUE") {
		return "UNIQUE, " + using
	}
	return using
}

func str(d types.Datum) string {
	if d.IsNull() {
		return ""
	}
	return types.FormatText(d)
}
