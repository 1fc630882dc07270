//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package vfs

import (
	"errors"
	"fmt"
	"io"
)

// lockFile is not implemented where flock(2) is missing: cairn supports Linux
// (and the BSDs and macOS for development), and a silent no-op lock would let
// two processes corrupt one store.
func lockFile(name string) (io.Closer, error) {
	return nil, fmt.Errorf("vfs: lock %s: %w", name, errors.ErrUnsupported)
}
