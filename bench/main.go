// Command bench runs cairn side by side with an established engine (the
// "anchor") on the same workload, in one process, one engine after the
// other, and prints a table plus one JSON line per workload. See README.md
// and DESIGN.md section 8.
//
// The program is a registry of workloads. A workload measures the same
// operation once on cairn and once on its anchor; the driver (runWorkload)
// wraps each of the two runs with the peak-RSS meter and, if asked, a CPU
// profile. Adding a family of workloads (SQL vs SQLite, pgbench vs
// PostgreSQL) means adding a file that calls register in its init.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strings"
	"syscall"
	"time"
)

// side says which engine of a workload runs.
type side int

const (
	cairnSide side = iota
	anchorSide
)

func (s side) String() string {
	if s == cairnSide {
		return "cairn"
	}
	return "anchor"
}

// measurement is what one engine's run of a workload reports: ops
// operations in elapsed time. Only the timed section counts; opening stores,
// preparing data and printing metrics do not.
type measurement struct {
	ops     int64
	elapsed time.Duration
}

func (m measurement) opsPerSec() float64 {
	if m.elapsed <= 0 {
		return 0
	}
	return float64(m.ops) / m.elapsed.Seconds()
}

// workload is one entry of the registry.
type workload struct {
	Name   string
	Anchor string // the engine cairn is compared with, e.g. "pebble"
	About  string // one line: what is measured
	// Prepare, if set, runs once before the workload, untimed and outside
	// the RSS measurement (e.g. loading the stores kv-get reads).
	Prepare func(e *env) error
	// Run measures one engine: cairn, then the anchor. It times its own
	// measured section and cleans up after itself (closes its stores).
	Run func(e *env, s side) (measurement, error)
	// Extra, if set, is called after both runs for more numbers to put in
	// the workload's JSON line (e.g. "cairn_disk_mb").
	Extra func(e *env) map[string]float64
	// Once: Run builds the state later workloads read (a load), so
	// -repeat does not repeat it.
	Once bool
}

var (
	registry = map[string]*workload{}
	order    []string // registration order: the order workloads run in
)

func register(w *workload) {
	if _, dup := registry[w.Name]; dup {
		panic("bench: workload registered twice: " + w.Name)
	}
	registry[w.Name] = w
	order = append(order, w.Name)
}

// env is shared by all workloads of one run.
type env struct {
	n          int
	rows       int // rows of the txn-* table (-rows), independent of n
	sqlRows    int // rows of the SQL workloads' sbtest table (-sqlrows)
	ftsDocs    int // cap on the fts-* workloads' documents (-ftsdocs); 0 = all
	duration   time.Duration
	root       string // temp directory; every store lives below it
	cpuProfile string // file name prefix; "" = no profiling
	memProfile string // file name prefix of the heap profiles; "" = none
	traceFile  string // file name prefix; "" = no execution trace
	profAnchor bool
	repeat     int       // -repeat: runs of each workload but the loads
	kv         *kvState  // lazily created by the kv workloads
	sql        *sqlState // lazily created by the SQL workloads
	fts        *ftsState // lazily created by the fts-* workloads
}

// logf prints progress and engine metrics to stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func main() {
	var (
		names      = flag.String("workload", "", "comma-separated workloads to run (default: all kv-* and txn-*; \"sql\" = all SQL workloads vs SQLite, \"fts\" = all full-text workloads vs SQLite FTS5 (build with -tags sqlite_fts5), \"doc\" = all document workloads vs SQLite JSON, \"PREFIX*\" = all named so); -list shows them")
		n          = flag.Int("n", 1_000_000, "number of keys the kv-* workloads load")
		rows       = flag.Int("rows", txnDefaultRows, "rows of the table the txn-* workloads load")
		sqlRows    = flag.Int("sqlrows", sqlDefaultRows, "rows of the sbtest table the SQL workloads (vs SQLite) load")
		ftsDocs    = flag.Int("ftsdocs", 0, "at most this many documents for the fts-* workloads (0 = the whole corpus)")
		duration   = flag.Duration("duration", 10*time.Second, "length of each timed-duration workload (kv-sync-*, txn-*)")
		dir        = flag.String("dir", os.TempDir(), "directory under which a temporary directory for the stores is made (and removed)")
		jsonOnly   = flag.Bool("json-only", false, "print only the JSON lines on stdout")
		list       = flag.Bool("list", false, "list the workloads and exit")
		cpuProfile = flag.String("cpuprofile", "", "write a CPU profile of each cairn run to `PREFIX`.<workload>.cairn.pprof")
		traceOut   = flag.String("trace", "", "write an execution trace of each cairn run to `PREFIX`.<workload>.cairn.trace (go tool trace; -pprof=sched shows where goroutines waited to run)")
		memProfile = flag.String("memprofile", "", "write heap profiles from before and after each cairn run to `PREFIX`.<workload>.cairn.{before,after}.heap (what the run allocated: go tool pprof -sample_index=alloc_space -base BEFORE AFTER)")
		profAnchor = flag.Bool("cpuprofile-anchor", false, "with -cpuprofile, also profile the anchor runs (PREFIX.<workload>.anchor.pprof)")
		repeat     = flag.Int("repeat", 1, "run each workload (but the loads) this many times, cairn and the anchor alternating, and report each side's median: the host's speed drifts by tens of percent between runs")
	)
	flag.Parse()

	if *list {
		for _, name := range order {
			w := registry[name]
			fmt.Printf("%-18s vs %-8s %s\n", w.Name, w.Anchor, w.About)
		}
		return
	}
	selected, err := selectWorkloads(*names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if *repeat < 1 || *n <= 0 || *rows <= 0 || *sqlRows < sqlMinRows || *ftsDocs < 0 || *ftsDocs > 0 && *ftsDocs < ftsMinDocs {
		fmt.Fprintf(os.Stderr, "bench: -repeat, -n and -rows must be positive, -sqlrows at least %d, -ftsdocs 0 or at least %d\n", sqlMinRows, ftsMinDocs)
		os.Exit(2)
	}

	root, err := os.MkdirTemp(*dir, "cairn-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	// Remove the stores on interrupt too: a 1M-key run leaves ~0.5 GB.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		os.RemoveAll(root)
		fmt.Fprintln(os.Stderr, "bench: interrupted; removed", root)
		os.Exit(130)
	}()

	e := &env{n: *n, rows: *rows, sqlRows: *sqlRows, ftsDocs: *ftsDocs, duration: *duration, root: root, cpuProfile: *cpuProfile, memProfile: *memProfile, traceFile: *traceOut, profAnchor: *profAnchor, repeat: *repeat}
	logf("bench: %d workload(s), n=%d, rows=%d, sqlrows=%d, duration=%s, dir=%s, GOMAXPROCS=%d, %s",
		len(selected), e.n, e.rows, e.sqlRows, e.duration, root, runtime.GOMAXPROCS(0), runtime.Version())

	var results []result
	var failed error
	for _, w := range selected {
		r, err := runWorkload(e, w)
		if errors.Is(err, errSkip) {
			logf("bench: %s: %v", w.Name, err)
			continue
		}
		if err != nil {
			failed = fmt.Errorf("%s: %w", w.Name, err)
			logf("bench: %v", failed)
			break
		}
		results = append(results, r)
	}
	if err := os.RemoveAll(root); err != nil {
		logf("bench: remove %s: %v", root, err)
	}

	if !*jsonOnly {
		printTable(os.Stdout, results)
		fmt.Println()
	}
	for _, r := range results {
		printJSON(os.Stdout, r)
	}
	if failed != nil {
		os.Exit(1)
	}
}

// errSkip, wrapped in the error of a workload's Prepare, skips the workload
// (printing the error, which says why) instead of failing the run: the
// fts-* workloads when the binary lacks SQLite's FTS5.
var errSkip = errors.New("skipped")

// defaultPrefixes select the workloads run when -workload is not given.
var defaultPrefixes = []string{"kv-", "txn-"}

// selectWorkloads resolves the -workload flag, keeping registration order so
// that workloads whose state others reuse (kv-load) run first.
func selectWorkloads(flagValue string) ([]*workload, error) {
	want := map[string]bool{}
	if strings.TrimSpace(flagValue) == "" {
		for _, name := range order {
			for _, p := range defaultPrefixes {
				if strings.HasPrefix(name, p) {
					want[name] = true
				}
			}
		}
	} else {
		for _, name := range strings.Split(flagValue, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if group := workloadGroup(name); group != nil {
				if len(group) == 0 {
					return nil, fmt.Errorf("no workload matches %q", name)
				}
				for _, g := range group {
					want[g] = true
				}
				continue
			}
			if registry[name] == nil {
				return nil, fmt.Errorf("unknown workload %q (known: %s)", name, strings.Join(order, ", "))
			}
			want[name] = true
		}
	}
	var ws []*workload
	for _, name := range order {
		if want[name] {
			ws = append(ws, registry[name])
		}
	}
	if len(ws) == 0 {
		return nil, errors.New("no workloads selected")
	}
	return ws, nil
}

// workloadGroup resolves a -workload item naming several workloads: "sql"
// (every workload against SQLite), "fts" (every full-text workload, against
// SQLite FTS5), "doc" (every document workload, against SQLite's JSON
// functions; not part of "sql") or "PREFIX*" (every workload whose name
// starts with PREFIX). It returns nil for a plain name.
func workloadGroup(item string) []string {
	var match func(w *workload) bool
	switch {
	case item == "sql":
		match = func(w *workload) bool { return w.Anchor == "sqlite" && !strings.HasPrefix(w.Name, "doc-") }
	case item == "fts":
		match = func(w *workload) bool { return strings.HasPrefix(w.Name, "fts-") }
	case item == "doc":
		match = func(w *workload) bool { return strings.HasPrefix(w.Name, "doc-") }
	case item == "pgbench": // every pgbench workload, against PostgreSQL (pgbench.go)
		match = func(w *workload) bool { return strings.HasPrefix(w.Name, "pgbench-") }
	case strings.HasSuffix(item, "*"):
		prefix := strings.TrimSuffix(item, "*")
		match = func(w *workload) bool { return strings.HasPrefix(w.Name, prefix) }
	default:
		return nil
	}
	group := []string{}
	for _, name := range order {
		if match(registry[name]) {
			group = append(group, name)
		}
	}
	return group
}

// runWorkload runs w on cairn and then on its anchor, never concurrently,
// each run inside its own RSS measurement.
func runWorkload(e *env, w *workload) (result, error) {
	r := result{workload: w.Name, anchor: w.Anchor}
	if w.Prepare != nil {
		if err := w.Prepare(e); err != nil {
			return r, fmt.Errorf("prepare: %w", err)
		}
	}
	runs := 1
	if !w.Once {
		runs = e.repeat
	}
	var ms [2][]measurement
	var ratios []string
	for range runs {
		for i, s := range []side{cairnSide, anchorSide} {
			m, rss, err := runSide(e, w, s)
			if err != nil {
				return r, fmt.Errorf("%s: %w", engineName(w, s), err)
			}
			logf("%-17s %-7s %12.0f ops/s  (%d ops in %s, CPU %s of which system %s, %d page faults, Go heap allocated %.1f MB in %d objects, peak RSS %.1f MB; before: RSS %.1f MB, Go heap %.1f MB)",
				w.Name, engineName(w, s), m.opsPerSec(), m.ops, m.elapsed.Round(time.Millisecond), rss.use.cpu.Round(time.Millisecond), rss.use.sys.Round(time.Millisecond), rss.use.faults, mb(int64(rss.use.alloc)), rss.use.mallocs, mb(rss.peak), mb(rss.base), mb(rss.baseHeap))
			ms[i] = append(ms[i], m)
			if s == cairnSide {
				r.cairnRSS = maxRSS(r.cairnRSS, rss)
			} else {
				r.anchorRSS = maxRSS(r.anchorRSS, rss)
			}
		}
		n := len(ms[0]) - 1
		if a := ms[1][n].opsPerSec(); a > 0 {
			ratios = append(ratios, fmt.Sprintf("%.3f", ms[0][n].opsPerSec()/a))
		}
	}
	r.cairn, r.anchorM = median(ms[0]), median(ms[1])
	if runs > 1 {
		logf("%-17s ratios of the %d runs: %s; reported: each side's median", w.Name, runs, strings.Join(ratios, ", "))
	}
	if w.Extra != nil {
		r.extra = w.Extra(e)
	}
	if runs > 1 {
		if r.extra == nil {
			r.extra = map[string]float64{}
		}
		r.extra["runs"] = float64(runs)
	}
	return r, nil
}

// median returns the measurement of median throughput (the lower of the
// two middle ones of an even count).
func median(ms []measurement) measurement {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measurement) int { return cmp.Compare(a.opsPerSec(), b.opsPerSec()) })
	return s[(len(s)-1)/2]
}

// maxRSS keeps the higher peak of two runs' RSS measurements.
func maxRSS(a, b rssResult) rssResult {
	if b.peak > a.peak {
		return b
	}
	return a
}

func runSide(e *env, w *workload, s side) (measurement, rssResult, error) {
	meter := startRSS()
	var stopProfile func()
	if e.cpuProfile != "" && (s == cairnSide || e.profAnchor) {
		var err error
		if stopProfile, err = startCPUProfile(fmt.Sprintf("%s.%s.%s.pprof", e.cpuProfile, w.Name, s)); err != nil {
			meter.stop()
			return measurement{}, rssResult{}, err
		}
	}
	var stopTrace func()
	if e.traceFile != "" && s == cairnSide {
		var err error
		if stopTrace, err = startTrace(fmt.Sprintf("%s.%s.%s.trace", e.traceFile, w.Name, s)); err != nil {
			if stopProfile != nil {
				stopProfile()
			}
			meter.stop()
			return measurement{}, rssResult{}, err
		}
	}
	heapProfile := func(when string) {
		if e.memProfile == "" || s != cairnSide {
			return
		}
		name := fmt.Sprintf("%s.%s.%s.%s.heap", e.memProfile, w.Name, s, when)
		if err := writeHeapProfile(name); err != nil {
			logf("bench: -memprofile: %v", err)
		}
	}
	heapProfile("before")
	m, err := w.Run(e, s)
	heapProfile("after")
	if stopProfile != nil {
		stopProfile()
	}
	if stopTrace != nil {
		stopTrace()
	}
	return m, meter.stop(), err
}

func startCPUProfile(name string) (func(), error) {
	return startRecording(name, "CPU profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// writeHeapProfile writes the heap profile, whose allocation counts are
// the process's since it started: two, before and after a run, tell what
// the run allocated.
func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	logf("bench: wrote heap profile %s", name)
	return f.Close()
}

func startTrace(name string) (func(), error) {
	return startRecording(name, "execution trace", trace.Start, trace.Stop)
}

// startRecording starts a CPU profile or an execution trace into the file
// name, and returns what stops it and says where it went.
func startRecording(name, what string, start func(io.Writer) error, stop func()) (func(), error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		stop()
		f.Close()
		logf("bench: wrote %s %s", what, name)
	}, nil
}

func engineName(w *workload, s side) string {
	if s == cairnSide {
		return "cairn"
	}
	return w.Anchor
}
