package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cairndb/cairn"
)

// The doc-* workloads' engines: cairn through its collection API (and SQL
// on the collection's table for @>), SQLite through database/sql with
// prepared statements on one connection.

// cairnDoc is the "docs" collection of a cairn database opened NoSync
// with a 128 MiB block cache (as the SQL workloads).
type cairnDoc struct {
	db  *cairn.DB
	c   *cairn.Collection
	ctx context.Context
}

func openCairnDoc(dir string) (docEngine, error) {
	db, err := cairn.Open(dir, &cairn.Options{NoSync: true, CacheSize: sqlCacheBytes})
	if err != nil {
		return nil, err
	}
	return &cairnDoc{db: db, c: db.Collection(docColl), ctx: context.Background()}, nil
}

func (d *cairnDoc) load(ids []string, texts [][]byte) error {
	docs := make([]any, len(texts))
	for i, t := range texts {
		docs[i] = json.RawMessage(t)
	}
	got, err := d.c.InsertMany(d.ctx, docs)
	if err == nil && (len(got) != len(ids) || got[0] != ids[0] || got[len(got)-1] != ids[len(ids)-1]) {
		err = fmt.Errorf("InsertMany returned ids %v..., want %s...", got[:min(3, len(got))], ids[0])
	}
	return err
}

func (d *cairnDoc) get(id string) ([]byte, error) {
	var raw json.RawMessage
	err := d.c.Get(d.ctx, id, &raw)
	return raw, err
}

func (d *cairnDoc) find(filter string, fn func(doc []byte) error) error {
	cur, err := d.c.Find(d.ctx, filter, nil)
	if err != nil {
		return err
	}
	defer cur.Close()
	for cur.Next(d.ctx) {
		if err := fn(cur.Raw()); err != nil {
			return err
		}
	}
	return cur.Err()
}

func (d *cairnDoc) findCity(city string, fn func(doc []byte) error) error {
	return d.find(`{"`+docCairnCityField+`": "`+city+`"}`, fn)
}

func docZipContains(zip string) json.RawMessage {
	return json.RawMessage(`{"address": {"zip": "` + zip + `"}}`)
}

// findZip is SQL on the collection's table: Find compiles {"address.zip":
// Z} to jsonb_path_exists, which no GIN index serves; doc @> does.
func (d *cairnDoc) findZip(zip string, fn func(doc []byte) error) error {
	rows, err := d.db.Query(d.ctx, docCairnContains, docZipContains(zip))
	if err != nil {
		return err
	}
	defer rows.Close()
	var raw json.RawMessage
	for rows.Next() {
		if err := rows.Scan(&raw); err != nil {
			return err
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (d *cairnDoc) incAge(id string) error {
	matched, modified, err := d.c.UpdateOne(d.ctx, `{"_id": "`+id+`"}`, `{"$inc": {"age": 1}}`)
	if err == nil && (matched != 1 || modified != 1) {
		err = fmt.Errorf("matched %d, modified %d", matched, modified)
	}
	return err
}

func (d *cairnDoc) sumAge() (int64, error) {
	var n int64
	err := d.db.QueryRow(d.ctx, docCairnSumAge).Scan(&n)
	return n, err
}

func (d *cairnDoc) createIndexes() error {
	if err := d.c.CreateIndex(d.ctx, docCairnCityField, false); err != nil {
		return err
	}
	_, err := d.db.Exec(d.ctx, docCairnGIN)
	return err
}

func (d *cairnDoc) vacuum() error {
	_, err := d.db.Exec(d.ctx, "VACUUM")
	return err
}

func (d *cairnDoc) plans(city, zip string) (string, string, error) {
	lines, err := d.c.Explain(d.ctx, `{"`+docCairnCityField+`": "`+city+`"}`, nil)
	if err != nil {
		return "", "", err
	}
	cityPlan := strings.Join(lines, " / ")
	if !strings.Contains(cityPlan, "Index Scan") {
		return cityPlan, "", fmt.Errorf("Find(address.city) does not use the index: %s", cityPlan)
	}
	rows, err := d.db.Query(d.ctx, "EXPLAIN "+docCairnContains, docZipContains(zip))
	if err != nil {
		return cityPlan, "", err
	}
	defer rows.Close()
	var zl []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return cityPlan, "", err
		}
		zl = append(zl, strings.TrimSpace(s))
	}
	zipPlan := strings.Join(zl, " / ")
	if !strings.Contains(zipPlan, "docs_gin") {
		return cityPlan, zipPlan, fmt.Errorf("doc @> does not use docs_gin: %s", zipPlan)
	}
	return cityPlan, zipPlan, rows.Err()
}

func (d *cairnDoc) close() error { return d.db.Close() }

// sqliteDoc is the docs table in SQLite (WAL, synchronous=NORMAL, 128 MiB
// page cache: openSQLiteSQL), one connection with prepared statements.
type sqliteDoc struct {
	db                            *sql.DB
	conn                          *sql.Conn
	insert, getSt, city, zip, inc *sql.Stmt
	ctx                           context.Context
}

func openSQLiteDoc(dir string) (docEngine, error) {
	s, err := openSQLiteSQL(dir, false, 1)
	if err != nil {
		return nil, err
	}
	d := &sqliteDoc{db: s.(*sqliteSQL).db, ctx: context.Background()}
	if _, err := d.db.Exec(docSQLiteCreate); err != nil {
		d.db.Close()
		return nil, err
	}
	if d.conn, err = d.db.Conn(d.ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{{&d.insert, docSQLiteInsert}, {&d.getSt, docSQLiteGet}, {&d.city, docSQLiteFindEq}, {&d.zip, docSQLiteFindZip}, {&d.inc, docSQLiteUpdate}} {
		if *p.st, err = d.conn.PrepareContext(d.ctx, p.q); err != nil {
			d.close()
			return nil, fmt.Errorf("%s: %w", p.q, err)
		}
	}
	return d, nil
}

func (d *sqliteDoc) load(ids []string, texts [][]byte) error {
	if _, err := d.conn.ExecContext(d.ctx, "BEGIN"); err != nil {
		return err
	}
	for i, t := range texts {
		// string: SQLite stores TEXT (a []byte would be a BLOB, which
		// its JSON functions reject as JSONB).
		if _, err := d.insert.Exec(ids[i], string(t)); err != nil {
			d.conn.ExecContext(d.ctx, "ROLLBACK")
			return err
		}
	}
	_, err := d.conn.ExecContext(d.ctx, "COMMIT")
	return err
}

func (d *sqliteDoc) get(id string) ([]byte, error) {
	var doc []byte
	err := d.getSt.QueryRow(id).Scan(&doc)
	if err == sql.ErrNoRows {
		err = errDocNotFound
	}
	return doc, err
}

func (d *sqliteDoc) query(st *sql.Stmt, v string, fn func(doc []byte) error) error {
	rows, err := st.Query(v)
	if err != nil {
		return err
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (d *sqliteDoc) findCity(city string, fn func(doc []byte) error) error {
	return d.query(d.city, city, fn)
}

func (d *sqliteDoc) findZip(zip string, fn func(doc []byte) error) error {
	return d.query(d.zip, zip, fn)
}

func (d *sqliteDoc) incAge(id string) error {
	res, err := d.inc.Exec(id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%d rows updated (%v)", n, err)
	}
	return nil
}

func (d *sqliteDoc) sumAge() (int64, error) {
	var n int64
	err := d.conn.QueryRowContext(d.ctx, docSQLiteSumAge).Scan(&n)
	return n, err
}

func (d *sqliteDoc) createIndexes() error {
	for _, q := range []string{docSQLiteCityIdx, docSQLiteZipIdx} {
		if _, err := d.conn.ExecContext(d.ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func (d *sqliteDoc) vacuum() error {
	_, err := d.conn.ExecContext(d.ctx, "VACUUM")
	return err
}

func (d *sqliteDoc) plan(q, v, index string) (string, error) {
	rows, err := d.conn.QueryContext(d.ctx, "EXPLAIN QUERY PLAN "+q, v)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		lines = append(lines, detail)
	}
	p := strings.Join(lines, " / ")
	if err := rows.Err(); err != nil {
		return p, err
	}
	if !strings.Contains(p, "INDEX "+index) {
		return p, fmt.Errorf("%s does not use %s: %s", q, index, p)
	}
	return p, nil
}

func (d *sqliteDoc) plans(city, zip string) (string, string, error) {
	cp, err := d.plan(docSQLiteFindEq, city, "docs_city")
	if err != nil {
		return cp, "", err
	}
	zp, err := d.plan(docSQLiteFindZip, zip, "docs_zip")
	return cp, zp, err
}

func (d *sqliteDoc) close() error {
	for _, st := range []*sql.Stmt{d.insert, d.getSt, d.city, d.zip, d.inc} {
		if st != nil {
			st.Close()
		}
	}
	if d.conn != nil {
		d.conn.Close()
	}
	return d.db.Close()
}
