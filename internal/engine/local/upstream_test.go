package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsp-lab/dsp/internal/engine"
)

// TestUpstreamLabRunsUnchanged starts the corpus lab TelnetAccess as it is
// (network.json actions, subnets written with host bits, the obsolete
// version key) on local stand-ins tagged with the upstream image names.
func TestUpstreamLabRunsUnchanged(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	src, err := filepath.Abs("../../../../shared/corpus/dsp-projects/TelnetAccess")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("upstream corpus not found: %v", err)
	}
	repo := filepath.Join(t.TempDir(), uniqueName("upstream"))
	files := map[string]string{}
	for _, name := range []string{".dsp", "docker-compose.yml", "network.json", "information.json", "labels.json"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	l := loadLab(t, writeLab(t, repo, "TelnetAccess", files))
	buildStandin(t, e, "dockersecplayground/alpine_router:v1.0", "dockersecplayground/alpine_bot:v1.0", "dockersecplayground/alpine_telnet:v1.0")
	cleanupLab(t, e, l, engine.DefaultInstance)

	if err := e.Up(ctx, refOfLab(t, l, ""), l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	ref := refOfLab(t, l, "")
	st, err := e.Status(ctx, ref, l)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != engine.StateRunning {
		t.Fatalf("state = %s, want running", st.State)
	}
	subnets := map[string]string{}
	for _, n := range st.Networks {
		subnets[n.Name] = n.Subnet
	}
	if subnets["telnet_network"] != "192.168.1.0/24" || subnets["internal_network"] != "192.168.2.0/24" {
		t.Errorf("subnets = %v, want the written 192.168.x.1/24 normalised", subnets)
	}
	// Actions ran by priority (setgw 1, adduser 2, addctf 3) with their
	// arguments as separate argv elements, values untouched.
	_, log := run(t, e, ref, "TelnetServer", "cat", "/tmp/actions.log")
	want := "== setgw.sh\n[--gateway]\n[router]\n== adduser.sh\n[--name]\n[jack]\n[--password]\n[MyPasswordALittleComplex]\n== addctf.sh\n[--ctf]\n[This is my secret simple simple!]\n[--username]\n[jack]\n"
	if log != want {
		t.Errorf("TelnetServer actions log:\n%s\nwant:\n%s", log, want)
	}
	_, log = run(t, e, ref, "telnet_client", "cat", "/tmp/actions.log")
	if !strings.Contains(log, "== telnet_client.sh\n[--commands]\n[ls]\n[--ip_telnet_server]\n[192.168.1.3]\n") {
		t.Errorf("telnet_client actions log = %q", log)
	}
	if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
		t.Fatalf("down: %v", err)
	}
	assertNothingLeft(t, e, ref)
}
