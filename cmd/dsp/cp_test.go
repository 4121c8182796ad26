package main

import (
	"bytes"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// treeOf lists a folder: relative path -> content ("->target" for links,
// "/" for folders).
func treeOf(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case rel == ".":
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "->" + target
		case d.IsDir():
			out[rel] = "/"
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var g, w []string
	for k := range got {
		g = append(g, k)
	}
	for k := range want {
		w = append(w, k)
	}
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, " ") != strings.Join(w, " ") {
		t.Errorf("%s: entries %v, want %v", what, g, w)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s differs (%d bytes, want %d)", what, k, len(got[k]), len(v))
		}
	}
}

func TestCp(t *testing.T) {
	home, ref := startBoxes(t)
	local := t.TempDir()

	// A file in, into an existing folder, and back out as a new name.
	data := make([]byte, 200<<10)
	_, _ = rand.Read(data)
	src := filepath.Join(local, "payload.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := dsp(t, home, "cp", ref, src, "box:/tmp/"); code != 0 {
		t.Fatalf("cp file in: exit %d, %s", code, stderr)
	}
	back := filepath.Join(local, "back.bin")
	if _, stderr, code := dsp(t, home, "cp", ref, "box:/tmp/payload.bin", back); code != 0 {
		t.Fatalf("cp file out: exit %d, %s", code, stderr)
	}
	if got, _ := os.ReadFile(back); !bytes.Equal(got, data) {
		t.Errorf("the file came back different (%d bytes, want %d)", len(got), len(data))
	}

	// A folder in, as a new name, and back out, as a new name and into an
	// existing folder.
	tree := filepath.Join(local, "tree")
	for p, content := range map[string]string{"a.txt": "A\n", "sub/b.txt": "B\n", "sub/deeper/c.bin": string(data[:1000]), "empty/.keep": ""} {
		full := filepath.Join(tree, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("sub/b.txt", filepath.Join(tree, "link")); err != nil {
		t.Fatal(err)
	}
	want := treeOf(t, tree)
	if _, stderr, code := dsp(t, home, "cp", ref, tree, "box:/tmp/tree-in"); code != 0 {
		t.Fatalf("cp folder in: exit %d, %s", code, stderr)
	}
	out := filepath.Join(local, "out")
	if _, stderr, code := dsp(t, home, "cp", ref, "box:/tmp/tree-in", out); code != 0 {
		t.Fatalf("cp folder out: exit %d, %s", code, stderr)
	}
	sameTree(t, "folder copied out as a new name", treeOf(t, out), want)
	existing := filepath.Join(local, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := dsp(t, home, "cp", ref, "box:/tmp/tree-in", existing); code != 0 {
		t.Fatalf("cp folder into a folder: exit %d, %s", code, stderr)
	}
	sameTree(t, "folder copied into a folder", treeOf(t, filepath.Join(existing, "tree-in")), want)

	// Clear errors: missing paths, a folder onto a file, no container side,
	// a service whose shell the lab forbids.
	_, stderr, code := dsp(t, home, "cp", ref, "box:/no/such/file", filepath.Join(local, "x"))
	if code != 1 || !strings.Contains(stderr, "/no/such/file does not exist in service box of lab me/boxes") {
		t.Errorf("cp of a missing path: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "cp", ref, src, "box:/no/such/folder/")
	if code != 1 || !strings.Contains(stderr, "/no/such/folder/ does not exist in service box") {
		t.Errorf("cp into a missing folder: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "cp", ref, "box:/tmp/tree-in", back)
	if code != 1 || !strings.Contains(stderr, "onto a file") {
		t.Errorf("cp of a folder onto a file: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "cp", ref, src, filepath.Join(local, "y"))
	if code != 1 || !strings.Contains(stderr, "SERVICE:/PATH") {
		t.Errorf("cp without a container side: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "cp", ref, "locked:/etc/passwd", filepath.Join(local, "z"))
	if code != 1 || !strings.Contains(stderr, "forbids the shell for service locked") {
		t.Errorf("cp out of locked: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(local, "z")); err == nil {
		t.Errorf("cp out of locked wrote a file")
	}

	// Tar slip from the container: a folder holding a link that leads out
	// is refused, and nothing is written through it.
	if _, stderr, code := dsp(t, home, "shell", ref, "box", "--", "sh", "-c", "mkdir -p /tmp/evil && echo x > /tmp/evil/a && ln -s /etc /tmp/evil/etc && ln -s ../../.. /tmp/evil/up"); code != 0 {
		t.Fatalf("prepare: %s", stderr)
	}
	_, stderr, code = dsp(t, home, "cp", ref, "box:/tmp/evil", filepath.Join(local, "evil"))
	if code != 1 || !strings.Contains(stderr, "points outside the destination") {
		t.Errorf("cp of a folder with links leading out: exit %d, %s", code, stderr)
	}
}
