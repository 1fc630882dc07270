package sstable

import "testing"

func BenchmarkGetSmall(b *testing.B) {
	old := benchN
	benchN = 2000
	defer func() { benchN = old }()
	BenchmarkGet(b)
}
