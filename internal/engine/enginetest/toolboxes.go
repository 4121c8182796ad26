package enginetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/engine"
)

// toolboxLab has a router on two networks and a victim on the second one.
const toolboxLab = `x-dsp: {title: Contract toolboxes}
services:
  router:
    image: IMAGE
    command: [sleep, infinity]
    networks:
      front: {ipv4_address: FRONT.2}
      back: {ipv4_address: BACK.2}
  victim:
    image: IMAGE
    command: [sleep, infinity]
    networks:
      back: {ipv4_address: BACK.3}
networks:
  front:
    ipam: {config: [{subnet: FRONT.0/24}]}
  back:
    ipam: {config: [{subnet: BACK.0/24}]}
`

// testToolboxes: a toolbox joins a running lab on the highest free address
// or the one asked for, answers Exec under its name, is listed apart from
// the services without changing the lab's state, and goes with Detach or
// with the lab; a one-shot tool's output streams back.
func (s *suite) testToolboxes(t *testing.T) {
	e := s.engine(t)
	front, back := s.subnets.take(), s.subnets.take()
	l := s.lab(t, "contract-toolbox", strings.NewReplacer("FRONT", front, "BACK", back).Replace(toolboxLab))
	r := ref(t, l)
	ctx := ctxFor(t, 3*time.Minute)
	if _, err := e.AttachToolbox(ctx, r, engine.ToolboxOptions{Name: "kali", Image: s.h.Image, Networks: []engine.ToolboxNetwork{{Name: "front"}}}); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("attach to a stopped lab: %v, want a *engine.NotRunningError", err)
	}
	up(t, e, r, l, engine.UpOptions{Trusted: true})

	tb, err := e.AttachToolbox(ctx, r, engine.ToolboxOptions{Name: "kali", Image: s.h.Image, Networks: []engine.ToolboxNetwork{{Name: "front"}}, Gateway: "router"})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	if want := front + ".254"; len(tb.Networks) != 1 || tb.Networks[0].IP != want || tb.Gateway != "router" {
		t.Errorf("toolbox %+v, want %s on front, gateway router", tb, want)
	}
	second, err := e.AttachToolbox(ctx, r, engine.ToolboxOptions{Name: "second", Image: s.h.Image, Networks: []engine.ToolboxNetwork{{Name: "back", IP: back + ".77"}, {Name: "front"}}})
	if err != nil {
		t.Fatalf("attach a second one: %v", err)
	}
	if got := fmt.Sprint(second.Networks); got != fmt.Sprintf("[{back %s.77} {front %s.253}]", back, front) {
		t.Errorf("second toolbox's addresses %s", got)
	}
	for _, name := range []string{"kali", "victim"} {
		_, err := e.AttachToolbox(ctx, r, engine.ToolboxOptions{Name: name, Image: s.h.Image, Networks: []engine.ToolboxNetwork{{Name: "front"}}})
		if !errors.As(err, new(*engine.NameTakenError)) || !errdefs.IsConflict(err) {
			t.Errorf("attach under the taken name %s: %v, want a *engine.NameTakenError", name, err)
		}
	}
	if code, out := exec(t, e, r, "kali", "echo", "from the toolbox"); code != 0 || out != "from the toolbox\n" {
		t.Errorf("exec in the toolbox: %d %q", code, out)
	}
	st := status(t, e, r, l)
	if len(st.Services) != 2 || len(st.Toolboxes) != 2 || st.Toolboxes[0].Name != "kali" || st.Toolboxes[0].State != engine.ServiceRunning {
		t.Errorf("status: services %+v, toolboxes %+v; want the 2 services and the 2 toolboxes apart", st.Services, st.Toolboxes)
	}
	if st.State != engine.StateRunning || instanceState(t, e, r) != engine.StateRunning {
		t.Errorf("state with toolboxes: %s (instances: %s), want running", st.State, instanceState(t, e, r))
	}

	var lines []string
	code, err := e.RunTool(ctx, r, engine.ToolRun{Image: s.h.Image, Argv: []string{"echo", "contract-tool"}, Network: "back"}, func(line string) { lines = append(lines, line) })
	if err != nil || code != 0 || !strings.Contains(strings.Join(lines, "\n"), "contract-tool") {
		t.Errorf("run tool: %d %q %v", code, lines, err)
	}
	if _, err := e.RunTool(ctx, r, engine.ToolRun{Image: s.h.Image, Argv: []string{"true"}, Network: "nope"}, nil); !errors.As(err, new(*engine.NoNetworkError)) {
		t.Errorf("run tool on a network the lab does not have: %v, want a *engine.NoNetworkError", err)
	}
	if st := status(t, e, r, l); len(st.Toolboxes) != 2 {
		t.Errorf("after the tool run: toolboxes %+v, want the 2 toolboxes only", st.Toolboxes)
	}

	if err := e.DetachToolbox(ctx, r, "second"); err != nil {
		t.Fatalf("detach: %v", err)
	}
	if err := e.DetachToolbox(ctx, r, "second"); !errors.As(err, new(*engine.NoToolboxError)) || !errdefs.IsNotFound(err) {
		t.Errorf("detach again: %v, want a *engine.NoToolboxError", err)
	}
	if err := e.DetachToolbox(ctx, r, "victim"); !errors.As(err, new(*engine.NoToolboxError)) {
		t.Errorf("detach a service: %v, want a *engine.NoToolboxError", err)
	}
	if st := status(t, e, r, l); len(st.Toolboxes) != 1 || len(st.Services) != 2 {
		t.Errorf("after detach: toolboxes %+v, services %d", st.Toolboxes, len(st.Services))
	}
	if err := e.Down(ctx, r, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down with a toolbox attached: %v", err)
	}
	assertStopped(t, e, r, l)
	if st := status(t, e, r, l); len(st.Toolboxes) != 0 {
		t.Errorf("after down: toolboxes %+v", st.Toolboxes)
	}
}
