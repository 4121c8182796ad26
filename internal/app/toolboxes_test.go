package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
)

const twoNetLab = `
services:
  router:
    image: dsp/busybox:latest
    networks:
      outside: {ipv4_address: 10.60.1.2}
      inside: {ipv4_address: 10.60.2.2}
  victim:
    image: dsp/busybox:latest
    x-dsp: {shell: false}
    networks:
      inside: {ipv4_address: 10.60.2.3}
networks:
  outside:
    ipam: {config: [{subnet: 10.60.1.0/24}]}
  inside:
    ipam: {config: [{subnet: 10.60.2.0/24}]}
`

// startTwoNetLab starts mine/net on a fake engine that has dsp's toolbox.
func startTwoNetLab(t *testing.T) (*app.App, *app.Target, engine.Ref, string) {
	t.Helper()
	a, eng, home := newApp(t)
	eng.AddImage(app.DefaultToolboxImage)
	writeLab(t, filepath.Join(home, "mine"), "net", map[string]string{"compose.yaml": twoNetLab})
	ctx := context.Background()
	lt, err := a.Lab(ctx, "mine/net")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := lt.Ref("")
	if _, err := a.Up(ctx, lt, ref, app.UpOptions{}); err != nil {
		t.Fatal(err)
	}
	return a, lt, ref, home
}

func TestToolboxRules(t *testing.T) {
	a, lt, ref, _ := startTwoNetLab(t)
	ctx := context.Background()
	for _, tc := range []struct {
		req  app.ToolboxRequest
		arg  string
		want string
	}{
		{app.ToolboxRequest{}, "network", "at least one network"},
		{app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "nope"}}}, "network", `no network "nope"`},
		{app.ToolboxRequest{Name: "router", Networks: []engine.ToolboxNetwork{{Name: "inside"}}}, "name", `named "router"`},
		{app.ToolboxRequest{Name: "Bad_Name", Networks: []engine.ToolboxNetwork{{Name: "inside"}}}, "name", "lower-case"},
		{app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "inside", IP: "10.60.1.9"}}}, "ip", "outside network inside"},
		{app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "inside", IP: "10.60.2.3"}}}, "ip", "taken on network inside by service victim"},
		{app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "inside"}, {Name: "inside"}}}, "network", "named twice"},
		{app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "outside"}}, Gateway: "ghost"}, "gateway", `no service "ghost"`},
		{app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "outside"}}, Gateway: "victim"}, "gateway", "none of the toolbox's networks"},
	} {
		_, err := a.AttachToolbox(ctx, lt, ref, tc.req)
		var argErr *app.ArgError
		if !errors.As(err, &argErr) || argErr.Arg != tc.arg || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("attach %+v: %v, want the %s named (%q)", tc.req, err, tc.arg, tc.want)
		}
	}
	if _, err := a.AttachToolbox(ctx, lt, ref, app.ToolboxRequest{Image: "kali:missing", Networks: []engine.ToolboxNetwork{{Name: "inside"}}}); !errors.As(err, new(*app.ToolImageMissingError)) || !cerrdefs.IsFailedPrecondition(err) {
		t.Errorf("attach with a missing image: %v", err)
	}
}

func TestToolboxLifecycle(t *testing.T) {
	a, lt, ref, _ := startTwoNetLab(t)
	ctx := context.Background()
	tb, err := a.AttachToolbox(ctx, lt, ref, app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "outside"}, {Name: "inside", IP: "10.60.2.50"}}, Gateway: "router"})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Name != "toolbox" || tb.Image != app.DefaultToolboxImage || tb.Gateway != "router" || len(tb.Networks) != 2 {
		t.Errorf("attached %+v, want toolbox on dsp's image via the router", tb)
	}
	tb2, err := a.AttachToolbox(ctx, lt, ref, app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "inside", IP: "10.60.2.50"}}})
	if err == nil {
		t.Errorf("a second toolbox on a taken address: %+v", tb2)
	}
	tb2, err = a.AttachToolbox(ctx, lt, ref, app.ToolboxRequest{Networks: []engine.ToolboxNetwork{{Name: "inside"}}})
	if err != nil || tb2.Name != "toolbox-2" {
		t.Fatalf("a second toolbox: %+v %v, want toolbox-2", tb2, err)
	}
	// its terminal is reached by its name, like a service's
	svc, err := a.Service(ctx, lt, ref, "toolbox")
	if err != nil {
		t.Fatalf("reach the toolbox: %v", err)
	}
	if svc.Name != "toolbox" {
		t.Errorf("service %q", svc.Name)
	}
	list, err := a.Toolboxes(ctx, ref)
	if err != nil || len(list) != 2 {
		t.Fatalf("toolboxes %+v %v", list, err)
	}
	if err := a.DetachToolbox(ctx, ref, "toolbox-2"); err != nil {
		t.Fatal(err)
	}
	if err := a.DetachToolbox(ctx, ref, "toolbox-2"); !cerrdefs.IsNotFound(err) {
		t.Errorf("detach twice: %v, want NotFound", err)
	}
	if err := a.Down(ctx, lt, ref, nil); err != nil {
		t.Fatal(err)
	}
	if list, err := a.Toolboxes(ctx, ref); err != nil || len(list) != 0 {
		t.Errorf("toolboxes after the lab stopped: %+v %v", list, err)
	}
}

func TestToolRuns(t *testing.T) {
	a, lt, ref, _ := startTwoNetLab(t)
	ctx := context.Background()
	var lines []string
	code, err := a.RunTool(ctx, lt, ref, app.ToolRequest{Tool: "nmap", Network: "inside"}, func(l string) { lines = append(lines, l) })
	if err != nil || code != 0 || len(lines) == 0 || !strings.Contains(lines[0], "nmap -sT -Pn -T4 10.60.2.0/24 on network inside") {
		t.Errorf("nmap with its defaults: %d %q %v, want the subnet as its target", code, lines, err)
	}
	lines = nil
	if _, err := a.RunTool(ctx, lt, ref, app.ToolRequest{Tool: "curl", Target: "victim", Args: []string{"-s", "http://victim/"}}, func(l string) { lines = append(lines, l) }); err != nil || !strings.Contains(lines[0], "curl -s http://victim/ on network inside") {
		t.Errorf("curl with arguments: %q %v", lines, err)
	}
	var argErr *app.ArgError
	if _, err := a.RunTool(ctx, lt, ref, app.ToolRequest{Tool: "ping"}, nil); !errors.As(err, &argErr) || argErr.Arg != "args" {
		t.Errorf("ping without a target: %v, want the args at fault (only a scan takes the network)", err)
	}
	if _, err := a.RunTool(ctx, lt, ref, app.ToolRequest{Tool: "nope"}, nil); !errors.As(err, &argErr) || argErr.Arg != "tool" || !cerrdefs.IsNotFound(err) {
		t.Errorf("an unknown tool: %v", err)
	}
	if _, err := a.RunTool(ctx, lt, ref, app.ToolRequest{Tool: "nmap", Network: "nope"}, nil); !errors.As(err, &argErr) || argErr.Arg != "network" {
		t.Errorf("an unknown network: %v", err)
	}

	// the user's catalogue adds tools
	user := `{"tools":[{"name":"hello","title":"Hello","image":"dsp/busybox:latest","argv":["echo"],"defaultArgs":["hi","{target}"],"needsTarget":true}]}`
	if err := os.WriteFile(filepath.Join(a.StateDir(), app.ToolsFile), []byte(user), 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := a.Tools()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cat.Tool("hello"); !ok {
		t.Errorf("the user's tool is missing")
	}
	if _, ok := cat.Tool("nmap"); !ok {
		t.Errorf("dsp's tools went with the user's file")
	}
	if err := os.WriteFile(filepath.Join(a.StateDir(), app.ToolsFile), []byte(`{"tools":[{"name":"x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tools(); err == nil || !strings.Contains(err.Error(), app.ToolsFile) {
		t.Errorf("a broken user catalogue: %v, want an error naming it", err)
	}

	// as an operation: the output is its log; it may be cancelled
	if err := os.Remove(filepath.Join(a.StateDir(), app.ToolsFile)); err != nil {
		t.Fatal(err)
	}
	op, err := a.StartTool(ctx, lt, ref, app.ToolRequest{Tool: "ping", Target: "router"})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v := op.Wait(wctx)
	if v.State != app.OpDone || !v.Cancellable || len(v.Events) < 2 || v.Events[1].Step != engine.StepTool || !strings.Contains(v.Events[1].Message, "router") {
		t.Errorf("tool operation %+v", v)
	}
	if _, err := a.CancelOperation(op.ID); err != nil {
		t.Errorf("cancel a finished tool run: %v", err)
	}
	down, err := a.StartDown(ctx, lt, ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CancelOperation(down.ID); !errors.As(err, new(*app.NotCancellableError)) {
		t.Errorf("cancel a stop: %v, want *app.NotCancellableError", err)
	}
}

func TestLinkRequests(t *testing.T) {
	a, lt, ref, _ := startTwoNetLab(t)
	ctx := context.Background()
	for _, tc := range []struct {
		req app.LinkRequest
		arg string
	}{
		{app.LinkRequest{Rate: "1mbit"}, "service"},
		{app.LinkRequest{Service: "router", Rate: "1M"}, "rate"},
		{app.LinkRequest{Service: "router", Rate: "10bit"}, "rate"},
		{app.LinkRequest{Service: "router", Delay: "fast"}, "delay"},
		{app.LinkRequest{Service: "router", Loss: "lots"}, "loss"},
		{app.LinkRequest{Service: "router", Loss: "150"}, "loss"},
		{app.LinkRequest{Service: "router", Network: "nope", Rate: "1mbit"}, "network"},
	} {
		var argErr *app.ArgError
		if _, err := a.SetLink(ctx, lt, ref, tc.req); !errors.As(err, &argErr) || argErr.Arg != tc.arg || !cerrdefs.IsInvalidArgument(err) {
			t.Errorf("set %+v: %v, want the %s at fault", tc.req, err, tc.arg)
		}
	}
	links, err := a.SetLink(ctx, lt, ref, app.LinkRequest{Service: "router", Network: "inside", Rate: "2mbit", Loss: "1%"})
	if err != nil || len(links) != 1 || links[0].Shape.Rate != 2_000_000 || links[0].Shape.Loss != 1 {
		t.Errorf("set: %+v %v", links, err)
	}
	links, err = a.SetLink(ctx, lt, ref, app.LinkRequest{Service: "router", Network: "inside"})
	if err != nil || links[0].Shape.Text != "none" {
		t.Errorf("an empty request clears: %+v %v", links, err)
	}
}

// dsp's toolbox is built on first use from the context embedded in dsp,
// once its base image is there.
func TestToolboxImageBuild(t *testing.T) {
	a, eng, _ := newApp(t)
	ctx := context.Background()
	var missing *app.ToolboxBaseMissingError
	if err := a.BuildToolbox(ctx, nil); !errors.As(err, &missing) || !cerrdefs.IsFailedPrecondition(err) || !strings.Contains(err.Error(), "make images") {
		t.Errorf("build without the base image: %v", err)
	}
	eng.AddImage(app.ToolboxBaseImage)
	op, err := a.StartBuildToolbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if v := op.Wait(wctx); v.State != app.OpDone || v.Image != app.DefaultToolboxImage {
		t.Fatalf("build operation %+v", v)
	}
	images, err := a.ToolboxImages(ctx)
	if err != nil || !images[0].Present {
		t.Errorf("after the build: %+v %v", images, err)
	}
}
