package term

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// baseImage is built by scripts/build-images.sh (CI runs it first).
const baseImage = "dsp/busybox:latest"

// testContainer starts a busybox container that sleeps, removed at the end
// of the test. Under CI=true a missing engine fails the test; elsewhere it
// skips with what to install.
func testContainer(t *testing.T) (client.APIClient, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	docker, err := client.New(client.FromEnv)
	if err == nil {
		_, err = docker.Ping(ctx, client.PingOptions{})
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %v", err)
		}
		t.Skipf("Docker Engine not reachable (install docker.io and start dockerd, or run scripts/setup.sh): %v", err)
	}
	t.Cleanup(func() { docker.Close() })
	if _, err := docker.ImageInspect(ctx, baseImage); err != nil {
		t.Fatalf("image %s is missing: run scripts/build-images.sh first (%v)", baseImage, err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	created, err := docker.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:   "dsp-term-test-" + hex.EncodeToString(b),
		Config: &container.Config{Image: baseImage, Cmd: []string{"sleep", "infinity"}, Labels: map[string]string{"io.dsp.test": "term"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = docker.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
	})
	if _, err := docker.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	return docker, created.ID
}

// output collects a session's output in the background.
type output struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
	err  error
}

func collect(s *Session) *output {
	o := &output{done: make(chan struct{})}
	go func() {
		defer close(o.done)
		b := make([]byte, 4096)
		for {
			n, err := s.Read(b)
			o.mu.Lock()
			o.buf.Write(b[:n])
			o.mu.Unlock()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					o.err = err
				}
				return
			}
		}
	}()
	return o
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor waits until the output contains s, after position from.
func (o *output) waitFor(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(o.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output within %s; output:\n%q", s, timeout, o.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (o *output) waitEnd(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-o.done:
	case <-time.After(timeout):
		t.Fatalf("output did not end within %s; output:\n%q", timeout, o.String())
	}
}

// execOutput runs argv in the container without a TTY and returns stdout.
func execOutput(t *testing.T, docker client.APIClient, id string, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	created, err := docker.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: argv, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	att, err := docker.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, att.Reader); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTTYOutputResizeAndExitCode(t *testing.T) {
	docker, id := testContainer(t)
	ctx := context.Background()
	s, err := Start(ctx, docker, id, Options{TTY: true, Cols: 100, Rows: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := collect(s)

	// Raw bytes both ways: the shell echoes what it is sent and answers.
	marker := "hello-" + hex.EncodeToString([]byte(time.Now().Format("150405.000")))
	fmt.Fprintf(s, "echo %s; stty size; echo $TERM\r", marker)
	out.waitFor(t, marker+"\r\n", 10*time.Second)
	out.waitFor(t, "30 100\r\n", 5*time.Second)
	out.waitFor(t, "xterm-256color\r\n", 5*time.Second)

	if err := s.Resize(ctx, 120, 40); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(s, "stty size\r")
	out.waitFor(t, "40 120\r\n", 5*time.Second)

	// Ctrl-C interrupts a foreground program, as on a real terminal.
	fmt.Fprintf(s, "sleep 600\r")
	waitPS(t, docker, id, "sleep 600")
	if _, err := s.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(s, "echo after-sleep-$?\r")
	out.waitFor(t, "after-sleep-130\r\n", 5*time.Second)

	fmt.Fprintf(s, "exit 5\r")
	out.waitEnd(t, 10*time.Second)
	code, err := s.Wait(ctx)
	if err != nil || code != 5 {
		t.Fatalf("Wait = %d, %v; want 5", code, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after exit: %v", err)
	}
}

func TestExitCodePassthrough(t *testing.T) {
	docker, id := testContainer(t)
	ctx := context.Background()
	for _, tty := range []bool{true, false} {
		s, err := Start(ctx, docker, id, Options{Cmd: []string{"sh", "-c", "exit 7"}, TTY: tty})
		if err != nil {
			t.Fatal(err)
		}
		out := collect(s)
		out.waitEnd(t, 10*time.Second)
		code, err := s.Wait(ctx)
		if err != nil || code != 7 {
			t.Errorf("tty=%v: Wait = %d, %v; want 7", tty, code, err)
		}
		s.Close()
	}
}

func TestWithoutTTY(t *testing.T) {
	docker, id := testContainer(t)
	ctx := context.Background()

	// Standard error apart, exit code passed through.
	var stderr bytes.Buffer
	s, err := Start(ctx, docker, id, Options{Cmd: []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	out := collect(s)
	out.waitEnd(t, 10*time.Second)
	code, err := s.Wait(ctx)
	if err != nil || code != 3 || out.String() != "out\n" || stderr.String() != "err\n" {
		t.Errorf("got code %d (%v), stdout %q, stderr %q", code, err, out.String(), stderr.String())
	}
	s.Close()

	// Piped input, ended with CloseWrite, comes back byte for byte.
	s, err = Start(ctx, docker, id, Options{Cmd: []string{"cat"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out = collect(s)
	input := make([]byte, 256<<10)
	_, _ = rand.Read(input)
	if _, err := s.Write(input); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	out.waitEnd(t, 20*time.Second)
	if code, err := s.Wait(ctx); err != nil || code != 0 {
		t.Errorf("cat: Wait = %d, %v", code, err)
	}
	if !bytes.Equal([]byte(out.String()), input) {
		t.Errorf("cat returned %d bytes, want the %d bytes sent", len(out.String()), len(input))
	}
}

func TestTwoSessionsDoNotCross(t *testing.T) {
	docker, id := testContainer(t)
	ctx := context.Background()
	a, err := Start(ctx, docker, id, Options{TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Start(ctx, docker, id, Options{TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	outA, outB := collect(a), collect(b)
	fmt.Fprintf(a, "echo only-in-%s\r", "aaa")
	fmt.Fprintf(b, "echo only-in-%s\r", "bbb")
	outA.waitFor(t, "only-in-aaa\r\n", 10*time.Second)
	outB.waitFor(t, "only-in-bbb\r\n", 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	if strings.Contains(outA.String(), "bbb") || strings.Contains(outB.String(), "aaa") {
		t.Errorf("outputs crossed:\nA: %q\nB: %q", outA.String(), outB.String())
	}
}

// psLines lists the container's processes other than PID 1 and ps itself.
func psLines(t *testing.T, docker client.APIClient, id string) []string {
	var out []string
	for _, line := range strings.Split(execOutput(t, docker, id, "ps", "-o", "pid,stat,args"), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] == "PID" || f[0] == "1" || f[2] == "ps" {
			continue
		}
		out = append(out, strings.TrimSpace(line))
	}
	return out
}

// waitPS waits until ps in the container shows every one of what.
func waitPS(t *testing.T, docker client.APIClient, id string, what ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ps := strings.Join(psLines(t, docker, id), "\n")
		missing := false
		for _, w := range what {
			missing = missing || !strings.Contains(ps, w)
		}
		if !missing {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("ps never showed %q:\n%s", what, ps)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestCloseLeavesNoProcess(t *testing.T) {
	ctx := context.Background()
	for _, tty := range []bool{true, false} {
		docker, id := testContainer(t)
		s, err := Start(ctx, docker, id, Options{TTY: tty})
		if err != nil {
			t.Fatal(err)
		}
		out := collect(s)
		// A job in the background, one in the foreground.
		fmt.Fprintf(s, "sleep 2000 &\nsleep 1000\n")
		waitPS(t, docker, id, "sleep 1000", "sleep 2000")
		started := time.Now()
		if err := s.Close(); err != nil {
			t.Fatalf("tty=%v: Close: %v", tty, err)
		}
		t.Logf("tty=%v: Close took %s", tty, time.Since(started).Round(time.Millisecond))
		out.waitEnd(t, 5*time.Second)
		if left := psLines(t, docker, id); len(left) > 0 {
			t.Errorf("tty=%v: processes left after Close:\n%s", tty, strings.Join(left, "\n"))
		}
		if _, err := s.Wait(ctx); err != nil {
			t.Logf("Wait after Close: %v", err)
		}
	}
}

func TestDefaultShell(t *testing.T) {
	docker, id := testContainer(t)
	ctx := context.Background()
	sh, err := DefaultShell(ctx, docker, id)
	if err != nil || len(sh) != 1 || sh[0] != "/bin/sh" {
		t.Fatalf("DefaultShell on busybox = %v, %v; want /bin/sh", sh, err)
	}
	execOutput(t, docker, id, "ln", "-s", "busybox", "/bin/bash")
	sh, err = DefaultShell(ctx, docker, id)
	if err != nil || len(sh) != 1 || sh[0] != "/bin/bash" {
		t.Fatalf("DefaultShell with /bin/bash = %v, %v; want /bin/bash", sh, err)
	}
	execOutput(t, docker, id, "rm", "/bin/bash", "/bin/sh")
	if sh, err := DefaultShell(ctx, docker, id); !errors.Is(err, ErrNoShell) {
		t.Fatalf("DefaultShell without a shell = %v, %v; want ErrNoShell", sh, err)
	}
}
