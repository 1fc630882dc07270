//go:build !linux

package lsm

// newArena returns a zeroed memtable arena of n bytes.
func newArena(n int) []byte { return make([]byte, n) }
