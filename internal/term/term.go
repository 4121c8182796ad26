// Package term runs interactive processes in containers: a Docker exec
// with (or without) a TTY, whose input and output are raw bytes. Every
// session is its own exec with its own connection; nothing is shared
// between sessions, so any number of terminals can run at once, into the
// same container or different ones.
//
// Docker has no API to kill an exec. Close therefore closes the exec's
// connection (its stdin) and, when the process still runs, signals it from
// the host: ExecInspect gives its host PID, and dsp (root, on the Docker
// host) sends SIGHUP, then SIGKILL after a short grace, to it, its
// descendants and every process of its session. When the engine is remote
// (DOCKER_HOST on another machine) or dsp may not signal the engine's
// processes, that last step cannot happen: Close reports it and the process
// lives until it ends by itself or its container stops.
package term

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// Options describe the process a session runs.
type Options struct {
	// Cmd is the argv to run; empty runs DefaultShell.
	Cmd []string
	// TTY gives the process a terminal: one output stream, raw bytes both
	// ways, a size (Cols x Rows) that Resize changes.
	TTY bool
	// Cols and Rows are the initial terminal size (TTY only); zero keeps
	// Docker's default.
	Cols, Rows uint
	// Env adds environment variables (KEY=value). With a TTY, TERM is
	// xterm-256color unless Env sets it.
	Env []string
	// Stderr receives the process's standard error when there is no TTY;
	// nil sends it to Read, interleaved with standard output.
	Stderr io.Writer
}

// Session is one process running in a container.
type Session struct {
	docker      client.APIClient
	containerID string
	execID      string
	tty         bool
	att         client.HijackedResponse
	out         io.Reader // the process's output

	outputDone chan struct{} // closed when out reached its end
	doneOnce   sync.Once

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// ErrNoShell means the container has neither /bin/bash nor /bin/sh.
var ErrNoShell = errors.New("the container has no shell (neither /bin/bash nor /bin/sh)")

// DefaultShell returns the shell to run in a container: bash when the image
// has it, else sh.
func DefaultShell(ctx context.Context, docker client.APIClient, containerID string) ([]string, error) {
	for _, sh := range []string{"/bin/bash", "/bin/sh"} {
		ok, err := isFile(ctx, docker, containerID, sh)
		if err != nil {
			return nil, err
		}
		if ok {
			return []string{sh}, nil
		}
	}
	return nil, ErrNoShell
}

// isFile reports whether p exists in the container and is not a folder
// (following one symbolic link, as /bin/sh usually is).
func isFile(ctx context.Context, docker client.APIClient, containerID, p string) (bool, error) {
	for range 2 {
		st, err := docker.ContainerStatPath(ctx, containerID, client.ContainerStatPathOptions{Path: p})
		if cerrdefs.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("look for %s in the container: %w", p, err)
		}
		if st.Stat.Mode.IsDir() {
			return false, nil
		}
		if st.Stat.LinkTarget == "" || st.Stat.LinkTarget == p {
			return true, nil
		}
		p = st.Stat.LinkTarget
	}
	return true, nil
}

// Start runs a process in the container and attaches to it. ctx bounds the
// start only; the session lives until the process ends or Close.
func Start(ctx context.Context, docker client.APIClient, containerID string, opts Options) (*Session, error) {
	cmd := opts.Cmd
	if len(cmd) == 0 {
		sh, err := DefaultShell(ctx, docker, containerID)
		if err != nil {
			return nil, err
		}
		cmd = sh
	}
	env := append([]string(nil), opts.Env...)
	if opts.TTY && !hasVar(env, "TERM") {
		env = append(env, "TERM=xterm-256color")
	}
	var size client.ConsoleSize
	if opts.TTY && opts.Cols > 0 && opts.Rows > 0 {
		size = client.ConsoleSize{Width: opts.Cols, Height: opts.Rows}
	}
	created, err := docker.ExecCreate(ctx, containerID, client.ExecCreateOptions{
		Cmd:          cmd,
		Env:          env,
		TTY:          opts.TTY,
		ConsoleSize:  size,
		AttachStdin:  true,
		AttachStdout: true,
		AttachStderr: true,
	})
	if err != nil {
		return nil, fmt.Errorf("exec %s: %w", cmd[0], err)
	}
	att, err := docker.ExecAttach(ctx, created.ID, client.ExecAttachOptions{TTY: opts.TTY, ConsoleSize: size})
	if err != nil {
		return nil, fmt.Errorf("exec %s: %w", cmd[0], err)
	}
	s := &Session{docker: docker, containerID: containerID, execID: created.ID, tty: opts.TTY, att: att.HijackedResponse, outputDone: make(chan struct{})}
	if opts.TTY {
		s.out = att.Reader
		if size.Width > 0 {
			// Engines before API 1.42 ignore the size given at creation.
			_ = s.Resize(ctx, opts.Cols, opts.Rows)
		}
	} else {
		pr, pw := io.Pipe()
		stderr := opts.Stderr
		if stderr == nil {
			stderr = pw
		}
		go func() {
			_, err := stdcopy.StdCopy(pw, stderr, att.Reader)
			pw.CloseWithError(err)
		}()
		s.out = pr
	}
	return s, nil
}

func hasVar(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

// ExecID is Docker's id of the session's exec.
func (s *Session) ExecID() string { return s.execID }

// Read reads the process's output: with a TTY the terminal's bytes, else
// its standard output (and standard error, unless Options.Stderr took it).
// It returns io.EOF once the process closed its output (it ended).
func (s *Session) Read(p []byte) (int, error) {
	n, err := s.out.Read(p)
	if err != nil {
		s.doneOnce.Do(func() { close(s.outputDone) })
		if !errors.Is(err, io.EOF) && s.closed.Load() {
			err = io.EOF
		}
	}
	return n, err
}

// Write sends bytes to the process's input (keys, pastes) unchanged.
func (s *Session) Write(p []byte) (int, error) { return s.att.Conn.Write(p) }

// CloseWrite ends the process's input (it reads end of file); output still
// flows. Without a TTY, this is how piped input ends.
func (s *Session) CloseWrite() error { return s.att.CloseWrite() }

// Resize changes the terminal's size (TTY only; otherwise it does nothing).
func (s *Session) Resize(ctx context.Context, cols, rows uint) error {
	if !s.tty || cols == 0 || rows == 0 {
		return nil
	}
	_, err := s.docker.ExecResize(ctx, s.execID, client.ExecResizeOptions{Width: cols, Height: rows})
	if err != nil {
		return fmt.Errorf("resize terminal: %w", err)
	}
	return nil
}

// ErrGone means the exec disappeared before its exit code could be read:
// its container was stopped or removed.
var ErrGone = errors.New("the container stopped")

// Wait waits for the process to end and returns its exit code. It returns
// when the output has been read to its end (someone must be reading it),
// or when Docker says the process ended (processes it left in the
// background may keep the output open), or when ctx ends.
func (s *Session) Wait(ctx context.Context) (int, error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
wait:
	for {
		select {
		case <-s.outputDone:
			break wait
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-tick.C:
			insp, err := s.docker.ExecInspect(ctx, s.execID, client.ExecInspectOptions{})
			if cerrdefs.IsNotFound(err) {
				return -1, ErrGone
			}
			if err == nil && !insp.Running && insp.PID != 0 {
				// Ended; give its last output a moment to be read.
				select {
				case <-s.outputDone:
				case <-time.After(500 * time.Millisecond):
				case <-ctx.Done():
					return -1, ctx.Err()
				}
				break wait
			}
		}
	}
	// Docker records the exit code just after the output closes.
	deadline := time.Now().Add(5 * time.Second)
	for {
		insp, err := s.docker.ExecInspect(ctx, s.execID, client.ExecInspectOptions{})
		switch {
		case cerrdefs.IsNotFound(err):
			return -1, ErrGone
		case err != nil:
			if ctx.Err() != nil {
				return -1, ctx.Err()
			}
			return -1, fmt.Errorf("read exit code: %w", err)
		case !insp.Running:
			return insp.ExitCode, nil
		}
		if time.Now().After(deadline) {
			return -1, errors.New("the process closed its output but still runs")
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Close ends the session and makes sure its process is gone: it closes the
// connection (the process's input), then, if the process still runs, ends
// it and everything it started from the host (see the package comment).
// It is safe to call more than once and from several goroutines.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.att.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.closeErr = s.cleanup(ctx)
	})
	return s.closeErr
}

// cleanup ends what the exec left running.
func (s *Session) cleanup(ctx context.Context) error {
	insp, err := s.docker.ExecInspect(ctx, s.execID, client.ExecInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return nil // the container is gone, and its processes with it
	}
	if err != nil {
		return fmt.Errorf("inspect exec: %w", err)
	}
	if insp.PID <= 0 {
		return nil // never started
	}
	c, err := s.docker.ContainerInspect(ctx, s.containerID, client.ContainerInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect container: %w", err)
	}
	if c.Container.State == nil || !c.Container.State.Running || c.Container.State.Pid <= 0 {
		return nil
	}
	return killSession(ctx, c.Container.ID, c.Container.State.Pid, insp.PID, insp.Running)
}
