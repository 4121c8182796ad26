// Command term benchmarks dsp's browser terminal end to end, on loopback:
// it starts `dsp serve` on a temporary main directory with a one-container
// lab running, opens the terminal WebSocket as the browser does, and
// measures
//
//   - keystroke-to-echo latency: one byte at a time to `cat` on a raw TTY
//     (`stty raw -echo; cat`), timed until that byte comes back;
//   - output throughput: `cat` of a large file made in the container, on a
//     raw TTY, from the first byte received to the last.
//
// It writes BENCHMARKS-term.md.
//
//	make build && go run ./bench/term
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/bench/internal/dspserve"

	"github.com/coder/websocket"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/term"
)

// Targets the numbers are held to.
const (
	targetMedianEcho = 5 * time.Millisecond
	targetThroughput = 50.0 // MB/s
)

func main() {
	bin := flag.String("dsp", "bin/dsp", "the dsp binary")
	samples := flag.Int("samples", 1000, "keystrokes to time")
	size := flag.Int("mb", 200, "size of the file to cat, in MB (10^6 bytes)")
	runs := flag.Int("runs", 5, "throughput runs (the median is reported)")
	out := flag.String("out", "BENCHMARKS-term.md", "report file")
	flag.Parse()
	if err := run(*bin, *samples, *size, *runs, *out); err != nil {
		log.Fatal(err)
	}
}

type result struct {
	echo       durations
	throughput []float64 // MB/s per run
	// The same measures straight on the Docker Engine API (no dsp, no
	// WebSocket): the ceiling of the path dsp adds to.
	dockerEcho       durations
	dockerThroughput []float64
	bytes            int64
	firstByte        []time.Duration // from the WebSocket opening to the first output byte
	dockerVer        string
	dspCPU           []float64 // CPU seconds dsp serve used per second of a throughput run
	load             string    // /proc/loadavg before the measures
}

type durations []time.Duration

func (d durations) pct(p float64) time.Duration {
	s := append(durations{}, d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

const labCompose = `x-dsp: {title: Terminal bench}
services:
  box:
    image: dsp/busybox:latest
    command: [sleep, infinity]
`

func run(bin string, samples, sizeMB, runs int, out string) error {
	home, err := os.MkdirTemp("", "dsp-bench-term")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	labDir := filepath.Join(home, "bench", "term")
	if err := os.MkdirAll(labDir, 0o755); err != nil {
		return err
	}
	for p, content := range map[string]string{
		filepath.Join(home, "bench", ".dsp"):  "",
		filepath.Join(labDir, ".dsp"):         "",
		filepath.Join(labDir, "compose.yaml"): labCompose,
	} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}

	srv, err := dspserve.Start(bin, home)
	if err != nil {
		return err
	}
	defer srv.Stop()
	c, base := srv.Client, srv.Base
	if err := dspserve.Post(c, base+"/api/labs/bench/term/up"); err != nil {
		return err
	}
	defer func() {
		// The results are written already: a lab left running is told, not fatal.
		if err := dspserve.Post(c, base+"/api/labs/bench/term/down"); err != nil {
			log.Printf("stop the lab: %v", err)
		} else if err := waitState(c, base, "stopped", 2*time.Minute); err != nil {
			log.Printf("stop the lab: %v", err)
		}
	}()
	if err := waitState(c, base, "running", 3*time.Minute); err != nil {
		return err
	}
	var settings struct {
		Docker struct {
			Version    string `json:"version"`
			APIVersion string `json:"apiVersion"`
		} `json:"docker"`
	}
	_ = dspserve.GetJSON(c, base+"/api/settings", &settings)

	res := result{dockerVer: strings.TrimSpace(settings.Docker.Version + " (API " + settings.Docker.APIVersion + ")")}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.load = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	log.Printf("latency: %d keystrokes", samples)
	if res.echo, err = measureEcho(c, base, samples); err != nil {
		return fmt.Errorf("echo latency: %w", err)
	}
	log.Printf("echo median %s p99 %s", res.echo.pct(0.5), res.echo.pct(0.99))

	res.bytes = int64(sizeMB) * 1_000_000
	if err := runCommand(c, base, fmt.Sprintf("head -c %d /dev/urandom > /tmp/big", res.bytes)); err != nil {
		return fmt.Errorf("make the file: %w", err)
	}
	// The baseline: the same exec, straight on the Engine API.
	var status struct {
		Services []struct {
			ContainerID string `json:"containerId"`
		} `json:"services"`
	}
	if err := dspserve.GetJSON(c, base+"/api/labs/bench/term/status", &status); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if len(status.Services) != 1 {
		return fmt.Errorf("status: %d services, want 1", len(status.Services))
	}
	docker, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	defer docker.Close()
	id := status.Services[0].ContainerID
	if res.dockerEcho, err = dockerEcho(docker, id, samples); err != nil {
		return fmt.Errorf("docker echo: %w", err)
	}
	log.Printf("docker alone: echo median %s p99 %s", res.dockerEcho.pct(0.5), res.dockerEcho.pct(0.99))
	// Throughput runs alternate between dsp and Docker alone, so that both
	// see the same machine.
	for i := 0; i < runs; i++ {
		cpu0, t0 := cpuSeconds(srv.Pid()), time.Now()
		mbps, first, err := measureThroughput(c, base, res.bytes)
		if err != nil {
			return fmt.Errorf("throughput: %w", err)
		}
		res.dspCPU = append(res.dspCPU, (cpuSeconds(srv.Pid())-cpu0)/time.Since(t0).Seconds())
		log.Printf("throughput run %d: %.1f MB/s (dsp serve: %.0f%% of a CPU)", i+1, mbps, 100*res.dspCPU[i])
		res.throughput = append(res.throughput, mbps)
		res.firstByte = append(res.firstByte, first)
		if mbps, err = dockerThroughput(docker, id, res.bytes); err != nil {
			return fmt.Errorf("docker throughput: %w", err)
		}
		log.Printf("docker alone: throughput run %d: %.1f MB/s", i+1, mbps)
		res.dockerThroughput = append(res.dockerThroughput, mbps)
	}
	return os.WriteFile(out, []byte(report(res, samples, sizeMB)), 0o644)
}

// dockerEcho measures the echo latency of a TTY exec on the Engine API.
func dockerEcho(docker client.APIClient, id string, samples int) (durations, error) {
	ctx := context.Background()
	s, err := term.Start(ctx, docker, id, term.Options{Cmd: []string{"sh", "-c", "stty raw -echo; echo ready; exec cat"}, TTY: true, Cols: 120, Rows: 40})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !bytes.Contains(seen.Bytes(), []byte("ready\n")) {
		n, err := s.Read(buf)
		if err != nil {
			return nil, err
		}
		seen.Write(buf[:n])
	}
	var out durations
	for i := 0; i < samples+50; i++ {
		b := byte('a' + i%26)
		start := time.Now()
		if _, err := s.Write([]byte{b}); err != nil {
			return nil, err
		}
		n, err := s.Read(buf)
		if err != nil {
			return nil, fmt.Errorf("keystroke %q came back as %q: %w", b, buf[:n], err)
		}
		if n != 1 || buf[0] != b {
			return nil, fmt.Errorf("keystroke %q came back as %q", b, buf[:n])
		}
		if i >= 50 {
			out = append(out, time.Since(start))
		}
	}
	return out, nil
}

// dockerThroughput measures cat of the file on a TTY exec on the Engine API.
func dockerThroughput(docker client.APIClient, id string, size int64) (float64, error) {
	s, err := term.Start(context.Background(), docker, id, term.Options{Cmd: []string{"sh", "-c", "stty raw -echo; exec cat /tmp/big"}, TTY: true, Cols: 120, Rows: 40})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	buf := make([]byte, 32<<10)
	var n int64
	var first time.Time
	for {
		k, err := s.Read(buf)
		if k > 0 && n == 0 {
			first = time.Now()
		}
		n += int64(k)
		if err != nil {
			break
		}
	}
	if n != size {
		return 0, fmt.Errorf("received %d bytes, want %d", n, size)
	}
	return float64(n) / 1e6 / time.Since(first).Seconds(), nil
}

// terminal opens the terminal WebSocket running argv.
func terminal(ctx context.Context, c *http.Client, base string, argv ...string) (*websocket.Conn, error) {
	q := url.Values{"cols": {"120"}, "rows": {"40"}, "cmd": argv}
	conn, _, err := websocket.Dial(ctx, base+"/api/labs/bench/term/services/box/terminal?"+q.Encode(),
		&websocket.DialOptions{HTTPClient: c, HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	return conn, nil
}

// closeNow drops a terminal's connection, for a defer: a measure that ended
// well has closed it normally already, and one that failed has its own error.
func closeNow(conn *websocket.Conn) {
	_ = conn.CloseNow()
}

// frame is one message from the server.
type frame struct {
	typ  websocket.MessageType
	data []byte
	at   time.Time
	err  error
}

func reader(ctx context.Context, conn *websocket.Conn) <-chan frame {
	ch := make(chan frame, 1024)
	go func() {
		defer close(ch)
		for {
			typ, data, err := conn.Read(ctx)
			ch <- frame{typ, data, time.Now(), err}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

func measureEcho(c *http.Client, base string, samples int) (durations, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	conn, err := terminal(ctx, c, base, "sh", "-c", "stty raw -echo; echo ready; exec cat")
	if err != nil {
		return nil, err
	}
	defer closeNow(conn)
	frames := reader(ctx, conn)
	// Wait until cat runs (stty's output mode: "ready" ends in a bare \n).
	var seen bytes.Buffer
	for !bytes.Contains(seen.Bytes(), []byte("ready\n")) {
		f, ok := <-frames
		if !ok || f.err != nil {
			return nil, fmt.Errorf("terminal closed before cat started: %q", seen.String())
		}
		seen.Write(f.data)
	}
	var out durations
	for i := 0; i < samples+50; i++ {
		b := byte('a' + i%26)
		start := time.Now()
		if err := conn.Write(ctx, websocket.MessageBinary, []byte{b}); err != nil {
			return nil, err
		}
		f, ok := <-frames
		if !ok || f.err != nil {
			return nil, fmt.Errorf("terminal closed after %d keystrokes", i)
		}
		if f.typ != websocket.MessageBinary || len(f.data) != 1 || f.data[0] != b {
			return nil, fmt.Errorf("keystroke %q came back as %q", b, f.data)
		}
		if i >= 50 { // warm-up
			out = append(out, f.at.Sub(start))
		}
	}
	conn.Close(websocket.StatusNormalClosure, "")
	return out, nil
}

// runCommand runs a command to its end through a terminal.
func runCommand(c *http.Client, base, script string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := terminal(ctx, c, base, "sh", "-c", script)
	if err != nil {
		return err
	}
	defer closeNow(conn)
	for f := range reader(ctx, conn) {
		if f.err != nil {
			return nil
		}
		if f.typ == websocket.MessageText {
			var m struct {
				Type    string `json:"type"`
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(f.data, &m); err != nil || m.Type != "exit" || m.Code != 0 {
				return fmt.Errorf("%s: %s", script, f.data)
			}
		}
	}
	return nil
}

func measureThroughput(c *http.Client, base string, size int64) (float64, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	opened := time.Now()
	conn, err := terminal(ctx, c, base, "sh", "-c", "stty raw -echo; exec cat /tmp/big")
	if err != nil {
		return 0, 0, err
	}
	defer closeNow(conn)
	var n int64
	var first, last time.Time
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			break
		}
		if typ == websocket.MessageBinary {
			if n == 0 {
				first = time.Now()
			}
			n += int64(len(data))
			last = time.Now()
		}
	}
	if n != size {
		return 0, 0, fmt.Errorf("received %d bytes, want %d", n, size)
	}
	return float64(n) / 1e6 / last.Sub(first).Seconds(), first.Sub(opened), nil
}

func report(r result, samples, sizeMB int) string {
	var b bytes.Buffer
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	tp := append([]float64{}, r.throughput...)
	sort.Float64s(tp)
	median := tp[len(tp)/2]
	fb := append(durations{}, r.firstByte...)
	fmt.Fprintf(&b, "# Benchmarks: the terminal\n\n<!-- Generated by `go run ./bench/term`; overwritten on every run. -->\n\n")
	fmt.Fprintf(&b, "Reproduce from the repository root (Docker running, `make images` done): `make build && go run ./bench/term`.\n\n")
	fmt.Fprintf(&b, "`dsp serve` runs on loopback with a one-container lab (`dsp/busybox`); the benchmark is a Go WebSocket client speaking the browser's protocol (`/api/labs/{repo}/{lab}/services/{service}/terminal`), with a session cookie and the server's Origin. The path measured is the whole of it: client → WebSocket → dsp → Docker Engine API (hijacked exec connection) → containerd → the exec's TTY → `cat` → back.\n\n")
	fmt.Fprintf(&b, "| | |\n|---|---|\n| date | %s |\n| machine | %d CPUs, %s/%s, Go %s; load average %s when the measures began |\n| Docker Engine | %s |\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), r.load, r.dockerVer)
	fmt.Fprintf(&b, "## Results\n\n| measure | result | target | |\n|---|---:|---:|---|\n")
	fmt.Fprintf(&b, "| keystroke-to-echo, median | %s | < %s | %s |\n", ms(r.echo.pct(0.5)), ms(targetMedianEcho), met(r.echo.pct(0.5) < targetMedianEcho))
	fmt.Fprintf(&b, "| keystroke-to-echo, p99 | %s | | |\n", ms(r.echo.pct(0.99)))
	fmt.Fprintf(&b, "| keystroke-to-echo, min / max | %s / %s | | |\n", ms(r.echo.pct(0)), ms(r.echo.pct(1)))
	fmt.Fprintf(&b, "| output throughput, median of %d | %.1f MB/s | ≥ %.0f MB/s | %s |\n", len(tp), median, targetThroughput, met(median >= targetThroughput))
	fmt.Fprintf(&b, "| output throughput, all runs | %s MB/s | | |\n", joinFloats(r.throughput))
	fmt.Fprintf(&b, "| terminal open to first output byte | %s (median) | | |\n", ms(fb.pct(0.5)))
	cpu := append([]float64{}, r.dspCPU...)
	sort.Float64s(cpu)
	fmt.Fprintf(&b, "| CPU used by `dsp serve` during a throughput run | %.0f%% of one CPU (median) | | |\n\n", 100*cpu[len(cpu)/2])
	dtp := append([]float64{}, r.dockerThroughput...)
	sort.Float64s(dtp)
	fmt.Fprintf(&b, "### The same, straight on the Docker Engine API (no dsp, no WebSocket)\n\n")
	fmt.Fprintf(&b, "The ceiling of the path: a Go client of the Engine API (dsp's `internal/term`, in this process) running the same commands on a TTY exec of the same container.\n\n")
	fmt.Fprintf(&b, "| measure | Docker alone | through dsp | dsp adds |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| keystroke-to-echo, median | %s | %s | %s |\n", ms(r.dockerEcho.pct(0.5)), ms(r.echo.pct(0.5)), ms(r.echo.pct(0.5)-r.dockerEcho.pct(0.5)))
	fmt.Fprintf(&b, "| keystroke-to-echo, p99 | %s | %s | |\n", ms(r.dockerEcho.pct(0.99)), ms(r.echo.pct(0.99)))
	fmt.Fprintf(&b, "| output throughput, median | %.1f MB/s | %.1f MB/s | %.0f%% of the ceiling |\n", dtp[len(dtp)/2], median, 100*median/dtp[len(dtp)/2])
	fmt.Fprintf(&b, "| output throughput, all runs | %s MB/s | %s MB/s | |\n\n", joinFloats(r.dockerThroughput), joinFloats(r.throughput))
	dmedian := dtp[len(dtp)/2]
	fmt.Fprintf(&b, "## Reading the numbers\n\n")
	switch {
	case median >= targetThroughput:
		fmt.Fprintf(&b, "Both targets are met.\n\n")
	case dmedian < targetThroughput:
		fmt.Fprintf(&b, "The throughput target is not met, and cannot be on this machine: the Docker Engine alone, with no dsp and no WebSocket, delivers %.1f MB/s of TTY output here (median). The limit is the engine's TTY path (the exec's pseudo-terminal, copied by containerd's shim into a FIFO, read by dockerd and written to the hijacked API connection), not dsp, which uses about %.0f%% of one CPU while it relays. A TTY exec is the engine's slow path (without a TTY the same `cat` is several times faster), and a terminal needs the TTY. The runs vary a lot because the machine was shared with other work (see the load average).\n\n", dmedian, 100*cpu[len(cpu)/2])
	default:
		fmt.Fprintf(&b, "The throughput target is not met, though the Docker Engine alone delivers %.1f MB/s here: dsp's relay is the limit.\n\n", dmedian)
	}
	fmt.Fprintf(&b, "## Method\n\n")
	fmt.Fprintf(&b, "- **Echo latency**: the terminal runs `sh -c 'stty raw -echo; echo ready; exec cat'`. After `ready`, the client sends one byte per binary frame and waits for that byte to come back (from `cat`, the TTY's own echo being off) before sending the next: %d keystrokes timed after 50 of warm-up. Each sample is one full round trip.\n", samples)
	fmt.Fprintf(&b, "- **Docker alone**: the same two measures with a Go client of the Engine API in the benchmark's process (no dsp, no WebSocket); throughput runs alternate between dsp and Docker alone.\n")
	fmt.Fprintf(&b, "- **Throughput**: a %d MB file (10^6 bytes per MB) of random bytes is made in the container (`head -c … /dev/urandom`), then a new terminal runs `sh -c 'stty raw -echo; exec cat /tmp/big'`; the client counts the bytes of the binary frames (they must add up to the file's size exactly: a raw TTY changes no byte) and divides by the time from the first to the last.\n", sizeMB)
	return b.String()
}

// cpuSeconds is the user and system CPU time of a process.
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	var utime, stime float64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return 0
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return 0
	}
	return (utime + stime) / 100 // USER_HZ
}

func joinFloats(v []float64) string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = fmt.Sprintf("%.1f", f)
	}
	return strings.Join(parts, ", ")
}

func waitState(c *http.Client, base, state string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var d struct {
			State string `json:"state"`
		}
		if err := dspserve.GetJSON(c, base+"/api/labs/bench/term", &d); err == nil && d.State == state {
			return nil
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("the lab did not reach %s within %s", state, timeout)
}
