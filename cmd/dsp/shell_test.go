package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// boxesLab is a personal lab with two idle busybox services; the lab
// forbids the shell for "locked".
const boxesLab = `x-dsp: {title: Boxes}
services:
  box:
    image: dsp/busybox:latest
    command: [sleep, infinity]
  locked:
    image: dsp/busybox:latest
    command: [sleep, infinity]
    x-dsp:
      shell: false
`

// boxesHome writes a main directory holding the lab me/boxes.
func boxesHome(t *testing.T) (home, ref string) {
	t.Helper()
	home = t.TempDir()
	dir := filepath.Join(home, "me", "boxes")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for p, content := range map[string]string{
		filepath.Join(home, "me", ".dsp"):  "",
		filepath.Join(dir, ".dsp"):         "",
		filepath.Join(dir, "compose.yaml"): boxesLab,
	} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return home, "me/boxes"
}

// startBoxes starts me/boxes; it is stopped at the end of the test.
func startBoxes(t *testing.T) (home, ref string) {
	t.Helper()
	requireDocker(t)
	home, ref = boxesHome(t)
	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })
	if out, stderr, code := dsp(t, home, "lab", "up", "--plain", ref); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, out, stderr)
	}
	return home, ref
}

// dspIn runs dsp with stdin.
func dspIn(t *testing.T, home, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, dspBinary, append([]string{"--home", home}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run dsp %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func TestShell(t *testing.T) {
	home, ref := boxesHome(t)
	requireDocker(t)
	// Not running yet: a clear error.
	if _, stderr, code := dsp(t, home, "shell", ref, "box", "--", "true"); code != 1 || !strings.Contains(stderr, "is not running") {
		t.Errorf("shell into a stopped lab: exit %d, %s", code, stderr)
	}
	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })
	if out, stderr, code := dsp(t, home, "lab", "up", "--plain", ref); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, out, stderr)
	}

	// A command: its output, and its exit status as dsp's.
	out, stderr, code := dsp(t, home, "shell", ref, "box", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3")
	if out != "hi\n" || stderr != "oops\n" || code != 3 {
		t.Errorf("shell -- sh -c ...: stdout %q stderr %q exit %d; want hi, oops, 3", out, stderr, code)
	}
	// Input from a pipe, without a TTY, to the default shell.
	out, stderr, code = dspIn(t, home, "echo piped-$((40+2)); tty; exit 0\n", "shell", ref, "box")
	if !strings.Contains(out, "piped-42") || !strings.Contains(out, "not a tty") || code != 0 {
		t.Errorf("piped shell: stdout %q stderr %q exit %d", out, stderr, code)
	}
	// Refusals: a service whose shell the lab forbids, an unknown service,
	// a command without --.
	_, stderr, code = dsp(t, home, "shell", ref, "locked")
	if code != 1 || !strings.Contains(stderr, "forbids the shell for service locked") || !strings.Contains(stderr, ref) {
		t.Errorf("shell into locked: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "shell", ref, "nope")
	if code != 1 || !strings.Contains(stderr, `no service "nope"`) || !strings.Contains(stderr, "box, locked") {
		t.Errorf("shell into an unknown service: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "shell", ref, "box", "true")
	if code != 1 || !strings.Contains(stderr, "put -- before the command") {
		t.Errorf("command without --: exit %d, %s", code, stderr)
	}

	// On a terminal (script(1) gives dsp a pty): a TTY of the window's
	// size, and the exit status. (Engines before API 1.42 take the size
	// just after the process started: the sleep lets it arrive.)
	if _, err := exec.LookPath("script"); err == nil {
		line := dspBinary + " --home " + home + " shell " + ref + " box -- sh -c 'tty; sleep 0.5; stty size; exit 4'"
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "script", "-qefc", "stty cols 91 rows 27; "+line, "/dev/null")
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 4 || !strings.Contains(buf.String(), "/dev/pts/") || !strings.Contains(buf.String(), "27 91") {
			t.Errorf("shell on a terminal: %v\n%q", err, buf.String())
		}
	} else {
		t.Log("script(1) not found: the TTY case is not tested")
	}
}
