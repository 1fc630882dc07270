package vfs

import (
	"errors"
	"fmt"
	"io"
	"syscall"
)

// ErrLocked is wrapped by the error Lock returns when another holder has the
// lock, so callers can tell "the store is in use" from an I/O failure.
var ErrLocked = errors.New("locked by another process")

// ErrCrashed is returned by every operation after a simulated crash: by the
// handles of a MemFS that was crashed in place, and by a FaultFS whose
// CrashInjector fired. Code under test should treat it like any other I/O
// error; the test then reopens the store on the crashed state.
var ErrCrashed = errors.New("vfs: simulated crash")

// Injected errors wrap real errnos so that code which classifies errors with
// errors.Is(err, syscall.ENOSPC) sees them exactly as it would see the kernel's.
var (
	ErrInjectedEIO    = fmt.Errorf("vfs: injected fault: %w", syscall.EIO)
	ErrInjectedENOSPC = fmt.Errorf("vfs: injected fault: %w", syscall.ENOSPC)
)

// ReadFile returns the whole current contents of name in fsys. It exists for
// tests and tools; the engine reads with ReadAt at known offsets.
func ReadFile(fsys FS, name string) (data []byte, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	data = make([]byte, size)
	n, err := f.ReadAt(data, 0)
	if err != nil && !(err == io.EOF && int64(n) == size) {
		return nil, fmt.Errorf("vfs: read %s: %w", name, err)
	}
	return data[:n], nil
}

// WriteFile creates name in fsys with the given contents and syncs it. It
// does not sync the directory: callers that need the name to be durable call
// SyncDir, exactly as the engine must.
func WriteFile(fsys FS, name string, data []byte) (err error) {
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Sync()
}
