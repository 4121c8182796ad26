package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsp-lab/dsp/internal/pcapng"
)

// startWebLab writes and starts me/web: a web server on network lan with a
// random fixed subnet; it is stopped at the end of the test.
func startWebLab(t *testing.T) (home, ref, subnet string) {
	t.Helper()
	requireDocker(t)
	home = t.TempDir()
	subnet = fmt.Sprintf("10.%d.%d", 190+rand.IntN(8), rand.IntN(256))
	dir := filepath.Join(home, "me", "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	compose := strings.ReplaceAll(`x-dsp: {title: Web}
services:
  web:
    image: dsp/busybox:latest
    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
    networks:
      lan: {ipv4_address: SUBNET.10}
networks:
  lan:
    ipam: {config: [{subnet: SUBNET.0/24}]}
`, "SUBNET", subnet)
	for p, content := range map[string]string{
		filepath.Join(home, "me", ".dsp"):  "",
		filepath.Join(dir, ".dsp"):         "",
		filepath.Join(dir, "compose.yaml"): compose,
	} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref = "me/web"
	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })
	if out, stderr, code := dsp(t, home, "lab", "up", "--plain", ref); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, out, stderr)
	}
	return home, ref, subnet
}

// The CLI's attack-and-observe commands on a real lab: a toolbox attached
// reaches the web server, a capture of the network while it fetches a page
// holds the request, a rate limit is set and cleared, a delay answers
// with the netem error where the kernel lacks it, and the toolbox goes.
func TestToolboxCaptureLinkCLI(t *testing.T) {
	home, ref, subnet := startWebLab(t)
	out, stderr, code := dsp(t, home, "toolbox", "attach", ref, "--network", "lan", "--image", "dsp/busybox:latest", "--name", "kali")
	if code != 0 || !strings.Contains(out, "kali attached") || !strings.Contains(out, subnet+".254") {
		t.Fatalf("attach: %d\n%s\n%s", code, out, stderr)
	}
	if _, stderr, code := dsp(t, home, "toolbox", "attach", ref, "--network", "lan", "--ip", subnet+".10", "--image", "dsp/busybox:latest"); code == 0 || !strings.Contains(stderr, "taken on network lan by service web") {
		t.Errorf("attach on a taken address: %d %s", code, stderr)
	}
	if out, _, _ := dsp(t, home, "toolbox", "ls", ref); !strings.Contains(out, "kali") {
		t.Errorf("ls: %s", out)
	}

	// capture the network while the toolbox fetches a page
	file := filepath.Join(t.TempDir(), "lan.pcapng")
	capture := exec.Command(dspBinary, "--home", home, "capture", ref, "--network", "lan", "--filter", "tcp port 80", "-w", file, "--plain")
	lines := outputLines(t, capture)
	if first := <-lines; !strings.HasPrefix(first, "capturing ") || !strings.Contains(first, "network lan") {
		t.Fatalf("capture's first line: %q", first)
	}
	if out, stderr, code := dsp(t, home, "shell", ref, "kali", "--", "wget", "-qO-", "http://web/hostname"); code != 0 {
		t.Fatalf("wget from the toolbox: %d %s %s", code, out, stderr)
	}
	if err := capture.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	if err := capture.Wait(); err != nil {
		t.Fatalf("capture: %v\n%s", err, rest)
	}
	if len(rest) == 0 || !strings.HasPrefix(rest[len(rest)-1], "captured ") {
		t.Errorf("capture's last lines: %q", rest)
	}
	if n := requestsIn(t, file, "GET /hostname HTTP/1."); n != 1 {
		t.Errorf("%d HTTP requests in %s, want 1 (%q)", n, file, rest)
	}

	out, stderr, code = dsp(t, home, "link", "set", ref, "web", "--rate", "1mbit")
	if code != 0 || !strings.Contains(out, "rate 1Mbit/s") {
		t.Errorf("link set: %d\n%s\n%s", code, out, stderr)
	}
	if _, stderr, code := dsp(t, home, "link", "set", ref, "web", "--delay", "50ms"); code != 0 && !strings.Contains(stderr, "sch_netem") {
		t.Errorf("link set --delay: %d %s, want success or the netem error", code, stderr)
	}
	if out, _, code := dsp(t, home, "link", "clear", ref, "web"); code != 0 || !strings.Contains(out, "none") {
		t.Errorf("link clear: %d %s", code, out)
	}
	if _, stderr, code := dsp(t, home, "link", "set", ref, "web", "--rate", "fast"); code == 0 || !strings.Contains(stderr, `"fast"`) {
		t.Errorf("a bad rate: %d %s", code, stderr)
	}
	if out, stderr, code := dsp(t, home, "toolbox", "detach", ref, "kali"); code != 0 {
		t.Errorf("detach: %d %s %s", code, out, stderr)
	}
	if out, _, _ := dsp(t, home, "toolbox", "ls", ref); !strings.Contains(out, "no toolbox") {
		t.Errorf("ls after detach: %s", out)
	}
}

// outputLines starts cmd and sends the lines of its standard error (and
// output) until it closes them.
func outputLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// requestsIn counts the packets of a pcapng file that contain s.
func requestsIn(t *testing.T, file, s string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapng.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(p.Data, []byte(s)) {
			n++
		}
	}
}

// A one-shot tool of the catalogue runs on the lab network with its output
// streamed; a failing one's exit status is dsp's.
func TestToolRunCLI(t *testing.T) {
	requireDocker(t)
	if err := exec.Command("docker", "image", "inspect", "dsp/toolbox:latest").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dsp/toolbox:latest is missing: scripts/build-images.sh builds it")
		}
		t.Skip("dsp/toolbox:latest is missing: run scripts/build-images.sh")
	}
	home, ref, subnet := startWebLab(t)
	out, stderr, code := dsp(t, home, "tool", "run", ref, "curl", "--target", "web")
	if code != 0 || !strings.Contains(out, "HTTP/1.1 404") {
		t.Errorf("curl with its defaults: %d\n%s\n%s", code, out, stderr)
	}
	out, stderr, code = dsp(t, home, "tool", "run", ref, "curl", "--", "-sS", "-i", "http://web/hostname")
	if code != 0 || !strings.Contains(out, "200 OK") {
		t.Errorf("curl: %d\n%s\n%s", code, out, stderr)
	}
	out, stderr, code = dsp(t, home, "tool", "run", ref, "nmap", "--", "-sT", "-Pn", "-p", "80", subnet+".10")
	if code != 0 || !strings.Contains(out, "80/tcp open") {
		t.Errorf("nmap: %d\n%s\n%s", code, out, stderr)
	}
	if _, _, code := dsp(t, home, "tool", "run", ref, "nc", "--", "-z", "-w", "2", "web", "81"); code != 1 {
		t.Errorf("nc on a closed port: exit %d, want nc's 1", code)
	}
	if _, stderr, code := dsp(t, home, "tool", "run", ref, "ping"); code == 0 || !strings.Contains(stderr, "target") {
		t.Errorf("ping without a target: %d %s", code, stderr)
	}
}
