// Package lint holds tests that keep the architecture honest: the walls
// between layers listed in DESIGN.md section 1 are checked against the real
// import graph, so a forbidden import fails `go test ./...` rather than a
// code review.
package lint
