package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/enginetest"
)

func TestHelloFlagUpActionsStatusDown(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	l := loadLab(t, "../../../examples/hello-flag")
	instance := uniqueName("t")
	ref := refOfLab(t, l, instance)
	cleanupLab(t, e, l, instance)

	rec := &enginetest.Recorder{}
	if err := e.Up(ctx, refOfLab(t, l, instance), l, engine.UpOptions{Trusted: true, Progress: rec.Add}); err != nil {
		t.Fatalf("up: %v", err)
	}
	for _, target := range []string{"target/adduser", "target/ctf", "target/exec"} {
		if !rec.Has(engine.StepAction, target, engine.StatusDone) {
			t.Errorf("no done event for action %s", target)
		}
	}
	if !rec.Has(engine.StepContainer, "target", engine.StatusDone) {
		t.Errorf("no container progress for service target")
	}

	checkHelloFlagActions(t, e, ref, rec)

	st, err := e.Status(ctx, ref, l)
	if err != nil {
		t.Fatal(err)
	}
	checkHelloFlagStatus(t, st)
	checkLabels(t, e, ref, instance)

	// A second up on a running lab changes nothing.
	if err := e.Up(ctx, refOfLab(t, l, instance), l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("second up: %v", err)
	}

	if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down: %v", err)
	}
	assertNothingLeft(t, e, ref)
	if st, err := e.Status(ctx, ref, l); err != nil || st.State != engine.StateStopped {
		t.Errorf("after down: state %v, err %v; want stopped", st.State, err)
	}
}

// checkHelloFlagActions checks that the actions of hello-flag took
// effect, and that its progress never showed the flag.
func checkHelloFlagActions(t *testing.T, e *Engine, ref engine.Ref, rec *enginetest.Recorder) {
	t.Helper()
	// The actions took effect: the user exists, the flag is in its home.
	if code, out := run(t, e, ref, "target", "grep", "^alice:", "/etc/passwd"); code != 0 {
		t.Errorf("user alice missing: %q", out)
	}
	// The ctf action planted the instance's fresh flag; the progress that
	// students see never shows it.
	_, flag := run(t, e, ref, "target", "cat", "/home/alice/proof.txt")
	flag = strings.TrimSpace(flag)
	if !regexp.MustCompile(`^FLAG\{[0-9a-f]{32}\}$`).MatchString(flag) {
		t.Errorf("flag file = %q, want FLAG{32 hex digits}", flag)
	}
	for _, ev := range rec.Events() {
		if strings.Contains(ev.Message, flag) {
			t.Errorf("progress shows the flag: %+v", ev)
		}
	}
	if _, out := run(t, e, ref, "target", "cat", "/tmp/ready"); strings.TrimSpace(out) != "ready" {
		t.Errorf("exec action output file = %q", out)
	}
	// Files were copied before (motd) and after (welcome.txt) the actions.
	motd, _ := os.ReadFile("../../../examples/hello-flag/files/motd")
	if _, out := run(t, e, ref, "target", "cat", "/etc/motd"); out != string(motd) {
		t.Errorf("/etc/motd = %q, want the lab's files/motd", out)
	}
	if code, _ := run(t, e, ref, "target", "test", "-f", "/home/alice/welcome.txt"); code != 0 {
		t.Errorf("welcome.txt was not copied after the actions")
	}
}

// checkHelloFlagStatus checks the status of a running hello-flag.
func checkHelloFlagStatus(t *testing.T, st *engine.Status) {
	t.Helper()
	if st.State != engine.StateRunning {
		t.Errorf("state = %s, want running", st.State)
	}
	if len(st.Services) != 1 || st.Services[0].State != "running" || len(st.Services[0].Networks) != 1 || st.Services[0].Networks[0].IP == "" {
		t.Errorf("services = %+v, want one running service with an IP", st.Services)
	}
	// A network without a subnet gets one from dsp's pool, never from
	// Docker's rotation into 192.168.0.0/16 where upstream labs live.
	if len(st.Networks) != 1 || !strings.HasPrefix(st.Networks[0].Subnet, "10.250.") {
		t.Errorf("networks = %+v, want one subnet from 10.250.0.0/16", st.Networks)
	}
	if len(st.Services[0].Ports) != 1 || st.Services[0].Ports[0].Container != 23 || st.Services[0].Ports[0].HostIP != "127.0.0.1" || st.Services[0].Ports[0].Host == 0 {
		t.Errorf("ports = %+v, want 23 published on 127.0.0.1", st.Services[0].Ports)
	}
}

// checkLabels checks that every container of the instance carries dsp's
// labels.
func checkLabels(t *testing.T, e *Engine, ref engine.Ref, instance string) {
	t.Helper()
	ctx := context.Background()
	cs, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(e.Project(ref))})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs.Items {
		want := map[string]string{LabelManaged: "true", LabelRepo: "examples", LabelLab: "hello-flag", LabelInstance: instance, api.ProjectLabel: e.Project(ref)}
		for k, v := range want {
			if c.Labels[k] != v {
				t.Errorf("container label %s = %q, want %q", k, c.Labels[k], v)
			}
		}
	}
}

func TestRoutedNetworkAttackerReachesVictimOnlyThroughRouter(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	l := loadLab(t, "../../../examples/routed-network")
	instance := uniqueName("t")
	ref := refOfLab(t, l, instance)
	cleanupLab(t, e, l, instance)
	if err := e.Up(ctx, refOfLab(t, l, instance), l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	st, err := e.Status(ctx, ref, l)
	if err != nil {
		t.Fatal(err)
	}
	wantIPs := map[string]string{"attacker": "outside=10.231.1.10", "router": "inside=10.231.2.254 outside=10.231.1.254", "victim": "inside=10.231.2.10"}
	for _, s := range st.Services {
		var got []string
		for _, n := range s.Networks {
			got = append(got, n.Name+"="+n.IP)
		}
		if strings.Join(got, " ") != wantIPs[s.Name] {
			t.Errorf("service %s addresses = %v, want %s", s.Name, got, wantIPs[s.Name])
		}
	}
	// The route action ran on the attacker; it has no leg on the inside.
	if _, out := run(t, e, ref, "attacker", "ip", "route"); !strings.Contains(out, "10.231.2.0/24 via 10.231.1.254") {
		t.Errorf("attacker routes = %q, want 10.231.2.0/24 via the router", out)
	}
	code, out := run(t, e, ref, "attacker", "timeout", "10", "wget", "-qO-", "http://10.231.2.10/")
	if code != 0 || !strings.Contains(out, "victim-secret-r0ut3d-7f3a9c") {
		t.Errorf("attacker could not read the victim's page through the router (code %d): %q", code, out)
	}
	// With the router stopped, the page is out of reach.
	containers, err := e.serviceContainers(ctx, e.Project(ref))
	if err != nil {
		t.Fatal(err)
	}
	zero := 0
	if _, err := e.docker.ContainerStop(ctx, containers["router"], client.ContainerStopOptions{Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	if code, _ := run(t, e, ref, "attacker", "timeout", "3", "wget", "-qO-", "http://10.231.2.10/"); code == 0 {
		t.Errorf("attacker reached the victim with the router stopped: the router is not the only path")
	}
	if st, _ := e.Status(ctx, ref, l); st.State != engine.StateDegraded {
		t.Errorf("state with the router stopped = %s, want degraded", st.State)
	}
	if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down: %v", err)
	}
	assertNothingLeft(t, e, ref)
}

func TestMissingImageIsNamedAndNothingIsCreated(t *testing.T) {
	e := newTestEngine(t)
	dir := writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "missing", map[string]string{
		"compose.yaml": `x-dsp: {title: Missing}
services:
  ok:
    image: dsp/busybox:latest
    command: ["sleep", "100"]
  gone:
    image: dsp-test/does-not-exist:1
  gone2:
    image: dsp-test/also-missing:2
networks:
  lan:
    ipam: {config: [{subnet: 10.237.1.0/24}]}
`,
	})
	l := loadLab(t, dir)
	err := e.Up(context.Background(), refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true})
	var missing *engine.MissingImagesError
	if !errors.As(err, &missing) {
		t.Fatalf("up: err = %v, want *engine.MissingImagesError", err)
	}
	for _, want := range []string{"dsp-test/does-not-exist:1", "dsp-test/also-missing:2", "service gone"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	assertNothingLeft(t, e, refOfLab(t, l, ""))
}

func TestFailingActionRollsBackAndNamesTheStep(t *testing.T) {
	e := newTestEngine(t)
	dir := writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "failing", map[string]string{
		"compose.yaml": `x-dsp: {title: Failing}
services:
  a:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
    x-dsp:
      actions:
        - {name: exec, priority: 1, args: {command: "echo first > /tmp/first"}}
        - {name: exec, priority: 2, args: {command: "echo broken-on-purpose; exit 3"}}
        - {name: exec, priority: 3, args: {command: "echo never > /tmp/never"}}
  b:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
networks:
  lan:
    ipam: {config: [{subnet: 10.237.2.0/24}]}
`,
	})
	l := loadLab(t, dir)
	rec := &enginetest.Recorder{}
	err := e.Up(context.Background(), refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true, Progress: rec.Add})
	var actionErr *engine.ActionError
	if !errors.As(err, &actionErr) {
		t.Fatalf("up: err = %v, want *engine.ActionError", err)
	}
	if actionErr.Service != "a" || actionErr.ExitCode != 3 || actionErr.Priority != 2 || !strings.Contains(err.Error(), "broken-on-purpose") {
		t.Errorf("error = %v, want service a, priority 2, code 3 and the output", err)
	}
	if !rec.Has(engine.StepRollback, "", engine.StatusDone) {
		t.Errorf("no rollback event")
	}
	assertNothingLeft(t, e, refOfLab(t, l, ""))
}

func TestCancelDuringActionsRemovesEverything(t *testing.T) {
	e := newTestEngine(t)
	dir := writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "slow", map[string]string{
		"compose.yaml": `x-dsp: {title: Slow}
services:
  a:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
    x-dsp:
      actions:
        - {name: exec, priority: 1, args: {command: "sleep 60"}}
`,
	})
	l := loadLab(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	rec := &enginetest.Recorder{}
	done := make(chan error, 1)
	go func() {
		done <- e.Up(ctx, refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true, Progress: func(ev engine.Event) {
			rec.Add(ev)
			if ev.Step == engine.StepAction && ev.Status == engine.StatusWorking {
				cancel() // Ctrl-C while the action runs
			}
		}})
	}()
	select {
	case err := <-done:
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("up after cancel: err = %v, want context.Canceled", err)
		}
	case <-time.After(45 * time.Second):
		t.Fatal("up did not stop after cancel")
	}
	assertNothingLeft(t, e, refOfLab(t, l, ""))
}

func TestSubnetClashNamesTheRunningLab(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	compose := `x-dsp: {title: Subnet}
services:
  a:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
    networks: {lan: {ipv4_address: 10.237.3.5}}
networks:
  lan:
    ipam: {config: [{subnet: 10.237.3.1/24}]}
`
	root := t.TempDir()
	first := loadLab(t, writeLab(t, filepath.Join(root, uniqueName("one")), "net lab", map[string]string{"compose.yaml": compose}))
	second := loadLab(t, writeLab(t, filepath.Join(root, uniqueName("two")), "net lab", map[string]string{"compose.yaml": compose}))
	cleanupLab(t, e, first, engine.DefaultInstance)
	cleanupLab(t, e, second, engine.DefaultInstance)
	if err := e.Up(ctx, refOfLab(t, first, ""), first, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up first: %v", err)
	}
	err := e.Up(ctx, refOfLab(t, second, ""), second, engine.UpOptions{Trusted: true})
	var clash *engine.SubnetInUseError
	if !errors.As(err, &clash) {
		t.Fatalf("up second: err = %v, want *engine.SubnetInUseError", err)
	}
	if !strings.Contains(err.Error(), first.Repo+"/net lab") || !strings.Contains(err.Error(), "10.237.3.0/24") {
		t.Errorf("error %q does not name the running lab %s/net lab and the subnet", err, first.Repo)
	}
	assertNothingLeft(t, e, refOfLab(t, second, ""))
}

// A lab of another main directory (another dsp, or one whose directory was
// deleted while its lab ran) is named with that directory, not as a lab of
// this one.
func TestSubnetClashNamesAnotherMainDirectory(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	other, err := New(ctx, t.TempDir(), WithNamespace("/srv/other-dsp"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	compose := `x-dsp: {title: Subnet}
services:
  a:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
networks:
  default:
    ipam: {config: [{subnet: 10.237.4.0/24}]}
`
	l := loadLab(t, writeLab(t, filepath.Join(t.TempDir(), uniqueName("ns")), "ns lab", map[string]string{"compose.yaml": compose}))
	cleanupLab(t, other, l, engine.DefaultInstance)
	cleanupLab(t, e, l, engine.DefaultInstance)
	if err := other.Up(ctx, refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up in the other main directory: %v", err)
	}
	err = e.Up(ctx, refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true})
	var clash *engine.SubnetInUseError
	if !errors.As(err, &clash) {
		t.Fatalf("up: err = %v, want *engine.SubnetInUseError", err)
	}
	if !strings.Contains(clash.Holder, "main directory /srv/other-dsp") || strings.HasPrefix(clash.Holder, "running lab") {
		t.Errorf("holder %q does not name the other main directory", clash.Holder)
	}
	assertNothingLeft(t, e, refOfLab(t, l, ""))
}

func TestSameNamedLabsInTwoReposRunTogether(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	compose := `x-dsp: {title: Twin}
services:
  a:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
`
	root := t.TempDir()
	one := loadLab(t, writeLab(t, filepath.Join(root, uniqueName("one")), "Twin Lab", map[string]string{"compose.yaml": compose}))
	two := loadLab(t, writeLab(t, filepath.Join(root, uniqueName("two")), "Twin Lab", map[string]string{"compose.yaml": compose}))
	cleanupLab(t, e, one, engine.DefaultInstance)
	cleanupLab(t, e, two, engine.DefaultInstance)
	if err := e.Up(ctx, refOfLab(t, one, ""), one, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up one: %v", err)
	}
	if err := e.Up(ctx, refOfLab(t, two, ""), two, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up two: %v", err)
	}
	s1, _ := e.Status(ctx, refOfLab(t, one, ""), one)
	s2, _ := e.Status(ctx, refOfLab(t, two, ""), two)
	if s1.State != engine.StateRunning || s2.State != engine.StateRunning || s1.Project == s2.Project {
		t.Errorf("states %s/%s, projects %s/%s: want both running under distinct projects", s1.State, s2.State, s1.Project, s2.Project)
	}
}

func TestBusyLabRefusesASecondOperation(t *testing.T) {
	e := newTestEngine(t)
	dir := writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "busy", map[string]string{
		"compose.yaml": "x-dsp: {title: Busy}\nservices:\n  a:\n    image: dsp/busybox:latest\n",
	})
	l := loadLab(t, dir)
	unlock, err := e.lock(refOfLab(t, l, ""), "up")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	err = e.Up(context.Background(), refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true})
	var busy *engine.BusyError
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), "up") {
		t.Fatalf("up on a busy lab: err = %v, want *engine.BusyError naming the operation", err)
	}
	err = e.Down(context.Background(), refOfLab(t, l, ""), l, engine.DownOptions{})
	if !errors.As(err, &busy) {
		t.Fatalf("down on a busy lab: err = %v, want *engine.BusyError", err)
	}
	st, err := e.Status(context.Background(), refOfLab(t, l, ""), l)
	if err != nil || st.State != engine.StateStarting {
		t.Errorf("status of a lab being started: %v %v, want starting", st.State, err)
	}
}

func TestUntrustedRiskyLabIsRefused(t *testing.T) {
	e := newTestEngine(t)
	dir := writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "risky", map[string]string{
		"compose.yaml": "x-dsp: {title: Risky}\nservices:\n  a:\n    image: dsp/busybox:latest\n    privileged: true\n",
	})
	l := loadLab(t, dir)
	err := e.Up(context.Background(), refOfLab(t, l, ""), l, engine.UpOptions{Trusted: false})
	var untrusted *engine.UntrustedError
	if !errors.As(err, &untrusted) || !strings.Contains(err.Error(), "privileged") {
		t.Fatalf("up: err = %v, want *engine.UntrustedError naming privileged", err)
	}
	assertNothingLeft(t, e, refOfLab(t, l, ""))
}

func TestFlagsAreFreshPerStartAndChecked(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	l := loadLab(t, "../../../examples/hello-flag")
	instance := uniqueName("flag")
	ref := refOfLab(t, l, instance)
	cleanupLab(t, e, l, instance)

	if _, err := e.SubmitFlag(ctx, ref, "FLAG{anything}"); !errors.As(err, new(*engine.NotRunningError)) {
		t.Fatalf("submit to a stopped lab: %v, want not running", err)
	}
	start := func() string {
		t.Helper()
		if err := e.Up(ctx, refOfLab(t, l, instance), l, engine.UpOptions{Trusted: true}); err != nil {
			t.Fatalf("up: %v", err)
		}
		_, flag := run(t, e, ref, "target", "cat", "/home/alice/proof.txt")
		return strings.TrimSpace(flag)
	}
	first := start()
	for _, wrong := range []string{"", "FLAG{hello-dsp}", strings.ToUpper(first), first + "x", "FLAG{" + strings.Repeat("0", 32) + "}"} {
		if ok, err := e.SubmitFlag(ctx, ref, wrong); err != nil || ok {
			t.Errorf("wrong flag %q: accepted %v, err %v", wrong, ok, err)
		}
	}
	if ok, err := e.SubmitFlag(ctx, ref, first+"\n"); err != nil || !ok {
		t.Errorf("right flag: accepted %v, err %v", ok, err)
	}
	if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	second := start()
	if second == first {
		t.Errorf("a new start planted the same flag %s", first)
	}
	if ok, _ := e.SubmitFlag(ctx, ref, first); ok {
		t.Errorf("the previous start's flag is still accepted")
	}
	if ok, err := e.SubmitFlag(ctx, ref, second); err != nil || !ok {
		t.Errorf("the new flag: accepted %v, err %v", ok, err)
	}
}

func TestFlagInEnvironmentAndLiteralCTF(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	dir := writeLab(t, t.TempDir(), uniqueName("envflag"), map[string]string{"compose.yaml": `
x-dsp:
  title: env flag
  flag: {prefix: CTF}
services:
  box:
    image: ` + baseImage + `
    command: [sleep, infinity]
    environment:
      SECRET: "the flag is ${DSP_FLAG}"
    x-dsp:
      actions:
        - name: ctf
          args: {ctf: "STATIC{upstream-style}", username: ""}
`})
	l := loadLab(t, dir)
	if l.Flag == nil || l.Flag.Prefix != "CTF" {
		t.Fatalf("flag spec = %+v", l.Flag)
	}
	instance := uniqueName("t")
	ref := refOfLab(t, l, instance)
	cleanupLab(t, e, l, instance)
	if err := e.Up(ctx, refOfLab(t, l, instance), l, engine.UpOptions{Trusted: true, Flag: "CTF{given-by-the-caller}"}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if _, out := run(t, e, ref, "box", "sh", "-c", "echo $SECRET"); strings.TrimSpace(out) != "the flag is CTF{given-by-the-caller}" {
		t.Errorf("environment = %q", out)
	}
	for flag, want := range map[string]bool{"CTF{given-by-the-caller}": true, "STATIC{upstream-style}": true, "${DSP_FLAG}": false} {
		if ok, err := e.SubmitFlag(ctx, ref, flag); err != nil || ok != want {
			t.Errorf("submit %q: %v, %v; want %v", flag, ok, err, want)
		}
	}
}

func TestSubmitToALabWithoutFlag(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	l := loadLab(t, writeLab(t, t.TempDir(), uniqueName("noflag"), map[string]string{"compose.yaml": `
x-dsp: {title: no flag}
services:
  box: {image: ` + baseImage + `, command: [sleep, infinity]}
`}))
	instance := uniqueName("t")
	cleanupLab(t, e, l, instance)
	if err := e.Up(ctx, refOfLab(t, l, instance), l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if _, err := e.SubmitFlag(ctx, refOfLab(t, l, instance), "FLAG{x}"); !errors.Is(err, engine.ErrNoFlag) {
		t.Errorf("submit to a lab without flag: %v, want engine.ErrNoFlag", err)
	}
}
