//go:build !linux

package term

import (
	"context"
	"fmt"
)

// CleanupError says that an exec's processes could not be ended from this
// host.
type CleanupError struct {
	PID    int
	Reason string
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("cannot end the exec's process (PID %d on the engine's host): %s; it runs until it ends by itself or its container stops", e.PID, e.Reason)
}

// killSession cannot signal the engine's processes outside Linux.
func killSession(_ context.Context, _ string, _, execPid int, running bool) error {
	if !running {
		return nil
	}
	return &CleanupError{PID: execPid, Reason: "dsp can signal the engine's processes on Linux only"}
}
