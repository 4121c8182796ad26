package app

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
)

// ShellForbiddenError means a lab forbids reaching into a service: no
// terminal and no file transfer (upstream isShellEnabled: false, native
// x-dsp.shell: false).
type ShellForbiddenError struct {
	Lab, Service string
}

func (e *ShellForbiddenError) Error() string {
	return fmt.Sprintf("lab %s forbids the shell for service %s (shell: false), and with it terminals and file transfer", e.Lab, e.Service)
}

// Forbidden classifies the error (errdefs).
func (e *ShellForbiddenError) Forbidden() {}

// Service is a service of a running instance that the user may reach
// into: open terminals in it, copy files in and out.
type Service struct {
	Ref  engine.Ref
	Name string
	// VM says the service is a virtual machine: its terminal is the VM's
	// serial console.
	VM  bool
	vnc bool // a VM with a screen
	eng engine.Engine
}

// Service checks that the user may reach into a service of an instance,
// the one permission rule for terminals and files: the lab has the
// service, allows a shell in it, and the service's container runs.
//
// A toolbox of the running instance is reached the same way, by its name:
// it is the user's own container, so its shell is always allowed.
func (a *App) Service(ctx context.Context, t *Target, ref engine.Ref, name string) (*Service, error) {
	svc, isService := t.Service(name)
	if isService && !svc.Shell {
		return nil, &ShellForbiddenError{Lab: t.ID(), Service: name}
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	st, err := eng.Status(ctx, ref, t.Lab)
	if err != nil {
		return nil, err
	}
	if !isService {
		tb, ok := st.Toolbox(name)
		if !ok {
			return nil, &engine.NoServiceError{Lab: t.ID(), Service: name, Services: t.ServiceNames()}
		}
		if tb.State != engine.ServiceRunning {
			return nil, &engine.NotRunningError{Ref: ref, Service: name, State: tb.State}
		}
		return &Service{Ref: ref, Name: name, eng: eng}, nil
	}
	s, ok := st.Service(name)
	switch {
	case len(st.Services) == 0 || st.State == engine.StateStopped:
		return nil, &engine.NotRunningError{Ref: ref}
	case !ok || s.State != engine.ServiceRunning:
		state := engine.ServiceMissing
		if ok {
			state = s.State
		}
		return nil, &engine.NotRunningError{Ref: ref, Service: name, State: state}
	}
	return &Service{Ref: ref, Name: name, VM: svc.VM != nil, vnc: svc.VM != nil && svc.VM.Console == "vnc", eng: eng}, nil
}

// Attach starts an interactive process in the service (its shell by
// default; a VM's serial console).
func (s *Service) Attach(ctx context.Context, opts engine.AttachOptions) (engine.Session, error) {
	if s.VM && len(opts.Cmd) == 0 {
		opts.Cmd = engine.VMConsoleCommand
	}
	return s.eng.Attach(ctx, s.Ref, s.Name, opts)
}

// Files is the service's container as archive.Container, for copies with
// docker cp's rules.
func (s *Service) Files() archive.Container { return engine.ServiceFiles(s.eng, s.Ref, s.Name) }

// CopyOut copies a file or folder of the container to the host path dest.
func (s *Service) CopyOut(ctx context.Context, src, dest string) error {
	return archive.CopyOut(ctx, s.Files(), src, dest)
}

// CopyIn copies a host file or folder to dest in the container.
func (s *Service) CopyIn(ctx context.Context, src, dest string) error {
	return archive.CopyIn(ctx, s.Files(), src, dest)
}

// Stat describes a path of the container, following a final symbolic link;
// it returns the stat and the path it resolved to.
func (s *Service) Stat(ctx context.Context, path string) (archive.PathStat, string, error) {
	return archive.Stat(ctx, s.Files(), path)
}

// Download returns a resolved path of the container as a tar stream.
func (s *Service) Download(ctx context.Context, resolved string) (io.ReadCloser, error) {
	return s.eng.CopyOut(ctx, s.Ref, s.Name, resolved)
}

// Upload extracts a tar stream into a resolved folder of the container.
func (s *Service) Upload(ctx context.Context, dir string, content io.Reader) error {
	return s.eng.CopyIn(ctx, s.Ref, s.Name, dir, content)
}

// NoScreenError means a service has no screen to show: it is not a VM
// whose console is vnc.
type NoScreenError struct{ Service string }

func (e *NoScreenError) Error() string {
	return fmt.Sprintf("service %s has no screen: only a VM with console: vnc has one", e.Service)
}

// FailedPrecondition classifies the error (errdefs).
func (e *NoScreenError) FailedPrecondition() {}

// HasScreen reports whether the service is a VM with a screen.
func (s *Service) HasScreen() bool { return s.vnc }

// Screen connects to a VM's screen (VNC, RFB protocol) inside its helper
// container.
func (s *Service) Screen(ctx context.Context) (net.Conn, error) {
	if !s.vnc {
		return nil, &NoScreenError{Service: s.Name}
	}
	d, err := s.eng.Dial(ctx, s.Ref, s.Name)
	if err != nil {
		return nil, err
	}
	conn, err := d.DialContext(ctx, "tcp", engine.VMVNCAddress)
	if err != nil {
		return nil, fmt.Errorf("the screen of %s: %w", s.Name, err)
	}
	return conn, nil
}
