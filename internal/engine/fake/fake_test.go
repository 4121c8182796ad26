package fake_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/sirupsen/logrus"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/enginetest"
	"github.com/dsp-lab/dsp/internal/engine/fake"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestMain(m *testing.M) {
	// compose-go logs warnings through logrus; keep test output to what
	// the tests say.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// TestContract runs the contract that the real engine passes too.
func TestContract(t *testing.T) {
	enginetest.Run(t, enginetest.Harness{
		NewEngine: func(t *testing.T) engine.Engine {
			e := fake.New(fake.WithImages(enginetest.DefaultImage))
			t.Cleanup(func() { _ = e.Close() })
			return e
		},
	})
}

// busybox is the image the tests' labs run on.
const busybox = enginetest.DefaultImage

// newEngine returns a fake with busybox present and the options.
func newEngine(opts ...fake.Option) *fake.Engine {
	return fake.New(append([]fake.Option{fake.WithImages(busybox)}, opts...)...)
}

// newLab writes and loads a lab whose compose file is compose.
func newLab(t *testing.T, compose string, files ...string) *lab.Lab {
	t.Helper()
	all := map[string]string{"compose.yaml": compose}
	for i := 0; i+1 < len(files); i += 2 {
		all[files[i]] = files[i+1]
	}
	return enginetest.WriteLab(t, "lab", all)
}

// refOf names an instance of l.
func refOf(t *testing.T, l *lab.Lab, instance string) engine.Ref {
	t.Helper()
	r, err := engine.NewRef(l.Repo, l.Name, instance)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mustUp starts an instance or fails the test.
func mustUp(t *testing.T, e *fake.Engine, r engine.Ref, l *lab.Lab, opts ...func(*engine.UpOptions)) {
	t.Helper()
	o := engine.UpOptions{Trusted: true}
	for _, f := range opts {
		f(&o)
	}
	if err := e.Up(context.Background(), r, l, o); err != nil {
		t.Fatalf("up %s: %v", r, err)
	}
}

func withProgress(p engine.Progress) func(*engine.UpOptions) {
	return func(o *engine.UpOptions) { o.Progress = p }
}

func stateOf(t *testing.T, e *fake.Engine, r engine.Ref) engine.State {
	t.Helper()
	st, err := e.Status(context.Background(), r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st.State
}

func listed(t *testing.T, e *fake.Engine, r engine.Ref) engine.State {
	t.Helper()
	list, err := e.Instances(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		if in.Ref == r {
			return in.State
		}
	}
	return ""
}

// events records progress.
type events struct {
	mu   sync.Mutex
	list []engine.Event
}

func (ev *events) add(e engine.Event) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.list = append(ev.list, e)
}

// lines returns "step target status message" for each event.
func (ev *events) lines() []string {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var out []string
	for _, e := range ev.list {
		fields := []string{string(e.Step), e.Target, string(e.Status), e.Message}
		out = append(out, strings.Join(slices.DeleteFunc(fields, func(f string) bool { return f == "" }), " "))
	}
	return out
}

func (ev *events) has(step engine.Step, status engine.EventStatus) bool {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, e := range ev.list {
		if e.Step == step && e.Status == status {
			return true
		}
	}
	return false
}

const twoServices = `x-dsp: {title: two}
services:
  web:
    image: dsp/busybox:latest
    networks:
      lan: {ipv4_address: 10.9.0.5}
    ports: ["8080:80", "127.0.0.1::23"]
    x-dsp:
      actions:
        - {name: exec, priority: 2, args: {command: "echo second"}}
        - {name: exec, priority: 1, args: {command: "echo first > /tmp/first"}}
  db:
    image: dsp/busybox:latest
    networks: [lan, back]
networks:
  lan:
    ipam: {config: [{subnet: 10.9.0.0/24}]}
  back: {}
`

func TestUpProgressInOrder(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	rec := &events{}
	mustUp(t, e, r, l, withProgress(rec.add))
	got := rec.lines()
	last := got[len(got)-1]
	got = got[:len(got)-1]
	want := []string{
		"check working checking permissions, files, images and subnets",
		"check done ready to start",
		"network back working Creating", "network back done Created",
		"network lan working Creating", "network lan done Created",
		"container db working Creating", "container db done Created", "container db working Starting", "container db done Started",
		"container web working Creating", "container web done Created", "container web working Starting", "container web done Started",
		"action web/exec working running with command=echo first > /tmp/first", "action web/exec done done",
		"action web/exec working running with command=echo second", "action web/exec info second", "action web/exec done done",
	}
	if !slices.Equal(got, want) {
		t.Errorf("progress:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(last, "done done lab "+r.String()+" started in ") {
		t.Errorf("last event %q", last)
	}
	if data, err := e.ReadFile(r, "web", "/tmp/first"); err != nil || string(data) != "first\n" {
		t.Errorf("the priority 1 action's file: %q, %v", data, err)
	}
}

// testExposedPorts starts the lab again, exposed: its ports are where its
// compose file says.
func testExposedPorts(t *testing.T, e *fake.Engine, r engine.Ref, l *lab.Lab) {
	t.Helper()
	ctx := context.Background()
	if err := e.Down(ctx, r, l, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := e.Up(ctx, r, l, engine.UpOptions{Trusted: true, Expose: true}); err != nil {
		t.Fatal(err)
	}
	st, _ := e.Status(ctx, r, l)
	web, _ := st.Service("web")
	var ips []string
	for _, p := range web.Ports {
		ips = append(ips, fmt.Sprintf("%d@%s", p.Container, p.HostIP))
	}
	if got := strings.Join(ips, " "); got != "23@127.0.0.1 80@0.0.0.0 80@::" {
		t.Errorf("exposed ports = %s", got)
	}
}

func TestAddressesAndPorts(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	mustUp(t, e, r, l)
	st, err := e.Status(context.Background(), r, l)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := st.Service("db")
	web, _ := st.Service("web")
	// Static addresses are reserved; the others take the next free host
	// address after the gateway; a network without a subnet gets the first
	// free /24 of 10.250.0.0/16.
	if fmt.Sprint(db.Networks) != "[{back 10.250.0.2} {lan 10.9.0.2}]" || fmt.Sprint(web.Networks) != "[{lan 10.9.0.5}]" {
		t.Errorf("addresses: db %v, web %v", db.Networks, web.Networks)
	}
	// Published ports bind loopback unless the lab is exposed.
	want := []engine.PublishedPort{
		{Container: 23, Host: 32768, HostIP: "127.0.0.1", Protocol: "tcp"},
		{Container: 80, Host: 8080, HostIP: "127.0.0.1", Protocol: "tcp"},
	}
	if !slices.Equal(web.Ports, want) {
		t.Errorf("ports = %+v, want %+v", web.Ports, want)
	}
	testExposedPorts(t, e, r, l)
	if !strings.HasPrefix(web.Container, st.Project+"-web-1") || len(web.ContainerID) != 64 || web.Status == "" {
		t.Errorf("container %q id %q status %q", web.Container, web.ContainerID, web.Status)
	}

	// Another lab that wants host port 8080 fails at its containers, and
	// is rolled back.
	other := newLab(t, `x-dsp: {title: other}
services:
  web: {image: dsp/busybox:latest, ports: ["8080:80"]}
`)
	or := refOf(t, other, "")
	rec := &events{}
	err = e.Up(context.Background(), or, other, engine.UpOptions{Trusted: true, Progress: rec.add})
	var step *engine.StepError
	if !errors.As(err, &step) || step.Step != engine.StepContainer || !strings.Contains(err.Error(), "port is already allocated") {
		t.Errorf("up of a lab wanting a taken port: %v", err)
	}
	if !rec.has(engine.StepRollback, engine.StatusDone) || stateOf(t, e, or) != engine.StateStopped {
		t.Errorf("no rollback: %v", rec.lines())
	}
}

func TestHoldShowsStartingAndBusy(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	release := e.Hold(r)
	rec := &events{}
	done := make(chan error, 1)
	go func() { done <- e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true, Progress: rec.add}) }()
	if err := e.WaitHeld(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if !rec.has(engine.StepCheck, engine.StatusDone) || rec.has(engine.StepNetwork, engine.StatusWorking) {
		t.Errorf("events while held: %v", rec.lines())
	}
	st, err := e.Status(context.Background(), r, l)
	if err != nil || st.State != engine.StateStarting || st.Operation != "up" || len(st.Services) != 2 || st.Services[0].State != engine.ServiceMissing {
		t.Errorf("status while held: %+v, %v", st, err)
	}
	if got := listed(t, e, r); got != engine.StateStarting {
		t.Errorf("Instances while held: %q", got)
	}
	var busy *engine.BusyError
	if err := e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true}); !errors.As(err, &busy) || err.Error() != "lab "+r.String()+" is busy: up is in progress" {
		t.Errorf("second up: %v", err)
	}
	if err := e.Down(context.Background(), r, l, engine.DownOptions{}); !errors.As(err, &busy) {
		t.Errorf("down: %v", err)
	}
	release()
	release() // harmless
	if err := <-done; err != nil {
		t.Fatalf("up: %v", err)
	}
	if got := stateOf(t, e, r); got != engine.StateRunning {
		t.Errorf("after release: %s", got)
	}

	// A stop waits at a hold too: the instance is stopping.
	release = e.Hold(r)
	go func() { done <- e.Down(context.Background(), r, l, engine.DownOptions{}) }()
	if err := e.WaitHeld(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, e, r); got != engine.StateStopping {
		t.Errorf("state while a stop is held: %s", got)
	}
	release()
	if err := <-done; err != nil || stateOf(t, e, r) != engine.StateStopped {
		t.Errorf("down: %v, %s", err, stateOf(t, e, r))
	}
}

func TestHeldStartCancelled(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	defer e.Hold(r)()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Up(ctx, r, l, engine.UpOptions{Trusted: true}) }()
	if err := e.WaitHeld(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("up: %v, want context.Canceled", err)
	}
	if got := stateOf(t, e, r); got != engine.StateStopped {
		t.Errorf("state: %s", got)
	}
	if err := e.WaitHeld(context.Background(), refOf(t, l, "other")); err == nil {
		t.Errorf("WaitHeld without a hold succeeded")
	}
}

func TestFailNextRollsBackAtEachStep(t *testing.T) {
	l := newLab(t, `x-dsp: {title: steps}
services:
  web:
    build: ./web
    image: dsp-test/web:1
    x-dsp:
      actions:
        - {name: exec, priority: 1, args: {command: "true"}}
      files:
        - {source: motd, target: /etc/motd}
`, "web/Dockerfile", "FROM scratch\n", "motd", "hello\n")
	boom := errors.New("boom")
	for _, step := range []engine.Step{engine.StepNetwork, engine.StepContainer, engine.StepFiles, engine.StepAction, engine.StepDone} {
		t.Run(string(step), func(t *testing.T) {
			e := newEngine()
			r := refOf(t, l, "")
			e.FailNext(r, step, boom)
			rec := &events{}
			err := e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true, Progress: rec.add})
			var se *engine.StepError
			if !errors.Is(err, boom) || !errors.As(err, &se) || se.Step != step {
				t.Fatalf("up: %v, want boom at step %s", err, step)
			}
			if !rec.has(engine.StepRollback, engine.StatusDone) || stateOf(t, e, r) != engine.StateStopped || listed(t, e, r) != "" {
				t.Errorf("not rolled back: %v", rec.lines())
			}
			// The failure was for the next start only.
			mustUp(t, e, r, l)
			if got := stateOf(t, e, r); got != engine.StateRunning {
				t.Errorf("second start: %s", got)
			}
		})
	}
	t.Run("check and build", func(t *testing.T) {
		e := newEngine()
		r := refOf(t, l, "")
		e.FailNext(r, engine.StepCheck, boom)
		rec := &events{}
		if err := e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true, Progress: rec.add}); !errors.Is(err, boom) || errors.As(err, new(*engine.StepError)) {
			t.Errorf("up: %v, want boom itself (a preflight error)", err)
		}
		if !rec.has(engine.StepCheck, engine.StatusError) || rec.has(engine.StepRollback, engine.StatusWorking) {
			t.Errorf("events: %v", rec.lines())
		}
		e.FailNext(r, engine.StepBuild, boom)
		if err := e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true}); !errors.Is(err, boom) {
			t.Errorf("up: %v, want boom", err)
		}
		if ok, _, _ := e.ImagePresent(context.Background(), "dsp-test/web:1"); ok {
			t.Errorf("a failed build left its image")
		}
	})
	t.Run("never reached", func(t *testing.T) {
		e := newEngine()
		plain := newLab(t, "x-dsp: {title: plain}\nservices:\n  a: {image: dsp/busybox:latest}\n")
		r := refOf(t, plain, "")
		e.FailNext(r, engine.StepAction, boom)
		mustUp(t, e, r, plain) // no action: no failure, and it is forgotten
		if err := e.Down(context.Background(), r, plain, engine.DownOptions{}); err != nil {
			t.Fatal(err)
		}
		mustUp(t, e, r, plain)
	})
}

func TestInterruptedStartIsIncomplete(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	e.InterruptNext(r, engine.StepAction)
	err := e.Up(context.Background(), r, l, engine.UpOptions{Trusted: true})
	if !errors.Is(err, fake.ErrInterrupted) {
		t.Fatalf("up: %v", err)
	}
	if got, in := stateOf(t, e, r), listed(t, e, r); got != engine.StateIncomplete || in != engine.StateIncomplete {
		t.Errorf("state %s, listed %s; want incomplete", got, in)
	}
	if _, err := e.SubmitFlag(context.Background(), r, "x"); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("submit to an incomplete lab: %v", err)
	}
	rec := &events{}
	mustUp(t, e, r, l, withProgress(rec.add))
	if !slices.Contains(rec.lines(), "check info the lab is incomplete: removing what is left before starting") {
		t.Errorf("events: %v", rec.lines())
	}
	if got := stateOf(t, e, r); got != engine.StateRunning {
		t.Errorf("after a new start: %s", got)
	}
}

func TestServiceStateAndEvents(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	mustUp(t, e, r, l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan engine.Ref, 100)
	go e.Events(ctx, func(got engine.Ref) { changes <- got })
	if err := e.WaitListeners(ctx, 1); err != nil {
		t.Fatal(err)
	}
	sess, err := e.Attach(context.Background(), r, "web", engine.AttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := e.SetServiceState(r, "web", "exited"); err != nil {
		t.Fatal(err)
	}
	if got := <-changes; got != r {
		t.Errorf("change of %s, want %s", got, r)
	}
	st, _ := e.Status(context.Background(), r, l)
	web, _ := st.Service("web")
	if st.State != engine.StateDegraded || web.State != "exited" || !strings.HasPrefix(web.Status, "Exited (137)") {
		t.Errorf("status: %s, web %s %q", st.State, web.State, web.Status)
	}
	if code, err := sess.Wait(context.Background()); code != 137 || err != nil {
		t.Errorf("session into the container that died: %d, %v", code, err)
	}
	var nr *engine.NotRunningError
	if _, _, err := e.Exec(context.Background(), r, "web", []string{"true"}, nil); !errors.As(err, &nr) || nr.State != "exited" {
		t.Errorf("exec: %v", err)
	}
	if err := e.SetServiceState(r, "web", engine.ServiceRunning); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, e, r); got != engine.StateRunning {
		t.Errorf("state: %s", got)
	}
	if err := e.SetHealth(r, "db", "unhealthy"); err != nil {
		t.Fatal(err)
	}
	st, _ = e.Status(context.Background(), r, l)
	if db, _ := st.Service("db"); db.Health != "unhealthy" || !strings.HasSuffix(db.Status, "(unhealthy)") {
		t.Errorf("db: %+v", db)
	}
	if err := e.SetServiceState(r, "nope", "exited"); !errors.As(err, &nr) {
		t.Errorf("unknown service: %v", err)
	}
	// A degraded lab is started again from scratch, as the real engine does.
	_ = e.SetServiceState(r, "web", "exited")
	rec := &events{}
	mustUp(t, e, r, l, withProgress(rec.add))
	if !slices.Contains(rec.lines(), "check info the lab is degraded: removing what is left before starting") || stateOf(t, e, r) != engine.StateRunning {
		t.Errorf("restart of a degraded lab: %v", rec.lines())
	}
}

func TestHealthcheckedServiceIsHealthy(t *testing.T) {
	e := newEngine()
	l := newLab(t, `x-dsp: {title: health}
services:
  a:
    image: dsp/busybox:latest
    healthcheck: {test: ["CMD", "true"]}
  b:
    image: dsp/busybox:latest
`)
	r := refOf(t, l, "")
	mustUp(t, e, r, l)
	st, _ := e.Status(context.Background(), r, l)
	if a, _ := st.Service("a"); a.Health != "healthy" {
		t.Errorf("a: %+v", a)
	}
	if b, _ := st.Service("b"); b.Health != "" {
		t.Errorf("b: %+v", b)
	}
}

func TestSubnetHeldByAnotherNetwork(t *testing.T) {
	e := newEngine(fake.WithNetwork("corp", "10.9.0.0/16"), fake.WithNetwork("pool", "10.250.0.0/24"))
	l := newLab(t, twoServices)
	err := e.Up(context.Background(), refOf(t, l, ""), l, engine.UpOptions{Trusted: true})
	var clash *engine.SubnetInUseError
	if !errors.As(err, &clash) || clash.Holder != "Docker network corp (10.9.0.0/16)" {
		t.Fatalf("up: %v", err)
	}
	plain := newLab(t, "x-dsp: {title: plain}\nservices:\n  a: {image: dsp/busybox:latest}\n")
	r := refOf(t, plain, "")
	mustUp(t, e, r, plain)
	st, _ := e.Status(context.Background(), r, plain)
	if len(st.Networks) != 1 || st.Networks[0].Subnet != "10.250.1.0/24" {
		t.Errorf("networks %+v, want the first free /24 of the pool", st.Networks)
	}
}

func TestBuildAndImages(t *testing.T) {
	e := newEngine(fake.WithPullable("alpine:3.20"))
	ctx := context.Background()
	l := newLab(t, `x-dsp: {title: build}
services:
  a: {build: ./a, image: dsp-test/built:1}
  b: {build: ./a, image: dsp-test/built:1}
`, "a/Dockerfile", "FROM scratch\n")
	rec := &events{}
	if err := e.Build(ctx, l, engine.BuildOptions{Progress: rec.add}); err != nil {
		t.Fatal(err)
	}
	if ok, size, _ := e.ImagePresent(ctx, "dsp-test/built:1"); !ok || size == 0 {
		t.Errorf("built image not present")
	}
	if !slices.Contains(rec.lines(), "build a done image built") {
		t.Errorf("build events: %v", rec.lines())
	}
	rec = &events{}
	if err := e.Build(ctx, l, engine.BuildOptions{Progress: rec.add}); err != nil || len(rec.lines()) != 0 {
		t.Errorf("second build: %v, %v; want nothing to do", err, rec.lines())
	}
	e.FailBuild("dsp-test/built:1", errors.New("RUN exited with 1"))
	var se *engine.StepError
	if err := e.Build(ctx, l, engine.BuildOptions{All: true}); !errors.As(err, &se) || se.Step != engine.StepBuild {
		t.Errorf("failing build: %v", err)
	}

	r := refOf(t, l, "")
	mustUp(t, e, r, l)
	images, _ := e.Images(ctx)
	var used []string
	for _, img := range images {
		if slices.Contains(img.Tags, "dsp-test/built:1") {
			used = img.UsedBy
			if err := e.RemoveImage(ctx, img.ID[:19]); !errors.As(err, new(*engine.InUseError)) {
				t.Errorf("remove by id while used: %v", err)
			}
		}
	}
	if !slices.Equal(used, []string{r.String()}) {
		t.Errorf("used by %v", used)
	}
	if err := e.Down(ctx, r, nil, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := e.RemoveImage(ctx, "dsp-test/built:1"); err != nil {
		t.Errorf("remove: %v", err)
	}
	if ok, _, _ := e.ImagePresent(ctx, "dsp-test/built:1"); ok {
		t.Errorf("removed image still present")
	}
	if ok, _, _ := e.ImagePresent(ctx, "busybox"); ok {
		t.Errorf("busybox is not dsp/busybox")
	}
	if ok, _, _ := e.ImagePresent(ctx, "docker.io/dsp/busybox"); !ok {
		t.Errorf("names are not normalised")
	}

	rec = &events{}
	if err := e.Pull(ctx, "alpine:3.20", rec.add); err != nil {
		t.Fatalf("pull: %v", err)
	}
	if got := rec.lines(); len(got) != 8 || got[0] != "pull alpine:3.20 working pulling" || got[7] != "pull alpine:3.20 done pulled" {
		t.Errorf("pull events: %q", got)
	}
	if ok, _, _ := e.ImagePresent(ctx, "alpine:3.20"); !ok {
		t.Errorf("pulled image not present")
	}
	if err := e.Pull(ctx, "ghcr.io/x/y:1", nil); err == nil || !strings.Contains(err.Error(), "lookup ghcr.io: no such host") {
		t.Errorf("pull from an unreachable registry: %v", err)
	}
	if err := e.Pull(ctx, "../x", nil); !errdefs.IsInvalidArgument(err) {
		t.Errorf("pull of a bad reference: %v", err)
	}
}

func TestLogs(t *testing.T) {
	e := newEngine()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	mustUp(t, e, r, l)
	for _, line := range []string{"web:one", "db:two", "web:three\n"} {
		svc, text, _ := strings.Cut(line, ":")
		if err := e.AppendLog(r, svc, text); err != nil {
			t.Fatal(err)
		}
	}
	var all, web, tail strings.Builder
	ctx := context.Background()
	if err := e.Logs(ctx, r, engine.LogsOptions{}, &all); err != nil || all.String() != "web | one\ndb | two\nweb | three\n" {
		t.Errorf("all logs: %q, %v", all.String(), err)
	}
	if err := e.Logs(ctx, r, engine.LogsOptions{Services: []string{"web"}}, &web); err != nil || web.String() != "one\nthree\n" {
		t.Errorf("web's logs: %q, %v", web.String(), err)
	}
	if err := e.Logs(ctx, r, engine.LogsOptions{Tail: "1"}, &tail); err != nil || tail.String() != "db | two\nweb | three\n" {
		t.Errorf("tail 1: %q, %v", tail.String(), err)
	}
	if err := e.Logs(ctx, r, engine.LogsOptions{Tail: "x"}, io.Discard); err == nil {
		t.Errorf("tail x accepted")
	}

	// Follow prints new lines until its context ends. (The new line is
	// printed whether it comes before Follow looked or after.)
	fctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- e.Logs(fctx, r, engine.LogsOptions{Services: []string{"db"}, Follow: true}, pw)
		pw.Close()
	}()
	if err := e.AppendLog(r, "db", "four"); err != nil {
		t.Fatal(err)
	}
	followed := bufio.NewReader(pr)
	for _, want := range []string{"two\n", "four\n"} {
		if line, err := followed.ReadString('\n'); err != nil || line != want {
			t.Errorf("followed line %q, %v; want %q", line, err, want)
		}
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err := <-done; err != nil {
		t.Errorf("follow ended with %v", err)
	}
}

func TestDialer(t *testing.T) {
	ctx := context.Background()
	l := newLab(t, twoServices)
	r := refOf(t, l, "")
	e := newEngine()
	mustUp(t, e, r, l)
	d, err := e.Dial(ctx, r, "db")
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.DialContext(ctx, "tcp", "web:80")
	var op *net.OpError
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &op) || op.Addr.String() != "10.9.0.5:80" {
		t.Errorf("dial web:80: %v, want refused at 10.9.0.5:80", err)
	}
	var dns *net.DNSError
	if _, err := d.DialContext(ctx, "tcp", "nowhere:80"); !errors.As(err, &dns) || !dns.IsNotFound {
		t.Errorf("dial nowhere: %v", err)
	}
	if _, err := e.Dial(ctx, refOf(t, l, "stopped"), "db"); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("dial from a stopped lab: %v", err)
	}

	// A handler answers with one end of a pipe.
	e = newEngine(fake.WithDial(func(ctx context.Context, req *fake.DialRequest) (net.Conn, error) {
		if req.Address != "web:80" {
			return req.Default(ctx)
		}
		client, server := net.Pipe()
		go func() {
			defer server.Close()
			_, _ = io.WriteString(server, "HTTP/1.0 200 OK\r\n\r\nhello from "+req.Service)
		}()
		return client, nil
	}))
	mustUp(t, e, r, l)
	d, _ = e.Dial(ctx, r, "db")
	conn, err := d.DialContext(ctx, "tcp", "web:80")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(conn)
	if !strings.HasSuffix(string(data), "hello from db") {
		t.Errorf("answer %q", data)
	}
	if _, err := d.DialContext(ctx, "tcp", "web:23"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial web:23 through the default: %v", err)
	}
}

func TestExampleLabsRun(t *testing.T) {
	ctx := context.Background()
	e := newEngine()
	hello, _, err := lab.Load(ctx, "../../../examples/hello-flag")
	if err != nil {
		t.Fatal(err)
	}
	r := refOf(t, hello, "")
	rec := &events{}
	mustUp(t, e, r, hello, withProgress(rec.add))
	proof, err := e.ReadFile(r, "target", "/home/alice/proof.txt")
	if err != nil || !regexp.MustCompile(`^FLAG\{[0-9a-f]{32}\}\n$`).Match(proof) {
		t.Fatalf("proof: %q, %v", proof, err)
	}
	if ok, err := e.SubmitFlag(ctx, r, string(proof)); !ok || err != nil {
		t.Errorf("submit: %v, %v", ok, err)
	}
	for _, ev := range rec.list {
		if strings.Contains(ev.Message, strings.TrimSpace(string(proof))) {
			t.Errorf("progress shows the flag: %+v", ev)
		}
	}
	motd, _ := os.ReadFile("../../../examples/hello-flag/files/motd")
	if got, _ := e.ReadFile(r, "target", "/etc/motd"); string(got) != string(motd) {
		t.Errorf("motd %q", got)
	}
	if _, err := e.ReadFile(r, "target", "/home/alice/welcome.txt"); err != nil {
		t.Errorf("welcome.txt: %v", err)
	}
	if code, out, _ := e.Exec(ctx, r, "target", []string{"cat", "/tmp/ready"}, nil); code != 0 || out != "ready\n" {
		t.Errorf("exec action's file: %d %q", code, out)
	}

	routed, _, err := lab.Load(ctx, "../../../examples/routed-network")
	if err != nil {
		t.Fatal(err)
	}
	rr := refOf(t, routed, "")
	mustUp(t, e, rr, routed)
	st, _ := e.Status(ctx, rr, routed)
	var got []string
	for _, s := range st.Services {
		for _, n := range s.Networks {
			got = append(got, s.Name+":"+n.Name+"="+n.IP)
		}
	}
	want := "attacker:outside=10.231.1.10 router:inside=10.231.2.254 router:outside=10.231.1.254 victim:inside=10.231.2.10"
	if strings.Join(got, " ") != want {
		t.Errorf("addresses %v, want %s", got, want)
	}
}

func TestFlagInEnvironmentAndGivenFlag(t *testing.T) {
	e := newEngine()
	l := newLab(t, `x-dsp:
  title: env flag
  flag: {prefix: CTF}
services:
  box:
    image: dsp/busybox:latest
    environment:
      SECRET: "the flag is ${DSP_FLAG}"
    x-dsp:
      actions:
        - {name: exec, args: {command: "echo planted $SECRET"}}
        - {name: ctf, args: {ctf: "STATIC{upstream-style}", username: ""}}
`)
	r := refOf(t, l, "")
	rec := &events{}
	mustUp(t, e, r, l, withProgress(rec.add), func(o *engine.UpOptions) { o.Flag = "CTF{given}" })
	if _, out, _ := e.Exec(context.Background(), r, "box", []string{"sh", "-c", "echo $SECRET"}, nil); out != "the flag is CTF{given}\n" {
		t.Errorf("environment: %q", out)
	}
	if !slices.Contains(rec.lines(), "action box/exec info planted the flag is •••") {
		t.Errorf("the action's output is not hidden: %v", rec.lines())
	}
	for flag, want := range map[string]bool{"CTF{given}": true, "STATIC{upstream-style}": true, "${DSP_FLAG}": false} {
		if ok, err := e.SubmitFlag(context.Background(), r, flag); err != nil || ok != want {
			t.Errorf("submit %q: %v, %v", flag, ok, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEngine()
	l := newLab(t, "x-dsp: {title: many}\nservices:\n  a: {image: dsp/busybox:latest, ports: [\"80\"]}\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Events(ctx, func(engine.Ref) {})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := refOf(t, l, fmt.Sprintf("i%d", i))
			for range 3 {
				if err := e.Up(ctx, r, l, engine.UpOptions{Trusted: true}); err != nil {
					t.Error(err)
					return
				}
				_, _ = e.Instances(ctx)
				_, _, _ = e.Exec(ctx, r, "a", []string{"sh", "-c", "echo $HOSTNAME > /tmp/h; cat /tmp/h"}, nil)
				if err := e.Down(ctx, r, l, engine.DownOptions{}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if list, _ := e.Instances(ctx); len(list) != 0 {
		t.Errorf("left: %v", list)
	}
}
