package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/pcapng"
)

// liveEvent is one event of a capture's live stream.
type liveEvent struct {
	name string
	data []byte
}

// watchLive opens a capture's live stream; its events arrive on the
// channel until it ends.
func (env *testEnv) watchLive(c *http.Client, id string) <-chan liveEvent {
	env.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	env.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", env.ts.URL+"/api/captures/"+id+"/live", nil)
	if err != nil {
		env.t.Fatal(err)
	}
	res, err := (&http.Client{Jar: c.Jar}).Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		env.t.Fatalf("live: %d", res.StatusCode)
	}
	out := make(chan liveEvent, 1024)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 4<<20)
		var ev liveEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = []byte(strings.TrimPrefix(line, "data: "))
			case line == "" && ev.name != "":
				out <- ev
				ev = liveEvent{}
			}
		}
	}()
	return out
}

// Refusals name the field at fault; the fake engine, which has no wire,
// answers 503.
func TestCaptureRefusals(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo, name := uniqueName("cap"), "web"
	env.writeLab(repo, name, map[string]string{"compose.yaml": strings.ReplaceAll(webLab, "SUBNET", randomSubnet())})
	env.up(repo, name, "")
	expectError(t, env.do(c, "POST", labURL(repo, name, "captures"), app.CaptureRequest{Network: "lan", Filter: "tcp port x"}), http.StatusBadRequest, "filter")
	expectError(t, env.do(c, "POST", labURL(repo, name, "captures"), app.CaptureRequest{Network: "nope"}), http.StatusNotFound, "network")
	expectError(t, env.do(c, "POST", labURL(repo, name, "captures"), app.CaptureRequest{Network: "lan"}), http.StatusServiceUnavailable, "")
}

// A network captured while a toolbox fetches a page from the lab's web
// server: the live stream shows the HTTP request, the pcapng downloaded
// while it runs and after holds it, tshark (when installed) reads it; a
// second capture stops with the lab and stays listed until deleted.
func TestCaptureAPI(t *testing.T) {
	env := newDockerEnv(t)
	c := env.login()
	subnet := randomSubnet()
	repo, name := uniqueName("cap"), "web"
	env.writeLab(repo, name, map[string]string{"compose.yaml": strings.ReplaceAll(webLab, "SUBNET", subnet)})
	ref := env.up(repo, name, "")
	expect(t, env.do(c, "POST", labURL(repo, name, "toolboxes"), app.ToolboxRequest{Image: baseImage, Name: "kali", Networks: []engine.ToolboxNetwork{{Name: "lan"}}}), http.StatusCreated)

	res := env.do(c, "POST", labURL(repo, name, "captures"), app.CaptureRequest{Network: "lan", Filter: "tcp port 80"})
	expect(t, res, http.StatusCreated)
	var capView app.CaptureView
	res.json(t, &capView)
	if capView.State != app.CaptureRunning || len(capView.Interfaces) != 1 || !strings.Contains(capView.Interfaces[0], "network lan") {
		t.Errorf("started %+v", capView)
	}
	live := env.watchLive(c, capView.ID)
	env.exec(ref, "kali", "wget", "-qO-", "http://web/hostname")
	waitLivePacket(t, live, func(p livePacket) bool {
		return p.Protocol == "HTTP" && strings.HasPrefix(p.Info, "GET /hostname") && p.Dst == subnet+".10"
	})
	// downloadable while it runs (the file is written every 200 ms)
	poll(t, "the HTTP request in the running capture's file", 10*time.Second, func() bool {
		res := env.do(c, "GET", "/api/captures/"+capView.ID+"/file", nil)
		expect(t, res, http.StatusOK)
		return httpRequests(t, res.body) == 1
	})
	res = env.do(c, "POST", "/api/captures/"+capView.ID+"/stop", nil)
	expect(t, res, http.StatusOK)
	res.json(t, &capView)
	if capView.State != app.CaptureStopped || capView.Packets == 0 || capView.Stopped == nil {
		t.Errorf("stopped %+v", capView)
	}
	res = env.do(c, "GET", "/api/captures/"+capView.ID+"/file", nil)
	expect(t, res, http.StatusOK)
	if !strings.Contains(res.Header.Get("Content-Disposition"), ".pcapng") {
		t.Errorf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
	}
	if n := httpRequests(t, res.body); n != 1 {
		t.Errorf("%d HTTP requests in the file, want 1", n)
	}
	tsharkReads(t, res.body)

	// a second capture stops with the lab, and stays listed
	res = env.do(c, "POST", labURL(repo, name, "captures"), app.CaptureRequest{Service: "web"})
	expect(t, res, http.StatusCreated)
	var second app.CaptureView
	res.json(t, &second)
	op := env.start(c, "POST", labURL(repo, name, "down"), nil)
	if v := env.waitOperation(c, op.Operation, 2*time.Minute); v.State != app.OpDone {
		t.Fatalf("down: %+v", v)
	}
	var list struct{ Captures []app.CaptureView }
	env.do(c, "GET", labURL(repo, name, "captures"), nil).json(t, &list)
	if len(list.Captures) != 2 || list.Captures[0].ID != second.ID || list.Captures[0].State != app.CaptureStopped {
		t.Errorf("captures after the lab stopped: %+v", list.Captures)
	}
	expect(t, env.do(c, "DELETE", "/api/captures/"+second.ID, nil), http.StatusNoContent)
	expectError(t, env.do(c, "GET", "/api/captures/"+second.ID, nil), http.StatusNotFound, "")
}

// waitLivePacket reads the live stream until a packet matches.
func waitLivePacket(t *testing.T, live <-chan liveEvent, match func(livePacket) bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, open := <-live:
			if !open {
				t.Fatal("the live stream ended before the packet showed")
			}
			if ev.name != "packets" {
				continue
			}
			var pkts []livePacket
			if err := json.Unmarshal(ev.data, &pkts); err != nil {
				t.Fatal(err)
			}
			for _, p := range pkts {
				if match(p) {
					return
				}
			}
		case <-deadline:
			t.Fatal("the packet did not show in the live stream within 30 s")
		}
	}
}

// httpRequests counts the HTTP requests in a pcapng file.
func httpRequests(t *testing.T, file []byte) int {
	t.Helper()
	r, err := pcapng.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("read the capture: %v", err)
	}
	n := 0
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("read the capture: %v", err)
		}
		if bytes.Contains(p.Data, []byte("GET /hostname HTTP/1.")) {
			n++
		}
	}
}

// tsharkReads checks that tshark, when installed, reads the file.
func tsharkReads(t *testing.T, file []byte) {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark is missing: scripts/setup.sh installs it")
		}
		t.Log("tshark is not installed: the file is checked by dsp's own reader only")
		return
	}
	path := filepath.Join(t.TempDir(), "capture.pcapng")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tshark, "-r", path, "-Y", "http.request", "-T", "fields", "-e", "http.request.uri").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "/hostname") {
		t.Errorf("tshark -r: %v\n%s", err, out)
	}
}
