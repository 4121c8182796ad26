package server

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// filesURL is the files route of a service for a container path.
func filesURL(repo, name, service, p string) string {
	return labURL(repo, name, "services", url.PathEscape(service), "files") + "?path=" + url.QueryEscape(p)
}

// uploadFile is one part of an upload: its relative path and content.
type uploadFile struct {
	name string
	data []byte
}

// upload posts files as the browser does (multipart/form-data, fields
// named file, the relative path as filename).
func (env *testEnv) upload(c *http.Client, path string, files []uploadFile, header ...string) response {
	env.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		part, err := mw.CreateFormFile("file", f.name)
		if err != nil {
			env.t.Fatal(err)
		}
		if _, err := part.Write(f.data); err != nil {
			env.t.Fatal(err)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", env.ts.URL+path, &body)
	if err != nil {
		env.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-DSP-Request", "1")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return env.send(c, req)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// tarEntries reads a tar archive: name -> content ("" and a trailing slash
// for folders).
func tarEntries(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("download is not a tar archive: %v", err)
		}
		name := strings.TrimSuffix(hdr.Name, "/")
		if hdr.Typeflag == tar.TypeDir {
			out[name+"/"] = nil
			continue
		}
		b, _ := io.ReadAll(tr)
		out[name] = b
	}
}

func TestFiles(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testFiles(t, e.open(t)) })
	}
}

func testFiles(t *testing.T, env *testEnv) {
	c := env.login()
	repo, name, ref := env.runningLab("files-")

	t.Run("a file, up and down byte for byte", func(t *testing.T) { testFileRoundTrip(t, env, c, repo, name) })
	t.Run("a folder, up, and down as a tar archive", func(t *testing.T) { testFolderRoundTrip(t, env, c, repo, name, ref) })
	t.Run("a symbolic link downloads as what it points to", func(t *testing.T) { testFileSymlink(t, env, c, repo, name) })
	t.Run("missing paths and bad paths", func(t *testing.T) { testFilePathsRefused(t, env, c, repo, name) })
	t.Run("traversal in file names is refused and nothing is written", func(t *testing.T) { testFileNamesRefused(t, env, c, repo, name) })
}

// testFileRoundTrip: a file, up and down byte for byte.
func testFileRoundTrip(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	data := randomBytes(300 << 10)
	res := env.upload(c, filesURL(repo, name, "target", "/tmp"), []uploadFile{{"hello report.bin", data}})
	expect(t, res, http.StatusOK)
	var got struct {
		Uploaded int    `json:"uploaded"`
		Path     string `json:"path"`
	}
	res.json(t, &got)
	if got.Uploaded != 1 || got.Path != "/tmp" {
		t.Errorf("upload answer = %s", res.body)
	}
	res = env.do(c, "GET", filesURL(repo, name, "target", "/tmp/hello report.bin"), nil)
	expect(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="hello report.bin"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !bytes.Equal(res.body, data) {
		t.Errorf("downloaded %d bytes that differ from the %d uploaded", len(res.body), len(data))
	}
}

// testFolderRoundTrip: a folder, up, and down as a tar archive.
func testFolderRoundTrip(t *testing.T, env *testEnv, c *http.Client, repo, name string, ref engine.Ref) {
	files := []uploadFile{
		{"site/index.html", []byte("<h1>hi</h1>\n")},
		{"site/css/a.css", []byte("body{color:red}\n")},
		{"site/img/logo.bin", randomBytes(64 << 10)},
		{"site/empty.txt", nil},
	}
	res := env.upload(c, filesURL(repo, name, "target", "/var/www/"), files)
	expect(t, res, http.StatusOK)
	if !strings.Contains(string(res.body), `"uploaded":4`) || !strings.Contains(string(res.body), `"path":"/var/www"`) {
		t.Errorf("upload answer = %s", res.body)
	}
	res = env.do(c, "GET", filesURL(repo, name, "target", "/var/www/site"), nil)
	expect(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/x-tar" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="site.tar"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	entries := tarEntries(t, res.body)
	want := map[string][]byte{"site/": nil, "site/css/": nil, "site/img/": nil}
	for _, f := range files {
		want[f.name] = f.data
	}
	var names, wantNames []string
	for n := range entries {
		names = append(names, n)
	}
	for n := range want {
		wantNames = append(wantNames, n)
	}
	sort.Strings(names)
	sort.Strings(wantNames)
	if strings.Join(names, " ") != strings.Join(wantNames, " ") {
		t.Errorf("archive entries = %v, want %v", names, wantNames)
	}
	for n, data := range want {
		if !bytes.Equal(entries[n], data) {
			t.Errorf("entry %s differs: %d bytes, want %d", n, len(entries[n]), len(data))
		}
	}
	// The web server of the lab serves what was uploaded.
	if out := env.exec(ref, "target", "cat", "/var/www/site/index.html"); out != "<h1>hi</h1>\n" {
		t.Errorf("file in the container = %q", out)
	}
}

// testFileSymlink: a symbolic link downloads as what it points to.
func testFileSymlink(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	res := env.do(c, "GET", filesURL(repo, name, "target", "/bin/sh"), nil)
	expect(t, res, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="sh"` || len(res.body) < 100000 {
		t.Errorf("download of /bin/sh: %q, %d bytes", cd, len(res.body))
	}
}

// testFilePathsRefused: missing paths and bad paths.
func testFilePathsRefused(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	e := expectError(t, env.do(c, "GET", filesURL(repo, name, "target", "/no/such/file"), nil), http.StatusNotFound, "path")
	if !strings.Contains(e.Error, "/no/such/file") || !strings.Contains(e.Error, "target") {
		t.Errorf("404 error %q does not name the path and the service", e.Error)
	}
	expectError(t, env.do(c, "GET", filesURL(repo, name, "target", "etc/passwd"), nil), http.StatusBadRequest, "path")
	expectError(t, env.do(c, "GET", labURL(repo, name, "services", "target", "files"), nil), http.StatusBadRequest, "path")
	one := []uploadFile{{"a.txt", []byte("a")}}
	e = expectError(t, env.upload(c, filesURL(repo, name, "target", "/no/such/folder"), one), http.StatusNotFound, "path")
	if !strings.Contains(e.Error, "/no/such/folder") {
		t.Errorf("404 error %q does not name the folder", e.Error)
	}
	expectError(t, env.upload(c, filesURL(repo, name, "target", "/etc/passwd"), one), http.StatusBadRequest, "path")
	expectError(t, env.upload(c, filesURL(repo, name, "target", "tmp"), one), http.StatusBadRequest, "path")
	expectError(t, env.upload(c, filesURL(repo, name, "target", "/tmp"), nil), http.StatusBadRequest, "file")
	expectError(t, env.do(c, "POST", filesURL(repo, name, "target", "/tmp"), map[string]string{}), http.StatusBadRequest, "Content-Type")
	// The CSRF header is required, as on every state change.
	expectError(t, env.upload(c, filesURL(repo, name, "target", "/tmp"), one, "X-DSP-Request", ""), http.StatusForbidden, "X-DSP-Request")
}

// testFileNamesRefused: traversal in file names is refused and nothing is
// written.
func testFileNamesRefused(t *testing.T, env *testEnv, c *http.Client, repo, name string) {
	for _, bad := range []string{"../evil.txt", "/evil.txt", "ok/../../evil.txt", "a//evil.txt", "./evil.txt", "a/./evil.txt", `a\evil.txt`, "evil.txt/"} {
		files := []uploadFile{{"good-first.txt", []byte("x")}, {bad, []byte("evil")}}
		e := expectError(t, env.upload(c, filesURL(repo, name, "target", "/tmp"), files), http.StatusBadRequest, "file")
		if !strings.Contains(e.Error, "refused") {
			t.Errorf("%q: error %q", bad, e.Error)
		}
	}
	for _, p := range []string{"/tmp/good-first.txt", "/evil.txt", "/tmp/evil.txt"} {
		expectError(t, env.do(c, "GET", filesURL(repo, name, "target", p), nil), http.StatusNotFound, "path")
	}
	// A name used as a file and a folder.
	files := []uploadFile{{"d", []byte("x")}, {"d/e", []byte("y")}}
	expectError(t, env.upload(c, filesURL(repo, name, "target", "/tmp"), files), http.StatusBadRequest, "file")
}

// TestUploadsAtOnce: at most four uploads are in progress at once (each
// spools to a temporary file); a fifth is 429 with Retry-After, and once
// they end uploads are accepted again.
func TestUploadsAtOnce(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo, name, _ := env.runningLab("uploads-")
	target := filesURL(repo, name, "target", "/tmp")

	// Four uploads whose bodies never end.
	var writers []*io.PipeWriter
	done := make(chan int, 4)
	for range 4 {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		t.Cleanup(func() { pw.CloseWithError(errors.New("the test ended")) })
		mw := multipart.NewWriter(pw)
		req, err := http.NewRequest("POST", env.ts.URL+target, pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-DSP-Request", "1")
		// More than the client's buffer, so that the request reaches
		// the server, which then waits for the rest.
		go func() {
			if part, err := mw.CreateFormFile("file", "slow.bin"); err == nil {
				_, _ = part.Write(randomBytes(64 << 10))
			}
		}()
		go func() {
			res, err := c.Do(req)
			if err != nil {
				done <- 0
				return
			}
			res.Body.Close()
			done <- res.StatusCode
		}()
	}
	// A fifth is refused once the four hold the server's upload slots (a
	// fifth sent earlier could take a slot before the last slow one).
	poll(t, "four uploads in progress", 10*time.Second, func() bool { return len(env.srv.uploads) == maxUploads })
	refused := env.upload(c, target, []uploadFile{{"quick.txt", []byte("quick")}})
	e := expectError(t, refused, http.StatusTooManyRequests, "")
	if refused.Header.Get("Retry-After") == "" || !strings.Contains(e.Error, "uploads are in progress") {
		t.Errorf("429: Retry-After %q, error %q", refused.Header.Get("Retry-After"), e.Error)
	}
	for _, pw := range writers {
		pw.CloseWithError(errors.New("the browser went away"))
	}
	for range 4 {
		if status := <-done; status == http.StatusOK {
			t.Errorf("an upload whose body broke off was accepted")
		}
	}
	// A slot is free once a handler has returned, just after its answer.
	poll(t, "an upload accepted once the others ended", 10*time.Second, func() bool {
		return env.upload(c, target, []uploadFile{{"after.txt", []byte("after")}}).StatusCode == http.StatusOK
	})
}
