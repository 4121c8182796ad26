package local

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
)

// A lab's published ports bind loopback unless the lab is exposed, even
// when its compose file names every address.
func TestPortsBindLoopbackUnlessExposed(t *testing.T) {
	e := newTestEngine(t)
	l := loadLab(t, writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "ports", map[string]string{"compose.yaml": `
services:
  web:
    image: dsp/busybox:latest
    command: [httpd, -f, -p, "80"]
    ports: ["0.0.0.0::80", "::81"]
`}))
	ctx := context.Background()
	for _, expose := range []bool{false, true} {
		ref := refOfLab(t, l, "")
		cleanupLab(t, e, l, "")
		if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true, Expose: expose}); err != nil {
			t.Fatal(err)
		}
		st, err := e.Status(ctx, ref, l)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Services) != 1 || len(st.Services[0].Ports) == 0 {
			t.Fatalf("expose=%v: services %+v", expose, st.Services)
		}
		for _, p := range st.Services[0].Ports {
			loopback := p.HostIP == "127.0.0.1"
			if loopback == expose {
				t.Errorf("expose=%v: port %d is published on %q", expose, p.Container, p.HostIP)
			}
		}
		if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// Every container gets a pids limit: a fork bomb stays in its container.
func TestPidsLimit(t *testing.T) {
	e := newTestEngine(t)
	l := loadLab(t, writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "bomb", map[string]string{"compose.yaml": `
services:
  free:
    image: dsp/busybox:latest
    command: [sleep, "600"]
  own:
    image: dsp/busybox:latest
    command: [sleep, "600"]
    pids_limit: 77
`}))
	ctx := context.Background()
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, "")
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true, Limits: engine.Limits{Pids: 40, Memory: 64 << 20}}); err != nil {
		t.Fatal(err)
	}
	limits := map[string]int64{}
	memory := map[string]int64{}
	st, _ := e.Status(ctx, ref, l)
	for _, s := range st.Services {
		res, err := e.docker.ContainerInspect(ctx, s.ContainerID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		hc := res.Container.HostConfig
		if hc.PidsLimit != nil {
			limits[s.Name] = *hc.PidsLimit
		}
		memory[s.Name] = hc.Memory
	}
	if limits["free"] != 40 || limits["own"] != 77 {
		t.Errorf("pids limits = %v, want the lab's 40 where the service sets none and its own 77", limits)
	}
	if memory["free"] != 64<<20 {
		t.Errorf("memory limits = %v, want 64 MiB", memory)
	}
	// A fork bomb: far more processes than the limit are asked for; the
	// kernel refuses those beyond it, and the shell gives up.
	code, out := run(t, e, ref, "free", "sh", "-c", `for i in $(seq 100); do sleep 60 >/dev/null 2>&1 & done; echo all started`)
	if code == 0 || strings.Contains(out, "all started") {
		t.Errorf("a hundred processes started in a container limited to 40: exit %d, %s", code, out)
	}
	var id string
	for _, s := range st.Services {
		if s.Name == "free" {
			id = s.ContainerID
		}
	}
	top, err := e.docker.ContainerTop(ctx, id, client.ContainerTopOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(top.Processes); n > 40 || n < 20 {
		t.Errorf("the container runs %d processes, want at most its limit of 40 (and the bomb's first ones)", n)
	}
}

// A service that asks for privileged mode runs with the power it asks for:
// where the engine refuses privileged containers (the machine cannot grant
// every capability), with every capability the machine has instead, and
// its status says so; elsewhere privileged, as it is, without a note.
func TestPrivilegedEmulated(t *testing.T) {
	emulated := boundedCapabilities() != nil
	e := newTestEngine(t)
	l := loadLab(t, writeLab(t, filepath.Join(t.TempDir(), uniqueName("repo")), "priv", map[string]string{"compose.yaml": `
services:
  box:
    image: dsp/busybox:latest
    command: [sleep, "600"]
    privileged: true
`}))
	ctx := context.Background()
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, "")
	var notes []string
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true, Progress: func(ev engine.Event) {
		if ev.Step == engine.StepContainer && strings.Contains(ev.Message, "privileged mode emulated") {
			notes = append(notes, ev.Message)
		}
	}}); err != nil {
		t.Fatalf("a privileged lab does not start: %v", err)
	}
	if emulated != (len(notes) > 0) {
		t.Errorf("the start's progress says privileged mode is emulated: %v; it is: %v", len(notes) > 0, emulated)
	}
	st, _ := e.Status(ctx, ref, l)
	if len(st.Services) != 1 {
		t.Fatalf("services = %+v", st.Services)
	}
	said := len(st.Services[0].Notes) > 0 && strings.Contains(st.Services[0].Notes[0], "privileged mode emulated")
	if said != emulated {
		t.Errorf("status says privileged mode is emulated: %v (notes %q); it is: %v", said, st.Services[0].Notes, emulated)
	}
	_, out := run(t, e, ref, "box", "sh", "-c", "grep CapEff /proc/self/status")
	if strings.Contains(out, "00000000a80425fb") { // Docker's default set
		t.Errorf("the service runs with Docker's default capabilities: %s", out)
	}
	// mount needs CAP_SYS_ADMIN and no seccomp filter on it.
	if code, out := run(t, e, ref, "box", "sh", "-c", "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted"); code != 0 || !strings.Contains(out, "mounted") {
		t.Errorf("mount in the emulated privileged service: exit %d, %s", code, out)
	}
}
