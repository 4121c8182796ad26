package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsp-lab/dsp/internal/dsptest"
	"github.com/dsp-lab/dsp/internal/gittest"
)

// TestRepoCommands: dsp repo add/list/update/rm as a user types them,
// against a real smart-HTTP server that wants a token; the token is read
// from stdin and never printed.
func TestRepoCommands(t *testing.T) {
	const token = "cli-token-0a1b2c3d"
	home := t.TempDir()
	upstream, _, url := gittest.NewHTTPRepo(t, "teacher", token, map[string]string{
		".dsp": "", "version.json": `{"version":"1.0"}`,
		"lab/.dsp": "", "lab/compose.yaml": "x-dsp:\n  title: L\nservices:\n  a:\n    image: dsp/busybox:latest\n    privileged: true\n",
	})

	out, stderr, code := dsptest.RunInput(t, dspBinary, home, token+"\n", "repo", "add", url, "--name", "course", "--username", "teacher", "--token-stdin", "--plain")
	if code != 0 || !strings.Contains(out, "added repository course (1 labs)") || !strings.Contains(out, "dsp repo trust course") {
		t.Fatalf("repo add: %d\n%s\n%s", code, out, stderr)
	}
	if strings.Contains(out+stderr, token) {
		t.Fatal("repo add printed the token")
	}
	out, _, code = dsp(t, home, "repo", "list", "--json")
	if code != 0 || strings.Contains(out, token) {
		t.Fatalf("repo list --json: %d %s", code, out)
	}
	var repos []struct {
		Name    string `json:"name"`
		Trusted bool   `json:"trusted"`
		Version struct {
			Version string `json:"version"`
		} `json:"version"`
		Git *struct {
			URL    string `json:"url"`
			Behind int    `json:"behind"`
		} `json:"git"`
	}
	if err := json.Unmarshal([]byte(out), &repos); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range repos {
		if r.Name == "course" {
			found = true
			if r.Trusted || r.Git == nil || r.Git.URL != url || r.Version.Version != "1.0" {
				t.Errorf("course: %+v", r)
			}
		}
	}
	if !found {
		t.Fatalf("course not listed: %s", out)
	}
	cfg, _ := os.ReadFile(filepath.Join(home, "course", ".git", "config"))
	if strings.Contains(string(cfg), token) {
		t.Fatal("the token is in .git/config")
	}

	upstream.Commit(t, map[string]string{"README.md": "news\n"})
	out, stderr, code = dsp(t, home, "repo", "update", "course", "--plain")
	if code != 0 || !strings.Contains(out, "course updated") || !strings.Contains(out, "1 files changed") {
		t.Fatalf("repo update: %d\n%s\n%s", code, out, stderr)
	}
	if _, _, code := dsp(t, home, "repo", "update"); code == 0 {
		t.Error("repo update with neither names nor --all succeeded")
	}
	// rm without a terminal needs --yes.
	if _, stderr, code := dsp(t, home, "repo", "rm", "course"); code == 0 || !strings.Contains(stderr, "--yes") {
		t.Fatalf("repo rm without --yes: %d %s", code, stderr)
	}
	if out, stderr, code := dsp(t, home, "repo", "rm", "course", "--yes"); code != 0 || !strings.Contains(out, "removed repository course") {
		t.Fatalf("repo rm --yes: %d %s %s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(home, "course")); !os.IsNotExist(err) {
		t.Errorf("the folder is still there: %v", err)
	}
}

// TestRepoAddHostKey: without a terminal, an unknown SSH host key is
// refused with its fingerprint and the flag that accepts it.
func TestRepoAddHostKey(t *testing.T) {
	home := t.TempDir()
	keyPath, pub := gittest.ClientKey(t)
	sshd := gittest.NewSSHServer(t, pub)
	upstream := gittest.NewRepo(t, map[string]string{".dsp": "", "lab/.dsp": "", "lab/compose.yaml": "x-dsp:\n  title: L\nservices:\n  a:\n    image: dsp/busybox:latest\n"})
	url := sshd.URL(upstream.Dir())
	_, stderr, code := dsp(t, home, "repo", "add", url, "--ssh-key", keyPath)
	if code == 0 || !strings.Contains(stderr, sshd.Fingerprint()) || !strings.Contains(stderr, "--accept-host-key "+sshd.Fingerprint()) {
		t.Fatalf("unknown host key: %d %s", code, stderr)
	}
	out, stderr, code := dsp(t, home, "repo", "add", url, "--ssh-key", keyPath, "--accept-host-key", sshd.Fingerprint(), "--plain")
	if code != 0 || !strings.Contains(out, "added repository repo") {
		t.Fatalf("accepted host key: %d %s %s", code, out, stderr)
	}
}

// TestUntrustedLabUp: the CLI refuses a risky lab of an untrusted
// repository, saying what it asks for (published ports included) and how
// to go on; --without-risks starts it without them.
func TestUntrustedLabUp(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	upstream := gittest.NewRepo(t, map[string]string{
		".dsp": "", "lab/.dsp": "",
		"lab/compose.yaml": "x-dsp:\n  title: L\n  stop_timeout: 1s\nservices:\n  a:\n    image: dsp/busybox:latest\n    command: [sleep, '3600']\n    cap_add: [SYS_ADMIN]\n    ports: ['127.0.0.1::80']\n",
	})
	if out, stderr, code := dsp(t, home, "repo", "add", upstream.Dir(), "--name", "strangers", "--plain"); code != 0 {
		t.Fatalf("repo add: %s %s", out, stderr)
	}
	_, stderr, code := dsp(t, home, "lab", "up", "strangers/lab", "--plain")
	for _, want := range []string{"SYS_ADMIN", "->80/tcp on 127.0.0.1", "dsp repo trust", "--without-risks"} {
		if code == 0 || !strings.Contains(stderr, want) {
			t.Errorf("untrusted up: exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	t.Cleanup(func() { dsp(t, home, "lab", "down", "strangers/lab") })
	if out, stderr, code := dsp(t, home, "lab", "up", "strangers/lab", "--without-risks", "--plain"); code != 0 {
		t.Fatalf("up --without-risks: %d %s %s", code, out, stderr)
	}
	// The container runs without SYS_ADMIN (bit 21 of its effective
	// capabilities).
	out, _, _ := dsp(t, home, "shell", "strangers/lab", "a", "--", "grep", "CapEff", "/proc/self/status")
	var caps uint64
	if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(out), "CapEff:")), "%x", &caps); err != nil {
		t.Fatalf("capabilities %q: %v", out, err)
	}
	if caps&(1<<21) != 0 {
		t.Errorf("started without its risks, the container still has SYS_ADMIN: %s", out)
	}
}
