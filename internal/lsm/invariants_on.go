//go:build invariants

package lsm

// invariants enables expensive self-checks (iterator order, level shape).
// CI builds with -tags invariants; production builds leave them out.
const invariants = true
