package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/moby/moby/client"
	"github.com/sirupsen/logrus"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestMain(m *testing.M) {
	// compose-go and Compose log warnings through logrus; keep test output
	// to what the tests say.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// Images built by scripts/build-images.sh (CI runs it first).
const (
	baseImage  = "dsp/busybox:latest"
	helloImage = "dsp-examples/hello-target:1"
)

const (
	indexHTML = "<!doctype html><title>dsp test UI</title>"
	appJS     = "console.log('dsp test UI');"
)

// quietLog drops the servers' logs: their background work (the Docker
// event watcher) may log after a test has ended.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// testEnv is a running server on a temporary main directory.
type testEnv struct {
	t        *testing.T
	home     string
	lockDir  string // the engine's lab locks
	catalog  *catalog.Catalog
	engine   *engine.Engine
	srv      *Server
	ts       *httptest.Server
	password string
	// headers records every response the test clients saw, so that tests can
	// check headers that must never appear (CORS).
	mu        sync.Mutex
	responses []*http.Response
}

// newEngine connects to the local Docker Engine with its lab locks in
// lockDir and the labs of main directory home apart from others, as dsp
// serve does. Under CI=true a missing engine fails the test; elsewhere it
// skips with what to install.
func newEngine(t *testing.T, lockDir, home string) *engine.Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := engine.New(ctx, lockDir, engine.WithNamespace(home))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %v", err)
		}
		t.Skipf("Docker Engine not reachable (install docker.io and start dockerd, or run scripts/setup.sh): %v", err)
	}
	t.Cleanup(func() { e.Close() })
	for _, img := range []string{baseImage, helloImage} {
		if _, err := e.Docker().ImageInspect(ctx, img); err != nil {
			t.Fatalf("image %s is missing: run scripts/build-images.sh first (%v)", img, err)
		}
	}
	return e
}

// newEnv starts a server on a new main directory seeded with the examples.
func newEnv(t *testing.T) *testEnv {
	t.Helper()
	lockDir := t.TempDir()
	home := t.TempDir()
	e := newEngine(t, lockDir, home)
	c, err := catalog.Open(home, examples.FS())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, created, err := New(ctx, Options{
		Catalog:  c,
		Engine:   e,
		Assets:   fstest.MapFS{"index.html": {Data: []byte(indexHTML)}, "assets/app.js": {Data: []byte(appJS)}},
		Logger:   quietLog,
		Loopback: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Errorf("New on a new main directory: passwordCreated = false")
	}
	pw, err := os.ReadFile(filepath.Join(home, ".dsp.d", PasswordFile))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(home, ".dsp.d", PasswordFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("admin password file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	env := &testEnv{t: t, home: home, lockDir: lockDir, catalog: c, engine: e, password: strings.TrimSpace(string(pw))}
	return env.with(srv)
}

// with returns an environment that serves srv on a new test server, with
// the same main directory and engine.
func (env *testEnv) with(srv *Server) *testEnv {
	t := env.t
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	out := &testEnv{t: t, home: env.home, lockDir: env.lockDir, catalog: env.catalog, engine: env.engine, srv: srv, ts: ts, password: env.password}
	// No answer, whatever it was, may carry CORS headers or lack the
	// security headers.
	t.Cleanup(func() {
		out.mu.Lock()
		defer out.mu.Unlock()
		for _, res := range out.responses {
			for name := range res.Header {
				if strings.HasPrefix(strings.ToLower(name), "access-control-") {
					t.Errorf("%s %s: answer carries %s: %s", res.Request.Method, res.Request.URL, name, res.Header.Get(name))
				}
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s %s: answer lacks the security headers", res.Request.Method, res.Request.URL)
			}
		}
	})
	return out
}

// recorder is a transport that keeps every response.
type recorder struct {
	env *testEnv
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		r.env.mu.Lock()
		r.env.responses = append(r.env.responses, res)
		r.env.mu.Unlock()
	}
	return res, err
}

// client returns a client without a session that does not follow redirects.
func (env *testEnv) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Transport:     recorder{env},
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// login returns a client holding a session cookie.
func (env *testEnv) login() *http.Client {
	env.t.Helper()
	c := env.client()
	res := env.do(c, "POST", "/api/login", map[string]string{"password": env.password})
	if res.StatusCode != http.StatusNoContent {
		env.t.Fatalf("login: %d %s", res.StatusCode, res.body)
	}
	return c
}

// response is a finished response with its body read.
type response struct {
	*http.Response
	body []byte
}

// json decodes the body into v, failing the test when it is not JSON.
func (r response) json(t *testing.T, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, want JSON; body %s", r.Request.Method, r.Request.URL, ct, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", r.Request.Method, r.Request.URL, err, r.body)
	}
}

// apiErr decodes an error body: {"error": ..., "field": ...}.
func (r response) apiErr(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.json(t, &e)
	conforms(t, "Error", r.body)
	if e.Error == "" {
		t.Errorf("%s %s: error body without a message: %s", r.Request.Method, r.Request.URL, r.body)
	}
	return e
}

// do sends a request as the web UI does: JSON body, X-DSP-Request on
// state changes. body may be nil, a string (sent as is) or a value to encode.
func (env *testEnv) do(c *http.Client, method, path string, body any, header ...string) response {
	env.t.Helper()
	req := env.request(method, path, body)
	if method != "GET" && method != "HEAD" {
		req.Header.Set("X-DSP-Request", "1")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return env.send(c, req)
}

func (env *testEnv) request(method, path string, body any) *http.Request {
	env.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			env.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, env.ts.URL+path, r)
	if err != nil {
		env.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func (env *testEnv) send(c *http.Client, req *http.Request) response {
	env.t.Helper()
	res, err := c.Do(req)
	if err != nil {
		env.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		env.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return response{Response: res, body: data}
}

// expect checks a status code.
func expect(t *testing.T, r response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", r.Request.Method, r.Request.URL, r.StatusCode, status, r.body)
	}
}

// expectError checks a JSON error answer, its status and its field.
func expectError(t *testing.T, r response, status int, field string) apiError {
	t.Helper()
	if r.StatusCode != status {
		t.Errorf("%s %s: status %d, want %d; body %s", r.Request.Method, r.Request.URL, r.StatusCode, status, r.body)
		return apiError{}
	}
	e := r.apiErr(t)
	if e.Field != field {
		t.Errorf("%s %s: error field %q, want %q (%s)", r.Request.Method, r.Request.URL, e.Field, field, e.Error)
	}
	return e
}

// labURL is the API path of a lab: both names are single, escaped segments.
func labURL(repo, name string, rest ...string) string {
	p := "/api/labs/" + url.PathEscape(repo) + "/" + url.PathEscape(name)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// uniqueName returns a name no other test run uses.
func uniqueName(prefix string) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// copyLab installs examples/<lab> as <repo>/<name> in the main directory, so
// that the test's lab has an identity (compose project) no other test
// package uses: cmd/dsp's tests start examples/hello-flag themselves, and
// `go test ./...` runs packages in parallel. Names may have spaces and dots.
func (env *testEnv) copyLab(example, repo, name string) {
	env.t.Helper()
	repoDir := filepath.Join(env.home, repo)
	if err := catalog.CreateRepo(repoDir); err != nil {
		env.t.Fatal(err)
	}
	sub, err := fsSub(example)
	if err != nil {
		env.t.Fatal(err)
	}
	if err := catalog.InstallSeed(sub, filepath.Join(repoDir, name)); err != nil {
		env.t.Fatal(err)
	}
}

func fsSub(dir string) (fs.FS, error) { return fs.Sub(examples.FS(), dir) }

// writeLab writes a lab folder with a .dsp marker and the files (path ->
// content) in <home>/<repo>/<name>, creating the repository.
func (env *testEnv) writeLab(repo, name string, files map[string]string) string {
	env.t.Helper()
	repoDir := filepath.Join(env.home, repo)
	if err := catalog.CreateRepo(repoDir); err != nil {
		env.t.Fatal(err)
	}
	dir := filepath.Join(repoDir, name)
	files[lab.MarkerFile] = ""
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			env.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			env.t.Fatal(err)
		}
	}
	return dir
}

// cleanupLab stops the lab at the end of the test, whatever happened.
func (env *testEnv) cleanupLab(repo, name string) {
	env.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		l, _ := env.catalog.Load(ctx, repo+"/"+name)
		ref := engine.Ref{Repo: repo, Lab: name, Instance: engine.DefaultInstance}
		if err := env.engine.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
			env.t.Errorf("cleanup: down %s: %v", ref, err)
		}
	})
}

// waitOperation polls an operation until it is no longer running.
func (env *testEnv) waitOperation(c *http.Client, id string, timeout time.Duration) operationView {
	env.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var op operationView
		res := env.do(c, "GET", "/api/operations/"+url.PathEscape(id), nil)
		expect(env.t, res, http.StatusOK)
		res.json(env.t, &op)
		if op.State != opRunning {
			return op
		}
		if time.Now().After(deadline) {
			env.t.Fatalf("operation %s still running after %s: %+v", id, timeout, op)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// started is the 202 answer of an operation.
type started struct {
	Operation string `json:"operation"`
	Kind      string `json:"kind"`
	Lab       string `json:"lab"`
	Image     string `json:"image"`
}

func (env *testEnv) start(c *http.Client, method, path string, body any) started {
	env.t.Helper()
	res := env.do(c, method, path, body)
	expect(env.t, res, http.StatusAccepted)
	var s started
	res.json(env.t, &s)
	if !strings.HasPrefix(s.Operation, "op-") {
		env.t.Fatalf("%s %s: no operation id: %s", method, path, res.body)
	}
	return s
}

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string
	Data map[string]any
	Raw  string
}

// stream is an open /api/events stream.
type stream struct {
	t      *testing.T
	events chan sseEvent
	seen   []sseEvent
	cursor int // wait looks at seen[cursor:] and later events
}

// skip forgets the events received so far: later waits look only at
// events that arrive after it.
func (s *stream) skip() {
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.cursor = len(s.seen)
				return
			}
			s.seen = append(s.seen, ev)
		default:
			s.cursor = len(s.seen)
			return
		}
	}
}

// events opens /api/events with a plain HTTP client and a bufio scanner. It
// returns once the server has subscribed the stream to its events.
func (env *testEnv) events(c *http.Client) *stream {
	env.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", env.ts.URL+"/api/events", nil)
	if err != nil {
		env.t.Fatal(err)
	}
	plain := &http.Client{Jar: c.Jar} // no timeout: the stream stays open
	res, err := plain.Do(req)
	if err != nil {
		cancel()
		env.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		env.t.Fatalf("GET /api/events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	env.mu.Lock()
	env.responses = append(env.responses, res)
	env.mu.Unlock()
	s := &stream{t: env.t, events: make(chan sseEvent, 1024)}
	connected := make(chan struct{})
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		var data strings.Builder
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				once.Do(func() { close(connected) })
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data.WriteString(strings.TrimPrefix(line, "data: "))
			case line == "" && ev.Name != "":
				ev.Raw = data.String()
				_ = json.Unmarshal([]byte(ev.Raw), &ev.Data)
				s.events <- ev
				ev, data = sseEvent{}, strings.Builder{}
			}
		}
	}()
	env.t.Cleanup(func() { cancel(); res.Body.Close() })
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		env.t.Fatal("no ': connected' on /api/events within 10s")
	}
	// The handler subscribes after writing ": connected": wait until it has.
	deadline := time.Now().Add(5 * time.Second)
	for env.subscribers() == 0 {
		if time.Now().After(deadline) {
			env.t.Fatal("the event stream never subscribed to the hub")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s
}

func (env *testEnv) subscribers() int {
	env.srv.hub.mu.Lock()
	defer env.srv.hub.mu.Unlock()
	return len(env.srv.hub.subs)
}

// wait returns the first event (seen before or arriving within timeout)
// for which match is true.
func (s *stream) wait(what string, timeout time.Duration, match func(sseEvent) bool) sseEvent {
	s.t.Helper()
	for _, ev := range s.seen[s.cursor:] {
		if match(ev) {
			return ev
		}
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.t.Fatalf("event stream closed while waiting for %s", what)
			}
			s.seen = append(s.seen, ev)
			if match(ev) {
				return ev
			}
		case <-timer.C:
			var names []string
			for _, ev := range s.seen[s.cursor:] {
				names = append(names, ev.Name+" "+ev.Raw)
			}
			s.t.Fatalf("no %s within %s; events seen:\n%s", what, timeout, strings.Join(names, "\n"))
		}
	}
}

// expectLast waits up to timeout for the stream to settle on a state event
// of lab with the given state: the last state event of the lab received
// within the timeout must have it. It reports an error (not fatal) listing
// the lab's state events otherwise, so that a test can go on.
func (s *stream) expectLast(t *testing.T, what, labID, state string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	last := func() string {
		for i := len(s.seen) - 1; i >= s.cursor; i-- {
			if ev := s.seen[i]; ev.Name == "state" && ev.Data["lab"] == labID {
				st, _ := ev.Data["state"].(string)
				return st
			}
		}
		return ""
	}
	for last() != state {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Errorf("%s: event stream closed", what)
				return
			}
			s.seen = append(s.seen, ev)
		case <-deadline:
			var states []string
			for _, ev := range s.seen[s.cursor:] {
				if ev.Name == "state" && ev.Data["lab"] == labID {
					st, _ := ev.Data["state"].(string)
					states = append(states, st)
				}
			}
			t.Errorf("%s: the event stream did not report %s as %q within %s; its state events: %v", what, labID, state, timeout, states)
			return
		}
	}
}

// stateEvent matches a state event of lab with the given state.
func stateEvent(labID, state string) func(sseEvent) bool {
	return func(ev sseEvent) bool {
		return ev.Name == "state" && ev.Data["lab"] == labID && ev.Data["state"] == state
	}
}

// outsideEngine is a second engine on the same lock folder: what another
// dsp process (the CLI) on the same main directory uses.
func (env *testEnv) outsideEngine() *engine.Engine {
	return newEngine(env.t, env.lockDir, env.catalog.Home)
}

// docker returns the Engine API client.
func (env *testEnv) docker() client.APIClient { return env.engine.Docker() }
