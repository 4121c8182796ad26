package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLabApply: an edit of a running lab's compose file applied from the
// CLI recreates only the changed service.
func TestLabApply(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	if out, stderr, code := dsp(t, home, "lab", "new", "applied"); code != 0 {
		t.Fatalf("lab new: %s %s", out, stderr)
	}
	personal := ""
	entries, _ := os.ReadDir(home)
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(home, e.Name(), "applied")); err == nil {
			personal = e.Name()
		}
	}
	file := filepath.Join(home, personal, "applied", "compose.yaml")
	write := func(cmd string) {
		t.Helper()
		compose := "x-dsp:\n  title: Applied\n  stop_timeout: 1s\nservices:\n  a:\n    image: dsp/busybox:latest\n    command: [sleep, '3600']\n  b:\n    image: dsp/busybox:latest\n    command: [sleep, '" + cmd + "']\n"
		if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("3600")
	lab := personal + "/applied"
	if _, stderr, code := dsp(t, home, "lab", "up", lab, "--plain"); code != 0 {
		t.Fatalf("up: %s", stderr)
	}
	t.Cleanup(func() { dsp(t, home, "lab", "down", lab) })
	write("3601")
	out, stderr, code := dsp(t, home, "lab", "apply", lab, "--dry-run")
	if code != 0 || !strings.Contains(out, "recreate   b") || !strings.Contains(out, "unchanged  a") {
		t.Fatalf("apply --dry-run: %d %s %s", code, out, stderr)
	}
	out, stderr, code = dsp(t, home, "lab", "apply", lab, "--plain")
	if code != 0 || !strings.Contains(out, "recreate   b") {
		t.Fatalf("apply: %d %s %s", code, out, stderr)
	}
	if out, _, _ := dsp(t, home, "lab", "apply", lab, "--dry-run"); strings.Contains(out, "recreate") {
		t.Errorf("after apply, still to recreate: %s", out)
	}
}
