package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/internal/lab"
)

// Errors say what went wrong in words for people, and what kind of failure
// it is with the errdefs classification methods (NotFound, Conflict, …), so
// that callers decide with errdefs.IsNotFound and the like, never by the
// message. Hints of what to type next belong to the CLI, not here: the web
// app shows these messages too.

// ErrNoFlag means a lab plants no flag, so there is nothing to submit.
var ErrNoFlag = errors.New("this lab plants no flag")

// ErrGone means a service's container went away while a session ran.
var ErrGone = errors.New("the container is gone")

// BusyError reports that another operation holds an instance.
type BusyError struct {
	Ref       Ref
	Operation string // what the holder is doing, as it said
}

func (e *BusyError) Error() string {
	if e.Operation != "" {
		return fmt.Sprintf("lab %s is busy: %s is in progress", e.Ref, e.Operation)
	}
	return fmt.Sprintf("lab %s is busy: another operation is in progress", e.Ref)
}

// Conflict classifies the error (errdefs).
func (e *BusyError) Conflict() {}

// NotRunningError means an instance, or one of its services, has no running
// container.
type NotRunningError struct {
	Ref     Ref
	Service string
	State   string // the service container's state; "" when the instance has no container at all
}

func (e *NotRunningError) Error() string {
	switch e.State {
	case "":
		return fmt.Sprintf("lab %s is not running", e.Ref)
	case ServiceMissing:
		return fmt.Sprintf("service %s of lab %s has no container", e.Service, e.Ref)
	default:
		return fmt.Sprintf("service %s of lab %s is not running (its container is %s)", e.Service, e.Ref, e.State)
	}
}

// FailedPrecondition classifies the error (errdefs).
func (e *NotRunningError) FailedPrecondition() {}

// NoServiceError means a lab has no service of that name.
type NoServiceError struct {
	Lab      string // REPO/LAB
	Service  string
	Services []string // the lab's services
}

func (e *NoServiceError) Error() string {
	return fmt.Sprintf("lab %s has no service %q (services: %s)", e.Lab, e.Service, strings.Join(e.Services, ", "))
}

// NotFound classifies the error (errdefs).
func (e *NoServiceError) NotFound() {}

// MissingImagesError lists the images a lab needs that are not on the
// engine (and that no build: section provides).
type MissingImagesError struct {
	Images map[string][]string // image -> services
}

func (e *MissingImagesError) Error() string {
	names := make([]string, 0, len(e.Images))
	for n := range e.Images {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s (service %s)", n, strings.Join(e.Images[n], ", "))
	}
	return fmt.Sprintf("%d image(s) missing on this machine: %s; pull, load or build them first (nothing was started)", len(names), strings.Join(parts, "; "))
}

// FailedPrecondition classifies the error (errdefs).
func (e *MissingImagesError) FailedPrecondition() {}

// UntrustedError lists what a lab from an untrusted repository asks for.
type UntrustedError struct {
	Repo  string
	Risks []lab.Risk
	// Ports are the ports the lab publishes on the host ("service web:
	// 8080->80/tcp on 127.0.0.1").
	Ports []string
}

func (e *UntrustedError) Error() string {
	parts := make([]string, len(e.Risks))
	for i, r := range e.Risks {
		parts[i] = r.String()
	}
	msg := fmt.Sprintf("repository %s is not trusted and this lab asks for: %s", e.Repo, strings.Join(parts, "; "))
	if len(e.Ports) > 0 {
		msg += fmt.Sprintf("; it also publishes %s", strings.Join(e.Ports, ", "))
	}
	return msg
}

// PermissionDenied classifies the error (errdefs).
func (e *UntrustedError) Forbidden() {}

// SubnetInUseError names what already holds a subnet the lab wants.
type SubnetInUseError struct {
	Network string // the lab's network
	Subnet  string
	Holder  string // "running lab REPO/LAB (network NAME, …)" or "Docker network NAME (…)"
}

func (e *SubnetInUseError) Error() string {
	return fmt.Sprintf("network %s wants subnet %s, which overlaps %s; stop it first", e.Network, e.Subnet, e.Holder)
}

// Conflict classifies the error (errdefs).
func (e *SubnetInUseError) Conflict() {}

// StepError says which step of a start failed.
type StepError struct {
	Step   Step
	Target string
	Err    error
}

func (e *StepError) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("%s %s failed: %v", e.Step, e.Target, e.Err)
	}
	return fmt.Sprintf("%s failed: %v", e.Step, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// ActionError reports a wrapper action that failed, with its output.
type ActionError struct {
	Service  string
	Action   string
	Priority int
	ExitCode int
	Output   string
}

func (e *ActionError) Error() string {
	msg := fmt.Sprintf("service %s: action %s (priority %d) exited with code %d", e.Service, e.Action, e.Priority, e.ExitCode)
	if out := strings.TrimSpace(e.Output); out != "" {
		msg += ": " + lastLines(out, 5)
	}
	return msg
}

// InUseError refuses to remove an image that labs use.
type InUseError struct {
	Image string
	Labs  []string
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("image %s is used by lab %s; stop it first", e.Image, strings.Join(e.Labs, ", "))
}

// Conflict classifies the error (errdefs).
func (e *InUseError) Conflict() {}

// InvalidImageRefError refuses a value that is not an image reference.
type InvalidImageRefError struct {
	Ref    string
	Reason string
}

func (e *InvalidImageRefError) Error() string {
	return fmt.Sprintf("%q is not an image reference or id: %s", e.Ref, e.Reason)
}

// InvalidArgument classifies the error (errdefs).
func (e *InvalidImageRefError) InvalidParameter() {}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// NameTakenError means a toolbox was given the name of a service or of
// another toolbox of the instance.
type NameTakenError struct {
	Ref  Ref
	Name string
}

func (e *NameTakenError) Error() string {
	return fmt.Sprintf("lab %s has a service or toolbox named %q already", e.Ref, e.Name)
}

// Conflict classifies the error (errdefs).
func (e *NameTakenError) Conflict() {}

// NoNetworkError means a running instance has no network of that name
// (or the service named is not on it).
type NoNetworkError struct {
	Ref     Ref
	Network string
	Service string // set when the service is not on the network
}

func (e *NoNetworkError) Error() string {
	if e.Service != "" {
		if e.Network == "" {
			return fmt.Sprintf("service %s of lab %s is on no lab network", e.Service, e.Ref)
		}
		return fmt.Sprintf("service %s of lab %s is not on network %q", e.Service, e.Ref, e.Network)
	}
	return fmt.Sprintf("lab %s has no network %q running", e.Ref, e.Network)
}

// NotFound classifies the error (errdefs).
func (e *NoNetworkError) NotFound() {}

// NoToolboxError means an instance has no toolbox of that name.
type NoToolboxError struct {
	Ref  Ref
	Name string
}

func (e *NoToolboxError) Error() string {
	return fmt.Sprintf("lab %s has no toolbox %q", e.Ref, e.Name)
}

// NotFound classifies the error (errdefs).
func (e *NoToolboxError) NotFound() {}

// VMNotReadyError means a VM did not print its ready line in time.
type VMNotReadyError struct {
	Service string
	Pattern string
	Timeout time.Duration
	Console string // the end of what its console printed
}

func (e *VMNotReadyError) Error() string {
	if strings.HasPrefix(e.Pattern, "port ") {
		return fmt.Sprintf("VM %s did not answer on %s within %s (%s)", e.Service, strings.TrimPrefix(e.Pattern, "port "), e.Timeout, e.Console)
	}
	msg := fmt.Sprintf("VM %s did not print %q on its console within %s", e.Service, e.Pattern, e.Timeout)
	if c := strings.TrimSpace(e.Console); c != "" {
		msg += "; its console ended with:\n" + c
	}
	return msg
}

// DeadlineExceeded classifies the error (errdefs).
func (e *VMNotReadyError) DeadlineExceeded() {}
