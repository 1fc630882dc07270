//go:build !(cgo && linux)

package main

// trimCHeap is a no-op without cgo: nothing is allocated with malloc then.
func trimCHeap() {}
