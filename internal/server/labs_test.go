package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/local"
	"github.com/dsp-lab/dsp/internal/report"
)

// runsElsewhere reports whether Docker has anything of a lab instance's
// compose project (as GET .../status names it). These tests never start
// the examples themselves, so anything there was started by someone else
// sharing the project name. (Engines keep each main directory's labs
// apart, so this should never happen; the fake engine is this test's
// alone.)
func (env *testEnv) runsElsewhere(c *http.Client, repo, name string) bool {
	if env.docker == nil {
		return false
	}
	var st engine.Status
	env.do(c, "GET", labURL(repo, name, "status"), nil).json(env.t, &st)
	f := client.Filters{}.Add("label", local.LabelProject+"="+st.Project)
	ctx := context.Background()
	cs, err := env.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		env.t.Fatal(err)
	}
	ns, err := env.docker.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		env.t.Fatal(err)
	}
	if len(cs.Items)+len(ns.Items) > 0 {
		env.t.Logf("%s/%s (project %s) runs from elsewhere: its state is not checked", repo, name, st.Project)
		return true
	}
	return false
}

func findRepo(cat report.Catalogue, name string) *report.Repo {
	for i := range cat.Repositories {
		if cat.Repositories[i].Name == name {
			return &cat.Repositories[i]
		}
	}
	return nil
}

func findLab(r *report.Repo, name string) *report.Lab {
	if r == nil {
		return nil
	}
	for i := range r.Labs {
		if r.Labs[i].Name == name {
			return &r.Labs[i]
		}
	}
	return nil
}

func (env *testEnv) catalogue(c *http.Client) report.Catalogue {
	env.t.Helper()
	res := env.do(c, "GET", "/api/labs", nil)
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "Catalogue", res.body)
	var cat report.Catalogue
	res.json(env.t, &cat)
	return cat
}

// TestListLabs: GET /api/labs lists the examples, stopped, and the
// personal repository.
func TestListLabs(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testListLabs(t, e.open(t)) })
	}
}

func testListLabs(t *testing.T, env *testEnv) {
	c := env.login()
	cat := env.catalogue(c)
	if cat.Home != env.home {
		t.Errorf("home = %q, want %q", cat.Home, env.home)
	}
	ex := findRepo(cat, "examples")
	if ex == nil || !ex.Trusted || ex.Personal || ex.Dir != filepath.Join(env.home, "examples") {
		t.Fatalf("repository examples = %+v", ex)
	}
	if len(ex.Labels) == 0 {
		t.Errorf("examples has no label catalogue")
	}
	for _, name := range []string{"hello-flag", "routed-network"} {
		l := findLab(ex, name)
		if l == nil {
			t.Errorf("lab examples/%s not listed", name)
			continue
		}
		if !l.Valid || len(l.Errors) != 0 || l.Format != "native" || l.Title == "" || l.Description == "" {
			t.Errorf("examples/%s = %+v", name, l)
		}
		if l.State != "stopped" && !env.runsElsewhere(c, "examples", name) {
			t.Errorf("examples/%s state = %q, want stopped", name, l.State)
		}
	}
	if l := findLab(ex, "hello-flag"); l != nil && (l.Title != "Hello Flag" || len(l.Labels) != 3 || l.Labels[0].Color == "") {
		t.Errorf("hello-flag title/labels = %q %+v", l.Title, l.Labels)
	}
	personal := 0
	for _, r := range cat.Repositories {
		if r.Personal {
			personal++
			if !r.Trusted || len(r.Labs) != 0 {
				t.Errorf("personal repository = %+v", r)
			}
		}
	}
	if personal != 1 || !cat.Repositories[0].Personal {
		t.Errorf("want one personal repository, listed first: %+v", cat.Repositories)
	}
}

// TestLabDetailsStatusImages covers GET /api/labs/{repo}/{lab}, its status
// and its images, for the examples.
func TestLabDetailsStatusImages(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabDetailsStatusImages(t, e.open(t)) })
	}
}

func testLabDetailsStatusImages(t *testing.T, env *testEnv) {
	c := env.login()
	elsewhere := env.runsElsewhere(c, "examples", "hello-flag")

	res := env.do(c, "GET", labURL("examples", "hello-flag"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Details", res.body)
	var d report.Details
	res.json(t, &d)
	if d.Lab == nil || d.Title != "Hello Flag" || d.TextFormat != "markdown" || d.Format != "native" || d.Repo != "examples" || d.Name != "hello-flag" {
		t.Fatalf("details = %s", res.body)
	}
	if d.ID != "examples/hello-flag" || !d.Trusted || !d.Valid || len(d.Errors) != 0 || len(d.Risks) != 0 {
		t.Errorf("id/trusted/valid/risks = %q %v %v %v %v", d.ID, d.Trusted, d.Valid, d.Errors, d.Risks)
	}
	if len(d.Services) != 1 || d.Services[0].Name != "target" || d.Services[0].Image != helloImage || d.Services[0].Build == "" || !d.Services[0].Shell {
		t.Errorf("services = %+v", d.Services)
	}
	if len(d.Actions) != 3 || len(d.Files) != 2 || d.Goal == "" || d.Solution == "" || d.Readme == "" {
		t.Errorf("actions %d, files %d, goal/solution/readme empty: %v %v %v", len(d.Actions), len(d.Files), d.Goal == "", d.Solution == "", d.Readme == "")
	}
	if len(d.Images) != 1 || d.Images[0] != helloImage {
		t.Errorf("images = %v", d.Images)
	}
	if d.Status == nil || d.Status.Repo != "examples" || d.Status.Lab != "hello-flag" || d.Status.Instance != "default" || !strings.HasPrefix(d.Status.Project, "dsp_examples_hello-flag_") {
		t.Fatalf("status = %+v", d.Status)
	}
	if !elsewhere && (d.State != "stopped" || d.Status.State != "stopped" || len(d.Status.Services) != 1 || d.Status.Services[0].State != "missing") {
		t.Errorf("state %q, status %+v; want stopped with service target missing", d.State, d.Status)
	}

	// Names match case-insensitively when there is no exact match.
	res = env.do(c, "GET", labURL("EXAMPLES", "Hello-Flag"), nil)
	expect(t, res, http.StatusOK)
	res.json(t, &d)
	if d.ID != "examples/hello-flag" {
		t.Errorf("case-insensitive match gave %q", d.ID)
	}

	res = env.do(c, "GET", labURL("examples", "hello-flag", "status"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Status", res.body)
	var st engine.Status
	res.json(t, &st)
	if st.Project != d.Status.Project || (!elsewhere && st.State != engine.StateStopped) {
		t.Errorf("status = %s", res.body)
	}

	res = env.do(c, "GET", labURL("examples", "hello-flag", "images"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "LabImages", res.body)
	var imgs struct{ Images []app.LabImage }
	res.json(t, &imgs)
	if len(imgs.Images) != 1 || imgs.Images[0].Name != helloImage || !imgs.Images[0].Present || !imgs.Images[0].Build || imgs.Images[0].Size <= 0 ||
		len(imgs.Images[0].Services) != 1 || imgs.Images[0].Services[0] != "target" {
		t.Errorf("images = %s", res.body)
	}

	// routed-network: three services on two networks with fixed subnets.
	res = env.do(c, "GET", labURL("examples", "routed-network"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Details", res.body)
	var rn report.Details
	res.json(t, &rn)
	if len(rn.Services) != 3 || len(rn.Networks) != 2 {
		t.Errorf("routed-network: %d services, %d networks", len(rn.Services), len(rn.Networks))
	}
	res = env.do(c, "GET", labURL("examples", "routed-network", "images"), nil)
	expect(t, res, http.StatusOK)
	res.json(t, &imgs)
	if len(imgs.Images) != 1 || len(imgs.Images[0].Services) != 3 {
		t.Errorf("routed-network images (one image, three services) = %s", res.body)
	}
}

// labRoutes are the per-lab routes with their methods.
var labRoutes = []struct{ method, suffix string }{
	{"GET", ""}, {"GET", "/status"}, {"GET", "/images"}, {"GET", "/instances"},
	{"POST", "/up"}, {"POST", "/down"}, {"POST", "/build"},
	{"POST", "/test"}, {"POST", "/checks"}, {"POST", "/flag"},
}

// TestUnknownLab: unknown repositories and labs are 404 on every lab route.
func TestUnknownLab(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	for _, p := range []string{labURL("examples", "nope"), labURL("nope", "hello-flag"), labURL("examples", "hello flag"), labURL("examples", "hello-flag.")} {
		for _, r := range labRoutes {
			e := expectError(t, env.do(c, r.method, p+r.suffix, nil), http.StatusNotFound, "")
			if !strings.Contains(e.Error, "no ") {
				t.Errorf("%s %s: error %q", r.method, p+r.suffix, e.Error)
			}
		}
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("operations started on unknown labs: %+v", ops)
	}
}

// TestLabPathTraversal: names that climb out of the main directory are 400
// naming the field; a lab that is a symbolic link to a folder outside its
// repository is not a lab (404). Nothing from outside is ever answered.
func TestLabPathTraversal(t *testing.T) {
	env := newEnv(t)
	c := env.login()

	// A valid lab outside the main directory, reachable by a symlink in the
	// examples repository.
	secret := uniqueName("SECRET-OUTSIDE-")
	outside := filepath.Join(t.TempDir(), "outside-lab")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		".dsp":         "",
		"compose.yaml": "x-dsp:\n  title: " + secret + "\n  description: " + secret + "\nservices:\n  s:\n    image: " + baseImage + "\n",
		"README.md":    secret,
	} {
		if err := os.WriteFile(filepath.Join(outside, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(env.home, "examples", "escape")); err != nil {
		t.Fatal(err)
	}
	// And one to the main directory itself, and to the examples' parent.
	if err := os.Symlink(env.home, filepath.Join(env.home, "examples", "home")); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		path  string
		field string // "" for 404
	}{
		{"/api/labs/examples/%2E%2E", "lab"},
		{"/api/labs/examples/%2e%2e", "lab"},
		{"/api/labs/examples/a%2Fb", "lab"},
		{"/api/labs/examples/..%2F..%2Fetc", "lab"},
		{"/api/labs/examples/..%5C..%5Cetc", "lab"},
		{"/api/labs/examples/%2E", "lab"},
		{"/api/labs/examples/.dsp", "lab"},
		{"/api/labs/examples/hello-flag%00", "lab"},
		{"/api/labs/examples/%20hello-flag", "lab"},
		{"/api/labs/%2E%2E/x", "repo"},
		{"/api/labs/%2E%2E/%2E%2E", "repo"},
		{"/api/labs/.dsp.d/locks", "repo"},
		{"/api/labs/%2Ftmp/x", "repo"},
		{"/api/labs/examples/escape", ""},
		{"/api/labs/examples/ESCAPE", ""},
		{"/api/labs/examples/home", ""},
	}
	for _, tc := range cases {
		for _, r := range labRoutes {
			res := env.do(c, r.method, tc.path+r.suffix, nil)
			if strings.Contains(string(res.body), secret) {
				t.Errorf("%s %s answered content from outside the main directory: %s", r.method, tc.path+r.suffix, res.body)
			}
			if tc.field == "" {
				expectError(t, res, http.StatusNotFound, "")
			} else {
				expectError(t, res, http.StatusBadRequest, tc.field)
			}
		}
	}
	// Unescaped dot segments are cleaned by the router: a redirect, never
	// a lab.
	for _, p := range []string{"/api/labs/examples/..", "/api/labs/examples/../../x", "/api/labs/examples/./hello-flag/../escape"} {
		res := env.do(c, "GET", p, nil)
		if res.StatusCode < 300 || res.StatusCode >= 500 || strings.Contains(string(res.body), secret) {
			t.Errorf("GET %s: %d %s", p, res.StatusCode, res.body)
		}
	}
	// The listing does not show the escaping folders either.
	cat := env.catalogue(c)
	for _, name := range []string{"escape", "home"} {
		if findLab(findRepo(cat, "examples"), name) != nil {
			t.Errorf("/api/labs lists examples/%s, a symbolic link out of the repository", name)
		}
	}
	if res := env.do(c, "GET", "/api/labs", nil); strings.Contains(string(res.body), secret) {
		t.Errorf("/api/labs shows content from outside the main directory")
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("operations started on refused names: %+v", ops)
	}
}

// TestLabFilesSymlinkedOut: a lab inside its repository whose definition
// files are symbolic links to files outside (a cloned repository can ship
// such links) must not serve their content: the compose file and
// information.json are read like any other lab file, which the README says
// must resolve inside the lab folder. (readSideFile already skips links for
// README.md, goal.md and solution.md.)
func TestLabFilesSymlinkedOut(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	secret := uniqueName("SECRET-OUTSIDE-")
	outside := t.TempDir()
	yamlFile := filepath.Join(outside, "elsewhere.yaml")
	jsonFile := filepath.Join(outside, "elsewhere.json")
	if err := os.WriteFile(yamlFile, []byte("x-dsp:\n  title: "+secret+"\nservices:\n  s:\n    image: "+strings.ToLower(secret)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jsonFile, []byte(`{"description":"`+secret+`","goal":"`+secret+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := uniqueName("links-")
	native := env.writeLab(repo, "native", map[string]string{})
	if err := os.Symlink(yamlFile, filepath.Join(native, "compose.yaml")); err != nil {
		t.Fatal(err)
	}
	upstream := env.writeLab(repo, "upstream", map[string]string{
		"docker-compose.yml": "services:\n  s:\n    image: " + baseImage + "\n",
		"network.json":       `{"clistToDraw":[]}`,
	})
	if err := os.Symlink(jsonFile, filepath.Join(upstream, "information.json")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"native", "upstream"} {
		for _, suffix := range []string{"", "/images"} {
			res := env.do(c, "GET", labURL(repo, name)+suffix, nil)
			if strings.Contains(strings.ToLower(string(res.body)), strings.ToLower(secret)) {
				t.Errorf("GET %s: %d, answers the content of a file outside the lab, read through a symbolic link: %.300s", labURL(repo, name)+suffix, res.StatusCode, res.body)
			}
		}
	}
	if res := env.do(c, "GET", "/api/labs", nil); strings.Contains(string(res.body), secret) {
		t.Errorf("GET /api/labs answers the content of a file outside the lab")
	}
}

// TestInvalidLab: an invalid lab is described (valid false, errors) but
// may not be started or built; it may be stopped.
func TestInvalidLab(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo := uniqueName("broken-")
	env.writeLab(repo, "bad lab", map[string]string{
		"compose.yaml": "x-dsp:\n  title: Bad\nservices:\n  a:\n    image: " + baseImage + "\n    networks:\n      lan:\n        ipv4_address: 10.99.1.300\nnetworks:\n  lan:\n    ipam:\n      config:\n        - subnet: 10.99.1.0/24\n",
	})
	res := env.do(c, "GET", labURL(repo, "bad lab"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Details", res.body)
	var d report.Details
	res.json(t, &d)
	if d.Valid || len(d.Errors) == 0 {
		t.Errorf("invalid lab: valid %v, errors %v", d.Valid, d.Errors)
	}
	l := findLab(findRepo(env.catalogue(c), repo), "bad lab")
	if l == nil || l.Valid || len(l.Errors) == 0 {
		t.Errorf("catalogue entry of the invalid lab = %+v", l)
	}
	for _, kind := range []string{"up", "build"} {
		e := expectError(t, env.do(c, "POST", labURL(repo, "bad lab", kind), nil), http.StatusBadRequest, "lab")
		if !strings.Contains(e.Error, "10.99.1.300") && !strings.Contains(e.Error, "ipv4_address") {
			t.Errorf("%s of an invalid lab: error %q does not name the problem", kind, e.Error)
		}
	}
	op := env.start(c, "POST", labURL(repo, "bad lab", "down"), nil)
	if done := env.waitOperation(c, op.Operation, time.Minute); done.State != app.OpDone {
		t.Errorf("down of an invalid lab: %+v", done)
	}
	// A folder without a compose file is a lab that cannot be read at all.
	env.writeLab(repo, "empty", map[string]string{})
	res = env.do(c, "GET", labURL(repo, "empty"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Details", res.body)
}

// TestLabLifecycle starts and stops a lab through the API, following the
// operation by polling and on the event stream. The lab is a copy of
// examples/hello-flag under a repository and lab name with spaces and dots,
// unique to this run.
func TestLabLifecycle(t *testing.T) {
	// Not parallel: concurrent network creation races in Docker 20.10
	// ("Pool overlaps with other one on this address space").
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabLifecycle(t, e.open(t)) })
	}
}

func testLabLifecycle(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("srv test."), "Hello Flag 1.0"
	id := repo + "/" + name
	env.copyLab("hello-flag", repo, name)
	env.cleanupLab(repo, name)
	events := env.events(c)

	res := env.do(c, "GET", labURL(repo, name), nil)
	expect(t, res, http.StatusOK)
	var d report.Details
	res.json(t, &d)
	if d.ID != id || d.State != "stopped" || d.Title != "Hello Flag" {
		t.Fatalf("copied lab: id %q state %q title %q", d.ID, d.State, d.Title)
	}

	up := startLifecycleLab(t, env, c, repo, name)
	checkUpOperation(t, env, c, up, id)
	// The stream told the same story.
	checkUpEvents(t, events, up, id)
	// Status: running, with an IP and the telnet port on loopback.
	var st engine.Status
	checkLabRunning(t, env, c, repo, name, &st, &d)
	// The image list says who uses the image; removing it is refused.
	checkImageInUse(t, env, c, repo, name, st)

	// Starting a running lab changes nothing.
	again := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if op := env.waitOperation(c, again.Operation, time.Minute); op.State != app.OpDone || len(op.Events) == 0 || !strings.Contains(op.Events[len(op.Events)-1].Message, "already running") {
		t.Errorf("up of a running lab: %+v", op)
	}

	// Stop.
	stopLifecycleLab(t, env, c, events, repo, name, &st)

	// Unknown operations.
	for _, opID := range []string{"op-999999", "nope", "%2E%2E"} {
		expectError(t, env.do(c, "GET", "/api/operations/"+opID, nil), http.StatusNotFound, "id")
	}
}

// startLifecycleLab starts repo/name and checks that, while it starts, the
// lab says so and refuses a second start, a stop and a build. It returns
// the start's answer.
func startLifecycleLab(t *testing.T, env *testEnv, c *http.Client, repo, name string) started {
	id := repo + "/" + name
	// On the fake, the start waits at a hold while the test looks at it;
	// on Docker it takes seconds anyway.
	release := func() {}
	if env.fake != nil {
		release = env.fake.Hold(env.ref(repo, name, ""))
		defer release()
	}
	up := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if up.Kind != "up" || up.Lab != id || up.Instance != "default" {
		t.Errorf("202 answer = %+v", up)
	}
	if env.fake != nil {
		checkHeldStart(t, env, c, repo, name)
	}
	// While it starts, a second start or a stop is refused.
	e := expectError(t, env.do(c, "POST", labURL(repo, name, "up"), nil), http.StatusConflict, "")
	if !strings.Contains(e.Error, "busy") || !strings.Contains(e.Error, up.Operation) {
		t.Errorf("409 error %q does not say the lab is busy with %s", e.Error, up.Operation)
	}
	expectError(t, env.do(c, "POST", labURL(repo, name, "down"), nil), http.StatusConflict, "")
	expectError(t, env.do(c, "POST", labURL(repo, name, "build"), nil), http.StatusConflict, "")
	release()
	return up
}

// checkHeldStart waits, on the fake engine, for the start of repo/name to
// reach its hold, and checks that the lab says it starts.
func checkHeldStart(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.fake.WaitHeld(ctx, env.ref(repo, name, "")); err != nil {
		t.Fatal(err)
	}
	// While it starts, the lab says so.
	var st engine.Status
	env.do(c, "GET", labURL(repo, name, "status"), nil).json(t, &st)
	if st.State != engine.StateStarting {
		t.Errorf("status while the start is held: %s", st.State)
	}
}

// checkUpOperation waits for the start up of lab id and checks its
// operation: done, with its three actions.
func checkUpOperation(t *testing.T, env *testEnv, c *http.Client, up started, id string) {
	op := env.waitOperation(c, up.Operation, 3*time.Minute)
	if op.State != app.OpDone || op.Error != "" || op.Kind != "up" || op.Lab != id || op.Instance != "default" {
		t.Fatalf("up operation = %+v", op)
	}
	res := env.do(c, "GET", "/api/operations/"+up.Operation, nil)
	conforms(t, "Operation", res.body)
	var actions int
	for _, ev := range op.Events {
		if ev.Step == engine.StepAction && ev.Status == engine.StatusDone {
			actions++
		}
	}
	if actions != 3 || op.Events[len(op.Events)-1].Step != engine.StepDone {
		t.Errorf("up events: %d actions done (want 3), last %+v", actions, op.Events[len(op.Events)-1])
	}
}

// checkUpEvents checks the events of the start up of lab id: its
// operation, its progress and the lab's states, in order.
func checkUpEvents(t *testing.T, events *stream, up started, id string) {
	isOp := func(state string) func(sseEvent) bool {
		return func(ev sseEvent) bool {
			return ev.Name == "operation" && ev.Data["operation"] == up.Operation && ev.Data["state"] == state && ev.Data["lab"] == id && ev.Data["kind"] == "up" && ev.Data["instance"] == "default"
		}
	}
	conforms(t, "OperationEvent", []byte(events.wait("operation event (running)", 10*time.Second, isOp(app.OpRunning)).Raw))
	conforms(t, "OperationEvent", []byte(events.wait("operation event (done)", 10*time.Second, isOp(app.OpDone)).Raw))
	progress := events.wait("progress event", 10*time.Second, func(ev sseEvent) bool {
		e, _ := ev.Data["event"].(map[string]any)
		return ev.Name == "progress" && ev.Data["operation"] == up.Operation && ev.Data["instance"] == "default" && e["step"] == "action" && e["status"] == "done"
	})
	conforms(t, "ProgressEvent", []byte(progress.Raw))
	events.wait("state event (starting)", 10*time.Second, stateEvent(id, "starting"))
	running := events.wait("state event (running)", 10*time.Second, stateEvent(id, "running"))
	conforms(t, "StateEvent", []byte(running.Raw))
	if events.index(stateEvent(id, "starting")) > events.index(stateEvent(id, "running")) {
		t.Errorf("the running event came before the starting one: %v", events.states(id, "default"))
	}
}

// checkLabRunning checks the status, the details and the catalogue entry
// of repo/name once it runs; it decodes the status into st and the details
// into d.
func checkLabRunning(t *testing.T, env *testEnv, c *http.Client, repo, name string, st *engine.Status, d *report.Details) {
	res := env.do(c, "GET", labURL(repo, name, "status"), nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Status", res.body)
	res.json(t, st)
	if st.State != engine.StateRunning || len(st.Services) != 1 || st.Services[0].State != "running" || st.Services[0].ContainerID == "" {
		t.Fatalf("status after up = %s", res.body)
	}
	if len(st.Services[0].Networks) != 1 || st.Services[0].Networks[0].IP == "" {
		t.Errorf("no IP: %+v", st.Services[0].Networks)
	}
	if len(st.Services[0].Ports) != 1 || st.Services[0].Ports[0].Container != 23 || st.Services[0].Ports[0].Host == 0 || st.Services[0].Ports[0].HostIP != "127.0.0.1" {
		t.Errorf("ports = %+v", st.Services[0].Ports)
	}
	res = env.do(c, "GET", labURL(repo, name), nil)
	res.json(t, d)
	if d.State != "running" || d.Status == nil || d.Status.State != engine.StateRunning || d.Instance != "default" {
		t.Errorf("details after up: state %q, instance %q", d.State, d.Instance)
	}
	if l := findLab(findRepo(env.catalogue(c), repo), name); l == nil || l.State != "running" {
		t.Errorf("catalogue after up: %+v", l)
	}
}

// checkImageInUse checks that the image list says repo/name (whose status
// is st) uses and needs the hello image, and that removing it is refused.
func checkImageInUse(t *testing.T, env *testEnv, c *http.Client, repo, name string, st engine.Status) {
	id := repo + "/" + name
	res := env.do(c, "GET", "/api/images", nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Images", res.body)
	var imgs struct{ Images []app.ImageView }
	res.json(t, &imgs)
	var hello *app.ImageView
	for i, img := range imgs.Images {
		for _, tag := range img.Tags {
			if tag == helloImage {
				hello = &imgs.Images[i]
			}
		}
	}
	if hello == nil || !contains(hello.UsedBy, id) || !contains(hello.NeededBy, id) || !contains(hello.NeededBy, "examples/hello-flag") {
		t.Errorf("image %s: %+v; want usedBy and neededBy %q", helloImage, hello, id)
	}
	if st.State == engine.StateRunning { // never risk the shared image
		e := expectError(t, env.do(c, "DELETE", "/api/images?ref="+url.QueryEscape(helloImage), nil), http.StatusConflict, "ref")
		if !strings.Contains(e.Error, id) {
			t.Errorf("409 error %q does not name the lab %s", e.Error, id)
		}
	}
	res = env.do(c, "GET", labURL(repo, name, "images"), nil)
	if !strings.Contains(string(res.body), `"present":true`) {
		t.Fatalf("image gone: %s", res.body)
	}
}

// stopLifecycleLab stops repo/name and checks the operation, its events
// and the status after it, decoded into st.
func stopLifecycleLab(t *testing.T, env *testEnv, c *http.Client, events *stream, repo, name string, st *engine.Status) {
	id := repo + "/" + name
	events.skip()
	down := env.start(c, "POST", labURL(repo, name, "down"), nil)
	if down.Kind != "down" || down.Lab != id || down.Instance != "default" {
		t.Errorf("202 answer = %+v", down)
	}
	if op := env.waitOperation(c, down.Operation, 2*time.Minute); op.State != app.OpDone || op.Error != "" {
		t.Fatalf("down operation = %+v", op)
	}
	events.wait("operation event (down done)", 10*time.Second, func(ev sseEvent) bool {
		return ev.Name == "operation" && ev.Data["operation"] == down.Operation && ev.Data["state"] == app.OpDone
	})
	events.wait("state event (stopping)", 10*time.Second, stateEvent(id, "stopping"))
	events.wait("state event (stopped)", 10*time.Second, stateEvent(id, "stopped"))
	res := env.do(c, "GET", labURL(repo, name, "status"), nil)
	res.json(t, st)
	if st.State != engine.StateStopped || len(st.Services) != 1 || st.Services[0].State != "missing" || len(st.Networks) != 0 {
		t.Errorf("status after down = %s", res.body)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestStateEventsForOutsideChanges: a lab started, broken and stopped
// without the server — by another dsp process on the same main directory
// (an engine on the same lock folder, as the CLI uses) or by docker kill —
// shows on the event stream within a few seconds, as events.go promises
// ("a lab stopped with the CLI or a container killed with docker shows in
// the browser within a second").
func TestStateEventsForOutsideChanges(t *testing.T) {
	// Not parallel: concurrent network creation races in Docker 20.10
	// ("Pool overlaps with other one on this address space").
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testStateEventsForOutsideChanges(t, e.open(t)) })
	}
}

func testStateEventsForOutsideChanges(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("outside-"), "hello"
	id := repo + "/" + name
	env.copyLab("hello-flag", repo, name)
	env.cleanupLab(repo, name)
	events := env.events(c)
	ctx := context.Background()
	l := env.target(repo, name).Lab
	ref := env.ref(repo, name, "")
	other := env.outsideEngine()
	status := func() engine.Status {
		var st engine.Status
		env.do(c, "GET", labURL(repo, name, "status"), nil).json(t, &st)
		return st
	}
	const within = 5 * time.Second

	// 1. Started outside: the stream must end on "running".
	if err := other.Up(ctx, ref, l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up outside the server: %v", err)
	}
	if st := status(); st.State != engine.StateRunning {
		t.Fatalf("status after the outside up = %s", st.State)
	}
	events.expectLast(t, "after a start outside the server", id, "running", within)

	// 2. A container killed with docker (on the fake: a container that
	// dies): "degraded".
	st := status()
	events.skip()
	if env.fake != nil {
		if err := env.fake.SetServiceState(ref, "target", "exited"); err != nil {
			t.Fatal(err)
		}
	} else if _, err := env.docker.ContainerKill(ctx, st.Services[0].ContainerID, client.ContainerKillOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for st = status(); st.State != engine.StateDegraded && time.Now().Before(deadline); st = status() {
		time.Sleep(50 * time.Millisecond)
	}
	if st.State != engine.StateDegraded || st.Services[0].State != "exited" {
		t.Errorf("status after docker kill = %s/%s, want degraded/exited", st.State, st.Services[0].State)
	}
	events.expectLast(t, "after docker kill", id, "degraded", within)

	// 3. Stopped outside: "stopped".
	events.skip()
	if err := other.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	if st := status(); st.State != engine.StateStopped {
		t.Errorf("status after the outside down = %s", st.State)
	}
	events.expectLast(t, "after a stop outside the server", id, "stopped", within)
}

// TestLabUpFailures: a start that the engine refuses is a failed operation
// with the engine's reason, not an HTTP error, and leaves nothing.
func TestLabUpFailures(t *testing.T) {
	t.Parallel()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabUpFailures(t, e.open(t)) })
	}
}

func testLabUpFailures(t *testing.T, env *testEnv) {
	c := env.login()
	repo := uniqueName("untrusted-")
	missing := uniqueName("dsp-srvtest/absent-") + ":1"
	env.writeLab(repo, "risky", map[string]string{
		"compose.yaml": "services:\n  a:\n    image: " + baseImage + "\n    privileged: true\n    command: [sleep, '3600']\n",
	})
	env.writeLab(repo, "missing", map[string]string{
		"compose.yaml": "services:\n  a:\n    image: " + missing + "\n",
	})
	env.cleanupLab(repo, "risky")
	env.cleanupLab(repo, "missing")

	res := env.do(c, "GET", labURL(repo, "risky"), nil)
	var d report.Details
	res.json(t, &d)
	if d.Trusted || len(d.Risks) == 0 || !strings.Contains(d.Risks[0].What, "privileged") {
		t.Errorf("risky lab: trusted %v, risks %+v", d.Trusted, d.Risks)
	}
	// A lab whose repository is not trusted is refused at once (403, with
	// what it asks for), before any operation exists.
	before := len(env.app.Operations())
	refused := expectError(t, env.do(c, "POST", labURL(repo, "risky", "up"), nil), http.StatusForbidden, "")
	if !strings.Contains(refused.Error, "not trusted") || !strings.Contains(refused.Error, repo) || !strings.Contains(refused.Error, "privileged") {
		t.Errorf("up risky: %q does not say the repository is not trusted and what the lab asks for", refused.Error)
	}
	if after := len(env.app.Operations()); after != before {
		t.Errorf("a refused start left an operation (%d, then %d)", before, after)
	}
	for lab, want := range map[string][]string{"missing": {"missing", missing}} {
		op := env.start(c, "POST", labURL(repo, lab, "up"), nil)
		done := env.waitOperation(c, op.Operation, time.Minute)
		if done.State != app.OpFailed {
			t.Errorf("up %s: %+v, want failed", lab, done)
			continue
		}
		for _, w := range want {
			if !strings.Contains(done.Error, w) {
				t.Errorf("up %s: error %q does not say %q", lab, done.Error, w)
			}
		}
		res := env.do(c, "GET", labURL(repo, lab, "status"), nil)
		var st engine.Status
		res.json(t, &st)
		if st.State != engine.StateStopped {
			t.Errorf("%s after a refused start: %s", lab, res.body)
		}
	}
}

// TestLabBuild builds a lab's image through the API, then removes it.
func TestLabBuild(t *testing.T) {
	t.Parallel()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabBuild(t, e.open(t)) })
	}
}

func testLabBuild(t *testing.T, env *testEnv) {
	c := env.login()
	repo := uniqueName("build-")
	image := uniqueName("dsp-srvtest/tiny-") + ":1"
	id := repo + "/tiny"
	env.writeLab(repo, "tiny", map[string]string{
		"compose.yaml":   "x-dsp:\n  title: Tiny\nservices:\n  box:\n    build: ./img\n    image: " + image + "\n    command: [sleep, '3600']\n",
		"img/Dockerfile": "FROM " + baseImage + "\nLABEL io.dsp.test=" + image + "\n",
	})
	if env.docker != nil {
		t.Cleanup(func() {
			_, _ = env.docker.ImageRemove(context.Background(), image, client.ImageRemoveOptions{Force: true})
		})
	}

	var imgs struct{ Images []app.LabImage }
	res := env.do(c, "GET", labURL(repo, "tiny", "images"), nil)
	res.json(t, &imgs)
	if len(imgs.Images) != 1 || imgs.Images[0].Present || !imgs.Images[0].Build {
		t.Fatalf("before build: %s", res.body)
	}

	op := env.start(c, "POST", labURL(repo, "tiny", "build"), nil)
	if op.Kind != "build" || op.Lab != id {
		t.Errorf("202 answer = %+v", op)
	}
	done := env.waitOperation(c, op.Operation, 3*time.Minute)
	if done.State != app.OpDone {
		t.Fatalf("build: %+v", done)
	}
	built := false
	for _, ev := range done.Events {
		if ev.Step == engine.StepBuild && ev.Target == "box" && ev.Status == engine.StatusDone {
			built = true
		}
	}
	if !built {
		t.Errorf("no 'box built' event: %+v", done.Events)
	}
	res = env.do(c, "GET", labURL(repo, "tiny", "images"), nil)
	res.json(t, &imgs)
	if !imgs.Images[0].Present || imgs.Images[0].Size <= 0 {
		t.Fatalf("after build: %s", res.body)
	}
	res = env.do(c, "GET", "/api/images", nil)
	var all struct{ Images []app.ImageView }
	res.json(t, &all)
	found := false
	for _, img := range all.Images {
		if contains(img.Tags, image) {
			found = true
			if len(img.NeededBy) != 1 || img.NeededBy[0] != id || len(img.UsedBy) != 0 {
				t.Errorf("built image: neededBy %v, usedBy %v", img.NeededBy, img.UsedBy)
			}
		}
	}
	if !found {
		t.Errorf("built image %s not in /api/images", image)
	}

	// Remove it: 204, then it is gone (404 the second time).
	expect(t, env.do(c, "DELETE", "/api/images?ref="+url.QueryEscape(image), nil), http.StatusNoContent)
	res = env.do(c, "GET", labURL(repo, "tiny", "images"), nil)
	res.json(t, &imgs)
	if imgs.Images[0].Present {
		t.Errorf("image still present after DELETE")
	}
	expectError(t, env.do(c, "DELETE", "/api/images?ref="+url.QueryEscape(image), nil), http.StatusNotFound, "ref")
}
