//go:build !race

package jsonb

// raceEnabled: see race_on_test.go.
const raceEnabled = false
