//go:build !linux

package netns

import "errors"

func inNamespace(pid int, _ func() error) error {
	return &EnterError{PID: pid, Err: errors.New("not supported on this system")}
}
