package fake_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// screen collects a session's output and lets a test wait for text.
type screen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced at each change
	ended   bool
}

func watch(r io.Reader) *screen {
	s := &screen{changed: make(chan struct{})}
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := r.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.ended = err != nil
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// waitFor waits until the output contains want and returns it all.
func (s *screen) waitFor(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		text, changed, ended := s.buf.String(), s.changed, s.ended
		s.mu.Unlock()
		if strings.Contains(text, want) {
			return text
		}
		if ended {
			t.Fatalf("output ended without %q: %q", want, text)
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("output never showed %q: %q", want, text)
		}
	}
}

// waitEnd waits until the output ends and returns it all.
func (s *screen) waitEnd(t *testing.T) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		text, changed, ended := s.buf.String(), s.changed, s.ended
		s.mu.Unlock()
		if ended {
			return text
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("output never ended: %q", text)
		}
	}
}

func write(t *testing.T, s engine.Session, text string) {
	t.Helper()
	if _, err := io.WriteString(s, text); err != nil {
		t.Fatalf("write %q: %v", text, err)
	}
}

func TestTerminalSession(t *testing.T) {
	e, r := runningShellLab(t)
	ctx := context.Background()
	s, err := e.Attach(ctx, r, "a", engine.AttachOptions{TTY: true, Cols: 80, Rows: 24, Env: []string{"FOO=bar"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := watch(s)
	out.waitFor(t, "$ ")
	write(t, s, "echo hi\r")
	out.waitFor(t, "$ echo hi\r\nhi\r\n$ ")
	write(t, s, "ab\x7fc\r")
	out.waitFor(t, "ab\b \bc\r\nsh: ac: not found\r\n$ ")
	write(t, s, "xyz\x03")
	out.waitFor(t, "xyz^C\r\n$ ")
	write(t, s, "echo $FOO $TERM $GREETING\n")
	out.waitFor(t, "bar xterm-256color hi there\r\n")
	write(t, s, "stty size\r\n")
	out.waitFor(t, "24 80\r\n")
	if err := s.Resize(ctx, 120, 40); err != nil {
		t.Fatal(err)
	}
	if list := e.Sessions(); len(list) != 1 || list[0].ID != s.ID() || !list[0].TTY || list[0].Cols != 120 || list[0].Rows != 40 || list[0].Service != "a" {
		t.Errorf("sessions: %+v", list)
	}
	write(t, s, "stty size\r")
	out.waitFor(t, "40 120\r\n")
	write(t, s, "X=5\rexit $X\r")
	if code, err := s.Wait(ctx); code != 5 || err != nil {
		t.Errorf("wait: %d, %v", code, err)
	}
	out.waitEnd(t)
	if list := e.Sessions(); len(list) != 0 {
		t.Errorf("sessions after exit: %+v", list)
	}
}

func TestPipedSessionStderrApart(t *testing.T) {
	e, r := runningShellLab(t)
	var stderr bytes.Buffer
	s, err := e.Attach(context.Background(), r, "a", engine.AttachOptions{Cmd: []string{"/bin/sh"}, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := watch(s)
	write(t, s, "echo out\nnope\n")
	if err := s.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if code, err := s.Wait(context.Background()); code != 127 || err != nil {
		t.Errorf("wait: %d, %v; want the last status, 127", code, err)
	}
	if text := out.waitEnd(t); text != "out\n" {
		t.Errorf("output %q: no prompt, no echo, no stderr", text)
	}
	if stderr.String() != "sh: nope: not found\n" {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestCommandSessionReadsItsInput(t *testing.T) {
	e, r := runningShellLab(t)
	s, err := e.Attach(context.Background(), r, "a", engine.AttachOptions{Cmd: []string{"cat"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := watch(s)
	write(t, s, "abc")
	out.waitFor(t, "abc")
	write(t, s, "def\n")
	_ = s.CloseWrite()
	if code, err := s.Wait(context.Background()); code != 0 || err != nil {
		t.Errorf("wait: %d, %v", code, err)
	}
	if text := out.waitEnd(t); text != "abcdef\n" {
		t.Errorf("output %q", text)
	}
	if list := e.Sessions(); len(list) != 0 {
		t.Errorf("sessions: %+v", list)
	}
}

func TestClosedSession(t *testing.T) {
	e, r := runningShellLab(t)
	s, err := e.Attach(context.Background(), r, "a", engine.AttachOptions{TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	out := watch(s)
	out.waitFor(t, "$ ")
	if len(e.Sessions()) != 1 {
		t.Errorf("sessions: %+v", e.Sessions())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if code, err := s.Wait(context.Background()); code != 129 || err != nil {
		t.Errorf("wait after close: %d, %v", code, err)
	}
	out.waitEnd(t)
	if _, err := s.Write([]byte("echo\n")); err == nil {
		t.Errorf("write after close succeeded")
	}
	if len(e.Sessions()) != 0 || s.Close() != nil {
		t.Errorf("sessions after close: %+v", e.Sessions())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s2, err := e.Attach(context.Background(), r, "a", engine.AttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait with an ended context: %v", err)
	}
	write(t, s2, "\x04") // not a TTY: Ctrl-D is just a byte
	_ = s2.CloseWrite()
	if code, _ := s2.Wait(context.Background()); code != 127 {
		t.Errorf("a line of one Ctrl-D: %d", code)
	}
	if _, err := e.Attach(context.Background(), refOf(t, newLab(t, shellLab), ""), "a", engine.AttachOptions{}); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("attach to a stopped lab: %v", err)
	}
}

func TestCtrlDEndsTheTerminal(t *testing.T) {
	e, r := runningShellLab(t)
	s, err := e.Attach(context.Background(), r, "a", engine.AttachOptions{TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	watch(s)
	write(t, s, "false\r\x04")
	if code, err := s.Wait(context.Background()); code != 1 || err != nil {
		t.Errorf("wait: %d, %v; want the last status", code, err)
	}
}
