package cairn

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cairndb/cairn/internal/jsonb"
	"github.com/cairndb/cairn/internal/sql/types"
)

// ErrNoDocument is returned by Get, FindOne and Replace when no document
// matches.
var ErrNoDocument = errors.New("cairn: no document")

// Collection is a MongoDB-style collection of JSON documents: the table
// (id TEXT PRIMARY KEY, doc JSONB) named after it, created by the first
// write. Reads of a collection that does not exist see no documents.
//
// Documents, filters and updates are JSON objects given as any Go value
// that encodes to one (a struct, map[string]any), or JSON text
// (json.RawMessage, []byte, string). A Collection from DB.Collection runs
// each call in its own transaction; one from Tx.Collection runs in that
// transaction.
type Collection struct {
	name string
	db   *DB
	tx   *Tx

	mu struct {
		sync.Mutex
		exists bool // the table is known to exist (in tx: created or seen)
	}
}

// Collection returns the collection name. It does no I/O.
func (db *DB) Collection(name string) *Collection {
	return &Collection{name: name, db: db}
}

// Collection returns the collection name, whose calls run in tx.
func (tx *Tx) Collection(name string) *Collection {
	return &Collection{name: name, db: tx.db, tx: tx}
}

// Name returns the collection's name.
func (c *Collection) Name() string { return c.name }

// querier is what DB and Tx share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (Result, error)
	Query(ctx context.Context, sql string, args ...any) (*Rows, error)
}

func (c *Collection) q() querier {
	if c.tx != nil {
		return c.tx
	}
	return c.db
}

func (c *Collection) table() (string, error) {
	if c.name == "" || strings.ContainsRune(c.name, 0) || len(c.name) > 63 {
		return "", errInvalid("invalid collection name %q", c.name)
	}
	return quoteIdent(c.name), nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// ensure creates the table if needed. Concurrent creators race in
// CREATE TABLE IF NOT EXISTS; a loser sees a duplicate or a
// serialization failure, and then the table exists.
func (c *Collection) ensure(ctx context.Context, q querier) error {
	c.mu.Lock()
	known := c.mu.exists
	c.mu.Unlock()
	if known {
		return nil
	}
	t, err := c.table()
	if err != nil {
		return err
	}
	stmt := "CREATE TABLE IF NOT EXISTS " + t + " (id TEXT PRIMARY KEY, doc JSONB NOT NULL)"
	for attempt := 0; ; attempt++ {
		_, err = q.Exec(ctx, stmt)
		if err == nil || c.tx != nil || attempt >= 5 || !(isCode(err, "42P07") || isCode(err, "23505") || IsSerializationFailure(err)) {
			break
		}
	}
	if err != nil {
		return err
	}
	if c.tx != nil {
		// In a transaction the table exists for its rest (unless
		// dropped; Drop resets this).
		c.mu.Lock()
		c.mu.exists = true
		c.mu.Unlock()
	}
	return nil
}

// exists reports whether the table exists. Outside a transaction reads
// simply try and treat 42P01 as empty; inside one a failed statement
// would abort the transaction, so they look first.
func (c *Collection) exists(ctx context.Context) (bool, error) {
	if c.tx == nil {
		return true, nil
	}
	c.mu.Lock()
	known := c.mu.exists
	c.mu.Unlock()
	if known {
		return true, nil
	}
	var n int64
	err := c.tx.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1", c.name).Scan(&n)
	if err != nil {
		return false, err
	}
	return n > 0, nil
}

// inTx runs fn in a transaction: the collection's, or a new one that is
// retried on serialization failures.
func (c *Collection) inTx(ctx context.Context, fn func(q querier) error) error {
	if c.tx != nil {
		return fn(c.tx)
	}
	return Retry(ctx, func() error {
		tx, err := c.db.Begin(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

// newID returns a random UUID (version 4) as text.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// prepareDoc parses a document and gives it an _id: the one it has (a
// string) or a new one, stored first in the document as MongoDB shows
// it.
func prepareDoc(doc any) (string, types.Datum, error) {
	// Documents given as JSON text are parsed once, straight into jsonb
	// (the stored form); Go values are marshalled first.
	data, err := jsonBytes(doc)
	if err != nil {
		return "", types.Null, err
	}
	d, err := jsonb.Parse(string(data))
	if err != nil {
		return "", types.Null, errInvalid("invalid JSON: %v", err)
	}
	if d.Kind() != jsonb.Object {
		return "", types.Null, errInvalid("a document must be a JSON object, not %s", d.String())
	}
	if idv, ok := d.Field("_id"); ok {
		if idv.Kind() != jsonb.String || idv.Str() == "" {
			return "", types.Null, errInvalid("_id must be a non-empty string, not %s", idv.String())
		}
		return idv.Str(), types.NewJSONBDoc(d), nil
	}
	id, err := newID()
	if err != nil {
		return "", types.Null, err
	}
	v := d.Value()
	keys := append([]string{"_id"}, v.Keys...)
	vals := append([]jsonb.Value{jsonb.StringValue(id)}, v.Elems...)
	if d, err = jsonb.Encode(jsonb.ObjectValue(keys, vals)); err != nil {
		return "", types.Null, err
	}
	return id, types.NewJSONBDoc(d), nil
}

// Insert stores doc and returns its _id, assigning a random UUID when
// doc has none. A duplicate _id is a unique violation (23505).
func (c *Collection) Insert(ctx context.Context, doc any) (string, error) {
	id, text, err := prepareDoc(doc)
	if err != nil {
		return "", err
	}
	t, err := c.table()
	if err != nil {
		return "", err
	}
	stmt := "INSERT INTO " + t + " (id, doc) VALUES ($1, $2)"
	if c.tx != nil {
		if err := c.ensure(ctx, c.tx); err != nil {
			return "", err
		}
		_, err = c.tx.Exec(ctx, stmt, id, text)
		return id, err
	}
	_, err = c.db.Exec(ctx, stmt, id, text)
	if isCode(err, "42P01") {
		if err = c.ensure(ctx, c.db); err == nil {
			_, err = c.db.Exec(ctx, stmt, id, text)
		}
	}
	if err != nil {
		return "", err
	}
	return id, nil
}

// insertChunk is how many documents one INSERT statement of InsertMany
// carries, and the unit in which its documents are parsed ahead.
const insertChunk = 128

// parsedDocs parses an InsertMany batch chunk by chunk, ahead of the
// INSERTs that store it: parsing is half of a bulk insert's CPU time and
// the documents are independent, so while the inserting goroutine stores
// one chunk, up to GOMAXPROCS-1 others parse the next ones (and so does
// the inserting goroutine itself when the chunk it needs is not ready),
// instead of the whole batch being parsed before its first row is
// stored. Chunks are stored in order, so the error reported is the first
// document's in order that failed to parse or to store, as MongoDB's
// ordered insertMany reports; the transaction stores none of them then.
type parsedDocs struct {
	docs  []any
	ids   []string
	texts []types.Datum
	// ready[k] is closed once chunk k is parsed; errs[k] is then its
	// first document's error.
	ready []chan struct{}
	errs  []error
	next  atomic.Int64 // the next chunk to claim
	stop  atomic.Bool
	wg    sync.WaitGroup
}

func parseDocs(docs []any) *parsedDocs {
	n := (len(docs) + insertChunk - 1) / insertChunk
	p := &parsedDocs{docs: docs, ids: make([]string, len(docs)), texts: make([]types.Datum, len(docs)),
		ready: make([]chan struct{}, n), errs: make([]error, n)}
	for k := range p.ready {
		p.ready[k] = make(chan struct{})
	}
	for range min(runtime.GOMAXPROCS(0)-1, n-1) {
		p.wg.Go(func() {
			for !p.stop.Load() && p.parseNext() {
			}
		})
	}
	return p
}

func (p *parsedDocs) chunks() int { return len(p.ready) }

func (p *parsedDocs) bounds(k int) (lo, hi int) {
	return k * insertChunk, min((k+1)*insertChunk, len(p.docs))
}

// parseNext claims the next unclaimed chunk and parses it; false if
// every chunk is claimed.
func (p *parsedDocs) parseNext() bool {
	k := int(p.next.Add(1)) - 1
	if k >= len(p.ready) {
		return false
	}
	lo, hi := p.bounds(k)
	for i := lo; i < hi; i++ {
		var err error
		if p.ids[i], p.texts[i], err = prepareDoc(p.docs[i]); err != nil {
			p.errs[k] = fmt.Errorf("document %d: %w", i, err)
			break
		}
	}
	close(p.ready[k])
	return true
}

// chunk returns chunk k's documents once parsed (parsing others
// meanwhile), or the first error among them.
func (p *parsedDocs) chunk(ctx context.Context, k int) (lo, hi int, err error) {
	for {
		select {
		case <-p.ready[k]:
			lo, hi = p.bounds(k)
			return lo, hi, p.errs[k]
		default:
		}
		if !p.parseNext() {
			break // claimed by another goroutine: wait for it
		}
	}
	select {
	case <-p.ready[k]:
		lo, hi = p.bounds(k)
		return lo, hi, p.errs[k]
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
}

// close stops the parsing goroutines and waits for them.
func (p *parsedDocs) close() {
	p.stop.Store(true)
	p.wg.Wait()
}

// InsertMany stores docs in one transaction (all or none) with
// multi-row INSERTs and returns their _ids in order.
func (c *Collection) InsertMany(ctx context.Context, docs []any) ([]string, error) {
	t, err := c.table()
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return []string{}, nil
	}
	p := parseDocs(docs)
	defer p.close()
	err = c.inTx(ctx, func(q querier) error {
		if err := c.ensure(ctx, q); err != nil {
			return err
		}
		var b strings.Builder
		for k := range p.chunks() {
			lo, hi, err := p.chunk(ctx, k)
			if err != nil {
				return err
			}
			b.Reset()
			b.WriteString("INSERT INTO " + t + " (id, doc) VALUES ")
			args := make([]any, 0, 2*(hi-lo))
			for i := lo; i < hi; i++ {
				if i > lo {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "($%d, $%d)", len(args)+1, len(args)+2)
				args = append(args, p.ids[i], p.texts[i])
			}
			if _, err := q.Exec(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.ids, nil
}

// query runs a read, treating a missing collection as empty (nil rows).
func (c *Collection) query(ctx context.Context, sql string, args []any) (*Rows, error) {
	ok, err := c.exists(ctx)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := c.q().Query(ctx, sql, args...)
	if isCode(err, "42P01") {
		return nil, nil
	}
	return rows, err
}

// Get decodes the document with _id id into out (as encoding/json
// does); ErrNoDocument if there is none.
func (c *Collection) Get(ctx context.Context, id string, out any) error {
	t, err := c.table()
	if err != nil {
		return err
	}
	rows, err := c.query(ctx, "SELECT doc FROM "+t+" WHERE id = $1", []any{id})
	if err != nil {
		return err
	}
	cur := newCursor(rows)
	defer cur.Close()
	raw, isRaw := out.(*json.RawMessage)
	if isRaw {
		cur.buf = (*raw)[:0] // the text is printed into the caller's buffer
	}
	if !cur.Next(ctx) {
		if err := cur.Err(); err != nil {
			return err
		}
		return ErrNoDocument
	}
	if isRaw {
		*raw = cur.cur // the cursor ends here: its bytes are the caller's
		return nil
	}
	return cur.Decode(out)
}

// FindOptions shape a Find.
type FindOptions struct {
	// Sort lists paths to order by, in priority order; a "-" prefix
	// sorts that path descending ("-age"). Values order as jsonb does
	// (null < strings < numbers < booleans < arrays < objects); a
	// missing path sorts first ascending. Ties break by _id, the order
	// without Sort.
	Sort []string
	// Limit caps the number of documents (0: no limit); Skip skips the
	// first ones.
	Limit, Skip int64
	// Projection includes ({"a": 1, "b.c": 1}) or excludes ({"a": 0})
	// fields; _id is included unless excluded ({"_id": 0}).
	Projection any
}

// indexedPaths returns the paths of the collection's indexes that the
// filter's paths could use: the index names are derived from the paths.
func (c *Collection) indexedPaths(ctx context.Context, filter any) (map[string]bool, error) {
	paths := map[string]bool{}
	var walk func(f any)
	walk = func(f any) {
		o, ok := f.(object)
		if !ok {
			return
		}
		for _, m := range o {
			if m.k == "$and" {
				if list, ok := m.v.([]any); ok {
					for _, sub := range list {
						walk(sub)
					}
				}
			} else if !strings.HasPrefix(m.k, "$") && m.k != "_id" {
				paths[m.k] = false
			}
		}
	}
	walk(filter)
	if len(paths) == 0 {
		return nil, nil
	}
	names, err := c.indexNames(ctx)
	if err != nil || names == nil {
		return nil, err
	}
	for p := range paths {
		base := indexNameBase(c.name, p)
		paths[p] = names[base+"idx"] || names[base+"key"]
	}
	return paths, nil
}

// indexNames returns the names of the collection's indexes (nil when the
// collection does not exist). Outside a transaction they are cached until
// the schema changes, so a Find costs no catalog query.
func (c *Collection) indexNames(ctx context.Context) (map[string]bool, error) {
	var version uint64
	cacheable := false
	if c.tx == nil && c.db.schemaVersion != nil {
		version, cacheable = c.db.schemaVersion()
	}
	if cacheable {
		c.db.indexes.Lock()
		e, ok := c.db.indexes.m[c.name]
		c.db.indexes.Unlock()
		if ok && e.version == version {
			return e.names, nil
		}
	}
	rows, err := c.query(ctx, "SELECT indexname FROM pg_catalog.pg_indexes WHERE tablename = $1", []any{c.name})
	if err != nil || rows == nil {
		return nil, err
	}
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if cacheable {
		if v, ok := c.db.schemaVersion(); ok && v == version {
			c.db.indexes.Lock()
			if c.db.indexes.m == nil {
				c.db.indexes.m = map[string]indexNamesAt{}
			}
			c.db.indexes.m[c.name] = indexNamesAt{names, version}
			c.db.indexes.Unlock()
		}
	}
	return names, nil
}

// indexNamesAt is a collection's index names as of a schema version.
type indexNamesAt struct {
	names   map[string]bool
	version uint64
}

// where compiles filter into a WHERE predicate and its arguments.
func (c *Collection) where(ctx context.Context, filter any) (string, *filterCompiler, error) {
	f, err := toValue(filter)
	if err != nil {
		return "", nil, err
	}
	if f != nil {
		if _, ok := f.(object); !ok {
			return "", nil, errInvalid("filter must be a JSON object, not %s", jsonText(f))
		}
	}
	fc := &filterCompiler{paths: &c.db.paths}
	if fc.indexed, err = c.indexedPaths(ctx, f); err != nil {
		return "", nil, err
	}
	// _id equality is a primary key lookup: _id is always the id column.
	if o, ok := f.(object); ok {
		if v, ok := o.get("_id"); ok {
			if s, isStr := v.(string); isStr {
				rest, _ := o.del("_id")
				pred, err := fc.compile(append(object(nil), rest...), "doc", true)
				if err != nil {
					return "", nil, err
				}
				id := "id = " + fc.param(s)
				if pred != "true" {
					id += " AND " + pred
				}
				fc.byID = true
				return id, fc, nil
			}
		}
	}
	pred, err := fc.compile(f, "doc", true)
	return pred, fc, err
}

// Find returns a cursor over the documents matching filter (nil or {}
// for all).
func (c *Collection) Find(ctx context.Context, filter any, opts *FindOptions) (*Cursor, error) {
	sql, args, err := c.findSQL(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return newCursor(rows), nil
}

func (c *Collection) findSQL(ctx context.Context, filter any, opts *FindOptions) (string, []any, error) {
	if opts == nil {
		opts = &FindOptions{}
	}
	t, err := c.table()
	if err != nil {
		return "", nil, err
	}
	pred, fc, err := c.where(ctx, filter)
	if err != nil {
		return "", nil, err
	}
	out := "doc"
	if opts.Projection != nil {
		p, err := toValue(opts.Projection)
		if err != nil {
			return "", nil, err
		}
		if out, err = projectSQL(p, "doc"); err != nil {
			return "", nil, err
		}
	}
	var order []string
	for _, s := range opts.Sort {
		if s == "$textScore" {
			// Best full-text matches first: the BM25 score of the fts
			// index ($text and CreateTextIndex).
			order = append(order, "fts_rank("+t+") DESC")
			continue
		}
		dir := " ASC NULLS FIRST"
		if strings.HasPrefix(s, "-") {
			s, dir = s[1:], " DESC NULLS LAST"
		} else {
			s = strings.TrimPrefix(s, "+")
		}
		comps, err := splitPath(s)
		if err != nil {
			return "", nil, err
		}
		order = append(order, "doc #> "+textArrayLiteral(comps)+dir)
	}
	order = append(order, "id")
	sql := "SELECT " + out + " AS d FROM " + t + " WHERE " + pred + " ORDER BY " + strings.Join(order, ", ")
	if opts.Limit < 0 || opts.Skip < 0 {
		return "", nil, errInvalid("Limit and Skip must not be negative")
	}
	if opts.Limit > 0 {
		sql += " LIMIT " + strconv.FormatInt(opts.Limit, 10)
	}
	if opts.Skip > 0 {
		sql += " OFFSET " + strconv.FormatInt(opts.Skip, 10)
	}
	return sql, fc.args, nil
}

// Explain returns the query plan (EXPLAIN's lines) of Find(filter).
func (c *Collection) Explain(ctx context.Context, filter any, opts *FindOptions) ([]string, error) {
	sql, args, err := c.findSQL(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, "EXPLAIN "+sql, args)
	if err != nil || rows == nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		lines = append(lines, s)
	}
	return lines, nil
}

// FindOne decodes the first document matching filter into out;
// ErrNoDocument if none does.
func (c *Collection) FindOne(ctx context.Context, filter any, out any) error {
	cur, err := c.Find(ctx, filter, &FindOptions{Limit: 1})
	if err != nil {
		return err
	}
	defer cur.Close()
	if !cur.Next(ctx) {
		if err := cur.Err(); err != nil {
			return err
		}
		return ErrNoDocument
	}
	return cur.Decode(out)
}

// Count returns the number of documents matching filter.
func (c *Collection) Count(ctx context.Context, filter any) (int64, error) {
	t, err := c.table()
	if err != nil {
		return 0, err
	}
	pred, fc, err := c.where(ctx, filter)
	if err != nil {
		return 0, err
	}
	rows, err := c.query(ctx, "SELECT count(*) FROM "+t+" WHERE "+pred, fc.args)
	if err != nil || rows == nil {
		return 0, err
	}
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	return n, err
}

// Delete removes the documents matching filter and returns how many.
func (c *Collection) Delete(ctx context.Context, filter any) (int64, error) {
	return c.delete(ctx, filter, false)
}

// DeleteOne removes the first document (by _id) matching filter.
func (c *Collection) DeleteOne(ctx context.Context, filter any) (int64, error) {
	return c.delete(ctx, filter, true)
}

func (c *Collection) delete(ctx context.Context, filter any, one bool) (int64, error) {
	t, err := c.table()
	if err != nil {
		return 0, err
	}
	pred, fc, err := c.where(ctx, filter)
	if err != nil {
		return 0, err
	}
	sql := "DELETE FROM " + t + " WHERE " + pred
	if one {
		sql = "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t + " WHERE " + pred + " ORDER BY id LIMIT 1)"
	}
	if ok, err := c.exists(ctx); err != nil || !ok {
		return 0, err
	}
	res, err := c.q().Exec(ctx, sql, fc.args...)
	if isCode(err, "42P01") {
		return 0, nil
	}
	return res.RowsAffected, err
}

// Replace replaces the document with _id id by doc (whose _id, if it
// has one, must be id); ErrNoDocument if there is none.
func (c *Collection) Replace(ctx context.Context, id string, doc any) error {
	v, err := toValue(doc)
	if err != nil {
		return err
	}
	o, ok := v.(object)
	if !ok {
		return errInvalid("a document must be a JSON object, not %s", jsonText(v))
	}
	if idv, ok := o.get("_id"); ok && idv != id {
		return errInvalid("the replacement's _id %s differs from %q", jsonText(idv), id)
	}
	o, _ = o.del("_id")
	o = append(object{{"_id", id}}, o...)
	t, err := c.table()
	if err != nil {
		return err
	}
	if ok, err := c.exists(ctx); err != nil || !ok {
		if err == nil {
			err = ErrNoDocument
		}
		return err
	}
	res, err := c.q().Exec(ctx, "UPDATE "+t+" SET doc = $2 WHERE id = $1", id, jsonText(o))
	if isCode(err, "42P01") || err == nil && res.RowsAffected == 0 {
		return ErrNoDocument
	}
	return err
}

// CreateIndex creates an index on a document path ("email", "a.b") if
// there is none, creating the collection if needed. With unique, two
// documents cannot hold equal values at the path, except documents
// without it and documents with an array on it (as a sparse unique
// index in MongoDB).
//
// The index is on indexExpr(path) (see there): it serves equality, $in,
// $all, $gt and $gte conditions on the path, and $size and $elemMatch
// (which only match documents with an array there), in filters that
// need them (not under $or, $nor or $not). It does not serve $lt,
// $lte, $ne, $exists, $regex or sorting.
// CreateTextIndex creates the collection's full-text index over every
// string in its documents, which {"$text": {"$search": "..."}} filters
// and the "$textScore" sort use. analyzer names the fts analyzer
// ("english" when empty; "simple", "french", ...).
func (c *Collection) CreateTextIndex(ctx context.Context, analyzer string) error {
	t, err := c.table()
	if err != nil {
		return err
	}
	stmt := "CREATE INDEX IF NOT EXISTS " + quoteIdent(indexName(c.name, "$text", false)) + " ON " + t + " USING fts (doc)"
	if analyzer != "" {
		stmt += " WITH (analyzer = " + quoteLiteral(analyzer) + ")"
	}
	return c.inTx(ctx, func(q querier) error {
		if err := c.ensure(ctx, q); err != nil {
			return err
		}
		_, err := q.Exec(ctx, stmt)
		return err
	})
}

func (c *Collection) CreateIndex(ctx context.Context, path string, unique bool) error {
	comps, err := splitPath(path)
	if err != nil {
		return err
	}
	if path == "_id" {
		return nil // the primary key
	}
	t, err := c.table()
	if err != nil {
		return err
	}
	name := quoteIdent(indexName(c.name, path, unique))
	e := indexExpr(comps)
	var stmt string
	if unique {
		// A document with an array on the path gets its own id as a
		// second key column, so only the plain values are unique.
		arr := e[len("(CASE WHEN "):strings.Index(e, " THEN ")]
		stmt = "CREATE UNIQUE INDEX IF NOT EXISTS " + name + " ON " + t + " (" + e + ", (CASE WHEN " + arr + " THEN id ELSE '' END))"
	} else {
		stmt = "CREATE INDEX IF NOT EXISTS " + name + " ON " + t + " (" + e + ")"
	}
	return c.inTx(ctx, func(q querier) error {
		if err := c.ensure(ctx, q); err != nil {
			return err
		}
		_, err := q.Exec(ctx, stmt)
		return err
	})
}

// Drop deletes the collection, its documents and indexes.
func (c *Collection) Drop(ctx context.Context) error {
	t, err := c.table()
	if err != nil {
		return err
	}
	_, err = c.q().Exec(ctx, "DROP TABLE IF EXISTS "+t)
	c.mu.Lock()
	c.mu.exists = false
	c.mu.Unlock()
	return err
}

// Cursor walks the documents of a Find or Aggregate.
type Cursor struct {
	rows *Rows // nil: no documents
	cur  []byte
	// buf is the memory the current document's text is written to,
	// again for every document (Raw's bytes are valid until Next).
	buf []byte
	err error
}

func newCursor(rows *Rows) *Cursor { return &Cursor{rows: rows} }

// Next advances to the next document, reporting whether there is one.
func (c *Cursor) Next(ctx context.Context) bool {
	if c.rows == nil || c.err != nil {
		return false
	}
	if err := ctx.Err(); err != nil {
		c.err = err
		return false
	}
	if !c.rows.Next() {
		return false
	}
	if row, err := c.rows.current(); err == nil && len(row) == 1 && row[0].Kind() == types.JSONBFamily {
		// The usual case, a stored document: its text straight into the
		// cursor's bytes.
		c.cur = row[0].Doc().AppendText(c.buf[:0])
		c.buf = c.cur
		return true
	}
	var raw json.RawMessage
	if err := c.rows.Scan(&raw); err != nil {
		c.err = err
		return false
	}
	c.cur = raw
	return true
}

// Decode decodes the current document into out, as json.Unmarshal does
// (a *json.RawMessage receives the document's text).
func (c *Cursor) Decode(out any) error {
	if c.cur == nil {
		return errors.New("cairn: Decode called without a current document")
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], c.cur...)
		return nil
	}
	return json.Unmarshal(c.cur, out)
}

// Raw returns the current document's JSON text. The bytes are the
// cursor's, valid until the next call to Next (as database/sql's
// RawBytes): copy them to keep them, or use Decode.
func (c *Cursor) Raw() json.RawMessage { return c.cur }

// Err returns the error that ended the iteration, if any.
func (c *Cursor) Err() error { return c.err }

// Close releases the cursor; it is safe to call more than once.
func (c *Cursor) Close() error {
	if c.rows != nil {
		return c.rows.Close()
	}
	return nil
}

// All decodes every remaining document into out, a pointer to a slice,
// and closes the cursor.
func (c *Cursor) All(ctx context.Context, out any) error {
	defer c.Close()
	var b []byte
	b = append(b, '[')
	n := 0
	for c.Next(ctx) {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, c.cur...)
		n++
	}
	if c.err != nil {
		return c.err
	}
	b = append(b, ']')
	return json.Unmarshal(b, out)
}
