package fake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"sync"

	"github.com/dsp-lab/dsp/internal/engine"
)

// prompt is what the fake's interactive shell prints before each line.
const prompt = "$ "

// session is an interactive process: the fake's shell, or a command.
type session struct {
	id      string
	e       *Engine
	ref     engine.Ref
	c       *container
	cmd     []string
	tty     bool
	term    *terminal
	in      *pipeBuffer     // what Write sends, the process reads
	out     *pipeBuffer     // what the process writes, Read returns
	ctx     context.Context // lives while the process runs
	cancel  context.CancelFunc
	done    chan struct{}
	endOnce sync.Once
	code    int
	err     error
}

// Attach starts an interactive process in a service's running container:
// the fake's shell when opts.Cmd is empty or names a shell (sh, bash…),
// else that command (its standard input is the session's). The shell reads
// lines and runs each like Exec; with a TTY it prints the prompt "$ ",
// echoes what it reads (Backspace erases, Ctrl-C drops the line, Ctrl-D on
// an empty line ends it) and ends its output lines with \r\n; without one
// it prints no prompt and echoes nothing, as sh does on a pipe. "exit N"
// ends it with code N, the end of its input with the last status. "stty
// size" prints the terminal's size as the last Resize (or opts) set it.
func (e *Engine) Attach(ctx context.Context, ref engine.Ref, service string, opts engine.AttachOptions) (engine.Session, error) {
	ref = normalizeRef(ref)
	c, alive, err := e.runningContainerCtx(ref, service)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.seq++
	id := fmt.Sprintf("fake-exec-%012d", e.seq)
	e.mu.Unlock()
	s := &session{id: id, e: e, ref: ref, c: c, cmd: append([]string{}, opts.Cmd...), tty: opts.TTY, in: newPipeBuffer(), out: newPipeBuffer(), done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	// A container that stops ends its sessions (code 137, killed).
	context.AfterFunc(alive, func() { s.finish(137, nil) })
	env := append([]string{}, opts.Env...)
	if opts.TTY {
		s.term = &terminal{cols: opts.Cols, rows: opts.Rows}
		if !hasVar(env, "TERM") {
			env = append(env, "TERM=xterm-256color")
		}
	}
	var stdout, stderr io.Writer = s.out, s.out
	if opts.TTY {
		stdout = crlfWriter{s.out}
		stderr = stdout
	} else if opts.Stderr != nil {
		stderr = opts.Stderr
	}
	p := e.newProcess(ref, c, s.cmd, env)
	p.Stdin, p.Stdout, p.Stderr, p.TTY, p.term = s.in, stdout, stderr, opts.TTY, s.term
	e.mu.Lock()
	e.sessions[s] = struct{}{}
	e.mu.Unlock()
	go s.run(p)
	return s, nil
}

// run runs the session's process and ends the session with its code.
func (s *session) run(p *Process) {
	var code int
	var err error
	if isInteractiveShell(s.cmd) {
		code, err = s.shell(p)
	} else {
		code, err = s.e.run(s.ctx, p)
	}
	if s.ctx.Err() != nil {
		return // ended by Close or by its container: finish already ran
	}
	if err != nil {
		_, _ = fmt.Fprintf(p.Stderr, "%v\n", err)
		code = 126
	}
	s.finish(code, nil)
}

// isInteractiveShell reports whether cmd asks for the shell itself.
func isInteractiveShell(cmd []string) bool {
	if len(cmd) == 0 {
		return true
	}
	if !isShell(path.Base(cmd[0])) {
		return false
	}
	for _, arg := range cmd[1:] {
		if arg != "-i" && arg != "-l" && arg != "--login" {
			return false
		}
	}
	return true
}

// shell is the interactive shell: a line discipline in front of a shell
// that keeps its variables from line to line.
func (s *session) shell(p *Process) (int, error) {
	sh := newShell(p, []string{"sh"})
	ld := &lineDiscipline{tty: s.tty, out: s.out}
	ld.prompt()
	for {
		line, ok := ld.readLine(s.in)
		if !ok {
			return sh.status, nil
		}
		if _, err := sh.run(s.ctx, line, emptyReader{}, p.Stdout, p.Stderr); err != nil {
			return sh.status, err
		}
		if sh.exited {
			return sh.status, nil
		}
		ld.prompt()
	}
}

// lineDiscipline reads lines from a session's input as a terminal does.
type lineDiscipline struct {
	tty    bool
	out    *pipeBuffer
	lastCR bool
}

func (ld *lineDiscipline) prompt() {
	if ld.tty {
		_, _ = ld.out.Write([]byte(prompt))
	}
}

func (ld *lineDiscipline) echo(s string) {
	if ld.tty {
		_, _ = ld.out.Write([]byte(s))
	}
}

// readLine returns the next line; ok is false at the end of the input.
func (ld *lineDiscipline) readLine(in *pipeBuffer) (string, bool) {
	var line []byte
	for {
		b, err := in.ReadByte()
		if err != nil {
			return string(line), len(line) > 0 // a last line without its newline still runs
		}
		cr := ld.lastCR
		ld.lastCR = b == '\r'
		switch {
		case b == '\n' && cr:
			continue // \r\n is one end of line
		case b == '\r' || b == '\n':
			ld.echo("\r\n")
			return string(line), true
		case !ld.tty:
			line = append(line, b)
		case b == 0x03: // Ctrl-C
			ld.echo("^C\r\n")
			line = line[:0]
			ld.prompt()
		case b == 0x04: // Ctrl-D
			if len(line) == 0 {
				return "", false
			}
		case b == 0x7f || b == 0x08:
			if len(line) > 0 {
				line = line[:len(line)-1]
				ld.echo("\b \b")
			}
		default:
			line = append(line, b)
			ld.echo(string(b))
		}
	}
}

// finish ends the session once: the first outcome wins.
func (s *session) finish(code int, err error) {
	s.endOnce.Do(func() {
		s.code, s.err = code, err
		s.cancel()
		s.in.Close()
		s.out.Close()
		s.e.mu.Lock()
		delete(s.e.sessions, s)
		s.e.mu.Unlock()
		close(s.done)
	})
}

func (s *session) Read(p []byte) (int, error)  { return s.out.Read(p) }
func (s *session) Write(p []byte) (int, error) { return s.in.Write(p) }

// CloseWrite ends the process's input.
func (s *session) CloseWrite() error {
	s.in.Close()
	return nil
}

// Resize records the terminal's size (TTY only).
func (s *session) Resize(ctx context.Context, cols, rows uint) error {
	if s.term != nil && cols > 0 && rows > 0 {
		s.term.resize(cols, rows)
	}
	return nil
}

// Wait waits until the process ends and returns its exit code, or
// engine.ErrGone when its instance was stopped first.
func (s *session) Wait(ctx context.Context) (int, error) {
	select {
	case <-s.done:
		return s.code, s.err
	case <-ctx.Done():
		return -1, ctx.Err()
	}
}

// Close ends the process if it still runs (it ends as a process hung up
// on does, code 129) and releases the session.
func (s *session) Close() error {
	s.finish(129, nil)
	return nil
}

// gone ends the session because its container went away.
func (s *session) gone() { s.finish(-1, engine.ErrGone) }

func (s *session) ID() string { return s.id }

func (s *session) info() SessionInfo {
	info := SessionInfo{ID: s.id, Ref: s.ref, Service: s.c.service, Cmd: append([]string{}, s.cmd...), TTY: s.tty}
	if s.term != nil {
		info.Cols, info.Rows = s.term.size()
	}
	return info
}

func sortSessions(list []SessionInfo) {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
}

// sessionsOfLocked lists the open sessions into a container.
func (e *Engine) sessionsOfLocked(c *container) []*session {
	var out []*session
	for s := range e.sessions {
		if s.c == c {
			out = append(out, s)
		}
	}
	return out
}

func hasVar(env []string, name string) bool {
	for _, kv := range env {
		if len(kv) > len(name) && kv[:len(name)+1] == name+"=" {
			return true
		}
	}
	return false
}

// pipeBuffer is a pipe that never blocks its writer: Read waits for data
// or Close, then returns io.EOF once drained.
type pipeBuffer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    bytes.Buffer
	closed bool
}

func newPipeBuffer() *pipeBuffer {
	p := &pipeBuffer{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *pipeBuffer) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, io.ErrClosedPipe
	}
	p.buf.Write(b)
	p.cond.Broadcast()
	return len(b), nil
}

func (p *pipeBuffer) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.buf.Len() == 0 && !p.closed {
		p.cond.Wait()
	}
	if p.buf.Len() == 0 {
		return 0, io.EOF
	}
	return p.buf.Read(b)
}

func (p *pipeBuffer) ReadByte() (byte, error) {
	var b [1]byte
	if _, err := p.Read(b[:]); err != nil {
		return 0, err
	}
	return b[0], nil
}

// Close ends the pipe: readers get what is left, then io.EOF.
func (p *pipeBuffer) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.cond.Broadcast()
}

// crlfWriter ends lines with \r\n, as a terminal's output does.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// emptyReader is a standard input that is at its end.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }
