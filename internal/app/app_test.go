package app_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/sirupsen/logrus"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/fake"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestMain(m *testing.M) {
	// compose-go logs warnings through logrus; dsp reports them itself.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// The images the example labs run on.
var exampleImages = []string{"dsp/busybox:latest", "dsp-examples/hello-target:1", "dsp-examples/routed-node:1"}

// newApp opens a new main directory (with the examples) on a fake engine.
func newApp(t *testing.T) (*app.App, *fake.Engine, string) {
	t.Helper()
	home := t.TempDir()
	eng := fake.New(fake.WithImages(exampleImages...))
	a, err := app.Open(context.Background(), app.Options{Home: home, Seed: examples.FS(), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, eng, home
}

// writeLab writes a lab folder (a .dsp marker and files) into repoDir,
// making repoDir a repository.
func writeLab(t *testing.T, repoDir, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(repoDir, name)
	files[lab.MarkerFile] = ""
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repoDir, lab.MarkerFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const privilegedLab = "services:\n  box:\n    image: dsp/busybox:latest\n    privileged: true\n"

func TestIsPath(t *testing.T) {
	for arg, want := range map[string]bool{
		".": true, "..": true, "./x": true, "../x": true, "/srv/labs/x": true,
		"examples/hello-flag": false, "a/../b": false, "x": false, ".hidden": false,
	} {
		if got := app.IsPath(arg); got != want {
			t.Errorf("IsPath(%q) = %v, want %v", arg, got, want)
		}
	}
}

func TestLabResolution(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()

	exact, err := a.Lab(ctx, "examples/hello-flag")
	if err != nil || exact.ID() != "examples/hello-flag" || !exact.Trusted {
		t.Fatalf("Lab(examples/hello-flag) = %+v, %v", exact, err)
	}
	folded, err := a.Lab(ctx, "EXAMPLES/Hello-Flag")
	if err != nil || folded.Dir != exact.Dir {
		t.Errorf("a case-insensitive name resolves to %v, %v", folded, err)
	}
	byPath, err := a.Lab(ctx, filepath.Join(home, "examples", "hello-flag"))
	if err != nil || byPath.Dir != exact.Dir || byPath.ID() != exact.ID() {
		t.Errorf("the lab by path = %v, %v; want the same lab", byPath, err)
	}
	for _, bad := range []string{"examples/No Such Lab", "nope/hello-flag"} {
		if _, err := a.Lab(ctx, bad); !cerrdefs.IsNotFound(err) {
			t.Errorf("Lab(%q) = %v, want a NotFound error", bad, err)
		}
	}
	if _, err := a.Lab(ctx, "examples/../etc"); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("Lab(examples/../etc) = %v, want an InvalidArgument error", err)
	}

	notALab := filepath.Join(t.TempDir(), "notes")
	if err := os.MkdirAll(notALab, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{notALab, filepath.Join(notALab, "missing")} {
		_, err := a.Lab(ctx, p)
		var nl *app.NotALabError
		if !errors.As(err, &nl) || !strings.Contains(err.Error(), "is not a lab folder") {
			t.Errorf("Lab(%s) = %v, want *NotALabError", p, err)
		}
	}
	// A relative path that is not a REPO/LAB of the main directory is a
	// path when the folder exists.
	t.Chdir(filepath.Join(home, "examples"))
	rel, err := a.Lab(ctx, "hello-flag")
	if err != nil || rel.Dir != exact.Dir {
		t.Errorf("Lab(hello-flag) in the repository folder = %v, %v", rel, err)
	}
}

func TestTrustRule(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	untrusted := writeLab(t, filepath.Join(home, "strangers"), "risky", map[string]string{"compose.yaml": privilegedLab})
	outside := writeLab(t, filepath.Join(t.TempDir(), "checkout"), "mine", map[string]string{"compose.yaml": privilegedLab})

	cases := []struct {
		what, arg string
		want      bool
	}{
		{"a lab of the examples", "examples/hello-flag", true},
		{"a lab of an untrusted repository by name", "strangers/risky", false},
		{"a lab of an untrusted repository by path", untrusted, false},
		{"the user's own checkout", outside, true},
	}
	// A symbolic link outside the main directory that leads into the
	// untrusted repository does not make its lab the user's own.
	link := filepath.Join(t.TempDir(), "looks-like-mine")
	if err := os.Symlink(untrusted, link); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		what, arg string
		want      bool
	}{"a link into an untrusted repository", link, false})
	// A main directory reached through a link is still the main directory.
	linkedHome := filepath.Join(t.TempDir(), "home-link")
	if err := os.Symlink(home, linkedHome); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		what, arg string
		want      bool
	}{"the untrusted lab through a linked main directory", filepath.Join(linkedHome, "strangers", "risky"), false})

	for _, tc := range cases {
		lt, err := a.Lab(ctx, tc.arg)
		if err != nil {
			t.Errorf("%s: %v", tc.what, err)
			continue
		}
		if lt.Trusted != tc.want {
			t.Errorf("%s (%s): trusted = %v, want %v", tc.what, tc.arg, lt.Trusted, tc.want)
		}
	}

	// The untrusted lab is refused before anything starts; trusting the
	// repository lets it start.
	risky, _ := a.Lab(ctx, link)
	ref, _ := risky.Ref("")
	_, err := a.Up(ctx, risky, ref, app.UpOptions{})
	var refused *engine.UntrustedError
	if !errors.As(err, &refused) || !cerrdefs.IsPermissionDenied(err) || refused.Repo != "strangers" {
		t.Fatalf("Up of the untrusted lab = %v, want *UntrustedError for repository strangers", err)
	}
	if err := a.SetTrusted("strangers", true); err != nil {
		t.Fatal(err)
	}
	risky, _ = a.Lab(ctx, link)
	if st, err := a.Up(ctx, risky, ref, app.UpOptions{}); err != nil || st.State != engine.StateRunning {
		t.Fatalf("Up once trusted = %v, %v", st, err)
	}
}

func TestServicePermission(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	writeLab(t, filepath.Join(home, "mine"), "two", map[string]string{"compose.yaml": `
services:
  open:
    image: dsp/busybox:latest
  closed:
    image: dsp/busybox:latest
    x-dsp: {shell: false}
`})
	lt, err := a.Lab(ctx, "mine/two")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := lt.Ref("")
	if _, err := a.Service(ctx, lt, ref, "open"); !cerrdefs.IsFailedPrecondition(err) {
		t.Errorf("a service of a stopped lab = %v, want FailedPrecondition (not running)", err)
	}
	if _, err := a.Up(ctx, lt, ref, app.UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service(ctx, lt, ref, "nope"); !cerrdefs.IsNotFound(err) || !strings.Contains(err.Error(), "open") {
		t.Errorf("an unknown service = %v, want NotFound listing the services", err)
	}
	var forbidden *app.ShellForbiddenError
	if _, err := a.Service(ctx, lt, ref, "closed"); !errors.As(err, &forbidden) || !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("a service with shell: false = %v, want *ShellForbiddenError", err)
	}
	svc, err := a.Service(ctx, lt, ref, "open")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Attach(ctx, engine.AttachOptions{Cmd: []string{"sh", "-c", "exit 3"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	go func() { _, _ = io.Copy(io.Discard, sess) }()
	if code, err := sess.Wait(ctx); err != nil || code != 3 {
		t.Errorf("a process in the service exited %d, %v; want 3", code, err)
	}
	// Files go in and out of the service with docker cp's rules.
	src := filepath.Join(t.TempDir(), "note.txt")
	if err := os.WriteFile(src, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := svc.CopyIn(ctx, src, "/tmp/"); err != nil {
		t.Fatal(err)
	}
	back := filepath.Join(t.TempDir(), "back.txt")
	if err := svc.CopyOut(ctx, "/tmp/note.txt", back); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(back); string(data) != "hello\n" {
		t.Errorf("copied back %q", data)
	}
}

// events collects the App's events until the test ends.
func events(t *testing.T, a *app.App) <-chan app.Message {
	t.Helper()
	ch, stop := a.Events().Subscribe()
	t.Cleanup(stop)
	return ch
}

// waitEvent waits for an event that match accepts, failing after 10 s.
func waitEvent(t *testing.T, ch <-chan app.Message, what string, match func(app.Message) bool) app.Message {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-ch:
			if match(m) {
				return m
			}
		case <-timeout:
			t.Fatalf("no %s within 10s", what)
		}
	}
}

func stateOf(lab, instance string, state engine.State) func(app.Message) bool {
	return func(m app.Message) bool {
		ev, ok := m.Payload.(app.StateEvent)
		return ok && m.Name == app.EventState && ev.Lab == lab && ev.Instance == instance && ev.State == state
	}
}

func TestOperationsByInstance(t *testing.T) {
	a, eng, _ := newApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Watch(ctx)
	ch := events(t, a)
	hello, err := a.Lab(ctx, "examples/hello-flag")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := hello.Ref("")
	second, _ := hello.Ref("second")

	// A start in progress: its state is published at once, a second start
	// of the same instance is refused, another instance starts meanwhile.
	release := eng.Hold(first)
	op, err := a.StartUp(ctx, hello, first)
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ch, "starting of the first instance", stateOf("examples/hello-flag", "default", engine.StateStarting))
	if err := eng.WaitHeld(ctx, first); err != nil {
		t.Fatal(err)
	}
	var busy *app.BusyError
	if _, err := a.StartUp(ctx, hello, first); !errors.As(err, &busy) || !cerrdefs.IsConflict(err) {
		t.Errorf("a second start of a starting instance = %v, want *app.BusyError", err)
	}
	op2, err := a.StartUp(ctx, hello, second)
	if err != nil {
		t.Fatalf("another instance while the first starts: %v", err)
	}
	if v := op2.Wait(ctx); v.State != app.OpDone || v.Instance != "second" || v.Lab != "examples/hello-flag" {
		t.Fatalf("the second instance's start = %+v", v)
	}
	release()
	if v := op.Wait(ctx); v.State != app.OpDone || len(v.Events) == 0 {
		t.Fatalf("the first instance's start = %+v", v)
	}
	waitEvent(t, ch, "running of the first instance", stateOf("examples/hello-flag", "default", engine.StateRunning))

	list, err := a.Instances(ctx, hello)
	if err != nil || len(list) != 2 || list[0].Instance != "default" || list[1].Instance != "second" {
		t.Fatalf("instances = %+v, %v; want default and second", list, err)
	}
	if id := a.LatestOperation(second); id != op2.ID {
		t.Errorf("latest operation of the second instance = %q, want %s", id, op2.ID)
	}

	// Stopping one leaves the other running.
	down, err := a.StartDown(ctx, hello, second)
	if err != nil {
		t.Fatal(err)
	}
	if v := down.Wait(ctx); v.State != app.OpDone {
		t.Fatalf("down = %+v", v)
	}
	waitEvent(t, ch, "stopped of the second instance", stateOf("examples/hello-flag", "second", engine.StateStopped))
	if st, _ := a.Status(ctx, hello, first); st.State != engine.StateRunning {
		t.Errorf("the first instance is %s after the second stopped", st.State)
	}
	if got := len(a.Operations()); got != 3 {
		t.Errorf("%d operations readable, want 3", got)
	}
}

func TestStartRefusals(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	writeLab(t, filepath.Join(home, "mine"), "broken", map[string]string{"compose.yaml": "services:\n  box:\n    image: dsp/busybox:latest\n    networks: {lan: {ipv4_address: 10.9.9.9}}\nnetworks:\n  lan:\n    ipam: {config: [{subnet: 10.1.0.0/24}]}\n"})
	broken, err := a.Lab(ctx, "mine/broken")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := broken.Ref("")
	var invalid *lab.InvalidError
	if _, err := a.StartUp(ctx, broken, ref); !errors.As(err, &invalid) || !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("starting an invalid lab = %v, want *lab.InvalidError", err)
	}
	// An invalid lab is tested all the same: its report says why.
	if op, err := a.StartTest(ctx, broken); err != nil {
		t.Errorf("testing an invalid lab = %v", err)
	} else if v := op.Wait(ctx); v.State != app.OpFailed || !strings.Contains(v.Error, "validate") {
		t.Errorf("the test of an invalid lab = %+v, want a failed validate step", v)
	}

	hello, _ := a.Lab(ctx, "examples/hello-flag")
	helloRef, _ := hello.Ref("")
	if _, err := a.StartChecks(ctx, hello, helloRef); !cerrdefs.IsFailedPrecondition(err) {
		t.Errorf("checks of a stopped lab = %v, want FailedPrecondition", err)
	}
	writeLab(t, filepath.Join(home, "mine"), "plain", map[string]string{"compose.yaml": "services:\n  box:\n    image: dsp/busybox:latest\n"})
	plain, _ := a.Lab(ctx, "mine/plain")
	plainRef, _ := plain.Ref("")
	var noChecks *app.ErrNoChecks
	if _, err := a.StartChecks(ctx, plain, plainRef); !errors.As(err, &noChecks) {
		t.Errorf("checks of a lab without checks = %v, want *ErrNoChecks", err)
	}
	if _, err := a.StartPull(ctx, "../containers/x"); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("pulling a path = %v, want InvalidArgument", err)
	}
}

func TestFlags(t *testing.T) {
	a, eng, home := newApp(t)
	ctx := context.Background()
	hello, _ := a.Lab(ctx, "examples/hello-flag")
	ref, _ := hello.Ref("")
	if _, err := a.SubmitFlag(ctx, hello, ref, "FLAG{x}"); !cerrdefs.IsFailedPrecondition(err) {
		t.Errorf("a flag for a stopped lab = %v, want FailedPrecondition", err)
	}
	if _, err := a.Up(ctx, hello, ref, app.UpOptions{}); err != nil {
		t.Fatal(err)
	}
	planted, err := eng.ReadFile(ref, "target", "/home/alice/proof.txt")
	if err != nil {
		t.Fatal(err)
	}
	flag := strings.TrimSpace(string(planted))
	for _, tc := range []struct {
		flag string
		ok   bool
	}{{flag, true}, {"  " + flag + "\n", true}, {strings.ToLower(flag), false}, {flag + "x", false}} {
		if ok, err := a.SubmitFlag(ctx, hello, ref, tc.flag); err != nil || ok != tc.ok {
			t.Errorf("SubmitFlag(%q) = %v, %v; want %v", tc.flag, ok, err, tc.ok)
		}
	}
	var bad *app.FlagError
	for _, f := range []string{"", "   ", strings.Repeat("x", 2000)} {
		if _, err := a.SubmitFlag(ctx, hello, ref, f); !errors.As(err, &bad) {
			t.Errorf("SubmitFlag(%d bytes) = %v, want *FlagError", len(f), err)
		}
	}
	writeLab(t, filepath.Join(home, "mine"), "noflag", map[string]string{"compose.yaml": "services:\n  box:\n    image: dsp/busybox:latest\n"})
	noflag, _ := a.Lab(ctx, "mine/noflag")
	noflagRef, _ := noflag.Ref("")
	if _, err := a.SubmitFlag(ctx, noflag, noflagRef, "FLAG{x}"); !errors.Is(err, engine.ErrNoFlag) {
		t.Errorf("a flag for a lab without one = %v, want ErrNoFlag", err)
	}
}

func TestWithoutEngine(t *testing.T) {
	ctx := context.Background()
	refused := errors.New("connection refused")
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Seed: examples.FS(), Connect: func(context.Context, string, string) (engine.Engine, error) {
		return nil, refused
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	doc, warnings, err := a.Catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !cerrdefs.IsUnavailable(warnings[0]) || !errors.Is(warnings[0], refused) {
		t.Errorf("warnings = %v, want one Unavailable error wrapping the refusal", warnings)
	}
	for _, r := range doc.Repositories {
		for _, l := range r.Labs {
			if l.State != "unknown" {
				t.Errorf("%s/%s is %q without an engine, want unknown", r.Name, l.Name, l.State)
			}
		}
	}
	hello, err := a.Lab(ctx, "examples/hello-flag")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := hello.Ref("")
	if d, warnings := a.Details(ctx, hello, ref); d.State != "unknown" || len(warnings) == 0 {
		t.Errorf("details without an engine: state %q, warnings %v", d.State, warnings)
	}
	if _, err := a.Up(ctx, hello, ref, app.UpOptions{}); !cerrdefs.IsUnavailable(err) {
		t.Errorf("Up without an engine = %v, want Unavailable", err)
	}
}

// A subscriber that falls behind is told so: its channel closes, rather
// than events going missing without a word.
func TestBusDropsASubscriberThatFallsBehind(t *testing.T) {
	a, _, home := newApp(t)
	ch, stop := a.Events().Subscribe()
	defer stop()
	writeLab(t, filepath.Join(home, "mine"), "l", map[string]string{"compose.yaml": "services:\n  a:\n    image: dsp/busybox:latest\n"})
	ctx := context.Background()
	lt, err := a.Lab(ctx, "mine/l")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := lt.Ref("")
	// each stop of the stopped lab publishes at least its start and its
	// end; nobody reads ch meanwhile (it holds 2048)
	for range 1100 {
		op, err := a.StartDown(ctx, lt, ref)
		if err != nil {
			t.Fatal(err)
		}
		op.Wait(ctx)
	}
	for n := 0; ; n++ {
		select {
		case _, open := <-ch:
			if !open {
				return
			}
		case <-time.After(time.Second):
			t.Fatalf("the subscriber that fell behind is still subscribed after %d events", n)
		}
	}
}
