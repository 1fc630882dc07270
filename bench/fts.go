package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/fts/analysis"
)

// Full-text workloads (issue 10): cairn's fts index against SQLite FTS5
// (mattn/go-sqlite3 built with the sqlite_fts5 tag), both embedded in this
// process, on real English text:
//
//	cairn:  CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)
//	        CREATE INDEX docs_fts ON docs USING fts (title, body)
//	        SELECT id FROM docs WHERE docs @@ $1 ORDER BY fts_rank(docs) DESC LIMIT 10
//	SQLite: CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')
//	        SELECT rowid FROM docs WHERE docs MATCH $1 ORDER BY bm25(docs) LIMIT 10
//
// Both rank by BM25 with k1=1.2, b=0.75. The analyzers differ: cairn's
// default is Unicode words, case folding, English stop words and the
// Snowball English (Porter2) stemmer; FTS5's "porter unicode61" is Unicode
// words, case folding, diacritics removed, no stop words and the original
// Porter stemmer. The queries use only plain lowercase ASCII words that
// are not stop words, so both engines see the same words, and the answers
// are compared as sets with the overlap reported, not required equal.
//
// The corpus is the Debian package descriptions in /var/lib/apt/lists (one
// document per package: title = name + short description, body = long
// description), or, when they are absent, a generated one with
// Zipf-distributed words. See ftsCorpus.

const (
	ftsMinDocs     = 100
	ftsLoadTxn     = 1000 // documents per build transaction
	ftsTopK        = 10
	ftsSeed        = 0xf75b
	ftsGenDocs     = 50_000 // documents of the generated corpus
	ftsGenVocab    = 30_000
	ftsRareMaxDF   = 8  // a rare term is in 2..8 documents
	ftsRarishMaxDF = 50 // the rare word of a two-word rare query
	ftsListsDir    = "/var/lib/apt/lists"
)

// The statements of each engine.
const (
	ftsCairnCreate = "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)"
	ftsCairnIndex  = "CREATE INDEX docs_fts ON docs USING fts (title, body)"
	ftsCairnInsert = "INSERT INTO docs (id, title, body) VALUES ($1, $2, $3)"
	ftsCairnQuery  = "SELECT id FROM docs WHERE docs @@ $1 ORDER BY fts_rank(docs) DESC LIMIT 10"
	ftsFTS5Create  = "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')"
	ftsFTS5Insert  = "INSERT INTO docs (rowid, title, body) VALUES ($1, $2, $3)"
	ftsFTS5Query   = "SELECT rowid FROM docs WHERE docs MATCH $1 ORDER BY bm25(docs) LIMIT 10"
)

func init() {
	reg := func(name, about string, prepare func(e *env) error, run func(e *env, s side) (measurement, error)) *workload {
		w := &workload{Name: name, Anchor: "fts5", About: about, Prepare: prepare, Run: run}
		register(w)
		return w
	}
	build := reg("fts-build", "insert the corpus (Debian package descriptions) with the fts index in place, 1000 docs per txn, incl. close; docs/s",
		ftsPrepare, ftsBuildRun)
	// A build starts from an empty directory each time, so -repeat
	// repeats it (one build is a noisy measurement); the query workloads
	// read the last.
	build.Extra = ftsBuildExtra
	reg("fts-query", "200 fixed 1-3 word queries (common and rare words), top 10 by BM25, 1 goroutine, -duration; queries/s",
		ftsPrepareBuilt, func(e *env, s side) (measurement, error) { return ftsQueryRun(e, s, "fts-query") }).Extra = ftsQueryExtra("fts-query")
	reg("fts-phrase", "200 fixed 2-3 word phrase queries taken from the documents, top 10 by BM25, 1 goroutine, -duration; queries/s",
		ftsPrepareBuilt, func(e *env, s side) (measurement, error) { return ftsQueryRun(e, s, "fts-phrase") }).Extra = ftsQueryExtra("fts-phrase")
}

type ftsDoc struct{ title, body string }

// ftsQuery is one query of the fixed lists, with the kind of words it was
// made of.
type ftsQuery struct {
	text, class string
}

// ftsAnswers are one workload's first-pass answers: ids per query, per side.
type ftsAnswers [2][][]int64

type ftsState struct {
	corpus  string // which corpus, for the log
	docs    []ftsDoc
	bytes   int64 // of titles and bodies
	queries []ftsQuery
	phrases []ftsQuery
	built   [2]bool
	settled [2]bool // since built: see ftsSettle
	disk    [2]int64
	answers map[string]*ftsAnswers
	stats   map[string]map[string]float64 // Extra fields per workload
}

func (e *env) ftsDir(s side) string { return filepath.Join(e.root, "fts-"+s.String()) }

// ftsPrepare checks that this binary's SQLite has FTS5 and loads the
// corpus and the query lists (untimed, outside the RSS measurement).
func ftsPrepare(e *env) error {
	if !ftsHaveFTS5 {
		return fmt.Errorf("%w: this binary's SQLite has no FTS5; run the fts-* workloads with: go run -tags sqlite_fts5 . -workload fts", errSkip)
	}
	_, err := e.ftsState()
	return err
}

// ftsPrepareBuilt is ftsPrepare plus the databases fts-build makes, built
// untimed if fts-build was not selected.
func ftsPrepareBuilt(e *env) error {
	if err := ftsPrepare(e); err != nil {
		return err
	}
	st := e.fts
	for _, s := range []side{cairnSide, anchorSide} {
		if st.built[s] {
			continue
		}
		logf("bench: building the fts database of %s (untimed, needed by the fts query workloads)", ftsEngineName(s))
		m, err := ftsBuildRun(e, s)
		if err != nil {
			return fmt.Errorf("%s: build: %w", s, err)
		}
		logf("  %s: built in %s", ftsEngineName(s), m.elapsed.Round(time.Millisecond))
	}
	for _, s := range []side{cairnSide, anchorSide} {
		if !st.settled[s] {
			if err := ftsSettle(e, s); err != nil {
				return fmt.Errorf("%s: settle: %w", s, err)
			}
		}
	}
	return nil
}

// ftsSettle brings a built index to the state a search reads fastest,
// untimed, as the doc workloads VACUUM after their load: a bulk load
// leaves merge work behind on both sides (cairn's pending documents,
// merged in the background after the next open; FTS5's segments, merged
// a little by each later write). Without it the first query workload
// pays for it on cairn and a repeat run does not. cairn: VACUUM (merges
// the pending documents, compacts); FTS5: its 'optimize' command (merges
// every segment into one).
func ftsSettle(e *env, s side) error {
	db, err := openSQL(s, e.ftsDir(s), false, 1)
	if err != nil {
		return err
	}
	q := "VACUUM docs"
	if s == anchorSide {
		q = "INSERT INTO docs(docs) VALUES('optimize')"
	}
	start := time.Now()
	if err := db.Exec(q); err != nil {
		db.Close()
		return fmt.Errorf("%s: %w", q, err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	e.fts.settled[s] = true
	logf("  %s: %s in %s (untimed)", ftsEngineName(s), q, time.Since(start).Round(time.Millisecond))
	return nil
}

func ftsEngineName(s side) string {
	if s == cairnSide {
		return "cairn"
	}
	return "fts5"
}

func (e *env) ftsState() (*ftsState, error) {
	if e.fts != nil {
		return e.fts, nil
	}
	start := time.Now()
	docs, corpus, err := ftsCorpus(e.ftsDocs)
	if err != nil {
		return nil, err
	}
	st := &ftsState{corpus: corpus, docs: docs, answers: map[string]*ftsAnswers{}, stats: map[string]map[string]float64{}}
	for _, d := range docs {
		st.bytes += int64(len(d.title) + len(d.body))
	}
	st.queries, st.phrases = ftsMakeQueries(docs)
	logf("bench: fts corpus: %s: %d documents, %.1f MB of text; %d queries, %d phrase queries (prepared in %s)",
		corpus, len(docs), mb(st.bytes), len(st.queries), len(st.phrases), time.Since(start).Round(time.Millisecond))
	e.fts = st
	return st, nil
}

// ftsCorpus returns the documents, at most limit of them (0 = all): the
// Debian package descriptions if the apt lists hold enough long
// descriptions, else the generated corpus. The documents are shuffled with
// a fixed seed (so a capped corpus is a sample of the whole, not the
// packages starting with "0".."b"), and document i gets id i+1.
func ftsCorpus(limit int) ([]ftsDoc, string, error) {
	docs, why := debianCorpus()
	corpus := fmt.Sprintf("Debian package descriptions from %s/*_Packages* and *_Translation-en*", ftsListsDir)
	if docs == nil {
		n := ftsGenDocs
		if limit > 0 {
			n = limit
		}
		logf("bench: fts: no usable Debian package descriptions (%s); using a generated corpus. "+
			"For the real one: apt-get update -o Acquire::Languages=en (the long descriptions are in the Translation-en lists)", why)
		docs = generatedCorpus(n)
		corpus = fmt.Sprintf("generated corpus (%d-word vocabulary, Zipf-distributed words)", ftsGenVocab)
	}
	r := rand.New(rand.NewPCG(ftsSeed, 1))
	r.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	if limit > 0 && limit < len(docs) {
		docs = docs[:limit:limit]
	}
	return docs, corpus, nil
}

// debianCorpus reads the apt lists: every package of the *_Packages lists
// once (the first list in name order that has it), title = "name short
// description", body = its long description, from the Packages entry if it
// has one (some archives keep them there) or else from the Translation-en
// lists by Description-md5. Packages without a long description keep an
// empty body. It returns nil and why if there are fewer than 1000 long
// descriptions (apt's Acquire::Languages "none", as in Debian's Docker
// images, leaves out the Translation-en lists).
func debianCorpus() ([]ftsDoc, string) {
	pkgFiles := aptLists("_Packages")
	if len(pkgFiles) == 0 {
		return nil, "no " + ftsListsDir + "/*_Packages lists; run apt-get update"
	}
	long := map[string]string{} // Description-md5 -> long description
	for _, f := range aptLists("_Translation-en") {
		data, err := readAptList(f)
		if err != nil {
			logf("bench: fts: %s: %v (skipped)", f, err)
			continue
		}
		deb822(data, func(p map[string]string) {
			if _, body := splitDescription(p["Description-en"]); body != "" && p["Description-md5"] != "" {
				long[p["Description-md5"]] = body
			}
		})
	}
	seen := map[string]bool{}
	var docs []ftsDoc
	var names []string
	withLong := 0
	for _, f := range pkgFiles {
		data, err := readAptList(f)
		if err != nil {
			logf("bench: fts: %s: %v (skipped)", f, err)
			continue
		}
		deb822(data, func(p map[string]string) {
			name := p["Package"]
			if name == "" || seen[name] {
				return
			}
			seen[name] = true
			short, body := splitDescription(p["Description"])
			if body == "" {
				body = long[p["Description-md5"]]
			}
			if body != "" {
				withLong++
			}
			docs = append(docs, ftsDoc{title: name + " " + short, body: body})
			names = append(names, name)
		})
	}
	if withLong < 1000 {
		return nil, fmt.Sprintf("%d packages, only %d with a long description", len(docs), withLong)
	}
	// Name order first, so the shuffle that follows does not depend on
	// the order of the lists.
	sort.Sort(docsByName{docs, names})
	logf("bench: fts: %d packages in %d Packages lists, %d with a long description", len(docs), len(pkgFiles), withLong)
	return docs, ""
}

type docsByName struct {
	docs  []ftsDoc
	names []string
}

func (d docsByName) Len() int           { return len(d.docs) }
func (d docsByName) Less(i, j int) bool { return d.names[i] < d.names[j] }
func (d docsByName) Swap(i, j int) {
	d.docs[i], d.docs[j] = d.docs[j], d.docs[i]
	d.names[i], d.names[j] = d.names[j], d.names[i]
}

// aptLists returns the lists in ftsListsDir whose name has the given part
// followed by nothing or a compression suffix, in name order.
func aptLists(part string) []string {
	all, _ := filepath.Glob(filepath.Join(ftsListsDir, "*"+part+"*"))
	var out []string
	for _, f := range all {
		_, rest, _ := strings.Cut(filepath.Base(f), part)
		switch rest {
		case "", ".gz", ".lz4", ".xz", ".bz2", ".zst", ".lzma":
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// readAptList returns a list's text: apt may keep the lists compressed
// (Acquire::GzipIndexes); apt-helper cat-file decompresses every format
// apt uses.
func readAptList(f string) ([]byte, error) {
	switch {
	case strings.HasSuffix(f, ".gz"):
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		z, err := gzip.NewReader(fh)
		if err != nil {
			return nil, err
		}
		return io.ReadAll(z)
	case strings.HasSuffix(f, "_Packages") || strings.HasSuffix(f, "_Translation-en"):
		return os.ReadFile(f)
	}
	out, err := exec.Command("/usr/lib/apt/apt-helper", "cat-file", f).Output()
	if err != nil {
		return nil, fmt.Errorf("apt-helper cat-file: %w", err)
	}
	return out, nil
}

// deb822 calls fn with the fields of each paragraph; a multi-line value
// keeps its lines, each without its leading space.
func deb822(data []byte, fn func(p map[string]string)) {
	p := map[string]string{}
	var key string
	var val strings.Builder
	flushField := func() {
		if key != "" {
			p[key] = val.String()
		}
		key = ""
		val.Reset()
	}
	flush := func() {
		flushField()
		if len(p) > 0 {
			fn(p)
			p = map[string]string{}
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			flush()
		case line[0] == ' ' || line[0] == '\t':
			if key != "" {
				val.WriteByte('\n')
				val.WriteString(line[1:])
			}
		default:
			flushField()
			k, v, ok := strings.Cut(line, ":")
			if ok {
				key = k
				val.WriteString(strings.TrimSpace(v))
			}
		}
	}
	flush()
}

// splitDescription splits a Description field into its synopsis and its
// long description, whose "." lines are paragraph breaks.
func splitDescription(d string) (short, body string) {
	short, rest, _ := strings.Cut(d, "\n")
	if rest == "" {
		return short, ""
	}
	lines := strings.Split(rest, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "." {
			lines[i] = ""
		}
	}
	return short, strings.Join(lines, "\n")
}

// generatedCorpus makes n documents of pseudo-words (2-4 syllables), drawn
// Zipf-distributed (s=1.1) from a fixed vocabulary: titles of 3-8 words,
// bodies of 30-150 words in sentences of 5-15.
func generatedCorpus(n int) []ftsDoc {
	r := rand.New(rand.NewPCG(ftsSeed, 2))
	const cons, vows = "bcdfghjklmnprstvwz", "aeiou"
	vocab := make([]string, 0, ftsGenVocab)
	seen := map[string]bool{}
	for len(vocab) < ftsGenVocab {
		var b []byte
		for range 2 + r.IntN(3) {
			b = append(b, cons[r.IntN(len(cons))], vows[r.IntN(len(vows))])
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	z := rand.NewZipf(r, 1.1, 1, ftsGenVocab-1)
	words := func(b *strings.Builder, k int, sentences bool) {
		left := 0
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[z.Uint64()])
			if left--; sentences && (left <= 0 || i == k-1) {
				b.WriteByte('.')
				left = 5 + r.IntN(11)
			}
		}
	}
	docs := make([]ftsDoc, n)
	var b strings.Builder
	for i := range docs {
		b.Reset()
		words(&b, 3+r.IntN(6), false)
		docs[i].title = b.String()
		b.Reset()
		words(&b, 30+r.IntN(121), true)
		docs[i].body = b.String()
	}
	return docs
}

// ftsVocab is what the query generator knows about the corpus: each
// query-able word's term (cairn's English analyzer) and each term's
// document frequency. A query-able word is 3 or more lowercase ASCII
// letters and not a stop word: both engines tokenize it alike.
type ftsVocab struct {
	an   *analysis.Analyzer
	term map[string]string // word -> term, "" if not query-able
	df   map[string]int    // term -> documents containing it
	rep  map[string]string // term -> the first word seen with it
}

func (v *ftsVocab) termOf(w string) string {
	if t, ok := v.term[w]; ok {
		return t
	}
	t := ""
	if len(w) >= 3 && isLowerASCII(w) {
		if toks := v.an.Analyze(w); len(toks) == 1 {
			t = toks[0].Term
		}
	}
	v.term[w] = t
	return t
}

func isLowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// docWords returns the distinct query-able words of a document (one word
// per term), in order of appearance.
func (v *ftsVocab) docWords(d ftsDoc) []string {
	var out []string
	terms := map[string]bool{}
	for _, text := range []string{d.title, d.body} {
		for _, tok := range v.an.Words(text) {
			if t := v.termOf(tok.Term); t != "" && !terms[t] {
				terms[t] = true
				out = append(out, tok.Term)
			}
		}
	}
	return out
}

// ftsMakeQueries makes the two fixed lists of 200 queries, a function of
// the documents alone:
//
//	rare-1      50  one word whose term is in 2..8 documents
//	common-1    40  one of the 300 most frequent terms
//	rare-2      30  a word with a term in at most 50 documents and another
//	                word of the same document
//	common-2/3  40  2-3 words of one document, each in >= 1% of documents
//	mixed-2/3   40  2-3 words of one document, any frequency
//	phrase-2/3 200  2-3 consecutive words of a document body (alternately),
//	                each query-able, separated by white space only
//
// Every query matches at least one document on both engines: its words
// come from the corpus, and multi-word queries from a single document.
func ftsMakeQueries(docs []ftsDoc) (queries, phrases []ftsQuery) {
	v := &ftsVocab{an: analysis.MustLookup("english"), term: map[string]string{}, df: map[string]int{}, rep: map[string]string{}}
	for _, d := range docs {
		for _, w := range v.docWords(d) {
			t := v.term[w]
			v.df[t]++
			if _, ok := v.rep[t]; !ok {
				v.rep[t] = w
			}
		}
	}
	terms := make([]string, 0, len(v.df))
	for t := range v.df {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var rare []string
	for _, t := range terms {
		if df := v.df[t]; df >= 2 && df <= ftsRareMaxDF {
			rare = append(rare, t)
		}
	}
	common := slices.Clone(terms)
	sort.SliceStable(common, func(i, j int) bool { return v.df[common[i]] > v.df[common[j]] })
	common = common[:min(300, len(common))]

	r := rand.New(rand.NewPCG(ftsSeed, 3))
	pick := func(from []string, k int, class string) {
		idx := r.Perm(len(from))
		for _, i := range idx[:min(k, len(idx))] {
			queries = append(queries, ftsQuery{text: v.rep[from[i]], class: class})
		}
	}
	pick(rare, 50, "rare-1")
	pick(common, 40, "common-1")

	minCommon := max(2, len(docs)/100)
	fromDoc := func(k int, class string, ok func(words []string) []string) {
		for tries := 0; k > 0 && tries < 100*k+1000; tries++ {
			words := ok(v.docWords(docs[r.IntN(len(docs))]))
			if words == nil {
				continue
			}
			queries = append(queries, ftsQuery{text: strings.Join(words, " "), class: class})
			k--
		}
	}
	choose := func(ws []string, n int) []string {
		if len(ws) < n {
			return nil
		}
		out := make([]string, 0, n)
		for _, i := range r.Perm(len(ws))[:n] {
			out = append(out, ws[i])
		}
		return out
	}
	fromDoc(30, "rare-2", func(ws []string) []string {
		var rarish []string
		for _, w := range ws {
			if v.df[v.term[w]] <= ftsRarishMaxDF {
				rarish = append(rarish, w)
			}
		}
		a := choose(rarish, 1)
		if a == nil {
			return nil
		}
		b := choose(slices.DeleteFunc(slices.Clone(ws), func(w string) bool { return w == a[0] }), 1)
		if b == nil {
			return nil
		}
		return append(a, b[0])
	})
	n := 2
	fromDoc(40, "common-2/3", func(ws []string) []string {
		var cs []string
		for _, w := range ws {
			if v.df[v.term[w]] >= minCommon {
				cs = append(cs, w)
			}
		}
		out := choose(cs, n)
		if out != nil {
			n = 5 - n // alternate 2 and 3 words
		}
		return out
	})
	n = 2
	fromDoc(40, "mixed-2/3", func(ws []string) []string {
		out := choose(ws, n)
		if out != nil {
			n = 5 - n
		}
		return out
	})

	n = 2
	for tries := 0; len(phrases) < 200 && tries < 100_000; tries++ {
		f := strings.Fields(docs[r.IntN(len(docs))].body)
		var starts []int
		for i := 0; i+n <= len(f); i++ {
			good := true
			for j := i; j < i+n && good; j++ {
				w := f[j]
				if j == i+n-1 {
					w = strings.TrimRight(w, ".,;:")
				}
				good = v.termOf(w) != ""
			}
			if good {
				starts = append(starts, i)
			}
		}
		if len(starts) == 0 {
			continue
		}
		i := starts[r.IntN(len(starts))]
		words := slices.Clone(f[i : i+n])
		words[n-1] = strings.TrimRight(words[n-1], ".,;:")
		phrases = append(phrases, ftsQuery{text: `"` + strings.Join(words, " ") + `"`, class: fmt.Sprintf("phrase-%d", n)})
		n = 5 - n
	}
	return queries, phrases
}

// ftsBuildRun builds the docs table on side s from scratch: the table and
// its index are created (untimed), then every document inserted in id
// order, ftsLoadTxn per transaction, unsynced (cairn NoSync, SQLite
// synchronous=NORMAL), through one prepared INSERT, and the database
// closed; timed from the first INSERT to the end of Close (cairn waits for
// a running fts merge and flushes its memtable, SQLite checkpoints its
// WAL). The directory's size after Close is recorded. The query workloads
// read this database.
func ftsBuildRun(e *env, s side) (measurement, error) {
	st := e.fts
	dir := e.ftsDir(s)
	st.built[s], st.settled[s] = false, false
	if err := os.RemoveAll(dir); err != nil {
		return measurement{}, err
	}
	db, err := openSQL(s, dir, false, 1)
	if err != nil {
		return measurement{}, err
	}
	ddl, insert := []string{ftsCairnCreate, ftsCairnIndex}, ftsCairnInsert
	if s == anchorSide {
		ddl, insert = []string{ftsFTS5Create}, ftsFTS5Insert
	}
	for _, q := range ddl {
		if err := db.Exec(q); err != nil {
			db.Close()
			return measurement{}, fmt.Errorf("%s: %w", q, err)
		}
	}
	start := time.Now()
	if err := ftsInsert(db, insert, st.docs); err != nil {
		db.Close()
		return measurement{}, err
	}
	logf("  %s: inserts done after %v (Close then waits for what is left)", ftsEngineName(s), time.Since(start))
	if err := db.Close(); err != nil {
		return measurement{}, err
	}
	m := measurement{ops: int64(len(st.docs)), elapsed: time.Since(start)}
	size, files, err := dirSize(dir)
	if err != nil {
		return m, err
	}
	st.disk[s] = size
	st.built[s] = true
	logf("  %s: %d documents, %.1f MB on disk in %d files after close (%.2f x the text)",
		ftsEngineName(s), len(st.docs), mb(size), files, float64(size)/float64(st.bytes))
	return m, nil
}

func ftsInsert(db sqlDB, insert string, docs []ftsDoc) error {
	conn, err := db.Conn()
	if err != nil {
		return err
	}
	defer conn.Close()
	stmt, err := conn.Prepare(insert)
	if err != nil {
		return err
	}
	args := make([]any, 3)
	for lo := 0; lo < len(docs); lo += ftsLoadTxn {
		if err := conn.Begin(); err != nil {
			return err
		}
		for i := lo; i < min(lo+ftsLoadTxn, len(docs)); i++ {
			args[0], args[1], args[2] = int64(i+1), docs[i].title, docs[i].body
			if err := stmt.Exec(args...); err != nil {
				return fmt.Errorf("insert document %d: %w", i+1, err)
			}
		}
		if err := conn.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func ftsBuildExtra(e *env) map[string]float64 {
	st := e.fts
	return map[string]float64{
		"docs":           float64(len(st.docs)),
		"text_mb":        mb(st.bytes),
		"cairn_disk_mb":  mb(st.disk[cairnSide]),
		"anchor_disk_mb": mb(st.disk[anchorSide]),
	}
}

// ftsQueryRun opens the database fts-build left (cold cache) and runs the
// workload's fixed query list, in order, over and over until -duration has
// passed, at least once through; ops = queries. Every answer must have at
// most 10 rows; the first pass's answers are kept, and the anchor's run
// compares them with cairn's (ftsCompare).
func ftsQueryRun(e *env, s side, name string) (measurement, error) {
	st := e.fts
	qs := st.queries
	if name == "fts-phrase" {
		qs = st.phrases
	}
	db, err := openSQL(s, e.ftsDir(s), false, 1)
	if err != nil {
		return measurement{}, err
	}
	conn, err := db.Conn()
	if err != nil {
		return sqlCloseWith(db, measurement{}, err)
	}
	query := ftsCairnQuery
	if s == anchorSide {
		query = ftsFTS5Query
	}
	stmt, err := conn.Prepare(query)
	if err != nil {
		conn.Close()
		return sqlCloseWith(db, measurement{}, err)
	}
	first := make([][]int64, len(qs))
	var ids []int64
	var ops int64
	start := time.Now()
	deadline := start.Add(e.duration)
run:
	for pass := 0; ; pass++ {
		for i, q := range qs {
			if pass > 0 && time.Now().After(deadline) {
				break run
			}
			if ids, err = ftsIDs(stmt, q.text, ids[:0]); err != nil {
				err = fmt.Errorf("query %q: %w", q.text, err)
				break run
			}
			if len(ids) > ftsTopK {
				err = fmt.Errorf("query %q: %d rows, LIMIT is %d", q.text, len(ids), ftsTopK)
				break run
			}
			if pass == 0 {
				first[i] = slices.Clone(ids)
			}
			ops++
		}
		if time.Now().After(deadline) {
			break
		}
	}
	m := measurement{ops: ops, elapsed: time.Since(start)}
	conn.Close()
	if m, err = sqlCloseWith(db, m, err); err != nil {
		return m, err
	}
	logf("  %s: %d queries (%d passes over %d), %s per query", ftsEngineName(s), m.ops, (m.ops+int64(len(qs))-1)/int64(len(qs)), len(qs),
		(m.elapsed / time.Duration(max(m.ops, 1))).Round(time.Microsecond))
	a := st.answers[name]
	if a == nil {
		a = &ftsAnswers{}
		st.answers[name] = a
	}
	a[s] = first
	if s == anchorSide && a[cairnSide] != nil {
		err = ftsCompare(st, name, qs, a)
	}
	return m, err
}

func ftsIDs(stmt sqlStmt, q string, ids []int64) ([]int64, error) {
	rows, err := stmt.Query(q)
	if err != nil {
		return ids, err
	}
	defer rows.Close()
	var id int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ftsCompare compares the engines' first-pass answers query by query, as
// sets of ids: overlap = |cairn ∩ fts5| / max(|cairn|, |fts5|) (1 if both
// are empty). An answer of fewer than 10 rows is complete (every match),
// so two complete answers should be equal up to the analyzers'
// differences (stemmer, stop words, diacritics); two top-10 answers also
// depend on the ranking (BM25 over different terms and document lengths,
// ties), so their overlap is only reported. The run fails if cairn
// answers nothing to any query (each query matches some document), or if
// the complete answers of the rare-word queries overlap less than 50% on
// average.
func ftsCompare(st *ftsState, name string, qs []ftsQuery, a *ftsAnswers) error {
	type agg struct {
		n, complete, equal    int
		overlap, overlapCompl float64
		rowsCairn, rowsAnchor int
		emptyCairn, emptyFTS5 int
	}
	classes := map[string]*agg{}
	var order []string
	var all, rare agg
	var empty []string
	for i, q := range qs {
		c, f := a[cairnSide][i], a[anchorSide][i]
		ov := setOverlap(c, f)
		g := classes[q.class]
		if g == nil {
			g = &agg{}
			classes[q.class] = g
			order = append(order, q.class)
		}
		isRare := strings.HasPrefix(q.class, "rare")
		for _, x := range []*agg{g, &all} {
			x.n++
			x.overlap += ov
			x.rowsCairn += len(c)
			x.rowsAnchor += len(f)
			if len(c) == 0 {
				x.emptyCairn++
			}
			if len(f) == 0 {
				x.emptyFTS5++
			}
			if len(c) < ftsTopK && len(f) < ftsTopK {
				x.complete++
				x.overlapCompl += ov
				if ov == 1 {
					x.equal++
				}
			}
		}
		if isRare && len(c) < ftsTopK && len(f) < ftsTopK {
			rare.complete++
			rare.overlapCompl += ov
		}
		if isRare {
			rare.n++
			rare.overlap += ov
		}
		if len(c) == 0 {
			empty = append(empty, fmt.Sprintf("%q (fts5: %d rows)", q.text, len(f)))
		}
		if ov < 0.5 && len(c) < ftsTopK && len(f) < ftsTopK {
			logf("    %s %q: cairn %v, fts5 %v", q.class, q.text, c, f)
		}
	}
	logf("  %s answers, cairn vs fts5 (overlap = |common ids| / larger answer; complete = both under 10 rows):", name)
	for _, cl := range append(order, "all") {
		g := classes[cl]
		if cl == "all" {
			g = &all
		}
		logf("    %-10s %3d queries: overlap %5.1f%%; rows/query cairn %.1f, fts5 %.1f; %d complete on both, overlap %5.1f%%, %d equal; empty: cairn %d, fts5 %d",
			cl, g.n, 100*g.overlap/float64(max(g.n, 1)), float64(g.rowsCairn)/float64(max(g.n, 1)), float64(g.rowsAnchor)/float64(max(g.n, 1)),
			g.complete, 100*g.overlapCompl/float64(max(g.complete, 1)), g.equal, g.emptyCairn, g.emptyFTS5)
	}
	stats := map[string]float64{
		"queries":              float64(len(qs)),
		"overlap_pct":          100 * all.overlap / float64(max(all.n, 1)),
		"complete_queries":     float64(all.complete),
		"complete_overlap_pct": 100 * all.overlapCompl / float64(max(all.complete, 1)),
	}
	if rare.n > 0 {
		stats["rare_overlap_pct"] = 100 * rare.overlap / float64(rare.n)
	}
	st.stats[name] = stats
	switch {
	case len(empty) > 0:
		return fmt.Errorf("cairn found nothing for %d of %d queries, each of which matches some document: %s",
			len(empty), len(qs), strings.Join(empty[:min(5, len(empty))], ", "))
	case rare.complete > 0 && rare.overlapCompl/float64(rare.complete) < 0.5:
		return fmt.Errorf("the complete answers of the rare-word queries overlap only %.1f%% between cairn and fts5",
			100*rare.overlapCompl/float64(rare.complete))
	}
	return nil
}

func setOverlap(a, b []int64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	common := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			common++
		}
	}
	return float64(common) / float64(max(len(a), len(b)))
}

func ftsQueryExtra(name string) func(e *env) map[string]float64 {
	return func(e *env) map[string]float64 { return e.fts.stats[name] }
}
