//go:build !linux

package linkshape

import (
	"context"
	"errors"
)

var errNotLinux = errors.New("queueing disciplines are Linux's")

// Set needs Linux: the error is a *NamespaceError.
func Set(_ context.Context, pid int, _ string, _ Shape) error {
	return &NamespaceError{PID: pid, Err: errNotLinux}
}

// Clear needs Linux: the error is a *NamespaceError.
func Clear(_ context.Context, pid int, _ string) error {
	return &NamespaceError{PID: pid, Err: errNotLinux}
}

// Get needs Linux: the error is a *NamespaceError.
func Get(_ context.Context, pid int, _ string) (Shape, error) {
	return Shape{}, &NamespaceError{PID: pid, Err: errNotLinux}
}
