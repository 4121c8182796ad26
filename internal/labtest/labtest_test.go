package labtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/local"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestMain(m *testing.M) {
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// newTestEngine connects to the local Docker Engine, in a namespace of its
// own. Under CI=true a missing engine fails the test.
func newTestEngine(t *testing.T) *local.Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := local.New(ctx, t.TempDir(), local.WithNamespace(t.TempDir()))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %v", err)
		}
		t.Skipf("Docker Engine not reachable (run scripts/setup.sh): %v", err)
	}
	t.Cleanup(func() { e.Close() })
	for _, image := range []string{"dsp-examples/hello-target:1", "dsp-examples/routed-node:1"} {
		if ok, _, err := e.ImagePresent(ctx, image); !ok {
			t.Fatalf("image %s is missing: run scripts/build-images.sh first (%v)", image, err)
		}
	}
	return e
}

// copyExample copies an example lab into a fresh repository, replacing
// text in its compose file, and loads it.
func copyExample(t *testing.T, name string, replace ...string) *lab.Lab {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo-"+randomHex())
	dir := filepath.Join(repo, name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("../../examples", name))); err != nil {
		t.Fatal(err)
	}
	compose := filepath.Join(dir, "compose.yaml")
	data, err := os.ReadFile(compose)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(replace...).Replace(string(data))
	if err := os.WriteFile(compose, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	l, _, err := lab.Load(context.Background(), dir)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return l
}

// testRef names the test instance of l.
func testRef(t *testing.T, l *lab.Lab) engine.Ref {
	t.Helper()
	ref, err := TestRef(l)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func randomHex() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// assertNothingLeft checks that the engine holds nothing of the instance.
func assertNothingLeft(t *testing.T, e engine.Engine, l *lab.Lab, instance string) {
	t.Helper()
	ref, err := engine.NewRef(l.Repo, l.Name, instance)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Status(context.Background(), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != engine.StateStopped || len(st.Services) > 0 || len(st.Networks) > 0 {
		t.Errorf("the test left %s %s: %d container(s), %d network(s)", ref, st.State, len(st.Services), len(st.Networks))
	}
}

// stepsOf lists "kind name status" of every step.
func stepsOf(r *Report) []string {
	var out []string
	for _, s := range r.Steps {
		out = append(out, s.Kind+" "+s.Name+" "+string(s.Status))
	}
	return out
}

func step(t *testing.T, r *Report, kind, name string) Step {
	t.Helper()
	for _, s := range r.Steps {
		if s.Kind == kind && (name == "" || s.Name == name) {
			return s
		}
	}
	t.Fatalf("no step %s %q in %v", kind, name, stepsOf(r))
	return Step{}
}

func TestPassingLab(t *testing.T) {
	e := newTestEngine(t)
	l := copyExample(t, "hello-flag")
	var events []engine.Event
	r := Test(context.Background(), e, testRef(t, l), l, nil, Options{Trusted: true, Progress: func(ev engine.Event) { events = append(events, ev) }})
	want := []string{
		"validate validate passed", "up up passed", "healthy healthy passed",
		"check alice exists passed", "check the flag is planted passed", "check telnet answers passed", "check the staff page names alice passed",
		"solve solve passed", "flag flag passed", "down down passed",
	}
	if got := stepsOf(r); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Status != Passed || r.Mode != ModeTest || r.Instance != TestInstance {
		t.Errorf("report = %s, mode %s, instance %s", r.Status, r.Mode, r.Instance)
	}
	if !strings.Contains(step(t, r, StepFlag, "").Message, "accepted") {
		t.Errorf("flag step: %+v", step(t, r, StepFlag, ""))
	}
	// The start's own progress came through, and the test's steps too.
	var sawAction, sawCheck bool
	for _, ev := range events {
		sawAction = sawAction || (ev.Step == engine.StepAction && ev.Target == "target/ctf")
		sawCheck = sawCheck || (ev.Step == ProgressStep && ev.Target == "check: telnet answers" && ev.Status == engine.StatusDone)
	}
	if !sawAction || !sawCheck {
		t.Errorf("progress: action event %v, check event %v", sawAction, sawCheck)
	}
	assertNothingLeft(t, e, l, TestInstance)
}

func TestVulnerabilityRemovedFailsTheSolution(t *testing.T) {
	e := newTestEngine(t)
	// The weak password is the vulnerability: a strong one closes it.
	l := copyExample(t, "hello-flag", "password: wonderland", "password: Str0ng-and-unguessable")
	r := Test(context.Background(), e, testRef(t, l), l, nil, Options{Trusted: true})
	if r.Status != Failed {
		t.Fatalf("a lab without its vulnerability passed: %v", stepsOf(r))
	}
	solve := step(t, r, StepSolve, "")
	if solve.Status != Failed || !strings.Contains(solve.Message, "exited with code 1") || !strings.Contains(solve.Output, "telnet login as alice failed") {
		t.Errorf("solve step = %+v, want a failure with the script's output", solve)
	}
	// Its checks still pass: the lab runs, it just cannot be solved.
	if s := step(t, r, StepCheck, "telnet answers"); s.Status != Passed {
		t.Errorf("check telnet answers = %+v", s)
	}
	if s := step(t, r, StepFlag, ""); s.Status != Skipped {
		t.Errorf("flag step after a failed solution = %+v, want skipped", s)
	}
	if s := step(t, r, StepDown, ""); s.Status != Passed {
		t.Errorf("down = %+v", s)
	}
	if got := r.Failures(); len(got) != 1 || got[0].Kind != StepSolve {
		t.Errorf("failures = %+v, want only the solution", got)
	}
	assertNothingLeft(t, e, l, TestInstance)
}

func TestFailingCheckNamesItselfWithOutput(t *testing.T) {
	e := newTestEngine(t)
	l := copyExample(t, "hello-flag", "  checks:\n", `  checks:
    - name: bob exists
      service: target
      command: [id, bob]
      timeout: 2s
    - name: nothing on 2323
      service: target
      tcp: target:2323
      timeout: 2s
    - name: a page that is not there
      service: target
      http: http://target/missing.html
      timeout: 1s
    - name: nothing listens on 2323
      service: target
      tcp: target:2323
      unreachable: true
    - name: the web server should be unreachable
      service: target
      http: http://target/
      unreachable: true
      timeout: 1s
`)
	r := Test(context.Background(), e, testRef(t, l), l, nil, Options{Trusted: true})
	bob := step(t, r, StepCheck, "bob exists")
	if bob.Status != Failed || !strings.Contains(bob.Message, "exited with code 1, want 0") || !strings.Contains(bob.Output, "bob") {
		t.Errorf("check bob exists = %+v, want the exit code and id's own message", bob)
	}
	if s := step(t, r, StepCheck, "nothing on 2323"); s.Status != Failed || !strings.Contains(s.Message, "connection refused") {
		t.Errorf("tcp check = %+v, want connection refused", s)
	}
	if s := step(t, r, StepCheck, "a page that is not there"); s.Status != Failed || !strings.Contains(s.Message, "404") {
		t.Errorf("http check = %+v, want the 404", s)
	}
	if s := step(t, r, StepCheck, "nothing listens on 2323"); s.Status != Passed || !strings.Contains(s.Message, "target:2323 is unreachable from target") {
		t.Errorf("unreachable check of a closed port = %+v, want passed", s)
	}
	if s := step(t, r, StepCheck, "the web server should be unreachable"); s.Status != Failed || !strings.Contains(s.Message, "target:80 accepts connections from target, but should be unreachable") {
		t.Errorf("unreachable check of an open port = %+v, want failed", s)
	}
	if s := step(t, r, StepCheck, "alice exists"); s.Status != Passed {
		t.Errorf("the other checks still run: %+v", s)
	}
	if s := step(t, r, StepSolve, ""); s.Status != Skipped {
		t.Errorf("solve after failed checks = %+v, want skipped", s)
	}
	assertNothingLeft(t, e, l, TestInstance)
}

func TestFailedStartLeavesNothing(t *testing.T) {
	e := newTestEngine(t)
	l := copyExample(t, "hello-flag", "image: dsp-examples/hello-target:1", "image: dsp-test/missing-"+randomHex()+":1", "    build: ./target\n", "")
	r := Test(context.Background(), e, testRef(t, l), l, nil, Options{Trusted: true})
	up := step(t, r, StepUp, "")
	if up.Status != Failed || !strings.Contains(up.Message, "missing") {
		t.Errorf("up = %+v, want the missing image", up)
	}
	if s := step(t, r, StepDown, ""); s.Status != Passed {
		t.Errorf("down = %+v", s)
	}
	if len(r.Steps) != 3 {
		t.Errorf("steps = %v, want validate, up, down", stepsOf(r))
	}
	assertNothingLeft(t, e, l, TestInstance)
}

func TestInvalidLabFailsValidation(t *testing.T) {
	e := newTestEngine(t)
	l := copyExample(t, "hello-flag")
	loadErr := &lab.InvalidError{Dir: l.Dir, Problems: []lab.Problem{{Severity: lab.SeverityError, File: l.ComposeFile, Line: 3, Field: "x-dsp.checks.0.service", Message: "service \"nope\" is not in the lab"}}}
	r := Test(context.Background(), e, testRef(t, l), l, loadErr, Options{})
	if got := stepsOf(r); len(got) != 1 || got[0] != "validate validate failed" {
		t.Fatalf("steps = %v, want only a failed validation", got)
	}
	if !strings.Contains(r.Steps[0].Message, "x-dsp.checks.0.service") {
		t.Errorf("validation message %q does not name the field", r.Steps[0].Message)
	}
}

func TestSuiteRunsInParallelAndWritesJUnit(t *testing.T) {
	e := newTestEngine(t)
	// Two copies of routed-network want the same subnets: they must take
	// turns, while hello-flag runs beside them.
	routed := func() *lab.Lab {
		return copyExample(t, "routed-network", "10.231.", "10.233.", `10\.231\.`, `10\.233\.`)
	}
	broken := copyExample(t, "hello-flag", "password: wonderland", "password: Str0ng-and-unguessable")
	targets := []Target{{Lab: routed(), Trusted: true}, {Lab: routed(), Trusted: true}, {Lab: broken, Trusted: true}}
	reports := RunSuite(context.Background(), e, targets, SuiteOptions{Parallel: 3})
	for i, r := range reports {
		if r == nil {
			t.Fatalf("no report for target %d", i)
		}
		if r.ID() != targets[i].Lab.ID() {
			t.Errorf("report %d is for %s, want %s", i, r.ID(), targets[i].Lab.ID())
		}
	}
	if reports[0].Status != Passed || reports[1].Status != Passed {
		t.Errorf("routed-network copies: %v / %v", stepsOf(reports[0]), stepsOf(reports[1]))
	}
	if reports[2].Status != Failed {
		t.Errorf("the broken lab passed: %v", stepsOf(reports[2]))
	}
	// The two routed copies never overlapped in time.
	a, b := reports[0], reports[1]
	aEnd := a.Started.Add(time.Duration(a.Duration) * time.Millisecond)
	bEnd := b.Started.Add(time.Duration(b.Duration) * time.Millisecond)
	if a.Started.Before(bEnd) && b.Started.Before(aEnd) {
		t.Errorf("labs with the same subnets ran at once: %s–%s and %s–%s", a.Started, aEnd, b.Started, bEnd)
	}

	var buf bytes.Buffer
	if err := WriteJUnit(&buf, reports); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the JUnit report does not parse: %v\n%s", err, buf.String())
	}
	steps, failed := 0, 0
	for _, r := range reports {
		steps += len(r.Steps)
		failed += len(r.Failures())
	}
	if doc.Tests != steps || doc.Failures != failed || failed != 1 || doc.Skipped != 1 || len(doc.Suites) != 3 {
		t.Errorf("JUnit counts: %d tests, %d failures, %d skipped, %d suites; want %d, %d, 1, 3", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites), steps, failed)
	}
	broke := doc.Suites[2]
	if broke.Name != broken.ID() || broke.Failures != 1 {
		t.Errorf("suite %s has %d failures", broke.Name, broke.Failures)
	}
	for _, c := range broke.Cases {
		if c.Name == "solve" && (c.Failure == nil || !strings.Contains(c.Failure.Text, "telnet login as alice failed")) {
			t.Errorf("the solve case does not carry the script's output: %+v", c.Failure)
		}
	}
	for _, target := range targets {
		assertNothingLeft(t, e, target.Lab, TestInstance)
	}
}

// writeLab writes a native lab into a fresh repository and loads it.
func writeLab(t *testing.T, compose string) *lab.Lab {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo-"+randomHex(), "lab")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	l, _, err := lab.Load(context.Background(), dir)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return l
}

func TestHealthchecksAreAwaited(t *testing.T) {
	e := newTestEngine(t)
	// The server becomes ready after 3 s; its healthcheck says so. A check
	// with a 1 s timeout passes only if the test waited for the health.
	l := writeLab(t, `
x-dsp:
  title: slow server
  checks:
    - name: ready
      service: server
      command: [test, -f, /tmp/ready]
      timeout: 1s
    - name: server is healthy
      service: server
      healthy: true
      timeout: 1s
services:
  server:
    image: dsp/busybox:latest
    command: [sh, -c, "sleep 3; touch /tmp/ready; exec sleep infinity"]
    healthcheck:
      test: [CMD, test, -f, /tmp/ready]
      interval: 1s
      retries: 30
`)
	r := Test(context.Background(), e, testRef(t, l), l, nil, Options{Trusted: true})
	if r.Status != Passed {
		t.Errorf("steps: %v", stepsOf(r))
		for _, f := range r.Failures() {
			t.Errorf("%s %s: %s", f.Kind, f.Name, f.Message)
		}
	}
	assertNothingLeft(t, e, l, TestInstance)
}

func TestUnhealthyServiceFailsTheHealthStep(t *testing.T) {
	e := newTestEngine(t)
	l := writeLab(t, `
x-dsp:
  title: sick server
  checks:
    - name: anything
      service: server
      command: [true]
services:
  server:
    image: dsp/busybox:latest
    command: [sleep, infinity]
    healthcheck:
      test: [CMD, "false"]
      interval: 1s
      retries: 1
`)
	r := Test(context.Background(), e, testRef(t, l), l, nil, Options{Trusted: true})
	healthy := step(t, r, StepHealthy, "")
	if healthy.Status != Failed || !strings.Contains(healthy.Message, "service server is unhealthy") {
		t.Errorf("healthy step = %+v, want unhealthy server", healthy)
	}
	if s := step(t, r, StepDown, ""); s.Status != Passed {
		t.Errorf("down = %+v", s)
	}
	assertNothingLeft(t, e, l, TestInstance)
}
