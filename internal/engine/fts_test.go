package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	sqlexec "github.com/cairndb/cairn/internal/sql/exec"
)

// TestFTSDifferential checks that searches answered by an fts index
// (pending postings, and after background merges, with updates, deletes
// and rolled-back writes in between) return exactly the rows that
// matching each row's text without the index returns.
func TestFTSDifferential(t *testing.T) {
	s, r, seed, exec := newRandomSession(t)
	words := []string{"storage", "engine", "engines", "log", "running", "runner", "database", "the", "quick", "fox", "jumps", "over", "lazy", "dog", "transaction", "commit", "index", "indexes", "query", "planner"}
	text := func() string {
		n := 1 + r.IntN(12)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = words[r.IntN(len(words))]
		}
		return strings.Join(parts, " ")
	}
	exec("CREATE TABLE f (id INT PRIMARY KEY, body TEXT)")
	exec("CREATE INDEX f_body ON f USING fts (body)")
	// Merges every 1024 short documents, in pieces of 100, several per
	// backlog.
	s.e.ftsMerge.piece, s.e.ftsMerge.weight = 100, 1024*sqlexec.FTSMinWeight
	next := 0
	for range 1500 {
		exec(fmt.Sprintf("INSERT INTO f VALUES (%d, '%s')", next, text()))
		next++
	}
	check := func(round int) {
		for range 100 {
			q := words[r.IntN(len(words))]
			switch r.IntN(5) {
			case 0:
				q += " " + words[r.IntN(len(words))]
			case 1:
				q += " OR " + words[r.IntN(len(words))]
			case 2:
				q = `"` + q + " " + words[r.IntN(len(words))] + `"`
			case 3:
				q = q[:2] + "*"
			case 4:
				q += " -" + words[r.IntN(len(words))]
			}
			ids := func(sql string) string {
				var b strings.Builder
				for _, row := range exec(sql)[0].Rows {
					fmt.Fprintf(&b, "%v,", row[0])
				}
				return b.String()
			}
			got := ids(fmt.Sprintf("SELECT id FROM f WHERE body @@ '%s' ORDER BY id", q))
			want := ids(fmt.Sprintf("SELECT id FROM f WHERE (body || '') @@ '%s' ORDER BY id", q))
			if got != want {
				t.Fatalf("round %d: %q through the index: %s\nwithout: %s (seed %d)", round, q, got, want, seed)
			}
		}
	}
	check(0)
	for round := 1; round <= 3; round++ {
		for range 400 {
			switch r.IntN(4) {
			case 0:
				exec(fmt.Sprintf("UPDATE f SET body = '%s' WHERE id = %d", text(), r.IntN(next)))
			case 1:
				exec(fmt.Sprintf("DELETE FROM f WHERE id = %d", r.IntN(next)))
			case 2:
				exec("BEGIN")
				exec(fmt.Sprintf("INSERT INTO f VALUES (%d, '%s')", next+100000, text()))
				exec(fmt.Sprintf("DELETE FROM f WHERE id = %d", r.IntN(next)))
				exec("ROLLBACK")
			default:
				exec(fmt.Sprintf("INSERT INTO f VALUES (%d, '%s')", next, text()))
				next++
			}
		}
		// Let the background merges finish.
		s.e.ftsMerge.wg.Wait()
		check(round)
	}
	if n := s.e.ftsMerge.merged.Load(); n < 10 {
		t.Fatalf("%d background merge pieces ran, want at least 10", n)
	}
}

// TestCloseStopsFTSMerge: Close stops a background merge where it is
// (its piece rolls back) once its grace is over, instead of waiting for
// it; the documents stay pending, every one is found after the reopen, and
// the merge after the reopen folds them in.
func TestCloseStopsFTSMerge(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	e.ftsMerge.piece = 1 << 20                      // the whole backlog in one piece
	e.ftsMerge.weight = 1024 * sqlexec.FTSMinWeight // due after the insert
	e.ftsMerge.grace = -1                           // stopped at once
	s := e.NewSession()
	mustExec(t, s, "CREATE TABLE f (id INT PRIMARY KEY, body TEXT)")
	mustExec(t, s, "CREATE INDEX f_body ON f USING fts (body)")
	mustExec(t, s, "INSERT INTO f SELECT g, 'document number ' || g || ' about merges' FROM generate_series(1, 6000) g")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if n := e.ftsMerge.stopped.Load(); n != 1 {
		t.Fatalf("%d merges stopped by Close, want 1", n)
	}
	e, err = Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s = e.NewSession()
	if got := queryOne(t, s, "SELECT count(*) FROM f WHERE body @@ 'merges'"); got != "6000" {
		t.Fatalf("after the reopen, %s documents match, want 6000", got)
	}
	mustExec(t, s, "VACUUM f")
	if got := queryOne(t, s, "SELECT count(*) FROM f WHERE body @@ 'document merges'"); got != "6000" {
		t.Fatalf("after VACUUM, %s documents match, want 6000", got)
	}
}

// TestFTSCompactAfterMerge: a merge that ends while writes wait for the
// next one (a bulk load) leaves its tombstones for a later compaction,
// up to ftsCompactAfter folded documents; one that ends with none
// waiting compacts what every merge since the last compaction left.
func TestFTSCompactAfterMerge(t *testing.T) {
	var m ftsMerger
	a, b := ftsKey{1, 2}, ftsKey{1, 3}
	m.init()
	m.counts[a] = 10 // writes wait
	for i, want := range []bool{false, false, false, true, false} {
		if got := m.compactDueLocked(a, ftsCompactAfter/4); got != want {
			t.Fatalf("merge %d with writes waiting: compact %v, want %v", i, got, want)
		}
	}
	if m.compactDueLocked(b, 0) {
		t.Fatal("compacting after a merge that folded nothing")
	}
	m.counts[a] = 0
	if !m.compactDueLocked(a, 1) {
		t.Fatal("no compaction after the last merge of a backlog")
	}
	if got := m.uncompacted[a]; got != 0 {
		t.Fatalf("%d documents uncompacted after a compaction", got)
	}
}

// TestFTSMergeWeight: a background merge starts once the documents
// committed since the last one weigh the merge weight (their text's
// bytes, exec.FTSMinWeight at least), not before; short documents weigh
// the minimum.
func TestFTSMergeWeight(t *testing.T) {
	s := newTestSession(t)
	s.e.ftsMerge.weight = 10_000
	mustExec(t, s, "CREATE TABLE f (id INT PRIMARY KEY, body TEXT)")
	mustExec(t, s, "CREATE INDEX f_body ON f USING fts (body)")
	pending := func() (n int) {
		t.Helper()
		withDescriptor(t, s.e, "f", func(txn *mvcc.Txn, d *catalog.Descriptor) {
			var err error
			if n, err = sqlexec.PendingFTS(txn, d, &d.Indexes[len(d.Indexes)-1]); err != nil {
				t.Fatal(err)
			}
		})
		return n
	}
	long := strings.Repeat("word ", 200) // 1000 bytes
	for i := range 9 {
		mustExec(t, s, fmt.Sprintf("INSERT INTO f VALUES (%d, '%s')", i, long))
	}
	s.e.ftsMerge.wg.Wait()
	if n, m := pending(), s.e.ftsMerge.merged.Load(); n != 9 || m != 0 {
		t.Fatalf("after 9,000 bytes: %d pending, %d merges; want 9 and none", n, m)
	}
	mustExec(t, s, fmt.Sprintf("INSERT INTO f VALUES (9, '%s')", long))
	s.e.ftsMerge.wg.Wait()
	if n := pending(); n != 0 {
		t.Fatalf("after 10,000 bytes: %d pending, want a merge of all", n)
	}
	// 39 short documents weigh less than 10,000; the 40th reaches it.
	for i := range 40 {
		mustExec(t, s, fmt.Sprintf("INSERT INTO f VALUES (%d, 'short')", 100+i))
		s.e.ftsMerge.wg.Wait()
		if want := i + 1; i < 39 && pending() != want {
			t.Fatalf("after %d short documents: %d pending, want %d", i+1, pending(), want)
		}
	}
	if n := pending(); n != 0 {
		t.Fatalf("after 40 short documents: %d pending, want none", n)
	}
}

// TestFTSCloseLate: Close stops at once the running merge pieces that,
// by their last pieces' pace, should end after the grace; it waits for a
// piece due within it or of unknown end.
func TestFTSCloseLate(t *testing.T) {
	var m ftsMerger
	m.init()
	a, b := ftsKey{1, 2}, ftsKey{1, 3}
	now := time.Now()
	deadline := now.Add(ftsCloseGrace)
	if m.lateLocked(deadline) {
		t.Fatal("late with no merge running")
	}
	m.running[a] = make(chan struct{})
	if m.lateLocked(deadline) {
		t.Fatal("late with the piece's end unknown")
	}
	m.pieceEnd[a] = now.Add(time.Hour)
	if !m.lateLocked(deadline) {
		t.Fatal("a piece due in an hour is not late")
	}
	m.running[b] = make(chan struct{})
	m.pieceEnd[b] = now.Add(time.Millisecond)
	if m.lateLocked(deadline) {
		t.Fatal("late while a piece is due within the grace")
	}
}

// TestFTSBulkMergeWaits: a merge that ends with writes of the merge
// weight or more waiting (writes outpacing merges: a bulk load) does not
// start the next at once; that one starts once the writes weigh
// ftsBulkMergeWeight's share, or pause. One that ends with less waiting
// starts the next at once.
func TestFTSBulkMergeWaits(t *testing.T) {
	s := newTestSession(t)
	e := s.e
	m := &e.ftsMerge
	m.weight = 100
	k := ftsKey{1 << 30, 1} // no such table: its merges end at once
	// A merge that starts takes the writes waiting (their weight goes
	// to 0); one that has not, leaves them. (Whether it still runs
	// depends on how soon it found the table missing.)
	started := func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.counts[k] == 0
	}
	idle := func() {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			m.mu.Lock()
			done := m.running[k] == nil
			m.mu.Unlock()
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("a merge did not end")
			}
		}
	}
	// A merge ending with writes waiting, as they came in while it ran.
	end := func(waiting int) {
		idle()
		m.mu.Lock()
		m.init()
		m.running[k] = make(chan struct{})
		m.counts[k] = waiting
		e.endFTSMergeLocked(k)
		m.mu.Unlock()
	}

	end(50) // less than the weight: the next starts at once
	if !started() {
		t.Fatal("a merge ending with a little waiting did not start the next")
	}

	m.afterPause = time.Hour
	end(150) // the weight or more: the next waits
	if started() {
		t.Fatal("a merge ending with the weight waiting started the next at once")
	}
	e.noteFTSWrites(map[ftsKey]int{k: 40}, ftsMergePiece) // 190 of 200
	if started() {
		t.Fatal("the next merge started before the bulk weight")
	}
	e.noteFTSWrites(map[ftsKey]int{k: 10}, ftsMergePiece) // 200
	if !started() {
		t.Fatal("the next merge did not start at the bulk weight")
	}

	// Writes that keep coming, however little they weigh, hold the
	// next merge off; once they pause it starts.
	m.afterPause = time.Second
	end(150)
	for range 30 {
		e.noteFTSWrites(map[ftsKey]int{k: 1}, ftsMergePiece)
		if started() {
			t.Fatal("the next merge started before the writes paused")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for deadline := time.Now().Add(10 * time.Second); !started(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the backlog did not merge after the writes paused")
		}
	}
	idle()
}
