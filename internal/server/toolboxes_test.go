package server

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
)

// webLab is a web server on a network with a fixed subnet SUBNET.0/24.
const webLab = `x-dsp: {title: Web}
services:
  web:
    image: dsp/busybox:latest
    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
    networks:
      lan: {ipv4_address: SUBNET.10}
networks:
  lan:
    ipam: {config: [{subnet: SUBNET.0/24}]}
`

// randomSubnet is a /24 of 10.200.0.0/13 that other tests rarely take.
func randomSubnet() string {
	return fmt.Sprintf("10.%d.%d", 200+rand.IntN(8), rand.IntN(256))
}

func TestToolboxAPI(t *testing.T) {
	for _, b := range engines() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			env := b.open(t)
			c := env.login()
			subnet := randomSubnet()
			repo, name := uniqueName("tb"), "web"
			env.writeLab(repo, name, map[string]string{"compose.yaml": strings.ReplaceAll(webLab, "SUBNET", subnet)})
			env.up(repo, name, "")
			base := labURL(repo, name, "toolboxes")

			// refusals name their field
			expectError(t, env.do(c, "POST", base, app.ToolboxRequest{Image: baseImage, Networks: []engine.ToolboxNetwork{{Name: "nope"}}}), http.StatusNotFound, "network")
			expectError(t, env.do(c, "POST", base, app.ToolboxRequest{Image: baseImage, Name: "web", Networks: []engine.ToolboxNetwork{{Name: "lan"}}}), http.StatusConflict, "name")
			expectError(t, env.do(c, "POST", base, app.ToolboxRequest{Image: baseImage, Networks: []engine.ToolboxNetwork{{Name: "lan", IP: subnet + ".10"}}}), http.StatusBadRequest, "ip")
			expectError(t, env.do(c, "POST", base, app.ToolboxRequest{Image: "nowhere:1", Networks: []engine.ToolboxNetwork{{Name: "lan"}}}), http.StatusConflict, "image")
			events := env.events(c)

			res := env.do(c, "POST", base, app.ToolboxRequest{Image: baseImage, Networks: []engine.ToolboxNetwork{{Name: "lan"}}})
			expect(t, res, http.StatusCreated)
			var tb engine.ToolboxStatus
			res.json(t, &tb)
			if tb.Name != "toolbox" || len(tb.Networks) != 1 || tb.Networks[0].IP != subnet+".254" {
				t.Errorf("attached %+v, want toolbox at %s.254", tb, subnet)
			}
			// the lab page hears of each, though the state stays running: a
			// state event whose status has them
			withToolboxes := func(n int) func(ev sseEvent) bool {
				return func(ev sseEvent) bool {
					status, _ := ev.Data["status"].(map[string]any)
					tbs, _ := status["toolboxes"].([]any)
					return ev.Name == "state" && ev.Data["lab"] == repo+"/"+name && ev.Data["state"] == "running" && len(tbs) == n
				}
			}
			events.wait("a state event with the toolbox", 10*time.Second, withToolboxes(1))
			events.skip()
			expect(t, env.do(c, "POST", base, app.ToolboxRequest{Image: baseImage, Name: "second", Networks: []engine.ToolboxNetwork{{Name: "lan"}}}), http.StatusCreated)
			events.wait("a state event with both toolboxes", 10*time.Second, withToolboxes(2))
			events.skip()
			expect(t, env.do(c, "DELETE", base+"/second", nil), http.StatusNoContent)
			events.wait("a state event without the second", 10*time.Second, withToolboxes(1))
			var st engine.Status
			env.do(c, "GET", labURL(repo, name, "status"), nil).json(t, &st)
			if len(st.Toolboxes) != 1 || len(st.Services) != 1 || st.State != engine.StateRunning {
				t.Errorf("status: %+v", st)
			}
			if env.kind == onDocker {
				// the toolbox reaches the lab's web server by its name
				out := env.exec(env.ref(repo, name, ""), "toolbox", "wget", "-qO-", "http://web/hostname")
				if strings.TrimSpace(out) == "" {
					t.Errorf("wget from the toolbox: %q", out)
				}
			}
			var list struct{ Toolboxes []engine.ToolboxStatus }
			env.do(c, "GET", base, nil).json(t, &list)
			if len(list.Toolboxes) != 1 {
				t.Errorf("list %+v", list)
			}
			expect(t, env.do(c, "DELETE", base+"/toolbox", nil), http.StatusNoContent)
			expectError(t, env.do(c, "DELETE", base+"/toolbox", nil), http.StatusNotFound, "")
		})
	}
}

func TestToolAPI(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	env.fake.AddImage(app.DefaultToolboxImage)
	subnet := randomSubnet()
	repo, name := uniqueName("tool"), "web"
	env.writeLab(repo, name, map[string]string{"compose.yaml": strings.ReplaceAll(webLab, "SUBNET", subnet)})
	env.up(repo, name, "")

	var cat struct{ Tools []struct{ Name string } }
	env.do(c, "GET", "/api/tools", nil).json(t, &cat)
	if len(cat.Tools) < 5 {
		t.Errorf("catalogue %+v", cat)
	}
	expectError(t, env.do(c, "POST", labURL(repo, name, "tools"), app.ToolRequest{Tool: "nope"}), http.StatusNotFound, "tool")
	res := env.do(c, "POST", labURL(repo, name, "tools"), app.ToolRequest{Tool: "curl", Target: "web"})
	expect(t, res, http.StatusAccepted)
	var s started
	res.json(t, &s)
	op := env.waitOperation(c, s.Operation, 30*time.Second)
	if op.State != app.OpDone || op.Kind != app.OpTool || !op.Cancellable {
		t.Errorf("tool operation %+v", op)
	}
	found := false
	for _, ev := range op.Events {
		found = found || (ev.Step == engine.StepTool && strings.Contains(ev.Message, "web"))
	}
	if !found {
		t.Errorf("no output line of the tool: %+v", op.Events)
	}
	expect(t, env.do(c, "POST", "/api/operations/"+s.Operation+"/cancel", nil), http.StatusOK)
	expectError(t, env.do(c, "POST", "/api/operations/op-999/cancel", nil), http.StatusNotFound, "")

	var images struct{ Images []app.ToolboxImage }
	env.do(c, "GET", "/api/toolbox-images", nil).json(t, &images)
	if len(images.Images) == 0 || images.Images[0].Image != app.DefaultToolboxImage || !images.Images[0].Present {
		t.Errorf("toolbox images %+v", images)
	}
	expectError(t, env.do(c, "PUT", "/api/toolbox-images", map[string]any{"image": "Not An Image", "registered": true}), http.StatusBadRequest, "image")
	res = env.do(c, "PUT", "/api/toolbox-images", map[string]any{"image": "my/kali:1", "registered": true})
	expect(t, res, http.StatusOK)
	res.json(t, &images)
	if last := images.Images[len(images.Images)-1]; last.Image != "my/kali:1" || !last.Registered || last.Present {
		t.Errorf("after register: %+v", images)
	}
}

func TestLinkAPI(t *testing.T) {
	for _, b := range engines() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			env := b.open(t)
			c := env.login()
			subnet := randomSubnet()
			repo, name := uniqueName("link"), "web"
			env.writeLab(repo, name, map[string]string{"compose.yaml": strings.ReplaceAll(webLab, "SUBNET", subnet)})
			env.up(repo, name, "")
			var links struct{ Links []engine.LinkStatus }
			env.do(c, "GET", labURL(repo, name, "links"), nil).json(t, &links)
			if len(links.Links) != 1 || links.Links[0].Service != "web" || links.Links[0].IP != subnet+".10" {
				t.Errorf("links %+v", links)
			}
			url := labURL(repo, name, "links", "web")
			expectError(t, env.do(c, "PUT", url, map[string]string{"rate": "fast"}), http.StatusBadRequest, "rate")
			res := env.do(c, "PUT", url, map[string]string{"rate": "2mbit"})
			expect(t, res, http.StatusOK)
			res.json(t, &links)
			if links.Links[0].Shape.Rate != 2_000_000 {
				t.Errorf("after PUT: %+v", links)
			}
			// the fake models a kernel with netem; this machine's has none
			if res := env.do(c, "PUT", url, map[string]string{"delay": "20ms"}); res.StatusCode != http.StatusOK {
				e := expectError(t, res, http.StatusServiceUnavailable, "delay")
				if !strings.Contains(e.Error, "sch_netem") {
					t.Errorf("the netem error does not name the kernel feature: %s", e.Error)
				}
			}
			res = env.do(c, "DELETE", url, nil)
			expect(t, res, http.StatusOK)
			res.json(t, &links)
			if links.Links[0].Shape.Text != "none" {
				t.Errorf("after DELETE: %+v", links)
			}
		})
	}
}

func TestToolboxBuildAPI(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	expectError(t, env.do(c, "POST", "/api/toolbox-images/build", nil), http.StatusConflict, "")
	env.fake.AddImage(app.ToolboxBaseImage)
	s := env.start(c, "POST", "/api/toolbox-images/build", nil)
	if op := env.waitOperation(c, s.Operation, 30*time.Second); op.State != app.OpDone || op.Image != app.DefaultToolboxImage {
		t.Errorf("build %+v", op)
	}
	var images struct{ Images []app.ToolboxImage }
	env.do(c, "GET", "/api/toolbox-images", nil).json(t, &images)
	if !images.Images[0].Present {
		t.Errorf("after the build: %+v", images)
	}
}

// Only a VM whose console is vnc has a screen.
func TestScreenOfAContainer(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo, name := uniqueName("scr"), "web"
	env.writeLab(repo, name, map[string]string{"compose.yaml": strings.ReplaceAll(webLab, "SUBNET", randomSubnet())})
	env.up(repo, name, "")
	e := expectError(t, env.do(c, "GET", labURL(repo, name, "services", "web", "screen"), nil), http.StatusConflict, "")
	if !strings.Contains(e.Error, "no screen") {
		t.Errorf("error %q", e.Error)
	}
}
