package engine

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/exec"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// analyze runs ANALYZE, and VACUUM's part in a transaction. ANALYZE
// counts each table's rows (all tables when none is named) into its
// statistics, which the planner uses to choose join methods; VACUUM
// checks here that its tables exist (and analyzes them with ANALYZE),
// then compacts them once the transaction is over (Session.vacuum).
// It returns the tables the statement names (none: every table).
func (e *Engine) analyze(txn *mvcc.Txn, st *ast.Analyze) (Result, []*catalog.Descriptor, error) {
	names := st.Tables
	if st.Table != nil {
		names = append(names, *st.Table)
	}
	var named []*catalog.Descriptor
	for _, n := range names {
		d, err := catalog.Get(txn, n.Name)
		if err != nil {
			return Result{}, nil, err
		}
		named = append(named, d)
	}
	if st.Vacuum && !st.VacuumAnalyze {
		return Result{Tag: "VACUUM"}, named, nil
	}
	tables := named
	if len(names) == 0 {
		all, err := catalog.List(txn)
		if err != nil {
			return Result{}, nil, err
		}
		tables = all
	}
	for _, d := range tables {
		if d.Kind != catalog.KindTable {
			continue
		}
		if err := e.analyzeTable(txn, d); err != nil {
			return Result{}, nil, err
		}
	}
	if st.Vacuum {
		return Result{Tag: "VACUUM"}, named, nil
	}
	return Result{Tag: "ANALYZE"}, named, nil
}

// analyzeTable counts d's rows (its primary index's keys) into its
// statistics.
func (e *Engine) analyzeTable(txn *mvcc.Txn, d *catalog.Descriptor) error {
	rows, ok := e.tableRows(d.ID)
	if !ok || rows == 0 {
		// The sampling step needs a count: keys only, nothing decoded.
		start := catalog.IndexPrefix(nil, d.ID, catalog.PrimaryIndexID)
		end := catalog.IndexPrefix(nil, d.ID, catalog.PrimaryIndexID+1)
		it := txn.Scan(start, end)
		rows = 0
		for it.Next() {
			rows++
		}
		if err := it.Close(); err != nil {
			return err
		}
	}
	ts, err := sampleTable(txn, d, rows)
	if err != nil {
		return err
	}
	e.stats.set(d.ID, ts.Rows)
	e.stats.setColumns(d.ID, ts)
	e.saveStats(d.ID, ts)
	return nil
}

// saveStats stores a table's row count and column statistics in a small
// transaction of its own: they are hints, so the statement that measured
// them neither waits for nor conflicts with another count of the same
// table (the newer write wins; a lost one is harmless).
func (e *Engine) saveStats(id uint32, ts *catalog.TableStats) {
	for attempt := 0; attempt < 5; attempt++ {
		txn, err := e.db.Begin(mvcc.TxnOptions{NoSync: true})
		if err != nil {
			return
		}
		if err := catalog.PutRowCount(txn, id, ts.Rows); err != nil {
			txn.Rollback()
			return
		}
		if err := catalog.PutTableStats(txn, id, ts); err != nil {
			txn.Rollback()
			return
		}
		if err := txn.Commit(); err == nil || !errors.Is(err, mvcc.ErrConflict) {
			return
		}
	}
}

// truncate empties tables by deleting every key of each of their
// indexes, in the statement's transaction (so it can be rolled back).
// A table referenced by a foreign key may be truncated only together
// with the referencing tables, which CASCADE adds.
func (e *Engine) truncate(txn *mvcc.Txn, st *ast.Truncate) (Result, error) {
	targets := map[uint32]*catalog.Descriptor{}
	var order []*catalog.Descriptor
	for _, n := range st.Names {
		d, err := catalog.Get(txn, n.Name)
		if err != nil {
			return Result{}, err
		}
		if d.Kind != catalog.KindTable || d.MatView != "" {
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table", d.Name)
		}
		if targets[d.ID] == nil {
			targets[d.ID] = d
			order = append(order, d)
		}
	}
	all, err := catalog.List(txn)
	if err != nil {
		return Result{}, err
	}
	for changed := true; changed; {
		changed = false
		for _, o := range all {
			if o.Kind != catalog.KindTable || targets[o.ID] != nil {
				continue
			}
			for _, fk := range o.ForeignKeys {
				ref := targets[fk.RefTable]
				if ref == nil {
					continue
				}
				if !st.Cascade {
					return Result{}, sqlerr.New(sqlerr.FeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint").
						WithDetail("Table %q references %q.", o.Name, ref.Name).
						WithHint("Truncate table %q at the same time, or use TRUNCATE ... CASCADE.", o.Name)
				}
				targets[o.ID] = o
				order = append(order, o)
				changed = true
				break
			}
		}
	}
	for _, d := range order {
		if err := txn.DeleteRange(catalog.TablePrefix(nil, d.ID), catalog.TablePrefix(nil, d.ID+1)); err != nil {
			return Result{}, err
		}
	}
	if st.RestartIdentity {
		// The sequences of the tables' serial and identity columns (those
		// their defaults draw from) start over. Like nextval, and unlike
		// PostgreSQL's, the restart is not undone if the transaction
		// rolls back.
		for _, d := range order {
			for _, c := range d.Columns {
				m := nextvalDefault.FindStringSubmatch(c.Default)
				if m == nil {
					continue
				}
				seq, err := (engineSequences{e: e, txn: txn}).lookup(m[1])
				if err != nil {
					continue // a default naming a sequence since dropped
				}
				if err := e.setval(seq, seq.Sequence.Start, false); err != nil {
					return Result{}, err
				}
			}
		}
	}
	return Result{Tag: "TRUNCATE TABLE"}, nil
}

// nextvalDefault matches a column default drawing from a sequence:
// nextval('name') or nextval('name'::regclass).
var nextvalDefault = regexp.MustCompile(`^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$`)

// addKey adds a PRIMARY KEY or UNIQUE constraint to an existing table.
// A table created without a primary key is stored by its hidden row id;
// rather than rewrite it, ADD PRIMARY KEY gives it a unique index named
// like a primary key over NOT NULL columns, which enforces the same.
func (e *Engine) addKey(x *exec.Ctx, b *plan.Binder, txn *mvcc.Txn, d *catalog.Descriptor, c *ast.Constraint) error {
	pk := c.Kind == ast.ConstrPrimaryKey
	if pk {
		// A hidden key renamed _rowid has already given way to one.
		if !d.RowIDKeyed() || strings.HasSuffix(d.Primary.Name, "_rowid") {
			return sqlerr.New(sqlerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", d.Name)
		}
	}
	ix := catalog.Index{Name: c.Name, Unique: true, NullsNotDistinct: c.NullsNotDistinct, Primary: pk}
	var quoted []string
	for _, cn := range c.Columns {
		col := d.Column(cn)
		if col == nil || col.Hidden {
			return sqlerr.New(sqlerr.UndefinedColumn, "column %q named in key does not exist", cn)
		}
		ix.Columns = append(ix.Columns, catalog.IndexColumn{ColumnID: col.ID})
		quoted = append(quoted, quoteIdent(cn))
	}
	if ix.Name == "" {
		if pk {
			ix.Name = d.Name + "_pkey"
		} else {
			ix.Name = fmt.Sprintf("%s_%s_key", d.Name, strings.Join(c.Columns, "_"))
		}
	}
	if pk {
		// The hidden key gives its name up to the visible one.
		d.Primary.Name = d.Name + "_rowid"
		rows, err := e.query(x, b, fmt.Sprintf("SELECT 1 FROM %s WHERE %s IS NULL LIMIT 1", quoteIdent(d.Name), strings.Join(quoted, " IS NULL OR ")))
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			return sqlerr.New(sqlerr.NotNullViolation, "column of relation %q contains null values", d.Name)
		}
		for _, cn := range c.Columns {
			d.Column(cn).NotNull = true
		}
		if err := catalog.Update(txn, d); err != nil {
			return err
		}
	}
	if _, _, ok, err := catalog.LookupIndex(txn, ix.Name); err != nil {
		return err
	} else if ok {
		return sqlerr.New(sqlerr.DuplicateTable, "relation %q already exists", ix.Name)
	}
	// Duplicates are found by one aggregation rather than by a lookup
	// per row while the index is filled: a lookup in a transaction with
	// a large write set costs time proportional to it.
	list := strings.Join(quoted, ", ")
	// Keys with a NULL never collide, but under NULLS NOT DISTINCT,
	// where GROUP BY's equal NULLs are the index's.
	where := "WHERE NOT (" + strings.Join(quoted, " IS NULL OR ") + " IS NULL) "
	if ix.NullsNotDistinct {
		where = ""
	}
	dups, err := e.query(x, b, fmt.Sprintf("SELECT %s FROM %s %sGROUP BY %s HAVING count(*) > 1 LIMIT 1",
		list, quoteIdent(d.Name), where, list))
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		vals := make([]string, len(dups[0]))
		for i, v := range dups[0] {
			vals[i] = v.String()
			if v.IsNull() {
				vals[i] = "null" // as PostgreSQL shows a NULL key
			}
		}
		return sqlerr.New(sqlerr.UniqueViolation, "could not create unique index %q", ix.Name).
			WithDetail("Key (%s)=(%s) is duplicated.", strings.Join(c.Columns, ", "), strings.Join(vals, ", "))
	}
	ix.Unique = false
	added := d.AddIndex(ix)
	if err := catalog.Update(txn, d); err != nil {
		return err
	}
	if err := x.Backfill(d, added); err != nil {
		return err
	}
	for i := range d.Indexes {
		if d.Indexes[i].ID == added.ID {
			d.Indexes[i].Unique = true
		}
	}
	return catalog.Update(txn, d)
}

// query runs a query built by the engine itself.
func (e *Engine) query(x *exec.Ctx, b *plan.Binder, sql string) ([]exec.Row, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, err
	}
	q, err := b.Query(stmts[0].(*ast.Query))
	if err != nil {
		return nil, err
	}
	return x.Run(q)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// scramIterations is PostgreSQL's default scram_iterations.
const scramIterations = 4096

// createRole runs CREATE ROLE/USER and ALTER ROLE/USER.
func (e *Engine) createRole(txn *mvcc.Txn, name string, create, user, ifNotExists bool, opts []ast.RoleOption) (Result, error) {
	tag := "ALTER ROLE"
	r, ok, err := catalog.LookupRole(txn, name)
	if err != nil {
		return Result{}, err
	}
	if create {
		tag = "CREATE ROLE"
		if ok {
			if ifNotExists {
				return Result{Tag: tag}, nil
			}
			return Result{}, sqlerr.New(sqlerr.DuplicateObject, "role %q already exists", name)
		}
		r = &catalog.Role{Name: name, Login: user}
	} else if !ok {
		return Result{}, sqlerr.New(sqlerr.UndefinedObject, "role %q does not exist", name)
	}
	for _, o := range opts {
		switch o.Name {
		case "login":
			r.Login = true
		case "nologin":
			r.Login = false
		case "superuser":
			r.Superuser = true
		case "nosuperuser":
			r.Superuser = false
		case "password", "encrypted password":
			lit, ok := o.Value.(*ast.Literal)
			if !ok || lit.Kind == ast.LitNull {
				r.SCRAM = nil
				continue
			}
			v, err := scramVerifier(lit.Val)
			if err != nil {
				return Result{}, err
			}
			r.SCRAM = v
		}
	}
	return Result{Tag: tag}, catalog.PutRole(txn, r)
}

func (e *Engine) dropRoles(txn *mvcc.Txn, st *ast.Drop) (Result, error) {
	for _, n := range st.Names {
		if _, ok, err := catalog.LookupRole(txn, n.Name); err != nil {
			return Result{}, err
		} else if !ok {
			if st.IfExists {
				continue
			}
			return Result{}, sqlerr.New(sqlerr.UndefinedObject, "role %q does not exist", n.Name)
		}
		if err := catalog.DropRole(txn, n.Name); err != nil {
			return Result{}, err
		}
	}
	return Result{Tag: "DROP ROLE"}, nil
}

// scramVerifier derives a SCRAM-SHA-256 verifier from a password, or
// takes one already derived in PostgreSQL's text form
// (SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, what psql's
// \password sends) so the password never reaches the server.
func scramVerifier(password string) (*catalog.SCRAMVerifier, error) {
	if rest, ok := strings.CutPrefix(password, "SCRAM-SHA-256$"); ok {
		bad := sqlerr.New(sqlerr.InvalidParameterValue, "invalid SCRAM secret")
		iterSalt, keys, ok1 := strings.Cut(rest, "$")
		iter, salt, ok2 := strings.Cut(iterSalt, ":")
		stored, server, ok3 := strings.Cut(keys, ":")
		if !ok1 || !ok2 || !ok3 {
			return nil, bad
		}
		v := &catalog.SCRAMVerifier{}
		var err error
		if v.Iterations, err = strconv.Atoi(iter); err != nil || v.Iterations <= 0 {
			return nil, bad
		}
		dec := base64.StdEncoding.DecodeString
		if v.Salt, err = dec(salt); err != nil {
			return nil, bad
		}
		if v.StoredKey, err = dec(stored); err != nil || len(v.StoredKey) != sha256.Size {
			return nil, bad
		}
		if v.ServerKey, err = dec(server); err != nil || len(v.ServerKey) != sha256.Size {
			return nil, bad
		}
		return v, nil
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		return nil, err
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	return &catalog.SCRAMVerifier{Salt: salt, Iterations: scramIterations, StoredKey: stored[:], ServerKey: mac(salted, "Server Key")}, nil
}

// Role returns the role a client names at connection, for the server's
// authentication.
func (e *Engine) Role(name string) (*catalog.Role, bool, error) {
	txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true, NoSync: true})
	if err != nil {
		return nil, false, err
	}
	defer txn.Rollback()
	return catalog.LookupRole(txn, name)
}

// vacuum runs VACUUM: outside a transaction block only, as in
// PostgreSQL. It first does what the statement does in a transaction
// (checks its tables, and analyzes them with ANALYZE), then merges the
// pending documents of their full-text indexes (mergeFTSPending), then
// compacts the storage of the named tables, or of the whole database when none
// is named: every version no snapshot needs and every deleted key's
// tombstone goes, and the tables' keys move to the deepest level of
// the LSM tree, so reads no longer consult the tables recent writes
// left in the upper levels.
func (s *Session) vacuum(ctx context.Context, st *ast.Analyze) (Result, error) {
	if s.txn != nil {
		return Result{}, sqlerr.New(sqlerr.ActiveSQLTransaction, "VACUUM cannot run inside a transaction block")
	}
	var named, tables []*catalog.Descriptor
	r, err := s.inTxn(ctx, func(txn *mvcc.Txn) (Result, error) {
		r, ds, err := s.e.analyze(txn, st)
		named, tables = ds, ds
		if err == nil && len(named) == 0 {
			tables, err = catalog.List(txn)
		}
		return r, err
	})
	if err != nil {
		return r, err
	}
	if err := s.e.mergeFTSPending(ctx, tables); err != nil {
		return Result{}, err
	}
	if err := s.e.compactTables(ctx, named); err != nil {
		return Result{}, err
	}
	return r, nil
}

// compactTables compacts the keys of the tables (all of their indexes),
// or every key when there are none; see vacuum.
func (e *Engine) compactTables(ctx context.Context, tables []*catalog.Descriptor) error {
	ranges := [][2][]byte{{nil, nil}}
	if len(tables) > 0 {
		ranges = ranges[:0]
		for _, d := range tables {
			ranges = append(ranges, [2][]byte{catalog.TablePrefix(nil, d.ID), catalog.TablePrefix(nil, d.ID+1)})
		}
	}
	for _, r := range ranges {
		if err := ctx.Err(); err != nil {
			return exec.CanceledError(err)
		}
		if err := e.db.CompactRange(ctx, r[0], r[1]); err != nil {
			if ctx.Err() != nil {
				return exec.CanceledError(ctx.Err())
			}
			return err
		}
	}
	return nil
}

// comment sets or (IS NULL, or an empty text) removes COMMENT ON's text of a table,
// view, sequence, index or column; pg_description and obj_description
// show it.
func (e *Engine) comment(txn *mvcc.Txn, st *ast.Comment) (Result, error) {
	switch st.Kind {
	case ast.ObjExtension, ast.ObjSchema:
		// The built-in extensions and the one schema: pg_dump comments
		// on them (COMMENT ON EXTENSION plpgsql, ON SCHEMA public); the
		// comment is not kept.
		name := st.Name.Name
		if st.Kind == ast.ObjSchema && name != "public" {
			return Result{}, sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", name)
		}
		if st.Kind == ast.ObjExtension && !builtInExtension(name) {
			return Result{}, sqlerr.New(sqlerr.UndefinedObject, "extension %q does not exist", name)
		}
		return Result{Tag: "COMMENT"}, nil
	}
	if st.Kind == ast.ObjType {
		return e.commentOnType(txn, st)
	}
	text := ""
	if st.Text != nil {
		text = *st.Text
	}
	var d *catalog.Descriptor
	var err error
	if st.Kind == ast.ObjIndex && st.Column == "" {
		var id uint32
		var ok bool
		d, id, ok, err = catalog.LookupIndex(txn, st.Name.Name)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return Result{}, sqlerr.New(sqlerr.UndefinedObject, "index %q does not exist", st.Name.Name)
		}
		if id == d.Primary.ID {
			d.Primary.Comment = text
		}
		for i := range d.Indexes {
			if d.Indexes[i].ID == id {
				d.Indexes[i].Comment = text
			}
		}
	} else {
		if d, err = catalog.Get(txn, st.Name.Name); err != nil {
			return Result{}, err
		}
		want := map[ast.ObjectKind]catalog.Kind{ast.ObjTable: catalog.KindTable, ast.ObjView: catalog.KindView, ast.ObjSequence: catalog.KindSequence}[st.Kind]
		switch {
		case st.Column != "":
			c := d.Column(st.Column)
			if c == nil || c.Hidden {
				return Result{}, sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", st.Column, d.Name)
			}
			c.Comment = text
		case d.Kind != want:
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a %s", d.Name, want)
		default:
			d.Comment = text
		}
	}
	if err := catalog.Update(txn, d); err != nil {
		return Result{}, err
	}
	return Result{Tag: "COMMENT"}, nil
}

// maintain is REINDEX and CLUSTER. cairn's indexes are LSM keys that
// compaction keeps dense, never bloated pages to rebuild, and a table
// is stored in its primary key's order, the order CLUSTER would give it
// (by another index it cannot: rows have one order); both check what
// they name and have nothing to do.
func (e *Engine) maintain(txn *mvcc.Txn, st *ast.Maintain) (Result, error) {
	tag := strings.ToUpper(st.Kind)
	name := st.Name.Name
	if st.Name.Schema != "" && st.Name.Schema != "public" && st.Object != "schema" {
		return Result{}, sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", st.Name.Schema)
	}
	switch {
	case st.Kind == "cluster" && name == "":
	case st.Kind == "cluster", st.Object == "table":
		d, err := catalog.Get(txn, name)
		if err != nil {
			return Result{}, err
		}
		if d.Kind != catalog.KindTable {
			return Result{}, sqlerr.New(sqlerr.WrongObjectType, "%q is not a table", name)
		}
		if st.Index != "" {
			t, _, ok, err := catalog.LookupIndex(txn, st.Index)
			if err != nil {
				return Result{}, err
			}
			if !ok || t.ID != d.ID {
				return Result{}, sqlerr.New(sqlerr.UndefinedObject, "index %q for table %q does not exist", st.Index, name)
			}
		}
	case st.Object == "index":
		if _, _, ok, err := catalog.LookupIndex(txn, name); err != nil {
			return Result{}, err
		} else if !ok {
			return Result{}, sqlerr.New(sqlerr.UndefinedObject, "index %q does not exist", name)
		}
	case st.Object == "schema":
		if name != "public" {
			return Result{}, sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", name)
		}
	}
	return Result{Tag: tag}, nil
}
