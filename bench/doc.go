package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Document workloads (issue 9): cairn's collections (documents in a jsonb
// column, MongoDB-style API) against SQLite storing the JSON text in a
// TEXT column and reading it with its JSON functions, both embedded in
// this process.
//
// -docs documents (default 100,000) of about 1 KB, each a pure function
// of its number i (1..n) and a fixed seed (docJSON):
//
//	{"_id": "u000123", "name": "Ann Berg", "email": "ann.berg.123@example.com",
//	 "age": 42, "active": true,
//	 "address": {"street": "17 Elm St", "city": "city-01234", "zip": "04711"},
//	 "tags": ["t3", "t17", ...], "orders": [{"sku": "sku-00042", "qty": 3, "price": 12.5}, ...],
//	 "bio": "lorem ipsum ..."}
//
// city and zip are drawn independently and uniformly from n/10 values
// each, so an equality query on either matches about 10 documents (the
// exact count per value is known in advance and checked). The bio pads
// the document to docTargetLen bytes of JSON text.
//
// cairn: db.Collection("docs") (table docs(id TEXT PRIMARY KEY, doc
// JSONB)); SQLite: docs(id TEXT PRIMARY KEY, doc TEXT) holding the same
// JSON text. Indexes (built untimed before the first workload that needs
// them, and kept for the rest of the run; SQLite's over the loaded table,
// cairn's on an emptied collection that is then reloaded, because cairn
// cannot build the GIN index over 100,000 loaded documents, see
// docEnsureIndexed):
//
//	cairn:  docs.CreateIndex(ctx, "address.city", false)   (expression index)
//	        CREATE INDEX docs_gin ON docs USING gin (doc)  (containment)
//	SQLite: CREATE INDEX docs_city ON docs(json_extract(doc, '$.address.city'))
//	        CREATE INDEX docs_zip  ON docs(json_extract(doc, '$.address.zip'))
//
// Once the indexes are built, each side runs VACUUM (untimed): the
// workloads that follow start from a compacted database on both sides.
//
// doc-update changes the documents' ages, so it is registered (and runs)
// last.

const (
	docDefault   = 100_000
	docMin       = 100
	docBatch     = 1000 // documents per load transaction
	docTargetLen = 1024 // bytes of JSON text per document, about
	docPerValue  = 10   // documents per city and per zip, on average
	docSeed      = 0xd0c5
	docVerify    = 16 // doc-get parses every 16th document in full
	docColl      = "docs"
)

var docsFlag = flag.Int("docs", docDefault, "documents the doc-* workloads load (~1 KB each)")

// The SQLite statements (cairn's side uses the collection API except for
// the containment query, which is SQL on the collection's table).
const (
	docSQLiteCreate   = "CREATE TABLE IF NOT EXISTS docs(id TEXT PRIMARY KEY, doc TEXT)"
	docSQLiteInsert   = "INSERT INTO docs(id, doc) VALUES (?, ?)"
	docSQLiteGet      = "SELECT doc FROM docs WHERE id = ?"
	docSQLiteCityIdx  = "CREATE INDEX docs_city ON docs(json_extract(doc, '$.address.city'))"
	docSQLiteZipIdx   = "CREATE INDEX docs_zip ON docs(json_extract(doc, '$.address.zip'))"
	docSQLiteFindEq   = "SELECT doc FROM docs WHERE json_extract(doc, '$.address.city') = ?"
	docSQLiteFindZip  = "SELECT doc FROM docs WHERE json_extract(doc, '$.address.zip') = ?"
	docSQLiteUpdate   = "UPDATE docs SET doc = json_set(doc, '$.age', json_extract(doc, '$.age') + 1) WHERE id = ?"
	docSQLiteSumAge   = "SELECT sum(json_extract(doc, '$.age')) FROM docs"
	docCairnGIN       = "CREATE INDEX docs_gin ON docs USING gin (doc)"
	docCairnContains  = "SELECT doc FROM docs WHERE doc @> $1"
	docCairnSumAge    = "SELECT sum((doc->>'age')::int) FROM docs"
	docCairnCityField = "address.city"
)

func init() {
	reg := func(name, about string, prepare func(e *env) error, run func(e *env, s side) (measurement, error)) *workload {
		w := &workload{Name: name, Anchor: "sqlite", About: about, Prepare: prepare, Run: run}
		register(w)
		return w
	}
	load := reg("doc-load", "insert -docs ~1 KB JSON documents, 1000 per txn (cairn InsertMany; SQLite prepared INSERT of the text), incl. close; docs/s",
		docCheckFlag, docLoadRun)
	load.Extra, load.Once = docLoadExtra, true
	reg("doc-get", "get a document by _id, random ids, 1 goroutine, -duration; gets/s",
		docEnsureLoaded, docGetRun)
	reg("doc-find-eq", "find by address.city (~10 docs), expression index on both; queries/s",
		docEnsureIndexed, docFindEqRun)
	reg("doc-find-contains", "cairn doc @> '{\"address\":{\"zip\":Z}}' via GIN vs SQLite json_extract(doc,'$.address.zip') = Z via expression index (~10 docs); queries/s",
		docEnsureIndexed, docFindContainsRun)
	reg("doc-update", "$inc age of a random document, unsynced autocommit, 1 goroutine, indexes present; updates/s",
		docEnsureIndexed, docUpdateRun)
}

// docState is the expected contents of the collection and what each
// side's database holds.
type docState struct {
	n, values int
	city, zip []int32 // per document (index i-1)
	cityCount []int32 // documents per city
	zipCount  []int32
	loaded    [2]bool
	indexed   [2]bool
	disk      [2]int64
}

var docSt *docState

func docCheckFlag(e *env) error {
	if *docsFlag < docMin {
		return fmt.Errorf("-docs must be at least %d", docMin)
	}
	return nil
}

func docStateGet() *docState {
	if docSt != nil {
		return docSt
	}
	n := *docsFlag
	st := &docState{n: n, values: max(1, n/docPerValue)}
	st.city = make([]int32, n)
	st.zip = make([]int32, n)
	st.cityCount = make([]int32, st.values)
	st.zipCount = make([]int32, st.values)
	for i := 1; i <= n; i++ {
		d := docFields(i, st.values)
		st.city[i-1], st.zip[i-1] = d.city, d.zip
		st.cityCount[d.city]++
		st.zipCount[d.zip]++
	}
	docSt = st
	return st
}

func docDir(e *env, s side) string { return filepath.Join(e.root, "doc-"+s.String()) }

// docFields are a document's queried fields.
type docFieldsT struct {
	city, zip int32
	age       int
}

func docFields(i, values int) docFieldsT {
	r := sqlRowRand(docSeed, i)
	return docFieldsT{city: int32(r.next() % uint64(values)), zip: int32(r.next() % uint64(values)), age: 18 + int(r.next()%63)}
}

func docID(i int) string         { return fmt.Sprintf("u%06d", i) }
func docCityName(c int32) string { return fmt.Sprintf("city-%05d", c) }
func docZipName(z int32) string  { return fmt.Sprintf("%05d", z) }
func docEmail(i int, name string) string {
	return fmt.Sprintf("%s.%d@example.com", name, i)
}

var (
	docFirst = []string{"ann", "bob", "cy", "dana", "eve", "finn", "gus", "hana", "ivo", "jan", "kai", "lea", "max", "nora", "otto", "pia"}
	docLast  = []string{"berg", "dahl", "eriksen", "falk", "holm", "lund", "moen", "nyberg", "strand", "vik", "aas", "bakke"}
	docWords = []string{"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
		"eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim", "ad", "minim",
		"veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi", "aliquip", "ex", "ea", "commodo"}
	docStreets = []string{"Elm", "Oak", "Pine", "Birch", "Maple", "Cedar", "Ash", "Willow"}
)

// docJSON appends document i's JSON text to buf. Every string is plain
// ASCII without quotes or backslashes, so no escaping is needed.
func docJSON(buf []byte, i, values int) []byte {
	f := docFields(i, values)
	r := sqlRowRand(docSeed+1, i)
	first, last := docFirst[r.next()%uint64(len(docFirst))], docLast[r.next()%uint64(len(docLast))]
	b := buf[:0]
	b = append(b, `{"_id": "`...)
	b = append(b, docID(i)...)
	b = append(b, `", "name": "`...)
	b = append(b, first...)
	b = append(b, ' ')
	b = append(b, last...)
	b = append(b, `", "email": "`...)
	b = append(b, docEmail(i, first+"."+last)...)
	b = append(b, `", "age": `...)
	b = strconv.AppendInt(b, int64(f.age), 10)
	b = append(b, `, "active": `...)
	b = strconv.AppendBool(b, r.next()%4 != 0)
	b = append(b, `, "address": {"street": "`...)
	b = strconv.AppendUint(b, 1+r.next()%200, 10)
	b = append(b, ' ')
	b = append(b, docStreets[r.next()%uint64(len(docStreets))]...)
	b = append(b, ` St", "city": "`...)
	b = append(b, docCityName(f.city)...)
	b = append(b, `", "zip": "`...)
	b = append(b, docZipName(f.zip)...)
	b = append(b, `"}, "tags": [`...)
	// 2-6 distinct tags of t0..t99, ascending.
	nTags := 2 + int(r.next()%5)
	var seen [100]bool
	for k := 0; k < nTags; {
		t := r.next() % 100
		if !seen[t] {
			seen[t] = true
			k++
		}
	}
	k := 0
	for t := range seen {
		if seen[t] {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = append(b, `"t`...)
			b = strconv.AppendInt(b, int64(t), 10)
			b = append(b, '"')
			k++
		}
	}
	b = append(b, `], "orders": [`...)
	nOrders := 1 + int(r.next()%4)
	for o := range nOrders {
		if o > 0 {
			b = append(b, ", "...)
		}
		b = append(b, `{"sku": "sku-`...)
		b = fmt.Appendf(b, "%05d", r.next()%100_000)
		b = append(b, `", "qty": `...)
		b = strconv.AppendUint(b, 1+r.next()%9, 10)
		b = append(b, `, "price": `...)
		cents := 100 + r.next()%99_900
		b = strconv.AppendUint(b, cents/100, 10)
		b = append(b, '.')
		b = strconv.AppendUint(b, cents/10%10, 10)
		b = strconv.AppendUint(b, cents%10, 10)
		b = append(b, '}')
	}
	b = append(b, `], "bio": "`...)
	for w := 0; len(b) < docTargetLen-2; w++ {
		if w > 0 {
			b = append(b, ' ')
		}
		b = append(b, docWords[r.next()%uint64(len(docWords))]...)
	}
	b = append(b, `"}`...)
	return b
}

// docTimed calls op with the same seeded random source on both engines
// until -duration has passed; ops = completed calls.
func docTimed(e *env, op func(r *rand.Rand) error) (measurement, error) {
	r := rand.New(rand.NewPCG(docSeed, 1))
	start := time.Now()
	deadline := start.Add(e.duration)
	var n int64
	for {
		if err := op(r); err != nil {
			return measurement{ops: n, elapsed: time.Since(start)}, err
		}
		n++
		if n%16 == 0 && time.Now().After(deadline) {
			break
		}
	}
	return measurement{ops: n, elapsed: time.Since(start)}, nil
}

// docEngine is one side's open database.
type docEngine interface {
	// load inserts documents lo..hi-1 (their JSON texts) in one transaction.
	load(ids []string, texts [][]byte) error
	get(id string) ([]byte, error)
	// findCity and findZip call fn for each matching document.
	findCity(city string, fn func(doc []byte) error) error
	findZip(zip string, fn func(doc []byte) error) error
	incAge(id string) error
	sumAge() (int64, error)
	createIndexes() error
	// vacuum compacts the database (VACUUM, untimed, after the indexes
	// are built).
	vacuum() error
	// plans returns the query plans of findCity and findZip.
	plans(city, zip string) (cityPlan, zipPlan string, err error)
	close() error
}

func docOpen(e *env, s side) (docEngine, error) {
	dir := docDir(e, s)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if s == cairnSide {
		return openCairnDoc(dir)
	}
	return openSQLiteDoc(dir)
}

func docCloseWith(db docEngine, m measurement, err error) (measurement, error) {
	if cerr := db.close(); err == nil {
		err = cerr
	}
	return m, err
}

// docLoadRun builds the collection from scratch: the documents in
// ascending _id order, docBatch per transaction, unsynced (cairn NoSync,
// SQLite synchronous=NORMAL), then Close; timed are the inserts and the
// Close (not generating the JSON text).
func docLoadRun(e *env, s side) (measurement, error) {
	st := docStateGet()
	dir := docDir(e, s)
	st.loaded[s], st.indexed[s] = false, false
	if err := os.RemoveAll(dir); err != nil {
		return measurement{}, err
	}
	db, err := docOpen(e, s)
	if err != nil {
		return measurement{}, err
	}
	elapsed, textBytes, err := docInsertAll(db, st)
	if err != nil {
		db.close()
		return measurement{}, err
	}
	start := time.Now()
	if err := db.close(); err != nil {
		return measurement{}, err
	}
	elapsed += time.Since(start)
	size, files, err := dirSize(dir)
	if err != nil {
		return measurement{}, err
	}
	st.disk[s] = size
	st.loaded[s] = true
	logf("  %s: %d documents (%.1f MB of JSON text, %.0f bytes/doc), %.1f MB on disk in %d files after close",
		sqlEngineName(s), st.n, mb(textBytes), float64(textBytes)/float64(st.n), mb(size), files)
	return measurement{ops: int64(st.n), elapsed: elapsed}, nil
}

// docInsertAll inserts every document, docBatch per transaction, and
// returns the time spent in the inserts (not generating the text) and the
// bytes of JSON text.
func docInsertAll(db docEngine, st *docState) (elapsed time.Duration, textBytes int64, err error) {
	texts := make([][]byte, docBatch)
	ids := make([]string, docBatch)
	for lo := 1; lo <= st.n; lo += docBatch {
		hi := min(lo+docBatch, st.n+1)
		ids, texts = ids[:hi-lo], texts[:hi-lo]
		for i := lo; i < hi; i++ {
			texts[i-lo] = docJSON(texts[i-lo], i, st.values)
			ids[i-lo] = docID(i)
			textBytes += int64(len(texts[i-lo]))
		}
		start := time.Now()
		if err := db.load(ids, texts); err != nil {
			return elapsed, textBytes, fmt.Errorf("documents %d..%d: %w", lo, hi-1, err)
		}
		elapsed += time.Since(start)
	}
	return elapsed, textBytes, nil
}

func docLoadExtra(e *env) map[string]float64 {
	st := docStateGet()
	return map[string]float64{"docs": float64(st.n), "cairn_disk_mb": round(mb(st.disk[cairnSide]), 1), "anchor_disk_mb": round(mb(st.disk[anchorSide]), 1)}
}

// docEnsureLoaded loads both sides, untimed, if doc-load did not.
func docEnsureLoaded(e *env) error {
	if err := docCheckFlag(e); err != nil {
		return err
	}
	st := docStateGet()
	for _, s := range []side{cairnSide, anchorSide} {
		if st.loaded[s] {
			continue
		}
		logf("bench: loading %d documents into %s (untimed, needed by the doc-* workloads)", st.n, sqlEngineName(s))
		m, err := docLoadRun(e, s)
		if err != nil {
			return fmt.Errorf("%s: load: %w", s, err)
		}
		logf("  %s: loaded in %s", sqlEngineName(s), m.elapsed.Round(time.Millisecond))
	}
	return nil
}

// docEnsureIndexed builds both sides' indexes, untimed, and checks that
// the find queries use them.
func docEnsureIndexed(e *env) error {
	if err := docEnsureLoaded(e); err != nil {
		return err
	}
	st := docStateGet()
	for _, s := range []side{cairnSide, anchorSide} {
		if st.indexed[s] {
			continue
		}
		start := time.Now()
		if s == cairnSide {
			// cairn builds an index over existing rows in one
			// transaction, and the GIN entries of 100,000 documents
			// exceed its 64 MiB write set ("mvcc: transaction too
			// large", see README.md): rebuild the collection with the
			// indexes in place instead.
			if err := os.RemoveAll(docDir(e, s)); err != nil {
				return err
			}
		}
		db, err := docOpen(e, s)
		if err != nil {
			return err
		}
		if err := db.createIndexes(); err != nil {
			db.close()
			return fmt.Errorf("%s: create indexes: %w", s, err)
		}
		how := "over the loaded documents"
		if s == cairnSide {
			if _, _, err := docInsertAll(db, st); err != nil {
				db.close()
				return fmt.Errorf("%s: reload with indexes: %w", s, err)
			}
			how = "on the empty collection, then the documents reloaded"
		}
		// Both sides start the queries from a compacted database: cairn's
		// VACUUM compacts the LSM tree the load left (otherwise the first
		// workload to read pays for that compaction, as reads through the
		// upper levels trigger it); SQLite's rewrites its file.
		vstart := time.Now()
		if err := db.vacuum(); err != nil {
			db.close()
			return fmt.Errorf("%s: vacuum: %w", s, err)
		}
		how += fmt.Sprintf(", then VACUUM in %s", time.Since(vstart).Round(time.Millisecond))
		logf("  %s: indexes built %s in %s (untimed)", sqlEngineName(s), how, time.Since(start).Round(time.Millisecond))
		cityPlan, zipPlan, err := db.plans(docCityName(0), docZipName(0))
		if cerr := db.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: explain: %w", s, err)
		}
		logf("  %s: find-eq plan:       %s", sqlEngineName(s), cityPlan)
		logf("  %s: find-contains plan: %s", sqlEngineName(s), zipPlan)
		size, _, _ := dirSize(docDir(e, s))
		logf("  %s: %.1f MB on disk with the indexes", sqlEngineName(s), mb(size))
		st.indexed[s] = true
	}
	return nil
}

// docGetRun: get random documents by _id; each must carry its _id, and
// every docVerify-th is parsed and its email and city checked.
func docGetRun(e *env, s side) (measurement, error) {
	st := docStateGet()
	db, err := docOpen(e, s)
	if err != nil {
		return measurement{}, err
	}
	var ops int
	m, err := docTimed(e, func(r *rand.Rand) error {
		i := 1 + r.IntN(st.n)
		id := docID(i)
		doc, err := db.get(id)
		if err != nil {
			return fmt.Errorf("get %s: %w", id, err)
		}
		ops++
		if !bytes.Contains(doc, []byte(`"`+id+`"`)) {
			return fmt.Errorf("get %s: wrong document %.80s", id, doc)
		}
		if ops%docVerify == 0 {
			var d struct {
				ID      string `json:"_id"`
				Email   string `json:"email"`
				Address struct {
					City string `json:"city"`
				} `json:"address"`
			}
			if err := json.Unmarshal(doc, &d); err != nil {
				return fmt.Errorf("get %s: %w", id, err)
			}
			want := docJSON(nil, i, st.values)
			if d.ID != id || d.Address.City != docCityName(st.city[i-1]) || !bytes.Contains(want, []byte(`"`+d.Email+`"`)) {
				return fmt.Errorf("get %s: wrong document %s", id, doc)
			}
		}
		return nil
	})
	return docCloseWith(db, m, err)
}

// docFindRun runs one of the ~10-document finds for random values; every
// document must carry the value and the count must be the loaded one.
func docFindRun(e *env, s side, zip bool) (measurement, error) {
	st := docStateGet()
	db, err := docOpen(e, s)
	if err != nil {
		return measurement{}, err
	}
	var rows int64
	m, err := docTimed(e, func(r *rand.Rand) error {
		v := int32(r.IntN(st.values))
		name, want, find := docCityName(v), st.cityCount[v], db.findCity
		if zip {
			name, want, find = docZipName(v), st.zipCount[v], db.findZip
		}
		needle := []byte(`"` + name + `"`)
		var n int32
		err := find(name, func(doc []byte) error {
			if !bytes.Contains(doc, needle) {
				return fmt.Errorf("document without %s: %.80s", needle, doc)
			}
			n++
			return nil
		})
		if err != nil {
			return fmt.Errorf("find %s: %w", name, err)
		}
		if n != want {
			return fmt.Errorf("find %s: %d documents, want %d", name, n, want)
		}
		rows += int64(n)
		return nil
	})
	if err == nil && m.ops > 0 {
		logf("  %s: %.1f documents per query", sqlEngineName(s), float64(rows)/float64(m.ops))
	}
	return docCloseWith(db, m, err)
}

func docFindEqRun(e *env, s side) (measurement, error)       { return docFindRun(e, s, false) }
func docFindContainsRun(e *env, s side) (measurement, error) { return docFindRun(e, s, true) }

// docUpdateRun: $inc the age of random documents, each in its own
// unsynced autocommit transaction; the sum of ages, read untimed before
// and after, must have grown by the number of updates.
func docUpdateRun(e *env, s side) (measurement, error) {
	st := docStateGet()
	db, err := docOpen(e, s)
	if err != nil {
		return measurement{}, err
	}
	before, err := db.sumAge()
	if err != nil {
		return docCloseWith(db, measurement{}, err)
	}
	m, err := docTimed(e, func(r *rand.Rand) error {
		id := docID(1 + r.IntN(st.n))
		if err := db.incAge(id); err != nil {
			return fmt.Errorf("update %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return docCloseWith(db, m, err)
	}
	after, err := db.sumAge()
	if err == nil && after-before != m.ops {
		err = fmt.Errorf("sum of ages grew by %d after %d updates (before %d, after %d)", after-before, m.ops, before, after)
	}
	return docCloseWith(db, m, err)
}

var errDocNotFound = errors.New("no such document")
