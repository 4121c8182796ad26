package local

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// The toolbox's default route goes through the gateway service, set from
// the host: the image needs no ip tool and the toolbox no capability of
// its own for it.
func TestToolboxRoutesThroughTheGateway(t *testing.T) {
	e := newTestEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	compose := `x-dsp: {title: Route}
services:
  router:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
    networks: {lan: {ipv4_address: 10.237.5.2}}
networks:
  lan:
    ipam: {config: [{subnet: 10.237.5.0/24}]}
`
	l := loadLab(t, writeLab(t, filepath.Join(t.TempDir(), uniqueName("route")), "route lab", map[string]string{"compose.yaml": compose}))
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, engine.DefaultInstance)
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if _, err := e.AttachToolbox(ctx, ref, engine.ToolboxOptions{Name: "kali", Image: "dsp/busybox:latest", Networks: []engine.ToolboxNetwork{{Name: "lan"}}, Gateway: "router"}); err != nil {
		t.Fatalf("attach: %v", err)
	}
	code, out, err := e.Exec(ctx, ref, "kali", []string{"ip", "route", "show", "default"}, nil)
	if err != nil || code != 0 || !strings.Contains(out, "default via 10.237.5.2") {
		t.Errorf("ip route in the toolbox: %d %q %v, want the default route via the router", code, out, err)
	}
	code, out, err = e.Exec(ctx, ref, "kali", []string{"ping", "-c", "1", "-W", "5", "router"}, nil)
	if err != nil || code != 0 {
		t.Errorf("ping router by name from the toolbox: %d %q %v", code, out, err)
	}
	code, out, err = e.Exec(ctx, ref, "router", []string{"ping", "-c", "1", "-W", "5", "kali"}, nil)
	if err != nil || code != 0 {
		t.Errorf("ping the toolbox by its name from the lab: %d %q %v", code, out, err)
	}
}
