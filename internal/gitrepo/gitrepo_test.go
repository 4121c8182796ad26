package gitrepo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/gitrepo"
	"github.com/dsp-lab/dsp/internal/gittest"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in, url, kind, name, user, token string
	}{
		{"https://github.com/DockerSecurityPlayground/DSP_Projects.git", "https://github.com/DockerSecurityPlayground/DSP_Projects.git", gitrepo.HTTPS, "DSP_Projects", "", ""},
		{"https://alice:tok@example.com/course/", "https://example.com/course", gitrepo.HTTPS, "course", "alice", "tok"},
		{"git@github.com:NS-unina/DSP_Repo.git", "git@github.com:NS-unina/DSP_Repo.git", gitrepo.SSH, "DSP_Repo", "", ""},
		{"ssh://git@example.com:2222/srv/labs.git", "ssh://git@example.com:2222/srv/labs.git", gitrepo.SSH, "labs", "", ""},
		{"file:///srv/git/labs.git", "file:///srv/git/labs.git", gitrepo.Local, "labs", "", ""},
		{"/srv/git/labs/", "file:///srv/git/labs", gitrepo.Local, "labs", "", ""},
	}
	for _, tc := range cases {
		r, auth, err := gitrepo.ParseURL(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if r.URL != tc.url || r.Kind != tc.kind || gitrepo.DefaultName(r) != tc.name || auth.Username != tc.user || auth.Token != tc.token {
			t.Errorf("%s: %+v %+v name %q", tc.in, r, auth, gitrepo.DefaultName(r))
		}
	}
	for _, bad := range []string{"", "git://example.com/x", "ftp://x/y", "https:///nohost", "ssh://u:pw@h/x", "file://relative"} {
		_, _, err := gitrepo.ParseURL(bad)
		if !cerrdefs.IsInvalidArgument(err) {
			t.Errorf("%q: %v, want an invalid URL", bad, err)
		}
		if strings.Contains(bad, "pw") && strings.Contains(err.Error(), "pw@") {
			t.Errorf("%q: the error shows the password: %v", bad, err)
		}
	}
}

func newClient(t *testing.T) (*gitrepo.Client, string) {
	t.Helper()
	hosts := filepath.Join(t.TempDir(), "known_hosts")
	return gitrepo.New(gitrepo.NewKnownHosts(hosts)), hosts
}

func TestSSHHostKeys(t *testing.T) {
	keyPath, pub := gittest.ClientKey(t)
	srv := gittest.NewSSHServer(t, pub)
	upstream := gittest.NewRepo(t, map[string]string{".dsp": "", "lab/.dsp": "", "lab/README.md": "hello\n"})
	remote, _, err := gitrepo.ParseURL(srv.URL(upstream.Dir()))
	if err != nil {
		t.Fatal(err)
	}
	client, hostsFile := newClient(t)
	ctx := context.Background()
	auth := gitrepo.Auth{SSHKey: keyPath}

	// Unknown: refused with the fingerprint, before any git work and by
	// the clone itself.
	err = client.ProbeHostKey(ctx, remote, gitrepo.Options{Auth: auth})
	var hk *gitrepo.HostKeyError
	if !errors.As(err, &hk) || hk.Changed || hk.Fingerprint != srv.Fingerprint() || !cerrdefs.IsConflict(err) {
		t.Fatalf("unknown host key: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "clone")
	if err := client.Clone(ctx, remote, dir, "", gitrepo.Options{Auth: auth}); !errors.As(err, &hk) {
		t.Fatalf("clone with an unknown host key: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused clone left its folder")
	}
	// Accepting another fingerprint accepts nothing.
	if err := client.ProbeHostKey(ctx, remote, gitrepo.Options{Auth: auth, AcceptHostKey: "SHA256:not-this-one"}); !errors.As(err, &hk) {
		t.Fatalf("a wrong fingerprint was accepted: %v", err)
	}
	// Accepted once by its fingerprint, it is remembered.
	if err := client.Clone(ctx, remote, dir, "", gitrepo.Options{Auth: auth, AcceptHostKey: srv.Fingerprint()}); err != nil {
		t.Fatalf("clone with the accepted key: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "lab", "README.md")); string(data) != "hello\n" {
		t.Fatalf("clone content: %q", data)
	}
	if err := client.Fetch(ctx, dir, gitrepo.Options{Auth: auth}); err != nil {
		t.Fatalf("fetch with the remembered key: %v", err)
	}
	known, _ := os.ReadFile(hostsFile)
	if !strings.Contains(string(known), "[127.0.0.1]:") {
		t.Errorf("known_hosts: %q", known)
	}

	// Changed: refused, whatever is offered, and known_hosts keeps the old
	// key.
	srv.ChangeHostKey(t)
	for _, accept := range []string{"", srv.Fingerprint()} {
		err = client.Fetch(ctx, dir, gitrepo.Options{Auth: auth, AcceptHostKey: accept})
		if !errors.As(err, &hk) || !hk.Changed || !cerrdefs.IsPermissionDenied(err) {
			t.Fatalf("changed host key (accept %q): %v", accept, err)
		}
	}
	if again, _ := os.ReadFile(hostsFile); string(again) != string(known) {
		t.Errorf("a changed key was recorded:\n%s", again)
	}
}

func TestSSHWithoutKey(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	_, pub := gittest.ClientKey(t)
	srv := gittest.NewSSHServer(t, pub)
	upstream := gittest.NewRepo(t, map[string]string{".dsp": ""})
	remote, _, _ := gitrepo.ParseURL(srv.URL(upstream.Dir()))
	client, _ := newClient(t)
	err := client.Clone(context.Background(), remote, filepath.Join(t.TempDir(), "c"), "", gitrepo.Options{AcceptHostKey: srv.Fingerprint()})
	var authErr *gitrepo.AuthError
	if !errors.As(err, &authErr) || !cerrdefs.IsPermissionDenied(err) {
		t.Fatalf("a clone without a key: %v", err)
	}
	otherKey, _ := gittest.ClientKey(t)
	err = client.Clone(context.Background(), remote, filepath.Join(t.TempDir(), "c"), "", gitrepo.Options{Auth: gitrepo.Auth{SSHKey: otherKey}})
	if !errors.As(err, &authErr) {
		t.Fatalf("a clone with a key the server does not know: %v", err)
	}
}

func TestLocalRemoteAndBranches(t *testing.T) {
	upstream := gittest.NewRepo(t, map[string]string{".dsp": "", "a.txt": "1\n"})
	remote, _, err := gitrepo.ParseURL(upstream.Dir())
	if err != nil {
		t.Fatal(err)
	}
	client, _ := newClient(t)
	ctx := context.Background()
	if err := client.Clone(ctx, remote, filepath.Join(t.TempDir(), "x"), "no-such-branch", gitrepo.Options{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("an unknown branch: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "c")
	var lines []string
	if err := client.Clone(ctx, remote, dir, gittest.Branch, gitrepo.Options{Progress: func(p gitrepo.Progress) { lines = append(lines, p.Line) }}); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Error("no progress")
	}
	st, err := client.Status(dir)
	if err != nil || st.Branch != gittest.Branch || st.Commit != upstream.Head(t) || st.URL != remote.URL {
		t.Fatalf("status: %+v, %v", st, err)
	}
	// The remote moves on: after a fetch the checkout is behind by one.
	upstream.Commit(t, map[string]string{"a.txt": "2\n"})
	if err := client.Fetch(ctx, dir, gitrepo.Options{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := client.Status(dir); st.Behind != 1 || st.Ahead != 0 {
		t.Errorf("after a fetch: ahead %d behind %d", st.Ahead, st.Behind)
	}
}

// A repository whose new commit turns a folder into a symbolic link out of
// the checkout cannot make an update write outside it.
func TestUpdateStaysInside(t *testing.T) {
	upstream := gittest.NewRepo(t, map[string]string{".dsp": "", "lab/a.txt": "1\n"})
	remote, _, _ := gitrepo.ParseURL(upstream.Dir())
	client, _ := newClient(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "c")
	if err := client.Clone(ctx, remote, dir, "", gitrepo.Options{}); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	// Someone made lab a link out of the checkout; the update writes
	// lab/a.txt.
	if err := os.RemoveAll(filepath.Join(dir, "lab")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "lab")); err != nil {
		t.Fatal(err)
	}
	upstream.Commit(t, map[string]string{"lab/a.txt": "2\n"})
	_, err := client.Update(ctx, dir, gitrepo.UpdateOptions{KeepLocal: true})
	if err == nil {
		t.Fatal("an update wrote through a link out of the checkout")
	}
	if _, err := os.Stat(filepath.Join(outside, "a.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written outside the checkout: %v", err)
	}
}
