package server

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/moby/moby/client"
	"github.com/sirupsen/logrus"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/fake"
	"github.com/dsp-lab/dsp/internal/engine/local"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestMain(m *testing.M) {
	// compose-go and Compose log warnings through logrus; keep test output
	// to what the tests say.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// Images built by scripts/build-images.sh (CI runs it first); the fake
// engine has them from the start.
const (
	baseImage   = "dsp/busybox:latest"
	helloImage  = "dsp-examples/hello-target:1"
	routedImage = "dsp-examples/routed-node:1"
)

// flagLimit is the longest flag the application accepts (app's
// maxFlagLength).
const flagLimit = 1024

const (
	indexHTML = "<!doctype html><title>dsp test UI</title>"
	appJS     = "console.log('dsp test UI');"
)

// quietLog drops the servers' logs: their background work (the engine
// event watcher) may log after a test has ended.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// Engine kinds a test environment runs on.
const (
	onFake   = "fake"
	onDocker = "docker"
)

// testEnv is the web app as dsp serve runs it — app.Open on a new main
// directory seeded with the examples, server.New, an HTTP server — on the
// fake engine or on the local Docker Engine.
type testEnv struct {
	t        *testing.T
	kind     string // onFake or onDocker
	home     string
	app      *app.App
	eng      engine.Engine    // what the App runs labs on
	fake     *fake.Engine     // the fake engine; nil on Docker
	docker   client.APIClient // the Docker Engine API; nil on the fake
	srv      *Server
	ts       *httptest.Server
	password string
	// responses records every response the test clients saw, so that
	// tests can check headers that must never appear (CORS); answers
	// holds the answers read by send, each validated against openapi.json
	// when the test ends.
	mu        sync.Mutex
	responses []*http.Response
	answers   []response
}

// backend is an engine a test can run on.
type backend struct {
	name string
	open func(t *testing.T) *testEnv
}

// engines are the engines a test meaningful on both runs on, as subtests:
// without a Docker Engine the fake half runs and the Docker half skips.
func engines() []backend {
	return []backend{{onFake, newEnv}, {onDocker, newDockerEnv}}
}

// newEnv starts the web app on the fake engine, with the images of the
// examples present and the programs of the examples' images that the fake
// has not modelled (see fakemodel_test.go).
func newEnv(t *testing.T) *testEnv {
	t.Helper()
	model := &exampleImages{}
	f := fake.New(fake.WithImages(baseImage, helloImage, routedImage), fake.WithExec(model.exec), fake.WithDial(model.dial))
	model.e = f
	env := openEnv(t, onFake, func(context.Context, string, string) (engine.Engine, error) { return f, nil }, true)
	env.fake = f
	return env
}

// newDockerEnv starts the web app on the local Docker Engine, connected as
// dsp serve connects (local.Connect: the main directory's locks, its
// namespace). Under CI=true a missing engine fails the test; elsewhere it
// skips with what to install.
func newDockerEnv(t *testing.T) *testEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	probe, err := local.New(ctx, t.TempDir())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %v", err)
		}
		t.Skipf("Docker Engine not reachable (install docker.io and start dockerd, or run scripts/setup.sh): %v", err)
	}
	for _, img := range []string{baseImage, helloImage} {
		if ok, _, err := probe.ImagePresent(ctx, img); err != nil || !ok {
			probe.Close()
			t.Fatalf("image %s is missing: run scripts/build-images.sh first (%v)", img, err)
		}
	}
	probe.Close()
	env := openEnv(t, onDocker, local.Connect, true)
	d, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	env.docker = d
	env.sweep()
	return env
}

// openEnv opens a new main directory and serves it. connected says to
// connect to the engine at once, as dsp serve does (which refuses to start
// without one).
func openEnv(t *testing.T, kind string, connect app.Connect, connected bool) *testEnv {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, app.Options{Home: home, Seed: examples.FS(), Connect: connect, Logger: quietLog})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	// Registered first, so it runs last: operations are cancelled (and
	// rolled back), then the engine is released.
	t.Cleanup(func() {
		cancel()
		if err := a.Close(); err != nil {
			t.Errorf("close the app: %v", err)
		}
	})
	env := &testEnv{t: t, kind: kind, home: home, app: a}
	if connected {
		eng, err := a.Engine(ctx)
		if err != nil {
			t.Fatalf("connect to the %s engine: %v", kind, err)
		}
		env.eng = eng
	}
	srv, created, err := New(ctx, Options{
		App:      a,
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
	pwFile := filepath.Join(home, ".dsp.d", PasswordFile)
	pw, err := os.ReadFile(pwFile)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(pwFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("admin password file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	env.password = strings.TrimSpace(string(pw))
	return env.with(srv)
}

// with returns an environment that serves srv on a new test server, with
// the same main directory, App and engine.
func (env *testEnv) with(srv *Server) *testEnv {
	t := env.t
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	out := &testEnv{t: t, kind: env.kind, home: env.home, app: env.app, eng: env.eng, fake: env.fake, docker: env.docker, srv: srv, ts: ts, password: env.password}
	// No answer, whatever it was, may carry CORS headers or lack the
	// security headers; every answer must be one openapi.json documents.
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
		for _, r := range out.answers {
			checkDocumented(t, r)
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
	r := response{Response: res, body: data}
	env.mu.Lock()
	env.answers = append(env.answers, r)
	env.mu.Unlock()
	return r
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

// withInstance adds ?instance=NAME to a path ("" leaves it out).
func withInstance(p, instance string) string {
	if instance == "" {
		return p
	}
	sep := "?"
	if strings.Contains(p, "?") {
		sep = "&"
	}
	return p + sep + "instance=" + url.QueryEscape(instance)
}

// uniqueName returns a name no other test run uses.
func uniqueName(prefix string) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// copyLab installs examples/<lab> as <repo>/<name> in the main directory, so
// that the test's lab has an identity of its own (and a compose project no
// other test uses). Names may have spaces and dots.
func (env *testEnv) copyLab(example, repo, name string) {
	env.t.Helper()
	repoDir := filepath.Join(env.home, repo)
	if err := catalog.CreateRepo(repoDir); err != nil {
		env.t.Fatal(err)
	}
	sub, err := fs.Sub(examples.FS(), example)
	if err != nil {
		env.t.Fatal(err)
	}
	if err := catalog.InstallSeed(sub, filepath.Join(repoDir, name)); err != nil {
		env.t.Fatal(err)
	}
}

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

// target resolves a lab of the main directory as the server does.
func (env *testEnv) target(repo, name string) *app.Target {
	env.t.Helper()
	t, err := env.app.LabByName(context.Background(), repo, name)
	if err != nil {
		env.t.Fatal(err)
	}
	return t
}

// ref names an instance of a lab ("" is the default one).
func (env *testEnv) ref(repo, name, instance string) engine.Ref {
	env.t.Helper()
	r, err := engine.NewRef(repo, name, instance)
	if err != nil {
		env.t.Fatal(err)
	}
	return r
}

// cleanupLab stops instances of the lab at the end of the test, whatever
// happened (the default instance when none is named).
func (env *testEnv) cleanupLab(repo, name string, instances ...string) {
	if len(instances) == 0 {
		instances = []string{engine.DefaultInstance}
	}
	env.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var l *lab.Lab
		if t, err := env.app.LabByName(ctx, repo, name); err == nil {
			l = t.Lab
		}
		for _, instance := range instances {
			ref := engine.Ref{Repo: repo, Lab: name, Instance: instance}
			if err := env.eng.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
				env.t.Errorf("cleanup: down %s: %v", ref, err)
			}
		}
	})
}

// sweep makes sure, at the end of the test, that nothing of the main
// directory's labs is left on the Docker Engine: what is left is stopped
// and reported. (Instances lists this main directory's namespace only.)
func (env *testEnv) sweep() {
	env.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		left, err := env.eng.Instances(ctx)
		if err != nil {
			env.t.Errorf("sweep: %v", err)
			return
		}
		for _, in := range left {
			env.t.Errorf("lab instance %s was left %s at the end of the test", in.Ref, in.State)
			var l *lab.Lab
			if t, err := env.app.LabByName(ctx, in.Ref.Repo, in.Ref.Lab); err == nil {
				l = t.Lab
			}
			if err := env.eng.Down(ctx, in.Ref, l, engine.DownOptions{}); err != nil {
				env.t.Errorf("sweep: down %s: %v", in.Ref, err)
			}
		}
	})
}

// up starts an instance of a lab outside the server (as the CLI would,
// on the same engine) and stops it at the end of the test.
func (env *testEnv) up(repo, name, instance string) engine.Ref {
	env.t.Helper()
	ref := env.ref(repo, name, instance)
	env.cleanupLab(repo, name, ref.Instance)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := env.eng.Up(ctx, ref, env.target(repo, name).Lab, engine.UpOptions{Trusted: true}); err != nil {
		env.t.Fatalf("up %s: %v", ref, err)
	}
	return ref
}

// exec runs argv in a service of a running instance (no TTY) and returns
// its output.
func (env *testEnv) exec(ref engine.Ref, service string, argv ...string) string {
	env.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, out, err := env.eng.Exec(ctx, ref, service, argv, nil)
	if err != nil || code != 0 {
		env.t.Fatalf("%v in %s of %s: code %d, %v\n%s", argv, service, ref, code, err, out)
	}
	return out
}

// putFile writes a file into a service's container through the engine's
// archive API (the way dsp copies files on either engine).
func (env *testEnv) putFile(ref engine.Ref, service, p string, data []byte, mode int64) {
	env.t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: path.Base(p), Mode: mode, Size: int64(len(data)), ModTime: time.Now()}); err != nil {
		env.t.Fatal(err)
	}
	if _, err := tw.Write(data); err != nil {
		env.t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		env.t.Fatal(err)
	}
	if err := env.eng.CopyIn(context.Background(), ref, service, path.Dir(p), &buf); err != nil {
		env.t.Fatalf("copy %s into %s of %s: %v", p, service, ref, err)
	}
}

// waitOperation polls an operation until it is no longer running.
func (env *testEnv) waitOperation(c *http.Client, id string, timeout time.Duration) app.OperationView {
	env.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var op app.OperationView
		res := env.do(c, "GET", "/api/operations/"+url.PathEscape(id), nil)
		expect(env.t, res, http.StatusOK)
		res.json(env.t, &op)
		if op.State != app.OpRunning {
			return op
		}
		if time.Now().After(deadline) {
			env.t.Fatalf("operation %s still running after %s: %+v", id, timeout, op)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// poll calls ok until it is true, failing the test after timeout.
func poll(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// started is the 202 answer of an operation.
type started struct {
	Operation string `json:"operation"`
	Kind      string `json:"kind"`
	Lab       string `json:"lab"`
	Instance  string `json:"instance"`
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

// eventSchemas are the schemas of the events' data in openapi.json.
var eventSchemas = map[string]string{"state": "StateEvent", "progress": "ProgressEvent", "operation": "OperationEvent", "repos": "RepoEvent", "capture": "Capture"}

// add keeps an event that arrived, checking it against openapi.json.
func (s *stream) add(ev sseEvent) {
	s.t.Helper()
	schema, ok := eventSchemas[ev.Name]
	if !ok {
		s.t.Errorf("unknown event %q: %s", ev.Name, ev.Raw)
	} else {
		conforms(s.t, schema, []byte(ev.Raw))
	}
	s.seen = append(s.seen, ev)
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
			s.add(ev)
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
	before := env.app.Events().Subscribers()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", env.ts.URL+"/api/events", nil)
	if err != nil {
		cancel()
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
	// The handler subscribes before it writes ": connected"; make sure the
	// App counts this stream.
	deadline := time.Now().Add(5 * time.Second)
	for env.app.Events().Subscribers() <= before {
		if time.Now().After(deadline) {
			env.t.Fatal("the event stream never subscribed to the App's events")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s
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
			s.add(ev)
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

// index returns the position (in everything seen) of the first event
// since the cursor for which match is true, or -1.
func (s *stream) index(match func(sseEvent) bool) int {
	for i := s.cursor; i < len(s.seen); i++ {
		if match(s.seen[i]) {
			return i
		}
	}
	return -1
}

// states lists the states of the instance's state events since the
// cursor.
func (s *stream) states(labID, instance string) []string {
	var out []string
	for _, ev := range s.seen[s.cursor:] {
		if isState(ev, labID, instance) {
			st, _ := ev.Data["state"].(string)
			out = append(out, st)
		}
	}
	return out
}

// expectLast waits up to timeout for the stream to settle on a state event
// of lab's default instance with the given state: the last state event of
// the instance received within the timeout must have it. It reports an
// error (not fatal) listing the instance's state events otherwise, so that
// a test can go on.
func (s *stream) expectLast(t *testing.T, what, labID, state string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	last := func() string {
		for i := len(s.seen) - 1; i >= s.cursor; i-- {
			if ev := s.seen[i]; isState(ev, labID, engine.DefaultInstance) {
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
			s.add(ev)
		case <-deadline:
			t.Errorf("%s: the event stream did not report %s as %q within %s; its state events: %v", what, labID, state, timeout, s.states(labID, engine.DefaultInstance))
			return
		}
	}
}

// isState reports whether ev is a state event of an instance of a lab.
func isState(ev sseEvent, labID, instance string) bool {
	return ev.Name == "state" && ev.Data["lab"] == labID && ev.Data["instance"] == instance
}

// stateEvent matches a state event of lab's default instance with the
// given state.
func stateEvent(labID, state string) func(sseEvent) bool {
	return instanceState(labID, engine.DefaultInstance, state)
}

// instanceState matches a state event of an instance with the given state.
func instanceState(labID, instance, state string) func(sseEvent) bool {
	return func(ev sseEvent) bool {
		return isState(ev, labID, instance) && ev.Data["state"] == state
	}
}

// outsideEngine is what another dsp process (the CLI) on the same main
// directory uses: on Docker a second engine on the same lock folder and
// namespace; the fake is one engine in memory, which the CLI would share.
func (env *testEnv) outsideEngine() engine.Engine {
	env.t.Helper()
	if env.fake != nil {
		return env.fake
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := local.Connect(ctx, filepath.Join(env.app.StateDir(), "locks"), env.app.Home())
	if err != nil {
		env.t.Fatal(err)
	}
	env.t.Cleanup(func() { e.Close() })
	return e
}

// errAny is an error for engines to fail with.
var errAny = errors.New("injected by the test")
