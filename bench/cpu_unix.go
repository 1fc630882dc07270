//go:build unix

package main

import (
	"syscall"
	"time"
)

// processUsage returns what the process has used so far: CPU time (every
// goroutine's, the background merges' and compactions' and the garbage
// collector's included, which a wall-clock rate on a shared, noisy host
// hides), the part of it spent in the kernel, and minor page faults (the
// first touch of fresh memory, which on some virtual machines costs
// several microseconds a page).
func processUsage() usage {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return usage{}
	}
	return usage{
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		sys:    time.Duration(ru.Stime.Nano()),
		faults: int64(ru.Minflt),
	}
}
