package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// Peak RSS per engine, with both engines in one process.
//
// Method: before an engine's run the meter forces a garbage collection and
// returns freed memory to the OS (runtime.GC + debug.FreeOSMemory, and
// malloc_trim for the C heap Pebble uses under cgo), so the previous
// engine's memory no longer counts, and resets the kernel's RSS
// high-water mark by writing "5" to /proc/self/clear_refs (Linux >= 4.0).
// At the end of the run it reads VmHWM from /proc/self/status: the exact
// peak since the reset, including spikes no sampler would catch. As a
// cross-check, and as the fallback where the reset is not permitted (then
// VmHWM would still hold the peak of the whole process), a goroutine also
// samples VmRSS every 50 ms; the result is the larger of the two when the
// reset worked and the sampled maximum otherwise.
//
// The figure is the process's RSS, not the engine's alone: it includes the
// Go runtime and the benchmark's own data (key order, value pool), which are
// the same for both engines, and base is reported so the two can be told
// apart. Memory that the Go runtime keeps mapped after a GC (heap it has not
// yet returned) can make a run look bigger than its live data; the anchor's
// off-heap memory (Pebble's cgo-allocated block cache) is counted as RSS
// like any other.
const rssSampleInterval = 50 * time.Millisecond

type rssResult struct {
	base     int64 // VmRSS after the GC, before the run (bytes)
	baseHeap int64 // of which Go heap in use (bytes)
	peak     int64 // bytes
	sampled  int64 // max VmRSS sampled
	hwmReset bool  // VmHWM was reset and is part of peak
	// use is what the process used during the run (processUsage): with
	// an in-process anchor, each side's own.
	use usage
}

// usage is a process's resource use (processUsage).
type usage struct {
	cpu    time.Duration // user + system
	sys    time.Duration // system
	faults int64         // minor page faults
	// alloc and mallocs are the Go heap's bytes and objects allocated
	// (runtime.MemStats.TotalAlloc, Mallocs): the garbage a run makes,
	// which the collector scans for and whose fresh pages fault.
	alloc, mallocs uint64
}

// withHeap adds the Go heap's allocation counters to u.
func (u usage) withHeap() usage {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u.alloc, u.mallocs = ms.TotalAlloc, ms.Mallocs
	return u
}

type rssMeter struct {
	res  rssResult
	quit chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
}

func startRSS() *rssMeter {
	runtime.GC()
	debug.FreeOSMemory()
	trimCHeap()
	m := &rssMeter{quit: make(chan struct{})}
	m.res.base = readStatus("VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.res.baseHeap = int64(ms.HeapInuse)
	m.res.hwmReset = resetHWM()
	m.res.sampled = m.res.base
	m.res.use = processUsage().withHeap()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(rssSampleInterval)
		defer t.Stop()
		for {
			select {
			case <-m.quit:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *rssMeter) sample() {
	v := readStatus("VmRSS")
	m.mu.Lock()
	m.res.sampled = max(m.res.sampled, v)
	m.mu.Unlock()
}

func (m *rssMeter) stop() rssResult {
	close(m.quit)
	m.wg.Wait()
	m.sample()
	r := m.res
	u := processUsage().withHeap()
	r.use = usage{cpu: u.cpu - r.use.cpu, sys: u.sys - r.use.sys, faults: u.faults - r.use.faults,
		alloc: u.alloc - r.use.alloc, mallocs: u.mallocs - r.use.mallocs}
	r.peak = r.sampled
	if r.hwmReset {
		r.peak = max(r.peak, readStatus("VmHWM"))
	}
	return r
}

// resetHWM resets VmHWM to the current RSS and reports whether it did.
func resetHWM() bool {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return false
	}
	// Check the reset took: VmHWM must now be close to VmRSS.
	hwm, rss := readStatus("VmHWM"), readStatus("VmRSS")
	return hwm > 0 && hwm <= rss+rss/10+(1<<20)
}

// readStatus returns a "kB" field of /proc/self/status in bytes, or 0.
func readStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	prefix := []byte(field + ":")
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, prefix) {
			continue
		}
		f := bytes.Fields(line[len(prefix):])
		if len(f) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
