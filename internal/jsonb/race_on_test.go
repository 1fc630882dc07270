//go:build race

package jsonb

// raceEnabled: the race detector's instrumentation allocates, so counts of
// allocations are not checked under it.
const raceEnabled = true
