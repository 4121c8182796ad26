package enginetest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// lifecycleLab has a fixed subnet with a static address, a network
// without a subnet, and a port published on the loopback.
const lifecycleLab = `x-dsp: {title: Contract lifecycle}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    networks:
      lan: {ipv4_address: SUBNET.5}
    ports: ["127.0.0.1::80"]
  b:
    image: IMAGE
    command: [sleep, infinity]
    networks: [lan, back]
networks:
  lan:
    ipam: {config: [{subnet: SUBNET.0/24}]}
  back: {}
`

// testLifecycle: up → running with the lab's services, addresses,
// networks and ports → listed → already running → down → stopped, gone.
func (s *suite) testLifecycle(t *testing.T) {
	e := s.engine(t)
	subnet := s.subnets.take()
	l := s.lab(t, "contract-lifecycle", strings.ReplaceAll(lifecycleLab, "SUBNET", subnet))
	r := ref(t, l)
	rec := &Recorder{}
	up(t, e, r, l, engine.UpOptions{Trusted: true, Progress: rec.Add})
	rec.Expect(t, engine.StepCheck, engine.StatusDone, "")
	rec.Expect(t, engine.StepNetwork, engine.StatusDone, "lan", "back")
	rec.Expect(t, engine.StepContainer, engine.StatusDone, "a", "b")
	rec.Expect(t, engine.StepDone, engine.StatusDone, "")

	st := status(t, e, r, l)
	if st.State != engine.StateRunning || st.Project == "" || st.Operation != "" {
		t.Errorf("status: state %s, project %q, operation %q; want running, a project, no operation", st.State, st.Project, st.Operation)
	}
	checkServices(t, st, subnet)
	checkNetworks(t, st, subnet)
	if state := instanceState(t, e, r); state != engine.StateRunning {
		t.Errorf("Instances gives %s the state %q, want running", r, state)
	}

	again := &Recorder{}
	if err := e.Up(ctxFor(t, time.Minute), r, l, engine.UpOptions{Trusted: true, Progress: again.Add}); err != nil {
		t.Errorf("up of a running lab: %v", err)
	}
	if len(again.showing("already running")) == 0 {
		t.Errorf("up of a running lab says nothing about it: %+v", again.events)
	}

	down := &Recorder{}
	if err := e.Down(ctxFor(t, 2*time.Minute), r, l, engine.DownOptions{Progress: down.Add}); err != nil {
		t.Fatalf("down: %v", err)
	}
	down.Expect(t, engine.StepContainer, engine.StatusDone, "a", "b")
	down.Expect(t, engine.StepNetwork, engine.StatusDone, "lan", "back")
	down.Expect(t, engine.StepDone, engine.StatusDone, "")
	assertStopped(t, e, r, l)
	if err := e.Down(ctxFor(t, time.Minute), r, l, engine.DownOptions{}); err != nil {
		t.Errorf("down of a stopped lab: %v", err)
	}
}

// checkServices checks the services of the lifecycle lab.
func checkServices(t *testing.T, st *engine.Status, subnet string) {
	t.Helper()
	var names []string
	for _, svc := range st.Services {
		names = append(names, svc.Name)
		if svc.State != engine.ServiceRunning || svc.Container == "" || svc.ContainerID == "" {
			t.Errorf("service %s: state %s, container %q (%q); want running with a container", svc.Name, svc.State, svc.Container, svc.ContainerID)
		}
	}
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("services = %v, want [a b]", names)
	}
	a, b := st.Services[0], st.Services[1]
	if len(a.Networks) != 1 || a.Networks[0] != (engine.NetworkAddr{Name: "lan", IP: subnet + ".5"}) {
		t.Errorf("a's addresses = %+v, want lan=%s.5", a.Networks, subnet)
	}
	if len(a.Ports) != 1 || a.Ports[0].Container != 80 || a.Ports[0].HostIP != "127.0.0.1" || a.Ports[0].Host == 0 || a.Ports[0].Protocol != "tcp" {
		t.Errorf("a's ports = %+v, want 80/tcp published on a port of 127.0.0.1", a.Ports)
	}
	lan := netip.MustParsePrefix(subnet + ".0/24")
	want := map[string]netip.Prefix{"lan": lan, "back": netip.MustParsePrefix("10.250.0.0/16")}
	if len(b.Networks) != 2 {
		t.Fatalf("b's addresses = %+v, want one on back and one on lan", b.Networks)
	}
	for _, n := range b.Networks {
		ip, err := netip.ParseAddr(n.IP)
		if err != nil || !want[n.Name].Contains(ip) || n.IP == subnet+".5" {
			t.Errorf("b's address on %s = %q, want a free one in %s", n.Name, n.IP, want[n.Name])
		}
	}
}

// checkNetworks checks the networks of the lifecycle lab.
func checkNetworks(t *testing.T, st *engine.Status, subnet string) {
	t.Helper()
	if len(st.Networks) != 2 {
		t.Fatalf("networks = %+v, want back and lan", st.Networks)
	}
	back, lan := st.Networks[0], st.Networks[1]
	if back.Name != "back" || !strings.HasPrefix(back.Subnet, "10.250.") || !strings.HasSuffix(back.Subnet, ".0/24") {
		t.Errorf("network %+v, want back with a /24 of 10.250.0.0/16", back)
	}
	if lan.Name != "lan" || lan.Subnet != subnet+".0/24" {
		t.Errorf("network %+v, want lan with %s.0/24", lan, subnet)
	}
	for _, n := range st.Networks {
		if n.DockerName == "" || n.ID == "" {
			t.Errorf("network %s has no engine name or id: %+v", n.Name, n)
		}
	}
}

// plainLab has no fixed subnet: any number of its instances run at once.
const plainLab = `x-dsp: {title: Contract plain}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
`

// testInstancesSideBySide: two instances of a lab without fixed subnets
// run together on subnets of their own; stopping one leaves the other.
func (s *suite) testInstancesSideBySide(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-twins", plainLab)
	one, two := ref(t, l), ref(t, l)
	up(t, e, one, l, engine.UpOptions{Trusted: true})
	up(t, e, two, l, engine.UpOptions{Trusted: true})
	s1, s2 := status(t, e, one, l), status(t, e, two, l)
	if s1.State != engine.StateRunning || s2.State != engine.StateRunning || s1.Project == s2.Project {
		t.Fatalf("states %s and %s, projects %q and %q: want both running under their own projects", s1.State, s2.State, s1.Project, s2.Project)
	}
	if len(s1.Networks) != 1 || len(s2.Networks) != 1 || s1.Networks[0].Subnet == s2.Networks[0].Subnet {
		t.Errorf("networks %+v and %+v: want one each, on different subnets", s1.Networks, s2.Networks)
	}
	for _, r := range []engine.Ref{one, two} {
		if state := instanceState(t, e, r); state != engine.StateRunning {
			t.Errorf("Instances gives %s the state %q, want running", r, state)
		}
	}
	if err := e.Down(ctxFor(t, 2*time.Minute), one, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down %s: %v", one, err)
	}
	assertStopped(t, e, one, l)
	if st := status(t, e, two, l); st.State != engine.StateRunning {
		t.Errorf("%s is %s after %s stopped, want running", two, st.State, one)
	}
	if code, out := exec(t, e, two, "a", "echo", "still here"); code != 0 || out != "still here\n" {
		t.Errorf("exec in %s: %d %q", two, code, out)
	}
}

// testFixedSubnetClash: a second instance of a lab with a fixed subnet is
// refused with the holder's name; once the first stops, it starts.
func (s *suite) testFixedSubnetClash(t *testing.T) {
	e := s.engine(t)
	subnet := s.subnets.take()
	l := s.lab(t, "contract-subnet", strings.ReplaceAll(`x-dsp: {title: Contract subnet}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    networks: {lan: {ipv4_address: SUBNET.7}}
networks:
  lan:
    ipam: {config: [{subnet: SUBNET.0/24}]}
`, "SUBNET", subnet))
	first, second := ref(t, l), ref(t, l)
	up(t, e, first, l, engine.UpOptions{Trusted: true})
	cleanup(t, e, second, l)
	err := e.Up(ctxFor(t, time.Minute), second, l, engine.UpOptions{Trusted: true})
	var clash *engine.SubnetInUseError
	if !errors.As(err, &clash) || !errdefs.IsConflict(err) {
		t.Fatalf("up of a second instance: %v, want a *engine.SubnetInUseError (conflict)", err)
	}
	wantHolder := "running lab " + first.String() + " (network lan, " + subnet + ".0/24)"
	if clash.Network != "lan" || clash.Subnet != subnet+".0/24" || clash.Holder != wantHolder {
		t.Errorf("clash = %+v, want network lan, subnet %s.0/24, holder %q", clash, subnet, wantHolder)
	}
	assertStopped(t, e, second, l)
	if err := e.Down(ctxFor(t, 2*time.Minute), first, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down %s: %v", first, err)
	}
	if err := e.Up(ctxFor(t, 3*time.Minute), second, l, engine.UpOptions{Trusted: true}); err != nil {
		t.Errorf("up of the second instance once the first stopped: %v", err)
	}
}

// testBusy: while a start runs (held by an action that sleeps), a second
// start and a stop are refused, the state is starting; cancelling the
// start removes everything.
func (s *suite) testBusy(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-busy", `x-dsp: {title: Contract busy}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    x-dsp:
      actions:
        - {name: exec, priority: 1, args: {command: "sleep 600"}}
`)
	r := ref(t, l)
	cleanup(t, e, r, l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reached := make(chan struct{})
	var once sync.Once
	rec := &Recorder{}
	progress := func(ev engine.Event) {
		rec.Add(ev)
		if ev.Step == engine.StepAction && ev.Status == engine.StatusWorking {
			once.Do(func() { close(reached) })
		}
	}
	done := make(chan error, 1)
	go func() { done <- e.Up(ctx, r, l, engine.UpOptions{Trusted: true, Progress: progress}) }()
	select {
	case <-reached:
	case err := <-done:
		t.Fatalf("up ended before its action ran: %v", err)
	case <-time.After(3 * time.Minute):
		t.Fatal("the start never reached its action")
	}

	checkBusy(t, e.Up(ctxFor(t, time.Minute), r, l, engine.UpOptions{Trusted: true}), "up")
	checkBusy(t, e.Down(ctxFor(t, time.Minute), r, l, engine.DownOptions{}), "down")
	if st := status(t, e, r, l); st.State != engine.StateStarting || !strings.HasPrefix(st.Operation, "up") {
		t.Errorf("status during the start: state %s, operation %q; want starting, up", st.State, st.Operation)
	}
	if state := instanceState(t, e, r); state != engine.StateStarting {
		t.Errorf("Instances gives %s the state %q during its start, want starting", r, state)
	}

	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("up after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("up did not end after its context was cancelled")
	}
	rec.Expect(t, engine.StepRollback, engine.StatusDone, "")
	assertStopped(t, e, r, l)
}

func checkBusy(t *testing.T, err error, op string) {
	t.Helper()
	var busy *engine.BusyError
	if !errors.As(err, &busy) || !errdefs.IsConflict(err) || !strings.HasPrefix(busy.Operation, "up") {
		t.Errorf("%s during a start: %v, want a *engine.BusyError (conflict) naming up", op, err)
	}
}

// testFailingAction: an action that fails names its service, priority,
// exit code and output, and the start is rolled back.
func (s *suite) testFailingAction(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-failing", `x-dsp: {title: Contract failing}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    x-dsp:
      actions:
        - {name: exec, priority: 1, args: {command: "echo first > /tmp/first"}}
        - {name: exec, priority: 2, args: {command: "echo broken-on-purpose; exit 3"}}
        - {name: exec, priority: 3, args: {command: "echo never > /tmp/never"}}
`)
	r := ref(t, l)
	cleanup(t, e, r, l)
	rec := &Recorder{}
	err := e.Up(ctxFor(t, 3*time.Minute), r, l, engine.UpOptions{Trusted: true, Progress: rec.Add})
	var ae *engine.ActionError
	if !errors.As(err, &ae) || ae.Service != "a" || ae.Action != "exec" || ae.Priority != 2 || ae.ExitCode != 3 || !strings.Contains(err.Error(), "broken-on-purpose") {
		t.Fatalf("up: %v, want a *engine.ActionError for a's priority 2 exec, code 3, with its output", err)
	}
	rec.Expect(t, engine.StepAction, engine.StatusError, "a/exec")
	rec.Expect(t, engine.StepRollback, engine.StatusDone, "")
	assertStopped(t, e, r, l)
}

// testLabFiles: the lab's files are copied before or after the actions.
func (s *suite) testLabFiles(t *testing.T) {
	e := s.engine(t)
	l := s.h.WriteLab(t, "contract-labfiles", map[string]string{
		"compose.yaml": strings.ReplaceAll(`x-dsp: {title: Contract lab files}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    x-dsp:
      actions:
        - {name: exec, priority: 1, args: {command: "cat /etc/motd > /tmp/seen; test ! -e /tmp/after.txt"}}
      files:
        - {source: files/motd, target: /etc/motd}
        - {source: files/after.txt, target: /tmp/after.txt, after_actions: true}
`, "IMAGE", s.h.Image),
		"files/motd":      "welcome to the lab\n",
		"files/after.txt": "copied last\n",
	})
	r := ref(t, l)
	rec := &Recorder{}
	up(t, e, r, l, engine.UpOptions{Trusted: true, Progress: rec.Add})
	rec.Expect(t, engine.StepFiles, engine.StatusDone, "a:/etc/motd", "a:/tmp/after.txt")
	for path, want := range map[string]string{"/tmp/seen": "welcome to the lab\n", "/tmp/after.txt": "copied last\n"} {
		if _, out := exec(t, e, r, "a", "cat", path); out != want {
			t.Errorf("%s reads %q, want %q", path, out, want)
		}
	}
}

// testMissingImages: images that are not present (and not built) are
// named in one error, and nothing is created.
func (s *suite) testMissingImages(t *testing.T) {
	e := s.engine(t)
	missing := "dsp-contract/" + UniqueName("missing") + ":1"
	l := s.lab(t, "contract-missing", strings.ReplaceAll(`x-dsp: {title: Contract missing}
services:
  a: {image: IMAGE, command: [sleep, infinity]}
  b: {image: MISSING}
  c: {image: MISSING}
`, "MISSING", missing))
	r := ref(t, l)
	cleanup(t, e, r, l)
	err := e.Up(ctxFor(t, time.Minute), r, l, engine.UpOptions{Trusted: true})
	var me *engine.MissingImagesError
	if !errors.As(err, &me) || !errdefs.IsFailedPrecondition(err) {
		t.Fatalf("up: %v, want a *engine.MissingImagesError (failed precondition)", err)
	}
	if len(me.Images) != 1 || !slices.Equal(me.Images[missing], []string{"b", "c"}) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing images = %v (%v), want %s for b and c", me.Images, err, missing)
	}
	assertStopped(t, e, r, l)
}

// testUntrusted: a lab that asks for privileges does not start untrusted.
func (s *suite) testUntrusted(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-risky", `x-dsp: {title: Contract risky}
services:
  a: {image: IMAGE, command: [sleep, infinity], privileged: true}
`)
	r := ref(t, l)
	cleanup(t, e, r, l)
	err := e.Up(ctxFor(t, time.Minute), r, l, engine.UpOptions{Trusted: false})
	var untrusted *engine.UntrustedError
	if !errors.As(err, &untrusted) || !errdefs.IsPermissionDenied(err) || !strings.Contains(err.Error(), "privileged") {
		t.Fatalf("up: %v, want a *engine.UntrustedError (permission denied) naming privileged", err)
	}
	assertStopped(t, e, r, l)
}

// flagLab plants a fresh flag in /root/proof.txt with the built-in ctf
// action.
const flagLab = `x-dsp:
  title: Contract flag
  flag: {prefix: FLAG}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    x-dsp:
      actions:
        - {name: ctf, priority: 1, args: {username: "", ctf: "${DSP_FLAG}"}}
`

var flagShape = regexp.MustCompile(`^FLAG\{[0-9a-f]{32}\}$`)

// testFlags: each start plants a fresh flag, never shown in progress; it
// is accepted, wrong ones and the last start's are refused; a stopped lab
// takes none.
func (s *suite) testFlags(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-flag", flagLab)
	r := ref(t, l)
	if _, err := e.SubmitFlag(ctxFor(t, time.Minute), r, "FLAG{anything}"); !errors.As(err, new(*engine.NotRunningError)) || !errdefs.IsFailedPrecondition(err) {
		t.Errorf("submit to a stopped lab: %v, want a *engine.NotRunningError", err)
	}
	start := func() string {
		t.Helper()
		rec := &Recorder{}
		up(t, e, r, l, engine.UpOptions{Trusted: true, Progress: rec.Add})
		_, out := exec(t, e, r, "a", "cat", "/root/proof.txt")
		flag := strings.TrimSpace(out)
		if !flagShape.MatchString(flag) {
			t.Fatalf("planted flag = %q, want FLAG{32 hex digits}", flag)
		}
		if shown := rec.showing(flag); len(shown) > 0 {
			t.Errorf("progress shows the flag: %+v", shown)
		}
		return flag
	}
	submit := func(flag string, want bool) {
		t.Helper()
		if ok, err := e.SubmitFlag(ctxFor(t, time.Minute), r, flag); err != nil || ok != want {
			t.Errorf("submit %q: %v, %v; want %v", flag, ok, err, want)
		}
	}
	first := start()
	for _, wrong := range []string{"", strings.ToUpper(first), first + "x", "FLAG{" + strings.Repeat("0", 32) + "}"} {
		submit(wrong, false)
	}
	submit(first+"\n", true)
	if err := e.Down(ctxFor(t, 2*time.Minute), r, l, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SubmitFlag(ctxFor(t, time.Minute), r, first); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("submit to a stopped lab: %v, want a *engine.NotRunningError", err)
	}
	second := start()
	if second == first {
		t.Errorf("a new start planted the same flag %s", first)
	}
	submit(first, false)
	submit(second, true)
}

// testNoFlag: a lab that plants no flag says so.
func (s *suite) testNoFlag(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-noflag", plainLab)
	r := ref(t, l)
	up(t, e, r, l, engine.UpOptions{Trusted: true})
	if _, err := e.SubmitFlag(ctxFor(t, time.Minute), r, "FLAG{x}"); !errors.Is(err, engine.ErrNoFlag) {
		t.Errorf("submit to a lab without flag: %v, want engine.ErrNoFlag", err)
	}
}

// testEvents: Events reports changes of an instance.
func (s *suite) testEvents(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-events", plainLab)
	r := ref(t, l)
	cleanup(t, e, r, l)
	ctx, cancel := context.WithCancel(context.Background())
	changed := make(chan struct{}, 1)
	started, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		close(started)
		e.Events(ctx, func(got engine.Ref) {
			if got == r {
				select {
				case changed <- struct{}{}:
				default:
				}
			}
		})
	}()
	// Events gives no sign that it listens: change the instance until it
	// says so (the first change normally does).
	<-started
	running := false
	for attempt := 0; attempt < 4; attempt++ {
		var err error
		if running {
			err = e.Down(ctxFor(t, 2*time.Minute), r, l, engine.DownOptions{})
		} else {
			err = e.Up(ctxFor(t, 3*time.Minute), r, l, engine.UpOptions{Trusted: true})
		}
		if err != nil {
			t.Fatalf("change %s: %v", r, err)
		}
		running = !running
		select {
		case <-changed:
			cancel()
			<-ended
			return
		case <-time.After(10 * time.Second):
		}
	}
	cancel()
	<-ended
	t.Errorf("Events reported no change of %s", r)
}

// testImages: the image the labs run on is present and listed with the
// instances that use it, which it cannot be removed from; an absent image
// is absent and cannot be removed; a value that is not an image reference
// is refused.
func (s *suite) testImages(t *testing.T) {
	e := s.engine(t)
	ctx := ctxFor(t, time.Minute)
	if ok, size, err := e.ImagePresent(ctx, s.h.Image); err != nil || !ok || size <= 0 {
		t.Errorf("image %s present: %v, size %d, %v; want present", s.h.Image, ok, size, err)
	}
	absent := "dsp-contract/" + UniqueName("absent") + ":1"
	if ok, _, err := e.ImagePresent(ctx, absent); err != nil || ok {
		t.Errorf("image %s present: %v, %v; want absent", absent, ok, err)
	}
	if err := e.RemoveImage(ctx, absent); !errdefs.IsNotFound(err) {
		t.Errorf("remove an absent image: %v, want a NotFound error", err)
	}
	for _, bad := range []string{"../containers/x", "a b"} {
		if _, _, err := e.ImagePresent(ctx, bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("image %q present: %v, want an invalid argument", bad, err)
		}
	}
	if v, err := e.Version(ctx); err != nil || v.Version == "" || v.APIVersion == "" {
		t.Errorf("version: %+v, %v", v, err)
	}

	l := s.lab(t, "contract-images", plainLab)
	r := ref(t, l)
	up(t, e, r, l, engine.UpOptions{Trusted: true})
	images, err := e.Images(ctx)
	if err != nil {
		t.Fatalf("images: %v", err)
	}
	i := slices.IndexFunc(images, func(img engine.Image) bool { return slices.Contains(img.Tags, s.h.Image) })
	if i < 0 {
		t.Fatalf("images %+v do not list %s", images, s.h.Image)
	}
	if !slices.Contains(images[i].UsedBy, r.String()) {
		t.Fatalf("image %s is used by %v, want %s among them", s.h.Image, images[i].UsedBy, r)
	}
	// The lab uses the image: it cannot go (the test goes no further
	// unless the engine knows, so that it never removes it).
	var inUse *engine.InUseError
	if err := e.RemoveImage(ctx, s.h.Image); !errors.As(err, &inUse) || !errdefs.IsConflict(err) {
		t.Errorf("remove an image a running lab uses: %v, want a *engine.InUseError (conflict)", err)
	}
}

const applyLab = `x-dsp: {title: Contract apply, flag: {prefix: FLAG}}
services:
  a:
    image: IMAGE
    command: [sleep, infinity]
    environment: {SECRET: "${DSP_FLAG}"}
  b:
    image: IMAGE
    command: [sleep, infinity]
`

// testApply: an edit applied to a running instance recreates only the
// services it changed, creates new ones, removes those gone, keeps the
// others' containers and the instance's flag.
func (s *suite) testApply(t *testing.T) {
	e := s.engine(t)
	l := s.lab(t, "contract-apply", applyLab)
	r := ref(t, l)
	if _, err := e.Plan(ctxFor(t, time.Minute), r, l, engine.UpOptions{Trusted: true}); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("plan for a stopped instance: %v, want a *engine.NotRunningError", err)
	}
	up(t, e, r, l, engine.UpOptions{Trusted: true})
	_, flag := exec(t, e, r, "a", "sh", "-c", "echo $SECRET")
	before := containerIDs(status(t, e, r, l))

	edited := strings.ReplaceAll(applyLab, "  b:\n    image: IMAGE\n    command: [sleep, infinity]\n", "  b:\n    image: IMAGE\n    command: [sleep, '3600']\n  c:\n    image: IMAGE\n    command: [sleep, infinity]\n")
	l2 := s.reload(t, l, edited)
	plan, err := e.Plan(ctxFor(t, time.Minute), r, l2, engine.UpOptions{Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Plan{Recreate: []string{"b"}, Create: []string{"c"}, Remove: []string{}, Unchanged: []string{"a"}}
	if fmt.Sprint(*plan) != fmt.Sprint(want) {
		t.Fatalf("plan = %+v, want %+v", *plan, want)
	}
	rec := &Recorder{}
	applied, err := e.Apply(ctxFor(t, 3*time.Minute), r, l2, engine.UpOptions{Trusted: true, Progress: rec.Add})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if fmt.Sprint(*applied) != fmt.Sprint(want) {
		t.Errorf("applied %+v, want %+v", *applied, want)
	}
	after := containerIDs(status(t, e, r, l2))
	if after["a"] != before["a"] || after["b"] == before["b"] || after["b"] == "" || after["c"] == "" {
		t.Errorf("containers before %v, after %v: want a kept, b recreated, c created", before, after)
	}
	if _, again := exec(t, e, r, "a", "sh", "-c", "echo $SECRET"); again != flag {
		t.Errorf("the flag changed on apply: %q, then %q", flag, again)
	}
	if ok, err := e.SubmitFlag(ctxFor(t, time.Minute), r, strings.TrimSpace(flag)); err != nil || !ok {
		t.Errorf("the flag after apply: %v, %v", ok, err)
	}
	// Nothing more to apply; a service removed from the lab goes.
	l3 := s.reload(t, l, strings.ReplaceAll(edited, "  c:\n    image: IMAGE\n    command: [sleep, infinity]\n", ""))
	plan, err = e.Plan(ctxFor(t, time.Minute), r, l3, engine.UpOptions{Trusted: true})
	if err != nil || fmt.Sprint(plan.Remove) != "[c]" || len(plan.Recreate) != 0 {
		t.Fatalf("plan after removing c: %+v, %v", plan, err)
	}
	if _, err := e.Apply(ctxFor(t, 3*time.Minute), r, l3, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatal(err)
	}
	if ids := containerIDs(status(t, e, r, l3)); ids["c"] != "" || ids["a"] != before["a"] {
		t.Errorf("after removing c: %v", ids)
	}
}

// reload rewrites a lab's compose file and loads it again.
func (s *suite) reload(t *testing.T, l *lab.Lab, compose string) *lab.Lab {
	t.Helper()
	if err := os.WriteFile(l.ComposeFile, []byte(strings.ReplaceAll(compose, "IMAGE", s.h.Image)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := lab.Load(context.Background(), l.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func containerIDs(st *engine.Status) map[string]string {
	out := map[string]string{}
	for _, svc := range st.Services {
		out[svc.Name] = svc.ContainerID
	}
	return out
}
