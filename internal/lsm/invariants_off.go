//go:build !invariants

package lsm

const invariants = false
