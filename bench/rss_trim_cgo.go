//go:build cgo && linux

package main

// #include <malloc.h>
import "C"

// trimCHeap returns the C heap's free memory to the OS. Pebble built with
// cgo allocates its block cache and memtables with malloc; glibc keeps freed
// small chunks resident, so without this a closed Pebble store would keep
// inflating the RSS of every later run, cairn's included.
func trimCHeap() { C.malloc_trim(0) }
