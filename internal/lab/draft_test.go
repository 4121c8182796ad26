package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A draft is validated as the lab would be with it, and the lab's own file
// stays as it was.
func TestLoadDraft(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo", "lab")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	saved := "x-dsp:\n  title: Saved\nservices:\n  a:\n    image: busybox\n"
	for name, content := range map[string]string{MarkerFile: "", "compose.yaml": saved} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	l, problems, err := LoadDraft(ctx, dir, []byte("x-dsp:\n  title: Draft\nservices:\n  a:\n    image: busybox\n    privileged: true\n"))
	if err != nil || l.Title != "Draft" || len(l.Risks()) != 1 || len(problems.Errors()) != 0 {
		t.Fatalf("a valid draft: %v %q %v", err, l.Title, problems)
	}
	_, problems, err = LoadDraft(ctx, dir, []byte("services:\n  a:\n    image: busybox\n    volumes: [\"/etc:/host\"]\n"))
	if err == nil || len(problems.Errors()) == 0 || problems.Errors()[0].File != filepath.Join(dir, "compose.yaml") || problems.Errors()[0].Line != 4 {
		t.Fatalf("a draft with an error: %v %+v", err, problems)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "compose.yaml")); string(data) != saved {
		t.Errorf("the lab's file changed: %s", data)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".dsp-draft") {
			t.Errorf("the draft file is left: %s", e.Name())
		}
	}
}
