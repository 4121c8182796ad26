package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/report"
)

// refusal is a request and the error answer it must get.
type refusal struct {
	what   string
	method string
	path   string
	body   any // nil, a JSON value, or []uploadFile for an upload
	status int
	field  string
	says   string // the error names it ("" for no check)
}

func (env *testEnv) expectRefusal(c *http.Client, r refusal) {
	env.t.Helper()
	var res response
	if files, ok := r.body.([]uploadFile); ok {
		res = env.upload(c, r.path, files)
	} else {
		res = env.do(c, r.method, r.path, r.body)
	}
	e := expectError(env.t, res, r.status, r.field)
	if r.says != "" && e.Error != "" && !strings.Contains(e.Error, r.says) {
		env.t.Errorf("%s (%s %s): error %q does not say %q", r.what, r.method, r.path, e.Error, r.says)
	}
}

// TestErrorKinds: the application's errors reach the status their kind
// calls for, on every kind of route — 404 for an unknown lab or service,
// 400 for bad names and an invalid lab, 403 for a service whose shell the
// lab forbids, 409 for a busy lab and for one that is not running — and
// name the field at fault.
func TestErrorKinds(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo := uniqueName("kinds-")
	env.copyLab("hello-flag", repo, "hello")
	env.copyLab("routed-network", repo, "routed")
	env.writeLab(repo, "invalid", map[string]string{
		"compose.yaml": "services:\n  a:\n    image: " + baseImage + "\n    networks:\n      lan:\n        ipv4_address: 10.99.1.300\nnetworks:\n  lan:\n    ipam:\n      config:\n        - subnet: 10.99.1.0/24\n",
	})
	hello := func(rest ...string) string { return labURL(repo, "hello", rest...) }
	files := func(service, p string) string { return filesURL(repo, "hello", service, p) }
	one := []uploadFile{{"a.txt", []byte("a")}}
	flag := map[string]string{"flag": "FLAG{guess}"}

	// Stopped.
	for _, r := range []refusal{
		{"unknown lab", "GET", labURL(repo, "nope"), nil, http.StatusNotFound, "", "nope"},
		{"unknown repository", "POST", labURL("nope", "hello", "up"), nil, http.StatusNotFound, "", "nope"},
		{"unknown service (terminal)", "GET", termURL(repo, "hello", "nope", ""), nil, http.StatusNotFound, "service", "nope"},
		{"unknown service (download)", "GET", files("nope", "/etc"), nil, http.StatusNotFound, "service", "nope"},
		{"unknown service (upload)", "POST", files("nope", "/tmp"), one, http.StatusNotFound, "service", "nope"},
		{"bad repository name", "GET", "/api/labs/%2E%2E/hello/status", nil, http.StatusBadRequest, "repo", ""},
		{"bad lab name", "POST", "/api/labs/" + repo + "/a%2Fb/up", nil, http.StatusBadRequest, "lab", ""},
		{"bad service name", "GET", termURL(repo, "hello", ".x", ""), nil, http.StatusBadRequest, "service", ""},
		{"bad instance name", "POST", withInstance(hello("down"), "NOPE"), nil, http.StatusBadRequest, "instance", "NOPE"},
		{"bad image reference", "DELETE", "/api/images?ref=" + url.QueryEscape("../containers/x"), nil, http.StatusBadRequest, "ref", ""},
		{"invalid lab (up)", "POST", labURL(repo, "invalid", "up"), nil, http.StatusBadRequest, "lab", "10.99.1.300"},
		{"invalid lab (build)", "POST", labURL(repo, "invalid", "build"), nil, http.StatusBadRequest, "lab", "10.99.1.300"},
		{"shell forbidden (terminal)", "GET", termURL(repo, "routed", "victim", ""), nil, http.StatusForbidden, "service", "victim"},
		{"shell forbidden (download)", "GET", filesURL(repo, "routed", "victim", "/etc/passwd"), nil, http.StatusForbidden, "service", "victim"},
		{"shell forbidden (upload)", "POST", filesURL(repo, "routed", "victim", "/tmp"), one, http.StatusForbidden, "service", "victim"},
		{"not running (checks)", "POST", hello("checks"), nil, http.StatusConflict, "", "not running"},
		{"not running (flag)", "POST", hello("flag"), flag, http.StatusConflict, "", "not running"},
		{"not running (terminal)", "GET", termURL(repo, "hello", "target", ""), nil, http.StatusConflict, "", "not running"},
		{"not running (download)", "GET", files("target", "/etc"), nil, http.StatusConflict, "", "not running"},
		{"not running (upload)", "POST", files("target", "/tmp"), one, http.StatusConflict, "", "not running"},
	} {
		env.expectRefusal(c, r)
	}

	// A service whose container died.
	ref := env.up(repo, "hello", "")
	if err := env.fake.SetServiceState(ref, "target", "exited"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []refusal{
		{"container exited (terminal)", "GET", termURL(repo, "hello", "target", ""), nil, http.StatusConflict, "", "exited"},
		{"container exited (download)", "GET", files("target", "/etc"), nil, http.StatusConflict, "", "exited"},
	} {
		env.expectRefusal(c, r)
	}
	if st := env.status(c, repo, "hello", ""); st.State != engine.StateDegraded {
		t.Errorf("state with a dead container: %s", st.State)
	}
	if err := env.fake.SetServiceState(ref, "target", engine.ServiceRunning); err != nil {
		t.Fatal(err)
	}

	// Busy: a stop held in progress.
	release := env.fake.Hold(ref)
	defer release()
	down := env.start(c, "POST", hello("down"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.fake.WaitHeld(ctx, ref); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"up", "down", "build"} {
		env.expectRefusal(c, refusal{"busy (" + kind + ")", "POST", hello(kind), nil, http.StatusConflict, "", down.Operation})
	}
	release()
	env.waitOperation(c, down.Operation, 10*time.Second)
}

// TestEngineUnreachable: when the engine cannot be reached, every route
// that needs it is 503 saying so, and nothing is started; the catalogue,
// a lab's details and the settings still answer, with states unknown.
func TestEngineUnreachable(t *testing.T) {
	reason := errors.New("dial unix /nonexistent.sock: connect: no such file or directory")
	env := openEnv(t, "unreachable", func(context.Context, string, string) (engine.Engine, error) { return nil, reason }, false)
	c := env.login()
	hello := func(rest ...string) string { return labURL("examples", "hello-flag", rest...) }

	cat := env.catalogue(c)
	for _, l := range findRepo(cat, "examples").Labs {
		if l.State != report.StateUnknown {
			t.Errorf("catalogue: %s is %q, want unknown", l.Name, l.State)
		}
	}
	if d := env.details(c, "examples", "hello-flag", ""); d.State != report.StateUnknown || d.Status != nil || d.Title != "Hello Flag" {
		t.Errorf("details: state %q, status %+v, title %q; want the lab with its state unknown", d.State, d.Status, d.Title)
	}
	res := env.do(c, "GET", "/api/settings", nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Settings", res.body)
	var s struct {
		Home   string            `json:"home"`
		Docker map[string]string `json:"docker"`
	}
	res.json(t, &s)
	if s.Home != env.home || s.Docker["version"] != "" {
		t.Errorf("settings = %s", res.body)
	}

	says := "cannot reach the Docker Engine"
	for _, r := range []refusal{
		{"status", "GET", hello("status"), nil, http.StatusServiceUnavailable, "", says},
		{"instances", "GET", hello("instances"), nil, http.StatusServiceUnavailable, "", says},
		{"lab images", "GET", hello("images"), nil, http.StatusServiceUnavailable, "", says},
		{"up", "POST", hello("up"), nil, http.StatusServiceUnavailable, "", says},
		{"down", "POST", hello("down"), nil, http.StatusServiceUnavailable, "", says},
		{"test", "POST", hello("test"), nil, http.StatusServiceUnavailable, "", says},
		{"checks", "POST", hello("checks"), nil, http.StatusServiceUnavailable, "", says},
		{"flag", "POST", hello("flag"), map[string]string{"flag": "FLAG{x}"}, http.StatusServiceUnavailable, "", says},
		{"terminal", "GET", termURL("examples", "hello-flag", "target", ""), nil, http.StatusServiceUnavailable, "", says},
		{"download", "GET", filesURL("examples", "hello-flag", "target", "/etc"), nil, http.StatusServiceUnavailable, "", says},
		{"upload", "POST", filesURL("examples", "hello-flag", "target", "/tmp"), []uploadFile{{"a.txt", []byte("a")}}, http.StatusServiceUnavailable, "", says},
		{"images", "GET", "/api/images", nil, http.StatusServiceUnavailable, "", says},
		{"pull", "POST", "/api/images/pull", map[string]string{"image": "alpine:3.20"}, http.StatusServiceUnavailable, "", says},
		// No field is at fault: the engine is.
		{"remove image", "DELETE", "/api/images?ref=" + url.QueryEscape(helloImage), nil, http.StatusServiceUnavailable, "", says},
	} {
		env.expectRefusal(c, r)
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("operations started without an engine: %+v", ops)
	}
	// A build needs the engine as much as a start does: refused at once
	// too, not accepted to fail later.
	res = env.do(c, "POST", hello("build"), nil)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("POST build without an engine: %d %s; want 503 at once, like up", res.StatusCode, res.body)
		if res.StatusCode == http.StatusAccepted {
			var s started
			res.json(t, &s)
			op := env.waitOperation(c, s.Operation, 10*time.Second)
			t.Logf("the build operation: %s: %s", op.State, op.Error)
		}
	}
}
