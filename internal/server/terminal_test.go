package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dsp-lab/dsp/internal/engine"
)

// runningLab installs examples/hello-flag as a lab of its own (see copyLab)
// and starts it outside the server; it is stopped at the end of the test.
// It returns the lab's repository and name and its default instance.
func (env *testEnv) runningLab(prefix string) (repo, name string, ref engine.Ref) {
	env.t.Helper()
	repo, name = uniqueName(prefix), "hello"
	env.copyLab("hello-flag", repo, name)
	ref = env.up(repo, name, "")
	env.imageFiles(ref, "target")
	return repo, name, ref
}

// wsTerm is a terminal WebSocket as the browser uses it.
type wsTerm struct {
	t    *testing.T
	conn *websocket.Conn

	mu     sync.Mutex
	out    bytes.Buffer
	texts  []termMessage
	status websocket.StatusCode // the close status, once closed
	done   chan struct{}
}

// wsURL is the terminal route of a service, with query parameters.
func termURL(repo, name, service, query string) string {
	p := labURL(repo, name, "services", url.PathEscape(service), "terminal")
	if query != "" {
		p += "?" + query
	}
	return p
}

// dialTerminal opens a terminal WebSocket with client c, sending the
// server's own Origin as a browser does (or origin, when given).
func (env *testEnv) dialTerminal(c *http.Client, path string, origin ...string) (*wsTerm, *http.Response, error) {
	env.t.Helper()
	o := env.ts.URL
	if len(origin) > 0 {
		o = origin[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, env.ts.URL+path, &websocket.DialOptions{HTTPClient: c, HTTPHeader: http.Header{"Origin": {o}}})
	if err != nil {
		return nil, res, err
	}
	w := &wsTerm{t: env.t, conn: conn, done: make(chan struct{})}
	go w.read()
	// The test may have closed the socket already: CloseNow's error says so.
	env.t.Cleanup(func() { _ = conn.CloseNow() })
	return w, res, nil
}

func (env *testEnv) openTerminal(c *http.Client, path string) *wsTerm {
	env.t.Helper()
	w, res, err := env.dialTerminal(c, path)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		env.t.Fatalf("open terminal %s: %v (status %d)", path, err, status)
	}
	return w
}

func (w *wsTerm) read() {
	defer close(w.done)
	for {
		typ, data, err := w.conn.Read(context.Background())
		if err != nil {
			w.mu.Lock()
			w.status = websocket.CloseStatus(err)
			w.mu.Unlock()
			return
		}
		w.mu.Lock()
		if typ == websocket.MessageBinary {
			w.out.Write(data)
		} else {
			var m termMessage
			if err := json.Unmarshal(data, &m); err != nil {
				w.t.Errorf("text frame is not JSON: %q", data)
			}
			w.texts = append(w.texts, m)
		}
		w.mu.Unlock()
	}
}

func (w *wsTerm) output() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.String()
}

// send types s (binary frame).
func (w *wsTerm) send(s string) {
	w.t.Helper()
	if err := w.conn.Write(context.Background(), websocket.MessageBinary, []byte(s)); err != nil {
		w.t.Fatalf("send %q: %v", s, err)
	}
}

func (w *wsTerm) resize(cols, rows int) {
	w.t.Helper()
	msg := fmt.Sprintf(`{"type":"resize","cols":%d,"rows":%d}`, cols, rows)
	if err := w.conn.Write(context.Background(), websocket.MessageText, []byte(msg)); err != nil {
		w.t.Fatal(err)
	}
}

// waitFor waits until the output contains s.
func (w *wsTerm) waitFor(s string, timeout time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(w.output(), s) {
		if time.Now().After(deadline) {
			w.t.Fatalf("no %q from the terminal within %s; output:\n%q", s, timeout, w.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitClosed waits for the server to close the socket and returns the text
// frames received and the close status.
func (w *wsTerm) waitClosed(timeout time.Duration) ([]termMessage, websocket.StatusCode) {
	w.t.Helper()
	select {
	case <-w.done:
	case <-time.After(timeout):
		w.t.Fatalf("the terminal was not closed within %s; output:\n%q", timeout, w.output())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]termMessage(nil), w.texts...), w.status
}

// psLines lists the container's processes except PID 1 and ps (Docker).
func (env *testEnv) psLines(ref engine.Ref, service string) []string {
	var out []string
	for _, line := range strings.Split(env.exec(ref, service, "ps", "-o", "pid,stat,args"), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] == "PID" || f[0] == "1" || f[2] == "ps" {
			continue
		}
		out = append(out, strings.TrimSpace(line))
	}
	return out
}

// shellLines are the processes of terminals: shells and the sleeps the
// tests run (telnetd and httpd are the lab's own).
func shellLines(ps []string) []string {
	var out []string
	for _, l := range ps {
		if strings.Contains(l, "/bin/sh") || strings.Contains(l, "sleep 1000") {
			out = append(out, l)
		}
	}
	return out
}

// terminalProcesses lists what runs of the terminals in a service: on
// Docker the shells and sleeps of ps, on the fake its open sessions.
func (env *testEnv) terminalProcesses(ref engine.Ref, service string) []string {
	if env.fake == nil {
		return shellLines(env.psLines(ref, service))
	}
	var out []string
	for _, s := range env.fake.Sessions() {
		if s.Ref == ref && s.Service == service {
			out = append(out, fmt.Sprintf("%s %v", s.ID, s.Cmd))
		}
	}
	return out
}

func TestTerminal(t *testing.T) {
	// Not parallel: concurrent network creation races in Docker 20.10.
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testTerminal(t, e.open(t)) })
	}
}

func testTerminal(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name, ref := env.runningLab("term-")
	// Raw bytes for the colour test, in a file both engines' shells cat.
	env.putFile(ref, "target", "/tmp/colours", []byte("\x1b[31mred\x1b[0m\n"), 0o644)

	t.Run("echo, resize and exit code", func(t *testing.T) { testTerminalEcho(t, env, c, repo, name) })
	t.Run("cmd runs the given argv", func(t *testing.T) { testTerminalCmd(t, env, c, repo, name) })
	t.Run("terminals never cross", func(t *testing.T) { testTerminalsNeverCross(t, env, c, repo, name) })
	t.Run("closing the socket ends the shell and its foreground program", func(t *testing.T) { testTerminalClosed(t, env, c, repo, name, ref) })
	t.Run("a plain GET is refused", func(t *testing.T) { testTerminalPlainGET(t, env, c, repo, name) })
	t.Run("stopping the lab ends its terminals", func(t *testing.T) { testTerminalLabStopped(t, env, c, repo, name, ref) })

	if t.Failed() {
		return
	}
	// Once the lab stopped, a new terminal is refused with 409.
	e := expectError(t, env.do(c, "GET", termURL(repo, name, "target", ""), nil), http.StatusConflict, "")
	if !strings.Contains(e.Error, "not running") {
		t.Errorf("409 error %q does not say the lab is not running", e.Error)
	}
}

// testTerminalEcho: echo, resize and exit code.
func testTerminalEcho(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	w := env.openTerminal(c, termURL(repo, name, "target", "cols=100&rows=30"))
	// The marker only appears once the shell ran the line (the echo
	// of the typed line shows the format, not its result).
	w.send("printf 'hello-%s-mark\\n' 40002; stty size; echo $TERM\r")
	w.waitFor("hello-40002-mark\r\n", 15*time.Second)
	w.waitFor("30 100\r\n", 5*time.Second)
	w.waitFor("xterm-256color\r\n", 5*time.Second)
	w.resize(120, 40)
	w.send("stty size\r")
	w.waitFor("40 120\r\n", 5*time.Second)
	// Colours pass as raw bytes.
	w.send("cat /tmp/colours\r")
	w.waitFor("\x1b[31mred\x1b[0m", 5*time.Second)
	w.send("exit 3\r")
	texts, status := w.waitClosed(15 * time.Second)
	if len(texts) != 1 || texts[0].Type != "exit" || texts[0].Code == nil || *texts[0].Code != 3 {
		t.Errorf("text frames = %+v, want one exit frame with code 3", texts)
	}
	if status != websocket.StatusNormalClosure {
		t.Errorf("close status = %v, want a normal closure", status)
	}
}

// testTerminalCmd: cmd runs the given argv.
func testTerminalCmd(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	q := url.Values{"cmd": {"sh", "-c", "n=42; echo cmd-$n; exit 4"}}
	w := env.openTerminal(c, termURL(repo, name, "target", q.Encode()))
	w.waitFor("cmd-42", 15*time.Second)
	texts, _ := w.waitClosed(15 * time.Second)
	if len(texts) != 1 || texts[0].Type != "exit" || *texts[0].Code != 4 {
		t.Errorf("text frames = %+v, want exit 4", texts)
	}
}

// testTerminalsNeverCross: terminals never cross.
func testTerminalsNeverCross(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	// Two tabs (two sessions) and two terminals in one tab.
	other := env.login()
	terms := []*wsTerm{
		env.openTerminal(c, termURL(repo, name, "target", "")),
		env.openTerminal(c, termURL(repo, name, "target", "")),
		env.openTerminal(other, termURL(repo, name, "target", "")),
	}
	for i, w := range terms {
		w.send(fmt.Sprintf("printf 'only-%%s-here\\n' %d\r", i+1000))
	}
	for i, w := range terms {
		w.waitFor(fmt.Sprintf("only-%d-here\r\n", i+1000), 15*time.Second)
	}
	// Once a terminal has closed, all its output has arrived (the
	// server sends the exit frame after the last output).
	for _, w := range terms {
		w.send("exit\r")
		w.waitClosed(15 * time.Second)
	}
	for i, w := range terms {
		for j := range terms {
			if j != i && strings.Contains(w.output(), fmt.Sprintf("only-%d-here", j+1000)) {
				t.Errorf("terminal %d shows terminal %d's output:\n%q", i, j, w.output())
			}
		}
	}
}

// testTerminalClosed: closing the socket ends the shell and its foreground
// program.
func testTerminalClosed(t *testing.T, env *testEnv, c *http.Client, repo, name string, ref engine.Ref) {
	w := env.openTerminal(c, termURL(repo, name, "target", ""))
	w.send("sleep 1000\r")
	// Docker: the shell and the sleep in ps; the fake: the session,
	// once the shell took the line.
	want := 2
	if env.fake != nil {
		w.waitFor("sleep 1000\r\n", 15*time.Second)
		want = 1
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(env.terminalProcesses(ref, "target")) < want {
		if time.Now().After(deadline) {
			t.Fatalf("the shell and sleep never showed:\n%s", strings.Join(env.terminalProcesses(ref, "target"), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.conn.Close(websocket.StatusNormalClosure, "tab closed")
	deadline = time.Now().Add(10 * time.Second)
	for {
		left := env.terminalProcesses(ref, "target")
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left 10s after the terminal closed:\n%s", strings.Join(left, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if env.fake == nil {
		if ps := env.psLines(ref, "target"); strings.Contains(strings.Join(ps, "\n"), " Z ") {
			t.Errorf("zombies left:\n%s", strings.Join(ps, "\n"))
		}
	}
}

// testTerminalPlainGET: a plain GET is refused.
func testTerminalPlainGET(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	expectError(t, env.do(c, "GET", termURL(repo, name, "target", ""), nil), http.StatusBadRequest, "Upgrade")
}

// testTerminalLabStopped: stopping the lab ends its terminals.
func testTerminalLabStopped(t *testing.T, env *testEnv, c *http.Client, repo, name string, ref engine.Ref) {
	w := env.openTerminal(c, termURL(repo, name, "target", ""))
	w.send("printf '%s-ready\\n' 2\r")
	w.waitFor("2-ready\r\n", 15*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := env.eng.Down(ctx, ref, env.target(repo, name).Lab, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	texts, status := w.waitClosed(20 * time.Second)
	if len(texts) != 1 || (texts[0].Type != "exit" && texts[0].Type != "error") {
		t.Errorf("text frames after the lab stopped = %+v, want one exit or error frame", texts)
	}
	t.Logf("after stop: %+v, close status %v", texts, status)
}

func TestTerminalRefusals(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo := uniqueName("term-refuse-")
	env.copyLab("hello-flag", repo, "hello")
	env.copyLab("routed-network", repo, "routed")

	// No session: 401, as a plain request and as a WebSocket handshake.
	expectError(t, env.do(env.client(), "GET", termURL(repo, "hello", "target", ""), nil), http.StatusUnauthorized, "")
	if _, res, err := env.dialTerminal(env.client(), termURL(repo, "hello", "target", "")); err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("handshake without a session: %v, %v; want 401", res, err)
	}
	// A foreign Origin: 403 (the guard; Accept would refuse it too).
	if _, res, err := env.dialTerminal(c, termURL(repo, "hello", "target", ""), "http://evil.example"); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("handshake from a foreign origin: %v, %v; want 403", res, err)
	}
	// The lab forbids the shell for victim: 403 naming the service and the lab.
	for _, p := range []string{termURL(repo, "routed", "victim", ""), labURL(repo, "routed", "services", "victim", "files") + "?path=/etc/passwd"} {
		e := expectError(t, env.do(c, "GET", p, nil), http.StatusForbidden, "service")
		if !strings.Contains(e.Error, "victim") || !strings.Contains(e.Error, repo+"/routed") {
			t.Errorf("403 error %q does not name the service and the lab", e.Error)
		}
	}
	// Not running: 409.
	e := expectError(t, env.do(c, "GET", termURL(repo, "hello", "target", ""), nil), http.StatusConflict, "")
	if !strings.Contains(e.Error, "not running") {
		t.Errorf("409 error %q", e.Error)
	}
	if _, res, err := env.dialTerminal(c, termURL(repo, "hello", "target", "")); err == nil || res == nil || res.StatusCode != http.StatusConflict {
		t.Errorf("handshake to a stopped lab: %v, %v; want 409", res, err)
	}
	// Unknown service or lab: 404.
	e = expectError(t, env.do(c, "GET", termURL(repo, "hello", "nope", ""), nil), http.StatusNotFound, "service")
	if !strings.Contains(e.Error, "nope") {
		t.Errorf("404 error %q does not name the service", e.Error)
	}
	expectError(t, env.do(c, "GET", termURL(repo, "no-such-lab", "target", ""), nil), http.StatusNotFound, "")
	// Bad names and parameters: 400.
	expectError(t, env.do(c, "GET", termURL(repo, "hello", ".hidden", ""), nil), http.StatusBadRequest, "service")
	expectError(t, env.do(c, "GET", termURL(repo, "hello", "target", "cols=0"), nil), http.StatusBadRequest, "cols")
	expectError(t, env.do(c, "GET", termURL(repo, "hello", "target", "rows=abc"), nil), http.StatusBadRequest, "rows")
	expectError(t, env.do(c, "GET", termURL(repo, "hello", "target", "cmd="), nil), http.StatusBadRequest, "cmd")
}
