package local

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/netns"
	"github.com/dsp-lab/dsp/internal/term"
)

// Exec runs argv in the running container of a service and returns its exit
// code and output (the last 64 KiB); onLine, when set, gets each line as it
// comes. argv runs as is: a shell runs only when argv asks for one.
func (e *Engine) Exec(ctx context.Context, ref engine.Ref, service string, argv []string, onLine func(string)) (int, string, error) {
	if len(argv) == 0 {
		return 0, "", fmt.Errorf("exec in %s: empty command", service)
	}
	id, err := e.serviceContainer(ctx, ref, service)
	if err != nil {
		return 0, "", err
	}
	if onLine == nil {
		onLine = func(string) {}
	}
	return e.exec(ctx, id, argv, false, onLine)
}

// Attach starts an interactive process in a service's running container.
func (e *Engine) Attach(ctx context.Context, ref engine.Ref, service string, opts engine.AttachOptions) (engine.Session, error) {
	id, err := e.serviceContainer(ctx, ref, service)
	if err != nil {
		return nil, err
	}
	s, err := term.Start(ctx, e.docker, id, term.Options{Cmd: opts.Cmd, TTY: opts.TTY, Cols: opts.Cols, Rows: opts.Rows, Env: opts.Env, Stderr: opts.Stderr})
	if err != nil {
		return nil, err
	}
	return session{s}, nil
}

// session is a term.Session as an engine.Session.
type session struct{ *term.Session }

func (s session) ID() string { return s.ExecID() }

func (s session) Wait(ctx context.Context) (int, error) {
	code, err := s.Session.Wait(ctx)
	if errors.Is(err, term.ErrGone) {
		return code, engine.ErrGone
	}
	return code, err
}

// StatPath describes a path in a service's running container.
func (e *Engine) StatPath(ctx context.Context, ref engine.Ref, service, path string) (archive.PathStat, error) {
	id, err := e.serviceContainer(ctx, ref, service)
	if err != nil {
		return archive.PathStat{}, err
	}
	return containerFiles{e, id}.StatPath(ctx, path)
}

// CopyIn extracts a tar stream into a folder of a service's running
// container.
func (e *Engine) CopyIn(ctx context.Context, ref engine.Ref, service, dir string, content io.Reader) error {
	id, err := e.serviceContainer(ctx, ref, service)
	if err != nil {
		return err
	}
	return containerFiles{e, id}.CopyIn(ctx, dir, content)
}

// CopyOut returns a path of a service's running container as a tar stream.
func (e *Engine) CopyOut(ctx context.Context, ref engine.Ref, service, path string) (io.ReadCloser, error) {
	id, err := e.serviceContainer(ctx, ref, service)
	if err != nil {
		return nil, err
	}
	return containerFiles{e, id}.CopyOut(ctx, path)
}

// Dial returns a dialer that connects from the service's network
// namespace, entered by the host PID of its container's main process: dsp
// must run as root on the Docker host.
func (e *Engine) Dial(ctx context.Context, ref engine.Ref, service string) (engine.Dialer, error) {
	id, err := e.serviceContainer(ctx, ref, service)
	if err != nil {
		return nil, err
	}
	res, err := e.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect service %s: %w", service, err)
	}
	if res.Container.State == nil || res.Container.State.Pid == 0 {
		return nil, &engine.NotRunningError{Ref: ref, Service: service, State: "exited"}
	}
	return netns.Dialer{PID: res.Container.State.Pid}, nil
}

// containerFiles is the archive API of one container.
type containerFiles struct {
	e  *Engine
	id string
}

func (c containerFiles) StatPath(ctx context.Context, path string) (archive.PathStat, error) {
	res, err := c.e.docker.ContainerStatPath(ctx, c.id, client.ContainerStatPathOptions{Path: path})
	if err != nil {
		return archive.PathStat{}, fmt.Errorf("stat %s: %w", path, err)
	}
	st := res.Stat
	return archive.PathStat{Name: st.Name, Size: st.Size, Mode: st.Mode, LinkTarget: st.LinkTarget}, nil
}

func (c containerFiles) CopyIn(ctx context.Context, dir string, content io.Reader) error {
	if _, err := c.e.docker.CopyToContainer(ctx, c.id, client.CopyToContainerOptions{DestinationPath: dir, Content: content}); err != nil {
		return fmt.Errorf("copy into %s: %w", dir, err)
	}
	return nil
}

func (c containerFiles) CopyOut(ctx context.Context, path string) (io.ReadCloser, error) {
	res, err := c.e.docker.CopyFromContainer(ctx, c.id, client.CopyFromContainerOptions{SourcePath: path})
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", path, err)
	}
	return res.Content, nil
}
