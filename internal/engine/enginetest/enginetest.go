// Package enginetest is the contract every engine.Engine keeps: what the
// real engine (internal/engine/local) and the fake (internal/engine/fake)
// must agree on, so that tests run on the fake say something true about
// dsp on Docker. Each implementation runs it from its own tests:
//
//	func TestContract(t *testing.T) {
//		enginetest.Run(t, enginetest.Harness{NewEngine: …})
//	}
//
// The labs it starts use one image with busybox's sh, echo, cat and sleep
// (dsp/busybox:latest, built by scripts/build-images.sh), instance names
// unique to the run, and fixed subnets drawn at random from 10.240.0.0/13
// (dsp's pool for networks without a subnet is 10.250.0.0/16), so that runs
// on one Docker Engine rarely meet.
package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// DefaultImage is the image the suite's labs run on unless the harness
// names another.
const DefaultImage = "dsp/busybox:latest"

// Harness is what the suite needs of an implementation.
type Harness struct {
	// NewEngine returns an engine for one test, on which Image is present.
	// It registers the engine's Close with t.Cleanup; it may skip the
	// test (no Docker Engine here).
	NewEngine func(t *testing.T) engine.Engine
	// Image is an image with busybox's sh, echo, cat and sleep;
	// DefaultImage when empty.
	Image string
	// WriteLab writes a lab folder (name, with files: path -> content) in a
	// repository of its own and loads it; the package's WriteLab when nil.
	WriteLab func(t *testing.T, name string, files map[string]string) *lab.Lab
}

// Run runs the contract against the harness's engines, one subtest per
// behaviour, in parallel.
func Run(t *testing.T, h Harness) {
	if h.NewEngine == nil {
		t.Fatal("enginetest: the harness has no NewEngine")
	}
	if h.Image == "" {
		h.Image = DefaultImage
	}
	if h.WriteLab == nil {
		h.WriteLab = WriteLab
	}
	s := &suite{h: h, subnets: newSubnets()}
	tests := []struct {
		name string
		run  func(*testing.T)
	}{
		{"Lifecycle", s.testLifecycle},
		{"InstancesSideBySide", s.testInstancesSideBySide},
		{"FixedSubnetClash", s.testFixedSubnetClash},
		{"Busy", s.testBusy},
		{"FailingAction", s.testFailingAction},
		{"LabFiles", s.testLabFiles},
		{"MissingImages", s.testMissingImages},
		{"Untrusted", s.testUntrusted},
		{"Flags", s.testFlags},
		{"NoFlag", s.testNoFlag},
		{"Exec", s.testExec},
		{"Files", s.testFiles},
		{"Session", s.testSession},
		{"Events", s.testEvents},
		{"Images", s.testImages},
		{"Apply", s.testApply},
		{"Toolboxes", s.testToolboxes},
		{"Links", s.testLinks},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

// suite holds what the tests of one Run share.
type suite struct {
	h       Harness
	subnets *subnets
}

// WriteLab writes a lab folder with a .dsp marker and files (path ->
// content) into a fresh repository folder named repo-HEX, and loads it; a
// lab that does not load without errors fails the test.
func WriteLab(t *testing.T, name string, files map[string]string) *lab.Lab {
	t.Helper()
	repo := filepath.Join(t.TempDir(), UniqueName("repo"))
	dir := filepath.Join(repo, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, marker := range []string{filepath.Join(repo, lab.MarkerFile), filepath.Join(dir, lab.MarkerFile)} {
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, _, err := lab.Load(context.Background(), dir)
	if err != nil {
		t.Fatalf("load lab %s: %v", dir, err)
	}
	return l
}

// UniqueName returns prefix-HEX, a name no other run uses (and a valid
// instance name for a short prefix).
func UniqueName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// subnets hands out /24s for fixed subnets: a random start in
// 10.240.0.0/13, then the next ones.
type subnets struct {
	mu   sync.Mutex
	next uint32
}

func newSubnets() *subnets {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	// 10.240.0.0 + a /24 among the first 2048 (10.240.0.0–10.247.255.0).
	start := binary.BigEndian.Uint32(b) % 2048
	return &subnets{next: 10<<24 | 240<<16 | start<<8}
}

// take returns the three first bytes of a fresh /24 ("10.241.7").
func (s *subnets) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.next
	s.next += 1 << 8
	if s.next >= 10<<24|248<<16 {
		s.next = 10<<24 | 240<<16
	}
	return fmt.Sprintf("%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff)
}

// engine returns a fresh engine for the test.
func (s *suite) engine(t *testing.T) engine.Engine {
	t.Helper()
	return s.h.NewEngine(t)
}

// lab writes and loads a lab whose compose file is compose, with IMAGE
// replaced by the suite's image.
func (s *suite) lab(t *testing.T, name, compose string) *lab.Lab {
	t.Helper()
	return s.h.WriteLab(t, name, map[string]string{"compose.yaml": strings.ReplaceAll(compose, "IMAGE", s.h.Image)})
}

// ref names an instance of l, made unique for the run.
func ref(t *testing.T, l *lab.Lab) engine.Ref {
	t.Helper()
	r, err := engine.NewRef(l.Repo, l.Name, UniqueName("ct"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// up starts an instance and makes sure the test leaves it stopped.
func up(t *testing.T, e engine.Engine, r engine.Ref, l *lab.Lab, opts engine.UpOptions) {
	t.Helper()
	cleanup(t, e, r, l)
	if err := e.Up(ctxFor(t, 3*time.Minute), r, l, opts); err != nil {
		t.Fatalf("up %s: %v", r, err)
	}
}

// cleanup stops the instance when the test ends.
func cleanup(t *testing.T, e engine.Engine, r engine.Ref, l *lab.Lab) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := e.Down(ctx, r, l, engine.DownOptions{}); err != nil {
			t.Errorf("cleanup: down %s: %v", r, err)
		}
	})
}

// ctxFor returns a context that ends after d or with the test.
func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// status reads an instance's status or fails the test.
func status(t *testing.T, e engine.Engine, r engine.Ref, l *lab.Lab) *engine.Status {
	t.Helper()
	st, err := e.Status(ctxFor(t, time.Minute), r, l)
	if err != nil {
		t.Fatalf("status %s: %v", r, err)
	}
	return st
}

// instanceState returns the state Instances gives r, or "" when it does not
// list it.
func instanceState(t *testing.T, e engine.Engine, r engine.Ref) engine.State {
	t.Helper()
	list, err := e.Instances(ctxFor(t, time.Minute))
	if err != nil {
		t.Fatalf("instances: %v", err)
	}
	for _, in := range list {
		if in.Ref == r {
			return in.State
		}
	}
	return ""
}

// assertStopped checks that nothing of the instance is left.
func assertStopped(t *testing.T, e engine.Engine, r engine.Ref, l *lab.Lab) {
	t.Helper()
	st := status(t, e, r, l)
	if st.State != engine.StateStopped || len(st.Networks) != 0 {
		t.Errorf("%s: state %s with networks %+v, want stopped with none", r, st.State, st.Networks)
	}
	for _, svc := range st.Services {
		if svc.State != engine.ServiceMissing {
			t.Errorf("%s: service %s is %s, want missing", r, svc.Name, svc.State)
		}
	}
	if state := instanceState(t, e, r); state != "" {
		t.Errorf("Instances lists %s (%s) after it stopped", r, state)
	}
}

// exec runs argv in a service and fails the test when it cannot run.
func exec(t *testing.T, e engine.Engine, r engine.Ref, service string, argv ...string) (int, string) {
	t.Helper()
	code, out, err := e.Exec(ctxFor(t, time.Minute), r, service, argv, nil)
	if err != nil {
		t.Fatalf("exec %q in %s: %v", argv, service, err)
	}
	return code, out
}

// Recorder collects progress events, for tests of engines.
type Recorder struct {
	mu     sync.Mutex
	events []engine.Event
}

func (r *Recorder) Add(ev engine.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// Events returns the events received so far.
func (r *Recorder) Events() []engine.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]engine.Event(nil), r.events...)
}

// Has reports whether an event of step, target ("" for any) and status
// came.
func (r *Recorder) Has(step engine.Step, target string, status engine.EventStatus) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev.Step == step && (target == "" || ev.Target == target) && ev.Status == status {
			return true
		}
	}
	return false
}

// Expect fails the test for each (step, target) that has no event of that
// status.
func (r *Recorder) Expect(t *testing.T, step engine.Step, status engine.EventStatus, targets ...string) {
	t.Helper()
	for _, target := range targets {
		if !r.Has(step, target, status) {
			t.Errorf("no %s %s event for %q", step, status, target)
		}
	}
}

// showing returns the events whose message contains s.
func (r *Recorder) showing(s string) []engine.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []engine.Event
	for _, ev := range r.events {
		if strings.Contains(ev.Message, s) {
			out = append(out, ev)
		}
	}
	return out
}
