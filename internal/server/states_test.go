package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
)

// TestUpPublishesStates: the server publishes the states its operations
// put an instance in — `starting` then `running` for a start, `stopping`
// then `stopped` for a stop — even when the engine is so fast that it
// never shows them (the fake starts a lab in well under a millisecond); a
// start held in progress is `starting` everywhere and refuses another
// operation with 409; a start that fails ends `stopped`.
func TestUpPublishesStates(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo, name := "examples", "hello-flag"
	id := repo + "/" + name
	ref := env.ref(repo, name, "")
	events := env.events(c)

	// A fast start, then a fast stop.
	up := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("up: %+v", op)
	}
	starting := events.wait("state event (starting)", 5*time.Second, stateEvent(id, "starting"))
	events.wait("state event (running)", 5*time.Second, stateEvent(id, "running"))
	if got := strings.Join(events.states(id, "default"), " "); got != "starting running" {
		t.Errorf("state events of a fast start: %s, want starting running", got)
	}
	if _, ok := starting.Data["status"]; ok {
		t.Errorf("the starting state the server announces carries a status from Docker: %s", starting.Raw)
	}
	events.skip()
	down := env.start(c, "POST", labURL(repo, name, "down"), nil)
	if op := env.waitOperation(c, down.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("down: %+v", op)
	}
	events.wait("state event (stopped)", 5*time.Second, stateEvent(id, "stopped"))
	if got := strings.Join(events.states(id, "default"), " "); got != "stopping stopped" {
		t.Errorf("state events of a fast stop: %s, want stopping stopped", got)
	}

	// A start held in progress.
	events.skip()
	release := env.fake.Hold(ref)
	defer release()
	up = env.start(c, "POST", labURL(repo, name, "up"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.fake.WaitHeld(ctx, ref); err != nil {
		t.Fatal(err)
	}
	events.wait("state event (starting) of the held start", 5*time.Second, stateEvent(id, "starting"))
	if st := env.status(c, repo, name, ""); st.State != engine.StateStarting || st.Operation != "up" {
		t.Errorf("status of the held start: %s, operation %q", st.State, st.Operation)
	}
	if d := env.details(c, repo, name, ""); d.State != "starting" || d.Operation != up.Operation {
		t.Errorf("details of the held start: %s, operation %q", d.State, d.Operation)
	}
	if got := summaries(env.instances(c, repo, name)); got != "default=starting" {
		t.Errorf("instances of the held start: %s", got)
	}
	if l := findLab(findRepo(env.catalogue(c), repo), name); l == nil || l.State != "starting" {
		t.Errorf("catalogue during the held start: %+v", l)
	}
	for _, kind := range []string{"up", "down", "build"} {
		e := expectError(t, env.do(c, "POST", labURL(repo, name, kind), nil), http.StatusConflict, "")
		if !strings.Contains(e.Error, "busy") || !strings.Contains(e.Error, up.Operation) {
			t.Errorf("POST %s during the start: 409 error %q does not say the lab is busy with %s", kind, e.Error, up.Operation)
		}
	}
	release()
	if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("the held up: %+v", op)
	}
	events.wait("state event (running) after the hold", 5*time.Second, stateEvent(id, "running"))
	if got := strings.Join(events.states(id, "default"), " "); got != "starting running" {
		t.Errorf("state events of the held start: %s, want starting running", got)
	}
	down = env.start(c, "POST", labURL(repo, name, "down"), nil)
	if op := env.waitOperation(c, down.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("down: %+v", op)
	}

	// A start that fails: starting, then stopped again, and nothing left.
	events.skip()
	env.fake.FailNext(ref, engine.StepContainer, errAny)
	up = env.start(c, "POST", labURL(repo, name, "up"), nil)
	op := env.waitOperation(c, up.Operation, time.Minute)
	if op.State != app.OpFailed || !strings.Contains(op.Error, errAny.Error()) {
		t.Errorf("a failing start: %+v", op)
	}
	rolledBack := false
	for _, ev := range op.Events {
		rolledBack = rolledBack || (ev.Step == engine.StepRollback && ev.Status == engine.StatusDone)
	}
	if !rolledBack {
		t.Errorf("the failed start shows no rollback: %+v", op.Events)
	}
	events.wait("state event (starting) of the failing start", 5*time.Second, stateEvent(id, "starting"))
	events.expectLast(t, "after a failed start", id, "stopped", 5*time.Second)
	if st := env.status(c, repo, name, ""); st.State != engine.StateStopped {
		t.Errorf("status after a failed start: %s", st.State)
	}
}

// TestChecksWhileStarting: checks asked for while the server starts the
// lab are refused because the lab is busy with that start (409 naming the
// operation), as every other operation is — not because it "is not
// running".
func TestChecksWhileStarting(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	ref := env.ref("examples", "hello-flag", "")
	release := env.fake.Hold(ref)
	defer release()
	up := env.start(c, "POST", labURL("examples", "hello-flag", "up"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.fake.WaitHeld(ctx, ref); err != nil {
		t.Fatal(err)
	}
	e := expectError(t, env.do(c, "POST", labURL("examples", "hello-flag", "checks"), nil), http.StatusConflict, "")
	if !strings.Contains(e.Error, "busy") || !strings.Contains(e.Error, up.Operation) {
		t.Errorf("POST checks during the start: 409 error %q does not say the lab is busy with %s", e.Error, up.Operation)
	}
	release()
	if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("up: %+v", op)
	}
	env.cleanupLab("examples", "hello-flag")
}

// TestLabBusyElsewhere: while another dsp process (the CLI, on the same
// main directory) starts a lab, the server refuses to start or stop it
// (409 saying what is in progress), shows it starting, on the event
// stream too, and sees it stopped once that start gives up.
func TestLabBusyElsewhere(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testLabBusyElsewhere(t, e.open(t)) })
	}
}

func testLabBusyElsewhere(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name := uniqueName("busy-"), "slow"
	id := repo + "/" + name
	env.writeLab(repo, name, map[string]string{
		"compose.yaml": "x-dsp:\n  title: Slow\nservices:\n  a:\n    image: " + baseImage + "\n    command: [sleep, infinity]\n" +
			"    x-dsp:\n      actions:\n        - {name: exec, priority: 1, args: {command: \"sleep 600\"}}\n",
	})
	env.cleanupLab(repo, name)
	events := env.events(c)
	ref := env.ref(repo, name, "")
	other := env.outsideEngine()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reached := make(chan struct{})
	var once sync.Once
	progress := func(ev engine.Event) {
		if ev.Step == engine.StepAction && ev.Status == engine.StatusWorking {
			once.Do(func() { close(reached) })
		}
	}
	l := env.target(repo, name).Lab
	done := make(chan error, 1)
	go func() { done <- other.Up(ctx, ref, l, engine.UpOptions{Trusted: true, Progress: progress}) }()
	select {
	case <-reached:
	case err := <-done:
		t.Fatalf("the outside start ended before its action ran: %v", err)
	case <-time.After(3 * time.Minute):
		t.Fatal("the outside start never reached its action")
	}

	for _, kind := range []string{"up", "down"} {
		e := expectError(t, env.do(c, "POST", labURL(repo, name, kind), nil), http.StatusConflict, "")
		if !strings.Contains(e.Error, "busy") || !strings.Contains(e.Error, "up") {
			t.Errorf("POST %s while another process starts the lab: 409 error %q does not say an up is in progress", kind, e.Error)
		}
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("operations started on a lab busy elsewhere: %+v", ops)
	}
	if st := env.status(c, repo, name, ""); st.State != engine.StateStarting || !strings.HasPrefix(st.Operation, "up") {
		t.Errorf("status while another process starts the lab: %s, operation %q", st.State, st.Operation)
	}
	if d := env.details(c, repo, name, ""); d.State != "starting" {
		t.Errorf("details while another process starts the lab: %s", d.State)
	}
	events.expectLast(t, "while another process starts the lab", id, "starting", 5*time.Second)

	cancel()
	select {
	case err := <-done:
		// Cancelled, the start may end with an error or without one:
		// either is fine, what it leaves behind is checked below.
		t.Logf("the outside start ended after its context was cancelled: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("the outside start did not end after its context was cancelled")
	}
	if st := env.status(c, repo, name, ""); st.State != engine.StateStopped {
		t.Errorf("status after the outside start gave up: %s", st.State)
	}
	events.expectLast(t, "after the outside start gave up", id, "stopped", 5*time.Second)
}

// TestEventStreamSubscription: each open /api/events stream is one
// subscription to the App's events, ended when the client goes away.
func TestEventStreamSubscription(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	if n := env.app.Events().Subscribers(); n != 0 {
		t.Fatalf("%d subscribers before any stream", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", env.ts.URL+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&http.Client{Jar: c.Jar}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /api/events: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	poll(t, "one subscriber for the open stream", 5*time.Second, func() bool { return env.app.Events().Subscribers() == 1 })
	s := env.events(c)
	poll(t, "two subscribers for two streams", 5*time.Second, func() bool { return env.app.Events().Subscribers() == 2 })
	cancel()
	poll(t, "the closed stream's subscription ended", 5*time.Second, func() bool { return env.app.Events().Subscribers() == 1 })
	// The other stream still gets events.
	env.start(c, "POST", labURL("examples", "hello-flag", "down"), nil)
	s.wait("operation event of a down", 5*time.Second, func(ev sseEvent) bool { return ev.Name == "operation" && ev.Data["kind"] == "down" })
	// Without a session there is no stream.
	expectError(t, env.do(env.client(), "GET", "/api/events", nil), http.StatusUnauthorized, "")
}
