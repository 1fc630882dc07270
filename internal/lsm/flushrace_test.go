package lsm

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cairndb/cairn/internal/vfs"
)

// TestFlushDuringCommits: a group's leader writes the WAL with the commit
// lock released, so Flush (which switches to a new WAL segment) and
// Close must wait for the group in flight instead of touching the WAL
// writer with it (lockCommits). Under -race the old behaviour is a data
// race on the writer's buffer; without it, a short write that fails the
// store. Every acknowledged write must be there after a reopen.
func TestFlushDuringCommits(t *testing.T) {
	fs := vfs.NewMem()
	d := openMem(t, fs, &Options{MemTableSize: 256 << 10})
	const writers, perWriter = 4, 400
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				k := fmt.Sprintf("w%d-%05d", w, i)
				if err := d.Set([]byte(k), []byte(k+"-value-padding-padding-padding"), nil); err != nil {
					errs <- fmt.Errorf("Set %s: %w", k, err)
					return
				}
			}
		}()
	}
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := d.Flush(); err != nil {
				errs <- fmt.Errorf("Flush: %w", err)
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-flushed
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = openMem(t, fs, nil)
	defer d.Close()
	for w := range writers {
		for i := range perWriter {
			k := fmt.Sprintf("w%d-%05d", w, i)
			if v, err := d.Get([]byte(k)); err != nil || string(v) != k+"-value-padding-padding-padding" {
				t.Fatalf("%s after reopen: %q, %v", k, v, err)
			}
		}
	}
}
