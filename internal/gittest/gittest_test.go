package gittest_test

import (
	"errors"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/go-git/go-git/v5/storage/memory"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/dsp-lab/dsp/internal/gittest"
)

var upstreamFiles = map[string]string{
	"README.md":          "# labs\n",
	"lab1/compose.yaml":  "services: {}\n",
	"lab1/docs/info.txt": "hello\n",
}

// clone clones url into memory with go-git.
func clone(url string, auth transport.AuthMethod) (*git.Repository, error) {
	return git.Clone(memory.NewStorage(), memfs.New(), &git.CloneOptions{URL: url, Auth: auth})
}

// worktreeFile reads a file of a clone's worktree.
func worktreeFile(t *testing.T, repo *git.Repository, name string) string {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	data, err := util.ReadFile(wt.Filesystem, name)
	if err != nil {
		t.Fatalf("read %s in the clone: %v", name, err)
	}
	return string(data)
}

// commitAndPush writes a file in the clone, commits it and pushes main.
func commitAndPush(t *testing.T, repo *git.Repository, auth transport.AuthMethod, name, content, message string) {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := util.WriteFile(wt.Filesystem, name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add(name); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Student", Email: "student@example.com", When: time.Now()}
	if _, err := wt.Commit(message, &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Push(&git.PushOptions{Auth: auth}); err != nil {
		t.Fatalf("push: %v", err)
	}
}

func TestRepo(t *testing.T) {
	repo := gittest.NewRepo(t, upstreamFiles)
	if !strings.HasSuffix(repo.Dir(), ".git") || !filepath.IsAbs(repo.Dir()) {
		t.Errorf("Dir() = %q, want an absolute path ending in .git", repo.Dir())
	}
	if got, ok := repo.File(t, "lab1/docs/info.txt"); !ok || got != "hello\n" {
		t.Errorf("File(lab1/docs/info.txt) = %q, %v", got, ok)
	}
	first := repo.Head(t)
	second := repo.Commit(t, map[string]string{"lab2/compose.yaml": "services: {a: {}}\n", "README.md": "# new\n"}, "lab1/docs/info.txt")
	if second == first || repo.Head(t) != second {
		t.Errorf("Head after Commit = %s, want the new commit %s (first was %s)", repo.Head(t), second, first)
	}
	if _, ok := repo.File(t, "lab1/docs/info.txt"); ok {
		t.Error("a removed file is still at main")
	}
	if got, _ := repo.File(t, "README.md"); got != "# new\n" {
		t.Errorf("README.md = %q after Commit", got)
	}
	if got, _ := repo.File(t, "lab1/compose.yaml"); got != "services: {}\n" {
		t.Errorf("an untouched file changed: %q", got)
	}
	want := []string{"Update README.md, lab2/compose.yaml; remove lab1/docs/info.txt", "Initial commit"}
	if got := repo.Log(t); !slices.Equal(got, want) {
		t.Errorf("Log() = %q, want %q", got, want)
	}
	// The git binary agrees that the repository is sound.
	if git, err := exec.LookPath("git"); err == nil {
		out, err := exec.Command(git, "-c", "safe.directory=*", "--git-dir", repo.Dir(), "fsck", "--strict").CombinedOutput()
		if err != nil {
			t.Errorf("git fsck: %v\n%s", err, out)
		}
	}
}

func TestHTTPServerCloneNeedsAuth(t *testing.T) {
	const user, password = "alice", "s3cret-token"
	_, srv, url := gittest.NewHTTPRepo(t, user, password, upstreamFiles)

	clone0, err := clone(url, &githttp.BasicAuth{Username: user, Password: password})
	if err != nil {
		t.Fatalf("clone with auth: %v", err)
	}
	if got := worktreeFile(t, clone0, "lab1/compose.yaml"); got != "services: {}\n" {
		t.Errorf("cloned lab1/compose.yaml = %q", got)
	}

	if _, err := clone(url, nil); !errors.Is(err, transport.ErrAuthenticationRequired) {
		t.Errorf("clone without auth: err = %v, want %v", err, transport.ErrAuthenticationRequired)
	}
	if _, err := clone(url, &githttp.BasicAuth{Username: user, Password: "wrong"}); !errors.Is(err, transport.ErrAuthenticationRequired) {
		t.Errorf("clone with a wrong password: err = %v, want %v", err, transport.ErrAuthenticationRequired)
	}

	requests := srv.Requests()
	if !slices.Contains(requests, "GET /repo.git/info/refs?service=git-upload-pack user=alice") ||
		!slices.Contains(requests, "GET /repo.git/info/refs?service=git-upload-pack") {
		t.Errorf("requests %q lack the authenticated and the anonymous ref listing", requests)
	}
	for _, r := range requests {
		if strings.Contains(r, password) {
			t.Errorf("request %q shows the password", r)
		}
	}
}

func TestHTTPServerPushAndPull(t *testing.T) {
	const user, password = "alice", "s3cret-token"
	repo, srv, url := gittest.NewHTTPRepo(t, user, password, upstreamFiles)
	auth := &githttp.BasicAuth{Username: user, Password: password}
	local, err := clone(url, auth)
	if err != nil {
		t.Fatalf("clone: %v", err)
	}

	commitAndPush(t, local, auth, "lab1/solution.md", "flag{pushed}\n", "Add a solution")
	if got, ok := repo.File(t, "lab1/solution.md"); !ok || got != "flag{pushed}\n" {
		t.Errorf("pushed file at the server = %q, %v", got, ok)
	}
	if got := repo.Log(t); len(got) != 2 || got[0] != "Add a solution" {
		t.Errorf("server log = %q, want the pushed commit first", got)
	}
	if !slices.Contains(srv.Requests(), "POST /repo.git/git-receive-pack user=alice") {
		t.Errorf("requests %q lack the authenticated receive-pack", srv.Requests())
	}

	// An upstream change arrives by pull.
	upstream := repo.Commit(t, map[string]string{"lab1/compose.yaml": "services: {web: {}}\n"})
	wt, err := local.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.Pull(&git.PullOptions{Auth: auth}); err != nil {
		t.Fatalf("pull: %v", err)
	}
	if head, err := local.Head(); err != nil || head.Hash().String() != upstream {
		t.Errorf("local head after pull = %v, %v, want %s", head, err, upstream)
	}
	if got := worktreeFile(t, local, "lab1/compose.yaml"); got != "services: {web: {}}\n" {
		t.Errorf("pulled lab1/compose.yaml = %q", got)
	}
}

func TestHTTPServerWithoutAuthServesSeveralRepos(t *testing.T) {
	root := t.TempDir()
	a := gittest.NewRepoAt(t, filepath.Join(root, "a.git"), map[string]string{"a": "1"})
	b := gittest.NewRepoAt(t, filepath.Join(root, "group", "b.git"), map[string]string{"b": "2"})
	srv := gittest.NewHTTPServer(t, root, "", "")
	for repo, file := range map[*gittest.Repo]string{a: "a", b: "b"} {
		local, err := clone(srv.URL(repo.Dir()), nil)
		if err != nil {
			t.Fatalf("anonymous clone of %s: %v", srv.URL(repo.Dir()), err)
		}
		want, _ := repo.File(t, file)
		if got := worktreeFile(t, local, file); got != want {
			t.Errorf("%s: %s = %q, want %q", srv.URL(repo.Dir()), file, got, want)
		}
	}
	if got := srv.URL(b.Dir()); !strings.HasSuffix(got, "/group/b.git") {
		t.Errorf("URL = %q, want a path relative to the root", got)
	}
}

func TestSSHServer(t *testing.T) {
	repo := gittest.NewRepo(t, upstreamFiles)
	keyPath, pub := gittest.ClientKey(t)
	srv := gittest.NewSSHServer(t, pub)
	url := srv.URL(repo.Dir())
	if !strings.HasPrefix(url, "ssh://") || !strings.HasSuffix(url, repo.Dir()) {
		t.Errorf("URL = %q", url)
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("client key %s: %v, %v; want mode 0600", keyPath, fi, err)
	}
	if srv.Fingerprint() != ssh.FingerprintSHA256(srv.HostKey()) || !strings.HasPrefix(srv.Fingerprint(), "SHA256:") {
		t.Errorf("Fingerprint() = %q", srv.Fingerprint())
	}

	auth := clientAuth(t, keyPath, srv, ssh.FixedHostKey(srv.HostKey()))
	local, err := clone(url, auth)
	if err != nil {
		t.Fatalf("ssh clone with the authorized key: %v", err)
	}
	if got := worktreeFile(t, local, "lab1/docs/info.txt"); got != "hello\n" {
		t.Errorf("cloned lab1/docs/info.txt = %q", got)
	}

	t.Run("push", func(t *testing.T) {
		commitAndPush(t, local, auth, "pushed.txt", "over ssh\n", "Push over ssh")
		if got, ok := repo.File(t, "pushed.txt"); !ok || got != "over ssh\n" {
			t.Errorf("pushed file at the server = %q, %v", got, ok)
		}
	})

	t.Run("known_hosts", func(t *testing.T) {
		knownHosts := filepath.Join(t.TempDir(), "known_hosts")
		line := knownhosts.Line([]string{knownhosts.Normalize(srv.Addr())}, srv.HostKey()) + "\n"
		if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		callback, err := gitssh.NewKnownHostsCallback(knownHosts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := clone(url, clientAuth(t, keyPath, srv, callback)); err != nil {
			t.Errorf("clone checking known_hosts: %v", err)
		}
	})

	t.Run("another key is refused", func(t *testing.T) {
		otherPath, _ := gittest.ClientKey(t)
		if _, err := clone(url, clientAuth(t, otherPath, srv, ssh.FixedHostKey(srv.HostKey()))); err == nil {
			t.Error("clone with a key that is not authorized worked")
		}
	})

	t.Run("changed host key is refused", func(t *testing.T) {
		oldKey, oldAddr := srv.HostKey(), srv.Addr()
		srv.ChangeHostKey(t)
		if srv.Addr() != oldAddr || srv.Fingerprint() == ssh.FingerprintSHA256(oldKey) {
			t.Fatalf("after ChangeHostKey: %s %s, before: %s %s", srv.Addr(), srv.Fingerprint(), oldAddr, ssh.FingerprintSHA256(oldKey))
		}
		_, err := clone(url, clientAuth(t, keyPath, srv, ssh.FixedHostKey(oldKey)))
		if err == nil || !strings.Contains(err.Error(), "host key mismatch") {
			t.Errorf("clone trusting the old host key: err = %v, want a host key mismatch", err)
		}
		if _, err := clone(url, clientAuth(t, keyPath, srv, ssh.FixedHostKey(srv.HostKey()))); err != nil {
			t.Errorf("clone trusting the new host key: %v", err)
		}
	})
}

// clientAuth is go-git's public-key auth for the server's user with the key at keyPath.
func clientAuth(t *testing.T, keyPath string, srv *gittest.SSHServer, hostKeys ssh.HostKeyCallback) *gitssh.PublicKeys {
	t.Helper()
	u, err := neturl.Parse(srv.URL("/"))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := gitssh.NewPublicKeysFromFile(u.User.Username(), keyPath, "")
	if err != nil {
		t.Fatal(err)
	}
	auth.HostKeyCallback = hostKeys
	return auth
}
