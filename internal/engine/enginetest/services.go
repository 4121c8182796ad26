package enginetest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
)

// serviceLab has one service with an environment.
const serviceLab = `x-dsp: {title: Contract services}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    environment:
      GREETING: hello from compose
`

// testExec: exit codes, output (stdout and stderr, line by line), the
// service's environment and files, its hostname; refusals where nothing
// runs; logs.
func (s *suite) testExec(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-exec", serviceLab)
	r := ref(t, l)
	up(t, e, r, l, engine.UpOptions{Trusted: true})

	for _, tc := range []struct {
		argv []string
		code int
		out  string
	}{
		{[]string{"echo", "hello", "world"}, 0, "hello world\n"},
		{[]string{"false"}, 1, ""},
		{[]string{"sh", "-c", "echo $GREETING"}, 0, "hello from compose\n"},
		{[]string{"sh", "-c", "echo saved > /tmp/saved && cat /tmp/saved"}, 0, "saved\n"},
		{[]string{"sh", "-c", "exit 42"}, 42, ""},
	} {
		if code, out := exec(t, e, r, "a", tc.argv...); code != tc.code || out != tc.out {
			t.Errorf("exec %q: %d %q, want %d %q", tc.argv, code, out, tc.code, tc.out)
		}
	}
	// Standard output and error come in one output, line by line; the
	// engine reads them apart, so their order is not kept.
	var lines []string
	code, out, err := e.Exec(ctxFor(t, time.Minute), r, "a", []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, func(line string) { lines = append(lines, line) })
	slices.Sort(lines)
	if err != nil || code != 3 || (out != "out\nerr\n" && out != "err\nout\n") || !slices.Equal(lines, []string{"err", "out"}) {
		t.Errorf("exec with stderr: %d %q (lines %q), %v; want 3 and the lines out and err", code, out, lines, err)
	}
	st := status(t, e, r, l)
	if _, out := exec(t, e, r, "a", "cat", "/etc/hostname"); len(st.Services) != 1 || strings.TrimSpace(out) != st.Services[0].ContainerID[:12] {
		t.Errorf("hostname = %q, want the container id's first 12 digits (%+v)", out, st.Services)
	}

	ctx := ctxFor(t, time.Minute)
	stopped := ref(t, l)
	if _, _, err := e.Exec(ctx, stopped, "a", []string{"true"}, nil); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("exec in a stopped lab: %v, want a *engine.NotRunningError", err)
	}
	if _, _, err := e.Exec(ctx, r, "nope", []string{"true"}, nil); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("exec in a service the lab does not have: %v, want a *engine.NotRunningError", err)
	}
	if err := e.Logs(ctx, stopped, engine.LogsOptions{}, io.Discard); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("logs of a stopped lab: %v, want a *engine.NotRunningError", err)
	}
	if err := e.Logs(ctx, r, engine.LogsOptions{Services: []string{"nope"}}, io.Discard); !errors.As(err, new(*engine.NoServiceError)) || !errdefs.IsNotFound(err) {
		t.Errorf("logs of a service the lab does not have: %v, want a *engine.NoServiceError", err)
	}
	if err := e.Logs(ctx, r, engine.LogsOptions{Tail: "10"}, io.Discard); err != nil {
		t.Errorf("logs: %v", err)
	}
}

// testFiles: a folder with files, modes, an empty folder and a symbolic
// link goes in and comes back byte for byte through package archive;
// StatPath describes what is there and refuses what is not.
func (s *suite) testFiles(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-files", serviceLab)
	r := ref(t, l)
	up(t, e, r, l, engine.UpOptions{Trusted: true})
	ctx := ctxFor(t, 2*time.Minute)
	files := engine.ServiceFiles(e, r, "a")

	src := filepath.Join(t.TempDir(), "tree")
	writeTree(t, src)
	if err := archive.CopyIn(ctx, files, src, "/tmp"); err != nil {
		t.Fatalf("copy in: %v", err)
	}
	if _, out := exec(t, e, r, "a", "cat", "/tmp/tree/a.txt"); out != "alpha\n" {
		t.Errorf("copied file reads %q, want \"alpha\\n\"", out)
	}
	if code, out := exec(t, e, r, "a", "/tmp/tree/run.sh"); code != 0 || out != "run\n" {
		t.Errorf("copied script: %d %q, want 0 \"run\\n\"", code, out)
	}
	if st, err := e.StatPath(ctx, r, "a", "/tmp/tree/a.txt"); err != nil || st.Name != "a.txt" || st.Size != 6 || st.Mode != 0o644 {
		t.Errorf("stat a.txt: %+v, %v; want a.txt, 6 bytes, 0644", st, err)
	}
	if st, err := e.StatPath(ctx, r, "a", "/tmp/tree/link"); err != nil || st.Mode&fs.ModeSymlink == 0 {
		t.Errorf("stat link: %+v, %v; want a symbolic link", st, err)
	}
	if st, err := e.StatPath(ctx, r, "a", "/tmp/tree/sub"); err != nil || !st.Mode.IsDir() {
		t.Errorf("stat sub: %+v, %v; want a folder", st, err)
	}
	if _, err := e.StatPath(ctx, r, "a", "/tmp/tree/nope"); !errdefs.IsNotFound(err) {
		t.Errorf("stat a missing path: %v, want a NotFound error", err)
	}

	dst := t.TempDir()
	if err := archive.CopyOut(ctx, files, "/tmp/tree", dst); err != nil {
		t.Fatalf("copy out: %v", err)
	}
	compareTrees(t, src, filepath.Join(dst, "tree"))
	if err := archive.CopyOut(ctx, files, "/tmp/nope", dst); !errdefs.IsNotFound(err) {
		t.Errorf("copy out a missing path: %v, want a NotFound error", err)
	}
}

// writeTree writes the folder the files test copies around.
func writeTree(t *testing.T, dir string) {
	t.Helper()
	binary := make([]byte, 3000)
	_, _ = rand.Read(binary)
	for _, f := range []struct {
		name string
		data []byte
		mode fs.FileMode
	}{
		{"a.txt", []byte("alpha\n"), 0o644},
		{"run.sh", []byte("#!/bin/sh\necho run\n"), 0o755},
		{"sub/b.bin", binary, 0o600},
		{"sub/deeper/c.txt", []byte("gamma"), 0o640},
	} {
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, f.mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
}

// compareTrees checks that two host folders hold the same names, kinds,
// permissions, contents and link targets.
func compareTrees(t *testing.T, want, got string) {
	t.Helper()
	describe := func(root string) map[string]string {
		out := map[string]string{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			switch {
			case info.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				out[rel] = "link to " + target
				return err
			case info.IsDir():
				out[rel] = "folder " + info.Mode().Perm().String()
			default:
				data, err := os.ReadFile(p)
				out[rel] = "file " + info.Mode().Perm().String() + " " + string(data)
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatalf("walk %s: %v", root, err)
		}
		return out
	}
	w, g := describe(want), describe(got)
	for name, desc := range w {
		if g[name] != desc {
			t.Errorf("%s came back as %.60q, want %.60q", name, g[name], desc)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s came back but was not sent", name)
		}
	}
}

// testSession: interactive sessions with and without a terminal end with
// their exit codes; Resize reaches the terminal; a session into a lab
// that stops ends with engine.ErrGone.
func (s *suite) testSession(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-session", serviceLab)
	r := ref(t, l)
	up(t, e, r, l, engine.UpOptions{Trusted: true})
	ctx := ctxFor(t, 2*time.Minute)

	tty, err := e.Attach(ctx, r, "a", engine.AttachOptions{TTY: true, Cols: 80, Rows: 24})
	if err != nil {
		t.Fatalf("attach with a terminal: %v", err)
	}
	defer tty.Close()
	out := collect(tty)
	if err := tty.Resize(ctx, 100, 30); err != nil {
		t.Errorf("resize: %v", err)
	}
	send(t, tty, "stty size\r", "exit 7\r")
	if code, err := tty.Wait(ctx); err != nil || code != 7 {
		t.Errorf("terminal session: exit code %d, %v; want 7", code, err)
	}
	if text := out.wait(t); !strings.Contains(text, "30 100") {
		t.Errorf("terminal output %q does not say the size 30 100", text)
	}

	piped, err := e.Attach(ctx, r, "a", engine.AttachOptions{Cmd: []string{"sh"}})
	if err != nil {
		t.Fatalf("attach without a terminal: %v", err)
	}
	defer piped.Close()
	out = collect(piped)
	send(t, piped, "echo piped\n", "exit 5\n")
	if err := piped.CloseWrite(); err != nil {
		t.Errorf("close write: %v", err)
	}
	if code, err := piped.Wait(ctx); err != nil || code != 5 {
		t.Errorf("piped session: exit code %d, %v; want 5", code, err)
	}
	if text := out.wait(t); !strings.Contains(text, "piped\n") {
		t.Errorf("piped output %q, want it to say piped", text)
	}

	cmd, err := e.Attach(ctx, r, "a", engine.AttachOptions{Cmd: []string{"sh", "-c", "echo one-shot; exit 4"}})
	if err != nil {
		t.Fatalf("attach a command: %v", err)
	}
	defer cmd.Close()
	out = collect(cmd)
	if code, err := cmd.Wait(ctx); err != nil || code != 4 {
		t.Errorf("command session: exit code %d, %v; want 4", code, err)
	}
	if text := out.wait(t); text != "one-shot\n" {
		t.Errorf("command output %q, want \"one-shot\\n\"", text)
	}

	left, err := e.Attach(ctx, r, "a", engine.AttachOptions{TTY: true, Cols: 80, Rows: 24})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	defer left.Close()
	collect(left)
	if err := e.Down(ctx, r, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := left.Wait(ctx); !errors.Is(err, engine.ErrGone) {
		t.Errorf("session into a lab that stopped: %v, want engine.ErrGone", err)
	}
}

// send writes each input to a session.
func send(t *testing.T, s engine.Session, inputs ...string) {
	t.Helper()
	for _, in := range inputs {
		if _, err := io.WriteString(s, in); err != nil {
			t.Fatalf("write %q: %v", in, err)
		}
	}
}

// output collects what a session prints until its end.
type output struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func collect(r io.Reader) *output {
	o := &output{done: make(chan struct{})}
	go func() {
		defer close(o.done)
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			o.mu.Lock()
			o.buf.Write(b[:n])
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return o
}

// wait returns the whole output once the session closed it.
func (o *output) wait(t *testing.T) string {
	t.Helper()
	select {
	case <-o.done:
	case <-time.After(time.Minute):
		t.Error("the session's output never ended")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
