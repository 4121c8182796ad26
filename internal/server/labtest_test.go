package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/labtest"
	"github.com/dsp-lab/dsp/internal/report"
)

// submitFlag posts a flag and decodes the 200 answer.
func (env *testEnv) submitFlag(c *http.Client, repo, name, flag string) flagResult {
	env.t.Helper()
	res := env.do(c, "POST", labURL(repo, name, "flag"), map[string]string{"flag": flag})
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "FlagResult", res.body)
	var fr flagResult
	res.json(env.t, &fr)
	if fr.Message == "" {
		env.t.Errorf("flag answer without a message: %s", res.body)
	}
	return fr
}

// lastTestOf reads a lab's details and returns its lastTest.
func (env *testEnv) lastTestOf(c *http.Client, repo, name string) *labtest.Report {
	env.t.Helper()
	res := env.do(c, "GET", labURL(repo, name), nil)
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "Details", res.body)
	var d report.Details
	res.json(env.t, &d)
	return d.LastTest
}

// TestLabFlag: a flag is refused while the lab is stopped (409) and when
// it is empty, too long or not JSON (400); on the running lab a wrong flag
// is not correct and the planted one (read from the container) is; an
// eleventh submission within a minute is 429 for that session only; a lab
// that plants no flag is 400.
func TestLabFlag(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabFlag(t, e.open(t)) })
	}
}

func testLabFlag(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("flag-"), "hello"
	env.copyLab("hello-flag", repo, name)

	// Stopped: 409, before any flag can be right or wrong.
	e := expectError(t, env.do(c, "POST", labURL(repo, name, "flag"), map[string]string{"flag": "FLAG{nope}"}), http.StatusConflict, "")
	if !strings.Contains(e.Error, "not running") {
		t.Errorf("409 error %q does not say the lab is not running", e.Error)
	}

	// Bad bodies: 400, whatever the lab's state.
	for _, body := range []any{
		map[string]string{"flag": ""},
		map[string]string{"flag": "   \n"},
		map[string]string{"flag": strings.Repeat("A", flagLimit+1)},
	} {
		expectError(t, env.do(c, "POST", labURL(repo, name, "flag"), body), http.StatusBadRequest, "flag")
	}
	expectError(t, env.do(c, "POST", labURL(repo, name, "flag"), map[string]string{"flag": "x", "extra": "y"}), http.StatusBadRequest, "")
	expectError(t, env.do(c, "POST", labURL(repo, name, "flag"), `{"flag":`), http.StatusBadRequest, "")
	expectError(t, env.do(c, "POST", labURL(repo, name, "flag"), nil), http.StatusBadRequest, "Content-Type")
	// The CSRF header is needed, as on every POST.
	expectError(t, env.do(c, "POST", labURL(repo, name, "flag"), map[string]string{"flag": "x"}, "X-DSP-Request", ""), http.StatusForbidden, "X-DSP-Request")

	// A lab that plants no flag: 400 naming the field.
	env.writeLab(repo, "no flag", map[string]string{
		"compose.yaml": "x-dsp:\n  title: No flag\nservices:\n  s:\n    image: " + baseImage + "\n",
	})
	e = expectError(t, env.do(c, "POST", labURL(repo, "no flag", "flag"), map[string]string{"flag": "FLAG{x}"}), http.StatusBadRequest, "flag")
	if !strings.Contains(e.Error, "no flag") {
		t.Errorf("400 error %q does not say the lab plants no flag", e.Error)
	}

	// Running: wrong, then right (read where the ctf action planted it).
	env.cleanupLab(repo, name)
	op := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if done := env.waitOperation(c, op.Operation, 3*time.Minute); done.State != app.OpDone {
		t.Fatalf("up: %+v", done)
	}
	if fr := env.submitFlag(c, repo, name, "FLAG{wrong}"); fr.Correct || !strings.Contains(fr.Message, "Wrong") {
		t.Errorf("a wrong flag: %+v", fr)
	}
	flag := strings.TrimSpace(env.exec(env.ref(repo, name, ""), "target", "cat", "/home/alice/proof.txt"))
	if flag == "" || strings.Contains(flag, "DSP_FLAG") {
		t.Fatalf("the planted flag is %q", flag)
	}
	if fr := env.submitFlag(c, repo, name, flag); !fr.Correct || !strings.Contains(fr.Message, "Correct") {
		t.Errorf("the planted flag %q: %+v", flag, fr)
	}
	// Surrounding white space (a copied line) does not matter.
	if fr := env.submitFlag(c, repo, name, " "+flag+"\n"); !fr.Correct {
		t.Errorf("the planted flag with white space: %+v", fr)
	}

	// Rate limit: the 409 and the three answers above count; up to ten.
	for i := 4; i < flagAttempts; i++ {
		env.submitFlag(c, repo, name, "FLAG{guess}")
	}
	res := env.do(c, "POST", labURL(repo, name, "flag"), map[string]string{"flag": flag})
	e = expectError(t, res, http.StatusTooManyRequests, "")
	if res.Header.Get("Retry-After") == "" || !strings.Contains(e.Error, "too many") {
		t.Errorf("429: Retry-After %q, error %q", res.Header.Get("Retry-After"), e.Error)
	}
	// Another session is counted apart.
	if fr := env.submitFlag(env.login(), repo, name, flag); !fr.Correct {
		t.Errorf("another session: %+v", fr)
	}
}

// TestLabChecks: checks need the lab running (409); on the running lab
// the checks operation passes and its report becomes the lab's lastTest.
func TestLabChecks(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabChecks(t, e.open(t)) })
	}
}

func testLabChecks(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("checks-"), "hello"
	id := repo + "/" + name
	env.copyLab("hello-flag", repo, name)

	if lt := env.lastTestOf(c, repo, name); lt != nil {
		t.Errorf("a lab never tested has lastTest %+v", lt)
	}
	e := expectError(t, env.do(c, "POST", labURL(repo, name, "checks"), nil), http.StatusConflict, "")
	if !strings.Contains(e.Error, "start it") {
		t.Errorf("409 error %q does not say to start the lab", e.Error)
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("an operation started on a stopped lab: %+v", ops)
	}

	env.cleanupLab(repo, name)
	up := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if done := env.waitOperation(c, up.Operation, 3*time.Minute); done.State != app.OpDone {
		t.Fatalf("up: %+v", done)
	}
	events := env.events(c)
	op := env.start(c, "POST", labURL(repo, name, "checks"), nil)
	if op.Kind != "checks" || op.Lab != id || op.Instance != "default" {
		t.Errorf("202 answer = %+v", op)
	}
	done := env.waitOperation(c, op.Operation, 3*time.Minute)
	conforms(t, "Operation", env.do(c, "GET", "/api/operations/"+op.Operation, nil).body)
	if done.State != app.OpDone || done.Error != "" {
		t.Errorf("checks operation = %+v", done)
	}
	if len(done.Events) == 0 {
		t.Errorf("the checks operation has no progress")
	}
	ev := events.wait("operation event (checks done)", 10*time.Second, func(ev sseEvent) bool {
		return ev.Name == "operation" && ev.Data["operation"] == op.Operation && ev.Data["state"] != app.OpRunning
	})
	conforms(t, "OperationEvent", []byte(ev.Raw))

	lt := env.lastTestOf(c, repo, name)
	if lt == nil {
		t.Fatal("no lastTest after the checks")
	}
	if lt.Mode != labtest.ModeChecks || lt.Status != labtest.Passed || lt.Repo != repo || lt.Lab != name || lt.Instance != "default" {
		t.Errorf("lastTest = %+v", lt)
	}
	l := env.target(repo, name)
	checks := 0
	for _, s := range lt.Steps {
		if s.Kind == labtest.StepCheck {
			checks++
			if s.Status != labtest.Passed {
				t.Errorf("check %q: %s %s %s", s.Name, s.Status, s.Message, s.Output)
			}
		}
	}
	if checks != len(l.Checks) {
		t.Errorf("%d check steps, the lab has %d checks: %+v", checks, len(l.Checks), lt.Steps)
	}

	// The lab still runs: the checks touched nothing.
	if st := env.lastState(c, repo, name); st != "running" {
		t.Errorf("after the checks the lab is %s", st)
	}
}

func (env *testEnv) lastState(c *http.Client, repo, name string) string {
	env.t.Helper()
	var d report.Details
	env.do(c, "GET", labURL(repo, name), nil).json(env.t, &d)
	return d.State
}

// TestLabTest runs the whole test cycle through the API on a separate
// instance: it gives a test report as lastTest, the operation's state
// follows the report's status, and the lab's own instance is not started.
func TestLabTest(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabTest(t, e.open(t)) })
	}
}

func testLabTest(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("test-"), "hello"
	id := repo + "/" + name
	env.copyLab("hello-flag", repo, name)
	env.cleanupLab(repo, name, "default", labtest.TestInstance)

	// On the fake, the test's start waits at a hold while the test looks
	// at it; on Docker it takes seconds anyway.
	testRef := env.ref(repo, name, labtest.TestInstance)
	release := func() {}
	if env.fake != nil {
		release = env.fake.Hold(testRef)
		defer release()
	}
	op := env.start(c, "POST", labURL(repo, name, "test"), nil)
	if op.Kind != "test" || op.Lab != id || op.Instance != labtest.TestInstance {
		t.Errorf("202 answer = %+v", op)
	}
	if env.fake != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := env.fake.WaitHeld(ctx, testRef); err != nil {
			t.Fatal(err)
		}
	}
	// One operation at a time on a lab's instance: the test's is busy.
	// (Operations are per instance: the lab's default instance could
	// start meanwhile, see TestLabInstances.)
	for _, kind := range []string{"test", withInstance("up", labtest.TestInstance), withInstance("down", labtest.TestInstance)} {
		e := expectError(t, env.do(c, "POST", labURL(repo, name, kind), nil), http.StatusConflict, "")
		if !strings.Contains(e.Error, "busy") || !strings.Contains(e.Error, op.Operation) {
			t.Errorf("POST %s during the test: 409 error %q does not say the test (%s) runs", kind, e.Error, op.Operation)
		}
	}
	release()
	done := env.waitOperation(c, op.Operation, 6*time.Minute)
	conforms(t, "Operation", env.do(c, "GET", "/api/operations/"+op.Operation, nil).body)

	lt := env.lastTestOf(c, repo, name)
	if lt == nil {
		t.Fatalf("no lastTest after the test; operation %+v", done)
	}
	if lt.Mode != labtest.ModeTest || lt.Instance == "" || lt.Instance == "default" || len(lt.Steps) == 0 {
		t.Errorf("lastTest = %+v", lt)
	}
	kinds := map[string]bool{}
	for _, s := range lt.Steps {
		kinds[s.Kind] = true
	}
	for _, k := range []string{labtest.StepValidate, labtest.StepUp, labtest.StepCheck, labtest.StepDown} {
		if !kinds[k] {
			t.Errorf("the report has no %s step: %+v", k, lt.Steps)
		}
	}
	switch lt.Status {
	case labtest.Passed:
		if done.State != app.OpDone || done.Error != "" {
			t.Errorf("passed report, operation %+v", done)
		}
	default:
		if done.State != app.OpFailed || done.Error == "" {
			t.Errorf("%s report, operation %+v", lt.Status, done)
		}
		t.Errorf("hello-flag's test did not pass: %s; steps %+v", done.Error, lt.Steps)
	}
	if st := env.lastState(c, repo, name); st != "stopped" {
		t.Errorf("the test started the lab's own instance: %s", st)
	}
}

// TestReportError: a failed report's operation error names the first
// failed step and says why.
func TestReportError(t *testing.T) {
	rep := &labtest.Report{Mode: labtest.ModeChecks, Status: labtest.Failed, Steps: []labtest.Step{
		{Kind: labtest.StepCheck, Name: "alice exists", Status: labtest.Passed},
		{Kind: labtest.StepCheck, Name: "telnet answers", Status: labtest.Failed, Message: "connection refused"},
		{Kind: labtest.StepSolve, Name: labtest.StepSolve, Status: labtest.Failed, Message: "exit code 1"},
	}}
	got := app.ReportError(rep).Error()
	if got != `check "telnet answers": connection refused (and 1 more failed step)` {
		t.Errorf("ReportError = %q", got)
	}
	rep.Steps = rep.Steps[2:]
	if got := app.ReportError(rep).Error(); got != "solve: exit code 1" {
		t.Errorf("ReportError = %q", got)
	}
}

// catalogueLab reads the catalogue (which must conform) and returns one
// lab's entry.
func (env *testEnv) catalogueLab(c *http.Client, repo, name string) report.Lab {
	env.t.Helper()
	res := env.do(c, "GET", "/api/labs", nil)
	expect(env.t, res, http.StatusOK)
	conforms(env.t, "Catalogue", res.body)
	var doc report.Catalogue
	res.json(env.t, &doc)
	for _, r := range doc.Repositories {
		for _, l := range r.Labs {
			if r.Name == repo && l.Name == name {
				return l
			}
		}
	}
	env.t.Fatalf("the catalogue has no %s/%s", repo, name)
	return report.Lab{}
}

// TestCatalogueLastTest: the catalogue sums up each lab's last report —
// null before any test, then the checks operation's passed report, a failed
// report with its failed steps — and a corrupt report file in the folder
// breaks nothing.
func TestCatalogueLastTest(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testCatalogueLastTest(t, e.open(t)) })
	}
}

func testCatalogueLastTest(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("cat-"), "hello"
	env.copyLab("hello-flag", repo, name)
	env.copyLab("hello-flag", repo, "broken")

	if lt := env.catalogueLab(c, repo, name).LastTest; lt != nil {
		t.Errorf("a lab never tested has lastTest %+v in the catalogue", lt)
	}

	env.cleanupLab(repo, name)
	up := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if done := env.waitOperation(c, up.Operation, 3*time.Minute); done.State != app.OpDone {
		t.Fatalf("up: %+v", done)
	}
	op := env.start(c, "POST", labURL(repo, name, "checks"), nil)
	if done := env.waitOperation(c, op.Operation, 3*time.Minute); done.State != app.OpDone {
		t.Errorf("checks operation = %+v", done)
	}

	// A failed report of another lab, written as dsp test would, and a
	// corrupt file beside it.
	started := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	failed := &labtest.Report{Repo: repo, Lab: "broken", Mode: labtest.ModeTest, Instance: "test", Status: labtest.Failed, Started: started, Steps: []labtest.Step{
		{Kind: labtest.StepUp, Name: labtest.StepUp, Status: labtest.Passed},
		{Kind: labtest.StepCheck, Name: "a", Status: labtest.Failed, Message: "no"},
		{Kind: labtest.StepSolve, Name: labtest.StepSolve, Status: labtest.Failed, Message: "exit code 1"},
		{Kind: labtest.StepFlag, Name: labtest.StepFlag, Status: labtest.Skipped},
	}}
	store := labtest.Store{Dir: filepath.Join(env.app.StateDir(), "tests")} // where the App keeps the reports
	if err := store.Save(failed); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store.Dir, "corrupt.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}

	lt := env.catalogueLab(c, repo, name).LastTest
	if lt == nil || lt.Status != string(labtest.Passed) || lt.Mode != labtest.ModeChecks || lt.Failed != 0 || time.Since(lt.Started) > 5*time.Minute {
		t.Errorf("after the checks, the catalogue's lastTest = %+v", lt)
	}
	if full := env.lastTestOf(c, repo, name); full == nil || !full.Started.Equal(lt.Started) {
		t.Errorf("the catalogue and the lab's details disagree: %+v, %+v", lt, full)
	}
	lt = env.catalogueLab(c, repo, "broken").LastTest
	if lt == nil || lt.Status != string(labtest.Failed) || lt.Mode != labtest.ModeTest || lt.Failed != 2 || !lt.Started.Equal(started) {
		t.Errorf("the failed report in the catalogue = %+v", lt)
	}
	if lt := env.catalogueLab(c, "examples", "hello-flag").LastTest; lt != nil {
		t.Errorf("an untested lab has lastTest %+v", lt)
	}
}
