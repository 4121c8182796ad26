package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// The operations that take an instance's lock, as the lock file names them.
const (
	opUp   = "up"
	opDown = "down"
)

// lock takes the instance's lock for an operation, across processes. It
// never waits: a second operation on a busy lab fails with *BusyError.
func (e *Engine) lock(ref engine.Ref, operation string) (unlock func(), err error) {
	path := filepath.Join(e.lockDir, e.Project(ref)+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := flockSoon(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &engine.BusyError{Ref: ref, Operation: strings.TrimSpace(string(holder))}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%s (pid %d)\n", operation, os.Getpid())), 0)
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// flockSoon takes an exclusive lock, waiting only while the holder is a
// status probe (a shared lock with nothing written) for up to a second.
func flockSoon(f *os.File) error {
	deadline := time.Now().Add(time.Second)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			return err
		}
		if st, serr := f.Stat(); serr == nil && st.Size() > 0 {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// busy reports the operation holding the instance ("up (pid 12)"), or ""
// when it is free. It probes with a shared lock so that it never looks like
// an operation.
func (e *Engine) busy(ref engine.Ref) string {
	path := filepath.Join(e.lockDir, e.Project(ref)+".lock")
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		if op := strings.TrimSpace(string(holder)); op != "" {
			return op
		}
		return "busy"
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return ""
}
