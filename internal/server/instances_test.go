package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/report"
)

// TestLabInstances: two instances of examples/hello-flag started through
// the API run side by side, each with its own containers, ports and flag;
// GET …/instances lists both, the details of one name it, its terminal and
// files are its own, the operations and events name their instance, and
// stopping one leaves the other running.
func TestLabInstances(t *testing.T) {
	// Not parallel: concurrent network creation races in Docker 20.10.
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabInstances(t, e.open(t)) })
	}
}

// labInstances is the answer of GET …/instances.
type labInstances struct {
	Instances []report.InstanceSummary `json:"instances"`
}

func (env *testEnv) instances(c *http.Client, repo, name string) []report.InstanceSummary {
	env.t.Helper()
	res := env.do(c, "GET", labURL(repo, name, "instances"), nil)
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "LabInstances", res.body)
	var li labInstances
	res.json(env.t, &li)
	return li.Instances
}

// labDetailsAnswer decodes GET /api/labs/{repo}/{lab}[?instance=].
type labDetailsAnswer struct {
	report.Details
	Operation string `json:"operation"`
}

func (env *testEnv) details(c *http.Client, repo, name, instance string) labDetailsAnswer {
	env.t.Helper()
	res := env.do(c, "GET", withInstance(labURL(repo, name), instance), nil)
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "Details", res.body)
	var d labDetailsAnswer
	res.json(env.t, &d)
	return d
}

func (env *testEnv) status(c *http.Client, repo, name, instance string) engine.Status {
	env.t.Helper()
	res := env.do(c, "GET", withInstance(labURL(repo, name, "status"), instance), nil)
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "Status", res.body)
	var st engine.Status
	res.json(env.t, &st)
	return st
}

func summaries(list []report.InstanceSummary) string {
	var parts []string
	for _, in := range list {
		parts = append(parts, in.Instance+"="+in.State)
	}
	return strings.Join(parts, " ")
}

func testLabInstances(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := "examples", "hello-flag"
	id := repo + "/" + name
	env.cleanupLab(repo, name, "default", "second")
	events := env.events(c)

	if got := env.instances(c, repo, name); len(got) != 0 {
		t.Errorf("instances before any start: %s", summaries(got))
	}
	first, second := startTwoInstances(t, env, c, repo, name)
	// Both run, side by side.
	s1 := checkSideBySide(t, env, c, repo, name, first, second)
	// The events named their instance.
	checkInstanceEvents(t, events, id, first, second)
	// Each instance has its own flag; a flag is right for its own only.
	flagSecond, flagDefault := checkInstanceFlags(t, env, c, repo, name)
	// Terminals and files reach the instance named.
	checkInstanceTerminalAndFiles(t, env, c, repo, name, flagSecond, flagDefault)
	// Stopping one leaves the other running.
	checkStopOneInstance(t, env, c, events, repo, name, s1, flagSecond)
}

// startTwoInstances starts instance second, then the default instance, of
// repo/name, and waits for both.
func startTwoInstances(t *testing.T, env *testEnv, c *http.Client, repo, name string) (first, second started) {
	id := repo + "/" + name
	second = env.start(c, "POST", withInstance(labURL(repo, name, "up"), "second"), nil)
	if second.Kind != "up" || second.Lab != id || second.Instance != "second" {
		t.Errorf("202 answer for instance second = %+v", second)
	}
	first = env.start(c, "POST", labURL(repo, name, "up"), nil)
	if first.Instance != "default" {
		t.Errorf("202 answer for the default instance = %+v", first)
	}
	for _, s := range []started{second, first} {
		op := env.waitOperation(c, s.Operation, 3*time.Minute)
		if op.State != app.OpDone || op.Instance != s.Instance || op.Lab != id {
			t.Fatalf("up of instance %s: %+v", s.Instance, op)
		}
	}
	return first, second
}

// checkSideBySide checks that both instances run, each with its own
// project, container and host port, in every answer that describes them.
// It returns the service of the default instance.
func checkSideBySide(t *testing.T, env *testEnv, c *http.Client, repo, name string, first, second started) engine.ServiceStatus {
	if got := summaries(env.instances(c, repo, name)); got != "default=running second=running" {
		t.Errorf("instances = %s, want default and second running", got)
	}
	d := env.details(c, repo, name, "second")
	if d.Instance != "second" || d.State != "running" || d.Status == nil || d.Status.Instance != "second" || d.Operation != second.Operation {
		t.Errorf("details of instance second: instance %q, state %q, status %+v, operation %q (want %s)", d.Instance, d.State, d.Status, d.Operation, second.Operation)
	}
	if got := summaries(d.Instances); got != "default=running second=running" {
		t.Errorf("details list the instances %s", got)
	}
	if d := env.details(c, repo, name, ""); d.Instance != "default" || d.State != "running" || d.Operation != first.Operation {
		t.Errorf("details of the default instance: instance %q, state %q, operation %q (want %s)", d.Instance, d.State, d.Operation, first.Operation)
	}
	if d := env.details(c, repo, name, "default"); d.Instance != "default" {
		t.Errorf("?instance=default describes %q", d.Instance)
	}
	stSecond, stDefault := env.status(c, repo, name, "second"), env.status(c, repo, name, "")
	if stSecond.Instance != "second" || stDefault.Instance != "default" || stSecond.Project == stDefault.Project ||
		stSecond.State != engine.StateRunning || stDefault.State != engine.StateRunning {
		t.Fatalf("status: second %s/%s/%s, default %s/%s/%s; want two running instances with their own projects",
			stSecond.Instance, stSecond.Project, stSecond.State, stDefault.Instance, stDefault.Project, stDefault.State)
	}
	s2, s1 := stSecond.Services[0], stDefault.Services[0]
	if s2.ContainerID == s1.ContainerID || len(s2.Ports) != 1 || len(s1.Ports) != 1 || s2.Ports[0].Host == s1.Ports[0].Host {
		t.Errorf("the instances share a container or a host port: %+v / %+v", s2, s1)
	}
	l := findLab(findRepo(env.catalogue(c), repo), name)
	if l == nil || l.State != "running" || summaries(l.Instances) != "default=running second=running" {
		t.Errorf("catalogue entry = %+v", l)
	}
	return s1
}

// checkInstanceEvents checks that the events of the two starts of lab id
// named their instance.
func checkInstanceEvents(t *testing.T, events *stream, id string, first, second started) {
	for _, s := range []started{second, first} {
		events.wait("operation event (done) of "+s.Instance, 10*time.Second, func(ev sseEvent) bool {
			return ev.Name == "operation" && ev.Data["operation"] == s.Operation && ev.Data["state"] == app.OpDone && ev.Data["instance"] == s.Instance
		})
		events.wait("progress event of "+s.Instance, 10*time.Second, func(ev sseEvent) bool {
			return ev.Name == "progress" && ev.Data["operation"] == s.Operation && ev.Data["instance"] == s.Instance
		})
		events.wait("state event (starting) of "+s.Instance, 10*time.Second, instanceState(id, s.Instance, "starting"))
		events.wait("state event (running) of "+s.Instance, 10*time.Second, instanceState(id, s.Instance, "running"))
	}
	for _, ev := range events.seen {
		if ev.Data["lab"] == id && ev.Data["instance"] != "default" && ev.Data["instance"] != "second" {
			t.Errorf("an event of %s names no instance of it: %s %s", id, ev.Name, ev.Raw)
		}
	}
}

// checkInstanceFlags checks that each instance has its own flag, right for
// its own instance only; it returns the flags of second and default.
func checkInstanceFlags(t *testing.T, env *testEnv, c *http.Client, repo, name string) (flagSecond, flagDefault string) {
	refSecond, refDefault := env.ref(repo, name, "second"), env.ref(repo, name, "")
	flagSecond = strings.TrimSpace(env.exec(refSecond, "target", "cat", "/home/alice/proof.txt"))
	flagDefault = strings.TrimSpace(env.exec(refDefault, "target", "cat", "/home/alice/proof.txt"))
	if flagSecond == "" || flagSecond == flagDefault {
		t.Fatalf("flags: second %q, default %q; want two flags", flagSecond, flagDefault)
	}
	submit := func(instance, flag string) flagResult {
		res := env.do(c, "POST", withInstance(labURL(repo, name, "flag"), instance), map[string]string{"flag": flag})
		expect(t, res, http.StatusOK)
		var fr flagResult
		res.json(t, &fr)
		return fr
	}
	if !submit("second", flagSecond).Correct || submit("second", flagDefault).Correct || !submit("", flagDefault).Correct || submit("", flagSecond).Correct {
		t.Errorf("a flag is right for its own instance only")
	}
	return flagSecond, flagDefault
}

// checkInstanceTerminalAndFiles checks that a terminal and a download
// reach instance second, not the default one.
func checkInstanceTerminalAndFiles(t *testing.T, env *testEnv, c *http.Client, repo, name, flagSecond, flagDefault string) {
	q := url.Values{"cmd": {"cat", "/home/alice/proof.txt"}, "instance": {"second"}}
	w := env.openTerminal(c, termURL(repo, name, "target", q.Encode()))
	w.waitFor(flagSecond, 15*time.Second)
	w.waitClosed(15 * time.Second)
	if strings.Contains(w.output(), flagDefault) {
		t.Errorf("the terminal of instance second shows the default instance's flag")
	}
	res := env.do(c, "GET", withInstance(filesURL(repo, name, "target", "/home/alice/proof.txt"), "second"), nil)
	expect(t, res, http.StatusOK)
	if strings.TrimSpace(string(res.body)) != flagSecond {
		t.Errorf("download from instance second: %q, want its flag", res.body)
	}
}

// checkStopOneInstance stops instance second and checks that the default
// instance (whose service was s1) runs on untouched.
func checkStopOneInstance(t *testing.T, env *testEnv, c *http.Client, events *stream, repo, name string, s1 engine.ServiceStatus, flagSecond string) {
	id := repo + "/" + name
	events.skip()
	down := env.start(c, "POST", withInstance(labURL(repo, name, "down"), "second"), nil)
	if down.Kind != "down" || down.Instance != "second" {
		t.Errorf("202 answer = %+v", down)
	}
	if op := env.waitOperation(c, down.Operation, 2*time.Minute); op.State != app.OpDone || op.Instance != "second" {
		t.Fatalf("down of instance second: %+v", op)
	}
	events.wait("state event (stopping) of second", 10*time.Second, instanceState(id, "second", "stopping"))
	events.wait("state event (stopped) of second", 10*time.Second, instanceState(id, "second", "stopped"))
	if got := summaries(env.instances(c, repo, name)); got != "default=running" {
		t.Errorf("instances after stopping second = %s, want default running", got)
	}
	if st := env.status(c, repo, name, ""); st.State != engine.StateRunning || st.Services[0].ContainerID != s1.ContainerID {
		t.Errorf("the default instance after stopping second: %s, container %s (was %s)", st.State, st.Services[0].ContainerID, s1.ContainerID)
	}
	if st := env.status(c, repo, name, "second"); st.State != engine.StateStopped {
		t.Errorf("instance second after its stop: %s", st.State)
	}
	if d := env.details(c, repo, name, "second"); d.State != "stopped" || summaries(d.Instances) != "default=running" {
		t.Errorf("details of second after its stop: %s, instances %s", d.State, summaries(d.Instances))
	}
	if got := events.states(id, "default"); len(got) != 0 {
		t.Errorf("stopping second changed the default instance: %v", got)
	}
	expectError(t, env.do(c, "POST", withInstance(labURL(repo, name, "flag"), "second"), map[string]string{"flag": flagSecond}), http.StatusConflict, "")
}

// badInstances are instance names NewRef refuses.
var badInstances = []string{"Second", "-x", "x_y", "a b", "..", "x/y", strings.Repeat("a", 33), "é"}

// TestBadInstanceName: an instance name that is not 1–32 lower-case
// letters, digits and dashes is 400 naming the field "instance", on every
// lab route; nothing is started.
func TestBadInstanceName(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	routes := append([]struct{ method, suffix string }{}, labRoutes...)
	routes = append(routes, struct{ method, suffix string }{"GET", "/services/target/terminal"}, struct{ method, suffix string }{"GET", "/services/target/files?path=/etc"})
	for _, instance := range badInstances {
		for _, r := range routes {
			var body any
			if strings.HasSuffix(r.suffix, "/flag") {
				body = map[string]string{"flag": "FLAG{x}"}
			}
			p := withInstance(labURL("examples", "hello-flag")+r.suffix, instance)
			e := expectError(t, env.do(c, r.method, p, body), http.StatusBadRequest, "instance")
			if e.Error != "" && !strings.Contains(e.Error, "instance") {
				t.Errorf("%s %s: error %q does not say what an instance name is", r.method, p, e.Error)
			}
		}
		res := env.upload(c, withInstance(filesURL("examples", "hello-flag", "target", "/tmp"), instance), []uploadFile{{"a.txt", []byte("a")}})
		expectError(t, res, http.StatusBadRequest, "instance")
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("operations started with bad instance names: %+v", ops)
	}
	// An empty instance is the default one.
	if d := env.details(c, "examples", "hello-flag", ""); d.Instance != "default" {
		t.Errorf("no instance: details describe %q", d.Instance)
	}
	res := env.do(c, "GET", labURL("examples", "hello-flag")+"?instance=", nil)
	expect(t, res, http.StatusOK)
	var d labDetailsAnswer
	res.json(t, &d)
	if d.Instance != "default" {
		t.Errorf("?instance= describes %q, want default", d.Instance)
	}
}
