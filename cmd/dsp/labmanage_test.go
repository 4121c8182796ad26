package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// manageHome is a new main directory (personal repository and examples)
// with the upstream corpus beside them; it returns the home and the
// personal repository's name.
func manageHome(t *testing.T) (string, string) {
	t.Helper()
	home := t.TempDir()
	out, stderr, code := dsp(t, home, "repo", "list", "--json")
	if code != 0 {
		t.Fatalf("repo list: exit %d: %s", code, stderr)
	}
	var repos []struct {
		Name     string `json:"name"`
		Personal bool   `json:"personal"`
	}
	if err := json.Unmarshal([]byte(out), &repos); err != nil {
		t.Fatal(err)
	}
	personal := ""
	for _, r := range repos {
		if r.Personal {
			personal = r.Name
		}
	}
	if personal == "" {
		t.Fatalf("no personal repository: %s", out)
	}
	src, _ := filepath.Abs("../../../shared/corpus/dsp-projects")
	if _, err := os.Stat(src); err == nil {
		copyDir(t, src, filepath.Join(home, "dsp-projects"))
	}
	return home, personal
}

// files lists a folder's files with their contents.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("%s: %s differs", what, p)
		}
	}
}

func TestLabNew(t *testing.T) {
	home, personal := manageHome(t)
	out, stderr, code := dsp(t, home, "lab", "new", "My Lab")
	if code != 0 || !strings.Contains(out, "created lab "+personal+"/My Lab") || !strings.Contains(out, `dsp lab up "`+personal+`/My Lab"`) {
		t.Fatalf("lab new: exit %d\n%s%s", code, out, stderr)
	}
	out, _, code = dsp(t, home, "lab", "validate", personal+"/My Lab")
	if code != 0 {
		t.Errorf("the new lab does not validate: %s", out)
	}
	if data, err := os.ReadFile(filepath.Join(home, personal, "My Lab", "compose.yaml")); err != nil || !strings.Contains(string(data), `title: "My Lab"`) || !strings.Contains(string(data), "dsp/busybox:latest") {
		t.Errorf("compose.yaml = %s, %v", data, err)
	}
	for _, bad := range []string{"a/b", "..", ".hidden"} {
		if _, stderr, code := dsp(t, home, "lab", "new", bad); code != 1 || !strings.Contains(stderr, "name") {
			t.Errorf("lab new %q: exit %d, %s", bad, code, stderr)
		}
	}
	if _, stderr, code := dsp(t, home, "lab", "new", "my lab"); code != 1 || !strings.Contains(stderr, "already has") {
		t.Errorf("lab new of a name in use (another case): exit %d, %s", code, stderr)
	}

}

func TestLabCopyRenameRemove(t *testing.T) {
	home, personal := manageHome(t)
	// Copies, from the examples and from the upstream corpus.
	out, stderr, code := dsp(t, home, "lab", "new", "hello", "--from", "examples/hello-flag")
	if code != 0 || !strings.Contains(out, "copied examples/hello-flag to "+personal+"/hello") {
		t.Fatalf("lab new --from: exit %d\n%s%s", code, out, stderr)
	}
	sameFiles(t, "copy of hello-flag", files(t, filepath.Join(home, "examples", "hello-flag")), files(t, filepath.Join(home, personal, "hello")))
	if _, err := os.Stat(filepath.Join(home, "dsp-projects")); err == nil {
		upstreamReadOnly(t, home, personal)
	}

	out, stderr, code = dsp(t, home, "lab", "mv", personal+"/hello", "Hello Again")
	if code != 0 || !strings.Contains(out, "renamed "+personal+"/hello to "+personal+"/Hello Again") {
		t.Fatalf("lab mv: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := dsp(t, home, "lab", "mv", personal+"/Hello Again", "../escape"); code != 1 || !strings.Contains(stderr, "separator") {
		t.Errorf("lab mv to ../escape: exit %d, %s", code, stderr)
	}
	// Without a terminal, rm needs --yes.
	_, stderr, code = dsp(t, home, "lab", "rm", personal+"/Hello Again")
	if code != 1 || !strings.Contains(stderr, "confirm with --yes") {
		t.Errorf("lab rm without --yes: exit %d, %s", code, stderr)
	}
	out, stderr, code = dsp(t, home, "lab", "rm", "--yes", personal+"/Hello Again")
	if code != 0 || !strings.Contains(out, "deleted lab "+personal+"/Hello Again") {
		t.Fatalf("lab rm --yes: exit %d\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(home, personal, "Hello Again")); !os.IsNotExist(err) {
		t.Errorf("the lab's folder is still there: %v", err)
	}
}

// upstreamReadOnly copies an upstream lab, and is refused renaming or
// deleting it.
func upstreamReadOnly(t *testing.T, home, personal string) {
	t.Helper()
	out, stderr, code := dsp(t, home, "lab", "cp", "dsp-projects/TelnetAccess", "Telnet 2")
	if code != 0 || !strings.Contains(out, "copied dsp-projects/TelnetAccess to "+personal+"/Telnet 2") {
		t.Fatalf("lab cp: exit %d\n%s%s", code, out, stderr)
	}
	sameFiles(t, "copy of TelnetAccess", files(t, filepath.Join(home, "dsp-projects", "TelnetAccess")), files(t, filepath.Join(home, personal, "Telnet 2")))
	// Other repositories are read-only.
	_, stderr, code = dsp(t, home, "lab", "mv", "dsp-projects/TelnetAccess", "x")
	if code != 1 || !strings.Contains(stderr, "personal repository") || !strings.Contains(stderr, "dsp lab cp dsp-projects/TelnetAccess NAME") {
		t.Errorf("lab mv of an upstream lab: exit %d, %s", code, stderr)
	}
	if _, stderr, code = dsp(t, home, "lab", "rm", "--yes", "dsp-projects/TelnetAccess"); code != 1 || !strings.Contains(stderr, "cannot be deleted") {
		t.Errorf("lab rm of an upstream lab: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(home, "dsp-projects", "TelnetAccess")); err != nil {
		t.Errorf("the upstream lab was touched: %v", err)
	}
}

func TestLabImportExport(t *testing.T) {
	home, personal := manageHome(t)
	work := t.TempDir()

	// Export to a file, import it back under another name: the same files.
	archive := filepath.Join(work, "hello.tar.gz")
	out, stderr, code := dsp(t, home, "lab", "export", "examples/hello-flag", "-o", archive)
	if code != 0 || !strings.Contains(out, "exported examples/hello-flag to "+archive) {
		t.Fatalf("lab export: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = dsp(t, home, "lab", "import", archive, "--name", "hello back")
	if code != 0 || !strings.Contains(out, "imported "+archive+" as "+personal+"/hello back") {
		t.Fatalf("lab import: exit %d\n%s%s", code, out, stderr)
	}
	sameFiles(t, "round trip", files(t, filepath.Join(home, "examples", "hello-flag")), files(t, filepath.Join(home, personal, "hello back")))
	// Its name defaults to the archive's folder.
	if out, stderr, code = dsp(t, home, "lab", "import", archive); code != 0 || !strings.Contains(out, personal+"/hello-flag") {
		t.Errorf("lab import without --name: exit %d\n%s%s", code, out, stderr)
	}

	// Export to standard output (not a terminal): a .tar.gz of the folder.
	cmd := exec.Command(dspBinary, "--home", home, "lab", "export", "examples/routed-network", "-o", "-")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(&stdout)
	if err != nil {
		t.Fatalf("export -o - is not gzip: %v", err)
	}
	tr := tar.NewReader(gz)
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hdr.Name, "routed-network/") {
			t.Errorf("entry %s is not in the lab's folder", hdr.Name)
		}
		n++
	}
	if n < 5 {
		t.Errorf("only %d entries", n)
	}

	// A compose file.
	compose := filepath.Join(work, "web.yaml")
	if err := os.WriteFile(compose, []byte("x-dsp:\n  title: Web\nservices:\n  web:\n    image: dsp/busybox:latest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code = dsp(t, home, "lab", "import", compose); code != 0 || !strings.Contains(out, personal+"/web") {
		t.Errorf("import of a compose file: exit %d\n%s%s", code, out, stderr)
	}

	// A hostile archive: refused, naming the entry, and nothing is kept.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, h := range []*tar.Header{
		{Name: "evil/.dsp", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "evil/etc", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	zw.Close()
	evil := filepath.Join(work, "evil.tgz")
	if err := os.WriteFile(evil, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = dsp(t, home, "lab", "import", evil)
	if code != 1 || !strings.Contains(stderr, `"evil/etc" refused`) {
		t.Errorf("import of a hostile archive: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(home, personal, "evil")); !os.IsNotExist(err) {
		t.Errorf("the hostile lab was kept: %v", err)
	}
	if _, stderr, code = dsp(t, home, "lab", "import", filepath.Join(work, "missing.zip")); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("import of a missing file: exit %d, %s", code, stderr)
	}
}

func TestLabRenameRefusedWhileRunning(t *testing.T) {
	requireDocker(t)
	home, personal := manageHome(t)
	ref := personal + "/sleeper"
	if _, stderr, code := dsp(t, home, "lab", "new", "sleeper"); code != 0 {
		t.Fatal(stderr)
	}
	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })
	if out, stderr, code := dsp(t, home, "lab", "up", "--plain", ref); code != 0 {
		t.Fatalf("up: exit %d\n%s%s", code, out, stderr)
	}
	_, stderr, code := dsp(t, home, "lab", "mv", ref, "awake")
	if code != 1 || !strings.Contains(stderr, "while it runs") || !strings.Contains(stderr, "dsp lab down "+ref) {
		t.Errorf("lab mv while running: exit %d, %s", code, stderr)
	}
	if _, stderr, code = dsp(t, home, "lab", "rm", "--yes", ref); code != 1 || !strings.Contains(stderr, "while it runs") {
		t.Errorf("lab rm while running: exit %d, %s", code, stderr)
	}
	if _, stderr, code = dsp(t, home, "lab", "down", ref); code != 0 {
		t.Fatal(stderr)
	}
	if out, stderr, code := dsp(t, home, "lab", "mv", ref, "awake"); code != 0 {
		t.Errorf("lab mv after down: exit %d\n%s%s", code, out, stderr)
	}
}
