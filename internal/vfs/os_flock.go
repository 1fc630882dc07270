//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package vfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// lockFile takes flock(LOCK_EX|LOCK_NB) on name. flock locks belong to the
// open file description, so a second open of the same file conflicts even in
// the same process: that is what makes "two DBs on one directory" fail loudly
// in tests too, not only across processes. The kernel drops the lock when the
// process dies, so a crash never leaves a stale lock behind.
func lockFile(name string) (io.Closer, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("vfs: lock %s: %w", name, err)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("vfs: lock %s: %w", name, err)
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		f.Close()
		return nil, fmt.Errorf("vfs: lock %s: %w", name, err)
	}
	if ferr != nil {
		f.Close()
		if errors.Is(ferr, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("vfs: lock %s: %w (%w)", name, ErrLocked, ferr)
		}
		return nil, fmt.Errorf("vfs: lock %s: flock: %w", name, ferr)
	}
	return &osLock{f: f}, nil
}

type osLock struct {
	once sync.Once
	f    *os.File
}

// Close releases the lock by closing the descriptor that holds it; a second
// Close reports os.ErrClosed like a second Close of a file.
func (l *osLock) Close() error {
	err := error(os.ErrClosed)
	l.once.Do(func() { err = l.f.Close() })
	if err != nil {
		return fmt.Errorf("vfs: unlock %s: %w", l.f.Name(), err)
	}
	return nil
}
