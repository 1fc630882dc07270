package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"text/tabwriter"
	"time"
)

// result is one workload's outcome on both engines.
type result struct {
	workload, anchor    string
	cairn, anchorM      measurement
	cairnRSS, anchorRSS rssResult
	extra               map[string]float64 // more JSON fields (workload.Extra)
}

// ratio is cairn's throughput over the anchor's: > 1 means cairn is faster.
func (r result) ratio() float64 {
	a := r.anchorM.opsPerSec()
	if a == 0 {
		return 0
	}
	return r.cairn.opsPerSec() / a
}

// jsonLine is the machine-readable record of DESIGN.md section 8.
type jsonLine struct {
	Workload    string  `json:"workload"`
	Cairn       float64 `json:"cairn"`  // ops/s
	Anchor      float64 `json:"anchor"` // ops/s
	Ratio       float64 `json:"ratio"`  // cairn / anchor
	CairnRSSMB  float64 `json:"cairn_rss_mb"`
	AnchorRSSMB float64 `json:"anchor_rss_mb"`
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func printJSON(w io.Writer, r result) {
	b, err := json.Marshal(jsonLine{
		Workload:    r.workload,
		Cairn:       round(r.cairn.opsPerSec(), 1),
		Anchor:      round(r.anchorM.opsPerSec(), 1),
		Ratio:       round(r.ratio(), 3),
		CairnRSSMB:  round(mb(r.cairnRSS.peak), 1),
		AnchorRSSMB: round(mb(r.anchorRSS.peak), 1),
	})
	if err != nil {
		panic(err) // cannot happen: plain numbers and strings
	}
	if len(r.extra) > 0 {
		// The workload's own fields follow the common ones, sorted.
		keys := make([]string, 0, len(r.extra))
		for k := range r.extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = b[:len(b)-1] // the closing brace
		for _, k := range keys {
			kb, _ := json.Marshal(k)
			vb, err := json.Marshal(round(r.extra[k], 1))
			if err != nil {
				panic(err) // NaN or Inf: a workload bug
			}
			b = append(append(append(append(b, ','), kb...), ':'), vb...)
		}
		b = append(b, '}')
	}
	fmt.Fprintln(w, string(b))
}

func printTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tanchor\tcairn ops/s\tanchor ops/s\tratio\tcairn time\tanchor time\tcairn RSS MB\tanchor RSS MB\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.3f\t%s\t%s\t%.1f\t%.1f\t\n",
			r.workload, r.anchor, r.cairn.opsPerSec(), r.anchorM.opsPerSec(), r.ratio(),
			r.cairn.elapsed.Round(time.Millisecond), r.anchorM.elapsed.Round(time.Millisecond),
			mb(r.cairnRSS.peak), mb(r.anchorRSS.peak))
	}
	tw.Flush()
	if len(results) > 0 {
		how := "VmHWM reset via /proc/self/clear_refs"
		lo, hi := results[0].cairnRSS.base, results[0].cairnRSS.base
		for _, r := range results {
			for _, x := range []rssResult{r.cairnRSS, r.anchorRSS} {
				lo, hi = min(lo, x.base), max(hi, x.base)
				if !x.hwmReset {
					how = "VmRSS sampled every 50 ms (VmHWM reset unavailable)"
				}
			}
		}
		fmt.Fprintf(w, "ratio > 1: cairn faster. RSS = process peak during each engine's run (%s); process RSS before a run %.1f-%.1f MB.\n",
			how, mb(lo), mb(hi))
	}
}
