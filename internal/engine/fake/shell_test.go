package fake_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/fake"
)

const shellLab = `x-dsp: {title: shell}
services:
  a:
    image: dsp/busybox:latest
    hostname: box
    environment:
      GREETING: hi there
`

// runningShellLab starts a one-service lab and returns its engine and ref.
func runningShellLab(t *testing.T, opts ...fake.Option) (*fake.Engine, engine.Ref) {
	t.Helper()
	e := newEngine(opts...)
	l := newLab(t, shellLab)
	r := refOf(t, l, "")
	mustUp(t, e, r, l)
	return e, r
}

func TestDefaultCommands(t *testing.T) {
	e, r := runningShellLab(t)
	if err := e.WriteFile(r, "a", "/srv/data/script.sh", []byte("#!/bin/sh\necho \"script $1 $#\"\nexit 6\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := e.WriteFile(r, "a", "/srv/data/plain.txt", []byte("not executable\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		argv []string
		code int
		out  string
	}{
		{[]string{"echo", "-n", "no newline"}, 0, "no newline"},
		{[]string{"/bin/echo", "-e", `a\tb`}, 0, "a\tb\n"},
		{[]string{"true"}, 0, ""},
		{[]string{"false"}, 1, ""},
		{[]string{"cat", "/etc/hostname"}, 0, "box\n"},
		{[]string{"cat", "/nope"}, 1, "cat: can't open '/nope': No such file or directory\n"},
		{[]string{"cat", "/etc"}, 1, "cat: read error: Is a directory\n"},
		{[]string{"hostname"}, 0, "box\n"},
		{[]string{"printf", `%s=%d\n`, "a", "1", "b", "2"}, 0, "a=1\nb=2\n"},
		{[]string{"id"}, 127, "sh: id: not found\n"},
		{[]string{"/usr/bin/nope"}, 127, "sh: /usr/bin/nope: not found\n"},
		{[]string{"/srv/data/script.sh", "x"}, 6, "script x 1\n"},
		{[]string{"/srv/data/plain.txt"}, 126, "sh: /srv/data/plain.txt: Permission denied\n"},
		{[]string{"sh", "/srv/data/script.sh", "y", "z"}, 6, "script y 2\n"},
		{[]string{"stty", "size"}, 1, "stty: standard input: Inappropriate ioctl for device\n"},
		{[]string{"sleep", "0"}, 0, ""},
		{[]string{"sleep", "soon"}, 1, "sleep: invalid number 'soon'\n"},
		{[]string{"test", "-d", "/tmp"}, 0, ""},
		{[]string{"[", "-f", "/tmp", "]"}, 1, ""},
		{[]string{"[", "-f", "/tmp"}, 2, "[: missing ]\n"},
		{[]string{"test", "-s", "/etc/hostname"}, 0, ""},
		{[]string{"test", "3", "-lt", "10"}, 0, ""},
		{[]string{"test", "!", "-e", "/nope"}, 0, ""},
		{[]string{"test", "-n", ""}, 1, ""},
	} {
		code, out, err := e.Exec(context.Background(), r, "a", tc.argv, nil)
		if err != nil || code != tc.code || out != tc.out {
			t.Errorf("exec %q: %d %q, %v; want %d %q", tc.argv, code, out, err, tc.code, tc.out)
		}
	}
}

func TestShellScripts(t *testing.T) {
	e, r := runningShellLab(t)
	for _, tc := range []struct {
		script string
		code   int
		out    string
	}{
		{`echo "$GREETING" '$GREETING' \$GREETING ${GREETING}!`, 0, "hi there $GREETING $GREETING hi there!\n"},
		{`X=1; echo $X; export Y=2; echo $Y; unset X; echo "[$X]"`, 0, "1\n2\n[]\n"},
		{`X=inline env | grep X`, 127, "sh: grep: not found\n"},
		{`true && echo yes || echo no; false && echo yes || echo no`, 0, "yes\nno\n"},
		{`false; echo $?`, 0, "1\n"},
		{"echo one\necho two # a comment\n\n", 0, "one\ntwo\n"},
		{`echo piped | cat`, 0, "piped\n"},
		{`echo a > /tmp/f; echo b >> /tmp/f; cat < /tmp/f; cat /tmp/f > /dev/null`, 0, "a\nb\n"},
		{`echo to-err >&2 2>/dev/null; echo kept 2>&1`, 0, "to-err\nkept\n"},
		{`cat /nope 2>/tmp/err; cat /tmp/err`, 0, "cat: can't open '/nope': No such file or directory\n"},
		{`echo x > /no/such/dir/f`, 1, "sh: can't create /no/such/dir/f: nonexistent directory\n"},
		{`echo x > /tmp`, 1, "sh: can't create /tmp: Is a directory\n"},
		{`mkdir -p /a/b/c && cd /a/b && echo rel > c/f && cat /a/b/c/f && cd /nope`, 2, "rel\nsh: cd: can't cd to /nope: No such file or directory\n"},
		{`mkdir /x/y`, 1, "mkdir: can't create directory '/x/y': No such file or directory\n"},
		{`touch /tmp/t && test -e /tmp/t && rm /tmp/t && test ! -e /tmp/t && rm -f /tmp/t && echo gone`, 0, "gone\n"},
		{`rm -r /a; test -d /a || echo no-a`, 0, "no-a\n"},
		{`exit 3; echo never`, 3, ""},
		{`sh -c 'echo $0 $1 $@' name one two`, 0, "name one one two\n"},
		{`sh -c 'exit 9'; echo after $?`, 0, "after 9\n"},
		{`echo "unterminated`, 2, "sh: syntax error: unterminated quoted string\n"},
		{`| cat`, 2, "sh: syntax error: unexpected |\n"},
		{`echo a &&`, 2, "sh: syntax error: unexpected end of file\n"},
		{`echo line \
continued`, 0, "line continued\n"},
	} {
		code, out, err := e.Exec(context.Background(), r, "a", []string{"sh", "-c", tc.script}, nil)
		if err != nil || code != tc.code || out != tc.out {
			t.Errorf("sh -c %q: %d %q, %v; want %d %q", tc.script, code, out, err, tc.code, tc.out)
		}
	}
}

func TestExecHandler(t *testing.T) {
	var seen []string
	handler := func(ctx context.Context, p *fake.Process) (int, error) {
		seen = append(seen, strings.Join(p.Argv, " "))
		switch p.Argv[0] {
		case "id":
			_, _ = io.WriteString(p.Stdout, "uid=0(root) gid=0(root)\n")
			return 0, nil
		case "broken":
			return 0, errors.New("the engine broke")
		}
		return p.Default(ctx)
	}
	e, r := runningShellLab(t, fake.WithExec(handler))
	var lines []string
	code, out, err := e.Exec(context.Background(), r, "a", []string{"sh", "-c", "id && echo $GREETING"}, func(l string) { lines = append(lines, l) })
	if err != nil || code != 0 || out != "uid=0(root) gid=0(root)\nhi there\n" || len(lines) != 2 {
		t.Errorf("exec: %d %q %q, %v", code, out, lines, err)
	}
	if want := []string{"sh -c id && echo $GREETING", "id", "echo hi there"}; strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("processes %q, want %q", seen, want)
	}
	if _, _, err := e.Exec(context.Background(), r, "a", []string{"broken"}, nil); err == nil || !strings.Contains(err.Error(), "the engine broke") {
		t.Errorf("exec of a process that cannot run: %v", err)
	}
	if _, _, err := e.Exec(context.Background(), r, "a", nil, nil); err == nil {
		t.Errorf("exec of nothing succeeded")
	}
}

func TestWrapperActionsThroughTheHandler(t *testing.T) {
	var actions []string
	handler := func(ctx context.Context, p *fake.Process) (int, error) {
		if p.Action != "" {
			actions = append(actions, p.Action+": "+strings.Join(p.Argv, " "))
		}
		if p.Action == "setroute" {
			_, _ = io.WriteString(p.Stdout, "RTNETLINK answers: File exists\n")
			return 2, nil
		}
		return p.Default(ctx)
	}
	e := newEngine(fake.WithExec(handler))
	l := newLab(t, `x-dsp: {title: actions}
services:
  a:
    image: dsp/busybox:latest
    x-dsp:
      actions:
        - {name: adduser, priority: 1, args: {name: alice, admin: true, shell: false}}
        - {name: exec, priority: 2, args: {command: "ip route add default via 10.0.0.1 && echo routed"}}
        - {name: setroute, command: /usr/local/bin/setroute.sh, priority: 3, args: {net: 10.1.0.0/24}}
`)
	r := refOf(t, l, "")
	rec := &events{}
	err := e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true, Progress: rec.add})
	var ae *engine.ActionError
	if !errors.As(err, &ae) || ae.Service != "a" || ae.Action != "setroute" || ae.Priority != 3 || ae.ExitCode != 2 || !strings.Contains(err.Error(), "RTNETLINK") {
		t.Fatalf("up: %v", err)
	}
	want := []string{
		"adduser: adduser --name alice --admin",
		"exec: sh -c ip route add default via 10.0.0.1 && echo routed",
		"exec: ip route add default via 10.0.0.1",
		"exec: echo routed",
		"setroute: /usr/local/bin/setroute.sh --net 10.1.0.0/24",
	}
	if strings.Join(actions, "|") != strings.Join(want, "|") {
		t.Errorf("action processes:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range []string{"action a/exec info routed", "action a/setroute info RTNETLINK answers: File exists"} {
		if !strings.Contains(strings.Join(rec.lines(), "\n"), line) {
			t.Errorf("no event %q in %v", line, rec.lines())
		}
	}
	if !rec.has(engine.StepRollback, engine.StatusDone) || stateOf(t, e, r) != engine.StateStopped {
		t.Errorf("the failed start was not rolled back")
	}
}

func TestExecEndsWithItsContainer(t *testing.T) {
	started := make(chan struct{})
	handler := func(ctx context.Context, p *fake.Process) (int, error) {
		if p.Argv[0] == "sleep" {
			close(started)
		}
		return p.Default(ctx)
	}
	e, r := runningShellLab(t, fake.WithExec(handler))
	done := make(chan int, 1)
	go func() {
		code, _, _ := e.Exec(context.Background(), r, "a", []string{"sh", "-c", "sleep infinity"}, nil)
		done <- code
	}()
	<-started
	if err := e.SetServiceState(r, "a", "exited"); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 137 {
		t.Errorf("exec killed with its container: code %d, want 137", code)
	}
}

func TestExecCancelled(t *testing.T) {
	started := make(chan struct{})
	handler := func(ctx context.Context, p *fake.Process) (int, error) {
		if p.Argv[0] == "sleep" {
			close(started)
		}
		return p.Default(ctx)
	}
	e, r := runningShellLab(t, fake.WithExec(handler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := e.Exec(ctx, r, "a", []string{"sleep", "600"}, nil)
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled exec: %v", err)
	}
}
