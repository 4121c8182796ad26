package server

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// personal is the name of the main directory's personal repository.
func (env *testEnv) personal() string {
	env.t.Helper()
	repos, err := env.app.Repos()
	if err != nil {
		env.t.Fatal(err)
	}
	for _, r := range repos {
		if r.Personal {
			return r.Name
		}
	}
	env.t.Fatal("no personal repository")
	return ""
}

// importLab posts a file (and a name, when not empty) to /api/labs/import
// as the browser does.
func (env *testEnv) importLab(c *http.Client, filename string, data []byte, name string) response {
	env.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if name != "" {
		if err := mw.WriteField("name", name); err != nil {
			env.t.Fatal(err)
		}
	}
	if filename != "" {
		part, err := mw.CreateFormFile("file", filename)
		if err != nil {
			env.t.Fatal(err)
		}
		if _, err := part.Write(data); err != nil {
			env.t.Fatal(err)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", env.ts.URL+"/api/labs/import", &body)
	if err != nil {
		env.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-DSP-Request", "1")
	return env.send(c, req)
}

// createdLab is what the lab management routes answer (a lab's details).
type createdLab struct {
	Repo   string `json:"repo"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Dir    string `json:"dir"`
	Title  string `json:"title"`
	Format string `json:"format"`
	Valid  bool   `json:"valid"`
	State  string `json:"state"`
}

func labOf(t *testing.T, r response, status int) createdLab {
	t.Helper()
	expect(t, r, status)
	var l createdLab
	r.json(t, &l)
	conforms(t, "Details", r.body)
	return l
}

// corpusInto copies the upstream corpus into the main directory as
// repository dsp-projects and returns the names of its labs.
func (env *testEnv) corpusInto() []string {
	env.t.Helper()
	src, _ := filepath.Abs("../../../shared/corpus/dsp-projects")
	if _, err := os.Stat(src); err != nil {
		env.t.Skipf("upstream corpus not found: %v", err)
	}
	dst := filepath.Join(env.home, "dsp-projects")
	var labs []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel != "." && !strings.Contains(rel, string(filepath.Separator)) {
				labs = append(labs, rel)
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		env.t.Fatal(err)
	}
	return labs
}

// folderFiles lists a folder's files with their contents and modes.
func folderFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		out[rel] = fmt.Sprintf("%v %s", info.Mode(), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFolders(t *testing.T, what, want, got string) {
	t.Helper()
	a, b := folderFiles(t, want), folderFiles(t, got)
	if len(a) != len(b) {
		t.Errorf("%s: %d files, want %d", what, len(b), len(a))
	}
	for p, f := range a {
		if b[p] != f {
			t.Errorf("%s: %s differs", what, p)
		}
	}
}

func TestLabCreateCopyRenameDelete(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	events := env.events(c)
	personal := env.personal()

	l := labOf(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "My Lab 1.0"}), http.StatusCreated)
	if l.Repo != personal || l.Name != "My Lab 1.0" || l.Title != "My Lab 1.0" || l.Format != "native" || !l.Valid || l.State != "stopped" {
		t.Errorf("created %+v", l)
	}
	events.wait("repos event", 5*time.Second, func(ev sseEvent) bool { return ev.Name == "repos" && ev.Data["repo"] == personal })
	expect(t, env.do(c, "GET", labURL(personal, "My Lab 1.0"), nil), http.StatusOK)

	for _, bad := range []string{"a/b", "..", ".hidden", "", " x"} {
		expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": bad}), http.StatusBadRequest, "name")
	}
	expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "MY LAB 1.0"}), http.StatusConflict, "name")
	expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "x", "frobnicate": "1"}), http.StatusBadRequest, "")
	expectError(t, env.do(c, "POST", "/api/labs", `{"name": "x"`), http.StatusBadRequest, "")

	// Copies: with from, and the copy route.
	hello := labOf(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "hello", "from": "examples/hello-flag"}), http.StatusCreated)
	if hello.Title != "Hello Flag" {
		t.Errorf("copy %+v", hello)
	}
	sameFolders(t, "copy of hello-flag", filepath.Join(env.home, "examples", "hello-flag"), hello.Dir)
	expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "x", "from": "examples/nope"}), http.StatusNotFound, "from")
	expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "x", "from": "nope"}), http.StatusBadRequest, "from")
	expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "x", "from": "/etc"}), http.StatusBadRequest, "from")
	expectError(t, env.do(c, "POST", "/api/labs", map[string]string{"name": "x", "from": "examples/../examples/hello-flag"}), http.StatusBadRequest, "from")
	routed := labOf(t, env.do(c, "POST", labURL("examples", "routed-network", "copy"), map[string]string{"name": "Routed"}), http.StatusCreated)
	if routed.ID != personal+"/Routed" {
		t.Errorf("copy = %+v", routed)
	}
	expectError(t, env.do(c, "POST", labURL("examples", "routed-network", "copy"), map[string]string{"name": "routed"}), http.StatusConflict, "name")
	expectError(t, env.do(c, "POST", labURL("examples", "routed-network", "copy"), map[string]string{"name": "../x"}), http.StatusBadRequest, "name")

	// Rename and delete: only in the personal repository.
	expectError(t, env.do(c, "POST", labURL("examples", "hello-flag", "rename"), map[string]string{"name": "x"}), http.StatusForbidden, "")
	expectError(t, env.do(c, "DELETE", labURL("examples", "hello-flag"), nil), http.StatusForbidden, "")
	renamed := labOf(t, env.do(c, "POST", labURL(personal, "Routed", "rename"), map[string]string{"name": "Routed 2"}), http.StatusOK)
	if renamed.ID != personal+"/Routed 2" {
		t.Errorf("renamed = %+v", renamed)
	}
	expectError(t, env.do(c, "GET", labURL(personal, "Routed"), nil), http.StatusNotFound, "")
	for _, bad := range []string{"a/b", "..", ".x", "Routed 2", "../../etc"} {
		expectError(t, env.do(c, "POST", labURL(personal, "Routed 2", "rename"), map[string]string{"name": bad}), http.StatusBadRequest, "name")
	}
	expectError(t, env.do(c, "POST", labURL(personal, "Routed 2", "rename"), map[string]string{"name": "HELLO"}), http.StatusConflict, "name")
	// Path values that leave the repository are refused before anything.
	expectError(t, env.do(c, "DELETE", "/api/labs/"+personal+"/%2E%2E", nil), http.StatusBadRequest, "lab")
	expectError(t, env.do(c, "DELETE", "/api/labs/"+personal+"/a%2Fb", nil), http.StatusBadRequest, "lab")
	expectError(t, env.do(c, "POST", "/api/labs/%2E%2E/"+personal+"/rename", map[string]string{"name": "x"}), http.StatusBadRequest, "repo")

	// While an instance runs (started elsewhere, in a CLI): 409.
	env.up(personal, "hello", "second")
	e := expectError(t, env.do(c, "POST", labURL(personal, "hello", "rename"), map[string]string{"name": "hello 2"}), http.StatusConflict, "")
	if !strings.Contains(e.Error, "hello#second") {
		t.Errorf("the refusal does not name the instance: %s", e.Error)
	}
	expectError(t, env.do(c, "DELETE", labURL(personal, "hello"), nil), http.StatusConflict, "")
	ctx := context.Background()
	if err := env.eng.Down(ctx, env.ref(personal, "hello", "second"), env.target(personal, "hello").Lab, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	expect(t, env.do(c, "DELETE", labURL(personal, "hello"), nil), http.StatusNoContent)
	expectError(t, env.do(c, "GET", labURL(personal, "hello"), nil), http.StatusNotFound, "")
	expectError(t, env.do(c, "DELETE", labURL(personal, "hello"), nil), http.StatusNotFound, "")
	if _, err := os.Stat(filepath.Join(env.home, personal, "hello")); !os.IsNotExist(err) {
		t.Errorf("the folder is still there: %v", err)
	}
}

// tarGz packs files (name -> content; a name ending in / is a folder) into
// a .tar.gz, with extra headers after them.
func tarGz(t *testing.T, files map[string]string, extra ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, data := range files {
		hdr := &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data))}
		if strings.HasSuffix(name, "/") {
			hdr = &tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	for _, hdr := range extra {
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	return buf.Bytes()
}

const importCompose = "x-dsp:\n  title: Imported\nservices:\n  a:\n    image: " + baseImage + "\n"

func TestLabImport(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	personal := env.personal()

	l := labOf(t, env.importLab(c, "web.yaml", []byte(importCompose), ""), http.StatusCreated)
	if l.ID != personal+"/web" || l.Title != "Imported" {
		t.Errorf("compose import = %+v", l)
	}
	l = labOf(t, env.importLab(c, "docker-compose.yml", []byte(importCompose), "Named"), http.StatusCreated)
	if l.ID != personal+"/Named" {
		t.Errorf("named compose import = %+v", l)
	}
	expectError(t, env.importLab(c, "docker-compose.yml", []byte(importCompose), ""), http.StatusBadRequest, "name")
	l = labOf(t, env.importLab(c, "packed.zip", zipOf(t, map[string]string{"Zipped/.dsp": "", "Zipped/compose.yaml": importCompose}), ""), http.StatusCreated)
	if l.ID != personal+"/Zipped" {
		t.Errorf("zip import = %+v", l)
	}
	l = labOf(t, env.importLab(c, "contents.tar.gz", tarGz(t, map[string]string{"compose.yaml": importCompose, "goal.md": "g"}), ""), http.StatusCreated)
	if l.ID != personal+"/contents" {
		t.Errorf("tar.gz import = %+v", l)
	}
	expectError(t, env.importLab(c, "again.tar.gz", tarGz(t, map[string]string{"Zipped/compose.yaml": importCompose}), ""), http.StatusConflict, "name")
	expectError(t, env.importLab(c, "x.yaml", []byte(importCompose), "../x"), http.StatusBadRequest, "name")

	// An upstream lab of the corpus, as a .tar.gz of its folder.
	env.corpusInto()
	res := env.do(c, "GET", labURL("dsp-projects", "TelnetAccess", "export"), nil)
	expect(t, res, http.StatusOK)
	l = labOf(t, env.importLab(c, "TelnetAccess.tar.gz", res.body, "Telnet Copy"), http.StatusCreated)
	if l.Format != "upstream" || !l.Valid {
		t.Errorf("upstream import = %+v", l)
	}
	sameFolders(t, "TelnetAccess", filepath.Join(env.home, "dsp-projects", "TelnetAccess"), l.Dir)

	// Refusals, naming the field, and nothing kept.
	many := map[string]string{"many/compose.yaml": importCompose}
	for i := range 10001 {
		many[fmt.Sprintf("many/f%05d", i)] = ""
	}
	for name, data := range map[string][]byte{
		"slip.zip":     zipOf(t, map[string]string{"evil/compose.yaml": importCompose, "../../escaped": "pwned"}),
		"abs.tar.gz":   tarGz(t, map[string]string{"evil/compose.yaml": importCompose, "/tmp/dsp-srv-abs": "pwned"}),
		"etc.tar.gz":   tarGz(t, map[string]string{"evil/compose.yaml": importCompose}, &tar.Header{Name: "evil/etc", Typeflag: tar.TypeSymlink, Linkname: "/etc"}),
		"hard.tar.gz":  tarGz(t, map[string]string{"evil/compose.yaml": importCompose}, &tar.Header{Name: "evil/passwd", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}),
		"dev.tar.gz":   tarGz(t, map[string]string{"evil/compose.yaml": importCompose}, &tar.Header{Name: "evil/null", Typeflag: tar.TypeChar}),
		"many.tar.gz":  tarGz(t, many),
		"nolab.zip":    zipOf(t, map[string]string{"notes/readme.txt": "hi"}),
		"invalid.yaml": []byte("services:\n  a:\n    image: x\n    volumes: [/:/host]\n"),
		"notes.txt":    []byte("just text"),
		"broken.zip":   []byte("PK\x03\x04broken"),
	} {
		e := expectError(t, env.importLab(c, name, data, ""), http.StatusBadRequest, "file")
		if !strings.Contains(e.Error, name) {
			t.Errorf("import of %s: the error does not name the file: %s", name, e.Error)
		}
	}
	if _, err := os.Lstat("/tmp/dsp-srv-abs"); err == nil {
		t.Errorf("an absolute entry was written")
	}
	for _, p := range []string{"evil", "many", "invalid", "escaped"} {
		if _, err := os.Lstat(filepath.Join(env.home, personal, p)); err == nil {
			t.Errorf("%s was kept", p)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(env.home, ".dsp.d", "tmp")); len(entries) != 0 {
		t.Errorf("%d entries left in the temporary folder", len(entries))
	}

	// The form itself.
	expectError(t, env.importLab(c, "", nil, "x"), http.StatusBadRequest, "file")
	expectError(t, env.do(c, "POST", "/api/labs/import", map[string]string{"file": "x"}), http.StatusBadRequest, "Content-Type")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("other", "x")
	mw.Close()
	req, _ := http.NewRequest("POST", env.ts.URL+"/api/labs/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-DSP-Request", "1")
	expectError(t, env.send(c, req), http.StatusBadRequest, "file")
}

func TestLabImportTooLarge(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "big.tar")
		if err == nil {
			zeros := make([]byte, 1<<20)
			for i := 0; i < maxImportRequest>>20+2 && err == nil; i++ {
				_, err = part.Write(zeros)
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", env.ts.URL+"/api/labs/import", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-DSP-Request", "1")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	r := response{Response: res, body: data}
	env.mu.Lock()
	env.answers = append(env.answers, r)
	env.mu.Unlock()
	expectError(t, r, http.StatusRequestEntityTooLarge, "file")
	pr.CloseWithError(io.ErrClosedPipe)
}

func TestLabExportImportRoundTrip(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	personal := env.personal()
	corpus := env.corpusInto()
	type lab struct{ repo, name string }
	labs := []lab{{"examples", "hello-flag"}, {"examples", "routed-network"}}
	for _, n := range corpus {
		labs = append(labs, lab{"dsp-projects", n})
	}
	if len(labs) != 35 {
		t.Fatalf("%d labs, want 33 of the corpus and 2 examples", len(labs))
	}
	for _, l := range labs {
		res := env.do(c, "GET", labURL(l.repo, l.name, "export"), nil)
		expect(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/gzip" {
			t.Errorf("export of %s: Content-Type %q", l.name, ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+l.name+`.tar.gz"`) {
			t.Errorf("export of %s: Content-Disposition %q", l.name, cd)
		}
		if res.Header.Get("Content-Length") != fmt.Sprint(len(res.body)) {
			t.Errorf("export of %s: Content-Length %q for %d bytes", l.name, res.Header.Get("Content-Length"), len(res.body))
		}
		got := labOf(t, env.importLab(c, l.name+".tar.gz", res.body, ""), http.StatusCreated)
		if got.ID != personal+"/"+l.name || !got.Valid {
			t.Errorf("%s/%s came back as %+v", l.repo, l.name, got)
		}
		sameFolders(t, l.repo+"/"+l.name, filepath.Join(env.home, l.repo, l.name), got.Dir)
	}
	expectError(t, env.do(c, "GET", labURL("examples", "nope", "export"), nil), http.StatusNotFound, "")
	expectError(t, env.do(c, "GET", "/api/labs/examples/%2E%2E/export", nil), http.StatusBadRequest, "lab")
}
