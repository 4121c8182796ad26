//go:build faults

package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/dsptest"
)

var dspBinary string

func TestMain(m *testing.M) { dsptest.Main(m, &dspBinary) }

// dsp runs the binary on a main directory and returns its output (standard
// output, then standard error) and exit code.
func dsp(t *testing.T, home string, args ...string) (string, int) {
	t.Helper()
	stdout, stderr, code := dsptest.Run(t, dspBinary, home, args...)
	return stdout + stderr, code
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the fault tests need root (they restart dockerd and mount file systems)")
		}
		t.Skip("the fault tests need root")
	}
}

// writeLab writes a lab into a repository of home.
func writeLab(t *testing.T, home, repo, name string, files map[string]string) {
	t.Helper()
	dir := filepath.Join(home, repo, name)
	files[".dsp"] = ""
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, repo, ".dsp"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// state reads a lab's state with dsp lab status --json.
func state(t *testing.T, home, ref string) (string, int) {
	t.Helper()
	out, code := dsp(t, home, "lab", "status", "--json", ref)
	var st struct {
		State    string `json:"state"`
		Services []struct {
			State string `json:"state"`
		} `json:"services"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("status of %s: exit %d\n%s", ref, code, out)
	}
	return st.State, len(st.Services)
}

// TestDockerRestartMidStart restarts the Docker Engine while a lab's
// action runs: the start fails and says so, the lab is then seen as what
// Docker holds of it, and the next start cleans up and finishes; the stop
// after it leaves nothing.
func TestDockerRestartMidStart(t *testing.T) {
	requireRoot(t)
	home := t.TempDir()
	// The action waits on the first start only: the lab folder's state
	// (a bind mount inside the lab) remembers it ran.
	writeLab(t, home, "faulty", "slow", map[string]string{
		"compose.yaml": `x-dsp: {title: slow}
services:
  box:
    image: dsp/busybox:latest
    command: [sleep, "1000"]
    volumes: ["./state:/state"]
    x-dsp:
      actions:
        - name: exec
          priority: 1
          args: {command: "if [ -f /state/once ]; then exit 0; fi; touch /state/once; sleep 600"}
`,
		"state/.keep": "",
	})
	ref := "faulty/slow"
	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })

	up := exec.Command(dspBinary, "--home", home, "lab", "up", "--plain", ref)
	var progress syncBuffer
	up.Stdout, up.Stderr = &progress, &progress
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the action to start", func() bool { return strings.Contains(progress.String(), "box/exec: [working]") })
	restartDockerd(t)

	done := make(chan error, 1)
	go func() { done <- up.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("the start survived the engine's restart as a success:\n%s", progress.String())
		}
	case <-time.After(3 * time.Minute):
		_ = up.Process.Kill()
		t.Fatalf("dsp lab up still runs 3 minutes after the engine restarted:\n%s", progress.String())
	}
	st, _ := state(t, home, ref)
	if st == "running" {
		t.Errorf("after the engine restarted mid-start the lab is %s, want it not running", st)
	}
	if out, code := dsp(t, home, "lab", "up", "--plain", ref); code != 0 {
		t.Fatalf("the next start: exit %d\n%s", code, out)
	}
	if st, n := state(t, home, ref); st != "running" || n != 1 {
		t.Errorf("after the next start: %s with %d service(s), want running", st, n)
	}
	if out, code := dsp(t, home, "lab", "down", "--plain", ref); code != 0 {
		t.Fatalf("down: exit %d\n%s", code, out)
	}
	assertNothingLeft(t, home)
}

// restartDockerd stops the Docker Engine and starts it again, the way the
// machine runs it (systemd, or a dockerd that scripts/setup.sh started).
func restartDockerd(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/run/systemd/system"); err == nil {
		if out, err := exec.Command("systemctl", "restart", "docker").CombinedOutput(); err != nil {
			t.Fatalf("systemctl restart docker: %v\n%s", err, out)
		}
	} else {
		data, err := os.ReadFile("/var/run/docker.pid")
		if err != nil {
			t.Fatalf("no dockerd pid file: %v", err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Fatalf("stop dockerd: %v", err)
		}
		waitFor(t, time.Minute, "dockerd to stop", func() bool { return syscall.Kill(pid, 0) != nil })
		log, err := os.OpenFile("/var/log/dsp-dockerd.log", os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer log.Close()
		daemon := exec.Command("dockerd")
		daemon.Stdout, daemon.Stderr = log, log
		daemon.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := daemon.Start(); err != nil {
			t.Fatalf("start dockerd: %v", err)
		}
		_ = daemon.Process.Release()
	}
	docker, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer docker.Close()
	waitFor(t, time.Minute, "dockerd to answer again", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := docker.Ping(ctx, client.PingOptions{})
		return err == nil
	})
}

// assertNothingLeft checks that Docker holds no container, network or
// volume of the main directory's labs.
func assertNothingLeft(t *testing.T, home string) {
	t.Helper()
	docker, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer docker.Close()
	ctx := context.Background()
	real, _ := filepath.EvalSymlinks(home)
	f := client.Filters{}.Add("label", "io.dsp.namespace="+home).Add("label", "io.dsp.namespace="+real)
	cs, _ := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	ns, _ := docker.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	vs, _ := docker.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if n := len(cs.Items) + len(ns.Items) + len(vs.Items); n > 0 {
		t.Errorf("left %d container(s), %d network(s), %d volume(s)", len(cs.Items), len(ns.Items), len(vs.Items))
	}
}

// TestDiskFullDuringSave fills the disk that holds the main directory,
// then changes settings and installs the examples: each fails and says
// why, and no file is torn or left half-written; once there is room
// again, the same commands work.
func TestDiskFullDuringSave(t *testing.T) {
	requireRoot(t)
	home := filepath.Join(t.TempDir(), "full")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", home, "tmpfs", 0, "size=2m"); err != nil {
		t.Fatalf("mount a small tmpfs: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(home, 0) })
	if out, code := dsp(t, home, "repo", "list"); code != 0 {
		t.Fatalf("first use: exit %d\n%s", code, out)
	}
	config := filepath.Join(home, ".dsp.d", "config.json")
	before, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	filler := fill(t, home)

	out, code := dsp(t, home, "repo", "untrust", "examples")
	if code == 0 || !strings.Contains(out, "no space left on device") {
		t.Errorf("untrust on a full disk: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(config); !bytes.Equal(after, before) {
		t.Errorf("config.json changed on a full disk:\n%s", after)
	}
	// The examples installed again on a full disk: nothing half-copied.
	if err := os.RemoveAll(filepath.Join(home, "examples")); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(filler)
	filler = fill(t, home)
	out, code = dsp(t, home, "examples", "install")
	if code == 0 {
		t.Errorf("examples install on a full disk succeeded:\n%s", out)
	}
	entries, _ := os.ReadDir(home)
	for _, e := range entries {
		if e.Name() != ".dsp.d" && e.Name() != filepath.Base(filler) && e.Name() != "root" && e.Name() != "personal" {
			t.Errorf("left in the main directory after a failed install: %s", e.Name())
		}
	}
	state, _ := os.ReadDir(filepath.Join(home, ".dsp.d"))
	for _, e := range state {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}

	// Room again: the same commands work.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if out, code := dsp(t, home, "examples", "install"); code != 0 {
		t.Errorf("examples install with room: exit %d\n%s", code, out)
	}
	if out, code := dsp(t, home, "repo", "untrust", "examples"); code != 0 {
		t.Errorf("untrust with room: exit %d\n%s", code, out)
	}
	if out, _ := dsp(t, home, "repo", "list"); !strings.Contains(out, "examples") {
		t.Errorf("repo list:\n%s", out)
	}
}

// fill writes a file into dir until the disk is full and returns it.
func fill(t *testing.T, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			return name
		}
	}
}

func waitFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer is a buffer two goroutines may use: a process writes, the
// test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
