package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/dsp-lab/dsp/internal/engine"
)

// ExecHandler runs a process in a container of the fake engine: every
// process goes through it — an Exec, a session's command, each command of a
// shell script, a wrapper action. It returns the exit code; an error means
// the process could not run at all (the Engine API failed). It may call
// p.Default for the fake's own behaviour.
type ExecHandler func(ctx context.Context, p *Process) (int, error)

// Process is a process the fake runs in a service's container.
type Process struct {
	Ref     engine.Ref
	Service string
	Argv    []string
	Env     []string // KEY=value: the service's environment and the caller's
	Dir     string   // working folder
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// Action is the name of the wrapper action this process (or the
	// script it is part of) runs, "" for any other process.
	Action string
	// TTY says the process runs on a session's terminal.
	TTY bool

	e    *Engine
	c    *container
	term *terminal
}

// terminal is a session's terminal size.
type terminal struct {
	mu         sync.Mutex
	cols, rows uint
}

func (t *terminal) size() (cols, rows uint) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cols, t.rows
}

func (t *terminal) resize(cols, rows uint) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cols, t.rows = cols, rows
}

// Getenv returns the value of an environment variable of the process.
func (p *Process) Getenv(name string) string {
	for i := len(p.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(p.Env[i], "="); ok && k == name {
			return v
		}
	}
	return ""
}

// ReadFile reads a file of the process's container (relative to Dir).
func (p *Process) ReadFile(name string) ([]byte, error) {
	return p.c.files.readFile(p.abs(name))
}

// WriteFile writes a file into the process's container (relative to Dir);
// its folder must exist.
func (p *Process) WriteFile(name string, data []byte, mode fs.FileMode) error {
	return p.c.files.writeFile(p.abs(name), data, mode, false)
}

// abs makes a path absolute against the process's folder.
func (p *Process) abs(name string) string {
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	dir := p.Dir
	if dir == "" {
		dir = "/"
	}
	return path.Join(dir, name)
}

// child returns a process of the same container, streams and terminal.
func (p *Process) child(argv, env []string, dir string, stdin io.Reader, stdout, stderr io.Writer) *Process {
	return &Process{Ref: p.Ref, Service: p.Service, Argv: argv, Env: env, Dir: dir, Stdin: stdin, Stdout: stdout, Stderr: stderr, Action: p.Action, TTY: p.TTY, e: p.e, c: p.c, term: p.term}
}

// run runs a process with the engine's handler, or the default.
func (e *Engine) run(ctx context.Context, p *Process) (int, error) {
	if e.execHandler != nil {
		return e.execHandler(ctx, p)
	}
	return p.Default(ctx)
}

// newProcess returns a process for argv in a container, with the
// container's environment and extra variables.
func (e *Engine) newProcess(ref engine.Ref, c *container, argv, extraEnv []string) *Process {
	env := append(append([]string{}, c.env...), extraEnv...)
	return &Process{Ref: ref, Service: c.service, Argv: argv, Env: env, Dir: "/", Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, e: e, c: c}
}

// runIn runs a process while its container runs: when the container stops
// first, the process ends with code 137 (killed).
func (e *Engine) runIn(ctx context.Context, alive context.Context, p *Process) (int, error) {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(alive, cancel)
	defer stop()
	code, err := e.run(pctx, p)
	switch {
	case ctx.Err() != nil:
		return code, ctx.Err()
	case alive.Err() != nil:
		return 137, nil
	}
	return code, err
}

// runningContainer returns a service's running container and the context
// that lives while it runs, or a *engine.NotRunningError.
func (e *Engine) runningContainer(ref engine.Ref, service string) (*container, error) {
	c, _, err := e.runningContainerCtx(ref, service)
	return c, err
}

func (e *Engine) runningContainerCtx(ref engine.Ref, service string) (*container, context.Context, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.containerLocked(ref, service)
	if err != nil {
		return nil, nil, err
	}
	if c.state != engine.ServiceRunning {
		return nil, nil, &engine.NotRunningError{Ref: ref, Service: service, State: c.state}
	}
	return c, c.ctx, nil
}

// Exec runs argv in a service's running container and returns its exit
// code and output (stdout and stderr, the last 64 KiB); onLine, when set,
// gets each line. argv runs as is, by the handler or by Process.Default.
func (e *Engine) Exec(ctx context.Context, ref engine.Ref, service string, argv []string, onLine func(string)) (int, string, error) {
	ref = normalizeRef(ref)
	if len(argv) == 0 {
		return 0, "", fmt.Errorf("exec in %s: empty command", service)
	}
	c, alive, err := e.runningContainerCtx(ref, service)
	if err != nil {
		return 0, "", err
	}
	out := &tailBuffer{max: 64 << 10}
	lines := &lineWriter{emit: onLine}
	w := &lockedWriter{w: io.MultiWriter(out, lines)}
	p := e.newProcess(ref, c, argv, nil)
	p.Stdout, p.Stderr = w, w
	code, err := e.runIn(ctx, alive, p)
	lines.Flush()
	if err != nil {
		return 0, out.String(), err
	}
	return code, out.String(), nil
}

// Default runs the process the way the fake does without a handler:
//
//   - echo [-n] [-e], printf, true, false, :, cat [FILE…], test and [, sleep
//     SECONDS|infinity, mkdir [-p], touch, rm [-r] [-f], hostname, env, and
//     stty size (on a session's terminal: "ROWS COLS");
//   - sh, bash and ash: -c SCRIPT [NAME ARGS…], a script file, or the script
//     on standard input; scripts have quotes, $VAR, $?, $1…, ;, &&, ||, |,
//     >, >>, <, 2>, 2>&1, >&2, NAME=value, export, cd and exit N;
//   - an executable file of the container (a script whose #! names a shell,
//     or none);
//   - in a wrapper action (Action is set: the action the image declares,
//     or the script of the built-in exec), any other program stands for
//     one of the image's, which the fake has not: it succeeds and does
//     nothing;
//   - anything else exits with code 127 and "sh: NAME: not found".
func (p *Process) Default(ctx context.Context) (int, error) {
	if len(p.Argv) == 0 {
		return 0, nil
	}
	name := p.Argv[0]
	if cmd := builtin(name); cmd != nil {
		return cmd(ctx, p)
	}
	if _, ok := p.c.files.modeOf(p.abs(name)); ok && strings.Contains(name, "/") {
		return p.runFile(ctx)
	}
	if p.Action != "" {
		return 0, nil // one of the image's programs, which the fake has not
	}
	_, _ = fmt.Fprintf(p.Stderr, "sh: %s: not found\n", name)
	return 127, nil
}

// binDirs are the folders where the fake's commands live: "/bin/echo" is
// echo.
var binDirs = []string{".", "/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin"}

// builtin returns the fake's implementation of a command, or nil.
func builtin(name string) func(context.Context, *Process) (int, error) {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	known := false
	for _, d := range binDirs {
		known = known || d == dir
	}
	if !known {
		return nil
	}
	switch base {
	case "echo":
		return cmdEcho
	case "printf":
		return cmdPrintf
	case "true", ":":
		return func(context.Context, *Process) (int, error) { return 0, nil }
	case "false":
		return func(context.Context, *Process) (int, error) { return 1, nil }
	case "cat":
		return cmdCat
	case "test", "[":
		return cmdTest
	case "sleep":
		return cmdSleep
	case "mkdir":
		return cmdMkdir
	case "touch":
		return cmdTouch
	case "rm":
		return cmdRm
	case "hostname":
		return cmdHostname
	case "env":
		return cmdEnv
	case "stty":
		return cmdStty
	case "sh", "bash", "ash", "dash":
		return cmdSh
	}
	return nil
}

// runFile runs an executable file of the container: a shell script.
func (p *Process) runFile(ctx context.Context) (int, error) {
	name := p.Argv[0]
	mode, ok := p.c.files.modeOf(p.abs(name))
	switch {
	case !ok:
		_, _ = fmt.Fprintf(p.Stderr, "sh: %s: not found\n", name)
		return 127, nil
	case mode.IsDir() || mode.Perm()&0o111 == 0:
		_, _ = fmt.Fprintf(p.Stderr, "sh: %s: Permission denied\n", name)
		return 126, nil
	}
	data, err := p.ReadFile(name)
	if err != nil {
		_, _ = fmt.Fprintf(p.Stderr, "sh: %s: %v\n", name, err)
		return 126, nil
	}
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.HasPrefix(first, []byte("#!")) {
		interp := strings.Fields(string(first[2:]))
		if len(interp) > 1 && path.Base(interp[0]) == "env" {
			interp = interp[1:]
		}
		if len(interp) == 0 || builtin(interp[0]) == nil || !isShell(path.Base(interp[0])) {
			_, _ = fmt.Fprintf(p.Stderr, "sh: %s: not found\n", strings.TrimSpace(string(first[2:])))
			return 127, nil
		}
	}
	sh := newShell(p, p.Argv)
	return sh.run(ctx, string(data), p.Stdin, p.Stdout, p.Stderr)
}

func isShell(name string) bool {
	switch name {
	case "sh", "bash", "ash", "dash":
		return true
	}
	return false
}

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return t.buf.String() }

// lineWriter calls emit with each complete line written.
type lineWriter struct {
	buf  bytes.Buffer
	emit func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	if w.emit == nil {
		return len(p), nil
	}
	w.buf.Write(p)
	for {
		i := bytes.IndexByte(w.buf.Bytes(), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := strings.TrimRight(string(w.buf.Next(i+1)), "\r\n")
		if strings.TrimSpace(line) != "" {
			w.emit(line)
		}
	}
}

// Flush emits what is left without a final newline.
func (w *lineWriter) Flush() {
	if w.emit != nil && strings.TrimSpace(w.buf.String()) != "" {
		w.emit(strings.TrimSpace(w.buf.String()))
	}
	w.buf.Reset()
}

// lockedWriter serialises writes: a handler may write stdout and stderr
// from two goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// errNoTTY is stty's complaint without a terminal.
var errNoTTY = errors.New("standard input: Inappropriate ioctl for device")
