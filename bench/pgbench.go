package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// pgbench workloads (issue 8): the stock pgbench client against `cairn
// serve` and against PostgreSQL 15, each a server process of its own in a
// fresh directory on a free loopback port, one after the other.
//
//	pgbench-tpcb    pgbench's default TPC-B-like script (3 UPDATEs, a
//	                SELECT and an INSERT per transaction)
//	pgbench-select  pgbench -S (one primary-key SELECT per transaction)
//
// Per server: `pgbench -i -s SCALE` (untimed: its time is reported), then
// `pgbench -c CLIENTS -j THREADS -T DURATION -M prepared --max-tries=0
// [-S]`; ops/s is pgbench's tps (without the initial connection time).
// Afterwards sum(abalance) of pgbench_accounts must equal sum(delta) of
// pgbench_history (and sum(tbalance), sum(bbalance)) on both: a
// transaction applied in part, or a lost update, breaks it.
//
// Both servers sync their commits: cairn serve without --no-sync, and
// PostgreSQL with fsync=on, synchronous_commit=on.
//
// The flags are defined here rather than in main.go; flag.Parse in main
// sees them all the same.
var (
	pgScale    = flag.Int("pgscale", 10, "pgbench scale factor (-s) of the pgbench-* workloads (100,000 accounts each)")
	pgClients  = flag.Int("pgclients", 8, "pgbench clients (-c) of the pgbench-* workloads")
	pgThreads  = flag.Int("pgthreads", 2, "pgbench threads (-j) of the pgbench-* workloads")
	pgDuration = flag.Duration("pgduration", 30*time.Second, "length (-T) of each pgbench-* run (the other timed workloads use -duration)")
	pgBinDir   = flag.String("pgbin", "/usr/lib/postgresql/15/bin", "directory of PostgreSQL's initdb and postgres for the pgbench-* anchor")
	pgRunAs    = flag.String("pguser", "nobody", "when run as root: the unprivileged user PostgreSQL runs as (it refuses to run as root)")
	cairnBin   = flag.String("cairnbin", "", "cairn binary the pgbench-* workloads serve with (default: go build of ../cmd/cairn)")
)

const (
	pgbenchSharedBuffers = "128MB"
	pgbenchMemSample     = 500 * time.Millisecond
)

func init() {
	for _, w := range []struct{ name, about string }{
		{"pgbench-tpcb", "pgbench TPC-B-like (default script), -M prepared, vs PostgreSQL 15 over TCP; tps"},
		{"pgbench-select", "pgbench -S (primary-key SELECT), -M prepared, vs PostgreSQL 15 over TCP; tps"},
	} {
		name := w.name
		register(&workload{
			Name:    name,
			Anchor:  "postgres",
			About:   w.about,
			Prepare: pgbenchPrepare,
			Run:     func(e *env, s side) (measurement, error) { return pgbenchRun(e, s, name) },
			Extra:   func(e *env) map[string]float64 { return pgbenchExtra(name) },
			Once:    true, // each run is -pgduration long
		})
	}
}

// pgb is the state the pgbench workloads share: the tools (found once) and
// each run's numbers for the JSON line.
var pgb struct {
	ready bool
	cairn string            // cairn binary
	tools map[string]string // pgbench, psql, pg_isready, initdb, postgres
	cred  *syscall.Credential
	runAs string
	runs  map[string]*pgbenchResult // workload + "/" + side
}

// pgbenchResult is what one server's run reported.
type pgbenchResult struct {
	tps, latencyMS    float64
	processed, failed int64
	retried, retries  int64 // transactions retried, total retries
	initSeconds       float64
	serverMB          float64 // peak memory of the server's processes
	chunkedLoad       bool    // loaded by pgbenchChunkedLoad (cairn, over its transaction size budget)
}

// pgbenchPrepare finds the tools and builds cairn, once. Anything missing
// skips the workloads (errSkip) with what to install.
func pgbenchPrepare(e *env) error {
	if pgb.ready {
		return nil
	}
	if *pgScale < 1 || *pgClients < 1 || *pgThreads < 1 || *pgDuration < time.Second {
		return fmt.Errorf("-pgscale, -pgclients and -pgthreads must be positive and -pgduration at least 1s")
	}
	tools := map[string]string{}
	for _, t := range []string{"pgbench", "psql", "pg_isready"} {
		p, err := exec.LookPath(t)
		if err != nil {
			if p2 := filepath.Join(*pgBinDir, t); isExecutable(p2) {
				p, err = p2, nil
			}
		}
		if err != nil {
			return fmt.Errorf("%w: %s not found (install postgresql-client-15: apt-get install postgresql-client-15)", errSkip, t)
		}
		tools[t] = p
	}
	for _, t := range []string{"initdb", "postgres"} {
		p := filepath.Join(*pgBinDir, t)
		if !isExecutable(p) {
			return fmt.Errorf("%w: PostgreSQL server %s not found (install it: apt-get install postgresql-15, or point -pgbin at its bin directory)", errSkip, p)
		}
		tools[t] = p
	}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: run initdb and postgres as an
		// unprivileged user (by default nobody, which every Debian has),
		// who must be able to reach the data directory below e.root.
		u, err := user.Lookup(*pgRunAs)
		if err != nil {
			return fmt.Errorf("%w: running as root, PostgreSQL needs an unprivileged user: -pguser %q: %v", errSkip, *pgRunAs, err)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		if uid == 0 {
			return fmt.Errorf("%w: -pguser %q is root", errSkip, *pgRunAs)
		}
		pgb.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
		pgb.runAs = u.Username
		// MkdirTemp made e.root 0700: let others through (not list it).
		if err := os.Chmod(e.root, 0o711); err != nil {
			return err
		}
		for d := filepath.Dir(e.root); ; d = filepath.Dir(d) {
			if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
				return fmt.Errorf("%w: running as root, PostgreSQL runs as %s, who cannot reach %s (mode %v); use -dir /tmp", errSkip, pgb.runAs, d, fi.Mode().Perm())
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	bin := *cairnBin
	if bin == "" {
		// Build the cairn this bench module replaces (../) once.
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/cairndb/cairn").Output()
		if err != nil {
			return fmt.Errorf("locate the cairn module: %w", err)
		}
		bin = filepath.Join(e.root, "cairn-serve")
		build := exec.Command("go", "build", "-o", bin, "./cmd/cairn")
		build.Dir = strings.TrimSpace(string(out))
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./cmd/cairn in %s: %w\n%s", build.Dir, err, out)
		}
		if pgb.cred != nil {
			os.Chmod(bin, 0o755)
		}
	}
	pgb.cairn, pgb.tools, pgb.runs, pgb.ready = bin, tools, map[string]*pgbenchResult{}, true
	logf("pgbench: scale %d, %d clients, %d threads, %s per run, cairn %s, PostgreSQL %s%s",
		*pgScale, *pgClients, *pgThreads, *pgDuration, bin, *pgBinDir, map[bool]string{true: " (as user " + pgb.runAs + ")", false: ""}[pgb.cred != nil])
	return nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// pgServer is a running server process: `cairn serve` or a postmaster.
type pgServer struct {
	name     string
	cmd      *exec.Cmd
	port     int
	user, db string
	logPath  string
	exited   chan struct{} // closed when the process has exited
	waitErr  error
	stopMem  chan struct{}
	memDone  chan struct{}
	peakMem  int64 // bytes, sampled
	isCairn  bool
	stopOnce sync.Once
	stopErr  error
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startPGServer starts the server of side s in a fresh directory dir and
// waits until pg_isready says it accepts connections.
func startPGServer(s side, dir string) (*pgServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	srv := &pgServer{port: port, logPath: filepath.Join(dir, "server.log"), exited: make(chan struct{})}
	data := filepath.Join(dir, "data")
	if s == cairnSide {
		srv.name, srv.user, srv.db, srv.isCairn = "cairn serve", "cairn", "cairn", true
		// Synced commits (no --no-sync): PostgreSQL syncs too.
		srv.cmd = exec.Command(pgb.cairn, "serve", "--data", data, "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	} else {
		srv.name, srv.user, srv.db = "postgres", "postgres", "postgres"
		if err := os.Mkdir(data, 0o700); err != nil {
			return nil, err
		}
		if pgb.cred != nil {
			if err := os.Chown(data, int(pgb.cred.Uid), int(pgb.cred.Gid)); err != nil {
				return nil, err
			}
		}
		initdb := exec.Command(pgb.tools["initdb"], "-D", data, "-U", "postgres", "--auth=trust", "--locale=C", "--encoding=UTF8", "--no-instructions")
		initdb.SysProcAttr = &syscall.SysProcAttr{Credential: pgb.cred}
		initdb.Env = append(os.Environ(), "LC_ALL=C")
		if out, err := initdb.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb: %w\n%s", err, out)
		}
		srv.cmd = exec.Command(pgb.tools["postgres"], "-D", data, "-k", data, "-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "synchronous_commit=on",
			"-c", "shared_buffers="+pgbenchSharedBuffers)
		srv.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: pgb.cred}
	}
	logFile, err := os.Create(srv.logPath)
	if err != nil {
		return nil, err
	}
	srv.cmd.Stdout, srv.cmd.Stderr = logFile, logFile
	if err := srv.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", srv.name, err)
	}
	go func() {
		srv.waitErr = srv.cmd.Wait()
		logFile.Close()
		close(srv.exited)
	}()
	srv.stopMem, srv.memDone = make(chan struct{}), make(chan struct{})
	go srv.sampleMem()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if exec.Command(pgb.tools["pg_isready"], "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(port)).Run() == nil {
			return srv, nil
		}
		select {
		case <-srv.exited:
			srv.stop()
			return nil, fmt.Errorf("%s exited at start: %v\n%s", srv.name, srv.waitErr, srv.logTail())
		default:
		}
		if time.Now().After(deadline) {
			srv.stop()
			return nil, fmt.Errorf("%s did not accept connections on port %d within 60s\n%s", srv.name, port, srv.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (srv *pgServer) logTail() string {
	b, _ := os.ReadFile(srv.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// stop shuts the server down cleanly: SIGTERM for cairn (graceful
// shutdown, store closed), SIGINT for PostgreSQL ("fast" shutdown: a
// checkpoint, then exit); SIGKILL after two minutes.
func (srv *pgServer) stop() error {
	srv.stopOnce.Do(func() {
		sig := syscall.SIGTERM
		if !srv.isCairn {
			sig = syscall.SIGINT
		}
		srv.cmd.Process.Signal(sig)
		select {
		case <-srv.exited:
			if srv.waitErr != nil {
				srv.stopErr = fmt.Errorf("%s: %v\n%s", srv.name, srv.waitErr, srv.logTail())
			}
		case <-time.After(2 * time.Minute):
			srv.cmd.Process.Kill()
			<-srv.exited
			srv.stopErr = fmt.Errorf("%s did not stop within 2 minutes of signal %v; killed", srv.name, sig)
		}
		close(srv.stopMem)
		<-srv.memDone
		if srv.stopErr == nil {
			logf("pgbench: %s stopped cleanly", srv.name)
		}
	})
	return srv.stopErr
}

// sampleMem records the peak over the server's life of the summed
// proportional set size (Pss: shared pages divided among their users, so
// PostgreSQL's shared buffers count once) of the server process and its
// children (PostgreSQL's backends, checkpointer, WAL writer...), sampled
// every 500 ms. For cairn, a single process, VmHWM (the exact peak RSS)
// is read at the end as well and the larger figure kept.
func (srv *pgServer) sampleMem() {
	defer close(srv.memDone)
	pid := srv.cmd.Process.Pid
	t := time.NewTicker(pgbenchMemSample)
	defer t.Stop()
	for {
		var sum int64
		for _, p := range append([]int{pid}, childPIDs(pid)...) {
			sum += procKB(p, "smaps_rollup", "Pss:") * 1024
		}
		if srv.isCairn {
			if hwm := procKB(pid, "status", "VmHWM:") * 1024; hwm > sum {
				sum = hwm
			}
		}
		srv.peakMem = max(srv.peakMem, sum)
		select {
		case <-srv.stopMem:
			return
		case <-srv.exited:
			return
		case <-t.C:
		}
	}
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var kids []int
	for _, ent := range ents {
		p, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			kids = append(kids, p)
		}
	}
	return kids
}

// procKB reads the "<key> N kB" line of /proc/<pid>/<file>.
func procKB(pid int, file, key string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/%s", pid, file))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// connArgs are the libpq connection options for pgbench and psql.
func (srv *pgServer) connArgs() []string {
	return []string{"-h", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-U", srv.user}
}

// pgbenchCmd runs a client tool with a deadline and returns its combined
// output.
func pgbenchCmd(timeout time.Duration, tool string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgb.tools[tool], args...)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=30", "PGAPPNAME=cairn-bench")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %s", tool, timeout)
	}
	return string(out), err
}

var (
	reTPS       = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)
	reLatency   = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
	reProcessed = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	reFailed    = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
	reRetried   = regexp.MustCompile(`(?m)^number of transactions retried: (\d+)`)
	reRetries   = regexp.MustCompile(`(?m)^total number of retries: (\d+)`)
	reInitDone  = regexp.MustCompile(`(?m)^done in ([0-9.]+) s`)
)

func matchFloat(re *regexp.Regexp, s string) (float64, bool) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	return f, err == nil
}

func matchInt(re *regexp.Regexp, s string) int64 {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func pgbenchRun(e *env, s side, name string) (m measurement, err error) {
	srv, err := startPGServer(s, filepath.Join(e.root, name+"-"+s.String()))
	if err != nil {
		return m, err
	}
	defer func() {
		if serr := srv.stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	res := &pgbenchResult{}
	conn := srv.connArgs()

	// Load, untimed.
	if res.initSeconds, res.chunkedLoad, err = pgbenchInit(srv, name); err != nil {
		return m, err
	}

	args := []string{"-c", strconv.Itoa(*pgClients), "-j", strconv.Itoa(*pgThreads),
		"-T", strconv.Itoa(int(pgDuration.Round(time.Second).Seconds())), "-M", "prepared", "--max-tries=0"}
	if name == "pgbench-select" {
		args = append(args, "-S")
	}
	args = append(append(args, conn...), srv.db)

	// Profile the cairn server with perf while pgbench runs (cairn serve has
	// no profiling flag of its own).
	var stopPerf func()
	if e.cpuProfile != "" && s == cairnSide {
		stopPerf = startPerf(fmt.Sprintf("%s.%s.cairn.perf.data", e.cpuProfile, name), srv.cmd.Process.Pid)
	}
	out, err := pgbenchCmd(*pgDuration*3+5*time.Minute, "pgbench", args...)
	if stopPerf != nil {
		stopPerf()
	}
	tps, ok := matchFloat(reTPS, out)
	if !ok || tps <= 0 {
		if err == nil {
			err = errors.New("no tps in its output")
		}
		return m, fmt.Errorf("pgbench %s: %w\n%s\n%s", strings.Join(args, " "), err, out, srv.logTail())
	}
	if err != nil {
		// pgbench exits 2 when a client aborted; the numbers are still
		// printed, and reported with the failure count.
		logf("pgbench: %s %s: pgbench exited with %v (its numbers kept):\n%s", name, srv.name, err, out)
	}
	res.tps = tps
	res.latencyMS, _ = matchFloat(reLatency, out)
	res.processed = matchInt(reProcessed, out)
	res.failed = matchInt(reFailed, out)
	res.retried = matchInt(reRetried, out)
	res.retries = matchInt(reRetries, out)
	logf("pgbench: %s %s: tps %.1f, latency average %.3f ms, %d transactions, %d failed, %d retried (%d retries)",
		name, srv.name, res.tps, res.latencyMS, res.processed, res.failed, res.retried, res.retries)

	// Verify: every committed transaction added its delta to one account,
	// teller and branch and logged it in the history.
	q := "SELECT (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts), " +
		"(SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers), " +
		"(SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches), " +
		"(SELECT coalesce(sum(delta), 0) FROM pgbench_history), " +
		"(SELECT count(*) FROM pgbench_history)"
	out, err = pgbenchCmd(10*time.Minute, "psql", append(append([]string{"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", q}, conn...), srv.db)...)
	if err != nil {
		return m, fmt.Errorf("verify balances: %w\n%s", err, out)
	}
	f := strings.Split(strings.TrimSpace(out), "|")
	if len(f) != 5 {
		return m, fmt.Errorf("verify balances: unexpected psql output %q", out)
	}
	var v [5]int64
	for i := range f {
		if v[i], err = strconv.ParseInt(f[i], 10, 64); err != nil {
			return m, fmt.Errorf("verify balances: %q: %w", out, err)
		}
	}
	logf("pgbench: %s %s: sum(abalance) %d, sum(tbalance) %d, sum(bbalance) %d, sum(delta) %d, history rows %d",
		name, srv.name, v[0], v[1], v[2], v[3], v[4])
	if v[0] != v[3] || v[1] != v[3] || v[2] != v[3] {
		return m, fmt.Errorf("balances disagree after the run: sum(abalance) %d, sum(tbalance) %d, sum(bbalance) %d, sum(delta) of pgbench_history %d",
			v[0], v[1], v[2], v[3])
	}
	if name == "pgbench-select" && v[4] != 0 {
		return m, fmt.Errorf("pgbench -S wrote %d history rows", v[4])
	}
	if err := srv.stop(); err != nil {
		return m, err
	}
	res.serverMB = mb(srv.peakMem)
	pgb.runs[name+"/"+s.String()] = res
	elapsed := time.Duration(float64(res.processed) / res.tps * float64(time.Second))
	return measurement{ops: res.processed, elapsed: elapsed}, nil
}

// startPerf records the CPU of process pid with perf (call graphs) until
// the returned function is called; it logs and does nothing without perf.
func startPerf(file string, pid int) func() {
	perf, err := exec.LookPath("perf")
	if err != nil {
		logf("pgbench: -cpuprofile: no perf in PATH, the cairn server is not profiled (cairn serve has no profiling flag)")
		return nil
	}
	cmd := exec.Command(perf, "record", "-q", "-g", "-F", "499", "-p", strconv.Itoa(pid), "-o", file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		logf("pgbench: perf record: %v", err)
		return nil
	}
	return func() {
		cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		// perf writes its file on SIGINT and may then exit by the signal.
		if fi, serr := os.Stat(file); serr != nil || fi.Size() == 0 {
			logf("pgbench: perf record: %v %v %s", err, serr, stderr.String())
			return
		}
		logf("bench: wrote perf profile of the cairn server %s (perf report -i %s --no-children)", file, file)
	}
}

// pgbenchInit loads the pgbench tables with `pgbench -i -s SCALE` and
// returns the time it took. pgbench copies all of pgbench_accounts
// (100,000 rows per scale unit) in one COPY, one transaction; cairn's
// transactions have a 64 MiB write-set budget (mvcc), which that COPY
// exceeds from about 480,000 rows (scale 5 and up: "mvcc: transaction too
// large"), and so does adding the primary key to the loaded table. If
// cairn refuses the COPY so, the tables are loaded again in 500-row
// transactions instead (pgbenchChunkedLoad): the same rows, keys and
// vacuum as pgbench -i, with the primary keys created before the data.
func pgbenchInit(srv *pgServer, name string) (seconds float64, chunked bool, err error) {
	start := time.Now()
	out, err := pgbenchCmd(60*time.Minute, "pgbench", append(append([]string{"-i", "-q", "-s", strconv.Itoa(*pgScale)}, srv.connArgs()...), srv.db)...)
	if err == nil {
		seconds, ok := matchFloat(reInitDone, out)
		if !ok {
			seconds = time.Since(start).Seconds()
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "done in") {
				logf("pgbench: %s %s: pgbench -i -s %d: %s", name, srv.name, *pgScale, l)
			}
		}
		return seconds, false, nil
	}
	if !srv.isCairn || !strings.Contains(out, "transaction too large") {
		return 0, false, fmt.Errorf("pgbench -i -s %d: %w\n%s\n%s", *pgScale, err, out, srv.logTail())
	}
	logf("pgbench: %s %s: pgbench -i -s %d failed: the one COPY of pgbench_accounts is over cairn's transaction size budget; loading in %d-row transactions instead",
		name, srv.name, *pgScale, pgbenchChunkRows)
	start = time.Now()
	if err := pgbenchChunkedLoad(srv); err != nil {
		return 0, true, err
	}
	seconds = time.Since(start).Seconds()
	logf("pgbench: %s %s: chunked load of scale %d done in %.2f s", name, srv.name, *pgScale, seconds)
	return seconds, true, nil
}

const pgbenchChunkRows = 500 // rows per COPY (transaction) of the chunked load; see pgbenchChunkedLoad

// pgbenchChunkedLoad does what `pgbench -i` does (tables, client-side
// data, vacuum, primary keys: steps dtgvp) with pgbench_accounts copied in
// 500-row COPY statements, each its own transaction: pgbench -i -I dtp
// creates the tables and their primary keys (first: on cairn, adding the
// primary key to a loaded pgbench_accounts is one transaction over the
// budget too), psql sends the rows exactly as pgbench would (for accounts
// "aid bid 0 <empty filler>", branches (bid, 0), tellers (tid, bid, 0)),
// then pgbench -i -I v vacuums. The tables keep pgbench -i's layout on
// cairn (stored by a hidden row id, the primary key a unique index). The
// chunks are small because each insert into the unique index opens an
// iterator over the transaction's write set, which sorts all its keys
// again (mvcc.(*Txn).sortedKeys): a COPY of n rows costs O(n^2) (100,000
// rows ran for over 10 minutes), 500-row chunks keep it near linear.
func pgbenchChunkedLoad(srv *pgServer) error {
	conn := append(srv.connArgs(), srv.db)
	step := func(steps string) error {
		out, err := pgbenchCmd(60*time.Minute, "pgbench", append([]string{"-i", "-q", "-I", steps, "-s", strconv.Itoa(*pgScale)}, conn...)...)
		if err != nil {
			return fmt.Errorf("pgbench -i -I %s: %w\n%s\n%s", steps, err, out, srv.logTail())
		}
		return nil
	}
	if err := step("dtp"); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("BEGIN;\n")
	for i := 1; i <= *pgScale; i++ {
		fmt.Fprintf(&b, "INSERT INTO pgbench_branches(bid, bbalance) VALUES (%d, 0);\n", i)
	}
	for i := 1; i <= 10**pgScale; i++ {
		fmt.Fprintf(&b, "INSERT INTO pgbench_tellers(tid, bid, tbalance) VALUES (%d, %d, 0);\n", i, (i-1)/10+1)
	}
	b.WriteString("COMMIT;\n")
	accounts := 100_000 * *pgScale
	for aid := 1; aid <= accounts; aid++ {
		if (aid-1)%pgbenchChunkRows == 0 {
			b.WriteString("COPY pgbench_accounts (aid, bid, abalance, filler) FROM STDIN;\n")
		}
		fmt.Fprintf(&b, "%d\t%d\t0\t\n", aid, (aid-1)/100_000+1)
		if aid%pgbenchChunkRows == 0 || aid == accounts {
			b.WriteString("\\.\n")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgb.tools["psql"], append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"}, conn...)...)
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("psql (chunked load): %w\n%s\n%s", err, out, srv.logTail())
	}
	if err := step("v"); err != nil {
		return err
	}
	out, err := pgbenchCmd(10*time.Minute, "psql", append([]string{"-X", "-A", "-t", "-c", "SELECT count(*) FROM pgbench_accounts"}, conn...)...)
	if err != nil || strings.TrimSpace(out) != strconv.Itoa(accounts) {
		return fmt.Errorf("chunked load: pgbench_accounts holds %q rows, want %d (%v)", strings.TrimSpace(out), accounts, err)
	}
	return nil
}

func pgbenchExtra(name string) map[string]float64 {
	x := map[string]float64{
		"scale":      float64(*pgScale),
		"clients":    float64(*pgClients),
		"duration_s": pgDuration.Seconds(),
	}
	for _, s := range []side{cairnSide, anchorSide} {
		r := pgb.runs[name+"/"+s.String()]
		if r == nil {
			continue
		}
		p := s.String() + "_"
		x[p+"latency_ms"] = r.latencyMS
		x[p+"failed"] = float64(r.failed)
		x[p+"retried"] = float64(r.retried)
		x[p+"retries"] = float64(r.retries)
		x[p+"init_s"] = r.initSeconds
		x[p+"server_mb"] = r.serverMB
		if r.chunkedLoad {
			x[p+"chunked_load"] = 1
		}
	}
	return x
}
