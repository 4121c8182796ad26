package gittest

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// gitHTTPBackend is Debian's smart-HTTP CGI program, from the package "git".
const gitHTTPBackend = "/usr/lib/git-core/git-http-backend"

// HTTPServer serves every bare repository under root over git's smart HTTP protocol (Debian's
// /usr/lib/git-core/git-http-backend behind net/http/cgi on 127.0.0.1:0), push enabled,
// requiring HTTP basic auth with user/password when user != "". It records every request.
type HTTPServer struct {
	root     string
	user     string
	password string
	backend  *cgi.Handler
	server   *httptest.Server
	stderr   *lockedBuffer

	mu       sync.Mutex
	requests []string
}

// NewHTTPServer starts a server for the bare repositories under root and stops it in
// t.Cleanup. With user != "", every request needs HTTP basic auth with user and password and
// is otherwise answered 401 with `WWW-Authenticate: Basic realm="git"`. Pushes are allowed
// (http.receivepack=true) for every repository. When the test fails, git-http-backend's
// stderr is logged.
func NewHTTPServer(t testing.TB, root, user, password string) *HTTPServer {
	t.Helper()
	requireFile(t, gitHTTPBackend, "git")
	root, err := filepath.Abs(root)
	if err != nil {
		t.Fatalf("gittest: http server root: %v", err)
	}
	s := &HTTPServer{root: root, user: user, password: password, stderr: &lockedBuffer{}}
	s.backend = &cgi.Handler{
		Path: gitHTTPBackend,
		Dir:  root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + root,
			"GIT_HTTP_EXPORT_ALL=1",
			// Push for repositories NewRepo did not make too; and no "dubious ownership"
			// refusal whoever owns the folders.
			"GIT_CONFIG_COUNT=2",
			"GIT_CONFIG_KEY_0=http.receivepack",
			"GIT_CONFIG_VALUE_0=true",
			"GIT_CONFIG_KEY_1=safe.directory",
			"GIT_CONFIG_VALUE_1=*",
		},
		Stderr: s.stderr,
	}
	s.server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			if out := s.stderr.String(); out != "" {
				t.Logf("git-http-backend stderr:\n%s", out)
			}
		}
	})
	return s
}

// NewHTTPRepo is the common case: a NewRepo holding files, served by a NewHTTPServer whose root
// is the repository's parent folder. It returns the repository, the server and the clone URL.
func NewHTTPRepo(t testing.TB, user, password string, files map[string]string) (*Repo, *HTTPServer, string) {
	t.Helper()
	repo := NewRepo(t, files)
	srv := NewHTTPServer(t, filepath.Dir(repo.Dir()), user, password)
	return repo, srv, srv.URL(repo.Dir())
}

// URL returns the clone URL of the bare repository at repoDir, which must be under the
// server's root: http://127.0.0.1:PORT/<repoDir relative to root>. It panics when repoDir is
// outside the root.
func (s *HTTPServer) URL(repoDir string) string {
	abs, err := filepath.Abs(repoDir)
	if err != nil {
		panic(fmt.Sprintf("gittest: URL of %s: %v", repoDir, err))
	}
	rel, err := filepath.Rel(s.root, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		panic(fmt.Sprintf("gittest: %s is not under the server's root %s", repoDir, s.root))
	}
	u := url.URL{Scheme: "http", Host: s.server.Listener.Addr().String(), Path: "/" + filepath.ToSlash(rel)}
	return u.String()
}

// Requests returns every request seen so far, oldest first, each as "METHOD /path?query" as
// the client sent it, followed by " user=NAME" when the request had HTTP basic auth, or by
// " auth=SCHEME" for another Authorization scheme. Passwords and tokens in the Authorization
// header are never recorded, so a test can assert that a secret never appeared in a URL.
func (s *HTTPServer) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Close stops the server, waiting for requests in flight. It is safe to call more than once;
// NewHTTPServer also calls it in t.Cleanup.
func (s *HTTPServer) Close() { s.server.Close() }

// serve records the request, checks basic auth and hands the request to git-http-backend.
func (s *HTTPServer) serve(w http.ResponseWriter, r *http.Request) {
	user, password, hasBasic := r.BasicAuth()
	s.record(r, user, hasBasic)
	if s.user != "" {
		userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.user)) == 1
		passwordOK := subtle.ConstantTimeCompare([]byte(password), []byte(s.password)) == 1
		if !hasBasic || !userOK || !passwordOK {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
	}
	backend := s.backend
	if hasBasic && s.user != "" {
		withUser := *s.backend
		withUser.Env = append(append([]string(nil), s.backend.Env...), "REMOTE_USER="+user)
		backend = &withUser
	}
	backend.ServeHTTP(w, r)
}

// record appends the request line and the name of the user it claims to be.
func (s *HTTPServer) record(r *http.Request, user string, hasBasic bool) {
	line := r.Method + " " + r.RequestURI
	switch auth := r.Header.Get("Authorization"); {
	case hasBasic:
		line += " user=" + user
	case auth != "":
		scheme, _, _ := strings.Cut(auth, " ")
		line += " auth=" + scheme
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, line)
}
